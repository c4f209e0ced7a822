//! The walk over a parsed statement: its kind, the tables it reads (CTE scopes respected), its
//! write target and its direct column mappings.

use super::{
    resolve, ColumnEdge, QueryAnalysis, QueryContext, StatementKind, TableName, WriteTarget,
};
use sqlparser::ast::{
    Expr, FromTable, ObjectName, ObjectType, Query, Select, SelectItem, SetExpr, Statement,
    TableFactor, TableObject, Visit, Visitor,
};
use std::collections::BTreeSet;
use std::ops::ControlFlow;

pub(super) fn analyze_statement(statement: &Statement, ctx: &QueryContext) -> QueryAnalysis {
    // `WITH ... INSERT/UPDATE/DELETE/MERGE` parses as a query whose body is the statement.
    let effective = match statement {
        Statement::Query(q) => match q.body.as_ref() {
            SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) | SetExpr::Merge(s) => s,
            _ => statement,
        },
        _ => statement,
    };
    let (kind, target, skip) = classify(effective);
    let writes = target.map(|t| match t {
        Target::Table(name) => WriteTarget::Table(resolve(name, ctx)),
        Target::Location(uri) => WriteTarget::Location(uri),
    });

    let mut reads = Reads {
        ctx,
        frames: Vec::new(),
        skip,
        tables: BTreeSet::new(),
    };
    let _ = statement.visit(&mut reads);

    let columns = match &writes {
        Some(WriteTarget::Table(_)) => {
            // The CTEs of a `WITH ... INSERT` are in scope of the insert's query.
            let outer_ctes = match statement {
                Statement::Query(q) => cte_names(q),
                _ => Vec::new(),
            };
            column_edges(effective, &outer_ctes, ctx)
        }
        _ => Vec::new(),
    };
    QueryAnalysis {
        kind,
        reads: reads.tables.into_iter().collect(),
        writes,
        columns,
    }
}

enum Target<'a> {
    Table(&'a ObjectName),
    Location(String),
}

/// The kind, the write target, and the table factors that are the write target (not reads).
fn classify(statement: &Statement) -> (StatementKind, Option<Target<'_>>, Vec<*const TableFactor>) {
    use StatementKind as K;
    let table = |name| Some(Target::Table(name));
    match statement {
        Statement::Query(_) => (K::Select, None, vec![]),
        Statement::Insert(insert) => match &insert.table {
            TableObject::TableName(name) => (K::Insert, table(name), vec![]),
            _ => (K::Insert, None, vec![]),
        },
        Statement::CreateTable(ct) if ct.query.is_some() => {
            (K::CreateTableAs, table(&ct.name), vec![])
        }
        Statement::CreateTable(ct) => (K::Ddl, table(&ct.name), vec![]),
        Statement::CreateView(cv) => (K::CreateView, table(&cv.name), vec![]),
        Statement::Unload { to, .. } => {
            (K::Unload, Some(Target::Location(to.value.clone())), vec![])
        }
        Statement::Merge(merge) => (
            K::Merge,
            factor_name(&merge.table).map(Target::Table),
            vec![&merge.table as *const _],
        ),
        Statement::Update(update) => {
            let relation = &update.table.relation;
            (
                K::Update,
                factor_name(relation).map(Target::Table),
                vec![relation as *const _],
            )
        }
        Statement::Delete(delete) => {
            let from = match &delete.from {
                FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f,
            };
            match (delete.tables.first(), from.first()) {
                (Some(name), _) => (K::Delete, table(name), vec![]),
                (None, Some(first)) => (
                    K::Delete,
                    factor_name(&first.relation).map(Target::Table),
                    vec![&first.relation as *const _],
                ),
                (None, None) => (K::Delete, None, vec![]),
            }
        }
        Statement::AlterTable(alter) => (K::Ddl, table(&alter.name), vec![]),
        Statement::AlterView(alter) => (K::Ddl, table(&alter.name), vec![]),
        Statement::Msck(msck) => (K::Ddl, table(&msck.table_name), vec![]),
        Statement::Truncate(t) => (
            K::Ddl,
            t.table_names.first().map(|t| Target::Table(&t.name)),
            vec![],
        ),
        Statement::Drop {
            object_type, names, ..
        } => match object_type {
            ObjectType::Table | ObjectType::View | ObjectType::MaterializedView => {
                (K::Ddl, names.first().map(Target::Table), vec![])
            }
            _ => (K::Ddl, None, vec![]),
        },
        Statement::OptimizeTable { name, .. } => (K::Ddl, table(name), vec![]),
        Statement::Vacuum(v) => (K::Ddl, v.table_name.as_ref().map(Target::Table), vec![]),
        Statement::RenameTable(_)
        | Statement::CreateSchema { .. }
        | Statement::CreateDatabase { .. }
        | Statement::AlterSchema(_)
        | Statement::CreateFunction(_)
        | Statement::DropFunction(_)
        | Statement::Comment { .. }
        | Statement::CreateIndex(_)
        | Statement::Analyze(_) => (K::Ddl, None, vec![]),
        Statement::Explain { .. }
        | Statement::ExplainTable { .. }
        | Statement::ShowFunctions { .. }
        | Statement::ShowVariable { .. }
        | Statement::ShowStatus { .. }
        | Statement::ShowVariables { .. }
        | Statement::ShowCreate { .. }
        | Statement::ShowColumns { .. }
        | Statement::ShowCatalogs { .. }
        | Statement::ShowDatabases { .. }
        | Statement::ShowSchemas { .. }
        | Statement::ShowObjects(_)
        | Statement::ShowTables { .. }
        | Statement::ShowViews { .. }
        | Statement::Use(_)
        | Statement::Prepare { .. }
        | Statement::Execute { .. }
        | Statement::Deallocate { .. }
        | Statement::Set(_) => (K::Utility, None, vec![]),
        _ => (K::Other, None, vec![]),
    }
}

