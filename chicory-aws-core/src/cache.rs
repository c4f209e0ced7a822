//! A refreshing cache of one expiring value (credentials, tokens), apart from what fetches it,
//! as aws-smithy-runtime's lazy identity cache is apart from aws-config's AssumeRole provider
//! and object_store's `TokenCache<T>` from its token sources.
//!
//! - A read of a fresh value is one atomic load: no lock a refresh could hold.
//! - In the *advisory* window before expiry (less a per-value jitter), one background refresh
//!   starts and callers keep the cached value without waiting; in the *mandatory* window
//!   callers wait for the refresh.
//! - Single flight: one fetch per refresh however many callers arrive; they all get its
//!   result. The fetch runs on a task of its own, so it survives the cancellation of the
//!   caller that started it.
//! - A failed refresh keeps serving a value that has not expired and is retried after a
//!   bounded exponential backoff (the longest at once for errors retrying cannot fix).
//! - **It cannot wedge**: a fetch that panics, that is cancelled (its runtime shut down), or
//!   that does not answer within the load timeout settles the refresh as failed, and the next
//!   caller after the backoff starts a new one.
//! - The clock ([`SharedTimeSource`]) and the jitter are injected, so every window is tested
//!   with a hand-moved clock and no real sleeping.

use crate::error::{Error, ErrorKind, Result};
use arc_swap::ArcSwapOption;
use aws_smithy_async::time::SharedTimeSource;
use futures::future::{BoxFuture, FutureExt, Shared};
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

/// When a cached value is refreshed, how failed refreshes are retried, and how long one may
/// take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefreshSettings {
    /// Before expiry, start one background refresh; callers keep the cached value.
    pub advisory_window: Duration,
    /// Before expiry, callers wait for the refresh.
    pub mandatory_window: Duration,
    /// Up to this much earlier than the advisory window, chosen at random per value, so many
    /// connections made together do not refresh together.
    pub jitter: Duration,
    /// First wait after a failed refresh before the next attempt.
    pub min_backoff: Duration,
    /// Longest wait between attempts after repeated failures.
    pub max_backoff: Duration,
    /// A fetch that has not answered after this long fails as [`ErrorKind::Timeout`].
    pub load_timeout: Duration,
}

