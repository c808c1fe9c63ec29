//! OpenAPI v3 with the upstream schemas, seen through the machine's kubectl:
//! `kubectl explain` for every served kind, and the strict field validation
//! that `kubectl apply` asks for.

use crate::support::apiserver::Sim;
use crate::support::snapshot::assert_filtered;

const NO_FILTERS: &[(&str, &str)] = &[];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_explain_prints_the_upstream_field_descriptions() {
    let sim = Sim::start().await;
    assert_filtered(
        "explain_deployment_spec_replicas",
        &sim.kubectl_ok(&["explain", "deployment.spec.replicas"])
            .await,
        NO_FILTERS,
    );
    for (resource, kind) in [
        ("namespaces", "Namespace"),
        ("nodes", "Node"),
        ("pods.spec.containers.readinessProbe", "Pod"),
        ("services.spec.sessionAffinity", "Service"),
        ("endpoints", "Endpoints"),
        ("configmaps.data", "ConfigMap"),
        ("secrets", "Secret"),
        ("events", "Event"),
        ("deployments", "Deployment"),
        ("replicasets.spec.template", "ReplicaSet"),
    ] {
        let out = sim.kubectl_ok(&["explain", resource]).await;
        assert!(
            out.lines().any(|l| l == format!("KIND:       {kind}")),
            "{resource}:\n{out}"
        );
        assert!(out.contains("DESCRIPTION:\n"), "{resource}:\n{out}");
    }
    sim.stop().await;
}

const MISSPELT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicaz: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        imagePullPolicyy: Always
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_apply_of_an_unknown_field_gets_the_strict_decoding_error() {
    let sim = Sim::start().await;
    let manifest = sim.write("web.yaml", MISSPELT);
    let path = manifest.to_str().expect("utf-8 path");
    let out = sim.kubectl(&["apply", "-f", path]).await;
    assert_ne!(out.status, 0, "{}", out.stdout);
    assert_eq!(
        out.stderr.replace(path, "web.yaml"),
        "Error from server (BadRequest): error when creating \"web.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replicaz\", unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"\n"
    );
    assert!(
        sim.store
            .get("Deployment", Some("default"), "web")
            .is_none()
    );
    let out = sim
        .kubectl(&["apply", "--validate=false", "-f", path])
        .await;
    assert_eq!(
        out.stdout, "deployment.apps/web created\n",
        "{}",
        out.stderr
    );
    let stored = sim
        .store
        .get("Deployment", Some("default"), "web")
        .expect("created");
    assert!(
        stored["spec"].get("replicaz").is_none(),
        "without validation the server drops what it does not know: {stored}"
    );
    assert_eq!(stored["spec"]["replicas"], 1);

    let out = sim.kubectl(&["replace", "-f", path]).await;
    assert_eq!(
        out.stderr.replace(path, "web.yaml"),
        "Error from server (BadRequest): error when replacing \"web.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replicaz\", unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"\n"
    );
    sim.stop().await;
}