fn factor_name(factor: &TableFactor) -> Option<&ObjectName> {
    match factor {
        TableFactor::Table {
            name, args: None, ..
        } => Some(name),
        _ => None,
    }
}

/// One query's CTE scope: the names visible so far, and the CTE bodies still to come.
struct Frame {
    visible: Vec<String>,
    pending: Vec<(*const Query, String)>,
}

/// Collects the tables of `FROM`-like positions, skipping CTE references and the write target.
struct Reads<'a> {
    ctx: &'a QueryContext,
    frames: Vec<Frame>,
    skip: Vec<*const TableFactor>,
    tables: BTreeSet<TableName>,
}

impl Reads<'_> {
    fn is_cte(&self, name: &ObjectName) -> bool {
        let [part] = name.0.as_slice() else {
            return false;
        };
        let Some(ident) = part.as_ident() else {
            return false;
        };
        let name = ident.value.to_lowercase();
        self.frames.iter().any(|f| f.visible.contains(&name))
    }

    fn read(&mut self, name: &ObjectName) {
        if !self.is_cte(name) {
            self.tables.insert(resolve(name, self.ctx));
        }
    }

    /// `TABLE t` (a query body naming a table) inside set operations.
    fn set_expr_tables(&mut self, body: &SetExpr) {
        match body {
            SetExpr::Table(t) => {
                if let Some(table) = &t.table_name {
                    let mut parts = Vec::new();
                    if let Some(schema) = &t.schema_name {
                        parts.push(schema.clone());
                    }
                    parts.push(table.clone());
                    self.read(&ObjectName::from(parts));
                }
            }
            SetExpr::SetOperation { left, right, .. } => {
                self.set_expr_tables(left);
                self.set_expr_tables(right);
            }
            _ => {}
        }
    }
}

impl Visitor for Reads<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        let mut frame = Frame {
            visible: Vec::new(),
            pending: Vec::new(),
        };
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                let name = cte.alias.name.value.to_lowercase();
                if with.recursive {
                    frame.visible.push(name);
                } else {
                    // Visible from the next CTE body on: see `post_visit_query`.
                    frame.pending.push((&*cte.query as *const Query, name));
                }
            }
        }
        self.frames.push(frame);
        self.set_expr_tables(&query.body);
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        self.frames.pop();
        // The body of a CTE is done: its name is visible to the rest of the enclosing query.
        if let Some(parent) = self.frames.last_mut() {
            if let Some(i) = parent
                .pending
                .iter()
                .position(|(body, _)| std::ptr::eq(*body, query))
            {
                let (_, name) = parent.pending.remove(i);
                parent.visible.push(name);
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if self.skip.iter().any(|s| std::ptr::eq(*s, factor)) {
            return ControlFlow::Continue(());
        }
        if let Some(name) = factor_name(factor) {
            self.read(name);
        }
        ControlFlow::Continue(())
    }
}

