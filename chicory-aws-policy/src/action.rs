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
    /// AWS Identity and Access Management (`iam:`).
    Iam,
}

impl Service {
    /// Every service in the catalogue.
    pub const ALL: &'static [Service] = &[
        Service::Sts,
        Service::Glue,
        Service::Athena,
        Service::S3,
        Service::DataZone,
        Service::CloudTrail,
        Service::Iam,
    ];

    /// The IAM service prefix, e.g. `glue`.
    pub const fn prefix(self) -> &'static str {
        match self {
            Service::Sts => "sts",
            Service::Glue => "glue",
            Service::Athena => "athena",
            Service::S3 => "s3",
            Service::DataZone => "datazone",
            Service::CloudTrail => "cloudtrail",
            Service::Iam => "iam",
        }
    }
}

impl std::str::FromStr for Service {
    type Err = crate::PolicyError;

    /// Parses an IAM service prefix (`glue`, `athena`, ...), ignoring case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Service::ALL
            .iter()
            .copied()
            .find(|svc| svc.prefix().eq_ignore_ascii_case(s))
            .ok_or_else(|| crate::PolicyError::UnknownService(s.to_owned()))
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

impl ActionLevel {
    /// The name the Service Authorization Reference uses: `List`, `Read`, `Write`, `Tagging`
    /// or `Permissions management`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ActionLevel::List => "List",
            ActionLevel::Read => "Read",
            ActionLevel::Write => "Write",
            ActionLevel::Tagging => "Tagging",
            ActionLevel::PermissionsManagement => "Permissions management",
        }
    }
}

impl fmt::Display for ActionLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// IAM user (`arn:${Partition}:iam::${Account}:user/${UserNameWithPath}`).
    IamUser,
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

impl ResourceType {
    /// The ARN format from the Service Authorization Reference, with its `${...}` variables;
    /// `None` for [`ResourceType::Any`].
    pub const fn arn_format(self) -> Option<&'static str> {
        Some(match self {
            ResourceType::Any => return None,
            ResourceType::IamRole => "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
            ResourceType::IamUser => "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}",
            ResourceType::GlueCatalog => "arn:${Partition}:glue:${Region}:${Account}:catalog",
            ResourceType::GlueDatabase => {
                "arn:${Partition}:glue:${Region}:${Account}:database/${DatabaseName}"
            }
            ResourceType::GlueTable => {
                "arn:${Partition}:glue:${Region}:${Account}:table/${DatabaseName}/${TableName}"
            }
            ResourceType::GlueTableVersion => {
                "arn:${Partition}:glue:${Region}:${Account}:tableVersion/${DatabaseName}/${TableName}/${TableVersionName}"
            }
            ResourceType::GlueUserDefinedFunction => {
                "arn:${Partition}:glue:${Region}:${Account}:userDefinedFunction/${DatabaseName}/${UserDefinedFunctionName}"
            }
            ResourceType::GlueDataQualityRuleset => {
                "arn:${Partition}:glue:${Region}:${Account}:dataQualityRuleset/${RulesetName}"
            }
            ResourceType::AthenaDataCatalog => {
                "arn:${Partition}:athena:${Region}:${Account}:datacatalog/${DataCatalogName}"
            }
            ResourceType::AthenaWorkGroup => {
                "arn:${Partition}:athena:${Region}:${Account}:workgroup/${WorkGroupName}"
            }
            ResourceType::S3Bucket => "arn:${Partition}:s3:::${BucketName}",
            ResourceType::S3Object => "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
            ResourceType::DataZoneDomain => {
                "arn:${Partition}:datazone:${Region}:${Account}:domain/${DomainId}"
            }
        })
    }
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

    /// Whether `iam_name` (e.g. `glue:GetTables`) names this action. IAM action names are
    /// case-insensitive.
    pub fn is_named(&self, iam_name: &str) -> bool {
        match iam_name.split_once(':') {
            Some((prefix, name)) => {
                prefix.eq_ignore_ascii_case(self.service.prefix())
                    && name.eq_ignore_ascii_case(self.name)
            }
            None => false,
        }
    }
}

impl std::str::FromStr for Action {
    type Err = crate::PolicyError;

    /// Looks the IAM name up in the catalogue ([`crate::actions::lookup`]).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::actions::lookup(s).ok_or_else(|| crate::PolicyError::UnknownAction(s.to_owned()))
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service.prefix(), self.name)
    }
}

/// The access a customer grants: scanning and reading, or also managing and writing.
///
/// Read from text and from JSON by one rule, [`FromStr`](std::str::FromStr)'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub enum AccessLevel {
    /// Scan, discover and read.
    #[default]
    ReadOnly,
    /// Also manage, run queries and write.
    ReadWrite,
}

impl AccessLevel {
    /// Both levels, ReadOnly first.
    pub const ALL: [AccessLevel; 2] = [AccessLevel::ReadOnly, AccessLevel::ReadWrite];

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

impl<'de> Deserialize<'de> for AccessLevel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for AccessLevel {
    type Err = crate::PolicyError;

    /// Parses `ReadOnly` or `ReadWrite` (case-insensitive; `read-only`/`read_only` too).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let folded: String = s
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_lowercase();
        match folded.as_str() {
            "readonly" => Ok(AccessLevel::ReadOnly),
            "readwrite" => Ok(AccessLevel::ReadWrite),
            _ => Err(crate::PolicyError::UnknownAccessLevel(s.to_owned())),
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
