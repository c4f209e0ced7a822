//! A Glue and Athena fake (JSON 1.1 protocol, shapes from the AWS API models) serving a small
//! catalog in pages of [`PAGE`] items, so every listing spans several pages: for scanner
//! conformance runs and tests that need paging without the emulator. Pages follow `NextToken`
//! (`p{offset}`); `Segment` of GetPartitions splits partitions by index modulo the segment
//! count. It answers any signed request (no signature check: the emulator tests do that).

use crate::{FakeSts, TestClock};
use chicory_aws_core::{AccessLevel, Connection};
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

/// Items per page of every listing.
pub const PAGE: usize = 2;
/// Databases of the catalog (`db0`..).
pub const DATABASES: usize = 3;
/// Tables per database (`t0`..); `t0` and `t1` are partitioned.
pub const TABLES: usize = 3;
/// Partitions per partitioned table.
pub const PARTITIONS: usize = 5;
/// Athena query executions in the history (`q000`..).
pub const QUERIES: usize = 120;

const EPOCH: f64 = 1.7e9;

fn page(items: Vec<Value>, body: &Value, key: &str, max: Option<usize>) -> Value {
    let size = max.unwrap_or(PAGE);
    let start: usize = body["NextToken"]
        .as_str()
        .and_then(|t| t.strip_prefix('p'))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let end = (start + size).min(items.len());
    let mut out = json!({ key: items.get(start..end).unwrap_or_default() });
    if end < items.len() {
        out["NextToken"] = json!(format!("p{end}"));
    }
    out
}

fn column(name: &str, ty: &str) -> Value {
    json!({"Name": name, "Type": ty})
}

fn table(db: &str, t: usize) -> Value {
    let mut v = json!({
        "Name": format!("t{t}"), "DatabaseName": db, "TableType": "EXTERNAL_TABLE",
        "CreateTime": EPOCH, "UpdateTime": EPOCH,
        "StorageDescriptor": {
            "Columns": [column("id", "bigint"), column("name", "string")],
            "Location": format!("s3://lake/{db}/t{t}/")
        },
        "PartitionKeys": []
    });
    if t < 2 {
        v["PartitionKeys"] = json!([column("dt", "string")]);
    }
    v
}

/// A JSON 1.1 answer (Glue, Athena): 200 with `v`.
pub fn ok(v: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/x-amz-json-1.1")
        .set_body_json(v)
}

/// A JSON 1.1 error: 400 with `code` (`__type` and `x-amzn-errortype`) and `message`.
pub fn error(code: &str, message: &str) -> ResponseTemplate {
    error_status(400, code, message)
}

/// A JSON 1.1 error with HTTP `status`.
pub fn error_status(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/x-amz-json-1.1")
        .insert_header("x-amzn-errortype", code)
        .set_body_json(json!({"__type": code, "Message": message}))
}

/// A mock of one Glue operation (`AWSGlue.{name}`), for a test's own answers.
pub fn glue_op(name: &str) -> MockBuilder {
    Mock::given(method("POST")).and(header("x-amz-target", format!("AWSGlue.{name}").as_str()))
}

/// A mock of one Athena operation (`AmazonAthena.{name}`).
pub fn athena_op(name: &str) -> MockBuilder {
    Mock::given(method("POST")).and(header(
        "x-amz-target",
        format!("AmazonAthena.{name}").as_str(),
    ))
}

/// The STS fake the Glue and Athena mocks are mounted on, sessions of 15 minutes.
pub async fn sts() -> FakeSts {
    FakeSts::start(TestClock::new(), Duration::from_secs(900)).await
}

/// A connection at `level` to `sts` that makes one attempt per request (a test's answer is
/// what the operator sees).
pub async fn one_attempt(sts: &FakeSts, level: AccessLevel) -> Connection {
    sts.connection(level)
        .retry_config(aws_smithy_types::retry::RetryConfig::standard().with_max_attempts(1))
        .build()
        .await
        .expect("a connection to the fake")
}

/// The JSON 1.1 requests `sts` received whose target starts with `prefix` (`AWSGlue.`,
/// `AmazonAthena.`): the operation and the body, in order.
pub async fn requests(sts: &FakeSts, prefix: &str) -> Vec<(String, Value)> {
    sts.server()
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| {
            let target = r.headers.get("x-amz-target")?.to_str().ok()?.to_owned();
            let op = target.strip_prefix(prefix)?.to_owned();
            Some((op, serde_json::from_slice(&r.body).unwrap_or(Value::Null)))
        })
        .collect()
}

