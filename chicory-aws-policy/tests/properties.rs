//! Property tests of policy scope rendering (issue 11, item 8), with `proptest`: random
//! databases, tables, buckets and prefixes (valid and not) in a scope, for every integration
//! and level. Rendering never panics; bad input is a typed `InvalidInput` naming the field;
//! otherwise
//! - the plan that attaches the policies fits IAM's limits (each managed policy at most 6,144
//!   characters, at most 10 of them; inline at most 10,240 in all), or is refused typed;
//! - the scope never widens: `"Resource": "*"` only on actions that accept nothing else, and no
//!   other resource matches (by IAM's wildcard rules) a database, table or bucket, or a key
//!   outside the prefix, that was not named.
//!
//! Each property prints the cases it ran (`cargo test -p chicory-aws-policy --test properties
//! -- --nocapture`).

use chicory_aws_policy::actions;
use chicory_aws_policy::limits::{
    plan_role_policies, NamedPolicy, INLINE_ROLE_AGGREGATE_MAX_CHARS,
    MANAGED_POLICIES_PER_ROLE_MAX, MANAGED_POLICY_MAX_CHARS,
};
use chicory_aws_policy::permissions::{permission_policy, Integration, PolicyOptions};
use chicory_aws_policy::scope::ResourceScope;
use chicory_aws_policy::{AccessLevel, PolicyError};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;
use std::cell::Cell;

const CASES: u32 = 2048;
const ACCOUNT: &str = "123456789012";
const REGION: &str = "eu-west-1";
/// Out of every scope: the generated names never hold `~`.
const PROBE: &str = "~probe~";

/// Names: mostly plausible, sometimes hostile (wildcards, quotes, control characters, long).
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z0-9_]{1,12}",
        1 => "[a-z0-9_.*?\"$\\\\ /-]{0,10}",
        1 => "\\PC{0,6}",
        1 => (250usize..260).prop_map(|n| "d".repeat(n)),
    ]
}

fn bucket() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z0-9][a-z0-9-]{2,20}[a-z0-9]",
        1 => "[A-Za-z0-9_.*-]{0,8}",
    ]
}

fn prefix() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        6 => "[a-z0-9=_-]{1,8}(/[a-z0-9=_-]{1,8}){0,2}/?",
        1 => "[a-z*?\"$/]{0,6}",
    ])
}

#[derive(Debug, Clone)]
struct Input {
    databases: Vec<String>,
    tables: Vec<(String, String)>,
    locations: Vec<(String, Option<String>)>,
    integration: usize,
    read_write: bool,
}

fn input() -> impl Strategy<Value = Input> {
    (
        prop::collection::vec(name(), 0..4),
        prop::collection::vec((name(), name()), 0..4),
        prop::collection::vec((bucket(), prefix()), 0..4),
        0usize..3,
        any::<bool>(),
    )
        .prop_map(
            |(databases, tables, locations, integration, read_write)| Input {
                databases,
                tables,
                locations,
                integration,
                read_write,
            },
        )
}

