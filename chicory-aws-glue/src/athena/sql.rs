//! SQL analysis of Athena queries and Glue views: what a statement is, which tables it reads and
//! which table (or S3 location) it writes.
//!
//! Pure, synchronous and network-free: [`analyze`] takes the SQL text of one query execution
//! and its [`QueryContext`] (Athena's `QueryExecutionContext`) and returns a [`QueryAnalysis`],
//! or a [`SqlError`] saying why the text does not parse (the parser's message and, when it
//! gives one, the line and column). A query that does not parse is an error, never an empty
//! analysis, so a caller can report and count it.
//!
//! ```
//! use chicory_aws_glue::{analyze, QueryContext, StatementKind, WriteTarget};
//!
//! let ctx = QueryContext::database("sales");
//! let a = analyze(
//!     "INSERT INTO reporting.daily SELECT o.dt, sum(o.amount) FROM orders o GROUP BY 1",
//!     &ctx,
//! )
//! .unwrap();
//! assert_eq!(a.kind, StatementKind::Insert);
//! assert_eq!(a.reads[0].to_string(), "awsdatacatalog.sales.orders");
//! assert!(matches!(&a.writes, Some(WriteTarget::Table(t)) if t.to_string() == "awsdatacatalog.reporting.daily"));
//! assert!(analyze("SELEC 1", &ctx).is_err());
//! ```
//!
//! # Parser and dialect
//!
//! Parsing is [`sqlparser`]'s (Apache DataFusion's SQL parser). It has no Trino or Presto
//! dialect; the dialect used here was picked by measuring every dialect of sqlparser 0.64 on
//! the test corpus (`tests/data/sql/`: the 22 TPC-H queries, 24 statements, from Apache
//! DataFusion's `benchmarks/queries/`, plus 66 Athena statements — Trino DML, Hive DDL,
//! UNLOAD, MERGE, utility statements — written for `tests/sql_corpus.rs`):
//!
//! | dialect | TPC-H (24) | Athena (66) | all (90) | TPC-DS (99, not in the repository) |
//! |---|---|---|---|---|
//! | **Generic** | 24 | 61 | **85 (94.4%)** | 99 |
//! | DuckDb | 24 | 61 | 85 (94.4%) | 99 |
//! | Databricks | 23 | 61 | 84 (93.3%) | 80 |
//! | SparkSql | 23 | 61 | 84 (93.3%) | 80 |
//! | Redshift | 24 | 60 | 84 (93.3%) | 99 |
//! | BigQuery | 23 | 61 | 84 (93.3%) | 83 |
//! | Ansi | 23 | 60 | 83 (92.2%) | 83 |
//! | Hive | 23 | 60 | 83 (92.2%) | 80 |
//! | MySql | 23 | 60 | 83 (92.2%) | 83 |
//! | PostgreSql | 24 | 59 | 83 (92.2%) | 91 |
//! | Oracle | 24 | 59 | 83 (92.2%) | 99 |
//! | Snowflake | 24 | 58 | 82 (91.1%) | 99 |
//! | ClickHouse | 22 | 60 | 82 (91.1%) | 80 |
//! | Teradata | 23 | 59 | 82 (91.1%) | 83 |
//! | SQLite | 24 | 57 | 81 (90.0%) | 99 |
//! | MsSql | 24 | 55 | 79 (87.8%) | 99 |
//!
//! (`cargo test -p chicory-aws-glue --test sql_corpus -- --ignored --nocapture
//! dialect_parse_rates` prints this table.) [`GenericDialect`](sqlparser::dialect::GenericDialect) is used:
//! best with DuckDb, and the permissive one of the two (both `"x"` and `` `x` `` quoting, the
//! mix of Trino DML and Hive DDL Athena takes) without another engine's semantics. The TPC-DS
//! column is the 99 TPC-DS queries of Apache DataFusion Ballista's `benchmarks/queries-tpcds/`,
//! measured once on a local copy (`SQL_EXTRA_DIR=<dir>` adds a directory to the measurement),
//! not kept here. What Generic does not parse in the corpus (reported as [`SqlError`]s):
//! Iceberg time travel (`FOR TIMESTAMP AS OF`, `FOR VERSION AS OF`), partition transforms in
//! `CREATE TABLE ... PARTITIONED BY (day(dt))`, Hive's `ALTER TABLE ... ADD COLUMNS (...)`, and
//! `OPTIMIZE ... REWRITE DATA USING BIN_PACK`.
//!
//! `UNLOAD (SELECT ...) TO 's3://...' WITH (...)` is parsed by sqlparser itself (its
//! Redshift-derived `UNLOAD` statement parses in every dialect, Athena's `WITH (format = ...)`
//! options included), so there is no hand-written envelope: the inner query is analysed like
//! any other and the `TO` URI is the [`WriteTarget::Location`].
//!
//! # Names
//!
//! Table names are resolved to `catalog.database.table` ([`TableName`]): a one-part name takes
//! the catalog and database of the context, a two-part name the catalog of the context. A
//! context without a catalog means `awsdatacatalog` ([`DEFAULT_CATALOG`]), without a database
//! `default` ([`DEFAULT_DATABASE`], Athena's database when an execution names none). Every
//! part is lower-cased, quoted (`"Orders"`, `` `Orders` ``) or not: Athena and the Glue Data
//! Catalog treat identifiers case-insensitively and store them in lower case.
//!
//! # What is read and written
//!
//! [`QueryAnalysis::reads`] are the tables named in `FROM`/`JOIN`/`USING` positions anywhere in
//! the statement (subqueries in `FROM`, `WHERE`, `SELECT`, `HAVING`; joins; `UNION`,
//! `INTERSECT`, `EXCEPT`; `LATERAL`; CTE bodies), sorted and without duplicates. A CTE name is
//! not a table: a one-part name refers to a CTE where one of that name is in scope (the
//! enclosing queries' `WITH` clauses, and in a CTE's own body only the CTEs before it, unless
//! `WITH RECURSIVE`), so a CTE shadowing a real table (`WITH orders AS (SELECT * FROM orders
//! ...)`) reads the real table once. `UNNEST`, `VALUES` and table functions read no table.
//!
//! [`QueryAnalysis::writes`] is the table an `INSERT`, CTAS, `CREATE VIEW`, `MERGE`, `UPDATE`
//! or `DELETE` writes (also in the `WITH ... INSERT` form), the S3 location of an `UNLOAD`, and,
//! for DDL, the table or view whose definition the statement creates, changes or drops
//! (`CREATE EXTERNAL TABLE`, `ALTER TABLE`, `DROP TABLE`/`VIEW`, `MSCK REPAIR TABLE`, ...). The
//! written table of `MERGE`, `UPDATE` and `DELETE` is not also listed among the reads.
//!
//! [`QueryAnalysis::columns`] are direct column mappings, see [`ColumnEdge`].

