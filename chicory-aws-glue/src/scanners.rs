//! Glue Data Catalog scanners: databases, tables, partitions, table versions, UDFs.

use crate::glue_client;
use crate::records::{DatabaseRecord, PartitionRecord, TableRecord, TableVersionRecord, UdfRecord};
use aws_sdk_glue::types::Segment;
use aws_smithy_types::DateTime;
use chicory_aws_core::{
    actions, pages, Action, Connection, Error, ErrorKind, Result, ScanItem, Scanner, Skipped,
};
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

/// Flattens a lazy stream of pages into its items: `ok` turns one page into its items, `err`
/// turns a failed page into an error of the scan or a skipped part.
pub(crate) fn page_items<P, E, T>(
    pages: BoxStream<'static, std::result::Result<P, E>>,
    mut ok: impl FnMut(P) -> Vec<T> + Send + 'static,
    mut err: impl FnMut(E) -> Result<T> + Send + 'static,
) -> BoxStream<'static, Result<T>>
where
    P: Send + 'static,
    E: Send + 'static,
    T: Send + 'static,
{
    pages
        .flat_map(move |page| {
            let items: Vec<Result<T>> = match page {
                Ok(p) => ok(p).into_iter().map(Ok).collect(),
                Err(e) => vec![err(e)],
            };
            stream::iter(items)
        })
        .boxed()
}

/// A part of the scan left out because of `err` (denied, vanished): recorded, the scan goes on.
pub(crate) fn skipped<R>(part: String, err: &Error) -> Result<ScanItem<R>> {
    Ok(ScanItem::Skipped(Skipped::from_error(part, err)))
}

/// A part that is denied or vanished (a table dropped mid-scan) is skipped; any other failure
/// (throttling past the SDK's retries, service errors) is an error of the scan.
pub(crate) fn skip_or_fail<R>(part: String, err: Error) -> Result<ScanItem<R>> {
    match err.kind() {
        ErrorKind::AccessDenied | ErrorKind::NotFound => skipped(part, &err),
        _ => Err(err),
    }
}

/// A stream holding just `err`.
pub(crate) fn failed<T: Send + 'static>(err: Error) -> BoxStream<'static, Result<T>> {
    stream::once(async move { Err(err) }).boxed()
}

fn check_segments(segments: i32) -> Result<()> {
    if !(1..=10).contains(&segments) {
        return Err(Error::invalid("segments", "Glue allows 1 to 10 segments"));
    }
    Ok(())
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
        page_items(
            pages(
                self.client
                    .get_databases()
                    .set_catalog_id(self.options.catalog_id.clone())
                    .into_paginator()
                    .send(),
            ),
            move |p| {
                p.database_list
                    .into_iter()
                    .filter(|d| ctx.options.databases.matches(&d.name))
                    .collect()
            },
            |e| Err(Error::from_sdk(e, "glue:GetDatabases")),
        )
    }

    /// `per_db(ctx, database)` for every database passing the filter, `concurrency` databases
    /// at a time; a failed database listing is an error of the scan.
    pub(crate) fn per_database<R: Send + 'static>(
        self: &Arc<Self>,
        per_db: impl Fn(Arc<Ctx>, aws_sdk_glue::types::Database) -> BoxStream<'static, Result<R>>
            + Send
            + 'static,
    ) -> BoxStream<'static, Result<R>> {
        let ctx = self.clone();
        self.databases()
            .flat_map_unordered(Some(self.options.concurrency), move |db| match db {
                Ok(db) => per_db(ctx.clone(), db),
                Err(e) => failed(e),
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
        let req = self
            .client
            .get_tables()
            .set_catalog_id(self.options.catalog_id.clone())
            .database_name(&database);
        page_items(
            pages(req.into_paginator().send()),
            move |p| {
                p.table_list
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|t| ctx.options.tables.matches(&t.name))
                    .filter(
                        |t| match (&since, t.update_time.as_ref().or(t.create_time.as_ref())) {
                            (Some(since), Some(updated)) => updated >= since,
                            _ => true,
                        },
                    )
                    .map(ScanItem::Record)
                    .collect()
            },
            // A database that vanished or is denied is skipped; the scan goes on.
            move |e| {
                let err = Error::from_sdk(e, "glue:GetTables").with_resource(database.clone());
                skipped(format!("glue:GetTables database={database}"), &err)
            },
        )
    }
}

/// A scanner struct holding the shared context, with a `new(conn, options)` constructor.
macro_rules! catalog_scanner {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            ctx: Arc<Ctx>,
        }

        impl $name {
            /// A scanner over `conn` with `options` (database and table filters, catalog id,
            /// concurrency, incremental cut-off, as they apply).
            pub fn new(conn: &Connection, options: CatalogOptions) -> Result<Self> {
                Ok($name {
                    ctx: Ctx::new(conn, options)?,
                })
            }
        }
    };
}

catalog_scanner!(
    /// Scans Glue databases.
    DatabaseScanner
);

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
        &[actions::glue::GET_DATABASES, actions::glue::GET_TABLES]
    }
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<TableRecord>>> {
        self.ctx.per_database(|ctx, db| {
            let c2 = ctx.clone();
            ctx.tables(db.name.clone())
                .map(move |t| {
                    t.map(|item| match item {
                        ScanItem::Record(t) => ScanItem::Record(TableRecord::new(
                            &c2.account_id,
                            &c2.region,
                            &db.name,
                            &t,
                        )),
                        ScanItem::Skipped(s) => ScanItem::Skipped(s),
                    })
                })
                .boxed()
        })
    }
}

