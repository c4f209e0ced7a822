//! `chicory-aws mcp --demo`, as a newcomer runs it: the MCP server over the emulator's demo account,
//! spoken to over stdio (newline-delimited JSON-RPC, as MCP's stdio transport is).

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

struct Session {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
    next_id: u64,
}

impl Session {
    fn send(&mut self, message: Value) {
        let mut line = message.to_string();
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let mut line = String::new();
            let n = self.stdout.read_line(&mut line).unwrap();
            assert!(n > 0, "the server closed stdout before answering {method}");
            let v: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("stdout holds a non-JSON line ({e}): {line}"));
            if v["id"] == json!(id) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        self.request("tools/call", json!({"name": tool, "arguments": arguments}))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_demo_server_lists_reads_and_refuses_a_write() {
    // Starts the emulator (or fails naming the command) before the binary needs it.
    chicory_aws_testkit::Emulator::get();
    let mut child = Command::new(env!("CARGO_BIN_EXE_chicory-aws"))
        .args(["mcp", "--demo"])
        .current_dir(chicory_aws_testkit::repo_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the mcp binary starts");
    let mut s = Session {
        stdin: child.stdin.take().unwrap(),
        stdout: BufReader::new(child.stdout.take().unwrap()),
        child,
        next_id: 0,
    };
    let init = s.request(
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {},
               "clientInfo": {"name": "mcp_demo test", "version": "0"}}),
    );
    assert_eq!(init["serverInfo"]["name"], json!("chicory-aws-mcp"));
    s.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));

    let tools = s.request("tools/list", json!({}));
    let names: Vec<&str> = tools["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    // Every operator of the crates' registries and every scan tool, counted from the crates.
    let operators: usize = chicory_aws_testkit::runtime().block_on(async {
        let params = chicory_aws_core::ConnectionParams::assume_role(
            "arn:aws:iam::123456789012:role/ChicoryAccess",
            "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
        )
        .unwrap();
        let conn = chicory_aws_core::Connection::builder(params)
            .endpoint_url("http://127.0.0.1:9")
            .build()
            .await
            .unwrap();
        chicory_aws_mcp::DEFAULT_REGISTRIES
            .iter()
            .map(|r| r(&conn).len())
            .sum()
    });
    let scans = chicory_aws_mcp::scans::default_scan_tools().len();
    assert_eq!(names.len(), operators + scans, "{names:?}");
    for name in [
        "table_popularity",
        "athena_list_query_activity",
        "athena_list_lineage_edges",
    ] {
        assert!(names.contains(&name), "{name} not listed: {names:?}");
    }

    // The demo catalog, as scripts/demo.sh seeds it: 2 databases of 3 tables, an Iceberg
    // table, a view and a table link.
    let page = s.call(
        "glue_list_tables",
        json!({"include_databases": ["demo_*"], "page_size": 4}),
    );
    assert_ne!(page["isError"], json!(true), "{page}");
    let first = page["structuredContent"]["records"]
        .as_array()
        .unwrap()
        .len();
    let mut cursor = page["structuredContent"]["cursor"].clone();
    assert_eq!(first, 4, "{page}");
    // The cursor keeps the page size: 4, 4, then the last 1.
    let mut pages = vec![first];
    while !cursor.is_null() {
        let next = s.call("glue_list_tables", json!({"cursor": cursor}));
        pages.push(
            next["structuredContent"]["records"]
                .as_array()
                .unwrap()
                .len(),
        );
        cursor = next["structuredContent"]["cursor"].clone();
        assert!(pages.len() < 10, "the cursor never ends: {pages:?}");
    }
    assert_eq!(pages, [4, 4, 1]);

    // DataZone from the test kit's fake, through the same assumed-role session.
    let domains = s.call("datazone_list_domains", json!({}));
    assert_ne!(domains["isError"], json!(true), "{domains}");
    assert!(
        !domains["structuredContent"]["records"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{domains}"
    );

    // The demo customer granted ReadOnly.
    let refused = s.call(
        "s3_delete_object",
        json!({"bucket": "chicory-demo-lake", "key": "curated/summary.json"}),
    );
    assert_eq!(refused["isError"], json!(true), "{refused}");
    let text = refused["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("needs ReadWrite"), "{text}");
}

/// Every scan tool of the demo server through the official MCP Python client, which checks
/// each page against the tool's output schema (scripts/mcp_client_test.py --demo).
#[test]
fn every_scan_tool_of_the_demo_passes_the_official_clients_schema_checks() {
    chicory_aws_testkit::Emulator::get();
    let root = chicory_aws_testkit::repo_root();
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `bash scripts/emulator.sh setup`",
        python.display()
    );
    let out = Command::new(python)
        .arg(root.join("scripts/mcp_client_test.py"))
        .arg("--demo")
        .arg(env!("CARGO_BIN_EXE_chicory-aws"))
        .current_dir(&root)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("MCP demo client tests passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
