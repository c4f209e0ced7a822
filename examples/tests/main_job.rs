//! The README's main job, as `scripts/demo.sh` runs it: `chicory-aws test-connection` and
//! `chicory-aws scan` against the demo account on the local emulator (DataZone from the test
//! kit's fake); and the CLI's exit codes.

use chicory_aws_testkit::datazone;
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

const CLI: &str = env!("CARGO_BIN_EXE_chicory-aws");

/// Runs the CLI with `args` and returns its output, whatever its exit code.
fn cli(args: &[&str]) -> std::process::Output {
    Command::new(CLI)
        .args(args)
        .current_dir(chicory_aws_testkit::repo_root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {CLI}: {e}"))
}

/// Runs the CLI against the emulator and checks it exits 0.
fn run(args: &[&str]) -> std::process::Output {
    // Starts the emulator (or fails naming the command) before the binary needs it.
    chicory_aws_testkit::Emulator::get();
    let out = cli(args);
    assert!(
        out.status.success(),
        "chicory-aws {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn test_connection_reports_every_service_readable_and_the_external_id_enforced() {
    let out = run(&[
        "test-connection",
        "--demo",
        "--expect-table",
        "demo_sales.orders",
    ]);
    let report = String::from_utf8_lossy(&out.stdout);
    for line in [
        "glue      OK  glue:GetDatabases",
        "athena    OK  athena:ListWorkGroups",
        "s3        OK  s3:ListAllMyBuckets",
        "datazone  OK  datazone:ListDomains",
        "external id  OK  AssumeRole without the External ID is denied",
        "visible   OK  demo_sales.orders",
    ] {
        assert!(report.contains(line), "missing {line:?} in:\n{report}");
    }
}

#[test]
fn the_demo_scan_writes_every_service_of_the_demo_account() {
    let dir = std::env::temp_dir().join(format!("chicory-main-job-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out_file = dir.join("scan.jsonl");
    // Other tests share the emulator's account: only the demo's databases are scanned, and
    // only the demo's buckets and workgroups are counted.
    let out = run(&[
        "scan",
        "--demo",
        "--include-databases",
        "demo_*",
        "--out",
        out_file.to_str().unwrap(),
        "--json",
    ]);
    let text = std::fs::read_to_string(&out_file).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l}: {e}")))
        .collect();
    // The --json summary on stdout agrees with the file, scanner by scanner.
    let summary: Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    assert_eq!(summary["outcome"], "complete", "{summary}");
    assert_eq!(summary["exit_code"], 0);
    let outcome_lines = records
        .iter()
        .filter(|r| r["kind"] == "scan_skipped" || r["kind"] == "scan_incomplete")
        .count();
    assert_eq!(
        summary["records"].as_u64(),
        Some((records.len() - outcome_lines) as u64),
        "{summary}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let scanners = summary["scanners"].as_array().unwrap();
    assert_eq!(
        scanners.len(),
        10,
        "glue, 2 athena, 4 activity, 2 s3, datazone: {summary}"
    );
    for s in scanners {
        assert_eq!(s["complete"], true, "{s}");
        // Not a terminal: plain progress lines on stderr, one per scanner at its end.
        let name = s["scanner"].as_str().unwrap();
        let line = format!("{name:<24} {:>9} records", s["records"].as_u64().unwrap());
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(&line) && l.contains("records/s")),
            "no progress line {line:?} in:\n{stderr}"
        );
    }
    assert!(
        summary["requests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["api"] == "glue:GetTables" && a["requests"].as_u64() >= Some(2)),
        "{summary}"
    );
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &records {
        *kinds.entry(r["kind"].as_str().unwrap()).or_default() += 1;
    }
    let named = |kind: &str, name: &str| {
        records
            .iter()
            .filter(|r| r["kind"] == kind && r["name"] == name)
            .count()
    };
    // Glue: 2 databases x 3 tables, 30 partitions of each `events` table; an Iceberg table, a
    // view and a table link, and a database link (whose tables live in its target: not listed).
    assert_eq!(kinds.get("glue_database"), Some(&3), "{kinds:?}");
    assert_eq!(kinds.get("glue_table"), Some(&9), "{kinds:?}");
    assert_eq!(kinds.get("glue_partition"), Some(&60), "{kinds:?}");
    let table = |db: &str, name: &str| {
        records
            .iter()
            .find(|r| r["kind"] == "glue_table" && r["database"] == db && r["name"] == name)
            .unwrap_or_else(|| panic!("no table {db}.{name}"))
    };
    let iceberg = table("demo_sales", "events_iceberg");
    assert_eq!(iceberg["format"], "iceberg");
    let cols = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(cols(&iceberg["columns"]), ["id", "payload"]);
    assert_eq!(cols(&iceberg["dropped_columns"]), ["legacy_flag"]);
    assert!(iceberg["iceberg"]["metadata_location"]
        .as_str()
        .unwrap()
        .ends_with("00002-demo.metadata.json"));
    assert_eq!(table("demo_sales", "orders")["format"], "hive");
    assert_eq!(
        table("demo_sales", "orders_enriched")["table_type"],
        "VIRTUAL_VIEW"
    );
    let link = table("demo_marketing", "orders_link");
    assert_eq!(link["format"], Value::Null);
    assert_eq!(link["link_target"]["database"], "demo_sales");
    assert_eq!(link["link_target"]["name"], "orders");
    let db_link = records
        .iter()
        .find(|r| r["kind"] == "glue_database" && r["name"] == "demo_shared_link")
        .expect("the database link");
    assert_eq!(db_link["link_target"]["database"], "demo_sales");
    assert_eq!(named("athena_workgroup", "demo-analysts"), 1, "{kinds:?}");
    query_activity(&records, &stderr);
    assert_eq!(named("s3_bucket", "chicory-demo-lake"), 1, "{kinds:?}");
    assert_eq!(kinds.get("s3_object"), Some(&7), "{kinds:?}");
    // DataZone: the fake's whole catalog, every kind.
    let d = datazone::DOMAINS.len();
    for (kind, n) in [
        ("datazone_domain", d),
        ("datazone_project", d * datazone::PROJECTS),
        (
            "datazone_environment",
            d * datazone::PROJECTS * datazone::PER_PROJECT,
        ),
        (
            "datazone_data_source",
            d * datazone::PROJECTS * datazone::PER_PROJECT,
        ),
        ("datazone_environment_profile", d * datazone::PROFILES),
        ("datazone_asset", d * datazone::ASSETS),
        ("datazone_form_type", d * datazone::FORM_TYPES),
        ("datazone_listing", d * datazone::LISTINGS),
        ("datazone_glossary", d * datazone::GLOSSARIES),
        ("datazone_glossary_term", d * datazone::TERMS),
    ] {
        assert_eq!(kinds.get(kind), Some(&n), "{kind}: {kinds:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `catalog.database.table` of a record's table name.
fn name(v: &Value) -> String {
    format!("{}.{}.{}", v["catalog"], v["database"], v["table"]).replace('"', "")
}

fn sales(t: &str) -> String {
    format!("awsdatacatalog.demo_sales.{t}")
}

fn marketing(t: &str) -> String {
    format!("awsdatacatalog.demo_marketing.{t}")
}

/// The demo's Athena queries (run through a ReadWrite role before the scan, their ids on
/// stderr) are in the scan's query activity, popularity and lineage, analysed; the Glue view's
/// lineage is there too.
fn query_activity(records: &[Value], stderr: &str) {
    // "  demo query <id>: <sql>", in the order of demo::QUERIES.
    let ids: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("demo query "))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 4, "the demo queries' ids on stderr:\n{stderr}");
    let of = |kind: &str| -> Vec<&Value> { records.iter().filter(|r| r["kind"] == kind).collect() };
    let activity = of("athena_query_activity");
    // (statement kind, tables read, table written) of each demo query.
    let want = [
        ("select", vec![sales("customers"), sales("orders")], None),
        (
            "create_table_as",
            vec![sales("orders")],
            Some(marketing("orders_summary")),
        ),
        (
            "insert",
            vec![sales("customers"), sales("events")],
            Some(marketing("events")),
        ),
        (
            "create_view",
            vec![sales("customers"), sales("orders")],
            Some(sales("orders_enriched")),
        ),
    ];
    for (id, (kind, reads, writes)) in ids.iter().zip(want) {
        let r = activity
            .iter()
            .find(|r| r["query_execution_id"] == *id)
            .unwrap_or_else(|| panic!("no athena_query_activity of {id}: {activity:?}"));
        assert_eq!(r["statement_kind"], kind, "{r}");
        assert_eq!(r["workgroup"], "demo-analysts", "{r}");
        assert_eq!(r["state"], "SUCCEEDED", "{r}");
        let got: Vec<String> = r["reads"].as_array().unwrap().iter().map(name).collect();
        assert_eq!(got, reads, "{r}");
        let written = (!r["writes"].is_null()).then(|| name(&r["writes"]["target"]));
        assert_eq!(written, writes, "{r}");
    }
    // Lineage: the CTAS and the INSERT's edges (the SELECT and the view make none).
    let mut edges: Vec<(String, String, String)> = of("lineage_edge")
        .iter()
        .filter(|e| ids.contains(&e["query_execution_id"].as_str().unwrap()))
        .map(|e| {
            (
                e["statement_kind"].as_str().unwrap().to_owned(),
                name(&e["source"]),
                name(&e["target"]["target"]),
            )
        })
        .collect();
    edges.sort();
    assert_eq!(
        edges,
        [
            (
                "create_table_as".to_owned(),
                sales("orders"),
                marketing("orders_summary")
            ),
            ("insert".to_owned(), sales("customers"), marketing("events")),
            ("insert".to_owned(), sales("events"), marketing("events")),
        ]
    );
    // Popularity: exactly what the activity of the same window counts, table by table (the
    // window closed before the scan, so a concurrent demo's queries are in both or neither).
    let mut counted: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for a in &activity {
        let reads: Vec<String> = a["reads"].as_array().unwrap().iter().map(name).collect();
        let written = (!a["writes"].is_null()).then(|| name(&a["writes"]["target"]));
        let mut touched: Vec<&String> = reads.iter().chain(written.iter()).collect();
        touched.sort();
        touched.dedup();
        for t in touched {
            let c = counted.entry(t.clone()).or_default();
            c.0 += 1;
            c.1 += u64::from(reads.contains(t));
            c.2 += u64::from(written.as_ref() == Some(t));
        }
    }
    let popularity: BTreeMap<String, (u64, u64, u64)> = of("table_popularity")
        .iter()
        .map(|p| {
            assert_eq!(
                p["queries_total"].as_u64(),
                Some(activity.len() as u64),
                "{p}"
            );
            let n = |f: &str| p[f].as_u64().unwrap();
            (
                name(&p["table"]),
                (n("query_count"), n("read_count"), n("write_count")),
            )
        })
        .collect();
    assert_eq!(popularity, counted);
    let tables: Vec<&String> = popularity.keys().collect();
    assert_eq!(
        tables,
        [
            &marketing("events"),
            &marketing("orders_summary"),
            &sales("customers"),
            &sales("events"),
            &sales("orders"),
            &sales("orders_enriched"),
        ]
    );
    // One run's counts, when no other demo ran in the window: orders read by 3 queries.
    if activity.len() == 4 {
        assert_eq!(popularity[&sales("orders")], (3, 3, 0));
        assert_eq!(popularity[&marketing("events")], (1, 0, 1));
    }
    // The Glue view's lineage, from its Presto definition.
    let views = of("view_lineage");
    assert_eq!(views.len(), 1, "{views:?}");
    assert_eq!(name(&views[0]["view"]), sales("orders_enriched"));
    let reads: Vec<String> = views[0]["reads"]
        .as_array()
        .unwrap()
        .iter()
        .map(name)
        .collect();
    assert_eq!(reads, [sales("customers"), sales("orders")]);
}

#[test]
fn a_wrong_command_line_exits_64_and_help_exits_0() {
    let out = cli(&["scan", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(64), "usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--no-such-flag"));
    let out = cli(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for sub in ["test-connection", "scan", "onboarding", "mcp"] {
        assert!(help.contains(sub), "{sub} in:\n{help}");
    }
}

#[test]
fn bad_connection_parameters_fail_with_exit_1_naming_the_field_before_any_request() {
    let dir = std::env::temp_dir().join(format!("chicory-cli-params-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let params = dir.join("customer.json");
    std::fs::write(
        &params,
        r#"{"role_arn": "arn:aws:iam::123456789012:role/R", "external_id": "x"}"#,
    )
    .unwrap();
    // An endpoint nothing listens on: had a request been sent, the error would say so.
    let out = cli(&[
        "scan",
        "--params",
        params.to_str().unwrap(),
        "--endpoint-url",
        "http://127.0.0.1:9",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("external_id"), "{stderr}");
    assert!(
        stderr.starts_with("chicory-aws: error: invalid configuration: field `external_id`"),
        "Display, not a Debug-quoted string: {stderr}"
    );
    assert!(
        !stderr.contains("dispatch") && !stderr.contains("connect"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn onboarding_prints_the_policies_offline() {
    let out = cli(&[
        "onboarding",
        "--service",
        "glue",
        "--vendor-account",
        "123456789012",
        "--external-id",
        "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("== Trust policy (trust-policy.json) =="),
        "{text}"
    );
    assert!(text.contains("\"sts:ExternalId\""), "{text}");
}

/// On a terminal (a pseudo-terminal from util-linux's `script`), the scan draws a live line per
/// scanner (indicatif: spinner, erase-line escapes); elsewhere it prints plain lines (the demo
/// scan test above).
#[test]
fn on_a_terminal_the_scan_draws_live_progress() {
    chicory_aws_testkit::Emulator::get();
    let out_file = std::env::temp_dir().join(format!("chicory-tty-{}.jsonl", std::process::id()));
    let command = format!(
        "{CLI} scan --demo --services athena --out {}",
        out_file.display()
    );
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(chicory_aws_testkit::repo_root())
        .output()
        .expect("`script` (util-linux) runs: install it with `apt-get install util-linux`");
    let tty = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{tty}");
    assert!(
        tty.contains("\u{1b}[2K"),
        "indicatif redraws its line: {tty:?}"
    );
    assert!(
        tty.contains("athena_workgroups") && tty.contains("records/s"),
        "{tty}"
    );
    std::fs::remove_file(&out_file).ok();
}
