//! One SPDY/3.1 server connection: reads frames, answers each stream the
//! client opens with SYN_REPLY and hands it over, echoes PINGs, and keeps
//! the flow-control windows.
//!
//! We send WINDOW_UPDATE as the receiver of a stream consumes its data; our
//! own sends keep to the client's windows as `window` explains.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::frame::{FLAG_FIN, Frame, SETTINGS_INITIAL_WINDOW_SIZE, status};
use super::headers::{HeaderCompressor, HeaderDecompressor, Headers};
use super::window::Windows;

/// The largest data frame we send.
const MAX_DATA: usize = 16 * 1024;

/// What goes out on the connection, in order.
enum Outgoing {
    Reply { stream_id: u32 },
    Frame(Frame),
}

/// A stream the client opened.
pub struct SpdyStream {
    pub id: u32,
    pub headers: Headers,
    pub incoming: StreamReceiver,
    pub outgoing: StreamSender,
}

/// Data the client sends on a stream; None once it finished or reset it.
pub struct StreamReceiver {
    id: u32,
    rx: mpsc::UnboundedReceiver<Bytes>,
    out: mpsc::Sender<Outgoing>,
}

impl StreamReceiver {
    pub async fn recv(&mut self) -> Option<Bytes> {
        let data = self.rx.recv().await?;
        let delta = data.len() as u32;
        if delta > 0 {
            for stream_id in [self.id, 0] {
                let update = Frame::WindowUpdate { stream_id, delta };
                // The connection may be gone already; the data still counts.
                let _ = self.out.send(Outgoing::Frame(update)).await;
            }
        }
        Some(data)
    }
}

/// Sends on a stream, within the client's windows.
#[derive(Clone)]
pub struct StreamSender {
    id: u32,
    out: mpsc::Sender<Outgoing>,
    windows: Arc<Windows>,
}

#[derive(Debug, thiserror::Error)]
#[error("the stream is closed")]
pub struct StreamClosed;

impl StreamSender {
    pub async fn send(&self, mut data: &[u8]) -> Result<(), StreamClosed> {
        while !data.is_empty() {
            let n = self
                .windows
                .reserve(self.id, data.len().min(MAX_DATA))
                .await?;
            let (chunk, rest) = data.split_at(n);
            data = rest;
            let frame = Frame::Data {
                stream_id: self.id,
                flags: 0,
                data: Bytes::copy_from_slice(chunk),
            };
            self.out
                .send(Outgoing::Frame(frame))
                .await
                .map_err(|_| StreamClosed)?;
        }
        Ok(())
    }

    /// Half-closes our side (FIN); later sends fail.
    pub async fn finish(&self) {
        if self.windows.close(self.id) {
            let fin = Frame::Data {
                stream_id: self.id,
                flags: FLAG_FIN,
                data: Bytes::new(),
            };
            let _ = self.out.send(Outgoing::Frame(fin)).await;
        }
    }
}

