//! Buckets: the bucket record and scanner, where a bucket lives, and the bucket operators
//! (list, location, versioning, tagging, policy; create, delete, put tagging).

use crate::client::{at_bucket, unchecked_s3_client, unchecked_s3_client_in, Clients};
use crate::records::time;
use crate::scanning::{default_concurrency, Failed};
use crate::tags::{tag_map, tagging, TagsOutput};
use crate::validate::{check_bucket_name, check_page_size, check_region};
use async_trait::async_trait;
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration, MfaDeleteStatus,
};
use chicory_aws_core::scan::{paged, read, Concurrency, Page, Part, ScanStream, ScanStreamExt};
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Connection, Error, Operator, Result, ScanItem,
    Scanner, Skipped,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// An S3 bucket and its configuration.
///
/// A field that could not be read is `None` here and named in [`unread`](Self::unread); the
/// scan yields the read's outcome beside the record (skipped when denied or vanished, an
/// incomplete part otherwise). A bucket without tags has `tags: Some({})` (`NoSuchTagSet`), one
/// without a policy `policy: None` and `has_policy: Some(false)` (`NoSuchBucketPolicy`): those
/// are answers, not unread fields.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "s3_bucket")]
pub struct BucketRecord {
    /// Account scanned.
    pub account_id: String,
    /// The bucket's region: the `x-amz-bucket-region` header of HeadBucket (which needs only
    /// `s3:ListBucket`), else GetBucketLocation (normalised: `us-east-1` for the legacy empty
    /// answer, `eu-west-1` for `EU`), else ListBuckets' `BucketRegion`; `None` when none of
    /// them could be read.
    pub region: Option<String>,
    /// Bucket name.
    pub name: String,
    /// ARN, `arn:aws:s3:::name` (`aws-cn` or `aws-us-gov` in those partitions).
    pub arn: String,
    /// Creation date (RFC 3339).
    pub creation_date: Option<String>,
    /// Versioning: `Enabled`, `Suspended`, or `Disabled` (never enabled); `None` if unread.
    pub versioning: Option<String>,
    /// MFA delete: `Enabled` / `Disabled` when reported.
    pub mfa_delete: Option<String>,
    /// Tags; `None` if unread.
    pub tags: Option<BTreeMap<String, String>>,
    /// Whether a bucket policy exists; `None` if unread.
    pub has_policy: Option<bool>,
    /// The bucket policy document (JSON text).
    pub policy: Option<String>,
    /// The fields that could not be read (left out of the JSON when empty): `region`
    /// (neither HeadBucket, GetBucketLocation nor ListBuckets gave one), `versioning` (with
    /// `mfa_delete`), `tags`, `policy` (with `has_policy`).
    // `default`: only for the JSON Schema, which must not require a field the JSON leaves out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<String>,
}

chicory_aws_core::record_kind!(BucketRecord => "s3_bucket");

/// A GetBucketLocation answer as a region: none or empty means `us-east-1`, the legacy `EU`
/// means `eu-west-1`.
pub fn normalise_location(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".to_owned(),
        Some("EU") => "eu-west-1".to_owned(),
        Some(r) => r.to_owned(),
    }
}

/// The region S3 names in the `x-amz-bucket-region` header of a HeadBucket answer, which it
/// sends on success, on a redirect to another region and on a 403 alike: a role that may not
/// call GetBucketLocation (common for non-owner roles) still learns the region. `None` when
/// the answer has no such header (the bucket is gone, or the request never got an answer).
async fn header_region(clients: &Clients, bucket: &str) -> Option<String> {
    match clients.home().head_bucket().bucket(bucket).send().await {
        Ok(out) => out.bucket_region,
        Err(e) => e
            .raw_response()
            .and_then(|r| r.headers().get("x-amz-bucket-region"))
            .map(str::to_owned),
    }
    .filter(|r| !r.is_empty())
}

