//! The simulated pod network: container ports bound to in-process handlers,
//! reached by port-forward through an in-memory byte stream.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use tokio::io::DuplexStream;

/// Buffer size of each in-memory connection, per direction.
const PIPE_BUFFER: usize = 64 * 1024;

/// Something listening on a container port.
pub trait PortHandler: Send + Sync + 'static {
    /// Serve one accepted connection (already a byte stream) until it closes.
    fn serve(&self, conn: DuplexStream) -> BoxFuture<'static, ()>;
}

type PortKey = (String, String, u16);

/// Which pod ports are listening; cheap to clone.
#[derive(Clone, Default)]
pub struct PodNetwork {
    ports: Arc<Mutex<HashMap<PortKey, Arc<dyn PortHandler>>>>,
}

impl PodNetwork {
    fn ports(&self) -> std::sync::MutexGuard<'_, HashMap<PortKey, Arc<dyn PortHandler>>> {
        self.ports.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Listens on `port` of the pod; replaces an earlier handler on that port.
    pub fn bind(&self, ns: &str, pod: &str, port: u16, handler: Arc<dyn PortHandler>) {
        self.ports()
            .insert((ns.to_string(), pod.to_string(), port), handler);
    }

    /// Stops every listener of the pod (it stopped or was deleted).
    pub fn unbind_pod(&self, ns: &str, pod: &str) {
        self.ports().retain(|(n, p, _), _| !(n == ns && p == pod));
    }

    /// The ports of a pod that are listening, sorted.
    pub fn bound_ports(&self, ns: &str, pod: &str) -> Vec<u16> {
        let mut ports: Vec<u16> = self
            .ports()
            .keys()
            .filter(|(n, p, _)| n == ns && p == pod)
            .map(|(_, _, port)| *port)
            .collect();
        ports.sort_unstable();
        ports
    }

    /// Opens a connection to a listening port: the handler serves one end on
    /// a new task, the caller gets the other. None when nothing listens.
    /// Must be called inside a tokio runtime.
    pub fn connect(&self, ns: &str, pod: &str, port: u16) -> Option<DuplexStream> {
        let handler = self
            .ports()
            .get(&(ns.to_string(), pod.to_string(), port))
            .cloned()?;
        let (client, server) = tokio::io::duplex(PIPE_BUFFER);
        tokio::spawn(handler.serve(server));
        Some(client)
    }
}

/// An axum router serving HTTP/1.1 on a pod port.
#[derive(Clone)]
pub struct RouterPortHandler {
    router: axum::Router,
}

impl RouterPortHandler {
    pub fn new(router: axum::Router) -> RouterPortHandler {
        RouterPortHandler { router }
    }
}

impl PortHandler for RouterPortHandler {
    fn serve(&self, conn: DuplexStream) -> BoxFuture<'static, ()> {
        let router = self.router.clone();
        Box::pin(async move {
            let service =
                hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let router = router.clone();
                    async move {
                        use tower::ServiceExt;
                        let resp = router.oneshot(req.map(axum::body::Body::new)).await;
                        Ok::<_, Infallible>(match resp {
                            Ok(r) => r,
                            Err(never) => match never {},
                        })
                    }
                });
            let io = hyper_util::rt::TokioIo::new(conn);
            // A client that hangs up mid-request is normal for port-forward.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .with_upgrades()
                .await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    struct Echo;
    impl PortHandler for Echo {
        fn serve(&self, mut conn: DuplexStream) -> BoxFuture<'static, ()> {
            Box::pin(async move {
                let mut buf = [0u8; 64];
                while let Ok(n) = conn.read(&mut buf).await {
                    if n == 0 || conn.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            })
        }
    }

    #[tokio::test]
    async fn bound_port_echoes_and_unbind_stops_it() {
        let net = PodNetwork::default();
        assert!(net.connect("default", "web", 80).is_none());
        net.bind("default", "web", 80, Arc::new(Echo));
        assert_eq!(net.bound_ports("default", "web"), vec![80]);
        let mut conn = net.connect("default", "web", 80).expect("bound");
        conn.write_all(b"ping").await.expect("write");
        let mut got = [0u8; 4];
        conn.read_exact(&mut got).await.expect("read");
        assert_eq!(&got, b"ping");
        assert!(net.connect("default", "web", 81).is_none());
        net.unbind_pod("default", "web");
        assert!(net.connect("default", "web", 80).is_none());
    }

    #[tokio::test]
    async fn router_handler_serves_http() {
        let router = axum::Router::new().route("/", axum::routing::get(|| async { "hello" }));
        let net = PodNetwork::default();
        net.bind("ns", "p", 8080, Arc::new(RouterPortHandler::new(router)));
        let mut conn = net.connect("ns", "p", 8080).expect("bound");
        conn.write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .expect("write");
        let mut text = String::new();
        conn.read_to_string(&mut text).await.expect("read");
        assert!(text.starts_with("HTTP/1.1 200"), "{text}");
        assert!(text.ends_with("hello"), "{text}");
    }
}
