//! The MCP server: every operator and scan of the service crates as a tool, over many
//! customer accounts.

use crate::account::Account;
use crate::scans::{self, Cursors, PageArgs, ScanTool};
use chicory_aws_core::{AccessLevel, Action, Connection, Error, ErrorKind, Tool};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    JsonObject, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
    Tool as McpTool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// A tool registry: every tool of a crate on a connection, like [`chicory_aws_glue::tools`].
pub type Registry = fn(&Connection) -> Vec<Box<dyn Tool>>;

/// The registries of glue (with Athena), s3 and datazone.
pub const DEFAULT_REGISTRIES: &[Registry] = &[
    chicory_aws_glue::tools,
    chicory_aws_s3::tools,
    chicory_aws_datazone::tools,
];

/// The MCP server over a set of customer accounts.
///
/// Cheap to clone (clones share accounts, connections and open cursors); it implements rmcp's
/// [`ServerHandler`], so it runs on any rmcp transport: [`serve_stdio`](crate::serve_stdio),
/// [`serve_http`](crate::serve_http), or one of the vendor's own.
#[derive(Clone)]
pub struct ChicoryMcp {
    inner: Arc<Inner>,
}

struct Inner {
    accounts: BTreeMap<String, Slot>,
    entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
    listed: Vec<McpTool>,
    registries: Vec<Registry>,
    cursors: Cursors,
}

struct Slot {
    account: Account,
    connected: OnceCell<Arc<Connected>>,
}

struct Connected {
    conn: Connection,
    tools: HashMap<&'static str, Box<dyn Tool>>,
}

enum Kind {
    Operator,
    Scan(Box<dyn ScanTool>),
}

struct Entry {
    name: &'static str,
    level: AccessLevel,
    actions: Vec<Action>,
    /// The operator's output is not an object: it is sent as `{"result": ...}`.
    wrapped: bool,
    kind: Kind,
}

/// Builds a [`ChicoryMcp`].
#[must_use]
pub struct ChicoryMcpBuilder {
    accounts: Vec<Account>,
    registries: Vec<Registry>,
    scans: Vec<Box<dyn ScanTool>>,
}

impl fmt::Debug for ChicoryMcpBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChicoryMcpBuilder")
            .field("accounts", &self.accounts)
            .field("registries", &self.registries.len())
            .field("scans", &self.scans.len())
            .finish()
    }
}

impl fmt::Debug for ChicoryMcp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChicoryMcp")
            .field("accounts", &self.inner.accounts.keys().collect::<Vec<_>>())
            .field("tools", &self.inner.entries.len())
            .finish()
    }
}

impl ChicoryMcpBuilder {
    /// Adds a customer account.
    pub fn account(mut self, account: Account) -> Self {
        self.accounts.push(account);
        self
    }

    /// Adds customer accounts.
    pub fn accounts(mut self, accounts: impl IntoIterator<Item = Account>) -> Self {
        self.accounts.extend(accounts);
        self
    }

    /// Serves the tools of `registry` too (a vendor's own operators, say); the default
    /// registries of glue, s3 and datazone are always served.
    pub fn registry(mut self, registry: Registry) -> Self {
        self.registries.push(registry);
        self
    }

