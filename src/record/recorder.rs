//! Turns the events of executing steps into an asciicast: a marker at each
//! step, its command typed after a prompt, its output, its checks and its
//! outcome, each as terminal text at the time it happened. Every text is
//! redacted first, with the same rules as the live backend's output and
//! the reports (`redact.rs`), and the learner's own paths (the state
//! directory, the home directory) are written as `$STATE` and `~`.
//!
//! The marker's label is `LESSON/STEP`, and trinetes' own lines are each
//! one output event in one colour (`\x1b[Nm…\x1b[0m\r\n`): `replay::script`
//! reads the steps back from them.

use std::io::Write;
use std::time::{Duration, Instant};

use super::asciicast::{Event, EventKind, Header};
use crate::execute::{ExecutionEvent, StepOutcome};
use crate::redact::Redactor;

/// A typed command shows one character per this many seconds…
const TYPE_INTERVAL: f64 = 0.03;
/// …and takes at most this long, however long the command is.
const TYPE_LIMIT: f64 = 1.5;

pub(crate) const PROMPT: &str = "\x1b[1;32m$\x1b[0m ";
/// A line break inside a typed command.
pub(crate) const CONTINUATION: &str = "\r\n> ";
/// Before a build-up step's marker label: a step run to build what a later
/// lesson needs, not given in its own lesson.
pub(crate) const BUILDUP: &str = "build-up:";
pub(crate) const DIM: &str = "2";
pub(crate) const GREEN: &str = "32";
pub(crate) const YELLOW: &str = "33";
pub(crate) const RED: &str = "31";
pub(crate) const BOLD: &str = "1";
/// A lesson's heading: bold cyan, told apart from the notes in bold.
pub(crate) const HEADING: &str = "1;36";

/// Writes a recording to `out`, one whole line per event, flushed at once:
/// a run that dies leaves every event before it readable.
pub struct Recorder<W: Write> {
    out: W,
    redactor: Redactor,
    started: Instant,
    /// The time typing has added: a typed command takes time the run did
    /// not spend, so everything after it moves later by as much.
    typing: f64,
    /// The time of the last event written; times never go back.
    last: f64,
    /// The lesson whose steps are being recorded (the markers' first part).
    lesson: Option<String>,
    /// The next steps are a build-up's.
    buildup: bool,
    /// Paths written shorter, longest first: (path, what is written).
    paths: Vec<(String, String)>,
}

impl<W: Write> Recorder<W> {
    /// Starts a recording: writes the header.
    pub fn new(mut out: W, header: &Header, redactor: Redactor) -> std::io::Result<Self> {
        out.write_all(format!("{}\n", header.to_line()).as_bytes())?;
        out.flush()?;
        Ok(Recorder {
            out,
            redactor,
            started: Instant::now(),
            typing: 0.0,
            last: 0.0,
            lesson: None,
            buildup: false,
            paths: Vec::new(),
        })
    }

    /// Writes `path` as `short` wherever it appears (the state directory
    /// as `$STATE`, the home directory as `~`).
    pub fn shorten_path(&mut self, path: &std::path::Path, short: &str) {
        let path = path.to_string_lossy().trim_end_matches('/').to_string();
        if path.len() > 1 {
            self.paths.push((path, short.to_string()));
            self.paths.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        }
    }

    /// The steps from now on are lesson `id`'s (or, with `buildup`, run to
    /// build what a later lesson needs); `heading` is written when the
    /// lesson changes.
    pub fn lesson(&mut self, id: &str, heading: &str, buildup: bool) -> std::io::Result<()> {
        let changed = self.lesson.as_deref() != Some(id) || self.buildup != buildup;
        self.lesson = Some(id.to_string());
        self.buildup = buildup;
        if changed && !heading.is_empty() {
            let at = self.time(self.started.elapsed());
            self.line(at, HEADING, heading)?;
        }
        Ok(())
    }

    /// Step `step`'s checks run again (`v` in the tutorial): its marker,
    /// without a command.
    pub fn checks_again(&mut self, step: &str) -> std::io::Result<()> {
        let t = self.time(self.started.elapsed());
        self.write(t, EventKind::Marker(self.marker(step)))?;
        self.line(t, DIM, &format!("↻ {step}: its checks again"))
    }

    fn marker(&self, step: &str) -> String {
        let prefix = if self.buildup { BUILDUP } else { "" };
        match &self.lesson {
            Some(lesson) => format!("{prefix}{lesson}/{step}"),
            None => format!("{prefix}{step}"),
        }
    }

    fn clean(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (path, short) in &self.paths {
            text = text.replace(path.as_str(), short);
        }
        self.redactor.redact(&text)
    }

    /// Records an event now.
    pub fn event(&mut self, event: &ExecutionEvent) -> std::io::Result<()> {
        self.event_at(event, self.started.elapsed())
    }

    /// A line of the recorder's own (a lesson's heading), now.
    pub fn note(&mut self, text: &str) -> std::io::Result<()> {
        let at = self.time(self.started.elapsed());
        self.line(at, BOLD, text)
    }

