//! DataZone scanners: one whole-domain scanner yielding [`DataZoneRecord`]s, and one scanner per
//! resource kind built on it.

use crate::datazone_client;
use crate::records::*;
use crate::validate::check_domain_id;
use aws_sdk_datazone::types::{
    InventorySearchScope, SearchInventoryResultItem, SearchResultItem, SearchTypesResultItem,
    TypesSearchScope,
};
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use chicory_aws_core::{
    actions, pages, Action, Connection, Error, Result, ScanItem, Scanner, Skipped,
};
use futures::future::{self, BoxFuture, FutureExt};
use futures::stream::{self, BoxStream, StreamExt};
use std::error::Error as StdError;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A kind of DataZone resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// Domains.
    Domain,
    /// Projects of a domain.
    Project,
    /// Environments of a project.
    Environment,
    /// Environment profiles of a domain.
    EnvironmentProfile,
    /// Data sources of a project.
    DataSource,
    /// Assets (inventory) of a domain.
    Asset,
    /// Metadata form types of a domain.
    FormType,
    /// Listings (published catalog entries).
    Listing,
    /// Business glossaries.
    Glossary,
    /// Glossary terms.
    GlossaryTerm,
}

impl Kind {
    /// Every kind.
    pub const ALL: &'static [Kind] = &[
        Kind::Domain,
        Kind::Project,
        Kind::Environment,
        Kind::EnvironmentProfile,
        Kind::DataSource,
        Kind::Asset,
        Kind::FormType,
        Kind::Listing,
        Kind::Glossary,
        Kind::GlossaryTerm,
    ];
}

/// Options of the DataZone scanners.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DataZoneOptions {
    /// Domains to scan (ids `dzd_...`); empty: every domain `ListDomains` returns.
    pub domains: Vec<String>,
    /// Kinds to scan (whole-domain scanner only); empty: all.
    pub kinds: Vec<Kind>,
    /// How many domains, projects and per-item reads run at once (1..=64), at each level.
    pub concurrency: usize,
    /// Page size asked of list and search calls (1..=50); default: the service's.
    pub page_size: Option<i32>,
    /// Also read each asset's revisions (`ListAssetRevisions`).
    pub asset_revisions: bool,
    /// Also scan AWS-managed form types (`amazon.datazone.*`), not only the domain's own.
    pub managed_form_types: bool,
    /// At most this many DataZone requests in flight for the whole scan (1..=256), however
    /// the fan-out across domains, projects and per-item reads multiplies.
    pub max_requests: usize,
}

impl Default for DataZoneOptions {
    fn default() -> Self {
        DataZoneOptions {
            domains: Vec::new(),
            kinds: Vec::new(),
            concurrency: 8,
            page_size: None,
            asset_revisions: false,
            managed_form_types: false,
            max_requests: 16,
        }
    }
}

impl DataZoneOptions {
    /// Restricts the scan to `domain_id` (may be called more than once).
    pub fn domain(mut self, domain_id: impl Into<String>) -> Self {
        self.domains.push(domain_id.into());
        self
    }
    /// Restricts the whole-domain scan to these kinds.
    pub fn kinds(mut self, kinds: &[Kind]) -> Self {
        self.kinds = kinds.to_vec();
        self
    }
    /// Sets the concurrency.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }
    /// Sets the page size.
    pub fn page_size(mut self, n: i32) -> Self {
        self.page_size = Some(n);
        self
    }
    /// Reads asset revisions too.
    pub fn asset_revisions(mut self, yes: bool) -> Self {
        self.asset_revisions = yes;
        self
    }
    /// Scans AWS-managed form types too.
    pub fn managed_form_types(mut self, yes: bool) -> Self {
        self.managed_form_types = yes;
        self
    }

    /// Caps the requests in flight for the whole scan.
    pub fn max_requests(mut self, n: usize) -> Self {
        self.max_requests = n;
        self
    }

