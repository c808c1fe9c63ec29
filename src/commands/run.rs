//! `trinetes run`: lessons headless, step by step, with their checks.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::report::{FallbackReport, LessonReport, RunReport, StepReport};
use super::run_print::{Printer, outcome_parts};
use crate::backend::Backend;
use crate::backend::fallback::{self, FallbackMode};
use crate::backend::setup::{self, ActiveBackend};
use crate::cli::{GlobalArgs, PaceName, RunArgs};
use crate::execute::{self, StepOutcome, buildup, rebuild};
use crate::lesson::{self, BackendKind, Lesson, Profile, Step, needs};
use crate::progress::{self, ProgressStore};
use crate::sim::eksctl::Pace;

/// Said after a failed run on a world kept from earlier runs.
pub const RESTORED_WORLD_FAILED: &str = "note: this run used the simulated world kept from earlier runs, with what they left in it (an interrupted `eksctl create cluster`, a release already installed). If a step failed on that, `trinetes reset-world` starts the world over; then run again.";

/// On the live and context backends, the doctor's checks before anything
/// runs, as the TUI does before its first real step: a missing tool, no
/// AWS credentials or an unreachable cluster stop the run here, with the
/// table and its fixes, instead of at the step that needs it (after a
/// ledger entry and possibly a billed cluster). Only what the chosen
/// lessons and the lessons they need run is asked for.
async fn preflight(
    target: &crate::doctor::Target,
    state_dir: &std::path::Path,
    profile: &Profile,
    all: &[Lesson],
    lessons: &[Lesson],
) -> Option<ExitCode> {
    if target.backend == "dry-run" {
        return None;
    }
    let report = crate::doctor::diagnose(target, &[], state_dir).await;
    let everything: Vec<&Lesson> = all.iter().collect();
    let mut commands: Vec<String> = Vec::new();
    for lesson in lessons {
        for builder in needs::build_order(&everything, lesson) {
            let builder = builder.expanded(profile);
            commands.extend(needs::build_steps(&builder).map(|s| s.command.clone()));
        }
        commands.extend(lesson.steps.iter().map(|s| s.command.clone()));
    }
    let commands: Vec<&str> = commands.iter().map(String::as_str).collect();
    if report.ready_for(&commands) {
        return None;
    }
    let on = match &target.context {
        Some(ctx) => format!("{}={ctx}", target.backend),
        None => target.backend.clone(),
    };
    eprintln!(
        "not run: the {on} backend is missing something these lessons need (the same checks as `trinetes doctor`):\n"
    );
    eprint!("{}", report.render());
    eprintln!("\nFix the rows marked ✘ above, then run again. Nothing was run or created.");
    Some(ExitCode::FAILURE)
}

pub fn run(global: &GlobalArgs, args: &RunArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(run_lessons(global, args))
}