fn answer(op: &str, b: &Value) -> ResponseTemplate {
    let db = b["DatabaseName"].as_str().unwrap_or("");
    let known_db = (0..DATABASES).any(|i| format!("db{i}") == db);
    let tname = b["TableName"].as_str().unwrap_or("");
    let t_index = tname
        .strip_prefix('t')
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n < TABLES);
    match op {
        "GetDatabases" => ok(page(
            (0..DATABASES)
                .map(|i| json!({"Name": format!("db{i}"), "CreateTime": EPOCH}))
                .collect(),
            b,
            "DatabaseList",
            None,
        )),
        "GetTables" if known_db => ok(page(
            (0..TABLES).map(|t| table(db, t)).collect(),
            b,
            "TableList",
            None,
        )),
        "GetPartitions" if known_db && t_index.is_some_and(|t| t < 2) => {
            let (seg, total) = (
                b["Segment"]["SegmentNumber"].as_u64().unwrap_or(0) as usize,
                b["Segment"]["TotalSegments"].as_u64().unwrap_or(1) as usize,
            );
            let parts = (0..PARTITIONS)
                .filter(|i| i % total == seg)
                .map(|i| {
                    json!({"Values": [format!("2024-06-{:02}", i + 1)], "DatabaseName": db,
                        "TableName": tname, "CreationTime": EPOCH,
                        "StorageDescriptor": {"Location": format!("s3://lake/{db}/{tname}/{i}/")}})
                })
                .collect();
            ok(page(parts, b, "Partitions", None))
        }
        "GetTableVersions" if known_db && t_index.is_some() => {
            let t = t_index.unwrap_or(0);
            let versions = (0..3)
                .map(|v| json!({"VersionId": v.to_string(), "Table": table(db, t)}))
                .collect();
            ok(page(versions, b, "TableVersions", None))
        }
        "GetUserDefinedFunctions" if known_db => {
            let udfs = (0..3)
                .map(|i| {
                    json!({"FunctionName": format!("f{i}"), "DatabaseName": db,
                        "ClassName": "com.example.F", "OwnerName": "owner", "CreateTime": EPOCH})
                })
                .collect();
            ok(page(udfs, b, "UserDefinedFunctions", None))
        }
        "GetColumnStatisticsForTable" | "GetColumnStatisticsForPartition" if known_db => {
            let stats: Vec<Value> = b["ColumnNames"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|c| {
                    json!({"ColumnName": c, "ColumnType": "bigint", "AnalyzedTime": EPOCH,
                        "StatisticsData": {"Type": "LONG", "LongColumnStatisticsData": {
                            "MinimumValue": 0, "MaximumValue": 9, "NumberOfNulls": 0,
                            "NumberOfDistinctValues": 10}}})
                })
                .collect();
            ok(json!({"ColumnStatisticsList": stats, "Errors": []}))
        }
        "ListDataQualityRulesets" => {
            let rulesets = (0..5)
                .map(|i| json!({"Name": format!("rs{i}"), "CreatedOn": EPOCH, "RuleCount": 2}))
                .collect();
            ok(page(rulesets, b, "Rulesets", None))
        }
        "ListWorkGroups" => {
            let wgs = (0..5)
                .map(|i| json!({"Name": format!("wg{i}"), "State": "ENABLED", "CreationTime": EPOCH}))
                .collect();
            ok(page(wgs, b, "WorkGroups", None))
        }
        "ListDataCatalogs" => {
            // More catalogs than the scanner reads details of at once (8) plus a page, so a lazy
            // scan shows its first record before it has asked for everything.
            let cats = std::iter::once("AwsDataCatalog".to_owned())
                .chain((1..20).map(|i| format!("lake{i:02}")))
                .map(|c| json!({"CatalogName": c, "Type": "GLUE"}))
                .collect();
            ok(page(cats, b, "DataCatalogsSummary", None))
        }
        "GetDataCatalog" => {
            let name = b["Name"].as_str().unwrap_or("");
            ok(json!({"DataCatalog": {
                "Name": name, "Type": "GLUE", "Description": format!("{name} catalog"),
                "Parameters": {"catalog-id": "123456789012"}
            }}))
        }
        "ListDatabases" => ok(page(
            (0..DATABASES)
                .map(|i| json!({"Name": format!("db{i}")}))
                .collect(),
            b,
            "DatabaseList",
            None,
        )),
        "ListTableMetadata" if known_db => {
            let tables = (0..TABLES)
                .map(|t| {
                    json!({"Name": format!("t{t}"), "TableType": "EXTERNAL_TABLE",
                        "CreateTime": EPOCH, "Columns": [column("id", "bigint")]})
                })
                .collect();
            ok(page(tables, b, "TableMetadataList", None))
        }
        "ListQueryExecutions" => {
            let ids = (0..QUERIES).map(|i| json!(format!("q{i:03}"))).collect();
            let max = b["MaxResults"].as_u64().map(|m| m as usize);
            ok(page(ids, b, "QueryExecutionIds", max))
        }
        "BatchGetQueryExecution" => {
            let execs: Vec<Value> = b["QueryExecutionIds"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|id| execution(id.as_str().unwrap_or("")))
                .collect();
            ok(json!({"QueryExecutions": execs, "UnprocessedQueryExecutionIds": []}))
        }
        "GetQueryExecution" => ok(json!({
            "QueryExecution": execution(b["QueryExecutionId"].as_str().unwrap_or(""))
        })),
        "GetQueryResults" => {
            let header = json!({"Data": [{"VarCharValue": "id"}, {"VarCharValue": "name"}]});
            let rows: Vec<Value> = std::iter::once(header)
                .chain((0..5).map(|i| {
                    json!({"Data": [{"VarCharValue": i.to_string()}, {"VarCharValue": format!("n{i}")}]})
                }))
                .collect();
            let mut out = page(rows, b, "Rows", None);
            let rows = out["Rows"].take();
            out["ResultSet"] = json!({"Rows": rows, "ResultSetMetadata": {"ColumnInfo": [
                {"Name": "id", "Label": "id", "Type": "bigint"},
                {"Name": "name", "Label": "name", "Type": "varchar"}
            ]}});
            out.as_object_mut().map(|o| o.remove("Rows"));
            ok(out)
        }
        _ if !known_db && b.get("DatabaseName").is_some() => error(
            "EntityNotFoundException",
            &format!("Database {db} not found"),
        ),
        other => error(
            "InvalidInputException",
            &format!("the Glue/Athena fake does not serve {other} with {b}"),
        ),
    }
}

