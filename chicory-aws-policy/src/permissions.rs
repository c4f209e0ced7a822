//! Permission policies per integration and access level, as the integration guides give them.
//!
//! With an unrestricted [`ResourceScope`] and [`PolicyOptions::spec_only`], the policies are
//! the Chicory guide's, statement for statement: same Sids, same actions in the same order,
//! `"Resource": "*"`. By default ([`PolicyOptions::default`]) the library's extra statements
//! follow them, each with a Sid starting `Library` and a documented reason
//! ([`StatementSpec::source`]):
//!
//! | Sid | level | actions | why |
//! |---|---|---|---|
//! | `LibraryGlueCatalogRead` | ReadOnly | `glue:BatchGetPartition`, `glue:GetTableVersion(s)`, `glue:GetColumnStatisticsForTable/Partition` | partition batches, table history and column statistics; the guide promises ReadOnly scanning "accesses column statistics" but its ReadOnly policy omits them |
//! | `LibraryGlueDataQualityRead` | ReadOnly | `glue:GetDataQualityRuleset`, `glue:ListDataQualityRulesets`, `glue:GetDataQualityRuleRecommendationRun`, `glue:GetDataQualityRulesetEvaluationRun`, `glue:ListDataQualityResults` | reading rulesets, runs and results is a read; the guide grants them only in ReadWrite |
//! | `LibraryGlueMultiCatalogRead` | ReadOnly | `glue:GetCatalogs` | scanning every catalog of the account (`Catalogs::All`: federated, S3 Tables and Redshift-managed catalogs); the guide predates Glue's multi-catalog APIs |
//! | `LibraryAthenaMetadataRead` | ReadOnly | `athena:ListDatabases`, `athena:GetDatabase`, `athena:ListTableMetadata`, `athena:GetTableMetadata` | the Athena catalog scanner (Athena's view of Glue and federated catalogs) |
//! | `LibraryS3VersionListing` | ReadOnly | `s3:ListBucketVersions` | S3 `ListObjectVersions` needs it; the guide promises object versions but lacks it |
//! | `LibraryS3VersionTagsRead` | ReadOnly | `s3:GetObjectVersionTagging` | `s3_get_object_tagging` with a `version_id`: S3 authorizes a version's tags as their own action |
//! | `LibraryS3VersionTagsWrite` | ReadWrite | `s3:PutObjectVersionTagging` | `s3_put_object_tagging` with a `version_id` |
//! | `LibraryDataZoneSearch` | ReadOnly | `datazone:Search`, `datazone:SearchTypes` | DataZone has no List API for assets, glossaries, glossary terms and form types; the scanners use `Search` and `SearchTypes` (the guide has only `SearchListings`) |
//! | `LibraryDataZoneGovernanceRead` | ReadOnly | `datazone:GetLineageNode`, `datazone:ListLineageNodeHistory`, `datazone:ListSubscriptions`, `datazone:ListSubscriptionGrants` | the lineage scanner and operators read each asset's lineage node and its history, the subscription scanners and operators list who subscribed to which listing and what was granted; the guide predates DataZone's lineage and lists none of them |
//! | `LibraryGluePassRole` | ReadWrite | `iam:PassRole` on the roles of [`ResourceScope::glue_run_role`] (default `role/AWSGlueServiceRole*` and `role/service-role/AWSGlueServiceRole*`), condition `iam:PassedToService` = `glue.amazonaws.com` | the data-quality run operators name the role Glue runs as, and Glue checks `iam:PassRole` on it; the guide grants the runs but not the pass |
//! | `LibraryDataZoneListingPublish` | ReadWrite | `datazone:CreateListingChangeSet` | the API that publishes a listing; the guide's `CreateListing`/`UpdateListing` are not IAM actions |
//!
//! Restricting the scope turns `*` into ARNs ([`ResourceScope::arns`]) for the actions that
//! accept them; the actions that accept only `*` move to a statement of their own whose Sid
//! ends `AllResources`. A listing restricted to S3 prefixes gets its own statements with an
//! `s3:prefix` condition (Sids ending `ListBucket` and `ListPrefix<n>`).
//!
//! Besides the Chicory policies: the Coalesce Glue metadata scopes ([`coalesce_policy`]), the
//! Polytomic S3 staging set ([`staging_bucket_policy`]) and the Apperate read-only bucket/prefix
//! policy ([`bucket_prefix_read_policy`]).
//!
//! ## Findings `parliament` reports, and why they stay
//!
//! - `RESOURCE_STAR` (LOW) on every statement of an unrestricted policy: the guide's policies use
//!   `"Resource": "*"`; restricting the scope removes it for every action that accepts an ARN.
//! - `UNKNOWN_ACTION` (LOW) for `datazone:UpdateAsset`, `datazone:CreateListing` and
//!   `datazone:UpdateListing` in the DataZone ReadWrite policy: the guide lists them, IAM stores
//!   them, but they are not IAM actions (see
//!   [`actions::NOT_IN_SERVICE_AUTHORIZATION_REFERENCE`](crate::actions::NOT_IN_SERVICE_AUTHORIZATION_REFERENCE)).
//!   Keeping them keeps the drift test against the guide exact; they grant nothing.
//! - `PERMISSIONS_MANAGEMENT_ACTIONS` (MEDIUM, community auditor) for `iam:PassRole` in
//!   `LibraryGluePassRole`: the auditor flags the action by name whatever its scope; the
//!   statement names roles (never `*`) and only lets them be passed to `glue.amazonaws.com`, and
//!   parliament's own auditors find nothing in it.

