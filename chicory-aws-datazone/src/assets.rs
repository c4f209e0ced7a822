//! Assets (inventory) with their forms and revisions: records, scanner, and the operators that
//! read, create, revise and delete them.

use crate::client::unchecked_datazone_client;
use crate::operate::{build_error, DeleteInput, Deleted, ResourceRef};
use crate::records::{time, Origin};
use crate::scan::{kind_scanner, DataZoneRecord, RecordItem, RecordStream, ScanContext};
use crate::validate::{check_domain_id, check_id, check_name, check_page, check_text};
use async_trait::async_trait;
use aws_sdk_datazone::types::{self as dz, InventorySearchScope};
use chicory_aws_core::scan::{paged, read, Page, Part, ScanStream, ScanStreamExt};
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Connection, Error, Operator, Result, ScanItem,
};
use futures::StreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A metadata form attached to an asset.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Form {
    /// Form name.
    pub form_name: String,
    /// Form type, e.g. `amazon.datazone.GlueTableFormType`.
    pub type_name: Option<String>,
    /// Form type revision.
    pub type_revision: Option<String>,
    /// The form content (a JSON document as text).
    pub content: Option<String>,
}

impl From<&dz::FormOutput> for Form {
    fn from(f: &dz::FormOutput) -> Self {
        Form {
            form_name: f.form_name.clone(),
            type_name: f.type_name.clone(),
            type_revision: f.type_revision.clone(),
            content: f.content.clone(),
        }
    }
}

/// One revision of an asset.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AssetRevisionRecord {
    /// Revision number.
    pub revision: Option<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
}

impl From<&dz::AssetRevision> for AssetRevisionRecord {
    fn from(r: &dz::AssetRevision) -> Self {
        AssetRevisionRecord {
            revision: r.revision.clone(),
            created_by: r.created_by.clone(),
            created_at: time(r.created_at.as_ref()),
        }
    }
}

/// A DataZone asset (inventory), with its forms.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_asset")]
pub struct AssetRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Asset id.
    pub asset_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Asset type, e.g. `amazon.datazone.GlueTableAssetType`.
    pub type_identifier: String,
    /// Asset type revision.
    pub type_revision: String,
    /// Current revision.
    pub revision: String,
    /// External id (e.g. the Glue table ARN).
    pub external_identifier: Option<String>,
    /// Owning project.
    pub owning_project_id: String,
    /// Glossary terms attached.
    pub glossary_terms: Vec<String>,
    /// Listing id, if published.
    pub listing_id: Option<String>,
    /// Listing status, if published.
    pub listing_status: Option<String>,
    /// Metadata forms (business and technical metadata).
    pub forms: Vec<Form>,
    /// Read-only forms set by DataZone.
    pub read_only_forms: Vec<Form>,
    /// Who created this revision.
    pub created_by: Option<String>,
    /// This revision created (RFC 3339).
    pub created_at: Option<String>,
    /// Who created the first revision.
    pub first_revision_created_by: Option<String>,
    /// First revision created (RFC 3339).
    pub first_revision_created_at: Option<String>,
    /// Revisions, when the scan asks for them (`DataZoneOptions::asset_revisions`); `None` if
    /// not asked for, or unread: then the scan has a skipped or incomplete
    /// `datazone:ListAssetRevisions` part for this asset beside the record (never a partial or
    /// empty list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revisions: Option<Vec<AssetRevisionRecord>>,
}

macro_rules! asset_from {
    ($name:ident, $ty:ty) => {
        impl AssetRecord {
            pub(crate) fn $name(origin: &Origin, a: &$ty) -> Self {
                AssetRecord {
                    origin: origin.clone(),
                    domain_id: a.domain_id.clone(),
                    asset_id: a.id.clone(),
                    name: a.name.clone(),
                    description: a.description.clone(),
                    type_identifier: a.type_identifier.clone(),
                    type_revision: a.type_revision.clone(),
                    revision: a.revision.clone(),
                    external_identifier: a.external_identifier.clone(),
                    owning_project_id: a.owning_project_id.clone(),
                    glossary_terms: a.glossary_terms.clone().unwrap_or_default(),
                    listing_id: a.listing.as_ref().map(|l| l.listing_id.clone()),
                    listing_status: a
                        .listing
                        .as_ref()
                        .map(|l| l.listing_status.as_str().to_owned()),
                    forms: a.forms_output.iter().map(Into::into).collect(),
                    read_only_forms: a
                        .read_only_forms_output
                        .iter()
                        .flatten()
                        .map(Into::into)
                        .collect(),
                    created_by: a.created_by.clone(),
                    created_at: time(a.created_at.as_ref()),
                    first_revision_created_by: a.first_revision_created_by.clone(),
                    first_revision_created_at: time(a.first_revision_created_at.as_ref()),
                    revisions: None,
                }
            }
        }
    };
}
asset_from!(
    from_get,
    aws_sdk_datazone::operation::get_asset::GetAssetOutput
);
asset_from!(
    from_create,
    aws_sdk_datazone::operation::create_asset::CreateAssetOutput
);
asset_from!(
    from_revision,
    aws_sdk_datazone::operation::create_asset_revision::CreateAssetRevisionOutput
);

