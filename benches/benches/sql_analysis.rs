//! SQL analysis (issue 13): queries analysed per second, and memory per 100,000 executions.
//!
//! 1. Throughput: `chicory_aws_glue::analyze` over a corpus of the 22 TPC-H queries (24
//!    statements, the files of `chicory-aws-glue/tests/data/sql/tpch/`, the ones
//!    `tests/sql_corpus.rs` analyses) and an Athena mix (the ten statement shapes of the query
//!    history below, twice each, and Hive DDL and utility statements), beside a baseline doing
//!    the same parse work in the same run: bare `sqlparser::parser::Parser::parse_sql` with
//!    the dialect `analyze` uses (`GenericDialect`), so what the analysis adds over parsing
//!    shows as a ratio. Criterion measures both over the whole corpus (elements/s), then a
//!    table gives queries per second per part of the corpus (median of five timed loops of at
//!    least a second each).
//! 2. Memory: `TablePopularityScanner` (one entry per table, not per query) and
//!    `LineageScanner` (streams one edge at a time) over 100,000 and 1,000,000 executions of
//!    `testkit::athena::large_history` (a fake answering ListQueryExecutions and
//!    BatchGetQueryExecution from arithmetic, keeping nothing per request, on a
//!    `testkit::http::FakeServer`), with 100 and 10,000 distinct tables: peak RSS growth (a
//!    thread samples `testkit::memory::rss` every 2 ms from just before the scan to its end)
//!    and peak heap growth (`testkit::memory::stream_heap`, exact, through the counting
//!    allocator installed below). The run fails (exit 1) when ten times the executions over
//!    the same tables grows the peak heap by more than 1.5 times plus 1 MiB.
//!
//! The counting allocator is this binary's global allocator for both parts (a relaxed atomic
//! add per allocation): the analysis and its baseline pay it alike.
//!
//! Run: `cargo bench -p chicory-aws-benches --bench sql_analysis` (about five minutes on 2
//! cores).

use chicory_aws_core::{AccessLevel, BudgetSettings, Connection, ScanItem, Scanner};
use chicory_aws_glue::{
    analyze, LineageScanner, QueryContext, StatementKind, TablePopularityScanner,
};
use chicory_aws_testkit::athena::{history_query, large_history, unparsable_among};
use chicory_aws_testkit::http::FakeServer;
use chicory_aws_testkit::memory::{rss, stream_heap, CountingAlloc};
use chicory_aws_testkit::{FakeSts, TestClock};
use criterion::{black_box, BenchmarkId, Criterion, Throughput};
use futures::StreamExt;
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[global_allocator]
static HEAP: CountingAlloc = CountingAlloc;

const MIB: f64 = (1u64 << 20) as f64;

/// One statement of the corpus: which part it is of, its SQL, its context.
struct Statement {
    part: &'static str,
    sql: String,
    ctx: QueryContext,
}

