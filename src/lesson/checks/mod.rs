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

    /// What passes, as a clause a reader of the handouts understands
    /// without knowing the check kinds, e.g. "2 nodes are Ready".
    fn explain(&self) -> String;

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

            /// e.g. "2 nodes are Ready"; see [`CheckSpec::explain`].
            pub fn explain(&self) -> String {
                match self {
                    $(CheckKind::$kind(check) => check.explain(),)*
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

    /// e.g. "2 nodes are Ready"; see [`CheckSpec::explain`].
    pub fn explain(&self) -> String {
        self.kind.explain()
    }
}

/// " in namespace NS", or nothing for the default namespace.
fn in_namespace(namespace: &Option<String>) -> String {
    match namespace {
        Some(ns) => format!(" in namespace {ns}"),
        None => String::new(),
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
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
    fn every_kind_explains_itself_in_words() {
        let explain = |kind: CheckKind| kind.explain();
        assert_eq!(explain(NodesReady { count: 1 }.into()), "1 node is Ready");
        assert_eq!(explain(NodesReady { count: 2 }.into()), "2 nodes are Ready");
        assert_eq!(
            explain(
                Deployment {
                    name: "web".into(),
                    namespace: None,
                    ready: Some(3),
                    up_to_date: Some(3),
                    available: None,
                    images: [("nginx".to_string(), "nginx:1.21".to_string())].into(),
                    revision: Some(2),
                }
                .into()
            ),
            "the Deployment web has 3 of 3 pods ready and 3 up to date and runs the image \
             nginx:1.21 in its container nginx and is at revision 2"
        );
        assert_eq!(
            explain(
                Pods {
                    selector: "app=trino".into(),
                    namespace: Some("t".into()),
                    count: Some(2),
                    phase: Some("Running".into()),
                    ..Pods::default()
                }
                .into()
            ),
            "exactly 2 pods matching the selector app=trino in namespace t are Running"
        );
        assert_eq!(
            explain(
                Pods {
                    selector: "app=trino".into(),
                    reason: Some("CrashLoopBackOff".into()),
                    min_restarts: Some(1),
                    ..Pods::default()
                }
                .into()
            ),
            "at least one pod matching the selector app=trino shows the status \
             CrashLoopBackOff and has restarted at least once"
        );
        assert_eq!(
            explain(
                Service {
                    name: "shop".into(),
                    namespace: None,
                    service_type: Some("NodePort".into()),
                    ports: vec![8080],
                    node_port_range: Some((30000, 32767)),
                }
                .into()
            ),
            "the Service shop is of type NodePort, offers port 8080 and has its nodePorts \
             between 30000 and 32767"
        );
        assert_eq!(
            explain(
                ConfigMapKey {
                    name: "c".into(),
                    namespace: None,
                    key: "k".into(),
                    contains: "v".into(),
                }
                .into()
            ),
            "the key k of the ConfigMap c contains \"v\""
        );
        assert_eq!(
            explain(
                EksCluster {
                    name: "tcb".into(),
                    region: "us-east-1".into(),
                    status: "ACTIVE".into(),
                }
                .into()
            ),
            "the EKS API reports the cluster tcb in us-east-1 as ACTIVE"
        );
        assert_eq!(
            explain(
                Http {
                    url: "http://127.0.0.1:8080/v1/info".into(),
                    status: 200,
                    json_field: Some("starting".into()),
                    equals: Some(serde_json::json!(false)),
                }
                .into()
            ),
            "a GET of http://127.0.0.1:8080/v1/info answers with status 200 and JSON whose \
             starting is false"
        );
        assert_eq!(
            explain(
                Absent {
                    resource: "deployment".into(),
                    name: Some("web".into()),
                    selector: None,
                    namespace: None,
                    region: None,
                }
                .into()
            ),
            "no deployment named web is left"
        );
        assert_eq!(
            explain(
                KubeconfigContext {
                    contains: "eksctl.io".into()
                }
                .into()
            ),
            "the name of kubectl's current context contains \"eksctl.io\""
        );
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
