//! Athena queries: execution history and result scanners; run, stop and read-results operators.

use crate::athena::{AthenaError, VANISHED};
use crate::client::unchecked_athena_client;
use crate::records::time;
use async_trait::async_trait;
use aws_sdk_athena::types::QueryExecutionState;
use chicory_aws_core::scan::{
    paged, read, single, Page, PageRetry, Part, ScanStream, ScanStreamExt,
};
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Concurrency, Connection, Error, ErrorKind,
    Operator, Result, ScanItem, Scanner,
};
use futures::stream::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::{Duration, Instant};

/// One Athena query execution.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "athena_query_execution")]
pub struct QueryExecutionRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Query execution id.
    pub id: Option<String>,
    /// The SQL text.
    pub query: Option<String>,
    /// Workgroup.
    pub workgroup: Option<String>,
    /// `DDL`, `DML` or `UTILITY`.
    pub statement_type: Option<String>,
    /// Database of the query context.
    pub database: Option<String>,
    /// `QUEUED`, `RUNNING`, `SUCCEEDED`, `FAILED`, `CANCELLED`.
    pub state: Option<String>,
    /// Athena's reason for the last state change (e.g. the failure).
    pub state_change_reason: Option<String>,
    /// Submission time.
    pub submitted: Option<String>,
    /// Completion time.
    pub completed: Option<String>,
    /// Bytes scanned.
    pub data_scanned_bytes: Option<i64>,
    /// Results location.
    pub output_location: Option<String>,
}

impl QueryExecutionRecord {
    fn new(account_id: &str, region: &str, q: &aws_sdk_athena::types::QueryExecution) -> Self {
        let st = q.status.as_ref();
        QueryExecutionRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            id: q.query_execution_id.clone(),
            query: q.query.clone(),
            workgroup: q.work_group.clone(),
            statement_type: q.statement_type.as_ref().map(|s| s.as_str().to_owned()),
            database: q
                .query_execution_context
                .as_ref()
                .and_then(|c| c.database.clone()),
            state: st
                .and_then(|s| s.state.as_ref())
                .map(|s| s.as_str().to_owned()),
            state_change_reason: st.and_then(|s| s.state_change_reason.clone()),
            submitted: time(st.and_then(|s| s.submission_date_time.as_ref())),
            completed: time(st.and_then(|s| s.completion_date_time.as_ref())),
            data_scanned_bytes: q.statistics.as_ref().and_then(|s| s.data_scanned_in_bytes),
            output_location: q
                .result_configuration
                .as_ref()
                .and_then(|r| r.output_location.clone()),
        }
    }
}

/// Scans the query history of a workgroup (default: `primary`): `ListQueryExecutions`, then
/// `BatchGetQueryExecution` for up to 50 ids at a time.
#[derive(Debug, Clone)]
pub struct QueryExecutionScanner {
    client: aws_sdk_athena::Client,
    account_id: String,
    region: String,
    workgroup: Option<String>,
    retry: PageRetry,
}

impl QueryExecutionScanner {
    /// A scanner over `conn` for `workgroup` (None: the caller's default workgroup).
    pub fn new(conn: &Connection, workgroup: Option<String>) -> Self {
        QueryExecutionScanner {
            client: unchecked_athena_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
            workgroup,
            retry: conn.page_retry(),
        }
    }
}

impl Scanner for QueryExecutionScanner {
    type Record = QueryExecutionRecord;
    fn name(&self) -> &'static str {
        "athena_query_executions"
    }
    fn actions(&self) -> &'static [Action] {
        &[
            actions::athena::LIST_QUERY_EXECUTIONS,
            actions::athena::BATCH_GET_QUERY_EXECUTION,
        ]
    }
    fn scan(&self) -> ScanStream<QueryExecutionRecord> {
        let (account, region) = (self.account_id.clone(), self.region.clone());
        query_history(
            self.client.clone(),
            self.workgroup.clone(),
            self.retry,
            move |q| QueryExecutionRecord::new(&account, &region, q),
        )
    }
}

