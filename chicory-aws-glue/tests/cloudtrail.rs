//! CloudTrail attribution of the Athena query activity and the integration audit scanner, end
//! to end through the real SDK clients: the Athena history from wiremock (JSON 1.1 shapes of
//! the Athena model, as in `query_activity.rs`) and CloudTrail `LookupEvents` from the test
//! kit's fake, both behind the STS fake's endpoint. Every test also checks that each CloudTrail
//! request was SigV4-signed by the assumed role's session.

use chicory_aws_core::scan::PageRetry;
use chicory_aws_core::{run_scan, AccessLevel, Connection, ErrorKind, JsonLinesSink, Scanner};
use chicory_aws_glue::{
    Attribution, IntegrationAuditEventRecord, IntegrationAuditScanner, QueryActivityRecord,
    QueryActivityScanner, TablePopularityScanner, TimeWindow, ATTRIBUTION_SLACK,
};
use chicory_aws_testkit::cloudtrail::{self, CloudTrailFake, Failure, FakeEvent, QUOTA_WINDOW};
use chicory_aws_testkit::glue::{athena_op as athena, ok as json, sts as fake};
use chicory_aws_testkit::FakeSts;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::body_partial_json;

const T0: f64 = 1_700_000_000.0;
const ALICE: &str = "arn:aws:iam::123456789012:user/alice";
const BOB: &str = "arn:aws:sts::123456789012:assumed-role/Analyst/bob@example.com";
const CAROL: &str = "arn:aws:sts::123456789012:assumed-role/Etl/glue-job-7";
const OURS: &str =
    "arn:aws:sts::123456789012:assumed-role/CustomerRole/chicory-integration-session";

/// (id, SQL, submitted offset in seconds, who started it)
const HISTORY: &[(&str, &str, f64, Option<&str>)] = &[
    (
        "q1",
        "SELECT o.id, c.name FROM orders o JOIN crm.customers c ON o.customer_id = c.id",
        0.0,
        Some(ALICE),
    ),
    (
        "q2",
        "CREATE TABLE reporting.big_orders AS SELECT * FROM orders WHERE amount > 100",
        60.0,
        Some(ALICE),
    ),
    (
        "q3",
        "INSERT INTO reporting.daily SELECT dt, sum(amount) FROM orders GROUP BY dt",
        120.0,
        Some(BOB),
    ),
    ("q4", "SELECT * FROM reporting.daily", 180.0, Some(CAROL)),
    // No StartQueryExecution event for q5 (e.g. not delivered yet).
    ("q5", "SELECT count(*) FROM orders", 240.0, None),
];

fn execution(i: usize) -> Value {
    let (id, sql, offset, _) = HISTORY[i];
    json!({
        "QueryExecutionId": id, "Query": sql, "WorkGroup": "analysts",
        "QueryExecutionContext": {"Catalog": "AwsDataCatalog", "Database": "sales"},
        "Status": {"State": "SUCCEEDED", "SubmissionDateTime": T0 + offset,
                   "CompletionDateTime": T0 + offset + 5.0},
        "Statistics": {"DataScannedInBytes": 100, "EngineExecutionTimeInMillis": 10}
    })
}

/// The history in one `ListQueryExecutions` page and one `BatchGetQueryExecution`.
async fn mount_history(sts: &FakeSts) {
    let ids: Vec<&str> = HISTORY.iter().map(|h| h.0).collect();
    athena("ListQueryExecutions")
        .and(body_partial_json(json!({"WorkGroup": "analysts"})))
        .respond_with(json(json!({ "QueryExecutionIds": ids })))
        .mount(sts.server())
        .await;
    athena("BatchGetQueryExecution")
        .respond_with(json(json!({
            "QueryExecutions": (0..HISTORY.len()).map(execution).collect::<Vec<_>>(),
            "UnprocessedQueryExecutionIds": []
        })))
        .mount(sts.server())
        .await;
}

