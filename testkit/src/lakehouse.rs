//! A Glue fake (JSON 1.1, shapes from the AWS Glue API model) serving a lakehouse as Glue
//! describes it today, for what moto lacks: multi-catalog (`GetCatalogs`, an S3 Tables catalog
//! and its child), Iceberg tables with dropped columns, Delta and Hudi tables, a view, and
//! resource links to another account's catalog, live and orphaned, and a database governed
//! by Lake Formation ([`GOVERNED`]) where the role was granted DESCRIBE on one table only.
//!
//! The caller's account is [`ACCOUNT`] (the [`crate::FakeSts`] role's); [`SHARED`] is the
//! account that shares `sales` with it. Requests without `CatalogId` read [`ACCOUNT`]'s
//! default catalog. Mount it on a [`wiremock::MockServer`] that also answers STS (e.g.
//! [`crate::FakeSts::server`]) with [`mount`]; every request is recorded there, so a test can
//! check which `CatalogId` each call carried.

use serde_json::{json, Value};
use wiremock::matchers::{header_regex, method};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The caller's account: its default catalog id.
pub const ACCOUNT: &str = "123456789012";
/// The account sharing its `sales` database through resource links.
pub const SHARED: &str = "210987654321";
/// The S3 Tables parent catalog: a container of catalogs, holding no databases.
pub const S3_TABLES: &str = "123456789012:s3tablescatalog";
/// The S3 Tables catalog of one table bucket.
pub const S3_TABLES_BUCKET: &str = "123456789012:s3tablescatalog/analytics-bucket";
/// The default catalog's lakehouse database.
pub const LAKE: &str = "lake";
/// The tables of [`LAKE`], in listing order.
pub const LAKE_TABLES: [&str; 7] = [
    "events_iceberg",
    "orders_delta",
    "trips_hudi",
    "daily_view",
    "raw_csv",
    "shared_orders_link",
    "gone_link",
];

/// A database governed by Lake Formation: `open_table` is granted (read and listed);
/// `hidden_table` is not (GetTable is refused with "Insufficient Lake Formation permission(s)"
/// and GetTables leaves it out); `unlisted_table` reads but GetTables leaves it out.
pub const GOVERNED: &str = "governed";
/// A database IAM refuses to read (GetDatabase answers AccessDeniedException).
pub const IAM_DENIED: &str = "iam_denied";

const EPOCH: f64 = 1.7e9;

fn col(name: &str, ty: &str) -> Value {
    json!({"Name": name, "Type": ty})
}

fn iceberg_col(name: &str, ty: &str, id: u32, current: bool) -> Value {
    json!({"Name": name, "Type": ty, "Parameters": {
        "iceberg.field.id": id.to_string(),
        "iceberg.field.optional": "true",
        "iceberg.field.current": current.to_string()
    }})
}

fn sd(columns: Vec<Value>, location: &str, input: &str, serde: &str) -> Value {
    json!({
        "Columns": columns, "Location": location, "InputFormat": input,
        "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "SerdeInfo": {"SerializationLibrary": serde}
    })
}

const PARQUET_IN: &str = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
const PARQUET_SERDE: &str = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";

