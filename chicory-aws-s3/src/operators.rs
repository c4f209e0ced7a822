//! S3 operators: typed inputs and outputs, declared IAM actions, offered as MCP tools.
//!
//! ReadOnly: list buckets, list objects, head object, get object (bytes up to a maximum, byte
//! ranges), get object tagging, get bucket location / versioning / tagging / policy.
//! ReadWrite: put object (multipart above a threshold), delete object, delete object version,
//! put object tagging, create bucket, delete bucket, put bucket tagging.

use crate::records::{tag_map, time, ObjectRecord};
use crate::transfer::{put_object_stream, UploadOptions, UploadOutcome};
use crate::validate::{
    check_bucket_name, check_key, check_prefix, check_region, check_tags, ByteRange,
};
use crate::{normalise_location, unchecked_s3_client, unchecked_s3_client_in};
use async_trait::async_trait;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration, Tag, Tagging};
use aws_smithy_types::base64;
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Error, ErrorKind, Operator, Result,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

fn s3_err<E>(
    e: aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
    op: Action,
    resource: String,
) -> Error
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
{
    Error::from_sdk(e, op).with_resource(resource)
}

/// The IAM action a read of an object needs: `s3:GetObjectVersion` for a given version.
pub(crate) fn read_action(versioned: bool) -> Action {
    if versioned {
        actions::s3::GET_OBJECT_VERSION
    } else {
        actions::s3::GET_OBJECT
    }
}

fn tagging(tags: &BTreeMap<String, String>) -> Result<Tagging> {
    let set = tags
        .iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| Error::invalid("tags", e.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    Tagging::builder()
        .set_tag_set(Some(set))
        .build()
        .map_err(|e| Error::invalid("tags", e.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Inputs and outputs

/// A bucket.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BucketInput {
    /// Bucket name.
    pub bucket: String,
}

/// An object, optionally one version of it.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectInput {
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// Version id; default: the latest version.
    #[serde(default)]
    pub version_id: Option<String>,
}

impl ObjectInput {
    fn check(&self) -> Result<()> {
        check_bucket_name("bucket", &self.bucket)?;
        check_key("key", &self.key)?;
        if self.version_id.as_deref() == Some("") {
            return Err(Error::invalid("version_id", "must not be empty"));
        }
        Ok(())
    }
    fn resource(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
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

/// Input of `s3_list_objects`: one page of ListObjectsV2.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListObjectsInput {
    /// Bucket name.
    pub bucket: String,
    /// Only keys under this prefix.
    #[serde(default)]
    pub prefix: Option<String>,
    /// Group keys up to this delimiter (usually `/`) into common prefixes.
    #[serde(default)]
    pub delimiter: Option<String>,
    /// Page size, 1-1000 (default 1000).
    #[serde(default)]
    pub max_keys: Option<i32>,
    /// The `next_continuation_token` of a previous page.
    #[serde(default)]
    pub continuation_token: Option<String>,
}

/// One page of objects.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ListObjectsOutput {
    /// Objects.
    pub objects: Vec<ObjectRecord>,
    /// Common prefixes (with a delimiter).
    pub common_prefixes: Vec<String>,
    /// Pass back for the next page; absent on the last.
    pub next_continuation_token: Option<String>,
}

/// An object's metadata (HeadObject).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HeadObjectOutput {
    /// Size in bytes.
    pub content_length: Option<i64>,
    /// Content type.
    pub content_type: Option<String>,
    /// Content encoding.
    pub content_encoding: Option<String>,
    /// ETag.
    pub etag: Option<String>,
    /// Last modified (RFC 3339).
    pub last_modified: Option<String>,
    /// Version id.
    pub version_id: Option<String>,
    /// Storage class (absent for STANDARD).
    pub storage_class: Option<String>,
    /// User metadata (`x-amz-meta-*`).
    pub metadata: BTreeMap<String, String>,
}

/// Input of `s3_get_object`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetObjectInput {
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// Version id; default: the latest version.
    #[serde(default)]
    pub version_id: Option<String>,
    /// Only these bytes.
    #[serde(default)]
    pub range: Option<ByteRange>,
    /// The most bytes returned (default 1 MiB, at most 16 MiB); a longer object or range is an
    /// error asking for a range.
    #[serde(default)]
    pub max_bytes: Option<u64>,
}

/// The default of [`GetObjectInput::max_bytes`].
pub const DEFAULT_MAX_BYTES: u64 = 1 << 20;
/// The largest [`GetObjectInput::max_bytes`].
pub const MAX_MAX_BYTES: u64 = 16 << 20;

