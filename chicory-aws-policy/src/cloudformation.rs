//! CloudFormation templates equivalent to the Chicory guide's three stacks, their parameters,
//! and the quick-create console link.
//!
//! Each template has the guide's parameters — `ChicoryAccountId` (12 digits; or
//! `ChicoryPrincipalArn` for a specific vendor role or user), `ExternalId`, `RoleName`,
//! `AccessLevel` (`ReadOnly` or `ReadWrite`) — one `AWS::IAM::Role` holding the ReadOnly
//! policy, the ReadWrite-only statements in a separate policy resource with
//! `Condition: IsReadWrite`, and the output `RoleArn`. ARNs use `${AWS::Partition}` (and the
//! stack's region and account when restricted without explicit ones).
//!
//! ```
//! use chicory_aws_policy::cloudformation::{template, QuickCreateLink, StackParameters, TemplateFormat};
//! use chicory_aws_policy::{AccessLevel, Integration};
//!
//! let yaml = template(Integration::Glue, TemplateFormat::Yaml)?;
//! assert!(yaml.contains("Type: AWS::IAM::Role"));
//! assert!(yaml.contains("Condition: IsReadWrite"));
//!
//! let params = StackParameters::new(Integration::Glue, "123456789012", "chicory-p1", AccessLevel::ReadOnly);
//! let link = QuickCreateLink::new(Integration::Glue, &params).to_url();
//! assert!(link.ends_with("&param_RoleName=GlueAccessRoleForChicory&param_AccessLevel=ReadOnly"));
//! # Ok::<(), chicory_aws_policy::PolicyError>(())
//! ```

use crate::action::AccessLevel;
use crate::actions::NOT_IN_SERVICE_AUTHORIZATION_REFERENCE;
use crate::document::PolicyDocument;
use crate::error::PolicyError;
use crate::limits::{check_trust_size, plan_role_policies, Attachment, NamedPolicy, PolicyKind};
use crate::node::Node;
use crate::permissions::{self, Integration, PolicyOptions};
use crate::scope::ResourceScope;
use crate::trust::{
    trust_document, validate_org_id, validate_session_tag_key, validate_source_identity,
    CHICORY_EXTERNAL_ID_PREFIX,
};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The parameter holding the vendor's account ID.
pub const PARAM_ACCOUNT_ID: &str = "ChicoryAccountId";
/// The parameter holding a vendor principal ARN (templates built with
/// [`TemplatePrincipal::PrincipalArn`]).
pub const PARAM_PRINCIPAL_ARN: &str = "ChicoryPrincipalArn";
/// The External ID parameter.
pub const PARAM_EXTERNAL_ID: &str = "ExternalId";
/// The role name parameter.
pub const PARAM_ROLE_NAME: &str = "RoleName";
/// The access level parameter.
pub const PARAM_ACCESS_LEVEL: &str = "AccessLevel";
/// The condition that attaches the write policy.
pub const CONDITION_IS_READ_WRITE: &str = "IsReadWrite";
/// The logical id of the role.
pub const ROLE_LOGICAL_ID: &str = "ChicoryAccessRole";
/// The output holding the role ARN.
pub const OUTPUT_ROLE_ARN: &str = "RoleArn";

/// `AllowedPattern` of `ChicoryAccountId`.
pub const ACCOUNT_ID_PATTERN: &str = r"^\d{12}$";
/// `AllowedPattern` of `ChicoryPrincipalArn`: an account root, role or user ARN.
pub const PRINCIPAL_ARN_PATTERN: &str =
    r"^arn:aws[a-z-]*:iam::\d{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)$";
/// `AllowedPattern` of `ExternalId`: the guide's `chicory-<project id>` format with STS's
/// External ID characters (`[\w+=,.@:/-]`), at most [`EXTERNAL_ID_MAX_LENGTH`] characters.
pub const EXTERNAL_ID_PATTERN: &str = r"^chicory-[\w+=,.@:/-]{1,248}$";
/// The longest External ID the template accepts. STS allows 1,224; the template caps it at
/// 256 (a Chicory External ID, `chicory-<uuid>`, has 44) so that the trust policy stays within
/// IAM's 2,048 characters whatever the parameters.
pub const EXTERNAL_ID_MAX_LENGTH: usize = 256;
/// `AllowedPattern` of `RoleName` (IAM role names).
pub const ROLE_NAME_PATTERN: &str = r"^[\w+=,.@-]{1,64}$";
/// Where the guide's templates are published.
pub const DEFAULT_TEMPLATE_BASE_URL: &str =
    "https://chicory-public-templates.s3.us-west-2.amazonaws.com/";
