//! Pure evaluation of check conditions over the objects a watch has seen.
//! Each function answers whether the condition holds and describes what it saw,
//! so a failed check can say how close it came.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Node, Service};

pub use super::eval_pods::{PodsWant, pods};

/// Whether a condition holds, and a one-line description of what was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub holds: bool,
    pub seen: String,
}

impl Evaluation {
    pub(super) fn new(holds: bool, seen: impl Into<String>) -> Self {
        Evaluation {
            holds,
            seen: seen.into(),
        }
    }
}

pub fn node_is_ready(node: &Node) -> bool {
    node.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

pub fn nodes_ready(nodes: &[Node], want: u32) -> Evaluation {
    let ready = nodes.iter().filter(|n| node_is_ready(n)).count();
    Evaluation::new(
        ready >= want as usize,
        format!("{ready} of {} node(s) Ready (want {want})", nodes.len()),
    )
}

pub struct DeploymentWant {
    pub ready: Option<u32>,
    pub up_to_date: Option<u32>,
    pub available: Option<u32>,
}

pub fn deployment(name: &str, found: Option<&Deployment>, want: &DeploymentWant) -> Evaluation {
    let Some(dep) = found else {
        return Evaluation::new(false, format!("deployment {name} does not exist"));
    };
    let desired = dep.spec.replicas.unwrap_or(1);
    let status = dep.status.clone().unwrap_or_default();
    let ready = status.ready_replicas.unwrap_or(0);
    let updated = status.updated_replicas.unwrap_or(0);
    let available = status.available_replicas.unwrap_or(0);
    let matches =
        |want: Option<u32>, have: i32| want.is_none_or(|w| i64::from(w) == i64::from(have));
    let holds = matches(want.ready, ready)
        && matches(want.up_to_date, updated)
        && matches(want.available, available);
    Evaluation::new(
        holds,
        format!(
            "deployment {name}: {ready}/{desired} ready, {updated} up-to-date, {available} available"
        ),
    )
}

pub struct ServiceWant<'a> {
    pub service_type: Option<&'a str>,
    pub ports: &'a [u16],
    pub node_port_range: Option<(u16, u16)>,
}

pub fn service(name: &str, found: Option<&Service>, want: &ServiceWant<'_>) -> Evaluation {
    let Some(svc) = found else {
        return Evaluation::new(false, format!("service {name} does not exist"));
    };
    let spec = svc.spec.clone().unwrap_or_default();
    let svc_type = spec.type_.unwrap_or_else(|| "ClusterIP".to_string());
    let ports = spec.ports.unwrap_or_default();
    let type_ok = want
        .service_type
        .is_none_or(|t| t.eq_ignore_ascii_case(&svc_type));
    let ports_ok = want
        .ports
        .iter()
        .all(|p| ports.iter().any(|sp| sp.port == i32::from(*p)));
    let node_ports: Vec<i32> = ports.iter().filter_map(|p| p.node_port).collect();
    let range_ok = want.node_port_range.is_none_or(|(lo, hi)| {
        !node_ports.is_empty()
            && node_ports
                .iter()
                .all(|np| (i32::from(lo)..=i32::from(hi)).contains(np))
    });
    let port_text: Vec<String> = ports
        .iter()
        .map(|p| match p.node_port {
            Some(np) => format!("{}:{np}", p.port),
            None => p.port.to_string(),
        })
        .collect();
    Evaluation::new(
        type_ok && ports_ok && range_ok,
        format!(
            "service {name}: type {svc_type}, ports [{}]",
            port_text.join(", ")
        ),
    )
}

pub fn configmap_key(
    name: &str,
    found: Option<&ConfigMap>,
    key: &str,
    contains: &str,
) -> Evaluation {
    let Some(cm) = found else {
        return Evaluation::new(false, format!("configmap {name} does not exist"));
    };
    match cm.data.as_ref().and_then(|d| d.get(key)) {
        Some(value) if value.contains(contains) => Evaluation::new(
            true,
            format!("configmap {name}: {key} contains {contains:?}"),
        ),
        Some(_) => Evaluation::new(
            false,
            format!("configmap {name}: {key} does not contain {contains:?}"),
        ),
        None => Evaluation::new(false, format!("configmap {name} has no key {key:?}")),
    }
}

