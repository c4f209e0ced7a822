//! Athena databases, table metadata and the update operators against an Athena fake (wiremock,
//! JSON 1.1 member names from the Athena API model as aws-sdk-athena's schemas name them):
//! moto answers ListTableMetadata, UpdateWorkGroup and UpdateDataCatalog with HTTP 500.

use chicory_aws_core::{AccessLevel, ErrorKind, Operator, ScanItem, Scanner};
use chicory_aws_glue::{
    AthenaDatabaseScanner, AthenaTableRecord, TableMetadataScanner, UpdateDataCatalog,
    UpdateWorkGroup,
};
use chicory_aws_testkit::glue::{
    athena_op as athena, error as athena_error, ok, one_attempt as connect, requests, sts as fake,
};
use chicory_aws_testkit::FakeSts;
use futures::StreamExt;
use serde_json::{json, Value};
use wiremock::matchers::body_partial_json;

async fn athena_requests(sts: &FakeSts) -> Vec<(String, Value)> {
    requests(sts, "AmazonAthena.").await
}

/// Catalogs `AwsDataCatalog` (2 pages) and `lake` (denied); `AwsDataCatalog` holds `sales`
/// (2 pages of databases: sales, hr | web) whose tables come in two pages; `hr` is throttled;
/// `web` was dropped (MetadataException).
async fn mount_catalog(sts: &FakeSts) {
    athena("ListDataCatalogs")
        .and(body_partial_json(json!({"NextToken": "c2"})))
        .respond_with(ok(
            json!({"DataCatalogsSummary": [{"CatalogName": "lake", "Type": "GLUE"}]}),
        ))
        .with_priority(1)
        .mount(sts.server())
        .await;
    athena("ListDataCatalogs")
        .respond_with(ok(json!({"DataCatalogsSummary": [{"CatalogName": "AwsDataCatalog", "Type": "GLUE"}], "NextToken": "c2"})))
        .with_priority(2)
        .mount(sts.server())
        .await;
    athena("ListDatabases")
        .and(body_partial_json(json!({"CatalogName": "lake"})))
        .respond_with(athena_error(
            "AccessDeniedException",
            "not authorized to list lake",
        ))
        .with_priority(1)
        .mount(sts.server())
        .await;
    athena("ListDatabases")
        .and(body_partial_json(
            json!({"CatalogName": "AwsDataCatalog", "NextToken": "d2"}),
        ))
        .respond_with(ok(json!({"DatabaseList": [{"Name": "web"}]})))
        .with_priority(1)
        .mount(sts.server())
        .await;
    athena("ListDatabases")
        .and(body_partial_json(json!({"CatalogName": "AwsDataCatalog"})))
        .respond_with(ok(json!({"DatabaseList": [
            {"Name": "sales", "Description": "orders", "Parameters": {"owner": "team-a"}},
            {"Name": "hr"}], "NextToken": "d2"})))
        .with_priority(2)
        .mount(sts.server())
        .await;
    let table = |name: &str| {
        json!({"Name": name, "CreateTime": 1.7e9, "TableType": "EXTERNAL_TABLE",
               "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "email", "Type": "string", "Comment": "pii"}],
               "PartitionKeys": [{"Name": "dt", "Type": "string"}],
               "Parameters": {"classification": "parquet"}})
    };
    athena("ListTableMetadata")
        .and(body_partial_json(
            json!({"DatabaseName": "sales", "NextToken": "t2"}),
        ))
        .respond_with(ok(json!({"TableMetadataList": [table("refunds")]})))
        .with_priority(1)
        .mount(sts.server())
        .await;
    athena("ListTableMetadata")
        .and(body_partial_json(
            json!({"CatalogName": "AwsDataCatalog", "DatabaseName": "sales"}),
        ))
        .respond_with(ok(
            json!({"TableMetadataList": [table("orders"), table("customers")], "NextToken": "t2"}),
        ))
        .with_priority(2)
        .mount(sts.server())
        .await;
    athena("ListTableMetadata")
        .and(body_partial_json(json!({"DatabaseName": "hr"})))
        .respond_with(athena_error("TooManyRequestsException", "Rate exceeded"))
        .with_priority(1)
        .mount(sts.server())
        .await;
    athena("ListTableMetadata")
        .and(body_partial_json(json!({"DatabaseName": "web"})))
        .respond_with(athena_error("MetadataException", "Database web not found"))
        .with_priority(1)
        .mount(sts.server())
        .await;
}

#[tokio::test]
async fn databases_are_listed_per_catalog_across_pages_and_a_denied_catalog_is_skipped() {
    let sts = fake().await;
    mount_catalog(&sts).await;
    let conn = connect(&sts, AccessLevel::ReadOnly).await;
    let scanner = AthenaDatabaseScanner::new(&conn, None, 2).unwrap();
    let (mut names, mut skipped) = (Vec::new(), Vec::new());
    let mut s = scanner.scan();
    while let Some(item) = s.next().await {
        match item.unwrap() {
            ScanItem::Record(r) => {
                if r.name == "sales" {
                    assert_eq!(r.description.as_deref(), Some("orders"));
                    assert_eq!(r.parameters["owner"], "team-a");
                }
                names.push(format!("{}.{}", r.catalog, r.name));
            }
            ScanItem::Skipped(k) => skipped.push((k.part, k.kind)),
        }
    }
    names.sort();
    assert_eq!(
        names,
        [
            "AwsDataCatalog.hr",
            "AwsDataCatalog.sales",
            "AwsDataCatalog.web"
        ]
    );
    assert_eq!(
        skipped,
        [(
            "athena:ListDatabases catalog=lake".to_owned(),
            ErrorKind::AccessDenied
        )]
    );
}

