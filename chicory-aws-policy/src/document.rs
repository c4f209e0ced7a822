//! A typed IAM policy document that serializes to the JSON IAM accepts and parses it back.
//!
//! Fields that IAM lets be one string or a list of strings ([`OneOrMany`]) serialize as a plain
//! string when they hold one value and as a list otherwise, and parse from either form.
//! Output is deterministic: statements keep their order, action lists keep their order (first
//! occurrence wins), and condition operators and keys are sorted.
//!
//! ```
//! use chicory_aws_policy::document::{PolicyDocument, Statement};
//!
//! let doc = PolicyDocument::new(vec![Statement::allow(["s3:GetObject", "s3:ListBucket"])
//!     .with_sid("S3Read")
//!     .with_resources(["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"])]);
//! let json = doc.to_json_pretty();
//! assert_eq!(PolicyDocument::from_json(&json).unwrap(), doc);
//! assert!(json.contains(r#""Sid": "S3Read""#));
//! ```

use crate::error::PolicyError;
use serde::de::{self, Deserializer};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The policy language version. Only `2012-10-17` allows policy variables; it is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum PolicyVersion {
    /// `2012-10-17`, the current version.
    #[default]
    #[serde(rename = "2012-10-17")]
    V2012_10_17,
    /// `2008-10-17`, the old version.
    #[serde(rename = "2008-10-17")]
    V2008_10_17,
}

/// One string or a list of strings, as IAM allows for Action, Resource, Principal values and
/// condition values. Serializes as a string when it holds exactly one value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct OneOrMany(pub Vec<String>);

impl OneOrMany {
    /// One value.
    pub fn one(value: impl Into<String>) -> Self {
        OneOrMany(vec![value.into()])
    }

    /// The values in order.
    pub fn values(&self) -> &[String] {
        &self.0
    }

    /// Whether it holds no value.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends `value` unless it is already there (exact match).
    pub fn push_unique(&mut self, value: impl Into<String>) {
        let value = value.into();
        if !self.0.contains(&value) {
            self.0.push(value);
        }
    }
}

impl<S: Into<String>> FromIterator<S> for OneOrMany {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        OneOrMany(iter.into_iter().map(Into::into).collect())
    }
}

impl Serialize for OneOrMany {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.len() == 1 {
            serializer.serialize_str(&self.0[0])
        } else {
            self.0.serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Many(Vec<String>),
            // IAM accepts numbers and booleans as condition values; keep their text.
            Bool(bool),
            Number(serde_json::Number),
            Mixed(Vec<serde_json::Value>),
        }
        fn scalar<E: de::Error>(v: serde_json::Value) -> Result<String, E> {
            match v {
                serde_json::Value::String(s) => Ok(s),
                serde_json::Value::Bool(b) => Ok(b.to_string()),
                serde_json::Value::Number(n) => Ok(n.to_string()),
                other => Err(E::custom(format!("expected a string, got {other}"))),
            }
        }
        Ok(OneOrMany(match Raw::deserialize(deserializer)? {
            Raw::One(s) => vec![s],
            Raw::Many(v) => v,
            Raw::Bool(b) => vec![b.to_string()],
            Raw::Number(n) => vec![n.to_string()],
            Raw::Mixed(v) => v.into_iter().map(scalar).collect::<Result<_, _>>()?,
        }))
    }
}

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Effect {
    /// Allow.
    #[default]
    Allow,
    /// Deny.
    Deny,
}

/// The Principal (or NotPrincipal) element of a resource-based policy such as a trust policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Principal {
    /// `"*"`: everyone.
    Everyone,
    /// Principals by kind: `AWS`, `Service`, `Federated` or `CanonicalUser`, sorted by kind.
    Typed(BTreeMap<String, OneOrMany>),
}

impl Principal {
    /// `{"AWS": arn}`: an account root, role or user ARN (or a 12-digit account ID).
    pub fn aws(arn: impl Into<String>) -> Self {
        Principal::Typed(BTreeMap::from([("AWS".to_owned(), OneOrMany::one(arn))]))
    }

    /// The `AWS` principals, if any.
    pub fn aws_principals(&self) -> &[String] {
        match self {
            Principal::Typed(m) => m.get("AWS").map(OneOrMany::values).unwrap_or(&[]),
            Principal::Everyone => &[],
        }
    }
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Principal::Everyone => serializer.serialize_str("*"),
            Principal::Typed(m) => m.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Principal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Star(String),
            Typed(BTreeMap<String, OneOrMany>),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Star(s) if s == "*" => Ok(Principal::Everyone),
            Raw::Star(s) => Err(de::Error::custom(format!(
                "a string principal must be \"*\", got {s:?}"
            ))),
            Raw::Typed(m) => {
                for k in m.keys() {
                    if !["AWS", "Service", "Federated", "CanonicalUser"].contains(&k.as_str()) {
                        return Err(de::Error::custom(format!("unknown principal type {k:?}")));
                    }
                }
                Ok(Principal::Typed(m))
            }
        }
    }
}

