//! The dry-run world as the TUI shows it: the warning when it could not be
//! restored, recorded outcomes that no longer hold, resetting it (asked
//! first), and the cluster each step runs against.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::support::tui::{app, apply, frame};
use crossterm::event::{KeyCode, KeyEvent};
use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use trinetes::backend::{Backend, BackendError, CommandExit, StepCluster, StepEvent};
use trinetes::check::CheckContext;
use trinetes::lesson::{BackendKind, Step};
use trinetes::progress::RecordedOutcome;
use trinetes::sim::world::WorldOrigin;
use trinetes::tui::action::Action;
use trinetes::tui::keymap::action_for_key;
use trinetes::tui::screens::overlay::{Confirm, Overlay};
use trinetes::tui::state::App;
use trinetes::tui::{strings, world};

const CREATE: &str = "create-deployment";

/// An app whose first lesson's first step passed in an earlier session.
fn with_a_pass() -> App {
    let mut app = app(100, 40);
    let lesson = app.lessons[0].front.id.clone();
    app.progress
        .record_step(&lesson, CREATE, RecordedOutcome::Passed);
    app.progress.mark_completed(&lesson);
    app
}

fn recorded(app: &App) -> Option<RecordedOutcome> {
    app.progress.step_outcome(&app.lessons[0].front.id, CREATE)
}

fn discarded() -> WorldOrigin {
    WorldOrigin::Discarded {
        warning: "The saved dry-run world could not be read; it was kept as world.json.bak."
            .to_string(),
        kept_as: "/state/world/world.json.bak".into(),
    }
}

#[test]
fn a_world_that_could_not_be_restored_is_said_in_the_banner() {
    let mut app = app(100, 40);
    let origin = discarded();
    let warning = origin.warning().map(str::to_string);
    world::start(&mut app, warning, Some(&origin));
    let banner = app.banner().expect("a banner");
    assert!(banner.contains("could not be read"), "{banner}");
    assert!(frame(&app).contains("could not be read"));
}

#[test]
fn a_world_not_restored_clears_recorded_outcomes_and_says_so_once() {
    for origin in [WorldOrigin::New, discarded()] {
        let mut app = with_a_pass();
        let read_only = app.lessons[1].front.id.clone();
        app.progress.mark_completed(&read_only);
        world::start(&mut app, None, Some(&origin));
        assert_eq!(recorded(&app), None, "{origin:?}");
        assert!(app.progress_dirty, "the cleared marks are saved");
        // A lesson completed by running its steps in that world is not
        // completed any more; one only read stays completed.
        assert!(
            app.progress.lessons[&app.lessons[0].front.id]
                .completed
                .is_none(),
            "{origin:?}"
        );
        assert!(
            app.progress.lessons[&app.lessons[1].front.id]
                .completed
                .is_some(),
            "{origin:?}"
        );
        let banner = app.banner().expect("a banner");
        assert_eq!(
            banner.matches(strings::WORLD_NOT_RESTORED_CLEARED).count(),
            1,
            "{banner}"
        );
        apply(&mut app, [Action::Open, Action::NextStep]);
        assert!(!frame(&app).contains("✔ passed"), "{}", frame(&app));
    }
}

#[test]
fn the_lesson_open_at_start_loses_its_passed_marks_before_the_first_frame() {
    let mut app = with_a_pass();
    apply(&mut app, [Action::Open, Action::NextStep]);
    assert!(frame(&app).contains("✔ passed"), "{}", frame(&app));
    world::start(&mut app, None, Some(&WorldOrigin::New));
    assert!(!frame(&app).contains("✔ passed"), "{}", frame(&app));
}

#[test]
fn a_restored_world_keeps_recorded_outcomes_silently() {
    let mut app = with_a_pass();
    world::start(&mut app, None, Some(&WorldOrigin::Restored));
    assert_eq!(recorded(&app), Some(RecordedOutcome::Passed));
    assert!(!app.progress_dirty);
    assert_eq!(app.banner(), None);
}

#[test]
fn a_temporary_world_leaves_the_shared_marks_alone() {
    let mut app = with_a_pass();
    world::start(&mut app, None, Some(&WorldOrigin::NotKept));
    assert_eq!(recorded(&app), Some(RecordedOutcome::Passed));
    assert!(
        app.progress.lessons[&app.lessons[0].front.id]
            .completed
            .is_some()
    );
    assert!(!app.progress_dirty, "nothing to write to the shared file");
    // Resetting the temporary world leaves them too.
    apply(&mut app, [Action::WorldReset(Ok(()))]);
    assert_eq!(recorded(&app), Some(RecordedOutcome::Passed));
    assert!(!app.progress_dirty);
    assert_eq!(
        app.notice.as_deref(),
        Some(strings::RESET_WORLD_DONE_NOT_KEPT)
    );
}

