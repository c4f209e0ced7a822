//! The one error type of this crate.

use crate::limits::PolicyKind;
use thiserror::Error;

/// Why a policy, template or onboarding input was refused.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The text is not a policy document IAM would accept.
    #[error("malformed policy document: {0}")]
    Malformed(String),
    /// JSON that does not parse.
    #[error("policy JSON does not parse: {0}")]
    Json(#[from] serde_json::Error),
    /// A statement id that is not alphanumeric (IAM requires `[0-9A-Za-z]*`).
    #[error("statement id {0:?} is not alphanumeric")]
    InvalidSid(String),
    /// Two statements share an id.
    #[error("statement id {0:?} is used twice")]
    DuplicateSid(String),
    /// A statement names the same action twice.
    #[error("statement {sid:?} names {action} twice")]
    DuplicateAction {
        /// The statement id (empty when it has none).
        sid: String,
        /// The repeated action.
        action: String,
    },
    /// An IAM action name that is not in the catalogue.
    #[error("{0:?} is not an action in the chicory-aws catalogue")]
    UnknownAction(String),
    /// An IAM service prefix that is not in the catalogue.
    #[error("{0:?} is not a service in the chicory-aws catalogue")]
    UnknownService(String),
    /// Neither `ReadOnly` nor `ReadWrite`.
    #[error("{0:?} is not an access level (ReadOnly or ReadWrite)")]
    UnknownAccessLevel(String),
    /// Not one of the integrations (`glue`, `datazone`, `s3`).
    #[error("{0:?} is not an integration (glue, datazone or s3)")]
    UnknownIntegration(String),
    /// A value that is not valid for the field it was given for.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The input field, e.g. `external_id`.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A single policy is over the IAM size limit and cannot be split further (one statement
    /// alone is too large).
    #[error(
        "{kind} policy {name:?} is {size} characters, over the {limit}-character IAM limit, \
         and cannot be split further"
    )]
    PolicyTooLarge {
        /// The kind of policy and so the limit that applies.
        kind: PolicyKind,
        /// The policy's name (or `trust policy`).
        name: String,
        /// Its size as IAM counts it (whitespace removed).
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The role would need more managed policies than IAM attaches to one role.
    #[error(
        "the permissions need {needed} managed policies of at most {per_policy} characters; \
         IAM attaches at most {max} to a role (narrow the resource restriction)"
    )]
    TooManyPolicies {
        /// How many managed policies the permissions need.
        needed: usize,
        /// The per-policy limit used.
        per_policy: usize,
        /// The most a role can have attached.
        max: usize,
    },
}
