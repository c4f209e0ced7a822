//! Glue Data Quality: rulesets (create, get, update, delete, list, scan), rule recommendation
//! and evaluation runs (start, status) and results (list).

use crate::reader::GlueError;
use crate::records::time;
use crate::unchecked_glue_client;
use async_trait::async_trait;
use aws_sdk_glue::types as sdk;
use chicory_aws_core::scan::{paged, Page, PageRetry, Part, ScanStream};
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Connection, Error, ErrorKind, Operator,
    Result, Scanner,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

fn check_len(field: &'static str, v: &str, max: usize) -> Result<()> {
    if v.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if v.len() > max {
        return Err(Error::invalid(field, format!("at most {max} characters")));
    }
    Ok(())
}

fn check_ruleset_name(field: &'static str, v: &str) -> Result<()> {
    check_len(field, v, 255)
}

fn check_dqdl(v: &str) -> Result<()> {
    check_len("ruleset", v, 65_536)
}

fn check_page(max_results: Option<i32>) -> Result<()> {
    match max_results {
        Some(m) if !(1..=1000).contains(&m) => {
            Err(Error::invalid("max_results", "must be between 1 and 1000"))
        }
        _ => Ok(()),
    }
}

fn no_output(op: &'static str) -> Error {
    Error::new(ErrorKind::Service, format!("{op} returned no result"))
}

/// A Glue table a ruleset targets or a run reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataQualityTable {
    /// Database name.
    pub database: String,
    /// Table name.
    pub table: String,
    /// Catalog id; default: the caller's account.
    #[serde(default)]
    pub catalog_id: Option<String>,
}

impl DataQualityTable {
    fn check(&self) -> Result<()> {
        check_len("database", &self.database, 255)?;
        check_len("table", &self.table, 255)
    }

    fn target(&self) -> Result<sdk::DataQualityTargetTable> {
        self.check()?;
        sdk::DataQualityTargetTable::builder()
            .database_name(&self.database)
            .table_name(&self.table)
            .set_catalog_id(self.catalog_id.clone())
            .build()
            .map_err(|e| Error::invalid("target_table", e.to_string()))
    }

    fn data_source(&self) -> Result<sdk::DataSource> {
        self.check()?;
        let t = sdk::GlueTable::builder()
            .database_name(&self.database)
            .table_name(&self.table)
            .set_catalog_id(self.catalog_id.clone())
            .build()
            .map_err(|e| Error::invalid("table", e.to_string()))?;
        Ok(sdk::DataSource::builder().glue_table(t).build())
    }

    fn from_target(t: &sdk::DataQualityTargetTable) -> Self {
        DataQualityTable {
            database: t.database_name.clone(),
            table: t.table_name.clone(),
            catalog_id: t.catalog_id.clone(),
        }
    }

    fn from_source(s: &sdk::DataSource) -> Option<Self> {
        s.glue_table.as_ref().map(|t| DataQualityTable {
            database: t.database_name.clone(),
            table: t.table_name.clone(),
            catalog_id: t.catalog_id.clone(),
        })
    }
}

/// A data quality ruleset.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_data_quality_ruleset")]
pub struct DataQualityRulesetRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Ruleset name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// The DQDL text (only from `glue_get_data_quality_ruleset`; listings omit it).
    pub ruleset: Option<String>,
    /// Number of rules (listings only).
    pub rule_count: Option<i32>,
    /// The table the ruleset targets.
    pub target_table: Option<DataQualityTable>,
    /// Creation time.
    pub created_on: Option<String>,
    /// Last modification time.
    pub last_modified_on: Option<String>,
    /// The recommendation run the ruleset came from.
    pub recommendation_run_id: Option<String>,
}

impl DataQualityRulesetRecord {
    fn from_list(account_id: &str, region: &str, d: &sdk::DataQualityRulesetListDetails) -> Self {
        DataQualityRulesetRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            name: d.name.clone(),
            description: d.description.clone(),
            ruleset: None,
            rule_count: d.rule_count,
            target_table: d.target_table.as_ref().map(DataQualityTable::from_target),
            created_on: time(d.created_on.as_ref()),
            last_modified_on: time(d.last_modified_on.as_ref()),
            recommendation_run_id: d.recommendation_run_id.clone(),
        }
    }
}