/// The query history of `workgroup` (None: the caller's default workgroup), each execution as
/// `record` makes it: `ListQueryExecutions` pages of 50 ids, one `BatchGetQueryExecution` per
/// page. Ids Athena could not return are skipped if gone or denied, else incomplete, with
/// Athena's reason; never dropped silently.
pub(crate) fn query_history<R: Send + 'static>(
    client: aws_sdk_athena::Client,
    workgroup: Option<String>,
    retry: PageRetry,
    record: impl Fn(&aws_sdk_athena::types::QueryExecution) -> R + Clone + Send + Sync + 'static,
) -> ScanStream<R> {
    let list = client.clone();
    let part = Part::new(actions::athena::LIST_QUERY_EXECUTIONS, "");
    let part = match &workgroup {
        Some(w) => part.with("workgroup", w.as_str()),
        None => part,
    };
    // Each page of up to 50 ids is one batch for BatchGetQueryExecution.
    let batches = paged(part, retry, move |token| {
        let req = list
            .list_query_executions()
            .set_work_group(workgroup.clone())
            .max_results(50)
            .set_next_token(token);
        async move {
            let p = req.send().await?;
            let ids = p.query_execution_ids.unwrap_or_default();
            let batch = if ids.is_empty() { vec![] } else { vec![ids] };
            Ok::<_, AthenaError<_>>(Page::new(batch, p.next_token))
        }
    });
    let one = Concurrency::new("concurrency", 1).expect("1 is valid");
    batches.then_records(one, move |ids: Vec<String>| {
        let (client, record) = (client.clone(), record.clone());
        async move {
            let part = Part::new(actions::athena::BATCH_GET_QUERY_EXECUTION, "")
                .with("ids", format!("{}..{}", ids[0], ids[ids.len() - 1]));
            let got = read(&part, retry, || {
                client
                    .batch_get_query_execution()
                    .set_query_execution_ids(Some(ids.clone()))
                    .send()
            })
            .await;
            let r = match got {
                Ok(r) => r,
                Err(outcome) => return vec![outcome.map(ScanItem::Skipped)],
            };
            let mut out: Vec<Result<ScanItem<R>>> = r
                .query_executions()
                .iter()
                .map(|q| Ok(ScanItem::Record(record(q))))
                .collect();
            out.extend(r.unprocessed_query_execution_ids().iter().map(|u| {
                let id = u.query_execution_id().unwrap_or("?");
                let code = u.error_code().unwrap_or("unknown");
                let err = Error::from_code(
                    code,
                    format!("{code}: {}", u.error_message().unwrap_or("no message")),
                )
                .with_operation("athena:BatchGetQueryExecution");
                Part::new(actions::athena::BATCH_GET_QUERY_EXECUTION, "")
                    .with("id", id)
                    .vanished_when(VANISHED)
                    .outcome(err)
            }));
            out
        }
    })
}

/// A result column: name and Athena type.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ResultColumn {
    /// Column name.
    pub name: String,
    /// Athena type, e.g. `varchar`, `bigint`.
    #[serde(rename = "type")]
    pub data_type: String,
}

/// Input of `athena_run_query`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunQueryInput {
    /// The SQL.
    pub query: String,
    /// Workgroup (default `primary`).
    #[serde(default)]
    pub workgroup: Option<String>,
    /// Database of the query context.
    #[serde(default)]
    pub database: Option<String>,
    /// Results location `s3://...` (default: the workgroup's).
    #[serde(default)]
    pub output_location: Option<String>,
    /// Give up (and stop the query) after this many seconds; 1-3600, default 300.
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    /// At most this many rows are returned (1-100000, default 1000).
    #[serde(default)]
    pub max_rows: Option<usize>,
}

/// Output of `athena_run_query` and `athena_get_query_results`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct QueryResults {
    /// Query execution id.
    pub query_execution_id: String,
    /// Final state (`SUCCEEDED`).
    pub state: String,
    /// Result columns.
    pub columns: Vec<ResultColumn>,
    /// Rows, each value typed by its column's Athena type (see [`typed_value`]).
    pub rows: Vec<Vec<Value>>,
    /// Whether rows were cut at `max_rows`.
    pub truncated: bool,
    /// Bytes scanned.
    pub data_scanned_bytes: Option<i64>,
}

/// The JSON value of one Athena result cell, from its text and its column's type: `null` for
/// NULL; booleans; integers (`tinyint` to `bigint`) as integers; `real`, `float` and `double`
/// as numbers (non-finite ones as text); everything else as text, including `decimal`, whose
/// precision a JSON number would lose. Text that does not parse as its type stays text.
pub fn typed_value(athena_type: &str, text: Option<&str>) -> Value {
    let Some(text) = text else {
        return Value::Null;
    };
    let base = athena_type
        .split('(')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let typed = match base.as_str() {
        "boolean" => text.parse::<bool>().ok().map(Value::Bool),
        "tinyint" | "smallint" | "integer" | "int" | "bigint" => {
            text.parse::<i64>().ok().map(Value::from)
        }
        "real" | "float" | "double" => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        _ => None,
    };
    typed.unwrap_or_else(|| Value::String(text.to_owned()))
}

