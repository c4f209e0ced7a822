//! Cross-account credentials: STS AssumeRole with the External ID, cached and refreshed.
//!
//! One [`CrossAccountCredentials`] serves one connection and every service client built from
//! it: a small AssumeRole fetcher behind the generic [`RefreshingCache`], which decides when to
//! refresh. Its windows are designed to beat both usual anchors:
//!
//! - **aws-config's `AssumeRoleProvider` behind the SDK's lazy identity cache** refreshes only
//!   10 s before expiry with every caller blocked, and a failed refresh drops still-valid
//!   credentials so that every waiter fails and retries the call.
//! - **botocore** refreshes in a 15-minute advisory window, so 900 s sessions refresh on nearly
//!   every call.
//!
//! Here, a read of cached credentials is one atomic load; in the advisory window (default 5
//! minutes before expiry, less a per-session jitter) one background refresh starts and callers
//! keep the cached credentials; in the mandatory window (default 60 s) they wait. Exactly one
//! STS call runs per refresh however many callers arrive. A failed refresh keeps serving
//! credentials that are still valid; errors that retrying cannot fix (malformed policy, region
//! disabled, access denied) are returned at once with a clear [`ErrorKind`]. A refresh that
//! panics, is cancelled or hangs past the load timeout cannot wedge the connection (see
//! [`RefreshingCache`]).

use crate::actions;
use crate::cache::{random_jitter, RefreshSettings, RefreshingCache};
use crate::error::{Error, ErrorKind, Result};
use crate::params::AssumeRoleParams;
use aws_credential_types::provider::{self, error::CredentialsError, ProvideCredentials};
use aws_credential_types::Credentials;
use aws_sdk_sts::types::Tag;
use aws_smithy_async::time::SharedTimeSource;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// A [`ProvideCredentials`] that assumes the customer's role and keeps the session fresh.
///
/// Cheap to clone; clones share the cache. Build it through
/// [`Connection`](crate::Connection), or directly with [`CrossAccountCredentials::new`].
#[derive(Clone)]
pub struct CrossAccountCredentials {
    params: Arc<AssumeRoleParams>,
    cache: RefreshingCache<Credentials>,
}

impl fmt::Debug for CrossAccountCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CrossAccountCredentials")
            .field("role_arn", &self.params.role_arn)
            .field("session_name", &self.params.session_name)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
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
        let params = Arc::new(params);
        let fetch_params = Arc::clone(&params);
        let cache = RefreshingCache::new(
            move || assume_role(sts.clone(), Arc::clone(&fetch_params)),
            time,
            settings,
            random_jitter(),
        )?;
        Ok(CrossAccountCredentials { params, cache })
    }

    /// Returns valid credentials, refreshing as the windows say.
    pub async fn credentials(&self) -> Result<Credentials> {
        self.cache.get().await
    }

    /// When the cached session enters its advisory window, if there is one.
    pub fn refresh_at(&self) -> Option<SystemTime> {
        self.cache.refresh_at()
    }

    /// When the cached session expires, if there is one.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.cache.expiry()
    }
}

/// One AssumeRole with the External ID: the session and its expiry.
async fn assume_role(
    sts: aws_sdk_sts::Client,
    p: Arc<AssumeRoleParams>,
) -> Result<(Credentials, SystemTime)> {
    let mut req = sts
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
    let out = req.send().await.map_err(|e| {
        Error::from_sdk(e, actions::sts::ASSUME_ROLE).with_resource(p.role_arn.as_str())
    })?;
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
    tracing::debug!(role_arn = %p.role_arn, ?expiry, "assumed role");
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
