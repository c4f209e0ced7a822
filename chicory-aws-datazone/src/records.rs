//! The records the DataZone scanners yield: one serde struct per resource kind, each carrying
//! the account, region and domain it came from.

use aws_sdk_datazone::types as dz;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use serde::Serialize;

pub(crate) fn time(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Origin {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
}

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

/// A metadata form attached to an asset.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Form {
    /// Form name.
    pub form_name: String,
    /// Form type, e.g. `amazon.datazone.GlueTableFormType`.
    pub type_name: Option<String>,
    /// Form type revision.
    pub type_revision: Option<String>,
    /// The form content (a JSON document as text).
    pub content: Option<String>,
}

impl From<&dz::FormOutput> for Form {
    fn from(f: &dz::FormOutput) -> Self {
        Form {
            form_name: f.form_name.clone(),
            type_name: f.type_name.clone(),
            type_revision: f.type_revision.clone(),
            content: f.content.clone(),
        }
    }
}

/// One revision of an asset.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AssetRevisionRecord {
    /// Revision number.
    pub revision: Option<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
}

impl From<&dz::AssetRevision> for AssetRevisionRecord {
    fn from(r: &dz::AssetRevision) -> Self {
        AssetRevisionRecord {
            revision: r.revision.clone(),
            created_by: r.created_by.clone(),
            created_at: time(r.created_at.as_ref()),
        }
    }
}

/// A DataZone asset (inventory), with its forms.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_asset")]
pub struct AssetRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Asset id.
    pub asset_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Asset type, e.g. `amazon.datazone.GlueTableAssetType`.
    pub type_identifier: String,
    /// Asset type revision.
    pub type_revision: String,
    /// Current revision.
    pub revision: String,
    /// External id (e.g. the Glue table ARN).
    pub external_identifier: Option<String>,
    /// Owning project.
    pub owning_project_id: String,
    /// Glossary terms attached.
    pub glossary_terms: Vec<String>,
    /// Listing id, if published.
    pub listing_id: Option<String>,
    /// Listing status, if published.
    pub listing_status: Option<String>,
    /// Metadata forms (business and technical metadata).
    pub forms: Vec<Form>,
    /// Read-only forms set by DataZone.
    pub read_only_forms: Vec<Form>,
    /// Who created this revision.
    pub created_by: Option<String>,
    /// This revision created (RFC 3339).
    pub created_at: Option<String>,
    /// Who created the first revision.
    pub first_revision_created_by: Option<String>,
    /// First revision created (RFC 3339).
    pub first_revision_created_at: Option<String>,
    /// Revisions, when the scan asks for them (`DataZoneOptions::asset_revisions`); `None` if
    /// not asked for, or unread: then the scan has a skipped or incomplete
    /// `datazone:ListAssetRevisions` part for this asset beside the record (never a partial or
    /// empty list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revisions: Option<Vec<AssetRevisionRecord>>,
}

macro_rules! asset_from {
    ($name:ident, $ty:ty) => {
        impl AssetRecord {
            pub(crate) fn $name(origin: &Origin, a: &$ty) -> Self {
                AssetRecord {
                    origin: origin.clone(),
                    domain_id: a.domain_id.clone(),
                    asset_id: a.id.clone(),
                    name: a.name.clone(),
                    description: a.description.clone(),
                    type_identifier: a.type_identifier.clone(),
                    type_revision: a.type_revision.clone(),
                    revision: a.revision.clone(),
                    external_identifier: a.external_identifier.clone(),
                    owning_project_id: a.owning_project_id.clone(),
                    glossary_terms: a.glossary_terms.clone().unwrap_or_default(),
                    listing_id: a.listing.as_ref().map(|l| l.listing_id.clone()),
                    listing_status: a
                        .listing
                        .as_ref()
                        .map(|l| l.listing_status.as_str().to_owned()),
                    forms: a.forms_output.iter().map(Into::into).collect(),
                    read_only_forms: a
                        .read_only_forms_output
                        .iter()
                        .flatten()
                        .map(Into::into)
                        .collect(),
                    created_by: a.created_by.clone(),
                    created_at: time(a.created_at.as_ref()),
                    first_revision_created_by: a.first_revision_created_by.clone(),
                    first_revision_created_at: time(a.first_revision_created_at.as_ref()),
                    revisions: None,
                }
            }
        }
    };
}
asset_from!(
    from_get,
    aws_sdk_datazone::operation::get_asset::GetAssetOutput
);
asset_from!(
    from_create,
    aws_sdk_datazone::operation::create_asset::CreateAssetOutput
);
asset_from!(
    from_revision,
    aws_sdk_datazone::operation::create_asset_revision::CreateAssetRevisionOutput
);