    /// Builds the server: checks the accounts (at least one, unique names, each connection
    /// buildable) and reads the tool catalogue. Sends no request.
    pub async fn build(self) -> chicory_aws_core::Result<ChicoryMcp> {
        if self.accounts.is_empty() {
            return Err(Error::invalid("accounts", "name at least one account"));
        }
        let mut accounts = BTreeMap::new();
        let mut catalogue_conn = None;
        for account in self.accounts {
            // Building sends nothing; it checks endpoints and settings now rather than at the
            // first tool call.
            let conn = account.builder().build().await.map_err(|e| {
                Error::invalid(
                    "accounts",
                    format!("account {:?} cannot be set up: {e}", account.name()),
                )
            })?;
            catalogue_conn.get_or_insert(conn);
            let name = account.name().to_owned();
            let slot = Slot {
                account,
                connected: OnceCell::new(),
            };
            if accounts.insert(name.clone(), slot).is_some() {
                return Err(Error::invalid(
                    "accounts",
                    format!("account {name:?} is named twice"),
                ));
            }
        }
        let names: Vec<String> = accounts.keys().cloned().collect();
        let conn = catalogue_conn.expect("at least one account");
        let mut entries = Vec::new();
        let mut listed = Vec::new();
        for registry in &self.registries {
            for tool in registry(&conn) {
                let (output_schema, wrapped) = object_schema(tool.output_schema());
                listed.push(mcp_tool(
                    tool.name(),
                    tool.description(),
                    with_account(tool.input_schema(), &names),
                    output_schema,
                    annotations(tool.actions()),
                ));
                entries.push(Entry {
                    name: tool.name(),
                    level: tool.required_level(),
                    actions: tool.actions().to_vec(),
                    wrapped,
                    kind: Kind::Operator,
                });
            }
        }
        for scan in self.scans {
            listed.push(mcp_tool(
                scan.name(),
                scan.description(),
                with_account(scans::paged_input_schema(scan.as_ref()), &names),
                scans::page_output_schema(scan.as_ref()),
                annotations(&[]),
            ));
            entries.push(Entry {
                name: scan.name(),
                // Scanners only list and read; the level is checked again against the
                // scanner's declared actions when it starts.
                level: AccessLevel::ReadOnly,
                actions: Vec::new(),
                wrapped: false,
                kind: Kind::Scan(scan),
            });
        }
        let mut by_name = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            if by_name.insert(e.name.to_owned(), i).is_some() {
                return Err(Error::invalid(
                    "registries",
                    format!("tool {:?} is served twice", e.name),
                ));
            }
        }
        Ok(ChicoryMcp {
            inner: Arc::new(Inner {
                accounts,
                entries,
                by_name,
                listed,
                registries: self.registries,
                cursors: Cursors::default(),
            }),
        })
    }
}

impl ChicoryMcp {
    /// A builder with the default registries and scan tools and no account yet.
    pub fn builder() -> ChicoryMcpBuilder {
        ChicoryMcpBuilder {
            accounts: Vec::new(),
            registries: DEFAULT_REGISTRIES.to_vec(),
            scans: scans::default_scan_tools(),
        }
    }

    /// The tools as MCP lists them (with the `account` argument in each input schema).
    pub fn tools(&self) -> &[McpTool] {
        &self.inner.listed
    }

    /// The account names.
    pub fn account_names(&self) -> Vec<&str> {
        self.inner.accounts.keys().map(String::as_str).collect()
    }

    /// Calls tool `name` with MCP arguments (including `account`), as `tools/call` does:
    /// `Ok` with the structured result, or the library error (also for refusals: an unknown
    /// account, a missing `account`, a tool needing more access than the account has).
    pub async fn call(&self, name: &str, arguments: JsonObject) -> Result<Value, CallError> {
        let inner = &self.inner;
        let entry = inner
            .by_name
            .get(name)
            .map(|&i| &inner.entries[i])
            .ok_or(CallError::UnknownTool)?;
        let mut args = arguments;
        let slot = self.pick_account(&mut args)?;
        // The level is the account's, known from its parameters: a write tool on a ReadOnly
        // account is refused here, before the account is connected or anything is sent.
        let granted = slot.account.access_level();
        if !granted.allows(entry.level) {
            return Err(refusal(entry, slot.account.name(), granted).into());
        }
        let connected = slot
            .connected
            .get_or_try_init(|| async {
                let conn = slot.account.builder().connect().await?;
                let mut tools = HashMap::new();
                for registry in &inner.registries {
                    for tool in registry(&conn) {
                        tools.insert(tool.name(), tool);
                    }
                }
                Ok::<_, Error>(Arc::new(Connected { conn, tools }))
            })
            .await?;
        match &entry.kind {
            Kind::Operator => {
                let tool = connected.tools.get(entry.name).ok_or_else(|| {
                    Error::new(ErrorKind::Service, "tool missing from its registry")
                })?;
                let out = tool.call_json(Value::Object(args)).await?;
                Ok(if entry.wrapped {
                    json!({ "result": out })
                } else {
                    out
                })
            }
            Kind::Scan(scan) => {
                let page = PageArgs::take(&mut args)?;
                let account = slot.account.name();
                let (mut stream, page_size) = match &page.cursor {
                    Some(c) => {
                        let resumed = inner.cursors.take(c, entry.name, account)?;
                        let size = page.page_size.unwrap_or(resumed.page_size);
                        (resumed.stream, size)
                    }
                    None => {
                        let started = scan.start(&connected.conn, Value::Object(args))?;
                        connected.conn.ensure_allowed(entry.name, started.actions)?;
                        let size = page.page_size.unwrap_or(scans::DEFAULT_PAGE_SIZE);
                        (started.stream, size)
                    }
                };
                let (mut out, more) = scans::read_page(&mut stream, page_size).await;
                out["cursor"] = if more {
                    Value::String(inner.cursors.park(entry.name, account, stream, page_size))
                } else {
                    Value::Null
                };
                Ok(out)
            }
        }
    }

