//! The TUI's behaviour through actions: navigation, steps, search, overlays,
//! resizing, quitting and progress.

use crate::support::tui::{app, apply, frame};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use trinetes::progress::{LessonStatus, Progress, ProgressStore};
use trinetes::tui::action::Action;
use trinetes::tui::keymap::{self, action_for_key};
use trinetes::tui::screens::overlay::{Confirm, Overlay};
use trinetes::tui::state::Screen;
use trinetes::tui::strings;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn opening_a_lesson_marks_it_opened_and_shows_the_reader() {
    let mut app = app(80, 24);
    assert_eq!(app.progress.status("replicasets"), LessonStatus::NotStarted);
    apply(&mut app, [Action::Open]);
    assert_eq!(app.screen, Screen::Reader);
    assert_eq!(app.progress.status("replicasets"), LessonStatus::Opened);
    assert!(app.progress_dirty);
    let screen = frame(&app);
    assert!(screen.contains("ReplicaSets"), "{screen}");
    assert!(screen.contains("step 0/4"), "{screen}");
    apply(&mut app, [Action::Back]);
    assert_eq!(app.screen, Screen::List);
    assert!(frame(&app).contains("◐"), "opened mark in the list");
}

#[test]
fn list_moves_and_clamps() {
    let mut app = app(80, 24);
    apply(
        &mut app,
        [Action::Down, Action::Down, Action::Down, Action::Down],
    );
    assert_eq!(app.list_selected, 2);
    apply(&mut app, [Action::Top]);
    assert_eq!(app.list_selected, 0);
    apply(&mut app, [Action::Bottom]);
    assert_eq!(app.list_selected, 2);
}

#[test]
fn scrolling_is_clamped_to_the_text() {
    let mut app = app(80, 24);
    apply(&mut app, [Action::Open, Action::Up]);
    assert_eq!(app.reader.as_ref().unwrap().scroll, 0);
    apply(&mut app, [Action::Down, Action::Down]);
    assert_eq!(app.reader.as_ref().unwrap().scroll, 2);
    apply(&mut app, [Action::Bottom]);
    let len = app.reader.as_ref().unwrap().doc.lines.len();
    let height = usize::from(app.text_area().1);
    assert_eq!(app.reader.as_ref().unwrap().scroll, len - height);
    apply(&mut app, [Action::PageDown, Action::ScrollBy(3)]);
    assert_eq!(app.reader.as_ref().unwrap().scroll, len - height);
    apply(&mut app, [Action::PageUp]);
    assert_eq!(
        app.reader.as_ref().unwrap().scroll,
        len - height - (height - 1)
    );
}

#[test]
fn next_step_selects_scrolls_and_highlights_the_box() {
    let mut app = app(80, 24);
    apply(&mut app, [Action::Open, Action::NextStep]);
    let r = app.reader.as_ref().unwrap();
    assert_eq!(r.step, Some(0));
    let range = r.doc.steps[0].clone();
    assert!(
        range.start >= r.scroll && range.end <= r.scroll + 22,
        "{range:?} at {}",
        r.scroll
    );
    let screen = frame(&app);
    assert!(screen.contains("step 1/4"), "{screen}");
    assert!(screen.contains("create-deployment"), "{screen}");
    // The selected box's border takes the selected style.
    let border = &r.doc.lines[range.start].spans[0];
    assert_eq!(border.style, app.settings.theme.step_border_selected);

    apply(&mut app, [Action::NextStep, Action::NextStep]);
    let r = app.reader.as_ref().unwrap();
    assert_eq!(r.step, Some(2));
    let old = &r.doc.lines[range.start].spans[0];
    assert_eq!(
        old.style, app.settings.theme.step_border,
        "the old box is plain again"
    );
    apply(&mut app, [Action::NextStep, Action::NextStep]);
    assert_eq!(
        app.reader.as_ref().unwrap().step,
        Some(3),
        "stops at the last step"
    );
    apply(&mut app, [Action::PrevStep]);
    assert_eq!(app.reader.as_ref().unwrap().step, Some(2));
}