/// One item of an Athena query's results: the columns first, then the rows in order.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind")]
pub enum QueryResultRecord {
    /// The result columns (the first record).
    #[serde(rename = "athena_result_columns")]
    Columns {
        /// Query execution id.
        query_execution_id: String,
        /// The columns.
        columns: Vec<ResultColumn>,
    },
    /// One row.
    #[serde(rename = "athena_result_row")]
    Row {
        /// Query execution id.
        query_execution_id: String,
        /// 0-based row number.
        row: u64,
        /// Values typed by the column types ([`typed_value`]).
        values: Vec<Value>,
    },
}

impl chicory_aws_core::Record for QueryResultRecord {
    fn kind(&self) -> &'static str {
        match self {
            QueryResultRecord::Columns { .. } => "athena_result_columns",
            QueryResultRecord::Row { .. } => "athena_result_row",
        }
    }
}

/// Streams the results of a succeeded query: `GetQueryResults` pages of up to 1,000 rows,
/// fetched only as they are consumed, so a result of any size streams in flat memory.
/// `header_row`: whether Athena repeats the column labels as the first row (it does for
/// SELECTs, i.e. `DML` statements); that row is dropped when it equals the labels.
fn result_records(
    athena: aws_sdk_athena::Client,
    id: String,
    header_row: bool,
    retry: PageRetry,
) -> ScanStream<QueryResultRecord> {
    let mut columns: Option<Vec<ResultColumn>> = None;
    let mut labels: Vec<String> = Vec::new();
    let mut next_row = 0u64;
    let part = Part::new(actions::athena::GET_QUERY_RESULTS, "").with("id", id.as_str());
    let client = athena.clone();
    let query = id.clone();
    paged(part, retry, move |token| {
        let req = client
            .get_query_results()
            .query_execution_id(&query)
            .max_results(1000)
            .set_next_token(token);
        async move {
            let p = req.send().await?;
            Ok::<_, AthenaError<_>>(Page::new(p.result_set.into_iter().collect(), p.next_token))
        }
    })
    .expand_records(move |set: aws_sdk_athena::types::ResultSet| {
        let mut out = Vec::new();
        let first_page = columns.is_none();
        if first_page {
            let info = set
                .result_set_metadata
                .as_ref()
                .map(|m| m.column_info())
                .unwrap_or_default();
            labels = info
                .iter()
                .map(|c| c.label.clone().unwrap_or_else(|| c.name.clone()))
                .collect();
            let cols: Vec<ResultColumn> = info
                .iter()
                .map(|c| ResultColumn {
                    name: c.name.clone(),
                    data_type: c.r#type.clone(),
                })
                .collect();
            out.push(QueryResultRecord::Columns {
                query_execution_id: id.clone(),
                columns: cols.clone(),
            });
            columns = Some(cols);
        }
        let cols = columns.as_deref().unwrap_or_default();
        for (i, row) in set.rows().iter().enumerate() {
            let cells = row.data();
            let is_header = header_row
                && first_page
                && i == 0
                && cells.len() == labels.len()
                && cells
                    .iter()
                    .zip(&labels)
                    .all(|(d, l)| d.var_char_value.as_deref() == Some(l.as_str()));
            if is_header {
                continue;
            }
            let values = cells
                .iter()
                .enumerate()
                .map(|(c, d)| {
                    let ty = cols.get(c).map(|c| c.data_type.as_str()).unwrap_or("");
                    typed_value(ty, d.var_char_value.as_deref())
                })
                .collect();
            out.push(QueryResultRecord::Row {
                query_execution_id: id.clone(),
                row: next_row,
                values,
            });
            next_row += 1;
        }
        out
    })
}