mod lineage;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sqlparser::ast::{ObjectName, Statement};
use sqlparser::dialect::Dialect;
use sqlparser::parser::{Parser, ParserError};
use std::fmt;

/// Athena's default data catalog: the Glue Data Catalog of the account.
pub const DEFAULT_CATALOG: &str = "awsdatacatalog";

/// The database of an unqualified table name when the execution's context names none.
pub const DEFAULT_DATABASE: &str = "default";

/// The context a query ran in (Athena's `QueryExecutionContext`): it resolves the catalog and
/// database of table names that do not spell them out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QueryContext {
    /// The catalog; `None` is [`DEFAULT_CATALOG`].
    pub catalog: Option<String>,
    /// The database; `None` is [`DEFAULT_DATABASE`].
    pub database: Option<String>,
}

impl QueryContext {
    /// A context of the default catalog and the given database.
    pub fn database(database: impl Into<String>) -> Self {
        QueryContext {
            catalog: None,
            database: Some(database.into()),
        }
    }

    /// A context of the given catalog and database.
    pub fn new(catalog: impl Into<String>, database: impl Into<String>) -> Self {
        QueryContext {
            catalog: Some(catalog.into()),
            database: Some(database.into()),
        }
    }

    fn catalog_or_default(&self) -> String {
        non_empty(self.catalog.as_deref())
            .unwrap_or(DEFAULT_CATALOG)
            .to_lowercase()
    }

