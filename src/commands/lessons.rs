//! `trinetes lessons`: list the lessons, print them as JSON, or check lesson files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use serde::Serialize;

use crate::cli::{GlobalArgs, LessonsArgs, LessonsCommand};
use crate::lesson::{self, BackendKind, Check, Lesson, LessonError, Profile};

pub fn run(global: &GlobalArgs, args: &LessonsArgs) -> anyhow::Result<ExitCode> {
    let profile = Profile::builtin(&global.profile)?;
    match &args.command {
        Some(LessonsCommand::Check { dir }) => {
            Ok(check(dir.as_deref().or(global.lessons.as_deref())))
        }
        None => {
            let lessons = load(global.lessons.as_deref())?;
            let mut out = std::io::stdout().lock();
            if args.json {
                let view = JsonView::new(&lessons, &profile);
                serde_json::to_writer_pretty(&mut out, &view)?;
                writeln!(out)?;
            } else {
                write!(out, "{}", table(&lessons))?;
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
                "{}\n{} error(s) in {}; `trinetes lessons check` lists them",
                render_errors(&errors),
                errors.len(),
                dir.display()
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
            println!(
                "OK: {} lessons, {steps} steps, {checks} checks in {place}",
                lessons.len()
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

/// The plain listing. The last column is reserved for progress, which the
/// progress store fills in (`-` until it exists).
fn table(lessons: &[Lesson]) -> String {
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
            progress_cell(l)
        ));
    }
    out
}

/// Placeholder until progress is recorded on disk.
fn progress_cell(_lesson: &Lesson) -> String {
    "-".to_string()
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
    path: PathBuf,
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
    hints: Vec<String>,
    checks: Vec<JsonCheck>,
}

#[derive(Serialize)]
struct JsonCheck {
    description: String,
    #[serde(flatten)]
    check: Check,
}

impl<'a> JsonView<'a> {
    fn new(lessons: &[Lesson], profile: &'a Profile) -> Self {
        let secs = |d: Duration| d.as_secs_f64();
        JsonView {
            profile: &profile.name,
            lessons: lessons
                .iter()
                .map(|l| l.expanded(profile))
                .map(|l| JsonLesson {
                    id: l.front.id.clone(),
                    title: l.front.title.clone(),
                    summary: l.front.summary.clone(),
                    minutes: l.front.minutes,
                    order: l.front.order,
                    backends: l.front.backends.clone(),
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