impl ScanContext {
    /// Assets of a domain, each read with its forms (`GetAsset`) and, if asked, revisions.
    pub(crate) fn assets(self: &Arc<Self>, domain: String) -> RecordStream {
        let context = self.clone();
        self.search_ids(domain, InventorySearchScope::Asset)
            .then_records(self.concurrency, move |(domain, id)| {
                let context = context.clone();
                async move { context.asset(domain, id).await }
            })
    }

    /// One asset: its record, and the outcome of its revisions when they could not be read
    /// (the record's `revisions` is then `None`, never a partial or empty list).
    async fn asset(&self, domain: String, id: String) -> Vec<RecordItem> {
        let part = Part::new(
            actions::datazone::GET_ASSET,
            format!("domain={domain} asset={id}"),
        );
        let out = read(&part, self.retry, || {
            self.client
                .get_asset()
                .domain_identifier(&domain)
                .identifier(&id)
                .send()
        })
        .await;
        let mut record = match out {
            Ok(out) => AssetRecord::from_get(&self.origin, &out),
            Err(outcome) => return vec![outcome.map(ScanItem::Skipped)],
        };
        let mut items = Vec::new();
        if self.options.asset_revisions {
            let mut revisions = Vec::new();
            let mut listing = self.revisions(domain, id);
            while let Some(item) = listing.next().await {
                match item {
                    Ok(ScanItem::Record(r)) => revisions.push(r),
                    Ok(ScanItem::Skipped(s)) => items.push(Ok(ScanItem::Skipped(s))),
                    Err(e) => items.push(Err(e)),
                }
            }
            // Denied, vanished or incomplete: the field stays unread (`None`, not the pages
            // read so far), and the part's outcome goes beside the record.
            record.revisions = items.is_empty().then_some(revisions);
        }
        items.insert(
            0,
            Ok(ScanItem::Record(DataZoneRecord::Asset(Box::new(record)))),
        );
        items
    }

    /// The revisions of one asset (`ListAssetRevisions`).
    fn revisions(&self, domain: String, id: String) -> ScanStream<AssetRevisionRecord> {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(
            actions::datazone::LIST_ASSET_REVISIONS,
            format!("domain={domain} asset={id}"),
        );
        paged(part, self.retry, move |token| {
            let req = client
                .list_asset_revisions()
                .domain_identifier(&domain)
                .identifier(&id)
                .set_max_results(size)
                .set_next_token(token);
            async move {
                req.send().await.map(|p| {
                    let revs = p.items.iter().flatten().map(AssetRevisionRecord::from);
                    Page::new(revs.collect(), p.next_token)
                })
            }
        })
    }
}

kind_scanner!(
    /// Scans assets (`Search` with scope `ASSET`, then `GetAsset` with forms; revisions with
    /// `ListAssetRevisions` when
    /// [`DataZoneOptions::asset_revisions`](crate::DataZoneOptions::asset_revisions) is set).
    AssetScanner, Asset, AssetRecord, "datazone_assets",
    [actions::datazone::SEARCH, actions::datazone::GET_ASSET,
     actions::datazone::LIST_ASSET_REVISIONS]
);

operator_struct!(
    /// Reads one asset with its forms (ReadOnly).
    GetAsset
);

#[async_trait]
impl Operator for GetAsset {
    type Input = ResourceRef;
    type Output = AssetRecord;
    const NAME: &'static str = "datazone_get_asset";
    const DESCRIPTION: &'static str =
        "Reads one Amazon DataZone asset with its metadata forms (optionally a given revision).";
    const ACTIONS: &'static [Action] = &[actions::datazone::GET_ASSET];

