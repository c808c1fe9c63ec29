use super::*;
use crate::sim::controllers::change::time;
use serde_json::json;

fn t0() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn deployment(replicas: i32, image: &str) -> Deployment {
    serde_json::from_value(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "uid": "dep-uid", "generation": 1},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": image}]}
            }
        }
    }))
    .unwrap()
}

/// Applies the controller's ReplicaSet writes to an in-memory list, as the
/// store would.
fn apply(changes: &[Change], rss: &mut Vec<ReplicaSet>, counter: &mut i64) {
    for change in changes {
        match change {
            Change::Create {
                kind: "ReplicaSet",
                object,
            } => {
                let mut rs: ReplicaSet = serde_json::from_value(object.clone()).unwrap();
                *counter += 1;
                rs.metadata.uid = Some(format!("rs-{counter}"));
                rs.metadata.creation_timestamp =
                    Some(time(t0() + jiff::SignedDuration::from_secs(*counter)));
                rss.push(rs);
            }
            Change::Update {
                kind: "ReplicaSet",
                object,
            } => {
                let rs: ReplicaSet = serde_json::from_value(object.clone()).unwrap();
                let slot = rss
                    .iter_mut()
                    .find(|r| r.metadata.name == rs.metadata.name)
                    .unwrap();
                let status = slot.status.clone();
                *slot = rs;
                slot.status = status;
            }
            Change::Delete {
                kind: "ReplicaSet",
                name,
                ..
            } => {
                rss.retain(|r| r.metadata.name.as_ref() != Some(name));
            }
            _ => {}
        }
    }
}

/// Pods appear at once; they become available one step later.
fn settle_pods(rss: &mut [ReplicaSet], instantly_available: bool) {
    for rs in rss {
        let spec = spec_replicas(rs);
        let status = rs.status.get_or_insert_with(Default::default);
        let was_available = status.available_replicas.unwrap_or(0);
        status.replicas = spec;
        let available = if instantly_available {
            spec
        } else {
            was_available.min(spec).max(if status.replicas == spec {
                was_available
            } else {
                0
            })
        };
        status.available_replicas = Some(available);
        status.ready_replicas = Some(available);
    }
}

fn make_available(rss: &mut [ReplicaSet]) {
    for rs in rss {
        let status = rs.status.get_or_insert_with(Default::default);
        status.available_replicas = Some(status.replicas);
        status.ready_replicas = Some(status.replicas);
    }
}

fn events(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Event(e) => Some(format!("{}: {}", e.reason, e.message)),
            _ => None,
        })
        .collect()
}

fn status_of(changes: &[Change]) -> Option<DeploymentStatus> {
    changes.iter().rev().find_map(|c| match c {
        Change::UpdateStatus {
            kind: "Deployment",
            object,
        } => Some(
            serde_json::from_value::<Deployment>(object.clone())
                .unwrap()
                .status
                .unwrap(),
        ),
        _ => None,
    })
}

fn condition(status: &DeploymentStatus, type_: &str) -> (String, String) {
    let c = status
        .conditions
        .as_ref()
        .unwrap()
        .iter()
        .find(|c| c.type_.as_deref() == Some(type_))
        .unwrap();
    (c.status.clone().unwrap(), c.reason.clone().unwrap())
}

#[test]
fn a_new_deployment_gets_a_hashed_owned_replica_set() {
    let dep = deployment(3, "nginx:1.27");
    let changes = reconcile_deployment(&dep, &[], t0());
    let Some(Change::Create {
        kind: "ReplicaSet",
        object,
    }) = changes.first()
    else {
        panic!("first change should create the ReplicaSet: {changes:?}");
    };
    let rs: ReplicaSet = serde_json::from_value(object.clone()).unwrap();
    let name = rs.metadata.name.clone().unwrap();
    let hash = name.strip_prefix("web-").unwrap();
    let owner = &rs.metadata.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.uid.as_str(), owner.controller),
        ("Deployment", "dep-uid", Some(true))
    );
    let spec = rs.spec;
    assert_eq!(spec.replicas, Some(3));
    assert_eq!(
        spec.selector.match_labels.as_ref().unwrap()[POD_TEMPLATE_HASH],
        hash
    );
    let labels = spec.template.unwrap().metadata.unwrap().labels.unwrap();
    assert_eq!(labels[POD_TEMPLATE_HASH], hash);
    assert_eq!(labels["app"], "web");
    assert_eq!(rs.metadata.annotations.unwrap()[REVISION], "1");
    assert_eq!(
        events(&changes),
        vec![format!(
            "ScalingReplicaSet: Scaled up replica set {name} from 0 to 3"
        )]
    );
    let status = status_of(&changes).unwrap();
    assert_eq!(condition(&status, "Progressing").1, "NewReplicaSetCreated");
    assert_eq!(condition(&status, "Available").0, "False");
}

