//! `chicory-aws onboarding`: prints what a customer runs to onboard one integration: the trust
//! policy, the permission policy, the CloudFormation template, the quick-create link and the
//! AWS CLI commands of the manual method. Needs only `chicory-aws-policy` (no AWS SDK, no
//! network); `chicory-aws-policy/tests/example_onboarding.rs` compiles this file on its own.
//!
//! ```text
//! chicory-aws onboarding \
//!     --service glue --level ReadOnly \
//!     --vendor-account 123456789012 \
//!     --external-id chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a \
//!     --database sales --bucket analytics-lake --prefix curated --format yaml \
//!     --template-url https://vendor-templates.s3.amazonaws.com/acme/glue.yaml
//! ```
//!
//! Without `--template-url` the quick-create link deploys the guide's public template, which
//! is not the printed one (unscoped, without the library's statements): the output says so
//! under the link.

use chicory_aws_policy::cloudformation::TemplateFormat;
use chicory_aws_policy::onboarding::OnboardingRequest;
use chicory_aws_policy::trust::VendorPrincipal;
use chicory_aws_policy::{AccessLevel, Integration, ResourceScope};
use clap::Parser;
use std::io::Write;

#[derive(Debug, Parser)]
#[command(about = "Print a customer's AWS onboarding material for one chicory-aws integration")]
pub struct Args {
    /// The integration: glue (with Athena and S3), datazone or s3.
    #[arg(long)]
    service: Integration,
    /// The access level the customer grants: ReadOnly or ReadWrite.
    #[arg(long, default_value = "ReadOnly")]
    level: AccessLevel,
    /// The vendor's 12-digit AWS account ID (trusted as the account root).
    #[arg(long, required_unless_present = "vendor_principal")]
    vendor_account: Option<String>,
    /// Trust only this vendor role or user ARN instead of the whole vendor account.
    #[arg(long)]
    vendor_principal: Option<String>,
    /// The External ID the role requires, `chicory-<project uuid>`.
    #[arg(long)]
    external_id: String,
    /// Restrict S3 to this bucket (repeatable).
    #[arg(long)]
    bucket: Vec<String>,
    /// Restrict S3 to this key prefix in every --bucket.
    #[arg(long, requires = "bucket")]
    prefix: Option<String>,
    /// Restrict Glue to this database (repeatable).
    #[arg(long)]
    database: Vec<String>,
    /// Restrict Glue, Athena and DataZone ARNs to this region.
    #[arg(long)]
    region: Option<String>,
    /// Restrict Glue, Athena and DataZone ARNs to this (customer) account.
    #[arg(long)]
    account: Option<String>,
    /// The template format: yaml or json.
    #[arg(long, default_value = "yaml")]
    format: TemplateFormat,
    /// The source identity the vendor sets on AssumeRole (`source_identity` of its
    /// connection parameters): the trust policy requires it and allows sts:SetSourceIdentity.
    #[arg(long)]
    source_identity: Option<String>,
    /// A session tag key the vendor passes on AssumeRole (the keys of `session_tags` in its
    /// connection parameters; repeatable): the trust policy allows sts:TagSession for them.
    #[arg(long)]
    session_tag_key: Vec<String>,
    /// The https:// URL where you host the printed template: the quick-create link then
    /// deploys it. Without it, the link deploys the guide's public template (unscoped, without
    /// the library's statements), and the output says so.
    #[arg(long)]
    template_url: Option<String>,
}

/// Writes the onboarding material `args` describe to `out`.
pub fn print(args: &Args, out: &mut impl Write) -> Result<(), Box<dyn std::error::Error>> {
    let vendor = match (&args.vendor_principal, &args.vendor_account) {
        (Some(arn), _) => VendorPrincipal::arn(arn)?,
        (None, Some(account)) => VendorPrincipal::account(account)?,
        (None, None) => return Err("--vendor-account or --vendor-principal is required".into()),
    };

    let mut scope = ResourceScope::all();
    if let Some(region) = &args.region {
        scope = scope.region(region);
    }
    if let Some(account) = &args.account {
        scope = scope.account(account);
    }
    for database in &args.database {
        scope = scope.glue_database(database);
    }
    for bucket in &args.bucket {
        scope = match &args.prefix {
            Some(prefix) => scope.s3_prefix(bucket, prefix),
            None => scope.s3_bucket(bucket),
        };
    }

    let mut request = OnboardingRequest::new(args.service, args.level, vendor, &args.external_id)
        .scope(scope)
        .session_tag_keys(&args.session_tag_key);
    if let Some(si) = &args.source_identity {
        request = request.source_identity(si);
    }
    if let Some(url) = &args.template_url {
        request = request.template_url(url);
    }
    let kit = request.build()?;
    let integration = args.service;
    let level = args.level;
    let template_file = match args.format {
        TemplateFormat::Yaml => integration.template_file_name().to_owned(),
        TemplateFormat::Json => integration.template_file_name().replace(".yaml", ".json"),
    };

    writeln!(out, "== Trust policy (trust-policy.json) ==")?;
    writeln!(out, "{}\n", kit.trust_policy.to_json_pretty())?;
    writeln!(
        out,
        "== Permission policy ({}, {} characters as IAM counts them) ==",
        integration.policy_name(level),
        kit.permission_policy.iam_size()
    )?;
    writeln!(out, "{}\n", kit.permission_policy.to_json_pretty())?;
    writeln!(out, "== CloudFormation template ({template_file}) ==")?;
    writeln!(out, "{}", kit.template(args.format))?;
    writeln!(out, "== Stack parameters ==")?;
    for (key, value) in kit.stack_parameters.to_pairs() {
        writeln!(out, "{key}={value}")?;
    }
    writeln!(out)?;
    writeln!(out, "== Quick-create link ==")?;
    writeln!(out, "{}", kit.quick_create_link)?;
    if let Some(note) = &kit.quick_create_link_note {
        writeln!(out, "NOTE: {note}")?;
    }
    writeln!(out)?;
    writeln!(out, "== Manual setup (AWS CLI) ==")?;
    write!(out, "{}", kit.manual_setup.to_shell_script())?;
    Ok(())
}
