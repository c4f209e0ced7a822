//! The scanner conformance suite (`chicory_aws_testkit::conformance::check_scanner`) on every
//! S3 scanner, through the fault proxy:
//! - `ObjectScanner` in fan-out (with HeadObject and GetObjectTagging enrichment), plain and
//!   one-level modes, and `ObjectVersionScanner`, against the emulator (moto) with a role
//!   holding the S3 ReadOnly policy. Needs the emulator: `bash scripts/emulator.sh start`
//!   (started if possible; the tests fail naming that command if it cannot be).
//! - `BucketScanner` against a ListBuckets fake (below), because moto's ListBuckets truncates
//!   at `max-buckets` and never answers a `ContinuationToken`: a scan of moto's buckets is one
//!   page, and the suite needs two or more.
//!
//! Then, what the suite does not fault (it faults the listing): a record's own reads (bucket
//! configuration, HeadObject, GetObjectTagging, GetBucketLocation) that are denied or fail,
//! which leave the record's fields unread and yield their outcome beside it.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketVersioningStatus, Tag, Tagging, VersioningConfiguration};
use chicory_aws_core::{
    AccessLevel, BaseCredentials, Connection, ConnectionBuilder, ConnectionParams, Error,
    ErrorKind, ScanItem, Scanner, Skipped,
};
use chicory_aws_policy::permissions::{permission_policy, Integration, PolicyOptions};
use chicory_aws_s3::{BucketScanner, ObjectOptions, ObjectScanner, ObjectVersionScanner};
use chicory_aws_testkit::conformance::{check_scanner, fast_retries};
use chicory_aws_testkit::faults::{Fault, FaultProxy, Rule};
use chicory_aws_testkit::{unique, Emulator, FakeSts, TestClock, Vendor, FAKE_EXTERNAL_ID};
use futures::StreamExt;
use std::collections::HashMap;
use std::time::Duration;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

// --- the emulator runs -----------------------------------------------------------------------

/// A vendor and a customer role holding the S3 ReadOnly policy, on the emulator.
async fn customer() -> (Vendor, ConnectionParams) {
    let policy = permission_policy(
        Integration::S3,
        AccessLevel::ReadOnly,
        &PolicyOptions::default(),
    )
    .unwrap()
    .to_json_compact();
    let ext = format!("chicory-{}", unique("conf"));
    Emulator::get()
        .customer(&ext, &[("S3Policy", policy.as_str())])
        .await
}

/// A connection builder for the role, sending S3 to `proxy` (path-style) and STS to the
/// emulator.
fn through(vendor: &Vendor, params: &ConnectionParams, proxy: String) -> ConnectionBuilder {
    Emulator::get()
        .connection(vendor, params.clone())
        .service_endpoint_url("s3", proxy)
}

async fn admin_s3() -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(&Emulator::get().admin_config().await)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

async fn put(s3: &aws_sdk_s3::Client, bucket: &str, key: &str, body: &str) {
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .content_type("text/csv")
        .body(ByteStream::from(body.as_bytes().to_vec()))
        .send()
        .await
        .unwrap();
}

/// Keys at the root and two levels below: with pages of 2, every listing of a fan-out and the
/// plain listing span two pages or more (three for the root and the plain listing).
const KEYS: [&str; 12] = [
    "top1.csv",
    "top2.csv",
    "top3.csv",
    "raw/a.csv",
    "raw/b.csv",
    "raw/c.csv",
    "raw/2024/x.csv",
    "raw/2024/y.csv",
    "raw/2024/z.csv",
    "curated/e.csv",
    "curated/f.csv",
    "curated/g.csv",
];

