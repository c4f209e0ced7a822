//! Athena workgroups: records, the scanner, and the create, update and delete operators.

use crate::athena::AthenaError;
use crate::client::unchecked_athena_client;
use crate::records::time;
use async_trait::async_trait;
use aws_sdk_athena::types as sdk;
use chicory_aws_core::scan::{paged, Page, PageRetry, Part, ScanStream};
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Connection, Error, Operator, Result, Scanner,
};
use serde::{Deserialize, Serialize};

/// An Athena workgroup.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "athena_workgroup")]
pub struct WorkGroupRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Name.
    pub name: Option<String>,
    /// `ENABLED` or `DISABLED`.
    pub state: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Creation time.
    pub creation_time: Option<String>,
}

/// Scans Athena workgroups.
#[derive(Debug, Clone)]
pub struct WorkGroupScanner {
    client: aws_sdk_athena::Client,
    account_id: String,
    region: String,
    retry: PageRetry,
}

impl WorkGroupScanner {
    /// A scanner over `conn`.
    pub fn new(conn: &Connection) -> Self {
        WorkGroupScanner {
            client: unchecked_athena_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
            retry: conn.page_retry(),
        }
    }
}

impl Scanner for WorkGroupScanner {
    type Record = WorkGroupRecord;
    fn name(&self) -> &'static str {
        "athena_workgroups"
    }
    fn actions(&self) -> &'static [Action] {
        &[actions::athena::LIST_WORK_GROUPS]
    }
    fn scan(&self) -> ScanStream<WorkGroupRecord> {
        let (client, account_id, region) = (
            self.client.clone(),
            self.account_id.clone(),
            self.region.clone(),
        );
        let part = Part::new(actions::athena::LIST_WORK_GROUPS, "");
        paged(part, self.retry, move |token| {
            let req = client.list_work_groups().set_next_token(token);
            let (account_id, region) = (account_id.clone(), region.clone());
            async move {
                let p = req.send().await?;
                let records = p
                    .work_groups
                    .unwrap_or_default()
                    .iter()
                    .map(|w| WorkGroupRecord {
                        account_id: account_id.clone(),
                        region: region.clone(),
                        name: w.name.clone(),
                        state: w.state.as_ref().map(|s| s.as_str().to_owned()),
                        description: w.description.clone(),
                        creation_time: time(w.creation_time.as_ref()),
                    })
                    .collect();
                Ok::<_, AthenaError<_>>(Page::new(records, p.next_token))
            }
        })
    }
}

/// Input of the workgroup operators.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkGroupInput {
    /// Workgroup name: 1-128 characters of `A-Za-z0-9._-`.
    pub name: String,
    /// Description (create only).
    #[serde(default)]
    pub description: Option<String>,
    /// Query results location, `s3://...` (create only).
    #[serde(default)]
    pub output_location: Option<String>,
}

/// What a workgroup operator did.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WorkGroupOutcome {
    /// The workgroup.
    pub name: String,
}

/// Athena's rule for a workgroup name: 1-128 characters of `A-Za-z0-9._-`.
pub(crate) fn is_workgroup_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

pub(crate) fn check_workgroup(name: &str) -> Result<()> {
    if !is_workgroup_name(name) {
        return Err(Error::invalid("name", "1-128 characters of A-Za-z0-9._-"));
    }
    Ok(())
}

operator_struct!(
    /// Creates an Athena workgroup (ReadWrite).
    CreateWorkGroup
);

#[async_trait]
impl Operator for CreateWorkGroup {
    type Input = WorkGroupInput;
    type Output = WorkGroupOutcome;
    const NAME: &'static str = "athena_create_workgroup";
    const DESCRIPTION: &'static str = "Creates an Athena workgroup.";
    const ACTIONS: &'static [Action] = &[actions::athena::CREATE_WORK_GROUP];

    async fn execute(
        &self,
        input: WorkGroupInput,
        _: AccessChecked<Self>,
    ) -> Result<WorkGroupOutcome> {
        check_workgroup(&input.name)?;
        let mut req = unchecked_athena_client(&self.conn)
            .create_work_group()
            .name(&input.name)
            .set_description(input.description);
        if let Some(loc) = input.output_location {
            if !loc.starts_with("s3://") {
                return Err(Error::invalid("output_location", "must start with s3://"));
            }
            req = req.configuration(
                aws_sdk_athena::types::WorkGroupConfiguration::builder()
                    .result_configuration(
                        aws_sdk_athena::types::ResultConfiguration::builder()
                            .output_location(loc)
                            .build(),
                    )
                    .build(),
            );
        }
        req.send().await.map_err(|e| {
            Error::from_sdk(e, actions::athena::CREATE_WORK_GROUP).with_resource(input.name.clone())
        })?;
        Ok(WorkGroupOutcome { name: input.name })
    }
}

operator_struct!(
    /// Deletes an Athena workgroup and its named queries (ReadWrite).
    DeleteWorkGroup
);

