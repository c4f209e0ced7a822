//! Glue operators: get database, get table.

use crate::glue_client;
use crate::records::{DatabaseRecord, TableRecord};
use async_trait::async_trait;
use chicory_aws_core::{actions, Action, Connection, Error, Operator, Result};
use serde::Deserialize;

/// A database or table name in the input of an operator.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableRef {
    /// Database name.
    pub database: String,
    /// Table name (ignored by `glue_get_database`).
    #[serde(default)]
    pub table: Option<String>,
    /// Catalog id; default: the caller's account.
    #[serde(default)]
    pub catalog_id: Option<String>,
}

fn check_name(field: &'static str, v: &str) -> Result<()> {
    if v.is_empty() || v.len() > 255 {
        return Err(Error::invalid(field, "must be 1 to 255 characters"));
    }
    Ok(())
}

/// Reads one Glue database (ReadOnly).
#[derive(Debug, Clone)]
pub struct GetDatabase {
    conn: Connection,
}

impl GetDatabase {
    /// The operator on `conn`.
    pub fn new(conn: &Connection) -> Self {
        GetDatabase { conn: conn.clone() }
    }
}

#[async_trait]
impl Operator for GetDatabase {
    type Input = TableRef;
    type Output = DatabaseRecord;
    const NAME: &'static str = "glue_get_database";
    const DESCRIPTION: &'static str = "Reads one Glue Data Catalog database.";
    const ACTIONS: &'static [Action] = &[actions::glue::GET_DATABASE];

    fn connection(&self) -> &Connection {
        &self.conn
    }

    async fn execute(&self, input: TableRef) -> Result<DatabaseRecord> {
        check_name("database", &input.database)?;
        let out = glue_client(&self.conn)
            .get_database()
            .set_catalog_id(input.catalog_id)
            .name(&input.database)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, "glue:GetDatabase").with_resource(input.database.clone())
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

/// Reads one Glue table (ReadOnly).
#[derive(Debug, Clone)]
pub struct GetTable {
    conn: Connection,
}

impl GetTable {
    /// The operator on `conn`.
    pub fn new(conn: &Connection) -> Self {
        GetTable { conn: conn.clone() }
    }
}

#[async_trait]
impl Operator for GetTable {
    type Input = TableRef;
    type Output = TableRecord;
    const NAME: &'static str = "glue_get_table";
    const DESCRIPTION: &'static str =
        "Reads one Glue Data Catalog table: columns, partition keys, storage, SerDe, parameters.";
    const ACTIONS: &'static [Action] = &[actions::glue::GET_TABLE];

    fn connection(&self) -> &Connection {
        &self.conn
    }

    async fn execute(&self, input: TableRef) -> Result<TableRecord> {
        check_name("database", &input.database)?;
        let table = input.table.clone().unwrap_or_default();
        check_name("table", &table)?;
        let out = glue_client(&self.conn)
            .get_table()
            .set_catalog_id(input.catalog_id)
            .database_name(&input.database)
            .name(&table)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, "glue:GetTable")
                    .with_resource(format!("{}.{table}", input.database))
            })?;
        let t = out.table.ok_or_else(|| {
            Error::new(
                chicory_aws_core::ErrorKind::Service,
                "GetTable returned no table",
            )
        })?;
        Ok(TableRecord::new(
            self.conn.account_id(),
            self.conn.region(),
            &input.database,
            &t,
        ))
    }
}
