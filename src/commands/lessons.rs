//! `trinetes lessons`: list the lessons, print them as JSON, or check lesson files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use serde::Serialize;

use crate::cli::{GlobalArgs, LessonsArgs, LessonsCommand};
use crate::lesson::{self, BackendKind, Check, Lesson, LessonError, Profile};
use crate::progress::{LessonStatus, Progress, ProgressStore, RecordedOutcome, state_dir};

pub fn run(global: &GlobalArgs, args: &LessonsArgs) -> anyhow::Result<ExitCode> {
    let profile = Profile::builtin(&global.profile)?;
    match &args.command {
        Some(LessonsCommand::Check { dir }) => {
            Ok(check(dir.as_deref().or(global.lessons.as_deref())))
        }
        Some(LessonsCommand::Export { html, with_notes }) => {
            let lessons = load(global.lessons.as_deref())?;
            let options = crate::export::HandoutOptions {
                with_notes: *with_notes,
            };
            crate::export::export(&lessons, &profile, options, html)?;
            println!(
                "Wrote {} lesson pages on profile {}{} to {}; open {}",
                lessons.len(),
                profile.name,
                if *with_notes {
                    ", with speaker notes,"
                } else {
                    ""
                },
                html.display(),
                html.join("index.html").display()
            );
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let lessons = load(global.lessons.as_deref())?;
            let loaded = ProgressStore::new(state_dir()?).load()?;
            if let Some(warning) = &loaded.warning {
                eprintln!("warning: {warning}");
            }
            let progress = loaded.progress;
            let mut out = std::io::stdout().lock();
            if args.json {
                let view = JsonView::new(&lessons, &profile, &progress);
                serde_json::to_writer_pretty(&mut out, &view)?;
                writeln!(out)?;
            } else {
                write!(out, "{}", table(&lessons, &progress))?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(crate) fn load(dir: Option<&Path>) -> anyhow::Result<Vec<Lesson>> {
    match dir {
        None => Ok(lesson::builtin()),
        Some(dir) => lesson::load_dir(dir).map_err(|errors| {
            anyhow::anyhow!(
                "{}\n{} error(s) in {}; `trinetes lessons check {}` lists them",
                render_errors(&errors),
                errors.len(),
                dir.display(),
                shell_words::quote(&dir.display().to_string())
            )
        }),
    }
    .with_context(|| "could not load the lessons")
}

fn render_errors(errors: &[LessonError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Validates a folder (or the built-in lessons) and reports every error.
fn check(dir: Option<&Path>) -> ExitCode {
    let (result, place) = match dir {
        Some(dir) => (lesson::load_dir(dir), dir.display().to_string()),
        None => (lesson::builtin_checked(), "built-in lessons".to_string()),
    };
    match result {
        Ok(lessons) => {
            let steps: usize = lessons.iter().map(|l| l.steps.len()).sum();
            let checks: usize = lessons
                .iter()
                .flat_map(|l| &l.steps)
                .map(|s| s.checks.len())
                .sum();
            let n = |count: usize, one: &str, many: &str| {
                format!("{count} {}", if count == 1 { one } else { many })
            };
            println!(
                "OK: {}, {}, {} in {place}",
                n(lessons.len(), "lesson", "lessons"),
                n(steps, "step", "steps"),
                n(checks, "check", "checks")
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            let mut err = std::io::stderr().lock();
            for e in &errors {
                // A closed stderr leaves nothing better to do than exit non-zero.
                let _ = writeln!(err, "{e}");
            }
            let _ = writeln!(err, "{} error(s) in {place}", errors.len());
            ExitCode::FAILURE
        }
    }
}

/// The plain listing, with the learner's progress in the last column.
fn table(lessons: &[Lesson], progress: &Progress) -> String {
    let id_width = lessons
        .iter()
        .map(|l| l.front.id.len())
        .max()
        .unwrap_or(0)
        .max(2);
    let title_width = lessons
        .iter()
        .map(|l| l.front.title.chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    let mut out = format!(
        "{:<id_width$}  {:<title_width$}  {:>7}  {:>5}  PROGRESS\n",
        "ID", "TITLE", "MINUTES", "STEPS"
    );
    for l in lessons {
        out.push_str(&format!(
            "{:<id_width$}  {:<title_width$}  {:>7}  {:>5}  {}\n",
            l.front.id,
            l.front.title,
            l.front.minutes,
            l.steps.len(),
            LessonProgressView::of(l, progress).cell()
        ));
    }
    out
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum ProgressMark {
    NotStarted,
    Opened,
    Done,
}

/// Where the learner stands in one lesson, as `trinetes lessons` shows it.
#[derive(Debug, Serialize, PartialEq, Eq)]
struct LessonProgressView {
    status: ProgressMark,
    /// Steps whose last run passed.
    passed: usize,
    steps: usize,
}

impl LessonProgressView {
    fn of(lesson: &Lesson, progress: &Progress) -> Self {
        let id = &lesson.front.id;
        let outcomes = lesson
            .steps
            .iter()
            .map(|s| progress.step_outcome(id, &s.id));
        let passed = outcomes
            .clone()
            .filter(|o| *o == Some(RecordedOutcome::Passed))
            .count();
        // A step skipped on this profile or backend has nothing left to do.
        let all_done = !lesson.steps.is_empty()
            && outcomes.clone().all(|o| {
                matches!(
                    o,
                    Some(RecordedOutcome::Passed) | Some(RecordedOutcome::Skipped)
                )
            });
        let status = match progress.status(id) {
            LessonStatus::Completed => ProgressMark::Done,
            _ if all_done => ProgressMark::Done,
            LessonStatus::Opened => ProgressMark::Opened,
            LessonStatus::NotStarted => ProgressMark::NotStarted,
        };
        LessonProgressView {
            status,
            passed,
            steps: lesson.steps.len(),
        }
    }

    /// `done`, steps passed out of all (`2/5`), or `-` before the learner
    /// opened the lesson.
    fn cell(&self) -> String {
        match self.status {
            ProgressMark::Done => "done".to_string(),
            ProgressMark::NotStarted => "-".to_string(),
            ProgressMark::Opened if self.steps == 0 => "opened".to_string(),
            ProgressMark::Opened => format!("{}/{}", self.passed, self.steps),
        }
    }
}

#[derive(Serialize)]
struct JsonView<'a> {
    profile: &'a str,
    lessons: Vec<JsonLesson>,
}

#[derive(Serialize)]
struct JsonLesson {
    id: String,
    title: String,
    summary: String,
    minutes: u32,
    order: i32,
    backends: Vec<BackendKind>,
    /// What the lesson starts from and what it leaves, by name.
    needs: Vec<String>,
    provides: Vec<String>,
    path: PathBuf,
    progress: LessonProgressView,
    steps: Vec<JsonStep>,
}

#[derive(Serialize)]
struct JsonStep {
    id: String,
    title: String,
    command: String,
    episode_command: Option<String>,
    episode_why: Option<String>,
    timeout_secs: f64,
    billable: bool,
    interactive: bool,
    background: bool,
    backends: Vec<BackendKind>,
    /// Profiles the step runs on; empty means all.
    profiles: Vec<String>,
    /// Set when the chosen profile is not among `profiles`.
    skipped_on_profile: Option<String>,
    skip_reason: Option<String>,
    hints: Vec<crate::lesson::StepHint>,
    checks: Vec<JsonCheck>,
}

#[derive(Serialize)]
struct JsonCheck {
    description: String,
    #[serde(flatten)]
    check: Check,
}

impl<'a> JsonView<'a> {
    fn new(lessons: &[Lesson], profile: &'a Profile, progress: &Progress) -> Self {
        let secs = |d: Duration| d.as_secs_f64();
        JsonView {
            profile: &profile.name,
            lessons: lessons
                .iter()
                .map(|l| (LessonProgressView::of(l, progress), l.expanded(profile)))
                .map(|(progress, l)| JsonLesson {
                    progress,
                    id: l.front.id.clone(),
                    title: l.front.title.clone(),
                    summary: l.front.summary.clone(),
                    minutes: l.front.minutes,
                    order: l.front.order,
                    backends: l.front.backends.clone(),
                    needs: l.front.needs.clone(),
                    provides: l.front.provides.clone(),
                    path: l.path.clone(),
                    steps: l
                        .steps
                        .into_iter()
                        .map(|s| JsonStep {
                            checks: s
                                .checks
                                .into_iter()
                                .map(|c| JsonCheck {
                                    description: c.describe(),
                                    check: c,
                                })
                                .collect(),
                            id: s.id,
                            title: s.title,
                            command: s.command,
                            episode_command: s.episode_command,
                            episode_why: s.episode_why,
                            skip_reason: s.skip_reason,
                            hints: s.hints,
                            timeout_secs: secs(s.timeout),
                            billable: s.billable,
                            interactive: s.interactive,
                            background: s.background,
                            backends: s.backends,
                            profiles: s.profiles,
                            skipped_on_profile: s.skipped_on_profile,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
