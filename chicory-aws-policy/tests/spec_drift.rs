//! Drift tests: the generated policies, trust policies, links and CLI commands against the
//! integration guides: the committed copies of their blocks (tests/spec) and the guides
//! themselves, from ../shared/seeds when it is beside the repository, else from their
//! committed verbatim copy (tests/spec/seeds). Every test runs in any checkout; one without
//! either fails saying what to do.

mod common;

use chicory_aws_policy::cli::ManualSetup;
use chicory_aws_policy::cloudformation::{QuickCreateLink, StackParameters};
use chicory_aws_policy::permissions::{
    bucket_prefix_read_policy, coalesce_policy, guide_statements, permission_policy,
    staging_bucket_policy, CoalesceScope, Source,
};
use chicory_aws_policy::trust::{TrustPolicy, VendorPrincipal};
use chicory_aws_policy::{AccessLevel, Integration, PolicyDocument, PolicyOptions, ResourceScope};
use common::*;
use serde_json::{json, Value};

fn to_value(doc: &PolicyDocument) -> Value {
    serde_json::from_str(&doc.to_json_pretty()).unwrap()
}

fn list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_owned()).collect(),
        other => panic!("not a string or list: {other}"),
    }
}

/// Replaces placeholder text in every string of a JSON value.
fn replace_all(v: &Value, pairs: &[(&str, &str)]) -> Value {
    match v {
        Value::String(s) => {
            let mut s = s.clone();
            for (a, b) in pairs {
                s = s.replace(a, b);
            }
            Value::String(s)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| replace_all(x, pairs)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), replace_all(x, pairs)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn file_for(integration: Integration, level: AccessLevel) -> String {
    format!("chicory/{}", integration.policy_file_name(level))
}

#[test]
fn committed_copies_are_the_seeds_blocks() {
    let (source, dir) = seeds();
    eprintln!("guides read from {source}: {}", dir.display());
    let seeds = seed_policies();
    let mut copies: Vec<&str> = SPEC_POLICY_FILES.to_vec();
    copies.sort();
    assert_eq!(
        seeds.keys().map(String::as_str).collect::<Vec<_>>(),
        copies,
        "the seeds' policy blocks and the committed copies differ in number or name"
    );
    for name in SPEC_POLICY_FILES {
        assert_eq!(
            &committed(name),
            seeds
                .get(*name)
                .unwrap_or_else(|| panic!("{name} not found in the seeds")),
            "tests/spec/{name} differs from the seeds"
        );
    }
    // The non-policy copies: fragments, links and CLI blocks appear verbatim in the guide.
    let md = read(&dir.join(MAIN_GUIDE));
    for f in [
        "chicory/glue-restrict-resources.fragment.json",
        "chicory/s3-restrict-resources.fragment.json",
    ] {
        assert!(
            md.contains(&read(&spec_dir().join(f))),
            "{f} is not verbatim in the guide"
        );
    }
    for link in read(&spec_dir().join("chicory/quick-create-links.txt")).lines() {
        assert!(md.contains(link), "link not in the guide: {link}");
    }
    let bash: String = markdown_blocks(&md, "bash")
        .into_iter()
        .map(|b| b.2)
        .collect();
    for svc in ["glue", "datazone", "s3"] {
        for line in read(&spec_dir().join(format!("chicory/manual-{svc}.sh"))).lines() {
            assert!(
                bash.contains(line),
                "manual-{svc}.sh line not in the guide: {line}"
            );
        }
    }
}

#[test]
fn plain_text_guide_has_the_same_policies_as_the_markdown_guide() {
    let plain = policy_objects(&read(&seeds_dir().join("000_8322d4913595f65a.txt")));
    let seeds = seed_policies();
    let names = [
        "chicory/trust-policy.json",
        "chicory/glue-readonly-permissions.json",
        "chicory/glue-readwrite-permissions.json",
        "chicory/datazone-readonly-permissions.json",
        "chicory/datazone-readwrite-permissions.json",
        "chicory/s3-readonly-permissions.json",
        "chicory/s3-readwrite-permissions.json",
    ];
    assert_eq!(plain.len(), names.len());
    for (p, n) in plain.iter().zip(names) {
        assert_eq!(p, &seeds[n], "{n}: the plain-text guide differs");
    }
}

#[test]
fn committed_guides_are_the_shared_seeds() {
    let shared = shared_seeds_dir();
    let committed = committed_seeds_dir();
    let names = |dir: &std::path::Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".txt"))
            .collect();
        v.sort();
        v
    };
    let copies = names(&committed);
    assert_eq!(copies.len(), 5, "tests/spec/seeds holds the five guides");
    if !shared.join(MAIN_GUIDE).is_file() {
        // Nothing to compare the copy with; every drift test above and below still runs on it.
        eprintln!(
            "note: {} not found: the committed copy of the guides was not compared with it",
            shared.display()
        );
        return;
    }
    assert_eq!(names(&shared), copies, "the guides in ../shared/seeds");
    for n in &copies {
        assert!(
            read(&shared.join(n)) == read(&committed.join(n)),
            "tests/spec/seeds/{n} differs from ../shared/seeds/{n}: copy it again"
        );
    }
}

