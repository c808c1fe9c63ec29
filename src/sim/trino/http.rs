//! The simulated Trino node's HTTP API: `/v1/info`, `/v1/info/state`,
//! `/v1/status`, `/v1/cluster` and a small web UI, served by axum.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use jiff::Timestamp;
use serde_json::json;

use crate::sim::Clock;

/// Counts the active workers of the node's cluster (for the coordinator's UI).
pub type WorkerCount = Arc<dyn Fn() -> usize + Send + Sync>;

/// One running Trino server process.
#[derive(Clone)]
pub struct TrinoNode {
    /// The pod name, which the image passes as `-Dnode.id`.
    pub node_id: String,
    pub address: String,
    /// `355`, `480`
    pub version: String,
    pub environment: String,
    pub coordinator: bool,
    /// On the clock's steady time (`Clock::steady_now`), which rebases do not move.
    pub started_at: Timestamp,
    /// How long after `started_at` the server reports `starting: false`.
    pub startup: Duration,
    pub clock: Clock,
    pub workers: WorkerCount,
}

impl TrinoNode {
    pub fn uptime(&self) -> Duration {
        let elapsed = self.clock.steady_now().duration_since(self.started_at);
        Duration::try_from(elapsed).unwrap_or(Duration::ZERO)
    }

    pub fn is_starting(&self) -> bool {
        self.uptime() < self.startup
    }

    pub fn info(&self) -> serde_json::Value {
        json!({
            "nodeVersion": { "version": self.version },
            "environment": self.environment,
            "coordinator": self.coordinator,
            "starting": self.is_starting(),
            "uptime": succinct_duration(self.uptime()),
        })
    }
}

/// airlift's `Duration.toString()` after `convertToMostSuccinctTimeUnit`:
/// the largest unit in which the value is at least 1, with two decimals.
pub fn succinct_duration(d: Duration) -> String {
    let nanos = d.as_nanos() as f64;
    const UNITS: [(&str, f64); 7] = [
        ("d", 86_400e9),
        ("h", 3_600e9),
        ("m", 60e9),
        ("s", 1e9),
        ("ms", 1e6),
        ("us", 1e3),
        ("ns", 1.0),
    ];
    let (unit, size) = UNITS
        .iter()
        .find(|(_, size)| nanos >= *size)
        .copied()
        .unwrap_or(("ns", 1.0));
    format!("{:.2}{unit}", nanos / size)
}

/// The HTTP API of one node. Workers serve the `/v1` API but no UI.
pub fn trino_router(node: TrinoNode) -> Router {
    let node = Arc::new(node);
    Router::new()
        .route("/", get(root))
        .route("/ui", get(|| async { Redirect::to("/ui/") }))
        .route("/ui/", get(ui))
        .route("/v1/info", get(info))
        .route("/v1/info/state", get(state))
        .route("/v1/status", get(status))
        .route("/v1/cluster", get(cluster))
        .with_state(node)
}

type Node = State<Arc<TrinoNode>>;

async fn root(State(node): Node) -> Response {
    if node.coordinator {
        Redirect::to("/ui/").into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

async fn info(State(node): Node) -> Response {
    axum::Json(node.info()).into_response()
}

async fn state(State(node): Node) -> Response {
    let state = if node.is_starting() {
        "INACTIVE"
    } else {
        "ACTIVE"
    };
    axum::Json(json!(state)).into_response()
}

async fn status(State(node): Node) -> Response {
    let heap_max: u64 = 8 * 1024 * 1024 * 1024;
    axum::Json(json!({
        "nodeId": node.node_id,
        "nodeVersion": { "version": node.version },
        "environment": node.environment,
        "coordinator": node.coordinator,
        "uptime": succinct_duration(node.uptime()),
        "externalAddress": node.address,
        "internalAddress": node.address,
        "memoryInfo": {
            "availableProcessors": 2,
            "pool": { "maxBytes": heap_max / 8 * 3, "reservedBytes": 0, "reservedRevocableBytes": 0 },
        },
        "processors": 2,
        "processCpuLoad": 0.01,
        "systemCpuLoad": 0.03,
        "heapUsed": 512 * 1024 * 1024,
        "heapAvailable": heap_max,
        "nonHeapUsed": 128 * 1024 * 1024,
    }))
    .into_response()
}

async fn cluster(State(node): Node) -> Response {
    if !node.coordinator {
        return StatusCode::NOT_FOUND.into_response();
    }
    axum::Json(json!({
        "runningQueries": 0,
        "blockedQueries": 0,
        "queuedQueries": 0,
        "activeCoordinators": 1,
        "activeWorkers": (node.workers)(),
        "runningDrivers": 0,
        "totalAvailableProcessors": 2 * (1 + (node.workers)()),
        "reservedMemory": 0.0,
        "totalInputRows": 0,
        "totalInputBytes": 0,
        "totalCpuTimeSecs": 0,
    }))
    .into_response()
}

async fn ui(State(node): Node) -> Response {
    if !node.coordinator {
        return StatusCode::NOT_FOUND.into_response();
    }
    let page = ui_page(&node);
    ([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn ui_page(node: &TrinoNode) -> String {
    let workers = (node.workers)();
    let state = if node.is_starting() {
        "starting"
    } else {
        "active"
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Cluster Overview - Trino (simulated by trinetes)</title>
<style>
body {{ background: #1b1b1b; color: #eee; font-family: sans-serif; margin: 2em; }}
h1 {{ color: #dd00a1; }}
.banner {{ background: #333; border-left: 4px solid #f8b600; padding: 0.6em 1em; }}
table {{ border-collapse: collapse; margin-top: 1.5em; }}
td {{ padding: 0.4em 1.2em; border-bottom: 1px solid #444; }}
td.n {{ font-size: 1.6em; color: #8fd3ff; }}
</style>
</head>
<body>
<h1>Trino</h1>
<p class="banner">This page is simulated by trinetes: no real Trino runs here. It shows what
the simulated cluster looks like from the coordinator.</p>
<table>
<tr><td>Version</td><td class="n">{version}</td></tr>
<tr><td>Environment</td><td class="n">{environment}</td></tr>
<tr><td>Coordinator</td><td class="n">{coordinator}</td></tr>
<tr><td>State</td><td class="n">{state}</td></tr>
<tr><td>Uptime</td><td class="n">{uptime}</td></tr>
<tr><td>Active workers</td><td class="n" id="active-workers">{workers}</td></tr>
<tr><td>Running queries</td><td class="n">0</td></tr>
<tr><td>Queued queries</td><td class="n">0</td></tr>
</table>
</body>
</html>
"#,
        version = escape(&node.version),
        environment = escape(&node.environment),
        coordinator = escape(&node.node_id),
        uptime = succinct_duration(node.uptime()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_the_most_succinct_unit() {
        assert_eq!(succinct_duration(Duration::from_millis(73_800)), "1.23m");
        assert_eq!(succinct_duration(Duration::from_millis(45_670)), "45.67s");
        assert_eq!(succinct_duration(Duration::from_secs(7200)), "2.00h");
        assert_eq!(succinct_duration(Duration::from_secs(36 * 3600)), "1.50d");
        assert_eq!(succinct_duration(Duration::from_micros(1500)), "1.50ms");
        assert_eq!(succinct_duration(Duration::ZERO), "0.00ns");
    }
}
