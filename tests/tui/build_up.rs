//! Opening a lesson that needs state another lesson provides offers to
//! build it: the Helm lesson without an EKS cluster, on the real dry-run
//! world with the built-in lessons. Enter does not accept the offer; y runs
//! the EKS lesson's steps, marks them as run, and says what ran. Once the
//! cluster is there, opening the lesson offers nothing.

use std::sync::Arc;
use std::time::Duration;

use crate::support::tui::{apply, frame, settings};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;
use trinetes::backend::Backend;
use trinetes::backend::dryrun::DryRunBackend;
use trinetes::lesson::{Profile, builtin};
use trinetes::progress::{Progress, RecordedOutcome};
use trinetes::sim::eksctl::Pace;
use trinetes::sim::world::{World, WorldOptions};
use trinetes::tui::action::Action;
use trinetes::tui::buildup::{self, BuildUpEvent};
use trinetes::tui::keymap::action_for_key;
use trinetes::tui::screens::overlay::{Confirm, Overlay};
use trinetes::tui::state::App;

/// The next action a task of the event loop sends, within a bound.
async fn next(rx: &mut mpsc::Receiver<Action>) -> Action {
    tokio::time::timeout(Duration::from_secs(60), rx.recv())
        .await
        .expect("an answer in time")
        .expect("the channel is open")
}

#[tokio::test]
async fn the_helm_lesson_offers_to_build_the_eks_cluster_and_says_what_ran() {
    let dir = tempfile::tempdir().expect("temp dir");
    let world = Arc::new(
        World::start(WorldOptions::new(dir.path().to_path_buf(), Pace::Fast))
            .await
            .expect("world starts"),
    );
    let dry = Arc::new(DryRunBackend::new(world));
    let backend: Arc<dyn Backend> = dry.clone();

    let profile = Profile::builtin("current").expect("profile");
    let lessons = builtin().iter().map(|l| l.expanded(&profile)).collect();
    let mut app = App::new(lessons, Progress::default(), settings(), (100, 32));
    let helm = app
        .lessons
        .iter()
        .position(|l| l.front.id == "helm-trino")
        .expect("the Helm lesson");
    let eks = app
        .lessons
        .iter()
        .position(|l| l.front.id == "eks")
        .expect("the EKS lesson");
    app.list_selected = helm;
    apply(&mut app, [Action::Open]);

    let (tx, mut rx) = mpsc::channel(64);
    buildup::follow(&mut app, &backend, &tx);
    let probed = next(&mut rx).await;
    assert_eq!(
        probed,
        Action::NeedsProbed {
            lesson: helm,
            builders: vec![eks]
        }
    );
    apply(&mut app, [probed]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::BuildUp(helm))));
    let screen = frame(&app);
    assert!(
        screen.contains("Deploy Trino with Helm starts from what EKS and eksctl builds"),
        "{screen}"
    );
    assert!(
        screen.contains("EKS and eksctl (create-cluster, current-context, get-nodes)"),
        "{screen}"
    );
    assert!(screen.contains("y: build it"), "{screen}");
    // The EKS lesson's create step is billable: the offer says what that costs here.
    assert!(screen.contains("here it is simulated"), "{screen}");

    // Enter does not accept it; y does.
    let enter = action_for_key(&app, &KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert_ne!(enter, Some(Action::ConfirmYes));
    let yes = action_for_key(&app, &KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE))
        .expect("y answers");
    apply(&mut app, [yes]);
    assert_eq!(app.overlay, None);
    buildup::follow(&mut app, &backend, &tx);
    assert!(
        app.is_busy(),
        "building counts as busy: no step runs meanwhile"
    );

    let mut started = Vec::new();
    loop {
        let action = next(&mut rx).await;
        if let Action::BuildUp(BuildUpEvent::Started { step, .. }) = &action {
            let step = step.clone();
            started.push(step.clone());
            apply(&mut app, [action]);
            // What the notes window shows as the running step.
            assert_eq!(
                app.build_up.current,
                Some(("EKS and eksctl".to_string(), step))
            );
            assert!(
                app.banner()
                    .is_some_and(|b| b.contains("Building what Deploy Trino with Helm needs")),
                "{:?}",
                app.banner()
            );
            continue;
        }
        let done = matches!(action, Action::BuildUp(BuildUpEvent::Done(_)));
        apply(&mut app, [action]);
        if done {
            break;
        }
    }
    assert_eq!(started, ["create-cluster", "current-context", "get-nodes"]);
    assert_eq!(
        app.build_up.current, None,
        "nothing is being built any more"
    );
    assert!(!app.is_busy());
    assert_eq!(app.warning, None);
    let banner = app.banner().expect("what ran is said");
    assert!(
        banner.contains(
            "Built what Deploy Trino with Helm needs. Ran EKS and eksctl: ✔ create-cluster, ✔ current-context, ✔ get-nodes."
        ),
        "{banner}"
    );
    for step in started {
        assert_eq!(
            app.progress.step_outcome("eks", &step),
            Some(RecordedOutcome::Passed),
            "{step}"
        );
    }
    assert!(app.progress_dirty);

    // Opened again, the lesson finds its cluster and asks nothing.
    apply(&mut app, [Action::Back]);
    buildup::follow(&mut app, &backend, &tx);
    apply(&mut app, [Action::Open]);
    buildup::follow(&mut app, &backend, &tx);
    let probed = next(&mut rx).await;
    assert_eq!(
        probed,
        Action::NeedsProbed {
            lesson: helm,
            builders: Vec::new()
        }
    );
    apply(&mut app, [probed]);
    assert_eq!(app.overlay, None);

    drop(backend);
    let world = Arc::into_inner(dry).expect("one owner").into_world();
    Arc::into_inner(world).expect("one owner").shutdown().await;
}

