//! S3 scanners: buckets, objects (fan-out over common prefixes, or plain), object versions.

use crate::records::{tag_map, time, BucketRecord, ObjectRecord, ObjectVersionRecord};
use crate::validate::{check_bucket_name, check_prefix, check_region};
use crate::{normalise_location, s3_client, s3_client_in};
use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output;
use aws_sdk_s3::types::BucketVersioningStatus;
use chicory_aws_core::{
    actions, pages, Action, Connection, Error, Result, ScanItem, Scanner, Skipped,
};
use futures::stream::{self, BoxStream, StreamExt};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

fn check_concurrency(n: usize) -> Result<()> {
    if !(1..=64).contains(&n) {
        return Err(Error::invalid("concurrency", "must be between 1 and 64"));
    }
    Ok(())
}

/// S3 clients per region, all sharing the connection's credential cache.
#[derive(Debug)]
struct Clients {
    conn: Connection,
    by_region: Mutex<HashMap<String, aws_sdk_s3::Client>>,
}

impl Clients {
    fn new(conn: &Connection) -> Self {
        Clients {
            conn: conn.clone(),
            by_region: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, region: &str) -> aws_sdk_s3::Client {
        if region == self.conn.region() {
            return s3_client(&self.conn);
        }
        let mut map = self.by_region.lock().expect("not poisoned");
        map.entry(region.to_owned())
            .or_insert_with(|| s3_client_in(&self.conn, region))
            .clone()
    }
}

/// Scans every bucket of the account: region, versioning, tags and policy, `concurrency`
/// buckets at a time. Each bucket's configuration is read through a client for its own region.
///
/// A bucket without tags or policy (`NoSuchTagSet`, `NoSuchBucketPolicy`) is a normal answer;
/// a part that fails (e.g. denied) is yielded as [`ScanItem::Skipped`] and the scan goes on.
#[derive(Debug, Clone)]
pub struct BucketScanner {
    clients: Arc<Clients>,
    concurrency: usize,
}

impl BucketScanner {
    /// A scanner over `conn`, reading 16 buckets at a time.
    pub fn new(conn: &Connection) -> Self {
        BucketScanner {
            clients: Arc::new(Clients::new(conn)),
            concurrency: 16,
        }
    }

    /// How many buckets are read at once (1..=64).
    pub fn concurrency(mut self, n: usize) -> Result<Self> {
        check_concurrency(n)?;
        self.concurrency = n;
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
            actions::s3::GET_BUCKET_LOCATION,
            actions::s3::GET_BUCKET_VERSIONING,
            actions::s3::GET_BUCKET_TAGGING,
            actions::s3::GET_BUCKET_POLICY,
        ]
    }
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<BucketRecord>>> {
        let clients = self.clients.clone();
        let home = s3_client(&clients.conn);
        pages(home.list_buckets().into_paginator().send())
            .flat_map(|page| match page {
                Ok(p) => stream::iter(p.buckets.unwrap_or_default().into_iter().map(Ok)).boxed(),
                Err(e) => {
                    stream::once(async move { Err(Error::from_sdk(e, "s3:ListAllMyBuckets")) })
                        .boxed()
                }
            })
            .map(move |b| {
                let clients = clients.clone();
                async move {
                    match b {
                        Ok(b) => describe_bucket(&clients, b).await,
                        Err(e) => vec![Err(e)],
                    }
                }
            })
            .buffer_unordered(self.concurrency)
            .flat_map(stream::iter)
            .boxed()
    }
}

/// `true` for the error codes that mean "there is none" for an optional part.
fn is_absent(e: &Error, code: &str) -> bool {
    e.code() == Some(code)
}

