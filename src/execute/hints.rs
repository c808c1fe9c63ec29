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
}

impl HintWatch {
    pub fn new(hints: &[StepHint]) -> Self {
        HintWatch {
            applies: hints.iter().map(|h| h.when.is_none()).collect(),
            hints: hints.to_vec(),
        }
    }

    /// Notes one thing the step showed. A `when` is looked for within one
    /// line, ignoring case.
    pub fn observe(&mut self, shown: &str) {
        for (hint, applies) in self.hints.iter().zip(self.applies.iter_mut()) {
            if !*applies && hint.applies_to(shown) {
                *applies = true;
            }
        }
    }

    /// The hints to show under the failure, in order.
    pub fn for_failure(&self) -> Vec<String> {
        self.hints
            .iter()
            .zip(&self.applies)
            .filter(|(_, applies)| **applies)
            .map(|(hint, _)| hint.text.clone())
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
