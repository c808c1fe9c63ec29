//! The HTTP routes of the simulated API server: health and version,
//! discovery, OpenAPI, and resource requests dispatched to the handlers.

pub mod access;
pub mod discovery;
pub mod exec;
pub mod logs;
pub mod openapi;
pub mod patch;
pub mod portforward;
pub mod protobuf;
pub mod request;
pub mod resources;
pub mod scale;
pub mod selectors;
pub mod spdy;
pub mod status;
pub mod table;
pub mod watch;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::sim::store::Store;
use status::{ApiError, json_response};

/// Request bodies above this size are refused with 413, like the real server.
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

/// What every handler needs.
#[derive(Clone)]
pub struct ApiState {
    pub store: Store,
    /// Cancelled when the server shuts down; ends watches and log streams.
    pub shutdown: CancellationToken,
}

pub fn router(state: ApiState) -> Router {
    Router::new()
        .route(
            "/api/v1/namespaces/{namespace}/pods/{name}/portforward",
            axum::routing::any(portforward::handle),
        )
        .route(access::PATH, axum::routing::post(access::handle))
        .route(
            access::RULES_PATH,
            axum::routing::post(access::handle_rules),
        )
        .route(
            "/api/v1/namespaces/{namespace}/pods/{name}/exec",
            axum::routing::any(exec::handle),
        )
        .fallback(handle)
        .layer(DefaultBodyLimit::disable())
        .with_state(state)
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn text(body: &'static str) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

fn ok_json(body: &Value) -> Response {
    json_response(StatusCode::OK, body)
}

async fn handle(State(state): State<ApiState>, request: Request) -> Response {
    match dispatch(state, request).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// Reads the whole body, refusing more than [`MAX_BODY_BYTES`].
async fn read_body(body: Body) -> Result<bytes::Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                413,
                "RequestEntityTooLarge",
                format!("the request body is larger than the limit of {MAX_BODY_BYTES} bytes"),
            )
        })
}

async fn dispatch(state: ApiState, request: Request) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let query = request::Query::parse(parts.uri.query());
    let accept = header_str(&parts.headers, header::ACCEPT).map(str::to_string);
    let is_get = parts.method == Method::GET;
    match path.trim_end_matches('/') {
        "/healthz" | "/readyz" | "/livez" if is_get => return Ok(text("ok")),
        "/version" if is_get => return Ok(ok_json(&discovery::version())),
        "/api" | "/apis" if is_get => {
            let core = path.trim_end_matches('/') == "/api";
            return Ok(match discovery::aggregated_version(accept.as_deref()) {
                Some(v) => {
                    let body =
                        serde_json::to_vec(&discovery::aggregated(core, v)).unwrap_or_default();
                    (
                        StatusCode::OK,
                        [(header::CONTENT_TYPE, discovery::aggregated_content_type(v))],
                        body,
                    )
                        .into_response()
                }
                None if core => ok_json(&discovery::api_versions()),
                None => ok_json(&discovery::api_group_list()),
            });
        }
        "/openapi/v3" if is_get => return Ok(ok_json(&openapi::index())),
        p if is_get && p.starts_with("/openapi/v3/") => {
            let doc = openapi::document(&p["/openapi/v3/".len()..])
                .ok_or_else(ApiError::not_found_path)?;
            return Ok(ok_json(&doc));
        }
        _ => {}
    }
    if is_get {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            ["api", version] => {
                return discovery::resource_list("", version)
                    .map(|l| ok_json(&l))
                    .ok_or_else(ApiError::not_found_path);
            }
            ["apis", group] => {
                let (g, v) = crate::sim::kinds::group_versions()
                    .into_iter()
                    .find(|(g, _)| g == group)
                    .ok_or_else(ApiError::not_found_path)?;
                return Ok(ok_json(&discovery::api_group(g, v)));
            }
            ["apis", group, version] => {
                return discovery::resource_list(group, version)
                    .map(|l| ok_json(&l))
                    .ok_or_else(ApiError::not_found_path);
            }
            _ => {}
        }
    }
    let Some(target) = request::parse_resource_path(&path)? else {
        return Err(ApiError::not_found_path());
    };
    let content_type = header_str(&parts.headers, header::CONTENT_TYPE).map(str::to_string);
    let body = read_body(body).await?;
    let ctx = resources::RequestContext {
        state,
        target,
        query,
        accept,
        content_type,
        body,
    };
    resources::serve(ctx, parts.method).await
}
