//! The one owner of the terminal: raw mode, the alternate screen and mouse
//! capture go on when it is created and come off when it drops, and a panic
//! hook takes them off before the panic message prints.

use std::io::{Stdout, Write, stdout};
use std::path::PathBuf;
use std::sync::Once;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::tui::TuiError;
use crate::tui::strings;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Owns the terminal while the TUI runs.
pub struct TerminalOwner {
    pub terminal: Term,
}

impl TerminalOwner {
    /// Takes over the terminal. `log_path` is printed if the program panics.
    pub fn acquire(log_path: PathBuf) -> Result<Self, TuiError> {
        install_panic_hook(log_path);
        enable_raw_mode().map_err(TuiError::Terminal)?;
        let mut out = stdout();
        if let Err(e) = execute!(out, EnterAlternateScreen, EnableMouseCapture) {
            restore();
            return Err(TuiError::Terminal(e));
        }
        match Terminal::new(CrosstermBackend::new(out)) {
            Ok(mut terminal) => {
                let _ = terminal.hide_cursor();
                Ok(TerminalOwner { terminal })
            }
            Err(e) => {
                restore();
                Err(TuiError::Terminal(e))
            }
        }
    }
}

impl Drop for TerminalOwner {
    fn drop(&mut self) {
        let _ = self.terminal.show_cursor();
        restore();
    }
}

/// Puts the terminal back. Safe to call more than once.
pub fn restore() {
    let mut out = stdout();
    let _ = execute!(out, DisableMouseCapture, LeaveAlternateScreen);
    let _ = disable_raw_mode();
    let _ = execute!(out, crossterm::cursor::Show);
    let _ = out.flush();
}

fn install_panic_hook(log_path: PathBuf) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            tracing::error!(%info, "panic");
            previous(info);
            eprintln!(
                "{}",
                strings::panic_message(&log_path.display().to_string())
            );
        }));
    });
}
