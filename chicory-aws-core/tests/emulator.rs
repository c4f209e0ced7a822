//! Cross-account access against the local moto server with IAM enforcement on: trust policies
//! with `sts:ExternalId` and role permission policies are really checked.
//!
//! Needs the emulator: `bash scripts/emulator.sh start` (the tests start it if they can, and
//! fail naming that command if they cannot).

use chicory_aws_core::{
    AccessLevel, ConfusedDeputyCheck, ConnectionParams, CustomerAuth, Error, ErrorKind,
    RefreshSettings,
};
use chicory_aws_testkit::{unique, Emulator};
use std::time::{Duration, Instant};

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
    let sts = aws_sdk_sts::Client::new(conn.unchecked_sdk_config());
    let me = sts.get_caller_identity().send().await.unwrap();
    let arn = me.arn.unwrap();
    assert!(
        arn.contains(&format!("assumed-role/{}/", role_arn.role_name())),
        "calls run as the customer role: {arn}"
    );
    let glue = aws_sdk_glue::Client::new(conn.unchecked_sdk_config());
    glue.get_databases().send().await.unwrap();
}

#[tokio::test]
async fn a_wrong_external_id_is_access_denied() {
    let emu = Emulator::get();
    let (vendor, params) = emu
        .customer(&external_id(), &[("GlueRead", GLUE_LIST_ONLY)])
        .await;
    let chicory_aws_core::CustomerAuth::AssumeRole(role) = &params.auth else {
        unreachable!()
    };
    let wrong = ConnectionParams::assume_role(role.role_arn.as_str(), &external_id()).unwrap();
    let err = emu.connection(&vendor, wrong).connect().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    assert_eq!(err.code(), Some("AccessDenied"));
    assert_eq!(err.operation(), Some("sts:AssumeRole"));
    assert!(
        err.to_string().contains("External ID"),
        "the guide's remedy: {err}"
    );
}

#[tokio::test]
async fn a_role_that_does_not_exist_is_denied_with_the_role_not_found_remedy() {
    let emu = Emulator::get();
    let (vendor, _) = emu
        .customer(&external_id(), &[("GlueRead", GLUE_LIST_ONLY)])
        .await;
    let missing = ConnectionParams::assume_role(
        &format!(
            "arn:aws:iam::{}:role/chicory-no-such-role",
            emu.account_id()
        ),
        &external_id(),
    )
    .unwrap();
    let err = emu
        .connection(&vendor, missing)
        .connect()
        .await
        .unwrap_err();
    // As on AWS, STS does not say the role is missing: AccessDenied, with both remedies.
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    let hint = err.hint().unwrap();
    assert!(
        hint.contains("External ID") && hint.contains("role exists"),
        "{hint}"
    );
}

#[tokio::test]
async fn another_vendor_principal_is_access_denied() {
    let emu = Emulator::get();
    let ext = external_id();
    let (_vendor, params) = emu.customer(&ext, &[("GlueRead", GLUE_LIST_ONLY)]).await;
    let intruder = emu.vendor().await;
    let err = emu
        .connection(&intruder, params)
        .connect()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
}

#[tokio::test]
async fn a_permission_the_role_lacks_is_access_denied() {
    let emu = Emulator::get();
    let (vendor, params) = emu
        .customer(&external_id(), &[("GlueRead", GLUE_LIST_ONLY)])
        .await;
    // ReadWrite granted in the parameters, so the write reaches IAM (a ReadOnly connection
    // would refuse it before sending: tests/read_only_guard.rs), which denies it: the role's
    // policy lacks it.
    let params = params.with_access_level(AccessLevel::ReadWrite);
    let conn = emu.connection(&vendor, params).connect().await.unwrap();
    let glue = aws_sdk_glue::Client::new(conn.unchecked_sdk_config());
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
        aws_sdk_s3::config::Builder::from(conn.unchecked_sdk_config())
            .force_path_style(true)
            .build(),
    );
    let err = s3
        .list_buckets()
        .send()
        .await
        .map_err(|e| Error::from_sdk(e, chicory_aws_core::actions::s3::LIST_ALL_MY_BUCKETS))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
}

#[tokio::test]
async fn wrong_vendor_credentials_are_invalid_credentials() {
    let emu = Emulator::get();
    let (mut vendor, params) = emu
        .customer(&external_id(), &[("GlueRead", GLUE_LIST_ONLY)])
        .await;
    vendor.secret_access_key = "not-the-secret".into();
    let err = emu.connection(&vendor, params).connect().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidCredentials, "{err} {err:?}");
}

#[tokio::test]
async fn test_connection_reports_identity_and_the_confused_deputy_check() {
    let emu = Emulator::get();
    let (vendor, params) = emu
        .customer(&external_id(), &[("GlueRead", GLUE_LIST_ONLY)])
        .await;
    let conn = emu.connection(&vendor, params).connect().await.unwrap();
    let report = conn.test_connection(&[]).await;
    assert!(report
        .caller_arn
        .as_deref()
        .unwrap()
        .contains("assumed-role/"));
    assert_eq!(report.confused_deputy, ConfusedDeputyCheck::Protected);
    assert!(report.is_healthy());

    // A role whose trust policy forgets the External ID condition is flagged.
    let vendor = emu.vendor().await;
    let open_trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": vendor.arn}, "Action": "sts:AssumeRole"}]
    })
    .to_string();
    let role = emu
        .customer_role(&open_trust, &[("GlueRead", GLUE_LIST_ONLY)])
        .await;
    let params = ConnectionParams::assume_role(&role, &external_id())
        .unwrap()
        .with_region(emu.region())
        .unwrap();
    let conn = emu.connection(&vendor, params).connect().await.unwrap();
    assert_eq!(
        conn.check_confused_deputy().await,
        ConfusedDeputyCheck::Vulnerable
    );
    assert!(!conn.test_connection(&[]).await.is_healthy());
}

