//! The options of the DataZone scanners ([`DataZoneOptions`]) and the kinds of resource the
//! whole-domain scan can be restricted to ([`Kind`]).

use crate::validate::check_domain_id;
use chicory_aws_core::{Concurrency, Error, Result};

/// A kind of DataZone resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// Domains.
    Domain,
    /// Projects of a domain.
    Project,
    /// Environments of a project.
    Environment,
    /// Environment profiles of a domain.
    EnvironmentProfile,
    /// Data sources of a project.
    DataSource,
    /// Assets (inventory) of a domain.
    Asset,
    /// Metadata form types of a domain.
    FormType,
    /// Listings (published catalog entries).
    Listing,
    /// Business glossaries.
    Glossary,
    /// Glossary terms.
    GlossaryTerm,
    /// The data lineage node of each asset, with its history (governance: scanned only when
    /// named, see [`Kind::GOVERNANCE`]).
    LineageNode,
    /// Subscriptions to listings (governance: scanned only when named).
    Subscription,
    /// Subscription grants (governance: scanned only when named).
    SubscriptionGrant,
}

impl Kind {
    /// Every kind.
    pub const ALL: &'static [Kind] = &[
        Kind::Domain,
        Kind::Project,
        Kind::Environment,
        Kind::EnvironmentProfile,
        Kind::DataSource,
        Kind::Asset,
        Kind::FormType,
        Kind::Listing,
        Kind::Glossary,
        Kind::GlossaryTerm,
        Kind::LineageNode,
        Kind::Subscription,
        Kind::SubscriptionGrant,
    ];

    /// The governance kinds: lineage (a `GetLineageNode` and its history per asset),
    /// subscriptions and their grants. The whole-domain scan reads them only when
    /// [`DataZoneOptions::kinds`] names them, so a catalog scan does not grow by a lineage read
    /// per asset, nor need the `LibraryDataZoneGovernanceRead` statement, unless asked.
    pub const GOVERNANCE: &'static [Kind] = &[
        Kind::LineageNode,
        Kind::Subscription,
        Kind::SubscriptionGrant,
    ];
}

/// Options of the DataZone scanners.
///
/// The requests in flight are bounded by the connection, not by these options: every client
/// built from a connection shares its request budget, set with
/// `ConnectionBuilder::budget(BudgetSettings::default().max_in_flight(n))` (default 64 over the
/// whole connection, and DataZone's published `Search` / `SearchListings` / `SearchTypes`
/// rates), however the fan-out across domains, projects and per-item reads multiplies.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DataZoneOptions {
    /// Domains to scan (ids `dzd_...`); empty: every domain `ListDomains` returns.
    pub domains: Vec<String>,
    /// Kinds to scan (whole-domain scanner only); empty: every kind but the governance ones
    /// ([`Kind::GOVERNANCE`]), which are scanned only when named (e.g. `kinds(Kind::ALL)`).
    pub kinds: Vec<Kind>,
    /// How many domains, projects and per-item reads run at once (1..=64, checked as a
    /// [`Concurrency`]), at each level.
    pub concurrency: usize,
    /// Page size asked of list and search calls (1..=50); default: the service's.
    pub page_size: Option<i32>,
    /// Also read each asset's revisions (`ListAssetRevisions`).
    pub asset_revisions: bool,
    /// Also scan AWS-managed form types (`amazon.datazone.*`), not only the domain's own.
    pub managed_form_types: bool,
}

impl Default for DataZoneOptions {
    fn default() -> Self {
        DataZoneOptions {
            domains: Vec::new(),
            kinds: Vec::new(),
            concurrency: 8,
            page_size: None,
            asset_revisions: false,
            managed_form_types: false,
        }
    }
}

impl DataZoneOptions {
    /// Restricts the scan to `domain_id` (may be called more than once).
    pub fn domain(mut self, domain_id: impl Into<String>) -> Self {
        self.domains.push(domain_id.into());
        self
    }
    /// Restricts the whole-domain scan to these kinds.
    pub fn kinds(mut self, kinds: &[Kind]) -> Self {
        self.kinds = kinds.to_vec();
        self
    }
    /// Sets the concurrency.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }
    /// Sets the page size.
    pub fn page_size(mut self, n: i32) -> Self {
        self.page_size = Some(n);
        self
    }
    /// Reads asset revisions too.
    pub fn asset_revisions(mut self, yes: bool) -> Self {
        self.asset_revisions = yes;
        self
    }
    /// Scans AWS-managed form types too.
    pub fn managed_form_types(mut self, yes: bool) -> Self {
        self.managed_form_types = yes;
        self
    }

    /// Checks the options; the error names the field.
    pub fn validate(&self) -> Result<()> {
        Concurrency::new("concurrency", self.concurrency)?;
        if let Some(n) = self.page_size {
            if !(1..=50).contains(&n) {
                return Err(Error::invalid("page_size", "must be between 1 and 50"));
            }
        }
        for d in &self.domains {
            check_domain_id("domains", d)?;
        }
        Ok(())
    }

    /// Whether the whole-domain scan asks for `k` (the governance kinds only when named).
    pub(crate) fn wants(&self, k: Kind) -> bool {
        if self.kinds.is_empty() {
            !Kind::GOVERNANCE.contains(&k)
        } else {
            self.kinds.contains(&k)
        }
    }
}
