//! Column statistics against a Glue fake (wiremock; JSON 1.1 member names from the AWS Glue API
//! model as serialized by aws-sdk-glue's protocol_serde): moto has no column statistics.

use chicory_aws_core::{AccessLevel, ErrorKind, Operator, ScanItem, Scanner};
use chicory_aws_glue::{
    CatalogOptions, ColumnStatisticsData, ColumnStatisticsRecord, ColumnStatisticsScanner,
    DeleteColumnStatistics, GetColumnStatistics, UpdateColumnStatistics,
};
use chicory_aws_testkit::glue::{
    error as glue_error, glue_op as op, ok, one_attempt as connect, requests, sts as fake,
};
use chicory_aws_testkit::FakeSts;
use futures::StreamExt;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::body_partial_json;
use wiremock::{Request, ResponseTemplate};

async fn glue_requests(sts: &FakeSts) -> Vec<(String, Value)> {
    requests(sts, "AWSGlue.").await
}

fn table(name: &str, columns: usize, partitioned: bool) -> Value {
    let cols: Vec<Value> = (0..columns)
        .map(|i| json!({"Name": format!("c{i:03}"), "Type": "bigint"}))
        .collect();
    let keys = if partitioned {
        json!([{"Name": "dt", "Type": "string"}])
    } else {
        json!([])
    };
    json!({"Name": name, "StorageDescriptor": {"Columns": cols}, "PartitionKeys": keys})
}

/// The statistics the fake holds for a column, by its number: every member of the union.
fn stats_for(column: &str) -> Value {
    let n: usize = column[1..].parse().unwrap();
    let data = match n % 7 {
        0 => json!({"Type": "LONG", "LongColumnStatisticsData":
            {"MinimumValue": -5, "MaximumValue": 9000, "NumberOfNulls": 1, "NumberOfDistinctValues": 42}}),
        // -12.50 = unscaled -1250 = 0xFB1E, scale 2.
        1 => json!({"Type": "DECIMAL", "DecimalColumnStatisticsData": {
            "MinimumValue": {"UnscaledValue": "+x4=", "Scale": 2},
            "MaximumValue": {"UnscaledValue": "BNI=", "Scale": 2},
            "NumberOfNulls": 0, "NumberOfDistinctValues": 7}}),
        2 => json!({"Type": "STRING", "StringColumnStatisticsData":
            {"MaximumLength": 64, "AverageLength": 12.5, "NumberOfNulls": 3, "NumberOfDistinctValues": 1000}}),
        3 => json!({"Type": "BOOLEAN", "BooleanColumnStatisticsData":
            {"NumberOfTrues": 10, "NumberOfFalses": 20, "NumberOfNulls": 0}}),
        4 => json!({"Type": "DATE", "DateColumnStatisticsData":
            {"MinimumValue": 1.7e9, "MaximumValue": 1.71e9, "NumberOfNulls": 2, "NumberOfDistinctValues": 100}}),
        5 => json!({"Type": "DOUBLE", "DoubleColumnStatisticsData":
            {"MinimumValue": -1.5, "MaximumValue": 2.25, "NumberOfNulls": 0, "NumberOfDistinctValues": 9}}),
        _ => json!({"Type": "BINARY", "BinaryColumnStatisticsData":
            {"MaximumLength": 2048, "AverageLength": 100.0, "NumberOfNulls": 5}}),
    };
    json!({"ColumnName": column, "ColumnType": "bigint", "AnalyzedTime": 1.7e9, "StatisticsData": data})
}

