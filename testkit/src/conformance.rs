//! The scanner conformance suite: every scanner of every crate runs it (as object_store's
//! `integration.rs` is run by every backend). A scanner that does not pass it cannot be added.
//!
//! The scanner's service is reached through a [`FaultProxy`] in front of the emulator or a
//! fake, and the suite checks, for the scanner's paged `listing` operation:
//! 1. a fault-free scan is complete, reads at least two pages of `listing`, and calls only the
//!    IAM actions the scanner declares;
//! 2. the first record arrives before the whole scan has been requested, and dropping the
//!    stream stops requests;
//! 3. a denied part is [`ScanItem::Skipped`], the scan complete;
//! 4. a part throttled past the SDK's retries, then answered, yields every record exactly once;
//! 5. a part throttled past every retry is incomplete (an `Err` item naming the action) and the
//!    records read are a subset of the fault-free ones, none twice;
//! 6. a server repeating its continuation token ends that part as incomplete, without looping.

use crate::faults::{Fault, FaultProxy, Rule};
use aws_config::retry::RetryConfig;
use chicory_aws_core::scan::PageRetry;
use chicory_aws_core::{Connection, ConnectionBuilder, Error, Record, ScanItem, Scanner};
use futures::StreamExt;
use std::collections::BTreeMap;
use std::time::Duration;

/// What a scan produced: records (as JSON, counted), skipped parts, incomplete parts.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Records as JSON text, with how often each came.
    pub records: BTreeMap<String, usize>,
    /// Skipped parts.
    pub skipped: Vec<String>,
    /// Incomplete parts.
    pub incomplete: Vec<Error>,
}

impl Outcome {
    /// Records over all.
    pub fn total(&self) -> usize {
        self.records.values().sum()
    }

    /// Records that came more than once.
    pub fn duplicates(&self) -> usize {
        self.records.values().map(|n| n.saturating_sub(1)).sum()
    }

    /// Whether every record of `self` is in `full`, as often at most.
    pub fn is_subset_of(&self, full: &Outcome) -> bool {
        self.records
            .iter()
            .all(|(r, n)| full.records.get(r).is_some_and(|m| n <= m))
    }
}

/// Runs `scanner` to the end and sorts what it yields.
pub async fn outcome<S: Scanner>(scanner: &S) -> Outcome {
    let mut out = Outcome::default();
    let mut s = scanner.scan();
    while let Some(item) = s.next().await {
        match item {
            Ok(ScanItem::Record(r)) => {
                let value = serde_json::to_value(&r).expect("records serialize");
                // A record says its kind without being serialized, and it is the kind it
                // serializes with.
                assert_eq!(
                    value["kind"].as_str(),
                    Some(r.kind()),
                    "Record::kind of {value}"
                );
                *out.records.entry(value.to_string()).or_default() += 1;
            }
            Ok(ScanItem::Skipped(k)) => out.skipped.push(k.part),
            Err(e) => out.incomplete.push(e),
        }
    }
    out
}

/// The IAM action name of an operation as the fault proxy names it, where the two differ.
fn iam_name(op: &str) -> &str {
    match op {
        "ListObjectsV2" | "ListObjects" => "ListBucket",
        "ListObjectVersions" => "ListBucketVersions",
        "ListBuckets" => "ListAllMyBuckets",
        "HeadObject" => "GetObject",
        "HeadBucket" => "ListBucket",
        other => other,
    }
}

/// Retries short enough for a test: 2 SDK attempts, 1 further page try, millisecond backoffs.
pub fn fast_retries(b: ConnectionBuilder) -> ConnectionBuilder {
    b.retry_config(
        RetryConfig::standard()
            .with_max_attempts(2)
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_millis(5)),
    )
    .page_retry(PageRetry::new(
        1,
        Duration::from_millis(1),
        Duration::from_millis(5),
    ))
}

