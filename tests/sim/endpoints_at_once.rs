//! A new Service has its Endpoints as soon as it exists, as on a real
//! cluster whose endpoints controller answers within milliseconds: here no
//! controllers run at all, so only the API server can have written them.

use crate::support::apiserver::{Sim, pod, seed};
use crate::support::bin::require_kubectl;

#[tokio::test(flavor = "multi_thread")]
async fn a_new_service_has_its_endpoints_before_the_next_command() {
    require_kubectl();
    let sim = Sim::start().await;
    seed(
        &sim.store,
        "Pod",
        pod("shop-1", "shop", "node-1", "192.168.1.10"),
    );
    seed(
        &sim.store,
        "Pod",
        pod("shop-2", "shop", "node-1", "192.168.1.11"),
    );
    seed(
        &sim.store,
        "Pod",
        pod("web-1", "web", "node-1", "192.168.1.12"),
    );

    sim.kubectl_ok(&["create", "service", "clusterip", "shop", "--tcp=80:80"])
        .await;
    let ips = sim
        .kubectl_ok(&[
            "get",
            "endpoints",
            "shop",
            "-o",
            "jsonpath={.subsets[*].addresses[*].ip}",
        ])
        .await;
    assert_eq!(ips, "192.168.1.10 192.168.1.11");
    sim.stop().await;
}
