//! DataZone operators: catalog search and reads (ReadOnly); asset, listing and data source
//! changes (ReadWrite). Inputs are checked before any request.

use crate::records::{
    time, AssetRecord, AssetRevisionRecord, DataSourceRecord, GlossaryRecord, GlossaryTermRecord,
    ListingRecord, Origin,
};
use crate::unchecked_datazone_client;
use crate::validate::{check_domain_id, check_id, check_name, check_page, check_text};
use async_trait::async_trait;
use aws_sdk_datazone::types as dz;
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Connection, Error, ErrorKind, Operator, Result,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

fn origin(conn: &Connection) -> Origin {
    Origin {
        account_id: conn.account_id().to_owned(),
        region: conn.region().to_owned(),
    }
}

fn build_error(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::new(ErrorKind::InvalidConfig, "request could not be built").with_source(e)
}

// ---------------------------------------------------------------- search

/// What [`SearchCatalog`] looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchScope {
    /// Inventory assets.
    Asset,
    /// Business glossaries.
    Glossary,
    /// Glossary terms.
    GlossaryTerm,
}

/// Input of [`SearchCatalog`].
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchCatalogInput {
    /// Domain id (`dzd_...`).
    pub domain_id: String,
    /// What to search.
    pub scope: SearchScope,
    /// Free text.
    #[serde(default)]
    pub search_text: Option<String>,
    /// Only items owned by this project.
    #[serde(default)]
    pub owning_project_id: Option<String>,
    /// Page size (1..=50).
    #[serde(default)]
    pub max_results: Option<i32>,
    /// Token of the next page, from a previous output.
    #[serde(default)]
    pub next_token: Option<String>,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SearchHit {
    /// `asset`, `glossary`, `glossary_term`, `data_product` or `asset_listing`.
    pub kind: String,
    /// The item's id (for listings, the listing id).
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Owning project.
    pub owning_project_id: Option<String>,
    /// Glossary of a term.
    pub glossary_id: Option<String>,
    /// Asset type (assets) or entity type (listings).
    pub type_identifier: Option<String>,
    /// The listed asset (listings).
    pub entity_id: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
}

/// Output of the search operators.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SearchOutput {
    /// The hits of this page.
    pub items: Vec<SearchHit>,
    /// Token of the next page, if any.
    pub next_token: Option<String>,
    /// Total matches, if the service says.
    pub total_match_count: Option<i32>,
}

fn check_search(domain_id: &str, max: Option<i32>, text: Option<&str>) -> Result<()> {
    check_domain_id("domain_id", domain_id)?;
    check_page("max_results", max)?;
    check_text("search_text", text, 4096)
}

operator_struct!(
    /// Searches a domain's catalog for assets, glossaries or glossary terms (ReadOnly).
    SearchCatalog
);

#[async_trait]
impl Operator for SearchCatalog {
    type Input = SearchCatalogInput;
    type Output = SearchOutput;
    const NAME: &'static str = "datazone_search";
    const DESCRIPTION: &'static str =
        "Searches an Amazon DataZone domain's inventory for assets, glossaries or glossary terms.";
    const ACTIONS: &'static [Action] = &[actions::datazone::SEARCH];

    async fn execute(
        &self,
        input: SearchCatalogInput,
        _: AccessChecked<Self>,
    ) -> Result<SearchOutput> {
        check_search(
            &input.domain_id,
            input.max_results,
            input.search_text.as_deref(),
        )?;
        if let Some(p) = &input.owning_project_id {
            check_id("owning_project_id", p)?;
        }
        let scope = match input.scope {
            SearchScope::Asset => dz::InventorySearchScope::Asset,
            SearchScope::Glossary => dz::InventorySearchScope::Glossary,
            SearchScope::GlossaryTerm => dz::InventorySearchScope::GlossaryTerm,
        };
        let out = unchecked_datazone_client(&self.conn)
            .search()
            .domain_identifier(&input.domain_id)
            .search_scope(scope)
            .set_search_text(input.search_text)
            .set_owning_project_identifier(input.owning_project_id)
            .set_max_results(input.max_results)
            .set_next_token(input.next_token)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::SEARCH).with_resource(input.domain_id)
            })?;
        let items = out
            .items
            .unwrap_or_default()
            .into_iter()
            .filter_map(|i| match i {
                dz::SearchInventoryResultItem::AssetItem(a) => Some(SearchHit {
                    kind: "asset".into(),
                    id: a.identifier,
                    name: Some(a.name),
                    description: a.description,
                    owning_project_id: Some(a.owning_project_id),
                    glossary_id: None,
                    type_identifier: Some(a.type_identifier),
                    entity_id: None,
                    created_at: time(a.created_at.as_ref()),
                }),
                dz::SearchInventoryResultItem::GlossaryItem(g) => Some(SearchHit {
                    kind: "glossary".into(),
                    id: g.id,
                    name: Some(g.name),
                    description: g.description,
                    owning_project_id: Some(g.owning_project_id),
                    glossary_id: None,
                    type_identifier: None,
                    entity_id: None,
                    created_at: time(g.created_at.as_ref()),
                }),
                dz::SearchInventoryResultItem::GlossaryTermItem(t) => Some(SearchHit {
                    kind: "glossary_term".into(),
                    id: t.id,
                    name: Some(t.name),
                    description: t.short_description,
                    owning_project_id: None,
                    glossary_id: Some(t.glossary_id),
                    type_identifier: None,
                    entity_id: None,
                    created_at: time(t.created_at.as_ref()),
                }),
                _ => None,
            })
            .collect();
        Ok(SearchOutput {
            items,
            next_token: out.next_token,
            total_match_count: out.total_match_count,
        })
    }
}

