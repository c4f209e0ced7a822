//! A connection to one customer account: parameters + one credential cache + SDK config.

use crate::budget::{ApiStats, Budget, BudgetInterceptor, BudgetSettings};
use crate::cache::RefreshSettings;
use crate::credentials::CrossAccountCredentials;
use crate::error::{Error, ErrorKind, Result};
use crate::params::{ConnectionParams, CustomerAuth, Secret};
use crate::scan::PageRetry;
use crate::{AccessLevel, Action};
use aws_config::identity::IdentityCache;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource, TimeSource};
use aws_types::sdk_config::StalledStreamProtectionConfig;
use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

/// The vendor's own AWS credentials, used only to call STS AssumeRole.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum BaseCredentials {
    /// The SDK's default chain (environment, profile, web identity, ECS/EC2 metadata).
    #[default]
    DefaultChain,
    /// Explicit access keys.
    Static {
        /// The access key id.
        access_key_id: String,
        /// The secret access key.
        secret_access_key: Secret,
        /// The session token, for temporary keys.
        session_token: Option<Secret>,
    },
    /// Any credentials provider.
    Provider(SharedCredentialsProvider),
}

impl BaseCredentials {
    /// Explicit long-term access keys.
    pub fn from_keys(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> Self {
        BaseCredentials::Static {
            access_key_id: access_key_id.into(),
            secret_access_key: Secret::new(secret_access_key),
            session_token: None,
        }
    }
}

impl fmt::Debug for BaseCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaseCredentials::DefaultChain => f.write_str("DefaultChain"),
            BaseCredentials::Static { access_key_id, .. } => f
                .debug_struct("Static")
                .field("access_key_id", access_key_id)
                .finish_non_exhaustive(),
            BaseCredentials::Provider(_) => f.write_str("Provider(..)"),
        }
    }
}

/// Builds a [`Connection`]; see [`Connection::builder`].
#[derive(Debug)]
#[must_use]
pub struct ConnectionBuilder {
    params: ConnectionParams,
    base: BaseCredentials,
    endpoint_url: Option<String>,
    service_endpoints: Vec<(String, String)>,
    time_source: Option<SharedTimeSource>,
    refresh: RefreshSettings,
    retry: Option<RetryConfig>,
    page_retry: PageRetry,
    budget: BudgetSettings,
}

/// SDK attempts per request when neither the caller nor the environment says: the SDK's
/// standard mode with 5 attempts instead of its 3, so a scan of thousands of requests rides
/// out throttling and transient 5xx (measured in `examples/tests/faults.rs`).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

impl ConnectionBuilder {
    /// The vendor's own credentials (default: the SDK's default chain).
    pub fn base_credentials(mut self, base: BaseCredentials) -> Self {
        self.base = base;
        self
    }

    /// Sends every request (STS included) to this endpoint, e.g. a local emulator, unless
    /// [`service_endpoint_url`](Self::service_endpoint_url) names another for the service.
    /// Must be an `http://` or `https://` URL.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Sends the requests of one service to this endpoint instead, e.g. a VPC interface
    /// endpoint for Glue, or a local fake for a service the emulator lacks. `service` is the
    /// SDK service id, any case (`"datazone"`, `"glue"`, `"s3"`, `"sts"`). Every SDK client
    /// built from [`Connection::sdk_config`] follows it. Services not named here go to
    /// [`endpoint_url`](Self::endpoint_url) when it is set, else where the environment says
    /// (`AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`).
    pub fn service_endpoint_url(
        mut self,
        service: impl Into<String>,
        url: impl Into<String>,
    ) -> Self {
        self.service_endpoints.push((service.into(), url.into()));
        self
    }

    /// The clock used for credential expiry and request signing (tests inject their own).
    pub fn time_source(mut self, time: impl TimeSource + 'static) -> Self {
        self.time_source = Some(SharedTimeSource::new(time));
        self
    }

    /// When credentials refresh.
    pub fn refresh(mut self, settings: RefreshSettings) -> Self {
        self.refresh = settings;
        self
    }

    /// The SDK retry policy for every client of this connection. Default: what
    /// `AWS_MAX_ATTEMPTS` / `AWS_RETRY_MODE` say when either is set, else the standard mode
    /// with [`DEFAULT_MAX_ATTEMPTS`] attempts.
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// How a scan page that still fails after the SDK's retries is retried from its own token
    /// before its part is reported incomplete (default: [`PageRetry::default`]).
    pub fn page_retry(mut self, retry: PageRetry) -> Self {
        self.page_retry = retry;
        self
    }

