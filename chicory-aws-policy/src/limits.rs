//! IAM size limits, and splitting permissions into several policies rather than emitting one
//! IAM would reject.
//!
//! IAM counts a policy's characters with the whitespace between JSON tokens removed
//! ([`PolicyDocument::iam_size`]). The limits are: a managed policy 6,144 characters; all
//! inline policies of one role together 10,240; a role trust policy 2,048 (the default quota);
//! at most 10 managed policies attached to a role (the default quota).
//!
//! [`plan_role_policies`] keeps the policies inline when they fit the role's aggregate, and
//! otherwise splits them into managed policies (statements packed in order; a statement too
//! large alone is split by resources, then by actions), or fails with a typed error.
//!
//! ```
//! use chicory_aws_policy::limits::{plan_role_policies, Attachment, NamedPolicy};
//! use chicory_aws_policy::{permissions::permission_policy, AccessLevel, Integration, PolicyOptions};
//!
//! let doc = permission_policy(Integration::Glue, AccessLevel::ReadWrite, &PolicyOptions::default())?;
//! let plan = plan_role_policies(vec![NamedPolicy::new("GlueReadWriteAccess", doc)])?;
//! assert_eq!(plan.attachment, Attachment::Inline);
//! # Ok::<(), chicory_aws_policy::PolicyError>(())
//! ```

use crate::document::{PolicyDocument, ResourceSet, Statement};
use crate::error::PolicyError;
use std::collections::BTreeSet;
use std::fmt;

/// The most characters of one managed policy.
pub const MANAGED_POLICY_MAX_CHARS: usize = 6_144;
/// The most characters of all inline policies of one role together.
pub const INLINE_ROLE_AGGREGATE_MAX_CHARS: usize = 10_240;
/// The most characters of a role trust policy (default quota).
pub const TRUST_POLICY_MAX_CHARS: usize = 2_048;
/// The most managed policies attached to one role (default quota).
pub const MANAGED_POLICIES_PER_ROLE_MAX: usize = 10;

/// The kind of a policy, which decides its size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// A customer managed policy.
    Managed,
    /// An inline policy of a role (limit shared by all of the role's inline policies).
    Inline,
    /// A role's trust policy.
    Trust,
}

impl PolicyKind {
    /// The character limit.
    pub const fn limit(self) -> usize {
        match self {
            PolicyKind::Managed => MANAGED_POLICY_MAX_CHARS,
            PolicyKind::Inline => INLINE_ROLE_AGGREGATE_MAX_CHARS,
            PolicyKind::Trust => TRUST_POLICY_MAX_CHARS,
        }
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PolicyKind::Managed => "managed",
            PolicyKind::Inline => "inline",
            PolicyKind::Trust => "trust",
        })
    }
}

/// A policy with the name it is attached under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedPolicy {
    /// The policy name (`[\w+=,.@-]`, at most 128 characters).
    pub name: String,
    /// The document.
    pub document: PolicyDocument,
}

impl NamedPolicy {
    /// A named policy.
    pub fn new(name: impl Into<String>, document: PolicyDocument) -> Self {
        NamedPolicy {
            name: name.into(),
            document,
        }
    }
}

/// How the permissions are attached to the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attachment {
    /// Inline policies (`put-role-policy`, `AWS::IAM::Policy`).
    Inline,
    /// Customer managed policies (`create-policy` + `attach-role-policy`,
    /// `AWS::IAM::ManagedPolicy`).
    Managed,
}

/// The policies to attach to a role, after splitting to fit IAM's limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePolicyPlan {
    /// Inline or managed.
    pub attachment: Attachment,
    /// For each input policy, in order, the policies it became (one if not split).
    pub parts: Vec<Vec<NamedPolicy>>,
}

impl RolePolicyPlan {
    /// Every policy of the plan, in order.
    pub fn policies(&self) -> impl Iterator<Item = &NamedPolicy> {
        self.parts.iter().flatten()
    }
}

/// Fails with [`PolicyError::PolicyTooLarge`] if the trust policy is over 2,048 characters.
pub fn check_trust_size(doc: &PolicyDocument, kind: PolicyKind) -> Result<(), PolicyError> {
    let size = doc.iam_size();
    if size > kind.limit() {
        return Err(PolicyError::PolicyTooLarge {
            kind,
            name: "trust policy".into(),
            size,
            limit: kind.limit(),
        });
    }
    Ok(())
}