    fn database_or_default(&self) -> String {
        non_empty(self.database.as_deref())
            .unwrap_or(DEFAULT_DATABASE)
            .to_lowercase()
    }
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

impl From<&aws_sdk_athena::types::QueryExecutionContext> for QueryContext {
    fn from(c: &aws_sdk_athena::types::QueryExecutionContext) -> Self {
        QueryContext {
            catalog: c.catalog.clone(),
            database: c.database.clone(),
        }
    }
}

/// A table (or view) resolved to `catalog.database.table`, every part lower-cased.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct TableName {
    /// The data catalog (`awsdatacatalog` for the account's Glue Data Catalog).
    pub catalog: String,
    /// The database (schema).
    pub database: String,
    /// The table or view.
    pub table: String,
}

impl TableName {
    /// A table name from its three parts, lower-cased.
    pub fn new(catalog: &str, database: &str, table: &str) -> Self {
        TableName {
            catalog: catalog.to_lowercase(),
            database: database.to_lowercase(),
            table: table.to_lowercase(),
        }
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.catalog, self.database, self.table)
    }
}

/// What a statement writes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", content = "target", rename_all = "snake_case")]
pub enum WriteTarget {
    /// A table or view (for DDL: the one whose definition changes).
    Table(TableName),
    /// An S3 location (`UNLOAD ... TO 's3://...'`), as written in the statement.
    Location(String),
}

/// What kind of statement a query is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// A query (`SELECT`, `WITH ... SELECT`, `VALUES`, `TABLE t`).
    Select,
    /// `INSERT INTO ... SELECT` / `VALUES` (also `WITH ... INSERT`).
    Insert,
    /// `CREATE TABLE ... AS SELECT` (CTAS).
    CreateTableAs,
    /// `CREATE [OR REPLACE] VIEW ... AS SELECT`.
    CreateView,
    /// `UNLOAD (SELECT ...) TO 's3://...'`.
    Unload,
    /// `MERGE INTO ... USING ...`.
    Merge,
    /// `UPDATE` (Iceberg tables).
    Update,
    /// `DELETE FROM` (Iceberg tables).
    Delete,
    /// Other data definition: `CREATE [EXTERNAL] TABLE` without a query, `ALTER`, `DROP`,
    /// `MSCK REPAIR TABLE`, `CREATE DATABASE`, ...
    Ddl,
    /// `SHOW`, `DESCRIBE`, `EXPLAIN`, `USE`, `PREPARE`, `EXECUTE`, ... (Athena's `UTILITY`).
    Utility,
    /// Any other statement the parser understands.
    Other,
}

/// A direct column mapping: the target column takes the value of a source table's column
/// unchanged.
///
/// Covered: `INSERT INTO t (c1, c2, ...) SELECT ...` (targets by position in the column list),
/// CTAS and `CREATE VIEW` (targets are the select item's alias or column name, or the view's
/// column list by position), where the query is one `SELECT` (not a set operation) and the
/// select item is a plain column reference (`c`, `alias.c`, `table.c`) to a table of its own
/// `FROM` clause: qualified by that table's alias or name, or unqualified when that `FROM`
/// clause has exactly one table. Not covered (no edge): expressions and functions, `*`, columns
/// of CTEs or subqueries, `INSERT` without a column list (the target's columns are in the Glue
/// schema, not in the SQL), `UNION`s, `MERGE`/`UPDATE` assignments, `UNLOAD`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct ColumnEdge {
    /// The table read.
    pub source_table: TableName,
    /// The column read (lower-cased).
    pub source_column: String,
    /// The column written, in the statement's write target (lower-cased).
    pub target_column: String,
}

