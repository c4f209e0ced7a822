//! The DataZone model fake of `chicory_aws_testkit::datazone`, mounted beside FakeSts, and the
//! connection the tests use with it.

#![allow(dead_code)]

pub use chicory_aws_testkit::datazone::*;

use chicory_aws_core::{AccessLevel, Connection, PageRetry};
use chicory_aws_testkit::{FakeSts, TestClock};
use std::sync::Arc;
use std::time::Duration;
use wiremock::Request;

/// Mounts the DataZone fake on `sts`'s server, for FakeSts sessions (`ASIAFAKE...` keys).
pub async fn mount(sts: &FakeSts) -> Arc<DataZoneFake> {
    chicory_aws_testkit::datazone::mount(sts.server(), "ASIAFAKE").await
}

pub async fn fake_sts() -> FakeSts {
    FakeSts::start(TestClock::new(), Duration::from_secs(900)).await
}

/// A connection through FakeSts to the fake, with `attempts` SDK attempts and one further try
/// of a failed page or read, with millisecond backoffs.
pub async fn connect(sts: &FakeSts, level: AccessLevel, attempts: u32) -> Connection {
    sts.connection(level)
        .retry_config(
            aws_smithy_types::retry::RetryConfig::standard()
                .with_max_attempts(attempts)
                .with_initial_backoff(Duration::from_millis(10)),
        )
        .page_retry(PageRetry::new(
            1,
            Duration::from_millis(5),
            Duration::from_millis(20),
        ))
        .build()
        .await
        .unwrap()
}

/// Requests that reached the DataZone part of the fake.
pub async fn datazone_requests(sts: &FakeSts) -> Vec<Request> {
    sts.server()
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path().starts_with("/v2/"))
        .collect()
}
