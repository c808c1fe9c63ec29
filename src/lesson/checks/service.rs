//! `service`: a Service's type, ports and nodePort range.

use serde::{Deserialize, Serialize};

use super::{CheckReader, CheckSpec, and_list, in_namespace};

const SERVICE_TYPES: [&str; 4] = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Service {
    pub name: String,
    pub namespace: Option<String>,
    pub service_type: Option<String>,
    /// Ports the Service must expose (others may exist too).
    pub ports: Vec<u16>,
    /// Every nodePort must fall in this range, low to high.
    pub node_port_range: Option<(u16, u16)>,
}

impl CheckSpec for Service {
    const KEYS: &'static [&'static str] = &["name", "namespace", "type", "ports", "node-port-range"];

    fn read(r: &mut CheckReader<'_, '_>) -> Option<Self> {
        let name = r.string("name");
        let namespace = r.optional_string("namespace");
        let service_type = r.optional_string("type");
        let service_type = r.one_of("type", service_type, &SERVICE_TYPES);
        let ports = r.integers::<u16>("ports").unwrap_or_default();
        let range = r.integers::<u16>("node-port-range");
        let node_port_range = match range.as_deref() {
            None => None,
            Some([low, high]) if low <= high => Some((*low, *high)),
            Some(_) => {
                r.error_at_value(
                    "node-port-range",
                    "`node-port-range` must be two numbers, low then high, e.g. `[30000, 32767]`",
                );
                None
            }
        };
        Some(Service {
            name: name?,
            namespace,
            service_type,
            ports,
            node_port_range,
        })
    }

    fn explain(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = &self.service_type {
            parts.push(format!("is of type {t}"));
        }
        if !self.ports.is_empty() {
            let list: Vec<String> = self.ports.iter().map(u16::to_string).collect();
            let word = if self.ports.len() == 1 { "port" } else { "ports" };
            parts.push(format!("offers {word} {}", and_list(&list)));
        }
        if let Some((low, high)) = self.node_port_range {
            parts.push(format!("has its nodePorts between {low} and {high}"));
        }
        if parts.is_empty() {
            parts.push("exists".to_string());
        }
        format!(
            "the Service {}{} {}",
            self.name,
            in_namespace(&self.namespace),
            and_list(&parts)
        )
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = &self.service_type {
            parts.push(t.clone());
        }
        if !self.ports.is_empty() {
            let list: Vec<String> = self.ports.iter().map(u16::to_string).collect();
            let word = if self.ports.len() == 1 { "port" } else { "ports" };
            parts.push(format!("{word} {}", list.join(", ")));
        }
        if let Some((low, high)) = self.node_port_range {
            parts.push(format!("nodePort in {low}-{high}"));
        }
        let detail = if parts.is_empty() {
            " exists".to_string()
        } else {
            format!(": {}", parts.join(", "))
        };
        format!(
            "service {}{}{detail}",
            self.name,
            in_namespace(&self.namespace)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Service;
    use crate::lesson::checks::tests::sentence;

    #[test]
    fn reads_like_kubectl_get_service() {
        let svc = Service {
            name: "web".into(),
            service_type: Some("NodePort".into()),
            ports: vec![80],
            node_port_range: Some((30000, 32767)),
            ..Service::default()
        };
        assert_eq!(
            sentence(svc),
            "service web: NodePort, port 80, nodePort in 30000-32767"
        );
        let bare = Service {
            name: "web".into(),
            namespace: Some("demo".into()),
            ..Service::default()
        };
        assert_eq!(sentence(bare), "service web in namespace demo exists");
    }
}
