//! A large bucket on the emulator: objects spread over many prefixes (`pNNN/sNN/oNNNN`). The
//! fan-out scan and the plain scan return the same keys, the count matches what was written,
//! and both stream: the peak heap while the records are counted (not collected) is about the
//! same for half the objects as for all of them, and below half of what holding the records
//! takes (the test kit's counting allocator).
//!
//! 10,000 objects: moto seeds about 160 objects a second, so 100,000 would take over ten
//! minutes here; the 100,000-object test lists from the test kit's ListObjectsV2 fake instead
//! (`large_bucket_fake.rs`).

mod common;
use aws_sdk_s3::primitives::ByteStream;
use chicory_aws_core::{AccessLevel, Connection};
use chicory_aws_policy::permissions::{permission_policy, Integration, PolicyOptions};
use chicory_aws_s3::{ObjectOptions, ObjectScanner};
use chicory_aws_testkit::memory::{assert_streams, CountingAlloc};
use chicory_aws_testkit::{unique, Emulator};
use common::{count, keys};
use futures::{stream, StreamExt};
use std::time::Instant;

#[global_allocator]
static HEAP: CountingAlloc = CountingAlloc;

async fn connect() -> Connection {
    let emu = Emulator::get();
    let policy = permission_policy(
        Integration::S3,
        AccessLevel::ReadOnly,
        &PolicyOptions::default(),
    )
    .unwrap()
    .to_json_compact();
    let (vendor, params) = emu
        .customer(
            &format!("chicory-{}", unique("large")),
            &[("S3Policy", &policy)],
        )
        .await;
    emu.connection(&vendor, params).connect().await.unwrap()
}

fn key(p: usize, s: usize, o: usize) -> String {
    format!("p{p:03}/s{s:02}/o{o:04}")
}

/// Creates a bucket holding `top * sub * per` empty objects, 64 PutObject in flight.
async fn seed(top: usize, sub: usize, per: usize) -> String {
    let config = aws_sdk_s3::config::Builder::from(&Emulator::get().admin_config().await)
        .force_path_style(true)
        .build();
    let s3 = aws_sdk_s3::Client::from_conf(config);
    let bucket = unique("large").to_lowercase();
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let start = Instant::now();
    stream::iter(
        (0..top).flat_map(|p| (0..sub).flat_map(move |s| (0..per).map(move |o| key(p, s, o)))),
    )
    .for_each_concurrent(64, |k| {
        let (s3, bucket) = (s3.clone(), bucket.clone());
        async move {
            s3.put_object()
                .bucket(&bucket)
                .key(&k)
                .body(ByteStream::from_static(b""))
                .send()
                .await
                .unwrap();
        }
    })
    .await;
    eprintln!(
        "seeded {} objects in {:.1}s",
        top * sub * per,
        start.elapsed().as_secs_f64()
    );
    bucket
}

async fn large_bucket(top: usize, sub: usize, per: usize) {
    let total = top * sub * per;
    let bucket = seed(top, sub, per).await;
    let conn = connect().await;

    let fan_out =
        ObjectScanner::new(&conn, &bucket, ObjectOptions::default().concurrency(16)).unwrap();
    let start = Instant::now();
    let (n, skipped, _) = count(&fan_out).await;
    eprintln!(
        "fan-out counted {n} objects in {:.1}s",
        start.elapsed().as_secs_f64(),
    );
    assert_eq!((n, skipped), (total, 0));
    assert_streams("fan-out", &fan_out).await;

    let start = Instant::now();
    let fan_keys = keys(&fan_out).await;
    let t_fan = start.elapsed();
    let plain = ObjectScanner::new(&conn, &bucket, ObjectOptions::default().plain()).unwrap();
    assert_streams("plain listing", &plain).await;
    let start = Instant::now();
    let plain_keys = keys(&plain).await;
    let t_plain = start.elapsed();
    eprintln!(
        "key sets: fan-out {:.1}s, plain {:.1}s",
        t_fan.as_secs_f64(),
        t_plain.as_secs_f64()
    );
    assert_eq!(fan_keys.len(), total);
    assert_eq!(plain_keys.len(), total);
    assert!(fan_keys == plain_keys, "fan-out and plain key sets differ");
    assert!(fan_keys.contains(&key(top - 1, sub - 1, per - 1)));

    // A scoped fan-out: one top-level prefix.
    let one = ObjectScanner::new(&conn, &bucket, ObjectOptions::default().prefix("p001/")).unwrap();
    let (n, _, _) = count(&one).await;
    assert_eq!(n, sub * per);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_objects_over_two_hundred_prefixes() {
    large_bucket(20, 10, 50).await;
}
