//! The static table of resources the simulated API server serves, with the
//! discovery details (short names, verbs, subresources) kubectl relies on.

/// One served resource type.
#[derive(Debug)]
pub struct ResourceKind {
    pub kind: &'static str,
    /// "" is the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub namespaced: bool,
    /// Subresources served under `<plural>/<name>`, such as "scale" or "log".
    pub subresources: &'static [&'static str],
    /// Whether `metadata.generation` is tracked (spec changes bump it).
    pub has_generation: bool,
    /// Whether `.status` changes only through the status subresource.
    pub status_subresource: bool,
    pub categories: &'static [&'static str],
}

impl ResourceKind {
    /// "v1" or "apps/v1".
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// "deployments.apps" or "pods", as used in error messages.
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// The verbs of the main resource, as discovery lists them.
    pub fn verbs(&self) -> &'static [&'static str] {
        &[
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch",
        ]
    }
}

const ALL: &[&str] = &["all"];

pub static KINDS: &[ResourceKind] = &[
    ResourceKind {
        kind: "Namespace",
        group: "",
        version: "v1",
        plural: "namespaces",
        singular: "namespace",
        short_names: &["ns"],
        namespaced: false,
        subresources: &["status"],
        has_generation: false,
        status_subresource: true,
        categories: &[],
    },
    ResourceKind {
        kind: "Node",
        group: "",
        version: "v1",
        plural: "nodes",
        singular: "node",
        short_names: &["no"],
        namespaced: false,
        subresources: &["status"],
        has_generation: false,
        status_subresource: true,
        categories: &[],
    },
    ResourceKind {
        kind: "Pod",
        group: "",
        version: "v1",
        plural: "pods",
        singular: "pod",
        short_names: &["po"],
        namespaced: true,
        subresources: &["log", "portforward", "status"],
        has_generation: false,
        status_subresource: true,
        categories: ALL,
    },
    ResourceKind {
        kind: "Service",
        group: "",
        version: "v1",
        plural: "services",
        singular: "service",
        short_names: &["svc"],
        namespaced: true,
        subresources: &["status"],
        has_generation: false,
        status_subresource: true,
        categories: ALL,
    },
    ResourceKind {
        kind: "Endpoints",
        group: "",
        version: "v1",
        plural: "endpoints",
        singular: "endpoints",
        short_names: &["ep"],
        namespaced: true,
        subresources: &[],
        has_generation: false,
        status_subresource: false,
        categories: &[],
    },
    ResourceKind {
        kind: "ConfigMap",
        group: "",
        version: "v1",
        plural: "configmaps",
        singular: "configmap",
        short_names: &["cm"],
        namespaced: true,
        subresources: &[],
        has_generation: false,
        status_subresource: false,
        categories: &[],
    },
    ResourceKind {
        kind: "Secret",
        group: "",
        version: "v1",
        plural: "secrets",
        singular: "secret",
        short_names: &[],
        namespaced: true,
        subresources: &[],
        has_generation: false,
        status_subresource: false,
        categories: &[],
    },
    ResourceKind {
        kind: "Event",
        group: "",
        version: "v1",
        plural: "events",
        singular: "event",
        short_names: &["ev"],
        namespaced: true,
        subresources: &[],
        has_generation: false,
        status_subresource: false,
        categories: &[],
    },
    ResourceKind {
        kind: "Deployment",
        group: "apps",
        version: "v1",
        plural: "deployments",
        singular: "deployment",
        short_names: &["deploy"],
        namespaced: true,
        subresources: &["scale", "status"],
        has_generation: true,
        status_subresource: true,
        categories: ALL,
    },
    ResourceKind {
        kind: "ReplicaSet",
        group: "apps",
        version: "v1",
        plural: "replicasets",
        singular: "replicaset",
        short_names: &["rs"],
        namespaced: true,
        subresources: &["scale", "status"],
        has_generation: true,
        status_subresource: true,
        categories: ALL,
    },
];

pub fn by_kind(kind: &str) -> Option<&'static ResourceKind> {
    KINDS.iter().find(|k| k.kind == kind)
}

pub fn by_plural(group: &str, plural: &str) -> Option<&'static ResourceKind> {
    KINDS
        .iter()
        .find(|k| k.group == group && k.plural == plural)
}

/// The kinds served in one group-version, in table order.
pub fn in_group_version(group: &str, version: &str) -> impl Iterator<Item = &'static ResourceKind> {
    let group = group.to_string();
    let version = version.to_string();
    KINDS
        .iter()
        .filter(move |k| k.group == group && k.version == version)
}

/// The group-versions served, core ("", "v1") first.
pub fn group_versions() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str)> = Vec::new();
    for k in KINDS {
        if !out.contains(&(k.group, k.version)) {
            out.push((k.group, k.version));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_agree() {
        for k in KINDS {
            assert_eq!(by_kind(k.kind).map(|x| x.plural), Some(k.plural));
            assert_eq!(by_plural(k.group, k.plural).map(|x| x.kind), Some(k.kind));
        }
        assert!(
            by_plural("", "deployments").is_none(),
            "deployments live in apps"
        );
        assert_eq!(
            by_kind("Deployment").map(|k| k.api_version()),
            Some("apps/v1".into())
        );
        assert_eq!(
            by_kind("Deployment").map(|k| k.qualified_plural()),
            Some("deployments.apps".into())
        );
    }

    #[test]
    fn kubectl_short_names_are_served() {
        let shorts: Vec<&str> = KINDS
            .iter()
            .flat_map(|k| k.short_names.iter().copied())
            .collect();
        for s in ["svc", "deploy", "po", "rs", "cm", "no", "ns", "ev", "ep"] {
            assert!(shorts.contains(&s), "{s}");
        }
        assert_eq!(group_versions(), vec![("", "v1"), ("apps", "v1")]);
    }
}
