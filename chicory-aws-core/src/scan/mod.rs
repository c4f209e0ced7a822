//! Scanners, sinks and the runner that drives one into the other, and the scan engine every
//! scanner is built on.
//!
//! # The completeness contract
//!
//! Every part of a scan (a listing, a page, an enrichment of a record) ends in one of three
//! outcomes, decided in one place ([`Part::outcome`]), never by each scanner:
//!
//! - **record**: [`ScanItem::Record`];
//! - **skipped**: [`ScanItem::Skipped`]: the customer did not grant it (AccessDenied), it
//!   vanished mid-scan (NotFound), or it is an enrichment documented as optional. The scan
//!   goes on;
//! - **incomplete**: an `Err` item: anything else after every retry (throttling, 5xx,
//!   timeouts, dropped connections, unparseable answers, a repeated page token). The scan goes
//!   on, but [`ScanSummary::is_complete`] is false and the summary names the part
//!   ([`Incomplete`]). A record whose field could not be read says so (e.g. the S3 records'
//!   `unread` list) instead of showing the field as empty.
//!
//! A failed page is retried from its own continuation token ([`PageRetry`]), so a listing
//! resumes where it stopped and emits nothing twice.

mod engine;

pub use engine::{
    paged, read, read_record, single, walk, Concurrency, IntoScanError, Page, PageRetry, Part,
    ScanStream, ScanStreamExt, Step,
};

use crate::error::{Error, ErrorKind, ErrorStatus, Result};
use crate::Action;
use async_trait::async_trait;
use futures::stream::BoxStream;
use futures::StreamExt;
use serde::Serialize;
use std::fmt;
use std::time::{Duration, Instant};
use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};

/// A part of a scan that was left out, and why (e.g. a denied optional enrichment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Skipped {
    /// What was left out, e.g. `s3:GetBucketPolicy bucket=logs`.
    pub part: String,
    /// The kind of error that caused it.
    pub kind: ErrorKind,
    /// The reason, e.g. the AWS error code and message.
    pub reason: String,
}

impl Skipped {
    /// A skipped part caused by `error`.
    pub fn from_error(part: impl Into<String>, error: &Error) -> Self {
        Skipped {
            part: part.into(),
            kind: error.kind(),
            reason: error.to_string(),
        }
    }
}

/// A part of a scan that failed after every retry: the result is not complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Incomplete {
    /// The part, e.g. `glue:GetTables sales` (operation and resource).
    pub part: String,
    /// The kind of error.
    pub kind: ErrorKind,
    /// The cause, e.g. the AWS error code and message.
    pub reason: String,
    /// [`Persistent`](ErrorStatus::Persistent) when the part was throttled or failed
    /// transiently on every retry; [`Permanent`](ErrorStatus::Permanent) when retrying would
    /// not help.
    pub status: ErrorStatus,
}

impl Incomplete {
    /// The incomplete part `error` names (its operation and resource).
    pub fn from_error(error: &Error) -> Self {
        let part = match (error.operation(), error.resource()) {
            (Some(o), Some(r)) => format!("{o} {r}"),
            (Some(o), None) => o.to_owned(),
            (None, Some(r)) => r.to_owned(),
            (None, None) => "scan".to_owned(),
        };
        Incomplete {
            part,
            kind: error.kind(),
            reason: error.to_string(),
            status: error.error_status(),
        }
    }
}

/// One item of a scan: a record, or a part that was skipped. A scan stream's `Err` items are
/// its incomplete parts (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanItem<R> {
    /// A scanned record.
    Record(R),
    /// A part that was left out; the scan goes on.
    Skipped(Skipped),
}

/// A scanned record: serializable, and saying its kind (the `kind` field it serializes with,
/// e.g. `glue_table`) without being serialized, so a [`Sink`] can route records by kind.
/// Implement it with [`record_kind!`](crate::record_kind) for a record of one kind; an enum of
/// several kinds (e.g. DataZone's whole-domain record) matches on itself.
pub trait Record: Serialize + Send + 'static {
    /// The record's kind, e.g. `glue_table`.
    fn kind(&self) -> &'static str;
}

