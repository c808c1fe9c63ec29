//! Maps terminal events to actions, depending on what is on screen. The
//! help overlay's table in `strings::KEYS` documents the same keys.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};

use crate::tui::action::Action;
use crate::tui::state::{App, Overlay, Screen};

const WHEEL_LINES: i32 = 3;

pub fn action_for_event(app: &App, event: &Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => action_for_key(app, key),
        Event::Mouse(mouse) if app.overlay.is_none() && app.prompt.is_none() => {
            // In the list the wheel moves the selection one lesson at a time.
            let lines = match app.screen {
                Screen::Reader => WHEEL_LINES,
                Screen::List => 1,
            };
            match mouse.kind {
                MouseEventKind::ScrollUp => Some(Action::ScrollBy(-lines)),
                MouseEventKind::ScrollDown => Some(Action::ScrollBy(lines)),
                _ => None,
            }
        }
        Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
        _ => None,
    }
}

pub fn action_for_key(app: &App, key: &KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C')) {
        // While a step runs, the first Ctrl-C stops the step, as in a shell.
        let stoppable = app
            .run
            .as_ref()
            .is_some_and(|r| r.is_running() && !r.cancel.is_cancelled());
        return Some(if stoppable {
            Action::CancelRun
        } else {
            Action::ForceQuit
        });
    }
    if app.prompt.is_some() {
        return match key.code {
            KeyCode::Enter => Some(Action::PromptSubmit),
            KeyCode::Esc => Some(Action::PromptCancel),
            KeyCode::Backspace => Some(Action::PromptBackspace),
            KeyCode::Char(c) if !ctrl => Some(Action::PromptInput(c)),
            _ => None,
        };
    }
    match app.overlay {
        Some(Overlay::Help) => {
            return match key.code {
                KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
                KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
                KeyCode::PageUp => Some(Action::PageUp),
                KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::PageDown),
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter => {
                    Some(Action::CloseOverlay)
                }
                _ => None,
            };
        }
        Some(Overlay::World) => {
            return match key.code {
                KeyCode::Esc | KeyCode::Char('w') | KeyCode::Char('q') | KeyCode::Enter => {
                    Some(Action::CloseOverlay)
                }
                KeyCode::Char('?') => Some(Action::ToggleHelp),
                _ => None,
            };
        }
        Some(Overlay::Confirm(_)) => {
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                    Some(Action::ConfirmYes)
                }
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => Some(Action::ConfirmNo),
                _ => None,
            };
        }
        None => {}
    }
    let common = match key.code {
        KeyCode::Char('?') => Some(Action::ToggleHelp),
        KeyCode::Char('w') => Some(Action::ToggleWorld),
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Char('R') => Some(Action::AskResetAll),
        KeyCode::Char('x') => Some(Action::DismissWarning),
        KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
        KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
        KeyCode::Home | KeyCode::Char('g') => Some(Action::Top),
        KeyCode::End | KeyCode::Char('G') => Some(Action::Bottom),
        KeyCode::Char('r') => Some(Action::AskResetLesson),
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    match app.screen {
        Screen::List => match key.code {
            KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') => Some(Action::Open),
            KeyCode::PageUp => Some(Action::PageUp),
            KeyCode::PageDown => Some(Action::PageDown),
            _ => None,
        },
        Screen::Reader => {
            let focused = app.output.focused;
            let searching = if focused {
                app.output.search.is_some()
            } else {
                app.reader.as_ref().is_some_and(|r| r.search.is_some())
            };
            match key.code {
                KeyCode::Esc if app.running => Some(Action::CancelRun),
                KeyCode::Enter => Some(Action::RunStep),
                KeyCode::Char('v') => Some(Action::RetryChecks),
                KeyCode::Char('o') => Some(Action::ToggleOutput),
                KeyCode::Char('O') => Some(Action::HideOutput),
                KeyCode::Esc if focused && !searching => Some(Action::ToggleOutput),
                KeyCode::PageUp | KeyCode::Char('b') => Some(Action::PageUp),
                KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::PageDown),
                KeyCode::Tab => Some(Action::NextStep),
                KeyCode::BackTab => Some(Action::PrevStep),
                KeyCode::Char('n') if searching => Some(Action::NextMatch),
                KeyCode::Char('N') if searching => Some(Action::PrevMatch),
                KeyCode::Char('n') => Some(Action::NextStep),
                KeyCode::Char('p') | KeyCode::Char('N') => Some(Action::PrevStep),
                KeyCode::Char('/') => Some(Action::StartSearch),
                KeyCode::Char('c') => Some(Action::MarkCompleted),
                KeyCode::Char('s') => Some(Action::ToggleNotes),
                KeyCode::Esc if searching => Some(Action::ClearSearch),
                KeyCode::Esc | KeyCode::Left | KeyCode::Char('h') => Some(Action::Back),
                _ => None,
            }
        }
    }
}