/// Input of [`SearchListings`].
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchListingsInput {
    /// Domain id (`dzd_...`).
    pub domain_id: String,
    /// Free text.
    #[serde(default)]
    pub search_text: Option<String>,
    /// Page size (1..=50).
    #[serde(default)]
    pub max_results: Option<i32>,
    /// Token of the next page.
    #[serde(default)]
    pub next_token: Option<String>,
}

operator_struct!(
    /// Searches a domain's published catalog (listings) (ReadOnly).
    SearchListings
);

#[async_trait]
impl Operator for SearchListings {
    type Input = SearchListingsInput;
    type Output = SearchOutput;
    const NAME: &'static str = "datazone_search_listings";
    const DESCRIPTION: &'static str =
        "Searches the published catalog (listings) of an Amazon DataZone domain.";
    const ACTIONS: &'static [Action] = &[actions::datazone::SEARCH_LISTINGS];

    async fn execute(
        &self,
        input: SearchListingsInput,
        _: AccessChecked<Self>,
    ) -> Result<SearchOutput> {
        check_search(
            &input.domain_id,
            input.max_results,
            input.search_text.as_deref(),
        )?;
        let out = unchecked_datazone_client(&self.conn)
            .search_listings()
            .domain_identifier(&input.domain_id)
            .set_search_text(input.search_text)
            .set_max_results(input.max_results)
            .set_next_token(input.next_token)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::SEARCH_LISTINGS)
                    .with_resource(input.domain_id)
            })?;
        let items = out
            .items
            .unwrap_or_default()
            .into_iter()
            .filter_map(|i| match i {
                dz::SearchResultItem::AssetListing(a) => Some(SearchHit {
                    kind: "asset_listing".into(),
                    id: a.listing_id.unwrap_or_default(),
                    name: a.name,
                    description: a.description,
                    owning_project_id: a.owning_project_id,
                    glossary_id: None,
                    type_identifier: a.entity_type,
                    entity_id: a.entity_id,
                    created_at: time(a.created_at.as_ref()),
                }),
                dz::SearchResultItem::DataProductListing(d) => Some(SearchHit {
                    kind: "data_product_listing".into(),
                    id: d.listing_id.unwrap_or_default(),
                    name: d.name,
                    description: d.description,
                    owning_project_id: d.owning_project_id,
                    glossary_id: None,
                    type_identifier: None,
                    entity_id: d.entity_id,
                    created_at: time(d.created_at.as_ref()),
                }),
                _ => None,
            })
            .collect();
        Ok(SearchOutput {
            items,
            next_token: out.next_token,
            total_match_count: out.total_match_count,
        })
    }
}

// ---------------------------------------------------------------- reads

/// A resource of a domain: `{domain_id, id}` (plus an optional revision).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceRef {
    /// Domain id (`dzd_...`).
    pub domain_id: String,
    /// Resource id (asset, listing, glossary, term or data source id).
    pub id: String,
    /// Revision (assets and listings); default: the latest.
    #[serde(default)]
    pub revision: Option<String>,
}

impl ResourceRef {
    fn check(&self) -> Result<()> {
        check_domain_id("domain_id", &self.domain_id)?;
        check_id("id", &self.id)?;
        check_text("revision", self.revision.as_deref(), 64)
    }
    fn resource(&self) -> String {
        format!("{}/{}", self.domain_id, self.id)
    }
}

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
        Ok(AssetRecord::from_get(&origin(&self.conn), &out))
    }
}