use crate::action::{AccessLevel, Action};
use crate::actions::{
    athena, cloudtrail, datazone, glue, iam, s3, NOT_IN_SERVICE_AUTHORIZATION_REFERENCE,
};
use crate::document::{PolicyDocument, Statement};
use crate::error::PolicyError;
use crate::scope::ResourceScope;
use std::fmt;

/// The integrations a customer onboards, each with its own role, policies and stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Integration {
    /// AWS Glue Data Catalog, with Athena and the S3 data and query results behind it.
    Glue,
    /// Amazon DataZone.
    DataZone,
    /// Amazon S3.
    S3,
}

impl Integration {
    /// Every integration.
    pub const ALL: [Integration; 3] = [Integration::Glue, Integration::DataZone, Integration::S3];

    /// `glue`, `datazone` or `s3`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Integration::Glue => "glue",
            Integration::DataZone => "datazone",
            Integration::S3 => "s3",
        }
    }

    /// The name used in policy names: `Glue`, `DataZone`, `S3`.
    pub const fn title(self) -> &'static str {
        match self {
            Integration::Glue => "Glue",
            Integration::DataZone => "DataZone",
            Integration::S3 => "S3",
        }
    }

    /// What the customer grants access to, for descriptions.
    pub const fn description(self) -> &'static str {
        match self {
            Integration::Glue => "AWS Glue Data Catalog, Amazon Athena and Amazon S3",
            Integration::DataZone => "Amazon DataZone",
            Integration::S3 => "Amazon S3",
        }
    }

    /// The guide's inline policy name: `GlueReadOnlyAccess`, `S3ReadWriteAccess`, ...
    pub fn policy_name(self, level: AccessLevel) -> String {
        format!("{}{}Access", self.title(), level.as_str())
    }

    /// The guide's policy file name: `glue-readonly-permissions.json`, ...
    pub fn policy_file_name(self, level: AccessLevel) -> String {
        format!(
            "{}-{}-permissions.json",
            self.as_str(),
            level.as_str().to_ascii_lowercase()
        )
    }

    /// The role name of the guide's manual method: `ChicoryGlueAccess`, ...
    pub fn manual_role_name(self) -> String {
        format!("Chicory{}Access", self.title())
    }

    /// The role name of the guide's CloudFormation method: `GlueAccessRoleForChicory`, ...
    pub fn default_role_name(self) -> String {
        format!("{}AccessRoleForChicory", self.title())
    }

    /// The stack name of the guide's quick-create link: `ChicoryGlueAccess`, ...
    pub fn default_stack_name(self) -> String {
        format!("Chicory{}Access", self.title())
    }

    /// The template file name of the guide: `chicory-glue-athena-crossaccount.yaml`, ...
    pub const fn template_file_name(self) -> &'static str {
        match self {
            Integration::Glue => "chicory-glue-athena-crossaccount.yaml",
            Integration::DataZone => "chicory-datazone-crossaccount.yaml",
            Integration::S3 => "chicory-s3-crossaccount.yaml",
        }
    }
}

impl fmt::Display for Integration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Integration {
    type Err = PolicyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Integration::ALL
            .into_iter()
            .find(|i| i.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| PolicyError::UnknownIntegration(s.to_owned()))
    }
}

/// Where a statement comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The Chicory integration guide, verbatim.
    Guide,
    /// Added because the library calls these actions; the reason says which part and why.
    Library {
        /// Why the library needs the statement.
        reason: &'static str,
    },
}

/// A condition every statement rendered from a [`StatementSpec`] carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpecCondition {
    /// The condition operator, e.g. `StringEquals`.
    pub operator: &'static str,
    /// The condition key, e.g. `iam:PassedToService`.
    pub key: &'static str,
    /// The values.
    pub values: &'static [&'static str],
}

/// A statement of a generated policy before resource restriction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatementSpec {
    /// The statement id.
    pub sid: &'static str,
    /// A condition on the statement (the guide's have none).
    pub condition: Option<SpecCondition>,
    /// The actions, in order.
    pub actions: &'static [Action],
    /// The guide or the library.
    pub source: Source,
}

const fn guide(sid: &'static str, actions: &'static [Action]) -> StatementSpec {
    StatementSpec {
        sid,
        condition: None,
        actions,
        source: Source::Guide,
    }
}

const GLUE_CATALOG_READ: StatementSpec = guide(
    "GlueCatalogReadAccess",
    &[
        glue::GET_DATABASE,
        glue::GET_DATABASES,
        glue::GET_TABLE,
        glue::GET_TABLES,
        glue::GET_PARTITION,
        glue::GET_PARTITIONS,
        glue::SEARCH_TABLES,
        glue::GET_USER_DEFINED_FUNCTION,
        glue::GET_USER_DEFINED_FUNCTIONS,
    ],
);

