//! Athena scanners: workgroups and data catalogs.

use crate::records::{time, DataCatalogRecord, WorkGroupRecord};
use crate::unchecked_athena_client;
use chicory_aws_core::scan::{paged, read, Page, PageRetry, Part, ScanStream, ScanStreamExt};
use chicory_aws_core::{actions, Action, Concurrency, Connection, ScanItem, Scanner};

/// Athena answers `InvalidRequestException` / `MetadataException` for a catalog, database or
/// query execution that does not exist (dropped or expired mid-scan): that part vanished, and
/// is skipped.
pub(crate) const VANISHED: &[&str] = &["InvalidRequestException", "MetadataException"];

/// An SDK error of an Athena call.
pub(crate) type AthenaError<E> =
    aws_sdk_athena::error::SdkError<E, aws_sdk_athena::config::http::HttpResponse>;

/// Scans Athena workgroups.
#[derive(Debug, Clone)]
pub struct WorkGroupScanner {
    client: aws_sdk_athena::Client,
    account_id: String,
    region: String,
    retry: PageRetry,
}

impl WorkGroupScanner {
    /// A scanner over `conn`.
    pub fn new(conn: &Connection) -> Self {
        WorkGroupScanner {
            client: unchecked_athena_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
            retry: conn.page_retry(),
        }
    }
}

impl Scanner for WorkGroupScanner {
    type Record = WorkGroupRecord;
    fn name(&self) -> &'static str {
        "athena_workgroups"
    }
    fn actions(&self) -> &'static [Action] {
        &[actions::athena::LIST_WORK_GROUPS]
    }
    fn scan(&self) -> ScanStream<WorkGroupRecord> {
        let (client, account_id, region) = (
            self.client.clone(),
            self.account_id.clone(),
            self.region.clone(),
        );
        let part = Part::new(actions::athena::LIST_WORK_GROUPS, "");
        paged(part, self.retry, move |token| {
            let req = client.list_work_groups().set_next_token(token);
            let (account_id, region) = (account_id.clone(), region.clone());
            async move {
                let p = req.send().await?;
                let records = p
                    .work_groups
                    .unwrap_or_default()
                    .iter()
                    .map(|w| WorkGroupRecord {
                        account_id: account_id.clone(),
                        region: region.clone(),
                        name: w.name.clone(),
                        state: w.state.as_ref().map(|s| s.as_str().to_owned()),
                        description: w.description.clone(),
                        creation_time: time(w.creation_time.as_ref()),
                    })
                    .collect();
                Ok::<_, AthenaError<_>>(Page::new(records, p.next_token))
            }
        })
    }
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
                let part = Part::new(actions::athena::GET_DATA_CATALOG, format!("catalog={name}"))
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
