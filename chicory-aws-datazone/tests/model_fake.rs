//! The real `aws-sdk-datazone` client against a DataZone fake on loopback (see `common`):
//! whole-domain and per-kind scans paginated at every level, denied parts skipped, throttling
//! ridden through by SDK retry, ReadOnly writes refused locally, and writes on ReadWrite sending
//! the right method, path and body.

mod model_support;

use chicory_aws_core::{AccessLevel, ErrorKind, Operator, ScanItem, Scanner, Tool};
use chicory_aws_datazone::records::*;
use chicory_aws_datazone::*;
use futures::StreamExt;
use model_support::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const SALES: &str = "dzd_sales01";
const OPS: &str = "dzd-ops02";

async fn collect<S: Scanner>(s: &S) -> (Vec<S::Record>, Vec<chicory_aws_core::Skipped>) {
    let mut records = Vec::new();
    let mut skipped = Vec::new();
    let mut stream = s.scan();
    while let Some(item) = stream.next().await {
        match item.expect("scan item") {
            ScanItem::Record(r) => records.push(r),
            ScanItem::Skipped(k) => skipped.push(k),
        }
    }
    (records, skipped)
}

fn body(r: &wiremock::Request) -> Value {
    serde_json::from_slice(&r.body).unwrap_or(Value::Null)
}

fn query(r: &wiremock::Request, k: &str) -> Option<String> {
    r.url
        .query_pairs()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.into_owned())
}

/// The page size and token a list/search request sent (query for GET, body for POST).
fn paging(r: &wiremock::Request) -> (Option<i64>, Option<String>) {
    if r.method.as_str() == "GET" {
        (
            query(r, "maxResults").and_then(|s| s.parse().ok()),
            query(r, "nextToken"),
        )
    } else {
        let b = body(r);
        (
            b["maxResults"].as_i64(),
            b["nextToken"].as_str().map(Into::into),
        )
    }
}

/// A label for a list/search call, e.g. `GET projects`; None for single reads and writes.
fn list_op(r: &wiremock::Request) -> Option<String> {
    let segs: Vec<&str> = r.url.path().trim_start_matches("/v2/").split('/').collect();
    let m = r.method.as_str();
    match (m, segs.as_slice()) {
        ("GET", ["domains"]) => Some("ListDomains".into()),
        ("GET", ["domains", _, c]) => Some(format!("GET {c}")),
        ("GET", ["domains", _, "assets", _, "revisions"]) => Some("ListAssetRevisions".into()),
        ("POST", ["domains", _, "search"]) => Some(format!("Search {}", body(r)["searchScope"])),
        ("POST", ["domains", _, "types-search"]) => Some("SearchTypes".into()),
        ("POST", ["domains", _, "listings", "search"]) => Some("SearchListings".into()),
        _ => None,
    }
}

fn kinds(records: &[DataZoneRecord]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for r in records {
        *m.entry(r.kind()).or_insert(0) += 1;
    }
    m
}

