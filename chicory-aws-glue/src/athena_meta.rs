//! Athena's own view of the catalogs: databases (`ListDatabases`) and table metadata
//! (`ListTableMetadata`) per data catalog; and the workgroup / data catalog update operators.

use crate::athena::{AthenaError, VANISHED};
use crate::athena_ops::WorkGroupOutcome;
use crate::records::{time, Column};
use crate::unchecked_athena_client;
use async_trait::async_trait;
use aws_sdk_athena::types as sdk;
use chicory_aws_core::scan::{paged, walk, Page, PageRetry, Part, ScanStream, ScanStreamExt, Step};
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Concurrency, Connection, Error, Operator,
    Result, ScanItem, Scanner,
};
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// A database as Athena lists it in one data catalog.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "athena_database")]
pub struct AthenaDatabaseRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Data catalog, e.g. `AwsDataCatalog`.
    pub catalog: String,
    /// Database name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Parameters.
    pub parameters: HashMap<String, String>,
}

/// A table as Athena lists it (`ListTableMetadata`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "athena_table_metadata")]
pub struct AthenaTableRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Data catalog.
    pub catalog: String,
    /// Database name.
    pub database: String,
    /// Table name.
    pub name: String,
    /// Table type, e.g. `EXTERNAL_TABLE`.
    pub table_type: Option<String>,
    /// Columns.
    pub columns: Vec<Column>,
    /// Partition keys.
    pub partition_keys: Vec<Column>,
    /// Parameters.
    pub parameters: HashMap<String, String>,
    /// Creation time.
    pub create_time: Option<String>,
    /// Last access time.
    pub last_access_time: Option<String>,
}

fn column(c: &sdk::Column) -> Column {
    Column {
        name: c.name.clone(),
        data_type: c.r#type.clone(),
        comment: c.comment.clone(),
    }
}

#[derive(Debug)]
struct AthenaCtx {
    client: aws_sdk_athena::Client,
    account_id: String,
    region: String,
    catalogs: Option<Vec<String>>,
    concurrency: Concurrency,
    retry: PageRetry,
}

impl AthenaCtx {
    fn new(
        conn: &Connection,
        catalogs: Option<Vec<String>>,
        concurrency: usize,
    ) -> Result<Arc<Self>> {
        let concurrency = Concurrency::new("concurrency", concurrency)?;
        if let Some(c) = &catalogs {
            if c.is_empty() || c.iter().any(|n| n.is_empty() || n.len() > 256) {
                return Err(Error::invalid(
                    "catalogs",
                    "name at least one catalog, each 1-256 characters",
                ));
            }
        }
        Ok(Arc::new(AthenaCtx {
            client: unchecked_athena_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
            catalogs,
            concurrency,
            retry: conn.page_retry(),
        }))
    }

    /// The catalogs to scan: the given ones, or every catalog `ListDataCatalogs` returns.
    fn catalogs(&self) -> ScanStream<String> {
        if let Some(c) = &self.catalogs {
            return stream::iter(c.clone().into_iter().map(|c| Ok(ScanItem::Record(c)))).boxed();
        }
        let client = self.client.clone();
        let part = Part::new(actions::athena::LIST_DATA_CATALOGS, "");
        paged(part, self.retry, move |token| {
            let req = client.list_data_catalogs().set_next_token(token);
            async move {
                let p = req.send().await?;
                let names = p
                    .data_catalogs_summary
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|c| c.catalog_name)
                    .collect();
                Ok::<_, AthenaError<_>>(Page::new(names, p.next_token))
            }
        })
    }

    /// The databases of `catalog`; a denied or missing catalog is skipped.
    fn databases(self: &Arc<Self>, catalog: String) -> ScanStream<AthenaDatabaseRecord> {
        let ctx = self.clone();
        let part = Part::new(
            actions::athena::LIST_DATABASES,
            format!("catalog={catalog}"),
        )
        .vanished_when(VANISHED);
        paged(part, self.retry, move |token| {
            let req = ctx
                .client
                .list_databases()
                .catalog_name(&catalog)
                .set_next_token(token);
            let (ctx, catalog) = (ctx.clone(), catalog.clone());
            async move {
                let p = req.send().await?;
                let records = p
                    .database_list
                    .unwrap_or_default()
                    .into_iter()
                    .map(|d| AthenaDatabaseRecord {
                        account_id: ctx.account_id.clone(),
                        region: ctx.region.clone(),
                        catalog: catalog.clone(),
                        name: d.name,
                        description: d.description,
                        parameters: d.parameters.unwrap_or_default(),
                    })
                    .collect();
                Ok::<_, AthenaError<_>>(Page::new(records, p.next_token))
            }
        })
    }
}

