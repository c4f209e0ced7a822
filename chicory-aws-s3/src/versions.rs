//! Object versions: the version record (versions and delete markers), the version scanner,
//! and the operator that deletes one version for good.

use crate::buckets::bucket_region;
use crate::client::Clients;
use crate::objects::{delete_object, DeleteObjectOutput};
use crate::records::time;
use crate::scanning::bad_answer;
use crate::validate::{check_bucket_name, check_key, check_page_size, check_prefix, check_region};
use async_trait::async_trait;
use aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput;
use chicory_aws_core::scan::{paged, Page, Part, ScanStream};
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Connection, Error, Operator, Result, Scanner,
};
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

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

chicory_aws_core::record_kind!(ObjectVersionRecord => "s3_object_version");

/// Scans the object versions and delete markers of one bucket (ListObjectVersions), a page at
/// a time (up to 1000 a page, or `page_size`), lazily. The (key marker, version-id marker)
/// pair is the page token, so a server repeating its markers ends the listing as an
/// incomplete part instead of looping.
#[derive(Debug, Clone)]
pub struct ObjectVersionScanner {
    clients: Arc<Clients>,
    bucket: String,
    prefix: Option<String>,
    region: Option<String>,
    page_size: Option<i32>,
}

impl ObjectVersionScanner {
    /// A scanner of `bucket`'s versions under `prefix`.
    pub fn new(
        conn: &Connection,
        bucket: impl Into<String>,
        prefix: Option<String>,
    ) -> Result<Self> {
        let bucket = bucket.into();
        check_bucket_name("bucket", &bucket)?;
        if let Some(p) = &prefix {
            check_prefix("prefix", p)?;
        }
        Ok(ObjectVersionScanner {
            clients: Clients::new(conn),
            bucket,
            prefix,
            region: None,
            page_size: None,
        })
    }

    /// The bucket's region, known beforehand (default: HeadBucket's header, then
    /// GetBucketLocation).
    pub fn region(mut self, region: impl Into<String>) -> Result<Self> {
        let region = region.into();
        check_region("region", &region)?;
        self.region = Some(region);
        Ok(self)
    }

    /// Versions and delete markers per ListObjectVersions page (`MaxKeys`, 1..=1000; default:
    /// S3's 1000).
    pub fn page_size(mut self, n: i32) -> Result<Self> {
        check_page_size("page_size", n, 1000)?;
        self.page_size = Some(n);
        Ok(self)
    }
}

/// The next page's (key marker, version-id marker).
type VersionToken = (Option<String>, Option<String>);

/// What the version records of one bucket carry.
struct VersionListing {
    account_id: String,
    region: String,
    bucket: String,
}

impl VersionListing {
    /// A page's versions and delete markers, and the markers of the next page.
    fn page(
        &self,
        part: &Part,
        out: ListObjectVersionsOutput,
    ) -> Result<Page<ObjectVersionRecord, VersionToken>> {
        let next = (
            out.next_key_marker.clone(),
            out.next_version_id_marker.clone(),
        );
        let next = match (out.is_truncated == Some(true), next) {
            (false, _) => None,
            (true, (None, None)) => {
                return Err(bad_answer(part, "a truncated page without next markers"))
            }
            (true, markers) => Some(markers),
        };
        let mut items: Vec<ObjectVersionRecord> = out
            .versions()
            .iter()
            .map(|v| ObjectVersionRecord {
                account_id: self.account_id.clone(),
                region: self.region.clone(),
                bucket: self.bucket.clone(),
                key: v.key.clone().unwrap_or_default(),
                version_id: v.version_id.clone(),
                is_latest: v.is_latest.unwrap_or(false),
                delete_marker: false,
                size: v.size,
                etag: v.e_tag.clone(),
                last_modified: time(v.last_modified.as_ref()),
                storage_class: v.storage_class.as_ref().map(|s| s.as_str().to_owned()),
                owner_id: v.owner.as_ref().and_then(|o| o.id.clone()),
            })
            .collect();
        items.extend(out.delete_markers().iter().map(|d| ObjectVersionRecord {
            account_id: self.account_id.clone(),
            region: self.region.clone(),
            bucket: self.bucket.clone(),
            key: d.key.clone().unwrap_or_default(),
            version_id: d.version_id.clone(),
            is_latest: d.is_latest.unwrap_or(false),
            delete_marker: true,
            size: None,
            etag: None,
            last_modified: time(d.last_modified.as_ref()),
            storage_class: None,
            owner_id: d.owner.as_ref().and_then(|o| o.id.clone()),
        }));
        Ok(Page::new(items, next))
    }
}

impl Scanner for ObjectVersionScanner {
    type Record = ObjectVersionRecord;
    fn name(&self) -> &'static str {
        "s3_object_versions"
    }
    fn actions(&self) -> &'static [Action] {
        &[
            actions::s3::LIST_BUCKET,
            actions::s3::GET_BUCKET_LOCATION,
            actions::s3::LIST_BUCKET_VERSIONS,
        ]
    }
    fn scan(&self) -> ScanStream<ObjectVersionRecord> {
        let (clients, bucket, prefix, region, page_size) = (
            self.clients.clone(),
            self.bucket.clone(),
            self.prefix.clone(),
            self.region.clone(),
            self.page_size,
        );
        stream::once(async move {
            let (region, first) = bucket_region(&clients, &bucket, region).await;
            let req = clients
                .get(&region)
                .list_object_versions()
                .bucket(&bucket)
                .set_prefix(prefix.clone())
                .set_max_keys(page_size);
            let part = Part::new(
                actions::s3::LIST_BUCKET_VERSIONS,
                format!("s3://{bucket}/{}", prefix.unwrap_or_default()),
            );
            let listing = Arc::new(VersionListing {
                account_id: clients.conn.account_id().to_owned(),
                region,
                bucket,
            });
            let versions = paged(part.clone(), clients.retry(), move |token| {
                let (key_marker, version_marker) = token.unwrap_or_default();
                let req = req
                    .clone()
                    .set_key_marker(key_marker)
                    .set_version_id_marker(version_marker);
                let (listing, part) = (listing.clone(), part.clone());
                async move {
                    let out = req.send().await.map_err(|e| part.error(e))?;
                    listing.page(&part, out)
                }
            });
            stream::iter(first).chain(versions)
        })
        .flatten()
        .boxed()
    }
}

// ---------------------------------------------------------------------------------------------
// ReadWrite

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
        delete_object(
            &self.conn,
            &input.bucket,
            &input.key,
            Some(&input.version_id),
        )
        .await
    }
}
