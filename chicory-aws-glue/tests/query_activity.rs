//! Query activity against a fake Athena (wiremock on loopback, JSON 1.1 shapes of the Athena
//! API model): a history of real SQL (a join, a CTAS, an INSERT ... SELECT, an UNLOAD, a MERGE,
//! a query in another catalog, and one statement that does not parse), scanned as activity,
//! table popularity and lineage; denied and failing parts of the history pass through the
//! popularity scanner.

use chicory_aws_core::scan::PageRetry;
use chicory_aws_core::{AccessLevel, Connection, ErrorKind, Scanner};
use chicory_aws_glue::{
    ColumnEdge, LineageScanner, QueryActivityRecord, QueryActivityScanner, SqlErrorReason,
    StatementKind, TableName, TablePopularityRecord, TablePopularityScanner, WriteTarget,
};
use chicory_aws_testkit::glue::{
    athena_op as athena, error, error_status, ok as json, sts as fake,
};
use chicory_aws_testkit::FakeSts;
use serde_json::{json, Value};
use wiremock::matchers::body_partial_json;

const T0: f64 = 1_700_000_000.0;

/// (id, SQL, catalog, database, submitted offset in seconds, bytes scanned)
type Execution = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    f64,
    Option<i64>,
);

const HISTORY: &[Execution] = &[
    (
        "q1",
        "SELECT o.id, c.name FROM orders o JOIN crm.customers c ON o.customer_id = c.id",
        Some("AwsDataCatalog"),
        "sales",
        0.5,
        Some(1000),
    ),
    (
        "q2",
        "CREATE TABLE reporting.big_orders AS SELECT id, amount AS total FROM orders WHERE amount > 100",
        Some("AwsDataCatalog"),
        "sales",
        60.0,
        Some(2000),
    ),
    (
        "q3",
        "INSERT INTO reporting.daily SELECT dt, sum(amount) FROM Orders GROUP BY dt",
        None,
        "sales",
        120.0,
        Some(3000),
    ),
    (
        "q4",
        "UNLOAD (SELECT * FROM reporting.daily) TO 's3://exports/daily/' WITH (format = 'PARQUET')",
        Some("AwsDataCatalog"),
        "sales",
        180.0,
        Some(4000),
    ),
    (
        "q5",
        "SELEC * FROM orders",
        Some("AwsDataCatalog"),
        "sales",
        240.0,
        Some(0),
    ),
    (
        "q6",
        "MERGE INTO reporting.customers_dim t USING crm.customers s ON t.id = s.id \
         WHEN MATCHED THEN UPDATE SET name = s.name \
         WHEN NOT MATCHED THEN INSERT (id, name) VALUES (s.id, s.name)",
        Some("AwsDataCatalog"),
        "sales",
        300.0,
        Some(600),
    ),
    (
        "q7",
        "SELECT count(*) FROM logs",
        Some("Hive_Cat"),
        "web",
        360.0,
        None,
    ),
];

fn execution(i: usize) -> Value {
    let (id, sql, catalog, db, offset, bytes) = HISTORY[i];
    let mut context = json!({ "Database": db });
    if let Some(c) = catalog {
        context["Catalog"] = json!(c);
    }
    let mut v = json!({
        "QueryExecutionId": id, "Query": sql, "WorkGroup": "analysts",
        "QueryExecutionContext": context,
        "Status": {"State": "SUCCEEDED", "SubmissionDateTime": T0 + offset,
                   "CompletionDateTime": T0 + offset + 5.0},
        "Statistics": {"EngineExecutionTimeInMillis": 100 + i as i64}
    });
    match bytes {
        Some(b) => v["Statistics"]["DataScannedInBytes"] = json!(b),
        None => v["Status"]["State"] = json!("RUNNING"),
    }
    v
}

fn ids(range: std::ops::Range<usize>) -> Vec<&'static str> {
    HISTORY[range].iter().map(|h| h.0).collect()
}

