//! Status that is never misleading, hints that appear, and keys that mean
//! one thing: driven through `update` with the events a step execution
//! would send, and read back from the frame.

use std::time::Duration;

use crate::support::tui::{app, apply, frame, pods_check, step};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use trinetes::execute::hints::HintWatch;
use trinetes::execute::{ExecutionEvent, StepOutcome};
use trinetes::lesson::{BackendKind, StepHint};
use trinetes::progress::RecordedOutcome;
use trinetes::tui::action::Action;
use trinetes::tui::keymap::{action_for_event, action_for_key};
use trinetes::tui::screens::overlay::{Confirm, Overlay};
use trinetes::tui::state::App;
use trinetes::tui::strings;

const CREATE: &str = "create-deployment";

fn at_first_step(w: u16, h: u16) -> App {
    let mut app = app(w, h);
    apply(&mut app, [Action::Open, Action::NextStep]);
    app
}

fn events(app: &mut App, events: Vec<ExecutionEvent>) {
    apply(app, [Action::ExecutionEvents(events)]);
}

fn finished(step: &str, outcome: StepOutcome) -> ExecutionEvent {
    ExecutionEvent::StepFinished {
        step: step.to_string(),
        outcome,
        duration: Duration::from_secs(4),
        hints: Vec::new(),
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::from(code)
}

fn ctrl_c() -> KeyEvent {
    KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
}

/// The row of `frame` that contains `text`.
fn row_of(frame: &str, text: &str) -> usize {
    frame
        .lines()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no {text:?} in:\n{frame}"))
}

#[test]
fn checks_that_have_not_run_show_a_dim_bullet_never_a_tick() {
    let mut app = app(100, 40);
    app.lessons[0].steps[0]
        .checks
        .push(pods_check("app=other", 2));
    apply(&mut app, [Action::Open, Action::NextStep]);
    let before = frame(&app);
    assert!(!before.contains('✓') && !before.contains('✔'), "{before}");
    assert!(
        before.contains("• 3 pods Running matching app=hello"),
        "{before}"
    );

    apply(&mut app, [Action::ExecuteStep]);
    events(
        &mut app,
        vec![
            ExecutionEvent::CheckStarted {
                step: CREATE.into(),
                index: 0,
                description: "pods".into(),
            },
            ExecutionEvent::CheckFailed {
                step: CREATE.into(),
                index: 0,
                last_seen: "1 of 3 pods Running".into(),
                hint: "look at the pods".into(),
            },
            finished(
                CREATE,
                StepOutcome::Failed {
                    reason: "check failed".into(),
                },
            ),
        ],
    );
    let after = frame(&app);
    assert!(
        after.contains("✘ 3 pods Running matching app=hello"),
        "{after}"
    );
    // The second check never ran: neither passed nor failed.
    assert!(
        after.contains("• 2 pods Running matching app=other"),
        "{after}"
    );
    assert!(!after.contains('✔') && !after.contains('✓'), "{after}");
}

#[test]
fn the_badge_is_the_current_runs_status() {
    let mut app = at_first_step(100, 40);
    app.progress
        .record_step("replicasets", CREATE, RecordedOutcome::Failed);
    apply(&mut app, [Action::Down]);
    assert!(frame(&app).contains(strings::RECORDED_FAILED));

    apply(&mut app, [Action::ExecuteStep]);
    let running = frame(&app);
    assert!(running.contains(strings::BADGE_RUNNING), "{running}");
    assert!(
        !running.contains(strings::RECORDED_FAILED),
        "an earlier failure next to a run in progress:\n{running}"
    );
}

#[test]
fn already_running_goes_when_the_step_ends() {
    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::ExecuteStep, Action::ExecuteStep]);
    assert_eq!(app.notice.as_deref(), Some(strings::NOTICE_BUSY));
    events(&mut app, vec![finished(CREATE, StepOutcome::Passed)]);
    assert_eq!(app.notice, None);
    assert!(!frame(&app).contains(strings::NOTICE_BUSY));
}

#[test]
fn marked_as_completed_goes_after_a_reset_and_in_another_lesson() {
    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::MarkCompleted]);
    assert!(frame(&app).contains(strings::COMPLETED_NOTICE));
    apply(&mut app, [Action::AskResetLesson, Action::ConfirmYes]);
    assert_eq!(app.notice, None, "the lesson is no longer completed");

    apply(&mut app, [Action::MarkCompleted]);
    assert!(app.notice.is_some());
    apply(&mut app, [Action::Back, Action::Down, Action::Open]);
    assert_eq!(app.reader.as_ref().map(|r| r.lesson), Some(1));
    let other = frame(&app);
    assert!(!other.contains(strings::COMPLETED_NOTICE), "{other}");
}