    async fn execute(&self, input: ResourceRef, _: AccessChecked<Self>) -> Result<AssetRecord> {
        input.check()?;
        let out = unchecked_datazone_client(&self.conn)
            .get_asset()
            .domain_identifier(&input.domain_id)
            .identifier(&input.id)
            .set_revision(input.revision.clone())
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::GET_ASSET).with_resource(input.resource())
            })?;
        Ok(AssetRecord::from_get(&Origin::of(&self.conn), &out))
    }
}

/// Input of [`ListAssetRevisions`].
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListAssetRevisionsInput {
    /// Domain id.
    pub domain_id: String,
    /// Asset id.
    pub asset_id: String,
    /// Page size (1..=50).
    #[serde(default)]
    pub max_results: Option<i32>,
    /// Token of the next page.
    #[serde(default)]
    pub next_token: Option<String>,
}

/// Output of [`ListAssetRevisions`].
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ListAssetRevisionsOutput {
    /// Revisions of this page.
    pub revisions: Vec<AssetRevisionRecord>,
    /// Token of the next page.
    pub next_token: Option<String>,
}

operator_struct!(
    /// Lists an asset's revisions (ReadOnly).
    ListAssetRevisions
);

#[async_trait]
impl Operator for ListAssetRevisions {
    type Input = ListAssetRevisionsInput;
    type Output = ListAssetRevisionsOutput;
    const NAME: &'static str = "datazone_list_asset_revisions";
    const DESCRIPTION: &'static str = "Lists the revisions of an Amazon DataZone asset.";
    const ACTIONS: &'static [Action] = &[actions::datazone::LIST_ASSET_REVISIONS];

    async fn execute(
        &self,
        input: ListAssetRevisionsInput,
        _: AccessChecked<Self>,
    ) -> Result<ListAssetRevisionsOutput> {
        check_domain_id("domain_id", &input.domain_id)?;
        check_id("asset_id", &input.asset_id)?;
        check_page("max_results", input.max_results)?;
        let out = unchecked_datazone_client(&self.conn)
            .list_asset_revisions()
            .domain_identifier(&input.domain_id)
            .identifier(&input.asset_id)
            .set_max_results(input.max_results)
            .set_next_token(input.next_token)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::LIST_ASSET_REVISIONS)
                    .with_resource(format!("{}/{}", input.domain_id, input.asset_id))
            })?;
        Ok(ListAssetRevisionsOutput {
            revisions: out.items.iter().flatten().map(Into::into).collect(),
            next_token: out.next_token,
        })
    }
}

/// A metadata form to set on an asset.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormSpec {
    /// Form name, e.g. `GlueTableForm`.
    pub form_name: String,
    /// Form type, e.g. `amazon.datazone.GlueTableFormType`.
    #[serde(default)]
    pub type_identifier: Option<String>,
    /// Form type revision.
    #[serde(default)]
    pub type_revision: Option<String>,
    /// The content, a JSON document as text.
    pub content: String,
}

fn forms(specs: &[FormSpec]) -> Result<Vec<dz::FormInput>> {
    specs
        .iter()
        .map(|f| {
            check_name("forms.form_name", &f.form_name, 128)?;
            check_text("forms.content", Some(&f.content), 75_000)?;
            dz::FormInput::builder()
                .form_name(&f.form_name)
                .set_type_identifier(f.type_identifier.clone())
                .set_type_revision(f.type_revision.clone())
                .content(&f.content)
                .build()
                .map_err(build_error)
        })
        .collect()
}

/// Input of [`CreateAsset`].
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssetInput {
    /// Domain id.
    pub domain_id: String,
    /// Project that will own the asset.
    pub owning_project_id: String,
    /// Name (1..=256 characters).
    pub name: String,
    /// Asset type, e.g. `amazon.datazone.GlueTableAssetType`.
    pub type_identifier: String,
    /// Asset type revision.
    #[serde(default)]
    pub type_revision: Option<String>,
    /// Description (up to 2048 characters).
    #[serde(default)]
    pub description: Option<String>,
    /// External id (e.g. a Glue table ARN).
    #[serde(default)]
    pub external_identifier: Option<String>,
    /// Glossary term ids to attach.
    #[serde(default)]
    pub glossary_terms: Vec<String>,
    /// Metadata forms.
    #[serde(default)]
    pub forms: Vec<FormSpec>,
}