/// The console region of the guide's quick-create links.
pub const DEFAULT_CONSOLE_REGION: &str = "us-east-1";
/// The longest principal ARN the `ChicoryPrincipalArn` parameter accepts.
pub const PRINCIPAL_ARN_MAX_LENGTH: usize = 512;

/// YAML or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TemplateFormat {
    /// YAML with short-form intrinsic functions, as the guide publishes.
    #[default]
    Yaml,
    /// JSON.
    Json,
}

impl std::str::FromStr for TemplateFormat {
    type Err = PolicyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Ok(TemplateFormat::Yaml),
            "json" => Ok(TemplateFormat::Json),
            _ => Err(PolicyError::InvalidInput {
                field: "format",
                reason: format!("{s:?} is neither yaml nor json"),
            }),
        }
    }
}

/// How the template names the vendor principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TemplatePrincipal {
    /// A `ChicoryAccountId` parameter; trusts `arn:${AWS::Partition}:iam::<id>:root`.
    #[default]
    AccountId,
    /// A `ChicoryPrincipalArn` parameter; trusts exactly that role or user.
    PrincipalArn,
}

impl TemplatePrincipal {
    /// The parameter name.
    pub const fn parameter(self) -> &'static str {
        match self {
            TemplatePrincipal::AccountId => PARAM_ACCOUNT_ID,
            TemplatePrincipal::PrincipalArn => PARAM_PRINCIPAL_ARN,
        }
    }
}

/// What goes into a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateOptions {
    /// The integration.
    pub integration: Integration,
    /// Account-ID or principal-ARN parameter.
    pub principal: TemplatePrincipal,
    /// Policy options (scope and library extras); the scope is rendered with
    /// [`ResourceScope::for_template`].
    pub policy: PolicyOptions,
    /// A fixed `aws:PrincipalOrgID` the vendor principal must belong to.
    pub principal_org_id: Option<String>,
    /// A fixed `sts:SourceIdentity` the vendor must set.
    pub source_identity: Option<String>,
    /// The session tag keys the vendor may pass (`sts:TagSession`); empty: none.
    pub session_tag_keys: Vec<String>,
}

impl TemplateOptions {
    /// The guide's template for `integration` (with the library's extra statements).
    pub fn new(integration: Integration) -> Self {
        TemplateOptions {
            integration,
            principal: TemplatePrincipal::AccountId,
            policy: PolicyOptions::default(),
            principal_org_id: None,
            source_identity: None,
            session_tag_keys: Vec::new(),
        }
    }

    /// Trust a principal-ARN parameter instead of an account.
    pub fn principal(mut self, principal: TemplatePrincipal) -> Self {
        self.principal = principal;
        self
    }

    /// Use these policy options.
    pub fn policy(mut self, policy: PolicyOptions) -> Self {
        self.policy = policy;
        self
    }

    /// Restrict resources.
    pub fn scope(mut self, scope: ResourceScope) -> Self {
        self.policy.scope = scope;
        self
    }

    /// Require the vendor principal to be in this AWS Organization.
    pub fn principal_org_id(mut self, org_id: &str) -> Self {
        self.principal_org_id = Some(org_id.to_owned());
        self
    }

    /// Require the vendor to set this source identity.
    pub fn source_identity(mut self, source_identity: &str) -> Self {
        self.source_identity = Some(source_identity.to_owned());
        self
    }

    /// Let the vendor pass session tags with these keys (`sts:TagSession` in the trust policy).
    pub fn session_tag_keys<S: AsRef<str>>(mut self, keys: impl IntoIterator<Item = S>) -> Self {
        self.session_tag_keys = keys.into_iter().map(|k| k.as_ref().to_owned()).collect();
        self
    }

    /// The template text.
    pub fn render(&self, format: TemplateFormat) -> Result<String, PolicyError> {
        let node = self.build()?;
        Ok(match format {
            TemplateFormat::Yaml => node.to_yaml(),
            TemplateFormat::Json => {
                let mut s = node.to_json();
                s.push('\n');
                s
            }
        })
    }

