//! Against a DataZone fake (wiremock on loopback behind testkit's FakeSts) following the AWS
//! DataZone API model: REST-JSON paths and methods, `items` / `nextToken` pages, tagged unions
//! (`assetItem`, `formTypeItem`, `assetListing`, `glueRunConfiguration`), epoch-second
//! timestamps, errors as `x-amzn-errortype` + status (AccessDeniedException 403,
//! ResourceNotFoundException 404, ThrottlingException 429, ValidationException 400). Every
//! DataZone request must be SigV4-signed with the assumed role's session (`ASIAFAKE...` key
//! and a security token); unsigned requests match no mock.

use chicory_aws_core::{
    AccessLevel, BudgetSettings, Connection, ConnectionBuilder, ErrorKind, Operator, PageRetry,
    ScanItem, Scanner, Tool,
};
use chicory_aws_datazone::records::DataZoneRecord;
use chicory_aws_datazone::*;
use chicory_aws_testkit::{FakeSts, TestClock};
use futures::StreamExt;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::path_regex;
use wiremock::{Match, Mock, Request, Respond, ResponseTemplate};

/// Requests signed with the assumed role's temporary credentials.
struct SignedByAssumedRole;

impl Match for SignedByAssumedRole {
    fn matches(&self, r: &Request) -> bool {
        signed(r)
    }
}

fn signed(r: &Request) -> bool {
    chicory_aws_testkit::datazone::signed(r, "ASIAFAKE")
}

fn error(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/json")
        .insert_header("x-amzn-errortype", code)
        .set_body_json(json!({"message": format!("fake {code}")}))
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/json")
        .set_body_json(body)
}

