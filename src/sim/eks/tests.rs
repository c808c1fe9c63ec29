use std::time::Duration;

use serde_json::json;

use super::*;
use crate::sim::Clock;

fn clock() -> Clock {
    Clock::manual("2021-12-16T01:25:17Z".parse().expect("valid timestamp"))
}

fn cluster_request(name: &str) -> CreateClusterRequest {
    CreateClusterRequest {
        name: Some(name.into()),
        role_arn: Some("arn:aws:iam::123456789012:role/r".into()),
        resources_vpc_config: Some(json!({"subnetIds": ["subnet-1"]})),
        ..CreateClusterRequest::default()
    }
}

fn nodegroup_request(name: &str) -> CreateNodegroupRequest {
    CreateNodegroupRequest {
        nodegroup_name: Some(name.into()),
        node_role: Some("arn:aws:iam::123456789012:role/n".into()),
        subnets: Some(vec!["subnet-1".into()]),
        ..CreateNodegroupRequest::default()
    }
}

fn config() -> EksConfig {
    EksConfig {
        durations: EksDurations {
            cluster_create: Duration::from_secs(600),
            cluster_delete: Duration::from_secs(120),
            nodegroup_create: Duration::from_secs(180),
            nodegroup_delete: Duration::from_secs(300),
        },
        ..EksConfig::default()
    }
}

#[test]
fn works_without_a_runtime_settling_on_each_call() {
    let clock = clock();
    let state = EksState::new(clock.clone(), config());
    let mut events = state.subscribe();
    let created = state.create_cluster(cluster_request("a")).unwrap();
    assert_eq!(created["status"], "CREATING");
    assert_eq!(created["version"], "1.32", "the default version");
    assert_eq!(created["createdAt"], json!(1639617917.0));
    clock.advance(Duration::from_secs(599));
    assert_eq!(state.describe_cluster("a").unwrap()["status"], "CREATING");
    assert!(events.try_recv().is_err());
    clock.advance(Duration::from_secs(1));
    assert_eq!(state.describe_cluster("a").unwrap()["status"], "ACTIVE");
    assert_eq!(
        events.try_recv().unwrap(),
        EksEvent::ClusterActive {
            cluster: "a".into(),
            version: "1.32".into()
        }
    );
    assert!(events.try_recv().is_err(), "each transition is sent once");
}

#[test]
fn transitions_due_together_are_sent_in_time_order() {
    let clock = clock();
    let state = EksState::new(clock.clone(), config());
    let mut events = state.subscribe();
    state.create_cluster(cluster_request("late")).unwrap();
    clock.advance(Duration::from_secs(300));
    state.create_cluster(cluster_request("early")).unwrap();
    // "late" is due at 600 s, "early" at 900 s; one read settles both.
    clock.advance(Duration::from_secs(3600));
    assert_eq!(state.summaries().len(), 2);
    let first = events.try_recv().unwrap();
    let second = events.try_recv().unwrap();
    assert!(matches!(first, EksEvent::ClusterActive { ref cluster, .. } if cluster == "late"));
    assert!(matches!(second, EksEvent::ClusterActive { ref cluster, .. } if cluster == "early"));
}

#[test]
fn a_cluster_can_be_deleted_while_creating_and_then_vanishes() {
    let clock = clock();
    let state = EksState::new(clock.clone(), config());
    state.create_cluster(cluster_request("a")).unwrap();
    let deleting = state.delete_cluster("a").unwrap();
    assert_eq!(deleting["status"], "DELETING");
    // The creation timer no longer applies: it stays DELETING, then goes.
    clock.advance(Duration::from_secs(119));
    assert_eq!(state.describe_cluster("a").unwrap()["status"], "DELETING");
    // Deleting again is harmless and does not restart the timer.
    state.delete_cluster("a").unwrap();
    clock.advance(Duration::from_secs(1));
    let err = state.describe_cluster("a").unwrap_err();
    assert_eq!(err.kind, EksErrorKind::ResourceNotFound);
    assert_eq!(err.message, "No cluster found for name: a.");
}

#[test]
fn requests_missing_required_fields_are_invalid_parameters() {
    let state = EksState::new(clock(), config());
    let err = state
        .create_cluster(CreateClusterRequest::default())
        .unwrap_err();
    assert_eq!(err.kind, EksErrorKind::InvalidParameter);
    let mut no_role = cluster_request("a");
    no_role.role_arn = None;
    assert_eq!(
        state.create_cluster(no_role).unwrap_err().kind,
        EksErrorKind::InvalidParameter
    );
    let mut old = cluster_request("a");
    old.version = Some("1.21".into());
    let err = state.create_cluster(old).unwrap_err();
    assert_eq!(err.kind.http_status(), 400);
    assert_eq!(err.message, "unsupported Kubernetes version 1.21");
    assert_eq!(err.body()["clusterName"], "a");
}

#[test]
fn nodegroup_defaults_and_scaling_validation() {
    let clock = clock();
    let state = EksState::new(clock.clone(), config());
    state.create_cluster(cluster_request("c")).unwrap();
    clock.advance(Duration::from_secs(600));
    let ng = state
        .create_nodegroup("c", nodegroup_request("ng"))
        .unwrap();
    assert_eq!(
        ng["scalingConfig"],
        json!({"minSize": 1, "maxSize": 2, "desiredSize": 2})
    );
    assert_eq!(ng["instanceTypes"], json!(["t3.medium"]));
    assert_eq!(ng["version"], "1.32");
    assert_eq!(ng["capacityType"], "ON_DEMAND");
    assert_eq!(ng["amiType"], "AL2_x86_64");

    let mut bad = nodegroup_request("bad");
    bad.scaling_config = Some(ScalingConfig {
        min_size: Some(3),
        max_size: Some(2),
        desired_size: Some(2),
    });
    let err = state.create_nodegroup("c", bad).unwrap_err();
    assert_eq!(err.kind, EksErrorKind::InvalidParameter);

    let err = state
        .create_nodegroup("c", nodegroup_request("ng"))
        .unwrap_err();
    assert_eq!(err.kind, EksErrorKind::ResourceInUse);
    let err = state
        .create_nodegroup("nope", nodegroup_request("ng"))
        .unwrap_err();
    assert_eq!(err.kind, EksErrorKind::ResourceNotFound);
    assert_eq!(err.body()["message"], "No cluster found for name: nope.");
}

#[test]
fn a_deleting_cluster_keeps_nodegroups_from_being_added() {
    let clock = clock();
    let state = EksState::new(clock.clone(), config());
    state.create_cluster(cluster_request("c")).unwrap();
    clock.advance(Duration::from_secs(600));
    state.delete_cluster("c").unwrap();
    let err = state
        .create_nodegroup("c", nodegroup_request("ng"))
        .unwrap_err();
    assert_eq!(err.kind, EksErrorKind::InvalidRequest);
}

#[test]
fn error_kinds_map_to_aws_statuses() {
    assert_eq!(EksErrorKind::ResourceNotFound.http_status(), 404);
    assert_eq!(EksErrorKind::ResourceInUse.http_status(), 409);
    assert_eq!(EksErrorKind::InvalidParameter.http_status(), 400);
    assert_eq!(EksErrorKind::UnknownOperation.http_status(), 404);
    assert_eq!(EksErrorKind::ResourceInUse.code(), "ResourceInUseException");
}
