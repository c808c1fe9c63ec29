//! `portforward.k8s.io` over SPDY: for each local connection the client
//! opens an error stream and a data stream with the same `requestid` and
//! `port`. Once both are there, the data stream is joined to a new
//! connection to the pod's port; a failure is written on the error stream.
//! Both streams are finished when the pod side closes. A pair still half
//! open after `PAIR_TIMEOUT` is given up, as the kubelet does.

use std::collections::HashMap;
use std::time::Duration;

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

/// How long the second stream of a pair may keep the first one waiting.
pub const PAIR_TIMEOUT: Duration = Duration::from_secs(30);

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
    serve_with_timeout(io, target, shutdown, PAIR_TIMEOUT).await;
}

async fn serve_with_timeout<T>(
    io: T,
    target: Target,
    shutdown: CancellationToken,
    pair_timeout: Duration,
) where
    T: AsyncRead + AsyncWrite + Send + 'static,
{
    let (accepted_tx, mut accepted) = mpsc::channel::<SpdyStream>(16);
    let session = tokio::spawn(session::serve(io, accepted_tx, shutdown));
    let (expired_tx, mut expired) = mpsc::unbounded_channel::<String>();
    let mut pairs: HashMap<String, Pair> = HashMap::new();
    loop {
        let stream = tokio::select! {
            stream = accepted.recv() => match stream {
                Some(stream) => stream,
                None => break,
            },
            Some(request) = expired.recv() => {
                if let Some(pair) = pairs.remove(&request) {
                    give_up(pair).await;
                }
                continue;
            }
        };
        let request = request_id(&stream);
        if !pairs.contains_key(&request) {
            let expired_tx = expired_tx.clone();
            let request = request.clone();
            tokio::spawn(async move {
                tokio::time::sleep(pair_timeout).await;
                let _ = expired_tx.send(request);
            });
        }
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
        let complete = pairs
            .get(&request)
            .is_some_and(|p| p.error.is_some() && p.data.is_some());
        if complete
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

async fn give_up(pair: Pair) {
    if let Some(error) = &pair.error {
        let _ = error.outgoing.send(b"timed out waiting for streams").await;
        error.outgoing.finish().await;
    }
    if let Some(data) = &pair.data {
        data.outgoing.finish().await;
    }
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

#[cfg(test)]
mod tests {
    use bytes::BytesMut;
    use tokio::io::DuplexStream;

    use super::*;
    use crate::sim::api::spdy::frame::{FLAG_FIN, Frame};
    use crate::sim::api::spdy::headers::{HeaderCompressor, Headers};

    async fn open(
        client: &mut DuplexStream,
        compressor: &mut HeaderCompressor,
        id: u32,
        pairs: &[(&str, &str)],
    ) {
        let headers = Headers(
            pairs
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        );
        let mut out = BytesMut::new();
        Frame::SynStream {
            stream_id: id,
            associated_to: 0,
            priority: 0,
            flags: 0,
            block: compressor.compress(&headers),
        }
        .encode(&mut out)
        .expect("encodes");
        client.write_all(&out).await.expect("write");
    }

    /// Every frame the server sends until it has finished `stream`.
    async fn until_finished(client: &mut DuplexStream, stream: u32) -> Vec<Frame> {
        let mut buf = BytesMut::new();
        let mut frames = Vec::new();
        loop {
            while let Some(frame) = Frame::decode(&mut buf).expect("decodes") {
                let done = matches!(&frame, Frame::Data { stream_id, flags, .. }
                    if *stream_id == stream && flags & FLAG_FIN != 0);
                frames.push(frame);
                if done {
                    return frames;
                }
            }
            let n = tokio::time::timeout(Duration::from_secs(5), client.read_buf(&mut buf))
                .await
                .expect("a frame within 5 s")
                .expect("read");
            assert!(n > 0, "the server hung up");
        }
    }

    fn data_on(frames: &[Frame], stream: u32) -> String {
        frames
            .iter()
            .filter_map(|f| match f {
                Frame::Data {
                    stream_id, data, ..
                } if *stream_id == stream => Some(String::from_utf8_lossy(data).into_owned()),
                _ => None,
            })
            .collect()
    }

    fn start(timeout: Duration) -> DuplexStream {
        let (client, server) = tokio::io::duplex(64 * 1024);
        let target = Target {
            network: PodNetwork::default(),
            namespace: "default".to_string(),
            pod: "web".to_string(),
        };
        tokio::spawn(serve_with_timeout(
            server,
            target,
            CancellationToken::new(),
            timeout,
        ));
        client
    }

    #[tokio::test]
    async fn an_error_stream_whose_data_stream_never_comes_times_out() {
        let mut client = start(Duration::from_millis(50));
        let mut compressor = HeaderCompressor::default();
        open(
            &mut client,
            &mut compressor,
            1,
            &[("streamtype", "error"), ("port", "80"), ("requestid", "0")],
        )
        .await;
        let frames = until_finished(&mut client, 1).await;
        assert_eq!(data_on(&frames, 1), "timed out waiting for streams");
    }

    #[tokio::test]
    async fn a_port_nothing_listens_on_is_reported_on_the_error_stream() {
        let mut client = start(PAIR_TIMEOUT);
        let mut compressor = HeaderCompressor::default();
        // No requestid: the pair is known by the error stream's id.
        open(
            &mut client,
            &mut compressor,
            1,
            &[("streamtype", "error"), ("port", "80")],
        )
        .await;
        open(
            &mut client,
            &mut compressor,
            3,
            &[("streamtype", "data"), ("port", "80")],
        )
        .await;
        let frames = until_finished(&mut client, 1).await;
        assert_eq!(
            data_on(&frames, 1),
            "error forwarding port 80 to pod web in namespace default: connection refused"
        );
    }

    #[tokio::test]
    async fn an_unknown_stream_type_is_refused() {
        let mut client = start(PAIR_TIMEOUT);
        let mut compressor = HeaderCompressor::default();
        open(
            &mut client,
            &mut compressor,
            1,
            &[("streamtype", "resize"), ("port", "80")],
        )
        .await;
        let frames = until_finished(&mut client, 1).await;
        assert_eq!(data_on(&frames, 1), "invalid stream type \"resize\"");
    }
}
