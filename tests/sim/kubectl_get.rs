//! Snapshot tests: the machine's real kubectl reading objects seeded straight
//! into the store (no controllers), in every output format.

use std::time::Duration;

use crate::support::apiserver::*;
use crate::support::snapshot::assert_filtered;
use serde_json::json;

const NODE_A: &str = "ip-192-168-12-34.ec2.internal";
const NODE_B: &str = "ip-192-168-45-67.ec2.internal";

/// A small world: two nodes, a deployment with its replicaset and pods in
/// different states, a service, a config map, a secret, endpoints and events.
async fn world() -> Sim {
    let sim = Sim::start().await;
    let s = &sim.store;
    seed(s, "Node", node(NODE_A, "192.168.12.34"));
    let mut b = node(NODE_B, "192.168.45.67");
    b["spec"]["unschedulable"] = json!(true);
    b["metadata"]["labels"]["node-role.kubernetes.io/worker"] = json!("");
    seed(s, "Node", b);
    let mut dep = deployment("trino", 2);
    dep["status"] = json!({"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 1, "availableReplicas": 1});
    let dep = seed(s, "Deployment", dep);
    let mut rs = deployment("trino", 2);
    rs["kind"] = json!("ReplicaSet");
    rs["metadata"]["name"] = json!("trino-5d4f8c7b9");
    rs["spec"]["template"]["metadata"]["labels"]["pod-template-hash"] = json!("5d4f8c7b9");
    rs["metadata"]["labels"] = json!({"app": "trino", "pod-template-hash": "5d4f8c7b9"});
    rs["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "Deployment", "name": "trino",
        "uid": dep["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true}]);
    rs["spec"]["selector"]["matchLabels"]["pod-template-hash"] = json!("5d4f8c7b9");
    rs["status"] = json!({"replicas": 2, "readyReplicas": 1, "availableReplicas": 1, "fullyLabeledReplicas": 2});
    seed(s, "ReplicaSet", rs);
    s.clock().advance(Duration::from_secs(60));
    seed(
        s,
        "Pod",
        pod("trino-5d4f8c7b9-x7k2p", "trino", NODE_A, "192.168.20.11"),
    );
    let mut crashing = pod("trino-5d4f8c7b9-q9m4z", "trino", NODE_B, "192.168.50.12");
    crashing["status"]["conditions"] = json!([{"type": "Ready", "status": "False"}]);
    crashing["status"]["containerStatuses"][0] = json!({"name": "trino", "ready": false, "restartCount": 4, "image": "nginx:1.27",
        "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 1m20s restarting failed container"}},
        "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": "2026-01-01T00:04:00Z"}}});
    let crashing = seed(s, "Pod", crashing);
    let mut pending = pod("db-0", "db", "", "");
    pending["spec"]
        .as_object_mut()
        .expect("spec")
        .remove("nodeName");
    pending["status"] = json!({"phase": "Pending"});
    seed(s, "Pod", pending);
    let mut creating = pod("cache-7c9d", "cache", NODE_A, "");
    creating["status"] = json!({"phase": "Pending", "containerStatuses": [{"name": "cache", "ready": false, "restartCount": 0, "image": "nginx:1.27",
        "state": {"waiting": {"reason": "ContainerCreating"}}}]});
    seed(s, "Pod", creating);
    seed(
        s,
        "Service",
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "trino", "namespace": "default", "labels": {"app": "trino"}},
               "spec": {"type": "NodePort", "selector": {"app": "trino"}, "ports": [{"name": "http", "port": 8080, "targetPort": 8080, "nodePort": 30080}]}}),
    );
    seed(
        s,
        "Service",
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "trino-lb", "namespace": "default"},
               "spec": {"type": "LoadBalancer", "selector": {"app": "trino", "tier": "coordinator"},
                        "ports": [{"port": 8080, "nodePort": 31234}, {"port": 8443, "nodePort": 31235}]}}),
    );
    seed(
        s,
        "ConfigMap",
        configmap(
            "trino-catalog",
            &[
                ("tpch.properties", "connector.name=tpch\n"),
                ("tpcds.properties", "connector.name=tpcds\n"),
            ],
        ),
    );
    seed(s, "ConfigMap", configmap("empty", &[]));
    seed(
        s,
        "Secret",
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds", "namespace": "default"},
               "type": "Opaque", "data": {"user": "YWRtaW4="}}),
    );
    seed(
        s,
        "Endpoints",
        json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "trino", "namespace": "default"},
               "subsets": [{"addresses": [{"ip": "192.168.20.11"}], "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]}),
    );
    seed(
        s,
        "Event",
        json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "trino-5d4f8c7b9-q9m4z.181a2b3c4d5e6f70", "namespace": "default"},
               "involvedObject": {"kind": "Pod", "name": "trino-5d4f8c7b9-q9m4z", "namespace": "default", "apiVersion": "v1",
                                  "uid": crashing["metadata"]["uid"], "fieldPath": "spec.containers{trino}"},
               "reason": "BackOff", "message": "Back-off restarting failed container trino in pod trino-5d4f8c7b9-q9m4z", "type": "Warning",
               "source": {"component": "kubelet", "host": NODE_B}, "count": 7,
               "firstTimestamp": "2026-01-01T00:01:30Z", "lastTimestamp": "2026-01-01T00:04:30Z"}),
    );
    seed(
        s,
        "Event",
        json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "trino.181a2b3c4d5e6f71", "namespace": "default"},
               "involvedObject": {"kind": "Deployment", "name": "trino", "namespace": "default", "apiVersion": "apps/v1"},
               "reason": "ScalingReplicaSet", "message": "Scaled up replica set trino-5d4f8c7b9 from 0 to 2", "type": "Normal",
               "source": {"component": "deployment-controller"}, "count": 1,
               "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:00Z"}),
    );
    s.clock().advance(Duration::from_secs(240));
    sim
}