pub fn absent(what: &str, names: &[String]) -> Evaluation {
    if names.is_empty() {
        Evaluation::new(true, format!("no {what} left"))
    } else {
        Evaluation::new(false, format!("{what} still present: {}", names.join(", ")))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(in crate::check) fn fixture<T: serde::de::DeserializeOwned>(name: &str) -> T {
        let path = format!("{}/tests/fixtures/k8s/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("fixture exists");
        serde_yaml::from_str(&text).expect("fixture parses")
    }

    #[test]
    fn nodes_ready_counts_only_ready_nodes() {
        let nodes: Vec<Node> = fixture("nodes-one-ready.yaml");
        let one = nodes_ready(&nodes, 1);
        assert!(one.holds);
        let two = nodes_ready(&nodes, 2);
        assert!(!two.holds);
        assert_eq!(two.seen, "1 of 2 node(s) Ready (want 2)");
    }

    #[test]
    fn deployment_waits_for_every_wanted_count() {
        let dep: Deployment = fixture("deployment-worker-rolling.yaml");
        let want_ready = DeploymentWant {
            ready: Some(2),
            up_to_date: Some(2),
            available: Some(2),
        };
        let eval = deployment("tcb-trino-worker", Some(&dep), &want_ready);
        assert!(!eval.holds);
        assert_eq!(
            eval.seen,
            "deployment tcb-trino-worker: 1/2 ready, 2 up-to-date, 1 available"
        );
        let want_updated = DeploymentWant {
            ready: None,
            up_to_date: Some(2),
            available: None,
        };
        assert!(deployment("tcb-trino-worker", Some(&dep), &want_updated).holds);
    }

    #[test]
    fn missing_deployment_is_reported_by_name() {
        let want = DeploymentWant {
            ready: Some(1),
            up_to_date: None,
            available: None,
        };
        let eval = deployment("tcb-trino-coordinator", None, &want);
        assert!(!eval.holds);
        assert_eq!(eval.seen, "deployment tcb-trino-coordinator does not exist");
    }

    #[test]
    fn service_type_ports_and_node_port_range() {
        let svc: Service = fixture("service-nodeport.yaml");
        let good = ServiceWant {
            service_type: Some("NodePort"),
            ports: &[8080],
            node_port_range: Some((30000, 32767)),
        };
        let eval = service("tcb-trino", Some(&svc), &good);
        assert!(eval.holds, "{}", eval.seen);
        assert_eq!(
            eval.seen,
            "service tcb-trino: type NodePort, ports [8080:30080]"
        );
        let wrong_type = ServiceWant {
            service_type: Some("ClusterIP"),
            ..good
        };
        assert!(!service("tcb-trino", Some(&svc), &wrong_type).holds);
        let wrong_range = ServiceWant {
            node_port_range: Some((31000, 32767)),
            ..good
        };
        assert!(!service("tcb-trino", Some(&svc), &wrong_range).holds);
        let wrong_port = ServiceWant {
            ports: &[80],
            ..good
        };
        assert!(!service("tcb-trino", Some(&svc), &wrong_port).holds);
    }

    #[test]
    fn configmap_key_must_contain_text() {
        let cm: ConfigMap = fixture("configmap-coordinator.yaml");
        let name = "tcb-trino-coordinator";
        assert!(configmap_key(name, Some(&cm), "config.properties", "coordinator=true").holds);
        let wrong = configmap_key(name, Some(&cm), "config.properties", "coordinator=false");
        assert!(!wrong.holds);
        let missing = configmap_key(name, Some(&cm), "jvm.config", "-Xmx");
        assert_eq!(
            missing.seen,
            "configmap tcb-trino-coordinator has no key \"jvm.config\""
        );
    }

    #[test]
    fn absent_lists_what_is_left() {
        assert!(absent("pods", &[]).holds);
        let left = absent("pods", &["a".to_string(), "b".to_string()]);
        assert!(!left.holds);
        assert_eq!(left.seen, "pods still present: a, b");
    }
}
