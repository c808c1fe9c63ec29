//! Container runtimes: what a simulated container does, chosen by image.
//! The kubelet asks the registry for the runtime of each container's image;
//! other parts of the simulator (a Trino runtime) register their own.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

use crate::sim::network::PortHandler;

/// Everything a runtime may look at to decide how a container behaves.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerContext {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub image: String,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub ports: Vec<u16>,
    pub pod_ip: String,
    pub node: String,
    /// How many times this container has been restarted before this start.
    pub restart_count: i32,
}

/// A line a container writes to its log `after` its start. It reads as its
/// text (`Deref<Target = str>`), which is what a log line is to its readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub after: Duration,
    pub text: String,
}

impl LogLine {
    pub fn new(after: Duration, text: impl Into<String>) -> LogLine {
        LogLine {
            after,
            text: text.into(),
        }
    }

    /// A line written as the process starts.
    pub fn at_start(text: impl Into<String>) -> LogLine {
        LogLine::new(Duration::ZERO, text)
    }
}

impl std::ops::Deref for LogLine {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for LogLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq<&str> for LogLine {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

/// How a container behaves once started. Must be a pure function of the
/// context: the kubelet asks again on every pass.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContainerBehaviour {
    /// Written to the container's log, each line at its own time after the
    /// start, in order.
    pub startup_logs: Vec<LogLine>,
    /// Time from start to Ready; None means the kubelet's default.
    pub readiness_delay: Option<Duration>,
    /// The container exits on its own.
    pub exit: Option<ContainerExit>,
    /// The liveness probe starts failing this long after start.
    pub liveness_fails_after: Option<Duration>,
    /// Reported in the Pulled event.
    pub image_size_bytes: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContainerExit {
    pub after: Duration,
    pub code: i32,
    pub logs: Vec<String>,
}

pub trait ContainerRuntime: Send + Sync + 'static {
    /// Whether this runtime simulates the image (e.g. "trinodb/trino:480").
    fn handles(&self, image: &str) -> bool;
    fn behaviour(&self, container: &ContainerContext) -> ContainerBehaviour;
    /// What listens on a container port once the container runs; None
    /// leaves the port closed.
    fn port_handler(&self, container: &ContainerContext, port: u16)
    -> Option<Arc<dyn PortHandler>>;
}

/// Runtimes by image, newest registration first, with a default for every
/// image no one claims. Cheap to clone.
#[derive(Clone)]
pub struct RuntimeRegistry {
    registered: Arc<RwLock<Vec<Arc<dyn ContainerRuntime>>>>,
    default: Arc<dyn ContainerRuntime>,
}

impl Default for RuntimeRegistry {
    fn default() -> Self {
        RuntimeRegistry {
            registered: Arc::default(),
            default: Arc::new(DefaultRuntime),
        }
    }
}

impl RuntimeRegistry {
    pub fn register(&self, runtime: Arc<dyn ContainerRuntime>) {
        self.registered
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(0, runtime);
    }

    pub fn for_image(&self, image: &str) -> Arc<dyn ContainerRuntime> {
        self.registered
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|r| r.handles(image))
            .cloned()
            .unwrap_or_else(|| self.default.clone())
    }
}

/// The runtime for every image no one else simulates: a web server that
/// answers any HTTP request with a small page naming the pod, and nginx's
/// start-up lines for nginx images. A shell command that ends in `exit N`
/// (or is just `false`) exits with that code, which is how lessons show
/// CrashLoopBackOff.
pub struct DefaultRuntime;

impl ContainerRuntime for DefaultRuntime {
    fn handles(&self, _image: &str) -> bool {
        true
    }

    fn behaviour(&self, c: &ContainerContext) -> ContainerBehaviour {
        let startup_logs = if image_name(&c.image).ends_with("nginx") {
            nginx_startup_lines()
        } else {
            vec![format!(
                "serving HTTP for {} on {}",
                c.pod,
                port_list(&c.ports)
            )]
        }
        .into_iter()
        .map(LogLine::at_start)
        .collect();
        ContainerBehaviour {
            startup_logs,
            readiness_delay: None,
            exit: exit_of(c),
            liveness_fails_after: None,
            image_size_bytes: 72_995_312,
        }
    }

    fn port_handler(&self, c: &ContainerContext, _port: u16) -> Option<Arc<dyn PortHandler>> {
        Some(Arc::new(HelloHandler { pod: c.pod.clone() }))
    }
}

fn port_list(ports: &[u16]) -> String {
    if ports.is_empty() {
        return "port 80".to_string();
    }
    let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
    format!("port {}", ports.join(", "))
}