    /// Records an event that happened `at` after the start.
    pub fn event_at(&mut self, event: &ExecutionEvent, at: Duration) -> std::io::Result<()> {
        let t = self.time(at);
        match event {
            ExecutionEvent::StepStarted { step, command } => {
                self.write(t, EventKind::Marker(self.marker(step)))?;
                self.typed(t, command)?;
            }
            ExecutionEvent::StepSkipped { step, reason } => {
                self.write(t, EventKind::Marker(self.marker(step)))?;
                self.line(t, DIM, &format!("○ {step} skipped: {reason}"))?;
            }
            ExecutionEvent::Output { line, .. } => {
                let text = format!("{}\r\n", self.clean(line));
                self.write(t, EventKind::Output(text))?;
            }
            ExecutionEvent::Stage { name, fraction, .. } => {
                let pct = fraction
                    .map(|f| format!(" ({:.0}%)", f * 100.0))
                    .unwrap_or_default();
                self.line(t, DIM, &format!("  … {name}{pct}"))?;
            }
            ExecutionEvent::CheckStarted { description, .. } => {
                self.line(t, DIM, &format!("  … checking: {description}"))?;
            }
            ExecutionEvent::CheckPassed { seen, .. } => {
                self.line(t, GREEN, &format!("  ✔ {seen}"))?;
            }
            ExecutionEvent::CheckStalled { seen, hint, .. } => {
                self.line(t, YELLOW, &format!("  … still waiting: {seen}"))?;
                self.line(t, DIM, &format!("    hint: {hint}"))?;
            }
            ExecutionEvent::CheckFailed {
                last_seen, hint, ..
            } => {
                self.line(t, RED, &format!("  ✘ {last_seen}"))?;
                self.line(t, DIM, &format!("    hint: {hint}"))?;
            }
            ExecutionEvent::StepFinished {
                step,
                outcome,
                duration,
                hints,
            } => {
                let took = format!("{:.1}s", duration.as_secs_f64());
                match outcome {
                    StepOutcome::Skipped { .. } => return Ok(()),
                    StepOutcome::Passed => {
                        self.line(t, GREEN, &format!("✔ {step} passed in {took}"))?
                    }
                    StepOutcome::Failed { reason } => {
                        self.line(t, RED, &format!("✘ {step} failed after {took}: {reason}"))?
                    }
                    StepOutcome::TimedOut => {
                        self.line(t, RED, &format!("✘ {step} timed out after {took}"))?
                    }
                    StepOutcome::Cancelled => {
                        self.line(t, RED, &format!("✘ {step} cancelled after {took}"))?
                    }
                }
                for hint in hints {
                    self.line(t, DIM, &format!("  hint: {hint}"))?;
                }
                self.write(t, EventKind::Output("\r\n".into()))?;
            }
        }
        Ok(())
    }

    /// Ends the recording and gives the writer back.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }

    fn time(&self, at: Duration) -> f64 {
        (at.as_secs_f64() + self.typing).max(self.last)
    }

    /// The prompt, then the command one character at a time.
    fn typed(&mut self, t: f64, command: &str) -> std::io::Result<()> {
        let command = self.clean(command.trim_end());
        self.write(t, EventKind::Output(PROMPT.into()))?;
        let count = command.chars().count().max(1);
        let interval = TYPE_INTERVAL.min(TYPE_LIMIT / count as f64);
        let mut at = t;
        for c in command.chars() {
            at += interval;
            // A line break inside the command shows the shell's
            // continuation prompt: only the command's end is a bare line end.
            let text = if c == '\n' {
                CONTINUATION.to_string()
            } else {
                c.to_string()
            };
            self.write(at, EventKind::Output(text))?;
        }
        self.write(at, EventKind::Output("\r\n".into()))?;
        self.typing += at - t;
        Ok(())
    }

    fn line(&mut self, t: f64, sgr: &str, text: &str) -> std::io::Result<()> {
        // One line each: a line break inside would split it in two.
        let text = self.clean(text).replace(['\r', '\n'], " ");
        self.write(
            t,
            EventKind::Output(format!("\x1b[{sgr}m{text}\x1b[0m\r\n")),
        )
    }