    /// The parameter names of the template, in order.
    pub fn parameter_names(&self) -> [&'static str; 4] {
        [
            self.principal.parameter(),
            PARAM_EXTERNAL_ID,
            PARAM_ROLE_NAME,
            PARAM_ACCESS_LEVEL,
        ]
    }

    fn build(&self) -> Result<Node, PolicyError> {
        let integration = self.integration;
        if let Some(org) = &self.principal_org_id {
            validate_org_id(org)?;
        }
        if let Some(si) = &self.source_identity {
            validate_source_identity(si)?;
        }
        for k in &self.session_tag_keys {
            validate_session_tag_key(k)?;
        }
        let scope = self.policy.scope.for_template();
        let mut options = self.policy.clone();
        options.scope = scope;
        let read = permissions::permission_policy(integration, AccessLevel::ReadOnly, &options)?;
        let write = permissions::write_policy(integration, &options)?;
        // Sizes are measured with `${...}` references unsubstituted: each is at least as long
        // as the value it stands for, so a plan that fits here fits once deployed.
        let plan = plan_role_policies(vec![
            NamedPolicy::new(integration.policy_name(AccessLevel::ReadOnly), read),
            NamedPolicy::new(integration.policy_name(AccessLevel::ReadWrite), write),
        ])?;

        let principal_value = match self.principal {
            TemplatePrincipal::AccountId => {
                format!("arn:${{AWS::Partition}}:iam::${{{PARAM_ACCOUNT_ID}}}:root")
            }
            TemplatePrincipal::PrincipalArn => format!("${{{PARAM_PRINCIPAL_ARN}}}"),
        };
        let trust = trust_document(
            &principal_value,
            &format!("${{{PARAM_EXTERNAL_ID}}}"),
            self.source_identity.as_deref(),
            &self.session_tag_keys,
            self.principal_org_id.as_deref(),
        );
        // Worst case once deployed: the longest External ID and principal ARN allowed (an
        // account root ARN: a 12-digit account in a partition of at most 16 characters).
        let worst_principal = match self.principal {
            TemplatePrincipal::AccountId => {
                format!("arn:{}:iam::{}:root", "a".repeat(16), "0".repeat(12))
            }
            TemplatePrincipal::PrincipalArn => "a".repeat(PRINCIPAL_ARN_MAX_LENGTH),
        };
        let worst = trust_document(
            &worst_principal,
            &"a".repeat(EXTERNAL_ID_MAX_LENGTH),
            self.source_identity.as_deref(),
            &self.session_tag_keys,
            self.principal_org_id.as_deref(),
        );
        check_trust_size(&worst, PolicyKind::Trust)?;

        let params = self.parameter_names();
        let cfn = |doc: &PolicyDocument| -> Node {
            let value = serde_json::to_value(doc).expect("a policy serializes");
            // serde_json's map may sort keys; rebuild statements in IAM's element order.
            ordered_policy(&value).map_strings(&|s| cfn_string(s, &params))
        };

        let mut resources: Vec<(String, Node)> = Vec::new();
        let mut role_props: Vec<(String, Node)> = vec![
            ("RoleName".into(), Node::reference(PARAM_ROLE_NAME)),
            (
                "Description".into(),
                Node::s(format!(
                    "Cross-account access for Chicory to {}",
                    integration.description()
                )),
            ),
            ("MaxSessionDuration".into(), Node::Int(3600)),
            ("AssumeRolePolicyDocument".into(), cfn(&trust)),
        ];
        let role_ref = || Node::List(vec![Node::reference(ROLE_LOGICAL_ID)]);
        match plan.attachment {
            Attachment::Inline => {
                let read_policies: Vec<Node> = plan.parts[0]
                    .iter()
                    .map(|p| {
                        Node::map([
                            ("PolicyName", Node::s(p.name.clone())),
                            ("PolicyDocument", cfn(&p.document)),
                        ])
                    })
                    .collect();
                role_props.push(("Policies".into(), Node::List(read_policies)));
                let read_docs: Vec<&PolicyDocument> =
                    plan.parts[0].iter().map(|p| &p.document).collect();
                resources.push((
                    ROLE_LOGICAL_ID.into(),
                    resource("AWS::IAM::Role", None, &read_docs, role_props),
                ));
                for (i, p) in plan.parts[1].iter().enumerate() {
                    resources.push((
                        logical_id("ChicoryWriteAccessPolicy", i),
                        resource(
                            "AWS::IAM::Policy",
                            Some(CONDITION_IS_READ_WRITE),
                            &[&p.document],
                            vec![
                                ("PolicyName".into(), Node::s(p.name.clone())),
                                ("Roles".into(), role_ref()),
                                ("PolicyDocument".into(), cfn(&p.document)),
                            ],
                        ),
                    ));
                }
            }
            Attachment::Managed => {
                resources.push((
                    ROLE_LOGICAL_ID.into(),
                    resource("AWS::IAM::Role", None, &[], role_props),
                ));
                for (group, (base, condition)) in [
                    ("ChicoryReadAccessPolicy", None),
                    ("ChicoryWriteAccessPolicy", Some(CONDITION_IS_READ_WRITE)),
                ]
                .into_iter()
                .enumerate()
                {
                    for (i, p) in plan.parts[group].iter().enumerate() {
                        resources.push((
                            logical_id(base, i),
                            resource(
                                "AWS::IAM::ManagedPolicy",
                                condition,
                                &[&p.document],
                                vec![
                                    (
                                        "Description".into(),
                                        Node::s(format!("{} for Chicory", p.name)),
                                    ),
                                    ("Roles".into(), role_ref()),
                                    ("PolicyDocument".into(), cfn(&p.document)),
                                ],
                            ),
                        ));
                    }
                }
            }
        }

        let principal_param = match self.principal {
            TemplatePrincipal::AccountId => Node::map([
                ("Type", Node::s("String")),
                (
                    "Description",
                    Node::s("Chicory's AWS account ID (contact the Chicory team)"),
                ),
                ("AllowedPattern", Node::s(ACCOUNT_ID_PATTERN)),
                (
                    "ConstraintDescription",
                    Node::s("must be a 12-digit AWS account ID"),
                ),
            ]),
            TemplatePrincipal::PrincipalArn => Node::map([
                ("Type", Node::s("String")),
                (
                    "Description",
                    Node::s("The Chicory role or user ARN allowed to assume this role"),
                ),
                ("MaxLength", Node::Int(PRINCIPAL_ARN_MAX_LENGTH as i64)),
                ("AllowedPattern", Node::s(PRINCIPAL_ARN_PATTERN)),
                (
                    "ConstraintDescription",
                    Node::s("must be an IAM role, user or account root ARN"),
                ),
            ]),
        };
        let parameters = Node::map([
            (self.principal.parameter(), principal_param),
            (
                PARAM_EXTERNAL_ID,
                Node::map([
                    ("Type", Node::s("String")),
                    (
                        "Description",
                        Node::s(format!(
                            "Your unique External ID, in the {CHICORY_EXTERNAL_ID_PREFIX}<project_id> format"
                        )),
                    ),
                    ("MinLength", Node::Int(9)),
                    ("MaxLength", Node::Int(EXTERNAL_ID_MAX_LENGTH as i64)),
                    ("AllowedPattern", Node::s(EXTERNAL_ID_PATTERN)),
                    (
                        "ConstraintDescription",
                        Node::s("must be chicory-<project_id> (letters, digits and _+=,.@:/-)"),
                    ),
                ]),
            ),
            (
                PARAM_ROLE_NAME,
                Node::map([
                    ("Type", Node::s("String")),
                    ("Description", Node::s("Name for the IAM role")),
                    ("Default", Node::s(integration.default_role_name())),
                    ("AllowedPattern", Node::s(ROLE_NAME_PATTERN)),
                    (
                        "ConstraintDescription",
                        Node::s("must be 1-64 characters of letters, digits and _+=,.@-"),
                    ),
                ]),
            ),
            (
                PARAM_ACCESS_LEVEL,
                Node::map([
                    ("Type", Node::s("String")),
                    ("Description", Node::s("Choose ReadOnly or ReadWrite")),
                    ("Default", Node::s(AccessLevel::ReadOnly.as_str())),
                    (
                        "AllowedValues",
                        Node::List(AccessLevel::ALL.iter().map(|l| Node::s(l.as_str())).collect()),
                    ),
                ]),
            ),
        ]);

        Ok(Node::map([
            ("AWSTemplateFormatVersion", Node::s("2010-09-09")),
            (
                "Description",
                Node::s(format!(
                    "Chicory cross-account IAM role (External ID required) for {}, ReadOnly or ReadWrite",
                    integration.description()
                )),
            ),
            ("Parameters", parameters),
            (
                "Conditions",
                Node::map([(
                    CONDITION_IS_READ_WRITE,
                    Node::equals(
                        Node::reference(PARAM_ACCESS_LEVEL),
                        Node::s(AccessLevel::ReadWrite.as_str()),
                    ),
                )]),
            ),
            ("Resources", Node::Map(resources)),
            (
                "Outputs",
                Node::map([
                    (
                        OUTPUT_ROLE_ARN,
                        Node::map([
                            ("Description", Node::s("The role ARN to enter in Chicory")),
                            ("Value", Node::get_att(ROLE_LOGICAL_ID, "Arn")),
                        ]),
                    ),
                    (
                        "ExternalId",
                        Node::map([
                            ("Description", Node::s("The External ID the role requires")),
                            ("Value", Node::reference(PARAM_EXTERNAL_ID)),
                        ]),
                    ),
                ]),
            ),
        ]))
    }
}