/// The execution of `id`, or an error naming its state and Athena's reason unless it
/// succeeded.
async fn succeeded_execution(
    athena: &aws_sdk_athena::Client,
    id: &str,
) -> Result<aws_sdk_athena::types::QueryExecution> {
    let q = get_execution(athena, id).await?;
    let status = q.status.as_ref();
    match status.and_then(|s| s.state.clone()) {
        Some(QueryExecutionState::Succeeded) => Ok(q),
        state => Err(Error::new(
            ErrorKind::Service,
            format!(
                "Athena query {id} is {}: {}; results exist once it has SUCCEEDED",
                state
                    .as_ref()
                    .map(|s| s.as_str())
                    .unwrap_or("in an unknown state"),
                status
                    .and_then(|s| s.state_change_reason.as_deref())
                    .unwrap_or("no reason given")
            ),
        )
        .with_operation("athena:GetQueryExecution")
        .with_resource(id.to_owned())),
    }
}

async fn get_execution(
    athena: &aws_sdk_athena::Client,
    id: &str,
) -> Result<aws_sdk_athena::types::QueryExecution> {
    athena
        .get_query_execution()
        .query_execution_id(id)
        .send()
        .await
        .map_err(|e| {
            Error::from_sdk(e, actions::athena::GET_QUERY_EXECUTION).with_resource(id.to_owned())
        })?
        .query_execution
        .ok_or_else(|| Error::new(ErrorKind::Service, "GetQueryExecution returned nothing"))
}

fn is_dml(q: &aws_sdk_athena::types::QueryExecution) -> bool {
    q.statement_type == Some(aws_sdk_athena::types::StatementType::Dml)
}

/// Athena's rule for a query execution id: 1 to 128 characters of `[a-zA-Z0-9_-]`.
fn check_execution_id(id: &str) -> Result<()> {
    if id.is_empty()
        || id.len() > 128
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::invalid(
            "query_execution_id",
            "must be 1 to 128 characters of letters, digits, '-' and '_' (an id from \
             StartQueryExecution or the query history)",
        ));
    }
    Ok(())
}

fn check_max_rows(max_rows: Option<usize>) -> Result<usize> {
    let max_rows = max_rows.unwrap_or(1000);
    if !(1..=100_000).contains(&max_rows) {
        return Err(Error::invalid("max_rows", "must be between 1 and 100000"));
    }
    Ok(max_rows)
}

/// Reads up to `max_rows` rows of a succeeded execution.
async fn collect_results(
    athena: aws_sdk_athena::Client,
    execution: aws_sdk_athena::types::QueryExecution,
    id: String,
    max_rows: usize,
    retry: PageRetry,
) -> Result<QueryResults> {
    let mut records = result_records(athena, id.clone(), is_dml(&execution), retry);
    let mut columns = Vec::new();
    let mut rows = Vec::new();
    let mut truncated = false;
    while let Some(record) = records.next().await {
        let record = match record? {
            ScanItem::Record(r) => r,
            // The operator answers with every row or an error, never with a part left out.
            ScanItem::Skipped(s) => {
                return Err(Error::new(s.kind, s.reason)
                    .with_operation("athena:GetQueryResults")
                    .with_resource(id.clone()))
            }
        };
        match record {
            QueryResultRecord::Columns { columns: c, .. } => columns = c,
            QueryResultRecord::Row { values, .. } if rows.len() < max_rows => rows.push(values),
            QueryResultRecord::Row { .. } => {
                truncated = true;
                break;
            }
        }
    }
    Ok(QueryResults {
        query_execution_id: id,
        state: "SUCCEEDED".to_owned(),
        columns,
        rows,
        truncated,
        data_scanned_bytes: execution.statistics.and_then(|s| s.data_scanned_in_bytes),
    })
}

/// Streams the results of one succeeded Athena query (e.g. one from the query history), with
/// typed values: a [`QueryResultRecord::Columns`] record, then every row, paged lazily.
#[derive(Debug, Clone)]
pub struct QueryResultScanner {
    client: aws_sdk_athena::Client,
    id: String,
    retry: PageRetry,
}

impl QueryResultScanner {
    /// A scanner over the results of `query_execution_id`; the id is checked before any
    /// request.
    pub fn new(conn: &Connection, query_execution_id: impl Into<String>) -> Result<Self> {
        let id = query_execution_id.into();
        check_execution_id(&id)?;
        Ok(QueryResultScanner {
            client: unchecked_athena_client(conn),
            id,
            retry: conn.page_retry(),
        })
    }
}

