//! What a catalog scan reads ([`CatalogOptions`]: catalogs, name filters, concurrency,
//! incremental cut-off) and the rules of Glue's names and catalog ids.

use chicory_aws_core::{Concurrency, Error, Result};
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

pub(crate) fn check_segments(segments: i32) -> Result<()> {
    if !(1..=10).contains(&segments) {
        return Err(Error::invalid("segments", "Glue allows 1 to 10 segments"));
    }
    Ok(())
}

/// Glue's names (`NameString`): 1 to 255 characters of its single-line string pattern.
pub(crate) fn check_name(field: &'static str, v: &str) -> Result<()> {
    check_text(field, v, 1, 255)
}

/// `min..=max` characters on one line: AWS's single-line string pattern allows tab but no
/// other control character (NUL, newline). The value is not echoed: it may hold them.
pub(crate) fn check_text(field: &'static str, v: &str, min: usize, max: usize) -> Result<()> {
    let chars = v.chars().count();
    if chars < min || chars > max {
        return Err(Error::invalid(
            field,
            format!("must be {min} to {max} characters, got {chars}"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\t') {
        return Err(Error::invalid(
            field,
            "must be on one line: no control characters such as NUL or newline",
        ));
    }
    Ok(())
}

/// An optional catalog id, checked as the scanners check theirs.
pub(crate) fn check_optional_catalog_id(id: &Option<String>) -> Result<()> {
    id.as_deref()
        .map_or(Ok(()), crate::options::check_catalog_id)
}
