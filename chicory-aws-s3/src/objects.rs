//! Objects (latest versions): the object record, the object scanner (fan-out over common
//! prefixes, plain, or one level, with optional HeadObject and tag enrichment), and the object
//! operators (list, head, get tagging; delete, put tagging). Get and put of an object's body
//! are in `transfer`.

use crate::buckets::{bucket_region, Done};
use crate::client::{at_bucket, at_object, unchecked_s3_client, Clients};
use crate::records::time;
use crate::scanning::{bad_answer, Failed, DEFAULT_CONCURRENCY};
use crate::tags::{tag_map, tagging, TagsOutput};
use crate::validate::{check_bucket_name, check_key, check_page_size, check_prefix, check_region};
use async_trait::async_trait;
use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output;
use chicory_aws_core::scan::{
    paged, read, walk, Concurrency, Page, PageRetry, Part, ScanStream, ScanStreamExt, Step,
};
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Connection, Error, Operator, Result, ScanItem,
    Scanner,
};
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

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
    /// The record of `o`, which it takes apart (its strings move into the record).
    pub(crate) fn new(
        account_id: &str,
        region: &str,
        bucket: &str,
        o: aws_sdk_s3::types::Object,
    ) -> Self {
        let (owner_id, owner_name) = o.owner.map_or((None, None), |o| (o.id, o.display_name));
        ObjectRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            bucket: bucket.to_owned(),
            key: o.key.unwrap_or_default(),
            size: o.size,
            etag: o.e_tag,
            last_modified: time(o.last_modified.as_ref()),
            storage_class: o.storage_class.map(|s| s.as_str().to_owned()),
            owner_id,
            owner_name,
            content_type: None,
            content_encoding: None,
            tags: None,
            unread: Vec::new(),
        }
    }
}

chicory_aws_core::record_kind!(ObjectRecord => "s3_object");

/// The IAM action a read of an object needs: `s3:GetObjectVersion` for a given version.
pub(crate) fn read_action(versioned: bool) -> Action {
    if versioned {
        actions::s3::GET_OBJECT_VERSION
    } else {
        actions::s3::GET_OBJECT
    }
}

/// `fut`'s output when `on`.
async fn when<T>(on: bool, fut: impl Future<Output = T>) -> Option<T> {
    if on {
        Some(fut.await)
    } else {
        None
    }
}

/// How an [`ObjectScanner`] lists.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListingMode {
    /// Lists each level with delimiter `/` and descends into the common prefixes, at most
    /// `concurrency` listings open at once at any depth: large buckets list in parallel (one
    /// prefix lists sequentially in S3), and requests and memory stay bounded however deep the
    /// prefixes go.
    FanOut,
    /// One sequential ListObjectsV2 over the prefix, without delimiter.
    Plain,
    /// One level only: the objects directly under the prefix, up to the delimiter.
    Level(String),
}

/// Options of an [`ObjectScanner`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ObjectOptions {
    /// Only keys starting with this prefix (e.g. `data/2024/`).
    pub prefix: Option<String>,
    /// How to list (default: fan-out).
    pub mode: ListingMode,
    /// Listings open at once (fan-out), and objects enriched at once (1..=64, default 16).
    pub concurrency: usize,
    /// Keys per ListObjectsV2 page (1..=1000; default: S3's 1000).
    pub page_size: Option<i32>,
    /// Read content type and encoding with HeadObject (one request per object; default off).
    pub head: bool,
    /// Read tags with GetObjectTagging (one request per object; default off).
    pub tags: bool,
    /// The bucket's region; default: asked at the start of the scan (HeadBucket's region
    /// header, then GetBucketLocation).
    pub region: Option<String>,
}

impl Default for ObjectOptions {
    fn default() -> Self {
        ObjectOptions {
            prefix: None,
            mode: ListingMode::FanOut,
            concurrency: DEFAULT_CONCURRENCY,
            page_size: None,
            head: false,
            tags: false,
            region: None,
        }
    }
}

