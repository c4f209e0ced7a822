//! Trust policies: who may assume the customer's role, and with which External ID.
//!
//! ```
//! use chicory_aws_policy::trust::{chicory_external_id, TrustPolicy, VendorPrincipal};
//!
//! let external_id = chicory_external_id("8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a");
//! let trust = TrustPolicy::new(VendorPrincipal::account("123456789012")?, &external_id)?;
//! let doc = trust.document()?;
//! let json = doc.to_json_pretty();
//! assert!(json.contains(r#""AWS": "arn:aws:iam::123456789012:root""#));
//! assert!(json.contains(r#""sts:ExternalId": "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a""#));
//! # Ok::<(), chicory_aws_policy::PolicyError>(())
//! ```

use crate::action::Action;
use crate::actions::sts;
use crate::document::{PolicyDocument, Principal, Statement};
use crate::error::PolicyError;
use crate::limits::{check_trust_size, PolicyKind};
use crate::scope::is_account_id;

/// The prefix of Chicory External IDs: `chicory-<project uuid>`.
pub const CHICORY_EXTERNAL_ID_PREFIX: &str = "chicory-";

/// The External ID for a Chicory project: `chicory-<project id>`.
pub fn chicory_external_id(project_id: &str) -> String {
    format!("{CHICORY_EXTERNAL_ID_PREFIX}{project_id}")
}

/// Checks an External ID as STS does: 2 to 1,224 characters of `[\w+=,.@:/-]`.
pub fn validate_external_id(external_id: &str) -> Result<(), PolicyError> {
    crate::validate::external_id(external_id).map_err(|reason| PolicyError::InvalidInput {
        field: "external_id",
        reason,
    })
}

/// Checks an AWS Organizations id such as `o-a1b2c3d4e5`.
pub fn validate_org_id(org_id: &str) -> Result<(), PolicyError> {
    let ok = org_id.strip_prefix("o-").is_some_and(|r| {
        (10..=32).contains(&r.len())
            && r.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    });
    if ok {
        Ok(())
    } else {
        Err(PolicyError::InvalidInput {
            field: "principal_org_id",
            reason: format!("{org_id:?} is not an AWS Organizations id (o-xxxxxxxxxx)"),
        })
    }
}

/// Checks a source identity as STS does: 2 to 64 characters of `[\w+=,.@-]`.
pub fn validate_source_identity(source_identity: &str) -> Result<(), PolicyError> {
    let ok = (2..=64).contains(&source_identity.len())
        && source_identity
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(PolicyError::InvalidInput {
            field: "source_identity",
            reason: format!("{source_identity:?} must be 2-64 characters of [\\w+=,.@-]"),
        })
    }
}

/// Checks a session tag key as STS does: 1 to 128 letters, digits, spaces or `_.:/=+-@`.
pub fn validate_session_tag_key(key: &str) -> Result<(), PolicyError> {
    let ok = (1..=128).contains(&key.chars().count())
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c));
    if ok {
        Ok(())
    } else {
        Err(PolicyError::InvalidInput {
            field: "session_tags",
            reason: format!("tag key {key:?} must be 1-128 letters, digits, spaces or _.:/=+-@"),
        })
    }
}

/// The trust-policy actions a vendor's AssumeRole call needs: `sts:AssumeRole`, plus
/// `sts:SetSourceIdentity` when it sets a source identity and `sts:TagSession` when it passes
/// session tags (STS refuses the call otherwise). For `ConnectionParams` of chicory-aws-core:
/// `trust_actions(p.source_identity.is_some(), !p.session_tags.is_empty())`.
pub fn trust_actions(source_identity: bool, session_tags: bool) -> Vec<Action> {
    let mut out = vec![sts::ASSUME_ROLE];
    if source_identity {
        out.push(sts::SET_SOURCE_IDENTITY);
    }
    if session_tags {
        out.push(sts::TAG_SESSION);
    }
    out
}

/// The vendor principal the trust policy names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VendorPrincipal {
    /// Any principal of the vendor's account that its own IAM allows
    /// (`arn:<partition>:iam::<account>:root`), as in the Chicory and Polytomic guides.
    Account(String),
    /// One vendor role or user ARN (Polytomic's "restrict to a role", Apperate's user ARN).
    Arn(String),
}

impl VendorPrincipal {
    /// The vendor's 12-digit account.
    pub fn account(account_id: &str) -> Result<Self, PolicyError> {
        if !is_account_id(account_id) {
            return Err(PolicyError::InvalidInput {
                field: "vendor_account",
                reason: format!("{account_id:?} is not a 12-digit AWS account ID"),
            });
        }
        Ok(VendorPrincipal::Account(account_id.to_owned()))
    }

