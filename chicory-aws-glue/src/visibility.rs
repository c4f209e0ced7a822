//! Why a table the customer expects to see is missing from a scan: Glue denies it, Lake
//! Formation hides it, or it does not exist.
//!
//! Lake Formation changes what Glue answers for resources it governs: listings silently leave
//! out tables the role has no `DESCRIBE` on, and reading one is refused with
//! `AccessDeniedException: Insufficient Lake Formation permission(s)` rather than "not found".
//! The report tells these apart from what the role itself can see (`GetDatabase`, `GetTable`,
//! `GetTables`), so it needs no Lake Formation permission.

use crate::options::check_catalog_id;
use crate::options::check_name;
use crate::unchecked_glue_client;
use async_trait::async_trait;
use aws_sdk_glue::error::ProvideErrorMetadata;
use chicory_aws_core::{actions, operator_struct, AccessChecked, Action, Error, Operator, Result};
use serde::{Deserialize, Serialize};

/// Input of `glue_check_visibility`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VisibilityInput {
    /// The database the customer expects to see.
    pub database: String,
    /// The table the customer expects to see in it; none to check the database only.
    #[serde(default)]
    pub table: Option<String>,
    /// Catalog id; default: the caller's account.
    #[serde(default)]
    pub catalog_id: Option<String>,
}

/// What the role sees of a database or table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// The role reads it and listings show it.
    Visible,
    /// IAM refuses the read (the role's policies, a permission boundary or an SCP).
    DeniedByIam,
    /// Lake Formation governs it and has granted the role nothing on it (reads are refused
    /// with "Insufficient Lake Formation permission(s)", or listings leave it out).
    HiddenByLakeFormation,
    /// It does not exist in that catalog (or Lake Formation hides its database).
    NotFound,
}

/// The answer of `glue_check_visibility`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct VisibilityReport {
    /// What was checked, e.g. `sales.orders`.
    pub resource: String,
    /// The verdict.
    pub visibility: Visibility,
    /// Whether `GetTables` lists the table (for a table the role can read).
    pub listed: Option<bool>,
    /// Whether Glue says the table is registered with Lake Formation.
    pub registered_with_lake_formation: Option<bool>,
    /// The AWS error code that decided it, if any.
    pub code: Option<String>,
    /// What AWS said, if anything.
    pub message: Option<String>,
    /// What the customer can do, in the integration guide's style; empty when visible.
    pub remedy: Vec<String>,
}

operator_struct!(
    /// Says whether the role can see a database or table, and if not, whether Glue (IAM)
    /// denies it, Lake Formation hides it, or it does not exist, with the remedy (ReadOnly).
    CheckVisibility
);

/// How a refused or failed read decides the verdict; `None`: a failure that is not an answer
/// about visibility (throttling, a 5xx, ...).
fn verdict_of(code: Option<&str>, message: Option<&str>) -> Option<Visibility> {
    let lake_formation = message.is_some_and(|m| m.to_ascii_lowercase().contains("lake formation"));
    match code {
        Some("AccessDeniedException" | "AccessDenied") if lake_formation => {
            Some(Visibility::HiddenByLakeFormation)
        }
        Some("AccessDeniedException" | "AccessDenied") => Some(Visibility::DeniedByIam),
        Some("EntityNotFoundException") => Some(Visibility::NotFound),
        _ => None,
    }
}

