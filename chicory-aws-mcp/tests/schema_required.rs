//! Tool inputs at the boundary (issue 11, items 10 and 8): every tool's input schema says what
//! the code requires, and arbitrary JSON (a `proptest` property, last below) never panics a
//! tool and is refused, when it is refused, before any request. For the schemas: for each tool
//! the server lists, operator or scan,
//! - an input holding only the schema's `required` fields passes the tool's local checks (it
//!   sends a request), so the code needs nothing the schema calls optional;
//! - the same input without any one required field is refused before any request, with an
//!   `InvalidConfig` error naming that field, so the schema calls nothing required that the code
//!   can do without;
//! - where the schema asks for at least one field of a group (`anyOf` of `required`, from
//!   `Operator::REQUIRES_ONE_OF`: an update needs something to update), the minimal input
//!   holds the group's first field, and an input holding none of the group is refused the same
//!   way, naming a field of the group.
//!
//! The values are made from each property's schema (type, enum, format, nested `$ref`), with a
//! valid example for the fields whose values the library checks (bucket names, ARNs, ids). The
//! service behind the connection is a loopback fake (testkit's STS fake, which answers every
//! other request with AccessDenied): only whether a request left the process matters here.

use chicory_aws_core::{AccessLevel, BaseCredentials, ConnectionParams, ErrorKind};
use chicory_aws_mcp::{Account, CallError, ChicoryMcp};
use chicory_aws_testkit::{FakeSts, TestClock, FAKE_EXTERNAL_ID, FAKE_ROLE};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};
use std::cell::Cell;
use std::time::Duration;
use wiremock::{Mock, ResponseTemplate};

/// A valid value for fields whose values the library checks, by property name.
fn example(name: &str) -> Option<Value> {
    Some(match name {
        "bucket" | "source_bucket" | "target_bucket" => json!("example-bucket"),
        "key" | "source_key" => json!("data/part-0.parquet"),
        "catalog_id" => json!("123456789012"),
        "role" | "role_arn" => json!("arn:aws:iam::123456789012:role/GlueDataQuality"),
        "output_location" | "location" | "s3_location" => json!("s3://example-bucket/results/"),
        "query" | "query_string" | "sql" => json!("SELECT 1"),
        "query_execution_id" => json!("a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"),
        "domain_identifier" | "domain_id" | "domain" => json!("dzd_abc123def45678"),
        "project_identifier" | "project_id" | "owning_project_identifier" => {
            json!("prj_abc123def45678")
        }
        "ruleset" | "rules" => json!("Rules = [ RowCount > 0 ]"),
        "region" => json!("us-east-1"),
        _ => return None,
    })
}

/// Resolves a `$ref` against the root schema's definitions.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or(r);
            root.get("definitions")
                .or_else(|| root.get("$defs"))
                .and_then(|d| d.get(name))
                .unwrap_or_else(|| panic!("unresolved {r}"))
        }
        None => schema,
    }
}

/// A value matching `schema`, with only the required fields of objects.
fn value_for(root: &Value, name: &str, schema: &Value) -> Value {
    if let Some(v) = example(name) {
        return v;
    }
    let schema = resolve(root, schema);
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        return value_for(root, name, &all[0]);
    }
    // A union of types (not an object's `anyOf` of required groups).
    if let Some(any) = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
        .filter(|_| schema.get("properties").is_none())
    {
        let first = any
            .iter()
            .find(|s| s.get("type").and_then(Value::as_str) != Some("null"))
            .unwrap_or(&any[0]);
        return value_for(root, name, first);
    }
    if let Some(v) = schema.get("const") {
        return v.clone();
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        return e[0].clone();
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ => "object",
    };
    match ty {
        "string" => json!("example_name"),
        "integer" => {
            let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(1);
            json!(min.max(1))
        }
        "number" => json!(1.0),
        "boolean" => json!(false),
        "array" => {
            let items = schema.get("items").cloned().unwrap_or(json!({}));
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            Value::Array(
                (0..min.max(1))
                    .map(|_| value_for(root, name, &items))
                    .collect(),
            )
        }
        "null" => Value::Null,
        _ => {
            let mut obj = Map::new();
            for field in required(schema) {
                let prop = &schema["properties"][&field];
                obj.insert(field.clone(), value_for(root, &field, prop));
            }
            Value::Object(obj)
        }
    }
}

