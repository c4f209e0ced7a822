//! Glue Data Catalog scanners: databases, tables, partitions, table versions, UDFs.

use crate::iceberg::{enriched, S3Clients};
use crate::records::{
    DatabaseRecord, GlueCatalogRecord, PartitionRecord, TableRecord, TableVersionRecord, UdfRecord,
};
use crate::unchecked_glue_client;
use aws_sdk_glue::types::Segment;
use aws_smithy_types::DateTime;
use chicory_aws_core::scan::{
    paged, single, walk, Page, PageRetry, Part, ScanStream, ScanStreamExt, Step,
};
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

/// Which Glue catalogs a scan reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Catalogs {
    /// The account's default catalog (requests carry no `CatalogId`).
    #[default]
    Default,
    /// These catalogs, by id: an account id (`123456789012`, another account's catalog shared
    /// with this one) or a multi-catalog id (`123456789012:s3tablescatalog/bucket`).
    Ids(Vec<String>),
    /// Every catalog `GetCatalogs` lists, recursively, with the default one: federated
    /// catalogs, S3 Tables catalogs and their children, Redshift-managed catalogs. Needs
    /// `glue:GetCatalogs` (the `LibraryGlueMultiCatalogRead` statement of the policy crate).
    All,
}

/// Options shared by the Glue catalog scanners.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CatalogOptions {
    /// Which catalogs to scan; default: the account's default catalog.
    pub catalogs: Catalogs,
    /// Which databases to scan.
    pub databases: NameFilter,
    /// Which tables to scan.
    pub tables: NameFilter,
    /// How many databases are scanned at once (1..=64).
    pub concurrency: usize,
    /// Incremental mode: skip tables whose update time is older than this instant.
    pub updated_since: Option<SystemTime>,
    /// Follow resource links into the catalogs they point to (another account's, shared
    /// through Lake Formation): a database link's tables and a table link's target are read
    /// there and emitted with that catalog's id. A link whose target is gone or denied is a
    /// skipped part naming the link. Links into a catalog the scan reads anyway (the
    /// connection's own account, or one of [`Catalogs::Ids`]) are not followed, so nothing is
    /// emitted twice. Default: off (a link is emitted as a record naming its target).
    pub follow_links: bool,
    /// Read each Iceberg table's current metadata file from S3 (one `s3:GetObject` per Iceberg
    /// table, at most [`MAX_METADATA_BYTES`](crate::MAX_METADATA_BYTES)) for its own schema and
    /// partition spec, compared with Glue's columns (`iceberg.schema`, `partition_spec`,
    /// `matches_glue`). Table and catalog scanners only. Default: off.
    pub read_iceberg_metadata: bool,
}

impl Default for CatalogOptions {
    fn default() -> Self {
        CatalogOptions {
            catalogs: Catalogs::Default,
            databases: NameFilter::default(),
            tables: NameFilter::default(),
            concurrency: 8,
            updated_since: None,
            follow_links: false,
            read_iceberg_metadata: false,
        }
    }
}

impl CatalogOptions {
    /// Scans the catalog `id` (added to the catalogs already named).
    pub fn catalog_id(mut self, id: impl Into<String>) -> Self {
        match &mut self.catalogs {
            Catalogs::Ids(ids) => ids.push(id.into()),
            _ => self.catalogs = Catalogs::Ids(vec![id.into()]),
        }
        self
    }
    /// Scans every catalog of the account ([`Catalogs::All`]).
    pub fn all_catalogs(mut self) -> Self {
        self.catalogs = Catalogs::All;
        self
    }
    /// Follows resource links (see [`CatalogOptions::follow_links`]).
    pub fn follow_links(mut self, on: bool) -> Self {
        self.follow_links = on;
        self
    }
    /// Reads Iceberg tables' metadata files (see [`CatalogOptions::read_iceberg_metadata`]).
    pub fn read_iceberg_metadata(mut self, on: bool) -> Self {
        self.read_iceberg_metadata = on;
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
        if let Catalogs::Ids(ids) = &self.catalogs {
            if ids.is_empty() {
                return Err(Error::invalid(
                    "catalog_id",
                    "name at least one catalog, or use Catalogs::Default",
                ));
            }
            for id in ids {
                check_catalog_id(id)?;
            }
        }
        self.databases.validate("databases")?;
        self.tables.validate("tables")
    }
}

