//! The scan runner drives any `Scanner` into any `Sink`: records, skipped parts, errors,
//! progress, and JSON Lines output.

use chicory_aws_core::{
    actions, run_scan, Action, AnyScanner, Error, ErrorKind, JsonLinesSink, Record, ScanItem,
    Scanner, Sink, Skipped,
};
use futures::stream::{self, BoxStream, StreamExt};
use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename = "test_table")]
struct Table {
    name: String,
    columns: u32,
}

chicory_aws_core::record_kind!(Table => "test_table");

/// A scanner over a fixed list, standing in for a service scanner.
struct ListScanner {
    tables: u32,
}

impl Scanner for ListScanner {
    type Record = Table;
    fn name(&self) -> &'static str {
        "test_tables"
    }
    fn actions(&self) -> &'static [Action] {
        &[actions::glue::GET_TABLES]
    }
    fn scan(&self) -> BoxStream<'static, chicory_aws_core::Result<ScanItem<Table>>> {
        let n = self.tables;
        stream::iter(0..n)
            .map(|i| {
                Ok(ScanItem::Record(Table {
                    name: format!("t{i}"),
                    columns: i,
                }))
            })
            .chain(stream::iter([
                Ok(ScanItem::Skipped(Skipped::from_error(
                    "glue:GetColumnStatisticsForTable t0",
                    &Error::new(ErrorKind::AccessDenied, "denied"),
                ))),
                Err(Error::new(ErrorKind::Throttled, "gave up")),
            ]))
            .boxed()
    }
}

#[tokio::test]
async fn runner_writes_json_lines_and_summarises() {
    let scanner = ListScanner { tables: 25 };
    let mut sink = JsonLinesSink::new(Vec::new());
    let mut progress = Vec::new();
    let summary = run_scan(&scanner, &mut sink, 10, |p| progress.push(p.records))
        .await
        .unwrap();
    assert_eq!(summary.records, 25);
    assert_eq!(summary.skipped.len(), 1);
    assert_eq!(summary.skipped[0].kind, ErrorKind::AccessDenied);
    assert_eq!(summary.incomplete.len(), 1);
    assert_eq!(summary.incomplete[0].kind, ErrorKind::Throttled);
    assert!(!summary.is_complete());
    assert_eq!(progress, vec![10, 20, 25]);
    let out = String::from_utf8(sink.into_inner()).unwrap();
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        27,
        "25 records, 1 skipped and 1 incomplete part"
    );
    assert_eq!(lines[25]["kind"], "scan_skipped");
    assert_eq!(lines[25]["error"], "AccessDenied");
    assert_eq!(lines[26]["kind"], "scan_incomplete");
    assert_eq!(lines[26]["error"], "Throttled");
    assert_eq!(lines[3]["name"], "t3");
    assert_eq!(lines[3]["columns"], 3);
}

/// A downstream sink that fails: the runner stops and returns the sink's error.
struct FullDisk {
    taken: u32,
}

#[async_trait::async_trait]
impl Sink<Table> for FullDisk {
    async fn record(&mut self, _r: &Table) -> chicory_aws_core::Result<()> {
        self.taken += 1;
        if self.taken == 5 {
            return Err(Error::new(ErrorKind::Service, "disk full"));
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_sink_error_stops_the_scan() {
    let mut sink = FullDisk { taken: 0 };
    let e = run_scan(&ListScanner { tables: 100 }, &mut sink, 10, |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "service error: disk full");
    assert_eq!(sink.taken, 5);
}

/// A scanner whose every part is denied or fails: `parts` of each.
struct FailingParts {
    parts: u32,
}

impl Scanner for FailingParts {
    type Record = Table;
    fn name(&self) -> &'static str {
        "failing_parts"
    }
    fn actions(&self) -> &'static [Action] {
        &[actions::glue::GET_TABLES]
    }
    fn scan(&self) -> BoxStream<'static, chicory_aws_core::Result<ScanItem<Table>>> {
        stream::iter(0..self.parts)
            .flat_map(|i| {
                stream::iter([
                    Ok(ScanItem::Skipped(Skipped::from_error(
                        format!("glue:GetTables database=d{i}"),
                        &Error::new(ErrorKind::AccessDenied, "denied"),
                    ))),
                    Err(Error::new(ErrorKind::Throttled, format!("gave up on d{i}"))),
                ])
            })
            .boxed()
    }
}

