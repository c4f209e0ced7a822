//! Query activity: the Athena query history with each execution's SQL analysed
//! ([`analyze`]): what it is, which tables it reads and what it writes; table popularity
//! aggregated from it; and table-level lineage edges.
//!
//! [`QueryActivityScanner`] yields one [`QueryActivityRecord`] per execution of the history
//! (`ListQueryExecutions`, then `BatchGetQueryExecution` by 50, the calls of
//! [`QueryExecutionScanner`](crate::QueryExecutionScanner)). An execution whose SQL does not
//! parse is still emitted, with [`QueryActivityRecord::analysis_error`] saying why, never
//! dropped. [`TablePopularityScanner`] and [`LineageScanner`] are built on that stream; every
//! skipped or incomplete part of the history passes through them as it comes.
//!
//! Each scanner takes a [`TimeWindow`] (`with_window`: the executions submitted in it) and,
//! optionally, CloudTrail attribution (`with_cloudtrail(true)`): who started each execution,
//! from its `StartQueryExecution` event over the same window (see
//! [`cloudtrail`](crate::athena::cloudtrail) for the lookup and its quota). When
//! `cloudtrail:LookupEvents` is denied the activity still comes, without principals, after a
//! skipped part saying so; when the lookup fails otherwise, after an incomplete part.

use crate::athena::cloudtrail::{
    is_denied, query_starts, without_principals, Attribution, Attributions, TimeWindow,
};
use crate::athena::queries::query_history;
use crate::athena::{
    analyze, ColumnEdge, QueryContext, SqlError, SqlErrorReason, StatementKind, TableName,
    WriteTarget,
};
use crate::client::{unchecked_athena_client, unchecked_cloudtrail_client};
use crate::records::time;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use chicory_aws_core::scan::{PageRetry, ScanStream, ScanStreamExt};
use chicory_aws_core::{actions, Action, Connection, ScanItem, Scanner};
use futures::stream::{self, StreamExt};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

/// The IAM actions of the query history, shared by every scanner of this module.
const HISTORY_ACTIONS: &[Action] = &[
    actions::athena::LIST_QUERY_EXECUTIONS,
    actions::athena::BATCH_GET_QUERY_EXECUTION,
];

/// The IAM actions of the query history with CloudTrail attribution.
const ATTRIBUTED_ACTIONS: &[Action] = &[
    actions::cloudtrail::LOOKUP_EVENTS,
    actions::athena::LIST_QUERY_EXECUTIONS,
    actions::athena::BATCH_GET_QUERY_EXECUTION,
];

/// One Athena query execution with its SQL analysed.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "athena_query_activity")]
pub struct QueryActivityRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Query execution id.
    pub query_execution_id: Option<String>,
    /// Workgroup.
    pub workgroup: Option<String>,
    /// Catalog of the execution's context (as Athena gives it; `None`: the default catalog).
    pub catalog: Option<String>,
    /// Database of the execution's context (`None`: `default`).
    pub database: Option<String>,
    /// `QUEUED`, `RUNNING`, `SUCCEEDED`, `FAILED`, `CANCELLED`.
    pub state: Option<String>,
    /// Submission time (RFC 3339).
    pub submitted: Option<String>,
    /// Completion time (RFC 3339).
    pub completed: Option<String>,
    /// Bytes scanned, as Athena's statistics give them.
    pub data_scanned_bytes: Option<i64>,
    /// Time the engine spent on the query, in milliseconds, as Athena's statistics give it.
    pub engine_execution_time_ms: Option<i64>,
    /// The kind of statement; `None` exactly when [`analysis_error`](Self::analysis_error) is
    /// set.
    pub statement_kind: Option<StatementKind>,
    /// The tables read, resolved to `catalog.database.table` with the execution's context,
    /// sorted; empty when the SQL could not be analysed (see
    /// [`analysis_error`](Self::analysis_error)).
    pub reads: Vec<TableName>,
    /// The table or S3 location written, if any.
    pub writes: Option<WriteTarget>,
    /// Direct column mappings into the written table (`INSERT` with a column list, CTAS,
    /// `CREATE VIEW`; the cases covered are listed on [`ColumnEdge`]).
    pub columns: Vec<ColumnEdge>,
    /// Why the SQL could not be analysed (reason, parser message, position); `None` when it
    /// was. An execution without query text has reason `empty`.
    pub analysis_error: Option<SqlError>,
    /// Who started the query, from its CloudTrail `StartQueryExecution` event: the identity's
    /// ARN (`arn:aws:sts::<account>:assumed-role/<role>/<session>`,
    /// `arn:aws:iam::<account>:user/<name>`), else its principal id. `None` unless
    /// [`attribution`](Self::attribution) is `attributed` (Athena's history does not name the
    /// caller).
    pub principal: Option<String>,
    /// CloudTrail's `userIdentity.type` of the principal (`IAMUser`, `AssumedRole`, ...).
    pub principal_type: Option<String>,
    /// How the principal was found, or why it is missing.
    pub attribution: Attribution,
}

