//! `pods/log`: the lines recorded in the store for a container, optionally the
//! last N, and with `follow` a stream that ends when the pod goes away, the
//! server stops or a bounded time has passed.

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::sim::api::resources::RequestContext;
use crate::sim::api::status::ApiError;
use crate::sim::api::watch::channel_body;

/// How often a followed log looks for new lines.
const FOLLOW_POLL: Duration = Duration::from_millis(200);
/// A followed log ends after this long even if the pod lives on.
const FOLLOW_MAX: Duration = Duration::from_secs(60 * 60);

fn container_names(pod: &Value) -> Vec<String> {
    pod["spec"]["containers"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub fn serve(ctx: RequestContext) -> Result<Response, ApiError> {
    let rk = ctx.target.kind;
    let ns = ctx
        .target
        .namespace
        .clone()
        .unwrap_or_else(|| "default".into());
    let name = ctx.target.name.clone().unwrap_or_default();
    let store = ctx.state.store.clone();
    let pod = store
        .get("Pod", Some(&ns), &name)
        .ok_or_else(|| ApiError::not_found(rk, &name))?;
    let names = container_names(&pod);
    let container = match ctx.query.get("container").filter(|c| !c.is_empty()) {
        Some(c) if names.iter().any(|n| n == c) => c.to_string(),
        Some(c) => {
            return Err(ApiError::bad_request(format!(
                "container {c} is not valid for pod {name}"
            )));
        }
        None if names.len() == 1 => names[0].clone(),
        None => {
            return Err(ApiError::bad_request(format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                names.join(" ")
            )));
        }
    };
    let previous = ctx.query.flag("previous");
    let mut lines = if previous {
        store.previous_logs(&ns, &name, &container).ok_or_else(|| {
            ApiError::bad_request(format!(
                "previous terminated container \"{container}\" in pod \"{name}\" not found"
            ))
        })?
    } else {
        store.logs(&ns, &name, &container)
    };
    if let Some(tail) = ctx
        .query
        .get("tailLines")
        .and_then(|t| t.parse::<usize>().ok())
    {
        let skip = lines.len().saturating_sub(tail);
        lines.drain(..skip);
    }
    let mut text = String::new();
    for l in &lines {
        text.push_str(l);
        text.push('\n');
    }
    if previous || !ctx.query.flag("follow") {
        return Ok((
            StatusCode::OK,
            [(axum::http::header::CONTENT_TYPE, "text/plain")],
            text,
        )
            .into_response());
    }
    let already = store.logs(&ns, &name, &container).len();
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let shutdown = ctx.state.shutdown.clone();
    let uid = pod["metadata"]["uid"].clone();
    tokio::spawn(async move {
        if tx.send(Bytes::from(text)).await.is_err() {
            return;
        }
        let mut sent = already;
        let deadline = tokio::time::Instant::now() + FOLLOW_MAX;
        while tokio::time::Instant::now() < deadline {
            tokio::select! {
                _ = tokio::time::sleep(FOLLOW_POLL) => {}
                _ = shutdown.cancelled() => return,
                _ = tx.closed() => return,
            }
            let all = store.logs(&ns, &name, &container);
            if all.len() < sent {
                // The container restarted: its run, and so the stream, ended.
                return;
            }
            // The log store keeps a bounded tail; never index past it.
            let start = sent.min(all.len());
            let mut chunk = String::new();
            for l in &all[start..] {
                chunk.push_str(l);
                chunk.push('\n');
            }
            sent = all.len();
            if !chunk.is_empty() && tx.send(Bytes::from(chunk)).await.is_err() {
                return;
            }
            let alive = store
                .get("Pod", Some(&ns), &name)
                .is_some_and(|p| p["metadata"]["uid"] == uid);
            if !alive {
                return;
            }
        }
    });
    Ok(channel_body(rx, "text/plain"))
}
