//! Athena queries: execution history scanner and the run-a-query operator.

use crate::athena_client;
use crate::records::time;
use async_trait::async_trait;
use aws_sdk_athena::types::QueryExecutionState;
use chicory_aws_core::{
    actions, operator_struct, pages, Action, Connection, Error, ErrorKind, Operator, Result,
    ScanItem, Scanner,
};
use futures::stream::{self, BoxStream, StreamExt};
use serde::{Deserialize, Serialize};
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
}

impl QueryExecutionScanner {
    /// A scanner over `conn` for `workgroup` (None: the caller's default workgroup).
    pub fn new(conn: &Connection, workgroup: Option<String>) -> Self {
        QueryExecutionScanner {
            client: athena_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
            workgroup,
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
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<QueryExecutionRecord>>> {
        let (client, account, region) = (
            self.client.clone(),
            self.account_id.clone(),
            self.region.clone(),
        );
        pages(
            self.client
                .list_query_executions()
                .set_work_group(self.workgroup.clone())
                .max_results(50)
                .into_paginator()
                .send(),
        )
        .then(move |page| {
            let (client, account, region) = (client.clone(), account.clone(), region.clone());
            async move {
                let ids = match page {
                    Ok(p) => p.query_execution_ids.unwrap_or_default(),
                    Err(e) => return vec![Err(Error::from_sdk(e, "athena:ListQueryExecutions"))],
                };
                let mut out = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(50) {
                    match client
                        .batch_get_query_execution()
                        .set_query_execution_ids(Some(chunk.to_vec()))
                        .send()
                        .await
                    {
                        Ok(r) => out.extend(r.query_executions().iter().map(|q| {
                            Ok(ScanItem::Record(QueryExecutionRecord::new(
                                &account, &region, q,
                            )))
                        })),
                        Err(e) => {
                            out.push(Err(Error::from_sdk(e, "athena:BatchGetQueryExecution")))
                        }
                    }
                }
                out
            }
        })
        .flat_map(stream::iter)
        .boxed()
    }
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

/// Output of `athena_run_query`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RunQueryOutput {
    /// Query execution id.
    pub query_execution_id: String,
    /// Final state (`SUCCEEDED`).
    pub state: String,
    /// Result columns.
    pub columns: Vec<ResultColumn>,
    /// Rows, as Athena's text values (None for NULL).
    pub rows: Vec<Vec<Option<String>>>,
    /// Whether rows were cut at `max_rows`.
    pub truncated: bool,
    /// Bytes scanned.
    pub data_scanned_bytes: Option<i64>,
}

operator_struct!(
    /// Runs an Athena query: starts it in a workgroup, polls with backoff until it ends, stops it
    /// on timeout, surfaces Athena's failure reason, and returns the typed results (ReadWrite).
    RunAthenaQuery
);

#[async_trait]
impl Operator for RunAthenaQuery {
    type Input = RunQueryInput;
    type Output = RunQueryOutput;
    const NAME: &'static str = "athena_run_query";
    const DESCRIPTION: &'static str =
        "Runs an Athena SQL query in a workgroup and returns its columns and rows.";
    const ACTIONS: &'static [Action] = &[
        actions::athena::START_QUERY_EXECUTION,
        actions::athena::GET_QUERY_EXECUTION,
        actions::athena::GET_QUERY_RESULTS,
        actions::athena::STOP_QUERY_EXECUTION,
    ];

    fn connection(&self) -> &Connection {
        &self.conn
    }

    async fn execute(&self, input: RunQueryInput) -> Result<RunQueryOutput> {
        if input.query.trim().is_empty() || input.query.len() > 262_144 {
            return Err(Error::invalid("query", "must be 1 to 262144 characters"));
        }
        let timeout = Duration::from_secs(input.timeout_secs.unwrap_or(300));
        if !(1..=3600).contains(&timeout.as_secs()) {
            return Err(Error::invalid("timeout_secs", "must be between 1 and 3600"));
        }
        let max_rows = input.max_rows.unwrap_or(1000);
        if !(1..=100_000).contains(&max_rows) {
            return Err(Error::invalid("max_rows", "must be between 1 and 100000"));
        }
        if let Some(loc) = &input.output_location {
            if !loc.starts_with("s3://") {
                return Err(Error::invalid("output_location", "must start with s3://"));
            }
        }
        let athena = athena_client(&self.conn);
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
            .map_err(|e| Error::from_sdk(e, "athena:StartQueryExecution"))?
            .query_execution_id
            .ok_or_else(|| Error::new(ErrorKind::Service, "StartQueryExecution returned no id"))?;

        let began = Instant::now();
        let mut delay = Duration::from_millis(100);
        let execution = loop {
            let q = athena
                .get_query_execution()
                .query_execution_id(&id)
                .send()
                .await
                .map_err(|e| {
                    Error::from_sdk(e, "athena:GetQueryExecution").with_resource(id.clone())
                })?
                .query_execution
                .ok_or_else(|| {
                    Error::new(ErrorKind::Service, "GetQueryExecution returned nothing")
                })?;
            let status = q.status.as_ref();
            let reason = status.and_then(|s| s.state_change_reason.clone());
            match status.and_then(|s| s.state.clone()) {
                Some(QueryExecutionState::Succeeded) => break q,
                Some(state @ (QueryExecutionState::Failed | QueryExecutionState::Cancelled)) => {
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
                let note = match stopped {
                    Ok(_) => "stopped".to_owned(),
                    Err(e) => format!(
                        "stop failed: {}",
                        Error::from_sdk(e, "athena:StopQueryExecution")
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

        let mut columns = Vec::new();
        let mut rows = Vec::new();
        let mut truncated = false;
        let mut first_page = true;
        let mut results = pages(
            athena
                .get_query_results()
                .query_execution_id(&id)
                .into_paginator()
                .send(),
        );
        while let Some(page) = results.next().await {
            let page = page.map_err(|e| {
                Error::from_sdk(e, "athena:GetQueryResults").with_resource(id.clone())
            })?;
            let Some(set) = page.result_set else { break };
            if first_page {
                columns = set
                    .result_set_metadata
                    .as_ref()
                    .map(|m| {
                        m.column_info()
                            .iter()
                            .map(|c| ResultColumn {
                                name: c.name.clone(),
                                data_type: c.r#type.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
            }
            for (i, row) in set.rows().iter().enumerate() {
                let values: Vec<Option<String>> = row
                    .data()
                    .iter()
                    .map(|d| d.var_char_value.clone())
                    .collect();
                // Athena repeats the column names as the first row of a SELECT's results.
                let is_header = first_page
                    && i == 0
                    && !columns.is_empty()
                    && values
                        .iter()
                        .zip(&columns)
                        .all(|(v, c)| v.as_deref() == Some(c.name.as_str()));
                if is_header {
                    continue;
                }
                if rows.len() == max_rows {
                    truncated = true;
                    break;
                }
                rows.push(values);
            }
            first_page = false;
            if truncated {
                break;
            }
        }
        Ok(RunQueryOutput {
            query_execution_id: id,
            state: "SUCCEEDED".to_owned(),
            columns,
            rows,
            truncated,
            data_scanned_bytes: execution.statistics.and_then(|s| s.data_scanned_in_bytes),
        })
    }
}
