//! The files the kubelet writes into every container: /etc/hosts,
//! /etc/hostname, /etc/resolv.conf and /dev/termination-log.

use jiff::Timestamp;
use serde_json::Value;

use super::{CLUSTER_DNS_IP, CLUSTER_DOMAIN};
use crate::sim::container::fs::{Filesystem, Meta};

/// `/etc/hosts`, `/etc/hostname`, `/etc/resolv.conf` and
/// `/dev/termination-log`, as the kubelet writes them.
pub(super) fn kubelet_files(fs: &mut Filesystem, pod: &Value, host: &str, started: Timestamp) {
    let meta = Meta::root(0o644, started);
    let ip = pod["status"]["podIP"].as_str().unwrap_or_default();
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("default");
    let mut hosts = String::from(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n",
    );
    match pod["spec"]["subdomain"].as_str().filter(|s| !s.is_empty()) {
        Some(sub) => hosts.push_str(&format!(
            "{ip}\t{host}.{sub}.{ns}.svc.{CLUSTER_DOMAIN}\t{host}\n"
        )),
        None => hosts.push_str(&format!("{ip}\t{host}\n")),
    }
    let aliases = pod["spec"]["hostAliases"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !aliases.is_empty() {
        hosts.push_str("\n# Entries added by HostAliases.\n");
        for a in aliases {
            let names: Vec<&str> = a["hostnames"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            hosts.push_str(&format!(
                "{}\t{}\n",
                a["ip"].as_str().unwrap_or_default(),
                names.join("\t")
            ));
        }
    }
    fs.write("/etc/hosts", hosts, meta);
    fs.write("/etc/hostname", format!("{host}\n"), meta);
    fs.write("/etc/resolv.conf", resolv_conf(pod), meta);
    fs.write("/dev/termination-log", "", Meta::root(0o666, started));
}

/// resolv.conf for the pod's dnsPolicy: ClusterFirst (the default) points at
/// the cluster DNS with the namespace's search path and `ndots:5`.
pub fn resolv_conf(pod: &Value) -> String {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("default");
    let policy = pod["spec"]["dnsPolicy"].as_str().unwrap_or("ClusterFirst");
    let host_network = pod["spec"]["hostNetwork"].as_bool().unwrap_or(false);
    let config = &pod["spec"]["dnsConfig"];
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    let (mut nameservers, mut search, mut options) = match policy {
        "ClusterFirst" if !host_network => cluster_dns(ns),
        "ClusterFirstWithHostNet" => cluster_dns(ns),
        "None" => (Vec::new(), Vec::new(), Vec::new()),
        // Default, or ClusterFirst on the host network: the node's resolver,
        // the VPC's (its base address + 2).
        _ => (
            vec!["192.168.0.2".to_string()],
            vec!["ec2.internal".to_string()],
            Vec::new(),
        ),
    };
    nameservers.extend(strings(&config["nameservers"]));
    search.extend(strings(&config["searches"]));
    for o in config["options"].as_array().into_iter().flatten() {
        let name = o["name"].as_str().unwrap_or_default();
        options.retain(|existing: &String| existing.split(':').next() != Some(name));
        options.push(match o["value"].as_str() {
            Some(v) => format!("{name}:{v}"),
            None => name.to_string(),
        });
    }
    let mut out = String::new();
    if !search.is_empty() {
        out.push_str(&format!("search {}\n", search.join(" ")));
    }
    for n in nameservers {
        out.push_str(&format!("nameserver {n}\n"));
    }
    if !options.is_empty() {
        out.push_str(&format!("options {}\n", options.join(" ")));
    }
    out
}

fn cluster_dns(ns: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    (
        vec![CLUSTER_DNS_IP.to_string()],
        vec![
            format!("{ns}.svc.{CLUSTER_DOMAIN}"),
            format!("svc.{CLUSTER_DOMAIN}"),
            CLUSTER_DOMAIN.to_string(),
        ],
        vec!["ndots:5".to_string()],
    )
}
