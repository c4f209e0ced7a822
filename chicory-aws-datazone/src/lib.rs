//! Amazon DataZone for chicory-aws.
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
mod validate;

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

/// A DataZone client for `conn`, sharing its credential cache.
pub fn datazone_client(conn: &Connection) -> aws_sdk_datazone::Client {
    aws_sdk_datazone::Client::new(conn.sdk_config())
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
        datazone_client(conn)
            .list_domains()
            .max_results(1)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, "datazone:ListDomains"))?;
        Ok(())
    }
}