fn logical_id(base: &str, i: usize) -> String {
    if i == 0 {
        base.to_owned()
    } else {
        format!("{base}{}", i + 1)
    }
}

fn resource(
    kind: &str,
    condition: Option<&str>,
    documents: &[&PolicyDocument],
    properties: Vec<(String, Node)>,
) -> Node {
    let mut m = vec![("Type".to_owned(), Node::s(kind))];
    if let Some(c) = condition {
        m.push(("Condition".to_owned(), Node::s(c)));
    }
    let undefined: Vec<String> = NOT_IN_SERVICE_AUTHORIZATION_REFERENCE
        .iter()
        .map(|a| a.iam_name())
        .filter(|a| {
            documents
                .iter()
                .any(|d| d.action_names().contains(&a.as_str()))
        })
        .collect();
    if !undefined.is_empty() {
        // The guide lists actions IAM does not define; cfn-lint warns about them (W3037).
        // They are kept so the policy is the guide's, and said so here.
        m.push((
            "Metadata".to_owned(),
            Node::map([
                (
                    "Comment",
                    Node::s(format!(
                        "{} are listed by the Chicory integration guide but are not IAM actions; \
                         they grant nothing and are kept only so the policy is the guide's (W3037 \
                         expected).",
                        undefined.join(", ")
                    )),
                ),
                (
                    "cfn-lint",
                    Node::map([(
                        "config",
                        Node::map([("ignore_checks", Node::List(vec![Node::s("W3037")]))]),
                    )]),
                ),
            ]),
        ));
    }
    m.push(("Properties".to_owned(), Node::Map(properties)));
    Node::Map(m)
}