#[tokio::test]
async fn full_scan_of_three_domains_paginates_every_level() {
    let sts = fake_sts().await;
    mount(&sts).await;
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let scanner = DataZoneScanner::new(
        &conn,
        DataZoneOptions::default()
            .page_size(2)
            .concurrency(4)
            .asset_revisions(true),
    )
    .unwrap();
    let (records, skipped) = collect(&scanner).await;
    assert!(skipped.is_empty(), "{skipped:?}");
    let d = DOMAINS.len();
    let expected = BTreeMap::from([
        ("datazone_domain", d),
        ("datazone_project", d * PROJECTS),
        ("datazone_environment", d * PROJECTS * PER_PROJECT),
        ("datazone_data_source", d * PROJECTS * PER_PROJECT),
        ("datazone_environment_profile", d * PROFILES),
        ("datazone_asset", d * ASSETS),
        ("datazone_form_type", d * FORM_TYPES),
        ("datazone_listing", d * LISTINGS),
        ("datazone_glossary", d * GLOSSARIES),
        ("datazone_glossary_term", d * TERMS),
    ]);
    assert_eq!(kinds(&records), expected);
    assert_eq!(records.len(), 44 * DOMAINS.len());

    // No duplicates: every record is a distinct JSON line.
    let lines: std::collections::HashSet<String> = records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect();
    assert_eq!(lines.len(), records.len());

    // Fields from the detail reads.
    for r in &records {
        match r {
            DataZoneRecord::Domain(x) => {
                assert_eq!(x.origin.account_id, "123456789012");
                assert_eq!(x.status, "AVAILABLE");
                assert!(x
                    .created_at
                    .as_deref()
                    .unwrap()
                    .starts_with("2024-05-01T10:00:00"));
            }
            DataZoneRecord::Project(x) => {
                assert!(x.project_id.starts_with(&x.domain_id[4..]));
                assert!(x.created_by.starts_with("user-"));
                assert_eq!(x.created_at.as_deref(), Some("2024-05-01T10:00:00Z"));
            }
            DataZoneRecord::Environment(x) => {
                assert!(x
                    .environment_id
                    .as_ref()
                    .unwrap()
                    .starts_with(&x.project_id));
                assert_eq!(x.provider, "Amazon DataZone");
            }
            DataZoneRecord::DataSource(x) => {
                assert_eq!(x.last_run_status.as_deref(), Some("SUCCESS"));
                assert_eq!(x.last_run_asset_count, Some(12));
                assert_eq!(x.schedule.as_deref(), Some("cron(0 3 * * ? *)"));
                let c = x.configuration.as_ref().expect("configuration");
                assert_eq!(c.relational_filters[0].database_name, "sales");
                assert!(x.data_source_id.starts_with(&x.project_id));
            }
            DataZoneRecord::Asset(a) => {
                assert_eq!(a.forms[0].form_name, "GlueTableForm");
                assert_eq!(
                    a.forms[0].content.as_deref(),
                    Some("{\"tableName\":\"orders\"}")
                );
                assert_eq!(a.read_only_forms.len(), 1);
                assert_eq!(a.revision, "3");
                let revs = a.revisions.as_ref().expect("revisions asked for");
                assert_eq!(revs.len(), REVISIONS, "{}", a.asset_id);
                assert_eq!(revs[0].revision.as_deref(), Some("3"));
                let listed = ["-a0", "-a1", "-a2"]
                    .iter()
                    .any(|s| a.asset_id.ends_with(s));
                assert_eq!(a.listing_status.is_some(), listed);
            }
            DataZoneRecord::Listing(l) => {
                assert_eq!(
                    l.listing_id,
                    format!("{}-l", l.asset_id.as_deref().unwrap())
                );
                assert_eq!(l.status.as_deref(), Some("ACTIVE"));
                assert!(l.forms.as_deref().unwrap().contains("GlueTableForm"));
            }
            DataZoneRecord::GlossaryTerm(t) => {
                assert_eq!(t.is_a, vec![format!("{}-t1", &t.domain_id[4..])]);
                assert!(t.glossary_id.ends_with("-g0"));
            }
            DataZoneRecord::FormType(f) => {
                assert!(f.model.as_deref().unwrap().contains("SalesForm"));
            }
            DataZoneRecord::Glossary(g) => assert_eq!(g.status, "ENABLED"),
            DataZoneRecord::EnvironmentProfile(p) => {
                assert_eq!(p.environment_blueprint_id, "blueprint-datalake")
            }
            DataZoneRecord::LineageNode(_)
            | DataZoneRecord::Subscription(_)
            | DataZoneRecord::SubscriptionGrant(_) => {
                panic!("the governance kinds are read only when named: {r:?}")
            }
        }
    }

    // Every request was signed by the assumed role's session; every list asked for pages of 2
    // and every list with more than 2 items was followed with its nextToken.
    let reqs = datazone_requests(&sts).await;
    assert!(reqs.iter().all(|r| signed(r, "ASIAFAKE")));
    let mut firsts: BTreeMap<String, usize> = BTreeMap::new();
    let mut follows: BTreeMap<String, usize> = BTreeMap::new();
    for r in &reqs {
        if let Some(op) = list_op(r) {
            let (max, token) = paging(r);
            assert_eq!(max, Some(2), "{op}: {}", r.url);
            let m = if token.is_some() {
                &mut follows
            } else {
                &mut firsts
            };
            *m.entry(op).or_insert(0) += 1;
        }
    }
    let units = BTreeMap::from([
        ("ListDomains", 1),
        ("GET projects", d),
        ("GET environments", d * PROJECTS),
        ("GET data-sources", d * PROJECTS),
        ("GET environment-profiles", d),
        ("Search \"ASSET\"", d),
        ("Search \"GLOSSARY\"", d),
        ("Search \"GLOSSARY_TERM\"", d),
        ("SearchTypes", d),
        ("SearchListings", d),
        ("ListAssetRevisions", d * ASSETS),
    ]);
    for (op, n) in units {
        assert_eq!(firsts.get(op), Some(&n), "first pages of {op}: {firsts:?}");
        assert!(
            follows.get(op).copied().unwrap_or(0) >= n,
            "no next pages for {op}"
        );
    }
    // Three items in pages of two: exactly one follow-up page per list of three.
    assert_eq!(follows["GET projects"], d);
    assert_eq!(follows["Search \"ASSET\""], 2 * d);
}