#[test]
fn a_new_world_with_nothing_recorded_says_nothing() {
    let mut app = app(100, 40);
    world::start(&mut app, None, Some(&WorldOrigin::New));
    assert_eq!(app.banner(), None);
    assert!(!app.progress_dirty);
}

#[test]
fn other_backends_keep_recorded_outcomes() {
    let mut app = with_a_pass();
    app.settings.backend = BackendKind::Live;
    world::start(&mut app, None, None);
    assert_eq!(recorded(&app), Some(RecordedOutcome::Passed));
    assert_eq!(app.banner(), None);
}

fn key(app: &App, ch: char) -> Option<Action> {
    action_for_key(app, &KeyEvent::from(KeyCode::Char(ch)))
}

#[test]
fn w_upper_asks_before_resetting_and_enter_does_not_confirm() {
    let mut app = with_a_pass();
    let ask = key(&app, 'W').expect("W is bound");
    assert_eq!(ask, Action::AskResetWorld);
    apply(&mut app, [ask]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::ResetWorld)));
    assert!(frame(&app).contains("Start the dry-run world over?"));
    let enter = action_for_key(&app, &KeyEvent::from(KeyCode::Enter));
    assert_ne!(enter, Some(Action::ConfirmYes));
    if let Some(action) = enter {
        apply(&mut app, [action]);
    }
    assert!(!app.reset_world);

    for cancel in [
        KeyEvent::from(KeyCode::Char('n')),
        KeyEvent::from(KeyCode::Esc),
    ] {
        app.overlay = Some(Overlay::Confirm(Confirm::ResetWorld));
        let action = action_for_key(&app, &cancel).expect("n and Esc answer");
        apply(&mut app, [action]);
        assert_eq!(app.overlay, None);
        assert!(!app.reset_world);
    }

    apply(&mut app, [Action::AskResetWorld]);
    let yes = key(&app, 'y').expect("y answers");
    apply(&mut app, [yes]);
    assert!(app.reset_world, "the event loop is asked to reset");
    assert_eq!(
        recorded(&app),
        Some(RecordedOutcome::Passed),
        "not before it is done"
    );
}

#[test]
fn a_finished_reset_clears_the_marks_and_says_so() {
    let mut app = with_a_pass();
    apply(&mut app, [Action::Open, Action::NextStep]);
    apply(&mut app, [Action::AskResetWorld, Action::ConfirmYes]);
    app.reset_world = false;
    app.resetting_world = true;
    apply(&mut app, [Action::AskResetWorld]);
    assert_eq!(app.overlay, None, "no second reset while one runs");
    apply(&mut app, [Action::WorldReset(Ok(()))]);
    assert_eq!(recorded(&app), None);
    // W leaves no lesson completed that was completed by running it.
    assert_eq!(
        app.progress.status(&app.lessons[0].front.id),
        trinetes::progress::LessonStatus::Opened
    );
    assert!(app.progress_dirty);
    assert!(!app.resetting_world);
    assert_eq!(app.notice.as_deref(), Some(strings::RESET_WORLD_DONE));
    assert!(!frame(&app).contains("✔ passed"));
}

#[test]
fn a_failed_reset_keeps_the_marks_and_warns() {
    let mut app = with_a_pass();
    apply(
        &mut app,
        [Action::WorldReset(Err("the disk is full".into()))],
    );
    assert_eq!(recorded(&app), Some(RecordedOutcome::Passed));
    assert!(
        app.warning
            .as_deref()
            .is_some_and(|w| w.contains("the disk is full"))
    );
}

#[test]
fn reset_is_refused_off_dry_run_and_while_a_step_runs() {
    let mut app = app(100, 40);
    app.settings.backend = BackendKind::Live;
    apply(&mut app, [Action::AskResetWorld]);
    assert_eq!(app.overlay, None);
    assert_eq!(
        app.notice.as_deref(),
        Some(strings::RESET_WORLD_NOT_DRY_RUN)
    );

    let mut app = crate::support::tui::app(100, 40);
    app.executing = true;
    apply(&mut app, [Action::AskResetWorld]);
    assert_eq!(app.overlay, None);
    assert_eq!(app.notice.as_deref(), Some(strings::RESET_WORLD_BUSY));
}

/// Puts each step on a cluster named after the step; counts resets.
#[derive(Default)]
struct Clusters {
    resets: AtomicUsize,
}

