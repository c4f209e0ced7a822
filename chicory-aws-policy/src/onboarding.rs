//! Everything a customer needs to onboard one integration, in one call: trust policy,
//! permission policies, CloudFormation template, quick-create link and CLI commands.
//!
//! ```
//! use chicory_aws_policy::onboarding::OnboardingRequest;
//! use chicory_aws_policy::trust::{chicory_external_id, VendorPrincipal};
//! use chicory_aws_policy::{AccessLevel, Integration, ResourceScope};
//!
//! let kit = OnboardingRequest::new(
//!     Integration::S3,
//!     AccessLevel::ReadOnly,
//!     VendorPrincipal::account("123456789012")?,
//!     &chicory_external_id("8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a"),
//! )
//! .scope(ResourceScope::all().s3_prefix("analytics-lake", "curated"))
//! .build()?;
//! assert!(kit.permission_policy.to_json_pretty().contains("arn:aws:s3:::analytics-lake/curated/*"));
//! assert!(kit.quick_create_link.contains("param_ExternalId=chicory-8f14e45f"));
//! # Ok::<(), chicory_aws_policy::PolicyError>(())
//! ```

use crate::action::AccessLevel;
use crate::cli::ManualSetup;
use crate::cloudformation::{
    QuickCreateLink, StackParameters, TemplateFormat, TemplateOptions, TemplatePrincipal,
};
use crate::document::PolicyDocument;
use crate::error::PolicyError;
use crate::permissions::{permission_policy, Integration, PolicyOptions};
use crate::scope::ResourceScope;
use crate::trust::{TrustPolicy, VendorPrincipal};

/// What the customer onboards and with whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnboardingRequest {
    /// The integration.
    pub integration: Integration,
    /// The access level.
    pub level: AccessLevel,
    /// The vendor principal the role trusts.
    pub vendor: VendorPrincipal,
    /// The External ID.
    pub external_id: String,
    /// Optional `sts:SourceIdentity` requirement.
    pub source_identity: Option<String>,
    /// The session tag keys the vendor will pass (`sts:TagSession`); empty: none.
    pub session_tag_keys: Vec<String>,
    /// Optional `aws:PrincipalOrgID` requirement.
    pub principal_org_id: Option<String>,
    /// Policy options (resource restriction, library extras).
    pub policy: PolicyOptions,
    /// The role name; the guide's CloudFormation default when `None`.
    pub role_name: Option<String>,
    /// Where the rendered template will be hosted; the guide's bucket when `None`.
    pub template_url: Option<String>,
}

impl OnboardingRequest {
    /// A request with the guide's defaults.
    pub fn new(
        integration: Integration,
        level: AccessLevel,
        vendor: VendorPrincipal,
        external_id: &str,
    ) -> Self {
        OnboardingRequest {
            integration,
            level,
            vendor,
            external_id: external_id.to_owned(),
            source_identity: None,
            session_tag_keys: Vec::new(),
            principal_org_id: None,
            policy: PolicyOptions::default(),
            role_name: None,
            template_url: None,
        }
    }

    /// Restrict resources.
    pub fn scope(mut self, scope: ResourceScope) -> Self {
        self.policy.scope = scope;
        self
    }

    /// With or without the library's extra statements.
    pub fn library_extras(mut self, on: bool) -> Self {
        self.policy.library_extras = on;
        self
    }

    /// Require a source identity.
    pub fn source_identity(mut self, value: &str) -> Self {
        self.source_identity = Some(value.to_owned());
        self
    }

    /// Let the vendor pass session tags with these keys on AssumeRole (the keys of the
    /// connection parameters' `session_tags`).
    pub fn session_tag_keys<S: AsRef<str>>(mut self, keys: impl IntoIterator<Item = S>) -> Self {
        self.session_tag_keys = keys.into_iter().map(|k| k.as_ref().to_owned()).collect();
        self
    }

    /// Require an AWS Organization.
    pub fn principal_org_id(mut self, org_id: &str) -> Self {
        self.principal_org_id = Some(org_id.to_owned());
        self
    }

    /// Another role name.
    pub fn role_name(mut self, name: &str) -> Self {
        self.role_name = Some(name.to_owned());
        self
    }

    /// Where the template will be hosted.
    pub fn template_url(mut self, url: &str) -> Self {
        self.template_url = Some(url.to_owned());
        self
    }

