//! Bad input gets a typed error naming the field, and no request reaches the server: the S3
//! endpoint here is an STS fake that records every request.

use chicory_aws_core::{AccessLevel, Connection, ErrorKind, Operator, Tool};
use chicory_aws_s3::{
    get_object_stream, put_object_stream, BucketInput, BucketScanner, ByteRange, CreateBucket,
    GetObject, ListObjects, ObjectOptions, ObjectScanner, ObjectVersionScanner, PutObject,
    PutObjectTagging, UploadOptions,
};
use chicory_aws_testkit::{FakeSts, TestClock};
use serde_json::json;
use std::time::Duration;

async fn fake_conn(level: AccessLevel) -> (FakeSts, Connection) {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
    let conn = sts.connection(level).build().await.unwrap();
    (sts, conn)
}

fn get<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

#[tokio::test]
async fn bad_input_fails_before_any_request() {
    let (sts, conn) = fake_conn(AccessLevel::ReadWrite).await;
    let field = |e: chicory_aws_core::Error| {
        assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{e}");
        e.field().unwrap().to_owned()
    };
    for (bucket, _) in [("Bad_Bucket", 0), ("ab", 0), ("a..b", 0), ("10.0.0.1", 0)] {
        let e = GetObject::new(&conn)
            .call(get(json!({"bucket": bucket, "key": "k"})))
            .await
            .unwrap_err();
        assert_eq!(field(e), "bucket");
    }
    let e = GetObject::new(&conn)
        .call(get(json!({"bucket": "ok-bucket", "key": ""})))
        .await
        .unwrap_err();
    assert_eq!(field(e), "key");
    let long = "k".repeat(1025);
    let e = PutObject::new(&conn)
        .call(get(
            json!({"bucket": "ok-bucket", "key": long, "text": "x"}),
        ))
        .await
        .unwrap_err();
    assert_eq!(field(e), "key");
    let e = GetObject::new(&conn)
        .call(get(
            json!({"bucket": "ok-bucket", "key": "k", "range": {"start": 9, "end": 3}}),
        ))
        .await
        .unwrap_err();
    assert_eq!(field(e), "range");
    assert_eq!(field(ByteRange::new(2, Some(1)).unwrap_err()), "range");
    let e = GetObject::new(&conn)
        .call(get(json!({"bucket": "ok-bucket", "key": "k", "range": {"start": 0, "end": 99}, "max_bytes": 10})))
        .await
        .unwrap_err();
    assert_eq!(field(e), "range");
    let e = get_object_stream(
        &conn,
        "ok-bucket",
        "k",
        None,
        Some(ByteRange {
            start: 5,
            end: Some(1),
        }),
    )
    .await
    .unwrap_err();
    assert_eq!(field(e), "range");
    let e = PutObject::new(&conn)
        .call(get(json!({"bucket": "ok-bucket", "key": "k"})))
        .await
        .unwrap_err();
    assert_eq!(field(e), "text");
    let e = PutObject::new(&conn)
        .call(get(
            json!({"bucket": "ok-bucket", "key": "k", "base64": "!!"}),
        ))
        .await
        .unwrap_err();
    assert_eq!(field(e), "base64");
    let e = put_object_stream(
        &conn,
        "ok-bucket",
        "k",
        &b"x"[..],
        &UploadOptions::default().part_size(1 << 20),
    )
    .await
    .unwrap_err();
    assert_eq!(field(e), "part_size");
    let e = CreateBucket::new(&conn)
        .call(get(json!({"bucket": "ok-bucket", "region": "Mars"})))
        .await
        .unwrap_err();
    assert_eq!(field(e), "region");
    let tags: serde_json::Map<_, _> = (0..11).map(|i| (format!("k{i}"), json!("v"))).collect();
    let e = PutObjectTagging::new(&conn)
        .call(get(
            json!({"bucket": "ok-bucket", "key": "k", "tags": tags}),
        ))
        .await
        .unwrap_err();
    assert_eq!(field(e), "tags");
    let e = ListObjects::new(&conn)
        .call(get(json!({"bucket": "ok-bucket", "max_keys": 0})))
        .await
        .unwrap_err();
    assert_eq!(field(e), "max_keys");
    let e = ObjectScanner::new(&conn, "ok-bucket", ObjectOptions::default().concurrency(0))
        .unwrap_err();
    assert_eq!(field(e), "concurrency");
    let e = ObjectScanner::new(&conn, "ok-bucket", ObjectOptions::default().page_size(1001))
        .unwrap_err();
    assert_eq!(field(e), "page_size");
    let e = ObjectScanner::new(&conn, "NO", ObjectOptions::default()).unwrap_err();
    assert_eq!(field(e), "bucket");
    let e = ObjectVersionScanner::new(&conn, "ok-bucket", Some("p".repeat(1025))).unwrap_err();
    assert_eq!(field(e), "prefix");
    let e = ObjectVersionScanner::new(&conn, "ok-bucket", None)
        .unwrap()
        .page_size(0)
        .unwrap_err();
    assert_eq!(field(e), "page_size");
    let e = ObjectScanner::new(&conn, "ok-bucket", ObjectOptions::default().concurrency(65))
        .unwrap_err();
    assert_eq!(field(e), "concurrency");
    let e = BucketScanner::new(&conn).concurrency(0).unwrap_err();
    assert_eq!(field(e), "concurrency");
    let e = BucketScanner::new(&conn).page_size(10_001).unwrap_err();
    assert_eq!(field(e), "page_size");
    // JSON input that does not match the schema: the missing field is named.
    let e = GetObject::new(&conn)
        .call_json(json!({"bucket": "ok-bucket"}))
        .await
        .unwrap_err();
    assert_eq!(field(e), "key");
    let _ = BucketInput {
        bucket: String::new(),
    };

    // Nothing but STS was ever asked.
    let requests = sts.server().received_requests().await.unwrap_or_default();
    for r in &requests {
        assert_eq!(
            r.url.path(),
            "/",
            "an S3 request was sent: {} {}",
            r.method,
            r.url
        );
        assert_eq!(r.method.as_str(), "POST");
    }
}

#[tokio::test]
async fn writes_on_a_read_only_connection_are_refused_locally() {
    let (sts, conn) = fake_conn(AccessLevel::ReadOnly).await;
    let e = PutObject::new(&conn)
        .call(
            serde_json::from_value(json!({"bucket": "ok-bucket", "key": "k", "text": "x"}))
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WriteNotPermitted);
    let e = put_object_stream(
        &conn,
        "ok-bucket",
        "k",
        &b"x"[..],
        &UploadOptions::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WriteNotPermitted);
    let e = CreateBucket::new(&conn)
        .call_json(json!({"bucket": "ok-bucket"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WriteNotPermitted);
    assert_eq!(
        CreateBucket::new(&conn).required_level(),
        AccessLevel::ReadWrite
    );
    assert_eq!(
        GetObject::new(&conn).required_level(),
        AccessLevel::ReadOnly
    );
    let requests = sts.server().received_requests().await.unwrap_or_default();
    assert!(requests.iter().all(|r| r.url.path() == "/"), "{requests:?}");
}
