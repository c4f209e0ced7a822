//! The README's main job, as `scripts/demo.sh` runs it: the `test_connection` and `scan`
//! binaries against the demo account on the local emulator (DataZone from the test kit's fake).

use chicory_aws_testkit::datazone;
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

fn run(bin: &str, args: &[&str]) -> std::process::Output {
    // Starts the emulator (or fails naming the command) before the binary needs it.
    chicory_aws_testkit::Emulator::get();
    let out = Command::new(bin)
        .args(args)
        .current_dir(chicory_aws_testkit::repo_root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {bin}: {e}"));
    assert!(
        out.status.success(),
        "{bin} {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn test_connection_reports_every_service_readable_and_the_external_id_enforced() {
    let out = run(
        env!("CARGO_BIN_EXE_test_connection"),
        &["--demo", "--expect-table", "demo_sales.orders"],
    );
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
    run(
        env!("CARGO_BIN_EXE_scan"),
        &[
            "--demo",
            "--include-databases",
            "demo_*",
            "--out",
            out_file.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&out_file).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l}: {e}")))
        .collect();
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
    // Glue: 2 databases x 3 tables, 30 partitions of each `events` table; an Iceberg table and
    // a table link, and a database link (whose tables live in its target: not listed).
    assert_eq!(kinds.get("glue_database"), Some(&3), "{kinds:?}");
    assert_eq!(kinds.get("glue_table"), Some(&8), "{kinds:?}");
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