/// A ruleset name: the input of get and delete, the output of create and delete.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesetName {
    /// Ruleset name, 1-255 characters.
    pub name: String,
}

/// Input of `glue_create_data_quality_ruleset`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRulesetInput {
    /// Ruleset name, 1-255 characters.
    pub name: String,
    /// The rules in DQDL, e.g. `Rules = [ IsComplete "id" ]`.
    pub ruleset: String,
    /// Description, up to 2048 characters.
    #[serde(default)]
    pub description: Option<String>,
    /// The table the ruleset is for.
    #[serde(default)]
    pub target_table: Option<DataQualityTable>,
    /// Tags.
    #[serde(default)]
    pub tags: HashMap<String, String>,
}

operator_struct!(
    #[doc = "Creates a data quality ruleset (ReadWrite)."]
    CreateDataQualityRuleset
);

#[async_trait]
impl Operator for CreateDataQualityRuleset {
    type Input = CreateRulesetInput;
    type Output = RulesetName;
    const NAME: &'static str = "glue_create_data_quality_ruleset";
    const DESCRIPTION: &'static str =
        "Creates a Glue Data Quality ruleset (DQDL), optionally for a table.";
    const ACTIONS: &'static [Action] = &[actions::glue::CREATE_DATA_QUALITY_RULESET];

    async fn execute(
        &self,
        input: CreateRulesetInput,
        _: AccessChecked<Self>,
    ) -> Result<RulesetName> {
        check_ruleset_name("name", &input.name)?;
        check_dqdl(&input.ruleset)?;
        if let Some(d) = &input.description {
            if d.len() > 2048 {
                return Err(Error::invalid("description", "at most 2048 characters"));
            }
        }
        let target = input
            .target_table
            .as_ref()
            .map(DataQualityTable::target)
            .transpose()?;
        let out = unchecked_glue_client(&self.conn)
            .create_data_quality_ruleset()
            .name(&input.name)
            .ruleset(&input.ruleset)
            .set_description(input.description)
            .set_target_table(target)
            .set_tags((!input.tags.is_empty()).then_some(input.tags))
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::glue::CREATE_DATA_QUALITY_RULESET)
                    .with_resource(input.name.clone())
            })?;
        Ok(RulesetName {
            name: out.name.unwrap_or(input.name),
        })
    }
}

operator_struct!(
    #[doc = "Reads a data quality ruleset (ReadOnly)."]
    GetDataQualityRuleset
);

#[async_trait]
impl Operator for GetDataQualityRuleset {
    type Input = RulesetName;
    type Output = DataQualityRulesetRecord;
    const NAME: &'static str = "glue_get_data_quality_ruleset";
    const DESCRIPTION: &'static str =
        "Reads a Glue Data Quality ruleset: its DQDL rules, target table and times.";
    const ACTIONS: &'static [Action] = &[actions::glue::GET_DATA_QUALITY_RULESET];

    async fn execute(
        &self,
        input: RulesetName,
        _: AccessChecked<Self>,
    ) -> Result<DataQualityRulesetRecord> {
        check_ruleset_name("name", &input.name)?;
        let out = unchecked_glue_client(&self.conn)
            .get_data_quality_ruleset()
            .name(&input.name)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::glue::GET_DATA_QUALITY_RULESET)
                    .with_resource(input.name.clone())
            })?;
        Ok(DataQualityRulesetRecord {
            account_id: self.conn.account_id().to_owned(),
            region: self.conn.region().to_owned(),
            name: out.name,
            description: out.description,
            rule_count: None,
            ruleset: out.ruleset,
            target_table: out.target_table.as_ref().map(DataQualityTable::from_target),
            created_on: time(out.created_on.as_ref()),
            last_modified_on: time(out.last_modified_on.as_ref()),
            recommendation_run_id: out.recommendation_run_id,
        })
    }
}

/// Input of `glue_update_data_quality_ruleset`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRulesetInput {
    /// Ruleset name.
    pub name: String,
    /// New DQDL rules.
    #[serde(default)]
    pub ruleset: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
}

