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
    plural: &'static str,
    namespaced: bool,
) -> ObjectKind {
    ObjectKind {
        name,
        kind,
        group,
        version: "v1",
        plural,
        namespaced,
    }
}

pub static OBJECT_KINDS: &[ObjectKind] = &[
    kind("deployment", "Deployment", "apps", "deployments", true),
    kind("replicaset", "ReplicaSet", "apps", "replicasets", true),
    kind("pod", "Pod", "", "pods", true),
    kind("service", "Service", "", "services", true),
    kind("configmap", "ConfigMap", "", "configmaps", true),
    kind("secret", "Secret", "", "secrets", true),
    kind("node", "Node", "", "nodes", false),
    kind("namespace", "Namespace", "", "namespaces", false),
];
