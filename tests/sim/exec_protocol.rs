//! `pods/exec` frame by frame, as a WebSocket client sees it: the channel
//! byte on every message, the Status on channel 3 (Success, or
//! NonZeroExitCode with its ExitCode cause), the normal close that lets
//! client-go read its streams to the end, v5's close of stdin, resize, and
//! the 400s for a request without a command or without any stream.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::support::apiserver::{Sim, pod, seed};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn sim() -> Sim {
    let sim = Sim::start().await;
    seed(&sim.store, "Pod", pod("web-1", "web", "node-a", "10.0.1.5"));
    sim
}

fn url(sim: &Sim, query: &str) -> String {
    let base = sim.url().replacen("http", "ws", 1);
    format!("{base}/api/v1/namespaces/default/pods/web-1/exec?{query}")
}

async fn connect(sim: &Sim, query: &str, protocol: &str) -> Socket {
    let mut request = url(sim, query).into_client_request().expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        protocol.parse().expect("header value"),
    );
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("the upgrade succeeds");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        protocol.split(',').next().unwrap_or_default().trim()
    );
    socket
}

/// Everything the server sends until it closes: (channel, bytes) and the
/// close code.
async fn drain(socket: &mut Socket) -> (Vec<(u8, Vec<u8>)>, Option<CloseCode>) {
    let mut frames = Vec::new();
    // Bounded: the server closes after the Status.
    for _ in 0..1000 {
        match socket.next().await {
            Some(Ok(Message::Binary(data))) => {
                frames.push((data[0], data[1..].to_vec()));
            }
            Some(Ok(Message::Close(frame))) => return (frames, frame.map(|f| f.code)),
            Some(Ok(_)) => {}
            Some(Err(e)) => panic!("the socket failed: {e}"),
            None => return (frames, None),
        }
    }
    panic!("the server sent more than 1000 messages");
}

fn channel(frames: &[(u8, Vec<u8>)], c: u8) -> String {
    let bytes: Vec<u8> = frames
        .iter()
        .filter(|(ch, _)| *ch == c)
        .flat_map(|(_, b)| b.clone())
        .collect();
    String::from_utf8(bytes).expect("UTF-8")
}

fn status(frames: &[(u8, Vec<u8>)]) -> Value {
    serde_json::from_str(&channel(frames, 3)).expect("channel 3 carries one Status")
}

#[tokio::test]
async fn success_ends_with_a_success_status_and_a_normal_close() {
    let sim = sim().await;
    for protocol in [
        "v5.channel.k8s.io",
        "v4.channel.k8s.io",
        "v4.channel.k8s.io, v5.channel.k8s.io",
    ] {
        let mut socket = connect(&sim, "command=hostname&stdout=true&stderr=true", protocol).await;
        let (frames, close) = drain(&mut socket).await;
        assert_eq!(channel(&frames, 1), "web-1\n", "{protocol}");
        assert_eq!(channel(&frames, 2), "", "{protocol}");
        assert_eq!(
            status(&frames),
            json!({"metadata": {}, "status": "Success"})
        );
        assert_eq!(frames.last().map(|f| f.0), Some(3), "the Status comes last");
        assert_eq!(close, Some(CloseCode::Normal), "{protocol}");
    }
    sim.stop().await;
}

#[tokio::test]
async fn a_non_zero_exit_carries_its_code_as_the_exitcode_cause() {
    let sim = sim().await;
    let mut socket = connect(
        &sim,
        "command=sh&command=-c&command=exit+7&stdout=true&stderr=true",
        "v5.channel.k8s.io",
    )
    .await;
    let (frames, close) = drain(&mut socket).await;
    let status = status(&frames);
    assert_eq!(status["status"], "Failure");
    assert_eq!(status["reason"], "NonZeroExitCode");
    assert_eq!(
        status["details"]["causes"],
        json!([{"reason": "ExitCode", "message": "7"}])
    );
    assert_eq!(close, Some(CloseCode::Normal));
    sim.stop().await;
}

#[tokio::test]
async fn v5_stdin_close_ends_the_input() {
    let sim = sim().await;
    let mut socket = connect(
        &sim,
        "command=cat&stdin=true&stdout=true&stderr=true",
        "v5.channel.k8s.io",
    )
    .await;
    for message in [&b"\x00hello "[..], b"\x00world\n", &[255, 0]] {
        socket
            .send(Message::Binary(message.to_vec().into()))
            .await
            .expect("send");
    }
    let (frames, close) = drain(&mut socket).await;
    assert_eq!(channel(&frames, 1), "hello world\n");
    assert_eq!(status(&frames)["status"], "Success");
    assert_eq!(close, Some(CloseCode::Normal));
    sim.stop().await;
}

#[tokio::test]
async fn a_tty_shell_prompts_echoes_accepts_resizes_and_leaves_on_ctrl_d() {
    let sim = sim().await;
    let mut socket = connect(
        &sim,
        "command=sh&stdin=true&stdout=true&stderr=true&tty=true",
        "v5.channel.k8s.io",
    )
    .await;
    let messages: [&[u8]; 5] = [
        b"\x04{\"Width\":120,\"Height\":40}\n",
        b"\x00hostnamx\x7fe\r",
        b"\x00junk\x03",
        b"\x00cat /nope\r",
        b"\x00\x04",
    ];
    for message in messages {
        socket
            .send(Message::Binary(message.to_vec().into()))
            .await
            .expect("send");
    }
    let (frames, close) = drain(&mut socket).await;
    let screen = channel(&frames, 1);
    assert!(
        screen.contains("hostnamx\x08 \x08e\r\nweb-1\r\n"),
        "{screen:?}"
    );
    assert!(screen.contains("junk^C\r\n"), "{screen:?}");
    assert!(
        screen.contains("cat: /nope: No such file or directory\r\n"),
        "stderr shares the terminal: {screen:?}"
    );
    assert_eq!(channel(&frames, 2), "", "a TTY has no stderr channel");
    let status = status(&frames);
    assert_eq!(
        status["details"]["causes"][0]["message"], "1",
        "sh leaves with the status of its last command"
    );
    assert_eq!(close, Some(CloseCode::Normal));
    sim.stop().await;
}

#[tokio::test]
async fn requests_without_a_command_or_a_stream_are_refused() {
    let sim = sim().await;
    let client = reqwest::Client::new();
    let base = format!("{}/api/v1/namespaces/default/pods/web-1/exec", sim.url());
    for (query, message) in [
        (
            "stdout=true",
            "you must specify at least one command for the container",
        ),
        (
            "command=ls",
            "you must specify at least 1 of stdin, stdout, stderr",
        ),
    ] {
        let response = client
            .post(format!("{base}?{query}"))
            .header("Connection", "Upgrade")
            .header("Upgrade", "SPDY/3.1")
            .header("X-Stream-Protocol-Version", "v4.channel.k8s.io")
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 400, "{query}");
        let body: Value = response.json().await.expect("a Status");
        assert_eq!(body["reason"], "BadRequest");
        assert_eq!(body["message"], message);
    }
    sim.stop().await;
}
