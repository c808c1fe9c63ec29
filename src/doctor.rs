//! `trinetes doctor`: what the chosen backend needs, found or not, each row
//! with a one-line fix. The TUI and `run` use the same rows before the first
//! live or context step.

use std::path::Path;
use std::time::Duration;

use crate::aws::EksClient;
use crate::ledger::{Ledger, Resource};
use crate::redact::Redactor;

/// How a row turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// Worth knowing, not blocking.
    Warn,
    /// Blocks the backend when the row is required.
    Fail,
    /// Informational (e.g. a list of clusters).
    Info,
}

impl Status {
    pub fn mark(self) -> &'static str {
        match self {
            Status::Ok => "✔",
            Status::Warn => "!",
            Status::Fail => "✘",
            Status::Info => "·",
        }
    }
}

/// One line of the doctor's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub what: String,
    pub status: Status,
    /// What was found (a version, an identity, a list).
    pub found: String,
    /// How to fix it, when it is not fine.
    pub fix: Option<String>,
    /// Whether the backend cannot work without it.
    pub required: bool,
}

impl Row {
    fn new(what: &str, status: Status, found: impl Into<String>, required: bool) -> Row {
        Row {
            what: what.to_string(),
            status,
            found: found.into(),
            fix: None,
            required,
        }
    }

    fn fix(mut self, fix: impl Into<String>) -> Row {
        if self.status != Status::Ok && self.status != Status::Info {
            self.fix = Some(fix.into());
        }
        self
    }

    /// A required row that failed.
    pub fn blocks(&self) -> bool {
        self.required && self.status == Status::Fail
    }
}

/// Which backend the doctor looks at, and its settings.
#[derive(Debug, Clone)]
pub struct Target {
    /// `dry-run`, `live` or `context`.
    pub backend: String,
    /// For `context=NAME`: the context; None for the current one.
    pub context: Option<String>,
    /// The AWS region the lessons use (the profile's).
    pub region: String,
    /// The eksctl version the lessons were written for (the profile's).
    pub eksctl_version: Option<String>,
    /// The local port the Trino UI is forwarded to.
    pub port: u16,
    /// `--namespace`: where the learner's steps run, so where they must be
    /// allowed to create Deployments (None: the context's own namespace).
    pub namespace: Option<String>,
}

impl Target {
    /// The target for `backend` (and its `context`) with the region and
    /// eksctl version of a profile's variables; `AWS_REGION` wins.
    pub fn for_profile(
        backend: &str,
        context: Option<String>,
        vars: &std::collections::BTreeMap<String, String>,
    ) -> Target {
        Target {
            backend: backend.to_string(),
            context,
            region: std::env::var("AWS_REGION")
                .ok()
                .or_else(|| vars.get("region").cloned())
                .unwrap_or_else(|| "us-east-1".to_string()),
            eksctl_version: vars.get("eksctl_version").cloned(),
            port: 8080,
            namespace: None,
        }
    }

    /// The same target, for steps that run in `namespace`.
    pub fn in_namespace(mut self, namespace: Option<String>) -> Target {
        self.namespace = namespace;
        self
    }
}

/// The whole table, in the order it is shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub rows: Vec<Row>,
}

impl Report {
    /// Whether everything required was found.
    pub fn ready(&self) -> bool {
        !self.rows.iter().any(Row::blocks)
    }

    /// Whether everything that `commands` need was found: a missing tool
    /// blocks only when a command runs it, AWS only when one runs eksctl or
    /// aws, and the kube context only when one runs kubectl or helm.
    pub fn ready_for(&self, commands: &[&str]) -> bool {
        let uses = |tool: &str| {
            commands.iter().any(|c| {
                c.split_whitespace()
                    .any(|w| w.rsplit('/').next() == Some(tool))
            })
        };
        let relevant = |row: &Row| match row.what.as_str() {
            "eksctl" | "kubectl" | "helm" | "aws" => uses(&row.what),
            "AWS credentials" | "caller identity" | "region" | "EKS clusters" => {
                uses("eksctl") || uses("aws")
            }
            "kube context" | "cluster reachable" | "may create Deployments" => {
                uses("kubectl") || uses("helm")
            }
            _ => true,
        };
        !self.rows.iter().any(|r| r.blocks() && relevant(r))
    }

