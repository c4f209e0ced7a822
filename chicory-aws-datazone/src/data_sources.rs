//! Data sources of projects: records, scanner, and the operators that create, update and delete
//! Glue data sources.

use crate::client::unchecked_datazone_client;
use crate::operate::{build_error, DeleteInput, Deleted};
use crate::records::{time, Origin};
use crate::scan::{kind_scanner, DataZoneRecord, RecordStream, ScanContext};
use crate::validate::{check_domain_id, check_id, check_name, check_text};
use async_trait::async_trait;
use aws_sdk_datazone::operation::get_data_source::GetDataSourceOutput;
use aws_sdk_datazone::types as dz;
use chicory_aws_core::scan::{paged, Page, Part, ScanStreamExt};
use chicory_aws_core::{actions, operator_struct, AccessChecked, Action, Error, Operator, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A relational filter of a data source: which database (and schema) it imports.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RelationalFilter {
    /// Database name.
    pub database_name: String,
    /// Schema name (Redshift).
    pub schema_name: Option<String>,
    /// Filter expressions as `INCLUDE:pattern` / `EXCLUDE:pattern`.
    pub filter_expressions: Vec<String>,
}

impl From<&dz::RelationalFilterConfiguration> for RelationalFilter {
    fn from(r: &dz::RelationalFilterConfiguration) -> Self {
        RelationalFilter {
            database_name: r.database_name.clone(),
            schema_name: r.schema_name.clone(),
            filter_expressions: r
                .filter_expressions
                .iter()
                .flatten()
                .map(|f| format!("{}:{}", f.r#type.as_str(), f.expression))
                .collect(),
        }
    }
}

/// The run configuration of a data source.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DataSourceConfiguration {
    /// `GLUE`, `REDSHIFT`, `SAGEMAKER` or `UNKNOWN`.
    pub source_type: String,
    /// Role DataZone uses to read the source.
    pub data_access_role: Option<String>,
    /// Source account.
    pub account_id: Option<String>,
    /// Source region.
    pub region: Option<String>,
    /// What is imported.
    pub relational_filters: Vec<RelationalFilter>,
}

impl From<&dz::DataSourceConfigurationOutput> for DataSourceConfiguration {
    fn from(c: &dz::DataSourceConfigurationOutput) -> Self {
        use dz::DataSourceConfigurationOutput as C;
        let filters = |v: &[dz::RelationalFilterConfiguration]| v.iter().map(Into::into).collect();
        match c {
            C::GlueRunConfiguration(g) => DataSourceConfiguration {
                source_type: "GLUE".into(),
                data_access_role: g.data_access_role.clone(),
                account_id: g.account_id.clone(),
                region: g.region.clone(),
                relational_filters: filters(&g.relational_filter_configurations),
            },
            C::RedshiftRunConfiguration(r) => DataSourceConfiguration {
                source_type: "REDSHIFT".into(),
                data_access_role: r.data_access_role.clone(),
                account_id: r.account_id.clone(),
                region: r.region.clone(),
                relational_filters: filters(&r.relational_filter_configurations),
            },
            C::SageMakerRunConfiguration(s) => DataSourceConfiguration {
                source_type: "SAGEMAKER".into(),
                data_access_role: None,
                account_id: s.account_id.clone(),
                region: s.region.clone(),
                relational_filters: Vec::new(),
            },
            _ => DataSourceConfiguration {
                source_type: "UNKNOWN".into(),
                data_access_role: None,
                account_id: None,
                region: None,
                relational_filters: Vec::new(),
            },
        }
    }
}

/// A DataZone data source, with its configuration and last run status.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_data_source")]
pub struct DataSourceRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Project id.
    pub project_id: String,
    /// Data source id.
    pub data_source_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Environment id.
    pub environment_id: Option<String>,
    /// Status, e.g. `READY`.
    pub status: Option<String>,
    /// `ENABLED` / `DISABLED`.
    pub enable_setting: Option<String>,
    /// Whether imported assets are published right away.
    pub publish_on_import: Option<bool>,
    /// Schedule expression, e.g. `cron(0 3 * * ? *)`.
    pub schedule: Option<String>,
    /// Run configuration.
    pub configuration: Option<DataSourceConfiguration>,
    /// Last run status, e.g. `SUCCESS`.
    pub last_run_status: Option<String>,
    /// Last run (RFC 3339).
    pub last_run_at: Option<String>,
    /// Last run error, `TYPE: detail`.
    pub last_run_error: Option<String>,
    /// Assets the last run imported.
    pub last_run_asset_count: Option<i32>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
}

fn error_message(e: Option<&dz::DataSourceErrorMessage>) -> Option<String> {
    e.map(|e| match &e.error_detail {
        Some(d) => format!("{}: {d}", e.error_type.as_str()),
        None => e.error_type.as_str().to_owned(),
    })
}

macro_rules! data_source_from {
    ($name:ident, $ty:ty) => {
        impl DataSourceRecord {
            pub(crate) fn $name(origin: &Origin, d: &$ty) -> Self {
                DataSourceRecord {
                    origin: origin.clone(),
                    domain_id: d.domain_id.clone(),
                    project_id: d.project_id.clone(),
                    data_source_id: d.id.clone(),
                    name: d.name.clone(),
                    description: d.description.clone(),
                    environment_id: d.environment_id.clone(),
                    status: d.status.as_ref().map(|s| s.as_str().to_owned()),
                    enable_setting: d.enable_setting.as_ref().map(|s| s.as_str().to_owned()),
                    publish_on_import: d.publish_on_import,
                    schedule: d.schedule.as_ref().and_then(|s| s.schedule.clone()),
                    configuration: d.configuration.as_ref().map(Into::into),
                    last_run_status: d.last_run_status.as_ref().map(|s| s.as_str().to_owned()),
                    last_run_at: time(d.last_run_at.as_ref()),
                    last_run_error: error_message(d.last_run_error_message.as_ref()),
                    last_run_asset_count: None,
                    created_at: time(d.created_at.as_ref()),
                    updated_at: time(d.updated_at.as_ref()),
                }
            }
        }
    };
}
data_source_from!(
    from_get,
    aws_sdk_datazone::operation::get_data_source::GetDataSourceOutput
);
data_source_from!(
    from_create,
    aws_sdk_datazone::operation::create_data_source::CreateDataSourceOutput
);
data_source_from!(
    from_update,
    aws_sdk_datazone::operation::update_data_source::UpdateDataSourceOutput
);
data_source_from!(
    from_delete,
    aws_sdk_datazone::operation::delete_data_source::DeleteDataSourceOutput
);

impl ScanContext {
    /// Data sources of a project, each read in full (`GetDataSource`).
    pub(crate) fn data_sources(self: &Arc<Self>, domain: String, project: String) -> RecordStream {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(
            actions::datazone::LIST_DATA_SOURCES,
            format!("domain={domain} project={project}"),
        );
        let sources = paged(part, self.retry, move |token| {
            let req = client
                .list_data_sources()
                .domain_identifier(&domain)
                .project_identifier(&project)
                .set_max_results(size)
                .set_next_token(token);
            async move { req.send().await.map(|p| Page::new(p.items, p.next_token)) }
        })
        .map_records(|s| (s.domain_id, s.data_source_id));
        self.read_each(
            sources,
            actions::datazone::GET_DATA_SOURCE,
            "data_source",
            |client, domain, id| {
                client
                    .get_data_source()
                    .domain_identifier(domain)
                    .identifier(id)
                    .send()
            },
            |origin, out: GetDataSourceOutput| {
                let mut r = DataSourceRecord::from_get(origin, &out);
                r.last_run_asset_count = out.last_run_asset_count;
                DataZoneRecord::DataSource(r)
            },
        )
    }
}

kind_scanner!(
    /// Scans the data sources of each project (`ListDataSources`, then `GetDataSource` for the
    /// configuration and last run status).
    DataSourceScanner, DataSource, DataSourceRecord, "datazone_data_sources",
    [actions::datazone::LIST_PROJECTS, actions::datazone::LIST_DATA_SOURCES,
     actions::datazone::GET_DATA_SOURCE]
);

/// A Glue database a data source imports, with optional table filters.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlueDatabaseFilter {
    /// Glue database name.
    pub database_name: String,
    /// Table name patterns to include (e.g. `orders*`).
    #[serde(default)]
    pub include: Vec<String>,
    /// Table name patterns to exclude.
    #[serde(default)]
    pub exclude: Vec<String>,
}

