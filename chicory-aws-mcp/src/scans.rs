//! Scanners as MCP tools, a page at a time with a cursor.
//!
//! A scan tool starts the library's scanner (a lazy stream that fetches pages only as they are
//! consumed) and returns its first `page_size` records with a `cursor`; calling the tool again
//! with the cursor returns the next page from the same stream. The server holds the paused
//! stream, never the records: at most one page of the customer's catalog is in memory per open
//! cursor. Each page also carries the scan's skipped parts (denied or vanished) and incomplete
//! parts (failed after every retry), so an agent never mistakes a partial scan for the whole.
//! A cursor is single-use (each page returns a new one), bound to its tool and account, and
//! expires after [`CURSOR_IDLE`] unused; the stream is then dropped, which stops its requests.

use chicory_aws_core::{
    Action, AnyScanner, Connection, Error, ErrorKind, Result, ScanItem, Scanner,
};
use futures::stream::{BoxStream, StreamExt};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an unused cursor stays open.
pub const CURSOR_IDLE: Duration = Duration::from_secs(600);
/// Open cursors per server; opening one more closes the least recently used.
pub const MAX_OPEN_CURSORS: usize = 256;
/// Records a page holds by default.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// The largest page.
pub const MAX_PAGE_SIZE: usize = 1000;

/// A scan as a tool: its name, input and record schemas, and how to start it.
pub trait ScanTool: Send + Sync {
    /// The tool name, e.g. `glue_list_tables`.
    fn name(&self) -> &'static str;
    /// What it lists.
    fn description(&self) -> &'static str;
    /// JSON Schema of the scan's own arguments (the server adds `cursor` and `page_size`).
    fn input_schema(&self) -> Value;
    /// JSON Schema of one record.
    fn record_schema(&self) -> Value;
    /// Starts the scan on `conn` with `input` (no request is sent before the stream is
    /// polled); returns the scanner's declared actions and its stream of JSON records.
    fn start(&self, conn: &Connection, input: Value) -> Result<Started>;
}

/// A started scan.
pub struct Started {
    /// The IAM actions the scanner calls.
    pub actions: &'static [Action],
    /// The records, as JSON.
    pub stream: BoxStream<'static, Result<ScanItem<Value>>>,
}

/// A [`ScanTool`] from a scanner constructor taking typed input `I`.
pub struct ScanSpec<I, S> {
    name: &'static str,
    description: &'static str,
    make: fn(&Connection, I) -> Result<S>,
    _input: PhantomData<fn() -> I>,
}

impl<I, S> ScanSpec<I, S> {
    /// A scan tool named `name` whose scanner `make` builds from its input.
    pub const fn new(
        name: &'static str,
        description: &'static str,
        make: fn(&Connection, I) -> Result<S>,
    ) -> Self {
        ScanSpec {
            name,
            description,
            make,
            _input: PhantomData,
        }
    }
}

impl<I, S> ScanTool for ScanSpec<I, S>
where
    I: DeserializeOwned + JsonSchema + 'static,
    S: Scanner + 'static,
    S::Record: JsonSchema,
{
    fn name(&self) -> &'static str {
        self.name
    }
    fn description(&self) -> &'static str {
        self.description
    }
    fn input_schema(&self) -> Value {
        serde_json::to_value(schemars::schema_for!(I)).unwrap_or_default()
    }
    fn record_schema(&self) -> Value {
        serde_json::to_value(schemars::schema_for!(S::Record)).unwrap_or_default()
    }
    fn start(&self, conn: &Connection, input: Value) -> Result<Started> {
        let input: I = Error::parse_json(input, "input")?;
        let scanner = AnyScanner::new((self.make)(conn, input)?);
        let actions = scanner.actions();
        let stream = scanner
            .scan()
            .map(|item| {
                item.map(|i| match i {
                    ScanItem::Record(r) => ScanItem::Record(r.to_value()),
                    ScanItem::Skipped(s) => ScanItem::Skipped(s),
                })
            })
            .boxed();
        Ok(Started { actions, stream })
    }
}