/// A DataZone metadata form type.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_form_type")]
pub struct FormTypeRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Form type name.
    pub name: String,
    /// Revision.
    pub revision: String,
    /// Description.
    pub description: Option<String>,
    /// `ENABLED` / `DISABLED`.
    pub status: Option<String>,
    /// Owning project.
    pub owning_project_id: Option<String>,
    /// Smithy model of the form.
    pub model: Option<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
}

impl FormTypeRecord {
    pub(crate) fn new(origin: &Origin, f: &dz::FormTypeData) -> Self {
        FormTypeRecord {
            origin: origin.clone(),
            domain_id: f.domain_id.clone(),
            name: f.name.clone(),
            revision: f.revision.clone(),
            description: f.description.clone(),
            status: f.status.as_ref().map(|s| s.as_str().to_owned()),
            owning_project_id: f.owning_project_id.clone(),
            model: f.model.as_ref().and_then(|m| m.as_smithy().ok().cloned()),
            created_by: f.created_by.clone(),
            created_at: time(f.created_at.as_ref()),
        }
    }
}

/// A DataZone listing (a published asset or data product in the catalog).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_listing")]
pub struct ListingRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Listing id.
    pub listing_id: String,
    /// Listing revision.
    pub listing_revision: String,
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// `ACTIVE`, `CREATING`, `INACTIVE`.
    pub status: Option<String>,
    /// `ASSET` or `DATA_PRODUCT`.
    pub entity_type: Option<String>,
    /// The listed asset's id.
    pub asset_id: Option<String>,
    /// The listed asset's revision.
    pub asset_revision: Option<String>,
    /// The listed asset's type.
    pub asset_type: Option<String>,
    /// Owning project.
    pub owning_project_id: Option<String>,
    /// The listed forms (JSON text).
    pub forms: Option<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Who updated it.
    pub updated_by: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
}

impl ListingRecord {
    pub(crate) fn new(
        origin: &Origin,
        l: &aws_sdk_datazone::operation::get_listing::GetListingOutput,
    ) -> Self {
        let mut r = ListingRecord {
            origin: origin.clone(),
            domain_id: l.domain_id.clone(),
            listing_id: l.id.clone(),
            listing_revision: l.listing_revision.clone(),
            name: l.name.clone(),
            description: l.description.clone(),
            status: l.status.as_ref().map(|s| s.as_str().to_owned()),
            entity_type: None,
            asset_id: None,
            asset_revision: None,
            asset_type: None,
            owning_project_id: None,
            forms: None,
            created_by: l.created_by.clone(),
            created_at: time(l.created_at.as_ref()),
            updated_by: l.updated_by.clone(),
            updated_at: time(l.updated_at.as_ref()),
        };
        match &l.item {
            Some(dz::ListingItem::AssetListing(a)) => {
                r.entity_type = Some("ASSET".into());
                r.asset_id = a.asset_id.clone();
                r.asset_revision = a.asset_revision.clone();
                r.asset_type = a.asset_type.clone();
                r.owning_project_id = a.owning_project_id.clone();
                r.forms = a.forms.clone();
            }
            Some(dz::ListingItem::DataProductListing(p)) => {
                r.entity_type = Some("DATA_PRODUCT".into());
                r.owning_project_id = p.owning_project_id.clone();
                r.forms = p.forms.clone();
            }
            _ => {}
        }
        r
    }
}

/// A DataZone business glossary.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_glossary")]
pub struct GlossaryRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Glossary id.
    pub glossary_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// `ENABLED` / `DISABLED`.
    pub status: String,
    /// Owning project.
    pub owning_project_id: String,
    /// Who created it.
    pub created_by: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Who updated it.
    pub updated_by: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
}

impl GlossaryRecord {
    pub(crate) fn new(
        origin: &Origin,
        g: &aws_sdk_datazone::operation::get_glossary::GetGlossaryOutput,
    ) -> Self {
        GlossaryRecord {
            origin: origin.clone(),
            domain_id: g.domain_id.clone(),
            glossary_id: g.id.clone(),
            name: g.name.clone(),
            description: g.description.clone(),
            status: g.status.as_str().to_owned(),
            owning_project_id: g.owning_project_id.clone(),
            created_by: g.created_by.clone(),
            created_at: time(g.created_at.as_ref()),
            updated_by: g.updated_by.clone(),
            updated_at: time(g.updated_at.as_ref()),
        }
    }
}

