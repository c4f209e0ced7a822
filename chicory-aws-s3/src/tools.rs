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
    /// The names of every `Operator` implementation in this crate's sources (each declares
    /// exactly one `const NAME`), read from the files, so a new operator that is not added to
    /// [`tools`](super::tools) fails this test.
    fn declared_operator_names() -> std::collections::BTreeSet<String> {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut names = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(&src).expect("src is readable") {
            let path = entry.expect("dir entry").path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source is readable");
                let needle = "const NAME: &'static str = \"";
                let mut at = 0;
                while let Some(i) = text[at..].find(needle) {
                    let start = at + i + needle.len();
                    let end = start + text[start..].find('"').expect("closing quote");
                    names.insert(text[start..end].to_owned());
                    at = end;
                }
            }
        }
        names
    }

    #[tokio::test]
    async fn every_operator_is_in_the_registry() {
        let params = chicory_aws_core::ConnectionParams::assume_role(
            "arn:aws:iam::123456789012:role/ChicoryRegistryTest",
            "chicory-registry-test-0001",
        )
        .expect("valid params");
        // `build` makes no network call; the tools are only listed.
        let conn = chicory_aws_core::Connection::builder(params)
            .build()
            .await
            .expect("connection builds");
        let tools = super::tools(&conn);
        let registered: std::collections::BTreeSet<String> =
            tools.iter().map(|t| t.name().to_owned()).collect();
        assert_eq!(
            registered.len(),
            tools.len(),
            "a tool name is registered twice"
        );
        let declared = declared_operator_names();
        assert!(!declared.is_empty(), "no operator found in the sources");
        assert_eq!(
            registered, declared,
            "the registry and the operators of this crate differ"
        );
    }
}
