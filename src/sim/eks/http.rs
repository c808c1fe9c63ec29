//! The EKS REST-JSON endpoint: axum routes over [`EksState`], listening on
//! 127.0.0.1 only.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::EksError;
use super::api_error::{EksApiError, EksErrorKind};
use super::state::EksState;

/// What a handler returns: a JSON body, or an AWS-shaped error.
type ApiResult = Result<Json200, EksApiError>;

/// A 200 with a JSON body and a request id.
struct Json200(Value);

fn request_id() -> String {
    let n: u128 = rand::random();
    shapes_uuid(n)
}

fn shapes_uuid(n: u128) -> String {
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn with_common_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(id) = HeaderValue::from_str(&request_id()) {
        headers.insert("x-amzn-RequestId", id);
    }
    response
}

impl IntoResponse for Json200 {
    fn into_response(self) -> Response {
        with_common_headers((StatusCode::OK, self.0.to_string()).into_response())
    }
}

impl IntoResponse for EksApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.kind.http_status())
            .expect("the error table holds valid HTTP statuses");
        let mut response = with_common_headers((status, self.body().to_string()).into_response());
        response.headers_mut().insert(
            "x-amzn-ErrorType",
            HeaderValue::from_static(self.kind.code()),
        );
        response
    }
}

fn parse_body<T: DeserializeOwned + Default>(body: &Bytes) -> Result<T, EksApiError> {
    if body.is_empty() {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        EksApiError::new(
            EksErrorKind::Serialization,
            format!("the request body is not valid: {e}"),
        )
    })
}

fn paging(query: &HashMap<String, String>) -> Result<(Option<usize>, Option<&str>), EksApiError> {
    let max = match query.get("maxResults") {
        None => None,
        Some(raw) => Some(raw.parse::<usize>().map_err(|_| {
            EksApiError::invalid_parameter(format!("maxResults is not a number: {raw}"))
        })?),
    };
    Ok((max, query.get("nextToken").map(String::as_str)))
}

async fn list_clusters(
    State(state): State<EksState>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    let (max, token) = paging(&query)?;
    let (names, next) = state.list_clusters(max, token)?;
    Ok(Json200(json!({ "clusters": names, "nextToken": next })))
}

async fn create_cluster(State(state): State<EksState>, body: Bytes) -> ApiResult {
    let request = parse_body(&body)?;
    Ok(Json200(
        json!({ "cluster": state.create_cluster(request)? }),
    ))
}

async fn describe_cluster(State(state): State<EksState>, Path(name): Path<String>) -> ApiResult {
    Ok(Json200(
        json!({ "cluster": state.describe_cluster(&name)? }),
    ))
}

async fn delete_cluster(State(state): State<EksState>, Path(name): Path<String>) -> ApiResult {
    Ok(Json200(json!({ "cluster": state.delete_cluster(&name)? })))
}

async fn list_nodegroups(
    State(state): State<EksState>,
    Path(cluster): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    let (max, token) = paging(&query)?;
    let (names, next) = state.list_nodegroups(&cluster, max, token)?;
    Ok(Json200(json!({ "nodegroups": names, "nextToken": next })))
}

async fn create_nodegroup(
    State(state): State<EksState>,
    Path(cluster): Path<String>,
    body: Bytes,
) -> ApiResult {
    let request = parse_body(&body)?;
    Ok(Json200(
        json!({ "nodegroup": state.create_nodegroup(&cluster, request)? }),
    ))
}

async fn describe_nodegroup(
    State(state): State<EksState>,
    Path((cluster, nodegroup)): Path<(String, String)>,
) -> ApiResult {
    Ok(Json200(
        json!({ "nodegroup": state.describe_nodegroup(&cluster, &nodegroup)? }),
    ))
}

async fn delete_nodegroup(
    State(state): State<EksState>,
    Path((cluster, nodegroup)): Path<(String, String)>,
) -> ApiResult {
    Ok(Json200(
        json!({ "nodegroup": state.delete_nodegroup(&cluster, &nodegroup)? }),
    ))
}

async fn unknown_operation(method: axum::http::Method, uri: axum::http::Uri) -> EksApiError {
    EksApiError::new(
        EksErrorKind::UnknownOperation,
        format!(
            "the simulated EKS endpoint does not serve {method} {}",
            uri.path()
        ),
    )
}

/// The routes of the EKS API that the simulator serves.
pub fn router(state: EksState) -> Router {
    Router::new()
        .route("/clusters", get(list_clusters).post(create_cluster))
        .route(
            "/clusters/{name}",
            get(describe_cluster).delete(delete_cluster),
        )
        .route(
            "/clusters/{name}/node-groups",
            get(list_nodegroups).post(create_nodegroup),
        )
        .route(
            "/clusters/{name}/node-groups/{nodegroup}",
            get(describe_nodegroup).delete(delete_nodegroup),
        )
        .fallback(unknown_operation)
        .method_not_allowed_fallback(unknown_operation)
        .with_state(state)
}

/// A running endpoint. Stops on [`EksServer::shutdown`] or when dropped.
pub struct EksServer {
    state: EksState,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl EksServer {
    /// Serves `state` on 127.0.0.1 at `port`, or at a free port for `None`.
    pub async fn start(state: EksState, port: Option<u16>) -> Result<EksServer, EksError> {
        let port = port.unwrap_or(0);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|source| EksError::Bind { port, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| EksError::Bind { port, source })?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(state.clone());
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                // A dropped sender stops the server too.
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                tracing::warn!("simulated EKS endpoint stopped: {e}");
            }
        });
        Ok(EksServer {
            state,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`, for `endpoint_url` / `AWS_ENDPOINT_URL_EKS`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &EksState {
        &self.state
    }

    /// Stops accepting, lets open requests finish, and waits for the end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for EksServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
