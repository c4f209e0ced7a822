//! Property tests of every input boundary of core (issue 11, item 8), with `proptest`: the
//! stored connection parameters and each field validator, fed both arbitrary JSON and values
//! near each rule's edges. The library must never panic; every refusal is a typed
//! `InvalidConfig` error naming a field; what it accepts is exactly what the rule (written here
//! independently of the library) allows, and survives a round trip; no secret appears in an
//! error. Each property prints the cases it ran (`cargo test ... -- --nocapture`).

use chicory_aws_core::params::{Region, SessionName};
use chicory_aws_core::{ConnectionParams, ErrorKind, ExternalId, RoleArn};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use std::cell::Cell;

const CASES: u32 = 2048;

/// Arbitrary JSON, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        any_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(field_name(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Text that stresses validators: empty, long, control characters, non-ASCII, the rules' own
/// punctuation.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_+=,.@:/-]{0,80}",
        "\\PC{0,40}",
        "[\\x00-\\x1f\\x7f ]{1,4}",
        "[a-z0-9-]{1,20}",
        (0usize..2000).prop_map(|n| "a".repeat(n)),
    ]
}

const FIELDS: &[&str] = &[
    "role_arn",
    "external_id",
    "region",
    "access_level",
    "session_name",
    "session_duration",
    "source_identity",
    "session_tags",
    "access_key_id",
    "secret_access_key",
    "account_id",
];

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(FIELDS).prop_map(str::to_owned),
        1 => "[a-z_]{1,12}",
    ]
}

/// Values near what each field expects, valid and not.
fn field_value(field: &str) -> BoxedStrategy<Value> {
    let s = |st: BoxedStrategy<String>| st.prop_map(Value::String).boxed();
    match field {
        "role_arn" => s(role_arn().boxed()),
        "external_id" | "session_name" | "source_identity" => s(any_text().boxed()),
        "region" => s(region().boxed()),
        "access_level" => prop_oneof![
            Just(json!("ReadOnly")),
            Just(json!("ReadWrite")),
            Just(json!("readonly")),
            Just(json!("Admin")),
            any_json(),
        ]
        .boxed(),
        "session_duration" => prop_oneof![
            (0u64..50_000).prop_map(|n| json!(n)),
            any::<i64>().prop_map(|n| json!(n)),
            any_json(),
        ]
        .boxed(),
        "account_id" => s("[0-9]{10,14}".boxed()),
        _ => any_json().boxed(),
    }
}

fn role_arn() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&["aws", "aws-cn", "aws-us-gov", "aws-x", ""][..]),
        prop::sample::select(&["iam", "s3", "sts"][..]),
        "[0-9]{11,13}",
        prop::sample::select(&["role/", "user/", "role//", "role/a/", ""][..]),
        prop_oneof!["[a-zA-Z0-9+=,.@_-]{0,66}", any_text()],
    )
        .prop_map(|(p, svc, acct, kind, name)| format!("arn:{p}:{svc}::{acct}:{kind}{name}"))
}

fn region() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(
            &[
                "us-east-1",
                "eu-west-2",
                "cn-north-1",
                "us-gov-west-1",
                "ap-southeast-2"
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-z]{1,3}-[a-z]{0,10}(-[a-z]{1,5})?-[0-9]{0,3}",
        any_text(),
    ]
}

/// The stored parameters: a valid object (role or access keys), with up to three fields
/// replaced or added with plausible or hostile values.
fn params_json() -> impl Strategy<Value = Value> {
    let base = prop_oneof![
        Just(json!({
            "role_arn": "arn:aws:iam::123456789012:role/ChicoryGlueAccess",
            "external_id": "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
        })),
        Just(json!({
            "access_key_id": "AKIAIOSFODNN7EXAMPLE",
            "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "account_id": "123456789012",
        })),
    ];
    let changes =
        prop::collection::btree_set(prop::sample::select(FIELDS), 0..4).prop_flat_map(|fields| {
            fields
                .into_iter()
                .map(|f| field_value(f).prop_map(move |v| (f.to_owned(), v)).boxed())
                .collect::<Vec<_>>()
        });
    (base, changes).prop_map(|(mut base, changes)| {
        let o = base.as_object_mut().expect("an object");
        for (f, v) in changes {
            o.insert(f, v);
        }
        base
    })
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    })
}

