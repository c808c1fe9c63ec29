//! The one owner of the terminal: raw mode, the alternate screen and mouse
//! capture go on when it is created and come off when it drops, and a panic
//! hook takes them off before the panic message prints.

use std::io::{Stdout, Write, stdout};
use std::path::PathBuf;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

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
        TAKEN.store(true, Ordering::SeqCst);
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

impl TerminalOwner {
    /// Gives the terminal to a child process: the normal screen, cooked
    /// mode, no mouse capture.
    pub fn suspend(&mut self) {
        restore();
    }

    /// Takes the terminal back after `suspend` and forces a full redraw.
    pub fn resume(&mut self) -> Result<(), TuiError> {
        enable_raw_mode().map_err(TuiError::Terminal)?;
        TAKEN.store(true, Ordering::SeqCst);
        execute!(stdout(), EnterAlternateScreen, EnableMouseCapture).map_err(TuiError::Terminal)?;
        self.terminal.clear().map_err(TuiError::Terminal)?;
        let _ = self.terminal.hide_cursor();
        Ok(())
    }
}

impl Drop for TerminalOwner {
    fn drop(&mut self) {
        restore();
    }
}

/// Whether the terminal is currently in raw mode / the alternate screen.
static TAKEN: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back. Only the first call after `acquire` acts: leaving
/// the alternate screen twice would move the cursor back over whatever was
/// printed in between (the panic message).
pub fn restore() {
    if !TAKEN.swap(false, Ordering::SeqCst) {
        return;
    }
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
