//! One look at a running container, built from the store: the image's files
//! with the pod's volumes mounted over them, the files the kubelet writes
//! (`/etc/hosts`, `/etc/resolv.conf`, `/etc/hostname`, the service account
//! token), the environment and the process list.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::Value;

use super::commands::Programs;
use super::env::{EnvInputs, Environment, environment, hostname};
use super::fs::{Filesystem, Meta, Node, NodeKind};
use super::image::ImageProfile;
use super::process::{Process, main_process, user_of};
use crate::sim::controllers::kubelet_sources::{source_data, source_key};
use crate::sim::store::{PodSources, SourceData, Store};

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

/// `/etc/hosts`, `/etc/hostname`, `/etc/resolv.conf` and
/// `/dev/termination-log`, as the kubelet writes them.
fn kubelet_files(fs: &mut Filesystem, pod: &Value, host: &str, started: Timestamp) {
    let meta = Meta::root(0o644, started);
    let ip = pod["status"]["podIP"].as_str().unwrap_or_default();
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("default");
    let mut hosts = String::from(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n",
    );
    match pod["spec"]["subdomain"].as_str().filter(|s| !s.is_empty()) {
        Some(sub) => hosts.push_str(&format!(
            "{ip}\t{host}.{sub}.{ns}.svc.{CLUSTER_DOMAIN}\t{host}\n"
        )),
        None => hosts.push_str(&format!("{ip}\t{host}\n")),
    }
    let aliases = pod["spec"]["hostAliases"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !aliases.is_empty() {
        hosts.push_str("\n# Entries added by HostAliases.\n");
        for a in aliases {
            let names: Vec<&str> = a["hostnames"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            hosts.push_str(&format!(
                "{}\t{}\n",
                a["ip"].as_str().unwrap_or_default(),
                names.join("\t")
            ));
        }
    }
    fs.write("/etc/hosts", hosts, meta);
    fs.write("/etc/hostname", format!("{host}\n"), meta);
    fs.write("/etc/resolv.conf", resolv_conf(pod), meta);
    fs.write("/dev/termination-log", "", Meta::root(0o666, started));
}

/// resolv.conf for the pod's dnsPolicy: ClusterFirst (the default) points at
/// the cluster DNS with the namespace's search path and `ndots:5`.
pub fn resolv_conf(pod: &Value) -> String {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("default");
    let policy = pod["spec"]["dnsPolicy"].as_str().unwrap_or("ClusterFirst");
    let host_network = pod["spec"]["hostNetwork"].as_bool().unwrap_or(false);
    let config = &pod["spec"]["dnsConfig"];
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    let (mut nameservers, mut search, mut options) = match policy {
        "ClusterFirst" if !host_network => cluster_dns(ns),
        "ClusterFirstWithHostNet" => cluster_dns(ns),
        "None" => (Vec::new(), Vec::new(), Vec::new()),
        // Default, or ClusterFirst on the host network: the node's resolver,
        // the VPC's (its base address + 2).
        _ => (
            vec!["192.168.0.2".to_string()],
            vec!["ec2.internal".to_string()],
            Vec::new(),
        ),
    };
    nameservers.extend(strings(&config["nameservers"]));
    search.extend(strings(&config["searches"]));
    for o in config["options"].as_array().into_iter().flatten() {
        let name = o["name"].as_str().unwrap_or_default();
        options.retain(|existing: &String| existing.split(':').next() != Some(name));
        options.push(match o["value"].as_str() {
            Some(v) => format!("{name}:{v}"),
            None => name.to_string(),
        });
    }
    let mut out = String::new();
    if !search.is_empty() {
        out.push_str(&format!("search {}\n", search.join(" ")));
    }
    for n in nameservers {
        out.push_str(&format!("nameserver {n}\n"));
    }
    if !options.is_empty() {
        out.push_str(&format!("options {}\n", options.join(" ")));
    }
    out
}

fn cluster_dns(ns: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    (
        vec![CLUSTER_DNS_IP.to_string()],
        vec![
            format!("{ns}.svc.{CLUSTER_DOMAIN}"),
            format!("svc.{CLUSTER_DOMAIN}"),
            CLUSTER_DOMAIN.to_string(),
        ],
        vec!["ndots:5".to_string()],
    )
}

/// One mounted volume's content: files by relative path, with modes.
type VolumeFiles = BTreeMap<String, (Vec<u8>, u32)>;

/// The pod's volumes at their mount paths, outermost first so that nested
/// mounts (/etc/trino/catalog inside /etc/trino) land inside their parent.
fn mount_volumes(fs: &mut Filesystem, state: &PodState<'_>, started: Timestamp) {
    let pod = state.pod;
    let mut mounts: Vec<&Value> = state.container["volumeMounts"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    mounts.sort_by_key(|m| {
        m["mountPath"]
            .as_str()
            .unwrap_or_default()
            .trim_end_matches('/')
            .matches('/')
            .count()
    });
    let volumes: Vec<&Value> = pod["spec"]["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let automount = pod["spec"]["automountServiceAccountToken"].as_bool() != Some(false);
    let has_token_mount = mounts
        .iter()
        .any(|m| m["mountPath"].as_str() == Some(SERVICE_ACCOUNT_DIR));
    if automount && !has_token_mount {
        // The API server's ServiceAccount admission adds this projected
        // volume to every pod that does not opt out.
        let files = service_account_files(pod);
        fs.put(
            SERVICE_ACCOUNT_DIR,
            atomic_dir(&files, started),
            Meta::root(0o755, started),
        );
    }
    for m in mounts {
        let Some(path) = m["mountPath"].as_str() else {
            continue;
        };
        let Some(volume) = volumes.iter().find(|v| v["name"] == m["name"]) else {
            continue;
        };
        let sub_path = m["subPath"].as_str().filter(|s| !s.is_empty());
        let (files, written, atomic) = volume_files(volume, state, started, sub_path.is_some());
        let node = match sub_path {
            // A subPath is a bind mount of one entry, taken when the
            // container started; it never follows a change.
            Some(sub) => match subtree(&files, sub, started) {
                Some(node) => node,
                None => Node::dir(Meta::root(0o755, started)),
            },
            None if atomic => atomic_dir(&files, written),
            None => plain_dir(&files, written),
        };
        fs.put(path, node, Meta::root(0o755, started));
    }
}

/// A volume's files, when they were written, and whether the kubelet writes
/// them the atomic way (ConfigMap, Secret, projected: `..data` links).
fn volume_files(
    volume: &Value,
    state: &PodState<'_>,
    started: Timestamp,
    at_start: bool,
) -> (VolumeFiles, Timestamp, bool) {
    let read = |kind: &str, name: &str| -> (SourceData, Timestamp) {
        if at_start {
            (state.at_start(kind, name), started)
        } else {
            state.projected(kind, name, started)
        }
    };
    if let Some(cm) = volume.get("configMap").filter(|v| v.is_object()) {
        let (data, at) = read("ConfigMap", cm["name"].as_str().unwrap_or_default());
        return (source_files(cm, data.unwrap_or_default()), at, true);
    }
    if let Some(secret) = volume.get("secret").filter(|v| v.is_object()) {
        let (data, at) = read("Secret", secret["secretName"].as_str().unwrap_or_default());
        return (source_files(secret, data.unwrap_or_default()), at, true);
    }
    if let Some(projected) = volume.get("projected").filter(|v| v.is_object()) {
        let mut files = VolumeFiles::new();
        let mut latest = started;
        for source in projected["sources"].as_array().into_iter().flatten() {
            let (sub, at) = if let Some(cm) = source.get("configMap") {
                let (data, at) = read("ConfigMap", cm["name"].as_str().unwrap_or_default());
                (source_files(cm, data.unwrap_or_default()), at)
            } else if let Some(secret) = source.get("secret") {
                let (data, at) = read("Secret", secret["name"].as_str().unwrap_or_default());
                (source_files(secret, data.unwrap_or_default()), at)
            } else if let Some(token) = source.get("serviceAccountToken") {
                let path = token["path"].as_str().unwrap_or("token").to_string();
                let token = service_account_files(state.pod).remove("token");
                (token.map(|t| (path, t)).into_iter().collect(), started)
            } else {
                (VolumeFiles::new(), started)
            };
            files.extend(sub);
            latest = latest.max(at);
        }
        return (files, latest, true);
    }
    (VolumeFiles::new(), started, false)
}

/// A ConfigMap's or Secret's keys as files: all keys, or only the `items`
/// at their paths, with `defaultMode` or the item's `mode`.
fn source_files(volume: &Value, data: BTreeMap<String, Vec<u8>>) -> VolumeFiles {
    let default_mode = volume["defaultMode"]
        .as_u64()
        .map_or(DEFAULT_FILE_MODE, |m| (m & 0o7777) as u32);
    match volume["items"].as_array().filter(|i| !i.is_empty()) {
        Some(items) => items
            .iter()
            .filter_map(|item| {
                let value = data.get(item["key"].as_str()?)?.clone();
                let mode = item["mode"]
                    .as_u64()
                    .map_or(default_mode, |m| (m & 0o7777) as u32);
                Some((item["path"].as_str()?.to_string(), (value, mode)))
            })
            .collect(),
        None => data
            .into_iter()
            .map(|(k, v)| (k, (v, default_mode)))
            .collect(),
    }
}

/// The layout the kubelet's atomic writer leaves: the files in a
/// timestamped directory, `..data` pointing at it, and a link per entry.
fn atomic_dir(files: &VolumeFiles, written: Timestamp) -> Node {
    let stamp = format!(
        "..{}.{:09}",
        written.strftime("%Y_%m_%d_%H_%M_%S"),
        written.subsec_nanosecond()
    );
    let mut inner = Filesystem::new(Meta::root(0o755, written));
    for (path, (bytes, mode)) in files {
        inner.write(
            &format!("/{stamp}/{path}"),
            bytes.clone(),
            Meta::root(*mode, written),
        );
    }
    inner.symlink("/..data", &stamp, Meta::root(0o777, written));
    let mut tops: Vec<&str> = files.keys().filter_map(|p| p.split('/').next()).collect();
    tops.dedup();
    for top in tops {
        inner.symlink(
            &format!("/{top}"),
            &format!("..data/{top}"),
            Meta::root(0o777, written),
        );
    }
    let mut root = inner
        .lookup("/", "/", false)
        .map(|(_, n)| n.clone())
        .unwrap_or_else(|_| Node::dir(Meta::root(0o777, written)));
    // The volume's own directory is world-writable, as on a node.
    root.meta.mode = 0o777;
    root
}

fn plain_dir(files: &VolumeFiles, written: Timestamp) -> Node {
    let mut inner = Filesystem::new(Meta::root(0o777, written));
    for (path, (bytes, mode)) in files {
        inner.write(
            &format!("/{path}"),
            bytes.clone(),
            Meta::root(*mode, written),
        );
    }
    inner
        .lookup("/", "/", false)
        .map(|(_, n)| n.clone())
        .unwrap_or_else(|_| Node::dir(Meta::root(0o777, written)))
}

/// The entry at `sub` inside a volume, as a plain file or directory.
fn subtree(files: &VolumeFiles, sub: &str, at: Timestamp) -> Option<Node> {
    if let Some((bytes, mode)) = files.get(sub) {
        return Some(Node {
            kind: NodeKind::File(bytes.clone()),
            meta: Meta::root(*mode, at),
        });
    }
    let prefix = format!("{}/", sub.trim_end_matches('/'));
    let inside: VolumeFiles = files
        .iter()
        .filter_map(|(p, f)| Some((p.strip_prefix(&prefix)?.to_string(), f.clone())))
        .collect();
    (!inside.is_empty()).then(|| plain_dir(&inside, at))
}

/// `ca.crt`, `namespace` and a bound token, as the kubelet projects them.
fn service_account_files(pod: &Value) -> VolumeFiles {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("default");
    let account = pod["spec"]["serviceAccountName"]
        .as_str()
        .unwrap_or("default");
    let name = pod["metadata"]["name"].as_str().unwrap_or_default();
    let header = base64url(br#"{"alg":"RS256","kid":"trinetes-sim"}"#);
    let claims = base64url(
        format!(
            r#"{{"aud":["https://kubernetes.default.svc"],"iss":"https://oidc.eks.us-east-1.amazonaws.com/id/TRINETESSIM","kubernetes.io":{{"namespace":"{ns}","pod":{{"name":"{name}"}},"serviceaccount":{{"name":"{account}"}}}},"sub":"system:serviceaccount:{ns}:{account}"}}"#
        )
        .as_bytes(),
    );
    let signature = base64url(b"simulated signature: not valid outside trinetes");
    VolumeFiles::from([
        (
            "ca.crt".to_string(),
            (
                b"-----BEGIN CERTIFICATE-----\nMIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\ncm5ldGVzMB4XDTI2MDEwMTAwMDAwMFoXDTM2MDEwMTAwMDAwMFowFTETMBEGA1UE\n-----END CERTIFICATE-----\n"
                    .to_vec(),
                DEFAULT_FILE_MODE,
            ),
        ),
        ("namespace".to_string(), (ns.as_bytes().to_vec(), DEFAULT_FILE_MODE)),
        (
            "token".to_string(),
            (
                format!("{header}.{claims}.{signature}").into_bytes(),
                DEFAULT_FILE_MODE,
            ),
        ),
    ])
}

fn base64url(bytes: &[u8]) -> String {
    let standard = serde_json::to_value(k8s_openapi::ByteString(bytes.to_vec()))
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    standard
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}
