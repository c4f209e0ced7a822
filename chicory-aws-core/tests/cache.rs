//! The refreshing cache alone: a counting fetch closure, a hand-moved clock, tokio's paused
//! time for timeouts; no HTTP and no real sleeping. Every refresh window, single flight,
//! keep-valid-on-failure, backoff, and the ways a refresh could wedge the cache: a fetch that
//! panics, one that never answers, a runtime dropped mid-refresh.

use aws_smithy_async::time::SharedTimeSource;
use chicory_aws_core::cache::{Jitter, RefreshSettings, RefreshingCache};
use chicory_aws_core::{Error, ErrorKind};
use chicory_aws_testkit::TestClock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

const LIFETIME: Duration = Duration::from_secs(900);

/// What the next fetch does.
#[derive(Clone, Copy, Debug)]
enum Next {
    Issue,
    Fail(ErrorKind),
    Panic,
    Hang,
}

/// A fetch that counts its calls and issues value `n` for call `n`, valid for `LIFETIME`.
#[derive(Clone)]
struct Fetcher {
    clock: TestClock,
    calls: Arc<AtomicUsize>,
    next: Arc<Mutex<Next>>,
    /// A fetch waits for this before answering, if set.
    gate: Arc<tokio::sync::Notify>,
    gated: Arc<Mutex<bool>>,
}

