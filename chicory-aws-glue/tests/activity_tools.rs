//! The query-activity operators (`table_lineage`, `table_popularity`, `who_queried`) as MCP
//! tools (JSON in and out) on a ReadOnly connection, against fakes: the Athena history and the
//! Glue catalog from wiremock (JSON 1.1 shapes of the models), CloudTrail from the test kit's
//! LookupEvents fake. Bad input is refused before any request, naming the field.

use chicory_aws_core::scan::PageRetry;
use chicory_aws_core::{AccessLevel, Connection, ErrorKind, Tool};
use chicory_aws_testkit::cloudtrail::{self, CloudTrailFake, Failure, FakeEvent};
use chicory_aws_testkit::glue::{athena_op as athena, glue_op, ok as json, sts as fake};
use chicory_aws_testkit::FakeSts;
use serde_json::{json, Value};
use std::sync::Arc;

const T0: f64 = 1_700_000_000.0; // 2023-11-14T22:13:20Z
const SINCE: &str = "2023-11-14T00:00:00Z";
const ALICE: &str = "arn:aws:iam::123456789012:user/alice";
const BOB: &str = "arn:aws:sts::123456789012:assumed-role/Analyst/bob";

/// (id, SQL, submitted offset in seconds, who started it)
const HISTORY: &[(&str, &str, f64, &str)] = &[
    (
        "q1",
        "CREATE TABLE reporting.big_orders AS SELECT * FROM orders WHERE amount > 100",
        0.0,
        ALICE,
    ),
    (
        "q2",
        "INSERT INTO reporting.daily SELECT dt, sum(amount) FROM reporting.big_orders GROUP BY dt",
        60.0,
        BOB,
    ),
    (
        "q3",
        "UNLOAD (SELECT * FROM reporting.daily) TO 's3://exports/daily/' WITH (format = 'PARQUET')",
        120.0,
        BOB,
    ),
    (
        "q4",
        "INSERT INTO orders SELECT * FROM raw.events",
        180.0,
        ALICE,
    ),
    (
        "q5",
        "INSERT INTO reporting.big_orders SELECT * FROM orders WHERE amount > 1000",
        240.0,
        ALICE,
    ),
    ("q6", "SELECT count(*) FROM orders", 300.0, BOB),
    // Two days before SINCE: outside every window of these tests.
    (
        "q0",
        "INSERT INTO archive.orders SELECT * FROM orders",
        -2.0 * 86_400.0,
        BOB,
    ),
];

fn execution(i: usize) -> Value {
    let (id, sql, offset, _) = HISTORY[i];
    json!({
        "QueryExecutionId": id, "Query": sql, "WorkGroup": "analysts",
        "QueryExecutionContext": {"Catalog": "AwsDataCatalog", "Database": "sales"},
        "Status": {"State": "SUCCEEDED", "SubmissionDateTime": T0 + offset,
                   "CompletionDateTime": T0 + offset + 5.0},
        "Statistics": {"DataScannedInBytes": 1000, "EngineExecutionTimeInMillis": 10}
    })
}