#[tokio::test]
async fn table_metadata_is_read_across_pages_with_typed_columns() {
    let sts = fake().await;
    mount_catalog(&sts).await;
    let conn = connect(&sts, AccessLevel::ReadOnly).await;
    let scanner = TableMetadataScanner::new(&conn, None, 4).unwrap();
    let (mut tables, mut skipped, mut errors) =
        (Vec::<AthenaTableRecord>::new(), Vec::new(), Vec::new());
    let mut s = scanner.scan();
    while let Some(item) = s.next().await {
        match item {
            Ok(ScanItem::Record(r)) => tables.push(r),
            Ok(ScanItem::Skipped(k)) => skipped.push((k.part, k.kind)),
            Err(e) => errors.push(e),
        }
    }
    let mut names: Vec<_> = tables.iter().map(|t| t.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["customers", "orders", "refunds"]);
    let orders = tables.iter().find(|t| t.name == "orders").unwrap();
    assert_eq!(orders.catalog, "AwsDataCatalog");
    assert_eq!(orders.database, "sales");
    assert_eq!(orders.table_type.as_deref(), Some("EXTERNAL_TABLE"));
    assert_eq!(orders.columns.len(), 2);
    assert_eq!(orders.columns[1].comment.as_deref(), Some("pii"));
    assert_eq!(orders.partition_keys[0].name, "dt");
    assert_eq!(orders.create_time.as_deref(), Some("2023-11-14T22:13:20Z"));
    let v = serde_json::to_value(orders).unwrap();
    assert_eq!(v["kind"], "athena_table_metadata");
    assert_eq!(v["columns"][0]["type"], "bigint");
    skipped.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        skipped,
        [
            (
                "athena:ListDatabases catalog=lake".to_owned(),
                ErrorKind::AccessDenied
            ),
            (
                "athena:ListTableMetadata catalog=AwsDataCatalog database=web".to_owned(),
                ErrorKind::NotFound
            ),
        ]
    );
    // Throttling past the retries is an error of the scan, naming the database.
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].kind(), ErrorKind::Throttled);
    assert_eq!(
        errors[0].resource(),
        Some("catalog=AwsDataCatalog database=hr")
    );
}

