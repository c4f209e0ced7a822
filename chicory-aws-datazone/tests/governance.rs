//! DataZone lineage and governance (issue 13, item 5) through the real `aws-sdk-datazone`
//! client against the testkit's DataZone model fake (see `model_support`): the lineage node of
//! each asset and its history, subscriptions and subscription grants, paginated; denied parts
//! skipped, vanished nodes skipped, parts throttled on every retry incomplete; and the four read
//! operators (ReadOnly), whose input is checked before any request.

mod model_support;

use chicory_aws_core::{AccessLevel, ErrorKind, Operator, ScanItem, Scanner, Tool};
use chicory_aws_datazone::records::*;
use chicory_aws_datazone::*;
use futures::StreamExt;
use model_support::*;
use serde_json::json;
use std::collections::BTreeMap;

const SALES: &str = "dzd_sales01";
const OPS: &str = "dzd-ops02";

/// Everything a scan yields: records, skipped parts, incomplete parts (the `Err` items).
struct Outcome<R> {
    records: Vec<R>,
    skipped: Vec<chicory_aws_core::Skipped>,
    incomplete: Vec<chicory_aws_core::Error>,
}

async fn outcome<S: Scanner>(s: &S) -> Outcome<S::Record> {
    let mut o = Outcome {
        records: Vec::new(),
        skipped: Vec::new(),
        incomplete: Vec::new(),
    };
    let mut stream = s.scan();
    while let Some(item) = stream.next().await {
        match item {
            Ok(ScanItem::Record(r)) => o.records.push(r),
            Ok(ScanItem::Skipped(k)) => o.skipped.push(k),
            Err(e) => o.incomplete.push(e),
        }
    }
    o
}

fn query(r: &wiremock::Request, k: &str) -> Option<String> {
    r.url
        .query_pairs()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.into_owned())
}

/// The GET requests to paths ending with `suffix`.
async fn gets(sts: &chicory_aws_testkit::FakeSts, suffix: &str) -> Vec<wiremock::Request> {
    datazone_requests(sts)
        .await
        .into_iter()
        .filter(|r| r.method.as_str() == "GET" && r.url.path().ends_with(suffix))
        .collect()
}

