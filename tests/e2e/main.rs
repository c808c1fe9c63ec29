//! The real binary in tmux: keys in with send-keys, the screen out with capture-pane.

#[path = "../support/mod.rs"]
mod support;

mod exec_tty;
mod kept_world;
mod notes_present;
mod notes_window;
mod present;
mod progress_shared;
mod record_replay;
mod replay;
mod tmux;
mod tmux_run;
