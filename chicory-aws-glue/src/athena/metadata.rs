//! Athena's own view of the catalogs: databases (`ListDatabases`) and table metadata
//! (`ListTableMetadata`) per data catalog.

use crate::athena::{AthenaError, VANISHED};
use crate::client::unchecked_athena_client;
use crate::records::time;
use crate::tables::Column;
use aws_sdk_athena::types as sdk;
use chicory_aws_core::scan::{paged, walk, Page, PageRetry, Part, ScanStream, ScanStreamExt, Step};
use chicory_aws_core::{
    actions, Action, Concurrency, Connection, Error, Result, ScanItem, Scanner,
};
use futures::stream::{self, StreamExt};
use serde::Serialize;
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
struct AthenaReader {
    client: aws_sdk_athena::Client,
    account_id: String,
    region: String,
    catalogs: Option<Vec<String>>,
    concurrency: Concurrency,
    retry: PageRetry,
}

impl AthenaReader {
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
        Ok(Arc::new(AthenaReader {
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
        let part = Part::new(actions::athena::LIST_DATABASES, "")
            .with("catalog", catalog.as_str())
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
    ctx: Arc<AthenaReader>,
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
            ctx: AthenaReader::new(conn, catalogs, concurrency)?,
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
    ctx: Arc<AthenaReader>,
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
            ctx: AthenaReader::new(conn, catalogs, concurrency)?,
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

fn tables(
    ctx: Arc<AthenaReader>,
    catalog: String,
    database: String,
) -> ScanStream<AthenaTableRecord> {
    let part = Part::new(actions::athena::LIST_TABLE_METADATA, "")
        .with("catalog", catalog.as_str())
        .with("database", database.as_str())
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

chicory_aws_core::record_kind!(
    AthenaDatabaseRecord => "athena_database",
    AthenaTableRecord => "athena_table_metadata",
);
