//! Athena scanners: workgroups and data catalogs.

use crate::athena_client;
use crate::records::{time, DataCatalogRecord, WorkGroupRecord};
use chicory_aws_core::{actions, pages, Action, Connection, Error, Result, ScanItem, Scanner};
use futures::stream::{self, BoxStream, StreamExt};

/// Scans Athena workgroups.
#[derive(Debug, Clone)]
pub struct WorkGroupScanner {
    client: aws_sdk_athena::Client,
    account_id: String,
    region: String,
}

impl WorkGroupScanner {
    /// A scanner over `conn`.
    pub fn new(conn: &Connection) -> Self {
        WorkGroupScanner {
            client: athena_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
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
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<WorkGroupRecord>>> {
        let (account_id, region) = (self.account_id.clone(), self.region.clone());
        pages(self.client.list_work_groups().into_paginator().send())
            .flat_map(move |page| {
                let items: Vec<Result<_>> = match page {
                    Ok(p) => p
                        .work_groups
                        .unwrap_or_default()
                        .iter()
                        .map(|w| {
                            Ok(ScanItem::Record(WorkGroupRecord {
                                account_id: account_id.clone(),
                                region: region.clone(),
                                name: w.name.clone(),
                                state: w.state.as_ref().map(|s| s.as_str().to_owned()),
                                description: w.description.clone(),
                                creation_time: time(w.creation_time.as_ref()),
                            }))
                        })
                        .collect(),
                    Err(e) => vec![Err(Error::from_sdk(e, "athena:ListWorkGroups"))],
                };
                stream::iter(items)
            })
            .boxed()
    }
}

/// Scans Athena data catalogs.
#[derive(Debug, Clone)]
pub struct DataCatalogScanner {
    client: aws_sdk_athena::Client,
    account_id: String,
    region: String,
}

impl DataCatalogScanner {
    /// A scanner over `conn`.
    pub fn new(conn: &Connection) -> Self {
        DataCatalogScanner {
            client: athena_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
        }
    }
}

impl Scanner for DataCatalogScanner {
    type Record = DataCatalogRecord;
    fn name(&self) -> &'static str {
        "athena_data_catalogs"
    }
    fn actions(&self) -> &'static [Action] {
        &[actions::athena::LIST_DATA_CATALOGS]
    }
    fn scan(&self) -> BoxStream<'static, Result<ScanItem<DataCatalogRecord>>> {
        let (account_id, region) = (self.account_id.clone(), self.region.clone());
        pages(self.client.list_data_catalogs().into_paginator().send())
            .flat_map(move |page| {
                let items: Vec<Result<_>> = match page {
                    Ok(p) => p
                        .data_catalogs_summary
                        .unwrap_or_default()
                        .iter()
                        .map(|c| {
                            Ok(ScanItem::Record(DataCatalogRecord {
                                account_id: account_id.clone(),
                                region: region.clone(),
                                name: c.catalog_name.clone(),
                                catalog_type: c.r#type.as_ref().map(|t| t.as_str().to_owned()),
                            }))
                        })
                        .collect(),
                    Err(e) => vec![Err(Error::from_sdk(e, "athena:ListDataCatalogs"))],
                };
                stream::iter(items)
            })
            .boxed()
    }
}
