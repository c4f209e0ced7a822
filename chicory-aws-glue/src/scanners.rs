//! Glue Data Catalog scanners: databases, tables, partitions, table versions.

use crate::glue_client;
use crate::records::{DatabaseRecord, PartitionRecord, TableRecord, TableVersionRecord, UdfRecord};
use aws_sdk_glue::types::Segment;
use aws_smithy_types::DateTime;
use chicory_aws_core::{actions, pages, Action, Connection, Error, Result, ScanItem, Scanner};
use futures::stream::{self, BoxStream, StreamExt};
use std::sync::Arc;
use std::time::SystemTime;

/// Matches `name` against a simple glob where `*` matches any run of characters.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// Include / exclude name patterns (simple globs with `*`). Empty includes mean "all".
#[derive(Debug, Clone, Default)]
pub struct NameFilter {
    /// Names must match one of these (if any are given).
    pub include: Vec<String>,
    /// Names matching any of these are left out.
    pub exclude: Vec<String>,
}

impl NameFilter {
    /// Whether `name` passes the filter.
    pub fn matches(&self, name: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|p| glob_match(p, name)))
            && !self.exclude.iter().any(|p| glob_match(p, name))
    }

    fn validate(&self, field: &'static str) -> Result<()> {
        if self
            .include
            .iter()
            .chain(&self.exclude)
            .any(|p| p.is_empty())
        {
            return Err(Error::invalid(field, "patterns must not be empty"));
        }
        Ok(())
    }
}

/// Options shared by the Glue catalog scanners.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CatalogOptions {
    /// The catalog id (account id); default: the caller's account.
    pub catalog_id: Option<String>,
    /// Which databases to scan.
    pub databases: NameFilter,
    /// Which tables to scan.
    pub tables: NameFilter,
    /// How many databases are scanned at once (1..=64).
    pub concurrency: usize,
    /// Incremental mode: skip tables whose update time is older than this instant.
    pub updated_since: Option<SystemTime>,
}

impl Default for CatalogOptions {
    fn default() -> Self {
        CatalogOptions {
            catalog_id: None,
            databases: NameFilter::default(),
            tables: NameFilter::default(),
            concurrency: 8,
            updated_since: None,
        }
    }
}

impl CatalogOptions {
    /// Sets the catalog id.
    pub fn catalog_id(mut self, id: impl Into<String>) -> Self {
        self.catalog_id = Some(id.into());
        self
    }
    /// Adds a database include pattern.
    pub fn include_databases(mut self, p: impl Into<String>) -> Self {
        self.databases.include.push(p.into());
        self
    }
    /// Adds a database exclude pattern.
    pub fn exclude_databases(mut self, p: impl Into<String>) -> Self {
        self.databases.exclude.push(p.into());
        self
    }
    /// Adds a table include pattern.
    pub fn include_tables(mut self, p: impl Into<String>) -> Self {
        self.tables.include.push(p.into());
        self
    }
    /// Adds a table exclude pattern.
    pub fn exclude_tables(mut self, p: impl Into<String>) -> Self {
        self.tables.exclude.push(p.into());
        self
    }
    /// Sets the concurrency across databases.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }
    /// Incremental mode: only tables updated at or after `t`.
    pub fn updated_since(mut self, t: SystemTime) -> Self {
        self.updated_since = Some(t);
        self
    }

    /// Checks the options; the error names the field.
    pub fn validate(&self) -> Result<()> {
        if !(1..=64).contains(&self.concurrency) {
            return Err(Error::invalid("concurrency", "must be between 1 and 64"));
        }
        if let Some(id) = &self.catalog_id {
            if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::invalid(
                    "catalog_id",
                    "must be a 12-digit account id",
                ));
            }
        }
        self.databases.validate("databases")?;
        self.tables.validate("tables")
    }
}

#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) client: aws_sdk_glue::Client,
    pub(crate) account_id: String,
    pub(crate) region: String,
    pub(crate) options: CatalogOptions,
}

impl Ctx {
    pub(crate) fn new(conn: &Connection, options: CatalogOptions) -> Result<Arc<Self>> {
        options.validate()?;
        Ok(Arc::new(Ctx {
            client: glue_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
            options,
        }))
    }