impl ObjectOptions {
    /// Only keys under `prefix`.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }
    /// One plain sequential listing.
    pub fn plain(mut self) -> Self {
        self.mode = ListingMode::Plain;
        self
    }
    /// One level, up to `delimiter`.
    pub fn delimiter(mut self, delimiter: impl Into<String>) -> Self {
        self.mode = ListingMode::Level(delimiter.into());
        self
    }
    /// Listings and enrichments at once (checked by [`ObjectScanner::new`]).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }
    /// Keys per page.
    pub fn page_size(mut self, n: i32) -> Self {
        self.page_size = Some(n);
        self
    }
    /// With HeadObject enrichment.
    pub fn head(mut self, on: bool) -> Self {
        self.head = on;
        self
    }
    /// With GetObjectTagging enrichment.
    pub fn tags(mut self, on: bool) -> Self {
        self.tags = on;
        self
    }
    /// The bucket's region, known beforehand.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Checks the options; the concurrency as a [`Concurrency`].
    fn validate(&self) -> Result<Concurrency> {
        let concurrency = Concurrency::new("concurrency", self.concurrency)?;
        if let Some(p) = &self.prefix {
            check_prefix("prefix", p)?;
        }
        if let Some(n) = self.page_size {
            check_page_size("page_size", n, 1000)?;
        }
        if let ListingMode::Level(d) = &self.mode {
            if d.is_empty() {
                return Err(Error::invalid("delimiter", "must not be empty"));
            }
        }
        if let Some(r) = &self.region {
            check_region("region", r)?;
        }
        Ok(concurrency)
    }
}

/// What the listings of one bucket work with.
struct Listing {
    client: aws_sdk_s3::Client,
    account_id: String,
    region: String,
    bucket: String,
    page_size: Option<i32>,
    retry: PageRetry,
}

/// A page's items for a fan-out: its objects, and its common prefixes to visit.
type FanOutItem = Step<String, ObjectRecord>;

/// What makes a page's items from the listed prefix, the answer, and whether it is the last page.
type PageItems<T> =
    fn(&Listing, &str, ListObjectsV2Output, bool) -> std::result::Result<Vec<T>, String>;

impl Listing {
    /// One ListObjectsV2 listing of `prefix` (up to `delimiter`) on the engine, a page at a
    /// time; `items` makes a page's items.
    fn list<T: Send + 'static>(
        self: &Arc<Self>,
        prefix: String,
        delimiter: Option<&str>,
        items: PageItems<T>,
    ) -> ScanStream<T> {
        let part = Part::new(
            actions::s3::LIST_BUCKET,
            format!("s3://{}/{prefix}", self.bucket),
        );
        let req = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .set_prefix(Some(prefix.clone()).filter(|p| !p.is_empty()))
            .set_delimiter(delimiter.map(str::to_owned))
            .set_max_keys(self.page_size)
            // ListObjectsV2 leaves the owner out unless asked; it costs no extra request.
            .fetch_owner(true);
        let listing = self.clone();
        paged(part.clone(), self.retry, move |token: Option<String>| {
            let req = req.clone().set_continuation_token(token);
            let (listing, part, prefix) = (listing.clone(), part.clone(), prefix.clone());
            async move {
                let out = req.send().await.map_err(|e| part.error(e))?;
                let next = out
                    .next_continuation_token
                    .clone()
                    .filter(|t| !t.is_empty());
                if out.is_truncated == Some(true) && next.is_none() {
                    return Err(bad_answer(&part, "a truncated page without a next token"));
                }
                let items = items(&listing, &prefix, out, next.is_none())
                    .map_err(|what| bad_answer(&part, &what))?;
                Ok(Page::new(items, next))
            }
        })
    }

    /// A page's objects.
    fn objects(
        &self,
        _prefix: &str,
        out: ListObjectsV2Output,
        _last: bool,
    ) -> std::result::Result<Vec<ObjectRecord>, String> {
        let contents = out.contents.unwrap_or_default();
        Ok(contents.into_iter().map(|o| self.record(o)).collect())
    }

    /// A page's common prefixes and objects, after [`Step::LastPage`] when it is the
    /// listing's `last` page (its slot goes to the next prefix while these are handed out). A
    /// common prefix that does not extend the listed one would make the walk loop: the page is
    /// refused.
    fn objects_and_prefixes(
        &self,
        prefix: &str,
        out: ListObjectsV2Output,
        last: bool,
    ) -> std::result::Result<Vec<FanOutItem>, String> {
        let mut items: Vec<FanOutItem> =
            Vec::with_capacity(1 + out.common_prefixes().len() + out.contents().len());
        if last {
            items.push(Step::LastPage);
        }
        // The prefixes before the objects: the walk opens their listings while the objects
        // are handed out.
        for p in out
            .common_prefixes()
            .iter()
            .filter_map(|c| c.prefix.clone())
        {
            if p.len() <= prefix.len() || !p.starts_with(prefix) {
                return Err(format!(
                    "common prefix {p:?} does not extend the listed prefix {prefix:?}"
                ));
            }
            items.push(Step::Visit(p));
        }
        let contents = out.contents.unwrap_or_default();
        items.extend(contents.into_iter().map(|o| Step::Record(self.record(o))));
        Ok(items)
    }

    fn record(&self, o: aws_sdk_s3::types::Object) -> ObjectRecord {
        ObjectRecord::new(&self.account_id, &self.region, &self.bucket, o)
    }

    /// `r` with its HeadObject and GetObjectTagging answers (as asked), after the outcomes of
    /// the reads that failed.
    async fn enrich(
        self: Arc<Self>,
        mut r: ObjectRecord,
        head: bool,
        tags: bool,
    ) -> Vec<Result<ScanItem<ObjectRecord>>> {
        let resource = format!("s3://{}/{}", r.bucket, r.key);
        let head_part = Part::new(actions::s3::GET_OBJECT, resource.clone());
        let tags_part = Part::new(actions::s3::GET_OBJECT_TAGGING, resource);
        let (h, t) = {
            let (bucket, key) = (r.bucket.as_str(), r.key.as_str());
            tokio::join!(
                when(
                    head,
                    read(&head_part, self.retry, || {
                        self.client.head_object().bucket(bucket).key(key).send()
                    })
                ),
                when(
                    tags,
                    read(&tags_part, self.retry, || {
                        self.client
                            .get_object_tagging()
                            .bucket(bucket)
                            .key(key)
                            .send()
                    })
                ),
            )
        };
        let mut failed = Failed::new();
        if let Some(h) = h.and_then(|h| failed.value(h, &["content_type", "content_encoding"])) {
            r.content_type = h.content_type;
            r.content_encoding = h.content_encoding;
        }
        if let Some(t) = t.and_then(|t| failed.value(t, &["tags"])) {
            r.tags = Some(tag_map(t.tag_set()));
        }
        r.unread.append(&mut failed.fields);
        failed.with(r)
    }
}

