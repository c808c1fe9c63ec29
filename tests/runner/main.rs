//! Headless runs: the runner, steps in a shell, cancelling, ports, the kubectl fallback, flags.

#[path = "../support/mod.rs"]
mod support;

mod cancel;
mod cli_flags;
mod fallback_rollout;
mod headless;
mod kept_world;
mod kubectl_fallback;
mod lessons_alone;
mod port_taken;
mod record;
mod shell;
mod skipped_step;
mod step_hints;
