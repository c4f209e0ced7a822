//! [`IntegrationAuditScanner`] runs the testkit's conformance suite through the fault proxy in
//! front of the testkit's CloudTrail fake (60 events of the integration's session, so
//! `LookupEvents` spans two pages of 50). Every request also passes the fake's check that it is
//! signed by the role session, and the connection's budget keeps `LookupEvents` at 2 requests
//! per second throughout.

use chicory_aws_core::{AccessLevel, ConnectionBuilder};
use chicory_aws_glue::{IntegrationAuditScanner, TimeWindow};
use chicory_aws_testkit::cloudtrail::{self, FakeEvent};
use chicory_aws_testkit::conformance::check_scanner;
use chicory_aws_testkit::{FakeSts, TestClock};
use std::time::Duration;

#[tokio::test]
async fn integration_audit_conforms() {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
    let (server, ct) = cloudtrail::serve("ASIAFAKE").await;
    let session = "chicory-integration-session";
    let arn = "arn:aws:sts::123456789012:assumed-role/CustomerRole/chicory-integration-session";
    ct.add((0..60).map(|i| {
        FakeEvent::call(
            if i % 2 == 0 {
                "GetTables"
            } else {
                "GetDatabases"
            },
            "glue.amazonaws.com",
            1_700_000_000.0 + f64::from(i),
            arn,
            session,
            "ASIAFAKE000000000001",
            None,
        )
    }));
    let builder = |url: String| -> ConnectionBuilder {
        sts.connection(AccessLevel::ReadOnly)
            .service_endpoint_url("cloudtrail", url)
    };
    check_scanner(
        &server.uri(),
        builder,
        |c| IntegrationAuditScanner::new(c, TimeWindow::all()),
        "LookupEvents",
    )
    .await;
    assert_eq!(ct.unsigned(), 0, "every request is signed by the session");
}
