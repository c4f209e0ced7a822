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
//! | [`QueryActivityScanner`] | query history with each execution's SQL analysed: statement kind, tables read, table or S3 location written, unparsable SQL reported; over a [`TimeWindow`]; with `with_cloudtrail(true)`, who started each execution (CloudTrail `StartQueryExecution` events) (`athena_query_activity`) |
//! | [`TablePopularityScanner`] | per table read or written: query count, last queried, bytes scanned, distinct principals with CloudTrail, from the query activity (`athena_table_popularity`) |
//! | [`LineageScanner`] | table-level lineage edges of INSERT, CTAS, UNLOAD and MERGE executions (`athena_lineage`) |
//! | [`ViewLineageScanner`] | what each Glue view reads, from its definition (Presto views decoded), unparsable ones with the reason (`glue_view_lineage`) |
//! | [`IntegrationAuditScanner`] | the CloudTrail events of this integration's own role session (`integration_audit`) |
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
//!   [`ListDataQualityResults`], [`TableLineage`], [`TablePopularity`], [`WhoQueried`] (needs
//!   CloudTrail; says when it was denied).
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
mod catalog;
mod client;
mod column_stats;
mod data_quality;
mod databases;
mod functions;
mod iceberg;
mod options;
mod partitions;
mod reader;
pub mod records;
mod tables;
mod tools;
mod views;
mod visibility;

pub use athena::{
    analyze, presto_view, presto_view_sql, ColumnEdge, PrestoView, QueryAnalysis, QueryContext,
    SqlError, SqlErrorReason, StatementKind, TableName, WriteTarget, DEFAULT_CATALOG,
    DEFAULT_DATABASE,
};
pub use athena::{
    check_input_workgroup, input_window, AttributionStatus, Direction, LineageLink, LinkSource,
    PartNote, PrincipalUse, TableLineage, TableLineageInput, TableLineageOutput, TablePopularity,
    TablePopularityInput, TablePopularityOutput, WhoQueried, WhoQueriedInput, WhoQueriedOutput,
    DEFAULT_DAYS, EXAMPLE_IDS,
};
pub use athena::{
    typed_value, AthenaDatabaseRecord, AthenaDatabaseScanner, AthenaTableRecord, CatalogType,
    CreateWorkGroup, DataCatalogOutcome, DataCatalogScanner, DeleteWorkGroup,
    GetAthenaQueryResults, LineageEdgeRecord, LineageScanner, QueryActivityRecord,
    QueryActivityScanner, QueryExecutionRecord, QueryExecutionScanner, QueryResultRecord,
    QueryResultScanner, QueryResults, QueryResultsInput, ResultColumn, RunAthenaQuery,
    RunQueryInput, StopAthenaQuery, StopQueryInput, StopQueryOutput, TableMetadataScanner,
    TablePopularityRecord, TablePopularityScanner, UpdateDataCatalog, UpdateDataCatalogInput,
    UpdateWorkGroup, UpdateWorkGroupInput, WorkGroupInput, WorkGroupOutcome, WorkGroupScanner,
};
pub use athena::{
    Attribution, AuditResource, IntegrationAuditEventRecord, IntegrationAuditScanner, TimeWindow,
    ATTRIBUTION_SLACK, LOOKUP_PAGE,
};
pub use catalog::{
    CatalogRecord, CatalogScanner, FederatedCatalog, GlueCatalogRecord, GlueCatalogScanner,
};
pub use client::{
    unchecked_athena_client, unchecked_cloudtrail_client, unchecked_glue_client, AthenaProbe,
    GlueProbe,
};
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
pub use databases::{DatabaseLink, DatabaseRef, DatabaseScanner, GetDatabase};
pub use functions::UdfScanner;
pub use iceberg::{IcebergField, IcebergPartitionField, IcebergTable, MAX_METADATA_BYTES};
pub use options::{glob_match, CatalogOptions, Catalogs, NameFilter};
pub use partitions::{CatalogPartitionScanner, PartitionScanner};
pub use tables::{
    GetTable, SearchTables, SearchTablesInput, SearchTablesOutput, TableFormat, TableLink,
    TableRef, TableScanner, TableVersionScanner,
};
pub use tools::tools;
pub use views::{ViewLineageRecord, ViewLineageScanner};
pub use visibility::{CheckVisibility, Visibility, VisibilityInput, VisibilityReport};

/// The AWS SDK crates this crate's records come from, for callers seeding or reading directly.
pub use aws_sdk_athena;
/// The AWS SDK crates this crate's records come from, for callers seeding or reading directly.
pub use aws_sdk_glue;
