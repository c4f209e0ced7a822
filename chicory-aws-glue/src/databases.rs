//! Glue databases: records (with resource links), the database scanner and `GetDatabase`.

use crate::client::unchecked_glue_client;
use crate::options::{check_name, check_optional_catalog_id, CatalogOptions};
use crate::reader::catalog_scanner;
use crate::reader::CatalogReader;
use crate::records::time;
use async_trait::async_trait;
use chicory_aws_core::scan::{ScanStream, ScanStreamExt};
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Connection, Error, Operator, Result, Scanner,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// A Glue database.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_database")]
pub struct DatabaseRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Catalog id.
    pub catalog_id: Option<String>,
    /// Database name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Location URI.
    pub location: Option<String>,
    /// Parameters.
    pub parameters: HashMap<String, String>,
    /// Creation time (RFC 3339).
    pub create_time: Option<String>,
    /// For a resource link (a database shared from another catalog, e.g. through Lake
    /// Formation): the database it points to. Its tables live there, not in this catalog.
    pub link_target: Option<DatabaseLink>,
}

/// The database a resource link points to.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DatabaseLink {
    /// The catalog (account) holding the database.
    pub catalog_id: Option<String>,
    /// The database's name there.
    pub database: Option<String>,
    /// Its region, when another than the link's.
    pub region: Option<String>,
}

impl DatabaseRecord {
    pub(crate) fn new(account_id: &str, region: &str, d: &aws_sdk_glue::types::Database) -> Self {
        DatabaseRecord {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            catalog_id: d.catalog_id.clone(),
            name: d.name.clone(),
            description: d.description.clone(),
            location: d.location_uri.clone(),
            parameters: d.parameters.clone().unwrap_or_default(),
            create_time: time(d.create_time.as_ref()),
            link_target: d.target_database.as_ref().map(|t| DatabaseLink {
                catalog_id: t.catalog_id.clone(),
                database: t.database_name.clone(),
                region: t.region.clone(),
            }),
        }
    }
}

catalog_scanner!(
    /// Scans Glue databases.
    DatabaseScanner
);

impl Scanner for DatabaseScanner {
    type Record = DatabaseRecord;
    fn name(&self) -> &'static str {
        "glue_databases"
    }
    fn actions(&self) -> &'static [Action] {
        self.ctx.actions(&[actions::glue::GET_DATABASES])
    }
    fn scan(&self) -> ScanStream<DatabaseRecord> {
        let ctx = self.ctx.clone();
        self.ctx
            .databases()
            .map_records(move |(_, d)| DatabaseRecord::new(&ctx.account_id, &ctx.region, &d))
    }
}

/// A Glue database in the input of an operator.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatabaseRef {
    /// Database name.
    pub database: String,
    /// Catalog id; default: the caller's account.
    #[serde(default)]
    pub catalog_id: Option<String>,
}

operator_struct!(
    /// Reads one Glue database (ReadOnly).
    GetDatabase
);

#[async_trait]
impl Operator for GetDatabase {
    type Input = DatabaseRef;
    type Output = DatabaseRecord;
    const NAME: &'static str = "glue_get_database";
    const DESCRIPTION: &'static str = "Reads one Glue Data Catalog database.";
    const ACTIONS: &'static [Action] = &[actions::glue::GET_DATABASE];

    async fn execute(&self, input: DatabaseRef, _: AccessChecked<Self>) -> Result<DatabaseRecord> {
        check_name("database", &input.database)?;
        check_optional_catalog_id(&input.catalog_id)?;
        let out = unchecked_glue_client(&self.conn)
            .get_database()
            .set_catalog_id(input.catalog_id)
            .name(&input.database)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::glue::GET_DATABASE)
                    .with_resource(input.database.clone())
            })?;
        let db = out.database.ok_or_else(|| {
            Error::new(
                chicory_aws_core::ErrorKind::Service,
                "GetDatabase returned no database",
            )
        })?;
        Ok(DatabaseRecord::new(
            self.conn.account_id(),
            self.conn.region(),
            &db,
        ))
    }
}

chicory_aws_core::record_kind!(
    DatabaseRecord => "glue_database",
);
