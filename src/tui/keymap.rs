//! Every key: where it works, when, what it does, and how the `?` window lists
//! it. Key handling and the help window both read `KEYMAP`, so adding a key is
//! one row there.
//!
//! The help texts live here rather than in `strings.rs`: a key and its
//! description are one fact, and splitting them is how they drifted apart.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};

use crate::tui::action::Action;
use crate::tui::screens::overlay::Overlay;
use crate::tui::state::{App, Screen};

/// Where a row's keys work. A window or the search prompt takes every key
/// while it is open; `Anywhere` rows work even then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Every state, windows and prompt included.
    Anywhere,
    /// The search prompt, while it is open.
    Prompt,
    HelpWindow,
    WorldWindow,
    ConfirmWindow,
    /// The lesson list and the reader, with no window or prompt open.
    Screens,
    List,
    Reader,
}

/// A condition on the rest of the state, for keys whose meaning changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// A step runs (`App::executing`).
    Executing,
    /// A step runs and has not been asked to stop yet.
    Stoppable,
    /// The part with the keys (the lesson, or the output pane) has a search.
    Searching,
    NotSearching,
    /// The output pane has the keys, and no search of its own to clear.
    InPane,
}

/// A key as a row names it. Modifiers are ignored except for `Ctrl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Code(KeyCode),
    /// Control and a letter, either case.
    Ctrl(char),
}

/// The headings of the help window, in the order it shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Everywhere,
    List,
    Reader,
    Output,
    Search,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Everywhere,
        Section::List,
        Section::Reader,
        Section::Output,
        Section::Search,
    ];

    pub fn heading(self) -> &'static str {
        match self {
            Section::Everywhere => "Everywhere",
            Section::List => "Lesson list",
            Section::Reader => "Reading a lesson",
            Section::Output => "In the output pane (after o)",
            Section::Search => "While a search is active",
        }
    }
}

/// One line of the help window: the keys as shown, and what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpLine {
    pub section: Section,
    pub keys: &'static str,
    pub text: &'static str,
}

/// How the help window shows a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Help {
    Line(HelpLine),
    /// Its keys are in the help line of the row above (`↑ ↓` share one line).
    WithAbove,
    /// Not in the help window; the window it works in says it, or another
    /// line covers it.
    Unlisted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub context: Context,
    pub when: When,
    pub keys: &'static [Key],
    pub action: Action,
    pub help: Help,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Bind(Binding),
    /// A help line for keys that other rows bind: while the output pane has
    /// the keys, `update` applies the reader's scroll and search actions to it.
    Note(HelpLine),
}

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

use Context as X;
use Help::{Unlisted, WithAbove};
use Section as S;
use When as W;

/// The first row whose context is active, whose condition holds and that
/// names the key wins, as in a `match`. The help window lists the rows'
/// lines by section, in this order.
#[rustfmt::skip]
pub const KEYMAP: &[Row] = &[
    // Everywhere
    bind(X::Screens, W::Always, &[c('?')], Action::ToggleHelp,
        line(S::Everywhere, "?", "show or hide this help (↑ ↓ scroll it)")),
    bind(X::Screens, W::Always, &[c('q')], Action::Quit,
        line(S::Everywhere, "q", "quit (asks first while a step runs)")),
    // While a step runs, the first Ctrl-C stops the step, as in a shell.
    bind(X::Anywhere, W::Stoppable, &[Key::Ctrl('c')], Action::CancelExecution, Unlisted),
    bind(X::Anywhere, W::Always, &[Key::Ctrl('c')], Action::ForceQuit,
        line(S::Everywhere, "Ctrl-C", "quit now (first stops a step)")),
    bind(X::Screens, W::Always, &[c('R')], Action::AskResetAll,
        line(S::Everywhere, "R", "reset all progress (asks first)")),
    bind(X::Screens, W::Always, &[c('x')], Action::DismissWarning,
        line(S::Everywhere, "x", "dismiss a warning")),
    bind(X::Screens, W::Always, &[c('w')], Action::ToggleWorld,
        line(S::Everywhere, "w", "use the dry-run world from your shell")),
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
    bind(X::Reader, W::Executing, &[k(KeyCode::Esc)], Action::CancelExecution,
        line(S::Reader, "Esc  Ctrl-C", "stop the running step")),
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
    bind(X::ConfirmWindow, W::Always, &[c('y'), c('Y'), k(KeyCode::Enter)], Action::ConfirmYes,
        Unlisted),
    bind(X::ConfirmWindow, W::Always, &[c('n'), c('N'), k(KeyCode::Esc)], Action::ConfirmNo,
        Unlisted),
];

/// Lines the mouse wheel scrolls the reader by, per notch.
const WHEEL_LINES: i32 = 3;

impl Key {
    pub fn matches(self, key: &KeyEvent) -> bool {
        match self {
            Key::Code(code) => key.code == code,
            Key::Ctrl(ch) => {
                key.modifiers.contains(KeyModifiers::CONTROL)
                    && matches!(key.code, KeyCode::Char(c) if c.eq_ignore_ascii_case(&ch))
            }
        }
    }
}