/// An object's content.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GetObjectOutput {
    /// The bytes as text, when they are UTF-8.
    pub text: Option<String>,
    /// The bytes as base64, when they are not UTF-8.
    pub base64: Option<String>,
    /// Bytes returned.
    pub length: u64,
    /// `bytes start-end/total` for a ranged read.
    pub content_range: Option<String>,
    /// Content type.
    pub content_type: Option<String>,
    /// ETag.
    pub etag: Option<String>,
    /// Version id.
    pub version_id: Option<String>,
}

/// Tags of a bucket or object.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TagsOutput {
    /// Tags (empty when none).
    pub tags: BTreeMap<String, String>,
    /// The object version the tags belong to.
    pub version_id: Option<String>,
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

/// Input of `s3_put_object`. Give the body as `text` or as `base64`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PutObjectInput {
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// The body as text.
    #[serde(default)]
    pub text: Option<String>,
    /// The body as base64.
    #[serde(default)]
    pub base64: Option<String>,
    /// Content type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Bodies longer than this go up in parts (default 8 MiB, at least 5 MiB).
    #[serde(default)]
    pub multipart_threshold: Option<usize>,
    /// Part size for multipart uploads (default 8 MiB, at least 5 MiB).
    #[serde(default)]
    pub part_size: Option<usize>,
}

/// Input of `s3_delete_object`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteObjectInput {
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
}

/// Input of `s3_delete_object_version`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteObjectVersionInput {
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// The version to delete for good.
    pub version_id: String,
}

/// What a delete did.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DeleteObjectOutput {
    /// Whether a delete marker was created (versioned bucket) or deleted.
    pub delete_marker: bool,
    /// The version id of the delete marker or of the deleted version.
    pub version_id: Option<String>,
}

/// Input of `s3_put_object_tagging`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PutObjectTaggingInput {
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// Version id; default: the latest version.
    #[serde(default)]
    pub version_id: Option<String>,
    /// The tags (replacing any there were; at most 10).
    pub tags: BTreeMap<String, String>,
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
            if !(1..=10_000).contains(&n) {
                return Err(Error::invalid("max_buckets", "must be between 1 and 10000"));
            }
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
    /// Lists one page of a bucket's objects, with prefix and delimiter (ReadOnly).
    ListObjects
}

#[async_trait]
impl Operator for ListObjects {
    type Input = ListObjectsInput;
    type Output = ListObjectsOutput;
    const NAME: &'static str = "s3_list_objects";
    const DESCRIPTION: &'static str = "Lists one page of objects in an S3 bucket (ListObjectsV2), \
         optionally under a prefix and grouped by a delimiter; returns a continuation token.";
    const ACTIONS: &'static [Action] = &[actions::s3::LIST_BUCKET];
    async fn execute(
        &self,
        input: ListObjectsInput,
        _: AccessChecked<Self>,
    ) -> Result<ListObjectsOutput> {
        check_bucket_name("bucket", &input.bucket)?;
        if let Some(p) = &input.prefix {
            check_prefix("prefix", p)?;
        }
        if input.delimiter.as_deref() == Some("") {
            return Err(Error::invalid("delimiter", "must not be empty"));
        }
        if let Some(n) = input.max_keys {
            if !(1..=1000).contains(&n) {
                return Err(Error::invalid("max_keys", "must be between 1 and 1000"));
            }
        }
        let out = unchecked_s3_client(&self.conn)
            .list_objects_v2()
            .bucket(&input.bucket)
            .set_prefix(input.prefix)
            .set_delimiter(input.delimiter)
            .set_max_keys(input.max_keys)
            .set_continuation_token(input.continuation_token)
            // ListObjectsV2 leaves the owner out unless asked.
            .fetch_owner(true)
            .send()
            .await
            .map_err(|e| s3_err(e, actions::s3::LIST_BUCKET, input.bucket.clone()))?;
        let (account, region) = (self.conn.account_id(), self.conn.region());
        Ok(ListObjectsOutput {
            objects: out
                .contents()
                .iter()
                .map(|o| ObjectRecord::new(account, region, &input.bucket, o))
                .collect(),
            common_prefixes: out
                .common_prefixes()
                .iter()
                .filter_map(|p| p.prefix.clone())
                .collect(),
            next_continuation_token: out.next_continuation_token,
        })
    }
}

operator_struct! {
    /// Reads an object's metadata (ReadOnly).
    HeadObject
}

