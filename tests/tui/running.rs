//! Running steps from the reader, driven through `update` with the events a
//! step execution would send: output, stages, check results, outcomes, cancelling,
//! the billable question, the busy quit prompt, the output pane and the
//! recorded progress.

use std::time::Duration;

use crate::support::tui::{app, apply, frame};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use trinetes::execute::{ExecutionEvent, StepOutcome};
use trinetes::lesson::BackendKind;
use trinetes::progress::{LessonStatus, RecordedOutcome as Recorded};
use trinetes::tui::action::Action;
use trinetes::tui::execution::{ExecutionMode, eta, format_duration};
use trinetes::tui::keymap::action_for_key;
use trinetes::tui::screens::output::SCROLLBACK;
use trinetes::tui::screens::overlay::{Confirm, Overlay};
use trinetes::tui::strings;

fn output(step: &str, line: &str) -> ExecutionEvent {
    ExecutionEvent::Output {
        step: step.to_string(),
        line: line.to_string(),
    }
}

fn finished(step: &str, outcome: StepOutcome) -> ExecutionEvent {
    ExecutionEvent::StepFinished {
        step: step.to_string(),
        outcome,
        duration: Duration::from_secs(7),
        hints: Vec::new(),
    }
}

/// The reader on the first lesson with its first step (one pods check) selected.
#[test]
fn a_billable_step_that_this_profile_skips_does_not_ask() {
    let mut app = app(80, 24);
    app.settings.backend = BackendKind::Live;
    let create = &mut app.lessons[2].steps[0];
    assert!(create.billable && create.interactive);
    create.profiles = vec!["episode-2021".to_string()];
    create.skipped_on_profile = Some("current".to_string());
    apply(
        &mut app,
        [Action::Down, Action::Down, Action::Open, Action::NextStep],
    );
    apply(&mut app, [Action::ExecuteStep]);
    assert_eq!(app.overlay, None, "a skipped step costs nothing");
    // Skipped, so it does not take the terminal either: its execution skips it.
    assert_eq!(
        app.pending_execution.map(|r| r.mode),
        Some(ExecutionMode::Full)
    );
}

fn at_first_step(w: u16, h: u16) -> trinetes::tui::state::App {
    let mut app = app(w, h);
    apply(&mut app, [Action::Open, Action::NextStep]);
    app
}

#[test]
fn a_step_streams_output_then_its_check_passes_and_is_recorded() {
    let mut app = at_first_step(120, 40);
    apply(&mut app, [Action::ExecuteStep]);
    let request = app
        .pending_execution
        .expect("Enter asks the loop to start the step");
    assert_eq!(
        (request.lesson, request.step, request.mode),
        (0, 0, ExecutionMode::Full)
    );
    assert!(app.executing && app.is_busy());
    assert!(app.output.visible, "the pane opens when a step starts");
    let screen = frame(&app);
    assert!(
        screen.contains("$ kubectl create deployment hello"),
        "{screen}"
    );
    assert!(screen.contains(strings::RESULT_EXECUTING), "{screen}");

    let id = "create-deployment";
    apply(
        &mut app,
        [Action::ExecutionEvents(vec![
            ExecutionEvent::StepStarted {
                step: id.into(),
                command: "kubectl create deployment hello".into(),
            },
            output(id, "deployment.apps/hello created"),
            ExecutionEvent::CheckStarted {
                step: id.into(),
                index: 0,
                description: "pods".into(),
            },
        ])],
    );
    let screen = frame(&app);
    assert!(screen.contains("deployment.apps/hello created"), "{screen}");
    assert!(screen.contains(strings::RESULT_CHECKING), "{screen}");

    apply(
        &mut app,
        [Action::ExecutionEvents(vec![
            ExecutionEvent::CheckPassed {
                step: id.into(),
                index: 0,
                seen: "3 pods Running".into(),
                elapsed: Duration::from_millis(200),
            },
            finished(id, StepOutcome::Passed),
        ])],
    );
    assert!(!app.executing);
    assert!(app.progress_dirty);
    assert_eq!(
        app.progress.step_outcome("replicasets", id),
        Some(Recorded::Passed)
    );
    let screen = frame(&app);
    assert!(
        screen.contains("✔ app=hello") || screen.contains("3 pods Running"),
        "{screen}"
    );
    assert!(screen.contains("passed in 7s"), "{screen}");
    assert!(screen.contains("Tab to step list-pods"), "{screen}");
    // Three more steps have not passed, so the lesson is not completed.
    assert_eq!(app.progress.status("replicasets"), LessonStatus::Opened);
}