/// The TPC-H statements, split as `tests/sql_corpus.rs` splits them (`q15` holds three).
fn tpch() -> Vec<Statement> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../chicory-aws-glue/tests/data/sql/tpch");
    let mut out = Vec::new();
    for n in 1..=22 {
        let path = dir.join(format!("q{n:02}.sql"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for s in text.split(';').filter(|s| {
            s.lines()
                .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"))
        }) {
            out.push(Statement {
                part: "TPC-H",
                sql: s.trim().to_owned(),
                ctx: QueryContext::database("tpch"),
            });
        }
    }
    assert_eq!(out.len(), 24, "22 TPC-H files, q15 holds three statements");
    out
}

/// Hive DDL and utility statements as an Athena history holds them.
const DDL: &[&str] = &[
    "CREATE EXTERNAL TABLE IF NOT EXISTS `sales`.`events` (`id` string, `ts` bigint) \
     PARTITIONED BY (`dt` string) \
     ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' \
     LOCATION 's3://bucket/events/'",
    "CREATE EXTERNAL TABLE clicks (user_id string, url string) STORED AS PARQUET \
     LOCATION 's3://bucket/clicks/'",
    "ALTER TABLE orders ADD IF NOT EXISTS PARTITION (dt = '2024-01-01') \
     LOCATION 's3://bucket/orders/dt=2024-01-01/'",
    "MSCK REPAIR TABLE orders",
    "DROP TABLE IF EXISTS `sales`.`tmp_orders`",
    "SHOW PARTITIONS orders",
    "DESCRIBE orders",
];

/// The Athena mix: the history's ten shapes twice each (the unparsable time-travel shape
/// included, dropped below with the other statements `analyze` refuses), and [`DDL`].
fn athena() -> Vec<Statement> {
    let ctx = QueryContext::database("sales");
    (0..20)
        .map(|i| history_query(i, 1000))
        .chain(DDL.iter().map(|s| (*s).to_owned()))
        .map(|sql| Statement {
            part: "Athena",
            sql,
            ctx: ctx.clone(),
        })
        .collect()
}

/// The parsable corpus, and how many statements `analyze` refused (reported).
fn corpus() -> (Vec<Statement>, usize) {
    let all: Vec<Statement> = tpch().into_iter().chain(athena()).collect();
    let n = all.len();
    let parsable: Vec<Statement> = all
        .into_iter()
        .filter(|s| analyze(&s.sql, &s.ctx).is_ok())
        .collect();
    // The refused ones are exactly the history's time-travel shape (a known sqlparser gap):
    // anything else refused is a corpus or analysis regression.
    assert_eq!(
        n - parsable.len(),
        1,
        "only the Iceberg time-travel select is refused"
    );
    // The shapes analyse as the kinds they are written as.
    let kinds: Vec<StatementKind> = (0..9)
        .map(|i| analyze(&history_query(i, 1000), &QueryContext::database("sales")))
        .map(|a| a.expect("the history's shapes parse").kind)
        .collect();
    use StatementKind as K;
    assert_eq!(
        kinds,
        [
            K::Select,
            K::Select,
            K::Select,
            K::Insert,
            K::CreateTableAs,
            K::Unload,
            K::Merge,
            K::CreateView,
            K::Select
        ]
    );
    let refused = n - parsable.len();
    (parsable, refused)
}

fn analyze_all(corpus: &[&Statement]) -> usize {
    let mut n = 0;
    for s in corpus {
        let a = analyze(black_box(&s.sql), black_box(&s.ctx)).expect("parsable");
        n += a.reads.len();
        black_box(a);
    }
    n
}

fn parse_all(corpus: &[&Statement]) -> usize {
    let dialect = GenericDialect {};
    let mut n = 0;
    for s in corpus {
        let st = Parser::parse_sql(&dialect, black_box(&s.sql)).expect("parsable");
        n += st.len();
        black_box(st);
    }
    n
}

/// Seconds per statement of one loop of `run` over `corpus` lasting `at_least`.
fn per_statement(
    corpus: &[&Statement],
    run: fn(&[&Statement]) -> usize,
    at_least: Duration,
) -> f64 {
    let start = Instant::now();
    let mut done = 0usize;
    while start.elapsed() < at_least {
        black_box(run(corpus));
        done += corpus.len();
    }
    start.elapsed().as_secs_f64() / done as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Queries per second of `analyze` and of the bare parse over `corpus`, and the ratio of their
/// times: 15 rounds of a 200 ms loop of each, in alternating order, so a change in the
/// machine's load (other builds on its 2 cores) falls on both; medians over the rounds, the
/// ratio the median of each round's ratio.
fn rates(corpus: &[&Statement]) -> (f64, f64, f64) {
    let at_least = Duration::from_millis(200);
    let (mut a, mut p, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..15 {
        let (ta, tp) = if round % 2 == 0 {
            let ta = per_statement(corpus, analyze_all, at_least);
            (ta, per_statement(corpus, parse_all, at_least))
        } else {
            let tp = per_statement(corpus, parse_all, at_least);
            (per_statement(corpus, analyze_all, at_least), tp)
        };
        a.push(1.0 / ta);
        p.push(1.0 / tp);
        ratio.push(ta / tp);
    }
    (median(a), median(p), median(ratio))
}

fn throughput(c: &mut Criterion, corpus: &[Statement], refused: usize) {
    let all: Vec<&Statement> = corpus.iter().collect();
    let mut group = c.benchmark_group("sql_analysis");
    group.throughput(Throughput::Elements(all.len() as u64));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function(BenchmarkId::new("analyze", all.len()), |b| {
        b.iter(|| analyze_all(&all))
    });
    group.bench_function(
        BenchmarkId::new("baseline: Parser::parse_sql (GenericDialect)", all.len()),
        |b| b.iter(|| parse_all(&all)),
    );
    group.finish();

    println!(
        "\nSQL analysis, {} statements ({refused} the parser refuses left out):\n",
        all.len()
    );
    println!("| corpus | statements | analyze (queries/s) | bare parse_sql (queries/s) | analyze / parse time |");
    println!("|---|---:|---:|---:|---:|");
    for part in ["TPC-H", "Athena", "all"] {
        let these: Vec<&Statement> = corpus
            .iter()
            .filter(|s| part == "all" || s.part == part)
            .collect();
        let (a, p, ratio) = rates(&these);
        println!(
            "| {part} | {} | {a:.0} | {p:.0} | {ratio:.3} |",
            these.len()
        );
    }
}

/// Peak RSS over a run, sampled every 2 ms by a thread of its own.
struct RssPeak {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
    base: u64,
}

impl RssPeak {
    fn start() -> Self {
        let base = rss();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peak = base;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(rss());
                std::thread::sleep(Duration::from_millis(2));
            }
            peak.max(rss())
        });
        RssPeak { stop, thread, base }
    }

    /// Peak RSS growth over the base, in bytes.
    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .join()
            .expect("the sampler")
            .saturating_sub(self.base)
    }
}