#[tokio::test]
async fn per_kind_scanners_and_domain_filter() {
    let sts = fake_sts().await;
    mount(&sts).await;
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let o = || DataZoneOptions::default().page_size(2);
    let d = DOMAINS.len();

    let (r, _) = collect(&DomainScanner::new(&conn, o()).unwrap()).await;
    assert_eq!(r.len(), d);
    let (r, _) = collect(&ProjectScanner::new(&conn, o()).unwrap()).await;
    assert_eq!(r.len(), d * PROJECTS);
    let (r, _) = collect(&EnvironmentScanner::new(&conn, o()).unwrap()).await;
    assert_eq!(r.len(), d * PROJECTS * PER_PROJECT);
    let (r, _) = collect(&EnvironmentProfileScanner::new(&conn, o()).unwrap()).await;
    assert_eq!(r.len(), d * PROFILES);
    let (r, _) = collect(&DataSourceScanner::new(&conn, o()).unwrap()).await;
    assert_eq!(r.len(), d * PROJECTS * PER_PROJECT);
    assert!(r.iter().all(|x| x.configuration.is_some()));
    let (r, _) = collect(&AssetScanner::new(&conn, o()).unwrap()).await;
    assert_eq!(r.len(), d * ASSETS);
    assert!(r.iter().all(|a| a.revisions.is_none()));
    let (r, _) = collect(&FormTypeScanner::new(&conn, o()).unwrap()).await;
    assert_eq!(r.len(), d * FORM_TYPES);
    let (r, _) = collect(&FormTypeScanner::new(&conn, o().managed_form_types(true)).unwrap()).await;
    assert_eq!(r.len(), d * (FORM_TYPES + 1));
    let (r, _) = collect(&ListingScanner::new(&conn, o()).unwrap()).await;
    assert_eq!(r.len(), d * LISTINGS);
    let (r, _) = collect(&GlossaryScanner::new(&conn, o()).unwrap()).await;
    assert_eq!(r.len(), d * GLOSSARIES);
    let (r, _) = collect(&GlossaryTermScanner::new(&conn, o()).unwrap()).await;
    assert_eq!(r.len(), d * TERMS);

    // One domain only: nothing of the other is read.
    let before = datazone_requests(&sts).await.len();
    let (r, _) = collect(&DataZoneScanner::new(&conn, o().domain(OPS)).unwrap()).await;
    assert_eq!(r.len(), 44);
    assert!(r
        .iter()
        .all(|x| serde_json::to_value(x).unwrap()["domain_id"] == OPS));
    let after = datazone_requests(&sts).await;
    assert!(after[before..]
        .iter()
        .all(|q| !q.url.path().contains(SALES)));

    // Options are checked before any request.
    let before = datazone_requests(&sts).await.len();
    for (opts, field) in [
        (o().domain("sales01"), "domains"),
        (o().concurrency(0), "concurrency"),
        (DataZoneOptions::default().page_size(51), "page_size"),
    ] {
        let err = DataZoneScanner::new(&conn, opts).unwrap_err();
        assert_eq!(err.field(), Some(field));
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    }
    assert_eq!(datazone_requests(&sts).await.len(), before);
}

#[tokio::test]
async fn denied_parts_are_skipped_and_the_scan_goes_on() {
    let sts = fake_sts().await;
    let fake = mount(&sts).await;
    let denied_project = project_id(OPS, 1);
    fake.fault(Fault {
        method: "GET",
        path: format!("/v2/domains/{OPS}/environments"),
        query: Some(("projectIdentifier".into(), denied_project.clone())),
        status: 403,
        code: "AccessDeniedException",
        times: None,
    });
    fake.fault(Fault::always(
        "GET",
        format!("/v2/domains/{SALES}/assets/sales01-a3"),
        403,
        "AccessDeniedException",
    ));
    fake.fault(Fault::always(
        "POST",
        format!("/v2/domains/{SALES}/types-search"),
        403,
        "AccessDeniedException",
    ));
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let scanner = DataZoneScanner::new(&conn, DataZoneOptions::default().page_size(2)).unwrap();
    let (records, skipped) = collect(&scanner).await;
    let k = kinds(&records);
    let d = DOMAINS.len();
    assert_eq!(
        k["datazone_environment"],
        d * PROJECTS * PER_PROJECT - PER_PROJECT
    );
    assert_eq!(k["datazone_asset"], d * ASSETS - 1);
    assert_eq!(k["datazone_form_type"], (d - 1) * FORM_TYPES);
    // The rest is whole, the denied project's other parts included.
    assert_eq!(k["datazone_data_source"], d * PROJECTS * PER_PROJECT);
    assert_eq!(k["datazone_project"], d * PROJECTS);
    assert_eq!(k["datazone_glossary_term"], d * TERMS);
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(skipped.iter().all(|s| s.kind == ErrorKind::AccessDenied));
    let parts: Vec<&str> = skipped.iter().map(|s| s.part.as_str()).collect();
    assert!(parts
        .iter()
        .any(|p| p.starts_with("datazone:ListEnvironments") && p.contains(&denied_project)));
    assert!(parts
        .iter()
        .any(|p| p.starts_with("datazone:GetAsset") && p.contains("sales01-a3")));
    assert!(parts
        .iter()
        .any(|p| p.starts_with("datazone:SearchTypes") && p.contains(SALES)));
    assert!(skipped
        .iter()
        .all(|s| s.reason.contains("AccessDeniedException")));

    // A denied ListDomains is a skipped part, and nothing else can be read.
    fake.fault(Fault {
        method: "GET",
        path: "/v2/domains".into(),
        query: None,
        status: 403,
        code: "AccessDeniedException",
        times: None,
    });
    let mut s = scanner.scan();
    let skipped = match s.next().await {
        Some(Ok(ScanItem::Skipped(k))) => k,
        other => panic!(
            "expected a skipped part, got {:?}",
            other.map(|r| r.is_ok())
        ),
    };
    assert_eq!(skipped.kind, ErrorKind::AccessDenied);
    assert_eq!(skipped.part, "datazone:ListDomains");
    assert!(s.next().await.is_none());
}

