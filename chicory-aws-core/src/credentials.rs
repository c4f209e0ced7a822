//! Cross-account credentials: STS AssumeRole with the External ID, cached and refreshed.
//!
//! One [`CrossAccountCredentials`] serves one connection and every service client built from
//! it. Its cache is designed to beat both usual anchors:
//!
//! - **aws-config's `AssumeRoleProvider` behind the SDK's lazy identity cache** refreshes only
//!   10 s before expiry with every caller blocked, and a failed refresh drops still-valid
//!   credentials so that every waiter fails and retries the call.
//! - **botocore** refreshes in a 15-minute advisory window, so 900 s sessions refresh on nearly
//!   every call.
//!
//! Here, a read of cached credentials is one atomic load (no lock a refresh could hold). In the
//! *advisory* window (default 5 minutes before expiry, less a per-session jitter) one
//! background refresh starts and callers keep the cached credentials without waiting. In the
//! *mandatory* window (default 60 s before expiry) callers wait for the refresh. Exactly one STS
//! call runs per refresh however many callers arrive; they all receive its result, success or
//! failure. The refresh runs on its own task, so it survives the cancellation of the caller that
//! started it. A failed refresh keeps serving credentials that are still valid and is retried
//! after a bounded exponential backoff; errors that retrying cannot fix (malformed policy,
//! region disabled, access denied) are returned at once with a clear [`ErrorKind`].

use crate::error::{Error, ErrorKind, Result};
use crate::params::AssumeRoleParams;
use arc_swap::ArcSwapOption;
use aws_credential_types::provider::{self, error::CredentialsError, ProvideCredentials};
use aws_credential_types::Credentials;
use aws_sdk_sts::types::Tag;
use aws_smithy_async::time::SharedTimeSource;
use futures::future::{BoxFuture, FutureExt, Shared};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// When credentials are refreshed, and how failed refreshes are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefreshSettings {
    /// Before expiry, start one background refresh; callers keep the cached credentials.
    pub advisory_window: Duration,
    /// Before expiry, callers wait for the refresh.
    pub mandatory_window: Duration,
    /// Up to this much earlier than the advisory window, chosen at random per session, so many
    /// connections made together do not refresh together.
    pub jitter: Duration,
    /// First wait after a failed refresh before the next attempt.
    pub min_backoff: Duration,
    /// Longest wait between attempts after repeated failures.
    pub max_backoff: Duration,
}

