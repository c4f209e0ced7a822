//! A DataZone fake on loopback (wiremock) following the DataZone REST-JSON model as the
//! `aws-sdk-datazone` crate serializes it: `/v2/domains/...` paths, `maxResults`/`nextToken` in
//! the query string (GET lists) or the body (POST searches), camelCase members, date-time
//! timestamps where the model says so (projects, environments, profiles, data sources) and epoch
//! seconds elsewhere, and errors as `x-amzn-errortype` + `{"message"}`. Every request must be
//! SigV4-signed for the `datazone` service with an assumed role's session credentials (a
//! session key id with the prefix given to [`mount`], e.g. `ASIAFAKE` for [`FakeSts`](crate::FakeSts)
//! sessions, and a session token); unsigned requests match no mock and get a bare 404.
//!
//! It serves a fixed catalog of [`DOMAINS`] and answers unknown operations with
//! `UnknownOperationException`. Governance: every asset has a lineage node whose id is the
//! asset's id (`GetLineageNode` also finds it by its `sourceIdentifier`, the Glue table ARN),
//! with [`LINEAGE_VERSIONS`] versions in its history; each domain has [`SUBSCRIPTIONS`]
//! subscriptions and [`GRANTS`] subscription grants. Faults ([`Fault`]) inject throttling,
//! AccessDenied or anything else on any path. The DataZone crate's tests use it, and the `scan` example
//! serves its demo domains from it.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use wiremock::matchers::path_regex;
use wiremock::{Match, Mock, Request, Respond, ResponseTemplate};

pub use wiremock::MockServer;

/// The domains served.
pub const DOMAINS: [&str; 3] = ["dzd_sales01", "dzd-ops02", "dzd_fin03"];
/// Projects per domain.
pub const PROJECTS: usize = 3;
/// Environments and data sources per project.
pub const PER_PROJECT: usize = 3;
/// Environment profiles per domain.
pub const PROFILES: usize = 3;
/// Assets per domain.
pub const ASSETS: usize = 5;
/// Glossaries per domain.
pub const GLOSSARIES: usize = 3;
/// Glossary terms per domain.
pub const TERMS: usize = 5;
/// Custom form types per domain.
pub const FORM_TYPES: usize = 3;
/// Listings per domain.
pub const LISTINGS: usize = 3;
/// Revisions per asset.
pub const REVISIONS: usize = 3;
/// Versions in the history of each asset's lineage node.
pub const LINEAGE_VERSIONS: usize = 3;
/// Subscriptions per domain.
pub const SUBSCRIPTIONS: usize = 4;
/// Subscription grants per domain.
pub const GRANTS: usize = 4;
const DATE: &str = "2024-05-01T10:00:00Z";
const EPOCH: f64 = 1_714_557_600.0;

/// The id of project `i` of `domain`.
pub fn project_id(domain: &str, i: usize) -> String {
    format!("{}-p{i}", short(domain))
}

fn short(domain: &str) -> &str {
    &domain[4..]
}

