//! The cost of the ReadOnly guard (every request of a ReadOnly connection is classified before
//! it is sent): the same `GetDatabases` requests, from a raw Glue client, through a ReadOnly
//! connection (guarded) and a ReadWrite one (not), against the same in-process fake, in the
//! same run. The ratio of the two is the guard's share of a request's cost; printed before
//! criterion's timings.
//!
//! Run: `cargo bench -p chicory-aws-benches --bench read_only_guard`

use chicory_aws_core::{AccessLevel, Connection};
use chicory_aws_testkit::{FakeSts, TestClock};
use criterion::{criterion_group, criterion_main, Criterion};
use std::time::{Duration, Instant};
use wiremock::matchers::header;
use wiremock::{Mock, ResponseTemplate};

const REQUESTS: usize = 200;

async fn requests(glue: &aws_sdk_glue::Client) {
    for _ in 0..REQUESTS {
        glue.get_databases().send().await.unwrap();
    }
}

fn bench(c: &mut Criterion) {
    let rt = chicory_aws_testkit::runtime();
    let (_sts, guarded, open) = rt.block_on(async {
        let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
        Mock::given(header("x-amz-target", "AWSGlue.GetDatabases"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-type", "application/x-amz-json-1.1")
                    .set_body_string(r#"{"DatabaseList":[{"Name":"db"}]}"#),
            )
            .mount(sts.server())
            .await;
        let client = |conn: Connection| aws_sdk_glue::Client::new(conn.unchecked_sdk_config());
        let ro = sts
            .connection(AccessLevel::ReadOnly)
            .connect()
            .await
            .unwrap();
        let rw = sts
            .connection(AccessLevel::ReadWrite)
            .connect()
            .await
            .unwrap();
        (sts, client(ro), client(rw))
    });
    // A plain measurement first, interleaved, for the ratio.
    let (mut t_guarded, mut t_open) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..5 {
        let t = Instant::now();
        rt.block_on(requests(&guarded));
        t_guarded += t.elapsed();
        let t = Instant::now();
        rt.block_on(requests(&open));
        t_open += t.elapsed();
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / (5 * REQUESTS) as f64;
    println!(
        "GetDatabases: ReadOnly (guarded) {:.1} us/request, ReadWrite {:.1} us/request, ratio {:.3}",
        per(t_guarded),
        per(t_open),
        t_guarded.as_secs_f64() / t_open.as_secs_f64()
    );
    let mut g = c.benchmark_group("read_only_guard");
    g.sample_size(20);
    g.bench_function("read_only_guarded", |b| {
        b.iter(|| rt.block_on(requests(&guarded)))
    });
    g.bench_function("read_write_unguarded", |b| {
        b.iter(|| rt.block_on(requests(&open)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
