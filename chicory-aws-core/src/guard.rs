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
        // `AWSGlue.GetTables`, `AmazonAthena.StartQueryExecution`,
        // `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents`: the operation
        // is after the last dot.
        let (prefix, name) = target.rsplit_once('.').unwrap_or(("", target));
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
    let last = prefix.rsplit('.').next().unwrap_or(prefix);
    match last {
        "AWSGlue" => "glue".into(),
        "AmazonAthena" => "athena".into(),
        p if p.starts_with("CloudTrail_") => "cloudtrail".into(),
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

/// DataZone's read-only POSTs, by their request URIs in the API reference, whole and with no
/// query: `Search` (`/v2/domains/{id}/search`), `SearchListings` (`.../listings/search`),
/// `SearchTypes` (`.../types-search`), `SearchUserProfiles` (`.../search-user-profiles`),
/// `SearchGroupProfiles` (`.../search-group-profiles`). Nothing else matches: an S3 POST to a
/// bucket or key named `search` (`DeleteObjects` is `POST /search?delete`) stays a write.
fn is_search_path(path: &str) -> bool {
    if path.contains('?') {
        return false;
    }
    let Some(rest) = path.strip_prefix("/v2/domains/") else {
        return false;
    };
    let Some((domain, resource)) = rest.split_once('/') else {
        return false;
    };
    !domain.is_empty()
        && [
            "search",
            "listings/search",
            "types-search",
            "search-user-profiles",
            "search-group-profiles",
        ]
        .contains(&resource)
}

#[cfg(test)]
mod tests {
    use super::refusal;
    use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
    use aws_smithy_types::body::SdkBody;

    fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> HttpRequest {
        let mut r = HttpRequest::new(SdkBody::from(body.to_owned()));
        r.set_method(method).unwrap();
        r.set_uri(uri.to_owned()).unwrap();
        for (k, v) in headers {
            r.headers_mut().insert(k.to_string(), v.to_string());
        }
        r
    }

    fn target(t: &str) -> HttpRequest {
        request("POST", "https://x.example/", &[("x-amz-target", t)], "{}")
    }

    #[test]
    fn reads_go_through_and_writes_are_refused() {
        let reads = [
            target("AWSGlue.GetTables"),
            target("AmazonAthena.GetQueryResults"),
            target("AWSGlue.BatchGetPartition"),
            // CloudTrail's target has dots before the operation.
            target("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"),
            target("CloudTrail_20131101.LookupEvents"),
            request("GET", "https://s3.example/bucket/key", &[], ""),
            request("HEAD", "https://s3.example/bucket/key", &[], ""),
            request(
                "POST",
                "https://dz.example/v2/domains/dzd_1/search",
                &[],
                "{}",
            ),
            request(
                "POST",
                "https://dz.example/v2/domains/dzd_1/listings/search",
                &[],
                "{}",
            ),
            request(
                "POST",
                "https://sts.example/",
                &[(
                    "content-type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                )],
                "Action=GetCallerIdentity&Version=2011-06-15",
            ),
        ];
        for r in &reads {
            assert!(refusal(r).is_none(), "{} {} refused", r.method(), r.uri());
        }
        let writes = [
            target("AWSGlue.CreateDatabase"),
            target("AmazonAthena.StartQueryExecution"),
            target("SomeService.DoSomething"),
            request("PUT", "https://s3.example/bucket/key", &[], "x"),
            request("DELETE", "https://s3.example/bucket/key", &[], ""),
            // DeleteObjects on a bucket named `search`, path-style, and keys ending in search.
            request("POST", "https://s3.example/search?delete", &[], "<Delete/>"),
            request("POST", "https://s3.example/a/search?uploads", &[], ""),
            request("POST", "https://s3.example/a/search?restore", &[], ""),
            request(
                "POST",
                "https://dz.example/v2/domains/dzd_1/assets",
                &[],
                "{}",
            ),
            request(
                "POST",
                "https://sts.example/",
                &[("content-type", "application/x-www-form-urlencoded")],
                "Action=AssumeRole&RoleArn=x",
            ),
        ];
        for w in &writes {
            assert!(refusal(w).is_some(), "{} {} sent", w.method(), w.uri());
        }
    }
}