/// IAM's wildcard match: `*` any run of characters, `?` any one.
fn iam_match(pattern: &str, value: &str) -> bool {
    let (p, v): (Vec<char>, Vec<char>) = (pattern.chars().collect(), value.chars().collect());
    let (mut pi, mut vi, mut star, mut mark) = (0, 0, None, 0);
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == v[vi]) {
            pi += 1;
            vi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = vi;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            vi = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn scoped_policies_fit_iams_limits_and_never_widen() {
    let (cases, rendered) = (Cell::new(0), Cell::new(0));
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&input(), |input| {
            cases.set(cases.get() + 1);
            let mut scope = ResourceScope::all().account(ACCOUNT).region(REGION);
            for d in &input.databases {
                scope = scope.glue_database(d);
            }
            for (d, t) in &input.tables {
                scope = scope.glue_table(d, t);
            }
            for (b, p) in &input.locations {
                scope = match p {
                    Some(p) => scope.s3_prefix(b, p),
                    None => scope.s3_bucket(b),
                };
            }
            let integration = Integration::ALL[input.integration];
            let level = if input.read_write {
                AccessLevel::ReadWrite
            } else {
                AccessLevel::ReadOnly
            };
            let options = PolicyOptions::default().with_scope(scope.clone());
            let doc = match permission_policy(integration, level, &options) {
                Err(PolicyError::InvalidInput { field, .. }) => {
                    prop_assert!(!field.is_empty());
                    prop_assert!(scope.check().is_err(), "refused a scope its check accepts");
                    return Ok(());
                }
                Err(e) => return Err(TestCaseError::fail(format!("untyped refusal: {e}"))),
                Ok(doc) => doc,
            };
            rendered.set(rendered.get() + 1);

            // Limits: the plan that attaches it fits, or says why not.
            match plan_role_policies(vec![NamedPolicy::new("ChicoryAccess", doc.clone())]) {
                Ok(plan) => {
                    let sizes: Vec<usize> =
                        plan.policies().map(|p| p.document.iam_size()).collect();
                    let total: usize = sizes.iter().sum();
                    prop_assert!(
                        total <= INLINE_ROLE_AGGREGATE_MAX_CHARS
                            || (sizes.iter().all(|s| *s <= MANAGED_POLICY_MAX_CHARS)
                                && sizes.len() <= MANAGED_POLICIES_PER_ROLE_MAX),
                        "{sizes:?}"
                    );
                }
                Err(PolicyError::PolicyTooLarge { .. }) => {}
                Err(e) => return Err(TestCaseError::fail(format!("plan: {e}"))),
            }

            // Never wider than named.
            let json: Value = serde_json::from_str(&doc.to_json_compact()).unwrap();
            let statements = match &json["Statement"] {
                Value::Array(a) => a.clone(),
                one => vec![one.clone()],
            };
            let named_dbs: Vec<String> = input
                .databases
                .iter()
                .chain(input.tables.iter().map(|(d, _)| d))
                .map(|d| d.to_lowercase())
                .collect();
            let probes: Vec<String> = {
                let glue = |r: &str| format!("arn:aws:glue:{REGION}:{ACCOUNT}:{r}");
                // A scope naming no database (bucket) leaves Glue (S3) whole.
                let mut p = Vec::new();
                if !named_dbs.is_empty() {
                    p.push(glue(&format!("database/{PROBE}")));
                    p.push(glue(&format!("table/{PROBE}/t")));
                }
                if !input.locations.is_empty() {
                    p.push(format!("arn:aws:s3:::{PROBE}"));
                    p.push(format!("arn:aws:s3:::{PROBE}/key"));
                }
                for d in &named_dbs {
                    // A table nobody named, in a database named only for some of its tables.
                    let whole = input.databases.iter().any(|x| x.to_lowercase() == *d);
                    if !whole {
                        p.push(glue(&format!("table/{d}/{PROBE}")));
                    }
                }
                // An empty prefix ("" or "/") is the whole bucket.
                let real = |p: &Option<String>| {
                    p.as_deref()
                        .is_some_and(|p| !p.trim_matches('/').is_empty())
                };
                for (b, pre) in &input.locations {
                    let whole = input.locations.iter().any(|(x, p)| x == b && !real(p));
                    if real(pre) && !whole {
                        p.push(format!("arn:aws:s3:::{b}/{PROBE}/key"));
                    }
                }
                p
            };
            for st in &statements {
                let resources = strings(&st["Resource"]);
                let actions = strings(&st["Action"]);
                if resources.iter().any(|r| r == "*") {
                    if !scope.is_unrestricted() {
                        for a in &actions {
                            if let Some(action) = actions::lookup(a) {
                                let scoped_kind = action.resources.iter().any(|r| {
                                    scope_covers(
                                        &format!("{r:?}"),
                                        !named_dbs.is_empty(),
                                        !input.locations.is_empty(),
                                    )
                                });
                                prop_assert!(
                                    action.only_star_resource() || !scoped_kind,
                                    "{a} keeps Resource * in a scoped policy: {st}"
                                );
                            }
                        }
                    }
                    continue;
                }
                for r in &resources {
                    for p in &probes {
                        prop_assert!(!iam_match(r, p), "{r} grants {p}, never named: {st}");
                    }
                }
            }
            Ok(())
        })
        .unwrap();
    eprintln!(
        "scope rendering: {} cases ({} rendered, the rest refused as bad input)",
        cases.get(),
        rendered.get()
    );
    assert_eq!(cases.get(), CASES);
    assert!(
        rendered.get() >= CASES / 4,
        "too few scopes rendered to show anything"
    );
}

/// Whether a resource type (its Debug name) is one the scope restricts: Glue databases and
/// tables when it names some, S3 buckets and objects when it names some.
fn scope_covers(resource_type: &str, glue: bool, s3: bool) -> bool {
    let t = resource_type.to_ascii_lowercase();
    (glue && (t.contains("database") || t.contains("table")))
        || (s3 && (t.contains("bucket") || t.contains("object")))
}