#[tokio::test]
async fn lineage_scan_reads_each_assets_node_and_its_whole_history_page_by_page() {
    let sts = fake_sts().await;
    mount(&sts).await;
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let o = DataZoneOptions::default().page_size(1).concurrency(4);
    let scanner = LineageNodeScanner::new(&conn, o).unwrap();
    let out = outcome(&scanner).await;
    assert!(out.skipped.is_empty(), "{:?}", out.skipped);
    assert!(out.incomplete.is_empty(), "{:?}", out.incomplete);
    assert_eq!(out.records.len(), DOMAINS.len() * ASSETS);

    for n in &out.records {
        let asset = n
            .asset_id
            .as_deref()
            .expect("a scanned node names its asset");
        assert_eq!(
            n.node_id, asset,
            "the fake's asset nodes have the asset's id"
        );
        assert_eq!(n.source_identifier, Some(source_identifier(asset)));
        assert_eq!(n.type_name, "amazon.datazone.GlueTableAssetType");
        assert_eq!(n.forms[0].form_name, "GlueTableForm");
        // The latest version, two hours after the first.
        assert_eq!(n.event_timestamp.as_deref(), Some("2024-05-01T12:00:00Z"));
        // Every page of the history, newest first, and nothing twice.
        let history = n.history.as_ref().expect("history read");
        assert_eq!(history.len(), LINEAGE_VERSIONS, "{asset}");
        let times: Vec<&str> = history
            .iter()
            .map(|v| v.event_timestamp.as_deref().unwrap())
            .collect();
        assert_eq!(
            times,
            [
                "2024-05-01T12:00:00Z",
                "2024-05-01T11:00:00Z",
                "2024-05-01T10:00:00Z"
            ]
        );
        assert!(history.iter().all(|v| v.node_id == n.node_id));
    }
    // Edges: asset 1 comes from asset 0 and feeds asset 2; the first has no upstream.
    let by_asset: BTreeMap<&str, &LineageNodeRecord> = out
        .records
        .iter()
        .map(|n| (n.asset_id.as_deref().unwrap(), n))
        .collect();
    let a1 = by_asset["sales01-a1"];
    assert_eq!(
        a1.upstream_nodes
            .iter()
            .map(|r| r.node_id.as_deref().unwrap())
            .collect::<Vec<_>>(),
        ["sales01-a0"]
    );
    assert_eq!(
        a1.downstream_nodes[0].node_id.as_deref(),
        Some("sales01-a2")
    );
    assert!(by_asset["sales01-a0"].upstream_nodes.is_empty());
    let json = serde_json::to_value(a1).unwrap();
    assert_eq!(json["kind"], "datazone_lineage_node");
    assert_eq!(json["history"].as_array().unwrap().len(), LINEAGE_VERSIONS);

    // The model's paths: one GetLineageNode per asset by its id, and each history followed
    // page by page with its nextToken: pages of one item, so one request per version.
    let nodes: Vec<_> = datazone_requests(&sts)
        .await
        .into_iter()
        .filter(|r| r.url.path().contains("/lineage/nodes/"))
        .collect();
    assert!(nodes.iter().all(|r| signed(r, "ASIAFAKE")));
    let get = nodes
        .iter()
        .filter(|r| !r.url.path().ends_with("/history"))
        .count();
    assert_eq!(get, DOMAINS.len() * ASSETS);
    let history = gets(&sts, "/history").await;
    assert_eq!(history.len(), DOMAINS.len() * ASSETS * LINEAGE_VERSIONS);
    assert!(history
        .iter()
        .all(|r| query(r, "maxResults").as_deref() == Some("1")));
    let follow_ups = history
        .iter()
        .filter(|r| query(r, "nextToken").is_some())
        .count();
    assert_eq!(follow_ups, DOMAINS.len() * ASSETS * (LINEAGE_VERSIONS - 1));
}

#[tokio::test]
async fn subscriptions_and_grants_are_scanned_page_by_page_with_their_principals_and_assets() {
    let sts = fake_sts().await;
    mount(&sts).await;
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let o = || DataZoneOptions::default().page_size(1);
    let d = DOMAINS.len();

    let subs = outcome(&SubscriptionScanner::new(&conn, o()).unwrap()).await;
    assert!(subs.skipped.is_empty() && subs.incomplete.is_empty());
    assert_eq!(subs.records.len(), d * SUBSCRIPTIONS);
    let ids: std::collections::BTreeSet<&str> = subs
        .records
        .iter()
        .map(|s| s.subscription_id.as_str())
        .collect();
    assert_eq!(ids.len(), subs.records.len(), "no subscription twice");
    let s0 = subs
        .records
        .iter()
        .find(|s| s.subscription_id == subscription_id(SALES, 0))
        .unwrap();
    assert_eq!(s0.status, "APPROVED");
    assert_eq!(s0.principal_type.as_deref(), Some("PROJECT"));
    assert_eq!(s0.principal_id, Some(project_id(SALES, 1)));
    assert_eq!(s0.listing_id.as_deref(), Some("sales01-a0-l"));
    assert_eq!(s0.listed_entity_kind.as_deref(), Some("ASSET"));
    assert_eq!(s0.listed_entity_id.as_deref(), Some("sales01-a0"));
    assert_eq!(s0.created_at.as_deref(), Some("2024-05-01T10:00:00Z"));
    let by_id = |i| {
        subs.records
            .iter()
            .find(|s| s.subscription_id == subscription_id(OPS, i))
            .unwrap()
    };
    assert_eq!(by_id(1).principal_type.as_deref(), Some("GROUP"));
    assert_eq!(by_id(1).principal_name.as_deref(), Some("analysts"));
    assert_eq!(by_id(2).principal_type.as_deref(), Some("IAM"));
    assert_eq!(
        by_id(2).principal_id.as_deref(),
        Some("arn:aws:iam::123456789012:role/analyst")
    );
    assert_eq!(by_id(SUBSCRIPTIONS - 1).status, "REVOKED");

    let grants = outcome(&SubscriptionGrantScanner::new(&conn, o()).unwrap()).await;
    assert!(grants.skipped.is_empty() && grants.incomplete.is_empty());
    assert_eq!(grants.records.len(), d * GRANTS);
    for g in &grants.records {
        assert_eq!(g.assets.len(), 1, "{}", g.grant_id);
        let failed = g.grant_id.ends_with(&format!("-grant{}", GRANTS - 1));
        assert_eq!(g.status, if failed { "GRANT_FAILED" } else { "COMPLETED" });
        assert_eq!(
            g.assets[0].failure_cause.as_deref(),
            failed.then_some("Lake Formation denied the grant")
        );
        assert_eq!(g.assets[0].granted_at.is_some(), !failed);
        assert_eq!(
            g.listing_id.as_deref().map(|l| l.trim_end_matches("-l")),
            Some(g.assets[0].asset_id.as_str())
        );
        assert!(g.subscription_target_id.ends_with("-target"));
    }

    // GET /v2/domains/{d}/subscriptions and /subscription-grants, one page per item.
    for (suffix, n) in [
        ("/subscriptions", SUBSCRIPTIONS),
        ("/subscription-grants", GRANTS),
    ] {
        let reqs = gets(&sts, suffix).await;
        assert_eq!(reqs.len(), d * n, "{suffix}");
        assert!(reqs
            .iter()
            .all(|r| query(r, "maxResults").as_deref() == Some("1")));
        assert_eq!(
            reqs.iter()
                .filter(|r| query(r, "nextToken").is_some())
                .count(),
            d * (n - 1),
            "{suffix}"
        );
    }
}