fn glue_configuration(
    filters: &[GlueDatabaseFilter],
    data_access_role: Option<String>,
) -> Result<dz::DataSourceConfigurationInput> {
    if filters.is_empty() {
        return Err(Error::invalid(
            "glue_databases",
            "must name at least one database",
        ));
    }
    let mut configs = Vec::new();
    for f in filters {
        check_name("glue_databases.database_name", &f.database_name, 255)?;
        let mut exprs = Vec::new();
        for (t, list) in [
            (dz::FilterExpressionType::Include, &f.include),
            (dz::FilterExpressionType::Exclude, &f.exclude),
        ] {
            for e in list {
                check_name("glue_databases.filters", e, 2048)?;
                exprs.push(
                    dz::FilterExpression::builder()
                        .r#type(t.clone())
                        .expression(e)
                        .build()
                        .map_err(build_error)?,
                );
            }
        }
        configs.push(
            dz::RelationalFilterConfiguration::builder()
                .database_name(&f.database_name)
                .set_filter_expressions((!exprs.is_empty()).then_some(exprs))
                .build()
                .map_err(build_error)?,
        );
    }
    Ok(dz::DataSourceConfigurationInput::GlueRunConfiguration(
        dz::GlueRunConfigurationInput::builder()
            .set_relational_filter_configurations(Some(configs))
            .set_data_access_role(data_access_role)
            .build()
            .map_err(build_error)?,
    ))
}