    /// The table as text, `width` columns wide at most for the fixes.
    pub fn render(&self) -> String {
        let what_w = self
            .rows
            .iter()
            .map(|r| r.what.chars().count())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for row in &self.rows {
            let need = if row.required { "" } else { " (optional)" };
            out.push_str(&format!(
                "{} {:<what_w$}  {}{need}\n",
                row.status.mark(),
                row.what,
                row.found,
            ));
            if let Some(fix) = &row.fix {
                out.push_str(&format!("  {:<what_w$}  → {fix}\n", ""));
            }
        }
        out
    }
}

/// The tools each backend runs, with whether it needs them.
fn tools_for(backend: &str) -> Vec<(&'static str, bool)> {
    match backend {
        "live" => vec![
            ("eksctl", true),
            ("kubectl", true),
            ("helm", true),
            ("aws", true),
        ],
        "context" => vec![("kubectl", true), ("helm", true)],
        _ => vec![("kubectl", false)],
    }
}

/// Looks at everything `target` needs. `env` is extra environment for the
/// tools it runs (tests put stubs on PATH); `state_dir` holds the ledger.
pub async fn diagnose(target: &Target, env: &[(String, String)], state_dir: &Path) -> Report {
    let mut rows = Vec::new();
    for (tool, required) in tools_for(&target.backend) {
        rows.push(tool_row(tool, required, target, env));
    }
    if target.backend == "live" {
        rows.extend(aws_rows(target, env, state_dir).await);
    }
    if target.backend == "context" || target.backend == "live" {
        rows.extend(kube_rows(target).await);
    }
    rows.push(port_row(target.port));
    Report { rows }
}

/// What a tool's version command is and how to read its answer.
fn version_of(tool: &str, env: &[(String, String)]) -> Result<Option<String>, String> {
    let args: &[&str] = match tool {
        "kubectl" => &["version", "--client", "-o", "json"],
        "helm" => &["version", "--short"],
        "eksctl" => &["version"],
        "aws" => &["--version"],
        _ => &["--version"],
    };
    let mut expr = duct::cmd(tool, args)
        .stderr_to_stdout()
        .stdin_null()
        .stdout_capture()
        .unchecked();
    for (k, v) in env {
        expr = expr.env(k, v);
    }
    let out = expr.run().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            "not found on PATH".to_string()
        } else {
            format!("cannot run it: {e}")
        }
    })?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    Ok(parse_version(tool, &text))
}

/// The version in a tool's own words: kubectl's JSON gitVersion, helm's
/// `v3.17.2+g...`, eksctl's bare `0.194.0`, aws's `aws-cli/2.17.0 ...`.
pub fn parse_version(tool: &str, text: &str) -> Option<String> {
    if tool == "kubectl"
        && let Ok(json) = serde_json::from_str::<serde_json::Value>(text)
    {
        return json["clientVersion"]["gitVersion"]
            .as_str()
            .map(str::to_string);
    }
    let first = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let word = first.split_whitespace().next()?;
    let word = word.strip_prefix("aws-cli/").unwrap_or(word);
    let word = word.split('+').next().unwrap_or(word);
    word.trim_start_matches('v')
        .chars()
        .next()
        .filter(char::is_ascii_digit)
        .map(|_| word.to_string())
}