const GLUE_READ_ONLY: &[StatementSpec] = &[
    GLUE_CATALOG_READ,
    guide(
        "AthenaQueryRead",
        &[
            athena::GET_DATA_CATALOG,
            athena::LIST_DATA_CATALOGS,
            athena::GET_WORK_GROUP,
            athena::LIST_WORK_GROUPS,
            athena::GET_QUERY_EXECUTION,
            athena::GET_QUERY_RESULTS,
            athena::LIST_QUERY_EXECUTIONS,
            athena::BATCH_GET_QUERY_EXECUTION,
        ],
    ),
    guide(
        "S3ReadAccess",
        &[s3::GET_BUCKET_LOCATION, s3::GET_OBJECT, s3::LIST_BUCKET],
    ),
];

const GLUE_READ_WRITE: &[StatementSpec] = &[
    GLUE_CATALOG_READ,
    guide(
        "GlueDataQualityAccess",
        &[
            glue::CREATE_DATA_QUALITY_RULESET,
            glue::GET_DATA_QUALITY_RULESET,
            glue::UPDATE_DATA_QUALITY_RULESET,
            glue::DELETE_DATA_QUALITY_RULESET,
            glue::LIST_DATA_QUALITY_RULESETS,
            glue::START_DATA_QUALITY_RULE_RECOMMENDATION_RUN,
            glue::GET_DATA_QUALITY_RULE_RECOMMENDATION_RUN,
            glue::START_DATA_QUALITY_RULESET_EVALUATION_RUN,
            glue::GET_DATA_QUALITY_RULESET_EVALUATION_RUN,
            glue::LIST_DATA_QUALITY_RESULTS,
        ],
    ),
    guide(
        "GlueColumnStatisticsAccess",
        &[
            glue::GET_COLUMN_STATISTICS_FOR_TABLE,
            glue::GET_COLUMN_STATISTICS_FOR_PARTITION,
            glue::UPDATE_COLUMN_STATISTICS_FOR_TABLE,
            glue::UPDATE_COLUMN_STATISTICS_FOR_PARTITION,
            glue::DELETE_COLUMN_STATISTICS_FOR_TABLE,
            glue::DELETE_COLUMN_STATISTICS_FOR_PARTITION,
        ],
    ),
    guide(
        "AthenaWorkGroupAccess",
        &[
            athena::CREATE_WORK_GROUP,
            athena::GET_WORK_GROUP,
            athena::LIST_WORK_GROUPS,
            athena::UPDATE_WORK_GROUP,
            athena::DELETE_WORK_GROUP,
        ],
    ),
    guide(
        "AthenaDataCatalogAccess",
        &[
            athena::GET_DATA_CATALOG,
            athena::LIST_DATA_CATALOGS,
            athena::UPDATE_DATA_CATALOG,
        ],
    ),
    guide(
        "AthenaQueryAccess",
        &[
            athena::START_QUERY_EXECUTION,
            athena::GET_QUERY_EXECUTION,
            athena::GET_QUERY_RESULTS,
            athena::STOP_QUERY_EXECUTION,
            athena::LIST_QUERY_EXECUTIONS,
            athena::BATCH_GET_QUERY_EXECUTION,
        ],
    ),
    guide(
        "S3AccessForAthenaResults",
        &[
            s3::GET_BUCKET_LOCATION,
            s3::GET_OBJECT,
            s3::LIST_BUCKET,
            s3::PUT_OBJECT,
        ],
    ),
];

const DATAZONE_READ: StatementSpec = guide(
    "DataZoneReadAccess",
    &[
        datazone::GET_DOMAIN,
        datazone::LIST_DOMAINS,
        datazone::GET_PROJECT,
        datazone::LIST_PROJECTS,
        datazone::GET_ENVIRONMENT,
        datazone::LIST_ENVIRONMENTS,
        datazone::GET_ENVIRONMENT_PROFILE,
        datazone::LIST_ENVIRONMENT_PROFILES,
        datazone::GET_DATA_SOURCE,
        datazone::LIST_DATA_SOURCES,
        datazone::GET_ASSET,
        datazone::GET_FORM_TYPE,
        datazone::GET_LISTING,
        datazone::SEARCH_LISTINGS,
        datazone::LIST_ASSET_REVISIONS,
        datazone::GET_GLOSSARY,
        datazone::GET_GLOSSARY_TERM,
    ],
);

const DATAZONE_READ_ONLY: &[StatementSpec] = &[DATAZONE_READ];

const DATAZONE_READ_WRITE: &[StatementSpec] = &[
    DATAZONE_READ,
    guide(
        "DataZoneWriteAccess",
        &[
            datazone::CREATE_ASSET,
            datazone::UPDATE_ASSET,
            datazone::DELETE_ASSET,
            datazone::CREATE_LISTING,
            datazone::UPDATE_LISTING,
            datazone::DELETE_LISTING,
            datazone::CREATE_ASSET_REVISION,
            datazone::CREATE_DATA_SOURCE,
            datazone::UPDATE_DATA_SOURCE,
            datazone::DELETE_DATA_SOURCE,
        ],
    ),
];