/// `ENABLED` or `DISABLED`.
fn enable_setting(v: bool) -> dz::EnableSetting {
    if v {
        dz::EnableSetting::Enabled
    } else {
        dz::EnableSetting::Disabled
    }
}

/// A schedule, checked: a `cron(...)` expression of 1 to 256 characters.
fn cron_schedule(s: &str) -> Result<dz::ScheduleConfiguration> {
    check_name("schedule", s, 256)?;
    if !s.starts_with("cron(") || !s.ends_with(')') {
        return Err(Error::invalid("schedule", "must be a cron(...) expression"));
    }
    Ok(dz::ScheduleConfiguration::builder().schedule(s).build())
}

/// What a create and an update both set, checked and built before any request.
struct DataSourceSettings {
    description: Option<String>,
    configuration: Option<dz::DataSourceConfigurationInput>,
    enable_setting: Option<dz::EnableSetting>,
    schedule: Option<dz::ScheduleConfiguration>,
    publish_on_import: Option<bool>,
}

impl DataSourceSettings {
    /// Checks the description, then builds the Glue configuration (databases and access role)
    /// and the schedule: the first of them that is invalid is the error.
    fn new(
        description: Option<String>,
        glue: Option<(&[GlueDatabaseFilter], Option<String>)>,
        enabled: Option<bool>,
        schedule: Option<&str>,
        publish_on_import: Option<bool>,
    ) -> Result<Self> {
        check_text("description", description.as_deref(), 2048)?;
        let configuration = glue
            .map(|(filters, role)| glue_configuration(filters, role))
            .transpose()?;
        Ok(DataSourceSettings {
            description,
            configuration,
            enable_setting: enabled.map(enable_setting),
            schedule: schedule.map(cron_schedule).transpose()?,
            publish_on_import,
        })
    }
}

/// Sets [`DataSourceSettings`] on a `CreateDataSource` or `UpdateDataSource` request (two
/// builders with the same setters, and no trait in common).
macro_rules! with_settings {
    ($request:expr, $settings:expr) => {{
        let settings: DataSourceSettings = $settings;
        $request
            .set_description(settings.description)
            .set_configuration(settings.configuration)
            .set_enable_setting(settings.enable_setting)
            .set_schedule(settings.schedule)
            .set_publish_on_import(settings.publish_on_import)
    }};
}

/// Input of [`CreateDataSource`] (a Glue data source).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDataSourceInput {
    /// Domain id.
    pub domain_id: String,
    /// Project that owns the data source.
    pub project_id: String,
    /// Environment to publish into.
    #[serde(default)]
    pub environment_id: Option<String>,
    /// Name (1..=256 characters).
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Glue databases to import.
    pub glue_databases: Vec<GlueDatabaseFilter>,
    /// Role DataZone assumes to read Glue.
    #[serde(default)]
    pub data_access_role: Option<String>,
    /// Enabled (default true).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Schedule, e.g. `cron(0 3 * * ? *)`.
    #[serde(default)]
    pub schedule: Option<String>,
    /// Publish imported assets right away.
    #[serde(default)]
    pub publish_on_import: Option<bool>,
}

operator_struct!(
    /// Creates a Glue data source in a project (ReadWrite).
    CreateDataSource
);

#[async_trait]
impl Operator for CreateDataSource {
    type Input = CreateDataSourceInput;
    type Output = DataSourceRecord;
    const NAME: &'static str = "datazone_create_data_source";
    const DESCRIPTION: &'static str =
        "Creates an AWS Glue data source in an Amazon DataZone project.";
    const ACTIONS: &'static [Action] = &[actions::datazone::CREATE_DATA_SOURCE];

