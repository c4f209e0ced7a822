//! The SDK clients of a connection (`unchecked_glue_client`, `unchecked_athena_client`,
//! `unchecked_cloudtrail_client`) and the read checks of Glue and Athena.

use async_trait::async_trait;
use chicory_aws_core::{actions, Action, Connection, Error, Result, ServiceProbe};

/// A Glue client for `conn`, sharing its credential cache.
/// Outside the operators' access check, like [`Connection::unchecked_sdk_config`] (on a
/// ReadOnly connection its writes are still refused at the HTTP layer). The crate's operators
/// check the level first.
pub fn unchecked_glue_client(conn: &Connection) -> aws_sdk_glue::Client {
    conn.cached_client(conn.region(), || {
        let config = aws_sdk_glue::config::Builder::from(conn.unchecked_sdk_config())
            .interceptor(conn.interceptor())
            .build();
        aws_sdk_glue::Client::from_conf(config)
    })
}

/// An Athena client for `conn`, sharing its credential cache.
/// Outside the operators' access check, like [`Connection::unchecked_sdk_config`] (on a
/// ReadOnly connection its writes are still refused at the HTTP layer). The crate's operators
/// check the level first.
pub fn unchecked_athena_client(conn: &Connection) -> aws_sdk_athena::Client {
    conn.cached_client(conn.region(), || {
        let config = aws_sdk_athena::config::Builder::from(conn.unchecked_sdk_config())
            .interceptor(conn.interceptor())
            .build();
        aws_sdk_athena::Client::from_conf(config)
    })
}

/// A CloudTrail client for `conn`, sharing its credential cache and request budget (which
/// holds `cloudtrail:LookupEvents` to its published 2 requests per second).
/// Outside the operators' access check, like [`Connection::unchecked_sdk_config`] (on a
/// ReadOnly connection its writes are still refused at the HTTP layer).
pub fn unchecked_cloudtrail_client(conn: &Connection) -> aws_sdk_cloudtrail::Client {
    conn.cached_client(conn.region(), || {
        let config = aws_sdk_cloudtrail::config::Builder::from(conn.unchecked_sdk_config())
            .interceptor(conn.interceptor())
            .build();
        aws_sdk_cloudtrail::Client::from_conf(config)
    })
}

/// Read check for Glue: `GetDatabases` with one result.
#[derive(Debug, Clone, Copy, Default)]
pub struct GlueProbe;

#[async_trait]
impl ServiceProbe for GlueProbe {
    fn service(&self) -> &'static str {
        "glue"
    }
    fn action(&self) -> Action {
        actions::glue::GET_DATABASES
    }
    async fn probe(&self, conn: &Connection) -> Result<()> {
        unchecked_glue_client(conn)
            .get_databases()
            .max_results(1)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, actions::glue::GET_DATABASES))?;
        Ok(())
    }
}

/// Read check for Athena: `ListWorkGroups` with one result.
#[derive(Debug, Clone, Copy, Default)]
pub struct AthenaProbe;

#[async_trait]
impl ServiceProbe for AthenaProbe {
    fn service(&self) -> &'static str {
        "athena"
    }
    fn action(&self) -> Action {
        actions::athena::LIST_WORK_GROUPS
    }
    async fn probe(&self, conn: &Connection) -> Result<()> {
        unchecked_athena_client(conn)
            .list_work_groups()
            .max_results(1)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, actions::athena::LIST_WORK_GROUPS))?;
        Ok(())
    }
}
