//! Against a Glue fake (wiremock, JSON 1.1 shapes from the AWS Glue API model) for what moto
//! lacks: SearchTables, user-defined functions, partition segments (paged within a segment),
//! denied or vanished tables skipped, incremental mode and filters; pagination tokens and the
//! error codes AccessDeniedException, EntityNotFoundException, ThrottlingException.

use chicory_aws_core::{AccessLevel, Connection, ErrorKind, Operator, ScanItem, Scanner};
use chicory_aws_glue::{
    CatalogOptions, CatalogPartitionScanner, PartitionScanner, SearchTables, SearchTablesInput,
    TableScanner, TableVersionScanner, UdfScanner,
};
use chicory_aws_testkit::glue::{
    error_status as glue_error, glue_op as op, ok as json, one_attempt, sts as fake,
};
use chicory_aws_testkit::FakeSts;
use futures::StreamExt;
use std::time::Duration;
use wiremock::matchers::body_partial_json;

async fn connect(sts: &FakeSts) -> Connection {
    one_attempt(sts, AccessLevel::ReadOnly).await
}

fn table(db: &str, name: &str) -> serde_json::Value {
    serde_json::json!({
        "Name": name, "DatabaseName": db, "TableType": "EXTERNAL_TABLE",
        "CreateTime": 1.7e9,
        "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "bigint"}], "Location": format!("s3://lake/{name}/")},
        "PartitionKeys": [{"Name": "dt", "Type": "string"}]
    })
}

