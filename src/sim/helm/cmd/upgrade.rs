//! `helm upgrade [RELEASE] [CHART]`.

use clap::{ArgMatches, Args};

use super::{Arity, ChartFlags, HelmCommand, UsageError, WaitFlags, require};

const USAGE: &str = "helm upgrade [RELEASE] [CHART] [flags]";

/// upgrade a release
#[derive(Debug, Args)]
#[command(override_usage = USAGE)]
pub struct Upgrade {
    #[command(flatten)]
    chart: ChartFlags,
    #[command(flatten)]
    wait: WaitFlags,
    /// if a release by this name doesn't already exist, run an install
    #[arg(short = 'i', long)]
    install: bool,
    /// when upgrading, reuse the last release's values and merge in any overrides from the command line via --set and -f
    #[arg(long = "reuse-values")]
    reuse_values: bool,
    /// when upgrading, reset the values to the ones built into the chart
    #[arg(long = "reset-values")]
    reset_values: bool,
    /// if --install is set, create the release namespace if not present
    #[arg(long = "create-namespace")]
    create_namespace: bool,
    #[arg(hide = true)]
    args: Vec<String>,
}

impl Upgrade {
    pub(super) fn command(self, matches: &ArgMatches) -> Result<HelmCommand, UsageError> {
        require(&self.args, Arity::Exactly(2), USAGE)?;
        Ok(HelmCommand::Upgrade {
            release: self.args[0].clone(),
            chart: self.args[1].clone(),
            options: self.chart.options(matches),
            install: self.install,
            reuse_values: self.reuse_values,
            reset_values: self.reset_values,
            create_namespace: self.create_namespace,
            wait: self.wait.wait()?,
        })
    }
}
