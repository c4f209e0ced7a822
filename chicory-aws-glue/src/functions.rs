//! Glue user-defined functions.

use crate::options::CatalogOptions;
use crate::reader::catalog_scanner;
use crate::reader::{CatalogReader, GlueError};
use chicory_aws_core::scan::{paged, Page, ScanStream};
use chicory_aws_core::{actions, Action, Connection, Result, Scanner};
use serde::Serialize;
use std::sync::Arc;

/// A Glue user-defined function.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "glue_user_defined_function")]
pub struct UdfRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Database name.
    pub database: String,
    /// Function name.
    pub name: Option<String>,
    /// Implementing Java class.
    pub class_name: Option<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Resource URIs (JARs, files, archives).
    pub resource_uris: Vec<String>,
    /// Creation time.
    pub create_time: Option<String>,
}

catalog_scanner!(
    /// Scans the user-defined functions of every matching database.
    UdfScanner
);

impl Scanner for UdfScanner {
    type Record = UdfRecord;
    fn name(&self) -> &'static str {
        "glue_user_defined_functions"
    }
    fn actions(&self) -> &'static [Action] {
        self.ctx.actions(&[
            actions::glue::GET_DATABASES,
            actions::glue::GET_USER_DEFINED_FUNCTIONS,
        ])
    }
    fn scan(&self) -> ScanStream<UdfRecord> {
        self.ctx.per_database(|ctx, db| {
            let part = db.part(actions::glue::GET_USER_DEFINED_FUNCTIONS);
            let (catalog, name) = (db.catalog, db.name);
            paged(part, ctx.retry, move |token| {
                let req = ctx
                    .client
                    .get_user_defined_functions()
                    .set_catalog_id(catalog.clone())
                    .database_name(&name)
                    .pattern("*")
                    .set_next_token(token);
                let (ctx, name) = (ctx.clone(), name.clone());
                async move {
                    let p = req.send().await?;
                    let udfs = p
                        .user_defined_functions
                        .unwrap_or_default()
                        .iter()
                        .map(|f| UdfRecord {
                            account_id: ctx.account_id.clone(),
                            region: ctx.region.clone(),
                            database: f.database_name.clone().unwrap_or_else(|| name.clone()),
                            name: f.function_name.clone(),
                            class_name: f.class_name.clone(),
                            owner: f.owner_name.clone(),
                            resource_uris: f
                                .resource_uris()
                                .iter()
                                .filter_map(|r| r.uri.clone())
                                .collect(),
                            create_time: crate::records::time(f.create_time.as_ref()),
                        })
                        .collect();
                    Ok::<_, GlueError<_>>(Page::new(udfs, p.next_token))
                }
            })
        })
    }
}

chicory_aws_core::record_kind!(
    UdfRecord => "glue_user_defined_function",
);
