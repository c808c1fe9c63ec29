//! What kubectl 1.32.4 really sent for `kubectl exec -it web-1 -- sh` and
//! for `kubectl exec -i web-1 -- cat` with piped stdin (captured once, see
//! the fixtures' headers), read back: the query, the subprotocol, the
//! resize, stdin and stdin-close messages, and what the line discipline
//! makes of the keys. The server's half of each capture is the answer
//! kubectl accepted (for the shell it printed "command terminated with exit
//! code 130"; `cat` exited 0).

use super::parse_options;
use super::session::Input;
use super::tty::{Event, LineEditor};
use super::websocket::{self, decode};

const SHELL: &str = include_str!("fixtures/kubectl-1.32-exec-it-sh.txt");
const PIPED: &str = include_str!("fixtures/kubectl-1.32-exec-i-cat.txt");
const BINARY: u8 = 2;
const CLOSE: u8 = 8;

/// (opcode, payload) of each message one side sent, in order.
fn messages(capture: &str, side: &str) -> Vec<(u8, Vec<u8>)> {
    capture
        .lines()
        .filter_map(|l| l.strip_prefix(side)?.strip_prefix(' '))
        .map(|rest| {
            let mut fields = rest.split_whitespace();
            let opcode = fields.next().expect("an opcode").parse().expect("a number");
            let payload = fields
                .map(|b| u8::from_str_radix(b, 16).expect("hex byte"))
                .collect();
            (opcode, payload)
        })
        .collect()
}

fn field(capture: &'static str, prefix: &str) -> &'static str {
    capture
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .expect("the capture has the line")
}

/// The exec options of the captured request; kubectl asked for v5 only.
fn options(capture: &'static str) -> super::session::Options {
    assert_eq!(
        field(capture, "header Sec-WebSocket-Protocol: "),
        websocket::V5
    );
    let request = field(capture, "request GET ");
    let query = request
        .split_once('?')
        .and_then(|(_, q)| q.split_once(' '))
        .map(|(q, _)| q);
    parse_options(query)
}

/// What the client's binary messages mean.
fn inputs(capture: &str) -> Vec<Input> {
    messages(capture, "client")
        .iter()
        .filter(|(op, _)| *op == BINARY)
        .flat_map(|(_, payload)| decode(payload))
        .collect()
}

#[test]
fn the_request_asks_for_v5_and_a_tty_without_stderr() {
    let options = options(SHELL);
    assert_eq!(options.command, ["sh"]);
    assert_eq!(options.container.as_deref(), Some("web"));
    assert!(options.stdin && options.stdout && options.tty && !options.stderr);
}

#[test]
fn the_client_messages_decode_to_sizes_and_keys() {
    let inputs = inputs(SHELL);
    let key = |b: &[u8]| Input::Stdin(b.to_vec());
    assert_eq!(
        inputs,
        vec![
            Input::Resize {
                width: 100,
                height: 30
            },
            key(b"pwx"),
            key(b"\x7f"),
            key(b"d"),
            key(b"\r"),
            Input::Resize {
                width: 120,
                height: 40
            },
            key(b"\x03"),
            key(b"\x04"),
        ],
        "a terminal sends one message per key or paste, and no stdin close"
    );
    let mut editor = LineEditor::new();
    let events: Vec<Event> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Stdin(bytes) => Some(bytes),
            _ => None,
        })
        .flat_map(|bytes| editor.feed(bytes))
        .filter(|e| !matches!(e, Event::Echo(_)))
        .collect();
    assert_eq!(
        events,
        vec![Event::Line("pwd".into()), Event::Interrupt, Event::Eof]
    );
}

#[test]
fn kubectl_closed_normally_after_the_status() {
    let server = messages(SHELL, "server");
    let binary: Vec<&Vec<u8>> = server
        .iter()
        .filter(|(op, _)| *op == BINARY)
        .map(|(_, p)| p)
        .collect();
    assert!(
        binary[..binary.len() - 1]
            .iter()
            .all(|p| p[0] == websocket::STDOUT)
    );
    let status = binary.last().expect("a last message");
    assert_eq!(status[0], websocket::ERROR);
    let status: serde_json::Value = serde_json::from_slice(&status[1..]).expect("JSON");
    assert_eq!(status["details"]["causes"][0]["message"], "130");
    // 1000, normal closure, from both sides.
    for side in ["server", "client"] {
        assert_eq!(
            messages(SHELL, side).last(),
            Some(&(CLOSE, vec![0x03, 0xe8])),
            "{side}"
        );
    }
}

#[test]
fn piped_stdin_ends_with_v5s_close_of_channel_0() {
    let options = options(PIPED);
    assert_eq!(options.command, ["cat"]);
    assert!(options.stdin && options.stdout && options.stderr && !options.tty);
    assert_eq!(
        inputs(PIPED),
        vec![Input::Stdin(b"hello\nworld\n".to_vec()), Input::StdinClosed]
    );
    let server = messages(PIPED, "server");
    assert_eq!(server[0], (BINARY, b"\x01hello\nworld\n".to_vec()));
    assert_eq!(
        server[1],
        (
            BINARY,
            b"\x03{\"metadata\":{},\"status\":\"Success\"}".to_vec()
        )
    );
    assert_eq!(server[2], (CLOSE, vec![0x03, 0xe8]));
}
