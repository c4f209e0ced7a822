//! Data lineage of assets: the lineage node of each asset, with its upstream and downstream
//! nodes and its history; record, scanner, and the operators that read a node and list its
//! history.
//!
//! An asset's node is read with the asset's id as `GetLineageNode`'s `identifier` (the API
//! takes a node id DataZone generated or the node's `sourceIdentifier`); an asset without a
//! lineage node answers `ResourceNotFoundException`, and its part is skipped as vanished.

use crate::assets::Form;
use crate::client::unchecked_datazone_client;
use crate::records::{time, Origin};
use crate::scan::{kind_scanner, DataZoneRecord, RecordItem, RecordStream, ScanContext};
use crate::validate::{check_domain_id, check_node_id, check_page, check_timestamp};
use async_trait::async_trait;
use aws_sdk_datazone::operation::get_lineage_node::GetLineageNodeOutput;
use aws_sdk_datazone::types::{self as dz, InventorySearchScope};
use chicory_aws_core::scan::{paged, read, Page, Part, ScanStream, ScanStreamExt};
use chicory_aws_core::{actions, operator_struct, AccessChecked, Action, Error, Operator, Result};
use chicory_aws_core::{Connection, ScanItem};
use futures::StreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A reference to another lineage node (upstream or downstream), as of an event.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LineageNodeRef {
    /// The node's id.
    pub node_id: Option<String>,
    /// The event that linked it (RFC 3339).
    pub event_timestamp: Option<String>,
}

impl From<&dz::LineageNodeReference> for LineageNodeRef {
    fn from(r: &dz::LineageNodeReference) -> Self {
        LineageNodeRef {
            node_id: r.id.clone(),
            event_timestamp: time(r.event_timestamp.as_ref()),
        }
    }
}

/// One version of a lineage node (`ListLineageNodeHistory`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LineageNodeVersion {
    /// The node's id.
    pub node_id: String,
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Node type, e.g. `amazon.datazone.GlueTableAssetType`.
    pub type_name: String,
    /// Node type revision.
    pub type_revision: Option<String>,
    /// The node's alternate id (e.g. the Glue table ARN).
    pub source_identifier: Option<String>,
    /// The event of this version (RFC 3339).
    pub event_timestamp: Option<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Who updated it.
    pub updated_by: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
}

impl From<&dz::LineageNodeSummary> for LineageNodeVersion {
    fn from(n: &dz::LineageNodeSummary) -> Self {
        LineageNodeVersion {
            node_id: n.id.clone(),
            name: n.name.clone(),
            description: n.description.clone(),
            type_name: n.type_name.clone(),
            type_revision: n.type_revision.clone(),
            source_identifier: n.source_identifier.clone(),
            event_timestamp: time(n.event_timestamp.as_ref()),
            created_by: n.created_by.clone(),
            created_at: time(n.created_at.as_ref()),
            updated_by: n.updated_by.clone(),
            updated_at: time(n.updated_at.as_ref()),
        }
    }
}

/// A DataZone data lineage node: an asset's node in scans, with its upstream and downstream
/// nodes and its history.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename = "datazone_lineage_node")]
pub struct LineageNodeRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// The asset whose node this is (scans); `None` when the node was read by its own
    /// identifier ([`GetLineageNode`]).
    pub asset_id: Option<String>,
    /// The node's id.
    pub node_id: String,
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Node type, e.g. `amazon.datazone.GlueTableAssetType`.
    pub type_name: String,
    /// Node type revision.
    pub type_revision: Option<String>,
    /// The node's alternate id (e.g. the Glue table ARN).
    pub source_identifier: Option<String>,
    /// The event of this version of the node (RFC 3339).
    pub event_timestamp: Option<String>,
    /// The node's forms.
    pub forms: Vec<Form>,
    /// The nodes this one is derived from.
    pub upstream_nodes: Vec<LineageNodeRef>,
    /// The nodes derived from this one.
    pub downstream_nodes: Vec<LineageNodeRef>,
    /// Who created it.
    pub created_by: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Who updated it.
    pub updated_by: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
    /// The node's versions (`ListLineageNodeHistory`), in scans; `None` if not asked for (the
    /// operator), or unread: then the scan has a skipped or incomplete
    /// `datazone:ListLineageNodeHistory` part for this node beside the record (never a partial
    /// or empty list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<LineageNodeVersion>>,
}

