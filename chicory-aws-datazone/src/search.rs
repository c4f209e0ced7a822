//! Catalog search: the search operators (inventory and listings) and the scan's inventory search
//! by scope.

use crate::client::unchecked_datazone_client;
use crate::records::time;
use crate::scan::{pick_items, ScanContext};
use crate::validate::{check_domain_id, check_id, check_page, check_text};
use async_trait::async_trait;
use aws_sdk_datazone::types::{self as dz, InventorySearchScope, SearchInventoryResultItem};
use chicory_aws_core::scan::{paged, Page, Part, ScanStream, ScanStreamExt};
use chicory_aws_core::{actions, operator_struct, AccessChecked, Action, Error, Operator, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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

impl SearchCatalogInput {
    /// Checks the input before any request.
    fn check(&self) -> Result<()> {
        check_search(
            &self.domain_id,
            self.max_results,
            self.search_text.as_deref(),
        )?;
        if let Some(p) = &self.owning_project_id {
            check_id("owning_project_id", p)?;
        }
        Ok(())
    }
}

impl SearchListingsInput {
    /// Checks the input before any request.
    fn check(&self) -> Result<()> {
        check_search(
            &self.domain_id,
            self.max_results,
            self.search_text.as_deref(),
        )
    }
}

impl SearchOutput {
    /// A page of hits: what `hit` makes of each of `items` (items it does not know are left
    /// out), with the page's token and count.
    fn page<T>(
        items: Option<Vec<T>>,
        hit: fn(T) -> Option<SearchHit>,
        next_token: Option<String>,
        total_match_count: Option<i32>,
    ) -> Self {
        SearchOutput {
            items: pick_items(items, hit),
            next_token,
            total_match_count,
        }
    }
}

/// An inventory item (asset, glossary or term) as a hit.
fn inventory_hit(item: dz::SearchInventoryResultItem) -> Option<SearchHit> {
    match item {
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
    }
}

/// A listing (of an asset or a data product) as a hit.
fn listing_hit(item: dz::SearchResultItem) -> Option<SearchHit> {
    match item {
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
    }
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
        input.check()?;
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
        Ok(SearchOutput::page(
            out.items,
            inventory_hit,
            out.next_token,
            out.total_match_count,
        ))
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
        input.check()?;
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
        Ok(SearchOutput::page(
            out.items,
            listing_hit,
            out.next_token,
            out.total_match_count,
        ))
    }
}

impl ScanContext {
    /// Ids found by `Search` in one scope, each with its domain: `(domain, id)`.
    pub(crate) fn search_ids(
        &self,
        domain: String,
        scope: InventorySearchScope,
    ) -> ScanStream<(String, String)> {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(
            actions::datazone::SEARCH,
            format!("domain={domain} scope={}", scope.as_str()),
        );
        let search_domain = domain.clone();
        paged(part, self.retry, move |token| {
            let req = client
                .search()
                .domain_identifier(&search_domain)
                .search_scope(scope.clone())
                .set_max_results(size)
                .set_next_token(token);
            async move {
                req.send().await.map(|p| {
                    let ids = pick_items(p.items, |i| match i {
                        SearchInventoryResultItem::AssetItem(a) => Some(a.identifier),
                        SearchInventoryResultItem::GlossaryItem(g) => Some(g.id),
                        SearchInventoryResultItem::GlossaryTermItem(t) => Some(t.id),
                        _ => None,
                    });
                    Page::new(ids, p.next_token)
                })
            }
        })
        .map_records(move |id| (domain.clone(), id))
    }
}
