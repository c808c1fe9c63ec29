//! Simulated EKS worker nodes: names, labels, capacity by instance type and
//! node info as a managed nodegroup reports them.

use std::net::Ipv4Addr;

use rand::Rng;
use serde_json::{Value, json};

/// An EC2 instance type the simulator knows: its size and how many pods the
/// VPC CNI lets it run (ENIs x (IPs per ENI - 1) + 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceType {
    pub name: &'static str,
    pub vcpus: u32,
    pub memory_gib: u32,
    pub max_pods: u32,
}

pub const INSTANCE_TYPES: &[InstanceType] = &[
    InstanceType {
        name: "t2.large",
        vcpus: 2,
        memory_gib: 8,
        max_pods: 35,
    },
    InstanceType {
        name: "t2.xlarge",
        vcpus: 4,
        memory_gib: 16,
        max_pods: 44,
    },
    InstanceType {
        name: "t3.medium",
        vcpus: 2,
        memory_gib: 4,
        max_pods: 17,
    },
    InstanceType {
        name: "t3.large",
        vcpus: 2,
        memory_gib: 8,
        max_pods: 35,
    },
    InstanceType {
        name: "t3.xlarge",
        vcpus: 4,
        memory_gib: 16,
        max_pods: 58,
    },
    InstanceType {
        name: "m5.large",
        vcpus: 2,
        memory_gib: 8,
        max_pods: 29,
    },
    InstanceType {
        name: "m5.xlarge",
        vcpus: 4,
        memory_gib: 16,
        max_pods: 58,
    },
];

pub fn instance_type(name: &str) -> Option<&'static InstanceType> {
    INSTANCE_TYPES.iter().find(|t| t.name == name)
}

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error("unknown instance type {given:?}; the simulator knows: {known}")]
    UnknownInstanceType { given: String, known: String },
}

/// What varies between nodes; `NodeTemplate::new` fills EKS defaults.
#[derive(Debug, Clone)]
pub struct NodeTemplate {
    pub instance_type: String,
    pub cluster_name: String,
    pub nodegroup: String,
    pub region: String,
    pub zone: String,
    pub private_ip: Ipv4Addr,
    pub public_ip: Option<Ipv4Addr>,
    pub kubelet_version: String,
}

pub const KUBELET_VERSION: &str = "v1.32.9-eks-113cf36";

impl NodeTemplate {
    pub fn new(instance_type: &str) -> NodeTemplate {
        let mut rng = rand::rng();
        NodeTemplate {
            instance_type: instance_type.to_string(),
            cluster_name: "tcb-cluster".to_string(),
            nodegroup: "ng-1".to_string(),
            region: "us-east-1".to_string(),
            zone: "us-east-1a".to_string(),
            private_ip: Ipv4Addr::new(192, 168, rng.random_range(0..96), rng.random_range(2..255)),
            public_ip: Some(Ipv4Addr::new(
                54,
                rng.random_range(80..240),
                rng.random_range(0..255),
                rng.random_range(1..255),
            )),
            kubelet_version: KUBELET_VERSION.to_string(),
        }
    }

    /// The node name EKS gives: the private DNS name of the instance.
    pub fn node_name(&self) -> String {
        eks_node_name(self.private_ip, &self.region)
    }
}

pub fn eks_node_name(ip: Ipv4Addr, region: &str) -> String {
    let [a, b, c, d] = ip.octets();
    if region == "us-east-1" {
        format!("ip-{a}-{b}-{c}-{d}.ec2.internal")
    } else {
        format!("ip-{a}-{b}-{c}-{d}.{region}.compute.internal")
    }
}

