//! S3 scanners: buckets, objects (fan-out over common prefixes, plain, or one level), object
//! versions, on the scan engine of `chicory_aws_core::scan` and its completeness contract: a
//! denied or vanished part is skipped, any other failure after the retries is an incomplete
//! part (an `Err` item), and a record names the fields it could not read (`unread`).

use crate::records::{tag_map, time, BucketRecord, ObjectRecord, ObjectVersionRecord};
use crate::validate::{check_bucket_name, check_prefix, check_region};
use crate::{normalise_location, unchecked_s3_client_in};
use aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput;
use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output;
use aws_sdk_s3::types::BucketVersioningStatus;
use chicory_aws_core::scan::{
    paged, read, walk, Concurrency, Page, PageRetry, Part, ScanStream, ScanStreamExt, Step,
};
use chicory_aws_core::{
    actions, Action, Connection, Error, ErrorKind, Result, ScanItem, Scanner, Skipped,
};
use futures::stream::{self, StreamExt};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

/// The concurrency the scanners start with.
const DEFAULT_CONCURRENCY: usize = 16;

fn default_concurrency() -> Concurrency {
    Concurrency::new("concurrency", DEFAULT_CONCURRENCY).expect("16 is within 1..=64")
}

/// The connection's S3 clients (one per region, built once by the connection and shared with
/// the crate's operators), all sharing its credential cache and request budget.
#[derive(Debug)]
struct Clients {
    conn: Connection,
}

impl Clients {
    fn new(conn: &Connection) -> Arc<Self> {
        Arc::new(Clients { conn: conn.clone() })
    }

    /// The client for `region`.
    fn get(&self, region: &str) -> aws_sdk_s3::Client {
        unchecked_s3_client_in(&self.conn, region)
    }

    /// The client for the connection's own region.
    fn home(&self) -> aws_sdk_s3::Client {
        self.get(self.conn.region())
    }

    fn retry(&self) -> PageRetry {
        self.conn.page_retry()
    }
}

/// The reads of one record that failed: their outcomes (skipped or incomplete), to yield
/// beside the record, and the record's fields they leave unread.
struct Failed<R> {
    items: Vec<Result<ScanItem<R>>>,
    fields: Vec<String>,
}

impl<R> Failed<R> {
    fn new() -> Self {
        Failed {
            items: Vec::new(),
            fields: Vec::new(),
        }
    }

    /// The value `read` got, or `None` with its outcome kept and `fields` noted as unread.
    fn value<T>(
        &mut self,
        read: std::result::Result<T, Result<Skipped>>,
        fields: &[&str],
    ) -> Option<T> {
        match read {
            Ok(v) => Some(v),
            Err(outcome) => {
                self.items.push(outcome.map(ScanItem::Skipped));
                self.fields.extend(fields.iter().map(|f| (*f).to_owned()));
                None
            }
        }
    }

