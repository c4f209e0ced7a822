//! Every Glue and Athena operator's declared `ACTIONS` equal the IAM actions its requests need,
//! recorded at the transport (the test kit's proxy in front of the emulator): an operator
//! sending an action it does not declare, or declaring one it never sends, fails (issue 11,
//! item 4). Calls the emulator answers with an error still show what was sent.
//!
//! The query-activity scanners and operators are checked against the Coalesce scope "Glue with
//! Athena query activity and CloudTrail" (issue 13 item 7), CloudTrail on the test kit's fake.
//!
//! Needs the emulator: `bash scripts/emulator.sh start` (started automatically if possible).

use aws_sdk_glue::types::{Column, DatabaseInput, PartitionInput, StorageDescriptor, TableInput};
use chicory_aws_core::scan::PageRetry;
use chicory_aws_core::{AccessLevel, ScanItem, Scanner};
use chicory_aws_glue::{
    CatalogOptions, IntegrationAuditScanner, LineageScanner, QueryActivityScanner,
    TablePopularityScanner, TimeWindow, ViewLineageScanner,
};
use chicory_aws_policy::permissions::{
    coalesce_policy, permission_policy, CoalesceScope, Integration, PolicyOptions,
};
use chicory_aws_policy::scope::ResourceScope;
use chicory_aws_testkit::cloudtrail::{self, FakeEvent};
use chicory_aws_testkit::conformance::fast_retries;
use chicory_aws_testkit::faults::FaultProxy;
use chicory_aws_testkit::sent::assert_sent_equals_declared;
use chicory_aws_testkit::{unique, Emulator};
use futures::StreamExt;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

