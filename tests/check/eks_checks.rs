//! EKS checks against the simulated EKS endpoint, through aws-sdk-eks.

use std::time::Duration;

use trinetes::check::{self, CheckContext, CheckError, CheckOutcome, EksTarget};
use trinetes::lesson::checks;
use trinetes::lesson::{Check, CheckKind, Span};
use trinetes::sim::clock::Clock;
use trinetes::sim::eks::{CreateClusterRequest, EksConfig, EksDurations, EksServer, EksState};

fn check(kind: CheckKind, timeout: Duration) -> Check {
    Check {
        kind,
        timeout,
        hint: "eksctl get cluster shows what exists".to_string(),
        span: Span::default(),
    }
}

async fn endpoint() -> (EksServer, CheckContext) {
    let config = EksConfig {
        durations: EksDurations::uniform(Duration::from_millis(400)),
        ..EksConfig::default()
    };
    let state = EksState::new(Clock::real(1.0), config);
    let server = EksServer::start(state, None)
        .await
        .expect("EKS endpoint starts");
    let ctx = CheckContext {
        eks: Some(EksTarget::Endpoint(server.url())),
        ..CheckContext::default()
    };
    (server, ctx)
}

#[tokio::test]
async fn cluster_status_check_waits_for_active() {
    let (server, ctx) = endpoint().await;
    server
        .state()
        .create_cluster(CreateClusterRequest {
            name: Some("tcb-cluster".into()),
            version: Some("1.32".into()),
            role_arn: Some("arn:aws:iam::123456789012:role/eks".into()),
            resources_vpc_config: Some(serde_json::json!({"subnetIds": ["subnet-1", "subnet-2"]})),
            ..CreateClusterRequest::default()
        })
        .expect("create");
    let active = check(
        CheckKind::EksCluster(checks::EksCluster {
            name: "tcb-cluster".into(),
            region: "us-east-1".into(),
            status: "ACTIVE".into(),
        }),
        Duration::from_secs(20),
    );
    match check::run(&ctx, &active).await {
        CheckOutcome::Passed { seen, .. } => assert_eq!(seen, "EKS cluster tcb-cluster is ACTIVE"),
        other => panic!("expected a pass, got {other:?}"),
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_missing_cluster_fails_with_what_was_seen() {
    let (server, ctx) = endpoint().await;
    let active = check(
        CheckKind::EksCluster(checks::EksCluster {
            name: "tcb-cluster".into(),
            region: "us-east-1".into(),
            status: "ACTIVE".into(),
        }),
        Duration::from_millis(700),
    );
    match check::run(&ctx, &active).await {
        CheckOutcome::Failed { error, hint, .. } => {
            let last_seen = error.to_string();
            assert!(
                last_seen.ends_with("EKS cluster tcb-cluster does not exist"),
                "{last_seen}"
            );
            assert_eq!(hint, "eksctl get cluster shows what exists");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    let gone = check(
        CheckKind::Absent(checks::Absent {
            resource: "eks-cluster".into(),
            name: Some("tcb-cluster".into()),
            selector: None,
            namespace: None,
            region: Some("us-east-1".into()),
        }),
        Duration::from_secs(5),
    );
    assert!(check::run(&ctx, &gone).await.passed());
    server.shutdown().await;
}

#[tokio::test]
async fn eks_checks_without_an_endpoint_say_so() {
    let active = check(
        CheckKind::EksNodegroup(checks::EksNodegroup {
            cluster: "tcb-cluster".into(),
            nodegroup: "k8s-tcb-cluster".into(),
            region: "us-east-1".into(),
            status: "ACTIVE".into(),
        }),
        Duration::from_millis(300),
    );
    match check::run(&CheckContext::default(), &active).await {
        CheckOutcome::Failed { error, .. } => {
            assert_eq!(error, CheckError::NoEksEndpoint);
            assert_eq!(
                error.to_string(),
                "EKS checks need an EKS endpoint, and none is configured for this backend"
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}
