//! Glue Data Catalog scanners: databases, tables, partitions, table versions, UDFs.

use crate::glue_client;
use crate::records::{DatabaseRecord, PartitionRecord, TableRecord, TableVersionRecord, UdfRecord};
use aws_sdk_glue::types::Segment;
use aws_smithy_types::DateTime;
use chicory_aws_core::scan::{paged, walk, Page, PageRetry, Part, ScanStream, ScanStreamExt, Step};
use chicory_aws_core::{
    actions, Action, Concurrency, Connection, Error, Result, ScanItem, Scanner,
};
use futures::stream::{self, StreamExt};
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
        Concurrency::new("concurrency", self.concurrency)?;
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
    pub(crate) concurrency: Concurrency,
    pub(crate) retry: PageRetry,
}

impl Ctx {
    pub(crate) fn new(conn: &Connection, options: CatalogOptions) -> Result<Arc<Self>> {
        options.validate()?;
        Ok(Arc::new(Ctx {
            client: glue_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
            concurrency: Concurrency::new("concurrency", options.concurrency)?,
            retry: conn.page_retry(),
            options,
        }))
    }

    /// Databases passing the filter, lazily.
    pub(crate) fn databases(self: &Arc<Self>) -> ScanStream<aws_sdk_glue::types::Database> {
        let ctx = self.clone();
        let part = Part::new(actions::glue::GET_DATABASES, self.catalog_resource());
        paged(part, self.retry, move |token| {
            let req = ctx
                .client
                .get_databases()
                .set_catalog_id(ctx.options.catalog_id.clone())
                .set_next_token(token);
            let ctx = ctx.clone();
            async move {
                let p = req.send().await?;
                let dbs = p
                    .database_list
                    .into_iter()
                    .filter(|d| ctx.options.databases.matches(&d.name))
                    .collect();
                Ok::<_, GlueError<_>>(Page::new(dbs, p.next_token))
            }
        })
    }

    fn catalog_resource(&self) -> String {
        self.options
            .catalog_id
            .as_ref()
            .map(|c| format!("catalog={c}"))
            .unwrap_or_default()
    }

    /// `per_db(ctx, database)` for every database passing the filter, `concurrency` databases
    /// at a time.
    pub(crate) fn per_database<R: Send + 'static>(
        self: &Arc<Self>,
        per_db: impl Fn(Arc<Ctx>, aws_sdk_glue::types::Database) -> ScanStream<R> + Send + 'static,
    ) -> ScanStream<R> {
        let ctx = self.clone();
        self.databases()
            .flat_map_records(self.concurrency, move |db| per_db(ctx.clone(), db))
    }

    /// Tables of `database` passing the filter and the incremental cut-off, lazily.
    pub(crate) fn tables(
        self: &Arc<Self>,
        database: String,
    ) -> ScanStream<aws_sdk_glue::types::Table> {
        let ctx = self.clone();
        let since = self.options.updated_since.map(DateTime::from);
        let part = Part::new(actions::glue::GET_TABLES, format!("database={database}"));
        paged(part, self.retry, move |token| {
            let req = ctx
                .client
                .get_tables()
                .set_catalog_id(ctx.options.catalog_id.clone())
                .database_name(&database)
                .set_next_token(token);
            let ctx = ctx.clone();
            async move {
                let p = req.send().await?;
                let tables = p
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
                    .collect();
                Ok::<_, GlueError<_>>(Page::new(tables, p.next_token))
            }
        })
    }
}