#[tokio::test]
async fn governance_kinds_are_read_by_the_whole_domain_scan_only_when_named() {
    let sts = fake_sts().await;
    mount(&sts).await;
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let o = DataZoneOptions::default().page_size(2).domain(SALES);
    let catalog = outcome(&DataZoneScanner::new(&conn, o.clone()).unwrap()).await;
    assert_eq!(catalog.records.len(), 44);
    let governance_requests = |reqs: Vec<wiremock::Request>| {
        reqs.into_iter()
            .filter(|r| {
                let p = r.url.path();
                p.contains("/lineage/") || p.contains("/subscription")
            })
            .count()
    };
    assert_eq!(governance_requests(datazone_requests(&sts).await), 0);

    let all = outcome(&DataZoneScanner::new(&conn, o.kinds(Kind::ALL)).unwrap()).await;
    assert!(all.skipped.is_empty() && all.incomplete.is_empty());
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &all.records {
        *kinds.entry(r.kind()).or_default() += 1;
    }
    assert_eq!(kinds["datazone_lineage_node"], ASSETS);
    assert_eq!(kinds["datazone_subscription"], SUBSCRIPTIONS);
    assert_eq!(kinds["datazone_subscription_grant"], GRANTS);
    assert_eq!(all.records.len(), 44 + ASSETS + SUBSCRIPTIONS + GRANTS);
    assert!(governance_requests(datazone_requests(&sts).await) > 0);
}