#[test]
fn a_notice_about_no_lesson_in_particular_stays_until_dismissed() {
    let mut app = at_first_step(100, 40);
    app.set_notice("something true everywhere", None);
    apply(&mut app, [Action::Back, Action::Down, Action::Open]);
    assert_eq!(app.notice.as_deref(), Some("something true everywhere"));
    apply(&mut app, [Action::DismissWarning]);
    assert_eq!(app.notice, None);
}

#[test]
fn a_lesson_opens_with_its_own_output() {
    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::ExecuteStep]);
    events(
        &mut app,
        vec![
            ExecutionEvent::Output {
                step: CREATE.into(),
                line: "deployment.apps/hello created".into(),
            },
            finished(CREATE, StepOutcome::Passed),
        ],
    );
    assert!(frame(&app).contains("deployment.apps/hello created"));
    apply(&mut app, [Action::Back, Action::Down, Action::Open]);
    let other = frame(&app);
    assert!(!other.contains("deployment.apps/hello created"), "{other}");
    assert!(!app.output.visible);
    // Back in the first lesson, its run is still its own.
    apply(&mut app, [Action::Back, Action::Up, Action::Open]);
    assert!(frame(&app).contains(&strings::result_passed("4s")));
}

#[test]
fn passed_checks_that_waited_say_what_they_saw_and_when() {
    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::ExecuteStep]);
    events(
        &mut app,
        vec![
            ExecutionEvent::Output {
                step: CREATE.into(),
                line: "hello   0/3     0            0           0s".into(),
            },
            ExecutionEvent::CheckStarted {
                step: CREATE.into(),
                index: 0,
                description: "pods".into(),
            },
            ExecutionEvent::CheckPassed {
                step: CREATE.into(),
                index: 0,
                seen: "3 of 3 pods Running".into(),
                elapsed: Duration::from_secs(3),
            },
            finished(CREATE, StepOutcome::Passed),
        ],
    );
    let screen = frame(&app);
    assert!(
        screen.contains("the checks waited 3s until 3 of 3 pods Running"),
        "{screen}"
    );
}

#[test]
fn checks_that_passed_at_once_need_no_note() {
    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::ExecuteStep]);
    events(
        &mut app,
        vec![
            ExecutionEvent::CheckPassed {
                step: CREATE.into(),
                index: 0,
                seen: "3 of 3 pods Running".into(),
                elapsed: Duration::from_millis(40),
            },
            finished(CREATE, StepOutcome::Passed),
        ],
    );
    assert!(!frame(&app).contains("the checks waited"));
}

/// The step executes, prints `output`, and its one check passes after
/// `waited`, having seen `seen`.
fn passed_after(output: &str, seen: &str, waited: Duration) -> String {
    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::ExecuteStep]);
    events(
        &mut app,
        vec![
            ExecutionEvent::Output {
                step: CREATE.into(),
                line: output.into(),
            },
            ExecutionEvent::CheckStarted {
                step: CREATE.into(),
                index: 0,
                description: "pods".into(),
            },
            ExecutionEvent::CheckPassed {
                step: CREATE.into(),
                index: 0,
                seen: seen.into(),
                elapsed: waited,
            },
            finished(CREATE, StepOutcome::Passed),
        ],
    );
    frame(&app)
}

#[test]
fn output_that_disagrees_with_the_checks_says_so_however_short_the_wait() {
    let screen = passed_after(
        "hello   0/3     3            0           0s",
        "deployment hello: 3/3 ready, 3 up-to-date, 3 available",
        Duration::from_millis(300),
    );
    assert!(
        screen.contains("a moment later they saw deployment hello: 3/3 ready"),
        "{screen}"
    );
    let screen = passed_after(
        "hello-6d4f-x2k9q   0/1     ContainerCreating   0          1s",
        "3 pod(s) match \"app=hello\" (phases: Running, Running, Running)",
        Duration::from_secs(2),
    );
    assert!(
        screen.contains("the checks waited 2s until 3 pod(s)"),
        "{screen}"
    );
}

