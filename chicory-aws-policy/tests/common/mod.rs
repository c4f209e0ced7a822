//! Shared test support: the spec's policy blocks (committed copies and, when the seeds are
//! beside the repository, the seeds themselves), the validators in the project's virtualenv,
//! and the matrix of generated policies.
#![allow(dead_code)]

use chicory_aws_policy::cloudformation::{TemplateFormat, TemplateOptions, TemplatePrincipal};
use chicory_aws_policy::limits::NamedPolicy;
use chicory_aws_policy::permissions::{
    bucket_prefix_read_policy, coalesce_policy, permission_policy, staging_bucket_policy,
    write_policy, CoalesceScope,
};
use chicory_aws_policy::trust::{TrustPolicy, VendorPrincipal};
use chicory_aws_policy::{AccessLevel, Integration, PolicyDocument, PolicyOptions, ResourceScope};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The committed verbatim copies of the spec's blocks.
pub fn spec_dir() -> PathBuf {
    manifest_dir().join("tests/spec")
}

/// `shared/seeds` beside the repository (CI clones the repo with `shared/` next to it).
/// `CHICORY_SHARED_SEEDS` names another place; point it at a missing directory to run the
/// tests as a checkout without `shared/` does.
pub fn shared_seeds_dir() -> PathBuf {
    std::env::var_os("CHICORY_SHARED_SEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../../shared/seeds"))
}

/// The verbatim copy of the guides committed in `tests/spec/seeds`.
pub fn committed_seeds_dir() -> PathBuf {
    spec_dir().join("seeds")
}

/// The guide a directory must hold to count as holding the guides.
pub const MAIN_GUIDE: &str = "001_d77dd2258ccbda60.txt";

/// Where the guides are read from: `shared` when it holds them, else `committed`; neither is
/// an error that says what to do.
pub fn locate_seeds(shared: &Path, committed: &Path) -> Result<(&'static str, PathBuf), String> {
    if shared.join(MAIN_GUIDE).is_file() {
        Ok(("../shared/seeds", shared.to_path_buf()))
    } else if committed.join(MAIN_GUIDE).is_file() {
        Ok(("tests/spec/seeds (committed copy)", committed.to_path_buf()))
    } else {
        Err(format!(
            "the spec is missing: neither {} nor {} holds {MAIN_GUIDE}; clone `shared/` beside \
             the repository, or restore the committed copies with \
             `git checkout -- chicory-aws-policy/tests/spec`",
            shared.display(),
            committed.display()
        ))
    }
}

/// The guides: `../shared/seeds` when present, else the committed copy; panics saying what
/// to do when neither is there.
pub fn seeds() -> (&'static str, PathBuf) {
    locate_seeds(&shared_seeds_dir(), &committed_seeds_dir()).unwrap_or_else(|e| panic!("{e}"))
}

/// The directory of the guides (see [`seeds`]).
pub fn seeds_dir() -> PathBuf {
    seeds().1
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Names of the committed policy copies, relative to `tests/spec`.
pub const SPEC_POLICY_FILES: &[&str] = &[
    "chicory/trust-policy.json",
    "chicory/glue-readonly-permissions.json",
    "chicory/glue-readwrite-permissions.json",
    "chicory/datazone-readonly-permissions.json",
    "chicory/datazone-readwrite-permissions.json",
    "chicory/s3-readonly-permissions.json",
    "chicory/s3-readwrite-permissions.json",
    "polytomic/staging-policy.json",
    "polytomic/trust-policy.json",
    "polytomic/trust-policy-external-id.json",
    "apperate/s3-policy.json",
    "apperate/trust-policy.json",
    "coalesce/glue-metadata-only.json",
    "coalesce/glue-with-athena.json",
    "coalesce/glue-with-athena-and-cloudtrail.json",
];

/// The committed copy of a spec policy, as JSON; panics saying how to restore it when missing.
pub fn committed(name: &str) -> serde_json::Value {
    let path = spec_dir().join(name);
    assert!(
        path.is_file(),
        "{} is missing: restore the committed copies with \
         `git checkout -- chicory-aws-policy/tests/spec`",
        path.display()
    );
    let text = read(&path);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The fenced ```json blocks of a markdown file with the `## ` and `#### ` headings above them.
pub fn markdown_blocks(text: &str, lang: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let (mut h2, mut h4) = (String::new(), String::new());
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(h) = line.strip_prefix("## ") {
            h2 = h.trim().to_owned();
            h4.clear();
        } else if let Some(h) = line.strip_prefix("#### ") {
            h4 = h.trim().to_owned();
        } else if line.trim() == format!("```{lang}") {
            let indent = line.len() - line.trim_start().len();
            let mut body = String::new();
            for l in lines.by_ref() {
                if l.trim() == "```" {
                    break;
                }
                body.push_str(l.get(indent..).unwrap_or(l.trim_start()));
                body.push('\n');
            }
            out.push((h2.clone(), h4.clone(), body));
        }
    }
    out
}

/// Every balanced top-level `{...}` in `text` that parses as JSON with a `Statement` key.
pub fn policy_objects(text: &str) -> Vec<serde_json::Value> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' {
            let (mut depth, mut in_str, mut esc, mut j) = (0i32, false, false, i);
            while j < bytes.len() {
                let c = bytes[j];
                if in_str {
                    if esc {
                        esc = false
                    } else if c == b'\\' {
                        esc = true
                    } else if c == b'"' {
                        in_str = false
                    }
                } else if c == b'"' {
                    in_str = true
                } else if c == b'{' {
                    depth += 1
                } else if c == b'}' {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                j += 1;
            }
            if let Some(s) = text.get(i..=j.min(bytes.len() - 1)) {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(s) {
                    if v.get("Statement").is_some() {
                        out.push(v);
                        i = j + 1;
                        continue;
                    }
                }
            }
        }
        i += 1;
    }
    out
}

