//! The DataZone client of a connection ([`unchecked_datazone_client`]) and DataZone's read check
//! ([`DataZoneProbe`]).

use async_trait::async_trait;
use chicory_aws_core::{actions, Action, Connection, Error, Result, ServiceProbe};

/// A DataZone client for `conn`, sharing its credential cache and request budget (with the
/// connection's interceptor, which names each request's API and reports throttling).
/// Outside the operators' access check, like [`Connection::unchecked_sdk_config`] (on a
/// ReadOnly connection its writes are still refused at the HTTP layer). The crate's operators
/// check the level first.
pub fn unchecked_datazone_client(conn: &Connection) -> aws_sdk_datazone::Client {
    conn.cached_client(conn.region(), || {
        let config = aws_sdk_datazone::config::Builder::from(conn.unchecked_sdk_config())
            .interceptor(conn.interceptor())
            .build();
        aws_sdk_datazone::Client::from_conf(config)
    })
}

/// Read check for DataZone: `ListDomains` with one result.
#[derive(Debug, Clone, Copy, Default)]
pub struct DataZoneProbe;

#[async_trait]
impl ServiceProbe for DataZoneProbe {
    fn service(&self) -> &'static str {
        "datazone"
    }
    fn action(&self) -> Action {
        actions::datazone::LIST_DOMAINS
    }
    async fn probe(&self, conn: &Connection) -> Result<()> {
        unchecked_datazone_client(conn)
            .list_domains()
            .max_results(1)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, actions::datazone::LIST_DOMAINS))?;
        Ok(())
    }
}