operator_struct!(
    /// Reads one listing (ReadOnly).
    GetListing
);

#[async_trait]
impl Operator for GetListing {
    type Input = ResourceRef;
    type Output = ListingRecord;
    const NAME: &'static str = "datazone_get_listing";
    const DESCRIPTION: &'static str = "Reads one Amazon DataZone listing (a published asset).";
    const ACTIONS: &'static [Action] = &[actions::datazone::GET_LISTING];

    async fn execute(&self, input: ResourceRef, _: AccessChecked<Self>) -> Result<ListingRecord> {
        input.check()?;
        let out = unchecked_datazone_client(&self.conn)
            .get_listing()
            .domain_identifier(&input.domain_id)
            .identifier(&input.id)
            .set_listing_revision(input.revision.clone())
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::GET_LISTING).with_resource(input.resource())
            })?;
        Ok(ListingRecord::new(&origin(&self.conn), &out))
    }
}

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
        Ok(GlossaryRecord::new(&origin(&self.conn), &out))
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
        Ok(GlossaryTermRecord::new(&origin(&self.conn), &out))
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

// ---------------------------------------------------------------- asset writes

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
        Ok(AssetRecord::from_create(&origin(&self.conn), &out))
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
    Ok(AssetRecord::from_revision(&origin(conn), &out))
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

/// Output of the delete operators.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Deleted {
    /// Domain id.
    pub domain_id: String,
    /// The deleted resource's id.
    pub id: String,
    /// Status after the call (data sources: `DELETING`).
    pub status: Option<String>,
}

/// A resource of a domain to delete.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteInput {
    /// Domain id.
    pub domain_id: String,
    /// Resource id.
    pub id: String,
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

// ---------------------------------------------------------------- listings

/// Input of [`PublishListing`] and [`UnpublishListing`].
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListingChangeInput {
    /// Domain id.
    pub domain_id: String,
    /// The asset to (un)publish.
    pub asset_id: String,
    /// The asset revision; default: the latest.
    #[serde(default)]
    pub asset_revision: Option<String>,
}

/// Output of [`PublishListing`] and [`UnpublishListing`].
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ListingChange {
    /// Listing id.
    pub listing_id: String,
    /// Listing revision.
    pub listing_revision: String,
    /// `CREATING`, `ACTIVE` or `INACTIVE`.
    pub status: String,
}

async fn change_listing(
    conn: &Connection,
    input: ListingChangeInput,
    action: dz::ChangeAction,
) -> Result<ListingChange> {
    check_domain_id("domain_id", &input.domain_id)?;
    check_id("asset_id", &input.asset_id)?;
    check_text("asset_revision", input.asset_revision.as_deref(), 64)?;
    let out = unchecked_datazone_client(conn)
        .create_listing_change_set()
        .domain_identifier(&input.domain_id)
        .entity_identifier(&input.asset_id)
        .entity_type(dz::EntityType::Asset)
        .set_entity_revision(input.asset_revision)
        .action(action)
        .send()
        .await
        .map_err(|e| {
            Error::from_sdk(e, actions::datazone::CREATE_LISTING_CHANGE_SET)
                .with_resource(format!("{}/{}", input.domain_id, input.asset_id))
        })?;
    Ok(ListingChange {
        listing_id: out.listing_id,
        listing_revision: out.listing_revision,
        status: out.status.as_str().to_owned(),
    })
}

operator_struct!(
    /// Publishes an asset to the catalog as a listing (`CreateListingChangeSet` PUBLISH)
    /// (ReadWrite).
    PublishListing
);

#[async_trait]
impl Operator for PublishListing {
    type Input = ListingChangeInput;
    type Output = ListingChange;
    const NAME: &'static str = "datazone_publish_listing";
    const DESCRIPTION: &'static str =
        "Publishes an Amazon DataZone asset to the domain's catalog as a listing.";
    const ACTIONS: &'static [Action] = &[actions::datazone::CREATE_LISTING_CHANGE_SET];

    async fn execute(
        &self,
        input: ListingChangeInput,
        _: AccessChecked<Self>,
    ) -> Result<ListingChange> {
        change_listing(&self.conn, input, dz::ChangeAction::Publish).await
    }
}

operator_struct!(
    /// Removes an asset's listing from the catalog (`CreateListingChangeSet` UNPUBLISH)
    /// (ReadWrite).
    UnpublishListing
);

