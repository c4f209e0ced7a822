//! Trust policies, the quick-create link, the manual setup script, resource restriction and
//! the all-in-one onboarding bundle.

mod common;

use chicory_aws_policy::cloudformation::{QuickCreateLink, StackParameters};
use chicory_aws_policy::onboarding::OnboardingRequest;
use chicory_aws_policy::permissions::{bucket_prefix_read_policy, permission_policy};
use chicory_aws_policy::trust::{
    chicory_external_id, validate_external_id, TrustPolicy, VendorPrincipal,
};
use chicory_aws_policy::{
    AccessLevel, Integration, PolicyError, PolicyOptions, ResourceScope, ResourceType,
};

#[test]
fn trust_policy_conditions() {
    let ext = chicory_external_id("8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a");
    assert_eq!(ext, "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a");
    let doc = TrustPolicy::new(VendorPrincipal::account("123456789012").unwrap(), &ext)
        .unwrap()
        .require_source_identity("chicory-scanner")
        .unwrap()
        .require_principal_org_id("o-a1b2c3d4e5")
        .unwrap()
        .document()
        .unwrap();
    let assume = &doc.statements[0];
    assert_eq!(assume.action_names(), ["sts:AssumeRole"]);
    let eq = &assume.condition["StringEquals"];
    assert_eq!(eq["sts:ExternalId"].values(), [ext.as_str()]);
    assert_eq!(eq["sts:SourceIdentity"].values(), ["chicory-scanner"]);
    assert_eq!(eq["aws:PrincipalOrgID"].values(), ["o-a1b2c3d4e5"]);
    // Setting a source identity needs sts:SetSourceIdentity, for that value only.
    let set = &doc.statements[1];
    assert_eq!(set.action_names(), ["sts:SetSourceIdentity"]);
    assert_eq!(
        set.condition["StringEquals"]["sts:SourceIdentity"].values(),
        ["chicory-scanner"]
    );
    assert_eq!(set.principal, assume.principal);
}

#[test]
fn trust_policy_principals() {
    let role = "arn:aws:iam::568237466542:role/convox/prod-polytomic-ServiceRole-1ELGH39L0GCHT";
    let p = VendorPrincipal::arn(role).unwrap();
    assert_eq!(p.account_id(), "568237466542");
    let doc = TrustPolicy::new(p, "0000").unwrap().document().unwrap();
    assert_eq!(
        doc.statements[0]
            .principal
            .as_ref()
            .unwrap()
            .aws_principals(),
        [role]
    );
    // A root ARN is the account.
    assert_eq!(
        VendorPrincipal::arn("arn:aws:iam::123456789012:root").unwrap(),
        VendorPrincipal::Account("123456789012".into())
    );
    let gov = TrustPolicy::new(
        VendorPrincipal::account("123456789012").unwrap(),
        "chicory-x",
    )
    .unwrap()
    .partition("aws-us-gov")
    .document()
    .unwrap();
    assert_eq!(
        gov.statements[0]
            .principal
            .as_ref()
            .unwrap()
            .aws_principals(),
        ["arn:aws-us-gov:iam::123456789012:root"]
    );
}

#[test]
fn bad_trust_inputs_name_the_field() {
    let field = |e: PolicyError| match e {
        PolicyError::InvalidInput { field, .. } => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(VendorPrincipal::account("12345").unwrap_err()),
        "vendor_account"
    );
    for bad in [
        "arn:aws:iam::123:role/x",
        "arn:aws:s3:::bucket",
        "arn:aws:iam::123456789012:group/devs",
        "arn:aws:iam::123456789012:role/",
        "role/x",
    ] {
        assert_eq!(
            field(VendorPrincipal::arn(bad).unwrap_err()),
            "vendor_principal",
            "{bad}"
        );
    }
    for bad in ["x", "has space", "quote\"", &"a".repeat(1225)] {
        assert_eq!(
            field(validate_external_id(bad).unwrap_err()),
            "external_id",
            "{bad}"
        );
    }
    validate_external_id(&"a".repeat(1224)).unwrap();
    validate_external_id("chicory-proj-abc123").unwrap();
    let t = TrustPolicy::new(VendorPrincipal::account("123456789012").unwrap(), "ok").unwrap();
    assert_eq!(
        field(t.clone().require_principal_org_id("org-1").unwrap_err()),
        "principal_org_id"
    );
    assert_eq!(
        field(t.require_source_identity("a b").unwrap_err()),
        "source_identity"
    );
}

