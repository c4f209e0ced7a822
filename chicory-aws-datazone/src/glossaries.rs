//! Business glossaries and their terms: records, scanners, and the operators that read them.

use crate::client::unchecked_datazone_client;
use crate::operate::ResourceRef;
use crate::records::{time, Origin};
use crate::scan::{kind_scanner, DataZoneRecord, RecordStream, ScanContext};
use async_trait::async_trait;
use aws_sdk_datazone::types::InventorySearchScope;
use chicory_aws_core::{actions, operator_struct, AccessChecked, Action, Error, Operator, Result};
use serde::Serialize;
use std::sync::Arc;

/// A DataZone business glossary.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_glossary")]
pub struct GlossaryRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Glossary id.
    pub glossary_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// `ENABLED` / `DISABLED`.
    pub status: String,
    /// Owning project.
    pub owning_project_id: String,
    /// Who created it.
    pub created_by: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Who updated it.
    pub updated_by: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
}

impl GlossaryRecord {
    pub(crate) fn new(
        origin: &Origin,
        g: &aws_sdk_datazone::operation::get_glossary::GetGlossaryOutput,
    ) -> Self {
        GlossaryRecord {
            origin: origin.clone(),
            domain_id: g.domain_id.clone(),
            glossary_id: g.id.clone(),
            name: g.name.clone(),
            description: g.description.clone(),
            status: g.status.as_str().to_owned(),
            owning_project_id: g.owning_project_id.clone(),
            created_by: g.created_by.clone(),
            created_at: time(g.created_at.as_ref()),
            updated_by: g.updated_by.clone(),
            updated_at: time(g.updated_at.as_ref()),
        }
    }
}

/// A DataZone glossary term.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_glossary_term")]
pub struct GlossaryTermRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Glossary id.
    pub glossary_id: String,
    /// Term id.
    pub term_id: String,
    /// Name.
    pub name: String,
    /// Short description.
    pub short_description: Option<String>,
    /// Long description.
    pub long_description: Option<String>,
    /// `ENABLED` / `DISABLED`.
    pub status: String,
    /// Terms this one is a kind of (`isA`).
    pub is_a: Vec<String>,
    /// Terms this one classifies.
    pub classifies: Vec<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Who updated it.
    pub updated_by: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
}

impl GlossaryTermRecord {
    pub(crate) fn new(
        origin: &Origin,
        t: &aws_sdk_datazone::operation::get_glossary_term::GetGlossaryTermOutput,
    ) -> Self {
        GlossaryTermRecord {
            origin: origin.clone(),
            domain_id: t.domain_id.clone(),
            glossary_id: t.glossary_id.clone(),
            term_id: t.id.clone(),
            name: t.name.clone(),
            short_description: t.short_description.clone(),
            long_description: t.long_description.clone(),
            status: t.status.as_str().to_owned(),
            is_a: t
                .term_relations
                .as_ref()
                .and_then(|r| r.is_a.clone())
                .unwrap_or_default(),
            classifies: t
                .term_relations
                .as_ref()
                .and_then(|r| r.classifies.clone())
                .unwrap_or_default(),
            created_by: t.created_by.clone(),
            created_at: time(t.created_at.as_ref()),
            updated_by: t.updated_by.clone(),
            updated_at: time(t.updated_at.as_ref()),
        }
    }
}

impl ScanContext {
    /// Glossaries of a domain (`Search` scope `GLOSSARY`), each read (`GetGlossary`).
    pub(crate) fn glossaries(self: &Arc<Self>, domain: String) -> RecordStream {
        self.read_each(
            self.search_ids(domain, InventorySearchScope::Glossary),
            actions::datazone::GET_GLOSSARY,
            "glossary",
            |client, domain, id| {
                client
                    .get_glossary()
                    .domain_identifier(domain)
                    .identifier(id)
                    .send()
            },
            |origin, g| DataZoneRecord::Glossary(GlossaryRecord::new(origin, &g)),
        )
    }

    /// Glossary terms of a domain (`Search` scope `GLOSSARY_TERM`), each read
    /// (`GetGlossaryTerm`).
    pub(crate) fn glossary_terms(self: &Arc<Self>, domain: String) -> RecordStream {
        self.read_each(
            self.search_ids(domain, InventorySearchScope::GlossaryTerm),
            actions::datazone::GET_GLOSSARY_TERM,
            "term",
            |client, domain, id| {
                client
                    .get_glossary_term()
                    .domain_identifier(domain)
                    .identifier(id)
                    .send()
            },
            |origin, t| DataZoneRecord::GlossaryTerm(GlossaryTermRecord::new(origin, &t)),
        )
    }
}

kind_scanner!(
    /// Scans business glossaries (`Search` with scope `GLOSSARY`, then `GetGlossary`).
    GlossaryScanner, Glossary, GlossaryRecord, "datazone_glossaries",
    [actions::datazone::SEARCH, actions::datazone::GET_GLOSSARY]
);
kind_scanner!(
    /// Scans glossary terms (`Search` with scope `GLOSSARY_TERM`, then `GetGlossaryTerm`).
    GlossaryTermScanner, GlossaryTerm, GlossaryTermRecord,
    "datazone_glossary_terms",
    [actions::datazone::SEARCH, actions::datazone::GET_GLOSSARY_TERM]
);

operator_struct!(
    /// Reads one business glossary (ReadOnly).
    GetGlossary
);

#[async_trait]
impl Operator for GetGlossary {
    type Input = ResourceRef;
    type Output = GlossaryRecord;
    const NAME: &'static str = "datazone_get_glossary";
    const DESCRIPTION: &'static str = "Reads one Amazon DataZone business glossary.";
    const ACTIONS: &'static [Action] = &[actions::datazone::GET_GLOSSARY];

    async fn execute(&self, input: ResourceRef, _: AccessChecked<Self>) -> Result<GlossaryRecord> {
        input.check()?;
        let out = unchecked_datazone_client(&self.conn)
            .get_glossary()
            .domain_identifier(&input.domain_id)
            .identifier(&input.id)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::GET_GLOSSARY).with_resource(input.resource())
            })?;
        Ok(GlossaryRecord::new(&Origin::of(&self.conn), &out))
    }
}

operator_struct!(
    /// Reads one glossary term (ReadOnly).
    GetGlossaryTerm
);

#[async_trait]
impl Operator for GetGlossaryTerm {
    type Input = ResourceRef;
    type Output = GlossaryTermRecord;
    const NAME: &'static str = "datazone_get_glossary_term";
    const DESCRIPTION: &'static str = "Reads one Amazon DataZone glossary term.";
    const ACTIONS: &'static [Action] = &[actions::datazone::GET_GLOSSARY_TERM];

    async fn execute(
        &self,
        input: ResourceRef,
        _: AccessChecked<Self>,
    ) -> Result<GlossaryTermRecord> {
        input.check()?;
        let out = unchecked_datazone_client(&self.conn)
            .get_glossary_term()
            .domain_identifier(&input.domain_id)
            .identifier(&input.id)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::GET_GLOSSARY_TERM)
                    .with_resource(input.resource())
            })?;
        Ok(GlossaryTermRecord::new(&Origin::of(&self.conn), &out))
    }
}

chicory_aws_core::record_kind!(
    GlossaryRecord => "datazone_glossary",
    GlossaryTermRecord => "datazone_glossary_term",
);