/// An SDK error of a Glue call.
pub(crate) type GlueError<E> =
    aws_sdk_glue::error::SdkError<E, aws_sdk_glue::config::http::HttpResponse>;

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
    fn scan(&self) -> ScanStream<DatabaseRecord> {
        let ctx = self.ctx.clone();
        self.ctx
            .databases()
            .map_records(move |d| DatabaseRecord::new(&ctx.account_id, &ctx.region, &d))
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
    fn scan(&self) -> ScanStream<TableRecord> {
        self.ctx.per_database(|ctx, db| {
            let records = ctx.clone();
            ctx.tables(db.name.clone()).map_records(move |t| {
                TableRecord::new(&records.account_id, &records.region, &db.name, &t)
            })
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
    ctx: Arc<Ctx>,
    db: String,
    table: String,
    total: i32,
) -> ScanStream<PartitionRecord> {
    stream::iter(0..total)
        .flat_map_unordered(Some(total as usize), move |n| {
            let resource = if total > 1 {
                format!("table={db}.{table} segment={n}/{total}")
            } else {
                format!("table={db}.{table}")
            };
            let part = Part::new(actions::glue::GET_PARTITIONS, resource);
            let (ctx, db, table) = (ctx.clone(), db.clone(), table.clone());
            paged(part, ctx.retry, move |token| {
                let mut req = ctx
                    .client
                    .get_partitions()
                    .set_catalog_id(ctx.options.catalog_id.clone())
                    .database_name(&db)
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
                        .map(|p| PartitionRecord::new(&ctx.account_id, &ctx.region, &db, &table, p))
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
    fn scan(&self) -> ScanStream<PartitionRecord> {
        // The partitioned tables of `concurrency` databases at a time, flattened into one
        // stream, then `concurrency` tables read at a time: at most `concurrency` GetTables and
        // `concurrency * segments` GetPartitions in flight, not their product.
        let (segments, ctx) = (self.segments, self.ctx.clone());
        self.ctx
            .per_database(move |ctx, db| {
                let name = db.name;
                ctx.tables(name.clone()).filter_map_records(move |t| {
                    (!t.partition_keys().is_empty()).then(|| (name.clone(), t.name))
                })
            })
            .flat_map_records(self.ctx.concurrency, move |(db, table)| {
                partitions(ctx.clone(), db, table, segments)
            })
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
    fn scan(&self) -> ScanStream<TableVersionRecord> {
        let (ctx, db, table) = (self.ctx.clone(), self.database.clone(), self.table.clone());
        let part = Part::new(
            actions::glue::GET_TABLE_VERSIONS,
            format!("table={db}.{table}"),
        );
        paged(part, ctx.retry, move |token| {
            let req = ctx
                .client
                .get_table_versions()
                .set_catalog_id(ctx.options.catalog_id.clone())
                .database_name(&db)
                .table_name(&table)
                .set_next_token(token);
            let (ctx, db) = (ctx.clone(), db.clone());
            async move {
                let p = req.send().await?;
                let versions = p
                    .table_versions
                    .unwrap_or_default()
                    .iter()
                    .map(|v| TableVersionRecord {
                        version_id: v.version_id.clone(),
                        table: v
                            .table
                            .as_ref()
                            .map(|t| TableRecord::new(&ctx.account_id, &ctx.region, &db, t)),
                    })
                    .collect();
                Ok::<_, GlueError<_>>(Page::new(versions, p.next_token))
            }
        })
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
    fn scan(&self) -> ScanStream<UdfRecord> {
        self.ctx.per_database(|ctx, db| {
            let name = db.name;
            let part = Part::new(
                actions::glue::GET_USER_DEFINED_FUNCTIONS,
                format!("database={name}"),
            );
            paged(part, ctx.retry, move |token| {
                let req = ctx
                    .client
                    .get_user_defined_functions()
                    .set_catalog_id(ctx.options.catalog_id.clone())
                    .database_name(&name)
                    .pattern("*")
                    .set_next_token(token);
                let (ctx, name) = (ctx.clone(), name.clone());
                async move {
                    let p = req.send().await?;
                    let udfs = p
                        .user_defined_functions
                        .unwrap_or_default()
                        .iter()
                        .map(|f| UdfRecord {
                            account_id: ctx.account_id.clone(),
                            region: ctx.region.clone(),
                            database: f.database_name.clone().unwrap_or_else(|| name.clone()),
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
                        .collect();
                    Ok::<_, GlueError<_>>(Page::new(udfs, p.next_token))
                }
            })
        })
    }
}

/// One record of a [`CatalogScanner`]: a database, a table or a partition (each serializes
/// with its own `kind`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum CatalogRecord {
    /// A database.
    Database(DatabaseRecord),
    /// A table (boxed: much larger than the other kinds).
    Table(Box<TableRecord>),
    /// A partition.
    Partition(PartitionRecord),
}

/// Scans databases, their tables and the tables' partitions in one pass, listing each database
/// and table once: a table is emitted before its partitions, and a partition only with its
/// table, so the output never holds partitions of a table it does not hold.
///
/// At most `concurrency` listings (GetDatabases, one database's GetTables, or one table's
/// partitions in `segments` parallel segments) are open at once, at any depth.
#[derive(Debug, Clone)]
pub struct CatalogScanner {
    ctx: Arc<Ctx>,
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
            ctx: Ctx::new(conn, options)?,
            segments,
        })
    }
}

enum CatalogNode {
    Root,
    Database(String),
    Table(String, String),
}

impl Scanner for CatalogScanner {
    type Record = CatalogRecord;
    fn name(&self) -> &'static str {
        "glue_catalog"
    }
    fn actions(&self) -> &'static [Action] {
        match self.segments {
            Some(_) => &[
                actions::glue::GET_DATABASES,
                actions::glue::GET_TABLES,
                actions::glue::GET_PARTITIONS,
            ],
            None => &[actions::glue::GET_DATABASES, actions::glue::GET_TABLES],
        }
    }
    fn scan(&self) -> ScanStream<CatalogRecord> {
        let (ctx, segments) = (self.ctx.clone(), self.segments);
        let one = Concurrency::new("concurrency", 1).expect("1 is valid");
        walk(vec![CatalogNode::Root], self.ctx.concurrency, move |node| {
            let ctx = ctx.clone();
            match node {
                CatalogNode::Root => ctx.databases().flat_map_records(one, move |d| {
                    let rec = DatabaseRecord::new(&ctx.account_id, &ctx.region, &d);
                    stream::iter([
                        Ok(ScanItem::Record(Step::Record(CatalogRecord::Database(rec)))),
                        Ok(ScanItem::Record(Step::Visit(CatalogNode::Database(d.name)))),
                    ])
                    .boxed()
                }),
                CatalogNode::Database(db) => {
                    let name = db.clone();
                    ctx.tables(db).flat_map_records(one, move |t| {
                        let rec = TableRecord::new(&ctx.account_id, &ctx.region, &name, &t);
                        let mut items = vec![Ok(ScanItem::Record(Step::Record(
                            CatalogRecord::Table(Box::new(rec)),
                        )))];
                        if segments.is_some() && !t.partition_keys().is_empty() {
                            items.push(Ok(ScanItem::Record(Step::Visit(CatalogNode::Table(
                                name.clone(),
                                t.name,
                            )))));
                        }
                        stream::iter(items).boxed()
                    })
                }
                CatalogNode::Table(db, table) => partitions(ctx, db, table, segments.unwrap_or(1))
                    .map_records(|p| Step::Record(CatalogRecord::Partition(p))),
            }
        })
    }
}