    /// Checks the options; the error names the field.
    pub fn validate(&self) -> Result<()> {
        if !(1..=256).contains(&self.max_requests) {
            return Err(Error::invalid("max_requests", "must be between 1 and 256"));
        }
        if !(1..=64).contains(&self.concurrency) {
            return Err(Error::invalid("concurrency", "must be between 1 and 64"));
        }
        if let Some(n) = self.page_size {
            if !(1..=50).contains(&n) {
                return Err(Error::invalid("page_size", "must be between 1 and 50"));
            }
        }
        for d in &self.domains {
            check_domain_id("domains", d)?;
        }
        Ok(())
    }

    fn wants(&self, k: Kind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&k)
    }
}

type Items<T> = BoxStream<'static, Result<ScanItem<T>>>;

/// Pages of a list/search call as items; a failed page ends the stream, as an error if `fatal`
/// else as a skipped part.
fn listed<P, T, E>(
    pages: BoxStream<'static, std::result::Result<P, SdkError<E, HttpResponse>>>,
    op: &'static str,
    part: String,
    fatal: bool,
    items: fn(P) -> Vec<T>,
) -> Items<T>
where
    P: Send + 'static,
    T: Send + 'static,
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    pages
        .scan(false, move |failed, page| {
            if *failed {
                return future::ready(None);
            }
            let out: Vec<Result<ScanItem<T>>> = match page {
                Ok(p) => items(p)
                    .into_iter()
                    .map(|t| Ok(ScanItem::Record(t)))
                    .collect(),
                Err(e) => {
                    *failed = true;
                    let err = Error::from_sdk(e, op).with_resource(part.clone());
                    vec![if fatal {
                        Err(err)
                    } else {
                        Ok(ScanItem::Skipped(Skipped::from_error(
                            format!("{op} {part}"),
                            &err,
                        )))
                    }]
                }
            };
            future::ready(Some(stream::iter(out)))
        })
        .flatten()
        .boxed()
}

/// Runs `f` on every record of `s`, `n` at a time; skipped parts and errors pass through.
fn enrich<T, R>(
    s: Items<T>,
    n: usize,
    f: impl Fn(T) -> BoxFuture<'static, Result<ScanItem<R>>> + Send + 'static,
) -> Items<R>
where
    T: Send + 'static,
    R: Send + 'static,
{
    s.map(move |item| match item {
        Ok(ScanItem::Record(t)) => f(t),
        Ok(ScanItem::Skipped(k)) => future::ready(Ok(ScanItem::Skipped(k))).boxed(),
        Err(e) => future::ready(Err(e)).boxed(),
    })
    .buffer_unordered(n)
    .boxed()
}

/// A per-item read whose failure is recorded as a skipped part.
fn skip_on_error<R>(r: Result<R>, part: String) -> Result<ScanItem<R>> {
    Ok(match r {
        Ok(v) => ScanItem::Record(v),
        Err(e) => ScanItem::Skipped(Skipped::from_error(part, &e)),
    })
}

#[derive(Debug)]
struct Ctx {
    client: aws_sdk_datazone::Client,
    origin: Origin,
    options: DataZoneOptions,
    /// One permit per request in flight, held for the request only (never across a stream).
    permits: Arc<Semaphore>,
}

type Rec = Items<DataZoneRecord>;

impl Ctx {
    fn new(conn: &Connection, options: DataZoneOptions) -> Result<Arc<Self>> {
        options.validate()?;
        Ok(Arc::new(Ctx {
            client: datazone_client(conn),
            origin: Origin {
                account_id: conn.account_id().to_owned(),
                region: conn.region().to_owned(),
            },
            permits: Arc::new(Semaphore::new(options.max_requests)),
            options,
        }))
    }

    fn n(&self) -> usize {
        self.options.concurrency
    }

    /// A permit for one request.
    async fn permit(&self) -> Option<OwnedSemaphorePermit> {
        self.permits.clone().acquire_owned().await.ok()
    }

    /// [`pages`] with each page request holding a permit.
    fn pages<T: Send + 'static>(&self, paginator: PaginationStream<T>) -> BoxStream<'static, T> {
        stream::unfold(
            (pages(paginator), self.permits.clone()),
            |(mut inner, permits)| async move {
                let permit = permits.clone().acquire_owned().await.ok();
                let item = inner.next().await;
                drop(permit);
                item.map(|i| (i, (inner, permits)))
            },
        )
        .boxed()
    }

