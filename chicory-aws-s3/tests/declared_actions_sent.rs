//! Every S3 operator's declared `ACTIONS` equal the IAM actions its requests need, recorded at
//! the transport (the test kit's proxy in front of the emulator): an operator sending an action
//! it does not declare, or declaring one it never sends, fails (issue 11, item 4).
//!
//! Needs the emulator: `bash scripts/emulator.sh start` (started automatically if possible).

use aws_sdk_s3::primitives::ByteStream;
use chicory_aws_core::AccessLevel;
use chicory_aws_policy::permissions::{permission_policy, Integration, PolicyOptions};
use chicory_aws_testkit::faults::FaultProxy;
use chicory_aws_testkit::sent::assert_sent_equals_declared;
use chicory_aws_testkit::{unique, Emulator};
use serde_json::json;

#[tokio::test]
async fn every_s3_operator_sends_exactly_its_declared_actions() {
    let emu = Emulator::get();
    // The role holds the library's ReadWrite S3 policy: what is sent is also granted.
    let policy = permission_policy(
        Integration::S3,
        AccessLevel::ReadWrite,
        &PolicyOptions::default(),
    )
    .unwrap()
    .to_json_compact();
    let ext = format!("chicory-{}", unique("sent"));
    let (vendor, params) = emu.customer(&ext, &[("S3", policy.as_str())]).await;
    let proxy = FaultProxy::start(emu.endpoint(), 1).await;
    let conn = emu
        .connection(&vendor, params.with_access_level(AccessLevel::ReadWrite))
        .service_endpoint_url("s3", proxy.url())
        .connect()
        .await
        .unwrap();

    // A versioned bucket holding one object with a known older version.
    let admin = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&emu.admin_config().await)
            .force_path_style(true)
            .build(),
    );
    let bucket = unique("sent").to_lowercase();
    let empty = unique("sent-empty").to_lowercase();
    admin.create_bucket().bucket(&bucket).send().await.unwrap();
    admin
        .put_bucket_versioning()
        .bucket(&bucket)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let v1 = admin
        .put_object()
        .bucket(&bucket)
        .key("k.csv")
        .body(ByteStream::from_static(b"id\n1\n"))
        .send()
        .await
        .unwrap()
        .version_id
        .expect("a version id");
    let (b, e, v) = (bucket.as_str(), empty.as_str(), v1.as_str());
    let obj = json!({"bucket": b, "key": "k.csv"});
    let ver = json!({"bucket": b, "key": "k.csv", "version_id": v});
    let calls = vec![
        ("s3_create_bucket", json!({ "bucket": e })),
        ("s3_list_buckets", json!({})),
        (
            "s3_put_object",
            json!({"bucket": b, "key": "k.csv", "text": "id\n2\n"}),
        ),
        ("s3_list_objects", json!({ "bucket": b })),
        ("s3_head_object", obj.clone()),
        ("s3_head_object", ver.clone()),
        ("s3_get_object", obj.clone()),
        ("s3_get_object", ver.clone()),
        (
            "s3_put_object_tagging",
            json!({"bucket": b, "key": "k.csv", "tags": {"pii": "no"}}),
        ),
        (
            "s3_put_object_tagging",
            json!({"bucket": b, "key": "k.csv", "version_id": v, "tags": {"pii": "no"}}),
        ),
        ("s3_get_object_tagging", obj.clone()),
        ("s3_get_object_tagging", ver.clone()),
        ("s3_get_bucket_location", json!({ "bucket": b })),
        ("s3_get_bucket_versioning", json!({ "bucket": b })),
        (
            "s3_put_bucket_tagging",
            json!({"bucket": b, "tags": {"team": "data"}}),
        ),
        ("s3_get_bucket_tagging", json!({ "bucket": b })),
        ("s3_get_bucket_policy", json!({ "bucket": b })),
        ("s3_delete_object_version", ver.clone()),
        ("s3_delete_object", obj.clone()),
        ("s3_delete_bucket", json!({ "bucket": e })),
    ];
    assert_sent_equals_declared(&proxy, &chicory_aws_s3::tools(&conn), &calls, &[], &[]).await;
}