/// The spec's policies extracted from the guides (see [`seeds`]), under the committed copies'
/// names.
pub fn seed_policies() -> BTreeMap<String, serde_json::Value> {
    let dir = seeds_dir();
    let mut out = BTreeMap::new();
    let md = read(&dir.join("001_d77dd2258ccbda60.txt"));
    for (h2, h4, body) in markdown_blocks(&md, "json") {
        if !body.contains("\"Statement\"") {
            continue;
        }
        let svc = match h2.as_str() {
            "Authentication Setup" => {
                out.insert("chicory/trust-policy.json".into(), json(&body));
                continue;
            }
            "AWS Glue Data Catalog" => "glue",
            "AWS DataZone" => "datazone",
            "AWS S3" => "s3",
            other => panic!("policy block under an unexpected heading {other:?}"),
        };
        let level = match h4.as_str() {
            "ReadOnly Access" => "readonly",
            "ReadWrite Access" => "readwrite",
            other => panic!("policy block under an unexpected heading {other:?}"),
        };
        out.insert(
            format!("chicory/{svc}-{level}-permissions.json"),
            json(&body),
        );
    }
    for (file, names) in [
        (
            "002_982e51d1d3f30b43.txt",
            &[
                "polytomic/staging-policy.json",
                "polytomic/trust-policy.json",
                "polytomic/trust-policy-external-id.json",
            ][..],
        ),
        (
            "003_8deb5ebce16c7df1.txt",
            &["apperate/s3-policy.json", "apperate/trust-policy.json"][..],
        ),
        (
            "004_7090e448f28df3ac.txt",
            &[
                "coalesce/glue-metadata-only.json",
                "coalesce/glue-with-athena.json",
                "coalesce/glue-with-athena-and-cloudtrail.json",
            ][..],
        ),
    ] {
        let objects = policy_objects(&read(&dir.join(file)));
        assert_eq!(objects.len(), names.len(), "policies in {file}");
        for (n, v) in names.iter().zip(objects) {
            out.insert((*n).to_owned(), v);
        }
    }
    out
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("spec block does not parse: {e}\n{s}"))
}

/// The policies to check: the committed copies of the blocks, and the blocks extracted from
/// the guides (`../shared/seeds`, else their committed copy). Never empty: a missing spec
/// panics saying what to do.
pub fn spec_sources() -> Vec<(&'static str, BTreeMap<String, serde_json::Value>)> {
    let committed_map: BTreeMap<String, serde_json::Value> = SPEC_POLICY_FILES
        .iter()
        .map(|n| ((*n).to_owned(), committed(n)))
        .collect();
    let (source, _) = seeds();
    vec![
        ("tests/spec (committed copy of the blocks)", committed_map),
        (source, seed_policies()),
    ]
}

// ---------------------------------------------------------------------------------------
// Validators in the project's virtualenv.

pub const SETUP_HINT: &str =
    "run `bash scripts/emulator.sh setup` (installs .venv with the pinned \
                              cfn-lint and parliament)";

/// A program of the project's virtualenv; panics naming the setup command when it is missing.
pub fn venv_bin(name: &str) -> PathBuf {
    let venv = manifest_dir().join("../.venv");
    let bin = venv.join("bin").join(name);
    assert!(bin.is_file(), "{} is missing: {SETUP_HINT}", bin.display());
    bin
}

