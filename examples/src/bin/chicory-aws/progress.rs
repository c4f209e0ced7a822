//! Scan progress on stderr: a live line per scanner (indicatif) when stderr is a terminal,
//! plain lines every few thousand records otherwise (logs, CI, pipes).

use chicory_aws_core::{Connection, Progress};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// A live line when stderr is a terminal, else plain lines.
    Auto,
    /// Plain lines.
    Plain,
    /// Nothing but the summary.
    Quiet,
}

/// Progress of one scanner.
pub struct Reporter<'a> {
    conn: &'a Connection,
    bar: Option<ProgressBar>,
    plain: bool,
    /// Requests sent by the connection before this scanner started.
    requests_before: u64,
}

impl<'a> Reporter<'a> {
    /// Starts reporting a scanner of `conn`.
    pub fn start(conn: &'a Connection, scanner: &str, mode: Mode) -> Self {
        let live = mode == Mode::Auto && std::io::stderr().is_terminal();
        let bar = live.then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix:<24} {msg} [{elapsed}]")
                    .expect("valid template"),
            );
            bar.set_prefix(scanner.to_owned());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Reporter {
            conn,
            bar,
            plain: mode != Mode::Quiet && !live,
            requests_before: requests(conn),
        }
    }

    /// How often (in records) `run_scan` should call [`update`](Self::update).
    pub fn every(&self) -> u64 {
        if self.bar.is_some() {
            100
        } else {
            5000
        }
    }

    /// Shows `p`.
    pub fn update(&self, p: Progress<'_>) {
        let line = line(&p, requests(self.conn) - self.requests_before);
        match &self.bar {
            // The bar shows the elapsed time itself.
            Some(bar) => bar.set_message(line),
            None if self.plain => eprintln!(
                "  {:<24} {line} {:>7.1}s",
                p.scanner,
                p.elapsed.as_secs_f64()
            ),
            None => {}
        }
    }

    /// Leaves the scanner's last line on the terminal.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish();
        }
    }
}

/// Requests the connection has sent so far (every API, retries included).
fn requests(conn: &Connection) -> u64 {
    conn.request_stats().iter().map(|a| a.requests).sum()
}

/// One progress line: records, requests, skipped and incomplete parts, rate.
pub fn line(p: &Progress<'_>, requests: u64) -> String {
    let seconds = p.elapsed.as_secs_f64();
    let rate = if seconds > 0.0 {
        p.records as f64 / seconds
    } else {
        0.0
    };
    format!(
        "{:>9} records {:>7} requests {:>3} skipped {:>3} incomplete {:>7.0} records/s",
        p.records, requests, p.skipped, p.incomplete, rate
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_shows_records_requests_parts_and_rate() {
        let p = Progress {
            scanner: "glue_catalog",
            records: 12_000,
            skipped: 1,
            incomplete: 2,
            elapsed: Duration::from_secs(4),
        };
        let l = line(&p, 37);
        let words: Vec<&str> = l.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "12000",
                "records",
                "37",
                "requests",
                "1",
                "skipped",
                "2",
                "incomplete",
                "3000",
                "records/s",
            ]
        );
    }
}