/// A Glue catalog id: a 12-digit account id, optionally followed by `:` and a catalog path of
/// `/`-separated names (`123456789012:s3tablescatalog/bucket`).
pub(crate) fn check_catalog_id(id: &str) -> Result<()> {
    let (account, path) = match id.split_once(':') {
        Some((a, p)) => (a, Some(p)),
        None => (id, None),
    };
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    let path_ok = path.is_none_or(|p| {
        p.len() <= 240
            && p.split('/').all(|seg| {
                !seg.is_empty()
                    && seg
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            })
    });
    if !account_ok || !path_ok {
        return Err(Error::invalid(
            "catalog_id",
            "must be a 12-digit account id, optionally followed by `:` and a catalog path \
             (e.g. `123456789012:s3tablescatalog/my-bucket`)",
        ));
    }
    Ok(())
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
    /// S3 clients, with `read_iceberg_metadata`.
    pub(crate) s3: Option<Arc<S3Clients>>,
}

/// A database whose tables a scan lists: the catalog to ask (`None`: the default catalog,
/// asked without `CatalogId`), its name there, and the resource link it was reached through.
#[derive(Debug, Clone)]
pub(crate) struct Db {
    pub(crate) catalog: Option<String>,
    pub(crate) name: String,
    pub(crate) via_link: Option<String>,
}

impl Db {
    /// How a part reading this database is named: `database=sales`,
    /// `catalog=... database=sales`, or `link=shared target=...:sales`.
    pub(crate) fn resource(&self) -> String {
        match (&self.via_link, &self.catalog) {
            (Some(link), c) => format!(
                "link={link} target={}:{}",
                c.as_deref().unwrap_or("?"),
                self.name
            ),
            (None, Some(c)) => format!("catalog={c} database={}", self.name),
            (None, None) => format!("database={}", self.name),
        }
    }

    /// The part naming `table` of this database.
    pub(crate) fn table_resource(&self, table: &str) -> String {
        match (&self.via_link, &self.catalog) {
            (Some(link), c) => format!(
                "link={link} target={}:{}.{table}",
                c.as_deref().unwrap_or("?"),
                self.name
            ),
            (None, Some(c)) => format!("catalog={c} table={}.{table}", self.name),
            (None, None) => format!("table={}.{table}", self.name),
        }
    }
}

impl Ctx {
    pub(crate) fn new(conn: &Connection, options: CatalogOptions) -> Result<Arc<Self>> {
        options.validate()?;
        Ok(Arc::new(Ctx {
            client: unchecked_glue_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
            concurrency: Concurrency::new("concurrency", options.concurrency)?,
            retry: conn.page_retry(),
            s3: options
                .read_iceberg_metadata
                .then(|| Arc::new(S3Clients::new(conn))),
            options,
        }))
    }

    /// Every catalog of the account (`GetCatalogs`, recursive, with the default catalog); with
    /// `has_databases`, only those that can hold databases (not containers of catalogs such as
    /// `s3tablescatalog`).
    pub(crate) fn catalog_list(
        self: &Arc<Self>,
        has_databases: bool,
    ) -> ScanStream<aws_sdk_glue::types::Catalog> {
        let ctx = self.clone();
        let part = Part::new(actions::glue::GET_CATALOGS, "");
        paged(part, self.retry, move |token| {
            let req = ctx
                .client
                .get_catalogs()
                .recursive(true)
                .include_root(true)
                .set_has_databases(has_databases.then_some(true))
                .set_next_token(token);
            async move {
                let p = req.send().await?;
                Ok::<_, GlueError<_>>(Page::new(p.catalog_list, p.next_token))
            }
        })
    }

