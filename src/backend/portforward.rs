//! `kubectl port-forward`, carried out by trinetes itself through kube-rs: a
//! loopback listener, and one port-forward stream per accepted connection.
//! The same code serves the simulator and real clusters.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::{Api, ListParams};
use kube::{Client, ResourceExt};
use tokio::net::{TcpListener, TcpStream};
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

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Pod(name) => write!(f, "pod/{name}"),
            Target::Service(name) => write!(f, "svc/{name}"),
            Target::Deployment(name) => write!(f, "deploy/{name}"),
        }
    }
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

/// What the status bar shows of one open forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardStatus {
    pub local: SocketAddr,
    /// The local port asked for, when it was taken and another was used.
    pub wanted_port_taken: Option<u16>,
    /// As the command named it: `svc/tcb-trino`, `pod/web-1`.
    pub target: String,
    /// Why connections fail right now (the pod is gone), once noticed.
    pub problem: Option<String>,
}

impl ForwardStatus {
    /// `127.0.0.1:8080 → svc/tcb-trino`, with the problem when there is one.
    pub fn label(&self) -> String {
        match &self.problem {
            Some(problem) => format!("{} → {} ({problem})", self.local, self.target),
            None => format!("{} → {}", self.local, self.target),
        }
    }
}

/// A running forward; dropping or stopping it closes the listener and every stream.
pub struct PortForward {
    pub local: SocketAddr,
    /// The command's arguments: running the same command again replaces it.
    pub args: PortForwardArgs,
    /// The local port asked for, when it was taken and another was used.
    pub wanted_port_taken: Option<u16>,
    route: Arc<Mutex<Route>>,
    cancel: CancellationToken,
    task: Option<JoinHandle<()>>,
}

/// Where connections go now, and what went wrong last.
#[derive(Debug, Clone)]
struct Route {
    pod: String,
    remote_port: u16,
    problem: Option<String>,
}

