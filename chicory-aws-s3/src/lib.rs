//! Amazon S3 for chicory-aws.
//!
//! ```no_run
//! use chicory_aws_core::{Connection, ConnectionParams, ServiceProbe};
//! use chicory_aws_s3::S3Probe;
//!
//! # async fn demo() -> chicory_aws_core::Result<()> {
//! let params = ConnectionParams::assume_role(
//!     "arn:aws:iam::123456789012:role/ChicoryS3Access",
//!     "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
//! )?;
//! let conn = Connection::builder(params).connect().await?;
//! S3Probe.probe(&conn).await?; // can we list buckets?
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

use async_trait::async_trait;
use chicory_aws_core::{actions, Action, Connection, Error, Result, ServiceProbe};

/// An S3 client for `conn`, sharing its credential cache. With an endpoint override (a local
/// emulator or a custom endpoint) it uses path-style addressing.
pub fn s3_client(conn: &Connection) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(conn.sdk_config())
        .force_path_style(conn.endpoint_url().is_some())
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// Read check for S3: `ListBuckets` (IAM action `s3:ListAllMyBuckets`).
#[derive(Debug, Clone, Copy, Default)]
pub struct S3Probe;

#[async_trait]
impl ServiceProbe for S3Probe {
    fn service(&self) -> &'static str {
        "s3"
    }
    fn action(&self) -> Action {
        actions::s3::LIST_ALL_MY_BUCKETS
    }
    async fn probe(&self, conn: &Connection) -> Result<()> {
        s3_client(conn)
            .list_buckets()
            .max_buckets(1)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, "s3:ListAllMyBuckets"))?;
        Ok(())
    }
}
