//! Proof from outside that a scan never loses a record silently: a seeded account on the
//! emulator (10 databases x 15 tables x 60 partitions, 3 buckets x 300 objects) scanned through
//! the demo customer's ReadOnly role behind the test kit's fault-injecting proxy (HTTP 500, 503
//! SlowDown, 400 ThrottlingException, connection resets) at 0%, 5%, 15% and 30% of requests,
//! with the connection's default retry policy. At every rate the record set equals the
//! fault-free one (0 lost, 0 duplicated) or the scan names its incomplete parts; at 15% it is
//! complete. And the `scan` binary, with every GetTables throttled, exits non-zero naming the
//! tables' databases.
//!
//! Needs the emulator (`bash scripts/emulator.sh start`; the test starts it if it can).

use chicory_aws_core::{Connection, ScanItem, Scanner};
use chicory_aws_examples::demo;
use chicory_aws_glue::aws_sdk_glue::types::{
    Column, DatabaseInput, PartitionInput, StorageDescriptor, TableInput,
};
use chicory_aws_glue::{aws_sdk_glue, CatalogOptions, CatalogScanner};
use chicory_aws_s3::{aws_sdk_s3, ObjectOptions, ObjectScanner};
use chicory_aws_testkit::faults::{Fault, FaultProxy, Rule};
use chicory_aws_testkit::Emulator;
use futures::StreamExt;
use std::collections::BTreeMap;
use std::time::Instant;

const DATABASES: usize = 10;
const TABLES: usize = 15;
const PARTITIONS: usize = 60;
const BUCKETS: usize = 3;
const OBJECTS: usize = 300;

fn db_name(d: usize) -> String {
    format!("faults_db{d:02}")
}

fn bucket_name(b: usize) -> String {
    format!("chicory-faults-{b}")
}

/// Seeds the account once (idempotent: an existing database or bucket is taken as seeded).
async fn seed() {
    let admin = Emulator::get().admin_config().await;
    let glue = aws_sdk_glue::Client::new(&admin);
    let col = |n: &str, t: &str| Column::builder().name(n).r#type(t).build().unwrap();
    for d in 0..DATABASES {
        let db = db_name(d);
        let created = glue
            .create_database()
            .database_input(DatabaseInput::builder().name(&db).build().unwrap())
            .send()
            .await;
        if created.is_err() {
            continue; // seeded by an earlier run against this emulator
        }
        for t in 0..TABLES {
            let table = format!("t{t:02}");
            glue.create_table()
                .database_name(&db)
                .table_input(
                    TableInput::builder()
                        .name(&table)
                        .table_type("EXTERNAL_TABLE")
                        .storage_descriptor(
                            StorageDescriptor::builder()
                                .columns(col("id", "bigint"))
                                .location(format!("s3://lake/{db}/{table}/"))
                                .build(),
                        )
                        .partition_keys(col("dt", "string"))
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .unwrap();
            let parts: Vec<_> = (0..PARTITIONS)
                .map(|p| {
                    PartitionInput::builder()
                        .values(format!("p{p:03}"))
                        .storage_descriptor(
                            StorageDescriptor::builder()
                                .location(format!("s3://lake/{db}/{table}/p{p:03}/"))
                                .build(),
                        )
                        .build()
                })
                .collect();
            glue.batch_create_partition()
                .database_name(&db)
                .table_name(&table)
                .set_partition_input_list(Some(parts))
                .send()
                .await
                .unwrap();
        }
    }
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&admin)
            .force_path_style(true)
            .build(),
    );
    for b in 0..BUCKETS {
        let bucket = bucket_name(b);
        if s3.create_bucket().bucket(&bucket).send().await.is_err() {
            continue;
        }
        let puts = (0..OBJECTS).map(|o| {
            let s3 = s3.clone();
            let bucket = bucket.clone();
            async move {
                s3.put_object()
                    .bucket(&bucket)
                    .key(format!("data/part={}/obj-{o:04}.csv", o % 10))
                    .body(aws_sdk_s3::primitives::ByteStream::from_static(b"x"))
                    .send()
                    .await
                    .unwrap();
            }
        });
        futures::stream::iter(puts)
            .buffer_unordered(16)
            .collect::<Vec<_>>()
            .await;
    }
}

/// What one scan of the seeded account produced.
#[derive(Default)]
struct Run {
    records: BTreeMap<String, usize>,
    incomplete: Vec<String>,
}

async fn drain<S: Scanner>(s: &S, run: &mut Run) {
    let mut stream = s.scan();
    while let Some(item) = stream.next().await {
        match item {
            Ok(ScanItem::Record(r)) => {
                *run.records
                    .entry(serde_json::to_string(&r).unwrap())
                    .or_default() += 1
            }
            Ok(ScanItem::Skipped(k)) => panic!("nothing is denied or gone here: {k:?}"),
            Err(e) => run.incomplete.push(e.to_string()),
        }
    }
}

