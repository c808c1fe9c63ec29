//! The machine's real `kubectl port-forward` against the simulated cluster:
//! to a Service, a Deployment and a Pod, over the WebSocket tunnel kubectl
//! 1.32 tries first and over the plain SPDY upgrade it falls back to; two
//! connections in a row and at once; and kubectl's own error for a pod that
//! is not running.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::Child;

use crate::support::cluster::Cluster;

const APP: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  replicas: 1
  selector:
    matchLabels:
      app: hello
  template:
    metadata:
      labels:
        app: hello
    spec:
      containers:
      - name: hello
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: hello
spec:
  selector:
    app: hello
  ports:
  - port: 8080
    targetPort: 80
";

/// A pod that no node can take: it stays Pending.
const PENDING: &str = "apiVersion: v1
kind: Pod
metadata:
  name: stuck
spec:
  nodeSelector:
    no-such-label: x
  containers:
  - name: web
    image: nginx:1.27
    ports:
    - containerPort: 80
";

/// How kubectl reaches the server; each forward checks, from kubectl's own
/// log (`-v=6`), that it got the one it asked for and did not fall back.
#[derive(Clone, Copy, Debug)]
enum Transport {
    /// kubectl 1.32's default: SPDY tunnelled through a WebSocket.
    Tunnel,
    /// `KUBECTL_PORT_FORWARD_WEBSOCKETS=false`: a POST upgraded to SPDY/3.1.
    Spdy,
}

const BOTH: [Transport; 2] = [Transport::Tunnel, Transport::Spdy];

async fn cluster_with_app() -> (Cluster, String) {
    let sim = Cluster::start().await;
    let file = sim.dir.path().join("app.yaml");
    std::fs::write(&file, APP).expect("write manifest");
    sim.kubectl(&["apply", "-f", &file.display().to_string()])
        .await;
    sim.kubectl(&["rollout", "status", "deployment/hello", "--timeout=60s"])
        .await;
    let pod = sim
        .kubectl(&[
            "get",
            "pods",
            "-l",
            "app=hello",
            "-o",
            "jsonpath={.items[0].metadata.name}",
        ])
        .await;
    assert!(!pod.is_empty(), "the Deployment has a pod");
    (sim, pod)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .expect("local address")
        .port()
}

/// A running `kubectl port-forward`, killed when dropped.
struct Forward {
    _child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Forward {
    /// Waits (bounded) until kubectl has printed `text` on stderr.
    async fn wait_for_stderr(&self, text: &str) {
        for _ in 0..200 {
            if self.stderr.lock().expect("stderr lock").contains(text) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let printed = self.stderr.lock().expect("stderr lock").clone();
        panic!("kubectl did not print {text:?} within 10 s; it printed: {printed}");
    }
}

async fn port_forward(sim: &Cluster, target: &str, remote: u16, transport: Transport) -> Forward {
    let port = free_port();
    let dir = sim.dir.path();
    let mut cmd = tokio::process::Command::new("kubectl");
    cmd.args(["port-forward", "-v=6", target, &format!("{port}:{remote}")])
        .env("KUBECONFIG", sim.kubeconfig())
        .env("KUBECACHEDIR", dir.join("cache"))
        .env("HOME", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Transport::Spdy = transport {
        cmd.env("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false");
    }
    let mut child = cmd.spawn().expect("kubectl runs");
    let stderr = Arc::new(Mutex::new(String::new()));
    let mut errors = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
    let printed = stderr.clone();
    tokio::spawn(async move {
        while let Ok(Some(line)) = errors.next_line().await {
            let mut printed = printed.lock().expect("stderr lock");
            printed.push_str(&line);
            printed.push('\n');
        }
    });
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let wanted = format!("Forwarding from 127.0.0.1:{port}");
    tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("read kubectl's output") {
            if line.contains(&wanted) {
                return;
            }
        }
        panic!("kubectl port-forward {target} ended before forwarding");
    })
    .await
    .unwrap_or_else(|_| panic!("kubectl port-forward {target} did not forward within 60 s"));
    // kubectl prints a line per connection: keep reading so it never blocks.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let forward = Forward {
        _child: child,
        port,
        stderr,
    };
    match transport {
        Transport::Tunnel => {
            forward
                .wait_for_stderr("negotiated protocol: portforward.k8s.io")
                .await
        }
        Transport::Spdy => {
            forward
                .wait_for_stderr("/portforward 101 Switching Protocols")
                .await;
            let printed = forward.stderr.lock().expect("stderr lock").clone();
            assert!(printed.contains("POST http"), "{printed}");
            assert!(!printed.contains("negotiated protocol"), "{printed}");
        }
    }
    forward
}