#[async_trait]
impl Operator for HeadObject {
    type Input = ObjectInput;
    type Output = HeadObjectOutput;
    const NAME: &'static str = "s3_head_object";
    const DESCRIPTION: &'static str =
        "Reads an S3 object's metadata: size, content type and encoding, ETag, user metadata.";
    const ACTIONS: &'static [Action] = &[actions::s3::GET_OBJECT, actions::s3::GET_OBJECT_VERSION];
    async fn execute(
        &self,
        input: ObjectInput,
        _: AccessChecked<Self>,
    ) -> Result<HeadObjectOutput> {
        input.check()?;
        let h = unchecked_s3_client(&self.conn)
            .head_object()
            .bucket(&input.bucket)
            .key(&input.key)
            .set_version_id(input.version_id.clone())
            .send()
            .await
            .map_err(|e| s3_err(e, read_action(input.version_id.is_some()), input.resource()))?;
        Ok(HeadObjectOutput {
            content_length: h.content_length,
            content_type: h.content_type,
            content_encoding: h.content_encoding,
            etag: h.e_tag,
            last_modified: time(h.last_modified.as_ref()),
            version_id: h.version_id,
            storage_class: h.storage_class.map(|s| s.as_str().to_owned()),
            metadata: h.metadata.unwrap_or_default().into_iter().collect(),
        })
    }
}

operator_struct! {
    /// Reads an object's bytes, or a byte range of them, up to a maximum (ReadOnly). For
    /// large bodies use [`get_object_stream`](crate::get_object_stream).
    GetObject
}

#[async_trait]
impl Operator for GetObject {
    type Input = GetObjectInput;
    type Output = GetObjectOutput;
    const NAME: &'static str = "s3_get_object";
    const DESCRIPTION: &'static str = "Reads an S3 object's content (or a byte range of it), up \
         to max_bytes; returns text when it is UTF-8, else base64.";
    const ACTIONS: &'static [Action] = &[actions::s3::GET_OBJECT, actions::s3::GET_OBJECT_VERSION];
    async fn execute(
        &self,
        input: GetObjectInput,
        _: AccessChecked<Self>,
    ) -> Result<GetObjectOutput> {
        check_bucket_name("bucket", &input.bucket)?;
        check_key("key", &input.key)?;
        let max = input.max_bytes.unwrap_or(DEFAULT_MAX_BYTES);
        if !(1..=MAX_MAX_BYTES).contains(&max) {
            return Err(Error::invalid("max_bytes", "must be between 1 and 16 MiB"));
        }
        if let Some(r) = &input.range {
            r.check()?;
            if r.len().is_some_and(|n| n > max) {
                return Err(Error::invalid(
                    "range",
                    "the range is longer than max_bytes",
                ));
            }
        }
        let out = crate::transfer::get_object_stream(
            &self.conn,
            &input.bucket,
            &input.key,
            input.version_id.as_deref(),
            input.range,
        )
        .await?;
        let len = out.content_length.unwrap_or(0).max(0) as u64;
        if len > max {
            // The body is dropped unread: the connection is closed, not drained.
            return Err(Error::invalid(
                "max_bytes",
                format!(
                    "the object (or range) is {len} bytes, more than max_bytes {max}; read a \
                     byte range or stream it"
                ),
            )
            .with_resource(format!("s3://{}/{}", input.bucket, input.key)));
        }
        // Read to max_bytes at most, whatever Content-Length said (or if it said nothing: a
        // chunked answer).
        let mut body = out.body;
        let mut bytes = Vec::with_capacity(len.min(max) as usize);
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                Error::new(ErrorKind::Service, "reading the object failed").with_source(e)
            })?;
            if (bytes.len() + chunk.len()) as u64 > max {
                return Err(Error::invalid(
                    "max_bytes",
                    format!(
                        "the object (or range) is more than max_bytes {max} bytes; read a byte \
                         range or stream it"
                    ),
                )
                .with_resource(format!("s3://{}/{}", input.bucket, input.key)));
            }
            bytes.extend_from_slice(&chunk);
        }
        let length = bytes.len() as u64;
        let (text, base64) = match std::str::from_utf8(&bytes) {
            Ok(t) => (Some(t.to_owned()), None),
            Err(_) => (None, Some(base64::encode(&bytes))),
        };
        Ok(GetObjectOutput {
            text,
            base64,
            length,
            content_range: out.content_range,
            content_type: out.content_type,
            etag: out.etag,
            version_id: out.version_id,
        })
    }
}

operator_struct! {
    /// Reads an object's tags (ReadOnly).
    GetObjectTagging
}