    /// The domains to scan, lazily. A failed `ListDomains` ends the scan with its error.
    fn domains(self: &Arc<Self>) -> Items<aws_sdk_datazone::types::DomainSummary> {
        let wanted = self.options.domains.clone();
        let s = self.pages(
            self.client
                .list_domains()
                .set_max_results(self.options.page_size)
                .into_paginator()
                .send(),
        );
        listed(s, "datazone:ListDomains", String::new(), true, |p| p.items)
            .filter(move |d| {
                future::ready(match d {
                    Ok(ScanItem::Record(d)) => wanted.is_empty() || wanted.contains(&d.id),
                    _ => true,
                })
            })
            .boxed()
    }

    /// Everything the options ask for, across domains.
    fn scan(self: &Arc<Self>) -> Rec {
        let ctx = self.clone();
        self.domains()
            .flat_map_unordered(Some(self.n()), move |d| match d {
                Ok(ScanItem::Record(d)) => ctx.domain(d),
                Ok(ScanItem::Skipped(k)) => {
                    stream::once(future::ready(Ok(ScanItem::Skipped(k)))).boxed()
                }
                Err(e) => stream::once(future::ready(Err(e))).boxed(),
            })
            .boxed()
    }

    fn domain(self: &Arc<Self>, d: aws_sdk_datazone::types::DomainSummary) -> Rec {
        let o = &self.options;
        let id = d.id.clone();
        let mut parts: Vec<Rec> = Vec::new();
        if o.wants(Kind::Domain) {
            let r = DataZoneRecord::Domain(DomainRecord::new(&self.origin, &d));
            parts.push(stream::once(future::ready(Ok(ScanItem::Record(r)))).boxed());
        }
        if o.wants(Kind::Project) || o.wants(Kind::Environment) || o.wants(Kind::DataSource) {
            parts.push(self.projects(id.clone()));
        }
        if o.wants(Kind::EnvironmentProfile) {
            parts.push(self.environment_profiles(id.clone()));
        }
        if o.wants(Kind::Asset) {
            parts.push(self.assets(id.clone()));
        }
        if o.wants(Kind::FormType) {
            parts.push(self.form_types(id.clone()));
        }
        if o.wants(Kind::Listing) {
            parts.push(self.listings(id.clone()));
        }
        if o.wants(Kind::Glossary) {
            parts.push(self.glossaries(id.clone(), InventorySearchScope::Glossary));
        }
        if o.wants(Kind::GlossaryTerm) {
            parts.push(self.glossaries(id, InventorySearchScope::GlossaryTerm));
        }
        stream::iter(parts).flatten_unordered(None).boxed()
    }

    /// Projects of a domain, each followed by its environments and data sources.
    fn projects(self: &Arc<Self>, domain: String) -> Rec {
        let s = self.pages(
            self.client
                .list_projects()
                .domain_identifier(&domain)
                .set_max_results(self.options.page_size)
                .into_paginator()
                .send(),
        );
        let ctx = self.clone();
        listed(
            s,
            "datazone:ListProjects",
            format!("domain={domain}"),
            false,
            |p| p.items.unwrap_or_default(),
        )
        .flat_map_unordered(Some(self.n()), move |p| match p {
            Ok(ScanItem::Record(p)) => {
                let mut parts: Vec<Rec> = Vec::new();
                let o = &ctx.options;
                if o.wants(Kind::Project) {
                    let r = DataZoneRecord::Project(ProjectRecord::new(&ctx.origin, &p));
                    parts.push(stream::once(future::ready(Ok(ScanItem::Record(r)))).boxed());
                }
                if o.wants(Kind::Environment) {
                    parts.push(ctx.environments(p.domain_id.clone(), p.id.clone()));
                }
                if o.wants(Kind::DataSource) {
                    parts.push(ctx.data_sources(p.domain_id.clone(), p.id.clone()));
                }
                stream::iter(parts).flatten_unordered(None).boxed()
            }
            Ok(ScanItem::Skipped(k)) => {
                stream::once(future::ready(Ok(ScanItem::Skipped(k)))).boxed()
            }
            Err(e) => stream::once(future::ready(Err(e))).boxed(),
        })
        .boxed()
    }

