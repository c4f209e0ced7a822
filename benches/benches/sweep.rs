//! Latency sweep: each scan at 0, 10, 50 and 100 ms per request, chicory-aws at concurrency
//! 8, 16 and 32 beside the sequential SDK paginator loop doing the same requests, in the same
//! run, against the same fakes (`testkit::http::FakeServer`, answering after the delay and
//! keeping nothing per request):
//! - Glue: 100 databases x 100 tables (`TableScanner`; GetTables pages of 100),
//! - Glue partitions: one table of 10,000 partitions, 1 segment vs 10 (`PartitionScanner`;
//!   pages of 1,000),
//! - S3: 100,000 keys under 100 prefixes (`ObjectScanner` fan-out; pages of 1,000).
//!
//! For each point it prints the latency-bound limit (the round trips on the critical path at
//! that concurrency, from the fakes' page layout, times the latency), the bound (that limit, or
//! the CPU the same scan takes at 0 ms, whichever is larger) and measured / bound.
//! Criterion measures each point (flat sampling, 10 samples); the table is printed at the end
//! from the same runs.
//!
//! It writes the plot of time against latency to `target/sweep.svg` (plotters).
//!
//! Run: `cargo bench -p chicory-aws-benches --bench sweep` (about ten minutes on 2 cores: the
//! sequential loops at 100 ms take 10 s a run); `SWEEP_MS=0,10` measures only those latencies.

mod common;

use chicory_aws_core::AccessLevel;
use chicory_aws_glue::{unchecked_glue_client, CatalogOptions, PartitionScanner, TableScanner};
use chicory_aws_s3::{unchecked_s3_client, ObjectOptions, ObjectScanner};
use chicory_aws_testkit::glue::{large_catalog, large_partitions};
use chicory_aws_testkit::http::FakeServer;
use chicory_aws_testkit::{s3::listing, FakeSts, TestClock};
use common::{count, sdk_keys, sdk_partitions, sdk_tables};
use criterion::{Criterion, SamplingMode};
use std::cell::RefCell;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

const LATENCIES_MS: [u64; 4] = [0, 10, 50, 100];
const CONCURRENCY: [usize; 3] = [8, 16, 32];
const DATABASES: usize = 100;
const TABLES: usize = 100;
const PARTITIONS: usize = 10_000;
const PREFIXES: usize = 100;
const KEYS_PER_PREFIX: usize = 1_000;

/// One measured point of the table.
struct Point {
    scan: &'static str,
    latency_ms: u64,
    who: String,
    secs: f64,
    /// Round trips on the critical path.
    round_trips: usize,
}

/// Runs `run` as one criterion benchmark and records its mean time as a point.
#[allow(clippy::too_many_arguments)]
fn point<F, Fut>(
    c: &mut Criterion,
    rt: &Runtime,
    points: &mut Vec<Point>,
    scan: &'static str,
    latency_ms: u64,
    who: String,
    round_trips: usize,
    expected: usize,
    run: F,
) where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let totals = RefCell::new((Duration::ZERO, 0u64));
    let mut g = c.benchmark_group(format!("sweep_{scan}_{latency_ms}ms"));
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_secs(1));
    g.bench_function(&who, |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                assert_eq!(rt.block_on(run()), expected, "{scan} {who}");
            }
            let took = start.elapsed();
            let mut t = totals.borrow_mut();
            t.0 += took;
            t.1 += iters;
            took
        })
    });
    g.finish();
    let (total, runs) = totals.into_inner();
    points.push(Point {
        scan,
        latency_ms,
        who,
        secs: total.as_secs_f64() / runs as f64,
        round_trips,
    });
}