/// `(major, minor, patch)` of a version like `v1.32.3` or `0.194.0`.
fn numbers(version: &str) -> Option<(u64, u64, u64)> {
    let mut parts = version
        .trim_start_matches('v')
        .split(['.', '-', '+'])
        .map(|p| p.parse::<u64>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

fn install_hint(tool: &str) -> &'static str {
    match tool {
        "eksctl" => "install eksctl: https://eksctl.io/installation/",
        "kubectl" => "install kubectl: https://kubernetes.io/docs/tasks/tools/",
        "helm" => "install helm 3: https://helm.sh/docs/intro/install/",
        "aws" => {
            "install the AWS CLI (eksctl's kubeconfig runs `aws eks get-token`): https://aws.amazon.com/cli/"
        }
        _ => "install it and put it on PATH",
    }
}

fn tool_row(tool: &str, required: bool, target: &Target, env: &[(String, String)]) -> Row {
    match version_of(tool, env) {
        Err(why) => {
            let status = if required { Status::Fail } else { Status::Warn };
            let mut row = Row::new(tool, status, why, required).fix(install_hint(tool));
            if tool == "kubectl" && !required {
                row.fix = Some(
                    "optional on dry-run: trinetes answers kubectl steps itself; install \
                     kubectl to use your own in a second terminal"
                        .to_string(),
                );
            }
            row
        }
        Ok(None) => Row::new(tool, Status::Warn, "found, version unknown", required)
            .fix(format!("check that `{tool}` is the real tool")),
        Ok(Some(version)) => {
            let minimum = minimum_version(tool, target);
            match (minimum, numbers(&version)) {
                (Some((min, why)), Some(have)) if Some(have) < numbers(&min) => Row::new(
                    tool,
                    Status::Fail,
                    format!("{version} (needs {min} or newer: {why})"),
                    required,
                )
                .fix(format!("upgrade {tool}: {}", install_hint(tool))),
                (Some((min, _)), _) => Row::new(
                    tool,
                    Status::Ok,
                    format!("{version} (minimum {min})"),
                    required,
                ),
                (None, _) => Row::new(tool, Status::Ok, version, required),
            }
        }
    }
}

/// The oldest version of a tool the lessons work with, and why.
fn minimum_version(tool: &str, target: &Target) -> Option<(String, &'static str)> {
    match tool {
        // Chart apiVersion v2 (both Trino charts) needs helm 3.
        "helm" => Some(("3.0.0".to_string(), "the Trino chart is a Helm 3 chart")),
        "eksctl" => target
            .eksctl_version
            .clone()
            .map(|v| (v, "the profile's EKS version needs it")),
        _ => None,
    }
}

async fn aws_rows(target: &Target, env: &[(String, String)], state_dir: &Path) -> Vec<Row> {
    let mut rows = Vec::new();
    rows.push(Row::new(
        "region",
        Status::Info,
        target.region.clone(),
        false,
    ));
    let redactor = Redactor::from_env();
    let client = match EksClient::from_env(Some(&target.region)).await {
        Ok(client) => {
            rows.push(Row::new("AWS credentials", Status::Ok, "found", true));
            client
        }
        Err(e) => {
            rows.push(
                Row::new("AWS credentials", Status::Fail, credentials_problem(&e), true)
                    .fix("run `aws configure`, or export AWS_PROFILE / AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
            );
            return rows;
        }
    };
    rows.push(identity_row(target, env, &redactor));
    let mine: Vec<String> = Ledger::in_dir(state_dir)
        .open()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| match e.resource {
            Resource::EksCluster { name, region } if region == target.region => Some(name),
            _ => None,
        })
        .collect();
    match tokio::time::timeout(Duration::from_secs(30), client.list_clusters()).await {
        Ok(Ok(names)) if names.is_empty() => rows.push(Row::new(
            "EKS clusters",
            Status::Ok,
            format!("none in {}", target.region),
            false,
        )),
        Ok(Ok(names)) => {
            let listed: Vec<String> = names
                .iter()
                .map(|n| {
                    if mine.contains(n) {
                        format!("{n} (created by trinetes)")
                    } else {
                        format!("{n} (not created by trinetes)")
                    }
                })
                .collect();
            let status = if names.iter().any(|n| mine.contains(n)) {
                Status::Warn
            } else {
                Status::Info
            };
            rows.push(
                Row::new("EKS clusters", status, listed.join(", "), false)
                    .fix("clusters cost money while they exist: `trinetes cleanup` removes the ones trinetes created"),
            );
        }
        Ok(Err(e)) => rows.push(
            Row::new(
                "EKS clusters",
                Status::Warn,
                redactor.redact(&e.to_string()),
                false,
            )
            .fix("check the region and that your identity may call eks:ListClusters"),
        ),
        Err(_) => rows.push(
            Row::new("EKS clusters", Status::Warn, "no answer in 30 s", false)
                .fix("check your network connection to AWS"),
        ),
    }
    rows
}

/// A missing or broken login in one readable line (the SDK's own error
/// nests every provider it tried).
fn credentials_problem(e: &crate::aws::AwsError) -> String {
    use crate::aws::AwsError;
    match e {
        AwsError::NoCredentials { .. } => "none found".to_string(),
        AwsError::NoRegion => "no region set".to_string(),
        AwsError::CredentialsFailed { .. } => {
            "found, but they could not be loaded (an expired SSO login or a broken profile)"
                .to_string()
        }
        other => {
            let text = Redactor::from_env().redact(&other.to_string());
            match text.char_indices().nth(120) {
                Some((cut, _)) => format!("{}…", &text[..cut]),
                None => text,
            }
        }
    }
}

/// STS GetCallerIdentity through the aws CLI (the same identity eksctl's
/// kubeconfig will use).
fn identity_row(target: &Target, env: &[(String, String)], redactor: &Redactor) -> Row {
    let mut expr = duct::cmd(
        "aws",
        [
            "sts",
            "get-caller-identity",
            "--output",
            "json",
            "--region",
            target.region.as_str(),
        ],
    )
    .stderr_to_stdout()
    .stdin_null()
    .stdout_capture()
    .unchecked();
    for (k, v) in env {
        expr = expr.env(k, v);
    }
    let out = match expr.run() {
        Ok(out) => out,
        Err(e) => {
            return Row::new(
                "caller identity",
                Status::Fail,
                format!("cannot run aws: {e}"),
                true,
            )
            .fix(install_hint("aws"));
        }
    };
    let text = redactor.redact(&String::from_utf8_lossy(&out.stdout));
    let arn = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["Arn"].as_str().map(str::to_string));
    let network = crate::backend::fallback::classify(text.lines());
    match (out.status.success(), arn) {
        (true, Some(arn)) => Row::new("caller identity", Status::Ok, arn, true),
        // Not a verdict on the credentials: AWS could not be asked. The
        // step that needs it will fail the same way, and then the dry-run
        // safety net can take over.
        (false, _) if network.is_some() => Row::new(
            "caller identity",
            Status::Warn,
            format!(
                "AWS could not be reached ({}): {}",
                network.as_ref().map_or("", |d| d.cause.words()),
                text.lines().last().unwrap_or("no answer").trim()
            ),
            true,
        )
        .fix("check the network; if a step then fails on it, trinetes offers to go on on dry-run"),
        _ => Row::new(
            "caller identity",
            Status::Fail,
            text.lines()
                .last()
                .unwrap_or("no answer")
                .trim()
                .to_string(),
            true,
        )
        .fix("your credentials were not accepted: refresh them (`aws sso login`, new keys)"),
    }
}