fn table(catalog: &str, db: &str, name: &str) -> Option<Value> {
    let mut t = match (catalog, db, name) {
        (ACCOUNT, LAKE, "events_iceberg") => json!({
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {
                "table_type": "ICEBERG",
                "metadata_location": "s3://lake/events/metadata/00002-b.metadata.json",
                "previous_metadata_location": "s3://lake/events/metadata/00001-a.metadata.json"
            },
            "StorageDescriptor": sd(vec![
                iceberg_col("id", "bigint", 1, true),
                iceberg_col("legacy_flag", "boolean", 2, false),
                iceberg_col("name", "string", 3, true),
            ], "s3://lake/events", "org.apache.hadoop.mapred.FileInputFormat",
               "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe")
        }),
        (ACCOUNT, LAKE, "orders_delta") => json!({
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"spark.sql.sources.provider": "delta", "classification": "parquet"},
            "StorageDescriptor": sd(vec![col("order_id", "bigint")], "s3://lake/orders",
                "org.apache.hadoop.mapred.SequenceFileInputFormat",
                "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe")
        }),
        (ACCOUNT, LAKE, "trips_hudi") => json!({
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "parquet"},
            "StorageDescriptor": sd(vec![col("_hoodie_commit_time", "string"), col("trip_id", "string")],
                "s3://lake/trips", "org.apache.hudi.hadoop.HoodieParquetInputFormat", PARQUET_SERDE)
        }),
        (ACCOUNT, LAKE, "daily_view") => json!({
            "TableType": "VIRTUAL_VIEW",
            "ViewOriginalText": "/* Presto View: ... */",
            "StorageDescriptor": {"Columns": [col("day", "date")]}
        }),
        (ACCOUNT, LAKE, "raw_csv") => json!({
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "csv"},
            "StorageDescriptor": sd(vec![col("line", "string")], "s3://lake/raw",
                "org.apache.hadoop.mapred.TextInputFormat",
                "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe")
        }),
        (ACCOUNT, LAKE, "shared_orders_link") => json!({
            "TargetTable": {"CatalogId": SHARED, "DatabaseName": "sales", "Name": "orders", "Region": "us-east-1"}
        }),
        (ACCOUNT, LAKE, "gone_link") => json!({
            "TargetTable": {"CatalogId": SHARED, "DatabaseName": "sales", "Name": "dropped_table"}
        }),
        (S3_TABLES_BUCKET, "ns1", "metrics") => json!({
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"table_type": "ICEBERG", "metadata_location": "s3://analytics-bucket--table-s3/metadata/00000-m.metadata.json"},
            "StorageDescriptor": sd(vec![col("ts", "timestamp")], "s3://analytics-bucket--table-s3",
                "org.apache.hadoop.mapred.FileInputFormat",
                "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe")
        }),
        (ACCOUNT, GOVERNED, "open_table" | "unlisted_table") => json!({
            "TableType": "EXTERNAL_TABLE",
            "IsRegisteredWithLakeFormation": true,
            "StorageDescriptor": sd(vec![col("id", "bigint")], "s3://governed/t", PARQUET_IN, PARQUET_SERDE)
        }),
        (SHARED, "sales", "orders") => json!({
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "parquet"},
            "StorageDescriptor": sd(vec![col("order_id", "bigint"), col("amount", "double")],
                "s3://shared-lake/sales/orders", PARQUET_IN, PARQUET_SERDE)
        }),
        _ => return None,
    };
    t["Name"] = json!(name);
    t["DatabaseName"] = json!(db);
    t["CatalogId"] = json!(catalog.split(':').next().unwrap_or(catalog));
    t["CreateTime"] = json!(EPOCH);
    t["UpdateTime"] = json!(EPOCH);
    if t.get("PartitionKeys").is_none() {
        t["PartitionKeys"] = json!([]);
    }
    Some(t)
}

fn tables_of(catalog: &str, db: &str) -> Option<Vec<&'static str>> {
    match (catalog, db) {
        (ACCOUNT, LAKE) => Some(LAKE_TABLES.to_vec()),
        (ACCOUNT, GOVERNED) => Some(vec!["open_table"]),
        (S3_TABLES_BUCKET, "ns1") => Some(vec!["metrics"]),
        (SHARED, "sales") => Some(vec!["orders"]),
        _ => None,
    }
}

fn databases(catalog: &str) -> Option<Vec<Value>> {
    let db = |name: &str| json!({"Name": name, "CatalogId": catalog.split(':').next(), "CreateTime": EPOCH});
    match catalog {
        ACCOUNT => {
            let mut shared = db("shared_sales_link");
            shared["TargetDatabase"] =
                json!({"CatalogId": SHARED, "DatabaseName": "sales", "Region": "us-east-1"});
            let mut orphan = db("orphan_link");
            orphan["TargetDatabase"] = json!({"CatalogId": SHARED, "DatabaseName": "dropped_db"});
            Some(vec![db(LAKE), shared, orphan, db(GOVERNED)])
        }
        S3_TABLES => Some(vec![]),
        S3_TABLES_BUCKET => Some(vec![db("ns1")]),
        SHARED => Some(vec![db("sales")]),
        _ => None,
    }
}

fn catalogs(has_databases: bool) -> Vec<Value> {
    let mut list = vec![json!({
        "CatalogId": ACCOUNT, "Name": ACCOUNT,
        "ResourceArn": format!("arn:aws:glue:us-east-1:{ACCOUNT}:catalog"),
        "Description": "the default catalog", "CreateTime": EPOCH
    })];
    if !has_databases {
        list.push(json!({
            "CatalogId": S3_TABLES, "Name": "s3tablescatalog",
            "ResourceArn": format!("arn:aws:glue:us-east-1:{ACCOUNT}:catalog/s3tablescatalog"),
            "FederatedCatalog": {"Identifier": format!("arn:aws:s3tables:us-east-1:{ACCOUNT}:bucket/*"), "ConnectionName": "aws:s3tables"},
            "CreateTime": EPOCH
        }));
    }
    list.push(json!({
        "CatalogId": S3_TABLES_BUCKET, "Name": "analytics-bucket",
        "ResourceArn": format!("arn:aws:glue:us-east-1:{ACCOUNT}:catalog/s3tablescatalog/analytics-bucket"),
        "FederatedCatalog": {
            "Identifier": format!("arn:aws:s3tables:us-east-1:{ACCOUNT}:bucket/analytics-bucket"),
            "ConnectionName": "aws:s3tables", "ConnectionType": "aws:s3tables"
        },
        "Parameters": {"source": "s3tables"},
        "CreateTime": EPOCH, "UpdateTime": EPOCH
    }));
    list
}

