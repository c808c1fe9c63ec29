//! Headless subcommands, one file each; `app.rs` dispatches to them.

pub mod lessons;