/// Glob filters over Glue databases (and tables).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlueFilterInput {
    /// Only databases matching one of these globs (`*` wildcard); default all.
    #[serde(default)]
    pub include_databases: Vec<String>,
    /// Leave out databases matching one of these globs.
    #[serde(default)]
    pub exclude_databases: Vec<String>,
    /// Only tables matching one of these globs (table scans only).
    #[serde(default)]
    pub include_tables: Vec<String>,
    /// Leave out tables matching one of these globs (table scans only).
    #[serde(default)]
    pub exclude_tables: Vec<String>,
    /// Catalog id; default: the customer's account.
    #[serde(default)]
    pub catalog_id: Option<String>,
}

impl GlueFilterInput {
    fn options(self) -> chicory_aws_glue::CatalogOptions {
        let mut o = chicory_aws_glue::CatalogOptions::default();
        if let Some(id) = self.catalog_id {
            o = o.catalog_id(id);
        }
        for p in self.include_databases {
            o = o.include_databases(p);
        }
        for p in self.exclude_databases {
            o = o.exclude_databases(p);
        }
        for p in self.include_tables {
            o = o.include_tables(p);
        }
        for p in self.exclude_tables {
            o = o.exclude_tables(p);
        }
        o
    }
}

/// No arguments.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

/// The objects of one bucket.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectsInput {
    /// The bucket.
    pub bucket: String,
    /// Only keys under this prefix.
    #[serde(default)]
    pub prefix: Option<String>,
}

/// DataZone domains to scan.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainsInput {
    /// Domain ids (`dzd_...`); default: every domain the role can see.
    #[serde(default)]
    pub domains: Vec<String>,
}

impl DomainsInput {
    fn options(self) -> chicory_aws_datazone::DataZoneOptions {
        let mut o = chicory_aws_datazone::DataZoneOptions::default();
        for d in self.domains {
            o = o.domain(d);
        }
        o
    }
}

/// The Athena query history of a workgroup over a window.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    /// Athena workgroup whose history is read (default: the caller's default workgroup).
    #[serde(default)]
    pub workgroup: Option<String>,
    /// Start of the window, RFC 3339 (default: 7 days ago).
    #[serde(default)]
    pub since: Option<String>,
    /// End of the window, RFC 3339 (default: now).
    #[serde(default)]
    pub until: Option<String>,
    /// Also read who started each query from CloudTrail (`cloudtrail:LookupEvents`, 2 requests
    /// per second per account and region: slow over a long window). Default false.
    #[serde(default)]
    pub cloudtrail: bool,
}

/// The Athena query history of a workgroup over a window, for lineage.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineageInput {
    /// Athena workgroup whose history is read (default: the caller's default workgroup).
    #[serde(default)]
    pub workgroup: Option<String>,
    /// Start of the window, RFC 3339 (default: 7 days ago).
    #[serde(default)]
    pub since: Option<String>,
    /// End of the window, RFC 3339 (default: now).
    #[serde(default)]
    pub until: Option<String>,
}

/// A window of CloudTrail events.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    /// Start of the window, RFC 3339 (default: 7 days ago).
    #[serde(default)]
    pub since: Option<String>,
    /// End of the window, RFC 3339 (default: now).
    #[serde(default)]
    pub until: Option<String>,
}

/// The window of `since`/`until`, as the activity operators read it.
fn window(since: Option<String>, until: Option<String>) -> Result<chicory_aws_glue::TimeWindow> {
    chicory_aws_glue::input_window(&since, &until)
}

/// The workgroup, checked as the activity operators check it.
fn workgroup(w: Option<String>) -> Result<Option<String>> {
    chicory_aws_glue::check_input_workgroup(&w)?;
    Ok(w)
}