/// The history in two `ListQueryExecutions` pages (q1..q4, q5..q7), each answered by one
/// `BatchGetQueryExecution`; `second_batch` answers the second one.
async fn mount_history(sts: &FakeSts, second_batch: wiremock::ResponseTemplate) {
    athena("ListQueryExecutions")
        .and(body_partial_json(
            json!({"WorkGroup": "analysts", "NextToken": "p2"}),
        ))
        .respond_with(json(json!({"QueryExecutionIds": ids(4..7)})))
        .with_priority(1)
        .mount(sts.server())
        .await;
    athena("ListQueryExecutions")
        .and(body_partial_json(json!({"WorkGroup": "analysts"})))
        .respond_with(json(
            json!({"QueryExecutionIds": ids(0..4), "NextToken": "p2"}),
        ))
        .with_priority(2)
        .mount(sts.server())
        .await;
    athena("BatchGetQueryExecution")
        .and(body_partial_json(json!({"QueryExecutionIds": ids(0..4)})))
        .respond_with(json(json!({
            "QueryExecutions": (0..4).map(execution).collect::<Vec<_>>(),
            "UnprocessedQueryExecutionIds": []
        })))
        .mount(sts.server())
        .await;
    athena("BatchGetQueryExecution")
        .and(body_partial_json(json!({"QueryExecutionIds": ids(4..7)})))
        .respond_with(second_batch)
        .mount(sts.server())
        .await;
}

