//! Credential cache benchmarks: chicory-aws's `CrossAccountCredentials` beside aws-config's
//! `AssumeRoleProvider` behind the SDK's lazy identity cache, in the same run, against the same
//! STS fake on loopback.
//!
//! - `cached/<impl>/<tasks>`: `tasks` tasks at once, each reading cached credentials 100
//!   times (throughput in reads/s; time per read = time per iteration / (tasks * 100)).
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
use chicory_aws_core::CrossAccountCredentials;
use chicory_aws_testkit::{FakeSts, TestClock};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ROLE: &str = chicory_aws_testkit::FAKE_ROLE;
const EXTERNAL_ID: &str = chicory_aws_testkit::FAKE_EXTERNAL_ID;
/// Reads per task per iteration, so task spawning does not hide the read itself.
const READS_PER_TASK: usize = 100;

async fn ours(sts: &FakeSts) -> CrossAccountCredentials {
    let conn = sts
        .connection(chicory_aws_core::AccessLevel::ReadOnly)
        .build()
        .await
        .unwrap();
    conn.cross_account_credentials().unwrap().clone()
}

/// aws-config's AssumeRoleProvider behind the SDK's default lazy identity cache, called the
/// way an SDK client calls it.
struct Sdk {
    cache: SharedIdentityCache,
    resolver: SharedIdentityResolver,
    components: RuntimeComponents,
    bag: ConfigBag,
}

impl Sdk {
    async fn new(sts: &FakeSts) -> Arc<Sdk> {
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
        let components = RuntimeComponentsBuilder::for_tests()
            .with_time_source(Some(SystemTimeSource::new()))
            .with_sleep_impl(Some(TokioSleep::new()))
            .build()
            .unwrap();
        Arc::new(Sdk {
            cache: IdentityCache::lazy().build(),
            resolver: SharedIdentityResolver::new(SharedCredentialsProvider::new(provider)),
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

fn cached(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (sts, our, sdk) = rt.block_on(async {
        let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
        let our = ours(&sts).await;
        our.credentials().await.unwrap();
        let sdk = Sdk::new(&sts).await;
        sdk.get().await;
        (sts, our, sdk)
    });
    let mut g = c.benchmark_group("cached");
    for tasks in [1usize, 8, 1000] {
        g.throughput(Throughput::Elements((tasks * READS_PER_TASK) as u64));
        g.bench_with_input(BenchmarkId::new("chicory", tasks), &tasks, |b, &tasks| {
            b.to_async(&rt).iter_custom(|iters| {
                let our = our.clone();
                async move {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let our = our.clone();
                        total += spread(tasks, move || {
                            let our = our.clone();
                            async move {
                                for _ in 0..READS_PER_TASK {
                                    our.credentials().await.unwrap();
                                }
                            }
                        })
                        .await;
                    }
                    total
                }
            })
        });
        g.bench_with_input(
            BenchmarkId::new("sdk_lazy_cache", tasks),
            &tasks,
            |b, &tasks| {
                b.to_async(&rt).iter_custom(|iters| {
                    let sdk = sdk.clone();
                    async move {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            let sdk = sdk.clone();
                            total += spread(tasks, move || {
                                let sdk = sdk.clone();
                                async move {
                                    for _ in 0..READS_PER_TASK {
                                        sdk.get().await;
                                    }
                                }
                            })
                            .await;
                        }
                        total
                    }
                })
            },
        );
    }
    g.finish();
    let calls = rt.block_on(sts.assume_role_calls());
    assert_eq!(
        calls, 2,
        "one AssumeRole per implementation for the whole cached bench"
    );
}

fn first_callers(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
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
                    let our = ours(sts).await;
                    total += spread(1000, move || {
                        let our = our.clone();
                        async move {
                            our.credentials().await.unwrap();
                        }
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
                    let sdk = Sdk::new(sts).await;
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

criterion_group!(benches, cached, first_callers);
criterion_main!(benches);
