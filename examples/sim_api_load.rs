//! A bounded loopback load generator for the simulated API server. Reports
//! GET requests/s with p50/p99 latency, watch delivery latency p99, and the
//! process's resident memory with 1,000 pods stored.
//!
//! cargo run --release --example sim_api_load -- [seconds] [concurrency]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::json;
use trinetes::sim::{ApiServer, Clock, Store};

fn vm_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn pod(i: usize) -> serde_json::Value {
    json!({"metadata": {"name": format!("pod-{i}"), "namespace": "default", "labels": {"app": "load"}},
           "spec": {"containers": [{"name": "c", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]},
           "status": {"phase": "Running", "podIP": "10.0.0.1"}})
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds: u64 = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5)
        .clamp(1, 300);
    let concurrency: usize = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(8)
        .clamp(1, 256);

    let rss_before = vm_rss_kib();
    let store = Store::new(Clock::real(1.0));
    for i in 0..1000 {
        store.create("Pod", pod(i)).expect("seed pod");
    }
    let rss_after = vm_rss_kib();
    let server = ApiServer::start(store.clone(), None).await.expect("server");
    let client: Client<_, Empty<bytes::Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let url: hyper::Uri = format!("{}/api/v1/namespaces/default/pods/pod-1", server.url())
        .parse()
        .expect("url");

    // GET load: `concurrency` loops until the deadline.
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let resp = client.get(url.clone()).await.expect("request");
                let _ = resp.into_body().collect().await.expect("body");
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.expect("load task"));
    }
    latencies.sort();
    let total = latencies.len();

    // Watch delivery: one HTTP watcher, 500 writes, time from write to receipt.
    let written: Arc<Mutex<HashMap<u64, Instant>>> = Arc::default();
    let watch_url = format!(
        "{}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={}&timeoutSeconds=60",
        server.url(),
        store.resource_version()
    );
    let writes = 500usize;
    let seen = written.clone();
    let watcher = tokio::spawn(async move {
        let mut resp = reqwest::get(watch_url).await.expect("watch");
        let mut delays = Vec::new();
        let mut buf = Vec::new();
        while delays.len() < writes {
            let Ok(Ok(Some(chunk))) =
                tokio::time::timeout(Duration::from_secs(30), resp.chunk()).await
            else {
                break;
            };
            let now = Instant::now();
            buf.extend_from_slice(&chunk);
            while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = buf.drain(..=pos).collect();
                let event: serde_json::Value = serde_json::from_slice(&line).expect("event");
                let rv: u64 = event["object"]["metadata"]["resourceVersion"]
                    .as_str()
                    .and_then(|r| r.parse().ok())
                    .unwrap_or(0);
                if let Some(at) = seen.lock().expect("lock").get(&rv) {
                    delays.push(now.duration_since(*at));
                }
            }
        }
        delays
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    for i in 0..writes {
        // The write and its timestamp are recorded under one lock so the
        // watcher cannot see the event before its start time is known.
        {
            let mut map = written.lock().expect("lock");
            let created = store
                .create(
                    "ConfigMap",
                    json!({"metadata": {"name": format!("cm-{i}"), "namespace": "default"}}),
                )
                .expect("create");
            let rv = created["metadata"]["resourceVersion"]
                .as_str()
                .and_then(|r| r.parse().ok())
                .unwrap_or(0);
            map.insert(rv, Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let mut delays = watcher.await.expect("watcher");
    delays.sort();

    println!("GET one pod: {total} requests in {seconds} s with {concurrency} clients");
    println!("  requests/s: {:.0}", total as f64 / seconds as f64);
    println!(
        "  p50: {:?}  p99: {:?}",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99)
    );
    println!(
        "watch delivery ({} of {writes} events): p50 {:?}  p99 {:?}",
        delays.len(),
        percentile(&delays, 0.50),
        percentile(&delays, 0.99)
    );
    match (rss_before, rss_after) {
        (Some(b), Some(a)) => println!(
            "VmRSS: {b} KiB before, {a} KiB with 1,000 pods stored (+{} KiB)",
            a.saturating_sub(b)
        ),
        _ => println!("VmRSS: not available (no /proc/self/status)"),
    }
    server.shutdown().await;
}