#[test]
fn a_failed_check_shows_what_was_seen_the_hint_and_the_retry_key() {
    let mut app = at_first_step(120, 40);
    let id = "create-deployment";
    apply(
        &mut app,
        [
            Action::ExecuteStep,
            Action::ExecutionEvents(vec![
                ExecutionEvent::CheckStarted {
                    step: id.into(),
                    index: 0,
                    description: "pods".into(),
                },
                ExecutionEvent::CheckFailed {
                    step: id.into(),
                    index: 0,
                    last_seen: "1 of 3 pods Running".into(),
                    hint: "look at the pods".into(),
                },
                finished(
                    id,
                    StepOutcome::Failed {
                        reason: "check failed".into(),
                    },
                ),
            ]),
        ],
    );
    let screen = frame(&app);
    assert!(screen.contains("1 of 3 pods Running"), "{screen}");
    assert!(screen.contains("hint: look at the pods"), "{screen}");
    assert!(screen.contains("press v to retry the checks"), "{screen}");
    assert_eq!(
        app.progress.step_outcome("replicasets", id),
        Some(Recorded::Failed)
    );

    // `v` runs only the checks again.
    assert_eq!(
        action_for_key(&app, &KeyEvent::from(KeyCode::Char('v'))),
        Some(Action::RetryChecks)
    );
    apply(&mut app, [Action::RetryChecks]);
    assert_eq!(
        app.pending_execution.map(|r| r.mode),
        Some(ExecutionMode::ChecksOnly)
    );
}

#[test]
fn ctrl_c_and_k_stop_a_running_step_esc_goes_back_and_it_shows_stopped() {
    let mut app = at_first_step(80, 24);
    apply(&mut app, [Action::ExecuteStep]);
    let esc = KeyEvent::from(KeyCode::Esc);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let k = KeyEvent::new(KeyCode::Char('K'), KeyModifiers::SHIFT);
    assert_eq!(
        action_for_key(&app, &esc),
        Some(Action::Back),
        "Esc goes back, even while a step runs"
    );
    assert_eq!(action_for_key(&app, &ctrl_c), Some(Action::CancelExecution));
    assert_eq!(action_for_key(&app, &k), Some(Action::CancelExecution));
    // A short step that costs nothing stops without a question.
    apply(&mut app, [Action::CancelExecution]);
    assert_eq!(app.overlay, None);
    let token = app.execution.as_ref().expect("a run").cancel.clone();
    assert!(token.is_cancelled());
    // A second Ctrl-C, while the step winds down, quits.
    assert_eq!(action_for_key(&app, &ctrl_c), Some(Action::ForceQuit));

    apply(
        &mut app,
        [Action::ExecutionEvents(vec![finished(
            "create-deployment",
            StepOutcome::Cancelled,
        )])],
    );
    assert!(!app.executing);
    let screen = frame(&app);
    assert!(screen.contains(strings::RESULT_CANCELLED), "{screen}");
    assert!(screen.contains(strings::BADGE_CANCELLED), "{screen}");
    assert_eq!(
        app.progress
            .step_outcome("replicasets", "create-deployment"),
        None,
        "a cancelled run records nothing"
    );
    assert_eq!(action_for_key(&app, &esc), Some(Action::Back));
}

