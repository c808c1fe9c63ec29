//! The dry-run world as a whole: eksctl runs, the Trino pods and their HTTP, `trinetes sim`.

#[path = "../support/mod.rs"]
mod support;

mod ages;
mod eksctl;
mod kept;
mod pace_times;
mod sim_cli;
mod trino_http;
mod trino_startup;