/// Plans the role's permission policies: inline if all of them fit the role's 10,240
/// aggregate, otherwise managed policies of at most 6,144 characters each, at most 10.
pub fn plan_role_policies(policies: Vec<NamedPolicy>) -> Result<RolePolicyPlan, PolicyError> {
    let total: usize = policies.iter().map(|p| p.document.iam_size()).sum();
    if total <= INLINE_ROLE_AGGREGATE_MAX_CHARS {
        return Ok(RolePolicyPlan {
            attachment: Attachment::Inline,
            parts: policies.into_iter().map(|p| vec![p]).collect(),
        });
    }
    let mut parts = Vec::new();
    for p in policies {
        let docs = split_document(
            &p.name,
            &p.document,
            MANAGED_POLICY_MAX_CHARS,
            PolicyKind::Managed,
        )?;
        let n = docs.len();
        parts.push(
            docs.into_iter()
                .enumerate()
                .map(|(i, d)| {
                    let name = if i == 0 && n == 1 {
                        p.name.clone()
                    } else {
                        format!("{}{}", p.name, i + 1)
                    };
                    NamedPolicy::new(name, d)
                })
                .collect::<Vec<_>>(),
        );
    }
    let needed: usize = parts.iter().map(Vec::len).sum();
    if needed > MANAGED_POLICIES_PER_ROLE_MAX {
        return Err(PolicyError::TooManyPolicies {
            needed,
            per_policy: MANAGED_POLICY_MAX_CHARS,
            max: MANAGED_POLICIES_PER_ROLE_MAX,
        });
    }
    Ok(RolePolicyPlan {
        attachment: Attachment::Managed,
        parts,
    })
}

/// Characters kept free in each chunk for a `Part<n>` Sid suffix.
const SID_SUFFIX_ROOM: usize = 12;

fn single_size(st: &Statement) -> usize {
    PolicyDocument::new(vec![st.clone()]).iam_size()
}

/// Splits a document into documents of at most `limit` characters, keeping statement order,
/// Sids unique across all the parts and every action-resource pair granted exactly as before.
pub fn split_document(
    name: &str,
    doc: &PolicyDocument,
    limit: usize,
    kind: PolicyKind,
) -> Result<Vec<PolicyDocument>, PolicyError> {
    if doc.iam_size() <= limit {
        return Ok(vec![doc.clone()]);
    }
    let too_large = |size| PolicyError::PolicyTooLarge {
        kind,
        name: name.to_owned(),
        size,
        limit,
    };
    let mut used: BTreeSet<String> = doc
        .statements
        .iter()
        .filter_map(|s| s.sid.clone())
        .collect();
    let mut pieces: Vec<Statement> = Vec::new();
    for st in &doc.statements {
        if single_size(st) <= limit {
            pieces.push(st.clone());
            continue;
        }
        // Leave room for the `Part<n>` suffix the later chunks' Sids get.
        let chunks = chunk_statement(st, limit.saturating_sub(SID_SUFFIX_ROOM))
            .ok_or_else(|| too_large(single_size(st)))?;
        for (i, mut c) in chunks.into_iter().enumerate() {
            if i > 0 {
                if let Some(sid) = &st.sid {
                    let mut n = i + 1;
                    let mut candidate = format!("{sid}Part{n}");
                    while used.contains(&candidate) {
                        n += 1;
                        candidate = format!("{sid}Part{n}");
                    }
                    used.insert(candidate.clone());
                    c.sid = Some(candidate);
                }
            }
            if single_size(&c) > limit {
                return Err(too_large(single_size(&c)));
            }
            pieces.push(c);
        }
    }
    let mut out: Vec<PolicyDocument> = Vec::new();
    let mut current = PolicyDocument::new(Vec::new());
    for st in pieces {
        current.statements.push(st);
        if current.iam_size() > limit {
            let st = current.statements.pop().expect("just pushed");
            out.push(std::mem::replace(
                &mut current,
                PolicyDocument::new(vec![st]),
            ));
        }
    }
    if !current.statements.is_empty() {
        out.push(current);
    }
    Ok(out)
}

