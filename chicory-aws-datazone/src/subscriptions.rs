//! Subscriptions to listings and the grants that give subscribers access: records, scanners,
//! and the operators that list them.

use crate::client::unchecked_datazone_client;
use crate::records::{time, Origin};
use crate::scan::{kind_scanner, DataZoneRecord, RecordStream, ScanContext};
use crate::validate::{check_domain_id, check_id, check_page};
use async_trait::async_trait;
use aws_sdk_datazone::types::{self as dz};
use chicory_aws_core::scan::{paged, Page, Part};
use chicory_aws_core::{actions, operator_struct, AccessChecked, Action, Error, Operator, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A DataZone subscription: a principal's approved (or since cancelled or revoked) access to a
/// listing.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename = "datazone_subscription")]
pub struct SubscriptionRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Subscription id.
    pub subscription_id: String,
    /// `APPROVED`, `CANCELLED` or `REVOKED`.
    pub status: String,
    /// The subscribed listing's id.
    pub listing_id: Option<String>,
    /// The subscribed listing's revision.
    pub listing_revision: Option<String>,
    /// The subscribed listing's name.
    pub listing_name: Option<String>,
    /// The project that owns the listing.
    pub listing_owner_project_id: Option<String>,
    /// `ASSET` or `DATA_PRODUCT`: what the listing publishes.
    pub listed_entity_kind: Option<String>,
    /// The listed asset's or data product's id.
    pub listed_entity_id: Option<String>,
    /// The listed entity's revision.
    pub listed_entity_revision: Option<String>,
    /// `PROJECT`, `USER`, `GROUP` or `IAM`: who subscribed.
    pub principal_type: Option<String>,
    /// The subscriber: project, user or group id, or IAM principal ARN.
    pub principal_id: Option<String>,
    /// The subscriber's name (projects and groups).
    pub principal_name: Option<String>,
    /// The request the subscription came from.
    pub subscription_request_id: Option<String>,
    /// Whether access is kept after the subscription ends.
    pub retain_permissions: Option<bool>,
    /// Who created it.
    pub created_by: String,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Who updated it.
    pub updated_by: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
}

impl SubscriptionRecord {
    pub(crate) fn new(origin: &Origin, s: &dz::SubscriptionSummary) -> Self {
        let mut r = SubscriptionRecord {
            origin: origin.clone(),
            domain_id: s.domain_id.clone(),
            subscription_id: s.id.clone(),
            status: s.status.as_str().to_owned(),
            listing_id: None,
            listing_revision: None,
            listing_name: None,
            listing_owner_project_id: None,
            listed_entity_kind: None,
            listed_entity_id: None,
            listed_entity_revision: None,
            principal_type: None,
            principal_id: None,
            principal_name: None,
            subscription_request_id: s.subscription_request_id.clone(),
            retain_permissions: s.retain_permissions,
            created_by: s.created_by.clone(),
            created_at: time(Some(&s.created_at)),
            updated_by: s.updated_by.clone(),
            updated_at: time(Some(&s.updated_at)),
        };
        if let Some(l) = &s.subscribed_listing {
            r.listing_id = Some(l.id.clone());
            r.listing_revision = l.revision.clone();
            r.listing_name = Some(l.name.clone());
            r.listing_owner_project_id = Some(l.owner_project_id.clone());
            match &l.item {
                Some(dz::SubscribedListingItem::AssetListing(a)) => {
                    r.listed_entity_kind = Some("ASSET".into());
                    r.listed_entity_id = a.entity_id.clone();
                    r.listed_entity_revision = a.entity_revision.clone();
                }
                Some(dz::SubscribedListingItem::ProductListing(p)) => {
                    r.listed_entity_kind = Some("DATA_PRODUCT".into());
                    r.listed_entity_id = p.entity_id.clone();
                    r.listed_entity_revision = p.entity_revision.clone();
                }
                _ => {}
            }
        }
        let (kind, id, name) = match &s.subscribed_principal {
            Some(dz::SubscribedPrincipal::Project(p)) => ("PROJECT", p.id.clone(), p.name.clone()),
            Some(dz::SubscribedPrincipal::User(u)) => ("USER", u.id.clone(), None),
            Some(dz::SubscribedPrincipal::Group(g)) => ("GROUP", g.id.clone(), g.name.clone()),
            Some(dz::SubscribedPrincipal::Iam(i)) => ("IAM", i.principal_arn.clone(), None),
            _ => return r,
        };
        r.principal_type = Some(kind.into());
        r.principal_id = id;
        r.principal_name = name;
        r
    }
}

