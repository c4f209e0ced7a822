//! Query activity end to end on the local moto server with IAM enforcement: queries started
//! through a ReadWrite connection (the `athena_run_query` operator), their activity, table
//! popularity and lineage scanned through a ReadOnly one, each under a role holding exactly the
//! policy crate's Glue policy for its level.
//!
//! moto 5.2 has no `BatchGetQueryExecution`; `scripts/moto_launcher.py` adds it (item 9 of its
//! docstring) after moto's IAM check, answering each id with moto's own `GetQueryExecution`
//! object. So the records are checked here from the wire to the analysis: statement kinds,
//! tables read and written resolved in each execution's context, unparsable SQL reported, the
//! popularity counts and the lineage edges of the CTAS and the INSERT, and the time window.
//!
//! Needs the emulator: `bash scripts/emulator.sh start`.

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use chicory_aws_core::{AccessLevel, Connection, Operator, ScanItem, Scanner};
use chicory_aws_glue::{
    unchecked_athena_client, Attribution, LineageScanner, QueryActivityScanner, RunAthenaQuery,
    RunQueryInput, SqlErrorReason, StatementKind, TableName, TablePopularityScanner, TimeWindow,
    WriteTarget,
};
use chicory_aws_policy::permissions::Integration;
use chicory_aws_testkit::{unique, Emulator};
use futures::StreamExt;
use std::time::{Duration, SystemTime};

async fn connect(level: AccessLevel) -> Connection {
    Emulator::get()
        .connect_to_role(Integration::Glue, level, level)
        .await
}

/// Every item of a scan: records, skipped parts, incomplete parts (as their messages).
async fn drain<S: Scanner>(s: &S) -> (Vec<S::Record>, Vec<String>, Vec<String>) {
    let (mut records, mut skipped, mut incomplete) = (Vec::new(), Vec::new(), Vec::new());
    let mut items = s.scan();
    while let Some(item) = items.next().await {
        match item {
            Ok(ScanItem::Record(r)) => records.push(r),
            Ok(ScanItem::Skipped(s)) => skipped.push(format!("{} {}", s.part, s.reason)),
            Err(e) => incomplete.push(e.to_string()),
        }
    }
    (records, skipped, incomplete)
}

fn t(db: &str, table: &str) -> TableName {
    TableName::new("awsdatacatalog", db, table)
}

fn table(db: &str, name: &str) -> Option<WriteTarget> {
    Some(WriteTarget::Table(t(db, name)))
}

/// The history: a join, a CTAS, an INSERT ... SELECT with a join, a view over the CTAS's
/// table, and a statement that does not parse; all in the context database `sales`.
const SQL: [&str; 5] = [
    "SELECT o.id, c.name FROM orders o JOIN crm.customers c ON o.cid = c.id",
    "CREATE TABLE reporting.big AS SELECT * FROM orders WHERE amount > 100",
    "INSERT INTO reporting.daily SELECT o.dt, sum(o.amount) FROM orders o \
     JOIN crm.customers c ON o.cid = c.id GROUP BY o.dt",
    "CREATE VIEW reporting.v_big AS SELECT id FROM reporting.big",
    "SELEC id FROM orders",
];

