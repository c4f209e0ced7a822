//! Glue tables: records (columns, storage, format, links), the table and table-version
//! scanners, `GetTable` and `SearchTables`.

use crate::client::unchecked_glue_client;
use crate::iceberg::{enriched, IcebergTable};
use crate::options::{check_name, check_optional_catalog_id, check_text, CatalogOptions};
use crate::reader::catalog_scanner;
use crate::reader::{CatalogReader, DatabaseSource, GlueError};
use crate::records::time;
use async_trait::async_trait;
use chicory_aws_core::scan::{paged, Page, ScanStream, ScanStreamExt};
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Connection, Error, Operator, Result, Scanner,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// A column: name, type, comment.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Hive type, e.g. `bigint`.
    #[serde(rename = "type")]
    pub data_type: Option<String>,
    /// Comment.
    pub comment: Option<String>,
}

impl From<aws_sdk_glue::types::Column> for Column {
    fn from(c: aws_sdk_glue::types::Column) -> Self {
        Column {
            name: c.name,
            data_type: c.r#type,
            comment: c.comment,
        }
    }
}

impl From<&aws_sdk_glue::types::Column> for Column {
    fn from(c: &aws_sdk_glue::types::Column) -> Self {
        Column {
            name: c.name.clone(),
            data_type: c.r#type.clone(),
            comment: c.comment.clone(),
        }
    }
}

/// A SerDe: name, library, parameters.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SerDe {
    /// Name.
    pub name: Option<String>,
    /// Serialization library class.
    pub serialization_library: Option<String>,
    /// Parameters.
    pub parameters: HashMap<String, String>,
}

/// The table a resource link points to.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TableLink {
    /// The catalog (account) holding the table.
    pub catalog_id: Option<String>,
    /// The table's database there.
    pub database: Option<String>,
    /// The table's name there.
    pub name: Option<String>,
    /// Its region, when another than the link's.
    pub region: Option<String>,
}

/// A Glue table.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_table")]
pub struct TableRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Catalog id.
    pub catalog_id: Option<String>,
    /// Database name.
    pub database: String,
    /// Table name.
    pub name: String,
    /// Table type, e.g. `EXTERNAL_TABLE`, `VIRTUAL_VIEW`.
    pub table_type: Option<String>,
    /// The table's format (rules on [`TableFormat`]); `None` for a resource link, which has
    /// no format of its own (see `link_target`).
    pub format: Option<TableFormat>,
    /// Iceberg tables: where the current and previous metadata files are.
    pub iceberg: Option<IcebergTable>,
    /// For a resource link (a table shared from another catalog, e.g. through Lake
    /// Formation): the table it points to.
    pub link_target: Option<TableLink>,
    /// Description.
    pub description: Option<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Columns of the current schema. For Iceberg tables, the columns Glue still lists after
    /// they were dropped (`iceberg.field.current = false`) are in `dropped_columns` instead.
    pub columns: Vec<Column>,
    /// Iceberg columns dropped from the current schema, which Glue keeps listing.
    pub dropped_columns: Vec<Column>,
    /// Partition keys.
    pub partition_keys: Vec<Column>,
    /// Storage location.
    pub location: Option<String>,
    /// Input format class.
    pub input_format: Option<String>,
    /// Output format class.
    pub output_format: Option<String>,
    /// SerDe.
    pub serde: Option<SerDe>,
    /// Parameters.
    pub parameters: HashMap<String, String>,
    /// Creation time.
    pub create_time: Option<String>,
    /// Last update time.
    pub update_time: Option<String>,
    /// Last access time.
    pub last_access_time: Option<String>,
    /// View text (original), for views.
    pub view_text: Option<String>,
    /// Version id.
    pub version_id: Option<String>,
    /// The fields that could not be read (left out of the JSON when empty): `iceberg.schema`
    /// (with `partition_spec` and `matches_glue`) when the Iceberg metadata file could not be
    /// read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<String>,
}