fn execution(id: &str) -> Value {
    json!({
        "QueryExecutionId": id, "Query": "SELECT id, name FROM t0", "StatementType": "DML",
        "WorkGroup": "primary",
        "QueryExecutionContext": {"Database": "db0", "Catalog": "AwsDataCatalog"},
        "Status": {"State": "SUCCEEDED", "SubmissionDateTime": EPOCH, "CompletionDateTime": EPOCH},
        "Statistics": {"DataScannedInBytes": 1024}
    })
}

/// A JSON-protocol request's operation (the last part of `x-amz-target`) and body.
pub(crate) fn json_op(req: &Request) -> (String, Value) {
    let target = req
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let op = target.rsplit('.').next().unwrap_or(target).to_owned();
    (op, serde_json::from_slice(&req.body).unwrap_or(Value::Null))
}

/// Starts the fake on a loopback port: send `glue` and `athena` to its `uri()`.
pub async fn serve() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(|req: &Request| {
            let (op, body) = json_op(req);
            answer(&op, &body)
        })
        .mount(&server)
        .await;
    server
}

/// A Glue JSON request of a [`FakeServer`](crate::http::FakeServer): its operation
/// (`X-Amz-Target`) and body, or `None` for any other request.
fn glue_request<'a>(
    method: &str,
    headers: &'a hyper::HeaderMap,
    body: &[u8],
) -> Option<(&'a str, Value)> {
    let target = headers.get("x-amz-target")?.to_str().ok()?;
    (method == "POST" && target.starts_with("AWSGlue."))
        .then(|| (target, serde_json::from_slice(body).unwrap_or(Value::Null)))
}

