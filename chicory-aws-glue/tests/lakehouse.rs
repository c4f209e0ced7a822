//! Lakehouse catalogs as Glue describes them today, against the test kit's lakehouse fake
//! (`chicory_aws_testkit::lakehouse`, shapes from the Glue API model; moto lacks multi-catalog,
//! Iceberg column parameters and most link behaviour): table formats, Iceberg current and
//! dropped columns, every catalog of the account, resource links live and orphaned.

use chicory_aws_core::{AccessLevel, Connection, Operator, ScanItem, Scanner, Skipped};
use chicory_aws_glue::records::TableRecord;
use chicory_aws_glue::{
    CatalogOptions, CatalogRecord, CatalogScanner, Catalogs, CheckVisibility, DatabaseScanner,
    GlueCatalogScanner, TableFormat, TableScanner, Visibility, VisibilityInput,
};
use chicory_aws_testkit::lakehouse::{
    self, ACCOUNT, GOVERNED, IAM_DENIED, LAKE, S3_TABLES, S3_TABLES_BUCKET, SHARED,
};
use chicory_aws_testkit::{FakeSts, TestClock};
use futures::StreamExt;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;

async fn setup() -> (FakeSts, Connection) {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
    lakehouse::mount(sts.server()).await;
    let conn = sts
        .connection(AccessLevel::ReadOnly)
        .retry_config(aws_smithy_types::retry::RetryConfig::standard().with_max_attempts(1))
        .build()
        .await
        .unwrap();
    assert_eq!(conn.account_id(), ACCOUNT);
    (sts, conn)
}

/// Records and skipped parts of a scan; panics on an incomplete part.
async fn collect<S: Scanner>(s: &S) -> (Vec<S::Record>, Vec<Skipped>) {
    let (mut records, mut skipped) = (Vec::new(), Vec::new());
    let mut stream = s.scan();
    while let Some(item) = stream.next().await {
        match item.unwrap_or_else(|e| panic!("{}: incomplete part: {e}", s.name())) {
            ScanItem::Record(r) => records.push(r),
            ScanItem::Skipped(k) => skipped.push(k),
        }
    }
    (records, skipped)
}

fn by_name(tables: Vec<TableRecord>) -> BTreeMap<String, TableRecord> {
    tables.into_iter().map(|t| (t.name.clone(), t)).collect()
}

fn names(cols: &[chicory_aws_glue::records::Column]) -> Vec<&str> {
    cols.iter().map(|c| c.name.as_str()).collect()
}

#[tokio::test]
async fn every_table_says_its_format_and_iceberg_tables_only_their_current_columns() {
    let (_sts, conn) = setup().await;
    let options = CatalogOptions::default().exclude_databases(GOVERNED);
    let (tables, skipped) = collect(&TableScanner::new(&conn, options).unwrap()).await;
    assert!(skipped.is_empty(), "{skipped:?}");
    // Without following links, a link database's tables are not listed (they live in the
    // owner's catalog): only `lake`'s seven tables.
    let t = by_name(tables);
    assert_eq!(t.keys().map(String::as_str).collect::<Vec<_>>(), {
        let mut v = lakehouse::LAKE_TABLES.to_vec();
        v.sort();
        v
    });

    let iceberg = &t["events_iceberg"];
    assert_eq!(iceberg.format, Some(TableFormat::Iceberg));
    assert_eq!(names(&iceberg.columns), ["id", "name"]);
    assert_eq!(names(&iceberg.dropped_columns), ["legacy_flag"]);
    let meta = iceberg.iceberg.as_ref().expect("Iceberg fields");
    assert_eq!(
        meta.metadata_location.as_deref(),
        Some("s3://lake/events/metadata/00002-b.metadata.json")
    );
    assert_eq!(
        meta.previous_metadata_location.as_deref(),
        Some("s3://lake/events/metadata/00001-a.metadata.json")
    );
    assert_eq!(iceberg.link_target, None);
    assert_eq!(iceberg.catalog_id.as_deref(), Some(ACCOUNT));

    let delta = &t["orders_delta"];
    assert_eq!(delta.format, Some(TableFormat::Delta));
    assert_eq!(names(&delta.columns), ["order_id"]);
    assert!(delta.dropped_columns.is_empty() && delta.iceberg.is_none());

    let hudi = &t["trips_hudi"];
    assert_eq!(hudi.format, Some(TableFormat::Hudi));
    assert_eq!(names(&hudi.columns), ["_hoodie_commit_time", "trip_id"]);

    assert_eq!(t["daily_view"].format, Some(TableFormat::View));
    assert_eq!(t["raw_csv"].format, Some(TableFormat::Hive));
    assert!(t["raw_csv"].iceberg.is_none());

    let link = &t["shared_orders_link"];
    assert_eq!(link.format, None, "a link has no format of its own");
    assert!(link.columns.is_empty());
    let target = link.link_target.as_ref().expect("the link's target");
    assert_eq!(target.catalog_id.as_deref(), Some(SHARED));
    assert_eq!(target.database.as_deref(), Some("sales"));
    assert_eq!(target.name.as_deref(), Some("orders"));
    assert_eq!(target.region.as_deref(), Some("us-east-1"));

    // The JSON a sink writes: the format in lowercase, the link and the dropped columns.
    let v = serde_json::to_value(iceberg).unwrap();
    assert_eq!(v["format"], "iceberg");
    assert_eq!(v["dropped_columns"][0]["name"], "legacy_flag");
    assert_eq!(
        serde_json::to_value(link).unwrap()["link_target"]["catalog_id"],
        SHARED
    );
}