#[tokio::test]
async fn search_tables_pages_with_next_token_and_maps_errors() {
    let sts = fake().await;
    op("SearchTables")
        .and(body_partial_json(serde_json::json!({"NextToken": "page2"})))
        .respond_with(json(
            serde_json::json!({"TableList": [table("sales", "refunds")]}),
        ))
        .with_priority(1)
        .mount(sts.server())
        .await;
    op("SearchTables")
        .and(body_partial_json(
            serde_json::json!({"SearchText": "sales", "MaxResults": 2}),
        ))
        .respond_with(json(serde_json::json!({
            "TableList": [table("sales", "orders"), table("sales", "customers")],
            "NextToken": "page2"
        })))
        .with_priority(2)
        .mount(sts.server())
        .await;
    op("SearchTables")
        .and(body_partial_json(
            serde_json::json!({"SearchText": "secret"}),
        ))
        .respond_with(glue_error(400, "AccessDeniedException", "not authorized"))
        .with_priority(1)
        .mount(sts.server())
        .await;
    let conn = connect(&sts).await;
    let search = SearchTables::new(&conn);
    let page1 = search
        .call(SearchTablesInput {
            search_text: Some("sales".into()),
            max_results: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    let names: Vec<_> = page1.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["orders", "customers"]);
    assert_eq!(page1.tables[0].database, "sales");
    assert_eq!(page1.tables[0].partition_keys[0].name, "dt");
    assert_eq!(page1.next_token.as_deref(), Some("page2"));
    let page2 = search
        .call(SearchTablesInput {
            search_text: Some("sales".into()),
            max_results: Some(2),
            next_token: page1.next_token,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page2.tables[0].name, "refunds");
    assert_eq!(page2.next_token, None);

    let err = search
        .call(SearchTablesInput {
            search_text: Some("secret".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    assert_eq!(err.code(), Some("AccessDeniedException"));

    let err = search
        .call(SearchTablesInput {
            max_results: Some(0),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("max_results"));
}

#[tokio::test]
async fn udfs_are_scanned_across_pages_and_a_denied_database_is_skipped() {
    let sts = fake().await;
    op("GetDatabases")
        .respond_with(json(serde_json::json!({"DatabaseList": [{"Name": "sales"}, {"Name": "hr"}, {"Name": "gone"}]})))
        .mount(sts.server())
        .await;
    let udf = |db: &str, n: &str| {
        serde_json::json!({
            "FunctionName": n, "DatabaseName": db, "ClassName": format!("com.acme.{n}"),
            "OwnerName": "etl", "OwnerType": "USER", "CreateTime": 1.7e9,
            "ResourceUris": [{"ResourceType": "JAR", "Uri": "s3://jars/udf.jar"}]
        })
    };
    op("GetUserDefinedFunctions")
        .and(body_partial_json(
            serde_json::json!({"DatabaseName": "sales", "NextToken": "t2"}),
        ))
        .respond_with(json(
            serde_json::json!({"UserDefinedFunctions": [udf("sales", "mask")]}),
        ))
        .with_priority(1)
        .mount(sts.server())
        .await;
    op("GetUserDefinedFunctions")
        .and(body_partial_json(
            serde_json::json!({"DatabaseName": "sales", "Pattern": "*"}),
        ))
        .respond_with(json(
            serde_json::json!({"UserDefinedFunctions": [udf("sales", "hash")], "NextToken": "t2"}),
        ))
        .with_priority(2)
        .mount(sts.server())
        .await;
    op("GetUserDefinedFunctions")
        .and(body_partial_json(serde_json::json!({"DatabaseName": "hr"})))
        .respond_with(glue_error(400, "AccessDeniedException", "no"))
        .mount(sts.server())
        .await;
    op("GetUserDefinedFunctions")
        .and(body_partial_json(
            serde_json::json!({"DatabaseName": "gone"}),
        ))
        .respond_with(glue_error(
            400,
            "EntityNotFoundException",
            "Database gone not found",
        ))
        .mount(sts.server())
        .await;
    let conn = connect(&sts).await;
    let scanner = UdfScanner::new(&conn, CatalogOptions::default()).unwrap();
    let mut names = Vec::new();
    let mut skipped = Vec::new();
    let mut s = scanner.scan();
    while let Some(item) = s.next().await {
        match item.unwrap() {
            ScanItem::Record(r) => {
                assert_eq!(r.resource_uris, ["s3://jars/udf.jar"]);
                names.push(r.name.unwrap());
            }
            ScanItem::Skipped(k) => skipped.push((k.part, k.kind)),
        }
    }
    names.sort();
    assert_eq!(names, ["hash", "mask"]);
    skipped.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        skipped,
        [
            (
                "glue:GetUserDefinedFunctions database=gone".to_owned(),
                ErrorKind::NotFound
            ),
            (
                "glue:GetUserDefinedFunctions database=hr".to_owned(),
                ErrorKind::AccessDenied
            ),
        ]
    );
}

#[tokio::test]
async fn partitions_are_requested_in_segments_without_column_schema() {
    let sts = fake().await;
    for n in 0..4 {
        op("GetPartitions")
            .and(body_partial_json(serde_json::json!({
                "DatabaseName": "sales", "TableName": "events", "ExcludeColumnSchema": true,
                "Segment": {"SegmentNumber": n, "TotalSegments": 4}
            })))
            .respond_with(json(serde_json::json!({"Partitions": [
                {"Values": [format!("s{n}-a")], "StorageDescriptor": {"Location": "s3://x/"}, "CreationTime": 1.7e9},
                {"Values": [format!("s{n}-b")]}
            ]})))
            .expect(1)
            .mount(sts.server())
            .await;
    }
    let conn = connect(&sts).await;
    let scanner =
        PartitionScanner::new(&conn, CatalogOptions::default(), "sales", "events", 4).unwrap();
    let mut values: Vec<String> = scanner
        .scan()
        .map(|i| match i.unwrap() {
            ScanItem::Record(r) => r.values[0].clone(),
            ScanItem::Skipped(s) => panic!("{s:?}"),
        })
        .collect()
        .await;
    values.sort();
    assert_eq!(
        values,
        ["s0-a", "s0-b", "s1-a", "s1-b", "s2-a", "s2-b", "s3-a", "s3-b"]
    );

    // Throttling that outlasts the retries ends the stream with a Throttled error.
    sts.server().reset().await;
    op("GetPartitions")
        .respond_with(glue_error(400, "ThrottlingException", "Rate exceeded"))
        .mount(sts.server())
        .await;
    let scanner =
        PartitionScanner::new(&conn, CatalogOptions::default(), "sales", "events", 1).unwrap();
    let items: Vec<_> = scanner.scan().collect().await;
    assert_eq!(items.len(), 1);
    let err = items.into_iter().next().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Throttled, "{err}");
    assert_eq!(err.resource(), Some("table=sales.events"));
}

#[tokio::test]
async fn a_table_dropped_or_denied_mid_scan_is_skipped_and_the_scan_goes_on() {
    let sts = fake().await;
    op("GetDatabases")
        .respond_with(json(
            serde_json::json!({"DatabaseList": [{"Name": "sales"}]}),
        ))
        .mount(sts.server())
        .await;
    op("GetTables")
        .respond_with(json(serde_json::json!({"TableList": [
            table("sales", "events"), table("sales", "clicks"), table("sales", "views")
        ]})))
        .mount(sts.server())
        .await;
    // events: segment 0 in two pages, segment 1 in one.
    op("GetPartitions")
        .and(body_partial_json(serde_json::json!({
            "TableName": "events", "Segment": {"SegmentNumber": 0, "TotalSegments": 2},
            "NextToken": "s0p2"
        })))
        .respond_with(json(
            serde_json::json!({"Partitions": [{"Values": ["2024-01-02"]}]}),
        ))
        .with_priority(1)
        .expect(1)
        .mount(sts.server())
        .await;
    op("GetPartitions")
        .and(body_partial_json(serde_json::json!({
            "TableName": "events", "Segment": {"SegmentNumber": 0, "TotalSegments": 2}
        })))
        .respond_with(json(serde_json::json!({
            "Partitions": [{"Values": ["2024-01-01"]}], "NextToken": "s0p2"
        })))
        .with_priority(2)
        .expect(1)
        .mount(sts.server())
        .await;
    op("GetPartitions")
        .and(body_partial_json(serde_json::json!({
            "TableName": "events", "Segment": {"SegmentNumber": 1, "TotalSegments": 2}
        })))
        .respond_with(json(
            serde_json::json!({"Partitions": [{"Values": ["2024-01-03"]}]}),
        ))
        .with_priority(2)
        .expect(1)
        .mount(sts.server())
        .await;
    // clicks was dropped after the table listing; views is denied.
    op("GetPartitions")
        .and(body_partial_json(
            serde_json::json!({"TableName": "clicks"}),
        ))
        .respond_with(glue_error(
            400,
            "EntityNotFoundException",
            "Table clicks not found",
        ))
        .with_priority(2)
        .mount(sts.server())
        .await;
    op("GetPartitions")
        .and(body_partial_json(serde_json::json!({"TableName": "views"})))
        .respond_with(glue_error(
            400,
            "AccessDeniedException",
            "not authorized to perform: glue:GetPartitions",
        ))
        .with_priority(2)
        .mount(sts.server())
        .await;
    let conn = connect(&sts).await;
    let items: Vec<_> = CatalogPartitionScanner::new(&conn, CatalogOptions::default(), 2)
        .unwrap()
        .scan()
        .collect()
        .await;
    let mut values = Vec::new();
    let mut skipped = Vec::new();
    for item in items {
        match item.expect("denied or vanished tables are not errors") {
            ScanItem::Record(r) => values.push(r.values[0].clone()),
            ScanItem::Skipped(s) => skipped.push((s.part, s.kind)),
        }
    }
    values.sort();
    assert_eq!(values, ["2024-01-01", "2024-01-02", "2024-01-03"]);
    skipped.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        skipped,
        [
            (
                "glue:GetPartitions table=sales.clicks segment=0/2".to_owned(),
                ErrorKind::NotFound
            ),
            (
                "glue:GetPartitions table=sales.clicks segment=1/2".to_owned(),
                ErrorKind::NotFound
            ),
            (
                "glue:GetPartitions table=sales.views segment=0/2".to_owned(),
                ErrorKind::AccessDenied
            ),
            (
                "glue:GetPartitions table=sales.views segment=1/2".to_owned(),
                ErrorKind::AccessDenied
            ),
        ]
    );

    // Table versions of a vanished table: a skipped part too.
    op("GetTableVersions")
        .respond_with(glue_error(
            400,
            "EntityNotFoundException",
            "Table gone not found",
        ))
        .mount(sts.server())
        .await;
    let items: Vec<_> = TableVersionScanner::new(&conn, CatalogOptions::default(), "sales", "gone")
        .unwrap()
        .scan()
        .collect()
        .await;
    match &items[..] {
        [Ok(ScanItem::Skipped(s))] => {
            assert_eq!(s.part, "glue:GetTableVersions table=sales.gone");
            assert_eq!(s.kind, ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn incremental_mode_keeps_recent_tables_and_filters_and_catalog_id_reach_the_requests() {
    let sts = fake().await;
    let catalog = "210987654321";
    op("GetDatabases")
        .and(body_partial_json(serde_json::json!({"CatalogId": catalog})))
        .respond_with(json(
            serde_json::json!({"DatabaseList": [{"Name": "sales"}, {"Name": "tmp_x"}]}),
        ))
        .expect(1)
        .mount(sts.server())
        .await;
    let t = |name: &str, update: Option<f64>, create: f64| {
        let mut t = table("sales", name);
        t["CreateTime"] = serde_json::json!(create);
        if let Some(u) = update {
            t["UpdateTime"] = serde_json::json!(u);
        }
        t
    };
    // 2024-01-01T00:00:00Z is the cut-off.
    let (old, new) = (1_600_000_000.0, 1_717_200_000.0);
    op("GetTables")
        .and(body_partial_json(
            serde_json::json!({"CatalogId": catalog, "DatabaseName": "sales"}),
        ))
        .respond_with(json(serde_json::json!({"TableList": [
            t("orders", Some(new), old),        // updated after the cut-off: kept
            t("orders_eu", Some(old), old),     // not updated since: left out
            t("orders_tmp", Some(new), old),    // excluded by name
            t("customers", None, new),          // never updated, created after: kept
            t("refunds", Some(new), old),       // not included by name
        ]})))
        .expect(1)
        .mount(sts.server())
        .await;
    let conn = connect(&sts).await;
    let options = CatalogOptions::default()
        .catalog_id(catalog)
        .exclude_databases("tmp_*")
        .include_tables("orders*")
        .include_tables("customers")
        .exclude_tables("*_tmp")
        .updated_since(std::time::UNIX_EPOCH + Duration::from_secs(1_704_067_200));
    let mut names: Vec<String> = TableScanner::new(&conn, options)
        .unwrap()
        .scan()
        .map(|i| match i.expect("tmp_x is never listed") {
            ScanItem::Record(r) => r.name,
            ScanItem::Skipped(s) => panic!("{s:?}"),
        })
        .collect()
        .await;
    names.sort();
    assert_eq!(names, ["customers", "orders"]);
}
