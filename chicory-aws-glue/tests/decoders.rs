//! The Glue record decoders fed damaged answers (issue 11, item 8), a `proptest` property: a
//! fake answers GetDatabases and GetTables with valid JSON in which up to a few fields anywhere
//! are replaced by any JSON (wrong types, huge or hostile strings, out-of-range numbers), or
//! cut short. The scan never panics and always ends; a failure is a typed error; the undamaged
//! answer gives every table and no error. Prints the cases it ran (`--nocapture`).

use chicory_aws_glue::{CatalogOptions, TableScanner};
use chicory_aws_testkit::hostile::{damaged_json, runner, HostileFake};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::cell::Cell;

const CASES: u32 = 384;

fn table(name: &str, db: &str) -> Value {
    json!({
        "Name": name, "DatabaseName": db, "TableType": "EXTERNAL_TABLE",
        "CreateTime": 1.7e9, "UpdateTime": 1.7e9, "Owner": "owner",
        "Parameters": {"classification": "parquet"},
        "StorageDescriptor": {
            "Columns": [
                {"Name": "id", "Type": "bigint", "Comment": "key"},
                {"Name": "amount", "Type": "decimal(38,2)"}
            ],
            "Location": format!("s3://lake/{db}/{name}/"),
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "SerdeInfo": {"SerializationLibrary": "serde", "Parameters": {"a": "b"}}
        },
        "PartitionKeys": [{"Name": "dt", "Type": "string"}]
    })
}

#[test]
fn table_scans_of_damaged_answers_never_panic_and_fail_typed() {
    let fake = HostileFake::start("application/x-amz-json-1.1");
    let databases = json!({"DatabaseList": [
        {"Name": "db0", "CreateTime": 1.7e9, "Description": "sales", "Parameters": {"k": "v"},
         "LocationUri": "s3://lake/db0/"},
        {"Name": "db1", "CatalogId": "123456789012"}
    ]});
    let tables = json!({"TableList": [table("t0", "db0"), table("t1", "db0")]});
    let (valid_dbs, valid_tables) = (databases.to_string(), tables.to_string());
    let strategy = (damaged_json(databases, 3), damaged_json(tables, 4));
    let (cases, failed_typed, records) = (Cell::new(0u32), Cell::new(0u32), Cell::new(0u64));
    runner(CASES)
        .run(&strategy, |(dbs, tbls)| {
            cases.set(cases.get() + 1);
            fake.answers.set("GetDatabases", dbs.clone());
            fake.answers.set("GetTables", tbls.clone());
            let scanner = TableScanner::new(&fake.conn, CatalogOptions::default()).unwrap();
            let (n, errors) = fake.scan(&scanner)?;
            records.set(records.get() + n as u64);
            failed_typed.set(failed_typed.get() + u32::from(errors > 0));
            if dbs == valid_dbs && tbls == valid_tables {
                prop_assert_eq!((n, errors), (4, 0), "the undamaged answer");
            }
            Ok(())
        })
        .unwrap();
    eprintln!(
        "glue decoders: {} cases ({} with a typed failure, {} records in all)",
        cases.get(),
        failed_typed.get(),
        records.get()
    );
    assert_eq!(cases.get(), CASES);
}