/// The trail: one `StartQueryExecution` event per attributed execution, a failed start (no
/// execution), starts of executions of other workgroups, and other Athena calls by someone
/// else (which the lookup by event name must not read as starts).
fn trail(others: usize) -> Vec<FakeEvent> {
    let mut events: Vec<FakeEvent> = HISTORY
        .iter()
        .filter_map(|(id, _, offset, who)| {
            who.map(|w| FakeEvent::start_query(id, w, T0 + offset - 0.2))
        })
        .collect();
    events.push(FakeEvent::call(
        "StartQueryExecution",
        "athena.amazonaws.com",
        T0 + 10.0,
        CAROL,
        "glue-job-7",
        "ASIAOTHER",
        Some("InvalidRequestException"),
    ));
    events.extend(
        (0..others)
            .map(|i| FakeEvent::start_query(&format!("other-{i}"), CAROL, T0 - 3000.0 + i as f64)),
    );
    // A GetQueryExecution of q5 by Carol: not a start, must not attribute q5.
    let mut get = FakeEvent::call(
        "GetQueryExecution",
        "athena.amazonaws.com",
        T0 + 250.0,
        CAROL,
        "glue-job-7",
        "ASIAOTHER",
        None,
    );
    get.detail["responseElements"] = json!({"queryExecutionId": "q5"});
    events.push(get);
    events
}

async fn setup(others: usize) -> (FakeSts, Arc<CloudTrailFake>) {
    let sts = fake().await;
    mount_history(&sts).await;
    let ct = cloudtrail::mount(sts.server(), "ASIAFAKE").await;
    ct.add(trail(others));
    (sts, ct)
}

async fn connect(sts: &FakeSts) -> Connection {
    sts.connection(AccessLevel::ReadOnly)
        .retry_config(aws_smithy_types::retry::RetryConfig::standard().with_max_attempts(1))
        .page_retry(PageRetry::none())
        .build()
        .await
        .unwrap()
}

use chicory_aws_testkit::scan_outcomes as collect;

fn principals(records: &[QueryActivityRecord]) -> Vec<(&str, Option<&str>, Attribution)> {
    records
        .iter()
        .map(|r| {
            (
                r.query_execution_id.as_deref().unwrap(),
                r.principal.as_deref(),
                r.attribution,
            )
        })
        .collect()
}

fn activity(conn: &Connection) -> QueryActivityScanner {
    QueryActivityScanner::new(conn, Some("analysts".into())).with_cloudtrail(true)
}

#[tokio::test]
async fn each_execution_gets_the_principal_of_its_start_event() {
    let (sts, ct) = setup(3).await;
    let conn = connect(&sts).await;
    let scanner = activity(&conn);
    assert_eq!(
        scanner
            .actions()
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>(),
        [
            "cloudtrail:LookupEvents",
            "athena:ListQueryExecutions",
            "athena:BatchGetQueryExecution"
        ]
    );
    let (records, skipped, incomplete) = collect(&scanner).await;
    assert!(
        skipped.is_empty() && incomplete.is_empty(),
        "{skipped:?} {incomplete:?}"
    );
    use Attribution::*;
    assert_eq!(
        principals(&records),
        vec![
            ("q1", Some(ALICE), Attributed),
            ("q2", Some(ALICE), Attributed),
            ("q3", Some(BOB), Attributed),
            ("q4", Some(CAROL), Attributed),
            // Carol's GetQueryExecution of q5 is not its start.
            ("q5", None, NoEvent),
        ]
    );
    assert_eq!(records[0].principal_type.as_deref(), Some("IAMUser"));
    assert_eq!(records[2].principal_type.as_deref(), Some("AssumedRole"));
    let v = serde_json::to_value(&records[2]).unwrap();
    assert_eq!(v["attribution"], "attributed");
    assert_eq!(v["principal"], BOB);

    // One lookup by event name, signed by the session, over everything CloudTrail keeps (the
    // scanner has no window).
    let got = ct.received();
    assert_eq!(got.len(), 1);
    assert_eq!(ct.unsigned(), 0);
    let body = &got[0].body;
    assert_eq!(
        body["LookupAttributes"],
        json!([{"AttributeKey": "EventName", "AttributeValue": "StartQueryExecution"}])
    );
    assert_eq!(body["MaxResults"], 50);
    assert!(body.get("StartTime").is_none(), "{body}");

    // Without CloudTrail: no lookup, no principal, and the record says it was not asked.
    let before = ct.requests();
    let plain = QueryActivityScanner::new(&conn, Some("analysts".into()));
    assert_eq!(plain.actions().len(), 2);
    let (records, _, _) = collect(&plain).await;
    assert_eq!(ct.requests(), before);
    assert!(records
        .iter()
        .all(|r| r.principal.is_none() && r.attribution == NotRequested));
}