impl CheckVisibility {
    fn report(
        &self,
        resource: String,
        visibility: Visibility,
        code: Option<&str>,
        message: Option<&str>,
        input: &VisibilityInput,
    ) -> VisibilityReport {
        let role = match &self.conn.params().auth {
            chicory_aws_core::CustomerAuth::AssumeRole(p) => p.role_arn.to_string(),
            _ => "<the IAM user's ARN>".to_owned(),
        };
        let (db, table) = (&input.database, input.table.as_deref());
        let remedy = match visibility {
            Visibility::Visible => Vec::new(),
            Visibility::DeniedByIam => vec![
                "Check that the ReadOnly permission policy is attached to the role".to_owned(),
                format!(
                    "Confirm it allows {} on the catalog, database and table ARNs",
                    if table.is_some() {
                        "glue:GetDatabase, glue:GetTable and glue:GetTables"
                    } else {
                        "glue:GetDatabase"
                    }
                ),
                "Check that no permission boundary or service control policy denies Glue reads"
                    .to_owned(),
            ],
            Visibility::HiddenByLakeFormation => vec![
                format!(
                    "In Lake Formation, grant the role DESCRIBE on the database{}: aws \
                     lakeformation grant-permissions --principal \
                     DataLakePrincipalIdentifier={role} --permissions DESCRIBE --resource '{}'",
                    if table.is_some() {
                        " and the table (SELECT too, to query it)"
                    } else {
                        ""
                    },
                    match table {
                        Some(t) => format!(r#"{{"Table":{{"DatabaseName":"{db}","Name":"{t}"}}}}"#),
                        None => format!(r#"{{"Database":{{"Name":"{db}"}}}}"#),
                    }
                ),
                "Or keep the database under IAM access control only (Lake Formation's \
                 IAMAllowedPrincipals group with Super on it)"
                    .to_owned(),
            ],
            Visibility::NotFound => vec![
                "Check the database and table names (Glue stores them in lowercase) and the \
                 catalog id"
                    .to_owned(),
                "If the table was shared from another account, scan the catalog it lives in, \
                 or follow resource links"
                    .to_owned(),
            ],
        };
        VisibilityReport {
            resource,
            visibility,
            listed: None,
            registered_with_lake_formation: None,
            code: code.map(str::to_owned),
            message: message.map(str::to_owned),
            remedy,
        }
    }
}

#[async_trait]
impl Operator for CheckVisibility {
    type Input = VisibilityInput;
    type Output = VisibilityReport;
    const NAME: &'static str = "glue_check_visibility";
    const DESCRIPTION: &'static str = "Says whether the role can see a Glue database or table, \
        and if not whether IAM denies it, Lake Formation hides it, or it does not exist, with \
        the remedy.";
    const ACTIONS: &'static [Action] = &[
        actions::glue::GET_DATABASE,
        actions::glue::GET_TABLE,
        actions::glue::GET_TABLES,
    ];

    async fn execute(
        &self,
        input: VisibilityInput,
        _: AccessChecked<Self>,
    ) -> Result<VisibilityReport> {
        check_name("database", &input.database)?;
        if let Some(t) = &input.table {
            check_name("table", t)?;
        }
        if let Some(c) = &input.catalog_id {
            check_catalog_id(c)?;
        }
        let client = unchecked_glue_client(&self.conn);
        let db = &input.database;
        let got = client
            .get_database()
            .set_catalog_id(input.catalog_id.clone())
            .name(db)
            .send()
            .await;
        if let Err(e) = got {
            return match verdict_of(e.code(), e.message()) {
                Some(v) => Ok(self.report(db.clone(), v, e.code(), e.message(), &input)),
                None => {
                    Err(Error::from_sdk(e, actions::glue::GET_DATABASE).with_resource(db.clone()))
                }
            };
        }
        let Some(table) = input.table.clone() else {
            return Ok(self.report(db.clone(), Visibility::Visible, None, None, &input));
        };
        let resource = format!("{db}.{table}");
        let got = client
            .get_table()
            .set_catalog_id(input.catalog_id.clone())
            .database_name(db)
            .name(&table)
            .send()
            .await;
        let t = match got {
            Ok(out) => out.table,
            Err(e) => {
                return match verdict_of(e.code(), e.message()) {
                    Some(v) => Ok(self.report(resource, v, e.code(), e.message(), &input)),
                    None => {
                        Err(Error::from_sdk(e, actions::glue::GET_TABLE).with_resource(resource))
                    }
                }
            }
        };
        // Does the listing show it? Lake Formation filters listings by DESCRIBE.
        let mut listed = false;
        let mut token = None;
        loop {
            let page = client
                .get_tables()
                .set_catalog_id(input.catalog_id.clone())
                .database_name(db)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| {
                    Error::from_sdk(e, actions::glue::GET_TABLES).with_resource(db.clone())
                })?;
            listed |= page.table_list().iter().any(|t| t.name == table);
            let next = page.next_token.filter(|t| !t.is_empty());
            if next.is_some() && next == token {
                return Err(Error::new(
                    chicory_aws_core::ErrorKind::Service,
                    "glue:GetTables failed: the server repeated its page token",
                )
                .with_resource(db.clone()));
            }
            token = next;
            if listed || token.is_none() {
                break;
            }
        }
        let visibility = if listed {
            Visibility::Visible
        } else {
            Visibility::HiddenByLakeFormation
        };
        let mut report = self.report(resource, visibility, None, None, &input);
        if !listed {
            report.message =
                Some("GetTable reads the table but GetTables leaves it out".to_owned());
        }
        report.listed = Some(listed);
        report.registered_with_lake_formation = t.map(|t| t.is_registered_with_lake_formation);
        Ok(report)
    }
}