const S3_BUCKET_READ: StatementSpec = guide(
    "S3BucketReadAccess",
    &[
        s3::LIST_BUCKET,
        s3::GET_BUCKET_LOCATION,
        s3::GET_BUCKET_VERSIONING,
        s3::GET_BUCKET_TAGGING,
        s3::GET_BUCKET_POLICY,
        s3::LIST_ALL_MY_BUCKETS,
    ],
);

const S3_OBJECT_READ: StatementSpec = guide(
    "S3ObjectReadAccess",
    &[
        s3::GET_OBJECT,
        s3::GET_OBJECT_VERSION,
        s3::GET_OBJECT_TAGGING,
    ],
);

const S3_READ_ONLY: &[StatementSpec] = &[S3_BUCKET_READ, S3_OBJECT_READ];

const S3_READ_WRITE: &[StatementSpec] = &[
    S3_BUCKET_READ,
    S3_OBJECT_READ,
    guide(
        "S3WriteAccess",
        &[
            s3::PUT_OBJECT,
            s3::PUT_OBJECT_TAGGING,
            s3::DELETE_OBJECT,
            s3::DELETE_OBJECT_VERSION,
            s3::CREATE_BUCKET,
            s3::DELETE_BUCKET,
            s3::PUT_BUCKET_TAGGING,
        ],
    ),
];

const GLUE_LIBRARY_READ: &[StatementSpec] = &[
    StatementSpec {
        sid: "LibraryGlueCatalogRead",
        condition: None,
        actions: &[
            glue::BATCH_GET_PARTITION,
            glue::GET_TABLE_VERSION,
            glue::GET_TABLE_VERSIONS,
            glue::GET_COLUMN_STATISTICS_FOR_TABLE,
            glue::GET_COLUMN_STATISTICS_FOR_PARTITION,
        ],
        source: Source::Library {
            reason: "the partition scanner fetches partitions in batches (BatchGetPartition), the \
                     table-version scanner reads table history (GetTableVersion(s)), and \
                     ReadOnly scanning reads column statistics, which the guide promises for \
                     ReadOnly but grants only in its ReadWrite policy",
        },
    },
    StatementSpec {
        sid: "LibraryGlueDataQualityRead",
        condition: None,
        actions: &[
            glue::GET_DATA_QUALITY_RULESET,
            glue::LIST_DATA_QUALITY_RULESETS,
            glue::GET_DATA_QUALITY_RULE_RECOMMENDATION_RUN,
            glue::GET_DATA_QUALITY_RULESET_EVALUATION_RUN,
            glue::LIST_DATA_QUALITY_RESULTS,
        ],
        source: Source::Library {
            reason: "reading data-quality rulesets, runs and results is a read (the library's \
                     ReadOnly gate lets it through, and the ruleset scanner runs in ReadOnly \
                     scans); the guide grants these reads only in its ReadWrite policy",
        },
    },
    StatementSpec {
        sid: "LibraryGlueMultiCatalogRead",
        condition: None,
        actions: &[glue::GET_CATALOGS],
        source: Source::Library {
            reason: "scanning every catalog of the account (federated catalogs, S3 Tables \
                     catalogs, Redshift-managed catalogs: `Catalogs::All`) starts from \
                     GetCatalogs; the guide predates Glue's multi-catalog APIs",
        },
    },
    StatementSpec {
        sid: "LibraryAthenaMetadataRead",
        condition: None,
        actions: &[
            athena::LIST_DATABASES,
            athena::GET_DATABASE,
            athena::LIST_TABLE_METADATA,
            athena::GET_TABLE_METADATA,
        ],
        source: Source::Library {
            reason: "the Athena catalog scanner lists databases and table metadata through \
                     Athena (which also covers federated data catalogs)",
        },
    },
];

const S3_LIBRARY_READ: &[StatementSpec] = &[
    StatementSpec {
        sid: "LibraryS3VersionListing",
        condition: None,
        actions: &[s3::LIST_BUCKET_VERSIONS],
        source: Source::Library {
            reason: "the object-versions scanner calls ListObjectVersions, which needs \
                     s3:ListBucketVersions; the guide promises object versions but lacks it",
        },
    },
    StatementSpec {
        sid: "LibraryS3VersionTagsRead",
        condition: None,
        actions: &[s3::GET_OBJECT_VERSION_TAGGING],
        source: Source::Library {
            reason: "s3_get_object_tagging with a version_id reads that version's tags, which \
                     S3 authorizes as s3:GetObjectVersionTagging, not s3:GetObjectTagging",
        },
    },
];

const S3_LIBRARY_WRITE: &[StatementSpec] = &[StatementSpec {
    sid: "LibraryS3VersionTagsWrite",
    condition: None,
    actions: &[s3::PUT_OBJECT_VERSION_TAGGING],
    source: Source::Library {
        reason: "s3_put_object_tagging with a version_id tags that version, which S3 \
                 authorizes as s3:PutObjectVersionTagging, not s3:PutObjectTagging",
    },
}];

