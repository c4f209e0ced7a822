//! A CloudTrail `LookupEvents` fake on loopback (wiremock), following the CloudTrail API model
//! (`botocore/data/cloudtrail/2013-11-01/service-2.json`) as `aws-sdk-cloudtrail` serializes
//! it: AWS JSON 1.1, `X-Amz-Target: CloudTrail_20131101.LookupEvents` (the model's full
//! `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents` is accepted too), a
//! body of `LookupAttributes` (at most one), `StartTime`/`EndTime` (epoch seconds),
//! `MaxResults` (1-50, default 50) and `NextToken`; an answer of `Events[]` (`EventId`,
//! `EventName`, `ReadOnly`, `AccessKeyId`, `EventTime` in epoch seconds, `EventSource`,
//! `Username`, `Resources`, `CloudTrailEvent` as a JSON string), newest first, and `NextToken`.
//!
//! Every request must be SigV4-signed for the `cloudtrail` service by a session (an access key
//! id with the prefix given to [`mount`] and a session token): an unsigned one is answered
//! `IncompleteSignatureException` and counted ([`CloudTrailFake::unsigned`]). Requests are
//! recorded with their arrival time, so a test can check the quota of 2 requests per second
//! ([`CloudTrailFake::max_in_window`]); with [`CloudTrailFake::enforce_quota`], the fake also
//! throttles, as AWS does, a request over it. Denial and throttling can be injected.

use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::method;
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

/// The largest page (`MaxResults`) LookupEvents accepts, and its default.
pub const MAX_RESULTS: usize = 50;

/// The quota the fake enforces when asked: at most this many requests ...
pub const QUOTA_REQUESTS: usize = 2;
/// ... in any window this long (1 s, less 50 ms for the timer and loopback jitter between the
/// client's schedule and the arrival here).
pub const QUOTA_WINDOW: Duration = Duration::from_millis(950);

/// One event of the fake trail.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeEvent {
    /// `EventId`.
    pub id: String,
    /// `EventName`, e.g. `StartQueryExecution`.
    pub name: String,
    /// `EventSource`, e.g. `athena.amazonaws.com`.
    pub source: String,
    /// `EventTime`, epoch seconds.
    pub time: f64,
    /// `Username`: a role session's name, or an IAM user's.
    pub username: String,
    /// `AccessKeyId`.
    pub access_key_id: String,
    /// `ReadOnly`.
    pub read_only: bool,
    /// `Resources`: (type, name).
    pub resources: Vec<(String, String)>,
    /// The `CloudTrailEvent` document (sent as a JSON string). A `Value::String` is sent as it
    /// is, not encoded: a document that does not parse, for tests.
    pub detail: Value,
}

impl FakeEvent {
    /// A call of `name` on `source` at `time` by `principal_arn` (`userIdentity.arn`, its
    /// `type` from the ARN) as `username`, signed with `access_key_id`, failed with
    /// `error_code` if given.
    pub fn call(
        name: &str,
        source: &str,
        time: f64,
        principal_arn: &str,
        username: &str,
        access_key_id: &str,
        error_code: Option<&str>,
    ) -> Self {
        let id = format!("ev-{}", uuid::Uuid::new_v4().simple());
        let kind = if principal_arn.contains(":assumed-role/") {
            "AssumedRole"
        } else {
            "IAMUser"
        };
        let mut detail = json!({
            "eventVersion": "1.09",
            "userIdentity": {
                "type": kind, "principalId": format!("AIDA:{username}"), "arn": principal_arn,
                "accountId": "123456789012", "accessKeyId": access_key_id,
            },
            "eventTime": aws_smithy_types::DateTime::from_secs_f64(time)
                .fmt(aws_smithy_types::date_time::Format::DateTime).expect("a valid time"),
            "eventSource": source, "eventName": name, "awsRegion": "us-east-1",
            "sourceIPAddress": "203.0.113.7", "userAgent": "aws-sdk-rust/1.0",
            "requestParameters": {}, "responseElements": null,
            "requestID": format!("req-{id}"), "eventID": id,
            "readOnly": !name.starts_with("Start"), "eventType": "AwsApiCall",
            "managementEvent": true, "recipientAccountId": "123456789012",
        });
        if let Some(code) = error_code {
            detail["errorCode"] = json!(code);
            detail["errorMessage"] = json!(format!("{code} on {name}"));
        }
        FakeEvent {
            id,
            name: name.to_owned(),
            source: source.to_owned(),
            time,
            username: username.to_owned(),
            access_key_id: access_key_id.to_owned(),
            read_only: !name.starts_with("Start"),
            resources: Vec::new(),
            detail,
        }
    }

