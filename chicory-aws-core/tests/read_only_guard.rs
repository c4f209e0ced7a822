//! The ReadOnly guard at the HTTP layer (issue 11, item 2): on a ReadOnly connection even an
//! SDK client the caller builds from `unchecked_sdk_config()`, without the library's
//! interceptor, cannot send a write: the request is refused with `WriteNotPermitted` before it
//! leaves the process, while reads go through. On a ReadWrite connection writes are sent.

use aws_sdk_glue::types::DatabaseInput;
use aws_sdk_s3::primitives::ByteStream;
use chicory_aws_core::{AccessLevel, Connection, Error, ErrorKind};
use chicory_aws_testkit::{FakeSts, TestClock};
use std::time::Duration;
use wiremock::{Mock, Request, ResponseTemplate};

/// What the fake received, AssumeRole aside: the `X-Amz-Target` or method and path.
async fn received(sts: &FakeSts) -> Vec<String> {
    sts.service_requests()
        .await
        .iter()
        .map(|r: &Request| match r.headers.get("x-amz-target") {
            Some(t) => t.to_str().unwrap().to_owned(),
            None => format!("{} {}", r.method, r.url.path()),
        })
        .collect()
}

async fn setup(level: AccessLevel) -> (FakeSts, Connection) {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/x-amz-json-1.1")
                .set_body_string("{}"),
        )
        .mount(sts.server())
        .await;
    let conn = sts.connection(level).build().await.unwrap();
    (sts, conn)
}

fn raw_clients(conn: &Connection) -> (aws_sdk_glue::Client, aws_sdk_s3::Client) {
    let config = conn.unchecked_sdk_config();
    let s3 = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(true)
        .build();
    (
        aws_sdk_glue::Client::new(config),
        aws_sdk_s3::Client::from_conf(s3),
    )
}

#[tokio::test]
async fn a_read_only_connection_refuses_writes_of_raw_clients_before_sending() {
    let (sts, conn) = setup(AccessLevel::ReadOnly).await;
    let (glue, s3) = raw_clients(&conn);

    let err = glue
        .create_database()
        .database_input(DatabaseInput::builder().name("x").build().unwrap())
        .send()
        .await
        .map_err(|e| Error::from_sdk(e, "glue:CreateDatabase"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");
    assert!(err.to_string().contains("glue:CreateDatabase"), "{err}");
    let err = s3
        .put_object()
        .bucket("lake")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .map_err(|e| Error::from_sdk(e, chicory_aws_core::actions::s3::PUT_OBJECT))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");
    let err = s3
        .delete_object()
        .bucket("lake")
        .key("k")
        .send()
        .await
        .map_err(|e| Error::from_sdk(e, chicory_aws_core::actions::s3::DELETE_OBJECT))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");
    assert_eq!(
        received(&sts).await,
        Vec::<String>::new(),
        "a write was sent"
    );

    // Reads go through (the fake's `{}` answers are not all valid: only the sending counts).
    let _ = glue.get_databases().send().await;
    let _ = s3.list_objects_v2().bucket("lake").send().await;
    let _ = aws_sdk_sts::Client::new(conn.unchecked_sdk_config())
        .get_caller_identity()
        .send()
        .await;
    let got = received(&sts).await;
    assert!(got.contains(&"AWSGlue.GetDatabases".to_owned()), "{got:?}");
    assert!(got.contains(&"GET /lake/".to_owned()), "{got:?}");
    assert!(
        got.contains(&"POST /".to_owned()),
        "GetCallerIdentity: {got:?}"
    );
}

#[tokio::test]
async fn a_read_write_connection_sends_writes() {
    let (sts, conn) = setup(AccessLevel::ReadWrite).await;
    let (glue, s3) = raw_clients(&conn);
    glue.create_database()
        .database_input(DatabaseInput::builder().name("x").build().unwrap())
        .send()
        .await
        .unwrap();
    let _ = s3
        .put_object()
        .bucket("lake")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await;
    let got = received(&sts).await;
    assert!(
        got.contains(&"AWSGlue.CreateDatabase".to_owned()),
        "{got:?}"
    );
    assert!(got.contains(&"PUT /lake/k".to_owned()), "{got:?}");
}