fn main() {
    // `cargo test --all-targets` runs bench binaries too (without `--bench`): this one takes
    // minutes in release, so it runs only under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "sweep: a ten-minute measurement, run by `cargo bench -p chicory-aws-benches --bench sweep`"
        );
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let sts = rt.block_on(FakeSts::start(TestClock::new(), Duration::from_secs(3600)));
    let keys: Vec<String> = (0..PREFIXES)
        .flat_map(|p| (0..KEYS_PER_PREFIX).map(move |k| format!("p{p:03}/o{k:04}")))
        .collect();
    let mut points = Vec::new();
    // `SWEEP_MS=0,10` measures only those latencies (a quick look).
    let latencies: Vec<u64> = std::env::var("SWEEP_MS").map_or(LATENCIES_MS.to_vec(), |v| {
        v.split(',')
            .map(|ms| {
                ms.trim()
                    .parse()
                    .expect("SWEEP_MS: milliseconds, comma-separated")
            })
            .collect()
    });
    for latency_ms in latencies {
        let delay = Duration::from_millis(latency_ms);
        let (glue, s3, glue_conn, s3_conn) = rt.block_on(async {
            let glue = FakeServer::start(
                vec![
                    large_catalog(DATABASES, TABLES),
                    large_partitions(PARTITIONS),
                ],
                delay,
            )
            .await;
            let s3 = FakeServer::start(vec![listing("bucket", keys.clone())], delay).await;
            let conn = |service: &'static str, url: String| {
                sts.connection(AccessLevel::ReadOnly)
                    .service_endpoint_url(service, url)
                    .build()
            };
            let glue_conn = conn("glue", glue.url().to_owned())
                .await
                .expect("connection");
            let s3_conn = conn("s3", s3.url().to_owned()).await.expect("connection");
            (glue, s3, glue_conn, s3_conn)
        });
        let glue_sdk = unchecked_glue_client(&glue_conn);
        let s3_sdk = unchecked_s3_client(&s3_conn);
        let p = &mut points;

        // Glue tables: GetDatabases (1 page), then GetTables (1 page per database).
        let tables = DATABASES * TABLES;
        let sequential = 1 + DATABASES;
        point(
            &mut c,
            &rt,
            p,
            "glue_tables",
            latency_ms,
            "sequential".into(),
            sequential,
            tables,
            || sdk_tables(&glue_sdk),
        );
        for n in CONCURRENCY {
            let s = TableScanner::new(&glue_conn, CatalogOptions::default().concurrency(n))
                .expect("scanner");
            let trips = 1 + DATABASES.div_ceil(n);
            point(
                &mut c,
                &rt,
                p,
                "glue_tables",
                latency_ms,
                format!("concurrency_{n}"),
                trips,
                tables,
                || count(&s),
            );
        }

        // Partitions of one table: pages of 1,000, in 1 or 10 segments.
        point(
            &mut c,
            &rt,
            p,
            "glue_partitions",
            latency_ms,
            "sequential".into(),
            PARTITIONS.div_ceil(1000),
            PARTITIONS,
            || sdk_partitions(&glue_sdk, "db0000", "t0000"),
        );
        for segments in [1, 10] {
            let s = PartitionScanner::new(
                &glue_conn,
                CatalogOptions::default(),
                "db0000",
                "t0000",
                segments,
            )
            .expect("scanner");
            let trips = PARTITIONS.div_ceil(segments as usize).div_ceil(1000);
            point(
                &mut c,
                &rt,
                p,
                "glue_partitions",
                latency_ms,
                format!("segments_{segments}"),
                trips,
                PARTITIONS,
                || count(&s),
            );
        }

        // S3: the root listing (100 prefixes), then one page per prefix; sequentially, 100
        // pages of 1,000 keys.
        let total = PREFIXES * KEYS_PER_PREFIX;
        point(
            &mut c,
            &rt,
            p,
            "s3_objects",
            latency_ms,
            "sequential".into(),
            total.div_ceil(1000),
            total,
            || sdk_keys(&s3_sdk, "bucket", ""),
        );
        for n in CONCURRENCY {
            let options = ObjectOptions::default().concurrency(n).region("us-east-1");
            let s = ObjectScanner::new(&s3_conn, "bucket", options).expect("scanner");
            let trips = 1 + PREFIXES.div_ceil(n);
            point(
                &mut c,
                &rt,
                p,
                "s3_objects",
                latency_ms,
                format!("fan_out_{n}"),
                trips,
                total,
                || count(&s),
            );
        }
        drop((glue, s3));
    }
    c.final_summary();

    println!();
    println!(
        "| scan | latency | who | time | latency limit | bound | time / bound | speed-up over sequential |"
    );
    println!("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
    for pt in &points {
        let same = |latency_ms: u64, who: &str| {
            points
                .iter()
                .find(|q| q.scan == pt.scan && q.latency_ms == latency_ms && q.who == who)
                .map(|q| q.secs)
        };
        let limit = pt.round_trips as f64 * pt.latency_ms as f64 / 1000.0;
        // The physical bound: the latency limit, or the CPU the same scan takes with no
        // latency at all (measured at 0 ms), whichever is larger.
        let cpu = same(0, &pt.who).unwrap_or(0.0);
        let bound = limit.max(cpu);
        let sequential = same(pt.latency_ms, "sequential").unwrap_or(f64::NAN);
        println!(
            "| {} | {} ms | {} | {:.3} s | {:.3} s ({} trips) | {:.3} s | {:.2}x | {:.1}x |",
            pt.scan,
            pt.latency_ms,
            pt.who,
            pt.secs,
            limit,
            pt.round_trips,
            bound,
            pt.secs / bound,
            sequential / pt.secs
        );
    }
    let svg = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/sweep.svg");
    plot(&points, &svg).expect("the plot is written");
    println!("plot: {}", svg.display());
}

