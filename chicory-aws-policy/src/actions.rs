//! The action catalogue: every IAM action the library calls, per service.
//!
//! Levels and resource types follow the AWS Service Authorization Reference (SAR). An action's
//! `resources` are the resource types the SAR marks as *required* for it (all of them must be
//! allowed when a policy names ARNs instead of `*`); an action with none is
//! [`ResourceType::Any`](crate::ResourceType::Any) and accepts only `"Resource": "*"`.
//!
//! The catalogue holds every action that appears in the five integration guides the library is
//! built from, plus the ones the scanners and operators call that the guides leave out (see
//! [`crate::permissions`] for which and why). Three DataZone actions of the Chicory guide are not
//! IAM actions at all; they are listed in [`NOT_IN_SERVICE_AUTHORIZATION_REFERENCE`].
//!
//! ```
//! use chicory_aws_policy::{actions, ActionLevel, ResourceType};
//!
//! let a = actions::lookup("glue:getpartitions").unwrap(); // IAM names ignore case
//! assert_eq!(a, actions::glue::GET_PARTITIONS);
//! assert_eq!(a.level, ActionLevel::Read);
//! assert!(actions::s3::LIST_ALL_MY_BUCKETS.only_star_resource());
//! assert_eq!(actions::athena::START_QUERY_EXECUTION.resources, &[ResourceType::AthenaWorkGroup]);
//! ```

use crate::action::{Action, ActionLevel::*, ResourceType::*, Service};