/// Runs the suite on the scanner `make` builds, whose requests reach `upstream` through a
/// fault proxy; `connect(url)` gives a connection builder sending the scanner's service to
/// `url` (retries are set by the suite). `listing` is the scanner's paged operation as the
/// proxy names it (e.g. `GetTables`, `ListObjectsV2`); the data behind `upstream` must make it
/// span at least two pages.
pub async fn check_scanner<S: Scanner>(
    upstream: &str,
    connect: impl FnOnce(String) -> ConnectionBuilder,
    make: impl Fn(&Connection) -> S,
    listing: &str,
) {
    let proxy = FaultProxy::start(upstream, 42).await;
    let conn = fast_retries(connect(proxy.url().to_owned()))
        .build()
        .await
        .expect("the connection builds");
    let scanner = make(&conn);
    let name = scanner.name();

    // 1. Fault-free: complete, two pages or more, declared actions only.
    proxy.reset_counts();
    let full = outcome(&scanner).await;
    let counts = proxy.counts();
    assert!(
        full.incomplete.is_empty(),
        "{name}: a fault-free scan is complete: {:?}",
        full.incomplete
    );
    assert!(full.total() > 0, "{name}: the fault-free scan has records");
    assert_eq!(full.duplicates(), 0, "{name}: no record twice");
    let pages = counts.requests.get(listing).copied().unwrap_or(0);
    assert!(
        pages >= 2,
        "{name}: the data must make {listing} span two pages or more (saw {pages} requests)"
    );
    let declared: Vec<&str> = scanner.actions().iter().map(|a| a.name).collect();
    for op in counts.requests.keys().filter(|o| *o != "QueryProtocol") {
        assert!(
            declared.contains(&iam_name(op)),
            "{name}: calls {op}, which its declared actions {declared:?} do not cover"
        );
    }
    let total_requests =
        counts.total_requests() - counts.requests.get("QueryProtocol").unwrap_or(&0);

    // 2. The first record comes before the whole scan is requested; dropping stops requests.
    proxy.reset_counts();
    let mut s = scanner.scan();
    loop {
        match s.next().await {
            Some(Ok(ScanItem::Record(_))) => break,
            Some(_) => continue,
            None => panic!("{name}: the scan yields a record"),
        }
    }
    let at_first = proxy.counts();
    let at_first_n =
        at_first.total_requests() - at_first.requests.get("QueryProtocol").unwrap_or(&0);
    assert!(
        at_first_n < total_requests,
        "{name}: the first record came after {at_first_n} of the scan's {total_requests} requests"
    );
    drop(s);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after_drop = proxy.counts().total_requests();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        proxy.counts().total_requests(),
        after_drop,
        "{name}: no request after the stream is dropped"
    );

    // 3. A denied part is skipped, and the scan complete.
    proxy.set_rules(vec![Rule::new(listing, Fault::Deny, 1.0).after(1)]);
    let denied = outcome(&scanner).await;
    assert!(
        !denied.skipped.is_empty(),
        "{name}: the denied part is skipped"
    );
    assert!(
        denied.incomplete.is_empty(),
        "{name}: a denied part is not incomplete: {:?}",
        denied.incomplete
    );
    assert!(denied.is_subset_of(&full) && denied.duplicates() == 0);

    // 4. Throttled past the SDK's 2 attempts, then answered: every record exactly once.
    proxy.set_rules(vec![Rule::first(listing, Fault::Throttle, 2).after(1)]);
    let recovered = outcome(&scanner).await;
    assert!(
        recovered.incomplete.is_empty(),
        "{name}: a throttled page is retried from its token: {:?}",
        recovered.incomplete
    );
    assert_eq!(
        recovered.records, full.records,
        "{name}: after throttling, every record exactly once"
    );

    // 5. Throttled past every retry: incomplete, named, no record twice.
    proxy.set_rules(vec![Rule::new(listing, Fault::Throttle, 1.0).after(1)]);
    let failed = outcome(&scanner).await;
    assert!(
        !failed.incomplete.is_empty(),
        "{name}: a part throttled past the retries is incomplete"
    );
    assert!(
        failed.total() < full.total(),
        "{name}: the throttled part's records are missing"
    );
    for e in &failed.incomplete {
        let op = e.operation().unwrap_or_default();
        assert!(
            op.ends_with(iam_name(listing)),
            "{name}: the incomplete part names the action: {e}"
        );
    }
    assert!(failed.is_subset_of(&full) && failed.duplicates() == 0);

    // 6. A repeated continuation token ends the part as incomplete, without looping.
    proxy.set_rules(vec![Rule::first(listing, Fault::RepeatToken, 1)]);
    let repeated = tokio::time::timeout(Duration::from_secs(60), outcome(&scanner))
        .await
        .unwrap_or_else(|_| panic!("{name}: a repeated token must not loop"));
    assert!(
        repeated
            .incomplete
            .iter()
            .any(|e| e.to_string().contains("repeated")),
        "{name}: a repeated token is incomplete: {:?}",
        repeated.incomplete
    );
    assert!(repeated.is_subset_of(&full) && repeated.duplicates() == 0);
    proxy.set_rules(Vec::new());
}
