//! Connection parameters: what a vendor stores per customer, validated before any network call.

use crate::error::{Error, Result};
use crate::AccessLevel;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// The region used when the parameters name none, as the integration guide says.
pub const DEFAULT_REGION: &str = "us-east-1";
/// The session name used when the parameters name none (the guide's own).
pub const DEFAULT_SESSION_NAME: &str = "chicory-integration-session";
/// The session length used when the parameters name none: the guide's 15-minute sessions.
pub const DEFAULT_SESSION_DURATION: Duration = Duration::from_secs(900);

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn check_chars(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
    extra: &str,
    what: &str,
) -> Result<()> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(Error::invalid(
            field,
            format!("must be {min} to {max} characters of {what}, got {n} characters"),
        ));
    }
    if let Some(bad) = value.chars().find(|c| !is_word(*c) && !extra.contains(*c)) {
        return Err(Error::invalid(
            field,
            format!("must contain only {what}; found {bad:?}"),
        ));
    }
    Ok(())
}

/// The ARN of the customer's IAM role: `arn:<aws|aws-cn|aws-us-gov>:iam::<12 digits>:role/<path/>name`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoleArn {
    arn: String,
    partition_end: usize,
}

impl RoleArn {
    /// Parses and validates a role ARN.
    pub fn parse(arn: &str) -> Result<Self> {
        const RULE: &str =
            "must look like arn:aws:iam::123456789012:role/RoleName (partition aws, \
                            aws-cn or aws-us-gov; 12-digit account; optional /path/)";
        let bad = |why: &str| Error::invalid("role_arn", format!("{RULE}; {why}: {arn:?}"));
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" {
            return Err(bad("not an ARN"));
        }
        if !matches!(parts[1], "aws" | "aws-cn" | "aws-us-gov") {
            return Err(bad("unknown partition"));
        }
        if parts[2] != "iam" || !parts[3].is_empty() {
            return Err(bad("not an IAM ARN (service must be iam, region empty)"));
        }
        if parts[4].len() != 12 || !parts[4].bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("account id must be 12 digits"));
        }
        let Some(rest) = parts[5].strip_prefix("role/") else {
            return Err(bad("resource must start with role/"));
        };
        let (path, name) = match rest.rfind('/') {
            Some(i) => (&rest[..=i], &rest[i + 1..]),
            None => ("", rest),
        };
        if path.len() > 511
            || path.chars().any(|c| !('\u{21}'..='\u{7e}').contains(&c))
            || path.split('/').rev().skip(1).any(str::is_empty)
        {
            return Err(bad("invalid role path (an empty segment, e.g. role//Name)"));
        }
        check_chars(
            "role_arn",
            name,
            1,
            64,
            "+=,.@-",
            "letters, digits and +=,.@_-",
        )
        .map_err(|_| bad("role name must be 1-64 of letters, digits and +=,.@_-"))?;
        Ok(RoleArn {
            arn: arn.to_owned(),
            partition_end: 4 + parts[1].len(),
        })
    }

    /// The partition: `aws`, `aws-cn` or `aws-us-gov`.
    pub fn partition(&self) -> &str {
        &self.arn[4..self.partition_end]
    }

    /// The customer's 12-digit account id.
    pub fn account_id(&self) -> &str {
        self.arn.split(':').nth(4).unwrap_or_default()
    }

    /// The role name, without path.
    pub fn role_name(&self) -> &str {
        self.arn.rsplit('/').next().unwrap_or_default()
    }

    /// The ARN text.
    pub fn as_str(&self) -> &str {
        &self.arn
    }
}

impl TryFrom<String> for RoleArn {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        RoleArn::parse(&s)
    }
}
impl From<RoleArn> for String {
    fn from(r: RoleArn) -> String {
        r.arn
    }
}
impl fmt::Display for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn)
    }
}
impl fmt::Debug for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RoleArn({})", self.arn)
    }
}

