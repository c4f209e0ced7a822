//! Metadata form types: record and scanner.

use crate::records::{time, Origin};
use crate::scan::{kind_scanner, pick_items, DataZoneRecord, RecordStream, ScanContext};
use aws_sdk_datazone::types::{self as dz, SearchTypesResultItem, TypesSearchScope};
use chicory_aws_core::actions;
use chicory_aws_core::scan::{paged, Page, Part, ScanStreamExt};
use futures::stream::{self, StreamExt};
use serde::Serialize;

/// A DataZone metadata form type.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_form_type")]
pub struct FormTypeRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Form type name.
    pub name: String,
    /// Revision.
    pub revision: String,
    /// Description.
    pub description: Option<String>,
    /// `ENABLED` / `DISABLED`.
    pub status: Option<String>,
    /// Owning project.
    pub owning_project_id: Option<String>,
    /// Smithy model of the form.
    pub model: Option<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
}

impl FormTypeRecord {
    pub(crate) fn new(origin: &Origin, f: &dz::FormTypeData) -> Self {
        FormTypeRecord {
            origin: origin.clone(),
            domain_id: f.domain_id.clone(),
            name: f.name.clone(),
            revision: f.revision.clone(),
            description: f.description.clone(),
            status: f.status.as_ref().map(|s| s.as_str().to_owned()),
            owning_project_id: f.owning_project_id.clone(),
            model: f.model.as_ref().and_then(|m| m.as_smithy().ok().cloned()),
            created_by: f.created_by.clone(),
            created_at: time(f.created_at.as_ref()),
        }
    }
}

impl ScanContext {
    /// The domain's form types (`SearchTypes`), its own then, if asked, the managed ones.
    pub(crate) fn form_types(&self, domain: String) -> RecordStream {
        let mut managed = vec![false];
        if self.options.managed_form_types {
            managed.push(true);
        }
        let parts: Vec<RecordStream> = managed
            .into_iter()
            .map(|m| {
                let (client, size) = (self.client.clone(), self.options.page_size);
                let domain = domain.clone();
                let part = Part::new(
                    actions::datazone::SEARCH_TYPES,
                    format!("domain={domain} scope=FORM_TYPE managed={m}"),
                );
                let origin = self.origin.clone();
                paged(part, self.retry, move |token| {
                    let req = client
                        .search_types()
                        .domain_identifier(&domain)
                        .search_scope(TypesSearchScope::FormType)
                        .managed(m)
                        .set_max_results(size)
                        .set_next_token(token);
                    async move {
                        req.send().await.map(|p| {
                            let forms = pick_items(p.items, |i| match i {
                                SearchTypesResultItem::FormTypeItem(f) => Some(f),
                                _ => None,
                            });
                            Page::new(forms, p.next_token)
                        })
                    }
                })
                .map_records(move |f| DataZoneRecord::FormType(FormTypeRecord::new(&origin, &f)))
            })
            .collect();
        stream::iter(parts).flatten().boxed()
    }
}

kind_scanner!(
    /// Scans metadata form types (`SearchTypes` with scope `FORM_TYPE`).
    FormTypeScanner, FormType, FormTypeRecord, "datazone_form_types",
    [actions::datazone::SEARCH_TYPES]
);

chicory_aws_core::record_kind!(
    FormTypeRecord => "datazone_form_type",
);