impl LineageNodeRecord {
    pub(crate) fn new(origin: &Origin, asset_id: Option<String>, n: &GetLineageNodeOutput) -> Self {
        LineageNodeRecord {
            origin: origin.clone(),
            domain_id: n.domain_id.clone(),
            asset_id,
            node_id: n.id.clone(),
            name: n.name.clone(),
            description: n.description.clone(),
            type_name: n.type_name.clone(),
            type_revision: n.type_revision.clone(),
            source_identifier: n.source_identifier.clone(),
            event_timestamp: time(n.event_timestamp.as_ref()),
            forms: n.forms_output.iter().flatten().map(Into::into).collect(),
            upstream_nodes: n.upstream_nodes.iter().flatten().map(Into::into).collect(),
            downstream_nodes: n
                .downstream_nodes
                .iter()
                .flatten()
                .map(Into::into)
                .collect(),
            created_by: n.created_by.clone(),
            created_at: time(n.created_at.as_ref()),
            updated_by: n.updated_by.clone(),
            updated_at: time(n.updated_at.as_ref()),
            history: None,
        }
    }
}

impl ScanContext {
    /// The lineage node of each asset of a domain (`Search` scope `ASSET`, then
    /// `GetLineageNode` and `ListLineageNodeHistory`).
    pub(crate) fn lineage_nodes(self: &Arc<Self>, domain: String) -> RecordStream {
        let context = self.clone();
        self.search_ids(domain, InventorySearchScope::Asset)
            .then_records(self.concurrency, move |(domain, asset)| {
                let context = context.clone();
                async move { context.lineage_node(domain, asset).await }
            })
    }

    /// One asset's node: its record, and the outcome of its history when it could not be read
    /// (the record's `history` is then `None`, never a partial or empty list).
    async fn lineage_node(&self, domain: String, asset: String) -> Vec<RecordItem> {
        let part = Part::new(
            actions::datazone::GET_LINEAGE_NODE,
            format!("domain={domain} asset={asset}"),
        );
        let out = read(&part, self.retry, || {
            self.client
                .get_lineage_node()
                .domain_identifier(&domain)
                .identifier(&asset)
                .send()
        })
        .await;
        let mut record = match out {
            Ok(out) => LineageNodeRecord::new(&self.origin, Some(asset), &out),
            Err(outcome) => return vec![outcome.map(ScanItem::Skipped)],
        };
        let mut items = Vec::new();
        let mut history = Vec::new();
        let mut listing = self.lineage_history(domain, record.node_id.clone());
        while let Some(item) = listing.next().await {
            match item {
                Ok(ScanItem::Record(v)) => history.push(v),
                Ok(ScanItem::Skipped(s)) => items.push(Ok(ScanItem::Skipped(s))),
                Err(e) => items.push(Err(e)),
            }
        }
        // Denied, vanished or incomplete: the field stays unread (`None`, not the pages read
        // so far), and the part's outcome goes beside the record.
        record.history = items.is_empty().then_some(history);
        items.insert(
            0,
            Ok(ScanItem::Record(DataZoneRecord::LineageNode(Box::new(
                record,
            )))),
        );
        items
    }

    /// The versions of one lineage node (`ListLineageNodeHistory`).
    fn lineage_history(&self, domain: String, node: String) -> ScanStream<LineageNodeVersion> {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(
            actions::datazone::LIST_LINEAGE_NODE_HISTORY,
            format!("domain={domain} node={node}"),
        );
        paged(part, self.retry, move |token| {
            let req = client
                .list_lineage_node_history()
                .domain_identifier(&domain)
                .identifier(&node)
                .set_max_results(size)
                .set_next_token(token);
            async move {
                req.send().await.map(|p| {
                    let versions = p.nodes.iter().flatten().map(LineageNodeVersion::from);
                    Page::new(versions.collect(), p.next_token)
                })
            }
        })
    }
}

kind_scanner!(
    /// Scans the data lineage node of each asset (`Search` with scope `ASSET`, then
    /// `GetLineageNode` with the asset's id, and the node's history with
    /// `ListLineageNodeHistory`).
    LineageNodeScanner, LineageNode, LineageNodeRecord, "datazone_lineage_nodes",
    [actions::datazone::SEARCH, actions::datazone::GET_LINEAGE_NODE,
     actions::datazone::LIST_LINEAGE_NODE_HISTORY]
);

/// Input of [`GetLineageNode`].
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetLineageNodeInput {
    /// Domain id (`dzd_...`).
    pub domain_id: String,
    /// The node: DataZone's node id, an asset's id, or the node's source identifier (e.g. a
    /// Glue table ARN); 1 to 2086 characters.
    pub identifier: String,
    /// The node as of this event (RFC 3339); default: the latest.
    #[serde(default)]
    pub event_timestamp: Option<String>,
}

