//! EKS checks: poll the EKS API (real AWS or the simulator's endpoint) until a
//! cluster or nodegroup reaches a status, or a cluster is gone. EKS has no
//! watch, so these poll, gently.

use std::time::Duration;

use crate::aws::EksClient;

/// Where EKS checks look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EksTarget {
    /// A local endpoint (the simulator, or moto in tests), with test credentials.
    Endpoint(String),
    /// Real AWS, through the usual credential chain.
    Aws,
}

/// What an EKS check waits for.
pub enum EksWant<'a> {
    ClusterStatus {
        name: &'a str,
        status: &'a str,
    },
    NodegroupStatus {
        cluster: &'a str,
        nodegroup: &'a str,
        status: &'a str,
    },
    ClusterAbsent {
        name: &'a str,
    },
}

pub async fn poll(
    target: &EksTarget,
    region: &str,
    want: &EksWant<'_>,
    timeout: Duration,
) -> Result<String, String> {
    let (client, every) = match target {
        EksTarget::Endpoint(url) => (
            EksClient::for_endpoint(url, region),
            Duration::from_millis(200),
        ),
        EksTarget::Aws => (
            EksClient::from_env(Some(region))
                .await
                .map_err(|e| e.to_string())?,
            Duration::from_secs(10),
        ),
    };
    super::poll_until(timeout, every, "no answer from EKS yet".to_string(), || {
        once(&client, want)
    })
    .await
}

async fn once(client: &EksClient, want: &EksWant<'_>) -> Result<String, String> {
    match want {
        EksWant::ClusterStatus { name, status } => match client.cluster_status(name).await {
            Ok(Some(have)) if have.eq_ignore_ascii_case(status) => {
                Ok(format!("EKS cluster {name} is {have}"))
            }
            Ok(Some(have)) => Err(format!("EKS cluster {name} is {have}, want {status}")),
            Ok(None) => Err(format!("EKS cluster {name} does not exist")),
            Err(e) => Err(format!("cannot ask EKS about {name}: {e}")),
        },
        EksWant::NodegroupStatus {
            cluster,
            nodegroup,
            status,
        } => match client.nodegroup_status(cluster, nodegroup).await {
            Ok(Some(have)) if have.eq_ignore_ascii_case(status) => {
                Ok(format!("nodegroup {nodegroup} of {cluster} is {have}"))
            }
            Ok(Some(have)) => Err(format!(
                "nodegroup {nodegroup} of {cluster} is {have}, want {status}"
            )),
            Ok(None) => Err(format!("nodegroup {nodegroup} of {cluster} does not exist")),
            Err(e) => Err(format!("cannot ask EKS about {cluster}/{nodegroup}: {e}")),
        },
        EksWant::ClusterAbsent { name } => match client.cluster_status(name).await {
            Ok(None) => Ok(format!("EKS cluster {name} no longer exists")),
            Ok(Some(have)) => Err(format!("EKS cluster {name} still exists ({have})")),
            Err(e) => Err(format!("cannot ask EKS about {name}: {e}")),
        },
    }
}
