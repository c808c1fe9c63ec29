//! Which of a step's own hints its failure calls for: the unconditional
//! ones, and those whose `when` the failure showed (a line of the command's
//! output, the failure's reason, what a failed check last saw), in the
//! order the lesson lists them.

use crate::lesson::StepHint;

/// Watches what a step shows, line by line, for the `when` of its hints.
#[derive(Debug, Clone)]
pub struct HintWatch {
    hints: Vec<StepHint>,
    /// Per hint: whether it applies (unconditional, or its `when` was seen).
    applies: Vec<bool>,
    /// Tools the step's shell could not find, in the order seen.
    missing: Vec<String>,
}

/// The tools the lessons run, for which a shell's "not found" is worth a
/// pointer at `trinetes doctor`.
const TOOLS: &[&str] = &["kubectl", "helm", "eksctl", "aws", "curl"];

/// The tool in a `sh: 1: kubectl: not found` line: dash's words for a
/// command the step's own shell could not find (the line number marks the
/// outer shell; a shell inside a pod says `sh: x: not found`). Bash's
/// `bash: kubectl: command not found` counts too.
fn missing_tool(line: &str) -> Option<&'static str> {
    let line = line.trim();
    let rest = line
        .strip_prefix("sh: ")
        .and_then(|r| r.split_once(": ").filter(|(n, _)| n.parse::<u32>().is_ok()))
        .map(|(_, r)| r)
        .or_else(|| line.strip_prefix("bash: "))?;
    let (tool, tail) = rest.split_once(": ")?;
    if tail != "not found" && tail != "command not found" {
        return None;
    }
    TOOLS.iter().copied().find(|t| *t == tool)
}

impl HintWatch {
    pub fn new(hints: &[StepHint]) -> Self {
        HintWatch {
            applies: hints.iter().map(|h| h.when.is_none()).collect(),
            hints: hints.to_vec(),
            missing: Vec::new(),
        }
    }

    /// Notes one thing the step showed. A `when` is looked for within one
    /// line, ignoring case.
    pub fn observe(&mut self, shown: &str) {
        if let Some(tool) = missing_tool(shown)
            && !self.missing.iter().any(|t| t == tool)
        {
            self.missing.push(tool.to_string());
        }
        for (hint, applies) in self.hints.iter().zip(self.applies.iter_mut()) {
            if !*applies && hint.applies_to(shown) {
                *applies = true;
            }
        }
    }

    /// The hints to show under the failure, in order.
    pub fn for_failure(&self) -> Vec<String> {
        let missing = self.missing.iter().map(|tool| {
            format!(
                "`{tool}` is not installed, or not on PATH: install it (`trinetes doctor` lists what each backend needs and where to get it)"
            )
        });
        missing
            .chain(
                self.hints
                    .iter()
                    .zip(&self.applies)
                    .filter(|(_, applies)| **applies)
                    .map(|(hint, _)| hint.text.clone()),
            )
            .collect()
    }
}

/// The hints a failure that showed only `reason` calls for.
pub fn for_reason(hints: &[StepHint], reason: &str) -> Vec<String> {
    let mut watch = HintWatch::new(hints);
    watch.observe(reason);
    watch.for_failure()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::contains_ignoring_case;

    fn hints() -> Vec<StepHint> {
        vec![
            StepHint::when("address already in use", "something else listens on 8080"),
            StepHint::always("kubectl get pods shows whether Trino runs"),
            StepHint::when("connection refused", "the pod is not listening yet"),
        ]
    }

    #[test]
    fn a_failure_gets_the_unconditional_hints_and_those_it_showed_in_order() {
        let mut watch = HintWatch::new(&hints());
        watch.observe("Forwarding from 127.0.0.1:8080 -> 8080");
        watch.observe("error: ... dial tcp 10.0.0.5:8080: connect: Connection Refused");
        assert_eq!(
            watch.for_failure(),
            [
                "kubectl get pods shows whether Trino runs",
                "the pod is not listening yet"
            ]
        );
    }

    #[test]
    fn a_hint_for_another_error_stays_hidden() {
        let mut watch = HintWatch::new(&hints());
        watch.observe("unable to listen on port 8080: bind: address already in use");
        let shown = watch.for_failure();
        assert_eq!(
            shown,
            [
                "something else listens on 8080",
                "kubectl get pods shows whether Trino runs"
            ]
        );
        assert!(!shown.contains(&"the pod is not listening yet".to_string()));
    }

    #[test]
    fn a_tool_the_steps_shell_could_not_find_gets_a_pointer_first() {
        let mut watch = HintWatch::new(&hints());
        watch.observe("sh: 1: kubectl: not found");
        watch.observe("sh: 1: kubectl: not found");
        let shown = watch.for_failure();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(shown[0].starts_with("`kubectl` is not installed, or not on PATH"));
        assert!(shown[0].contains("trinetes doctor"));
        let mut bash = HintWatch::new(&[]);
        bash.observe("bash: helm: command not found");
        assert_eq!(bash.for_failure().len(), 1);
        // A shell inside a pod, or a tool the lessons do not use: no pointer.
        for line in [
            "sh: kubectl: not found",
            "sh: 1: trino: not found",
            "kubectl: not found",
        ] {
            let mut other = HintWatch::new(&[]);
            other.observe(line);
            assert!(other.for_failure().is_empty(), "{line}");
        }
    }

    #[test]
    fn the_reason_alone_can_call_for_a_hint() {
        let shown = for_reason(
            &hints(),
            "check failed: GET http://127.0.0.1:8080/v1/info failed: connection refused",
        );
        assert_eq!(shown.len(), 2);
        assert_eq!(shown[1], "the pod is not listening yet");
        assert!(contains_ignoring_case(
            "Address Already In Use",
            "address already in use"
        ));
    }
}