/// The fake's data: list results by key, single resources by key, injected errors.
#[derive(Default)]
struct State {
    lists: HashMap<String, Vec<Value>>,
    gets: HashMap<String, Value>,
    errors: HashMap<String, (u16, &'static str)>,
    throttle: HashMap<String, usize>,
    /// Requests whose key starts with this prefix are answered after this delay, and their
    /// arrival times recorded.
    slow: Option<(String, Duration)>,
    arrivals: Vec<std::time::Instant>,
}

#[derive(Clone, Default)]
struct DataZoneFake(Arc<Mutex<State>>);

/// `METHOD path`, plus the project (query) or search scope (body) that select a list.
fn key(r: &Request) -> String {
    let mut k = format!("{} {}", r.method, r.url.path());
    if let Some((_, p)) = r.url.query_pairs().find(|(n, _)| n == "projectIdentifier") {
        k.push_str(&format!("?project={p}"));
    }
    if let Ok(body) = serde_json::from_slice::<Value>(&r.body) {
        if let Some(s) = body.get("searchScope").and_then(Value::as_str) {
            k.push_str(&format!("?scope={s}"));
        }
    }
    k
}

fn page_params(r: &Request) -> (Option<i64>, Option<String>) {
    let q: HashMap<String, String> = r.url.query_pairs().into_owned().collect();
    let body = serde_json::from_slice::<Value>(&r.body).unwrap_or(Value::Null);
    let max = q
        .get("maxResults")
        .and_then(|v| v.parse().ok())
        .or_else(|| body.get("maxResults").and_then(Value::as_i64));
    let token = q.get("nextToken").cloned().or_else(|| {
        body.get("nextToken")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    (max, token)
}

impl Respond for DataZoneFake {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        let k = key(r);
        let mut s = self.0.lock().unwrap();
        let delay = match &s.slow {
            Some((prefix, d)) if k.starts_with(prefix.as_str()) => Some(*d),
            _ => None,
        };
        if delay.is_some() {
            s.arrivals.push(std::time::Instant::now());
        }
        let t = self.answer(&k, r, &mut s);
        match delay {
            Some(d) => t.set_delay(d),
            None => t,
        }
    }
}

impl DataZoneFake {
    fn answer(&self, k: &str, r: &Request, s: &mut State) -> ResponseTemplate {
        if let Some(n) = s.throttle.get_mut(k) {
            if *n > 0 {
                *n -= 1;
                return error(429, "ThrottlingException");
            }
        }
        if let Some((status, code)) = s.errors.get(k) {
            return error(*status, code);
        }
        if let Some(items) = s.lists.get(k) {
            let (max, token) = page_params(r);
            let size = max.unwrap_or(50);
            if !(1..=50).contains(&size) {
                return error(400, "ValidationException");
            }
            let start: usize = match token {
                Some(t) => match t.strip_prefix("tok-").and_then(|n| n.parse().ok()) {
                    Some(n) => n,
                    None => return error(400, "ValidationException"),
                },
                None => 0,
            };
            let end = (start + size as usize).min(items.len());
            let mut body = json!({"items": items[start..end]});
            if end < items.len() {
                body["nextToken"] = json!(format!("tok-{end}"));
            }
            return ok(body);
        }
        if let Some(v) = s.gets.get(k) {
            return ok(v.clone());
        }
        error(404, "ResourceNotFoundException")
    }
}

impl DataZoneFake {
    fn list(&self, key: &str, items: Vec<Value>) {
        self.0.lock().unwrap().lists.insert(key.to_owned(), items);
    }
    fn get(&self, key: &str, v: Value) {
        self.0.lock().unwrap().gets.insert(key.to_owned(), v);
    }
    fn fail(&self, key: &str, status: u16, code: &'static str) {
        self.0
            .lock()
            .unwrap()
            .errors
            .insert(key.to_owned(), (status, code));
    }
    fn throttle(&self, key: &str, times: usize) {
        self.0
            .lock()
            .unwrap()
            .throttle
            .insert(key.to_owned(), times);
    }

    /// Seeds one domain: 3 projects x (3 environments + 3 data sources), 3 environment
    /// profiles, 5 assets (3 revisions each), 3 form types, 3 listings, 3 glossaries, 5 terms.
    fn seed_domain(&self, d: &str) {
        let base = format!("/v2/domains/{d}");
        let t = 1.7e9;
        // Projects, environments, profiles and data sources use `date-time` strings in the
        // model; the other shapes epoch seconds.
        let iso = "2023-11-14T22:13:20Z";
        let projects: Vec<Value> = (0..3)
            .map(|p| {
                json!({"domainId": d, "id": format!("prj{p}"), "name": format!("project {p}"),
                "description": "analytics", "projectStatus": "ACTIVE", "createdBy": "usr-alice",
                "createdAt": iso, "updatedAt": iso})
            })
            .collect();
        self.list(&format!("GET {base}/projects"), projects);
        for p in 0..3 {
            let prj = format!("prj{p}");
            let envs = (0..3)
                .map(|e| json!({"projectId": prj, "id": format!("env{p}{e}"), "domainId": d,
                    "createdBy": "usr-alice", "createdAt": iso, "name": format!("env {p}.{e}"),
                    "environmentProfileId": "prof0", "awsAccountId": "123456789012",
                    "awsAccountRegion": "us-east-1", "provider": "Amazon DataZone", "status": "ACTIVE"}))
                .collect();
            self.list(&format!("GET {base}/environments?project={prj}"), envs);
            let mut sources = Vec::new();
            for s in 0..3 {
                let id = format!("ds{p}{s}");
                sources.push(json!({"domainId": d, "environmentId": format!("env{p}0"),
                    "dataSourceId": id, "name": format!("glue source {p}.{s}"), "type": "GLUE",
                    "status": "READY", "createdAt": iso}));
                self.get(&format!("GET {base}/data-sources/{id}"), json!({
                    "id": id, "status": "READY", "type": "GLUE", "name": format!("glue source {p}.{s}"),
                    "domainId": d, "projectId": prj, "environmentId": format!("env{p}0"),
                    "configuration": {"glueRunConfiguration": {
                        "accountId": "123456789012", "region": "us-east-1",
                        "dataAccessRole": "arn:aws:iam::123456789012:role/dz-glue",
                        "relationalFilterConfigurations": [{"databaseName": "sales",
                            "filterExpressions": [{"type": "INCLUDE", "expression": "orders*"}]}]}},
                    "enableSetting": "ENABLED", "publishOnImport": false,
                    "schedule": {"schedule": "cron(0 3 * * ? *)", "timezone": "UTC"},
                    "lastRunStatus": "SUCCESS", "lastRunAt": iso, "lastRunAssetCount": 12,
                    "createdAt": iso, "updatedAt": iso}));
            }
            self.list(&format!("GET {base}/data-sources?project={prj}"), sources);
        }
        let profiles = (0..3)
            .map(|i| {
                json!({"id": format!("prof{i}"), "domainId": d, "createdBy": "usr-admin",
                "name": format!("profile {i}"), "environmentBlueprintId": "bp-lake",
                "projectId": "prj0", "createdAt": iso})
            })
            .collect();
        self.list(&format!("GET {base}/environment-profiles"), profiles);
        let mut assets = Vec::new();
        for a in 0..5 {
            let id = format!("ast{a}");
            assets.push(json!({"assetItem": {"domainId": d, "identifier": id,
                "name": format!("orders_{a}"), "typeIdentifier": "amazon.datazone.GlueTableAssetType",
                "typeRevision": "1", "owningProjectId": "prj0", "createdAt": t}}));
            self.get(&format!("GET {base}/assets/{id}"), json!({
                "id": id, "name": format!("orders_{a}"), "typeIdentifier": "amazon.datazone.GlueTableAssetType",
                "typeRevision": "1", "revision": "3", "description": "daily orders",
                "externalIdentifier": format!("arn:aws:glue:us-east-1:123456789012:table/sales/orders_{a}"),
                "createdAt": t, "createdBy": "usr-bob", "firstRevisionCreatedAt": t,
                "firstRevisionCreatedBy": "usr-alice", "glossaryTerms": ["term0"],
                "owningProjectId": "prj0", "domainId": d,
                "listing": {"listingId": format!("lst{a}"), "listingStatus": "ACTIVE"},
                "formsOutput": [
                    {"formName": "GlueTableForm", "typeName": "amazon.datazone.GlueTableFormType",
                     "typeRevision": "5", "content": "{\"tableName\":\"orders\"}"},
                    {"formName": "Ownership", "typeName": "acme.Ownership", "typeRevision": "1",
                     "content": "{\"steward\":\"alice\"}"}],
                "readOnlyFormsOutput": [{"formName": "AssetCommonDetailsForm", "content": "{}"}]}));
            let revs = (1..=3)
                .map(|r| {
                    json!({"domainId": d, "id": id, "revision": r.to_string(),
                    "createdBy": "usr-bob", "createdAt": t})
                })
                .collect();
            self.list(&format!("GET {base}/assets/{id}/revisions"), revs);
        }
        self.list(&format!("POST {base}/search?scope=ASSET"), assets);
        let forms = (0..3)
            .map(|i| {
                json!({"formTypeItem": {"domainId": d, "name": format!("acme.Form{i}"),
                "revision": "1", "model": {"smithy": "structure Form { steward: String }"},
                "status": "ENABLED", "owningProjectId": "prj0", "createdBy": "usr-alice",
                "createdAt": t, "description": "business metadata"}})
            })
            .collect();
        self.list(&format!("POST {base}/types-search?scope=FORM_TYPE"), forms);
        let mut listings = Vec::new();
        for l in 0..3 {
            let id = format!("lst{l}");
            listings.push(
                json!({"assetListing": {"listingId": id, "listingRevision": "1",
                "name": format!("orders_{l}"), "entityId": format!("ast{l}"), "entityRevision": "3",
                "entityType": "amazon.datazone.GlueTableAssetType", "owningProjectId": "prj0"}}),
            );
            self.get(
                &format!("GET {base}/listings/{id}"),
                json!({
                "domainId": d, "id": id, "listingRevision": "1", "createdAt": t,
                "createdBy": "usr-bob", "name": format!("orders_{l}"), "status": "ACTIVE",
                "item": {"assetListing": {"assetId": format!("ast{l}"), "assetRevision": "3",
                    "assetType": "amazon.datazone.GlueTableAssetType", "owningProjectId": "prj0",
                    "forms": "{\"GlueTableForm\":{}}"}}}),
            );
        }
        self.list(&format!("POST {base}/listings/search"), listings);
        let mut glossaries = Vec::new();
        for g in 0..3 {
            let id = format!("gls{g}");
            glossaries.push(json!({"glossaryItem": {"domainId": d, "id": id,
                "name": format!("glossary {g}"), "owningProjectId": "prj0", "status": "ENABLED"}}));
            self.get(
                &format!("GET {base}/glossaries/{id}"),
                json!({"domainId": d, "id": id,
                "owningProjectId": "prj0", "name": format!("glossary {g}"),
                "description": "finance terms", "status": "ENABLED", "createdAt": t,
                "createdBy": "usr-carol"}),
            );
        }
        self.list(&format!("POST {base}/search?scope=GLOSSARY"), glossaries);
        let mut terms = Vec::new();
        for i in 0..5 {
            let id = format!("term{i}");
            terms.push(
                json!({"glossaryTermItem": {"domainId": d, "glossaryId": "gls0", "id": id,
                "name": format!("term {i}"), "status": "ENABLED"}}),
            );
            self.get(
                &format!("GET {base}/glossary-terms/{id}"),
                json!({"domainId": d,
                "glossaryId": "gls0", "id": id, "name": format!("term {i}"),
                "shortDescription": "revenue", "status": "ENABLED",
                "termRelations": {"isA": ["term0"]}, "createdAt": t, "createdBy": "usr-carol"}),
            );
        }
        self.list(&format!("POST {base}/search?scope=GLOSSARY_TERM"), terms);
    }
}

async fn setup() -> (FakeSts, DataZoneFake) {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
    let fake = DataZoneFake::default();
    Mock::given(path_regex("^/v2/"))
        .and(SignedByAssumedRole)
        .respond_with(fake.clone())
        .mount(sts.server())
        .await;
    (sts, fake)
}

/// A connection builder through FakeSts with `attempts` SDK attempts and one further try of a
/// failed page, with millisecond backoffs.
fn builder(sts: &FakeSts, level: AccessLevel, attempts: u32) -> ConnectionBuilder {
    sts.connection(level)
        .retry_config(
            aws_smithy_types::retry::RetryConfig::standard()
                .with_max_attempts(attempts)
                .with_initial_backoff(Duration::from_millis(5)),
        )
        .page_retry(PageRetry::new(
            1,
            Duration::from_millis(5),
            Duration::from_millis(20),
        ))
}

async fn connect(sts: &FakeSts, level: AccessLevel, attempts: u32) -> Connection {
    builder(sts, level, attempts).build().await.unwrap()
}

fn domain_summary(id: &str) -> Value {
    json!({"id": id, "name": format!("{id} domain"), "description": "lake",
        "arn": format!("arn:aws:datazone:us-east-1:123456789012:domain/{id}"),
        "managedAccountId": "123456789012", "status": "AVAILABLE",
        "portalUrl": format!("https://{id}.datazone.us-east-1.on.aws"), "createdAt": 1.7e9})
}

async fn dz_requests(sts: &FakeSts) -> Vec<Request> {
    sts.server()
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path().starts_with("/v2/"))
        .collect()
}

#[tokio::test]
async fn full_scan_of_three_domains_paginated_at_every_level() {
    let (sts, fake) = setup().await;
    let domains = ["dzd_sales", "dzd_hr", "dzd-ops"];
    fake.list(
        "GET /v2/domains",
        domains.iter().map(|d| domain_summary(d)).collect(),
    );
    for d in domains {
        fake.seed_domain(d);
    }
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let options = DataZoneOptions::default()
        .page_size(2)
        .concurrency(4)
        .asset_revisions(true);
    let scanner = DataZoneScanner::new(&conn, options).unwrap();
    assert_eq!(
        AccessLevel::required_for(scanner.actions()),
        AccessLevel::ReadOnly
    );
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    let mut skipped = Vec::new();
    let mut s = scanner.scan();
    while let Some(item) = s.next().await {
        match item.unwrap() {
            ScanItem::Record(r) => {
                *counts.entry(r.kind()).or_default() += 1;
                match &r {
                    DataZoneRecord::Asset(a) => {
                        assert_eq!(a.forms.len(), 2);
                        assert_eq!(a.forms[1].type_name.as_deref(), Some("acme.Ownership"));
                        assert_eq!(a.listing_status.as_deref(), Some("ACTIVE"));
                        assert_eq!(a.owning_project_id, "prj0");
                        assert_eq!(a.created_at.as_deref(), Some("2023-11-14T22:13:20Z"));
                        let revs = a.revisions.as_ref().unwrap();
                        assert_eq!(revs.len(), 3, "revisions are paged 2 + 1");
                    }
                    DataZoneRecord::DataSource(ds) => {
                        let c = ds.configuration.as_ref().unwrap();
                        assert_eq!(c.source_type, "GLUE");
                        assert_eq!(c.relational_filters[0].database_name, "sales");
                        assert_eq!(
                            c.relational_filters[0].filter_expressions,
                            ["INCLUDE:orders*"]
                        );
                        assert_eq!(ds.last_run_status.as_deref(), Some("SUCCESS"));
                        assert_eq!(ds.last_run_asset_count, Some(12));
                        assert_eq!(ds.schedule.as_deref(), Some("cron(0 3 * * ? *)"));
                    }
                    DataZoneRecord::Listing(l) => {
                        assert_eq!(l.entity_type.as_deref(), Some("ASSET"));
                        assert!(l.asset_id.as_deref().unwrap().starts_with("ast"));
                    }
                    DataZoneRecord::GlossaryTerm(t) => assert_eq!(t.is_a, ["term0"]),
                    DataZoneRecord::FormType(f) => {
                        assert!(f.model.as_deref().unwrap().contains("steward"))
                    }
                    DataZoneRecord::Project(p) => assert_eq!(p.created_by, "usr-alice"),
                    _ => {}
                }
                // Every record serializes with its kind and origin.
                let v = serde_json::to_value(&r).unwrap();
                assert_eq!(v["kind"], r.kind());
                assert_eq!(v["account_id"], "123456789012");
            }
            ScanItem::Skipped(k) => skipped.push(k),
        }
    }
    assert!(skipped.is_empty(), "{skipped:?}");
    let expected = [
        ("datazone_domain", 3),
        ("datazone_project", 9),
        ("datazone_environment", 27),
        ("datazone_environment_profile", 9),
        ("datazone_data_source", 27),
        ("datazone_asset", 15),
        ("datazone_form_type", 9),
        ("datazone_listing", 9),
        ("datazone_glossary", 9),
        ("datazone_glossary_term", 15),
    ];
    for (kind, n) in expected {
        assert_eq!(counts.get(kind).copied().unwrap_or(0), n, "{kind}");
    }

    // Every DataZone request was signed with the assumed role's session and paged by 2.
    let reqs = dz_requests(&sts).await;
    assert!(reqs.iter().all(signed));
    let count = |suffix: &str, method: &str| {
        reqs.iter()
            .filter(|r| r.method.as_str() == method && r.url.path().ends_with(suffix))
            .count()
    };
    assert_eq!(count("/v2/domains", "GET"), 2, "3 domains: 2 pages");
    assert_eq!(
        count("/projects", "GET"),
        3 * 2,
        "3 projects per domain: 2 pages"
    );
    assert_eq!(count("/environments", "GET"), 9 * 2);
    assert_eq!(count("/data-sources", "GET"), 9 * 2);
    assert_eq!(count("/environment-profiles", "GET"), 3 * 2);
    let search = count("/search", "POST") - count("/listings/search", "POST");
    assert_eq!(
        search,
        3 * (3 + 3 + 2),
        "5 assets: 3 pages; 5 terms: 3; 3 glossaries: 2"
    );
    assert_eq!(count("/types-search", "POST"), 3 * 2);
    assert_eq!(count("/listings/search", "POST"), 3 * 2);
    assert_eq!(count("/revisions", "GET"), 15 * 2);
    let paged = reqs
        .iter()
        .filter(|r| {
            r.url.query_pairs().any(|(k, _)| k == "nextToken")
                || String::from_utf8_lossy(&r.body).contains("\"nextToken\"")
        })
        .count();
    assert!(paged >= 3 * 10, "{paged} follow-up pages");
}

#[tokio::test]
async fn a_denied_project_part_and_a_vanished_asset_are_skipped_and_the_scan_goes_on() {
    let (sts, fake) = setup().await;
    fake.list("GET /v2/domains", vec![domain_summary("dzd_sales")]);
    fake.seed_domain("dzd_sales");
    fake.fail(
        "GET /v2/domains/dzd_sales/data-sources?project=prj1",
        403,
        "AccessDeniedException",
    );
    fake.fail(
        "GET /v2/domains/dzd_sales/assets/ast3",
        404,
        "ResourceNotFoundException",
    );
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let scanner = DataSourceScanner::new(&conn, DataZoneOptions::default().page_size(2)).unwrap();
    let items: Vec<_> = scanner.scan().map(Result::unwrap).collect().await;
    let (mut records, mut skipped) = (Vec::new(), Vec::new());
    for i in items {
        match i {
            ScanItem::Record(r) => records.push(r.data_source_id),
            ScanItem::Skipped(s) => skipped.push(s),
        }
    }
    records.sort();
    assert_eq!(records, ["ds00", "ds01", "ds02", "ds20", "ds21", "ds22"]);
    assert_eq!(skipped.len(), 1);
    assert_eq!(
        skipped[0].part,
        "datazone:ListDataSources domain=dzd_sales project=prj1"
    );
    assert_eq!(skipped[0].kind, ErrorKind::AccessDenied);

    let scanner = AssetScanner::new(&conn, DataZoneOptions::default().domain("dzd_sales")).unwrap();
    let items: Vec<_> = scanner.scan().map(Result::unwrap).collect().await;
    let assets = items
        .iter()
        .filter(|i| matches!(i, ScanItem::Record(_)))
        .count();
    let skipped: Vec<_> = items
        .iter()
        .filter_map(|i| match i {
            ScanItem::Skipped(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(assets, 4);
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].kind, ErrorKind::NotFound);
    assert_eq!(
        skipped[0].part,
        "datazone:GetAsset domain=dzd_sales asset=ast3"
    );

    // A denied ListDomains is a skipped part (nothing else can be read).
    fake.fail("GET /v2/domains", 403, "AccessDeniedException");
    let items: Vec<_> = DomainScanner::new(&conn, DataZoneOptions::default())
        .unwrap()
        .scan()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    let skipped = match items.into_iter().next().unwrap() {
        Ok(ScanItem::Skipped(s)) => s,
        other => panic!("expected a skipped part, got {other:?}"),
    };
    assert_eq!(skipped.kind, ErrorKind::AccessDenied);
    assert_eq!(skipped.part, "datazone:ListDomains");
    assert!(
        skipped.reason.contains("AccessDeniedException"),
        "{skipped:?}"
    );

    // A ListDomains failing otherwise (a 500 past every retry) is an incomplete part.
    fake.fail("GET /v2/domains", 500, "InternalServerException");
    let items: Vec<_> = DomainScanner::new(&conn, DataZoneOptions::default())
        .unwrap()
        .scan()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    let err = items.into_iter().next().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.code(), Some("InternalServerException"));
    assert_eq!(err.operation(), Some("datazone:ListDomains"));
}

#[tokio::test]
async fn throttling_is_ridden_through_by_the_sdk_retry() {
    let (sts, fake) = setup().await;
    fake.list("GET /v2/domains", vec![domain_summary("dzd_sales")]);
    fake.seed_domain("dzd_sales");
    fake.throttle("GET /v2/domains/dzd_sales/projects", 2);
    fake.throttle("GET /v2/domains/dzd_sales/glossaries/gls1", 1);
    let conn = connect(&sts, AccessLevel::ReadOnly, 3).await;
    let projects: Vec<_> = ProjectScanner::new(&conn, DataZoneOptions::default())
        .unwrap()
        .scan()
        .map(|i| match i.unwrap() {
            ScanItem::Record(p) => p.project_id,
            ScanItem::Skipped(s) => panic!("{s:?}"),
        })
        .collect()
        .await;
    assert_eq!(projects.len(), 3);
    let g = GetGlossary::new(&conn)
        .call(serde_json::from_value(json!({"domain_id": "dzd_sales", "id": "gls1"})).unwrap())
        .await
        .unwrap();
    assert_eq!(g.name, "glossary 1");
    let reqs = dz_requests(&sts).await;
    assert_eq!(
        reqs.iter()
            .filter(|r| r.url.path().ends_with("/projects"))
            .count(),
        3,
        "two 429s then 200"
    );

    // Throttling that outlasts the retries is a Throttled error.
    fake.throttle("GET /v2/domains/dzd_sales/glossaries/gls2", 5);
    let err = GetGlossary::new(&conn)
        .call(serde_json::from_value(json!({"domain_id": "dzd_sales", "id": "gls2"})).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Throttled, "{err}");

    // A per-item read throttled past every retry (3 SDK attempts x 2 page tries) is an
    // incomplete part: the summary says so and names it, the other glossaries are read.
    fake.throttle("GET /v2/domains/dzd_sales/glossaries/gls1", 10);
    let scanner = GlossaryScanner::new(&conn, DataZoneOptions::default()).unwrap();
    let mut sink = chicory_aws_core::JsonLinesSink::new(Vec::new());
    let summary = chicory_aws_core::run_scan(&scanner, &mut sink, 100, |_| {})
        .await
        .unwrap();
    assert_eq!(summary.records, 2);
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    assert!(!summary.is_complete());
    assert_eq!(summary.incomplete.len(), 1);
    let part = &summary.incomplete[0];
    assert_eq!(part.kind, ErrorKind::Throttled);
    assert_eq!(
        part.part,
        "datazone:GetGlossary domain=dzd_sales glossary=gls1"
    );
}

#[tokio::test]
async fn read_operators_search_get_and_map_not_found() {
    let (sts, fake) = setup().await;
    fake.seed_domain("dzd_sales");
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let search = SearchCatalog::new(&conn);
    let page = search
        .call_json(json!({"domain_id": "dzd_sales", "scope": "glossary_term", "max_results": 2}))
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["items"][0]["kind"], "glossary_term");
    assert_eq!(page["items"][0]["glossary_id"], "gls0");
    assert_eq!(page["next_token"], "tok-2");
    let assets = search
        .call(SearchCatalogInput {
            domain_id: "dzd_sales".into(),
            scope: SearchScope::Asset,
            search_text: Some("orders".into()),
            owning_project_id: None,
            max_results: Some(50),
            next_token: None,
        })
        .await
        .unwrap();
    assert_eq!(assets.items.len(), 5);
    assert_eq!(
        assets.items[0].type_identifier.as_deref(),
        Some("amazon.datazone.GlueTableAssetType")
    );
    let body: Value =
        serde_json::from_slice(&dz_requests(&sts).await.last().unwrap().body).unwrap();
    assert_eq!(
        body,
        json!({"searchScope": "ASSET", "searchText": "orders", "maxResults": 50})
    );