impl Backend for Clusters {
    fn kind(&self) -> BackendKind {
        BackendKind::DryRun
    }

    fn label(&self) -> String {
        "clusters".into()
    }

    fn run_command<'a>(
        &'a self,
        _command: &'a str,
        _events: &'a mpsc::Sender<StepEvent>,
        _cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<CommandExit, BackendError>> {
        Box::pin(async { Ok(CommandExit { code: Some(0) }) })
    }

    fn check_context(&self) -> CheckContext {
        CheckContext::default()
    }

    fn step_cluster(&self, step: &Step) -> Option<StepCluster> {
        Some(StepCluster {
            name: format!("kind-{}", step.id),
            running: step.id == CREATE,
            ..StepCluster::default()
        })
    }

    fn reset_world(&self) -> BoxFuture<'_, Result<(), BackendError>> {
        self.resets.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(()) })
    }
}

#[tokio::test]
async fn the_event_loop_side_runs_the_reset_and_answers_with_an_action() {
    let fake = Arc::new(Clusters::default());
    let backend: Arc<dyn Backend> = fake.clone();
    let (tx, mut rx) = mpsc::channel(4);
    let mut app = with_a_pass();
    assert!(
        world::start_reset(&mut app, &backend, &tx).is_none(),
        "not asked"
    );
    apply(&mut app, [Action::AskResetWorld, Action::ConfirmYes]);
    let task = world::start_reset(&mut app, &backend, &tx).expect("asked");
    assert!(app.resetting_world && !app.reset_world);
    task.await.expect("the reset task ends");
    let answer = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("answers")
        .expect("the channel is open");
    assert_eq!(answer, Action::WorldReset(Ok(())));
    assert_eq!(fake.resets.load(Ordering::SeqCst), 1);
    apply(&mut app, [answer]);
    assert_eq!(recorded(&app), None);
}

#[test]
fn the_step_box_and_status_bar_name_the_steps_cluster() {
    let backend = Clusters::default();
    let mut app = app(100, 40);
    apply(&mut app, [Action::Open, Action::NextStep]);
    assert!(world::refresh_clusters(&mut app, &backend));
    assert!(!world::refresh_clusters(&mut app, &backend), "unchanged");
    trinetes::tui::screens::reader::document::sync(&mut app);
    let shown = frame(&app);
    assert!(
        shown.contains(&format!("cluster: kind-{CREATE}")),
        "{shown}"
    );
    let status = shown.lines().last().expect("a status bar");
    // Short of room at 100 columns, the cluster loses its label first and
    // the profile stays.
    assert!(status.contains(&format!("kind-{CREATE}")), "{status}");
    assert!(status.contains("profile: current"), "{status}");
    // A step whose cluster does not run says so.
    apply(&mut app, [Action::NextStep]);
    let second = app.lessons[0].steps[1].id.clone();
    let shown = frame(&app);
    assert!(
        shown.contains(&format!("cluster: kind-{second} (not running)")),
        "{shown}"
    );
    let status = shown.lines().last().expect("a status bar");
    assert!(
        status.contains(&format!("kind-{second} (not running)")),
        "{status}"
    );
    // Back on the list, no lesson's clusters are kept.
    apply(&mut app, [Action::Back]);
    assert!(world::refresh_clusters(&mut app, &backend));
    assert!(app.clusters.steps.is_empty());
}

#[test]
fn without_a_cluster_from_the_backend_the_step_box_names_none() {
    let mut app = app(100, 40);
    apply(&mut app, [Action::Open, Action::NextStep]);
    assert!(!frame(&app).contains("cluster:"));
}