#[test]
fn output_that_agrees_with_the_checks_needs_no_note_however_long_the_wait() {
    let screen = passed_after(
        "deployment.apps/hello created",
        "deployment hello: 3/3 ready, 3 up-to-date, 3 available",
        Duration::from_secs(5),
    );
    assert!(!screen.contains("the checks waited"), "{screen}");
    assert!(!screen.contains("a moment later"), "{screen}");
}

#[test]
fn next_skips_steps_that_are_skipped_here() {
    let mut app = app(100, 40);
    let list = &mut app.lessons[0].steps[1];
    assert_eq!(list.id, "list-pods");
    list.backends = vec![BackendKind::Live];
    apply(
        &mut app,
        [Action::Open, Action::NextStep, Action::ExecuteStep],
    );
    events(&mut app, vec![finished(CREATE, StepOutcome::Passed)]);
    let screen = frame(&app);
    assert!(screen.contains("Tab to step delete-pod"), "{screen}");
    assert!(!screen.contains("Tab to step list-pods"), "{screen}");
}

#[test]
fn tab_goes_where_next_says_past_steps_skipped_here() {
    let mut app = app(100, 40);
    app.lessons[0].steps[1].backends = vec![BackendKind::Live];
    apply(
        &mut app,
        [Action::Open, Action::NextStep, Action::ExecuteStep],
    );
    events(&mut app, vec![finished(CREATE, StepOutcome::Passed)]);
    assert!(frame(&app).contains("Tab to step delete-pod"));
    apply(&mut app, [Action::NextStep]);
    let selected = app.reader.as_ref().and_then(|r| r.step);
    assert_eq!(selected, Some(2), "Tab stops where Next: said");
    apply(&mut app, [Action::PrevStep]);
    assert_eq!(app.reader.as_ref().and_then(|r| r.step), Some(0));
}

#[test]
fn tab_walks_every_step_of_a_lesson_skipped_here_entirely() {
    let mut app = app(100, 40);
    // The EKS lesson's one step runs only on live; it can still be read.
    apply(
        &mut app,
        [Action::Down, Action::Down, Action::Open, Action::NextStep],
    );
    assert_eq!(app.reader.as_ref().and_then(|r| r.step), Some(0));
}

#[test]
fn the_list_says_what_its_marks_mean() {
    let app = app(80, 24);
    let screen = frame(&app);
    assert!(screen.contains(strings::LIST_LEGEND), "{screen}");
}

#[test]
fn a_failed_step_shows_the_hints_its_failure_calls_for_in_order() {
    let mut app = app(100, 40);
    let hints = vec![
        StepHint::when("address already in use", "something else listens on 8080"),
        StepHint::always("is the image name right?"),
        StepHint::when("connection refused", "the pod is not listening yet"),
        StepHint::always("kubectl describe pods shows why"),
    ];
    app.lessons[0].steps[0].hints = hints.clone();
    apply(
        &mut app,
        [Action::Open, Action::NextStep, Action::ExecuteStep],
    );
    // What the execution sends: the output, then the hints it called for.
    let output = "error: dial tcp 10.0.0.7:8080: connect: connection refused";
    let mut watch = HintWatch::new(&hints);
    watch.observe(output);
    events(
        &mut app,
        vec![
            ExecutionEvent::Output {
                step: CREATE.into(),
                line: output.into(),
            },
            ExecutionEvent::StepFinished {
                step: CREATE.into(),
                outcome: StepOutcome::Failed {
                    reason: "the command exited with code 1".into(),
                },
                duration: Duration::from_secs(4),
                hints: watch.for_failure(),
            },
        ],
    );
    let screen = frame(&app);
    let failed = row_of(&screen, "failed: the command exited with code 1");
    let first = row_of(&screen, "hint: is the image name right?");
    let second = row_of(&screen, "hint: the pod is not listening yet");
    let third = row_of(&screen, "hint: kubectl describe pods shows why");
    assert!(
        failed < first && first < second && second < third,
        "{screen}"
    );
    assert!(
        !screen.contains("something else listens on 8080"),
        "a hint about another error:\n{screen}"
    );
}

#[test]
fn a_passed_step_keeps_its_hints_to_itself() {
    let mut app = app(100, 40);
    app.lessons[0].steps[0].hints = vec![StepHint::always("is the image name right?")];
    apply(
        &mut app,
        [Action::Open, Action::NextStep, Action::ExecuteStep],
    );
    events(&mut app, vec![finished(CREATE, StepOutcome::Passed)]);
    assert!(!frame(&app).contains("is the image name right?"));
}

