//! `trinetes doctor`: the doctor's table for the chosen backend.

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::GlobalArgs;
use crate::doctor::{self, Target};
use crate::lesson::Profile;
use crate::progress;

pub fn run(global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let profile = Profile::builtin(&global.profile)?;
    let target = target(global, &profile)?;
    let state_dir = progress::state_dir()?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let report = runtime.block_on(doctor::diagnose(&target, &[], &state_dir));
    let on = match &target.context {
        Some(ctx) => format!("{} ({ctx})", target.backend),
        None => target.backend.clone(),
    };
    println!("What the {on} backend needs (profile {}):\n", profile.name);
    print!("{}", report.render());
    if report.ready() {
        println!("\nReady.");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("\nNot ready: fix the rows marked ✘ above.");
        Ok(ExitCode::FAILURE)
    }
}

/// The doctor's target from `--backend` and the profile.
pub fn target(global: &GlobalArgs, profile: &Profile) -> anyhow::Result<Target> {
    let (backend, context) = match global.backend.split_once('=') {
        Some((b, c)) => (b.to_string(), Some(c.to_string())),
        None => (global.backend.clone(), None),
    };
    if !["dry-run", "live", "context"].contains(&backend.as_str()) {
        anyhow::bail!(
            "unknown backend {:?}; choose dry-run, live or context[=NAME]",
            global.backend
        );
    }
    Ok(Target::for_profile(&backend, context, profile.vars())
        .in_namespace(global.namespace.clone()))
}
