//! Glue catalog scan: chicory-aws's `TableScanner` (databases scanned concurrently) beside a
//! sequential loop over the SDK's paginators, in the same run, against the same Glue fake that
//! answers every request after an injected delay (a stand-in for the network round trip).
//!
//! Catalog: 100 databases x 100 tables (GetTables pages of 50, so 201 requests per scan).
//!
//! Run: `cargo bench -p chicory-aws-benches --bench glue_scan`

mod common;

use chicory_aws_core::{Connection, ScanItem, Scanner};
use chicory_aws_glue::{unchecked_glue_client, CatalogOptions, TableScanner};
use chicory_aws_testkit::{FakeSts, TestClock};
use common::sdk_tables;
use criterion::{criterion_group, criterion_main, Criterion};
use futures::StreamExt;
use std::time::Duration;
use wiremock::matchers::{body_partial_json, header, method};
use wiremock::{Mock, ResponseTemplate};

const DATABASES: usize = 100;
const TABLES: usize = 100;
const DELAY: Duration = Duration::from_millis(10);

fn json(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/x-amz-json-1.1")
        .set_body_json(body)
        .set_delay(DELAY)
}

fn tables(range: std::ops::Range<usize>) -> Vec<serde_json::Value> {
    range
        .map(|t| {
            serde_json::json!({
                "Name": format!("t{t:03}"), "TableType": "EXTERNAL_TABLE", "CreateTime": 1.7e9,
                "StorageDescriptor": {
                    "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "v", "Type": "string"}],
                    "Location": format!("s3://lake/t{t}/"),
                    "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}
                },
                "PartitionKeys": [{"Name": "dt", "Type": "string"}]
            })
        })
        .collect()
}

async fn setup() -> (FakeSts, Connection) {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
    let dbs: Vec<_> = (0..DATABASES)
        .map(|d| serde_json::json!({"Name": format!("db{d:03}")}))
        .collect();
    Mock::given(method("POST"))
        .and(header("x-amz-target", "AWSGlue.GetDatabases"))
        .respond_with(json(serde_json::json!({ "DatabaseList": dbs })))
        .mount(sts.server())
        .await;
    let half = TABLES / 2;
    Mock::given(method("POST"))
        .and(header("x-amz-target", "AWSGlue.GetTables"))
        .and(body_partial_json(serde_json::json!({"NextToken": "p2"})))
        .respond_with(json(
            serde_json::json!({ "TableList": tables(half..TABLES) }),
        ))
        .with_priority(1)
        .mount(sts.server())
        .await;
    Mock::given(method("POST"))
        .and(header("x-amz-target", "AWSGlue.GetTables"))
        .respond_with(json(
            serde_json::json!({ "TableList": tables(0..half), "NextToken": "p2" }),
        ))
        .with_priority(2)
        .mount(sts.server())
        .await;
    let conn = sts
        .connection(chicory_aws_core::AccessLevel::ReadOnly)
        .build()
        .await
        .unwrap();
    (sts, conn)
}

async fn scanner_count(conn: &Connection, concurrency: usize) -> usize {
    let s = TableScanner::new(conn, CatalogOptions::default().concurrency(concurrency)).unwrap();
    s.scan()
        .fold(0, |n, i| async move {
            match i.unwrap() {
                ScanItem::Record(_) => n + 1,
                ScanItem::Skipped(s) => panic!("{s:?}"),
            }
        })
        .await
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (_sts, conn) = rt.block_on(setup());
    let glue = unchecked_glue_client(&conn);
    // Both read the whole catalog.
    assert_eq!(rt.block_on(scanner_count(&conn, 16)), DATABASES * TABLES);
    assert_eq!(rt.block_on(sdk_tables(&glue)), DATABASES * TABLES);

    let mut g = c.benchmark_group(format!(
        "glue_scan_{DATABASES}x{TABLES}_delay_{}ms",
        DELAY.as_millis()
    ));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    for concurrency in [8, 16] {
        g.bench_function(format!("table_scanner_concurrency_{concurrency}"), |b| {
            b.to_async(&rt).iter(|| scanner_count(&conn, concurrency))
        });
    }
    g.bench_function("sequential_paginator", |b| {
        b.to_async(&rt).iter(|| sdk_tables(&glue))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
