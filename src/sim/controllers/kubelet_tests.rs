use super::*;
use crate::sim::controllers::kubelet_status::{backoff, normalise_image};
use crate::sim::nodes::{NodeTemplate, make_node};
use serde_json::json;

fn t0() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn node() -> Node {
    let mut t = NodeTemplate::new("t2.large");
    t.private_ip = Ipv4Addr::new(192, 168, 7, 8);
    serde_json::from_value(make_node(&t).unwrap()).unwrap()
}

fn pod(command: Option<&[&str]>) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": "web-abcde", "namespace": "default", "uid": "pod-uid"},
        "spec": {"nodeName": node().metadata.name, "containers": [{"name": "web", "image": "nginx:1.27", "command": command, "ports": [{"containerPort": 80}]}]},
        "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "True"}]}
    }))
    .unwrap()
}

/// Runs one kubelet pass at `at` and keeps the written status.
fn step(pod: &mut Pod, at: Timestamp, ips: &mut PodIps) -> (Vec<Change>, Option<Timestamp>) {
    let (changes, wake) = reconcile_pod(
        pod,
        &node(),
        &RuntimeRegistry::default(),
        &KubeletSettings::default(),
        ips,
        at,
    );
    for c in &changes {
        if let Change::UpdateStatus { object, .. } = c {
            *pod = serde_json::from_value(object.clone()).unwrap();
        }
    }
    (changes, wake)
}

fn reasons(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Event(e) => Some(e.reason.clone()),
            _ => None,
        })
        .collect()
}

fn state(pod: &Pod) -> ContainerStatus {
    pod.status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap()[0]
        .clone()
}

#[test]
fn a_bound_pod_creates_runs_and_becomes_ready() {
    let mut p = pod(None);
    let mut ips = PodIps::default();
    let (changes, wake) = step(&mut p, t0(), &mut ips);
    assert_eq!(reasons(&changes), ["Pulling"]);
    assert_eq!(
        state(&p).state.unwrap().waiting.unwrap().reason.as_deref(),
        Some("ContainerCreating")
    );
    let status = p.status.clone().unwrap();
    assert!(status.pod_ip.as_deref().unwrap().starts_with("192.168."));
    assert_eq!(status.host_ip.as_deref(), Some("192.168.7.8"));
    assert_eq!(wake, Some(t0() + Duration::from_secs(2)));

    let (changes, wake) = step(&mut p, wake.unwrap(), &mut ips);
    assert_eq!(reasons(&changes), ["Pulled", "Created", "Started"]);
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::StartContainer(ctx) if ctx.ports == [80]))
    );
    assert!(changes.iter().any(|c| matches!(c, Change::RunLog { lines, .. } if lines.iter().any(|l| l.contains("ready for start up")))));
    assert_eq!(p.status.as_ref().unwrap().phase.as_deref(), Some("Running"));
    assert!(!pods::is_ready(&p));
    let cs = state(&p);
    assert!(cs.container_id.unwrap().starts_with("containerd://"));
    assert_eq!(cs.image, "docker.io/library/nginx:1.27");
    assert!(cs.image_id.starts_with("docker.io/library/nginx@sha256:"));

    let (_, wake) = step(&mut p, wake.unwrap(), &mut ips);
    assert!(pods::is_ready(&p));
    assert_eq!(wake, None);
    let (changes, _) = step(
        &mut p,
        wake.unwrap_or(t0() + Duration::from_secs(60)),
        &mut ips,
    );
    // The run's log is restated (the applier appends only what is missing),
    // but nothing else is written.
    assert!(
        changes.iter().all(|c| matches!(c, Change::RunLog { .. })),
        "a settled pod needs no writes: {changes:?}"
    );
}

#[test]
fn a_crashing_container_backs_off_and_restarts() {
    let mut p = pod(Some(&["sh", "-c", "exit 2"]));
    let mut ips = PodIps::default();
    let mut at = t0();
    let mut seen = Vec::new();
    for _ in 0..8 {
        let (changes, wake) = step(&mut p, at, &mut ips);
        seen.extend(reasons(&changes));
        at = wake.expect("a crash-looping pod always has a next step");
    }
    assert!(seen.contains(&"BackOff".to_string()), "{seen:?}");
    let cs = state(&p);
    assert!(cs.restart_count >= 2, "{cs:?}");
    assert_eq!(cs.last_state.unwrap().terminated.unwrap().exit_code, 2);
    assert!(!pods::is_ready(&p));
}

#[test]
fn backoff_doubles_up_to_five_minutes() {
    assert_eq!(backoff(0), Duration::from_secs(10));
    assert_eq!(backoff(1), Duration::from_secs(20));
    assert_eq!(backoff(3), Duration::from_secs(80));
    assert_eq!(backoff(9), Duration::from_secs(300));
}

#[test]
fn images_are_normalised_like_containerd() {
    assert_eq!(normalise_image("nginx"), "docker.io/library/nginx:latest");
    assert_eq!(
        normalise_image("trinodb/trino:480"),
        "docker.io/trinodb/trino:480"
    );
    assert_eq!(
        normalise_image("public.ecr.aws/x/y:1"),
        "public.ecr.aws/x/y:1"
    );
}
