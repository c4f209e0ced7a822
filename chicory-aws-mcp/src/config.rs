//! The server's config file: the customer accounts, and the HTTP transport's settings.

use crate::account::{check_name, Account};
use chicory_aws_core::ConnectionParams;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The config file, TOML (or JSON when the file name ends in `.json`):
///
/// ```toml
/// # Optional: the Streamable HTTP transport (`--http` overrides the address).
/// [http]
/// address = "127.0.0.1:8750"                 # default; loopback only
/// token_file = "/etc/chicory/mcp-token"       # or the CHICORY_MCP_TOKEN environment variable
/// allowed_hosts = ["mcp.internal.example"]    # Host headers accepted besides loopback
///
/// # One table per customer account; the name is the tools' `account` argument.
/// [accounts.acme]
/// params = { role_arn = "arn:aws:iam::123456789012:role/ChicoryAccess", external_id = "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a", region = "us-west-2", access_level = "ReadOnly" }
/// # endpoint_url = "https://..."                        # optional: every service
/// # service_endpoints = { datazone = "https://vpce-..." } # optional: one service
/// ```
///
/// `params` are the connection parameters a vendor stores per customer (see
/// [`ConnectionParams`]), validated on the way in. The vendor's own credentials are never in
/// this file: they come from the SDK's default chain (environment, profile, instance role).
/// Unknown keys are refused, so a typo does not silently fall back to a default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Config {
    /// The HTTP transport's settings.
    #[serde(default)]
    pub http: HttpConfig,
    /// The accounts, by name.
    pub accounts: BTreeMap<String, AccountConfig>,
}

/// One account of the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AccountConfig {
    /// The customer's connection parameters.
    pub params: ConnectionParams,
    /// Send every service of this account to this endpoint.
    #[serde(default)]
    pub endpoint_url: Option<String>,
    /// Send one service of this account to its own endpoint (`datazone = "https://..."`).
    #[serde(default)]
    pub service_endpoints: BTreeMap<String, String>,
}

/// The `[http]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct HttpConfig {
    /// Where to listen (default `127.0.0.1:8750`).
    #[serde(default)]
    pub address: Option<SocketAddr>,
    /// A file holding the bearer token (default: the `CHICORY_MCP_TOKEN` environment variable).
    #[serde(default)]
    pub token_file: Option<PathBuf>,
    /// `Host` header values accepted besides the loopback names (DNS-rebinding protection).
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
}

/// A config file that cannot be used; the message names the file and the field.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read the config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file does not parse, or a value breaks a rule.
    #[error("config file {path}: {}{message}", field_prefix(field))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The field, e.g. `accounts.acme.endpoint_url`; empty when the parser's message
        /// names it (with its line and column).
        field: String,
        /// What is wrong (with the line and column for parse errors).
        message: String,
    },
}

fn field_prefix(field: &str) -> String {
    if field.is_empty() {
        String::new()
    } else {
        format!("{field}: ")
    }
}

impl ConfigError {
    /// The field the error is about, when the parser's message does not name it itself.
    pub fn field(&self) -> Option<&str> {
        match self {
            ConfigError::Invalid { field, .. } if !field.is_empty() => Some(field),
            _ => None,
        }
    }
}