/// What one statement is, reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QueryAnalysis {
    /// The kind of statement.
    pub kind: StatementKind,
    /// The tables read, sorted, without duplicates; CTE names are not tables.
    pub reads: Vec<TableName>,
    /// The table or S3 location written, if any.
    pub writes: Option<WriteTarget>,
    /// Direct column mappings of `INSERT` (with a column list), CTAS and `CREATE VIEW`.
    pub columns: Vec<ColumnEdge>,
}

/// Why a text could not be analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SqlErrorReason {
    /// No statement: empty, or only comments.
    Empty,
    /// The parser rejected the text (the message says where and what it expected).
    Parse,
    /// More than one statement (Athena runs one statement a query).
    MultipleStatements,
    /// The parser failed unexpectedly (caught, not propagated).
    Internal,
}

/// Why [`analyze`] could not analyse a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SqlError {
    /// The reason.
    pub reason: SqlErrorReason,
    /// The parser's message, or ours.
    pub message: String,
    /// The 1-based line of the error, when the parser gives one.
    pub line: Option<u64>,
    /// The 1-based column of the error, when the parser gives one.
    pub column: Option<u64>,
}

impl SqlError {
    fn new(reason: SqlErrorReason, message: impl Into<String>) -> Self {
        SqlError {
            reason,
            message: message.into(),
            line: None,
            column: None,
        }
    }

    fn parse(e: ParserError) -> Self {
        let message = match e {
            ParserError::TokenizerError(m) | ParserError::ParserError(m) => m,
            ParserError::RecursionLimitExceeded => {
                "the statement nests too deeply (parser recursion limit exceeded)".to_owned()
            }
        };
        let (line, column) = position(&message);
        SqlError {
            reason: SqlErrorReason::Parse,
            message,
            line,
            column,
        }
    }
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SqlError {}

/// The `Line: N, Column: M` sqlparser appends to its messages.
fn position(message: &str) -> (Option<u64>, Option<u64>) {
    fn number_after(s: &str, key: &str) -> Option<u64> {
        let rest = &s[s.rfind(key)? + key.len()..];
        let digits: String = rest
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    }
    (
        number_after(message, "Line:"),
        number_after(message, "Column:"),
    )
}

/// The sqlparser dialect [`analyze`] parses with (the module documentation says how it was
/// chosen).
fn dialect() -> impl Dialect {
    sqlparser::dialect::GenericDialect {}
}

/// Parses one statement with [`dialect`], catching a parser panic as [`SqlErrorReason::Internal`].
fn parse_one(sql: &str) -> Result<Statement, SqlError> {
    let dialect = dialect();
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Parser::parse_sql(&dialect, sql)
    }))
    .map_err(|_| SqlError::new(SqlErrorReason::Internal, "the SQL parser panicked"))?;
    let mut statements = parsed.map_err(SqlError::parse)?;
    match statements.len() {
        0 => Err(SqlError::new(SqlErrorReason::Empty, "no SQL statement")),
        1 => Ok(statements.remove(0)),
        n => Err(SqlError::new(
            SqlErrorReason::MultipleStatements,
            format!("{n} statements; Athena runs one statement a query"),
        )),
    }
}

/// Analyses one SQL statement of an Athena query execution: its kind, the tables it reads, the
/// table or location it writes, and direct column mappings. Unqualified table names take the
/// catalog and database of `ctx`. A text that does not parse, is empty, or holds more than one
/// statement is an [`SqlError`]. Parsed with sqlparser's `GenericDialect`, measured the best of
/// its dialects on Athena SQL (the numbers are in this module's source documentation).
pub fn analyze(sql: &str, ctx: &QueryContext) -> Result<QueryAnalysis, SqlError> {
    let statement = parse_one(sql)?;
    Ok(lineage::analyze_statement(&statement, ctx))
}

