//! IAM size limits: split rather than emit a policy IAM would reject, and a typed error when
//! even that is impossible.

mod common;

use chicory_aws_policy::cli::ManualSetup;
use chicory_aws_policy::document::Statement;
use chicory_aws_policy::limits::*;
use chicory_aws_policy::permissions::permission_policy;
use chicory_aws_policy::trust::{TrustPolicy, VendorPrincipal};
use chicory_aws_policy::{
    AccessLevel, Integration, PolicyDocument, PolicyError, PolicyOptions, ResourceScope,
};
use common::*;
use std::collections::BTreeSet;

/// Every (effect, action, resource, condition) grant of a set of documents.
fn grants(docs: &[&PolicyDocument]) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for d in docs {
        for s in &d.statements {
            let cond = serde_json::to_string(&s.condition).unwrap();
            for a in s.action_names() {
                for r in s.resource_patterns() {
                    out.insert((a.clone(), r.clone(), cond.clone()));
                }
            }
        }
    }
    out
}

#[test]
fn small_policies_stay_inline() {
    for integration in Integration::ALL {
        let ro = permission_policy(
            integration,
            AccessLevel::ReadOnly,
            &PolicyOptions::default(),
        )
        .unwrap();
        let rw = permission_policy(
            integration,
            AccessLevel::ReadWrite,
            &PolicyOptions::default(),
        )
        .unwrap();
        assert!(rw.iam_size() < MANAGED_POLICY_MAX_CHARS);
        let plan =
            plan_role_policies(vec![named("a", ro.clone()), named("b", rw.clone())]).unwrap();
        assert_eq!(plan.attachment, Attachment::Inline);
        assert_eq!(plan.parts, vec![vec![named("a", ro)], vec![named("b", rw)]]);
    }
}

#[test]
fn large_policies_split_into_managed_policies_granting_the_same() {
    let doc = permission_policy(
        Integration::Glue,
        AccessLevel::ReadWrite,
        &PolicyOptions::default().with_scope(huge_scope()),
    )
    .unwrap();
    assert!(
        doc.iam_size() > INLINE_ROLE_AGGREGATE_MAX_CHARS,
        "{}",
        doc.iam_size()
    );
    let plan = plan_role_policies(vec![named("GlueReadWriteAccess", doc.clone())]).unwrap();
    assert_eq!(plan.attachment, Attachment::Managed);
    let parts: Vec<&NamedPolicy> = plan.policies().collect();
    assert!(parts.len() > 1 && parts.len() <= MANAGED_POLICIES_PER_ROLE_MAX);
    let mut names = BTreeSet::new();
    let mut sids = BTreeSet::new();
    for p in &parts {
        assert!(
            p.document.iam_size() <= MANAGED_POLICY_MAX_CHARS,
            "{}: {}",
            p.name,
            p.document.iam_size()
        );
        p.document.validate().unwrap();
        assert!(names.insert(p.name.clone()));
        for s in &p.document.statements {
            assert!(
                sids.insert(s.sid.clone().unwrap()),
                "Sid reused across parts"
            );
        }
    }
    let docs: Vec<&PolicyDocument> = parts.iter().map(|p| &p.document).collect();
    assert_eq!(
        grants(&docs),
        grants(&[&doc]),
        "the split grants exactly the same"
    );
}

#[test]
fn too_many_managed_policies_is_a_typed_error() {
    let mut scope = ResourceScope::all()
        .region("us-east-1")
        .account("123456789012");
    for i in 0..1500 {
        scope = scope.glue_table(
            "warehouse",
            &format!("a_table_with_a_long_descriptive_name_{i:05}"),
        );
    }
    let doc = permission_policy(
        Integration::Glue,
        AccessLevel::ReadWrite,
        &PolicyOptions::default().with_scope(scope),
    )
    .unwrap();
    match plan_role_policies(vec![named("GlueReadWriteAccess", doc)]) {
        Err(PolicyError::TooManyPolicies { needed, max, .. }) => assert!(needed > max),
        other => panic!("expected TooManyPolicies, got {other:?}"),
    }
}

#[test]
fn a_statement_that_cannot_fit_is_a_typed_error() {
    let huge = format!("arn:aws:s3:::bucket/{}", "k".repeat(7000));
    let doc = PolicyDocument::new(vec![Statement::allow(["s3:GetObject"])
        .with_sid("Big")
        .with_resources([huge])]);
    match split_document("Big", &doc, MANAGED_POLICY_MAX_CHARS, PolicyKind::Managed) {
        Err(PolicyError::PolicyTooLarge { size, limit, .. }) => {
            assert!(size > limit);
            assert_eq!(limit, 6144);
        }
        other => panic!("expected PolicyTooLarge, got {other:?}"),
    }
}

#[test]
fn a_statement_with_many_actions_on_one_resource_splits_by_actions() {
    let actions: Vec<String> = (0..400)
        .map(|i| format!("glue:SomeRatherLongActionName{i:04}"))
        .collect();
    let doc = PolicyDocument::new(vec![Statement::allow(actions)
        .with_sid("Many")
        .with_any_resource()]);
    let parts =
        split_document("Many", &doc, MANAGED_POLICY_MAX_CHARS, PolicyKind::Managed).unwrap();
    assert!(parts.len() > 1);
    let refs: Vec<&PolicyDocument> = parts.iter().collect();
    assert_eq!(grants(&refs), grants(&[&doc]));
    for p in &parts {
        assert!(p.iam_size() <= MANAGED_POLICY_MAX_CHARS);
    }
}

#[test]
fn trust_policy_over_2048_characters_is_refused() {
    let long_path = format!("arn:aws:iam::123456789012:role/{}/vendor", "p".repeat(1900));
    let trust = TrustPolicy::new(VendorPrincipal::arn(&long_path).unwrap(), "chicory-p1").unwrap();
    match trust.document() {
        Err(PolicyError::PolicyTooLarge {
            kind: PolicyKind::Trust,
            size,
            limit,
            ..
        }) => {
            assert!(size > limit);
            assert_eq!(limit, TRUST_POLICY_MAX_CHARS);
        }
        other => panic!("expected a trust size error, got {other:?}"),
    }
}

#[test]
fn manual_setup_switches_to_managed_policies_when_inline_would_not_fit() {
    let trust = TrustPolicy::new(
        VendorPrincipal::account("123456789012").unwrap(),
        "chicory-p1",
    )
    .unwrap();
    let setup = ManualSetup::new(
        Integration::Glue,
        AccessLevel::ReadWrite,
        &trust,
        &PolicyOptions::default().with_scope(huge_scope()),
    )
    .unwrap();
    assert_eq!(setup.attachment, Attachment::Managed);
    assert!(setup.commands[1].starts_with("ACCOUNT_ID=$(aws sts get-caller-identity"));
    let creates = setup
        .commands
        .iter()
        .filter(|c| c.starts_with("aws iam create-policy"))
        .count();
    let attaches = setup
        .commands
        .iter()
        .filter(|c| c.starts_with("aws iam attach-role-policy"))
        .count();
    assert_eq!(creates, attaches);
    assert_eq!(creates, setup.files.len() - 1);
    assert!(!setup.commands.iter().any(|c| c.contains("put-role-policy")));
    for f in &setup.files[1..] {
        let doc = PolicyDocument::from_json(&f.contents).unwrap();
        assert!(doc.iam_size() <= MANAGED_POLICY_MAX_CHARS);
    }
}
