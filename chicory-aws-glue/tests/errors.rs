//! Errors keep their kind through every path (issue 11 item 10): when the customer's role
//! cannot be assumed, connect, a raw SDK client, a library operator and a scanner all say
//! AccessDenied with AWS's code and the guide's remedy, not "glue:GetDatabases failed"; and a
//! scan whose credentials fail is incomplete, never "skipped".

use chicory_aws_core::{AccessLevel, Connection, Error, ErrorKind, Operator, ScanItem, Scanner};
use chicory_aws_glue::{CatalogOptions, DatabaseScanner, GetTable, TableRef};
use chicory_aws_testkit::{FakeSts, StsBehaviour, TestClock};
use futures::StreamExt;
use std::time::Duration;

async fn denied_account() -> FakeSts {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
    sts.set_behaviour(StsBehaviour::Fail {
        status: 403,
        code: "AccessDenied",
    });
    sts
}

async fn unverified(sts: &FakeSts) -> Connection {
    // `build` does not call STS: the first request does.
    sts.connection(AccessLevel::ReadOnly).build().await.unwrap()
}

fn assert_assume_role_denied(e: &Error, path: &str) {
    assert_eq!(e.kind(), ErrorKind::AccessDenied, "{path}: {e}");
    assert_eq!(e.code(), Some("AccessDenied"), "{path}: {e}");
    assert_eq!(e.status(), Some(403), "{path}: {e}");
    assert_eq!(e.operation(), Some("sts:AssumeRole"), "{path}: {e}");
    let hint = e.hint().unwrap_or_else(|| panic!("{path}: no remedy: {e}"));
    assert!(hint.contains("External ID"), "{path}: {hint}");
    assert!(e.to_string().contains("hint:"), "{path}: {e}");
}

#[tokio::test]
async fn connect_says_access_denied_with_the_remedy() {
    let sts = denied_account().await;
    let e = sts
        .connection(AccessLevel::ReadOnly)
        .connect()
        .await
        .unwrap_err();
    assert_assume_role_denied(&e, "connect");
}

#[tokio::test]
async fn a_raw_sdk_client_error_keeps_the_kind_of_the_failed_assume_role() {
    let sts = denied_account().await;
    let conn = unverified(&sts).await;
    let err = aws_sdk_glue::Client::new(conn.unchecked_sdk_config())
        .get_databases()
        .send()
        .await
        .unwrap_err();
    let e = Error::from_sdk(err, chicory_aws_core::actions::glue::GET_DATABASES);
    assert_assume_role_denied(&e, "raw client");
    assert!(
        e.to_string()
            .contains("glue:GetDatabases failed: sts:AssumeRole failed"),
        "names both: {e}"
    );
}

#[tokio::test]
async fn an_operator_error_keeps_the_kind_of_the_failed_assume_role() {
    let sts = denied_account().await;
    let conn = unverified(&sts).await;
    let e = GetTable::new(&conn)
        .call(TableRef {
            database: "sales".into(),
            table: "orders".into(),
            catalog_id: None,
        })
        .await
        .unwrap_err();
    assert_assume_role_denied(&e, "operator");
}

#[tokio::test]
async fn a_scan_whose_role_cannot_be_assumed_is_incomplete_not_skipped() {
    let sts = denied_account().await;
    let conn = unverified(&sts).await;
    let scanner = DatabaseScanner::new(&conn, CatalogOptions::default()).unwrap();
    let items: Vec<_> = scanner.scan().collect().await;
    assert!(!items.is_empty());
    for item in &items {
        match item {
            Err(e) => assert_assume_role_denied(e, "scanner"),
            Ok(ScanItem::Skipped(s)) => panic!("a failed AssumeRole is not a skip: {s:?}"),
            Ok(ScanItem::Record(_)) => panic!("no record without credentials"),
        }
    }
}

/// Tool input is checked before any request: the denied STS fake counts every AssumeRole, and
/// any request would need one.
#[tokio::test]
async fn bad_tool_input_names_its_field_and_sends_nothing() {
    use chicory_aws_core::Tool;
    use chicory_aws_glue::SearchTables;
    use serde_json::json;
    let sts = denied_account().await;
    let conn = unverified(&sts).await;
    let get_table = GetTable::new(&conn);
    let search = SearchTables::new(&conn);
    let cases: Vec<(&dyn Tool, serde_json::Value, &str)> = vec![
        (&get_table, json!(["sales"]), "input"),
        (&get_table, json!({"database": 5, "table": "t"}), "database"),
        (&get_table, json!({"database": "sales"}), "table"),
        (
            &get_table,
            json!({"database": "sa\nles", "table": "t"}),
            "database",
        ),
        (
            &get_table,
            json!({"database": "sa\0les", "table": "t"}),
            "database",
        ),
        (
            &get_table,
            json!({"database": "sales", "table": "t", "catalog_id": "abc"}),
            "catalog_id",
        ),
        (
            &search,
            json!({"search_text": "x".repeat(1 << 20)}),
            "search_text",
        ),
        (&search, json!({"catalog_id": "abc"}), "catalog_id"),
    ];
    for (tool, input, field) in cases {
        let e = tool.call_json(input.clone()).await.unwrap_err();
        let shown: String = input.to_string().chars().take(60).collect();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{shown}: {e}");
        assert_eq!(e.field(), Some(field), "{shown}: {e}");
        let text = e.to_string();
        assert!(
            !text.contains('\n') && !text.contains('\0'),
            "not echoed: {text:?}"
        );
    }
    assert_eq!(sts.assume_role_calls().await, 0, "no request was sent");
}

/// The input schema says what the tool requires: `glue_get_table` needs its table.
#[test]
fn get_table_schema_requires_the_table() {
    let schema = serde_json::to_value(schemars::schema_for!(TableRef)).unwrap();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, ["database", "table"]);
}