#[test]
fn without_shared_seeds_the_committed_copies_are_used_and_without_both_the_test_fails() {
    let missing = scratch("no-seeds").join("missing");
    // No ../shared/seeds: the committed copy of the guides.
    let (source, dir) = locate_seeds(&missing, &committed_seeds_dir()).unwrap();
    assert_eq!(dir, committed_seeds_dir());
    assert!(source.contains("committed"), "{source}");
    // Both present: the shared seeds first.
    let shared = scratch("shared-seeds");
    std::fs::write(shared.join(MAIN_GUIDE), "guide").unwrap();
    assert_eq!(
        locate_seeds(&shared, &committed_seeds_dir()).unwrap().1,
        shared
    );
    // Neither: an error naming both places and what to do.
    let err = locate_seeds(&missing, &missing).unwrap_err();
    assert!(err.contains("shared/"), "{err}");
    assert!(
        err.contains("git checkout -- chicory-aws-policy/tests/spec"),
        "{err}"
    );
    // And the drift tests always have two sources: the blocks' copies and the guides.
    let sources = spec_sources();
    assert_eq!(sources.len(), 2);
    for (name, specs) in &sources {
        assert_eq!(specs.len(), SPEC_POLICY_FILES.len(), "{name}");
    }
}

#[test]
fn spec_only_policies_equal_the_guide_exactly() {
    for (source, specs) in spec_sources() {
        for integration in Integration::ALL {
            for level in AccessLevel::ALL {
                let name = file_for(integration, level);
                let generated =
                    permission_policy(integration, level, &PolicyOptions::spec_only()).unwrap();
                assert_eq!(
                    to_value(&generated),
                    specs[&name],
                    "{integration} {level} differs from {source}/{name}"
                );
            }
        }
    }
}

