//! exec over SPDY/3.1 (`X-Stream-Protocol-Version: v4.channel.k8s.io`), what
//! kubectl falls back to when the WebSocket upgrade fails, or uses with
//! `KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false`. The client opens one stream
//! per channel, named by its `streamtype` header (error, stdin, stdout,
//! stderr, resize); the exec starts once all it asked for are open. The
//! Status goes out on the error stream, then every stream is finished.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::session::{self, Input, Options, Output};
use super::websocket::resizes;
use crate::sim::api::spdy::session::{self as spdy_session, SpdyStream};
use crate::sim::container::Container;

/// The only remote command version we speak over SPDY (kubectl offers v4 first).
pub const PROTOCOL: &str = "v4.channel.k8s.io";

/// How long the client may take to open the streams it asked for, as the
/// kubelet's stream creation timeout.
const STREAMS_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the client may take to hang up after the end was sent.
const HANG_UP_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Default)]
struct Streams {
    error: Option<SpdyStream>,
    stdin: Option<SpdyStream>,
    stdout: Option<SpdyStream>,
    stderr: Option<SpdyStream>,
    resize: Option<SpdyStream>,
}

impl Streams {
    fn complete(&self, options: &Options) -> bool {
        self.error.is_some()
            && (!options.stdin || self.stdin.is_some())
            && (!options.stdout || self.stdout.is_some())
            && (!options.stderr || options.tty || self.stderr.is_some())
            && (!options.tty || self.resize.is_some())
    }

    fn put(&mut self, stream: SpdyStream) {
        let slot = match stream.headers.get("streamtype") {
            Some("error") => &mut self.error,
            Some("stdin") => &mut self.stdin,
            Some("stdout") => &mut self.stdout,
            Some("stderr") => &mut self.stderr,
            Some("resize") => &mut self.resize,
            _ => return,
        };
        *slot = Some(stream);
    }
}

/// Serves one upgraded SPDY connection for the exec.
pub async fn serve<T>(io: T, container: Container, options: Options, shutdown: CancellationToken)
where
    T: AsyncRead + AsyncWrite + Send + 'static,
{
    let (accepted_tx, mut accepted) = mpsc::channel::<SpdyStream>(8);
    let connection = tokio::spawn(spdy_session::serve(io, accepted_tx, shutdown.clone()));
    let mut streams = Streams::default();
    let opened = tokio::time::timeout(STREAMS_TIMEOUT, async {
        while !streams.complete(&options) {
            match accepted.recv().await {
                Some(stream) => streams.put(stream),
                None => return false,
            }
        }
        true
    })
    .await;
    if opened != Ok(true) {
        if let Some(error) = &streams.error {
            let _ = error
                .outgoing
                .send(b"timed out waiting for client to create streams")
                .await;
            error.outgoing.finish().await;
        }
        connection.abort();
        return;
    }
    let (input_tx, mut input) = mpsc::channel::<Input>(64);
    if let Some(stdin) = streams.stdin.take() {
        let tx = input_tx.clone();
        tokio::spawn(async move {
            let mut incoming = stdin.incoming;
            while let Some(bytes) = incoming.recv().await {
                if tx.send(Input::Stdin(bytes.to_vec())).await.is_err() {
                    return;
                }
            }
            let _ = tx.send(Input::StdinClosed).await;
        });
    }
    if let Some(resize) = streams.resize.take() {
        let tx = input_tx.clone();
        tokio::spawn(async move {
            let mut incoming = resize.incoming;
            while let Some(bytes) = incoming.recv().await {
                for event in resizes(&bytes) {
                    if tx.send(event).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
    // Input ends when the connection does: the stdin task then says so.
    drop(input_tx);
    let (output, mut output_rx) = mpsc::channel::<Output>(64);
    let stdout = streams.stdout.as_ref().map(|s| s.outgoing.clone());
    let stderr = streams.stderr.as_ref().map(|s| s.outgoing.clone());
    let exec = async {
        let ended = session::run(&container, &options, &mut input, &output).await;
        drop(output);
        ended
    };
    let send = async {
        while let Some(out) = output_rx.recv().await {
            let (sender, bytes) = match out {
                Output::Stdout(bytes) => (&stdout, bytes),
                Output::Stderr(bytes) => (&stderr, bytes),
            };
            if let Some(sender) = sender
                && sender.send(&bytes).await.is_err()
            {
                return false;
            }
        }
        true
    };
    let ended = tokio::select! {
        ended = async { tokio::join!(exec, send) } => Some(ended),
        _ = shutdown.cancelled() => None,
    };
    if let Some((Ok(status), true)) = ended
        && let Some(error) = &streams.error
    {
        let status = serde_json::to_vec(&status).expect("a Status is plain JSON");
        let _ = error.outgoing.send(&status).await;
    }
    for stream in [&streams.error, &streams.stdout, &streams.stderr]
        .into_iter()
        .flatten()
    {
        stream.outgoing.finish().await;
    }
    let abort = connection.abort_handle();
    if tokio::time::timeout(HANG_UP_TIMEOUT, connection)
        .await
        .is_err()
    {
        tracing::debug!("exec: the client kept the SPDY connection open after the end");
        abort.abort();
    }
}
