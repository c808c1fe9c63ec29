//! Runs a lesson's declarative checks against a cluster, an EKS endpoint or an
//! HTTP URL. The same code serves every backend; only the endpoints differ.
//!
//! Kubernetes checks are watch-driven: they resolve as soon as the condition
//! holds, and at the timeout they report the last state they saw.

mod eks;
mod eval;
mod eval_pods;
mod http;
mod watch;

use std::time::Duration;

use crate::lesson::{Check, CheckKind};

pub use eks::EksTarget;
pub use eval::Evaluation;

/// Where checks look. A check whose endpoint is missing fails with a clear reason.
#[derive(Clone, Default)]
pub struct CheckContext {
    pub kube: Option<kube::Client>,
    pub eks: Option<EksTarget>,
    pub http: reqwest::Client,
    /// Local ports a port-forward asked for but found taken, with the port it
    /// used instead: an `http` check on 127.0.0.1 or localhost follows it.
    pub moved_ports: std::collections::BTreeMap<u16, u16>,
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    Passed {
        /// What was seen when the condition held.
        seen: String,
        elapsed: Duration,
    },
    Failed {
        /// The last state seen before giving up, or why nothing could be seen.
        last_seen: String,
        hint: String,
        elapsed: Duration,
    },
}

impl CheckOutcome {
    pub fn passed(&self) -> bool {
        matches!(self, CheckOutcome::Passed { .. })
    }
}

/// Run one check (with profile variables already expanded) until it passes or
/// its timeout ends.
pub async fn run(ctx: &CheckContext, check: &Check) -> CheckOutcome {
    let started = tokio::time::Instant::now();
    let result = match &check.kind {
        CheckKind::Http {
            url,
            status,
            json_field,
            equals,
        } => {
            let want = http::HttpWant {
                status: *status,
                json_field: json_field.as_deref(),
                equals: equals.as_ref(),
            };
            let url = http::follow_moved_port(url, &ctx.moved_ports);
            http::poll(&ctx.http, &url, &want, check.timeout).await
        }
        CheckKind::EksCluster {
            name,
            region,
            status,
        } => {
            let want = eks::EksWant::ClusterStatus { name, status };
            eks_poll(ctx, region, &want, check).await
        }
        CheckKind::EksNodegroup {
            cluster,
            nodegroup,
            region,
            status,
        } => {
            let want = eks::EksWant::NodegroupStatus {
                cluster,
                nodegroup,
                status,
            };
            eks_poll(ctx, region, &want, check).await
        }
        CheckKind::Absent {
            resource,
            name: Some(name),
            region,
            ..
        } if resource == "eks-cluster" => {
            let region = region.as_deref().unwrap_or("us-east-1");
            let want = eks::EksWant::ClusterAbsent { name };
            eks_poll(ctx, region, &want, check).await
        }
        kind => match &ctx.kube {
            Some(client) => watch::until(client.clone(), kind, check.timeout).await,
            None => Err("no Kubernetes cluster is configured for this backend".to_string()),
        },
    };
    let elapsed = started.elapsed();
    match result {
        Ok(seen) => CheckOutcome::Passed { seen, elapsed },
        Err(last_seen) => CheckOutcome::Failed {
            last_seen,
            hint: check.hint.clone(),
            elapsed,
        },
    }
}

async fn eks_poll(
    ctx: &CheckContext,
    region: &str,
    want: &eks::EksWant<'_>,
    check: &Check,
) -> Result<String, String> {
    match &ctx.eks {
        Some(target) => eks::poll(target, region, want, check.timeout).await,
        None => Err(
            "EKS checks need an EKS endpoint, and none is configured for this backend".to_string(),
        ),
    }
}

/// Try `attempt` every `every` until it answers Ok or `timeout` ends; on
/// timeout, report the last thing an attempt saw.
pub(crate) async fn poll_until<F, Fut>(
    timeout: Duration,
    every: Duration,
    first_seen: String,
    mut attempt: F,
) -> Result<String, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<String, String>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last_seen = first_seen;
    loop {
        match tokio::time::timeout_at(deadline, attempt()).await {
            Ok(Ok(seen)) => return Ok(seen),
            Ok(Err(seen)) => last_seen = seen,
            Err(_) => break,
        }
        if tokio::time::Instant::now() + every >= deadline {
            break;
        }
        tokio::time::sleep(every).await;
    }
    Err(format!(
        "timed out after {}; last seen: {last_seen}",
        watch::humanize(timeout)
    ))
}

/// A kube client for a plain-http API server such as the simulator's.
pub fn client_for_url(url: &str) -> Result<kube::Client, String> {
    let uri = url
        .parse()
        .map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    kube::Client::try_from(kube::Config::new(uri))
        .map_err(|e| format!("cannot build a client for {url}: {e}"))
}