/// The Condition element: operator (e.g. `StringEquals`) -> condition key -> values.
pub type Condition = BTreeMap<String, BTreeMap<String, OneOrMany>>;

/// Whether a statement lists the actions it applies to or the ones it excludes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ActionSet {
    /// `Action`: the statement applies to these actions.
    Action(OneOrMany),
    /// `NotAction`: the statement applies to every action but these.
    NotAction(OneOrMany),
}

impl ActionSet {
    /// The action names, whichever the form.
    pub fn names(&self) -> &[String] {
        match self {
            ActionSet::Action(a) | ActionSet::NotAction(a) => a.values(),
        }
    }
}

/// Whether a statement lists the resources it applies to or the ones it excludes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResourceSet {
    /// `Resource`.
    Resource(OneOrMany),
    /// `NotResource`.
    NotResource(OneOrMany),
}

impl ResourceSet {
    /// The resource patterns, whichever the form.
    pub fn patterns(&self) -> &[String] {
        match self {
            ResourceSet::Resource(r) | ResourceSet::NotResource(r) => r.values(),
        }
    }
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawStatement", into = "RawStatement")]
pub struct Statement {
    /// The statement id: alphanumeric, unique in its policy.
    pub sid: Option<String>,
    /// Allow or Deny.
    pub effect: Effect,
    /// Principal (resource-based and trust policies only).
    pub principal: Option<Principal>,
    /// NotPrincipal (resource-based policies only).
    pub not_principal: Option<Principal>,
    /// Action or NotAction.
    pub actions: ActionSet,
    /// Resource or NotResource; `None` in a trust policy.
    pub resources: Option<ResourceSet>,
    /// Conditions.
    pub condition: Condition,
}

impl Statement {
    /// An Allow statement for `actions` (IAM names); no Sid, no resource yet.
    pub fn allow<S: Into<String>>(actions: impl IntoIterator<Item = S>) -> Self {
        let mut list = OneOrMany::default();
        for a in actions {
            list.push_unique(a);
        }
        Statement {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            not_principal: None,
            actions: ActionSet::Action(list),
            resources: None,
            condition: Condition::new(),
        }
    }

    /// Sets the statement id.
    pub fn with_sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// Sets `Resource` to these patterns (duplicates dropped, order kept).
    pub fn with_resources<S: Into<String>>(
        mut self,
        resources: impl IntoIterator<Item = S>,
    ) -> Self {
        let mut list = OneOrMany::default();
        for r in resources {
            list.push_unique(r);
        }
        self.resources = Some(ResourceSet::Resource(list));
        self
    }

    /// Sets `"Resource": "*"`.
    pub fn with_any_resource(self) -> Self {
        self.with_resources(["*"])
    }

    /// Sets the principal.
    pub fn with_principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    /// Adds a condition `operator` / `key` / `values` (values appended to any already there).
    pub fn with_condition<S: Into<String>>(
        mut self,
        operator: &str,
        key: &str,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        let entry = self
            .condition
            .entry(operator.to_owned())
            .or_default()
            .entry(key.to_owned())
            .or_default();
        for v in values {
            entry.push_unique(v);
        }
        self
    }

    /// The action names (of Action or NotAction).
    pub fn action_names(&self) -> &[String] {
        self.actions.names()
    }

    /// The resource patterns (of Resource or NotResource), empty if none.
    pub fn resource_patterns(&self) -> &[String] {
        self.resources
            .as_ref()
            .map(ResourceSet::patterns)
            .unwrap_or(&[])
    }
}

/// The JSON shape of a statement, with IAM's element names and order.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatement {
    #[serde(rename = "Sid", default, skip_serializing_if = "Option::is_none")]
    sid: Option<String>,
    #[serde(rename = "Effect")]
    effect: Effect,
    #[serde(rename = "Principal", default, skip_serializing_if = "Option::is_none")]
    principal: Option<Principal>,
    #[serde(
        rename = "NotPrincipal",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    not_principal: Option<Principal>,
    #[serde(rename = "Action", default, skip_serializing_if = "Option::is_none")]
    action: Option<OneOrMany>,
    #[serde(rename = "NotAction", default, skip_serializing_if = "Option::is_none")]
    not_action: Option<OneOrMany>,
    #[serde(rename = "Resource", default, skip_serializing_if = "Option::is_none")]
    resource: Option<OneOrMany>,
    #[serde(
        rename = "NotResource",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    not_resource: Option<OneOrMany>,
    #[serde(
        rename = "Condition",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    condition: Condition,
}

impl TryFrom<RawStatement> for Statement {
    type Error = String;