impl QueryActivityRecord {
    /// The record of one execution: its fields, and its SQL analysed in its context.
    fn new(account_id: &str, region: &str, q: &aws_sdk_athena::types::QueryExecution) -> Self {
        let st = q.status.as_ref();
        let context = q.query_execution_context.as_ref();
        let ctx = context.map(QueryContext::from).unwrap_or_default();
        let analysis = match q.query.as_deref() {
            Some(sql) => analyze(sql, &ctx),
            None => Err(SqlError {
                reason: SqlErrorReason::Empty,
                message: "Athena gave no query text for this execution".to_owned(),
                line: None,
                column: None,
            }),
        };
        let (statement_kind, reads, writes, columns, analysis_error) = match analysis {
            Ok(a) => (Some(a.kind), a.reads, a.writes, a.columns, None),
            Err(e) => (None, Vec::new(), None, Vec::new(), Some(e)),
        };
        QueryActivityRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            query_execution_id: q.query_execution_id.clone(),
            workgroup: q.work_group.clone(),
            catalog: context.and_then(|c| c.catalog.clone()),
            database: context.and_then(|c| c.database.clone()),
            state: st
                .and_then(|s| s.state.as_ref())
                .map(|s| s.as_str().to_owned()),
            submitted: time(st.and_then(|s| s.submission_date_time.as_ref())),
            completed: time(st.and_then(|s| s.completion_date_time.as_ref())),
            data_scanned_bytes: q.statistics.as_ref().and_then(|s| s.data_scanned_in_bytes),
            engine_execution_time_ms: q
                .statistics
                .as_ref()
                .and_then(|s| s.engine_execution_time_in_millis),
            statement_kind,
            reads,
            writes,
            columns,
            analysis_error,
            principal: None,
            principal_type: None,
            attribution: Attribution::NotRequested,
        }
    }
}

/// Scans the Athena query history of a workgroup (None: the caller's default workgroup) and
/// analyses each execution's SQL: one [`QueryActivityRecord`] per execution, including those
/// whose SQL does not parse (with their [`analysis_error`](QueryActivityRecord::analysis_error)).
///
/// The history is read like [`QueryExecutionScanner`](crate::QueryExecutionScanner) reads it
/// (`ListQueryExecutions` pages of 50, one `BatchGetQueryExecution` per page); ids Athena could
/// not return are skipped if gone or denied, else incomplete. With a window, executions
/// submitted outside it are left out (the whole listing is still read: Athena does not filter
/// it by time); an execution without a submission time is kept.
///
/// With [`with_cloudtrail`](Self::with_cloudtrail), the `StartQueryExecution` events of the
/// window (of every workgroup of the account and region) are read first, keeping one id and
/// principal per event in memory, then the history streams with each record's
/// [`principal`](QueryActivityRecord::principal) filled.
#[derive(Debug, Clone)]
pub struct QueryActivityScanner {
    client: aws_sdk_athena::Client,
    cloudtrail: aws_sdk_cloudtrail::Client,
    account_id: String,
    region: String,
    workgroup: Option<String>,
    window: TimeWindow,
    attribute: bool,
    retry: PageRetry,
}

impl QueryActivityScanner {
    /// A scanner over `conn` for `workgroup` (None: the caller's default workgroup), the whole
    /// history, without CloudTrail.
    pub fn new(conn: &Connection, workgroup: Option<String>) -> Self {
        QueryActivityScanner {
            client: unchecked_athena_client(conn),
            cloudtrail: unchecked_cloudtrail_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
            workgroup,
            window: TimeWindow::all(),
            attribute: false,
            retry: conn.page_retry(),
        }
    }

    /// Only the executions submitted in `window`.
    pub fn with_window(mut self, window: TimeWindow) -> Self {
        self.window = window;
        self
    }

    /// Attributes each execution to the principal that started it, from CloudTrail
    /// (`cloudtrail:LookupEvents`, which the scanner then declares).
    pub fn with_cloudtrail(mut self, on: bool) -> Self {
        self.attribute = on;
        self
    }

