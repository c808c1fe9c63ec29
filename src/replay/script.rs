//! A recording made by `--record` read back into its steps: each marker
//! (`LESSON/STEP`, or `build-up:LESSON/STEP`) starts a step, and the lines
//! the recorder wrote for it become the `ExecutionEvent`s they came from,
//! timed from the end of the typed command. Pauses longer than the
//! recording's idle limit are shortened to it, as asciinema plays them.

use std::time::Duration;

use crate::execute::{ExecutionEvent, StepOutcome};
use crate::record::asciicast::{Cast, EventKind, ORIGIN_FORMAT, Origin};
use crate::record::recorder::{BOLD, BUILDUP, CONTINUATION, DIM, GREEN, PROMPT, RED, YELLOW};

/// Pauses longer than this play this long, unless the recording names
/// its own limit: a realistic eksctl wait should not stall a talk.
const IDLE_LIMIT: f64 = 3.0;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScriptError {
    #[error(
        "it does not say which lessons it holds (it was made elsewhere, or by a trinetes \
         before 0.16); play it as it is with `asciinema play FILE`"
    )]
    NotTrinetes,
    #[error(
        "it was written in trinetes' recording format {0}, and this trinetes reads format \
         {ORIGIN_FORMAT}; play it as it is with `asciinema play FILE`"
    )]
    Format(u32),
    #[error("it holds no steps")]
    NoSteps,
}

/// One step as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedStep {
    pub lesson: String,
    pub step: String,
    /// Run to build what a later lesson needs, not in its own lesson.
    pub buildup: bool,
    /// What the step showed, in seconds after its command was typed. The
    /// last is its `StepFinished`.
    pub events: Vec<(f64, ExecutionEvent)>,
}

/// A recording's steps, in the order they ran.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub origin: Origin,
    pub title: String,
    pub steps: Vec<RecordedStep>,
}

impl Script {
    pub fn read(cast: &Cast) -> Result<Script, ScriptError> {
        let origin = cast.header.origin.clone().ok_or(ScriptError::NotTrinetes)?;
        if origin.format != ORIGIN_FORMAT {
            return Err(ScriptError::Format(origin.format));
        }
        let limit = cast
            .header
            .idle_time_limit
            .filter(|l| *l > 0.0)
            .unwrap_or(IDLE_LIMIT);
        let mut steps = Vec::new();
        let mut current: Option<Reader> = None;
        let (mut played, mut previous) = (0.0, 0.0);
        for event in &cast.events {
            played += (event.time - previous).clamp(0.0, limit);
            previous = event.time;
            match &event.kind {
                EventKind::Marker(label) => {
                    if let Some(done) = current.take().and_then(Reader::finish) {
                        steps.push(done);
                    }
                    current = Reader::start(label, played);
                }
                EventKind::Output(text) => {
                    if let Some(reader) = &mut current {
                        reader.output(played, text);
                    }
                }
                EventKind::Other => {}
            }
        }
        if let Some(done) = current.and_then(Reader::finish) {
            steps.push(done);
        }
        if steps.is_empty() {
            return Err(ScriptError::NoSteps);
        }
        Ok(Script {
            origin,
            title: cast.header.title.clone().unwrap_or_default(),
            steps,
        })
    }

    /// The lessons given in the recording (not only built up), in order.
    pub fn lessons(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for s in self.steps.iter().filter(|s| !s.buildup) {
            if !ids.contains(&s.lesson.as_str()) {
                ids.push(&s.lesson);
            }
        }
        ids
    }

    /// The `nth` recording (from 0) of a step of a lesson; past the last,
    /// the last. A step given in its lesson is preferred to its build-up.
    pub fn find(&self, lesson: &str, step: &str, nth: usize) -> Option<&RecordedStep> {
        let found = self.recordings(lesson, step);
        let last = found.len().checked_sub(1)?;
        found.get(nth.min(last)).copied()
    }