#[tokio::test]
async fn throttling_is_ridden_through_by_sdk_retry() {
    let sts = fake_sts().await;
    let fake = mount(&sts).await;
    let throttle = |path: String, method: &'static str, times| Fault {
        method,
        path,
        query: None,
        status: 429,
        code: "ThrottlingException",
        times: Some(times),
    };
    fake.fault(throttle(format!("/v2/domains/{SALES}/projects"), "GET", 2));
    fake.fault(throttle(format!("/v2/domains/{OPS}/search"), "POST", 1));
    fake.fault(throttle(
        format!("/v2/domains/{OPS}/glossary-terms/ops02-t2"),
        "GET",
        2,
    ));
    let conn = connect(&sts, AccessLevel::ReadOnly, 3).await;
    let scanner = DataZoneScanner::new(&conn, DataZoneOptions::default().page_size(2)).unwrap();
    let (records, skipped) = collect(&scanner).await;
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(records.len(), 44 * DOMAINS.len());
    // The retried calls reached the fake again: 2 + 1 + 2 extra requests.
    let reqs = datazone_requests(&sts).await;
    let n = |p: &str, first_page: bool| {
        reqs.iter()
            .filter(|r| r.url.path() == p && (!first_page || paging(r).1.is_none()))
            .count()
    };
    assert_eq!(n(&format!("/v2/domains/{SALES}/projects"), true), 3);
    assert_eq!(
        n(&format!("/v2/domains/{OPS}/glossary-terms/ops02-t2"), false),
        3
    );

    // Throttling that outlasts the retries (3 SDK attempts x 2 page tries = 6 requests per scan;
    // 12 throttles for the two scans below): the part is incomplete, an error naming the action
    // and the domain; the other domains' projects are read, and nothing is skipped.
    fake.fault(throttle(format!("/v2/domains/{OPS}/projects"), "GET", 12));
    let scanner = ProjectScanner::new(&conn, DataZoneOptions::default()).unwrap();
    let (mut records, mut skipped, mut incomplete) = (0, 0, Vec::new());
    let mut s = scanner.scan();
    while let Some(item) = s.next().await {
        match item {
            Ok(ScanItem::Record(_)) => records += 1,
            Ok(ScanItem::Skipped(_)) => skipped += 1,
            Err(e) => incomplete.push(e),
        }
    }
    assert_eq!(records, (DOMAINS.len() - 1) * PROJECTS);
    assert_eq!(skipped, 0);
    assert_eq!(incomplete.len(), 1);
    let e = &incomplete[0];
    assert_eq!(e.kind(), ErrorKind::Throttled, "{e}");
    assert_eq!(e.operation(), Some("datazone:ListProjects"));
    assert_eq!(e.resource(), Some(format!("domain={OPS}").as_str()));
    let summary = chicory_aws_core::run_scan(
        &scanner,
        &mut chicory_aws_core::JsonLinesSink::new(Vec::new()),
        100,
        |_| {},
    )
    .await
    .unwrap();
    assert!(!summary.is_complete(), "{summary:?}");
    assert_eq!(summary.records as usize, (DOMAINS.len() - 1) * PROJECTS);
    assert_eq!(
        summary.incomplete[0].part,
        format!("datazone:ListProjects domain={OPS}")
    );
}

#[tokio::test]
async fn unread_asset_revisions_are_none_beside_their_part_never_partial() {
    let sts = fake_sts().await;
    let fake = mount(&sts).await;
    let revisions = |asset: &str| format!("/v2/domains/{SALES}/assets/{asset}/revisions");
    // a1: denied. a2: the second page fails past every retry (the first page was read).
    fake.fault(Fault::always(
        "GET",
        revisions("sales01-a1"),
        403,
        "AccessDeniedException",
    ));
    fake.fault(Fault {
        method: "GET",
        path: revisions("sales01-a2"),
        query: Some(("nextToken".into(), "off-2".into())),
        status: 500,
        code: "InternalServerException",
        times: None,
    });
    let conn = connect(&sts, AccessLevel::ReadOnly, 2).await;
    let options = DataZoneOptions::default()
        .domain(SALES)
        .page_size(2)
        .asset_revisions(true);
    let scanner = AssetScanner::new(&conn, options).unwrap();
    let (mut assets, mut skipped, mut incomplete) = (BTreeMap::new(), Vec::new(), Vec::new());
    let mut s = scanner.scan();
    while let Some(item) = s.next().await {
        match item {
            Ok(ScanItem::Record(a)) => {
                assets.insert(a.asset_id.clone(), a.revisions.map(|r| r.len()));
            }
            Ok(ScanItem::Skipped(k)) => skipped.push(k),
            Err(e) => incomplete.push(e),
        }
    }
    // Every asset is a record; the unread revisions are None, not empty and not the first page.
    assert_eq!(assets.len(), ASSETS);
    for (id, revs) in &assets {
        let expected = if id.ends_with("-a1") || id.ends_with("-a2") {
            None
        } else {
            Some(REVISIONS)
        };
        assert_eq!(*revs, expected, "{id}");
    }
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].kind, ErrorKind::AccessDenied);
    assert_eq!(
        skipped[0].part,
        format!("datazone:ListAssetRevisions domain={SALES} asset=sales01-a1")
    );
    assert_eq!(incomplete.len(), 1, "{incomplete:?}");
    let e = &incomplete[0];
    assert_eq!(e.operation(), Some("datazone:ListAssetRevisions"));
    assert_eq!(
        e.resource(),
        Some(format!("domain={SALES} asset=sales01-a2").as_str())
    );
    assert_eq!(e.code(), Some("InternalServerException"));
}