/// Runs a Python snippet with the venv's interpreter; panics naming the setup command when the
/// module is not importable.
pub fn venv_python(script: &str, args: &[&str]) -> std::process::Output {
    let python = venv_bin("python");
    let out = Command::new(&python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; {SETUP_HINT}", python.display()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "a validator is not installed in .venv: {stderr}\n{SETUP_HINT}"
    );
    out
}

/// A fresh directory for a test's files.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("chicory-aws-policy")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ---------------------------------------------------------------------------------------
// What we generate.

/// Named resource scopes covering every restriction option.
pub fn scopes() -> Vec<(&'static str, ResourceScope)> {
    vec![
        ("all", ResourceScope::all()),
        (
            "region-account",
            ResourceScope::all()
                .region("us-west-2")
                .account("123456789012"),
        ),
        (
            "full",
            ResourceScope::all()
                .region("eu-central-1")
                .account("123456789012")
                .glue_database("marketing")
                .glue_table("Sales", "Orders")
                .glue_table("sales", "customers")
                .s3_bucket("results-bucket")
                .s3_prefix("lake-bucket", "curated/events/")
                .s3_prefix("lake-bucket", "raw")
                .athena_workgroup("primary")
                .athena_data_catalog("AwsDataCatalog")
                .datazone_domain("dzd_abc123def456"),
        ),
        (
            "buckets-only",
            ResourceScope::all()
                .s3_bucket("data-bucket")
                .s3_prefix("other-bucket", "x"),
        ),
        (
            "gov-partition",
            ResourceScope::all()
                .partition("aws-us-gov")
                .region("us-gov-west-1")
                .account("123456789012")
                .glue_database("db1")
                .s3_bucket("gov-bucket")
                .datazone_domain("dzd_x1"),
        ),
    ]
}

/// Every policy the crate generates, by a file-safe name: integrations × levels × scopes ×
/// library extras, the ReadWrite-only parts, template policies (references substituted), the
/// Coalesce, staging and bucket/prefix policies.
pub fn generated_policies() -> Vec<(String, PolicyDocument)> {
    let mut out = Vec::new();
    for (scope_name, scope) in scopes() {
        for integration in Integration::ALL {
            for extras in [true, false] {
                let options = PolicyOptions::default()
                    .with_scope(scope.clone())
                    .with_library_extras(extras);
                let tag = if extras { "lib" } else { "spec" };
                for level in AccessLevel::ALL {
                    out.push((
                        format!("{integration}-{level}-{scope_name}-{tag}"),
                        permission_policy(integration, level, &options).unwrap(),
                    ));
                }
                out.push((
                    format!("{integration}-writepart-{scope_name}-{tag}"),
                    write_policy(integration, &options).unwrap(),
                ));
            }
        }
        for c in CoalesceScope::ALL {
            out.push((
                format!("coalesce-{c:?}-{scope_name}"),
                coalesce_policy(c, &scope).unwrap(),
            ));
        }
    }
    out.push((
        "staging".into(),
        staging_bucket_policy(&["syncoutput", "second-bucket"], "aws").unwrap(),
    ));
    out.push((
        "bucket-read".into(),
        bucket_prefix_read_policy("my-bucket", None, "aws").unwrap(),
    ));
    out.push((
        "bucket-prefix-read".into(),
        bucket_prefix_read_policy("my-bucket", Some("exports/daily/"), "aws").unwrap(),
    ));
    out
}

/// The policies inside a rendered JSON template, with `${AWS::...}`/`${Param}` substituted by
/// concrete values, named by their resource and policy name.
pub fn template_policies(template_json: &str) -> Vec<(String, serde_json::Value)> {
    let t: serde_json::Value = serde_json::from_str(template_json).unwrap();
    let mut out = Vec::new();
    for (id, res) in t["Resources"].as_object().unwrap() {
        let props = &res["Properties"];
        if let Some(policies) = props["Policies"].as_array() {
            for p in policies {
                out.push((
                    format!("{id}-{}", p["PolicyName"].as_str().unwrap()),
                    substitute(&p["PolicyDocument"]),
                ));
            }
        }
        if props.get("PolicyDocument").is_some() {
            out.push((id.clone(), substitute(&props["PolicyDocument"])));
        }
    }
    out
}

