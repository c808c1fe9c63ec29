//! Watch responses: chunked, newline-terminated JSON events that follow the
//! store from a resourceVersion, filtered by selectors, ending on timeout,
//! server shutdown or client hang-up. A resourceVersion older than the history
//! becomes an in-stream ERROR event with a 410 Expired Status.

use std::collections::HashSet;
use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::sim::api::resources::{RequestContext, selectors_for};
use crate::sim::api::selectors::Selectors;
use crate::sim::api::status::ApiError;
use crate::sim::api::table::{self, IncludeObject};
use crate::sim::kinds::ResourceKind;
use crate::sim::store::{StoreError, WatchEventType, WatchStream, meta_str};

/// A watch without `timeoutSeconds` still ends after this long.
const MAX_WATCH: Duration = Duration::from_secs(30 * 60);

fn line(event_type: &str, object: &Value) -> Bytes {
    let mut bytes =
        serde_json::to_vec(&json!({"type": event_type, "object": object})).unwrap_or_default();
    bytes.push(b'\n');
    Bytes::from(bytes)
}

fn object_key(obj: &Value) -> (String, String) {
    (
        meta_str(obj, "namespace").unwrap_or_default().to_string(),
        meta_str(obj, "name").unwrap_or_default().to_string(),
    )
}

/// How one watch starts and ends.
struct WatchPlan {
    /// Objects sent as ADDED before any change.
    initial: Vec<Value>,
    /// The resourceVersion the watch follows from.
    since: u64,
    /// Whether to mark the end of `initial` with a bookmark (streaming lists).
    initial_events_end: bool,
    /// Whether the client accepts BOOKMARK events.
    bookmark: bool,
    timeout: Duration,
}

struct WatchTask {
    kind: &'static ResourceKind,
    selectors: Selectors,
    /// Objects the client currently knows as matching the selectors.
    visible: HashSet<(String, String)>,
    table: Option<IncludeObject>,
    clock: crate::sim::clock::Clock,
    tx: mpsc::Sender<Bytes>,
}

impl WatchTask {
    fn render(&self, object: &Value) -> Value {
        match self.table {
            Some(include) => table::table(
                self.kind,
                std::slice::from_ref(object),
                json!({"resourceVersion": object["metadata"]["resourceVersion"]}),
                self.clock.now(),
                include,
            ),
            None => object.clone(),
        }
    }

    async fn send(&self, event_type: &str, object: &Value) -> bool {
        self.tx
            .send(line(event_type, &self.render(object)))
            .await
            .is_ok()
    }

    /// Sends one store change as the client should see it: objects that
    /// start or stop matching the selectors are ADDED or DELETED.
    async fn forward(&mut self, event_type: WatchEventType, object: &Value) -> bool {
        let key = object_key(object);
        let was = self.visible.contains(&key);
        let matches = self.selectors.matches(object);
        let wire = match event_type {
            WatchEventType::Added if matches => "ADDED",
            WatchEventType::Modified if matches && was => "MODIFIED",
            WatchEventType::Modified if matches => "ADDED",
            WatchEventType::Modified if was => "DELETED",
            WatchEventType::Deleted if was || matches => "DELETED",
            _ => return true,
        };
        if wire == "DELETED" {
            self.visible.remove(&key);
        } else {
            self.visible.insert(key);
        }
        self.send(wire, object).await
    }