/// A request signed with session credentials whose key id starts with the prefix.
struct Signed(&'static str);

impl Match for Signed {
    fn matches(&self, req: &Request) -> bool {
        signed(req, self.0)
    }
}

/// Whether `req` carries a SigV4 signature for DataZone by a session whose access key id
/// starts with `key_prefix`.
pub fn signed(req: &Request, key_prefix: &str) -> bool {
    crate::signed_by_session(req, "datazone", key_prefix)
}

/// An injected failure: `times` responses (None: all) of `status`/`code` to requests with this
/// method whose path (and query, if `query` is set) matches.
#[derive(Debug, Clone)]
pub struct Fault {
    /// HTTP method.
    pub method: &'static str,
    /// Exact request path.
    pub path: String,
    /// A query parameter the request must carry.
    pub query: Option<(String, String)>,
    /// HTTP status of the injected error.
    pub status: u16,
    /// Its `x-amzn-errortype`.
    pub code: &'static str,
    /// How many requests fail (None: all).
    pub times: Option<usize>,
}

/// The fake service's state.
#[derive(Default)]
pub struct DataZoneFake {
    faults: Mutex<Vec<Fault>>,
}

impl Fault {
    /// Every request of `method` to exactly `path` fails with `status` and `code`.
    pub fn always(method: &'static str, path: String, status: u16, code: &'static str) -> Self {
        Fault {
            method,
            path,
            query: None,
            status,
            code,
            times: None,
        }
    }
}

impl DataZoneFake {
    /// Injects a failure.
    pub fn fault(&self, f: Fault) {
        self.faults.lock().unwrap().push(f);
    }
}

#[derive(Clone)]
struct Shared(Arc<DataZoneFake>);

/// Mounts the DataZone fake on `server`, answering requests signed by sessions whose access
/// key id starts with `session_key_prefix`.
pub async fn mount(server: &MockServer, session_key_prefix: &'static str) -> Arc<DataZoneFake> {
    let fake = Arc::new(DataZoneFake::default());
    Mock::given(path_regex("^/v2/"))
        .and(Signed(session_key_prefix))
        .respond_with(Shared(fake.clone()))
        .mount(server)
        .await;
    fake
}

/// Starts a server on loopback serving only the fake (see [`mount`]).
pub async fn serve(session_key_prefix: &'static str) -> MockServer {
    let server = MockServer::start().await;
    mount(&server, session_key_prefix).await;
    server
}

/// A 200 JSON answer.
pub fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/json")
        .set_body_json(body)
}

/// A DataZone error answer: `x-amzn-errortype` and `{"message"}`.
pub fn error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/json")
        .insert_header("x-amzn-errortype", code)
        .set_body_json(json!({ "message": message }))
}

fn not_found(what: &str) -> ResponseTemplate {
    error(
        404,
        "ResourceNotFoundException",
        &format!("{what} does not exist"),
    )
}

/// One page of `items`: `maxResults` (1..=50, default 50) from the offset in `nextToken`.
fn page(items: Vec<Value>, max: Option<&Value>, token: Option<&Value>) -> Result<Value, String> {
    let max = match max {
        None | Some(Value::Null) => 50,
        Some(v) => {
            let n = v
                .as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                .ok_or("maxResults is not a number")?;
            if !(1..=50).contains(&n) {
                return Err(format!("maxResults {n} out of 1..=50"));
            }
            n as usize
        }
    };
    let start = match token.and_then(|t| t.as_str()) {
        None => 0,
        Some(t) => t
            .strip_prefix("off-")
            .and_then(|n| n.parse().ok())
            .ok_or(format!("bad nextToken {t}"))?,
    };
    let end = (start + max).min(items.len());
    let mut out = json!({ "items": items.get(start..end).unwrap_or_default() });
    if end < items.len() {
        out["nextToken"] = json!(format!("off-{end}"));
    }
    Ok(out)
}

fn domain(d: &str) -> Value {
    json!({
        "id": d, "name": format!("{} domain", short(d)), "description": "lake governance",
        "arn": format!("arn:aws:datazone:us-east-1:123456789012:domain/{d}"),
        "managedAccountId": "123456789012", "status": "AVAILABLE",
        "portalUrl": format!("https://{d}.datazone.us-east-1.on.aws"),
        "createdAt": EPOCH, "lastUpdatedAt": EPOCH
    })
}

fn project(d: &str, i: usize) -> Value {
    json!({
        "domainId": d, "id": project_id(d, i), "name": format!("project {i}"),
        "description": format!("team {i}"), "projectStatus": "ACTIVE",
        "createdBy": format!("user-{i}"), "createdAt": DATE, "updatedAt": DATE
    })
}

fn environment(d: &str, p: &str, i: usize) -> Value {
    json!({
        "domainId": d, "projectId": p, "id": format!("{p}-e{i}"), "name": format!("env {i}"),
        "environmentProfileId": format!("{}-ep0", short(d)), "awsAccountId": "123456789012",
        "awsAccountRegion": "us-east-1", "provider": "Amazon DataZone", "status": "ACTIVE",
        "createdBy": "admin", "createdAt": DATE, "updatedAt": DATE
    })
}

