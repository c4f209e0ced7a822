//! Scanners, sinks and the runner that drives one into the other.

use crate::error::{Error, ErrorKind, Result};
use crate::Action;
use async_trait::async_trait;
use futures::stream::BoxStream;
use futures::StreamExt;
use serde::Serialize;
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

/// One item of a scan: a record, or a part that was skipped.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanItem<R> {
    /// A scanned record.
    Record(R),
    /// A part that was left out; the scan goes on.
    Skipped(Skipped),
}

/// A lazy, paginated scan of one kind of resource.
///
/// [`scan`](Scanner::scan) returns a stream that fetches pages only as it is polled, runs its
/// per-item calls with bounded concurrency, and never holds a whole account in memory. The
/// stream ends after an error it cannot recover from.
pub trait Scanner: Send + Sync {
    /// The record type, one struct per resource kind.
    type Record: Serialize + Send + 'static;

    /// A short name, e.g. `glue_tables`.
    fn name(&self) -> &'static str;

    /// The IAM actions the scan calls.
    fn actions(&self) -> &'static [Action];

    /// Starts the scan.
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<Self::Record>>>;
}

/// Where scanned records go. Implement it to store records your own way.
#[async_trait]
pub trait Sink<R: Send + Sync>: Send {
    /// Takes one record.
    async fn record(&mut self, record: &R) -> Result<()>;

    /// Takes note of a skipped part (default: nothing).
    async fn skipped(&mut self, _skipped: &Skipped) -> Result<()> {
        Ok(())
    }

    /// Flushes at the end of the scan.
    async fn finish(&mut self) -> Result<()> {
        Ok(())
    }
}

/// Writes each record as one JSON line.
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
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, record).map_err(|e| {
            Error::new(ErrorKind::Service, "record is not serializable").with_source(e)
        })?;
        self.buf.push(b'\n');
        self.out.write_all(&self.buf).await.map_err(io_error)
    }

    async fn finish(&mut self) -> Result<()> {
        self.out.flush().await.map_err(io_error)
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
    /// Parts left out, with reasons.
    pub skipped: Vec<Skipped>,
    /// Errors that ended the scan or a part of it.
    pub errors: Vec<String>,
    /// Wall time.
    pub duration: Duration,
}

impl ScanSummary {
    /// Whether the scan finished without errors.
    pub fn is_complete(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Progress reported by [`run_scan`] every `every` records and at the end.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// The scanner's name.
    pub scanner: &'a str,
    /// Records so far.
    pub records: u64,
    /// Skipped parts so far.
    pub skipped: usize,
    /// Time since start.
    pub elapsed: Duration,
}

/// Drives `scanner` into `sink`, calling `progress` every `every` records, and returns a
/// summary. A sink error stops the scan and is returned; scan errors are counted.
pub async fn run_scan<S, K>(
    scanner: &S,
    sink: &mut K,
    every: u64,
    mut progress: impl FnMut(Progress<'_>) + Send,
) -> Result<ScanSummary>
where
    S: Scanner + ?Sized,
    S::Record: Sync,
    K: Sink<S::Record> + ?Sized,
{
    let start = Instant::now();
    let mut summary = ScanSummary {
        scanner: scanner.name().to_owned(),
        ..ScanSummary::default()
    };
    let every = every.max(1);
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
                        skipped: summary.skipped.len(),
                        elapsed: start.elapsed(),
                    });
                }
            }
            Ok(ScanItem::Skipped(s)) => {
                tracing::info!(scanner = %summary.scanner, part = %s.part, reason = %s.reason, "skipped");
                sink.skipped(&s).await?;
                summary.skipped.push(s);
            }
            Err(e) => {
                tracing::warn!(scanner = %summary.scanner, error = %e, "scan error");
                summary.errors.push(e.to_string());
            }
        }
    }
    sink.finish().await?;
    summary.duration = start.elapsed();
    progress(Progress {
        scanner: &summary.scanner,
        records: summary.records,
        skipped: summary.skipped.len(),
        elapsed: summary.duration,
    });
    Ok(summary)
}
