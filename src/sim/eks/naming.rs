//! Names and addresses an EKS cluster made by eksctl gets: availability
//! zones, subnets and EC2 node names. The simulated EKS endpoint, eksctl and
//! the world that creates the nodes all take them from here, so they agree.

use sha2::{Digest, Sha256};

/// The zones eksctl picks: two in us-east-1 (where a third zone often lacks
/// capacity), three elsewhere. us-east-1 gets the pair the episode got.
pub fn availability_zones(region: &str) -> Vec<String> {
    let letters: &[char] = if region == "us-east-1" {
        &['a', 'e']
    } else {
        &['a', 'b', 'c']
    };
    letters.iter().map(|l| format!("{region}{l}")).collect()
}

/// eksctl's default VPC is 192.168.0.0/16 cut into /19s: the public subnets
/// first, then the private ones. Returns `(public, private)` for zone `index`
/// of `zone_count`.
pub fn zone_subnets(index: usize, zone_count: usize) -> (String, String) {
    let public = index * 32;
    let private = (zone_count + index) * 32;
    (
        format!("192.168.{public}.0/19"),
        format!("192.168.{private}.0/19"),
    )
}

/// The private DNS names of the `count` nodes of a nodegroup, e.g.
/// `ip-192-168-2-123.ec2.internal` in us-east-1 or
/// `ip-192-168-26-26.eu-central-1.compute.internal` elsewhere. Stable for a
/// given cluster and nodegroup; spread over the zones' public subnets.
pub fn node_names(cluster: &str, nodegroup: &str, region: &str, count: u32) -> Vec<String> {
    let zones = availability_zones(region).len();
    (0..count)
        .map(|i| {
            let digest = Sha256::digest(format!("{cluster}/{nodegroup}/{i}").as_bytes());
            let zone = i as usize % zones;
            let third = zone * 32 + usize::from(digest[0] % 32);
            let fourth = 1 + usize::from(digest[1] % 254);
            let host = format!("ip-192-168-{third}-{fourth}");
            if region == "us-east-1" {
                format!("{host}.ec2.internal")
            } else {
                format!("{host}.{region}.compute.internal")
            }
        })
        .collect()
}

/// The zone node `index` of a nodegroup lives in (nodes are spread over
/// the zones in turn, as their addresses in [`node_names`] are).
pub fn node_zone(region: &str, index: u32) -> String {
    let zones = availability_zones(region);
    zones[index as usize % zones.len()].clone()
}

/// What an EKS node's kubelet reports for a Kubernetes minor version, e.g.
/// `v1.21.5-eks-bc4871b` for `1.21`.
pub fn kubelet_version(version: &str) -> String {
    // Patch levels EKS shipped late in each version's life; later minors
    // get a plausible one.
    let patch = match version {
        "1.18" => 20,
        "1.19" => 15,
        "1.20" => 11,
        "1.21" => 5,
        _ => 2,
    };
    let build: String = Sha256::digest(version.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("v{version}.{patch}-eks-{}", &build[..7])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn us_east_1_uses_two_zones_and_ec2_internal_names() {
        assert_eq!(
            availability_zones("us-east-1"),
            ["us-east-1a", "us-east-1e"]
        );
        let names = node_names("tcb-cluster", "k8s-tcb-cluster", "us-east-1", 2);
        assert_eq!(names.len(), 2);
        assert_ne!(names[0], names[1]);
        for name in &names {
            assert!(name.starts_with("ip-192-168-"), "{name}");
            assert!(name.ends_with(".ec2.internal"), "{name}");
        }
        assert_eq!(
            names,
            node_names("tcb-cluster", "k8s-tcb-cluster", "us-east-1", 2)
        );
    }

    #[test]
    fn other_regions_use_three_zones_and_compute_internal_names() {
        assert_eq!(availability_zones("eu-central-1").len(), 3);
        let names = node_names("c", "ng", "eu-central-1", 3);
        assert!(
            names
                .iter()
                .all(|n| n.ends_with(".eu-central-1.compute.internal"))
        );
    }

    #[test]
    fn nodes_take_zones_in_turn_and_report_an_eks_kubelet() {
        assert_eq!(node_zone("us-east-1", 0), "us-east-1a");
        assert_eq!(node_zone("us-east-1", 1), "us-east-1e");
        assert_eq!(node_zone("us-east-1", 2), "us-east-1a");
        let kubelet = kubelet_version("1.21");
        assert!(kubelet.starts_with("v1.21.5-eks-"), "{kubelet}");
        assert_eq!(kubelet.len(), "v1.21.5-eks-".len() + 7);
    }

    #[test]
    fn subnets_follow_eksctl_layout() {
        assert_eq!(
            zone_subnets(0, 2),
            ("192.168.0.0/19".to_string(), "192.168.64.0/19".to_string())
        );
        assert_eq!(
            zone_subnets(1, 2),
            ("192.168.32.0/19".to_string(), "192.168.96.0/19".to_string())
        );
        assert_eq!(
            zone_subnets(2, 3),
            (
                "192.168.64.0/19".to_string(),
                "192.168.160.0/19".to_string()
            )
        );
    }
}