    /// How many times a step was recorded (a failed live step and its
    /// simulated run after it, for one).
    pub fn count(&self, lesson: &str, step: &str) -> usize {
        self.recordings(lesson, step).len()
    }

    fn recordings(&self, lesson: &str, step: &str) -> Vec<&RecordedStep> {
        let of = |buildup: bool| -> Vec<&RecordedStep> {
            self.steps
                .iter()
                .filter(|s| s.lesson == lesson && s.step == step && s.buildup == buildup)
                .collect()
        };
        let given = of(false);
        if given.is_empty() { of(true) } else { given }
    }
}

/// What is being read of the step since its marker.
enum Stage {
    /// Before the prompt (a skipped step has none).
    Start,
    /// The command is being typed.
    Typing,
    /// Output, checks and the outcome.
    After,
}

struct Reader {
    step: RecordedStep,
    stage: Stage,
    /// When the marker or the typed command's end played: events are timed
    /// from it.
    origin: f64,
    /// The check whose lines come now.
    check: Option<usize>,
    checks: usize,
    /// A stalled or failed check whose hint line comes next.
    pending: Option<Pending>,
    finished: Option<(f64, StepOutcome, Duration)>,
    /// How many events came before the step's end.
    finished_after: usize,
    hints: Vec<String>,
}

enum Pending {
    Stalled(String),
    Failed(String),
}

impl Reader {
    fn start(label: &str, at: f64) -> Option<Reader> {
        let (buildup, label) = match label.strip_prefix(BUILDUP) {
            Some(rest) => (true, rest),
            None => (false, label),
        };
        let (lesson, step) = label.split_once('/')?;
        Some(Reader {
            step: RecordedStep {
                lesson: lesson.to_string(),
                step: step.to_string(),
                buildup,
                events: Vec::new(),
            },
            stage: Stage::Start,
            origin: at,
            check: None,
            checks: 0,
            pending: None,
            finished: None,
            finished_after: usize::MAX,
            hints: Vec::new(),
        })
    }

    fn push(&mut self, at: f64, event: ExecutionEvent) {
        let t = (at - self.origin).max(0.0);
        self.step.events.push((t, event));
    }

