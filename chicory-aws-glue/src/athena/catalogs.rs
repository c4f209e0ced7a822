//! Athena data catalogs: records, the scanner and `UpdateDataCatalog`.

use crate::athena::{AthenaError, VANISHED};
use crate::client::unchecked_athena_client;
use async_trait::async_trait;
use aws_sdk_athena::types as sdk;
use chicory_aws_core::scan::{paged, read, Page, PageRetry, Part, ScanStream, ScanStreamExt};
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Concurrency, Connection, Error, Operator,
    Result, ScanItem, Scanner,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// An Athena data catalog.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "athena_data_catalog")]
pub struct DataCatalogRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// Name.
    pub name: Option<String>,
    /// `GLUE`, `LAMBDA`, `HIVE`, `FEDERATED`, ...
    pub catalog_type: Option<String>,
    /// Description (GetDataCatalog).
    pub description: Option<String>,
    /// Parameters (GetDataCatalog): e.g. `catalog-id` for a `GLUE` catalog, `function` or
    /// `metadata-function` for a `LAMBDA` one; `None` when they could not be read (see
    /// `unread`).
    pub parameters: Option<HashMap<String, String>>,
    /// For a `GLUE` catalog: the Glue catalog it reads (its `catalog-id` parameter), which
    /// may be another account's; scan it with `CatalogOptions::catalog_id`.
    pub glue_catalog_id: Option<String>,
    /// Status, e.g. `CREATE_COMPLETE` (federated catalogs).
    pub status: Option<String>,
    /// Connection type of a federated catalog, e.g. `DYNAMODB`.
    pub connection_type: Option<String>,
    /// The fields that could not be read (left out of the JSON when empty): `parameters`
    /// (with `description` and `glue_catalog_id`) when GetDataCatalog failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<String>,
}

/// Scans Athena data catalogs of every type (`GLUE`, `LAMBDA`, `HIVE`, `FEDERATED`, ...), each
/// with its parameters from GetDataCatalog (8 at a time): a `GLUE` catalog names the Glue
/// catalog it reads, which may be another account's. A catalog whose details cannot be read is
/// still emitted, with `unread: ["parameters"]` and the outcome beside it.
#[derive(Debug, Clone)]
pub struct DataCatalogScanner {
    client: aws_sdk_athena::Client,
    account_id: String,
    region: String,
    retry: PageRetry,
}

impl DataCatalogScanner {
    /// A scanner over `conn`.
    pub fn new(conn: &Connection) -> Self {
        DataCatalogScanner {
            client: unchecked_athena_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
            retry: conn.page_retry(),
        }
    }
}

impl Scanner for DataCatalogScanner {
    type Record = DataCatalogRecord;
    fn name(&self) -> &'static str {
        "athena_data_catalogs"
    }
    fn actions(&self) -> &'static [Action] {
        &[
            actions::athena::LIST_DATA_CATALOGS,
            actions::athena::GET_DATA_CATALOG,
        ]
    }
    fn scan(&self) -> ScanStream<DataCatalogRecord> {
        let (client, account_id, region, retry) = (
            self.client.clone(),
            self.account_id.clone(),
            self.region.clone(),
            self.retry,
        );
        let part = Part::new(actions::athena::LIST_DATA_CATALOGS, "");
        let lister = client.clone();
        let eight = Concurrency::new("concurrency", 8).expect("8 is valid");
        paged(part, self.retry, move |token| {
            let req = lister.list_data_catalogs().set_next_token(token);
            async move {
                let p = req.send().await?;
                Ok::<_, AthenaError<_>>(Page::new(
                    p.data_catalogs_summary.unwrap_or_default(),
                    p.next_token,
                ))
            }
        })
        .then_records(eight, move |c| {
            let (client, account_id, region) = (client.clone(), account_id.clone(), region.clone());
            async move {
                let name = c.catalog_name.clone().unwrap_or_default();
                let mut record = DataCatalogRecord {
                    account_id,
                    region,
                    name: c.catalog_name.clone(),
                    catalog_type: c.r#type.as_ref().map(|t| t.as_str().to_owned()),
                    description: None,
                    parameters: None,
                    glue_catalog_id: None,
                    status: c.status.as_ref().map(|s| s.as_str().to_owned()),
                    connection_type: c.connection_type.as_ref().map(|t| t.as_str().to_owned()),
                    unread: Vec::new(),
                };
                let part = Part::new(actions::athena::GET_DATA_CATALOG, "")
                    .with("catalog", name.as_str())
                    .vanished_when(VANISHED);
                let got = read(&part, retry, || {
                    let req = client.get_data_catalog().name(&name);
                    async move { req.send().await }
                })
                .await;
                let mut items = Vec::new();
                match got {
                    Ok(out) => {
                        let details = out.data_catalog;
                        let parameters = details
                            .as_ref()
                            .and_then(|d| d.parameters.clone())
                            .unwrap_or_default();
                        record.glue_catalog_id = (record.catalog_type.as_deref() == Some("GLUE"))
                            .then(|| parameters.get("catalog-id").cloned())
                            .flatten();
                        record.description = details.and_then(|d| d.description);
                        record.parameters = Some(parameters);
                    }
                    Err(outcome) => {
                        record.unread.push("parameters".to_owned());
                        items.push(outcome.map(ScanItem::Skipped));
                    }
                }
                items.push(Ok(ScanItem::Record(record)));
                items
            }
        })
    }
}

