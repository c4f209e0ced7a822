//! Every generated policy passes `parliament` (the pinned version in the project's .venv, with
//! its community auditors) with no finding above LOW, and every LOW finding left is one of the
//! two explained in `chicory_aws_policy::permissions` (module docs):
//!
//! - `RESOURCE_STAR` on a statement whose `Resource` is `*` because the scope does not restrict
//!   that service (the guide's own policies are all `*`);
//! - `UNKNOWN_ACTION` for the three DataZone actions of the guide that are not IAM actions.
//!
//! and one MEDIUM finding of a community auditor, allowed only in this form:
//!
//! - `PERMISSIONS_MANAGEMENT_ACTIONS` for `iam:PassRole` in `LibraryGluePassRole` (Glue
//!   ReadWrite): the auditor flags the action by name from a fixed list, however it is scoped;
//!   the test checks every statement granting it names roles (never `*`) and carries
//!   `iam:PassedToService` = `glue.amazonaws.com`, and that parliament's own auditors find
//!   nothing in it.

mod common;

use chicory_aws_policy::actions::NOT_IN_SERVICE_AUTHORIZATION_REFERENCE;
use chicory_aws_policy::limits::plan_role_policies;
use chicory_aws_policy::permissions::permission_policy;
use chicory_aws_policy::{AccessLevel, Integration, PolicyOptions};
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const RUN_PARLIAMENT: &str = r#"
import json, pathlib, sys
import parliament
from parliament import analyze_policy_string, enhance_finding, override_config, config
community = sys.argv[2] == "community"
if community:
    override_config(str(pathlib.Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml"))
out = {}
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    policy = analyze_policy_string(p.read_text(), str(p), include_community_auditors=community, config=config)
    out[p.name] = [
        {"issue": f.issue, "severity": f.severity, "detail": str(f.detail), "location": str(f.location)}
        for f in map(enhance_finding, policy.findings)
    ]
print(json.dumps({"version": parliament.__version__, "findings": out}))
"#;

/// Runs parliament over every `*.json` in `dir` (with or without the community auditors):
/// file name -> findings.
fn parliament(dir: &Path, community: bool) -> BTreeMap<String, Vec<Value>> {
    let mode = if community { "community" } else { "default" };
    let out = venv_python(RUN_PARLIAMENT, &[dir.to_str().unwrap(), mode]);
    assert!(
        out.status.success(),
        "parliament failed: {}\n{SETUP_HINT}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("parliament's JSON");
    assert_eq!(v["version"], "1.6.4", "not the pinned parliament");
    serde_json::from_value(v["findings"].clone()).unwrap()
}

fn write(dir: &Path, name: &str, json: &str) {
    std::fs::write(dir.join(format!("{name}.json")), json).unwrap();
}

/// The one MEDIUM finding allowed: the community auditor's `PERMISSIONS_MANAGEMENT_ACTIONS`
/// for `iam:PassRole` alone, where every statement granting it is `LibraryGluePassRole`, names
/// roles (no `*`) and lets them be passed to Glue only.
fn assert_pass_role_is_scoped(file: &str, finding: &Value, doc: &Value) {
    assert!(
        finding["location"]
            .as_str()
            .unwrap()
            .contains("'actions': ['iam:passrole']"),
        "{file}: a permissions-management action other than iam:PassRole: {finding}"
    );
    let granting: Vec<&Value> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["Action"].to_string().contains("\"iam:PassRole\""))
        .collect();
    assert!(!granting.is_empty(), "{file}: {finding}");
    for st in granting {
        assert!(
            st["Sid"]
                .as_str()
                .unwrap()
                .starts_with("LibraryGluePassRole"),
            "{file}: {st}"
        );
        assert_eq!(st["Action"], "iam:PassRole", "{file}: PassRole alone");
        let resources: Vec<&str> = match &st["Resource"] {
            Value::String(r) => vec![r.as_str()],
            Value::Array(a) => a.iter().map(|r| r.as_str().unwrap()).collect(),
            other => panic!("{file}: {other}"),
        };
        for r in resources {
            assert!(
                r.contains(":iam::") && r.contains(":role/") && r != "*",
                "{file}: PassRole on {r}"
            );
        }
        assert_eq!(
            st["Condition"],
            serde_json::json!({"StringEquals": {"iam:PassedToService": "glue.amazonaws.com"}}),
            "{file}"
        );
    }
}

/// Asserts the findings are all LOW and explained; returns how many LOW findings were seen.
fn assert_only_explained_lows(
    findings: &BTreeMap<String, Vec<Value>>,
    docs: &BTreeMap<String, Value>,
) -> usize {
    let unknown: Vec<String> = NOT_IN_SERVICE_AUTHORIZATION_REFERENCE
        .iter()
        .map(|a| a.iam_name())
        .collect();
    let mut lows = 0;
    for (file, fs) in findings {
        for f in fs {
            let issue = f["issue"].as_str().unwrap();
            let severity = f["severity"].as_str().unwrap();
            if issue == "PERMISSIONS_MANAGEMENT_ACTIONS" {
                assert_pass_role_is_scoped(file, f, &docs[file]);
                continue;
            }
            assert!(
                matches!(severity, "LOW" | "INFO"),
                "{file}: {issue} ({severity}) above LOW: {f}"
            );
            lows += 1;
            match issue {
                "RESOURCE_STAR" => {
                    // Only for actions that are in a `"Resource": "*"` statement: the detail
                    // lists them, e.g. "['datazone:GetDomain']".
                    let doc = &docs[file];
                    let detail = f["detail"].as_str().unwrap();
                    let flagged: Vec<&str> = detail
                        .trim_matches(|c| c == '[' || c == ']')
                        .split(", ")
                        .map(|a| a.trim_matches('\''))
                        .collect();
                    assert!(!flagged.is_empty());
                    for a in flagged {
                        let in_star = doc["Statement"].as_array().unwrap().iter().any(|s| {
                            s["Resource"] == "*"
                                && s["Action"]
                                    .to_string()
                                    .to_lowercase()
                                    .contains(&format!("\"{}\"", a.to_lowercase()))
                        });
                        assert!(
                            in_star,
                            "{file}: RESOURCE_STAR for {a}, which is not on *: {f}"
                        );
                    }
                }
                "UNKNOWN_ACTION" => {
                    let detail = f["detail"].as_str().unwrap();
                    assert!(
                        unknown.iter().any(|a| detail.ends_with(a.as_str())),
                        "{file}: unexplained unknown action: {detail}"
                    );
                }
                other => panic!("{file}: unexplained LOW finding {other}: {f}"),
            }
        }
    }
    lows
}

#[test]
fn every_generated_policy_passes_parliament() {
    let dir = scratch("parliament-policies");
    let mut docs = BTreeMap::new();
    let mut add = |name: String, json: String| {
        write(&dir, &name, &json);
        docs.insert(
            format!("{name}.json"),
            serde_json::from_str::<Value>(&json).unwrap(),
        );
    };
    for (name, doc) in generated_policies() {
        add(name, doc.to_json_pretty());
    }
    // The policies of every template, with CloudFormation's references resolved.
    for (tname, options) in template_variants() {
        let (_, json) = render_both(&options);
        for (pname, doc) in template_policies(&json) {
            add(
                format!("template-{tname}-{pname}"),
                serde_json::to_string_pretty(&doc).unwrap(),
            );
        }
    }
    // The pieces of a policy split to fit IAM's limits.
    let big = permission_policy(
        Integration::Glue,
        AccessLevel::ReadWrite,
        &PolicyOptions::default().with_scope(huge_scope()),
    )
    .unwrap();
    let plan = plan_role_policies(vec![named("GlueReadWriteAccess", big)]).unwrap();
    for p in plan.policies() {
        add(format!("split-{}", p.name), p.document.to_json_pretty());
    }
    let findings = parliament(&dir, true);
    assert_eq!(findings.len(), docs.len(), "parliament read every file");
    let lows = assert_only_explained_lows(&findings, &docs);
    assert!(
        lows > 0,
        "the unrestricted guide policies do report RESOURCE_STAR"
    );

    // Fully restricted: no RESOURCE_STAR at all (every resource-scopable action is scoped).
    for (file, fs) in &findings {
        if file.contains("-full-") || file.starts_with("split-") || file.starts_with("coalesce") {
            assert!(
                fs.iter().all(|f| f["issue"] != "RESOURCE_STAR"),
                "{file}: resource-restricted policy still has Resource * for scopable actions: {fs:?}"
            );
        }
    }
    // The guide's unknown DataZone actions are reported where they are, and nowhere else.
    for (file, fs) in &findings {
        let has_unknown = fs.iter().any(|f| f["issue"] == "UNKNOWN_ACTION");
        let lists_them = docs[file].to_string().contains("datazone:CreateListing\"");
        assert_eq!(has_unknown, lists_them, "{file}");
    }
}

#[test]
fn the_glue_pass_role_statement_passes_parliaments_own_auditors() {
    // Without the community auditors (which flag iam:PassRole by name, see the module docs),
    // the statement alone has no finding at all: its resources match the action and its
    // condition key is one iam:PassRole takes.
    let dir = scratch("parliament-pass-role");
    let mut n = 0;
    for (name, doc) in generated_policies() {
        let Some(st) = doc.statement("LibraryGluePassRole") else {
            continue;
        };
        let one = chicory_aws_policy::PolicyDocument::new(vec![st.clone()]);
        write(&dir, &name, &one.to_json_pretty());
        n += 1;
    }
    assert!(
        n >= 10,
        "every Glue ReadWrite variant has the statement ({n})"
    );
    let findings = parliament(&dir, false);
    assert_eq!(findings.len(), n);
    for (file, fs) in &findings {
        assert!(fs.is_empty(), "{file}: {fs:?}");
    }
}

#[test]
fn trust_policies_pass_parliament_when_read_as_the_roles_resource_policy() {
    // parliament audits identity policies and requires a Resource; a trust policy's resource is
    // implicitly the role itself, so add it to audit the Principal and the condition keys
    // (sts:ExternalId, sts:SourceIdentity, aws:PrincipalOrgID on sts:AssumeRole). Without the
    // community auditors: their CREDENTIALS_EXPOSURE flags sts:AssumeRole in an identity
    // policy, which is what a trust policy exists to allow.
    let dir = scratch("parliament-trust");
    let mut docs = BTreeMap::new();
    for (name, doc) in trust_policies() {
        let mut v: Value = serde_json::from_str(&doc.to_json_pretty()).unwrap();
        for st in v["Statement"].as_array_mut().unwrap() {
            st["Resource"] =
                Value::String("arn:aws:iam::210987654321:role/ChicoryGlueAccess".into());
        }
        let json = serde_json::to_string_pretty(&v).unwrap();
        write(&dir, &name, &json);
        docs.insert(format!("{name}.json"), v);
    }
    let findings = parliament(&dir, false);
    assert_eq!(findings.len(), docs.len());
    for (file, fs) in &findings {
        assert!(fs.is_empty(), "{file}: {fs:?}");
    }
}

#[test]
fn parliament_does_report_a_policy_that_is_wrong() {
    // The harness is not blind: a resource that does not match its action is MEDIUM.
    let dir = scratch("parliament-negative");
    write(
        &dir,
        "wrong",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"X","Effect":"Allow","Action":"glue:GetTable","Resource":"arn:aws:s3:::bucket"}]}"#,
    );
    let findings = parliament(&dir, true);
    assert!(findings["wrong.json"]
        .iter()
        .any(|f| f["issue"] == "RESOURCE_MISMATCH"));
}

#[test]
fn a_missing_validator_fails_naming_the_setup_command() {
    let err = std::panic::catch_unwind(|| venv_bin("no-such-validator")).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("scripts/emulator.sh setup"), "{msg}");
}