/// Splits one statement by resources (and, if one resource is still too large, by actions)
/// into statements that each fit `limit`; `None` if even one action on one resource does not.
fn chunk_statement(st: &Statement, limit: usize) -> Option<Vec<Statement>> {
    let with = |resources: &[String], actions: &[String]| {
        let mut s = st.clone();
        s.resources = st.resources.as_ref().map(|r| match r {
            ResourceSet::Resource(_) => ResourceSet::Resource(resources.iter().cloned().collect()),
            ResourceSet::NotResource(_) => {
                ResourceSet::NotResource(resources.iter().cloned().collect())
            }
        });
        s.actions = match &st.actions {
            crate::document::ActionSet::Action(_) => {
                crate::document::ActionSet::Action(actions.iter().cloned().collect())
            }
            crate::document::ActionSet::NotAction(_) => {
                crate::document::ActionSet::NotAction(actions.iter().cloned().collect())
            }
        };
        s
    };
    // Splitting NotResource or NotAction lists would change their meaning.
    let splittable_resources = matches!(st.resources, Some(ResourceSet::Resource(_)));
    let splittable_actions = matches!(st.actions, crate::document::ActionSet::Action(_));
    let resources = st.resource_patterns().to_vec();
    let actions = st.action_names().to_vec();
    // First by resources with every action: the most numerous kind of resource (e.g. Glue
    // tables) is spread over the statements and every other one (the catalog and databases
    // Glue also authorizes) repeated in each, so each statement still names a resource of
    // every type its actions require.
    if splittable_resources && resources.len() > 1 {
        let kinds: Vec<String> = resources.iter().map(|r| resource_kind(r)).collect();
        let mut counts: Vec<(String, usize)> = Vec::new();
        for k in &kinds {
            match counts.iter_mut().find(|(c, _)| c == k) {
                Some((_, n)) => *n += 1,
                None => counts.push((k.clone(), 1)),
            }
        }
        let biggest = counts
            .iter()
            .max_by_key(|(_, n)| *n)
            .map(|(k, _)| k.clone());
        let mut spread: Vec<String> = Vec::new();
        let mut fixed: Vec<String> = Vec::new();
        for (k, r) in kinds.iter().zip(&resources) {
            if Some(k) == biggest.as_ref() {
                spread.push(r.clone());
            } else {
                fixed.push(r.clone());
            }
        }
        let join = |c: &[String]| -> Vec<String> { fixed.iter().chain(c).cloned().collect() };
        if let Some(groups) = greedy(&spread, |c| single_size(&with(&join(c), &actions)) <= limit) {
            return Some(groups.iter().map(|g| with(&join(g), &actions)).collect());
        }
        if let Some(groups) = greedy(&resources, |c| single_size(&with(c, &actions)) <= limit) {
            return Some(groups.iter().map(|g| with(g, &actions)).collect());
        }
    }
    // Then by actions, resource by resource (or on the whole list if it cannot be split).
    if !splittable_actions {
        return None;
    }
    let resource_groups: Vec<Vec<String>> = if splittable_resources {
        resources.iter().map(|r| vec![r.clone()]).collect()
    } else {
        vec![resources]
    };
    let mut out = Vec::new();
    for rg in resource_groups {
        for ag in greedy(&actions, |c| single_size(&with(&rg, c)) <= limit)? {
            out.push(with(&rg, &ag));
        }
    }
    Some(out)
}

/// The kind of resource an ARN names: service and resource type (`glue table`, `s3 object`).
fn resource_kind(arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() < 6 {
        return arn.to_owned();
    }
    let resource = parts[5];
    let kind = if parts[2] == "s3" {
        if resource.contains('/') {
            "object"
        } else {
            "bucket"
        }
    } else {
        resource.split('/').next().unwrap_or(resource)
    };
    format!("{} {kind}", parts[2])
}

/// Greedy in-order chunks of `items`, each accepted by `fits`; `None` if one item alone
/// does not fit.
fn greedy(items: &[String], fits: impl Fn(&[String]) -> bool) -> Option<Vec<Vec<String>>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    for it in items {
        cur.push(it.clone());
        if !fits(&cur) {
            cur.pop();
            if cur.is_empty() {
                return None;
            }
            out.push(std::mem::take(&mut cur));
            cur.push(it.clone());
            if !fits(&cur) {
                return None;
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Some(out)
}
