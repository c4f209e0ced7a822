//! Declared actions equal sent actions: every operator of a registry is called through the
//! fault proxy (no faults, counting only), and the IAM actions its requests needed, recorded at
//! the transport ([`crate::faults::iam_action_of`]), must equal its declared `ACTIONS`: an
//! operator that sends an action it does not declare, or declares one it never sends, fails.

use crate::faults::FaultProxy;
use chicory_aws_core::Tool;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One call of a tool: its name and input. A tool may have several calls (e.g. with and
/// without a version id); the union of what they send is compared with its declaration.
pub type Call = (&'static str, Value);

/// A tool left out of the check, with why: reported, never silent.
pub type NotDriven = (&'static str, &'static str);

/// A declared action of a tool the calls cannot make it send, with why (e.g. a branch the
/// emulator cannot reach): the tool must still send every other declared action, and nothing
/// undeclared. Reported, never silent.
pub type NotReached = (&'static str, &'static str, &'static str);

/// Runs `calls` in order through `proxy` (the connection behind `tools` must send to
/// `proxy.url()`), then asserts, for every tool of `tools`: it is called or listed in
/// `not_driven` (not both), and the IAM actions its calls sent equal its declared actions
/// (less those listed in `not_reached` for it, which must be declared and not sent).
/// Calls may fail (an answer the fake or emulator gives as an error still shows what was
/// sent); a call that sends nothing fails the check, as it shows nothing.
pub async fn assert_sent_equals_declared(
    proxy: &FaultProxy,
    tools: &[Box<dyn Tool>],
    calls: &[Call],
    not_driven: &[NotDriven],
    not_reached: &[NotReached],
) {
    let by_name: BTreeMap<&str, &dyn Tool> = tools.iter().map(|t| (t.name(), &**t)).collect();
    let mut sent: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut report = Vec::new();
    for (name, input) in calls {
        let tool = by_name
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not in the registry"));
        proxy.reset_counts();
        let result = tool.call_json(input.clone()).await;
        let actions: BTreeSet<String> = proxy.counts().actions.into_keys().collect();
        assert!(
            !actions.is_empty(),
            "{name}({input}) sent no request, so it shows nothing: {result:?}"
        );
        report.push(format!(
            "{name}: {actions:?} -> {}",
            match &result {
                Ok(_) => "ok".to_owned(),
                Err(e) => format!("error: {e}"),
            }
        ));
        sent.entry(name).or_default().extend(actions);
    }
    eprintln!("calls:\n  {}", report.join("\n  "));
    let mut problems = Vec::new();
    for (name, tool) in &by_name {
        let listed = not_driven.iter().find(|(n, _)| n == name);
        match (sent.get(name), listed) {
            (Some(_), Some(_)) => {
                problems.push(format!("{name}: both called and listed as not driven"))
            }
            (None, Some((_, why))) => eprintln!("not driven: {name}: {why}"),
            (None, None) => {
                problems.push(format!("{name}: neither called nor listed as not driven"))
            }
            (Some(sent), None) => {
                let mut declared: BTreeSet<String> =
                    tool.actions().iter().map(|a| a.iam_name()).collect();
                for (_, action, why) in not_reached.iter().filter(|(n, _, _)| n == name) {
                    if !declared.remove(*action) {
                        problems.push(format!("{name}: {action} (not reached) is not declared"));
                    } else if sent.contains(*action) {
                        problems.push(format!(
                            "{name}: {action} is listed as not reached but was sent"
                        ));
                    } else {
                        eprintln!("not reached: {name}: {action}: {why}");
                    }
                }
                if *sent != declared {
                    problems.push(format!(
                        "{name}: sends {:?} it does not declare; declares {:?} it never sent",
                        sent.difference(&declared).collect::<Vec<_>>(),
                        declared.difference(sent).collect::<Vec<_>>()
                    ));
                }
            }
        }
    }
    for (n, _) in not_driven {
        assert!(
            by_name.contains_key(n),
            "{n} (not driven) is not in the registry"
        );
    }
    assert!(
        problems.is_empty(),
        "declared != sent:\n  {}",
        problems.join("\n  ")
    );
}
