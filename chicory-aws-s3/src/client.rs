//! The S3 clients of a connection (`unchecked_s3_client`, one per region), the S3 read check,
//! and how a failed S3 request becomes an [`Error`] naming its resource.

use async_trait::async_trait;
use chicory_aws_core::scan::PageRetry;
use chicory_aws_core::{actions, Action, Connection, Error, Result, ServiceProbe};
use std::sync::Arc;

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

/// The connection's S3 clients (one per region, built once by the connection and shared with
/// the crate's operators), all sharing its credential cache and request budget.
#[derive(Debug)]
pub(crate) struct Clients {
    pub(crate) conn: Connection,
}

impl Clients {
    pub(crate) fn new(conn: &Connection) -> Arc<Self> {
        Arc::new(Clients { conn: conn.clone() })
    }

    /// The client for `region`.
    pub(crate) fn get(&self, region: &str) -> aws_sdk_s3::Client {
        unchecked_s3_client_in(&self.conn, region)
    }

    /// The client for the connection's own region.
    pub(crate) fn home(&self) -> aws_sdk_s3::Client {
        self.get(self.conn.region())
    }

    pub(crate) fn retry(&self) -> PageRetry {
        self.conn.page_retry()
    }
}

/// `err` about `bucket`: the name as its resource, and `bucket` in its context.
pub(crate) fn at_bucket(err: Error, bucket: &str) -> Error {
    err.with_resource(bucket).with_context("bucket", bucket)
}

/// `err` about the object `key` of `bucket` (its version `version_id`, if given):
/// `s3://bucket/key[?versionId=...]` as its resource, and `bucket`, `key` and `version_id` in
/// its context.
pub(crate) fn at_object(err: Error, bucket: &str, key: &str, version_id: Option<&str>) -> Error {
    let err = err.with_context("bucket", bucket).with_context("key", key);
    match version_id {
        None => err.with_resource(format!("s3://{bucket}/{key}")),
        Some(v) => err
            .with_resource(format!("s3://{bucket}/{key}?versionId={v}"))
            .with_context("version_id", v),
    }
}