    /// A vendor role or user ARN, or an account root ARN:
    /// `arn:<partition>:iam::<account>:(root|role/<path/name>|user/<path/name>)`.
    pub fn arn(arn: &str) -> Result<Self, PolicyError> {
        let err = |reason: &str| PolicyError::InvalidInput {
            field: "vendor_principal",
            reason: format!("{arn:?} {reason}"),
        };
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" || parts[2] != "iam" || !parts[3].is_empty() {
            return Err(err(
                "is not an IAM ARN (arn:aws:iam::<account>:role/<name>)",
            ));
        }
        if !parts[1].starts_with("aws") {
            return Err(err("has an unknown partition"));
        }
        if !is_account_id(parts[4]) {
            return Err(err("has no 12-digit account"));
        }
        let resource = parts[5];
        let named = |kind: &str| {
            resource.strip_prefix(kind).is_some_and(|n| {
                !n.is_empty()
                    && !n.ends_with('/')
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-/".contains(c))
            })
        };
        if resource == "root" {
            return Ok(VendorPrincipal::Account(parts[4].to_owned()));
        }
        if !(named("role/") || named("user/")) {
            return Err(err("names neither root, a role nor a user"));
        }
        Ok(VendorPrincipal::Arn(arn.to_owned()))
    }

    /// The principal ARN in `partition`.
    pub fn principal_arn(&self, partition: &str) -> String {
        match self {
            VendorPrincipal::Account(a) => format!("arn:{partition}:iam::{a}:root"),
            VendorPrincipal::Arn(arn) => arn.clone(),
        }
    }

    /// The vendor's account ID.
    pub fn account_id(&self) -> &str {
        match self {
            VendorPrincipal::Account(a) => a,
            VendorPrincipal::Arn(arn) => arn.split(':').nth(4).unwrap_or_default(),
        }
    }
}

/// A trust policy: the vendor principal may call `sts:AssumeRole` only with the External ID.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrustPolicy {
    principal: VendorPrincipal,
    external_id: String,
    source_identity: Option<String>,
    session_tag_keys: Vec<String>,
    principal_org_id: Option<String>,
    partition: String,
}

impl TrustPolicy {
    /// Trusts `principal` with `external_id` (validated as STS does).
    pub fn new(principal: VendorPrincipal, external_id: &str) -> Result<Self, PolicyError> {
        validate_external_id(external_id)?;
        Ok(TrustPolicy {
            principal,
            external_id: external_id.to_owned(),
            source_identity: None,
            session_tag_keys: Vec::new(),
            principal_org_id: None,
            partition: "aws".into(),
        })
    }

    /// The trust policy for the AssumeRole calls a vendor will make: with the External ID,
    /// and, when they set one, this source identity (`sts:SetSourceIdentity`) and session
    /// tags with these keys (`sts:TagSession`). Derive it from the connection parameters the
    /// vendor uses, so STS accepts every call they make:
    ///
    /// ```
    /// use chicory_aws_policy::trust::{TrustPolicy, VendorPrincipal};
    ///
    /// let trust = TrustPolicy::for_assume_role(
    ///     VendorPrincipal::account("123456789012")?,
    ///     "chicory-p1",
    ///     Some("chicory-scanner"),
    ///     ["customer", "project"],
    /// )?;
    /// let json = trust.document()?.to_json_compact();
    /// assert!(json.contains("sts:SetSourceIdentity") && json.contains("sts:TagSession"));
    /// # Ok::<(), chicory_aws_policy::PolicyError>(())
    /// ```
    pub fn for_assume_role<S: AsRef<str>>(
        principal: VendorPrincipal,
        external_id: &str,
        source_identity: Option<&str>,
        session_tag_keys: impl IntoIterator<Item = S>,
    ) -> Result<Self, PolicyError> {
        let mut trust = TrustPolicy::new(principal, external_id)?;
        if let Some(si) = source_identity {
            trust = trust.require_source_identity(si)?;
        }
        let keys: Vec<S> = session_tag_keys.into_iter().collect();
        if !keys.is_empty() {
            trust = trust.allow_session_tags(keys)?;
        }
        Ok(trust)
    }

    /// Also lets the vendor pass session tags with these keys (and no others) on AssumeRole:
    /// a statement allowing `sts:TagSession` with `ForAllValues:StringEquals aws:TagKeys`.
    /// Without it STS refuses an AssumeRole that carries tags.
    pub fn allow_session_tags<S: AsRef<str>>(
        mut self,
        keys: impl IntoIterator<Item = S>,
    ) -> Result<Self, PolicyError> {
        for k in keys {
            let k = k.as_ref();
            validate_session_tag_key(k)?;
            if !self.session_tag_keys.iter().any(|x| x == k) {
                self.session_tag_keys.push(k.to_owned());
            }
        }
        if self.session_tag_keys.is_empty() {
            return Err(PolicyError::InvalidInput {
                field: "session_tags",
                reason: "name at least one tag key the vendor will pass".into(),
            });
        }
        Ok(self)
    }

