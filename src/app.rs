//! Top-level dispatch from the parsed command line to the subsystems.

use std::process::ExitCode;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => anyhow::bail!("the terminal UI is not built yet"),
        Some(Command::Lessons(_args)) => anyhow::bail!("lessons: not built yet"),
        Some(Command::Sim(args)) => crate::sim_command::run(&args),
    }
}
