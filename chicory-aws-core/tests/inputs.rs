//! Bad input is refused before any request, naming the field by its JSON path (issue 11
//! item 10): connection parameters and endpoints.

use chicory_aws_core::{AccessLevel, Connection, ConnectionParams, ErrorKind};

const ROLE: &str = "arn:aws:iam::123456789012:role/ChicoryAccess";
const EXTERNAL_ID: &str = "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a";

fn params_with(extra: &str) -> chicory_aws_core::Result<ConnectionParams> {
    ConnectionParams::from_json(&format!(
        r#"{{"role_arn": "{ROLE}", "external_id": "{EXTERNAL_ID}"{extra}}}"#
    ))
}

#[test]
fn a_type_error_names_the_field_and_what_it_expected() {
    for (extra, field, expected) in [
        (
            r#", "access_level": "Admin""#,
            "access_level",
            "ReadOnly or ReadWrite",
        ),
        (r#", "session_duration": -1"#, "session_duration", "u64"),
        (r#", "region": 5"#, "region", "string"),
        (
            r#", "session_tags": {"team": 1}"#,
            "session_tags.team",
            "string",
        ),
    ] {
        let e = params_with(extra).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{extra}: {e}");
        assert_eq!(e.field(), Some(field), "{extra}: {e}");
        assert!(e.to_string().contains(expected), "{extra}: {e}");
    }
    let e = ConnectionParams::from_json(&format!(r#"{{"role_arn": "{ROLE}"}}"#)).unwrap_err();
    assert_eq!(e.field(), Some("external_id"), "{e}");
}

#[test]
fn access_levels_read_from_json_by_the_same_rule_as_from_text() {
    for text in ["ReadOnly", "readonly", "read-only", "READ_ONLY"] {
        let from_text: AccessLevel = text.parse().unwrap();
        let from_json = params_with(&format!(r#", "access_level": "{text}""#))
            .unwrap()
            .access_level;
        assert_eq!(from_json, from_text, "{text}");
    }
}

#[test]
fn an_array_is_not_connection_parameters() {
    let e = ConnectionParams::from_json(&format!(r#"["{ROLE}", "{EXTERNAL_ID}"]"#)).unwrap_err();
    assert_eq!(e.field(), Some("connection parameters"), "{e}");
    assert!(e.to_string().contains("array"), "{e}");
}

#[test]
fn a_role_arn_with_an_empty_path_segment_is_refused() {
    for arn in [
        "arn:aws:iam::123456789012:role//x",
        "arn:aws:iam::123456789012:role/a//x",
    ] {
        let e = ConnectionParams::assume_role(arn, EXTERNAL_ID).unwrap_err();
        assert_eq!(e.field(), Some("role_arn"), "{arn}: {e}");
    }
    ConnectionParams::assume_role("arn:aws:iam::123456789012:role/team/x", EXTERNAL_ID).unwrap();
}

#[tokio::test]
async fn an_endpoint_without_a_host_is_refused_at_build() {
    for url in ["http://", "https://", "https:///path", "http://:80"] {
        let params = ConnectionParams::assume_role(ROLE, EXTERNAL_ID).unwrap();
        let e = Connection::builder(params)
            .endpoint_url(url)
            .build()
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some("endpoint_url"), "{url}: {e}");
    }
}