#[tokio::test]
async fn read_operators_search_get_and_list() {
    let sts = fake_sts().await;
    mount(&sts).await;
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;

    // Search assets, two pages of 2 then the last.
    let search = SearchCatalog::new(&conn);
    let input = |token: Option<String>| SearchCatalogInput {
        domain_id: SALES.into(),
        scope: SearchScope::Asset,
        search_text: None,
        owning_project_id: None,
        max_results: Some(2),
        next_token: token,
    };
    let mut ids = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let out = search.call(input(token)).await.unwrap();
        pages += 1;
        ids.extend(out.items.iter().map(|h| h.id.clone()));
        assert!(out.items.iter().all(|h| h.kind == "asset"));
        token = out.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        ids,
        (0..ASSETS)
            .map(|i| format!("sales01-a{i}"))
            .collect::<Vec<_>>()
    );

    // Glossary terms through the Tool interface (JSON in, JSON out).
    let out = search
        .call_json(json!({"domain_id": OPS, "scope": "glossary_term", "search_text": "term 3"}))
        .await
        .unwrap();
    assert_eq!(out["items"].as_array().unwrap().len(), 1);
    assert_eq!(out["items"][0]["id"], "ops02-t3");
    assert_eq!(out["items"][0]["glossary_id"], "ops02-g0");
    let reqs = datazone_requests(&sts).await;
    let last = body(reqs.last().unwrap());
    assert_eq!(last["searchScope"], "GLOSSARY_TERM");
    assert_eq!(last["searchText"], "term 3");

    let listings = SearchListings::new(&conn)
        .call(SearchListingsInput {
            domain_id: SALES.into(),
            search_text: None,
            max_results: None,
            next_token: None,
        })
        .await
        .unwrap();
    assert_eq!(listings.items.len(), LISTINGS);
    assert_eq!(listings.items[0].kind, "asset_listing");
    assert_eq!(listings.items[0].entity_id.as_deref(), Some("sales01-a0"));

    let r = |id: &str| ResourceRef {
        domain_id: SALES.into(),
        id: id.into(),
        revision: None,
    };
    let a = GetAsset::new(&conn)
        .call(ResourceRef {
            revision: Some("2".into()),
            ..r("sales01-a1")
        })
        .await
        .unwrap();
    assert_eq!(a.revision, "2");
    assert_eq!(a.listing_id.as_deref(), Some("sales01-a1-l"));
    let reqs = datazone_requests(&sts).await;
    let last = reqs.last().unwrap();
    assert_eq!(last.url.path(), "/v2/domains/dzd_sales01/assets/sales01-a1");
    assert_eq!(query(last, "revision").as_deref(), Some("2"));

    let l = GetListing::new(&conn)
        .call(r("sales01-a2-l"))
        .await
        .unwrap();
    assert_eq!(l.asset_id.as_deref(), Some("sales01-a2"));
    assert_eq!(l.listing_revision, "2");
    let g = GetGlossary::new(&conn).call(r("sales01-g1")).await.unwrap();
    assert_eq!(g.name, "glossary sales01-g1");
    let t = GetGlossaryTerm::new(&conn)
        .call(r("sales01-t4"))
        .await
        .unwrap();
    assert_eq!(t.short_description.as_deref(), Some("a term"));
    let revs = ListAssetRevisions::new(&conn)
        .call(ListAssetRevisionsInput {
            domain_id: SALES.into(),
            asset_id: "sales01-a0".into(),
            max_results: Some(2),
            next_token: None,
        })
        .await
        .unwrap();
    assert_eq!(revs.revisions.len(), 2);
    assert_eq!(revs.next_token.as_deref(), Some("off-2"));

    // ResourceNotFoundException maps to NotFound, naming the resource.
    for err in [
        GetAsset::new(&conn)
            .call(r("sales01-a77"))
            .await
            .unwrap_err(),
        GetGlossaryTerm::new(&conn)
            .call(r("nope"))
            .await
            .unwrap_err(),
        GetListing::new(&conn)
            .call(ResourceRef {
                domain_id: "dzd_gone".into(),
                ..r("x-l")
            })
            .await
            .unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
        assert_eq!(err.code(), Some("ResourceNotFoundException"));
    }

    // Bad input is refused before any request.
    let before = datazone_requests(&sts).await.len();
    let bad = [
        GetAsset::new(&conn)
            .call(ResourceRef {
                domain_id: "sales01".into(),
                ..r("a")
            })
            .await
            .unwrap_err(),
        GetAsset::new(&conn).call(r("")).await.unwrap_err(),
        GetListing::new(&conn).call(r("a/b")).await.unwrap_err(),
        search
            .call(SearchCatalogInput {
                max_results: Some(0),
                ..input(None)
            })
            .await
            .unwrap_err(),
        search
            .call_json(json!({"domain_id": SALES, "scope": "asset", "bogus": 1}))
            .await
            .unwrap_err(),
    ];
    let fields: Vec<Option<&str>> = bad.iter().map(|e| e.field()).collect();
    assert_eq!(
        &fields[..4],
        &[
            Some("domain_id"),
            Some("id"),
            Some("id"),
            Some("max_results")
        ]
    );
    assert!(bad.iter().all(|e| e.kind() == ErrorKind::InvalidConfig));
    assert_eq!(datazone_requests(&sts).await.len(), before);
}

