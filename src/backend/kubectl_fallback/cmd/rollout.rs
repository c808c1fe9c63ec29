//! `kubectl rollout status|history|undo|restart` for Deployments.

use std::time::Duration;

use clap::{Args, Subcommand};

use super::target::one_target;
use super::{Invocation, Target, number, unsupported, usage};
use crate::backend::kubectl_fallback::FallbackError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolloutArgs {
    Status {
        target: Target,
        namespace: String,
        /// `--timeout`; None waits until the rollout ends (or the step's
        /// own timeout stops it).
        timeout: Option<Duration>,
    },
    History {
        target: Target,
        namespace: String,
    },
    Undo {
        target: Target,
        namespace: String,
        /// `--to-revision`; 0 is the previous revision.
        to_revision: u64,
    },
    Restart {
        target: Target,
        namespace: String,
    },
}

/// Manage the rollout of a resource
#[derive(Debug, Args)]
pub struct Rollout {
    #[command(subcommand)]
    what: Option<What>,
}

#[derive(Debug, Subcommand)]
enum What {
    /// Show the status of the rollout
    Status(Status),
    /// View rollout history
    History(Resources),
    /// Undo a previous rollout
    Undo(Undo),
    /// Restart a resource
    Restart(Resources),
}

#[derive(Debug, Args)]
struct Resources {
    #[arg(value_name = "(TYPE NAME | TYPE/NAME)")]
    args: Vec<String>,
}

#[derive(Debug, Args)]
struct Status {
    /// The length of time to wait before ending watch, zero means never
    #[arg(long, value_name = "DURATION")]
    timeout: Option<String>,
    #[arg(value_name = "(TYPE NAME | TYPE/NAME)")]
    args: Vec<String>,
}

#[derive(Debug, Args)]
struct Undo {
    /// The revision to rollback to. Default to 0 (last revision).
    #[arg(long, value_name = "INT")]
    to_revision: Option<String>,
    #[arg(value_name = "(TYPE NAME | TYPE/NAME)")]
    args: Vec<String>,
}

impl Rollout {
    pub(super) fn invocation(self, namespace: String) -> Result<Invocation, FallbackError> {
        let args = match self.what {
            None => return Err(unsupported("rollout")),
            Some(What::Status(s)) => RolloutArgs::Status {
                target: one_named("rollout status", &s.args)?,
                namespace,
                timeout: s.timeout.as_deref().map(go_duration).transpose()?,
            },
            Some(What::History(h)) => RolloutArgs::History {
                target: one_named("rollout history", &h.args)?,
                namespace,
            },
            Some(What::Restart(r)) => RolloutArgs::Restart {
                target: one_named("rollout restart", &r.args)?,
                namespace,
            },
            Some(What::Undo(u)) => RolloutArgs::Undo {
                target: one_named("rollout undo", &u.args)?,
                namespace,
                to_revision: match u.to_revision {
                    Some(r) => number("--to-revision", &r)?,
                    None => 0,
                },
            },
        };
        Ok(Invocation::Rollout(args))
    }
}

fn one_named(command: &str, words: &[String]) -> Result<Target, FallbackError> {
    let target = one_target(command, words)?;
    match target.names.len() {
        0 => Err(usage(format!(
            "required resource not specified for `kubectl {command}`"
        ))),
        1 => Ok(target),
        _ => Err(usage(format!(
            "the built-in kubectl fallback's `{command}` takes one resource; install kubectl for more"
        ))),
    }
}

/// A Go duration as kubectl's `--timeout` takes it: `90s`, `2m`, `1h30m`, `0`.
fn go_duration(text: &str) -> Result<Duration, FallbackError> {
    let invalid = || {
        usage(format!(
            "invalid argument {text:?} for \"--timeout\" flag: time: invalid duration {text:?}"
        ))
    };
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(invalid)?;
        let value: f64 = rest[..digits].parse().map_err(|_| invalid())?;
        let unit_len = rest[digits..]
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len() - digits);
        let unit = &rest[digits..digits + unit_len];
        let seconds = match unit {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(invalid()),
        };
        total += value * seconds;
        rest = &rest[digits + unit_len..];
    }
    Ok(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::go_duration;
    use std::time::Duration;

    #[test]
    fn timeouts_read_as_go_durations() {
        assert_eq!(go_duration("2m").ok(), Some(Duration::from_secs(120)));
        assert_eq!(go_duration("1h30m").ok(), Some(Duration::from_secs(5400)));
        assert_eq!(go_duration("500ms").ok(), Some(Duration::from_millis(500)));
        assert_eq!(go_duration("0").ok(), Some(Duration::ZERO));
        assert!(go_duration("2").is_err());
        assert!(go_duration("soon").is_err());
    }
}