    /// The request budget shared by everything built from this connection (default:
    /// [`BudgetSettings::default`]: 64 in flight, AWS's published per-API quotas, adaptive).
    pub fn budget(mut self, budget: BudgetSettings) -> Self {
        self.budget = budget;
        self
    }

    /// Builds the connection without any network call. Credentials are fetched on first use;
    /// call [`Connection::verify`] to fetch them now.
    pub async fn build(self) -> Result<Connection> {
        self.refresh.validate()?;
        self.budget.validate()?;
        if let Some(url) = &self.endpoint_url {
            check_url("endpoint_url", url)?;
        }
        let mut service_endpoints = Vec::with_capacity(self.service_endpoints.len());
        for (service, url) in &self.service_endpoints {
            check_url("service_endpoint_url", url)?;
            let id = service_key(service);
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(Error::invalid(
                    "service_endpoint_url",
                    format!(
                        "the service must be an SDK service id such as \"datazone\" or \"glue\", \
                         got {service:?}"
                    ),
                ));
            }
            service_endpoints.retain(|(s, _): &(String, String)| *s != id);
            service_endpoints.push((id, url.clone()));
        }
        let time = self
            .time_source
            .clone()
            .unwrap_or_else(|| SharedTimeSource::new(SystemTimeSource::new()));
        let region = Region::new(self.params.region.as_str().to_owned());
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(region)
            .time_source(time.clone());
        let from_env = ["AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"]
            .iter()
            .any(|v| std::env::var_os(v).is_some());
        match (&self.retry, from_env) {
            (Some(r), _) => loader = loader.retry_config(r.clone()),
            // aws-config reads the environment itself.
            (None, true) => {}
            (None, false) => {
                loader = loader
                    .retry_config(RetryConfig::standard().with_max_attempts(DEFAULT_MAX_ATTEMPTS))
            }
        }
        // With per-service endpoints, the global one goes through them too: an SDK client
        // consults its config's `service_config` only when the endpoint was not set in code.
        if let (Some(url), true) = (&self.endpoint_url, service_endpoints.is_empty()) {
            loader = loader.endpoint_url(url);
        }
        match &self.base {
            BaseCredentials::DefaultChain => {}
            BaseCredentials::Static {
                access_key_id,
                secret_access_key,
                session_token,
            } => {
                loader = loader.credentials_provider(Credentials::new(
                    access_key_id,
                    secret_access_key.expose(),
                    session_token.as_ref().map(|t| t.expose().to_owned()),
                    None,
                    "chicory-base",
                ));
            }
            BaseCredentials::Provider(p) => loader = loader.credentials_provider(p.clone()),
        }
        let mut base_config = loader.load().await;
        if !service_endpoints.is_empty() {
            let mut builder = base_config.to_builder();
            // The global endpoint from code, else the one the SDK read from the environment.
            builder.set_endpoint_url(
                self.endpoint_url
                    .clone()
                    .or_else(|| base_config.endpoint_url().map(str::to_owned)),
            );
            base_config = builder
                .service_config(ServiceEndpoints {
                    endpoints: service_endpoints.clone(),
                    global: self.endpoint_url.clone(),
                    fallback: base_config.clone(),
                })
                .build();
        }

        let (provider, cross) = match &self.params.auth {
            CustomerAuth::AssumeRole(role) => {
                let sts = aws_sdk_sts::Client::new(&base_config);
                let cross = CrossAccountCredentials::new(sts, role.clone(), time, self.refresh)?;
                (SharedCredentialsProvider::new(cross.clone()), Some(cross))
            }
            CustomerAuth::AccessKeys(keys) => {
                let creds = Credentials::builder()
                    .access_key_id(&keys.access_key_id)
                    .secret_access_key(keys.secret_access_key.expose())
                    .account_id(&keys.account_id)
                    .provider_name("chicory-customer-keys")
                    .build();
                (SharedCredentialsProvider::new(creds), None)
            }
        };
        // Every request to the customer's account goes through the connection's budget.
        let budget = Budget::new(self.budget.clone());
        let http = base_config
            .http_client()
            .unwrap_or_else(default_https_client);
        // Our provider keeps its own cache; a second cache in front of it would hide its
        // advisory refresh, so the SDK's identity cache is off for the customer's clients.
        let sdk_config = base_config
            .to_builder()
            .credentials_provider(provider)
            .identity_cache(IdentityCache::no_cache())
            .http_client(
                budget.http_client(http, self.params.access_level == AccessLevel::ReadOnly),
            )
            // The budget holds a request before it is sent; the SDK's upload stall protection
            // would count that wait as a stalled request body and fail it as a timeout after
            // its 5 s grace period. Downloads keep their protection.
            .stalled_stream_protection(
                StalledStreamProtectionConfig::enabled()
                    .upload_enabled(false)
                    .build(),
            )
            .build();
        Ok(Connection {
            inner: Arc::new(ConnectionInner {
                params: self.params,
                sdk_config,
                base_config,
                cross,
                service_endpoints,
                budget,
                page_retry: self.page_retry,
                clients: Mutex::default(),
            }),
        })
    }

    /// Builds the connection and fetches credentials once, so a wrong role, External ID or
    /// base credential fails here with a clear [`ErrorKind`].
    pub async fn connect(self) -> Result<Connection> {
        let conn = self.build().await?;
        conn.verify().await?;
        Ok(conn)
    }
}

