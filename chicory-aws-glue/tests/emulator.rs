//! Glue and Athena scanners and operators against the local moto server with IAM enforcement
//! on, under a role holding exactly the policy crate's Glue policy for the access level.
//!
//! Needs the emulator: `bash scripts/emulator.sh start` (started if possible; the tests fail
//! naming that command if it cannot be).

use aws_sdk_glue::types::{
    Column, DatabaseInput, PartitionInput, SerDeInfo, StorageDescriptor, TableInput,
};
use chicory_aws_core::{
    AccessLevel, Connection, ConnectionParams, ErrorKind, Operator, ScanItem, Scanner,
};
use chicory_aws_glue::{
    CatalogOptions, CatalogPartitionScanner, CreateWorkGroup, DataCatalogScanner, DatabaseRef,
    DatabaseScanner, DeleteWorkGroup, GetDatabase, GetTable, PartitionScanner, RunAthenaQuery,
    RunQueryInput, TableRef, TableScanner, TableVersionScanner, WorkGroupInput, WorkGroupScanner,
};
use chicory_aws_policy::permissions::{permission_policy, Integration, PolicyOptions};
use chicory_aws_testkit::{unique, Emulator};
use futures::StreamExt;

/// A vendor and a customer role holding the policy crate's Glue policy for `level`.
async fn customer(level: AccessLevel) -> (chicory_aws_testkit::Vendor, ConnectionParams) {
    let policy = permission_policy(Integration::Glue, level, &PolicyOptions::default())
        .unwrap()
        .to_json_compact();
    let ext = format!("chicory-{}", unique("glue"));
    let (vendor, params) = Emulator::get()
        .customer(&ext, &[("GluePolicy", &policy)])
        .await;
    (vendor, params.with_access_level(level))
}

async fn connect(level: AccessLevel) -> Connection {
    Emulator::get()
        .connect_to_role(Integration::Glue, level, level)
        .await
}

async fn admin_glue() -> aws_sdk_glue::Client {
    aws_sdk_glue::Client::new(&Emulator::get().admin_config().await)
}

