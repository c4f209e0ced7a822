//! Operators over the query activity (ReadOnly): `table_lineage` (upstream and downstream of a
//! table, from the query history's lineage and the Glue views' definitions), `table_popularity`
//! (the most queried tables) and `who_queried` (the principals of a table, from CloudTrail).
//!
//! Each reads the Athena query history of a workgroup over a window (default: the last
//! [`DEFAULT_DAYS`] days). Input is checked before any request; an error names the JSON field
//! and the fix. A part of the history (or of CloudTrail, or of the Glue catalog) that could not
//! be read is in the answer's `skipped` / `incomplete` lists, and `complete` says whether
//! anything is missing: an answer never passes for whole when it is not.

use crate::athena::activity::{LineageScanner, QueryActivityScanner, TablePopularityScanner};
use crate::athena::cloudtrail::TimeWindow;
use crate::athena::{StatementKind, TableName, WriteTarget, DEFAULT_CATALOG, DEFAULT_DATABASE};
use crate::options::{check_text, CatalogOptions};
use crate::views::ViewLineageScanner;
use crate::TablePopularityRecord;
use async_trait::async_trait;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use chicory_aws_core::scan::ScanStream;
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Error, ErrorKind, Operator, Result, ScanItem,
    Scanner,
};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

/// The window of an operator that gives no `since`: the last 7 days.
pub const DEFAULT_DAYS: u64 = 7;
/// How many query execution ids a lineage link or principal lists at most (as examples).
pub const EXAMPLE_IDS: usize = 5;

/// A part of a scan left out or failed, in an operator's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PartNote {
    /// The part, e.g. `cloudtrail:LookupEvents eventName=StartQueryExecution`.
    pub part: String,
    /// The kind of error (`AccessDenied`, `Throttled`, ...).
    pub kind: String,
    /// Why.
    pub reason: String,
}

fn kind_text(k: ErrorKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{k:?}"))
}

/// What did not come of the scans an operator ran.
#[derive(Debug, Default)]
struct Gaps {
    skipped: Vec<PartNote>,
    incomplete: Vec<PartNote>,
}

impl Gaps {
    /// Consumes `stream`, giving each record to `f` and keeping every other outcome.
    async fn drain<R>(&mut self, mut stream: ScanStream<R>, mut f: impl FnMut(R)) {
        while let Some(item) = stream.next().await {
            match item {
                Ok(ScanItem::Record(r)) => f(r),
                Ok(ScanItem::Skipped(s)) => self.skipped.push(PartNote {
                    part: s.part,
                    kind: kind_text(s.kind),
                    reason: s.reason,
                }),
                Err(e) => {
                    let i = chicory_aws_core::Incomplete::from_error(&e);
                    self.incomplete.push(PartNote {
                        part: i.part,
                        kind: kind_text(e.kind()),
                        reason: e.to_string(),
                    })
                }
            }
        }
    }
}

/// Checks an input's workgroup (Athena's rule: 1-128 characters of `A-Za-z0-9._-`); the error
/// names the field `workgroup`. The activity operators and scan tools check theirs with it.
pub fn check_input_workgroup(w: &Option<String>) -> Result<()> {
    match w {
        Some(name) if !crate::athena::workgroups::is_workgroup_name(name) => Err(Error::invalid(
            "workgroup",
            "must be 1-128 characters of A-Za-z0-9._- (an Athena workgroup name, e.g. \
             primary); leave it out for the caller's default workgroup",
        )),
        _ => Ok(()),
    }
}

fn parse_time(field: &'static str, v: &str) -> Result<DateTime> {
    DateTime::from_str(v, Format::DateTime).map_err(|_| {
        Error::invalid(
            field,
            "must be an RFC 3339 time such as 2024-05-01T00:00:00Z",
        )
    })
}

/// The window of an input's `since`/`until` (RFC 3339; `since` default: [`DEFAULT_DAYS`]
/// ago; `until` default: now); errors name the field. The activity operators and scan tools
/// read theirs with it.
pub fn input_window(since: &Option<String>, until: &Option<String>) -> Result<TimeWindow> {
    let since = match since {
        Some(s) => parse_time("since", s)?,
        None => TimeWindow::last(Duration::from_secs(DEFAULT_DAYS * 86_400))
            .since()
            .expect("a bounded window"),
    };
    let until = until
        .as_deref()
        .map(|u| parse_time("until", u))
        .transpose()?;
    if until.is_some_and(|u| u < since) {
        return Err(Error::invalid(
            "until",
            "must not be before since (give since <= until, or leave until out for now)",
        ));
    }
    TimeWindow::new("since", Some(since), until)
}