    let listings = SearchListings::new(&conn)
        .call(SearchListingsInput {
            domain_id: "dzd_sales".into(),
            search_text: None,
            max_results: None,
            next_token: None,
        })
        .await
        .unwrap();
    assert_eq!(listings.items.len(), 3);
    assert_eq!(listings.items[0].entity_id.as_deref(), Some("ast0"));

    let r = |id: &str| ResourceRef {
        domain_id: "dzd_sales".into(),
        id: id.into(),
        revision: None,
    };
    let asset = GetAsset::new(&conn).call(r("ast1")).await.unwrap();
    assert_eq!(asset.forms[0].form_name, "GlueTableForm");
    assert_eq!(asset.read_only_forms.len(), 1);
    let listing = GetListing::new(&conn).call(r("lst2")).await.unwrap();
    assert_eq!(listing.asset_id.as_deref(), Some("ast2"));
    let term = GetGlossaryTerm::new(&conn).call(r("term3")).await.unwrap();
    assert_eq!(term.glossary_id, "gls0");
    let revs = ListAssetRevisions::new(&conn)
        .call(ListAssetRevisionsInput {
            domain_id: "dzd_sales".into(),
            asset_id: "ast0".into(),
            max_results: Some(2),
            next_token: Some("tok-2".into()),
        })
        .await
        .unwrap();
    assert_eq!(revs.revisions.len(), 1);
    assert_eq!(revs.revisions[0].revision.as_deref(), Some("3"));

