//! The simulated helm: the Trino charts, its command line, installs and upgrades seen through kubectl.

#[path = "../support/mod.rs"]
mod support;

mod charts;
mod cli;
mod install_e2e;
mod kubectl;
mod upgrade;