/// `catalog.database.table`, `database.table` (the Glue Data Catalog) or `table` (its
/// `default` database, as Athena resolves a bare name without a context).
fn parse_table(v: &str) -> Result<TableName> {
    check_text("table", v, 1, 768)?;
    let parts: Vec<&str> = v.split('.').map(str::trim).collect();
    let bad = || {
        Error::invalid(
            "table",
            "must be database.table or catalog.database.table, e.g. sales.orders \
             (names without dots; a bare name is in the default database)",
        )
    };
    if parts.iter().any(|p| p.is_empty() || p.len() > 255) {
        return Err(bad());
    }
    match parts.as_slice() {
        [t] => Ok(TableName::new(DEFAULT_CATALOG, DEFAULT_DATABASE, t)),
        [db, t] => Ok(TableName::new(DEFAULT_CATALOG, db, t)),
        [c, db, t] => Ok(TableName::new(c, db, t)),
        _ => Err(bad()),
    }
}

fn add_example(ids: &mut Vec<String>, id: &Option<String>) {
    if let Some(id) = id {
        if ids.len() < EXAMPLE_IDS && !ids.contains(id) {
            ids.push(id.clone());
        }
    }
}

/// Keeps the later of two RFC 3339 times.
fn later(a: &mut Option<String>, b: &Option<String>) {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| DateTime::from_str(s, Format::DateTime).ok())
    };
    if parse(b) > parse(a) {
        a.clone_from(b);
    }
}

/// Which way `table_lineage` walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// What the table is made from.
    Upstream,
    /// What is made from the table.
    Downstream,
    /// Both (the default).
    #[default]
    Both,
}

/// Input of `table_lineage`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableLineageInput {
    /// The table or view: `database.table` (Glue Data Catalog), `catalog.database.table`, or
    /// a bare name (the `default` database).
    pub table: String,
    /// How many hops to follow, 1-10 (default 3).
    #[serde(default)]
    pub depth: Option<u32>,
    /// `upstream`, `downstream` or `both` (default).
    #[serde(default)]
    pub direction: Option<Direction>,
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

/// How a lineage link was seen.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LinkSource {
    /// Executions of the query history (INSERT, CTAS, UNLOAD, MERGE) read `source` and wrote
    /// `target`.
    Query,
    /// The Glue view `target` is defined over `source`.
    View,
}

/// One link of a table's lineage.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LineageLink {
    /// The table read.
    pub source: TableName,
    /// The table, view or S3 location made from it.
    pub target: WriteTarget,
    /// Hops from the asked table (1: a direct link).
    pub depth: u32,
    /// How the link was seen.
    pub via: LinkSource,
    /// Executions that made it (0 for a view).
    pub query_count: u64,
    /// Their statement kinds.
    pub statement_kinds: Vec<StatementKind>,
    /// The latest submission time among them (RFC 3339).
    pub last_seen: Option<String>,
    /// Up to 5 of their query execution ids.
    pub query_execution_ids: Vec<String>,
}

/// Output of `table_lineage`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TableLineageOutput {
    /// The table asked about.
    pub table: TableName,
    /// The depth followed.
    pub depth: u32,
    /// Links into the table and, further, into its sources; by depth, then source.
    pub upstream: Vec<LineageLink>,
    /// Links out of the table and, further, out of what is made from it.
    pub downstream: Vec<LineageLink>,
    /// Distinct links read in all (history and views).
    pub links_read: u64,
    /// Whether every part was read or skipped (nothing is missing but what `skipped` names).
    pub complete: bool,
    /// Parts left out (denied or gone): links they hold are missing.
    pub skipped: Vec<PartNote>,
    /// Parts that failed after every retry: links they hold are missing.
    pub incomplete: Vec<PartNote>,
}

operator_struct!(
    /// The upstream and downstream lineage of a table, to a depth, from the Athena query
    /// history's lineage over a window and the Glue views' definitions (ReadOnly).
    TableLineage
);

#[derive(Default)]
struct Link {
    count: u64,
    kinds: Vec<StatementKind>,
    last: Option<String>,
    ids: Vec<String>,
}

type LinkKey = (TableName, WriteTarget, LinkSource);

