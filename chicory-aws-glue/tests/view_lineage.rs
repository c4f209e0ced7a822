//! Lineage of Glue views from their definitions, on a Glue fake: an Athena (Presto) view whose
//! definition is base64 JSON, a Hive view with plain SQL, a view that does not parse (emitted
//! with its reason), and a table (not a view: no record).

use base64::Engine as _;
use chicory_aws_core::{AccessLevel, ScanItem, Scanner};
use chicory_aws_glue::{CatalogOptions, SqlErrorReason, TableName, ViewLineageScanner};
use chicory_aws_testkit::glue::{glue_op, ok, one_attempt, sts};
use futures::StreamExt;
use serde_json::json;

fn presto(sql: &str, schema: &str) -> String {
    let doc = json!({"originalSql": sql, "catalog": "awsdatacatalog", "schema": schema,
        "columns": [{"name": "id", "type": "bigint"}], "owner": "analyst"});
    let b64 = base64::engine::general_purpose::STANDARD.encode(doc.to_string());
    format!("/* Presto View: {b64} */")
}

fn view(name: &str, text: &str) -> serde_json::Value {
    json!({"Name": name, "DatabaseName": "sales", "TableType": "VIRTUAL_VIEW",
        "ViewOriginalText": text, "CreateTime": 1.7e9,
        "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "bigint"}]}})
}

fn name(db: &str, t: &str) -> TableName {
    TableName::new("awsdatacatalog", db, t)
}

#[tokio::test]
async fn each_view_names_the_tables_its_definition_reads() {
    let sts = sts().await;
    glue_op("GetDatabases")
        .respond_with(ok(json!({"DatabaseList": [{"Name": "sales"}]})))
        .mount(sts.server())
        .await;
    let tables = json!({"TableList": [
        view("eu_orders", &presto(
            "SELECT o.id, c.country FROM orders o JOIN crm.customers c ON o.cid = c.id WHERE c.region = 'eu'",
            "sales",
        )),
        view("big_refunds", "SELECT id FROM refunds WHERE amount > 100"),
        view("broken", &presto("SELEC id FROM orders", "sales")),
        {"Name": "orders", "DatabaseName": "sales", "TableType": "EXTERNAL_TABLE",
         "CreateTime": 1.7e9, "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "bigint"}]}}
    ]});
    glue_op("GetTables")
        .respond_with(ok(tables))
        .mount(sts.server())
        .await;
    let conn = one_attempt(&sts, AccessLevel::ReadOnly).await;
    let scanner = ViewLineageScanner::new(&conn, CatalogOptions::default()).unwrap();
    assert_eq!(scanner.name(), "glue_view_lineage");
    let items: Vec<_> = scanner.scan().collect().await;
    let records: Vec<_> = items
        .into_iter()
        .map(|i| match i.expect("no incomplete part") {
            ScanItem::Record(r) => r,
            ScanItem::Skipped(s) => panic!("skipped {s:?}"),
        })
        .collect();
    let views: Vec<_> = records.iter().map(|r| r.view.table.as_str()).collect();
    assert_eq!(
        views,
        ["eu_orders", "big_refunds", "broken"],
        "a table is not a view"
    );

    let eu = &records[0];
    assert_eq!(eu.view, name("sales", "eu_orders"));
    assert_eq!(
        eu.reads,
        [name("crm", "customers"), name("sales", "orders")],
        "the unqualified name resolves in the view's own schema"
    );
    assert!(eu.analysis_error.is_none());
    assert_eq!(
        records[1].reads,
        [name("sales", "refunds")],
        "a Hive view's plain SQL"
    );

    let broken = &records[2];
    assert!(broken.reads.is_empty());
    let err = broken.analysis_error.as_ref().expect("the reason is given");
    assert_eq!(err.reason, SqlErrorReason::Parse);
    assert!(err.message.contains("SELEC"), "{}", err.message);
    assert_eq!(
        serde_json::to_value(broken).unwrap()["kind"],
        "view_lineage"
    );
}