    fn output(&mut self, at: f64, text: &str) {
        match self.stage {
            Stage::Start if text == PROMPT => {
                self.stage = Stage::Typing;
                return;
            }
            Stage::Typing => {
                if text == "\r\n" {
                    self.stage = Stage::After;
                    self.origin = at;
                }
                return;
            }
            Stage::Start | Stage::After => {}
        }
        let id = self.step.step.clone();
        let Some((code, line)) = own_line(text) else {
            if self.finished.is_none() {
                let line = text.strip_suffix("\r\n").unwrap_or(text);
                let line = line.strip_prefix(CONTINUATION).unwrap_or(line);
                self.push(
                    at,
                    ExecutionEvent::Output {
                        step: id,
                        line: line.to_string(),
                    },
                );
            }
            return;
        };
        if let Some(pending) = self.pending.take()
            && let (DIM, Some(hint)) = (code, line.strip_prefix("    hint: "))
        {
            let index = self.check.unwrap_or_default();
            let hint = hint.to_string();
            let event = match pending {
                Pending::Stalled(seen) => ExecutionEvent::CheckStalled {
                    step: id,
                    index,
                    seen,
                    hint,
                },
                Pending::Failed(last_seen) => ExecutionEvent::CheckFailed {
                    step: id,
                    index,
                    last_seen,
                    hint,
                },
            };
            self.push(at, event);
            return;
        }
        if self.finished.is_some() {
            match (code, line.strip_prefix("  hint: ")) {
                (DIM, Some(hint)) => self.hints.push(hint.to_string()),
                // trinetes' own note after the step (going on on dry-run)
                // shows with its output.
                (BOLD, _) => self.push(
                    at,
                    ExecutionEvent::Output {
                        step: id,
                        line: line.to_string(),
                    },
                ),
                _ => {}
            }
            return;
        }
        if let Some(finish) = outcome(&id, code, line) {
            self.finished = Some((at, finish.0, finish.1));
            self.finished_after = self.step.events.len();
            return;
        }
        let index = self.check.unwrap_or_default();
        let event = match code {
            DIM if line.starts_with(&format!("○ {id} skipped: ")) => {
                let reason = line[format!("○ {id} skipped: ").len()..].to_string();
                self.finished = Some((
                    at,
                    StepOutcome::Skipped {
                        reason: reason.clone(),
                    },
                    Duration::ZERO,
                ));
                // After the StepSkipped pushed below.
                self.finished_after = self.step.events.len() + 1;
                ExecutionEvent::StepSkipped { step: id, reason }
            }
            DIM if line.starts_with("  … checking: ") => {
                let index = self.checks;
                self.checks += 1;
                self.check = Some(index);
                ExecutionEvent::CheckStarted {
                    step: id,
                    index,
                    description: line["  … checking: ".len()..].to_string(),
                }
            }
            DIM if line.starts_with("  … ") => {
                let stage = &line["  … ".len()..];
                let (name, fraction) = match stage.rsplit_once(" (") {
                    Some((name, pct)) => {
                        match pct.strip_suffix("%)").and_then(|p| p.parse::<f32>().ok()) {
                            Some(p) => (name, Some(p / 100.0)),
                            None => (stage, None),
                        }
                    }
                    None => (stage, None),
                };
                ExecutionEvent::Stage {
                    step: id,
                    name: name.to_string(),
                    fraction,
                }
            }
            GREEN if line.starts_with("  ✔ ") => ExecutionEvent::CheckPassed {
                step: id,
                index,
                seen: line["  ✔ ".len()..].to_string(),
                elapsed: Duration::ZERO,
            },
            YELLOW if line.starts_with("  … still waiting: ") => {
                self.pending = Some(Pending::Stalled(
                    line["  … still waiting: ".len()..].to_string(),
                ));
                return;
            }
            RED if line.starts_with("  ✘ ") => {
                self.pending = Some(Pending::Failed(line["  ✘ ".len()..].to_string()));
                return;
            }
            // trinetes' own notes (a fall-back to dry-run) show with the
            // output.
            _ => ExecutionEvent::Output {
                step: id,
                line: line.to_string(),
            },
        };
        self.push(at, event);
    }

    /// The step with its `StepFinished`; a step cut off before its end
    /// (the run was killed) says so as its failure.
    fn finish(mut self) -> Option<RecordedStep> {
        let id = self.step.step.clone();
        let last = self.step.events.last().map_or(0.0, |(t, _)| *t) + self.origin;
        let (at, outcome, duration) = self.finished.take().unwrap_or((
            last,
            StepOutcome::Failed {
                reason: CUT_OFF.to_string(),
            },
            Duration::ZERO,
        ));
        // Before what was written after the step's end (a note), which
        // plays after it.
        let t = (at - self.origin).max(0.0);
        let place = self.finished_after.min(self.step.events.len());
        let finished = ExecutionEvent::StepFinished {
            step: id,
            outcome,
            duration,
            hints: self.hints.clone(),
        };
        self.step.events.insert(place, (t, finished));
        Some(self.step)
    }
}

/// The reason a step shows when the recording ends before it did.
pub const CUT_OFF: &str = "the recording ends before this step did";

/// A line trinetes wrote (`ESC[Nm text ESC[0m CR LF`): its colour code
/// and text.
fn own_line(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("\x1b[")?;
    let (code, rest) = rest.split_once('m')?;
    let line = rest.strip_suffix("\x1b[0m\r\n")?;
    let sgr = !code.is_empty() && code.chars().all(|c| c.is_ascii_digit() || c == ';');
    sgr.then_some((code, line))
}