async fn describe_bucket(
    clients: &Clients,
    b: aws_sdk_s3::types::Bucket,
) -> Vec<Result<ScanItem<BucketRecord>>> {
    let name = b.name.clone().unwrap_or_default();
    let conn = &clients.conn;
    let mut items = Vec::new();
    let skip = |items: &mut Vec<_>, op: &str, e: &Error| {
        items.push(Ok(ScanItem::Skipped(Skipped::from_error(
            format!("{op} bucket={name}"),
            e,
        ))))
    };
    // Where the bucket lives; any region's endpoint answers GetBucketLocation.
    let region = match s3_client(conn)
        .get_bucket_location()
        .bucket(&name)
        .send()
        .await
    {
        Ok(out) => Some(normalise_location(
            out.location_constraint.as_ref().map(|c| c.as_str()),
        )),
        Err(e) => {
            let e = Error::from_sdk(e, "s3:GetBucketLocation").with_resource(name.clone());
            skip(&mut items, "s3:GetBucketLocation", &e);
            b.bucket_region.clone()
        }
    };
    let client = clients.get(region.as_deref().unwrap_or(conn.region()));
    let (versioning, tagging, policy) = tokio::join!(
        client.get_bucket_versioning().bucket(&name).send(),
        client.get_bucket_tagging().bucket(&name).send(),
        client.get_bucket_policy().bucket(&name).send(),
    );
    let versioning = crate::compat::versioning(versioning, &name);
    let (versioning, mfa_delete) = match versioning {
        Ok((status, mfa_delete)) => (
            Some(match status {
                Some(BucketVersioningStatus::Enabled) => "Enabled".to_owned(),
                Some(BucketVersioningStatus::Suspended) => "Suspended".to_owned(),
                Some(other) => other.as_str().to_owned(),
                None => "Disabled".to_owned(),
            }),
            mfa_delete.map(|m| m.as_str().to_owned()),
        ),
        Err(e) => {
            skip(&mut items, "s3:GetBucketVersioning", &e);
            (None, None)
        }
    };
    let tags = match tagging {
        Ok(t) => Some(tag_map(t.tag_set())),
        Err(e) => {
            let e = Error::from_sdk(e, "s3:GetBucketTagging").with_resource(name.clone());
            if is_absent(&e, "NoSuchTagSet") {
                Some(Default::default())
            } else {
                skip(&mut items, "s3:GetBucketTagging", &e);
                None
            }
        }
    };
    let (has_policy, policy) = match policy {
        Ok(p) => (Some(p.policy.is_some()), p.policy),
        Err(e) => {
            let e = Error::from_sdk(e, "s3:GetBucketPolicy").with_resource(name.clone());
            if is_absent(&e, "NoSuchBucketPolicy") {
                (Some(false), None)
            } else {
                skip(&mut items, "s3:GetBucketPolicy", &e);
                (None, None)
            }
        }
    };
    items.push(Ok(ScanItem::Record(BucketRecord {
        account_id: conn.account_id().to_owned(),
        region,
        arn: format!("arn:aws:s3:::{name}"),
        name,
        creation_date: time(b.creation_date.as_ref()),
        versioning,
        mfa_delete,
        tags,
        has_policy,
        policy,
    })));
    items
}

/// How an [`ObjectScanner`] lists.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListingMode {
    /// Lists each level with delimiter `/` and descends into the common prefixes, with bounded
    /// concurrency: large buckets list in parallel (one prefix lists sequentially in S3).
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
    /// Requests at once, listing and enrichment alike (1..=64, default 16).
    pub concurrency: usize,
    /// Keys per ListObjectsV2 page (1..=1000; default: S3's 1000).
    pub page_size: Option<i32>,
    /// Read content type and encoding with HeadObject (one request per object; default off).
    pub head: bool,
    /// Read tags with GetObjectTagging (one request per object; default off).
    pub tags: bool,
    /// The bucket's region; default: asked with GetBucketLocation at the start of the scan.
    pub region: Option<String>,
}

