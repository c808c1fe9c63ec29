//! trinetes: an interactive terminal tutorial for Trino on Kubernetes.
//!
//! Layers, arrows pointing down only: `app`/`cli` -> `tui` -> `runner` ->
//! `lesson`, `check`, `backend` -> `sim`. `sim` knows nothing above it.

pub mod app;
pub mod cli;
pub mod lesson;
pub mod sim;
pub mod sim_command;