/// A GetColumnStatisticsFor{Table,Partition} responder: stats for columns whose number is even,
/// EntityNotFoundException (no statistics) for odd ones, and an InvalidInputException for c013.
/// Fails the request (HTTP 400) if more than 100 column names arrive.
fn stats_responder(batches: Arc<Mutex<Vec<usize>>>) -> impl Fn(&Request) -> ResponseTemplate {
    move |req: &Request| {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let names: Vec<String> = body["ColumnNames"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        batches.lock().unwrap().push(names.len());
        if names.len() > 100 {
            return glue_error("InvalidInputException", "ColumnNames: at most 100");
        }
        let mut stats = Vec::new();
        let mut errors = Vec::new();
        for c in &names {
            let n: usize = c[1..].parse().unwrap();
            if n == 13 {
                errors.push(json!({"ColumnName": c, "Error": {"ErrorCode": "InvalidInputException", "ErrorMessage": "corrupt statistics"}}));
            } else if n % 2 == 0 {
                stats.push(stats_for(c));
            } else {
                errors.push(json!({"ColumnName": c, "Error": {"ErrorCode": "EntityNotFoundException", "ErrorMessage": "no statistics"}}));
            }
        }
        ok(json!({"ColumnStatisticsList": stats, "Errors": errors}))
    }
}

async fn collect<S: Scanner>(
    s: &S,
) -> (
    Vec<S::Record>,
    Vec<(String, ErrorKind, String)>,
    Vec<chicory_aws_core::Error>,
) {
    let (mut recs, mut skipped, mut errs) = (Vec::new(), Vec::new(), Vec::new());
    let mut stream = s.scan();
    while let Some(item) = stream.next().await {
        match item {
            Ok(ScanItem::Record(r)) => recs.push(r),
            Ok(ScanItem::Skipped(k)) => skipped.push((k.part, k.kind, k.reason)),
            Err(e) => errs.push(e),
        }
    }
    skipped.sort_by(|a, b| a.0.cmp(&b.0));
    (recs, skipped, errs)
}

#[tokio::test]
async fn table_statistics_are_read_100_columns_at_a_time_and_denied_tables_skipped() {
    let sts = fake().await;
    op("GetDatabases")
        .respond_with(ok(
            json!({"DatabaseList": [{"Name": "sales"}, {"Name": "hr"}]}),
        ))
        .mount(sts.server())
        .await;
    op("GetTables")
        .and(body_partial_json(json!({"DatabaseName": "sales"})))
        .respond_with(ok(
            json!({"TableList": [table("wide", 250, false), table("narrow", 7, false)]}),
        ))
        .mount(sts.server())
        .await;
    op("GetTables")
        .and(body_partial_json(json!({"DatabaseName": "hr"})))
        .respond_with(ok(
            json!({"TableList": [table("payroll", 3, false), table("gone", 3, false)]}),
        ))
        .mount(sts.server())
        .await;
    let batches = Arc::new(Mutex::new(Vec::new()));
    op("GetColumnStatisticsForTable")
        .and(body_partial_json(
            json!({"DatabaseName": "hr", "TableName": "payroll"}),
        ))
        .respond_with(glue_error(
            "AccessDeniedException",
            "not authorized to read statistics",
        ))
        .with_priority(1)
        .mount(sts.server())
        .await;
    op("GetColumnStatisticsForTable")
        .and(body_partial_json(
            json!({"DatabaseName": "hr", "TableName": "gone"}),
        ))
        .respond_with(glue_error(
            "EntityNotFoundException",
            "Table gone not found",
        ))
        .with_priority(1)
        .mount(sts.server())
        .await;
    op("GetColumnStatisticsForTable")
        .respond_with(stats_responder(batches.clone()))
        .with_priority(2)
        .mount(sts.server())
        .await;

    let conn = connect(&sts, AccessLevel::ReadOnly).await;
    let scanner = ColumnStatisticsScanner::new(&conn, CatalogOptions::default()).unwrap();
    let (recs, skipped, errs) = collect(&scanner).await;
    // The column Glue failed (c013 of wide) is neither denied nor gone: the scan is
    // incomplete there, naming the column.
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        errs[0].resource(),
        Some("table=sales.wide column=c013"),
        "{errs:?}"
    );
    assert!(errs[0].to_string().contains("corrupt statistics"));

    // wide: 250 columns in 100 + 100 + 50; narrow: 7 in one request.
    let mut sizes = batches.lock().unwrap().clone();
    sizes.sort();
    assert_eq!(sizes, [7, 50, 100, 100]);

    // Even columns have statistics: 125 of wide, 4 of narrow (c000, c002, c004, c006).
    let wide: Vec<&ColumnStatisticsRecord> = recs.iter().filter(|r| r.table == "wide").collect();
    assert_eq!(wide.len(), 125);
    assert_eq!(recs.len(), 129);
    let mut names: Vec<&str> = wide.iter().map(|r| r.column_name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 125, "each column once");

    let get = |t: &str, c: &str| {
        recs.iter()
            .find(|r| r.table == t && r.column_name == c)
            .unwrap_or_else(|| panic!("{t}.{c}"))
    };
    let c0 = get("narrow", "c000");
    assert_eq!(c0.database, "sales");
    assert_eq!(c0.column_type, "bigint");
    assert_eq!(c0.analyzed_time.as_deref(), Some("2023-11-14T22:13:20Z"));
    assert_eq!(c0.partition_values, None);
    assert_eq!(
        c0.statistics,
        Some(ColumnStatisticsData::Long {
            minimum_value: -5,
            maximum_value: 9000,
            number_of_nulls: 1,
            number_of_distinct_values: 42
        })
    );
    // c008 % 7 == 1: decimal.
    assert_eq!(
        get("wide", "c008").statistics,
        Some(ColumnStatisticsData::Decimal {
            minimum_value: Some("-12.50".into()),
            maximum_value: Some("12.34".into()),
            number_of_nulls: 0,
            number_of_distinct_values: 7
        })
    );
    assert_eq!(
        get("narrow", "c002").statistics,
        Some(ColumnStatisticsData::String {
            maximum_length: 64,
            average_length: 12.5,
            number_of_nulls: 3,
            number_of_distinct_values: 1000
        })
    );
    assert_eq!(
        get("narrow", "c004").statistics,
        Some(ColumnStatisticsData::Date {
            minimum_value: Some("2023-11-14T22:13:20Z".into()),
            maximum_value: Some("2024-03-09T16:00:00Z".into()),
            number_of_nulls: 2,
            number_of_distinct_values: 100
        })
    );
    assert!(matches!(
        get("wide", "c010").statistics,
        Some(ColumnStatisticsData::Boolean {
            number_of_trues: 10,
            number_of_falses: 20,
            ..
        })
    ));
    assert!(matches!(
        get("narrow", "c006").statistics,
        Some(ColumnStatisticsData::Binary {
            maximum_length: 2048,
            ..
        })
    ));
    assert!(matches!(
        get("wide", "c012").statistics,
        Some(ColumnStatisticsData::Double { maximum_value, .. }) if maximum_value == 2.25
    ));
    // The record serializes with its kind and the union's type tag.
    let v = serde_json::to_value(c0).unwrap();
    assert_eq!(v["kind"], "glue_column_statistics");
    assert_eq!(v["statistics"]["type"], "long");

    // Skipped: the denied table and the vanished table; columns without statistics
    // (EntityNotFoundException per column) are not failures.
    let parts: Vec<(&str, ErrorKind)> = skipped.iter().map(|s| (s.0.as_str(), s.1)).collect();
    assert_eq!(
        parts,
        [
            (
                "glue:GetColumnStatisticsForTable table=hr.gone",
                ErrorKind::NotFound
            ),
            (
                "glue:GetColumnStatisticsForTable table=hr.payroll",
                ErrorKind::AccessDenied
            ),
        ]
    );
    assert!(skipped[1].2.contains("not authorized"), "{skipped:?}");
}