/// A Ready Node object in wire form.
pub fn make_node(template: &NodeTemplate) -> Result<Value, NodeError> {
    let it =
        instance_type(&template.instance_type).ok_or_else(|| NodeError::UnknownInstanceType {
            given: template.instance_type.clone(),
            known: INSTANCE_TYPES
                .iter()
                .map(|t| t.name)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let name = template.node_name();
    let mut rng = rand::rng();
    let instance_id = format!("i-0{:016x}", rng.random::<u64>());
    let capacity_ki = u64::from(it.memory_gib) * 1024 * 1024 * 97 / 100;
    // The EKS AMI reserves 11 MiB per pod + 255 MiB for the kubelet, and
    // evicts below 100 MiB; cpu reserve is 6% of core 1, 1% of core 2,
    // 0.5% of cores 3-4.
    let reserved_ki = (11 * u64::from(it.max_pods) + 255 + 100) * 1024;
    let reserved_cpu_millis = match it.vcpus {
        1 => 60,
        2 => 70,
        3 => 75,
        _ => 80,
    };
    let allocatable_cpu = format!("{}m", it.vcpus * 1000 - reserved_cpu_millis);
    let mut addresses =
        vec![json!({"type": "InternalIP", "address": template.private_ip.to_string()})];
    if let Some(public) = template.public_ip {
        let [a, b, c, d] = public.octets();
        addresses.push(json!({"type": "ExternalIP", "address": public.to_string()}));
        addresses.push(json!({"type": "InternalDNS", "address": name}));
        addresses.push(json!({"type": "Hostname", "address": name}));
        addresses.push(json!({"type": "ExternalDNS", "address": format!("ec2-{a}-{b}-{c}-{d}.compute-1.amazonaws.com")}));
    } else {
        addresses.push(json!({"type": "InternalDNS", "address": name}));
        addresses.push(json!({"type": "Hostname", "address": name}));
    }
    let condition = |type_: &str, status: &str, reason: &str, message: &str| json!({"type": type_, "status": status, "reason": reason, "message": message});
    Ok(json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                "alpha.eksctl.io/cluster-name": template.cluster_name,
                "alpha.eksctl.io/nodegroup-name": template.nodegroup,
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/instance-type": it.name,
                "beta.kubernetes.io/os": "linux",
                "eks.amazonaws.com/capacityType": "ON_DEMAND",
                "eks.amazonaws.com/nodegroup": template.nodegroup,
                "eks.amazonaws.com/nodegroup-image": "ami-0a5f1f5e9d5e6d1a2",
                "eks.amazonaws.com/sourceLaunchTemplateVersion": "1",
                "failure-domain.beta.kubernetes.io/region": template.region,
                "failure-domain.beta.kubernetes.io/zone": template.zone,
                "k8s.io/cloud-provider-aws": "a94967527effcefb5f5829f529c0a1b9",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": it.name,
                "topology.k8s.aws/zone-id": "use1-az1",
                "topology.kubernetes.io/region": template.region,
                "topology.kubernetes.io/zone": template.zone
            },
            "annotations": {
                "alpha.kubernetes.io/provided-node-ip": template.private_ip.to_string(),
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true"
            }
        },
        "spec": {
            "providerID": format!("aws:///{}/{instance_id}", template.zone)
        },
        "status": {
            "capacity": {
                "cpu": it.vcpus.to_string(),
                "ephemeral-storage": "83873772Ki",
                "hugepages-2Mi": "0",
                "memory": format!("{capacity_ki}Ki"),
                "pods": it.max_pods.to_string()
            },
            "allocatable": {
                "cpu": allocatable_cpu,
                "ephemeral-storage": "76224326324",
                "hugepages-2Mi": "0",
                "memory": format!("{}Ki", capacity_ki - reserved_ki),
                "pods": it.max_pods.to_string()
            },
            "conditions": [
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")
            ],
            "addresses": addresses,
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": uuid_like(&mut rng),
                "containerRuntimeVersion": "containerd://1.7.27",
                "kernelVersion": "5.10.240-238.959.amzn2.x86_64",
                "kubeProxyVersion": "",
                "kubeletVersion": template.kubelet_version,
                "machineID": format!("ec2{:029x}", rng.random::<u128>() >> 12),
                "operatingSystem": "linux",
                "osImage": "Amazon Linux 2",
                "systemUUID": format!("ec2{}", &uuid_like(&mut rng)[3..])
            }
        }
    }))
}

