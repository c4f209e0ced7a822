//! `chicory-aws scan`: scans a customer's Glue Data Catalog, Athena, S3 and DataZone into a
//! JSON Lines file, with progress on stderr and a summary at the end (`--json`: on stdout, as
//! JSON).
//!
//! ```sh
//! chicory-aws scan --demo --out scan.jsonl
//! ```
//!
//! With `--demo`, a small demo catalog (databases, tables, partitions, an Iceberg table with a
//! dropped column, a table and a database resource link, an Athena workgroup) and a demo bucket
//! (objects under a few prefixes) are first seeded on the local emulator with its admin
//! credentials, then scanned through the demo customer's ReadOnly role.
//!
//! Glue: `--all-catalogs` scans every catalog of the account (federated and S3 Tables catalogs;
//! needs `glue:GetCatalogs`), `--follow-links` reads resource links' targets in the catalogs
//! they point to.
//!
//! Exit codes: 0 the scan is complete (every part read, or skipped because denied or gone); 2
//! the scan finished but some parts are incomplete (named on stderr and as `scan_incomplete`
//! lines in the output): records may be missing; 1 the scan failed.
//!
//! S3: every bucket's configuration (region, versioning, tags, policy) is scanned; objects are
//! listed for the buckets named with `--s3-bucket` (with `--demo`: the demo bucket).
//!
//! Query activity (`activity`): the Athena query history of one workgroup (`--workgroup`; the
//! caller's default one if not given) over the last `--activity-days` days, each execution's SQL
//! analysed (`athena_query_activity`), table popularity (`table_popularity`) and table lineage
//! (`lineage_edge`) from it, and what each Glue view reads (`view_lineage`, over the databases
//! of `--include-databases` / `--exclude-databases`). With `--demo`, the demo queries (a join, a
//! CTAS, an INSERT ... SELECT, a CREATE VIEW) first run in the demo workgroup through a demo
//! role granted ReadWrite (the library's `athena_run_query` operator), their ids are printed on
//! stderr, and the window is the time they ran.
//!
//! DataZone: every domain the role can see, with its projects, environments, profiles, data
//! sources, assets, form types, listings, glossaries and terms. The emulator has no DataZone,
//! so with `--demo` the demo domains come from the test kit's DataZone fake, reached through
//! the same assumed-role session (`--service-endpoint datazone=URL` does this for any
//! endpoint).

use crate::progress::{Mode, Reporter};
use crate::Outcome;
use chicory_aws_core::{run_scan, AnyScanner, Connection, JsonLinesSink, ScanSummary, Scanner};
use chicory_aws_datazone::{DataZoneOptions, DataZoneScanner};
use chicory_aws_examples::ConnectArgs;
use chicory_aws_glue::{
    CatalogOptions, CatalogScanner, DataCatalogScanner, LineageScanner, QueryActivityScanner,
    TablePopularityScanner, TimeWindow, ViewLineageScanner, WorkGroupScanner,
};
use chicory_aws_s3::{BucketScanner, ObjectOptions, ObjectScanner};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

/// Scan Glue, Athena, query activity, S3 and DataZone into JSON Lines.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    connect: ConnectArgs,
    /// The services to scan (`activity`: the Athena query history analysed, table popularity,
    /// lineage from queries and Glue views).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "glue,athena,activity,s3,datazone"
    )]
    services: Vec<Service>,
    /// The Athena workgroup whose query history `activity` reads (default: the caller's default
    /// workgroup; with --demo: the demo workgroup).
    #[arg(long)]
    workgroup: Option<String>,
    /// `activity` reads the executions submitted in the last this many days (Athena keeps 45;
    /// with --demo: the time the demo queries ran).
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u64).range(1..=45))]
    activity_days: u64,
    /// Output file (JSON Lines).
    #[arg(long, default_value = "scan.jsonl")]
    out: PathBuf,
    /// Only databases matching this glob (`*` wildcard); repeatable.
    #[arg(long)]
    include_databases: Vec<String>,
    /// Leave out databases matching this glob; repeatable.
    #[arg(long)]
    exclude_databases: Vec<String>,
    /// Scan every Glue catalog of the account (default, federated, S3 Tables), not only the
    /// default one.
    #[arg(long)]
    all_catalogs: bool,
    /// Follow resource links into the catalogs they point to.
    #[arg(long)]
    follow_links: bool,
    /// Databases scanned at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Parallel GetPartitions segments per table (1-10); default 4, or 1 with --demo (moto
    /// ignores `Segment` and would return every partition once per segment).
    #[arg(long)]
    segments: Option<i32>,
    /// List the objects of this bucket; repeatable (with --demo: the demo bucket).
    #[arg(long)]
    s3_bucket: Vec<String>,
    /// Only objects under this key prefix.
    #[arg(long)]
    s3_prefix: Option<String>,
    /// Progress on stderr: a live line when stderr is a terminal (auto), plain lines, or none.
    #[arg(long, value_enum, default_value_t = Mode::Auto)]
    progress: Mode,
    /// Print the summary as JSON on stdout (the human summary still goes to stderr).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Service {
    Glue,
    Athena,
    Activity,
    S3,
    Datazone,
}

