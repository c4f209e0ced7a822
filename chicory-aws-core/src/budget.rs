//! The request budget of a connection: requests in flight and a rate per API, shared by every
//! scanner, operator and SDK client built from the connection, backing off when AWS throttles.
//!
//! API quotas are charged to the customer's account, so our scans compete with the customer's
//! own workloads. The budget keeps every API within its published quota by default, and when
//! AWS throttles an API anyway (the customer's workloads use the same quota), lowers that API's
//! rate at once and recovers it over the following seconds (AIMD).
//!
//! It works at the HTTP layer: the connection's SDK config carries an HTTP client that admits
//! each request attempt (retries included) through the budget, so every client built from
//! [`Connection::sdk_config`](crate::Connection::sdk_config) is bounded in flight. The per-API
//! rate and its adaptation need [`Connection::interceptor`](crate::Connection::interceptor),
//! which names the API of each request and reports throttling answers: the library's own
//! clients carry it; add it to a client of your own to give it the same.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextMut, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, Metadata};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryReason,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::ErrorKind as RetryErrorKind;
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

/// AWS's published default quotas (requests per second, burst) for the APIs the library calls
/// most, from the Athena, DataZone and CloudTrail service-quota pages; an API not listed has no
/// rate of its own until it is throttled. Keys are `service:Operation` with the SDK's service id.
pub const PUBLISHED_QUOTAS: &[(&str, f64, f64)] = &[
    // Athena: "API quotas" (per account and region).
    ("athena:ListQueryExecutions", 5.0, 10.0),
    ("athena:GetQueryExecution", 100.0, 200.0),
    ("athena:BatchGetQueryExecution", 20.0, 40.0),
    ("athena:GetQueryResults", 100.0, 200.0),
    ("athena:StartQueryExecution", 20.0, 80.0),
    ("athena:StopQueryExecution", 20.0, 40.0),
    ("athena:ListWorkGroups", 5.0, 10.0),
    ("athena:ListDataCatalogs", 5.0, 10.0),
    ("athena:ListDatabases", 5.0, 10.0),
    ("athena:ListTableMetadata", 5.0, 10.0),
    // DataZone: Search and SearchListings 20 requests per second.
    ("datazone:Search", 20.0, 20.0),
    ("datazone:SearchListings", 20.0, 20.0),
    ("datazone:SearchTypes", 20.0, 20.0),
    // CloudTrail: LookupEvents 2 requests per second per account and region, and no burst, so
    // no 1-second window holds more than 2 (query-activity attribution pages through it).
    ("cloudtrail:LookupEvents", 2.0, 1.0),
];

/// The request budget of a connection; see the [module docs](self).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BudgetSettings {
    /// Requests in flight at once over the whole connection (1..=1024; default 64).
    pub max_in_flight: usize,
    /// Rates per API, `(service:Operation, requests per second, burst)`; default
    /// [`PUBLISHED_QUOTAS`].
    pub rates: Vec<(String, f64, f64)>,
    /// Lower an API's rate when AWS throttles it, and recover it after (default on).
    pub adaptive: bool,
}

impl Default for BudgetSettings {
    fn default() -> Self {
        BudgetSettings {
            max_in_flight: 64,
            rates: PUBLISHED_QUOTAS
                .iter()
                .map(|(k, r, b)| ((*k).to_owned(), *r, *b))
                .collect(),
            adaptive: true,
        }
    }
}

impl BudgetSettings {
    /// Sets the requests in flight at once.
    pub fn max_in_flight(mut self, n: usize) -> Self {
        self.max_in_flight = n;
        self
    }

    /// Sets the rate of one API (`service:Operation`, e.g. `glue:GetPartitions`).
    pub fn rate(mut self, api: impl Into<String>, per_second: f64, burst: f64) -> Self {
        let api = api.into();
        self.rates.retain(|(k, _, _)| !k.eq_ignore_ascii_case(&api));
        self.rates.push((api, per_second, burst));
        self
    }

