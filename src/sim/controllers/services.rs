//! Services after admission: the `kubernetes` Service, Endpoints that
//! follow the selector and pod readiness, and load balancer hostnames.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    EndpointAddress, EndpointPort, EndpointSubset, Endpoints, LoadBalancerIngress, ObjectReference,
    Pod, Service,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use rand::Rng;
use serde_json::{Value, json};

use super::change::{Change, to_wire};
use super::pods;
pub use super::service_admission::{
    CONTROL_PLANE_IPS, FieldError, KUBERNETES_SERVICE_IP, NODE_PORT_RANGE, admit_service,
};

/// The `kubernetes` Service of the default namespace.
pub fn kubernetes_service() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "kubernetes",
            "namespace": "default",
            "labels": {"component": "apiserver", "provider": "kubernetes"}
        },
        "spec": {
            "type": "ClusterIP",
            "clusterIP": KUBERNETES_SERVICE_IP,
            "clusterIPs": [KUBERNETES_SERVICE_IP],
            "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 443}],
            "sessionAffinity": "None",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "internalTrafficPolicy": "Cluster"
        }
    })
}

fn kubernetes_endpoints() -> Endpoints {
    Endpoints {
        metadata: ObjectMeta {
            name: Some("kubernetes".into()),
            namespace: Some("default".into()),
            labels: Some(BTreeMap::from([(
                "endpointslice.kubernetes.io/skip-mirror".to_string(),
                "true".to_string(),
            )])),
            ..ObjectMeta::default()
        },
        subsets: Some(vec![EndpointSubset {
            addresses: Some(
                CONTROL_PLANE_IPS
                    .iter()
                    .map(|ip| EndpointAddress {
                        ip: ip.to_string(),
                        ..EndpointAddress::default()
                    })
                    .collect(),
            ),
            ports: Some(vec![EndpointPort {
                name: Some("https".into()),
                port: 443,
                protocol: Some("TCP".into()),
                app_protocol: None,
            }]),
            not_ready_addresses: None,
        }]),
    }
}

/// Endpoints for every Service with a selector (ready pods under
/// `addresses`, others under `notReadyAddresses`), the `kubernetes` Service
/// and its Endpoints if someone deleted them, Endpoints of deleted Services
/// removed, and a hostname for each LoadBalancer.
pub fn reconcile_services(
    services: &[Service],
    endpoints: &[Endpoints],
    all_pods: &[Pod],
) -> Vec<Change> {
    let mut changes = Vec::new();
    let key = |m: &ObjectMeta| {
        (
            m.namespace.clone().unwrap_or_default(),
            m.name.clone().unwrap_or_default(),
        )
    };
    let by_key: BTreeMap<_, _> = endpoints.iter().map(|e| (key(&e.metadata), e)).collect();
    let services_by_key: BTreeMap<_, _> = services.iter().map(|s| (key(&s.metadata), s)).collect();
    let kubernetes = ("default".to_string(), "kubernetes".to_string());
    if !services_by_key.contains_key(&kubernetes) {
        changes.push(Change::Create {
            kind: "Service",
            object: kubernetes_service(),
        });
    }
    for service in services {
        let k = key(&service.metadata);
        let desired = if k == kubernetes {
            Some(kubernetes_endpoints())
        } else {
            endpoints_for(service, all_pods)
        };
        let Some(mut desired) = desired else { continue };
        match by_key.get(&k) {
            None => changes.push(Change::Create {
                kind: "Endpoints",
                object: to_wire(&desired),
            }),
            Some(current) if current.subsets != desired.subsets => {
                desired.metadata = current.metadata.clone();
                changes.push(Change::Update {
                    kind: "Endpoints",
                    object: to_wire(&desired),
                });
            }
            Some(_) => {}
        }
        if let Some(change) = load_balancer_status(service) {
            changes.push(change);
        }
    }
    for (k, e) in &by_key {
        if !services_by_key.contains_key(k) {
            changes.push(Change::Delete {
                kind: "Endpoints",
                namespace: e.metadata.namespace.clone(),
                name: k.1.clone(),
            });
        }
    }
    changes
}

