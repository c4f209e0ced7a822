//! The S3 record decoders fed damaged answers (issue 11, item 8), a `proptest` property: a fake
//! answers ListObjectsV2 with valid XML whose element texts are replaced by hostile text
//! (escaped or raw markup, numbers out of range, control characters, huge strings), with
//! elements dropped, or cut short. The scan never panics and always ends; a failure is a typed
//! error; the undamaged answer gives every object and no error. Prints the cases it ran
//! (`--nocapture`).

use chicory_aws_s3::{ObjectOptions, ObjectScanner};
use chicory_aws_testkit::hostile::{damaged_xml, runner, HostileFake};
use proptest::prelude::*;
use std::cell::Cell;

const CASES: u32 = 384;

const LISTING: &str = r#"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>lake</Name><Prefix></Prefix><KeyCount>3</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>raw/a.csv</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>10</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>raw/b.csv</Key><LastModified>2024-01-02T00:00:00.000Z</LastModified><ETag>&quot;e41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>20</Size><StorageClass>GLACIER</StorageClass><Owner><ID>o</ID></Owner></Contents><Contents><Key>c.json</Key><LastModified>2024-01-03T00:00:00.000Z</LastModified><ETag>&quot;f41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>30</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>"#;

#[test]
fn object_listings_of_damaged_answers_never_panic_and_fail_typed() {
    let fake = HostileFake::start("application/xml");
    let (cases, failed_typed, records) = (Cell::new(0u32), Cell::new(0u32), Cell::new(0u64));
    runner(CASES)
        .run(&damaged_xml(LISTING, 4), |body| {
            cases.set(cases.get() + 1);
            fake.answers.set("ListObjectsV2", body.clone());
            let scanner = ObjectScanner::new(
                &fake.conn,
                "lake",
                ObjectOptions::default().plain().region("us-east-1"),
            )
            .unwrap();
            let (n, errors) = fake.scan(&scanner)?;
            records.set(records.get() + n as u64);
            failed_typed.set(failed_typed.get() + u32::from(errors > 0));
            if body == LISTING {
                prop_assert_eq!((n, errors), (3, 0), "the undamaged answer");
            }
            Ok(())
        })
        .unwrap();
    eprintln!(
        "s3 decoders: {} cases ({} with a typed failure, {} records in all)",
        cases.get(),
        failed_typed.get(),
        records.get()
    );
    assert_eq!(cases.get(), CASES);
}
