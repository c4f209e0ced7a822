//! Environments of projects and environment profiles of domains: records and scanners.

use crate::records::{time, Origin};
use crate::scan::{kind_scanner, DataZoneRecord, RecordStream, ScanContext};
use aws_sdk_datazone::types as dz;
use chicory_aws_core::actions;
use chicory_aws_core::scan::{paged, Page, Part, ScanStreamExt};
use serde::Serialize;

/// A DataZone environment of a project.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_environment")]
pub struct EnvironmentRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Project id.
    pub project_id: String,
    /// Environment id.
    pub environment_id: Option<String>,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Environment profile id.
    pub environment_profile_id: String,
    /// Account the environment deploys into.
    pub aws_account_id: Option<String>,
    /// Region the environment deploys into.
    pub aws_account_region: Option<String>,
    /// Provider, e.g. `Amazon DataZone`.
    pub provider: String,
    /// Status, e.g. `ACTIVE`.
    pub status: Option<String>,
    /// Who created it.
    pub created_by: String,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
}

impl EnvironmentRecord {
    pub(crate) fn new(origin: &Origin, e: &dz::EnvironmentSummary) -> Self {
        EnvironmentRecord {
            origin: origin.clone(),
            domain_id: e.domain_id.clone(),
            project_id: e.project_id.clone(),
            environment_id: e.id.clone(),
            name: e.name.clone(),
            description: e.description.clone(),
            environment_profile_id: e.environment_profile_id.clone(),
            aws_account_id: e.aws_account_id.clone(),
            aws_account_region: e.aws_account_region.clone(),
            provider: e.provider.clone(),
            status: e.status.as_ref().map(|s| s.as_str().to_owned()),
            created_by: e.created_by.clone(),
            created_at: time(e.created_at.as_ref()),
            updated_at: time(e.updated_at.as_ref()),
        }
    }
}

/// A DataZone environment profile.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_environment_profile")]
pub struct EnvironmentProfileRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Profile id.
    pub environment_profile_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Blueprint id.
    pub environment_blueprint_id: String,
    /// Project id (if the profile belongs to one).
    pub project_id: Option<String>,
    /// Target account.
    pub aws_account_id: Option<String>,
    /// Target region.
    pub aws_account_region: Option<String>,
    /// Who created it.
    pub created_by: String,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
}

impl EnvironmentProfileRecord {
    pub(crate) fn new(origin: &Origin, p: &dz::EnvironmentProfileSummary) -> Self {
        EnvironmentProfileRecord {
            origin: origin.clone(),
            domain_id: p.domain_id.clone(),
            environment_profile_id: p.id.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            environment_blueprint_id: p.environment_blueprint_id.clone(),
            project_id: p.project_id.clone(),
            aws_account_id: p.aws_account_id.clone(),
            aws_account_region: p.aws_account_region.clone(),
            created_by: p.created_by.clone(),
            created_at: time(p.created_at.as_ref()),
            updated_at: time(p.updated_at.as_ref()),
        }
    }
}

impl ScanContext {
    pub(crate) fn environments(&self, domain: String, project: String) -> RecordStream {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(
            actions::datazone::LIST_ENVIRONMENTS,
            format!("domain={domain} project={project}"),
        );
        let origin = self.origin.clone();
        paged(part, self.retry, move |token| {
            let req = client
                .list_environments()
                .domain_identifier(&domain)
                .project_identifier(&project)
                .set_max_results(size)
                .set_next_token(token);
            async move { req.send().await.map(|p| Page::new(p.items, p.next_token)) }
        })
        .map_records(move |e| DataZoneRecord::Environment(EnvironmentRecord::new(&origin, &e)))
    }

    pub(crate) fn environment_profiles(&self, domain: String) -> RecordStream {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(
            actions::datazone::LIST_ENVIRONMENT_PROFILES,
            format!("domain={domain}"),
        );
        let origin = self.origin.clone();
        paged(part, self.retry, move |token| {
            let req = client
                .list_environment_profiles()
                .domain_identifier(&domain)
                .set_max_results(size)
                .set_next_token(token);
            async move { req.send().await.map(|p| Page::new(p.items, p.next_token)) }
        })
        .map_records(move |e| {
            DataZoneRecord::EnvironmentProfile(EnvironmentProfileRecord::new(&origin, &e))
        })
    }
}

kind_scanner!(
    /// Scans the environments of each project (`ListEnvironments`).
    EnvironmentScanner, Environment, EnvironmentRecord, "datazone_environments",
    [actions::datazone::LIST_PROJECTS, actions::datazone::LIST_ENVIRONMENTS]
);
kind_scanner!(
    /// Scans the environment profiles of each domain (`ListEnvironmentProfiles`).
    EnvironmentProfileScanner, EnvironmentProfile,
    EnvironmentProfileRecord, "datazone_environment_profiles",
    [actions::datazone::LIST_ENVIRONMENT_PROFILES]
);

chicory_aws_core::record_kind!(
    EnvironmentRecord => "datazone_environment",
    EnvironmentProfileRecord => "datazone_environment_profile",
);