/// Serves one connection until the client goes away, the connection fails
/// or `shutdown` fires. Each stream the client opens is answered and sent
/// to `accepted`.
pub async fn serve<T>(io: T, accepted: mpsc::Sender<SpdyStream>, shutdown: CancellationToken)
where
    T: AsyncRead + AsyncWrite + Send + 'static,
{
    let (mut reader, writer) = tokio::io::split(io);
    let (out, out_rx) = mpsc::channel::<Outgoing>(64);
    let writing = tokio::spawn(write_frames(writer, out_rx));
    let windows = Arc::new(Windows::default());
    let mut inbound: HashMap<u32, mpsc::UnboundedSender<Bytes>> = HashMap::new();
    let mut decompressor = HeaderDecompressor::default();
    let mut buf = BytesMut::with_capacity(32 * 1024);
    let mut last_stream = 0u32;
    let mut going_away = false;
    'read: loop {
        loop {
            let frame = match Frame::decode(&mut buf) {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(e) => {
                    tracing::debug!("SPDY: {e}");
                    let _ = out.send(goaway(last_stream, status::PROTOCOL_ERROR)).await;
                    break 'read;
                }
            };
            match frame {
                Frame::SynStream {
                    stream_id,
                    flags,
                    block,
                    ..
                } => {
                    // Decompress every block in order: the zlib stream is shared.
                    let headers = match decompressor.decompress(&block) {
                        Ok(h) => h,
                        Err(e) => {
                            tracing::debug!("SPDY: {e}");
                            let _ = out.send(goaway(last_stream, status::PROTOCOL_ERROR)).await;
                            break 'read;
                        }
                    };
                    if going_away || stream_id % 2 == 0 || stream_id <= last_stream {
                        let _ = out.send(rst(stream_id, status::REFUSED_STREAM)).await;
                        continue;
                    }
                    last_stream = stream_id;
                    windows.open(stream_id);
                    let (tx, rx) = mpsc::unbounded_channel();
                    if flags & FLAG_FIN == 0 {
                        inbound.insert(stream_id, tx);
                    }
                    let _ = out.send(Outgoing::Reply { stream_id }).await;
                    let stream = SpdyStream {
                        id: stream_id,
                        headers,
                        incoming: StreamReceiver {
                            id: stream_id,
                            rx,
                            out: out.clone(),
                        },
                        outgoing: StreamSender {
                            id: stream_id,
                            out: out.clone(),
                            windows: windows.clone(),
                        },
                    };
                    if accepted.send(stream).await.is_err() {
                        break 'read;
                    }
                }
                Frame::Headers {
                    stream_id,
                    flags,
                    block,
                } => {
                    if let Err(e) = decompressor.decompress(&block) {
                        tracing::debug!("SPDY: {e}");
                        break 'read;
                    }
                    if flags & FLAG_FIN != 0 {
                        inbound.remove(&stream_id);
                    }
                }
                Frame::SynReply { block, .. } => {
                    // We open no streams; still keep the zlib stream in step.
                    if decompressor.decompress(&block).is_err() {
                        break 'read;
                    }
                }
                Frame::Data {
                    stream_id,
                    flags,
                    data,
                } => match inbound.get(&stream_id) {
                    Some(tx) => {
                        if !data.is_empty() {
                            // A receiver that is gone no longer cares.
                            let _ = tx.send(data);
                        }
                        if flags & FLAG_FIN != 0 {
                            inbound.remove(&stream_id);
                        }
                    }
                    None => {
                        if stream_id > last_stream {
                            let _ = out.send(rst(stream_id, status::INVALID_STREAM)).await;
                        }
                    }
                },
                Frame::RstStream { stream_id, .. } => {
                    inbound.remove(&stream_id);
                    windows.close(stream_id);
                }
                Frame::Settings { entries, .. } => {
                    for s in entries {
                        if s.id == SETTINGS_INITIAL_WINDOW_SIZE {
                            windows.set_initial(s.value);
                        }
                    }
                }
                Frame::WindowUpdate { stream_id, delta } => windows.grant(stream_id, delta),
                Frame::Ping { id } => {
                    // Odd ids are the client's; an even one would answer ours.
                    if id % 2 == 1 {
                        let _ = out.send(Outgoing::Frame(Frame::Ping { id })).await;
                    }
                }
                Frame::GoAway { .. } => going_away = true,
                Frame::Unknown { .. } => {}
            }
        }
        tokio::select! {
            read = reader.read_buf(&mut buf) => match read {
                Ok(0) | Err(_) => break 'read,
                Ok(_) => {}
            },
            _ = shutdown.cancelled() => {
                let _ = out.send(goaway(last_stream, status::GOAWAY_OK)).await;
                break 'read;
            }
        }
    }
    inbound.clear();
    windows.close_all();
    drop(out);
    let _ = writing.await;
}

fn rst(stream_id: u32, status: u32) -> Outgoing {
    Outgoing::Frame(Frame::RstStream { stream_id, status })
}

fn goaway(last_good_stream_id: u32, status: u32) -> Outgoing {
    Outgoing::Frame(Frame::GoAway {
        last_good_stream_id,
        status,
    })
}