#[async_trait]
impl Operator for UnpublishListing {
    type Input = ListingChangeInput;
    type Output = ListingChange;
    const NAME: &'static str = "datazone_unpublish_listing";
    const DESCRIPTION: &'static str =
        "Unpublishes an Amazon DataZone asset's listing from the domain's catalog.";
    const ACTIONS: &'static [Action] = &[actions::datazone::CREATE_LISTING_CHANGE_SET];

    async fn execute(
        &self,
        input: ListingChangeInput,
        _: AccessChecked<Self>,
    ) -> Result<ListingChange> {
        change_listing(&self.conn, input, dz::ChangeAction::Unpublish).await
    }
}

// ---------------------------------------------------------------- data sources

/// A Glue database a data source imports, with optional table filters.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlueDatabaseFilter {
    /// Glue database name.
    pub database_name: String,
    /// Table name patterns to include (e.g. `orders*`).
    #[serde(default)]
    pub include: Vec<String>,
    /// Table name patterns to exclude.
    #[serde(default)]
    pub exclude: Vec<String>,
}

fn glue_configuration(
    filters: &[GlueDatabaseFilter],
    data_access_role: Option<String>,
) -> Result<dz::DataSourceConfigurationInput> {
    if filters.is_empty() {
        return Err(Error::invalid(
            "glue_databases",
            "must name at least one database",
        ));
    }
    let mut configs = Vec::new();
    for f in filters {
        check_name("glue_databases.database_name", &f.database_name, 255)?;
        let mut exprs = Vec::new();
        for (t, list) in [
            (dz::FilterExpressionType::Include, &f.include),
            (dz::FilterExpressionType::Exclude, &f.exclude),
        ] {
            for e in list {
                check_name("glue_databases.filters", e, 2048)?;
                exprs.push(
                    dz::FilterExpression::builder()
                        .r#type(t.clone())
                        .expression(e)
                        .build()
                        .map_err(build_error)?,
                );
            }
        }
        configs.push(
            dz::RelationalFilterConfiguration::builder()
                .database_name(&f.database_name)
                .set_filter_expressions((!exprs.is_empty()).then_some(exprs))
                .build()
                .map_err(build_error)?,
        );
    }
    Ok(dz::DataSourceConfigurationInput::GlueRunConfiguration(
        dz::GlueRunConfigurationInput::builder()
            .set_relational_filter_configurations(Some(configs))
            .set_data_access_role(data_access_role)
            .build()
            .map_err(build_error)?,
    ))
}

fn enable(v: bool) -> dz::EnableSetting {
    if v {
        dz::EnableSetting::Enabled
    } else {
        dz::EnableSetting::Disabled
    }
}

fn schedule(s: &str) -> Result<dz::ScheduleConfiguration> {
    check_name("schedule", s, 256)?;
    if !s.starts_with("cron(") || !s.ends_with(')') {
        return Err(Error::invalid("schedule", "must be a cron(...) expression"));
    }
    Ok(dz::ScheduleConfiguration::builder().schedule(s).build())
}

/// Input of [`CreateDataSource`] (a Glue data source).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDataSourceInput {
    /// Domain id.
    pub domain_id: String,
    /// Project that owns the data source.
    pub project_id: String,
    /// Environment to publish into.
    #[serde(default)]
    pub environment_id: Option<String>,
    /// Name (1..=256 characters).
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Glue databases to import.
    pub glue_databases: Vec<GlueDatabaseFilter>,
    /// Role DataZone assumes to read Glue.
    #[serde(default)]
    pub data_access_role: Option<String>,
    /// Enabled (default true).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Schedule, e.g. `cron(0 3 * * ? *)`.
    #[serde(default)]
    pub schedule: Option<String>,
    /// Publish imported assets right away.
    #[serde(default)]
    pub publish_on_import: Option<bool>,
}

operator_struct!(
    /// Creates a Glue data source in a project (ReadWrite).
    CreateDataSource
);

#[async_trait]
impl Operator for CreateDataSource {
    type Input = CreateDataSourceInput;
    type Output = DataSourceRecord;
    const NAME: &'static str = "datazone_create_data_source";
    const DESCRIPTION: &'static str =
        "Creates an AWS Glue data source in an Amazon DataZone project.";
    const ACTIONS: &'static [Action] = &[actions::datazone::CREATE_DATA_SOURCE];