impl Default for ObjectOptions {
    fn default() -> Self {
        ObjectOptions {
            prefix: None,
            mode: ListingMode::FanOut,
            concurrency: 16,
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
    /// Requests at once.
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

    fn validate(&self) -> Result<()> {
        check_concurrency(self.concurrency)?;
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
        Ok(())
    }
}

/// What one listing of a bucket works with.
struct Listing {
    client: aws_sdk_s3::Client,
    account_id: String,
    region: String,
    bucket: String,
    page_size: Option<i32>,
    /// Bounds the ListObjectsV2 requests in flight over the whole fan-out.
    permits: Arc<Semaphore>,
    fan_out_limit: usize,
}

/// Resolves the bucket's region (GetBucketLocation unless given); a failure falls back to the
/// connection's region and is reported as skipped.
async fn bucket_region(
    conn: &Connection,
    bucket: &str,
    given: Option<String>,
) -> (String, Option<Skipped>) {
    if let Some(r) = given {
        return (r, None);
    }
    match s3_client(conn)
        .get_bucket_location()
        .bucket(bucket)
        .send()
        .await
    {
        Ok(out) => (
            normalise_location(out.location_constraint.as_ref().map(|c| c.as_str())),
            None,
        ),
        Err(e) => {
            let e = Error::from_sdk(e, "s3:GetBucketLocation").with_resource(bucket.to_owned());
            (
                conn.region().to_owned(),
                Some(Skipped::from_error(
                    format!("s3:GetBucketLocation bucket={bucket}"),
                    &e,
                )),
            )
        }
    }
}

impl Listing {
    /// The pages of one ListObjectsV2 listing, lazily, each request holding a permit.
    fn pages(
        self: &Arc<Self>,
        prefix: Option<String>,
        delimiter: Option<String>,
    ) -> BoxStream<'static, Result<ListObjectsV2Output>> {
        let req = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .set_prefix(prefix.clone())
            .set_delimiter(delimiter)
            .set_max_keys(self.page_size)
            // ListObjectsV2 leaves the owner out unless asked; it costs no extra request.
            .fetch_owner(true);
        let inner = pages(req.into_paginator().send());
        let resource = format!("s3://{}/{}", self.bucket, prefix.unwrap_or_default());
        stream::unfold(
            (inner, self.permits.clone(), resource, false),
            |(mut inner, permits, resource, failed)| async move {
                if failed {
                    return None;
                }
                let permit = permits.acquire().await.ok()?;
                let item = inner.next().await;
                drop(permit);
                let item = item?.map_err(|e| {
                    Error::from_sdk(e, "s3:ListBucket").with_resource(resource.clone())
                });
                let failed = item.is_err();
                Some((item, (inner, permits, resource, failed)))
            },
        )
        .boxed()
    }

    fn record(&self, o: &aws_sdk_s3::types::Object) -> ObjectRecord {
        ObjectRecord::new(&self.account_id, &self.region, &self.bucket, o)
    }

    /// Every object under `prefix`, descending into common prefixes concurrently. Each page
    /// becomes one batch of its objects plus one entry per common prefix, and one
    /// `flat_map_unordered` over those entries lists at most `fan_out_limit` prefixes of this
    /// level at a time (requests stay bounded by `permits`). Objects travel a page at a time,
    /// never one by one, so what a scan holds does not grow with the objects it has seen.
    fn tree(
        self: &Arc<Self>,
        prefix: Option<String>,
    ) -> BoxStream<'static, Result<ScanItem<ObjectRecord>>> {
        enum Entry {
            Items(Vec<Result<ScanItem<ObjectRecord>>>),
            Prefix(String),
        }
        let (me, me2) = (self.clone(), self.clone());
        self.pages(prefix, Some("/".to_owned()))
            .flat_map(move |page| {
                let entries: Vec<Entry> = match page {
                    Ok(p) => {
                        let objects = p
                            .contents()
                            .iter()
                            .map(|o| Ok(ScanItem::Record(me.record(o))))
                            .collect();
                        std::iter::once(Entry::Items(objects))
                            .chain(
                                p.common_prefixes()
                                    .iter()
                                    .filter_map(|c| c.prefix.clone())
                                    .map(Entry::Prefix),
                            )
                            .collect()
                    }
                    Err(e) => vec![Entry::Items(vec![Err(e)])],
                };
                stream::iter(entries)
            })
            .flat_map_unordered(Some(self.fan_out_limit), move |entry| match entry {
                Entry::Items(items) => stream::iter(items).boxed(),
                Entry::Prefix(p) => me2.tree(Some(p)),
            })
            .boxed()
    }

    /// The objects of one listing (plain, or one level with a delimiter).
    fn flat(
        self: &Arc<Self>,
        prefix: Option<String>,
        delimiter: Option<String>,
    ) -> BoxStream<'static, Result<ScanItem<ObjectRecord>>> {
        let me = self.clone();
        self.pages(prefix, delimiter)
            .flat_map(move |page| {
                let items: Vec<_> = match page {
                    Ok(p) => p
                        .contents()
                        .iter()
                        .map(|o| Ok(ScanItem::Record(me.record(o))))
                        .collect(),
                    Err(e) => vec![Err(e)],
                };
                stream::iter(items)
            })
            .boxed()
    }
}