fn report(what: &str, cases: u32) {
    eprintln!("{what}: {cases} cases");
    assert_eq!(cases, CASES, "{what}: ran {cases} cases, not {CASES}");
}

/// Shared checks of a parse result: a refusal is typed and names a field, the text of any
/// secret given is not in it; an acceptance round-trips through the stored JSON.
fn check_outcome(input: &Value, result: chicory_aws_core::Result<ConnectionParams>) {
    match result {
        Ok(p) => {
            let stored = serde_json::to_string(&p).expect("serializable");
            let again = ConnectionParams::from_json(&stored).expect("its own JSON parses");
            assert_eq!(again, p, "round trip of {input}");
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{input}: {e}");
            assert!(e.field().is_some_and(|f| !f.is_empty()), "{input}: {e}");
            if let Some(Value::String(secret)) = input.get("secret_access_key") {
                if secret.len() >= 8 {
                    for shown in [e.to_string(), format!("{e:?}"), format!("{e:#?}")] {
                        assert!(!shown.contains(secret.as_str()), "secret in {shown}");
                    }
                }
            }
        }
    }
}

#[test]
fn connection_params_from_arbitrary_json_text_never_panic() {
    let cases = Cell::new(0);
    let strategy = prop_oneof![any_json().prop_map(|v| v.to_string()), "\\PC{0,60}"];
    runner()
        .run(&strategy, |text| {
            cases.set(cases.get() + 1);
            match ConnectionParams::from_json(&text) {
                Ok(p) => check_outcome(&serde_json::from_str(&text).unwrap(), Ok(p)),
                Err(e) => {
                    prop_assert_eq!(e.kind(), ErrorKind::InvalidConfig);
                    prop_assert!(e.field().is_some());
                }
            }
            Ok(())
        })
        .unwrap();
    report("from_json(arbitrary text)", cases.get());
}

#[test]
fn stored_params_are_accepted_exactly_when_every_field_follows_its_rule() {
    let (cases, accepted) = (Cell::new(0), Cell::new(0));
    runner()
        .run(&params_json(), |input| {
            cases.set(cases.get() + 1);
            let result = ConnectionParams::from_json(&input.to_string());
            accepted.set(accepted.get() + u32::from(result.is_ok()));
            let expected = oracle(&input);
            match (&result, &expected) {
                (Ok(_), Ok(())) => {}
                (Err(e), Err(field)) => prop_assert!(
                    e.field()
                        .is_some_and(|f| f.contains(field.as_str()) || field.as_str() == "*"),
                    "{input}: refused naming {:?}, expected {field}: {e}",
                    e.field()
                ),
                (Ok(_), Err(field)) => {
                    prop_assert!(false, "{input}: accepted, but `{field}` breaks its rule")
                }
                (Err(e), Ok(())) => prop_assert!(false, "{input}: refused, rule allows it: {e}"),
            }
            check_outcome(&input, result);
            Ok(())
        })
        .unwrap();
    report("from_json(stored parameters)", cases.get());
    eprintln!("  of which accepted: {}", accepted.get());
    // Both sides of every rule are reached, not only refusals.
    assert!(
        accepted.get() >= CASES / 10,
        "only {} accepted",
        accepted.get()
    );
}