fn walk(
    links: &HashMap<LinkKey, Link>,
    start: &TableName,
    depth: u32,
    upstream: bool,
) -> Vec<LineageLink> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<TableName> = BTreeSet::from([start.clone()]);
    let mut frontier = vec![start.clone()];
    for d in 1..=depth {
        let mut next = Vec::new();
        let mut found: Vec<LineageLink> = Vec::new();
        for ((source, target, via), l) in links {
            let (from, to) = if upstream {
                match target {
                    WriteTarget::Table(t) => (t, Some(source)),
                    WriteTarget::Location(_) => continue,
                }
            } else {
                let to = match target {
                    WriteTarget::Table(t) => Some(t),
                    WriteTarget::Location(_) => None,
                };
                (source, to)
            };
            if !frontier.contains(from) {
                continue;
            }
            found.push(LineageLink {
                source: source.clone(),
                target: target.clone(),
                depth: d,
                via: *via,
                query_count: l.count,
                statement_kinds: l.kinds.clone(),
                last_seen: l.last.clone(),
                query_execution_ids: l.ids.clone(),
            });
            if let Some(to) = to {
                if seen.insert(to.clone()) {
                    next.push(to.clone());
                }
            }
        }
        found.sort_by(|a, b| {
            (&a.source, target_key(&a.target), a.via).cmp(&(
                &b.source,
                target_key(&b.target),
                b.via,
            ))
        });
        out.extend(found);
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    out
}

fn target_key(t: &WriteTarget) -> String {
    match t {
        WriteTarget::Table(t) => t.to_string(),
        WriteTarget::Location(l) => l.clone(),
    }
}

#[async_trait]
impl Operator for TableLineage {
    type Input = TableLineageInput;
    type Output = TableLineageOutput;
    const NAME: &'static str = "table_lineage";
    const DESCRIPTION: &'static str = "Upstream and downstream lineage of a table, to a depth, \
        from Athena's query history (INSERT, CTAS, UNLOAD, MERGE) over a window and the Glue \
        views' definitions.";
    const ACTIONS: &'static [Action] = &[
        actions::athena::LIST_QUERY_EXECUTIONS,
        actions::athena::BATCH_GET_QUERY_EXECUTION,
        actions::glue::GET_DATABASES,
        actions::glue::GET_TABLES,
    ];

    async fn execute(
        &self,
        input: TableLineageInput,
        _: AccessChecked<Self>,
    ) -> Result<TableLineageOutput> {
        let table = parse_table(&input.table)?;
        let depth = input.depth.unwrap_or(3);
        if !(1..=10).contains(&depth) {
            return Err(Error::invalid("depth", "must be between 1 and 10 (hops)"));
        }
        check_input_workgroup(&input.workgroup)?;
        let window = input_window(&input.since, &input.until)?;
        let direction = input.direction.unwrap_or_default();

        let mut links: HashMap<LinkKey, Link> = HashMap::new();
        let mut gaps = Gaps::default();
        let history = LineageScanner::new(&self.conn, input.workgroup).with_window(window);
        gaps.drain(history.scan(), |e| {
            let l = links
                .entry((e.source, e.target, LinkSource::Query))
                .or_default();
            l.count += 1;
            if !l.kinds.contains(&e.statement_kind) {
                l.kinds.push(e.statement_kind);
            }
            later(&mut l.last, &e.submitted);
            add_example(&mut l.ids, &e.query_execution_id);
        })
        .await;
        let views = ViewLineageScanner::new(&self.conn, CatalogOptions::default())?;
        gaps.drain(views.scan(), |v| {
            for source in v.reads {
                links
                    .entry((source, WriteTarget::Table(v.view.clone()), LinkSource::View))
                    .or_default();
            }
        })
        .await;

        let up = matches!(direction, Direction::Upstream | Direction::Both);
        let down = matches!(direction, Direction::Downstream | Direction::Both);
        Ok(TableLineageOutput {
            upstream: if up {
                walk(&links, &table, depth, true)
            } else {
                Vec::new()
            },
            downstream: if down {
                walk(&links, &table, depth, false)
            } else {
                Vec::new()
            },
            table,
            depth,
            links_read: links.len() as u64,
            complete: gaps.incomplete.is_empty(),
            skipped: gaps.skipped,
            incomplete: gaps.incomplete,
        })
    }
}

/// Input of `table_popularity`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TablePopularityInput {
    /// How many tables to return, the most queried first: 1-1000 (default 20).
    #[serde(default)]
    pub top: Option<u32>,
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

/// Output of `table_popularity`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TablePopularityOutput {
    /// The `top` tables by executions, then reads, then name.
    pub tables: Vec<TablePopularityRecord>,
    /// Tables read or written in the window in all.
    pub tables_total: u64,
    /// Executions read in the window.
    pub queries_total: u64,
    /// Executions whose SQL could not be analysed (their tables are not counted).
    pub queries_unparsed: u64,
    /// Whether every part was read or skipped.
    pub complete: bool,
    /// Parts left out (denied or gone): executions they hold are not counted.
    pub skipped: Vec<PartNote>,
    /// Parts that failed after every retry: executions they hold are not counted.
    pub incomplete: Vec<PartNote>,
}