/// One asset of a subscription grant, with where its access stands.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct GrantedAsset {
    /// Asset id.
    pub asset_id: String,
    /// Asset revision.
    pub asset_revision: String,
    /// `GRANT_PENDING`, `GRANTED`, `GRANT_FAILED`, `REVOKE_PENDING`, ...
    pub status: String,
    /// The name of what the grant made in the target (e.g. a Glue table or resource link).
    pub target_name: Option<String>,
    /// Why the grant failed.
    pub failure_cause: Option<String>,
    /// Granted (RFC 3339).
    pub granted_at: Option<String>,
    /// Failed (RFC 3339).
    pub failed_at: Option<String>,
}

impl From<&dz::SubscribedAsset> for GrantedAsset {
    fn from(a: &dz::SubscribedAsset) -> Self {
        GrantedAsset {
            asset_id: a.asset_id.clone(),
            asset_revision: a.asset_revision.clone(),
            status: a.status.as_str().to_owned(),
            target_name: a.target_name.clone(),
            failure_cause: a.failure_cause.as_ref().and_then(|c| c.message.clone()),
            granted_at: time(a.granted_timestamp.as_ref()),
            failed_at: time(a.failure_timestamp.as_ref()),
        }
    }
}

/// A DataZone subscription grant: the access a subscription was given in a subscription target
/// (an environment's data lake or warehouse).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename = "datazone_subscription_grant")]
pub struct SubscriptionGrantRecord {
    /// Account and region.
    #[serde(flatten)]
    pub origin: Origin,
    /// Domain id.
    pub domain_id: String,
    /// Grant id.
    pub grant_id: String,
    /// Overall status: `PENDING`, `IN_PROGRESS`, `GRANT_FAILED`, `COMPLETED`, ...
    pub status: String,
    /// The subscription it serves, as the API still reports it (the model deprecates the field:
    /// a grant can serve several subscriptions; filter [`ListSubscriptionGrants`] by
    /// subscription for all of them).
    pub subscription_id: Option<String>,
    /// The subscription target the access was granted in.
    pub subscription_target_id: String,
    /// The environment of the target.
    pub environment_id: Option<String>,
    /// The granted listing's id.
    pub listing_id: Option<String>,
    /// The granted listing's revision.
    pub listing_revision: Option<String>,
    /// The assets granted, each with its own status.
    pub assets: Vec<GrantedAsset>,
    /// Who created it.
    pub created_by: String,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Who updated it.
    pub updated_by: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
}

impl SubscriptionGrantRecord {
    #[allow(deprecated)] // `subscription_id`: kept while the API reports it
    pub(crate) fn new(origin: &Origin, g: &dz::SubscriptionGrantSummary) -> Self {
        let listing = match &g.granted_entity {
            Some(dz::GrantedEntity::Listing(l)) => Some(l),
            _ => None,
        };
        SubscriptionGrantRecord {
            origin: origin.clone(),
            domain_id: g.domain_id.clone(),
            grant_id: g.id.clone(),
            status: g.status.as_str().to_owned(),
            subscription_id: g.subscription_id.clone(),
            subscription_target_id: g.subscription_target_id.clone(),
            environment_id: g.environment_id.clone(),
            listing_id: listing.map(|l| l.id.clone()),
            listing_revision: listing.map(|l| l.revision.clone()),
            assets: g.assets.iter().flatten().map(Into::into).collect(),
            created_by: g.created_by.clone(),
            created_at: time(Some(&g.created_at)),
            updated_by: g.updated_by.clone(),
            updated_at: time(Some(&g.updated_at)),
        }
    }
}

impl ScanContext {
    /// The subscriptions of a domain (`ListSubscriptions`).
    pub(crate) fn subscriptions(self: &Arc<Self>, domain: String) -> RecordStream {
        let (client, size, origin) = (
            self.client.clone(),
            self.options.page_size,
            self.origin.clone(),
        );
        let part = Part::new(
            actions::datazone::LIST_SUBSCRIPTIONS,
            format!("domain={domain}"),
        );
        paged(part, self.retry, move |token| {
            let req = client
                .list_subscriptions()
                .domain_identifier(&domain)
                .set_max_results(size)
                .set_next_token(token);
            let origin = origin.clone();
            async move {
                req.send().await.map(|p| {
                    let records = p
                        .items
                        .iter()
                        .map(|s| DataZoneRecord::Subscription(SubscriptionRecord::new(&origin, s)));
                    Page::new(records.collect(), p.next_token)
                })
            }
        })
    }

