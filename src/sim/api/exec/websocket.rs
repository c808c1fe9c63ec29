//! exec over a WebSocket (`v5.channel.k8s.io`, `v4.channel.k8s.io`): each
//! binary message starts with its channel (0 stdin, 1 stdout, 2 stderr,
//! 3 error, 4 resize); `[255, c]` says the client will write no more on
//! channel `c`. The Status goes out on channel 3, then a normal close (code
//! 1000): client-go reads its streams to EOF only on a normal close.

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::session::{self, Input, Options, Output};
use crate::sim::container::Container;

pub const V5: &str = "v5.channel.k8s.io";
pub const V4: &str = "v4.channel.k8s.io";
/// What we speak; the client's order of preference decides.
pub const PROTOCOLS: [&str; 2] = [V5, V4];

pub const STDIN: u8 = 0;
pub const STDOUT: u8 = 1;
pub const STDERR: u8 = 2;
pub const ERROR: u8 = 3;
pub const RESIZE: u8 = 4;
pub const CLOSE: u8 = 255;

/// Turns one binary message from the client into what it means.
pub fn decode(message: &[u8]) -> Vec<Input> {
    match message {
        [STDIN, data @ ..] if !data.is_empty() => vec![Input::Stdin(data.to_vec())],
        [CLOSE, STDIN, ..] => vec![Input::StdinClosed],
        [RESIZE, data @ ..] => resizes(data),
        _ => Vec::new(),
    }
}

/// client-go writes each size as one JSON object (`{"Width":80,"Height":24}`)
/// followed by a newline; a message may hold several.
pub fn resizes(data: &[u8]) -> Vec<Input> {
    serde_json::Deserializer::from_slice(data)
        .into_iter::<Value>()
        .map_while(Result::ok)
        .filter_map(|v| {
            let width = u16::try_from(v["Width"].as_u64()?).ok()?;
            let height = u16::try_from(v["Height"].as_u64()?).ok()?;
            Some(Input::Resize { width, height })
        })
        .collect()
}

/// A message on `channel`.
pub fn frame(channel: u8, data: &[u8]) -> Message {
    let mut bytes = Vec::with_capacity(data.len() + 1);
    bytes.push(channel);
    bytes.extend_from_slice(data);
    Message::Binary(bytes.into())
}

/// Runs the exec on an upgraded socket until the command ends, the client
/// goes away or the server shuts down.
pub async fn serve(
    socket: WebSocket,
    container: Container,
    options: Options,
    shutdown: CancellationToken,
) {
    let (mut sink, mut stream) = socket.split();
    let (input_tx, mut input) = mpsc::channel::<Input>(64);
    let (output, mut output_rx) = mpsc::channel::<Output>(64);
    // The reader goes on after the command has ended, dropping what still
    // comes (stdin the command never read), until the client answers the
    // close: a socket closed with unread bytes is reset, and the client
    // would see "connection reset by peer" instead of the exit status.
    let reader = tokio::spawn(async move {
        let mut forwarding = true;
        while let Some(Ok(message)) = stream.next().await {
            match message {
                Message::Binary(data) if forwarding => {
                    for event in decode(&data) {
                        if input_tx.send(event).await.is_err() {
                            forwarding = false;
                            break;
                        }
                    }
                }
                Message::Close(_) => return,
                _ => {}
            }
        }
    });
    let exec = async {
        let ended = session::run(&container, &options, &mut input, &output).await;
        drop(output);
        ended
    };
    let send = async {
        while let Some(out) = output_rx.recv().await {
            let message = match out {
                Output::Stdout(bytes) => frame(STDOUT, &bytes),
                Output::Stderr(bytes) => frame(STDERR, &bytes),
            };
            if sink.send(message).await.is_err() {
                return Err(());
            }
        }
        Ok(sink)
    };
    let ended = tokio::select! {
        ended = async { tokio::join!(exec, send) } => ended,
        _ = shutdown.cancelled() => (Err(session::Gone), Err(())),
    };
    if let (Ok(status), Ok(mut sink)) = ended {
        let status = serde_json::to_vec(&status).expect("a Status is plain JSON");
        if sink.send(frame(ERROR, &status)).await.is_ok() {
            let close = CloseFrame {
                code: close_code::NORMAL,
                reason: "".into(),
            };
            if sink.send(Message::Close(Some(close))).await.is_ok() {
                let abort = reader.abort_handle();
                if tokio::time::timeout(CLOSE_TIMEOUT, reader).await.is_err() {
                    abort.abort();
                }
                return;
            }
        }
    }
    reader.abort();
}

/// How long the client has to answer the close before the socket is
/// dropped anyway.
const CLOSE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_stdin_close_and_resize() {
        assert_eq!(decode(b"\x00ls\r"), vec![Input::Stdin(b"ls\r".to_vec())]);
        assert_eq!(decode(b"\x00"), vec![]);
        assert_eq!(decode(&[CLOSE, STDIN]), vec![Input::StdinClosed]);
        assert_eq!(decode(&[CLOSE, RESIZE]), vec![]);
        assert_eq!(
            decode(b"\x04{\"Width\":100,\"Height\":30}\n{\"Width\":80,\"Height\":24}\n"),
            vec![
                Input::Resize {
                    width: 100,
                    height: 30
                },
                Input::Resize {
                    width: 80,
                    height: 24
                }
            ]
        );
        assert_eq!(decode(b"\x04{\"Width\":-1}"), vec![]);
        assert_eq!(decode(b"\x09junk"), vec![]);
    }
}