macro_rules! validated_string {
    ($(#[$doc:meta])* $name:ident, $check:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Validates and wraps the value.
            pub fn new(value: impl Into<String>) -> Result<Self> {
                let value = value.into();
                let check: fn(&str) -> Result<()> = $check;
                check(&value)?;
                Ok($name(value))
            }
            /// The value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(s: String) -> Result<Self> {
                $name::new(s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }
    };
}

validated_string!(
    /// The External ID the customer's trust policy requires: 2-1224 characters of `[\w+=,.@:/-]`.
    ///
    /// It is the confused-deputy defence: unique per vendor project, never chosen by the customer.
    ExternalId,
    |v| chicory_aws_policy::validate::external_id(v).map_err(|e| Error::invalid("external_id", e))
);
validated_string!(
    /// The STS role session name: 2-64 characters of `[\w+=,.@-]`.
    SessionName,
    |v| check_chars("session_name", v, 2, 64, "+=,.@-", "letters, digits and +=,.@_-")
);
validated_string!(
    /// The STS source identity: 2-64 characters of `[\w+=,.@-]`.
    SourceIdentity,
    |v| check_chars("source_identity", v, 2, 64, "+=,.@-", "letters, digits and +=,.@_-")
);

impl ExternalId {
    /// The External ID of a vendor project, in the guide's format `chicory-<project uuid>`.
    pub fn for_project(project: uuid::Uuid) -> Self {
        ExternalId(format!("chicory-{}", project.hyphenated()))
    }

    /// A fresh External ID for a new project (`chicory-<random uuid v4>`).
    pub fn generate() -> Self {
        Self::for_project(uuid::Uuid::new_v4())
    }
}

/// An AWS region name such as `us-east-1`, `us-gov-west-1` or `cn-north-1`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Region(String);

impl Region {
    /// Validates the region syntax (`<2 letters>-<word>[-<word>]-<digits>`), by the rule every
    /// crate shares ([`chicory_aws_policy::validate::region`]).
    pub fn new(value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        chicory_aws_policy::validate::region(&value).map_err(|e| Error::invalid("region", e))?;
        Ok(Region(value))
    }
    /// The region name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The partition the region is in, as ARNs spell it: `aws-cn` for `cn-*`, `aws-us-gov`
    /// for `us-gov-*`, else `aws`.
    pub fn partition(&self) -> &'static str {
        if self.0.starts_with("cn-") {
            "aws-cn"
        } else if self.0.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        }
    }
}
impl Default for Region {
    fn default() -> Self {
        Region(DEFAULT_REGION.to_owned())
    }
}
impl TryFrom<String> for Region {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Region::new(s)
    }
}
impl From<Region> for String {
    fn from(r: Region) -> String {
        r.0
    }
}
impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({})", self.0)
    }
}

/// A secret string: printed as `** redacted **` by `Debug` and never by `Display`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret itself; call only where it is handed to AWS.
    pub fn expose(&self) -> &str {
        &self.0
    }
}
impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

/// How the library authenticates into the customer's account.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CustomerAuth {
    /// Assume the customer's role with STS and the External ID (the recommended way).
    AssumeRole(AssumeRoleParams),
    /// Static access keys of an IAM user the customer created (for customers who cannot create
    /// a role, as in the Coalesce guide).
    AccessKeys(AccessKeyParams),
}

/// Parameters of STS AssumeRole.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumeRoleParams {
    /// The customer's role.
    pub role_arn: RoleArn,
    /// The External ID the role's trust policy requires.
    pub external_id: ExternalId,
    /// The role session name (shows in the customer's CloudTrail).
    pub session_name: SessionName,
    /// The session length, 900-43200 s.
    pub session_duration: Duration,
    /// The optional source identity (shows in CloudTrail, usable in trust conditions).
    pub source_identity: Option<SourceIdentity>,
    /// Session tags passed to AssumeRole.
    pub session_tags: BTreeMap<String, String>,
}

