//! `trinetes replay FILE.cast`: plays a recording in the terminal, one step
//! at a time or on its own at a chosen speed (`replay/` holds the player).

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use crate::cli::ReplayArgs;
use crate::replay::{self, Mode, Replay, view};
use crate::tui::terminal::{Term, TerminalOwner};

/// The screen is drawn again at least this often while playing.
const FRAME: Duration = Duration::from_millis(200);

pub fn run(args: &ReplayArgs) -> anyhow::Result<ExitCode> {
    let cast = replay::open(&args.file)?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "replay needs a terminal; to print the recording instead, use `asciinema cat {}`",
            args.file.display()
        );
    }
    let mode = if args.step {
        Mode::Step
    } else {
        Mode::Continuous
    };
    let mut replay = Replay::new(&cast, args.speed, mode);
    let log_path = crate::tui::logging::init(&crate::progress::state_dir()?)?;
    let mut owner = TerminalOwner::acquire(log_path)?;
    end_on_sigterm();
    play(&mut owner.terminal, &mut replay).context("playing the recording")?;
    drop(owner);
    Ok(ExitCode::SUCCESS)
}

/// Draws, waits for a key or the next change, and lets time play, until q.
fn play(terminal: &mut Term, replay: &mut Replay) -> std::io::Result<()> {
    let mut last = Instant::now();
    while !TERMINATED.load(Ordering::SeqCst) {
        let area = terminal.size()?.into();
        replay.scroll = replay.scroll.min(view::scroll_limit(replay, area));
        terminal.draw(|frame| frame.render_widget(&*replay, frame.area()))?;
        let wait = replay.next_change().map_or(FRAME, |d| d.min(FRAME));
        if event::poll(wait)?
            && let Event::Key(key) = event::read()?
            && key.kind == KeyEventKind::Press
        {
            let page = view::page(area).max(1);
            match key.code {
                KeyCode::Char('q') | KeyCode::Esc => return Ok(()),
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    return Ok(());
                }
                KeyCode::Right | KeyCode::Char(' ' | 'n' | 'l') => replay.next(),
                KeyCode::Left | KeyCode::Char('b' | 'h') => replay.previous(),
                KeyCode::Char('p') => replay.toggle_pause(),
                KeyCode::PageUp => replay.scroll_up(page),
                KeyCode::PageDown => replay.scroll_down(page),
                KeyCode::Up | KeyCode::Char('k') => replay.scroll_up(1),
                KeyCode::Down | KeyCode::Char('j') => replay.scroll_down(1),
                _ => {}
            }
        }
        let now = Instant::now();
        replay.tick(now - last);
        last = now;
    }
    Ok(())
}

/// Set by SIGTERM or SIGHUP: the loop ends within a frame and the terminal
/// is given back, as on `q`.
static TERMINATED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_terminate(_: libc::c_int) {
    TERMINATED.store(true, Ordering::SeqCst);
}

fn end_on_sigterm() {
    let handler = on_terminate as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGTERM, handler);
        libc::signal(libc::SIGHUP, handler);
    }
}
