//! `kubectl port-forward`, carried out by trinetes itself through kube-rs: a
//! loopback listener, and one port-forward stream per accepted connection.
//! The same code serves the simulator and real clusters.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::{Api, ListParams};
use kube::{Client, ResourceExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// How many ports past the wanted one to try when it is taken.
const PORT_SEARCH: u16 = 20;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PortForwardError {
    #[error("usage: kubectl port-forward [-n NAMESPACE] TYPE/NAME [LOCAL_PORT:]REMOTE_PORT ({0})")]
    Usage(String),
    #[error("{0}")]
    NotFound(String),
    #[error("no local port free between {from} and {to} on 127.0.0.1")]
    NoFreePort { from: u16, to: u16 },
    #[error("{0}")]
    Kube(String),
}

/// What to forward to, as kubectl's arguments name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Pod(String),
    Service(String),
    Deployment(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortForwardArgs {
    pub namespace: Option<String>,
    pub target: Target,
    pub local_port: u16,
    pub remote_port: u16,
}

/// Parse the words after `kubectl`: `port-forward [-n NS] TARGET [LOCAL:]REMOTE`.
pub fn parse_args(words: &[String]) -> Result<PortForwardArgs, PortForwardError> {
    let mut namespace = None;
    let mut positional = Vec::new();
    let mut iter = words.iter().skip_while(|w| *w != "port-forward").skip(1);
    while let Some(word) = iter.next() {
        match word.as_str() {
            "-n" | "--namespace" => {
                let ns = iter
                    .next()
                    .ok_or_else(|| PortForwardError::Usage(format!("{word} needs a value")))?;
                namespace = Some(ns.clone());
            }
            w if w.starts_with("--namespace=") => {
                namespace = Some(w["--namespace=".len()..].to_string())
            }
            "--address" => {
                let addr = iter.next().map(String::as_str).unwrap_or_default();
                if addr != "127.0.0.1" && addr != "localhost" {
                    return Err(PortForwardError::Usage(format!(
                        "trinetes forwards on 127.0.0.1 only, not {addr:?}"
                    )));
                }
            }
            w if w.starts_with('-') => {
                return Err(PortForwardError::Usage(format!("unknown flag {w}")));
            }
            w => positional.push(w.to_string()),
        }
    }
    let [target, ports] = positional.as_slice() else {
        return Err(PortForwardError::Usage(format!(
            "expected a target and one port mapping, got {}",
            positional.len()
        )));
    };
    let target = match target.split_once('/') {
        None => Target::Pod(target.clone()),
        Some(("pod" | "pods" | "po", name)) => Target::Pod(name.to_string()),
        Some(("svc" | "service" | "services", name)) => Target::Service(name.to_string()),
        Some(("deploy" | "deployment" | "deployments", name)) => {
            Target::Deployment(name.to_string())
        }
        Some((kind, _)) => {
            return Err(PortForwardError::Usage(format!(
                "cannot forward to a {kind}"
            )));
        }
    };
    let port = |s: &str| {
        s.parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| PortForwardError::Usage(format!("{s:?} is not a port number")))
    };
    let (local_port, remote_port) = match ports.split_once(':') {
        Some((local, remote)) => (port(local)?, port(remote)?),
        None => (port(ports)?, port(ports)?),
    };
    Ok(PortForwardArgs {
        namespace,
        target,
        local_port,
        remote_port,
    })
}

/// A running forward; dropping or stopping it closes the listener and every stream.
pub struct PortForward {
    pub local: SocketAddr,
    pub pod: String,
    /// The local port asked for, when it was taken and another was used.
    pub wanted_port_taken: Option<u16>,
    cancel: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl PortForward {
    pub async fn stop(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// The line kubectl prints, plus a note when the wanted port was taken.
    pub fn describe(&self, remote_port: u16) -> String {
        let mut text = format!("Forwarding from {} -> {remote_port}", self.local);
        if let Some(wanted) = self.wanted_port_taken {
            text.push_str(&format!(" (127.0.0.1:{wanted} was already in use)"));
        }
        text
    }
}

impl Drop for PortForward {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Resolve the target to a running pod, bind a loopback port and start forwarding.
pub async fn start(
    client: Client,
    default_namespace: &str,
    args: &PortForwardArgs,
) -> Result<PortForward, PortForwardError> {
    let namespace = args.namespace.as_deref().unwrap_or(default_namespace);
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let (pod, remote_port) = resolve(&client, namespace, &args.target, args.remote_port).await?;
    let (listener, wanted_port_taken) = bind_near(args.local_port).await?;
    let local = listener
        .local_addr()
        .map_err(|e| PortForwardError::Kube(e.to_string()))?;
    let cancel = CancellationToken::new();
    let task = tokio::spawn(serve(
        listener,
        pods,
        pod.clone(),
        remote_port,
        cancel.clone(),
    ));
    Ok(PortForward {
        local,
        pod,
        wanted_port_taken,
        cancel,
        task: Some(task),
    })
}

async fn bind_near(wanted: u16) -> Result<(TcpListener, Option<u16>), PortForwardError> {
    let last = wanted.saturating_add(PORT_SEARCH);
    for port in wanted..=last {
        if let Ok(listener) = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await
        {
            return Ok((listener, (port != wanted).then_some(wanted)));
        }
    }
    Err(PortForwardError::NoFreePort {
        from: wanted,
        to: last,
    })
}

async fn serve(
    listener: TcpListener,
    pods: Api<Pod>,
    pod: String,
    port: u16,
    cancel: CancellationToken,
) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            () = cancel.cancelled() => break,
            accepted = listener.accept() => {
                let Ok((mut socket, _)) = accepted else { continue };
                let pods = pods.clone();
                let pod = pod.clone();
                connections.spawn(async move {
                    match pods.portforward(&pod, &[port]).await {
                        Ok(mut forwarder) => {
                            if let Some(mut upstream) = forwarder.take_stream(port) {
                                let _ = tokio::io::copy_bidirectional(&mut socket, &mut upstream).await;
                            }
                            forwarder.abort();
                        }
                        Err(err) => tracing::warn!("port-forward to {pod}:{port} failed: {err}"),
                    }
                });
            }
        }
    }
    connections.shutdown().await;
}

/// Find a Running pod for the target and the container port number to reach.
async fn resolve(
    client: &Client,
    namespace: &str,
    target: &Target,
    port: u16,
) -> Result<(String, u16), PortForwardError> {
    let kube_err = |e: kube::Error| PortForwardError::Kube(e.to_string());
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let (selector, named_port) = match target {
        Target::Pod(name) => {
            let pod =
                pods.get_opt(name).await.map_err(kube_err)?.ok_or_else(|| {
                    PortForwardError::NotFound(format!("pods \"{name}\" not found"))
                })?;
            return Ok((pod.name_any(), port));
        }
        Target::Deployment(name) => {
            let deployments: Api<Deployment> = Api::namespaced(client.clone(), namespace);
            let dep = deployments
                .get_opt(name)
                .await
                .map_err(kube_err)?
                .ok_or_else(|| {
                    PortForwardError::NotFound(format!("deployments.apps \"{name}\" not found"))
                })?;
            (dep.spec.selector.match_labels.unwrap_or_default(), None)
        }
        Target::Service(name) => {
            let services: Api<Service> = Api::namespaced(client.clone(), namespace);
            let svc = services
                .get_opt(name)
                .await
                .map_err(kube_err)?
                .ok_or_else(|| {
                    PortForwardError::NotFound(format!("services \"{name}\" not found"))
                })?;
            let spec = svc.spec.unwrap_or_default();
            let target_port = spec
                .ports
                .unwrap_or_default()
                .into_iter()
                .find(|p| p.port == i32::from(port))
                .and_then(|p| p.target_port);
            (spec.selector.unwrap_or_default(), target_port)
        }
    };
    let labels = selector_string(&selector);
    let candidates = pods
        .list(&ListParams::default().labels(&labels))
        .await
        .map_err(kube_err)?;
    let pod = candidates
        .items
        .into_iter()
        .find(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
        .ok_or_else(|| PortForwardError::NotFound(format!("no running pod matches {labels:?}")))?;
    let remote = match named_port {
        None => port,
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n)) => u16::try_from(n)
            .map_err(|_| PortForwardError::NotFound(format!("bad target port {n}")))?,
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(name)) => pod
            .spec
            .as_ref()
            .into_iter()
            .flat_map(|s| s.containers.iter())
            .flat_map(|c| c.ports.iter().flatten())
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .and_then(|p| u16::try_from(p.container_port).ok())
            .ok_or_else(|| {
                PortForwardError::NotFound(format!(
                    "pod {} has no port named {name:?}",
                    pod.name_any()
                ))
            })?,
    };
    Ok((pod.name_any(), remote))
}