    fn pick_account(&self, args: &mut JsonObject) -> Result<&Slot, Error> {
        let accounts = &self.inner.accounts;
        let names = || accounts.keys().cloned().collect::<Vec<_>>().join(", ");
        match args.remove("account") {
            Some(Value::String(name)) => accounts.get(&name).ok_or_else(|| {
                Error::invalid(
                    "account",
                    format!("unknown account {name:?}; this server serves: {}", names()),
                )
            }),
            None | Some(Value::Null) if accounts.len() == 1 => {
                Ok(accounts.values().next().expect("one account"))
            }
            None | Some(Value::Null) => Err(Error::invalid(
                "account",
                format!(
                    "required: this server serves several accounts ({}); name one",
                    names()
                ),
            )),
            Some(_) => Err(Error::invalid("account", "must be a string")),
        }
    }
}

/// Why a call did not return a result.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallError {
    /// No tool has this name (a protocol error in MCP).
    UnknownTool,
    /// The tool ran, or was refused, with this error (an MCP tool error).
    Tool(Error),
}

impl From<Error> for CallError {
    fn from(e: Error) -> Self {
        CallError::Tool(e)
    }
}

fn refusal(entry: &Entry, account: &str, granted: AccessLevel) -> Error {
    let writes: Vec<String> = entry
        .actions
        .iter()
        .filter(|a| a.is_write())
        .map(|a| a.iam_name())
        .collect();
    Error::new(
        ErrorKind::WriteNotPermitted,
        format!(
            "{} needs {} access (it calls {}) but account {account:?} is {granted}; nothing was sent",
            entry.name,
            entry.level,
            writes.join(", ")
        ),
    )
    .with_operation(entry.name)
}

/// The error of a tool call as MCP tool-error content: a sentence for the agent, then the
/// details as JSON (kind, AWS code and status, operation, resource, field, remedy). Built from
/// the error's accessors and Display, which never hold a secret.
pub fn error_result(e: &Error) -> CallToolResult {
    let details = json!({
        "error": {
            "kind": scans::kind_name(e.kind()),
            "message": e.to_string(),
            "code": e.code(),
            "status": e.status(),
            "operation": e.operation(),
            "resource": e.resource(),
            "field": e.field(),
            "remedy": e.hint(),
            "temporary": e.is_temporary(),
        }
    });
    CallToolResult::error(vec![
        ContentBlock::text(e.to_string()),
        ContentBlock::text(details.to_string()),
    ])
}

fn mcp_tool(
    name: &'static str,
    description: &'static str,
    input: Value,
    output: Value,
    annotations: ToolAnnotations,
) -> McpTool {
    let mut tool = McpTool::new(name, description, as_object(input));
    tool.output_schema = Some(Arc::new(as_object(output)));
    tool.annotations = Some(annotations);
    tool
}

fn as_object(v: Value) -> JsonObject {
    match v {
        Value::Object(o) => o,
        _ => {
            let mut o = Map::new();
            o.insert("type".into(), "object".into());
            o
        }
    }
}

/// The input schema with an `account` property (an enum of the names), required when there is
/// more than one account.
fn with_account(mut schema: Value, names: &[String]) -> Value {
    let Some(obj) = schema.as_object_mut() else {
        return schema;
    };
    obj.entry("type").or_insert_with(|| "object".into());
    let props = obj
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(props) = props.as_object_mut() {
        props.insert(
            "account".into(),
            json!({
                "type": "string",
                "enum": names,
                "description": if names.len() > 1 {
                    "The customer account to act on (required)."
                } else {
                    "The customer account to act on (optional: this server serves one)."
                },
            }),
        );
    }
    if names.len() > 1 {
        let required = obj
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(r) = required.as_array_mut() {
            r.push("account".into());
        }
    }
    schema
}