struct Row {
    scanner: &'static str,
    executions: usize,
    tables: usize,
    records: usize,
    secs: f64,
    rss: u64,
    heap: usize,
}

async fn connection(sts: &FakeSts, server: &FakeServer) -> Connection {
    // Athena's published quotas (ListQueryExecutions 5 requests per second, 50 ids each) would
    // make the run a measurement of the budget: 250 executions per second, 400 s per 100,000.
    let unbounded = BudgetSettings::default()
        .rate("athena:ListQueryExecutions", 1e6, 1e6)
        .rate("athena:BatchGetQueryExecution", 1e6, 1e6);
    sts.connection(AccessLevel::ReadOnly)
        .service_endpoint_url("athena", server.url())
        .budget(unbounded)
        .build()
        .await
        .expect("connection")
}

/// One scan of `make`'s scanner over a history of `executions` over `tables` tables.
async fn measure<S: Scanner>(
    sts: &FakeSts,
    scanner: &'static str,
    executions: usize,
    tables: usize,
    make: impl Fn(&Connection) -> S,
) -> Row {
    let server = FakeServer::start(vec![large_history(executions, tables)], Duration::ZERO).await;
    let conn = connection(sts, &server).await;
    let s = make(&conn);
    let sampler = RssPeak::start();
    let start = Instant::now();
    let heap = stream_heap(&s, None).await;
    let secs = start.elapsed().as_secs_f64();
    let rss = sampler.stop();
    let row = Row {
        scanner,
        executions,
        tables,
        records: heap.records,
        secs,
        rss,
        heap: heap.peak,
    };
    eprintln!(
        "{scanner}: {executions} executions over {tables} tables: {} records in {secs:.1} s, \
         RSS growth {:.1} MiB, heap peak growth {:.1} MiB",
        row.records,
        rss as f64 / MIB,
        row.heap as f64 / MIB
    );
    row
}