/// Scans the objects of one bucket (latest versions): key, size, ETag, last modified, storage
/// class, owner; optionally content type/encoding (HeadObject) and tags (GetObjectTagging).
///
/// Records stream as pages arrive and are never collected; at most `concurrency` listings are
/// open at once (each with one request in flight and one page held), and at most
/// `concurrency` objects are enriched at once. An enrichment that fails leaves its fields
/// `None`, names them in the record's `unread`, and is yielded beside the record.
#[derive(Debug, Clone)]
pub struct ObjectScanner {
    clients: Arc<Clients>,
    bucket: String,
    options: ObjectOptions,
    concurrency: Concurrency,
}

impl ObjectScanner {
    /// A scanner of `bucket` with `options`; bad options fail here, before any request.
    pub fn new(
        conn: &Connection,
        bucket: impl Into<String>,
        options: ObjectOptions,
    ) -> Result<Self> {
        let bucket = bucket.into();
        check_bucket_name("bucket", &bucket)?;
        let concurrency = options.validate()?;
        Ok(ObjectScanner {
            clients: Clients::new(conn),
            bucket,
            options,
            concurrency,
        })
    }
}

impl Scanner for ObjectScanner {
    type Record = ObjectRecord;
    fn name(&self) -> &'static str {
        "s3_objects"
    }
    fn actions(&self) -> &'static [Action] {
        match (self.options.head, self.options.tags) {
            (false, false) => &[actions::s3::GET_BUCKET_LOCATION, actions::s3::LIST_BUCKET],
            (true, false) => &[
                actions::s3::GET_BUCKET_LOCATION,
                actions::s3::LIST_BUCKET,
                actions::s3::GET_OBJECT,
            ],
            (false, true) => &[
                actions::s3::GET_BUCKET_LOCATION,
                actions::s3::LIST_BUCKET,
                actions::s3::GET_OBJECT_TAGGING,
            ],
            (true, true) => &[
                actions::s3::GET_BUCKET_LOCATION,
                actions::s3::LIST_BUCKET,
                actions::s3::GET_OBJECT,
                actions::s3::GET_OBJECT_TAGGING,
            ],
        }
    }
    fn scan(&self) -> ScanStream<ObjectRecord> {
        let (clients, bucket, opts, limit) = (
            self.clients.clone(),
            self.bucket.clone(),
            self.options.clone(),
            self.concurrency,
        );
        stream::once(async move {
            let (region, first) = bucket_region(&clients, &bucket, opts.region.clone()).await;
            let listing = Arc::new(Listing {
                client: clients.get(&region),
                account_id: clients.conn.account_id().to_owned(),
                region,
                bucket,
                page_size: opts.page_size,
                retry: clients.retry(),
            });
            let prefix = opts.prefix.clone().unwrap_or_default();
            let records = match &opts.mode {
                ListingMode::FanOut => {
                    let l = listing.clone();
                    walk(vec![prefix], limit, move |p| {
                        l.list(p, Some("/"), Listing::objects_and_prefixes)
                    })
                }
                ListingMode::Plain => listing.list(prefix, None, Listing::objects),
                ListingMode::Level(d) => listing.list(prefix, Some(d), Listing::objects),
            };
            let records = if opts.head || opts.tags {
                records.then_records(limit, move |r| {
                    listing.clone().enrich(r, opts.head, opts.tags)
                })
            } else {
                records
            };
            stream::iter(first).chain(records)
        })
        .flatten()
        .boxed()
    }
}

