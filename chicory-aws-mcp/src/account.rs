//! The customer accounts a server serves.

use chicory_aws_core::{AccessLevel, Connection, ConnectionBuilder, ConnectionParams, Error};
use std::fmt;
use std::sync::Arc;

type Configure = Arc<dyn Fn(ConnectionBuilder) -> ConnectionBuilder + Send + Sync>;

/// One customer account: a name the agent uses in the `account` argument of every tool, and
/// the customer's validated [`ConnectionParams`] (role, External ID, region, access level).
///
/// The server connects to it on the first tool call that needs it (assuming the role once)
/// and keeps the connection, whose credential cache refreshes itself. The access level is the
/// customer's: a tool needing more is refused before the account is even connected.
#[derive(Clone)]
pub struct Account {
    name: String,
    params: ConnectionParams,
    configure: Configure,
}

impl Account {
    /// An account named `name` (1-64 characters: letters, digits, `-`, `_`, `.`), connected
    /// with the vendor's credentials from the SDK's default chain.
    pub fn new(
        name: impl Into<String>,
        params: ConnectionParams,
    ) -> chicory_aws_core::Result<Self> {
        let name = name.into();
        check_name(&name)?;
        Ok(Account {
            name,
            params,
            configure: Arc::new(|b| b),
        })
    }

    /// Adjusts the connection builder before connecting: the vendor's base credentials,
    /// endpoints, budget, retries...
    ///
    /// ```
    /// use chicory_aws_core::{BaseCredentials, ConnectionParams};
    /// use chicory_aws_mcp::Account;
    ///
    /// let params = ConnectionParams::assume_role(
    ///     "arn:aws:iam::123456789012:role/ChicoryGlueAccess",
    ///     "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
    /// )?;
    /// let acme = Account::new("acme", params)?
    ///     .configure(|b| b.base_credentials(BaseCredentials::DefaultChain));
    /// assert_eq!(acme.name(), "acme");
    /// # Ok::<(), chicory_aws_core::Error>(())
    /// ```
    pub fn configure(
        mut self,
        f: impl Fn(ConnectionBuilder) -> ConnectionBuilder + Send + Sync + 'static,
    ) -> Self {
        let before = self.configure.clone();
        self.configure = Arc::new(move |b| f(before(b)));
        self
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The access level the customer granted.
    pub fn access_level(&self) -> AccessLevel {
        self.params.access_level
    }

    /// The connection parameters.
    pub fn params(&self) -> &ConnectionParams {
        &self.params
    }

    /// The connection builder for this account (nothing is sent until it is built and used).
    pub fn builder(&self) -> ConnectionBuilder {
        (self.configure)(Connection::builder(self.params.clone()))
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // ConnectionParams' Debug redacts its secrets.
        f.debug_struct("Account")
            .field("name", &self.name)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

pub(crate) fn check_name(name: &str) -> chicory_aws_core::Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "account",
            format!(
                "an account name must be 1 to 64 letters, digits, '-', '_' or '.', got {name:?}"
            ),
        ))
    }
}