type Out = JsonLinesSink<tokio::fs::File>;

async fn scan_one(
    conn: &Connection,
    mode: Mode,
    scanner: &AnyScanner,
    sink: &mut Out,
) -> Result<ScanSummary, Box<dyn std::error::Error>> {
    let reporter = Reporter::start(conn, scanner.name(), mode);
    let summary = run_scan(scanner, sink, reporter.every(), |p| reporter.update(p)).await?;
    reporter.finish();
    Ok(summary)
}

/// Runs the scan `args` describe.
pub async fn run(args: Args) -> Result<Outcome, Box<dyn std::error::Error>> {
    let start = Instant::now();
    let on = |service| args.services.contains(&service);
    let mut demo_window = None;
    if args.connect.demo {
        eprintln!("seeding the demo catalog on the emulator...");
        chicory_aws_examples::demo::seed().await?;
        if on(Service::Activity) {
            use chicory_aws_examples::demo;
            eprintln!(
                "running the demo's Athena queries in workgroup {} (a demo role granted \
                 ReadWrite, athena_run_query)...",
                demo::WORKGROUP
            );
            let ran = demo::run_queries().await?;
            for (id, sql) in ran.ids.iter().zip(demo::QUERIES) {
                let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
                eprintln!("  demo query {id}: {sql}");
            }
            demo_window = Some(ran.window);
        }
    }
    let conn = args.connect.builder().await?.connect().await?;
    eprintln!(
        "connected: account {} region {} ({:?}); scanning into {}",
        conn.account_id(),
        conn.region(),
        conn.access_level(),
        args.out.display()
    );
    let mut options = CatalogOptions::default()
        .concurrency(args.concurrency)
        .follow_links(args.follow_links);
    if args.all_catalogs {
        options = options.all_catalogs();
    }
    for p in &args.include_databases {
        options = options.include_databases(p.clone());
    }
    for p in &args.exclude_databases {
        options = options.exclude_databases(p.clone());
    }
    let segments = args
        .segments
        .unwrap_or(if args.connect.demo { 1 } else { 4 });
    let file = tokio::fs::File::create(&args.out)
        .await
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let mut sink = JsonLinesSink::new(file);
    let mode = args.progress;
    // Every scanner the arguments ask for, of whatever record type, run one after the other.
    let mut scanners = Vec::new();
    if on(Service::Glue) {
        // One pass lists each database and table once: the output never holds partitions of a
        // table it does not hold.
        scanners.push(AnyScanner::new(CatalogScanner::new(
            &conn,
            options.clone(),
            Some(segments),
        )?));
    }
    if on(Service::Athena) {
        scanners.push(AnyScanner::new(DataCatalogScanner::new(&conn)));
        scanners.push(AnyScanner::new(WorkGroupScanner::new(&conn)));
    }
    if on(Service::Activity) {
        let workgroup = args.workgroup.clone().or_else(|| {
            args.connect
                .demo
                .then(|| chicory_aws_examples::demo::WORKGROUP.to_owned())
        });
        let window = demo_window.unwrap_or_else(|| {
            TimeWindow::last(std::time::Duration::from_secs(args.activity_days * 86_400))
        });
        // Each reads the history of the window once: the three agree when nothing is submitted
        // in the window while they run (with --demo the window is closed before they start).
        scanners.push(AnyScanner::new(
            QueryActivityScanner::new(&conn, workgroup.clone()).with_window(window),
        ));
        scanners.push(AnyScanner::new(
            TablePopularityScanner::new(&conn, workgroup.clone()).with_window(window),
        ));
        scanners.push(AnyScanner::new(
            LineageScanner::new(&conn, workgroup).with_window(window),
        ));
        scanners.push(AnyScanner::new(ViewLineageScanner::new(&conn, options)?));
    }
    if on(Service::S3) {
        scanners.push(AnyScanner::new(BucketScanner::new(&conn)));
        let mut buckets = args.s3_bucket.clone();
        if args.connect.demo && buckets.is_empty() {
            buckets.push(chicory_aws_examples::demo::BUCKET.to_owned());
        }
        for bucket in &buckets {
            let mut options = ObjectOptions::default();
            if let Some(p) = &args.s3_prefix {
                options = options.prefix(p.clone());
            }
            scanners.push(AnyScanner::new(ObjectScanner::new(&conn, bucket, options)?));
        }
    }
    if on(Service::Datazone) {
        scanners.push(AnyScanner::new(DataZoneScanner::new(
            &conn,
            DataZoneOptions::default().asset_revisions(true),
        )?));
    }
    let mut summaries = Vec::new();
    for scanner in &scanners {
        summaries.push(scan_one(&conn, mode, scanner, &mut sink).await?);
    }
    let outcome = if summaries.iter().all(ScanSummary::is_complete) {
        Outcome::Complete
    } else {
        Outcome::Incomplete
    };
    report(&args, &conn, &summaries, start.elapsed(), outcome)?;
    Ok(outcome)
}