async fn setup() -> (FakeSts, Arc<CloudTrailFake>) {
    let sts = fake().await;
    let ids: Vec<&str> = HISTORY.iter().map(|h| h.0).collect();
    athena("ListQueryExecutions")
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
    // The Glue catalog: a Hive view over sales.orders, and a table.
    glue_op("GetDatabases")
        .respond_with(json(json!({"DatabaseList": [{"Name": "sales"}]})))
        .mount(sts.server())
        .await;
    glue_op("GetTables")
        .respond_with(json(json!({"TableList": [
            {"Name": "eu_orders", "DatabaseName": "sales", "TableType": "VIRTUAL_VIEW",
             "ViewOriginalText": "SELECT * FROM orders WHERE region = 'eu'", "CreateTime": T0},
            {"Name": "orders", "DatabaseName": "sales", "TableType": "EXTERNAL_TABLE",
             "CreateTime": T0}
        ]})))
        .mount(sts.server())
        .await;
    let ct = cloudtrail::mount(sts.server(), "ASIAFAKE").await;
    ct.add(
        HISTORY
            .iter()
            .map(|(id, _, offset, who)| FakeEvent::start_query(id, who, T0 + offset)),
    );
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

fn tool(conn: &Connection, name: &str) -> Box<dyn Tool> {
    let t = chicory_aws_glue::tools(conn)
        .into_iter()
        .find(|t| t.name() == name)
        .unwrap_or_else(|| panic!("{name} is registered"));
    assert_eq!(t.required_level(), AccessLevel::ReadOnly, "{name}");
    t
}

/// (depth, source, target, via, query count)
fn links(v: &Value) -> Vec<(u64, String, String, String, u64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let s = &l["source"];
            let target = match l["target"]["type"].as_str().unwrap() {
                "table" => {
                    let t = &l["target"]["target"];
                    format!("{}.{}.{}", t["catalog"], t["database"], t["table"]).replace('"', "")
                }
                _ => l["target"]["target"].as_str().unwrap().to_owned(),
            };
            (
                l["depth"].as_u64().unwrap(),
                format!("{}.{}.{}", s["catalog"], s["database"], s["table"]).replace('"', ""),
                target,
                l["via"].as_str().unwrap().to_owned(),
                l["query_count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn link(d: u64, s: &str, t: &str, via: &str, n: u64) -> (u64, String, String, String, u64) {
    (d, s.into(), t.into(), via.into(), n)
}

#[tokio::test]
async fn table_lineage_walks_upstream_and_downstream_to_the_depth() {
    let (sts, _ct) = setup().await;
    let conn = connect(&sts).await;
    let lineage = tool(&conn, "table_lineage");
    let out = lineage
        .call_json(json!({"table": "sales.orders", "depth": 2, "since": SINCE}))
        .await
        .unwrap();
    assert_eq!(out["complete"], true, "{out}");
    assert_eq!(
        links(&out["upstream"]),
        vec![link(
            1,
            "awsdatacatalog.raw.events",
            "awsdatacatalog.sales.orders",
            "query",
            1
        )]
    );
    assert_eq!(
        links(&out["downstream"]),
        vec![
            // q1 (CTAS) and q5 (INSERT) made the same link; q0 is outside the window.
            link(
                1,
                "awsdatacatalog.sales.orders",
                "awsdatacatalog.reporting.big_orders",
                "query",
                2
            ),
            link(
                1,
                "awsdatacatalog.sales.orders",
                "awsdatacatalog.sales.eu_orders",
                "view",
                0
            ),
            link(
                2,
                "awsdatacatalog.reporting.big_orders",
                "awsdatacatalog.reporting.daily",
                "query",
                1
            ),
        ]
    );
    let first = &out["downstream"][0];
    assert_eq!(
        first["statement_kinds"],
        json!(["create_table_as", "insert"])
    );
    assert_eq!(first["query_execution_ids"], json!(["q1", "q5"]));

    // One hop further: the UNLOAD's S3 location.
    let out = lineage
        .call_json(json!({"table": "awsdatacatalog.sales.orders", "depth": 3,
                          "direction": "downstream", "since": SINCE}))
        .await
        .unwrap();
    assert!(out["upstream"].as_array().unwrap().is_empty());
    assert_eq!(
        links(&out["downstream"]).last().unwrap(),
        &link(
            3,
            "awsdatacatalog.reporting.daily",
            "s3://exports/daily/",
            "query",
            1
        )
    );
    // A wider window takes q0 in.
    let out = lineage
        .call_json(
            json!({"table": "sales.orders", "depth": 1, "direction": "downstream",
                          "since": "2023-11-01T00:00:00Z"}),
        )
        .await
        .unwrap();
    assert!(links(&out["downstream"])
        .iter()
        .any(|l| l.2 == "awsdatacatalog.archive.orders"));
}

#[tokio::test]
async fn table_popularity_returns_the_top_tables_of_the_window() {
    let (sts, ct) = setup().await;
    let conn = connect(&sts).await;
    let out = tool(&conn, "table_popularity")
        .call_json(json!({"top": 2, "since": SINCE, "workgroup": "analysts"}))
        .await
        .unwrap();
    let top: Vec<(&str, u64)> = out["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["table"]["table"].as_str().unwrap(),
                t["query_count"].as_u64().unwrap(),
            )
        })
        .collect();
    // orders: q1, q4 (written), q5, q6; big_orders: q1, q2, q5; daily: q2, q3; events: q4.
    assert_eq!(top, vec![("orders", 4), ("big_orders", 3)]);
    assert_eq!(out["tables_total"], 4);
    assert_eq!(out["queries_total"], 6, "q0 is outside the window");
    assert_eq!(out["complete"], true);
    assert_eq!(ct.requests(), 0, "popularity does not ask CloudTrail");
}

#[tokio::test]
async fn who_queried_names_the_principals_and_says_when_cloudtrail_is_denied() {
    let (sts, ct) = setup().await;
    let conn = connect(&sts).await;
    let who = tool(&conn, "who_queried");
    let out = who
        .call_json(json!({"table": "sales.orders", "since": SINCE}))
        .await
        .unwrap();
    assert_eq!(out["attribution"], "complete", "{out}");
    assert_eq!(out["query_count"], 4);
    assert_eq!(out["queries_unattributed"], 0);
    let got: Vec<(&str, u64, u64, u64)> = out["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["principal"].as_str().unwrap(),
                p["query_count"].as_u64().unwrap(),
                p["read_count"].as_u64().unwrap(),
                p["write_count"].as_u64().unwrap(),
            )
        })
        .collect();
    // Alice: q1 and q5 read it, q4 wrote it; Bob: q6 read it (q0, his, is outside the window).
    assert_eq!(got, vec![(ALICE, 3, 2, 1), (BOB, 1, 1, 0)]);
    assert_eq!(out["principals"][0]["principal_type"], "IAMUser");
    assert_eq!(ct.unsigned(), 0);

    ct.fail(Some(Failure::Denied));
    let out = who
        .call_json(json!({"table": "sales.orders", "since": SINCE}))
        .await
        .unwrap();
    assert_eq!(out["attribution"], "denied", "{out}");
    assert!(out["principals"].as_array().unwrap().is_empty());
    assert_eq!(out["query_count"], 4);
    assert_eq!(out["queries_unattributed"], 4);
    assert_eq!(out["complete"], true, "denied is skipped, not incomplete");
    let skipped = out["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{out}");
    assert!(skipped[0]["part"]
        .as_str()
        .unwrap()
        .starts_with("cloudtrail:LookupEvents"));
    assert_eq!(skipped[0]["kind"], "AccessDenied");

    ct.fail(Some(Failure::Throttled));
    let out = who
        .call_json(json!({"table": "sales.orders", "since": SINCE}))
        .await
        .unwrap();
    assert_eq!(out["attribution"], "incomplete", "{out}");
    assert_eq!(out["complete"], false);
    assert_eq!(out["incomplete"][0]["kind"], "Throttled");
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request_naming_the_field() {
    let (sts, ct) = setup().await;
    let conn = connect(&sts).await;
    let cases = [
        ("table_lineage", json!({"table": "sales..orders"}), "table"),
        ("table_lineage", json!({"table": "a.b.c.d"}), "table"),
        (
            "table_lineage",
            json!({"table": "sales.orders", "depth": 0}),
            "depth",
        ),
        (
            "table_lineage",
            json!({"table": "sales.orders", "direction": "sideways"}),
            "direction",
        ),
        (
            "table_lineage",
            json!({"table": "sales.orders", "since": "last week"}),
            "since",
        ),
        (
            "table_lineage",
            json!({"table": "sales.orders", "since": "2024-05-02T00:00:00Z",
                   "until": "2024-05-01T00:00:00Z"}),
            "until",
        ),
        ("table_popularity", json!({"top": 0}), "top"),
        ("table_popularity", json!({"top": 1001}), "top"),
        (
            "table_popularity",
            json!({"workgroup": "no spaces"}),
            "workgroup",
        ),
        ("table_popularity", json!({"limit": 3}), "limit"),
        ("who_queried", json!({}), "table"),
        ("who_queried", json!({"table": "sales."}), "table"),
        (
            "who_queried",
            json!({"table": "sales.orders", "until": "soon"}),
            "until",
        ),
    ];
    for (name, input, field) in cases {
        let err = tool(&conn, name)
            .call_json(input.clone())
            .await
            .expect_err(&format!("{name} {input}"));
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidConfig,
            "{name} {input}: {err}"
        );
        assert!(
            err.to_string().contains(field),
            "{name} {input}: {err} does not name {field}"
        );
    }
    assert!(
        sts.service_requests().await.is_empty(),
        "a request was sent for bad input"
    );
    assert_eq!(ct.requests(), 0);
}