#[tokio::test]
async fn the_window_bounds_the_history_and_the_lookup() {
    let (sts, ct) = setup(0).await;
    let conn = connect(&sts).await;
    let since = aws_smithy_types::DateTime::from_secs_f64(T0 + 30.0);
    let until = aws_smithy_types::DateTime::from_secs_f64(T0 + 200.0);
    let window = TimeWindow::new("window", Some(since), Some(until)).unwrap();
    let (records, skipped, incomplete) = collect(&activity(&conn).with_window(window)).await;
    assert!(skipped.is_empty() && incomplete.is_empty());
    assert_eq!(
        principals(&records),
        vec![
            ("q2", Some(ALICE), Attribution::Attributed),
            ("q3", Some(BOB), Attribution::Attributed),
            ("q4", Some(CAROL), Attribution::Attributed),
        ]
    );
    let body = &ct.received()[0].body;
    let slack = ATTRIBUTION_SLACK.as_secs_f64();
    assert_eq!(body["StartTime"].as_f64(), Some(T0 + 30.0 - slack));
    assert_eq!(body["EndTime"].as_f64(), Some(T0 + 200.0 + slack));
    // A window that ends before it starts is refused, naming the field.
    let err = TimeWindow::new("window.since", Some(until), Some(since)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.to_string().contains("window.since"), "{err}");
}

#[tokio::test]
async fn popularity_counts_the_distinct_principals_of_each_table() {
    let (sts, _ct) = setup(2).await;
    let conn = connect(&sts).await;
    let scanner = TablePopularityScanner::new(&conn, Some("analysts".into())).with_cloudtrail(true);
    assert_eq!(scanner.actions()[0].to_string(), "cloudtrail:LookupEvents");
    let (records, skipped, incomplete) = collect(&scanner).await;
    assert!(skipped.is_empty() && incomplete.is_empty());
    // (table, queries, distinct principals, principals, unattributed)
    let got: Vec<_> = records
        .iter()
        .map(|r| {
            (
                r.table.to_string(),
                r.query_count,
                r.distinct_principals,
                r.principals.clone(),
                r.queries_unattributed,
            )
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|p| p.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        vec![
            (
                "awsdatacatalog.crm.customers".into(),
                1,
                Some(1),
                s(&[ALICE]),
                0
            ),
            (
                "awsdatacatalog.reporting.big_orders".into(),
                1,
                Some(1),
                s(&[ALICE]),
                0
            ),
            (
                "awsdatacatalog.reporting.daily".into(),
                2,
                Some(2),
                s(&[BOB, CAROL]),
                0
            ),
            // q1 and q2 by Alice, q3 by Bob, q5 unattributed: Alice counted once.
            (
                "awsdatacatalog.sales.orders".into(),
                4,
                Some(2),
                s(&[ALICE, BOB]),
                1
            ),
        ]
    );

    // Without CloudTrail the count is not claimed.
    let (records, _, _) =
        collect(&TablePopularityScanner::new(&conn, Some("analysts".into()))).await;
    assert!(records
        .iter()
        .all(|r| r.distinct_principals.is_none() && r.principals.is_empty()));
}

#[tokio::test]
async fn a_denied_lookup_gives_the_activity_without_principals_and_says_so() {
    let (sts, ct) = setup(0).await;
    ct.fail(Some(Failure::Denied));
    let conn = connect(&sts).await;
    let scanner = activity(&conn);
    let (records, skipped, incomplete) = collect(&scanner).await;
    assert!(incomplete.is_empty(), "{incomplete:?}");
    assert_eq!(records.len(), HISTORY.len(), "the activity still comes");
    assert!(records
        .iter()
        .all(|r| r.principal.is_none() && r.attribution == Attribution::Denied));
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0]
            .part
            .starts_with("cloudtrail:LookupEvents eventName=StartQueryExecution"),
        "{skipped:?}"
    );
    assert_eq!(skipped[0].kind, ErrorKind::AccessDenied);
    assert!(
        skipped[0].reason.contains("without principals") && skipped[0].reason.contains("denied"),
        "{}",
        skipped[0].reason
    );

    // The run's summary says so too.
    let mut sink = JsonLinesSink::new(Vec::new());
    let summary = run_scan(&scanner, &mut sink, 100, |_| {}).await.unwrap();
    assert_eq!(summary.records, HISTORY.len() as u64);
    assert_eq!(summary.skipped_count, 1);
    assert!(summary.skipped[0]
        .part
        .starts_with("cloudtrail:LookupEvents"));
    assert!(summary.is_complete());

    // Popularity too: counts as before, no principal claimed, the skipped part beside them.
    let (records, skipped, _) =
        collect(&TablePopularityScanner::new(&conn, Some("analysts".into())).with_cloudtrail(true))
            .await;
    assert_eq!(skipped.len(), 1);
    let orders = records
        .iter()
        .find(|r| r.table.to_string() == "awsdatacatalog.sales.orders")
        .unwrap();
    assert_eq!(
        (
            orders.query_count,
            orders.distinct_principals,
            orders.queries_unattributed
        ),
        (4, Some(0), 4)
    );
}

