//! Every scanner's and operator's declared actions are granted by the policy crate's DataZone
//! policy for the level it needs; the ReadOnly policy grants no write an operator calls.

use chicory_aws_core::{AccessLevel, Action, Operator, Scanner, Tool};
use chicory_aws_datazone::*;
use chicory_aws_policy::permissions::Integration;

#[test]
fn declared_actions_are_in_the_policy_of_their_level() {
    let reads: &[(&str, &[Action])] = &[
        (SearchCatalog::NAME, SearchCatalog::ACTIONS),
        (SearchListings::NAME, SearchListings::ACTIONS),
        (GetAsset::NAME, GetAsset::ACTIONS),
        (GetListing::NAME, GetListing::ACTIONS),
        (GetGlossary::NAME, GetGlossary::ACTIONS),
        (GetGlossaryTerm::NAME, GetGlossaryTerm::ACTIONS),
        (ListAssetRevisions::NAME, ListAssetRevisions::ACTIONS),
        (GetLineageNode::NAME, GetLineageNode::ACTIONS),
        (
            ListLineageNodeHistory::NAME,
            ListLineageNodeHistory::ACTIONS,
        ),
        (ListSubscriptions::NAME, ListSubscriptions::ACTIONS),
        (
            ListSubscriptionGrants::NAME,
            ListSubscriptionGrants::ACTIONS,
        ),
    ];
    let writes: &[(&str, &[Action])] = &[
        (CreateAsset::NAME, CreateAsset::ACTIONS),
        (UpdateAsset::NAME, UpdateAsset::ACTIONS),
        (CreateAssetRevision::NAME, CreateAssetRevision::ACTIONS),
        (DeleteAsset::NAME, DeleteAsset::ACTIONS),
        (PublishListing::NAME, PublishListing::ACTIONS),
        (UnpublishListing::NAME, UnpublishListing::ACTIONS),
        (CreateDataSource::NAME, CreateDataSource::ACTIONS),
        (UpdateDataSource::NAME, UpdateDataSource::ACTIONS),
        (DeleteDataSource::NAME, DeleteDataSource::ACTIONS),
    ];
    chicory_aws_testkit::assert_declared_actions_granted(Integration::DataZone, reads, writes);
}

#[tokio::test]
async fn scanner_actions_are_in_the_read_only_policy() {
    let sts = chicory_aws_testkit::FakeSts::start(
        chicory_aws_testkit::TestClock::new(),
        std::time::Duration::from_secs(900),
    )
    .await;
    let conn = sts.connection(AccessLevel::ReadOnly).build().await.unwrap();
    let o = DataZoneOptions::default;
    let scanners: Vec<(&str, &[Action])> = vec![
        ("all", DataZoneScanner::new(&conn, o()).unwrap().actions()),
        ("domains", DomainScanner::new(&conn, o()).unwrap().actions()),
        (
            "projects",
            ProjectScanner::new(&conn, o()).unwrap().actions(),
        ),
        (
            "envs",
            EnvironmentScanner::new(&conn, o()).unwrap().actions(),
        ),
        (
            "profiles",
            EnvironmentProfileScanner::new(&conn, o())
                .unwrap()
                .actions(),
        ),
        (
            "sources",
            DataSourceScanner::new(&conn, o()).unwrap().actions(),
        ),
        ("assets", AssetScanner::new(&conn, o()).unwrap().actions()),
        ("forms", FormTypeScanner::new(&conn, o()).unwrap().actions()),
        (
            "listings",
            ListingScanner::new(&conn, o()).unwrap().actions(),
        ),
        (
            "glossaries",
            GlossaryScanner::new(&conn, o()).unwrap().actions(),
        ),
        (
            "terms",
            GlossaryTermScanner::new(&conn, o()).unwrap().actions(),
        ),
        (
            "lineage",
            LineageNodeScanner::new(&conn, o()).unwrap().actions(),
        ),
        (
            "subscriptions",
            SubscriptionScanner::new(&conn, o()).unwrap().actions(),
        ),
        (
            "grants",
            SubscriptionGrantScanner::new(&conn, o()).unwrap().actions(),
        ),
    ];
    // Every operator is an MCP tool whose input schema names the domain and its required ids.
    let tools: Vec<Box<dyn Tool>> = vec![
        Box::new(SearchCatalog::new(&conn)),
        Box::new(SearchListings::new(&conn)),
        Box::new(GetAsset::new(&conn)),
        Box::new(GetListing::new(&conn)),
        Box::new(GetGlossary::new(&conn)),
        Box::new(GetGlossaryTerm::new(&conn)),
        Box::new(ListAssetRevisions::new(&conn)),
        Box::new(GetLineageNode::new(&conn)),
        Box::new(ListLineageNodeHistory::new(&conn)),
        Box::new(ListSubscriptions::new(&conn)),
        Box::new(ListSubscriptionGrants::new(&conn)),
        Box::new(CreateAsset::new(&conn)),
        Box::new(UpdateAsset::new(&conn)),
        Box::new(CreateAssetRevision::new(&conn)),
        Box::new(DeleteAsset::new(&conn)),
        Box::new(PublishListing::new(&conn)),
        Box::new(UnpublishListing::new(&conn)),
        Box::new(CreateDataSource::new(&conn)),
        Box::new(UpdateDataSource::new(&conn)),
        Box::new(DeleteDataSource::new(&conn)),
    ];
    let mut names = std::collections::HashSet::new();
    for t in &tools {
        assert!(t.name().starts_with("datazone_"), "{}", t.name());
        assert!(names.insert(t.name()), "duplicate tool name {}", t.name());
        let schema = t.input_schema();
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{}: {schema}", t.name()))
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert!(
            required.contains(&"domain_id"),
            "{}: {required:?}",
            t.name()
        );
        assert!(
            t.output_schema()["properties"].is_object()
                || t.output_schema()["$ref"].is_string()
                || t.output_schema()["title"].is_string(),
            "{}",
            t.name()
        );
    }
    chicory_aws_testkit::assert_declared_actions_granted(Integration::DataZone, &scanners, &[]);
}