impl Fetcher {
    fn new(clock: &TestClock) -> Self {
        Fetcher {
            clock: clock.clone(),
            calls: Arc::default(),
            next: Arc::new(Mutex::new(Next::Issue)),
            gate: Arc::default(),
            gated: Arc::default(),
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn set(&self, next: Next) {
        *self.next.lock().unwrap() = next;
    }

    fn cache(&self, settings: RefreshSettings, jitter: f64) -> RefreshingCache<usize> {
        let f = self.clone();
        let jitter: Jitter = Arc::new(move || jitter);
        RefreshingCache::new(
            move || {
                let f = f.clone();
                async move {
                    let n = f.calls.fetch_add(1, Ordering::SeqCst) + 1;
                    let next = *f.next.lock().unwrap();
                    let gated = *f.gated.lock().unwrap();
                    if gated {
                        f.gate.notified().await;
                    }
                    match next {
                        Next::Issue => Ok((n, f.clock.now() + LIFETIME)),
                        Next::Fail(kind) => Err(Error::new(kind, format!("fetch {n} failed"))),
                        Next::Panic => panic!("fetch {n} panics"),
                        Next::Hang => futures::future::pending().await,
                    }
                }
            },
            SharedTimeSource::new(self.clock.clone()),
            settings,
            jitter,
        )
        .unwrap()
    }
}

/// Lets every spawned task run until it waits (the runtime is current-thread, so nothing runs
/// between these yields but the spawned tasks).
async fn settle() {
    for _ in 0..100 {
        tokio::task::yield_now().await;
    }
}

fn until(clock: &TestClock, t: SystemTime) -> Duration {
    t.duration_since(clock.now()).unwrap()
}

#[tokio::test]
async fn one_fetch_for_1000_concurrent_first_callers_and_all_get_it() {
    let clock = TestClock::new();
    let f = Fetcher::new(&clock);
    *f.gated.lock().unwrap() = true;
    let cache = f.cache(RefreshSettings::default(), 0.0);
    let callers: Vec<_> = (0..1000)
        .map(|_| {
            let c = cache.clone();
            tokio::spawn(async move { c.get().await })
        })
        .collect();
    settle().await;
    assert_eq!(f.calls(), 1);
    f.gate.notify_one();
    for c in callers {
        assert_eq!(c.await.unwrap().unwrap(), 1);
    }
    assert_eq!(f.calls(), 1);
}

#[tokio::test]
async fn one_fetch_when_it_fails_every_waiter_gets_the_error_and_the_backoff_holds() {
    let clock = TestClock::new();
    let f = Fetcher::new(&clock);
    f.set(Next::Fail(ErrorKind::AccessDenied));
    let cache = f.cache(RefreshSettings::default(), 0.0);
    let results = futures::future::join_all((0..100).map(|_| cache.get())).await;
    for r in results {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::AccessDenied);
    }
    assert_eq!(f.calls(), 1);
    // Not temporary: the longest backoff (30 s) before the next fetch.
    clock.advance(Duration::from_secs(29));
    assert_eq!(
        cache.get().await.unwrap_err().kind(),
        ErrorKind::AccessDenied
    );
    assert_eq!(f.calls(), 1);
    f.set(Next::Issue);
    clock.advance(Duration::from_secs(2));
    assert_eq!(cache.get().await.unwrap(), 2);
}

#[tokio::test]
async fn the_advisory_window_refreshes_once_in_the_background_while_reads_go_on() {
    let clock = TestClock::new();
    let f = Fetcher::new(&clock);
    let cache = f.cache(RefreshSettings::default(), 0.0);
    assert_eq!(cache.get().await.unwrap(), 1);
    let expiry = cache.expiry().unwrap();
    // 0 jitter: the advisory window starts exactly 300 s before expiry.
    assert_eq!(
        until(&clock, cache.refresh_at().unwrap()),
        LIFETIME - Duration::from_secs(300)
    );
    clock.advance(until(&clock, cache.refresh_at().unwrap()) + Duration::from_secs(1));
    *f.gated.lock().unwrap() = true;
    for _ in 0..1000 {
        assert_eq!(cache.get().await.unwrap(), 1, "served from the cache");
    }
    settle().await;
    assert!(cache.is_refreshing());
    assert_eq!(f.calls(), 2, "one background refresh");
    f.gate.notify_one();
    settle().await;
    assert_eq!(cache.get().await.unwrap(), 2);
    assert!(cache.expiry().unwrap() > expiry);
    assert_eq!(f.calls(), 2);
}

#[tokio::test]
async fn the_mandatory_window_makes_callers_wait_for_the_new_value() {
    let clock = TestClock::new();
    let f = Fetcher::new(&clock);
    let cache = f.cache(RefreshSettings::default(), 0.0);
    cache.get().await.unwrap();
    clock.advance(until(&clock, cache.expiry().unwrap()) - Duration::from_secs(30));
    assert_eq!(cache.get().await.unwrap(), 2, "waited for the refresh");
    assert_eq!(f.calls(), 2);
}

#[tokio::test]
async fn the_injected_jitter_places_the_advisory_window() {
    let clock = TestClock::new();
    let f = Fetcher::new(&clock);
    let s = RefreshSettings::default();
    for (fraction, before_expiry) in [(0.0, 300), (0.5, 330), (0.999, 359)] {
        let cache = f.cache(s, fraction);
        cache.get().await.unwrap();
        let d = cache
            .expiry()
            .unwrap()
            .duration_since(cache.refresh_at().unwrap())
            .unwrap();
        assert_eq!(d.as_secs(), before_expiry, "jitter {fraction}");
    }
}

#[tokio::test]
async fn a_failed_refresh_keeps_serving_the_valid_value_and_backs_off_1_2_4_8_8() {
    let clock = TestClock::new();
    let f = Fetcher::new(&clock);
    let settings =
        RefreshSettings::default().with_backoff(Duration::from_secs(1), Duration::from_secs(8));
    let cache = f.cache(settings, 0.0);
    cache.get().await.unwrap();
    let expiry = cache.expiry().unwrap();
    clock.advance(until(&clock, cache.refresh_at().unwrap()) + Duration::from_secs(1));
    f.set(Next::Fail(ErrorKind::Service));
    assert_eq!(cache.get().await.unwrap(), 1);
    settle().await;
    assert_eq!(f.calls(), 2);
    let mut calls = 2;
    for wait in [1u64, 2, 4, 8, 8] {
        clock.advance(Duration::from_secs(wait) - Duration::from_millis(100));
        assert_eq!(cache.get().await.unwrap(), 1);
        settle().await;
        assert_eq!(f.calls(), calls, "too early for the attempt after {wait}s");
        clock.advance(Duration::from_millis(100));
        assert_eq!(cache.get().await.unwrap(), 1, "still valid: served");
        settle().await;
        calls += 1;
        assert_eq!(f.calls(), calls, "the attempt after {wait}s");
    }
    // Past expiry, with the failure going on: the error.
    clock.advance(until(&clock, expiry) + Duration::from_secs(9));
    assert_eq!(cache.get().await.unwrap_err().kind(), ErrorKind::Service);
    f.set(Next::Issue);
    clock.advance(Duration::from_secs(9));
    assert!(cache.get().await.unwrap() > 1);
}

#[tokio::test]
async fn the_refresh_survives_the_cancellation_of_the_caller_that_started_it() {
    let clock = TestClock::new();
    let f = Fetcher::new(&clock);
    *f.gated.lock().unwrap() = true;
    let cache = f.cache(RefreshSettings::default(), 0.0);
    let caller = tokio::spawn({
        let cache = cache.clone();
        async move { cache.get().await }
    });
    settle().await;
    caller.abort();
    assert!(caller.await.unwrap_err().is_cancelled());
    f.gate.notify_one();
    settle().await;
    assert_eq!(cache.get().await.unwrap(), 1, "its result was stored");
    assert_eq!(f.calls(), 1);
}

#[tokio::test]
async fn a_fetch_that_panics_does_not_wedge_the_cache() {
    let clock = TestClock::new();
    let f = Fetcher::new(&clock);
    f.set(Next::Panic);
    let cache = f.cache(RefreshSettings::default(), 0.0);
    let e = cache.get().await.unwrap_err();
    assert!(e.to_string().contains("panicked"), "{e}");
    assert!(!cache.is_refreshing());
    f.set(Next::Issue);
    clock.advance(Duration::from_secs(2)); // past the first backoff (1 s)
    assert_eq!(
        cache.get().await.unwrap(),
        2,
        "the next caller gets a fresh value"
    );
}

#[tokio::test(start_paused = true)]
async fn a_fetch_that_never_answers_times_out_and_the_next_caller_gets_a_fresh_value() {
    let clock = TestClock::new();
    let f = Fetcher::new(&clock);
    f.set(Next::Hang);
    let settings = RefreshSettings::default().with_load_timeout(Duration::from_secs(5));
    let cache = f.cache(settings, 0.0);
    // Paused time: tokio moves its clock to the timeout as soon as everything is idle.
    let e = cache.get().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(!cache.is_refreshing());
    f.set(Next::Issue);
    clock.advance(Duration::from_secs(2));
    assert_eq!(cache.get().await.unwrap(), 2);
}

#[test]
fn a_runtime_dropped_mid_refresh_does_not_wedge_the_cache() {
    let clock = TestClock::new();
    let f = Fetcher::new(&clock);
    f.set(Next::Hang);
    let first = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let cache = first.block_on(async {
        let cache = f.cache(RefreshSettings::default(), 0.0);
        // Starts the refresh on this runtime; the caller gives up, the fetch hangs on.
        let started = tokio::time::timeout(Duration::from_millis(1), cache.get()).await;
        assert!(started.is_err());
        assert!(cache.is_refreshing());
        cache
    });
    drop(first);
    assert!(
        !cache.is_refreshing(),
        "the dropped task settled its refresh"
    );
    f.set(Next::Issue);
    clock.advance(Duration::from_secs(2));
    let second = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    assert_eq!(second.block_on(cache.get()).unwrap(), 2);
    assert_eq!(f.calls(), 2);
}

#[tokio::test]
async fn a_scan_length_workload_never_sees_a_value_near_expiry() {
    let clock = TestClock::new();
    let f = Fetcher::new(&clock);
    let s = RefreshSettings::default();
    let cache = f.cache(s, 0.5);
    // 2 hours in 20-second steps.
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..360 {
        seen.insert(cache.get().await.unwrap());
        settle().await;
        assert!(cache.expiry().unwrap() > clock.now() + s.mandatory_window);
        clock.advance(Duration::from_secs(20));
    }
    // A value is used from its fetch to its advisory window, 900 - 300 - 30 (half the jitter)
    // = 570 s, which the 20 s steps round up to 580 s: fetches at 0, 580, ..., 6,960 s, 13 in
    // the 7,180 s of calls.
    assert_eq!(f.calls(), 13, "refreshed once per session, ahead of expiry");
    assert_eq!(seen.len(), 13);
}
