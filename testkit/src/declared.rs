//! Checks that what scanners and operators declare agrees with the policy crate's policies.

use chicory_aws_core::{AccessLevel, Action};
use chicory_aws_policy::permissions::{permission_policy, Integration, PolicyOptions};

fn granted(policy: &str, a: &Action) -> bool {
    policy.contains(&format!("\"{}\"", a.iam_name()))
}

/// Asserts, for `integration`'s policies (with the library's documented extras):
/// every `reads` entry (a name and its declared actions) needs only ReadOnly and is granted by
/// the ReadOnly policy; every `writes` entry needs ReadWrite, is granted by the ReadWrite
/// policy, and calls at least one action the ReadOnly policy does not grant.
pub fn assert_declared_actions_granted(
    integration: Integration,
    reads: &[(&str, &[Action])],
    writes: &[(&str, &[Action])],
) {
    let policy = |level| {
        permission_policy(integration, level, &PolicyOptions::default())
            .expect("the built-in policies render")
            .to_json_compact()
    };
    let (ro, rw) = (
        policy(AccessLevel::ReadOnly),
        policy(AccessLevel::ReadWrite),
    );
    for (name, actions) in reads {
        assert!(!actions.is_empty(), "{name} declares no action");
        assert_eq!(
            AccessLevel::required_for(actions),
            AccessLevel::ReadOnly,
            "{name}"
        );
        for a in *actions {
            assert!(
                granted(&ro, a),
                "{name}: {} not in the ReadOnly policy",
                a.iam_name()
            );
        }
    }
    for (name, actions) in writes {
        assert_eq!(
            AccessLevel::required_for(actions),
            AccessLevel::ReadWrite,
            "{name}"
        );
        for a in *actions {
            assert!(
                granted(&rw, a),
                "{name}: {} not in the ReadWrite policy",
                a.iam_name()
            );
        }
        assert!(
            actions.iter().any(|a| !granted(&ro, a)),
            "{name}: the ReadOnly policy must not grant it"
        );
    }
}
