//! Every user-facing string of the TUI, in one place so it can be translated.

pub const APP_NAME: &str = "trinetes";
pub const LIST_TITLE: &str = "Lessons";
pub const LIST_EMPTY: &str = "No lessons found.";
pub const STEP: &str = "step";
pub const STEP_EPISODE_TYPED: &str = "The episode typed:";
pub const STEP_CHECKS: &str = "Then checks that:";
pub const BADGE_BILLABLE: &str = "billable";
pub const BADGE_INTERACTIVE: &str = "interactive";
pub const BADGE_BACKGROUND: &str = "runs in background";
pub const BADGE_SKIPPED_ON: &str = "skipped on";
pub const MARK_NOT_STARTED: &str = "○";
pub const MARK_OPENED: &str = "◐";
pub const MARK_COMPLETED: &str = "●";
pub const STATUS_NOT_STARTED: &str = "not started";
pub const STATUS_OPENED: &str = "opened";
pub const STATUS_COMPLETED: &str = "completed";
pub const MINUTES: &str = "min";
pub const NO_STEP: &str = "no step";
pub const BACKEND: &str = "backend";
pub const PROFILE: &str = "profile";
pub const HELP_HINT: &str = "? help";
pub const HELP_TITLE: &str = " Keys ";
pub const HELP_CLOSE: &str = "Esc or ? closes this window";
pub const NOTES_TITLE: &str = " Speaker notes ";
pub const NOTES_NONE: &str = "This lesson has no speaker notes.";
pub const SEARCH_PROMPT: &str = "/";
pub const SEARCH_NO_MATCH: &str = "no match for";
pub const SEARCH_MATCH: &str = "match";
pub const WARNING_DISMISS: &str = "(x dismisses)";
pub const CONFIRM_TITLE: &str = " Confirm ";
pub const CONFIRM_KEYS: &str = "y: yes    n / Esc: no";
pub const CONFIRM_QUIT_BUSY: &str = "A step is still running. Quit anyway?";
pub const CONFIRM_RESET_ALL: &str = "Forget the progress of every lesson?";
pub const COMPLETED_NOTICE: &str = "Marked as completed:";

pub fn confirm_reset_lesson(title: &str) -> String {
    format!("Forget the progress of \"{title}\"?")
}

pub fn too_small(need_w: u16, need_h: u16, have_w: u16, have_h: u16) -> String {
    format!("too small (need {need_w}×{need_h}, have {have_w}×{have_h})")
}

pub fn needs_backends(current: &str, needed: &str) -> String {
    format!("Written for {needed}; on {current} its steps may be skipped.")
}

pub fn step_count(n: usize) -> String {
    if n == 1 {
        "1 step".to_string()
    } else {
        format!("{n} steps")
    }
}

pub fn step_position(current: usize, total: usize) -> String {
    format!("{STEP} {current}/{total}")
}

pub fn panic_message(log_path: &str) -> String {
    format!("trinetes crashed; the terminal was restored. The log is at {log_path}")
}

/// Where a key works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyScope {
    Everywhere,
    List,
    Reader,
    Search,
}

impl KeyScope {
    pub fn heading(self) -> &'static str {
        match self {
            KeyScope::Everywhere => "Everywhere",
            KeyScope::List => "Lesson list",
            KeyScope::Reader => "Reading a lesson",
            KeyScope::Search => "While a search is active",
        }
    }
}

/// Every key, for the help overlay. The key handling in `keys.rs` follows
/// this table; a test checks the two agree.
pub const KEYS: &[(KeyScope, &str, &str)] = &[
    (
        KeyScope::Everywhere,
        "?",
        "show or hide this help (↑ ↓ scroll it)",
    ),
    (
        KeyScope::Everywhere,
        "q",
        "quit (asks first while a step runs)",
    ),
    (KeyScope::Everywhere, "Ctrl-C", "quit now"),
    (KeyScope::Everywhere, "R", "reset all progress (asks first)"),
    (KeyScope::Everywhere, "x", "dismiss a warning"),
    (KeyScope::List, "↑ ↓  j k", "choose a lesson"),
    (KeyScope::List, "Home End  g G", "first / last lesson"),
    (KeyScope::List, "Enter  → l", "open the lesson"),
    (KeyScope::List, "r", "reset the chosen lesson (asks first)"),
    (KeyScope::Reader, "↑ ↓  j k  wheel", "scroll a line"),
    (KeyScope::Reader, "PgUp PgDn  Space b", "scroll a page"),
    (KeyScope::Reader, "Home End  g G", "top / bottom"),
    (KeyScope::Reader, "Tab  Shift-Tab", "next / previous step"),
    (KeyScope::Reader, "n  p", "next / previous step"),
    (KeyScope::Reader, "/", "search in this lesson"),
    (KeyScope::Reader, "c", "mark the lesson completed"),
    (KeyScope::Reader, "r", "reset this lesson (asks first)"),
    (KeyScope::Reader, "s", "show or hide speaker notes"),
    (KeyScope::Reader, "Esc  ← h", "back to the lesson list"),
    (KeyScope::Search, "Enter", "search for the typed text"),
    (
        KeyScope::Search,
        "n  N",
        "next / previous match (Tab still moves by step)",
    ),
    (
        KeyScope::Search,
        "Esc",
        "cancel the prompt, then clear the search",
    ),
];