    fn environments(self: &Arc<Self>, domain: String, project: String) -> Rec {
        let s = self.pages(
            self.client
                .list_environments()
                .domain_identifier(&domain)
                .project_identifier(&project)
                .set_max_results(self.options.page_size)
                .into_paginator()
                .send(),
        );
        let origin = self.origin.clone();
        listed(
            s,
            "datazone:ListEnvironments",
            format!("domain={domain} project={project}"),
            false,
            |p| p.items,
        )
        .map(move |i| {
            i.map(|i| {
                map_item(i, |e| {
                    DataZoneRecord::Environment(EnvironmentRecord::new(&origin, &e))
                })
            })
        })
        .boxed()
    }

    fn environment_profiles(self: &Arc<Self>, domain: String) -> Rec {
        let s = self.pages(
            self.client
                .list_environment_profiles()
                .domain_identifier(&domain)
                .set_max_results(self.options.page_size)
                .into_paginator()
                .send(),
        );
        let origin = self.origin.clone();
        listed(
            s,
            "datazone:ListEnvironmentProfiles",
            format!("domain={domain}"),
            false,
            |p| p.items,
        )
        .map(move |i| {
            i.map(|i| {
                map_item(i, |e| {
                    DataZoneRecord::EnvironmentProfile(EnvironmentProfileRecord::new(&origin, &e))
                })
            })
        })
        .boxed()
    }

    fn data_sources(self: &Arc<Self>, domain: String, project: String) -> Rec {
        let s = self.pages(
            self.client
                .list_data_sources()
                .domain_identifier(&domain)
                .project_identifier(&project)
                .set_max_results(self.options.page_size)
                .into_paginator()
                .send(),
        );
        let ctx = self.clone();
        let listed = listed(
            s,
            "datazone:ListDataSources",
            format!("domain={domain} project={project}"),
            false,
            |p| p.items,
        );
        enrich(listed, self.n(), move |summary| {
            let ctx = ctx.clone();
            async move {
                let (domain, id) = (summary.domain_id.clone(), summary.data_source_id.clone());
                let permit = ctx.permit().await;
                let r = ctx
                    .client
                    .get_data_source()
                    .domain_identifier(&domain)
                    .identifier(&id)
                    .send()
                    .await
                    .map_err(|e| {
                        Error::from_sdk(e, "datazone:GetDataSource")
                            .with_resource(format!("{domain}/{id}"))
                    })
                    .map(|out| {
                        drop(permit);
                        let mut r = DataSourceRecord::from_get(&ctx.origin, &out);
                        r.last_run_asset_count = out.last_run_asset_count;
                        DataZoneRecord::DataSource(r)
                    });
                skip_on_error(
                    r,
                    format!("datazone:GetDataSource domain={domain} data_source={id}"),
                )
            }
            .boxed()
        })
    }

