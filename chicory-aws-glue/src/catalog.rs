//! Glue catalogs: the catalog list (`GetCatalogs`) and the one-pass scan of databases,
//! tables and partitions.

use crate::databases::DatabaseRecord;
use crate::iceberg::enriched;
use crate::options::{check_segments, CatalogOptions};
use crate::partitions::{partitions, PartitionRecord};
use crate::reader::{one, CatalogReader, DatabaseSource};
use crate::records::time;
use crate::tables::TableRecord;
use chicory_aws_core::scan::{walk, ScanStream, ScanStreamExt, Step};
use chicory_aws_core::{actions, Action, Connection, Result, ScanItem, Scanner};
use futures::stream::{self, StreamExt};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// A Glue catalog: the account's default catalog, a federated catalog, an S3 Tables catalog or
/// one of its children, a Redshift-managed catalog.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_data_catalog")]
pub struct GlueCatalogRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// The catalog id to pass as `CatalogId` (e.g. `123456789012:s3tablescatalog/bucket`).
    pub catalog_id: Option<String>,
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Parameters.
    pub parameters: HashMap<String, String>,
    /// For a federated catalog (e.g. S3 Tables' `s3tablescatalog`): what it federates.
    pub federated: Option<FederatedCatalog>,
    /// For a catalog over a Redshift namespace: the namespace's ARN.
    pub redshift_catalog_arn: Option<String>,
    /// Creation time.
    pub create_time: Option<String>,
    /// Last update time.
    pub update_time: Option<String>,
}

/// What a federated catalog federates.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FederatedCatalog {
    /// The federated entity's identifier (e.g. an S3 Tables ARN).
    pub identifier: Option<String>,
    /// The Glue connection, when one is used.
    pub connection_name: Option<String>,
    /// The connection type (e.g. `aws:s3tables`).
    pub connection_type: Option<String>,
}

impl GlueCatalogRecord {
    pub(crate) fn new(account_id: &str, region: &str, c: &aws_sdk_glue::types::Catalog) -> Self {
        GlueCatalogRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            catalog_id: c.catalog_id.clone(),
            name: c.name.clone(),
            arn: c.resource_arn.clone(),
            description: c.description.clone(),
            parameters: c.parameters.clone().unwrap_or_default(),
            federated: c.federated_catalog.as_ref().map(|f| FederatedCatalog {
                identifier: f.identifier.clone(),
                connection_name: f.connection_name.clone(),
                connection_type: f.connection_type.clone(),
            }),
            redshift_catalog_arn: c
                .target_redshift_catalog
                .as_ref()
                .map(|r| r.catalog_arn.clone()),
            create_time: time(c.create_time.as_ref()),
            update_time: time(c.update_time.as_ref()),
        }
    }
}

/// One record of a [`CatalogScanner`]: a database, a table or a partition (each serializes
/// with its own `kind`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum CatalogRecord {
    /// A catalog (with [`Catalogs::All`]).
    Catalog(GlueCatalogRecord),
    /// A database.
    Database(DatabaseRecord),
    /// A table (boxed: much larger than the other kinds).
    Table(Box<TableRecord>),
    /// A partition.
    Partition(PartitionRecord),
}

impl chicory_aws_core::Record for CatalogRecord {
    fn kind(&self) -> &'static str {
        match self {
            CatalogRecord::Catalog(r) => r.kind(),
            CatalogRecord::Database(r) => r.kind(),
            CatalogRecord::Table(r) => r.kind(),
            CatalogRecord::Partition(r) => r.kind(),
        }
    }
}

/// Scans databases, their tables and the tables' partitions in one pass, listing each database
/// and table once: a table is emitted before its partitions, and a partition only with its
/// table, so the output never holds partitions of a table it does not hold.
///
/// At most `concurrency` listings (GetDatabases, one database's GetTables, or one table's
/// partitions in `segments` parallel segments) are open at once, at any depth.
#[derive(Debug, Clone)]
pub struct CatalogScanner {
    ctx: Arc<CatalogReader>,
    segments: Option<i32>,
}

impl CatalogScanner {
    /// A scanner over `conn` with `options`; `segments` (1..=10) per table, or `None` to leave
    /// partitions out.
    pub fn new(conn: &Connection, options: CatalogOptions, segments: Option<i32>) -> Result<Self> {
        if let Some(s) = segments {
            check_segments(s)?;
        }
        Ok(CatalogScanner {
            ctx: CatalogReader::new(conn, options)?,
            segments,
        })
    }
}

enum CatalogNode {
    Root,
    Catalog(Option<String>),
    Database(DatabaseSource),
    Table(DatabaseSource, String),
}