/// Reads `bucket`'s region: the `x-amz-bucket-region` header of HeadBucket first, then
/// GetBucketLocation (any region's endpoint answers both).
async fn location(clients: &Clients, bucket: &str) -> std::result::Result<String, Result<Skipped>> {
    if let Some(region) = header_region(clients, bucket).await {
        return Ok(region);
    }
    let client = clients.home();
    let part = Part::new(actions::s3::GET_BUCKET_LOCATION, "").with("bucket", bucket);
    read(&part, clients.retry(), || {
        let req = client.get_bucket_location().bucket(bucket);
        async move {
            req.send()
                .await
                .map(|o| normalise_location(o.location_constraint().map(|c| c.as_str())))
        }
    })
    .await
}

/// Where `bucket` lives: `given`, else HeadBucket's region header, else GetBucketLocation.
/// When neither can be read the connection's region is used, and GetBucketLocation's outcome
/// comes first in the scan: skipped when denied (or the bucket is gone), incomplete otherwise.
pub(crate) async fn bucket_region<R>(
    clients: &Clients,
    bucket: &str,
    given: Option<String>,
) -> (String, Option<Result<ScanItem<R>>>) {
    if let Some(r) = given {
        return (r, None);
    }
    match location(clients, bucket).await {
        Ok(region) => (region, None),
        Err(outcome) => (
            clients.conn.region().to_owned(),
            Some(outcome.map(ScanItem::Skipped)),
        ),
    }
}

/// `res`, or `absent()` when its error is one of `codes`: S3 answers a read of a bucket without
/// tags or policy with an error (`NoSuchTagSet`, `NoSuchBucketPolicy`) that is an answer, not a
/// failure.
fn or_absent<T>(res: Result<T>, codes: &[&str], absent: impl FnOnce() -> T) -> Result<T> {
    res.or_else(|e| {
        if e.code().is_some_and(|c| codes.contains(&c)) {
            Ok(absent())
        } else {
            Err(e)
        }
    })
}

/// A bucket's versioning status as a name (`Disabled` when never enabled), and its MFA delete.
fn versioning_names(
    status: Option<BucketVersioningStatus>,
    mfa_delete: Option<MfaDeleteStatus>,
) -> (String, Option<String>) {
    (
        status
            .map(|s| s.as_str().to_owned())
            .unwrap_or_else(|| "Disabled".to_owned()),
        mfa_delete.map(|m| m.as_str().to_owned()),
    )
}

/// Scans every bucket of the account: region, versioning, tags and policy, `concurrency`
/// buckets at a time. Each bucket's configuration is read through a client for its own region.
///
/// ListBuckets is paged (`page_size` buckets a page). A bucket without tags or policy
/// (`NoSuchTagSet`, `NoSuchBucketPolicy`) is a normal answer. A configuration read that fails
/// leaves its fields `None`, names them in the record's `unread`, and is yielded beside the
/// record: [`ScanItem::Skipped`] when denied, an incomplete part (`Err`) otherwise.
#[derive(Debug, Clone)]
pub struct BucketScanner {
    clients: Arc<Clients>,
    concurrency: Concurrency,
    page_size: i32,
}

impl BucketScanner {
    /// A scanner over `conn`, reading 16 buckets at a time, listing 10,000 buckets a page.
    pub fn new(conn: &Connection) -> Self {
        BucketScanner {
            clients: Clients::new(conn),
            concurrency: default_concurrency(),
            page_size: 10_000,
        }
    }

    /// How many buckets are read at once (1..=64).
    pub fn concurrency(mut self, n: usize) -> Result<Self> {
        self.concurrency = Concurrency::new("concurrency", n)?;
        Ok(self)
    }

    /// Buckets per ListBuckets page (`MaxBuckets`, 1..=10,000; default 10,000).
    pub fn page_size(mut self, n: i32) -> Result<Self> {
        check_page_size("page_size", n, 10_000)?;
        self.page_size = n;
        Ok(self)
    }
}

