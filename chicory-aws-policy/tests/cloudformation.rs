//! Templates: every variant passes `cfn-lint` (the pinned version in .venv) including the
//! informational rules (`-c I`); YAML and JSON say the same thing; the structure is the guide's
//! stack (parameters, one role, conditional write policy, RoleArn output); the policies inside
//! are the crate's permission policies.

mod common;

use chicory_aws_policy::actions::NOT_IN_SERVICE_AUTHORIZATION_REFERENCE;
use chicory_aws_policy::cloudformation::{
    template, TemplateFormat, TemplateOptions, TemplatePrincipal, EXTERNAL_ID_PATTERN,
};
use chicory_aws_policy::permissions::{permission_policy, write_policy};
use chicory_aws_policy::{AccessLevel, Integration, PolicyOptions, ResourceScope};
use common::*;
use serde_json::Value;
use std::process::Command;

fn all_variants() -> Vec<(String, TemplateOptions)> {
    let mut v = template_variants();
    for integration in Integration::ALL {
        v.push((
            format!("{integration}-huge"),
            TemplateOptions::new(integration).scope(huge_scope()),
        ));
    }
    v
}

#[test]
fn every_template_passes_cfn_lint_with_informational_rules() {
    let dir = scratch("cfn-lint");
    let mut files = Vec::new();
    for (name, options) in all_variants() {
        let (yaml, json) = render_both(&options);
        for (ext, text) in [("yaml", yaml), ("json", json)] {
            let path = dir.join(format!("{name}.{ext}"));
            std::fs::write(&path, text).unwrap();
            files.push(path);
        }
    }
    let cfn_lint = venv_bin("cfn-lint");
    let version = Command::new(&cfn_lint).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        "cfn-lint 1.58.0",
        "not the pinned cfn-lint; {SETUP_HINT}"
    );
    let out = Command::new(&cfn_lint)
        .args(["-c", "I", "--format", "parseable", "--"])
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run cfn-lint: {e}; {SETUP_HINT}"));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && report.trim().is_empty(),
        "cfn-lint findings (exit {:?}):\n{report}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(files.len() >= 60, "linted {} templates", files.len());
}