    /// The `StartQueryExecution` event of execution `query_execution_id` started by
    /// `principal_arn` at `time`.
    pub fn start_query(query_execution_id: &str, principal_arn: &str, time: f64) -> Self {
        let username = principal_arn.rsplit('/').next().unwrap_or(principal_arn);
        let mut e = FakeEvent::call(
            "StartQueryExecution",
            "athena.amazonaws.com",
            time,
            principal_arn,
            username,
            "ASIAUSERKEY000000000",
            None,
        );
        e.detail["requestParameters"] =
            json!({"queryString": "SELECT ...", "workGroup": "analysts"});
        e.detail["responseElements"] = json!({ "queryExecutionId": query_execution_id });
        e
    }

    /// With a resource.
    pub fn with_resource(mut self, kind: &str, name: &str) -> Self {
        self.resources.push((kind.to_owned(), name.to_owned()));
        self
    }

    fn to_json(&self) -> Value {
        json!({
            "EventId": self.id, "EventName": self.name,
            "ReadOnly": self.read_only.to_string(), "AccessKeyId": self.access_key_id,
            "EventTime": self.time, "EventSource": self.source, "Username": self.username,
            "Resources": self.resources.iter()
                .map(|(t, n)| json!({"ResourceType": t, "ResourceName": n}))
                .collect::<Vec<_>>(),
            "CloudTrailEvent": match &self.detail {
                Value::String(raw) => raw.clone(),
                d => d.to_string(),
            },
        })
    }

    /// Whether the event matches a lookup attribute (`AttributeKey`, `AttributeValue`).
    fn matches(&self, key: &str, value: &str) -> bool {
        match key {
            "EventName" => self.name == value,
            "EventSource" => self.source == value,
            "Username" => self.username == value,
            "AccessKeyId" => self.access_key_id == value,
            "EventId" => self.id == value,
            "ReadOnly" => self.read_only.to_string() == value,
            "ResourceName" => self.resources.iter().any(|(_, n)| n == value),
            "ResourceType" => self.resources.iter().any(|(t, _)| t == value),
            _ => false,
        }
    }
}

/// An injected failure of every request from now on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// `AccessDeniedException` (the role lacks `cloudtrail:LookupEvents`).
    Denied,
    /// `ThrottlingException`, on every attempt.
    Throttled,
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Received {
    /// When it arrived.
    pub at: Instant,
    /// Its JSON body.
    pub body: Value,
    /// Whether it was SigV4-signed by a session.
    pub signed: bool,
    /// Whether it was answered with `ThrottlingException` (injected or over the quota).
    pub throttled: bool,
}

/// The fake's state.
#[derive(Default)]
pub struct CloudTrailFake {
    events: Mutex<Vec<FakeEvent>>,
    failure: Mutex<Option<Failure>>,
    enforce: Mutex<bool>,
    received: Mutex<Vec<Received>>,
    key_prefix: &'static str,
}

impl CloudTrailFake {
    /// Adds events to the trail.
    pub fn add(&self, events: impl IntoIterator<Item = FakeEvent>) {
        self.events.lock().unwrap().extend(events);
    }

    /// Makes every request from now on fail (None: answer normally).
    pub fn fail(&self, f: Option<Failure>) {
        *self.failure.lock().unwrap() = f;
    }

    /// Throttles, as AWS does, a request that would make more than [`QUOTA_REQUESTS`] in
    /// [`QUOTA_WINDOW`].
    pub fn enforce_quota(&self, on: bool) {
        *self.enforce.lock().unwrap() = on;
    }

    /// Every request received, in order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Requests received.
    pub fn requests(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    /// Requests that were not signed by a session.
    pub fn unsigned(&self) -> usize {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| !r.signed)
            .count()
    }

