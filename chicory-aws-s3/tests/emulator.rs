//! S3 scanners and operators against the local moto server with IAM enforcement on, under
//! roles holding exactly the policy crate's S3 policies (and Apperate's prefix policy).
//!
//! Needs the emulator: `bash scripts/emulator.sh start` (started if possible; the tests fail
//! naming that command if it cannot be).

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration, Tag, Tagging,
    VersioningConfiguration,
};
use chicory_aws_core::{AccessLevel, Connection, ErrorKind, Operator, ScanItem, Scanner};
use chicory_aws_policy::permissions::{
    bucket_prefix_read_policy, permission_policy, Integration, PolicyOptions,
};
use chicory_aws_s3::{
    get_object_stream, put_object_stream, BucketInput, BucketScanner, ByteRange, CreateBucket,
    DeleteBucket, DeleteObject, DeleteObjectVersion, GetBucketLocation, GetBucketPolicy,
    GetBucketTagging, GetBucketVersioning, GetObject, GetObjectTagging, HeadObject, ListBuckets,
    ListObjects, ObjectOptions, ObjectScanner, ObjectVersionScanner, PutBucketTagging, PutObject,
    PutObjectTagging, UploadOptions,
};
use chicory_aws_testkit::{unique, Emulator};
use futures::StreamExt;
use serde_json::json;
use std::collections::BTreeSet;

async fn connect_with(policy: &str, level: AccessLevel) -> Connection {
    let emu = Emulator::get();
    let ext = format!("chicory-{}", unique("s3"));
    let (vendor, params) = emu.customer(&ext, &[("S3Policy", policy)]).await;
    emu.connection(&vendor, params.with_access_level(level))
        .connect()
        .await
        .unwrap()
}

fn s3_policy(level: AccessLevel) -> String {
    permission_policy(Integration::S3, level, &PolicyOptions::default())
        .unwrap()
        .to_json_compact()
}

async fn connect(level: AccessLevel) -> Connection {
    connect_with(&s3_policy(level), level).await
}

async fn admin_s3() -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(&Emulator::get().admin_config().await)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

async fn admin_in(region: &str) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(&Emulator::get().admin_config().await)
        .region(aws_sdk_s3::config::Region::new(region.to_owned()))
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

fn bucket_name(prefix: &str) -> String {
    unique(prefix).to_lowercase()
}

async fn put(s3: &aws_sdk_s3::Client, bucket: &str, key: &str, body: &str) -> Option<String> {
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .content_type("text/csv")
        .body(ByteStream::from(body.as_bytes().to_vec()))
        .send()
        .await
        .unwrap()
        .version_id
}

async fn records<S: Scanner>(s: &S) -> (Vec<S::Record>, Vec<chicory_aws_core::Skipped>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    let mut stream = s.scan();
    while let Some(item) = stream.next().await {
        match item.unwrap() {
            ScanItem::Record(r) => out.push(r),
            ScanItem::Skipped(s) => skipped.push(s),
        }
    }
    (out, skipped)
}

