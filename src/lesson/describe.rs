//! Short human sentences for checks, as shown in the TUI's step boxes and in
//! headless output.

use super::model::{Check, CheckKind};

fn in_namespace(namespace: &Option<String>) -> String {
    match namespace {
        Some(ns) => format!(" in namespace {ns}"),
        None => String::new(),
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Check {
    /// e.g. "2 nodes Ready", "deployment tcb-trino-worker: 2/2 ready".
    pub fn describe(&self) -> String {
        self.kind.describe()
    }
}

impl CheckKind {
    pub fn describe(&self) -> String {
        match self {
            CheckKind::NodesReady { count } => format!("{} Ready", plural(*count, "node", "nodes")),
            CheckKind::Deployment {
                name,
                namespace,
                ready,
                up_to_date,
                available,
            } => {
                let mut parts = Vec::new();
                if let Some(r) = ready {
                    parts.push(format!("{r}/{r} ready"));
                }
                if let Some(u) = up_to_date {
                    parts.push(format!("{u} up-to-date"));
                }
                if let Some(a) = available {
                    parts.push(format!("{a} available"));
                }
                format!(
                    "deployment {name}{}: {}",
                    in_namespace(namespace),
                    parts.join(", ")
                )
            }
            CheckKind::Pods {
                selector,
                namespace,
                count,
                phase,
                reason,
                min_restarts,
            } => {
                let what = match count {
                    Some(n) => plural(*n, "pod", "pods"),
                    None => "pods".to_string(),
                };
                let phase = phase.as_ref().map_or(String::new(), |p| format!(" {p}"));
                let mut text = format!(
                    "{what}{phase} matching {selector}{}",
                    in_namespace(namespace)
                );
                if let Some(r) = reason {
                    text.push_str(&format!(" with status {r}"));
                }
                match min_restarts {
                    Some(1) => text.push_str(", restarted at least once"),
                    Some(n) => text.push_str(&format!(", restarted at least {n} times")),
                    None => {}
                }
                text
            }
            CheckKind::Service {
                name,
                namespace,
                service_type,
                ports,
                node_port_range,
            } => {
                let mut parts = Vec::new();
                if let Some(t) = service_type {
                    parts.push(t.clone());
                }
                if !ports.is_empty() {
                    let list: Vec<String> = ports.iter().map(u16::to_string).collect();
                    let word = if ports.len() == 1 { "port" } else { "ports" };
                    parts.push(format!("{word} {}", list.join(", ")));
                }
                if let Some((low, high)) = node_port_range {
                    parts.push(format!("nodePort in {low}-{high}"));
                }
                let detail = if parts.is_empty() {
                    " exists".to_string()
                } else {
                    format!(": {}", parts.join(", "))
                };
                format!("service {name}{}{detail}", in_namespace(namespace))
            }
            CheckKind::ConfigMapKey {
                name,
                namespace,
                key,
                contains,
            } => format!(
                "configmap {name}{}: {key} contains \"{contains}\"",
                in_namespace(namespace)
            ),
            CheckKind::EksCluster {
                name,
                region,
                status,
            } => format!("EKS cluster {name} ({region}) is {status}"),
            CheckKind::EksNodegroup {
                cluster,
                nodegroup,
                region,
                status,
            } => format!("EKS nodegroup {nodegroup} of {cluster} ({region}) is {status}"),
            CheckKind::Http {
                url,
                status,
                json_field,
                equals,
            } => match (json_field, equals) {
                (Some(field), Some(value)) => {
                    format!("GET {url} answers {status} with {field} = {value}")
                }
                _ => format!("GET {url} answers {status}"),
            },
            CheckKind::Absent {
                resource,
                name,
                selector,
                namespace,
                region,
            } => {
                let resource = if resource == "eks-cluster" {
                    "EKS cluster"
                } else {
                    resource.as_str()
                };
                let what = match (name, selector) {
                    (Some(n), _) => format!("{resource} {n}"),
                    (None, Some(s)) => format!("{resource} matching {s}"),
                    (None, None) => resource.to_string(),
                };
                let place = match region {
                    Some(r) => format!(" in {r}"),
                    None => in_namespace(namespace),
                };
                format!("no {what}{place}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::lesson::model::Span;

    fn check(kind: CheckKind) -> Check {
        Check {
            kind,
            timeout: Duration::from_secs(60),
            hint: String::new(),
            span: Span::default(),
        }
    }

    #[test]
    fn sentences_read_like_the_episode_output() {
        assert_eq!(
            check(CheckKind::NodesReady { count: 2 }).describe(),
            "2 nodes Ready"
        );
        assert_eq!(
            check(CheckKind::NodesReady { count: 1 }).describe(),
            "1 node Ready"
        );
        let worker = CheckKind::Deployment {
            name: "tcb-trino-worker".into(),
            namespace: None,
            ready: Some(2),
            up_to_date: None,
            available: None,
        };
        assert_eq!(
            check(worker).describe(),
            "deployment tcb-trino-worker: 2/2 ready"
        );
        let pods = CheckKind::Pods {
            selector: "app=hello".into(),
            namespace: None,
            count: Some(3),
            phase: Some("Running".into()),
            reason: None,
            min_restarts: None,
        };
        assert_eq!(check(pods).describe(), "3 pods Running matching app=hello");
        let looping = CheckKind::Pods {
            selector: "app=trino".into(),
            namespace: None,
            count: Some(1),
            phase: None,
            reason: Some("CrashLoopBackOff".into()),
            min_restarts: Some(1),
        };
        assert_eq!(
            check(looping).describe(),
            "1 pod matching app=trino with status CrashLoopBackOff, restarted at least once"
        );
        let http = CheckKind::Http {
            url: "http://127.0.0.1:8080/v1/info".into(),
            status: 200,
            json_field: Some("starting".into()),
            equals: Some(serde_json::Value::Bool(false)),
        };
        assert_eq!(
            check(http).describe(),
            "GET http://127.0.0.1:8080/v1/info answers 200 with starting = false"
        );
        let gone = CheckKind::Absent {
            resource: "eks-cluster".into(),
            name: Some("tcb-cluster".into()),
            selector: None,
            namespace: None,
            region: Some("us-east-1".into()),
        };
        assert_eq!(
            check(gone).describe(),
            "no EKS cluster tcb-cluster in us-east-1"
        );
        let svc = CheckKind::Service {
            name: "web".into(),
            namespace: None,
            service_type: Some("NodePort".into()),
            ports: vec![80],
            node_port_range: Some((30000, 32767)),
        };
        assert_eq!(
            check(svc).describe(),
            "service web: NodePort, port 80, nodePort in 30000-32767"
        );
    }
}
