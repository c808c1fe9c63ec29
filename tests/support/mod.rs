//! What the integration test binaries share, one module per concern. Each
//! binary (`tests/<area>/main.rs`) includes this folder with `#[path]`, so a
//! helper is written once and every area can use it.
#![allow(dead_code)] // each binary uses a different part

/// The machine's `kubectl` against a simulated API server, bounded in time.
pub mod kubectl;
/// Snapshot assertions through insta, with the filters that mask what varies.
pub mod snapshot;

/// The simulated API server alone on a store with a manual clock, plus seeds.
pub mod apiserver;
/// Running the `trinetes` binary: stdout lines, signals, bounded waits.
pub mod bin;
/// A whole simulated cluster (controllers, API server) on a ticking clock.
pub mod cluster;
/// Controllers on a store with a manual clock, run until a condition holds.
pub mod controllers;
/// The simulated EKS endpoint and `moto_server` as peers for aws-sdk-eks.
pub mod eks;
/// The simulated helm against a store.
pub mod helm;
/// A private tmux server driving the real binary.
pub mod tmux;
/// The TUI's `App` built in code and drawn to a `TestBackend`.
pub mod tui;