/// Scans the databases Athena lists in every data catalog (or the given ones).
#[derive(Debug, Clone)]
pub struct AthenaDatabaseScanner {
    ctx: Arc<AthenaCtx>,
}

impl AthenaDatabaseScanner {
    /// A scanner over `conn`; `catalogs`: `None` for every catalog of `ListDataCatalogs`;
    /// `concurrency` catalogs at a time (1..=64).
    pub fn new(
        conn: &Connection,
        catalogs: Option<Vec<String>>,
        concurrency: usize,
    ) -> Result<Self> {
        Ok(AthenaDatabaseScanner {
            ctx: AthenaCtx::new(conn, catalogs, concurrency)?,
        })
    }
}

impl Scanner for AthenaDatabaseScanner {
    type Record = AthenaDatabaseRecord;
    fn name(&self) -> &'static str {
        "athena_databases"
    }
    fn actions(&self) -> &'static [Action] {
        &[
            actions::athena::LIST_DATA_CATALOGS,
            actions::athena::LIST_DATABASES,
        ]
    }
    fn scan(&self) -> ScanStream<AthenaDatabaseRecord> {
        let ctx = self.ctx.clone();
        self.ctx
            .catalogs()
            .flat_map_records(ctx.concurrency, move |c| ctx.databases(c))
    }
}

/// Scans Athena's table metadata (`ListTableMetadata`) of every database of every data catalog
/// (or the given ones), `concurrency` databases at a time.
#[derive(Debug, Clone)]
pub struct TableMetadataScanner {
    ctx: Arc<AthenaCtx>,
}

impl TableMetadataScanner {
    /// A scanner over `conn`; `catalogs`: `None` for every catalog of `ListDataCatalogs`;
    /// `concurrency` (1..=64) bounds the catalogs and the databases read at once.
    pub fn new(
        conn: &Connection,
        catalogs: Option<Vec<String>>,
        concurrency: usize,
    ) -> Result<Self> {
        Ok(TableMetadataScanner {
            ctx: AthenaCtx::new(conn, catalogs, concurrency)?,
        })
    }
}

impl Scanner for TableMetadataScanner {
    type Record = AthenaTableRecord;
    fn name(&self) -> &'static str {
        "athena_table_metadata"
    }
    fn actions(&self) -> &'static [Action] {
        &[
            actions::athena::LIST_DATA_CATALOGS,
            actions::athena::LIST_DATABASES,
            actions::athena::LIST_TABLE_METADATA,
        ]
    }
    fn scan(&self) -> ScanStream<AthenaTableRecord> {
        // One walk over catalogs -> databases -> tables: at most `concurrency` listings open
        // at any level (nested fan-outs would multiply to concurrency^2 requests).
        let ctx = self.ctx.clone();
        walk(vec![AthenaNode::Root], self.ctx.concurrency, move |node| {
            let ctx = ctx.clone();
            match node {
                AthenaNode::Root => ctx
                    .catalogs()
                    .map_records(|c| Step::Visit(AthenaNode::Catalog(c))),
                AthenaNode::Catalog(c) => ctx
                    .databases(c)
                    .map_records(|d| Step::Visit(AthenaNode::Database(d.catalog, d.name))),
                AthenaNode::Database(c, d) => tables(ctx, c, d).map_records(Step::Record),
            }
        })
    }
}

enum AthenaNode {
    Root,
    Catalog(String),
    Database(String, String),
}