/// A bucket holding `KEYS`, some of them tagged.
async fn object_bucket() -> String {
    let s3 = admin_s3().await;
    let bucket = unique("conf-objects").to_lowercase();
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    for k in KEYS {
        put(&s3, &bucket, k, "id\n1\n").await;
    }
    for k in ["top1.csv", "raw/2024/x.csv"] {
        s3.put_object_tagging()
            .bucket(&bucket)
            .key(k)
            .tagging(
                Tagging::builder()
                    .tag_set(Tag::builder().key("pii").value("no").build().unwrap())
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
    bucket
}

#[tokio::test]
async fn object_scanner_fan_out_with_head_and_tags_conforms() {
    let bucket = object_bucket().await;
    let (vendor, params) = customer().await;
    check_scanner(
        Emulator::get().endpoint(),
        |proxy| through(&vendor, &params, proxy),
        |conn| {
            let options = ObjectOptions::default()
                .page_size(2)
                .concurrency(2)
                .head(true)
                .tags(true);
            ObjectScanner::new(conn, &bucket, options).unwrap()
        },
        "ListObjectsV2",
    )
    .await;
}

#[tokio::test]
async fn object_scanner_plain_conforms() {
    let bucket = object_bucket().await;
    let (vendor, params) = customer().await;
    check_scanner(
        Emulator::get().endpoint(),
        |proxy| through(&vendor, &params, proxy),
        |conn| {
            let options = ObjectOptions::default().plain().page_size(2);
            ObjectScanner::new(conn, &bucket, options).unwrap()
        },
        "ListObjectsV2",
    )
    .await;
}

#[tokio::test]
async fn object_scanner_one_level_conforms() {
    let bucket = object_bucket().await;
    let (vendor, params) = customer().await;
    check_scanner(
        Emulator::get().endpoint(),
        |proxy| through(&vendor, &params, proxy),
        |conn| {
            // raw/: a, b, c and the common prefix raw/2024/, a page each (the repeated-token
            // fault needs an answer to a token that has a next token of its own).
            let options = ObjectOptions::default()
                .prefix("raw/")
                .delimiter("/")
                .page_size(1)
                .tags(true);
            ObjectScanner::new(conn, &bucket, options).unwrap()
        },
        "ListObjectsV2",
    )
    .await;
}

#[tokio::test]
async fn object_version_scanner_conforms() {
    let s3 = admin_s3().await;
    let bucket = unique("conf-versions").to_lowercase();
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    s3.put_bucket_versioning()
        .bucket(&bucket)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    // Two versions of each of three keys, and a delete marker on one.
    for k in ["a.csv", "b.csv", "c.csv"] {
        put(&s3, &bucket, k, "1").await;
        put(&s3, &bucket, k, "2").await;
    }
    s3.delete_object()
        .bucket(&bucket)
        .key("c.csv")
        .send()
        .await
        .unwrap();
    let (vendor, params) = customer().await;
    check_scanner(
        Emulator::get().endpoint(),
        |proxy| through(&vendor, &params, proxy),
        |conn| {
            ObjectVersionScanner::new(conn, &bucket, None)
                .unwrap()
                .page_size(2)
                .unwrap()
        },
        "ListObjectVersions",
    )
    .await;
}

// --- the bucket scanner, on a ListBuckets fake -----------------------------------------------

/// One bucket of the fake: its region, versioning status, tags and policy.
struct FakeBucket {
    name: &'static str,
    region: &'static str,
    versioning: Option<&'static str>,
    tags: &'static [(&'static str, &'static str)],
    policy: Option<&'static str>,
}

const BUCKETS: [FakeBucket; 5] = [
    FakeBucket {
        name: "conf-a",
        region: "us-east-1",
        versioning: Some("Enabled"),
        tags: &[("team", "data")],
        policy: Some(r#"{"Version":"2012-10-17","Statement":[]}"#),
    },
    FakeBucket {
        name: "conf-b",
        region: "eu-west-1",
        versioning: None,
        tags: &[],
        policy: None,
    },
    FakeBucket {
        name: "conf-c",
        region: "us-east-1",
        versioning: Some("Suspended"),
        tags: &[("env", "prod"), ("team", "web")],
        policy: None,
    },
    FakeBucket {
        name: "conf-d",
        region: "ap-southeast-2",
        versioning: None,
        tags: &[],
        policy: Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny"}]}"#),
    },
    FakeBucket {
        name: "conf-e",
        region: "us-east-1",
        versioning: None,
        tags: &[],
        policy: None,
    },
];

/// ListBuckets (paged by `max-buckets`, the next token answered as `ContinuationToken`, as S3
/// does), GetBucketLocation, GetBucketVersioning, GetBucketTagging
/// (`NoSuchTagSet` without tags) and GetBucketPolicy (`NoSuchBucketPolicy` without a policy),
/// path-style.
struct BucketsFake;

const XMLNS: &str = r#"xmlns="http://s3.amazonaws.com/doc/2006-03-01/""#;

fn xml(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/xml")
        .set_body_string(format!(r#"<?xml version="1.0" encoding="UTF-8"?>{body}"#))
}

fn s3_error(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/xml")
        .set_body_string(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code>\
             <Message>{code}</Message><RequestId>fake</RequestId></Error>"
        ))
}

impl Respond for BucketsFake {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let q: HashMap<String, String> = req.url.query_pairs().into_owned().collect();
        let name = req.url.path().trim_matches('/');
        if name.is_empty() {
            let start: usize = q
                .get("continuation-token")
                .map(|t| t.parse().expect("a token of ours"))
                .unwrap_or(0);
            let max: usize = q
                .get("max-buckets")
                .map(|m| m.parse().unwrap())
                .unwrap_or(BUCKETS.len());
            let end = (start + max).min(BUCKETS.len());
            let buckets: String = BUCKETS[start..end]
                .iter()
                .map(|b| {
                    format!(
                        "<Bucket><Name>{}</Name><CreationDate>2024-01-01T00:00:00.000Z\
                         </CreationDate></Bucket>",
                        b.name
                    )
                })
                .collect();
            let next = if end < BUCKETS.len() {
                format!("<ContinuationToken>{end}</ContinuationToken>")
            } else {
                String::new()
            };
            return xml(format!(
                "<ListAllMyBucketsResult {XMLNS}><Owner><ID>owner</ID></Owner>\
                 <Buckets>{buckets}</Buckets>{next}</ListAllMyBucketsResult>"
            ));
        }
        let Some(b) = BUCKETS.iter().find(|b| b.name == name) else {
            return s3_error(404, "NoSuchBucket");
        };
        if q.contains_key("location") {
            let region = if b.region == "us-east-1" {
                ""
            } else {
                b.region
            };
            xml(format!(
                "<LocationConstraint {XMLNS}>{region}</LocationConstraint>"
            ))
        } else if q.contains_key("versioning") {
            let status = b
                .versioning
                .map(|s| format!("<Status>{s}</Status>"))
                .unwrap_or_default();
            xml(format!(
                "<VersioningConfiguration {XMLNS}>{status}</VersioningConfiguration>"
            ))
        } else if q.contains_key("tagging") {
            if b.tags.is_empty() {
                return s3_error(404, "NoSuchTagSet");
            }
            let tags: String = b
                .tags
                .iter()
                .map(|(k, v)| format!("<Tag><Key>{k}</Key><Value>{v}</Value></Tag>"))
                .collect();
            xml(format!(
                "<Tagging {XMLNS}><TagSet>{tags}</TagSet></Tagging>"
            ))
        } else if q.contains_key("policy") {
            match b.policy {
                Some(p) => ResponseTemplate::new(200)
                    .insert_header("content-type", "application/json")
                    .set_body_string(p),
                None => s3_error(404, "NoSuchBucketPolicy"),
            }
        } else {
            s3_error(400, "NotImplemented")
        }
    }
}

/// The STS fake, and [`BucketsFake`] on a server of its own.
async fn buckets_fake() -> (FakeSts, MockServer) {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
    let s3 = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(BucketsFake)
        .mount(&s3)
        .await;
    (sts, s3)
}

#[tokio::test]
async fn bucket_scanner_conforms() {
    let (sts, s3) = buckets_fake().await;
    check_scanner(
        &s3.uri(),
        |proxy| {
            sts.connection(AccessLevel::ReadOnly)
                .service_endpoint_url("s3", proxy)
        },
        |conn| {
            BucketScanner::new(conn)
                .concurrency(2)
                .unwrap()
                .page_size(2)
                .unwrap()
        },
        "ListBuckets",
    )
    .await;
}

/// The fake itself, without faults: every bucket once, with what it holds; no tags and no
/// policy are answers, not unread fields.
#[tokio::test]
async fn bucket_scanner_reads_the_fake_over_pages() {
    let (sts, s3) = buckets_fake().await;
    let conn = sts
        .connection(AccessLevel::ReadOnly)
        .service_endpoint_url("s3", s3.uri())
        .build()
        .await
        .unwrap();
    let scanner = BucketScanner::new(&conn).page_size(2).unwrap();
    let mut records = Vec::new();
    let mut st = scanner.scan();
    while let Some(item) = st.next().await {
        match item.unwrap() {
            ScanItem::Record(r) => records.push(r),
            ScanItem::Skipped(s) => panic!("nothing is skipped: {s:?}"),
        }
    }
    records.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(records.len(), BUCKETS.len());
    let listings = s3
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/")
        .count();
    assert_eq!(listings, 3, "5 buckets in pages of 2");
    for (r, b) in records.iter().zip(BUCKETS.iter()) {
        assert_eq!(r.name, b.name);
        assert_eq!(r.region.as_deref(), Some(b.region));
        assert_eq!(
            r.versioning.as_deref(),
            Some(b.versioning.unwrap_or("Disabled"))
        );
        let tags = r.tags.as_ref().expect("tags read");
        assert_eq!(tags.len(), b.tags.len());
        assert_eq!(r.has_policy, Some(b.policy.is_some()));
        assert_eq!(r.policy.as_deref(), b.policy);
        assert!(r.unread.is_empty(), "{r:?}");
        assert_eq!(r.arn, format!("arn:aws:s3:::{}", b.name));
    }
}

/// A bucket's ARN is in the connection's partition: `arn:aws-cn:s3:::name` for a customer in
/// China, not the `aws` partition's.
#[tokio::test]
async fn bucket_arns_are_in_the_connections_partition() {
    let (sts, s3) = buckets_fake().await;
    let params = ConnectionParams::from_json(
        &serde_json::json!({
            "role_arn": "arn:aws-cn:iam::123456789012:role/CustomerRole",
            "external_id": FAKE_EXTERNAL_ID,
            "region": "cn-north-1",
        })
        .to_string(),
    )
    .unwrap();
    let conn = Connection::builder(params)
        .endpoint_url(sts.uri())
        .service_endpoint_url("s3", s3.uri())
        .base_credentials(BaseCredentials::from_keys(
            "AKIAVENDOR0000000000",
            "vendor-secret",
        ))
        .build()
        .await
        .unwrap();
    assert_eq!(conn.partition(), "aws-cn");
    let (records, _, incomplete) = items(&BucketScanner::new(&conn)).await;
    assert!(incomplete.is_empty(), "{incomplete:?}");
    assert_eq!(records.len(), BUCKETS.len());
    for r in &records {
        assert_eq!(r.arn, format!("arn:aws-cn:s3:::{}", r.name));
    }
}

// --- beyond the listing: the reads of a record -----------------------------------------------

/// Everything a scan yields, in order.
async fn items<S: Scanner>(s: &S) -> (Vec<S::Record>, Vec<Skipped>, Vec<Error>) {
    let (mut records, mut skipped, mut incomplete) = (Vec::new(), Vec::new(), Vec::new());
    let mut st = s.scan();
    while let Some(item) = st.next().await {
        match item {
            Ok(ScanItem::Record(r)) => records.push(r),
            Ok(ScanItem::Skipped(s)) => skipped.push(s),
            Err(e) => incomplete.push(e),
        }
    }
    (records, skipped, incomplete)
}

fn ops(errors: &[Error]) -> Vec<&str> {
    let mut v: Vec<&str> = errors.iter().map(|e| e.operation().unwrap()).collect();
    v.sort();
    v
}

/// Bucket configuration reads that fail: a 500 on GetBucketLocation and throttling on
/// GetBucketTagging past every retry are incomplete parts, a denied GetBucketPolicy is skipped;
/// each record says which fields it could not read, the fields it could are there.
#[tokio::test]
async fn bucket_reads_that_fail_leave_their_fields_unread() {
    let (sts, s3) = buckets_fake().await;
    let proxy = FaultProxy::start(&s3.uri(), 7).await;
    proxy.set_rules(vec![
        Rule::new("GetBucketLocation", Fault::ServerError, 1.0),
        Rule::new("GetBucketTagging", Fault::Throttle, 1.0),
        Rule::new("GetBucketPolicy", Fault::Deny, 1.0),
    ]);
    let conn = fast_retries(
        sts.connection(AccessLevel::ReadOnly)
            .service_endpoint_url("s3", proxy.url()),
    )
    .build()
    .await
    .unwrap();
    let (records, skipped, incomplete) = items(&BucketScanner::new(&conn)).await;
    assert_eq!(records.len(), BUCKETS.len());
    for r in &records {
        assert_eq!(
            r.unread,
            ["region", "tags", "has_policy", "policy"],
            "{r:?}"
        );
        assert_eq!((&r.region, &r.tags, r.has_policy), (&None, &None, None));
        assert!(
            r.versioning.is_some(),
            "read through the connection's region"
        );
    }
    let n = BUCKETS.len();
    assert_eq!(skipped.len(), n, "{skipped:?}");
    assert!(skipped
        .iter()
        .all(|s| s.kind == ErrorKind::AccessDenied && s.part.starts_with("s3:GetBucketPolicy")));
    let mut want = vec!["s3:GetBucketLocation"; n];
    want.extend(vec!["s3:GetBucketTagging"; n]);
    assert_eq!(ops(&incomplete), want, "{incomplete:?}");
    assert!(incomplete
        .iter()
        .all(|e| e.resource().is_some_and(|r| r.starts_with("bucket=conf-"))));
}

/// Object enrichments that fail, on the emulator: throttled GetObjectTagging is incomplete,
/// denied HeadObject skipped, and each record names its unread fields. GetBucketLocation
/// answered 503 SlowDown past every retry is incomplete too, and the scan goes on in the
/// connection's region.
#[tokio::test]
async fn object_enrichments_that_fail_leave_their_fields_unread() {
    let bucket = object_bucket().await;
    let (vendor, params) = customer().await;
    let proxy = FaultProxy::start(Emulator::get().endpoint(), 7).await;
    proxy.set_rules(vec![
        // No region from HeadBucket's header either (it is tried first).
        Rule::new("HeadBucket", Fault::Deny, 1.0),
        Rule::new("GetBucketLocation", Fault::SlowDown, 1.0),
        Rule::new("GetObjectTagging", Fault::Throttle, 1.0),
        Rule::new("HeadObject", Fault::Deny, 1.0),
    ]);
    let conn: Connection = fast_retries(through(&vendor, &params, proxy.url().to_owned()))
        .build()
        .await
        .unwrap();
    let options = ObjectOptions::default().plain().head(true).tags(true);
    let scanner = ObjectScanner::new(&conn, &bucket, options).unwrap();
    let mut st = scanner.scan();
    let first = st.next().await.unwrap().unwrap_err();
    assert_eq!(first.operation(), Some("s3:GetBucketLocation"), "{first}");
    drop(st);
    let (records, skipped, incomplete) = items(&scanner).await;
    assert_eq!(records.len(), KEYS.len());
    for r in &records {
        assert_eq!(
            r.unread,
            ["content_type", "content_encoding", "tags"],
            "{r:?}"
        );
        assert_eq!((&r.content_type, &r.tags), (&None, &None));
        assert_eq!(r.region, conn.region());
    }
    assert_eq!(skipped.len(), KEYS.len(), "{skipped:?}");
    assert!(skipped
        .iter()
        .all(|s| s.kind == ErrorKind::AccessDenied && s.part.starts_with("s3:GetObject s3://")));
    let mut want = vec!["s3:GetBucketLocation"];
    want.extend(vec!["s3:GetObjectTagging"; KEYS.len()]);
    assert_eq!(ops(&incomplete), want, "{incomplete:?}");
}

/// A denied GetBucketLocation (with HeadBucket denied too) is skipped and the versions are
/// listed in the connection's region.
#[tokio::test]
async fn a_denied_bucket_location_is_skipped_and_the_scan_goes_on() {
    let bucket = object_bucket().await;
    let (vendor, params) = customer().await;
    let proxy = FaultProxy::start(Emulator::get().endpoint(), 7).await;
    // HeadBucket (tried first for the region) denied too, so the region is unknown.
    proxy.set_rules(vec![
        Rule::new("HeadBucket", Fault::Deny, 1.0),
        Rule::new("GetBucketLocation", Fault::Deny, 1.0),
    ]);
    let conn = fast_retries(through(&vendor, &params, proxy.url().to_owned()))
        .build()
        .await
        .unwrap();
    let scanner = ObjectVersionScanner::new(&conn, &bucket, None).unwrap();
    let (records, skipped, incomplete) = items(&scanner).await;
    assert!(incomplete.is_empty(), "{incomplete:?}");
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0].part.starts_with("s3:GetBucketLocation bucket="));
    assert_eq!(records.len(), KEYS.len());
    assert!(records.iter().all(|r| r.region == conn.region()));
}
