//! A bucket of 100,000 objects over 1,000 prefixes (`pNNN/sN/oNNN`), listed from the test kit's
//! ListObjectsV2 fake (moto seeds about 160 objects a second, so the emulator test in
//! `large_bucket.rs` stops at 10,000): the fan-out and plain scans return the same keys, the
//! count matches, and resident memory stays far below what holding the records would take
//! while the fan-out stream is counted, for this bucket and one twice as large.
//! A file of its own, so no other test shares the process whose memory is measured.

mod common;
use chicory_aws_core::{AccessLevel, Connection};
use chicory_aws_s3::{ObjectOptions, ObjectScanner};
use chicory_aws_testkit::{s3::mount_listing, FakeSts, TestClock};
use common::{count, keys};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wiremock::MockServer;

const BUCKET: &str = "large-bucket";
const LARGER: &str = "larger-bucket";

fn key(p: usize, s: usize, o: usize) -> String {
    format!("p{p:03}/s{s}/o{o:03}")
}

fn keyspace(top: usize, sub: usize, per: usize) -> Vec<String> {
    (0..top)
        .flat_map(|p| (0..sub).flat_map(move |s| (0..per).map(move |o| key(p, s, o))))
        .collect()
}

/// S3 on a server of its own that keeps no request log (the log would grow with the bucket
/// in this process), holding `BUCKET` (`top * sub * per` keys) and `LARGER` (twice the
/// top-level prefixes); returns the count of listings answered for `BUCKET`.
async fn setup(
    top: usize,
    sub: usize,
    per: usize,
) -> (FakeSts, MockServer, Connection, Arc<AtomicUsize>) {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
    let s3 = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    let listings = mount_listing(&s3, BUCKET, keyspace(top, sub, per), Duration::ZERO).await;
    mount_listing(&s3, LARGER, keyspace(2 * top, sub, per), Duration::ZERO).await;
    let conn = sts
        .connection(AccessLevel::ReadOnly)
        .service_endpoint_url("s3", s3.uri())
        .build()
        .await
        .unwrap();
    (sts, s3, conn, listings)
}

fn scanner(conn: &Connection, options: ObjectOptions) -> ObjectScanner {
    scanner_of(conn, BUCKET, options)
}

fn scanner_of(conn: &Connection, bucket: &str, options: ObjectOptions) -> ObjectScanner {
    ObjectScanner::new(conn, bucket, options.region("us-east-1")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_thousand_objects_over_a_thousand_prefixes() {
    let (top, sub, per) = (100, 10, 100);
    let total = top * sub * per;
    let (_sts, _s3, conn, listings) = setup(top, sub, per).await;
    let fan_out = scanner(&conn, ObjectOptions::default().concurrency(16));

    // Requests: 1 root + 100 top-level + 1,000 second-level listings of 100 keys, one page
    // each.
    let start = Instant::now();
    let (n, skipped, warm_up) = count(&fan_out).await;
    assert_eq!(skipped, 0);
    eprintln!(
        "fan-out counted {n} objects in {:.1}s (first run: RSS growth {} KiB)",
        start.elapsed().as_secs_f64(),
        warm_up / 1024
    );
    assert_eq!(n, total);
    assert_eq!(listings.load(Ordering::Relaxed), 1 + top + top * sub);

    // The records stream: 200,000 of them held at once would take ~100 MiB (an ObjectRecord
    // is ten-odd heap strings), more than the bound below. Measured here: ~13 MiB of growth
    // for 100,000 and ~21 MiB for 200,000 (the residue is not the records; see the closing
    // note of the S3 issue).
    let (_, _, growth) = count(&fan_out).await;
    let larger = scanner_of(&conn, LARGER, ObjectOptions::default().concurrency(16));
    let (n2, _, growth2) = count(&larger).await;
    eprintln!(
        "RSS growth: {total} objects {} KiB, {n2} objects {} KiB",
        growth / 1024,
        growth2 / 1024
    );
    assert_eq!(n2, 2 * total);
    for g in [warm_up, growth, growth2] {
        assert!(g < 48 << 20, "RSS grew by {g} bytes");
    }

    let fan_keys = keys(&fan_out).await;
    let plain_keys = keys(&scanner(&conn, ObjectOptions::default().plain())).await;
    assert_eq!(fan_keys.len(), total);
    assert!(fan_keys == plain_keys, "fan-out and plain key sets differ");
    assert!(fan_keys.contains(&key(top - 1, sub - 1, per - 1)));
}