fn tables(ctx: Arc<AthenaCtx>, catalog: String, database: String) -> ScanStream<AthenaTableRecord> {
    let part = Part::new(
        actions::athena::LIST_TABLE_METADATA,
        format!("catalog={catalog} database={database}"),
    )
    .vanished_when(VANISHED);
    paged(part, ctx.retry, move |token| {
        let req = ctx
            .client
            .list_table_metadata()
            .catalog_name(&catalog)
            .database_name(&database)
            .set_next_token(token);
        let (ctx, catalog, database) = (ctx.clone(), catalog.clone(), database.clone());
        async move {
            let p = req.send().await?;
            let records = p
                .table_metadata_list
                .unwrap_or_default()
                .iter()
                .map(|t| AthenaTableRecord {
                    account_id: ctx.account_id.clone(),
                    region: ctx.region.clone(),
                    catalog: catalog.clone(),
                    database: database.clone(),
                    name: t.name.clone(),
                    table_type: t.table_type.clone(),
                    columns: t.columns().iter().map(column).collect(),
                    partition_keys: t.partition_keys().iter().map(column).collect(),
                    parameters: t.parameters.clone().unwrap_or_default(),
                    create_time: time(t.create_time.as_ref()),
                    last_access_time: time(t.last_access_time.as_ref()),
                })
                .collect();
            Ok::<_, AthenaError<_>>(Page::new(records, p.next_token))
        }
    })
}

/// Input of `athena_update_workgroup`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkGroupInput {
    /// Workgroup name: 1-128 characters of `A-Za-z0-9._-`.
    pub name: String,
    /// New description (up to 1024 characters).
    #[serde(default)]
    pub description: Option<String>,
    /// `ENABLED` or `DISABLED`.
    #[serde(default)]
    pub state: Option<String>,
    /// New query results location, `s3://...`.
    #[serde(default)]
    pub output_location: Option<String>,
    /// Per-query scan limit in bytes (at least 10 MB).
    #[serde(default)]
    pub bytes_scanned_cutoff_per_query: Option<i64>,
    /// Whether the workgroup's settings override the clients'.
    #[serde(default)]
    pub enforce_work_group_configuration: Option<bool>,
}

operator_struct!(
    /// Updates an Athena workgroup: description, state, results location, limits (ReadWrite).
    UpdateWorkGroup
);

#[async_trait]
impl Operator for UpdateWorkGroup {
    type Input = UpdateWorkGroupInput;
    type Output = WorkGroupOutcome;
    const NAME: &'static str = "athena_update_workgroup";
    const DESCRIPTION: &'static str =
        "Updates an Athena workgroup: description, state, results location, scan limit.";
    const ACTIONS: &'static [Action] = &[actions::athena::UPDATE_WORK_GROUP];
    const REQUIRES_ONE_OF: &'static [&'static [&'static str]] = &[&[
        "description",
        "state",
        "output_location",
        "bytes_scanned_cutoff_per_query",
        "enforce_work_group_configuration",
    ]];

    async fn execute(
        &self,
        input: UpdateWorkGroupInput,
        _: AccessChecked<Self>,
    ) -> Result<WorkGroupOutcome> {
        crate::athena_ops::check_workgroup(&input.name)?;
        if matches!(&input.description, Some(d) if d.len() > 1024) {
            return Err(Error::invalid("description", "at most 1024 characters"));
        }
        let state = match input.state.as_deref() {
            None => None,
            Some("ENABLED") => Some(sdk::WorkGroupState::Enabled),
            Some("DISABLED") => Some(sdk::WorkGroupState::Disabled),
            Some(_) => return Err(Error::invalid("state", "ENABLED or DISABLED")),
        };
        if matches!(&input.output_location, Some(l) if !l.starts_with("s3://")) {
            return Err(Error::invalid("output_location", "must start with s3://"));
        }
        if matches!(input.bytes_scanned_cutoff_per_query, Some(b) if b < 10_000_000) {
            return Err(Error::invalid(
                "bytes_scanned_cutoff_per_query",
                "at least 10000000 (10 MB)",
            ));
        }
        let config = (input.output_location.is_some()
            || input.bytes_scanned_cutoff_per_query.is_some()
            || input.enforce_work_group_configuration.is_some())
        .then(|| {
            sdk::WorkGroupConfigurationUpdates::builder()
                .set_result_configuration_updates(input.output_location.clone().map(|l| {
                    sdk::ResultConfigurationUpdates::builder()
                        .output_location(l)
                        .build()
                }))
                .set_bytes_scanned_cutoff_per_query(input.bytes_scanned_cutoff_per_query)
                .set_enforce_work_group_configuration(input.enforce_work_group_configuration)
                .build()
        });
        if state.is_none() && config.is_none() && input.description.is_none() {
            return Err(Error::invalid(
                "description",
                "nothing to update: give at least one of description, state, output_location, \
                 bytes_scanned_cutoff_per_query, enforce_work_group_configuration",
            ));
        }
        unchecked_athena_client(&self.conn)
            .update_work_group()
            .work_group(&input.name)
            .set_description(input.description)
            .set_state(state)
            .set_configuration_updates(config)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::athena::UPDATE_WORK_GROUP)
                    .with_resource(input.name.clone())
            })?;
        Ok(WorkGroupOutcome { name: input.name })
    }
}