/// A step's outcome line: the outcome and how long the step took.
fn outcome(id: &str, code: &str, line: &str) -> Option<(StepOutcome, Duration)> {
    let secs = |s: &str| {
        s.strip_suffix('s')
            .and_then(|n| n.parse::<f64>().ok())
            .and_then(|n| Duration::try_from_secs_f64(n).ok())
    };
    match code {
        GREEN => {
            let took = line.strip_prefix(&format!("✔ {id} passed in "))?;
            Some((StepOutcome::Passed, secs(took)?))
        }
        RED => {
            let rest = line.strip_prefix(&format!("✘ {id} "))?;
            if let Some(rest) = rest.strip_prefix("failed after ") {
                let (took, reason) = rest.split_once(": ")?;
                Some((
                    StepOutcome::Failed {
                        reason: reason.to_string(),
                    },
                    secs(took)?,
                ))
            } else if let Some(took) = rest.strip_prefix("timed out after ") {
                Some((StepOutcome::TimedOut, secs(took)?))
            } else {
                let took = rest.strip_prefix("cancelled after ")?;
                Some((StepOutcome::Cancelled, secs(took)?))
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Recorder;
    use crate::record::asciicast::Header;
    use crate::redact::Redactor;

    fn header(origin: Option<Origin>) -> Header {
        Header {
            width: 80,
            height: 24,
            timestamp: None,
            title: Some("demo".into()),
            idle_time_limit: Some(3.0),
            origin,
        }
    }

    fn origin() -> Origin {
        Origin {
            format: ORIGIN_FORMAT,
            profile: "current".into(),
            backend: "dry-run".into(),
        }
    }

    /// Events and when they happen, in milliseconds.
    type Timed = Vec<(ExecutionEvent, u64)>;

    /// Records `steps` (lesson, build-up, events) and reads the recording
    /// back.
    fn round_trip(steps: &[(&str, bool, Timed)]) -> Script {
        let mut recorder =
            Recorder::new(Vec::new(), &header(Some(origin())), Redactor::default()).unwrap();
        for (lesson, buildup, events) in steps {
            recorder.lesson(lesson, lesson, *buildup).unwrap();
            for (event, ms) in events {
                recorder
                    .event_at(event, Duration::from_millis(*ms))
                    .unwrap();
            }
        }
        let text = String::from_utf8(recorder.finish().unwrap()).unwrap();
        Script::read(&Cast::parse(&text).unwrap()).unwrap()
    }

    fn finished(step: &str, outcome: StepOutcome, hints: &[&str]) -> ExecutionEvent {
        ExecutionEvent::StepFinished {
            step: step.into(),
            outcome,
            duration: Duration::from_millis(1500),
            hints: hints.iter().map(|h| h.to_string()).collect(),
        }
    }

    #[test]
    fn each_recorded_step_reads_back_as_the_events_it_showed() {
        let s = |x: &str| x.to_string();
        let shown = vec![
            ExecutionEvent::Output {
                step: s("create"),
                line: s("replicaset.apps/web created"),
            },
            ExecutionEvent::Stage {
                step: s("create"),
                name: s("waiting for pods"),
                fraction: Some(0.5),
            },
            ExecutionEvent::CheckStarted {
                step: s("create"),
                index: 0,
                description: s("3 pods Running"),
            },
            ExecutionEvent::CheckStalled {
                step: s("create"),
                index: 0,
                seen: s("1 of 3"),
                hint: s("look at kubectl get pods"),
            },
            ExecutionEvent::CheckFailed {
                step: s("create"),
                index: 0,
                last_seen: s("2 of 3"),
                hint: s("describe the pod"),
            },
            finished(
                "create",
                StepOutcome::Failed {
                    reason: s("a check failed"),
                },
                &["the image may be wrong"],
            ),
        ];
        let mut events = vec![(
            ExecutionEvent::StepStarted {
                step: s("create"),
                command: s("cat > rs.yml <<EOF\nkind: ReplicaSet\nEOF"),
            },
            0,
        )];
        events.extend(shown.iter().cloned().map(|e| (e, 100)));
        let passed = vec![
            (
                ExecutionEvent::StepStarted {
                    step: s("get"),
                    command: s("kubectl get rs"),
                },
                200,
            ),
            (
                ExecutionEvent::CheckStarted {
                    step: s("get"),
                    index: 0,
                    description: s("rs web"),
                },
                250,
            ),
            (
                ExecutionEvent::CheckPassed {
                    step: s("get"),
                    index: 0,
                    seen: s("web 3/3"),
                    elapsed: Duration::from_millis(10),
                },
                300,
            ),
            (finished("get", StepOutcome::Passed, &[]), 300),
        ];
        let skipped = vec![(
            ExecutionEvent::StepSkipped {
                step: s("eks"),
                reason: s("only on live"),
            },
            400,
        )];
        let built = vec![
            (
                ExecutionEvent::StepStarted {
                    step: s("install"),
                    command: s("helm install"),
                },
                500,
            ),
            (finished("install", StepOutcome::Passed, &[]), 600),
        ];
        let script = round_trip(&[
            ("replicasets", false, events),
            ("replicasets", false, passed),
            ("replicasets", false, skipped),
            ("helm", true, built),
        ]);
        let ids: Vec<_> = script
            .steps
            .iter()
            .map(|r| (r.lesson.as_str(), r.step.as_str(), r.buildup))
            .collect();
        assert_eq!(
            ids,
            [
                ("replicasets", "create", false),
                ("replicasets", "get", false),
                ("replicasets", "eks", false),
                ("helm", "install", true),
            ]
        );
        // Every event the step showed, in order; the typed command is not
        // one of them (the presentation types its own).
        let read: Vec<ExecutionEvent> = script.steps[0]
            .events
            .iter()
            .map(|(_, e)| e.clone())
            .collect();
        assert_eq!(read, shown);
        // Timed from the end of the typing, never going back.
        let times: Vec<f64> = script.steps[0].events.iter().map(|(t, _)| *t).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        assert!(times[0] < 0.2, "{times:?}");

        let get = &script.steps[1].events;
        assert!(matches!(
            &get[1].1,
            ExecutionEvent::CheckPassed { index: 0, seen, .. } if seen == "web 3/3"
        ));
        assert!(matches!(
            &get.last().unwrap().1,
            ExecutionEvent::StepFinished { outcome: StepOutcome::Passed, duration, .. }
                if *duration == Duration::from_millis(1500)
        ));
        assert!(matches!(
            &script.steps[2].events.last().unwrap().1,
            ExecutionEvent::StepFinished { outcome: StepOutcome::Skipped { reason }, .. }
                if reason == "only on live"
        ));
        // A lesson only built up is not one the recording gives.
        assert_eq!(script.lessons(), ["replicasets"]);
        assert_eq!(
            script.find("helm", "install", 0).map(|r| r.buildup),
            Some(true)
        );
        assert!(script.find("replicasets", "missing", 0).is_none());
    }

    #[test]
    fn a_step_recorded_twice_plays_its_recordings_in_turn() {
        let run = |ms: u64, outcome: StepOutcome| {
            vec![
                (
                    ExecutionEvent::StepStarted {
                        step: "create".into(),
                        command: "eksctl create cluster".into(),
                    },
                    ms,
                ),
                (finished("create", outcome, &[]), ms + 10),
            ]
        };
        let failed = StepOutcome::Failed {
            reason: "no such host".into(),
        };
        let script = round_trip(&[
            ("eks", false, run(0, failed.clone())),
            ("eks", false, run(100, StepOutcome::Passed)),
        ]);
        let outcome = |nth| match &script.find("eks", "create", nth).unwrap().events[0].1 {
            ExecutionEvent::StepFinished { outcome, .. } => outcome.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(outcome(0), failed);
        assert_eq!(outcome(1), StepOutcome::Passed);
        assert_eq!(outcome(5), StepOutcome::Passed, "then the last again");
        assert_eq!(script.count("eks", "create"), 2);
    }

    #[test]
    fn a_note_after_a_step_plays_after_its_end() {
        let mut recorder =
            Recorder::new(Vec::new(), &header(Some(origin())), Redactor::default()).unwrap();
        recorder.lesson("eks", "EKS", false).unwrap();
        let started = ExecutionEvent::StepStarted {
            step: "create".into(),
            command: "eksctl create cluster".into(),
        };
        recorder.event_at(&started, Duration::ZERO).unwrap();
        let failed = StepOutcome::Failed {
            reason: "no such host".into(),
        };
        recorder
            .event_at(
                &finished("create", failed.clone(), &[]),
                Duration::from_millis(10),
            )
            .unwrap();
        recorder.note("SIMULATED from eks/create on").unwrap();
        let text = String::from_utf8(recorder.finish().unwrap()).unwrap();
        let script = Script::read(&Cast::parse(&text).unwrap()).unwrap();
        let events: Vec<&ExecutionEvent> = script.steps[0].events.iter().map(|(_, e)| e).collect();
        assert!(
            matches!(events[0], ExecutionEvent::StepFinished { outcome, .. } if *outcome == failed),
            "{events:?}"
        );
        assert!(
            matches!(events[1], ExecutionEvent::Output { line, .. } if line == "SIMULATED from eks/create on"),
            "{events:?}"
        );
    }

    #[test]
    fn checks_run_again_are_one_more_recording_of_the_step() {
        let mut recorder =
            Recorder::new(Vec::new(), &header(Some(origin())), Redactor::default()).unwrap();
        recorder.lesson("rs", "rs", false).unwrap();
        recorder.checks_again("create").unwrap();
        let events = [
            ExecutionEvent::CheckStarted {
                step: "create".into(),
                index: 0,
                description: "3 pods".into(),
            },
            ExecutionEvent::CheckPassed {
                step: "create".into(),
                index: 0,
                seen: "3 pods Running".into(),
                elapsed: Duration::ZERO,
            },
            finished("create", StepOutcome::Passed, &[]),
        ];
        for e in &events {
            recorder.event_at(e, Duration::ZERO).unwrap();
        }
        let text = String::from_utf8(recorder.finish().unwrap()).unwrap();
        let script = Script::read(&Cast::parse(&text).unwrap()).unwrap();
        let played: Vec<&ExecutionEvent> = script
            .find("rs", "create", 0)
            .expect("recorded")
            .events
            .iter()
            .map(|(_, e)| e)
            .collect();
        assert!(
            matches!(played[0], ExecutionEvent::Output { line, .. } if line.contains("its checks again")),
            "{played:?}"
        );
        assert_eq!(played[1..], events.iter().collect::<Vec<_>>()[..]);
    }

    #[test]
    fn a_step_cut_off_by_a_killed_run_says_so() {
        let script = round_trip(&[(
            "eks",
            false,
            vec![(
                ExecutionEvent::StepStarted {
                    step: "create".into(),
                    command: "eksctl create cluster".into(),
                },
                0,
            )],
        )]);
        assert!(matches!(
            &script.steps[0].events.last().unwrap().1,
            ExecutionEvent::StepFinished { outcome: StepOutcome::Failed { reason }, .. }
                if reason == CUT_OFF
        ));
    }

    #[test]
    fn a_recording_that_does_not_name_its_lessons_is_refused() {
        let mut text = header(None).to_line() + "\n";
        text += "[0.1,\"m\",\"create\"]\n";
        let cast = Cast::parse(&text).unwrap();
        let err = Script::read(&cast).unwrap_err();
        assert_eq!(err, ScriptError::NotTrinetes);
        assert!(err.to_string().contains("asciinema play"), "{err}");
        let mut newer = origin();
        newer.format = ORIGIN_FORMAT + 1;
        let text = header(Some(newer)).to_line() + "\n";
        assert_eq!(
            Script::read(&Cast::parse(&text).unwrap()),
            Err(ScriptError::Format(ORIGIN_FORMAT + 1))
        );
        let text = header(Some(origin())).to_line() + "\n[0.1,\"o\",\"hello\\r\\n\"]\n";
        assert_eq!(
            Script::read(&Cast::parse(&text).unwrap()),
            Err(ScriptError::NoSteps)
        );
    }
}