fn form(name: &str, content: &str) -> FormSpec {
    FormSpec {
        form_name: name.into(),
        type_identifier: Some(format!("sales.{name}Type")),
        type_revision: Some("1".into()),
        content: content.into(),
    }
}

fn create_asset() -> CreateAssetInput {
    CreateAssetInput {
        domain_id: SALES.into(),
        owning_project_id: project_id(SALES, 1),
        name: "refunds".into(),
        type_identifier: "amazon.datazone.GlueTableAssetType".into(),
        type_revision: None,
        description: Some("refunds table".into()),
        external_identifier: None,
        glossary_terms: vec!["sales01-t0".into()],
        forms: vec![form("SalesForm", "{\"region\":\"eu\"}")],
    }
}

fn create_data_source() -> CreateDataSourceInput {
    CreateDataSourceInput {
        domain_id: SALES.into(),
        project_id: project_id(SALES, 2),
        environment_id: Some("sales01-p2-e0".into()),
        name: "sales glue".into(),
        description: None,
        glue_databases: vec![GlueDatabaseFilter {
            database_name: "sales".into(),
            include: vec!["orders*".into()],
            exclude: vec!["tmp_*".into()],
        }],
        data_access_role: Some("arn:aws:iam::123456789012:role/dz-access".into()),
        enabled: None,
        schedule: Some("cron(0 3 * * ? *)".into()),
        publish_on_import: Some(false),
    }
}

fn listing_change() -> ListingChangeInput {
    ListingChangeInput {
        domain_id: SALES.into(),
        asset_id: "sales01-a4".into(),
        asset_revision: Some("3".into()),
    }
}