#[test]
fn a_billable_step_shows_its_command_and_asks_first() {
    let mut app = app(120, 40);
    app.settings.backend = BackendKind::Live;
    app.doctor.passed = true; // the doctor's gate is tested in cost_guard.rs
    apply(
        &mut app,
        [Action::Down, Action::Down, Action::Open, Action::NextStep],
    );
    apply(&mut app, [Action::ExecuteStep]);
    assert_eq!(
        app.overlay,
        Some(Overlay::Confirm(Confirm::ExecuteStep(2, 0)))
    );
    assert!(
        app.pending_execution.is_none(),
        "nothing runs before the answer"
    );
    let screen = frame(&app);
    assert!(screen.contains("eksctl create cluster"), "{screen}");
    // On live it says what it creates and what it costs, and wants the name.
    assert!(screen.contains("This creates the EKS cluster"), "{screen}");
    assert!(screen.contains(strings::CONFIRM_TYPED_KEYS), "{screen}");

    apply(&mut app, [Action::ConfirmNo]);
    assert!(app.pending_execution.is_none() && !app.executing);

    // On live, y / Enter alone do not answer: the cluster's name does.
    apply(&mut app, [Action::ExecuteStep, Action::ConfirmYes]);
    assert!(app.pending_execution.is_none(), "not without the name");
    let name = trinetes::tui::execution::billable::typed_confirmation(&app)
        .expect("a typed question")
        .cluster;
    apply(&mut app, name.chars().map(Action::PromptInput));
    apply(&mut app, [Action::ConfirmYes]);
    // The step is also interactive: it gets the terminal.
    assert_eq!(
        app.pending_execution.map(|r| r.mode),
        Some(ExecutionMode::Interactive)
    );
    assert!(app.executing);
}

#[test]
fn a_billable_step_that_this_backend_skips_does_not_ask() {
    let mut app = app(80, 24);
    apply(
        &mut app,
        [Action::Down, Action::Down, Action::Open, Action::NextStep],
    );
    apply(&mut app, [Action::ExecuteStep]);
    assert_eq!(app.overlay, None);
    assert_eq!(
        app.pending_execution.map(|r| r.mode),
        Some(ExecutionMode::Full)
    );
    apply(
        &mut app,
        [Action::ExecutionEvents(vec![finished(
            "create-cluster",
            StepOutcome::Skipped {
                reason: "needs a real AWS account".into(),
            },
        )])],
    );
    assert_eq!(
        app.progress.step_outcome("eks-demo", "create-cluster"),
        Some(Recorded::Skipped)
    );
}

#[test]
fn quitting_while_a_step_runs_asks_then_cancels_it() {
    let mut app = at_first_step(80, 24);
    apply(&mut app, [Action::ExecuteStep, Action::Quit]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::Quit)));
    assert!(!app.should_quit);
    apply(&mut app, [Action::ConfirmNo]);
    assert!(!app.should_quit);
    assert!(!app.execution.as_ref().unwrap().cancel.is_cancelled());
    apply(&mut app, [Action::Quit, Action::ConfirmYes]);
    assert!(app.should_quit);
    assert!(app.execution.as_ref().unwrap().cancel.is_cancelled());
}

#[test]
fn enter_without_a_selected_step_runs_the_lessons_step_when_it_is_in_view() {
    let mut app = app(80, 24);
    // The short lesson: its only step is on screen.
    apply(&mut app, [Action::Down, Action::Open, Action::ExecuteStep]);
    assert_eq!(app.reader.as_ref().and_then(|r| r.step), Some(0));
    assert_eq!(
        app.pending_execution.map(|p| (p.lesson, p.step)),
        Some((1, 0))
    );
    assert_eq!(app.notice, None);
}