    async fn execute(
        &self,
        input: CreateDataSourceInput,
        _: AccessChecked<Self>,
    ) -> Result<DataSourceRecord> {
        check_domain_id("domain_id", &input.domain_id)?;
        check_id("project_id", &input.project_id)?;
        if let Some(e) = &input.environment_id {
            check_id("environment_id", e)?;
        }
        check_name("name", &input.name, 256)?;
        let settings = DataSourceSettings::new(
            input.description,
            Some((&input.glue_databases, input.data_access_role)),
            Some(input.enabled.unwrap_or(true)),
            input.schedule.as_deref(),
            input.publish_on_import,
        )?;
        let request = unchecked_datazone_client(&self.conn)
            .create_data_source()
            .domain_identifier(&input.domain_id)
            .project_identifier(&input.project_id)
            .set_environment_identifier(input.environment_id)
            .name(&input.name)
            .r#type("GLUE");
        let out = with_settings!(request, settings)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::CREATE_DATA_SOURCE)
                    .with_resource(format!("{}/{}", input.domain_id, input.name))
            })?;
        Ok(DataSourceRecord::from_create(&Origin::of(&self.conn), &out))
    }
}

/// Input of [`UpdateDataSource`]: only the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDataSourceInput {
    /// Domain id.
    pub domain_id: String,
    /// Data source id.
    pub data_source_id: String,
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New Glue databases (replace the current ones).
    #[serde(default)]
    pub glue_databases: Option<Vec<GlueDatabaseFilter>>,
    /// Enable or disable.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// New schedule.
    #[serde(default)]
    pub schedule: Option<String>,
    /// Publish imported assets right away.
    #[serde(default)]
    pub publish_on_import: Option<bool>,
}

operator_struct!(
    /// Updates a data source (ReadWrite).
    UpdateDataSource
);

#[async_trait]
impl Operator for UpdateDataSource {
    type Input = UpdateDataSourceInput;
    type Output = DataSourceRecord;
    const NAME: &'static str = "datazone_update_data_source";
    const DESCRIPTION: &'static str =
        "Updates an Amazon DataZone data source: name, description, Glue databases, schedule, enabled.";
    const ACTIONS: &'static [Action] = &[actions::datazone::UPDATE_DATA_SOURCE];

    async fn execute(
        &self,
        input: UpdateDataSourceInput,
        _: AccessChecked<Self>,
    ) -> Result<DataSourceRecord> {
        check_domain_id("domain_id", &input.domain_id)?;
        check_id("data_source_id", &input.data_source_id)?;
        if let Some(n) = &input.name {
            check_name("name", n, 256)?;
        }
        let settings = DataSourceSettings::new(
            input.description,
            input.glue_databases.as_deref().map(|f| (f, None)),
            input.enabled,
            input.schedule.as_deref(),
            input.publish_on_import,
        )?;
        let request = unchecked_datazone_client(&self.conn)
            .update_data_source()
            .domain_identifier(&input.domain_id)
            .identifier(&input.data_source_id)
            .set_name(input.name);
        let out = with_settings!(request, settings)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::UPDATE_DATA_SOURCE)
                    .with_resource(format!("{}/{}", input.domain_id, input.data_source_id))
            })?;
        Ok(DataSourceRecord::from_update(&Origin::of(&self.conn), &out))
    }
}

operator_struct!(
    /// Deletes a data source (ReadWrite).
    DeleteDataSource
);

#[async_trait]
impl Operator for DeleteDataSource {
    type Input = DeleteInput;
    type Output = Deleted;
    const NAME: &'static str = "datazone_delete_data_source";
    const DESCRIPTION: &'static str = "Deletes an Amazon DataZone data source.";
    const ACTIONS: &'static [Action] = &[actions::datazone::DELETE_DATA_SOURCE];

    async fn execute(&self, input: DeleteInput, _: AccessChecked<Self>) -> Result<Deleted> {
        check_domain_id("domain_id", &input.domain_id)?;
        check_id("id", &input.id)?;
        let out = unchecked_datazone_client(&self.conn)
            .delete_data_source()
            .domain_identifier(&input.domain_id)
            .identifier(&input.id)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::DELETE_DATA_SOURCE)
                    .with_resource(format!("{}/{}", input.domain_id, input.id))
            })?;
        let r = DataSourceRecord::from_delete(&Origin::of(&self.conn), &out);
        Ok(Deleted {
            domain_id: input.domain_id,
            id: r.data_source_id,
            status: r.status,
        })
    }
}

chicory_aws_core::record_kind!(
    DataSourceRecord => "datazone_data_source",
);
