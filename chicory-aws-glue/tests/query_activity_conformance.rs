//! [`QueryActivityScanner`] runs the testkit's conformance suite, through the fault proxy in
//! front of the testkit's Glue/Athena fake (120 executions, `ListQueryExecutions` in pages of
//! 50). `TablePopularityScanner` does not run it: its records are aggregates that come only
//! once the history has ended, so "the first record before the whole scan" and "the records
//! of a partial scan are a subset of the full one's" do not apply; `tests/query_activity.rs`
//! checks that its skipped and incomplete parts pass through. `LineageScanner` neither: the
//! fake's history holds only SELECTs (no edge).

use chicory_aws_core::{AccessLevel, ConnectionBuilder};
use chicory_aws_glue::QueryActivityScanner;
use chicory_aws_testkit::conformance::check_scanner;
use chicory_aws_testkit::{glue, FakeSts, TestClock};
use std::time::Duration;

#[tokio::test]
async fn query_activity_conforms() {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
    let fake = glue::serve().await;
    let builder = |url: String| -> ConnectionBuilder {
        sts.connection(AccessLevel::ReadOnly)
            .service_endpoint_url("glue", url.clone())
            .service_endpoint_url("athena", url)
    };
    check_scanner(
        &fake.uri(),
        builder,
        |c| QueryActivityScanner::new(c, None),
        "ListQueryExecutions",
    )
    .await;
}
