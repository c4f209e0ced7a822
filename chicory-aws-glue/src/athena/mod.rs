//! Amazon Athena: data catalogs, workgroups, Athena's view of the metadata, and queries.

mod activity;
mod catalogs;
pub(crate) mod cloudtrail;
mod insights;
mod metadata;
mod queries;
mod sql;
mod workgroups;

pub use activity::*;
pub use catalogs::*;
pub use cloudtrail::{
    Attribution, AuditResource, IntegrationAuditEventRecord, IntegrationAuditScanner, TimeWindow,
    ATTRIBUTION_SLACK, LOOKUP_PAGE,
};
pub use insights::*;
pub use metadata::*;
pub use queries::*;
pub use sql::*;
pub use workgroups::*;

/// Athena answers `InvalidRequestException` / `MetadataException` for a catalog, database or
/// query execution that does not exist (dropped or expired mid-scan): that part vanished, and
/// is skipped.
pub(crate) const VANISHED: &[&str] = &["InvalidRequestException", "MetadataException"];

/// An SDK error of an Athena call.
pub(crate) type AthenaError<E> =
    aws_sdk_athena::error::SdkError<E, aws_sdk_athena::config::http::HttpResponse>;