#[tokio::test]
async fn writes_are_refused_locally_on_a_read_only_connection() {
    let sts = fake_sts().await;
    mount(&sts).await;
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let del = || DeleteInput {
        domain_id: SALES.into(),
        id: "sales01-a0".into(),
    };
    let errs = vec![
        CreateAsset::new(&conn)
            .call(create_asset())
            .await
            .unwrap_err(),
        CreateAssetRevision::new(&conn)
            .call(CreateAssetRevisionInput {
                domain_id: SALES.into(),
                asset_id: "sales01-a0".into(),
                name: "x".into(),
                description: None,
                type_revision: None,
                glossary_terms: vec![],
                forms: vec![],
            })
            .await
            .unwrap_err(),
        UpdateAsset::new(&conn)
            .call(UpdateAssetInput {
                domain_id: SALES.into(),
                asset_id: "sales01-a0".into(),
                name: Some("y".into()),
                description: None,
                glossary_terms: None,
                forms: vec![],
            })
            .await
            .unwrap_err(),
        DeleteAsset::new(&conn).call(del()).await.unwrap_err(),
        PublishListing::new(&conn)
            .call(listing_change())
            .await
            .unwrap_err(),
        UnpublishListing::new(&conn)
            .call(listing_change())
            .await
            .unwrap_err(),
        CreateDataSource::new(&conn)
            .call(create_data_source())
            .await
            .unwrap_err(),
        UpdateDataSource::new(&conn)
            .call(UpdateDataSourceInput {
                domain_id: SALES.into(),
                data_source_id: "sales01-p0-ds0".into(),
                name: Some("z".into()),
                description: None,
                glue_databases: None,
                enabled: None,
                schedule: None,
                publish_on_import: None,
            })
            .await
            .unwrap_err(),
        DeleteDataSource::new(&conn).call(del()).await.unwrap_err(),
        DeleteAsset::new(&conn)
            .call_json(json!({"domain_id": SALES, "id": "sales01-a0"}))
            .await
            .unwrap_err(),
    ];
    for e in &errs {
        assert_eq!(e.kind(), ErrorKind::WriteNotPermitted, "{e}");
    }
    // Not one request left the process: neither DataZone nor STS.
    let all = sts.server().received_requests().await.unwrap_or_default();
    assert_eq!(
        all.len(),
        0,
        "{:?}",
        all.iter().map(|r| r.url.path()).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn writes_on_read_write_send_the_right_requests() {
    let sts = fake_sts().await;
    mount(&sts).await;
    let conn = connect(&sts, AccessLevel::ReadWrite, 1).await;
    let last = || async { datazone_requests(&sts).await.pop().unwrap() };

    // CreateAsset.
    let a = CreateAsset::new(&conn).call(create_asset()).await.unwrap();
    assert_eq!(a.name, "refunds");
    assert_eq!(a.owning_project_id, "sales01-p1");
    assert_eq!(a.forms[0].form_name, "SalesForm");
    let r = last().await;
    assert_eq!(
        (r.method.as_str(), r.url.path()),
        ("POST", "/v2/domains/dzd_sales01/assets")
    );
    let b = body(&r);
    assert_eq!(b["name"], "refunds");
    assert_eq!(b["owningProjectIdentifier"], "sales01-p1");
    assert_eq!(b["typeIdentifier"], "amazon.datazone.GlueTableAssetType");
    assert_eq!(b["glossaryTerms"], json!(["sales01-t0"]));
    assert_eq!(
        b["formsInput"],
        json!([{"formName": "SalesForm", "typeIdentifier": "sales.SalesFormType",
                "typeRevision": "1", "content": "{\"region\":\"eu\"}"}])
    );

    // UpdateAsset: GetAsset, then a revision keeping the untouched form and fields.
    let u = UpdateAsset::new(&conn)
        .call(UpdateAssetInput {
            domain_id: SALES.into(),
            asset_id: "sales01-a3".into(),
            name: None,
            description: Some("now with refunds".into()),
            glossary_terms: None,
            forms: vec![form("SalesForm", "{}")],
        })
        .await
        .unwrap();
    assert_eq!(u.revision, "4");
    assert_eq!(u.description.as_deref(), Some("now with refunds"));
    let reqs = datazone_requests(&sts).await;
    let (get, post) = (&reqs[reqs.len() - 2], &reqs[reqs.len() - 1]);
    assert_eq!(
        (get.method.as_str(), get.url.path()),
        ("GET", "/v2/domains/dzd_sales01/assets/sales01-a3")
    );
    assert_eq!(
        (post.method.as_str(), post.url.path()),
        (
            "POST",
            "/v2/domains/dzd_sales01/assets/sales01-a3/revisions"
        )
    );
    let b = body(post);
    assert_eq!(b["name"], "table sales01-a3");
    assert_eq!(b["description"], "now with refunds");
    assert_eq!(b["typeRevision"], "5");
    assert_eq!(b["glossaryTerms"], json!(["sales01-t0"]));
    let names: Vec<&str> = b["formsInput"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["formName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["GlueTableForm", "SalesForm"]);

    // CreateAssetRevision.
    let rev = CreateAssetRevision::new(&conn)
        .call(CreateAssetRevisionInput {
            domain_id: SALES.into(),
            asset_id: "sales01-a2".into(),
            name: "orders v2".into(),
            description: None,
            type_revision: Some("5".into()),
            glossary_terms: vec![],
            forms: vec![],
        })
        .await
        .unwrap();
    assert_eq!(rev.name, "orders v2");
    let b = body(&last().await);
    assert_eq!(b["name"], "orders v2");
    assert!(b.get("formsInput").is_none() && b.get("glossaryTerms").is_none());

    // DeleteAsset.
    let d = DeleteAsset::new(&conn)
        .call(DeleteInput {
            domain_id: SALES.into(),
            id: "sales01-a4".into(),
        })
        .await
        .unwrap();
    assert_eq!(d.id, "sales01-a4");
    let r = last().await;
    assert_eq!(
        (r.method.as_str(), r.url.path()),
        ("DELETE", "/v2/domains/dzd_sales01/assets/sales01-a4")
    );

    // Publish and unpublish.
    let p = PublishListing::new(&conn)
        .call(listing_change())
        .await
        .unwrap();
    assert_eq!(
        (p.listing_id.as_str(), p.status.as_str()),
        ("sales01-a4-l", "CREATING")
    );
    let r = last().await;
    assert_eq!(
        (r.method.as_str(), r.url.path()),
        ("POST", "/v2/domains/dzd_sales01/listings/change-set")
    );
    let b = body(&r);
    assert_eq!(
        (
            &b["action"],
            &b["entityType"],
            &b["entityIdentifier"],
            &b["entityRevision"]
        ),
        (
            &json!("PUBLISH"),
            &json!("ASSET"),
            &json!("sales01-a4"),
            &json!("3")
        )
    );
    let p = UnpublishListing::new(&conn)
        .call(listing_change())
        .await
        .unwrap();
    assert_eq!(p.status, "INACTIVE");
    assert_eq!(body(&last().await)["action"], "UNPUBLISH");

    // Data sources.
    let ds = CreateDataSource::new(&conn)
        .call(create_data_source())
        .await
        .unwrap();
    assert_eq!(ds.name, "sales glue");
    assert_eq!(ds.status.as_deref(), Some("CREATING"));
    let cfg = ds.configuration.unwrap();
    assert_eq!(cfg.relational_filters[0].database_name, "sales");
    let r = last().await;
    assert_eq!(
        (r.method.as_str(), r.url.path()),
        ("POST", "/v2/domains/dzd_sales01/data-sources")
    );
    let b = body(&r);
    assert_eq!(b["projectIdentifier"], "sales01-p2");
    assert_eq!(b["environmentIdentifier"], "sales01-p2-e0");
    assert_eq!(b["type"], "GLUE");
    assert_eq!(b["enableSetting"], "ENABLED");
    assert_eq!(b["publishOnImport"], false);
    assert_eq!(b["schedule"]["schedule"], "cron(0 3 * * ? *)");
    assert_eq!(
        b["configuration"]["glueRunConfiguration"],
        json!({
            "dataAccessRole": "arn:aws:iam::123456789012:role/dz-access",
            "relationalFilterConfigurations": [{
                "databaseName": "sales",
                "filterExpressions": [
                    {"type": "INCLUDE", "expression": "orders*"},
                    {"type": "EXCLUDE", "expression": "tmp_*"}
                ]
            }]
        })
    );

    let up = UpdateDataSource::new(&conn)
        .call(UpdateDataSourceInput {
            domain_id: SALES.into(),
            data_source_id: "sales01-p0-ds1".into(),
            name: Some("renamed".into()),
            description: None,
            glue_databases: None,
            enabled: Some(false),
            schedule: None,
            publish_on_import: None,
        })
        .await
        .unwrap();
    assert_eq!(up.name, "renamed");
    let r = last().await;
    assert_eq!(
        (r.method.as_str(), r.url.path()),
        (
            "PATCH",
            "/v2/domains/dzd_sales01/data-sources/sales01-p0-ds1"
        )
    );
    assert_eq!(
        body(&r),
        json!({"name": "renamed", "enableSetting": "DISABLED"})
    );

    let del = DeleteDataSource::new(&conn)
        .call(DeleteInput {
            domain_id: SALES.into(),
            id: "sales01-p0-ds2".into(),
        })
        .await
        .unwrap();
    assert_eq!(del.status.as_deref(), Some("DELETING"));
    let r = last().await;
    assert_eq!(
        (r.method.as_str(), r.url.path()),
        (
            "DELETE",
            "/v2/domains/dzd_sales01/data-sources/sales01-p0-ds2"
        )
    );

    // Missing things map to NotFound; bad input never reaches the fake.
    let err = DeleteAsset::new(&conn)
        .call(DeleteInput {
            domain_id: SALES.into(),
            id: "sales01-a50".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let before = datazone_requests(&sts).await.len();
    let bad = [
        CreateAsset::new(&conn)
            .call(CreateAssetInput {
                name: "x".repeat(257),
                ..create_asset()
            })
            .await
            .unwrap_err(),
        CreateAsset::new(&conn)
            .call(CreateAssetInput {
                domain_id: "dzd".into(),
                ..create_asset()
            })
            .await
            .unwrap_err(),
        CreateDataSource::new(&conn)
            .call(CreateDataSourceInput {
                glue_databases: vec![],
                ..create_data_source()
            })
            .await
            .unwrap_err(),
        CreateDataSource::new(&conn)
            .call(CreateDataSourceInput {
                schedule: Some("every day".into()),
                ..create_data_source()
            })
            .await
            .unwrap_err(),
        PublishListing::new(&conn)
            .call(ListingChangeInput {
                asset_id: String::new(),
                ..listing_change()
            })
            .await
            .unwrap_err(),
        UpdateAsset::new(&conn)
            .call(UpdateAssetInput {
                domain_id: SALES.into(),
                asset_id: "sales01-a0".into(),
                name: None,
                description: None,
                glossary_terms: None,
                forms: vec![],
            })
            .await
            .unwrap_err(),
    ];
    let fields: Vec<_> = bad.iter().map(|e| e.field().unwrap_or("?")).collect();
    assert_eq!(
        fields,
        [
            "name",
            "domain_id",
            "glue_databases",
            "schedule",
            "asset_id",
            "name"
        ]
    );
    assert_eq!(datazone_requests(&sts).await.len(), before);
}

#[test]
fn operators_declare_their_catalogue_actions() {
    use chicory_aws_policy::actions::datazone as a;
    assert_eq!(PublishListing::ACTIONS, &[a::CREATE_LISTING_CHANGE_SET]);
    assert_eq!(UnpublishListing::ACTIONS, &[a::CREATE_LISTING_CHANGE_SET]);
    assert_eq!(CreateAssetRevision::ACTIONS, &[a::CREATE_ASSET_REVISION]);
    assert!(UpdateAsset::ACTIONS.contains(&a::CREATE_ASSET_REVISION));
    assert_eq!(SearchCatalog::ACTIONS, &[a::SEARCH]);
    assert_eq!(DeleteDataSource::ACTIONS, &[a::DELETE_DATA_SOURCE]);
}

#[tokio::test]
async fn a_write_the_server_refuses_comes_back_typed_with_the_guides_remedy() {
    let sts = fake_sts().await;
    let fake = mount(&sts).await;
    // The role is ReadWrite on our side, but the customer's policy denies CreateAsset, and
    // the server rejects the listing change as invalid.
    fake.fault(Fault::always(
        "POST",
        format!("/v2/domains/{SALES}/assets"),
        403,
        "AccessDeniedException",
    ));
    fake.fault(Fault::always(
        "POST",
        format!("/v2/domains/{SALES}/listings/change-set"),
        400,
        "ValidationException",
    ));
    let conn = connect(&sts, AccessLevel::ReadWrite, 3).await;
    let err = CreateAsset::new(&conn)
        .call(create_asset())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    assert_eq!(err.code(), Some("AccessDeniedException"));
    assert_eq!(err.status(), Some(403));
    assert!(
        err.hint().unwrap().contains("External ID"),
        "{:?}",
        err.hint()
    );

    let err = PublishListing::new(&conn)
        .call(listing_change())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err}");
    assert_eq!(err.code(), Some("ValidationException"));
    // Neither is retried (3 attempts allowed): the SDK retries only transient errors.
    assert_eq!(datazone_requests(&sts).await.len(), 2);
}
