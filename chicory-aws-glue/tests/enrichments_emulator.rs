//! Data quality and column statistics on the local moto server with IAM enforcement: moto
//! implements neither (they are tested on the Glue fake), but IAM is evaluated before moto
//! dispatches, so what the policy crate's roles allow or deny is checked here.
//!
//! Needs the emulator: `bash scripts/emulator.sh start`.

use chicory_aws_core::{AccessLevel, Connection, ErrorKind, Operator, ScanItem, Scanner};
use chicory_aws_glue::{
    CreateDataQualityRuleset, DataQualityRulesetScanner, UpdateColumnStatistics,
};
use chicory_aws_policy::permissions::{permission_policy, Integration, PolicyOptions};
use chicory_aws_testkit::{unique, Emulator};
use futures::StreamExt;
use serde_json::json;

/// A connection claiming `claimed` to a role holding the policy crate's Glue policy for `held`.
async fn connect(held: AccessLevel, claimed: AccessLevel) -> Connection {
    Emulator::get()
        .connect_to_role(Integration::Glue, held, claimed)
        .await
}

/// A connection claiming `claimed` to a role holding `policy`.
async fn connect_with(policy: &str, claimed: AccessLevel) -> Connection {
    Emulator::get().connect_with_policy(policy, claimed).await
}

#[tokio::test]
async fn under_the_read_only_role_data_quality_reads_pass_iam_and_writes_are_denied() {
    // The ReadOnly Glue policy grants the data-quality reads (its LibraryGlueDataQualityRead
    // statement): IAM lets ListDataQualityRulesets through, and moto, which does not implement
    // data quality, then answers 500. Under a role without that statement the same scan is
    // denied, recorded as a skipped part.
    let ro = connect(AccessLevel::ReadOnly, AccessLevel::ReadOnly).await;
    let items: Vec<_> = DataQualityRulesetScanner::new(&ro, None)
        .unwrap()
        .scan()
        .collect()
        .await;
    assert_eq!(items.len(), 1, "{items:?}");
    match items.into_iter().next().unwrap() {
        Err(e) => assert_eq!(e.kind(), ErrorKind::Service, "IAM must allow the read: {e}"),
        Ok(i) => panic!("moto has no data quality, expected its 500: {i:?}"),
    }
    let bare = connect_with(
        &permission_policy(
            Integration::Glue,
            AccessLevel::ReadOnly,
            &PolicyOptions::spec_only(),
        )
        .unwrap()
        .to_json_compact(),
        AccessLevel::ReadOnly,
    )
    .await;
    let items: Vec<_> = DataQualityRulesetScanner::new(&bare, None)
        .unwrap()
        .scan()
        .collect()
        .await;
    assert_eq!(items.len(), 1, "{items:?}");
    match items.into_iter().next().unwrap().unwrap() {
        ScanItem::Skipped(s) => assert_eq!(s.kind, ErrorKind::AccessDenied, "{s:?}"),
        ScanItem::Record(r) => panic!("{r:?}"),
    }

    // A connection claiming ReadWrite on the ReadOnly role: the server denies the writes.
    let lying = connect(AccessLevel::ReadOnly, AccessLevel::ReadWrite).await;
    let err = CreateDataQualityRuleset::new(&lying)
        .call(
            serde_json::from_value(
                json!({"name": unique("rs"), "ruleset": "Rules = [ RowCount > 0 ]"}),
            )
            .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    let err = UpdateColumnStatistics::new(&lying)
        .call(
            serde_json::from_value(
                json!({"database": "sales", "table": "orders", "statistics": [
                {"column_name": "id", "column_type": "bigint", "statistics":
                    {"type": "long", "minimum_value": 1, "maximum_value": 9,
                     "number_of_nulls": 0, "number_of_distinct_values": 9}}]}),
            )
            .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
}
