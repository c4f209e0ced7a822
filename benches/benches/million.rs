//! A million of everything: 1,000,000 S3 keys (prefix fan-out and a plain listing) and
//! 1,000,000 Glue tables, each from an in-process fake whose cost per request is the page it
//! renders and that keeps nothing per request (`testkit::http::FakeServer`), beside a tenth
//! of each in the same run. For each: records, wall time, and the
//! growth of resident memory over the scan (peak RSS sampled every 500 records, minus RSS
//! before it; the fakes' own data is allocated before), each the median time and the largest
//! growth of five runs. The run fails (exit 1) if a million
//! grows RSS by 50 MiB or more, or takes more than 11 times its tenth (time must grow
//! linearly with the data) and more than 1.05 times the ratio of the bare SDK paginators doing
//! the same requests on the same fake (the baseline rows).
//!
//! Run: `cargo bench -p chicory-aws-benches --bench million` (about four minutes on 2 cores).

mod common;

use chicory_aws_core::{AccessLevel, Connection, Scanner};
use chicory_aws_glue::{CatalogOptions, TableScanner};
use chicory_aws_s3::{ObjectOptions, ObjectScanner};
use chicory_aws_testkit::http::FakeServer;
use chicory_aws_testkit::memory::count_scan;
use chicory_aws_testkit::{glue::large_catalog, s3::listing, FakeSts, TestClock};
use common::{sdk_keys, sdk_tables};
use std::time::{Duration, Instant};

const MIB: u64 = 1 << 20;
/// RSS growth a million records may cause: holding them would take several times this.
const MAX_GROWTH: u64 = 50 * MIB;
/// A million may take at most this many times its tenth.
const MAX_TIME_RATIO: f64 = 11.0;

/// `top` x 10 x `per` keys `pNNN/sN/oNNNN`: fan-out lists 1 + top + 10 * top prefixes.
fn keyspace(top: usize, per: usize) -> Vec<String> {
    (0..top)
        .flat_map(|p| {
            (0..10).flat_map(move |s| (0..per).map(move |o| format!("p{p:03}/s{s}/o{o:04}")))
        })
        .collect()
}

async fn connection(sts: &FakeSts, service: &str, server: &FakeServer) -> Connection {
    sts.connection(AccessLevel::ReadOnly)
        .service_endpoint_url(service, server.url())
        .build()
        .await
        .expect("connection")
}

struct Row {
    what: String,
    records: usize,
    secs: f64,
    growth: u64,
}

/// Runs of each measurement: its time is their median, its RSS growth their largest.
const RUNS: usize = 5;

fn median(mut secs: Vec<f64>) -> f64 {
    secs.sort_by(f64::total_cmp);
    secs[secs.len() / 2]
}

/// Runs `scanner` [`RUNS`] times.
async fn measure<S: Scanner>(what: &str, scanner: &S, expected: usize) -> Row {
    let (mut times, mut growth) = (Vec::new(), 0);
    for _ in 0..RUNS {
        let start = Instant::now();
        let (records, skipped, grew) = count_scan(scanner).await;
        times.push(start.elapsed().as_secs_f64());
        growth = growth.max(grew);
        assert_eq!((records, skipped), (expected, 0), "{what}");
    }
    let secs = median(times);
    eprintln!(
        "{what}: {expected} records in {secs:.2} s, RSS growth {} KiB",
        growth / 1024
    );
    Row {
        what: what.to_owned(),
        records: expected,
        secs,
        growth,
    }
}

/// The median time of [`RUNS`] runs of `run` (the bare SDK paginator loops, the baseline).
async fn timed<F, Fut>(what: &str, expected: usize, run: F) -> Row
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        assert_eq!(run().await, expected, "{what}");
        times.push(start.elapsed().as_secs_f64());
    }
    let secs = median(times);
    eprintln!("{what}: {expected} records in {secs:.2} s");
    Row {
        what: what.to_owned(),
        records: expected,
        secs,
        growth: 0,
    }
}

