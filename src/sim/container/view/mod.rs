//! One look at a running container, built from the store: the image's files
//! with the pod's volumes mounted over them, the files the kubelet writes
//! (`/etc/hosts`, `/etc/resolv.conf`, `/etc/hostname`, the service account
//! token), the environment and the process list.

use jiff::Timestamp;
use serde_json::Value;

mod etc_files;
mod volumes;

pub use etc_files::resolv_conf;

use super::commands::Programs;
use super::env::{EnvInputs, Environment, environment, hostname};
use super::fs::Filesystem;
use super::image::ImageProfile;
use super::process::{Process, main_process, user_of};
use crate::sim::controllers::kubelet_sources::{source_data, source_key};
use crate::sim::store::{PodSources, SourceData, Store};
use etc_files::kubelet_files;
use volumes::mount_volumes;

/// The cluster DNS Service's address: EKS takes the tenth address of the
/// service range, 10.100.0.10 in 10.100.0.0/16.
pub const CLUSTER_DNS_IP: &str = "10.100.0.10";
/// The cluster's DNS domain.
pub const CLUSTER_DOMAIN: &str = "cluster.local";
/// Where the kubelet mounts the service account token.
pub const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
/// The default mode of ConfigMap and Secret volume files (0644).
const DEFAULT_FILE_MODE: u32 = 0o644;

/// What a command in the container sees.
pub struct View {
    pub fs: Filesystem,
    pub env: Environment,
    pub image: ImageProfile,
    /// The uid and gid the container's processes run as.
    pub user: (u32, u32),
    pub programs: Programs,
    pub hostname: String,
    pub processes: Vec<Process>,
    pub now: Timestamp,
}

/// The inputs of a view, read from the store once.
pub struct PodState<'a> {
    pub pod: &'a Value,
    pub container: &'a Value,
    pub sources: Option<PodSources>,
    pub store: &'a Store,
}

impl PodState<'_> {
    /// A source as the container's current run started with it (env vars,
    /// subPath mounts); the current object when the kubelet kept no copy.
    fn at_start(&self, kind: &str, name: &str) -> SourceData {
        let key = source_key(kind, name);
        match self.sources.as_ref().and_then(|s| s.at_start.get(&key)) {
            Some(data) => data.clone(),
            None => self.current(kind, name),
        }
    }

    /// A source as the kubelet last wrote it into the pod's volumes, and when.
    fn projected(&self, kind: &str, name: &str, started: Timestamp) -> (SourceData, Timestamp) {
        let key = source_key(kind, name);
        match self.sources.as_ref().and_then(|s| s.projected.get(&key)) {
            Some((data, at)) => (data.clone(), *at),
            None => (self.current(kind, name), started),
        }
    }

    fn current(&self, kind: &str, name: &str) -> SourceData {
        let ns = self.pod["metadata"]["namespace"]
            .as_str()
            .unwrap_or("default");
        source_data(self.store.get(kind, Some(ns), name).as_ref())
    }
}

pub fn build(state: &PodState<'_>, now: Timestamp) -> View {
    let pod = state.pod;
    let container = state.container;
    let image = ImageProfile::of(container["image"].as_str().unwrap_or_default());
    let programs = Programs::for_image(image.kind);
    let started = started_at(pod, container["name"].as_str().unwrap_or_default()).unwrap_or(now);
    let created = pod["metadata"]["creationTimestamp"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or(started);
    // Images are older than the pods that run them.
    let built = created - jiff::SignedDuration::from_hours(24 * 9);
    let mut fs = image.filesystem(&programs.names(), built);
    let host = hostname(pod);
    kubelet_files(&mut fs, pod, &host, started);
    mount_volumes(&mut fs, state, started);
    let services = services(state.store, pod);
    let source = |kind: &str, name: &str| state.at_start(kind, name);
    let env = environment(&EnvInputs {
        pod,
        container,
        image: &image,
        services: &services,
        source: &source,
    });
    let jvm_config = read_text(&fs, "/etc/trino/jvm.config");
    let node_properties = read_text(&fs, "/etc/trino/node.properties");
    let main = main_process(
        &image,
        container,
        pod,
        started,
        &state.at_start_trino(jvm_config, node_properties),
    );
    let user = user_of(pod, container, &image);
    View {
        fs,
        env,
        image,
        user,
        programs,
        hostname: host,
        processes: vec![main],
        now,
    }
}

fn read_text(fs: &Filesystem, path: &str) -> String {
    fs.read("/", path)
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default()
}

impl PodState<'_> {
    /// The Trino config files the process was started with: the ConfigMap
    /// mounted at /etc/trino as it was at the start, else what the view
    /// shows (the image's defaults).
    fn at_start_trino(&self, jvm_config: String, node_properties: String) -> (String, String) {
        let Some(name) = volume_source_at(self.pod, self.container, "/etc/trino") else {
            return (jvm_config, node_properties);
        };
        let data = self.at_start("ConfigMap", &name).unwrap_or_default();
        let text = |k: &str| {
            data.get(k)
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .unwrap_or_default()
        };
        (text("jvm.config"), text("node.properties"))
    }
}

/// The ConfigMap mounted (whole) at `path` in the container.
fn volume_source_at(pod: &Value, container: &Value, path: &str) -> Option<String> {
    let mount = container["volumeMounts"].as_array()?.iter().find(|m| {
        m["mountPath"].as_str().map(|p| p.trim_end_matches('/')) == Some(path)
            && m["subPath"].as_str().is_none_or(str::is_empty)
    })?;
    let volume = pod["spec"]["volumes"]
        .as_array()?
        .iter()
        .find(|v| v["name"] == mount["name"])?;
    volume["configMap"]["name"].as_str().map(str::to_string)
}

fn started_at(pod: &Value, container: &str) -> Option<Timestamp> {
    pod["status"]["containerStatuses"]
        .as_array()?
        .iter()
        .find(|s| s["name"] == container)?["state"]["running"]["startedAt"]
        .as_str()?
        .parse()
        .ok()
}

/// Services whose variables the container gets: those of its namespace and
/// the `kubernetes` Service, each only if it existed when the pod was created.
fn services(store: &Store, pod: &Value) -> Vec<Value> {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("default");
    let created = pod["metadata"]["creationTimestamp"].as_str().unwrap_or("");
    let mut list = store.list("Service", Some(ns)).0;
    if ns != "default"
        && let Some(master) = store.get("Service", Some("default"), "kubernetes")
    {
        list.push(master);
    }
    let existed = |s: &Value| {
        let made = s["metadata"]["creationTimestamp"].as_str().unwrap_or("");
        match (made.parse::<Timestamp>(), created.parse::<Timestamp>()) {
            (Ok(m), Ok(c)) => m <= c,
            _ => true,
        }
    };
    list.into_iter().filter(existed).collect()
}