    /// The window.
    pub fn window(&self) -> TimeWindow {
        self.window
    }

    /// The history, each record filled from `attributions` if given.
    fn history(&self, attributions: Option<Attributions>) -> ScanStream<QueryActivityRecord> {
        let (account, region, window) = (self.account_id.clone(), self.region.clone(), self.window);
        let attributions = attributions.map(Arc::new);
        query_history(
            self.client.clone(),
            self.workgroup.clone(),
            self.retry,
            move |q| {
                let submitted = q
                    .status
                    .as_ref()
                    .and_then(|s| s.submission_date_time.as_ref());
                if !window.contains(submitted) {
                    return None;
                }
                let mut r = QueryActivityRecord::new(&account, &region, q);
                if let Some(a) = &attributions {
                    a.apply(&mut r);
                }
                Some(r)
            },
        )
        .filter_map_records(|r| r)
    }
}

impl Scanner for QueryActivityScanner {
    type Record = QueryActivityRecord;
    fn name(&self) -> &'static str {
        "athena_query_activity"
    }
    fn actions(&self) -> &'static [Action] {
        if self.attribute {
            ATTRIBUTED_ACTIONS
        } else {
            HISTORY_ACTIONS
        }
    }
    fn scan(&self) -> ScanStream<QueryActivityRecord> {
        if !self.attribute {
            return self.history(None);
        }
        // The lookup first, into memory (one entry per execution of the window); its skipped
        // or incomplete part comes out before the records it leaves without principals.
        let state = Arc::new(Mutex::new(Attributions::default()));
        let seen = state.clone();
        let lookup = query_starts(self.cloudtrail.clone(), self.window, self.retry).filter_map(
            move |item| {
                let mut a = seen.lock().expect("attribution state");
                let out = match item {
                    Ok(ScanItem::Record((id, starter))) => {
                        a.insert(id, starter);
                        None
                    }
                    Ok(ScanItem::Skipped(mut s)) => {
                        a.failed(is_denied(s.kind));
                        s.reason = without_principals(is_denied(s.kind), &s.reason);
                        Some(Ok(ScanItem::Skipped(s)))
                    }
                    Err(e) => {
                        a.failed(false);
                        Some(Err(e))
                    }
                };
                futures::future::ready(out)
            },
        );
        let this = self.clone();
        let history = stream::once(async move {
            let a = std::mem::take(&mut *state.lock().expect("attribution state"));
            this.history(Some(a))
        })
        .flatten();
        lookup.chain(history).boxed()
    }
}

/// How often one table was read or written in the query history scanned.
///
/// Counts are over every execution of the history that the scan read, whatever its state
/// (a failed query still named the table). Executions whose SQL could not be analysed name no
/// table, so every count is a lower bound when [`queries_unparsed`](Self::queries_unparsed)
/// is not 0 (the same value on every record of a scan); [`QueryActivityScanner`] lists them
/// with their reasons.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "table_popularity")]
pub struct TablePopularityRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// The workgroup the history was scanned for (`None`: the caller's default workgroup).
    pub workgroup: Option<String>,
    /// The table, `catalog.database.table`.
    pub table: TableName,
    /// Executions that read or wrote the table (each counted once).
    pub query_count: u64,
    /// Executions that read it.
    pub read_count: u64,
    /// Executions that wrote it (INSERT, CTAS, MERGE, DDL on it, ...).
    pub write_count: u64,
    /// The latest submission time of those executions (RFC 3339); `None` if Athena gave none.
    pub last_queried: Option<String>,
    /// Bytes scanned, summed over the executions that read the table (a query reading
    /// several tables counts its bytes for each: Athena does not split them per table).
    pub data_scanned_bytes: u64,
    /// Executions that read the table but whose scanned bytes Athena did not give (e.g. still
    /// running): not in [`data_scanned_bytes`](Self::data_scanned_bytes).
    pub data_scanned_unknown: u64,
    /// Executions the scan read in all (the whole history scanned, not only this table's).
    pub queries_total: u64,
    /// Executions of the whole history scanned whose SQL could not be analysed: their tables
    /// are unknown and not counted anywhere.
    pub queries_unparsed: u64,
    /// The principals who ran the executions counted, sorted (CloudTrail attribution; empty
    /// without it).
    pub principals: Vec<String>,
    /// How many distinct principals ran them; `None` when CloudTrail attribution was not
    /// requested. A lower bound when [`queries_unattributed`](Self::queries_unattributed) is
    /// not 0.
    pub distinct_principals: Option<u64>,
    /// Executions counted for this table that have no principal (attribution not requested,
    /// denied, incomplete, or no event found: see each execution's
    /// [`attribution`](QueryActivityRecord::attribution)).
    pub queries_unattributed: u64,
}