impl Scanner for QueryResultScanner {
    type Record = QueryResultRecord;
    fn name(&self) -> &'static str {
        "athena_query_results"
    }
    fn actions(&self) -> &'static [Action] {
        &[
            actions::athena::GET_QUERY_EXECUTION,
            actions::athena::GET_QUERY_RESULTS,
        ]
    }
    fn scan(&self) -> ScanStream<QueryResultRecord> {
        let (client, id, retry) = (self.client.clone(), self.id.clone(), self.retry);
        let part = Part::new(actions::athena::GET_QUERY_EXECUTION, "").with("id", id.as_str());
        let execution = single(part, retry, move || {
            let (client, id) = (client.clone(), id.clone());
            async move {
                succeeded_execution(&client, &id)
                    .await
                    .map(|q| (client, id, q))
            }
        });
        let one = Concurrency::new("concurrency", 1).expect("1 is valid");
        execution.flat_map_records(one, move |(client, id, q)| {
            result_records(client, id, is_dml(&q), retry)
        })
    }
}

/// Input of `athena_get_query_results`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryResultsInput {
    /// The query execution id.
    pub query_execution_id: String,
    /// At most this many rows are returned (1-100000, default 1000).
    #[serde(default)]
    pub max_rows: Option<usize>,
}

operator_struct!(
    /// Reads the results of a query that already ran (ReadOnly): its columns and up to
    /// `max_rows` typed rows. For whole results, stream them with [`QueryResultScanner`].
    GetAthenaQueryResults
);

#[async_trait]
impl Operator for GetAthenaQueryResults {
    type Input = QueryResultsInput;
    type Output = QueryResults;
    const NAME: &'static str = "athena_get_query_results";
    const DESCRIPTION: &'static str =
        "Returns the columns and rows of an Athena query that has already run.";
    const ACTIONS: &'static [Action] = &[
        actions::athena::GET_QUERY_EXECUTION,
        actions::athena::GET_QUERY_RESULTS,
    ];

    async fn execute(
        &self,
        input: QueryResultsInput,
        _: AccessChecked<Self>,
    ) -> Result<QueryResults> {
        check_execution_id(&input.query_execution_id)?;
        let max_rows = check_max_rows(input.max_rows)?;
        let athena = unchecked_athena_client(&self.conn);
        let execution = succeeded_execution(&athena, &input.query_execution_id).await?;
        let retry = self.conn.page_retry();
        collect_results(athena, execution, input.query_execution_id, max_rows, retry).await
    }
}

/// Input of `athena_stop_query`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StopQueryInput {
    /// The query execution id.
    pub query_execution_id: String,
}

/// Output of `athena_stop_query`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StopQueryOutput {
    /// Query execution id.
    pub query_execution_id: String,
    /// The state Athena reports right after the stop request. Cancelling takes Athena a
    /// moment, so this may still be `RUNNING` or `QUEUED`; a query that had already ended keeps
    /// its final state.
    pub state: Option<String>,
}

operator_struct!(
    /// Stops a running Athena query (ReadWrite). Stopping a query that already ended is not an
    /// error: the output gives its final state.
    StopAthenaQuery
);

#[async_trait]
impl Operator for StopAthenaQuery {
    type Input = StopQueryInput;
    type Output = StopQueryOutput;
    const NAME: &'static str = "athena_stop_query";
    const DESCRIPTION: &'static str = "Stops a running Athena query.";
    const ACTIONS: &'static [Action] = &[
        actions::athena::STOP_QUERY_EXECUTION,
        actions::athena::GET_QUERY_EXECUTION,
    ];

    async fn execute(
        &self,
        input: StopQueryInput,
        _: AccessChecked<Self>,
    ) -> Result<StopQueryOutput> {
        check_execution_id(&input.query_execution_id)?;
        let athena = unchecked_athena_client(&self.conn);
        let id = input.query_execution_id;
        athena
            .stop_query_execution()
            .query_execution_id(&id)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::athena::STOP_QUERY_EXECUTION).with_resource(id.clone())
            })?;
        let q = get_execution(&athena, &id).await?;
        Ok(StopQueryOutput {
            query_execution_id: id,
            state: q
                .status
                .and_then(|s| s.state)
                .map(|s| s.as_str().to_owned()),
        })
    }
}

/// Stops the query if the future running it is dropped before the query ended (a caller's
/// timeout or cancellation is a request to stop).
struct StopOnDrop {
    athena: aws_sdk_athena::Client,
    id: String,
    armed: bool,
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let (athena, id) = (self.athena.clone(), std::mem::take(&mut self.id));
            rt.spawn(async move {
                if let Err(e) = athena.stop_query_execution().query_execution_id(&id).send().await {
                    tracing::warn!(query_execution_id = %id, error = %Error::from_sdk(e, actions::athena::STOP_QUERY_EXECUTION), "could not stop an abandoned Athena query");
                }
            });
        }
    }
}

