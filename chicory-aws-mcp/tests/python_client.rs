//! The server as an MCP client sees it: the official MCP Python SDK (`mcp`, pinned in
//! scripts/requirements-emulator.txt and installed into .venv by scripts/emulator.sh) drives
//! the `chicory-aws-mcp` binary over stdio and Streamable HTTP against the local emulator
//! (scripts/mcp_client_test.py; its docstring lists the checks).
//!
//! This test provisions what the script needs and the answer it compares with: a vendor, two
//! customer roles, a Glue catalog bigger than one page of the scan tool and a small bucket, and
//! the records the library's `TableScanner` and `ObjectScanner` return for them. Needs the emulator (`bash scripts/emulator.sh
//! start`, which this test runs itself); fails, never skips, without it.

use chicory_aws_core::{AccessLevel, ConnectionParams, ScanItem, Scanner};
use chicory_aws_glue::aws_sdk_glue::types::{Column, DatabaseInput, StorageDescriptor, TableInput};
use chicory_aws_glue::{aws_sdk_glue, CatalogOptions, TableScanner};
use chicory_aws_testkit::{repo_root, trust_policy, unique, Emulator};
use futures::StreamExt;
use serde_json::{json, Value};
use std::time::Instant;

const DATABASES: usize = 2;
const TABLES_PER_DATABASE: usize = 30;
const OBJECTS: usize = 7;

/// IAM lets both roles do anything: a refused write can only be the server's own gate.
const EVERYTHING: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

async fn seed_catalog(uid: &str) -> Vec<String> {
    let glue = aws_sdk_glue::Client::new(&Emulator::get().admin_config().await);
    let mut names = Vec::new();
    for d in 0..DATABASES {
        let db = format!("mcp_{uid}_db{d}");
        glue.create_database()
            .database_input(
                DatabaseInput::builder()
                    .name(&db)
                    .description(format!("{db} (mcp client test)"))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        for t in 0..TABLES_PER_DATABASE {
            let col = |n: &str, ty: &str| Column::builder().name(n).r#type(ty).build().unwrap();
            glue.create_table()
                .database_name(&db)
                .table_input(
                    TableInput::builder()
                        .name(format!("t{t:02}"))
                        .table_type("EXTERNAL_TABLE")
                        .parameters("classification", "parquet")
                        .storage_descriptor(
                            StorageDescriptor::builder()
                                .columns(col("id", "bigint"))
                                .columns(col("payload", "string"))
                                .location(format!("s3://mcp-{uid}/{db}/t{t:02}/"))
                                .build(),
                        )
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .unwrap();
        }
        names.push(db);
    }
    names
}

/// A bucket of `OBJECTS` objects under `raw/`; returns its name.
async fn seed_bucket(uid: &str) -> String {
    use chicory_aws_s3::aws_sdk_s3;
    let admin = Emulator::get().admin_config().await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&admin)
            .force_path_style(true)
            .build(),
    );
    let bucket = format!("mcp-{}", uid.replace('_', "-"));
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    for i in 0..OBJECTS {
        s3.put_object()
            .bucket(&bucket)
            .key(format!("raw/part-{i:02}.csv"))
            .body(aws_sdk_s3::primitives::ByteStream::from(
                format!("id\n{i}\n").into_bytes(),
            ))
            .send()
            .await
            .unwrap();
    }
    bucket
}

/// Every record of a scan, as JSON; the scan must be complete.
async fn records<S: Scanner>(scanner: S) -> Vec<Value> {
    let mut stream = scanner.scan();
    let mut out = Vec::new();
    while let Some(item) = stream.next().await {
        match item.expect("the scan is complete") {
            ScanItem::Record(r) => out.push(serde_json::to_value(r).unwrap()),
            ScanItem::Skipped(s) => panic!("skipped {s:?}"),
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_official_python_client_drives_the_server_over_stdio_and_http() {
    let emu = Emulator::get();
    let python = repo_root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `bash scripts/emulator.sh setup`",
        python.display()
    );
    let started = Instant::now();
    let external_id = format!("chicory-{}", unique("mcp"));
    let vendor = emu.vendor().await;
    let trust = trust_policy(&vendor.arn, &external_id);
    let ro = emu
        .customer_role(&trust, &[("Everything", EVERYTHING)])
        .await;
    let rw = emu
        .customer_role(&trust, &[("Everything", EVERYTHING)])
        .await;
    let uid = unique("c").replace('-', "_");
    let databases = seed_catalog(&uid).await;

    // The answer: the library's scanner on the ReadWrite role.
    let params = ConnectionParams::assume_role(&rw, &external_id)
        .unwrap()
        .with_region(emu.region())
        .unwrap()
        .with_access_level(AccessLevel::ReadWrite);
    let conn = emu.connection(&vendor, params).connect().await.unwrap();
    let mut options = CatalogOptions::default();
    for db in &databases {
        options = options.include_databases(db.clone());
    }
    let tables = records(TableScanner::new(&conn, options).unwrap()).await;
    assert_eq!(tables.len(), DATABASES * TABLES_PER_DATABASE);
    let bucket = seed_bucket(&uid).await;
    let objects =
        records(chicory_aws_s3::ObjectScanner::new(&conn, &bucket, Default::default()).unwrap())
            .await;
    assert_eq!(objects.len(), OBJECTS);

    let dir = std::env::temp_dir().join(unique("chicory-mcp-client"));
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = dir.join("fixture.json");
    let fx: Value = json!({
        "endpoint": emu.endpoint(),
        "region": emu.region(),
        "account_id": emu.account_id(),
        "external_id": external_id,
        "vendor": {
            "access_key_id": vendor.access_key_id,
            "secret_access_key": vendor.secret_access_key,
        },
        "roles": {"ro": ro, "rw": rw},
        "databases": databases,
        "tables_per_database": TABLES_PER_DATABASE,
        "tables": tables,
        "bucket": bucket,
        "objects": objects,
    });
    std::fs::write(&fixture, serde_json::to_vec_pretty(&fx).unwrap()).unwrap();
    let setup = started.elapsed();

    let transcript = dir.join("transcript.json");
    let script = repo_root().join("scripts/mcp_client_test.py");
    let out = tokio::task::spawn_blocking({
        let transcript = transcript.clone();
        move || {
            std::process::Command::new(python)
                .arg(script)
                .arg("--server")
                .arg(env!("CARGO_BIN_EXE_chicory-aws-mcp"))
                .arg("--fixture")
                .arg(&fixture)
                .arg("--transcript")
                .arg(&transcript)
                .current_dir(repo_root())
                .output()
                .expect("python runs")
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("set-up {:.1}s\n{stdout}", setup.as_secs_f64());
    assert!(
        out.status.success(),
        "the MCP client test failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stdout.contains("MCP client tests passed"), "{stdout}");
    println!("transcript: {}", transcript.display());
}
