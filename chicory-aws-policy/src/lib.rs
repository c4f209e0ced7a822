//! The permissions vocabulary of chicory-aws and the customer's onboarding material.
//!
//! Every IAM action the library calls is declared once, in [`actions`], with its access level
//! from the AWS Service Authorization Reference. Scanners and operators in the service crates
//! declare their actions from these constants; access levels ([`AccessLevel`]) and the
//! permission policies rendered for customers follow from that one declaration.
//!
//! This crate has no AWS SDK dependency, so a control plane can render onboarding material
//! without compiling the SDK.
//!
//! ```
//! use chicory_aws_policy::{actions, AccessLevel};
//!
//! assert_eq!(actions::glue::GET_TABLES.iam_name(), "glue:GetTables");
//! assert_eq!(AccessLevel::required_for(&[actions::glue::GET_TABLES]), AccessLevel::ReadOnly);
//! assert_eq!(
//!     AccessLevel::required_for(&[actions::athena::START_QUERY_EXECUTION]),
//!     AccessLevel::ReadWrite
//! );
//! ```
#![warn(missing_docs)]

pub mod action;
pub mod actions;

pub use action::{AccessLevel, Action, ActionLevel, ResourceType, Service};
