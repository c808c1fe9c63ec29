//! Every key: where it works, when, what it does, and how the `?` window lists
//! it. Key handling and the help window both read `KEYMAP` (in `table.rs`),
//! so adding a key is one row there.
//!
//! The help texts live here rather than in `strings.rs`: a key and its
//! description are one fact, and splitting them is how they drifted apart.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};

use crate::tui::action::Action;
use crate::tui::screens::overlay::{Confirm, Overlay};
use crate::tui::state::{App, Screen};

mod table;

pub use table::KEYMAP;

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
    /// The presentation (`--present`) of a lesson, with no window or
    /// prompt open.
    Present,
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
    /// The open question says Enter answers it (running a billable step).
    EnterConfirms,
    /// The question on quitting with live resources, not yet answered
    /// (or answered and something survived).
    AskingCleanup,
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
    Present,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Everywhere,
        Section::List,
        Section::Reader,
        Section::Output,
        Section::Search,
        Section::Present,
    ];

    pub fn heading(self) -> &'static str {
        match self {
            Section::Everywhere => "Everywhere",
            Section::List => "Lesson list",
            Section::Reader => "Reading a lesson",
            Section::Output => "In the output pane (after o)",
            Section::Search => "While a search is active",
            Section::Present => "Presenting (--present)",
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
            Context::Reader => open && app.screen == Screen::Reader && app.present.is_none(),
            Context::Present => open && app.screen == Screen::Reader && app.present.is_some(),
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
            When::AskingCleanup => {
                app.overlay == Some(Overlay::Confirm(Confirm::QuitCleanup))
                    && !app.quit_cleanup.running
            }
            When::EnterConfirms => matches!(
                app.overlay,
                Some(Overlay::Confirm(
                    Confirm::ExecuteStep(..) | Confirm::Doctor(..)
                ))
            ),
        }
    }
}

pub fn action_for_event(app: &App, event: &Event) -> Option<Action> {
    if app.too_small() {
        return too_small_action(app, event);
    }
    match event {
        Event::Key(key)
            if key.kind != KeyEventKind::Release
                && crate::tui::execution::billable::typed_confirmation(app).is_some() =>
        {
            typed_confirmation_key(app, key)
        }
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

/// Keys while a question wants a name typed: letters type, Backspace
/// takes one back, Enter answers (only the exact name is a yes), Esc
/// cancels; Ctrl-C keeps its meaning.
fn typed_confirmation_key(app: &App, key: &crossterm::event::KeyEvent) -> Option<Action> {
    if Key::Ctrl('c').matches(key) {
        return action_for_key(app, key);
    }
    match key.code {
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            Some(Action::PromptInput(c))
        }
        KeyCode::Backspace => Some(Action::PromptBackspace),
        KeyCode::Enter => Some(Action::ConfirmYes),
        KeyCode::Esc => Some(Action::ConfirmNo),
        _ => None,
    }
}

/// While the terminal is too small to show anything but the notice, only
/// q and Ctrl-C act (and a resize), and y / n answer "quit anyway?", which
/// the notice then shows.
fn too_small_action(app: &App, event: &Event) -> Option<Action> {
    let asking_quit = app.overlay == Some(Overlay::Confirm(Confirm::Quit));
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            let plain = key.modifiers.is_empty() || key.modifiers == KeyModifiers::SHIFT;
            match key.code {
                _ if Key::Ctrl('c').matches(key) => action_for_key(app, key),
                KeyCode::Char('y' | 'Y') if asking_quit && plain => Some(Action::ConfirmYes),
                KeyCode::Char('n' | 'N') | KeyCode::Esc if asking_quit && plain => {
                    Some(Action::ConfirmNo)
                }
                KeyCode::Char('q') if key.modifiers.is_empty() => Some(Action::Quit),
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

/// The help window's lines in the reader, section by section.
pub fn help_lines() -> Vec<HelpLine> {
    help_lines_for(false)
}

/// The help window's lines, section by section: in the presentation its
/// own keys take the place of the reader's.
pub fn help_lines_for(presenting: bool) -> Vec<HelpLine> {
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
    let shown = |s: &Section| match s {
        Section::Reader | Section::Output | Section::Search => !presenting,
        Section::Present => presenting,
        Section::Everywhere | Section::List => true,
    };
    Section::ALL
        .iter()
        .filter(|s| shown(s))
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
            || (a == Context::Screens
                && matches!(b, Context::List | Context::Reader | Context::Present))
    }

    /// Whether `a` holds whenever `b` does.
    fn implied(a: When, b: When) -> bool {
        a == b || a == When::Always || (a == When::NotSearching && b == When::InPane)
    }

    /// Catches a row that can never fire because an earlier one always takes
    /// its key; an earlier row that takes it only sometimes is what `When`
    /// is for.
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
        let sections = |presenting| {
            let mut s: Vec<Section> = help_lines_for(presenting)
                .iter()
                .map(|l| l.section)
                .collect();
            s.dedup();
            s
        };
        let mut both = sections(false);
        assert!(!both.contains(&Section::Present));
        let presenting = sections(true);
        assert_eq!(
            presenting,
            [Section::Everywhere, Section::List, Section::Present]
        );
        both.push(Section::Present);
        assert_eq!(both, Section::ALL.to_vec());
    }
}