#[test]
fn n_is_next_step_until_a_search_is_active() {
    let mut app = app(80, 24);
    apply(&mut app, [Action::Open]);
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Char('n'))),
        Some(Action::NextStep)
    );
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Tab)),
        Some(Action::NextStep)
    );
    apply(&mut app, [Action::StartSearch]);
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Char('n'))),
        Some(Action::PromptInput('n')),
        "while typing, n is text"
    );
    apply(&mut app, "pod".chars().map(Action::PromptInput));
    apply(&mut app, [Action::PromptSubmit]);
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Char('n'))),
        Some(Action::NextMatch)
    );
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Char('N'))),
        Some(Action::PrevMatch)
    );
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Tab)),
        Some(Action::NextStep)
    );
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Esc)),
        Some(Action::ClearSearch)
    );
    apply(&mut app, [Action::ClearSearch]);
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Char('n'))),
        Some(Action::NextStep)
    );
    assert_eq!(action_for_key(&app, &key(KeyCode::Esc)), Some(Action::Back));
}

#[test]
fn search_finds_highlights_and_cycles() {
    let mut app = app(80, 24);
    apply(&mut app, [Action::Open, Action::StartSearch]);
    apply(&mut app, "PARAGRAPH 3".chars().map(Action::PromptInput));
    apply(&mut app, [Action::PromptSubmit]);
    let r = app.reader.as_ref().unwrap();
    let search = r.search.as_ref().unwrap();
    assert_eq!(
        search.matches.len(),
        3,
        "case-insensitive: three 'Paragraph 3'"
    );
    let first = search.matches[0];
    assert!(
        first.line >= r.scroll && first.line < r.scroll + 22,
        "revealed"
    );
    let text = &r.doc.plain[first.line];
    assert!(text.to_lowercase().contains("paragraph 3"));

    let buf = crate::support::tui::buffer(&app);
    let row = u16::try_from(first.line - r.scroll).unwrap() + 1;
    let cell = &buf[(first.column + 1, row)];
    assert_eq!(cell.symbol(), "P");
    assert_eq!(cell.bg, app.settings.theme.search_current.bg.unwrap());
    assert!(frame(&app).contains("match 1/3"));

    let current = |app: &trinetes::tui::state::App| {
        app.reader
            .as_ref()
            .unwrap()
            .search
            .as_ref()
            .unwrap()
            .current
    };
    apply(&mut app, [Action::NextMatch]);
    assert_eq!(current(&app), 1);
    let r = app.reader.as_ref().unwrap();
    let second = r.search.as_ref().unwrap().matches[1];
    assert!(
        second.line >= r.scroll && second.line < r.scroll + 22,
        "scrolled to it"
    );
    apply(&mut app, [Action::NextMatch, Action::NextMatch]);
    assert_eq!(current(&app), 0, "wraps");
    apply(&mut app, [Action::PrevMatch]);
    assert_eq!(current(&app), 2);
}

#[test]
fn search_prompt_edits_and_cancels() {
    let mut app = app(80, 24);
    apply(&mut app, [Action::Open, Action::StartSearch]);
    apply(
        &mut app,
        [
            Action::PromptInput('x'),
            Action::PromptInput('y'),
            Action::PromptBackspace,
        ],
    );
    assert_eq!(app.prompt.as_deref(), Some("x"));
    assert!(frame(&app).contains("/x█"));
    apply(&mut app, [Action::PromptCancel]);
    assert!(app.prompt.is_none());
    assert!(app.reader.as_ref().unwrap().search.is_none());
    apply(
        &mut app,
        [
            Action::StartSearch,
            Action::PromptInput('z'),
            Action::PromptInput('q'),
            Action::PromptSubmit,
        ],
    );
    assert!(frame(&app).contains("no match for \"zq\""));
}

#[test]
fn help_lists_every_key_and_closes() {
    let mut app = app(120, 40);
    apply(&mut app, [Action::ToggleHelp]);
    assert_eq!(app.overlay, Some(Overlay::Help));
    let screen = frame(&app);
    for line in keymap::help_lines() {
        let (keys, what) = (line.keys, line.text);
        assert!(screen.contains(keys), "help lacks {keys}:\n{screen}");
        assert!(screen.contains(what), "help lacks {what}:\n{screen}");
    }
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Esc)),
        Some(Action::CloseOverlay)
    );
    apply(&mut app, [Action::CloseOverlay]);
    assert_eq!(app.overlay, None);
}