/// A DataZone glossary term.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_glossary_term")]
pub struct GlossaryTermRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Glossary id.
    pub glossary_id: String,
    /// Term id.
    pub term_id: String,
    /// Name.
    pub name: String,
    /// Short description.
    pub short_description: Option<String>,
    /// Long description.
    pub long_description: Option<String>,
    /// `ENABLED` / `DISABLED`.
    pub status: String,
    /// Terms this one is a kind of (`isA`).
    pub is_a: Vec<String>,
    /// Terms this one classifies.
    pub classifies: Vec<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Who updated it.
    pub updated_by: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
}

impl GlossaryTermRecord {
    pub(crate) fn new(
        origin: &Origin,
        t: &aws_sdk_datazone::operation::get_glossary_term::GetGlossaryTermOutput,
    ) -> Self {
        GlossaryTermRecord {
            origin: origin.clone(),
            domain_id: t.domain_id.clone(),
            glossary_id: t.glossary_id.clone(),
            term_id: t.id.clone(),
            name: t.name.clone(),
            short_description: t.short_description.clone(),
            long_description: t.long_description.clone(),
            status: t.status.as_str().to_owned(),
            is_a: t
                .term_relations
                .as_ref()
                .and_then(|r| r.is_a.clone())
                .unwrap_or_default(),
            classifies: t
                .term_relations
                .as_ref()
                .and_then(|r| r.classifies.clone())
                .unwrap_or_default(),
            created_by: t.created_by.clone(),
            created_at: time(t.created_at.as_ref()),
            updated_by: t.updated_by.clone(),
            updated_at: time(t.updated_at.as_ref()),
        }
    }
}

/// Any DataZone record, as the whole-domain [`DataZoneScanner`](crate::DataZoneScanner) yields
/// them. Serializes as the inner record (each carries its `kind`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[allow(missing_docs)]
pub enum DataZoneRecord {
    Domain(DomainRecord),
    Project(ProjectRecord),
    Environment(EnvironmentRecord),
    EnvironmentProfile(EnvironmentProfileRecord),
    DataSource(DataSourceRecord),
    Asset(Box<AssetRecord>),
    FormType(FormTypeRecord),
    Listing(ListingRecord),
    Glossary(GlossaryRecord),
    GlossaryTerm(GlossaryTermRecord),
}

impl DataZoneRecord {
    /// The record's kind, e.g. `datazone_asset`.
    pub fn kind(&self) -> &'static str {
        match self {
            DataZoneRecord::Domain(_) => "datazone_domain",
            DataZoneRecord::Project(_) => "datazone_project",
            DataZoneRecord::Environment(_) => "datazone_environment",
            DataZoneRecord::EnvironmentProfile(_) => "datazone_environment_profile",
            DataZoneRecord::DataSource(_) => "datazone_data_source",
            DataZoneRecord::Asset(_) => "datazone_asset",
            DataZoneRecord::FormType(_) => "datazone_form_type",
            DataZoneRecord::Listing(_) => "datazone_listing",
            DataZoneRecord::Glossary(_) => "datazone_glossary",
            DataZoneRecord::GlossaryTerm(_) => "datazone_glossary_term",
        }
    }
}

impl chicory_aws_core::Record for DataZoneRecord {
    fn kind(&self) -> &'static str {
        DataZoneRecord::kind(self)
    }
}

impl From<Box<AssetRecord>> for AssetRecord {
    fn from(b: Box<AssetRecord>) -> Self {
        *b
    }
}

chicory_aws_core::record_kind!(
    DomainRecord => "datazone_domain",
    ProjectRecord => "datazone_project",
    EnvironmentRecord => "datazone_environment",
    EnvironmentProfileRecord => "datazone_environment_profile",
    DataSourceRecord => "datazone_data_source",
    AssetRecord => "datazone_asset",
    FormTypeRecord => "datazone_form_type",
    ListingRecord => "datazone_listing",
    GlossaryRecord => "datazone_glossary",
    GlossaryTermRecord => "datazone_glossary_term",
);