#[test]
fn each_validator_accepts_exactly_its_rule() {
    let cases = Cell::new(0);
    let strategy = (any_text(), role_arn(), region());
    runner()
        .run(&strategy, |(text, arn, region)| {
            cases.set(cases.get() + 1);
            prop_assert_eq!(
                ExternalId::new(text.clone()).is_ok(),
                id_rule(&text, 2, 1224, "+=,.@:/-")
            );
            prop_assert_eq!(
                SessionName::new(text.clone()).is_ok(),
                id_rule(&text, 2, 64, "+=,.@-")
            );
            prop_assert_eq!(RoleArn::parse(&arn).is_ok(), arn_rule(&arn), "{}", arn);
            prop_assert_eq!(RoleArn::parse(&text).is_ok(), arn_rule(&text), "{}", text);
            prop_assert_eq!(
                Region::new(region.clone()).is_ok(),
                region_rule(&region),
                "{}",
                region
            );
            for e in [
                ExternalId::new(text.clone()).err(),
                RoleArn::parse(&arn).err(),
                Region::new(region.clone()).err(),
            ]
            .into_iter()
            .flatten()
            {
                prop_assert_eq!(e.kind(), ErrorKind::InvalidConfig);
                prop_assert!(e.field().is_some());
            }
            Ok(())
        })
        .unwrap();
    report("validators", cases.get());
}

// --- the rules, from the AWS documentation, written apart from the library --------------------

fn id_rule(s: &str, min: usize, max: usize, extra: &str) -> bool {
    let n = s.chars().count();
    (min..=max).contains(&n)
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || extra.contains(c))
}

fn arn_rule(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("arn:") else {
        return false;
    };
    let Some((partition, rest)) = rest.split_once(':') else {
        return false;
    };
    let Some(rest) = rest.strip_prefix("iam::") else {
        return false;
    };
    let Some((account, resource)) = rest.split_once(':') else {
        return false;
    };
    let Some(path_name) = resource.strip_prefix("role/") else {
        return false;
    };
    let segments: Vec<&str> = path_name.split('/').collect();
    let (name, path) = segments.split_last().expect("split yields one");
    ["aws", "aws-cn", "aws-us-gov"].contains(&partition)
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && path
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| ('!'..='~').contains(&c)))
        && path_name.len() - name.len() <= 511
        && id_rule(name, 1, 64, "+=,.@-")
}

fn region_rule(s: &str) -> bool {
    let Some((head, number)) = s.rsplit_once('-') else {
        return false;
    };
    let words: Vec<&str> = head.split('-').collect();
    (1..=2).contains(&number.len())
        && number.chars().all(|c| c.is_ascii_digit())
        && words.len() >= 2
        && words[0].len() == 2
        && words
            .iter()
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()))
}

fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// Whether the stored parameters are valid, or a field that is not (`*`: any field may be
/// named, when several rules are broken at once and the library's order of checks decides).
/// Types are checked first (the JSON is read before its values are), then the values.
fn oracle(input: &Value) -> Result<(), String> {
    let o = input.as_object().expect("an object");
    // JSON null is an absent optional field, except for the tags map.
    let present = |f: &str| {
        o.get(f)
            .is_some_and(|v| !v.is_null() || f == "session_tags")
    };
    let mut broken = Vec::new();
    for (f, v) in o {
        let typed = match f.as_str() {
            "session_tags" => v
                .as_object()
                .is_some_and(|m| m.values().all(Value::is_string)),
            "session_duration" => v.is_null() || v.as_u64().is_some(),
            "access_level" => {
                v.is_null()
                    || v.as_str().is_some_and(|l| {
                        ["readonly", "readwrite"]
                            .contains(&l.replace(['-', '_'], "").to_ascii_lowercase().as_str())
                    })
            }
            known if FIELDS.contains(&known) => v.is_null() || v.is_string(),
            _ => false,
        };
        if !typed {
            broken.push(f.clone());
        }
    }
    if !broken.is_empty() {
        return one_of(broken);
    }
    let text = |f: &str| o.get(f).and_then(Value::as_str).map(str::to_owned);
    let region = match text("region") {
        None => Some("us-east-1".to_owned()),
        Some(r) if region_rule(&r) => Some(r),
        _ => return Err("region".to_owned()),
    };
    let (role, keys) = (present("role_arn"), present("access_key_id"));
    if role && keys {
        broken.push("access_key_id".to_owned());
    } else if role {
        if present("secret_access_key") || present("account_id") {
            return Err("secret_access_key".to_owned());
        }
        match text("role_arn") {
            Some(a) if arn_rule(&a) => {
                if let Some(r) = &region {
                    if a.split(':').nth(1) != Some(partition_of(r)) {
                        broken.push("region".to_owned());
                    }
                }
            }
            _ => broken.push("role_arn".to_owned()),
        }
        match text("external_id") {
            Some(e) if id_rule(&e, 2, 1224, "+=,.@:/-") => {}
            _ => broken.push("external_id".to_owned()),
        }
        for f in ["session_name", "source_identity"] {
            match text(f) {
                None => {}
                Some(v) if id_rule(&v, 2, 64, "+=,.@-") => {}
                _ => broken.push(f.to_owned()),
            }
        }
        match o.get("session_duration").and_then(Value::as_u64) {
            None => {}
            Some(d) if (900..=43200).contains(&d) => {}
            Some(_) => broken.push("session_duration".to_owned()),
        }
        if let Some(Value::Object(m)) = o.get("session_tags") {
            let ok = |t: &str, max: usize| {
                t.chars().count() <= max
                    && t.chars()
                        .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c))
            };
            if m.len() > 50
                || !m.iter().all(|(k, v)| {
                    !k.is_empty() && ok(k, 128) && ok(v.as_str().unwrap_or_default(), 256)
                })
            {
                broken.push("session_tags".to_owned());
            }
        }
    } else if keys {
        for f in [
            "external_id",
            "session_name",
            "session_duration",
            "source_identity",
        ] {
            if present(f) {
                broken.push(f.to_owned());
            }
        }
        if o.get("session_tags")
            .and_then(Value::as_object)
            .is_some_and(|m| !m.is_empty())
        {
            broken.push("session_tags".to_owned());
        }
        match text("access_key_id") {
            Some(k)
                if (16..=128).contains(&k.len())
                    && k.bytes().all(|b| b.is_ascii_alphanumeric()) => {}
            _ => broken.push("access_key_id".to_owned()),
        }
        match text("secret_access_key") {
            Some(s) if !s.is_empty() => {}
            _ => broken.push("secret_access_key".to_owned()),
        }
        match text("account_id") {
            Some(a) if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) => {}
            _ => broken.push("account_id".to_owned()),
        }
    } else {
        broken.push("role_arn".to_owned());
    }
    one_of(broken)
}

fn one_of(broken: Vec<String>) -> Result<(), String> {
    match broken.as_slice() {
        [] => Ok(()),
        [one] => Err(one.clone()),
        _ => Err("*".to_owned()),
    }
}

proptest! {
    /// `record_time` writes exactly what the SDK's RFC 3339 formatter writes, for any instant
    /// (years 1 to 9999, and `None` outside them alike), with or without a fraction.
    #[test]
    fn record_time_is_the_sdks_rfc_3339_text(
        secs in -62_200_000_000i64..253_500_000_000,
        nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000, (0u32..1_000).prop_map(|m| m * 1_000_000)],
    ) {
        let t = aws_smithy_types::DateTime::from_secs_and_nanos(secs, nanos);
        let sdk = t.fmt(aws_smithy_types::date_time::Format::DateTime).ok();
        prop_assert_eq!(chicory_aws_core::scan::record_time(Some(&t)), sdk);
    }
}

#[test]
fn record_time_at_the_edges() {
    use aws_smithy_types::DateTime;
    let at = |s, n| chicory_aws_core::scan::record_time(Some(&DateTime::from_secs_and_nanos(s, n)));
    assert_eq!(at(0, 0).as_deref(), Some("1970-01-01T00:00:00Z"));
    assert_eq!(
        at(1_714_557_600, 120_000_000).as_deref(),
        Some("2024-05-01T10:00:00.12Z")
    );
    assert_eq!(
        at(951_782_400, 999).as_deref(),
        Some("2000-02-29T00:00:00Z")
    );
    assert_eq!(
        at(-62_135_596_800, 0).as_deref(),
        Some("0001-01-01T00:00:00Z")
    );
    assert_eq!(
        at(253_402_300_799, 999_999_999).as_deref(),
        Some("9999-12-31T23:59:59.999999Z")
    );
    assert_eq!(at(253_402_300_800, 0), None);
    assert_eq!(chicory_aws_core::scan::record_time(None), None);
}