/// Output of `glue_update_data_quality_ruleset`: the ruleset as Glue now holds it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UpdateRulesetOutput {
    /// Ruleset name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// DQDL rules.
    pub ruleset: Option<String>,
}

operator_struct!(
    #[doc = "Updates the rules or description of a data quality ruleset (ReadWrite)."]
    UpdateDataQualityRuleset
);

#[async_trait]
impl Operator for UpdateDataQualityRuleset {
    type Input = UpdateRulesetInput;
    type Output = UpdateRulesetOutput;
    const NAME: &'static str = "glue_update_data_quality_ruleset";
    const DESCRIPTION: &'static str =
        "Updates the DQDL rules and/or the description of a Glue Data Quality ruleset.";
    const ACTIONS: &'static [Action] = &[actions::glue::UPDATE_DATA_QUALITY_RULESET];
    const REQUIRES_ONE_OF: &'static [&'static [&'static str]] = &[&["ruleset", "description"]];

    async fn execute(
        &self,
        input: UpdateRulesetInput,
        _: AccessChecked<Self>,
    ) -> Result<UpdateRulesetOutput> {
        check_ruleset_name("name", &input.name)?;
        if input.ruleset.is_none() && input.description.is_none() {
            return Err(Error::invalid(
                "ruleset",
                "give a new ruleset or description",
            ));
        }
        if let Some(r) = &input.ruleset {
            check_dqdl(r)?;
        }
        if let Some(d) = &input.description {
            if d.len() > 2048 {
                return Err(Error::invalid("description", "at most 2048 characters"));
            }
        }
        let out = unchecked_glue_client(&self.conn)
            .update_data_quality_ruleset()
            .name(&input.name)
            .set_ruleset(input.ruleset)
            .set_description(input.description)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::glue::UPDATE_DATA_QUALITY_RULESET)
                    .with_resource(input.name.clone())
            })?;
        Ok(UpdateRulesetOutput {
            name: out.name,
            description: out.description,
            ruleset: out.ruleset,
        })
    }
}

operator_struct!(
    #[doc = "Deletes a data quality ruleset (ReadWrite)."]
    DeleteDataQualityRuleset
);

#[async_trait]
impl Operator for DeleteDataQualityRuleset {
    type Input = RulesetName;
    type Output = RulesetName;
    const NAME: &'static str = "glue_delete_data_quality_ruleset";
    const DESCRIPTION: &'static str = "Deletes a Glue Data Quality ruleset.";
    const ACTIONS: &'static [Action] = &[actions::glue::DELETE_DATA_QUALITY_RULESET];

    async fn execute(&self, input: RulesetName, _: AccessChecked<Self>) -> Result<RulesetName> {
        check_ruleset_name("name", &input.name)?;
        unchecked_glue_client(&self.conn)
            .delete_data_quality_ruleset()
            .name(&input.name)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::glue::DELETE_DATA_QUALITY_RULESET)
                    .with_resource(input.name.clone())
            })?;
        Ok(input)
    }
}

/// Input of `glue_list_data_quality_rulesets`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListRulesetsInput {
    /// Only rulesets for this table.
    #[serde(default)]
    pub target_table: Option<DataQualityTable>,
    /// Page size, 1-1000.
    #[serde(default)]
    pub max_results: Option<i32>,
    /// The `next_token` of a previous page.
    #[serde(default)]
    pub next_token: Option<String>,
}

/// One page of rulesets.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ListRulesetsOutput {
    /// Rulesets (without their DQDL text).
    pub rulesets: Vec<DataQualityRulesetRecord>,
    /// Pass back to get the next page; absent on the last page.
    pub next_token: Option<String>,
}

fn ruleset_filter(
    t: Option<&DataQualityTable>,
) -> Result<Option<sdk::DataQualityRulesetFilterCriteria>> {
    t.map(|t| {
        Ok(sdk::DataQualityRulesetFilterCriteria::builder()
            .target_table(t.target()?)
            .build())
    })
    .transpose()
}

operator_struct!(
    #[doc = "Lists data quality rulesets, one page per call (ReadOnly)."]
    ListDataQualityRulesets
);

