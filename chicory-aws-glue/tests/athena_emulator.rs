//! Athena update operators and Athena's database listing on the local moto server with IAM
//! enforcement, under roles holding exactly the policy crate's Glue policy for the access level.
//!
//! Needs the emulator: `bash scripts/emulator.sh start`.

use chicory_aws_core::{AccessLevel, Connection, ErrorKind, Operator, ScanItem, Scanner, Tool};
use chicory_aws_glue::{AthenaDatabaseScanner, UpdateDataCatalog, UpdateWorkGroup};
use chicory_aws_policy::permissions::Integration;
use chicory_aws_testkit::{unique, Emulator};
use futures::StreamExt;
use serde_json::json;

/// A connection at `claimed` level to a role holding the policy for `held`.
async fn connect(held: AccessLevel, claimed: AccessLevel) -> Connection {
    Emulator::get()
        .connect_to_role(Integration::Glue, held, claimed)
        .await
}

async fn admin() -> aws_sdk_athena::Client {
    aws_sdk_athena::Client::new(&Emulator::get().admin_config().await)
}

#[tokio::test]
async fn a_workgroup_is_updated_under_read_write_only() {
    let athena = admin().await;
    let wg = unique("wgu");
    athena
        .create_work_group()
        .name(&wg)
        .description("v1")
        .send()
        .await
        .unwrap();
    let input = || {
        serde_json::from_value(json!({
            "name": wg, "description": "v2", "state": "DISABLED",
            "output_location": "s3://results/athena/"
        }))
        .unwrap()
    };
    let ro = connect(AccessLevel::ReadOnly, AccessLevel::ReadOnly).await;
    let err = UpdateWorkGroup::new(&ro).call(input()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");
    let lying = connect(AccessLevel::ReadOnly, AccessLevel::ReadWrite).await;
    let err = UpdateWorkGroup::new(&lying)
        .call(input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");

    // The ReadWrite role's policy lets the request through IAM; moto has no UpdateWorkGroup
    // (HTTP 500 after the IAM check), so the update itself is checked on the Athena fake.
    let rw = connect(AccessLevel::ReadWrite, AccessLevel::ReadWrite).await;
    match UpdateWorkGroup::new(&rw).call(input()).await {
        Ok(_) => {
            let got = athena
                .get_work_group()
                .work_group(&wg)
                .send()
                .await
                .unwrap()
                .work_group
                .unwrap();
            assert_eq!(got.description.as_deref(), Some("v2"));
        }
        Err(e) => {
            assert_ne!(e.kind(), ErrorKind::AccessDenied, "{e}");
            assert_eq!(e.status(), Some(500), "{e}");
        }
    }
    let err = UpdateWorkGroup::new(&rw)
        .call(serde_json::from_value(json!({"name": wg, "state": "PAUSED"})).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("state"));
}

#[tokio::test]
async fn a_data_catalog_is_updated_under_read_write_only() {
    let athena = admin().await;
    let catalog = unique("catu").replace('.', "_");
    athena
        .create_data_catalog()
        .name(&catalog)
        .r#type(aws_sdk_athena::types::DataCatalogType::Glue)
        .description("v1")
        .parameters("catalog-id", Emulator::get().account_id())
        .send()
        .await
        .unwrap();
    let input = || {
        serde_json::from_value(json!({
            "name": catalog, "catalog_type": "GLUE", "description": "v2",
            "parameters": {"catalog-id": Emulator::get().account_id()}
        }))
        .unwrap()
    };
    let ro = connect(AccessLevel::ReadOnly, AccessLevel::ReadOnly).await;
    let err = UpdateDataCatalog::new(&ro).call(input()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");
    let lying = connect(AccessLevel::ReadOnly, AccessLevel::ReadWrite).await;
    let err = UpdateDataCatalog::new(&lying)
        .call(input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    // As for workgroups: IAM lets it through, moto answers 500 (no UpdateDataCatalog).
    let rw = connect(AccessLevel::ReadWrite, AccessLevel::ReadWrite).await;
    match UpdateDataCatalog::new(&rw).call(input()).await {
        Ok(_) => {
            let got = athena
                .get_data_catalog()
                .name(&catalog)
                .send()
                .await
                .unwrap()
                .data_catalog
                .unwrap();
            assert_eq!(got.description.as_deref(), Some("v2"));
        }
        Err(e) => {
            assert_ne!(e.kind(), ErrorKind::AccessDenied, "{e}");
            assert_eq!(e.status(), Some(500), "{e}");
        }
    }
    // An unknown type is refused as the input is read, naming the field, before any request.
    let err = Tool::call_json(
        &UpdateDataCatalog::new(&rw),
        json!({"name": catalog, "catalog_type": "SQL"}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.field(), Some("catalog_type"));
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
}

#[tokio::test]
async fn athena_databases_are_listed_per_catalog_under_the_read_only_role() {
    // moto's Athena ListDatabases answers a fixed `default` database for AwsDataCatalog and
    // nothing for other catalogs (it does not reflect Glue); the scanner's pagination and skips
    // are checked on the Athena fake.
    let athena = admin().await;
    let catalog = unique("catl").replace('.', "_");
    athena
        .create_data_catalog()
        .name(&catalog)
        .r#type(aws_sdk_athena::types::DataCatalogType::Glue)
        .parameters("catalog-id", Emulator::get().account_id())
        .send()
        .await
        .unwrap();
    let ro = connect(AccessLevel::ReadOnly, AccessLevel::ReadOnly).await;
    let scanner =
        AthenaDatabaseScanner::new(&ro, Some(vec!["AwsDataCatalog".into(), catalog.clone()]), 2)
            .unwrap();
    let mut stream = scanner.scan();
    let mut catalogs = Vec::new();
    let mut skipped = Vec::new();
    while let Some(item) = stream.next().await {
        match item.unwrap() {
            ScanItem::Record(r) => {
                assert_eq!(r.account_id, ro.account_id());
                catalogs.push((r.catalog, r.name));
            }
            ScanItem::Skipped(s) => skipped.push(s),
        }
    }
    assert!(skipped.is_empty(), "{skipped:?}");
    assert!(
        catalogs.contains(&("AwsDataCatalog".to_owned(), "default".to_owned())),
        "{catalogs:?}"
    );
    let err = AthenaDatabaseScanner::new(&ro, Some(vec![]), 4).unwrap_err();
    assert_eq!(err.field(), Some("catalogs"));
}