/// The schema's groups of fields of which an input must hold at least one: its root `anyOf`
/// (or each `anyOf` under a root `allOf`) of one-field `required`s.
fn groups(schema: &Value) -> Vec<Vec<String>> {
    let group = |any_of: &Value| -> Vec<String> {
        any_of
            .as_array()
            .expect("anyOf is an array")
            .iter()
            .map(|option| {
                let r = required(option);
                assert_eq!(
                    r.len(),
                    1,
                    "each option of a group requires one field: {option}"
                );
                r[0].clone()
            })
            .collect()
    };
    let mut out = Vec::new();
    if let Some(a) = schema.get("anyOf") {
        out.push(group(a));
    }
    for all in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.push(group(&all["anyOf"]));
    }
    out
}

fn required(schema: &Value) -> Vec<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The server on one ReadWrite account whose every request but AssumeRole goes to a fake that
/// answers AccessDenied.
async fn denying_server() -> (FakeSts, ChicoryMcp) {
    let sts = FakeSts::start(TestClock::new(), Duration::from_secs(900)).await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("content-type", "application/x-amz-json-1.1")
                .insert_header("x-amzn-errortype", "AccessDeniedException")
                .set_body_string(r#"{"__type":"AccessDeniedException","message":"fake"}"#),
        )
        .mount(sts.server())
        .await;
    let params = ConnectionParams::assume_role(FAKE_ROLE, FAKE_EXTERNAL_ID)
        .unwrap()
        .with_access_level(AccessLevel::ReadWrite);
    let uri = sts.uri();
    let account = Account::new("acme", params).unwrap().configure(move |b| {
        b.endpoint_url(uri.clone())
            .base_credentials(BaseCredentials::from_keys(
                "AKIAVENDOR0000000000",
                "vendor-secret",
            ))
    });
    let server = ChicoryMcp::builder()
        .account(account)
        .build()
        .await
        .unwrap();
    (sts, server)
}