#[derive(Default)]
struct Stats {
    reads: u64,
    writes: u64,
    queries: u64,
    last: Option<DateTime>,
    last_text: Option<String>,
    bytes: u64,
    bytes_unknown: u64,
    principals: BTreeSet<String>,
    unattributed: u64,
}

/// Aggregates the query activity into one [`TablePopularityRecord`] per table read or written:
/// the records come when the history has been read to the end, sorted by table. Skipped and
/// incomplete parts of the history pass through as they come. Memory is one entry per table,
/// not per query.
#[derive(Debug, Clone)]
pub struct TablePopularityScanner {
    activity: QueryActivityScanner,
}

impl TablePopularityScanner {
    /// A scanner over `conn` for `workgroup` (None: the caller's default workgroup).
    pub fn new(conn: &Connection, workgroup: Option<String>) -> Self {
        TablePopularityScanner {
            activity: QueryActivityScanner::new(conn, workgroup),
        }
    }

    /// Only the executions submitted in `window`.
    pub fn with_window(mut self, window: TimeWindow) -> Self {
        self.activity = self.activity.with_window(window);
        self
    }

    /// Counts the distinct principals of each table, from CloudTrail (see
    /// [`QueryActivityScanner::with_cloudtrail`]).
    pub fn with_cloudtrail(mut self, on: bool) -> Self {
        self.activity = self.activity.with_cloudtrail(on);
        self
    }
}

/// What [`TablePopularityScanner`] keeps while the history streams by: one entry per table.
#[derive(Default)]
struct Popularity {
    tables: HashMap<TableName, Stats>,
    total: u64,
    unparsed: u64,
}

impl Scanner for TablePopularityScanner {
    type Record = TablePopularityRecord;
    fn name(&self) -> &'static str {
        "athena_table_popularity"
    }
    fn actions(&self) -> &'static [Action] {
        self.activity.actions()
    }
    fn scan(&self) -> ScanStream<TablePopularityRecord> {
        let (account, region, workgroup) = (
            self.activity.account_id.clone(),
            self.activity.region.clone(),
            self.activity.workgroup.clone(),
        );
        let attributed = self.activity.attribute;
        let state = Arc::new(Mutex::new(Popularity::default()));
        let seen = state.clone();
        // Every record is counted and consumed; skipped and incomplete parts pass through as
        // they come (the engine's combinator passes them).
        let counted = self
            .activity
            .scan()
            .filter_map_records(move |a: QueryActivityRecord| {
                let mut p = seen.lock().expect("popularity state");
                p.total += 1;
                if a.analysis_error.is_some() {
                    p.unparsed += 1;
                }
                count(&mut p.tables, a);
                None::<TablePopularityRecord>
            });
        // Once the history has ended: one record per table, sorted by table.
        let totals = stream::once(async move {
            let p = std::mem::take(&mut *state.lock().expect("popularity state"));
            let mut records: Vec<TablePopularityRecord> = p
                .tables
                .into_iter()
                .map(|(table, s)| TablePopularityRecord {
                    account_id: account.clone(),
                    region: region.clone(),
                    workgroup: workgroup.clone(),
                    table,
                    query_count: s.queries,
                    read_count: s.reads,
                    write_count: s.writes,
                    last_queried: s.last_text,
                    data_scanned_bytes: s.bytes,
                    data_scanned_unknown: s.bytes_unknown,
                    queries_total: p.total,
                    queries_unparsed: p.unparsed,
                    distinct_principals: attributed.then_some(s.principals.len() as u64),
                    principals: s.principals.into_iter().collect(),
                    queries_unattributed: s.unattributed,
                })
                .collect();
            records.sort_by(|a, b| a.table.cmp(&b.table));
            stream::iter(records.into_iter().map(|r| Ok(ScanItem::Record(r))))
        })
        .flatten();
        counted.chain(totals).boxed()
    }
}