    async fn run(
        mut self,
        plan: WatchPlan,
        mut stream: WatchStream,
        shutdown: tokio_util::sync::CancellationToken,
    ) {
        let WatchPlan {
            initial,
            since,
            initial_events_end,
            bookmark,
            timeout,
        } = plan;
        for obj in &initial {
            self.visible.insert(object_key(obj));
            if !self.send("ADDED", obj).await {
                return;
            }
        }
        if initial_events_end {
            // The marker a streaming-list client waits for before it trusts its cache.
            let mark = json!({"kind": self.kind.kind, "apiVersion": self.kind.api_version(),
                              "metadata": {"resourceVersion": since.to_string(),
                                           "annotations": {"k8s.io/initial-events-end": "true"}}});
            if self.tx.send(line("BOOKMARK", &mark)).await.is_err() {
                return;
            }
        }
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let mut last_rv = since;
        loop {
            tokio::select! {
                event = stream.next() => {
                    let Some(event) = event else { break };
                    last_rv = event.resource_version;
                    if !self.forward(event.event_type, &event.object).await {
                        return;
                    }
                }
                _ = &mut deadline => break,
                _ = shutdown.cancelled() => break,
                _ = self.tx.closed() => return,
            }
        }
        if bookmark && last_rv > 0 {
            let mark = json!({"kind": self.kind.kind, "apiVersion": self.kind.api_version(),
                              "metadata": {"resourceVersion": last_rv.to_string()}});
            let _ = self.tx.send(line("BOOKMARK", &mark)).await;
        }
    }
}

fn streaming_response(rx: mpsc::Receiver<Bytes>, content_type: &'static str) -> Response {
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<Bytes, Infallible>(b), rx))
    });
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache, private"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

pub fn serve(ctx: RequestContext) -> Result<Response, ApiError> {
    let rk = ctx.target.kind;
    let selectors = selectors_for(&ctx)?;
    let store = ctx.state.store.clone();
    let timeout = ctx
        .query
        .number("timeoutSeconds")
        .map(Duration::from_secs)
        .unwrap_or(MAX_WATCH)
        .min(MAX_WATCH);
    let bookmark = ctx.query.flag("allowWatchBookmarks");
    let table = table::wants_table(ctx.accept.as_deref())
        .then(|| IncludeObject::parse(ctx.query.get("includeObject")));
    let ns = ctx.target.namespace.clone();
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    let send_initial = ctx.query.flag("sendInitialEvents");
    let requested = if send_initial {
        ""
    } else {
        ctx.query.get("resourceVersion").unwrap_or("")
    };
    let (initial, since, known): (Vec<Value>, u64, Vec<Value>) = match requested {
        "" | "0" => {
            let (items, rv) = store.list(rk.kind, ns.as_deref());
            let matching: Vec<Value> = items.into_iter().filter(|o| selectors.matches(o)).collect();
            (matching, rv, Vec::new())
        }
        rv => {
            let since: u64 = rv
                .parse()
                .map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv}")))?;
            // What the client saw at `since` is unknown; what matches now is the best guess.
            let (items, _) = store.list(rk.kind, ns.as_deref());
            let known = items.into_iter().filter(|o| selectors.matches(o)).collect();
            (Vec::new(), since, known)
        }
    };
    let content_type = "application/json";
    match store.watch(Some(rk.kind), ns.as_deref(), since) {
        Ok(stream) => {
            let mut task = WatchTask {
                kind: rk,
                selectors,
                visible: HashSet::new(),
                table,
                clock: store.clock().clone(),
                tx,
            };
            for obj in &known {
                task.visible.insert(object_key(obj));
            }
            let plan = WatchPlan {
                initial,
                since,
                initial_events_end: send_initial,
                bookmark,
                timeout,
            };
            tokio::spawn(task.run(plan, stream, ctx.state.shutdown.clone()));
        }
        Err(err @ StoreError::Expired { .. }) => {
            let status = ApiError::new(410, "Expired", err.to_string()).to_status();
            tokio::spawn(async move {
                let _ = tx.send(line("ERROR", &status)).await;
            });
        }
        Err(other) => return Err(ApiError::from_store(rk, other)),
    }
    Ok(streaming_response(rx, content_type))
}

/// A byte stream body from a channel, for other streaming responses.
pub fn channel_body(rx: mpsc::Receiver<Bytes>, content_type: &'static str) -> Response {
    streaming_response(rx, content_type)
}