/// The summary: on stderr for people, and with `--json` on stdout for scripts.
fn report(
    args: &Args,
    conn: &Connection,
    summaries: &[ScanSummary],
    elapsed: std::time::Duration,
    outcome: Outcome,
) -> Result<(), Box<dyn std::error::Error>> {
    eprintln!("\nsummary ({}):", args.out.display());
    let total: u64 = summaries.iter().map(|s| s.records).sum();
    for s in summaries {
        eprintln!(
            "  {:<24} {:>9} records  {:>4} skipped  {:>4} incomplete  {:>7.2}s",
            s.scanner,
            s.records,
            s.skipped_count,
            s.incomplete_count,
            s.duration.as_secs_f64()
        );
        for k in &s.skipped {
            eprintln!("      skipped {}: {}", k.part, k.reason);
        }
        for k in &s.incomplete {
            eprintln!("      INCOMPLETE {}: {}", k.part, k.reason);
        }
    }
    eprintln!("  total {total} records in {:.2}s", elapsed.as_secs_f64());
    let stats = conn.request_stats();
    for a in stats.iter().filter(|a| a.throttled > 0) {
        eprintln!(
            "  {}: {} requests, {} throttled",
            a.api, a.requests, a.throttled
        );
    }
    if outcome == Outcome::Incomplete {
        eprintln!(
            "INCOMPLETE: records may be missing from the parts named above; do not treat \
             this output as the whole account (exit code {})",
            outcome.code()
        );
    }
    if args.json {
        let summary = json!({
            "outcome": match outcome {
                Outcome::Complete => "complete",
                Outcome::Incomplete => "incomplete",
                Outcome::Failed => "failed",
            },
            "exit_code": outcome.code(),
            "output": args.out,
            "account_id": conn.account_id(),
            "region": conn.region(),
            "records": total,
            "seconds": elapsed.as_secs_f64(),
            "scanners": summaries.iter().map(|s| json!({
                "scanner": s.scanner,
                "records": s.records,
                "seconds": s.duration.as_secs_f64(),
                "complete": s.is_complete(),
                "skipped_count": s.skipped_count,
                "incomplete_count": s.incomplete_count,
                "skipped": s.skipped,
                "incomplete": s.incomplete,
            })).collect::<Vec<_>>(),
            "requests": stats,
        });
        println!("{}", serde_json::to_string_pretty(&summary)?);
    }
    Ok(())
}