operator_struct!(
    /// The most queried tables of a workgroup over a window, from the Athena query history
    /// (ReadOnly).
    TablePopularity
);

#[async_trait]
impl Operator for TablePopularity {
    type Input = TablePopularityInput;
    type Output = TablePopularityOutput;
    const NAME: &'static str = "table_popularity";
    const DESCRIPTION: &'static str = "The top N tables by the number of Athena executions that \
        read or wrote them over a window, with reads, writes, bytes scanned and last use.";
    const ACTIONS: &'static [Action] = &[
        actions::athena::LIST_QUERY_EXECUTIONS,
        actions::athena::BATCH_GET_QUERY_EXECUTION,
    ];

    async fn execute(
        &self,
        input: TablePopularityInput,
        _: AccessChecked<Self>,
    ) -> Result<TablePopularityOutput> {
        let top = input.top.unwrap_or(20);
        if !(1..=1000).contains(&top) {
            return Err(Error::invalid("top", "must be between 1 and 1000 (tables)"));
        }
        check_input_workgroup(&input.workgroup)?;
        let window = input_window(&input.since, &input.until)?;
        let scanner = TablePopularityScanner::new(&self.conn, input.workgroup).with_window(window);
        let mut gaps = Gaps::default();
        let mut tables = Vec::new();
        gaps.drain(scanner.scan(), |r| tables.push(r)).await;
        let (total, unparsed) = tables.first().map_or((0, 0), |r: &TablePopularityRecord| {
            (r.queries_total, r.queries_unparsed)
        });
        let tables_total = tables.len() as u64;
        tables.sort_by(|a, b| {
            (b.query_count, b.read_count)
                .cmp(&(a.query_count, a.read_count))
                .then_with(|| a.table.cmp(&b.table))
        });
        tables.truncate(top as usize);
        Ok(TablePopularityOutput {
            tables,
            tables_total,
            queries_total: total,
            queries_unparsed: unparsed,
            complete: gaps.incomplete.is_empty(),
            skipped: gaps.skipped,
            incomplete: gaps.incomplete,
        })
    }
}

/// Input of `who_queried`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhoQueriedInput {
    /// The table or view: `database.table` (Glue Data Catalog), `catalog.database.table`, or
    /// a bare name (the `default` database).
    pub table: String,
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

/// One principal's use of the table.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PrincipalUse {
    /// The principal's ARN (or principal id).
    pub principal: String,
    /// CloudTrail's identity type (`IAMUser`, `AssumedRole`, ...).
    pub principal_type: Option<String>,
    /// Executions of theirs that read or wrote the table.
    pub query_count: u64,
    /// Of which read it.
    pub read_count: u64,
    /// Of which wrote it.
    pub write_count: u64,
    /// Their latest submission time (RFC 3339).
    pub last_queried: Option<String>,
    /// Up to 5 of their query execution ids.
    pub query_execution_ids: Vec<String>,
}

/// How the attribution went, in `who_queried`'s answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttributionStatus {
    /// Every `StartQueryExecution` event of the window was read.
    Complete,
    /// `cloudtrail:LookupEvents` was denied: no execution has a principal. The customer's
    /// policy lacks the CloudTrail statement of the "Glue with Athena query activity and
    /// CloudTrail" scope.
    Denied,
    /// The lookup failed before its end: some executions may lack their principal.
    Incomplete,
}

/// Output of `who_queried`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WhoQueriedOutput {
    /// The table asked about.
    pub table: TableName,
    /// Its principals, the most active first.
    pub principals: Vec<PrincipalUse>,
    /// Executions of the table in the window.
    pub query_count: u64,
    /// Of which have no principal (see `attribution`; CloudTrail also delivers events
    /// minutes late).
    pub queries_unattributed: u64,
    /// How the attribution went.
    pub attribution: AttributionStatus,
    /// Whether every part was read or skipped.
    pub complete: bool,
    /// Parts left out (a denied CloudTrail lookup is one, naming cloudtrail:LookupEvents).
    pub skipped: Vec<PartNote>,
    /// Parts that failed after every retry.
    pub incomplete: Vec<PartNote>,
}

operator_struct!(
    /// Who queried a table over a window: the principals who started the Athena executions
    /// reading or writing it, from CloudTrail's `StartQueryExecution` events (ReadOnly).
    WhoQueried
);

