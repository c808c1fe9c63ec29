//! `helm install [NAME] [CHART]`.

use clap::{ArgMatches, Args};

use super::{Arity, ChartFlags, HelmCommand, UsageError, WaitFlags, refused, require};

const USAGE: &str = "helm install [NAME] [CHART] [flags]";

/// install a chart
#[derive(Debug, Args)]
#[command(override_usage = USAGE)]
pub struct Install {
    #[command(flatten)]
    chart: ChartFlags,
    #[command(flatten)]
    wait: WaitFlags,
    /// create the release namespace if not present
    #[arg(long = "create-namespace")]
    create_namespace: bool,
    #[arg(hide = true)]
    args: Vec<String>,
}

impl Install {
    pub(super) fn command(self, matches: &ArgMatches) -> Result<HelmCommand, UsageError> {
        require(&self.args, Arity::AtLeast(1), USAGE)?;
        let [release, chart] = self.args.as_slice() else {
            return Err(refused(if self.args.len() == 1 {
                "INSTALLATION FAILED: must either provide a name or specify --generate-name"
                    .to_string()
            } else {
                format!(
                    "INSTALLATION FAILED: expected at most two arguments, unexpected arguments: {}",
                    self.args[2..].join(", ")
                )
            }));
        };
        Ok(HelmCommand::Install {
            release: release.clone(),
            chart: chart.clone(),
            options: self.chart.options(matches),
            create_namespace: self.create_namespace,
            wait: self.wait.wait()?,
        })
    }
}
