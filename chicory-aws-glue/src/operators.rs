//! Glue operators: get database, get table.

use crate::records::{DatabaseRecord, TableRecord};
use crate::unchecked_glue_client;
use async_trait::async_trait;
use chicory_aws_core::{actions, operator_struct, AccessChecked, Action, Error, Operator, Result};
use serde::{Deserialize, Serialize};

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

/// A Glue table in the input of an operator.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableRef {
    /// Database name.
    pub database: String,
    /// Table name.
    pub table: String,
    /// Catalog id; default: the caller's account.
    #[serde(default)]
    pub catalog_id: Option<String>,
}

/// Glue's names (`NameString`): 1 to 255 characters of its single-line string pattern.
pub(crate) fn check_name(field: &'static str, v: &str) -> Result<()> {
    check_text(field, v, 1, 255)
}

/// `min..=max` characters on one line: AWS's single-line string pattern allows tab but no
/// other control character (NUL, newline). The value is not echoed: it may hold them.
pub(crate) fn check_text(field: &'static str, v: &str, min: usize, max: usize) -> Result<()> {
    let chars = v.chars().count();
    if chars < min || chars > max {
        return Err(Error::invalid(
            field,
            format!("must be {min} to {max} characters, got {chars}"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\t') {
        return Err(Error::invalid(
            field,
            "must be on one line: no control characters such as NUL or newline",
        ));
    }
    Ok(())
}

/// An optional catalog id, checked as the scanners check theirs.
pub(crate) fn check_optional_catalog_id(id: &Option<String>) -> Result<()> {
    id.as_deref()
        .map_or(Ok(()), crate::scanners::check_catalog_id)
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

operator_struct!(
    /// Reads one Glue table (ReadOnly).
    GetTable
);

#[async_trait]
impl Operator for GetTable {
    type Input = TableRef;
    type Output = TableRecord;
    const NAME: &'static str = "glue_get_table";
    const DESCRIPTION: &'static str =
        "Reads one Glue Data Catalog table: columns, partition keys, storage, SerDe, parameters.";
    const ACTIONS: &'static [Action] = &[actions::glue::GET_TABLE];

    async fn execute(&self, input: TableRef, _: AccessChecked<Self>) -> Result<TableRecord> {
        check_name("database", &input.database)?;
        check_name("table", &input.table)?;
        check_optional_catalog_id(&input.catalog_id)?;
        let table = &input.table;
        let out = unchecked_glue_client(&self.conn)
            .get_table()
            .set_catalog_id(input.catalog_id)
            .database_name(&input.database)
            .name(table)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::glue::GET_TABLE)
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

/// Input of `glue_search_tables`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchTablesInput {
    /// Text to search for in table names, descriptions and parameters (up to 1024
    /// characters).
    #[serde(default)]
    pub search_text: Option<String>,
    /// Page size, 1-1000 (default 100).
    #[serde(default)]
    pub max_results: Option<i32>,
    /// The `next_token` of a previous page.
    #[serde(default)]
    pub next_token: Option<String>,
    /// Catalog id; default: the caller's account.
    #[serde(default)]
    pub catalog_id: Option<String>,
}

/// One page of `glue_search_tables`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SearchTablesOutput {
    /// Matching tables.
    pub tables: Vec<TableRecord>,
    /// Pass back to get the next page; absent on the last page.
    pub next_token: Option<String>,
}

operator_struct!(
    /// Searches the catalog's tables (`SearchTables`), one page per call (ReadOnly).
    SearchTables
);

#[async_trait]
impl Operator for SearchTables {
    type Input = SearchTablesInput;
    type Output = SearchTablesOutput;
    const NAME: &'static str = "glue_search_tables";
    const DESCRIPTION: &'static str =
        "Searches Glue Data Catalog tables by text; returns one page and a next_token.";
    const ACTIONS: &'static [Action] = &[actions::glue::SEARCH_TABLES];

    async fn execute(
        &self,
        input: SearchTablesInput,
        _: AccessChecked<Self>,
    ) -> Result<SearchTablesOutput> {
        let max = input.max_results.unwrap_or(100);
        if !(1..=1000).contains(&max) {
            return Err(Error::invalid("max_results", "must be between 1 and 1000"));
        }
        if let Some(text) = &input.search_text {
            check_text("search_text", text, 0, 1024)?;
        }
        check_optional_catalog_id(&input.catalog_id)?;
        let out = unchecked_glue_client(&self.conn)
            .search_tables()
            .set_catalog_id(input.catalog_id)
            .set_search_text(input.search_text)
            .set_next_token(input.next_token)
            .max_results(max)
            .send()
            .await
            .map_err(|e| Error::from_sdk(e, actions::glue::SEARCH_TABLES))?;
        let (account, region) = (self.conn.account_id(), self.conn.region());
        Ok(SearchTablesOutput {
            tables: out
                .table_list()
                .iter()
                .map(|t| TableRecord::new(account, region, t.database_name().unwrap_or(""), t))
                .collect(),
            next_token: out.next_token,
        })
    }
}