operator_struct!(
    /// Creates an asset in a project's inventory (ReadWrite).
    CreateAsset
);

#[async_trait]
impl Operator for CreateAsset {
    type Input = CreateAssetInput;
    type Output = AssetRecord;
    const NAME: &'static str = "datazone_create_asset";
    const DESCRIPTION: &'static str =
        "Creates an asset with metadata forms in an Amazon DataZone project's inventory.";
    const ACTIONS: &'static [Action] = &[actions::datazone::CREATE_ASSET];

    async fn execute(
        &self,
        input: CreateAssetInput,
        _: AccessChecked<Self>,
    ) -> Result<AssetRecord> {
        check_domain_id("domain_id", &input.domain_id)?;
        check_id("owning_project_id", &input.owning_project_id)?;
        check_name("name", &input.name, 256)?;
        check_name("type_identifier", &input.type_identifier, 513)?;
        check_text("description", input.description.as_deref(), 2048)?;
        for t in &input.glossary_terms {
            check_id("glossary_terms", t)?;
        }
        let forms = forms(&input.forms)?;
        let out = unchecked_datazone_client(&self.conn)
            .create_asset()
            .domain_identifier(&input.domain_id)
            .owning_project_identifier(&input.owning_project_id)
            .name(&input.name)
            .type_identifier(&input.type_identifier)
            .set_type_revision(input.type_revision)
            .set_description(input.description)
            .set_external_identifier(input.external_identifier)
            .set_glossary_terms((!input.glossary_terms.is_empty()).then_some(input.glossary_terms))
            .set_forms_input((!forms.is_empty()).then_some(forms))
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::CREATE_ASSET)
                    .with_resource(format!("{}/{}", input.domain_id, input.name))
            })?;
        Ok(AssetRecord::from_create(&Origin::of(&self.conn), &out))
    }
}

/// Input of [`CreateAssetRevision`]: the full new revision.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssetRevisionInput {
    /// Domain id.
    pub domain_id: String,
    /// Asset id.
    pub asset_id: String,
    /// Name (1..=256 characters).
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Asset type revision.
    #[serde(default)]
    pub type_revision: Option<String>,
    /// Glossary term ids.
    #[serde(default)]
    pub glossary_terms: Vec<String>,
    /// Metadata forms.
    #[serde(default)]
    pub forms: Vec<FormSpec>,
}

async fn create_revision(
    conn: &Connection,
    input: CreateAssetRevisionInput,
) -> Result<AssetRecord> {
    check_domain_id("domain_id", &input.domain_id)?;
    check_id("asset_id", &input.asset_id)?;
    check_name("name", &input.name, 256)?;
    check_text("description", input.description.as_deref(), 2048)?;
    for t in &input.glossary_terms {
        check_id("glossary_terms", t)?;
    }
    let forms = forms(&input.forms)?;
    let out = unchecked_datazone_client(conn)
        .create_asset_revision()
        .domain_identifier(&input.domain_id)
        .identifier(&input.asset_id)
        .name(&input.name)
        .set_description(input.description)
        .set_type_revision(input.type_revision)
        .set_glossary_terms((!input.glossary_terms.is_empty()).then_some(input.glossary_terms))
        .set_forms_input((!forms.is_empty()).then_some(forms))
        .send()
        .await
        .map_err(|e| {
            Error::from_sdk(e, actions::datazone::CREATE_ASSET_REVISION)
                .with_resource(format!("{}/{}", input.domain_id, input.asset_id))
        })?;
    Ok(AssetRecord::from_revision(&Origin::of(conn), &out))
}

operator_struct!(
    /// Creates a new revision of an asset from a full specification (ReadWrite).
    CreateAssetRevision
);

#[async_trait]
impl Operator for CreateAssetRevision {
    type Input = CreateAssetRevisionInput;
    type Output = AssetRecord;
    const NAME: &'static str = "datazone_create_asset_revision";
    const DESCRIPTION: &'static str =
        "Creates a new revision of an Amazon DataZone asset (name, description, terms, forms).";
    const ACTIONS: &'static [Action] = &[actions::datazone::CREATE_ASSET_REVISION];

    async fn execute(
        &self,
        input: CreateAssetRevisionInput,
        _: AccessChecked<Self>,
    ) -> Result<AssetRecord> {
        create_revision(&self.conn, input).await
    }
}

