//! The fan-out at depth: a bucket whose keys sit 4 prefix levels deep (and at every level on
//! the way), listed from the test kit's ListObjectsV2 fake (each answer delayed, so listings
//! overlap) through a relay that counts the requests in flight. At most `concurrency`
//! ListObjectsV2 requests are ever in flight, whatever the depth, and every key comes exactly
//! once.

mod common;
mod relay;

use chicory_aws_core::{AccessLevel, Connection};
use chicory_aws_s3::{ObjectOptions, ObjectScanner};
use chicory_aws_testkit::{s3::mount_listing, FakeSts, TestClock};
use common::keys;
use relay::Relay;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wiremock::MockServer;

const BUCKET: &str = "deep-bucket";
const WIDTH: usize = 3;

/// `d0-a/d1-b/d2-c/d3-d/k0..k2` for every a, b, c, d below `WIDTH` (4 prefix levels), and one
/// key `k` directly under every prefix on the way (and at the root).
fn keyspace() -> Vec<String> {
    let mut out = vec!["k".to_owned()];
    let mut level = vec![String::new()];
    for depth in 0..4 {
        let mut next = Vec::new();
        for p in &level {
            for i in 0..WIDTH {
                let q = format!("{p}d{depth}-{i}/");
                if depth < 3 {
                    out.push(format!("{q}k"));
                } else {
                    out.extend((0..WIDTH).map(|k| format!("{q}k{k}")));
                }
                next.push(q);
            }
        }
        level = next;
    }
    out
}

async fn setup() -> (FakeSts, MockServer, Relay, Connection, Arc<AtomicUsize>) {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
    let s3 = MockServer::start().await;
    let listings = mount_listing(&s3, BUCKET, keyspace(), Duration::from_millis(15)).await;
    let relay = Relay::start(&s3.uri()).await;
    let conn = sts
        .connection(AccessLevel::ReadOnly)
        .service_endpoint_url("s3", relay.url())
        .build()
        .await
        .unwrap();
    (sts, s3, relay, conn, listings)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_four_level_fan_out_keeps_listings_within_concurrency_and_lists_every_key_once() {
    let want: HashSet<String> = keyspace().into_iter().collect();
    // 1 + 3 + 9 + 27 + 81 keys on the way, 243 at the bottom.
    assert_eq!(want.len(), 1 + 3 + 9 + 27 + 81 * WIDTH);
    for concurrency in [1, 4] {
        let (_sts, _s3, relay, conn, listings) = setup().await;
        let scanner = ObjectScanner::new(
            &conn,
            BUCKET,
            ObjectOptions::default()
                .region("us-east-1")
                .page_size(2)
                .concurrency(concurrency),
        )
        .unwrap();
        let start = std::time::Instant::now();
        let got = keys(&scanner).await;
        let took = start.elapsed();
        assert_eq!(got, want, "concurrency {concurrency}: every key, once");
        // 121 listings (1 + 3 + 9 + 27 + 81), each of 3 or 4 entries: two pages each.
        let requests = listings.load(Ordering::SeqCst);
        assert_eq!(requests, 121 * 2, "concurrency {concurrency}");
        assert_eq!(relay.requests(), requests, "only ListObjectsV2 requests");
        let peak = relay.peak();
        eprintln!(
            "concurrency {concurrency}: {requests} listings in {took:.2?}, peak {peak} in flight"
        );
        assert!(
            peak <= concurrency,
            "concurrency {concurrency}: {peak} ListObjectsV2 requests were in flight at once"
        );
        if concurrency > 1 {
            assert!(peak > 1, "the fan-out lists prefixes in parallel");
        }
        // The connection's request budget saw each listing under its API's name (the S3
        // clients carry the connection's interceptor).
        let stats = conn.request_stats();
        let listed = stats.iter().find(|a| a.api == "s3:ListObjectsV2");
        assert_eq!(
            listed.map(|a| a.requests),
            Some(requests as u64),
            "{stats:?}"
        );
    }
}
