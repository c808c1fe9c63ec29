//! Parsing a `kubectl ...` word list into what the fallback does. Pure: the
//! kind words stay unresolved here (the server's discovery resolves them).

use super::FallbackError;
use super::flags::{FlagSpec, NAMESPACE, SELECTOR, Takes, one_target, parse_number, split_flags};

/// Which namespaces a command looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `-n NS`, or `default` when not given.
    Namespace(String),
    /// `-A` / `--all-namespaces`.
    All,
}

impl Scope {
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Scope::Namespace(ns) => Some(ns),
            Scope::All => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Wide,
    Name,
    Json,
    Yaml,
}

/// A resource word and the names after it: `deploy a b`, or `deploy/a pod/b`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: String,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetArgs {
    pub target: Target,
    pub scope: Scope,
    pub selector: Option<String>,
    pub output: OutputFormat,
    pub show_labels: bool,
    pub no_headers: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteArgs {
    pub target: Target,
    pub namespace: String,
    pub selector: Option<String>,
    pub all: bool,
    pub ignore_not_found: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsArgs {
    /// `POD`, `pod/POD`, `deploy/NAME` or `deployment/NAME`.
    pub target: String,
    pub namespace: String,
    pub container: Option<String>,
    pub previous: bool,
    pub tail: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateDeploymentArgs {
    pub name: String,
    pub namespace: String,
    pub image: String,
    pub replicas: u32,
    pub port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposeArgs {
    pub target: Target,
    pub namespace: String,
    pub port: Option<u16>,
    pub target_port: Option<String>,
    pub service_type: Option<String>,
    pub service_name: Option<String>,
    pub protocol: String,
}

/// One fallback command, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    Get(GetArgs),
    Describe {
        target: Target,
        namespace: String,
        selector: Option<String>,
    },
    Scale {
        target: Target,
        namespace: String,
        replicas: u32,
    },
    Delete(DeleteArgs),
    Logs(LogsArgs),
    CreateDeployment(CreateDeploymentArgs),
    Expose(ExposeArgs),
    Version,
    ClusterInfo,
}

/// What the fallback covers, for notices and errors.
pub const COVERED: &str = "get, describe (deployments and pods), scale, delete, logs, create deployment, expose, version and cluster-info";

/// Parse the words after `kubectl` (the first word may be `kubectl` itself).
pub fn parse(words: &[String]) -> Result<Invocation, FallbackError> {
    let words = match words.first().map(String::as_str) {
        Some("kubectl") => &words[1..],
        _ => words,
    };
    let Some((sub, rest)) = words.split_first() else {
        return Err(unsupported("(no subcommand)"));
    };
    match sub.as_str() {
        "get" => parse_get(rest),
        "describe" => {
            let p = split_flags("describe", rest, &[NAMESPACE, SELECTOR])?;
            let target = one_target("describe", &p.positional)?;
            if target.names.is_empty() && p.selector().is_none() {
                return Err(FallbackError::Usage(
                    "the built-in kubectl fallback describes named objects or a -l selector; give a name".into(),
                ));
            }
            Ok(Invocation::Describe {
                target,
                namespace: p.namespace(),
                selector: p.selector(),
            })
        }
        "scale" => {
            let replicas = FlagSpec {
                names: &["--replicas"],
                takes: Takes::Value,
            };
            let p = split_flags("scale", rest, &[NAMESPACE, replicas])?;
            let target = one_target("scale", &p.positional)?;
            if target.names.is_empty() {
                return Err(FallbackError::Usage(
                    "resource(s) were provided, but no name was specified".into(),
                ));
            }
            let Some(n) = p.value("--replicas") else {
                return Err(FallbackError::Usage(
                    "required flag(s) \"replicas\" not set".into(),
                ));
            };
            Ok(Invocation::Scale {
                target,
                namespace: p.namespace(),
                replicas: parse_number("--replicas", n)?,
            })
        }
        "delete" => parse_delete(rest),
        "logs" => parse_logs(rest),
        "create" => parse_create(rest),
        "expose" => parse_expose(rest),
        "version" => {
            split_flags("version", rest, &[])?;
            Ok(Invocation::Version)
        }
        "cluster-info" => {
            let p = split_flags("cluster-info", rest, &[])?;
            if !p.positional.is_empty() {
                return Err(unsupported(&format!("cluster-info {}", p.positional[0])));
            }
            Ok(Invocation::ClusterInfo)
        }
        other => Err(unsupported(other)),
    }
}

fn unsupported(what: &str) -> FallbackError {
    FallbackError::Usage(format!(
        "`kubectl {what}` is not covered by trinetes' built-in kubectl fallback, which handles {COVERED}; install kubectl to run it"
    ))
}

fn parse_get(rest: &[String]) -> Result<Invocation, FallbackError> {
    let specs = [
        NAMESPACE,
        SELECTOR,
        FlagSpec {
            names: &["-A", "--all-namespaces"],
            takes: Takes::Bool,
        },
        FlagSpec {
            names: &["-o", "--output"],
            takes: Takes::Value,
        },
        FlagSpec {
            names: &["--show-labels"],
            takes: Takes::Bool,
        },
        FlagSpec {
            names: &["--no-headers"],
            takes: Takes::Bool,
        },
    ];
    let p = split_flags("get", rest, &specs)?;
    let target = one_target("get", &p.positional)?;
    let output = match p.value("--output") {
        None => OutputFormat::Table,
        Some("wide") => OutputFormat::Wide,
        Some("name") => OutputFormat::Name,
        Some("json") => OutputFormat::Json,
        Some("yaml") => OutputFormat::Yaml,
        Some(other) => {
            return Err(FallbackError::Usage(format!(
                "the built-in kubectl fallback prints -o wide, name, json or yaml, not {other:?}; install kubectl for more"
            )));
        }
    };
    let scope = if p.bool("--all-namespaces") {
        Scope::All
    } else {
        Scope::Namespace(p.namespace())
    };
    Ok(Invocation::Get(GetArgs {
        target,
        scope,
        selector: p.selector(),
        output,
        show_labels: p.bool("--show-labels"),
        no_headers: p.bool("--no-headers"),
    }))
}

fn parse_delete(rest: &[String]) -> Result<Invocation, FallbackError> {
    let specs = [
        NAMESPACE,
        SELECTOR,
        FlagSpec {
            names: &["--all"],
            takes: Takes::Bool,
        },
        // The fallback never waits for finalization, so both values are fine.
        FlagSpec {
            names: &["--wait"],
            takes: Takes::Bool,
        },
        FlagSpec {
            names: &["--ignore-not-found"],
            takes: Takes::Bool,
        },
    ];
    let p = split_flags("delete", rest, &specs)?;
    let target = one_target("delete", &p.positional)?;
    let all = p.bool("--all");
    let selector = p.selector();
    let ways =
        usize::from(!target.names.is_empty()) + usize::from(all) + usize::from(selector.is_some());
    if ways == 0 {
        return Err(FallbackError::Usage(
            "resource(s) were provided, but no name was specified".into(),
        ));
    }
    if ways > 1 {
        return Err(FallbackError::Usage(
            "name cannot be provided when a selector or --all is specified".into(),
        ));
    }
    Ok(Invocation::Delete(DeleteArgs {
        target,
        namespace: p.namespace(),
        selector,
        all,
        ignore_not_found: p.bool("--ignore-not-found"),
    }))
}

fn parse_logs(rest: &[String]) -> Result<Invocation, FallbackError> {
    let specs = [
        NAMESPACE,
        FlagSpec {
            names: &["-c", "--container"],
            takes: Takes::Value,
        },
        FlagSpec {
            names: &["-p", "--previous"],
            takes: Takes::Bool,
        },
        FlagSpec {
            names: &["--tail"],
            takes: Takes::Value,
        },
    ];
    let p = split_flags("logs", rest, &specs)?;
    let (target, container) = match p.positional.as_slice() {
        [t] => (t.clone(), None),
        [t, c] => (t.clone(), Some(c.clone())),
        [] => {
            return Err(FallbackError::Usage(
                "kubectl logs needs a pod: kubectl logs POD or kubectl logs deploy/NAME".into(),
            ));
        }
        _ => {
            return Err(FallbackError::Usage(
                "kubectl logs takes one pod and at most one container".into(),
            ));
        }
    };
    let container = p.value("--container").map(str::to_string).or(container);
    let tail = match p.value("--tail") {
        Some(t) => Some(parse_number::<i64>("--tail", t)?).filter(|n| *n >= 0),
        None => None,
    };
    Ok(Invocation::Logs(LogsArgs {
        target,
        namespace: p.namespace(),
        container,
        previous: p.bool("--previous"),
        tail,
    }))
}

fn parse_create(rest: &[String]) -> Result<Invocation, FallbackError> {
    match rest.first().map(String::as_str) {
        Some("deployment" | "deploy") => {}
        Some(other) if !other.starts_with('-') => {
            return Err(unsupported(&format!("create {other}")));
        }
        _ => return Err(unsupported("create")),
    }
    let specs = [
        NAMESPACE,
        FlagSpec {
            names: &["--image"],
            takes: Takes::Value,
        },
        FlagSpec {
            names: &["-r", "--replicas"],
            takes: Takes::Value,
        },
        FlagSpec {
            names: &["--port"],
            takes: Takes::Value,
        },
    ];
    let p = split_flags("create deployment", &rest[1..], &specs)?;
    let [name] = p.positional.as_slice() else {
        return Err(FallbackError::Usage(
            "exactly one NAME is required, got ".to_string() + &p.positional.len().to_string(),
        ));
    };
    let images = p.flags.iter().filter(|(n, _)| *n == "--image").count();
    let Some(image) = p.value("--image") else {
        return Err(FallbackError::Usage(
            "required flag(s) \"image\" not set".into(),
        ));
    };
    if images > 1 {
        return Err(FallbackError::Usage(
            "the built-in kubectl fallback creates deployments with one --image; install kubectl for more".into(),
        ));
    }
    Ok(Invocation::CreateDeployment(CreateDeploymentArgs {
        name: name.clone(),
        namespace: p.namespace(),
        image: image.to_string(),
        replicas: match p.value("--replicas") {
            Some(r) => parse_number("--replicas", r)?,
            None => 1,
        },
        port: match p.value("--port") {
            Some(port) => Some(parse_number("--port", port)?),
            None => None,
        },
    }))
}

fn parse_expose(rest: &[String]) -> Result<Invocation, FallbackError> {
    let value = |names| FlagSpec {
        names,
        takes: Takes::Value,
    };
    let specs = [
        NAMESPACE,
        value(&["--port"]),
        value(&["--target-port"]),
        value(&["--type"]),
        value(&["--name"]),
        value(&["--protocol"]),
    ];
    let p = split_flags("expose", rest, &specs)?;
    let target = one_target("expose", &p.positional)?;
    if target.names.len() != 1 {
        return Err(FallbackError::Usage(
            "kubectl expose takes one resource name".into(),
        ));
    }
    Ok(Invocation::Expose(ExposeArgs {
        target,
        namespace: p.namespace(),
        port: match p.value("--port") {
            Some(port) => Some(parse_number("--port", port)?),
            None => None,
        },
        target_port: p.value("--target-port").map(str::to_string),
        service_type: p.value("--type").map(str::to_string),
        service_name: p.value("--name").map(str::to_string),
        protocol: p.value("--protocol").unwrap_or("TCP").to_string(),
    }))
}

#[cfg(test)]
#[path = "args_tests.rs"]
mod tests;
