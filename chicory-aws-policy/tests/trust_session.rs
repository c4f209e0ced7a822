//! The trust policy allows what the vendor's AssumeRole calls send (issue 11, item 4a):
//! `ConnectionParams` may carry a source identity and session tags, and STS refuses such a
//! call unless the role's trust policy allows `sts:SetSourceIdentity` / `sts:TagSession`.
//! Proved on the local emulator, whose launcher evaluates trust policies as AWS does,
//! including those two actions (scripts/moto_launcher.py, patch 1).
//!
//! Needs the emulator: `bash scripts/emulator.sh start` (started automatically if possible).

use chicory_aws_core::{ConnectionParams, CustomerAuth, ErrorKind};
use chicory_aws_policy::trust::{trust_actions, TrustPolicy, VendorPrincipal};
use chicory_aws_testkit::{unique, Emulator, Vendor};

/// Connection parameters as a vendor writes them (JSON), for `role_arn`.
fn params(role_arn: &str, si: Option<&str>, tags: &[(&str, &str)]) -> ConnectionParams {
    let emu = Emulator::get();
    let tags: serde_json::Map<String, serde_json::Value> = tags
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
        .collect();
    let json = serde_json::json!({
        "role_arn": role_arn,
        "external_id": "chicory-trust-session",
        "region": emu.region(),
        "source_identity": si,
        "session_tags": tags,
    });
    ConnectionParams::from_json(&json.to_string()).expect("valid params")
}

/// The trust policy derived from the parameters the vendor will use.
fn trust_for(vendor: &Vendor, p: &ConnectionParams) -> TrustPolicy {
    let CustomerAuth::AssumeRole(r) = &p.auth else {
        panic!("role params")
    };
    TrustPolicy::for_assume_role(
        VendorPrincipal::arn(&vendor.arn).unwrap(),
        r.external_id.as_str(),
        r.source_identity.as_ref().map(|s| s.as_str()),
        r.session_tags.keys(),
    )
    .unwrap()
}

/// A role named `name` with `trust` and no permissions (AssumeRole is all these tests do).
async fn role(name: &str, trust: &TrustPolicy) {
    let emu = Emulator::get();
    let iam = aws_sdk_iam::Client::new(&emu.admin_config().await);
    iam.create_role()
        .role_name(name)
        .assume_role_policy_document(trust.document().unwrap().to_json_compact())
        .send()
        .await
        .expect("create role");
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{}:role/{name}", Emulator::get().account_id())
}

async fn connects(vendor: &Vendor, p: ConnectionParams) -> Result<(), chicory_aws_core::Error> {
    Emulator::get()
        .connection(vendor, p)
        .connect()
        .await
        .map(|_| ())
}

const TAGS: &[(&str, &str)] = &[("customer", "acme"), ("project", "p-1")];

#[tokio::test]
async fn a_trust_policy_without_the_session_actions_refuses_tags_and_source_identity() {
    let emu = Emulator::get();
    let vendor = emu.vendor().await;
    let name = unique("trust-plain");
    // The onboarding default: AssumeRole with the External ID only.
    let plain = trust_for(&vendor, &params(&role_arn(&name), None, &[]));
    assert_eq!(plain.actions(), trust_actions(false, false));
    role(&name, &plain).await;
    // The control: parameters with neither connect.
    connects(&vendor, params(&role_arn(&name), None, &[]))
        .await
        .expect("plain AssumeRole");
    for (what, p) in [
        ("session tags", params(&role_arn(&name), None, TAGS)),
        (
            "a source identity",
            params(&role_arn(&name), Some("chicory-scanner"), &[]),
        ),
    ] {
        let e = connects(&vendor, p).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::AccessDenied, "{what}: {e}");
    }
}

#[tokio::test]
async fn the_trust_policy_derived_from_the_params_accepts_them() {
    let emu = Emulator::get();
    let vendor = emu.vendor().await;
    let name = unique("trust-session");
    let wanted = params(&role_arn(&name), Some("chicory-scanner"), TAGS);
    let trust = trust_for(&vendor, &wanted);
    let json = trust.document().unwrap().to_json_compact();
    for action in trust_actions(true, true) {
        assert!(
            json.contains(&format!("\"{}\"", action.iam_name())),
            "{json}"
        );
    }
    role(&name, &trust).await;
    connects(&vendor, wanted)
        .await
        .expect("tags and source identity");
    // Fewer tags, or none, are fine too; the source identity is required by the policy.
    connects(
        &vendor,
        params(&role_arn(&name), Some("chicory-scanner"), &TAGS[..1]),
    )
    .await
    .expect("a subset of the tag keys");
    let e = connects(&vendor, params(&role_arn(&name), None, TAGS))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AccessDenied, "{e}");
    // A tag key the trust policy does not name is refused.
    let e = connects(
        &vendor,
        params(
            &role_arn(&name),
            Some("chicory-scanner"),
            &[("customer", "acme"), ("admin", "true")],
        ),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AccessDenied, "{e}");
}