impl TableRecord {
    /// The record of `t`, which it takes apart: its strings, columns and maps move into the
    /// record instead of being copied (a table's definition is most of a scan's CPU per table).
    pub(crate) fn new(
        account_id: &str,
        region: &str,
        database: &str,
        t: aws_sdk_glue::types::Table,
    ) -> Self {
        let format = TableFormat::of(&t);
        let iceberg = (format == Some(TableFormat::Iceberg)).then(|| IcebergTable::of(&t));
        let aws_sdk_glue::types::Table {
            name,
            database_name,
            description,
            owner,
            create_time,
            update_time,
            last_access_time,
            storage_descriptor,
            partition_keys,
            view_original_text,
            table_type,
            parameters,
            target_table,
            catalog_id,
            version_id,
            ..
        } = t;
        let (mut location, mut input_format, mut output_format, mut serde) =
            (None, None, None, None);
        let mut columns = Vec::new();
        if let Some(sd) = storage_descriptor {
            location = sd.location;
            input_format = sd.input_format;
            output_format = sd.output_format;
            serde = sd.serde_info.map(|s| SerDe {
                name: s.name,
                serialization_library: s.serialization_library,
                parameters: s.parameters.unwrap_or_default(),
            });
            columns = sd.columns.unwrap_or_default();
        }
        let (columns, dropped_columns) = columns_of(columns, format);
        TableRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            catalog_id,
            database: database_name.unwrap_or_else(|| database.to_owned()),
            name,
            table_type,
            format,
            iceberg,
            link_target: target_table.map(|l| TableLink {
                catalog_id: l.catalog_id,
                database: l.database_name,
                name: l.name,
                region: l.region,
            }),
            description,
            owner,
            columns,
            dropped_columns,
            partition_keys: partition_keys
                .unwrap_or_default()
                .into_iter()
                .map(Column::from)
                .collect(),
            location,
            input_format,
            output_format,
            serde,
            parameters: parameters.unwrap_or_default(),
            create_time: time(create_time.as_ref()),
            update_time: time(update_time.as_ref()),
            last_access_time: time(last_access_time.as_ref()),
            view_text: view_original_text,
            version_id,
            unread: Vec::new(),
        }
    }
}

/// A table's format, decided from its Glue definition in this order (the first rule that
/// holds wins; names and values compare without case):
///
/// 1. a resource link (`TargetTable` set) has no format: `TableRecord::format` is `None`;
/// 2. `view`: `TableType` is `VIRTUAL_VIEW`, or the table is a multi-dialect or materialized
///    view;
/// 3. `iceberg`: parameter `table_type` is `ICEBERG` (as Athena, Spark and Glue write it), or
///    Glue returns Iceberg table metadata (S3 Tables);
/// 4. `delta`: parameter `table_type` is `DELTA` or `spark.sql.sources.provider` is `delta`,
///    or the input format or SerDe library is a Delta Lake class (`io.delta.`);
/// 5. `hudi`: parameter `table_type` is `HUDI` or `spark.sql.sources.provider` is `hudi`, or
///    the input format is a Hudi class (`org.apache.hudi.`, `com.uber.hoodie.`);
/// 6. `hive`: anything else (Hive-style tables over Parquet, ORC, CSV, JSON, ...).
///
/// The `classification` parameter is not used: crawlers set it to the file format (e.g.
/// `parquet` for a Delta table's files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TableFormat {
    /// A Hive-style table.
    Hive,
    /// An Apache Iceberg table.
    Iceberg,
    /// A Delta Lake table.
    Delta,
    /// An Apache Hudi table.
    Hudi,
    /// A view.
    View,
}

impl TableFormat {
    /// The format of `t` by the rules above; `None` for a resource link.
    pub fn of(t: &aws_sdk_glue::types::Table) -> Option<TableFormat> {
        if t.target_table.is_some() {
            return None;
        }
        let param = |k: &str| {
            t.parameters
                .as_ref()
                .and_then(|p| p.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)))
                .map(|(_, v)| v.to_ascii_lowercase())
        };
        let table_type = param("table_type");
        let provider = param("spark.sql.sources.provider");
        let sd = t.storage_descriptor.as_ref();
        let input = sd.and_then(|s| s.input_format.as_deref()).unwrap_or("");
        let serde = sd
            .and_then(|s| s.serde_info.as_ref())
            .and_then(|s| s.serialization_library.as_deref())
            .unwrap_or("");
        let is = |v: &Option<String>, want: &str| v.as_deref() == Some(want);
        Some(
            if t.table_type
                .as_deref()
                .is_some_and(|v| v.eq_ignore_ascii_case("VIRTUAL_VIEW"))
                || t.is_multi_dialect_view == Some(true)
                || t.is_materialized_view == Some(true)
            {
                TableFormat::View
            } else if is(&table_type, "iceberg") || t.iceberg_table_metadata.is_some() {
                TableFormat::Iceberg
            } else if is(&table_type, "delta")
                || is(&provider, "delta")
                || input.starts_with("io.delta.")
                || serde.starts_with("io.delta.")
            {
                TableFormat::Delta
            } else if is(&table_type, "hudi")
                || is(&provider, "hudi")
                || input.starts_with("org.apache.hudi.")
                || input.starts_with("com.uber.hoodie.")
            {
                TableFormat::Hudi
            } else {
                TableFormat::Hive
            },
        )
    }
}