#[tokio::test]
async fn the_summary_counts_every_part_but_lists_only_the_first_n() {
    let mut sink = JsonLinesSink::new(Vec::new());
    let options = chicory_aws_core::RunOptions::default().listed_parts(10);
    let summary = run_scan(&FailingParts { parts: 5000 }, &mut sink, options, |_| {})
        .await
        .unwrap();
    assert_eq!(summary.skipped_count, 5000);
    assert_eq!(summary.incomplete_count, 5000);
    assert_eq!(summary.skipped.len(), 10);
    assert_eq!(summary.incomplete.len(), 10);
    assert_eq!(summary.skipped[9].part, "glue:GetTables database=d9");
    assert!(!summary.is_complete());
    // The sink got every one.
    let text = String::from_utf8(sink.into_inner()).unwrap();
    assert_eq!(text.lines().count(), 10_000);
}

/// Another kind of record, to hold scanners of two record types in one list.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename = "test_bucket")]
struct Bucket {
    name: String,
}

chicory_aws_core::record_kind!(Bucket => "test_bucket");

struct BucketScanner;

impl Scanner for BucketScanner {
    type Record = Bucket;
    fn name(&self) -> &'static str {
        "test_buckets"
    }
    fn actions(&self) -> &'static [Action] {
        &[actions::s3::LIST_ALL_MY_BUCKETS]
    }
    fn scan(&self) -> BoxStream<'static, chicory_aws_core::Result<ScanItem<Bucket>>> {
        stream::iter(["a", "b"])
            .map(|n| Ok(ScanItem::Record(Bucket { name: n.into() })))
            .boxed()
    }
}

/// Scanners of different record types held in one `Vec<AnyScanner>` and run alike: each
/// keeps its name, actions, outcomes and the kind of every record, and writes the same JSON
/// lines as the scanner itself.
#[tokio::test]
async fn any_scanner_holds_scanners_of_every_record_type() {
    // One type for both: an array (or a Vec) of them.
    let scanners: [AnyScanner; 2] = [
        AnyScanner::new(ListScanner { tables: 3 }),
        AnyScanner::new(BucketScanner),
    ];
    assert_eq!(
        scanners.iter().map(|s| s.name()).collect::<Vec<_>>(),
        ["test_tables", "test_buckets"]
    );
    assert_eq!(scanners[1].actions(), &[actions::s3::LIST_ALL_MY_BUCKETS]);
    let mut kinds = Vec::new();
    let mut st = scanners[0].scan().chain(scanners[1].scan());
    while let Some(item) = st.next().await {
        if let Ok(ScanItem::Record(r)) = item {
            assert_eq!(r.to_value()["kind"], r.kind());
            kinds.push(r.kind());
        }
    }
    assert_eq!(
        kinds,
        [
            "test_table",
            "test_table",
            "test_table",
            "test_bucket",
            "test_bucket"
        ]
    );
    let (mut direct, mut erased) = (
        JsonLinesSink::new(Vec::new()),
        JsonLinesSink::new(Vec::new()),
    );
    let a = run_scan(&ListScanner { tables: 3 }, &mut direct, 10, |_| {})
        .await
        .unwrap();
    let b = run_scan(&scanners[0], &mut erased, 10, |_| {})
        .await
        .unwrap();
    assert_eq!((a.records, a.skipped_count, a.incomplete_count), (3, 1, 1));
    assert_eq!((b.records, b.skipped_count, b.incomplete_count), (3, 1, 1));
    assert_eq!(direct.into_inner(), erased.into_inner());
}
