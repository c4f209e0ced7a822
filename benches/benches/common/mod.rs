//! What several benches share: the sequential SDK paginator loops they are measured against
//! (the baselines doing the same requests as the scanners) and a record counter. Each bench
//! uses a part of it.
#![allow(dead_code)]

use chicory_aws_core::{ScanItem, Scanner};
use futures::StreamExt;

/// The records of a scan, counted; an incomplete or skipped part panics (the fakes answer all).
pub async fn count<S: Scanner>(s: &S) -> usize {
    s.scan()
        .fold(0, |n, i| async move {
            match i.expect("the scan fails") {
                ScanItem::Record(_) => n + 1,
                ScanItem::Skipped(s) => panic!("skipped {s:?}"),
            }
        })
        .await
}

/// Tables of every database, by the SDK's paginators alone, one database after another.
pub async fn sdk_tables(glue: &aws_sdk_glue::Client) -> usize {
    let mut n = 0;
    let mut dbs = glue.get_databases().into_paginator().send();
    while let Some(page) = dbs.next().await {
        for db in page.expect("a page").database_list {
            let mut pages = glue
                .get_tables()
                .database_name(db.name)
                .into_paginator()
                .send();
            while let Some(p) = pages.next().await {
                n += p.expect("a page").table_list.unwrap_or_default().len();
            }
        }
    }
    n
}

/// Partitions of `database.table`, by the SDK's GetPartitions paginator alone (no segments).
pub async fn sdk_partitions(glue: &aws_sdk_glue::Client, database: &str, table: &str) -> usize {
    let mut n = 0;
    let mut pages = glue
        .get_partitions()
        .database_name(database)
        .table_name(table)
        .exclude_column_schema(true)
        .into_paginator()
        .send();
    while let Some(p) = pages.next().await {
        n += p.expect("a page").partitions.unwrap_or_default().len();
    }
    n
}

/// Keys of `bucket` under `prefix`, by the SDK's ListObjectsV2 paginator alone.
pub async fn sdk_keys(s3: &aws_sdk_s3::Client, bucket: &str, prefix: &str) -> usize {
    let mut n = 0;
    let mut pages = s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .into_paginator()
        .send();
    while let Some(p) = pages.next().await {
        n += p.expect("a page").contents().len();
    }
    n
}
