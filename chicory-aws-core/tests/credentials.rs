//! The AssumeRole fetcher behind the credential cache, against an STS fake on loopback whose
//! sessions follow a hand-moved clock: one STS call for many callers, errors with their kind,
//! the mandatory window through real HTTP. The cache's windows, backoff and wedge-proofing are
//! tested on their own in tests/cache.rs (no HTTP, no real sleeping).

use aws_config::retry::RetryConfig;
use chicory_aws_core::{Connection, CrossAccountCredentials, ErrorKind, RefreshSettings};
use chicory_aws_testkit::{FakeSts, StsBehaviour, TestClock};
use std::time::Duration;

const ROLE: &str = chicory_aws_testkit::FAKE_ROLE;
const SESSION: Duration = Duration::from_secs(900);

struct Setup {
    clock: TestClock,
    sts: FakeSts,
    conn: Connection,
}

impl Setup {
    async fn new() -> Self {
        Self::with(RefreshSettings::default(), RetryConfig::standard()).await
    }

    async fn with(settings: RefreshSettings, retry: RetryConfig) -> Self {
        let clock = TestClock::new();
        let sts = FakeSts::start(clock.clone(), SESSION).await;
        let conn = connection(&clock, &sts, settings, retry).await;
        Setup { clock, sts, conn }
    }

    fn creds(&self) -> CrossAccountCredentials {
        self.conn.cross_account_credentials().unwrap().clone()
    }
}

async fn connection(
    clock: &TestClock,
    sts: &FakeSts,
    settings: RefreshSettings,
    retry: RetryConfig,
) -> Connection {
    sts.connection(chicory_aws_core::AccessLevel::ReadOnly)
        .time_source(clock.clone())
        .refresh(settings)
        .retry_config(retry)
        .build()
        .await
        .unwrap()
}

/// Drops the fakes with a fresh cooperative budget. wiremock's `MockServer` drop waits on a
/// tokio lock through `futures::executor::block_on`, which spins for ever when the task has
/// used up its tokio budget (joining 1,000 tasks does): seen once, a test at 100% CPU for 12
/// minutes in `MockServer::drop`. A yield gives the task a fresh budget first.
async fn finish(s: Setup) {
    tokio::task::yield_now().await;
    drop(s);
}

async fn many_callers(
    creds: &CrossAccountCredentials,
    n: usize,
) -> Vec<chicory_aws_core::Result<aws_credential_types::Credentials>> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let c = creds.clone();
            tokio::spawn(async move { c.credentials().await })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_sts_call_for_1000_concurrent_first_callers() {
    let s = Setup::new().await;
    s.sts.set_delay(Duration::from_millis(200));
    let results = many_callers(&s.creds(), 1000).await;
    let keys: std::collections::HashSet<_> = results
        .into_iter()
        .map(|r| r.unwrap().access_key_id().to_owned())
        .collect();
    assert_eq!(keys.len(), 1, "every caller got the one session");
    assert_eq!(s.sts.assume_role_calls().await, 1);
    finish(s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_sts_call_when_the_refresh_fails_and_every_waiter_gets_its_error() {
    let s = Setup::new().await;
    s.sts.set_behaviour(StsBehaviour::Fail {
        status: 403,
        code: "AccessDenied",
    });
    s.sts.set_delay(Duration::from_millis(200));
    let results = many_callers(&s.creds(), 1000).await;
    for r in &results {
        let e = r.as_ref().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::AccessDenied);
        assert!(
            e.to_string().contains("External ID"),
            "hint from the guide: {e}"
        );
    }
    assert_eq!(s.sts.assume_role_calls().await, 1);
    // Within the backoff, callers get the same answer without another STS call.
    assert_eq!(
        s.creds().credentials().await.unwrap_err().kind(),
        ErrorKind::AccessDenied
    );
    assert_eq!(s.sts.assume_role_calls().await, 1);
    finish(s).await;
}

#[tokio::test]
async fn mandatory_window_makes_callers_wait_for_fresh_credentials() {
    let s = Setup::new().await;
    let creds = s.creds();
    let first = creds.credentials().await.unwrap();
    let expiry = creds.expiry().unwrap();
    s.clock
        .advance(expiry.duration_since(s.clock.now()).unwrap() - Duration::from_secs(30));
    let second = creds.credentials().await.unwrap();
    assert_ne!(
        second.access_key_id(),
        first.access_key_id(),
        "waited for the refresh"
    );
    assert!(second.expiry().unwrap() > s.clock.now() + Duration::from_secs(800));
    assert_eq!(s.sts.assume_role_calls().await, 2);
}

#[tokio::test]
async fn configuration_errors_fail_fast_with_a_clear_kind() {
    for code in [
        "MalformedPolicyDocument",
        "RegionDisabledException",
        "PackedPolicyTooLarge",
    ] {
        // Standard retry (3 attempts) is on: these errors must not be retried.
        let s = Setup::new().await;
        s.sts
            .set_behaviour(StsBehaviour::Fail { status: 400, code });
        let e = s.conn.verify().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{code}: {e}");
        assert_eq!(e.code(), Some(code));
        assert_eq!(e.operation(), Some("sts:AssumeRole"));
        assert_eq!(e.resource(), Some(ROLE));
        assert_eq!(s.sts.assume_role_calls().await, 1, "{code} was not retried");
    }
}

#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let s = Setup::new().await;
    let c = s.creds().credentials().await.unwrap();
    let shown = format!("{:?} {:?} {:?}", s.conn, s.creds(), c);
    assert!(!shown.contains("fake-secret"), "{shown}");
    assert!(!shown.contains("fake-token"), "{shown}");
    assert!(!shown.contains("vendor-secret"), "{shown}");
}
