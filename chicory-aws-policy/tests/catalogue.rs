//! The action catalogue: complete for the guides, consistent with the Service Authorization
//! Reference (as bundled in the pinned parliament), and usable by IAM name.

mod common;

use chicory_aws_policy::actions::{self, NOT_IN_SERVICE_AUTHORIZATION_REFERENCE};
use chicory_aws_policy::permissions::permission_policy;
use chicory_aws_policy::{
    AccessLevel, Action, ActionLevel, Integration, PolicyOptions, ResourceType, Service,
};
use common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn sar_name(rt: ResourceType) -> &'static str {
    match rt {
        ResourceType::Any => "*",
        ResourceType::IamRole => "role",
        ResourceType::IamUser => "user",
        ResourceType::GlueCatalog => "rootcatalog",
        ResourceType::GlueDatabase => "database",
        ResourceType::GlueTable => "table",
        ResourceType::GlueTableVersion => "tableversion",
        ResourceType::GlueUserDefinedFunction => "userdefinedfunction",
        ResourceType::GlueDataQualityRuleset => "dataQualityRuleset",
        ResourceType::AthenaDataCatalog => "datacatalog",
        ResourceType::AthenaWorkGroup => "workgroup",
        ResourceType::S3Bucket => "bucket",
        ResourceType::S3Object => "object",
        ResourceType::DataZoneDomain => "domain",
        other => panic!("no SAR name for {other:?}"),
    }
}

const SAR_LOOKUP: &str = r#"
import json, pathlib, sys
import parliament
defs = json.load(open(pathlib.Path(parliament.__file__).parent / "iam_definition.json"))
by = {s["prefix"]: s for s in defs}
out = {}
for name in sys.argv[1:]:
    prefix, action = name.split(":")
    svc = by.get(prefix)
    priv = next((p for p in (svc or {}).get("privileges", []) if p["privilege"] == action), None)
    if priv is None:
        out[name] = None
        continue
    types = [r["resource_type"] for r in priv["resource_types"] if r["resource_type"]]
    out[name] = {
        "level": priv["access_level"],
        "required": sorted(t.rstrip("*") for t in types if t.endswith("*")),
        "optional": sorted(t for t in types if not t.endswith("*")),
    }
    arns = {r["resource"]: r["arn"] for r in svc["resources"]}
    out[name]["arns"] = {t.rstrip("*"): arns.get(t.rstrip("*")) for t in types}
print(json.dumps(out))
"#;

