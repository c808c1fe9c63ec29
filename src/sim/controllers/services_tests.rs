use super::*;

fn service(type_: &str, node_port: Option<u16>) -> Value {
    json!({
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"type": type_, "selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": node_port}]}
    })
}

fn pod(name: &str, ip: &str, ready: bool) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "default", "uid": format!("{name}-uid"), "labels": {"app": "web"}},
        "spec": {"nodeName": "n1", "containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 8080}]}]},
        "status": {"podIP": ip, "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}
    }))
    .unwrap()
}

#[test]
fn node_ports_are_allocated_in_range_and_cluster_ips_in_the_eks_cidr() {
    let mut svc = service("NodePort", None);
    admit_service(&mut svc, &[]).unwrap();
    let port = svc["spec"]["ports"][0]["nodePort"].as_u64().unwrap() as u16;
    assert!(NODE_PORT_RANGE.contains(&port));
    let ip = svc["spec"]["clusterIP"].as_str().unwrap();
    assert!(
        ip.starts_with("10.100.") && ip != KUBERNETES_SERVICE_IP,
        "{ip}"
    );
}

#[test]
fn a_taken_node_port_is_refused() {
    let mut first = service("NodePort", Some(30080));
    admit_service(&mut first, &[]).unwrap();
    let mut second = service("NodePort", Some(30080));
    let err = admit_service(&mut second, &[first]).unwrap_err();
    assert_eq!(err.field, "spec.ports[0].nodePort");
    assert_eq!(
        err.message,
        "Invalid value: 30080: provided port is already allocated"
    );
}

#[test]
fn out_of_range_ports_and_taken_ips_are_refused() {
    let mut svc = service("NodePort", Some(8080));
    assert!(
        admit_service(&mut svc, &[])
            .unwrap_err()
            .message
            .contains("not in the valid range")
    );
    let mut kubernetes = kubernetes_service();
    admit_service(&mut kubernetes, &[]).unwrap();
    let mut svc = service("ClusterIP", None);
    svc["spec"]["clusterIP"] = json!(KUBERNETES_SERVICE_IP);
    assert!(
        admit_service(&mut svc, &[kubernetes])
            .unwrap_err()
            .message
            .contains("already allocated")
    );
}

#[test]
fn endpoints_split_ready_and_unready_pods_and_resolve_named_ports() {
    let svc: Service = serde_json::from_value(service("ClusterIP", None)).unwrap();
    let pods = [
        pod("a", "192.168.1.5", true),
        pod("b", "192.168.1.4", false),
    ];
    let ep = endpoints_for(&svc, &pods).unwrap();
    let subset = &ep.subsets.unwrap()[0];
    assert_eq!(subset.addresses.as_ref().unwrap()[0].ip, "192.168.1.5");
    assert_eq!(
        subset.not_ready_addresses.as_ref().unwrap()[0].ip,
        "192.168.1.4"
    );
    assert_eq!(subset.ports.as_ref().unwrap()[0].port, 8080);
}

#[test]
fn the_kubernetes_service_comes_back_and_stale_endpoints_go() {
    let stale: Endpoints =
        serde_json::from_value(json!({"metadata": {"name": "gone", "namespace": "default"}}))
            .unwrap();
    let changes = reconcile_services(&[], &[stale], &[]);
    assert!(
        matches!(&changes[0], Change::Create { kind: "Service", object } if object["spec"]["clusterIP"] == KUBERNETES_SERVICE_IP)
    );
    assert!(
        matches!(&changes[1], Change::Delete { kind: "Endpoints", name, .. } if name == "gone")
    );
}
