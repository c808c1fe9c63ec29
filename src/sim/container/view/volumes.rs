//! The pod's volumes as the kubelet mounts them: ConfigMaps and Secrets
//! (whole, by `items`, or one entry by `subPath`), projected volumes, the
//! service account token, and empty directories.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::Value;

use super::{DEFAULT_FILE_MODE, PodState, SERVICE_ACCOUNT_DIR};
use crate::sim::container::fs::{Filesystem, Meta, Node, NodeKind};
use crate::sim::store::SourceData;

/// One mounted volume's content: files by relative path, with modes.
type VolumeFiles = BTreeMap<String, (Vec<u8>, u32)>;

/// The pod's volumes at their mount paths, outermost first so that nested
/// mounts (/etc/trino/catalog inside /etc/trino) land inside their parent.
pub(super) fn mount_volumes(fs: &mut Filesystem, state: &PodState<'_>, started: Timestamp) {
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