fn ok(v: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/x-amz-json-1.1")
        .set_body_json(v)
}

fn denied(message: &str) -> ResponseTemplate {
    ResponseTemplate::new(400)
        .insert_header("content-type", "application/x-amz-json-1.1")
        .insert_header("x-amzn-errortype", "AccessDeniedException")
        .set_body_json(json!({"__type": "AccessDeniedException", "Message": message}))
}

fn not_found(what: &str) -> ResponseTemplate {
    ResponseTemplate::new(400)
        .insert_header("content-type", "application/x-amz-json-1.1")
        .insert_header("x-amzn-errortype", "EntityNotFoundException")
        .set_body_json(
            json!({"__type": "EntityNotFoundException", "Message": format!("{what} not found.")}),
        )
}

/// The answer to Glue operation `op` with request body `b`.
pub fn answer(op: &str, b: &Value) -> ResponseTemplate {
    let catalog = b["CatalogId"].as_str().unwrap_or(ACCOUNT);
    let db = b["DatabaseName"].as_str().unwrap_or("");
    match op {
        "GetCatalogs" => ok(json!({"CatalogList": catalogs(b["HasDatabases"] == json!(true))})),
        "GetDatabases" => match databases(catalog) {
            Some(list) => ok(json!({"DatabaseList": list})),
            None => not_found(&format!("Catalog {catalog}")),
        },
        "GetTables" => match tables_of(catalog, db) {
            Some(names) => ok(json!({"TableList": names
                .iter()
                .filter_map(|n| table(catalog, db, n))
                .collect::<Vec<_>>()})),
            None => not_found(&format!("Database {db}")),
        },
        "GetDatabase" => {
            let name = b["Name"].as_str().unwrap_or("");
            let found = databases(catalog)
                .unwrap_or_default()
                .into_iter()
                .find(|d| d["Name"] == name);
            match found {
                _ if name == IAM_DENIED => denied(&format!(
                    "User: arn:aws:sts::{ACCOUNT}:assumed-role/CustomerRole/chicory is not \
                     authorized to perform: glue:GetDatabase on resource: \
                     arn:aws:glue:us-east-1:{ACCOUNT}:database/{name} because no \
                     identity-based policy allows the glue:GetDatabase action"
                )),
                Some(d) => ok(json!({"Database": d})),
                None => not_found(&format!("Database {name}")),
            }
        }
        "GetTable" if catalog == ACCOUNT && db == GOVERNED && b["Name"] == "hidden_table" => {
            denied("Insufficient Lake Formation permission(s) on hidden_table")
        }
        "GetTable" => match table(catalog, db, b["Name"].as_str().unwrap_or("")) {
            Some(t) => ok(json!({"Table": t})),
            None => not_found(&format!("Table {db}.{}", b["Name"])),
        },
        "GetPartitions" => ok(json!({"Partitions": []})),
        other => ResponseTemplate::new(400)
            .insert_header("x-amzn-errortype", "InvalidInputException")
            .set_body_json(json!({"__type": "InvalidInputException", "Message": format!("the lakehouse fake does not serve {other}")})),
    }
}

/// Mounts the fake's Glue operations on `server` (requests whose `x-amz-target` is Glue's).
pub async fn mount(server: &MockServer) {
    Mock::given(method("POST"))
        .and(header_regex("x-amz-target", "^AWSGlue\\."))
        .respond_with(|req: &Request| {
            let (op, body) = crate::glue::json_op(req);
            answer(&op, &body)
        })
        .mount(server)
        .await;
}

/// The Glue requests `server` received: `(operation, body)`, in order.
pub async fn requests(server: &MockServer) -> Vec<(String, Value)> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            let target = r.headers.get("x-amz-target")?.to_str().ok()?;
            let op = target.strip_prefix("AWSGlue.")?;
            Some((
                op.to_owned(),
                serde_json::from_slice(&r.body).unwrap_or(Value::Null),
            ))
        })
        .collect()
}