    let err = GetAsset::new(&conn).call(r("nope")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert_eq!(err.resource(), Some("dzd_sales/nope"));

    // Bad input fails before any request.
    let before = dz_requests(&sts).await.len();
    for (input, field) in [
        (json!({"domain_id": "sales", "id": "ast1"}), "domain_id"),
        (json!({"domain_id": "dzd_", "id": "ast1"}), "domain_id"),
        (json!({"domain_id": "dzd_sales", "id": ""}), "id"),
        (json!({"domain_id": "dzd_sales", "id": "a/../b"}), "id"),
    ] {
        let err = GetAsset::new(&conn).call_json(input).await.unwrap_err();
        assert_eq!(err.field(), Some(field));
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    }
    let err = search
        .call_json(json!({"domain_id": "dzd_sales", "scope": "asset", "max_results": 51}))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("max_results"));
    assert_eq!(dz_requests(&sts).await.len(), before);
}

fn write_tools(conn: &Connection) -> Vec<(Box<dyn Tool>, Value)> {
    let d = "dzd_sales";
    vec![
        (
            Box::new(CreateAsset::new(conn)) as Box<dyn Tool>,
            json!({"domain_id": d, "owning_project_id": "prj0", "name": "orders",
                "type_identifier": "amazon.datazone.GlueTableAssetType"}),
        ),
        (
            Box::new(UpdateAsset::new(conn)),
            json!({"domain_id": d, "asset_id": "ast0", "description": "x"}),
        ),
        (
            Box::new(CreateAssetRevision::new(conn)),
            json!({"domain_id": d, "asset_id": "ast0", "name": "orders"}),
        ),
        (
            Box::new(DeleteAsset::new(conn)),
            json!({"domain_id": d, "id": "ast0"}),
        ),
        (
            Box::new(PublishListing::new(conn)),
            json!({"domain_id": d, "asset_id": "ast0"}),
        ),
        (
            Box::new(UnpublishListing::new(conn)),
            json!({"domain_id": d, "asset_id": "ast0"}),
        ),
        (
            Box::new(CreateDataSource::new(conn)),
            json!({"domain_id": d, "project_id": "prj0", "name": "glue",
                "glue_databases": [{"database_name": "sales"}]}),
        ),
        (
            Box::new(UpdateDataSource::new(conn)),
            json!({"domain_id": d, "data_source_id": "ds00", "enabled": false}),
        ),
        (
            Box::new(DeleteDataSource::new(conn)),
            json!({"domain_id": d, "id": "ds00"}),
        ),
    ]
}

