//! The EKS service's clusters and nodegroups as plain data, to keep them
//! across restarts. A transition that was under way (CREATING, DELETING)
//! goes on at its due time after the restore, or at once when that is past.

use serde::{Deserialize, Serialize};

use super::EksState;
use super::records::ClusterRecord;

/// Every cluster with its nodegroups, status and due transition.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EksSnapshot {
    clusters: Vec<ClusterRecord>,
}

impl EksSnapshot {
    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }
}

impl EksState {
    /// The service's records as they are now (after settling what is due).
    pub fn snapshot(&self) -> EksSnapshot {
        EksSnapshot {
            clusters: self.settled().values().cloned().collect(),
        }
    }

    /// Puts the records of `snapshot` back, replacing any of the same name,
    /// and schedules the transitions they were waiting for.
    pub fn restore(&self, snapshot: EksSnapshot) {
        let mut due = Vec::new();
        {
            let mut clusters = self.settled();
            for record in snapshot.clusters {
                due.extend(record.due);
                due.extend(record.nodegroups.values().filter_map(|n| n.due));
                clusters.insert(record.name.clone(), record);
            }
        }
        for at in due {
            self.schedule(at);
        }
    }

    /// Forgets every cluster, as if the account were new.
    pub fn clear(&self) {
        self.settled().clear();
    }
}
