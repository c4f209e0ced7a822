//! Test support for chicory-aws (not published).
//!
//! - [`Emulator`]: the local moto server with IAM enforcement on, started or reused through
//!   `scripts/emulator.sh start`; provisions vendor principals and customer roles with unique
//!   names, so tests in parallel do not disturb each other.
//! - [`FakeSts`] and [`TestClock`]: an STS fake whose session expirations follow a hand-moved
//!   clock.
//! - [`cloudtrail`]: a CloudTrail LookupEvents fake (signature, paging, quota, denial and
//!   throttling).
//! - [`datazone`]: a DataZone fake following the API model (moto has no DataZone).
//! - [`s3`]: a ListObjectsV2 fake for listings larger than moto can seed in a test.
//! - [`conformance`]: the suite every scanner runs.
//! - [`glue`]: a Glue and Athena fake serving a small catalog in pages of two.
//! - [`lakehouse`]: a Glue fake of a lakehouse: catalogs, Iceberg/Delta/Hudi tables, links.
//! - [`faults`]: a fault-injecting proxy (500, 503 SlowDown, throttling, resets) to put in
//!   front of the emulator or a fake.
//! - [`hostile`]: a fake answering what a property test sets, and strategies that damage valid
//!   answers, for the record decoders' property tests.
//! - [`sent`]: every operator's declared actions equal the actions its requests need,
//!   recorded at the proxy.

pub mod athena;
mod clock;
pub mod cloudtrail;
pub mod conformance;
pub mod datazone;
mod declared;
mod fake_sts;
pub mod faults;
pub mod glue;
pub mod hostile;
pub mod http;
pub mod lakehouse;
pub mod memory;
mod registry;
pub mod s3;
pub mod sent;

pub use clock::TestClock;
pub use declared::assert_declared_actions_granted;
pub use fake_sts::{FakeSts, StsBehaviour, FAKE_EXTERNAL_ID, FAKE_ROLE};
pub use registry::assert_registry_complete;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use chicory_aws_core::{AccessLevel, BaseCredentials, Connection, ConnectionParams};
use chicory_aws_policy::permissions::{permission_policy, Integration, PolicyOptions};
use serde::Deserialize;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

/// A multi-threaded runtime of two workers (the machine's cores), for synchronous drivers:
/// property-test cases and benches.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The command that installs and starts the emulator; named in every failure.
pub const SETUP_COMMAND: &str = "bash scripts/emulator.sh start";

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit lives in the repo")
        .to_path_buf()
}

#[derive(Debug, Clone, Deserialize)]
struct State {
    endpoint: String,
    region: String,
    account_id: String,
    admin_access_key_id: String,
    admin_secret_access_key: String,
}

/// The running moto server with IAM enforcement on.
#[derive(Debug)]
pub struct Emulator {
    state: State,
}

fn reachable(endpoint: &str) -> bool {
    let hostport = endpoint.trim_start_matches("http://").trim_end_matches('/');
    hostport
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok())
}

fn read_state() -> Option<State> {
    let text = std::fs::read_to_string(repo_root().join(".emulator/state.json")).ok()?;
    serde_json::from_str(&text).ok()
}