fn profile(d: &str, i: usize) -> Value {
    json!({
        "domainId": d, "id": format!("{}-ep{i}", short(d)), "name": format!("profile {i}"),
        "environmentBlueprintId": "blueprint-datalake", "awsAccountId": "123456789012",
        "awsAccountRegion": "us-east-1", "createdBy": "admin", "createdAt": DATE, "updatedAt": DATE
    })
}

fn data_source_id(p: &str, i: usize) -> String {
    format!("{p}-ds{i}")
}

fn data_source_summary(d: &str, p: &str, i: usize) -> Value {
    json!({
        "domainId": d, "dataSourceId": data_source_id(p, i), "name": format!("glue source {i}"),
        "type": "GLUE", "status": "READY", "environmentId": format!("{p}-e0"),
        "createdAt": DATE, "updatedAt": DATE
    })
}

fn data_source(d: &str, id: &str) -> Value {
    let p = id.rsplit_once("-ds").map(|(p, _)| p).unwrap_or("");
    json!({
        "domainId": d, "id": id, "projectId": p, "name": format!("glue source of {p}"),
        "description": "imports the sales database", "type": "GLUE", "status": "READY",
        "environmentId": format!("{p}-e0"), "enableSetting": "ENABLED", "publishOnImport": true,
        "schedule": {"schedule": "cron(0 3 * * ? *)", "timezone": "UTC"},
        "configuration": {"glueRunConfiguration": {
            "accountId": "123456789012", "region": "us-east-1",
            "dataAccessRole": "arn:aws:iam::123456789012:role/dz-access",
            "relationalFilterConfigurations": [{
                "databaseName": "sales",
                "filterExpressions": [{"type": "INCLUDE", "expression": "orders*"}]
            }]
        }},
        "lastRunStatus": "SUCCESS", "lastRunAt": DATE, "lastRunAssetCount": 12,
        "createdAt": DATE, "updatedAt": DATE
    })
}

fn asset_id(d: &str, i: usize) -> String {
    format!("{}-a{i}", short(d))
}

fn asset(d: &str, id: &str, revision: &str) -> Value {
    let listed = id.ends_with("-a0") || id.ends_with("-a1") || id.ends_with("-a2");
    let mut a = json!({
        "domainId": d, "id": id, "name": format!("table {id}"), "description": "orders table",
        "typeIdentifier": "amazon.datazone.GlueTableAssetType", "typeRevision": "5",
        "revision": revision, "externalIdentifier": format!("arn:aws:glue:us-east-1:123456789012:table/sales/{id}"),
        "owningProjectId": project_id(d, 0), "glossaryTerms": [format!("{}-t0", short(d))],
        "formsOutput": [{
            "formName": "GlueTableForm", "typeName": "amazon.datazone.GlueTableFormType",
            "typeRevision": "9", "content": "{\"tableName\":\"orders\"}"
        }],
        "readOnlyFormsOutput": [{"formName": "AssetCommonDetailsForm", "content": "{}"}],
        "createdBy": "user-0", "createdAt": EPOCH,
        "firstRevisionCreatedBy": "user-0", "firstRevisionCreatedAt": EPOCH
    });
    if listed {
        a["listing"] = json!({"listingId": format!("{id}-l"), "listingStatus": "ACTIVE"});
    }
    a
}

fn glossary(d: &str, id: &str) -> Value {
    json!({
        "domainId": d, "id": id, "name": format!("glossary {id}"), "description": "business terms",
        "owningProjectId": project_id(d, 0), "status": "ENABLED",
        "createdBy": "steward", "createdAt": EPOCH, "updatedBy": "steward", "updatedAt": EPOCH
    })
}

fn term(d: &str, id: &str) -> Value {
    json!({
        "domainId": d, "id": id, "glossaryId": format!("{}-g0", short(d)),
        "name": format!("term {id}"), "shortDescription": "a term", "longDescription": "a longer text",
        "status": "ENABLED", "termRelations": {"isA": [format!("{}-t1", short(d))]},
        "createdBy": "steward", "createdAt": EPOCH
    })
}

