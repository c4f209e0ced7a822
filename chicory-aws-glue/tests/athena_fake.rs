//! Athena against a fake (wiremock, JSON 1.1 shapes from the Athena API model): query history
//! in pages and batches of 50 (moto lacks BatchGetQueryExecution) with unprocessed ids skipped,
//! typed results across pages (streamed lazily, or collected by the operators), Athena's
//! failure reason, and a query stopped at its timeout, on request, or when its call is dropped.

use chicory_aws_core::{AccessLevel, Connection, ErrorKind, Operator, ScanItem, Scanner};
use chicory_aws_glue::{
    typed_value, GetAthenaQueryResults, QueryExecutionScanner, QueryResultRecord,
    QueryResultScanner, RunAthenaQuery, RunQueryInput, StopAthenaQuery,
};
use chicory_aws_testkit::glue::{athena_op as athena, ok as json, sts as fake};
use chicory_aws_testkit::FakeSts;
use futures::StreamExt;
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::body_partial_json;

async fn connect(sts: &FakeSts, level: AccessLevel) -> Connection {
    sts.connection(level).build().await.unwrap()
}

#[tokio::test]
async fn query_history_is_fetched_in_batches_of_fifty() {
    let sts = fake().await;
    let ids: Vec<String> = (0..120).map(|i| format!("q{i:03}")).collect();
    // Pages of at most 50 ids (the model's MaxResults limit), as the scanner asks.
    for (n, chunk) in ids.chunks(50).enumerate() {
        let mut page = json!({"QueryExecutionIds": chunk});
        if (n + 1) * 50 < ids.len() {
            page["NextToken"] = json!(format!("page{}", n + 1));
        }
        let mut request = json!({"MaxResults": 50});
        if n > 0 {
            request["NextToken"] = json!(format!("page{n}"));
        }
        athena("ListQueryExecutions")
            .and(body_partial_json(request))
            .respond_with(json(page))
            .with_priority(if n > 0 { 1 } else { 2 })
            .expect(1)
            .mount(sts.server())
            .await;
    }
    // Athena returns the last two of the last batch as unprocessed.
    for chunk in ids.chunks(50) {
        let (done, unprocessed) = if chunk.len() < 50 {
            chunk.split_at(chunk.len() - 2)
        } else {
            (chunk, &[][..])
        };
        let execs: Vec<_> = done
            .iter()
            .map(|id| {
                json!({
                    "QueryExecutionId": id, "Query": "SELECT 1", "WorkGroup": "primary",
                    "Status": {"State": "SUCCEEDED", "SubmissionDateTime": 1.7e9}
                })
            })
            .collect();
        let unprocessed: Vec<_> = unprocessed
            .iter()
            .map(|id| {
                json!({"QueryExecutionId": id, "ErrorCode": "InvalidRequestException",
                    "ErrorMessage": format!("QueryExecution {id} was not found")})
            })
            .collect();
        athena("BatchGetQueryExecution")
            .and(body_partial_json(json!({"QueryExecutionIds": chunk})))
            .respond_with(json(json!({
                "QueryExecutions": execs, "UnprocessedQueryExecutionIds": unprocessed
            })))
            .expect(1)
            .mount(sts.server())
            .await;
    }
    let conn = connect(&sts, AccessLevel::ReadOnly).await;
    let mut got = Vec::new();
    let mut skipped = Vec::new();
    let mut items = QueryExecutionScanner::new(&conn, None).scan();
    while let Some(item) = items.next().await {
        match item.unwrap() {
            ScanItem::Record(r) => {
                assert_eq!(r.state.as_deref(), Some("SUCCEEDED"));
                got.push(r.id.unwrap());
            }
            ScanItem::Skipped(s) => skipped.push(s),
        }
    }
    got.sort();
    assert_eq!(got, ids[..118]);
    let parts: Vec<_> = skipped.iter().map(|s| s.part.as_str()).collect();
    assert_eq!(
        parts,
        [
            "athena:BatchGetQueryExecution id=q118",
            "athena:BatchGetQueryExecution id=q119"
        ]
    );
    assert!(
        skipped[0].reason.contains("was not found"),
        "{:?}",
        skipped[0]
    );
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
            serde_json::json!({"QueryExecution": {"QueryExecutionId": "q1", "StatementType": "DML",
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
    assert_eq!(
        out.rows,
        vec![
            vec![json!(1), json!("ann")],
            vec![json!(2), json!("bob")],
            vec![json!(3), json!(null)]
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

/// Mounts a succeeded DML query `id` whose results come in `pages` pages of 2 rows of
/// (`n` bigint, `ok` boolean, `price` decimal, `ratio` double); the first page starts with
/// Athena's header row.
async fn past_query(sts: &FakeSts, id: &str, pages: usize) {
    athena("GetQueryExecution")
        .and(body_partial_json(json!({"QueryExecutionId": id})))
        .respond_with(json(json!({"QueryExecution": {"QueryExecutionId": id,
            "StatementType": "DML", "Status": {"State": "SUCCEEDED"}}})))
        .mount(sts.server())
        .await;
    let meta = json!({"ColumnInfo": [
        {"Name": "n", "Label": "n", "Type": "bigint"},
        {"Name": "ok", "Label": "ok", "Type": "boolean"},
        {"Name": "price", "Label": "price", "Type": "decimal", "Precision": 38, "Scale": 2},
        {"Name": "ratio", "Label": "ratio", "Type": "double"}]});
    for p in 0..pages {
        let mut rows = Vec::new();
        if p == 0 {
            rows.push(
                json!({"Data": [{"VarCharValue": "n"}, {"VarCharValue": "ok"},
                {"VarCharValue": "price"}, {"VarCharValue": "ratio"}]}),
            );
        }
        for r in 0..2 {
            let n = p * 2 + r;
            rows.push(json!({"Data": [{"VarCharValue": n.to_string()},
                {"VarCharValue": if n % 2 == 0 { "true" } else { "false" }},
                {"VarCharValue": "12345678901234567890.25"}, {"VarCharValue": "0.5"}]}));
        }
        let mut body =
            json!({"UpdateCount": 0, "ResultSet": {"ResultSetMetadata": meta, "Rows": rows}});
        if p + 1 < pages {
            body["NextToken"] = json!(format!("{id}-{}", p + 1));
        }
        let mut request = json!({"QueryExecutionId": id, "MaxResults": 1000});
        if p > 0 {
            request["NextToken"] = json!(format!("{id}-{p}"));
        }
        athena("GetQueryResults")
            .and(body_partial_json(request))
            .respond_with(json(body))
            .with_priority(if p > 0 { 1 } else { 2 })
            .mount(sts.server())
            .await;
    }
}

/// How many requests for Athena operation `name` reached the fake.
async fn requests_for(sts: &FakeSts, name: &str) -> usize {
    let target = format!("AmazonAthena.{name}");
    sts.server()
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| {
            r.headers.get("x-amz-target").and_then(|v| v.to_str().ok()) == Some(target.as_str())
        })
        .count()
}

#[tokio::test]
async fn results_of_a_past_query_stream_lazily_with_typed_values() {
    let sts = fake().await;
    past_query(&sts, "past-1", 3).await;
    let conn = connect(&sts, AccessLevel::ReadOnly).await;
    let scanner = QueryResultScanner::new(&conn, "past-1").unwrap();

    // Reading the columns and the first row fetches one page only.
    let first: Vec<_> = scanner.scan().take(2).collect().await;
    assert_eq!(requests_for(&sts, "GetQueryResults").await, 1);
    match first[0].as_ref().unwrap() {
        ScanItem::Record(QueryResultRecord::Columns { columns, .. }) => {
            let names: Vec<_> = columns.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, ["n", "ok", "price", "ratio"]);
        }
        other => panic!("{other:?}"),
    }

    let rows: Vec<_> = scanner
        .scan()
        .filter_map(|i| async move {
            match i.unwrap() {
                ScanItem::Record(QueryResultRecord::Row { row, values, .. }) => Some((row, values)),
                _ => None,
            }
        })
        .collect()
        .await;
    assert_eq!(rows.len(), 6, "the header row is not a row");
    for (i, (row, values)) in rows.iter().enumerate() {
        assert_eq!(*row, i as u64);
        assert_eq!(
            values,
            &vec![
                json!(i),
                json!(i % 2 == 0),
                json!("12345678901234567890.25"),
                json!(0.5)
            ]
        );
    }
    // Each record is a JSON Lines line of its own kind.
    let line = serde_json::to_value(QueryResultRecord::Row {
        query_execution_id: "past-1".into(),
        row: 0,
        values: vec![json!(1)],
    })
    .unwrap();
    assert_eq!(line["kind"], "athena_result_row");

    // The operator returns at most max_rows and says it cut.
    let out = GetAthenaQueryResults::new(&conn)
        .call(
            serde_json::from_value(json!({"query_execution_id": "past-1", "max_rows": 3})).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(out.rows.len(), 3);
    assert!(out.truncated);
    assert_eq!(out.columns.len(), 4);
}

#[tokio::test]
async fn results_of_a_query_that_did_not_succeed_name_its_state() {
    let sts = fake().await;
    athena("GetQueryExecution")
        .respond_with(json(json!({"QueryExecution": {"QueryExecutionId": "run-1",
            "StatementType": "DML", "Status": {"State": "RUNNING"}}})))
        .mount(sts.server())
        .await;
    let conn = connect(&sts, AccessLevel::ReadOnly).await;
    let err = GetAthenaQueryResults::new(&conn)
        .call(serde_json::from_value(json!({"query_execution_id": "run-1"})).unwrap())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("is RUNNING"), "{err}");
    assert_eq!(err.resource(), Some("run-1"));
    let items: Vec<_> = QueryResultScanner::new(&conn, "run-1")
        .unwrap()
        .scan()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(items[0].is_err());
    assert_eq!(requests_for(&sts, "GetQueryResults").await, 0);

    // A malformed id fails before any request.
    let before = sts.server().received_requests().await.unwrap().len();
    for bad in ["", "has space", &"x".repeat(129)] {
        let err = QueryResultScanner::new(&conn, bad).unwrap_err();
        assert_eq!(err.field(), Some("query_execution_id"), "{bad:?}");
    }
    assert_eq!(
        sts.server().received_requests().await.unwrap().len(),
        before
    );
}

async fn stops(sts: &FakeSts) -> usize {
    requests_for(sts, "StopQueryExecution").await
}

#[tokio::test]
async fn a_query_is_stopped_on_request_and_when_its_call_is_dropped() {
    let sts = fake().await;
    athena("StartQueryExecution")
        .respond_with(json(json!({"QueryExecutionId": "long-1"})))
        .mount(sts.server())
        .await;
    athena("GetQueryExecution")
        .respond_with(json(
            json!({"QueryExecution": {"QueryExecutionId": "long-1",
            "Status": {"State": "RUNNING"}}}),
        ))
        .mount(sts.server())
        .await;
    athena("StopQueryExecution")
        .and(body_partial_json(json!({"QueryExecutionId": "long-1"})))
        .respond_with(json(json!({})))
        .mount(sts.server())
        .await;
    // On a ReadOnly connection the stop is refused before any request.
    let ro = connect(&sts, AccessLevel::ReadOnly).await;
    let err = StopAthenaQuery::new(&ro)
        .call(serde_json::from_value(json!({"query_execution_id": "long-1"})).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted);
    assert_eq!(stops(&sts).await, 0);

    let rw = connect(&sts, AccessLevel::ReadWrite).await;
    let out = StopAthenaQuery::new(&rw)
        .call(serde_json::from_value(json!({"query_execution_id": "long-1"})).unwrap())
        .await
        .unwrap();
    assert_eq!(out.query_execution_id, "long-1");
    assert_eq!(stops(&sts).await, 1);

    // A caller that gives up (here: its own 300 ms timeout) stops the query it started.
    let run = RunAthenaQuery::new(&rw);
    assert!(
        tokio::time::timeout(Duration::from_millis(300), run.call(run_input(60)))
            .await
            .is_err()
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while stops(&sts).await < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "no StopQueryExecution after the call was dropped"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
fn cells_are_typed_by_their_athena_type() {
    assert_eq!(typed_value("bigint", Some("-42")), json!(-42));
    assert_eq!(typed_value("integer", Some("7")), json!(7));
    assert_eq!(typed_value("boolean", Some("true")), json!(true));
    assert_eq!(typed_value("double", Some("1.5")), json!(1.5));
    assert_eq!(typed_value("double", Some("NaN")), json!("NaN"));
    assert_eq!(typed_value("decimal(38,2)", Some("1.10")), json!("1.10"));
    assert_eq!(typed_value("varchar", Some("12")), json!("12"));
    assert_eq!(typed_value("date", Some("2024-06-01")), json!("2024-06-01"));
    assert_eq!(
        typed_value("bigint", Some("not a number")),
        json!("not a number")
    );
    assert_eq!(typed_value("bigint", None), json!(null));
}