#[async_trait]
impl Operator for WhoQueried {
    type Input = WhoQueriedInput;
    type Output = WhoQueriedOutput;
    const NAME: &'static str = "who_queried";
    const DESCRIPTION: &'static str = "The principals who ran Athena queries reading or writing \
        a table over a window (from CloudTrail StartQueryExecution events); says when CloudTrail \
        attribution was denied.";
    const ACTIONS: &'static [Action] = &[
        actions::cloudtrail::LOOKUP_EVENTS,
        actions::athena::LIST_QUERY_EXECUTIONS,
        actions::athena::BATCH_GET_QUERY_EXECUTION,
    ];

    async fn execute(
        &self,
        input: WhoQueriedInput,
        _: AccessChecked<Self>,
    ) -> Result<WhoQueriedOutput> {
        let table = parse_table(&input.table)?;
        check_input_workgroup(&input.workgroup)?;
        let window = input_window(&input.since, &input.until)?;
        let scanner = QueryActivityScanner::new(&self.conn, input.workgroup)
            .with_window(window)
            .with_cloudtrail(true);
        let mut gaps = Gaps::default();
        let mut by: BTreeMap<String, PrincipalUse> = BTreeMap::new();
        let (mut count, mut unattributed) = (0u64, 0u64);
        let mut status = AttributionStatus::Complete;
        gaps.drain(scanner.scan(), |a| {
            use crate::athena::cloudtrail::Attribution as A;
            match a.attribution {
                A::Denied => status = AttributionStatus::Denied,
                A::LookupIncomplete if status == AttributionStatus::Complete => {
                    status = AttributionStatus::Incomplete
                }
                _ => {}
            }
            let read = a.reads.contains(&table);
            let write = matches!(&a.writes, Some(WriteTarget::Table(t)) if *t == table);
            if !(read || write) {
                return;
            }
            count += 1;
            let Some(p) = a.principal.clone() else {
                unattributed += 1;
                return;
            };
            let u = by.entry(p.clone()).or_insert_with(|| PrincipalUse {
                principal: p,
                principal_type: a.principal_type.clone(),
                query_count: 0,
                read_count: 0,
                write_count: 0,
                last_queried: None,
                query_execution_ids: Vec::new(),
            });
            u.query_count += 1;
            u.read_count += u64::from(read);
            u.write_count += u64::from(write);
            later(&mut u.last_queried, &a.submitted);
            add_example(&mut u.query_execution_ids, &a.query_execution_id);
        })
        .await;
        // A lookup denied or failed before any record came still says so.
        if gaps.skipped.iter().any(|s| {
            s.part.starts_with("cloudtrail:") && s.kind == kind_text(ErrorKind::AccessDenied)
        }) {
            status = AttributionStatus::Denied;
        } else if status == AttributionStatus::Complete
            && gaps
                .incomplete
                .iter()
                .chain(&gaps.skipped)
                .any(|s| s.part.starts_with("cloudtrail:"))
        {
            status = AttributionStatus::Incomplete;
        }
        let mut principals: Vec<PrincipalUse> = by.into_values().collect();
        principals.sort_by(|a, b| {
            b.query_count
                .cmp(&a.query_count)
                .then_with(|| a.principal.cmp(&b.principal))
        });
        Ok(WhoQueriedOutput {
            table,
            principals,
            query_count: count,
            queries_unattributed: unattributed,
            attribution: status,
            complete: gaps.incomplete.is_empty(),
            skipped: gaps.skipped,
            incomplete: gaps.incomplete,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_windows_are_checked_with_the_field_named() {
        assert_eq!(
            parse_table("Sales.Orders").unwrap(),
            TableName::new("awsdatacatalog", "sales", "orders")
        );
        assert_eq!(
            parse_table("hive.web.logs").unwrap(),
            TableName::new("hive", "web", "logs")
        );
        assert_eq!(
            parse_table("orders").unwrap(),
            TableName::new("awsdatacatalog", "default", "orders")
        );
        for bad in ["", "a..b", "a.b.c.d", ".b.c", "a.\nb"] {
            let e = parse_table(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{bad}");
            assert!(e.to_string().contains("table"), "{e}");
        }
        let e = input_window(&Some("yesterday".into()), &None).unwrap_err();
        assert!(e.to_string().contains("since") && e.to_string().contains("RFC 3339"));
        let e = input_window(
            &Some("2024-05-02T00:00:00Z".into()),
            &Some("2024-05-01T00:00:00Z".into()),
        )
        .unwrap_err();
        assert!(e.to_string().contains("until"), "{e}");
        assert!(check_input_workgroup(&Some("a b".into()))
            .unwrap_err()
            .to_string()
            .contains("workgroup"));
    }
}