/// A policy as a node with IAM's element order (Version, Statement; Sid, Effect, Principal,
/// Action, Resource, Condition), whatever order `value`'s map keeps.
fn ordered_policy(value: &serde_json::Value) -> Node {
    const DOC: &[&str] = &["Version", "Id", "Statement"];
    const STATEMENT: &[&str] = &[
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    ];
    let ordered =
        |v: &serde_json::Value, keys: &[&str], f: &dyn Fn(&str, &serde_json::Value) -> Node| {
            let obj = v.as_object().expect("policies are objects");
            Node::Map(
                keys.iter()
                    .filter_map(|k| obj.get(*k).map(|x| ((*k).to_owned(), f(k, x))))
                    .collect(),
            )
        };
    ordered(value, DOC, &|k, v| {
        if k == "Statement" {
            Node::List(
                v.as_array()
                    .expect("statements are a list")
                    .iter()
                    .map(|s| ordered(s, STATEMENT, &|_, x| Node::from_json(x)))
                    .collect(),
            )
        } else {
            Node::from_json(v)
        }
    })
}

/// A policy string in a template: `${Param}` alone becomes `!Ref Param`; a string with
/// `${AWS::...}` or `${Param}` references becomes `!Sub`, any other `${...}` (an IAM policy
/// variable) escaped as `${!...}`; anything else stays a string.
fn cfn_string(s: String, params: &[&str]) -> Node {
    let known = |name: &str| name.starts_with("AWS::") || params.contains(&name);
    if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        if params.contains(&name) && !name.contains("${") {
            return Node::reference(name);
        }
    }
    if !s.contains("${") {
        return Node::Str(s);
    }
    let mut out = String::new();
    let mut rest = s.as_str();
    let mut any_known = false;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let name = after.split('}').next().unwrap_or_default();
        if after.contains('}') && known(name) {
            any_known = true;
            out.push_str("${");
        } else {
            out.push_str("${!");
        }
        rest = after;
    }
    out.push_str(rest);
    if any_known {
        Node::sub(&out)
    } else {
        Node::Str(s)
    }
}

