//! CloudTrail in the query activity: who started each Athena query (the attribution behind
//! [`QueryActivityScanner::with_cloudtrail`](crate::QueryActivityScanner::with_cloudtrail)),
//! and the customer-visible audit trail of this integration's own session
//! ([`IntegrationAuditScanner`]).
//!
//! Both page through CloudTrail `LookupEvents` (50 events a page), whose quota is 2 requests
//! per second per account and region. Every request goes through the connection's request
//! budget, whose default table
//! ([`PUBLISHED_QUOTAS`](chicory_aws_core::budget::PUBLISHED_QUOTAS)) holds
//! `cloudtrail:LookupEvents` at 2 per second with no burst: pages are spaced 0.5 s apart,
//! throttling answers lower the rate further, and the SDK's and the engine's retries of a
//! throttled page wait too. A vendor who replaces the budget's rates keeps that limit only if
//! its table names the API. The quota is per account and region, so two connections to the same
//! account and region share it and each should then be given half.

use crate::athena::activity::QueryActivityRecord;
use crate::client::unchecked_cloudtrail_client;
use crate::records::time;
use aws_sdk_cloudtrail::types::{Event, LookupAttribute, LookupAttributeKey};
use aws_smithy_types::DateTime;
use chicory_aws_core::scan::{paged, Page, PageRetry, Part, ScanStream, ScanStreamExt};
use chicory_aws_core::{
    actions, Action, Connection, CustomerAuth, Error, ErrorKind, Result, Scanner,
};
use futures::StreamExt;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, SystemTime};

/// Events a `LookupEvents` page holds at most (the API's maximum).
pub const LOOKUP_PAGE: i32 = 50;

/// Slack added on both sides of a window when looking up `StartQueryExecution` events: the
/// event is recorded when the call is made, the execution's submission time by Athena a moment
/// later, and CloudTrail delivers events some minutes after the call.
pub const ATTRIBUTION_SLACK: Duration = Duration::from_secs(15 * 60);

/// A time window (either bound may be open): the executions of the query history submitted in
/// it, and the CloudTrail events of it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TimeWindow {
    since: Option<DateTime>,
    until: Option<DateTime>,
}

impl TimeWindow {
    /// No bound: the whole history Athena keeps (45 days) and everything CloudTrail's event
    /// history keeps (90 days).
    pub fn all() -> Self {
        TimeWindow::default()
    }

    /// From `since` to `until` (either open); an error naming `field` if `since` is after
    /// `until`.
    pub fn new(
        field: &'static str,
        since: Option<DateTime>,
        until: Option<DateTime>,
    ) -> Result<Self> {
        if let (Some(s), Some(u)) = (since, until) {
            if s > u {
                return Err(Error::invalid(
                    field,
                    "the start of the window is after its end; give since <= until",
                ));
            }
        }
        Ok(TimeWindow { since, until })
    }

    /// The last `span` up to now.
    pub fn last(span: Duration) -> Self {
        let now = SystemTime::now();
        TimeWindow {
            since: Some(DateTime::from(now.checked_sub(span).unwrap_or(now))),
            until: None,
        }
    }

    /// The start, if bounded.
    pub fn since(&self) -> Option<DateTime> {
        self.since
    }

    /// The end, if bounded.
    pub fn until(&self) -> Option<DateTime> {
        self.until
    }

    /// Whether `t` is in the window; a time that is not known is in every window (an execution
    /// without a submission time is kept, not dropped).
    pub fn contains(&self, t: Option<&DateTime>) -> bool {
        let Some(t) = t else { return true };
        self.since.is_none_or(|s| *t >= s) && self.until.is_none_or(|u| *t <= u)
    }

    /// The window widened by `slack` on both sides.
    fn widened(&self, slack: Duration) -> (Option<DateTime>, Option<DateTime>) {
        let secs = slack.as_secs() as i64;
        (
            self.since
                .map(|s| DateTime::from_secs(s.secs().saturating_sub(secs))),
            self.until
                .map(|u| DateTime::from_secs(u.secs().saturating_add(secs))),
        )
    }
}

/// How an execution's principal was found, on every [`QueryActivityRecord`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    /// CloudTrail was not asked (the scanner's `with_cloudtrail` is off).
    NotRequested,
    /// From the execution's `StartQueryExecution` event.
    Attributed,
    /// The lookup read every event of the window and none started this execution (CloudTrail
    /// delivers events minutes after the call, and keeps 90 days).
    NoEvent,
    /// `cloudtrail:LookupEvents` was denied: the scan has a skipped part saying so.
    Denied,
    /// The lookup failed before its end (e.g. throttled on every retry): the scan has an
    /// incomplete part, and this execution's event may be among those not read.
    LookupIncomplete,
}