#[test]
fn a_check_where_nothing_changes_shows_its_hint_while_it_waits() {
    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::ExecuteStep]);
    events(
        &mut app,
        vec![
            ExecutionEvent::CheckStarted {
                step: CREATE.into(),
                index: 0,
                description: "pods".into(),
            },
            ExecutionEvent::CheckStalled {
                step: CREATE.into(),
                index: 0,
                seen: "no pods match app=hello".into(),
                hint: "is the label app=hello?".into(),
            },
        ],
    );
    assert!(app.executing, "it keeps waiting");
    let screen = frame(&app);
    let checking = row_of(&screen, strings::RESULT_CHECKING);
    let waiting = row_of(&screen, "still waiting, nothing is changing: no pods match");
    let hint = row_of(&screen, "hint: is the label app=hello?");
    assert!(checking < waiting && waiting < hint, "{screen}");
    // Once the check passes, the stale hint goes.
    events(
        &mut app,
        vec![ExecutionEvent::CheckPassed {
            step: CREATE.into(),
            index: 0,
            seen: "3 of 3 pods Running".into(),
            elapsed: Duration::from_secs(20),
        }],
    );
    assert!(!frame(&app).contains("is the label app=hello?"));
}

#[test]
fn esc_goes_back_while_a_step_runs_and_the_step_goes_on() {
    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::ExecuteStep]);
    assert_eq!(action_for_key(&app, &key(KeyCode::Esc)), Some(Action::Back));
    apply(&mut app, [Action::Back]);
    let token = app.execution.as_ref().expect("a run").cancel.clone();
    assert!(!token.is_cancelled());
    assert!(app.executing);
}

/// The EKS lesson on a live backend, with a delete step after its billable
/// create, with the create step started.
fn creating_a_cluster() -> App {
    let mut app = app(100, 40);
    app.settings.backend = BackendKind::DryRun;
    let create = &mut app.lessons[2].steps[0];
    create.backends.clear();
    create.interactive = false;
    app.lessons[2].steps.push(step(
        "delete-cluster",
        "Delete the cluster",
        "eksctl delete cluster --name tcb --region us-east-1",
    ));
    apply(
        &mut app,
        [
            Action::Down,
            Action::Down,
            Action::Open,
            Action::NextStep,
            Action::ExecuteStep,
        ],
    );
    assert_eq!(
        app.overlay,
        Some(Overlay::Confirm(Confirm::ExecuteStep(2, 0)))
    );
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Enter)),
        Some(Action::ConfirmYes),
        "the run-step question says Enter runs"
    );
    apply(&mut app, [Action::ConfirmYes]);
    assert!(app.executing);
    app
}

#[test]
fn stopping_a_billable_step_asks_and_says_aws_goes_on_creating() {
    let mut app = creating_a_cluster();
    assert_eq!(
        action_for_key(&app, &ctrl_c()),
        Some(Action::CancelExecution)
    );
    apply(&mut app, [Action::CancelExecution]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::StopStep)));
    let token = app.execution.as_ref().expect("a run").cancel.clone();
    assert!(!token.is_cancelled(), "it asks first");
    let asking = frame(&app);
    assert!(
        asking.contains("AWS (and here the simulation) goes on"),
        "{asking}"
    );
    assert!(asking.contains("delete-cluster"), "{asking}");
    // Esc keeps it running.
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Esc)),
        Some(Action::ConfirmNo)
    );
    apply(&mut app, [Action::ConfirmNo]);
    assert!(!token.is_cancelled());

    // Ctrl-C twice stops it.
    apply(&mut app, [Action::CancelExecution]);
    assert_eq!(
        action_for_key(&app, &ctrl_c()),
        Some(Action::CancelExecution)
    );
    apply(&mut app, [Action::CancelExecution]);
    assert!(token.is_cancelled());
    assert_eq!(app.overlay, None);
    events(
        &mut app,
        vec![finished("create-cluster", StepOutcome::Cancelled)],
    );
    let screen = frame(&app);
    assert!(
        screen.contains("AWS (and here the simulation) goes on"),
        "{screen}"
    );
    assert!(screen.contains("run step delete-cluster"), "{screen}");
}

