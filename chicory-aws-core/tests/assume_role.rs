//! What AssumeRole sends, field by field, and what a failed AssumeRole may show.

use chicory_aws_core::{BaseCredentials, Connection, ConnectionParams};
use chicory_aws_testkit::{FakeSts, TestClock};
use std::collections::BTreeMap;
use std::time::Duration;
use wiremock::matchers::{body_string_contains, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The form fields of an `application/x-www-form-urlencoded` body.
fn form(body: &[u8]) -> BTreeMap<String, String> {
    fn decode(s: &str) -> String {
        let bytes = s.replace('+', " ").into_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 2 < bytes.len() {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

#[tokio::test]
async fn assume_role_sends_external_id_session_name_duration_source_identity_and_tags() {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
    let params = ConnectionParams::from_json(&format!(
        r#"{{
            "role_arn": "{}",
            "external_id": "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
            "session_name": "vendor-scan@eu",
            "session_duration": 3600,
            "source_identity": "vendor-worker-7",
            "session_tags": {{"team": "data platform", "tenant": "acme"}}
        }}"#,
        chicory_aws_testkit::FAKE_ROLE
    ))
    .unwrap();
    Connection::builder(params)
        .endpoint_url(sts.uri())
        .base_credentials(BaseCredentials::from_keys(
            "AKIAVENDOR0000000000",
            "vendor-secret",
        ))
        .connect()
        .await
        .unwrap();
    let requests = sts.server().received_requests().await.unwrap();
    let assume: Vec<_> = requests
        .iter()
        .map(|r| form(&r.body))
        .filter(|f| f.get("Action").map(String::as_str) == Some("AssumeRole"))
        .collect();
    assert_eq!(assume.len(), 1);
    let f = &assume[0];
    let field = |k: &str| f.get(k).map(String::as_str);
    assert_eq!(field("RoleArn"), Some(chicory_aws_testkit::FAKE_ROLE));
    assert_eq!(
        field("ExternalId"),
        Some("chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a")
    );
    assert_eq!(field("RoleSessionName"), Some("vendor-scan@eu"));
    assert_eq!(field("DurationSeconds"), Some("3600"));
    assert_eq!(field("SourceIdentity"), Some("vendor-worker-7"));
    let mut tags: Vec<(&str, &str)> = (1..=2)
        .map(|i| {
            (
                field(&format!("Tags.member.{i}.Key")).unwrap(),
                field(&format!("Tags.member.{i}.Value")).unwrap(),
            )
        })
        .collect();
    tags.sort();
    assert_eq!(tags, [("team", "data platform"), ("tenant", "acme")]);
    assert_eq!(field("Tags.member.3.Key"), None);
    // Signed with the vendor's own keys: the only request they sign.
    let auth = requests[0].headers.get("authorization").unwrap();
    assert!(auth
        .to_str()
        .unwrap()
        .contains("Credential=AKIAVENDOR0000000000/"));

    // Defaults: the spec's 15-minute session and session name, no optional fields.
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
    sts.connection(chicory_aws_core::AccessLevel::ReadOnly)
        .connect()
        .await
        .unwrap();
    let f = form(&sts.server().received_requests().await.unwrap()[0].body);
    assert_eq!(f.get("DurationSeconds").map(String::as_str), Some("900"));
    assert_eq!(
        f.get("RoleSessionName").map(String::as_str),
        Some("chicory-integration-session")
    );
    assert!(!f.contains_key("SourceIdentity") && !f.contains_key("Tags.member.1.Key"));
}

async fn assume_with_answer(body: &str) -> chicory_aws_core::Error {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("Action=AssumeRole"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .mount(&server)
        .await;
    let params =
        ConnectionParams::assume_role(chicory_aws_testkit::FAKE_ROLE, "chicory-test-project")
            .unwrap();
    Connection::builder(params)
        .endpoint_url(server.uri())
        .base_credentials(BaseCredentials::from_keys(
            "AKIAVENDOR0000000000",
            "vendor-secret",
        ))
        .connect()
        .await
        .unwrap_err()
}

fn answer(expiration: &str) -> String {
    format!(
        r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIALEAK</AccessKeyId><SecretAccessKey>TOPSECRET-IN-BODY</SecretAccessKey><SessionToken>TOKEN-IN-BODY</SessionToken>{expiration}</Credentials></AssumeRoleResult></AssumeRoleResponse>"#
    )
}

/// Every event of every target at TRACE level, formatted, into a buffer.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The events of every test of this binary, captured by its one global subscriber. A
/// thread-scoped subscriber (`set_default`) raced with the callsites the tests running beside
/// it register, and then missed the SDK's events now and then.
fn captured_logs() -> &'static Captured {
    static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer({
                let c = captured.clone();
                move || c.clone()
            })
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("the only global subscriber of this test binary");
        tracing::callsite::rebuild_interest_cache();
        captured
    })
}

/// An error and every error in its `source()` chain, each with `Debug`, `{:#?}` and `Display`.
fn everything_shown(err: &chicory_aws_core::Error) -> String {
    let mut shown = format!("{err:?}\n{err:#?}\n{err}\n{:?}\n", err.hint());
    let mut cur: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(err);
    while let Some(e) = cur {
        shown.push_str(&format!("{e:?}\n{e:#?}\n{e}\n"));
        cur = e.source();
    }
    shown
}

#[tokio::test]
async fn an_assume_role_answer_that_cannot_be_used_is_refused_without_showing_its_secrets() {
    let captured = captured_logs();
    // An expiration that does not parse: the SDK fails on the body, and the body holds secrets.
    let unparsable = assume_with_answer(&answer("<Expiration>not-a-date</Expiration>")).await;
    // No expiration at all reads as 1970: a session over on arrival, refused rather than
    // fetched again on every call.
    let expired = assume_with_answer(&answer("")).await;
    assert!(expired.to_string().contains("already expired"), "{expired}");
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("sts") || logs.contains("AssumeRole"),
        "the subscriber saw the SDK's events: {logs}"
    );
    for err in [&unparsable, &expired] {
        let shown = everything_shown(err);
        assert!(
            shown.matches('\n').count() > 4,
            "the chain is walked: {shown}"
        );
        for secret in ["TOPSECRET-IN-BODY", "TOKEN-IN-BODY", "vendor-secret"] {
            assert!(!shown.contains(secret), "{secret} shown: {shown}");
            assert!(!logs.contains(secret), "{secret} logged");
        }
    }
}

#[tokio::test]
async fn a_dispatch_failure_shows_its_cause() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let params =
        ConnectionParams::assume_role(chicory_aws_testkit::FAKE_ROLE, "chicory-test-project")
            .unwrap();
    let e = Connection::builder(params)
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .base_credentials(BaseCredentials::from_keys(
            "AKIAVENDOR0000000000",
            "vendor-secret",
        ))
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1))
        .connect()
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("dispatch failure"), "{shown}");
    assert!(
        shown.to_lowercase().contains("refused"),
        "the cause: {shown}"
    );
}