#[test]
fn link_values_are_percent_encoded() {
    let params = StackParameters::new(
        Integration::S3,
        "123456789012",
        "chicory-a&b=c d#e",
        AccessLevel::ReadWrite,
    )
    .with_role_name("My+Role");
    let url = QuickCreateLink::new(Integration::S3, &params)
        .with_template_url("https://example.com/t.yaml?version=2&x=1")
        .to_url();
    assert_eq!(
        url,
        "https://console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/create/review\
         ?templateURL=https://example.com/t.yaml%3Fversion%3D2%26x%3D1\
         &stackName=ChicoryS3Access\
         &param_ChicoryAccountId=123456789012\
         &param_ExternalId=chicory-a%26b%3Dc%20d%23e\
         &param_RoleName=My%2BRole\
         &param_AccessLevel=ReadWrite"
    );
    let arn = StackParameters::new(
        Integration::Glue,
        "123456789012",
        "chicory-p",
        AccessLevel::ReadOnly,
    )
    .with_principal_arn("arn:aws:iam::123456789012:role/vendor");
    assert!(QuickCreateLink::new(Integration::Glue, &arn)
        .to_url()
        .contains("&param_ChicoryPrincipalArn=arn:aws:iam::123456789012:role/vendor&"));
}

#[test]
fn shell_script_writes_every_file_before_the_commands() {
    let kit = OnboardingRequest::new(
        Integration::DataZone,
        AccessLevel::ReadWrite,
        VendorPrincipal::account("123456789012").unwrap(),
        "chicory-p1",
    )
    .build()
    .unwrap();
    let script = kit.manual_setup.to_shell_script();
    let first_command = script.find("aws iam create-role").unwrap();
    for f in &kit.manual_setup.files {
        let at = script
            .find(&format!(
                "cat > {} <<'EOF'\n{}\nEOF",
                f.file_name, f.contents
            ))
            .unwrap();
        assert!(
            at < first_command,
            "{} written after the commands",
            f.file_name
        );
    }
    assert!(script.contains("--policy-name DataZoneReadWriteAccess"));
    assert_eq!(
        kit.permission_policy,
        permission_policy(
            Integration::DataZone,
            AccessLevel::ReadWrite,
            &PolicyOptions::default()
        )
        .unwrap()
    );
    assert_eq!(
        kit.trust_policy,
        kit.manual_setup.files[0]
            .contents
            .parse::<String>()
            .map(|c| chicory_aws_policy::PolicyDocument::from_json(&c).unwrap())
            .unwrap()
    );
    assert!(kit.template_yaml.contains("DataZoneReadWriteAccess"));
    assert!(kit
        .quick_create_link
        .contains("chicory-datazone-crossaccount.yaml"));
}

#[test]
fn onboarding_for_a_vendor_role_uses_the_principal_arn_template() {
    let role = "arn:aws:iam::123456789012:role/chicory-prod";
    let kit = OnboardingRequest::new(
        Integration::S3,
        AccessLevel::ReadOnly,
        VendorPrincipal::arn(role).unwrap(),
        "chicory-p1",
    )
    .role_name("ChicoryS3Reader")
    .template_url("https://vendor.example/s3.yaml")
    .build()
    .unwrap();
    assert!(kit.template_json.contains("\"ChicoryPrincipalArn\""));
    assert!(!kit.template_json.contains("\"ChicoryAccountId\""));
    assert!(kit
        .quick_create_link
        .contains(&format!("param_ChicoryPrincipalArn={role}")));
    assert!(kit
        .quick_create_link
        .contains("param_RoleName=ChicoryS3Reader"));
    assert!(kit
        .quick_create_link
        .contains("templateURL=https://vendor.example/s3.yaml&"));
    assert_eq!(kit.manual_setup.role_name, "ChicoryS3Reader");
}

