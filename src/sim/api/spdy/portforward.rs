//! `portforward.k8s.io` over SPDY: for each local connection the client
//! opens an error stream and a data stream with the same `requestid` and
//! `port`. Once both are there, the data stream is joined to a new
//! connection to the pod's port; a failure is written on the error stream.
//! Both streams are finished when the pod side closes.

use std::collections::HashMap;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::session::{self, SpdyStream};
use crate::sim::network::PodNetwork;

/// Where the forwarded connections go.
#[derive(Clone)]
pub struct Target {
    pub network: PodNetwork,
    pub namespace: String,
    pub pod: String,
}

impl Target {
    fn refused(&self, port: u16) -> String {
        format!(
            "error forwarding port {port} to pod {} in namespace {}: connection refused",
            self.pod, self.namespace
        )
    }
}

#[derive(Default)]
struct Pair {
    error: Option<SpdyStream>,
    data: Option<SpdyStream>,
}

/// Serves one SPDY connection (already upgraded) until it ends.
pub async fn serve<T>(io: T, target: Target, shutdown: CancellationToken)
where
    T: AsyncRead + AsyncWrite + Send + 'static,
{
    let (accepted_tx, mut accepted) = mpsc::channel::<SpdyStream>(16);
    let session = tokio::spawn(session::serve(io, accepted_tx, shutdown));
    let mut pairs: HashMap<String, Pair> = HashMap::new();
    while let Some(stream) = accepted.recv().await {
        let request = request_id(&stream);
        let pair = pairs.entry(request.clone()).or_default();
        match stream.headers.get("streamtype") {
            Some("error") => pair.error = Some(stream),
            Some("data") => pair.data = Some(stream),
            other => {
                let message = format!("invalid stream type {:?}", other.unwrap_or(""));
                let _ = stream.outgoing.send(message.as_bytes()).await;
                stream.outgoing.finish().await;
                continue;
            }
        }
        if pair.error.is_some()
            && pair.data.is_some()
            && let Some(Pair {
                error: Some(error),
                data: Some(data),
            }) = pairs.remove(&request)
        {
            tokio::spawn(forward(error, data, target.clone()));
        }
    }
    let _ = session.await;
}

/// kubectl names the pair; clients without `requestid` open the error stream
/// right before the data stream, so the pair is known by the error stream's id.
fn request_id(stream: &SpdyStream) -> String {
    match stream.headers.get("requestid") {
        Some(id) => id.to_string(),
        None if stream.headers.get("streamtype") == Some("data") => {
            stream.id.saturating_sub(2).to_string()
        }
        None => stream.id.to_string(),
    }
}

async fn forward(error: SpdyStream, data: SpdyStream, target: Target) {
    let port = data
        .headers
        .get("port")
        .and_then(|p| p.trim().parse::<u16>().ok())
        .filter(|p| *p > 0);
    let conn = port.and_then(|p| target.network.connect(&target.namespace, &target.pod, p));
    match (port, conn) {
        (None, _) => {
            let raw = data.headers.get("port").unwrap_or("");
            let message = format!("invalid port header {raw:?}");
            fail(&error, &data, &message).await;
        }
        (Some(port), None) => fail(&error, &data, &target.refused(port)).await,
        (Some(_), Some(conn)) => {
            copy(data, conn).await;
            error.outgoing.finish().await;
        }
    }
}

async fn fail(error: &SpdyStream, data: &SpdyStream, message: &str) {
    let _ = error.outgoing.send(message.as_bytes()).await;
    error.outgoing.finish().await;
    data.outgoing.finish().await;
}

/// Copies both ways until the pod closes its side.
async fn copy(data: SpdyStream, conn: DuplexStream) {
    let SpdyStream {
        mut incoming,
        outgoing,
        ..
    } = data;
    let (mut pod_reader, mut pod_writer) = tokio::io::split(conn);
    let to_pod = tokio::spawn(async move {
        while let Some(bytes) = incoming.recv().await {
            if pod_writer.write_all(&bytes).await.is_err() {
                return;
            }
        }
        // The client finished sending: the pod reads end-of-file.
        let _ = pod_writer.shutdown().await;
    });
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        match pod_reader.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if outgoing.send(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    outgoing.finish().await;
    to_pod.abort();
}