#[test]
fn enter_without_a_selected_step_shows_the_next_step_below_and_says_enter_runs_it() {
    let mut app = app(80, 16);
    apply(&mut app, [Action::Open]);
    let opened = frame(&app);
    assert!(
        !opened.contains("Create a Deployment"),
        "in view:\n{opened}"
    );
    apply(&mut app, [Action::ExecuteStep]);
    assert!(app.pending_execution.is_none(), "not run unseen");
    assert_eq!(app.reader.as_ref().and_then(|r| r.step), Some(0));
    let notice = app.notice.clone().expect("says what Enter does now");
    assert!(notice.contains("create-deployment"), "{notice}");
    assert!(notice.contains("press Enter to run it"), "{notice}");
    let screen = frame(&app);
    assert!(
        screen.contains("Create a Deployment with 3 replicas"),
        "{screen}"
    );
    apply(&mut app, [Action::ExecuteStep]);
    assert_eq!(
        app.pending_execution.map(|p| (p.lesson, p.step)),
        Some((0, 0))
    );
    assert_eq!(app.notice, None, "the notice went when the step started");
}

#[test]
fn enter_without_a_selected_step_picks_the_first_step_not_done() {
    let mut app = app(80, 24);
    app.progress
        .record_step("replicasets", "create-deployment", Recorded::Passed);
    apply(&mut app, [Action::Open, Action::ExecuteStep]);
    assert_eq!(app.reader.as_ref().and_then(|r| r.step), Some(1));

    let mut done = self::app(80, 24);
    done.progress
        .record_step("labels", "label", Recorded::Passed);
    apply(&mut done, [Action::Down, Action::Open, Action::ExecuteStep]);
    assert!(done.pending_execution.is_none());
    assert_eq!(done.notice.as_deref(), Some(strings::NOTICE_NO_STEP));
}

#[test]
fn the_only_step_passing_completes_the_lesson_and_reopening_shows_it() {
    let mut app = app(80, 24);
    apply(
        &mut app,
        [
            Action::Down,
            Action::Open,
            Action::NextStep,
            Action::ExecuteStep,
        ],
    );
    apply(
        &mut app,
        [Action::ExecutionEvents(vec![finished(
            "label",
            StepOutcome::Passed,
        )])],
    );
    assert_eq!(app.progress.status("labels"), LessonStatus::Completed);

    // A new session with the saved progress shows the outcome on the box.
    let mut again = trinetes::tui::state::App::new(
        crate::support::tui::fixture_lessons(),
        app.progress.clone(),
        crate::support::tui::settings(),
        (80, 24),
    );
    apply(&mut again, [Action::Down, Action::Open]);
    assert!(frame(&again).contains(strings::RECORDED_PASSED));

    // Forgetting the lesson's progress clears the box at once.
    apply(&mut again, [Action::AskResetLesson, Action::ConfirmYes]);
    assert!(!frame(&again).contains(strings::RECORDED_PASSED));
}