    /// Turns adaptation to throttling on or off.
    pub fn adaptive(mut self, on: bool) -> Self {
        self.adaptive = on;
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if !(1..=1024).contains(&self.max_in_flight) {
            return Err(Error::invalid(
                "budget.max_in_flight",
                "must be between 1 and 1024",
            ));
        }
        for (api, rate, burst) in &self.rates {
            if !api.contains(':') {
                return Err(Error::invalid(
                    "budget.rates",
                    format!("name the API as service:Operation, e.g. glue:GetTables, got {api:?}"),
                ));
            }
            if !(rate.is_finite() && *rate > 0.0 && burst.is_finite() && *burst >= 1.0) {
                return Err(Error::invalid(
                    "budget.rates",
                    format!("{api}: the rate must be above 0 and the burst at least 1"),
                ));
            }
        }
        Ok(())
    }
}

/// What the budget saw of one API.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ApiStats {
    /// `service:Operation`.
    pub api: String,
    /// Request attempts sent (retries included).
    pub requests: u64,
    /// Attempts AWS answered with a throttling error.
    pub throttled: u64,
    /// The current rate limit in requests per second, if the API has one.
    pub rate: Option<f64>,
}

/// Multiplicative decrease on throttling, from the rate AWS actually served.
const BETA: f64 = 0.85;
/// Time to climb back to the rate AWS served, after a decrease; also the shortest time between
/// two decreases (the attempts throttled together were sent at the same rate).
const RECOVERY: Duration = Duration::from_secs(1);
/// Growth per second beyond the rate AWS served, while nothing is throttled.
const PROBE: f64 = 0.05;
/// The lowest rate a throttled API is lowered to, in requests per second.
const MIN_RATE: f64 = 0.5;
/// The rate never falls below this share of the rate AWS served when it first throttled:
/// throttling that does not follow the rate (a shared quota's other users) slows the scan
/// down, but cannot starve it.
const FLOOR: f64 = 0.2;
/// The window over which the served rate is measured.
const WINDOW: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Limiter {
    /// The published or configured rate; never exceeded.
    ceiling: Option<f64>,
    burst: f64,
    /// The rate AWS served when it last throttled, and when: the rate climbs back to it, then
    /// probes beyond.
    throttled_at: Option<(f64, Instant)>,
    /// The lowest rate adaptation may set ([`FLOOR`] of the first served rate).
    floor: f64,
    /// Theoretical arrival time of the next request (GCRA).
    tat: Option<Instant>,
    /// When the first request went, and when the answers of the last [`WINDOW`] succeeded.
    first: Option<Instant>,
    ok: VecDeque<Instant>,
    requests: u64,
    throttled: u64,
}

impl Limiter {
    fn new(ceiling: Option<(f64, f64)>) -> Self {
        Limiter {
            ceiling: ceiling.map(|c| c.0),
            burst: ceiling.map_or(1.0, |c| c.1),
            throttled_at: None,
            floor: MIN_RATE,
            tat: None,
            first: None,
            ok: VecDeque::new(),
            requests: 0,
            throttled: 0,
        }
    }

    /// The rate now: the ceiling, or (after throttling) a rate climbing back from the decrease.
    fn rate(&self, now: Instant) -> Option<f64> {
        let adaptive = self.throttled_at.map(|(w, at)| {
            let dt = now.saturating_duration_since(at).as_secs_f64();
            let r = RECOVERY.as_secs_f64();
            if dt < r {
                w * (BETA + (1.0 - BETA) * dt / r)
            } else {
                w * (1.0 + PROBE * (dt - r))
            }
        });
        match (adaptive, self.ceiling) {
            (Some(a), Some(c)) => Some(a.min(c)),
            (a, c) => a.or(c),
        }
    }