/// The scan tools of glue (with Athena), s3 and datazone.
pub fn default_scan_tools() -> Vec<Box<dyn ScanTool>> {
    use chicory_aws_datazone as dz;
    use chicory_aws_glue as glue;
    use chicory_aws_s3 as s3;
    vec![
        Box::new(ScanSpec::new(
            "glue_list_databases",
            "Lists the Glue Data Catalog's databases, a page at a time (pass the returned cursor \
             for the next page).",
            |c, i: GlueFilterInput| glue::DatabaseScanner::new(c, i.options()),
        )),
        Box::new(ScanSpec::new(
            "glue_list_tables",
            "Lists the tables of every matching Glue database (columns, partition keys, storage, \
             parameters), a page at a time (pass the returned cursor for the next page).",
            |c, i: GlueFilterInput| glue::TableScanner::new(c, i.options()),
        )),
        Box::new(ScanSpec::new(
            "athena_list_workgroups",
            "Lists the Athena workgroups with their configuration, a page at a time.",
            |c, _: NoInput| Ok(glue::WorkGroupScanner::new(c)),
        )),
        Box::new(ScanSpec::new(
            "athena_list_data_catalogs",
            "Lists the Athena data catalogs, a page at a time.",
            |c, _: NoInput| Ok(glue::DataCatalogScanner::new(c)),
        )),
        Box::new(ScanSpec::new(
            "athena_list_query_activity",
            "Lists the Athena query history of a workgroup over a window (default the last 7 \
             days), each execution's SQL analysed: statement kind, tables read, table or S3 \
             location written, or why the SQL could not be analysed; with cloudtrail=true, who \
             started it. A page at a time.",
            |c, i: ActivityInput| {
                Ok(glue::QueryActivityScanner::new(c, workgroup(i.workgroup)?)
                    .with_window(window(i.since, i.until)?)
                    .with_cloudtrail(i.cloudtrail))
            },
        )),
        Box::new(ScanSpec::new(
            "athena_list_table_popularity",
            "Lists how often each table was read and written by the Athena query history of a \
             workgroup over a window (default the last 7 days), with bytes scanned and last \
             query time; with cloudtrail=true, by how many principals. The records come once \
             the history has been read, sorted by table; a page at a time.",
            |c, i: ActivityInput| {
                Ok(
                    glue::TablePopularityScanner::new(c, workgroup(i.workgroup)?)
                        .with_window(window(i.since, i.until)?)
                        .with_cloudtrail(i.cloudtrail),
                )
            },
        )),
        Box::new(ScanSpec::new(
            "athena_list_lineage_edges",
            "Lists table-level lineage edges (source table -> table or S3 location written) of \
             the INSERT, CTAS, UNLOAD and MERGE executions of the Athena query history of a \
             workgroup over a window (default the last 7 days), a page at a time.",
            |c, i: LineageInput| {
                Ok(glue::LineageScanner::new(c, workgroup(i.workgroup)?)
                    .with_window(window(i.since, i.until)?))
            },
        )),
        Box::new(ScanSpec::new(
            "glue_list_view_lineage",
            "Lists the Glue views of every matching database with the tables each one reads, \
             from its definition (Athena/Presto views decoded), a page at a time.",
            |c, i: GlueFilterInput| glue::ViewLineageScanner::new(c, i.options()),
        )),
        Box::new(ScanSpec::new(
            "cloudtrail_list_integration_audit",
            "Lists the CloudTrail events of this integration's own session over a window \
             (default the last 7 days): what the vendor did in the account, as the customer \
             sees it. CloudTrail allows 2 requests per second; a page at a time.",
            |c, i: WindowInput| {
                Ok(glue::IntegrationAuditScanner::new(
                    c,
                    window(i.since, i.until)?,
                ))
            },
        )),
        Box::new(ScanSpec::new(
            "s3_scan_buckets",
            "Lists every S3 bucket with its region, versioning, tags and policy, a page at a \
             time.",
            |c, _: NoInput| Ok(s3::BucketScanner::new(c)),
        )),
        Box::new(ScanSpec::new(
            "s3_scan_objects",
            "Lists the objects of one bucket (optionally under a prefix), a page at a time.",
            |c, i: ObjectsInput| {
                let mut o = s3::ObjectOptions::default();
                if let Some(p) = i.prefix {
                    o = o.prefix(p);
                }
                s3::ObjectScanner::new(c, i.bucket, o)
            },
        )),
        Box::new(ScanSpec::new(
            "datazone_list_domains",
            "Lists the DataZone domains the role can see, a page at a time.",
            |c, i: DomainsInput| dz::DomainScanner::new(c, i.options()),
        )),
        Box::new(ScanSpec::new(
            "datazone_list_projects",
            "Lists the projects of the DataZone domains, a page at a time.",
            |c, i: DomainsInput| dz::ProjectScanner::new(c, i.options()),
        )),
        Box::new(ScanSpec::new(
            "datazone_list_assets",
            "Lists the assets (inventory) of the DataZone domains, a page at a time.",
            |c, i: DomainsInput| dz::AssetScanner::new(c, i.options()),
        )),
        Box::new(ScanSpec::new(
            "datazone_scan_subscriptions",
            "Lists who subscribed to which listing in the DataZone domains, a page at a time.",
            |c, i: DomainsInput| dz::SubscriptionScanner::new(c, i.options()),
        )),
    ]
}