fn main() {
    // `cargo test --all-targets` runs bench binaries too (without `--bench`): this one takes
    // minutes in release, so it runs only under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "million: a four-minute measurement, run by `cargo bench -p chicory-aws-benches --bench million`"
        );
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let rows = rt.block_on(async {
        let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
        // Servers that keep nothing per request (wiremock keeps every request it matched).
        // One bucket for both sizes, the tenth being its prefix `p00` (`p000/`..`p009/`), so
        // the fake's key store (and its cache behaviour) is the same for both.
        let s3 =
            FakeServer::start(vec![listing("bucket", keyspace(100, 1000))], Duration::ZERO).await;
        let s3_conn = connection(&sts, "s3", &s3).await;
        let glue_tenth = FakeServer::start(vec![large_catalog(100, 1000)], Duration::ZERO).await;
        let glue_million = FakeServer::start(vec![large_catalog(1000, 1000)], Duration::ZERO).await;
        let tenth_conn = connection(&sts, "glue", &glue_tenth).await;
        let million_conn = connection(&sts, "glue", &glue_million).await;

        let objects = |prefix: &str, options: ObjectOptions| {
            let options = options.prefix(prefix).region("us-east-1");
            ObjectScanner::new(&s3_conn, "bucket", options).expect("scanner")
        };
        let fan_out = || ObjectOptions::default().concurrency(16);
        let plain = || ObjectOptions::default().plain();
        let tables = |conn: &Connection| {
            TableScanner::new(conn, CatalogOptions::default().concurrency(16)).expect("scanner")
        };
        // A warm-up, so the allocator's arenas and the clients exist before anything is
        // measured.
        count_scan(&objects("p00", fan_out())).await;
        count_scan(&tables(&tenth_conn)).await;
        let mut rows = Vec::new();
        for (prefix, n) in [("p00", 100_000), ("", 1_000_000)] {
            rows.push(
                measure(
                    &format!("s3 fan-out, {n} keys"),
                    &objects(prefix, fan_out()),
                    n,
                )
                .await,
            );
            rows.push(measure(&format!("s3 plain, {n} keys"), &objects(prefix, plain()), n).await);
        }
        rows.push(measure("glue tables, 100,000", &tables(&tenth_conn), 100_000).await);
        rows.push(measure("glue tables, 1,000,000", &tables(&million_conn), 1_000_000).await);
        // The baselines: the same requests through the bare SDK paginators, same fakes.
        let s3_sdk = chicory_aws_s3::unchecked_s3_client(&s3_conn);
        for (prefix, n) in [("p00", 100_000), ("", 1_000_000)] {
            let what = format!("baseline: SDK ListObjectsV2 paginator, {n} keys");
            rows.push(timed(&what, n, || sdk_keys(&s3_sdk, "bucket", prefix)).await);
        }
        for (conn, n) in [(&tenth_conn, 100_000), (&million_conn, 1_000_000)] {
            let glue = chicory_aws_glue::unchecked_glue_client(conn);
            let what = format!("baseline: SDK GetTables paginators (sequential), {n} tables");
            rows.push(timed(&what, n, || sdk_tables(&glue)).await);
        }
        rows
    });

    println!("| scan | records | time (s) | µs per record | RSS growth (MiB) |");
    println!("|---|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.1} |",
            r.what,
            r.records,
            r.secs,
            r.secs * 1e6 / r.records as f64,
            r.growth as f64 / MIB as f64
        );
    }
    let mut failed = false;
    // Rows come in (tenth, million) pairs: s3 fan-out at 0 and 2, s3 plain at 1 and 3, glue
    // at 4 and 5; the baselines: S3 at 6 and 7, Glue at 8 and 9.
    let baseline = |tenth: usize, million: usize| rows[million].secs / rows[tenth].secs;
    let (s3_base, glue_base) = (baseline(6, 7), baseline(8, 9));
    println!("baseline: SDK ListObjectsV2, 10x the keys in {s3_base:.2}x the time");
    println!("baseline: SDK GetTables, 10x the tables in {glue_base:.2}x the time");
    for (tenth, million, base) in [(0, 2, s3_base), (1, 3, s3_base), (4, 5, glue_base)] {
        let (t, m) = (&rows[tenth], &rows[million]);
        let ratio = m.secs / t.secs;
        // Linear within 10%, or no worse than the bare SDK doing the same requests on the
        // same fake (what grows faster than the data there is the fake or the machine, e.g.
        // a key store ten times the cache).
        let bound = MAX_TIME_RATIO.max(base * 1.05);
        println!(
            "{}: 10x the records in {ratio:.2}x the time (bound {bound:.2}x)",
            m.what
        );
        if ratio > bound {
            eprintln!("FAILED: {} took {ratio:.2}x its tenth", m.what);
            failed = true;
        }
        if m.growth >= MAX_GROWTH {
            eprintln!("FAILED: {} grew RSS by {} MiB", m.what, m.growth / MIB);
            failed = true;
        }
    }
    if failed {
        std::process::exit(1);
    }
}