/// Scans the partitions of one table with Glue's parallel segments and without column schemas.
/// A denied or missing table comes out as [`ScanItem::Skipped`] items with the reason (one per
/// segment), not as an error, as any part of a scan does.
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
        check_segments(segments)?;
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

/// The partitions of `db.table`, read in `total` parallel segments; a denied or vanished table
/// is a skipped part (one per segment), as everywhere in a scan, not an error.
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
            let resource = format!("{db}.{table}");
            page_items(
                pages(req.into_paginator().send()),
                move |p| {
                    p.partitions
                        .unwrap_or_default()
                        .iter()
                        .map(|p| {
                            ScanItem::Record(PartitionRecord::new(
                                &ctx.account_id,
                                &ctx.region,
                                &db,
                                &table,
                                p,
                            ))
                        })
                        .collect()
                },
                move |e| {
                    let err =
                        Error::from_sdk(e, "glue:GetPartitions").with_resource(resource.clone());
                    let part = if total > 1 {
                        format!("glue:GetPartitions table={resource} segment={n}/{total}")
                    } else {
                        format!("glue:GetPartitions table={resource}")
                    };
                    skip_or_fail(part, err)
                },
            )
        })
        .boxed()
}

/// Scans the partitions of every partitioned table of the matching databases and tables,
/// `concurrency` tables at a time, each with `segments` parallel segments (so at most
/// `concurrency * segments` GetPartitions requests in flight).
#[derive(Debug, Clone)]
pub struct CatalogPartitionScanner {
    ctx: Arc<Ctx>,
    segments: i32,
}

impl CatalogPartitionScanner {
    /// A scanner over `conn` with `options`, `segments` (1..=10) per table.
    pub fn new(conn: &Connection, options: CatalogOptions, segments: i32) -> Result<Self> {
        check_segments(segments)?;
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
        // The partitioned tables of `concurrency` databases at a time, flattened into one
        // stream, then `concurrency` tables read at a time: at most `concurrency` GetTables and
        // `concurrency * segments` GetPartitions in flight, not their product.
        let (segments, ctx) = (self.segments, self.ctx.clone());
        let tables = self.ctx.per_database(move |ctx, db| {
            let name = db.name;
            ctx.tables(name.clone())
                .filter_map(move |t| {
                    let name = name.clone();
                    async move {
                        match t {
                            Ok(ScanItem::Record(t)) if !t.partition_keys().is_empty() => {
                                Some(Ok(ScanItem::Record((name, t.name))))
                            }
                            Ok(ScanItem::Record(_)) => None,
                            Ok(ScanItem::Skipped(s)) => Some(Ok(ScanItem::Skipped(s))),
                            Err(e) => Some(Err(e)),
                        }
                    }
                })
                .boxed()
        });
        tables
            .flat_map_unordered(Some(ctx.options.concurrency), move |t| match t {
                Ok(ScanItem::Record((db, table))) => partitions(ctx.clone(), db, table, segments),
                Ok(ScanItem::Skipped(s)) => stream::iter([Ok(ScanItem::Skipped(s))]).boxed(),
                Err(e) => failed(e),
            })
            .boxed()
    }
}

/// Scans the versions of one table. A denied or missing table comes out as one
/// [`ScanItem::Skipped`] with the reason, not as an error.
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
        let (ctx, db) = (self.ctx.clone(), self.database.clone());
        let resource = format!("{db}.{}", self.table);
        let req = ctx
            .client
            .get_table_versions()
            .set_catalog_id(ctx.options.catalog_id.clone())
            .database_name(&db)
            .table_name(&self.table);
        page_items(
            pages(req.into_paginator().send()),
            move |p| {
                p.table_versions
                    .unwrap_or_default()
                    .iter()
                    .map(|v| {
                        ScanItem::Record(TableVersionRecord {
                            version_id: v.version_id.clone(),
                            table: v
                                .table
                                .as_ref()
                                .map(|t| TableRecord::new(&ctx.account_id, &ctx.region, &db, t)),
                        })
                    })
                    .collect()
            },
            move |e| {
                let err =
                    Error::from_sdk(e, "glue:GetTableVersions").with_resource(resource.clone());
                skip_or_fail(format!("glue:GetTableVersions table={resource}"), err)
            },
        )
    }
}

catalog_scanner!(
    /// Scans the user-defined functions of every matching database.
    UdfScanner
);

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
        self.ctx.per_database(|ctx, db| {
            let name = db.name;
            let req = ctx
                .client
                .get_user_defined_functions()
                .set_catalog_id(ctx.options.catalog_id.clone())
                .database_name(&name)
                .pattern("*");
            let n2 = name.clone();
            page_items(
                pages(req.into_paginator().send()),
                move |p| {
                    p.user_defined_functions
                        .unwrap_or_default()
                        .iter()
                        .map(|f| {
                            ScanItem::Record(UdfRecord {
                                account_id: ctx.account_id.clone(),
                                region: ctx.region.clone(),
                                database: f.database_name.clone().unwrap_or_else(|| n2.clone()),
                                name: f.function_name.clone(),
                                class_name: f.class_name.clone(),
                                owner: f.owner_name.clone(),
                                resource_uris: f
                                    .resource_uris()
                                    .iter()
                                    .filter_map(|r| r.uri.clone())
                                    .collect(),
                                create_time: crate::records::time(f.create_time.as_ref()),
                            })
                        })
                        .collect()
                },
                // A database that vanished or is denied is skipped; the scan goes on.
                move |e| {
                    let err = Error::from_sdk(e, "glue:GetUserDefinedFunctions")
                        .with_resource(name.clone());
                    skipped(
                        format!("glue:GetUserDefinedFunctions database={name}"),
                        &err,
                    )
                },
            )
        })
    }
}