    /// Successful answers per second over the last [`WINDOW`] (or since the first request).
    fn served(&mut self, now: Instant) -> f64 {
        while self
            .ok
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) > WINDOW)
        {
            self.ok.pop_front();
        }
        let span = self
            .first
            .map_or(WINDOW, |f| now.saturating_duration_since(f))
            .clamp(Duration::from_millis(50), WINDOW);
        self.ok.len() as f64 / span.as_secs_f64()
    }

    /// Reserves the next slot; how long to wait for it.
    fn reserve(&mut self, now: Instant) -> Duration {
        self.requests += 1;
        self.first.get_or_insert(now);
        let Some(rate) = self.rate(now) else {
            return Duration::ZERO;
        };
        let interval = Duration::from_secs_f64(1.0 / rate.max(MIN_RATE));
        let tolerance = interval.mul_f64((self.burst - 1.0).max(0.0));
        let tat = self.tat.map_or(now, |t| t.max(now));
        let wait = tat.saturating_duration_since(now).saturating_sub(tolerance);
        self.tat = Some(tat + interval);
        wait
    }

    fn on_success(&mut self, now: Instant) {
        self.ok.push_back(now);
        self.served(now);
    }

    fn on_throttle(&mut self, now: Instant, adaptive: bool) {
        self.throttled += 1;
        if !adaptive {
            return;
        }
        if let Some((_, at)) = self.throttled_at {
            if now.saturating_duration_since(at) < RECOVERY {
                return;
            }
        }
        // What AWS served is what it will serve: start below it, climb back, then probe.
        let served = self.served(now).max(MIN_RATE);
        if self.throttled_at.is_none() {
            self.floor = (served * FLOOR).max(MIN_RATE);
        }
        let current = self.rate(now).map_or(served, |r| r.min(served));
        self.throttled_at = Some((current.max(self.floor), now));
        // Later requests start from the new rate, not from the old schedule.
        self.tat = Some(now);
    }
}

/// The shared state of a connection's budget.
pub(crate) struct Budget {
    settings: BudgetSettings,
    in_flight: Arc<Semaphore>,
    limiters: Mutex<HashMap<String, Limiter>>,
}

impl fmt::Debug for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Budget")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Budget {
    pub(crate) fn new(settings: BudgetSettings) -> Arc<Self> {
        Arc::new(Budget {
            in_flight: Arc::new(Semaphore::new(settings.max_in_flight)),
            settings,
            limiters: Mutex::new(HashMap::new()),
        })
    }

    fn with_limiter<T>(&self, api: &str, f: impl FnOnce(&mut Limiter, Instant) -> T) -> T {
        let now = Instant::now();
        let mut map = self.limiters.lock().expect("budget lock is never poisoned");
        if !map.contains_key(api) {
            let ceiling = self
                .settings
                .rates
                .iter()
                .find(|(k, _, _)| k.eq_ignore_ascii_case(api))
                .map(|(_, r, b)| (*r, *b));
            map.insert(api.to_owned(), Limiter::new(ceiling));
        }
        f(map.get_mut(api).expect("inserted above"), now)
    }

    fn on_throttle(&self, api: &str) {
        let adaptive = self.settings.adaptive;
        self.with_limiter(api, |l, now| l.on_throttle(now, adaptive));
    }

    fn on_success(&self, api: &str) {
        self.with_limiter(api, |l, now| l.on_success(now));
    }

    pub(crate) fn stats(&self) -> Vec<ApiStats> {
        let now = Instant::now();
        let map = self.limiters.lock().expect("budget lock is never poisoned");
        let mut out: Vec<ApiStats> = map
            .iter()
            .map(|(api, l)| ApiStats {
                api: api.clone(),
                requests: l.requests,
                throttled: l.throttled,
                rate: l.rate(now),
            })
            .collect();
        out.sort_by(|a, b| a.api.cmp(&b.api));
        out
    }

    /// The HTTP client admitting every request attempt of `inner` through this budget; with
    /// `read_only`, it also refuses every request that would write (see [`crate::guard`]).
    pub(crate) fn http_client(
        self: &Arc<Self>,
        inner: SharedHttpClient,
        read_only: bool,
    ) -> SharedHttpClient {
        SharedHttpClient::new(BudgetedClient {
            inner,
            budget: self.clone(),
            read_only,
        })
    }
}

/// The API of a request, put on it by [`BudgetInterceptor`].
#[derive(Debug, Clone)]
struct ApiName(Arc<str>);

#[derive(Debug)]
struct BudgetedClient {
    inner: SharedHttpClient,
    budget: Arc<Budget>,
    read_only: bool,
}

impl HttpClient for BudgetedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(BudgetedConnector {
            inner: self.inner.http_connector(settings, components),
            budget: self.budget.clone(),
            read_only: self.read_only,
        })
    }
}

#[derive(Debug)]
struct BudgetedConnector {
    inner: SharedHttpConnector,
    budget: Arc<Budget>,
    read_only: bool,
}