    /// The outcomes followed by `record`.
    fn with(mut self, record: R) -> Vec<Result<ScanItem<R>>> {
        self.items.push(Ok(ScanItem::Record(record)));
        self.items
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
    let part = Part::new(actions::s3::GET_BUCKET_LOCATION, format!("bucket={bucket}"));
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
async fn bucket_region<R>(
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

/// `fut`'s output when `on`.
async fn when<T>(on: bool, fut: impl Future<Output = T>) -> Option<T> {
    if on {
        Some(fut.await)
    } else {
        None
    }
}

/// Whether an S3 error is one of `codes` (an answer such as `NoSuchTagSet`, not a failure).
fn is_code(e: &Error, codes: &[&str]) -> bool {
    e.code().is_some_and(|c| codes.contains(&c))
}

/// An answer the listing cannot go on from (it would loop or stop early): the part is
/// incomplete.
fn bad_answer(part: &Part, what: &str) -> Error {
    part.error(Error::new(
        ErrorKind::Service,
        format!("{} failed: {what}", part.action()),
    ))
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
        if !(1..=10_000).contains(&n) {
            return Err(Error::invalid("page_size", "must be between 1 and 10000"));
        }
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
    let part = |action: Action| Part::new(action, format!("bucket={name}"));
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
                res.map(|t| tag_map(t.tag_set())).or_else(|e| {
                    if is_code(&e, &["NoSuchTagSet", "NoSuchTagSetError"]) {
                        Ok(BTreeMap::new())
                    } else {
                        Err(e)
                    }
                })
            }
        }),
        read(&parts[2], retry, || {
            let (req, part) = (client.get_bucket_policy().bucket(&name), &parts[2]);
            async move {
                // No policy is an answer.
                let res = req.send().await.map_err(|e| part.error(e));
                res.map(|p| p.policy).or_else(|e| {
                    if is_code(&e, &["NoSuchBucketPolicy"]) {
                        Ok(None)
                    } else {
                        Err(e)
                    }
                })
            }
        }),
    );
    let versioning = failed.value(versioning, &["versioning", "mfa_delete"]);
    let tags = failed.value(tags, &["tags"]);
    let policy = failed.value(policy, &["has_policy", "policy"]);
    let (versioning, mfa_delete) = match versioning {
        Some((status, mfa_delete)) => (
            Some(match status {
                Some(BucketVersioningStatus::Enabled) => "Enabled".to_owned(),
                Some(BucketVersioningStatus::Suspended) => "Suspended".to_owned(),
                Some(other) => other.as_str().to_owned(),
                None => "Disabled".to_owned(),
            }),
            mfa_delete.map(|m| m.as_str().to_owned()),
        ),
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
            if !(1..=1000).contains(&n) {
                return Err(Error::invalid("page_size", "must be between 1 and 1000"));
            }
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

impl Listing {
    /// One ListObjectsV2 listing of `prefix` (up to `delimiter`) on the engine, a page at a
    /// time; `items` makes a page's items.
    fn list<T: Send + 'static>(
        self: &Arc<Self>,
        prefix: String,
        delimiter: Option<&str>,
        items: fn(&Listing, &str, ListObjectsV2Output) -> std::result::Result<Vec<T>, String>,
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
        let me = self.clone();
        paged(part.clone(), self.retry, move |token: Option<String>| {
            let req = req.clone().set_continuation_token(token);
            let (me, part, prefix) = (me.clone(), part.clone(), prefix.clone());
            async move {
                let out = req.send().await.map_err(|e| part.error(e))?;
                let next = out
                    .next_continuation_token
                    .clone()
                    .filter(|t| !t.is_empty());
                if out.is_truncated == Some(true) && next.is_none() {
                    return Err(bad_answer(&part, "a truncated page without a next token"));
                }
                let items = items(&me, &prefix, out).map_err(|what| bad_answer(&part, &what))?;
                Ok(Page::new(items, next))
            }
        })
    }

    /// A page's objects.
    fn objects(
        &self,
        _prefix: &str,
        out: ListObjectsV2Output,
    ) -> std::result::Result<Vec<ObjectRecord>, String> {
        Ok(out.contents().iter().map(|o| self.record(o)).collect())
    }

    /// A page's objects and common prefixes. A common prefix that does not extend the listed
    /// one would make the walk loop: the page is refused.
    fn objects_and_prefixes(
        &self,
        prefix: &str,
        out: ListObjectsV2Output,
    ) -> std::result::Result<Vec<FanOutItem>, String> {
        let mut items: Vec<FanOutItem> = out
            .contents()
            .iter()
            .map(|o| Step::Record(self.record(o)))
            .collect();
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
        Ok(items)
    }

    fn record(&self, o: &aws_sdk_s3::types::Object) -> ObjectRecord {
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
        if !(1..=1000).contains(&n) {
            return Err(Error::invalid("page_size", "must be between 1 and 1000"));
        }
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
