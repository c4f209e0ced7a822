//! The permissions vocabulary of chicory-aws and the customer's onboarding material.
//!
//! Every IAM action the library calls is declared once, in [`actions`], with its access level
//! and resource types from the AWS Service Authorization Reference. Scanners and operators in
//! the service crates declare their actions from these constants; access levels
//! ([`AccessLevel`]) and the permission policies rendered for customers follow from that one
//! declaration.
//!
//! The onboarding material is what a customer runs in their own account:
//! - [`trust`]: the trust policy (vendor account root or one vendor role/user, External ID,
//!   optional `sts:SourceIdentity` and `aws:PrincipalOrgID`);
//! - [`permissions`]: the integration guide's policies per integration and access level, the
//!   library's extra statements, resource restriction ([`ResourceScope`]), and the Coalesce,
//!   Polytomic and Apperate variants;
//! - [`cloudformation`]: the three stacks' templates (YAML and JSON), their parameters and the
//!   quick-create link; [`cli`]: the manual method's AWS CLI commands;
//! - [`limits`]: IAM's size limits and splitting into several policies;
//! - [`onboarding`]: all of the above in one call.
//!
//! This crate has no AWS SDK dependency, so a control plane can render onboarding material
//! without compiling the SDK.
//!
//! ```
//! use chicory_aws_policy::{actions, AccessLevel, Integration, PolicyOptions};
//! use chicory_aws_policy::permissions::permission_policy;
//! use chicory_aws_policy::trust::{TrustPolicy, VendorPrincipal};
//!
//! assert_eq!(actions::glue::GET_TABLES.iam_name(), "glue:GetTables");
//! assert_eq!(AccessLevel::required_for(&[actions::glue::GET_TABLES]), AccessLevel::ReadOnly);
//! assert_eq!(
//!     AccessLevel::required_for(&[actions::athena::START_QUERY_EXECUTION]),
//!     AccessLevel::ReadWrite
//! );
//!
//! // The guide's Glue ReadOnly policy, exactly.
//! let policy = permission_policy(Integration::Glue, AccessLevel::ReadOnly, &PolicyOptions::spec_only())?;
//! let sids: Vec<_> = policy.statements.iter().filter_map(|s| s.sid.as_deref()).collect();
//! assert_eq!(sids, ["GlueCatalogReadAccess", "AthenaQueryRead", "S3ReadAccess"]);
//!
//! // The role's trust policy.
//! let trust = TrustPolicy::new(VendorPrincipal::account("123456789012")?, "chicory-proj-abc123")?;
//! assert!(trust.document()?.to_json_pretty().contains("sts:ExternalId"));
//! # Ok::<(), chicory_aws_policy::PolicyError>(())
//! ```
#![warn(missing_docs)]

pub mod action;
pub mod actions;
pub mod cli;
pub mod cloudformation;
pub mod document;
mod error;
pub mod limits;
mod node;
pub mod onboarding;
pub mod permissions;
pub mod scope;
pub mod trust;
pub mod validate;

pub use action::{AccessLevel, Action, ActionLevel, ResourceType, Service};
pub use document::{PolicyDocument, Statement};
pub use error::PolicyError;
pub use permissions::{Integration, PolicyOptions};
pub use scope::ResourceScope;