    /// Ids found by `Search` in one scope.
    fn search_ids(self: &Arc<Self>, domain: &str, scope: InventorySearchScope) -> Items<String> {
        let s = self.pages(
            self.client
                .search()
                .domain_identifier(domain)
                .search_scope(scope.clone())
                .set_max_results(self.options.page_size)
                .into_paginator()
                .send(),
        );
        listed(
            s,
            "datazone:Search",
            format!("domain={domain} scope={}", scope.as_str()),
            false,
            |p| {
                p.items
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|i| match i {
                        SearchInventoryResultItem::AssetItem(a) => Some(a.identifier),
                        SearchInventoryResultItem::GlossaryItem(g) => Some(g.id),
                        SearchInventoryResultItem::GlossaryTermItem(t) => Some(t.id),
                        _ => None,
                    })
                    .collect()
            },
        )
    }

    fn assets(self: &Arc<Self>, domain: String) -> Rec {
        let ids = self.search_ids(&domain, InventorySearchScope::Asset);
        let ctx = self.clone();
        enrich(ids, self.n(), move |id| {
            let ctx = ctx.clone();
            let domain = domain.clone();
            async move {
                let r = ctx.asset(&domain, &id).await;
                skip_on_error(r, format!("datazone:GetAsset domain={domain} asset={id}"))
                    .map(|i| map_item(i, |a| DataZoneRecord::Asset(Box::new(a))))
            }
            .boxed()
        })
    }

    async fn asset(&self, domain: &str, id: &str) -> Result<AssetRecord> {
        let permit = self.permit().await;
        let out = self
            .client
            .get_asset()
            .domain_identifier(domain)
            .identifier(id)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, "datazone:GetAsset").with_resource(format!("{domain}/{id}"))
            })?;
        drop(permit);
        let mut r = AssetRecord::from_get(&self.origin, &out);
        if self.options.asset_revisions {
            let mut revs = Vec::new();
            let mut p = self.pages(
                self.client
                    .list_asset_revisions()
                    .domain_identifier(domain)
                    .identifier(id)
                    .set_max_results(self.options.page_size)
                    .into_paginator()
                    .send(),
            );
            while let Some(page) = p.next().await {
                let page = page.map_err(|e| {
                    Error::from_sdk(e, "datazone:ListAssetRevisions")
                        .with_resource(format!("{domain}/{id}"))
                })?;
                revs.extend(page.items.iter().flatten().map(AssetRevisionRecord::from));
            }
            r.revisions = Some(revs);
        }
        Ok(r)
    }

    fn form_types(self: &Arc<Self>, domain: String) -> Rec {
        let mut managed = vec![false];
        if self.options.managed_form_types {
            managed.push(true);
        }
        let ctx = self.clone();
        stream::iter(managed)
            .flat_map(move |m| {
                let s = ctx.pages(
                    ctx.client
                        .search_types()
                        .domain_identifier(&domain)
                        .search_scope(TypesSearchScope::FormType)
                        .managed(m)
                        .set_max_results(ctx.options.page_size)
                        .into_paginator()
                        .send(),
                );
                let origin = ctx.origin.clone();
                listed(
                    s,
                    "datazone:SearchTypes",
                    format!("domain={domain} scope=FORM_TYPE managed={m}"),
                    false,
                    |p| {
                        p.items
                            .unwrap_or_default()
                            .into_iter()
                            .filter_map(|i| match i {
                                SearchTypesResultItem::FormTypeItem(f) => Some(f),
                                _ => None,
                            })
                            .collect()
                    },
                )
                .map(move |i| {
                    i.map(|i| {
                        map_item(i, |f| {
                            DataZoneRecord::FormType(FormTypeRecord::new(&origin, &f))
                        })
                    })
                })
            })
            .boxed()
    }

    fn listings(self: &Arc<Self>, domain: String) -> Rec {
        let s = self.pages(
            self.client
                .search_listings()
                .domain_identifier(&domain)
                .set_max_results(self.options.page_size)
                .into_paginator()
                .send(),
        );
        let ids = listed(
            s,
            "datazone:SearchListings",
            format!("domain={domain}"),
            false,
            |p| {
                p.items
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|i| match i {
                        SearchResultItem::AssetListing(a) => a.listing_id,
                        SearchResultItem::DataProductListing(d) => d.listing_id,
                        _ => None,
                    })
                    .collect()
            },
        );
        let ctx = self.clone();
        enrich(ids, self.n(), move |id: String| {
            let ctx = ctx.clone();
            let domain = domain.clone();
            async move {
                let permit = ctx.permit().await;
                let r = ctx
                    .client
                    .get_listing()
                    .domain_identifier(&domain)
                    .identifier(&id)
                    .send()
                    .await
                    .map_err(|e| {
                        Error::from_sdk(e, "datazone:GetListing")
                            .with_resource(format!("{domain}/{id}"))
                    })
                    .map(|l| DataZoneRecord::Listing(ListingRecord::new(&ctx.origin, &l)));
                drop(permit);
                skip_on_error(
                    r,
                    format!("datazone:GetListing domain={domain} listing={id}"),
                )
            }
            .boxed()
        })
    }

    fn glossaries(self: &Arc<Self>, domain: String, scope: InventorySearchScope) -> Rec {
        let ids = self.search_ids(&domain, scope.clone());
        let ctx = self.clone();
        let terms = scope == InventorySearchScope::GlossaryTerm;
        enrich(ids, self.n(), move |id| {
            let ctx = ctx.clone();
            let domain = domain.clone();
            async move {
                let _permit = ctx.permit().await;
                if terms {
                    let r = ctx
                        .client
                        .get_glossary_term()
                        .domain_identifier(&domain)
                        .identifier(&id)
                        .send()
                        .await
                        .map_err(|e| {
                            Error::from_sdk(e, "datazone:GetGlossaryTerm")
                                .with_resource(format!("{domain}/{id}"))
                        })
                        .map(|t| {
                            DataZoneRecord::GlossaryTerm(GlossaryTermRecord::new(&ctx.origin, &t))
                        });
                    skip_on_error(
                        r,
                        format!("datazone:GetGlossaryTerm domain={domain} term={id}"),
                    )
                } else {
                    let r = ctx
                        .client
                        .get_glossary()
                        .domain_identifier(&domain)
                        .identifier(&id)
                        .send()
                        .await
                        .map_err(|e| {
                            Error::from_sdk(e, "datazone:GetGlossary")
                                .with_resource(format!("{domain}/{id}"))
                        })
                        .map(|g| DataZoneRecord::Glossary(GlossaryRecord::new(&ctx.origin, &g)));
                    skip_on_error(
                        r,
                        format!("datazone:GetGlossary domain={domain} glossary={id}"),
                    )
                }
            }
            .boxed()
        })
    }
}

