//! trinetes: an interactive terminal tutorial for Trino on Kubernetes.
//!
//! Layers, arrows pointing down only: `app`/`cli` -> `tui` -> `execute` ->
//! `lesson`, `check`, `backend` -> `sim`. `sim` knows nothing above it.

pub mod app;
pub mod aws;
pub mod backend;
pub mod check;
pub mod cleanup;
pub mod cli;
pub mod commands;
pub mod cost;
pub mod doctor;
pub mod execute;
pub mod export;
pub mod files;
pub mod ledger;
pub mod lesson;
pub mod present;
pub mod progress;
pub mod record;
pub mod redact;
pub mod replay;
pub mod sim;
pub mod sim_command;
pub mod tls;
pub mod tui;