/// Adds one execution to the per-table statistics.
fn count(tables: &mut HashMap<TableName, Stats>, a: QueryActivityRecord) {
    let submitted = a
        .submitted
        .as_deref()
        .and_then(|s| DateTime::from_str(s, Format::DateTime).ok());
    let written = match a.writes {
        Some(WriteTarget::Table(t)) => Some(t),
        _ => None,
    };
    let mut touch = |table: TableName, read: bool, write: bool| {
        let s = tables.entry(table).or_default();
        s.queries += 1;
        if read {
            s.reads += 1;
            match a.data_scanned_bytes {
                Some(b) => s.bytes += u64::try_from(b).unwrap_or(0),
                None => s.bytes_unknown += 1,
            }
        }
        if write {
            s.writes += 1;
        }
        if let Some(t) = submitted {
            if s.last.is_none_or(|l| t > l) {
                s.last = Some(t);
                s.last_text = a.submitted.clone();
            }
        }
        match &a.principal {
            Some(p) => {
                if !s.principals.contains(p) {
                    s.principals.insert(p.clone());
                }
            }
            None => s.unattributed += 1,
        }
    };
    for t in a.reads.iter() {
        let also_written = written.as_ref() == Some(t);
        touch(t.clone(), true, also_written);
    }
    if let Some(w) = &written {
        if !a.reads.contains(w) {
            touch(w.clone(), false, true);
        }
    }
}

/// One table-level lineage edge: an execution read `source` and wrote `target`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "lineage_edge")]
pub struct LineageEdgeRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// The execution that made the edge.
    pub query_execution_id: Option<String>,
    /// Its statement kind: `insert`, `create_table_as`, `unload` or `merge`.
    pub statement_kind: StatementKind,
    /// Its state (`SUCCEEDED`, `FAILED`, ...): a failed execution's edge was attempted, not
    /// necessarily made.
    pub state: Option<String>,
    /// Its submission time (RFC 3339).
    pub submitted: Option<String>,
    /// The table read.
    pub source: TableName,
    /// The table or S3 location written.
    pub target: WriteTarget,
    /// The columns of `source` the execution copies directly into columns of `target` (the
    /// cases covered are listed on [`ColumnEdge`]; empty for the others).
    pub columns: Vec<ColumnEdge>,
}

/// Table-level lineage from the query history: one [`LineageEdgeRecord`] per table read by
/// each `INSERT`, CTAS, `UNLOAD` (the target is the S3 location) and `MERGE` execution, in
/// history order. Executions of other kinds, reading no table, or whose SQL could not be
/// analysed make no edge ([`QueryActivityScanner`] lists the latter). Skipped and incomplete
/// parts of the history pass through.
#[derive(Debug, Clone)]
pub struct LineageScanner {
    activity: QueryActivityScanner,
}

impl LineageScanner {
    /// A scanner over `conn` for `workgroup` (None: the caller's default workgroup).
    pub fn new(conn: &Connection, workgroup: Option<String>) -> Self {
        LineageScanner {
            activity: QueryActivityScanner::new(conn, workgroup),
        }
    }

    /// Only the edges of executions submitted in `window`.
    pub fn with_window(mut self, window: TimeWindow) -> Self {
        self.activity = self.activity.with_window(window);
        self
    }
}

impl Scanner for LineageScanner {
    type Record = LineageEdgeRecord;
    fn name(&self) -> &'static str {
        "athena_lineage"
    }
    fn actions(&self) -> &'static [Action] {
        HISTORY_ACTIONS
    }
    fn scan(&self) -> ScanStream<LineageEdgeRecord> {
        self.activity
            .scan()
            .expand_records(|a: QueryActivityRecord| {
                let kind = match a.statement_kind {
                    Some(
                        k @ (StatementKind::Insert
                        | StatementKind::CreateTableAs
                        | StatementKind::Unload
                        | StatementKind::Merge),
                    ) => k,
                    _ => return Vec::new(),
                };
                let Some(target) = a.writes.clone() else {
                    return Vec::new();
                };
                a.reads
                    .iter()
                    .map(|source| LineageEdgeRecord {
                        account_id: a.account_id.clone(),
                        region: a.region.clone(),
                        query_execution_id: a.query_execution_id.clone(),
                        statement_kind: kind,
                        state: a.state.clone(),
                        submitted: a.submitted.clone(),
                        source: source.clone(),
                        target: target.clone(),
                        columns: a
                            .columns
                            .iter()
                            .filter(|c| c.source_table == *source)
                            .cloned()
                            .collect(),
                    })
                    .collect()
            })
    }
}

chicory_aws_core::record_kind!(
    QueryActivityRecord => "athena_query_activity",
    TablePopularityRecord => "table_popularity",
    LineageEdgeRecord => "lineage_edge",
);
