//! `helm show values|chart` (also `helm inspect`).

use clap::{ArgMatches, Args, Subcommand};

use super::{Arity, HelmCommand, UsageError, refused, require};

const VALUES_USAGE: &str = "helm show values [CHART] [flags]";
const CHART_USAGE: &str = "helm show chart [CHART] [flags]";

/// show information of a chart
#[derive(Debug, Args)]
#[command(arg_required_else_help = true)]
pub struct Show {
    #[command(subcommand)]
    what: Option<What>,
}

#[derive(Debug, Subcommand)]
enum What {
    /// show the chart's values
    #[command(override_usage = VALUES_USAGE)]
    Values(ChartRef),
    /// show the chart's definition
    #[command(override_usage = CHART_USAGE)]
    Chart(ChartRef),
}

#[derive(Debug, Args)]
struct ChartRef {
    /// specify a version constraint for the chart version to use
    #[arg(long)]
    version: Option<String>,
    #[arg(hide = true)]
    args: Vec<String>,
}

impl Show {
    pub(super) fn command(self, _matches: &ArgMatches) -> Result<HelmCommand, UsageError> {
        match self.what {
            None => Err(refused(
                "trinetes' simulated helm shows a chart's values or its definition: helm show values|chart [CHART]",
            )),
            Some(What::Values(r)) => {
                require(&r.args, Arity::Exactly(1), VALUES_USAGE)?;
                Ok(HelmCommand::ShowValues {
                    chart: r.args[0].clone(),
                    version: r.version,
                })
            }
            Some(What::Chart(r)) => {
                require(&r.args, Arity::Exactly(1), CHART_USAGE)?;
                Ok(HelmCommand::ShowChart {
                    chart: r.args[0].clone(),
                    version: r.version,
                })
            }
        }
    }
}
