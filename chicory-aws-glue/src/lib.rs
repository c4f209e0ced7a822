//! AWS Glue Data Catalog and Amazon Athena for chicory-aws.
//!
//! Scanners (lazy streams of typed serde records; bounded concurrency; denied or vanished
//! parts come out as [`ScanItem::Skipped`](chicory_aws_core::ScanItem) and the scan goes on):
//!
//! | Scanner | Reads |
//! |---|---|
//! | [`GlueCatalogScanner`] | the account's Glue catalogs: default, federated, S3 Tables (`GetCatalogs`) |
//! | [`CatalogScanner`] | databases, tables and partitions in one pass, of the catalogs [`Catalogs`] selects |
//! | [`DatabaseScanner`] | Glue databases (`GetDatabases`) |
//! | [`TableScanner`] | tables of every matching database, filters, incremental mode |
//! | [`PartitionScanner`], [`CatalogPartitionScanner`] | partitions, in up to 10 parallel segments |
//! | [`TableVersionScanner`] | versions of one table |
//! | [`UdfScanner`] | user-defined functions |
//! | [`ColumnStatisticsScanner`] | column statistics of tables (100 columns a request), optionally of partitions |
//! | [`DataQualityRulesetScanner`] | Data Quality rulesets |
//! | [`WorkGroupScanner`], [`DataCatalogScanner`] | Athena workgroups and data catalogs |
//! | [`AthenaDatabaseScanner`], [`TableMetadataScanner`] | Athena's databases and table metadata per catalog |
//! | [`QueryExecutionScanner`] | Athena query history (`BatchGetQueryExecution` by 50) |
//! | [`QueryResultScanner`] | the results of one query: its columns, then typed rows, paged as consumed |
//!
//! Operators (typed input/output, declared IAM actions; write operators are refused on a
//! ReadOnly connection before any request):
//!
//! - ReadOnly: [`GetDatabase`], [`GetTable`], [`SearchTables`], [`CheckVisibility`] (Lake
//!   Formation or IAM?), [`GetAthenaQueryResults`],
//!   [`GetColumnStatistics`],
//!   [`GetDataQualityRuleset`], [`ListDataQualityRulesets`],
//!   [`GetDataQualityRecommendationRun`], [`GetDataQualityEvaluationRun`],
//!   [`ListDataQualityResults`].
//! - ReadWrite: [`RunAthenaQuery`] (stops its query on timeout or when dropped),
//!   [`StopAthenaQuery`], [`CreateWorkGroup`], [`UpdateWorkGroup`],
//!   [`DeleteWorkGroup`], [`UpdateDataCatalog`], [`UpdateColumnStatistics`],
//!   [`DeleteColumnStatistics`], [`CreateDataQualityRuleset`], [`UpdateDataQualityRuleset`],
//!   [`DeleteDataQualityRuleset`], [`StartDataQualityRecommendationRun`],
//!   [`StartDataQualityEvaluationRun`].
//!
//! ```no_run
//! use chicory_aws_core::{
//!     run_scan, Connection, ConnectionParams, JsonLinesSink, Operator, ServiceProbe,
//! };
//! use chicory_aws_glue::{
//!     CatalogOptions, ColumnStatisticsScanner, GetTable, GlueProbe, TableRef, TableScanner,
//! };
//!
//! # async fn demo() -> chicory_aws_core::Result<()> {
//! let params = ConnectionParams::assume_role(
//!     "arn:aws:iam::123456789012:role/ChicoryGlueAccess",
//!     "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
//! )?;
//! let conn = Connection::builder(params).connect().await?;
//! GlueProbe.probe(&conn).await?; // can we read the catalog?
//!
//! // Every table of the `sales_*` databases, 8 databases at a time, into JSON Lines.
//! let options = CatalogOptions::default().include_databases("sales_*").concurrency(8);
//! let tables = TableScanner::new(&conn, options.clone())?;
//! let mut sink = JsonLinesSink::new(Vec::new()); // any tokio AsyncWrite
//! let summary = run_scan(&tables, &mut sink, 1000, |p| eprintln!("{} records", p.records)).await?;
//! eprintln!("{} tables, {} skipped", summary.records, summary.skipped.len());
//!
//! // Column statistics of the same tables; a denied table is skipped, not fatal.
//! let stats = ColumnStatisticsScanner::new(&conn, options)?;
//! let mut sink = JsonLinesSink::new(Vec::new());
//! run_scan(&stats, &mut sink, 1000, |_| {}).await?;
//!
//! // One operator call.
//! let orders = GetTable::new(&conn)
//!     .call(TableRef { database: "sales_eu".into(), table: "orders".into(), catalog_id: None })
//!     .await?;
//! println!("{} columns", orders.columns.len());
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod athena;
mod athena_meta;
mod athena_ops;
mod column_stats;
mod data_quality;
mod iceberg;
mod operators;
mod query;
pub mod records;
mod scanners;
mod tools;
mod visibility;