const DATAZONE_LIBRARY_READ: &[StatementSpec] = &[
    StatementSpec {
        sid: "LibraryDataZoneSearch",
        condition: None,
        actions: &[datazone::SEARCH, datazone::SEARCH_TYPES],
        source: Source::Library {
            reason: "DataZone has no List API for assets, glossaries, glossary terms and form \
                     types; the asset and glossary scanners call Search and the form-type \
                     scanner SearchTypes (the guide grants only SearchListings)",
        },
    },
    StatementSpec {
        sid: "LibraryDataZoneGovernanceRead",
        condition: None,
        actions: &[
            datazone::GET_LINEAGE_NODE,
            datazone::LIST_LINEAGE_NODE_HISTORY,
            datazone::LIST_SUBSCRIPTIONS,
            datazone::LIST_SUBSCRIPTION_GRANTS,
        ],
        source: Source::Library {
            reason: "the lineage scanner and operators read each asset's lineage node \
                     (GetLineageNode) and its history (ListLineageNodeHistory), and the \
                     subscription scanners and operators list a domain's subscriptions and \
                     subscription grants (ListSubscriptions, ListSubscriptionGrants); the guide \
                     predates DataZone's lineage and grants none of these reads",
        },
    },
];

const DATAZONE_LIBRARY_WRITE: &[StatementSpec] = &[StatementSpec {
    sid: "LibraryDataZoneListingPublish",
    condition: None,
    actions: &[datazone::CREATE_LISTING_CHANGE_SET],
    source: Source::Library {
        reason: "publishing an asset as a listing is the CreateListingChangeSet API; the \
                 guide's CreateListing and UpdateListing are not IAM actions",
    },
}];

const GLUE_LIBRARY_WRITE: &[StatementSpec] = &[StatementSpec {
    sid: "LibraryGluePassRole",
    condition: Some(SpecCondition {
        operator: "StringEquals",
        key: "iam:PassedToService",
        values: &["glue.amazonaws.com"],
    }),
    actions: &[iam::PASS_ROLE],
    source: Source::Library {
        reason: "the data-quality run operators (glue_start_data_quality_recommendation_run, \
                 glue_start_data_quality_evaluation_run) name the role Glue runs as, and Glue \
                 checks iam:PassRole on it; granted only on the roles of \
                 ResourceScope::glue_run_role (default AWSGlueServiceRole*, the convention of \
                 AWS's Glue console roles) and only to be passed to glue.amazonaws.com",
    },
}];

/// The guide's statements for an integration and level, verbatim (order, Sids, actions).
pub fn guide_statements(integration: Integration, level: AccessLevel) -> &'static [StatementSpec] {
    use AccessLevel::*;
    match (integration, level) {
        (Integration::Glue, ReadOnly) => GLUE_READ_ONLY,
        (Integration::Glue, ReadWrite) => GLUE_READ_WRITE,
        (Integration::DataZone, ReadOnly) => DATAZONE_READ_ONLY,
        (Integration::DataZone, ReadWrite) => DATAZONE_READ_WRITE,
        (Integration::S3, ReadOnly) => S3_READ_ONLY,
        (Integration::S3, ReadWrite) => S3_READ_WRITE,
    }
}

/// The library's extra statements needed at exactly this level (ReadWrite's do not repeat
/// ReadOnly's).
pub fn library_statements(
    integration: Integration,
    level: AccessLevel,
) -> &'static [StatementSpec] {
    use AccessLevel::*;
    match (integration, level) {
        (Integration::Glue, ReadOnly) => GLUE_LIBRARY_READ,
        (Integration::Glue, ReadWrite) => GLUE_LIBRARY_WRITE,
        (Integration::S3, ReadOnly) => S3_LIBRARY_READ,
        (Integration::S3, ReadWrite) => S3_LIBRARY_WRITE,
        (Integration::DataZone, ReadOnly) => DATAZONE_LIBRARY_READ,
        (Integration::DataZone, ReadWrite) => DATAZONE_LIBRARY_WRITE,
    }
}

/// The statements of the complete policy for a level: the guide's, then the library's for
/// ReadOnly and, for ReadWrite, the library's ReadWrite ones.
pub fn statements(
    integration: Integration,
    level: AccessLevel,
    library_extras: bool,
) -> Vec<StatementSpec> {
    let mut out = guide_statements(integration, level).to_vec();
    if library_extras {
        for l in AccessLevel::ALL.into_iter().filter(|l| level.allows(*l)) {
            out.extend_from_slice(library_statements(integration, l));
        }
    }
    out
}

/// The statements a ReadWrite role holds beyond the ReadOnly policy: the guide's ReadWrite
/// statements whose Sid the ReadOnly policy lacks, then the library's ReadWrite extras. The
/// ReadOnly policy plus these grant exactly the ReadWrite policy's actions (the guide's
/// ReadWrite policy contains every ReadOnly action).
pub fn write_statements(integration: Integration, library_extras: bool) -> Vec<StatementSpec> {
    let read = guide_statements(integration, AccessLevel::ReadOnly);
    let mut out: Vec<StatementSpec> = guide_statements(integration, AccessLevel::ReadWrite)
        .iter()
        .filter(|s| !read.iter().any(|r| r.sid == s.sid))
        .copied()
        .collect();
    if library_extras {
        out.extend_from_slice(library_statements(integration, AccessLevel::ReadWrite));
    }
    out
}