#[test]
fn every_key_in_the_help_does_something() {
    let mut app = app(80, 24);
    let list_keys = [
        KeyCode::Up,
        KeyCode::Char('j'),
        KeyCode::Home,
        KeyCode::Char('G'),
        KeyCode::Enter,
        KeyCode::Char('l'),
        KeyCode::Char('r'),
        KeyCode::Char('?'),
        KeyCode::Char('q'),
        KeyCode::Char('R'),
        KeyCode::Char('x'),
    ];
    for code in list_keys {
        assert!(action_for_key(&app, &key(code)).is_some(), "list: {code:?}");
    }
    apply(&mut app, [Action::Open]);
    let reader_keys = [
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Char(' '),
        KeyCode::Char('b'),
        KeyCode::End,
        KeyCode::Char('g'),
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Char('n'),
        KeyCode::Char('p'),
        KeyCode::Char('/'),
        KeyCode::Char('c'),
        KeyCode::Char('r'),
        KeyCode::Char('s'),
        KeyCode::Esc,
        KeyCode::Left,
        KeyCode::Char('h'),
    ];
    for code in reader_keys {
        assert!(
            action_for_key(&app, &key(code)).is_some(),
            "reader: {code:?}"
        );
    }
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(action_for_key(&app, &ctrl_c), Some(Action::ForceQuit));
}

#[test]
fn quit_asks_first_only_while_busy() {
    let mut app = app(80, 24);
    app.executing = true;
    apply(&mut app, [Action::Quit]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::Quit)));
    assert!(!app.should_quit);
    assert!(frame(&app).contains(strings::CONFIRM_QUIT_BUSY));
    apply(&mut app, [Action::ConfirmNo]);
    assert!(!app.should_quit);
    apply(&mut app, [Action::Quit, Action::ConfirmYes]);
    assert!(app.should_quit);

    let mut idle = crate::support::tui::app(80, 24);
    apply(&mut idle, [Action::Quit]);
    assert!(idle.should_quit);
}

#[test]
fn reset_lesson_and_reset_all_ask_then_forget() {
    let mut app = app(80, 24);
    apply(
        &mut app,
        [
            Action::Open,
            Action::MarkCompleted,
            Action::Back,
            Action::Down,
            Action::Open,
            Action::Back,
        ],
    );
    assert_eq!(app.progress.status("replicasets"), LessonStatus::Completed);
    assert_eq!(app.progress.status("labels"), LessonStatus::Opened);
    apply(&mut app, [Action::Top, Action::AskResetLesson]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::ResetLesson(0))));
    assert!(frame(&app).contains("Forget the progress of \"ReplicaSets keep your pods alive\"?"));
    apply(&mut app, [Action::ConfirmNo]);
    assert_eq!(app.progress.status("replicasets"), LessonStatus::Completed);
    apply(&mut app, [Action::AskResetLesson, Action::ConfirmYes]);
    assert_eq!(app.progress.status("replicasets"), LessonStatus::NotStarted);
    assert_eq!(app.progress.status("labels"), LessonStatus::Opened);
    apply(&mut app, [Action::AskResetAll, Action::ConfirmYes]);
    assert_eq!(app.progress, Progress::default());
}

#[test]
fn resize_rewraps_and_too_small_never_panics() {
    let mut app = app(120, 40);
    apply(&mut app, [Action::Open, Action::NextStep, Action::NextStep]);
    let wide = app.reader.as_ref().unwrap().doc.lines.len();
    apply(&mut app, [Action::Resize(60, 16)]);
    let r = app.reader.as_ref().unwrap();
    assert_eq!(r.doc.width, 58);
    assert!(r.doc.lines.len() > wide, "narrower text is longer");
    let range = r.doc.steps[1].clone();
    assert!(range.start >= r.scroll, "the selected step stays in view");
    for (w, h) in [(59, 16), (60, 15), (1, 1), (0, 0), (20, 5)] {
        apply(&mut app, [Action::Resize(w, h)]);
        let screen = frame(&app);
        if w > 30 && h > 2 {
            assert!(screen.contains("too small"), "{w}x{h}: {screen}");
        }
    }
    apply(&mut app, [Action::Resize(80, 24)]);
    assert!(frame(&app).contains("step 2/4"));
}