operator_struct!(
    /// Reads one data lineage node with its upstream and downstream nodes (ReadOnly).
    GetLineageNode
);

#[async_trait]
impl Operator for GetLineageNode {
    type Input = GetLineageNodeInput;
    type Output = LineageNodeRecord;
    const NAME: &'static str = "datazone_get_lineage_node";
    const DESCRIPTION: &'static str =
        "Reads one Amazon DataZone data lineage node (by node id, asset id or source identifier) with its upstream and downstream nodes.";
    const ACTIONS: &'static [Action] = &[actions::datazone::GET_LINEAGE_NODE];

    async fn execute(
        &self,
        input: GetLineageNodeInput,
        _: AccessChecked<Self>,
    ) -> Result<LineageNodeRecord> {
        check_domain_id("domain_id", &input.domain_id)?;
        check_node_id("identifier", &input.identifier)?;
        let at = check_timestamp("event_timestamp", input.event_timestamp.as_deref())?;
        let out = unchecked_datazone_client(&self.conn)
            .get_lineage_node()
            .domain_identifier(&input.domain_id)
            .identifier(&input.identifier)
            .set_event_timestamp(at)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::GET_LINEAGE_NODE)
                    .with_resource(format!("{}/{}", input.domain_id, input.identifier))
            })?;
        Ok(LineageNodeRecord::new(&Origin::of(&self.conn), None, &out))
    }
}

/// Input of [`ListLineageNodeHistory`].
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListLineageNodeHistoryInput {
    /// Domain id (`dzd_...`).
    pub domain_id: String,
    /// The node: DataZone's node id or its source identifier.
    pub identifier: String,
    /// Only versions at or after this time (RFC 3339).
    #[serde(default)]
    pub after: Option<String>,
    /// Only versions at or before this time (RFC 3339).
    #[serde(default)]
    pub before: Option<String>,
    /// Page size (1..=50).
    #[serde(default)]
    pub max_results: Option<i32>,
    /// Token of the next page, from a previous output.
    #[serde(default)]
    pub next_token: Option<String>,
}

/// Output of [`ListLineageNodeHistory`].
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ListLineageNodeHistoryOutput {
    /// The versions of this page.
    pub versions: Vec<LineageNodeVersion>,
    /// Token of the next page.
    pub next_token: Option<String>,
}

operator_struct!(
    /// Lists the versions of a data lineage node (ReadOnly).
    ListLineageNodeHistory
);

#[async_trait]
impl Operator for ListLineageNodeHistory {
    type Input = ListLineageNodeHistoryInput;
    type Output = ListLineageNodeHistoryOutput;
    const NAME: &'static str = "datazone_list_lineage_node_history";
    const DESCRIPTION: &'static str =
        "Lists the versions of an Amazon DataZone data lineage node over time, a page at a time.";
    const ACTIONS: &'static [Action] = &[actions::datazone::LIST_LINEAGE_NODE_HISTORY];

    async fn execute(
        &self,
        input: ListLineageNodeHistoryInput,
        _: AccessChecked<Self>,
    ) -> Result<ListLineageNodeHistoryOutput> {
        list_history(&self.conn, input).await
    }
}

async fn list_history(
    conn: &Connection,
    input: ListLineageNodeHistoryInput,
) -> Result<ListLineageNodeHistoryOutput> {
    check_domain_id("domain_id", &input.domain_id)?;
    check_node_id("identifier", &input.identifier)?;
    let after = check_timestamp("after", input.after.as_deref())?;
    let before = check_timestamp("before", input.before.as_deref())?;
    if let (Some(a), Some(b)) = (&after, &before) {
        if a > b {
            return Err(Error::invalid("after", "must not be later than before"));
        }
    }
    check_page("max_results", input.max_results)?;
    let out = unchecked_datazone_client(conn)
        .list_lineage_node_history()
        .domain_identifier(&input.domain_id)
        .identifier(&input.identifier)
        .set_event_timestamp_gte(after)
        .set_event_timestamp_lte(before)
        .set_max_results(input.max_results)
        .set_next_token(input.next_token)
        .send()
        .await
        .map_err(|e| {
            Error::from_sdk(e, actions::datazone::LIST_LINEAGE_NODE_HISTORY)
                .with_resource(format!("{}/{}", input.domain_id, input.identifier))
        })?;
    Ok(ListLineageNodeHistoryOutput {
        versions: out.nodes.iter().flatten().map(Into::into).collect(),
        next_token: out.next_token,
    })
}

chicory_aws_core::record_kind!(
    LineageNodeRecord => "datazone_lineage_node",
);