    /// The catalogs the options select, each with the `CatalogId` to send (`None`: the default
    /// catalog); with [`Catalogs::All`], each catalog's record too.
    pub(crate) fn catalogs(
        self: &Arc<Self>,
    ) -> ScanStream<(Option<String>, Option<aws_sdk_glue::types::Catalog>)> {
        match &self.options.catalogs {
            Catalogs::Default => stream::iter([Ok(ScanItem::Record((None, None)))]).boxed(),
            Catalogs::Ids(ids) => stream::iter(
                ids.iter()
                    .map(|id| Ok(ScanItem::Record((Some(id.clone()), None))))
                    .collect::<Vec<_>>(),
            )
            .boxed(),
            Catalogs::All => self
                .catalog_list(true)
                .filter_map_records(|c| c.catalog_id.clone().map(|id| (Some(id), Some(c)))),
        }
    }

    /// The databases of `catalog` passing the filter, lazily; each database's `catalog_id` is
    /// the catalog it was listed from (the id to ask again with: Glue answers the account id
    /// for a child catalog such as `123456789012:s3tablescatalog/bucket`), or the answer's
    /// for the default catalog.
    pub(crate) fn databases_in(
        self: &Arc<Self>,
        catalog: Option<String>,
    ) -> ScanStream<aws_sdk_glue::types::Database> {
        let ctx = self.clone();
        let resource = catalog
            .as_ref()
            .map(|c| format!("catalog={c}"))
            .unwrap_or_default();
        let part = Part::new(actions::glue::GET_DATABASES, resource);
        paged(part, self.retry, move |token| {
            let req = ctx
                .client
                .get_databases()
                .set_catalog_id(catalog.clone())
                .set_next_token(token);
            let (ctx, catalog) = (ctx.clone(), catalog.clone());
            async move {
                let p = req.send().await?;
                let dbs = p
                    .database_list
                    .into_iter()
                    .filter(|d| ctx.options.databases.matches(&d.name))
                    .map(|mut d| {
                        d.catalog_id = catalog.clone().or(d.catalog_id);
                        d
                    })
                    .collect();
                Ok::<_, GlueError<_>>(Page::new(dbs, p.next_token))
            }
        })
    }

    /// The databases of every selected catalog passing the filter, lazily, with the catalog
    /// to ask about their tables.
    pub(crate) fn databases(
        self: &Arc<Self>,
    ) -> ScanStream<(Option<String>, aws_sdk_glue::types::Database)> {
        let (ctx, one) = (self.clone(), one());
        self.catalogs().flat_map_records(one, move |(catalog, _)| {
            let request = catalog.clone();
            ctx.databases_in(catalog)
                .map_records(move |d| (request.clone(), d))
        })
    }

    /// Whether a link into `catalog` is followed: only when asked, and only into a catalog
    /// the scan does not read anyway.
    pub(crate) fn follows(&self, catalog: Option<&str>) -> bool {
        let Some(catalog) = catalog else {
            return false;
        };
        self.options.follow_links
            && catalog != self.account_id
            && !matches!(&self.options.catalogs, Catalogs::Ids(ids) if ids.iter().any(|i| i == catalog))
    }

    /// Where the tables of a listed database are: the database itself, or a link's target
    /// when links are followed; `None` for a link that is not followed.
    pub(crate) fn table_source(
        &self,
        catalog: Option<String>,
        d: &aws_sdk_glue::types::Database,
    ) -> Option<Db> {
        match &d.target_database {
            None => Some(Db {
                catalog,
                name: d.name.clone(),
                via_link: None,
            }),
            Some(t) if self.follows(t.catalog_id.as_deref()) => Some(Db {
                catalog: t.catalog_id.clone(),
                name: t.database_name.clone()?,
                via_link: Some(d.name.clone()),
            }),
            Some(_) => None,
        }
    }

