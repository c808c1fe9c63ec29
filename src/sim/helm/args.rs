//! The helm command line: argv into a typed [`HelmCommand`], with helm's own
//! wording for usage errors.

use std::time::Duration;

/// Flags shared by `install` and `template`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChartOptions {
    pub version: Option<String>,
    /// In command-line order, so later ones win as in helm.
    pub value_sources: Vec<ValueSource>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueSource {
    File(String),
    Set(String),
    SetString(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelmCommand {
    RepoAdd {
        name: String,
        url: String,
    },
    RepoUpdate,
    RepoList,
    RepoRemove {
        name: String,
    },
    SearchRepo {
        keyword: Option<String>,
        all_versions: bool,
    },
    Install {
        release: String,
        chart: String,
        options: ChartOptions,
        create_namespace: bool,
        wait: Option<Duration>,
    },
    Upgrade {
        release: String,
        chart: String,
        options: ChartOptions,
        install: bool,
        reuse_values: bool,
        reset_values: bool,
        create_namespace: bool,
        wait: Option<Duration>,
    },
    Template {
        release: String,
        chart: String,
        options: ChartOptions,
    },
    ShowValues {
        chart: String,
        version: Option<String>,
    },
    ShowChart {
        chart: String,
        version: Option<String>,
    },
    List {
        all_namespaces: bool,
    },
    Status {
        release: String,
    },
    Uninstall {
        releases: Vec<String>,
    },
    History {
        release: String,
    },
    GetValues {
        release: String,
        all: bool,
    },
    Version {
        short: bool,
    },
}

/// A parsed invocation: the command plus the namespace it targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub command: HelmCommand,
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

const FLAGS_WITH_VALUE: &[&str] = &[
    "--version",
    "--set",
    "--set-string",
    "-f",
    "--values",
    "-n",
    "--namespace",
    "--timeout",
    "--kube-context",
    "--kubeconfig",
    "-o",
    "--output",
];
const SWITCHES: &[&str] = &[
    "--create-namespace",
    "--wait",
    "--debug",
    "-A",
    "--all-namespaces",
    "-a",
    "--all",
    "--versions",
    "-l",
    "--short",
    "--force-update",
    "--atomic",
    "--install",
    "-i",
    "--reuse-values",
    "--reset-values",
];

struct Parsed {
    positionals: Vec<String>,
    flags: Vec<(String, Option<String>)>,
}

impl Parsed {
    fn has(&self, names: &[&str]) -> bool {
        self.flags.iter().any(|(f, _)| names.contains(&f.as_str()))
    }

    fn last(&self, names: &[&str]) -> Option<String> {
        self.flags
            .iter()
            .rev()
            .find(|(f, _)| names.contains(&f.as_str()))
            .and_then(|(_, v)| v.clone())
    }
}

fn split_flags<S: AsRef<str>>(args: &[S]) -> Result<Parsed, UsageError> {
    let mut parsed = Parsed {
        positionals: Vec::new(),
        flags: Vec::new(),
    };
    let mut iter = args.iter().map(AsRef::as_ref);
    while let Some(arg) = iter.next() {
        if !arg.starts_with('-') || arg == "-" {
            parsed.positionals.push(arg.to_string());
            continue;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg, None),
        };
        if FLAGS_WITH_VALUE.contains(&name) {
            let value = match inline {
                Some(v) => v,
                None => iter
                    .next()
                    .ok_or_else(|| UsageError(format!("flag needs an argument: {name}")))?
                    .to_string(),
            };
            parsed.flags.push((name.to_string(), Some(value)));
        } else if SWITCHES.contains(&name) {
            parsed.flags.push((name.to_string(), None));
        } else if let Some(short) = name.strip_prefix('-').filter(|s| !s.starts_with('-')) {
            // `-nfoo` style: a short flag glued to its value.
            let (flag, value) = short.split_at(1);
            if matches!(flag, "n" | "f" | "o") && !value.is_empty() {
                parsed
                    .flags
                    .push((format!("-{flag}"), Some(value.to_string())));
            } else {
                return Err(UsageError(format!(
                    "unknown shorthand flag: '{flag}' in {arg}"
                )));
            }
        } else {
            return Err(UsageError(format!("unknown flag: {name}")));
        }
    }
    Ok(parsed)
}

fn chart_options(parsed: &Parsed) -> ChartOptions {
    ChartOptions {
        version: parsed.last(&["--version"]),
        value_sources: parsed
            .flags
            .iter()
            .filter_map(|(flag, value)| {
                let value = value.clone()?;
                match flag.as_str() {
                    "-f" | "--values" => Some(ValueSource::File(value)),
                    "--set" => Some(ValueSource::Set(value)),
                    "--set-string" => Some(ValueSource::SetString(value)),
                    _ => None,
                }
            })
            .collect(),
    }
}

/// Parses the arguments after `helm` (a leading `helm` is tolerated).
pub fn parse_helm_args<S: AsRef<str>>(args: &[S]) -> Result<Invocation, UsageError> {
    let args = match args.first() {
        Some(first) if first.as_ref() == "helm" => &args[1..],
        _ => args,
    };
    let parsed = split_flags(args)?;
    let namespace = parsed.last(&["-n", "--namespace"]);
    let words: Vec<&str> = parsed.positionals.iter().map(String::as_str).collect();
    let usage = |command: &str, needs: &str| {
        UsageError(format!(
            "\"helm {command}\" requires {needs}\n\nUsage:  helm {command} [flags]"
        ))
    };
    let command = match words.as_slice() {
        [] => {
            return Err(UsageError(
                "no command given; try 'helm --help'".to_string(),
            ));
        }
        ["repo", "add", name, url] => HelmCommand::RepoAdd {
            name: name.to_string(),
            url: url.to_string(),
        },
        ["repo", "add", ..] => return Err(usage("repo add", "2 arguments")),
        ["repo", "update" | "up", ..] => HelmCommand::RepoUpdate,
        ["repo", "list" | "ls"] => HelmCommand::RepoList,
        ["repo", "remove" | "rm", name] => HelmCommand::RepoRemove {
            name: name.to_string(),
        },
        ["search", "repo", rest @ ..] if rest.len() <= 1 => HelmCommand::SearchRepo {
            keyword: rest.first().map(|s| s.to_string()),
            all_versions: parsed.has(&["--versions", "-l"]),
        },
        ["install" | "i", release, chart] => HelmCommand::Install {
            release: release.to_string(),
            chart: chart.to_string(),
            options: chart_options(&parsed),
            create_namespace: parsed.has(&["--create-namespace"]),
            wait: wait_flag(&parsed)?,
        },
        ["upgrade", release, chart] => HelmCommand::Upgrade {
            release: release.to_string(),
            chart: chart.to_string(),
            options: chart_options(&parsed),
            install: parsed.has(&["--install", "-i"]),
            reuse_values: parsed.has(&["--reuse-values"]),
            reset_values: parsed.has(&["--reset-values"]),
            create_namespace: parsed.has(&["--create-namespace"]),
            wait: wait_flag(&parsed)?,
        },
        ["upgrade", ..] => return Err(usage("upgrade", "exactly 2 arguments")),
        ["install" | "i", _] => {
            return Err(UsageError(
                "INSTALLATION FAILED: must either provide a name or specify --generate-name"
                    .to_string(),
            ));
        }
        ["install" | "i", ..] => return Err(usage("install", "at least 1 argument")),
        ["template", release, chart] => HelmCommand::Template {
            release: release.to_string(),
            chart: chart.to_string(),
            options: chart_options(&parsed),
        },
        ["template", chart] => HelmCommand::Template {
            release: "release-name".to_string(),
            chart: chart.to_string(),
            options: chart_options(&parsed),
        },
        ["template", ..] => return Err(usage("template", "at least 1 argument")),
        ["show" | "inspect", "values", chart] => HelmCommand::ShowValues {
            chart: chart.to_string(),
            version: parsed.last(&["--version"]),
        },
        ["show" | "inspect", "chart", chart] => HelmCommand::ShowChart {
            chart: chart.to_string(),
            version: parsed.last(&["--version"]),
        },
        ["list" | "ls"] => HelmCommand::List {
            all_namespaces: parsed.has(&["-A", "--all-namespaces"]),
        },
        ["status", release] => HelmCommand::Status {
            release: release.to_string(),
        },
        ["status", ..] => return Err(usage("status", "exactly 1 argument")),
        ["history" | "hist", release] => HelmCommand::History {
            release: release.to_string(),
        },
        ["get", "values", release] => HelmCommand::GetValues {
            release: release.to_string(),
            all: parsed.has(&["-a", "--all"]),
        },
        ["uninstall" | "un" | "delete" | "del", releases @ ..] if !releases.is_empty() => {
            HelmCommand::Uninstall {
                releases: releases.iter().map(|s| s.to_string()).collect(),
            }
        }
        ["uninstall" | "un" | "delete" | "del"] => {
            return Err(usage("uninstall", "at least 1 argument"));
        }
        ["version"] => HelmCommand::Version {
            short: parsed.has(&["--short"]),
        },
        [other, ..] => {
            return Err(UsageError(format!(
                "unknown command \"{other}\" for \"helm\"\nRun 'helm --help' for usage."
            )));
        }
    };
    Ok(Invocation { command, namespace })
}

fn wait_flag(parsed: &Parsed) -> Result<Option<Duration>, UsageError> {
    if parsed.has(&["--wait", "--atomic"]) {
        Ok(Some(parse_duration(
            parsed.last(&["--timeout"]).as_deref(),
        )?))
    } else {
        Ok(None)
    }
}

/// helm's `--timeout` (a Go duration like `5m0s`, `90s`); default 5 minutes.
fn parse_duration(text: Option<&str>) -> Result<Duration, UsageError> {
    let Some(text) = text else {
        return Ok(Duration::from_secs(300));
    };
    let bad = || {
        UsageError(format!(
            "invalid argument \"{text}\" for \"--timeout\" flag"
        ))
    };
    let mut total = 0.0_f64;
    let mut number = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let unit = if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            0.001
        } else {
            match c {
                'h' => 3600.0,
                'm' => 60.0,
                's' => 1.0,
                _ => return Err(bad()),
            }
        };
        let n: f64 = number.parse().map_err(|_| bad())?;
        total += n * unit;
        number.clear();
    }
    if !number.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_with_values_in_order() {
        let inv = parse_helm_args(&[
            "helm",
            "install",
            "tcb",
            "trino/trino",
            "--version",
            "0.3.0",
            "--set",
            "server.workers=3",
            "-f",
            "my.yaml",
            "--set-string=image.tag=355",
            "-n",
            "trino",
        ])
        .expect("valid");
        assert_eq!(inv.namespace.as_deref(), Some("trino"));
        let HelmCommand::Install {
            release,
            chart,
            options,
            ..
        } = inv.command
        else {
            panic!("not an install: {:?}", inv.command);
        };
        assert_eq!((release.as_str(), chart.as_str()), ("tcb", "trino/trino"));
        assert_eq!(options.version.as_deref(), Some("0.3.0"));
        assert_eq!(
            options.value_sources,
            vec![
                ValueSource::Set("server.workers=3".into()),
                ValueSource::File("my.yaml".into()),
                ValueSource::SetString("image.tag=355".into()),
            ]
        );
    }

    #[test]
    fn usage_errors() {
        assert!(parse_helm_args(&["install", "tcb", "trino/trino", "--bogus"]).is_err());
        assert!(parse_helm_args(&["install", "tcb", "trino/trino", "--version"]).is_err());
        let err = parse_helm_args(&["frobnicate"]).expect_err("unknown");
        assert!(err.0.starts_with("unknown command \"frobnicate\""), "{err}");
    }

    #[test]
    fn timeouts() {
        assert_eq!(parse_duration(Some("5m0s")), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration(Some("90s")), Ok(Duration::from_secs(90)));
        assert!(parse_duration(Some("ten")).is_err());
    }
}