fn uuid_like(rng: &mut impl Rng) -> String {
    let n: u128 = rng.random();
    let h = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Stamps the Ready condition (and its siblings) with heartbeat and
/// transition times; the store sets creationTimestamp itself.
pub fn stamp_conditions(node: &mut Value, now: jiff::Timestamp) {
    let now = now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    if let Some(conditions) = node
        .pointer_mut("/status/conditions")
        .and_then(Value::as_array_mut)
    {
        for c in conditions {
            c["lastHeartbeatTime"] = json!(now);
            c["lastTransitionTime"] = json!(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::controllers::resources::parse_quantity;

    #[test]
    fn a_t2_large_node_looks_like_eks() {
        let mut t = NodeTemplate::new("t2.large");
        t.private_ip = Ipv4Addr::new(192, 168, 12, 34);
        let node = make_node(&t).unwrap();
        assert_eq!(node["metadata"]["name"], "ip-192-168-12-34.ec2.internal");
        let labels = &node["metadata"]["labels"];
        assert_eq!(
            labels["kubernetes.io/hostname"],
            "ip-192-168-12-34.ec2.internal"
        );
        assert_eq!(labels["node.kubernetes.io/instance-type"], "t2.large");
        assert_eq!(labels["topology.kubernetes.io/zone"], "us-east-1a");
        assert_eq!(labels["eks.amazonaws.com/nodegroup"], "ng-1");
        assert_eq!(node["status"]["capacity"]["cpu"], "2");
        let memory =
            parse_quantity(node["status"]["capacity"]["memory"].as_str().unwrap()).unwrap();
        assert!((7.5..8.0).contains(&(memory / 1024f64.powi(3))), "{memory}");
        let allocatable_cpu =
            parse_quantity(node["status"]["allocatable"]["cpu"].as_str().unwrap()).unwrap();
        assert!(allocatable_cpu < 2.0 && allocatable_cpu > 1.8);
        assert!(
            node["status"]["nodeInfo"]["kubeletVersion"]
                .as_str()
                .unwrap()
                .starts_with("v1.32.")
        );
        assert_eq!(node["status"]["nodeInfo"]["osImage"], "Amazon Linux 2");
        let ready = node["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "Ready")
            .unwrap();
        assert_eq!(ready["status"], "True");
        assert_eq!(node["status"]["addresses"][0]["address"], "192.168.12.34");
    }

    #[test]
    fn other_regions_use_compute_internal_names() {
        assert_eq!(
            eks_node_name(Ipv4Addr::new(192, 168, 1, 2), "eu-west-1"),
            "ip-192-168-1-2.eu-west-1.compute.internal"
        );
    }

    #[test]
    fn unknown_instance_types_name_the_known_ones() {
        let err = make_node(&NodeTemplate::new("t9.huge"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("t9.huge") && err.contains("t2.large") && err.contains("m5.large"),
            "{err}"
        );
    }
}

/// Creates `count` Ready nodes of one instance type in the store, spread
/// over two zones as eksctl spreads a nodegroup; returns their names.
pub fn add_nodes(
    store: &crate::sim::store::Store,
    count: usize,
    instance_type: &str,
) -> Result<Vec<String>, AddNodesError> {
    let mut names = Vec::new();
    let mut taken: std::collections::BTreeSet<Ipv4Addr> = store
        .list("Node", None)
        .0
        .iter()
        .filter_map(|n| {
            n.pointer("/status/addresses/0/address")?
                .as_str()?
                .parse()
                .ok()
        })
        .collect();
    for i in 0..count {
        let mut template = NodeTemplate::new(instance_type);
        while !taken.insert(template.private_ip) {
            template = NodeTemplate::new(instance_type);
        }
        template.zone = if i % 2 == 0 {
            "us-east-1a"
        } else {
            "us-east-1b"
        }
        .to_string();
        let mut node = make_node(&template)?;
        stamp_conditions(&mut node, store.clock().now());
        store.create("Node", node)?;
        names.push(template.node_name());
    }
    Ok(names)
}

#[derive(Debug, thiserror::Error)]
pub enum AddNodesError {
    #[error(transparent)]
    Node(#[from] NodeError),
    #[error("could not store the node: {0}")]
    Store(#[from] crate::sim::store::StoreError),
}
