//! Cross-account AWS connections for vendors.
//!
//! A vendor is given, per customer, a role ARN, an External ID and a region. From them a
//! [`Connection`] assumes the customer's role through STS with the External ID (the
//! confused-deputy defence), keeps the 15-minute sessions fresh in one cache shared by every
//! service client and task, and enforces the [`AccessLevel`] the customer granted: a write on a
//! ReadOnly connection is refused locally, before any request.
//!
//! ```no_run
//! use chicory_aws_core::{BaseCredentials, Connection, ConnectionParams};
//!
//! # async fn demo() -> chicory_aws_core::Result<()> {
//! let params = ConnectionParams::from_json(r#"{
//!     "role_arn": "arn:aws:iam::123456789012:role/ChicoryGlueAccess",
//!     "external_id": "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
//!     "region": "us-west-2"
//! }"#)?;
//! let conn = Connection::builder(params)
//!     .base_credentials(BaseCredentials::DefaultChain)
//!     .connect()
//!     .await?;
//! // Any AWS SDK client built from the connection shares its credential cache.
//! let sts = aws_sdk_sts::Client::new(conn.unchecked_sdk_config());
//! let me = sts.get_caller_identity().send().await;
//! # let _ = me; Ok(())
//! # }
//! ```
//!
//! Bad parameters fail before any network call, naming the field:
//!
//! ```
//! use chicory_aws_core::{ConnectionParams, ErrorKind};
//!
//! let err = ConnectionParams::assume_role("arn:aws:iam::123:role/x", "chicory-p1").unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::InvalidConfig);
//! assert_eq!(err.field(), Some("role_arn"));
//! ```
#![warn(missing_docs)]

pub mod budget;
pub mod cache;
mod check;
mod connection;
pub mod credentials;
mod error;
mod guard;
mod operator;
pub mod params;
pub mod scan;

pub use budget::{ApiStats, BudgetSettings};
pub use cache::{RefreshSettings, RefreshingCache};
pub use check::{ConfusedDeputyCheck, ConnectionReport, ServiceCheck, ServiceProbe};
pub use chicory_aws_policy::{actions, AccessLevel, Action, ActionLevel};
pub use connection::{BaseCredentials, Connection, ConnectionBuilder, DEFAULT_MAX_ATTEMPTS};
pub use credentials::CrossAccountCredentials;
pub use error::{BoxError, Error, ErrorKind, ErrorStatus, Operation, Result};
pub use operator::{AccessChecked, OnConnection, Operator, Tool};
pub use params::{ConnectionParams, CustomerAuth, ExternalId, RoleArn};
pub use scan::{
    record_time, run_scan, AnyRecord, AnyScanner, Concurrency, Incomplete, JsonLinesSink,
    PageRetry, Progress, Record, RunOptions, ScanItem, ScanSummary, Scanner, Sink, Skipped,
};
