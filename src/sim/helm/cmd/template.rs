//! `helm template [NAME] [CHART]`.

use clap::{ArgMatches, Args};

use super::{Arity, ChartFlags, HelmCommand, UsageError, refused, require};

const USAGE: &str = "helm template [NAME] [CHART] [flags]";

/// locally render templates
#[derive(Debug, Args)]
#[command(override_usage = USAGE)]
pub struct Template {
    #[command(flatten)]
    chart: ChartFlags,
    #[arg(hide = true)]
    args: Vec<String>,
}

impl Template {
    pub(super) fn command(self, matches: &ArgMatches) -> Result<HelmCommand, UsageError> {
        require(&self.args, Arity::AtLeast(1), USAGE)?;
        let (release, chart) = match self.args.as_slice() {
            [chart] => ("release-name".to_string(), chart.clone()),
            [release, chart] => (release.clone(), chart.clone()),
            args => {
                return Err(refused(format!(
                    "expected at most two arguments, unexpected arguments: {}",
                    args.get(2..).unwrap_or_default().join(", ")
                )));
            }
        };
        Ok(HelmCommand::Template {
            release,
            chart,
            options: self.chart.options(matches),
        })
    }
}
