//! Athena against a fake (wiremock, JSON 1.1 shapes from the Athena API model): query history
//! in batches of 50 (moto lacks BatchGetQueryExecution), typed results across pages, Athena's
//! failure reason, and a query stopped at its timeout.

use chicory_aws_core::{AccessLevel, Connection, ErrorKind, Operator, ScanItem, Scanner};
use chicory_aws_glue::{QueryExecutionScanner, RunAthenaQuery, RunQueryInput};
use chicory_aws_testkit::{FakeSts, TestClock};
use futures::StreamExt;
use std::time::Duration;
use wiremock::matchers::{body_partial_json, header, method};
use wiremock::{Mock, ResponseTemplate};

fn json(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/x-amz-json-1.1")
        .set_body_json(body)
}

fn athena(name: &str) -> wiremock::MockBuilder {
    Mock::given(method("POST")).and(header(
        "x-amz-target",
        format!("AmazonAthena.{name}").as_str(),
    ))
}

async fn fake() -> FakeSts {
    FakeSts::start(TestClock::new(), Duration::from_secs(900)).await
}

async fn connect(sts: &FakeSts, level: AccessLevel) -> Connection {
    sts.connection(level).build().await.unwrap()
}

#[tokio::test]
async fn query_history_is_fetched_in_batches_of_fifty() {
    let sts = fake().await;
    let ids: Vec<String> = (0..120).map(|i| format!("q{i:03}")).collect();
    athena("ListQueryExecutions")
        .and(body_partial_json(serde_json::json!({"NextToken": "more"})))
        .respond_with(json(serde_json::json!({"QueryExecutionIds": ids[100..]})))
        .with_priority(1)
        .mount(sts.server())
        .await;
    athena("ListQueryExecutions")
        .respond_with(json(
            serde_json::json!({"QueryExecutionIds": ids[..100], "NextToken": "more"}),
        ))
        .with_priority(2)
        .mount(sts.server())
        .await;
    for chunk in [&ids[..50], &ids[50..100], &ids[100..]] {
        let execs: Vec<_> = chunk
            .iter()
            .map(|id| {
                serde_json::json!({
                    "QueryExecutionId": id, "Query": "SELECT 1", "WorkGroup": "primary",
                    "Status": {"State": "SUCCEEDED", "SubmissionDateTime": 1.7e9}
                })
            })
            .collect();
        athena("BatchGetQueryExecution")
            .and(body_partial_json(
                serde_json::json!({"QueryExecutionIds": chunk}),
            ))
            .respond_with(json(
                serde_json::json!({"QueryExecutions": execs, "UnprocessedQueryExecutionIds": []}),
            ))
            .expect(1)
            .mount(sts.server())
            .await;
    }
    let conn = connect(&sts, AccessLevel::ReadOnly).await;
    let mut got: Vec<String> = QueryExecutionScanner::new(&conn, None)
        .scan()
        .map(|i| match i.unwrap() {
            ScanItem::Record(r) => {
                assert_eq!(r.state.as_deref(), Some("SUCCEEDED"));
                r.id.unwrap()
            }
            ScanItem::Skipped(s) => panic!("{s:?}"),
        })
        .collect()
        .await;
    got.sort();
    assert_eq!(got, ids);
}

fn run_input(timeout: u64) -> RunQueryInput {
    serde_json::from_value(serde_json::json!({
        "query": "SELECT id, name FROM t", "workgroup": "primary", "timeout_secs": timeout
    }))
    .unwrap()
}