/// How to render a permission policy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyOptions {
    /// The resource restriction; [`ResourceScope::all`] keeps `*`.
    pub scope: ResourceScope,
    /// Whether to add the library's extra statements (default true).
    pub library_extras: bool,
    /// Whether to keep the guide's actions that are not IAM actions
    /// ([`NOT_IN_SERVICE_AUTHORIZATION_REFERENCE`];
    /// default true, so the guide's statements stay verbatim). They grant nothing; leaving them
    /// out gives policies every validator accepts without a finding.
    pub keep_undefined_actions: bool,
}

impl Default for PolicyOptions {
    fn default() -> Self {
        PolicyOptions {
            scope: ResourceScope::all(),
            library_extras: true,
            keep_undefined_actions: true,
        }
    }
}

impl PolicyOptions {
    /// The guide's policies exactly: no library extras, no restriction.
    pub fn spec_only() -> Self {
        PolicyOptions {
            scope: ResourceScope::all(),
            library_extras: false,
            keep_undefined_actions: true,
        }
    }

    /// With or without the guide's actions that are not IAM actions.
    pub fn with_undefined_actions(mut self, keep: bool) -> Self {
        self.keep_undefined_actions = keep;
        self
    }

    /// With this resource restriction.
    pub fn with_scope(mut self, scope: ResourceScope) -> Self {
        self.scope = scope;
        self
    }

    /// With or without the library's extra statements.
    pub fn with_library_extras(mut self, on: bool) -> Self {
        self.library_extras = on;
        self
    }
}

/// The permission policy for an integration and level (the guide's ReadWrite policy is
/// complete: it holds every ReadOnly action).
pub fn permission_policy(
    integration: Integration,
    level: AccessLevel,
    options: &PolicyOptions,
) -> Result<PolicyDocument, PolicyError> {
    render(
        &statements(integration, level, options.library_extras),
        options,
    )
}

/// The policy a ReadWrite role holds beyond the ReadOnly one ([`write_statements`]), rendered;
/// attached conditionally by the CloudFormation templates.
pub fn write_policy(
    integration: Integration,
    options: &PolicyOptions,
) -> Result<PolicyDocument, PolicyError> {
    render(
        &write_statements(integration, options.library_extras),
        options,
    )
}

/// Renders statement specs with the options' scope into a validated document. A library
/// statement leaves out actions an earlier statement already grants, and is dropped if none
/// remain; so is a statement left empty when undefined actions are not kept.
pub fn render(
    specs: &[StatementSpec],
    options: &PolicyOptions,
) -> Result<PolicyDocument, PolicyError> {
    let scope = &options.scope;
    scope.check()?;
    let mut statements = Vec::new();
    let mut granted: Vec<Action> = Vec::new();
    for spec in specs {
        // The guide's statements stay verbatim; a library statement drops the actions an
        // earlier statement already grants (same scope, so the same resources).
        let actions: Vec<Action> = match spec.source {
            Source::Guide => spec.actions.to_vec(),
            Source::Library { .. } => spec
                .actions
                .iter()
                .filter(|a| !granted.contains(a))
                .copied()
                .collect(),
        };
        let actions: Vec<Action> = actions
            .into_iter()
            .filter(|a| {
                options.keep_undefined_actions
                    || !NOT_IN_SERVICE_AUTHORIZATION_REFERENCE.contains(a)
            })
            .collect();
        if actions.is_empty() {
            continue;
        }
        granted.extend(actions.iter().copied());
        let mut scoped = scope_statement(spec.sid, &actions, scope);
        if let Some(c) = spec.condition {
            scoped = scoped
                .into_iter()
                .map(|st| st.with_condition(c.operator, c.key, c.values.iter().copied()))
                .collect();
        }
        statements.extend(scoped);
    }
    let doc = PolicyDocument::new(statements);
    doc.validate()?;
    Ok(doc)
}

fn is_prefix_listable(a: &Action) -> bool {
    *a == s3::LIST_BUCKET || *a == s3::LIST_BUCKET_VERSIONS
}

/// The ARNs for an action under a scope, or `None` if it stays on `*` (it accepts only `*`, or
/// the scope does not restrict one of its resource types).
fn action_arns(a: &Action, scope: &ResourceScope) -> Option<Vec<String>> {
    if a.only_star_resource() {
        return None;
    }
    let mut out = Vec::new();
    for rt in a.resources {
        for arn in scope.arns(*rt)? {
            if !out.contains(&arn) {
                out.push(arn);
            }
        }
    }
    Some(out)
}