#[tokio::test]
async fn denied_governance_parts_are_skipped_and_the_rest_is_whole() {
    let sts = fake_sts().await;
    let fake = mount(&sts).await;
    fake.fault(Fault::always(
        "GET",
        format!("/v2/domains/{SALES}/subscriptions"),
        403,
        "AccessDeniedException",
    ));
    fake.fault(Fault::always(
        "GET",
        format!("/v2/domains/{OPS}/lineage/nodes/ops02-a2/history"),
        403,
        "AccessDeniedException",
    ));
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let o = || DataZoneOptions::default().page_size(2);

    let subs = outcome(&SubscriptionScanner::new(&conn, o()).unwrap()).await;
    assert!(subs.incomplete.is_empty(), "{:?}", subs.incomplete);
    assert_eq!(subs.records.len(), (DOMAINS.len() - 1) * SUBSCRIPTIONS);
    assert!(subs.records.iter().all(|s| s.domain_id != SALES));
    assert_eq!(subs.skipped.len(), 1, "{:?}", subs.skipped);
    assert_eq!(subs.skipped[0].kind, ErrorKind::AccessDenied);
    assert!(
        subs.skipped[0].part.contains("datazone:ListSubscriptions")
            && subs.skipped[0].part.contains(SALES),
        "{:?}",
        subs.skipped[0]
    );

    let nodes = outcome(&LineageNodeScanner::new(&conn, o()).unwrap()).await;
    assert!(nodes.incomplete.is_empty(), "{:?}", nodes.incomplete);
    // The node whose history is denied is still a record, with its history unread (never an
    // empty list), and the denied part beside it.
    assert_eq!(nodes.records.len(), DOMAINS.len() * ASSETS);
    for n in &nodes.records {
        let denied = n.domain_id == OPS && n.node_id == "ops02-a2";
        assert_eq!(n.history.is_none(), denied, "{}", n.node_id);
        if denied {
            let json = serde_json::to_value(n).unwrap();
            assert!(json.get("history").is_none(), "{json}");
        }
    }
    assert_eq!(nodes.skipped.len(), 1, "{:?}", nodes.skipped);
    assert!(nodes.skipped[0]
        .part
        .contains("datazone:ListLineageNodeHistory"));
    assert!(nodes.skipped[0].part.contains("node=ops02-a2"));
}

#[tokio::test]
async fn a_lineage_node_that_does_not_exist_is_skipped_as_vanished() {
    let sts = fake_sts().await;
    let fake = mount(&sts).await;
    let gone = format!("/v2/domains/{SALES}/lineage/nodes/sales01-a4");
    fake.fault(Fault::always(
        "GET",
        gone.clone(),
        404,
        "ResourceNotFoundException",
    ));
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let scanner = LineageNodeScanner::new(&conn, DataZoneOptions::default().domain(SALES)).unwrap();
    let out = outcome(&scanner).await;
    assert!(out.incomplete.is_empty(), "{:?}", out.incomplete);
    assert_eq!(out.records.len(), ASSETS - 1);
    assert!(out
        .records
        .iter()
        .all(|n| n.asset_id.as_deref() != Some("sales01-a4")));
    assert_eq!(out.skipped.len(), 1);
    assert_eq!(out.skipped[0].kind, ErrorKind::NotFound);
    assert!(out.skipped[0].part.contains("datazone:GetLineageNode"));
    assert!(out.skipped[0].part.contains("asset=sales01-a4"));
    // Nothing more is asked of a node that is not there.
    assert_eq!(gets(&sts, &format!("{gone}/history")).await.len(), 0);
}

#[tokio::test]
async fn governance_parts_throttled_on_every_retry_are_incomplete_and_persistent() {
    let sts = fake_sts().await;
    let fake = mount(&sts).await;
    let grants = format!("/v2/domains/{SALES}/subscription-grants");
    let node = format!("/v2/domains/{OPS}/lineage/nodes/ops02-a1");
    for path in [&grants, &node] {
        fake.fault(Fault::always(
            "GET",
            path.clone(),
            429,
            "ThrottlingException",
        ));
    }
    // Two SDK attempts per try, and one further try of the page or read: four requests.
    let conn = connect(&sts, AccessLevel::ReadOnly, 2).await;
    let o = || DataZoneOptions::default().page_size(3);

    let out = outcome(&SubscriptionGrantScanner::new(&conn, o()).unwrap()).await;
    assert!(out.skipped.is_empty(), "{:?}", out.skipped);
    assert_eq!(out.records.len(), (DOMAINS.len() - 1) * GRANTS);
    assert_eq!(out.incomplete.len(), 1);
    let e = &out.incomplete[0];
    assert_eq!(e.kind(), ErrorKind::Throttled);
    assert!(e.is_persistent(), "{e}");
    assert_eq!(e.operation(), Some("datazone:ListSubscriptionGrants"));
    assert!(e.resource().unwrap_or("").contains(SALES), "{e}");
    assert_eq!(gets(&sts, &grants).await.len(), 4);

    let out = outcome(&LineageNodeScanner::new(&conn, o().domain(OPS)).unwrap()).await;
    assert!(out.skipped.is_empty(), "{:?}", out.skipped);
    assert_eq!(out.records.len(), ASSETS - 1);
    assert_eq!(out.incomplete.len(), 1);
    let e = &out.incomplete[0];
    assert!(e.is_persistent() && e.kind() == ErrorKind::Throttled, "{e}");
    assert_eq!(e.operation(), Some("datazone:GetLineageNode"));
    assert_eq!(gets(&sts, &node).await.len(), 4);
}

