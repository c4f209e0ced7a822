//! The connection's adaptive request budget against a Glue fake that throttles like AWS: a
//! token bucket per API (GetTables: 100 requests/s, burst 20), answering
//! `ThrottlingException` when it is empty. A `TableScanner` at concurrency 16 over 300
//! databases (one GetTables each) with the budget adaptive (the default) and with adaptation
//! off, in the same run, each on a fresh connection (so nothing is learned across runs).
//!
//! The budget does not know the fake's rate (GetTables has no published quota in the budget's
//! table): it learns it from the throttling. Printed before criterion's timings: time, the
//! throughput as a share of the rate limit (the physical limit: (300 - burst) / 100 per s),
//! requests and throttled answers at the fake, and incomplete parts.
//!
//! Run: `cargo bench -p chicory-aws-benches --bench budget`

use chicory_aws_core::{BudgetSettings, Connection, ScanItem, Scanner};
use chicory_aws_glue::{CatalogOptions, TableScanner};
use chicory_aws_testkit::{FakeSts, TestClock};
use criterion::{criterion_group, criterion_main, Criterion};
use futures::StreamExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::{header, method};
use wiremock::{Mock, Request, ResponseTemplate};

const DATABASES: usize = 300;
const RATE: f64 = 100.0;
const BURST: f64 = 20.0;
const LATENCY: Duration = Duration::from_millis(5);

fn json(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/x-amz-json-1.1")
        .set_body_json(body)
        .set_delay(LATENCY)
}

/// AWS's throttling: a token bucket refilled at RATE per second, holding at most BURST.
struct Bucket {
    tokens: f64,
    at: Instant,
}

#[derive(Default)]
struct Counts {
    requests: AtomicU64,
    throttled: AtomicU64,
}

async fn setup() -> (FakeSts, Arc<Counts>, Arc<Mutex<Bucket>>) {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
    let dbs: Vec<_> = (0..DATABASES)
        .map(|d| serde_json::json!({"Name": format!("db{d:03}")}))
        .collect();
    Mock::given(method("POST"))
        .and(header("x-amz-target", "AWSGlue.GetDatabases"))
        .respond_with(json(serde_json::json!({ "DatabaseList": dbs })))
        .mount(sts.server())
        .await;
    let counts = Arc::new(Counts::default());
    let bucket = Arc::new(Mutex::new(Bucket {
        tokens: BURST,
        at: Instant::now(),
    }));
    let (c, b) = (counts.clone(), bucket.clone());
    Mock::given(method("POST"))
        .and(header("x-amz-target", "AWSGlue.GetTables"))
        .respond_with(move |_: &Request| {
            c.requests.fetch_add(1, Ordering::Relaxed);
            let mut b = b.lock().unwrap();
            let now = Instant::now();
            b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * RATE).min(BURST);
            b.at = now;
            if b.tokens < 1.0 {
                c.throttled.fetch_add(1, Ordering::Relaxed);
                return ResponseTemplate::new(400)
                    .insert_header("content-type", "application/x-amz-json-1.1")
                    .insert_header("x-amzn-errortype", "ThrottlingException")
                    .set_body_json(serde_json::json!({
                        "__type": "ThrottlingException", "Message": "Rate exceeded"
                    }))
                    .set_delay(LATENCY);
            }
            b.tokens -= 1.0;
            json(serde_json::json!({"TableList": [{"Name": "t", "CreateTime": 1.7e9}]}))
        })
        .mount(sts.server())
        .await;
    (sts, counts, bucket)
}

async fn connect(sts: &FakeSts, adaptive: bool) -> Connection {
    sts.connection(chicory_aws_core::AccessLevel::ReadOnly)
        .budget(BudgetSettings::default().adaptive(adaptive))
        .build()
        .await
        .unwrap()
}

/// Scans once on a fresh connection (after the fake's bucket refilled): (records, incomplete).
async fn scan(sts: &FakeSts, bucket: &Mutex<Bucket>, adaptive: bool) -> (usize, usize) {
    *bucket.lock().unwrap() = Bucket {
        tokens: BURST,
        at: Instant::now(),
    };
    let conn = connect(sts, adaptive).await;
    let s = TableScanner::new(&conn, CatalogOptions::default().concurrency(16)).unwrap();
    s.scan()
        .fold((0, 0), |(n, e), i| async move {
            match i {
                Ok(ScanItem::Record(_)) => (n + 1, e),
                Ok(ScanItem::Skipped(s)) => panic!("{s:?}"),
                Err(_) => (n, e + 1),
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
    let (sts, counts, bucket) = rt.block_on(setup());
    let limit = (DATABASES as f64 - BURST) / RATE;
    eprintln!(
        "rate limit {RATE}/s, burst {BURST}: {DATABASES} GetTables need at least {limit:.2} s"
    );
    eprintln!("| budget | time | throughput / rate limit | GetTables requests | throttled | incomplete parts |");
    eprintln!("| --- | --- | --- | --- | --- | --- |");
    for adaptive in [true, false] {
        for _ in 0..3 {
            counts.requests.store(0, Ordering::Relaxed);
            counts.throttled.store(0, Ordering::Relaxed);
            let started = Instant::now();
            let (records, incomplete) = rt.block_on(scan(&sts, &bucket, adaptive));
            let t = started.elapsed().as_secs_f64();
            eprintln!(
                "| {} | {t:.2} s | {:.0}% | {} | {} | {incomplete} |",
                if adaptive { "adaptive" } else { "off" },
                100.0 * limit / t,
                counts.requests.load(Ordering::Relaxed),
                counts.throttled.load(Ordering::Relaxed),
            );
            if adaptive {
                assert_eq!((records, incomplete), (DATABASES, 0));
            }
        }
    }

    let mut g = c.benchmark_group(format!("budget_get_tables_{DATABASES}_at_{RATE}_per_s"));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(40));
    for adaptive in [true, false] {
        let name = if adaptive { "adaptive" } else { "off" };
        g.bench_function(name, |b| {
            b.to_async(&rt).iter(|| scan(&sts, &bucket, adaptive))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