async fn run_lessons(global: &GlobalArgs, args: &RunArgs) -> anyhow::Result<ExitCode> {
    let profile = Profile::builtin(&global.profile)?;
    // An unknown backend is refused before anything starts.
    let target = super::doctor::target(global, &profile)?;
    let all = super::lessons::load(global.lessons.as_deref())?;
    let lessons: Vec<Lesson> = select(&all, args)?
        .iter()
        .map(|l| l.expanded(&profile))
        .collect();
    if let Some(until) = &args.until {
        let matching: Vec<String> = lessons
            .iter()
            .flat_map(|l| {
                l.steps
                    .iter()
                    .filter(|s| until_names(until, &l.front.id, &s.id))
                    .map(|s| format!("{}/{}", l.front.id, s.id))
            })
            .collect();
        if matching.is_empty() {
            let ids: Vec<&str> = lessons
                .iter()
                .flat_map(|l| l.steps.iter().map(|s| s.id.as_str()))
                .collect();
            anyhow::bail!(
                "--until {until:?} names no step of the chosen lessons; their steps are: {}",
                ids.join(", ")
            );
        }
        if matching.len() > 1 {
            anyhow::bail!(
                "--until {until:?} names a step of several of the chosen lessons; name one as LESSON/STEP: {}",
                matching.join(", ")
            );
        }
    }
    if let Some(path) = &args.report {
        super::report::check_writable(path)
            .with_context(|| format!("cannot write the report {}", path.display()))?;
    }
    if let Some(dir) = &global.lessons
        && !global.backend.starts_with("dry-run")
        && !args.trust_lessons
    {
        anyhow::bail!(
            "the lessons in {} would run their commands for real on the {} backend, with your \
             credentials; read them first (`trinetes lessons check {}` lists them), then pass --trust-lessons",
            dir.display(),
            global.backend,
            dir.display()
        );
    }
    let recording = match &global.record {
        Some(path) => Some(crate::record::start(
            path,
            &recording_title(&lessons, args),
            &profile.name,
            &global.backend,
        )?),
        None => None,
    };
    let pace = pace_of(global)?;
    let state_dir = progress::state_dir()?;
    let printer =
        Printer::new(std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none());
    printer.line(&format!(
        "starting the {} backend (profile {})…",
        global.backend, profile.name
    ));
    let active = setup::start(
        &global.backend,
        &profile,
        pace,
        &state_dir,
        &setup::RealOptions {
            namespace: global.namespace.as_deref(),
            confirm_billable: args.confirm_billable.as_deref(),
            headless: true,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(code) = preflight(&target, &state_dir, &profile, &all, &lessons).await {
        return Ok(code);
    }
    if let Some(warning) = active.world_warning() {
        printer.line(&format!("warning: {warning}"));
    }

    let cancel = CancellationToken::new();
    let signals = tokio::spawn(cancel_on_signal(cancel.clone()));
    let started = Instant::now();
    let store = ProgressStore::new(state_dir.clone());
    let mut report = RunReport {
        backend: global.backend.clone(),
        profile: profile.name.clone(),
        passed: 0,
        failed: 0,
        skipped: 0,
        duration_secs: 0.0,
        lessons: Vec::new(),
        fallback: None,
    };
    let expanded_all: Vec<Lesson> = all.iter().map(|l| l.expanded(&profile)).collect();
    let mut run = LessonRun {
        backend: active.backend(),
        printer: &printer,
        store: &store,
        cancel: &cancel,
        args,
        net: SafetyNet {
            // Nobody is there to ask: only `auto` goes on on dry-run.
            on: global.fallback == FallbackMode::Auto
                && active.backend().kind() == BackendKind::Live,
            profile: &profile,
            pace,
            state_dir: &state_dir,
            all: &expanded_all,
            world: None,
            hurry: None,
        },
    };
    'lessons: for lesson in &lessons {
        // A port-forward belongs to its lesson.
        run.backend.stop_forwards().await;
        if !lesson.front.needs.is_empty() {
            let backend = run.backend.clone();
            let builders = buildup::missing(backend.as_ref(), &expanded_all, lesson).await;
            if !builders.is_empty() {
                printer.line(&buildup::summary(lesson, &builders));
                let before = buildup::hurry(backend.as_ref());
                let mut built = true;
                for builder in builders {
                    printer.lesson(
                        &builder.front.id,
                        &format!("{} (built for {})", builder.front.title, lesson.front.id),
                        true,
                    );
                    let steps: Vec<&Step> = needs::build_steps(builder).collect();
                    let (lesson_report, stop) =
                        run.steps(builder, &steps, &mut report, false).await;
                    report.lessons.push(lesson_report);
                    run.backend.stop_forwards().await;
                    if stop {
                        built = false;
                        break;
                    }
                }
                let fell_back_hurried = run.net.hurry.take().is_some();
                if buildup::unhurry(backend.as_ref(), before) || fell_back_hurried {
                    printer.line("the world's clock runs at the session's pace again");
                }
                if !built {
                    if args.keep_going && !cancel.is_cancelled() {
                        printer.line(&format!(
                            "{} cannot start without what it needs; going on with the next lesson",
                            lesson.front.id
                        ));
                        continue 'lessons;
                    }
                    break 'lessons;
                }
                printer.line(&format!("built what {} needs", lesson.front.id));
            }
        }
        printer.lesson(&lesson.front.id, &lesson.front.title, false);
        let steps: Vec<&Step> = lesson.steps.iter().collect();
        let (lesson_report, stop) = run.steps(lesson, &steps, &mut report, true).await;
        let all_ok = lesson_report.steps.len() == lesson.steps.len()
            && lesson_report.steps.iter().all(|s| {
                s.outcome != "failed" && s.outcome != "timed-out" && s.outcome != "cancelled"
            });
        // A lesson that went on on a simulated world was not done for real.
        if all_ok && !lesson_report.steps.iter().any(|s| s.simulated) {
            mark_completed(&store, &lesson.front.id);
        }
        report.lessons.push(lesson_report);
        if stop {
            break 'lessons;
        }
    }
    report.duration_secs = started.elapsed().as_secs_f64();
    printer.line(&format!(
        "{} passed, {} failed, {} skipped in {}{}",
        report.passed,
        report.failed,
        report.skipped,
        super::run_print::human(started.elapsed()),
        if cancel.is_cancelled() {
            " (stopped: the step that was running counts as failed here, but progress.toml keeps it as it was)"
        } else {
            ""
        }
    ));
    if report.failed > 0
        && matches!(
            active.world_origin(),
            Some(crate::sim::world::WorldOrigin::Restored)
        )
    {
        // The kept world holds what earlier runs left (an interrupted
        // create, a release already installed): a step that fails on that
        // fails again on every run until the world starts over.
        printer.line(RESTORED_WORLD_FAILED);
    }
    if let Some(path) = &args.report {
        report
            .write(path)
            .with_context(|| format!("cannot write the report {}", path.display()))?;
        printer.line(&format!("report written to {}", path.display()));
    }
    if let Some(recording) = recording {
        let path = recording.finish()?;
        printer.line(&format!("recording written to {}", path.display()));
    }
    let fell_back = run.net.world.take();
    if args.hold && !cancel.is_cancelled() {
        hold(&printer, fell_back.as_ref().unwrap_or(&active), &cancel).await;
    }
    signals.abort();
    drop(run);
    if let Some(world) = fell_back {
        world.shutdown().await;
    }
    active.shutdown().await;
    Ok(if cancel.is_cancelled() {
        ExitCode::from(130)
    } else if report.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// What running the steps of a lesson needs, for the lessons asked for and
/// for those built before them.
struct LessonRun<'a> {
    /// Where steps run now: the chosen backend, or the simulated world the
    /// run went on in after a network failure.
    backend: std::sync::Arc<dyn Backend>,
    printer: &'a Printer,
    store: &'a ProgressStore,
    cancel: &'a CancellationToken,
    args: &'a RunArgs,
    net: SafetyNet<'a>,
}

/// `--fallback auto` on the live backend: what going on on dry-run needs.
struct SafetyNet<'a> {
    on: bool,
    profile: &'a Profile,
    pace: Pace,
    state_dir: &'a std::path::Path,
    /// Every lesson, expanded, for building what a lesson needs.
    all: &'a [Lesson],
    /// The simulated world, once the run has gone on in it.
    world: Option<ActiveBackend>,
    /// The simulated world's clock at build-up speed, when the run fell
    /// back in the middle of a build-up; dropped when the build-up ends.
    hurry: Option<crate::sim::world::FastForward>,
}

impl LessonRun<'_> {
    /// Runs `steps` of `lesson` in order, printing and counting them; the
    /// flag says whether the run must stop. `--until` applies only to the
    /// lessons asked for (`asked`), not to a build-up.
    async fn steps(
        &mut self,
        lesson: &Lesson,
        steps: &[&Step],
        report: &mut RunReport,
        asked: bool,
    ) -> (LessonReport, bool) {
        let (printer, cancel) = (self.printer, self.cancel);
        let mut lesson_report = LessonReport {
            id: lesson.front.id.clone(),
            title: lesson.front.title.clone(),
            steps: Vec::new(),
        };
        let mut stop = false;
        let mut index = 0;
        while let Some(step) = steps.get(index).copied() {
            index += 1;
            let backend = self.backend.clone();
            let backend = backend.as_ref();
            let simulated = self.net.world.is_some();
            let mut step_report = StepReport {
                id: step.id.clone(),
                title: step.title.clone(),
                command: step.command.clone(),
                outcome: String::new(),
                reason: None,
                duration_secs: 0.0,
                output: Vec::new(),
                checks: Vec::new(),
                hints: Vec::new(),
                simulated,
            };
            let (tx, mut rx) = mpsc::channel(512);
            let execution = execute::execute_step(backend, step, &tx, cancel);
            tokio::pin!(execution);
            let outcome = loop {
                tokio::select! {
                    biased;
                    Some(event) = rx.recv() => {
                        crate::record::feed(&event);
                        printer.event(&event, &mut step_report);
                    }
                    outcome = &mut execution => break outcome,
                }
            };
            while let Ok(event) = rx.try_recv() {
                crate::record::feed(&event);
                printer.event(&event, &mut step_report);
            }
            // The simulated world ends with this run; AWS does not.
            if outcome == StepOutcome::Cancelled
                && step.billable
                && backend.kind() != BackendKind::DryRun
            {
                let index = lesson.steps.iter().position(|s| s.id == step.id);
                let cleanup = index
                    .and_then(|i| crate::execute::cleanup_step(lesson, i))
                    .map(|s| (s.id.as_str(), s.command.as_str()));
                printer.line(&crate::tui::strings::stop_goes_on(backend.kind(), cleanup));
            }
            if self.net.on && self.net.world.is_none() && !outcome.ok() {
                let (_, reason) = outcome_parts(&outcome);
                let lines = step_report.output.iter().map(String::as_str);
                if let Some(diagnosis) = fallback::classify(lines.chain(reason.as_deref())) {
                    let at = lesson.steps.iter().position(|s| s.id == step.id);
                    if self
                        .fall_back(lesson, at.unwrap_or(0), &step.id, &diagnosis, report, asked)
                        .await
                    {
                        // The same step again, on the simulated world.
                        index -= 1;
                        continue;
                    }
                }
            }
            // Marks are for what was done for real.
            if !simulated {
                record(self.store, &lesson.front.id, &step.id, &outcome);
            }
            if let Some(net) = report.fallback.as_mut().filter(|_| simulated) {
                net.simulated
                    .push(format!("{}/{}", lesson.front.id, step.id));
            }
            match &outcome {
                StepOutcome::Passed => report.passed += 1,
                StepOutcome::Skipped { .. } => report.skipped += 1,
                _ => report.failed += 1,
            }
            let (_, reason) = outcome_parts(&outcome);
            if step_report.reason.is_none() {
                step_report.reason = reason;
            }
            lesson_report.steps.push(step_report);
            if outcome == StepOutcome::Cancelled || (!outcome.ok() && !self.args.keep_going) {
                stop = true;
            }
            if asked
                && self
                    .args
                    .until
                    .as_deref()
                    .is_some_and(|u| until_names(u, &lesson.front.id, &step.id))
            {
                stop = true;
            }
            if stop {
                break;
            }
        }
        (lesson_report, stop)
    }

    /// A live step failed for a network or AWS reason: starts a simulated
    /// world, runs there quickly what the lesson needs and its steps before
    /// `failed`, and makes it where the run goes on. False when that could
    /// not be done (the failure then stands).
    async fn fall_back(
        &mut self,
        lesson: &Lesson,
        failed: usize,
        step: &str,
        diagnosis: &fallback::Diagnosis,
        report: &mut RunReport,
        asked: bool,
    ) -> bool {
        let printer = self.printer;
        printer.line(&crate::tui::strings::fallback_starting(
            &lesson.front.id,
            step,
            &diagnosis.summary(),
        ));
        let world = match fallback::start_world(self.net.profile, self.net.pace, self.net.state_dir)
            .await
        {
            Ok(world) => world,
            Err(e) => {
                printer.line(&format!("cannot go on on dry-run: {e}"));
                return false;
            }
        };
        let simulated = world.backend();
        let plan = rebuild::plan(simulated.as_ref(), self.net.all, lesson, failed).await;
        let mut rebuilt = Vec::new();
        let result = rebuild::run(simulated.as_ref(), &plan, self.cancel, |item, outcome| {
            let (name, _) = outcome_parts(outcome);
            printer.line(&format!("  ↻ {} {name} on dry-run", item.name()));
            rebuilt.push(item.name());
        })
        .await;
        if let Err(e) = result {
            printer.line(&format!("cannot go on on dry-run: {e}"));
            world.shutdown().await;
            return false;
        }
        // The live backend keeps its ledger: what it created stays listed
        // for `trinetes cleanup`; nothing simulated is added to it.
        self.backend.stop_forwards().await;
        let said = crate::tui::strings::fallback_started(&lesson.front.id, step);
        printer.line(&said);
        crate::record::note(&said);
        report.fallback = Some(FallbackReport {
            failed_step: format!("{}/{step}", lesson.front.id),
            cause: diagnosis.cause.words().to_string(),
            matched: diagnosis.matched.clone(),
            line: diagnosis.line.clone(),
            rebuilt,
            simulated: Vec::new(),
        });
        self.backend = simulated;
        self.net.world = Some(world);
        if !asked {
            // The rest of the build-up runs quickly, as it would have.
            self.net.hurry = buildup::hurry(self.backend.as_ref());
        }
        true
    }
}

