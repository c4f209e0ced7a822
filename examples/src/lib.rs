//! Shared pieces of the example binaries: connection options and the demo account on the
//! local emulator.

// The README's code blocks compile as doctests of this crate, so the README cannot drift.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

use chicory_aws_core::{BaseCredentials, Connection, ConnectionBuilder, ConnectionParams};
use std::path::PathBuf;

/// Where a binary gets its connection from.
#[derive(Debug, clap::Args)]
pub struct ConnectArgs {
    /// A JSON file with the customer's connection parameters (role_arn, external_id, region,
    /// access_level, ...). The vendor's own credentials come from the default AWS chain.
    #[arg(long, conflicts_with = "demo", required_unless_present = "demo")]
    pub params: Option<PathBuf>,
    /// Send every request to this endpoint (e.g. a local emulator; with --demo, e.g. a fault
    /// proxy in front of it).
    #[arg(long)]
    pub endpoint_url: Option<String>,
    /// Send one service's requests to their own endpoint, as `SERVICE=URL` (e.g.
    /// `datazone=https://vpce-...`); repeatable.
    #[arg(long, value_parser = parse_service_endpoint)]
    pub service_endpoint: Vec<(String, String)>,
    /// Provision a demo vendor and customer role on the local emulator (started if needed
    /// with scripts/emulator.sh) and connect to it; DataZone, which the emulator lacks, is
    /// served by the DataZone fake of the test kit on another loopback port.
    #[arg(long)]
    pub demo: bool,
}

fn parse_service_endpoint(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(service, url)| (service.to_owned(), url.to_owned()))
        .ok_or_else(|| format!("expected SERVICE=URL, got {s:?}"))
}

impl ConnectArgs {
    /// The connection builder these arguments describe.
    pub async fn builder(&self) -> Result<ConnectionBuilder, Box<dyn std::error::Error>> {
        let mut b = if self.demo {
            let demo = demo::provision().await;
            let mut b = demo
                .builder()
                .service_endpoint_url("datazone", demo::datazone_endpoint().await);
            if let Some(url) = &self.endpoint_url {
                b = b.endpoint_url(url);
            }
            b
        } else {
            self.customer_builder()?
        };
        for (service, url) in &self.service_endpoint {
            b = b.service_endpoint_url(service, url);
        }
        Ok(b)
    }

    fn customer_builder(&self) -> Result<ConnectionBuilder, Box<dyn std::error::Error>> {
        let path = self
            .params
            .as_ref()
            .expect("clap requires --params without --demo");
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read --params {}: {e}", path.display()))?;
        let params = ConnectionParams::from_json(&text)?;
        let mut b = Connection::builder(params).base_credentials(BaseCredentials::DefaultChain);
        if let Some(url) = &self.endpoint_url {
            b = b.endpoint_url(url);
        }
        Ok(b)
    }
}

/// The demo account on the local emulator.
pub mod demo {
    use super::*;
    use chicory_aws_testkit::{Emulator, Vendor};

    /// The External ID of the demo project.
    pub const EXTERNAL_ID: &str = "chicory-00000000-0000-4000-8000-00000000d3m0";

    /// A vendor principal and a customer role on the emulator.
    #[derive(Debug)]
    pub struct Demo {
        /// The vendor principal.
        pub vendor: Vendor,
        /// The customer's connection parameters.
        pub params: ConnectionParams,
    }

    impl Demo {
        /// A connection builder for the demo customer, as the demo vendor.
        pub fn builder(&self) -> ConnectionBuilder {
            Emulator::get().connection(&self.vendor, self.params.clone())
        }
    }

    /// The endpoint of the demo DataZone domains: the test kit's DataZone fake, started once
    /// on loopback for the life of the process. It answers requests signed by an assumed-role
    /// session (`ASIA...` keys, as the emulator issues them) and nothing else.
    pub async fn datazone_endpoint() -> String {
        use chicory_aws_testkit::datazone::{serve, MockServer};
        static SERVER: tokio::sync::OnceCell<MockServer> = tokio::sync::OnceCell::const_new();
        SERVER.get_or_init(|| serve("ASIA")).await.uri()
    }

    /// Creates a vendor user and a customer role trusting it with [`EXTERNAL_ID`], holding
    /// the ReadOnly policies of Glue (with Athena and S3), S3 and DataZone.
    pub async fn provision() -> Demo {
        let emulator = Emulator::get();
        let policies = demo_policies();
        let named: Vec<(&str, &str)> = policies
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_str()))
            .collect();
        let (vendor, params) = emulator.customer(EXTERNAL_ID, &named).await;
        Demo { vendor, params }
    }

    /// The guide's ReadOnly permission policies (with the library's documented extras) for
    /// Glue (with Athena and S3), S3 and DataZone, as the customer would attach them.
    pub fn demo_policies() -> Vec<(String, String)> {
        use chicory_aws_policy::permissions::{permission_policy, Integration, PolicyOptions};
        use chicory_aws_policy::AccessLevel;
        [Integration::Glue, Integration::S3, Integration::DataZone]
            .into_iter()
            .map(|i| {
                let doc = permission_policy(i, AccessLevel::ReadOnly, &PolicyOptions::default())
                    .expect("the built-in policies render");
                (i.policy_name(AccessLevel::ReadOnly), doc.to_json_compact())
            })
            .collect()
    }
}
