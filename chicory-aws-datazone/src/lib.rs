//! Amazon DataZone for chicory-aws: scanners over domains, projects, environments,
//! environment profiles, data sources, assets, form types, listings, glossaries and terms, and
//! (governance, when asked for) assets' lineage nodes, subscriptions and subscription grants;
//! operators (MCP tools) that search and read the catalog (ReadOnly) or change assets,
//! listings and data sources (ReadWrite, refused locally on a ReadOnly connection).
//!
//! Scan every domain the role can see into JSON Lines, fanning out over 8 domains / projects /
//! reads at a time ([`DataZoneOptions`]); the requests in flight are bounded by the connection's
//! request budget (`ConnectionBuilder::budget(BudgetSettings::default().max_in_flight(n))`),
//! shared by every client built from it. A denied or vanished part is skipped; any other part
//! that fails after the retries makes the summary incomplete ([`ScanSummary::is_complete`](chicory_aws_core::ScanSummary::is_complete)):
//!
//! ```no_run
//! use chicory_aws_core::{run_scan, Connection, ConnectionParams, JsonLinesSink};
//! use chicory_aws_datazone::{DataZoneOptions, DataZoneScanner};
//!
//! # async fn demo() -> chicory_aws_core::Result<()> {
//! let params = ConnectionParams::assume_role(
//!     "arn:aws:iam::123456789012:role/ChicoryDataZoneAccess",
//!     "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
//! )?;
//! let conn = Connection::builder(params).connect().await?;
//! let scanner = DataZoneScanner::new(&conn, DataZoneOptions::default().asset_revisions(true))?;
//! let mut sink = JsonLinesSink::new(Vec::new()); // any tokio AsyncWrite: a file, a socket...
//! let summary = run_scan(&scanner, &mut sink, 1000, |p| eprintln!("{} records", p.records)).await?;
//! eprintln!("{} records, {} parts skipped", summary.records, summary.skipped.len());
//! if !summary.is_complete() {
//!     eprintln!("incomplete: {:?}", summary.incomplete); // e.g. a listing throttled past the retries
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Operators check their input before any request and declare their IAM actions:
//!
//! ```no_run
//! use chicory_aws_core::{Connection, Operator};
//! use chicory_aws_datazone::{ListingChangeInput, PublishListing};
//!
//! # async fn demo(conn: Connection) -> chicory_aws_core::Result<()> {
//! // Needs a ReadWrite connection (datazone:CreateListingChangeSet).
//! let change = PublishListing::new(&conn)
//!     .call(ListingChangeInput {
//!         domain_id: "dzd_4p9n6sw4qnqp8w".into(),
//!         asset_id: "5pmdovmxd3y5t4".into(),
//!         asset_revision: None,
//!     })
//!     .await?;
//! println!("listing {} is {}", change.listing_id, change.status);
//! # Ok(())
//! # }
//! ```
//!
//! | Scanner / operator | API calls | IAM actions |
//! |---|---|---|
//! | [`DataZoneScanner`] (all kinds), [`DomainScanner`] | ListDomains | `ListDomains` |
//! | [`ProjectScanner`], [`EnvironmentScanner`] | ListProjects, ListEnvironments | same |
//! | [`EnvironmentProfileScanner`] | ListEnvironmentProfiles | same |
//! | [`DataSourceScanner`] | ListDataSources + GetDataSource | same |
//! | [`AssetScanner`] | Search(ASSET) + GetAsset (+ ListAssetRevisions) | `Search`, `GetAsset`, ... |
//! | [`FormTypeScanner`] | SearchTypes(FORM_TYPE) | `SearchTypes` |
//! | [`ListingScanner`] | SearchListings + GetListing | same |
//! | [`GlossaryScanner`], [`GlossaryTermScanner`] | Search + GetGlossary / GetGlossaryTerm | same |
//! | [`LineageNodeScanner`] | Search(ASSET) + GetLineageNode + ListLineageNodeHistory | same |
//! | [`SubscriptionScanner`], [`SubscriptionGrantScanner`] | ListSubscriptions, ListSubscriptionGrants | same |
//! | [`GetLineageNode`], [`ListLineageNodeHistory`], [`ListSubscriptions`], [`ListSubscriptionGrants`] | the same-named API | same (ReadOnly) |
//! | [`SearchCatalog`], [`SearchListings`], [`GetAsset`], [`GetListing`], [`GetGlossary`], [`GetGlossaryTerm`], [`ListAssetRevisions`] | the same-named API | same (ReadOnly) |
//! | [`CreateAsset`], [`DeleteAsset`] | CreateAsset, DeleteAsset | same (ReadWrite) |
//! | [`CreateAssetRevision`], [`UpdateAsset`] | (GetAsset +) CreateAssetRevision | `CreateAssetRevision` |
//! | [`PublishListing`], [`UnpublishListing`] | CreateListingChangeSet PUBLISH / UNPUBLISH | `CreateListingChangeSet` |
//! | [`CreateDataSource`], [`UpdateDataSource`], [`DeleteDataSource`] | same-named API (Glue sources) | same (ReadWrite) |
//!
//! The connection probe stays available:
//!
//! ```no_run
//! use chicory_aws_core::{Connection, ConnectionParams, ServiceProbe};
//! use chicory_aws_datazone::DataZoneProbe;
//!
//! # async fn demo() -> chicory_aws_core::Result<()> {
//! let params = ConnectionParams::assume_role(
//!     "arn:aws:iam::123456789012:role/ChicoryDataZoneAccess",
//!     "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
//! )?;
//! let conn = Connection::builder(params).connect().await?;
//! DataZoneProbe.probe(&conn).await?; // can we list domains?
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