fn map_item<T, R>(i: ScanItem<T>, f: impl FnOnce(T) -> R) -> ScanItem<R> {
    match i {
        ScanItem::Record(t) => ScanItem::Record(f(t)),
        ScanItem::Skipped(s) => ScanItem::Skipped(s),
    }
}

/// The read actions the whole-domain scan calls.
const ALL_READ: &[Action] = &[
    actions::datazone::LIST_DOMAINS,
    actions::datazone::LIST_PROJECTS,
    actions::datazone::LIST_ENVIRONMENTS,
    actions::datazone::LIST_ENVIRONMENT_PROFILES,
    actions::datazone::LIST_DATA_SOURCES,
    actions::datazone::GET_DATA_SOURCE,
    actions::datazone::SEARCH,
    actions::datazone::GET_ASSET,
    actions::datazone::LIST_ASSET_REVISIONS,
    actions::datazone::SEARCH_TYPES,
    actions::datazone::SEARCH_LISTINGS,
    actions::datazone::GET_LISTING,
    actions::datazone::GET_GLOSSARY,
    actions::datazone::GET_GLOSSARY_TERM,
];

/// Scans everything in the chosen domains (or all domains): domains, projects, environments,
/// environment profiles, data sources, assets, form types, listings, glossaries and terms,
/// `concurrency` domains and projects at a time. A denied or vanished part is a
/// [`ScanItem::Skipped`] and the scan goes on; only a failed `ListDomains` ends it.
#[derive(Debug, Clone)]
pub struct DataZoneScanner {
    ctx: Arc<Ctx>,
}

impl DataZoneScanner {
    /// A scanner over `conn` with `options`.
    pub fn new(conn: &Connection, options: DataZoneOptions) -> Result<Self> {
        Ok(DataZoneScanner {
            ctx: Ctx::new(conn, options)?,
        })
    }
}

impl Scanner for DataZoneScanner {
    type Record = DataZoneRecord;
    fn name(&self) -> &'static str {
        "datazone"
    }
    fn actions(&self) -> &'static [Action] {
        ALL_READ
    }
    fn scan(&self) -> Rec {
        self.ctx.scan()
    }
}