/// Resolves `Fn::Sub` and `Ref` with sample values, as CloudFormation would.
pub fn substitute(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    let values = [
        ("AWS::Partition", "aws"),
        ("AWS::Region", "us-east-1"),
        ("AWS::AccountId", "210987654321"),
        ("ChicoryAccountId", "123456789012"),
        (
            "ChicoryPrincipalArn",
            "arn:aws:iam::123456789012:role/vendor",
        ),
        ("ExternalId", "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a"),
    ];
    match v {
        Value::Object(m) if m.len() == 1 && m.contains_key("Fn::Sub") => {
            let mut s = m["Fn::Sub"].as_str().unwrap().to_owned();
            for (k, val) in values {
                s = s.replace(&format!("${{{k}}}"), val);
            }
            assert!(!s.contains("${"), "unresolved reference in {s}");
            Value::String(s)
        }
        Value::Object(m) if m.len() == 1 && m.contains_key("Ref") => {
            let name = m["Ref"].as_str().unwrap();
            let (_, val) = values
                .iter()
                .find(|(k, _)| *k == name)
                .unwrap_or_else(|| panic!("unknown Ref {name}"));
            Value::String((*val).to_owned())
        }
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), substitute(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(substitute).collect()),
        other => other.clone(),
    }
}

/// Template variants: integration × principal kind × scope.
pub fn template_variants() -> Vec<(String, TemplateOptions)> {
    let mut out = Vec::new();
    for integration in Integration::ALL {
        for (pname, principal) in [
            ("account", TemplatePrincipal::AccountId),
            ("arn", TemplatePrincipal::PrincipalArn),
        ] {
            for (scope_name, scope) in scopes() {
                if scope_name == "gov-partition" {
                    continue; // templates always use ${AWS::Partition}
                }
                out.push((
                    format!("{integration}-{pname}-{scope_name}"),
                    TemplateOptions::new(integration)
                        .principal(principal)
                        .scope(scope),
                ));
            }
        }
        out.push((
            format!("{integration}-conditions"),
            TemplateOptions::new(integration)
                .principal_org_id("o-a1b2c3d4e5")
                .source_identity("chicory-scanner"),
        ));
        out.push((
            format!("{integration}-session"),
            TemplateOptions::new(integration)
                .source_identity("chicory-scanner")
                .session_tag_keys(["customer", "project"]),
        ));
        out.push((
            format!("{integration}-spec-only"),
            TemplateOptions::new(integration).policy(PolicyOptions::spec_only()),
        ));
        out.push((
            format!("{integration}-iam-actions-only"),
            TemplateOptions::new(integration)
                .policy(PolicyOptions::default().with_undefined_actions(false)),
        ));
    }
    out
}

/// Renders a template variant in both formats.
pub fn render_both(options: &TemplateOptions) -> (String, String) {
    (
        options.render(TemplateFormat::Yaml).unwrap(),
        options.render(TemplateFormat::Json).unwrap(),
    )
}

/// Sample trust policies.
pub fn trust_policies() -> Vec<(String, PolicyDocument)> {
    let ext = "chicory-8f14e45f-ceea-467f-a0e1-7c5b2f5f1b3a";
    let account = VendorPrincipal::account("123456789012").unwrap();
    let role = VendorPrincipal::arn(
        "arn:aws:iam::568237466542:role/convox/prod-polytomic-ServiceRole-1ELGH39L0GCHT",
    )
    .unwrap();
    let user = VendorPrincipal::arn("arn:aws:iam::123456789012:user/apperate-integration").unwrap();
    vec![
        (
            "trust-account".into(),
            TrustPolicy::new(account.clone(), ext)
                .unwrap()
                .document()
                .unwrap(),
        ),
        (
            "trust-role".into(),
            TrustPolicy::new(role, ext).unwrap().document().unwrap(),
        ),
        (
            "trust-user".into(),
            TrustPolicy::new(user, ext).unwrap().document().unwrap(),
        ),
        (
            "trust-conditions".into(),
            TrustPolicy::new(account, ext)
                .unwrap()
                .require_source_identity("chicory-scanner")
                .unwrap()
                .require_principal_org_id("o-a1b2c3d4e5")
                .unwrap()
                .document()
                .unwrap(),
        ),
        (
            "trust-session".into(),
            TrustPolicy::for_assume_role(
                VendorPrincipal::account("123456789012").unwrap(),
                ext,
                Some("chicory-scanner"),
                ["customer", "project"],
            )
            .unwrap()
            .require_principal_org_id("o-a1b2c3d4e5")
            .unwrap()
            .document()
            .unwrap(),
        ),
    ]
}

/// Named policies large enough to need splitting.
pub fn huge_scope() -> ResourceScope {
    let mut s = ResourceScope::all()
        .region("us-east-1")
        .account("123456789012")
        .s3_bucket("warehouse-data")
        .athena_workgroup("primary");
    for i in 0..100 {
        s = s.glue_table(
            "warehouse",
            &format!("table_with_a_rather_long_name_{i:04}"),
        );
    }
    s
}

pub fn named(name: &str, doc: PolicyDocument) -> NamedPolicy {
    NamedPolicy::new(name, doc)
}