/// Input of `athena_update_data_catalog`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDataCatalogInput {
    /// Catalog name, 1-127 characters of `A-Za-z0-9@_-`.
    pub name: String,
    /// The catalog's type.
    pub catalog_type: CatalogType,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New parameters (e.g. `catalog-id` for GLUE, `function` for LAMBDA).
    #[serde(default)]
    pub parameters: HashMap<String, String>,
}

/// The type of an Athena data catalog, as Athena spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
pub enum CatalogType {
    /// An AWS Glue Data Catalog.
    #[serde(rename = "GLUE")]
    Glue,
    /// A Lambda-backed federated catalog.
    #[serde(rename = "LAMBDA")]
    Lambda,
    /// An external Hive metastore.
    #[serde(rename = "HIVE")]
    Hive,
}

/// What `athena_update_data_catalog` updated.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DataCatalogOutcome {
    /// The catalog.
    pub name: String,
}

operator_struct!(
    /// Updates an Athena data catalog (ReadWrite).
    UpdateDataCatalog
);

#[async_trait]
impl Operator for UpdateDataCatalog {
    type Input = UpdateDataCatalogInput;
    type Output = DataCatalogOutcome;
    const NAME: &'static str = "athena_update_data_catalog";
    const DESCRIPTION: &'static str =
        "Updates an Athena data catalog: type, description and parameters.";
    const ACTIONS: &'static [Action] = &[actions::athena::UPDATE_DATA_CATALOG];

    async fn execute(
        &self,
        input: UpdateDataCatalogInput,
        _: AccessChecked<Self>,
    ) -> Result<DataCatalogOutcome> {
        if input.name.is_empty()
            || input.name.len() > 127
            || !input
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"@_-".contains(&b))
        {
            return Err(Error::invalid("name", "1-127 characters of A-Za-z0-9@_-"));
        }
        let t = match input.catalog_type {
            CatalogType::Glue => sdk::DataCatalogType::Glue,
            CatalogType::Lambda => sdk::DataCatalogType::Lambda,
            CatalogType::Hive => sdk::DataCatalogType::Hive,
        };
        if matches!(&input.description, Some(d) if d.len() > 1024) {
            return Err(Error::invalid("description", "at most 1024 characters"));
        }
        unchecked_athena_client(&self.conn)
            .update_data_catalog()
            .name(&input.name)
            .r#type(t)
            .set_description(input.description)
            .set_parameters((!input.parameters.is_empty()).then_some(input.parameters))
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::athena::UPDATE_DATA_CATALOG)
                    .with_resource(input.name.clone())
            })?;
        Ok(DataCatalogOutcome { name: input.name })
    }
}

chicory_aws_core::record_kind!(
    AthenaDatabaseRecord => "athena_database",
    AthenaTableRecord => "athena_table_metadata",
);