// ---------------------------------------------------------------------------------------------
// Operators: inputs and outputs

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
    /// `err` about this object.
    fn at(&self, err: Error) -> Error {
        at_object(err, &self.bucket, &self.key, self.version_id.as_deref())
    }
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

/// Input of `s3_delete_object`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteObjectInput {
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
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

// ---------------------------------------------------------------------------------------------
// ReadOnly

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
            check_page_size("max_keys", n, 1000)?;
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
            .map_err(|e| at_bucket(Error::from_sdk(e, actions::s3::LIST_BUCKET), &input.bucket))?;
        let (account, region) = (self.conn.account_id(), self.conn.region());
        Ok(ListObjectsOutput {
            objects: out
                .contents
                .unwrap_or_default()
                .into_iter()
                .map(|o| ObjectRecord::new(account, region, &input.bucket, o))
                .collect(),
            common_prefixes: out
                .common_prefixes
                .unwrap_or_default()
                .into_iter()
                .filter_map(|p| p.prefix)
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
            .map_err(|e| input.at(Error::from_sdk(e, read_action(input.version_id.is_some()))))?;
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
            .map_err(|e| input.at(Error::from_sdk(e, actions::s3::GET_OBJECT_TAGGING)))?;
        Ok(TagsOutput {
            tags: tag_map(out.tag_set()),
            version_id: out.version_id,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// ReadWrite

/// Deletes `s3://bucket/key`: the version `version_id` for good (IAM
/// `s3:DeleteObjectVersion`), else the latest version (`s3:DeleteObject`; on a versioned bucket
/// that adds a delete marker). The caller has checked its input.
pub(crate) async fn delete_object(
    conn: &Connection,
    bucket: &str,
    key: &str,
    version_id: Option<&str>,
) -> Result<DeleteObjectOutput> {
    let action = match version_id {
        None => actions::s3::DELETE_OBJECT,
        Some(_) => actions::s3::DELETE_OBJECT_VERSION,
    };
    let out = unchecked_s3_client(conn)
        .delete_object()
        .bucket(bucket)
        .key(key)
        .set_version_id(version_id.map(str::to_owned))
        .send()
        .await
        .map_err(|e| at_object(Error::from_sdk(e, action), bucket, key, version_id))?;
    Ok(DeleteObjectOutput {
        delete_marker: out.delete_marker.unwrap_or(false),
        version_id: out.version_id,
    })
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
        delete_object(&self.conn, &input.bucket, &input.key, None).await
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
        let tags = tagging(&input.tags, 10)?;
        unchecked_s3_client(&self.conn)
            .put_object_tagging()
            .bucket(&input.bucket)
            .key(&input.key)
            .set_version_id(input.version_id.clone())
            .tagging(tags)
            .send()
            .await
            .map_err(|e| {
                let e = Error::from_sdk(e, actions::s3::PUT_OBJECT_TAGGING);
                at_object(e, &input.bucket, &input.key, input.version_id.as_deref())
            })?;
        Ok(Done {
            resource: format!("s3://{}/{}", input.bucket, input.key),
            region: None,
        })
    }
}