/// The MCP input schema of a scan tool: its own arguments plus `cursor` and `page_size`.
pub(crate) fn paged_input_schema(tool: &dyn ScanTool) -> Value {
    let mut schema = tool.input_schema();
    if let Some(props) = schema
        .as_object_mut()
        .and_then(|o| o.get_mut("properties"))
        .and_then(Value::as_object_mut)
    {
        props.insert(
            "cursor".into(),
            json!({"type": "string", "description": "The cursor of the previous page; with it, \
                   the other arguments (but account) are ignored and the scan goes on where it \
                   stopped."}),
        );
        props.insert(
            "page_size".into(),
            json!({"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE,
                   "description": format!("Records per page (default {DEFAULT_PAGE_SIZE}; with a cursor, the page size the scan was started with)")}),
        );
    }
    schema
}

/// The MCP output schema of a scan tool: a page of records, the skipped and incomplete parts
/// met on the way, and the cursor of the next page (absent on the last).
pub(crate) fn page_output_schema(tool: &dyn ScanTool) -> Value {
    let mut record = tool.record_schema();
    let mut definitions = Map::new();
    if let Some(obj) = record.as_object_mut() {
        obj.remove("$schema");
        if let Some(Value::Object(defs)) = obj.remove("definitions") {
            definitions = defs;
        }
    }
    let part = json!({
        "type": "object",
        "properties": {
            "part": {"type": "string"},
            "kind": {"type": "string"},
            "reason": {"type": "string"}
        },
        "required": ["part", "kind", "reason"]
    });
    let mut schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": format!("{} page", tool.name()),
        "type": "object",
        "properties": {
            "records": {"type": "array", "items": record},
            "skipped": {"type": "array", "items": part.clone(),
                        "description": "Parts left out: not granted (AccessDenied) or vanished mid-scan."},
            "incomplete": {"type": "array", "items": part,
                           "description": "Parts that failed after every retry: records may be missing."},
            "cursor": {"type": ["string", "null"],
                       "description": "Pass it to get the next page; null on the last page."}
        },
        "required": ["records", "skipped", "incomplete", "cursor"]
    });
    if !definitions.is_empty() {
        schema["definitions"] = Value::Object(definitions);
    }
    schema
}

/// The arguments every scan tool takes besides its own.
#[derive(Debug)]
pub(crate) struct PageArgs {
    pub cursor: Option<String>,
    /// As given; else the cursor's, else [`DEFAULT_PAGE_SIZE`].
    pub page_size: Option<usize>,
}

impl PageArgs {
    /// Takes `cursor` and `page_size` out of the arguments.
    pub fn take(args: &mut Map<String, Value>) -> Result<PageArgs> {
        let cursor = match args.remove("cursor") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => return Err(Error::invalid("cursor", "must be a string")),
        };
        let page_size = match args.remove("page_size") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64() {
                Some(n) if (1..=MAX_PAGE_SIZE as u64).contains(&n) => Some(n as usize),
                _ => {
                    return Err(Error::invalid(
                        "page_size",
                        format!("must be an integer from 1 to {MAX_PAGE_SIZE}"),
                    ))
                }
            },
        };
        Ok(PageArgs { cursor, page_size })
    }
}

struct OpenScan {
    tool: &'static str,
    account: String,
    stream: BoxStream<'static, Result<ScanItem<Value>>>,
    page_size: usize,
    last_used: Instant,
}

/// A paused scan taken back from its cursor.
pub(crate) struct Resumed {
    pub stream: BoxStream<'static, Result<ScanItem<Value>>>,
    /// The page size the scan was started (or last continued) with.
    pub page_size: usize,
}

/// The paused scans, by cursor.
#[derive(Default)]
pub(crate) struct Cursors {
    open: Mutex<HashMap<String, OpenScan>>,
}