#[test]
fn notes_panel_narrows_the_text() {
    let mut app = app(120, 40);
    apply(&mut app, [Action::Open]);
    let before = app.reader.as_ref().unwrap().doc.width;
    apply(&mut app, [Action::ToggleNotes]);
    assert!(app.reader.as_ref().unwrap().doc.width < before);
    assert!(frame(&app).contains("Start from the picture."));
}

#[test]
fn speaker_notes_reflow_instead_of_keeping_the_sources_line_breaks() {
    let mut app = app(120, 40);
    let span = app.lessons[0].notes[0].span;
    app.lessons[0].notes.push(trinetes::lesson::SpeakerNote {
        text: "Say that it runs\non a laptop.\n\nThen pause.".into(),
        span,
    });
    apply(&mut app, [Action::Open, Action::ToggleNotes]);
    let screen = frame(&app);
    assert!(screen.contains("Say that it runs on a laptop."), "{screen}");
    assert!(screen.contains("Then pause."), "{screen}");
}

#[test]
fn progress_survives_a_restart_and_resumes_the_reader() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProgressStore::new(dir.path());
    let mut first = app(80, 24);
    apply(
        &mut first,
        [
            Action::Open,
            Action::NextStep,
            Action::NextStep,
            Action::Down,
            Action::Quit,
        ],
    );
    assert!(first.should_quit);
    let scroll = first.reader.as_ref().unwrap().scroll;
    store.save(&first.progress).unwrap();

    let loaded = store.load().unwrap();
    let mut second = trinetes::tui::state::App::new(
        crate::support::tui::fixture_lessons(),
        loaded.progress,
        crate::support::tui::settings(),
        (80, 24),
    );
    trinetes::tui::resume(&mut second);
    assert_eq!(second.screen, Screen::Reader);
    let r = second.reader.as_ref().unwrap();
    assert_eq!(r.step, Some(1));
    assert_eq!(r.scroll, scroll);
    assert!(frame(&second).contains("step 2/4"));
}

#[test]
fn a_warning_is_shown_until_dismissed() {
    let mut app = app(80, 24);
    app.warning = Some("Progress file could not be read".to_string());
    assert!(frame(&app).contains("Progress file could not be read"));
    apply(&mut app, [Action::DismissWarning]);
    assert!(!frame(&app).contains("Progress file could not be read"));
}

#[test]
fn hyperlinks_only_on_known_terminals() {
    use trinetes::tui::hyperlinks_supported;
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    assert!(hyperlinks_supported(env(&[("TERM_PROGRAM", "WezTerm")])));
    assert!(!hyperlinks_supported(env(&[
        ("TERM_PROGRAM", "WezTerm"),
        ("TMUX", "x")
    ])));
    assert!(!hyperlinks_supported(env(&[])));
    assert!(hyperlinks_supported(env(&[
        ("TRINETES_HYPERLINKS", "1"),
        ("TMUX", "x")
    ])));
}

/// Between the widths where one column fits and where two fit side by side,
/// the help never lets a line run into the other column: every key's text
/// is whole on one row, on screen or after scrolling.
#[test]
fn help_lines_stay_whole_at_every_width() {
    for (w, h) in [(100, 30), (110, 40), (120, 40), (140, 30)] {
        let mut app = app(w, h);
        apply(&mut app, [Action::ToggleHelp]);
        let mut seen = frame(&app);
        for _ in 0..10 {
            apply(&mut app, [Action::PageDown]);
            seen.push_str(&frame(&app));
        }
        for line in keymap::help_lines() {
            assert!(
                seen.lines().any(|row| row.contains(line.text)),
                "at {w}x{h}, `{}` is not whole on one row:\n{seen}",
                line.text
            );
        }
    }
}