/// None for a Service that does not select pods (it manages its own).
pub fn endpoints_for(service: &Service, all_pods: &[Pod]) -> Option<Endpoints> {
    let spec = service.spec.as_ref()?;
    let selector = spec.selector.as_ref().filter(|s| !s.is_empty())?;
    let ns = service.metadata.namespace.clone();
    let selected = all_pods.iter().filter(|p| {
        p.metadata.namespace == ns
            && p.metadata.deletion_timestamp.is_none()
            && pods::map_selects(selector, p.metadata.labels.as_ref())
            && p.status.as_ref().and_then(|s| s.pod_ip.as_ref()).is_some()
    });
    // Pods that resolve the Service's ports to the same numbers share a subset.
    let mut subsets: BTreeMap<ResolvedPorts, (Vec<EndpointAddress>, Vec<EndpointAddress>)> =
        BTreeMap::new();
    for pod in selected {
        let Some(ports) = resolve_ports(spec.ports.as_deref().unwrap_or_default(), pod) else {
            continue;
        };
        let address = EndpointAddress {
            ip: pod
                .status
                .as_ref()
                .and_then(|s| s.pod_ip.clone())
                .unwrap_or_default(),
            node_name: pods::node_name(pod).map(str::to_string),
            target_ref: Some(ObjectReference {
                kind: Some("Pod".into()),
                name: pod.metadata.name.clone(),
                namespace: pod.metadata.namespace.clone(),
                uid: pod.metadata.uid.clone(),
                ..ObjectReference::default()
            }),
            hostname: None,
        };
        let entry = subsets.entry(ports).or_default();
        if pods::is_ready(pod) {
            entry.0.push(address)
        } else {
            entry.1.push(address)
        }
    }
    let subsets: Vec<EndpointSubset> = subsets
        .into_iter()
        .map(|(ports, (mut ready, mut not_ready))| {
            ready.sort_by(|a, b| a.ip.cmp(&b.ip));
            not_ready.sort_by(|a, b| a.ip.cmp(&b.ip));
            EndpointSubset {
                addresses: (!ready.is_empty()).then_some(ready),
                not_ready_addresses: (!not_ready.is_empty()).then_some(not_ready),
                ports: Some(
                    ports
                        .into_iter()
                        .map(|(name, port, protocol)| EndpointPort {
                            name,
                            port,
                            protocol: Some(protocol),
                            app_protocol: None,
                        })
                        .collect(),
                ),
            }
        })
        .collect();
    Some(Endpoints {
        metadata: ObjectMeta {
            name: service.metadata.name.clone(),
            namespace: ns,
            labels: service.metadata.labels.clone(),
            ..ObjectMeta::default()
        },
        subsets: (!subsets.is_empty()).then_some(subsets),
    })
}

/// (name, number, protocol) of each Service port for one pod.
type ResolvedPorts = Vec<(Option<String>, i32, String)>;

/// The pod's numbers for the Service's target ports; a named target port
/// the pod does not declare leaves that pod out.
fn resolve_ports(
    ports: &[k8s_openapi::api::core::v1::ServicePort],
    pod: &Pod,
) -> Option<ResolvedPorts> {
    let containers = pod
        .spec
        .as_ref()
        .map(|s| s.containers.as_slice())
        .unwrap_or_default();
    ports
        .iter()
        .map(|p| {
            let number = match &p.target_port {
                None => p.port,
                Some(IntOrString::Int(n)) => *n,
                Some(IntOrString::String(name)) => {
                    containers
                        .iter()
                        .flat_map(|c| c.ports.iter().flatten())
                        .find(|cp| cp.name.as_deref() == Some(name.as_str()))?
                        .container_port
                }
            };
            Some((
                p.name.clone(),
                number,
                p.protocol.clone().unwrap_or_else(|| "TCP".into()),
            ))
        })
        .collect()
}

fn load_balancer_status(service: &Service) -> Option<Change> {
    let spec = service.spec.as_ref()?;
    if spec.type_.as_deref() != Some("LoadBalancer") {
        return None;
    }
    let has_ingress = service
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|l| l.ingress.as_ref())
        .is_some_and(|i| !i.is_empty());
    if has_ingress {
        return None;
    }
    let mut rng = rand::rng();
    let hostname = format!(
        "a{:032x}-{}.us-east-1.elb.amazonaws.com",
        rng.random::<u128>(),
        rng.random_range(100_000_000u64..2_000_000_000)
    );
    let mut updated = service.clone();
    let status = updated.status.get_or_insert_with(Default::default);
    status
        .load_balancer
        .get_or_insert_with(Default::default)
        .ingress = Some(vec![LoadBalancerIngress {
        hostname: Some(hostname),
        ..LoadBalancerIngress::default()
    }]);
    Some(Change::UpdateStatus {
        kind: "Service",
        object: to_wire(&updated),
    })
}

#[cfg(test)]
#[path = "services_tests.rs"]
mod tests;