/// Direct column mappings of INSERT (with a column list), CTAS and CREATE VIEW; see
/// [`ColumnEdge`].
fn column_edges(
    statement: &Statement,
    outer_ctes: &[String],
    ctx: &QueryContext,
) -> Vec<ColumnEdge> {
    let (query, targets): (&Query, Vec<String>) = match statement {
        Statement::Insert(insert) => match &insert.source {
            Some(source) if !insert.columns.is_empty() => (
                source,
                insert
                    .columns
                    .iter()
                    .map(|c| last_part(c).unwrap_or_default())
                    .collect(),
            ),
            _ => return Vec::new(),
        },
        Statement::CreateTable(ct) => match &ct.query {
            Some(q) => (
                q,
                ct.columns
                    .iter()
                    .map(|c| c.name.value.to_lowercase())
                    .collect(),
            ),
            None => return Vec::new(),
        },
        Statement::CreateView(cv) => (
            &cv.query,
            cv.columns
                .iter()
                .map(|c| c.name.value.to_lowercase())
                .collect(),
        ),
        _ => return Vec::new(),
    };
    let SetExpr::Select(select) = query.body.as_ref() else {
        return Vec::new();
    };
    let mut ctes = cte_names(query);
    ctes.extend_from_slice(outer_ctes);
    let sources = from_sources(select, &ctes, ctx);
    let mut edges = BTreeSet::new();
    for (i, item) in select.projection.iter().enumerate() {
        let (expr, alias) = match item {
            SelectItem::UnnamedExpr(e) => (e, None),
            SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value.to_lowercase())),
            // After a `*` the positions of the target columns are unknown.
            _ => break,
        };
        let Some((qualifier, column)) = column_ref(expr) else {
            continue;
        };
        let target = if targets.is_empty() {
            alias.unwrap_or_else(|| column.clone())
        } else {
            match targets.get(i) {
                Some(t) => t.clone(),
                None => break,
            }
        };
        if let Some(source_table) = source_of(&sources, qualifier.as_deref()) {
            edges.insert(ColumnEdge {
                source_table,
                source_column: column,
                target_column: target,
            });
        }
    }
    edges.into_iter().collect()
}

/// A `FROM` item of a select: the names it answers to (alias, or the table's name and its
/// qualified forms) and the table, if it is a table (not a CTE, subquery or UNNEST).
struct Source {
    names: Vec<String>,
    table: Option<TableName>,
}

fn from_sources(select: &Select, ctes: &[String], ctx: &QueryContext) -> Vec<Source> {
    let factors = select.from.iter().flat_map(|twj| {
        std::iter::once(&twj.relation).chain(twj.joins.iter().map(|j| &j.relation))
    });
    factors
        .map(|factor| {
            let alias = match factor {
                TableFactor::Table { alias, .. }
                | TableFactor::Derived { alias, .. }
                | TableFactor::UNNEST { alias, .. } => {
                    alias.as_ref().map(|a| a.name.value.to_lowercase())
                }
                _ => None,
            };
            let table = factor_name(factor).and_then(|name| {
                let is_cte =
                    name.0.len() == 1 && last_part(name).is_some_and(|n| ctes.contains(&n));
                (!is_cte).then(|| resolve(name, ctx))
            });
            let names = match (alias, &table) {
                (Some(alias), _) => vec![alias],
                (None, Some(t)) => vec![
                    t.table.clone(),
                    format!("{}.{}", t.database, t.table),
                    t.to_string(),
                ],
                (None, None) => vec![],
            };
            Source { names, table }
        })
        .collect()
}

/// The table a column reference reads: by its qualifier, or the only `FROM` item when
/// unqualified.
fn source_of(sources: &[Source], qualifier: Option<&str>) -> Option<TableName> {
    match qualifier {
        Some(q) => sources
            .iter()
            .find(|s| s.names.iter().any(|n| n == q))
            .and_then(|s| s.table.clone()),
        None => match sources {
            [only] => only.table.clone(),
            _ => None,
        },
    }
}

/// `c` or `q.c` / `db.t.c`: the qualifier (lower-cased, dot-joined) and the column.
fn column_ref(expr: &Expr) -> Option<(Option<String>, String)> {
    match expr {
        Expr::Identifier(ident) => Some((None, ident.value.to_lowercase())),
        Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
            let (column, qualifier) = parts.split_last()?;
            let qualifier = qualifier
                .iter()
                .map(|p| p.value.to_lowercase())
                .collect::<Vec<_>>()
                .join(".");
            Some((Some(qualifier), column.value.to_lowercase()))
        }
        Expr::Nested(inner) => column_ref(inner),
        _ => None,
    }
}

fn cte_names(query: &Query) -> Vec<String> {
    query
        .with
        .iter()
        .flat_map(|w| {
            w.cte_tables
                .iter()
                .map(|c| c.alias.name.value.to_lowercase())
        })
        .collect()
}

fn last_part(name: &ObjectName) -> Option<String> {
    name.0
        .last()
        .and_then(|p| p.as_ident())
        .map(|i| i.value.to_lowercase())
}