/// Input of `athena_update_data_catalog`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDataCatalogInput {
    /// Catalog name, 1-127 characters of `A-Za-z0-9@_-`.
    pub name: String,
    /// The catalog's type.
    pub catalog_type: CatalogType,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New parameters (e.g. `catalog-id` for GLUE, `function` for LAMBDA).
    #[serde(default)]
    pub parameters: HashMap<String, String>,
}

/// The type of an Athena data catalog, as Athena spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
pub enum CatalogType {
    /// An AWS Glue Data Catalog.
    #[serde(rename = "GLUE")]
    Glue,
    /// A Lambda-backed federated catalog.
    #[serde(rename = "LAMBDA")]
    Lambda,
    /// An external Hive metastore.
    #[serde(rename = "HIVE")]
    Hive,
}

/// What `athena_update_data_catalog` updated.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DataCatalogOutcome {
    /// The catalog.
    pub name: String,
}

operator_struct!(
    /// Updates an Athena data catalog (ReadWrite).
    UpdateDataCatalog
);

#[async_trait]
impl Operator for UpdateDataCatalog {
    type Input = UpdateDataCatalogInput;
    type Output = DataCatalogOutcome;
    const NAME: &'static str = "athena_update_data_catalog";
    const DESCRIPTION: &'static str =
        "Updates an Athena data catalog: type, description and parameters.";
    const ACTIONS: &'static [Action] = &[actions::athena::UPDATE_DATA_CATALOG];

    async fn execute(
        &self,
        input: UpdateDataCatalogInput,
        _: AccessChecked<Self>,
    ) -> Result<DataCatalogOutcome> {
        if input.name.is_empty()
            || input.name.len() > 127
            || !input
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"@_-".contains(&b))
        {
            return Err(Error::invalid("name", "1-127 characters of A-Za-z0-9@_-"));
        }
        let t = match input.catalog_type {
            CatalogType::Glue => sdk::DataCatalogType::Glue,
            CatalogType::Lambda => sdk::DataCatalogType::Lambda,
            CatalogType::Hive => sdk::DataCatalogType::Hive,
        };
        if matches!(&input.description, Some(d) if d.len() > 1024) {
            return Err(Error::invalid("description", "at most 1024 characters"));
        }
        unchecked_athena_client(&self.conn)
            .update_data_catalog()
            .name(&input.name)
            .r#type(t)
            .set_description(input.description)
            .set_parameters((!input.parameters.is_empty()).then_some(input.parameters))
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::athena::UPDATE_DATA_CATALOG)
                    .with_resource(input.name.clone())
            })?;
        Ok(DataCatalogOutcome { name: input.name })
    }
}

chicory_aws_core::record_kind!(
    DataCatalogRecord => "athena_data_catalog",
);