/// Static access keys of a customer IAM user.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccessKeyParams {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: Secret,
    /// The customer's 12-digit account id.
    pub account_id: String,
}

/// The validated parameters of one customer connection.
///
/// Deserialize them from the JSON a vendor stores, e.g.
/// `{"role_arn": "arn:aws:iam::123456789012:role/ChicoryGlueAccess", "external_id":
/// "chicory-proj-abc123", "region": "us-west-2", "access_level": "ReadOnly"}`.
/// Every field is validated on the way in; an error names the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawParams", into = "RawParams")]
#[non_exhaustive]
pub struct ConnectionParams {
    /// How to authenticate.
    pub auth: CustomerAuth,
    /// The customer's region (default `us-east-1`).
    pub region: Region,
    /// What the customer granted (default ReadOnly).
    pub access_level: AccessLevel,
}

impl ConnectionParams {
    /// Parameters to assume `role_arn` with `external_id`, with every other field at its default.
    pub fn assume_role(role_arn: &str, external_id: &str) -> Result<Self> {
        RawParams {
            role_arn: Some(role_arn.to_owned()),
            external_id: Some(external_id.to_owned()),
            ..RawParams::default()
        }
        .try_into()
    }

    /// Parameters for static access keys of a customer IAM user.
    pub fn access_keys(
        access_key_id: &str,
        secret_access_key: &str,
        account_id: &str,
    ) -> Result<Self> {
        RawParams {
            access_key_id: Some(access_key_id.to_owned()),
            secret_access_key: Some(Secret::new(secret_access_key)),
            account_id: Some(account_id.to_owned()),
            ..RawParams::default()
        }
        .try_into()
    }

    /// Parses and validates the stored JSON; errors are [`ErrorKind::InvalidConfig`](crate::ErrorKind::InvalidConfig).
    pub fn from_json(json: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
            Error::invalid("connection parameters", format!("are not valid JSON: {e}"))
        })?;
        let raw: RawParams = Error::parse_json(value, "connection parameters")?;
        raw.try_into()
    }

    /// Sets the region.
    pub fn with_region(mut self, region: &str) -> Result<Self> {
        self.region = Region::new(region)?;
        check_partition(&self.auth, &self.region)?;
        Ok(self)
    }

    /// Sets the access level.
    pub fn with_access_level(mut self, level: AccessLevel) -> Self {
        self.access_level = level;
        self
    }

    /// Sets the session duration (900-43200 s); only for role connections.
    pub fn with_session_duration(mut self, duration: Duration) -> Result<Self> {
        let secs = check_duration(duration.as_secs())?;
        match &mut self.auth {
            CustomerAuth::AssumeRole(r) => r.session_duration = Duration::from_secs(secs),
            CustomerAuth::AccessKeys(_) => {
                return Err(Error::invalid(
                    "session_duration",
                    "applies only to role connections (role_arn), not access keys",
                ))
            }
        }
        Ok(self)
    }

    /// The customer's account id.
    pub fn account_id(&self) -> &str {
        match &self.auth {
            CustomerAuth::AssumeRole(r) => r.role_arn.account_id(),
            CustomerAuth::AccessKeys(k) => &k.account_id,
        }
    }
}

fn check_duration(secs: u64) -> Result<u64> {
    if !(900..=43200).contains(&secs) {
        return Err(Error::invalid(
            "session_duration",
            format!("must be 900 to 43200 seconds (15 minutes to 12 hours), got {secs}"),
        ));
    }
    Ok(secs)
}

fn check_partition(auth: &CustomerAuth, region: &Region) -> Result<()> {
    if let CustomerAuth::AssumeRole(r) = auth {
        let expected = region.partition();
        if r.role_arn.partition() != expected {
            return Err(Error::invalid(
                "region",
                format!(
                    "region {region} is in partition {expected} but the role ARN is in partition {}; \
                     use a region of the role's partition",
                    r.role_arn.partition()
                ),
            ));
        }
    }
    Ok(())
}

