//! A large catalog on the emulator: 50 databases x 50 tables and a table with 10,000
//! partitions. The scans count what was created, and they stream: the peak heap while the
//! records are counted (not collected) is about the same for half the records as for all of
//! them, and below half of what holding the records takes (measured by the test kit's counting
//! allocator, so the bounds move with what the records really weigh).
//!
//! moto answers GetPartitions in one page whatever the table's size (it reads neither
//! `MaxResults`, `NextToken` nor `Segment`), so a streaming scan of the emulator's partitions
//! holds that whole page; the partition scanner's memory is measured against a fake that pages
//! as Glue does (`NextToken`, `MaxResults` of at most 1,000, `Segment` honoured).

use aws_sdk_glue::types::{Column, DatabaseInput, PartitionInput, StorageDescriptor, TableInput};
use chicory_aws_core::{AccessLevel, Connection};
use chicory_aws_glue::{CatalogOptions, PartitionScanner, TableScanner};
use chicory_aws_policy::permissions::Integration;
use chicory_aws_testkit::memory::{assert_streams, count_scan as count, CountingAlloc};
use chicory_aws_testkit::{unique, Emulator};
use chicory_aws_testkit::{FakeSts, TestClock};
use futures::{stream, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::header;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[global_allocator]
static HEAP: CountingAlloc = CountingAlloc;

/// The heap is counted for the whole process: the tests of this file take turns.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn connect() -> Connection {
    let read_only = AccessLevel::ReadOnly;
    Emulator::get()
        .connect_to_role(Integration::Glue, read_only, read_only)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_by_fifty_tables_and_ten_thousand_partitions() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let glue = aws_sdk_glue::Client::new(&Emulator::get().admin_config().await);
    let prefix = unique("big").replace('-', "_");
    let col = Column::builder()
        .name("id")
        .r#type("bigint")
        .build()
        .unwrap();
    let table = |name: String, partitioned: bool| {
        let mut t = TableInput::builder().name(name).storage_descriptor(
            StorageDescriptor::builder()
                .columns(col.clone())
                .location("s3://lake/t/")
                .build(),
        );
        if partitioned {
            t = t.partition_keys(
                Column::builder()
                    .name("dt")
                    .r#type("string")
                    .build()
                    .unwrap(),
            );
        }
        t.build().unwrap()
    };
    stream::iter(0..50)
        .for_each_concurrent(8, |d| {
            let (glue, prefix, table) = (glue.clone(), prefix.clone(), &table);
            async move {
                let db = format!("{prefix}_{d:02}");
                glue.create_database()
                    .database_input(DatabaseInput::builder().name(&db).build().unwrap())
                    .send()
                    .await
                    .unwrap();
                for t in 0..50 {
                    glue.create_table()
                        .database_name(&db)
                        .table_input(table(format!("t{t:02}"), d == 0 && t == 0))
                        .send()
                        .await
                        .unwrap();
                }
            }
        })
        .await;
    let db0 = format!("{prefix}_00");
    stream::iter(
        (0..10_000)
            .collect::<Vec<u32>>()
            .chunks(100)
            .map(<[u32]>::to_vec)
            .collect::<Vec<_>>(),
    )
    .for_each_concurrent(8, |chunk| {
        let (glue, db0) = (glue.clone(), db0.clone());
        async move {
            let inputs = chunk
                .iter()
                .map(|i| {
                    PartitionInput::builder()
                        .values(format!("p{i:05}"))
                        .storage_descriptor(
                            StorageDescriptor::builder()
                                .location(format!("s3://lake/t/dt={i}/"))
                                .build(),
                        )
                        .build()
                })
                .collect();
            let out = glue
                .batch_create_partition()
                .database_name(&db0)
                .table_name("t00")
                .set_partition_input_list(Some(inputs))
                .send()
                .await
                .unwrap();
            assert!(out.errors().is_empty(), "{:?}", out.errors());
        }
    })
    .await;

    let conn = connect().await;
    let tables = TableScanner::new(
        &conn,
        CatalogOptions::default()
            .include_databases(format!("{prefix}_*"))
            .concurrency(8),
    )
    .unwrap();
    let (n, skipped, _) = count(&tables).await;
    assert_eq!((n, skipped), (2500, 0));
    assert_streams("2,500 tables", &tables).await;

    let parts = PartitionScanner::new(&conn, CatalogOptions::default(), &db0, "t00", 1).unwrap();
    let (n, skipped, _) = count(&parts).await;
    assert_eq!((n, skipped), (10_000, 0));
}

/// GetPartitions over `total` partitions of `db.t`, in pages of `MaxResults` (at most and by
/// default 1,000), `NextToken` an offset, `Segment` taking the partitions whose index modulo
/// the segment count is the segment number.
struct PartitionsFake {
    total: usize,
}

impl Respond for PartitionsFake {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&req.body).expect("JSON");
        let (n, of) = match &body["Segment"] {
            Value::Null => (0, 1),
            s => (
                s["SegmentNumber"].as_u64().unwrap() as usize,
                s["TotalSegments"].as_u64().unwrap() as usize,
            ),
        };
        let max = body["MaxResults"].as_u64().unwrap_or(1000).min(1000) as usize;
        let start: usize = body["NextToken"]
            .as_str()
            .map(|t| t.parse().unwrap())
            .unwrap_or(0);
        let mine: Vec<usize> = (0..self.total).filter(|i| i % of == n).collect();
        let end = (start + max).min(mine.len());
        let partitions: Vec<Value> = mine[start..end]
            .iter()
            .map(|i| {
                json!({
                    "Values": [format!("p{i:05}")],
                    "DatabaseName": "db",
                    "TableName": "t",
                    "CreationTime": 1.7e9,
                    "StorageDescriptor": {"Location": format!("s3://lake/t/dt={i}/")},
                })
            })
            .collect();
        let mut out = json!({ "Partitions": partitions });
        if end < mine.len() {
            out["NextToken"] = json!(end.to_string());
        }
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/x-amz-json-1.1")
            .set_body_json(out)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partition_scans_stream_in_pages() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
    // The fake runs in this process, so it must not keep what it received: wiremock's journal
    // of requests would grow with the pages and be counted as the scanner's heap.
    let glue = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(header("x-amz-target", "AWSGlue.GetPartitions"))
        .respond_with(PartitionsFake { total: 20_000 })
        .mount(&glue)
        .await;
    let conn = sts
        .connection(AccessLevel::ReadOnly)
        .service_endpoint_url("glue", glue.uri())
        .build()
        .await
        .unwrap();
    for segments in [1, 10] {
        let parts =
            PartitionScanner::new(&conn, CatalogOptions::default(), "db", "t", segments).unwrap();
        let (n, skipped, _) = count(&parts).await;
        assert_eq!((n, skipped), (20_000, 0));
        // Ten segments hold up to ten pages of 1,000 at once: half of these 20,000, so the
        // peak depends on scheduling and the bounds cannot tell streaming from holding here.
        // The one-segment scan is measured; each segment of a segmented scan is the same paged
        // stream.
        if segments == 1 {
            assert_streams("20,000 partitions in 1 segment", &parts).await;
        }
    }
}
