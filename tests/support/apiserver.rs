//! Shared helpers for the simulator API tests: a store on a manual clock, an
//! API server on an ephemeral loopback port, a private kubeconfig and cache
//! directory, the machine's kubectl, seeded objects, and the filters that
//! make its output comparable with a snapshot.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use trinetes::sim::{ApiServer, Clock, Store, write_kubeconfig};

use super::kubectl;
pub use super::kubectl::Output;
use super::snapshot::UID;

pub const START: &str = "2026-01-01T00:00:00Z";

pub struct Sim {
    pub store: Store,
    pub server: Option<ApiServer>,
    pub dir: tempfile::TempDir,
}

impl Sim {
    pub async fn start() -> Sim {
        let clock = Clock::manual(START.parse().expect("valid start time"));
        Sim::with_store(Store::new(clock)).await
    }

    pub async fn with_store(store: Store) -> Sim {
        let server = ApiServer::start(store.clone(), None)
            .await
            .expect("server starts");
        let dir = tempfile::tempdir().expect("tempdir");
        write_kubeconfig(&dir.path().join("kubeconfig"), "sim", "sim", &server.url())
            .expect("kubeconfig");
        std::fs::create_dir_all(dir.path().join("cache")).expect("cache dir");
        Sim {
            store,
            server: Some(server),
            dir,
        }
    }

    pub fn url(&self) -> String {
        self.server.as_ref().expect("running").url()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).expect("write file");
        p
    }

    /// Runs the machine's kubectl against this server (bounded to 60 s).
    pub async fn kubectl_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        kubectl::run(self.dir.path(), args, env, Duration::from_secs(60)).await
    }

    pub async fn kubectl(&self, args: &[&str]) -> Output {
        self.kubectl_env(args, &[]).await
    }

    /// kubectl that must succeed; returns stdout.
    pub async fn kubectl_ok(&self, args: &[&str]) -> String {
        let out = self.kubectl(args).await;
        assert_eq!(
            out.status, 0,
            "kubectl {args:?} failed:\nstdout: {}\nstderr: {}",
            out.stdout, out.stderr
        );
        out.stdout
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await;
        }
    }
}

pub fn node(name: &str, ip: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "node.kubernetes.io/instance-type": "m5.xlarge", "eks.amazonaws.com/nodegroup": "trino-nodes"}},
        "spec": {"providerID": format!("aws:///us-east-1a/i-0{name}")},
        "status": {
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"}],
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "nodeInfo": {"kubeletVersion": "v1.32.3-eks-473151a", "osImage": "Amazon Linux 2023.7.20250414", "kernelVersion": "6.1.132-147.221.amzn2023.x86_64",
                         "containerRuntimeVersion": "containerd://1.7.27", "architecture": "amd64", "operatingSystem": "linux"},
            "capacity": {"cpu": "4", "memory": "15896348Ki", "pods": "58"}}})
}

pub fn pod(name: &str, app: &str, node: &str, ip: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": app}},
        "spec": {"nodeName": node, "containers": [{"name": app, "image": "nginx:1.27", "ports": [{"containerPort": 80, "protocol": "TCP"}]}]},
        "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "hostIP": "192.168.10.1", "startTime": START,
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [{"name": app, "ready": true, "restartCount": 0, "image": "nginx:1.27", "started": true,
                                   "state": {"running": {"startedAt": START}}}]}})
}

pub fn deployment(name: &str, replicas: i64) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]}}}})
}

pub fn configmap(name: &str, data: &[(&str, &str)]) -> Value {
    let data: serde_json::Map<String, Value> = data
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}, "data": data})
}

/// Creates an object and then sets its status as a controller would.
pub fn seed(store: &Store, kind: &str, obj: Value) -> Value {
    let status = obj.get("status").cloned();
    let mut created = store.create(kind, obj).expect("seed object");
    if let Some(status) = status {
        created["status"] = status;
        created = store.update_status(kind, created).expect("seed status");
    }
    created
}

/// The filters for this server's output: its port and the objects' uids.
pub fn filters(sim: &Sim) -> Vec<(String, String)> {
    let port = sim.url().rsplit(':').next().unwrap_or_default().to_string();
    vec![
        (regex::escape(&port), "PORT".to_string()),
        (UID.0.to_string(), UID.1.to_string()),
    ]
}