/// A table's current and dropped columns (see [`TableRecord::columns`]).
pub(crate) fn current_columns(t: &aws_sdk_glue::types::Table) -> (Vec<Column>, Vec<Column>) {
    let columns = t.storage_descriptor.as_ref().map(|s| s.columns().to_vec());
    columns_of(columns.unwrap_or_default(), TableFormat::of(t))
}

/// Glue's columns split into current and dropped ones: Iceberg's Glue catalog keeps a dropped
/// column in the storage descriptor with the parameter `iceberg.field.current = false`.
fn columns_of(
    all: Vec<aws_sdk_glue::types::Column>,
    format: Option<TableFormat>,
) -> (Vec<Column>, Vec<Column>) {
    if format != Some(TableFormat::Iceberg) {
        return (all.into_iter().map(Column::from).collect(), Vec::new());
    }
    let dropped = |c: &aws_sdk_glue::types::Column| {
        c.parameters
            .as_ref()
            .and_then(|p| p.get("iceberg.field.current"))
            .is_some_and(|v| v.eq_ignore_ascii_case("false"))
    };
    let (gone, current): (Vec<_>, Vec<_>) = all.into_iter().partition(|c| dropped(c));
    (
        current.into_iter().map(Column::from).collect(),
        gone.into_iter().map(Column::from).collect(),
    )
}

/// One version of a Glue table.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_table_version")]
pub struct TableVersionRecord {
    /// Version id.
    pub version_id: Option<String>,
    /// The table as of this version.
    pub table: Option<TableRecord>,
}

catalog_scanner!(
    /// Scans Glue tables of every matching database, `concurrency` databases at a time.
    TableScanner
);

impl Scanner for TableScanner {
    type Record = TableRecord;
    fn name(&self) -> &'static str {
        "glue_tables"
    }
    fn actions(&self) -> &'static [Action] {
        self.ctx
            .actions(&[actions::glue::GET_DATABASES, actions::glue::GET_TABLES])
    }
    fn scan(&self) -> ScanStream<TableRecord> {
        let tables = self.ctx.per_database(|ctx, db| {
            let records = ctx.clone();
            ctx.tables(db).map_records(move |(db, t)| {
                TableRecord::new(&records.account_id, &records.region, &db.name, t)
            })
        });
        let Some(s3) = self.ctx.s3.clone() else {
            return tables;
        };
        let retry = self.ctx.retry;
        tables.then_records(self.ctx.concurrency, move |t| {
            let s3 = s3.clone();
            async move { enriched(&s3, retry, t, |t| t).await }
        })
    }
}

/// Scans the versions of one table. A denied or missing table comes out as one
/// [`ScanItem::Skipped`] with the reason, not as an error.
#[derive(Debug, Clone)]
pub struct TableVersionScanner {
    ctx: Arc<CatalogReader>,
    database: DatabaseSource,
    table: String,
}

impl TableVersionScanner {
    /// A scanner for the versions of `database.table`.
    pub fn new(
        conn: &Connection,
        options: CatalogOptions,
        database: impl Into<String>,
        table: impl Into<String>,
    ) -> Result<Self> {
        let (database, table) = (database.into(), table.into());
        if database.is_empty() || table.is_empty() {
            return Err(Error::invalid(
                "table",
                "database and table must not be empty",
            ));
        }
        let ctx = CatalogReader::new(conn, options)?;
        Ok(TableVersionScanner {
            database: ctx.one_catalog(database)?,
            ctx,
            table,
        })
    }
}

impl Scanner for TableVersionScanner {
    type Record = TableVersionRecord;
    fn name(&self) -> &'static str {
        "glue_table_versions"
    }
    fn actions(&self) -> &'static [Action] {
        &[actions::glue::GET_TABLE_VERSIONS]
    }
    fn scan(&self) -> ScanStream<TableVersionRecord> {
        let (ctx, db, table) = (self.ctx.clone(), self.database.clone(), self.table.clone());
        let part = db.table_part(actions::glue::GET_TABLE_VERSIONS, &table);
        paged(part, ctx.retry, move |token| {
            let req = ctx
                .client
                .get_table_versions()
                .set_catalog_id(db.catalog.clone())
                .database_name(&db.name)
                .table_name(&table)
                .set_next_token(token);
            let (ctx, db) = (ctx.clone(), db.clone());
            async move {
                let p = req.send().await?;
                let versions = p
                    .table_versions
                    .unwrap_or_default()
                    .into_iter()
                    .map(|v| TableVersionRecord {
                        version_id: v.version_id,
                        table: v
                            .table
                            .map(|t| TableRecord::new(&ctx.account_id, &ctx.region, &db.name, t)),
                    })
                    .collect();
                Ok::<_, GlueError<_>>(Page::new(versions, p.next_token))
            }
        })
    }
}

