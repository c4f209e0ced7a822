//! Each template deploys on the local emulator's CloudFormation (moto, IAM enforcement on); the
//! vendor principal assumes the created role only with the right External ID; a ReadOnly role
//! is denied a write action by the server and a ReadWrite role is allowed it.
//!
//! Needs the emulator: `bash scripts/emulator.sh start` (started automatically if possible).

use chicory_aws_core::{AccessLevel, ConnectionParams, Error, ErrorKind};
use chicory_aws_policy::cloudformation::{
    StackParameters, TemplateFormat, TemplateOptions, TemplatePrincipal, OUTPUT_ROLE_ARN,
};
use chicory_aws_policy::permissions::Integration;
use chicory_aws_testkit::{unique, Emulator, Vendor};

/// Deploys the integration's template for `vendor` and returns the role ARN output.
async fn deploy(
    integration: Integration,
    format: TemplateFormat,
    level: AccessLevel,
    principal: TemplatePrincipal,
    vendor: &Vendor,
    external_id: &str,
) -> String {
    let options = TemplateOptions::new(integration).principal(principal);
    deploy_template(&options, format, level, vendor, external_id).await
}

/// Deploys the template `options` describe for `vendor` and returns the role ARN output.
async fn deploy_template(
    options: &TemplateOptions,
    format: TemplateFormat,
    level: AccessLevel,
    vendor: &Vendor,
    external_id: &str,
) -> String {
    let emu = Emulator::get();
    let (integration, principal) = (options.integration, options.principal);
    let template = options.render(format).unwrap();
    let mut params = StackParameters::new(integration, emu.account_id(), external_id, level)
        .with_role_name(&unique("ChicoryRole"));
    if principal == TemplatePrincipal::PrincipalArn {
        params = params.with_principal_arn(&vendor.arn);
    }
    let admin = emu.admin_config().await;
    // As the quick-create link does, the stack reads the template from S3. (A large
    // TemplateBody in the form-encoded request trips moto's signature recomputation.)
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&admin)
            .force_path_style(true)
            .build(),
    );
    let bucket = unique("chicory-templates");
    s3.create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("template bucket");
    s3.put_object()
        .bucket(&bucket)
        .key("template")
        .body(template.into_bytes().into())
        .send()
        .await
        .expect("upload template");
    let cfn = aws_sdk_cloudformation::Client::new(&admin);
    let stack = unique("chicory-stack");
    let mut req = cfn
        .create_stack()
        .stack_name(&stack)
        .template_url(format!("https://s3.amazonaws.com/{bucket}/template"))
        .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityNamedIam);
    for (k, v) in params.to_pairs() {
        req = req.parameters(
            aws_sdk_cloudformation::types::Parameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build(),
        );
    }
    req.send().await.expect("create stack");
    let out = cfn
        .describe_stacks()
        .stack_name(&stack)
        .send()
        .await
        .unwrap();
    let s = &out.stacks()[0];
    assert_eq!(
        s.stack_status().map(|x| x.as_str()),
        Some("CREATE_COMPLETE"),
        "{:?}",
        s.stack_status_reason()
    );
    s.outputs()
        .iter()
        .find(|o| o.output_key() == Some(OUTPUT_ROLE_ARN))
        .and_then(|o| o.output_value())
        .expect("RoleArn output")
        .to_owned()
}

async fn assume(
    vendor: &Vendor,
    role: &str,
    external_id: &str,
    level: AccessLevel,
) -> Result<chicory_aws_core::Connection, Error> {
    let emu = Emulator::get();
    let params = ConnectionParams::assume_role(role, external_id)
        .unwrap()
        .with_region(emu.region())
        .unwrap()
        // The level the *connection* claims; the server decides by the role's policies.
        .with_access_level(level);
    emu.connection(vendor, params).connect().await
}

fn external_id() -> String {
    format!("chicory-{}", uuid_like())
}

fn uuid_like() -> String {
    unique("p").trim_start_matches("p-").to_owned()
}

async fn s3_write(conn: &chicory_aws_core::Connection) -> Result<(), Error> {
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(conn.unchecked_sdk_config())
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket()
        .bucket(unique("chicory-deploy"))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| Error::from_sdk(e, chicory_aws_core::actions::s3::CREATE_BUCKET))
}