macro_rules! action {
    ($(#[$doc:meta])* $const_name:ident, $service:ident, $name:literal, $level:ident, [$($res:ident),*]) => {
        $(#[$doc])*
        pub const $const_name: Action = Action {
            service: Service::$service,
            name: $name,
            level: $level,
            resources: &[$($res),*],
        };
    };
}

/// Declares a service's actions with [`action!`] and its `ALL` list, in declaration order.
macro_rules! catalogue {
    ($service:ident, $prefix:literal;
     $( $(#[$doc:meta])* $const_name:ident = $name:literal, $level:ident, [$($res:ident),*]; )*) => {
        $(
            action!(
                #[doc = concat!("`", $prefix, ":", $name, "` (", stringify!($level), ").")]
                $(#[$doc])*
                $const_name, $service, $name, $level, [$($res),*]
            );
        )*
        /// Every action of this service in the catalogue, in declaration order.
        pub const ALL: &[Action] = &[$($const_name),*];
    };
}

/// AWS STS actions.
pub mod sts {
    use super::*;
    catalogue! { Sts, "sts";
        /// Called by the vendor principal; granted by the role's trust policy.
        ASSUME_ROLE = "AssumeRole", Write, [IamRole];
        /// Needs no permission.
        GET_CALLER_IDENTITY = "GetCallerIdentity", Read, [Any];
        /// Needed in the trust policy when the vendor sets a source identity on AssumeRole
        /// (the trust policy's optional `sts:SourceIdentity` condition).
        SET_SOURCE_IDENTITY = "SetSourceIdentity", Write, [IamRole, IamUser];
        /// Needed in the trust policy when the vendor passes session tags on AssumeRole
        /// (`ConnectionParams::session_tags`).
        TAG_SESSION = "TagSession", Tagging, [IamRole, IamUser];
    }
}

/// AWS Glue actions.
pub mod glue {
    use super::*;
    catalogue! { Glue, "glue";
        GET_DATABASE = "GetDatabase", Read, [GlueCatalog, GlueDatabase];
        GET_DATABASES = "GetDatabases", Read, [GlueCatalog, GlueDatabase];
        /// Lists the account's catalogs (default, federated, S3 Tables, Redshift-managed).
        GET_CATALOGS = "GetCatalogs", Read, [GlueCatalog];
        GET_TABLE = "GetTable", Read, [GlueCatalog, GlueDatabase, GlueTable];
        GET_TABLES = "GetTables", Read, [GlueCatalog, GlueDatabase, GlueTable];
        GET_PARTITION = "GetPartition", Read, [GlueCatalog, GlueDatabase, GlueTable];
        GET_PARTITIONS = "GetPartitions", Read, [GlueCatalog, GlueDatabase, GlueTable];
        BATCH_GET_PARTITION = "BatchGetPartition", Read, [GlueCatalog, GlueDatabase, GlueTable];
        SEARCH_TABLES = "SearchTables", Read, [GlueCatalog, GlueDatabase, GlueTable];
        /// Authorized on the table (the SAR names no `tableVersion` resource for it).
        GET_TABLE_VERSION = "GetTableVersion", Read, [GlueCatalog, GlueDatabase, GlueTable];
        /// Authorized on the table (the SAR names no `tableVersion` resource for it).
        GET_TABLE_VERSIONS = "GetTableVersions", Read, [GlueCatalog, GlueDatabase, GlueTable];
        GET_USER_DEFINED_FUNCTION = "GetUserDefinedFunction", Read,
            [GlueCatalog, GlueDatabase, GlueUserDefinedFunction];
        GET_USER_DEFINED_FUNCTIONS = "GetUserDefinedFunctions", Read,
            [GlueCatalog, GlueDatabase, GlueUserDefinedFunction];
        GET_COLUMN_STATISTICS_FOR_TABLE = "GetColumnStatisticsForTable", Read,
            [GlueCatalog, GlueDatabase, GlueTable];
        GET_COLUMN_STATISTICS_FOR_PARTITION = "GetColumnStatisticsForPartition", Read,
            [GlueCatalog, GlueDatabase, GlueTable];
        UPDATE_COLUMN_STATISTICS_FOR_TABLE = "UpdateColumnStatisticsForTable", Write,
            [GlueCatalog, GlueDatabase, GlueTable];
        UPDATE_COLUMN_STATISTICS_FOR_PARTITION = "UpdateColumnStatisticsForPartition", Write,
            [GlueCatalog, GlueDatabase, GlueTable];
        DELETE_COLUMN_STATISTICS_FOR_TABLE = "DeleteColumnStatisticsForTable", Write,
            [GlueCatalog, GlueDatabase, GlueTable];
        DELETE_COLUMN_STATISTICS_FOR_PARTITION = "DeleteColumnStatisticsForPartition", Write,
            [GlueCatalog, GlueDatabase, GlueTable];
        /// The SAR names no resource type: only `*`.
        CREATE_DATA_QUALITY_RULESET = "CreateDataQualityRuleset", Write, [Any];
        GET_DATA_QUALITY_RULESET = "GetDataQualityRuleset", Read, [GlueDataQualityRuleset];
        UPDATE_DATA_QUALITY_RULESET = "UpdateDataQualityRuleset", Write, [GlueDataQualityRuleset];
        DELETE_DATA_QUALITY_RULESET = "DeleteDataQualityRuleset", Write, [GlueDataQualityRuleset];
        LIST_DATA_QUALITY_RULESETS = "ListDataQualityRulesets", List, [GlueDataQualityRuleset];
        START_DATA_QUALITY_RULE_RECOMMENDATION_RUN = "StartDataQualityRuleRecommendationRun", Write,
            [GlueDataQualityRuleset];
        GET_DATA_QUALITY_RULE_RECOMMENDATION_RUN = "GetDataQualityRuleRecommendationRun", Read,
            [GlueDataQualityRuleset];
        START_DATA_QUALITY_RULESET_EVALUATION_RUN = "StartDataQualityRulesetEvaluationRun", Write,
            [GlueDataQualityRuleset];
        GET_DATA_QUALITY_RULESET_EVALUATION_RUN = "GetDataQualityRulesetEvaluationRun", Read,
            [GlueDataQualityRuleset];
        LIST_DATA_QUALITY_RESULTS = "ListDataQualityResults", List, [GlueDataQualityRuleset];
    }
}

/// Amazon Athena actions.
pub mod athena {
    use super::*;
    catalogue! { Athena, "athena";
        LIST_DATA_CATALOGS = "ListDataCatalogs", List, [Any];
        GET_DATA_CATALOG = "GetDataCatalog", Read, [AthenaDataCatalog];
        UPDATE_DATA_CATALOG = "UpdateDataCatalog", Write, [AthenaDataCatalog];
        LIST_WORK_GROUPS = "ListWorkGroups", List, [Any];
        GET_WORK_GROUP = "GetWorkGroup", Read, [AthenaWorkGroup];
        CREATE_WORK_GROUP = "CreateWorkGroup", Write, [AthenaWorkGroup];
        UPDATE_WORK_GROUP = "UpdateWorkGroup", Write, [AthenaWorkGroup];
        DELETE_WORK_GROUP = "DeleteWorkGroup", Write, [AthenaWorkGroup];
        START_QUERY_EXECUTION = "StartQueryExecution", Write, [AthenaWorkGroup];
        STOP_QUERY_EXECUTION = "StopQueryExecution", Write, [AthenaWorkGroup];
        GET_QUERY_EXECUTION = "GetQueryExecution", Read, [AthenaWorkGroup];
        GET_QUERY_RESULTS = "GetQueryResults", Read, [AthenaWorkGroup];
        /// Read, not List, in the SAR.
        LIST_QUERY_EXECUTIONS = "ListQueryExecutions", Read, [AthenaWorkGroup];
        BATCH_GET_QUERY_EXECUTION = "BatchGetQueryExecution", Read, [AthenaWorkGroup];
        LIST_DATABASES = "ListDatabases", List, [AthenaDataCatalog];
        GET_DATABASE = "GetDatabase", Read, [AthenaDataCatalog];
        /// Read, not List, in the SAR.
        LIST_TABLE_METADATA = "ListTableMetadata", Read, [AthenaDataCatalog];
        GET_TABLE_METADATA = "GetTableMetadata", Read, [AthenaDataCatalog];
    }
}

/// Amazon S3 actions.
pub mod s3 {
    use super::*;
    catalogue! { S3, "s3";
        /// Authorizes ListObjects and ListObjectsV2.
        LIST_BUCKET = "ListBucket", List, [S3Bucket];
        /// Authorizes ListObjectVersions (the object-versions scanner).
        LIST_BUCKET_VERSIONS = "ListBucketVersions", List, [S3Bucket];
        LIST_ALL_MY_BUCKETS = "ListAllMyBuckets", List, [Any];
        GET_BUCKET_LOCATION = "GetBucketLocation", Read, [S3Bucket];
        GET_BUCKET_VERSIONING = "GetBucketVersioning", Read, [S3Bucket];
        GET_BUCKET_TAGGING = "GetBucketTagging", Read, [S3Bucket];
        GET_BUCKET_POLICY = "GetBucketPolicy", Read, [S3Bucket];
        /// Authorizes GetObject and HeadObject.
        GET_OBJECT = "GetObject", Read, [S3Object];
        GET_OBJECT_VERSION = "GetObjectVersion", Read, [S3Object];
        GET_OBJECT_TAGGING = "GetObjectTagging", Read, [S3Object];
        /// Authorizes GetObjectTagging with a version id.
        GET_OBJECT_VERSION_TAGGING = "GetObjectVersionTagging", Read, [S3Object];
        PUT_OBJECT = "PutObject", Write, [S3Object];
        PUT_OBJECT_TAGGING = "PutObjectTagging", Tagging, [S3Object];
        /// Authorizes PutObjectTagging with a version id.
        PUT_OBJECT_VERSION_TAGGING = "PutObjectVersionTagging", Tagging, [S3Object];
        DELETE_OBJECT = "DeleteObject", Write, [S3Object];
        DELETE_OBJECT_VERSION = "DeleteObjectVersion", Write, [S3Object];
        CREATE_BUCKET = "CreateBucket", Write, [S3Bucket];
        DELETE_BUCKET = "DeleteBucket", Write, [S3Bucket];
        PUT_BUCKET_TAGGING = "PutBucketTagging", Tagging, [S3Bucket];
    }
}

/// Amazon DataZone actions.
///
/// Apart from `GetDomain`, DataZone actions accept only `"Resource": "*"` (their access is
/// governed inside the domain by DataZone's own project membership).
pub mod datazone {
    use super::*;
    catalogue! { DataZone, "datazone";
        GET_DOMAIN = "GetDomain", Read, [DataZoneDomain];
        LIST_DOMAINS = "ListDomains", List, [Any];
        GET_PROJECT = "GetProject", Read, [Any];
        LIST_PROJECTS = "ListProjects", List, [Any];
        GET_ENVIRONMENT = "GetEnvironment", Read, [Any];
        LIST_ENVIRONMENTS = "ListEnvironments", List, [Any];
        GET_ENVIRONMENT_PROFILE = "GetEnvironmentProfile", Read, [Any];
        LIST_ENVIRONMENT_PROFILES = "ListEnvironmentProfiles", List, [Any];
        GET_DATA_SOURCE = "GetDataSource", Read, [Any];
        LIST_DATA_SOURCES = "ListDataSources", List, [Any];
        GET_ASSET = "GetAsset", Read, [Any];
        GET_FORM_TYPE = "GetFormType", Read, [Any];
        GET_LISTING = "GetListing", Read, [Any];
        SEARCH_LISTINGS = "SearchListings", List, [Any];
        LIST_ASSET_REVISIONS = "ListAssetRevisions", List, [Any];
        GET_GLOSSARY = "GetGlossary", Read, [Any];
        GET_GLOSSARY_TERM = "GetGlossaryTerm", Read, [Any];
        /// Authorizes the `Search` API: the asset and glossary/glossary-term scanners use it
        /// (DataZone has no List API for assets or glossaries).
        SEARCH = "Search", List, [Any];
        /// Authorizes the `SearchTypes` API: the form-type scanner finds a domain's form types
        /// with it (DataZone has no List API for form types).
        SEARCH_TYPES = "SearchTypes", List, [Any];
        /// Reads a data lineage node (the lineage scanner reads each asset's node).
        GET_LINEAGE_NODE = "GetLineageNode", Read, [Any];
        /// Lists the versions of a data lineage node over time.
        LIST_LINEAGE_NODE_HISTORY = "ListLineageNodeHistory", List, [Any];
        /// Lists a domain's subscriptions (who subscribed to which listing).
        LIST_SUBSCRIPTIONS = "ListSubscriptions", List, [Any];
        /// Lists a domain's subscription grants (what access a subscription was granted).
        LIST_SUBSCRIPTION_GRANTS = "ListSubscriptionGrants", List, [Any];
        CREATE_ASSET = "CreateAsset", Write, [Any];
        /// Not an IAM action (see [`NOT_IN_SERVICE_AUTHORIZATION_REFERENCE`]);
        /// kept because the Chicory guide's policy lists it. Assets change through
        /// [`CREATE_ASSET_REVISION`].
        UPDATE_ASSET = "UpdateAsset", Write, [Any];
        DELETE_ASSET = "DeleteAsset", Write, [Any];
        /// Not an IAM action (see [`NOT_IN_SERVICE_AUTHORIZATION_REFERENCE`]);
        /// kept because the Chicory guide's policy lists it. Listings are published through
        /// [`CREATE_LISTING_CHANGE_SET`].
        CREATE_LISTING = "CreateListing", Write, [Any];
        /// Not an IAM action (see [`NOT_IN_SERVICE_AUTHORIZATION_REFERENCE`]);
        /// kept because the Chicory guide's policy lists it.
        UPDATE_LISTING = "UpdateListing", Write, [Any];
        DELETE_LISTING = "DeleteListing", Write, [Any];
        CREATE_ASSET_REVISION = "CreateAssetRevision", Write, [Any];
        CREATE_DATA_SOURCE = "CreateDataSource", Write, [Any];
        UPDATE_DATA_SOURCE = "UpdateDataSource", Write, [Any];
        DELETE_DATA_SOURCE = "DeleteDataSource", Write, [Any];
        /// Authorizes `CreateListingChangeSet`, the API that publishes (or unpublishes) an asset
        /// as a listing.
        CREATE_LISTING_CHANGE_SET = "CreateListingChangeSet", Write, [Any];
    }
}

/// AWS CloudTrail actions.
pub mod cloudtrail {
    use super::*;
    catalogue! { CloudTrail, "cloudtrail";
        /// Who ran which query (principal enrichment of Athena query activity).
        LOOKUP_EVENTS = "LookupEvents", Read, [Any];
    }
}

/// AWS IAM actions.
pub mod iam {
    use super::*;
    catalogue! { Iam, "iam";
        /// Authorizes handing a role to a service, checked when a request names one: the Glue
        /// data-quality runs pass the role Glue runs as (`LibraryGluePassRole`).
        PASS_ROLE = "PassRole", Write, [IamRole];
    }
}

/// The catalogue per service, in [`Service::ALL`] order.
pub const BY_SERVICE: &[(Service, &[Action])] = &[
    (Service::Sts, sts::ALL),
    (Service::Glue, glue::ALL),
    (Service::Athena, athena::ALL),
    (Service::S3, s3::ALL),
    (Service::DataZone, datazone::ALL),
    (Service::CloudTrail, cloudtrail::ALL),
    (Service::Iam, iam::ALL),
];

/// Actions of the Chicory guide's DataZone ReadWrite policy that the Service Authorization
/// Reference does not define: IAM stores them but they authorize nothing. They stay in the
/// generated policy because the guide lists them; the real actions are
/// [`datazone::CREATE_ASSET_REVISION`] (update an asset) and
/// [`datazone::CREATE_LISTING_CHANGE_SET`] (publish a listing).
pub const NOT_IN_SERVICE_AUTHORIZATION_REFERENCE: &[Action] = &[
    datazone::UPDATE_ASSET,
    datazone::CREATE_LISTING,
    datazone::UPDATE_LISTING,
];

/// The actions of one service.
pub fn for_service(service: Service) -> &'static [Action] {
    BY_SERVICE
        .iter()
        .find(|(s, _)| *s == service)
        .map(|(_, a)| *a)
        .unwrap_or(&[])
}

/// Every action in the catalogue, service by service.
pub fn all() -> impl Iterator<Item = Action> {
    BY_SERVICE.iter().flat_map(|(_, a)| a.iter().copied())
}

/// The catalogue entry for an IAM name such as `glue:GetTables` (case-insensitive, as IAM is).
pub fn lookup(iam_name: &str) -> Option<Action> {
    let (prefix, _) = iam_name.split_once(':')?;
    let service: Service = prefix.parse().ok()?;
    for_service(service)
        .iter()
        .copied()
        .find(|a| a.is_named(iam_name))
}