impl Cursors {
    /// Takes the scan a cursor names (single use), checking it belongs to `tool` and `account`.
    pub fn take(&self, cursor: &str, tool: &'static str, account: &str) -> Result<Resumed> {
        let mut open = self.open.lock().expect("cursor lock");
        expire(&mut open);
        let unknown = || {
            Error::invalid(
                "cursor",
                "unknown, already used or expired (cursors are single-use and close after \
                 10 minutes unused); start the scan again without a cursor",
            )
        };
        match open.remove(cursor) {
            Some(scan) if scan.tool == tool && scan.account == account => Ok(Resumed {
                stream: scan.stream,
                page_size: scan.page_size,
            }),
            Some(scan) => {
                // Not this caller's: put it back untouched.
                open.insert(cursor.to_owned(), scan);
                Err(unknown())
            }
            None => Err(unknown()),
        }
    }

    /// Parks a stream that has more, returning its new cursor.
    pub fn park(
        &self,
        tool: &'static str,
        account: &str,
        stream: BoxStream<'static, Result<ScanItem<Value>>>,
        page_size: usize,
    ) -> String {
        let cursor = uuid::Uuid::new_v4().simple().to_string();
        let mut open = self.open.lock().expect("cursor lock");
        expire(&mut open);
        while open.len() >= MAX_OPEN_CURSORS {
            let oldest = open
                .iter()
                .min_by_key(|(_, s)| s.last_used)
                .map(|(k, _)| k.clone())
                .expect("not empty");
            open.remove(&oldest);
        }
        open.insert(
            cursor.clone(),
            OpenScan {
                tool,
                account: account.to_owned(),
                stream,
                page_size,
                last_used: Instant::now(),
            },
        );
        cursor
    }

    /// Open cursors (for tests and stats).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.open.lock().expect("cursor lock").len()
    }
}

fn expire(open: &mut HashMap<String, OpenScan>) {
    let now = Instant::now();
    open.retain(|_, s| now.duration_since(s.last_used) < CURSOR_IDLE);
}

/// Reads up to `page_size` records; `true` when the stream has more.
pub(crate) async fn read_page(
    stream: &mut BoxStream<'static, Result<ScanItem<Value>>>,
    page_size: usize,
) -> (Value, bool) {
    let mut records = Vec::new();
    let mut skipped = Vec::new();
    let mut incomplete = Vec::new();
    let mut more = true;
    while records.len() < page_size {
        match stream.next().await {
            Some(Ok(ScanItem::Record(r))) => records.push(r),
            Some(Ok(ScanItem::Skipped(s))) => skipped.push(json!({
                "part": s.part, "kind": kind_name(s.kind), "reason": s.reason
            })),
            Some(Err(e)) => {
                let i = chicory_aws_core::Incomplete::from_error(&e);
                incomplete.push(json!({
                    "part": i.part, "kind": kind_name(i.kind), "reason": i.reason
                }));
            }
            None => {
                more = false;
                break;
            }
        }
    }
    (
        json!({"records": records, "skipped": skipped, "incomplete": incomplete}),
        more,
    )
}

