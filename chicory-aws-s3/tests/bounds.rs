//! What the server sends is bounded by what the caller asked for (issue 11 item 5): an object
//! answered without a Content-Length (chunked) is read to `max_bytes` and no further.

use chicory_aws_core::{AccessLevel, BaseCredentials, Connection, ErrorKind, Tool};
use chicory_aws_s3::GetObject;
use chicory_aws_testkit::{FakeSts, TestClock};
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An S3 stand-in that answers every request with `size` bytes in 64 KiB chunks and no
/// Content-Length.
async fn chunked_server(size: usize) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let mut out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\
                    Content-Type: application/octet-stream\r\n\r\n"
                    .to_vec();
                let mut left = size;
                while left > 0 {
                    let n = left.min(64 << 10);
                    out.extend_from_slice(format!("{n:x}\r\n").as_bytes());
                    out.extend(std::iter::repeat_n(b'a', n));
                    out.extend_from_slice(b"\r\n");
                    left -= n;
                }
                out.extend_from_slice(b"0\r\n\r\n");
                // The client may hang up early (that is the point): ignore write errors.
                let _ = socket.write_all(&out).await;
            });
        }
    });
    format!("http://{addr}")
}

async fn connection(s3: &str, sts: &FakeSts) -> Connection {
    connection_at(s3, sts, AccessLevel::ReadOnly).await
}

async fn connection_at(s3: &str, sts: &FakeSts, level: AccessLevel) -> Connection {
    let params = chicory_aws_core::ConnectionParams::assume_role(
        chicory_aws_testkit::FAKE_ROLE,
        chicory_aws_testkit::FAKE_EXTERNAL_ID,
    )
    .unwrap()
    .with_access_level(level);
    Connection::builder(params)
        .base_credentials(BaseCredentials::from_keys(
            "AKIAVENDOR0000000000",
            "vendor-secret",
        ))
        .service_endpoint_url("sts", sts.uri())
        .service_endpoint_url("s3", s3)
        .build()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_chunked_object_is_read_to_max_bytes_and_no_further() {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
    let small = connection(&chunked_server(100_000).await, &sts).await;
    let out = GetObject::new(&small)
        .call_json(json!({"bucket": "lake", "key": "k", "max_bytes": 200_000}))
        .await
        .unwrap();
    assert_eq!(out["length"], 100_000);

    let large = connection(&chunked_server(3 << 20).await, &sts).await;
    let e = match GetObject::new(&large)
        .call_json(json!({"bucket": "lake", "key": "k", "max_bytes": 1 << 20}))
        .await
    {
        Ok(out) => panic!("read {} bytes past max_bytes", out["length"]),
        Err(e) => e,
    };
    assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{e}");
    assert_eq!(e.field(), Some("max_bytes"), "{e}");
}

/// A reader of `size` zero bytes that counts what has been read from it.
struct Counted {
    left: usize,
    read: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl tokio::io::AsyncRead for Counted {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let n = self.left.min(buf.remaining()).min(64 << 10);
        buf.put_slice(&vec![0u8; n]);
        self.left -= n;
        self.read.fetch_add(n, std::sync::atomic::Ordering::SeqCst);
        std::task::Poll::Ready(Ok(()))
    }
}

/// A multipart upload whose future is dropped mid-part is aborted, and while its first part is
/// in flight it has read one part (and one byte) of the body, not two.
#[tokio::test]
async fn a_cancelled_multipart_upload_is_aborted_and_holds_one_part() {
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
    let s3 = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/lake/big"))
        .and(query_param("uploads", ""))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            "<InitiateMultipartUploadResult><Bucket>lake</Bucket><Key>big</Key>\
             <UploadId>u1</UploadId></InitiateMultipartUploadResult>",
        ))
        .mount(&s3)
        .await;
    Mock::given(method("PUT"))
        .and(path("/lake/big"))
        .and(query_param("uploadId", "u1"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&s3)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/lake/big"))
        .and(query_param("uploadId", "u1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&s3)
        .await;
    let conn = connection_at(&s3.uri(), &sts, AccessLevel::ReadWrite).await;
    let part = 5 << 20; // S3's smallest part
    let read = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let body = Counted {
        left: 4 * part,
        read: read.clone(),
    };
    let options = chicory_aws_s3::UploadOptions::default()
        .multipart_threshold(part)
        .part_size(part);
    let upload = chicory_aws_s3::put_object_stream(&conn, "lake", "big", body, &options);
    // The first part hangs at the server: give up on the upload while it is in flight.
    let cancelled = tokio::time::timeout(Duration::from_secs(2), upload).await;
    assert!(
        cancelled.is_err(),
        "the upload was still in flight: {cancelled:?}"
    );
    assert_eq!(
        read.load(std::sync::atomic::Ordering::SeqCst),
        part + 1,
        "one part and one byte read while the first part is sent"
    );
    let mut aborted = 0;
    for _ in 0..100 {
        aborted = s3
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.method.as_str() == "DELETE")
            .count();
        if aborted > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        aborted, 1,
        "AbortMultipartUpload was sent for the dropped upload"
    );
}
