//! Tearing down what the ledger says trinetes created: port-forwards, then
//! Helm releases, then namespaces, then EKS clusters with `eksctl delete
//! cluster`. Each resource is marked removed only after a check has seen it
//! gone: the port is free, `helm status` and `kubectl get` answer not found,
//! EKS's DescribeCluster answers ResourceNotFoundException.
//!
//! Every step is safe to repeat: a resource that is already gone is simply
//! confirmed, so a cleanup cut short (a failure, Ctrl-C, a kill) is finished
//! by running it again.

use std::time::Duration;

use crate::aws::{EksClient, Waited};
use crate::ledger::{Entry, Ledger, LedgerError, Resource};
use crate::redact::Redactor;

/// How one resource ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A check saw it gone (it may have been gone already).
    Removed { already_gone: bool },
    /// It is still there after its teardown; `why` says what was seen.
    Survived { why: String },
}

/// What cleanup did to one ledger entry.
#[derive(Debug, Clone)]
pub struct ItemReport {
    pub resource: Resource,
    pub outcome: Outcome,
}

/// Where cleanup's tools come from and how long it waits.
#[derive(Debug, Clone)]
pub struct Options {
    /// Extra environment for eksctl, helm and kubectl (tests put stubs on PATH).
    pub env: Vec<(String, String)>,
    /// How long to wait for an EKS cluster in DELETING to go (aws-sdk-eks's
    /// ClusterDeleted waiter, which looks every 30 to 120 s).
    pub wait: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            env: Vec::new(),
            wait: Duration::from_secs(20 * 60),
        }
    }
}

/// Tears down every open entry of `ledger`, in teardown order, reporting
/// each line of progress through `say`. Returns what happened to each.
pub async fn run(
    ledger: &Ledger,
    opts: &Options,
    mut say: impl FnMut(&str),
) -> Result<Vec<ItemReport>, LedgerError> {
    let mut open: Vec<Entry> = ledger.open()?;
    open.sort_by_key(|e| e.resource.teardown_rank());
    let redactor = {
        let mut r = Redactor::from_env();
        r.learn_env(opts.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        r
    };
    let mut reports = Vec::new();
    for entry in open {
        say(&format!("removing {} ...", entry.resource));
        let outcome = match &entry.resource {
            Resource::PortForward { local_port, .. } => port_forward(*local_port),
            Resource::HelmRelease {
                name,
                namespace,
                context,
            } => helm_release(
                name,
                namespace,
                context.as_deref(),
                opts,
                &redactor,
                &mut say,
            ),
            Resource::Namespace { name, context } => {
                namespace_gone(name, context.as_deref(), opts, &redactor, &mut say)
            }
            Resource::EksCluster { name, region } => {
                eks_cluster(name, region, opts, &redactor, &mut say).await
            }
        };
        if let Outcome::Removed { .. } = outcome {
            ledger.confirm_removed(&entry.resource)?;
            if let Resource::EksCluster { name, region } = &entry.resource {
                // Releases and namespaces inside a deleted cluster went with it.
                confirm_inside(ledger, name, region, &reports)?;
            }
        }
        match &outcome {
            Outcome::Removed { already_gone: true } => {
                say(&format!("✔ {} was already gone", entry.resource))
            }
            Outcome::Removed { .. } => say(&format!("✔ {} removed", entry.resource)),
            Outcome::Survived { why } => say(&format!(
                "✘ {} is not confirmed gone: {why}",
                entry.resource
            )),
        }
        reports.push(ItemReport {
            resource: entry.resource,
            outcome,
        });
    }
    Ok(reports)
}

/// After an EKS cluster is confirmed gone, the releases and namespaces in a
/// context eksctl wrote for it (`USER@NAME.REGION.eksctl.io`) are gone too.
fn confirm_inside(
    ledger: &Ledger,
    cluster: &str,
    region: &str,
    reports: &[ItemReport],
) -> Result<(), LedgerError> {
    let marker = format!("@{cluster}.{region}.eksctl.io");
    for report in reports {
        let context = match &report.resource {
            Resource::HelmRelease { context, .. } | Resource::Namespace { context, .. } => context,
            _ => continue,
        };
        if matches!(report.outcome, Outcome::Survived { .. })
            && context.as_deref().is_some_and(|c| c.ends_with(&marker))
        {
            ledger.confirm_removed(&report.resource)?;
        }
    }
    Ok(())
}

fn port_forward(port: u16) -> Outcome {
    match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(_) => Outcome::Removed { already_gone: true },
        Err(_) => Outcome::Survived {
            why: format!(
                "something still listens on 127.0.0.1:{port}; if it is a trinetes or \
                 kubectl port-forward, stop it (quit trinetes, or `fuser -k {port}/tcp`)"
            ),
        },
    }
}

