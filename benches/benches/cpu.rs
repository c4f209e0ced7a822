//! CPU per record at 0 ms: the client's CPU time (its thread's, `CLOCK_THREAD_CPUTIME_ID`) per
//! S3 key and per Glue table, for each layer of the same requests, in the same run:
//! 1. `http`: the requests alone, replayed unsigned, bodies read and not parsed
//!    (`testkit::http::replay`): what the HTTP exchange costs;
//! 2. `sdk`: the bare SDK paginator loop (signing, the SDK's orchestrator, XML/JSON parsing);
//! 3. `scanner`: chicory-aws's scanner (engine, record mapping), counted;
//! 4. `scanner_json`: the scanner into a `JsonLinesSink` writing to `tokio::io::sink()`
//!    (`run_scan`, serialization of every record).
//!
//! The difference between two layers is what the upper one adds. The client runs on a
//! single-threaded runtime (its thread's CPU time is all its work); the fakes run on a thread
//! and runtime of their own (`FakeServer::start_apart`) and answer from memory
//! (`testkit::http::Memo`: each distinct page rendered once, in the warm-up), so the fake
//! neither shares the client's core nor counts in its time.
//!
//! Data: S3, 100,000 keys (`ObjectScanner` plain: one ListObjectsV2 listing of 100 pages, the
//! requests of the SDK's paginator); Glue, 100 databases x 1,000 tables (`TableScanner`:
//! GetDatabases, then GetTables pages of 100).
//!
//! Run: `cargo bench -p chicory-aws-benches --bench cpu` (about two minutes); it prints the
//! table of µs per record and the breakdown at the end. `CPU_PROFILE=<s3|glue>_<layer>` runs
//! only that layer three times (no criterion), for a profiler:
//! `CPU_PROFILE=s3_scanner valgrind --tool=callgrind target/release/deps/cpu-* --bench`.

mod common;

use chicory_aws_core::{run_scan, AccessLevel, Connection, JsonLinesSink, Scanner};
use chicory_aws_glue::{unchecked_glue_client, CatalogOptions, TableScanner};
use chicory_aws_s3::{unchecked_s3_client, ObjectOptions, ObjectScanner};
use chicory_aws_testkit::glue::large_catalog;
use chicory_aws_testkit::http::{replay, FakeServer, Memo, Recorded};
use chicory_aws_testkit::{s3::listing, FakeSts, TestClock};
use common::{count, sdk_keys, sdk_tables};
use criterion::Criterion;
use std::time::Duration;
use tokio::runtime::Runtime;

const KEYS: usize = 100_000;
const DATABASES: usize = 100;
const TABLES: usize = 1_000;
const LAYERS: [&str; 4] = ["http", "sdk", "scanner", "scanner_json"];

/// The CPU time of the calling thread.
fn thread_cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec to write into; the clock id is a constant of the OS.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// One service's fake, connection and the requests its SDK loop sends.
struct Setup {
    server: FakeServer,
    conn: Connection,
    requests: Vec<Recorded>,
    records: usize,
    s3: bool,
}

impl Setup {
    /// Runs `layer` once; returns the records (or bytes, for `http`) it saw.
    async fn run(&self, layer: &str) -> usize {
        match (self.s3, layer) {
            (_, "http") => replay(self.server.url(), &self.requests).await,
            (true, "sdk") => sdk_keys(&unchecked_s3_client(&self.conn), "bucket", "").await,
            (false, "sdk") => sdk_tables(&unchecked_glue_client(&self.conn)).await,
            (true, "scanner") => count(&self.objects()).await,
            (false, "scanner") => count(&self.tables()).await,
            (true, "scanner_json") => json(&self.objects()).await,
            (false, "scanner_json") => json(&self.tables()).await,
            _ => unreachable!("layer {layer}"),
        }
    }

    fn objects(&self) -> ObjectScanner {
        let options = ObjectOptions::default().plain().region("us-east-1");
        ObjectScanner::new(&self.conn, "bucket", options).expect("scanner")
    }

    fn tables(&self) -> TableScanner {
        TableScanner::new(&self.conn, CatalogOptions::default()).expect("scanner")
    }
}