impl HttpConnector for BudgetedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        if self.read_only {
            if let Some(refused) = crate::guard::refusal(&request) {
                return HttpConnectorFuture::ready(Err(ConnectorError::user(Box::new(refused))));
            }
        }
        let (inner, budget) = (self.inner.clone(), self.budget.clone());
        HttpConnectorFuture::new(async move {
            // A request the interceptor did not name (a client built without it) is bounded
            // in flight only.
            if let Some(ApiName(api)) = request.extension::<ApiName>().cloned() {
                let wait = budget.with_limiter(&api, |l, now| l.reserve(now));
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
            }
            let _permit = budget.in_flight.clone().acquire_owned().await;
            inner.call(request).await
        })
    }
}

/// Names each request's API for the budget and reports throttled attempts to it.
#[derive(Debug, Clone)]
pub struct BudgetInterceptor {
    budget: Arc<Budget>,
}

impl BudgetInterceptor {
    pub(crate) fn new(budget: Arc<Budget>) -> Self {
        BudgetInterceptor { budget }
    }
}

fn api_key(cfg: &ConfigBag) -> Option<String> {
    cfg.load::<Metadata>()
        .map(|m| format!("{}:{}", m.service().to_ascii_lowercase(), m.name()))
}

impl Intercept for BudgetInterceptor {
    fn name(&self) -> &'static str {
        "chicory-request-budget"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> std::result::Result<(), BoxError> {
        if let Some(api) = api_key(cfg) {
            context.request_mut().add_extension(ApiName(Arc::from(api)));
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> std::result::Result<(), BoxError> {
        let ctx = context.inner();
        if !ctx.is_failed() {
            if let Some(api) = api_key(cfg) {
                self.budget.on_success(&api);
            }
            return Ok(());
        }
        let throttled = rc.retry_classifiers().any(|c| {
            matches!(
                c.classify_retry(ctx),
                RetryAction::RetryIndicated(RetryReason::RetryableError {
                    kind: RetryErrorKind::ThrottlingError,
                    ..
                })
            )
        });
        if throttled {
            if let Some(api) = api_key(cfg) {
                tracing::debug!(api, "throttled; lowering its rate");
                self.budget.on_throttle(&api);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_quota_spaces_requests_after_the_burst() {
        let now = Instant::now();
        let mut l = Limiter::new(Some((5.0, 2.0)));
        assert_eq!(l.reserve(now), Duration::ZERO);
        assert_eq!(l.reserve(now), Duration::ZERO);
        let w = l.reserve(now);
        assert!(
            w > Duration::from_millis(150) && w <= Duration::from_millis(200),
            "{w:?}"
        );
    }

    #[test]
    fn throttling_lowers_the_rate_below_what_was_served_then_it_recovers_and_probes_beyond() {
        let t0 = Instant::now();
        let mut l = Limiter::new(None);
        assert_eq!(l.rate(t0), None, "no quota: unlimited until throttled");
        // 100 answers in the first second.
        for i in 0..100 {
            let t = t0 + Duration::from_millis(i * 10);
            l.reserve(t);
            l.on_success(t);
        }
        let t1 = t0 + Duration::from_secs(1);
        l.on_throttle(t1, true);
        let r = l.rate(t1).unwrap();
        assert!(r < 100.0 && r > 80.0, "decreased to {r}");
        // A second throttle right after does not decrease again.
        l.on_throttle(t1 + Duration::from_millis(10), true);
        assert_eq!(l.throttled_at.unwrap().1, t1);
        // Throttling that goes on, whatever the rate, cannot take it below a fifth of what was
        // first served.
        for s in 2..60 {
            l.on_throttle(t0 + Duration::from_secs(s), true);
        }
        let floor = l.rate(t0 + Duration::from_secs(59)).unwrap();
        assert!(floor >= 100.0 * FLOOR * BETA - 1e-9, "{floor}");
        l.throttled_at = Some((r / BETA, t1));
        let back = l.rate(t1 + RECOVERY).unwrap();
        assert!(back > r, "recovers: {back} > {r}");
        let later = l.rate(t1 + RECOVERY + Duration::from_secs(4)).unwrap();
        assert!(later > back, "probes beyond: {later} > {back}");
    }

    #[test]
    fn without_adaptation_a_throttle_is_only_counted() {
        let t0 = Instant::now();
        let mut l = Limiter::new(Some((10.0, 10.0)));
        l.on_throttle(t0, false);
        assert_eq!(l.rate(t0), Some(10.0));
        assert_eq!(l.throttled, 1);
    }
}