#[tokio::test]
async fn a_lookup_throttled_on_every_retry_is_incomplete() {
    let (sts, ct) = setup(0).await;
    ct.fail(Some(Failure::Throttled));
    let conn = sts
        .connection(AccessLevel::ReadOnly)
        .retry_config(aws_smithy_types::retry::RetryConfig::standard().with_max_attempts(2))
        .page_retry(PageRetry::new(
            1,
            Duration::from_millis(10),
            Duration::from_millis(10),
        ))
        .build()
        .await
        .unwrap();
    let (records, skipped, incomplete) = collect(&activity(&conn)).await;
    assert!(skipped.is_empty(), "throttled is not denied: {skipped:?}");
    assert_eq!(incomplete.len(), 1, "{incomplete:?}");
    assert_eq!(incomplete[0].kind(), ErrorKind::Throttled);
    assert!(incomplete[0].is_persistent(), "{:?}", incomplete[0]);
    assert_eq!(
        incomplete[0].operation(),
        Some("cloudtrail:LookupEvents"),
        "{}",
        incomplete[0]
    );
    // 2 SDK attempts, twice (the page retried once).
    assert_eq!(ct.requests(), 4);
    assert_eq!(records.len(), HISTORY.len());
    assert!(records
        .iter()
        .all(|r| r.principal.is_none() && r.attribution == Attribution::LookupIncomplete));
}

#[tokio::test]
async fn six_pages_of_events_keep_to_two_requests_a_second() {
    // 4 starts of the history + 1 failed start + 280 other starts: 285 StartQueryExecution
    // events, 6 pages of 50 (the 7th event, a GetQueryExecution, is not looked up).
    let (sts, ct) = setup(280).await;
    ct.enforce_quota(true);
    let conn = connect(&sts).await;
    let started = std::time::Instant::now();
    let (records, skipped, incomplete) = collect(&activity(&conn)).await;
    assert!(
        skipped.is_empty() && incomplete.is_empty(),
        "{skipped:?} {incomplete:?} {:?}",
        conn.request_stats()
    );
    assert_eq!(records.iter().filter(|r| r.principal.is_some()).count(), 4);
    assert_eq!(ct.requests(), 6);
    assert_eq!(ct.unsigned(), 0);
    assert_eq!(ct.throttled(), 0, "the fake throttled a request over quota");
    assert!(
        ct.max_in_window(QUOTA_WINDOW) <= 2,
        "{} requests within {QUOTA_WINDOW:?}",
        ct.max_in_window(QUOTA_WINDOW)
    );
    // 6 requests 0.5 s apart.
    assert!(started.elapsed() >= Duration::from_millis(2400));
    // Each page followed the previous page's token.
    let tokens: Vec<Value> = ct
        .received()
        .iter()
        .map(|r| r.body["NextToken"].clone())
        .collect();
    assert_eq!(
        tokens,
        [
            Value::Null,
            json!("ct-50"),
            json!("ct-100"),
            json!("ct-150"),
            json!("ct-200"),
            json!("ct-250")
        ]
    );
}