#[test]
fn quitting_while_a_billable_step_runs_says_aws_goes_on_creating() {
    let mut app = creating_a_cluster();
    apply(&mut app, [Action::Quit]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::Quit)));
    let asking = frame(&app);
    assert!(asking.contains(strings::CONFIRM_QUIT_BUSY), "{asking}");
    // The stop question's own text, word for word.
    let goes_on = strings::stop_goes_on(
        BackendKind::DryRun,
        Some((
            "delete-cluster",
            "eksctl delete cluster --name tcb --region us-east-1",
        )),
    );
    let flat = asking
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat.contains(&goes_on), "{asking}");
    apply(&mut app, [Action::ConfirmNo]);
    assert!(app.executing && !app.should_quit);
}

#[test]
fn quitting_while_a_free_step_runs_has_no_billing_warning() {
    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::ExecuteStep, Action::Quit]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::Quit)));
    let asking = frame(&app);
    assert!(asking.contains(strings::CONFIRM_QUIT_BUSY), "{asking}");
    assert!(!asking.contains("goes on creating"), "{asking}");
}

#[test]
fn a_long_step_asks_before_it_stops() {
    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::ExecuteStep]);
    apply(&mut app, [Action::ExecutionTick(Duration::from_secs(45))]);
    apply(&mut app, [Action::CancelExecution]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::StopStep)));
    apply(&mut app, [Action::ConfirmYes]);
    assert!(app.execution.as_ref().expect("a run").cancel.is_cancelled());
}

#[test]
fn enter_does_not_answer_a_destructive_question() {
    let mut app = app(100, 40);
    apply(&mut app, [Action::AskResetAll]);
    assert_eq!(action_for_key(&app, &key(KeyCode::Enter)), None);
    let y = key(KeyCode::Char('y'));
    assert_eq!(action_for_key(&app, &y), Some(Action::ConfirmYes));
    apply(&mut app, [Action::ConfirmNo]);

    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::ExecuteStep, Action::Quit]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::Quit)));
    assert_eq!(action_for_key(&app, &key(KeyCode::Enter)), None);
    assert!(
        !frame(&app).contains("Enter"),
        "the question names no Enter"
    );
}

#[test]
fn a_quit_question_goes_when_the_step_ends() {
    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::ExecuteStep, Action::Quit]);
    events(&mut app, vec![finished(CREATE, StepOutcome::Passed)]);
    assert_eq!(app.overlay, None, "nothing runs any more");
}

#[test]
fn while_too_small_only_q_and_ctrl_c_act() {
    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::Resize(40, 10)]);
    assert!(app.too_small());
    for code in [
        KeyCode::Esc,
        KeyCode::Enter,
        KeyCode::Tab,
        KeyCode::Down,
        KeyCode::Char('R'),
        KeyCode::Char('?'),
        KeyCode::Char('o'),
    ] {
        assert_eq!(
            action_for_event(&app, &Event::Key(key(code))),
            None,
            "{code:?} acts while too small"
        );
    }
    assert_eq!(
        action_for_event(&app, &Event::Key(key(KeyCode::Char('q')))),
        Some(Action::Quit)
    );
    assert_eq!(
        action_for_event(&app, &Event::Key(ctrl_c())),
        Some(Action::ForceQuit)
    );
    assert_eq!(
        action_for_event(&app, &Event::Resize(100, 40)),
        Some(Action::Resize(100, 40))
    );
}

#[test]
fn the_too_small_screen_says_how_to_quit_and_asks_there_while_a_step_runs() {
    let mut app = at_first_step(100, 40);
    apply(&mut app, [Action::Resize(40, 10)]);
    let screen = frame(&app);
    assert!(screen.contains("q quits"), "{screen}");
    assert!(screen.contains("Ctrl-C"), "{screen}");

    apply(&mut app, [Action::Resize(100, 40), Action::ExecuteStep]);
    apply(&mut app, [Action::Resize(40, 10)]);
    let q = action_for_event(&app, &Event::Key(key(KeyCode::Char('q'))));
    assert_eq!(q, Some(Action::Quit));
    apply(&mut app, [Action::Quit]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::Quit)));
    let asking = frame(&app);
    assert!(asking.contains(strings::CONFIRM_QUIT_BUSY), "{asking}");
    assert!(asking.contains(strings::TOO_SMALL_QUIT_KEYS), "{asking}");
    assert_eq!(
        action_for_event(&app, &Event::Key(key(KeyCode::Char('n')))),
        Some(Action::ConfirmNo)
    );
    assert_eq!(
        action_for_event(&app, &Event::Key(key(KeyCode::Char('y')))),
        Some(Action::ConfirmYes)
    );
    apply(&mut app, [Action::ConfirmYes]);
    assert!(app.should_quit);
}