    fn try_from(raw: RawStatement) -> Result<Self, String> {
        let actions = match (raw.action, raw.not_action) {
            (Some(a), None) => ActionSet::Action(a),
            (None, Some(a)) => ActionSet::NotAction(a),
            (Some(_), Some(_)) => return Err("statement has both Action and NotAction".into()),
            (None, None) => return Err("statement has neither Action nor NotAction".into()),
        };
        let resources = match (raw.resource, raw.not_resource) {
            (Some(r), None) => Some(ResourceSet::Resource(r)),
            (None, Some(r)) => Some(ResourceSet::NotResource(r)),
            (Some(_), Some(_)) => return Err("statement has both Resource and NotResource".into()),
            (None, None) => None,
        };
        if raw.principal.is_some() && raw.not_principal.is_some() {
            return Err("statement has both Principal and NotPrincipal".into());
        }
        Ok(Statement {
            sid: raw.sid,
            effect: raw.effect,
            principal: raw.principal,
            not_principal: raw.not_principal,
            actions,
            resources,
            condition: raw.condition,
        })
    }
}

impl From<Statement> for RawStatement {
    fn from(s: Statement) -> Self {
        let (action, not_action) = match s.actions {
            ActionSet::Action(a) => (Some(a), None),
            ActionSet::NotAction(a) => (None, Some(a)),
        };
        let (resource, not_resource) = match s.resources {
            Some(ResourceSet::Resource(r)) => (Some(r), None),
            Some(ResourceSet::NotResource(r)) => (None, Some(r)),
            None => (None, None),
        };
        RawStatement {
            sid: s.sid,
            effect: s.effect,
            principal: s.principal,
            not_principal: s.not_principal,
            action,
            not_action,
            resource,
            not_resource,
            condition: s.condition,
        }
    }
}

/// An IAM policy document: identity-based (permission) or trust policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// The language version, `2012-10-17`.
    #[serde(rename = "Version", default)]
    pub version: PolicyVersion,
    /// The optional policy id.
    #[serde(rename = "Id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The statements, in order.
    #[serde(rename = "Statement", deserialize_with = "one_or_many_statements")]
    pub statements: Vec<Statement>,
}

fn one_or_many_statements<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Statement>, D::Error> {
    // IAM accepts a single statement object as well as a list.
    let value = serde_json::Value::deserialize(d)?;
    if value.is_array() {
        Vec::<Statement>::deserialize(value).map_err(de::Error::custom)
    } else {
        Statement::deserialize(value)
            .map(|s| vec![s])
            .map_err(de::Error::custom)
    }
}

impl PolicyDocument {
    /// A `2012-10-17` document with these statements.
    pub fn new(statements: Vec<Statement>) -> Self {
        PolicyDocument {
            version: PolicyVersion::V2012_10_17,
            id: None,
            statements,
        }
    }

    /// Parses policy JSON (a statement may be a single object or a list) and checks it with
    /// [`PolicyDocument::validate`].
    pub fn from_json(json: &str) -> Result<Self, PolicyError> {
        let doc: PolicyDocument = serde_json::from_str(json)?;
        doc.validate()?;
        Ok(doc)
    }

    /// Pretty JSON with two-space indentation, as the integration guides print policies.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a policy document always serializes")
    }

    /// Compact JSON, without any whitespace between tokens.
    pub fn to_json_compact(&self) -> String {
        serde_json::to_string(self).expect("a policy document always serializes")
    }

    /// The size IAM counts against its limits: the characters of the document with the
    /// whitespace between JSON tokens removed.
    pub fn iam_size(&self) -> usize {
        self.to_json_compact().chars().count()
    }

    /// The statement with this id.
    pub fn statement(&self, sid: &str) -> Option<&Statement> {
        self.statements
            .iter()
            .find(|s| s.sid.as_deref() == Some(sid))
    }

    /// Every action name granted or denied anywhere in the document, first occurrence first.
    pub fn action_names(&self) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for s in &self.statements {
            for a in s.action_names() {
                if seen.insert(a.to_ascii_lowercase()) {
                    out.push(a.as_str());
                }
            }
        }
        out
    }

    /// Checks what IAM and this crate require of every generated document: at least one
    /// statement, alphanumeric and unique Sids, no statement naming an action twice (IAM names
    /// ignore case) and no empty Action or Resource list.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.statements.is_empty() {
            return Err(PolicyError::Malformed(
                "a policy needs at least one statement".into(),
            ));
        }
        let mut sids = BTreeSet::new();
        for s in &self.statements {
            let sid = s.sid.clone().unwrap_or_default();
            if let Some(id) = &s.sid {
                if !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(PolicyError::InvalidSid(id.clone()));
                }
                if !sids.insert(id.clone()) {
                    return Err(PolicyError::DuplicateSid(id.clone()));
                }
            }
            if s.action_names().is_empty() {
                return Err(PolicyError::Malformed(format!(
                    "statement {sid:?} has no action"
                )));
            }
            let mut seen = BTreeSet::new();
            for a in s.action_names() {
                if !seen.insert(a.to_ascii_lowercase()) {
                    return Err(PolicyError::DuplicateAction {
                        sid,
                        action: a.clone(),
                    });
                }
            }
            if let Some(r) = &s.resources {
                if r.patterns().is_empty() {
                    return Err(PolicyError::Malformed(format!(
                        "statement {sid:?} has an empty resource list"
                    )));
                }
            }
        }
        Ok(())
    }
}