impl Scanner for BucketScanner {
    type Record = BucketRecord;
    fn name(&self) -> &'static str {
        "s3_buckets"
    }
    fn actions(&self) -> &'static [Action] {
        &[
            actions::s3::LIST_ALL_MY_BUCKETS,
            actions::s3::LIST_BUCKET,
            actions::s3::GET_BUCKET_LOCATION,
            actions::s3::GET_BUCKET_VERSIONING,
            actions::s3::GET_BUCKET_TAGGING,
            actions::s3::GET_BUCKET_POLICY,
        ]
    }
    fn scan(&self) -> ScanStream<BucketRecord> {
        let clients = self.clients.clone();
        let req = clients.home().list_buckets().max_buckets(self.page_size);
        let part = Part::new(actions::s3::LIST_ALL_MY_BUCKETS, "");
        paged(part, clients.retry(), move |token: Option<String>| {
            let req = req.clone().set_continuation_token(token);
            async move {
                req.send().await.map(|out| {
                    let next = out.continuation_token.filter(|t| !t.is_empty());
                    Page::new(out.buckets.unwrap_or_default(), next)
                })
            }
        })
        .then_records(self.concurrency, move |b| {
            describe_bucket(clients.clone(), b)
        })
    }
}

async fn describe_bucket(
    clients: Arc<Clients>,
    b: aws_sdk_s3::types::Bucket,
) -> Vec<Result<ScanItem<BucketRecord>>> {
    let name = b.name.clone().unwrap_or_default();
    let part = |action: Action| Part::new(action, "").with("bucket", name.as_str());
    let retry = clients.retry();
    let mut failed = Failed::new();
    // Where the bucket lives; ListBuckets' own BucketRegion (when the server sends it) stands
    // in when GetBucketLocation cannot be read.
    let region = failed
        .value(location(&clients, &name).await, &[])
        .or_else(|| b.bucket_region.clone());
    if region.is_none() {
        failed.fields.push("region".to_owned());
    }
    let client = clients.get(region.as_deref().unwrap_or(clients.conn.region()));
    let parts = [
        part(actions::s3::GET_BUCKET_VERSIONING),
        part(actions::s3::GET_BUCKET_TAGGING),
        part(actions::s3::GET_BUCKET_POLICY),
    ];
    let (versioning, tags, policy) = tokio::join!(
        read(&parts[0], retry, || {
            let req = client.get_bucket_versioning().bucket(&name);
            async move { crate::compat::versioning(req.send().await) }
        }),
        read(&parts[1], retry, || {
            let (req, part) = (client.get_bucket_tagging().bucket(&name), &parts[1]);
            async move {
                // No tag set is an answer: no tags.
                let res = req.send().await.map_err(|e| part.error(e));
                let tags = res.map(|t| tag_map(t.tag_set()));
                or_absent(tags, &["NoSuchTagSet", "NoSuchTagSetError"], BTreeMap::new)
            }
        }),
        read(&parts[2], retry, || {
            let (req, part) = (client.get_bucket_policy().bucket(&name), &parts[2]);
            async move {
                // No policy is an answer.
                let res = req.send().await.map_err(|e| part.error(e));
                or_absent(res.map(|p| p.policy), &["NoSuchBucketPolicy"], || None)
            }
        }),
    );
    let versioning = failed.value(versioning, &["versioning", "mfa_delete"]);
    let tags = failed.value(tags, &["tags"]);
    let policy = failed.value(policy, &["has_policy", "policy"]);
    let (versioning, mfa_delete) = match versioning {
        Some((status, mfa_delete)) => {
            let (status, mfa_delete) = versioning_names(status, mfa_delete);
            (Some(status), mfa_delete)
        }
        None => (None, None),
    };
    let record = BucketRecord {
        account_id: clients.conn.account_id().to_owned(),
        region,
        arn: format!("arn:{}:s3:::{name}", clients.conn.partition()),
        creation_date: time(b.creation_date.as_ref()),
        versioning,
        mfa_delete,
        tags,
        has_policy: policy.as_ref().map(Option::is_some),
        policy: policy.flatten(),
        unread: std::mem::take(&mut failed.fields),
        name,
    };
    failed.with(record)
}

// ---------------------------------------------------------------------------------------------
// Operators: inputs and outputs

