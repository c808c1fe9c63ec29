//! Shared helpers for the simulator API tests: a store on a manual clock, an
//! API server on an ephemeral loopback port, a private kubeconfig and cache
//! directory, the machine's kubectl, and seeded objects.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use trinetes::sim::{ApiServer, Clock, Store, write_kubeconfig};

pub const START: &str = "2026-01-01T00:00:00Z";

pub struct Sim {
    pub store: Store,
    pub server: Option<ApiServer>,
    pub dir: tempfile::TempDir,
}

pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
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
        let mut cmd = tokio::process::Command::new("kubectl");
        cmd.args(args)
            .env("KUBECONFIG", self.path("kubeconfig"))
            .env("KUBECACHEDIR", self.path("cache"))
            .env("HOME", self.dir.path())
            .env_remove("KUBECTL_EXTERNAL_DIFF")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => panic!("kubectl could not be run ({e}): install kubectl 1.32"),
        };
        let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
            .await
            .expect("kubectl finishes within 60 s")
            .expect("kubectl output");
        Output {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
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

/// Replaces what varies between runs (uids, generated names, timestamps,
/// ports, resource versions) so output can be compared with golden files.
pub fn normalise(text: &str, sim: &Sim) -> String {
    let port = sim.url().rsplit(':').next().unwrap_or_default().to_string();
    let mut out = text.replace(&port, "PORT");
    let uid = regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        .expect("regex");
    out = uid.replace_all(&out, "UID").into_owned();
    out
}

/// Compares with tests/golden/NAME, or rewrites it when UPDATE_GOLDEN=1.
pub fn assert_golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var("UPDATE_GOLDEN").as_deref() == Ok("1") {
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "golden file {} missing ({e}); run with UPDATE_GOLDEN=1 and review it",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "output differs from {}:\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        );
    }
}