    /// `per_db(ctx, database)` for every database whose tables are scanned (see
    /// [`Ctx::table_source`]), `concurrency` databases at a time.
    pub(crate) fn per_database<R: Send + 'static>(
        self: &Arc<Self>,
        per_db: impl Fn(Arc<Ctx>, Db) -> ScanStream<R> + Send + 'static,
    ) -> ScanStream<R> {
        let (ctx, lister) = (self.clone(), self.clone());
        self.databases()
            .filter_map_records(move |(catalog, d)| lister.table_source(catalog, &d))
            .flat_map_records(self.concurrency, move |db| per_db(ctx.clone(), db))
    }

    /// Tables of `db` passing the filter and the incremental cut-off, lazily. With links
    /// followed, a table link is replaced by its target (read with GetTable; a target that is
    /// gone or denied is a skipped part naming the link).
    pub(crate) fn tables(self: &Arc<Self>, db: Db) -> ScanStream<(Db, aws_sdk_glue::types::Table)> {
        let ctx = self.clone();
        let since = self.options.updated_since.map(DateTime::from);
        let part = Part::new(actions::glue::GET_TABLES, db.resource());
        let listed = paged(part, self.retry, move |token| {
            let req = ctx
                .client
                .get_tables()
                .set_catalog_id(db.catalog.clone())
                .database_name(&db.name)
                .set_next_token(token);
            let (ctx, db) = (ctx.clone(), db.clone());
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
                    .map(|mut t| {
                        t.catalog_id = db.catalog.clone().or(t.catalog_id);
                        (db.clone(), t)
                    })
                    .collect();
                Ok::<_, GlueError<_>>(Page::new(tables, p.next_token))
            }
        });
        if !self.options.follow_links {
            return listed;
        }
        let ctx = self.clone();
        // A link whose target lacks its database or name cannot be followed: it is emitted
        // as the link record, naming what it has.
        listed.flat_map_records(one(), move |(db, t)| match &t.target_table {
            Some(target)
                if ctx.follows(target.catalog_id.as_deref())
                    && target.database_name.is_some()
                    && target.name.is_some() =>
            {
                ctx.linked_table(&db, &t.name, target)
            }
            _ => stream::iter([Ok(ScanItem::Record((db, t)))]).boxed(),
        })
    }

    /// The table a followed link points to (GetTable in the target's catalog).
    fn linked_table(
        self: &Arc<Self>,
        link_db: &Db,
        link: &str,
        target: &aws_sdk_glue::types::TableIdentifier,
    ) -> ScanStream<(Db, aws_sdk_glue::types::Table)> {
        let database = target.database_name.clone().expect("checked by the caller");
        let name = target.name.clone().expect("checked by the caller");
        let db = Db {
            catalog: target.catalog_id.clone(),
            name: database,
            via_link: Some(format!("{}.{link}", link_db.name)),
        };
        let part = Part::new(actions::glue::GET_TABLE, db.table_resource(&name));
        let req = self
            .client
            .get_table()
            .set_catalog_id(db.catalog.clone())
            .database_name(&db.name)
            .name(name);
        single(part, self.retry, move || {
            let (req, db) = (req.clone(), db.clone());
            async move {
                let out = req.send().await?;
                Ok::<_, GlueError<_>>(out.table.map(|mut t| {
                    t.catalog_id = db.catalog.clone().or(t.catalog_id);
                    (db, t)
                }))
            }
        })
        .filter_map_records(|t| t)
    }
}

impl Ctx {
    /// `database` in the one catalog a single-table scanner reads: the default one, or the
    /// one catalog id named.
    pub(crate) fn one_catalog(&self, database: String) -> Result<Db> {
        let catalog =
            match &self.options.catalogs {
                Catalogs::Default => None,
                Catalogs::Ids(ids) if ids.len() == 1 => Some(ids[0].clone()),
                _ => return Err(Error::invalid(
                    "catalogs",
                    "a scanner of one table reads one catalog: name one catalog id, or none for \
                     the default catalog",
                )),
            };
        Ok(Db {
            catalog,
            name: database,
            via_link: None,
        })
    }
}