#[async_trait]
impl Operator for ListDataQualityRulesets {
    type Input = ListRulesetsInput;
    type Output = ListRulesetsOutput;
    const NAME: &'static str = "glue_list_data_quality_rulesets";
    const DESCRIPTION: &'static str =
        "Lists Glue Data Quality rulesets, optionally of one table; one page and a next_token.";
    const ACTIONS: &'static [Action] = &[actions::glue::LIST_DATA_QUALITY_RULESETS];

    async fn execute(
        &self,
        input: ListRulesetsInput,
        _: AccessChecked<Self>,
    ) -> Result<ListRulesetsOutput> {
        check_page(input.max_results)?;
        let out = unchecked_glue_client(&self.conn)
            .list_data_quality_rulesets()
            .set_filter(ruleset_filter(input.target_table.as_ref())?)
            .set_max_results(input.max_results)
            .set_next_token(input.next_token)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, actions::glue::LIST_DATA_QUALITY_RULESETS))?;
        let (a, r) = (self.conn.account_id(), self.conn.region());
        Ok(ListRulesetsOutput {
            rulesets: out
                .rulesets()
                .iter()
                .map(|d| DataQualityRulesetRecord::from_list(a, r, d))
                .collect(),
            next_token: out.next_token,
        })
    }
}

/// Scans every data quality ruleset (optionally of one table), all pages, lazily.
#[derive(Debug, Clone)]
pub struct DataQualityRulesetScanner {
    client: aws_sdk_glue::Client,
    account_id: String,
    region: String,
    filter: Option<sdk::DataQualityRulesetFilterCriteria>,
    retry: PageRetry,
}

impl DataQualityRulesetScanner {
    /// A scanner over `conn`; `target_table` narrows it to one table's rulesets.
    pub fn new(conn: &Connection, target_table: Option<DataQualityTable>) -> Result<Self> {
        Ok(DataQualityRulesetScanner {
            client: unchecked_glue_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
            filter: ruleset_filter(target_table.as_ref())?,
            retry: conn.page_retry(),
        })
    }
}

impl Scanner for DataQualityRulesetScanner {
    type Record = DataQualityRulesetRecord;
    fn name(&self) -> &'static str {
        "glue_data_quality_rulesets"
    }
    fn actions(&self) -> &'static [Action] {
        &[actions::glue::LIST_DATA_QUALITY_RULESETS]
    }
    fn scan(&self) -> ScanStream<DataQualityRulesetRecord> {
        let (client, filter) = (self.client.clone(), self.filter.clone());
        let (a, r) = (self.account_id.clone(), self.region.clone());
        // Data quality is an optional enrichment: the policy crate's ReadOnly Glue policy does
        // not grant it, so a denial is a skipped part (the engine's rule), any other failure
        // an incomplete one.
        let part = Part::new(actions::glue::LIST_DATA_QUALITY_RULESETS, "");
        paged(part, self.retry, move |token| {
            let req = client
                .list_data_quality_rulesets()
                .set_filter(filter.clone())
                .set_next_token(token);
            let (a, r) = (a.clone(), r.clone());
            async move {
                let p = req.send().await?;
                let records = p
                    .rulesets()
                    .iter()
                    .map(|d| DataQualityRulesetRecord::from_list(&a, &r, d))
                    .collect();
                Ok::<_, GlueError<_>>(Page::new(records, p.next_token))
            }
        })
    }
}

/// A run id: the output of the start operators, the input of the status operators.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunId {
    /// The run id.
    pub run_id: String,
}

/// Input of `glue_start_data_quality_recommendation_run`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRecommendationRunInput {
    /// The table to read.
    pub table: DataQualityTable,
    /// The IAM role (name or ARN) Glue runs as.
    pub role: String,
    /// Name of a ruleset to create from the recommendations.
    #[serde(default)]
    pub created_ruleset_name: Option<String>,
    /// G.1X workers, at least 2 (default: Glue's, 5).
    #[serde(default)]
    pub number_of_workers: Option<i32>,
    /// Timeout in minutes (default: Glue's, 2880).
    #[serde(default)]
    pub timeout_minutes: Option<i32>,
}

