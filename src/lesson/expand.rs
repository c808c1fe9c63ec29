//! Substituting a profile's values into a whole lesson.

use super::model::{Block, Check, Lesson, Step, StepHint};
use super::profile::Profile;

impl Lesson {
    /// A copy with every `{{variable}}` the profile defines replaced: prose,
    /// commands, episode commands, titles, hints, notes and check fields.
    /// Variables the profile lacks stay as written (validation reports them).
    pub fn expanded(&self, profile: &Profile) -> Lesson {
        let x = |s: &str| profile.expand_lenient(s).0;
        let xo = |s: &Option<String>| s.as_deref().map(x);
        Lesson {
            path: self.path.clone(),
            front: {
                let mut front = self.front.clone();
                front.title = x(&front.title);
                front.summary = x(&front.summary);
                front
            },
            blocks: self
                .blocks
                .iter()
                .map(|b| match b {
                    Block::Markdown { source, span } => Block::Markdown {
                        source: x(source),
                        span: *span,
                    },
                    Block::Step(i) => Block::Step(*i),
                })
                .collect(),
            steps: self
                .steps
                .iter()
                .map(|s| Step {
                    title: x(&s.title),
                    command: x(&s.command),
                    episode_command: xo(&s.episode_command),
                    episode_why: xo(&s.episode_why),
                    skip_reason: xo(&s.skip_reason),
                    hints: s
                        .hints
                        .iter()
                        .map(|h| StepHint {
                            when: xo(&h.when),
                            text: x(&h.text),
                        })
                        .collect(),
                    checks: s.checks.iter().map(|c| expand_check(c, &x)).collect(),
                    skipped_on_profile: (!s.profiles.is_empty()
                        && !s.profiles.contains(&profile.name))
                    .then(|| profile.name.clone()),
                    ..s.clone()
                })
                .collect(),
            notes: self
                .notes
                .iter()
                .map(|n| {
                    let mut n = n.clone();
                    n.text = x(&n.text);
                    n
                })
                .collect(),
            pauses: self.pauses.clone(),
            diagrams: self.diagrams.clone(),
            variables: self.variables.clone(),
        }
    }
}

fn expand_check(check: &Check, x: &dyn Fn(&str) -> String) -> Check {
    Check {
        kind: check.kind.expanded(x),
        timeout: check.timeout,
        hint: x(&check.hint),
        span: check.span,
    }
}