impl Default for RefreshSettings {
    fn default() -> Self {
        RefreshSettings {
            advisory_window: Duration::from_secs(300),
            mandatory_window: Duration::from_secs(60),
            jitter: Duration::from_secs(60),
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            // Above the SDK's own attempts of an AssumeRole (5, with backoff), below the
            // mandatory window.
            load_timeout: Duration::from_secs(30),
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
    /// Sets the load timeout.
    pub fn with_load_timeout(mut self, d: Duration) -> Self {
        self.load_timeout = d;
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
        if self.load_timeout.is_zero() {
            return Err(Error::invalid("refresh.load_timeout", "must be above zero"));
        }
        Ok(())
    }
}

/// Where a cache's jitter comes from: a fraction in `[0, 1)` of [`RefreshSettings::jitter`].
pub type Jitter = Arc<dyn Fn() -> f64 + Send + Sync>;

/// The jitter of production: uniformly random.
pub fn random_jitter() -> Jitter {
    Arc::new(fastrand::f64)
}

type FetchFn<T> = dyn Fn() -> BoxFuture<'static, Result<(T, SystemTime)>> + Send + Sync;
type RefreshFuture<T> = Shared<BoxFuture<'static, Result<T>>>;

/// A value in the cache, with the instants that decide its refresh.
struct Cached<T> {
    value: T,
    expiry: SystemTime,
    /// Start of the (jittered) advisory window.
    refresh_at: SystemTime,
    /// Start of the mandatory window.
    must_refresh_at: SystemTime,
}

struct State<T> {
    /// The refresh in flight and its id.
    in_flight: Option<(u64, RefreshFuture<T>)>,
    next_id: u64,
    failures: u32,
    retry_after: Option<SystemTime>,
    last_error: Option<Error>,
}

struct Inner<T> {
    fetch: Box<FetchFn<T>>,
    time: SharedTimeSource,
    settings: RefreshSettings,
    jitter: Jitter,
    current: ArcSwapOption<Cached<T>>,
    state: Mutex<State<T>>,
}

/// A cache of one expiring value of type `T`, refreshed by a fetch function. Cheap to clone;
/// clones share the cache.
pub struct RefreshingCache<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Clone for RefreshingCache<T> {
    fn clone(&self) -> Self {
        RefreshingCache {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T> fmt::Debug for RefreshingCache<T> {
    /// Never the value: it is usually a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingCache")
            .field("settings", &self.inner.settings)
            .field("expiry", &self.expiry())
            .finish_non_exhaustive()
    }
}

enum Decision<T> {
    Fresh(T),
    Advisory(T),
    Wait,
}

/// The poisoned state of a panicked holder is still consistent (every update is one
/// assignment), so it is used rather than propagating the panic to every later caller.
fn lock<S>(m: &Mutex<S>) -> MutexGuard<'_, S> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<T: Clone + Send + Sync + 'static> RefreshingCache<T> {
    /// A cache whose values come from `fetch` (the value and its expiry), reading time from
    /// `time`, with `jitter` choosing where in the jitter range each value's advisory window
    /// starts ([`random_jitter`] in production).
    pub fn new<F, Fut>(
        fetch: F,
        time: SharedTimeSource,
        settings: RefreshSettings,
        jitter: Jitter,
    ) -> Result<Self>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(T, SystemTime)>> + Send + 'static,
    {
        settings.validate()?;
        Ok(RefreshingCache {
            inner: Arc::new(Inner {
                fetch: Box::new(move || fetch().boxed()),
                time,
                settings,
                jitter,
                current: ArcSwapOption::empty(),
                state: Mutex::new(State {
                    in_flight: None,
                    next_id: 0,
                    failures: 0,
                    retry_after: None,
                    last_error: None,
                }),
            }),
        })
    }

    /// A value that has not entered its mandatory window, refreshing as the windows say.
    pub async fn get(&self) -> Result<T> {
        let inner = &self.inner;
        let now = inner.time.now();
        match inner.decide(now) {
            Decision::Fresh(v) => return Ok(v),
            Decision::Advisory(v) => {
                inner.refresh_in_background(now);
                return Ok(v);
            }
            Decision::Wait => {}
        }
        let refresh = {
            let mut state = lock(&inner.state);
            // Re-check under the lock: another caller may have just finished a refresh.
            match inner.decide(now) {
                Decision::Fresh(v) | Decision::Advisory(v) => return Ok(v),
                Decision::Wait => {}
            }
            if state.in_flight.is_none() {
                if let (Some(after), Some(err)) = (state.retry_after, &state.last_error) {
                    if now < after {
                        // Still backing off from a failure: serve what has not expired, or
                        // the failure itself, without fetching again.
                        return match inner.still_valid(now) {
                            Some(v) => Ok(v),
                            None => Err(err.clone()),
                        };
                    }
                }
            }
            inner.start_refresh(&mut state)
        };
        match refresh.await {
            Ok(v) => Ok(v),
            Err(e) => inner.still_valid(inner.time.now()).ok_or(e),
        }
    }
}

impl<T> RefreshingCache<T> {
    /// When the cached value enters its advisory window, if there is one.
    pub fn refresh_at(&self) -> Option<SystemTime> {
        self.inner.current.load().as_ref().map(|c| c.refresh_at)
    }

    /// When the cached value expires, if there is one.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.inner.current.load().as_ref().map(|c| c.expiry)
    }

    /// Whether a refresh is in flight.
    pub fn is_refreshing(&self) -> bool {
        lock(&self.inner.state).in_flight.is_some()
    }
}

/// The error of a fetch that never finished: it panicked, or its task was cancelled.
fn unfinished_fetch(panicked: bool) -> Error {
    let why = if panicked {
        "the credential fetch panicked"
    } else {
        "the credential fetch was cancelled (its runtime shut down)"
    };
    Error::new(ErrorKind::Service, why)
}

/// Settles its refresh as failed if dropped before it settled: the fetch panicked, or its task
/// was cancelled (its runtime shut down).
struct SettleOnDrop<T: Clone + Send + Sync + 'static> {
    inner: Arc<Inner<T>>,
    id: u64,
    settled: bool,
}

impl<T: Clone + Send + Sync + 'static> Drop for SettleOnDrop<T> {
    fn drop(&mut self) {
        if !self.settled {
            let failed = unfinished_fetch(std::thread::panicking());
            let _ = self.inner.settle(self.id, Err(failed));
        }
    }
}

impl<T: Clone + Send + Sync + 'static> Inner<T> {
    fn decide(&self, now: SystemTime) -> Decision<T> {
        match self.current.load().as_ref() {
            Some(c) if now < c.refresh_at => Decision::Fresh(c.value.clone()),
            Some(c) if now < c.must_refresh_at => Decision::Advisory(c.value.clone()),
            _ => Decision::Wait,
        }
    }