impl Default for RefreshSettings {
    fn default() -> Self {
        RefreshSettings {
            advisory_window: Duration::from_secs(300),
            mandatory_window: Duration::from_secs(60),
            jitter: Duration::from_secs(60),
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl RefreshSettings {
    /// Sets the advisory window.
    pub fn with_advisory_window(mut self, d: Duration) -> Self {
        self.advisory_window = d;
        self
    }
    /// Sets the mandatory window.
    pub fn with_mandatory_window(mut self, d: Duration) -> Self {
        self.mandatory_window = d;
        self
    }
    /// Sets the jitter.
    pub fn with_jitter(mut self, d: Duration) -> Self {
        self.jitter = d;
        self
    }
    /// Sets the backoff bounds after failed refreshes.
    pub fn with_backoff(mut self, min: Duration, max: Duration) -> Self {
        self.min_backoff = min;
        self.max_backoff = max;
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if self.mandatory_window > self.advisory_window {
            return Err(Error::invalid(
                "refresh.mandatory_window",
                "must not be longer than the advisory window",
            ));
        }
        if self.min_backoff > self.max_backoff || self.min_backoff.is_zero() {
            return Err(Error::invalid(
                "refresh.min_backoff",
                "must be above zero and not above max_backoff",
            ));
        }
        Ok(())
    }
}

/// Credentials in the cache, with the instants that decide their refresh.
struct Cached {
    credentials: Credentials,
    expiry: SystemTime,
    /// Start of the (jittered) advisory window.
    refresh_at: SystemTime,
    /// Start of the mandatory window.
    must_refresh_at: SystemTime,
}

type RefreshFuture = Shared<BoxFuture<'static, Result<Credentials>>>;

#[derive(Default)]
struct RefreshState {
    in_flight: Option<RefreshFuture>,
    failures: u32,
    retry_after: Option<SystemTime>,
    last_error: Option<Error>,
}

struct Inner {
    sts: aws_sdk_sts::Client,
    params: AssumeRoleParams,
    time: SharedTimeSource,
    settings: RefreshSettings,
    current: ArcSwapOption<Cached>,
    state: Mutex<RefreshState>,
}

/// A [`ProvideCredentials`] that assumes the customer's role and keeps the session fresh.
///
/// Cheap to clone; clones share the cache. Build it through
/// [`Connection`](crate::Connection), or directly with [`CrossAccountCredentials::new`].
#[derive(Clone)]
pub struct CrossAccountCredentials {
    inner: Arc<Inner>,
}

impl fmt::Debug for CrossAccountCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CrossAccountCredentials")
            .field("role_arn", &self.inner.params.role_arn)
            .field("session_name", &self.inner.params.session_name)
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

enum Decision {
    Fresh(Credentials),
    Advisory(Credentials),
    Wait,
}

impl CrossAccountCredentials {
    /// A provider that calls AssumeRole through `sts` (a client holding the vendor's own base
    /// credentials), reading time from `time`.
    pub fn new(
        sts: aws_sdk_sts::Client,
        params: AssumeRoleParams,
        time: SharedTimeSource,
        settings: RefreshSettings,
    ) -> Result<Self> {
        settings.validate()?;
        Ok(CrossAccountCredentials {
            inner: Arc::new(Inner {
                sts,
                params,
                time,
                settings,
                current: ArcSwapOption::empty(),
                state: Mutex::new(RefreshState::default()),
            }),
        })
    }

    /// Returns valid credentials, refreshing as the windows say.
    pub async fn credentials(&self) -> Result<Credentials> {
        let now = self.inner.time.now();
        match self.inner.decide(now) {
            Decision::Fresh(c) => return Ok(c),
            Decision::Advisory(c) => {
                self.inner.refresh_in_background(now);
                return Ok(c);
            }
            Decision::Wait => {}
        }
        let refresh = {
            let mut state = self.inner.state.lock().expect("credential state poisoned");
            // Re-check under the lock: another caller may have just finished a refresh.
            match self.inner.decide(now) {
                Decision::Fresh(c) | Decision::Advisory(c) => return Ok(c),
                Decision::Wait => {}
            }
            if state.in_flight.is_none() {
                if let (Some(after), Some(err)) = (state.retry_after, &state.last_error) {
                    if now < after {
                        // Still backing off from a failure: serve what is still valid, or the
                        // failure itself, without calling STS again.
                        return match self.inner.still_valid(now) {
                            Some(c) => Ok(c),
                            None => Err(err.clone()),
                        };
                    }
                }
            }
            self.inner.start_refresh(&mut state)
        };
        match refresh.await {
            Ok(c) => Ok(c),
            Err(e) => match self.inner.still_valid(self.inner.time.now()) {
                Some(c) => Ok(c),
                None => Err(e),
            },
        }
    }

    /// When the cached session enters its advisory window, if there is one.
    pub fn refresh_at(&self) -> Option<SystemTime> {
        self.inner.current.load().as_ref().map(|c| c.refresh_at)
    }

    /// When the cached session expires, if there is one.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.inner.current.load().as_ref().map(|c| c.expiry)
    }
}

impl Inner {
    fn decide(&self, now: SystemTime) -> Decision {
        match self.current.load().as_ref() {
            Some(c) if now < c.refresh_at => Decision::Fresh(c.credentials.clone()),
            Some(c) if now < c.must_refresh_at => Decision::Advisory(c.credentials.clone()),
            _ => Decision::Wait,
        }
    }

    fn still_valid(&self, now: SystemTime) -> Option<Credentials> {
        self.current
            .load()
            .as_ref()
            .filter(|c| now < c.expiry)
            .map(|c| c.credentials.clone())
    }

    fn refresh_in_background(self: &Arc<Self>, now: SystemTime) {
        let mut state = self.state.lock().expect("credential state poisoned");
        if state.in_flight.is_some() || state.retry_after.is_some_and(|t| now < t) {
            return;
        }
        // Detached: callers in the advisory window do not wait for it.
        drop(self.start_refresh(&mut state));
    }

    /// Starts the one refresh, or joins the one in flight. Called with the state locked.
    fn start_refresh(self: &Arc<Self>, state: &mut RefreshState) -> RefreshFuture {
        if let Some(f) = &state.in_flight {
            return f.clone();
        }
        let inner = Arc::clone(self);
        // A task of its own: it completes even if every caller is cancelled.
        let task = tokio::spawn(async move { inner.refresh_once().await });
        let fut = async move {
            task.await.unwrap_or_else(|e| {
                Err(Error::new(ErrorKind::Service, "credential refresh task failed").with_source(e))
            })
        }
        .boxed()
        .shared();
        state.in_flight = Some(fut.clone());
        fut
    }

    async fn refresh_once(self: Arc<Self>) -> Result<Credentials> {
        let result = self.assume_role().await;
        let now = self.time.now();
        let mut state = self.state.lock().expect("credential state poisoned");
        match &result {
            Ok((credentials, expiry)) => {
                let jitter = self.settings.jitter.mul_f64(fastrand::f64());
                let refresh_at = (*expiry - self.settings.advisory_window - jitter).max(now);
                let must_refresh_at = (*expiry - self.settings.mandatory_window).max(now);
                self.current.store(Some(Arc::new(Cached {
                    credentials: credentials.clone(),
                    expiry: *expiry,
                    refresh_at,
                    must_refresh_at,
                })));
                state.failures = 0;
                state.retry_after = None;
                state.last_error = None;
                tracing::debug!(role_arn = %self.params.role_arn, ?expiry, "assumed role");
            }
            Err(e) => {
                state.failures = state.failures.saturating_add(1);
                let backoff = if e.is_temporary() {
                    let exp = self
                        .settings
                        .min_backoff
                        .saturating_mul(1u32 << (state.failures - 1).min(16));
                    exp.min(self.settings.max_backoff)
                } else {
                    // Retrying soon cannot fix a denied or malformed request.
                    self.settings.max_backoff
                };
                state.retry_after = Some(now + backoff);
                state.last_error = Some(e.clone());
                tracing::warn!(role_arn = %self.params.role_arn, error = %e, ?backoff,
                    "assume role failed; serving cached credentials while they are valid");
            }
        }
        // Cleared only after `current` is updated, so a caller that sees no refresh in flight
        // sees the new credentials.
        state.in_flight = None;
        result.map(|(c, _)| c)
    }

    async fn assume_role(&self) -> Result<(Credentials, SystemTime)> {
        let p = &self.params;
        let mut req = self
            .sts
            .assume_role()
            .role_arn(p.role_arn.as_str())
            .external_id(p.external_id.as_str())
            .role_session_name(p.session_name.as_str())
            .duration_seconds(p.session_duration.as_secs() as i32);
        if let Some(si) = &p.source_identity {
            req = req.source_identity(si.as_str());
        }
        for (k, v) in &p.session_tags {
            let tag = Tag::builder().key(k).value(v).build().map_err(|e| {
                Error::invalid("session_tags", "a tag needs a key and a value").with_source(e)
            })?;
            req = req.tags(tag);
        }
        let out = req
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, "sts:AssumeRole").with_resource(p.role_arn.as_str()))?;
        let c = out.credentials.ok_or_else(|| {
            Error::new(ErrorKind::Service, "sts:AssumeRole returned no credentials")
                .with_resource(p.role_arn.as_str())
        })?;
        let expiry = SystemTime::try_from(c.expiration).map_err(|e| {
            Error::new(
                ErrorKind::Service,
                "sts:AssumeRole returned an invalid expiration",
            )
            .with_source(e)
        })?;
        // A session that is over on arrival (an answer without its expiration reads as 1970)
        // would be fetched again on every call: refuse it.
        if expiry <= self.time.now() {
            return Err(Error::new(
                ErrorKind::Service,
                format!(
                    "sts:AssumeRole returned a session that has already expired ({}); \
                     check this machine's clock",
                    aws_smithy_types::DateTime::from(expiry)
                ),
            )
            .with_operation("sts:AssumeRole")
            .with_resource(p.role_arn.as_str()));
        }
        let creds = Credentials::builder()
            .access_key_id(c.access_key_id)
            .secret_access_key(c.secret_access_key)
            .session_token(c.session_token)
            .expiry(expiry)
            .account_id(p.role_arn.account_id())
            .provider_name("CrossAccountCredentials")
            .build();
        Ok((creds, expiry))
    }
}

impl ProvideCredentials for CrossAccountCredentials {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(async move {
            self.credentials()
                .await
                .map_err(CredentialsError::provider_error)
        })
    }
}
