//! Athena write operators: workgroup create and delete (ReadWrite).

use crate::unchecked_athena_client;
use async_trait::async_trait;
use chicory_aws_core::{actions, operator_struct, AccessChecked, Action, Error, Operator, Result};
use serde::{Deserialize, Serialize};

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

pub(crate) fn check_workgroup(name: &str) -> Result<()> {
    if name.is_empty()
        || name.len() > 128
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    {
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
