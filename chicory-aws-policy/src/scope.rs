//! Resource restriction: which ARNs a generated policy names instead of `*`.
//!
//! A [`ResourceScope`] with nothing set reproduces the integration guides' policies exactly
//! (`"Resource": "*"`). Setting a region or account, Glue databases or tables, S3 buckets or
//! prefixes, Athena workgroups or data catalogs, or DataZone domains restricts the statements of
//! the matching services; actions that accept only `*` are then moved to statements of their own.
//!
//! Glue authorizes a table action on the catalog, the database *and* the table, so restricting
//! to a table also grants the catalog and the table's database (the ancestors Glue requires).
//! Glue stores database and table names in lower case, so names are lower-cased in ARNs.
//!
//! ```
//! use chicory_aws_policy::{ResourceScope, ResourceType};
//!
//! let scope = ResourceScope::all()
//!     .region("us-west-2")
//!     .account("123456789012")
//!     .glue_table("Sales", "orders");
//! assert_eq!(
//!     scope.arns(ResourceType::GlueTable).unwrap(),
//!     vec!["arn:aws:glue:us-west-2:123456789012:table/sales/orders".to_string()]
//! );
//! assert_eq!(
//!     scope.arns(ResourceType::GlueDatabase).unwrap(),
//!     vec!["arn:aws:glue:us-west-2:123456789012:database/sales".to_string()]
//! );
//! assert!(ResourceScope::all().arns(ResourceType::GlueTable).is_none()); // unrestricted: "*"
//! ```

use crate::action::ResourceType;
use crate::error::PolicyError;

/// The roles the Glue data-quality runs may pass when no [`ResourceScope::glue_run_role`] is
/// given: the names AWS's Glue console gives service roles (as AWS's own
/// `AWSGlueConsoleFullAccess` policy grants `iam:PassRole` on them).
pub const GLUE_RUN_ROLE_PATTERNS: &[&str] =
    &["AWSGlueServiceRole*", "service-role/AWSGlueServiceRole*"];

/// The CloudFormation pseudo parameter for the partition.
pub const CFN_PARTITION: &str = "${AWS::Partition}";
/// The CloudFormation pseudo parameter for the stack's region.
pub const CFN_REGION: &str = "${AWS::Region}";
/// The CloudFormation pseudo parameter for the stack's account.
pub const CFN_ACCOUNT_ID: &str = "${AWS::AccountId}";

/// A Glue database and, optionally, some of its tables (none: every table).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GlueDatabaseScope {
    /// The database name (lower-cased in ARNs).
    pub name: String,
    /// Table names; empty means every table of the database.
    pub tables: Vec<String>,
}

/// An S3 bucket and, optionally, a key prefix within it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct S3Location {
    /// The bucket name.
    pub bucket: String,
    /// The key prefix without leading or trailing `/`; `None` is the whole bucket.
    pub prefix: Option<String>,
}

impl S3Location {
    /// The object ARN pattern: `arn:<partition>:s3:::bucket/prefix/*` or `.../bucket/*`.
    pub fn object_arn(&self, partition: &str) -> String {
        match &self.prefix {
            Some(p) => format!("arn:{partition}:s3:::{}/{p}/*", self.bucket),
            None => format!("arn:{partition}:s3:::{}/*", self.bucket),
        }
    }

    /// The bucket ARN.
    pub fn bucket_arn(&self, partition: &str) -> String {
        format!("arn:{partition}:s3:::{}", self.bucket)
    }
}

/// Which resources generated policies are restricted to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceScope {
    partition: String,
    region: Option<String>,
    account: Option<String>,
    default_region: String,
    default_account: String,
    glue_databases: Vec<GlueDatabaseScope>,
    s3_locations: Vec<S3Location>,
    athena_workgroups: Vec<String>,
    athena_data_catalogs: Vec<String>,
    datazone_domains: Vec<String>,
    glue_run_roles: Vec<String>,
    force_regional: bool,
    errors: Vec<(&'static str, String)>,
}

impl Default for ResourceScope {
    fn default() -> Self {
        ResourceScope::all()
    }
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\\' | '$'))
}

