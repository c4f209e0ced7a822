//! A fault-injecting HTTP proxy on loopback, to put in front of the emulator or a fake.
//!
//! Every request is forwarded unchanged (the Host header too, so SigV4 signatures stay valid)
//! unless a [`Rule`] for its operation draws a fault: HTTP 500 `InternalFailure`, HTTP 503
//! `SlowDown`, HTTP 400 `ThrottlingException`, or a connection reset (the connection is closed
//! without an answer). Operations are named as the SDKs send them: the JSON protocols'
//! `x-amz-target` suffix (`GetTables`), S3's REST requests by their shape (`ListObjectsV2`,
//! `ListBuckets`, `GetBucketTagging`, ...). Draws come from a seeded generator, so a run can
//! be repeated; the proxy counts requests and faults per operation.
//!
//! ```no_run
//! # async fn demo() {
//! use chicory_aws_testkit::faults::{Fault, FaultProxy, Rule};
//! let proxy = FaultProxy::start("http://127.0.0.1:5055", 7).await;
//! proxy.set_rules(vec![Rule::new("GetTables", Fault::Throttle, 1.0)]);
//! // point the connection's endpoint_url at proxy.url()
//! # }
//! ```

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

/// A fault the proxy answers with instead of forwarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// HTTP 500 `InternalFailure` (S3: `InternalError`).
    ServerError,
    /// HTTP 503 `SlowDown` (S3's throttling answer).
    SlowDown,
    /// HTTP 400 `ThrottlingException` (the JSON services' throttling answer).
    Throttle,
    /// The connection is closed without an answer.
    Reset,
    /// HTTP 403 `AccessDeniedException` (S3: `AccessDenied`): the part is not granted.
    Deny,
    /// The request is forwarded, and the answer's next-page token is replaced by the token
    /// the request carried (a server repeating its continuation token). Applies only to
    /// requests that carry a token.
    RepeatToken,
}

/// Faults for one operation (`*` for every operation): one of `faults` at `rate` (0.0-1.0).
#[derive(Debug, Clone)]
pub struct Rule {
    operation: String,
    faults: Vec<Fault>,
    rate: f64,
    /// Only the first N matching requests are faulted (then the rule is spent).
    first: Option<u64>,
    /// Matching requests skipped before the rule starts faulting.
    after: u64,
}

impl Rule {
    /// `fault` on `operation` at `rate`.
    pub fn new(operation: &str, fault: Fault, rate: f64) -> Self {
        Rule::mixed(operation, &[fault], rate)
    }

    /// One of `faults`, drawn evenly, on `operation` at `rate`.
    pub fn mixed(operation: &str, faults: &[Fault], rate: f64) -> Self {
        Rule {
            operation: operation.to_owned(),
            faults: faults.to_vec(),
            rate,
            first: None,
            after: 0,
        }
    }

    /// `fault` on the first `n` requests of `operation`, then none.
    pub fn first(operation: &str, fault: Fault, n: u64) -> Self {
        Rule {
            first: Some(n),
            ..Rule::new(operation, fault, 1.0)
        }
    }

    /// Starts faulting only after `n` matching requests went through.
    pub fn after(mut self, n: u64) -> Self {
        self.after = n;
        self
    }
}

/// Requests and faults per operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Requests seen, per operation.
    pub requests: BTreeMap<String, u64>,
    /// Faults injected, per operation and fault.
    pub faults: BTreeMap<(String, Fault), u64>,
    /// Requests per IAM action they need ([`iam_action_of`]: `glue:GetTables`,
    /// `s3:GetObject` for a HeadObject, ...); STS and IAM (query protocol) requests are not
    /// counted here.
    pub actions: BTreeMap<String, u64>,
}

impl Counts {
    /// Requests over every operation.
    pub fn total_requests(&self) -> u64 {
        self.requests.values().sum()
    }

    /// Faults over every operation.
    pub fn total_faults(&self) -> u64 {
        self.faults.values().sum()
    }

    /// Faults of `kind` over every operation.
    pub fn faults_of(&self, kind: Fault) -> u64 {
        self.faults
            .iter()
            .filter(|((_, f), _)| *f == kind)
            .map(|(_, n)| n)
            .sum()
    }
}

struct State {
    rules: Vec<Rule>,
    /// Per rule: matching requests seen so far.
    seen: Vec<u64>,

    rng: fastrand::Rng,
    counts: Counts,
}

