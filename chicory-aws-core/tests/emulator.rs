//! Cross-account access against the local moto server with IAM enforcement on: trust policies
//! with `sts:ExternalId` and role permission policies are really checked.
//!
//! Needs the emulator: `bash scripts/emulator.sh start` (the tests start it if they can, and
//! fail naming that command if they cannot).

use chicory_aws_core::{ConfusedDeputyCheck, ConnectionParams, Error, ErrorKind};
use chicory_aws_testkit::{unique, Emulator};

const GLUE_LIST_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["glue:GetDatabases"],"Resource":"*"}]}"#;

fn external_id() -> String {
    format!("chicory-{}", uuid::Uuid::new_v4())
}

#[tokio::test]
async fn the_right_external_id_assumes_the_role() {
    let emu = Emulator::get();
    let ext = external_id();
    let (vendor, params) = emu.customer(&ext, &[("GlueRead", GLUE_LIST_ONLY)]).await;
    let role_arn = match &params.auth {
        chicory_aws_core::CustomerAuth::AssumeRole(r) => r.role_arn.clone(),
        _ => unreachable!(),
    };
    let conn = emu.connection(&vendor, params).connect().await.unwrap();
    let sts = aws_sdk_sts::Client::new(conn.sdk_config());
    let me = sts.get_caller_identity().send().await.unwrap();
    let arn = me.arn.unwrap();
    assert!(
        arn.contains(&format!("assumed-role/{}/", role_arn.role_name())),
        "calls run as the customer role: {arn}"
    );
    let glue = aws_sdk_glue::Client::new(conn.sdk_config());
    glue.get_databases().send().await.unwrap();
}

#[tokio::test]
async fn a_wrong_external_id_is_access_denied() {
    let emu = Emulator::get();
    let (vendor, params) = emu.customer(&external_id(), &[("GlueRead", GLUE_LIST_ONLY)]).await;
    let chicory_aws_core::CustomerAuth::AssumeRole(role) = &params.auth else { unreachable!() };
    let wrong = ConnectionParams::assume_role(role.role_arn.as_str(), &external_id()).unwrap();
    let err = emu.connection(&vendor, wrong).connect().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    assert_eq!(err.operation(), Some("sts:AssumeRole"));
    assert!(err.to_string().contains("External ID"), "the guide's remedy: {err}");
}

#[tokio::test]
async fn another_vendor_principal_is_access_denied() {
    let emu = Emulator::get();
    let ext = external_id();
    let (_vendor, params) = emu.customer(&ext, &[("GlueRead", GLUE_LIST_ONLY)]).await;
    let intruder = emu.vendor().await;
    let err = emu.connection(&intruder, params).connect().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
}

#[tokio::test]
async fn a_permission_the_role_lacks_is_access_denied() {
    let emu = Emulator::get();
    let (vendor, params) = emu.customer(&external_id(), &[("GlueRead", GLUE_LIST_ONLY)]).await;
    let conn = emu.connection(&vendor, params).connect().await.unwrap();
    let glue = aws_sdk_glue::Client::new(conn.sdk_config());
    let err = glue
        .create_database()
        .database_input(
            aws_sdk_glue::types::DatabaseInput::builder()
                .name(unique("db"))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .map_err(|e| Error::from_sdk(e, "glue:CreateDatabase"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(conn.sdk_config())
            .force_path_style(true)
            .build(),
    );
    let err = s3
        .list_buckets()
        .send()
        .await
        .map_err(|e| Error::from_sdk(e, "s3:ListAllMyBuckets"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
}

#[tokio::test]
async fn wrong_vendor_credentials_are_invalid_credentials() {
    let emu = Emulator::get();
    let (mut vendor, params) = emu.customer(&external_id(), &[("GlueRead", GLUE_LIST_ONLY)]).await;
    vendor.secret_access_key = "not-the-secret".into();
    let err = emu.connection(&vendor, params).connect().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidCredentials, "{err}");
}

#[tokio::test]
async fn test_connection_reports_identity_and_the_confused_deputy_check() {
    let emu = Emulator::get();
    let (vendor, params) = emu.customer(&external_id(), &[("GlueRead", GLUE_LIST_ONLY)]).await;
    let conn = emu.connection(&vendor, params).connect().await.unwrap();
    let report = conn.test_connection(&[]).await;
    assert!(report.caller_arn.as_deref().unwrap().contains("assumed-role/"));
    assert_eq!(report.confused_deputy, ConfusedDeputyCheck::Protected);
    assert!(report.is_healthy());

    // A role whose trust policy forgets the External ID condition is flagged.
    let vendor = emu.vendor().await;
    let open_trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": vendor.arn}, "Action": "sts:AssumeRole"}]
    })
    .to_string();
    let role = emu.customer_role(&open_trust, &[("GlueRead", GLUE_LIST_ONLY)]).await;
    let params = ConnectionParams::assume_role(&role, &external_id())
        .unwrap()
        .with_region(emu.region())
        .unwrap();
    let conn = emu.connection(&vendor, params).connect().await.unwrap();
    assert_eq!(conn.check_confused_deputy().await, ConfusedDeputyCheck::Vulnerable);
    assert!(!conn.test_connection(&[]).await.is_healthy());
}