/// Scans the objects of one bucket (latest versions): key, size, ETag, last modified, storage
/// class, owner; optionally content type/encoding (HeadObject) and tags (GetObjectTagging).
///
/// Records stream as pages arrive and are never collected; at most `concurrency` requests are
/// in flight.
#[derive(Debug, Clone)]
pub struct ObjectScanner {
    conn: Connection,
    bucket: String,
    options: ObjectOptions,
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
        options.validate()?;
        Ok(ObjectScanner {
            conn: conn.clone(),
            bucket,
            options,
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
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<ObjectRecord>>> {
        let (conn, bucket, opts) = (self.conn.clone(), self.bucket.clone(), self.options.clone());
        stream::once(async move {
            let (region, skipped) = bucket_region(&conn, &bucket, opts.region.clone()).await;
            let listing = Arc::new(Listing {
                client: s3_client_in(&conn, &region),
                account_id: conn.account_id().to_owned(),
                region,
                bucket,
                page_size: opts.page_size,
                permits: Arc::new(Semaphore::new(opts.concurrency)),
                fan_out_limit: opts.concurrency.max(2) * 2,
            });
            let prefix = opts.prefix.clone().filter(|p| !p.is_empty());
            let records = match &opts.mode {
                ListingMode::FanOut => listing.tree(prefix),
                ListingMode::Plain => listing.flat(prefix, None),
                ListingMode::Level(d) => listing.flat(prefix, Some(d.clone())),
            };
            let records = if opts.head || opts.tags {
                let client = listing.client.clone();
                records
                    .map(move |item| enrich(client.clone(), item, opts.head, opts.tags))
                    .buffer_unordered(opts.concurrency)
                    .flat_map(stream::iter)
                    .boxed()
            } else {
                records
            };
            let first = skipped.map(|s| Ok(ScanItem::Skipped(s)));
            stream::iter(first).chain(records)
        })
        .flatten()
        .boxed()
    }
}

/// Adds HeadObject and GetObjectTagging answers to a record; a failed part is skipped.
async fn enrich(
    client: aws_sdk_s3::Client,
    item: Result<ScanItem<ObjectRecord>>,
    head: bool,
    tags: bool,
) -> Vec<Result<ScanItem<ObjectRecord>>> {
    let mut r = match item {
        Ok(ScanItem::Record(r)) => r,
        other => return vec![other],
    };
    let mut out = Vec::new();
    let part = |op: &str, r: &ObjectRecord| format!("{op} s3://{}/{}", r.bucket, r.key);
    let head_fut = async {
        if head {
            Some(
                client
                    .head_object()
                    .bucket(&r.bucket)
                    .key(&r.key)
                    .send()
                    .await,
            )
        } else {
            None
        }
    };
    let tags_fut = async {
        if tags {
            Some(
                client
                    .get_object_tagging()
                    .bucket(&r.bucket)
                    .key(&r.key)
                    .send()
                    .await,
            )
        } else {
            None
        }
    };
    let (h, t) = tokio::join!(head_fut, tags_fut);
    match h {
        Some(Ok(h)) => {
            r.content_type = h.content_type;
            r.content_encoding = h.content_encoding;
        }
        Some(Err(e)) => {
            let e = Error::from_sdk(e, "s3:HeadObject");
            out.push(Ok(ScanItem::Skipped(Skipped::from_error(
                part("s3:HeadObject", &r),
                &e,
            ))));
        }
        None => {}
    }
    match t {
        Some(Ok(t)) => r.tags = Some(tag_map(t.tag_set())),
        Some(Err(e)) => {
            let e = Error::from_sdk(e, "s3:GetObjectTagging");
            out.push(Ok(ScanItem::Skipped(Skipped::from_error(
                part("s3:GetObjectTagging", &r),
                &e,
            ))));
        }
        None => {}
    }
    out.push(Ok(ScanItem::Record(r)));
    out
}

/// Scans the object versions and delete markers of one bucket (ListObjectVersions), in pages
/// of up to 1000, lazily. ListObjectVersions has no SDK paginator; the markers are followed
/// here.
#[derive(Debug, Clone)]
pub struct ObjectVersionScanner {
    conn: Connection,
    bucket: String,
    prefix: Option<String>,
    region: Option<String>,
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
            conn: conn.clone(),
            bucket,
            prefix,
            region: None,
        })
    }

    /// The bucket's region, known beforehand (default: asked with GetBucketLocation).
    pub fn region(mut self, region: impl Into<String>) -> Result<Self> {
        let region = region.into();
        check_region("region", &region)?;
        self.region = Some(region);
        Ok(self)
    }
}