#[tokio::test]
async fn partition_statistics_follow_partition_pages_and_throttling_is_an_error() {
    let sts = fake().await;
    op("GetDatabases")
        .respond_with(ok(json!({"DatabaseList": [{"Name": "sales"}]})))
        .mount(sts.server())
        .await;
    op("GetTables")
        .respond_with(ok(
            json!({"TableList": [table("events", 3, true), table("flaky", 2, false)]}),
        ))
        .mount(sts.server())
        .await;
    op("GetPartitions")
        .and(body_partial_json(
            json!({"TableName": "events", "NextToken": "p2"}),
        ))
        .respond_with(ok(json!({"Partitions": [{"Values": ["2024-01-03"]}]})))
        .with_priority(1)
        .mount(sts.server())
        .await;
    op("GetPartitions")
        .and(body_partial_json(json!({"TableName": "events", "ExcludeColumnSchema": true})))
        .respond_with(ok(json!({"Partitions": [{"Values": ["2024-01-01"]}, {"Values": ["2024-01-02"]}], "NextToken": "p2"})))
        .with_priority(2)
        .mount(sts.server())
        .await;
    op("GetColumnStatisticsForTable")
        .and(body_partial_json(json!({"TableName": "flaky"})))
        .respond_with(glue_error("ThrottlingException", "Rate exceeded"))
        .with_priority(1)
        .mount(sts.server())
        .await;
    let batches = Arc::new(Mutex::new(Vec::new()));
    op("GetColumnStatisticsForTable")
        .respond_with(stats_responder(batches.clone()))
        .with_priority(2)
        .mount(sts.server())
        .await;
    op("GetColumnStatisticsForPartition")
        .and(body_partial_json(
            json!({"PartitionValues": ["2024-01-02"]}),
        ))
        .respond_with(glue_error("AccessDeniedException", "partition denied"))
        .with_priority(1)
        .mount(sts.server())
        .await;
    op("GetColumnStatisticsForPartition")
        .respond_with(stats_responder(batches.clone()))
        .with_priority(2)
        .mount(sts.server())
        .await;

    let conn = connect(&sts, AccessLevel::ReadOnly).await;
    let scanner = ColumnStatisticsScanner::new(&conn, CatalogOptions::default())
        .unwrap()
        .with_partitions(true);
    assert!(scanner
        .actions()
        .contains(&chicory_aws_policy::actions::glue::GET_COLUMN_STATISTICS_FOR_PARTITION));
    let (recs, skipped, errs) = collect(&scanner).await;

    // events has c000..c002: statistics for c000 and c002 of the table and of two partitions.
    let mut got: Vec<(Option<String>, String)> = recs
        .iter()
        .map(|r| {
            (
                r.partition_values.as_ref().map(|v| v.join("/")),
                r.column_name.clone(),
            )
        })
        .collect();
    got.sort();
    let p = |v: Option<&str>, c: &str| (v.map(str::to_owned), c.to_owned());
    assert_eq!(
        got,
        [
            p(None, "c000"),
            p(None, "c002"),
            p(Some("2024-01-01"), "c000"),
            p(Some("2024-01-01"), "c002"),
            p(Some("2024-01-03"), "c000"),
            p(Some("2024-01-03"), "c002"),
        ]
    );
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(
        skipped[0].0,
        "glue:GetColumnStatisticsForPartition table=sales.events partition=2024-01-02"
    );
    assert_eq!(skipped[0].1, ErrorKind::AccessDenied);
    // Throttling past the retries is an error of the scan (not a silent skip); the rest goes on.
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].kind(), ErrorKind::Throttled);
    assert_eq!(errs[0].resource(), Some("sales.flaky"));
    let reqs = glue_requests(&sts).await;
    let part_reqs: Vec<&Value> = reqs
        .iter()
        .filter(|(op, _)| op == "GetColumnStatisticsForPartition")
        .map(|(_, b)| b)
        .collect();
    assert_eq!(part_reqs.len(), 3);
    for b in part_reqs {
        assert_eq!(b["DatabaseName"], "sales");
        assert_eq!(b["TableName"], "events");
        assert_eq!(b["ColumnNames"], json!(["c000", "c001", "c002"]));
    }
}