fn form_type(d: &str, i: usize) -> Value {
    json!({"formTypeItem": {
        "domainId": d, "name": format!("SalesForm{i}"), "revision": "1",
        "description": "sales metadata", "status": "ENABLED", "owningProjectId": project_id(d, 0),
        "model": {"smithy": "structure SalesForm { region: String }"},
        "createdBy": "steward", "createdAt": EPOCH
    }})
}

fn listing(d: &str, id: &str) -> Value {
    let a = id.trim_end_matches("-l");
    json!({
        "domainId": d, "id": id, "listingRevision": "2", "name": format!("table {a}"),
        "description": "published orders", "status": "ACTIVE",
        "item": {"assetListing": {
            "assetId": a, "assetRevision": "1", "assetType": "amazon.datazone.GlueTableAssetType",
            "forms": "[{\"formName\":\"GlueTableForm\"}]", "owningProjectId": project_id(d, 0),
            "createdAt": EPOCH
        }},
        "createdBy": "user-0", "createdAt": EPOCH, "updatedBy": "user-0", "updatedAt": EPOCH
    })
}

fn revision(d: &str, id: &str, r: usize) -> Value {
    json!({"domainId": d, "id": id, "revision": r.to_string(), "createdBy": "user-0", "createdAt": EPOCH})
}

/// The Glue table ARN an asset imports, and its lineage node's `sourceIdentifier`.
pub fn source_identifier(asset: &str) -> String {
    format!("arn:aws:glue:us-east-1:123456789012:table/sales/{asset}")
}

fn lineage_node(d: &str, asset: &str, version: usize) -> Value {
    // Version `LINEAGE_VERSIONS - 1` is the latest; each is an hour after the one before.
    let at = EPOCH + 3600.0 * version as f64;
    let i: usize = asset
        .rsplit_once("-a")
        .and_then(|(_, i)| i.parse().ok())
        .unwrap_or(0);
    let up: Vec<Value> = (i > 0)
        .then(|| json!({"id": asset_id(d, i - 1), "eventTimestamp": at}))
        .into_iter()
        .collect();
    let down: Vec<Value> = (i + 1 < ASSETS)
        .then(|| json!({"id": asset_id(d, i + 1), "eventTimestamp": at}))
        .into_iter()
        .collect();
    json!({
        "domainId": d, "id": asset, "name": format!("table {asset}"),
        "description": "orders table lineage", "typeName": "amazon.datazone.GlueTableAssetType",
        "typeRevision": "5", "sourceIdentifier": source_identifier(asset),
        "eventTimestamp": at,
        "formsOutput": [{"formName": "GlueTableForm", "typeName": "amazon.datazone.GlueTableFormType",
                         "typeRevision": "9", "content": "{\"tableName\":\"orders\"}"}],
        "upstreamNodes": up, "downstreamNodes": down,
        "createdBy": "lineage-bot", "createdAt": EPOCH, "updatedBy": "lineage-bot", "updatedAt": at
    })
}

/// The asset a lineage node identifier names (its id, or its source identifier), if any.
fn lineage_asset(d: &str, identifier: &str) -> Option<String> {
    (0..ASSETS)
        .map(|i| asset_id(d, i))
        .find(|a| identifier == a || identifier == source_identifier(a))
}

/// The id of subscription `i` of `domain`.
pub fn subscription_id(domain: &str, i: usize) -> String {
    format!("{}-sub{i}", short(domain))
}

fn subscription(d: &str, i: usize) -> Value {
    let listed = asset_id(d, i % LISTINGS);
    let principal = match i % 3 {
        0 => json!({"project": {"id": project_id(d, 1), "name": "project 1"}}),
        1 => json!({"group": {"id": format!("{}-grp", short(d)), "name": "analysts"}}),
        _ => json!({"iam": {"principalArn": "arn:aws:iam::123456789012:role/analyst"}}),
    };
    json!({
        "id": subscription_id(d, i), "domainId": d,
        "status": if i == SUBSCRIPTIONS - 1 { "REVOKED" } else { "APPROVED" },
        "subscribedListing": {
            "id": format!("{listed}-l"), "revision": "2", "name": format!("table {listed}"),
            "description": "published orders", "ownerProjectId": project_id(d, 0),
            "ownerProjectName": "project 0",
            "item": {"assetListing": {"entityId": listed, "entityRevision": "1",
                                      "entityType": "amazon.datazone.GlueTableAssetType"}}
        },
        "subscribedPrincipal": principal,
        "subscriptionRequestId": format!("{}-req{i}", short(d)), "retainPermissions": false,
        "createdBy": "user-1", "createdAt": EPOCH, "updatedBy": "steward", "updatedAt": EPOCH
    })
}