/// The running proxy; it stops when dropped.
pub struct FaultProxy {
    url: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FaultProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultProxy")
            .field("url", &self.url)
            .finish()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Body = Full<Bytes>;

impl FaultProxy {
    /// Starts a proxy on 127.0.0.1 forwarding to `upstream` (e.g. the emulator's endpoint),
    /// drawing faults from a generator seeded with `seed`. No rules: everything is forwarded.
    pub async fn start(upstream: &str, seed: u64) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let state = Arc::new(Mutex::new(State {
            rules: Vec::new(),
            seen: Vec::new(),
            rng: fastrand::Rng::with_seed(seed),
            counts: Counts::default(),
        }));
        let upstream: Arc<str> = Arc::from(upstream.trim_end_matches('/'));
        let client: Client<_, Body> = Client::builder(TokioExecutor::new()).build_http::<Body>();
        let st = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let (st, upstream, client) = (st.clone(), upstream.clone(), client.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                        let (st, upstream, client) = (st.clone(), upstream.clone(), client.clone());
                        async move { handle(req, &st, &upstream, &client).await }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tcp), service)
                        .await;
                });
            }
        });
        FaultProxy { url, state, task }
    }

    /// The proxy's URL, for `endpoint_url`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Replaces the rules (the first rule naming an operation, or `*`, applies).
    pub fn set_rules(&self, rules: Vec<Rule>) {
        let mut st = self.state.lock().expect("not poisoned");
        st.seen = vec![0; rules.len()];
        st.rules = rules;
    }

    /// The counts so far.
    pub fn counts(&self) -> Counts {
        self.state.lock().expect("not poisoned").counts.clone()
    }

    /// Clears the counts.
    pub fn reset_counts(&self) {
        self.state.lock().expect("not poisoned").counts = Counts::default();
    }
}

/// A REST request's query keys (`uploads`, `versionId`, ...) and its path depth (0 for `/`,
/// 1 for a bucket, more for an object).
fn query_keys_and_depth<'a>(path: &str, query: &'a str) -> (Vec<&'a str>, usize) {
    let keys = query
        .split('&')
        .map(|p| p.split('=').next().unwrap_or(p))
        .collect();
    let depth = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .count();
    (keys, depth)
}

/// The operation of a request, as the SDKs name it.
pub fn operation_of(method: &str, path: &str, query: &str, target: Option<&str>) -> String {
    if let Some(t) = target {
        return t.rsplit('.').next().unwrap_or(t).to_owned();
    }
    if let Some(rest) = path.strip_prefix("/v2/") {
        return datazone_operation(method, rest);
    }
    let (q, segments) = query_keys_and_depth(path, query);
    let has = |k: &str| q.contains(&k);
    match (method, segments) {
        (_, _) if has("Action") => {
            // Query protocol (STS, IAM): Action=... in the query or body; not faulted by name.
            "QueryProtocol".to_owned()
        }
        ("GET", 0) => "ListBuckets".to_owned(),
        ("GET", 1) if has("list-type") => "ListObjectsV2".to_owned(),
        ("GET", 1) if has("versions") => "ListObjectVersions".to_owned(),
        ("GET", 1) if has("location") => "GetBucketLocation".to_owned(),
        ("GET", 1) if has("versioning") => "GetBucketVersioning".to_owned(),
        ("GET", 1) if has("tagging") => "GetBucketTagging".to_owned(),
        ("GET", 1) if has("policy") => "GetBucketPolicy".to_owned(),
        ("GET", 1) => "ListObjects".to_owned(),
        ("HEAD", 1) => "HeadBucket".to_owned(),
        ("GET", _) if has("tagging") => "GetObjectTagging".to_owned(),
        ("HEAD", _) => "HeadObject".to_owned(),
        ("GET", _) => "GetObject".to_owned(),
        (m, _) => format!("{m} {path}"),
    }
}