#[tokio::test]
async fn a_query_returns_typed_columns_and_rows_across_pages() {
    let sts = fake().await;
    athena("StartQueryExecution")
        .and(body_partial_json(
            serde_json::json!({"QueryString": "SELECT id, name FROM t", "WorkGroup": "primary"}),
        ))
        .respond_with(json(serde_json::json!({"QueryExecutionId": "q1"})))
        .mount(sts.server())
        .await;
    athena("GetQueryExecution")
        .respond_with(json(
            serde_json::json!({"QueryExecution": {"QueryExecutionId": "q1",
            "Status": {"State": "SUCCEEDED"}, "Statistics": {"DataScannedInBytes": 42}}}),
        ))
        .mount(sts.server())
        .await;
    let meta = serde_json::json!({"ColumnInfo": [
        {"Name": "id", "Type": "bigint"}, {"Name": "name", "Type": "varchar"}]});
    athena("GetQueryResults")
        .and(body_partial_json(serde_json::json!({"NextToken": "r2"})))
        .respond_with(json(
            serde_json::json!({"ResultSet": {"ResultSetMetadata": meta,
            "Rows": [{"Data": [{"VarCharValue": "3"}, {}]}]}}),
        ))
        .with_priority(1)
        .mount(sts.server())
        .await;
    athena("GetQueryResults")
        .respond_with(json(
            serde_json::json!({"ResultSet": {"ResultSetMetadata": meta, "Rows": [
            {"Data": [{"VarCharValue": "id"}, {"VarCharValue": "name"}]},
            {"Data": [{"VarCharValue": "1"}, {"VarCharValue": "ann"}]},
            {"Data": [{"VarCharValue": "2"}, {"VarCharValue": "bob"}]}]}, "NextToken": "r2"}),
        ))
        .with_priority(2)
        .mount(sts.server())
        .await;
    let conn = connect(&sts, AccessLevel::ReadWrite).await;
    let out = RunAthenaQuery::new(&conn)
        .call(run_input(10))
        .await
        .unwrap();
    let cols: Vec<_> = out
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.data_type.as_str()))
        .collect();
    assert_eq!(cols, [("id", "bigint"), ("name", "varchar")]);
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        out.rows,
        vec![
            vec![s("1"), s("ann")],
            vec![s("2"), s("bob")],
            vec![s("3"), None]
        ]
    );
    assert_eq!(out.data_scanned_bytes, Some(42));
    assert!(!out.truncated);
}

#[tokio::test]
async fn a_failed_query_surfaces_athenas_reason() {
    let sts = fake().await;
    athena("StartQueryExecution")
        .respond_with(json(serde_json::json!({"QueryExecutionId": "q2"})))
        .mount(sts.server())
        .await;
    athena("GetQueryExecution")
        .respond_with(json(serde_json::json!({"QueryExecution": {"QueryExecutionId": "q2",
            "Status": {"State": "FAILED", "StateChangeReason": "TABLE_NOT_FOUND: line 1:15: Table t does not exist"}}})))
        .mount(sts.server())
        .await;
    let conn = connect(&sts, AccessLevel::ReadWrite).await;
    let err = RunAthenaQuery::new(&conn)
        .call(run_input(10))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("TABLE_NOT_FOUND"), "{err}");
    assert_eq!(err.resource(), Some("q2"));
}

#[tokio::test]
async fn a_query_past_its_timeout_is_stopped() {
    let sts = fake().await;
    athena("StartQueryExecution")
        .respond_with(json(serde_json::json!({"QueryExecutionId": "q3"})))
        .mount(sts.server())
        .await;
    athena("GetQueryExecution")
        .respond_with(json(
            serde_json::json!({"QueryExecution": {"QueryExecutionId": "q3",
            "Status": {"State": "RUNNING"}}}),
        ))
        .mount(sts.server())
        .await;
    athena("StopQueryExecution")
        .and(body_partial_json(
            serde_json::json!({"QueryExecutionId": "q3"}),
        ))
        .respond_with(json(serde_json::json!({})))
        .expect(1)
        .mount(sts.server())
        .await;
    let conn = connect(&sts, AccessLevel::ReadWrite).await;
    let started = std::time::Instant::now();
    let err = RunAthenaQuery::new(&conn)
        .call(run_input(1))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.to_string().contains("stopped"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
}
