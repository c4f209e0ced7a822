//! Test a connection, as the integration guides' setup ends: assume the role, ask STS who we
//! are, check read access per service, and check the confused-deputy defence.

use crate::error::{Error, ErrorKind, Result};
use crate::params::CustomerAuth;
use crate::{actions, Action, Connection};
use async_trait::async_trait;
use serde::Serialize;

/// A cheap read call that shows whether a service is readable (e.g. Glue GetDatabases with one
/// result). Each service crate provides one.
#[async_trait]
pub trait ServiceProbe: Send + Sync {
    /// The service name, e.g. `glue`.
    fn service(&self) -> &'static str;
    /// The IAM action the probe calls.
    fn action(&self) -> Action;
    /// Makes the call.
    async fn probe(&self, connection: &Connection) -> Result<()>;
}

/// The result of one [`ServiceProbe`].
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ServiceCheck {
    /// The service name.
    pub service: &'static str,
    /// The action probed, e.g. `glue:GetDatabases`.
    pub action: String,
    /// Whether read access works.
    pub ok: bool,
    /// The error kind when it does not.
    pub error_kind: Option<ErrorKind>,
    /// The error and its hint when it does not.
    pub error: Option<String>,
}

/// Whether the role can be assumed without the External ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", content = "detail", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConfusedDeputyCheck {
    /// AssumeRole without the External ID was denied: the trust policy requires it.
    Protected,
    /// AssumeRole WITHOUT the External ID succeeded: the trust policy does not require it, and
    /// anyone who learns the role ARN and can use the vendor's account can reach the customer.
    Vulnerable,
    /// The check could not decide (the reason says why).
    Inconclusive(String),
    /// Not applicable (access-key connections have no role).
    NotApplicable,
}

/// What [`Connection::test_connection`] found.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ConnectionReport {
    /// The customer account id from the parameters.
    pub account_id: String,
    /// The region.
    pub region: String,
    /// The granted access level.
    pub access_level: crate::AccessLevel,
    /// The identity STS reports for the customer credentials (the assumed-role ARN).
    pub caller_arn: Option<String>,
    /// The account STS reports.
    pub caller_account: Option<String>,
    /// The error when the credentials did not work at all.
    pub identity_error: Option<String>,
    /// Read access per service.
    pub services: Vec<ServiceCheck>,
    /// The confused-deputy check.
    pub confused_deputy: ConfusedDeputyCheck,
}

impl ConnectionReport {
    /// Whether identity and every service check passed and the role is protected.
    pub fn is_healthy(&self) -> bool {
        self.identity_error.is_none()
            && self.services.iter().all(|s| s.ok)
            && matches!(
                self.confused_deputy,
                ConfusedDeputyCheck::Protected | ConfusedDeputyCheck::NotApplicable
            )
    }
}

impl Connection {
    /// Tests the connection: GetCallerIdentity with the customer's credentials, each probe,
    /// and AssumeRole *without* the External ID, which must be denied (it warns loudly if not).
    pub async fn test_connection(&self, probes: &[&dyn ServiceProbe]) -> ConnectionReport {
        let sts = aws_sdk_sts::Client::new(self.unchecked_sdk_config());
        let (caller_arn, caller_account, identity_error) =
            match sts.get_caller_identity().send().await {
                Ok(out) => (out.arn, out.account, None),
                Err(e) => {
                    let e = Error::from_sdk(e, actions::sts::GET_CALLER_IDENTITY);
                    (None, None, Some(e.to_string()))
                }
            };
        let mut services = Vec::with_capacity(probes.len());
        for p in probes {
            let r = p.probe(self).await;
            services.push(ServiceCheck {
                service: p.service(),
                action: p.action().iam_name(),
                ok: r.is_ok(),
                error_kind: r.as_ref().err().map(Error::kind),
                error: r.err().map(|e| e.to_string()),
            });
        }
        let confused_deputy = self.check_confused_deputy().await;
        ConnectionReport {
            account_id: self.account_id().to_owned(),
            region: self.region().to_owned(),
            access_level: self.access_level(),
            caller_arn,
            caller_account,
            identity_error,
            services,
            confused_deputy,
        }
    }

    /// Tries AssumeRole with the vendor's base credentials but no External ID.
    pub async fn check_confused_deputy(&self) -> ConfusedDeputyCheck {
        let CustomerAuth::AssumeRole(role) = &self.params().auth else {
            return ConfusedDeputyCheck::NotApplicable;
        };
        let sts = aws_sdk_sts::Client::new(self.base_sdk_config());
        let result = sts
            .assume_role()
            .role_arn(role.role_arn.as_str())
            .role_session_name("chicory-external-id-check")
            .duration_seconds(900)
            .send()
            .await;
        match result {
            Ok(_) => {
                tracing::error!(
                    role_arn = %role.role_arn,
                    "SECURITY: the role can be assumed WITHOUT the External ID. Its trust policy \
                     must have Condition StringEquals sts:ExternalId = {}; ask the customer to \
                     fix it (confused-deputy risk)",
                    role.external_id
                );
                ConfusedDeputyCheck::Vulnerable
            }
            Err(e) => {
                let e = Error::from_sdk(e, actions::sts::ASSUME_ROLE);
                if e.kind() != ErrorKind::AccessDenied {
                    return ConfusedDeputyCheck::Inconclusive(e.to_string());
                }
                // Denied without the External ID proves the trust policy requires it only if
                // the same vendor is let in *with* it; else the vendor may not assume the role
                // at all (not trusted, or no sts:AssumeRole of its own) and the denial says
                // nothing about the External ID.
                let with_external_id = match self.cross_account_credentials() {
                    Some(c) => c.credentials().await.map(|_| ()),
                    None => Ok(()),
                };
                match with_external_id {
                    Ok(()) => ConfusedDeputyCheck::Protected,
                    Err(with) => ConfusedDeputyCheck::Inconclusive(format!(
                        "AssumeRole is denied with the External ID too, so the denial without \
                         it does not show that the trust policy requires it: {with}"
                    )),
                }
            }
        }
    }
}