    /// The trust-policy actions this policy allows the vendor (see [`trust_actions`]).
    pub fn actions(&self) -> Vec<Action> {
        trust_actions(
            self.source_identity.is_some(),
            !self.session_tag_keys.is_empty(),
        )
    }

    /// Also requires the vendor to set this source identity (`StringEquals sts:SourceIdentity`
    /// on AssumeRole) and allows `sts:SetSourceIdentity` for that value, without which STS
    /// refuses a source identity.
    pub fn require_source_identity(mut self, source_identity: &str) -> Result<Self, PolicyError> {
        validate_source_identity(source_identity)?;
        self.source_identity = Some(source_identity.to_owned());
        Ok(self)
    }

    /// Also requires the calling principal to belong to this AWS Organization
    /// (`StringEquals aws:PrincipalOrgID`).
    pub fn require_principal_org_id(mut self, org_id: &str) -> Result<Self, PolicyError> {
        validate_org_id(org_id)?;
        self.principal_org_id = Some(org_id.to_owned());
        Ok(self)
    }

    /// The partition of the account-root ARN (default `aws`).
    pub fn partition(mut self, partition: &str) -> Self {
        self.partition = partition.to_owned();
        self
    }

    /// The External ID.
    pub fn external_id(&self) -> &str {
        &self.external_id
    }

    /// The vendor principal.
    pub fn principal(&self) -> &VendorPrincipal {
        &self.principal
    }

    /// The document, checked against the 2,048-character trust policy limit.
    pub fn document(&self) -> Result<PolicyDocument, PolicyError> {
        let doc = trust_document(
            &self.principal.principal_arn(&self.partition),
            &self.external_id,
            self.source_identity.as_deref(),
            &self.session_tag_keys,
            self.principal_org_id.as_deref(),
        );
        doc.validate()?;
        check_trust_size(&doc, PolicyKind::Trust)?;
        Ok(doc)
    }
}

/// The trust document shape, with the guide's element order and no Sid on the AssumeRole
/// statement (as the guide prints it). Values are not validated: templates pass
/// `${Parameter}` references.
///
/// A required source identity adds `StringEquals sts:SourceIdentity` to the AssumeRole
/// statement (no session without it) and a second statement allowing `sts:SetSourceIdentity`
/// for that value only (STS checks that action when a source identity is set; the External ID
/// is not a condition key of it). Session tag keys add a statement allowing `sts:TagSession`
/// for those keys only (`ForAllValues:StringEquals aws:TagKeys`; the External ID is not a
/// condition key of TagSession either).
pub(crate) fn trust_document(
    principal_arn: &str,
    external_id: &str,
    source_identity: Option<&str>,
    session_tag_keys: &[String],
    principal_org_id: Option<&str>,
) -> PolicyDocument {
    let principal = Principal::aws(principal_arn);
    let mut assume = Statement::allow([sts::ASSUME_ROLE.iam_name()])
        .with_principal(principal.clone())
        .with_condition("StringEquals", "sts:ExternalId", [external_id]);
    if let Some(si) = source_identity {
        assume = assume.with_condition("StringEquals", "sts:SourceIdentity", [si]);
    }
    if let Some(org) = principal_org_id {
        assume = assume.with_condition("StringEquals", "aws:PrincipalOrgID", [org]);
    }
    let mut statements = vec![assume];
    if let Some(si) = source_identity {
        let mut set = Statement::allow([sts::SET_SOURCE_IDENTITY.iam_name()])
            .with_sid("SetSourceIdentity")
            .with_principal(principal.clone())
            .with_condition("StringEquals", "sts:SourceIdentity", [si]);
        if let Some(org) = principal_org_id {
            set = set.with_condition("StringEquals", "aws:PrincipalOrgID", [org]);
        }
        statements.push(set);
    }
    if !session_tag_keys.is_empty() {
        let mut tag = Statement::allow([sts::TAG_SESSION.iam_name()])
            .with_sid("TagSession")
            .with_principal(principal)
            .with_condition(
                "ForAllValues:StringEquals",
                "aws:TagKeys",
                session_tag_keys.iter().cloned(),
            );
        if let Some(org) = principal_org_id {
            tag = tag.with_condition("StringEquals", "aws:PrincipalOrgID", [org]);
        }
        statements.push(tag);
    }
    PolicyDocument::new(statements)
}
