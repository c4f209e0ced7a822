//! S3 object listing: chicory-aws's `ObjectScanner` fanning out over common prefixes beside a
//! sequential ListObjectsV2 loop (the SDK's paginator, no delimiter), in the same run, against
//! the same S3 fake that answers every request after an injected delay (a stand-in for the
//! network round trip). The plain `ObjectScanner` mode (one sequential listing) is measured too.
//!
//! Bucket: 100,000 keys under 100 top-level prefixes (`pNNN/oNNNN`, 1,000 each). Listing one
//! prefix is sequential in S3 (each page needs the previous page's continuation token), so the
//! sequential loop makes 100 requests one after another; the fan-out makes 1 root listing and
//! 100 prefix listings, 16 at a time.
//!
//! The fake (`chicory_aws_testkit::s3`) follows the ListObjectsV2 REST-XML shape: `GET
//! /bucket?list-type=2` with `prefix`, `delimiter`, `max-keys` and `continuation-token`; keys
//! and common prefixes count together toward `max-keys`, as in S3.
//!
//! Run: `cargo bench -p chicory-aws-benches --bench s3_listing`

use chicory_aws_core::{Connection, ScanItem, Scanner};
use chicory_aws_s3::{unchecked_s3_client, ObjectOptions, ObjectScanner};
use chicory_aws_testkit::{s3::mount_listing, FakeSts, TestClock};
use criterion::{criterion_group, criterion_main, Criterion};
use futures::StreamExt;
use std::time::Duration;

const BUCKET: &str = "bench-bucket";
const PREFIXES: usize = 100;
const PER_PREFIX: usize = 1000;
const DELAY: Duration = Duration::from_millis(10);

async fn setup() -> (FakeSts, Connection) {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
    let keys = (0..PREFIXES)
        .flat_map(|p| (0..PER_PREFIX).map(move |o| format!("p{p:03}/o{o:04}")))
        .collect();
    mount_listing(sts.server(), BUCKET, keys, DELAY).await;
    let conn = sts
        .connection(chicory_aws_core::AccessLevel::ReadOnly)
        .build()
        .await
        .unwrap();
    (sts, conn)
}

async fn scanner_count(conn: &Connection, options: ObjectOptions) -> usize {
    // The region is given: no GetBucketLocation, only listings are measured.
    let s = ObjectScanner::new(conn, BUCKET, options.region("us-east-1")).unwrap();
    s.scan()
        .fold(0, |n, i| async move {
            match i.unwrap() {
                ScanItem::Record(_) => n + 1,
                ScanItem::Skipped(s) => panic!("{s:?}"),
            }
        })
        .await
}

async fn sequential_count(s3: &aws_sdk_s3::Client) -> usize {
    let mut n = 0;
    let mut pages = s3.list_objects_v2().bucket(BUCKET).into_paginator().send();
    while let Some(page) = pages.next().await {
        n += page.unwrap().contents().len();
    }
    n
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (_sts, conn) = rt.block_on(setup());
    let s3 = unchecked_s3_client(&conn);
    let total = PREFIXES * PER_PREFIX;
    // All read the whole bucket.
    assert_eq!(
        rt.block_on(scanner_count(&conn, ObjectOptions::default())),
        total
    );
    assert_eq!(
        rt.block_on(scanner_count(&conn, ObjectOptions::default().plain())),
        total
    );
    assert_eq!(rt.block_on(sequential_count(&s3)), total);

    let mut g = c.benchmark_group(format!(
        "s3_listing_{PREFIXES}x{PER_PREFIX}_delay_{}ms",
        DELAY.as_millis()
    ));
    g.sample_size(10);
    for concurrency in [8, 16] {
        g.bench_function(format!("fan_out_concurrency_{concurrency}"), |b| {
            b.to_async(&rt)
                .iter(|| scanner_count(&conn, ObjectOptions::default().concurrency(concurrency)))
        });
    }
    g.bench_function("object_scanner_plain", |b| {
        b.to_async(&rt)
            .iter(|| scanner_count(&conn, ObjectOptions::default().plain()))
    });
    g.bench_function("sequential_list_objects_v2", |b| {
        b.to_async(&rt).iter(|| sequential_count(&s3))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