struct ConnectionInner {
    params: ConnectionParams,
    sdk_config: SdkConfig,
    base_config: SdkConfig,
    cross: Option<CrossAccountCredentials>,
    /// (service key, url), as given to `service_endpoint_url`.
    service_endpoints: Vec<(String, String)>,
    budget: Arc<Budget>,
    page_retry: PageRetry,
    /// SDK clients by type and region, built once: see [`Connection::cached_client`].
    clients: Mutex<HashMap<(TypeId, String), Box<dyn Any + Send + Sync>>>,
}

/// The SDK's default HTTPS client (hyper 1, rustls with aws-lc), as SDK clients build it.
fn default_https_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
        .build_https()
}

/// A connection to one customer account. Cheap to clone; clones share one credential cache.
///
/// Every service client built from [`unchecked_sdk_config`](Connection::unchecked_sdk_config)
/// shares that cache. The vendor's own base credentials, which assume the customer's role,
/// cannot be had from a connection:
///
/// ```compile_fail
/// # async fn f(conn: chicory_aws_core::Connection) {
/// let vendor = conn.base_sdk_config(); // private: a Connection acts only as the customer
/// # }
/// ```
#[derive(Clone)]
pub struct Connection {
    inner: Arc<ConnectionInner>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("params", &self.inner.params)
            .field("endpoint_url", &self.inner.sdk_config.endpoint_url())
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// Starts building a connection from validated parameters.
    pub fn builder(params: ConnectionParams) -> ConnectionBuilder {
        ConnectionBuilder {
            params,
            base: BaseCredentials::DefaultChain,
            endpoint_url: None,
            service_endpoints: Vec::new(),
            time_source: None,
            refresh: RefreshSettings::default(),
            retry: None,
            page_retry: PageRetry::default(),
            budget: BudgetSettings::default(),
        }
    }

    /// How scan pages are retried after the SDK's retries.
    pub fn page_retry(&self) -> PageRetry {
        self.inner.page_retry
    }

    /// The interceptor every SDK client of the library adds (`unchecked_glue_client`, `unchecked_s3_client`, ...):
    /// it names each request's API for the per-API rate and reports throttling to the budget.
    /// Add it to a client of your own built from [`sdk_config`](Self::sdk_config) to give it
    /// the same adaptation.
    pub fn interceptor(&self) -> BudgetInterceptor {
        BudgetInterceptor::new(self.inner.budget.clone())
    }

    /// Requests and throttled attempts per API so far, and each API's current rate limit.
    pub fn request_stats(&self) -> Vec<ApiStats> {
        self.inner.budget.stats()
    }

    /// The SDK client of type `C` for `region`: built by `build` on the first call for that
    /// type and region, then the same client (a cheap clone) for every caller, so scanners and
    /// operators do not rebuild a client per call or per bucket. The service crates'
    /// `unchecked_*_client` functions use it.
    pub fn cached_client<C>(&self, region: &str, build: impl FnOnce() -> C) -> C
    where
        C: Clone + Send + Sync + 'static,
    {
        let mut clients = self.inner.clients.lock().unwrap_or_else(|p| p.into_inner());
        clients
            .entry((TypeId::of::<C>(), region.to_owned()))
            .or_insert_with(|| Box::new(build()))
            .downcast_ref::<C>()
            .expect("keyed by the client's type")
            .clone()
    }

    /// The parameters.
    pub fn params(&self) -> &ConnectionParams {
        &self.inner.params
    }

    /// What the customer granted.
    pub fn access_level(&self) -> AccessLevel {
        self.inner.params.access_level
    }

    /// The customer's account id.
    pub fn account_id(&self) -> &str {
        self.inner.params.account_id()
    }

    /// The region.
    pub fn region(&self) -> &str {
        self.inner.params.region.as_str()
    }