/// The stored JSON shape, before validation.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_level: Option<AccessLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_duration: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source_identity: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    session_tags: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret_access_key: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account_id: Option<String>,
}

fn check_tags(tags: &BTreeMap<String, String>) -> Result<()> {
    if tags.len() > 50 {
        return Err(Error::invalid(
            "session_tags",
            format!("at most 50 tags, got {}", tags.len()),
        ));
    }
    let ok_char = |c: char| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c);
    for (k, v) in tags {
        if k.is_empty() || k.chars().count() > 128 || !k.chars().all(ok_char) {
            return Err(Error::invalid(
                "session_tags",
                format!("tag key {k:?} must be 1-128 letters, digits, spaces or _.:/=+-@"),
            ));
        }
        if v.chars().count() > 256 || !v.chars().all(ok_char) {
            return Err(Error::invalid(
                "session_tags",
                format!("value of tag {k:?} must be 0-256 letters, digits, spaces or _.:/=+-@"),
            ));
        }
    }
    Ok(())
}

impl TryFrom<RawParams> for ConnectionParams {
    type Error = Error;

    fn try_from(raw: RawParams) -> Result<Self> {
        let region = match raw.region {
            Some(r) => Region::new(r)?,
            None => Region::default(),
        };
        let auth = match (raw.role_arn, raw.access_key_id) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "access_key_id",
                    "give either role_arn + external_id (recommended) or access_key_id + \
                     secret_access_key + account_id, not both",
                ))
            }
            (Some(role_arn), None) => {
                if raw.secret_access_key.is_some() || raw.account_id.is_some() {
                    return Err(Error::invalid(
                        "secret_access_key",
                        "secret_access_key and account_id belong to access-key connections; \
                         remove them when using role_arn",
                    ));
                }
                let role_arn = RoleArn::parse(&role_arn)?;
                let external_id = raw.external_id.ok_or_else(|| {
                    Error::invalid(
                        "external_id",
                        "is required with role_arn: the role's trust policy must require it \
                         (sts:ExternalId), as the confused-deputy defence",
                    )
                })?;
                let source_identity = raw.source_identity.map(SourceIdentity::new).transpose()?;
                check_tags(&raw.session_tags)?;
                CustomerAuth::AssumeRole(AssumeRoleParams {
                    role_arn,
                    external_id: ExternalId::new(external_id)?,
                    session_name: SessionName::new(
                        raw.session_name
                            .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_owned()),
                    )?,
                    session_duration: Duration::from_secs(check_duration(
                        raw.session_duration
                            .unwrap_or(DEFAULT_SESSION_DURATION.as_secs()),
                    )?),
                    source_identity,
                    session_tags: raw.session_tags,
                })
            }
            (None, Some(access_key_id)) => {
                for (field, present) in [
                    ("external_id", raw.external_id.is_some()),
                    ("session_name", raw.session_name.is_some()),
                    ("session_duration", raw.session_duration.is_some()),
                    ("source_identity", raw.source_identity.is_some()),
                    ("session_tags", !raw.session_tags.is_empty()),
                ] {
                    if present {
                        return Err(Error::invalid(
                            field,
                            "applies only to role connections (role_arn), not access keys",
                        ));
                    }
                }
                if access_key_id.len() < 16
                    || access_key_id.len() > 128
                    || !access_key_id.bytes().all(|b| b.is_ascii_alphanumeric())
                {
                    return Err(Error::invalid(
                        "access_key_id",
                        "must be 16-128 letters and digits (e.g. AKIA...)",
                    ));
                }
                let secret = raw.secret_access_key.ok_or_else(|| {
                    Error::invalid("secret_access_key", "is required with access_key_id")
                })?;
                if secret.expose().is_empty() {
                    return Err(Error::invalid("secret_access_key", "must not be empty"));
                }
                let account_id = raw.account_id.ok_or_else(|| {
                    Error::invalid("account_id", "is required with access_key_id (12 digits)")
                })?;
                if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Error::invalid("account_id", "must be 12 digits"));
                }
                CustomerAuth::AccessKeys(AccessKeyParams {
                    access_key_id,
                    secret_access_key: secret,
                    account_id,
                })
            }
            (None, None) => {
                return Err(Error::invalid(
                    "role_arn",
                    "is required (with external_id); customers who cannot create a role may give \
                     access_key_id + secret_access_key + account_id instead",
                ))
            }
        };
        check_partition(&auth, &region)?;
        Ok(ConnectionParams {
            auth,
            region,
            access_level: raw.access_level.unwrap_or_default(),
        })
    }
}