/// One statement (Sid, actions) as one or more statements under a scope.
fn scope_statement(sid: &str, actions: &[Action], scope: &ResourceScope) -> Vec<Statement> {
    let names = |v: &[&Action]| v.iter().map(|a| a.iam_name()).collect::<Vec<_>>();
    let prefix_listings = scope.s3_prefix_listings();
    let mut scoped: Vec<&Action> = Vec::new();
    let mut listed: Vec<&Action> = Vec::new();
    let mut star: Vec<&Action> = Vec::new();
    let mut resources: Vec<String> = Vec::new();
    for a in actions {
        match action_arns(a, scope) {
            None => star.push(a),
            Some(_) if is_prefix_listable(a) && !prefix_listings.is_empty() => listed.push(a),
            Some(arns) => {
                scoped.push(a);
                for arn in arns {
                    if !resources.contains(&arn) {
                        resources.push(arn);
                    }
                }
            }
        }
    }
    if scoped.is_empty() && listed.is_empty() {
        return vec![Statement::allow(names(&star))
            .with_sid(sid)
            .with_any_resource()];
    }
    let mut out = Vec::new();
    if !scoped.is_empty() {
        out.push(
            Statement::allow(names(&scoped))
                .with_sid(sid)
                .with_resources(resources),
        );
    }
    if !listed.is_empty() {
        // Listing a bucket restricted to prefixes: only keys under them (s3:prefix).
        let whole = scope.s3_whole_buckets();
        if !whole.is_empty() {
            out.push(
                Statement::allow(names(&listed))
                    .with_sid(format!("{sid}ListBucket"))
                    .with_resources(whole),
            );
        }
        for (n, (bucket_arn, patterns)) in prefix_listings.iter().enumerate() {
            out.push(
                Statement::allow(names(&listed))
                    .with_sid(format!("{sid}ListPrefix{}", n + 1))
                    .with_resources([bucket_arn.clone()])
                    .with_condition("StringLike", "s3:prefix", patterns.clone()),
            );
        }
    }
    if !star.is_empty() {
        out.push(
            Statement::allow(names(&star))
                .with_sid(format!("{sid}AllResources"))
                .with_any_resource(),
        );
    }
    out
}

/// The Coalesce Catalog IAM scopes: Glue metadata only; plus Athena query activity; plus
/// CloudTrail LookupEvents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CoalesceScope {
    /// Glue metadata only.
    GlueMetadata,
    /// Glue metadata and Athena query activity.
    GlueWithAthena,
    /// Glue, Athena query activity and CloudTrail LookupEvents (who ran which query).
    GlueWithAthenaAndCloudTrail,
}

impl CoalesceScope {
    /// The three scopes, narrowest first.
    pub const ALL: [CoalesceScope; 3] = [
        CoalesceScope::GlueMetadata,
        CoalesceScope::GlueWithAthena,
        CoalesceScope::GlueWithAthenaAndCloudTrail,
    ];
}

/// The Glue actions of the Coalesce metadata scope, in the guide's order.
pub const COALESCE_GLUE_ACTIONS: &[Action] = &[
    glue::GET_DATABASE,
    glue::GET_DATABASES,
    glue::GET_TABLE,
    glue::GET_TABLES,
    glue::GET_PARTITION,
    glue::GET_PARTITIONS,
    glue::BATCH_GET_PARTITION,
    glue::SEARCH_TABLES,
    glue::GET_TABLE_VERSIONS,
    glue::GET_TABLE_VERSION,
    glue::GET_USER_DEFINED_FUNCTIONS,
    glue::GET_USER_DEFINED_FUNCTION,
];

/// The Athena query-activity actions of the Coalesce guide (besides `ListWorkGroups`), in its
/// order.
pub const COALESCE_ATHENA_ACTIONS: &[Action] = &[
    athena::GET_WORK_GROUP,
    athena::LIST_QUERY_EXECUTIONS,
    athena::GET_QUERY_EXECUTION,
    athena::BATCH_GET_QUERY_EXECUTION,
    athena::LIST_DATABASES,
    athena::GET_DATABASE,
    athena::GET_DATA_CATALOG,
    athena::LIST_TABLE_METADATA,
    athena::GET_TABLE_METADATA,
];

