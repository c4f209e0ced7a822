//! Scans a customer's Glue Data Catalog, Athena, S3 and DataZone into a JSON Lines file, with
//! progress on stderr and a summary at the end.
//!
//! ```sh
//! cargo run -p chicory-aws-examples --bin scan -- --demo --out scan.jsonl
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
//! DataZone: every domain the role can see, with its projects, environments, profiles, data
//! sources, assets, form types, listings, glossaries and terms. The emulator has no DataZone,
//! so with `--demo` the demo domains come from the test kit's DataZone fake, reached through
//! the same assumed-role session (`--service-endpoint datazone=URL` does this for any
//! endpoint).

use chicory_aws_core::{run_scan, JsonLinesSink, ScanSummary, Scanner, Sink};
use chicory_aws_datazone::{DataZoneOptions, DataZoneScanner};
use chicory_aws_examples::ConnectArgs;
use chicory_aws_glue::{CatalogOptions, CatalogScanner, DataCatalogScanner, WorkGroupScanner};
use chicory_aws_s3::{BucketScanner, ObjectOptions, ObjectScanner};
use clap::Parser;
use std::path::PathBuf;
use std::time::Instant;

/// Scan Glue, Athena, S3 and DataZone into JSON Lines.
#[derive(Debug, Parser)]
struct Args {
    #[command(flatten)]
    connect: ConnectArgs,
    /// The services to scan.
    #[arg(long, value_delimiter = ',', default_value = "glue,athena,s3,datazone")]
    services: Vec<Service>,
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Service {
    Glue,
    Athena,
    S3,
    Datazone,
}

/// The exit code of a scan that finished with incomplete parts (1: the scan failed).
const EXIT_INCOMPLETE: i32 = 2;

async fn scan_one<S: Scanner>(
    scanner: &S,
    sink: &mut JsonLinesSink<tokio::fs::File>,
) -> Result<ScanSummary, Box<dyn std::error::Error>>
where
    S::Record: Sync,
    JsonLinesSink<tokio::fs::File>: Sink<S::Record>,
{
    let summary = run_scan(scanner, sink, 1000, |p| {
        eprintln!(
            "  {:<22} {:>7} records  {:>3} skipped  {:>3} incomplete  {:>6.2}s",
            p.scanner,
            p.records,
            p.skipped,
            p.incomplete,
            p.elapsed.as_secs_f64()
        );
    })
    .await?;
    Ok(summary)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = Args::parse();
    let start = Instant::now();
    if args.connect.demo {
        eprintln!("seeding the demo catalog on the emulator...");
        chicory_aws_examples::demo::seed().await?;
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
    let on = |service| args.services.contains(&service);
    let mut summaries = Vec::new();
    if on(Service::Glue) {
        // One pass lists each database and table once: the output never holds partitions of a
        // table it does not hold.
        let catalog = CatalogScanner::new(&conn, options, Some(segments))?;
        summaries.push(scan_one(&catalog, &mut sink).await?);
    }
    if on(Service::Athena) {
        summaries.push(scan_one(&DataCatalogScanner::new(&conn), &mut sink).await?);
        summaries.push(scan_one(&WorkGroupScanner::new(&conn), &mut sink).await?);
    }
    if on(Service::S3) {
        summaries.push(scan_one(&BucketScanner::new(&conn), &mut sink).await?);
        let mut buckets = args.s3_bucket.clone();
        if args.connect.demo && buckets.is_empty() {
            buckets.push(chicory_aws_examples::demo::BUCKET.to_owned());
        }
        for bucket in &buckets {
            let mut options = ObjectOptions::default();
            if let Some(p) = &args.s3_prefix {
                options = options.prefix(p.clone());
            }
            summaries
                .push(scan_one(&ObjectScanner::new(&conn, bucket, options)?, &mut sink).await?);
        }
    }
    if on(Service::Datazone) {
        let scanner =
            DataZoneScanner::new(&conn, DataZoneOptions::default().asset_revisions(true))?;
        summaries.push(scan_one(&scanner, &mut sink).await?);
    }
    eprintln!("\nsummary ({}):", args.out.display());
    let mut total = 0;
    let mut complete = true;
    for s in &summaries {
        total += s.records;
        complete &= s.is_complete();
        eprintln!(
            "  {:<22} {:>7} records  {:>3} skipped  {:>3} incomplete  {:>6.2}s",
            s.scanner,
            s.records,
            s.skipped.len(),
            s.incomplete.len(),
            s.duration.as_secs_f64()
        );
        for k in &s.skipped {
            eprintln!("      skipped {}: {}", k.part, k.reason);
        }
        for k in &s.incomplete {
            eprintln!("      INCOMPLETE {}: {}", k.part, k.reason);
        }
    }
    eprintln!(
        "  total {total} records in {:.2}s",
        start.elapsed().as_secs_f64()
    );
    for a in conn.request_stats() {
        if a.throttled > 0 {
            eprintln!(
                "  {}: {} requests, {} throttled",
                a.api, a.requests, a.throttled
            );
        }
    }
    if !complete {
        eprintln!(
            "INCOMPLETE: records may be missing from the parts named above; do not treat \
             this output as the whole account (exit code {EXIT_INCOMPLETE})"
        );
        std::process::exit(EXIT_INCOMPLETE);
    }
    Ok(())
}