/// The page a request asks for: from its `NextToken` (an index), at most its `MaxResults`
/// or `limit`.
fn window(body: &Value, limit: u64) -> (usize, usize) {
    let max = body["MaxResults"].as_u64().map_or(limit, |m| m.min(limit)) as usize;
    let start = body["NextToken"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    (start, max)
}

/// A JSON 1.1 answer.
fn json_answer(body: String) -> crate::http::Answer {
    crate::http::Answer {
        status: 200,
        content_type: "application/x-amz-json-1.1",
        body,
    }
}

/// A Glue catalog of `databases` databases (`db0000`..) of `tables` tables each (`t0000`..)
/// for a [`FakeServer`](crate::http::FakeServer), answered page by page from arithmetic, not
/// from stored items (GetDatabases and GetTables in pages of up to 100, `NextToken` the next
/// index): for catalogs of any size, with a fake whose cost per request is the page it renders
/// and that keeps nothing per request.
pub fn large_catalog(databases: usize, tables: usize) -> Box<dyn crate::http::Fake> {
    Box::new(LargeCatalog { databases, tables })
}

struct LargeCatalog {
    databases: usize,
    tables: usize,
}

impl crate::http::Fake for LargeCatalog {
    fn answer(
        &self,
        method: &str,
        _: &str,
        _: &str,
        headers: &hyper::HeaderMap,
        body: &[u8],
    ) -> Option<crate::http::Answer> {
        use std::fmt::Write;
        let (target, body) = glue_request(method, headers, body)?;
        let databases = match target {
            "AWSGlue.GetDatabases" => true,
            "AWSGlue.GetTables" => false,
            _ => return None,
        };
        let (start, max) = window(&body, 100);
        let total = if databases {
            self.databases
        } else {
            self.tables
        };
        let end = (start + max).min(total);
        let mut out = String::with_capacity(600 * end.saturating_sub(start) + 64);
        if databases {
            out.push_str(r#"{"DatabaseList":["#);
            for d in start..end {
                let sep = if d == start { "" } else { "," };
                let _ = write!(out, r#"{sep}{{"Name":"db{d:04}","CreateTime":{EPOCH}}}"#);
            }
        } else {
            let db = body["DatabaseName"].as_str().unwrap_or("db");
            out.push_str(r#"{"TableList":["#);
            for t in start..end {
                let sep = if t == start { "" } else { "," };
                let _ = write!(
                    out,
                    r#"{sep}{{"Name":"t{t:04}","DatabaseName":"{db}","TableType":"EXTERNAL_TABLE","CreateTime":{EPOCH},"UpdateTime":{EPOCH},"StorageDescriptor":{{"Columns":[{{"Name":"id","Type":"bigint"}},{{"Name":"name","Type":"string"}},{{"Name":"amount","Type":"decimal(12,2)"}}],"Location":"s3://lake/{db}/t{t:04}/","SerdeInfo":{{"SerializationLibrary":"org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}}},"PartitionKeys":[{{"Name":"dt","Type":"string"}}],"Parameters":{{"classification":"parquet"}}}}"#
                );
            }
        }
        out.push(']');
        if end < total {
            let _ = write!(out, r#","NextToken":"{end}""#);
        }
        out.push('}');
        Some(json_answer(out))
    }
}

/// `total` partitions (`dt=0000`..) of every table, for a
/// [`FakeServer`](crate::http::FakeServer): GetPartitions in pages of up to 1,000 (Glue's
/// maximum and this fake's default), `NextToken` the next index, and `Segment` splitting the
/// partitions by index modulo the segment count, as Glue splits them into disjoint sets.
pub fn large_partitions(total: usize) -> Box<dyn crate::http::Fake> {
    Box::new(LargePartitions { total })
}

struct LargePartitions {
    total: usize,
}

impl crate::http::Fake for LargePartitions {
    fn answer(
        &self,
        method: &str,
        _: &str,
        _: &str,
        headers: &hyper::HeaderMap,
        body: &[u8],
    ) -> Option<crate::http::Answer> {
        use std::fmt::Write;
        let (target, body) = glue_request(method, headers, body)?;
        if target != "AWSGlue.GetPartitions" {
            return None;
        }
        let (start, max) = window(&body, 1000);
        let segment = body["Segment"]["SegmentNumber"].as_u64().unwrap_or(0) as usize;
        let segments = body["Segment"]["TotalSegments"]
            .as_u64()
            .unwrap_or(1)
            .max(1) as usize;
        // The partitions of this segment: indexes segment, segment + segments, ...
        let in_segment = self.total.saturating_sub(segment).div_ceil(segments);
        let end = (start + max).min(in_segment);
        let (db, table) = (
            body["DatabaseName"].as_str().unwrap_or("db"),
            body["TableName"].as_str().unwrap_or("t"),
        );
        let mut out = String::with_capacity(200 * end.saturating_sub(start) + 64);
        out.push_str(r#"{"Partitions":["#);
        for k in start..end {
            let i = segment + k * segments;
            let sep = if k == start { "" } else { "," };
            let _ = write!(
                out,
                r#"{sep}{{"Values":["{i:04}"],"DatabaseName":"{db}","TableName":"{table}","CreationTime":{EPOCH},"StorageDescriptor":{{"Location":"s3://lake/{db}/{table}/dt={i:04}/"}}}}"#
            );
        }
        out.push(']');
        if end < in_segment {
            let _ = write!(out, r#","NextToken":"{end}""#);
        }
        out.push('}');
        Some(json_answer(out))
    }
}