#[tokio::test]
async fn governance_operators_read_on_a_read_only_connection() {
    let sts = fake_sts().await;
    mount(&sts).await;
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    for t in [
        Box::new(GetLineageNode::new(&conn)) as Box<dyn Tool>,
        Box::new(ListLineageNodeHistory::new(&conn)),
        Box::new(ListSubscriptions::new(&conn)),
        Box::new(ListSubscriptionGrants::new(&conn)),
    ] {
        assert_eq!(t.required_level(), AccessLevel::ReadOnly, "{}", t.name());
    }

    // A node by its asset's id, and by its source identifier (an ARN: `:` and `/` in a path
    // label), as of an event.
    let node = GetLineageNode::new(&conn)
        .call(GetLineageNodeInput {
            domain_id: SALES.into(),
            identifier: "sales01-a1".into(),
            event_timestamp: None,
        })
        .await
        .unwrap();
    assert_eq!(node.node_id, "sales01-a1");
    assert_eq!(node.asset_id, None);
    assert_eq!(node.history, None);
    assert_eq!(
        node.upstream_nodes[0].node_id.as_deref(),
        Some("sales01-a0")
    );
    let by_source = GetLineageNode::new(&conn)
        .call_json(json!({
            "domain_id": SALES,
            "identifier": source_identifier("sales01-a3"),
            "event_timestamp": "2024-05-01T11:00:00Z"
        }))
        .await
        .unwrap();
    assert_eq!(by_source["node_id"], "sales01-a3");
    assert_eq!(by_source["kind"], "datazone_lineage_node");
    let last = datazone_requests(&sts).await.pop().unwrap();
    assert_eq!(
        query(&last, "timestamp").as_deref(),
        Some("2024-05-01T11:00:00Z")
    );
    assert!(!last.url.path().contains("arn:aws"), "{}", last.url);

    let err = GetLineageNode::new(&conn)
        .call_json(json!({"domain_id": SALES, "identifier": "sales01-a9"}))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.operation(), Some("datazone:GetLineageNode"));

    // The history, page by page with the returned token.
    let list = ListLineageNodeHistory::new(&conn);
    let first = list
        .call(ListLineageNodeHistoryInput {
            domain_id: OPS.into(),
            identifier: "ops02-a0".into(),
            after: Some("2024-05-01T00:00:00Z".into()),
            before: None,
            max_results: Some(2),
            next_token: None,
        })
        .await
        .unwrap();
    assert_eq!(first.versions.len(), 2);
    let token = first.next_token.clone().expect("a second page");
    let sent = datazone_requests(&sts).await.pop().unwrap();
    assert!(sent.url.path().ends_with("/lineage/nodes/ops02-a0/history"));
    assert_eq!(
        query(&sent, "timestampGTE").as_deref(),
        Some("2024-05-01T00:00:00Z")
    );
    let second = list
        .call_json(json!({"domain_id": OPS, "identifier": "ops02-a0",
                          "max_results": 2, "next_token": token}))
        .await
        .unwrap();
    assert_eq!(second["versions"].as_array().unwrap().len(), 1);
    assert!(second["next_token"].is_null());

    // Subscriptions filtered by status and listing: the filters go to the service.
    let revoked = ListSubscriptions::new(&conn)
        .call_json(json!({"domain_id": SALES, "status": "revoked"}))
        .await
        .unwrap();
    let revoked = revoked["subscriptions"].as_array().unwrap();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0]["status"], "REVOKED");
    let sent = datazone_requests(&sts).await.pop().unwrap();
    assert_eq!(query(&sent, "status").as_deref(), Some("REVOKED"));
    let page = ListSubscriptions::new(&conn)
        .call(ListSubscriptionsInput {
            domain_id: SALES.into(),
            status: None,
            listing_id: None,
            owning_project_id: None,
            max_results: Some(3),
            next_token: None,
        })
        .await
        .unwrap();
    assert_eq!(page.subscriptions.len(), 3);
    assert!(page.next_token.is_some());

    // Grants of one subscription.
    let grants = ListSubscriptionGrants::new(&conn)
        .call_json(json!({"domain_id": OPS, "subscription_id": subscription_id(OPS, 1)}))
        .await
        .unwrap();
    let grants = grants["grants"].as_array().unwrap();
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0]["subscription_id"], subscription_id(OPS, 1));
    let sent = datazone_requests(&sts).await.pop().unwrap();
    assert_eq!(
        sent.url.path(),
        format!("/v2/domains/{OPS}/subscription-grants")
    );
    assert_eq!(
        query(&sent, "subscriptionId"),
        Some(subscription_id(OPS, 1))
    );
}

