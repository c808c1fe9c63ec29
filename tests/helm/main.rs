//! The simulated helm: the Trino charts, its command line, installs and upgrades seen through kubectl.
//! And the real helm 3 installing the real Trino charts into the dry-run world
//! through the context backend (`real_chart`).

#[path = "../support/mod.rs"]
mod support;

mod charts;
mod cli;
mod install_e2e;
mod kubectl;
mod real_chart;
mod upgrade;
