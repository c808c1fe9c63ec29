//! Ages the learner's own kubectl sees after a fast pace: never `<invalid>`
//! (a timestamp in the wall's future), during a fast stretch or after it,
//! and never younger after a restart than before it.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use trinetes::sim::eksctl::Pace;
use trinetes::sim::world::{FAST_SPEED, PRACTICE_CONTEXT, WORLD_FILE, World, WorldOptions};

use crate::support::bin::require_kubectl;
use crate::support::kubectl;

fn kept(dir: &std::path::Path) -> WorldOptions {
    WorldOptions {
        persist: true,
        ..WorldOptions::new(dir.to_path_buf(), Pace::Fast)
    }
}

async fn kubectl_in(dir: &std::path::Path, args: &[&str]) -> String {
    let out = kubectl::run(dir, args, &[], Duration::from_secs(30)).await;
    assert_eq!(out.status, 0, "kubectl {args:?}: {}", out.stderr);
    out.stdout
}

/// Every time-named string in the pods and the deployment, as kubectl got them.
async fn stamps(dir: &std::path::Path) -> Vec<(String, Timestamp)> {
    let mut found = Vec::new();
    for kind in ["pods", "deployments", "replicasets"] {
        let text = kubectl_in(dir, &["get", kind, "-o", "json"]).await;
        let json: serde_json::Value = serde_json::from_str(&text).expect("kubectl prints JSON");
        collect(&json, "", &mut found);
    }
    assert!(!found.is_empty(), "no timestamps at all");
    found
}

fn collect(value: &serde_json::Value, at: &str, found: &mut Vec<(String, Timestamp)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}.{key}");
                match child.as_str().and_then(|t| t.parse::<Timestamp>().ok()) {
                    Some(t)
                        if key.ends_with("Timestamp")
                            || key.ends_with("Time")
                            || key.ends_with("At") =>
                    {
                        found.push((here, t));
                    }
                    _ => collect(child, &here, found),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, &format!("{at}[{i}]"), found);
            }
        }
        _ => {}
    }
}

/// kubectl's AGE column and every timestamp are not in the wall's future.
async fn nothing_in_the_future(dir: &std::path::Path, when: &str) {
    let table = kubectl_in(dir, &["get", "deployments,pods"]).await;
    assert!(!table.contains("<invalid>"), "{when}:\n{table}");
    let wall = Timestamp::now();
    for (path, t) in stamps(dir).await {
        assert!(t <= wall, "{when}: {path} = {t} is after the wall's {wall}");
    }
}

async fn age_of_deployment(dir: &std::path::Path) -> SignedDuration {
    let created: Timestamp = kubectl_in(
        dir,
        &[
            "get",
            "deployment",
            "web",
            "-o",
            "jsonpath={.metadata.creationTimestamp}",
        ],
    )
    .await
    .trim()
    .parse()
    .expect("a timestamp");
    Timestamp::now().duration_since(created)
}

async fn until_ready(dir: &std::path::Path) {
    for _ in 0..200 {
        let ready = kubectl_in(
            dir,
            &[
                "get",
                "deployment",
                "web",
                "-o",
                "jsonpath={.status.readyReplicas}",
            ],
        )
        .await;
        if ready.trim() == "2" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the deployment never had 2 ready replicas");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_fast_stretch_and_a_restart_kubectl_shows_no_invalid_age() {
    require_kubectl();
    let dir = tempfile::tempdir().expect("temp dir");
    let world = World::start(kept(dir.path())).await.expect("world starts");
    world.set_speed(1.0);
    {
        // A step on the fast pace: FAST_SPEED times the wall's pace while it runs.
        let _fast = world.fast_stretch();
        assert_eq!(world.speed(), FAST_SPEED);
        kubectl_in(
            dir.path(),
            &[
                "create",
                "deployment",
                "web",
                "--image=nginx",
                "--replicas=2",
            ],
        )
        .await;
        until_ready(dir.path()).await;
        // A few seconds of wall time are minutes of simulated time.
        tokio::time::sleep(Duration::from_secs(2)).await;
        nothing_in_the_future(dir.path(), "during the fast stretch").await;
    }
    assert_eq!(world.speed(), 1.0, "the stretch ended at the wall's pace");
    nothing_in_the_future(dir.path(), "after the fast stretch").await;
    let age = age_of_deployment(dir.path()).await;
    assert!(
        age >= SignedDuration::from_secs(60),
        "the stretch's simulated minutes are in the age: {age:?}"
    );

    // A restart: ages go on from where they were, by the time it took.
    let before = age_of_deployment(dir.path()).await;
    world.shutdown().await;
    let world = World::start(kept(dir.path()))
        .await
        .expect("world restarts");
    world.set_speed(1.0);
    nothing_in_the_future(dir.path(), "after the restart").await;
    let after = age_of_deployment(dir.path()).await;
    assert!(
        after >= before,
        "younger after the restart: {before:?} then {after:?}"
    );
    assert!(
        after - before < SignedDuration::from_secs(600),
        "older by more than the restart took: {before:?} then {after:?}"
    );

    // Killed in the middle of a stretch: what it saved last comes back.
    let stretch = world.fast_stretch();
    tokio::time::sleep(Duration::from_secs(1)).await;
    world.save().expect("saved");
    let file = dir.path().join(WORLD_FILE);
    let killed = std::fs::read(&file).expect("the saved world");
    let at_save = true_age_in(&killed);
    drop(stretch);
    world.shutdown().await;
    std::fs::write(&file, killed).expect("put back what the killed one saved");
    let world = World::start(kept(dir.path()))
        .await
        .expect("world restarts");
    world.set_speed(1.0);
    nothing_in_the_future(dir.path(), "after a restart from a stretch").await;
    let after = age_of_deployment(dir.path()).await;
    assert!(
        after >= at_save,
        "younger after the restart: {at_save:?} then {after:?}"
    );
    assert!(
        after - at_save < SignedDuration::from_secs(600),
        "older by more than the restart took: {at_save:?} then {after:?}"
    );
    world.shutdown().await;
}

/// The deployment's age in a saved world, on the clock that saved it.
fn true_age_in(saved: &[u8]) -> SignedDuration {
    let world: serde_json::Value = serde_json::from_slice(saved).expect("JSON");
    let practice = world["clusters"]
        .as_array()
        .expect("clusters")
        .iter()
        .find(|c| c["context"] == PRACTICE_CONTEXT)
        .expect("the practice cluster");
    let clock: Timestamp = practice["store"]["taken"]["clock"]
        .as_str()
        .expect("the clock when saved")
        .parse()
        .expect("a timestamp");
    let created: Timestamp = practice["store"]["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .find(|o| o["kind"] == "Deployment" && o["metadata"]["name"] == "web")
        .and_then(|o| o["metadata"]["creationTimestamp"].as_str())
        .expect("the deployment")
        .parse()
        .expect("a timestamp");
    clock.duration_since(created)
}