/// The IAM action a request needs, `<service>:<action>`: the JSON protocols' target
/// (`AWSGlue.GetTables` is `glue:GetTables`, `AmazonAthena.*` `athena:*`), DataZone's REST
/// requests (`/v2/...`) by method and path, S3's path-style REST requests by method, path depth
/// and query (a HeadObject needs `s3:GetObject`, a ListObjectsV2 `s3:ListBucket`, a multipart
/// part `s3:PutObject`, a DeleteObject with a `versionId` `s3:DeleteObjectVersion`, ...). A
/// request it cannot name comes back as `<service>:<METHOD> <path>`, so a test shows it.
pub fn iam_action_of(method: &str, path: &str, query: &str, target: Option<&str>) -> String {
    if let Some(t) = target {
        let (service, op) = t.rsplit_once('.').unwrap_or(("", t));
        let prefix = match service {
            "AWSGlue" => "glue".to_owned(),
            "AmazonAthena" => "athena".to_owned(),
            other => other.to_lowercase(),
        };
        return format!("{prefix}:{op}");
    }
    if let Some(rest) = path.strip_prefix("/v2/") {
        return format!("datazone:{}", datazone_operation(method, rest));
    }
    let (q, segments) = query_keys_and_depth(path, query);
    let has = |k: &str| q.contains(&k);
    let action = match (method, segments) {
        ("GET", 0) => "ListAllMyBuckets",
        // The bucket.
        ("GET", 1) if has("versions") => "ListBucketVersions",
        ("GET", 1) if has("location") => "GetBucketLocation",
        ("GET", 1) if has("versioning") => "GetBucketVersioning",
        ("GET", 1) if has("tagging") => "GetBucketTagging",
        ("GET", 1) if has("policy") => "GetBucketPolicy",
        ("GET" | "HEAD", 1) => "ListBucket",
        ("PUT" | "DELETE", 1) if has("tagging") => "PutBucketTagging",
        ("PUT", 1) => "CreateBucket",
        ("DELETE", 1) => "DeleteBucket",
        // An object.
        ("GET", _) if has("tagging") && has("versionId") => "GetObjectVersionTagging",
        ("GET", _) if has("tagging") => "GetObjectTagging",
        ("GET" | "HEAD", _) if has("versionId") => "GetObjectVersion",
        ("GET" | "HEAD", _) => "GetObject",
        ("PUT", _) if has("tagging") && has("versionId") => "PutObjectVersionTagging",
        ("PUT", _) if has("tagging") => "PutObjectTagging",
        ("PUT" | "POST", _) => "PutObject", // also CreateMultipartUpload, UploadPart, Complete
        ("DELETE", _) if has("uploadId") => "AbortMultipartUpload",
        ("DELETE", _) if has("versionId") => "DeleteObjectVersion",
        ("DELETE", _) => "DeleteObject",
        (m, _) => return format!("s3:{m} {path}"),
    };
    format!("s3:{action}")
}