#[test]
fn output_pane_scrolls_searches_and_keeps_a_bounded_scrollback() {
    let mut app = at_first_step(80, 24);
    apply(&mut app, [Action::ExecuteStep]);
    let lines: Vec<ExecutionEvent> = (1..=200)
        .map(|i| output("create-deployment", &format!("line {i}")))
        .collect();
    apply(&mut app, [Action::ExecutionEvents(lines)]);
    let screen = frame(&app);
    assert!(
        screen.contains("line 200"),
        "follows the newest line:\n{screen}"
    );

    assert_eq!(
        action_for_key(&app, &KeyEvent::from(KeyCode::Char('o'))),
        Some(Action::ToggleOutput)
    );
    let reader_scroll = app.reader.as_ref().unwrap().scroll;
    assert!(
        reader_scroll > 0,
        "the test needs a reader that can move up"
    );
    apply(&mut app, [Action::ToggleOutput, Action::Top]);
    assert!(app.output.focused && !app.output.follow);
    let screen = frame(&app);
    assert!(
        screen.contains("line 1\n") || screen.contains("line 1 "),
        "{screen}"
    );
    assert!(!screen.contains("line 200"), "{screen}");
    // The reader did not move: the keys went to the pane.
    assert_eq!(app.reader.as_ref().unwrap().scroll, reader_scroll);

    apply(&mut app, [Action::StartSearch]);
    apply(&mut app, "LINE 15".chars().map(Action::PromptInput));
    apply(&mut app, [Action::PromptSubmit]);
    let search = app.output.search.clone().expect("a search");
    // line 15 and line 150..=159
    assert_eq!(search.matches.len(), 11);
    assert_eq!(search.current, 10, "starts at the newest hit");
    let screen = frame(&app);
    assert!(screen.contains("match 11/11"), "{screen}");
    assert!(screen.contains("line 159"), "{screen}");
    apply(&mut app, [Action::NextMatch]);
    assert_eq!(app.output.search.as_ref().unwrap().current, 0);
    assert!(frame(&app).contains("line 15\n") || frame(&app).contains("line 15 "));
    apply(&mut app, [Action::ClearSearch, Action::Bottom]);
    assert!(app.output.search.is_none() && app.output.follow);

    // `o` again gives the keys back to the reader; the pane stays.
    apply(&mut app, [Action::ToggleOutput]);
    assert!(!app.output.focused && app.output.visible);
    apply(&mut app, [Action::HideOutput]);
    assert!(!app.output.visible);

    let flood: Vec<ExecutionEvent> = (0..SCROLLBACK + 300)
        .map(|i| output("create-deployment", &format!("flood {i}")))
        .collect();
    apply(&mut app, [Action::ExecutionEvents(flood)]);
    assert_eq!(app.output.lines.len(), SCROLLBACK);
    assert_eq!(
        app.output.lines.back().map(String::as_str),
        Some(format!("flood {}", SCROLLBACK + 299).as_str())
    );
}

#[test]
fn stages_drive_the_progress_line_with_elapsed_time_and_eta() {
    let mut app = at_first_step(120, 40);
    apply(
        &mut app,
        [
            Action::ExecuteStep,
            Action::ExecutionTick(Duration::from_secs(5)),
        ],
    );
    let screen = frame(&app);
    assert!(screen.contains("running · elapsed 5s"), "{screen}");
    apply(
        &mut app,
        [
            Action::ExecutionTick(Duration::from_secs(60)),
            Action::ExecutionEvents(vec![ExecutionEvent::Stage {
                step: "create-deployment".into(),
                name: "creating the control plane".into(),
                fraction: Some(0.25),
            }]),
        ],
    );
    let screen = frame(&app);
    assert!(
        screen.contains("creating the control plane 25% · elapsed 1m00s · 3m00s left"),
        "{screen}"
    );
    // Until the next report, the time left counts down; it does not grow
    // with the stale fraction (70 s / 25 % would say 3m30s).
    apply(&mut app, [Action::ExecutionTick(Duration::from_secs(70))]);
    let screen = frame(&app);
    assert!(
        screen.contains("creating the control plane 25% · elapsed 1m10s · 2m50s left"),
        "{screen}"
    );
}

#[test]
fn without_colour_the_progress_bar_still_shows_how_far_it_is() {
    let mut app = at_first_step(120, 40);
    app.settings.theme = trinetes::tui::theme::Theme::from_env(
        trinetes::tui::theme::ThemeKind::Dark,
        Some(std::ffi::OsStr::new("1")),
    );
    apply(
        &mut app,
        [
            Action::ExecuteStep,
            Action::ExecutionTick(Duration::from_secs(10)),
            Action::ExecutionEvents(vec![ExecutionEvent::Stage {
                step: "create-deployment".into(),
                name: "creating the control plane".into(),
                fraction: Some(0.5),
            }]),
        ],
    );
    let screen = frame(&app);
    let bar = screen
        .lines()
        .find(|l| l.contains("creating the control plane 50%"))
        .unwrap_or_else(|| panic!("no progress line:\n{screen}"));
    let done = bar.matches(strings::GAUGE_FILLED).count();
    let left = bar.matches(strings::GAUGE_UNFILLED).count();
    assert!(done > 0 && left > 0 && done.abs_diff(left) <= 1, "{bar}");
}