/// Splits on spaces, keeping 'single-quoted' parts together (quotes removed).
fn split_args(command: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in command.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !current.is_empty() {
                    args.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        args.push(current);
    }
    args
}

/// Runs each kubectl command and collects "$ command" plus its output.
async fn transcript(sim: &Sim, commands: &[&str]) -> String {
    let mut out = String::new();
    for command in commands {
        let args = split_args(command);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let result = sim.kubectl(&args).await;
        out.push_str(&format!("$ kubectl {command}\n"));
        out.push_str(&result.stdout);
        if !result.stderr.is_empty() {
            out.push_str(&format!("[stderr] {}", result.stderr));
        }
        if result.status != 0 {
            out.push_str(&format!("[exit {}]\n", result.status));
        }
        out.push('\n');
    }
    out
}

async fn check(kind: &str, commands: &[&str]) {
    let sim = world().await;
    let text = transcript(&sim, commands).await;
    let mut masks = filters(&sim);
    if kind.starts_with("describe") {
        // describe prints event ages against kubectl's own wall clock, not the
        // simulated one: blank them out, and the padding that depends on them.
        masks.push((r"\b\d+[ydhms](\d+[ydhms])?\b".into(), "AGE".into()));
        masks.push((r"[ \t]+".into(), " ".into()));
    }
    assert_filtered(&format!("get_{kind}"), &text, &masks);
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_nodes() {
    check(
        "nodes",
        &[
            "get nodes",
            "get no -o wide",
            "get node ip-192-168-12-34.ec2.internal -o yaml",
            "get node ip-192-168-45-67.ec2.internal -o json",
            "get nodes -o jsonpath={.items[*].status.addresses[?(@.type==\"InternalIP\")].address}",
            "get nodes -l node-role.kubernetes.io/worker",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_pods() {
    check(
        "pods",
        &[
            "get pods",
            "get po -o wide",
            "get pods -l app=trino",
            "get pods -l app!=trino,app",
            "get pods -l 'app in (db,cache)' -o name",
            "get pod trino-5d4f8c7b9-x7k2p -o json",
            "get pod db-0 -o yaml",
            "get pods -o 'jsonpath={range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}'",
            "get pods --field-selector status.phase=Pending",
            "get pods -A",
            "get pods --show-labels",
            "get pod missing",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_deployments() {
    check(
        "deployments",
        &[
            "get deployments",
            "get deploy -o wide",
            "get deployment trino -o yaml",
            "get deploy -o json",
            "get deploy -o jsonpath={.items[0].spec.template.spec.containers[0].image}",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_replicasets() {
    check(
        "replicasets",
        &[
            "get replicasets",
            "get rs -o wide",
            "get rs trino-5d4f8c7b9 -o json",
            "get rs -o yaml",
            "get rs -o jsonpath={.items[*].metadata.ownerReferences[0].kind}",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_services() {
    check(
        "services",
        &[
            "get services",
            "get svc -o wide",
            "get svc trino -o yaml",
            "get svc trino-lb -o json",
            "get svc -o jsonpath={.items[*].spec.clusterIP}",
            "get svc -l app=trino",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_configmaps_and_secrets() {
    check(
        "configmaps",
        &[
            "get configmaps",
            "get cm -o wide",
            "get cm trino-catalog -o yaml",
            "get cm -o json",
            "get cm trino-catalog -o jsonpath={.data.tpch\\.properties}",
            "get secrets",
            "get endpoints",
            "get ep -o wide",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_namespaces() {
    check(
        "namespaces",
        &[
            "get namespaces",
            "get ns -o wide",
            "get ns default -o yaml",
            "get ns kube-system -o json",
            "get ns -o jsonpath={.items[*].metadata.name}",
            "get ns -l kubernetes.io/metadata.name=kube-system",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_events() {
    check(
        "events",
        &[
            "get events",
            "get ev -o wide",
            "get events --field-selector involvedObject.kind=Deployment -o yaml",
            "get events --field-selector reason=BackOff -o json",
            "get ev -o jsonpath={.items[*].reason}",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_pod() {
    check("describe_pod", &["describe pod trino-5d4f8c7b9-q9m4z"]).await;
}

/// `kubectl get -w`: a watch that asks for Table rows. The writes happen only
/// after kubectl has printed the initial list, so the output is deterministic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_watch_prints_table_rows() {
    use tokio::io::AsyncBufReadExt;
    let sim = Sim::start().await;
    seed(&sim.store, "ConfigMap", configmap("first", &[("k", "v")]));
    let mut child = tokio::process::Command::new("kubectl")
        .args(["get", "configmaps", "--watch", "--output-watch-events"])
        .env("KUBECONFIG", sim.path("kubeconfig"))
        .env("KUBECACHEDIR", sim.path("cache"))
        .env("HOME", sim.dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("install kubectl 1.32");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let mut next_line = async || {
        tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("kubectl prints in time")
            .expect("read")
            .expect("a line")
    };
    let mut seen = vec![next_line().await, next_line().await];
    sim.store
        .create("ConfigMap", configmap("second", &[("a", "1"), ("b", "2")]))
        .expect("create");
    seen.push(next_line().await);
    sim.store
        .delete("ConfigMap", Some("default"), "first")
        .expect("delete");
    seen.push(next_line().await);
    let squeezed: Vec<String> = seen
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        squeezed,
        vec![
            "EVENT NAME DATA AGE",
            "ADDED first 1 0s",
            "ADDED second 2 0s",
            "DELETED first 1 0s"
        ]
    );
    child.kill().await.expect("stop kubectl");
    sim.stop().await;
}