fn selector_string(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn parses_the_episode_and_current_forms() {
        let episode = parse_args(&words(
            "kubectl port-forward tcb-trino-coordinator-abc 8080:8080",
        ))
        .expect("parses");
        assert_eq!(
            episode.target,
            Target::Pod("tcb-trino-coordinator-abc".into())
        );
        assert_eq!((episode.local_port, episode.remote_port), (8080, 8080));
        let current = parse_args(&words(
            "kubectl port-forward -n default svc/tcb-trino 9090:8080",
        ))
        .expect("parses");
        assert_eq!(current.target, Target::Service("tcb-trino".into()));
        assert_eq!(current.namespace.as_deref(), Some("default"));
        assert_eq!((current.local_port, current.remote_port), (9090, 8080));
        let single = parse_args(&words("kubectl port-forward deploy/web 80")).expect("parses");
        assert_eq!((single.local_port, single.remote_port), (80, 80));
    }

    #[test]
    fn rejects_what_it_cannot_do() {
        let bad = |s: &str| parse_args(&words(s)).expect_err(s).to_string();
        assert!(
            bad("kubectl port-forward svc/x").contains("expected a target and one port mapping")
        );
        assert!(
            bad("kubectl port-forward svc/x 8080:http").contains("\"http\" is not a port number")
        );
        assert!(
            bad("kubectl port-forward --address 0.0.0.0 svc/x 8080").contains("127.0.0.1 only")
        );
        assert!(bad("kubectl port-forward job/x 8080").contains("cannot forward to a job"));
        assert!(bad("kubectl port-forward --bogus svc/x 8080").contains("unknown flag --bogus"));
    }

    #[tokio::test]
    async fn a_taken_port_moves_to_the_next_free_one() {
        let taken = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = taken.local_addr().expect("addr").port();
        let (listener, wanted) = bind_near(port).await.expect("a free port nearby");
        let got = listener.local_addr().expect("addr").port();
        assert_ne!(got, port);
        assert!(got > port && got <= port + PORT_SEARCH);
        assert_eq!(wanted, Some(port));
    }
}