/// The catalog and the three buckets, scanned at the same time (as a vendor's sync would).
async fn scan(conn: &Connection) -> Run {
    let options = CatalogOptions::default().include_databases("faults_db*");
    let catalog = async {
        let mut run = Run::default();
        let scanner = CatalogScanner::new(conn, options, Some(1)).unwrap();
        drain(&scanner, &mut run).await;
        run
    };
    let buckets = futures::future::join_all((0..BUCKETS).map(|b| async move {
        let mut run = Run::default();
        let objects = ObjectScanner::new(conn, bucket_name(b), ObjectOptions::default()).unwrap();
        drain(&objects, &mut run).await;
        run
    }));
    let (mut run, others) = futures::join!(catalog, buckets);
    for o in others {
        for (r, n) in o.records {
            *run.records.entry(r).or_default() += n;
        }
        run.incomplete.extend(o.incomplete);
    }
    run
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_any_fault_rate_no_record_is_lost_or_duplicated_silently() {
    seed().await;
    let emulator = Emulator::get();
    let customer = demo::provision().await;
    let proxy = FaultProxy::start(emulator.endpoint(), 2026).await;
    let conn = customer
        .builder()
        .endpoint_url(proxy.url())
        .connect()
        .await
        .unwrap();
    let baseline = scan(&conn).await;
    let expected = DATABASES * (1 + TABLES * (1 + PARTITIONS)) + BUCKETS * OBJECTS;
    assert_eq!(
        baseline.records.values().sum::<usize>(),
        expected,
        "the fault-free scan reads the whole seeded account"
    );
    assert!(baseline.incomplete.is_empty(), "{:?}", baseline.incomplete);

    eprintln!("| fault rate | records | lost | duplicated | incomplete parts | complete | requests | faults | throttles seen by the budget | time |");
    eprintln!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for rate in [0.0, 0.05, 0.15, 0.30] {
        proxy.reset_counts();
        proxy.set_rules(vec![Rule::mixed(
            "*",
            &[
                Fault::ServerError,
                Fault::SlowDown,
                Fault::Throttle,
                Fault::Reset,
            ],
            rate,
        )]);
        let throttled_before: u64 = conn.request_stats().iter().map(|a| a.throttled).sum();
        let started = Instant::now();
        let run = scan(&conn).await;
        let elapsed = started.elapsed();
        proxy.set_rules(Vec::new());
        let counts = proxy.counts();
        let throttled: u64 = conn
            .request_stats()
            .iter()
            .map(|a| a.throttled)
            .sum::<u64>()
            - throttled_before;
        let got: usize = run.records.values().sum();
        let duplicated: usize = run.records.values().map(|n| n - 1).sum();
        let unknown = run
            .records
            .keys()
            .filter(|r| !baseline.records.contains_key(*r))
            .count();
        let lost = baseline
            .records
            .keys()
            .filter(|r| !run.records.contains_key(*r))
            .count();
        eprintln!(
            "| {:.0}% | {got} | {lost} | {duplicated} | {} | {} | {} | {} | {throttled} | {:.1} s |",
            rate * 100.0,
            run.incomplete.len(),
            run.incomplete.is_empty(),
            counts.total_requests(),
            counts.total_faults(),
            elapsed.as_secs_f64()
        );
        assert_eq!(duplicated, 0, "{rate}: no record twice");
        assert_eq!(unknown, 0, "{rate}: no record the account does not hold");
        if run.incomplete.is_empty() {
            assert_eq!(lost, 0, "{rate}: a complete scan lost {lost} records");
        } else {
            assert!(lost > 0 || rate > 0.0, "{rate}: incomplete parts are named");
            for part in &run.incomplete {
                eprintln!("    incomplete at {:.0}%: {part}", rate * 100.0);
            }
        }
        if rate <= 0.15 {
            assert!(
                run.incomplete.is_empty(),
                "at {rate} the default retries make the scan complete: {:?}",
                run.incomplete
            );
        }
        if rate > 0.0 {
            assert!(counts.total_faults() > 0, "faults were injected at {rate}");
        }
    }
}

/// `chicory-aws scan`, every GetTables throttled: exit 2, the databases named, the output marks
/// the parts incomplete, and the --json summary says "incomplete".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scan_binary_exits_non_zero_naming_the_databases_whose_tables_it_could_not_list() {
    let emulator = Emulator::get();
    let proxy = FaultProxy::start(emulator.endpoint(), 7).await;
    proxy.set_rules(vec![Rule::new("GetTables", Fault::Throttle, 1.0)]);
    let out = std::env::temp_dir().join(format!("chicory-faults-{}.jsonl", std::process::id()));
    let url = proxy.url().to_owned();
    let path = out.clone();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_chicory-aws"))
            .args([
                "scan",
                "--demo",
                "--services",
                "glue",
                "--json",
                "--endpoint-url",
                &url,
            ])
            .arg("--out")
            .arg(&path)
            .arg("--include-databases")
            .arg("demo_*")
            // The environment's retry setting is honoured: 2 attempts keep the test short.
            .env("AWS_MAX_ATTEMPTS", "2")
            .output()
            .expect("the scan binary runs")
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "exit 2 (incomplete): {stderr}"
    );
    for db in ["demo_sales", "demo_marketing"] {
        assert!(
            stderr.contains(&format!("INCOMPLETE glue:GetTables database={db}")),
            "names {db}: {stderr}"
        );
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("--json prints JSON");
    assert_eq!(summary["outcome"], "incomplete", "{summary}");
    assert_eq!(summary["exit_code"], 2);
    assert_eq!(summary["scanners"][0]["complete"], false, "{summary}");
    assert_eq!(
        summary["scanners"][0]["incomplete"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{summary}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let incomplete = text
        .lines()
        .filter(|l| l.contains("\"kind\":\"scan_incomplete\""))
        .count();
    assert_eq!(incomplete, 2, "{text}");
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("\"glue_table\""))
            .count(),
        0,
        "no table could be listed"
    );
    assert!(proxy.counts().faults_of(Fault::Throttle) >= 2);
    let _ = std::fs::remove_file(out);
}