// One module per concept, each with its records, scanner(s) and operators: domains (and
// projects), environments (and profiles), data_sources, assets (forms, revisions), form_types,
// listings, glossaries (and terms), lineage (assets' lineage nodes and their history),
// subscriptions (and grants), search (the two search operators). Shared by them: client
// (the SDK client and the probe), options and scan (the whole-domain scan every per-kind
// scanner is built on, and `DataZoneRecord`), operate (inputs and outputs several operators
// share), validate (input checks), records (the index of every record type) and tools (the MCP
// registry).
mod assets;
mod client;
mod data_sources;
mod domains;
mod environments;
mod form_types;
mod glossaries;
mod lineage;
mod listings;
mod operate;
mod options;
pub mod records;
mod scan;
mod search;
mod subscriptions;
mod tools;
mod validate;

pub use assets::{
    AssetScanner, CreateAsset, CreateAssetInput, CreateAssetRevision, CreateAssetRevisionInput,
    DeleteAsset, FormSpec, GetAsset, ListAssetRevisions, ListAssetRevisionsInput,
    ListAssetRevisionsOutput, UpdateAsset, UpdateAssetInput,
};
pub use client::{unchecked_datazone_client, DataZoneProbe};
pub use data_sources::{
    CreateDataSource, CreateDataSourceInput, DataSourceScanner, DeleteDataSource,
    GlueDatabaseFilter, UpdateDataSource, UpdateDataSourceInput,
};
pub use domains::{DomainScanner, ProjectScanner};
pub use environments::{EnvironmentProfileScanner, EnvironmentScanner};
pub use form_types::FormTypeScanner;
pub use glossaries::{GetGlossary, GetGlossaryTerm, GlossaryScanner, GlossaryTermScanner};
pub use lineage::{
    GetLineageNode, GetLineageNodeInput, LineageNodeScanner, ListLineageNodeHistory,
    ListLineageNodeHistoryInput, ListLineageNodeHistoryOutput,
};
pub use listings::{
    GetListing, ListingChange, ListingChangeInput, ListingScanner, PublishListing, UnpublishListing,
};
pub use operate::{DeleteInput, Deleted, ResourceRef};
pub use options::{DataZoneOptions, Kind};
pub use records::DataZoneRecord;
pub use scan::DataZoneScanner;
pub use search::{
    SearchCatalog, SearchCatalogInput, SearchHit, SearchListings, SearchListingsInput,
    SearchOutput, SearchScope,
};
pub use subscriptions::{
    ListSubscriptionGrants, ListSubscriptionGrantsInput, ListSubscriptionGrantsOutput,
    ListSubscriptions, ListSubscriptionsInput, ListSubscriptionsOutput, SubscriptionGrantScanner,
    SubscriptionScanner, SubscriptionStatusFilter,
};
pub use tools::tools;

/// The AWS SDK crate this crate's records come from.
pub use aws_sdk_datazone;
