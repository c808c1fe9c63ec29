//! Load on loopback: 50 concurrent HTTP watchers while several writers
//! create, update and delete over HTTP. Every watcher must receive every event,
//! in resourceVersion order. Bounded in count and in time.

use std::time::Duration;

use crate::support::apiserver::*;
use serde_json::{Value, json};

const WATCHERS: usize = 50;
const WRITERS: usize = 4;
const OBJECTS_PER_WRITER: usize = 25;
/// Each object is created, updated and deleted.
const EVENTS: usize = WRITERS * OBJECTS_PER_WRITER * 3;

async fn watch(url: String) -> Vec<(String, u64)> {
    let resp = reqwest::get(url).await.expect("watch request");
    assert_eq!(resp.status().as_u16(), 200);
    let mut resp = resp;
    let mut pending = Vec::new();
    let mut events = Vec::new();
    while events.len() < EVENTS {
        let chunk = tokio::time::timeout(Duration::from_secs(60), resp.chunk())
            .await
            .expect("events keep coming")
            .expect("chunk")
            .expect("stream open");
        pending.extend_from_slice(&chunk);
        while let Some(pos) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=pos).collect();
            let event: Value = serde_json::from_slice(&line).expect("one JSON event per line");
            let rv = event["object"]["metadata"]["resourceVersion"]
                .as_str()
                .and_then(|r| r.parse().ok())
                .expect("rv");
            events.push((event["type"].as_str().unwrap_or_default().to_string(), rv));
        }
    }
    events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_watchers_and_writers_lose_nothing() {
    let sim = Sim::start().await;
    let base = format!("{}/api/v1/namespaces/default/configmaps", sim.url());
    let start = sim.store.resource_version();
    let watchers: Vec<_> = (0..WATCHERS)
        .map(|_| {
            tokio::spawn(watch(format!(
                "{base}?watch=true&resourceVersion={start}&timeoutSeconds=120"
            )))
        })
        .collect();
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let base = base.clone();
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                for i in 0..OBJECTS_PER_WRITER {
                    let name = format!("w{w}-{i}");
                    let created: Value = client
                        .post(&base)
                        .json(&json!({"metadata": {"name": name}, "data": {"v": "1"}}))
                        .send()
                        .await
                        .expect("create")
                        .json()
                        .await
                        .expect("created");
                    let mut next = created.clone();
                    next["data"]["v"] = json!("2");
                    let resp = client
                        .put(format!("{base}/{name}"))
                        .json(&next)
                        .send()
                        .await
                        .expect("update");
                    assert_eq!(resp.status().as_u16(), 200);
                    let resp = client
                        .delete(format!("{base}/{name}"))
                        .send()
                        .await
                        .expect("delete");
                    assert_eq!(resp.status().as_u16(), 200);
                }
            })
        })
        .collect();
    for w in writers {
        tokio::time::timeout(Duration::from_secs(120), w)
            .await
            .expect("writers finish")
            .expect("writer ok");
    }
    let expected: Vec<u64> = (start + 1..=start + EVENTS as u64).collect();
    for w in watchers {
        let events = tokio::time::timeout(Duration::from_secs(120), w)
            .await
            .expect("watcher finishes")
            .expect("watcher ok");
        let rvs: Vec<u64> = events.iter().map(|(_, rv)| *rv).collect();
        assert_eq!(rvs, expected, "every event, in order");
        let added = events.iter().filter(|(t, _)| t == "ADDED").count();
        let modified = events.iter().filter(|(t, _)| t == "MODIFIED").count();
        let deleted = events.iter().filter(|(t, _)| t == "DELETED").count();
        assert_eq!(
            (added, modified, deleted),
            (EVENTS / 3, EVENTS / 3, EVENTS / 3)
        );
    }
    sim.stop().await;
}
