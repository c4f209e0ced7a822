//! Every record type of this crate, in one place for sinks that route by kind
//! ([`chicory_aws_core::Record::kind`]); each is defined with its concept's scanners.

pub use crate::athena::{
    AthenaDatabaseRecord, AthenaTableRecord, DataCatalogRecord, IntegrationAuditEventRecord,
    LineageEdgeRecord, QueryActivityRecord, QueryExecutionRecord, QueryResultRecord,
    TablePopularityRecord, WorkGroupRecord,
};
pub use crate::catalog::{CatalogRecord, FederatedCatalog, GlueCatalogRecord};
pub use crate::column_stats::ColumnStatisticsRecord;
pub use crate::data_quality::DataQualityRulesetRecord;
pub use crate::databases::{DatabaseLink, DatabaseRecord};
pub use crate::functions::UdfRecord;
pub use crate::iceberg::{IcebergField, IcebergPartitionField, IcebergTable};
pub use crate::partitions::PartitionRecord;
pub use crate::tables::{Column, SerDe, TableFormat, TableLink, TableRecord, TableVersionRecord};
pub use crate::views::ViewLineageRecord;

/// The one timestamp rule of every record.
pub(crate) use chicory_aws_core::record_time as time;
