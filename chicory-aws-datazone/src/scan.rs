//! The whole-domain scan every per-kind scanner is built on: the context the concepts' listings
//! share, the walk over domains and projects, [`DataZoneScanner`] and the [`DataZoneRecord`] it
//! yields, and the `kind_scanner!` macro that makes the per-kind scanners. Every listing is a [`paged`] part and every per-item read a
//! [`read`], so a denied or vanished part is a [`ScanItem::Skipped`] and any other failure
//! after the retries an incomplete part (an `Err` item), decided by the engine.
//!
//! [`paged`]: chicory_aws_core::scan::paged
//! [`read`]: chicory_aws_core::scan::read

use crate::client::unchecked_datazone_client;
use crate::options::{DataZoneOptions, Kind};
use crate::records::*;
use aws_sdk_datazone::types::{DomainSummary, ProjectSummary};
use chicory_aws_core::scan::{read_record, IntoScanError, Part, ScanStream, ScanStreamExt};
use chicory_aws_core::{
    actions, Action, Concurrency, Connection, PageRetry, Result, ScanItem, Scanner,
};
use futures::stream::{self, StreamExt};
use serde::Serialize;
use std::future::Future;
use std::sync::Arc;

/// The items of a page that `pick` keeps: it maps each item, and answers `None` for those the
/// caller has no use for (items of other kinds, or of kinds added to the API later).
pub(crate) fn pick_items<T, U>(items: Option<Vec<T>>, pick: impl FnMut(T) -> Option<U>) -> Vec<U> {
    items
        .unwrap_or_default()
        .into_iter()
        .filter_map(pick)
        .collect()
}

/// A scan of `DataZoneRecord`s.
pub(crate) type RecordStream = ScanStream<DataZoneRecord>;

/// One item of a scan of `DataZoneRecord`s.
pub(crate) type RecordItem = Result<ScanItem<DataZoneRecord>>;

/// What every part of a scan needs: the client, where records come from, the options, and the
/// concurrency and page retry they make. Each concept adds its listings to it (`impl
/// ScanContext` in `domains.rs`, `assets.rs`...).
#[derive(Debug)]
pub(crate) struct ScanContext {
    pub(crate) client: aws_sdk_datazone::Client,
    pub(crate) origin: Origin,
    pub(crate) options: DataZoneOptions,
    pub(crate) concurrency: Concurrency,
    pub(crate) retry: PageRetry,
}

impl ScanContext {
    /// The context of a scan of `conn` with `options` (checked first).
    pub(crate) fn new(conn: &Connection, options: DataZoneOptions) -> Result<Arc<Self>> {
        options.validate()?;
        Ok(Arc::new(ScanContext {
            client: unchecked_datazone_client(conn),
            origin: Origin::of(conn),
            concurrency: Concurrency::new("concurrency", options.concurrency)?,
            retry: conn.page_retry(),
            options,
        }))
    }

    /// Everything the options ask for, across domains.
    pub(crate) fn scan(self: &Arc<Self>) -> RecordStream {
        let context = self.clone();
        self.domains()
            .flat_map_records(self.concurrency, move |d| context.domain(d))
    }

    /// One domain: its record and the parts of it the options ask for.
    fn domain(self: &Arc<Self>, d: DomainSummary) -> RecordStream {
        let o = &self.options;
        let id = d.id.clone();
        let mut parts: Vec<RecordStream> = Vec::new();
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
            parts.push(self.glossary_terms(id.clone()));
        }
        if o.wants(Kind::LineageNode) {
            parts.push(self.lineage_nodes(id.clone()));
        }
        if o.wants(Kind::Subscription) {
            parts.push(self.subscriptions(id.clone()));
        }
        if o.wants(Kind::SubscriptionGrant) {
            parts.push(self.subscription_grants(id));
        }
        stream::iter(parts).flatten_unordered(None).boxed()
    }

    /// One project: its record, environments and data sources, as the options ask.
    pub(crate) fn project(self: &Arc<Self>, p: ProjectSummary) -> RecordStream {
        let o = &self.options;
        let mut parts: Vec<RecordStream> = Vec::new();
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

    /// Reads each `(domain, id)` of `ids` in full with `get`, the part `action` on
    /// `domain={domain} {noun}={id}`, `concurrency` at a time: each yields the `record` of what
    /// it read, or the part's outcome (skipped or incomplete).
    pub(crate) fn read_each<T, E, Fut>(
        self: &Arc<Self>,
        ids: ScanStream<(String, String)>,
        action: Action,
        noun: &'static str,
        get: fn(&aws_sdk_datazone::Client, &str, &str) -> Fut,
        record: fn(&Origin, T) -> DataZoneRecord,
    ) -> RecordStream
    where
        T: Send + 'static,
        E: IntoScanError + Send + 'static,
        Fut: Future<Output = std::result::Result<T, E>> + Send + 'static,
    {
        let context = self.clone();
        ids.then_records(self.concurrency, move |(domain, id)| {
            let context = context.clone();
            async move {
                let part = Part::new(action, format!("domain={domain} {noun}={id}"));
                let read = || get(&context.client, &domain, &id);
                let record = |out| record(&context.origin, out);
                vec![read_record(&part, context.retry, read, record).await]
            }
        })
    }
}