/// Input of [`UpdateAsset`]: only the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAssetInput {
    /// Domain id.
    pub domain_id: String,
    /// Asset id.
    pub asset_id: String,
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New glossary terms (replace the current ones).
    #[serde(default)]
    pub glossary_terms: Option<Vec<String>>,
    /// Forms to set; other current forms are kept.
    #[serde(default)]
    pub forms: Vec<FormSpec>,
}

operator_struct!(
    /// Updates an asset: reads the current revision, applies the changes and creates a new
    /// revision (DataZone changes assets only through `CreateAssetRevision`) (ReadWrite).
    UpdateAsset
);

#[async_trait]
impl Operator for UpdateAsset {
    type Input = UpdateAssetInput;
    type Output = AssetRecord;
    const NAME: &'static str = "datazone_update_asset";
    const DESCRIPTION: &'static str =
        "Updates an Amazon DataZone asset's name, description, glossary terms or forms as a new revision; unchanged fields are kept.";
    const ACTIONS: &'static [Action] = &[
        actions::datazone::GET_ASSET,
        actions::datazone::CREATE_ASSET_REVISION,
    ];
    const REQUIRES_ONE_OF: &'static [&'static [&'static str]] =
        &[&["name", "description", "glossary_terms", "forms"]];

    async fn execute(
        &self,
        input: UpdateAssetInput,
        _: AccessChecked<Self>,
    ) -> Result<AssetRecord> {
        check_domain_id("domain_id", &input.domain_id)?;
        check_id("asset_id", &input.asset_id)?;
        if let Some(n) = &input.name {
            check_name("name", n, 256)?;
        }
        check_text("description", input.description.as_deref(), 2048)?;
        forms(&input.forms)?;
        if input.name.is_none()
            && input.description.is_none()
            && input.glossary_terms.is_none()
            && input.forms.is_empty()
        {
            return Err(Error::invalid(
                "name",
                "nothing to update: give at least one field",
            ));
        }
        let current = unchecked_datazone_client(&self.conn)
            .get_asset()
            .domain_identifier(&input.domain_id)
            .identifier(&input.asset_id)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::GET_ASSET)
                    .with_resource(format!("{}/{}", input.domain_id, input.asset_id))
            })?;
        let mut merged: Vec<FormSpec> = current
            .forms_output
            .iter()
            .filter(|f| !input.forms.iter().any(|n| n.form_name == f.form_name))
            .map(|f| FormSpec {
                form_name: f.form_name.clone(),
                type_identifier: f.type_name.clone(),
                type_revision: f.type_revision.clone(),
                content: f.content.clone().unwrap_or_else(|| "{}".into()),
            })
            .collect();
        merged.extend(input.forms);
        create_revision(
            &self.conn,
            CreateAssetRevisionInput {
                domain_id: input.domain_id,
                asset_id: input.asset_id,
                name: input.name.unwrap_or(current.name),
                description: input.description.or(current.description),
                type_revision: Some(current.type_revision),
                glossary_terms: input
                    .glossary_terms
                    .unwrap_or_else(|| current.glossary_terms.unwrap_or_default()),
                forms: merged,
            },
        )
        .await
    }
}

operator_struct!(
    /// Deletes an asset (ReadWrite).
    DeleteAsset
);

#[async_trait]
impl Operator for DeleteAsset {
    type Input = DeleteInput;
    type Output = Deleted;
    const NAME: &'static str = "datazone_delete_asset";
    const DESCRIPTION: &'static str = "Deletes an Amazon DataZone asset.";
    const ACTIONS: &'static [Action] = &[actions::datazone::DELETE_ASSET];

    async fn execute(&self, input: DeleteInput, _: AccessChecked<Self>) -> Result<Deleted> {
        check_domain_id("domain_id", &input.domain_id)?;
        check_id("id", &input.id)?;
        unchecked_datazone_client(&self.conn)
            .delete_asset()
            .domain_identifier(&input.domain_id)
            .identifier(&input.id)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::DELETE_ASSET)
                    .with_resource(format!("{}/{}", input.domain_id, input.id))
            })?;
        Ok(Deleted {
            domain_id: input.domain_id,
            id: input.id,
            status: None,
        })
    }
}

chicory_aws_core::record_kind!(
    AssetRecord => "datazone_asset",
);
