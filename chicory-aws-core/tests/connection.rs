//! One connection, one credential cache shared by every service client; writes refused on a
//! ReadOnly connection before any request leaves the process (counted on the HTTP fake).

use async_trait::async_trait;
use chicory_aws_core::{
    actions, AccessChecked, AccessLevel, Action, Connection, ErrorKind, OnConnection, Operator,
    Tool,
};
use chicory_aws_testkit::{FakeSts, TestClock};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

async fn fake_account() -> FakeSts {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
    Mock::given(method("POST"))
        .and(header("x-amz-target", "AWSGlue.GetDatabases"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/x-amz-json-1.1")
                .set_body_string(r#"{"DatabaseList": []}"#),
        )
        .mount(sts.server())
        .await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/xml")
                .set_body_string(
                    r#"<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>"#,
                ),
        )
        .mount(sts.server())
        .await;
    sts
}

async fn connect(sts: &FakeSts, level: AccessLevel) -> Connection {
    sts.connection(level).build().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_provider_and_one_cache_serve_every_client_of_a_connection() {
    let sts = fake_account().await;
    let conn = connect(&sts, AccessLevel::ReadOnly).await;
    let glue = aws_sdk_glue::Client::new(conn.unchecked_sdk_config());
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(conn.unchecked_sdk_config())
            .force_path_style(true)
            .build(),
    );
    let mut calls = Vec::new();
    for _ in 0..20 {
        let (g, s) = (glue.clone(), s3.clone());
        calls.push(tokio::spawn(async move {
            g.get_databases().send().await.unwrap();
            s.list_buckets().send().await.unwrap();
        }));
    }
    for c in calls {
        c.await.unwrap();
    }
    assert_eq!(
        sts.assume_role_calls().await,
        1,
        "one AssumeRole for 40 calls on 2 clients"
    );
    // Every service request was signed with the assumed session, not the vendor's keys.
    let requests = sts.server().received_requests().await.unwrap();
    let signed: Vec<_> = requests
        .iter()
        .filter(|r| !String::from_utf8_lossy(&r.body).contains("Action=AssumeRole"))
        .map(|r| {
            r.headers
                .get("authorization")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(signed.len(), 40);
    assert!(
        signed
            .iter()
            .all(|a| a.contains("Credential=ASIAFAKE000000000001/")),
        "{signed:?}"
    );
}

/// A stand-in write operation: declares a write action, and makes a real request if run. A
/// struct of its own (not `operator_struct!`), so it implements `OnConnection` by hand.
struct StartSomething {
    conn: Connection,
}

impl OnConnection for StartSomething {
    fn connection(&self) -> &Connection {
        &self.conn
    }
}

#[derive(Deserialize, JsonSchema)]
struct Input {
    #[allow(dead_code)]
    name: String,
}

#[derive(Serialize, JsonSchema)]
struct Output {
    databases: usize,
}

#[async_trait]
impl Operator for StartSomething {
    type Input = Input;
    type Output = Output;
    const NAME: &'static str = "start_something";
    const DESCRIPTION: &'static str = "A write that lists databases when it runs.";
    const ACTIONS: &'static [Action] = &[actions::athena::START_QUERY_EXECUTION];

    async fn execute(
        &self,
        _input: Input,
        _: AccessChecked<Self>,
    ) -> chicory_aws_core::Result<Output> {
        let out = aws_sdk_glue::Client::new(self.conn.unchecked_sdk_config())
            .get_databases()
            .send()
            .await
            .map_err(|e| {
                chicory_aws_core::Error::from_sdk(e, chicory_aws_core::actions::glue::GET_DATABASES)
            })?;
        Ok(Output {
            databases: out.database_list.len(),
        })
    }
}

#[tokio::test]
async fn a_write_on_a_read_only_connection_is_refused_before_any_request() {
    let sts = fake_account().await;
    let op = StartSomething {
        conn: connect(&sts, AccessLevel::ReadOnly).await,
    };
    assert_eq!(Tool::required_level(&op), AccessLevel::ReadWrite);
    let e = op.call(Input { name: "x".into() }).await.err().unwrap();
    assert_eq!(e.kind(), ErrorKind::WriteNotPermitted);
    assert_eq!(e.operation(), Some("start_something"));
    let msg = e.to_string();
    assert!(
        msg.contains("athena:StartQueryExecution") && msg.contains("ReadOnly"),
        "{msg}"
    );
    // Through the MCP tool face too.
    let tool: &dyn Tool = &op;
    let e = tool
        .call_json(serde_json::json!({"name": "x"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WriteNotPermitted);
    assert_eq!(
        sts.server().received_requests().await.unwrap().len(),
        0,
        "no request left the process, not even AssumeRole"
    );

    // The same operation on a ReadWrite connection runs and reaches the server.
    let op = StartSomething {
        conn: connect(&sts, AccessLevel::ReadWrite).await,
    };
    let out = tool_call(&op).await;
    assert_eq!(out["databases"], 0);
    assert_eq!(sts.server().received_requests().await.unwrap().len(), 2);
}

async fn tool_call(op: &dyn Tool) -> serde_json::Value {
    assert_eq!(op.required_level(), AccessLevel::ReadWrite);
    assert_eq!(op.input_schema()["properties"]["name"]["type"], "string");
    let bad = op
        .call_json(serde_json::json!({"nom": 1}))
        .await
        .unwrap_err();
    // The missing field is named (its JSON path).
    assert_eq!(
        (bad.kind(), bad.field()),
        (ErrorKind::InvalidConfig, Some("name"))
    );
    op.call_json(serde_json::json!({"name": "x"}))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_endpoint_sends_that_service_elsewhere_with_the_same_session() {
    // STS (and S3) answer on the connection's endpoint; Glue only on its own.
    let sts = fake_account().await;
    let glue_server = wiremock::MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("x-amz-target", "AWSGlue.GetDatabases"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/x-amz-json-1.1")
                .set_body_string(r#"{"DatabaseList": [{"Name": "elsewhere"}]}"#),
        )
        .expect(1)
        .mount(&glue_server)
        .await;
    let conn = sts
        .connection(AccessLevel::ReadOnly)
        .service_endpoint_url("Glue", glue_server.uri())
        .build()
        .await
        .unwrap();
    let dbs = aws_sdk_glue::Client::new(conn.unchecked_sdk_config())
        .get_databases()
        .send()
        .await
        .unwrap();
    assert_eq!(dbs.database_list()[0].name(), "elsewhere");
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(conn.unchecked_sdk_config())
            .force_path_style(true)
            .build(),
    )
    .list_buckets()
    .send()
    .await
    .unwrap();
    let on_sts: Vec<String> = sts
        .server()
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert!(
        !on_sts.iter().any(|b| b.contains("GetDatabases")),
        "Glue went to the connection's endpoint"
    );
    assert_eq!(on_sts.len(), 2, "AssumeRole and ListBuckets: {on_sts:?}");
    // Signed with the assumed session, as every client of the connection.
    let glue_req = &glue_server.received_requests().await.unwrap()[0];
    let auth = glue_req
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(auth.contains("Credential=ASIAFAKE000000000001/"), "{auth}");
}

#[tokio::test]
async fn a_bad_service_endpoint_is_refused_before_any_request() {
    let sts = fake_account().await;
    for (service, url, why) in [
        ("glue", "localhost:9000", "http://"),
        ("", "http://127.0.0.1:9000", "service id"),
        ("glue/*", "http://127.0.0.1:9000", "service id"),
    ] {
        let err = sts
            .connection(AccessLevel::ReadOnly)
            .service_endpoint_url(service, url)
            .build()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert_eq!(err.field(), Some("service_endpoint_url"));
        assert!(err.to_string().contains(why), "{err}");
    }
    assert!(sts.server().received_requests().await.unwrap().is_empty());
}
