//! The records the S3 scanners yield: one serde struct per resource kind, each carrying the
//! account and region it came from.

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use serde::Serialize;
use std::collections::BTreeMap;

pub(crate) fn time(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}

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

/// An S3 object (the latest version).
///
/// An enrichment that could not be read (HeadObject, GetObjectTagging) leaves its fields
/// `None` and names them in [`unread`](Self::unread); the scan yields the read's outcome beside
/// the record.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "s3_object")]
pub struct ObjectRecord {
    /// Account scanned.
    pub account_id: String,
    /// The bucket's region.
    pub region: String,
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// Size in bytes.
    pub size: Option<i64>,
    /// ETag (quoted, as S3 returns it).
    pub etag: Option<String>,
    /// Last modified (RFC 3339).
    pub last_modified: Option<String>,
    /// Storage class, e.g. `STANDARD`.
    pub storage_class: Option<String>,
    /// Owner id, when S3 returns it.
    pub owner_id: Option<String>,
    /// Owner display name, when S3 returns it.
    pub owner_name: Option<String>,
    /// Content type (HeadObject; only with the `head` option).
    pub content_type: Option<String>,
    /// Content encoding (HeadObject; only with the `head` option).
    pub content_encoding: Option<String>,
    /// Tags (GetObjectTagging; only with the `tags` option).
    pub tags: Option<BTreeMap<String, String>>,
    /// The fields asked for that could not be read (left out of the JSON when empty):
    /// `content_type` and `content_encoding` (HeadObject), `tags` (GetObjectTagging).
    // `default`: only for the JSON Schema, which must not require a field the JSON leaves out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<String>,
}

impl ObjectRecord {
    pub(crate) fn new(
        account_id: &str,
        region: &str,
        bucket: &str,
        o: &aws_sdk_s3::types::Object,
    ) -> Self {
        ObjectRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            bucket: bucket.to_owned(),
            key: o.key.clone().unwrap_or_default(),
            size: o.size,
            etag: o.e_tag.clone(),
            last_modified: time(o.last_modified.as_ref()),
            storage_class: o.storage_class.as_ref().map(|s| s.as_str().to_owned()),
            owner_id: o.owner.as_ref().and_then(|o| o.id.clone()),
            owner_name: o.owner.as_ref().and_then(|o| o.display_name.clone()),
            content_type: None,
            content_encoding: None,
            tags: None,
            unread: Vec::new(),
        }
    }
}

/// One version of an S3 object, or a delete marker.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "s3_object_version")]
pub struct ObjectVersionRecord {
    /// Account scanned.
    pub account_id: String,
    /// The bucket's region.
    pub region: String,
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// Version id (`null` for objects written before versioning was enabled).
    pub version_id: Option<String>,
    /// Whether this is the current version.
    pub is_latest: bool,
    /// Whether this is a delete marker (no size, no ETag).
    pub delete_marker: bool,
    /// Size in bytes (versions only).
    pub size: Option<i64>,
    /// ETag (versions only).
    pub etag: Option<String>,
    /// Last modified (RFC 3339).
    pub last_modified: Option<String>,
    /// Storage class (versions only).
    pub storage_class: Option<String>,
    /// Owner id, when S3 returns it.
    pub owner_id: Option<String>,
}

pub(crate) fn tag_map(tags: &[aws_sdk_s3::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect()
}

chicory_aws_core::record_kind!(
    BucketRecord => "s3_bucket",
    ObjectRecord => "s3_object",
    ObjectVersionRecord => "s3_object_version",
);