/// A bucket.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BucketInput {
    /// Bucket name.
    pub bucket: String,
}

/// Input of `s3_list_buckets`: one page.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListBucketsInput {
    /// Page size, 1-10000 (default: all, up to S3's limit).
    #[serde(default)]
    pub max_buckets: Option<i32>,
    /// The `continuation_token` of a previous page.
    #[serde(default)]
    pub continuation_token: Option<String>,
}

/// A bucket in a listing.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BucketSummary {
    /// Name.
    pub name: String,
    /// Creation date (RFC 3339).
    pub creation_date: Option<String>,
    /// Region, when S3 includes it in the listing.
    pub region: Option<String>,
}

/// One page of buckets.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ListBucketsOutput {
    /// Buckets.
    pub buckets: Vec<BucketSummary>,
    /// Pass back for the next page; absent on the last.
    pub continuation_token: Option<String>,
}

/// A bucket's region.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BucketLocationOutput {
    /// Region, normalised (`us-east-1` for the legacy empty answer, `eu-west-1` for `EU`).
    pub region: String,
}

/// A bucket's versioning.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BucketVersioningOutput {
    /// `Enabled`, `Suspended` or `Disabled` (never enabled).
    pub status: String,
    /// MFA delete, when reported.
    pub mfa_delete: Option<String>,
}

/// A bucket's policy.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BucketPolicyOutput {
    /// The policy document (JSON text); absent when the bucket has none.
    pub policy: Option<String>,
}

/// Input of `s3_create_bucket`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBucketInput {
    /// Bucket name.
    pub bucket: String,
    /// Region; default: the connection's.
    #[serde(default)]
    pub region: Option<String>,
}

/// Input of `s3_put_bucket_tagging`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PutBucketTaggingInput {
    /// Bucket name.
    pub bucket: String,
    /// The tags (replacing any there were; at most 50).
    pub tags: BTreeMap<String, String>,
}

/// A write that has nothing to report but where it happened.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Done {
    /// The resource written, e.g. `s3://bucket` or `s3://bucket/key`.
    pub resource: String,
    /// The region, where it matters.
    pub region: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// ReadOnly

operator_struct! {
    /// Lists the account's buckets, one page per call (ReadOnly).
    ListBuckets
}

#[async_trait]
impl Operator for ListBuckets {
    type Input = ListBucketsInput;
    type Output = ListBucketsOutput;
    const NAME: &'static str = "s3_list_buckets";
    const DESCRIPTION: &'static str = "Lists the S3 buckets of the account: name, creation date.";
    const ACTIONS: &'static [Action] = &[actions::s3::LIST_ALL_MY_BUCKETS];
    async fn execute(
        &self,
        input: ListBucketsInput,
        _: AccessChecked<Self>,
    ) -> Result<ListBucketsOutput> {
        if let Some(n) = input.max_buckets {
            check_page_size("max_buckets", n, 10_000)?;
        }
        let out = unchecked_s3_client(&self.conn)
            .list_buckets()
            .set_max_buckets(input.max_buckets)
            .set_continuation_token(input.continuation_token)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, actions::s3::LIST_ALL_MY_BUCKETS))?;
        Ok(ListBucketsOutput {
            buckets: out
                .buckets()
                .iter()
                .map(|b| BucketSummary {
                    name: b.name.clone().unwrap_or_default(),
                    creation_date: time(b.creation_date.as_ref()),
                    region: b.bucket_region.clone(),
                })
                .collect(),
            continuation_token: out.continuation_token,
        })
    }
}

operator_struct! {
    /// Reads a bucket's region (ReadOnly).
    GetBucketLocation
}