/// Who started one execution, from its `StartQueryExecution` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Starter {
    /// The identity's ARN, else its principal id, else CloudTrail's user name.
    pub(crate) principal: Option<String>,
    /// `userIdentity.type`: `IAMUser`, `AssumedRole`, `AWSService`, ...
    pub(crate) principal_type: Option<String>,
}

/// The principals of the executions, as the lookup found them.
#[derive(Debug)]
pub(crate) struct Attributions {
    by_id: HashMap<String, Starter>,
    /// What an execution not in `by_id` gets.
    missing: Attribution,
}

impl Default for Attributions {
    fn default() -> Self {
        Attributions {
            by_id: HashMap::new(),
            missing: Attribution::NoEvent,
        }
    }
}

impl Attributions {
    /// Adds the starter of `id`.
    pub(crate) fn insert(&mut self, id: String, starter: Starter) {
        self.by_id.insert(id, starter);
    }

    /// The lookup ended without reading every event: `denied` or incomplete.
    pub(crate) fn failed(&mut self, denied: bool) {
        self.missing = if denied {
            Attribution::Denied
        } else {
            Attribution::LookupIncomplete
        };
    }

    /// Fills the record's principal and attribution.
    pub(crate) fn apply(&self, r: &mut QueryActivityRecord) {
        match r
            .query_execution_id
            .as_ref()
            .and_then(|id| self.by_id.get(id))
        {
            Some(s) => {
                r.principal = s.principal.clone();
                r.principal_type = s.principal_type.clone();
                r.attribution = Attribution::Attributed;
            }
            None => r.attribution = self.missing,
        }
    }
}

/// The parsed `CloudTrailEvent` JSON of an event (`Value::Null` if it does not parse).
fn detail(e: &Event) -> Value {
    e.cloud_trail_event
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null)
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// The principal of an event: `userIdentity.arn`, else its `principalId`, else the event's
/// user name.
fn principal_of(e: &Event, d: &Value) -> Option<String> {
    let id = &d["userIdentity"];
    text(&id["arn"])
        .or_else(|| text(&id["principalId"]))
        .or_else(|| e.username.clone())
}

/// The execution started by a `StartQueryExecution` event and who started it; `None` for a
/// call that failed (no execution) or an event of another service.
fn query_start(e: &Event) -> Option<(String, Starter)> {
    if e.event_source
        .as_deref()
        .is_some_and(|s| s != "athena.amazonaws.com")
    {
        return None;
    }
    let d = detail(e);
    let id = d["responseElements"]["queryExecutionId"]
        .as_str()?
        .to_owned();
    Some((
        id,
        Starter {
            principal: principal_of(e, &d),
            principal_type: text(&d["userIdentity"]["type"]),
        },
    ))
}

/// One page-streamed `LookupEvents` over `window` (widened by `slack`) with one lookup
/// attribute; the part names the attribute and the window.
fn lookup(
    client: aws_sdk_cloudtrail::Client,
    attribute: (LookupAttributeKey, String),
    window: TimeWindow,
    slack: Duration,
    retry: PageRetry,
) -> ScanStream<Event> {
    let (start, end) = window.widened(slack);
    let mut part = Part::new(actions::cloudtrail::LOOKUP_EVENTS, "")
        .with(lookup_key_name(&attribute.0), attribute.1.as_str());
    if let Some(s) = time(start.as_ref()) {
        part = part.with("since", s);
    }
    if let Some(u) = time(end.as_ref()) {
        part = part.with("until", u);
    }
    let attr = LookupAttribute::builder()
        .attribute_key(attribute.0)
        .attribute_value(attribute.1)
        .build()
        .expect("key and value are set");
    let page_part = part.clone();
    paged(part, retry, move |token| {
        let req = client
            .lookup_events()
            .lookup_attributes(attr.clone())
            .set_start_time(start)
            .set_end_time(end)
            .max_results(LOOKUP_PAGE)
            .set_next_token(token);
        let part = page_part.clone();
        async move {
            let p = req.send().await.map_err(|e| part.error(e))?;
            let events = p.events.unwrap_or_default();
            // An event whose document does not parse can be neither attributed nor audited:
            // the page fails (incomplete), rather than the event being left out or read as
            // naming nobody.
            if let Some(e) = events.iter().find(|e| {
                e.cloud_trail_event
                    .as_deref()
                    .and_then(|s| serde_json::from_str::<Value>(s).ok())
                    .is_none()
            }) {
                return Err(part.error(chicory_aws_core::Error::new(
                    chicory_aws_core::ErrorKind::Service,
                    format!(
                        "CloudTrail gave event {} without a CloudTrailEvent document that parses",
                        e.event_id.as_deref().unwrap_or("(no id)")
                    ),
                )));
            }
            Ok(Page::new(events, p.next_token))
        }
    })
}