fn update_input(partition: Option<Vec<&str>>, n: usize) -> Value {
    let mut stats: Vec<Value> = (0..n)
        .map(|i| {
            json!({"column_name": format!("c{i:03}"), "column_type": "bigint",
                   "analyzed_time": "2024-05-01T00:00:00Z",
                   "statistics": {"type": "long", "minimum_value": 0, "maximum_value": i,
                                  "number_of_nulls": 0, "number_of_distinct_values": i}})
        })
        .collect();
    stats[0] = json!({"column_name": "price", "column_type": "decimal(10,2)",
        "statistics": {"type": "decimal", "minimum_value": "-12.50", "maximum_value": "12.34",
                       "number_of_nulls": 1, "number_of_distinct_values": 5}});
    json!({"database": "sales", "table": "orders", "partition_values": partition, "statistics": stats})
}

#[tokio::test]
async fn statistics_are_read_written_and_deleted_for_tables_and_partitions() {
    let sts = fake().await;
    let batches = Arc::new(Mutex::new(Vec::new()));
    op("GetColumnStatisticsForTable")
        .respond_with(stats_responder(batches.clone()))
        .mount(sts.server())
        .await;
    op("GetColumnStatisticsForPartition")
        .and(body_partial_json(
            json!({"PartitionValues": ["2024-01-01"]}),
        ))
        .respond_with(ok(json!({"ColumnStatisticsList": [stats_for("c002")]})))
        .mount(sts.server())
        .await;
    op("UpdateColumnStatisticsForTable")
        .respond_with(|req: &Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let first = &body["ColumnStatisticsList"][0];
            // Glue refuses the first column of each request.
            ok(json!({"Errors": [{"ColumnStatistics": first,
                "Error": {"ErrorCode": "InvalidInputException", "ErrorMessage": "type mismatch"}}]}))
        })
        .mount(sts.server())
        .await;
    op("UpdateColumnStatisticsForPartition")
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(sts.server())
        .await;
    op("DeleteColumnStatisticsForTable")
        .and(body_partial_json(
            json!({"DatabaseName": "sales", "TableName": "orders", "ColumnName": "c000"}),
        ))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(sts.server())
        .await;
    op("DeleteColumnStatisticsForPartition")
        .respond_with(glue_error(
            "EntityNotFoundException",
            "No statistics for column c000",
        ))
        .mount(sts.server())
        .await;

    let rw = connect(&sts, AccessLevel::ReadWrite).await;
    // Get: 230 columns -> 100 + 100 + 30.
    let names: Vec<String> = (0..230).map(|i| format!("c{i:03}")).collect();
    let out = GetColumnStatistics::new(&rw)
        .call(
            serde_json::from_value(
                json!({"database": "sales", "table": "orders", "column_names": names}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(*batches.lock().unwrap(), [100, 100, 30]);
    assert_eq!(out.statistics.len(), 115);
    assert_eq!(out.errors.len(), 115);
    assert!(out
        .errors
        .iter()
        .any(|e| e.column_name.as_deref() == Some("c013")
            && e.code.as_deref() == Some("InvalidInputException")));
    let out = GetColumnStatistics::new(&rw)
        .call(
            serde_json::from_value(json!({"database": "sales", "table": "orders",
            "partition_values": ["2024-01-01"], "column_names": ["c002"]}))
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        out.statistics[0].partition_values,
        Some(vec!["2024-01-01".to_owned()])
    );
    assert!(matches!(
        out.statistics[0].statistics,
        Some(ColumnStatisticsData::String { .. })
    ));

    // Update a table: 30 columns -> 25 + 5; Glue refuses the first of each request.
    let out = UpdateColumnStatistics::new(&rw)
        .call(serde_json::from_value(update_input(None, 30)).unwrap())
        .await
        .unwrap();
    assert_eq!(out.updated.len(), 28);
    let refused: Vec<_> = out
        .errors
        .iter()
        .map(|e| e.column_name.clone().unwrap())
        .collect();
    assert_eq!(refused, ["price", "c025"]);
    assert_eq!(out.errors[0].message.as_deref(), Some("type mismatch"));
    // Update a partition: one request.
    let out = UpdateColumnStatistics::new(&rw)
        .call(serde_json::from_value(update_input(Some(vec!["2024-01-01"]), 3)).unwrap())
        .await
        .unwrap();
    assert_eq!(out.updated, ["price", "c001", "c002"]);

    let reqs = glue_requests(&sts).await;
    let updates: Vec<&Value> = reqs
        .iter()
        .filter(|(op, _)| op.starts_with("UpdateColumnStatistics"))
        .map(|(_, b)| b)
        .collect();
    assert_eq!(updates.len(), 3);
    let sizes: Vec<usize> = updates
        .iter()
        .map(|b| b["ColumnStatisticsList"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), 33);
    assert!(sizes.iter().all(|s| *s <= 25), "{sizes:?}");
    let price = updates
        .iter()
        .find(|b| b.get("PartitionValues").is_none())
        .map(|b| b["ColumnStatisticsList"][0].clone())
        .unwrap();
    assert_eq!(price["ColumnName"], "price");
    assert_eq!(price["ColumnType"], "decimal(10,2)");
    assert!(price["AnalyzedTime"].is_number(), "{price}");
    assert_eq!(price["StatisticsData"]["Type"], "DECIMAL");
    let dec = &price["StatisticsData"]["DecimalColumnStatisticsData"];
    assert_eq!(
        dec["MinimumValue"],
        json!({"UnscaledValue": "+x4=", "Scale": 2})
    );
    assert_eq!(
        dec["MaximumValue"],
        json!({"UnscaledValue": "BNI=", "Scale": 2})
    );
    assert_eq!(dec["NumberOfNulls"], 1);
    let long = updates
        .iter()
        .find(|b| b.get("PartitionValues").is_none())
        .map(|b| b["ColumnStatisticsList"][1].clone())
        .unwrap();
    assert_eq!(long["AnalyzedTime"], json!(1714521600));
    // The model gives MinimumValue/MaximumValue a default of 0 and the SDK leaves defaults out
    // of the request: a minimum of 0 is sent as an absent member (Glue reads it back as 0).
    assert_eq!(
        long["StatisticsData"],
        json!({"Type": "LONG", "LongColumnStatisticsData":
            {"MaximumValue": 1, "NumberOfNulls": 0, "NumberOfDistinctValues": 1}})
    );
    let part = updates
        .iter()
        .find(|b| b.get("PartitionValues").is_some())
        .unwrap();
    assert_eq!(part["PartitionValues"], json!(["2024-01-01"]));

    // Delete.
    let del = DeleteColumnStatistics::new(&rw)
        .call(
            serde_json::from_value(
                json!({"database": "sales", "table": "orders", "column_name": "c000"}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(del.table, "sales.orders");
    let err = DeleteColumnStatistics::new(&rw)
        .call(
            serde_json::from_value(json!({"database": "sales", "table": "orders",
            "partition_values": ["2024-01-01"], "column_name": "c000"}))
            .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(err.code(), Some("EntityNotFoundException"));
}

#[tokio::test]
async fn writes_are_refused_on_read_only_and_bad_input_before_any_request() {
    let sts = fake().await;
    let ro = connect(&sts, AccessLevel::ReadOnly).await;
    let err = UpdateColumnStatistics::new(&ro)
        .call(serde_json::from_value(update_input(None, 2)).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");
    let err = DeleteColumnStatistics::new(&ro)
        .call(
            serde_json::from_value(
                json!({"database": "sales", "table": "orders", "column_name": "c"}),
            )
            .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted, "{err}");

    let rw = connect(&sts, AccessLevel::ReadWrite).await;
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"database": "", "table": "t", "statistics": []}),
            "database",
        ),
        (
            json!({"database": "d", "table": "t", "statistics": []}),
            "statistics",
        ),
        (
            json!({"database": "d", "table": "t", "partition_values": [], "statistics": []}),
            "partition_values",
        ),
        (
            json!({"database": "d", "table": "t", "statistics": [{"column_name": "c", "column_type": "bigint",
            "statistics": {"type": "long", "minimum_value": 0, "maximum_value": 1, "number_of_nulls": -1, "number_of_distinct_values": 0}}]}),
            "statistics",
        ),
        (
            json!({"database": "d", "table": "t", "statistics": [{"column_name": "c", "column_type": "decimal",
            "statistics": {"type": "decimal", "minimum_value": "1,5", "number_of_nulls": 0, "number_of_distinct_values": 0}}]}),
            "minimum_value",
        ),
        (
            json!({"database": "d", "table": "t", "statistics": [{"column_name": "c", "column_type": "bigint", "analyzed_time": "yesterday",
            "statistics": {"type": "boolean", "number_of_trues": 0, "number_of_falses": 1, "number_of_nulls": 0}}]}),
            "analyzed_time",
        ),
    ];
    for (input, field) in cases {
        let err = UpdateColumnStatistics::new(&rw)
            .call(serde_json::from_value(input.clone()).unwrap())
            .await
            .unwrap_err();
        assert_eq!(err.field(), Some(field), "{input}: {err}");
    }
    let err = GetColumnStatistics::new(&ro)
        .call(
            serde_json::from_value(json!({"database": "d", "table": "t", "column_names": []}))
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("column_names"));
    let err = DeleteColumnStatistics::new(&rw)
        .call(
            serde_json::from_value(
                json!({"database": "d", "table": "t", "column_name": "x".repeat(256)}),
            )
            .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("column_name"));
    assert!(
        glue_requests(&sts).await.is_empty(),
        "no request reached Glue"
    );
}

#[tokio::test]
async fn tables_are_read_concurrently_within_the_bound() {
    // 4 databases x 10 tables, 100 ms per statistics request: sequentially 4 s; with 4
    // databases x 4 tables in flight at most 16 requests overlap.
    let sts = fake().await;
    let dbs: Vec<Value> = (0..4).map(|i| json!({"Name": format!("db{i}")})).collect();
    op("GetDatabases")
        .respond_with(ok(json!({"DatabaseList": dbs})))
        .mount(sts.server())
        .await;
    let tables: Vec<Value> = (0..10).map(|i| table(&format!("t{i}"), 4, false)).collect();
    op("GetTables")
        .respond_with(ok(json!({"TableList": tables})))
        .mount(sts.server())
        .await;
    // When each request arrived. Every answer takes at least 100 ms, so requests that
    // arrived within 95 ms of each other were in flight together: counting arrivals (not
    // releases timed by a thread, which lag under load) cannot overcount.
    let arrivals = Arc::new(Mutex::new(Vec::<std::time::Instant>::new()));
    let a = arrivals.clone();
    op("GetColumnStatisticsForTable")
        .respond_with(move |_: &Request| {
            a.lock().unwrap().push(std::time::Instant::now());
            ok(json!({"ColumnStatisticsList": [stats_for("c000")]}))
                .set_delay(Duration::from_millis(100))
        })
        .mount(sts.server())
        .await;
    let conn = connect(&sts, AccessLevel::ReadOnly).await;
    let scanner =
        ColumnStatisticsScanner::new(&conn, CatalogOptions::default().concurrency(4)).unwrap();
    let started = std::time::Instant::now();
    let (recs, skipped, errs) = collect(&scanner).await;
    let elapsed = started.elapsed();
    assert_eq!((recs.len(), skipped.len(), errs.len()), (40, 0, 0));
    let mut times = arrivals.lock().unwrap().clone();
    times.sort();
    let peak = (0..times.len())
        .map(|i| {
            times[i..]
                .iter()
                .take_while(|t| t.duration_since(times[i]) < Duration::from_millis(95))
                .count()
        })
        .max()
        .unwrap_or(0);
    eprintln!("column statistics of 40 tables at 100 ms/request: {elapsed:?}, peak overlap {peak}");
    // One bound for the whole scan: databases x tables do not multiply it.
    assert!(peak > 1 && peak <= 4, "peak {peak}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}