/// MCP wants an object at the root of an output schema: other outputs go in `{"result": ...}`
/// (with the schema's definitions kept at the root, where its `$ref`s point).
fn object_schema(schema: Value) -> (Value, bool) {
    if schema.get("type").and_then(Value::as_str) == Some("object") {
        return (schema, false);
    }
    let mut inner = schema;
    let mut definitions = None;
    if let Some(o) = inner.as_object_mut() {
        o.remove("$schema");
        definitions = o.remove("definitions");
    }
    let mut wrapped = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {"result": inner},
        "required": ["result"],
    });
    if let Some(d) = definitions {
        wrapped["definitions"] = d;
    }
    (wrapped, true)
}

/// MCP annotations from the declared IAM actions: read-only when no action writes;
/// destructive when an action deletes, stops, replaces (`Put*`) or updates existing state;
/// idempotent unless an action creates or starts something new (repeating it would create or
/// start another). Reads are idempotent.
pub fn annotations(actions: &[Action]) -> ToolAnnotations {
    let writes: Vec<&Action> = actions.iter().filter(|a| a.is_write()).collect();
    if writes.is_empty() {
        return ToolAnnotations::new()
            .read_only(true)
            .destructive(false)
            .idempotent(true)
            .open_world(false);
    }
    let starts = |a: &&Action, prefixes: &[&str]| prefixes.iter().any(|p| a.name.starts_with(p));
    let destructive = writes
        .iter()
        .any(|a| starts(a, &["Delete", "BatchDelete", "Stop", "Put", "Update"]));
    let idempotent = !writes
        .iter()
        .any(|a| starts(a, &["Create", "BatchCreate", "Start"]));
    ToolAnnotations::new()
        .read_only(false)
        .destructive(destructive)
        .idempotent(idempotent)
        .open_world(false)
}

