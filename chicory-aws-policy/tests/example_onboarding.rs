//! The `chicory-aws onboarding` subcommand (examples/src/bin/chicory-aws/onboarding.rs)
//! compiled against this crate and run on arguments, so the example cannot rot while the examples crate (which needs the
//! AWS SDK) is not built.

#[allow(dead_code)]
#[path = "../../examples/src/bin/chicory-aws/onboarding.rs"]
mod onboarding;

use chicory_aws_policy::PolicyDocument;

fn run(args: &[&str]) -> Result<String, String> {
    let mut out = Vec::new();
    let mut argv = vec!["onboarding"];
    argv.extend_from_slice(args);
    let args =
        <onboarding::Args as clap::Parser>::try_parse_from(argv).map_err(|e| e.to_string())?;
    onboarding::print(&args, &mut out).map_err(|e| e.to_string())?;
    Ok(String::from_utf8(out).unwrap())
}

/// The JSON block printed after a section heading.
fn section_json(text: &str, heading: &str) -> PolicyDocument {
    let start = text.find(heading).unwrap_or_else(|| panic!("no {heading}"));
    let body = &text[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    let end = body.find("\n\n").unwrap();
    PolicyDocument::from_json(&body[..end]).unwrap()
}

#[test]
fn prints_every_section_for_a_restricted_glue_onboarding() {
    let text = run(&[
        "--service",
        "glue",
        "--level",
        "ReadWrite",
        "--vendor-account",
        "123456789012",
        "--external-id",
        "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a",
        "--database",
        "sales",
        "--bucket",
        "analytics-lake",
        "--prefix",
        "curated",
        "--region",
        "us-west-2",
        "--account",
        "210987654321",
    ])
    .unwrap();
    let trust = section_json(&text, "== Trust policy");
    assert_eq!(
        trust.statements[0].condition["StringEquals"]["sts:ExternalId"].values(),
        ["chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a"]
    );
    let policy = section_json(&text, "== Permission policy (GlueReadWriteAccess");
    let json = policy.to_json_compact();
    assert!(json.contains("arn:aws:glue:us-west-2:210987654321:database/sales"));
    assert!(json.contains("arn:aws:s3:::analytics-lake/curated/*"));
    assert!(text.contains("== CloudFormation template (chicory-glue-athena-crossaccount.yaml) =="));
    assert!(text.contains("Type: AWS::IAM::Role"));
    assert!(text.contains("ChicoryAccountId=123456789012\n"));
    assert!(text.contains("https://console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/create/review?templateURL="));
    assert!(text.contains("--policy-name GlueReadWriteAccess"));
    assert!(text.contains("cat > glue-readonly-permissions.json <<'EOF'"));
}

#[test]
fn vendor_role_json_template_and_errors() {
    let text = run(&[
        "--service",
        "s3",
        "--vendor-principal",
        "arn:aws:iam::123456789012:role/chicory-prod",
        "--external-id",
        "chicory-p1",
        "--format",
        "json",
    ])
    .unwrap();
    assert!(text.contains("(chicory-s3-crossaccount.json)"));
    assert!(text.contains("\"ChicoryPrincipalArn\""));
    assert!(text.contains("--policy-name S3ReadOnlyAccess"));

    let err = run(&["--service", "glue", "--external-id", "chicory-p1"]).unwrap_err();
    assert!(err.contains("--vendor-account"), "{err}");
    let err = run(&[
        "--service",
        "redshift",
        "--vendor-account",
        "123456789012",
        "--external-id",
        "x1",
    ])
    .unwrap_err();
    assert!(err.contains("redshift"), "{err}");
    let err = run(&[
        "--service",
        "s3",
        "--vendor-account",
        "1234",
        "--external-id",
        "chicory-p1",
    ])
    .unwrap_err();
    assert!(err.contains("12-digit"), "{err}");
    let err = run(&[
        "--service",
        "s3",
        "--vendor-account",
        "123456789012",
        "--external-id",
        "chicory-p1",
        "--prefix",
        "x",
    ])
    .unwrap_err();
    assert!(err.contains("--bucket"), "{err}");
}

/// The quick-create section: the link line and what follows it up to the blank line.
fn link_section(text: &str) -> &str {
    let start = text
        .find("== Quick-create link ==\n")
        .expect("a link section")
        + 24;
    let body = &text[start..];
    &body[..body.find("\n\n").unwrap()]
}

#[test]
fn a_scoped_policy_is_never_printed_beside_a_link_to_the_unscoped_template_unannounced() {
    let scoped = [
        "--service",
        "glue",
        "--vendor-account",
        "123456789012",
        "--external-id",
        "chicory-p1",
        "--database",
        "sales",
    ];
    // Without --template-url: the link is the guide's, and the output says plainly that it
    // deploys the guide's unscoped template, not the printed one.
    let text = run(&scoped).unwrap();
    let section = link_section(&text);
    assert!(
        section
            .contains("templateURL=https://chicory-public-templates.s3.us-west-2.amazonaws.com/"),
        "{section}"
    );
    let note = section
        .lines()
        .find(|l| l.starts_with("NOTE: "))
        .unwrap_or_else(|| panic!("no note under the link:\n{section}"));
    assert!(note.contains("guide's public template"), "{note}");
    assert!(note.contains("not restricted"), "{note}");
    assert!(note.contains("--template-url"), "{note}");

    // With --template-url: the link deploys the printed template, and there is no note.
    let mut args = scoped.to_vec();
    args.extend([
        "--template-url",
        "https://vendor-templates.s3.amazonaws.com/acme/glue.yaml",
    ]);
    let text = run(&args).unwrap();
    let section = link_section(&text);
    assert!(
        section.contains("templateURL=https://vendor-templates.s3.amazonaws.com/acme/glue.yaml&"),
        "{section}"
    );
    assert!(!section.contains("chicory-public"), "{section}");
    assert!(!section.contains("NOTE"), "{section}");

    // Not an https:// URL: refused, naming the field.
    let mut args = scoped.to_vec();
    args.extend(["--template-url", "http://vendor.example/glue.yaml"]);
    let err = run(&args).unwrap_err();
    assert!(err.contains("template_url"), "{err}");
}

#[test]
fn session_tags_and_source_identity_the_vendor_sends_are_allowed_by_the_trust_policy() {
    let args = [
        "--service",
        "s3",
        "--vendor-account",
        "123456789012",
        "--external-id",
        "chicory-p1",
        "--source-identity",
        "chicory-scanner",
        "--session-tag-key",
        "customer",
        "--session-tag-key",
        "project",
    ];
    let text = run(&args).unwrap();
    let trust = section_json(&text, "== Trust policy");
    let tag = trust
        .statement("TagSession")
        .expect("a TagSession statement");
    assert_eq!(tag.action_names(), ["sts:TagSession"]);
    assert_eq!(
        tag.condition["ForAllValues:StringEquals"]["aws:TagKeys"].values(),
        ["customer", "project"]
    );
    let set = trust.statement("SetSourceIdentity").unwrap();
    assert_eq!(
        set.condition["StringEquals"]["sts:SourceIdentity"].values(),
        ["chicory-scanner"]
    );
    // The template's trust policy says the same, and the link's note says the guide's lacks it.
    let template = &text[text.find("== CloudFormation template").unwrap()..];
    assert!(template.contains("sts:TagSession"), "{template}");
    assert!(template.contains("aws:TagKeys"), "{template}");
    assert!(link_section(&text).contains("session-tag"), "{text}");
    // Without the flags: neither action.
    let text = run(&args[..6]).unwrap();
    let trust = section_json(&text, "== Trust policy");
    assert_eq!(trust.action_names(), ["sts:AssumeRole"]);
}
