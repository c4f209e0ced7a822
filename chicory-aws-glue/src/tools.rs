//! The registry of this crate's operators as MCP tools.

use chicory_aws_core::{Connection, Tool};

use crate::*;

/// Every operator of this crate as a [`Tool`] on `conn` (JSON in and out, with JSON Schemas,
/// declared IAM actions and the access level they need), so an MCP server (chicory-aws-mcp or
/// a vendor's own) serves them all without listing them by hand. Each tool checks the
/// connection's access level before any request.
pub fn tools(conn: &Connection) -> Vec<Box<dyn Tool>> {
    vec![
        Box::new(GetDatabase::new(conn)),
        Box::new(GetTable::new(conn)),
        Box::new(SearchTables::new(conn)),
        Box::new(CheckVisibility::new(conn)),
        Box::new(CreateDataQualityRuleset::new(conn)),
        Box::new(GetDataQualityRuleset::new(conn)),
        Box::new(UpdateDataQualityRuleset::new(conn)),
        Box::new(DeleteDataQualityRuleset::new(conn)),
        Box::new(ListDataQualityRulesets::new(conn)),
        Box::new(StartDataQualityRecommendationRun::new(conn)),
        Box::new(StartDataQualityEvaluationRun::new(conn)),
        Box::new(GetDataQualityRecommendationRun::new(conn)),
        Box::new(GetDataQualityEvaluationRun::new(conn)),
        Box::new(ListDataQualityResults::new(conn)),
        Box::new(CreateWorkGroup::new(conn)),
        Box::new(DeleteWorkGroup::new(conn)),
        Box::new(GetColumnStatistics::new(conn)),
        Box::new(UpdateColumnStatistics::new(conn)),
        Box::new(DeleteColumnStatistics::new(conn)),
        Box::new(GetAthenaQueryResults::new(conn)),
        Box::new(StopAthenaQuery::new(conn)),
        Box::new(RunAthenaQuery::new(conn)),
        Box::new(UpdateWorkGroup::new(conn)),
        Box::new(UpdateDataCatalog::new(conn)),
        Box::new(TableLineage::new(conn)),
        Box::new(TablePopularity::new(conn)),
        Box::new(WhoQueried::new(conn)),
    ]
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn every_operator_is_in_the_registry() {
        chicory_aws_testkit::assert_registry_complete(env!("CARGO_MANIFEST_DIR"), super::tools)
            .await;
    }
}
