//! Lineage of Glue views: each view's definition (`ViewOriginalText`; an Athena/Presto view's
//! is base64 JSON inside `/* Presto View: ... */`) analysed like a query of the history.

use crate::athena::{
    analyze, presto_view, ColumnEdge, QueryContext, SqlError, SqlErrorReason, TableName,
    DEFAULT_CATALOG,
};
use crate::options::CatalogOptions;
use crate::tables::{TableRecord, TableScanner};
use chicory_aws_core::scan::{ScanStream, ScanStreamExt};
use chicory_aws_core::{Action, Connection, Result, Scanner};
use serde::Serialize;

/// What one Glue view reads, from its definition.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "view_lineage")]
pub struct ViewLineageRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// The view, `catalog.database.view`.
    pub view: TableName,
    /// The tables and views it reads, sorted; empty when its definition could not be analysed
    /// (see `analysis_error`).
    pub reads: Vec<TableName>,
    /// Direct column mappings (a select item that is a plain column of a table read).
    pub columns: Vec<ColumnEdge>,
    /// Why the definition could not be analysed (a view is never left out for it).
    pub analysis_error: Option<SqlError>,
}

chicory_aws_core::record_kind!(ViewLineageRecord => "view_lineage");

/// Scans the views of the catalog (tables whose `TableType` is `VIRTUAL_VIEW`, with the
/// [`CatalogOptions`] filters) and yields one [`ViewLineageRecord`] per view: the tables its
/// definition reads, resolved in the view's own catalog and database. A view whose definition
/// does not parse is emitted with the reason. Skipped and incomplete parts of the table scan
/// pass through.
#[derive(Debug, Clone)]
pub struct ViewLineageScanner {
    tables: TableScanner,
}

impl ViewLineageScanner {
    /// A scanner over `conn` with `options` (database and table filters, catalogs, concurrency).
    pub fn new(conn: &Connection, options: CatalogOptions) -> Result<Self> {
        Ok(ViewLineageScanner {
            tables: TableScanner::new(conn, options)?,
        })
    }
}

impl Scanner for ViewLineageScanner {
    type Record = ViewLineageRecord;
    fn name(&self) -> &'static str {
        "glue_view_lineage"
    }
    fn actions(&self) -> &'static [Action] {
        self.tables.actions()
    }
    fn scan(&self) -> ScanStream<ViewLineageRecord> {
        self.tables.scan().filter_map_records(|t| view_lineage(&t))
    }
}

/// The lineage of `t` if it is a view.
fn view_lineage(t: &TableRecord) -> Option<ViewLineageRecord> {
    if t.table_type.as_deref() != Some("VIRTUAL_VIEW") {
        return None;
    }
    let view = TableName::new(DEFAULT_CATALOG, &t.database, &t.name);
    let text = t.view_text.as_deref().unwrap_or("");
    // A Presto view names the catalog and schema it was made in; a Hive view's text is plain
    // SQL, read in the view's database.
    let (sql, ctx) = match presto_view(text) {
        Some(p) => {
            let mut ctx = p.context();
            ctx.database = ctx.database.or_else(|| Some(t.database.clone()));
            (p.original_sql, ctx)
        }
        None => (text.to_owned(), QueryContext::database(&t.database)),
    };
    let analysed = if sql.trim().is_empty() {
        Err(SqlError {
            reason: SqlErrorReason::Empty,
            message: "the view has no definition (ViewOriginalText is empty)".to_owned(),
            line: None,
            column: None,
        })
    } else {
        analyze(&sql, &ctx)
    };
    let (reads, columns, analysis_error) = match analysed {
        Ok(a) => (a.reads, a.columns, None),
        Err(e) => (Vec::new(), Vec::new(), Some(e)),
    };
    Some(ViewLineageRecord {
        account_id: t.account_id.clone(),
        region: t.region.clone(),
        view,
        reads,
        columns,
        analysis_error,
    })
}
