//! Prints a headless run as it happens and collects what the report needs.
//! Plain text when stdout is not a terminal; a little colour when it is.

use std::cell::RefCell;
use std::io::Write;
use std::time::Duration;

use crate::commands::report::{CheckReport, StepReport};
use crate::execute::{ExecutionEvent, StepOutcome};

/// How many output lines of a step the report keeps (the last ones).
const REPORT_OUTPUT_LINES: usize = 200;

pub struct Printer {
    color: bool,
    /// The last output line and how often it came again right after; a
    /// simulated wait at a fast pace prints the same line many times.
    last_output: RefCell<Option<(String, usize)>>,
    /// The stage last printed and the quarter of the run it was in: a
    /// stage is printed when it starts and at each quarter, not at every
    /// percent the progress moves.
    last_stage: RefCell<Option<(String, u8)>>,
}

impl Printer {
    pub fn new(color: bool) -> Self {
        Printer {
            color,
            last_output: RefCell::new(None),
            last_stage: RefCell::new(None),
        }
    }

    /// Says how often the last output line came again, if it did.
    fn end_repeats(&self) {
        if let Some((_, repeats @ 1..)) = self.last_output.borrow_mut().take() {
            emit(&format!("  │ … the line above {repeats} more time(s)"));
        }
    }

    /// Whether `line` is the output line just printed (then it is counted,
    /// not printed).
    fn repeats(&self, line: &str) -> bool {
        let mut last = self.last_output.borrow_mut();
        match last.as_mut() {
            Some((text, count)) if text == line => {
                *count += 1;
                true
            }
            _ => false,
        }
    }

    /// Whether a stage is worth a line: a new stage, or the progress moved
    /// into another quarter of the run.
    fn stage_is_news(&self, name: &str, fraction: Option<f32>) -> bool {
        let quarter = fraction.map_or(0, |f| (f.clamp(0.0, 1.0) * 4.0) as u8);
        let mut last = self.last_stage.borrow_mut();
        if last
            .as_ref()
            .is_some_and(|(n, q)| n == name && *q == quarter)
        {
            return false;
        }
        *last = Some((name.to_string(), quarter));
        true
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn line(&self, text: &str) {
        self.end_repeats();
        emit(text);
    }

    /// A lesson's heading; `buildup` when its steps build what a later
    /// lesson needs.
    pub fn lesson(&self, id: &str, title: &str, buildup: bool) {
        let heading = format!("== {id}: {title}");
        crate::record::lesson(id, &heading, buildup);
        self.line(&self.paint("1", &heading));
    }

    /// Print one event and fold it into the step's report.
    pub fn event(&self, event: &ExecutionEvent, report: &mut StepReport) {
        match event {
            ExecutionEvent::StepStarted { step, command } => {
                self.line(&self.paint("1", &format!("▶ {step}: {}", report.title)));
                // A command of several lines (a here-document) keeps its
                // lines under the first, indented like it.
                self.line(&format!("  $ {}", command.replace('\n', "\n    ")));
            }
            ExecutionEvent::StepSkipped { step, reason } => {
                self.line(&self.paint("2", &format!("○ {step} skipped: {reason}")));
            }
            ExecutionEvent::Output { line, .. } => {
                report.output.push(line.clone());
                if report.output.len() > REPORT_OUTPUT_LINES {
                    report.output.remove(0);
                }
                if !self.repeats(line) {
                    self.line(&format!("  │ {line}"));
                    *self.last_output.borrow_mut() = Some((line.clone(), 0));
                }
            }
            ExecutionEvent::Stage { name, fraction, .. } => {
                if self.stage_is_news(name, *fraction) {
                    let pct = fraction
                        .map(|f| format!(" ({:.0}%)", f * 100.0))
                        .unwrap_or_default();
                    self.line(&self.paint("36", &format!("  … {name}{pct}")));
                }
            }
            ExecutionEvent::CheckStarted { description, .. } => {
                self.line(&format!("  … checking: {description}"));
                report.checks.push(CheckReport {
                    description: description.clone(),
                    passed: false,
                    seen: String::new(),
                    hint: None,
                });
            }
            ExecutionEvent::CheckPassed { seen, .. } => {
                self.line(&self.paint("32", &format!("  ✔ {seen}")));
                if let Some(c) = report.checks.last_mut() {
                    c.passed = true;
                    c.seen = seen.clone();
                }
            }
            ExecutionEvent::CheckStalled { seen, hint, .. } => {
                self.line(
                    &self.paint("33", &format!("  … still waiting, nothing changes: {seen}")),
                );
                self.line(&format!("    hint: {hint}"));
            }
            ExecutionEvent::CheckFailed {
                last_seen, hint, ..
            } => {
                self.line(&self.paint("31", &format!("  ✘ {last_seen}")));
                self.line(&format!("    hint: {hint}"));
                if let Some(c) = report.checks.last_mut() {
                    c.seen = last_seen.clone();
                    c.hint = Some(hint.clone());
                }
            }
            ExecutionEvent::StepFinished {
                step,
                outcome,
                duration,
                hints,
            } => {
                report.duration_secs = duration.as_secs_f64();
                report.hints.clone_from(hints);
                let (name, reason) = outcome_parts(outcome);
                report.outcome = name.to_string();
                report.reason = reason.clone();
                let took = human(*duration);
                let text = match outcome {
                    StepOutcome::Passed => self.paint("32", &format!("✔ {step} passed in {took}")),
                    StepOutcome::Skipped { .. } => return,
                    _ => self.paint(
                        "31",
                        &format!(
                            "✘ {step} {name} after {took}: {}",
                            reason.unwrap_or_default()
                        ),
                    ),
                };
                self.line(&text);
                // The step's own hints its failure calls for, under it.
                for hint in hints {
                    self.line(&format!("  hint: {hint}"));
                }
            }
        }
    }
}

fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}

pub fn outcome_parts(outcome: &StepOutcome) -> (&'static str, Option<String>) {
    match outcome {
        StepOutcome::Passed => ("passed", None),
        StepOutcome::Failed { reason } => ("failed", Some(reason.clone())),
        StepOutcome::TimedOut => (
            "timed-out",
            Some("the step ran past its timeout".to_string()),
        ),
        StepOutcome::Cancelled => ("cancelled", Some("the step was cancelled".to_string())),
        StepOutcome::Skipped { reason } => ("skipped", Some(reason.clone())),
    }
}

pub fn human(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else if d < Duration::from_secs(120) {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        format!("{}m{:02}s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

#[cfg(test)]
mod stage_tests {
    use super::Printer;

    #[test]
    fn a_stage_is_printed_when_it_starts_and_at_each_quarter() {
        let printer = Printer::new(false);
        let news: Vec<bool> = [0.0, 0.01, 0.2, 0.26, 0.3, 0.5, 0.6, 0.99, 1.0]
            .iter()
            .map(|f| printer.stage_is_news("creating the control plane", Some(*f)))
            .collect();
        assert_eq!(
            news,
            [true, false, false, true, false, true, false, true, true]
        );
        assert!(printer.stage_is_news("creating the nodegroup", Some(0.99)));
        assert!(printer.stage_is_news("creating the control plane", Some(0.99)));
    }
}
