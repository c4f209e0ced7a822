//! An STS fake on loopback (wiremock) answering AssumeRole in the AWS query protocol, with
//! expirations read from a [`TestClock`], so credential caching can be tested without sleeping.

use crate::clock::TestClock;
use aws_smithy_types::date_time::{DateTime, Format};
use chicory_aws_core::{
    AccessLevel, BaseCredentials, Connection, ConnectionBuilder, ConnectionParams,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{body_string_contains, method};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// How the fake answers AssumeRole.
#[derive(Debug, Clone)]
pub enum StsBehaviour {
    /// Issue credentials valid for `lifetime` from the clock's now.
    Issue {
        /// Session lifetime.
        lifetime: Duration,
    },
    /// Fail with this HTTP status and AWS error code.
    Fail {
        /// HTTP status.
        status: u16,
        /// AWS error code, e.g. `AccessDenied`.
        code: &'static str,
    },
}

struct Responder {
    clock: TestClock,
    behaviour: Arc<Mutex<StsBehaviour>>,
    delay: Arc<Mutex<Duration>>,
    issued: Arc<AtomicU64>,
}

impl Respond for Responder {
    fn respond(&self, _req: &Request) -> ResponseTemplate {
        let delay = *self.delay.lock().unwrap();
        let behaviour = self.behaviour.lock().unwrap().clone();
        let t = match behaviour {
            StsBehaviour::Issue { lifetime } => {
                let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
                let exp = DateTime::from(self.clock.now() + lifetime)
                    .fmt(Format::DateTime)
                    .unwrap();
                ResponseTemplate::new(200)
                    .insert_header("content-type", "text/xml")
                    .set_body_string(format!(
                        r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAFAKE{n:012}</AccessKeyId>
      <SecretAccessKey>fake-secret-{n}</SecretAccessKey>
      <SessionToken>fake-token-{n}</SessionToken>
      <Expiration>{exp}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/CustomerRole/chicory-integration-session</Arn>
      <AssumedRoleId>AROAFAKE:chicory-integration-session</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>req-{n}</RequestId></ResponseMetadata>
</AssumeRoleResponse>"#
                    ))
            }
            StsBehaviour::Fail { status, code } => ResponseTemplate::new(status)
                .insert_header("content-type", "text/xml")
                .set_body_string(format!(
                    r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>{code}</Code><Message>fake {code}</Message></Error>
  <RequestId>req-err</RequestId>
</ErrorResponse>"#
                )),
        };
        t.set_delay(delay)
    }
}

/// The customer role the fake's connections assume.
pub const FAKE_ROLE: &str = "arn:aws:iam::123456789012:role/CustomerRole";
/// The External ID the fake's connections send.
pub const FAKE_EXTERNAL_ID: &str = "chicory-test-project";

/// A running STS fake.
pub struct FakeSts {
    server: MockServer,
    behaviour: Arc<Mutex<StsBehaviour>>,
    delay: Arc<Mutex<Duration>>,
    issued: Arc<AtomicU64>,
}

impl FakeSts {
    /// Starts the fake, issuing sessions of `lifetime` from `clock`'s now.
    pub async fn start(clock: TestClock, lifetime: Duration) -> FakeSts {
        let server = MockServer::start().await;
        let behaviour = Arc::new(Mutex::new(StsBehaviour::Issue { lifetime }));
        let delay = Arc::new(Mutex::new(Duration::ZERO));
        let issued = Arc::new(AtomicU64::new(0));
        Mock::given(method("POST"))
            .and(body_string_contains("Action=AssumeRole"))
            .respond_with(Responder {
                clock,
                behaviour: behaviour.clone(),
                delay: delay.clone(),
                issued: issued.clone(),
            })
            .mount(&server)
            .await;
        FakeSts {
            server,
            behaviour,
            delay,
            issued,
        }
    }

    /// The endpoint URL to give the connection.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The wiremock server, to mount more mocks (e.g. fake service APIs) on the same endpoint.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Changes how AssumeRole answers from now on.
    pub fn set_behaviour(&self, b: StsBehaviour) {
        *self.behaviour.lock().unwrap() = b;
    }

    /// Delays every answer by `d` (a slow STS).
    pub fn set_delay(&self, d: Duration) {
        *self.delay.lock().unwrap() = d;
    }

    /// The requests received other than AssumeRole (those of the service fakes mounted on
    /// [`server`](Self::server)), in order.
    pub async fn service_requests(&self) -> Vec<Request> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| !String::from_utf8_lossy(&r.body).contains("Action=AssumeRole"))
            .collect()
    }

    /// AssumeRole requests received so far (successful or not).
    pub async fn assume_role_calls(&self) -> usize {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| String::from_utf8_lossy(&r.body).contains("Action=AssumeRole"))
            .count()
    }

    /// A connection builder for the fake's customer account: role [`FAKE_ROLE`], External ID
    /// [`FAKE_EXTERNAL_ID`], `level`, every request (STS and the service fakes mounted on
    /// [`server`](Self::server)) sent to this fake, signed from fixed vendor keys.
    pub fn connection(&self, level: AccessLevel) -> ConnectionBuilder {
        let params = ConnectionParams::assume_role(FAKE_ROLE, FAKE_EXTERNAL_ID)
            .expect("valid fixed parameters")
            .with_access_level(level);
        Connection::builder(params)
            .endpoint_url(self.uri())
            .base_credentials(BaseCredentials::from_keys(
                "AKIAVENDOR0000000000",
                "vendor-secret",
            ))
    }

    /// Sessions issued so far.
    pub fn issued(&self) -> u64 {
        self.issued.load(Ordering::SeqCst)
    }
}