/// The read actions the whole-domain scan calls (the governance ones only when its kinds name
/// them).
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
    actions::datazone::GET_LINEAGE_NODE,
    actions::datazone::LIST_LINEAGE_NODE_HISTORY,
    actions::datazone::LIST_SUBSCRIPTIONS,
    actions::datazone::LIST_SUBSCRIPTION_GRANTS,
];

/// Scans everything in the chosen domains (or all domains): domains, projects, environments,
/// environment profiles, data sources, assets, form types, listings, glossaries and terms (and,
/// when [`DataZoneOptions::kinds`] names them, the governance kinds: lineage nodes,
/// subscriptions, subscription grants), `concurrency` domains and projects at a time. A denied or vanished part (a listing, a page,
/// a per-item read) is a [`ScanItem::Skipped`]; any other failure after the retries (throttling,
/// 5xx, timeouts, resets, unparseable answers, a repeated page token) is an incomplete part, an
/// `Err` item naming the action and resource. Either way the scan goes on with the other parts.
#[derive(Debug, Clone)]
pub struct DataZoneScanner {
    context: Arc<ScanContext>,
}

impl DataZoneScanner {
    /// A scanner over `conn` with `options`.
    pub fn new(conn: &Connection, options: DataZoneOptions) -> Result<Self> {
        Ok(DataZoneScanner {
            context: ScanContext::new(conn, options)?,
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
    fn scan(&self) -> RecordStream {
        self.context.scan()
    }
}

/// A scanner of one kind: the whole-domain scan restricted to `Kind::$kind`, yielding the
/// records of `DataZoneRecord::$kind`. `$action`s: what it calls besides `ListDomains`.
macro_rules! kind_scanner {
    ($(#[$doc:meta])* $name:ident, $kind:ident, $record:ty, $sname:literal, [$($action:expr),*]) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            context: std::sync::Arc<$crate::scan::ScanContext>,
        }

        impl $name {
            /// A scanner over `conn` with `options` (its `kinds` are ignored).
            pub fn new(
                conn: &chicory_aws_core::Connection,
                options: $crate::options::DataZoneOptions,
            ) -> chicory_aws_core::Result<Self> {
                let options = options.kinds(&[$crate::options::Kind::$kind]);
                Ok($name { context: $crate::scan::ScanContext::new(conn, options)? })
            }
        }

        impl chicory_aws_core::Scanner for $name {
            type Record = $record;
            fn name(&self) -> &'static str {
                $sname
            }
            fn actions(&self) -> &'static [chicory_aws_core::Action] {
                &[chicory_aws_core::actions::datazone::LIST_DOMAINS, $($action),*]
            }
            fn scan(&self) -> chicory_aws_core::scan::ScanStream<$record> {
                use chicory_aws_core::scan::ScanStreamExt;
                self.context.scan().filter_map_records(|r| match r {
                    $crate::scan::DataZoneRecord::$kind(r) => Some(r.into()),
                    _ => None,
                })
            }
        }
    };
}
pub(crate) use kind_scanner;

/// Any DataZone record, as the whole-domain [`DataZoneScanner`] yields
/// them. Serializes as the inner record (each carries its `kind`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[allow(missing_docs)]
pub enum DataZoneRecord {
    Domain(DomainRecord),
    Project(ProjectRecord),
    Environment(EnvironmentRecord),
    EnvironmentProfile(EnvironmentProfileRecord),
    DataSource(DataSourceRecord),
    Asset(Box<AssetRecord>),
    FormType(FormTypeRecord),
    Listing(ListingRecord),
    Glossary(GlossaryRecord),
    GlossaryTerm(GlossaryTermRecord),
    LineageNode(Box<LineageNodeRecord>),
    Subscription(SubscriptionRecord),
    SubscriptionGrant(SubscriptionGrantRecord),
}

impl DataZoneRecord {
    /// The record's kind, e.g. `datazone_asset`.
    pub fn kind(&self) -> &'static str {
        match self {
            DataZoneRecord::Domain(_) => "datazone_domain",
            DataZoneRecord::Project(_) => "datazone_project",
            DataZoneRecord::Environment(_) => "datazone_environment",
            DataZoneRecord::EnvironmentProfile(_) => "datazone_environment_profile",
            DataZoneRecord::DataSource(_) => "datazone_data_source",
            DataZoneRecord::Asset(_) => "datazone_asset",
            DataZoneRecord::FormType(_) => "datazone_form_type",
            DataZoneRecord::Listing(_) => "datazone_listing",
            DataZoneRecord::Glossary(_) => "datazone_glossary",
            DataZoneRecord::GlossaryTerm(_) => "datazone_glossary_term",
            DataZoneRecord::LineageNode(_) => "datazone_lineage_node",
            DataZoneRecord::Subscription(_) => "datazone_subscription",
            DataZoneRecord::SubscriptionGrant(_) => "datazone_subscription_grant",
        }
    }
}

impl chicory_aws_core::Record for DataZoneRecord {
    fn kind(&self) -> &'static str {
        DataZoneRecord::kind(self)
    }
}

impl From<Box<AssetRecord>> for AssetRecord {
    fn from(b: Box<AssetRecord>) -> Self {
        *b
    }
}

impl From<Box<LineageNodeRecord>> for LineageNodeRecord {
    fn from(b: Box<LineageNodeRecord>) -> Self {
        *b
    }
}