impl Context {
    fn active(self, app: &App) -> bool {
        let open = app.prompt.is_none() && app.overlay.is_none();
        match self {
            Context::Anywhere => true,
            Context::Prompt => app.prompt.is_some(),
            Context::HelpWindow => app.prompt.is_none() && app.overlay == Some(Overlay::Help),
            Context::WorldWindow => app.prompt.is_none() && app.overlay == Some(Overlay::World),
            Context::ConfirmWindow => {
                app.prompt.is_none() && matches!(app.overlay, Some(Overlay::Confirm(_)))
            }
            Context::Screens => open,
            Context::List => open && app.screen == Screen::List,
            Context::Reader => open && app.screen == Screen::Reader,
        }
    }
}

impl When {
    fn holds(self, app: &App) -> bool {
        let in_pane = app.output.focused;
        let searching = if in_pane {
            app.output.search.is_some()
        } else {
            app.reader.as_ref().is_some_and(|r| r.search.is_some())
        };
        match self {
            When::Always => true,
            When::Executing => app.executing,
            When::Stoppable => app
                .execution
                .as_ref()
                .is_some_and(|e| e.is_executing() && !e.cancel.is_cancelled()),
            When::Searching => searching,
            When::NotSearching => !searching,
            When::InPane => in_pane && !searching,
        }
    }
}

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
    let bound = bindings().find(|b| {
        b.context.active(app) && b.when.holds(app) && b.keys.iter().any(|k| k.matches(key))
    });
    if let Some(binding) = bound {
        return Some(binding.action.clone());
    }
    match key.code {
        KeyCode::Char(c)
            if app.prompt.is_some() && !key.modifiers.contains(KeyModifiers::CONTROL) =>
        {
            Some(Action::PromptInput(c))
        }
        _ => None,
    }
}

fn bindings() -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter_map(|row| match row {
        Row::Bind(b) => Some(b),
        Row::Note(_) => None,
    })
}

/// The help window's lines, section by section.
pub fn help_lines() -> Vec<HelpLine> {
    let listed: Vec<HelpLine> = KEYMAP
        .iter()
        .filter_map(|row| match row {
            Row::Bind(Binding {
                help: Help::Line(line),
                ..
            })
            | Row::Note(line) => Some(*line),
            Row::Bind(_) => None,
        })
        .collect();
    Section::ALL
        .iter()
        .flat_map(|s| listed.iter().filter(move |l| l.section == *s).copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How a help line names a key.
    fn label(key: Key) -> String {
        match key {
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Code(code) => match code {
                KeyCode::Up => "↑".into(),
                KeyCode::Down => "↓".into(),
                KeyCode::Left => "←".into(),
                KeyCode::Right => "→".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::PageDown => "PgDn".into(),
                KeyCode::BackTab => "S-Tab".into(),
                KeyCode::Home => "Home".into(),
                KeyCode::End => "End".into(),
                KeyCode::Tab => "Tab".into(),
                KeyCode::Enter => "Enter".into(),
                KeyCode::Esc => "Esc".into(),
                KeyCode::Backspace => "Backspace".into(),
                KeyCode::Char(' ') => "Space".into(),
                KeyCode::Char(c) => c.to_string(),
                other => format!("{other:?}"),
            },
        }
    }

    #[test]
    fn every_listed_key_is_named_in_its_help_line() {
        let mut current: Option<HelpLine> = None;
        for binding in bindings() {
            match binding.help {
                Help::Line(line) => current = Some(line),
                Help::WithAbove => {}
                Help::Unlisted => {
                    current = None;
                    continue;
                }
            }
            let line = current.expect("a WithAbove row follows a row with a help line");
            let words: Vec<&str> = line.keys.split_whitespace().collect();
            for key in binding.keys {
                let name = label(*key);
                assert!(
                    words.contains(&name.as_str()),
                    "{name} ({:?}) is missing from the help line {:?}",
                    binding.action,
                    line.keys
                );
            }
        }
    }

    /// Whether `a` is active whenever `b` is.
    fn covers(a: Context, b: Context) -> bool {
        a == b
            || a == Context::Anywhere
            || (a == Context::Screens && matches!(b, Context::List | Context::Reader))
    }

    /// Whether `a` holds whenever `b` does.
    fn implied(a: When, b: When) -> bool {
        a == b || a == When::Always || (a == When::NotSearching && b == When::InPane)
    }

    #[test]
    fn no_key_of_a_row_is_taken_by_an_earlier_row() {
        let rows: Vec<&Binding> = bindings().collect();
        for (i, later) in rows.iter().enumerate() {
            for key in later.keys {
                let shadow = rows[..i].iter().find(|earlier| {
                    covers(earlier.context, later.context)
                        && implied(earlier.when, later.when)
                        && earlier.keys.contains(key)
                });
                assert!(
                    shadow.is_none(),
                    "{key:?} for {:?} never reaches it: {:?} takes it first",
                    later.action,
                    shadow.map(|s| &s.action)
                );
            }
        }
    }

    #[test]
    fn the_help_shows_each_section_once_in_order() {
        let lines = help_lines();
        let mut sections: Vec<Section> = lines.iter().map(|l| l.section).collect();
        sections.dedup();
        assert_eq!(sections, Section::ALL.to_vec());
    }
}