#[tokio::test]
async fn database_links_name_their_target() {
    let (_sts, conn) = setup().await;
    let (dbs, skipped) =
        collect(&DatabaseScanner::new(&conn, CatalogOptions::default()).unwrap()).await;
    assert!(skipped.is_empty(), "{skipped:?}");
    let by: BTreeMap<_, _> = dbs.iter().map(|d| (d.name.as_str(), d)).collect();
    assert_eq!(
        by.keys().copied().collect::<Vec<_>>(),
        [GOVERNED, LAKE, "orphan_link", "shared_sales_link"]
    );
    assert_eq!(by[LAKE].link_target, None);
    let shared = by["shared_sales_link"].link_target.as_ref().unwrap();
    assert_eq!(
        (
            shared.catalog_id.as_deref(),
            shared.database.as_deref(),
            shared.region.as_deref()
        ),
        (Some(SHARED), Some("sales"), Some("us-east-1"))
    );
    let orphan = by["orphan_link"].link_target.as_ref().unwrap();
    assert_eq!(orphan.database.as_deref(), Some("dropped_db"));
}

#[tokio::test]
async fn followed_links_read_the_owners_catalog_and_orphans_are_skipped_naming_the_link() {
    let (sts, conn) = setup().await;
    let options = CatalogOptions::default()
        .follow_links(true)
        .exclude_databases(GOVERNED);
    let scanner = TableScanner::new(&conn, options).unwrap();
    assert!(scanner.actions().iter().any(|a| a.name == "GetTable"));
    let (tables, skipped) = collect(&scanner).await;

    // The shared database's table, listed in the owner's catalog and attributed to it; the
    // table link replaced by its target, read with GetTable in the owner's catalog.
    let shared: Vec<&TableRecord> = tables
        .iter()
        .filter(|t| t.catalog_id.as_deref() == Some(SHARED))
        .collect();
    assert_eq!(shared.len(), 2, "{tables:#?}");
    for t in &shared {
        assert_eq!((t.database.as_str(), t.name.as_str()), ("sales", "orders"));
        assert_eq!(t.format, Some(TableFormat::Hive));
        assert_eq!(names(&t.columns), ["order_id", "amount"]);
    }
    let local: Vec<&str> = tables
        .iter()
        .filter(|t| t.catalog_id.as_deref() == Some(ACCOUNT))
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(
        local.len(),
        5,
        "the five tables that are not links: {local:?}"
    );
    assert!(!local.contains(&"shared_orders_link") && !local.contains(&"gone_link"));

    // The orphaned database link and table link: skipped parts naming the link and target.
    let mut parts: Vec<String> = skipped.iter().map(|k| k.part.clone()).collect();
    parts.sort();
    assert_eq!(
        parts,
        [
            format!("glue:GetTable link=lake.gone_link target={SHARED}:sales.dropped_table"),
            format!("glue:GetTables link=orphan_link target={SHARED}:dropped_db"),
        ],
        "{skipped:?}"
    );

    // The owner's catalog was asked with its id.
    let requests = lakehouse::requests(sts.server()).await;
    assert!(requests.iter().any(|(op, b)| op == "GetTables"
        && b["CatalogId"] == SHARED
        && b["DatabaseName"] == "sales"));
    assert!(requests
        .iter()
        .any(|(op, b)| op == "GetTable" && b["CatalogId"] == SHARED && b["Name"] == "orders"));
}