#[tokio::test]
async fn workgroups_and_catalogs_are_updated_with_the_models_shapes() {
    let sts = fake().await;
    athena("UpdateWorkGroup")
        .and(body_partial_json(json!({"WorkGroup": "missing"})))
        .respond_with(athena_error(
            "InvalidRequestException",
            "WorkGroup missing is not found.",
        ))
        .with_priority(1)
        .mount(sts.server())
        .await;
    athena("UpdateWorkGroup")
        .respond_with(ok(json!({})))
        .with_priority(2)
        .mount(sts.server())
        .await;
    athena("UpdateDataCatalog")
        .respond_with(ok(json!({})))
        .mount(sts.server())
        .await;

    // ReadOnly: refused locally, nothing sent.
    let ro = connect(&sts, AccessLevel::ReadOnly).await;
    let wg_input = |name: &str| {
        serde_json::from_value(json!({
            "name": name, "description": "etl", "state": "DISABLED",
            "output_location": "s3://results/etl/", "bytes_scanned_cutoff_per_query": 10_000_000_000i64,
            "enforce_work_group_configuration": true
        }))
        .unwrap()
    };
    let dc_input = || {
        serde_json::from_value(json!({
            "name": "lake", "catalog_type": "GLUE", "description": "lake catalog",
            "parameters": {"catalog-id": "210987654321"}
        }))
        .unwrap()
    };
    let err = UpdateWorkGroup::new(&ro)
        .call(wg_input("etl"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");
    let err = UpdateDataCatalog::new(&ro)
        .call(dc_input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");
    assert!(athena_requests(&sts).await.is_empty());

    let rw = connect(&sts, AccessLevel::ReadWrite).await;
    let out = UpdateWorkGroup::new(&rw)
        .call(wg_input("etl"))
        .await
        .unwrap();
    assert_eq!(out.name, "etl");
    UpdateDataCatalog::new(&rw).call(dc_input()).await.unwrap();
    let err = UpdateWorkGroup::new(&rw)
        .call(wg_input("missing"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidRequestException"), "{err}");
    assert_eq!(err.resource(), Some("missing"));

    let reqs = athena_requests(&sts).await;
    assert_eq!(
        reqs[0],
        (
            "UpdateWorkGroup".to_owned(),
            json!({"WorkGroup": "etl", "Description": "etl", "State": "DISABLED",
                   "ConfigurationUpdates": {
                       "EnforceWorkGroupConfiguration": true,
                       "ResultConfigurationUpdates": {"OutputLocation": "s3://results/etl/"},
                       "BytesScannedCutoffPerQuery": 10_000_000_000i64}})
        )
    );
    assert_eq!(
        reqs[1],
        (
            "UpdateDataCatalog".to_owned(),
            json!({"Name": "lake", "Type": "GLUE", "Description": "lake catalog",
                   "Parameters": {"catalog-id": "210987654321"}})
        )
    );

    // Bad input: refused before any request.
    let before = athena_requests(&sts).await.len();
    for (v, field) in [
        // Nothing to update: named by the first field of the tool's REQUIRES_ONE_OF group.
        (json!({"name": "etl"}), "description"),
        (json!({"name": "bad name", "description": "x"}), "name"),
        (
            json!({"name": "etl", "output_location": "/tmp/x"}),
            "output_location",
        ),
        (
            json!({"name": "etl", "bytes_scanned_cutoff_per_query": 5}),
            "bytes_scanned_cutoff_per_query",
        ),
    ] {
        let err = UpdateWorkGroup::new(&rw)
            .call(serde_json::from_value(v.clone()).unwrap())
            .await
            .unwrap_err();
        assert_eq!(err.field(), Some(field), "{v}: {err}");
    }
    let err = UpdateDataCatalog::new(&rw)
        .call(serde_json::from_value(json!({"name": "", "catalog_type": "GLUE"})).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("name"));
    assert_eq!(athena_requests(&sts).await.len(), before);
}

/// Athena data catalogs of every type, each with its details from GetDataCatalog: a GLUE
/// catalog names the (here cross-account) Glue catalog it reads; a catalog whose details are
/// denied is still emitted, with `unread` and a skipped part beside it.
#[tokio::test]
async fn data_catalogs_of_every_type_carry_their_parameters() {
    use chicory_aws_glue::DataCatalogScanner;
    let sts = fake().await;
    athena("ListDataCatalogs")
        .respond_with(ok(json!({"DataCatalogsSummary": [
            {"CatalogName": "AwsDataCatalog", "Type": "GLUE"},
            {"CatalogName": "partner", "Type": "GLUE"},
            {"CatalogName": "dynamo", "Type": "LAMBDA"},
            {"CatalogName": "locked", "Type": "HIVE"}
        ]})))
        .mount(sts.server())
        .await;
    for (name, body) in [
        (
            "AwsDataCatalog",
            json!({"Name": "AwsDataCatalog", "Type": "GLUE", "Parameters": {"catalog-id": "123456789012"}}),
        ),
        (
            "partner",
            json!({"Name": "partner", "Type": "GLUE", "Description": "shared by 210987654321", "Parameters": {"catalog-id": "210987654321"}}),
        ),
        (
            "dynamo",
            json!({"Name": "dynamo", "Type": "LAMBDA", "Parameters": {"function": "arn:aws:lambda:us-east-1:123456789012:function:ddb"}}),
        ),
    ] {
        athena("GetDataCatalog")
            .and(body_partial_json(json!({"Name": name})))
            .respond_with(ok(json!({"DataCatalog": body})))
            .mount(sts.server())
            .await;
    }
    athena("GetDataCatalog")
        .and(body_partial_json(json!({"Name": "locked"})))
        .respond_with(athena_error("AccessDeniedException", "not authorized"))
        .mount(sts.server())
        .await;
    let conn = connect(&sts, AccessLevel::ReadOnly).await;
    let scanner = DataCatalogScanner::new(&conn);
    let (mut records, mut skipped) = (Vec::new(), Vec::new());
    let mut s = scanner.scan();
    while let Some(item) = s.next().await {
        match item.unwrap() {
            ScanItem::Record(r) => records.push(r),
            ScanItem::Skipped(k) => skipped.push(k),
        }
    }
    records.sort_by(|a, b| a.name.cmp(&b.name));
    let by = |n: &str| {
        records
            .iter()
            .find(|r| r.name.as_deref() == Some(n))
            .unwrap()
    };
    assert_eq!(records.len(), 4);
    let partner = by("partner");
    assert_eq!(partner.glue_catalog_id.as_deref(), Some("210987654321"));
    assert_eq!(
        partner.description.as_deref(),
        Some("shared by 210987654321")
    );
    assert!(partner.unread.is_empty());
    assert_eq!(
        by("AwsDataCatalog").glue_catalog_id.as_deref(),
        Some("123456789012")
    );
    let dynamo = by("dynamo");
    assert_eq!(dynamo.catalog_type.as_deref(), Some("LAMBDA"));
    assert_eq!(dynamo.glue_catalog_id, None);
    assert!(dynamo.parameters.as_ref().unwrap()["function"].ends_with(":function:ddb"));
    let locked = by("locked");
    assert_eq!(locked.catalog_type.as_deref(), Some("HIVE"));
    assert_eq!(locked.parameters, None);
    assert_eq!(locked.unread, ["parameters"]);
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].part, "athena:GetDataCatalog catalog=locked");
    assert_eq!(skipped[0].kind, ErrorKind::AccessDenied);
}
