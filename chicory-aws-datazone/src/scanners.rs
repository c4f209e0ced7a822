//! DataZone scanners: one whole-domain scanner yielding [`DataZoneRecord`]s, and one scanner per
//! resource kind built on it, all on the scan engine of `chicory_aws_core::scan`: every listing
//! is a [`paged`] part and every per-item read a [`read`], so a denied or vanished part is a
//! [`ScanItem::Skipped`] and any other failure after the retries an incomplete part (an `Err`
//! item), decided by the engine.

use crate::records::*;
use crate::unchecked_datazone_client;
use crate::validate::check_domain_id;
use aws_sdk_datazone::operation::get_data_source::GetDataSourceOutput;
use aws_sdk_datazone::types::{
    DomainSummary, InventorySearchScope, ProjectSummary, SearchInventoryResultItem,
    SearchResultItem, SearchTypesResultItem, TypesSearchScope,
};
use chicory_aws_core::scan::{paged, read, read_record, Page, Part, ScanStream, ScanStreamExt};
use chicory_aws_core::{
    actions, Action, Concurrency, Connection, Error, PageRetry, Result, ScanItem, Scanner,
};
use futures::stream::{self, StreamExt};
use std::sync::Arc;

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
///
/// The requests in flight are bounded by the connection, not by these options: every client
/// built from a connection shares its request budget, set with
/// `ConnectionBuilder::budget(BudgetSettings::default().max_in_flight(n))` (default 64 over the
/// whole connection, and DataZone's published `Search` / `SearchListings` / `SearchTypes`
/// rates), however the fan-out across domains, projects and per-item reads multiplies.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DataZoneOptions {
    /// Domains to scan (ids `dzd_...`); empty: every domain `ListDomains` returns.
    pub domains: Vec<String>,
    /// Kinds to scan (whole-domain scanner only); empty: all.
    pub kinds: Vec<Kind>,
    /// How many domains, projects and per-item reads run at once (1..=64, checked as a
    /// [`Concurrency`]), at each level.
    pub concurrency: usize,
    /// Page size asked of list and search calls (1..=50); default: the service's.
    pub page_size: Option<i32>,
    /// Also read each asset's revisions (`ListAssetRevisions`).
    pub asset_revisions: bool,
    /// Also scan AWS-managed form types (`amazon.datazone.*`), not only the domain's own.
    pub managed_form_types: bool,
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

    /// Checks the options; the error names the field.
    pub fn validate(&self) -> Result<()> {
        Concurrency::new("concurrency", self.concurrency)?;
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

type Rec = ScanStream<DataZoneRecord>;

/// One item of a scan of `DataZoneRecord`s.
type Item = Result<ScanItem<DataZoneRecord>>;

#[derive(Debug)]
struct Ctx {
    client: aws_sdk_datazone::Client,
    origin: Origin,
    options: DataZoneOptions,
    concurrency: Concurrency,
    retry: PageRetry,
}

impl Ctx {
    fn new(conn: &Connection, options: DataZoneOptions) -> Result<Arc<Self>> {
        options.validate()?;
        Ok(Arc::new(Ctx {
            client: unchecked_datazone_client(conn),
            origin: Origin {
                account_id: conn.account_id().to_owned(),
                region: conn.region().to_owned(),
            },
            concurrency: Concurrency::new("concurrency", options.concurrency)?,
            retry: conn.page_retry(),
            options,
        }))
    }

    /// The domains to scan, lazily.
    fn domains(&self) -> ScanStream<DomainSummary> {
        let wanted = self.options.domains.clone();
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(actions::datazone::LIST_DOMAINS, "");
        paged(part, self.retry, move |token| {
            let req = client
                .list_domains()
                .set_max_results(size)
                .set_next_token(token);
            async move { req.send().await.map(|p| Page::new(p.items, p.next_token)) }
        })
        .filter_map_records(move |d| (wanted.is_empty() || wanted.contains(&d.id)).then_some(d))
    }

    /// Everything the options ask for, across domains.
    fn scan(self: &Arc<Self>) -> Rec {
        let ctx = self.clone();
        self.domains()
            .flat_map_records(self.concurrency, move |d| ctx.domain(d))
    }

    fn domain(self: &Arc<Self>, d: DomainSummary) -> Rec {
        let o = &self.options;
        let id = d.id.clone();
        let mut parts: Vec<Rec> = Vec::new();
        if o.wants(Kind::Domain) {
            let r = DataZoneRecord::Domain(DomainRecord::new(&self.origin, &d));
            parts.push(stream::iter([Ok(ScanItem::Record(r))]).boxed());
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
            parts.push(self.glossaries(id.clone()));
        }
        if o.wants(Kind::GlossaryTerm) {
            parts.push(self.glossary_terms(id));
        }
        stream::iter(parts).flatten_unordered(None).boxed()
    }

    /// Projects of a domain, each followed by its environments and data sources.
    fn projects(self: &Arc<Self>, domain: String) -> Rec {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(actions::datazone::LIST_PROJECTS, format!("domain={domain}"));
        let ctx = self.clone();
        paged(part, self.retry, move |token| {
            let req = client
                .list_projects()
                .domain_identifier(&domain)
                .set_max_results(size)
                .set_next_token(token);
            async move {
                req.send()
                    .await
                    .map(|p| Page::new(p.items.unwrap_or_default(), p.next_token))
            }
        })
        .flat_map_records(self.concurrency, move |p| ctx.project(p))
    }

    fn project(self: &Arc<Self>, p: ProjectSummary) -> Rec {
        let o = &self.options;
        let mut parts: Vec<Rec> = Vec::new();
        if o.wants(Kind::Project) {
            let r = DataZoneRecord::Project(ProjectRecord::new(&self.origin, &p));
            parts.push(stream::iter([Ok(ScanItem::Record(r))]).boxed());
        }
        if o.wants(Kind::Environment) {
            parts.push(self.environments(p.domain_id.clone(), p.id.clone()));
        }
        if o.wants(Kind::DataSource) {
            parts.push(self.data_sources(p.domain_id, p.id));
        }
        stream::iter(parts).flatten_unordered(None).boxed()
    }

    fn environments(&self, domain: String, project: String) -> Rec {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(
            actions::datazone::LIST_ENVIRONMENTS,
            format!("domain={domain} project={project}"),
        );
        let origin = self.origin.clone();
        paged(part, self.retry, move |token| {
            let req = client
                .list_environments()
                .domain_identifier(&domain)
                .project_identifier(&project)
                .set_max_results(size)
                .set_next_token(token);
            async move { req.send().await.map(|p| Page::new(p.items, p.next_token)) }
        })
        .map_records(move |e| DataZoneRecord::Environment(EnvironmentRecord::new(&origin, &e)))
    }

    fn environment_profiles(&self, domain: String) -> Rec {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(
            actions::datazone::LIST_ENVIRONMENT_PROFILES,
            format!("domain={domain}"),
        );
        let origin = self.origin.clone();
        paged(part, self.retry, move |token| {
            let req = client
                .list_environment_profiles()
                .domain_identifier(&domain)
                .set_max_results(size)
                .set_next_token(token);
            async move { req.send().await.map(|p| Page::new(p.items, p.next_token)) }
        })
        .map_records(move |e| {
            DataZoneRecord::EnvironmentProfile(EnvironmentProfileRecord::new(&origin, &e))
        })
    }

    /// Data sources of a project, each read in full (`GetDataSource`).
    fn data_sources(self: &Arc<Self>, domain: String, project: String) -> Rec {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(
            actions::datazone::LIST_DATA_SOURCES,
            format!("domain={domain} project={project}"),
        );
        let ctx = self.clone();
        paged(part, self.retry, move |token| {
            let req = client
                .list_data_sources()
                .domain_identifier(&domain)
                .project_identifier(&project)
                .set_max_results(size)
                .set_next_token(token);
            async move { req.send().await.map(|p| Page::new(p.items, p.next_token)) }
        })
        .then_records(self.concurrency, move |s| {
            let ctx = ctx.clone();
            async move {
                let (domain, id) = (s.domain_id, s.data_source_id);
                let part = Part::new(
                    actions::datazone::GET_DATA_SOURCE,
                    format!("domain={domain} data_source={id}"),
                );
                let read = || {
                    ctx.client
                        .get_data_source()
                        .domain_identifier(&domain)
                        .identifier(&id)
                        .send()
                };
                let record = |out: GetDataSourceOutput| {
                    let mut r = DataSourceRecord::from_get(&ctx.origin, &out);
                    r.last_run_asset_count = out.last_run_asset_count;
                    DataZoneRecord::DataSource(r)
                };
                vec![read_record(&part, ctx.retry, read, record).await]
            }
        })
    }

    /// Ids found by `Search` in one scope.
    fn search_ids(&self, domain: String, scope: InventorySearchScope) -> ScanStream<String> {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(
            actions::datazone::SEARCH,
            format!("domain={domain} scope={}", scope.as_str()),
        );
        paged(part, self.retry, move |token| {
            let req = client
                .search()
                .domain_identifier(&domain)
                .search_scope(scope.clone())
                .set_max_results(size)
                .set_next_token(token);
            async move {
                req.send().await.map(|p| {
                    let ids = p
                        .items
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|i| match i {
                            SearchInventoryResultItem::AssetItem(a) => Some(a.identifier),
                            SearchInventoryResultItem::GlossaryItem(g) => Some(g.id),
                            SearchInventoryResultItem::GlossaryTermItem(t) => Some(t.id),
                            _ => None,
                        })
                        .collect();
                    Page::new(ids, p.next_token)
                })
            }
        })
    }

    /// Assets of a domain, each read with its forms (`GetAsset`) and, if asked, revisions.
    fn assets(self: &Arc<Self>, domain: String) -> Rec {
        let ctx = self.clone();
        self.search_ids(domain.clone(), InventorySearchScope::Asset)
            .then_records(self.concurrency, move |id| {
                let (ctx, domain) = (ctx.clone(), domain.clone());
                async move { ctx.asset(domain, id).await }
            })
    }

    /// One asset: its record, and the outcome of its revisions when they could not be read
    /// (the record's `revisions` is then `None`, never a partial or empty list).
    async fn asset(&self, domain: String, id: String) -> Vec<Item> {
        let part = Part::new(
            actions::datazone::GET_ASSET,
            format!("domain={domain} asset={id}"),
        );
        let out = read(&part, self.retry, || {
            self.client
                .get_asset()
                .domain_identifier(&domain)
                .identifier(&id)
                .send()
        })
        .await;
        let mut record = match out {
            Ok(out) => AssetRecord::from_get(&self.origin, &out),
            Err(outcome) => return vec![outcome.map(ScanItem::Skipped)],
        };
        let mut items = Vec::new();
        if self.options.asset_revisions {
            let mut revisions = Vec::new();
            let mut listing = self.revisions(domain, id);
            while let Some(item) = listing.next().await {
                match item {
                    Ok(ScanItem::Record(r)) => revisions.push(r),
                    Ok(ScanItem::Skipped(s)) => items.push(Ok(ScanItem::Skipped(s))),
                    Err(e) => items.push(Err(e)),
                }
            }
            // Denied, vanished or incomplete: the field stays unread (`None`, not the pages
            // read so far), and the part's outcome goes beside the record.
            record.revisions = items.is_empty().then_some(revisions);
        }
        items.insert(
            0,
            Ok(ScanItem::Record(DataZoneRecord::Asset(Box::new(record)))),
        );
        items
    }

    fn revisions(&self, domain: String, id: String) -> ScanStream<AssetRevisionRecord> {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(
            actions::datazone::LIST_ASSET_REVISIONS,
            format!("domain={domain} asset={id}"),
        );
        paged(part, self.retry, move |token| {
            let req = client
                .list_asset_revisions()
                .domain_identifier(&domain)
                .identifier(&id)
                .set_max_results(size)
                .set_next_token(token);
            async move {
                req.send().await.map(|p| {
                    let revs = p.items.iter().flatten().map(AssetRevisionRecord::from);
                    Page::new(revs.collect(), p.next_token)
                })
            }
        })
    }

    /// The domain's form types (`SearchTypes`), its own then, if asked, the managed ones.
    fn form_types(&self, domain: String) -> Rec {
        let mut managed = vec![false];
        if self.options.managed_form_types {
            managed.push(true);
        }
        let parts: Vec<Rec> = managed
            .into_iter()
            .map(|m| {
                let (client, size) = (self.client.clone(), self.options.page_size);
                let domain = domain.clone();
                let part = Part::new(
                    actions::datazone::SEARCH_TYPES,
                    format!("domain={domain} scope=FORM_TYPE managed={m}"),
                );
                let origin = self.origin.clone();
                paged(part, self.retry, move |token| {
                    let req = client
                        .search_types()
                        .domain_identifier(&domain)
                        .search_scope(TypesSearchScope::FormType)
                        .managed(m)
                        .set_max_results(size)
                        .set_next_token(token);
                    async move {
                        req.send().await.map(|p| {
                            let forms = p
                                .items
                                .unwrap_or_default()
                                .into_iter()
                                .filter_map(|i| match i {
                                    SearchTypesResultItem::FormTypeItem(f) => Some(f),
                                    _ => None,
                                })
                                .collect();
                            Page::new(forms, p.next_token)
                        })
                    }
                })
                .map_records(move |f| DataZoneRecord::FormType(FormTypeRecord::new(&origin, &f)))
            })
            .collect();
        stream::iter(parts).flatten().boxed()
    }

    /// Listings of a domain (`SearchListings`), each read in full (`GetListing`).
    fn listings(self: &Arc<Self>, domain: String) -> Rec {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(
            actions::datazone::SEARCH_LISTINGS,
            format!("domain={domain}"),
        );
        let search_domain = domain.clone();
        let ctx = self.clone();
        paged(part, self.retry, move |token| {
            let req = client
                .search_listings()
                .domain_identifier(&search_domain)
                .set_max_results(size)
                .set_next_token(token);
            async move {
                req.send().await.map(|p| {
                    let ids = p
                        .items
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|i| match i {
                            SearchResultItem::AssetListing(a) => a.listing_id,
                            SearchResultItem::DataProductListing(d) => d.listing_id,
                            _ => None,
                        })
                        .collect();
                    Page::new(ids, p.next_token)
                })
            }
        })
        .then_records(self.concurrency, move |id: String| {
            let (ctx, domain) = (ctx.clone(), domain.clone());
            async move {
                let part = Part::new(
                    actions::datazone::GET_LISTING,
                    format!("domain={domain} listing={id}"),
                );
                let read = || {
                    ctx.client
                        .get_listing()
                        .domain_identifier(&domain)
                        .identifier(&id)
                        .send()
                };
                let record = |l| DataZoneRecord::Listing(ListingRecord::new(&ctx.origin, &l));
                vec![read_record(&part, ctx.retry, read, record).await]
            }
        })
    }

    /// Glossaries of a domain (`Search` scope `GLOSSARY`), each read (`GetGlossary`).
    fn glossaries(self: &Arc<Self>, domain: String) -> Rec {
        let ctx = self.clone();
        self.search_ids(domain.clone(), InventorySearchScope::Glossary)
            .then_records(self.concurrency, move |id| {
                let (ctx, domain) = (ctx.clone(), domain.clone());
                async move {
                    let part = Part::new(
                        actions::datazone::GET_GLOSSARY,
                        format!("domain={domain} glossary={id}"),
                    );
                    let read = || {
                        ctx.client
                            .get_glossary()
                            .domain_identifier(&domain)
                            .identifier(&id)
                            .send()
                    };
                    let record = |g| DataZoneRecord::Glossary(GlossaryRecord::new(&ctx.origin, &g));
                    vec![read_record(&part, ctx.retry, read, record).await]
                }
            })
    }

    /// Glossary terms of a domain (`Search` scope `GLOSSARY_TERM`), each read
    /// (`GetGlossaryTerm`).
    fn glossary_terms(self: &Arc<Self>, domain: String) -> Rec {
        let ctx = self.clone();
        self.search_ids(domain.clone(), InventorySearchScope::GlossaryTerm)
            .then_records(self.concurrency, move |id| {
                let (ctx, domain) = (ctx.clone(), domain.clone());
                async move {
                    let part = Part::new(
                        actions::datazone::GET_GLOSSARY_TERM,
                        format!("domain={domain} term={id}"),
                    );
                    let read = || {
                        ctx.client
                            .get_glossary_term()
                            .domain_identifier(&domain)
                            .identifier(&id)
                            .send()
                    };
                    let record =
                        |t| DataZoneRecord::GlossaryTerm(GlossaryTermRecord::new(&ctx.origin, &t));
                    vec![read_record(&part, ctx.retry, read, record).await]
                }
            })
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
/// `concurrency` domains and projects at a time. A denied or vanished part (a listing, a page,
/// a per-item read) is a [`ScanItem::Skipped`]; any other failure after the retries (throttling,
/// 5xx, timeouts, resets, unparseable answers, a repeated page token) is an incomplete part, an
/// `Err` item naming the action and resource. Either way the scan goes on with the other parts.
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
            fn scan(&self) -> ScanStream<$record> {
                self.ctx.scan().filter_map_records(|r| match r {
                    DataZoneRecord::$variant(r) => Some(r.into()),
                    _ => None,
                })
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