impl From<ConnectionParams> for RawParams {
    fn from(p: ConnectionParams) -> RawParams {
        let mut raw = RawParams {
            region: Some(p.region.0),
            access_level: Some(p.access_level),
            ..RawParams::default()
        };
        match p.auth {
            CustomerAuth::AssumeRole(r) => {
                raw.role_arn = Some(r.role_arn.arn);
                raw.external_id = Some(r.external_id.0);
                raw.session_name = Some(r.session_name.0);
                raw.session_duration = Some(r.session_duration.as_secs());
                raw.source_identity = r.source_identity.map(|s| s.0);
                raw.session_tags = r.session_tags;
            }
            CustomerAuth::AccessKeys(k) => {
                raw.access_key_id = Some(k.access_key_id);
                raw.secret_access_key = Some(k.secret_access_key);
                raw.account_id = Some(k.account_id);
            }
        }
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const ARN: &str = "arn:aws:iam::123456789012:role/ChicoryGlueAccess";

    fn field_of(json: &str) -> String {
        let e = ConnectionParams::from_json(json).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig);
        e.field().unwrap().to_owned()
    }

    #[test]
    fn spec_example_parses_with_defaults() {
        let p = ConnectionParams::from_json(&format!(
            r#"{{"role_arn": "{ARN}", "external_id": "chicory-proj-abc123"}}"#
        ))
        .unwrap();
        assert_eq!(p.region.as_str(), "us-east-1");
        assert_eq!(p.access_level, AccessLevel::ReadOnly);
        assert_eq!(p.account_id(), "123456789012");
        let CustomerAuth::AssumeRole(r) = &p.auth else {
            panic!()
        };
        assert_eq!(r.session_duration, Duration::from_secs(900));
        assert_eq!(r.session_name.as_str(), DEFAULT_SESSION_NAME);
        assert_eq!(r.role_arn.role_name(), "ChicoryGlueAccess");
        // round trip
        let back: ConnectionParams =
            serde_json::from_value(serde_json::to_value(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn role_arn_rules() {
        for good in [
            ARN,
            "arn:aws-cn:iam::123456789012:role/x",
            "arn:aws:iam::123456789012:role/service-role/team/Chicory+Access=1,a.b@c-d",
        ] {
            RoleArn::parse(good).unwrap();
        }
        for bad in [
            "",
            "arn:aws:iam::12345678901:role/x",
            "arn:aws:iam::123456789012:user/x",
            "arn:aws:s3::123456789012:role/x",
            "arn:aws:iam:us-east-1:123456789012:role/x",
            "arn:azure:iam::123456789012:role/x",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam::123456789012:role/has space",
        ] {
            let e = RoleArn::parse(bad).unwrap_err();
            assert_eq!(e.field(), Some("role_arn"), "{bad}");
        }
        assert_eq!(
            RoleArn::parse("arn:aws-us-gov:iam::123456789012:role/a/b/c")
                .unwrap()
                .partition(),
            "aws-us-gov"
        );
    }

    #[test]
    fn each_field_is_named() {
        let base =
            |extra: &str| format!(r#"{{"role_arn": "{ARN}", "external_id": "chicory-x"{extra}}}"#);
        assert_eq!(field_of(&base(r#", "region": "US-EAST-1""#)), "region");
        assert_eq!(field_of(&base(r#", "region": "cn-north-1""#)), "region");
        assert_eq!(
            field_of(&base(r#", "session_duration": 899"#)),
            "session_duration"
        );
        assert_eq!(
            field_of(&base(r#", "session_duration": 43201"#)),
            "session_duration"
        );
        assert_eq!(field_of(&base(r#", "session_name": "a""#)), "session_name");
        assert_eq!(
            field_of(&base(r#", "session_name": "has space""#)),
            "session_name"
        );
        assert_eq!(
            field_of(&base(r#", "source_identity": "x!""#)),
            "source_identity"
        );
        assert_eq!(
            field_of(&base(r#", "session_tags": {"": "v"}"#)),
            "session_tags"
        );
        assert_eq!(
            field_of(&base(r#", "access_key_id": "AKIAAAAAAAAAAAAAAAAA""#)),
            "access_key_id"
        );
        assert_eq!(
            field_of(&format!(r#"{{"role_arn": "{ARN}"}}"#)),
            "external_id"
        );
        assert_eq!(
            field_of(&format!(r#"{{"role_arn": "{ARN}", "external_id": "x"}}"#)),
            "external_id"
        );
        assert_eq!(
            field_of(&format!(r#"{{"role_arn": "{ARN}", "external_id": "a b"}}"#)),
            "external_id"
        );
        assert_eq!(field_of("{}"), "role_arn");
        let long = "a".repeat(1225);
        assert_eq!(
            field_of(&format!(
                r#"{{"role_arn": "{ARN}", "external_id": "{long}"}}"#
            )),
            "external_id"
        );
        // a typo'd field name is refused rather than silently defaulted
        let e = ConnectionParams::from_json(&base(r#", "regoin": "us-west-2""#)).unwrap_err();
        assert!(e.to_string().contains("regoin"), "{e}");
    }

    #[test]
    fn durations_in_range_are_kept() {
        let p = ConnectionParams::from_json(&format!(
            r#"{{"role_arn": "{ARN}", "external_id": "chicory-x", "session_duration": 43200, "region": "us-gov-west-1"}}"#
        ));
        // us-gov region with an aws-partition ARN is refused, naming region
        assert_eq!(p.unwrap_err().field(), Some("region"));
        let p = ConnectionParams::assume_role(ARN, "chicory-x")
            .unwrap()
            .with_session_duration(Duration::from_secs(3600))
            .unwrap();
        let CustomerAuth::AssumeRole(r) = &p.auth else {
            panic!()
        };
        assert_eq!(r.session_duration.as_secs(), 3600);
    }

    #[test]
    fn access_keys_mode_and_redaction() {
        let p = ConnectionParams::from_json(
            r#"{"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "account_id": "123456789012", "region": "eu-west-1"}"#,
        )
        .unwrap();
        assert_eq!(p.account_id(), "123456789012");
        let dbg = format!("{p:?}");
        assert!(!dbg.contains("wJalrXUtnFEMI"), "{dbg}");
        assert!(dbg.contains("redacted"));
        assert_eq!(
            field_of(r#"{"access_key_id": "AKIAIOSFODNN7EXAMPLE", "account_id": "123456789012"}"#),
            "secret_access_key"
        );
        assert_eq!(
            field_of(
                r#"{"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "s", "account_id": "1"}"#
            ),
            "account_id"
        );
        assert_eq!(
            field_of(
                r#"{"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "s", "account_id": "123456789012", "external_id": "chicory-x"}"#
            ),
            "external_id"
        );
    }

    #[test]
    fn external_id_for_project() {
        let id = uuid::Uuid::parse_str("8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a").unwrap();
        let e = ExternalId::for_project(id);
        assert_eq!(e.as_str(), "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a");
        ExternalId::new(e.as_str()).unwrap();
        assert_ne!(ExternalId::generate(), ExternalId::generate());
    }
}