#[test]
fn a_deployment_whose_pods_are_available_is_complete() {
    let dep = deployment(3, "nginx:1.27");
    let mut rss = Vec::new();
    let mut counter = 0;
    apply(
        &reconcile_deployment(&dep, &rss, t0()),
        &mut rss,
        &mut counter,
    );
    settle_pods(&mut rss, true);
    let changes = reconcile_deployment(&dep, &rss, t0());
    let status = status_of(&changes).unwrap();
    assert_eq!(
        condition(&status, "Available"),
        ("True".into(), "MinimumReplicasAvailable".into())
    );
    assert_eq!(
        condition(&status, "Progressing"),
        ("True".into(), "NewReplicaSetAvailable".into())
    );
    assert_eq!(
        (
            status.replicas,
            status.updated_replicas,
            status.available_replicas
        ),
        (Some(3), Some(3), Some(3))
    );
    assert_eq!(status.observed_generation, Some(1));
    let revision = changes.iter().find_map(|c| match c {
        Change::Update {
            kind: "Deployment",
            object,
        } => Some(object["metadata"]["annotations"][REVISION].clone()),
        _ => None,
    });
    assert_eq!(revision, Some(json!("1")));
}

#[test]
fn an_unchanged_complete_deployment_needs_no_writes() {
    let mut dep = deployment(2, "nginx:1.27");
    let mut rss = Vec::new();
    let mut counter = 0;
    for _ in 0..3 {
        let changes = reconcile_deployment(&dep, &rss, t0());
        apply(&changes, &mut rss, &mut counter);
        settle_pods(&mut rss, true);
        for c in changes {
            match c {
                Change::UpdateStatus { object, .. } => {
                    dep.status = serde_json::from_value::<Deployment>(object).unwrap().status
                }
                Change::Update {
                    object,
                    kind: "Deployment",
                } => {
                    dep.metadata = serde_json::from_value::<Deployment>(object)
                        .unwrap()
                        .metadata
                }
                _ => {}
            }
        }
    }
    assert!(reconcile_deployment(&dep, &rss, t0()).is_empty());
}

#[test]
fn scaling_resizes_the_replica_set_with_an_event() {
    let dep = deployment(3, "nginx:1.27");
    let mut rss = Vec::new();
    let mut counter = 0;
    apply(
        &reconcile_deployment(&dep, &rss, t0()),
        &mut rss,
        &mut counter,
    );
    settle_pods(&mut rss, true);
    let changes = reconcile_deployment(&deployment(5, "nginx:1.27"), &rss, t0());
    apply(&changes, &mut rss, &mut counter);
    assert_eq!(spec_replicas(&rss[0]), 5);
    assert!(
        events(&changes)[0].ends_with("from 3 to 5"),
        "{:?}",
        events(&changes)
    );
    settle_pods(&mut rss, true);
    let changes = reconcile_deployment(&deployment(2, "nginx:1.27"), &rss, t0());
    apply(&changes, &mut rss, &mut counter);
    assert_eq!(spec_replicas(&rss[0]), 2);
    assert_eq!(
        rss[0].metadata.annotations.as_ref().unwrap()[DESIRED_REPLICAS],
        "2"
    );
}

