//! Checks that a service crate's tool registry holds every operator the crate declares.

use chicory_aws_core::{Connection, ConnectionParams, Tool};
use std::collections::BTreeSet;
use std::path::Path;

/// The names of every `Operator` implementation in `manifest_dir/src` and its subfolders
/// (each declares exactly one `const NAME`), read from the files.
fn declared_operator_names(manifest_dir: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut folders = vec![Path::new(manifest_dir).join("src")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("src is readable") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
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
    }
    names
}

/// Asserts that `tools` (a crate's registry) holds each operator declared in the sources of
/// the crate at `manifest_dir` once, and nothing else, so a new operator left out of the
/// registry fails its crate's tests. Makes no request.
pub async fn assert_registry_complete(
    manifest_dir: &str,
    tools: fn(&Connection) -> Vec<Box<dyn Tool>>,
) {
    let params = ConnectionParams::assume_role(
        "arn:aws:iam::123456789012:role/ChicoryRegistryTest",
        "chicory-registry-test-0001",
    )
    .expect("valid params");
    // `build` makes no network call; the tools are only listed.
    let conn = Connection::builder(params)
        .build()
        .await
        .expect("connection builds");
    let tools = tools(&conn);
    let registered: BTreeSet<String> = tools.iter().map(|t| t.name().to_owned()).collect();
    assert_eq!(
        registered.len(),
        tools.len(),
        "a tool name is registered twice"
    );
    let declared = declared_operator_names(manifest_dir);
    assert!(!declared.is_empty(), "no operator found in the sources");
    assert_eq!(
        registered, declared,
        "the registry and the operators of this crate differ"
    );
}
