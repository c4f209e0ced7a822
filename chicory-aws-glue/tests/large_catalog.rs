//! A large catalog on the emulator: 50 databases x 50 tables and a table with 10,000
//! partitions. The scans count what was created, and they stream: the peak heap while the
//! records are counted (not collected) is about the same for half the records as for all of
//! them, and below half of what holding the records takes (measured by the test kit's counting
//! allocator, so the bounds move with what the records really weigh).

use aws_sdk_glue::types::{Column, DatabaseInput, PartitionInput, StorageDescriptor, TableInput};
use chicory_aws_core::{AccessLevel, Connection};
use chicory_aws_glue::{CatalogOptions, PartitionScanner, TableScanner};
use chicory_aws_policy::permissions::{permission_policy, Integration, PolicyOptions};
use chicory_aws_testkit::memory::{assert_streams, count_scan as count, CountingAlloc};
use chicory_aws_testkit::{unique, Emulator};
use futures::{stream, StreamExt};

#[global_allocator]
static HEAP: CountingAlloc = CountingAlloc;

async fn connect() -> Connection {
    let emu = Emulator::get();
    let policy = permission_policy(
        Integration::Glue,
        AccessLevel::ReadOnly,
        &PolicyOptions::default(),
    )
    .unwrap()
    .to_json_compact();
    let (vendor, params) = emu
        .customer(
            &format!("chicory-{}", unique("large")),
            &[("GluePolicy", &policy)],
        )
        .await;
    emu.connection(&vendor, params).connect().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_by_fifty_tables_and_ten_thousand_partitions() {
    let glue = aws_sdk_glue::Client::new(&Emulator::get().admin_config().await);
    let prefix = unique("big").replace('-', "_");
    let col = Column::builder()
        .name("id")
        .r#type("bigint")
        .build()
        .unwrap();
    let table = |name: String, partitioned: bool| {
        let mut t = TableInput::builder().name(name).storage_descriptor(
            StorageDescriptor::builder()
                .columns(col.clone())
                .location("s3://lake/t/")
                .build(),
        );
        if partitioned {
            t = t.partition_keys(
                Column::builder()
                    .name("dt")
                    .r#type("string")
                    .build()
                    .unwrap(),
            );
        }
        t.build().unwrap()
    };
    stream::iter(0..50)
        .for_each_concurrent(8, |d| {
            let (glue, prefix, table) = (glue.clone(), prefix.clone(), &table);
            async move {
                let db = format!("{prefix}_{d:02}");
                glue.create_database()
                    .database_input(DatabaseInput::builder().name(&db).build().unwrap())
                    .send()
                    .await
                    .unwrap();
                for t in 0..50 {
                    glue.create_table()
                        .database_name(&db)
                        .table_input(table(format!("t{t:02}"), d == 0 && t == 0))
                        .send()
                        .await
                        .unwrap();
                }
            }
        })
        .await;
    let db0 = format!("{prefix}_00");
    stream::iter(
        (0..10_000)
            .collect::<Vec<u32>>()
            .chunks(100)
            .map(<[u32]>::to_vec)
            .collect::<Vec<_>>(),
    )
    .for_each_concurrent(8, |chunk| {
        let (glue, db0) = (glue.clone(), db0.clone());
        async move {
            let inputs = chunk
                .iter()
                .map(|i| {
                    PartitionInput::builder()
                        .values(format!("p{i:05}"))
                        .storage_descriptor(
                            StorageDescriptor::builder()
                                .location(format!("s3://lake/t/dt={i}/"))
                                .build(),
                        )
                        .build()
                })
                .collect();
            let out = glue
                .batch_create_partition()
                .database_name(&db0)
                .table_name("t00")
                .set_partition_input_list(Some(inputs))
                .send()
                .await
                .unwrap();
            assert!(out.errors().is_empty(), "{:?}", out.errors());
        }
    })
    .await;

    let conn = connect().await;
    let tables = TableScanner::new(
        &conn,
        CatalogOptions::default()
            .include_databases(format!("{prefix}_*"))
            .concurrency(8),
    )
    .unwrap();
    let (n, skipped, _) = count(&tables).await;
    assert_eq!((n, skipped), (2500, 0));
    assert_streams("2,500 tables", &tables).await;

    let parts = PartitionScanner::new(&conn, CatalogOptions::default(), &db0, "t00", 1).unwrap();
    let (n, skipped, _) = count(&parts).await;
    assert_eq!((n, skipped), (10_000, 0));
    assert_streams("10,000 partitions", &parts).await;
}