operator_struct!(
    /// Runs an Athena query: starts it in a workgroup, polls with backoff until it ends, stops it
    /// on timeout or when the call is dropped, surfaces Athena's failure reason, and returns the
    /// typed results (ReadWrite).
    RunAthenaQuery
);

#[async_trait]
impl Operator for RunAthenaQuery {
    type Input = RunQueryInput;
    type Output = QueryResults;
    const NAME: &'static str = "athena_run_query";
    const DESCRIPTION: &'static str =
        "Runs an Athena SQL query in a workgroup and returns its columns and rows.";
    const ACTIONS: &'static [Action] = &[
        actions::athena::START_QUERY_EXECUTION,
        actions::athena::GET_QUERY_EXECUTION,
        actions::athena::GET_QUERY_RESULTS,
        actions::athena::STOP_QUERY_EXECUTION,
    ];

    async fn execute(&self, input: RunQueryInput, _: AccessChecked<Self>) -> Result<QueryResults> {
        if input.query.trim().is_empty() || input.query.len() > 262_144 {
            return Err(Error::invalid("query", "must be 1 to 262144 characters"));
        }
        let timeout = Duration::from_secs(input.timeout_secs.unwrap_or(300));
        if !(1..=3600).contains(&timeout.as_secs()) {
            return Err(Error::invalid("timeout_secs", "must be between 1 and 3600"));
        }
        let max_rows = check_max_rows(input.max_rows)?;
        if let Some(loc) = &input.output_location {
            if !loc.starts_with("s3://") {
                return Err(Error::invalid("output_location", "must start with s3://"));
            }
        }
        let athena = unchecked_athena_client(&self.conn);
        let mut start = athena
            .start_query_execution()
            .query_string(&input.query)
            .set_work_group(input.workgroup.clone());
        if let Some(db) = &input.database {
            start = start.query_execution_context(
                aws_sdk_athena::types::QueryExecutionContext::builder()
                    .database(db)
                    .build(),
            );
        }
        if let Some(loc) = &input.output_location {
            start = start.result_configuration(
                aws_sdk_athena::types::ResultConfiguration::builder()
                    .output_location(loc)
                    .build(),
            );
        }
        let id = start
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, actions::athena::START_QUERY_EXECUTION))?
            .query_execution_id
            .ok_or_else(|| Error::new(ErrorKind::Service, "StartQueryExecution returned no id"))?;

        let mut guard = StopOnDrop {
            athena: athena.clone(),
            id: id.clone(),
            armed: true,
        };
        let began = Instant::now();
        let mut delay = Duration::from_millis(100);
        let execution = loop {
            let q = get_execution(&athena, &id).await?;
            let status = q.status.as_ref();
            let reason = status.and_then(|s| s.state_change_reason.clone());
            match status.and_then(|s| s.state.clone()) {
                Some(QueryExecutionState::Succeeded) => break q,
                Some(state @ (QueryExecutionState::Failed | QueryExecutionState::Cancelled)) => {
                    guard.armed = false;
                    return Err(Error::new(
                        ErrorKind::Service,
                        format!(
                            "Athena query {id} {}: {}",
                            state.as_str(),
                            reason.as_deref().unwrap_or("no reason given")
                        ),
                    )
                    .with_operation("athena:GetQueryExecution")
                    .with_resource(id.clone()));
                }
                _ => {}
            }
            if began.elapsed() + delay > timeout {
                let stopped = athena
                    .stop_query_execution()
                    .query_execution_id(&id)
                    .send()
                    .await;
                // Disarmed only now: a caller dropping this call during the stop request still
                // gets its query stopped by the guard.
                guard.armed = false;
                let note = match stopped {
                    Ok(_) => "stopped".to_owned(),
                    Err(e) => format!(
                        "stop failed: {}",
                        Error::from_sdk(e, actions::athena::STOP_QUERY_EXECUTION)
                    ),
                };
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!("Athena query {id} did not finish within {timeout:?} ({note})"),
                )
                .with_operation("athena:GetQueryExecution")
                .with_resource(id.clone()));
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(2));
        };
        guard.armed = false;
        collect_results(athena, execution, id, max_rows, self.conn.page_retry()).await
    }
}

chicory_aws_core::record_kind!(
    QueryExecutionRecord => "athena_query_execution",
);