    /// Requests answered with `ThrottlingException`.
    pub fn throttled(&self) -> usize {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.throttled)
            .count()
    }

    /// The most requests that arrived within any span shorter than `window`.
    pub fn max_in_window(&self, window: Duration) -> usize {
        let times: Vec<Instant> = self.received.lock().unwrap().iter().map(|r| r.at).collect();
        max_in_window(&times, window)
    }

    fn answer(&self, req: &Request) -> ResponseTemplate {
        let now = Instant::now();
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let is_signed = signed(req, self.key_prefix);
        let over_quota = {
            let received = self.received.lock().unwrap();
            let recent = received
                .iter()
                .filter(|r| now.duration_since(r.at) < QUOTA_WINDOW)
                .count();
            *self.enforce.lock().unwrap() && recent >= QUOTA_REQUESTS
        };
        let failure = *self.failure.lock().unwrap();
        let throttled = over_quota || failure == Some(Failure::Throttled);
        self.received.lock().unwrap().push(Received {
            at: now,
            body: body.clone(),
            signed: is_signed,
            throttled,
        });
        if !is_signed {
            return error(
                400,
                "IncompleteSignatureException",
                "the request must be SigV4-signed for cloudtrail by a session",
            );
        }
        if throttled {
            return error(400, "ThrottlingException", "Rate exceeded");
        }
        if failure == Some(Failure::Denied) {
            return error(
                400,
                "AccessDeniedException",
                "User: arn:aws:sts::123456789012:assumed-role/CustomerRole/chicory-integration-session \
                 is not authorized to perform: cloudtrail:LookupEvents because no identity-based \
                 policy allows the cloudtrail:LookupEvents action",
            );
        }
        match self.lookup(&body) {
            Ok(v) => ok(v),
            Err((code, message)) => error(400, code, &message),
        }
    }

    fn lookup(&self, b: &Value) -> Result<Value, (&'static str, String)> {
        let attrs = b["LookupAttributes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if attrs.len() > 1 {
            return Err((
                "InvalidLookupAttributesException",
                "only one lookup attribute is allowed".into(),
            ));
        }
        let max = match &b["MaxResults"] {
            Value::Null => MAX_RESULTS,
            v => match v.as_u64() {
                Some(n) if (1..=MAX_RESULTS as u64).contains(&n) => n as usize,
                _ => {
                    return Err((
                        "InvalidMaxResultsException",
                        format!("MaxResults {v} is not within 1-50"),
                    ))
                }
            },
        };
        let (start, end) = (b["StartTime"].as_f64(), b["EndTime"].as_f64());
        if let (Some(s), Some(e)) = (start, end) {
            if s > e {
                return Err((
                    "InvalidTimeRangeException",
                    "StartTime is after EndTime".into(),
                ));
            }
        }
        let mut events: Vec<FakeEvent> = self
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| start.is_none_or(|s| e.time >= s) && end.is_none_or(|t| e.time <= t))
            .filter(|e| {
                attrs.iter().all(|a| {
                    e.matches(
                        a["AttributeKey"].as_str().unwrap_or(""),
                        a["AttributeValue"].as_str().unwrap_or(""),
                    )
                })
            })
            .cloned()
            .collect();
        // Newest first, as CloudTrail lists them.
        events.sort_by(|a, b| b.time.total_cmp(&a.time));
        let offset = match b["NextToken"].as_str() {
            None => 0,
            Some(t) => t
                .strip_prefix("ct-")
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n <= events.len())
                .ok_or(("InvalidNextTokenException", format!("bad NextToken {t}")))?,
        };
        let end = (offset + max).min(events.len());
        let mut out = json!({
            "Events": events[offset..end].iter().map(FakeEvent::to_json).collect::<Vec<_>>()
        });
        if end < events.len() {
            out["NextToken"] = json!(format!("ct-{end}"));
        }
        Ok(out)
    }
}

/// The most of `times` within any span shorter than `window`.
pub fn max_in_window(times: &[Instant], window: Duration) -> usize {
    let mut sorted = times.to_vec();
    sorted.sort();
    let mut best = 0;
    let mut start = 0;
    for end in 0..sorted.len() {
        while sorted[end].duration_since(sorted[start]) >= window {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

/// Whether `req` carries a SigV4 signature for CloudTrail by a session whose access key id
/// starts with `key_prefix`.
pub fn signed(req: &Request, key_prefix: &str) -> bool {
    crate::signed_by_session(req, "cloudtrail", key_prefix)
}

fn ok(v: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/x-amz-json-1.1")
        .set_body_json(v)
}

fn error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/x-amz-json-1.1")
        .insert_header("x-amzn-errortype", code)
        .set_body_json(json!({"__type": code, "message": message}))
}

/// A LookupEvents request (either spelling of the target).
struct LookupEvents;

impl Match for LookupEvents {
    fn matches(&self, req: &Request) -> bool {
        req.headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| {
                t == "CloudTrail_20131101.LookupEvents"
                    || t == "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
            })
    }
}

#[derive(Clone)]
struct Shared(Arc<CloudTrailFake>);

impl Respond for Shared {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        self.0.answer(req)
    }
}

/// Mounts the fake on `server` (e.g. a [`FakeSts`](crate::FakeSts)'s), expecting requests
/// signed by sessions whose access key id starts with `session_key_prefix` (`ASIAFAKE` for
/// the STS fake's, `ASIA` for the emulator's).
pub async fn mount(server: &MockServer, session_key_prefix: &'static str) -> Arc<CloudTrailFake> {
    let fake = Arc::new(CloudTrailFake {
        key_prefix: session_key_prefix,
        ..CloudTrailFake::default()
    });
    Mock::given(method("POST"))
        .and(LookupEvents)
        .respond_with(Shared(fake.clone()))
        .mount(server)
        .await;
    fake
}

/// Starts a server on loopback serving only the fake (see [`mount`]).
pub async fn serve(session_key_prefix: &'static str) -> (MockServer, Arc<CloudTrailFake>) {
    let server = MockServer::start().await;
    let fake = mount(&server, session_key_prefix).await;
    (server, fake)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_count_sees_three_requests_half_a_second_apart_as_two_per_window() {
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        assert_eq!(
            max_in_window(&[at(0), at(500), at(1000), at(1500)], QUOTA_WINDOW),
            2
        );
        assert_eq!(max_in_window(&[at(0), at(1), at(500)], QUOTA_WINDOW), 3);
        assert_eq!(max_in_window(&[], QUOTA_WINDOW), 0);
    }
}
