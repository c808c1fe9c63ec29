//! `eks-cluster`: the EKS API reports a cluster in this status.

use serde::{Deserialize, Serialize};

use super::{CheckReader, CheckSpec};

const EKS_CLUSTER_STATUSES: [&str; 6] = [
    "CREATING", "ACTIVE", "DELETING", "FAILED", "UPDATING", "PENDING",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EksCluster {
    pub name: String,
    pub region: String,
    pub status: String,
}

impl CheckSpec for EksCluster {
    const KEYS: &'static [&'static str] = &["name", "region", "status"];

    fn read(r: &mut CheckReader<'_, '_>) -> Option<Self> {
        let name = r.string("name");
        let region = r.string("region");
        let status = r.string("status");
        let status = r.one_of("status", status, &EKS_CLUSTER_STATUSES);
        Some(EksCluster {
            name: name?,
            region: region?,
            status: status?,
        })
    }

    fn explain(&self) -> String {
        format!(
            "the EKS API reports the cluster {} in {} as {}",
            self.name, self.region, self.status
        )
    }

    fn describe(&self) -> String {
        format!(
            "EKS cluster {} ({}) is {}",
            self.name, self.region, self.status
        )
    }
}

#[cfg(test)]
mod tests {
    use super::EksCluster;
    use crate::lesson::checks::tests::sentence;

    #[test]
    fn names_the_cluster_and_its_region() {
        let active = EksCluster {
            name: "tcb-cluster".into(),
            region: "us-east-1".into(),
            status: "ACTIVE".into(),
        };
        assert_eq!(
            sentence(active),
            "EKS cluster tcb-cluster (us-east-1) is ACTIVE"
        );
    }
}