impl Config {
    /// Reads and validates a config file: JSON when its name ends in `.json`, TOML otherwise.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let json = path.extension().is_some_and(|e| e == "json");
        Config::parse(&text, json).map_err(|(field, message)| ConfigError::Invalid {
            path: path.to_owned(),
            field,
            message,
        })
    }

    /// Parses and validates config text (`json`: JSON, else TOML); the error is (field,
    /// message), the field empty when the parser's message names the key, line and column.
    pub fn parse(text: &str, json: bool) -> Result<Config, (String, String)> {
        let config: Config = if json {
            serde_json::from_str(text).map_err(|e| (String::new(), e.to_string()))?
        } else {
            toml::from_str(text).map_err(|e| (String::new(), e.to_string()))?
        };
        if config.accounts.is_empty() {
            return Err((
                "accounts".to_owned(),
                "name at least one account ([accounts.NAME] with params)".to_owned(),
            ));
        }
        for (name, account) in &config.accounts {
            check_name(name).map_err(|e| (format!("accounts.{name}"), e.to_string()))?;
            let urls = account
                .endpoint_url
                .iter()
                .map(|u| ("endpoint_url".to_owned(), u))
                .chain(
                    account
                        .service_endpoints
                        .iter()
                        .map(|(s, u)| (format!("service_endpoints.{s}"), u)),
                );
            for (field, url) in urls {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err((
                        format!("accounts.{name}.{field}"),
                        format!("must be an http:// or https:// URL, got {url:?}"),
                    ));
                }
            }
        }
        Ok(config)
    }

    /// The accounts, each connecting with the vendor's credentials from the SDK's default
    /// chain and the endpoints the file names. Fails on a bad account name (which
    /// [`Config::parse`] already refuses).
    pub fn accounts(&self) -> chicory_aws_core::Result<Vec<Account>> {
        self.accounts
            .iter()
            .map(|(name, c)| {
                let endpoint = c.endpoint_url.clone();
                let services = c.service_endpoints.clone();
                Ok(
                    Account::new(name.clone(), c.params.clone())?.configure(move |mut b| {
                        if let Some(url) = &endpoint {
                            b = b.endpoint_url(url);
                        }
                        for (service, url) in &services {
                            b = b.service_endpoint_url(service, url);
                        }
                        b
                    }),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLE: &str = "arn:aws:iam::123456789012:role/ChicoryAccess";
    const EXT: &str = "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a";

    #[test]
    fn a_toml_file_names_accounts_and_levels() {
        let text = format!(
            r#"
            [http]
            address = "127.0.0.1:9000"

            [accounts.acme]
            params = {{ role_arn = "{ROLE}", external_id = "{EXT}", region = "us-west-2" }}

            [accounts.globex]
            endpoint_url = "http://127.0.0.1:5057"
            [accounts.globex.params]
            role_arn = "{ROLE}"
            external_id = "{EXT}"
            access_level = "ReadWrite"
            "#
        );
        let c = Config::parse(&text, false).expect("valid");
        assert_eq!(c.http.address, Some("127.0.0.1:9000".parse().unwrap()));
        let accounts = c.accounts().unwrap();
        let names: Vec<_> = accounts.iter().map(|a| a.name().to_owned()).collect();
        assert_eq!(names, ["acme", "globex"]);
        assert_eq!(
            accounts[0].access_level(),
            chicory_aws_core::AccessLevel::ReadOnly
        );
        assert_eq!(
            accounts[1].access_level(),
            chicory_aws_core::AccessLevel::ReadWrite
        );
    }

    #[test]
    fn json_is_read_too() {
        let text = format!(
            r#"{{"accounts": {{"acme": {{"params": {{"role_arn": "{ROLE}", "external_id": "{EXT}"}}}}}}}}"#
        );
        let c = Config::parse(&text, true).expect("valid");
        assert_eq!(c.accounts().unwrap().len(), 1);
    }

    #[test]
    fn errors_name_the_field() {
        // A typo in a params key.
        let text = format!(
            "[accounts.acme]\nparams = {{ role_arn = \"{ROLE}\", externl_id = \"{EXT}\" }}\n"
        );
        let (field, message) = Config::parse(&text, false).unwrap_err();
        assert_eq!(field, "", "the parser's message names the key");
        assert!(message.contains("externl_id"), "{message}");
        assert!(message.contains("line 2"), "{message}");
        // A rule broken by a value: the library's validation names the field.
        let text = "[accounts.acme]\nparams = { role_arn = \"arn:aws:iam::123:role/x\", external_id = \"chicory-p1-abcdef\" }\n";
        let (_, message) = Config::parse(text, false).unwrap_err();
        assert!(message.contains("role_arn"), "{message}");
        // A bad account name.
        let text = format!(
            "[accounts.\"a b\"]\nparams = {{ role_arn = \"{ROLE}\", external_id = \"{EXT}\" }}\n"
        );
        let (field, _) = Config::parse(&text, false).unwrap_err();
        assert_eq!(field, "accounts.a b");
        // A bad endpoint.
        let text = format!(
            "[accounts.acme]\nendpoint_url = \"127.0.0.1:5057\"\nparams = {{ role_arn = \"{ROLE}\", external_id = \"{EXT}\" }}\n"
        );
        let (field, _) = Config::parse(&text, false).unwrap_err();
        assert_eq!(field, "accounts.acme.endpoint_url");
        // No account.
        let (field, _) = Config::parse("accounts = {}", false).unwrap_err();
        assert_eq!(field, "accounts");
        // An unknown top-level key.
        let (_, message) = Config::parse("acounts = {}", false).unwrap_err();
        assert!(message.contains("acounts"), "{message}");
    }

    #[test]
    fn secrets_do_not_show_in_debug() {
        let text = r#"
            [accounts.keys]
            params = { access_key_id = "AKIAEXAMPLEEXAMPLE12", secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", account_id = "123456789012" }
        "#;
        let c = Config::parse(text, false).expect("valid");
        let shown = format!("{c:?} {:?}", c.accounts().unwrap());
        assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
    }
}