/// The scan into a JSON Lines sink that writes nowhere; the records written.
async fn json<S: Scanner>(s: &S) -> usize
where
    S::Record: Sync,
{
    let mut sink = JsonLinesSink::new(tokio::io::sink());
    let summary = run_scan(s, &mut sink, 0, |_| {}).await.expect("the scan");
    assert!(summary.is_complete(), "{summary:?}");
    summary.records as usize
}

async fn setup(sts: &FakeSts, s3: bool) -> Setup {
    let (fake, service) = if s3 {
        let keys = (0..KEYS)
            .map(|k| format!("p{:03}/o{k:06}", k % 100))
            .collect();
        (Memo::new(listing("bucket", keys)), "s3")
    } else {
        (Memo::new(large_catalog(DATABASES, TABLES)), "glue")
    };
    let server = FakeServer::start_apart(vec![Box::new(fake.clone())], Duration::ZERO);
    let conn = sts
        .connection(AccessLevel::ReadOnly)
        .service_endpoint_url(service, server.url())
        .build()
        .await
        .expect("connection");
    let records = if s3 { KEYS } else { DATABASES * TABLES };
    let mut setup = Setup {
        server,
        conn,
        requests: Vec::new(),
        records,
        s3,
    };
    // The warm-up renders every page into the memo: the SDK loop's requests first (the ones
    // replayed), then the scanner's.
    assert_eq!(setup.run("sdk").await, records);
    setup.requests = fake.requests();
    assert_eq!(setup.run("scanner").await, records);
    assert_eq!(setup.run("scanner_json").await, records);
    assert!(setup.run("http").await > 0);
    setup
}

/// CPU seconds of `runs` runs of `layer`, on this thread.
fn cpu(rt: &Runtime, s: &Setup, layer: &str, runs: u64) -> Duration {
    let start = thread_cpu();
    for _ in 0..runs {
        rt.block_on(s.run(layer));
    }
    thread_cpu() - start
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo test --all-targets` runs bench binaries too: this one runs only under `--bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("cpu: run by `cargo bench -p chicory-aws-benches --bench cpu`");
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (_sts, setups) = rt.block_on(async {
        let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
        let s3 = setup(&sts, true).await;
        let glue = setup(&sts, false).await;
        (sts, [("s3", s3), ("glue", glue)])
    });

    if let Ok(profile) = std::env::var("CPU_PROFILE") {
        let (service, layer) = profile
            .split_once('_')
            .expect("CPU_PROFILE=<s3|glue>_<layer>");
        let (_, s) = setups
            .iter()
            .find(|(n, _)| *n == service)
            .expect("s3 or glue");
        let t = cpu(&rt, s, layer, 3);
        println!("{profile}: {:.3} s of CPU for 3 runs", t.as_secs_f64());
        return;
    }

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (name, s) in &setups {
        let mut g = c.benchmark_group(format!("cpu_{name}"));
        for layer in LAYERS {
            g.bench_function(layer, |b| b.iter_custom(|iters| cpu(&rt, s, layer, iters)));
        }
        g.finish();
    }

    // The table, from runs of its own (the median of seven, each layer in turn so that drift
    // touches them all alike).
    println!();
    println!("| scan | records | http | SDK loop | scanner | scanner + JSON | scanner / SDK |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, s) in &setups {
        let mut per: Vec<Vec<f64>> = vec![Vec::new(); LAYERS.len()];
        for _ in 0..7 {
            for (i, layer) in LAYERS.iter().enumerate() {
                let t = cpu(&rt, s, layer, 1).as_secs_f64();
                per[i].push(t * 1e6 / s.records as f64);
            }
        }
        let us: Vec<f64> = per.into_iter().map(median).collect();
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.3} |",
            s.records,
            us[0],
            us[1],
            us[2],
            us[3],
            us[2] / us[1]
        );
        println!(
            "  {name} breakdown, µs per record: HTTP exchange {:.2}; SDK signing, orchestration and parsing {:.2}; chicory-aws engine and record mapping {:+.2} ({:+.1}% over the SDK loop); JSON serialization {:.2}",
            us[0],
            us[1] - us[0],
            us[2] - us[1],
            (us[2] / us[1] - 1.0) * 100.0,
            us[3] - us[2]
        );
    }
}