fn lookup_key_name(k: &LookupAttributeKey) -> &'static str {
    match k {
        LookupAttributeKey::EventName => "eventName",
        LookupAttributeKey::Username => "username",
        LookupAttributeKey::AccessKeyId => "accessKeyId",
        _ => "attribute",
    }
}

/// The `StartQueryExecution` events of `window` (widened by [`ATTRIBUTION_SLACK`]) as
/// `(query execution id, starter)`, for the attribution of the query history.
pub(crate) fn query_starts(
    client: aws_sdk_cloudtrail::Client,
    window: TimeWindow,
    retry: PageRetry,
) -> ScanStream<(String, Starter)> {
    lookup(
        client,
        (
            LookupAttributeKey::EventName,
            "StartQueryExecution".to_owned(),
        ),
        window,
        ATTRIBUTION_SLACK,
        retry,
    )
    .filter_map_records(|e| query_start(&e))
}

/// A resource an audit event names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AuditResource {
    /// Its type, e.g. `AWS::Glue::Table`.
    pub resource_type: Option<String>,
    /// Its name or ARN.
    pub resource_name: Option<String>,
}

/// One CloudTrail event of this integration's own session: what the customer sees of it in
/// CloudTrail's event history.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "integration_audit_event")]
pub struct IntegrationAuditEventRecord {
    /// Account scanned.
    pub account_id: String,
    /// Region scanned.
    pub region: String,
    /// CloudTrail's event id.
    pub event_id: Option<String>,
    /// When the call was made (RFC 3339).
    pub event_time: Option<String>,
    /// The API called, e.g. `GetTables`.
    pub event_name: Option<String>,
    /// The service called, e.g. `glue.amazonaws.com`.
    pub event_source: Option<String>,
    /// CloudTrail's user name: the role session name, or the IAM user.
    pub user_name: Option<String>,
    /// The identity's ARN (`arn:aws:sts::<account>:assumed-role/<role>/<session>`).
    pub principal: Option<String>,
    /// The access key the call was signed with (a session's rotates with the session).
    pub access_key_id: Option<String>,
    /// The caller's IP address.
    pub source_ip: Option<String>,
    /// The caller's user agent.
    pub user_agent: Option<String>,
    /// The error code when the call failed (e.g. `AccessDenied`), else `None`.
    pub error_code: Option<String>,
    /// The error message when the call failed.
    pub error_message: Option<String>,
    /// Whether the call only read (CloudTrail's `readOnly`).
    pub read_only: Option<bool>,
    /// The resources the event names.
    pub resources: Vec<AuditResource>,
    /// The request id of the call (the one AWS support asks for).
    pub request_id: Option<String>,
}

chicory_aws_core::record_kind!(IntegrationAuditEventRecord => "integration_audit_event");

/// Whose events the audit scanner reads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Identity {
    /// A role session: CloudTrail's user name is the session name; the identity's ARN tells it
    /// from other roles' sessions of the same name.
    Session { name: String, arn: String },
    /// A customer IAM user's access key.
    AccessKey(String),
    /// A way of authenticating this scanner does not know: nothing can be attributed to it.
    Unknown,
}

/// The customer-visible CloudTrail trail of this integration: one
/// [`IntegrationAuditEventRecord`] per event the connection's own identity made in the
/// window, newest first, as CloudTrail's event history lists them (management events of the
/// region, 90 days).
///
/// For a role connection the identity is the role session: events of the session name
/// (`LookupEvents` by `Username`), kept when their `userIdentity.arn` is
/// `arn:<partition>:sts::<account>:assumed-role/<role>/<session name>` (another role's
/// session of the same name is someone else's). For access keys, the events signed with the
/// key. This is the lookup the customer guide's troubleshooting section has customers do by
/// hand.
#[derive(Debug, Clone)]
pub struct IntegrationAuditScanner {
    client: aws_sdk_cloudtrail::Client,
    account_id: String,
    region: String,
    identity: Identity,
    window: TimeWindow,
    retry: PageRetry,
}