#[tokio::test]
async fn writes_are_refused_locally_on_a_read_only_connection() {
    let (sts, fake) = setup().await;
    fake.seed_domain("dzd_sales");
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let before = sts.server().received_requests().await.unwrap().len();
    let tools = write_tools(&conn);
    assert_eq!(tools.len(), 9);
    for (tool, input) in tools {
        assert_eq!(
            tool.required_level(),
            AccessLevel::ReadWrite,
            "{}",
            tool.name()
        );
        let err = tool.call_json(input).await.unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::WriteNotPermitted,
            "{}: {err}",
            tool.name()
        );
    }
    // The typed path refuses too.
    let err = DeleteAsset::new(&conn)
        .call(DeleteInput {
            domain_id: "dzd_sales".into(),
            id: "ast0".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteNotPermitted);
    let after = sts.server().received_requests().await.unwrap().len();
    assert_eq!(after, before, "no request reached the fake");
    assert!(dz_requests(&sts).await.is_empty());
}

fn asset_response(id: &str, name: &str, revision: &str) -> Value {
    json!({"id": id, "name": name, "typeIdentifier": "amazon.datazone.GlueTableAssetType",
        "typeRevision": "1", "revision": revision, "owningProjectId": "prj0",
        "domainId": "dzd_sales", "createdAt": 1.7e9, "createdBy": "usr-vendor",
        "formsOutput": [{"formName": "Ownership", "typeName": "acme.Ownership",
            "content": "{\"steward\":\"dana\"}"}]})
}

fn data_source_response(id: &str, enable: &str, status: &str) -> Value {
    json!({"id": id, "name": "glue", "domainId": "dzd_sales", "projectId": "prj0",
        "status": status, "enableSetting": enable, "type": "GLUE",
        "configuration": {"glueRunConfiguration": {"relationalFilterConfigurations": [
            {"databaseName": "sales"}]}}})
}

async fn last_body(sts: &FakeSts, method: &str, path: &str) -> Value {
    let reqs = dz_requests(sts).await;
    let r = reqs
        .iter()
        .rev()
        .find(|r| r.method.as_str() == method && r.url.path() == path)
        .unwrap_or_else(|| panic!("no {method} {path}"));
    if r.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&r.body).unwrap()
    }
}

