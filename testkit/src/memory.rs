//! Resident memory while a scan streams, for the large-catalog and large-bucket tests.

use chicory_aws_core::{ScanItem, Scanner};
use futures::StreamExt;

/// Resident set size of this process in bytes (Linux `/proc/self/statm`).
pub fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux /proc");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .expect("statm's resident field");
    pages * 4096
}

/// Counts the records of a scan without keeping them, sampling RSS every 500 records; returns
/// (records, skipped parts, peak RSS growth in bytes). An error fails the test.
pub async fn count_scan<S: Scanner>(s: &S) -> (usize, usize, u64) {
    let base = rss();
    let mut peak = base;
    let (mut n, mut skipped) = (0, 0);
    let mut st = s.scan();
    while let Some(item) = st.next().await {
        match item.expect("the scan fails") {
            ScanItem::Record(_) => n += 1,
            ScanItem::Skipped(_) => skipped += 1,
        }
        if n % 500 == 0 {
            peak = peak.max(rss());
        }
    }
    (n, skipped, peak.saturating_sub(base))
}