impl Emulator {
    /// The shared emulator: reuses a running one, or starts it with [`SETUP_COMMAND`].
    /// Panics, naming that command, when it cannot.
    pub fn get() -> &'static Emulator {
        static EMULATOR: OnceLock<Emulator> = OnceLock::new();
        EMULATOR.get_or_init(|| {
            // The script reuses a running server in well under a second when it was started
            // from the current launcher and pins, and (re)starts it otherwise.
            let status = std::process::Command::new("bash")
                .arg(repo_root().join("scripts/emulator.sh"))
                .arg("start")
                .current_dir(repo_root())
                .stdout(std::process::Stdio::null())
                .status();
            match (status, read_state()) {
                (Ok(s), Some(state)) if s.success() && reachable(&state.endpoint) => {
                    Emulator { state }
                }
                (status, _) => panic!(
                    "the local AWS emulator (moto) is not running and could not be started \
                     ({status:?}); run `{SETUP_COMMAND}` from the repository root and see \
                     .emulator/moto.log"
                ),
            }
        })
    }

    /// The endpoint, e.g. `http://127.0.0.1:5055`.
    pub fn endpoint(&self) -> &str {
        &self.state.endpoint
    }

    /// The emulator's account id.
    pub fn account_id(&self) -> &str {
        &self.state.account_id
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.state.region
    }

    /// SDK config with the emulator admin's credentials (may do anything).
    pub async fn admin_config(&self) -> SdkConfig {
        self.config_for(BaseCredentials::from_keys(
            &self.state.admin_access_key_id,
            &self.state.admin_secret_access_key,
        ))
        .await
    }

    async fn config_for(&self, creds: BaseCredentials) -> SdkConfig {
        let BaseCredentials::Static {
            access_key_id,
            secret_access_key,
            ..
        } = creds
        else {
            unreachable!()
        };
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(self.state.region.clone()))
            .endpoint_url(&self.state.endpoint)
            .credentials_provider(Credentials::new(
                access_key_id,
                secret_access_key.expose(),
                None,
                None,
                "emulator",
            ))
            .load()
            .await
    }

    /// A new vendor principal: an IAM user allowed only `sts:AssumeRole`, with access keys.
    pub async fn vendor(&self) -> Vendor {
        let iam = aws_sdk_iam::Client::new(&self.admin_config().await);
        let name = unique("vendor");
        let user = iam
            .create_user()
            .user_name(&name)
            .send()
            .await
            .expect("create vendor user");
        iam.put_user_policy()
            .user_name(&name)
            .policy_name("AssumeCustomerRoles")
            .policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#,
            )
            .send()
            .await
            .expect("put vendor policy");
        let key = iam
            .create_access_key()
            .user_name(&name)
            .send()
            .await
            .expect("create vendor key")
            .access_key
            .expect("access key");
        Vendor {
            arn: user.user.expect("user").arn,
            access_key_id: key.access_key_id,
            secret_access_key: key.secret_access_key,
        }
    }

    /// A new customer role with `trust_policy` and one inline policy per `(name, document)`.
    /// Returns the role ARN.
    pub async fn customer_role(&self, trust_policy: &str, policies: &[(&str, &str)]) -> String {
        let iam = aws_sdk_iam::Client::new(&self.admin_config().await);
        let name = unique("customer");
        let role = iam
            .create_role()
            .role_name(&name)
            .assume_role_policy_document(trust_policy)
            .send()
            .await
            .expect("create customer role")
            .role
            .expect("role");
        for (policy_name, doc) in policies {
            iam.put_role_policy()
                .role_name(&name)
                .policy_name(*policy_name)
                .policy_document(*doc)
                .send()
                .await
                .expect("put role policy");
        }
        role.arn
    }

    /// Makes sessions of the role last `seconds` on the emulator (its launcher reads the role
    /// tag `chicory:test-session-seconds`), and expire: requests with an expired session fail
    /// with `ExpiredToken`.
    pub async fn short_sessions(&self, role_arn: &str, seconds: u32) {
        let iam = aws_sdk_iam::Client::new(&self.admin_config().await);
        let name = role_arn.rsplit('/').next().expect("role name");
        iam.tag_role()
            .role_name(name)
            .tags(
                aws_sdk_iam::types::Tag::builder()
                    .key("chicory:test-session-seconds")
                    .value(seconds.to_string())
                    .build()
                    .expect("tag"),
            )
            .send()
            .await
            .expect("tag role");
    }

    /// A vendor and a customer role trusting it with `external_id`, holding `policies`;
    /// returns the vendor and connection parameters for the role.
    pub async fn customer(
        &self,
        external_id: &str,
        policies: &[(&str, &str)],
    ) -> (Vendor, ConnectionParams) {
        let vendor = self.vendor().await;
        let role_arn = self
            .customer_role(&trust_policy(&vendor.arn, external_id), policies)
            .await;
        let params = ConnectionParams::assume_role(&role_arn, external_id)
            .expect("valid params")
            .with_region(&self.state.region)
            .expect("region");
        (vendor, params)
    }

    /// A connected connection claiming `claimed` to a new customer role (External ID
    /// `chicory-<unique>`) that holds `policy`.
    pub async fn connect_with_policy(&self, policy: &str, claimed: AccessLevel) -> Connection {
        let (vendor, params) = self
            .customer(
                &format!("chicory-{}", unique("role")),
                &[("Permissions", policy)],
            )
            .await;
        self.connection(&vendor, params.with_access_level(claimed))
            .connect()
            .await
            .expect("the emulator's customer role is assumed")
    }

    /// A connected connection claiming `claimed` to a new customer role that holds the
    /// permission policy chicory-aws-policy generates for `integration` at `held`.
    pub async fn connect_to_role(
        &self,
        integration: Integration,
        held: AccessLevel,
        claimed: AccessLevel,
    ) -> Connection {
        let policy = permission_policy(integration, held, &PolicyOptions::default())
            .expect("the default policy builds")
            .to_json_compact();
        self.connect_with_policy(&policy, claimed).await
    }

    /// A connection builder for `params` against the emulator, as `vendor`.
    pub fn connection(
        &self,
        vendor: &Vendor,
        params: ConnectionParams,
    ) -> chicory_aws_core::ConnectionBuilder {
        Connection::builder(params)
            .endpoint_url(&self.state.endpoint)
            .base_credentials(vendor.base_credentials())
    }
}