#[test]
fn resource_scope_validates_and_builds_glue_ancestors() {
    let scope = ResourceScope::all()
        .region("us-west-2")
        .account("123456789012")
        .glue_table("Sales", "Orders")
        .glue_database("sales"); // the whole database now
    assert_eq!(
        scope.arns(ResourceType::GlueTable).unwrap(),
        ["arn:aws:glue:us-west-2:123456789012:table/sales/orders"]
    );
    let whole = ResourceScope::all()
        .glue_database("sales")
        .glue_table("sales", "orders");
    assert_eq!(
        whole.arns(ResourceType::GlueTable).unwrap(),
        ["arn:aws:glue:*:*:table/sales/*"],
        "a whole database stays whole"
    );
    assert_eq!(
        whole.arns(ResourceType::GlueCatalog).unwrap(),
        ["arn:aws:glue:*:*:catalog"]
    );
    for (scope, field) in [
        (ResourceScope::all().region("mars-1"), "region"),
        (ResourceScope::all().account("12"), "account"),
        (ResourceScope::all().s3_bucket("Bad_Bucket"), "s3 bucket"),
        (
            ResourceScope::all().s3_prefix("good-bucket", "a*b"),
            "s3 prefix",
        ),
        (
            ResourceScope::all().glue_database("has space"),
            "glue database",
        ),
        (ResourceScope::all().partition("azure"), "partition"),
    ] {
        match permission_policy(
            Integration::Glue,
            AccessLevel::ReadOnly,
            &PolicyOptions::default().with_scope(scope),
        ) {
            Err(PolicyError::InvalidInput { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn s3_prefixes_restrict_listing_with_a_prefix_condition() {
    let doc = permission_policy(
        Integration::S3,
        AccessLevel::ReadOnly,
        &PolicyOptions::default().with_scope(ResourceScope::all().s3_prefix("lake", "curated/")),
    )
    .unwrap();
    // ListBucket never appears without the condition on the prefixed bucket.
    for st in &doc.statements {
        if st.action_names().iter().any(|a| a == "s3:ListBucket") {
            assert_eq!(st.resource_patterns(), ["arn:aws:s3:::lake"]);
            assert_eq!(
                st.condition["StringLike"]["s3:prefix"].values(),
                ["curated/*"]
            );
        }
    }
    let objects = doc.statement("S3ObjectReadAccess").unwrap();
    assert_eq!(objects.resource_patterns(), ["arn:aws:s3:::lake/curated/*"]);
    let star = doc.statement("S3BucketReadAccessAllResources").unwrap();
    assert_eq!(star.action_names(), ["s3:ListAllMyBuckets"]);
    assert_eq!(star.resource_patterns(), ["*"]);

    let apperate = bucket_prefix_read_policy("lake", Some("/exports/"), "aws").unwrap();
    assert_eq!(
        apperate.statements.len(),
        3,
        "no unconditional ListBucket with a prefix"
    );
    assert_eq!(
        apperate.statements[0].condition["StringLike"]["s3:prefix"].values(),
        ["exports/*"]
    );
    assert_eq!(
        apperate.statements[1].resource_patterns(),
        ["arn:aws:s3:::lake/exports/*"]
    );
}

#[test]
fn wildcards_in_names_are_refused_unless_a_pattern_is_asked_for() {
    // A wildcard in a name would widen the scope it claims to narrow: `database/*` is every
    // database. Each is refused, naming the field and the fix.
    for (scope, field, fix) in [
        (
            ResourceScope::all().glue_database("*"),
            "glue database",
            "glue_database_pattern",
        ),
        (
            ResourceScope::all().glue_database("sales_?"),
            "glue database",
            "glue_database_pattern",
        ),
        (
            ResourceScope::all().glue_table("sales", "*"),
            "glue table",
            "glue_table_pattern",
        ),
        (
            ResourceScope::all().glue_table("sal*", "orders"),
            "glue table",
            "glue_table_pattern",
        ),
        (
            ResourceScope::all().athena_workgroup("prim*"),
            "athena workgroup",
            "name each one exactly",
        ),
        (
            ResourceScope::all().athena_data_catalog("*"),
            "athena data catalog",
            "name each one exactly",
        ),
        (
            ResourceScope::all().datazone_domain("dzd_*"),
            "datazone domain",
            "name each one exactly",
        ),
    ] {
        for integration in Integration::ALL {
            match permission_policy(
                integration,
                AccessLevel::ReadOnly,
                &PolicyOptions::default().with_scope(scope.clone()),
            ) {
                Err(PolicyError::InvalidInput { field: f, reason }) => {
                    assert_eq!(f, field);
                    assert!(reason.contains("wildcard"), "{reason}");
                    assert!(reason.contains(fix), "{field}: {reason}");
                }
                other => panic!("{field} {integration}: {other:?}"),
            }
        }
    }
    // Asked for explicitly, a pattern is rendered as given (lower-cased, as Glue stores names).
    let scope = ResourceScope::all()
        .region("us-west-2")
        .account("123456789012")
        .glue_database_pattern("Sales_*")
        .glue_table_pattern("lake", "events_?");
    scope.check().unwrap();
    assert_eq!(
        scope.arns(ResourceType::GlueDatabase).unwrap(),
        [
            "arn:aws:glue:us-west-2:123456789012:database/sales_*",
            "arn:aws:glue:us-west-2:123456789012:database/lake"
        ]
    );
    assert_eq!(
        scope.arns(ResourceType::GlueTable).unwrap(),
        [
            "arn:aws:glue:us-west-2:123456789012:table/sales_*/*",
            "arn:aws:glue:us-west-2:123456789012:table/lake/events_?"
        ]
    );
    // The pattern methods still refuse what is not a name at all.
    assert!(ResourceScope::all()
        .glue_database_pattern("has space*")
        .check()
        .is_err());
}

#[test]
fn glue_readwrite_may_pass_only_named_roles_and_only_to_glue() {
    use chicory_aws_policy::permissions::write_policy;
    let check = |doc: &chicory_aws_policy::PolicyDocument, roles: &[&str]| {
        let st = doc
            .statement("LibraryGluePassRole")
            .expect("the ReadWrite Glue policy has LibraryGluePassRole");
        assert_eq!(st.action_names(), ["iam:PassRole"]);
        assert_eq!(st.resource_patterns(), roles);
        assert_eq!(
            st.condition["StringEquals"]["iam:PassedToService"].values(),
            ["glue.amazonaws.com"]
        );
        assert_eq!(st.condition.len(), 1);
        // Nothing else in the policy grants iam:PassRole.
        let granting: Vec<_> = doc
            .statements
            .iter()
            .filter(|s| s.action_names().iter().any(|a| a == "iam:PassRole"))
            .collect();
        assert_eq!(granting.len(), 1);
    };
    // Default: the Glue console's service-role names, in any account (unscoped policy).
    let rw = permission_policy(
        Integration::Glue,
        AccessLevel::ReadWrite,
        &PolicyOptions::default(),
    )
    .unwrap();
    check(
        &rw,
        &[
            "arn:aws:iam::*:role/AWSGlueServiceRole*",
            "arn:aws:iam::*:role/service-role/AWSGlueServiceRole*",
        ],
    );
    // The ReadWrite-only part (what the templates attach conditionally) has it too.
    check(
        &write_policy(Integration::Glue, &PolicyOptions::default()).unwrap(),
        &[
            "arn:aws:iam::*:role/AWSGlueServiceRole*",
            "arn:aws:iam::*:role/service-role/AWSGlueServiceRole*",
        ],
    );
    // Named roles, in the customer's account and partition.
    let scope = ResourceScope::all()
        .partition("aws-us-gov")
        .account("123456789012")
        .glue_run_role("service-role/DataQualityRole")
        .glue_run_role("/GlueDq");
    let rw = permission_policy(
        Integration::Glue,
        AccessLevel::ReadWrite,
        &PolicyOptions::default().with_scope(scope),
    )
    .unwrap();
    check(
        &rw,
        &[
            "arn:aws-us-gov:iam::123456789012:role/service-role/DataQualityRole",
            "arn:aws-us-gov:iam::123456789012:role/GlueDq",
        ],
    );
    // Never in ReadOnly, never in the guide-only policies, never in other integrations.
    for (integration, level, options) in [
        (
            Integration::Glue,
            AccessLevel::ReadOnly,
            PolicyOptions::default(),
        ),
        (
            Integration::Glue,
            AccessLevel::ReadWrite,
            PolicyOptions::spec_only(),
        ),
        (
            Integration::S3,
            AccessLevel::ReadWrite,
            PolicyOptions::default(),
        ),
        (
            Integration::DataZone,
            AccessLevel::ReadWrite,
            PolicyOptions::default(),
        ),
    ] {
        let doc = permission_policy(integration, level, &options).unwrap();
        assert!(
            !doc.action_names().contains(&"iam:PassRole"),
            "{integration} {level}"
        );
    }
    // A wildcard or a malformed role is refused, naming the field.
    for bad in ["*", "Glue*", "role name", ""] {
        match ResourceScope::all().glue_run_role(bad).check() {
            Err(PolicyError::InvalidInput { field, .. }) => assert_eq!(field, "glue run role"),
            other => panic!("{bad:?}: {other:?}"),
        }
    }
}
