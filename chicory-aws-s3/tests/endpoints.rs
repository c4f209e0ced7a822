//! S3 on an endpoint of its own (a VPC endpoint, a fake) with STS on another and no global
//! endpoint: the S3 clients of the connection go there, path-style.

use chicory_aws_core::{AccessLevel, BaseCredentials, Connection, ScanItem, Scanner};
use chicory_aws_s3::{unchecked_s3_client, unchecked_s3_client_in, ObjectOptions, ObjectScanner};
use chicory_aws_testkit::{s3::mount_listing, FakeSts, TestClock};
use futures::StreamExt;
use std::sync::atomic::Ordering;
use std::time::Duration;
use wiremock::MockServer;

#[tokio::test]
async fn a_service_endpoint_for_s3_alone_is_used_path_style() {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
    let s3 = MockServer::start().await;
    let keys = (0..25).map(|i| format!("raw/k{i:02}")).collect();
    let listings = mount_listing(&s3, "vpce-bucket", keys, Duration::ZERO).await;
    let params = chicory_aws_core::ConnectionParams::assume_role(
        chicory_aws_testkit::FAKE_ROLE,
        chicory_aws_testkit::FAKE_EXTERNAL_ID,
    )
    .unwrap()
    .with_access_level(AccessLevel::ReadOnly);
    let conn = Connection::builder(params)
        .base_credentials(BaseCredentials::from_keys(
            "AKIAVENDOR0000000000",
            "vendor-secret",
        ))
        .service_endpoint_url("sts", sts.uri())
        .service_endpoint_url("S3", s3.uri())
        .build()
        .await
        .unwrap();
    assert_eq!(conn.endpoint_url(), None);
    assert_eq!(conn.endpoint_url_for("s3"), Some(s3.uri().as_str()));
    assert_eq!(conn.endpoint_url_for("glue"), None);
    let scanner = ObjectScanner::new(
        &conn,
        "vpce-bucket",
        ObjectOptions::default().region("us-east-1"),
    )
    .unwrap();
    let n = scanner
        .scan()
        .filter(|i| futures::future::ready(matches!(i, Ok(ScanItem::Record(_)))))
        .count()
        .await;
    assert_eq!(n, 25);
    // Path-style: the bucket is in the path, not in the host (which would not resolve).
    assert_eq!(listings.load(Ordering::Relaxed), 2, "root and raw/");
    assert_eq!(sts.assume_role_calls().await, 1);
}

/// The connection builds one S3 client per region and hands every caller the same one (its
/// configuration is shared, not rebuilt per bucket or per operation call); another region gets
/// its own.
#[tokio::test]
async fn s3_clients_are_built_once_per_region_and_connection() {
    let params = chicory_aws_core::ConnectionParams::assume_role(
        chicory_aws_testkit::FAKE_ROLE,
        chicory_aws_testkit::FAKE_EXTERNAL_ID,
    )
    .unwrap();
    let build = || {
        Connection::builder(params.clone())
            .base_credentials(BaseCredentials::from_keys(
                "AKIAVENDOR0000000000",
                "vendor-secret",
            ))
            .endpoint_url("http://127.0.0.1:9")
            .build()
    };
    let conn = build().await.unwrap();
    let (a, b) = (unchecked_s3_client(&conn), unchecked_s3_client(&conn));
    assert!(std::ptr::eq(a.config(), b.config()), "rebuilt per call");
    let home = unchecked_s3_client_in(&conn, conn.region());
    assert!(std::ptr::eq(a.config(), home.config()));
    let (c, d) = (
        unchecked_s3_client_in(&conn, "eu-west-1"),
        unchecked_s3_client_in(&conn, "eu-west-1"),
    );
    assert!(std::ptr::eq(c.config(), d.config()), "rebuilt per call");
    assert!(!std::ptr::eq(a.config(), c.config()));
    assert_eq!(c.config().region().map(|r| r.as_ref()), Some("eu-west-1"));
    // A clone of the connection shares its clients; another connection has its own.
    let clone = conn.clone();
    assert!(std::ptr::eq(
        a.config(),
        unchecked_s3_client(&clone).config()
    ));
    let other = build().await.unwrap();
    assert!(!std::ptr::eq(
        a.config(),
        unchecked_s3_client(&other).config()
    ));
}