#[tokio::test]
async fn bad_governance_input_is_refused_before_any_request() {
    let sts = fake_sts().await;
    mount(&sts).await;
    let conn = connect(&sts, AccessLevel::ReadOnly, 1).await;
    let tools = chicory_aws_datazone::tools(&conn);
    let tool = |name: &str| {
        tools
            .iter()
            .find(|t| t.name() == name)
            .unwrap_or_else(|| panic!("{name} is registered"))
    };
    let long = "n".repeat(2087);
    let cases = [
        (
            "datazone_get_lineage_node",
            json!({"domain_id": "sales01", "identifier": "a"}),
            "domain_id",
        ),
        (
            "datazone_get_lineage_node",
            json!({"domain_id": SALES, "identifier": ""}),
            "identifier",
        ),
        (
            "datazone_get_lineage_node",
            json!({"domain_id": SALES, "identifier": long}),
            "identifier",
        ),
        (
            "datazone_get_lineage_node",
            json!({"domain_id": SALES, "identifier": "a", "event_timestamp": "yesterday"}),
            "event_timestamp",
        ),
        (
            "datazone_list_lineage_node_history",
            json!({"domain_id": SALES, "identifier": "a",
                   "after": "2024-05-02T00:00:00Z", "before": "2024-05-01T00:00:00Z"}),
            "after",
        ),
        (
            "datazone_list_lineage_node_history",
            json!({"domain_id": SALES, "identifier": "a", "max_results": 51}),
            "max_results",
        ),
        (
            "datazone_list_subscriptions",
            json!({"domain_id": SALES, "listing_id": "a/b"}),
            "listing_id",
        ),
        (
            "datazone_list_subscriptions",
            json!({"domain_id": SALES, "status": "pending"}),
            "status",
        ),
        (
            "datazone_list_subscriptions",
            json!({"domain_id": SALES, "max_results": 0}),
            "max_results",
        ),
        (
            "datazone_list_subscription_grants",
            json!({"domain_id": SALES, "environment_id": "e 1"}),
            "environment_id",
        ),
        (
            "datazone_list_subscription_grants",
            json!({"domain_id": SALES, "subscription": "x"}),
            "subscription",
        ),
    ];
    let before = datazone_requests(&sts).await.len();
    for (name, input, field) in cases {
        let err = tool(name).call_json(input.clone()).await.unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidConfig,
            "{name}({input}): {err}"
        );
        assert_eq!(err.field(), Some(field), "{name}({input}): {err}");
    }
    assert_eq!(
        datazone_requests(&sts).await.len(),
        before,
        "no request was sent"
    );
}