/// A Glue table in the input of an operator.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableRef {
    /// Database name.
    pub database: String,
    /// Table name.
    pub table: String,
    /// Catalog id; default: the caller's account.
    #[serde(default)]
    pub catalog_id: Option<String>,
}

operator_struct!(
    /// Reads one Glue table (ReadOnly).
    GetTable
);

#[async_trait]
impl Operator for GetTable {
    type Input = TableRef;
    type Output = TableRecord;
    const NAME: &'static str = "glue_get_table";
    const DESCRIPTION: &'static str =
        "Reads one Glue Data Catalog table: columns, partition keys, storage, SerDe, parameters.";
    const ACTIONS: &'static [Action] = &[actions::glue::GET_TABLE];

    async fn execute(&self, input: TableRef, _: AccessChecked<Self>) -> Result<TableRecord> {
        check_name("database", &input.database)?;
        check_name("table", &input.table)?;
        check_optional_catalog_id(&input.catalog_id)?;
        let table = &input.table;
        let out = unchecked_glue_client(&self.conn)
            .get_table()
            .set_catalog_id(input.catalog_id)
            .database_name(&input.database)
            .name(table)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::glue::GET_TABLE)
                    .with_resource(format!("{}.{table}", input.database))
            })?;
        let t = out.table.ok_or_else(|| {
            Error::new(
                chicory_aws_core::ErrorKind::Service,
                "GetTable returned no table",
            )
        })?;
        Ok(TableRecord::new(
            self.conn.account_id(),
            self.conn.region(),
            &input.database,
            t,
        ))
    }
}

/// Input of `glue_search_tables`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchTablesInput {
    /// Text to search for in table names, descriptions and parameters (up to 1024
    /// characters).
    #[serde(default)]
    pub search_text: Option<String>,
    /// Page size, 1-1000 (default 100).
    #[serde(default)]
    pub max_results: Option<i32>,
    /// The `next_token` of a previous page.
    #[serde(default)]
    pub next_token: Option<String>,
    /// Catalog id; default: the caller's account.
    #[serde(default)]
    pub catalog_id: Option<String>,
}

/// One page of `glue_search_tables`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SearchTablesOutput {
    /// Matching tables.
    pub tables: Vec<TableRecord>,
    /// Pass back to get the next page; absent on the last page.
    pub next_token: Option<String>,
}

operator_struct!(
    /// Searches the catalog's tables (`SearchTables`), one page per call (ReadOnly).
    SearchTables
);

#[async_trait]
impl Operator for SearchTables {
    type Input = SearchTablesInput;
    type Output = SearchTablesOutput;
    const NAME: &'static str = "glue_search_tables";
    const DESCRIPTION: &'static str =
        "Searches Glue Data Catalog tables by text; returns one page and a next_token.";
    const ACTIONS: &'static [Action] = &[actions::glue::SEARCH_TABLES];

    async fn execute(
        &self,
        input: SearchTablesInput,
        _: AccessChecked<Self>,
    ) -> Result<SearchTablesOutput> {
        let max = input.max_results.unwrap_or(100);
        if !(1..=1000).contains(&max) {
            return Err(Error::invalid("max_results", "must be between 1 and 1000"));
        }
        if let Some(text) = &input.search_text {
            check_text("search_text", text, 0, 1024)?;
        }
        check_optional_catalog_id(&input.catalog_id)?;
        let out = unchecked_glue_client(&self.conn)
            .search_tables()
            .set_catalog_id(input.catalog_id)
            .set_search_text(input.search_text)
            .set_next_token(input.next_token)
            .max_results(max)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, actions::glue::SEARCH_TABLES))?;
        let (account, region) = (self.conn.account_id(), self.conn.region());
        Ok(SearchTablesOutput {
            tables: out
                .table_list
                .unwrap_or_default()
                .into_iter()
                .map(|t| {
                    let database = t.database_name.clone().unwrap_or_default();
                    TableRecord::new(account, region, &database, t)
                })
                .collect(),
            next_token: out.next_token,
        })
    }
}

chicory_aws_core::record_kind!(
    TableRecord => "glue_table",
    TableVersionRecord => "glue_table_version",
);
