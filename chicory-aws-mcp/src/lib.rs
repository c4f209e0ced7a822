//! An MCP server over chicory-aws: every operator of the glue, s3 and datazone crates (and
//! their scans, a page at a time with a cursor) as an MCP tool, for many customer accounts.
//!
//! - One server serves many customers: a set of named [`Account`]s (name ->
//!   [`ConnectionParams`](chicory_aws_core::ConnectionParams)), each connected on first use and
//!   kept; every tool takes an `account` argument (required with more than one account), and
//!   unknown accounts are refused.
//! - Each account keeps the access level its customer granted: a tool that writes is refused on
//!   a ReadOnly account before the account is connected, with a tool error naming the level
//!   it needs.
//! - Tools carry their input and output JSON Schemas (results are structured content) and
//!   annotations derived from their IAM actions (`readOnlyHint`, `destructiveHint`,
//!   `idempotentHint`).
//! - Tool errors carry the library's error kind, the AWS error code and the remedy; never a
//!   secret.
//! - Transports: [`serve_stdio`], and [`serve_http`] (Streamable HTTP) behind a
//!   [`BearerToken`].
//!
//! Embedding the server in a vendor's own service:
//!
//! ```no_run
//! use chicory_aws_core::{AccessLevel, ConnectionParams};
//! use chicory_aws_mcp::{serve_http, Account, BearerToken, ChicoryMcp, HttpOptions};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let acme = ConnectionParams::from_json(r#"{
//!     "role_arn": "arn:aws:iam::123456789012:role/ChicoryAccess",
//!     "external_id": "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
//!     "region": "us-west-2"
//! }"#)?;
//! let globex = ConnectionParams::from_json(r#"{
//!     "role_arn": "arn:aws:iam::210987654321:role/ChicoryAccess",
//!     "external_id": "chicory-0b9c2a4e-7d51-4c1e-9a57-2f4b8e6d1c3a",
//!     "access_level": "ReadWrite"
//! }"#)?;
//! let server = ChicoryMcp::builder()
//!     .account(Account::new("acme", acme)?)
//!     .account(Account::new("globex", globex)?)
//!     .build()
//!     .await?;
//! assert_eq!(server.account_names(), ["acme", "globex"]);
//! let token = BearerToken::new(std::env::var("CHICORY_MCP_TOKEN")?)?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8750").await?;
//! serve_http(server, listener, HttpOptions::new(token)).await?;
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod account;
pub mod cli;
pub mod config;
pub mod scans;
mod server;
mod transport;

pub use account::Account;
pub use config::{Config, ConfigError};
pub use server::{
    annotations, error_result, CallError, ChicoryMcp, ChicoryMcpBuilder, Registry,
    DEFAULT_REGISTRIES,
};
pub use transport::{
    http_router, is_loopback, serve_http, serve_stdio, BearerToken, HttpOptions,
    DEFAULT_HTTP_ADDRESS, MCP_PATH,
};

/// The rmcp crate this server is built on, for callers using its other transports.
pub use rmcp;