async fn kube_rows(target: &Target) -> Vec<Row> {
    let mut rows = Vec::new();
    let required = target.backend == "context";
    let options = kube::config::KubeConfigOptions {
        context: target.context.clone(),
        ..Default::default()
    };
    let config = match kube::Config::from_kubeconfig(&options).await {
        Ok(config) => config,
        Err(e) => {
            let status = if required { Status::Fail } else { Status::Info };
            // kube quotes the path's Debug form: '"/x/config"'.
            let said = e.to_string().replace("'\"", "\"").replace("\"'", "\"");
            let no_file = said.contains("No such file");
            let found = if required {
                said
            } else {
                "none yet (eksctl writes it when it creates the cluster)".to_string()
            };
            let fix = if no_file {
                "there is no kubeconfig: create a cluster (kind, minikube, eksctl), or point KUBECONFIG at its kubeconfig"
            } else {
                "pick a context with --backend context=NAME (`kubectl config get-contexts`)"
            };
            rows.push(Row::new("kube context", status, found, required).fix(fix));
            return rows;
        }
    };
    let name = target.context.clone().unwrap_or_else(current_context_name);
    rows.push(Row::new(
        "kube context",
        Status::Ok,
        format!("{name} ({})", config.cluster_url),
        required,
    ));
    let client = match kube::Client::try_from(config) {
        Ok(client) => client,
        Err(e) => {
            rows.push(
                Row::new("cluster reachable", Status::Fail, e.to_string(), required)
                    .fix("check the context's credentials"),
            );
            return rows;
        }
    };
    match tokio::time::timeout(Duration::from_secs(10), client.apiserver_version()).await {
        Ok(Ok(info)) => rows.push(Row::new(
            "cluster reachable",
            Status::Ok,
            format!("server {}", info.git_version),
            required,
        )),
        Ok(Err(e)) => {
            rows.push(
                Row::new("cluster reachable", Status::Fail, e.to_string(), required)
                    .fix("start the cluster, or check the context's address and credentials"),
            );
            return rows;
        }
        Err(_) => {
            rows.push(
                Row::new(
                    "cluster reachable",
                    Status::Fail,
                    "no answer in 10 s",
                    required,
                )
                .fix("start the cluster, or check your network and VPN"),
            );
            return rows;
        }
    }
    rows.push(access_row(client, target.namespace.as_deref(), required).await);
    rows
}

fn current_context_name() -> String {
    kube::config::Kubeconfig::read()
        .ok()
        .and_then(|k| k.current_context)
        .unwrap_or_else(|| "(current)".to_string())
}

