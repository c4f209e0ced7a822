//! What the operators of several concepts share: the inputs naming a resource of a domain to
//! read ([`ResourceRef`]) or delete ([`DeleteInput`]), what a delete leaves ([`Deleted`]), and
//! the error of a request that could not be built.

use crate::validate::{check_domain_id, check_id, check_text};
use chicory_aws_core::{Error, ErrorKind, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A request (or a part of one) the SDK's builder refused: invalid input, as configuration.
pub(crate) fn build_error(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::new(ErrorKind::InvalidConfig, "request could not be built").with_source(e)
}

/// A resource of a domain: `{domain_id, id}` (plus an optional revision).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceRef {
    /// Domain id (`dzd_...`).
    pub domain_id: String,
    /// Resource id (asset, listing, glossary, term or data source id).
    pub id: String,
    /// Revision (assets and listings); default: the latest.
    #[serde(default)]
    pub revision: Option<String>,
}

impl ResourceRef {
    /// Checks the ids and revision before any request.
    pub(crate) fn check(&self) -> Result<()> {
        check_domain_id("domain_id", &self.domain_id)?;
        check_id("id", &self.id)?;
        check_text("revision", self.revision.as_deref(), 64)
    }
    /// `domain/id`, naming the resource in errors.
    pub(crate) fn resource(&self) -> String {
        format!("{}/{}", self.domain_id, self.id)
    }
}

/// Output of the delete operators.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Deleted {
    /// Domain id.
    pub domain_id: String,
    /// The deleted resource's id.
    pub id: String,
    /// Status after the call (data sources: `DELETING`).
    pub status: Option<String>,
}

/// A resource of a domain to delete.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteInput {
    /// Domain id.
    pub domain_id: String,
    /// Resource id.
    pub id: String,
}