macro_rules! kind_scanner {
    ($(#[$doc:meta])* $name:ident, $kind:expr, $variant:ident, $record:ty, $sname:literal, [$($action:expr),*]) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            ctx: Arc<Ctx>,
        }

        impl $name {
            /// A scanner over `conn` with `options` (its `kinds` are ignored).
            pub fn new(conn: &Connection, options: DataZoneOptions) -> Result<Self> {
                let options = options.kinds(&[$kind]);
                Ok($name { ctx: Ctx::new(conn, options)? })
            }
        }

        impl Scanner for $name {
            type Record = $record;
            fn name(&self) -> &'static str {
                $sname
            }
            fn actions(&self) -> &'static [Action] {
                &[actions::datazone::LIST_DOMAINS, $($action),*]
            }
            fn scan(&self) -> Items<$record> {
                self.ctx
                    .scan()
                    .filter_map(|i| {
                        future::ready(match i {
                            Ok(ScanItem::Record(DataZoneRecord::$variant(r))) => {
                                Some(Ok(ScanItem::Record(r.into())))
                            }
                            Ok(ScanItem::Record(_)) => None,
                            Ok(ScanItem::Skipped(s)) => Some(Ok(ScanItem::Skipped(s))),
                            Err(e) => Some(Err(e)),
                        })
                    })
                    .boxed()
            }
        }
    };
}

kind_scanner!(
    /// Scans DataZone domains (`ListDomains`).
    DomainScanner, Kind::Domain, Domain, DomainRecord, "datazone_domains", []
);
kind_scanner!(
    /// Scans the projects of each domain (`ListProjects`).
    ProjectScanner, Kind::Project, Project, ProjectRecord, "datazone_projects",
    [actions::datazone::LIST_PROJECTS]
);
kind_scanner!(
    /// Scans the environments of each project (`ListEnvironments`).
    EnvironmentScanner, Kind::Environment, Environment, EnvironmentRecord, "datazone_environments",
    [actions::datazone::LIST_PROJECTS, actions::datazone::LIST_ENVIRONMENTS]
);
kind_scanner!(
    /// Scans the environment profiles of each domain (`ListEnvironmentProfiles`).
    EnvironmentProfileScanner, Kind::EnvironmentProfile, EnvironmentProfile,
    EnvironmentProfileRecord, "datazone_environment_profiles",
    [actions::datazone::LIST_ENVIRONMENT_PROFILES]
);
kind_scanner!(
    /// Scans the data sources of each project (`ListDataSources`, then `GetDataSource` for the
    /// configuration and last run status).
    DataSourceScanner, Kind::DataSource, DataSource, DataSourceRecord, "datazone_data_sources",
    [actions::datazone::LIST_PROJECTS, actions::datazone::LIST_DATA_SOURCES,
     actions::datazone::GET_DATA_SOURCE]
);
kind_scanner!(
    /// Scans assets (`Search` with scope `ASSET`, then `GetAsset` with forms; revisions with
    /// `ListAssetRevisions` when [`DataZoneOptions::asset_revisions`] is set).
    AssetScanner, Kind::Asset, Asset, AssetRecord, "datazone_assets",
    [actions::datazone::SEARCH, actions::datazone::GET_ASSET,
     actions::datazone::LIST_ASSET_REVISIONS]
);
kind_scanner!(
    /// Scans metadata form types (`SearchTypes` with scope `FORM_TYPE`).
    FormTypeScanner, Kind::FormType, FormType, FormTypeRecord, "datazone_form_types",
    [actions::datazone::SEARCH_TYPES]
);
kind_scanner!(
    /// Scans listings (`SearchListings`, then `GetListing`).
    ListingScanner, Kind::Listing, Listing, ListingRecord, "datazone_listings",
    [actions::datazone::SEARCH_LISTINGS, actions::datazone::GET_LISTING]
);
kind_scanner!(
    /// Scans business glossaries (`Search` with scope `GLOSSARY`, then `GetGlossary`).
    GlossaryScanner, Kind::Glossary, Glossary, GlossaryRecord, "datazone_glossaries",
    [actions::datazone::SEARCH, actions::datazone::GET_GLOSSARY]
);
kind_scanner!(
    /// Scans glossary terms (`Search` with scope `GLOSSARY_TERM`, then `GetGlossaryTerm`).
    GlossaryTermScanner, Kind::GlossaryTerm, GlossaryTerm, GlossaryTermRecord,
    "datazone_glossary_terms",
    [actions::datazone::SEARCH, actions::datazone::GET_GLOSSARY_TERM]
);
