//! Domains and their projects: records, scanners, and the listings the scan walks.

use crate::records::{time, Origin};
use crate::scan::{kind_scanner, RecordStream, ScanContext};
use aws_sdk_datazone::types::{self as dz, DomainSummary};
use chicory_aws_core::actions;
use chicory_aws_core::scan::{paged, Page, Part, ScanStream, ScanStreamExt};
use serde::Serialize;
use std::sync::Arc;

/// A DataZone domain.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_domain")]
pub struct DomainRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id (`dzd_...`).
    pub domain_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// ARN.
    pub arn: String,
    /// Account that manages the domain.
    pub managed_account_id: String,
    /// Status, e.g. `AVAILABLE`.
    pub status: String,
    /// Data portal URL.
    pub portal_url: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Last updated (RFC 3339).
    pub last_updated_at: Option<String>,
}

impl DomainRecord {
    pub(crate) fn new(origin: &Origin, d: &dz::DomainSummary) -> Self {
        DomainRecord {
            origin: origin.clone(),
            domain_id: d.id.clone(),
            name: d.name.clone(),
            description: d.description.clone(),
            arn: d.arn.clone(),
            managed_account_id: d.managed_account_id.clone(),
            status: d.status.as_str().to_owned(),
            portal_url: d.portal_url.clone(),
            created_at: time(Some(&d.created_at)),
            last_updated_at: time(d.last_updated_at.as_ref()),
        }
    }
}

/// A DataZone project.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_project")]
pub struct ProjectRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Project id.
    pub project_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Status, e.g. `ACTIVE`.
    pub status: Option<String>,
    /// Who created it (user id).
    pub created_by: String,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
}

impl ProjectRecord {
    pub(crate) fn new(origin: &Origin, p: &dz::ProjectSummary) -> Self {
        ProjectRecord {
            origin: origin.clone(),
            domain_id: p.domain_id.clone(),
            project_id: p.id.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            status: p.project_status.as_ref().map(|s| s.as_str().to_owned()),
            created_by: p.created_by.clone(),
            created_at: time(p.created_at.as_ref()),
            updated_at: time(p.updated_at.as_ref()),
        }
    }
}

impl ScanContext {
    /// The domains to scan, lazily.
    pub(crate) fn domains(&self) -> ScanStream<DomainSummary> {
        let wanted = self.options.domains.clone();
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(actions::datazone::LIST_DOMAINS, "");
        paged(part, self.retry, move |token| {
            let req = client
                .list_domains()
                .set_max_results(size)
                .set_next_token(token);
            async move { req.send().await.map(|p| Page::new(p.items, p.next_token)) }
        })
        .filter_map_records(move |d| (wanted.is_empty() || wanted.contains(&d.id)).then_some(d))
    }

    /// Projects of a domain, each followed by its environments and data sources.
    pub(crate) fn projects(self: &Arc<Self>, domain: String) -> RecordStream {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(actions::datazone::LIST_PROJECTS, format!("domain={domain}"));
        let context = self.clone();
        paged(part, self.retry, move |token| {
            let req = client
                .list_projects()
                .domain_identifier(&domain)
                .set_max_results(size)
                .set_next_token(token);
            async move {
                req.send()
                    .await
                    .map(|p| Page::new(p.items.unwrap_or_default(), p.next_token))
            }
        })
        .flat_map_records(self.concurrency, move |p| context.project(p))
    }
}

kind_scanner!(
    /// Scans DataZone domains (`ListDomains`).
    DomainScanner, Domain, DomainRecord, "datazone_domains", []
);
kind_scanner!(
    /// Scans the projects of each domain (`ListProjects`).
    ProjectScanner, Project, ProjectRecord, "datazone_projects",
    [actions::datazone::LIST_PROJECTS]
);

chicory_aws_core::record_kind!(
    DomainRecord => "datazone_domain",
    ProjectRecord => "datazone_project",
);
