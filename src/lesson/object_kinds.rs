//! The Kubernetes object kinds that checks can name, as plain data: the one
//! table that lesson validation and the checker both read.

/// One kind of Kubernetes object that a check can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectKind {
    /// As lessons write it: `deployment`, `pod`, ...
    pub name: &'static str,
    /// The API's kind: `Deployment`.
    pub kind: &'static str,
    /// The API group; "" is the core group.
    pub group: &'static str,
    pub version: &'static str,
    /// The resource in API paths: `deployments`.
    pub plural: &'static str,
    pub namespaced: bool,
}

impl ObjectKind {
    /// The kind a lesson names, e.g. `secret`.
    pub fn named(name: &str) -> Option<&'static ObjectKind> {
        OBJECT_KINDS.iter().find(|k| k.name == name)
    }
}

const fn kind(
    name: &'static str,
    kind: &'static str,
    group: &'static str,
    version: &'static str,
    plural: &'static str,
    namespaced: bool,
) -> ObjectKind {
    ObjectKind {
        name,
        kind,
        group,
        version,
        plural,
        namespaced,
    }
}

/// Columns: name in lessons, API kind, group, version, plural, namespaced.
#[rustfmt::skip]
pub static OBJECT_KINDS: &[ObjectKind] = &[
    kind("deployment", "Deployment", "apps", "v1", "deployments", true),
    kind("replicaset", "ReplicaSet", "apps", "v1", "replicasets", true),
    kind("pod",        "Pod",        "",     "v1", "pods",        true),
    kind("service",    "Service",    "",     "v1", "services",    true),
    kind("configmap",  "ConfigMap",  "",     "v1", "configmaps",  true),
    kind("secret",     "Secret",     "",     "v1", "secrets",     true),
    kind("node",       "Node",       "",     "v1", "nodes",       false),
    kind("namespace",  "Namespace",  "",     "v1", "namespaces",  false),
];