/// "docker.io/library/nginx:1.27@sha256:..." -> "nginx".
pub fn image_name(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split(':').next().unwrap_or(last)
}

fn exit_of(c: &ContainerContext) -> Option<ContainerExit> {
    let script: Vec<&str> = c
        .command
        .iter()
        .chain(&c.args)
        .map(String::as_str)
        .collect();
    let last = script.last()?.trim();
    let code = if last == "false" {
        1
    } else {
        let tail = last.rsplit([';', '&', '|']).next()?.trim();
        tail.strip_prefix("exit ")?.trim().parse().ok()?
    };
    Some(ContainerExit {
        after: Duration::from_secs(2),
        code,
        logs: vec![format!("{}: exiting with status {code}", c.container)],
    })
}

fn nginx_startup_lines() -> Vec<String> {
    [
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
        "nginx: [notice] 1#1: using the \"epoll\" event method",
        "nginx: [notice] 1#1: start worker processes",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// A minimal HTTP/1.1 responder: reads one request head, answers with a
/// small HTML page, and closes. Enough for curl, browsers and port-forward.
struct HelloHandler {
    pod: String,
}

impl PortHandler for HelloHandler {
    fn serve(&self, mut conn: DuplexStream) -> BoxFuture<'static, ()> {
        let body = format!(
            "<!DOCTYPE html>\n<html><head><title>hello</title></head>\n<body><h1>hello from {}</h1></body></html>\n",
            self.pod
        );
        Box::pin(async move {
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
                match conn.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = conn.write_all(response.as_bytes()).await;
            let _ = conn.shutdown().await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(image: &str, command: &[&str]) -> ContainerContext {
        ContainerContext {
            namespace: "default".into(),
            pod: "web-abc".into(),
            container: "web".into(),
            image: image.into(),
            command: command.iter().map(|s| s.to_string()).collect(),
            args: vec![],
            env: BTreeMap::new(),
            ports: vec![80],
            pod_ip: "192.168.1.2".into(),
            node: "n".into(),
            restart_count: 0,
        }
    }

    struct Fake;
    impl ContainerRuntime for Fake {
        fn handles(&self, image: &str) -> bool {
            image.starts_with("trinodb/trino")
        }
        fn behaviour(&self, _: &ContainerContext) -> ContainerBehaviour {
            ContainerBehaviour {
                readiness_delay: Some(Duration::from_secs(30)),
                ..Default::default()
            }
        }
        fn port_handler(&self, _: &ContainerContext, _: u16) -> Option<Arc<dyn PortHandler>> {
            None
        }
    }

    #[test]
    fn registered_runtimes_win_for_their_images() {
        let registry = RuntimeRegistry::default();
        registry.register(Arc::new(Fake));
        let trino = registry.for_image("trinodb/trino:480");
        assert_eq!(
            trino
                .behaviour(&ctx("trinodb/trino:480", &[]))
                .readiness_delay,
            Some(Duration::from_secs(30))
        );
        let nginx = registry.for_image("nginx:1.27");
        assert!(
            nginx
                .behaviour(&ctx("nginx:1.27", &[]))
                .startup_logs
                .iter()
                .any(|l| l.contains("ready for start up"))
        );
    }

    #[test]
    fn shell_exits_are_simulated() {
        let b = DefaultRuntime.behaviour(&ctx("busybox", &["sh", "-c", "echo hi; exit 3"]));
        assert_eq!(b.exit.map(|e| e.code), Some(3));
        assert_eq!(
            DefaultRuntime
                .behaviour(&ctx("busybox", &["false"]))
                .exit
                .map(|e| e.code),
            Some(1)
        );
        assert_eq!(
            DefaultRuntime
                .behaviour(&ctx("busybox", &["sleep", "3600"]))
                .exit,
            None
        );
    }

    #[test]
    fn image_names_drop_registry_tag_and_digest() {
        assert_eq!(
            image_name("docker.io/library/nginx:1.27@sha256:abc"),
            "nginx"
        );
        assert_eq!(image_name("trinodb/trino"), "trino");
    }

    #[tokio::test]
    async fn the_default_handler_answers_http() {
        let handler = DefaultRuntime.port_handler(&ctx("nginx", &[]), 80).unwrap();
        let (mut client, server) = tokio::io::duplex(4096);
        tokio::spawn(handler.serve(server));
        client
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut reply = String::new();
        client.read_to_string(&mut reply).await.unwrap();
        assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
        assert!(reply.contains("hello from web-abc"));
    }
}
