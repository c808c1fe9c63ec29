//! The TUI's state, update and frames on a TestBackend, without a terminal.

#[path = "../support/mod.rs"]
mod support;

mod app;
mod build_up;
mod cost_guard;
mod exec;
mod fallback;
mod forwards;
mod frames;
mod honest;
mod markdown;
mod notes_present;
mod present;
mod quit_cleanup;
mod replay;
mod running;
mod step_box;
mod world;
mod wrapping;