/// A small history whose records are checked, not measured: popularity has one record per
/// table with the history's totals, and lineage as many edges as the analysis of each
/// execution's SQL gives, so the measured runs count what they should.
async fn check(sts: &FakeSts) {
    let (executions, tables) = (20_000, 100);
    let server = FakeServer::start(vec![large_history(executions, tables)], Duration::ZERO).await;
    let conn = connection(sts, &server).await;
    let mut records = Vec::new();
    let mut st = TablePopularityScanner::new(&conn, None).scan();
    while let Some(item) = st.next().await {
        match item.expect("the scan fails") {
            ScanItem::Record(r) => records.push(r),
            ScanItem::Skipped(s) => panic!("skipped {s:?}"),
        }
    }
    assert_eq!(records.len(), tables, "one record per table");
    for r in &records {
        assert_eq!(r.queries_total, executions as u64, "{r:?}");
        assert_eq!(r.queries_unparsed, unparsable_among(executions) as u64);
        assert!(r.read_count > 0 && r.write_count > 0, "{r:?}");
    }
    let ctx = QueryContext::database("sales");
    let expected: usize = (0..executions)
        .filter_map(|i| analyze(&history_query(i, tables), &ctx).ok())
        .filter(|a| {
            matches!(
                a.kind,
                StatementKind::Insert
                    | StatementKind::CreateTableAs
                    | StatementKind::Unload
                    | StatementKind::Merge
            ) && a.writes.is_some()
        })
        .map(|a| a.reads.len())
        .sum();
    let edges = LineageScanner::new(&conn, None).scan().count().await;
    assert_eq!(
        edges, expected,
        "one lineage edge per table read by a write"
    );
    eprintln!("checked: {executions} executions, {tables} popularity records, {edges} edges");
}

fn memory() -> Vec<Row> {
    let rt = chicory_aws_testkit::runtime();
    rt.block_on(async {
        let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
        check(&sts).await;
        // A warm-up: the allocator's arenas, the clients, the credential cache.
        measure(&sts, "warm-up", 10_000, 100, |c| {
            TablePopularityScanner::new(c, None)
        })
        .await;
        let mut rows = Vec::new();
        for tables in [100, 10_000] {
            for executions in [100_000, 1_000_000] {
                let row = measure(&sts, "popularity", executions, tables, |c| {
                    TablePopularityScanner::new(c, None)
                })
                .await;
                assert_eq!(row.records, tables, "one popularity record per table");
                rows.push(row);
            }
        }
        for executions in [100_000, 1_000_000] {
            rows.push(
                measure(&sts, "lineage", executions, 1000, |c| {
                    LineageScanner::new(c, None)
                })
                .await,
            );
        }
        rows
    })
}

fn main() {
    // `cargo test --all-targets` runs bench binaries too (without `--bench`): this one takes
    // minutes in release, so it runs only under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "sql_analysis: a five-minute measurement, run by `cargo bench -p chicory-aws-benches --bench sql_analysis`"
        );
        return;
    }
    let (corpus, refused) = corpus();
    let mut c = Criterion::default().configure_from_args();
    throughput(&mut c, &corpus, refused);

    let rows = memory();
    println!("\nQuery activity over a history from the fake (one run each):\n");
    println!("| scanner | executions | distinct tables | records | time (s) | executions/s | peak RSS growth (MiB) | peak heap growth (MiB) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {:.1} | {:.0} | {:.1} | {:.2} |",
            r.scanner,
            r.executions,
            r.tables,
            r.records,
            r.secs,
            r.executions as f64 / r.secs,
            r.rss as f64 / MIB,
            r.heap as f64 / MIB
        );
    }
    // Rows come in (100,000, 1,000,000) pairs over the same tables.
    let mut failed = false;
    for pair in rows.chunks(2) {
        let (tenth, full) = (&pair[0], &pair[1]);
        let bound = tenth.heap as f64 * 1.5 + MIB;
        // Absolute growths: RSS moves in pages and its growth here is a fraction of a MiB,
        // whose ratios say nothing.
        println!(
            "{} over {} tables, 10x the executions: peak heap growth {:.2} -> {:.2} MiB \
             (bound {:.2}), peak RSS growth {:.1} -> {:.1} MiB",
            full.scanner,
            full.tables,
            tenth.heap as f64 / MIB,
            full.heap as f64 / MIB,
            bound / MIB,
            tenth.rss as f64 / MIB,
            full.rss as f64 / MIB
        );
        if full.heap as f64 > bound {
            eprintln!(
                "FAILED: {} grew its peak heap from {} to {} bytes with 10x the executions",
                full.scanner, tenth.heap, full.heap
            );
            failed = true;
        }
    }
    if failed {
        std::process::exit(1);
    }
}