fn whole_second_batch() -> wiremock::ResponseTemplate {
    json(json!({
        "QueryExecutions": (4..7).map(execution).collect::<Vec<_>>(),
        "UnprocessedQueryExecutionIds": []
    }))
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

fn t(catalog: &str, db: &str, table: &str) -> TableName {
    TableName::new(catalog, db, table)
}

fn aws(db: &str, table: &str) -> TableName {
    t("awsdatacatalog", db, table)
}

fn time(offset: f64) -> Option<String> {
    chicory_aws_core::record_time(Some(&aws_smithy_types::DateTime::from_secs_f64(
        T0 + offset,
    )))
}

#[tokio::test]
async fn every_execution_comes_out_analysed_and_the_unparsable_one_with_its_reason() {
    let sts = fake().await;
    mount_history(&sts, whole_second_batch()).await;
    let conn = connect(&sts).await;
    let scanner = QueryActivityScanner::new(&conn, Some("analysts".into()));
    assert_eq!(scanner.name(), "athena_query_activity");
    let (records, skipped, incomplete) = collect(&scanner).await;
    assert!(
        skipped.is_empty() && incomplete.is_empty(),
        "{skipped:?} {incomplete:?}"
    );
    let got: Vec<_> = records
        .iter()
        .map(|r: &QueryActivityRecord| {
            (
                r.query_execution_id.as_deref().unwrap(),
                r.statement_kind,
                r.reads.clone(),
                r.writes.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "q1",
                Some(StatementKind::Select),
                vec![aws("crm", "customers"), aws("sales", "orders")],
                None
            ),
            (
                "q2",
                Some(StatementKind::CreateTableAs),
                vec![aws("sales", "orders")],
                Some(WriteTarget::Table(aws("reporting", "big_orders")))
            ),
            (
                "q3",
                Some(StatementKind::Insert),
                vec![aws("sales", "orders")],
                Some(WriteTarget::Table(aws("reporting", "daily")))
            ),
            (
                "q4",
                Some(StatementKind::Unload),
                vec![aws("reporting", "daily")],
                Some(WriteTarget::Location("s3://exports/daily/".into()))
            ),
            ("q5", None, vec![], None),
            (
                "q6",
                Some(StatementKind::Merge),
                vec![aws("crm", "customers")],
                Some(WriteTarget::Table(aws("reporting", "customers_dim")))
            ),
            (
                "q7",
                Some(StatementKind::Select),
                vec![t("hive_cat", "web", "logs")],
                None
            ),
        ]
    );
    // The unparsable statement is there, with the parser's reason.
    let q5 = &records[4];
    let err = q5.analysis_error.as_ref().expect("q5 does not parse");
    assert_eq!(err.reason, SqlErrorReason::Parse);
    assert!(err.message.contains("SELEC"), "{err:?}");
    assert!(records
        .iter()
        .filter(|r| r.query_execution_id.as_deref() != Some("q5"))
        .all(|r| r.analysis_error.is_none()));
    // Fields of the execution, as Athena gave them.
    let q1 = &records[0];
    assert_eq!(q1.account_id, "123456789012");
    assert_eq!(q1.workgroup.as_deref(), Some("analysts"));
    assert_eq!(q1.catalog.as_deref(), Some("AwsDataCatalog"));
    assert_eq!(q1.database.as_deref(), Some("sales"));
    assert_eq!(q1.state.as_deref(), Some("SUCCEEDED"));
    assert_eq!(q1.submitted, time(0.5));
    assert_eq!(q1.completed, time(5.5));
    assert_eq!(q1.data_scanned_bytes, Some(1000));
    assert_eq!(q1.engine_execution_time_ms, Some(100));
    assert_eq!(q1.principal, None);
    assert_eq!(records[6].state.as_deref(), Some("RUNNING"));
    assert_eq!(records[6].data_scanned_bytes, None);
    // The record serializes with its kind.
    let v = serde_json::to_value(q5).unwrap();
    assert_eq!(v["kind"], "athena_query_activity");
    assert_eq!(v["analysis_error"]["reason"], "parse");
}

#[tokio::test]
async fn popularity_counts_and_sums_per_table() {
    let sts = fake().await;
    mount_history(&sts, whole_second_batch()).await;
    let conn = connect(&sts).await;
    let scanner = TablePopularityScanner::new(&conn, Some("analysts".into()));
    assert_eq!(scanner.name(), "athena_table_popularity");
    assert_eq!(
        scanner.actions(),
        QueryActivityScanner::new(&conn, None).actions()
    );
    let (records, skipped, incomplete) = collect(&scanner).await;
    assert!(
        skipped.is_empty() && incomplete.is_empty(),
        "{skipped:?} {incomplete:?}"
    );
    // (table, queries, reads, writes, last queried, bytes, bytes unknown)
    let got: Vec<_> = records
        .iter()
        .map(|r: &TablePopularityRecord| {
            assert_eq!(r.queries_total, 7);
            assert_eq!(r.queries_unparsed, 1);
            assert_eq!(r.workgroup.as_deref(), Some("analysts"));
            (
                r.table.to_string(),
                r.query_count,
                r.read_count,
                r.write_count,
                r.last_queried.clone(),
                r.data_scanned_bytes,
                r.data_scanned_unknown,
            )
        })
        .collect();
    let row = |name: &str, q, r, w, last: f64, bytes, unknown| {
        (name.to_owned(), q, r, w, time(last), bytes, unknown)
    };
    assert_eq!(
        got,
        vec![
            row("awsdatacatalog.crm.customers", 2, 2, 0, 300.0, 1600, 0),
            row("awsdatacatalog.reporting.big_orders", 1, 0, 1, 60.0, 0, 0),
            row(
                "awsdatacatalog.reporting.customers_dim",
                1,
                0,
                1,
                300.0,
                0,
                0
            ),
            row("awsdatacatalog.reporting.daily", 2, 1, 1, 180.0, 4000, 0),
            row("awsdatacatalog.sales.orders", 3, 3, 0, 120.0, 6000, 0),
            row("hive_cat.web.logs", 1, 1, 0, 360.0, 0, 1),
        ]
    );
    assert_eq!(
        serde_json::to_value(&records[0]).unwrap()["kind"],
        "table_popularity"
    );
}

#[tokio::test]
async fn lineage_edges_of_ctas_insert_unload_and_merge() {
    let sts = fake().await;
    mount_history(&sts, whole_second_batch()).await;
    let conn = connect(&sts).await;
    let scanner = LineageScanner::new(&conn, Some("analysts".into()));
    assert_eq!(scanner.name(), "athena_lineage");
    let (records, skipped, incomplete) = collect(&scanner).await;
    assert!(
        skipped.is_empty() && incomplete.is_empty(),
        "{skipped:?} {incomplete:?}"
    );
    let got: Vec<_> = records
        .iter()
        .map(|e| {
            (
                e.query_execution_id.as_deref().unwrap(),
                e.statement_kind,
                e.source.clone(),
                e.target.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "q2",
                StatementKind::CreateTableAs,
                aws("sales", "orders"),
                WriteTarget::Table(aws("reporting", "big_orders"))
            ),
            (
                "q3",
                StatementKind::Insert,
                aws("sales", "orders"),
                WriteTarget::Table(aws("reporting", "daily"))
            ),
            (
                "q4",
                StatementKind::Unload,
                aws("reporting", "daily"),
                WriteTarget::Location("s3://exports/daily/".into())
            ),
            (
                "q6",
                StatementKind::Merge,
                aws("crm", "customers"),
                WriteTarget::Table(aws("reporting", "customers_dim"))
            ),
        ]
    );
    // The CTAS copies two columns of orders directly (one renamed); the INSERT has no column
    // list, the UNLOAD and the MERGE map none.
    let edge = |column: &str, target: &str| ColumnEdge {
        source_table: aws("sales", "orders"),
        source_column: column.into(),
        target_column: target.into(),
    };
    assert_eq!(
        records[0].columns,
        vec![edge("amount", "total"), edge("id", "id")]
    );
    assert!(
        records[1..].iter().all(|e| e.columns.is_empty()),
        "{records:?}"
    );
    let v = serde_json::to_value(&records[0]).unwrap();
    assert_eq!(v["kind"], "lineage_edge");
    assert_eq!(v["target"]["type"], "table");
    assert_eq!(v["columns"][0]["target_column"], "total");
}

#[tokio::test]
async fn a_denied_batch_comes_out_of_popularity_as_skipped_beside_the_counts() {
    let sts = fake().await;
    mount_history(
        &sts,
        error(
            "AccessDeniedException",
            "not authorized to perform athena:BatchGetQueryExecution",
        ),
    )
    .await;
    let conn = connect(&sts).await;
    let (records, skipped, incomplete) =
        collect(&TablePopularityScanner::new(&conn, Some("analysts".into()))).await;
    assert!(incomplete.is_empty(), "{incomplete:?}");
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].part, "athena:BatchGetQueryExecution ids=q5..q7");
    assert_eq!(skipped[0].kind, ErrorKind::AccessDenied);
    // The first batch is still counted: 4 executions, none unparsed.
    let tables: Vec<_> = records
        .iter()
        .map(|r| {
            (
                r.table.to_string(),
                r.query_count,
                r.queries_total,
                r.queries_unparsed,
            )
        })
        .collect();
    assert_eq!(
        tables,
        vec![
            ("awsdatacatalog.crm.customers".to_owned(), 1, 4, 0),
            ("awsdatacatalog.reporting.big_orders".to_owned(), 1, 4, 0),
            ("awsdatacatalog.reporting.daily".to_owned(), 2, 4, 0),
            ("awsdatacatalog.sales.orders".to_owned(), 3, 4, 0),
        ]
    );
}