/// Requests the fake received, AssumeRole aside.
async fn sent_to(sts: &FakeSts) -> usize {
    sts.service_requests().await.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_schema_requires_exactly_what_its_tool_refuses_to_run_without() {
    let (sts, server) = denying_server().await;
    let sent = || sent_to(&sts);
    let call = |name: String, input: Map<String, Value>| {
        let server = server.clone();
        async move { server.call(&name, input).await }
    };

    let mut problems = Vec::new();
    let (mut checked_fields, mut checked_groups) = (0, 0);
    let tools = server.tools().to_vec();
    for tool in &tools {
        let name = tool.name.to_string();
        let root = Value::Object((*tool.input_schema).clone());
        let req: Vec<String> = required(&root)
            .into_iter()
            .filter(|f| f != "account")
            .collect();
        let Value::Object(mut minimal) = value_for(&root, "", &root) else {
            panic!("{name}: the input schema is not an object");
        };
        let groups = groups(&root);
        for group in &groups {
            let first = &group[0];
            let prop = &root["properties"][first];
            assert!(
                !prop.is_null(),
                "{name}: group field `{first}` is not a property"
            );
            minimal.insert(first.clone(), value_for(&root, first, prop));
        }

        // Only the required fields: the tool gets past its local checks and sends a request.
        let before = sent().await;
        let result = call(name.clone(), minimal.clone()).await;
        let after = sent().await;
        if after == before {
            problems.push(format!(
                "{name}: with only its required fields {req:?} ({}) it sent nothing: {}",
                Value::Object(minimal.clone()),
                describe(&result)
            ));
        }

        // Each required field left out: refused locally, naming the field.
        for field in &req {
            checked_fields += 1;
            let mut input = minimal.clone();
            input.remove(field);
            let before = sent().await;
            let result = call(name.clone(), input).await;
            let after = sent().await;
            match &result {
                Err(CallError::Tool(e))
                    if e.kind() == ErrorKind::InvalidConfig
                        && e.field().is_some_and(|f| f.contains(field.as_str())) =>
                {
                    if after != before {
                        problems.push(format!(
                            "{name}: without `{field}` it was refused, but after sending a request"
                        ));
                    }
                }
                other => problems.push(format!(
                    "{name}: without required `{field}` it was not refused naming the field: {}",
                    describe(other)
                )),
            }
        }
        // Each group left out whole: refused locally, naming a field of the group.
        for group in &groups {
            checked_groups += 1;
            let mut input = minimal.clone();
            for f in group {
                input.remove(f);
            }
            let before = sent().await;
            let result = call(name.clone(), input).await;
            let after = sent().await;
            let named = |f: &str| group.iter().any(|g| f.contains(g.as_str()));
            match &result {
                Err(CallError::Tool(e))
                    if e.kind() == ErrorKind::InvalidConfig
                        && e.field().is_some_and(named)
                        && after == before => {}
                other => problems.push(format!(
                    "{name}: with none of {group:?} it was not refused locally naming one: {}",
                    describe(other)
                )),
            }
        }
    }
    eprintln!(
        "{} tools, {checked_fields} required fields and {checked_groups} groups checked",
        tools.len()
    );
    assert!(tools.len() >= 65, "only {} tools listed", tools.len());
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

fn describe(r: &Result<Value, CallError>) -> String {
    match r {
        Ok(v) => format!("ok {v}"),
        Err(CallError::Tool(e)) => format!("{:?} {e} (field {:?})", e.kind(), e.field()),
        Err(e) => format!("{e:?}"),
    }
}

/// Arbitrary JSON, nested a few levels, with strings that stress validators.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e12f64..1e12).prop_map(|f| json!(f)),
        "[a-zA-Z0-9_./:=-]{0,24}".prop_map(Value::String),
        "\\PC{0,12}".prop_map(Value::String),
        "[\\x00-\\x1f]{1,3}".prop_map(Value::String),
        (0usize..3000).prop_map(|n| Value::String("x".repeat(n))),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every tool, fed arbitrary JSON objects whose keys are mostly its own fields: no panic; a
/// refusal of the input is a typed `InvalidConfig` naming a field, and is made before any
/// request leaves the process.
#[test]
fn tools_take_arbitrary_json_without_panic_and_refuse_bad_input_before_sending() {
    const CASES: u32 = 2048;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (sts, server) = rt.block_on(denying_server());
    // Per tool: its name, its fields, and a valid input (its required fields and the first of
    // each group) that half the cases start from, so arbitrary values meet the checks past the
    // first missing field.
    let tools: Vec<(String, Vec<String>, Map<String, Value>)> = server
        .tools()
        .iter()
        .map(|t| {
            let root = Value::Object((*t.input_schema).clone());
            let props = root
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().filter(|k| *k != "account").cloned().collect())
                .unwrap_or_default();
            let Value::Object(mut valid) = value_for(&root, "", &root) else {
                panic!("{}: not an object schema", t.name);
            };
            for group in groups(&root) {
                let first = &group[0];
                valid.insert(
                    first.clone(),
                    value_for(&root, first, &root["properties"][first]),
                );
            }
            (t.name.to_string(), props, valid)
        })
        .collect();
    let strategy = (
        0..tools.len(),
        prop::collection::vec(
            (any::<prop::sample::Index>(), "[a-z_]{1,8}", any_json()),
            0..6,
        ),
        any::<prop::sample::Index>(),
    );
    let (cases, refused, sent_any) = (Cell::new(0u32), Cell::new(0u32), Cell::new(0u32));
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |(tool, fields, own)| {
            cases.set(cases.get() + 1);
            let (name, props, valid) = &tools[tool];
            let mut input = if own.index(2) == 0 {
                valid.clone()
            } else {
                Map::new()
            };
            for (pick, other, value) in fields {
                // Three in four keys are the tool's own.
                let key = if props.is_empty() || pick.index(4) == 0 {
                    other
                } else {
                    props[pick.index(props.len())].clone()
                };
                input.insert(key, value);
            }
            let before = rt.block_on(sent_to(&sts));
            let result = rt.block_on(server.call(name, input.clone()));
            let after = rt.block_on(sent_to(&sts));
            if after > before {
                sent_any.set(sent_any.get() + 1);
            }
            match &result {
                Err(CallError::Tool(e)) if e.kind() == ErrorKind::InvalidConfig => {
                    refused.set(refused.get() + 1);
                    prop_assert!(e.field().is_some(), "{name}({input:?}): no field: {e}");
                    prop_assert_eq!(
                        before,
                        after,
                        "{}({:?}) sent a request, then refused its input: {}",
                        name,
                        input,
                        e
                    );
                }
                Err(CallError::UnknownTool) => prop_assert!(false, "{name} unknown"),
                _ => {}
            }
            Ok(())
        })
        .unwrap();
    eprintln!(
        "tool inputs: {} cases over {} tools ({} refused locally, {} reached the fake)",
        cases.get(),
        tools.len(),
        refused.get(),
        sent_any.get()
    );
    assert_eq!(cases.get(), CASES);
}