/// The guide's template for `integration` in `format` (account-ID parameter, no restriction,
/// with the library's extra statements).
pub fn template(integration: Integration, format: TemplateFormat) -> Result<String, PolicyError> {
    TemplateOptions::new(integration).render(format)
}

/// Values for a stack's parameters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StackParameters {
    /// `ChicoryAccountId` (or `ChicoryPrincipalArn`) parameter name and value.
    pub principal: (&'static str, String),
    /// `ExternalId`.
    pub external_id: String,
    /// `RoleName`.
    pub role_name: String,
    /// `AccessLevel`.
    pub access_level: AccessLevel,
}

impl StackParameters {
    /// Parameters for the account-ID template, with the guide's default role name.
    pub fn new(
        integration: Integration,
        vendor_account_id: &str,
        external_id: &str,
        access_level: AccessLevel,
    ) -> Self {
        StackParameters {
            principal: (PARAM_ACCOUNT_ID, vendor_account_id.to_owned()),
            external_id: external_id.to_owned(),
            role_name: integration.default_role_name(),
            access_level,
        }
    }

    /// Parameters for the principal-ARN template.
    pub fn with_principal_arn(mut self, arn: &str) -> Self {
        self.principal = (PARAM_PRINCIPAL_ARN, arn.to_owned());
        self
    }

    /// Another role name.
    pub fn with_role_name(mut self, role_name: &str) -> Self {
        self.role_name = role_name.to_owned();
        self
    }

    /// `(ParameterKey, ParameterValue)` pairs in the template's order, for CreateStack or the
    /// link.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            (self.principal.0, self.principal.1.clone()),
            (PARAM_EXTERNAL_ID, self.external_id.clone()),
            (PARAM_ROLE_NAME, self.role_name.clone()),
            (PARAM_ACCESS_LEVEL, self.access_level.as_str().to_owned()),
        ]
    }
}

/// What the link percent-encodes: everything but unreserved characters and `:` and `/`
/// (which a query value may hold as they are, RFC 3986), so the guide's links read as printed.
const LINK_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'/');

/// A CloudFormation console quick-create link in the guide's format.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QuickCreateLink {
    /// The console region (the guide's: `us-east-1`).
    pub console_region: String,
    /// The template's HTTPS URL.
    pub template_url: String,
    /// The stack name.
    pub stack_name: String,
    /// `param_<Name>=<value>` pairs, in order.
    pub parameters: Vec<(String, String)>,
}

impl QuickCreateLink {
    /// The guide's link for `integration`: template in Chicory's public bucket, the guide's
    /// stack name, these parameters.
    pub fn new(integration: Integration, parameters: &StackParameters) -> Self {
        QuickCreateLink {
            console_region: DEFAULT_CONSOLE_REGION.into(),
            template_url: format!(
                "{DEFAULT_TEMPLATE_BASE_URL}{}",
                integration.template_file_name()
            ),
            stack_name: integration.default_stack_name(),
            parameters: parameters
                .to_pairs()
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        }
    }

    /// Another template URL (e.g. where the vendor hosts the rendered template).
    pub fn with_template_url(mut self, url: &str) -> Self {
        self.template_url = url.to_owned();
        self
    }

    /// Another console region.
    pub fn with_console_region(mut self, region: &str) -> Self {
        self.console_region = region.to_owned();
        self
    }

    /// The URL: `https://console.aws.amazon.com/cloudformation/home?region=<r>#/stacks/create/review?templateURL=...&stackName=...&param_...`,
    /// each value percent-encoded.
    pub fn to_url(&self) -> String {
        let enc = |v: &str| utf8_percent_encode(v, LINK_VALUE).to_string();
        let mut url = format!(
            "https://console.aws.amazon.com/cloudformation/home?region={}#/stacks/create/review?templateURL={}&stackName={}",
            enc(&self.console_region),
            enc(&self.template_url),
            enc(&self.stack_name)
        );
        for (k, v) in &self.parameters {
            url.push_str(&format!("&param_{}={}", enc(k), enc(v)));
        }
        url
    }
}