/// The IAM wildcards: in a name they match more resources than the one named.
fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Checks a resource name for `field`: `None` when valid, else the reason. A name with an IAM
/// wildcard (`*`, `?`) is refused unless `pattern` (the caller asked for a pattern
/// explicitly); `pattern_method` names the method that accepts one, if any.
fn name_error(
    what: &str,
    value: &str,
    pattern: bool,
    pattern_method: Option<&str>,
) -> Option<String> {
    if !valid_name(value) {
        return Some(format!("{value:?} is not a {what}"));
    }
    if !pattern && has_wildcard(value) {
        let fix = match pattern_method {
            Some(m) => format!("name it exactly, or call {m} to grant every match"),
            None => "name each one exactly".to_owned(),
        };
        return Some(format!(
            "{value:?} contains an IAM wildcard (* or ?), which would grant more than one \
             {what}: {fix}"
        ));
    }
    None
}

fn valid_bucket(s: &str) -> bool {
    (3..=63).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// Whether `s` is a region name such as `us-east-1` or `us-gov-west-1`
/// ([`crate::validate::region`]).
pub fn is_region(s: &str) -> bool {
    crate::validate::region(s).is_ok()
}

/// Whether `s` is a 12-digit AWS account ID ([`crate::validate::account_id`]).
pub fn is_account_id(s: &str) -> bool {
    crate::validate::account_id(s).is_ok()
}

fn is_partition(s: &str) -> bool {
    s == CFN_PARTITION
        || (s.starts_with("aws")
            && s.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            && !s.ends_with('-'))
}

impl ResourceScope {
    /// No restriction: every statement keeps `"Resource": "*"`, as in the integration guides.
    /// Partition `aws`.
    pub fn all() -> Self {
        ResourceScope {
            partition: "aws".into(),
            region: None,
            account: None,
            default_region: "*".into(),
            default_account: "*".into(),
            glue_databases: Vec::new(),
            s3_locations: Vec::new(),
            athena_workgroups: Vec::new(),
            athena_data_catalogs: Vec::new(),
            datazone_domains: Vec::new(),
            glue_run_roles: Vec::new(),
            force_regional: false,
            errors: Vec::new(),
        }
    }

    fn reject(mut self, field: &'static str, reason: String) -> Self {
        self.errors.push((field, reason));
        self
    }

    /// The partition in ARNs: `aws` (default), `aws-cn`, `aws-us-gov`, ... or
    /// [`CFN_PARTITION`].
    pub fn partition(mut self, partition: &str) -> Self {
        if !is_partition(partition) {
            return self.reject(
                "partition",
                format!("{partition:?} is not an AWS partition"),
            );
        }
        self.partition = partition.to_owned();
        self
    }

    /// Restricts regional ARNs (Glue, Athena, DataZone) to one region.
    pub fn region(mut self, region: &str) -> Self {
        if !(is_region(region) || region == CFN_REGION) {
            return self.reject(
                "region",
                format!("{region:?} is not a region such as us-east-1"),
            );
        }
        self.region = Some(region.to_owned());
        self
    }

    /// Restricts Glue, Athena and DataZone ARNs to one account (the customer's).
    pub fn account(mut self, account_id: &str) -> Self {
        if !(is_account_id(account_id) || account_id == CFN_ACCOUNT_ID) {
            return self.reject(
                "account",
                format!("{account_id:?} is not a 12-digit account ID"),
            );
        }
        self.account = Some(account_id.to_owned());
        self
    }

    /// Restricts Glue to this database (all its tables). Can be called for several databases.
    /// A name with an IAM wildcard (`*`, `?`) is refused: see
    /// [`ResourceScope::glue_database_pattern`].
    pub fn glue_database(self, database: &str) -> Self {
        self.add_glue_database(database, false)
    }

    /// Restricts Glue to every database whose name matches `pattern`, IAM wildcards (`*`, `?`)
    /// included: `sales_*` grants `sales_eu` and `sales_us` and any later `sales_` database.
    pub fn glue_database_pattern(self, pattern: &str) -> Self {
        self.add_glue_database(pattern, true)
    }

    fn add_glue_database(mut self, database: &str, pattern: bool) -> Self {
        let method = Some("glue_database_pattern");
        if let Some(reason) = name_error("database name", database, pattern, method) {
            return self.reject("glue database", reason);
        }
        let name = database.to_lowercase();
        if !self.glue_databases.iter().any(|d| d.name == name) {
            self.glue_databases.push(GlueDatabaseScope {
                name,
                tables: Vec::new(),
            });
        }
        self
    }

    /// Restricts Glue to this table (and so its database and the catalog). A database given
    /// whole with [`ResourceScope::glue_database`] stays whole. Names with an IAM wildcard
    /// (`*`, `?`) are refused: see [`ResourceScope::glue_table_pattern`].
    pub fn glue_table(self, database: &str, table: &str) -> Self {
        self.add_glue_table(database, table, false)
    }

    /// Restricts Glue to the tables matching `table` in the databases matching `database`,
    /// IAM wildcards (`*`, `?`) included.
    pub fn glue_table_pattern(self, database: &str, table: &str) -> Self {
        self.add_glue_table(database, table, true)
    }

    fn add_glue_table(mut self, database: &str, table: &str, pattern: bool) -> Self {
        let method = Some("glue_table_pattern");
        if let Some(reason) = name_error("database name", database, pattern, method)
            .or_else(|| name_error("table name", table, pattern, method))
        {
            return self.reject("glue table", reason);
        }
        let (db, t) = (database.to_lowercase(), table.to_lowercase());
        match self.glue_databases.iter_mut().find(|d| d.name == db) {
            Some(d) if d.tables.is_empty() => {} // already the whole database
            Some(d) => {
                if !d.tables.contains(&t) {
                    d.tables.push(t);
                }
            }
            None => self.glue_databases.push(GlueDatabaseScope {
                name: db,
                tables: vec![t],
            }),
        }
        self
    }

    /// Restricts S3 to this whole bucket. Can be called for several buckets.
    pub fn s3_bucket(self, bucket: &str) -> Self {
        self.s3_location(bucket, None)
    }

    /// Restricts S3 to objects under `prefix` in `bucket`; listing the bucket is allowed only
    /// for keys under the prefix (an `s3:prefix` condition).
    pub fn s3_prefix(self, bucket: &str, prefix: &str) -> Self {
        self.s3_location(bucket, Some(prefix))
    }

    fn s3_location(mut self, bucket: &str, prefix: Option<&str>) -> Self {
        if !valid_bucket(bucket) {
            return self.reject("s3 bucket", format!("{bucket:?} is not an S3 bucket name"));
        }
        let prefix = prefix
            .map(|p| p.trim_matches('/'))
            .filter(|p| !p.is_empty());
        if let Some(p) = prefix {
            if p.chars()
                .any(|c| c.is_control() || matches!(c, '"' | '\\' | '$' | '*' | '?'))
            {
                return self.reject("s3 prefix", format!("{p:?} is not a plain key prefix"));
            }
        }
        let loc = S3Location {
            bucket: bucket.to_owned(),
            prefix: prefix.map(str::to_owned),
        };
        if !self.s3_locations.contains(&loc) {
            self.s3_locations.push(loc);
        }
        self
    }

    /// Restricts Athena query and workgroup actions to this workgroup (named exactly: a name
    /// with `*` or `?` is refused).
    pub fn athena_workgroup(mut self, workgroup: &str) -> Self {
        if let Some(reason) = name_error("workgroup name", workgroup, false, None) {
            return self.reject("athena workgroup", reason);
        }
        if !self.athena_workgroups.iter().any(|w| w == workgroup) {
            self.athena_workgroups.push(workgroup.to_owned());
        }
        self
    }

    /// Restricts Athena data catalog actions to this data catalog (e.g. `AwsDataCatalog`;
    /// named exactly: a name with `*` or `?` is refused).
    pub fn athena_data_catalog(mut self, catalog: &str) -> Self {
        if let Some(reason) = name_error("catalog name", catalog, false, None) {
            return self.reject("athena data catalog", reason);
        }
        if !self.athena_data_catalogs.iter().any(|c| c == catalog) {
            self.athena_data_catalogs.push(catalog.to_owned());
        }
        self
    }

    /// Restricts the DataZone actions that accept a domain ARN to this domain (`dzd_...`; a
    /// wildcard is refused).
    pub fn datazone_domain(mut self, domain_id: &str) -> Self {
        if let Some(reason) = name_error("domain id", domain_id, false, None) {
            return self.reject("datazone domain", reason);
        }
        if !self.datazone_domains.iter().any(|d| d == domain_id) {
            self.datazone_domains.push(domain_id.to_owned());
        }
        self
    }

    /// A role Glue's data-quality runs may run as (`iam:PassRole`, statement
    /// `LibraryGluePassRole`): its name, with its path if it has one
    /// (`service-role/MyGlueRole`). Can be called for several roles; without any, the policy
    /// names [`GLUE_RUN_ROLE_PATTERNS`]. A name with `*` or `?` is refused.
    pub fn glue_run_role(mut self, role: &str) -> Self {
        let role = role.trim_start_matches('/');
        let ok = !role.is_empty()
            && role.len() <= 512
            && role.split('/').all(|seg| {
                !seg.is_empty()
                    && seg
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
            })
            && role.rsplit('/').next().is_some_and(|n| n.len() <= 64);
        if !ok {
            let reason = if has_wildcard(role) {
                format!(
                    "{role:?} contains an IAM wildcard (* or ?), which would let any matching \
                     role be passed to Glue: name each role exactly"
                )
            } else {
                format!("{role:?} is not a role name (optionally with its path)")
            };
            return self.reject("glue run role", reason);
        }
        if !self.glue_run_roles.iter().any(|r| r == role) {
            self.glue_run_roles.push(role.to_owned());
        }
        self
    }

    /// The same scope for a CloudFormation template: partition `${AWS::Partition}`, and where
    /// no region or account was given, the stack's own (`${AWS::Region}`, `${AWS::AccountId}`)
    /// instead of `*`.
    pub fn for_template(&self) -> Self {
        let mut s = self.clone();
        s.partition = CFN_PARTITION.into();
        s.default_region = CFN_REGION.into();
        s.default_account = CFN_ACCOUNT_ID.into();
        s
    }

    /// The first invalid input given to the builder, if any.
    pub fn check(&self) -> Result<(), PolicyError> {
        match self.errors.first() {
            Some((field, reason)) => Err(PolicyError::InvalidInput {
                field,
                reason: reason.clone(),
            }),
            None => Ok(()),
        }
    }

    /// The partition used in ARNs.
    pub fn partition_name(&self) -> &str {
        &self.partition
    }

    /// The region used in regional ARNs (`*` when none was given).
    pub fn arn_region(&self) -> &str {
        self.region.as_deref().unwrap_or(&self.default_region)
    }

    /// The account used in ARNs (`*` when none was given).
    pub fn arn_account(&self) -> &str {
        self.account.as_deref().unwrap_or(&self.default_account)
    }

    /// The Glue databases (and tables) given.
    pub fn glue_databases(&self) -> &[GlueDatabaseScope] {
        &self.glue_databases
    }

    /// The S3 locations given.
    pub fn s3_locations(&self) -> &[S3Location] {
        &self.s3_locations
    }

    /// Whether nothing restricts any service: policies keep `"Resource": "*"`.
    pub fn is_unrestricted(&self) -> bool {
        !self.regional_restricted() && self.s3_locations.is_empty()
    }

    /// Restricts Glue, Athena and DataZone to ARNs even when no region, account or resource
    /// was given (region and account are then `*`, or the stack's own in a template).
    pub fn restrict_regional_services(mut self) -> Self {
        self.force_regional = true;
        self
    }

    fn regional_restricted(&self) -> bool {
        self.force_regional
            || self.region.is_some()
            || self.account.is_some()
            || !self.glue_databases.is_empty()
            || !self.athena_workgroups.is_empty()
            || !self.athena_data_catalogs.is_empty()
            || !self.datazone_domains.is_empty()
    }

    fn glue_restricted(&self) -> bool {
        self.force_regional
            || self.region.is_some()
            || self.account.is_some()
            || !self.glue_databases.is_empty()
    }

    fn athena_restricted(&self) -> bool {
        self.force_regional
            || self.region.is_some()
            || self.account.is_some()
            || !self.athena_workgroups.is_empty()
            || !self.athena_data_catalogs.is_empty()
    }

    fn datazone_restricted(&self) -> bool {
        self.force_regional
            || self.region.is_some()
            || self.account.is_some()
            || !self.datazone_domains.is_empty()
    }

    fn regional_arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition,
            self.arn_region(),
            self.arn_account()
        )
    }

    /// The ARNs a restricted policy names for a resource type, or `None` when this scope does
    /// not restrict it (the action then stays on `*`).
    pub fn arns(&self, resource_type: ResourceType) -> Option<Vec<String>> {
        use ResourceType as R;
        let glue = |r: &str| self.regional_arn("glue", r);
        let per_db = |all: &str, f: &dyn Fn(&GlueDatabaseScope) -> Vec<String>| {
            if self.glue_databases.is_empty() {
                vec![glue(all)]
            } else {
                self.glue_databases.iter().flat_map(f).collect()
            }
        };
        let out = match resource_type {
            R::GlueCatalog if self.glue_restricted() => vec![glue("catalog")],
            R::GlueDatabase if self.glue_restricted() => per_db("database/*", &|d| {
                vec![glue(&format!("database/{}", d.name))]
            }),
            R::GlueTable if self.glue_restricted() => per_db("table/*/*", &|d| {
                if d.tables.is_empty() {
                    vec![glue(&format!("table/{}/*", d.name))]
                } else {
                    d.tables
                        .iter()
                        .map(|t| glue(&format!("table/{}/{t}", d.name)))
                        .collect()
                }
            }),
            R::GlueTableVersion if self.glue_restricted() => per_db("tableVersion/*/*/*", &|d| {
                if d.tables.is_empty() {
                    vec![glue(&format!("tableVersion/{}/*/*", d.name))]
                } else {
                    d.tables
                        .iter()
                        .map(|t| glue(&format!("tableVersion/{}/{t}/*", d.name)))
                        .collect()
                }
            }),
            R::GlueUserDefinedFunction if self.glue_restricted() => {
                per_db("userDefinedFunction/*/*", &|d| {
                    vec![glue(&format!("userDefinedFunction/{}/*", d.name))]
                })
            }
            R::GlueDataQualityRuleset if self.glue_restricted() => {
                vec![glue("dataQualityRuleset/*")]
            }
            // Never `*`: a role that may be passed is always named (or the default pattern).
            R::IamRole => {
                let roles: Vec<&str> = if self.glue_run_roles.is_empty() {
                    GLUE_RUN_ROLE_PATTERNS.to_vec()
                } else {
                    self.glue_run_roles.iter().map(String::as_str).collect()
                };
                roles
                    .into_iter()
                    .map(|r| {
                        format!(
                            "arn:{}:iam::{}:role/{r}",
                            self.partition,
                            self.arn_account()
                        )
                    })
                    .collect()
            }
            R::AthenaWorkGroup if self.athena_restricted() => {
                if self.athena_workgroups.is_empty() {
                    vec![self.regional_arn("athena", "workgroup/*")]
                } else {
                    self.athena_workgroups
                        .iter()
                        .map(|w| self.regional_arn("athena", &format!("workgroup/{w}")))
                        .collect()
                }
            }
            R::AthenaDataCatalog if self.athena_restricted() => {
                if self.athena_data_catalogs.is_empty() {
                    vec![self.regional_arn("athena", "datacatalog/*")]
                } else {
                    self.athena_data_catalogs
                        .iter()
                        .map(|c| self.regional_arn("athena", &format!("datacatalog/{c}")))
                        .collect()
                }
            }
            R::S3Bucket if !self.s3_locations.is_empty() => {
                let mut v: Vec<String> = Vec::new();
                for l in &self.s3_locations {
                    let arn = l.bucket_arn(&self.partition);
                    if !v.contains(&arn) {
                        v.push(arn);
                    }
                }
                v
            }
            R::S3Object if !self.s3_locations.is_empty() => {
                // A whole bucket makes its prefixes redundant.
                self.s3_locations
                    .iter()
                    .filter(|l| {
                        l.prefix.is_none()
                            || !self
                                .s3_locations
                                .iter()
                                .any(|o| o.bucket == l.bucket && o.prefix.is_none())
                    })
                    .map(|l| l.object_arn(&self.partition))
                    .collect()
            }
            R::DataZoneDomain if self.datazone_restricted() => {
                if self.datazone_domains.is_empty() {
                    vec![self.regional_arn("datazone", "domain/*")]
                } else {
                    self.datazone_domains
                        .iter()
                        .map(|d| self.regional_arn("datazone", &format!("domain/{d}")))
                        .collect()
                }
            }
            _ => return None,
        };
        Some(out)
    }

    /// For each bucket restricted to prefixes only (no whole-bucket location): the bucket ARN
    /// and the `s3:prefix` patterns a listing must match (`prefix/*`).
    pub fn s3_prefix_listings(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for l in &self.s3_locations {
            let Some(p) = &l.prefix else { continue };
            if self
                .s3_locations
                .iter()
                .any(|o| o.bucket == l.bucket && o.prefix.is_none())
            {
                continue;
            }
            let arn = l.bucket_arn(&self.partition);
            let pattern = format!("{p}/*");
            match out.iter_mut().find(|(a, _)| *a == arn) {
                Some((_, v)) => {
                    if !v.contains(&pattern) {
                        v.push(pattern)
                    }
                }
                None => out.push((arn, vec![pattern])),
            }
        }
        out
    }

    /// The bucket ARNs that may be listed without a prefix condition.
    pub fn s3_whole_buckets(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for l in self.s3_locations.iter().filter(|l| l.prefix.is_none()) {
            let arn = l.bucket_arn(&self.partition);
            if !v.contains(&arn) {
                v.push(arn);
            }
        }
        v
    }
}
