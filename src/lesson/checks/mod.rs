//! Check kinds. Each kind has one file here with its fields, how it is read
//! and validated from a `[[check]]` table, and how it reads to a person. It is
//! registered with one line in the `check_kinds!` list below; the checker's
//! side lives in `src/check/kinds/`.

mod reader;

use serde::{Deserialize, Serialize};

pub use reader::CheckReader;
pub(super) use reader::parse_check;

use super::model::Check;

/// What a check kind provides to the lesson layer.
pub trait CheckSpec: Sized {
    /// The keys this kind reads, besides `kind`, `timeout` and `hint`.
    const KEYS: &'static [&'static str];

    /// Reads and validates the kind's keys. `None` when the check cannot be
    /// built; every problem has been reported through the reader.
    fn read(r: &mut CheckReader<'_, '_>) -> Option<Self>;

    /// A short sentence for step boxes and headless output, e.g. "2 nodes Ready".
    fn describe(&self) -> String;
}

/// Declares the kinds: `"name in lessons" => module::Type`, one line each.
/// From that list it builds [`CheckKind`], [`KINDS`] and the dispatch to each
/// kind's [`CheckSpec`].
macro_rules! check_kinds {
    ($($name:literal => $module:ident :: $kind:ident,)*) => {
        $(mod $module;)*
        $(pub use $module::$kind;)*

        /// A declarative, typed check, one variant per kind. Text fields may
        /// hold profile variables.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind")]
        pub enum CheckKind {
            $(#[serde(rename = $name)] $kind($kind),)*
        }

        /// Every check kind, as written in `kind = "..."`.
        pub const KINDS: &[&str] = &[$($name),*];

        $(impl From<$kind> for CheckKind {
            fn from(check: $kind) -> Self {
                CheckKind::$kind(check)
            }
        })*

        impl CheckKind {
            /// The kind's name, as written in `kind = "..."`.
            pub fn name(&self) -> &'static str {
                match self {
                    $(CheckKind::$kind(_) => $name,)*
                }
            }

            /// e.g. "2 nodes Ready", "deployment tcb-trino-worker: 2/2 ready".
            pub fn describe(&self) -> String {
                match self {
                    $(CheckKind::$kind(check) => check.describe(),)*
                }
            }

            fn keys(name: &str) -> Option<&'static [&'static str]> {
                match name {
                    $($name => Some($kind::KEYS),)*
                    _ => None,
                }
            }

            fn read(name: &str, r: &mut CheckReader<'_, '_>) -> Option<CheckKind> {
                match name {
                    $($name => $kind::read(r).map(CheckKind::$kind),)*
                    _ => None,
                }
            }
        }
    };
}

check_kinds! {
    "nodes-ready" => nodes_ready::NodesReady,
    "deployment" => deployment::Deployment,
    "pods" => pods::Pods,
    "service" => service::Service,
    "configmap-key" => configmap_key::ConfigMapKey,
    "eks-cluster" => eks_cluster::EksCluster,
    "eks-nodegroup" => eks_nodegroup::EksNodegroup,
    "http" => http::Http,
    "absent" => absent::Absent,
    "kubeconfig-context" => kubeconfig_context::KubeconfigContext,
}

impl CheckKind {
    /// A copy with `expand` applied to every text the check holds, whatever
    /// its kind: the check goes through its JSON form, where every text is a
    /// JSON string, so no kind lists its own fields for this.
    pub fn expanded(&self, expand: &dyn Fn(&str) -> String) -> CheckKind {
        let mut value =
            serde_json::to_value(self).expect("a check is plain data, so it has a JSON form");
        expand_texts(&mut value, expand);
        serde_json::from_value(value).expect("replacing texts keeps the check's shape")
    }
}

fn expand_texts(value: &mut serde_json::Value, expand: &dyn Fn(&str) -> String) {
    match value {
        serde_json::Value::String(text) => *text = expand(text),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| expand_texts(v, expand)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| expand_texts(v, expand)),
        _ => {}
    }
}

impl Check {
    /// e.g. "2 nodes Ready", "deployment tcb-trino-worker: 2/2 ready".
    pub fn describe(&self) -> String {
        self.kind.describe()
    }
}

/// " in namespace NS", or nothing for the default namespace.
fn in_namespace(namespace: &Option<String>) -> String {
    match namespace {
        Some(ns) => format!(" in namespace {ns}"),
        None => String::new(),
    }
}

/// "1 node", "2 nodes".
fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The check's sentence. Also asserts that the check survives the trip
    /// through its JSON form that variable expansion takes.
    pub(crate) fn sentence(kind: impl Into<CheckKind>) -> String {
        let kind = kind.into();
        assert_eq!(kind.expanded(&|s: &str| s.to_string()), kind);
        kind.describe()
    }

    #[test]
    fn every_text_of_a_check_is_expanded_and_nothing_else() {
        let fill = |s: &str| s.replace("{{ns}}", "trino");
        let pods = CheckKind::from(Pods {
            selector: "app={{ns}}".into(),
            namespace: Some("{{ns}}".into()),
            count: Some(2),
            ..Pods::default()
        });
        let CheckKind::Pods(expanded) = pods.expanded(&fill) else {
            panic!("the kind stays the same");
        };
        assert_eq!(expanded.selector, "app=trino");
        assert_eq!(expanded.namespace.as_deref(), Some("trino"));
        assert_eq!(expanded.count, Some(2));

        let http = CheckKind::from(Http {
            url: "http://{{ns}}:8080/v1/info".into(),
            status: 200,
            json_field: Some("nodeId".into()),
            equals: Some(serde_json::json!("{{ns}}-1")),
        });
        let CheckKind::Http(expanded) = http.expanded(&fill) else {
            panic!("the kind stays the same");
        };
        assert_eq!(expanded.url, "http://trino:8080/v1/info");
        assert_eq!(expanded.equals, Some(serde_json::json!("trino-1")));
    }

    #[test]
    fn the_serialized_kind_is_the_name_lessons_write() {
        let cm = CheckKind::from(ConfigMapKey {
            name: "c".into(),
            namespace: None,
            key: "k".into(),
            contains: "v".into(),
        });
        let json = serde_json::to_value(&cm).expect("json");
        assert_eq!(json["kind"], "configmap-key");
        assert_eq!(cm.name(), "configmap-key");
        assert!(KINDS.contains(&cm.name()));
    }
}
