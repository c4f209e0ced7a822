//! The ReadOnly guard at the HTTP layer: on a ReadOnly connection, every request of every SDK
//! client built from the connection (the library's and the caller's own, from
//! [`Connection::unchecked_sdk_config`](crate::Connection::unchecked_sdk_config)) is classified
//! before it is sent, and one that would change something is refused with
//! [`ErrorKind::WriteNotPermitted`](crate::ErrorKind::WriteNotPermitted) without leaving the
//! process.
//!
//! The operation is read from the request as AWS protocols carry it: the `X-Amz-Target` header
//! (JSON protocols: Glue, Athena, ...), the `Action` of a form body (query protocols: STS,
//! IAM), else the HTTP method and path (REST protocols: S3, DataZone). A named operation is a
//! read when the library's action catalogue lists it at the List or Read level, or, for one the
//! catalogue does not know, when its name starts with `Get`, `List`, `Describe`, `Search`,
//! `BatchGet` or `Head`. A REST request is a read when its method is GET or HEAD, or it is a
//! POST to one of DataZone's search resources (`Search`, `SearchListings`, `SearchTypes`,
//! `SearchUserProfiles`, `SearchGroupProfiles`). Anything else is a write: unknown means
//! refused (S3's `SelectObjectContent`, a POST, is refused though it only reads).

use crate::error::{Error, ErrorKind};
use crate::ActionLevel;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;

/// Why a request is refused, when it is: the operation, as far as the request names it.
pub(crate) fn refusal(request: &HttpRequest) -> Option<Error> {
    let op = match operation(request) {
        Operation::Named(service, name) => {
            if is_read_name(&service, &name) {
                return None;
            }
            format!("{service}:{name}")
        }
        Operation::Rest(method, path) => {
            if matches!(method.as_str(), "GET" | "HEAD")
                || (method == "POST" && is_search_path(&path))
            {
                return None;
            }
            format!("{method} {path}")
        }
    };
    Some(Error::new(
        ErrorKind::WriteNotPermitted,
        format!(
            "{op} would change the customer's account, and this connection is ReadOnly; it was \
             refused before it was sent (the ReadOnly guard covers every client built from the \
             connection)"
        ),
    ))
}

enum Operation {
    /// Service prefix (lower case, e.g. `glue`) and operation name.
    Named(String, String),
    /// Method and path.
    Rest(String, String),
}

fn operation(request: &HttpRequest) -> Operation {
    if let Some(target) = request.headers().get("x-amz-target") {
        // `AWSGlue.GetTables`, `AmazonAthena.StartQueryExecution`.
        let (prefix, name) = target.split_once('.').unwrap_or(("", target));
        return Operation::Named(service_of_target(prefix), name.to_owned());
    }
    let form = request
        .headers()
        .get("content-type")
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if form {
        if let Some(action) = request.body().bytes().and_then(form_action) {
            let host = request.uri().split("://").nth(1).unwrap_or_default();
            let service = host.split('.').next().unwrap_or_default().to_owned();
            return Operation::Named(service, action);
        }
    }
    let path = request
        .uri()
        .split_once("://")
        .map(|(_, rest)| rest.find('/').map(|i| &rest[i..]).unwrap_or("/"))
        .unwrap_or(request.uri());
    Operation::Rest(request.method().to_owned(), path.to_owned())
}

fn service_of_target(prefix: &str) -> String {
    match prefix {
        "AWSGlue" => "glue".into(),
        "AmazonAthena" => "athena".into(),
        other => other.to_ascii_lowercase(),
    }
}

/// The `Action` of a form-encoded body (`Action=GetCallerIdentity&Version=...`).
fn form_action(body: &[u8]) -> Option<String> {
    std::str::from_utf8(body)
        .ok()?
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .map(str::to_owned)
}

/// A read by the catalogue's level, or by AWS's naming convention for operations it lacks.
fn is_read_name(service: &str, name: &str) -> bool {
    match crate::actions::lookup(&format!("{service}:{name}")) {
        Some(a) => matches!(a.level, ActionLevel::List | ActionLevel::Read),
        None => ["Get", "List", "Describe", "Search", "BatchGet", "Head"]
            .iter()
            .any(|p| name.starts_with(p)),
    }
}

/// DataZone's read-only POSTs, by their request URIs in the API reference: `Search`
/// (`.../search`), `SearchListings` (`.../listings/search`), `SearchTypes` (`.../types-search`),
/// `SearchUserProfiles` (`.../search-user-profiles`), `SearchGroupProfiles`
/// (`.../search-group-profiles`).
fn is_search_path(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path).trim_end_matches('/');
    [
        "/search",
        "/types-search",
        "/search-user-profiles",
        "/search-group-profiles",
    ]
    .iter()
    .any(|end| path.ends_with(end))
}