/// A trust policy letting `principal_arn` assume the role with `external_id`.
pub fn trust_policy(principal_arn: &str, external_id: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": principal_arn},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": external_id}}
        }]
    })
    .to_string()
}

/// A vendor principal in the emulator.
#[derive(Debug, Clone)]
pub struct Vendor {
    /// The user ARN.
    pub arn: String,
    /// Its access key id.
    pub access_key_id: String,
    /// Its secret.
    pub secret_access_key: String,
}

impl Vendor {
    /// The vendor's base credentials.
    pub fn base_credentials(&self) -> BaseCredentials {
        BaseCredentials::from_keys(&self.access_key_id, &self.secret_access_key)
    }
}

/// A unique name for a test resource.
pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

/// Whether `req` carries a SigV4 signature for `service` (the credential scope's service) by a
/// session: an access key id starting with `key_prefix` (e.g. `ASIAFAKE` for [`FakeSts`]
/// sessions), signed headers, a signature and a session token. The fakes of the services
/// moto lacks (DataZone, CloudTrail) answer only such requests.
pub fn signed_by_session(req: &wiremock::Request, service: &str, key_prefix: &str) -> bool {
    let auth = req
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let cred = auth
        .split("Credential=")
        .nth(1)
        .and_then(|c| c.split(',').next())
        .unwrap_or("");
    auth.starts_with("AWS4-HMAC-SHA256 ")
        && cred.starts_with(key_prefix)
        && cred.ends_with(&format!("/{service}/aws4_request"))
        && auth.contains("SignedHeaders=")
        && auth.contains("Signature=")
        && req.headers.contains_key("x-amz-security-token")
}

/// Every item of a scan, sorted by outcome: its records, its skipped parts and its incomplete
/// parts' errors, in the order they came.
pub async fn scan_outcomes<S: chicory_aws_core::Scanner>(
    s: &S,
) -> (
    Vec<S::Record>,
    Vec<chicory_aws_core::Skipped>,
    Vec<chicory_aws_core::Error>,
) {
    use futures::StreamExt;
    let (mut records, mut skipped, mut incomplete) = (vec![], vec![], vec![]);
    let mut items = s.scan();
    while let Some(item) = items.next().await {
        match item {
            Ok(chicory_aws_core::ScanItem::Record(r)) => records.push(r),
            Ok(chicory_aws_core::ScanItem::Skipped(p)) => skipped.push(p),
            Err(e) => incomplete.push(e),
        }
    }
    (records, skipped, incomplete)
}