struct VersionPage {
    key_marker: Option<String>,
    version_marker: Option<String>,
    done: bool,
}

impl Scanner for ObjectVersionScanner {
    type Record = ObjectVersionRecord;
    fn name(&self) -> &'static str {
        "s3_object_versions"
    }
    fn actions(&self) -> &'static [Action] {
        &[
            actions::s3::GET_BUCKET_LOCATION,
            actions::s3::LIST_BUCKET_VERSIONS,
        ]
    }
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<ObjectVersionRecord>>> {
        let (conn, bucket, prefix, region) = (
            self.conn.clone(),
            self.bucket.clone(),
            self.prefix.clone(),
            self.region.clone(),
        );
        stream::once(async move {
            let (region, skipped) = bucket_region(&conn, &bucket, region).await;
            let client = s3_client_in(&conn, &region);
            let account = conn.account_id().to_owned();
            let start = VersionPage {
                key_marker: None,
                version_marker: None,
                done: false,
            };
            let pages = stream::unfold(start, move |st| {
                let (client, bucket, prefix, account, region) = (
                    client.clone(),
                    bucket.clone(),
                    prefix.clone(),
                    account.clone(),
                    region.clone(),
                );
                async move {
                    if st.done {
                        return None;
                    }
                    let res = client
                        .list_object_versions()
                        .bucket(&bucket)
                        .set_prefix(prefix)
                        .set_key_marker(st.key_marker)
                        .set_version_id_marker(st.version_marker)
                        .send()
                        .await;
                    match res {
                        Err(e) => {
                            let e = Error::from_sdk(e, "s3:ListBucketVersions")
                                .with_resource(bucket.clone());
                            Some((
                                vec![Err(e)],
                                VersionPage {
                                    key_marker: None,
                                    version_marker: None,
                                    done: true,
                                },
                            ))
                        }
                        Ok(p) => {
                            let mut items: Vec<Result<ScanItem<ObjectVersionRecord>>> = p
                                .versions()
                                .iter()
                                .map(|v| {
                                    Ok(ScanItem::Record(ObjectVersionRecord {
                                        account_id: account.clone(),
                                        region: region.clone(),
                                        bucket: bucket.clone(),
                                        key: v.key.clone().unwrap_or_default(),
                                        version_id: v.version_id.clone(),
                                        is_latest: v.is_latest.unwrap_or(false),
                                        delete_marker: false,
                                        size: v.size,
                                        etag: v.e_tag.clone(),
                                        last_modified: time(v.last_modified.as_ref()),
                                        storage_class: v
                                            .storage_class
                                            .as_ref()
                                            .map(|s| s.as_str().to_owned()),
                                        owner_id: v.owner.as_ref().and_then(|o| o.id.clone()),
                                    }))
                                })
                                .collect();
                            items.extend(p.delete_markers().iter().map(|d| {
                                Ok(ScanItem::Record(ObjectVersionRecord {
                                    account_id: account.clone(),
                                    region: region.clone(),
                                    bucket: bucket.clone(),
                                    key: d.key.clone().unwrap_or_default(),
                                    version_id: d.version_id.clone(),
                                    is_latest: d.is_latest.unwrap_or(false),
                                    delete_marker: true,
                                    size: None,
                                    etag: None,
                                    last_modified: time(d.last_modified.as_ref()),
                                    storage_class: None,
                                    owner_id: d.owner.as_ref().and_then(|o| o.id.clone()),
                                }))
                            }));
                            let truncated = p.is_truncated.unwrap_or(false)
                                && (p.next_key_marker.is_some()
                                    || p.next_version_id_marker.is_some());
                            Some((
                                items,
                                VersionPage {
                                    key_marker: p.next_key_marker,
                                    version_marker: p.next_version_id_marker,
                                    done: !truncated,
                                },
                            ))
                        }
                    }
                }
            })
            .flat_map(stream::iter);
            let first = skipped.map(|s| Ok(ScanItem::Skipped(s)));
            stream::iter(first).chain(pages)
        })
        .flatten()
        .boxed()
    }
}