impl PortForward {
    pub async fn stop(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// The pod connections go to now (a Service's may change).
    pub fn pod(&self) -> String {
        lock(&self.route).pod.clone()
    }

    pub fn status(&self) -> ForwardStatus {
        ForwardStatus {
            local: self.local,
            wanted_port_taken: self.wanted_port_taken,
            target: self.args.target.to_string(),
            problem: lock(&self.route).problem.clone(),
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

fn lock(route: &Mutex<Route>) -> std::sync::MutexGuard<'_, Route> {
    route.lock().unwrap_or_else(|e| e.into_inner())
}

/// Resolve the target to a running pod, bind a loopback port and start forwarding.
pub async fn start(
    client: Client,
    default_namespace: &str,
    args: &PortForwardArgs,
) -> Result<PortForward, PortForwardError> {
    let namespace = args
        .namespace
        .as_deref()
        .unwrap_or(default_namespace)
        .to_string();
    let (pod, remote_port) = resolve(&client, &namespace, &args.target, args.remote_port).await?;
    let (listener, wanted_port_taken) = bind_near(args.local_port).await?;
    let local = listener
        .local_addr()
        .map_err(|e| PortForwardError::Kube(e.to_string()))?;
    let cancel = CancellationToken::new();
    let route = Arc::new(Mutex::new(Route {
        pod,
        remote_port,
        problem: None,
    }));
    let upstream = Upstream {
        client,
        namespace,
        target: args.target.clone(),
        port: args.remote_port,
        route: route.clone(),
    };
    let task = tokio::spawn(serve(listener, upstream, cancel.clone()));
    Ok(PortForward {
        local,
        args: args.clone(),
        wanted_port_taken,
        route,
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

/// What one accepted connection is forwarded to.
#[derive(Clone)]
struct Upstream {
    client: Client,
    namespace: String,
    target: Target,
    /// The port the command named (a Service's port, for a Service).
    port: u16,
    route: Arc<Mutex<Route>>,
}

impl Upstream {
    /// The pod and port for a new connection. A Service or Deployment is
    /// looked up again each time, so the forward follows it to a new pod
    /// (kubectl ends with "lost connection to pod" instead).
    async fn pick(&self) -> Result<(String, u16), PortForwardError> {
        if matches!(self.target, Target::Pod(_)) {
            let route = lock(&self.route);
            return Ok((route.pod.clone(), route.remote_port));
        }
        let (pod, remote_port) =
            resolve(&self.client, &self.namespace, &self.target, self.port).await?;
        let mut route = lock(&self.route);
        if route.pod != pod {
            tracing::info!(
                "port-forward to {} now goes to pod {pod} (was {})",
                self.target,
                route.pod
            );
            route.pod.clone_from(&pod);
            route.remote_port = remote_port;
        }
        Ok((pod, remote_port))
    }

    /// Records a failure; only a new one is logged, so a browser retrying
    /// does not fill the log with the same warning.
    fn failed(&self, problem: String) {
        let mut route = lock(&self.route);
        if route.problem.as_deref() != Some(problem.as_str()) {
            tracing::warn!("port-forward to {}: {problem}", self.target);
            route.problem = Some(problem);
        }
    }

    fn succeeded(&self) {
        lock(&self.route).problem = None;
    }

    async fn connect(&self, mut socket: TcpStream) {
        let (pod, port) = match self.pick().await {
            Ok(picked) => picked,
            Err(e) => return self.failed(e.to_string()),
        };
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        if let Target::Pod(_) = self.target
            && matches!(pods.get_opt(&pod).await, Ok(None))
        {
            return self.failed(format!("pod {pod} is gone"));
        }
        match pods.portforward(&pod, &[port]).await {
            Ok(mut forwarder) => {
                self.succeeded();
                if let Some(mut upstream) = forwarder.take_stream(port) {
                    let _ = tokio::io::copy_bidirectional(&mut socket, &mut upstream).await;
                }
                forwarder.abort();
            }
            Err(err) => self.failed(format!("cannot reach pod {pod}:{port}: {err}")),
        }
    }
}

async fn serve(listener: TcpListener, upstream: Upstream, cancel: CancellationToken) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            () = cancel.cancelled() => break,
            accepted = listener.accept() => {
                let Ok((socket, _)) = accepted else { continue };
                let upstream = upstream.clone();
                connections.spawn(async move { upstream.connect(socket).await });
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
        .find(|p| {
            p.metadata.deletion_timestamp.is_none()
                && p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
        })
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

/// `text` with every `127.0.0.1:PORT` and `localhost:PORT` whose port a
/// forward had to move (`moved`: wanted → used) naming the port used, so
/// prose agrees with the forward the learner really has.
pub fn follow_moved_ports<'a>(text: &'a str, moved: &BTreeMap<u16, u16>) -> Cow<'a, str> {
    if moved.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some((at, host)) = ["127.0.0.1:", "localhost:"]
        .iter()
        .filter_map(|h| rest.find(h).map(|i| (i, *h)))
        .min()
    {
        let after = at + host.len();
        let digits = rest[after..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - after);
        out.push_str(&rest[..after]);
        let port = &rest[after..after + digits];
        match port.parse::<u16>().ok().and_then(|p| moved.get(&p)) {
            Some(to) => {
                out.push_str(&to.to_string());
                changed = true;
            }
            None => out.push_str(port),
        }
        rest = &rest[after + digits..];
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    out.push_str(rest);
    Cow::Owned(out)
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

    #[test]
    fn prose_follows_a_moved_port_and_nothing_else() {
        let moved = [(8080, 8081)].into_iter().collect();
        assert_eq!(
            follow_moved_ports(
                "Open <http://127.0.0.1:8080> or localhost:8080/ui; 127.0.0.1:80800 and host:8080 stay.",
                &moved
            ),
            "Open <http://127.0.0.1:8081> or localhost:8081/ui; 127.0.0.1:80800 and host:8080 stay."
        );
        assert!(matches!(
            follow_moved_ports("ends with 127.0.0.1:", &moved),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            follow_moved_ports("127.0.0.1:8080", &BTreeMap::new()),
            Cow::Borrowed(_)
        ));
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