#[test]
fn help_scrolls_when_the_screen_is_short() {
    let mut app = app(80, 24);
    apply(&mut app, [Action::ToggleHelp]);
    let last = keymap::help_lines().last().unwrap().text;
    assert!(
        !frame(&app).contains(last),
        "the last key is below the fold at 80×24"
    );
    assert!(frame(&app).contains("↓ more"));
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Char('j'))),
        Some(Action::Down)
    );
    apply(&mut app, [Action::PageDown, Action::PageDown]);
    let screen = frame(&app);
    assert!(screen.contains(last), "{screen}");
    assert_eq!(
        app.overlay,
        Some(Overlay::Help),
        "scrolling keeps the help open"
    );
    assert_eq!(app.screen, Screen::List, "and does not move the list");
}

#[test]
fn status_bar_keeps_every_segment_shortening_the_least_important() {
    let mut app = app(60, 16);
    apply(&mut app, [Action::Open, Action::StartSearch]);
    apply(&mut app, "replica".chars().map(Action::PromptInput));
    apply(&mut app, [Action::PromptSubmit]);
    let screen = frame(&app);
    let status = screen.lines().nth(15).unwrap();
    assert!(status.contains("step 0/4"), "{status}");
    assert!(status.contains("match"), "{status}");
    assert!(status.contains("dry-run"), "{status}");
    assert!(status.contains("current"), "{status}");
    assert!(status.ends_with("? help"), "{status}");
}

#[test]
fn at_100_columns_the_cluster_leaves_room_for_the_profile() {
    let mut app = app(100, 30);
    apply(&mut app, [Action::Open, Action::NextStep]);
    app.clusters = trinetes::tui::state::StepClusters {
        lesson: Some(0),
        steps: vec![
            Some(trinetes::backend::StepCluster {
                name: "trinetes@tcb-cluster.us-east-1.eksctl.io".into(),
                running: false,
                eks_status: None,
                unfinished: None,
            });
            4
        ],
    };
    app.forwards = vec![trinetes::backend::portforward::ForwardStatus {
        local: "127.0.0.1:8080".parse().expect("an address"),
        wanted_port_taken: None,
        target: "svc/tcb-trino".into(),
        problem: None,
    }];
    let screen = frame(&app);
    let status = screen.lines().last().expect("a status line");
    assert!(status.contains("127.0.0.1:8080"), "{status}");
    assert!(status.contains("step 1/4"), "{status}");
    assert!(status.contains("trinetes@tcb-"), "{status}");
    assert!(status.contains("dry-run"), "{status}");
    assert!(status.contains("current"), "{status}");
    assert!(status.ends_with("? help"), "{status}");
}

#[test]
fn hyperlinks_go_into_one_cell_with_a_forced_width() {
    use ratatui::buffer::CellDiffOption;
    let mut app = app(120, 40);
    app.settings.hyperlinks = true;
    apply(&mut app, [Action::Open]);
    let backend = ratatui::backend::TestBackend::new(120, 40);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    let completed = terminal
        .draw(|f| trinetes::tui::screens::draw(&app, f))
        .unwrap();
    let buf = completed.buffer.clone();
    let url = "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/";
    let mut found = Vec::new();
    for y in 0..40 {
        for x in 0..120 {
            let cell = &buf[(x, y)];
            if cell.symbol().starts_with("\x1b]8;;") {
                found.push((x, y, cell.symbol().to_string(), cell.diff_option));
            }
        }
    }
    assert_eq!(found.len(), 2, "the link text and its url: {found:?}");
    let (x, y, symbol, option) = &found[0];
    assert_eq!(
        symbol,
        &format!("\x1b]8;;{url}\x1b\\the docs\x1b]8;;\x1b\\")
    );
    assert_eq!(*option, CellDiffOption::ForcedWidth(8.try_into().unwrap()));
    for dx in 1..8 {
        assert_eq!(buf[(x + dx, *y)].diff_option, CellDiffOption::Skip);
    }

    app.settings.hyperlinks = false;
    let plain = crate::support::tui::buffer(&app);
    assert!(plain.content.iter().all(|c| !c.symbol().contains('\x1b')));
}

