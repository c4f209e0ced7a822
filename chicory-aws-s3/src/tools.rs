//! The registry of this crate's operators as MCP tools.

use chicory_aws_core::{Connection, Tool};

use crate::*;

/// Every operator of this crate as a [`Tool`] on `conn` (JSON in and out, with JSON Schemas,
/// declared IAM actions and the access level they need), so an MCP server (chicory-aws-mcp or
/// a vendor's own) serves them all without listing them by hand. Each tool checks the
/// connection's access level before any request.
pub fn tools(conn: &Connection) -> Vec<Box<dyn Tool>> {
    vec![
        Box::new(ListBuckets::new(conn)),
        Box::new(ListObjects::new(conn)),
        Box::new(HeadObject::new(conn)),
        Box::new(GetObject::new(conn)),
        Box::new(GetObjectTagging::new(conn)),
        Box::new(GetBucketLocation::new(conn)),
        Box::new(GetBucketVersioning::new(conn)),
        Box::new(GetBucketTagging::new(conn)),
        Box::new(GetBucketPolicy::new(conn)),
        Box::new(PutObject::new(conn)),
        Box::new(DeleteObject::new(conn)),
        Box::new(DeleteObjectVersion::new(conn)),
        Box::new(PutObjectTagging::new(conn)),
        Box::new(CreateBucket::new(conn)),
        Box::new(DeleteBucket::new(conn)),
        Box::new(PutBucketTagging::new(conn)),
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
