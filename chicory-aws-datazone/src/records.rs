//! Every record type the scanners and operators yield, in one place for sinks and callers that
//! name them (`chicory_aws_datazone::records::*`): each is defined with its concept (domains,
//! environments, data sources, assets, form types, listings, glossaries, lineage, subscriptions). Here too, what every
//! record shares: the [`Origin`] it came from and its timestamps' format.

use chicory_aws_core::Connection;
use serde::Serialize;

pub use crate::assets::{AssetRecord, AssetRevisionRecord, Form};
pub use crate::data_sources::{DataSourceConfiguration, DataSourceRecord, RelationalFilter};
pub use crate::domains::{DomainRecord, ProjectRecord};
pub use crate::environments::{EnvironmentProfileRecord, EnvironmentRecord};
pub use crate::form_types::FormTypeRecord;
pub use crate::glossaries::{GlossaryRecord, GlossaryTermRecord};
pub use crate::lineage::{LineageNodeRecord, LineageNodeRef, LineageNodeVersion};
pub use crate::listings::ListingRecord;
pub use crate::scan::DataZoneRecord;
pub use crate::subscriptions::{GrantedAsset, SubscriptionGrantRecord, SubscriptionRecord};

/// The one timestamp rule of every record (RFC 3339).
pub(crate) use chicory_aws_core::record_time as time;

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Origin {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
}

impl Origin {
    /// The account and region of `conn`.
    pub(crate) fn of(conn: &Connection) -> Self {
        Origin {
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
        }
    }
}