#[tokio::test]
async fn read_only_role_scans_buckets_objects_and_versions() {
    let emu = Emulator::get();
    let s3 = admin_s3().await;
    // Bucket a: in the emulator's region, versioned, tagged, with a policy.
    let a = bucket_name("ro-a");
    s3.create_bucket().bucket(&a).send().await.unwrap();
    s3.put_bucket_versioning()
        .bucket(&a)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_tagging()
        .bucket(&a)
        .tagging(
            Tagging::builder()
                .tag_set(Tag::builder().key("team").value("data").build().unwrap())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{}:root", emu.account_id())},
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{a}/*")}]})
    .to_string();
    s3.put_bucket_policy()
        .bucket(&a)
        .policy(&policy)
        .send()
        .await
        .unwrap();
    let keys = [
        "top.csv",
        "raw/2024/01/a.csv",
        "raw/2024/01/b.csv",
        "raw/2024/02/c.csv",
        "raw/2025/d.csv",
        "curated/e.csv",
    ];
    for k in keys {
        put(&s3, &a, k, "id,name\n1,x\n").await;
    }
    // A second version of one key, and a deleted key (delete marker).
    put(&s3, &a, "curated/e.csv", "id,name\n1,y\n2,z\n").await;
    put(&s3, &a, "gone.csv", "x").await;
    s3.delete_object()
        .bucket(&a)
        .key("gone.csv")
        .send()
        .await
        .unwrap();
    s3.put_object_tagging()
        .bucket(&a)
        .key("top.csv")
        .tagging(
            Tagging::builder()
                .tag_set(Tag::builder().key("pii").value("no").build().unwrap())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    // Bucket b: in another region, no tags, no policy, never versioned.
    let b = bucket_name("ro-b");
    admin_in("eu-west-1")
        .await
        .create_bucket()
        .bucket(&b)
        .create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    put(&admin_in("eu-west-1").await, &b, "x/y.csv", "1").await;

    let conn = connect(AccessLevel::ReadOnly).await;

    // Buckets.
    let (buckets, skipped) = records(&BucketScanner::new(&conn).concurrency(4).unwrap()).await;
    let ours: Vec<_> = skipped
        .iter()
        .filter(|s| {
            s.part.ends_with(&format!("bucket={a}")) || s.part.ends_with(&format!("bucket={b}"))
        })
        .collect();
    assert!(ours.is_empty(), "{ours:?}");
    let ra = buckets
        .iter()
        .find(|r| r.name == a)
        .expect("bucket a scanned");
    assert_eq!(ra.region.as_deref(), Some(emu.region()));
    assert_eq!(ra.versioning.as_deref(), Some("Enabled"));
    assert_eq!(
        ra.tags.as_ref().unwrap().get("team").map(String::as_str),
        Some("data")
    );
    assert_eq!(ra.has_policy, Some(true));
    assert!(ra.policy.as_deref().unwrap().contains("s3:GetObject"));
    assert_eq!(ra.account_id, conn.account_id());
    assert!(ra.creation_date.is_some());
    assert!(ra.unread.is_empty(), "{ra:?}");
    let rb = buckets
        .iter()
        .find(|r| r.name == b)
        .expect("bucket b scanned");
    assert_eq!(rb.region.as_deref(), Some("eu-west-1"));
    assert_eq!(rb.versioning.as_deref(), Some("Disabled"));
    assert_eq!(
        rb.tags.as_ref().map(|t| t.len()),
        Some(0),
        "NoSuchTagSet is no tags"
    );
    assert_eq!((rb.has_policy, rb.policy.as_deref()), (Some(false), None));
    assert!(rb.unread.is_empty(), "{rb:?}");
    let json = serde_json::to_value(ra).unwrap();
    assert_eq!(json["kind"], "s3_bucket");
    assert!(json.get("unread").is_none(), "left out when empty: {json}");

    // Objects: fan-out, plain and one level return what was written.
    let live: BTreeSet<String> = keys.iter().map(|k| k.to_string()).collect();
    let key_set = |rs: &[chicory_aws_s3::records::ObjectRecord]| -> BTreeSet<String> {
        rs.iter().map(|r| r.key.clone()).collect()
    };
    let (fan, sk) =
        records(&ObjectScanner::new(&conn, &a, ObjectOptions::default().page_size(2)).unwrap())
            .await;
    assert!(sk.is_empty(), "{sk:?}");
    assert_eq!(fan.len(), live.len());
    assert_eq!(key_set(&fan), live);
    let (plain, _) = records(
        &ObjectScanner::new(&conn, &a, ObjectOptions::default().plain().page_size(2)).unwrap(),
    )
    .await;
    assert_eq!(key_set(&plain), live);
    let (raw, _) = records(
        &ObjectScanner::new(&conn, &a, ObjectOptions::default().prefix("raw/2024/")).unwrap(),
    )
    .await;
    assert_eq!(
        key_set(&raw),
        [
            "raw/2024/01/a.csv",
            "raw/2024/01/b.csv",
            "raw/2024/02/c.csv"
        ]
        .map(String::from)
        .into()
    );
    let (level, _) =
        records(&ObjectScanner::new(&conn, &a, ObjectOptions::default().delimiter("/")).unwrap())
            .await;
    assert_eq!(key_set(&level), ["top.csv".to_owned()].into());
    let top = &plain.iter().find(|r| r.key == "top.csv").unwrap();
    assert_eq!(top.size, Some(12));
    assert!(top.etag.is_some() && top.last_modified.is_some());
    assert_eq!(top.storage_class.as_deref(), Some("STANDARD"));
    assert!(top.owner_id.is_some(), "FetchOwner asked for: {top:?}");
    assert_eq!(top.region, emu.region());
    assert!(
        top.content_type.is_none() && top.tags.is_none(),
        "off by default"
    );
    // With HEAD and tags.
    let (rich, sk) = records(
        &ObjectScanner::new(
            &conn,
            &a,
            ObjectOptions::default()
                .head(true)
                .tags(true)
                .concurrency(4),
        )
        .unwrap(),
    )
    .await;
    assert!(sk.is_empty(), "{sk:?}");
    let top = rich.iter().find(|r| r.key == "top.csv").unwrap();
    assert_eq!(top.content_type.as_deref(), Some("text/csv"));
    assert_eq!(
        top.tags.as_ref().unwrap().get("pii").map(String::as_str),
        Some("no")
    );
    assert_eq!(rich.iter().filter(|r| r.tags.is_some()).count(), live.len());
    assert!(rich.iter().all(|r| r.unread.is_empty()), "{rich:?}");
    // The bucket in eu-west-1, found through its own region.
    let (objs_b, sk) =
        records(&ObjectScanner::new(&conn, &b, ObjectOptions::default()).unwrap()).await;
    assert!(sk.is_empty(), "{sk:?}");
    assert_eq!(objs_b.len(), 1);
    assert_eq!(objs_b[0].region, "eu-west-1");

    // Versions and delete markers.
    let (versions, _) = records(&ObjectVersionScanner::new(&conn, &a, None).unwrap()).await;
    let e_versions: Vec<_> = versions
        .iter()
        .filter(|v| v.key == "curated/e.csv")
        .collect();
    assert_eq!(e_versions.len(), 2, "{e_versions:?}");
    assert_eq!(e_versions.iter().filter(|v| v.is_latest).count(), 1);
    let gone: Vec<_> = versions.iter().filter(|v| v.key == "gone.csv").collect();
    assert_eq!(gone.len(), 2, "{gone:?}");
    assert!(gone.iter().any(|v| v.delete_marker && v.is_latest));
    assert!(gone.iter().any(|v| !v.delete_marker && v.size == Some(1)));
    assert_eq!(versions.len(), keys.len() + 1 + 2);

    // ReadOnly operators.
    let listed = ListBuckets::new(&conn)
        .call(Default::default())
        .await
        .unwrap();
    assert!(listed.buckets.iter().any(|x| x.name == a));
    let page = ListObjects::new(&conn)
        .call(
            serde_json::from_value(json!({"bucket": a, "prefix": "raw/", "delimiter": "/"}))
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(page.objects.is_empty());
    assert_eq!(
        page.common_prefixes,
        vec!["raw/2024/".to_owned(), "raw/2025/".to_owned()]
    );
    let obj = |key: &str| serde_json::from_value(json!({"bucket": a, "key": key})).unwrap();
    let head = HeadObject::new(&conn).call(obj("top.csv")).await.unwrap();
    assert_eq!(
        (head.content_length, head.content_type.as_deref()),
        (Some(12), Some("text/csv"))
    );
    let got = GetObject::new(&conn)
        .call(
            serde_json::from_value(
                json!({"bucket": a, "key": "top.csv", "range": {"start": 3, "end": 6}}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(got.text.as_deref(), Some("name"));
    assert_eq!(got.content_range.as_deref(), Some("bytes 3-6/12"));
    let err = GetObject::new(&conn)
        .call(
            serde_json::from_value(json!({"bucket": a, "key": "top.csv", "max_bytes": 5})).unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::InvalidConfig, Some("max_bytes")),
        "{err}"
    );
    let err = GetObject::new(&conn)
        .call(serde_json::from_value(json!({"bucket": a, "key": "nope"})).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    // The bucket and key stay structured in the error, not only in its resource text.
    assert_eq!(
        err.context(),
        &[("bucket", a.clone()), ("key", "nope".to_owned())],
        "{err}"
    );
    assert_eq!(err.resource(), Some(format!("s3://{a}/nope").as_str()));
    let tags = GetObjectTagging::new(&conn)
        .call(obj("top.csv"))
        .await
        .unwrap();
    assert_eq!(tags.tags.get("pii").map(String::as_str), Some("no"));
    let bucket = |n: &str| BucketInput {
        bucket: n.to_owned(),
    };
    assert_eq!(
        GetBucketLocation::new(&conn)
            .call(bucket(&a))
            .await
            .unwrap()
            .region,
        emu.region()
    );
    assert_eq!(
        GetBucketLocation::new(&conn)
            .call(bucket(&b))
            .await
            .unwrap()
            .region,
        "eu-west-1"
    );
    assert_eq!(
        GetBucketVersioning::new(&conn)
            .call(bucket(&a))
            .await
            .unwrap()
            .status,
        "Enabled"
    );
    assert_eq!(
        GetBucketVersioning::new(&conn)
            .call(bucket(&b))
            .await
            .unwrap()
            .status,
        "Disabled"
    );
    assert_eq!(
        GetBucketTagging::new(&conn)
            .call(bucket(&a))
            .await
            .unwrap()
            .tags
            .len(),
        1
    );
    assert!(GetBucketTagging::new(&conn)
        .call(bucket(&b))
        .await
        .unwrap()
        .tags
        .is_empty());
    assert!(GetBucketPolicy::new(&conn)
        .call(bucket(&a))
        .await
        .unwrap()
        .policy
        .is_some());
    assert!(GetBucketPolicy::new(&conn)
        .call(bucket(&b))
        .await
        .unwrap()
        .policy
        .is_none());

    // Writes: refused locally on the ReadOnly connection...
    let put_input =
        || serde_json::from_value(json!({"bucket": a, "key": "new.csv", "text": "1"})).unwrap();
    let err = PutObject::new(&conn).call(put_input()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");
    let err = DeleteBucket::new(&conn).call(bucket(&a)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");
    // ...and denied by the server when the connection claims ReadWrite but the role holds the
    // ReadOnly policy.
    let lying = connect_with(&s3_policy(AccessLevel::ReadOnly), AccessLevel::ReadWrite).await;
    let err = PutObject::new(&lying).call(put_input()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    let err = DeleteObject::new(&lying)
        .call(serde_json::from_value(json!({"bucket": a, "key": "top.csv"})).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    assert!(s3
        .head_object()
        .bucket(&a)
        .key("new.csv")
        .send()
        .await
        .is_err());
}

#[tokio::test]
async fn read_write_role_does_a_staging_round_trip() {
    let conn = connect(AccessLevel::ReadWrite).await;
    let bucket = bucket_name("stage");
    let created = CreateBucket::new(&conn)
        .call(serde_json::from_value(json!({"bucket": bucket})).unwrap())
        .await
        .unwrap();
    assert_eq!(created.region.as_deref(), Some(conn.region()));
    PutBucketTagging::new(&conn)
        .call(
            serde_json::from_value(json!({"bucket": bucket, "tags": {"use": "staging"}})).unwrap(),
        )
        .await
        .unwrap();
    // A bucket in another region: LocationConstraint sent, location read back.
    let far = bucket_name("stage-far");
    CreateBucket::new(&conn)
        .call(serde_json::from_value(json!({"bucket": far, "region": "ap-southeast-2"})).unwrap())
        .await
        .unwrap();
    let loc = GetBucketLocation::new(&conn)
        .call(BucketInput {
            bucket: far.clone(),
        })
        .await
        .unwrap();
    assert_eq!(loc.region, "ap-southeast-2");

    // Small object through the operator.
    let small = PutObject::new(&conn)
        .call(serde_json::from_value(json!({"bucket": bucket, "key": "in/rows.csv", "text": "id\n1\n2\n", "content_type": "text/csv"})).unwrap())
        .await
        .unwrap();
    assert_eq!((small.size, small.parts), (7, 0));
    // 11 MiB + 3 bytes: multipart above the default 8 MiB threshold, a 5 MiB part size.
    let big: Vec<u8> = (0..(11u32 << 20) + 3).map(|i| (i % 251) as u8).collect();
    let up = put_object_stream(
        &conn,
        &bucket,
        "in/big.bin",
        std::io::Cursor::new(big.clone()),
        &UploadOptions::default().part_size(5 << 20),
    )
    .await
    .unwrap();
    assert_eq!((up.size, up.parts), (big.len() as u64, 2));
    assert!(up.etag.as_deref().unwrap().contains("-2"), "{up:?}");
    // The same through the operator (base64), with a 5 MiB threshold: 3 parts.
    let six = &big[..(6 << 20) + 1];
    let op_up = PutObject::new(&conn)
        .call(serde_json::from_value(json!({"bucket": bucket, "key": "in/six.bin",
            "base64": aws_smithy_types::base64::encode(six), "multipart_threshold": 5 << 20, "part_size": 5 << 20})).unwrap())
        .await
        .unwrap();
    assert_eq!((op_up.size, op_up.parts), (six.len() as u64, 2));

    // List.
    let page = ListObjects::new(&conn)
        .call(serde_json::from_value(json!({"bucket": bucket, "prefix": "in/"})).unwrap())
        .await
        .unwrap();
    let mut listed: Vec<_> = page
        .objects
        .iter()
        .map(|o| (o.key.clone(), o.size))
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        vec![
            ("in/big.bin".to_owned(), Some(big.len() as i64)),
            ("in/rows.csv".to_owned(), Some(7)),
            ("in/six.bin".to_owned(), Some(six.len() as i64)),
        ]
    );
    // Get: a range of the multipart object through the operator, the whole body streamed.
    let got = GetObject::new(&conn)
        .call(serde_json::from_value(json!({"bucket": bucket, "key": "in/big.bin", "range": {"start": 5242878, "end": 5242881}})).unwrap())
        .await
        .unwrap();
    let want = &big[5_242_878..=5_242_881];
    assert_eq!(
        aws_smithy_types::base64::decode(got.base64.as_deref().unwrap()).unwrap(),
        want
    );
    assert_eq!(got.length, 4);
    let err = GetObject::new(&conn)
        .call(serde_json::from_value(json!({"bucket": bucket, "key": "in/big.bin"})).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("max_bytes"), "{err}");
    let streamed = get_object_stream(&conn, &bucket, "in/big.bin", None, None)
        .await
        .unwrap();
    assert_eq!(streamed.content_length, Some(big.len() as i64));
    let body = streamed.body.collect().await.unwrap().into_bytes();
    assert!(
        body.as_ref() == big.as_slice(),
        "multipart body round-trips"
    );
    let tail = get_object_stream(
        &conn,
        &bucket,
        "in/rows.csv",
        None,
        Some(ByteRange::new(3, None).unwrap()),
    )
    .await
    .unwrap();
    assert_eq!(
        tail.body.collect().await.unwrap().into_bytes().as_ref(),
        b"1\n2\n"
    );
    // Tags.
    PutObjectTagging::new(&conn)
        .call(
            serde_json::from_value(
                json!({"bucket": bucket, "key": "in/rows.csv", "tags": {"stage": "loaded"}}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let tags = GetObjectTagging::new(&conn)
        .call(serde_json::from_value(json!({"bucket": bucket, "key": "in/rows.csv"})).unwrap())
        .await
        .unwrap();
    assert_eq!(tags.tags.get("stage").map(String::as_str), Some("loaded"));
    assert_eq!(
        GetBucketTagging::new(&conn)
            .call(BucketInput {
                bucket: bucket.clone()
            })
            .await
            .unwrap()
            .tags
            .get("use")
            .map(String::as_str),
        Some("staging")
    );
    // Delete: objects, then a version, then the buckets.
    for key in ["in/rows.csv", "in/big.bin", "in/six.bin"] {
        DeleteObject::new(&conn)
            .call(serde_json::from_value(json!({"bucket": bucket, "key": key})).unwrap())
            .await
            .unwrap();
    }
    let (left, _) =
        records(&ObjectScanner::new(&conn, &bucket, ObjectOptions::default()).unwrap()).await;
    assert!(left.is_empty(), "{left:?}");
    DeleteBucket::new(&conn)
        .call(BucketInput {
            bucket: bucket.clone(),
        })
        .await
        .unwrap();
    let err = GetBucketLocation::new(&conn)
        .call(BucketInput {
            bucket: bucket.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");

    // Versioned: deleting a version removes it for good.
    let s3 = admin_s3().await;
    let s3_far = admin_in("ap-southeast-2").await;
    s3_far
        .put_bucket_versioning()
        .bucket(&far)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let _ = s3;
    let v1 = PutObject::new(&conn)
        .call(serde_json::from_value(json!({"bucket": far, "key": "k", "text": "v1"})).unwrap())
        .await
        .unwrap()
        .version_id
        .expect("versioned");
    let marker = DeleteObject::new(&conn)
        .call(serde_json::from_value(json!({"bucket": far, "key": "k"})).unwrap())
        .await
        .unwrap();
    assert!(marker.delete_marker);
    let (vs, _) = records(&ObjectVersionScanner::new(&conn, &far, None).unwrap()).await;
    assert_eq!(vs.len(), 2, "{vs:?}");
    assert_eq!(vs[0].region, "ap-southeast-2");
    for v in [v1, marker.version_id.unwrap()] {
        DeleteObjectVersion::new(&conn)
            .call(
                serde_json::from_value(json!({"bucket": far, "key": "k", "version_id": v}))
                    .unwrap(),
            )
            .await
            .unwrap();
    }
    let (vs, _) = records(&ObjectVersionScanner::new(&conn, &far, None).unwrap()).await;
    assert!(vs.is_empty(), "{vs:?}");
    DeleteBucket::new(&conn)
        .call(BucketInput { bucket: far })
        .await
        .unwrap();
}

#[tokio::test]
async fn apperate_prefix_role_scans_its_prefix_and_is_denied_outside() {
    let s3 = admin_s3().await;
    let bucket = bucket_name("apperate");
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    for k in [
        "exports/2024/a.csv",
        "exports/2024/b.csv",
        "exports/c.csv",
        "secret/d.csv",
        "e.csv",
    ] {
        put(&s3, &bucket, k, "1").await;
    }
    let policy = bucket_prefix_read_policy(&bucket, Some("exports"), "aws")
        .unwrap()
        .to_json_compact();
    let conn = connect_with(&policy, AccessLevel::ReadOnly).await;

    let want: BTreeSet<String> = ["exports/2024/a.csv", "exports/2024/b.csv", "exports/c.csv"]
        .map(String::from)
        .into();
    for opts in [ObjectOptions::default(), ObjectOptions::default().plain()] {
        let (objs, sk) =
            records(&ObjectScanner::new(&conn, &bucket, opts.prefix("exports/")).unwrap()).await;
        assert!(sk.is_empty(), "{sk:?}");
        assert_eq!(
            objs.iter().map(|o| o.key.clone()).collect::<BTreeSet<_>>(),
            want
        );
    }
    let got = GetObject::new(&conn)
        .call(serde_json::from_value(json!({"bucket": bucket, "key": "exports/c.csv"})).unwrap())
        .await
        .unwrap();
    assert_eq!(got.text.as_deref(), Some("1"));

    // Tags are not in that policy: each object's tags are a skipped part, the records stay and
    // say their tags are unread.
    let (objs, sk) = records(
        &ObjectScanner::new(
            &conn,
            &bucket,
            ObjectOptions::default().prefix("exports/").tags(true),
        )
        .unwrap(),
    )
    .await;
    assert_eq!(objs.len(), 3);
    assert!(objs
        .iter()
        .all(|o| o.tags.is_none() && o.unread == ["tags"]));
    assert_eq!(sk.len(), 3, "{sk:?}");
    assert!(sk
        .iter()
        .all(|s| s.kind == ErrorKind::AccessDenied && s.part.starts_with("s3:GetObjectTagging")));

    // Outside: another bucket's listing is denied by the server: a skipped part, not an
    // incomplete one (the customer did not grant it). (moto does not evaluate the
    // `s3:prefix` condition of identity policies, so a listing of this bucket outside
    // `exports/` is let through by the emulator, where AWS denies it; reads outside the prefix
    // are denied by resource ARN, which moto does check.)
    let other = bucket_name("apperate-other");
    s3.create_bucket().bucket(&other).send().await.unwrap();
    put(&s3, &other, "exports/x.csv", "1").await;
    let scanner =
        ObjectScanner::new(&conn, &other, ObjectOptions::default().prefix("exports/")).unwrap();
    let mut st = scanner.scan();
    let mut denied = false;
    while let Some(item) = st.next().await {
        match item {
            Err(e) => panic!("a denied listing is skipped, not incomplete: {e}"),
            Ok(ScanItem::Record(r)) => panic!("listed {} in another bucket", r.key),
            Ok(ScanItem::Skipped(s)) => {
                assert_eq!(s.kind, ErrorKind::AccessDenied, "{s:?}");
                if s.part.starts_with("s3:ListBucket ") {
                    denied = true;
                } else {
                    assert!(s.part.starts_with("s3:GetBucketLocation"), "{s:?}");
                }
            }
        }
    }
    assert!(denied, "listing another bucket was not denied");
    for key in ["e.csv", "secret/d.csv"] {
        let err = GetObject::new(&conn)
            .call(serde_json::from_value(json!({"bucket": bucket, "key": key})).unwrap())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AccessDenied, "{key}: {err}");
    }
    let err = GetObject::new(&conn)
        .call(serde_json::from_value(json!({"bucket": bucket, "key": "secret/d.csv"})).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    // Account-wide listing is not part of that policy: skipped, and nothing else comes.
    let mut st = BucketScanner::new(&conn).scan();
    let Ok(ScanItem::Skipped(first)) = st.next().await.unwrap() else {
        panic!("a denied ListBuckets is a skipped part")
    };
    assert_eq!(first.kind, ErrorKind::AccessDenied, "{first:?}");
    assert_eq!(first.part, "s3:ListAllMyBuckets");
    assert!(st.next().await.is_none());
}

#[tokio::test]
async fn bucket_parts_the_role_may_not_read_are_skipped_and_the_scan_goes_on() {
    let s3 = admin_s3().await;
    let b = bucket_name("partial");
    s3.create_bucket().bucket(&b).send().await.unwrap();
    // A role that may list buckets and find where they are, nothing more.
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "Resource": "*"}]})
    .to_string();
    let conn = connect_with(&policy, AccessLevel::ReadOnly).await;
    let (buckets, skipped) = records(&BucketScanner::new(&conn)).await;
    let rec = buckets
        .iter()
        .find(|r| r.name == b)
        .expect("the bucket is still listed");
    assert_eq!(rec.region.as_deref(), Some(Emulator::get().region()));
    assert_eq!(
        (rec.versioning.as_ref(), rec.tags.as_ref(), rec.has_policy),
        (None, None, None),
        "unknown, not empty: {rec:?}"
    );
    assert_eq!(
        rec.unread,
        ["versioning", "mfa_delete", "tags", "has_policy", "policy"],
        "the record says what it could not read"
    );
    let mut mine: Vec<_> = skipped
        .iter()
        .filter(|s| s.part.ends_with(&format!(" bucket={b}")))
        .map(|s| (s.part.split(' ').next().unwrap().to_owned(), s.kind))
        .collect();
    mine.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        mine,
        [
            ("s3:GetBucketPolicy".to_owned(), ErrorKind::AccessDenied),
            ("s3:GetBucketTagging".to_owned(), ErrorKind::AccessDenied),
            ("s3:GetBucketVersioning".to_owned(), ErrorKind::AccessDenied),
        ]
    );
}

/// Non-owner roles often may not call GetBucketLocation: the region comes from HeadBucket's
/// `x-amz-bucket-region` header (HeadBucket needs only `s3:ListBucket`), so buckets in three
/// regions are scanned in their own region with nothing skipped.
#[tokio::test]
async fn a_role_without_get_bucket_location_learns_each_bucket_region_from_head_bucket() {
    let emu = Emulator::get();
    let regions = [emu.region(), "eu-west-1", "ap-southeast-2"];
    let mut buckets = Vec::new();
    for region in regions {
        let name = bucket_name("noloc");
        let s3 = admin_in(region).await;
        let mut req = s3.create_bucket().bucket(&name);
        if region != "us-east-1" {
            req = req.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region))
                    .build(),
            );
        }
        req.send().await.unwrap();
        put(&s3, &name, "data/a.csv", "1").await;
        buckets.push((name, region));
    }
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
        "s3:ListAllMyBuckets", "s3:ListBucket", "s3:GetBucketVersioning",
        "s3:GetBucketTagging", "s3:GetBucketPolicy"], "Resource": "*"}]})
    .to_string();
    let conn = connect_with(&policy, AccessLevel::ReadOnly).await;
    // The role really may not call GetBucketLocation.
    let err = GetBucketLocation::new(&conn)
        .call(BucketInput {
            bucket: buckets[1].0.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");

    let (found, skipped) = records(&BucketScanner::new(&conn)).await;
    for (name, region) in &buckets {
        let r = found.iter().find(|r| &r.name == name).expect("scanned");
        assert_eq!(r.region.as_deref(), Some(*region), "{name}");
        assert!(r.unread.is_empty(), "{name}: {:?}", r.unread);
        let ours: Vec<_> = skipped
            .iter()
            .filter(|s| s.part.ends_with(name.as_str()))
            .collect();
        assert!(ours.is_empty(), "{name}: {ours:?}");
    }
    // Objects of the buckets outside the connection's region list through their own region.
    for (name, _) in &buckets[1..] {
        let scanner = ObjectScanner::new(&conn, name, ObjectOptions::default()).unwrap();
        let (objects, skipped) = records(&scanner).await;
        assert!(skipped.is_empty(), "{name}: {skipped:?}");
        assert_eq!(
            objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(),
            ["data/a.csv"]
        );
    }
}
