//! Amazon DataZone for chicory-aws: scanners over domains, projects, environments,
//! environment profiles, data sources, assets, form types, listings, glossaries and terms, and
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

mod operators;
pub mod records;
mod scanners;
mod tools;
mod validate;

pub use tools::tools;

pub use operators::*;
pub use records::DataZoneRecord;
pub use scanners::{
    AssetScanner, DataSourceScanner, DataZoneOptions, DataZoneScanner, DomainScanner,
    EnvironmentProfileScanner, EnvironmentScanner, FormTypeScanner, GlossaryScanner,
    GlossaryTermScanner, Kind, ListingScanner, ProjectScanner,
};

/// The AWS SDK crate this crate's records come from.
pub use aws_sdk_datazone;

use async_trait::async_trait;
use chicory_aws_core::{actions, Action, Connection, Error, Result, ServiceProbe};

/// A DataZone client for `conn`, sharing its credential cache and request budget (with the
/// connection's interceptor, which names each request's API and reports throttling).
/// Outside the operators' access check, like [`Connection::unchecked_sdk_config`] (on a
/// ReadOnly connection its writes are still refused at the HTTP layer). The crate's operators
/// check the level first.
pub fn unchecked_datazone_client(conn: &Connection) -> aws_sdk_datazone::Client {
    conn.cached_client(conn.region(), || {
        let config = aws_sdk_datazone::config::Builder::from(conn.unchecked_sdk_config())
            .interceptor(conn.interceptor())
            .build();
        aws_sdk_datazone::Client::from_conf(config)
    })
}

/// Read check for DataZone: `ListDomains` with one result.
#[derive(Debug, Clone, Copy, Default)]
pub struct DataZoneProbe;

#[async_trait]
impl ServiceProbe for DataZoneProbe {
    fn service(&self) -> &'static str {
        "datazone"
    }
    fn action(&self) -> Action {
        actions::datazone::LIST_DOMAINS
    }
    async fn probe(&self, conn: &Connection) -> Result<()> {
        unchecked_datazone_client(conn)
            .list_domains()
            .max_results(1)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, actions::datazone::LIST_DOMAINS))?;
        Ok(())
    }
}