/// Resolves a parsed object name against the context: `t`, `db.t`, `catalog.db.t` (more parts:
/// the last three).
fn resolve(name: &ObjectName, ctx: &QueryContext) -> TableName {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p.as_ident() {
            Some(ident) => ident.value.to_lowercase(),
            None => p.to_string().to_lowercase(),
        })
        .collect();
    let n = parts.len();
    let part = |i: usize| parts[n - i].clone();
    match n {
        0 => TableName {
            catalog: ctx.catalog_or_default(),
            database: ctx.database_or_default(),
            table: String::new(),
        },
        1 => TableName {
            catalog: ctx.catalog_or_default(),
            database: ctx.database_or_default(),
            table: part(1),
        },
        2 => TableName {
            catalog: ctx.catalog_or_default(),
            database: part(2),
            table: part(1),
        },
        _ => TableName {
            catalog: part(3),
            database: part(2),
            table: part(1),
        },
    }
}

const PRESTO_VIEW_PREFIX: &str = "/* Presto View:";
const PRESTO_VIEW_SUFFIX: &str = "*/";

/// A Presto/Athena view as the Glue Data Catalog stores it: `ViewOriginalText` is
/// `/* Presto View: <base64 of a JSON document> */`, and the JSON holds the view's SQL and the
/// catalog and schema it was created in (the context of its unqualified names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PrestoView {
    /// The view's SQL, as written (`originalSql`).
    pub original_sql: String,
    /// The catalog the view was created in (`catalog`).
    pub catalog: Option<String>,
    /// The database the view was created in (`schema`).
    pub schema: Option<String>,
}

impl PrestoView {
    /// The context to analyse the view's SQL in: its own catalog and schema.
    pub fn context(&self) -> QueryContext {
        QueryContext {
            catalog: self.catalog.clone(),
            database: self.schema.clone(),
        }
    }
}

/// Decodes a Presto/Athena view's `ViewOriginalText` (`/* Presto View: <base64 JSON> */`).
/// `None` when the text is not of that form or its base64 or JSON is malformed.
pub fn presto_view(view_original_text: &str) -> Option<PrestoView> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Doc {
        original_sql: String,
        catalog: Option<String>,
        schema: Option<String>,
    }
    let inner = view_original_text
        .trim()
        .strip_prefix(PRESTO_VIEW_PREFIX)?
        .strip_suffix(PRESTO_VIEW_SUFFIX)?;
    let encoded: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
    let json = base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT
        .decode(encoded.as_bytes())
        .ok()?;
    let doc: Doc = serde_json::from_slice(&json).ok()?;
    Some(PrestoView {
        original_sql: doc.original_sql,
        catalog: doc.catalog,
        schema: doc.schema,
    })
}

/// The SQL of a Glue view from its `ViewOriginalText`: the decoded `originalSql` of a
/// Presto/Athena view (`/* Presto View: <base64 JSON> */`), or the text itself, trimmed, for a
/// Hive view (plain SQL). `None` for an empty text or a Presto view that does not decode.
pub fn presto_view_sql(view_original_text: &str) -> Option<String> {
    let text = view_original_text.trim();
    if text.is_empty() {
        return None;
    }
    if text.starts_with(PRESTO_VIEW_PREFIX) {
        return presto_view(text).map(|v| v.original_sql);
    }
    Some(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_of_parser_messages() {
        assert_eq!(
            position("Expected: an expression, found: = at Line: 2, Column: 21"),
            (Some(2), Some(21))
        );
        assert_eq!(
            position("Expected: an expression, found: EOF"),
            (None, None)
        );
    }

    #[test]
    fn names_of_more_than_three_parts_keep_the_last_three() {
        let name = ObjectName::from(vec![
            sqlparser::ast::Ident::new("a"),
            sqlparser::ast::Ident::new("B"),
            sqlparser::ast::Ident::new("c"),
            sqlparser::ast::Ident::new("D"),
        ]);
        assert_eq!(
            resolve(&name, &QueryContext::default()).to_string(),
            "b.c.d"
        );
    }

    #[test]
    fn blank_context_parts_are_defaults() {
        let ctx = QueryContext {
            catalog: Some(" ".into()),
            database: Some(String::new()),
        };
        let name = ObjectName::from(vec![sqlparser::ast::Ident::new("T")]);
        assert_eq!(resolve(&name, &ctx).to_string(), "awsdatacatalog.default.t");
    }
}