#[async_trait]
impl Operator for GetBucketLocation {
    type Input = BucketInput;
    type Output = BucketLocationOutput;
    const NAME: &'static str = "s3_get_bucket_location";
    const DESCRIPTION: &'static str = "Reads the region an S3 bucket lives in.";
    const ACTIONS: &'static [Action] = &[actions::s3::GET_BUCKET_LOCATION];
    async fn execute(
        &self,
        input: BucketInput,
        _: AccessChecked<Self>,
    ) -> Result<BucketLocationOutput> {
        check_bucket_name("bucket", &input.bucket)?;
        let out = unchecked_s3_client(&self.conn)
            .get_bucket_location()
            .bucket(&input.bucket)
            .send()
            .await
            .map_err(|e| {
                at_bucket(
                    Error::from_sdk(e, actions::s3::GET_BUCKET_LOCATION),
                    &input.bucket,
                )
            })?;
        Ok(BucketLocationOutput {
            region: normalise_location(out.location_constraint.as_ref().map(|c| c.as_str())),
        })
    }
}

operator_struct! {
    /// Reads a bucket's versioning status (ReadOnly).
    GetBucketVersioning
}

#[async_trait]
impl Operator for GetBucketVersioning {
    type Input = BucketInput;
    type Output = BucketVersioningOutput;
    const NAME: &'static str = "s3_get_bucket_versioning";
    const DESCRIPTION: &'static str = "Reads an S3 bucket's versioning status.";
    const ACTIONS: &'static [Action] = &[actions::s3::GET_BUCKET_VERSIONING];
    async fn execute(
        &self,
        input: BucketInput,
        _: AccessChecked<Self>,
    ) -> Result<BucketVersioningOutput> {
        check_bucket_name("bucket", &input.bucket)?;
        let res = unchecked_s3_client(&self.conn)
            .get_bucket_versioning()
            .bucket(&input.bucket)
            .send()
            .await;
        let (status, mfa_delete) =
            crate::compat::versioning(res).map_err(|e| at_bucket(e, &input.bucket))?;
        let (status, mfa_delete) = versioning_names(status, mfa_delete);
        Ok(BucketVersioningOutput { status, mfa_delete })
    }
}

operator_struct! {
    /// Reads a bucket's tags; none is an empty map (ReadOnly).
    GetBucketTagging
}

#[async_trait]
impl Operator for GetBucketTagging {
    type Input = BucketInput;
    type Output = TagsOutput;
    const NAME: &'static str = "s3_get_bucket_tagging";
    const DESCRIPTION: &'static str = "Reads an S3 bucket's tags.";
    const ACTIONS: &'static [Action] = &[actions::s3::GET_BUCKET_TAGGING];
    async fn execute(&self, input: BucketInput, _: AccessChecked<Self>) -> Result<TagsOutput> {
        check_bucket_name("bucket", &input.bucket)?;
        let res = unchecked_s3_client(&self.conn)
            .get_bucket_tagging()
            .bucket(&input.bucket)
            .send()
            .await
            .map(|out| tag_map(out.tag_set()))
            .map_err(|e| {
                at_bucket(
                    Error::from_sdk(e, actions::s3::GET_BUCKET_TAGGING),
                    &input.bucket,
                )
            });
        Ok(TagsOutput {
            tags: or_absent(res, &["NoSuchTagSet"], BTreeMap::new)?,
            version_id: None,
        })
    }
}

operator_struct! {
    /// Reads a bucket's policy; none is `policy: null` (ReadOnly).
    GetBucketPolicy
}