fn grant(d: &str, i: usize) -> Value {
    let listed = asset_id(d, i % LISTINGS);
    let failed = i == GRANTS - 1;
    let mut asset = json!({
        "assetId": listed, "assetRevision": "1",
        "status": if failed { "GRANT_FAILED" } else { "GRANTED" },
        "targetName": format!("sub_db.{}", listed.replace('-', "_")),
    });
    if failed {
        asset["failureCause"] = json!({"message": "Lake Formation denied the grant"});
        asset["failureTimestamp"] = json!(EPOCH);
    } else {
        asset["grantedTimestamp"] = json!(EPOCH);
    }
    json!({
        "id": format!("{}-grant{i}", short(d)), "domainId": d,
        "status": if failed { "GRANT_FAILED" } else { "COMPLETED" },
        "subscriptionTargetId": format!("{}-target", project_id(d, 1)),
        "environmentId": format!("{}-e0", project_id(d, 1)),
        "subscriptionId": subscription_id(d, i % SUBSCRIPTIONS),
        "grantedEntity": {"listing": {"id": format!("{listed}-l"), "revision": "2"}},
        "assets": [asset],
        "createdBy": "steward", "createdAt": EPOCH, "updatedBy": "steward", "updatedAt": EPOCH
    })
}

fn path_matches(f: &Fault, method: &str, path: &str, q: &HashMap<String, String>) -> bool {
    f.method == method
        && f.path == path
        && f.query
            .as_ref()
            .is_none_or(|(k, v)| q.get(k).is_some_and(|x| x == v))
}

impl Respond for Shared {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let path = req.url.path().to_owned();
        let q: HashMap<String, String> = req.url.query_pairs().into_owned().collect();
        let method = req.method.as_str().to_owned();
        {
            let mut faults = self.0.faults.lock().unwrap();
            if let Some(f) = faults
                .iter_mut()
                .find(|f| f.times != Some(0) && path_matches(f, &method, &path, &q))
            {
                if let Some(n) = &mut f.times {
                    *n -= 1;
                }
                return error(f.status, f.code, "injected");
            }
        }
        let body: Value = if req.body.is_empty() {
            Value::Null
        } else {
            match serde_json::from_slice(&req.body) {
                Ok(v) => v,
                Err(e) => return error(400, "ValidationException", &format!("bad JSON: {e}")),
            }
        };
        match route(&method, &path, &q, &body) {
            Ok(r) => r,
            Err(msg) => error(400, "ValidationException", &msg),
        }
    }
}

fn qpage(items: Vec<Value>, q: &HashMap<String, String>) -> Result<ResponseTemplate, String> {
    let max = q.get("maxResults").map(|s| json!(s));
    let token = q.get("nextToken").map(|s| json!(s));
    Ok(ok(page(items, max.as_ref(), token.as_ref())?))
}

fn bpage(items: Vec<Value>, body: &Value) -> Result<ResponseTemplate, String> {
    Ok(ok(page(
        items,
        body.get("maxResults"),
        body.get("nextToken"),
    )?))
}

