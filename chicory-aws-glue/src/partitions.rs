//! Glue partitions: of one table or of every partitioned table, in parallel segments.

use crate::options::{check_segments, CatalogOptions};
use crate::reader::{CatalogReader, DatabaseSource, GlueError};
use crate::records::time;
use aws_sdk_glue::types::Segment;
use chicory_aws_core::scan::{paged, Page, ScanStream, ScanStreamExt};
use chicory_aws_core::{actions, Action, Connection, Error, Result, Scanner};
use futures::stream::{self, StreamExt};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// A Glue partition (column schema excluded: it is the table's).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_partition")]
pub struct PartitionRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Catalog id.
    pub catalog_id: Option<String>,
    /// Database name.
    pub database: String,
    /// Table name.
    pub table: String,
    /// Partition values, in partition-key order.
    pub values: Vec<String>,
    /// Storage location.
    pub location: Option<String>,
    /// Creation time.
    pub create_time: Option<String>,
    /// Last access time.
    pub last_access_time: Option<String>,
    /// Parameters.
    pub parameters: HashMap<String, String>,
}

impl PartitionRecord {
    pub(crate) fn new(
        account_id: &str,
        region: &str,
        database: &str,
        table: &str,
        p: &aws_sdk_glue::types::Partition,
    ) -> Self {
        PartitionRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            catalog_id: p.catalog_id.clone(),
            database: database.to_owned(),
            table: table.to_owned(),
            values: p.values().to_vec(),
            location: p
                .storage_descriptor
                .as_ref()
                .and_then(|s| s.location.clone()),
            create_time: time(p.creation_time.as_ref()),
            last_access_time: time(p.last_access_time.as_ref()),
            parameters: p.parameters.clone().unwrap_or_default(),
        }
    }
}

/// Scans the partitions of one table with Glue's parallel segments and without column schemas.
/// A denied or missing table comes out as [`ScanItem::Skipped`] items with the reason (one per
/// segment), not as an error, as any part of a scan does.
#[derive(Debug, Clone)]
pub struct PartitionScanner {
    ctx: Arc<CatalogReader>,
    database: DatabaseSource,
    table: String,
    segments: i32,
}

impl PartitionScanner {
    /// A scanner for `database.table`, reading `segments` (1..=10) segments in parallel.
    pub fn new(
        conn: &Connection,
        options: CatalogOptions,
        database: impl Into<String>,
        table: impl Into<String>,
        segments: i32,
    ) -> Result<Self> {
        let (database, table) = (database.into(), table.into());
        if database.is_empty() {
            return Err(Error::invalid("database", "must not be empty"));
        }
        if table.is_empty() {
            return Err(Error::invalid("table", "must not be empty"));
        }
        check_segments(segments)?;
        let ctx = CatalogReader::new(conn, options)?;
        Ok(PartitionScanner {
            database: ctx.one_catalog(database)?,
            ctx,
            table,
            segments,
        })
    }
}

impl Scanner for PartitionScanner {
    type Record = PartitionRecord;
    fn name(&self) -> &'static str {
        "glue_partitions"
    }
    fn actions(&self) -> &'static [Action] {
        &[actions::glue::GET_PARTITIONS]
    }
    fn scan(&self) -> ScanStream<PartitionRecord> {
        partitions(
            self.ctx.clone(),
            self.database.clone(),
            self.table.clone(),
            self.segments,
        )
    }
}

/// The partitions of `db.table`, read in `total` parallel segments; a denied or vanished table
/// is a skipped part (one per segment), anything else that fails an incomplete one.
pub(crate) fn partitions(
    ctx: Arc<CatalogReader>,
    db: DatabaseSource,
    table: String,
    total: i32,
) -> ScanStream<PartitionRecord> {
    stream::iter(0..total)
        .flat_map_unordered(Some(total as usize), move |n| {
            let part = db.table_part(actions::glue::GET_PARTITIONS, &table);
            let part = if total > 1 {
                part.with("segment", format!("{n}/{total}"))
            } else {
                part
            };
            let (ctx, db, table) = (ctx.clone(), db.clone(), table.clone());
            paged(part, ctx.retry, move |token| {
                let mut req = ctx
                    .client
                    .get_partitions()
                    .set_catalog_id(db.catalog.clone())
                    .database_name(&db.name)
                    .table_name(&table)
                    .exclude_column_schema(true)
                    .set_next_token(token);
                if total > 1 {
                    let segment = Segment::builder()
                        .segment_number(n)
                        .total_segments(total)
                        .build()
                        .expect("both fields set");
                    req = req.segment(segment);
                }
                let (ctx, db, table) = (ctx.clone(), db.clone(), table.clone());
                async move {
                    let p = req.send().await?;
                    let records = p
                        .partitions
                        .unwrap_or_default()
                        .iter()
                        .map(|p| {
                            let mut r = PartitionRecord::new(
                                &ctx.account_id,
                                &ctx.region,
                                &db.name,
                                &table,
                                p,
                            );
                            r.catalog_id = db.catalog.clone().or(r.catalog_id);
                            r
                        })
                        .collect();
                    Ok::<_, GlueError<_>>(Page::new(records, p.next_token))
                }
            })
        })
        .boxed()
}

/// Scans the partitions of every partitioned table of the matching databases and tables,
/// `concurrency` tables at a time, each with `segments` parallel segments (so at most
/// `concurrency * segments` GetPartitions requests in flight).
#[derive(Debug, Clone)]
pub struct CatalogPartitionScanner {
    ctx: Arc<CatalogReader>,
    segments: i32,
}

impl CatalogPartitionScanner {
    /// A scanner over `conn` with `options`, `segments` (1..=10) per table.
    pub fn new(conn: &Connection, options: CatalogOptions, segments: i32) -> Result<Self> {
        check_segments(segments)?;
        Ok(CatalogPartitionScanner {
            ctx: CatalogReader::new(conn, options)?,
            segments,
        })
    }
}

impl Scanner for CatalogPartitionScanner {
    type Record = PartitionRecord;
    fn name(&self) -> &'static str {
        "glue_catalog_partitions"
    }
    fn actions(&self) -> &'static [Action] {
        self.ctx.actions(&[
            actions::glue::GET_DATABASES,
            actions::glue::GET_TABLES,
            actions::glue::GET_PARTITIONS,
        ])
    }
    fn scan(&self) -> ScanStream<PartitionRecord> {
        // The partitioned tables of `concurrency` databases at a time, flattened into one
        // stream, then `concurrency` tables read at a time: at most `concurrency` GetTables and
        // `concurrency * segments` GetPartitions in flight, not their product.
        let (segments, ctx) = (self.segments, self.ctx.clone());
        self.ctx
            .per_database(move |ctx, db| {
                ctx.tables(db).filter_map_records(move |(db, t)| {
                    (!t.partition_keys().is_empty()).then_some((db, t.name))
                })
            })
            .flat_map_records(self.ctx.concurrency, move |(db, table)| {
                partitions(ctx.clone(), db, table, segments)
            })
    }
}

chicory_aws_core::record_kind!(
    PartitionRecord => "glue_partition",
);