/// With the real dry-run backend: a saved world that cannot be read is said
/// and clears the marks; the practice lessons' steps name the practice
/// cluster; a reset runs in the world and clears the marks again.
#[tokio::test]
async fn with_the_real_dry_run_world() {
    use trinetes::backend::dryrun::DryRunBackend;
    use trinetes::sim::eksctl::Pace;
    use trinetes::sim::world::{WORLD_FILE, World, WorldOptions};

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(WORLD_FILE), "not json").expect("write a corrupt world");
    let mut opts = WorldOptions::new(dir.path().to_path_buf(), Pace::Fast);
    opts.persist = true;
    let world = World::start(opts).await.expect("world starts");
    let dry = Arc::new(DryRunBackend::new(Arc::new(world)));
    let origin = dry.world().origin().clone();
    assert!(
        matches!(origin, WorldOrigin::Discarded { .. }),
        "{origin:?}"
    );

    let mut app = with_a_pass();
    world::start(
        &mut app,
        origin.warning().map(str::to_string),
        Some(&origin),
    );
    assert_eq!(recorded(&app), None);
    let banner = app.banner().expect("a banner");
    assert!(banner.contains("could not be restored"), "{banner}");
    assert!(
        banner.contains(strings::WORLD_NOT_RESTORED_CLEARED),
        "{banner}"
    );

    let backend: Arc<dyn Backend> = dry.clone();
    apply(&mut app, [Action::Open, Action::NextStep]);
    world::refresh_clusters(&mut app, backend.as_ref());
    trinetes::tui::screens::reader::document::sync(&mut app);
    assert!(
        frame(&app).contains("cluster: kind-trinetes"),
        "{}",
        frame(&app)
    );

    let lesson = app.lessons[0].front.id.clone();
    app.progress
        .record_step(&lesson, CREATE, RecordedOutcome::Passed);
    apply(&mut app, [Action::AskResetWorld, Action::ConfirmYes]);
    let (tx, mut rx) = mpsc::channel(4);
    world::start_reset(&mut app, &backend, &tx)
        .expect("asked")
        .await
        .expect("the reset task ends");
    let answer = rx.recv().await.expect("an answer");
    assert_eq!(answer, Action::WorldReset(Ok(())));
    apply(&mut app, [answer]);
    assert_eq!(recorded(&app), None);
    world::refresh_clusters(&mut app, backend.as_ref());
    assert!(
        app.selected_cluster()
            .is_some_and(|c| c.running && c.name == "kind-trinetes"),
        "{:?}",
        app.clusters
    );

    drop(backend);
    let world = Arc::into_inner(dry).expect("one owner").into_world();
    Arc::into_inner(world).expect("one owner").shutdown().await;
}

/// A backend whose world holds an EKS cluster that the first step's create
/// left unfinished (stopped, or trinetes killed mid-create).
struct Unfinished;

impl Backend for Unfinished {
    fn kind(&self) -> BackendKind {
        BackendKind::DryRun
    }

    fn label(&self) -> String {
        "dry-run".into()
    }

    fn run_command<'a>(
        &'a self,
        _command: &'a str,
        _events: &'a mpsc::Sender<StepEvent>,
        _cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<CommandExit, BackendError>> {
        Box::pin(async { Ok(CommandExit { code: Some(0) }) })
    }

    fn check_context(&self) -> CheckContext {
        CheckContext::default()
    }

    fn step_cluster(&self, step: &Step) -> Option<StepCluster> {
        Some(StepCluster {
            name: "tcb-cluster".into(),
            running: false,
            eks_status: Some("ACTIVE".into()),
            unfinished: (step.id == CREATE).then(|| trinetes::sim::world::UnfinishedCreate {
                cluster: "tcb-cluster".into(),
                region: "us-east-1".into(),
                status: "ACTIVE".into(),
                nodegroup_missing: true,
                context_missing: true,
            }),
        })
    }
}

#[test]
fn a_create_that_did_not_finish_is_marked_from_the_world_with_the_ways_on() {
    // As after a restart: nothing recorded, the world has the cluster.
    let mut app = app(200, 50);
    apply(&mut app, [Action::Open, Action::NextStep]);
    assert!(world::refresh_clusters(&mut app, &Unfinished));
    trinetes::tui::screens::reader::document::sync(&mut app);
    let shown = frame(&app);
    assert!(shown.contains(strings::BADGE_INTERRUPTED), "{shown}");
    assert!(!shown.contains("✔ passed"), "{shown}");
    assert!(shown.contains("The create did not finish"), "{shown}");
    assert!(shown.contains("Two ways on"), "{shown}");
    // The label says what EKS says, not "(not running)".
    assert!(
        shown.contains("cluster: tcb-cluster (EKS says ACTIVE;"),
        "{shown}"
    );
    let status = shown.lines().last().expect("a status bar");
    assert!(
        status.contains("tcb-cluster (EKS ACTIVE, no context"),
        "{status}"
    );

    // Stopped while running: Next names the two ways on, not "run again".
    apply(&mut app, [Action::ExecuteStep]);
    apply(
        &mut app,
        [Action::ExecutionEvents(vec![
            trinetes::execute::ExecutionEvent::StepFinished {
                step: CREATE.to_string(),
                outcome: trinetes::execute::StepOutcome::Cancelled,
                duration: Duration::from_secs(4),
                hints: Vec::new(),
            },
        ])],
    );
    let shown = frame(&app);
    assert!(shown.contains(strings::NEXT_AFTER_UNFINISHED), "{shown}");
    assert!(!shown.contains(strings::NEXT_AFTER_CANCEL), "{shown}");
}
