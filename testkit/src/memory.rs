//! Resident memory while a scan streams, for the large-catalog and large-bucket tests.

use chicory_aws_core::{ScanItem, Scanner};
use futures::StreamExt;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// A global allocator that counts the bytes live on the heap and their peak, so a test can
/// measure what a scan holds exactly (RSS moves in pages and keeps what the allocator freed).
/// Install it in the test binary:
///
/// ```ignore
/// #[global_allocator]
/// static HEAP: chicory_aws_testkit::memory::CountingAlloc = chicory_aws_testkit::memory::CountingAlloc;
/// ```
pub struct CountingAlloc;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the counters only observe.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

/// Bytes live on the heap now; panics when [`CountingAlloc`] is not the global allocator.
pub fn heap_live() -> usize {
    let live = LIVE.load(Ordering::Relaxed);
    assert!(
        live > 0,
        "install testkit::memory::CountingAlloc as the test's #[global_allocator]"
    );
    live
}

/// What a scan holds on the heap: the peak while streaming, and what holding its records takes.
#[derive(Debug, Clone, Copy)]
pub struct HeapUse {
    /// Records streamed.
    pub records: usize,
    /// Peak heap growth while they streamed (counted and dropped, one by one).
    pub peak: usize,
}

/// Streams at most `limit` records of `s` (all with `None`), counting and dropping each, and
/// returns the peak heap growth over the heap before. Dropping the stream at `limit` stops its
/// requests, so the first `limit` records cost what a catalog of that size would. An error fails
/// the test.
pub async fn stream_heap<S: Scanner>(s: &S, limit: Option<usize>) -> HeapUse {
    let base = heap_live();
    PEAK.store(base, Ordering::Relaxed);
    let mut records = 0;
    {
        let mut st = s.scan();
        while let Some(item) = st.next().await {
            if let ScanItem::Record(_) = item.expect("the scan fails") {
                records += 1;
                if Some(records) == limit {
                    break;
                }
            }
        }
    }
    HeapUse {
        records,
        peak: PEAK.load(Ordering::Relaxed).saturating_sub(base),
    }
}

/// Collects every record of `s` and returns (records, heap bytes they hold once collected):
/// what a scanner that buffered the catalog would hold.
pub async fn held_heap<S: Scanner>(s: &S) -> (usize, usize) {
    let base = heap_live();
    let mut held = Vec::new();
    let mut st = s.scan();
    while let Some(item) = st.next().await {
        if let ScanItem::Record(r) = item.expect("the scan fails") {
            held.push(r);
        }
    }
    drop(st);
    let bytes = heap_live().saturating_sub(base);
    (held.len(), bytes)
}

/// Asserts that `s` streams: the peak heap while streaming all its records is within 1.2x of the
/// peak for the first half (memory does not grow with the catalog), and below half of what
/// holding the records takes. Returns the three measures for the test's report.
pub async fn assert_streams<S: Scanner>(what: &str, s: &S) -> (HeapUse, HeapUse, usize) {
    // A first pass warms what is built once (clients, the credential cache, regex sets).
    let all = stream_heap(s, None).await;
    let half = stream_heap(s, Some(all.records / 2)).await;
    let all = stream_heap(s, None).await;
    let (n, held) = held_heap(s).await;
    assert_eq!(n, all.records, "{what}: the scans disagree");
    eprintln!(
        "{what}: peak heap growth streaming {} records {} KiB, {} records {} KiB; holding them {} KiB",
        half.records,
        half.peak / 1024,
        all.records,
        all.peak / 1024,
        held / 1024
    );
    assert!(
        all.peak <= half.peak * 6 / 5 + SLACK,
        "{what}: the peak heap grows with the catalog: {} bytes for {} records, {} for {}",
        half.peak,
        half.records,
        all.peak,
        all.records
    );
    assert!(
        all.peak * 2 < held,
        "{what}: streaming peaked at {} bytes, not below half of the {held} bytes holding the \
         records takes",
        all.peak
    );
    (half, all, held)
}

/// Noise in the 1.2x comparison: one page of records more or less in flight.
const SLACK: usize = 256 << 10;