/// A Coalesce-style, resource-scoped Glue metadata policy (always ARNs, never `*` for Glue).
///
/// The Glue statement names the guide's `tableVersion`, `table`, `catalog` and `database` ARNs
/// and also `userDefinedFunction` ARNs: the Service Authorization Reference requires a
/// `userDefinedFunction` resource for `glue:GetUserDefinedFunction(s)`, so the guide's policy
/// as printed would deny them. The scope's region and account (default `*`) and databases or
/// tables narrow the ARNs; its Athena workgroups and data catalogs narrow the Athena statement.
pub fn coalesce_policy(
    coalesce: CoalesceScope,
    scope: &ResourceScope,
) -> Result<PolicyDocument, PolicyError> {
    use crate::action::ResourceType as R;
    scope.check()?;
    // Glue and Athena ARNs even when the scope names no region or account (then `*`).
    let forced = scope.clone().restrict_regional_services();
    let arns = |rt: R| -> Vec<String> { forced.arns(rt).unwrap_or_default() };
    let mut glue_resources = Vec::new();
    for rt in [
        R::GlueTableVersion,
        R::GlueTable,
        R::GlueCatalog,
        R::GlueDatabase,
        R::GlueUserDefinedFunction,
    ] {
        glue_resources.extend(arns(rt));
    }
    let mut statements = vec![
        Statement::allow(COALESCE_GLUE_ACTIONS.iter().map(Action::iam_name))
            .with_sid("GlueMetadataRead")
            .with_resources(glue_resources),
    ];
    if coalesce >= CoalesceScope::GlueWithAthena {
        statements.push(
            Statement::allow([athena::LIST_WORK_GROUPS.iam_name()])
                .with_sid("AthenaListWorkGroups")
                .with_any_resource(),
        );
        let mut athena_resources = arns(R::AthenaDataCatalog);
        athena_resources.extend(arns(R::AthenaWorkGroup));
        statements.push(
            Statement::allow(COALESCE_ATHENA_ACTIONS.iter().map(Action::iam_name))
                .with_sid("AthenaQueryActivityRead")
                .with_resources(athena_resources),
        );
    }
    if coalesce >= CoalesceScope::GlueWithAthenaAndCloudTrail {
        statements.push(
            Statement::allow([cloudtrail::LOOKUP_EVENTS.iam_name()])
                .with_sid("CloudTrailLookupEvents")
                .with_any_resource(),
        );
    }
    let doc = PolicyDocument::new(statements);
    doc.validate()?;
    Ok(doc)
}

/// The S3 staging actions of the Polytomic guide, in its order.
pub const STAGING_ACTIONS: &[Action] = &[
    s3::GET_OBJECT,
    s3::LIST_BUCKET,
    s3::PUT_OBJECT,
    s3::DELETE_OBJECT,
    s3::GET_BUCKET_LOCATION,
];

fn check_bucket(bucket: &str, partition: &str) -> Result<(), PolicyError> {
    ResourceScope::all()
        .partition(partition)
        .s3_bucket(bucket)
        .check()
}

/// The Polytomic-style read/write staging policy: the staging actions on each bucket and its
/// objects (`bucket/*` then `bucket`, as the guide orders them).
pub fn staging_bucket_policy(
    buckets: &[&str],
    partition: &str,
) -> Result<PolicyDocument, PolicyError> {
    if buckets.is_empty() {
        return Err(PolicyError::InvalidInput {
            field: "bucket",
            reason: "a staging policy needs at least one bucket".into(),
        });
    }
    let mut resources = Vec::new();
    for b in buckets {
        check_bucket(b, partition)?;
        resources.push(format!("arn:{partition}:s3:::{b}/*"));
        resources.push(format!("arn:{partition}:s3:::{b}"));
    }
    let doc = PolicyDocument::new(vec![Statement::allow(
        STAGING_ACTIONS.iter().map(Action::iam_name),
    )
    .with_sid("StagingBucketAccess")
    .with_resources(resources)]);
    doc.validate()?;
    Ok(doc)
}

/// The Apperate-style read-only bucket/prefix policy.
///
/// Without a prefix it is the guide's four statements: `s3:ListBucket` with
/// `StringLike s3:prefix "*"`, `s3:GetObject`/`s3:GetObjectVersion` on `bucket/*`,
/// `s3:GetBucketLocation` on the bucket, and an unconditional `s3:ListBucket` on the bucket
/// (which lets a listing without any prefix through; the guide has it). With a prefix, listing
/// is allowed only under `prefix/` and objects are readable only under it, and the
/// unconditional `s3:ListBucket` is left out: it would void the restriction.
pub fn bucket_prefix_read_policy(
    bucket: &str,
    prefix: Option<&str>,
    partition: &str,
) -> Result<PolicyDocument, PolicyError> {
    check_bucket(bucket, partition)?;
    let prefix = prefix
        .map(|p| p.trim_matches('/'))
        .filter(|p| !p.is_empty());
    if let Some(p) = prefix {
        ResourceScope::all().s3_prefix(bucket, p).check()?;
    }
    let bucket_arn = format!("arn:{partition}:s3:::{bucket}");
    let (pattern, objects) = match prefix {
        Some(p) => (format!("{p}/*"), format!("{bucket_arn}/{p}/*")),
        None => ("*".to_owned(), format!("{bucket_arn}/*")),
    };
    let mut statements = vec![
        Statement::allow([s3::LIST_BUCKET.iam_name()])
            .with_sid("ListBucketPrefix")
            .with_resources([bucket_arn.clone()])
            .with_condition("StringLike", "s3:prefix", [pattern]),
        Statement::allow([s3::GET_OBJECT.iam_name(), s3::GET_OBJECT_VERSION.iam_name()])
            .with_sid("ReadObjects")
            .with_resources([objects]),
        Statement::allow([s3::GET_BUCKET_LOCATION.iam_name()])
            .with_sid("GetBucketLocation")
            .with_resources([bucket_arn.clone()]),
    ];
    if prefix.is_none() {
        statements.push(
            Statement::allow([s3::LIST_BUCKET.iam_name()])
                .with_sid("ListBucket")
                .with_resources([bucket_arn]),
        );
    }
    let doc = PolicyDocument::new(statements);
    doc.validate()?;
    Ok(doc)
}