/// Input of `glue_start_data_quality_evaluation_run`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StartEvaluationRunInput {
    /// The table to read.
    pub table: DataQualityTable,
    /// The IAM role (name or ARN) Glue runs as.
    pub role: String,
    /// Rulesets to evaluate, 1-10.
    pub ruleset_names: Vec<String>,
    /// G.1X workers, at least 2 (default: Glue's, 5).
    #[serde(default)]
    pub number_of_workers: Option<i32>,
    /// Timeout in minutes (default: Glue's, 2880).
    #[serde(default)]
    pub timeout_minutes: Option<i32>,
}

impl StartRecommendationRunInput {
    fn check(&self) -> Result<sdk::DataSource> {
        check_run(
            &self.table,
            &self.role,
            self.number_of_workers,
            self.timeout_minutes,
        )
    }
}

impl StartEvaluationRunInput {
    fn check(&self) -> Result<sdk::DataSource> {
        check_run(
            &self.table,
            &self.role,
            self.number_of_workers,
            self.timeout_minutes,
        )
    }
}

/// The checks both start-run inputs share: the role, the worker count and timeout, the table.
fn check_run(
    table: &DataQualityTable,
    role: &str,
    number_of_workers: Option<i32>,
    timeout_minutes: Option<i32>,
) -> Result<sdk::DataSource> {
    check_len("role", role, 2048)?;
    if matches!(number_of_workers, Some(n) if n < 2) {
        return Err(Error::invalid("number_of_workers", "must be at least 2"));
    }
    if matches!(timeout_minutes, Some(n) if n < 1) {
        return Err(Error::invalid("timeout_minutes", "must be at least 1"));
    }
    table.data_source()
}

operator_struct!(
    #[doc = "Starts a rule recommendation run on a table (ReadWrite)."]
    StartDataQualityRecommendationRun
);

#[async_trait]
impl Operator for StartDataQualityRecommendationRun {
    type Input = StartRecommendationRunInput;
    type Output = RunId;
    const NAME: &'static str = "glue_start_data_quality_recommendation_run";
    const DESCRIPTION: &'static str =
        "Starts a Glue Data Quality rule recommendation run on a table; returns the run id.";
    const ACTIONS: &'static [Action] = &[actions::glue::START_DATA_QUALITY_RULE_RECOMMENDATION_RUN];

    async fn execute(
        &self,
        input: StartRecommendationRunInput,
        _: AccessChecked<Self>,
    ) -> Result<RunId> {
        let source = input.check()?;
        if let Some(n) = &input.created_ruleset_name {
            check_ruleset_name("created_ruleset_name", n)?;
        }
        let out = unchecked_glue_client(&self.conn)
            .start_data_quality_rule_recommendation_run()
            .data_source(source)
            .role(&input.role)
            .set_number_of_workers(input.number_of_workers)
            .set_timeout(input.timeout_minutes)
            .set_created_ruleset_name(input.created_ruleset_name)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::glue::START_DATA_QUALITY_RULE_RECOMMENDATION_RUN)
                    .with_resource(format!("{}.{}", input.table.database, input.table.table))
            })?;
        Ok(RunId {
            run_id: out
                .run_id
                .ok_or_else(|| no_output("StartDataQualityRuleRecommendationRun"))?,
        })
    }
}

operator_struct!(
    #[doc = "Starts a ruleset evaluation run on a table (ReadWrite)."]
    StartDataQualityEvaluationRun
);

#[async_trait]
impl Operator for StartDataQualityEvaluationRun {
    type Input = StartEvaluationRunInput;
    type Output = RunId;
    const NAME: &'static str = "glue_start_data_quality_evaluation_run";
    const DESCRIPTION: &'static str =
        "Starts a Glue Data Quality evaluation of 1-10 rulesets on a table; returns the run id.";
    const ACTIONS: &'static [Action] = &[actions::glue::START_DATA_QUALITY_RULESET_EVALUATION_RUN];