/// Concurrency 1: in order, one at a time.
pub(crate) fn one() -> Concurrency {
    Concurrency::new("concurrency", 1).expect("1 is valid")
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
        self.ctx.actions(&[actions::glue::GET_DATABASES])
    }
    fn scan(&self) -> ScanStream<DatabaseRecord> {
        let ctx = self.ctx.clone();
        self.ctx
            .databases()
            .map_records(move |(_, d)| DatabaseRecord::new(&ctx.account_id, &ctx.region, &d))
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
        self.ctx
            .actions(&[actions::glue::GET_DATABASES, actions::glue::GET_TABLES])
    }
    fn scan(&self) -> ScanStream<TableRecord> {
        let tables = self.ctx.per_database(|ctx, db| {
            let records = ctx.clone();
            ctx.tables(db).map_records(move |(db, t)| {
                TableRecord::new(&records.account_id, &records.region, &db.name, &t)
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

/// Scans the partitions of one table with Glue's parallel segments and without column schemas.
/// A denied or missing table comes out as [`ScanItem::Skipped`] items with the reason (one per
/// segment), not as an error, as any part of a scan does.
#[derive(Debug, Clone)]
pub struct PartitionScanner {
    ctx: Arc<Ctx>,
    database: Db,
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
        let ctx = Ctx::new(conn, options)?;
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
    ctx: Arc<Ctx>,
    db: Db,
    table: String,
    total: i32,
) -> ScanStream<PartitionRecord> {
    stream::iter(0..total)
        .flat_map_unordered(Some(total as usize), move |n| {
            let resource = if total > 1 {
                format!("{} segment={n}/{total}", db.table_resource(&table))
            } else {
                db.table_resource(&table)
            };
            let part = Part::new(actions::glue::GET_PARTITIONS, resource);
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

/// Scans the versions of one table. A denied or missing table comes out as one
/// [`ScanItem::Skipped`] with the reason, not as an error.
#[derive(Debug, Clone)]
pub struct TableVersionScanner {
    ctx: Arc<Ctx>,
    database: Db,
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
        let ctx = Ctx::new(conn, options)?;
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
        let part = Part::new(actions::glue::GET_TABLE_VERSIONS, db.table_resource(&table));
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
                let versions =
                    p.table_versions
                        .unwrap_or_default()
                        .iter()
                        .map(|v| TableVersionRecord {
                            version_id: v.version_id.clone(),
                            table: v.table.as_ref().map(|t| {
                                TableRecord::new(&ctx.account_id, &ctx.region, &db.name, t)
                            }),
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
        self.ctx.actions(&[
            actions::glue::GET_DATABASES,
            actions::glue::GET_USER_DEFINED_FUNCTIONS,
        ])
    }
    fn scan(&self) -> ScanStream<UdfRecord> {
        self.ctx.per_database(|ctx, db| {
            let part = Part::new(actions::glue::GET_USER_DEFINED_FUNCTIONS, db.resource());
            let (catalog, name) = (db.catalog, db.name);
            paged(part, ctx.retry, move |token| {
                let req = ctx
                    .client
                    .get_user_defined_functions()
                    .set_catalog_id(catalog.clone())
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
    Catalog(Option<String>),
    Database(Db),
    Table(Db, String),
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
                        let rec = TableRecord::new(&ctx.account_id, &ctx.region, &db.name, &t);
                        let mut items = vec![record(CatalogRecord::Table(Box::new(rec)))];
                        if segments.is_some() && !t.partition_keys().is_empty() {
                            items.push(visit(CatalogNode::Table(db, t.name)));
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
    ctx: Arc<Ctx>,
}

impl GlueCatalogScanner {
    /// A scanner over `conn`.
    pub fn new(conn: &Connection) -> Result<Self> {
        Ok(GlueCatalogScanner {
            ctx: Ctx::new(conn, CatalogOptions::default().all_catalogs())?,
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

impl Ctx {
    /// The actions of a scanner over these options: `base`, with `glue:GetCatalogs` when
    /// every catalog is scanned and `glue:GetTable` when links are followed. Each distinct
    /// list is made `'static` once per process.
    pub(crate) fn actions(&self, base: &[Action]) -> &'static [Action] {
        use std::collections::HashMap;
        use std::sync::{Mutex, OnceLock};
        static LISTS: OnceLock<Mutex<HashMap<Vec<Action>, &'static [Action]>>> = OnceLock::new();
        let mut list = Vec::with_capacity(base.len() + 2);
        if self.options.catalogs == Catalogs::All {
            list.push(actions::glue::GET_CATALOGS);
        }
        list.extend_from_slice(base);
        if self.options.follow_links {
            list.push(actions::glue::GET_TABLE);
        }
        if self.options.read_iceberg_metadata {
            list.push(actions::s3::GET_OBJECT);
        }
        let mut lists = LISTS
            .get_or_init(Default::default)
            .lock()
            .expect("not poisoned");
        lists
            .entry(list.clone())
            .or_insert_with(|| Box::leak(list.into_boxed_slice()))
    }
}
