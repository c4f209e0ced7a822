//! Credential cache benchmarks: chicory-aws's connection beside aws-config's
//! `AssumeRoleProvider` behind the SDK's lazy identity cache, in the same run, against the same
//! STS fake on loopback. Both sides go the way an SDK client goes: the identity cache and
//! credentials provider of the `SdkConfig` the client is built from (for chicory-aws, the
//! connection's `unchecked_sdk_config()`: no SDK cache in front of its own), resolved with
//! `resolve_cached_identity`, runtime components and a config bag.
//!
//! - `cached/<impl>/<tasks>`: `tasks` tasks at once, each resolving cached credentials 100
//!   times (throughput in reads/s; time per read = time per iteration / (tasks * 100)).
//! - `request/<impl>/<tasks>`: `tasks` tasks at once, each sending one Glue `GetDatabases`
//!   through an SDK client built from that config to a fake on loopback: the whole request,
//!   signing included. chicory-aws's side also passes the connection's request budget (at most
//!   64 requests in flight by default), as its clients do.
//! - `first_callers/<impl>`: 1,000 concurrent first callers on a fresh provider against an STS
//!   fake that answers after 50 ms.
//!
//! Run: `cargo bench -p chicory-aws-benches --bench credentials`

use aws_config::identity::IdentityCache;
use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_async::time::SystemTimeSource;
use aws_smithy_runtime_api::client::identity::{
    ResolveCachedIdentity, SharedIdentityCache, SharedIdentityResolver,
};
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::config_bag::ConfigBag;
use chicory_aws_testkit::{FakeSts, TestClock};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ROLE: &str = chicory_aws_testkit::FAKE_ROLE;
const EXTERNAL_ID: &str = chicory_aws_testkit::FAKE_EXTERNAL_ID;
/// Reads per task per iteration, so task spawning does not hide the read itself.
const READS_PER_TASK: usize = 100;

async fn connection(sts: &FakeSts) -> chicory_aws_core::Connection {
    sts.connection(chicory_aws_core::AccessLevel::ReadOnly)
        .build()
        .await
        .unwrap()
}

/// The identity path of an SDK client built from `config`: its identity cache in front of its
/// credentials provider, with runtime components and a config bag.
struct IdentityPath {
    cache: SharedIdentityCache,
    resolver: SharedIdentityResolver,
    components: RuntimeComponents,
    bag: ConfigBag,
}

impl IdentityPath {
    fn of(config: &aws_config::SdkConfig) -> Arc<IdentityPath> {
        let components = RuntimeComponentsBuilder::for_tests()
            .with_time_source(Some(SystemTimeSource::new()))
            .with_sleep_impl(Some(TokioSleep::new()))
            .build()
            .unwrap();
        Arc::new(IdentityPath {
            cache: config.identity_cache().expect("an identity cache"),
            resolver: SharedIdentityResolver::new(
                config
                    .credentials_provider()
                    .expect("a credentials provider"),
            ),
            components,
            bag: ConfigBag::base(),
        })
    }

    async fn get(&self) {
        self.cache
            .resolve_cached_identity(self.resolver.clone(), &self.components, &self.bag)
            .await
            .unwrap();
    }
}

/// aws-config's AssumeRoleProvider behind the SDK's default lazy identity cache, as an SDK
/// config a client is built from.
async fn sdk_config(sts: &FakeSts) -> aws_config::SdkConfig {
    let base = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(sts.uri())
        .credentials_provider(aws_credential_types::Credentials::new(
            "AKIAVENDOR0000000000",
            "vendor-secret",
            None,
            None,
            "bench",
        ))
        .load()
        .await;
    let provider = AssumeRoleProvider::builder(ROLE)
        .external_id(EXTERNAL_ID)
        .session_name("chicory-integration-session")
        .configure(&base)
        .build()
        .await;
    base.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .identity_cache(IdentityCache::lazy().build())
        .build()
}

async fn spread<F, Fut>(tasks: usize, f: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks).map(|_| tokio::spawn(f())).collect();
    for h in handles {
        h.await.unwrap();
    }
    start.elapsed()
}

/// Runs `tasks` tasks of `per_task` calls of `f`, `iters` times; the total time.
async fn run<F, Fut>(iters: u64, tasks: usize, per_task: usize, f: F) -> Duration
where
    F: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let f = f.clone();
        total += spread(tasks, move || {
            let f = f.clone();
            async move {
                for _ in 0..per_task {
                    f().await;
                }
            }
        })
        .await;
    }
    total
}