pub use athena::{DataCatalogScanner, WorkGroupScanner};
pub use athena_meta::{
    AthenaDatabaseRecord, AthenaDatabaseScanner, AthenaTableRecord, CatalogType,
    DataCatalogOutcome, TableMetadataScanner, UpdateDataCatalog, UpdateDataCatalogInput,
    UpdateWorkGroup, UpdateWorkGroupInput,
};
pub use athena_ops::{CreateWorkGroup, DeleteWorkGroup, WorkGroupInput, WorkGroupOutcome};
pub use column_stats::{
    ColumnFailure, ColumnStatisticsData, ColumnStatisticsInput, ColumnStatisticsRecord,
    ColumnStatisticsScanner, DeleteColumnStatistics, DeleteColumnStatisticsInput,
    DeleteColumnStatisticsOutput, GetColumnStatistics, GetColumnStatisticsInput,
    GetColumnStatisticsOutput, UpdateColumnStatistics, UpdateColumnStatisticsInput,
    UpdateColumnStatisticsOutput, COLUMNS_PER_REQUEST, UPDATES_PER_REQUEST,
};
pub use data_quality::{
    CreateDataQualityRuleset, CreateRulesetInput, DataQualityResultSummary,
    DataQualityRulesetRecord, DataQualityRulesetScanner, DataQualityRunStatus, DataQualityTable,
    DeleteDataQualityRuleset, GetDataQualityEvaluationRun, GetDataQualityRecommendationRun,
    GetDataQualityRuleset, ListDataQualityResults, ListDataQualityRulesets, ListResultsInput,
    ListResultsOutput, ListRulesetsInput, ListRulesetsOutput, RulesetName, RunId,
    StartDataQualityEvaluationRun, StartDataQualityRecommendationRun, StartEvaluationRunInput,
    StartRecommendationRunInput, UpdateDataQualityRuleset, UpdateRulesetInput, UpdateRulesetOutput,
};
pub use iceberg::MAX_METADATA_BYTES;
pub use operators::{
    DatabaseRef, GetDatabase, GetTable, SearchTables, SearchTablesInput, SearchTablesOutput,
    TableRef,
};
pub use query::{
    typed_value, GetAthenaQueryResults, QueryExecutionRecord, QueryExecutionScanner,
    QueryResultRecord, QueryResultScanner, QueryResults, QueryResultsInput, ResultColumn,
    RunAthenaQuery, RunQueryInput, StopAthenaQuery, StopQueryInput, StopQueryOutput,
};
pub use records::{
    DatabaseLink, FederatedCatalog, GlueCatalogRecord, IcebergField, IcebergPartitionField,
    IcebergTable, TableFormat, TableLink,
};
pub use scanners::{
    glob_match, CatalogOptions, CatalogPartitionScanner, CatalogRecord, CatalogScanner, Catalogs,
    DatabaseScanner, GlueCatalogScanner, NameFilter, PartitionScanner, TableScanner,
    TableVersionScanner, UdfScanner,
};

pub use tools::tools;
pub use visibility::{CheckVisibility, Visibility, VisibilityInput, VisibilityReport};

use async_trait::async_trait;

/// The AWS SDK crates this crate's records come from, for callers seeding or reading directly.
pub use aws_sdk_athena;
/// The AWS SDK crates this crate's records come from, for callers seeding or reading directly.
pub use aws_sdk_glue;
use chicory_aws_core::{actions, Action, Connection, Error, Result, ServiceProbe};

/// A Glue client for `conn`, sharing its credential cache.
/// Outside the operators' access check, like [`Connection::unchecked_sdk_config`] (on a
/// ReadOnly connection its writes are still refused at the HTTP layer). The crate's operators
/// check the level first.
pub fn unchecked_glue_client(conn: &Connection) -> aws_sdk_glue::Client {
    conn.cached_client(conn.region(), || {
        let config = aws_sdk_glue::config::Builder::from(conn.unchecked_sdk_config())
            .interceptor(conn.interceptor())
            .build();
        aws_sdk_glue::Client::from_conf(config)
    })
}

/// An Athena client for `conn`, sharing its credential cache.
/// Outside the operators' access check, like [`Connection::unchecked_sdk_config`] (on a
/// ReadOnly connection its writes are still refused at the HTTP layer). The crate's operators
/// check the level first.
pub fn unchecked_athena_client(conn: &Connection) -> aws_sdk_athena::Client {
    conn.cached_client(conn.region(), || {
        let config = aws_sdk_athena::config::Builder::from(conn.unchecked_sdk_config())
            .interceptor(conn.interceptor())
            .build();
        aws_sdk_athena::Client::from_conf(config)
    })
}

/// Read check for Glue: `GetDatabases` with one result.
#[derive(Debug, Clone, Copy, Default)]
pub struct GlueProbe;

#[async_trait]
impl ServiceProbe for GlueProbe {
    fn service(&self) -> &'static str {
        "glue"
    }
    fn action(&self) -> Action {
        actions::glue::GET_DATABASES
    }
    async fn probe(&self, conn: &Connection) -> Result<()> {
        unchecked_glue_client(conn)
            .get_databases()
            .max_results(1)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, actions::glue::GET_DATABASES))?;
        Ok(())
    }
}

/// Read check for Athena: `ListWorkGroups` with one result.
#[derive(Debug, Clone, Copy, Default)]
pub struct AthenaProbe;

#[async_trait]
impl ServiceProbe for AthenaProbe {
    fn service(&self) -> &'static str {
        "athena"
    }
    fn action(&self) -> Action {
        actions::athena::LIST_WORK_GROUPS
    }
    async fn probe(&self, conn: &Connection) -> Result<()> {
        unchecked_athena_client(conn)
            .list_work_groups()
            .max_results(1)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, actions::athena::LIST_WORK_GROUPS))?;
        Ok(())
    }
}
