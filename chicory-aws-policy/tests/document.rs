//! The IAM policy model: parse and serialize as IAM does, deterministically, and refuse what
//! IAM (or this crate's rules) would not accept.

mod common;

use chicory_aws_policy::document::{ActionSet, OneOrMany, Principal, ResourceSet};
use chicory_aws_policy::{PolicyDocument, PolicyError};
use common::*;

#[test]
fn every_spec_and_generated_policy_round_trips() {
    for (_, specs) in spec_sources() {
        for (name, v) in specs {
            let doc =
                PolicyDocument::from_json(&v.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
            let back: serde_json::Value = serde_json::from_str(&doc.to_json_pretty()).unwrap();
            // Same document; the guides' one-element lists come back as plain strings.
            let again = PolicyDocument::from_json(&back.to_string()).unwrap();
            assert_eq!(again, doc, "{name}");
        }
    }
    for (name, doc) in generated_policies().into_iter().chain(trust_policies()) {
        let json = doc.to_json_pretty();
        assert_eq!(PolicyDocument::from_json(&json).unwrap(), doc, "{name}");
        assert_eq!(
            PolicyDocument::from_json(&doc.to_json_compact()).unwrap(),
            doc
        );
    }
}

#[test]
fn one_or_many_fields_serialize_like_iam() {
    let doc = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject"],
            "Resource":["arn:aws:s3:::b/*","arn:aws:s3:::c/*"],
            "Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":10}}}}"#,
    )
    .unwrap();
    let st = &doc.statements[0];
    assert_eq!(
        st.actions,
        ActionSet::Action(OneOrMany::one("s3:GetObject"))
    );
    assert_eq!(st.resource_patterns().len(), 2);
    assert_eq!(
        st.condition["Bool"]["aws:SecureTransport"].values(),
        ["true"]
    );
    assert_eq!(
        st.condition["NumericLessThan"]["s3:max-keys"].values(),
        ["10"]
    );
    let json = doc.to_json_compact();
    assert_eq!(
        json,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*","arn:aws:s3:::c/*"],"Condition":{"Bool":{"aws:SecureTransport":"true"},"NumericLessThan":{"s3:max-keys":"10"}}}]}"#
    );
}

#[test]
fn not_elements_and_principals_parse() {
    let doc = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"DenyOthers","Effect":"Deny","NotAction":"s3:GetObject","NotResource":"arn:aws:s3:::b/*","Principal":"*"},
            {"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"glue.amazonaws.com","AWS":["111111111111","arn:aws:iam::222222222222:role/x"]}}]}"#,
    )
    .unwrap();
    assert!(matches!(doc.statements[0].actions, ActionSet::NotAction(_)));
    assert!(matches!(
        doc.statements[0].resources,
        Some(ResourceSet::NotResource(_))
    ));
    assert_eq!(doc.statements[0].principal, Some(Principal::Everyone));
    let p = doc.statements[1].principal.as_ref().unwrap();
    assert_eq!(p.aws_principals().len(), 2);
    // Principal kinds are written in a stable (sorted) order.
    let json = doc.to_json_compact();
    assert!(json.contains(r#""Principal":{"AWS":["111111111111","arn:aws:iam::222222222222:role/x"],"Service":"glue.amazonaws.com"}"#), "{json}");
    assert!(json.contains(r#""Principal":"*""#));
}

#[test]
fn invalid_documents_are_refused_with_a_reason() {
    let cases = [
        (
            r#"{"Version":"2012-10-17","Statement":[]}"#,
            "at least one statement",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A-1","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
            "not alphanumeric",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#,
            "used twice",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","S3:getobject"],"Resource":"*"}]}"#,
            "twice",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}]}"#,
            "both Action and NotAction",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
            "neither Action nor NotAction",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Actions":"x"}]}"#,
            "unknown field",
        ),
        (
            r#"{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
            "unknown variant",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"s3:GetObject","Resource":"*"}]}"#,
            "unknown variant",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[]}]}"#,
            "empty resource list",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"someone"}]}"#,
            "must be \"*\"",
        ),
    ];
    for (json, reason) in cases {
        let err = PolicyDocument::from_json(json).expect_err(json);
        assert!(err.to_string().contains(reason), "{json}: {err}");
    }
    assert!(matches!(
        PolicyDocument::from_json(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"x y","Effect":"Allow","Action":"a:b","Resource":"*"}]}"#
        ),
        Err(PolicyError::InvalidSid(_))
    ));
}

#[test]
fn size_is_counted_without_whitespace() {
    let pretty = read(&spec_dir().join("chicory/glue-readwrite-permissions.json"));
    let doc = PolicyDocument::from_json(&pretty).unwrap();
    let without_ws: usize = pretty.chars().filter(|c| !c.is_whitespace()).count();
    assert_eq!(doc.iam_size(), without_ws);
    assert!(doc.iam_size() < pretty.len());
}

#[test]
fn generated_output_is_deterministic_with_unique_alphanumeric_sids() {
    let first: Vec<String> = generated_policies()
        .iter()
        .map(|(_, d)| d.to_json_pretty())
        .collect();
    let second: Vec<String> = generated_policies()
        .iter()
        .map(|(_, d)| d.to_json_pretty())
        .collect();
    assert_eq!(first, second);
    for (name, doc) in generated_policies() {
        let mut sids = std::collections::BTreeSet::new();
        for st in &doc.statements {
            let sid = st
                .sid
                .as_deref()
                .unwrap_or_else(|| panic!("{name}: statement without Sid"));
            assert!(
                sid.chars().all(|c| c.is_ascii_alphanumeric()) && !sid.is_empty(),
                "{name}: {sid}"
            );
            assert!(sids.insert(sid.to_owned()), "{name}: {sid} twice");
            let mut actions = std::collections::BTreeSet::new();
            for a in st.action_names() {
                assert!(
                    actions.insert(a.to_lowercase()),
                    "{name}: {sid} names {a} twice"
                );
            }
        }
    }
}