#[test]
fn a_rolling_update_stays_within_surge_and_unavailability() {
    let replicas = 4;
    let (surge, unavailable) = fenceposts(&deployment(replicas, "a"), replicas);
    assert_eq!((surge, unavailable), (1, 1));
    let mut rss = Vec::new();
    let mut counter = 0;
    apply(
        &reconcile_deployment(&deployment(replicas, "nginx:1.27"), &rss, t0()),
        &mut rss,
        &mut counter,
    );
    settle_pods(&mut rss, true);
    let updated = deployment(replicas, "nginx:1.28");
    for step in 0..40 {
        let changes = reconcile_deployment(&updated, &rss, t0());
        apply(&changes, &mut rss, &mut counter);
        let total: i32 = rss.iter().map(spec_replicas).sum();
        assert!(
            total <= replicas + surge,
            "step {step}: {total} pods wanted"
        );
        settle_pods(&mut rss, false);
        let available: i32 = rss.iter().map(available_replicas).sum();
        assert!(
            available >= replicas - unavailable,
            "step {step}: only {available} available"
        );
        make_available(&mut rss);
    }
    assert_eq!(rss.len(), 2);
    let new_rs = rss
        .iter()
        .find(|rs| revision_of(&rs.metadata) == Some(2))
        .unwrap();
    let old_rs = rss
        .iter()
        .find(|rs| revision_of(&rs.metadata) == Some(1))
        .unwrap();
    assert_eq!((spec_replicas(new_rs), spec_replicas(old_rs)), (4, 0));
    let image = &new_rs
        .spec
        .template
        .as_ref()
        .unwrap()
        .spec
        .as_ref()
        .unwrap()
        .containers[0]
        .image;
    assert_eq!(image.as_deref(), Some("nginx:1.28"));
    let status = status_of(&reconcile_deployment(&updated, &rss, t0())).unwrap();
    assert_eq!(
        condition(&status, "Progressing").1,
        "NewReplicaSetAvailable"
    );
}

#[test]
fn returning_to_an_old_template_reuses_its_replica_set_with_a_new_revision() {
    let mut rss = Vec::new();
    let mut counter = 0;
    for image in ["nginx:1.27", "nginx:1.28", "nginx:1.27"] {
        let dep = deployment(2, image);
        for _ in 0..20 {
            apply(
                &reconcile_deployment(&dep, &rss, t0()),
                &mut rss,
                &mut counter,
            );
            settle_pods(&mut rss, true);
        }
    }
    assert_eq!(rss.len(), 2, "undo must not create a third ReplicaSet");
    let current = rss.iter().find(|rs| spec_replicas(rs) == 2).unwrap();
    assert_eq!(revision_of(&current.metadata), Some(3));
    let image = &current
        .spec
        .template
        .as_ref()
        .unwrap()
        .spec
        .as_ref()
        .unwrap()
        .containers[0]
        .image;
    assert_eq!(image.as_deref(), Some("nginx:1.27"));
}

#[test]
fn percentages_round_like_kubernetes() {
    let dep = deployment(10, "a");
    assert_eq!(fenceposts(&dep, 10), (3, 2));
    assert_eq!(fenceposts(&dep, 1), (1, 0));
    let mut zero: Deployment = deployment(3, "a");
    zero.spec.strategy = serde_json::from_value(json!({
        "type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}
    }))
    .unwrap();
    assert_eq!(fenceposts(&zero, 3), (0, 1));
}

#[test]
fn old_replica_sets_beyond_the_history_limit_are_deleted() {
    let mut rss = Vec::new();
    let mut counter = 0;
    for n in 0..4 {
        let mut dep = deployment(1, &format!("nginx:1.{n}"));
        dep.spec.revision_history_limit = Some(1);
        for _ in 0..10 {
            apply(
                &reconcile_deployment(&dep, &rss, t0()),
                &mut rss,
                &mut counter,
            );
            settle_pods(&mut rss, true);
        }
    }
    let mut revisions: Vec<u64> = rss
        .iter()
        .filter_map(|rs| revision_of(&rs.metadata))
        .collect();
    revisions.sort();
    assert_eq!(revisions, vec![3, 4]);
}