#[tokio::test]
async fn writes_on_read_write_send_the_model_requests() {
    let (sts, fake) = setup().await;
    fake.seed_domain("dzd_sales");
    let base = "/v2/domains/dzd_sales";
    fake.get(
        &format!("POST {base}/assets"),
        asset_response("astN", "orders", "1"),
    );
    fake.get(
        &format!("POST {base}/assets/ast0/revisions"),
        asset_response("ast0", "orders_0", "4"),
    );
    fake.get(&format!("DELETE {base}/assets/ast0"), json!({}));
    fake.get(
        &format!("POST {base}/listings/change-set"),
        json!({"listingId": "lst0", "listingRevision": "2", "status": "CREATING"}),
    );
    fake.get(
        &format!("POST {base}/data-sources"),
        data_source_response("dsN", "ENABLED", "CREATING"),
    );
    fake.get(
        &format!("PATCH {base}/data-sources/ds00"),
        data_source_response("ds00", "DISABLED", "READY"),
    );
    fake.get(
        &format!("DELETE {base}/data-sources/ds00"),
        data_source_response("ds00", "ENABLED", "DELETING"),
    );
    let conn = connect(&sts, AccessLevel::ReadWrite, 1).await;

    let a = CreateAsset::new(&conn)
        .call_json(
            json!({"domain_id": "dzd_sales", "owning_project_id": "prj0",
            "name": "orders", "type_identifier": "amazon.datazone.GlueTableAssetType",
            "description": "daily orders", "glossary_terms": ["term0"],
            "forms": [{"form_name": "Ownership", "type_identifier": "acme.Ownership",
                "content": "{\"steward\":\"dana\"}"}]}),
        )
        .await
        .unwrap();
    assert_eq!(a["asset_id"], "astN");
    let mut body = last_body(&sts, "POST", &format!("{base}/assets")).await;
    assert!(body["clientToken"].is_string(), "idempotency token sent");
    body.as_object_mut().unwrap().remove("clientToken");
    assert_eq!(
        body,
        json!({"name": "orders", "typeIdentifier": "amazon.datazone.GlueTableAssetType",
            "description": "daily orders", "glossaryTerms": ["term0"],
            "formsInput": [{"formName": "Ownership", "typeIdentifier": "acme.Ownership",
                "content": "{\"steward\":\"dana\"}"}],
            "owningProjectIdentifier": "prj0"})
    );

    // Update = GetAsset + CreateAssetRevision keeping unchanged fields and forms.
    let a = UpdateAsset::new(&conn)
        .call(UpdateAssetInput {
            domain_id: "dzd_sales".into(),
            asset_id: "ast0".into(),
            name: None,
            description: Some("orders, daily, deduplicated".into()),
            glossary_terms: None,
            forms: vec![FormSpec {
                form_name: "Ownership".into(),
                type_identifier: None,
                type_revision: None,
                content: "{\"steward\":\"erin\"}".into(),
            }],
        })
        .await
        .unwrap();
    assert_eq!(a.revision, "4");
    let mut body = last_body(&sts, "POST", &format!("{base}/assets/ast0/revisions")).await;
    body.as_object_mut().unwrap().remove("clientToken");
    assert_eq!(body["name"], "orders_0", "name kept");
    assert_eq!(body["description"], "orders, daily, deduplicated");
    assert_eq!(body["glossaryTerms"], json!(["term0"]), "terms kept");
    assert_eq!(body["typeRevision"], "1");
    assert_eq!(
        body["formsInput"],
        json!([
            {"formName": "GlueTableForm", "typeIdentifier": "amazon.datazone.GlueTableFormType",
             "typeRevision": "5", "content": "{\"tableName\":\"orders\"}"},
            {"formName": "Ownership", "content": "{\"steward\":\"erin\"}"}
        ])
    );

    let a = CreateAssetRevision::new(&conn)
        .call_json(json!({"domain_id": "dzd_sales", "asset_id": "ast0", "name": "orders_v2"}))
        .await
        .unwrap();
    assert_eq!(a["revision"], "4");
    let mut body = last_body(&sts, "POST", &format!("{base}/assets/ast0/revisions")).await;
    body.as_object_mut().unwrap().remove("clientToken");
    assert_eq!(body, json!({"name": "orders_v2"}));

    let c = PublishListing::new(&conn)
        .call_json(json!({"domain_id": "dzd_sales", "asset_id": "ast0", "asset_revision": "4"}))
        .await
        .unwrap();
    assert_eq!(
        c,
        json!({"listing_id": "lst0", "listing_revision": "2", "status": "CREATING"})
    );
    let mut body = last_body(&sts, "POST", &format!("{base}/listings/change-set")).await;
    body.as_object_mut().unwrap().remove("clientToken");
    assert_eq!(
        body,
        json!({"entityIdentifier": "ast0", "entityType": "ASSET", "entityRevision": "4", "action": "PUBLISH"})
    );
    UnpublishListing::new(&conn)
        .call_json(json!({"domain_id": "dzd_sales", "asset_id": "ast0"}))
        .await
        .unwrap();
    let body = last_body(&sts, "POST", &format!("{base}/listings/change-set")).await;
    assert_eq!(body["action"], "UNPUBLISH");
    assert!(body.get("entityRevision").is_none());

    let ds = CreateDataSource::new(&conn)
        .call_json(json!({"domain_id": "dzd_sales", "project_id": "prj0", "environment_id": "env00",
            "name": "glue", "glue_databases": [{"database_name": "sales", "include": ["orders*"], "exclude": ["tmp_*"]}],
            "schedule": "cron(0 3 * * ? *)", "publish_on_import": true}))
        .await
        .unwrap();
    assert_eq!(ds["data_source_id"], "dsN");
    assert_eq!(
        ds["configuration"]["relational_filters"][0]["database_name"],
        "sales"
    );
    let mut body = last_body(&sts, "POST", &format!("{base}/data-sources")).await;
    body.as_object_mut().unwrap().remove("clientToken");
    assert_eq!(
        body,
        json!({"name": "glue", "projectIdentifier": "prj0", "environmentIdentifier": "env00",
            "type": "GLUE", "configuration": {"glueRunConfiguration": {
                "relationalFilterConfigurations": [{"databaseName": "sales", "filterExpressions": [
                    {"type": "INCLUDE", "expression": "orders*"},
                    {"type": "EXCLUDE", "expression": "tmp_*"}]}]}},
            "enableSetting": "ENABLED", "schedule": {"schedule": "cron(0 3 * * ? *)"},
            "publishOnImport": true})
    );

    let ds = UpdateDataSource::new(&conn)
        .call_json(json!({"domain_id": "dzd_sales", "data_source_id": "ds00", "enabled": false}))
        .await
        .unwrap();
    assert_eq!(ds["enable_setting"], "DISABLED");
    let body = last_body(&sts, "PATCH", &format!("{base}/data-sources/ds00")).await;
    assert_eq!(body, json!({"enableSetting": "DISABLED"}));

    let d = DeleteDataSource::new(&conn)
        .call_json(json!({"domain_id": "dzd_sales", "id": "ds00"}))
        .await
        .unwrap();
    assert_eq!(d["status"], "DELETING");
    let d = DeleteAsset::new(&conn)
        .call_json(json!({"domain_id": "dzd_sales", "id": "ast0"}))
        .await
        .unwrap();
    assert_eq!(d["id"], "ast0");
    assert_eq!(
        last_body(&sts, "DELETE", &format!("{base}/assets/ast0")).await,
        Value::Null
    );

    // Every DataZone request of this test was signed by the assumed role.
    assert!(dz_requests(&sts).await.iter().all(signed));

    // Bad input on ReadWrite: refused before any request.
    let before = dz_requests(&sts).await.len();
    for (tool, input, field) in [
        (
            Box::new(CreateAsset::new(&conn)) as Box<dyn Tool>,
            json!({"domain_id": "dzd_sales", "owning_project_id": "prj0", "name": "x".repeat(257),
                "type_identifier": "t"}),
            "name",
        ),
        (
            Box::new(CreateAsset::new(&conn)),
            json!({"domain_id": "dzd_sales", "owning_project_id": "", "name": "n", "type_identifier": "t"}),
            "owning_project_id",
        ),
        (
            Box::new(CreateDataSource::new(&conn)),
            json!({"domain_id": "dzd_sales", "project_id": "prj0", "name": "g", "glue_databases": []}),
            "glue_databases",
        ),
        (
            Box::new(CreateDataSource::new(&conn)),
            json!({"domain_id": "dzd_sales", "project_id": "prj0", "name": "g",
                "glue_databases": [{"database_name": "s"}], "schedule": "daily"}),
            "schedule",
        ),
        (
            Box::new(UpdateAsset::new(&conn)),
            json!({"domain_id": "dzd_sales", "asset_id": "ast0"}),
            "name",
        ),
        (
            Box::new(PublishListing::new(&conn)),
            json!({"domain_id": "xyz_sales", "asset_id": "ast0"}),
            "domain_id",
        ),
    ] {
        let err = tool.call_json(input).await.unwrap_err();
        assert_eq!(err.field(), Some(field), "{}: {err}", tool.name());
    }
    assert_eq!(dz_requests(&sts).await.len(), before);
}