/// What a recording of this run is called.
fn recording_title(lessons: &[Lesson], args: &RunArgs) -> String {
    if args.all {
        return "trinetes run --all".to_string();
    }
    let ids: Vec<&str> = lessons.iter().map(|l| l.front.id.as_str()).collect();
    format!("trinetes run: {}", ids.join(", "))
}

/// The pace `--pace` and `--pace-total` ask for.
pub(crate) fn pace_of(global: &GlobalArgs) -> anyhow::Result<Pace> {
    Ok(match global.pace {
        PaceName::Fast => Pace::Fast,
        PaceName::Realistic => Pace::Realistic {
            total: lesson::parse_duration(&global.pace_total).with_context(|| {
                format!(
                    "--pace-total {:?} is not a duration like 60s or 2m",
                    global.pace_total
                )
            })?,
        },
    })
}

/// The lessons `--lesson` names, or all of them with `--all`.
fn select<'a>(all: &'a [Lesson], args: &RunArgs) -> anyhow::Result<Vec<&'a Lesson>> {
    if args.all {
        return Ok(all.iter().collect());
    }
    if args.lessons.is_empty() {
        anyhow::bail!(
            "name the lessons to run with --lesson ID (see `trinetes lessons`), or use --all"
        );
    }
    args.lessons
        .iter()
        .map(|id| {
            all.iter().find(|l| &l.front.id == id).ok_or_else(|| {
                let ids: Vec<&str> = all.iter().map(|l| l.front.id.as_str()).collect();
                anyhow::anyhow!(
                    "no lesson {id:?}{}; the lessons are: {}",
                    lesson::did_you_mean(id, ids.iter().copied()),
                    ids.join(", ")
                )
            })
        })
        .collect()
}