#[async_trait]
impl Operator for DeleteWorkGroup {
    type Input = WorkGroupInput;
    type Output = WorkGroupOutcome;
    const NAME: &'static str = "athena_delete_workgroup";
    const DESCRIPTION: &'static str = "Deletes an Athena workgroup.";
    const ACTIONS: &'static [Action] = &[actions::athena::DELETE_WORK_GROUP];

    async fn execute(
        &self,
        input: WorkGroupInput,
        _: AccessChecked<Self>,
    ) -> Result<WorkGroupOutcome> {
        check_workgroup(&input.name)?;
        unchecked_athena_client(&self.conn)
            .delete_work_group()
            .work_group(&input.name)
            .recursive_delete_option(true)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::athena::DELETE_WORK_GROUP)
                    .with_resource(input.name.clone())
            })?;
        Ok(WorkGroupOutcome { name: input.name })
    }
}

/// Input of `athena_update_workgroup`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkGroupInput {
    /// Workgroup name: 1-128 characters of `A-Za-z0-9._-`.
    pub name: String,
    /// New description (up to 1024 characters).
    #[serde(default)]
    pub description: Option<String>,
    /// `ENABLED` or `DISABLED`.
    #[serde(default)]
    pub state: Option<String>,
    /// New query results location, `s3://...`.
    #[serde(default)]
    pub output_location: Option<String>,
    /// Per-query scan limit in bytes (at least 10 MB).
    #[serde(default)]
    pub bytes_scanned_cutoff_per_query: Option<i64>,
    /// Whether the workgroup's settings override the clients'.
    #[serde(default)]
    pub enforce_work_group_configuration: Option<bool>,
}

operator_struct!(
    /// Updates an Athena workgroup: description, state, results location, limits (ReadWrite).
    UpdateWorkGroup
);

#[async_trait]
impl Operator for UpdateWorkGroup {
    type Input = UpdateWorkGroupInput;
    type Output = WorkGroupOutcome;
    const NAME: &'static str = "athena_update_workgroup";
    const DESCRIPTION: &'static str =
        "Updates an Athena workgroup: description, state, results location, scan limit.";
    const ACTIONS: &'static [Action] = &[actions::athena::UPDATE_WORK_GROUP];
    const REQUIRES_ONE_OF: &'static [&'static [&'static str]] = &[&[
        "description",
        "state",
        "output_location",
        "bytes_scanned_cutoff_per_query",
        "enforce_work_group_configuration",
    ]];

    async fn execute(
        &self,
        input: UpdateWorkGroupInput,
        _: AccessChecked<Self>,
    ) -> Result<WorkGroupOutcome> {
        check_workgroup(&input.name)?;
        if matches!(&input.description, Some(d) if d.len() > 1024) {
            return Err(Error::invalid("description", "at most 1024 characters"));
        }
        let state = match input.state.as_deref() {
            None => None,
            Some("ENABLED") => Some(sdk::WorkGroupState::Enabled),
            Some("DISABLED") => Some(sdk::WorkGroupState::Disabled),
            Some(_) => return Err(Error::invalid("state", "ENABLED or DISABLED")),
        };
        if matches!(&input.output_location, Some(l) if !l.starts_with("s3://")) {
            return Err(Error::invalid("output_location", "must start with s3://"));
        }
        if matches!(input.bytes_scanned_cutoff_per_query, Some(b) if b < 10_000_000) {
            return Err(Error::invalid(
                "bytes_scanned_cutoff_per_query",
                "at least 10000000 (10 MB)",
            ));
        }
        let config = (input.output_location.is_some()
            || input.bytes_scanned_cutoff_per_query.is_some()
            || input.enforce_work_group_configuration.is_some())
        .then(|| {
            sdk::WorkGroupConfigurationUpdates::builder()
                .set_result_configuration_updates(input.output_location.clone().map(|l| {
                    sdk::ResultConfigurationUpdates::builder()
                        .output_location(l)
                        .build()
                }))
                .set_bytes_scanned_cutoff_per_query(input.bytes_scanned_cutoff_per_query)
                .set_enforce_work_group_configuration(input.enforce_work_group_configuration)
                .build()
        });
        if state.is_none() && config.is_none() && input.description.is_none() {
            return Err(Error::invalid(
                "description",
                "nothing to update: give at least one of description, state, output_location, \
                 bytes_scanned_cutoff_per_query, enforce_work_group_configuration",
            ));
        }
        unchecked_athena_client(&self.conn)
            .update_work_group()
            .work_group(&input.name)
            .set_description(input.description)
            .set_state(state)
            .set_configuration_updates(config)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::athena::UPDATE_WORK_GROUP)
                    .with_resource(input.name.clone())
            })?;
        Ok(WorkGroupOutcome { name: input.name })
    }
}

chicory_aws_core::record_kind!(
    WorkGroupRecord => "athena_workgroup",
);
