//! Amazon S3 for chicory-aws: bucket, object and object-version scanners, and typed operations
//! (read and, on a ReadWrite connection, write) offered as MCP tools.
//!
//! ```no_run
//! use chicory_aws_core::{Connection, ConnectionParams, ScanItem, Scanner, ServiceProbe};
//! use chicory_aws_s3::{BucketScanner, ObjectOptions, ObjectScanner, S3Probe};
//! use futures::StreamExt;
//!
//! # async fn demo() -> chicory_aws_core::Result<()> {
//! let params = ConnectionParams::assume_role(
//!     "arn:aws:iam::123456789012:role/ChicoryS3Access",
//!     "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
//! )?;
//! let conn = Connection::builder(params).connect().await?;
//! S3Probe.probe(&conn).await?; // can we list buckets?
//!
//! // Every bucket with its region, versioning, tags and policy.
//! let mut buckets = BucketScanner::new(&conn).scan();
//! while let Some(item) = buckets.next().await {
//!     if let ScanItem::Record(b) = item? {
//!         println!("{} in {:?}", b.name, b.region);
//!     }
//! }
//! // The objects under one prefix, fanning out over its common prefixes.
//! let objects = ObjectScanner::new(&conn, "data-lake", ObjectOptions::default().prefix("raw/"))?;
//! let n = objects.scan().count().await;
//! # let _ = n; Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod compat;
mod operators;
pub mod records;
mod scanners;
mod tools;
mod transfer;
mod validate;

pub use tools::tools;

pub use operators::*;
pub use scanners::{
    BucketScanner, ListingMode, ObjectOptions, ObjectScanner, ObjectVersionScanner,
};
pub use transfer::{
    get_object_stream, put_object_stream, GetObjectStream, UploadOptions, UploadOutcome,
};
pub use validate::{check_bucket_name, check_key, ByteRange};

/// The AWS SDK crate this crate's records come from, for callers seeding or reading directly.
pub use aws_sdk_s3;

use async_trait::async_trait;
use chicory_aws_core::{actions, Action, Connection, Error, Result, ServiceProbe};

/// An S3 client for `conn`, sharing its credential cache and request budget (the connection's
/// [interceptor](Connection::interceptor) names each request's API and reports throttling).
/// With an endpoint override for S3 (a local emulator or a custom endpoint) it uses path-style
/// addressing.
/// Outside the operators' access check, like [`Connection::unchecked_sdk_config`] (on a
/// ReadOnly connection its writes are still refused at the HTTP layer). The crate's operators
/// check the level first.
pub fn unchecked_s3_client(conn: &Connection) -> aws_sdk_s3::Client {
    unchecked_s3_client_in(conn, conn.region())
}

/// An S3 client for `conn` in `region` (for a bucket that lives there), sharing the
/// connection's credential cache and request budget, as [`unchecked_s3_client`]; built once
/// per region and connection.
/// Outside the operators' access check, like [`Connection::unchecked_sdk_config`] (on a
/// ReadOnly connection its writes are still refused at the HTTP layer). The crate's operators
/// check the level first.
pub fn unchecked_s3_client_in(conn: &Connection, region: &str) -> aws_sdk_s3::Client {
    conn.cached_client(region, || {
        let config = aws_sdk_s3::config::Builder::from(conn.unchecked_sdk_config())
            .region(aws_sdk_s3::config::Region::new(region.to_owned()))
            .force_path_style(conn.endpoint_url_for("s3").is_some())
            .interceptor(conn.interceptor())
            .build();
        aws_sdk_s3::Client::from_conf(config)
    })
}

/// A GetBucketLocation answer as a region: none or empty means `us-east-1`, the legacy `EU`
/// means `eu-west-1`.
pub fn normalise_location(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".to_owned(),
        Some("EU") => "eu-west-1".to_owned(),
        Some(r) => r.to_owned(),
    }
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
        unchecked_s3_client(conn)
            .list_buckets()
            .max_buckets(1)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, actions::s3::LIST_ALL_MY_BUCKETS))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_location;

    #[test]
    fn legacy_locations_are_normalised() {
        assert_eq!(normalise_location(None), "us-east-1");
        assert_eq!(normalise_location(Some("")), "us-east-1");
        assert_eq!(normalise_location(Some("EU")), "eu-west-1");
        assert_eq!(normalise_location(Some("ap-south-1")), "ap-south-1");
    }
}