impl IntegrationAuditScanner {
    /// A scanner over `conn` for the events of its own session in `window`.
    pub fn new(conn: &Connection, window: TimeWindow) -> Self {
        let identity = match &conn.params().auth {
            CustomerAuth::AssumeRole(r) => Identity::Session {
                name: r.session_name.as_str().to_owned(),
                arn: format!(
                    "arn:{}:sts::{}:assumed-role/{}/{}",
                    r.role_arn.partition(),
                    r.role_arn.account_id(),
                    r.role_arn.role_name(),
                    r.session_name.as_str()
                ),
            },
            CustomerAuth::AccessKeys(k) => Identity::AccessKey(k.access_key_id.clone()),
            _ => Identity::Unknown,
        };
        IntegrationAuditScanner {
            client: unchecked_cloudtrail_client(conn),
            account_id: conn.account_id().to_owned(),
            region: conn.region().to_owned(),
            identity,
            window,
            retry: conn.page_retry(),
        }
    }
}

impl Scanner for IntegrationAuditScanner {
    type Record = IntegrationAuditEventRecord;
    fn name(&self) -> &'static str {
        "integration_audit"
    }
    fn actions(&self) -> &'static [Action] {
        &[actions::cloudtrail::LOOKUP_EVENTS]
    }
    fn scan(&self) -> ScanStream<IntegrationAuditEventRecord> {
        let attribute = match &self.identity {
            Identity::Session { name, .. } => (LookupAttributeKey::Username, name.clone()),
            Identity::AccessKey(k) => (LookupAttributeKey::AccessKeyId, k.clone()),
            Identity::Unknown => {
                let err = Error::new(
                    ErrorKind::InvalidConfig,
                    "the connection authenticates in a way whose CloudTrail identity is not \
                     known; no event can be attributed to it",
                )
                .with_operation(actions::cloudtrail::LOOKUP_EVENTS.to_string());
                return futures::stream::iter([Err(err)]).boxed();
            }
        };
        let (account, region, identity) = (
            self.account_id.clone(),
            self.region.clone(),
            self.identity.clone(),
        );
        lookup(
            self.client.clone(),
            attribute,
            self.window,
            Duration::ZERO,
            self.retry,
        )
        .filter_map_records(move |e| {
            let d = detail(&e);
            if let Identity::Session { arn, .. } = &identity {
                if d["userIdentity"]["arn"].as_str() != Some(arn.as_str()) {
                    return None;
                }
            }
            Some(audit_record(&account, &region, &e, &d))
        })
    }
}

fn audit_record(account: &str, region: &str, e: &Event, d: &Value) -> IntegrationAuditEventRecord {
    IntegrationAuditEventRecord {
        account_id: account.to_owned(),
        region: region.to_owned(),
        event_id: e.event_id.clone().or_else(|| text(&d["eventID"])),
        event_time: time(e.event_time.as_ref()),
        event_name: e.event_name.clone().or_else(|| text(&d["eventName"])),
        event_source: e.event_source.clone().or_else(|| text(&d["eventSource"])),
        user_name: e.username.clone(),
        principal: text(&d["userIdentity"]["arn"]),
        access_key_id: e
            .access_key_id
            .clone()
            .or_else(|| text(&d["userIdentity"]["accessKeyId"])),
        source_ip: text(&d["sourceIPAddress"]),
        user_agent: text(&d["userAgent"]),
        error_code: text(&d["errorCode"]),
        error_message: text(&d["errorMessage"]),
        read_only: e
            .read_only
            .as_deref()
            .or(d["readOnly"].as_str())
            .map(|r| r.eq_ignore_ascii_case("true"))
            .or(d["readOnly"].as_bool()),
        resources: e
            .resources()
            .iter()
            .map(|r| AuditResource {
                resource_type: r.resource_type.clone(),
                resource_name: r.resource_name.clone(),
            })
            .collect(),
        request_id: text(&d["requestID"]),
    }
}

/// The reason a skipped `LookupEvents` part of the attribution gives: that the activity comes
/// without principals and why, then CloudTrail's own reason.
pub(crate) fn without_principals(denied: bool, reason: &str) -> String {
    let why = if denied { "was denied" } else { "failed" };
    format!("the query activity comes without principals: cloudtrail:LookupEvents {why}: {reason}")
}

/// Whether a skipped part's kind is a denial.
pub(crate) fn is_denied(kind: ErrorKind) -> bool {
    kind == ErrorKind::AccessDenied
}
