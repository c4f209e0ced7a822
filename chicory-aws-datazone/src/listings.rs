//! Listings (published catalog entries): record, scanner, and the operators that read, publish and
//! unpublish them.

use crate::client::unchecked_datazone_client;
use crate::operate::ResourceRef;
use crate::records::{time, Origin};
use crate::scan::{kind_scanner, pick_items, DataZoneRecord, RecordStream, ScanContext};
use crate::validate::{check_domain_id, check_id, check_text};
use async_trait::async_trait;
use aws_sdk_datazone::types::{self as dz, SearchResultItem};
use chicory_aws_core::scan::{paged, Page, Part, ScanStreamExt};
use chicory_aws_core::{
    actions, operator_struct, AccessChecked, Action, Connection, Error, Operator, Result,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A DataZone listing (a published asset or data product in the catalog).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename = "datazone_listing")]
pub struct ListingRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Listing id.
    pub listing_id: String,
    /// Listing revision.
    pub listing_revision: String,
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// `ACTIVE`, `CREATING`, `INACTIVE`.
    pub status: Option<String>,
    /// `ASSET` or `DATA_PRODUCT`.
    pub entity_type: Option<String>,
    /// The listed asset's id.
    pub asset_id: Option<String>,
    /// The listed asset's revision.
    pub asset_revision: Option<String>,
    /// The listed asset's type.
    pub asset_type: Option<String>,
    /// Owning project.
    pub owning_project_id: Option<String>,
    /// The listed forms (JSON text).
    pub forms: Option<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Who updated it.
    pub updated_by: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
}

impl ListingRecord {
    pub(crate) fn new(
        origin: &Origin,
        l: &aws_sdk_datazone::operation::get_listing::GetListingOutput,
    ) -> Self {
        let mut r = ListingRecord {
            origin: origin.clone(),
            domain_id: l.domain_id.clone(),
            listing_id: l.id.clone(),
            listing_revision: l.listing_revision.clone(),
            name: l.name.clone(),
            description: l.description.clone(),
            status: l.status.as_ref().map(|s| s.as_str().to_owned()),
            entity_type: None,
            asset_id: None,
            asset_revision: None,
            asset_type: None,
            owning_project_id: None,
            forms: None,
            created_by: l.created_by.clone(),
            created_at: time(l.created_at.as_ref()),
            updated_by: l.updated_by.clone(),
            updated_at: time(l.updated_at.as_ref()),
        };
        match &l.item {
            Some(dz::ListingItem::AssetListing(a)) => {
                r.entity_type = Some("ASSET".into());
                r.asset_id = a.asset_id.clone();
                r.asset_revision = a.asset_revision.clone();
                r.asset_type = a.asset_type.clone();
                r.owning_project_id = a.owning_project_id.clone();
                r.forms = a.forms.clone();
            }
            Some(dz::ListingItem::DataProductListing(p)) => {
                r.entity_type = Some("DATA_PRODUCT".into());
                r.owning_project_id = p.owning_project_id.clone();
                r.forms = p.forms.clone();
            }
            _ => {}
        }
        r
    }
}

impl ScanContext {
    /// Listings of a domain (`SearchListings`), each read in full (`GetListing`).
    pub(crate) fn listings(self: &Arc<Self>, domain: String) -> RecordStream {
        let (client, size) = (self.client.clone(), self.options.page_size);
        let part = Part::new(
            actions::datazone::SEARCH_LISTINGS,
            format!("domain={domain}"),
        );
        let search_domain = domain.clone();
        let ids = paged(part, self.retry, move |token| {
            let req = client
                .search_listings()
                .domain_identifier(&search_domain)
                .set_max_results(size)
                .set_next_token(token);
            async move {
                req.send().await.map(|p| {
                    let ids = pick_items(p.items, |i| match i {
                        SearchResultItem::AssetListing(a) => a.listing_id,
                        SearchResultItem::DataProductListing(d) => d.listing_id,
                        _ => None,
                    });
                    Page::new(ids, p.next_token)
                })
            }
        })
        .map_records(move |id| (domain.clone(), id));
        self.read_each(
            ids,
            actions::datazone::GET_LISTING,
            "listing",
            |client, domain, id| {
                client
                    .get_listing()
                    .domain_identifier(domain)
                    .identifier(id)
                    .send()
            },
            |origin, l| DataZoneRecord::Listing(ListingRecord::new(origin, &l)),
        )
    }
}

kind_scanner!(
    /// Scans listings (`SearchListings`, then `GetListing`).
    ListingScanner, Listing, ListingRecord, "datazone_listings",
    [actions::datazone::SEARCH_LISTINGS, actions::datazone::GET_LISTING]
);

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
        Ok(ListingRecord::new(&Origin::of(&self.conn), &out))
    }
}

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

chicory_aws_core::record_kind!(
    ListingRecord => "datazone_listing",
);