/// Runs a tool with cleanup's environment; returns (success, merged output).
fn tool(
    program: &str,
    args: &[String],
    opts: &Options,
    redactor: &Redactor,
    say: &mut dyn FnMut(&str),
    echo: bool,
) -> Result<(bool, String), String> {
    let mut expr = duct::cmd(program, args)
        .stderr_to_stdout()
        .stdin_null()
        .stdout_capture()
        .unchecked();
    for (k, v) in &opts.env {
        expr = expr.env(k, v);
    }
    let out = expr.run().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("{program} is not installed or not on PATH")
        } else {
            format!("cannot run {program}: {e}")
        }
    })?;
    let text = redactor.redact(&String::from_utf8_lossy(&out.stdout));
    if echo {
        for line in text.lines() {
            say(&format!("  {line}"));
        }
    }
    Ok((out.status.success(), text))
}

fn words(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A resource a tool removes and a read of the same tool checks: `look`
/// (whose failure says `gone_when` once the resource is gone), then
/// `remove` when it is there, then `look` again.
struct ToolResource<'a> {
    tool: &'static str,
    look: Vec<String>,
    remove: Vec<String>,
    gone_when: &'static str,
    opts: &'a Options,
    redactor: &'a Redactor,
}

impl ToolResource<'_> {
    fn tear_down(&self, say: &mut dyn FnMut(&str)) -> Outcome {
        let look = |say: &mut dyn FnMut(&str)| {
            tool(self.tool, &self.look, self.opts, self.redactor, say, false)
        };
        match look(say) {
            Err(why) => return Outcome::Survived { why },
            Ok((false, text)) if text.contains(self.gone_when) => {
                return Outcome::Removed { already_gone: true };
            }
            Ok(_) => {}
        }
        if let Err(why) = tool(self.tool, &self.remove, self.opts, self.redactor, say, true) {
            return Outcome::Survived { why };
        }
        match look(say) {
            Ok((false, text)) if text.contains(self.gone_when) => Outcome::Removed {
                already_gone: false,
            },
            Ok((_, text)) => Outcome::Survived {
                why: format!(
                    "`{} {}` still answers: {}",
                    self.tool,
                    self.look.join(" "),
                    text.lines().next().unwrap_or("")
                ),
            },
            Err(why) => Outcome::Survived { why },
        }
    }
}

fn helm_release(
    name: &str,
    namespace: &str,
    context: Option<&str>,
    opts: &Options,
    redactor: &Redactor,
    say: &mut dyn FnMut(&str),
) -> Outcome {
    let mut scope = words(&["--namespace", namespace]);
    if let Some(ctx) = context {
        scope.extend(words(&["--kube-context", ctx]));
    }
    let with_scope = |mut args: Vec<String>| {
        args.extend(scope.iter().cloned());
        args
    };
    ToolResource {
        tool: "helm",
        look: with_scope(words(&["status", name])),
        remove: with_scope(words(&["uninstall", name, "--wait"])),
        gone_when: "not found",
        opts,
        redactor,
    }
    .tear_down(say)
}

fn namespace_gone(
    name: &str,
    context: Option<&str>,
    opts: &Options,
    redactor: &Redactor,
    say: &mut dyn FnMut(&str),
) -> Outcome {
    let scope: Vec<String> = context
        .map(|c| words(&["--context", c]))
        .unwrap_or_default();
    let with_scope = |mut args: Vec<String>| {
        args.extend(scope.iter().cloned());
        args
    };
    ToolResource {
        tool: "kubectl",
        look: with_scope(words(&["get", "namespace", name])),
        remove: with_scope(words(&[
            "delete",
            "namespace",
            name,
            "--wait=true",
            "--timeout=5m",
        ])),
        gone_when: "NotFound",
        opts,
        redactor,
    }
    .tear_down(say)
}