/// At the session's own pace (here a create whose eksctl plan plays for
/// 5 minutes), a build-up still runs eksctl fast: each answer comes within
/// the bound of 60 s, where the plan alone would take 5 minutes. (The
/// simulated EKS's own waits, a sixtieth of the pace each, are not hurried.) Meanwhile
/// the output pane says what is going on, not "No output yet".
#[tokio::test]
async fn a_build_up_hurries_eksctl_whatever_the_sessions_pace() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pace = Pace::Realistic {
        total: Duration::from_secs(5 * 60),
    };
    let world = Arc::new(
        World::start(WorldOptions::new(dir.path().to_path_buf(), pace))
            .await
            .expect("world starts"),
    );
    let dry = Arc::new(DryRunBackend::new(world));
    let backend: Arc<dyn Backend> = dry.clone();
    let profile = Profile::builtin("current").expect("profile");
    let lessons = builtin().iter().map(|l| l.expanded(&profile)).collect();
    let mut app = App::new(lessons, Progress::default(), settings(), (100, 32));
    app.list_selected = app
        .lessons
        .iter()
        .position(|l| l.front.id == "helm-trino")
        .expect("the Helm lesson");
    apply(&mut app, [Action::Open]);
    let (tx, mut rx) = mpsc::channel(64);
    buildup::follow(&mut app, &backend, &tx);
    let probed = next(&mut rx).await;
    apply(&mut app, [probed]);
    let yes = action_for_key(&app, &KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE))
        .expect("y answers");
    apply(&mut app, [yes]);
    buildup::follow(&mut app, &backend, &tx);
    apply(&mut app, [Action::ToggleOutput]);
    let screen = frame(&app);
    assert!(
        screen.contains("Building what this lesson needs"),
        "{screen}"
    );
    assert!(!screen.contains("No output yet"), "{screen}");
    loop {
        let action = next(&mut rx).await;
        let done = matches!(action, Action::BuildUp(BuildUpEvent::Done(_)));
        apply(&mut app, [action]);
        if done {
            break;
        }
    }
    assert_eq!(app.warning, None);
    assert!(
        app.banner().is_some_and(|b| b.contains("✔ create-cluster")),
        "{:?}",
        app.banner()
    );
    drop(backend);
    let world = Arc::into_inner(dry).expect("one owner").into_world();
    Arc::into_inner(world).expect("one owner").shutdown().await;
}
