//! The world's clocks across fast stretches: a timer set at one speed comes
//! on time at the next, and what a release records agrees with the objects
//! it made once the stretch has moved every stored time.

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Pod, Secret};
use kube::Api;
use kube::api::{ListParams, PostParams};
use tokio::sync::mpsc;
use trinetes::sim::eksctl::Pace;
use trinetes::sim::world::{World, WorldOptions, WorldOutput};

async fn world() -> (tempfile::TempDir, World) {
    let dir = tempfile::tempdir().expect("temp dir");
    let world = World::start(WorldOptions::new(dir.path().to_path_buf(), Pace::Fast))
        .await
        .expect("world starts");
    // As the TUI and `trinetes run` do: fast only during a step.
    world.set_speed(1.0);
    (dir, world)
}

fn client(url: &str) -> kube::Client {
    trinetes::check::client_for_url(url).expect("a client for the simulated API server")
}

async fn restarts(api: &Api<Pod>, name: &str) -> i32 {
    api.get_opt(name)
        .await
        .expect("get the pod")
        .and_then(|p| {
            p.status?
                .container_statuses?
                .first()
                .map(|c| c.restart_count)
        })
        .unwrap_or(0)
}

/// Polls (50 ms apart, `tries` times) until the pod restarted more than `than` times.
async fn restarted_more(api: &Api<Pod>, name: &str, than: i32, tries: usize) -> i32 {
    let mut seen = 0;
    for _ in 0..tries {
        seen = restarts(api, name).await;
        if seen > than {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    seen
}

/// A crash-looping pod waits out its back-off while the learner reads
/// (wall pace); the next step's fast stretch must finish that wait at its
/// own speed, not at the wall's (the crash-loop check once timed out at
/// "0 restarts" this way).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_back_off_begun_at_the_walls_pace_ends_at_the_next_stretchs() {
    let (_dir, world) = world().await;
    let url = world.practice_url().expect("practice cluster runs");
    let api = Api::<Pod>::namespaced(client(&url), "default");
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "crasher"},
        "spec": {"containers": [{"name": "main", "image": "busybox",
                                 "command": ["sh", "-c", "echo hi; exit 3"]}]}
    }))
    .expect("pod");
    let counted = {
        let _step = world.fast_stretch();
        api.create(&PostParams::default(), &pod)
            .await
            .expect("create the pod");
        // Two restarts: the next back-off is 40 s of simulated time.
        restarted_more(&api, "crasher", 1, 400).await
    };
    assert!(
        counted >= 2,
        "restarted {counted} times in the first stretch"
    );
    // The learner reads for a while: the world runs at the wall's pace, and
    // the back-off is far from over.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = restarts(&api, "crasher").await;
    let _step = world.fast_stretch();
    // At the fast pace, what is left of 40 s takes under a second; at the
    // wall's pace it would take over half a minute.
    let after = restarted_more(&api, "crasher", before, 300).await;
    assert!(
        after > before,
        "still {after} restarts: the back-off did not speed up with the stretch"
    );
    drop(_step);
    world.shutdown().await;
}

async fn helm(world: &World, args: &str) -> Vec<String> {
    let (tx, mut rx) = mpsc::channel(4096);
    let words: Vec<String> = args.split_whitespace().map(String::from).collect();
    let code = world.helm(&words, &tx).await;
    drop(tx);
    let mut lines = Vec::new();
    while let Some(out) = rx.recv().await {
        if let WorldOutput::Line(l) = out {
            lines.push(l);
        }
    }
    assert_eq!(code, 0, "helm {args}: {lines:#?}");
    lines
}

/// `helm status`'s LAST DEPLOYED agrees with the release's own record in
/// the cluster (its Secret's creationTimestamp) after the install's fast
/// stretch moved every stored time to the wall; it used to stay where the
/// stretch's clock was, ten minutes behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helms_last_deployed_moves_with_the_world_after_a_fast_stretch() {
    let (_dir, world) = world().await;
    {
        let _step = world.fast_stretch();
        helm(&world, "repo add trino https://trinodb.github.io/charts").await;
        helm(
            &world,
            "install tcb trino/trino --version 1.42.2 --set image.tag=480",
        )
        .await;
    }
    let status = helm(&world, "status tcb").await;
    let shown = status
        .iter()
        .find_map(|l| l.strip_prefix("LAST DEPLOYED: "))
        .unwrap_or_else(|| panic!("no LAST DEPLOYED in {status:#?}"));
    let shown = jiff::civil::DateTime::strptime("%a %b %e %H:%M:%S %Y", shown.trim())
        .unwrap_or_else(|e| panic!("{shown:?} is not helm's date: {e}"))
        .to_zoned(jiff::tz::TimeZone::UTC)
        .expect("a UTC time")
        .timestamp();

    let url = world.practice_url().expect("practice cluster runs");
    let secrets = Api::<Secret>::namespaced(client(&url), "default")
        .list(&ListParams::default().labels("owner=helm,name=tcb"))
        .await
        .expect("list the release's Secrets");
    let record = secrets.items.first().expect("the release's Secret");
    let created = record
        .metadata
        .creation_timestamp
        .as_ref()
        .expect("stamped")
        .0;
    let created = Timestamp::from_second(created.as_second()).expect("in range");
    assert_eq!(
        shown, created,
        "LAST DEPLOYED against the Secret's creation"
    );
    assert!(
        shown <= Timestamp::now(),
        "LAST DEPLOYED {shown} is after the wall"
    );
    world.shutdown().await;
}