/// An AWS timestamp as a record writes it: RFC 3339 text (`2024-05-01T12:00:00Z`), or `None`
/// when AWS gave none. One rule for every record of every service crate.
///
/// The text is exactly what `DateTime::fmt(Format::DateTime)` writes (microseconds, trailing
/// zeros cut; years 1 to 9999, `None` outside them), written directly: a table record has three
/// timestamps, and the SDK's formatter, through `time` and `fmt`, was a sixth of a Glue table's
/// mapping cost.
pub fn record_time(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    const FIRST: i64 = -62_135_596_800;
    const LAST: i64 = 253_402_300_799;
    let t = t?;
    let secs = t.secs();
    if !(FIRST..=LAST).contains(&secs) {
        return None;
    }
    let (days, of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut out = [0u8; 27];
    let mut put = |at: usize, width: usize, mut v: i64| {
        for i in (at..at + width).rev() {
            out[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, month);
    put(8, 2, day);
    put(11, 2, of_day / 3_600);
    put(14, 2, of_day / 60 % 60);
    put(17, 2, of_day % 60);
    let micros = i64::from(t.subsec_nanos() / 1_000);
    put(20, 6, micros);
    for (i, c) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
    ] {
        out[i] = c;
    }
    let mut len = 19;
    if micros > 0 {
        len = 26;
        while out[len - 1] == b'0' {
            len -= 1;
        }
    }
    out[len] = b'Z';
    Some(String::from_utf8_lossy(&out[..=len]).into_owned())
}

/// Implements [`Record`] for record structs of one kind each: `record_kind!(TableRecord =>
/// "glue_table", DatabaseRecord => "glue_database")`. The kind must be the `kind` the struct
/// serializes with (`#[serde(tag = "kind", rename = "...")]`); the conformance suite checks
/// that every record a scanner yields agrees.
#[macro_export]
macro_rules! record_kind {
    ($($record:ty => $kind:literal),+ $(,)?) => {
        $(
            impl $crate::scan::Record for $record {
                fn kind(&self) -> &'static str {
                    $kind
                }
            }
        )+
    };
}

/// A lazy, paginated scan of one kind of resource.
///
/// [`scan`](Scanner::scan) returns a stream that fetches pages only as it is polled, runs its
/// per-item calls with bounded concurrency, and never holds a whole account in memory. An
/// `Err` item is an incomplete part; the stream goes on with the other parts.
pub trait Scanner: Send + Sync {
    /// The record type, one struct per resource kind.
    type Record: Record;

    /// A short name, e.g. `glue_tables`.
    fn name(&self) -> &'static str;

    /// The IAM actions the scan calls.
    fn actions(&self) -> &'static [Action];

    /// Starts the scan.
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<Self::Record>>>;
}

/// A record of any kind as JSON, with its kind: what an [`AnyScanner`] yields. Serializes as
/// the record it was made from, byte for byte (its fields in the record's order).
#[derive(Debug, Clone)]
pub struct AnyRecord {
    kind: &'static str,
    json: Box<serde_json::value::RawValue>,
}

impl AnyRecord {
    /// The record as JSON text.
    pub fn json(&self) -> &str {
        self.json.get()
    }

    /// The record as a JSON value.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(self.json.get()).expect("JSON a record serialized to")
    }
}

impl Serialize for AnyRecord {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.json.serialize(s)
    }
}

impl Record for AnyRecord {
    fn kind(&self) -> &'static str {
        self.kind
    }
}

/// Any [`Scanner`], its records as [`AnyRecord`]s: one type for scanners of every kind, so a
/// binary or a server can hold `Vec<AnyScanner>` and run them alike. It is a `Scanner` itself.
///
/// ```
/// use chicory_aws_core::{AnyScanner, Scanner};
/// # fn demo(glue_tables: impl Scanner + 'static, s3_buckets: impl Scanner + 'static) {
/// let scanners = vec![AnyScanner::new(glue_tables), AnyScanner::new(s3_buckets)];
/// for s in &scanners {
///     println!("{} calls {:?}", s.name(), s.actions());
/// }
/// # }
/// ```
pub struct AnyScanner {
    inner: Box<dyn ErasedScanner>,
}

trait ErasedScanner: Send + Sync {
    fn name(&self) -> &'static str;
    fn actions(&self) -> &'static [Action];
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<AnyRecord>>>;
}

impl<S: Scanner> ErasedScanner for S {
    fn name(&self) -> &'static str {
        Scanner::name(self)
    }
    fn actions(&self) -> &'static [Action] {
        Scanner::actions(self)
    }
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<AnyRecord>>> {
        Scanner::scan(self)
            .map(|item| match item? {
                ScanItem::Record(r) => {
                    let kind = r.kind();
                    let json = serde_json::value::to_raw_value(&r).map_err(|e| {
                        Error::new(ErrorKind::Service, "record is not serializable").with_source(e)
                    })?;
                    Ok(ScanItem::Record(AnyRecord { kind, json }))
                }
                ScanItem::Skipped(s) => Ok(ScanItem::Skipped(s)),
            })
            .boxed()
    }
}