/// Time against latency, one chart per scan: the sequential SDK loop, chicory-aws at its
/// default concurrency (16; partitions: 10 segments), and that point's latency-bound limit.
fn plot(points: &[Point], path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    use plotters::prelude::*;
    let charts = [
        (
            "glue_tables",
            "concurrency_16",
            "Glue, 100 databases x 100 tables",
        ),
        (
            "glue_partitions",
            "segments_10",
            "Glue, 10,000 partitions (10 segments)",
        ),
        (
            "s3_objects",
            "fan_out_16",
            "S3, 100,000 keys under 100 prefixes",
        ),
    ];
    let root = SVGBackend::new(path, (720, 960)).into_drawing_area();
    root.fill(&WHITE)?;
    for ((scan, ours, title), area) in charts.iter().zip(root.split_evenly((3, 1))) {
        let series = |who: &str| -> Vec<(f64, f64)> {
            points
                .iter()
                .filter(|p| p.scan == *scan && p.who == who)
                .map(|p| (p.latency_ms as f64, p.secs))
                .collect()
        };
        let limit: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.scan == *scan && p.who == *ours)
            .map(|p| {
                (
                    p.latency_ms as f64,
                    p.round_trips as f64 * p.latency_ms as f64 / 1000.0,
                )
            })
            .collect();
        let (sequential, chicory) = (series("sequential"), series(ours));
        let top = sequential
            .iter()
            .chain(&chicory)
            .map(|p| p.1)
            .fold(0.0, f64::max)
            * 1.1;
        let right = chicory.iter().map(|p| p.0).fold(10.0, f64::max);
        let mut chart = ChartBuilder::on(&area)
            .caption(*title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d(0.0..right, 0.0..top)?;
        chart
            .configure_mesh()
            .x_desc("latency per request (ms)")
            .y_desc("scan time (s)")
            .draw()?;
        for (data, name, color) in [
            (&sequential, "sequential SDK loop", RED),
            (&chicory, "chicory-aws", BLUE),
            (&limit, "latency-bound limit", BLACK),
        ] {
            chart
                .draw_series(LineSeries::new(data.iter().copied(), color.stroke_width(2)))?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
            chart.draw_series(data.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
    }
    root.present()?;
    Ok(())
}