/// After a step's command that removes ledger resources (`helm uninstall`,
/// `kubectl delete namespace`; see `ledger::plan::removed_by`): looks at
/// each one still open in the ledger, with the step's environment, and
/// marks it removed when the look finds it gone. Nothing is removed here.
pub fn confirm_gone(ledger: &Ledger, removed: &[Resource], env: &[(String, String)]) {
    let open = ledger.open().unwrap_or_default();
    let opts = Options {
        env: env.to_vec(),
        ..Options::default()
    };
    let redactor = Redactor::from_env();
    let mut quiet = |_: &str| {};
    for resource in removed {
        if !open.iter().any(|e| &e.resource == resource) {
            continue;
        }
        let look = match resource {
            Resource::HelmRelease {
                name,
                namespace,
                context,
            } => helm_release_look(name, namespace, context.as_deref()),
            Resource::Namespace { name, context } => namespace_look(name, context.as_deref()),
            _ => continue,
        };
        let (tool_name, args, gone_when) = look;
        if let Ok((false, text)) = tool(tool_name, &args, &opts, &redactor, &mut quiet, false)
            && text.contains(gone_when)
            && let Err(e) = ledger.confirm_removed(resource)
        {
            tracing::warn!("{e}");
        }
    }
}

fn helm_release_look(
    name: &str,
    namespace: &str,
    context: Option<&str>,
) -> (&'static str, Vec<String>, &'static str) {
    let mut args = words(&["status", name, "--namespace", namespace]);
    if let Some(ctx) = context {
        args.extend(words(&["--kube-context", ctx]));
    }
    ("helm", args, "not found")
}

fn namespace_look(name: &str, context: Option<&str>) -> (&'static str, Vec<String>, &'static str) {
    let mut args = words(&["get", "namespace", name]);
    if let Some(ctx) = context {
        args.extend(words(&["--context", ctx]));
    }
    ("kubectl", args, "NotFound")
}

/// `90s`, `20m`: how long cleanup waits, as the learner gave it.
fn short(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 120 && secs.is_multiple_of(60) {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

async fn eks_cluster(
    name: &str,
    region: &str,
    opts: &Options,
    redactor: &Redactor,
    say: &mut dyn FnMut(&str),
) -> Outcome {
    let client = match EksClient::from_env(Some(region)).await {
        Ok(c) => c,
        Err(e) => {
            return Outcome::Survived {
                why: redactor.redact(&e.to_string()),
            };
        }
    };
    let status = |client: &EksClient| {
        let client = client.clone();
        let name = name.to_string();
        async move { client.cluster_status(&name).await }
    };
    match status(&client).await {
        Ok(None) => return Outcome::Removed { already_gone: true },
        Ok(Some(_)) => {}
        Err(e @ crate::aws::AwsError::Unreachable { .. }) => {
            return Outcome::Survived {
                why: redactor.redact(&format!(
                    "EKS could not be asked whether it exists, so nothing was deleted ({e}); \
                     it stays in the ledger: run `trinetes cleanup` again once AWS can be reached"
                )),
            };
        }
        Err(e) => {
            return Outcome::Survived {
                why: redactor.redact(&e.to_string()),
            };
        }
    }
    let args = words(&[
        "delete", "cluster", "--name", name, "--region", region, "--wait",
    ]);
    let eksctl = tool("eksctl", &args, opts, redactor, say, true);
    let eksctl_failed = match eksctl {
        Err(why) => return Outcome::Survived { why },
        Ok((ok, _)) => !ok,
    };
    let how = if eksctl_failed {
        "eksctl delete cluster failed"
    } else {
        "eksctl delete cluster finished"
    };
    say(&format!(
        "  asking EKS whether {name} is gone (waiting at most {}) ...",
        short(opts.wait)
    ));
    match client.wait_cluster_deleted(name, opts.wait).await {
        Ok(Waited::Reached)
        | Ok(Waited::CannotReach { status: None })
        | Ok(Waited::OutOfTime { status: None }) => Outcome::Removed {
            already_gone: false,
        },
        Ok(Waited::CannotReach { status: Some(s) }) => Outcome::Survived {
            why: format!(
                "{how}, but EKS still reports {name} as {s}. Run `trinetes cleanup` \
                 again, or delete it in the EKS console (region {region})"
            ),
        },
        Ok(Waited::OutOfTime { status: Some(s) }) => Outcome::Survived {
            why: format!(
                "{how}, but EKS still reports {name} as {s} after {}. Run `trinetes cleanup` \
                 again later (it only checks once it is gone), or look in the EKS console (region {region})",
                short(opts.wait)
            ),
        },
        Err(e) => Outcome::Survived {
            why: redactor.redact(&e.to_string()),
        },
    }
}