impl Scanner for CatalogScanner {
    type Record = CatalogRecord;
    fn name(&self) -> &'static str {
        "glue_catalog"
    }
    fn actions(&self) -> &'static [Action] {
        match self.segments {
            Some(_) => self.ctx.actions(&[
                actions::glue::GET_DATABASES,
                actions::glue::GET_TABLES,
                actions::glue::GET_PARTITIONS,
            ]),
            None => self
                .ctx
                .actions(&[actions::glue::GET_DATABASES, actions::glue::GET_TABLES]),
        }
    }
    fn scan(&self) -> ScanStream<CatalogRecord> {
        let (ctx, segments) = (self.ctx.clone(), self.segments);
        let record = |r| Ok(ScanItem::Record(Step::Record(r)));
        let visit = |n| Ok(ScanItem::Record(Step::Visit(n)));
        let records = walk(vec![CatalogNode::Root], self.ctx.concurrency, move |node| {
            let ctx = ctx.clone();
            match node {
                CatalogNode::Root => ctx.catalogs().flat_map_records(one(), move |(id, c)| {
                    let mut items = Vec::new();
                    if let Some(c) = c {
                        items.push(record(CatalogRecord::Catalog(GlueCatalogRecord::new(
                            &ctx.account_id,
                            &ctx.region,
                            &c,
                        ))));
                    }
                    items.push(visit(CatalogNode::Catalog(id)));
                    stream::iter(items).boxed()
                }),
                CatalogNode::Catalog(id) => {
                    let request = id.clone();
                    ctx.databases_in(id).flat_map_records(one(), move |d| {
                        let rec = DatabaseRecord::new(&ctx.account_id, &ctx.region, &d);
                        let mut items = vec![record(CatalogRecord::Database(rec))];
                        if let Some(db) = ctx.table_source(request.clone(), &d) {
                            items.push(visit(CatalogNode::Database(db)));
                        }
                        stream::iter(items).boxed()
                    })
                }
                CatalogNode::Database(db) => {
                    ctx.tables(db).flat_map_records(one(), move |(db, t)| {
                        let partitioned = segments.is_some() && !t.partition_keys().is_empty();
                        let name = t.name.clone();
                        let rec = TableRecord::new(&ctx.account_id, &ctx.region, &db.name, t);
                        let mut items = vec![record(CatalogRecord::Table(Box::new(rec)))];
                        if partitioned {
                            items.push(visit(CatalogNode::Table(db, name)));
                        }
                        stream::iter(items).boxed()
                    })
                }
                CatalogNode::Table(db, table) => partitions(ctx, db, table, segments.unwrap_or(1))
                    .map_records(|p| Step::Record(CatalogRecord::Partition(p))),
            }
        });
        let Some(s3) = self.ctx.s3.clone() else {
            return records;
        };
        let retry = self.ctx.retry;
        records.then_records(self.ctx.concurrency, move |r| {
            let s3 = s3.clone();
            async move {
                match r {
                    CatalogRecord::Table(t) => {
                        enriched(&s3, retry, *t, |t| CatalogRecord::Table(Box::new(t))).await
                    }
                    other => vec![Ok(ScanItem::Record(other))],
                }
            }
        })
    }
}

/// Scans the Glue catalogs of the account (`GetCatalogs`, recursive, with the default
/// catalog): federated catalogs, S3 Tables catalogs and their children, Redshift-managed
/// catalogs. The catalog options' filters do not apply.
#[derive(Debug, Clone)]
pub struct GlueCatalogScanner {
    ctx: Arc<CatalogReader>,
}

impl GlueCatalogScanner {
    /// A scanner over `conn`.
    pub fn new(conn: &Connection) -> Result<Self> {
        Ok(GlueCatalogScanner {
            ctx: CatalogReader::new(conn, CatalogOptions::default().all_catalogs())?,
        })
    }
}

impl Scanner for GlueCatalogScanner {
    type Record = GlueCatalogRecord;
    fn name(&self) -> &'static str {
        "glue_catalogs"
    }
    fn actions(&self) -> &'static [Action] {
        &[actions::glue::GET_CATALOGS]
    }
    fn scan(&self) -> ScanStream<GlueCatalogRecord> {
        let ctx = self.ctx.clone();
        self.ctx
            .catalog_list(false)
            .map_records(move |c| GlueCatalogRecord::new(&ctx.account_id, &ctx.region, &c))
    }
}

chicory_aws_core::record_kind!(
    GlueCatalogRecord => "glue_data_catalog",
);