impl ServerHandler for ChicoryMcp {
    fn get_info(&self) -> ServerConfig {
        let names = self.account_names().join(", ");
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                "chicory-aws-mcp",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(format!(
                "Tools over the AWS Glue Data Catalog, Athena, S3 and DataZone of customer \
                 accounts ({names}); every tool takes `account`. A tool needing more access \
                 than the account granted is refused before any request. List tools return a \
                 page and a `cursor`: pass it back for the next page."
            ))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.inner.listed.clone()))
    }

    fn get_tool(&self, name: &str) -> Option<McpTool> {
        self.inner.listed.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        let args = request.arguments.unwrap_or_default();
        let call = self.call(&name, args);
        // A cancelled request drops the call (an Athena query in flight is then stopped).
        let outcome = tokio::select! {
            r = call => r,
            _ = context.ct.cancelled() => {
                return Err(ErrorData::internal_error("the request was cancelled", None));
            }
        };
        match outcome {
            Ok(v) => Ok(CallToolResult::structured(v).into()),
            Err(CallError::Tool(e)) => {
                tracing::info!(tool = %name, kind = ?e.kind(), code = ?e.code(), "tool error");
                Ok(error_result(&e).into())
            }
            Err(CallError::UnknownTool) => Err(ErrorData::invalid_params(
                format!("unknown tool {name:?}"),
                None,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chicory_aws_core::{actions, ConnectionParams};

    async fn server(levels: &[(&str, AccessLevel)]) -> ChicoryMcp {
        let mut b = ChicoryMcp::builder();
        for (name, level) in levels {
            let params = ConnectionParams::assume_role(
                "arn:aws:iam::123456789012:role/ChicoryAccess",
                "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
            )
            .unwrap()
            .with_access_level(*level);
            // An endpoint nothing listens on: a test that sent a request would fail.
            b = b.account(
                Account::new(*name, params)
                    .unwrap()
                    .configure(|b| b.endpoint_url("http://127.0.0.1:9")),
            );
        }
        b.build().await.expect("server builds")
    }

    #[tokio::test]
    async fn every_tool_has_an_object_input_and_output_schema_and_annotations() {
        let s = server(&[("acme", AccessLevel::ReadOnly)]).await;
        let mut names = std::collections::HashSet::new();
        for t in s.tools() {
            assert!(names.insert(t.name.clone()), "{} twice", t.name);
            assert_eq!(
                t.input_schema.get("type"),
                Some(&json!("object")),
                "{}",
                t.name
            );
            let props = t.input_schema["properties"].as_object().unwrap();
            assert!(props.contains_key("account"), "{}", t.name);
            let out = t.output_schema.as_ref().expect("output schema");
            assert_eq!(out.get("type"), Some(&json!("object")), "{}", t.name);
            assert!(t.annotations.as_ref().unwrap().read_only_hint.is_some());
        }
        // Every operator of the crates' registries and every scan tool, each once.
        let params = ConnectionParams::assume_role(
            "arn:aws:iam::123456789012:role/ChicoryAccess",
            "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
        )
        .unwrap();
        let conn = chicory_aws_core::Connection::builder(params)
            .endpoint_url("http://127.0.0.1:9")
            .build()
            .await
            .unwrap();
        let operators: usize = DEFAULT_REGISTRIES.iter().map(|r| r(&conn).len()).sum();
        let scan_tools = scans::default_scan_tools().len();
        assert!(
            operators >= 60 && scan_tools >= 15,
            "{operators} {scan_tools}"
        );
        assert_eq!(s.tools().len(), operators + scan_tools);
        // Issue 13's query activity: its operators and its scans.
        for name in [
            "table_lineage",
            "table_popularity",
            "who_queried",
            "athena_list_query_activity",
            "athena_list_table_popularity",
            "athena_list_lineage_edges",
            "glue_list_view_lineage",
            "cloudtrail_list_integration_audit",
        ] {
            assert!(names.contains(name), "{name} is not served");
        }
    }

    #[tokio::test]
    async fn account_is_required_with_several_and_unknown_ones_are_refused() {
        let s = server(&[
            ("acme", AccessLevel::ReadOnly),
            ("globex", AccessLevel::ReadWrite),
        ])
        .await;
        let t = s
            .tools()
            .iter()
            .find(|t| t.name == "glue_get_table")
            .unwrap();
        assert!(t.input_schema["required"]
            .as_array()
            .unwrap()
            .contains(&json!("account")));
        let args = |v: Value| v.as_object().unwrap().clone();
        let err = match s
            .call("glue_get_table", args(json!({"database": "d"})))
            .await
        {
            Err(CallError::Tool(e)) => e,
            other => panic!("{other:?}"),
        };
        assert_eq!(err.field(), Some("account"));
        let err = match s
            .call(
                "glue_get_table",
                args(json!({"account": "initech", "database": "d"})),
            )
            .await
        {
            Err(CallError::Tool(e)) => e,
            other => panic!("{other:?}"),
        };
        assert_eq!(err.field(), Some("account"));
        assert!(err.to_string().contains("initech"), "{err}");
        assert!(matches!(
            s.call("no_such_tool", Map::new()).await,
            Err(CallError::UnknownTool)
        ));
    }

    #[tokio::test]
    async fn a_write_on_a_read_only_account_is_refused_naming_the_level() {
        let s = server(&[
            ("acme", AccessLevel::ReadOnly),
            ("globex", AccessLevel::ReadWrite),
        ])
        .await;
        let args = json!({"account": "acme", "query": "SELECT 1", "workgroup": "primary"});
        let err = match s
            .call("athena_run_query", args.as_object().unwrap().clone())
            .await
        {
            Err(CallError::Tool(e)) => e,
            other => panic!("{other:?}"),
        };
        assert_eq!(err.kind(), ErrorKind::WriteNotPermitted);
        let text = err.to_string();
        assert!(text.contains("ReadWrite"), "{text}");
        assert!(text.contains("athena:StartQueryExecution"), "{text}");
        // Refused before connecting: the account was never connected.
        assert!(s.inner.accounts["acme"].connected.get().is_none());
        let result = error_result(&err);
        assert_eq!(result.is_error, Some(true));
    }

    #[test]
    fn annotations_follow_the_actions() {
        let read = annotations(&[actions::glue::GET_TABLE]);
        assert_eq!(read.read_only_hint, Some(true));
        let delete = annotations(&[actions::glue::DELETE_DATA_QUALITY_RULESET]);
        assert_eq!(delete.read_only_hint, Some(false));
        assert_eq!(delete.destructive_hint, Some(true));
        assert_eq!(delete.idempotent_hint, Some(true));
        let create = annotations(&[actions::glue::CREATE_DATA_QUALITY_RULESET]);
        assert_eq!(create.destructive_hint, Some(false));
        assert_eq!(create.idempotent_hint, Some(false));
    }

    #[test]
    fn non_object_outputs_are_wrapped_with_their_definitions() {
        let (s, wrapped) = object_schema(json!({
            "$schema": "x", "type": "array", "items": {"$ref": "#/definitions/A"},
            "definitions": {"A": {"type": "string"}}
        }));
        assert!(wrapped);
        assert_eq!(s["properties"]["result"]["type"], json!("array"));
        assert_eq!(s["definitions"]["A"]["type"], json!("string"));
    }
}
