//! The scanner conformance suite (`chicory_aws_testkit::conformance::check_scanner`) on every
//! DataZone scanner: each per-kind scanner and the whole-domain one, against the testkit's
//! DataZone model fake behind the fault proxy, with pages of one item so every listing spans
//! three pages or more. STS is FakeSts (sessions `ASIAFAKE...`, the prefix the fake accepts);
//! only DataZone's requests go through the proxy.
//!
//! The suite needs the proxy's faults to be readable by the DataZone SDK: a REST-JSON service
//! reads its error code from a JSON body (with `x-amzn-errortype`), and a fault it cannot parse
//! has no code, so the SDK does not retry it as throttling and the suite's throttling checks
//! become a race. Each test first checks that (see [`proxy_faults_are_readable`]).

use aws_sdk_datazone::error::ProvideErrorMetadata;
use chicory_aws_core::{AccessLevel, Connection, Scanner};
use chicory_aws_datazone::*;
use chicory_aws_testkit::conformance::check_scanner;
use chicory_aws_testkit::faults::{Fault, FaultProxy, Rule};
use chicory_aws_testkit::{datazone, FakeSts, TestClock};
use std::time::Duration;

/// Pages of one item: the fake's smallest lists (3 items) span three pages, so the first
/// follow-up page of any listing still has a next token (the repeated-token check needs one).
fn options() -> DataZoneOptions {
    DataZoneOptions::default().page_size(1).concurrency(4)
}

/// Fails, naming the fix, when the fault proxy answers DataZone's requests with faults the
/// DataZone SDK cannot parse (S3's XML error body): a throttling fault must reach the SDK as a
/// `ThrottlingException` it retries, and a denial as an `AccessDeniedException`.
async fn proxy_faults_are_readable(sts: &FakeSts, upstream: &str) {
    let proxy = FaultProxy::start(upstream, 1).await;
    let conn = sts
        .connection(AccessLevel::ReadOnly)
        .service_endpoint_url("datazone", proxy.url())
        .retry_config(aws_smithy_types::retry::RetryConfig::standard().with_max_attempts(1))
        .build()
        .await
        .expect("the connection builds");
    let client = unchecked_datazone_client(&conn);
    for (fault, code) in [
        (Fault::Throttle, "ThrottlingException"),
        (Fault::Deny, "AccessDeniedException"),
    ] {
        proxy.set_rules(vec![Rule::new("ListDomains", fault, 1.0)]);
        let err = client.list_domains().send().await.unwrap_err();
        assert_eq!(
            err.code(),
            Some(code),
            "the fault proxy's {fault:?} answer to a DataZone request must be one the DataZone \
             SDK can read (a JSON error body, as DataZone answers): testkit/src/faults.rs \
             `handle` answers requests without x-amz-target in S3's XML shape; DataZone's \
             REST paths (/v2/...) need the JSON shape: {err:?}"
        );
    }
}

/// Runs the suite on the scanner `make` builds; `listing` is its paged DataZone operation.
async fn conform<S: Scanner>(make: impl Fn(&Connection) -> S, listing: &str) {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
    let upstream = datazone::serve("ASIAFAKE").await;
    proxy_faults_are_readable(&sts, &upstream.uri()).await;
    check_scanner(
        &upstream.uri(),
        |proxy_url| {
            sts.connection(AccessLevel::ReadOnly)
                .service_endpoint_url("datazone", proxy_url)
        },
        make,
        listing,
    )
    .await;
}

#[tokio::test]
async fn domains() {
    conform(|c| DomainScanner::new(c, options()).unwrap(), "ListDomains").await;
}

#[tokio::test]
async fn projects() {
    conform(
        |c| ProjectScanner::new(c, options()).unwrap(),
        "ListProjects",
    )
    .await;
}

#[tokio::test]
async fn environments() {
    conform(
        |c| EnvironmentScanner::new(c, options()).unwrap(),
        "ListEnvironments",
    )
    .await;
}

#[tokio::test]
async fn environment_profiles() {
    conform(
        |c| EnvironmentProfileScanner::new(c, options()).unwrap(),
        "ListEnvironmentProfiles",
    )
    .await;
}

#[tokio::test]
async fn data_sources() {
    conform(
        |c| DataSourceScanner::new(c, options()).unwrap(),
        "ListDataSources",
    )
    .await;
}

#[tokio::test]
async fn assets_with_revisions() {
    conform(
        |c| AssetScanner::new(c, options().asset_revisions(true)).unwrap(),
        "Search",
    )
    .await;
}

#[tokio::test]
async fn form_types_own_and_managed() {
    conform(
        |c| FormTypeScanner::new(c, options().managed_form_types(true)).unwrap(),
        "SearchTypes",
    )
    .await;
}

#[tokio::test]
async fn listings() {
    conform(
        |c| ListingScanner::new(c, options()).unwrap(),
        "SearchListings",
    )
    .await;
}

#[tokio::test]
async fn glossaries() {
    conform(|c| GlossaryScanner::new(c, options()).unwrap(), "Search").await;
}

#[tokio::test]
async fn glossary_terms() {
    conform(
        |c| GlossaryTermScanner::new(c, options()).unwrap(),
        "Search",
    )
    .await;
}

/// The listing faulted is `Search` (the assets whose nodes are read): a denied or failed
/// `ListLineageNodeHistory` leaves the node's `history` unread beside a skipped or incomplete
/// part, a different record than the fault-free one, which the suite's subset checks refuse
/// by design; `tests/governance.rs` checks those outcomes.
#[tokio::test]
async fn lineage_nodes() {
    conform(|c| LineageNodeScanner::new(c, options()).unwrap(), "Search").await;
}

#[tokio::test]
async fn subscriptions() {
    conform(
        |c| SubscriptionScanner::new(c, options()).unwrap(),
        "ListSubscriptions",
    )
    .await;
}

#[tokio::test]
async fn subscription_grants() {
    conform(
        |c| SubscriptionGrantScanner::new(c, options()).unwrap(),
        "ListSubscriptionGrants",
    )
    .await;
}

#[tokio::test]
async fn whole_domain() {
    conform(
        |c| {
            let o = options().asset_revisions(true).managed_form_types(true);
            DataZoneScanner::new(c, o).unwrap()
        },
        "ListProjects",
    )
    .await;
}

/// Every kind, the governance ones included (scanned only when named): the declared actions
/// of the whole-domain scan cover what its governance parts call, as the proxy names them.
#[tokio::test]
async fn whole_domain_every_kind() {
    conform(
        |c| {
            let o = options()
                .asset_revisions(true)
                .managed_form_types(true)
                .kinds(Kind::ALL);
            DataZoneScanner::new(c, o).unwrap()
        },
        "ListProjects",
    )
    .await;
}