#[tokio::test]
async fn scanner_options_are_checked() {
    let (sts, _fake) = setup().await;
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    for (o, field) in [
        (DataZoneOptions::default().concurrency(0), "concurrency"),
        (DataZoneOptions::default().concurrency(65), "concurrency"),
        (DataZoneOptions::default().page_size(51), "page_size"),
        (DataZoneOptions::default().domain("sales"), "domains"),
    ] {
        assert_eq!(
            DataZoneScanner::new(&conn, o).unwrap_err().field(),
            Some(field)
        );
    }
}

#[tokio::test]
async fn domains_are_paged_lazily() {
    let (sts, fake) = setup().await;
    fake.list(
        "GET /v2/domains",
        (0..20)
            .map(|i| domain_summary(&format!("dzd_d{i}")))
            .collect(),
    );
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let scanner = DomainScanner::new(
        &conn,
        DataZoneOptions::default().page_size(2).concurrency(1),
    )
    .unwrap();
    let first: Vec<_> = scanner.scan().take(3).collect().await;
    assert_eq!(first.len(), 3);
    let pages = dz_requests(&sts).await.len();
    assert!(
        pages <= 3,
        "3 records need 2 pages (+1 prefetched at most), saw {pages}"
    );
    let all = scanner.scan().count().await;
    assert_eq!(all, 20);
    assert_eq!(dz_requests(&sts).await.len() - pages, 10);
}

#[tokio::test]
async fn per_item_reads_run_with_bounded_concurrency() {
    let (sts, fake) = setup().await;
    fake.list("GET /v2/domains", vec![domain_summary("dzd_sales")]);
    let base = "/v2/domains/dzd_sales";
    let mut items = Vec::new();
    for a in 0..24 {
        let id = format!("ast{a}");
        items.push(
            json!({"assetItem": {"domainId": "dzd_sales", "identifier": id, "name": id,
            "typeIdentifier": "t", "typeRevision": "1", "owningProjectId": "prj0"}}),
        );
        fake.get(
            &format!("GET {base}/assets/{id}"),
            asset_response(&id, &id, "1"),
        );
    }
    fake.list(&format!("POST {base}/search?scope=ASSET"), items);
    fake.0.lock().unwrap().slow = Some((format!("GET {base}/assets/"), Duration::from_millis(60)));
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let scanner = AssetScanner::new(&conn, DataZoneOptions::default().concurrency(4)).unwrap();
    let start = std::time::Instant::now();
    let n = scanner.scan().count().await;
    let took = start.elapsed();
    assert_eq!(n, 24);
    // In flight at once: arrivals within less than one response delay of each other.
    let arrivals = fake.0.lock().unwrap().arrivals.clone();
    let max_in_flight = arrivals
        .iter()
        .map(|t| {
            arrivals
                .iter()
                .filter(|u| *u >= t && u.duration_since(*t) < Duration::from_millis(50))
                .count()
        })
        .max()
        .unwrap();
    assert_eq!(
        max_in_flight, 4,
        "at most `concurrency` GetAsset calls at once"
    );
    eprintln!("24 GetAsset at 60 ms, concurrency 4: {took:?}, max in flight {max_in_flight}");
    assert!(took >= Duration::from_millis(6 * 60), "{took:?}");
    assert!(
        took < Duration::from_millis(24 * 60),
        "concurrent, not sequential: {took:?}"
    );
}

#[tokio::test]
async fn the_connection_budget_caps_datazone_requests_in_flight_across_all_levels() {
    let (sts, fake) = setup().await;
    fake.list("GET /v2/domains", vec![domain_summary("dzd_sales")]);
    fake.seed_domain("dzd_sales");
    fake.0.lock().unwrap().slow = Some((String::new(), Duration::from_millis(40)));
    let conn = builder(&sts, AccessLevel::ReadOnly, 1)
        .budget(BudgetSettings::default().max_in_flight(3))
        .build()
        .await
        .unwrap();
    let options = DataZoneOptions::default().concurrency(8).page_size(2);
    let n = DataZoneScanner::new(&conn, options)
        .unwrap()
        .scan()
        .map(|i| assert!(matches!(i.unwrap(), ScanItem::Record(_))))
        .count()
        .await;
    assert_eq!(n, 44);
    let arrivals = fake.0.lock().unwrap().arrivals.clone();
    let max_in_flight = arrivals
        .iter()
        .map(|t| {
            arrivals
                .iter()
                .filter(|u| *u >= t && u.duration_since(*t) < Duration::from_millis(30))
                .count()
        })
        .max()
        .unwrap();
    eprintln!(
        "{} requests at 40 ms, budget max_in_flight 3: max in flight {max_in_flight}",
        arrivals.len()
    );
    assert_eq!(max_in_flight, 3);
    let stats = conn.request_stats();
    assert!(
        stats.iter().any(|s| s.api.starts_with("datazone:")),
        "the interceptor names DataZone's APIs for the budget: {stats:?}"
    );
    let err = builder(&sts, AccessLevel::ReadOnly, 1)
        .budget(BudgetSettings::default().max_in_flight(0))
        .build()
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("budget.max_in_flight"));
}