    /// Databases passing the filter, lazily.
    pub(crate) fn databases(
        self: &Arc<Self>,
    ) -> BoxStream<'static, Result<aws_sdk_glue::types::Database>> {
        let ctx = self.clone();
        pages(
            self.client
                .get_databases()
                .set_catalog_id(self.options.catalog_id.clone())
                .into_paginator()
                .send(),
        )
        .flat_map(move |page| {
            let items: Vec<Result<_>> = match page {
                Ok(p) => p
                    .database_list
                    .into_iter()
                    .filter(|d| ctx.options.databases.matches(&d.name))
                    .map(Ok)
                    .collect(),
                Err(e) => vec![Err(Error::from_sdk(e, "glue:GetDatabases"))],
            };
            stream::iter(items)
        })
        .boxed()
    }

    /// Tables of `database` passing the filter and the incremental cut-off, lazily.
    pub(crate) fn tables(
        self: &Arc<Self>,
        database: String,
    ) -> BoxStream<'static, Result<ScanItem<aws_sdk_glue::types::Table>>> {
        let ctx = self.clone();
        let since = self.options.updated_since.map(DateTime::from);
        pages(
            self.client
                .get_tables()
                .set_catalog_id(self.options.catalog_id.clone())
                .database_name(&database)
                .into_paginator()
                .send(),
        )
        .flat_map(move |page| {
            let items: Vec<Result<_>> = match page {
                Ok(p) => p
                    .table_list
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|t| ctx.options.tables.matches(&t.name))
                    .filter(
                        |t| match (&since, t.update_time.as_ref().or(t.create_time.as_ref())) {
                            (Some(since), Some(updated)) => updated >= since,
                            _ => true,
                        },
                    )
                    .map(|t| Ok(ScanItem::Record(t)))
                    .collect(),
                // A database that vanished or is denied is skipped; the scan goes on.
                Err(e) => {
                    let err = Error::from_sdk(e, "glue:GetTables").with_resource(database.clone());
                    vec![Ok(ScanItem::Skipped(
                        chicory_aws_core::Skipped::from_error(
                            format!("glue:GetTables database={database}"),
                            &err,
                        ),
                    ))]
                }
            };
            stream::iter(items)
        })
        .boxed()
    }
}

/// Scans Glue databases.
#[derive(Debug, Clone)]
pub struct DatabaseScanner {
    ctx: Arc<Ctx>,
}

impl DatabaseScanner {
    /// A scanner over `conn` with `options` (database filter and catalog id apply).
    pub fn new(conn: &Connection, options: CatalogOptions) -> Result<Self> {
        Ok(DatabaseScanner {
            ctx: Ctx::new(conn, options)?,
        })
    }
}

impl Scanner for DatabaseScanner {
    type Record = DatabaseRecord;
    fn name(&self) -> &'static str {
        "glue_databases"
    }
    fn actions(&self) -> &'static [Action] {
        &[actions::glue::GET_DATABASES]
    }
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<DatabaseRecord>>> {
        let ctx = self.ctx.clone();
        self.ctx
            .databases()
            .map(move |d| {
                d.map(|d| ScanItem::Record(DatabaseRecord::new(&ctx.account_id, &ctx.region, &d)))
            })
            .boxed()
    }
}

/// Scans Glue tables of every matching database, `concurrency` databases at a time.
#[derive(Debug, Clone)]
pub struct TableScanner {
    ctx: Arc<Ctx>,
}

impl TableScanner {
    /// A scanner over `conn` with `options`.
    pub fn new(conn: &Connection, options: CatalogOptions) -> Result<Self> {
        Ok(TableScanner {
            ctx: Ctx::new(conn, options)?,
        })
    }
}

impl Scanner for TableScanner {
    type Record = TableRecord;
    fn name(&self) -> &'static str {
        "glue_tables"
    }
    fn actions(&self) -> &'static [Action] {
        &[actions::glue::GET_DATABASES, actions::glue::GET_TABLES]
    }
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<TableRecord>>> {
        let ctx = self.ctx.clone();
        let limit = ctx.options.concurrency;
        let c2 = ctx.clone();
        ctx.databases()
            .flat_map_unordered(Some(limit), move |db| match db {
                Ok(db) => {
                    let c3 = c2.clone();
                    let name = db.name.clone();
                    c2.tables(db.name)
                        .map(move |t| {
                            t.map(|item| match item {
                                ScanItem::Record(t) => ScanItem::Record(TableRecord::new(
                                    &c3.account_id,
                                    &c3.region,
                                    &name,
                                    &t,
                                )),
                                ScanItem::Skipped(s) => ScanItem::Skipped(s),
                            })
                        })
                        .boxed()
                }
                Err(e) => stream::once(async move { Err(e) }).boxed(),
            })
            .boxed()
    }
}

