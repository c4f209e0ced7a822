//! Hostile servers for property tests of the record decoders: a loopback fake whose answers a
//! test sets per case (by operation), and `proptest` strategies that damage a valid answer the
//! ways a buggy or hostile server might: any JSON value in place of any field, XML whose texts
//! are replaced (numbers out of range, markup, control characters, huge strings), whose
//! elements are dropped, or that is cut short.

use crate::{conformance::fast_retries, FakeSts, TestClock};
use chicory_aws_core::{AccessLevel, Connection, ScanItem, Scanner};
use futures::StreamExt;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A property-test runner of `cases` cases that keeps no failure file (the cases are
/// generated afresh each run; a failure prints its shrunk input).
pub fn runner(cases: u32) -> proptest::test_runner::TestRunner {
    proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    })
}

/// A ReadOnly connection (fast retries) whose every request but AssumeRole is answered by
/// [`Answers`], on a runtime of its own, for a property test's synchronous cases.
pub struct HostileFake {
    /// The runtime the cases run on.
    pub rt: tokio::runtime::Runtime,
    /// The connection.
    pub conn: Connection,
    /// What the fake answers; set per case.
    pub answers: Answers,
    _sts: FakeSts,
}

impl HostileFake {
    /// Starts the fake, answering with `content_type`.
    pub fn start(content_type: &'static str) -> HostileFake {
        let rt = crate::runtime();
        let (sts, conn, answers) = rt.block_on(async {
            let sts = FakeSts::start(TestClock::new(), Duration::from_secs(3600)).await;
            let answers = Answers::default();
            answers.mount(sts.server(), content_type).await;
            let conn = fast_retries(sts.connection(AccessLevel::ReadOnly))
                .build()
                .await
                .expect("a connection");
            (sts, conn, answers)
        });
        HostileFake {
            rt,
            conn,
            answers,
            _sts: sts,
        }
    }

    /// Runs `scanner` to its end (a case fails if it takes over 20 s) and returns (records,
    /// incomplete parts), each failure checked to be typed: a message and the operation it
    /// came from.
    pub fn scan<S: Scanner>(&self, scanner: &S) -> Result<(usize, usize), TestCaseError> {
        let items = self
            .rt
            .block_on(async {
                tokio::time::timeout(Duration::from_secs(20), scanner.scan().collect::<Vec<_>>())
                    .await
            })
            .map_err(|_| TestCaseError::fail("the scan did not end"))?;
        let (mut records, mut errors) = (0, 0);
        for item in &items {
            match item {
                Ok(ScanItem::Record(_)) => records += 1,
                Ok(ScanItem::Skipped(_)) => {}
                Err(e) => {
                    errors += 1;
                    prop_assert!(!e.to_string().is_empty());
                    prop_assert!(e.operation().is_some(), "{e}: which request?");
                }
            }
        }
        Ok((records, errors))
    }
}

/// A fake answering each operation with the body the test set for it (200, the given content
/// type); operations it has no body for get a 400 `ValidationException`.
#[derive(Clone, Default)]
pub struct Answers {
    bodies: Arc<Mutex<HashMap<String, String>>>,
}

impl Answers {
    /// Sets the body answered to `operation` (as [`crate::faults::operation_of`] names it).
    pub fn set(&self, operation: &str, body: impl Into<String>) {
        self.bodies
            .lock()
            .unwrap()
            .insert(operation.to_owned(), body.into());
    }

    /// Mounts the fake on `server` for every request, answering with `content_type`.
    pub async fn mount(&self, server: &MockServer, content_type: &'static str) {
        Mock::given(wiremock::matchers::any())
            .respond_with(Responder {
                answers: self.clone(),
                content_type,
            })
            .mount(server)
            .await;
    }
}

struct Responder {
    answers: Answers,
    content_type: &'static str,
}

impl Respond for Responder {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let target = req
            .headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok());
        let op = crate::faults::operation_of(
            req.method.as_str(),
            req.url.path(),
            req.url.query().unwrap_or(""),
            target,
        );
        match self.answers.bodies.lock().unwrap().get(&op) {
            Some(body) => ResponseTemplate::new(200)
                .insert_header("content-type", self.content_type)
                .set_body_string(body.clone()),
            None => ResponseTemplate::new(400)
                .insert_header("content-type", self.content_type)
                .insert_header("x-amzn-errortype", "ValidationException")
                .set_body_string(format!(
                    r#"{{"__type":"ValidationException","message":"no answer for {op}"}}"#
                )),
        }
    }
}