impl AnyScanner {
    /// `scanner`, with its records as JSON.
    pub fn new<S: Scanner + 'static>(scanner: S) -> Self {
        AnyScanner {
            inner: Box::new(scanner),
        }
    }
}

impl fmt::Debug for AnyScanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyScanner")
            .field("name", &self.inner.name())
            .finish()
    }
}

impl Scanner for AnyScanner {
    type Record = AnyRecord;
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn actions(&self) -> &'static [Action] {
        self.inner.actions()
    }
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<AnyRecord>>> {
        self.inner.scan()
    }
}

/// Where scanned records go. Implement it to store records your own way; route them by
/// [`Record::kind`] without serializing them.
///
/// [`run_scan`] calls `record`, `skipped` and `incomplete` in the order the scan yields them,
/// then `finish` once when the stream has ended. If a sink method fails, the scan stops there
/// and `finish` is not called. A sink may be reused across scans (the example CLI writes every
/// scanner into one `JsonLinesSink`): `finish` then runs once per scan, so it must leave the
/// sink usable (flush, do not close).
#[async_trait]
pub trait Sink<R: Send + Sync>: Send {
    /// Takes one record.
    async fn record(&mut self, record: &R) -> Result<()>;

    /// Takes note of a skipped part (default: nothing).
    async fn skipped(&mut self, _skipped: &Skipped) -> Result<()> {
        Ok(())
    }

    /// Takes note of an incomplete part (default: nothing). A sink that reconciles (deletes
    /// what a scan no longer shows) must not do so for a scan with an incomplete part.
    async fn incomplete(&mut self, _incomplete: &Incomplete) -> Result<()> {
        Ok(())
    }

    /// Flushes at the end of each scan (see the trait docs).
    async fn finish(&mut self) -> Result<()> {
        Ok(())
    }
}

/// Writes each record as one JSON line, and each skipped or incomplete part as a line of kind
/// `scan_skipped` / `scan_incomplete` (`part`, `error`, `reason`), so a reader of the file
/// alone knows what is missing from it.
pub struct JsonLinesSink<W: AsyncWrite + Unpin + Send> {
    out: BufWriter<W>,
    buf: Vec<u8>,
}

impl<W: AsyncWrite + Unpin + Send> JsonLinesSink<W> {
    /// A sink writing to `out` (buffered).
    pub fn new(out: W) -> Self {
        JsonLinesSink {
            out: BufWriter::new(out),
            buf: Vec::with_capacity(1024),
        }
    }

    /// The writer, after [`Sink::finish`].
    pub fn into_inner(self) -> W {
        self.out.into_inner()
    }
}

fn io_error(e: std::io::Error) -> Error {
    Error::new(ErrorKind::Service, "writing JSON Lines failed").with_source(e)
}

#[async_trait]
impl<R: Serialize + Send + Sync, W: AsyncWrite + Unpin + Send> Sink<R> for JsonLinesSink<W> {
    async fn record(&mut self, record: &R) -> Result<()> {
        self.line(record).await
    }

    async fn skipped(&mut self, skipped: &Skipped) -> Result<()> {
        self.line(&Outcome {
            kind: "scan_skipped",
            part: &skipped.part,
            error: skipped.kind,
            reason: &skipped.reason,
        })
        .await
    }

    async fn incomplete(&mut self, incomplete: &Incomplete) -> Result<()> {
        self.line(&Outcome {
            kind: "scan_incomplete",
            part: &incomplete.part,
            error: incomplete.kind,
            reason: &incomplete.reason,
        })
        .await
    }

    async fn finish(&mut self) -> Result<()> {
        self.out.flush().await.map_err(io_error)
    }
}

/// A skipped or incomplete part as a JSON line, beside the records.
#[derive(Serialize)]
struct Outcome<'a> {
    kind: &'static str,
    part: &'a str,
    error: ErrorKind,
    reason: &'a str,
}

impl<W: AsyncWrite + Unpin + Send> JsonLinesSink<W> {
    async fn line<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, value).map_err(|e| {
            Error::new(ErrorKind::Service, "record is not serializable").with_source(e)
        })?;
        self.buf.push(b'\n');
        self.out.write_all(&self.buf).await.map_err(io_error)
    }
}