    /// The region's partition, as ARNs spell it (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn partition(&self) -> &'static str {
        self.inner.params.region.partition()
    }

    /// The endpoint override for every service, if any (e.g. a local emulator).
    pub fn endpoint_url(&self) -> Option<&str> {
        self.inner.sdk_config.endpoint_url()
    }

    /// The endpoint override that applies to `service` (an SDK service id, any case): its own
    /// from [`ConnectionBuilder::service_endpoint_url`], else [`endpoint_url`](Self::endpoint_url).
    pub fn endpoint_url_for(&self, service: &str) -> Option<&str> {
        endpoint_of(&self.inner.service_endpoints, service).or_else(|| self.endpoint_url())
    }

    /// SDK configuration holding the customer's credentials (with the connection's budget and
    /// endpoints), to build AWS SDK clients the library has no operator for.
    ///
    /// **Outside the operators' access check**: a client built from it is not checked against
    /// declared actions. On a ReadOnly connection a guard at the HTTP layer still refuses, before
    /// sending, every request that writes (`WriteNotPermitted`; the README's "The access gate"
    /// says how a request is classified); on a ReadWrite connection it sends what it is asked
    /// to. The library's operators and scanners check the access level before any request; use
    /// them where they exist.
    pub fn unchecked_sdk_config(&self) -> &SdkConfig {
        &self.inner.sdk_config
    }

    /// SDK configuration holding the vendor's own base credentials (used for STS): never
    /// handed out, so a holder of a `Connection` cannot act as the vendor.
    pub(crate) fn base_sdk_config(&self) -> &SdkConfig {
        &self.inner.base_config
    }

    /// The cross-account credential provider, for role connections.
    pub fn cross_account_credentials(&self) -> Option<&CrossAccountCredentials> {
        self.inner.cross.as_ref()
    }

    /// Fetches credentials now (assuming the role for role connections).
    pub async fn verify(&self) -> Result<()> {
        if let Some(cross) = &self.inner.cross {
            cross.credentials().await?;
        }
        Ok(())
    }

    /// Refuses, before any request, an operation whose actions need more than was granted.
    pub fn ensure_allowed(&self, operation: &str, actions: &[Action]) -> Result<()> {
        let needed = AccessLevel::required_for(actions);
        if self.access_level().allows(needed) {
            return Ok(());
        }
        let writes: Vec<String> = actions
            .iter()
            .filter(|a| a.is_write())
            .map(|a| a.iam_name())
            .collect();
        Err(Error::new(
            ErrorKind::WriteNotPermitted,
            format!(
                "{operation} needs {needed} access (it calls {}) but this connection is {}",
                writes.join(", "),
                self.access_level()
            ),
        )
        .with_operation(operation.to_owned()))
    }
}

fn check_url(field: &'static str, url: &str) -> Result<()> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(h) if !h.is_empty() && !h.starts_with(':') && !h.contains(char::is_whitespace) => {
            Ok(())
        }
        _ => Err(Error::invalid(
            field,
            format!(
                "must be http:// or https:// followed by a host (e.g. \
                 https://glue.us-east-1.amazonaws.com), got {url:?}"
            ),
        )),
    }
}

/// `"DataZone"`, `"datazone"` and `"data-zone"` name the same service.
fn service_key(service: &str) -> String {
    service
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The endpoint given for `service` (any spelling [`service_key`] accepts).
fn endpoint_of<'a>(endpoints: &'a [(String, String)], service: &str) -> Option<&'a str> {
    let id = service_key(service);
    endpoints
        .iter()
        .find(|(s, _)| *s == id)
        .map(|(_, u)| u.as_str())
}

/// Per-service endpoints, answered to every SDK client built from the connection's config
/// (an SDK client asks its config's `service_config` for `AWS_ENDPOINT_URL` before it takes
/// the global endpoint); any other key goes to what the SDK loaded from the environment.
struct ServiceEndpoints {
    endpoints: Vec<(String, String)>,
    global: Option<String>,
    fallback: SdkConfig,
}

impl fmt::Debug for ServiceEndpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceEndpoints")
            .field("endpoints", &self.endpoints)
            .field("global", &self.global)
            .finish_non_exhaustive()
    }
}

impl LoadServiceConfig for ServiceEndpoints {
    fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
        if key.env() == "AWS_ENDPOINT_URL" {
            let specific = endpoint_of(&self.endpoints, key.service_id());
            if let Some(url) = specific.or(self.global.as_deref()) {
                return Some(url.to_owned());
            }
        }
        self.fallback.service_config()?.load_config(key)
    }
}