fn table_input(name: &str, partitioned: bool) -> TableInput {
    let col = |n: &str, t: &str| Column::builder().name(n).r#type(t).build().unwrap();
    let mut t = TableInput::builder()
        .name(name)
        .table_type("EXTERNAL_TABLE")
        .owner("analyst")
        .parameters("classification", "parquet")
        .storage_descriptor(
            StorageDescriptor::builder()
                .columns(col("id", "bigint"))
                .columns(
                    Column::builder()
                        .name("email")
                        .r#type("string")
                        .comment("pii")
                        .build()
                        .unwrap(),
                )
                .location(format!("s3://lake/{name}/"))
                .input_format("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat")
                .output_format("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat")
                .serde_info(
                    SerDeInfo::builder()
                        .serialization_library(
                            "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                        )
                        .build(),
                )
                .build(),
        );
    if partitioned {
        t = t.partition_keys(col("dt", "string"));
    }
    t.build().unwrap()
}

async fn create_db(glue: &aws_sdk_glue::Client, name: &str) {
    glue.create_database()
        .database_input(
            DatabaseInput::builder()
                .name(name)
                .description("sales data")
                .location_uri(format!("s3://lake/{name}/"))
                .parameters("owner", "team-a")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

async fn records<S: Scanner>(s: &S) -> (Vec<S::Record>, usize) {
    let mut out = Vec::new();
    let mut skipped = 0;
    let mut stream = s.scan();
    while let Some(item) = stream.next().await {
        match item.unwrap() {
            ScanItem::Record(r) => out.push(r),
            ScanItem::Skipped(_) => skipped += 1,
        }
    }
    (out, skipped)
}

#[tokio::test]
async fn databases_and_tables_are_scanned_with_filters() {
    let glue = admin_glue().await;
    let prefix = unique("scan");
    let (a, b) = (format!("{prefix}_a"), format!("{prefix}_b"));
    create_db(&glue, &a).await;
    create_db(&glue, &b).await;
    for db in [&a, &b] {
        for t in ["orders", "customers", "tmp_x"] {
            glue.create_table()
                .database_name(db)
                .table_input(table_input(t, t == "orders"))
                .send()
                .await
                .unwrap();
        }
    }
    let conn = connect(AccessLevel::ReadOnly).await;

    let dbs = DatabaseScanner::new(
        &conn,
        CatalogOptions::default().include_databases(format!("{prefix}_*")),
    )
    .unwrap();
    let (dbs, _) = records(&dbs).await;
    let mut names: Vec<_> = dbs.iter().map(|d| d.name.clone()).collect();
    names.sort();
    assert_eq!(names, vec![a.clone(), b.clone()]);
    let da = dbs.iter().find(|d| d.name == a).unwrap();
    assert_eq!(da.description.as_deref(), Some("sales data"));
    assert_eq!(
        da.parameters.get("owner").map(String::as_str),
        Some("team-a")
    );
    assert_eq!(da.account_id, conn.account_id());

    let opts = CatalogOptions::default()
        .include_databases(format!("{prefix}_*"))
        .exclude_databases(b.clone())
        .exclude_tables("tmp_*")
        .concurrency(2);
    let (tables, skipped) = records(&TableScanner::new(&conn, opts).unwrap()).await;
    assert_eq!(skipped, 0);
    let mut names: Vec<_> = tables
        .iter()
        .map(|t| format!("{}.{}", t.database, t.name))
        .collect();
    names.sort();
    assert_eq!(names, vec![format!("{a}.customers"), format!("{a}.orders")]);
    let orders = tables.iter().find(|t| t.name == "orders").unwrap();
    assert_eq!(orders.columns.len(), 2);
    assert_eq!(orders.columns[1].comment.as_deref(), Some("pii"));
    assert_eq!(orders.partition_keys[0].name, "dt");
    assert_eq!(orders.location.as_deref(), Some("s3://lake/orders/"));
    assert!(orders
        .serde
        .as_ref()
        .unwrap()
        .serialization_library
        .as_deref()
        .unwrap()
        .ends_with("ParquetHiveSerDe"));
    assert_eq!(orders.owner.as_deref(), Some("analyst"));
    assert!(orders.create_time.is_some());

    // Incremental: nothing updated in the future.
    let future = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    let opts = CatalogOptions::default()
        .include_databases(format!("{prefix}_*"))
        .updated_since(future);
    let (tables, _) = records(&TableScanner::new(&conn, opts).unwrap()).await;
    assert!(tables.is_empty(), "{tables:?}");

    // Operators.
    let t = GetTable::new(&conn)
        .call(TableRef {
            database: a.clone(),
            table: "orders".into(),
            catalog_id: None,
        })
        .await
        .unwrap();
    assert_eq!(t.partition_keys.len(), 1);
    let d = GetDatabase::new(&conn)
        .call(DatabaseRef {
            database: a.clone(),
            catalog_id: None,
        })
        .await
        .unwrap();
    assert_eq!(
        d.location.as_deref(),
        Some(format!("s3://lake/{a}/").as_str())
    );
    let err = GetTable::new(&conn)
        .call(TableRef {
            database: a.clone(),
            table: "missing".into(),
            catalog_id: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
}

#[tokio::test]
async fn bad_options_fail_before_any_request() {
    let conn = connect(AccessLevel::ReadOnly).await;
    let err = TableScanner::new(&conn, CatalogOptions::default().concurrency(0)).unwrap_err();
    assert_eq!(err.field(), Some("concurrency"));
    let err = TableScanner::new(&conn, CatalogOptions::default().catalog_id("abc")).unwrap_err();
    assert_eq!(err.field(), Some("catalog_id"));
    let err = PartitionScanner::new(&conn, CatalogOptions::default(), "d", "t", 11).unwrap_err();
    assert_eq!(err.field(), Some("segments"));
    let err = GetTable::new(&conn)
        .call(TableRef {
            database: "d".into(),
            table: String::new(),
            catalog_id: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("table"));
}

#[tokio::test]
async fn partitions_are_read_in_segments_and_versions_listed() {
    let glue = admin_glue().await;
    let db = unique("parts");
    create_db(&glue, &db).await;
    glue.create_table()
        .database_name(&db)
        .table_input(table_input("events", true))
        .send()
        .await
        .unwrap();
    let inputs: Vec<_> = (0..250)
        .map(|i| {
            PartitionInput::builder()
                .values(format!("2024-01-{i:03}"))
                .storage_descriptor(
                    StorageDescriptor::builder()
                        .location(format!("s3://lake/events/dt={i}/"))
                        .build(),
                )
                .build()
        })
        .collect();
    for chunk in inputs.chunks(100) {
        glue.batch_create_partition()
            .database_name(&db)
            .table_name("events")
            .set_partition_input_list(Some(chunk.to_vec()))
            .send()
            .await
            .unwrap();
    }
    // A second version of the table.
    let mut updated = table_input("events", true);
    updated.description = Some("v2".into());
    glue.update_table()
        .database_name(&db)
        .table_input(updated)
        .send()
        .await
        .unwrap();

    let conn = connect(AccessLevel::ReadOnly).await;
    // moto ignores `Segment` (every segment gets every partition), so on the emulator only one
    // segment is meaningful; the segment requests themselves are checked on the Glue fake.
    for segments in [1] {
        let s = PartitionScanner::new(&conn, CatalogOptions::default(), &db, "events", segments)
            .unwrap();
        let (parts, _) = records(&s).await;
        let mut values: Vec<_> = parts.iter().map(|p| p.values[0].clone()).collect();
        values.sort();
        values.dedup();
        assert_eq!(parts.len(), 250, "segments={segments}");
        assert_eq!(
            values.len(),
            250,
            "each partition once, segments={segments}"
        );
    }
    let all = CatalogPartitionScanner::new(
        &conn,
        CatalogOptions::default().include_databases(db.clone()),
        1,
    )
    .unwrap();
    let (parts, skipped) = records(&all).await;
    assert_eq!((parts.len(), skipped), (250, 0));
    assert!(parts
        .iter()
        .all(|p| p.table == "events" && p.location.is_some()));
    let (versions, _) = records(
        &TableVersionScanner::new(&conn, CatalogOptions::default(), &db, "events").unwrap(),
    )
    .await;
    assert!(versions.len() >= 2, "{versions:?}");
}

#[tokio::test]
async fn athena_workgroups_and_catalogs_are_scanned() {
    let athena = aws_sdk_athena::Client::new(&Emulator::get().admin_config().await);
    let wg = unique("wg");
    athena
        .create_work_group()
        .name(&wg)
        .description("analysts")
        .send()
        .await
        .unwrap();
    let catalog = unique("cat");
    athena
        .create_data_catalog()
        .name(&catalog)
        .r#type(aws_sdk_athena::types::DataCatalogType::Glue)
        .parameters("catalog-id", Emulator::get().account_id())
        .send()
        .await
        .unwrap();
    let conn = connect(AccessLevel::ReadOnly).await;
    let (wgs, _) = records(&WorkGroupScanner::new(&conn)).await;
    let found = wgs
        .iter()
        .find(|w| w.name.as_deref() == Some(wg.as_str()))
        .expect("workgroup scanned");
    assert_eq!(found.description.as_deref(), Some("analysts"));
    let (catalogs, _) = records(&DataCatalogScanner::new(&conn)).await;
    assert!(
        catalogs
            .iter()
            .any(|c| c.name.as_deref() == Some(catalog.as_str())
                && c.catalog_type.as_deref() == Some("GLUE")),
        "{catalogs:?}"
    );
}

fn wg_input(name: &str) -> WorkGroupInput {
    serde_json::from_value(serde_json::json!({"name": name, "description": "etl"})).unwrap()
}

#[tokio::test]
async fn workgroup_writes_need_read_write() {
    let wg = unique("wg");
    // ReadOnly connection: refused locally, before any request.
    let ro = connect(AccessLevel::ReadOnly).await;
    let err = CreateWorkGroup::new(&ro)
        .call(wg_input(&wg))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");
    // A ReadWrite connection to a role holding only the ReadOnly policy: the server denies.
    let emu = Emulator::get();
    let policy = permission_policy(
        Integration::Glue,
        AccessLevel::ReadOnly,
        &PolicyOptions::default(),
    )
    .unwrap()
    .to_json_compact();
    let (vendor, params) = emu
        .customer(&format!("chicory-{}", unique("ro")), &[("GlueRO", &policy)])
        .await;
    let lying = emu
        .connection(&vendor, params.with_access_level(AccessLevel::ReadWrite))
        .connect()
        .await
        .unwrap();
    let err = CreateWorkGroup::new(&lying)
        .call(wg_input(&wg))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    // The ReadWrite role: created, scanned, deleted.
    let rw = connect(AccessLevel::ReadWrite).await;
    CreateWorkGroup::new(&rw).call(wg_input(&wg)).await.unwrap();
    let (wgs, _) = records(&WorkGroupScanner::new(&rw)).await;
    assert!(wgs.iter().any(|w| w.name.as_deref() == Some(wg.as_str())));
    DeleteWorkGroup::new(&rw).call(wg_input(&wg)).await.unwrap();
    let (wgs, _) = records(&WorkGroupScanner::new(&rw)).await;
    assert!(!wgs.iter().any(|w| w.name.as_deref() == Some(wg.as_str())));
    let err = CreateWorkGroup::new(&rw)
        .call(wg_input("bad name!"))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("name"));
}

#[tokio::test]
async fn an_athena_query_runs_under_read_write_only() {
    let athena = aws_sdk_athena::Client::new(&Emulator::get().admin_config().await);
    let wg = unique("wgq");
    athena.create_work_group().name(&wg).send().await.unwrap();
    let input = |q: &str| -> RunQueryInput {
        serde_json::from_value(serde_json::json!({
            "query": q, "workgroup": wg, "database": "sales",
            "output_location": "s3://results/", "timeout_secs": 30
        }))
        .unwrap()
    };
    let ro = connect(AccessLevel::ReadOnly).await;
    let err = RunAthenaQuery::new(&ro)
        .call(input("SELECT 1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");

    let rw = connect(AccessLevel::ReadWrite).await;
    let out = RunAthenaQuery::new(&rw)
        .call(input("SELECT count(*) FROM orders"))
        .await
        .unwrap();
    assert_eq!(out.state, "SUCCEEDED");
    eprintln!("moto query output: {out:?}");

    // The history scanners are checked on the emulator in tests/query_activity_emulator.rs
    // (moto answers BatchGetQueryExecution through the project's launcher); here the
    // execution itself is checked.
    let q = athena
        .get_query_execution()
        .query_execution_id(&out.query_execution_id)
        .send()
        .await
        .unwrap()
        .query_execution
        .unwrap();
    assert_eq!(q.query.as_deref(), Some("SELECT count(*) FROM orders"));
    assert_eq!(q.work_group.as_deref(), Some(wg.as_str()));

    let err = RunAthenaQuery::new(&rw)
        .call(input("  "))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("query"));
}

/// The visibility check on the emulator, where IAM is really enforced: a table the ReadOnly
/// role reads and lists is visible, a missing one not found, and a role whose policy lacks
/// the Glue reads is told IAM denies it (moto has no Lake Formation: the fake covers that).
#[tokio::test]
async fn visibility_check_against_real_iam() {
    use chicory_aws_glue::{CheckVisibility, Visibility, VisibilityInput};
    let glue = admin_glue().await;
    let db = unique("vis").replace('-', "_");
    glue.create_database()
        .database_input(DatabaseInput::builder().name(&db).build().unwrap())
        .send()
        .await
        .unwrap();
    glue.create_table()
        .database_name(&db)
        .table_input(table_input("seen", false))
        .send()
        .await
        .unwrap();
    let input = |table: &str| VisibilityInput {
        database: db.clone(),
        table: Some(table.to_owned()),
        catalog_id: None,
    };
    let conn = connect(AccessLevel::ReadOnly).await;
    let seen = CheckVisibility::new(&conn)
        .call(input("seen"))
        .await
        .unwrap();
    assert_eq!(seen.visibility, Visibility::Visible, "{seen:?}");
    assert_eq!(seen.listed, Some(true));
    let missing = CheckVisibility::new(&conn)
        .call(input("absent"))
        .await
        .unwrap();
    assert_eq!(missing.visibility, Visibility::NotFound, "{missing:?}");

    let emu = Emulator::get();
    let only_list = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"glue:GetDatabases","Resource":"*"}]}"#;
    let (vendor, params) = emu
        .customer(
            &format!("chicory-{}", unique("vis")),
            &[("ListOnly", only_list)],
        )
        .await;
    let conn = emu.connection(&vendor, params).connect().await.unwrap();
    let denied = CheckVisibility::new(&conn)
        .call(input("seen"))
        .await
        .unwrap();
    assert_eq!(denied.visibility, Visibility::DeniedByIam, "{denied:?}");
    assert_eq!(denied.code.as_deref(), Some("AccessDeniedException"));
    assert!(!denied.remedy.is_empty());
}

/// With `read_iceberg_metadata`, each Iceberg table's current metadata file is read from S3
/// through the ReadOnly role: Iceberg's own schema and partition spec, compared with Glue's
/// current columns; a missing file is a skipped part and the record names what it lacks.
#[tokio::test]
async fn iceberg_metadata_files_are_read_and_compared_with_glue() {
    use aws_sdk_s3::primitives::ByteStream;
    let emu = Emulator::get();
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&emu.admin_config().await)
            .force_path_style(true)
            .build(),
    );
    let bucket = unique("ice").to_lowercase();
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let metadata = |fields: serde_json::Value| {
        serde_json::json!({
            "format-version": 2, "table-uuid": "00000000-0000-0000-0000-000000000001",
            "location": format!("s3://{bucket}/events"), "current-schema-id": 1,
            "schemas": [
                {"type": "struct", "schema-id": 0, "fields": [
                    {"id": 1, "name": "id", "required": true, "type": "long"},
                    {"id": 2, "name": "legacy_flag", "required": false, "type": "boolean"}]},
                {"type": "struct", "schema-id": 1, "fields": fields}
            ],
            "default-spec-id": 0,
            "partition-specs": [{"spec-id": 0, "fields": [
                {"name": "id_bucket", "transform": "bucket[16]", "source-id": 1, "field-id": 1000}]}]
        })
        .to_string()
    };
    let current = serde_json::json!([
        {"id": 1, "name": "id", "required": true, "type": "long"},
        {"id": 3, "name": "name", "required": false, "type": "string"}]);
    let wider = serde_json::json!([
        {"id": 1, "name": "id", "required": true, "type": "long"},
        {"id": 3, "name": "name", "required": false, "type": "string"},
        {"id": 4, "name": "tags", "required": false,
         "type": {"type": "list", "element-id": 5, "element": "string", "element-required": false}}]);
    for (key, body) in [
        ("events.json", metadata(current)),
        ("wider.json", metadata(wider)),
    ] {
        s3.put_object()
            .bucket(&bucket)
            .key(format!("meta/{key}"))
            .body(ByteStream::from(body.into_bytes()))
            .send()
            .await
            .unwrap();
    }
    let glue = admin_glue().await;
    let db = unique("ice").replace('-', "_");
    glue.create_database()
        .database_input(DatabaseInput::builder().name(&db).build().unwrap())
        .send()
        .await
        .unwrap();
    let iceberg_col = |name: &str, current: bool| {
        Column::builder()
            .name(name)
            .r#type("string")
            .parameters("iceberg.field.current", current.to_string())
            .build()
            .unwrap()
    };
    for (table, key) in [
        ("events", "events.json"),
        ("wider", "wider.json"),
        ("lost", "gone.json"),
    ] {
        let input = TableInput::builder()
            .name(table)
            .table_type("EXTERNAL_TABLE")
            .parameters("table_type", "ICEBERG")
            .parameters("metadata_location", format!("s3://{bucket}/meta/{key}"))
            .storage_descriptor(
                StorageDescriptor::builder()
                    .columns(iceberg_col("id", true))
                    .columns(iceberg_col("legacy_flag", false))
                    .columns(iceberg_col("name", true))
                    .build(),
            )
            .build()
            .unwrap();
        glue.create_table()
            .database_name(&db)
            .table_input(input)
            .send()
            .await
            .unwrap();
    }
    // Through a counting proxy (no faults), to measure what the option costs.
    let (vendor, params) = customer(AccessLevel::ReadOnly).await;
    let proxy = chicory_aws_testkit::faults::FaultProxy::start(emu.endpoint(), 1).await;
    let conn = emu
        .connection(&vendor, params)
        .endpoint_url(proxy.url())
        .connect()
        .await
        .unwrap();
    let plain = CatalogOptions::default().include_databases(db.clone());
    let (without, _) = records(&TableScanner::new(&conn, plain.clone()).unwrap()).await;
    assert_eq!(without.len(), 3);
    assert!(without
        .iter()
        .all(|t| t.iceberg.as_ref().unwrap().schema.is_none()));
    let base = proxy.counts();
    assert_eq!(base.requests.get("GetObject"), None, "{:?}", base.requests);
    proxy.reset_counts();
    let options = plain.read_iceberg_metadata(true);
    let scanner = TableScanner::new(&conn, options).unwrap();
    assert!(scanner
        .actions()
        .iter()
        .any(|a| a.iam_name() == "s3:GetObject"));
    let (mut tables, mut skipped) = (Vec::new(), Vec::new());
    let mut stream = scanner.scan();
    while let Some(item) = stream.next().await {
        match item.unwrap() {
            ScanItem::Record(t) => tables.push(t),
            ScanItem::Skipped(k) => skipped.push(k),
        }
    }
    let by = |n: &str| tables.iter().find(|t| t.name == n).unwrap();

    let events = by("events");
    let ice = events.iceberg.as_ref().unwrap();
    let schema = ice.schema.as_ref().unwrap();
    assert_eq!(
        schema
            .iter()
            .map(|f| (f.id, f.name.as_str(), f.data_type.as_str(), f.required))
            .collect::<Vec<_>>(),
        [(1, "id", "long", true), (3, "name", "string", false)]
    );
    let spec = ice.partition_spec.as_ref().unwrap();
    assert_eq!(
        (
            spec[0].name.as_str(),
            spec[0].transform.as_str(),
            spec[0].source_id
        ),
        ("id_bucket", "bucket[16]", Some(1))
    );
    assert_eq!(ice.matches_glue, Some(true));
    assert_eq!(ice.format_version.as_deref(), Some("2"));
    assert!(events.unread.is_empty());

    let wider = by("wider").iceberg.as_ref().unwrap();
    assert_eq!(wider.matches_glue, Some(false), "Glue lacks `tags`");
    assert!(wider.schema.as_ref().unwrap()[2]
        .data_type
        .contains("\"list\""));

    let lost = by("lost");
    assert_eq!(lost.iceberg.as_ref().unwrap().schema, None);
    assert_eq!(lost.unread, ["iceberg.schema"]);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0]
            .part
            .starts_with(&format!("s3:GetObject table={db}.lost metadata=s3://")),
        "{skipped:?}"
    );
    assert_eq!(skipped[0].kind, ErrorKind::NotFound);
    // The cost: one GetObject per Iceberg table, and the Glue requests of the plain scan.
    let with = proxy.counts();
    assert_eq!(
        with.requests.get("GetObject"),
        Some(&3),
        "{:?}",
        with.requests
    );
    for op in ["GetDatabases", "GetTables"] {
        assert_eq!(with.requests.get(op), base.requests.get(op), "{op}");
    }
}