#[async_trait]
impl Operator for GetObjectTagging {
    type Input = ObjectInput;
    type Output = TagsOutput;
    const NAME: &'static str = "s3_get_object_tagging";
    const DESCRIPTION: &'static str = "Reads an S3 object's tags.";
    const ACTIONS: &'static [Action] = &[
        actions::s3::GET_OBJECT_TAGGING,
        actions::s3::GET_OBJECT_VERSION_TAGGING,
    ];
    async fn execute(&self, input: ObjectInput, _: AccessChecked<Self>) -> Result<TagsOutput> {
        input.check()?;
        let out = unchecked_s3_client(&self.conn)
            .get_object_tagging()
            .bucket(&input.bucket)
            .key(&input.key)
            .set_version_id(input.version_id.clone())
            .send()
            .await
            .map_err(|e| s3_err(e, actions::s3::GET_OBJECT_TAGGING, input.resource()))?;
        Ok(TagsOutput {
            tags: tag_map(out.tag_set()),
            version_id: out.version_id,
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
            .map_err(|e| s3_err(e, actions::s3::GET_BUCKET_LOCATION, input.bucket.clone()))?;
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
            crate::compat::versioning(res).map_err(|e| e.with_resource(input.bucket.clone()))?;
        Ok(BucketVersioningOutput {
            status: status
                .map(|s| s.as_str().to_owned())
                .unwrap_or_else(|| "Disabled".to_owned()),
            mfa_delete: mfa_delete.map(|m| m.as_str().to_owned()),
        })
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
        match unchecked_s3_client(&self.conn)
            .get_bucket_tagging()
            .bucket(&input.bucket)
            .send()
            .await
        {
            Ok(out) => Ok(TagsOutput {
                tags: tag_map(out.tag_set()),
                version_id: None,
            }),
            Err(e) => {
                let e = s3_err(e, actions::s3::GET_BUCKET_TAGGING, input.bucket.clone());
                if e.code() == Some("NoSuchTagSet") {
                    Ok(TagsOutput {
                        tags: BTreeMap::new(),
                        version_id: None,
                    })
                } else {
                    Err(e)
                }
            }
        }
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
        match unchecked_s3_client(&self.conn)
            .get_bucket_policy()
            .bucket(&input.bucket)
            .send()
            .await
        {
            Ok(out) => Ok(BucketPolicyOutput { policy: out.policy }),
            Err(e) => {
                let e = s3_err(e, actions::s3::GET_BUCKET_POLICY, input.bucket.clone());
                if e.code() == Some("NoSuchBucketPolicy") {
                    Ok(BucketPolicyOutput { policy: None })
                } else {
                    Err(e)
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ReadWrite

operator_struct! {
    /// Writes an object; above the multipart threshold it goes up in parts (ReadWrite). For
    /// streaming bodies use [`put_object_stream`](crate::put_object_stream).
    PutObject
}

#[async_trait]
impl Operator for PutObject {
    type Input = PutObjectInput;
    type Output = UploadOutcome;
    const NAME: &'static str = "s3_put_object";
    const DESCRIPTION: &'static str = "Writes an S3 object from text or base64; large bodies go \
         up as a multipart upload.";
    const ACTIONS: &'static [Action] = &[actions::s3::PUT_OBJECT];
    const REQUIRES_ONE_OF: &'static [&'static [&'static str]] = &[&["text", "base64"]];
    async fn execute(
        &self,
        input: PutObjectInput,
        _: AccessChecked<Self>,
    ) -> Result<UploadOutcome> {
        check_bucket_name("bucket", &input.bucket)?;
        check_key("key", &input.key)?;
        let body = match (input.text, input.base64) {
            (Some(t), None) => t.into_bytes(),
            (None, Some(b)) => {
                base64::decode(&b).map_err(|_| Error::invalid("base64", "is not valid base64"))?
            }
            _ => {
                return Err(Error::invalid(
                    "text",
                    "give the body as exactly one of text or base64",
                ))
            }
        };
        let mut options = UploadOptions::default();
        if let Some(t) = input.multipart_threshold {
            options = options.multipart_threshold(t);
        }
        if let Some(p) = input.part_size {
            options = options.part_size(p);
        }
        if let Some(ct) = input.content_type {
            options = options.content_type(ct);
        }
        put_object_stream(
            &self.conn,
            &input.bucket,
            &input.key,
            std::io::Cursor::new(body),
            &options,
        )
        .await
    }
}

operator_struct! {
    /// Deletes an object (on a versioned bucket: adds a delete marker) (ReadWrite).
    DeleteObject
}

#[async_trait]
impl Operator for DeleteObject {
    type Input = DeleteObjectInput;
    type Output = DeleteObjectOutput;
    const NAME: &'static str = "s3_delete_object";
    const DESCRIPTION: &'static str =
        "Deletes an S3 object (on a versioned bucket, adds a delete marker).";
    const ACTIONS: &'static [Action] = &[actions::s3::DELETE_OBJECT];
    async fn execute(
        &self,
        input: DeleteObjectInput,
        _: AccessChecked<Self>,
    ) -> Result<DeleteObjectOutput> {
        check_bucket_name("bucket", &input.bucket)?;
        check_key("key", &input.key)?;
        let out = unchecked_s3_client(&self.conn)
            .delete_object()
            .bucket(&input.bucket)
            .key(&input.key)
            .send()
            .await
            .map_err(|e| {
                s3_err(
                    e,
                    actions::s3::DELETE_OBJECT,
                    format!("s3://{}/{}", input.bucket, input.key),
                )
            })?;
        Ok(DeleteObjectOutput {
            delete_marker: out.delete_marker.unwrap_or(false),
            version_id: out.version_id,
        })
    }
}

operator_struct! {
    /// Deletes one version of an object for good (ReadWrite).
    DeleteObjectVersion
}

#[async_trait]
impl Operator for DeleteObjectVersion {
    type Input = DeleteObjectVersionInput;
    type Output = DeleteObjectOutput;
    const NAME: &'static str = "s3_delete_object_version";
    const DESCRIPTION: &'static str =
        "Deletes one version (or delete marker) of an S3 object permanently.";
    const ACTIONS: &'static [Action] = &[actions::s3::DELETE_OBJECT_VERSION];
    async fn execute(
        &self,
        input: DeleteObjectVersionInput,
        _: AccessChecked<Self>,
    ) -> Result<DeleteObjectOutput> {
        check_bucket_name("bucket", &input.bucket)?;
        check_key("key", &input.key)?;
        if input.version_id.is_empty() {
            return Err(Error::invalid("version_id", "must not be empty"));
        }
        let out = unchecked_s3_client(&self.conn)
            .delete_object()
            .bucket(&input.bucket)
            .key(&input.key)
            .version_id(&input.version_id)
            .send()
            .await
            .map_err(|e| {
                s3_err(
                    e,
                    actions::s3::DELETE_OBJECT_VERSION,
                    format!(
                        "s3://{}/{}?versionId={}",
                        input.bucket, input.key, input.version_id
                    ),
                )
            })?;
        Ok(DeleteObjectOutput {
            delete_marker: out.delete_marker.unwrap_or(false),
            version_id: out.version_id,
        })
    }
}

operator_struct! {
    /// Replaces an object's tags (ReadWrite).
    PutObjectTagging
}

#[async_trait]
impl Operator for PutObjectTagging {
    type Input = PutObjectTaggingInput;
    type Output = Done;
    const NAME: &'static str = "s3_put_object_tagging";
    const DESCRIPTION: &'static str = "Replaces an S3 object's tags (at most 10).";
    const ACTIONS: &'static [Action] = &[
        actions::s3::PUT_OBJECT_TAGGING,
        actions::s3::PUT_OBJECT_VERSION_TAGGING,
    ];
    async fn execute(&self, input: PutObjectTaggingInput, _: AccessChecked<Self>) -> Result<Done> {
        check_bucket_name("bucket", &input.bucket)?;
        check_key("key", &input.key)?;
        check_tags("tags", input.tags.iter(), 10)?;
        let resource = format!("s3://{}/{}", input.bucket, input.key);
        unchecked_s3_client(&self.conn)
            .put_object_tagging()
            .bucket(&input.bucket)
            .key(&input.key)
            .set_version_id(input.version_id)
            .tagging(tagging(&input.tags)?)
            .send()
            .await
            .map_err(|e| s3_err(e, actions::s3::PUT_OBJECT_TAGGING, resource.clone()))?;
        Ok(Done {
            resource,
            region: None,
        })
    }
}

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
        req.send()
            .await
            .map_err(|e| s3_err(e, actions::s3::CREATE_BUCKET, input.bucket.clone()))?;
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
            .map_err(|e| s3_err(e, actions::s3::DELETE_BUCKET, input.bucket.clone()))?;
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
        check_tags("tags", input.tags.iter(), 50)?;
        unchecked_s3_client(&self.conn)
            .put_bucket_tagging()
            .bucket(&input.bucket)
            .tagging(tagging(&input.tags)?)
            .send()
            .await
            .map_err(|e| s3_err(e, actions::s3::PUT_BUCKET_TAGGING, input.bucket.clone()))?;
        Ok(Done {
            resource: format!("s3://{}", input.bucket),
            region: None,
        })
    }
}