async fn athena_write(conn: &chicory_aws_core::Connection) -> Result<(), Error> {
    aws_sdk_athena::Client::new(conn.unchecked_sdk_config())
        .create_work_group()
        .name(unique("wg"))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| Error::from_sdk(e, chicory_aws_core::actions::athena::CREATE_WORK_GROUP))
}

async fn check(integration: Integration, format: TemplateFormat, principal: TemplatePrincipal) {
    let emu = Emulator::get();
    for level in [AccessLevel::ReadOnly, AccessLevel::ReadWrite] {
        let vendor = emu.vendor().await;
        let ext = external_id();
        let role = deploy(integration, format, level, principal, &vendor, &ext).await;

        // Only the right External ID opens the role.
        let wrong = assume(&vendor, &role, &external_id(), level)
            .await
            .unwrap_err();
        assert_eq!(wrong.kind(), ErrorKind::AccessDenied, "{wrong}");
        let conn = assume(&vendor, &role, &ext, AccessLevel::ReadWrite)
            .await
            .unwrap();

        // A write action the template grants only at ReadWrite (DataZone is not served by the
        // emulator, so its write check is the policy-document test in tests/).
        let write = match integration {
            Integration::S3 => Some(s3_write(&conn).await),
            Integration::Glue => Some(athena_write(&conn).await),
            _ => None,
        };
        if let Some(result) = write {
            match level {
                AccessLevel::ReadOnly => {
                    let e = result.unwrap_err();
                    assert_eq!(e.kind(), ErrorKind::AccessDenied, "{integration:?}: {e}");
                }
                _ => result.unwrap_or_else(|e| panic!("{integration:?} ReadWrite write: {e}")),
            }
        }
    }
}

#[tokio::test]
async fn glue_template_deploys_and_gates_writes_by_access_level() {
    // The guide's form: the vendor account root (ChicoryAccountId) is trusted.
    check(
        Integration::Glue,
        TemplateFormat::Yaml,
        TemplatePrincipal::AccountId,
    )
    .await;
}

#[tokio::test]
async fn s3_template_deploys_and_gates_writes_by_access_level() {
    check(
        Integration::S3,
        TemplateFormat::Json,
        TemplatePrincipal::AccountId,
    )
    .await;
    // Polytomic's "restrict to a role": only the named vendor principal.
    check(
        Integration::S3,
        TemplateFormat::Yaml,
        TemplatePrincipal::PrincipalArn,
    )
    .await;
}

#[tokio::test]
async fn datazone_template_deploys_and_trusts_only_the_external_id() {
    check(
        Integration::DataZone,
        TemplateFormat::Yaml,
        TemplatePrincipal::AccountId,
    )
    .await;
}

#[tokio::test]
async fn a_template_for_session_tags_and_a_source_identity_accepts_them() {
    // The vendor's parameters carry a source identity and session tags: the template rendered
    // for them (TemplateOptions::source_identity / session_tag_keys) lets the role be assumed
    // with both, and still refuses an undeclared tag key (issue 11, item 4a).
    let emu = Emulator::get();
    let vendor = emu.vendor().await;
    let ext = external_id();
    let options = TemplateOptions::new(Integration::S3)
        .source_identity("chicory-scanner")
        .session_tag_keys(["customer"]);
    let role = deploy_template(
        &options,
        TemplateFormat::Yaml,
        AccessLevel::ReadOnly,
        &vendor,
        &ext,
    )
    .await;
    let params = |tags: serde_json::Value| {
        ConnectionParams::from_json(
            &serde_json::json!({
                "role_arn": role, "external_id": ext, "region": emu.region(),
                "source_identity": "chicory-scanner", "session_tags": tags,
            })
            .to_string(),
        )
        .unwrap()
    };
    emu.connection(&vendor, params(serde_json::json!({"customer": "acme"})))
        .connect()
        .await
        .expect("the declared tag and source identity");
    let e = emu
        .connection(&vendor, params(serde_json::json!({"admin": "true"})))
        .connect()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AccessDenied, "{e}");
}