    /// The subscription grants of a domain (`ListSubscriptionGrants`).
    pub(crate) fn subscription_grants(self: &Arc<Self>, domain: String) -> RecordStream {
        let (client, size, origin) = (
            self.client.clone(),
            self.options.page_size,
            self.origin.clone(),
        );
        let part = Part::new(
            actions::datazone::LIST_SUBSCRIPTION_GRANTS,
            format!("domain={domain}"),
        );
        paged(part, self.retry, move |token| {
            let req = client
                .list_subscription_grants()
                .domain_identifier(&domain)
                .set_max_results(size)
                .set_next_token(token);
            let origin = origin.clone();
            async move {
                req.send().await.map(|p| {
                    let records = p.items.iter().map(|g| {
                        DataZoneRecord::SubscriptionGrant(SubscriptionGrantRecord::new(&origin, g))
                    });
                    Page::new(records.collect(), p.next_token)
                })
            }
        })
    }
}

kind_scanner!(
    /// Scans subscriptions to listings (`ListSubscriptions`).
    SubscriptionScanner, Subscription, SubscriptionRecord, "datazone_subscriptions",
    [actions::datazone::LIST_SUBSCRIPTIONS]
);
kind_scanner!(
    /// Scans subscription grants (`ListSubscriptionGrants`).
    SubscriptionGrantScanner, SubscriptionGrant, SubscriptionGrantRecord,
    "datazone_subscription_grants",
    [actions::datazone::LIST_SUBSCRIPTION_GRANTS]
);

/// A subscription status to filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatusFilter {
    /// Approved (active) subscriptions.
    Approved,
    /// Cancelled by the subscriber.
    Cancelled,
    /// Revoked by the listing's owner.
    Revoked,
}

impl SubscriptionStatusFilter {
    fn sdk(self) -> dz::SubscriptionStatus {
        match self {
            SubscriptionStatusFilter::Approved => dz::SubscriptionStatus::Approved,
            SubscriptionStatusFilter::Cancelled => dz::SubscriptionStatus::Cancelled,
            SubscriptionStatusFilter::Revoked => dz::SubscriptionStatus::Revoked,
        }
    }
}

/// Input of [`ListSubscriptions`].
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListSubscriptionsInput {
    /// Domain id (`dzd_...`).
    pub domain_id: String,
    /// Only subscriptions with this status.
    #[serde(default)]
    pub status: Option<SubscriptionStatusFilter>,
    /// Only subscriptions to this listing.
    #[serde(default)]
    pub listing_id: Option<String>,
    /// Only subscriptions of this project.
    #[serde(default)]
    pub owning_project_id: Option<String>,
    /// Page size (1..=50).
    #[serde(default)]
    pub max_results: Option<i32>,
    /// Token of the next page, from a previous output.
    #[serde(default)]
    pub next_token: Option<String>,
}

/// Output of [`ListSubscriptions`].
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ListSubscriptionsOutput {
    /// The subscriptions of this page.
    pub subscriptions: Vec<SubscriptionRecord>,
    /// Token of the next page.
    pub next_token: Option<String>,
}

operator_struct!(
    /// Lists a domain's subscriptions, a page at a time (ReadOnly).
    ListSubscriptions
);

#[async_trait]
impl Operator for ListSubscriptions {
    type Input = ListSubscriptionsInput;
    type Output = ListSubscriptionsOutput;
    const NAME: &'static str = "datazone_list_subscriptions";
    const DESCRIPTION: &'static str =
        "Lists the subscriptions of an Amazon DataZone domain (who subscribed to which listing), a page at a time.";
    const ACTIONS: &'static [Action] = &[actions::datazone::LIST_SUBSCRIPTIONS];

