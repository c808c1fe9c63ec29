//! `pods/exec`: `kubectl exec` into the simulated container.
//! `GET|POST /api/v1/namespaces/NS/pods/POD/exec?command=..&container=..&stdin=..&stdout=..&stderr=..&tty=..`
//!
//! kubectl 1.32 asks first for a WebSocket (`v5.channel.k8s.io`, see
//! [`websocket`]); when that upgrade fails for any reason, it retries the
//! same request as a SPDY upgrade ([`spdy`]), so an error answered before
//! the upgrade reaches the learner through the SPDY attempt. The errors are
//! those of the real API server and kubelet: the pod (404), the container
//! (400), a pod without a node (400), a container that is not running (the
//! kubelet's 500 in plain text, which kubectl prints as "unable to upgrade
//! connection: container not found").

#[cfg(test)]
mod captured;
pub mod session;
pub mod spdy;
pub mod tty;
pub mod websocket;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::sim::api::ApiState;
use crate::sim::api::request::Query;
use crate::sim::api::status::ApiError;
use crate::sim::container::{Container, ContainerError};
use crate::sim::kinds;
use session::Options;

const SPDY_UPGRADE: &str = "SPDY/3.1";
const STREAM_PROTOCOL_HEADER: &str = "X-Stream-Protocol-Version";

/// Reads the exec options; `command` is repeated, one argument each.
pub fn parse_options(raw: Option<&str>) -> Options {
    let query = Query::parse(raw);
    let command = raw
        .unwrap_or("")
        .split('&')
        .filter_map(|pair| pair.strip_prefix("command="))
        .map(|v| {
            Query::parse(Some(&format!("v={v}")))
                .get("v")
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let tty = query.flag("tty");
    Options {
        command,
        container: query
            .get("container")
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        stdin: query.flag("stdin"),
        stdout: query.flag("stdout"),
        // A terminal has one output: stderr goes to stdout, as the kubelet does.
        stderr: query.flag("stderr") && !tty,
        tty,
    }
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

/// Why an exec is refused before the upgrade.
enum Refused {
    /// The API server's answer: a Status.
    Api(ApiError),
    /// The kubelet's answer, which is plain text.
    Kubelet(String),
}

impl From<ApiError> for Refused {
    fn from(e: ApiError) -> Refused {
        Refused::Api(e)
    }
}

impl From<ContainerError> for Refused {
    fn from(err: ContainerError) -> Refused {
        let message = err.to_string();
        match err {
            ContainerError::PodNotFound { pod } => {
                let pods = kinds::by_kind("Pod").expect("pods are always served");
                Refused::Api(ApiError::not_found(pods, &pod))
            }
            ContainerError::ContainerNotRunning { .. } => Refused::Kubelet(message),
            _ => Refused::Api(ApiError::bad_request(message)),
        }
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::Api(e) => e.into_response(),
            Refused::Kubelet(message) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                message,
            )
                .into_response(),
        }
    }
}

async fn upgrade(
    state: ApiState,
    namespace: String,
    name: String,
    request: Request,
) -> Result<Response, Refused> {
    let options = parse_options(request.uri().query());
    let container = Container::from_store(
        &state.store,
        &namespace,
        &name,
        options.container.as_deref(),
    )?;
    if !options.stdin && !options.stdout && !options.stderr {
        return Err(
            ApiError::bad_request("you must specify at least 1 of stdin, stdout, stderr").into(),
        );
    }
    if options.command.is_empty() {
        return Err(ApiError::bad_request(
            "you must specify at least one command for the container",
        )
        .into());
    }
    let headers = request.headers();
    let upgrade_to = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if upgrade_to.eq_ignore_ascii_case("websocket") {
        return over_websocket(state, container, options, request).await;
    }
    if upgrade_to.eq_ignore_ascii_case(SPDY_UPGRADE) {
        return over_spdy(state, container, options, request);
    }
    Err(ApiError::bad_request(
        "exec needs a connection upgrade: a WebSocket with subprotocol v5.channel.k8s.io or v4.channel.k8s.io, or Upgrade: SPDY/3.1",
    )
    .into())
}

fn offered(headers: &HeaderMap, name: impl header::AsHeaderName) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|p| p.trim().to_string())
        .collect()
}

async fn over_websocket(
    state: ApiState,
    container: Container,
    options: Options,
    request: Request,
) -> Result<Response, Refused> {
    let client = offered(request.headers(), header::SEC_WEBSOCKET_PROTOCOL);
    // The client's first choice that we speak, as the API server picks.
    let Some(protocol) = client
        .iter()
        .find_map(|c| websocket::PROTOCOLS.into_iter().find(|p| p == c))
    else {
        return Err(ApiError::bad_request(format!(
            "no common exec protocol: offered {}, served {}",
            client.join(", "),
            websocket::PROTOCOLS.join(", ")
        ))
        .into());
    };
    let (mut parts, _) = request.into_parts();
    let ws = WebSocketUpgrade::from_request_parts(&mut parts, &state)
        .await
        .map_err(|e| ApiError::bad_request(format!("websocket upgrade failed: {e}")))?;
    let shutdown = state.shutdown.clone();
    Ok(ws
        .protocols([protocol])
        .on_upgrade(move |socket| websocket::serve(socket, container, options, shutdown)))
}

fn over_spdy(
    state: ApiState,
    container: Container,
    options: Options,
    mut request: Request,
) -> Result<Response, Refused> {
    let client = offered(request.headers(), STREAM_PROTOCOL_HEADER);
    if !client.iter().any(|p| p == spdy::PROTOCOL) {
        return Err(ApiError::bad_request(format!(
            "unable to upgrade: no common stream protocol (offered {}, served {})",
            client.join(", "),
            spdy::PROTOCOL
        ))
        .into());
    }
    let on_upgrade = hyper::upgrade::on(&mut request);
    let shutdown = state.shutdown.clone();
    tokio::spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let io = hyper_util::rt::TokioIo::new(upgraded);
                spdy::serve(io, container, options, shutdown).await;
            }
            Err(e) => tracing::debug!("exec: SPDY upgrade failed: {e}"),
        }
    });
    let mut headers = HeaderMap::new();
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(header::UPGRADE, HeaderValue::from_static(SPDY_UPGRADE));
    headers.insert(
        STREAM_PROTOCOL_HEADER,
        HeaderValue::from_static(spdy::PROTOCOL),
    );
    Ok((StatusCode::SWITCHING_PROTOCOLS, headers).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_options_kubectl_sends() {
        let o = parse_options(Some(
            "command=sh&command=-c&command=cat+%2Fetc%2Fhostname+%26%26+echo+ok&container=web&stderr=true&stdout=true",
        ));
        assert_eq!(o.command, ["sh", "-c", "cat /etc/hostname && echo ok"]);
        assert_eq!(o.container.as_deref(), Some("web"));
        assert!(o.stdout && o.stderr && !o.stdin && !o.tty);
        let it = parse_options(Some(
            "command=sh&container=web&stdin=true&stdout=true&stderr=true&tty=true",
        ));
        assert!(
            it.stdin && it.tty && !it.stderr,
            "a TTY has no separate stderr"
        );
        assert!(parse_options(None).command.is_empty());
    }
}
