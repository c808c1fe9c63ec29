//! A simulated cluster with controllers on a manual clock that a ticker
//! moves one simulated second every few milliseconds (so kubectl's waits
//! finish), a private kubeconfig and cache, the machine's kubectl, and
//! snapshots that mask what the ticking clock changes.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use tokio::task::JoinHandle;
use trinetes::sim::Clock;
use trinetes::sim::cluster::{SimCluster, SimOptions};

use super::{kubectl, snapshot};

pub struct Cluster {
    pub cluster: SimCluster,
    pub dir: tempfile::TempDir,
    ticker: JoinHandle<()>,
}

impl Cluster {
    pub async fn start() -> Cluster {
        let dir = tempfile::tempdir().expect("tempdir");
        let clock = Clock::manual("2026-03-01T10:00:00Z".parse().expect("valid time"));
        let cluster = SimCluster::start(SimOptions {
            kubeconfig: Some(dir.path().join("kubeconfig")),
            clock: clock.clone(),
            system_pods: false,
            ..SimOptions::default()
        })
        .await
        .expect("the simulated cluster starts");
        std::fs::create_dir_all(dir.path().join("cache")).expect("cache dir");
        let ticker = tokio::spawn(async move {
            // Bounded: at most an hour of simulated time, far beyond any test.
            for _ in 0..3600 {
                tokio::time::sleep(Duration::from_millis(20)).await;
                clock.advance(Duration::from_secs(1));
            }
        });
        Cluster {
            cluster,
            dir,
            ticker,
        }
    }

    pub fn kubeconfig(&self) -> PathBuf {
        self.dir.path().join("kubeconfig")
    }

    /// Runs kubectl (bounded to 90 s); fails the test on a non-zero exit.
    pub async fn kubectl(&self, args: &[&str]) -> String {
        let (code, stdout, stderr) = self.kubectl_status(args).await;
        assert_eq!(code, 0, "kubectl {args:?} failed: {stderr}");
        stdout
    }

    pub async fn kubectl_status(&self, args: &[&str]) -> (i32, String, String) {
        let out = kubectl::run(self.dir.path(), args, &[], Duration::from_secs(90)).await;
        (out.status, out.stdout, out.stderr)
    }

    pub async fn stop(self) {
        self.ticker.abort();
        self.cluster.stop().await;
    }
}

/// Compares kubectl's output with the snapshot `name`, masking what a
/// ticking clock changes.
pub fn assert_snapshot(name: &str, actual: &str) {
    snapshot::assert_filtered(name, actual, snapshot::TICKING_CLUSTER);
}