/// What a scan did.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct ScanSummary {
    /// The scanner's name.
    pub scanner: String,
    /// Records written to the sink.
    pub records: u64,
    /// Parts left out, with reasons: the first [`RunOptions::listed_parts`] of them (every one
    /// went to the sink); [`skipped_count`](Self::skipped_count) counts them all.
    pub skipped: Vec<Skipped>,
    /// Parts left out, all of them.
    pub skipped_count: u64,
    /// Parts that failed after every retry, records may be missing from them: the first
    /// [`RunOptions::listed_parts`] (every one went to the sink).
    pub incomplete: Vec<Incomplete>,
    /// Parts that failed after every retry, all of them.
    pub incomplete_count: u64,
    /// Wall time.
    pub duration: Duration,
}

impl ScanSummary {
    /// Whether every part was read or skipped (denied, vanished): nothing is missing but what
    /// was skipped.
    pub fn is_complete(&self) -> bool {
        self.incomplete_count == 0
    }
}

/// Progress reported by [`run_scan`] every [`RunOptions::progress_every`] records and at the
/// end.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// The scanner's name.
    pub scanner: &'a str,
    /// Records so far.
    pub records: u64,
    /// Skipped parts so far.
    pub skipped: u64,
    /// Incomplete parts so far.
    pub incomplete: u64,
    /// Time since start.
    pub elapsed: Duration,
}

/// How [`run_scan`] reports. A bare number is `progress_every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunOptions {
    /// Call the progress callback every this many records (default 1000).
    pub progress_every: u64,
    /// Keep this many skipped and this many incomplete parts in the summary (default 1000);
    /// beyond, they are counted only, so a scan of a million denied tables holds no million
    /// reasons. The sink gets every one.
    pub listed_parts: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            progress_every: 1000,
            listed_parts: 1000,
        }
    }
}

impl RunOptions {
    /// Sets how many skipped and incomplete parts the summary lists.
    pub fn listed_parts(mut self, n: usize) -> Self {
        self.listed_parts = n;
        self
    }
}

impl From<u64> for RunOptions {
    fn from(progress_every: u64) -> Self {
        RunOptions {
            progress_every,
            ..RunOptions::default()
        }
    }
}

/// Drives `scanner` into `sink`, calling `progress` as `options` say (a bare number: every
/// that many records), and returns a summary. A sink error stops the scan and is returned;
/// skipped and incomplete parts are passed to the sink and counted in the summary.
pub async fn run_scan<S, K>(
    scanner: &S,
    sink: &mut K,
    options: impl Into<RunOptions>,
    mut progress: impl FnMut(Progress<'_>) + Send,
) -> Result<ScanSummary>
where
    S: Scanner + ?Sized,
    S::Record: Sync,
    K: Sink<S::Record> + ?Sized,
{
    let options = options.into();
    let start = Instant::now();
    let mut summary = ScanSummary {
        scanner: scanner.name().to_owned(),
        ..ScanSummary::default()
    };
    let every = options.progress_every.max(1);
    let mut stream = scanner.scan();
    while let Some(item) = stream.next().await {
        match item {
            Ok(ScanItem::Record(r)) => {
                sink.record(&r).await?;
                summary.records += 1;
                if summary.records % every == 0 {
                    progress(Progress {
                        scanner: &summary.scanner,
                        records: summary.records,
                        skipped: summary.skipped_count,
                        incomplete: summary.incomplete_count,
                        elapsed: start.elapsed(),
                    });
                }
            }
            Ok(ScanItem::Skipped(s)) => {
                tracing::info!(scanner = %summary.scanner, part = %s.part, reason = %s.reason, "skipped");
                sink.skipped(&s).await?;
                summary.skipped_count += 1;
                if summary.skipped.len() < options.listed_parts {
                    summary.skipped.push(s);
                }
            }
            Err(e) => {
                let part = Incomplete::from_error(&e);
                tracing::warn!(scanner = %summary.scanner, part = %part.part, error = %e, "incomplete part");
                sink.incomplete(&part).await?;
                summary.incomplete_count += 1;
                if summary.incomplete.len() < options.listed_parts {
                    summary.incomplete.push(part);
                }
            }
        }
    }
    sink.finish().await?;
    summary.duration = start.elapsed();
    progress(Progress {
        scanner: &summary.scanner,
        records: summary.records,
        skipped: summary.skipped_count,
        incomplete: summary.incomplete_count,
        elapsed: summary.duration,
    });
    Ok(summary)
}
