//! Shared by the large-bucket tests: counting a scan while sampling resident memory (the test
//! kit's), and key sets.

use chicory_aws_core::{ScanItem, Scanner};
use chicory_aws_s3::ObjectScanner;
use futures::StreamExt;
use std::collections::HashSet;

// Not every test file that shares this module counts.
#[allow(unused_imports)]
pub use chicory_aws_testkit::memory::count_scan as count;

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