/// Every DataZone operator's declared `ACTIONS` equal the IAM actions its requests need,
/// recorded at the transport: the test kit's proxy sits between the connection and this
/// file's DataZone fake and names each request (issue 11, item 4).
#[tokio::test]
async fn every_datazone_operator_sends_exactly_its_declared_actions() {
    use chicory_aws_testkit::faults::FaultProxy;
    use chicory_aws_testkit::sent::assert_sent_equals_declared;
    let (sts, fake) = setup().await;
    fake.seed_domain("dzd_sales");
    let base = "/v2/domains/dzd_sales";
    for (route, body) in [
        ("POST /assets", asset_response("astN", "orders", "1")),
        (
            "POST /assets/ast0/revisions",
            asset_response("ast0", "orders_0", "4"),
        ),
        ("DELETE /assets/ast0", json!({})),
        (
            "POST /listings/change-set",
            json!({"listingId": "lst0", "listingRevision": "2", "status": "CREATING"}),
        ),
        (
            "POST /data-sources",
            data_source_response("dsN", "ENABLED", "CREATING"),
        ),
        (
            "PATCH /data-sources/ds00",
            data_source_response("ds00", "DISABLED", "READY"),
        ),
        (
            "DELETE /data-sources/ds00",
            data_source_response("ds00", "ENABLED", "DELETING"),
        ),
    ] {
        let (method, path) = route.split_once(' ').unwrap();
        fake.get(&format!("{method} {base}{path}"), body);
    }
    // The governance reads (issue 13): a lineage node, its history (answered as `nodes`, not
    // `items`), a subscription and a grant, in the model's shapes.
    let node = json!({"domainId": "dzd_sales", "id": "ast0", "name": "orders",
        "typeName": "amazon.datazone.GlueTableAssetType", "typeRevision": "5",
        "sourceIdentifier": "arn:aws:glue:us-east-1:123456789012:table/sales/orders",
        "eventTimestamp": 1.7e9, "upstreamNodes": [{"id": "ast1", "eventTimestamp": 1.7e9}],
        "downstreamNodes": [], "createdAt": 1.7e9, "createdBy": "lineage-bot"});
    fake.get(&format!("GET {base}/lineage/nodes/ast0"), node.clone());
    fake.get(
        &format!("GET {base}/lineage/nodes/ast0/history"),
        json!({ "nodes": [node] }),
    );
    fake.list(
        &format!("GET {base}/subscriptions"),
        vec![
            json!({"id": "sub0", "domainId": "dzd_sales", "status": "APPROVED",
            "subscribedListing": {"id": "lst0", "revision": "2", "name": "orders",
                "description": "published orders", "ownerProjectId": "prj0",
                "item": {"assetListing": {"entityId": "ast0", "entityRevision": "1"}}},
            "subscribedPrincipal": {"project": {"id": "prj1", "name": "project 1"}},
            "createdBy": "usr-bob", "createdAt": 1.7e9, "updatedAt": 1.7e9}),
        ],
    );
    fake.list(
        &format!("GET {base}/subscription-grants"),
        vec![
            json!({"id": "grant0", "domainId": "dzd_sales", "status": "COMPLETED",
            "subscriptionTargetId": "tgt0", "subscriptionId": "sub0",
            "grantedEntity": {"listing": {"id": "lst0", "revision": "2"}},
            "assets": [{"assetId": "ast0", "assetRevision": "1", "status": "GRANTED"}],
            "createdBy": "steward", "createdAt": 1.7e9, "updatedAt": 1.7e9}),
        ],
    );
    let proxy = FaultProxy::start(&sts.server().uri(), 1).await;
    let conn = builder(&sts, AccessLevel::ReadWrite, 1)
        .service_endpoint_url("datazone", proxy.url())
        .build()
        .await
        .unwrap();
    let d = "dzd_sales";
    let mut calls = vec![
        ("datazone_search", json!({"domain_id": d, "scope": "asset"})),
        (
            "datazone_search",
            json!({"domain_id": d, "scope": "glossary_term"}),
        ),
        ("datazone_search_listings", json!({ "domain_id": d })),
        ("datazone_get_asset", json!({"domain_id": d, "id": "ast0"})),
        (
            "datazone_get_listing",
            json!({"domain_id": d, "id": "lst2"}),
        ),
        (
            "datazone_get_glossary",
            json!({"domain_id": d, "id": "gls1"}),
        ),
        (
            "datazone_get_glossary_term",
            json!({"domain_id": d, "id": "term3"}),
        ),
        (
            "datazone_list_asset_revisions",
            json!({"domain_id": d, "asset_id": "ast0"}),
        ),
    ];
    let governance = [
        (
            "datazone_get_lineage_node",
            json!({"domain_id": d, "identifier": "ast0"}),
        ),
        (
            "datazone_list_lineage_node_history",
            json!({"domain_id": d, "identifier": "ast0"}),
        ),
        ("datazone_list_subscriptions", json!({ "domain_id": d })),
        (
            "datazone_list_subscription_grants",
            json!({ "domain_id": d }),
        ),
    ];
    calls.extend(governance.iter().cloned());
    let tools = write_tools(&conn);
    for (tool, input) in &tools {
        calls.push((tool.name(), input.clone()));
    }
    // The proxy names the four governance paths too (GetLineageNode, ListLineageNodeHistory,
    // ListSubscriptions, ListSubscriptionGrants): every operator is driven.
    assert_sent_equals_declared(
        &proxy,
        &chicory_aws_datazone::tools(&conn),
        &calls,
        &[],
        &[],
    )
    .await;
    // The four governance calls were answered, not refused: what they sent is what a
    // successful read sends.
    let registry = chicory_aws_datazone::tools(&conn);
    for (name, input) in &governance {
        let tool = registry.iter().find(|t| t.name() == *name).unwrap();
        let out = tool
            .call_json(input.clone())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = out.to_string();
        assert!(
            ["ast0", "sub0", "grant0"]
                .iter()
                .any(|id| text.contains(id)),
            "{name} answers the seeded item: {text}"
        );
    }
}