/// Scans the partitions of one table with Glue's parallel segments and without column schemas.
#[derive(Debug, Clone)]
pub struct PartitionScanner {
    ctx: Arc<Ctx>,
    database: String,
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
        if !(1..=10).contains(&segments) {
            return Err(Error::invalid("segments", "Glue allows 1 to 10 segments"));
        }
        Ok(PartitionScanner {
            ctx: Ctx::new(conn, options)?,
            database,
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
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<PartitionRecord>>> {
        partitions(
            self.ctx.clone(),
            self.database.clone(),
            self.table.clone(),
            self.segments,
        )
    }
}

/// The partitions of `db.table`, read in `total` parallel segments.
pub(crate) fn partitions(
    ctx: Arc<Ctx>,
    db: String,
    table: String,
    total: i32,
) -> BoxStream<'static, Result<ScanItem<PartitionRecord>>> {
    stream::iter(0..total)
        .flat_map_unordered(Some(total as usize), move |n| {
            let mut req = ctx
                .client
                .get_partitions()
                .set_catalog_id(ctx.options.catalog_id.clone())
                .database_name(&db)
                .table_name(&table)
                .exclude_column_schema(true);
            if total > 1 {
                let segment = Segment::builder()
                    .segment_number(n)
                    .total_segments(total)
                    .build()
                    .expect("both fields set");
                req = req.segment(segment);
            }
            let (ctx, db, table) = (ctx.clone(), db.clone(), table.clone());
            pages(req.into_paginator().send())
                .flat_map(move |page| {
                    let items: Vec<Result<_>> = match page {
                        Ok(p) => p
                            .partitions
                            .unwrap_or_default()
                            .iter()
                            .map(|p| {
                                Ok(ScanItem::Record(PartitionRecord::new(
                                    &ctx.account_id,
                                    &ctx.region,
                                    &db,
                                    &table,
                                    p,
                                )))
                            })
                            .collect(),
                        Err(e) => vec![Err(Error::from_sdk(e, "glue:GetPartitions")
                            .with_resource(format!("{db}.{table}")))],
                    };
                    stream::iter(items)
                })
                .boxed()
        })
        .boxed()
}

/// Scans the partitions of every partitioned table of the matching databases and tables,
/// `concurrency` tables at a time, each with `segments` parallel segments.
#[derive(Debug, Clone)]
pub struct CatalogPartitionScanner {
    ctx: Arc<Ctx>,
    segments: i32,
}

impl CatalogPartitionScanner {
    /// A scanner over `conn` with `options`, `segments` (1..=10) per table.
    pub fn new(conn: &Connection, options: CatalogOptions, segments: i32) -> Result<Self> {
        if !(1..=10).contains(&segments) {
            return Err(Error::invalid("segments", "Glue allows 1 to 10 segments"));
        }
        Ok(CatalogPartitionScanner {
            ctx: Ctx::new(conn, options)?,
            segments,
        })
    }
}

impl Scanner for CatalogPartitionScanner {
    type Record = PartitionRecord;
    fn name(&self) -> &'static str {
        "glue_partitions"
    }
    fn actions(&self) -> &'static [Action] {
        &[
            actions::glue::GET_DATABASES,
            actions::glue::GET_TABLES,
            actions::glue::GET_PARTITIONS,
        ]
    }
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<PartitionRecord>>> {
        let ctx = self.ctx.clone();
        let limit = ctx.options.concurrency;
        let segments = self.segments;
        let c2 = ctx.clone();
        ctx.databases()
            .flat_map_unordered(Some(limit), move |db| match db {
                Ok(db) => {
                    let c3 = c2.clone();
                    let name = db.name.clone();
                    c2.tables(db.name)
                        .flat_map_unordered(Some(limit), move |t| match t {
                            Ok(ScanItem::Record(t)) if !t.partition_keys().is_empty() => {
                                partitions(c3.clone(), name.clone(), t.name, segments)
                            }
                            Ok(ScanItem::Record(_)) => stream::empty().boxed(),
                            Ok(ScanItem::Skipped(s)) => {
                                stream::once(async move { Ok(ScanItem::Skipped(s)) }).boxed()
                            }
                            Err(e) => stream::once(async move { Err(e) }).boxed(),
                        })
                        .boxed()
                }
                Err(e) => stream::once(async move { Err(e) }).boxed(),
            })
            .boxed()
    }
}