#[test]
fn cfn_lint_does_flag_a_broken_template() {
    // The harness is not blind: a write policy whose condition does not exist is an error.
    let dir = scratch("cfn-lint-negative");
    let yaml = template(Integration::S3, TemplateFormat::Yaml)
        .unwrap()
        .replace("Condition: IsReadWrite", "Condition: IsMissing");
    let path = dir.join("broken.yaml");
    std::fs::write(&path, yaml).unwrap();
    let out = Command::new(venv_bin("cfn-lint"))
        .args(["-c", "I", "--"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("IsMissing"));
}

const DECODE: &str = r#"
import json, sys
from cfnlint.decode import decode
out = []
for path in sys.argv[1:]:
    template, matches = decode(path)
    assert not matches, (path, [str(m) for m in matches])
    out.append(json.loads(json.dumps(template, default=str)))
print(json.dumps(out))
"#;

#[test]
fn yaml_and_json_templates_decode_to_the_same_template() {
    let dir = scratch("yaml-json");
    let mut paths = Vec::new();
    let mut jsons = Vec::new();
    let variants = all_variants();
    for (name, options) in &variants {
        let (yaml, json) = render_both(options);
        let (y, j) = (
            dir.join(format!("{name}.yaml")),
            dir.join(format!("{name}.json")),
        );
        std::fs::write(&y, yaml).unwrap();
        std::fs::write(&j, &json).unwrap();
        paths.push(y.to_str().unwrap().to_owned());
        paths.push(j.to_str().unwrap().to_owned());
        jsons.push(json);
    }
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let out = venv_python(DECODE, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoded: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(decoded.len(), 2 * variants.len());
    for (i, (name, _)) in variants.iter().enumerate() {
        assert_eq!(
            decoded[2 * i],
            decoded[2 * i + 1],
            "{name}: YAML and JSON differ"
        );
        // And the decoder read what we wrote.
        assert_eq!(
            decoded[2 * i + 1],
            serde_json::from_str::<Value>(&jsons[i]).unwrap(),
            "{name}"
        );
    }
}

fn resources_of<'a>(t: &'a Value, kind: &str) -> Vec<(&'a String, &'a Value)> {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .collect()
}

#[test]
fn templates_have_the_guides_parameters_one_role_and_a_conditional_write_policy() {
    for (name, options) in all_variants() {
        let t: Value =
            serde_json::from_str(&options.render(TemplateFormat::Json).unwrap()).unwrap();
        let params = t["Parameters"].as_object().unwrap();
        let names: Vec<&str> = params.keys().map(String::as_str).collect();
        let principal = options.principal.parameter();
        let mut expected = vec![principal, "ExternalId", "RoleName", "AccessLevel"];
        expected.sort();
        let mut got = names.clone();
        got.sort();
        assert_eq!(got, expected, "{name}");
        assert_eq!(
            params["AccessLevel"]["AllowedValues"],
            serde_json::json!(["ReadOnly", "ReadWrite"])
        );
        assert_eq!(params["ExternalId"]["AllowedPattern"], EXTERNAL_ID_PATTERN);
        if options.principal == TemplatePrincipal::AccountId {
            assert_eq!(params["ChicoryAccountId"]["AllowedPattern"], r"^\d{12}$");
        }
        assert_eq!(
            params["RoleName"]["Default"],
            options.integration.default_role_name().as_str()
        );
        assert_eq!(
            t["Conditions"]["IsReadWrite"],
            serde_json::json!({"Fn::Equals": [{"Ref": "AccessLevel"}, "ReadWrite"]})
        );

        let roles = resources_of(&t, "AWS::IAM::Role");
        assert_eq!(roles.len(), 1, "{name}: one role");
        let role = roles[0].1;
        assert!(role.get("Condition").is_none());
        // Every other resource is a policy on that role; the write ones are conditional, the
        // read ones are not.
        let mut write_parts = 0;
        for (id, r) in t["Resources"].as_object().unwrap() {
            if r["Type"] == "AWS::IAM::Role" {
                continue;
            }
            assert!(
                r["Type"] == "AWS::IAM::Policy" || r["Type"] == "AWS::IAM::ManagedPolicy",
                "{name}: {id}"
            );
            assert_eq!(
                r["Properties"]["Roles"],
                serde_json::json!([{"Ref": "ChicoryAccessRole"}])
            );
            if id.starts_with("ChicoryWriteAccessPolicy") {
                assert_eq!(r["Condition"], "IsReadWrite", "{name}: {id}");
                write_parts += 1;
            } else {
                assert!(r.get("Condition").is_none(), "{name}: {id}");
            }
        }
        assert!(write_parts >= 1, "{name}: no write policy");
        assert_eq!(
            t["Outputs"]["RoleArn"]["Value"],
            serde_json::json!({"Fn::GetAtt": ["ChicoryAccessRole", "Arn"]})
        );
        // The trust policy requires the External ID parameter.
        let trust = &role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
        assert_eq!(
            trust["Condition"]["StringEquals"]["sts:ExternalId"],
            serde_json::json!({"Ref": "ExternalId"})
        );
        let text = t.to_string();
        assert!(!text.contains("arn:aws:"), "{name}: hard-coded partition");
        // The only lint suppression is W3037 on a resource holding the guide's undefined
        // DataZone actions, and it says why.
        for (id, r) in t["Resources"].as_object().unwrap() {
            let holds_undefined = NOT_IN_SERVICE_AUTHORIZATION_REFERENCE.iter().any(|a| {
                r["Properties"]
                    .to_string()
                    .contains(&format!("\"{}\"", a.iam_name()))
            });
            match r.get("Metadata") {
                Some(m) => {
                    assert!(
                        holds_undefined,
                        "{name}: {id} suppresses a lint check needlessly"
                    );
                    assert_eq!(
                        m["cfn-lint"]["config"]["ignore_checks"],
                        serde_json::json!(["W3037"])
                    );
                    assert!(m["Comment"].as_str().unwrap().contains("not IAM actions"));
                }
                None => assert!(!holds_undefined, "{name}: {id}"),
            }
        }
    }
}

#[test]
fn template_policies_are_the_crates_policies() {
    // Unrestricted, and restricted with an explicit region and account, the policies inside
    // the template (references resolved) are the ReadOnly policy and the ReadWrite-only part.
    for integration in Integration::ALL {
        for scope in [
            ResourceScope::all(),
            ResourceScope::all()
                .region("eu-west-1")
                .account("123456789012")
                .glue_table("db", "t")
                .s3_prefix("bucket-one", "p")
                .athena_workgroup("wg")
                .datazone_domain("dzd_1"),
        ] {
            // The template's scope: the stack's partition, and its account where an ARN
            // needs one the scope does not give (the passable roles of LibraryGluePassRole).
            let options = PolicyOptions::default().with_scope(scope.for_template());
            let json = TemplateOptions::new(integration)
                .scope(scope)
                .render(TemplateFormat::Json)
                .unwrap();
            let policies = template_policies(&json);
            assert_eq!(policies.len(), 2);
            let read = permission_policy(integration, AccessLevel::ReadOnly, &options).unwrap();
            let write = write_policy(integration, &options).unwrap();
            let resolved = |doc: &chicory_aws_policy::PolicyDocument| -> Value {
                let text = serde_json::to_string(doc)
                    .unwrap()
                    .replace("${AWS::Partition}", "aws")
                    .replace("${AWS::AccountId}", "210987654321")
                    .replace("${AWS::Region}", "us-east-1");
                serde_json::from_str(&text).unwrap()
            };
            assert_eq!(policies[0].1, resolved(&read), "{integration}");
            assert_eq!(policies[1].1, resolved(&write), "{integration}");
        }
    }
}

#[test]
fn restricted_templates_default_to_the_stacks_region_and_account() {
    let json = TemplateOptions::new(Integration::Glue)
        .scope(ResourceScope::all().glue_database("sales"))
        .render(TemplateFormat::Json)
        .unwrap();
    assert!(json.contains(
        r#""Fn::Sub": "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:database/sales""#
    ));
    let yaml = TemplateOptions::new(Integration::Glue)
        .scope(ResourceScope::all().glue_database("sales"))
        .render(TemplateFormat::Yaml)
        .unwrap();
    assert!(yaml.contains(
        r#"- !Sub "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:database/sales""#
    ));
}

#[test]
fn huge_restrictions_become_managed_policies() {
    let t: Value = serde_json::from_str(
        &TemplateOptions::new(Integration::Glue)
            .scope(huge_scope())
            .render(TemplateFormat::Json)
            .unwrap(),
    )
    .unwrap();
    let managed = resources_of(&t, "AWS::IAM::ManagedPolicy");
    assert!(managed.len() > 2, "split into several managed policies");
    assert!(managed.len() <= 10);
    assert!(t["Resources"]["ChicoryAccessRole"]["Properties"]
        .get("Policies")
        .is_none());
    for (id, r) in managed {
        let doc = substitute(&r["Properties"]["PolicyDocument"]);
        let size = serde_json::to_string(&doc).unwrap().len();
        assert!(size <= 6144, "{id}: {size}");
    }
}

#[test]
fn principal_arn_template_trusts_exactly_the_parameter() {
    let t: Value = serde_json::from_str(
        &TemplateOptions::new(Integration::S3)
            .principal(TemplatePrincipal::PrincipalArn)
            .principal_org_id("o-a1b2c3d4e5")
            .source_identity("chicory-scanner")
            .render(TemplateFormat::Json)
            .unwrap(),
    )
    .unwrap();
    let st =
        &t["Resources"]["ChicoryAccessRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"];
    assert_eq!(
        st[0]["Principal"]["AWS"],
        serde_json::json!({"Ref": "ChicoryPrincipalArn"})
    );
    assert_eq!(
        st[0]["Condition"]["StringEquals"]["aws:PrincipalOrgID"],
        "o-a1b2c3d4e5"
    );
    assert_eq!(
        st[0]["Condition"]["StringEquals"]["sts:SourceIdentity"],
        "chicory-scanner"
    );
    assert_eq!(st[1]["Action"], "sts:SetSourceIdentity");
}
