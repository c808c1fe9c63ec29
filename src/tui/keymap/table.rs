//! `KEYMAP`: the table of every key. One row: where the keys work (`X::`),
//! when (`W::`), the keys, the action, and the line the `?` window shows
//! under a section (`S::`), or `WithAbove` / `Unlisted`.

use crossterm::event::KeyCode;

use super::Context as X;
use super::Help::{Unlisted, WithAbove};
use super::Section as S;
use super::When as W;
use super::{Binding, Context, Help, HelpLine, Key, Row, Section, When};
use crate::tui::action::Action;

const fn bind(
    context: Context,
    when: When,
    keys: &'static [Key],
    action: Action,
    help: Help,
) -> Row {
    Row::Bind(Binding {
        context,
        when,
        keys,
        action,
        help,
    })
}

const fn line(section: Section, keys: &'static str, text: &'static str) -> Help {
    Help::Line(HelpLine {
        section,
        keys,
        text,
    })
}

const fn c(ch: char) -> Key {
    Key::Code(KeyCode::Char(ch))
}

const fn k(code: KeyCode) -> Key {
    Key::Code(code)
}

/// The first row whose context is active, whose condition holds and that
/// names the key wins, as in a `match`. The help window lists the rows'
/// lines by section, in this order.
#[rustfmt::skip]
pub const KEYMAP: &[Row] = &[
    // Presenting: first, so that its keys win over the shared ones (f).
    bind(X::Present, W::Always, &[c(' '), k(KeyCode::Right), c('n')], Action::PresentNext,
        line(S::Present, "Space  → n", "finish typing / show the next step / next screen")),
    bind(X::Present, W::Always, &[k(KeyCode::Left), c('p')], Action::PresentBack,
        line(S::Present, "← p", "hide the last step / previous screen")),
    bind(X::Present, W::Always, &[k(KeyCode::Enter)], Action::ExecuteStep,
        line(S::Present, "Enter", "run the step shown")),
    bind(X::Present, W::Always, &[k(KeyCode::PageUp)], Action::PageUp,
        line(S::Present, "PgUp PgDn", "page the step's output")),
    bind(X::Present, W::Always, &[k(KeyCode::PageDown)], Action::PageDown, WithAbove),
    bind(X::Present, W::Always, &[c('f')], Action::FastForward,
        line(S::Present, "f", "fast-forward the running step (dry-run)")),
    bind(X::Present, W::Always, &[c('v')], Action::RetryChecks,
        line(S::Present, "v", "retry the step's checks")),
    bind(X::Present, W::Always, &[k(KeyCode::Esc)], Action::Back,
        line(S::Present, "Esc", "back to the lesson list")),
    // Everywhere
    bind(X::Screens, W::Always, &[c('?')], Action::ToggleHelp,
        line(S::Everywhere, "?", "show or hide this help (↑ ↓ scroll it)")),
    bind(X::Screens, W::Always, &[c('q')], Action::Quit,
        line(S::Everywhere, "q", "quit (asks first while a step runs)")),
    // While a step runs, the first Ctrl-C stops the step, as in a shell.
    bind(X::Anywhere, W::Stoppable, &[Key::Ctrl('c')], Action::CancelExecution, Unlisted),
    bind(X::Anywhere, W::Always, &[Key::Ctrl('c')], Action::ForceQuit,
        line(S::Everywhere, "Ctrl-C", "quit now (first stops a step)")),
    // Esc only ever goes back; stopping a step has keys of its own.
    bind(X::Screens, W::Stoppable, &[c('K')], Action::CancelExecution,
        line(S::Everywhere, "K", "stop the running step (billable or long: asks)")),
    bind(X::Screens, W::Always, &[c('R')], Action::AskResetAll,
        line(S::Everywhere, "R", "reset all progress (asks first)")),
    bind(X::Screens, W::Always, &[c('x')], Action::DismissWarning,
        line(S::Everywhere, "x  f", "dismiss a warning / stop port-forwards")),
    bind(X::Screens, W::Always, &[c('f')], Action::StopForwards, WithAbove),
    bind(X::Screens, W::Always, &[c('w')], Action::ToggleWorld,
        line(S::Everywhere, "w  W", "use the dry-run world from your shell / reset it")),
    bind(X::Screens, W::Always, &[c('W')], Action::AskResetWorld, WithAbove),
    // Lesson list
    bind(X::List, W::Always, &[k(KeyCode::Up), c('k')], Action::Up,
        line(S::List, "↑ ↓  j k", "choose a lesson")),
    bind(X::List, W::Always, &[k(KeyCode::Down), c('j')], Action::Down, WithAbove),
    bind(X::List, W::Always, &[k(KeyCode::Home), c('g')], Action::Top,
        line(S::List, "Home End  g G", "first / last lesson")),
    bind(X::List, W::Always, &[k(KeyCode::End), c('G')], Action::Bottom, WithAbove),
    bind(X::List, W::Always, &[k(KeyCode::Enter), k(KeyCode::Right), c('l')], Action::Open,
        line(S::List, "Enter  → l", "open the lesson")),
    bind(X::List, W::Always, &[c('r')], Action::AskResetLesson,
        line(S::List, "r", "reset the chosen lesson (asks first)")),
    bind(X::List, W::Always, &[k(KeyCode::PageUp)], Action::PageUp, Unlisted),
    bind(X::List, W::Always, &[k(KeyCode::PageDown)], Action::PageDown, Unlisted),
    // Reading a lesson
    bind(X::Reader, W::Always, &[k(KeyCode::Up), c('k')], Action::Up,
        line(S::Reader, "↑ ↓  j k  wheel", "scroll a line")),
    bind(X::Reader, W::Always, &[k(KeyCode::Down), c('j')], Action::Down, WithAbove),
    bind(X::Reader, W::Always, &[k(KeyCode::PageUp), c('b')], Action::PageUp,
        line(S::Reader, "PgUp PgDn  Space b", "scroll a page")),
    bind(X::Reader, W::Always, &[k(KeyCode::PageDown), c(' ')], Action::PageDown, WithAbove),
    bind(X::Reader, W::Always, &[k(KeyCode::Home), c('g')], Action::Top,
        line(S::Reader, "Home End  g G", "top / bottom")),
    bind(X::Reader, W::Always, &[k(KeyCode::End), c('G')], Action::Bottom, WithAbove),
    bind(X::Reader, W::Always, &[k(KeyCode::Tab)], Action::NextStep,
        line(S::Reader, "Tab S-Tab  n p", "next / previous step")),
    bind(X::Reader, W::Always, &[k(KeyCode::BackTab), c('p')], Action::PrevStep, WithAbove),
    bind(X::Reader, W::NotSearching, &[c('n')], Action::NextStep, WithAbove),
    bind(X::Reader, W::NotSearching, &[c('N')], Action::PrevStep, Unlisted),
    bind(X::Reader, W::Always, &[c('/')], Action::StartSearch,
        line(S::Reader, "/", "search in this lesson")),
    bind(X::Reader, W::Always, &[k(KeyCode::Enter)], Action::ExecuteStep,
        line(S::Reader, "Enter", "run the selected step")),
    bind(X::Reader, W::Always, &[c('v')], Action::RetryChecks,
        line(S::Reader, "v", "retry the selected step's checks")),
    bind(X::Reader, W::Always, &[c('o')], Action::ToggleOutput,
        line(S::Reader, "o  O", "focus the output pane / hide it")),
    bind(X::Reader, W::Always, &[c('O')], Action::HideOutput, WithAbove),
    // The pane's own title says "o back to the lesson"; Esc does it too.
    bind(X::Reader, W::InPane, &[k(KeyCode::Esc)], Action::ToggleOutput, Unlisted),
    bind(X::Reader, W::Always, &[c('c')], Action::MarkCompleted,
        line(S::Reader, "c", "mark the lesson completed")),
    bind(X::Reader, W::Always, &[c('r')], Action::AskResetLesson,
        line(S::Reader, "r", "reset this lesson (asks first)")),
    bind(X::Reader, W::Always, &[c('s')], Action::ToggleNotes,
        line(S::Reader, "s", "show or hide speaker notes")),
    bind(X::Reader, W::NotSearching, &[k(KeyCode::Esc)], Action::Back,
        line(S::Reader, "Esc  ← h", "back to the lesson list")),
    bind(X::Reader, W::Always, &[k(KeyCode::Left), c('h')], Action::Back, WithAbove),
    // In the output pane
    Row::Note(HelpLine {
        section: S::Output,
        keys: "↑ ↓ PgUp PgDn / n N",
        text: "scroll, search its lines",
    }),
    // While a search is active. Any other character typed into the prompt
    // goes into the query (see `action_for_key`).
    bind(X::Prompt, W::Always, &[k(KeyCode::Enter)], Action::PromptSubmit,
        line(S::Search, "Enter", "search for the typed text")),
    bind(X::Reader, W::Searching, &[c('n')], Action::NextMatch,
        line(S::Search, "n  N", "next / previous match (Tab still moves by step)")),
    bind(X::Reader, W::Searching, &[c('N')], Action::PrevMatch, WithAbove),
    bind(X::Prompt, W::Always, &[k(KeyCode::Esc)], Action::PromptCancel,
        line(S::Search, "Esc", "cancel the prompt, then clear the search")),
    bind(X::Reader, W::Searching, &[k(KeyCode::Esc)], Action::ClearSearch, WithAbove),
    bind(X::Prompt, W::Always, &[k(KeyCode::Backspace)], Action::PromptBackspace, Unlisted),
    // The windows say their own keys.
    bind(X::HelpWindow, W::Always, &[k(KeyCode::Up), c('k')], Action::Up, Unlisted),
    bind(X::HelpWindow, W::Always, &[k(KeyCode::Down), c('j')], Action::Down, Unlisted),
    bind(X::HelpWindow, W::Always, &[k(KeyCode::PageUp)], Action::PageUp, Unlisted),
    bind(X::HelpWindow, W::Always, &[k(KeyCode::PageDown), c(' ')], Action::PageDown, Unlisted),
    bind(X::HelpWindow, W::Always, &[k(KeyCode::Esc), c('?'), c('q'), k(KeyCode::Enter)],
        Action::CloseOverlay, Unlisted),
    bind(X::WorldWindow, W::Always, &[k(KeyCode::Esc), c('w'), c('q'), k(KeyCode::Enter)],
        Action::CloseOverlay, Unlisted),
    bind(X::WorldWindow, W::Always, &[c('?')], Action::ToggleHelp, Unlisted),
    // Enter says yes only where the window says so (running a step);
    // never to a reset or to quitting.
    bind(X::ConfirmWindow, W::Always, &[c('y'), c('Y')], Action::ConfirmYes, Unlisted),
    bind(X::ConfirmWindow, W::EnterConfirms, &[k(KeyCode::Enter)], Action::ConfirmYes, Unlisted),
    bind(X::ConfirmWindow, W::Always, &[c('n'), c('N'), k(KeyCode::Esc)], Action::ConfirmNo,
        Unlisted),
    bind(X::ConfirmWindow, W::AskingCleanup, &[c('l'), c('L')], Action::QuitLeaving, Unlisted),
];