async fn write_frames<W: AsyncWrite>(writer: W, mut frames: mpsc::Receiver<Outgoing>) {
    tokio::pin!(writer);
    let mut compressor = HeaderCompressor::default();
    let mut buf = BytesMut::new();
    while let Some(first) = frames.recv().await {
        // Everything queued goes out in one write.
        let mut next = Some(first);
        while let Some(item) = next {
            let frame = match item {
                Outgoing::Reply { stream_id } => Frame::SynReply {
                    stream_id,
                    flags: 0,
                    block: compressor.compress(&Headers::default()),
                },
                Outgoing::Frame(frame) => frame,
            };
            if let Err(e) = frame.encode(&mut buf) {
                tracing::debug!("SPDY: {e}");
            }
            next = frames.try_recv().ok();
        }
        if writer.write_all(&buf).await.is_err() || writer.flush().await.is_err() {
            return;
        }
        buf.clear();
    }
    let _ = writer.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::api::spdy::frame::INITIAL_WINDOW;

    /// The client end of a session: frames in, frames out, its own zlib streams.
    struct Client {
        io: tokio::io::DuplexStream,
        compressor: HeaderCompressor,
        decompressor: HeaderDecompressor,
        buf: BytesMut,
    }

    impl Client {
        async fn send(&mut self, frame: Frame) {
            let mut out = BytesMut::new();
            frame.encode(&mut out).expect("encodes");
            self.io.write_all(&out).await.expect("write");
        }

        async fn open(&mut self, stream_id: u32, pairs: &[(&str, &str)]) {
            let headers = Headers(
                pairs
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
            );
            let block = self.compressor.compress(&headers);
            self.send(Frame::SynStream {
                stream_id,
                associated_to: 0,
                priority: 0,
                flags: 0,
                block,
            })
            .await;
        }

        async fn next(&mut self) -> Frame {
            loop {
                if let Some(frame) = Frame::decode(&mut self.buf).expect("decodes") {
                    return frame;
                }
                let n = tokio::time::timeout(
                    std::time::Duration::from_secs(5),
                    self.io.read_buf(&mut self.buf),
                )
                .await
                .expect("a frame within 5 s")
                .expect("read");
                assert!(n > 0, "the session closed");
            }
        }

        /// The next frame that is not a WINDOW_UPDATE.
        async fn next_skipping_updates(&mut self) -> Frame {
            loop {
                match self.next().await {
                    Frame::WindowUpdate { .. } => {}
                    frame => return frame,
                }
            }
        }
    }

    fn start() -> (Client, mpsc::Receiver<SpdyStream>, CancellationToken) {
        let (client, server) = tokio::io::duplex(256 * 1024);
        let (tx, rx) = mpsc::channel(8);
        let shutdown = CancellationToken::new();
        tokio::spawn(serve(server, tx, shutdown.clone()));
        let client = Client {
            io: client,
            compressor: HeaderCompressor::default(),
            decompressor: HeaderDecompressor::default(),
            buf: BytesMut::new(),
        };
        (client, rx, shutdown)
    }

    #[tokio::test]
    async fn a_stream_is_answered_and_carries_data_both_ways() {
        let (mut client, mut accepted, _shutdown) = start();
        client
            .open(1, &[("streamtype", "data"), ("port", "80")])
            .await;
        let mut stream = accepted.recv().await.expect("a stream");
        assert_eq!(stream.id, 1);
        assert_eq!(stream.headers.get("port"), Some("80"));
        match client.next().await {
            Frame::SynReply {
                stream_id, block, ..
            } => {
                assert_eq!(stream_id, 1);
                let headers = client.decompressor.decompress(&block).expect("headers");
                assert_eq!(headers, Headers::default());
            }
            other => panic!("expected SYN_REPLY, got {other:?}"),
        }
        client
            .send(Frame::Data {
                stream_id: 1,
                flags: FLAG_FIN,
                data: Bytes::from_static(b"ping"),
            })
            .await;
        assert_eq!(
            stream.incoming.recv().await,
            Some(Bytes::from_static(b"ping"))
        );
        assert_eq!(stream.incoming.recv().await, None, "FIN ends the data");
        assert_eq!(
            client.next().await,
            Frame::WindowUpdate {
                stream_id: 1,
                delta: 4
            }
        );
        assert_eq!(
            client.next().await,
            Frame::WindowUpdate {
                stream_id: 0,
                delta: 4
            }
        );
        stream.outgoing.send(b"pong").await.expect("send");
        stream.outgoing.finish().await;
        assert_eq!(
            client.next().await,
            Frame::Data {
                stream_id: 1,
                flags: 0,
                data: Bytes::from_static(b"pong"),
            }
        );
        assert_eq!(
            client.next().await,
            Frame::Data {
                stream_id: 1,
                flags: FLAG_FIN,
                data: Bytes::new(),
            }
        );
        assert!(stream.outgoing.send(b"late").await.is_err());
    }

    #[tokio::test]
    async fn pings_from_the_client_are_echoed() {
        let (mut client, _accepted, _shutdown) = start();
        client.send(Frame::Ping { id: 5 }).await;
        assert_eq!(client.next().await, Frame::Ping { id: 5 });
    }

    #[tokio::test]
    async fn a_reset_stream_takes_no_more_data() {
        let (mut client, mut accepted, _shutdown) = start();
        client.open(1, &[("streamtype", "data")]).await;
        let mut stream = accepted.recv().await.expect("a stream");
        client.next().await;
        client
            .send(Frame::RstStream {
                stream_id: 1,
                status: status::CANCEL,
            })
            .await;
        assert_eq!(stream.incoming.recv().await, None);
        assert!(stream.outgoing.send(b"x").await.is_err());
    }

    #[tokio::test]
    async fn stream_ids_must_be_odd_and_rising() {
        let (mut client, mut accepted, _shutdown) = start();
        client.open(3, &[]).await;
        accepted.recv().await.expect("a stream");
        assert!(matches!(
            client.next().await,
            Frame::SynReply { stream_id: 3, .. }
        ));
        client.open(1, &[]).await;
        assert_eq!(
            client.next().await,
            Frame::RstStream {
                stream_id: 1,
                status: status::REFUSED_STREAM
            }
        );
        client.open(4, &[]).await;
        assert_eq!(
            client.next().await,
            Frame::RstStream {
                stream_id: 4,
                status: status::REFUSED_STREAM
            }
        );
    }

    #[tokio::test]
    async fn sends_wait_for_a_window_update_once_the_client_keeps_windows() {
        let (mut client, mut accepted, _shutdown) = start();
        client
            .send(Frame::Settings {
                flags: 0,
                entries: vec![super::super::frame::Setting {
                    flags: 0,
                    id: SETTINGS_INITIAL_WINDOW_SIZE,
                    value: 10,
                }],
            })
            .await;
        client.open(1, &[]).await;
        let stream = accepted.recv().await.expect("a stream");
        client.next().await;
        let sender = stream.outgoing.clone();
        let sending = tokio::spawn(async move { sender.send(b"0123456789abcdef").await });
        assert_eq!(
            client.next_skipping_updates().await,
            Frame::Data {
                stream_id: 1,
                flags: 0,
                data: Bytes::from_static(b"0123456789"),
            }
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!sending.is_finished(), "the window is used up");
        client
            .send(Frame::WindowUpdate {
                stream_id: 1,
                delta: 100,
            })
            .await;
        assert_eq!(
            client.next_skipping_updates().await,
            Frame::Data {
                stream_id: 1,
                flags: 0,
                data: Bytes::from_static(b"abcdef"),
            }
        );
        sending.await.expect("joins").expect("sent");
    }

    #[tokio::test]
    async fn without_window_updates_from_the_client_large_sends_go_through() {
        let (mut client, mut accepted, _shutdown) = start();
        client.open(1, &[]).await;
        let stream = accepted.recv().await.expect("a stream");
        client.next().await;
        let big = vec![7u8; 3 * INITIAL_WINDOW as usize];
        let sender = stream.outgoing.clone();
        let sending = tokio::spawn(async move { sender.send(&big).await });
        let mut received = 0;
        while received < 3 * INITIAL_WINDOW as usize {
            match client.next().await {
                Frame::Data { data, .. } => received += data.len(),
                other => panic!("expected data, got {other:?}"),
            }
        }
        sending.await.expect("joins").expect("sent");
    }

    #[tokio::test]
    async fn shutdown_says_goaway() {
        let (mut client, _accepted, shutdown) = start();
        client.open(1, &[]).await;
        client.next().await;
        shutdown.cancel();
        assert_eq!(
            client.next().await,
            Frame::GoAway {
                last_good_stream_id: 1,
                status: status::GOAWAY_OK
            }
        );
    }
}