/// The continuation tokens or markers a request carries, each with the name its answer gives
/// the next one: S3's query parameters, DataZone's `nextToken` query parameter, or the JSON
/// body's `NextToken` / `nextToken`.
fn request_token(query: &str, body: &[u8]) -> Option<Vec<(&'static str, String)>> {
    const S3: [(&str, &str); 5] = [
        ("continuation-token", "NextContinuationToken"),
        ("key-marker", "NextKeyMarker"),
        ("version-id-marker", "NextVersionIdMarker"),
        ("marker", "NextMarker"),
        ("nextToken", "nextToken"),
    ];
    let mut out = Vec::new();
    for pair in query.split('&') {
        if let Some((k, v)) = pair.split_once('=') {
            if let Some((_, answer)) = S3.iter().find(|(q, _)| *q == k) {
                out.push((*answer, percent_decode(v)));
            }
        }
    }
    if out.is_empty() {
        let json: serde_json::Value = serde_json::from_slice(body).ok()?;
        for k in ["NextToken", "nextToken"] {
            if let Some(v) = json.get(k).and_then(|v| v.as_str()) {
                out.push((k, v.to_owned()));
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

fn percent_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&v[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The answer with its next-page tokens replaced by the ones the request sent (JSON
/// `NextToken` / `nextToken`, or S3's `NextContinuationToken`, `NextKeyMarker`, ...).
fn repeat_token(body: &[u8], sent: &[(&'static str, String)]) -> Vec<u8> {
    if let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(body) {
        // Set even on the last page, which has none: the server "repeats" the token there too.
        if let Some(obj) = json.as_object_mut() {
            for (k, v) in sent {
                obj.insert((*k).to_owned(), serde_json::Value::String(v.clone()));
            }
        }
        return serde_json::to_vec(&json).expect("a JSON value serializes");
    }
    let mut text = String::from_utf8_lossy(body).into_owned();
    // ListBuckets answers its next token as `ContinuationToken`.
    let list_buckets = text.contains("<ListAllMyBucketsResult");
    for (tag, v) in sent {
        let tag = if list_buckets && *tag == "NextContinuationToken" {
            "ContinuationToken"
        } else {
            tag
        };
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        let escaped = v.replace('&', "&amp;").replace('<', "&lt;");
        if let (Some(a), Some(b)) = (text.find(&open), text.find(&close)) {
            text.replace_range(a + open.len()..b, &escaped);
        } else if let Some(end) = text.rfind("</") {
            // The last page: add the token before the root's closing tag, and say it is
            // truncated.
            text.insert_str(end, &format!("{open}{escaped}{close}"));
        }
    }
    text.replace(
        "<IsTruncated>false</IsTruncated>",
        "<IsTruncated>true</IsTruncated>",
    )
    .into_bytes()
}

/// DataZone's REST operations by method and path (`/v2/domains/{id}/...`).
fn datazone_operation(method: &str, rest: &str) -> String {
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let op = match (method, segs.as_slice()) {
        ("GET", ["domains"]) => "ListDomains",
        ("GET", ["domains", _]) => "GetDomain",
        ("GET", ["domains", _, "projects"]) => "ListProjects",
        ("GET", ["domains", _, "projects", _]) => "GetProject",
        ("GET", ["domains", _, "environments"]) => "ListEnvironments",
        ("GET", ["domains", _, "environment-profiles"]) => "ListEnvironmentProfiles",
        ("GET", ["domains", _, "data-sources"]) => "ListDataSources",
        ("GET", ["domains", _, "data-sources", _]) => "GetDataSource",
        ("POST", ["domains", _, "search"]) => "Search",
        ("POST", ["domains", _, "types-search"]) => "SearchTypes",
        ("POST", ["domains", _, "listings", "search"]) => "SearchListings",
        ("GET", ["domains", _, "listings", _]) => "GetListing",
        ("GET", ["domains", _, "assets", _]) => "GetAsset",
        ("GET", ["domains", _, "assets", _, "revisions"]) => "ListAssetRevisions",
        ("POST", ["domains", _, "assets"]) => "CreateAsset",
        ("POST", ["domains", _, "assets", _, "revisions"]) => "CreateAssetRevision",
        ("GET", ["domains", _, "glossaries", _]) => "GetGlossary",
        ("GET", ["domains", _, "glossary-terms", _]) => "GetGlossaryTerm",
        ("DELETE", ["domains", _, "assets", _]) => "DeleteAsset",
        ("POST", ["domains", _, "listings", "change-set"]) => "CreateListingChangeSet",
        ("POST", ["domains", _, "data-sources"]) => "CreateDataSource",
        ("PATCH", ["domains", _, "data-sources", _]) => "UpdateDataSource",
        ("DELETE", ["domains", _, "data-sources", _]) => "DeleteDataSource",
        ("GET", ["domains", _, "lineage", "nodes", _]) => "GetLineageNode",
        ("GET", ["domains", _, "lineage", "nodes", _, "history"]) => "ListLineageNodeHistory",
        ("GET", ["domains", _, "subscriptions"]) => "ListSubscriptions",
        ("GET", ["domains", _, "subscription-grants"]) => "ListSubscriptionGrants",
        _ => return format!("{method} /v2/{rest}"),
    };
    op.to_owned()
}

fn fault_response(fault: Fault, s3: bool) -> Response<Body> {
    let (status, code) = match fault {
        Fault::ServerError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            if s3 {
                "InternalError"
            } else {
                "InternalFailure"
            },
        ),
        Fault::SlowDown => (StatusCode::SERVICE_UNAVAILABLE, "SlowDown"),
        Fault::Throttle => (StatusCode::BAD_REQUEST, "ThrottlingException"),
        Fault::Deny => (
            StatusCode::FORBIDDEN,
            if s3 {
                "AccessDenied"
            } else {
                "AccessDeniedException"
            },
        ),
        Fault::Reset | Fault::RepeatToken => unreachable!("handled by the caller"),
    };
    let (body, content_type) = if s3 {
        (
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
                 <Message>injected by the fault proxy</Message><RequestId>fault</RequestId></Error>"
            ),
            "application/xml",
        )
    } else {
        (
            format!("{{\"__type\":\"{code}\",\"message\":\"injected by the fault proxy\"}}"),
            "application/x-amz-json-1.1",
        )
    };
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("x-amzn-errortype", code)
        .header("x-amzn-requestid", "fault")
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response")
}

async fn handle(
    req: Request<Incoming>,
    st: &Mutex<State>,
    upstream: &str,
    client: &Client<hyper_util::client::legacy::connect::HttpConnector, Body>,
) -> Result<Response<Body>, std::io::Error> {
    let target = req
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let form = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let op = if form {
        // Query protocol (STS, IAM): never faulted by a `*` rule.
        "QueryProtocol".to_owned()
    } else {
        operation_of(
            req.method().as_str(),
            req.uri().path(),
            req.uri().query().unwrap_or(""),
            target.as_deref(),
        )
    };
    let action = iam_action_of(
        req.method().as_str(),
        req.uri().path(),
        req.uri().query().unwrap_or(""),
        target.as_deref(),
    );
    // S3 answers errors in XML; DataZone's REST-JSON requests (`/v2/...`), like the JSON
    // protocols, in JSON (the DataZone SDK cannot parse an XML error body).
    let s3 = target.is_none() && op != "QueryProtocol" && !req.uri().path().starts_with("/v2/");
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes();
    let sent_token = request_token(parts.uri.query().unwrap_or(""), &body);
    let fault = {
        let mut st = st.lock().expect("not poisoned");
        *st.counts.requests.entry(op.clone()).or_default() += 1;
        if op != "QueryProtocol" {
            *st.counts.actions.entry(action.clone()).or_default() += 1;
        }
        let found = st
            .rules
            .iter()
            .position(|r| r.operation == op || (r.operation == "*" && op != "QueryProtocol"));
        let drawn = found.and_then(|i| {
            st.seen[i] += 1;
            let n = st.seen[i];
            let r = st.rules[i].clone();
            if r.faults.contains(&Fault::RepeatToken) && sent_token.is_none() {
                st.seen[i] -= 1;
                return None;
            }
            let live = n > r.after && r.first.is_none_or(|f| n <= r.after + f);
            (live && st.rng.f64() < r.rate).then(|| r.faults[st.rng.usize(..r.faults.len())])
        });
        if let Some(f) = drawn {
            *st.counts.faults.entry((op.clone(), f)).or_default() += 1;
        }
        drawn
    };
    match fault {
        Some(Fault::Reset) => {
            // Read nothing more and answer nothing: hyper closes the connection.
            return Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected reset",
            ));
        }
        Some(Fault::RepeatToken) | None => {}
        Some(f) => return Ok(fault_response(f, s3)),
    }
    let mut parts = parts;
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    parts.uri = format!("{upstream}{path_and_query}")
        .parse()
        .map_err(std::io::Error::other)?;
    let forwarded = Request::from_parts(parts, Full::new(body));
    let resp = client
        .request(forwarded)
        .await
        .map_err(std::io::Error::other)?;
    let (parts, body) = resp.into_parts();
    let body = body
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes();
    let body = match (fault, &sent_token) {
        (Some(Fault::RepeatToken), Some(sent)) => Bytes::from(repeat_token(&body, sent)),
        _ => body,
    };
    let mut parts = parts;
    parts.headers.remove("content-length");
    Ok(Response::from_parts(parts, Full::new(body)))
}

#[cfg(test)]
mod tests {
    use super::operation_of;

    #[test]
    fn operations_are_named_as_the_sdks_name_them() {
        assert_eq!(
            operation_of("POST", "/", "", Some("AWSGlue.GetTables")),
            "GetTables"
        );
        assert_eq!(
            operation_of("GET", "/bucket", "list-type=2&prefix=a", None),
            "ListObjectsV2"
        );
        assert_eq!(
            operation_of("GET", "/", "x-id=ListBuckets", None),
            "ListBuckets"
        );
        assert_eq!(
            operation_of("GET", "/b", "tagging", None),
            "GetBucketTagging"
        );
        assert_eq!(
            operation_of("GET", "/b/k/x", "tagging", None),
            "GetObjectTagging"
        );
        assert_eq!(
            operation_of("GET", "/b", "versions", None),
            "ListObjectVersions"
        );
        assert_eq!(
            operation_of("GET", "/v2/domains/dzd_1/projects", "maxResults=2", None),
            "ListProjects"
        );
        assert_eq!(
            operation_of("POST", "/v2/domains/dzd_1/listings/search", "", None),
            "SearchListings"
        );
        // The governance paths (issue 13): the lineage node and its history differ only by the
        // trailing `history`, and a source identifier used as the node id is one path segment
        // (percent-encoded by the SDK).
        for (path, op) in [
            ("/v2/domains/dzd_1/lineage/nodes/ast0", "GetLineageNode"),
            (
                "/v2/domains/dzd_1/lineage/nodes/arn%3Aaws%3Aglue%3Aus-east-1%3A1%3Atable%2Fs%2Ft",
                "GetLineageNode",
            ),
            (
                "/v2/domains/dzd_1/lineage/nodes/ast0/history",
                "ListLineageNodeHistory",
            ),
            ("/v2/domains/dzd_1/subscriptions", "ListSubscriptions"),
            (
                "/v2/domains/dzd_1/subscription-grants",
                "ListSubscriptionGrants",
            ),
        ] {
            assert_eq!(
                operation_of("GET", path, "maxResults=1", None),
                op,
                "{path}"
            );
            assert_eq!(
                super::iam_action_of("GET", path, "", None),
                format!("datazone:{op}"),
                "{path}"
            );
        }
    }
}
