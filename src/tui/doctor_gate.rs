//! Before the first step on the live or context backend, the TUI runs the
//! same checks as `trinetes doctor` and shows the table: with something
//! required missing, the step does not run and each row says how to fix
//! it; with everything there, Enter goes on.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::backend::Backend;
use crate::doctor::{Report, Target};
use crate::lesson::{BackendKind, Profile};
use crate::tui::action::Action;
use crate::tui::screens::overlay::{Confirm, Overlay};
use crate::tui::state::App;

/// Where the gate stands in this session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DoctorGate {
    /// The checks passed once: later steps run without asking.
    pub passed: bool,
    /// The step that waits for the checks, once the event loop should run them.
    pub requested: Option<(usize, usize)>,
    /// The checks are running for this step.
    pub running: Option<(usize, usize)>,
    /// The last table, and the step it was for.
    pub report: Option<(Report, (usize, usize))>,
}

/// Whether step `step` of lesson `lesson` must wait for the checks first;
/// if so, asks for them and opens the window.
pub fn intercept(app: &mut App, lesson: usize, step: usize) -> bool {
    if !matches!(
        app.settings.backend,
        BackendKind::Live | BackendKind::Context
    ) || app.doctor.passed
    {
        return false;
    }
    app.doctor.requested = Some((lesson, step));
    app.doctor.report = None;
    app.overlay = Some(Overlay::Confirm(Confirm::Doctor(lesson, step)));
    true
}

/// Starts the checks the update asked for (event loop).
pub fn follow(app: &mut App, backend: &Arc<dyn Backend>, actions: &mpsc::Sender<Action>) {
    let Some(at) = app.doctor.requested.take() else {
        return;
    };
    app.doctor.running = Some(at);
    let target = target(app, backend.as_ref());
    let state_dir = crate::progress::state_dir().ok();
    let actions = actions.clone();
    tokio::spawn(async move {
        let report = match state_dir {
            Some(dir) => crate::doctor::diagnose(&target, &[], &dir).await,
            None => Report::default(),
        };
        let _ = actions.send(Action::DoctorDone(report)).await;
    });
}

fn target(app: &App, backend: &dyn Backend) -> Target {
    let vars = Profile::builtin(&app.settings.profile)
        .map(|p| p.vars().clone())
        .unwrap_or_default();
    let label = backend.label();
    let rest = label.strip_prefix("context ");
    let context = rest.map(|rest| rest.split(" ns ").next().unwrap_or(rest).to_string());
    let namespace = rest
        .and_then(|rest| rest.split(" ns ").nth(1))
        .map(str::to_string);
    Target::for_profile(app.settings.backend.name(), context, &vars).in_namespace(namespace)
}

/// The checks ended.
pub fn done(app: &mut App, report: Report) {
    let Some(at) = app.doctor.running.take() else {
        return;
    };
    app.doctor.report = Some((report, at));
}

/// Enter in the window: go on only when everything required is there.
pub fn confirm(app: &mut App, lesson: usize, step: usize) {
    let ready = matches!(&app.doctor.report, Some((r, at)) if *at == (lesson, step) && ready_for_lesson(app, r, lesson));
    if !ready {
        // Still checking, or something is missing: the window stays.
        app.overlay = Some(Overlay::Confirm(Confirm::Doctor(lesson, step)));
        return;
    }
    app.doctor.passed = true;
    crate::tui::execution::update::execute_step(app, lesson, step);
}

/// Whether the report has what lesson `lesson`'s commands need.
pub fn ready_for_lesson(app: &App, report: &Report, lesson: usize) -> bool {
    let commands: Vec<&str> = app
        .lessons
        .get(lesson)
        .map(|l| l.steps.iter().map(|s| s.command.as_str()).collect())
        .unwrap_or_default();
    report.ready_for(&commands)
}
