//! Athena scanners: workgroups and data catalogs.

use crate::athena_client;
use crate::records::{time, DataCatalogRecord, WorkGroupRecord};
use chicory_aws_core::scan::{paged, Page, PageRetry, Part, ScanStream};
use chicory_aws_core::{actions, Action, Connection, Scanner};

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
            client: athena_client(conn),
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

/// Scans Athena data catalogs.
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
            client: athena_client(conn),
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
        &[actions::athena::LIST_DATA_CATALOGS]
    }
    fn scan(&self) -> ScanStream<DataCatalogRecord> {
        let (client, account_id, region) = (
            self.client.clone(),
            self.account_id.clone(),
            self.region.clone(),
        );
        let part = Part::new(actions::athena::LIST_DATA_CATALOGS, "");
        paged(part, self.retry, move |token| {
            let req = client.list_data_catalogs().set_next_token(token);
            let (account_id, region) = (account_id.clone(), region.clone());
            async move {
                let p = req.send().await?;
                let records = p
                    .data_catalogs_summary
                    .unwrap_or_default()
                    .iter()
                    .map(|c| DataCatalogRecord {
                        account_id: account_id.clone(),
                        region: region.clone(),
                        name: c.catalog_name.clone(),
                        catalog_type: c.r#type.as_ref().map(|t| t.as_str().to_owned()),
                    })
                    .collect();
                Ok::<_, AthenaError<_>>(Page::new(records, p.next_token))
            }
        })
    }
}