/// SelfSubjectAccessReview: may this identity create Deployments in the
/// context's namespace?
async fn access_row(client: kube::Client, namespace: Option<&str>, required: bool) -> Row {
    use k8s_openapi::api::authorization::v1::{
        ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
    };
    let namespace = namespace
        .map(str::to_string)
        .unwrap_or_else(|| client.default_namespace().to_string());
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                namespace: Some(namespace.clone()),
                verb: Some("create".to_string()),
                group: Some("apps".to_string()),
                resource: Some("deployments".to_string()),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let api: kube::Api<SelfSubjectAccessReview> = kube::Api::all(client);
    let what = "may create Deployments";
    match api.create(&kube::api::PostParams::default(), &review).await {
        Ok(answer) => match answer.status {
            Some(s) if s.allowed => {
                Row::new(what, Status::Ok, format!("yes, in {namespace}"), required)
            }
            Some(s) => Row::new(
                what,
                Status::Fail,
                format!(
                    "no, in {namespace}{}",
                    s.reason.map(|r| format!(": {r}")).unwrap_or_default()
                ),
                required,
            )
            .fix(
                "ask the cluster's admin for a RoleBinding, or choose a namespace with --namespace",
            ),
            None => Row::new(what, Status::Warn, "the server gave no answer", false),
        },
        Err(e) => Row::new(what, Status::Warn, format!("could not ask: {e}"), false)
            .fix("the steps will show whether they are allowed"),
    }
}

fn port_row(port: u16) -> Row {
    match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(_) => Row::new(&format!("port {port}"), Status::Ok, "free", false),
        Err(e) => Row::new(&format!("port {port}"), Status::Warn, format!("in use ({e})"), false)
            .fix(format!(
                "the Trino UI forward will take the next free port; free {port} to keep the lessons' address"
            )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_in_each_tools_own_words() {
        assert_eq!(
            parse_version(
                "kubectl",
                r#"{"clientVersion": {"gitVersion": "v1.32.3"}, "kustomizeVersion": "v5"}"#
            )
            .as_deref(),
            Some("v1.32.3")
        );
        assert_eq!(
            parse_version("helm", "v3.17.2+gcc0bbbd\n").as_deref(),
            Some("v3.17.2")
        );
        assert_eq!(
            parse_version("eksctl", "0.194.0\n").as_deref(),
            Some("0.194.0")
        );
        assert_eq!(
            parse_version("aws", "aws-cli/1.45.11 Python/3.11.7 Linux/6.18\n").as_deref(),
            Some("1.45.11")
        );
        assert_eq!(parse_version("helm", "command not understood"), None);
    }

    #[test]
    fn only_what_the_commands_use_blocks() {
        let report = Report {
            rows: vec![
                Row::new("eksctl", Status::Fail, "not found on PATH", true),
                Row::new("AWS credentials", Status::Fail, "none found", true),
                Row::new("kubectl", Status::Ok, "v1.32.4", true),
            ],
        };
        assert!(!report.ready());
        assert!(report.ready_for(&["echo hello", "kubectl get nodes"]));
        assert!(!report.ready_for(&["eksctl create cluster --name x"]));
        assert!(
            !report.ready_for(&["aws eks list-clusters"]),
            "credentials are needed"
        );
    }

    #[test]
    fn a_credentials_problem_is_one_short_line() {
        use crate::aws::AwsError;
        let long = "ProviderError(ProviderError { source: FailedToLoadToken(..) })".repeat(10);
        assert_eq!(
            credentials_problem(&AwsError::NoCredentials {
                detail: long.clone()
            }),
            "none found"
        );
        let text = credentials_problem(&AwsError::CredentialsFailed { detail: long });
        assert!(!text.contains("ProviderError"), "{text}");
        assert!(text.len() < 100, "{text}");
    }

    #[test]
    fn versions_compare_by_number() {
        assert!(numbers("0.76.0") < numbers("0.194.0"));
        assert!(numbers("v3.17.2") > numbers("3.0.0"));
        assert_eq!(numbers("v1.32"), Some((1, 32, 0)));
    }

    #[test]
    fn a_required_failure_blocks_and_an_optional_one_does_not() {
        let report = Report {
            rows: vec![
                Row::new("kubectl", Status::Warn, "not found on PATH", false),
                Row::new("port 8080", Status::Ok, "free", false),
            ],
        };
        assert!(report.ready());
        let report = Report {
            rows: vec![Row::new("eksctl", Status::Fail, "not found on PATH", true).fix("install")],
        };
        assert!(!report.ready());
        let text = report.render();
        assert!(text.contains("✘ eksctl  not found on PATH"), "{text}");
        assert!(text.contains("→ install"), "{text}");
    }
}
