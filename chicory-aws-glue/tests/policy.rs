//! Every Glue and Athena scanner's and operator's declared actions are granted by the policy
//! crate's Glue policy (with Athena and S3) of the level they need; the ReadOnly policy grants
//! no write an operator calls.

use chicory_aws_core::{AccessLevel, Action, Operator, Scanner};
use chicory_aws_glue::*;
use chicory_aws_policy::permissions::Integration;
use chicory_aws_testkit::assert_declared_actions_granted;

macro_rules! ops {
    ($($op:ident),* $(,)?) => { vec![$(($op::NAME, $op::ACTIONS)),*] };
}

#[test]
fn operators_declare_actions_their_level_grants() {
    let reads: Vec<(&str, &[Action])> = ops![
        GetDatabase,
        CheckVisibility,
        GetTable,
        SearchTables,
        GetAthenaQueryResults,
        GetColumnStatistics,
        GetDataQualityRuleset,
        ListDataQualityRulesets,
        GetDataQualityRecommendationRun,
        GetDataQualityEvaluationRun,
        ListDataQualityResults,
        TableLineage,
        TablePopularity,
    ];
    let writes: Vec<(&str, &[Action])> = ops![
        RunAthenaQuery,
        StopAthenaQuery,
        CreateWorkGroup,
        UpdateWorkGroup,
        DeleteWorkGroup,
        UpdateDataCatalog,
        UpdateColumnStatistics,
        DeleteColumnStatistics,
        CreateDataQualityRuleset,
        UpdateDataQualityRuleset,
        DeleteDataQualityRuleset,
        StartDataQualityRecommendationRun,
        StartDataQualityEvaluationRun,
    ];
    assert_declared_actions_granted(Integration::Glue, &reads, &writes);
}

#[tokio::test]
async fn scanners_declare_actions_the_read_only_policy_grants() {
    let sts = chicory_aws_testkit::FakeSts::start(
        chicory_aws_testkit::TestClock::new(),
        std::time::Duration::from_secs(900),
    )
    .await;
    let conn = sts.connection(AccessLevel::ReadOnly).build().await.unwrap();
    let o = CatalogOptions::default;
    let scanners: Vec<(&str, &[Action])> = vec![
        (
            "databases",
            DatabaseScanner::new(&conn, o()).unwrap().actions(),
        ),
        ("tables", TableScanner::new(&conn, o()).unwrap().actions()),
        (
            "every catalog, links followed",
            CatalogScanner::new(&conn, o().all_catalogs().follow_links(true), Some(4))
                .unwrap()
                .actions(),
        ),
        (
            "glue catalogs",
            GlueCatalogScanner::new(&conn).unwrap().actions(),
        ),
        (
            "partitions",
            PartitionScanner::new(&conn, o(), "db", "t", 4)
                .unwrap()
                .actions(),
        ),
        (
            "catalog partitions",
            CatalogPartitionScanner::new(&conn, o(), 4)
                .unwrap()
                .actions(),
        ),
        (
            "versions",
            TableVersionScanner::new(&conn, o(), "db", "t")
                .unwrap()
                .actions(),
        ),
        ("udfs", UdfScanner::new(&conn, o()).unwrap().actions()),
        (
            "column statistics",
            ColumnStatisticsScanner::new(&conn, o()).unwrap().actions(),
        ),
        (
            "data quality rulesets",
            DataQualityRulesetScanner::new(&conn, None)
                .unwrap()
                .actions(),
        ),
        ("catalogs", DataCatalogScanner::new(&conn).actions()),
        ("workgroups", WorkGroupScanner::new(&conn).actions()),
        (
            "query history",
            QueryExecutionScanner::new(&conn, None).actions(),
        ),
        (
            "query results",
            QueryResultScanner::new(&conn, "q-1").unwrap().actions(),
        ),
        (
            "athena databases",
            AthenaDatabaseScanner::new(&conn, None, 4)
                .unwrap()
                .actions(),
        ),
        (
            "athena tables",
            TableMetadataScanner::new(&conn, None, 4).unwrap().actions(),
        ),
        (
            "query activity",
            QueryActivityScanner::new(&conn, None).actions(),
        ),
        (
            "table popularity",
            TablePopularityScanner::new(&conn, None).actions(),
        ),
        ("lineage", LineageScanner::new(&conn, None).actions()),
        (
            "view lineage",
            ViewLineageScanner::new(&conn, o()).unwrap().actions(),
        ),
    ];
    assert_declared_actions_granted(Integration::Glue, &scanners, &[]);
}