    /// Renders everything.
    pub fn build(&self) -> Result<Onboarding, PolicyError> {
        let mut trust = TrustPolicy::new(self.vendor.clone(), &self.external_id)?
            .partition(self.policy.scope.partition_name());
        if let Some(si) = &self.source_identity {
            trust = trust.require_source_identity(si)?;
        }
        if !self.session_tag_keys.is_empty() {
            trust = trust.allow_session_tags(&self.session_tag_keys)?;
        }
        if let Some(org) = &self.principal_org_id {
            trust = trust.require_principal_org_id(org)?;
        }
        let trust_policy = trust.document()?;
        let permission_policy = permission_policy(self.integration, self.level, &self.policy)?;

        let template_principal = match &self.vendor {
            VendorPrincipal::Account(_) => TemplatePrincipal::AccountId,
            VendorPrincipal::Arn(_) => TemplatePrincipal::PrincipalArn,
        };
        let mut template = TemplateOptions::new(self.integration)
            .principal(template_principal)
            .policy(self.policy.clone());
        template.source_identity = self.source_identity.clone();
        template.session_tag_keys = self.session_tag_keys.clone();
        template.principal_org_id = self.principal_org_id.clone();

        let role_name = self
            .role_name
            .clone()
            .unwrap_or_else(|| self.integration.default_role_name());
        let mut parameters = StackParameters::new(
            self.integration,
            self.vendor.account_id(),
            &self.external_id,
            self.level,
        )
        .with_role_name(&role_name);
        if let VendorPrincipal::Arn(arn) = &self.vendor {
            parameters = parameters.with_principal_arn(arn);
        }
        let mut link = QuickCreateLink::new(self.integration, &parameters);
        if let Some(url) = &self.template_url {
            if !url.starts_with("https://") || url.len() <= "https://".len() {
                return Err(PolicyError::InvalidInput {
                    field: "template_url",
                    reason: format!(
                        "{url:?} is not an HTTPS URL; CloudFormation reads the template from \
                         the https:// URL of the S3 object where the rendered template is hosted"
                    ),
                });
            }
            link = link.with_template_url(url);
        }
        let quick_create_link_note = self.link_note(&link.template_url);
        let manual = match &self.role_name {
            Some(name) => ManualSetup::with_role_name(
                self.integration,
                self.level,
                &trust,
                &self.policy,
                name,
            )?,
            None => ManualSetup::new(self.integration, self.level, &trust, &self.policy)?,
        };
        Ok(Onboarding {
            trust_policy,
            permission_policy,
            template_yaml: template.render(TemplateFormat::Yaml)?,
            template_json: template.render(TemplateFormat::Json)?,
            stack_parameters: parameters,
            quick_create_link: link.to_url(),
            quick_create_link_note,
            manual_setup: manual,
        })
    }

    /// Why the quick-create link does not deploy the rendered template, when it does not: it
    /// points at the guide's public template unless [`OnboardingRequest::template_url`] says
    /// where the rendered one is hosted.
    fn link_note(&self, guide_url: &str) -> Option<String> {
        if self.template_url.is_some() {
            return None;
        }
        let mut differs = Vec::new();
        if !self.policy.scope.is_unrestricted() {
            differs.push(
                "it is not restricted to the resources of the policy above (it grants \
                          every resource: \"Resource\": \"*\")",
            );
        }
        if self.policy.library_extras {
            differs.push("it lacks the library's Library* statements");
        }
        if self.source_identity.is_some()
            || !self.session_tag_keys.is_empty()
            || self.principal_org_id.is_some()
        {
            differs.push(
                "its trust policy lacks the source-identity, session-tag or organization \
                 statements and conditions",
            );
        }
        if differs.is_empty() {
            return None;
        }
        Some(format!(
            "This link deploys the guide's public template ({guide_url}), not the template \
             printed here: {}. To deploy the printed template, host it in S3 and pass its \
             URL (--template-url, OnboardingRequest::template_url).",
            differs.join("; ")
        ))
    }
}

/// The onboarding material for one integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Onboarding {
    /// The role's trust policy.
    pub trust_policy: PolicyDocument,
    /// The complete permission policy for the level.
    pub permission_policy: PolicyDocument,
    /// The CloudFormation template, YAML.
    pub template_yaml: String,
    /// The CloudFormation template, JSON.
    pub template_json: String,
    /// The stack's parameter values.
    pub stack_parameters: StackParameters,
    /// The quick-create console link.
    pub quick_create_link: String,
    /// Set when the link deploys a template other than the one rendered here (the guide's
    /// public template: unscoped, without the library's statements): says what differs and
    /// how to link to the rendered one. `None` when a template URL was given.
    pub quick_create_link_note: Option<String>,
    /// The manual method: files and AWS CLI commands.
    pub manual_setup: ManualSetup,
}

impl Onboarding {
    /// The template in `format`.
    pub fn template(&self, format: TemplateFormat) -> &str {
        match format {
            TemplateFormat::Yaml => &self.template_yaml,
            TemplateFormat::Json => &self.template_json,
        }
    }
}