fn cached(c: &mut Criterion) {
    let rt = chicory_aws_testkit::runtime();
    let (sts, our, sdk) = rt.block_on(async {
        let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
        let our = IdentityPath::of(connection(&sts).await.unchecked_sdk_config());
        our.get().await;
        let sdk = IdentityPath::of(&sdk_config(&sts).await);
        sdk.get().await;
        (sts, our, sdk)
    });
    let mut g = c.benchmark_group("cached");
    for tasks in [1usize, 8, 1000] {
        g.throughput(Throughput::Elements((tasks * READS_PER_TASK) as u64));
        for (name, path) in [("chicory", &our), ("sdk_lazy_cache", &sdk)] {
            g.bench_with_input(BenchmarkId::new(name, tasks), &tasks, |b, &tasks| {
                b.to_async(&rt).iter_custom(|iters| {
                    let path = path.clone();
                    run(iters, tasks, READS_PER_TASK, move || {
                        let path = path.clone();
                        async move { path.get().await }
                    })
                })
            });
        }
    }
    g.finish();
    let calls = rt.block_on(sts.assume_role_calls());
    assert_eq!(
        calls, 2,
        "one AssumeRole per implementation for the whole cached bench"
    );
}

fn request(c: &mut Criterion) {
    let rt = chicory_aws_testkit::runtime();
    let (sts, our, sdk) = rt.block_on(async {
        let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
        wiremock::Mock::given(wiremock::matchers::header(
            "x-amz-target",
            "AWSGlue.GetDatabases",
        ))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .insert_header("content-type", "application/x-amz-json-1.1")
                .set_body_string(r#"{"DatabaseList":[{"Name":"db"}]}"#),
        )
        .mount(sts.server())
        .await;
        let our = aws_sdk_glue::Client::new(connection(&sts).await.unchecked_sdk_config());
        let sdk = aws_sdk_glue::Client::new(&sdk_config(&sts).await);
        for client in [&our, &sdk] {
            client.get_databases().send().await.unwrap();
        }
        (sts, our, sdk)
    });
    let mut g = c.benchmark_group("request");
    g.sample_size(10);
    for tasks in [1usize, 8, 1000] {
        g.throughput(Throughput::Elements(tasks as u64));
        for (name, client) in [("chicory", &our), ("sdk_lazy_cache", &sdk)] {
            g.bench_with_input(BenchmarkId::new(name, tasks), &tasks, |b, &tasks| {
                b.to_async(&rt).iter_custom(|iters| {
                    let client = client.clone();
                    run(iters, tasks, 1, move || {
                        let client = client.clone();
                        async move {
                            client.get_databases().send().await.unwrap();
                        }
                    })
                })
            });
        }
    }
    g.finish();
    let calls = rt.block_on(sts.assume_role_calls());
    assert_eq!(
        calls, 2,
        "one AssumeRole per implementation for the whole bench"
    );
}

fn first_callers(c: &mut Criterion) {
    let rt = chicory_aws_testkit::runtime();
    let sts = rt.block_on(FakeSts::start(TestClock::new(), Duration::from_secs(900)));
    sts.set_delay(Duration::from_millis(50));
    let mut g = c.benchmark_group("first_callers");
    g.sample_size(10);
    g.bench_function("chicory/1000", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let sts = &sts;
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let our = IdentityPath::of(connection(sts).await.unchecked_sdk_config());
                    total += spread(1000, move || {
                        let our = our.clone();
                        async move { our.get().await }
                    })
                    .await;
                }
                total
            }
        })
    });
    let after_ours = rt.block_on(sts.assume_role_calls());
    g.bench_function("sdk_lazy_cache/1000", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let sts = &sts;
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let sdk = IdentityPath::of(&sdk_config(sts).await);
                    total += spread(1000, move || {
                        let sdk = sdk.clone();
                        async move { sdk.get().await }
                    })
                    .await;
                }
                total
            }
        })
    });
    g.finish();
    let after_sdk = rt.block_on(sts.assume_role_calls());
    eprintln!(
        "first_callers: STS calls chicory={after_ours} sdk={} (one per fresh provider expected)",
        after_sdk - after_ours
    );
}

criterion_group!(benches, cached, request, first_callers);
criterion_main!(benches);
