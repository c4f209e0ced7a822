//! The registry of this crate's operators as MCP tools.

use chicory_aws_core::{Connection, Tool};

use crate::*;

/// Every operator of this crate as a [`Tool`] on `conn` (JSON in and out, with JSON Schemas,
/// declared IAM actions and the access level they need), so an MCP server (chicory-aws-mcp or
/// a vendor's own) serves them all without listing them by hand. Each tool checks the
/// connection's access level before any request.
pub fn tools(conn: &Connection) -> Vec<Box<dyn Tool>> {
    vec![
        Box::new(SearchCatalog::new(conn)),
        Box::new(SearchListings::new(conn)),
        Box::new(GetAsset::new(conn)),
        Box::new(GetListing::new(conn)),
        Box::new(GetGlossary::new(conn)),
        Box::new(GetGlossaryTerm::new(conn)),
        Box::new(ListAssetRevisions::new(conn)),
        Box::new(GetLineageNode::new(conn)),
        Box::new(ListLineageNodeHistory::new(conn)),
        Box::new(ListSubscriptions::new(conn)),
        Box::new(ListSubscriptionGrants::new(conn)),
        Box::new(CreateAsset::new(conn)),
        Box::new(CreateAssetRevision::new(conn)),
        Box::new(UpdateAsset::new(conn)),
        Box::new(DeleteAsset::new(conn)),
        Box::new(PublishListing::new(conn)),
        Box::new(UnpublishListing::new(conn)),
        Box::new(CreateDataSource::new(conn)),
        Box::new(UpdateDataSource::new(conn)),
        Box::new(DeleteDataSource::new(conn)),
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
