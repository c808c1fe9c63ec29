//! Whether a step's output and what its checks saw tell the same story. A
//! command prints the state of its moment (`0/2` ready, `ContainerCreating`);
//! the checks may see a later one (`2/2 ready`). When the two disagree, the
//! step box says what the checks saw and when, however short the wait.

use std::collections::BTreeSet;

/// Words for a state on its way somewhere else, as kubectl and the AWS
/// CLI print them (case matters: eksctl's "creating cluster" is a log
/// line, EKS's `CREATING` a state): a check that passed saw past them.
const PASSING_STATES: [&str; 9] = [
    "Pending",
    "ContainerCreating",
    "PodInitializing",
    "Terminating",
    "NotReady",
    "Init",
    "CREATING",
    "DELETING",
    "UPDATING",
];

/// The states a text shows: ready counts (`0/2`, `2 of 2`) and state words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShownStates {
    counts: BTreeSet<(u32, u32)>,
    passing: BTreeSet<&'static str>,
}

impl ShownStates {
    pub fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut states = ShownStates::default();
        for text in texts {
            states.observe(text);
        }
        states
    }

    /// Notes the states one line shows.
    pub fn observe(&mut self, line: &str) {
        let words: Vec<&str> = line
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '/'))
            .filter(|w| !w.is_empty())
            .collect();
        for (i, word) in words.iter().enumerate() {
            if let Some(count) = count_of(word) {
                self.counts.insert(count);
            }
            // "2 of 3"
            if let (Some(have), Some(&"of"), Some(want)) = (
                number(word),
                words.get(i + 1),
                words.get(i + 2).and_then(|w| number(w)),
            ) {
                self.counts.insert((have, want));
            }
            if let Some(state) = PASSING_STATES.iter().find(|s| *s == word) {
                self.passing.insert(state);
            }
        }
    }

    /// Whether this output shows a state the checks (`seen`) saw otherwise:
    /// a count out of the same total with another number ready (`0/2`
    /// printed, `2/2` seen), or a passing state the checks no longer saw.
    pub fn disagrees_with(&self, seen: &ShownStates) -> bool {
        let other_count = self.counts.iter().any(|(have, total)| {
            seen.counts.iter().any(|(h, t)| t == total && h != have)
                && !seen.counts.contains(&(*have, *total))
        });
        other_count || self.passing.iter().any(|s| !seen.passing.contains(s))
    }
}

/// `3/4` as (3, 4); small numbers only, so dates and paths stay out.
fn count_of(word: &str) -> Option<(u32, u32)> {
    let (have, total) = word.split_once('/')?;
    let (have, total) = (number(have)?, number(total)?);
    (have <= total).then_some((have, total))
}

fn number(word: &str) -> Option<u32> {
    (word.len() <= 4 && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn disagree(output: &[&str], seen: &[&str]) -> bool {
        ShownStates::of(output.iter().copied())
            .disagrees_with(&ShownStates::of(seen.iter().copied()))
    }

    #[test]
    fn a_count_printed_before_the_checks_waited_disagrees() {
        let output = [
            "NAME     READY   UP-TO-DATE   AVAILABLE   AGE",
            "web      0/2     2            0           1s",
        ];
        assert!(disagree(
            &output,
            &["deployment web: 2/2 ready, 2 up-to-date, 2 available"]
        ));
        assert!(disagree(
            &["hello   0/3     0            0           0s"],
            &["3 of 3 pods Running"]
        ));
    }

    #[test]
    fn the_same_count_or_another_total_agrees() {
        assert!(!disagree(
            &["web      2/2     2            2           9s"],
            &["deployment web: 2/2 ready, 2 up-to-date, 2 available"]
        ));
        // A pod's 1/1 containers say nothing about a deployment of 3.
        assert!(!disagree(
            &["hello-7d9f-abcde   1/1     Running   0          4s"],
            &["deployment hello: 3/3 ready, 3 up-to-date, 3 available"]
        ));
        assert!(!disagree(
            &["deployment.apps/web created"],
            &["deployment web: 2/2 ready"]
        ));
    }

    #[test]
    fn a_passing_state_the_checks_saw_past_disagrees() {
        let output = ["hello-7d9f-abcde   0/1     ContainerCreating   0          1s"];
        assert!(disagree(
            &output,
            &["3 pod(s) match \"app=hello\" (phases: Running, Running, Running)"]
        ));
        assert!(!disagree(
            &["hello-7d9f-abcde   1/1     Running   0          4s"],
            &["3 pod(s) match \"app=hello\" (phases: Running, Running, Running)"]
        ));
    }

    #[test]
    fn dates_paths_and_addresses_are_not_counts() {
        let shown = ShownStates::of(["GET http://127.0.0.1:8080/v1/info at 2026/11/30"]);
        assert!(shown.counts.is_empty(), "{shown:?}");
    }
}