#[tokio::test]
async fn every_glue_and_athena_operator_sends_exactly_its_declared_actions() {
    let emu = Emulator::get();
    let policy = permission_policy(
        Integration::Glue,
        AccessLevel::ReadWrite,
        &PolicyOptions::default(),
    )
    .unwrap()
    .to_json_compact();
    let ext = format!("chicory-{}", unique("sent"));
    let (vendor, params) = emu.customer(&ext, &[("Glue", policy.as_str())]).await;
    let proxy = FaultProxy::start(emu.endpoint(), 1).await;
    let conn = fast_retries(
        emu.connection(&vendor, params.with_access_level(AccessLevel::ReadWrite))
            .service_endpoint_url("glue", proxy.url())
            .service_endpoint_url("athena", proxy.url()),
    )
    .connect()
    .await
    .unwrap();

    // A database with a partitioned table and one partition; a workgroup and a query.
    let admin = emu.admin_config().await;
    let glue = aws_sdk_glue::Client::new(&admin);
    let db = unique("sent").replace('-', "_");
    glue.create_database()
        .database_input(DatabaseInput::builder().name(&db).build().unwrap())
        .send()
        .await
        .unwrap();
    let col = |n: &str, t: &str| Column::builder().name(n).r#type(t).build().unwrap();
    glue.create_table()
        .database_name(&db)
        .table_input(
            TableInput::builder()
                .name("orders")
                .storage_descriptor(
                    StorageDescriptor::builder()
                        .columns(col("id", "bigint"))
                        .location("s3://lake/orders/")
                        .build(),
                )
                .partition_keys(col("dt", "string"))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    glue.create_partition()
        .database_name(&db)
        .table_name("orders")
        .partition_input(PartitionInput::builder().values("2024-01-01").build())
        .send()
        .await
        .unwrap();
    let athena = aws_sdk_athena::Client::new(&admin);
    let query_id = athena
        .start_query_execution()
        .query_string("SELECT 1")
        .send()
        .await
        .unwrap()
        .query_execution_id
        .unwrap();

    let (d, q) = (db.as_str(), query_id.as_str());
    let wg = unique("sent-wg");
    let rs = unique("sent-rs");
    let table = json!({"database": d, "table": "orders"});
    let stats = json!([{
        "column_name": "id", "column_type": "bigint",
        "statistics": {"type": "boolean", "number_of_trues": 1, "number_of_falses": 1, "number_of_nulls": 0}
    }]);
    let part = json!(["2024-01-01"]);
    let calls = vec![
        ("glue_get_database", json!({ "database": d })),
        ("glue_get_table", json!({"database": d, "table": "orders"})),
        ("glue_search_tables", json!({ "search_text": "orders" })),
        ("glue_check_visibility", json!({ "database": d })),
        (
            "glue_check_visibility",
            json!({"database": d, "table": "orders"}),
        ),
        (
            "glue_check_visibility",
            json!({"database": d, "table": "missing"}),
        ),
        (
            "glue_create_data_quality_ruleset",
            json!({"name": rs, "ruleset": "Rules = [ RowCount > 0 ]", "target_table": table}),
        ),
        ("glue_get_data_quality_ruleset", json!({ "name": rs })),
        (
            "glue_update_data_quality_ruleset",
            json!({"name": rs, "ruleset": "Rules = [ RowCount > 1 ]"}),
        ),
        ("glue_list_data_quality_rulesets", json!({})),
        (
            "glue_start_data_quality_recommendation_run",
            json!({"table": table, "role": "AWSGlueServiceRole-dq"}),
        ),
        (
            "glue_start_data_quality_evaluation_run",
            json!({"table": table, "role": "AWSGlueServiceRole-dq", "ruleset_names": [rs]}),
        ),
        (
            "glue_get_data_quality_recommendation_run",
            json!({ "run_id": "dqrun-0001" }),
        ),
        (
            "glue_get_data_quality_evaluation_run",
            json!({ "run_id": "dqrun-0001" }),
        ),
        ("glue_list_data_quality_results", json!({})),
        ("glue_delete_data_quality_ruleset", json!({ "name": rs })),
        (
            "glue_update_column_statistics",
            json!({"database": d, "table": "orders", "statistics": stats}),
        ),
        (
            "glue_update_column_statistics",
            json!({"database": d, "table": "orders", "partition_values": part, "statistics": stats}),
        ),
        (
            "glue_get_column_statistics",
            json!({"database": d, "table": "orders", "column_names": ["id"]}),
        ),
        (
            "glue_get_column_statistics",
            json!({"database": d, "table": "orders", "partition_values": part, "column_names": ["id"]}),
        ),
        (
            "glue_delete_column_statistics",
            json!({"database": d, "table": "orders", "column_name": "id"}),
        ),
        (
            "glue_delete_column_statistics",
            json!({"database": d, "table": "orders", "partition_values": part, "column_name": "id"}),
        ),
        (
            "athena_create_workgroup",
            json!({"name": wg, "output_location": "s3://results/"}),
        ),
        (
            "athena_update_workgroup",
            json!({"name": wg, "description": "chicory"}),
        ),
        (
            "athena_update_data_catalog",
            json!({"name": "AwsDataCatalog", "catalog_type": "GLUE", "parameters": {"catalog-id": emu.account_id()}}),
        ),
        (
            "athena_run_query",
            json!({"query": "SELECT 1", "workgroup": wg, "output_location": "s3://results/", "timeout_secs": 30}),
        ),
        (
            "athena_get_query_results",
            json!({ "query_execution_id": q }),
        ),
        ("athena_stop_query", json!({ "query_execution_id": q })),
        ("athena_delete_workgroup", json!({ "name": wg })),
        (
            "table_lineage",
            json!({"table": format!("{d}.orders"), "depth": 2}),
        ),
        ("table_popularity", json!({ "top": 5 })),
    ];
    let not_driven = [(
        "who_queried",
        "needs CloudTrail, which the emulator lacks and the proxy does not name; its sent \
         actions are checked on the CloudTrail fake by \
         the_query_activity_and_cloudtrail_scope_grants_exactly_what_is_sent",
    )];
    let not_reached = [(
        "athena_run_query",
        "athena:StopQueryExecution",
        "sent only when the query outlives timeout_secs; the emulator's queries finish at once \
         (the stop itself is athena_stop_query's, checked here)",
    )];
    assert_sent_equals_declared(
        &proxy,
        &chicory_aws_glue::tools(&conn),
        &calls,
        &not_driven,
        &not_reached,
    )
    .await;
}

/// The IAM actions a policy document grants (every `Action` of its Allow statements).
fn granted(doc: &chicory_aws_policy::document::PolicyDocument) -> BTreeSet<String> {
    let v: Value = serde_json::from_str(&doc.to_json_compact()).unwrap();
    let mut out = BTreeSet::new();
    for st in v["Statement"].as_array().unwrap() {
        assert_eq!(st["Effect"], "Allow", "{st}");
        match &st["Action"] {
            Value::String(a) => {
                out.insert(a.clone());
            }
            Value::Array(a) => out.extend(a.iter().map(|a| a.as_str().unwrap().to_owned())),
            other => panic!("unexpected Action {other}"),
        }
    }
    out
}

/// The IAM actions of the requests `server` (the CloudTrail fake) received from `from` on.
async fn cloudtrail_actions(server: &wiremock::MockServer, from: usize) -> BTreeSet<String> {
    let got = server.received_requests().await.unwrap_or_default();
    got[from..]
        .iter()
        .map(|r| {
            let target = r
                .headers
                .get("x-amz-target")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let op = target.rsplit('.').next().unwrap_or(target);
            format!("cloudtrail:{op}")
        })
        .collect()
}

/// Every item of a scan: how many records, skipped parts and incomplete parts' errors.
async fn gaps<S: Scanner>(
    s: &S,
) -> (
    usize,
    Vec<chicory_aws_core::Skipped>,
    Vec<chicory_aws_core::Error>,
) {
    let (mut records, mut skipped, mut incomplete) = (0, vec![], vec![]);
    let mut items = s.scan();
    while let Some(item) = items.next().await {
        match item {
            Ok(ScanItem::Record(_)) => records += 1,
            Ok(ScanItem::Skipped(p)) => skipped.push(p),
            Err(e) => incomplete.push(e),
        }
    }
    (records, skipped, incomplete)
}

/// Issue 13 item 7: the onboarding policy of the Coalesce scope "Glue with Athena query
/// activity and CloudTrail" grants exactly what the query-activity scanners and operators send.
/// A role holding only that policy (IAM enforced by the emulator for Glue and Athena; the
/// CloudTrail fake for LookupEvents) runs each of them through the proxy: each sends exactly its
/// declared actions and none is denied; every action sent is granted; and what the scope adds
/// to "Glue with Athena query activity" (its CloudTrail statement) is exactly the CloudTrail
/// actions sent, only by the attribution, audit and `who_queried`, while the others need
/// nothing beyond the narrower scope.
/// Every scan and call is complete (the emulator's launcher answers `BatchGetQueryExecution`,
/// which moto 5.2 lacks), and the history's scanners find the query started.
#[tokio::test]
async fn the_query_activity_and_cloudtrail_scope_grants_exactly_what_is_sent() {
    let emu = Emulator::get();
    let all = ResourceScope::all();
    let scope_doc = coalesce_policy(CoalesceScope::GlueWithAthenaAndCloudTrail, &all).unwrap();
    let narrower = granted(&coalesce_policy(CoalesceScope::GlueWithAthena, &all).unwrap());
    let scope = granted(&scope_doc);
    let policy = scope_doc.to_json_compact();
    let ext = format!("chicory-{}", unique("ct-scope"));
    let (vendor, params) = emu.customer(&ext, &[("Coalesce", policy.as_str())]).await;
    let proxy = FaultProxy::start(emu.endpoint(), 7).await;
    let (ct_server, ct) = cloudtrail::serve("ASIA").await;
    let conn = emu
        .connection(&vendor, params.with_access_level(AccessLevel::ReadOnly))
        .service_endpoint_url("glue", proxy.url())
        .service_endpoint_url("athena", proxy.url())
        .service_endpoint_url("cloudtrail", ct_server.uri())
        .retry_config(aws_smithy_types::retry::RetryConfig::standard().with_max_attempts(1))
        .page_retry(PageRetry::none())
        .connect()
        .await
        .unwrap();

    // A workgroup with one query, a database with a table and a view; the query's start and
    // one call of the integration's session in the trail.
    let admin = emu.admin_config().await;
    let athena = aws_sdk_athena::Client::new(&admin);
    let wg = unique("ctwg");
    athena.create_work_group().name(&wg).send().await.unwrap();
    let query_id = athena
        .start_query_execution()
        .query_string("INSERT INTO sales.daily SELECT * FROM sales.orders")
        .work_group(&wg)
        .send()
        .await
        .unwrap()
        .query_execution_id
        .unwrap();
    let glue = aws_sdk_glue::Client::new(&admin);
    let db = unique("ctdb").replace('-', "_");
    glue.create_database()
        .database_input(DatabaseInput::builder().name(&db).build().unwrap())
        .send()
        .await
        .unwrap();
    glue.create_table()
        .database_name(&db)
        .table_input(
            TableInput::builder()
                .name("orders_view")
                .table_type("VIRTUAL_VIEW")
                .view_original_text("SELECT * FROM orders")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    ct.add([
        FakeEvent::start_query(&query_id, "arn:aws:iam::123456789012:user/alice", now - 5.0),
        FakeEvent::call(
            "GetTables",
            "glue.amazonaws.com",
            now - 4.0,
            "arn:aws:sts::123456789012:assumed-role/x/chicory-integration-session",
            "chicory-integration-session",
            "ASIAX",
            None,
        ),
    ]);

    let window = TimeWindow::last(Duration::from_secs(3600));
    let w = || Some(wg.clone());
    let mut sent_by: BTreeMap<&str, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    let mut problems = Vec::new();
    macro_rules! scanner {
        ($name:literal, $s:expr) => {{
            let s = $s;
            proxy.reset_counts();
            let from = ct_server
                .received_requests()
                .await
                .unwrap_or_default()
                .len();
            let (records, skipped, incomplete) = gaps(&s).await;
            let mut sent: BTreeSet<String> = proxy.counts().actions.into_keys().collect();
            sent.extend(cloudtrail_actions(&ct_server, from).await);
            let declared: BTreeSet<String> = s.actions().iter().map(|a| a.iam_name()).collect();
            if !skipped.is_empty() {
                problems.push(format!("{}: denied under the scope: {skipped:?}", $name));
            }
            for e in &incomplete {
                problems.push(format!("{}: incomplete: {e}", $name));
            }
            // The history's scanners see the query started (an INSERT: one lineage edge).
            if $name.starts_with("athena_") && records == 0 {
                problems.push(format!("{}: no record of the query {query_id}", $name));
            }
            sent_by.insert($name, (sent, declared));
        }};
    }
    scanner!(
        "athena_query_activity+cloudtrail",
        QueryActivityScanner::new(&conn, w())
            .with_window(window)
            .with_cloudtrail(true)
    );
    scanner!(
        "athena_table_popularity+cloudtrail",
        TablePopularityScanner::new(&conn, w())
            .with_window(window)
            .with_cloudtrail(true)
    );
    scanner!(
        "athena_query_activity",
        QueryActivityScanner::new(&conn, w()).with_window(window)
    );
    scanner!(
        "athena_table_popularity",
        TablePopularityScanner::new(&conn, w()).with_window(window)
    );
    scanner!(
        "athena_lineage",
        LineageScanner::new(&conn, w()).with_window(window)
    );
    scanner!(
        "glue_view_lineage",
        ViewLineageScanner::new(&conn, CatalogOptions::default()).unwrap()
    );
    scanner!(
        "integration_audit",
        IntegrationAuditScanner::new(&conn, window)
    );
    assert!(
        ct.unsigned() == 0 && ct.requests() > 0,
        "CloudTrail requests not signed by the session"
    );

    let tools = chicory_aws_glue::tools(&conn);
    let since = "2000-01-01T00:00:00Z";
    let calls = [
        (
            "table_lineage",
            json!({"table": format!("{db}.orders"), "workgroup": wg, "since": since}),
        ),
        ("table_popularity", json!({"workgroup": wg, "since": since})),
        (
            "who_queried",
            json!({"table": "sales.orders", "workgroup": wg, "since": since}),
        ),
    ];
    for (name, input) in calls {
        let tool = tools.iter().find(|t| t.name() == name).unwrap();
        proxy.reset_counts();
        let from = ct_server
            .received_requests()
            .await
            .unwrap_or_default()
            .len();
        let out = tool.call_json(input).await;
        let mut sent: BTreeSet<String> = proxy.counts().actions.into_keys().collect();
        sent.extend(cloudtrail_actions(&ct_server, from).await);
        let declared: BTreeSet<String> = tool.actions().iter().map(|a| a.iam_name()).collect();
        match out {
            Ok(v) => {
                if !v["skipped"].as_array().unwrap().is_empty() {
                    problems.push(format!("{name}: denied under the scope: {v}"));
                }
                for i in v["incomplete"].as_array().unwrap() {
                    problems.push(format!("{name}: incomplete: {i}"));
                }
                // The query read sales.orders; its start in the trail names alice.
                if name == "who_queried" && !v.to_string().contains("user/alice") {
                    problems.push(format!("{name}: alice not named: {v}"));
                }
            }
            Err(e) => problems.push(format!("{name}: {e}")),
        }
        sent_by.insert(name, (sent, declared));
    }

    let mut all_sent = BTreeSet::new();
    for (name, (sent, declared)) in &sent_by {
        eprintln!("{name}: sent {sent:?}");
        if sent != declared {
            problems.push(format!(
                "{name}: sends {:?} it does not declare; declares {:?} it never sent",
                sent.difference(declared).collect::<Vec<_>>(),
                declared.difference(sent).collect::<Vec<_>>()
            ));
        }
        let uses_cloudtrail = sent.iter().any(|a| a.starts_with("cloudtrail:"));
        let expected =
            name.ends_with("+cloudtrail") || *name == "integration_audit" || *name == "who_queried";
        if uses_cloudtrail != expected {
            problems.push(format!("{name}: uses CloudTrail: {uses_cloudtrail}"));
        }
        if !uses_cloudtrail && !sent.is_subset(&narrower) {
            problems.push(format!(
                "{name}: needs {:?} beyond the Glue-with-Athena scope",
                sent.difference(&narrower).collect::<Vec<_>>()
            ));
        }
        all_sent.extend(sent.iter().cloned());
    }
    let not_granted: Vec<_> = all_sent.difference(&scope).collect();
    if !not_granted.is_empty() {
        problems.push(format!("the scope does not grant {not_granted:?}"));
    }
    // What the CloudTrail scope adds is exactly what is sent to CloudTrail.
    let added: BTreeSet<String> = scope.difference(&narrower).cloned().collect();
    let cloudtrail_sent: BTreeSet<String> = all_sent
        .iter()
        .filter(|a| a.starts_with("cloudtrail:"))
        .cloned()
        .collect();
    if added != cloudtrail_sent {
        problems.push(format!(
            "the CloudTrail scope adds {added:?}, the scanners send {cloudtrail_sent:?}"
        ));
    }
    eprintln!(
        "granted by the scope for other scanners (Glue metadata, Athena metadata): {:?}",
        scope.difference(&all_sent).collect::<Vec<_>>()
    );
    assert!(problems.is_empty(), "\n  {}", problems.join("\n  "));
}
