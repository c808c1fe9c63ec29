//! `service`: watches one Service and compares its type, ports and nodePorts.

use std::time::Duration;

use k8s_openapi::api::core::v1 as core;

use super::Evaluate;
use crate::check::{CheckContext, CheckError, Evaluation, watch};
use crate::lesson::checks::Service;

impl Evaluate for Service {
    async fn until_holds(
        &self,
        ctx: &CheckContext,
        timeout: Duration,
    ) -> Result<String, CheckError> {
        let api = watch::namespaced::<core::Service>(watch::client(ctx)?, self.namespace.as_deref());
        watch::drive(api, watch::by_name(&self.name), timeout, |seen| {
            evaluate(self, seen.get(self.name.as_str()))
        })
        .await
    }
}

fn evaluate(want: &Service, found: Option<&core::Service>) -> Evaluation {
    let name = &want.name;
    let Some(svc) = found else {
        return Evaluation::new(false, format!("service {name} does not exist"));
    };
    let spec = svc.spec.clone().unwrap_or_default();
    let svc_type = spec.type_.unwrap_or_else(|| "ClusterIP".to_string());
    let ports = spec.ports.unwrap_or_default();
    let type_ok = want
        .service_type
        .as_deref()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::kinds::tests::fixture;

    #[test]
    fn type_ports_and_node_port_range() {
        let svc: core::Service = fixture("service-nodeport.yaml");
        let good = Service {
            name: "tcb-trino".to_string(),
            service_type: Some("NodePort".to_string()),
            ports: vec![8080],
            node_port_range: Some((30000, 32767)),
            ..Service::default()
        };
        let eval = evaluate(&good, Some(&svc));
        assert!(eval.holds, "{}", eval.seen);
        assert_eq!(
            eval.seen,
            "service tcb-trino: type NodePort, ports [8080:30080]"
        );
        let wrong_type = Service {
            service_type: Some("ClusterIP".to_string()),
            ..good.clone()
        };
        assert!(!evaluate(&wrong_type, Some(&svc)).holds);
        let wrong_range = Service {
            node_port_range: Some((31000, 32767)),
            ..good.clone()
        };
        assert!(!evaluate(&wrong_range, Some(&svc)).holds);
        let wrong_port = Service {
            ports: vec![80],
            ..good
        };
        assert!(!evaluate(&wrong_port, Some(&svc)).holds);
    }
}