#[test]
fn catalogue_levels_and_resource_types_match_the_service_authorization_reference() {
    let names: Vec<String> = actions::all().map(|a| a.iam_name()).collect();
    let args: Vec<&str> = names.iter().map(String::as_str).collect();
    let out = venv_python(SAR_LOOKUP, &args);
    assert!(
        out.status.success(),
        "{}\n{SETUP_HINT}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sar: BTreeMap<String, Value> = serde_json::from_slice(&out.stdout).unwrap();
    for a in actions::all() {
        let name = a.iam_name();
        let entry = &sar[&name];
        if NOT_IN_SERVICE_AUTHORIZATION_REFERENCE.contains(&a) {
            assert!(entry.is_null(), "{name} is in the SAR after all: {entry}");
            continue;
        }
        assert!(
            !entry.is_null(),
            "{name} is not in the Service Authorization Reference"
        );
        assert_eq!(entry["level"], a.level.as_str(), "{name}: access level");
        let required: BTreeSet<&str> = entry["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let optional: BTreeSet<&str> = entry["optional"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let ours: BTreeSet<&str> = a.resources.iter().map(|r| sar_name(*r)).collect();
        let expected = if !required.is_empty() {
            required
        } else if !optional.is_empty() {
            optional
        } else {
            BTreeSet::from(["*"])
        };
        assert_eq!(ours, expected, "{name}: resource types");
        // Our ARN formats are the SAR's.
        for rt in a.resources.iter().filter(|r| **r != ResourceType::Any) {
            assert_eq!(
                entry["arns"][sar_name(*rt)].as_str(),
                rt.arn_format(),
                "{name}: ARN format of {rt:?}"
            );
        }
    }
}

#[test]
fn every_action_of_every_guide_policy_is_in_the_catalogue() {
    let mut seen = 0;
    for (source, specs) in spec_sources() {
        for (file, policy) in specs {
            for st in policy["Statement"].as_array().unwrap() {
                let actions = match &st["Action"] {
                    Value::String(s) => vec![s.clone()],
                    Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_owned()).collect(),
                    other => panic!("{file}: {other}"),
                };
                for name in actions {
                    let a = actions::lookup(&name)
                        .unwrap_or_else(|| panic!("{name} ({source}/{file}) not in the catalogue"));
                    assert_eq!(a.iam_name(), name, "the catalogue spells it as the guide");
                    seen += 1;
                }
            }
        }
    }
    assert!(seen > 150);
}

#[test]
fn the_actions_the_library_calls_are_catalogued() {
    // What the scanners and operators call, beyond the guides.
    for name in [
        "glue:BatchGetPartition",
        "glue:GetTableVersion",
        "glue:GetTableVersions",
        "glue:GetCatalogs",
        "athena:ListDatabases",
        "athena:GetTableMetadata",
        "s3:ListBucketVersions",
        "datazone:Search",
        "datazone:SearchTypes",
        "datazone:SearchListings",
        "datazone:CreateListingChangeSet",
        "datazone:GetLineageNode",
        "datazone:ListLineageNodeHistory",
        "datazone:ListSubscriptions",
        "datazone:ListSubscriptionGrants",
        "cloudtrail:LookupEvents",
        "sts:AssumeRole",
        "sts:SetSourceIdentity",
    ] {
        assert!(actions::lookup(name).is_some(), "{name}");
    }
    assert_eq!(actions::glue::ALL.len(), 29);
    assert_eq!(
        actions::cloudtrail::ALL,
        &[actions::cloudtrail::LOOKUP_EVENTS]
    );
}

#[test]
fn star_only_actions_are_the_ones_the_sar_gives_no_resource() {
    for a in [
        actions::s3::LIST_ALL_MY_BUCKETS,
        actions::athena::LIST_WORK_GROUPS,
        actions::athena::LIST_DATA_CATALOGS,
        actions::datazone::LIST_DOMAINS,
        actions::datazone::SEARCH,
        actions::glue::CREATE_DATA_QUALITY_RULESET,
        actions::cloudtrail::LOOKUP_EVENTS,
    ] {
        assert!(a.only_star_resource(), "{a}");
    }
    for a in [
        actions::glue::SEARCH_TABLES,
        actions::glue::GET_TABLES,
        actions::datazone::GET_DOMAIN,
        actions::s3::LIST_BUCKET,
    ] {
        assert!(!a.only_star_resource(), "{a}");
    }
    let star = actions::datazone::ALL
        .iter()
        .filter(|a| a.only_star_resource())
        .count();
    assert_eq!(
        star,
        actions::datazone::ALL.len() - 1,
        "all DataZone actions but GetDomain"
    );
}

#[test]
fn per_service_lists_are_consistent_and_lookup_ignores_case() {
    let mut all = BTreeSet::new();
    for (service, list) in actions::BY_SERVICE {
        assert_eq!(actions::for_service(*service), *list);
        for a in list.iter() {
            assert_eq!(a.service, *service, "{a} listed under {service}");
            assert!(all.insert(a.iam_name()), "{a} listed twice");
            assert_eq!(actions::lookup(&a.iam_name().to_uppercase()), Some(*a));
            assert_eq!(a.iam_name().parse::<Action>().unwrap(), *a);
            assert_eq!(a.to_string(), a.iam_name());
        }
    }
    assert_eq!(all.len(), actions::all().count());
    assert_eq!(Service::ALL.len(), actions::BY_SERVICE.len());
    assert!(actions::lookup("glue:NoSuchAction").is_none());
    assert!(actions::lookup("nosuch:GetTable").is_none());
    assert!(actions::lookup("GetTable").is_none());
    assert!("glue:Nope".parse::<Action>().is_err());
    assert_eq!("DataZone".parse::<Service>().unwrap(), Service::DataZone);
    assert_eq!(
        "read-only".parse::<AccessLevel>().unwrap(),
        AccessLevel::ReadOnly
    );
    assert_eq!(
        "ReadWrite".parse::<AccessLevel>().unwrap(),
        AccessLevel::ReadWrite
    );
    assert!("admin".parse::<AccessLevel>().is_err());
    assert_eq!("S3".parse::<Integration>().unwrap(), Integration::S3);
}

#[test]
fn readonly_policies_grant_no_write_and_readwrite_needs_readwrite() {
    for integration in Integration::ALL {
        for extras in [false, true] {
            let o = PolicyOptions::default().with_library_extras(extras);
            let ro = permission_policy(integration, AccessLevel::ReadOnly, &o).unwrap();
            let ro_actions: Vec<Action> = ro
                .action_names()
                .iter()
                .map(|n| actions::lookup(n).unwrap())
                .collect();
            assert_eq!(
                AccessLevel::required_for(&ro_actions),
                AccessLevel::ReadOnly,
                "{integration}: a ReadOnly policy grants a write"
            );
            assert!(ro_actions
                .iter()
                .all(|a| matches!(a.level, ActionLevel::List | ActionLevel::Read)));
            let rw = permission_policy(integration, AccessLevel::ReadWrite, &o).unwrap();
            let rw_actions: Vec<Action> = rw
                .action_names()
                .iter()
                .map(|n| actions::lookup(n).unwrap())
                .collect();
            assert_eq!(
                AccessLevel::required_for(&rw_actions),
                AccessLevel::ReadWrite
            );
            for a in &ro_actions {
                assert!(rw_actions.contains(a), "{integration}: ReadWrite lacks {a}");
            }
        }
    }
}

#[test]
fn every_generated_action_is_catalogued() {
    for (name, doc) in generated_policies() {
        for a in doc.action_names() {
            assert!(
                actions::lookup(a).is_some(),
                "{name}: {a} not in the catalogue"
            );
        }
    }
}

#[test]
fn datazone_governance_reads_have_the_sar_levels_and_their_own_library_statement() {
    use actions::datazone::{
        GET_LINEAGE_NODE, LIST_LINEAGE_NODE_HISTORY, LIST_SUBSCRIPTIONS, LIST_SUBSCRIPTION_GRANTS,
    };
    // Levels as the Service Authorization Reference gives them (the SAR test above checks the
    // whole catalogue against parliament's copy; these pin what the governance scanners need).
    assert_eq!(GET_LINEAGE_NODE.level, ActionLevel::Read);
    for a in [
        LIST_LINEAGE_NODE_HISTORY,
        LIST_SUBSCRIPTIONS,
        LIST_SUBSCRIPTION_GRANTS,
    ] {
        assert_eq!(a.level, ActionLevel::List, "{a}");
    }
    let governance = [
        "datazone:GetLineageNode",
        "datazone:ListLineageNodeHistory",
        "datazone:ListSubscriptions",
        "datazone:ListSubscriptionGrants",
    ];
    for level in AccessLevel::ALL {
        let doc =
            permission_policy(Integration::DataZone, level, &PolicyOptions::default()).unwrap();
        let st = doc
            .statement("LibraryDataZoneGovernanceRead")
            .unwrap_or_else(|| panic!("the {level:?} DataZone policy has the governance reads"));
        assert_eq!(st.action_names(), governance, "{level:?}");
        // No other statement grants them (the guide has none of them).
        for a in governance {
            let n = doc
                .statements
                .iter()
                .filter(|s| s.action_names().iter().any(|x| x == a))
                .count();
            assert_eq!(n, 1, "{a} in {level:?}");
        }
        // The guide's policy alone has none of them: they are the library's.
        let spec =
            permission_policy(Integration::DataZone, level, &PolicyOptions::spec_only()).unwrap();
        assert!(spec.statement("LibraryDataZoneGovernanceRead").is_none());
        assert!(governance.iter().all(|a| !spec.action_names().contains(a)));
    }
}
