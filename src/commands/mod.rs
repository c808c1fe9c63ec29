//! Headless subcommands, one file each; `app.rs` dispatches to them.

pub mod cleanup;
pub mod doctor;
pub mod lessons;
pub mod replay;
pub mod report;
pub mod run;
mod run_print;