/// Scans the versions of one table.
#[derive(Debug, Clone)]
pub struct TableVersionScanner {
    ctx: Arc<Ctx>,
    database: String,
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
        Ok(TableVersionScanner {
            ctx: Ctx::new(conn, options)?,
            database,
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
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<TableVersionRecord>>> {
        let (ctx, db, table) = (self.ctx.clone(), self.database.clone(), self.table.clone());
        pages(
            ctx.client
                .get_table_versions()
                .set_catalog_id(ctx.options.catalog_id.clone())
                .database_name(&db)
                .table_name(&table)
                .into_paginator()
                .send(),
        )
        .flat_map(move |page| {
            let items: Vec<Result<_>> = match page {
                Ok(p) => {
                    p.table_versions
                        .unwrap_or_default()
                        .iter()
                        .map(|v| {
                            Ok(ScanItem::Record(TableVersionRecord {
                                version_id: v.version_id.clone(),
                                table: v.table.as_ref().map(|t| {
                                    TableRecord::new(&ctx.account_id, &ctx.region, &db, t)
                                }),
                            }))
                        })
                        .collect()
                }
                Err(e) => vec![Err(Error::from_sdk(e, "glue:GetTableVersions")
                    .with_resource(format!("{db}.{table}")))],
            };
            stream::iter(items)
        })
        .boxed()
    }
}

/// Scans the user-defined functions of every matching database.
#[derive(Debug, Clone)]
pub struct UdfScanner {
    ctx: Arc<Ctx>,
}

impl UdfScanner {
    /// A scanner over `conn` with `options` (database filter, catalog id, concurrency).
    pub fn new(conn: &Connection, options: CatalogOptions) -> Result<Self> {
        Ok(UdfScanner {
            ctx: Ctx::new(conn, options)?,
        })
    }
}

impl Scanner for UdfScanner {
    type Record = UdfRecord;
    fn name(&self) -> &'static str {
        "glue_user_defined_functions"
    }
    fn actions(&self) -> &'static [Action] {
        &[
            actions::glue::GET_DATABASES,
            actions::glue::GET_USER_DEFINED_FUNCTIONS,
        ]
    }
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<UdfRecord>>> {
        let ctx = self.ctx.clone();
        let limit = ctx.options.concurrency;
        let c2 = ctx.clone();
        ctx.databases()
            .flat_map_unordered(Some(limit), move |db| match db {
                Ok(db) => {
                    let c3 = c2.clone();
                    let name = db.name;
                    pages(
                        c2.client
                            .get_user_defined_functions()
                            .set_catalog_id(c2.options.catalog_id.clone())
                            .database_name(&name)
                            .pattern("*")
                            .into_paginator()
                            .send(),
                    )
                    .flat_map(move |page| {
                        let items: Vec<Result<_>> = match page {
                            Ok(p) => p
                                .user_defined_functions
                                .unwrap_or_default()
                                .iter()
                                .map(|f| {
                                    Ok(ScanItem::Record(UdfRecord {
                                        account_id: c3.account_id.clone(),
                                        region: c3.region.clone(),
                                        database: f
                                            .database_name
                                            .clone()
                                            .unwrap_or_else(|| name.clone()),
                                        name: f.function_name.clone(),
                                        class_name: f.class_name.clone(),
                                        owner: f.owner_name.clone(),
                                        resource_uris: f
                                            .resource_uris()
                                            .iter()
                                            .filter_map(|r| r.uri.clone())
                                            .collect(),
                                        create_time: crate::records::time(f.create_time.as_ref()),
                                    }))
                                })
                                .collect(),
                            Err(e) => {
                                let err = Error::from_sdk(e, "glue:GetUserDefinedFunctions")
                                    .with_resource(name.clone());
                                vec![Ok(ScanItem::Skipped(
                                    chicory_aws_core::Skipped::from_error(
                                        format!("glue:GetUserDefinedFunctions database={name}"),
                                        &err,
                                    ),
                                ))]
                            }
                        };
                        stream::iter(items)
                    })
                    .boxed()
                }
                Err(e) => stream::once(async move { Err(e) }).boxed(),
            })
            .boxed()
    }
}