/// Strings a hostile server might send.
pub fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("-1".to_owned()),
        Just("99999999999999999999999".to_owned()),
        Just("1e400".to_owned()),
        Just("NaN".to_owned()),
        Just("2024-13-45T99:99:99Z".to_owned()),
        Just("true".to_owned()),
        Just("<".to_owned()),
        Just("&amp;&lt;&#0;&#xD800;".to_owned()),
        "\\PC{0,16}",
        "[\\x00-\\x1f]{1,4}",
        (0usize..100_000).prop_map(|n| "z".repeat(n)),
    ]
}

/// Any JSON, nested a little, with hostile strings.
pub fn hostile_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        (-1e300f64..1e300).prop_map(|f| json!(f)),
        hostile_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[A-Za-z]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every JSON pointer into `v` (its root excluded).
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        _ => {}
    }
}

/// `valid` with up to `max` of its fields (anywhere in the tree) replaced by hostile JSON,
/// and sometimes cut short as text. The empty damage (the valid answer) is one of the cases.
pub fn damaged_json(valid: Value, max: usize) -> impl Strategy<Value = String> {
    let mut paths = Vec::new();
    pointers(&valid, String::new(), &mut paths);
    (
        prop::sample::subsequence(paths, 0..=max.min(paths_len(&valid))),
        prop::collection::vec(hostile_json(), max),
        prop::option::weighted(0.1, any::<prop::sample::Index>()),
    )
        .prop_map(move |(chosen, values, cut)| {
            let mut v = valid.clone();
            for (p, new) in chosen.iter().zip(values) {
                if let Some(slot) = v.pointer_mut(p) {
                    *slot = new;
                }
            }
            let text = v.to_string();
            match cut {
                Some(i) => cut_at(&text, i.index(text.len().max(1))),
                None => text,
            }
        })
}

fn paths_len(v: &Value) -> usize {
    let mut p = Vec::new();
    pointers(v, String::new(), &mut p);
    p.len()
}

fn cut_at(text: &str, at: usize) -> String {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text[..at].to_owned()
}

/// `valid` XML with up to `max` element texts replaced by hostile text (escaped or raw), some
/// elements dropped, and sometimes cut short. The valid answer is one of the cases.
pub fn damaged_xml(valid: &str, max: usize) -> impl Strategy<Value = String> {
    // The texts between a start tag and the next tag.
    let mut texts = Vec::new();
    let bytes = valid.as_bytes();
    let mut i = 0;
    while let Some(open) = valid[i..].find('>') {
        let start = i + open + 1;
        let Some(len) = valid[start..].find('<') else {
            break;
        };
        if len > 0 && bytes.get(start.wrapping_sub(2)) != Some(&b'/') {
            texts.push((start, start + len));
        }
        i = start + len;
    }
    let elements: Vec<String> = [
        "Contents",
        "CommonPrefixes",
        "Key",
        "Size",
        "IsTruncated",
        "NextContinuationToken",
        "Bucket",
        "Name",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let valid = valid.to_owned();
    let n = texts.len();
    (
        prop::sample::subsequence(texts, 0..=max.min(n)),
        prop::collection::vec((hostile_text(), any::<bool>()), max),
        prop::sample::subsequence(elements, 0..=2),
        prop::option::weighted(0.1, any::<prop::sample::Index>()),
    )
        .prop_map(move |(chosen, values, dropped, cut)| {
            let mut out = valid.clone();
            // Replace from the end, so earlier offsets stay right.
            let mut chosen = chosen;
            chosen.sort_by_key(|r| std::cmp::Reverse(r.0));
            for ((start, end), (text, raw)) in chosen.into_iter().zip(values) {
                let text = if raw { text } else { escape(&text) };
                out.replace_range(start..end, &text);
            }
            for e in dropped {
                let (open, close) = (format!("<{e}>"), format!("</{e}>"));
                if let (Some(a), Some(b)) = (out.find(&open), out.find(&close)) {
                    if a < b {
                        out.replace_range(a..b + close.len(), "");
                    }
                }
            }
            match cut {
                Some(i) => cut_at(&out, i.index(out.len().max(1))),
                None => out,
            }
        })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