    fn write(&mut self, time: f64, kind: EventKind) -> std::io::Result<()> {
        self.last = time;
        let line = Event { time, kind }.to_line() + "\n";
        self.out.write_all(line.as_bytes())?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::asciicast::Cast;

    fn header() -> Header {
        Header {
            width: 80,
            height: 24,
            timestamp: None,
            title: None,
            idle_time_limit: None,
            origin: None,
        }
    }

    fn recorded(events: &[(ExecutionEvent, u64)], redactor: Redactor) -> Cast {
        let mut recorder = Recorder::new(Vec::new(), &header(), redactor).unwrap();
        for (event, ms) in events {
            recorder
                .event_at(event, Duration::from_millis(*ms))
                .unwrap();
        }
        let bytes = recorder.finish().unwrap();
        Cast::parse(&String::from_utf8(bytes).unwrap()).unwrap()
    }

    fn output(cast: &Cast) -> String {
        cast.events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Output(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_step_is_a_marker_a_typed_command_its_output_and_its_outcome() {
        let cast = recorded(
            &[
                (
                    ExecutionEvent::StepStarted {
                        step: "get-rs".into(),
                        command: "kubectl get rs".into(),
                    },
                    100,
                ),
                (
                    ExecutionEvent::Output {
                        step: "get-rs".into(),
                        line: "NAME   DESIRED".into(),
                    },
                    200,
                ),
                (
                    ExecutionEvent::StepFinished {
                        step: "get-rs".into(),
                        outcome: StepOutcome::Passed,
                        duration: Duration::from_millis(1200),
                        hints: vec![],
                    },
                    250,
                ),
            ],
            Redactor::default(),
        );
        assert_eq!(
            cast.events[0].kind,
            EventKind::Marker("get-rs".into()),
            "the marker comes first, at the step's start"
        );
        assert_eq!(cast.events[0].time, 0.1);
        // One event per typed character, after the prompt.
        let typed: Vec<&Event> = cast.events[2..16].iter().collect();
        assert_eq!(typed[0].kind, EventKind::Output("k".into()));
        assert!(typed.windows(2).all(|w| w[0].time < w[1].time));
        let text = output(&cast);
        assert!(
            text.starts_with(&format!("{PROMPT}kubectl get rs\r\nNAME   DESIRED\r\n")),
            "{text:?}"
        );
        assert!(text.contains("✔ get-rs passed in 1.2s"), "{text:?}");
        // Typing moves what follows later, and times never go back.
        assert!(cast.events.windows(2).all(|w| w[0].time <= w[1].time));
        let output_at = cast
            .events
            .iter()
            .find(|e| matches!(&e.kind, EventKind::Output(t) if t.starts_with("NAME")));
        assert!(output_at.unwrap().time > 0.2 + 13.0 * TYPE_INTERVAL);
    }

    #[test]
    fn the_learners_paths_are_written_short_and_markers_name_the_lesson() {
        let mut recorder = Recorder::new(Vec::new(), &header(), Redactor::default()).unwrap();
        recorder.shorten_path(std::path::Path::new("/home/ann"), "~");
        recorder.shorten_path(
            std::path::Path::new("/home/ann/.local/state/trinetes/"),
            "$STATE",
        );
        recorder
            .lesson("replicasets", "== replicasets", false)
            .unwrap();
        let events = [
            ExecutionEvent::StepStarted {
                step: "create".into(),
                command: "cat /home/ann/notes.txt".into(),
            },
            ExecutionEvent::Output {
                step: "create".into(),
                line: "Wrote /home/ann/.local/state/trinetes/world/files/rs.yml".into(),
            },
        ];
        for e in &events {
            recorder.event_at(e, Duration::ZERO).unwrap();
        }
        recorder.lesson("helm", "== helm", true).unwrap();
        recorder
            .event_at(
                &ExecutionEvent::StepSkipped {
                    step: "install".into(),
                    reason: "r".into(),
                },
                Duration::ZERO,
            )
            .unwrap();
        let bytes = recorder.finish().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.contains("/home/ann"), "{text}");
        let cast = Cast::parse(&text).unwrap();
        let printed = output(&cast);
        assert!(
            printed.contains("Wrote $STATE/world/files/rs.yml"),
            "{printed:?}"
        );
        assert!(printed.contains("~/notes.txt"), "{printed:?}");
        let markers: Vec<&EventKind> = cast
            .events
            .iter()
            .map(|e| &e.kind)
            .filter(|k| matches!(k, EventKind::Marker(_)))
            .collect();
        assert_eq!(
            markers,
            [
                &EventKind::Marker("replicasets/create".into()),
                &EventKind::Marker("build-up:helm/install".into()),
            ]
        );
    }

    #[test]
    fn a_long_command_types_within_the_limit() {
        let command = "x".repeat(1000);
        let cast = recorded(
            &[(
                ExecutionEvent::StepStarted {
                    step: "s".into(),
                    command,
                },
                0,
            )],
            Redactor::default(),
        );
        let last = cast.events.last().unwrap().time;
        assert!(last <= TYPE_LIMIT + 1e-6, "{last}");
    }

    #[test]
    fn secrets_are_redacted_in_commands_output_and_checks() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let cast = recorded(
            &[
                (
                    ExecutionEvent::StepStarted {
                        step: "s".into(),
                        command: format!("echo {secret}"),
                    },
                    0,
                ),
                (
                    ExecutionEvent::Output {
                        step: "s".into(),
                        line: format!("{secret} and AKIAIOSFODNN7EXAMPLE"),
                    },
                    1,
                ),
                (
                    ExecutionEvent::CheckFailed {
                        step: "s".into(),
                        index: 0,
                        last_seen: format!("aws_secret_access_key = {secret}"),
                        hint: "h".into(),
                    },
                    2,
                ),
            ],
            Redactor::with_values([secret.to_string()]),
        );
        let text = output(&cast);
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains("AKIAIOSFODNN7EXAMPLE"), "{text}");
        assert_eq!(text.matches(crate::redact::MASK).count(), 4, "{text}");
    }
}