#[tokio::test]
async fn a_denied_listing_and_a_failing_batch_pass_through_popularity() {
    // The listing denied outright: one skipped part, no records.
    let sts = fake().await;
    athena("ListQueryExecutions")
        .respond_with(error(
            "AccessDeniedException",
            "not authorized to perform athena:ListQueryExecutions",
        ))
        .mount(sts.server())
        .await;
    let conn = connect(&sts).await;
    let (records, skipped, incomplete) =
        collect(&TablePopularityScanner::new(&conn, Some("analysts".into()))).await;
    assert!(records.is_empty() && incomplete.is_empty());
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(
        skipped[0].part,
        "athena:ListQueryExecutions workgroup=analysts"
    );

    // A batch failing with a server error: incomplete, not skipped and not swallowed.
    let sts = fake().await;
    mount_history(
        &sts,
        error_status(500, "InternalServerException", "try again"),
    )
    .await;
    let conn = connect(&sts).await;
    let (records, skipped, incomplete) =
        collect(&TablePopularityScanner::new(&conn, Some("analysts".into()))).await;
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(incomplete.len(), 1, "{incomplete:?}");
    assert!(
        incomplete[0].to_string().contains("try again"),
        "{}",
        incomplete[0]
    );
    assert_eq!(records.len(), 4);
    assert!(records.iter().all(|r| r.queries_total == 4));
}
