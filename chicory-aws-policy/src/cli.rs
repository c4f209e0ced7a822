//! The AWS CLI commands of the guide's manual method: write the policy files, create the role
//! with the trust policy, attach the permissions.
//!
//! The commands are the guide's (`aws iam create-role`, `aws iam put-role-policy` with
//! `GlueReadOnlyAccess` / `GlueReadWriteAccess` and `glue-readonly-permissions.json` /
//! `glue-readwrite-permissions.json`, ...). For ReadWrite the guide attaches both policies.
//! When the policies do not fit the role's 10,240-character inline aggregate they become
//! managed policies (`create-policy` + `attach-role-policy`).
//!
//! ```
//! use chicory_aws_policy::cli::ManualSetup;
//! use chicory_aws_policy::trust::{TrustPolicy, VendorPrincipal};
//! use chicory_aws_policy::{AccessLevel, Integration, PolicyOptions};
//!
//! let trust = TrustPolicy::new(VendorPrincipal::account("123456789012")?, "chicory-p1")?;
//! let setup = ManualSetup::new(Integration::Glue, AccessLevel::ReadOnly, &trust, &PolicyOptions::default())?;
//! assert_eq!(setup.commands[1], "aws iam put-role-policy \\\n  --role-name ChicoryGlueAccess \\\n  --policy-name GlueReadOnlyAccess \\\n  --policy-document file://glue-readonly-permissions.json");
//! # Ok::<(), chicory_aws_policy::PolicyError>(())
//! ```

use crate::action::AccessLevel;
use crate::error::PolicyError;
use crate::limits::{plan_role_policies, Attachment, NamedPolicy};
use crate::permissions::{permission_policy, Integration, PolicyOptions};
use crate::trust::TrustPolicy;

/// The trust policy file name of the guide.
pub const TRUST_POLICY_FILE: &str = "trust-policy.json";

/// A file the commands read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFile {
    /// The file name, e.g. `glue-readonly-permissions.json`.
    pub file_name: String,
    /// Its contents (pretty JSON).
    pub contents: String,
}

/// The manual setup: files and commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualSetup {
    /// The role name.
    pub role_name: String,
    /// The trust policy file, then the permission policy files.
    pub files: Vec<PolicyFile>,
    /// The commands, each possibly spanning lines with ` \` continuations.
    pub commands: Vec<String>,
    /// How the permissions are attached.
    pub attachment: Attachment,
}

impl ManualSetup {
    /// The setup for an integration and level with the guide's role name
    /// (`ChicoryGlueAccess`, ...).
    pub fn new(
        integration: Integration,
        level: AccessLevel,
        trust: &TrustPolicy,
        options: &PolicyOptions,
    ) -> Result<Self, PolicyError> {
        Self::with_role_name(
            integration,
            level,
            trust,
            options,
            &integration.manual_role_name(),
        )
    }

    /// The setup with another role name.
    pub fn with_role_name(
        integration: Integration,
        level: AccessLevel,
        trust: &TrustPolicy,
        options: &PolicyOptions,
        role_name: &str,
    ) -> Result<Self, PolicyError> {
        if role_name.is_empty()
            || role_name.len() > 64
            || !role_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
        {
            return Err(PolicyError::InvalidInput {
                field: "role_name",
                reason: format!("{role_name:?} is not an IAM role name"),
            });
        }
        let trust_doc = trust.document()?;
        // The guide attaches the ReadOnly policy, and for ReadWrite the ReadWrite one as well.
        let mut named = Vec::new();
        for l in AccessLevel::ALL.into_iter().filter(|l| level.allows(*l)) {
            named.push(NamedPolicy::new(
                integration.policy_name(l),
                permission_policy(integration, l, options)?,
            ));
        }
        let file_of = |level_index: usize, part: usize| {
            let base = integration.policy_file_name(AccessLevel::ALL[level_index]);
            if part == 0 {
                base
            } else {
                base.replace(".json", &format!("-{}.json", part + 1))
            }
        };
        let plan = plan_role_policies(named)?;
        let partition = options.scope.partition_name();
        let mut files = vec![PolicyFile {
            file_name: TRUST_POLICY_FILE.into(),
            contents: trust_doc.to_json_pretty(),
        }];
        let mut commands = vec![format!(
            "aws iam create-role \\\n  --role-name {role_name} \\\n  --assume-role-policy-document file://{TRUST_POLICY_FILE}"
        )];
        if plan.attachment == Attachment::Managed {
            commands.push(
                "ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)".into(),
            );
        }
        for (li, parts) in plan.parts.iter().enumerate() {
            for (pi, p) in parts.iter().enumerate() {
                let file = file_of(li, pi);
                files.push(PolicyFile {
                    file_name: file.clone(),
                    contents: p.document.to_json_pretty(),
                });
                match plan.attachment {
                    Attachment::Inline => commands.push(format!(
                        "aws iam put-role-policy \\\n  --role-name {role_name} \\\n  --policy-name {} \\\n  --policy-document file://{file}",
                        p.name
                    )),
                    Attachment::Managed => {
                        commands.push(format!(
                            "aws iam create-policy \\\n  --policy-name {} \\\n  --policy-document file://{file}",
                            p.name
                        ));
                        commands.push(format!(
                            "aws iam attach-role-policy \\\n  --role-name {role_name} \\\n  --policy-arn \"arn:{partition}:iam::${{ACCOUNT_ID}}:policy/{}\"",
                            p.name
                        ));
                    }
                }
            }
        }
        Ok(ManualSetup {
            role_name: role_name.to_owned(),
            files,
            commands,
            attachment: plan.attachment,
        })
    }

    /// A shell script: each file written with a quoted heredoc, then the commands.
    pub fn to_shell_script(&self) -> String {
        let mut out = String::from("#!/bin/sh\nset -eu\n\n");
        for f in &self.files {
            out.push_str(&format!(
                "cat > {} <<'EOF'\n{}\nEOF\n\n",
                f.file_name, f.contents
            ));
        }
        for c in &self.commands {
            out.push_str(c);
            out.push_str("\n\n");
        }
        out
    }
}
