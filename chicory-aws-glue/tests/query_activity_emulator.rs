//! Query activity end to end on the local moto server with IAM enforcement: queries started
//! through a ReadWrite connection, their activity scanned through a ReadOnly one, each under a
//! role holding exactly the policy crate's Glue policy for its level.
//!
//! moto 5.2 has no `BatchGetQueryExecution` (it answers HTTP 500 after the IAM check), so the
//! SQL analysis of the records is checked on the fake (`tests/query_activity.rs`); here: the
//! ReadOnly policy lets both calls of the history through IAM (nothing is skipped as denied),
//! the listing holds exactly the queries started, and the failing batch is an incomplete part
//! of the activity and of the popularity scan, not swallowed. Should moto gain the call, the
//! records are checked instead.
//!
//! Needs the emulator: `bash scripts/emulator.sh start`.

use chicory_aws_core::scan::PageRetry;
use chicory_aws_core::{AccessLevel, Connection, Operator, ScanItem, Scanner};
use chicory_aws_glue::{
    unchecked_athena_client, QueryActivityScanner, RunAthenaQuery, RunQueryInput, StatementKind,
    TableName, TablePopularityScanner, WriteTarget,
};
use chicory_aws_policy::permissions::{permission_policy, Integration, PolicyOptions};
use chicory_aws_testkit::{unique, Emulator};
use futures::StreamExt;

async fn connect(level: AccessLevel) -> Connection {
    Emulator::get()
        .connect_to_role(Integration::Glue, level, level)
        .await
}

/// A ReadOnly connection to a role holding the Glue policy for ReadOnly, one attempt per
/// request and no page retries (moto's 500 is final; retrying it only takes time).
async fn read_only() -> Connection {
    let policy = permission_policy(
        Integration::Glue,
        AccessLevel::ReadOnly,
        &PolicyOptions::default(),
    )
    .unwrap()
    .to_json_compact();
    let (vendor, params) = Emulator::get()
        .customer(
            &format!("chicory-{}", unique("qa")),
            &[("GluePolicy", &policy)],
        )
        .await;
    Emulator::get()
        .connection(&vendor, params.with_access_level(AccessLevel::ReadOnly))
        .retry_config(aws_smithy_types::retry::RetryConfig::standard().with_max_attempts(1))
        .page_retry(PageRetry::none())
        .connect()
        .await
        .unwrap()
}

#[tokio::test]
async fn activity_of_queries_started_read_write_is_scanned_read_only() {
    let admin = aws_sdk_athena::Client::new(&Emulator::get().admin_config().await);
    let wg = unique("wga");
    admin.create_work_group().name(&wg).send().await.unwrap();
    let rw = connect(AccessLevel::ReadWrite).await;
    let sql = [
        "SELECT o.id, c.name FROM orders o JOIN crm.customers c ON o.cid = c.id",
        "CREATE TABLE reporting.big AS SELECT * FROM orders WHERE amount > 100",
        "INSERT INTO reporting.daily SELECT dt, sum(amount) FROM orders GROUP BY dt",
    ];
    let mut started = Vec::new();
    for q in sql {
        let input: RunQueryInput = serde_json::from_value(serde_json::json!({
            "query": q, "workgroup": wg, "database": "sales",
            "output_location": "s3://results/", "timeout_secs": 30
        }))
        .unwrap();
        started.push(
            RunAthenaQuery::new(&rw)
                .call(input)
                .await
                .unwrap()
                .query_execution_id,
        );
    }

    let ro = read_only().await;
    // The ReadOnly role lists exactly the queries started in the workgroup.
    let mut listed = unchecked_athena_client(&ro)
        .list_query_executions()
        .work_group(&wg)
        .send()
        .await
        .unwrap()
        .query_execution_ids
        .unwrap_or_default();
    listed.sort();
    let mut want = started.clone();
    want.sort();
    assert_eq!(listed, want);

    let scanner = QueryActivityScanner::new(&ro, Some(wg.clone()));
    let (mut records, mut skipped, mut incomplete) = (Vec::new(), Vec::new(), Vec::new());
    let mut items = scanner.scan();
    while let Some(item) = items.next().await {
        match item {
            Ok(ScanItem::Record(r)) => records.push(r),
            Ok(ScanItem::Skipped(s)) => skipped.push(s),
            Err(e) => incomplete.push(e),
        }
    }
    assert!(skipped.is_empty(), "nothing is denied: {skipped:?}");
    if incomplete.is_empty() {
        // moto answered BatchGetQueryExecution: every query, analysed in its context.
        let orders = TableName::new("awsdatacatalog", "sales", "orders");
        records.sort_by_key(|r| {
            started
                .iter()
                .position(|s| r.query_execution_id.as_ref() == Some(s))
        });
        let got: Vec<_> = records
            .iter()
            .map(|r| {
                (
                    r.statement_kind,
                    r.reads.contains(&orders),
                    r.writes.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (Some(StatementKind::Select), true, None),
                (
                    Some(StatementKind::CreateTableAs),
                    true,
                    Some(WriteTarget::Table(TableName::new(
                        "awsdatacatalog",
                        "reporting",
                        "big"
                    )))
                ),
                (
                    Some(StatementKind::Insert),
                    true,
                    Some(WriteTarget::Table(TableName::new(
                        "awsdatacatalog",
                        "reporting",
                        "daily"
                    )))
                ),
            ]
        );
        return;
    }
    // moto 5.2: the batch fails past the IAM check, an incomplete part, no record made up.
    assert!(records.is_empty(), "{records:?}");
    assert_eq!(incomplete.len(), 1, "{incomplete:?}");
    let e = &incomplete[0];
    assert_eq!(e.operation(), Some("athena:BatchGetQueryExecution"), "{e}");
    assert_eq!(e.status(), Some(500), "{e}");

    // The popularity scan passes the same incomplete part through and counts nothing.
    let mut items = TablePopularityScanner::new(&ro, Some(wg)).scan();
    let mut out = Vec::new();
    while let Some(item) = items.next().await {
        out.push(item);
    }
    assert_eq!(out.len(), 1, "{out:?}");
    let e = out[0]
        .as_ref()
        .expect_err("the failing batch is incomplete");
    assert_eq!(e.operation(), Some("athena:BatchGetQueryExecution"), "{e}");
}
