//! Every Glue and Athena operator's declared `ACTIONS` equal the IAM actions its requests need,
//! recorded at the transport (the test kit's proxy in front of the emulator): an operator
//! sending an action it does not declare, or declaring one it never sends, fails (issue 11,
//! item 4). Calls the emulator answers with an error still show what was sent.
//!
//! Needs the emulator: `bash scripts/emulator.sh start` (started automatically if possible).

use aws_sdk_glue::types::{Column, DatabaseInput, PartitionInput, StorageDescriptor, TableInput};
use chicory_aws_core::AccessLevel;
use chicory_aws_policy::permissions::{permission_policy, Integration, PolicyOptions};
use chicory_aws_testkit::conformance::fast_retries;
use chicory_aws_testkit::faults::FaultProxy;
use chicory_aws_testkit::sent::assert_sent_equals_declared;
use chicory_aws_testkit::{unique, Emulator};
use serde_json::json;

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
    ];
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
        &[],
        &not_reached,
    )
    .await;
}
