//! `pods/portforward`, in the three ways clients ask for it. Connections go
//! to the pod network.
//! - WebSocket `v4.channel.k8s.io`/`v5.channel.k8s.io` (kube-rs): port i uses
//!   data channel 2i and error channel 2i+1; each channel opens with a frame
//!   carrying the port number.
//! - WebSocket `SPDY/3.1+portforward.k8s.io` (kubectl 1.32): SPDY frames as a
//!   byte stream in binary messages.
//! - `Upgrade: SPDY/3.1` (older kubectl, and kubectl's fallback).

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, WriteHalf};
use tokio::sync::mpsc;

use crate::sim::api::ApiState;
use crate::sim::api::request::Query;
use crate::sim::api::spdy::portforward::{self as spdy_forward, Target};
use crate::sim::api::status::ApiError;
use crate::sim::kinds;

const PROTOCOLS: [&str; 2] = ["v4.channel.k8s.io", "v5.channel.k8s.io"];
/// kubectl 1.32 tunnels SPDY through a WebSocket under this subprotocol.
const SPDY_TUNNEL: &str = "SPDY/3.1+portforward.k8s.io";
const SPDY_UPGRADE: &str = "SPDY/3.1";
const STREAM_PROTOCOL_HEADER: &str = "X-Stream-Protocol-Version";
const STREAM_PROTOCOL: &str = "portforward.k8s.io";
/// v5 lets the client say it finished writing to a channel: [255, channel].
const CLOSE_CHANNEL: u8 = 255;
/// Bytes in flight between a WebSocket tunnel and its SPDY session.
const TUNNEL_BUFFER: usize = 64 * 1024;

const UNSUPPORTED_UPGRADE: &str = "port-forward needs a connection upgrade: a WebSocket with subprotocol v4.channel.k8s.io, v5.channel.k8s.io or SPDY/3.1+portforward.k8s.io, or Upgrade: SPDY/3.1";

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
    let upgrade = request
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let is_ws = upgrade.eq_ignore_ascii_case("websocket");
    let is_spdy = upgrade.eq_ignore_ascii_case(SPDY_UPGRADE);
    let target = Target {
        network: state.store.pod_network().clone(),
        namespace: namespace.clone(),
        pod: name.clone(),
    };
    if is_ws && offered.iter().any(|p| PROTOCOLS.contains(&p.as_str())) {
        return channels(state, namespace, name, request).await;
    }
    if is_ws && offered.iter().any(|p| p == SPDY_TUNNEL) {
        return spdy_tunnel(state, target, request).await;
    }
    if is_spdy {
        return spdy_upgrade(state, target, request);
    }
    Err(ApiError::bad_request(UNSUPPORTED_UPGRADE))
}

/// The v4/v5 channel protocol; ports come in the query.
async fn channels(
    state: ApiState,
    namespace: String,
    name: String,
    request: Request,
) -> Result<Response, ApiError> {
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

/// SPDY inside a WebSocket: the binary messages are one byte stream each way.
async fn spdy_tunnel(
    state: ApiState,
    target: Target,
    request: Request,
) -> Result<Response, ApiError> {
    let (mut parts, _) = request.into_parts();
    let ws = WebSocketUpgrade::from_request_parts(&mut parts, &state)
        .await
        .map_err(|e| ApiError::bad_request(format!("websocket upgrade failed: {e}")))?;
    let shutdown = state.shutdown.clone();
    Ok(ws
        .protocols([SPDY_TUNNEL])
        .on_upgrade(move |socket| async move {
            let (session_end, tunnel_end) = tokio::io::duplex(TUNNEL_BUFFER);
            tokio::spawn(tunnel(socket, tunnel_end));
            spdy_forward::serve(session_end, target, shutdown).await;
        }))
}

/// Carries bytes between WebSocket binary messages and a byte stream.
async fn tunnel(socket: WebSocket, bytes: DuplexStream) {
    let (mut sink, mut stream) = socket.split();
    let (mut reader, mut writer) = tokio::io::split(bytes);
    let inbound = async move {
        while let Some(Ok(message)) = stream.next().await {
            match message {
                Message::Binary(data) if writer.write_all(&data).await.is_err() => break,
                Message::Close(_) => break,
                _ => {}
            }
        }
        let _ = writer.shutdown().await;
    };
    let outbound = async move {
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let message = Message::Binary(buf[..n].to_vec().into());
                    if sink.send(message).await.is_err() {
                        return;
                    }
                }
            }
        }
        let _ = sink.send(Message::Close(None)).await;
    };
    // Either side ending ends the session: the SPDY side then sees EOF.
    tokio::select! {
        _ = inbound => {}
        _ = outbound => {}
    }
}

/// The plain SPDY upgrade: after 101 the connection itself carries SPDY.
fn spdy_upgrade(
    state: ApiState,
    target: Target,
    mut request: Request,
) -> Result<Response, ApiError> {
    let offered: Vec<&str> = request
        .headers()
        .get_all(STREAM_PROTOCOL_HEADER)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    if !offered.is_empty() && !offered.contains(&STREAM_PROTOCOL) {
        return Err(ApiError::bad_request(format!(
            "unable to upgrade: no common stream protocol (offered {}, served {STREAM_PROTOCOL})",
            offered.join(", ")
        )));
    }
    let on_upgrade = hyper::upgrade::on(&mut request);
    let shutdown = state.shutdown.clone();
    tokio::spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let io = hyper_util::rt::TokioIo::new(upgraded);
                spdy_forward::serve(io, target, shutdown).await;
            }
            Err(e) => tracing::debug!("SPDY upgrade failed: {e}"),
        }
    });
    let mut headers = HeaderMap::new();
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(header::UPGRADE, HeaderValue::from_static(SPDY_UPGRADE));
    headers.insert(
        STREAM_PROTOCOL_HEADER,
        HeaderValue::from_static(STREAM_PROTOCOL),
    );
    Ok((StatusCode::SWITCHING_PROTOCOLS, headers).into_response())
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