#[tokio::test]
async fn every_catalog_of_the_account_is_scanned_with_its_id() {
    let (sts, conn) = setup().await;

    // The catalogs themselves, containers included.
    let (catalogs, skipped) = collect(&GlueCatalogScanner::new(&conn).unwrap()).await;
    assert!(skipped.is_empty(), "{skipped:?}");
    let ids: Vec<&str> = catalogs
        .iter()
        .filter_map(|c| c.catalog_id.as_deref())
        .collect();
    assert_eq!(ids, [ACCOUNT, S3_TABLES, S3_TABLES_BUCKET]);
    let bucket = &catalogs[2];
    assert_eq!(bucket.name, "analytics-bucket");
    let fed = bucket.federated.as_ref().unwrap();
    assert_eq!(fed.connection_type.as_deref(), Some("aws:s3tables"));
    assert_eq!(
        fed.identifier.as_deref(),
        Some("arn:aws:s3tables:us-east-1:123456789012:bucket/analytics-bucket")
    );
    assert_eq!(
        bucket.parameters.get("source").map(String::as_str),
        Some("s3tables")
    );
    assert_eq!(
        serde_json::to_value(bucket).unwrap()["kind"],
        "glue_data_catalog"
    );

    // Databases and tables of every catalog that can hold databases, in one pass.
    let options = CatalogOptions::default()
        .all_catalogs()
        .exclude_databases(GOVERNED);
    let scanner = CatalogScanner::new(&conn, options, None).unwrap();
    assert_eq!(scanner.actions()[0].name, "GetCatalogs");
    let (records, skipped) = collect(&scanner).await;
    assert!(skipped.is_empty(), "{skipped:?}");
    let mut seen = Vec::new();
    for r in &records {
        match r {
            CatalogRecord::Catalog(c) => {
                seen.push(format!("catalog {}", c.catalog_id.as_deref().unwrap()))
            }
            CatalogRecord::Database(d) => seen.push(format!(
                "database {}:{}",
                d.catalog_id.as_deref().unwrap(),
                d.name
            )),
            CatalogRecord::Table(t) => seen.push(format!(
                "table {}:{}.{} {:?}",
                t.catalog_id.as_deref().unwrap(),
                t.database,
                t.name,
                t.format
            )),
            CatalogRecord::Partition(_) => panic!("partitions were not asked for"),
        }
    }
    for want in [
        format!("catalog {ACCOUNT}"),
        format!("catalog {S3_TABLES_BUCKET}"),
        format!("database {ACCOUNT}:lake"),
        format!("database {S3_TABLES_BUCKET}:ns1"),
        format!("table {S3_TABLES_BUCKET}:ns1.metrics Some(Iceberg)"),
        format!("table {ACCOUNT}:lake.events_iceberg Some(Iceberg)"),
    ] {
        assert!(seen.contains(&want), "missing {want:?} in {seen:#?}");
    }
    assert!(
        !seen.contains(&format!("catalog {S3_TABLES}")),
        "a container holds no databases"
    );
    assert_eq!(seen.iter().filter(|s| s.starts_with("table ")).count(), 8);

    // The S3 Tables catalog's databases and tables were asked with its id, and GetCatalogs
    // asked for every catalog that can hold databases, the default one included.
    let requests = lakehouse::requests(sts.server()).await;
    assert!(requests.iter().any(|(op, b)| op == "GetTables"
        && b["CatalogId"] == S3_TABLES_BUCKET
        && b["DatabaseName"] == "ns1"));
    let get_catalogs: Vec<_> = requests
        .iter()
        .filter(|(op, _)| op == "GetCatalogs")
        .map(|(_, b)| b)
        .collect();
    assert!(
        get_catalogs
            .contains(&&json!({"Recursive": true, "IncludeRoot": true, "HasDatabases": true})),
        "{get_catalogs:?}"
    );
}

