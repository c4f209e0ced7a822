//! Typed IAM actions and the two access levels a customer can grant.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An AWS service whose IAM actions the library calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Service {
    /// AWS Security Token Service (`sts:`).
    Sts,
    /// AWS Glue (`glue:`).
    Glue,
    /// Amazon Athena (`athena:`).
    Athena,
    /// Amazon S3 (`s3:`).
    S3,
    /// Amazon DataZone (`datazone:`).
    DataZone,
    /// AWS CloudTrail (`cloudtrail:`).
    CloudTrail,
}

impl Service {
    /// The IAM service prefix, e.g. `glue`.
    pub const fn prefix(self) -> &'static str {
        match self {
            Service::Sts => "sts",
            Service::Glue => "glue",
            Service::Athena => "athena",
            Service::S3 => "s3",
            Service::DataZone => "datazone",
            Service::CloudTrail => "cloudtrail",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())
    }
}

/// The access level of an action in the AWS Service Authorization Reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ActionLevel {
    /// Lists resources.
    List,
    /// Reads a resource.
    Read,
    /// Creates, changes or deletes a resource.
    Write,
    /// Changes tags.
    Tagging,
    /// Changes permissions.
    PermissionsManagement,
}

/// A resource type an action can be scoped to, as named in the Service Authorization Reference.
///
/// An action whose only resource type is [`ResourceType::Any`] accepts only `"Resource": "*"`
/// and gets a statement of its own in generated policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ResourceType {
    /// Only `*` is accepted.
    Any,
    /// IAM role (`arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`).
    IamRole,
    /// Glue catalog (`arn:${Partition}:glue:${Region}:${Account}:catalog`).
    GlueCatalog,
    /// Glue database (`...:database/${DatabaseName}`).
    GlueDatabase,
    /// Glue table (`...:table/${DatabaseName}/${TableName}`).
    GlueTable,
    /// Glue table version (`...:tableVersion/${DatabaseName}/${TableName}/${VersionId}`).
    GlueTableVersion,
    /// Glue user-defined function (`...:userDefinedFunction/${DatabaseName}/${FunctionName}`).
    GlueUserDefinedFunction,
    /// Glue data quality ruleset (`...:dataQualityRuleset/${RulesetName}`).
    GlueDataQualityRuleset,
    /// Athena data catalog (`...:datacatalog/${DataCatalogName}`).
    AthenaDataCatalog,
    /// Athena workgroup (`...:workgroup/${WorkGroupName}`).
    AthenaWorkGroup,
    /// S3 bucket (`arn:${Partition}:s3:::${BucketName}`).
    S3Bucket,
    /// S3 object (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
    S3Object,
    /// DataZone domain (`arn:${Partition}:datazone:${Region}:${Account}:domain/${DomainId}`).
    DataZoneDomain,
}

/// One IAM action the library calls, with its level and the resource types it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Action {
    /// The service the action belongs to.
    pub service: Service,
    /// The action name without prefix, e.g. `GetTables`.
    pub name: &'static str,
    /// The access level from the Service Authorization Reference.
    pub level: ActionLevel,
    /// The resource types the action can be scoped to.
    pub resources: &'static [ResourceType],
}

impl Action {
    /// The IAM name, e.g. `glue:GetTables`.
    pub fn iam_name(&self) -> String {
        format!("{}:{}", self.service.prefix(), self.name)
    }

    /// Whether the action changes something (Write, Tagging or Permissions management).
    pub const fn is_write(&self) -> bool {
        !matches!(self.level, ActionLevel::List | ActionLevel::Read)
    }

    /// Whether the action accepts only `"Resource": "*"`.
    pub fn only_star_resource(&self) -> bool {
        self.resources.iter().all(|r| *r == ResourceType::Any)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service.prefix(), self.name)
    }
}

/// The access a customer grants: scanning and reading, or also managing and writing.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub enum AccessLevel {
    /// Scan, discover and read.
    #[default]
    ReadOnly,
    /// Also manage, run queries and write.
    ReadWrite,
}

impl AccessLevel {
    /// The level needed to call all of `actions`: ReadWrite if any of them writes.
    pub fn required_for(actions: &[Action]) -> AccessLevel {
        if actions.iter().any(Action::is_write) {
            AccessLevel::ReadWrite
        } else {
            AccessLevel::ReadOnly
        }
    }

    /// Whether a connection granted `self` may call something that needs `needed`.
    pub fn allows(self, needed: AccessLevel) -> bool {
        self >= needed
    }

    /// The name used in parameters and templates: `ReadOnly` or `ReadWrite`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AccessLevel::ReadOnly => "ReadOnly",
            AccessLevel::ReadWrite => "ReadWrite",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
