//! Quitting the TUI with live resources in the ledger: the question lists
//! them; y starts the cleanup, whose progress the window shows until it
//! ends; l quits leaving them; n stays. (The teardown itself runs in the
//! event loop: tests/live/tui_cleanup.rs drives it in tmux.)

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use trinetes::lesson::BackendKind;
use trinetes::progress::Progress;
use trinetes::tui::action::Action;
use trinetes::tui::keymap::action_for_event;
use trinetes::tui::state::App;
use trinetes::tui::update::update;

use crate::support::tui::{frame, lesson, settings, step};

fn live_app() -> App {
    let eks = lesson("eks", "EKS and eksctl")
        .step(step("nodes", "See the nodes", "kubectl get nodes"))
        .build();
    let mut s = settings();
    s.backend = BackendKind::Live;
    s.backend_label = "live".to_string();
    let mut app = App::new(vec![eks], Progress::default(), s, (100, 40));
    app.leftovers = vec![
        "Helm release tcb (namespace default)".to_string(),
        "EKS cluster tcb-cluster (us-east-1)".to_string(),
    ];
    app
}

fn press(app: &mut App, code: KeyCode) {
    let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    if let Some(action) = action_for_event(app, &event) {
        update(app, action);
    }
}

#[test]
fn quitting_lists_what_is_left_and_n_stays_and_l_leaves_it() {
    let mut app = live_app();
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.should_quit, "it asks first");
    let shown = frame(&app);
    assert!(shown.contains("has not seen them removed"), "{shown}");
    assert!(
        shown.contains("- Helm release tcb (namespace default)"),
        "{shown}"
    );
    assert!(
        shown.contains("- EKS cluster tcb-cluster (us-east-1)"),
        "{shown}"
    );
    assert!(shown.contains("y: clean up, then quit"), "{shown}");
    press(&mut app, KeyCode::Char('n'));
    assert!(app.overlay.is_none() && !app.should_quit);
    assert!(!app.quit_cleanup.requested, "nothing was cleaned");

    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('l'));
    assert!(app.should_quit);
    assert!(!app.quit_cleanup.requested, "left as they are");
}

#[test]
fn yes_runs_the_cleanup_with_progress_then_quits() {
    let mut app = live_app();
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('y'));
    assert!(
        app.quit_cleanup.requested,
        "the event loop is asked to clean up"
    );
    assert!(!app.should_quit, "not before it is done");
    // While it runs, no key closes the window or quits.
    for key in [KeyCode::Esc, KeyCode::Char('n'), KeyCode::Char('l')] {
        press(&mut app, key);
        assert!(app.overlay.is_some() && !app.should_quit, "{key:?}");
    }
    update(
        &mut app,
        Action::QuitCleanupLine("removing Helm release tcb (namespace default) ...".into()),
    );
    update(
        &mut app,
        Action::QuitCleanupLine("✔ Helm release tcb (namespace default) removed".into()),
    );
    let shown = frame(&app);
    assert!(
        shown.contains("✔ Helm release tcb (namespace default) removed"),
        "{shown}"
    );
    assert!(shown.contains("Cleaning up"), "{shown}");
    update(&mut app, Action::QuitCleanupDone(0));
    assert!(app.should_quit, "everything gone: it quits");
}

#[test]
fn a_survivor_keeps_the_window_with_what_to_do_and_l_quits() {
    let mut app = live_app();
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('y'));
    update(
        &mut app,
        Action::QuitCleanupLine("✘ EKS cluster tcb-cluster (us-east-1) is still there: …".into()),
    );
    update(&mut app, Action::QuitCleanupDone(1));
    assert!(!app.should_quit);
    let shown = frame(&app);
    assert!(shown.contains("1 resource is still there"), "{shown}");
    assert!(shown.contains("trinetes cleanup"), "{shown}");
    press(&mut app, KeyCode::Char('l'));
    assert!(app.should_quit);
}