    async fn execute(
        &self,
        input: ListSubscriptionsInput,
        _: AccessChecked<Self>,
    ) -> Result<ListSubscriptionsOutput> {
        check_domain_id("domain_id", &input.domain_id)?;
        if let Some(l) = &input.listing_id {
            check_id("listing_id", l)?;
        }
        if let Some(p) = &input.owning_project_id {
            check_id("owning_project_id", p)?;
        }
        check_page("max_results", input.max_results)?;
        let out = unchecked_datazone_client(&self.conn)
            .list_subscriptions()
            .domain_identifier(&input.domain_id)
            .set_status(input.status.map(SubscriptionStatusFilter::sdk))
            .set_subscribed_listing_id(input.listing_id)
            .set_owning_project_id(input.owning_project_id)
            .set_max_results(input.max_results)
            .set_next_token(input.next_token)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::LIST_SUBSCRIPTIONS)
                    .with_resource(input.domain_id.clone())
            })?;
        let origin = Origin::of(&self.conn);
        Ok(ListSubscriptionsOutput {
            subscriptions: out
                .items
                .iter()
                .map(|s| SubscriptionRecord::new(&origin, s))
                .collect(),
            next_token: out.next_token,
        })
    }
}

/// Input of [`ListSubscriptionGrants`].
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListSubscriptionGrantsInput {
    /// Domain id (`dzd_...`).
    pub domain_id: String,
    /// Only the grants of this subscription.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// Only grants of this listing.
    #[serde(default)]
    pub listing_id: Option<String>,
    /// Only grants in this environment.
    #[serde(default)]
    pub environment_id: Option<String>,
    /// Only grants in this subscription target.
    #[serde(default)]
    pub subscription_target_id: Option<String>,
    /// Page size (1..=50).
    #[serde(default)]
    pub max_results: Option<i32>,
    /// Token of the next page, from a previous output.
    #[serde(default)]
    pub next_token: Option<String>,
}

/// Output of [`ListSubscriptionGrants`].
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ListSubscriptionGrantsOutput {
    /// The grants of this page.
    pub grants: Vec<SubscriptionGrantRecord>,
    /// Token of the next page.
    pub next_token: Option<String>,
}

operator_struct!(
    /// Lists a domain's subscription grants, a page at a time (ReadOnly).
    ListSubscriptionGrants
);

#[async_trait]
impl Operator for ListSubscriptionGrants {
    type Input = ListSubscriptionGrantsInput;
    type Output = ListSubscriptionGrantsOutput;
    const NAME: &'static str = "datazone_list_subscription_grants";
    const DESCRIPTION: &'static str =
        "Lists the subscription grants of an Amazon DataZone domain (what access each subscription was given, asset by asset), a page at a time.";
    const ACTIONS: &'static [Action] = &[actions::datazone::LIST_SUBSCRIPTION_GRANTS];

    async fn execute(
        &self,
        input: ListSubscriptionGrantsInput,
        _: AccessChecked<Self>,
    ) -> Result<ListSubscriptionGrantsOutput> {
        check_domain_id("domain_id", &input.domain_id)?;
        for (field, v) in [
            ("subscription_id", &input.subscription_id),
            ("listing_id", &input.listing_id),
            ("environment_id", &input.environment_id),
            ("subscription_target_id", &input.subscription_target_id),
        ] {
            if let Some(v) = v {
                check_id(field, v)?;
            }
        }
        check_page("max_results", input.max_results)?;
        let out = unchecked_datazone_client(&self.conn)
            .list_subscription_grants()
            .domain_identifier(&input.domain_id)
            .set_subscription_id(input.subscription_id)
            .set_subscribed_listing_id(input.listing_id)
            .set_environment_id(input.environment_id)
            .set_subscription_target_id(input.subscription_target_id)
            .set_max_results(input.max_results)
            .set_next_token(input.next_token)
            .send()
            .await
            .map_err(|e| {
                Error::from_sdk(e, actions::datazone::LIST_SUBSCRIPTION_GRANTS)
                    .with_resource(input.domain_id.clone())
            })?;
        let origin = Origin::of(&self.conn);
        Ok(ListSubscriptionGrantsOutput {
            grants: out
                .items
                .iter()
                .map(|g| SubscriptionGrantRecord::new(&origin, g))
                .collect(),
            next_token: out.next_token,
        })
    }
}

chicory_aws_core::record_kind!(
    SubscriptionRecord => "datazone_subscription",
    SubscriptionGrantRecord => "datazone_subscription_grant",
);