#[test]
fn list_says_when_a_lesson_was_written_for_other_backends() {
    let mut lessons = crate::support::tui::fixture_lessons();
    lessons[0].front.backends = vec![trinetes::lesson::BackendKind::Live];
    let mut app = trinetes::tui::state::App::new(
        lessons,
        Progress::default(),
        crate::support::tui::settings(),
        (100, 24),
    );
    assert!(frame(&app).contains("Written for live; on dry-run its steps may be skipped."));
    apply(&mut app, [Action::Down]);
    assert!(!frame(&app).contains("Written for"));
}

#[test]
fn mouse_wheel_scrolls_the_reader_and_moves_in_the_list() {
    use crossterm::event::{Event, MouseEvent, MouseEventKind};
    use trinetes::tui::keymap::action_for_event;
    let wheel = |kind| {
        Event::Mouse(MouseEvent {
            kind,
            column: 5,
            row: 5,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut app = app(80, 24);
    let down = action_for_event(&app, &wheel(MouseEventKind::ScrollDown)).unwrap();
    apply(&mut app, [down]);
    assert_eq!(app.list_selected, 1);
    apply(&mut app, [Action::Open]);
    let down = action_for_event(&app, &wheel(MouseEventKind::ScrollDown)).unwrap();
    assert_eq!(down, Action::ScrollBy(3));
    let up = action_for_event(&app, &wheel(MouseEventKind::ScrollUp)).unwrap();
    assert_eq!(up, Action::ScrollBy(-3));
}

#[test]
fn w_shows_how_to_use_the_dry_run_world_from_another_terminal() {
    let mut app = app(100, 30);
    app.world_exports = vec![
        "export KUBECONFIG=/tmp/state/trinetes/world-x/kubeconfig".to_string(),
        "export AWS_ENDPOINT_URL_EKS=http://127.0.0.1:40123".to_string(),
    ];
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Char('w'))),
        Some(Action::ToggleWorld)
    );
    apply(&mut app, [Action::ToggleWorld]);
    assert_eq!(app.overlay, Some(Overlay::World));
    let screen = frame(&app);
    for line in &app.world_exports {
        // Each export stays on one line, so it can be copied whole.
        assert!(
            screen.lines().any(|l| l.contains(line.as_str())),
            "{line} is not on one line:\n{screen}"
        );
    }
    assert!(screen.contains(strings::WORLD_TITLE.trim()), "{screen}");
    // The aws CLI refuses to run without a region.
    let recipe = screen.replace('│', " ");
    let recipe = recipe.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        recipe.contains("aws eks list-clusters --region us-east-1"),
        "{screen}"
    );
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Esc)),
        Some(Action::CloseOverlay)
    );
    apply(&mut app, [Action::CloseOverlay]);
    assert_eq!(app.overlay, None);
    assert!(!frame(&app).contains("AWS_ENDPOINT_URL_EKS"));
}

#[test]
fn w_on_a_backend_without_a_world_says_there_is_nothing_to_export() {
    let mut app = app(100, 30);
    apply(&mut app, [Action::Open, Action::ToggleWorld]);
    assert_eq!(app.overlay, Some(Overlay::World));
    let screen = frame(&app);
    assert!(screen.contains("nothing to export"), "{screen}");
    assert!(!screen.contains("export KUBECONFIG"), "{screen}");
    apply(&mut app, [Action::ToggleWorld]);
    assert_eq!(app.overlay, None);
}

#[test]
fn resetting_a_lesson_starts_it_over_at_the_top() {
    let mut app = app(100, 30);
    apply(&mut app, [Action::Open, Action::NextStep, Action::NextStep]);
    assert!(app.reader.as_ref().unwrap().step.is_some());
    apply(&mut app, [Action::AskResetLesson, Action::ConfirmYes]);
    let reader = app.reader.as_ref().unwrap();
    assert_eq!(reader.step, None, "no step stays selected");
    assert_eq!(reader.scroll, 0);
}
