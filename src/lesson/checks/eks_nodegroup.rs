//! `eks-nodegroup`: the EKS API reports a cluster's nodegroup in this status.

use serde::{Deserialize, Serialize};

use super::{CheckReader, CheckSpec};

const EKS_NODEGROUP_STATUSES: [&str; 7] = [
    "CREATING",
    "ACTIVE",
    "UPDATING",
    "DELETING",
    "CREATE_FAILED",
    "DELETE_FAILED",
    "DEGRADED",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EksNodegroup {
    pub cluster: String,
    pub nodegroup: String,
    pub region: String,
    pub status: String,
}

impl CheckSpec for EksNodegroup {
    const KEYS: &'static [&'static str] = &["cluster", "nodegroup", "region", "status"];

    fn read(r: &mut CheckReader<'_, '_>) -> Option<Self> {
        let cluster = r.string("cluster");
        let nodegroup = r.string("nodegroup");
        let region = r.string("region");
        let status = r.string("status");
        let status = r.one_of("status", status, &EKS_NODEGROUP_STATUSES);
        Some(EksNodegroup {
            cluster: cluster?,
            nodegroup: nodegroup?,
            region: region?,
            status: status?,
        })
    }

    fn explain(&self) -> String {
        format!(
            "the EKS API reports the node group {} of the cluster {} in {} as {}",
            self.nodegroup, self.cluster, self.region, self.status
        )
    }

    fn describe(&self) -> String {
        format!(
            "EKS nodegroup {} of {} ({}) is {}",
            self.nodegroup, self.cluster, self.region, self.status
        )
    }
}

#[cfg(test)]
mod tests {
    use super::EksNodegroup;
    use crate::lesson::checks::tests::sentence;

    #[test]
    fn names_the_nodegroup_and_its_cluster() {
        let active = EksNodegroup {
            cluster: "tcb-cluster".into(),
            nodegroup: "k8s-tcb-cluster".into(),
            region: "us-east-1".into(),
            status: "ACTIVE".into(),
        };
        assert_eq!(
            sentence(active),
            "EKS nodegroup k8s-tcb-cluster of tcb-cluster (us-east-1) is ACTIVE"
        );
    }
}
