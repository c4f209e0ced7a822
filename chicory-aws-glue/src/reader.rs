//! The catalog reader every Glue scanner shares: one client, the scan's options, and lazy
//! listings of catalogs, databases and tables (following resource links when asked).

use crate::client::unchecked_glue_client;
use crate::iceberg::S3Clients;
use crate::options::{CatalogOptions, Catalogs};
use aws_smithy_types::DateTime;
use chicory_aws_core::scan::{paged, single, Page, PageRetry, Part, ScanStream, ScanStreamExt};
use chicory_aws_core::{actions, Action, Concurrency, Connection, Error, Result, ScanItem};
use futures::stream::{self, StreamExt};
use std::sync::Arc;

#[derive(Debug)]
pub(crate) struct CatalogReader {
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
pub(crate) struct DatabaseSource {
    pub(crate) catalog: Option<String>,
    pub(crate) name: String,
    pub(crate) via_link: Option<String>,
}

impl DatabaseSource {
    /// The part reading this database with `action`: `database=sales`,
    /// `catalog=... database=sales`, or `link=shared target=...:sales`, each key kept in its
    /// errors' context.
    pub(crate) fn part(&self, action: Action) -> Part {
        let part = Part::new(action, "");
        match (&self.via_link, &self.catalog) {
            (Some(link), c) => part.with("link", link.clone()).with(
                "target",
                format!("{}:{}", c.as_deref().unwrap_or("?"), self.name),
            ),
            (None, Some(c)) => part
                .with("catalog", c.clone())
                .with("database", self.name.clone()),
            (None, None) => part.with("database", self.name.clone()),
        }
    }

    /// The part reading `table` of this database with `action`.
    pub(crate) fn table_part(&self, action: Action, table: &str) -> Part {
        let part = Part::new(action, "");
        match (&self.via_link, &self.catalog) {
            (Some(link), c) => part.with("link", link.clone()).with(
                "target",
                format!("{}:{}.{table}", c.as_deref().unwrap_or("?"), self.name),
            ),
            (None, Some(c)) => part
                .with("catalog", c.clone())
                .with("table", format!("{}.{table}", self.name)),
            (None, None) => part.with("table", format!("{}.{table}", self.name)),
        }
    }
}

impl CatalogReader {
    pub(crate) fn new(conn: &Connection, options: CatalogOptions) -> Result<Arc<Self>> {
        options.validate()?;
        Ok(Arc::new(CatalogReader {
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
        let part = Part::new(actions::glue::GET_DATABASES, "");
        let part = match &catalog {
            Some(c) => part.with("catalog", c.clone()),
            None => part,
        };
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
    ) -> Option<DatabaseSource> {
        match &d.target_database {
            None => Some(DatabaseSource {
                catalog,
                name: d.name.clone(),
                via_link: None,
            }),
            Some(t) if self.follows(t.catalog_id.as_deref()) => Some(DatabaseSource {
                catalog: t.catalog_id.clone(),
                name: t.database_name.clone()?,
                via_link: Some(d.name.clone()),
            }),
            Some(_) => None,
        }
    }

    /// `per_db(ctx, database)` for every database whose tables are scanned (see
    /// [`CatalogReader::table_source`]), `concurrency` databases at a time.
    pub(crate) fn per_database<R: Send + 'static>(
        self: &Arc<Self>,
        per_db: impl Fn(Arc<CatalogReader>, DatabaseSource) -> ScanStream<R> + Send + 'static,
    ) -> ScanStream<R> {
        let (ctx, lister) = (self.clone(), self.clone());
        self.databases()
            .filter_map_records(move |(catalog, d)| lister.table_source(catalog, &d))
            .flat_map_records(self.concurrency, move |db| per_db(ctx.clone(), db))
    }

    /// Tables of `db` passing the filter and the incremental cut-off, lazily. With links
    /// followed, a table link is replaced by its target (read with GetTable; a target that is
    /// gone or denied is a skipped part naming the link).
    pub(crate) fn tables(
        self: &Arc<Self>,
        db: DatabaseSource,
    ) -> ScanStream<(DatabaseSource, aws_sdk_glue::types::Table)> {
        let ctx = self.clone();
        let since = self.options.updated_since.map(DateTime::from);
        let part = db.part(actions::glue::GET_TABLES);
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
                let list = p.table_list.unwrap_or_default();
                // Sized once: a Glue table is large to move, and a filtered iterator would
                // grow the vector by copying it.
                let mut tables = Vec::with_capacity(list.len());
                tables.extend(
                    list.into_iter()
                        .filter(|t| ctx.options.tables.matches(&t.name))
                        .filter(|t| {
                            match (&since, t.update_time.as_ref().or(t.create_time.as_ref())) {
                                (Some(since), Some(updated)) => updated >= since,
                                _ => true,
                            }
                        })
                        .map(|mut t| {
                            t.catalog_id = db.catalog.clone().or(t.catalog_id);
                            (db.clone(), t)
                        }),
                );
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
        link_db: &DatabaseSource,
        link: &str,
        target: &aws_sdk_glue::types::TableIdentifier,
    ) -> ScanStream<(DatabaseSource, aws_sdk_glue::types::Table)> {
        let database = target.database_name.clone().expect("checked by the caller");
        let name = target.name.clone().expect("checked by the caller");
        let db = DatabaseSource {
            catalog: target.catalog_id.clone(),
            name: database,
            via_link: Some(format!("{}.{link}", link_db.name)),
        };
        let part = db.table_part(actions::glue::GET_TABLE, &name);
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

impl CatalogReader {
    /// `database` in the one catalog a single-table scanner reads: the default one, or the
    /// one catalog id named.
    pub(crate) fn one_catalog(&self, database: String) -> Result<DatabaseSource> {
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
        Ok(DatabaseSource {
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
            ctx: Arc<CatalogReader>,
        }

        impl $name {
            /// A scanner over `conn` with `options` (database and table filters, catalog id,
            /// concurrency, incremental cut-off, as they apply).
            pub fn new(conn: &Connection, options: CatalogOptions) -> Result<Self> {
                Ok($name {
                    ctx: CatalogReader::new(conn, options)?,
                })
            }
        }
    };
}
pub(crate) use catalog_scanner;

impl CatalogReader {
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
