//! What kubectl 1.32.4 really wrote for `port-forward svc/hello LOCAL:8080`
//! over the WebSocket tunnel (two local connections, each an HTTP GET),
//! captured once from `kubectl -v=8`, decoded and replayed.

use bytes::{Bytes, BytesMut};
use futures::future::BoxFuture;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio_util::sync::CancellationToken;

use super::frame::{FLAG_FIN, Frame, status};
use super::headers::{HeaderCompressor, HeaderDecompressor, Headers};
use super::portforward::{Target, serve};
use crate::sim::network::{PodNetwork, PortHandler};

const WRITES: &str = include_str!("fixtures/kubectl-1.32-tunnel-writes.hex");
const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

/// Each write kubectl made (one WebSocket message each), in order.
fn writes() -> Vec<Vec<u8>> {
    WRITES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            l.split_whitespace()
                .map(|b| u8::from_str_radix(b, 16).expect("hex byte"))
                .collect()
        })
        .collect()
}

/// The frames, each with its bytes on the wire, decoding write by write as
/// a server receives them.
fn frames() -> Vec<(Frame, Bytes)> {
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for write in writes() {
        buf.extend_from_slice(&write);
        loop {
            let before = buf.clone();
            match Frame::decode(&mut buf).expect("kubectl's frames decode") {
                Some(frame) => {
                    let used = before.len() - buf.len();
                    frames.push((frame, before.freeze().slice(..used)));
                }
                None => break,
            }
        }
    }
    assert!(buf.is_empty(), "no bytes are left over");
    frames
}

fn pairs(headers: &Headers) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = headers
        .0
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    pairs.sort_unstable();
    pairs
}

#[test]
fn kubectls_frames_decode_into_two_stream_pairs() {
    let mut decompressor = HeaderDecompressor::default();
    let mut seen = Vec::new();
    for (frame, _) in frames() {
        seen.push(match frame {
            Frame::SynStream {
                stream_id,
                flags,
                block,
                ..
            } => {
                let headers = decompressor.decompress(&block).expect("headers");
                format!("SYN_STREAM {stream_id} flags={flags} {:?}", pairs(&headers))
            }
            Frame::Data {
                stream_id,
                flags,
                data,
            } => format!(
                "DATA {stream_id} fin={} {:?}",
                flags & FLAG_FIN != 0,
                String::from_utf8_lossy(&data)
            ),
            Frame::RstStream { stream_id, status } => format!("RST_STREAM {stream_id} {status}"),
            other => format!("{other:?}"),
        });
    }
    let get = String::from_utf8_lossy(GET);
    let expected = vec![
        r#"SYN_STREAM 1 flags=0 [("port", "80"), ("requestid", "0"), ("streamtype", "error")]"#
            .to_string(),
        r#"DATA 1 fin=true """#.to_string(),
        r#"SYN_STREAM 3 flags=0 [("port", "80"), ("requestid", "0"), ("streamtype", "data")]"#
            .to_string(),
        format!("DATA 3 fin=false {get:?}"),
        format!("RST_STREAM 3 {}", status::CANCEL),
        r#"SYN_STREAM 5 flags=0 [("port", "80"), ("requestid", "1"), ("streamtype", "error")]"#
            .to_string(),
        r#"DATA 5 fin=true """#.to_string(),
        r#"SYN_STREAM 7 flags=0 [("port", "80"), ("requestid", "1"), ("streamtype", "data")]"#
            .to_string(),
        format!("DATA 7 fin=false {get:?}"),
        format!("RST_STREAM 7 {}", status::CANCEL),
    ];
    assert_eq!(seen, expected);
}

#[test]
fn our_compressor_speaks_kubectls_dialect() {
    // kubectl's first block, re-compressed by us, decompresses the same way.
    let (frame, _) = frames().remove(0);
    let Frame::SynStream { block, .. } = frame else {
        panic!("the first frame opens a stream");
    };
    let headers = HeaderDecompressor::default()
        .decompress(&block)
        .expect("headers");
    let ours = HeaderCompressor::default().compress(&headers);
    // Both zlib streams name the SPDY dictionary (FDICT and its Adler-32).
    assert_eq!(ours[1] & 0x20, block[1] & 0x20);
    assert_eq!(&ours[2..6], &block[2..6]);
    assert_eq!(HeaderDecompressor::default().decompress(&ours), Ok(headers));
}

struct Echo;

impl PortHandler for Echo {
    fn serve(&self, mut conn: DuplexStream) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            let mut buf = [0u8; 1024];
            while let Ok(n) = conn.read(&mut buf).await {
                if n == 0 || conn.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        })
    }
}

/// The first connection's frames, replayed into the server, reach a pod
/// port that echoes: both streams are answered and the request comes back.
#[tokio::test]
async fn replayed_frames_reach_the_pod() {
    let network = PodNetwork::default();
    network.bind("default", "hello", 80, std::sync::Arc::new(Echo));
    let target = Target {
        network,
        namespace: "default".to_string(),
        pod: "hello".to_string(),
    };
    let (mut client, server) = tokio::io::duplex(64 * 1024);
    tokio::spawn(serve(server, target, CancellationToken::new()));
    for (_, raw) in frames().into_iter().take(4) {
        client.write_all(&raw).await.expect("write");
    }
    let mut decompressor = HeaderDecompressor::default();
    let mut buf = BytesMut::new();
    let mut replies = Vec::new();
    let mut echoed = Vec::new();
    while replies.len() < 2 || echoed.len() < GET.len() {
        let frame = loop {
            if let Some(frame) = Frame::decode(&mut buf).expect("our frames decode") {
                break frame;
            }
            let n =
                tokio::time::timeout(std::time::Duration::from_secs(5), client.read_buf(&mut buf))
                    .await
                    .expect("the server answers within 5 s")
                    .expect("read");
            assert!(n > 0, "the server hung up");
        };
        match frame {
            Frame::SynReply {
                stream_id, block, ..
            } => {
                assert_eq!(decompressor.decompress(&block), Ok(Headers::default()));
                replies.push(stream_id);
            }
            Frame::Data {
                stream_id: 3, data, ..
            } => echoed.extend_from_slice(&data),
            Frame::WindowUpdate { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(replies, vec![1, 3]);
    assert_eq!(echoed, GET);
}