/// A vendor that may not assume the role at all (its trust policy names another vendor) is
/// also denied without the External ID: that proves nothing about the External ID.
#[tokio::test]
async fn a_vendor_that_cannot_assume_the_role_at_all_gets_no_protected_verdict() {
    let emu = Emulator::get();
    let (_vendor, params) = emu
        .customer(&external_id(), &[("GlueRead", GLUE_LIST_ONLY)])
        .await;
    let intruder = emu.vendor().await;
    let conn = emu.connection(&intruder, params).build().await.unwrap();
    match conn.check_confused_deputy().await {
        ConfusedDeputyCheck::Inconclusive(why) => {
            assert!(why.contains("denied with the External ID too"), "{why}")
        }
        other => panic!("not Protected when the vendor is not trusted at all: {other:?}"),
    }
}

fn role_of(params: &ConnectionParams) -> String {
    let CustomerAuth::AssumeRole(r) = &params.auth else {
        unreachable!()
    };
    r.role_arn.as_str().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_length_workload_outlives_several_sessions_without_an_expired_token() {
    const SESSION_SECS: u32 = 5;
    let emu = Emulator::get();
    let (vendor, params) = emu
        .customer(&external_id(), &[("GlueRead", GLUE_LIST_ONLY)])
        .await;
    emu.short_sessions(&role_of(&params), SESSION_SECS).await;

    // The emulator really expires sessions: one fixed session fails after its lifetime.
    let fixed = emu
        .connection(&vendor, params.clone())
        .connect()
        .await
        .unwrap();
    let creds = fixed
        .cross_account_credentials()
        .unwrap()
        .credentials()
        .await
        .unwrap();
    // STS answers in the query protocol, whose error codes moto renders readably.
    let stale = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(fixed.unchecked_sdk_config())
            .credentials_provider(creds)
            .build(),
    );
    stale.get_caller_identity().send().await.unwrap();
    tokio::time::sleep(Duration::from_secs(SESSION_SECS as u64 + 1)).await;
    let e = stale
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| Error::from_sdk(e, chicory_aws_core::actions::sts::GET_CALLER_IDENTITY))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ExpiredToken, "{e}");

    // The connection's cache, with windows scaled to the short sessions, never serves one.
    let refresh = RefreshSettings::default()
        .with_advisory_window(Duration::from_secs(2))
        .with_mandatory_window(Duration::from_secs(1))
        .with_jitter(Duration::from_millis(500));
    let conn = emu
        .connection(&vendor, params)
        .refresh(refresh)
        .connect()
        .await
        .unwrap();
    let cache = conn.cross_account_credentials().unwrap().clone();
    let deadline = Instant::now() + Duration::from_secs(4 * SESSION_SECS as u64);
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let glue = aws_sdk_glue::Client::new(conn.unchecked_sdk_config());
            tokio::spawn(async move {
                let mut calls = 0u32;
                while Instant::now() < deadline {
                    glue.get_databases()
                        .send()
                        .await
                        .map_err(|e| {
                            Error::from_sdk(e, chicory_aws_core::actions::glue::GET_DATABASES)
                        })
                        .unwrap();
                    calls += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                calls
            })
        })
        .collect();
    let mut sessions = std::collections::HashSet::new();
    while Instant::now() < deadline {
        sessions.insert(cache.expiry());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut calls = 0;
    for w in workers {
        calls += w.await.unwrap();
    }
    assert!(calls > 100, "the workload ran: {calls} calls");
    assert!(
        sessions.len() >= 4,
        "it outlived several sessions: {}",
        sessions.len()
    );
}

#[tokio::test]
async fn access_keys_of_a_customer_user_work_through_the_same_connection_api() {
    // The Coalesce guide's alternative: the customer creates an IAM user with the policy and
    // hands over its access keys, with region and account id.
    let emu = Emulator::get();
    let iam = aws_sdk_iam::Client::new(&emu.admin_config().await);
    let user = unique("customer-user");
    iam.create_user().user_name(&user).send().await.unwrap();
    iam.put_user_policy()
        .user_name(&user)
        .policy_name("GlueRead")
        .policy_document(GLUE_LIST_ONLY)
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name(&user)
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let params =
        ConnectionParams::access_keys(&key.access_key_id, &key.secret_access_key, emu.account_id())
            .unwrap()
            .with_region(emu.region())
            .unwrap();
    let conn = chicory_aws_core::Connection::builder(params)
        .endpoint_url(emu.endpoint())
        .connect()
        .await
        .unwrap();
    assert!(conn.cross_account_credentials().is_none());
    assert_eq!(
        conn.check_confused_deputy().await,
        ConfusedDeputyCheck::NotApplicable
    );
    let glue = aws_sdk_glue::Client::new(conn.unchecked_sdk_config());
    glue.get_databases().send().await.unwrap();
    let denied = glue
        .get_tables()
        .database_name("nope")
        .send()
        .await
        .map_err(|e| Error::from_sdk(e, chicory_aws_core::actions::glue::GET_TABLES))
        .unwrap_err();
    assert_eq!(denied.kind(), ErrorKind::AccessDenied, "{denied}");
    assert!(!format!("{conn:?}").contains(&key.secret_access_key));
}
