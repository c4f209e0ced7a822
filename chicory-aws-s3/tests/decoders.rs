//! The S3 record decoders fed damaged answers (issue 11, item 8), a `proptest` property: a fake
//! answers ListObjectsV2 with valid XML whose element texts are replaced by hostile text
//! (escaped or raw markup, numbers out of range, control characters, huge strings), with
//! elements dropped, or cut short. The scan never panics and always ends; a failure is a typed
//! error; the undamaged answer gives every object and no error. Prints the cases it ran
//! (`--nocapture`).

use chicory_aws_core::{AccessLevel, ScanItem, Scanner};
use chicory_aws_s3::{ObjectOptions, ObjectScanner};
use chicory_aws_testkit::conformance::fast_retries;
use chicory_aws_testkit::hostile::{damaged_xml, Answers};
use chicory_aws_testkit::{FakeSts, TestClock};
use futures::StreamExt;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::Cell;
use std::time::Duration;

const CASES: u32 = 384;

const LISTING: &str = r#"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>lake</Name><Prefix></Prefix><KeyCount>3</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>raw/a.csv</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>10</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>raw/b.csv</Key><LastModified>2024-01-02T00:00:00.000Z</LastModified><ETag>&quot;e41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>20</Size><StorageClass>GLACIER</StorageClass><Owner><ID>o</ID></Owner></Contents><Contents><Key>c.json</Key><LastModified>2024-01-03T00:00:00.000Z</LastModified><ETag>&quot;f41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>30</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>"#;

#[test]
fn object_listings_of_damaged_answers_never_panic_and_fail_typed() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (sts, conn, answers) = rt.block_on(async {
        let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
        let answers = Answers::default();
        answers.mount(sts.server(), "application/xml").await;
        let conn = fast_retries(sts.connection(AccessLevel::ReadOnly))
            .build()
            .await
            .unwrap();
        (sts, conn, answers)
    });
    let (cases, failed_typed, records) = (Cell::new(0u32), Cell::new(0u32), Cell::new(0u64));
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&damaged_xml(LISTING, 4), |body| {
            cases.set(cases.get() + 1);
            answers.set("ListObjectsV2", body.clone());
            let scanner = ObjectScanner::new(
                &conn,
                "lake",
                ObjectOptions::default().plain().region("us-east-1"),
            )
            .unwrap();
            let items = rt
                .block_on(async {
                    tokio::time::timeout(
                        Duration::from_secs(20),
                        scanner.scan().collect::<Vec<_>>(),
                    )
                    .await
                })
                .map_err(|_| TestCaseError::fail("the scan did not end"))?;
            let (mut n, mut errors) = (0, 0);
            for item in &items {
                match item {
                    Ok(ScanItem::Record(_)) => n += 1,
                    Ok(ScanItem::Skipped(_)) => {}
                    Err(e) => {
                        errors += 1;
                        prop_assert!(!e.to_string().is_empty());
                        prop_assert!(e.operation().is_some(), "{e}: which request?");
                    }
                }
            }
            records.set(records.get() + n as u64);
            failed_typed.set(failed_typed.get() + u32::from(errors > 0));
            if body == LISTING {
                prop_assert_eq!((n, errors), (3, 0), "the undamaged answer");
            }
            Ok(())
        })
        .unwrap();
    drop(sts);
    eprintln!(
        "s3 decoders: {} cases ({} with a typed failure, {} records in all)",
        cases.get(),
        failed_typed.get(),
        records.get()
    );
    assert_eq!(cases.get(), CASES);
}