    async fn execute(
        &self,
        input: StartEvaluationRunInput,
        _: AccessChecked<Self>,
    ) -> Result<RunId> {
        let source = input.check()?;
        if input.ruleset_names.is_empty() || input.ruleset_names.len() > 10 {
            return Err(Error::invalid("ruleset_names", "name 1 to 10 rulesets"));
        }
        for n in &input.ruleset_names {
            check_ruleset_name("ruleset_names", n)?;
        }
        let out = unchecked_glue_client(&self.conn)
            .start_data_quality_ruleset_evaluation_run()
            .data_source(source)
            .role(&input.role)
            .set_ruleset_names(Some(input.ruleset_names))
            .set_number_of_workers(input.number_of_workers)
            .set_timeout(input.timeout_minutes)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::glue::START_DATA_QUALITY_RULESET_EVALUATION_RUN)
                    .with_resource(format!("{}.{}", input.table.database, input.table.table))
            })?;
        Ok(RunId {
            run_id: out
                .run_id
                .ok_or_else(|| no_output("StartDataQualityRulesetEvaluationRun"))?,
        })
    }
}

/// The status of a recommendation or evaluation run.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DataQualityRunStatus {
    /// Run id.
    pub run_id: Option<String>,
    /// `STARTING`, `RUNNING`, `STOPPING`, `STOPPED`, `SUCCEEDED`, `FAILED`, `TIMEOUT`.
    pub status: Option<String>,
    /// Glue's error, for failed runs.
    pub error: Option<String>,
    /// The table read.
    pub table: Option<DataQualityTable>,
    /// Start time.
    pub started_on: Option<String>,
    /// Completion time.
    pub completed_on: Option<String>,
    /// Seconds the run consumed.
    pub execution_time_secs: i32,
    /// Recommended DQDL (recommendation runs).
    pub recommended_ruleset: Option<String>,
    /// Ruleset created from the recommendations (recommendation runs).
    pub created_ruleset_name: Option<String>,
    /// Rulesets evaluated (evaluation runs).
    pub ruleset_names: Vec<String>,
    /// Result ids, for `glue_list_data_quality_results` (evaluation runs).
    pub result_ids: Vec<String>,
}

/// A [`DataQualityRunStatus`] from either run's output `$o` (two SDK types with the same
/// field names), with the fields only one kind of run has given after it.
macro_rules! run_status {
    ($o:ident, $($field:ident: $value:expr),* $(,)?) => {
        DataQualityRunStatus {
            run_id: $o.run_id,
            status: $o.status.map(|s| s.as_str().to_owned()),
            error: $o.error_string,
            table: $o
                .data_source
                .as_ref()
                .and_then(DataQualityTable::from_source),
            started_on: time($o.started_on.as_ref()),
            completed_on: time($o.completed_on.as_ref()),
            execution_time_secs: $o.execution_time,
            $($field: $value),*
        }
    };
}

fn check_run_id(id: &str) -> Result<()> {
    check_len("run_id", id, 255)
}

operator_struct!(
    #[doc = "Reads the status of a rule recommendation run (ReadOnly)."]
    GetDataQualityRecommendationRun
);

#[async_trait]
impl Operator for GetDataQualityRecommendationRun {
    type Input = RunId;
    type Output = DataQualityRunStatus;
    const NAME: &'static str = "glue_get_data_quality_recommendation_run";
    const DESCRIPTION: &'static str =
        "Reads the status, error and recommended DQDL of a Glue Data Quality recommendation run.";
    const ACTIONS: &'static [Action] = &[actions::glue::GET_DATA_QUALITY_RULE_RECOMMENDATION_RUN];

    async fn execute(&self, input: RunId, _: AccessChecked<Self>) -> Result<DataQualityRunStatus> {
        check_run_id(&input.run_id)?;
        let o = unchecked_glue_client(&self.conn)
            .get_data_quality_rule_recommendation_run()
            .run_id(&input.run_id)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::glue::GET_DATA_QUALITY_RULE_RECOMMENDATION_RUN)
                    .with_resource(input.run_id.clone())
            })?;
        Ok(run_status!(
            o,
            recommended_ruleset: o.recommended_ruleset,
            created_ruleset_name: o.created_ruleset_name,
            ruleset_names: Vec::new(),
            result_ids: Vec::new(),
        ))
    }
}

operator_struct!(
    #[doc = "Reads the status of a ruleset evaluation run (ReadOnly)."]
    GetDataQualityEvaluationRun
);