async fn connect(forward: &Forward) -> TcpStream {
    TcpStream::connect(("127.0.0.1", forward.port))
        .await
        .expect("connect to the forwarded port")
}

async fn read_reply(mut conn: TcpStream) -> String {
    let mut reply = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), conn.read_to_end(&mut reply))
        .await
        .expect("the reply ends within 20 s")
        .expect("read the reply");
    String::from_utf8_lossy(&reply).into_owned()
}

async fn get(forward: &Forward) -> String {
    let mut conn = connect(forward).await;
    conn.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("send the request");
    read_reply(conn).await
}

fn assert_hello(reply: &str, pod: &str) {
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    assert!(reply.contains(&format!("hello from {pod}")), "{reply}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_forward_to_a_service_a_deployment_and_a_pod() {
    let (sim, pod) = cluster_with_app().await;
    for (target, remote) in [
        ("svc/hello".to_string(), 8080),
        ("deploy/hello".to_string(), 80),
        (format!("pod/{pod}"), 80),
    ] {
        let forward = port_forward(&sim, &target, remote, Transport::Tunnel).await;
        // Several connections through one forward, one after the other.
        for _ in 0..2 {
            assert_hello(&get(&forward).await, &pod);
        }
    }
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_forward_over_the_plain_spdy_upgrade() {
    let (sim, pod) = cluster_with_app().await;
    let forward = port_forward(&sim, "svc/hello", 8080, Transport::Spdy).await;
    for _ in 0..2 {
        assert_hello(&get(&forward).await, &pod);
    }
    sim.stop().await;
}

/// The first connection stays open, half-way through its request, while
/// the second one is answered: both are forwarded at the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_connections_at_once() {
    let (sim, pod) = cluster_with_app().await;
    for transport in BOTH {
        let forward = port_forward(&sim, "deploy/hello", 80, transport).await;
        let mut first = connect(&forward).await;
        first
            .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
            .await
            .expect("send half a request");
        let mut second = connect(&forward).await;
        second
            .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .expect("send a request");
        assert_hello(&read_reply(second).await, &pod);
        first
            .write_all(b"Connection: close\r\n\r\n")
            .await
            .expect("finish the request");
        assert_hello(&read_reply(first).await, &pod);
    }
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pod_that_is_not_running_gets_kubectls_error() {
    let sim = Cluster::start().await;
    let file = sim.dir.path().join("pending.yaml");
    std::fs::write(&file, PENDING).expect("write manifest");
    sim.kubectl(&["apply", "-f", &file.display().to_string()])
        .await;
    let port = free_port().to_string();
    let (code, _, stderr) = sim
        .kubectl_status(&["port-forward", "pod/stuck", &format!("{port}:80")])
        .await;
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr.trim(),
        "error: unable to forward port because pod is not running. Current status=Pending"
    );
    sim.stop().await;
}

/// Nothing listens on port 81: the connection closes without a byte, and
/// kubectl prints the error the server wrote on the error stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_nothing_listens_on_is_refused() {
    let (sim, pod) = cluster_with_app().await;
    for transport in BOTH {
        let forward = port_forward(&sim, &format!("pod/{pod}"), 81, transport).await;
        assert_eq!(get(&forward).await, "");
        forward
            .wait_for_stderr(&format!(
                "error forwarding port 81 to pod {pod} in namespace default: connection refused"
            ))
            .await;
    }
    sim.stop().await;
}

/// A client that hangs up half-way through its request: kubectl finishes the
/// data stream, the pod reads end-of-file and closes, and so does the
/// forwarded connection; the forward keeps serving the next one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_hangs_up_early_closes_the_pod_connection() {
    let (sim, pod) = cluster_with_app().await;
    for transport in BOTH {
        let forward = port_forward(&sim, "svc/hello", 8080, transport).await;
        let mut conn = connect(&forward).await;
        conn.write_all(b"GET / HTTP/1.1\r\n")
            .await
            .expect("send half a request");
        conn.shutdown().await.expect("half-close");
        assert_eq!(read_reply(conn).await, "");
        assert_hello(&get(&forward).await, &pod);
    }
    sim.stop().await;
}