    fn still_valid(&self, now: SystemTime) -> Option<T> {
        self.current
            .load()
            .as_ref()
            .filter(|c| now < c.expiry)
            .map(|c| c.value.clone())
    }

    fn refresh_in_background(self: &Arc<Self>, now: SystemTime) {
        let mut state = lock(&self.state);
        if state.in_flight.is_some() || state.retry_after.is_some_and(|t| now < t) {
            return;
        }
        // Detached: callers in the advisory window do not wait for it.
        drop(self.start_refresh(&mut state));
    }

    /// Starts the one refresh, or joins the one in flight. Called with the state locked.
    fn start_refresh(self: &Arc<Self>, state: &mut State<T>) -> RefreshFuture<T> {
        if let Some((_, f)) = &state.in_flight {
            return f.clone();
        }
        let id = state.next_id;
        state.next_id += 1;
        let inner = Arc::clone(self);
        // A task of its own: it completes even if every caller is cancelled; its guard
        // settles the refresh even if it never completes.
        let task = tokio::spawn(async move {
            let mut guard = SettleOnDrop {
                inner: Arc::clone(&inner),
                id,
                settled: false,
            };
            let timeout = inner.settings.load_timeout;
            let fetched = match tokio::time::timeout(timeout, (inner.fetch)()).await {
                Ok(result) => result,
                Err(_) => Err(Error::new(
                    ErrorKind::Timeout,
                    format!("the credential fetch did not answer within {timeout:?}"),
                )),
            };
            guard.settled = true;
            inner.settle(id, fetched)
        });
        let fut = async move {
            // The guard has settled the state; the waiters get the cause.
            task.await
                .unwrap_or_else(|e| Err(unfinished_fetch(e.is_panic())))
        }
        .boxed()
        .shared();
        state.in_flight = Some((id, fut.clone()));
        fut
    }

    /// Records refresh `id`'s result and ends it.
    fn settle(&self, id: u64, fetched: Result<(T, SystemTime)>) -> Result<T> {
        let now = self.time.now();
        let fetched = fetched.and_then(|(value, expiry)| {
            // A value that is over on arrival (an expiry that reads as 1970) would be fetched
            // again on every call: refuse it.
            if expiry <= now {
                return Err(Error::new(
                    ErrorKind::Service,
                    format!(
                        "the fetched session has already expired ({}); check this machine's \
                         clock",
                        aws_smithy_types::DateTime::from(expiry)
                    ),
                ));
            }
            Ok((value, expiry))
        });
        let mut state = lock(&self.state);
        match &fetched {
            Ok((value, expiry)) => {
                let jitter = self
                    .settings
                    .jitter
                    .mul_f64((self.jitter)().clamp(0.0, 1.0));
                let refresh_at = expiry
                    .checked_sub(self.settings.advisory_window + jitter)
                    .unwrap_or(now)
                    .max(now);
                let must_refresh_at = expiry
                    .checked_sub(self.settings.mandatory_window)
                    .unwrap_or(now)
                    .max(now);
                self.current.store(Some(Arc::new(Cached {
                    value: value.clone(),
                    expiry: *expiry,
                    refresh_at,
                    must_refresh_at,
                })));
                state.failures = 0;
                state.retry_after = None;
                state.last_error = None;
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
                tracing::warn!(error = %e, ?backoff,
                    "refresh failed; serving the cached value while it has not expired");
            }
        }
        // Cleared only after `current` is updated, so a caller that sees no refresh in flight
        // sees the new value.
        if state.in_flight.as_ref().is_some_and(|(i, _)| *i == id) {
            state.in_flight = None;
        }
        fetched.map(|(v, _)| v)
    }
}