#[tokio::test]
async fn catalog_ids_are_checked_before_any_request() {
    let (sts, conn) = setup().await;
    for good in [ACCOUNT, S3_TABLES_BUCKET] {
        TableScanner::new(&conn, CatalogOptions::default().catalog_id(good)).unwrap();
    }
    for bad in [
        "abc",
        "12345678901",
        "123456789012:",
        "123456789012:a//b",
        "123456789012:a b",
    ] {
        let err = TableScanner::new(&conn, CatalogOptions::default().catalog_id(bad)).unwrap_err();
        assert_eq!(err.field(), Some("catalog_id"), "{bad}: {err}");
    }
    let mut o = CatalogOptions::default();
    o.catalogs = Catalogs::Ids(vec![]);
    assert_eq!(
        TableScanner::new(&conn, o).unwrap_err().field(),
        Some("catalog_id")
    );
    // A scanner of one table reads one catalog.
    let err = chicory_aws_glue::PartitionScanner::new(
        &conn,
        CatalogOptions::default().all_catalogs(),
        "d",
        "t",
        1,
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("catalogs"));
    assert!(lakehouse::requests(sts.server()).await.is_empty());
}

#[tokio::test]
async fn a_named_catalog_is_asked_with_its_id_and_records_carry_it() {
    let (sts, conn) = setup().await;
    let options = CatalogOptions::default().catalog_id(S3_TABLES_BUCKET);
    let (tables, _) = collect(&TableScanner::new(&conn, options).unwrap()).await;
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].catalog_id.as_deref(), Some(S3_TABLES_BUCKET));
    assert_eq!(tables[0].name, "metrics");
    let requests = lakehouse::requests(sts.server()).await;
    assert!(
        requests
            .iter()
            .all(|(_, b)| b["CatalogId"] == S3_TABLES_BUCKET),
        "{requests:?}"
    );
}

#[tokio::test]
async fn visibility_tells_lake_formation_from_iam_from_missing() {
    let (sts, conn) = setup().await;
    let check = |database: &str, table: Option<&str>| {
        let conn = conn.clone();
        let input = VisibilityInput {
            database: database.to_owned(),
            table: table.map(str::to_owned),
            catalog_id: None,
        };
        async move { CheckVisibility::new(&conn).call(input).await.unwrap() }
    };
    let open = check(GOVERNED, Some("open_table")).await;
    assert_eq!(open.visibility, Visibility::Visible);
    assert_eq!(open.listed, Some(true));
    assert_eq!(open.registered_with_lake_formation, Some(true));
    assert!(open.remedy.is_empty() && open.code.is_none());

    let hidden = check(GOVERNED, Some("hidden_table")).await;
    assert_eq!(hidden.visibility, Visibility::HiddenByLakeFormation);
    assert_eq!(hidden.resource, "governed.hidden_table");
    assert_eq!(hidden.code.as_deref(), Some("AccessDeniedException"));
    assert!(
        hidden.remedy[0].contains("grant-permissions"),
        "{:?}",
        hidden.remedy
    );
    assert!(
        hidden.remedy[0].contains(chicory_aws_testkit::FAKE_ROLE),
        "{:?}",
        hidden.remedy
    );
    assert!(
        hidden.remedy[0].contains(r#"{"Table":{"DatabaseName":"governed","Name":"hidden_table"}}"#),
        "{:?}",
        hidden.remedy
    );

    let unlisted = check(GOVERNED, Some("unlisted_table")).await;
    assert_eq!(unlisted.visibility, Visibility::HiddenByLakeFormation);
    assert_eq!(unlisted.listed, Some(false));
    assert!(unlisted
        .message
        .unwrap()
        .contains("GetTables leaves it out"));

    let iam = check(IAM_DENIED, Some("t")).await;
    assert_eq!(iam.visibility, Visibility::DeniedByIam);
    assert_eq!(iam.resource, IAM_DENIED);
    assert!(
        iam.remedy[0].contains("ReadOnly permission policy"),
        "{:?}",
        iam.remedy
    );

    let missing = check(LAKE, Some("no_such_table")).await;
    assert_eq!(missing.visibility, Visibility::NotFound);
    assert_eq!(missing.code.as_deref(), Some("EntityNotFoundException"));
    assert_eq!(
        check("no_such_db", None).await.visibility,
        Visibility::NotFound
    );
    assert_eq!(check(LAKE, None).await.visibility, Visibility::Visible);

    // Bad input is refused before any request.
    let before = lakehouse::requests(sts.server()).await.len();
    let err = CheckVisibility::new(&conn)
        .call(VisibilityInput {
            database: LAKE.into(),
            table: None,
            catalog_id: Some("abc".into()),
        })
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("catalog_id"));
    assert_eq!(lakehouse::requests(sts.server()).await.len(), before);
}
