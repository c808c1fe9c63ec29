//! The JSON the real EKS API returns for clusters and nodegroups (the shapes
//! aws-sdk-eks deserialises), built from the simulator's records.

use base64::Engine;
use jiff::Timestamp;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::EksConfig;
use super::records::{ClusterRecord, NodegroupRecord};

/// EKS sends timestamps as epoch seconds with a fraction.
fn epoch_seconds(ts: Timestamp) -> Value {
    json!(ts.as_millisecond() as f64 / 1000.0)
}

fn digest_hex(seed: &str) -> String {
    Sha256::digest(seed.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A UUID-shaped id that stays the same for the same seed.
pub(super) fn stable_uuid(seed: &str) -> String {
    let hex = digest_hex(seed);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The Auto Scaling group behind a managed nodegroup.
pub(super) fn asg_name(ng: &NodegroupRecord) -> String {
    format!("eks-{}", stable_uuid(&ng.arn))
}

/// An endpoint shaped like a real one: `https://<32 hex>.gr7.<region>.eks.amazonaws.com`.
pub(super) fn fake_endpoint(cluster: &str, region: &str) -> String {
    let id = digest_hex(&format!("{region}/{cluster}"))[..32].to_uppercase();
    format!("https://{id}.gr7.{region}.eks.amazonaws.com")
}

/// EKS-optimised AMI release for a Kubernetes minor version.
pub(super) fn release_version(version: &str) -> String {
    format!("{version}.0-20241109")
}

/// Amazon Linux 2 images stop at Kubernetes 1.32; later versions use AL2023.
pub(super) fn default_ami_type(version: &str) -> &'static str {
    let minor = version
        .split_once('.')
        .and_then(|(_, m)| m.parse::<u32>().ok())
        .unwrap_or(0);
    if minor >= 33 {
        "AL2023_x86_64_STANDARD"
    } else {
        "AL2_x86_64"
    }
}

fn certificate_authority(cluster: &str) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(format!(
        "trinetes simulated certificate authority for {cluster}"
    ));
    let pem = format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
    base64::engine::general_purpose::STANDARD.encode(pem)
}

pub(super) fn cluster(c: &ClusterRecord, config: &EksConfig) -> Value {
    let mut vpc = c.resources_vpc_config.clone();
    if let Value::Object(map) = &mut vpc {
        // The service fills in what it created.
        map.entry("clusterSecurityGroupId")
            .or_insert_with(|| json!(format!("sg-{}", &digest_hex(&c.name)[..17])));
        map.entry("vpcId")
            .or_insert_with(|| json!(format!("vpc-{}", &digest_hex(&c.arn)[..17])));
        map.entry("endpointPublicAccess").or_insert(json!(true));
        map.entry("endpointPrivateAccess").or_insert(json!(false));
        map.entry("publicAccessCidrs")
            .or_insert_with(|| json!(["0.0.0.0/0"]));
    }
    json!({
        "name": c.name,
        "arn": c.arn,
        "createdAt": epoch_seconds(c.created_at),
        "version": c.version,
        "endpoint": c.endpoint,
        "roleArn": c.role_arn,
        "resourcesVpcConfig": vpc,
        "kubernetesNetworkConfig": c.kubernetes_network_config.clone().unwrap_or_else(|| json!({
            "serviceIpv4Cidr": "10.100.0.0/16",
            "ipFamily": "ipv4"
        })),
        "logging": c.logging.clone().unwrap_or_else(|| json!({
            "clusterLogging": [{
                "types": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
                "enabled": false
            }]
        })),
        "identity": {
            "oidc": {
                "issuer": format!(
                    "https://oidc.eks.{}.amazonaws.com/id/{}",
                    config.region,
                    &digest_hex(&c.arn)[..32].to_uppercase()
                )
            }
        },
        "status": c.status.as_str(),
        "certificateAuthority": { "data": certificate_authority(&c.name) },
        "clientRequestToken": c.client_request_token,
        "platformVersion": "eks.1",
        "tags": c.tags,
    })
}

pub(super) fn nodegroup(ng: &NodegroupRecord) -> Value {
    json!({
        "nodegroupName": ng.name,
        "nodegroupArn": ng.arn,
        "clusterName": ng.cluster,
        "version": ng.version,
        "releaseVersion": ng.release_version,
        "createdAt": epoch_seconds(ng.created_at),
        "modifiedAt": epoch_seconds(ng.modified_at),
        "status": ng.status.as_str(),
        "capacityType": ng.capacity_type,
        "scalingConfig": {
            "minSize": ng.min,
            "maxSize": ng.max,
            "desiredSize": ng.desired
        },
        "instanceTypes": ng.instance_types,
        "subnets": ng.subnets,
        "amiType": ng.ami_type,
        "nodeRole": ng.node_role,
        "labels": ng.labels,
        "resources": {
            "autoScalingGroups": [{ "name": asg_name(ng) }]
        },
        "diskSize": ng.disk_size,
        "health": { "issues": [] },
        "updateConfig": { "maxUnavailable": 1 },
        "tags": ng.tags,
    })
}
