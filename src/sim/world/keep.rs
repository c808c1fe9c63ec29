//! Keeping the world: bringing a saved world back at start, saving it, and
//! starting over.

use std::sync::MutexGuard;

use super::saved::{Saveable, SavedWorld, Saver};
use super::{
    ClusterEntry, NodeGroup, PRACTICE_CONTEXT, WORLD_FILE, World, WorldError, start_cluster,
};
use crate::sim::helm::HelmSim;
use crate::sim::kubeconfig;

impl World {
    /// Brings a saved world back: every cluster, the EKS records, the
    /// repositories, and the current context as it was.
    pub(super) async fn restore(&self, saved: SavedWorld) -> Result<(), WorldError> {
        self.eks.state().restore(saved.eks);
        *self.helm.lock().unwrap_or_else(|e| e.into_inner()) = saved.helm;
        let mut practice = None;
        for cluster in saved.clusters {
            if cluster.context == PRACTICE_CONTEXT {
                practice = Some(cluster);
                continue;
            }
            let no_new_nodes = NodeGroup {
                count: 0,
                node_type: &self.opts.practice_node_type,
                port: Some(cluster.port),
            };
            let started = start_cluster(
                &self.opts,
                self.pace.restored_clock(),
                &cluster.kube_cluster,
                &cluster.context,
                no_new_nodes,
                &self.kubeconfig,
                Some(cluster.store),
            )
            .await;
            match started {
                Ok(started) => {
                    self.pace.settle(started.store());
                    self.clusters().insert(
                        cluster.context,
                        ClusterEntry {
                            cluster: started,
                            kube_cluster: cluster.kube_cluster,
                            eks_name: cluster.eks_name,
                        },
                    );
                }
                Err(e) => tracing::warn!("cannot restore the cluster {}: {e}", cluster.context),
            }
        }
        match practice {
            Some(p) => self.start_practice(Some(p.store), Some(p.port)).await?,
            None => self.start_practice(None, None).await?,
        }
        kubeconfig::set_current_context(&self.kubeconfig, saved.current_context.as_deref()).map_err(
            |source| WorldError::Io {
                path: self.kubeconfig.clone(),
                source,
            },
        )
    }

    pub(super) fn saveable(&self) -> Saveable {
        Saveable {
            clusters: self.clusters.clone(),
            helm: self.helm.clone(),
            eks: self.eks.state().clone(),
            eks_port: self.eks.addr().port(),
            kubeconfig: self.kubeconfig.clone(),
            saving: self.saving.clone(),
        }
    }

    /// Saves a kept world now (nothing for a world that is not kept). The
    /// saver does this shortly after every change; this is for the end of
    /// a session, when a last change may be too recent for it.
    pub fn save(&self) -> Result<(), WorldError> {
        if !self.opts.persist {
            return Ok(());
        }
        let file = self.opts.dir.join(WORLD_FILE);
        self.saveable()
            .save(&file)
            .map_err(|source| WorldError::Io { path: file, source })
    }

    pub(super) fn saver_guard(&self) -> MutexGuard<'_, Option<Saver>> {
        self.saver.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts over: every cluster and EKS record goes, the repositories are
    /// forgotten, and a new practice cluster starts on the same port.
    pub async fn reset(&self) -> Result<(), WorldError> {
        let practice_port = self
            .clusters()
            .get(PRACTICE_CONTEXT)
            .map(|e| e.cluster.port());
        let clusters = std::mem::take(&mut *self.clusters());
        for (context, entry) in clusters {
            self.forget_context(&context, &entry);
            entry.cluster.stop().await;
        }
        if self.opts.kubeconfig.is_none() {
            let _ = std::fs::remove_file(&self.kubeconfig);
        }
        self.eks.state().clear();
        *self.helm.lock().unwrap_or_else(|e| e.into_inner()) = HelmSim::new();
        self.start_practice(None, practice_port).await?;
        self.save()
    }
}
