//! Every Glue and Athena scanner runs the testkit's conformance suite, through the fault proxy
//! in front of the testkit's Glue/Athena fake (every listing spans several pages).

use chicory_aws_core::{AccessLevel, ConnectionBuilder};
use chicory_aws_glue::{
    AthenaDatabaseScanner, CatalogOptions, CatalogPartitionScanner, CatalogScanner,
    ColumnStatisticsScanner, DataCatalogScanner, DataQualityRulesetScanner, DatabaseScanner,
    PartitionScanner, QueryExecutionScanner, QueryResultScanner, TableMetadataScanner,
    TableScanner, TableVersionScanner, UdfScanner, WorkGroupScanner,
};
use chicory_aws_testkit::conformance::check_scanner;
use chicory_aws_testkit::{glue, FakeSts, TestClock};
use std::time::Duration;

struct Fakes {
    sts: FakeSts,
    glue: wiremock::MockServer,
}

async fn fakes() -> Fakes {
    Fakes {
        sts: FakeSts::start(TestClock::new(), Duration::from_secs(900)).await,
        glue: glue::serve().await,
    }
}

impl Fakes {
    /// Glue and Athena go to `url` (the proxy); STS to its fake.
    fn builder(&self, url: String) -> ConnectionBuilder {
        self.sts
            .connection(AccessLevel::ReadOnly)
            .service_endpoint_url("glue", url.clone())
            .service_endpoint_url("athena", url)
    }
}

macro_rules! conformance {
    ($name:ident, $listing:literal, |$conn:ident| $make:expr) => {
        #[tokio::test]
        async fn $name() {
            let f = fakes().await;
            check_scanner(&f.glue.uri(), |url| f.builder(url), |$conn| $make, $listing).await;
        }
    };
}

conformance!(databases, "GetDatabases", |c| DatabaseScanner::new(
    c,
    CatalogOptions::default()
)
.unwrap());
conformance!(tables, "GetTables", |c| TableScanner::new(
    c,
    CatalogOptions::default().concurrency(2)
)
.unwrap());
conformance!(partitions_of_a_table, "GetPartitions", |c| {
    PartitionScanner::new(c, CatalogOptions::default(), "db0", "t0", 1).unwrap()
});
conformance!(partitions_of_the_catalog, "GetPartitions", |c| {
    CatalogPartitionScanner::new(c, CatalogOptions::default().concurrency(2), 2).unwrap()
});
conformance!(the_catalog_in_one_pass, "GetTables", |c| {
    CatalogScanner::new(c, CatalogOptions::default().concurrency(2), Some(2)).unwrap()
});
conformance!(table_versions, "GetTableVersions", |c| {
    TableVersionScanner::new(c, CatalogOptions::default(), "db1", "t2").unwrap()
});
conformance!(udfs, "GetUserDefinedFunctions", |c| UdfScanner::new(
    c,
    CatalogOptions::default()
)
.unwrap());
conformance!(column_statistics, "GetTables", |c| {
    ColumnStatisticsScanner::new(c, CatalogOptions::default().concurrency(2))
        .unwrap()
        .with_partitions(true)
});
conformance!(data_quality_rulesets, "ListDataQualityRulesets", |c| {
    DataQualityRulesetScanner::new(c, None).unwrap()
});
conformance!(athena_workgroups, "ListWorkGroups", |c| {
    WorkGroupScanner::new(c)
});
conformance!(athena_data_catalogs, "ListDataCatalogs", |c| {
    DataCatalogScanner::new(c)
});
/// Three of the fake's 20 data catalogs: the listings under test are per catalog, and all 20
/// would multiply every fault phase's backoff by seven.
fn three_catalogs() -> Option<Vec<String>> {
    Some(vec![
        "AwsDataCatalog".into(),
        "lake01".into(),
        "lake02".into(),
    ])
}

conformance!(athena_databases, "ListDatabases", |c| {
    AthenaDatabaseScanner::new(c, three_catalogs(), 2).unwrap()
});
conformance!(athena_table_metadata, "ListTableMetadata", |c| {
    TableMetadataScanner::new(c, three_catalogs(), 2).unwrap()
});
conformance!(athena_query_history, "ListQueryExecutions", |c| {
    QueryExecutionScanner::new(c, None)
});
conformance!(athena_query_results, "GetQueryResults", |c| {
    QueryResultScanner::new(c, "q001").unwrap()
});