#[tokio::test]
async fn the_audit_scanner_lists_only_the_integration_session() {
    let sts = fake().await;
    let ct = cloudtrail::mount(sts.server(), "ASIAFAKE").await;
    let session = "chicory-integration-session";
    let ours = |name: &str, source: &str, t: f64, error: Option<&str>| {
        FakeEvent::call(
            name,
            source,
            T0 + t,
            OURS,
            session,
            "ASIAFAKE000000000001",
            error,
        )
    };
    ct.add([
        ours("GetTables", "glue.amazonaws.com", 10.0, None)
            .with_resource("AWS::Glue::Database", "sales"),
        ours(
            "ListQueryExecutions",
            "athena.amazonaws.com",
            20.0,
            Some("AccessDenied"),
        ),
        // Another role's session of the same name: someone else's.
        FakeEvent::call(
            "DeleteTable",
            "glue.amazonaws.com",
            T0 + 30.0,
            "arn:aws:sts::123456789012:assumed-role/OtherRole/chicory-integration-session",
            session,
            "ASIAOTHER",
            None,
        ),
        // Someone else altogether.
        FakeEvent::call(
            "GetTables",
            "glue.amazonaws.com",
            T0 + 40.0,
            ALICE,
            "alice",
            "AKIAALICE",
            None,
        ),
    ]);
    let conn = connect(&sts).await;
    let scanner = IntegrationAuditScanner::new(&conn, TimeWindow::all());
    assert_eq!(scanner.name(), "integration_audit");
    assert_eq!(scanner.actions()[0].to_string(), "cloudtrail:LookupEvents");
    let (records, skipped, incomplete) = collect(&scanner).await;
    assert!(skipped.is_empty() && incomplete.is_empty());
    let got: Vec<_> = records
        .iter()
        .map(|r: &IntegrationAuditEventRecord| {
            (
                r.event_name.as_deref().unwrap(),
                r.principal.as_deref().unwrap(),
                r.error_code.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("ListQueryExecutions", OURS, Some("AccessDenied".to_owned())),
            ("GetTables", OURS, None),
        ]
    );
    let r = &records[1];
    assert_eq!(r.user_name.as_deref(), Some(session));
    assert_eq!(r.event_source.as_deref(), Some("glue.amazonaws.com"));
    assert_eq!(r.source_ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(r.read_only, Some(true));
    assert_eq!(
        r.event_time,
        chicory_aws_core::record_time(Some(&aws_smithy_types::DateTime::from_secs_f64(T0 + 10.0)))
    );
    assert_eq!(r.resources.len(), 1);
    assert_eq!(r.resources[0].resource_name.as_deref(), Some("sales"));
    assert!(r
        .request_id
        .as_deref()
        .is_some_and(|id| id.starts_with("req-")));
    assert_eq!(
        serde_json::to_value(r).unwrap()["kind"],
        "integration_audit_event"
    );
    let body = &ct.received()[0].body;
    assert_eq!(
        body["LookupAttributes"],
        json!([{"AttributeKey": "Username", "AttributeValue": session}])
    );
    assert_eq!(ct.unsigned(), 0);
}

/// A StartQueryExecution event whose document does not parse can be neither attributed nor
/// audited: the lookup is incomplete, and the executions say `lookup_incomplete`, rather than
/// the event being left out and its query read as started by nobody (`no_event`).
#[tokio::test]
async fn an_event_whose_document_does_not_parse_makes_the_lookup_incomplete() {
    let (sts, ct) = setup(0).await;
    let mut broken = FakeEvent::start_query("q-broken", CAROL, T0 + 5.0);
    broken.detail = serde_json::Value::String("{\"userIdentity\": {\"arn\": ".into());
    ct.add([broken]);
    let conn = connect(&sts).await;
    let (records, skipped, incomplete) = collect(&activity(&conn)).await;
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(incomplete.len(), 1, "{incomplete:?}");
    assert_eq!(incomplete[0].operation(), Some("cloudtrail:LookupEvents"));
    assert!(
        incomplete[0].to_string().contains("q-broken")
            || incomplete[0].to_string().contains("parses"),
        "{}",
        incomplete[0]
    );
    assert_eq!(records.len(), HISTORY.len());
    assert!(
        records
            .iter()
            .all(|r| r.attribution == Attribution::LookupIncomplete),
        "{records:?}"
    );
}