#[test]
fn eta_is_elapsed_over_fraction_minus_elapsed() {
    assert_eq!(
        eta(Duration::from_secs(10), 0.5),
        Some(Duration::from_secs(10))
    );
    assert_eq!(
        eta(Duration::from_secs(30), 0.25),
        Some(Duration::from_secs(90))
    );
    assert_eq!(eta(Duration::from_secs(30), 1.0), Some(Duration::ZERO));
    assert_eq!(eta(Duration::from_secs(30), 0.0), None);
    assert_eq!(eta(Duration::from_secs(30), f32::NAN), None);
    assert_eq!(eta(Duration::from_secs(30), -0.5), None);
    assert_eq!(format_duration(Duration::from_secs(65)), "1m05s");
    assert_eq!(format_duration(Duration::from_secs(3720)), "1h02m");
    assert_eq!(format_duration(Duration::from_secs(9)), "9s");
}

#[test]
fn enter_v_o_run_keys_map_in_the_reader() {
    let app = at_first_step(80, 24);
    let cases = [
        (KeyCode::Enter, Action::ExecuteStep),
        (KeyCode::Char('v'), Action::RetryChecks),
        (KeyCode::Char('o'), Action::ToggleOutput),
        (KeyCode::Char('O'), Action::HideOutput),
    ];
    for (code, want) in cases {
        assert_eq!(action_for_key(&app, &KeyEvent::from(code)), Some(want));
    }
}

#[test]
fn on_dry_run_the_billable_question_says_nothing_is_spent() {
    let mut app = app(120, 40);
    app.settings.backend = BackendKind::DryRun;
    // The fixture's create-cluster step is live-only; let it run everywhere.
    app.lessons[2].steps[0].backends.clear();
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
    let screen = frame(&app);
    assert!(
        screen.contains("here it is simulated and costs"),
        "{screen}"
    );
    assert!(!screen.contains(strings::CONFIRM_BILLABLE), "{screen}");
}

/// Enter on a step that passed asks before running it again (a second
/// create fails with AlreadyExists and would mark it failed); n keeps it,
/// y runs it, and `v` looks again without asking.
#[test]
fn enter_on_a_step_that_passed_asks_before_running_it_again() {
    let mut app = at_first_step(120, 40);
    apply(&mut app, [Action::ExecuteStep]);
    app.pending_execution = None;
    let id = "create-deployment";
    apply(
        &mut app,
        [Action::ExecutionEvents(vec![finished(
            id,
            StepOutcome::Passed,
        )])],
    );
    assert_eq!(
        app.progress.step_outcome("replicasets", id),
        Some(Recorded::Passed),
        "{:?}",
        app.progress
    );
    apply(&mut app, [Action::ExecuteStep]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::RunAgain(0, 0))));
    assert!(
        app.pending_execution.is_none(),
        "nothing runs before the answer"
    );
    let screen = frame(&app);
    assert!(screen.contains("passed already. Run it again?"), "{screen}");
    let no = action_for_key(&app, &KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE))
        .expect("n answers");
    apply(&mut app, [no]);
    assert_eq!(app.overlay, None);
    assert!(app.pending_execution.is_none());
    assert_eq!(
        app.progress.step_outcome("replicasets", id),
        Some(Recorded::Passed)
    );

    apply(&mut app, [Action::ExecuteStep]);
    let yes = action_for_key(&app, &KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE))
        .expect("y answers");
    apply(&mut app, [yes]);
    let request = app.pending_execution.take().expect("y runs it");
    assert_eq!((request.step, request.mode), (0, ExecutionMode::Full));
}