#[async_trait]
impl Operator for GetBucketPolicy {
    type Input = BucketInput;
    type Output = BucketPolicyOutput;
    const NAME: &'static str = "s3_get_bucket_policy";
    const DESCRIPTION: &'static str = "Reads an S3 bucket's policy document.";
    const ACTIONS: &'static [Action] = &[actions::s3::GET_BUCKET_POLICY];
    async fn execute(
        &self,
        input: BucketInput,
        _: AccessChecked<Self>,
    ) -> Result<BucketPolicyOutput> {
        check_bucket_name("bucket", &input.bucket)?;
        let res = unchecked_s3_client(&self.conn)
            .get_bucket_policy()
            .bucket(&input.bucket)
            .send()
            .await
            .map(|out| out.policy)
            .map_err(|e| {
                at_bucket(
                    Error::from_sdk(e, actions::s3::GET_BUCKET_POLICY),
                    &input.bucket,
                )
            });
        Ok(BucketPolicyOutput {
            policy: or_absent(res, &["NoSuchBucketPolicy"], || None)?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// ReadWrite

operator_struct! {
    /// Creates a bucket in a region (ReadWrite).
    CreateBucket
}

#[async_trait]
impl Operator for CreateBucket {
    type Input = CreateBucketInput;
    type Output = Done;
    const NAME: &'static str = "s3_create_bucket";
    const DESCRIPTION: &'static str =
        "Creates an S3 bucket in a region (default: the connection's).";
    const ACTIONS: &'static [Action] = &[actions::s3::CREATE_BUCKET];
    async fn execute(&self, input: CreateBucketInput, _: AccessChecked<Self>) -> Result<Done> {
        check_bucket_name("bucket", &input.bucket)?;
        let region = input
            .region
            .unwrap_or_else(|| self.conn.region().to_owned());
        check_region("region", &region)?;
        let mut req = unchecked_s3_client_in(&self.conn, &region)
            .create_bucket()
            .bucket(&input.bucket);
        // us-east-1 takes no location constraint (S3 rejects one naming it).
        if region != "us-east-1" {
            req = req.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region.as_str()))
                    .build(),
            );
        }
        req.send().await.map_err(|e| {
            at_bucket(
                Error::from_sdk(e, actions::s3::CREATE_BUCKET),
                &input.bucket,
            )
        })?;
        Ok(Done {
            resource: format!("s3://{}", input.bucket),
            region: Some(region),
        })
    }
}

operator_struct! {
    /// Deletes an empty bucket (ReadWrite).
    DeleteBucket
}

#[async_trait]
impl Operator for DeleteBucket {
    type Input = BucketInput;
    type Output = Done;
    const NAME: &'static str = "s3_delete_bucket";
    const DESCRIPTION: &'static str = "Deletes an empty S3 bucket.";
    const ACTIONS: &'static [Action] = &[actions::s3::DELETE_BUCKET];
    async fn execute(&self, input: BucketInput, _: AccessChecked<Self>) -> Result<Done> {
        check_bucket_name("bucket", &input.bucket)?;
        unchecked_s3_client(&self.conn)
            .delete_bucket()
            .bucket(&input.bucket)
            .send()
            .await
            .map_err(|e| {
                at_bucket(
                    Error::from_sdk(e, actions::s3::DELETE_BUCKET),
                    &input.bucket,
                )
            })?;
        Ok(Done {
            resource: format!("s3://{}", input.bucket),
            region: None,
        })
    }
}

operator_struct! {
    /// Replaces a bucket's tags (ReadWrite).
    PutBucketTagging
}

#[async_trait]
impl Operator for PutBucketTagging {
    type Input = PutBucketTaggingInput;
    type Output = Done;
    const NAME: &'static str = "s3_put_bucket_tagging";
    const DESCRIPTION: &'static str = "Replaces an S3 bucket's tags (at most 50).";
    const ACTIONS: &'static [Action] = &[actions::s3::PUT_BUCKET_TAGGING];
    async fn execute(&self, input: PutBucketTaggingInput, _: AccessChecked<Self>) -> Result<Done> {
        check_bucket_name("bucket", &input.bucket)?;
        let tags = tagging(&input.tags, 50)?;
        unchecked_s3_client(&self.conn)
            .put_bucket_tagging()
            .bucket(&input.bucket)
            .tagging(tags)
            .send()
            .await
            .map_err(|e| {
                at_bucket(
                    Error::from_sdk(e, actions::s3::PUT_BUCKET_TAGGING),
                    &input.bucket,
                )
            })?;
        Ok(Done {
            resource: format!("s3://{}", input.bucket),
            region: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_location;

    #[test]
    fn legacy_locations_are_normalised() {
        assert_eq!(normalise_location(None), "us-east-1");
        assert_eq!(normalise_location(Some("")), "us-east-1");
        assert_eq!(normalise_location(Some("EU")), "eu-west-1");
        assert_eq!(normalise_location(Some("ap-south-1")), "ap-south-1");
    }
}