#[test]
fn library_policies_keep_every_guide_statement_and_add_only_library_statements() {
    for (source, specs) in spec_sources() {
        for integration in Integration::ALL {
            for level in AccessLevel::ALL {
                let spec = &specs[&file_for(integration, level)];
                let generated = to_value(
                    &permission_policy(integration, level, &PolicyOptions::default()).unwrap(),
                );
                let spec_statements = spec["Statement"].as_array().unwrap();
                let gen_statements = generated["Statement"].as_array().unwrap();
                // Same Sids, same actions in the same order, for every guide statement.
                assert_eq!(
                    &gen_statements[..spec_statements.len()],
                    &spec_statements[..],
                    "{integration} {level}: guide statements changed ({source})"
                );
                for extra in &gen_statements[spec_statements.len()..] {
                    let sid = extra["Sid"].as_str().unwrap();
                    assert!(
                        sid.starts_with("Library"),
                        "{sid} is not a library statement"
                    );
                    let spec_actions: Vec<String> = spec_statements
                        .iter()
                        .flat_map(|s| list(&s["Action"]))
                        .collect();
                    for a in list(&extra["Action"]) {
                        assert!(
                            !spec_actions.contains(&a),
                            "{sid} repeats {a}, which the guide already grants"
                        );
                        assert!(
                            chicory_aws_policy::actions::lookup(&a).is_some(),
                            "{a} not in the catalogue"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn every_library_statement_says_why() {
    for integration in Integration::ALL {
        for level in AccessLevel::ALL {
            for s in chicory_aws_policy::permissions::statements(integration, level, true) {
                match s.source {
                    Source::Guide => assert!(guide_statements(integration, level).contains(&s)),
                    Source::Library { reason } => {
                        assert!(s.sid.starts_with("Library"));
                        assert!(reason.len() > 40, "{}: reason too thin", s.sid);
                    }
                }
            }
        }
    }
}

#[test]
fn readwrite_role_in_two_parts_grants_exactly_the_readwrite_actions() {
    use chicory_aws_policy::permissions::write_policy;
    for integration in Integration::ALL {
        for extras in [false, true] {
            let o = PolicyOptions::default().with_library_extras(extras);
            let ro = permission_policy(integration, AccessLevel::ReadOnly, &o).unwrap();
            let rw = permission_policy(integration, AccessLevel::ReadWrite, &o).unwrap();
            let write = write_policy(integration, &o).unwrap();
            let mut union: Vec<String> = ro
                .action_names()
                .into_iter()
                .chain(write.action_names())
                .map(str::to_owned)
                .collect();
            union.sort();
            union.dedup();
            let mut all: Vec<String> = rw.action_names().into_iter().map(str::to_owned).collect();
            all.sort();
            assert_eq!(union, all, "{integration} extras={extras}");
            // And the write part is not empty: something needs ReadWrite.
            assert!(write
                .action_names()
                .iter()
                .any(|a| { chicory_aws_policy::actions::lookup(a).unwrap().is_write() }));
        }
    }
}

#[test]
fn guide_restriction_fragments_are_covered() {
    // Glue: "arn:aws:glue:<REGION>:<ACCOUNT_ID>:catalog", "database/*", "table/*/*".
    let fragment = format!(
        "{{{}}}",
        read(&spec_dir().join("chicory/glue-restrict-resources.fragment.json"))
    );
    let fragment: Value = serde_json::from_str(&fragment).unwrap();
    let fragment = replace_all(
        &fragment,
        &[("<REGION>", "us-west-2"), ("<ACCOUNT_ID>", "123456789012")],
    );
    let scope = ResourceScope::all()
        .region("us-west-2")
        .account("123456789012");
    let doc = permission_policy(
        Integration::Glue,
        AccessLevel::ReadOnly,
        &PolicyOptions::spec_only().with_scope(scope),
    )
    .unwrap();
    let st = doc.statement("GlueCatalogReadAccess").unwrap();
    let expected = list(&fragment["Resource"]);
    let got = st.resource_patterns().to_vec();
    assert_eq!(&got[..3], &expected[..], "the guide's ARNs, in its order");
    // Plus what the SAR requires for GetUserDefinedFunction(s), which the fragment lacks.
    assert_eq!(
        got[3..],
        ["arn:aws:glue:us-west-2:123456789012:userDefinedFunction/*/*".to_string()]
    );

    // S3: "arn:aws:s3:::my-bucket-name", "arn:aws:s3:::my-bucket-name/*".
    let fragment = format!(
        "{{{}}}",
        read(&spec_dir().join("chicory/s3-restrict-resources.fragment.json"))
    );
    let fragment: Value = serde_json::from_str(&fragment).unwrap();
    let doc = permission_policy(
        Integration::S3,
        AccessLevel::ReadOnly,
        &PolicyOptions::spec_only().with_scope(ResourceScope::all().s3_bucket("my-bucket-name")),
    )
    .unwrap();
    let mut all: Vec<String> = doc
        .statements
        .iter()
        .flat_map(|s| s.resource_patterns().to_vec())
        .filter(|r| r != "*")
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all, list(&fragment["Resource"]));
}

#[test]
fn coalesce_scopes_match_the_guide() {
    let names = [
        (
            CoalesceScope::GlueMetadata,
            "coalesce/glue-metadata-only.json",
        ),
        (
            CoalesceScope::GlueWithAthena,
            "coalesce/glue-with-athena.json",
        ),
        (
            CoalesceScope::GlueWithAthenaAndCloudTrail,
            "coalesce/glue-with-athena-and-cloudtrail.json",
        ),
    ];
    for (source, specs) in spec_sources() {
        for (scope, name) in names {
            let spec = replace_all(
                &specs[name],
                &[("<region>", "eu-west-1"), ("<account_id>", "123456789012")],
            );
            let generated = to_value(
                &coalesce_policy(
                    scope,
                    &ResourceScope::all()
                        .region("eu-west-1")
                        .account("123456789012"),
                )
                .unwrap(),
            );
            let s_st = spec["Statement"].as_array().unwrap();
            let g_st = generated["Statement"].as_array().unwrap();
            assert_eq!(s_st.len(), g_st.len(), "{name} ({source})");
            for (s, g) in s_st.iter().zip(g_st) {
                assert_eq!(list(&s["Action"]), list(&g["Action"]), "{name} ({source})");
                assert_eq!(s["Effect"], g["Effect"]);
                let (sr, gr) = (list(&s["Resource"]), list(&g["Resource"]));
                assert_eq!(
                    gr[..sr.len()],
                    sr[..],
                    "{name}: the guide's resources, in order"
                );
                let extra: Vec<&String> = gr[sr.len()..].iter().collect();
                if list(&s["Action"]).iter().any(|a| a.starts_with("glue:")) {
                    // SAR: GetUserDefinedFunction(s) needs a userDefinedFunction resource.
                    assert_eq!(
                        extra,
                        ["arn:aws:glue:eu-west-1:123456789012:userDefinedFunction/*/*"]
                    );
                } else {
                    assert!(
                        extra.is_empty(),
                        "{name}: unexpected extra resources {extra:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn staging_and_bucket_prefix_policies_match_the_guides() {
    for (source, specs) in spec_sources() {
        let spec = &specs["polytomic/staging-policy.json"];
        let generated = to_value(&staging_bucket_policy(&["syncoutput"], "aws").unwrap());
        let (s, g) = (&spec["Statement"][0], &generated["Statement"][0]);
        assert_eq!(list(&s["Action"]), list(&g["Action"]), "{source}");
        assert_eq!(list(&s["Resource"]), list(&g["Resource"]), "{source}");

        let spec = replace_all(
            &specs["apperate/s3-policy.json"],
            &[("BUCKET", "my-bucket")],
        );
        let mut generated = to_value(&bucket_prefix_read_policy("my-bucket", None, "aws").unwrap());
        for st in generated["Statement"].as_array_mut().unwrap() {
            st.as_object_mut().unwrap().remove("Sid");
        }
        // Same statements modulo Sid and one-or-many form.
        let norm = |v: &Value| -> Vec<Value> {
            v["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .map(|st| {
                    let mut st = st.clone();
                    for k in ["Action", "Resource"] {
                        st[k] = json!(list(&st[k]));
                    }
                    st
                })
                .collect()
        };
        assert_eq!(norm(&generated), norm(&spec), "{source}");
    }
}

#[test]
fn trust_policies_match_the_guides() {
    for (source, specs) in spec_sources() {
        let ext = "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a";
        let spec = replace_all(
            &specs["chicory/trust-policy.json"],
            &[
                ("<CHICORY_VENDOR_ACCOUNT_ID>", "123456789012"),
                ("chicory-<your-project-uuid>", ext),
            ],
        );
        let t = TrustPolicy::new(VendorPrincipal::account("123456789012").unwrap(), ext).unwrap();
        assert_eq!(to_value(&t.document().unwrap()), spec, "{source}");

        let spec = &specs["polytomic/trust-policy-external-id.json"];
        let t =
            TrustPolicy::new(VendorPrincipal::account("568237466542").unwrap(), "0000").unwrap();
        assert_eq!(&to_value(&t.document().unwrap()), spec, "{source}");

        let user = "arn:aws:iam::123456789012:user/apperate";
        let spec = replace_all(
            &specs["apperate/trust-policy.json"],
            &[("USER", user), ("EXTERNAL_ID", "iex-ext-1")],
        );
        let t = TrustPolicy::new(VendorPrincipal::arn(user).unwrap(), "iex-ext-1").unwrap();
        assert_eq!(to_value(&t.document().unwrap()), spec, "{source}");
    }
}

#[test]
fn quick_create_links_are_in_the_guides_format() {
    let links = read(&spec_dir().join("chicory/quick-create-links.txt"));
    let links: Vec<&str> = links.lines().collect();
    assert_eq!(links.len(), 3);
    for (integration, link) in Integration::ALL.into_iter().zip(links) {
        let expected = link
            .replace("<ask_the_team>", "123456789012")
            .replace("chicory-<project_id>", "chicory-proj-abc123");
        let params = StackParameters::new(
            integration,
            "123456789012",
            "chicory-proj-abc123",
            AccessLevel::ReadOnly,
        );
        assert_eq!(
            QuickCreateLink::new(integration, &params).to_url(),
            expected
        );
    }
}

/// The `aws ...` commands of a guide bash block, comments and blank lines dropped.
fn commands(block: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in block.lines().map(str::trim_end) {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !cur.is_empty() {
            cur.push('\n');
        }
        cur.push_str(line);
        if !line.ends_with('\\') {
            out.push(std::mem::take(&mut cur));
        }
    }
    out
}

#[test]
fn manual_cli_commands_are_the_guides() {
    let t = TrustPolicy::new(
        VendorPrincipal::account("123456789012").unwrap(),
        "chicory-p",
    )
    .unwrap();
    for integration in Integration::ALL {
        let guide = commands(&read(
            &spec_dir().join(format!("chicory/manual-{integration}.sh")),
        ));
        // The guide lists create-role, then the ReadOnly put-role-policy, then the ReadWrite one.
        let rw = ManualSetup::new(
            integration,
            AccessLevel::ReadWrite,
            &t,
            &PolicyOptions::default(),
        )
        .unwrap();
        assert_eq!(rw.commands, guide, "{integration} ReadWrite");
        let ro = ManualSetup::new(
            integration,
            AccessLevel::ReadOnly,
            &t,
            &PolicyOptions::default(),
        )
        .unwrap();
        assert_eq!(ro.commands, guide[..2], "{integration} ReadOnly");
        // The files the commands read hold the trust policy and the permission policies.
        let names: Vec<&str> = rw.files.iter().map(|f| f.file_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "trust-policy.json".to_string(),
                integration.policy_file_name(AccessLevel::ReadOnly),
                integration.policy_file_name(AccessLevel::ReadWrite)
            ]
        );
        let spec_only = ManualSetup::new(
            integration,
            AccessLevel::ReadWrite,
            &t,
            &PolicyOptions::spec_only(),
        )
        .unwrap();
        for (f, level) in spec_only.files[1..].iter().zip(AccessLevel::ALL) {
            let v: Value = serde_json::from_str(&f.contents).unwrap();
            assert_eq!(v, committed(&file_for(integration, level)));
        }
    }
}