/// A path segment as sent (the SDK percent-encodes labels such as a source identifier's `:`
/// and `/`), decoded.
fn percent_decode(seg: &str) -> String {
    let b = seg.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).and_then(|c| hex(*c)),
            b.get(i + 2).and_then(|c| hex(*c)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn route(
    method: &str,
    path: &str,
    q: &HashMap<String, String>,
    body: &Value,
) -> Result<ResponseTemplate, String> {
    let decoded: Vec<String> = path
        .trim_start_matches("/v2/")
        .split('/')
        .map(percent_decode)
        .collect();
    let segs: Vec<&str> = decoded.iter().map(String::as_str).collect();
    if segs.len() >= 2 && !DOMAINS.contains(&segs[1]) {
        return Ok(not_found(&format!("domain {}", segs[1])));
    }
    let owned_project = |d: &str, p: &str| (0..PROJECTS).any(|i| project_id(d, i) == p);
    let numbered = |id: &str, sep: &str, n: usize| {
        id.rsplit_once(sep)
            .and_then(|(_, i)| i.parse::<usize>().ok())
            .is_some_and(|i| i < n)
    };
    Ok(match (method, segs.as_slice()) {
        ("GET", ["domains"]) => return qpage(DOMAINS.iter().map(|d| domain(d)).collect(), q),
        ("GET", ["domains", d, "projects"]) => {
            return qpage((0..PROJECTS).map(|i| project(d, i)).collect(), q)
        }
        ("GET", ["domains", d, "environments"]) => {
            let p = q
                .get("projectIdentifier")
                .ok_or("projectIdentifier is required")?;
            if !owned_project(d, p) {
                return Ok(not_found(&format!("project {p}")));
            }
            return qpage((0..PER_PROJECT).map(|i| environment(d, p, i)).collect(), q);
        }
        ("GET", ["domains", d, "environment-profiles"]) => {
            return qpage((0..PROFILES).map(|i| profile(d, i)).collect(), q)
        }
        ("GET", ["domains", d, "data-sources"]) => {
            let p = q
                .get("projectIdentifier")
                .ok_or("projectIdentifier is required")?;
            if !owned_project(d, p) {
                return Ok(not_found(&format!("project {p}")));
            }
            return qpage(
                (0..PER_PROJECT)
                    .map(|i| data_source_summary(d, p, i))
                    .collect(),
                q,
            );
        }
        ("GET", ["domains", d, "data-sources", id]) => {
            if !numbered(id, "-ds", PER_PROJECT) {
                return Ok(not_found(&format!("data source {id}")));
            }
            ok(data_source(d, id))
        }
        ("POST", ["domains", d, "search"]) => {
            let items: Vec<Value> = match body["searchScope"].as_str() {
                Some("ASSET") => (0..ASSETS)
                    .map(|i| {
                        json!({"assetItem": {
                            "domainId": d, "identifier": asset_id(d, i), "name": format!("table {i}"),
                            "typeIdentifier": "amazon.datazone.GlueTableAssetType", "typeRevision": "5",
                            "owningProjectId": project_id(d, 0), "createdAt": EPOCH
                        }})
                    })
                    .collect(),
                Some("GLOSSARY") => (0..GLOSSARIES)
                    .map(|i| {
                        json!({"glossaryItem": {
                            "domainId": d, "id": format!("{}-g{i}", short(d)), "name": format!("glossary {i}"),
                            "owningProjectId": project_id(d, 0), "status": "ENABLED"
                        }})
                    })
                    .collect(),
                Some("GLOSSARY_TERM") => (0..TERMS)
                    .map(|i| {
                        json!({"glossaryTermItem": {
                            "domainId": d, "id": format!("{}-t{i}", short(d)), "name": format!("term {i}"),
                            "glossaryId": format!("{}-g0", short(d)), "status": "ENABLED"
                        }})
                    })
                    .collect(),
                other => return Err(format!("searchScope {other:?} not supported")),
            };
            let text = body["searchText"].as_str().unwrap_or("");
            let items = items
                .into_iter()
                .filter(|i| text.is_empty() || i.to_string().contains(text))
                .collect();
            return bpage(items, body);
        }
        ("GET", ["domains", d, "assets", id]) => {
            if !numbered(id, "-a", ASSETS) {
                return Ok(not_found(&format!("asset {id}")));
            }
            ok(asset(d, id, q.get("revision").map_or("3", |s| s.as_str())))
        }
        ("GET", ["domains", d, "assets", id, "revisions"]) => {
            if !numbered(id, "-a", ASSETS) {
                return Ok(not_found(&format!("asset {id}")));
            }
            return qpage(
                (1..=REVISIONS).rev().map(|r| revision(d, id, r)).collect(),
                q,
            );
        }
        ("GET", ["domains", d, "lineage", "nodes", id]) => {
            let Some(a) = lineage_asset(d, id) else {
                return Ok(not_found(&format!("lineage node {id}")));
            };
            ok(lineage_node(d, &a, LINEAGE_VERSIONS - 1))
        }
        ("GET", ["domains", d, "lineage", "nodes", id, "history"]) => {
            let Some(a) = lineage_asset(d, id) else {
                return Ok(not_found(&format!("lineage node {id}")));
            };
            let mut versions: Vec<Value> = (0..LINEAGE_VERSIONS)
                .map(|v| {
                    let mut n = lineage_node(d, &a, v);
                    for k in ["formsOutput", "upstreamNodes", "downstreamNodes"] {
                        n.as_object_mut().map(|o| o.remove(k));
                    }
                    n
                })
                .collect();
            if q.get("sortOrder").map(String::as_str) != Some("ASCENDING") {
                versions.reverse();
            }
            let mut out = page(
                versions,
                q.get("maxResults").map(|s| json!(s)).as_ref(),
                q.get("nextToken").map(|s| json!(s)).as_ref(),
            )?;
            // ListLineageNodeHistory answers `nodes`, not `items`.
            let items = out.as_object_mut().and_then(|o| o.remove("items"));
            out["nodes"] = items.unwrap_or_else(|| json!([]));
            ok(out)
        }
        ("GET", ["domains", d, "subscriptions"]) => {
            let items = (0..SUBSCRIPTIONS)
                .map(|i| subscription(d, i))
                .filter(|s| q.get("status").is_none_or(|st| s["status"] == st.as_str()))
                .filter(|s| {
                    q.get("subscribedListingId")
                        .is_none_or(|l| s["subscribedListing"]["id"] == l.as_str())
                })
                .collect();
            return qpage(items, q);
        }
        ("GET", ["domains", d, "subscription-grants"]) => {
            let items = (0..GRANTS)
                .map(|i| grant(d, i))
                .filter(|g| {
                    q.get("subscriptionId")
                        .is_none_or(|s| g["subscriptionId"] == s.as_str())
                })
                .filter(|g| {
                    q.get("subscribedListingId")
                        .is_none_or(|l| g["grantedEntity"]["listing"]["id"] == l.as_str())
                })
                .collect();
            return qpage(items, q);
        }
        ("POST", ["domains", d, "types-search"]) => {
            if body["searchScope"] != "FORM_TYPE" {
                return Err("searchScope must be FORM_TYPE here".into());
            }
            let items = if body["managed"] == true {
                vec![
                    json!({"formTypeItem": {"domainId": d, "name": "amazon.datazone.GlueTableFormType", "revision": "9"}}),
                ]
            } else {
                (0..FORM_TYPES).map(|i| form_type(d, i)).collect()
            };
            return bpage(items, body);
        }
        ("POST", ["domains", d, "listings", "search"]) => {
            let items = (0..LISTINGS)
                .map(|i| {
                    json!({"assetListing": {
                        "listingId": format!("{}-l", asset_id(d, i)), "listingRevision": "2",
                        "name": format!("table {i}"), "entityId": asset_id(d, i),
                        "entityType": "amazon.datazone.GlueTableAssetType", "owningProjectId": project_id(d, 0),
                        "createdAt": EPOCH
                    }})
                })
                .collect();
            return bpage(items, body);
        }
        ("GET", ["domains", d, "listings", id]) => {
            let a = id.trim_end_matches("-l");
            if !id.ends_with("-l") || !numbered(a, "-a", LISTINGS) {
                return Ok(not_found(&format!("listing {id}")));
            }
            ok(listing(d, id))
        }
        ("GET", ["domains", d, "glossaries", id]) => {
            if !numbered(id, "-g", GLOSSARIES) {
                return Ok(not_found(&format!("glossary {id}")));
            }
            ok(glossary(d, id))
        }
        ("GET", ["domains", d, "glossary-terms", id]) => {
            if !numbered(id, "-t", TERMS) {
                return Ok(not_found(&format!("glossary term {id}")));
            }
            ok(term(d, id))
        }
        // ------------------------------------------------------------ writes
        ("POST", ["domains", d, "assets"]) => {
            for k in ["name", "owningProjectIdentifier", "typeIdentifier"] {
                if !body[k].is_string() {
                    return Err(format!("{k} is required"));
                }
            }
            let mut a = asset(d, &format!("{}-a99", short(d)), "1");
            a["name"] = body["name"].clone();
            a["owningProjectId"] = body["owningProjectIdentifier"].clone();
            a["typeIdentifier"] = body["typeIdentifier"].clone();
            a["description"] = body["description"].clone();
            a["formsOutput"] = forms_output(body);
            ok(a)
        }
        ("POST", ["domains", d, "assets", id, "revisions"]) => {
            if !numbered(id, "-a", ASSETS) {
                return Ok(not_found(&format!("asset {id}")));
            }
            let mut a = asset(d, id, "4");
            a["name"] = body["name"].clone();
            a["description"] = body["description"].clone();
            a["glossaryTerms"] = body["glossaryTerms"].clone();
            a["formsOutput"] = forms_output(body);
            ok(a)
        }
        ("DELETE", ["domains", _, "assets", id]) => {
            if !numbered(id, "-a", ASSETS) {
                return Ok(not_found(&format!("asset {id}")));
            }
            ResponseTemplate::new(204)
        }
        ("POST", ["domains", _, "listings", "change-set"]) => {
            let id = body["entityIdentifier"]
                .as_str()
                .ok_or("entityIdentifier is required")?;
            if body["entityType"] != "ASSET" {
                return Err("entityType must be ASSET".into());
            }
            let status = match body["action"].as_str() {
                Some("PUBLISH") => "CREATING",
                Some("UNPUBLISH") => "INACTIVE",
                _ => return Err("action must be PUBLISH or UNPUBLISH".into()),
            };
            ok(json!({"listingId": format!("{id}-l"), "listingRevision": "3", "status": status}))
        }
        ("POST", ["domains", d, "data-sources"]) => {
            let p = body["projectIdentifier"]
                .as_str()
                .ok_or("projectIdentifier is required")?;
            if !owned_project(d, p) {
                return Ok(not_found(&format!("project {p}")));
            }
            let mut ds = data_source(d, &data_source_id(p, 7));
            ds["name"] = body["name"].clone();
            ds["status"] = json!("CREATING");
            ds["configuration"] = glue_output(body);
            ds["enableSetting"] = body["enableSetting"].clone();
            ok(ds)
        }
        ("PATCH", ["domains", d, "data-sources", id]) => {
            if !numbered(id, "-ds", PER_PROJECT) {
                return Ok(not_found(&format!("data source {id}")));
            }
            let mut ds = data_source(d, id);
            if body["name"].is_string() {
                ds["name"] = body["name"].clone();
            }
            if body["configuration"].is_object() {
                ds["configuration"] = glue_output(body);
            }
            ds["status"] = json!("UPDATING");
            ok(ds)
        }
        ("DELETE", ["domains", d, "data-sources", id]) => {
            if !numbered(id, "-ds", PER_PROJECT) {
                return Ok(not_found(&format!("data source {id}")));
            }
            let mut ds = data_source(d, id);
            ds["status"] = json!("DELETING");
            ok(ds)
        }
        _ => error(
            404,
            "UnknownOperationException",
            &format!("{method} {path}"),
        ),
    })
}

fn forms_output(body: &Value) -> Value {
    Value::Array(
        body["formsInput"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                json!({"formName": f["formName"], "typeName": f["typeIdentifier"],
                       "typeRevision": f["typeRevision"], "content": f["content"]})
            })
            .collect(),
    )
}

fn glue_output(body: &Value) -> Value {
    let g = &body["configuration"]["glueRunConfiguration"];
    json!({"glueRunConfiguration": {
        "accountId": "123456789012", "region": "us-east-1",
        "dataAccessRole": g["dataAccessRole"],
        "relationalFilterConfigurations": g["relationalFilterConfigurations"]
    }})
}