#[tokio::test]
async fn activity_popularity_and_lineage_of_queries_started_read_write_are_scanned_read_only() {
    let admin = aws_sdk_athena::Client::new(&Emulator::get().admin_config().await);
    let wg = unique("wga");
    admin.create_work_group().name(&wg).send().await.unwrap();
    let rw = connect(AccessLevel::ReadWrite).await;
    let before = DateTime::from(SystemTime::now() - Duration::from_secs(1));
    let mut started = Vec::new();
    for q in SQL {
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
    let after = DateTime::from(SystemTime::now() + Duration::from_secs(1));

    let ro = connect(AccessLevel::ReadOnly).await;
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

    // Activity: every execution, analysed in its context, in the order started.
    let (mut records, skipped, incomplete) =
        drain(&QueryActivityScanner::new(&ro, Some(wg.clone()))).await;
    assert!(skipped.is_empty(), "nothing is denied: {skipped:?}");
    assert!(
        incomplete.is_empty(),
        "the batch is answered: {incomplete:?}"
    );
    records.sort_by_key(|r| {
        started
            .iter()
            .position(|s| r.query_execution_id.as_ref() == Some(s))
    });
    let ids: Vec<_> = records
        .iter()
        .map(|r| r.query_execution_id.clone().unwrap())
        .collect();
    assert_eq!(ids, started, "one record per execution, none made up");
    let got: Vec<_> = records
        .iter()
        .map(|r| (r.statement_kind, r.reads.clone(), r.writes.clone()))
        .collect();
    let orders = t("sales", "orders");
    let customers = t("crm", "customers");
    assert_eq!(
        got,
        vec![
            (
                Some(StatementKind::Select),
                vec![customers.clone(), orders.clone()],
                None
            ),
            (
                Some(StatementKind::CreateTableAs),
                vec![orders.clone()],
                table("reporting", "big")
            ),
            (
                Some(StatementKind::Insert),
                vec![customers.clone(), orders.clone()],
                table("reporting", "daily")
            ),
            (
                Some(StatementKind::CreateView),
                vec![t("reporting", "big")],
                table("reporting", "v_big")
            ),
            (None, vec![], None),
        ]
    );
    let bad = records[4]
        .analysis_error
        .as_ref()
        .expect("SELEC does not parse");
    assert_eq!(bad.reason, SqlErrorReason::Parse, "{bad:?}");
    for (r, sql) in records.iter().zip(SQL) {
        assert_eq!(r.workgroup.as_deref(), Some(wg.as_str()), "{sql}");
        assert_eq!(r.database.as_deref(), Some("sales"), "{sql}");
        assert_eq!(r.state.as_deref(), Some("SUCCEEDED"), "{sql}");
        assert_eq!(r.attribution, Attribution::NotRequested, "{sql}");
        assert!(r.principal.is_none(), "{sql}");
        let submitted = DateTime::from_str(r.submitted.as_deref().unwrap(), Format::DateTime)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert!(
            before <= submitted && submitted <= after,
            "{sql}: {submitted}"
        );
        assert_eq!(r.data_scanned_bytes, Some(0), "moto scans nothing: {sql}");
    }

    // Popularity: one record per table read or written, sorted by table.
    let (pop, skipped, incomplete) =
        drain(&TablePopularityScanner::new(&ro, Some(wg.clone()))).await;
    assert!(
        skipped.is_empty() && incomplete.is_empty(),
        "{skipped:?} {incomplete:?}"
    );
    let counts: Vec<_> = pop
        .iter()
        .map(|p| (p.table.clone(), p.query_count, p.read_count, p.write_count))
        .collect();
    assert_eq!(
        counts,
        vec![
            (customers.clone(), 2, 2, 0),
            (t("reporting", "big"), 2, 1, 1),
            (t("reporting", "daily"), 1, 0, 1),
            (t("reporting", "v_big"), 1, 0, 1),
            (orders.clone(), 3, 3, 0),
        ]
    );
    let last_of = |n: usize| records[n].submitted.clone();
    for p in &pop {
        assert_eq!(p.workgroup.as_deref(), Some(wg.as_str()));
        assert_eq!((p.queries_total, p.queries_unparsed), (5, 1), "{p:?}");
        assert_eq!(p.data_scanned_bytes, 0, "{p:?}");
        assert_eq!(p.data_scanned_unknown, 0, "moto gives the bytes: {p:?}");
        assert_eq!(p.distinct_principals, None, "no CloudTrail asked: {p:?}");
        assert_eq!(p.queries_unattributed, p.query_count, "{p:?}");
    }
    // The latest execution naming each table: orders and customers by the INSERT (3rd),
    // reporting.big by the view (4th).
    assert_eq!(pop[4].last_queried, last_of(2), "{:?}", pop[4]);
    assert_eq!(pop[0].last_queried, last_of(2), "{:?}", pop[0]);
    assert_eq!(pop[1].last_queried, last_of(3), "{:?}", pop[1]);

    // Lineage: the CTAS and the INSERT make edges (one per table read); the SELECT, the view
    // (Glue view lineage covers views) and the unparsable statement make none.
    let (edges, skipped, incomplete) = drain(&LineageScanner::new(&ro, Some(wg.clone()))).await;
    assert!(
        skipped.is_empty() && incomplete.is_empty(),
        "{skipped:?} {incomplete:?}"
    );
    let mut got: Vec<_> = edges
        .iter()
        .map(|e| {
            (
                started
                    .iter()
                    .position(|s| e.query_execution_id.as_ref() == Some(s))
                    .expect("an edge of a started query"),
                e.statement_kind,
                e.source.clone(),
                e.target.clone(),
            )
        })
        .collect();
    got.sort_by(|a, b| (a.0, &a.2).cmp(&(b.0, &b.2)));
    assert_eq!(
        got,
        vec![
            (
                1,
                StatementKind::CreateTableAs,
                orders.clone(),
                table("reporting", "big").unwrap()
            ),
            (
                2,
                StatementKind::Insert,
                customers.clone(),
                table("reporting", "daily").unwrap()
            ),
            (
                2,
                StatementKind::Insert,
                orders.clone(),
                table("reporting", "daily").unwrap()
            ),
        ]
    );
    for e in &edges {
        assert_eq!(e.state.as_deref(), Some("SUCCEEDED"));
        assert!(e.submitted.is_some());
    }

    // A window: the executions submitted in it, on moto's real submission times.
    let future = DateTime::from(SystemTime::now() + Duration::from_secs(3600));
    let later = TimeWindow::new("since", Some(future), None).unwrap();
    let (none, skipped, incomplete) =
        drain(&TablePopularityScanner::new(&ro, Some(wg.clone())).with_window(later)).await;
    assert!(none.is_empty() && skipped.is_empty() && incomplete.is_empty());
    let around = TimeWindow::new("since", Some(before), Some(after)).unwrap();
    let (inside, _, incomplete) =
        drain(&QueryActivityScanner::new(&ro, Some(wg)).with_window(around)).await;
    assert!(incomplete.is_empty(), "{incomplete:?}");
    assert_eq!(inside.len(), SQL.len());
}
