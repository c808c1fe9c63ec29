//! `pods/portforward` over WebSocket (`v4.channel.k8s.io`/`v5.channel.k8s.io`):
//! port i uses data channel 2i and error channel 2i+1; each channel opens with
//! a frame carrying the port number. Connections go to the pod network. SPDY,
//! which kubectl speaks, gets a Status saying what to use instead.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, WriteHalf};
use tokio::sync::mpsc;

use crate::sim::api::ApiState;
use crate::sim::api::request::Query;
use crate::sim::api::status::ApiError;
use crate::sim::kinds;

const PROTOCOLS: [&str; 2] = ["v4.channel.k8s.io", "v5.channel.k8s.io"];
/// v5 lets the client say it finished writing to a channel: [255, channel].
const CLOSE_CHANNEL: u8 = 255;

pub const SPDY_MESSAGE: &str = "port-forward over SPDY is not supported by the trinetes simulator: use `trinetes port-forward`, or a WebSocket client speaking v4.channel.k8s.io or v5.channel.k8s.io (such as kube-rs Api::<Pod>::portforward)";

fn parse_ports(raw: Option<&str>) -> Result<Vec<u16>, ApiError> {
    let mut ports = Vec::new();
    for pair in raw.unwrap_or("").split('&') {
        if let Some(v) = pair.strip_prefix("ports=") {
            let decoded = Query::parse(Some(&format!("p={v}")));
            for p in decoded
                .get("p")
                .unwrap_or("")
                .split(',')
                .filter(|p| !p.is_empty())
            {
                let port: u16 = p
                    .trim()
                    .parse()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| ApiError::bad_request(format!("invalid port: {p}")))?;
                ports.push(port);
            }
        }
    }
    if ports.is_empty() {
        return Err(ApiError::bad_request("at least one port must be specified"));
    }
    Ok(ports)
}

pub async fn handle(
    State(state): State<ApiState>,
    Path((namespace, name)): Path<(String, String)>,
    request: Request,
) -> Response {
    match upgrade(state, namespace, name, request).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn upgrade(
    state: ApiState,
    namespace: String,
    name: String,
    request: Request,
) -> Result<Response, ApiError> {
    let pods = kinds::by_kind("Pod").expect("pods are always served");
    if state.store.get("Pod", Some(&namespace), &name).is_none() {
        return Err(ApiError::not_found(pods, &name));
    }
    let offered: Vec<String> = request
        .headers()
        .get_all(axum::http::header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|p| p.trim().to_string()))
        .collect();
    let is_ws = request
        .headers()
        .get(axum::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !is_ws || !offered.iter().any(|p| PROTOCOLS.contains(&p.as_str())) {
        return Err(ApiError::bad_request(SPDY_MESSAGE));
    }
    let ports = parse_ports(request.uri().query())?;
    let (mut parts, _) = request.into_parts();
    let ws = WebSocketUpgrade::from_request_parts(&mut parts, &state)
        .await
        .map_err(|e| ApiError::bad_request(format!("websocket upgrade failed: {e}")))?;
    let network = state.store.pod_network().clone();
    let shutdown = state.shutdown.clone();
    Ok(ws
        .protocols(PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let conns: Vec<Option<DuplexStream>> = ports
                .iter()
                .map(|p| network.connect(&namespace, &name, *p))
                .collect();
            tokio::select! {
                _ = forward(socket, &namespace, &name, &ports, conns) => {}
                _ = shutdown.cancelled() => {}
            }
        }))
}

fn frame(channel: u8, data: &[u8]) -> Message {
    let mut bytes = Vec::with_capacity(data.len() + 1);
    bytes.push(channel);
    bytes.extend_from_slice(data);
    Message::Binary(bytes.into())
}

async fn forward(
    socket: WebSocket,
    namespace: &str,
    pod: &str,
    ports: &[u16],
    conns: Vec<Option<DuplexStream>>,
) {
    let (mut sink, mut stream) = socket.split();
    for (i, port) in ports.iter().enumerate() {
        let le = port.to_le_bytes();
        for channel in [2 * i as u8, 2 * i as u8 + 1] {
            if sink.send(frame(channel, &le)).await.is_err() {
                return;
            }
        }
    }
    // Everything read from the pod ports funnels through one queue to the socket.
    let (out_tx, mut out_rx) = mpsc::channel::<Message>(64);
    let mut writers: Vec<Option<WriteHalf<DuplexStream>>> = Vec::new();
    let mut open_readers = 0usize;
    for (i, conn) in conns.into_iter().enumerate() {
        match conn {
            None => {
                let msg = format!(
                    "error forwarding port {} to pod {pod} in namespace {namespace}: connection refused",
                    ports[i]
                );
                if sink
                    .send(frame(2 * i as u8 + 1, msg.as_bytes()))
                    .await
                    .is_err()
                {
                    return;
                }
                writers.push(None);
            }
            Some(conn) => {
                let (mut reader, writer) = tokio::io::split(conn);
                writers.push(Some(writer));
                open_readers += 1;
                let tx = out_tx.clone();
                let channel = 2 * i as u8;
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 32 * 1024];
                    loop {
                        match reader.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                if tx.send(frame(channel, &buf[..n])).await.is_err() {
                                    break;
                                }
                            }
                        }
                    }
                });
            }
        }
    }
    drop(out_tx);
    let readers_done = open_readers == 0;
    loop {
        tokio::select! {
            out = out_rx.recv(), if !readers_done => match out {
                Some(msg) => {
                    if sink.send(msg).await.is_err() {
                        return;
                    }
                }
                None => {
                    // Every pod connection closed: the forward is over.
                    let _ = sink.send(Message::Close(None)).await;
                    return;
                }
            },
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Binary(data))) if !data.is_empty() => {
                    let channel = data[0];
                    if channel == CLOSE_CHANNEL {
                        if let Some(target) = data.get(1).map(|c| (*c / 2) as usize)
                            && let Some(Some(w)) = writers.get_mut(target)
                        {
                            let _ = w.shutdown().await;
                        }
                        continue;
                    }
                    let index = (channel / 2) as usize;
                    if channel % 2 == 0
                        && let Some(Some(w)) = writers.get_mut(index)
                        && w.write_all(&data[1..]).await.is_err()
                    {
                        writers[index] = None;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                    for w in writers.iter_mut().flatten() {
                        let _ = w.shutdown().await;
                    }
                    return;
                }
                Some(Ok(_)) => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ports() {
        assert_eq!(parse_ports(Some("ports=8080")).expect("ok"), vec![8080]);
        assert_eq!(
            parse_ports(Some("&ports=80%2C443&ports=9")).expect("ok"),
            vec![80, 443, 9]
        );
        assert!(parse_ports(Some("ports=x")).is_err());
        assert!(parse_ports(None).is_err());
    }
}