    async fn execute(
        &self,
        input: CreateDataSourceInput,
        _: AccessChecked<Self>,
    ) -> Result<DataSourceRecord> {
        check_domain_id("domain_id", &input.domain_id)?;
        check_id("project_id", &input.project_id)?;
        if let Some(e) = &input.environment_id {
            check_id("environment_id", e)?;
        }
        check_name("name", &input.name, 256)?;
        check_text("description", input.description.as_deref(), 2048)?;
        let config = glue_configuration(&input.glue_databases, input.data_access_role)?;
        let schedule = input.schedule.as_deref().map(schedule).transpose()?;
        let out = unchecked_datazone_client(&self.conn)
            .create_data_source()
            .domain_identifier(&input.domain_id)
            .project_identifier(&input.project_id)
            .set_environment_identifier(input.environment_id)
            .name(&input.name)
            .set_description(input.description)
            .r#type("GLUE")
            .configuration(config)
            .enable_setting(enable(input.enabled.unwrap_or(true)))
            .set_schedule(schedule)
            .set_publish_on_import(input.publish_on_import)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::CREATE_DATA_SOURCE)
                    .with_resource(format!("{}/{}", input.domain_id, input.name))
            })?;
        Ok(DataSourceRecord::from_create(&origin(&self.conn), &out))
    }
}

/// Input of [`UpdateDataSource`]: only the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDataSourceInput {
    /// Domain id.
    pub domain_id: String,
    /// Data source id.
    pub data_source_id: String,
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New Glue databases (replace the current ones).
    #[serde(default)]
    pub glue_databases: Option<Vec<GlueDatabaseFilter>>,
    /// Enable or disable.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// New schedule.
    #[serde(default)]
    pub schedule: Option<String>,
    /// Publish imported assets right away.
    #[serde(default)]
    pub publish_on_import: Option<bool>,
}

operator_struct!(
    /// Updates a data source (ReadWrite).
    UpdateDataSource
);

#[async_trait]
impl Operator for UpdateDataSource {
    type Input = UpdateDataSourceInput;
    type Output = DataSourceRecord;
    const NAME: &'static str = "datazone_update_data_source";
    const DESCRIPTION: &'static str =
        "Updates an Amazon DataZone data source: name, description, Glue databases, schedule, enabled.";
    const ACTIONS: &'static [Action] = &[actions::datazone::UPDATE_DATA_SOURCE];

    async fn execute(
        &self,
        input: UpdateDataSourceInput,
        _: AccessChecked<Self>,
    ) -> Result<DataSourceRecord> {
        check_domain_id("domain_id", &input.domain_id)?;
        check_id("data_source_id", &input.data_source_id)?;
        if let Some(n) = &input.name {
            check_name("name", n, 256)?;
        }
        check_text("description", input.description.as_deref(), 2048)?;
        let config = input
            .glue_databases
            .as_deref()
            .map(|f| glue_configuration(f, None))
            .transpose()?;
        let schedule = input.schedule.as_deref().map(schedule).transpose()?;
        let out = unchecked_datazone_client(&self.conn)
            .update_data_source()
            .domain_identifier(&input.domain_id)
            .identifier(&input.data_source_id)
            .set_name(input.name)
            .set_description(input.description)
            .set_configuration(config)
            .set_enable_setting(input.enabled.map(enable))
            .set_schedule(schedule)
            .set_publish_on_import(input.publish_on_import)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::UPDATE_DATA_SOURCE)
                    .with_resource(format!("{}/{}", input.domain_id, input.data_source_id))
            })?;
        Ok(DataSourceRecord::from_update(&origin(&self.conn), &out))
    }
}

operator_struct!(
    /// Deletes a data source (ReadWrite).
    DeleteDataSource
);

#[async_trait]
impl Operator for DeleteDataSource {
    type Input = DeleteInput;
    type Output = Deleted;
    const NAME: &'static str = "datazone_delete_data_source";
    const DESCRIPTION: &'static str = "Deletes an Amazon DataZone data source.";
    const ACTIONS: &'static [Action] = &[actions::datazone::DELETE_DATA_SOURCE];

    async fn execute(&self, input: DeleteInput, _: AccessChecked<Self>) -> Result<Deleted> {
        check_domain_id("domain_id", &input.domain_id)?;
        check_id("id", &input.id)?;
        let out = unchecked_datazone_client(&self.conn)
            .delete_data_source()
            .domain_identifier(&input.domain_id)
            .identifier(&input.id)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::DELETE_DATA_SOURCE)
                    .with_resource(format!("{}/{}", input.domain_id, input.id))
            })?;
        let r = DataSourceRecord::from_delete(&origin(&self.conn), &out);
        Ok(Deleted {
            domain_id: input.domain_id,
            id: r.data_source_id,
            status: r.status,
        })
    }
}