#[async_trait]
impl Operator for GetDataQualityEvaluationRun {
    type Input = RunId;
    type Output = DataQualityRunStatus;
    const NAME: &'static str = "glue_get_data_quality_evaluation_run";
    const DESCRIPTION: &'static str =
        "Reads the status, error and result ids of a Glue Data Quality evaluation run.";
    const ACTIONS: &'static [Action] = &[actions::glue::GET_DATA_QUALITY_RULESET_EVALUATION_RUN];

    async fn execute(&self, input: RunId, _: AccessChecked<Self>) -> Result<DataQualityRunStatus> {
        check_run_id(&input.run_id)?;
        let o = unchecked_glue_client(&self.conn)
            .get_data_quality_ruleset_evaluation_run()
            .run_id(&input.run_id)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::glue::GET_DATA_QUALITY_RULESET_EVALUATION_RUN)
                    .with_resource(input.run_id.clone())
            })?;
        Ok(run_status!(
            o,
            recommended_ruleset: None,
            created_ruleset_name: None,
            ruleset_names: o.ruleset_names.unwrap_or_default(),
            result_ids: o.result_ids.unwrap_or_default(),
        ))
    }
}

/// Input of `glue_list_data_quality_results`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListResultsInput {
    /// Only results of this table.
    #[serde(default)]
    pub table: Option<DataQualityTable>,
    /// Only results of this Glue job.
    #[serde(default)]
    pub job_name: Option<String>,
    /// Page size, 1-1000.
    #[serde(default)]
    pub max_results: Option<i32>,
    /// The `next_token` of a previous page.
    #[serde(default)]
    pub next_token: Option<String>,
}

/// One data quality result.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DataQualityResultSummary {
    /// Result id.
    pub result_id: Option<String>,
    /// The table evaluated.
    pub table: Option<DataQualityTable>,
    /// The Glue job, for results of ETL jobs.
    pub job_name: Option<String>,
    /// The job run.
    pub job_run_id: Option<String>,
    /// Start time of the run.
    pub started_on: Option<String>,
}

/// One page of results.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ListResultsOutput {
    /// Results, newest first as Glue returns them.
    pub results: Vec<DataQualityResultSummary>,
    /// Pass back to get the next page; absent on the last page.
    pub next_token: Option<String>,
}

operator_struct!(
    #[doc = "Lists data quality results, one page per call (ReadOnly)."]
    ListDataQualityResults
);

#[async_trait]
impl Operator for ListDataQualityResults {
    type Input = ListResultsInput;
    type Output = ListResultsOutput;
    const NAME: &'static str = "glue_list_data_quality_results";
    const DESCRIPTION: &'static str =
        "Lists Glue Data Quality results, optionally of one table or job; one page and a next_token.";
    const ACTIONS: &'static [Action] = &[actions::glue::LIST_DATA_QUALITY_RESULTS];

    async fn execute(
        &self,
        input: ListResultsInput,
        _: AccessChecked<Self>,
    ) -> Result<ListResultsOutput> {
        check_page(input.max_results)?;
        if let Some(j) = &input.job_name {
            check_len("job_name", j, 255)?;
        }
        let filter = if input.table.is_some() || input.job_name.is_some() {
            Some(
                sdk::DataQualityResultFilterCriteria::builder()
                    .set_data_source(
                        input
                            .table
                            .as_ref()
                            .map(DataQualityTable::data_source)
                            .transpose()?,
                    )
                    .set_job_name(input.job_name)
                    .build(),
            )
        } else {
            None
        };
        let out = unchecked_glue_client(&self.conn)
            .list_data_quality_results()
            .set_filter(filter)
            .set_max_results(input.max_results)
            .set_next_token(input.next_token)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, actions::glue::LIST_DATA_QUALITY_RESULTS))?;
        Ok(ListResultsOutput {
            results: out
                .results
                .iter()
                .map(|r| DataQualityResultSummary {
                    result_id: r.result_id.clone(),
                    table: r
                        .data_source
                        .as_ref()
                        .and_then(DataQualityTable::from_source),
                    job_name: r.job_name.clone(),
                    job_run_id: r.job_run_id.clone(),
                    started_on: time(r.started_on.as_ref()),
                })
                .collect(),
            next_token: out.next_token,
        })
    }
}

chicory_aws_core::record_kind!(
    DataQualityRulesetRecord => "glue_data_quality_ruleset",
);