/// Whether `--until` names step `step` of lesson `lesson`: as `STEP` or as
/// `LESSON/STEP`.
fn until_names(until: &str, lesson: &str, step: &str) -> bool {
    match until.split_once('/') {
        Some((l, s)) => l == lesson && s == step,
        None => until == step,
    }
}

/// Keep the world and its port-forwards up until Ctrl-C or SIGTERM.
async fn hold(printer: &Printer, active: &ActiveBackend, cancel: &CancellationToken) {
    // A fast pace is for getting here; what the learner does by hand from
    // now on should age at the wall clock's rate.
    if let Some(world) = active.world()
        && world.pace_speed() != 1.0
    {
        world.set_speed(1.0);
        printer.line("the world's clock now runs at real time");
    }
    printer.line("holding the world open; Ctrl-C or SIGTERM ends it. In another terminal:");
    for line in active.exports() {
        printer.line(&line);
    }
    for addr in active.forwarded() {
        printer.line(&format!("forwarded: http://{addr}"));
    }
    cancel.cancelled().await;
    printer.line("stopping…");
}

async fn cancel_on_signal(cancel: CancellationToken) {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
    }
    cancel.cancel();
}

fn record(store: &ProgressStore, lesson: &str, step: &str, outcome: &StepOutcome) {
    let kept = match outcome {
        StepOutcome::Passed => progress::RecordedOutcome::Passed,
        StepOutcome::Skipped { .. } => progress::RecordedOutcome::Skipped,
        // Stopped is not failed: the step keeps what it had, as in the TUI.
        StepOutcome::Cancelled => return,
        _ => progress::RecordedOutcome::Failed,
    };
    update_progress(store, |p| p.record_step(lesson, step, kept));
}

fn mark_completed(store: &ProgressStore, lesson: &str) {
    update_progress(store, |p| p.mark_completed(lesson));
}

/// Progress is a convenience: failing to save it must not fail the run.
fn update_progress(store: &ProgressStore, change: impl FnOnce(&mut progress::Progress)) {
    match store.load() {
        Ok(mut loaded) => {
            change(&mut loaded.progress);
            if let Err(e) = store.save(&loaded.progress) {
                tracing::warn!("cannot save progress: {e}");
            }
        }
        Err(e) => tracing::warn!("cannot load progress: {e}"),
    }
}