/// The serde name of an error kind (`AccessDenied`, `WriteNotPermitted`, ...).
pub(crate) fn kind_name(kind: ErrorKind) -> String {
    match serde_json::to_value(kind) {
        Ok(Value::String(s)) => s,
        _ => format!("{kind:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream_of(n: usize) -> BoxStream<'static, Result<ScanItem<Value>>> {
        futures::stream::iter((0..n).map(|i| Ok(ScanItem::Record(json!({ "i": i }))))).boxed()
    }

    #[tokio::test]
    async fn pages_follow_the_stream_and_cursors_are_single_use_and_bound() {
        let cursors = Cursors::default();
        let mut s = stream_of(5);
        let (page, more) = read_page(&mut s, 2).await;
        assert_eq!(page["records"], json!([{"i": 0}, {"i": 1}]));
        assert!(more);
        let c = cursors.park("t", "acme", s, 2);
        // Another account or tool cannot use it, and it survives the attempt.
        assert!(cursors.take(&c, "t", "globex").is_err());
        assert!(cursors.take(&c, "other", "acme").is_err());
        let resumed = cursors.take(&c, "t", "acme").expect("the owner's cursor");
        assert_eq!(resumed.page_size, 2, "the cursor keeps its page size");
        let mut s = resumed.stream;
        assert!(cursors.take(&c, "t", "acme").is_err(), "single use");
        let (page, more) = read_page(&mut s, 10).await;
        assert_eq!(page["records"], json!([{"i": 2}, {"i": 3}, {"i": 4}]));
        assert!(!more);
        assert_eq!(cursors.len(), 0);
    }

    #[tokio::test]
    async fn a_full_page_at_the_end_reports_more_then_an_empty_last_page() {
        let mut s = stream_of(2);
        let (_, more) = read_page(&mut s, 2).await;
        assert!(
            more,
            "the reader cannot know the stream ends without polling past it"
        );
        let (page, more) = read_page(&mut s, 2).await;
        assert_eq!(page["records"], json!([]));
        assert!(!more);
    }

    #[test]
    fn activity_windows_and_workgroups_are_checked_naming_the_field() {
        let err =
            |r: Result<chicory_aws_glue::TimeWindow>| r.unwrap_err().field().map(str::to_owned);
        assert_eq!(
            err(window(Some("yesterday".into()), None)).as_deref(),
            Some("since")
        );
        assert_eq!(
            err(window(None, Some("2024-13-01".into()))).as_deref(),
            Some("until")
        );
        assert_eq!(
            err(window(
                Some("2024-05-02T00:00:00Z".into()),
                Some("2024-05-01T00:00:00Z".into())
            ))
            .as_deref(),
            Some("until")
        );
        let w = window(None, None).unwrap();
        let week = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            - 7 * 86_400;
        assert!((w.since().unwrap().secs() - week).abs() <= 5, "{w:?}");
        assert_eq!(w.until(), None);
        assert_eq!(
            workgroup(Some("no spaces".into())).unwrap_err().field(),
            Some("workgroup")
        );
        assert_eq!(
            workgroup(Some(String::new())).unwrap_err().field(),
            Some("workgroup")
        );
        assert_eq!(
            workgroup(Some("primary".into())).unwrap().as_deref(),
            Some("primary")
        );
    }

    #[tokio::test]
    async fn the_activity_tools_declare_cloudtrail_only_when_asked() {
        let params = chicory_aws_core::ConnectionParams::assume_role(
            "arn:aws:iam::123456789012:role/ChicoryAccess",
            "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
        )
        .unwrap();
        // An endpoint nothing listens on: starting a scan sends nothing.
        let conn = Connection::builder(params)
            .endpoint_url("http://127.0.0.1:9")
            .build()
            .await
            .unwrap();
        let tools = default_scan_tools();
        let tool = |name: &str| tools.iter().find(|t| t.name() == name).unwrap();
        let names = |a: &[Action]| a.iter().map(|a| a.iam_name()).collect::<Vec<_>>();
        for name in ["athena_list_query_activity", "athena_list_table_popularity"] {
            let plain = tool(name).start(&conn, json!({})).unwrap();
            assert!(
                !names(plain.actions).contains(&"cloudtrail:LookupEvents".to_owned()),
                "{name}"
            );
            let attributed = tool(name)
                .start(&conn, json!({"cloudtrail": true, "workgroup": "primary"}))
                .unwrap();
            assert!(
                names(attributed.actions).contains(&"cloudtrail:LookupEvents".to_owned()),
                "{name}"
            );
            let bad = tool(name).start(&conn, json!({"since": "last week"}));
            assert_eq!(bad.err().unwrap().field(), Some("since"), "{name}");
        }
        let lineage = tool("athena_list_lineage_edges")
            .start(&conn, json!({}))
            .unwrap();
        assert_eq!(
            names(lineage.actions),
            [
                "athena:ListQueryExecutions",
                "athena:BatchGetQueryExecution"
            ]
        );
        let audit = tool("cloudtrail_list_integration_audit")
            .start(
                &conn,
                json!({"since": "2000-01-01T00:00:00Z", "until": "2000-01-02T00:00:00Z"}),
            )
            .unwrap();
        assert_eq!(names(audit.actions), ["cloudtrail:LookupEvents"]);
    }

    #[test]
    fn page_args_are_checked() {
        let mut args = Map::new();
        args.insert("page_size".into(), json!(0));
        assert_eq!(
            PageArgs::take(&mut args).unwrap_err().field(),
            Some("page_size")
        );
        let mut args = Map::new();
        args.insert("cursor".into(), json!(7));
        assert_eq!(
            PageArgs::take(&mut args).unwrap_err().field(),
            Some("cursor")
        );
    }
}
