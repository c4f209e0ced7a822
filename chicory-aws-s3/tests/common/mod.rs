//! Shared by the large-bucket tests: counting a scan while sampling resident memory, and key
//! sets.

use chicory_aws_core::{ScanItem, Scanner};
use chicory_aws_s3::ObjectScanner;
use futures::StreamExt;
use std::collections::HashSet;

/// Resident set size in bytes (Linux).
pub fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

/// Counts the records of a scan, sampling RSS; returns (records, skipped, peak RSS growth).
pub async fn count<S: Scanner>(s: &S) -> (usize, usize, u64) {
    let base = rss();
    let mut peak = base;
    let (mut n, mut skipped) = (0, 0);
    let mut st = s.scan();
    while let Some(item) = st.next().await {
        match item.unwrap() {
            ScanItem::Record(_) => n += 1,
            ScanItem::Skipped(_) => skipped += 1,
        }
        if n % 500 == 0 {
            peak = peak.max(rss());
        }
    }
    (n, skipped, peak.saturating_sub(base))
}

/// The keys a scan lists; a key listed twice fails the test.
pub async fn keys(s: &ObjectScanner) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut st = s.scan();
    while let Some(item) = st.next().await {
        if let ScanItem::Record(r) = item.unwrap() {
            assert!(out.insert(r.key.clone()), "{} listed twice", r.key);
        }
    }
    out
}
