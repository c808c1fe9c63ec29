//! Rendering the project's Trino charts: what objects come out, with which
//! names, labels, replicas, selectors and probes (FACTS.md §2, the episode).

use serde_json::{Value, json};
use trinetes::sim::helm::{ReleaseTarget, Rendered, UserValues, trino_chart};

fn render(version: &str, sets: &[&str]) -> Rendered {
    let mut user = UserValues::new();
    for set in sets {
        user.add_set(set, false).expect("valid --set");
    }
    render_with(version, &user)
}

fn render_with(version: &str, user: &UserValues) -> Rendered {
    let target = ReleaseTarget {
        name: "tcb".to_string(),
        namespace: "default".to_string(),
        revision: 1,
    };
    trino_chart(Some(version))
        .expect("chart exists")
        .render(&target, user)
        .expect("chart renders")
}

fn kinds_and_names(rendered: &Rendered) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = rendered
        .objects()
        .iter()
        .map(|o| {
            (
                o["kind"].as_str().expect("kind").to_string(),
                o["metadata"]["name"].as_str().expect("name").to_string(),
            )
        })
        .collect();
    all.sort();
    all
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(k, n)| (k.to_string(), n.to_string()))
        .collect();
    v.sort();
    v
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/helm/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    serde_norway::from_str(&text).expect("fixture is YAML")
}

fn object<'a>(rendered: &'a Rendered, kind: &str, name: &str) -> &'a Value {
    rendered
        .find(kind, name)
        .unwrap_or_else(|| panic!("{kind} {name} not rendered"))
}

#[test]
fn chart_0_3_0_renders_the_episodes_objects() {
    let rendered = render("0.3.0", &[]);
    assert_eq!(
        kinds_and_names(&rendered),
        pairs(&[
            ("ConfigMap", "tcb-trino-catalog"),
            ("ConfigMap", "tcb-trino-coordinator"),
            ("ConfigMap", "tcb-trino-worker"),
            ("Deployment", "tcb-trino-coordinator"),
            ("Deployment", "tcb-trino-worker"),
            ("Service", "tcb-trino"),
        ])
    );
}

#[test]
fn chart_0_3_0_matches_the_manifests_printed_in_the_episode() {
    let rendered = render("0.3.0", &[]);
    for (kind, name, file) in [
        (
            "Deployment",
            "tcb-trino-worker",
            "episode-0.3.0-deployment-worker.yaml",
        ),
        (
            "ConfigMap",
            "tcb-trino-worker",
            "episode-0.3.0-configmap-worker.yaml",
        ),
        (
            "ConfigMap",
            "tcb-trino-catalog",
            "episode-0.3.0-configmap-catalog.yaml",
        ),
        ("Service", "tcb-trino", "episode-0.3.0-service.yaml"),
    ] {
        assert_eq!(
            object(&rendered, kind, name),
            &fixture(file),
            "{kind} {name}"
        );
    }
}

#[test]
fn chart_0_3_0_coordinator_has_no_replicas_and_old_labels() {
    let rendered = render("0.3.0", &[]);
    let coordinator = object(&rendered, "Deployment", "tcb-trino-coordinator");
    assert!(coordinator["spec"].get("replicas").is_none());
    assert_eq!(
        coordinator["metadata"]["labels"],
        json!({"app": "trino", "chart": "trino-0.3.0", "release": "tcb", "heritage": "Helm", "component": "coordinator"})
    );
    assert_eq!(
        coordinator["spec"]["selector"]["matchLabels"],
        json!({"app": "trino", "release": "tcb", "component": "coordinator"})
    );
    let container = &coordinator["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], "trinodb/trino:latest");
    for probe in ["livenessProbe", "readinessProbe"] {
        assert_eq!(
            container[probe],
            json!({"httpGet": {"path": "/v1/info", "port": "http"}})
        );
    }
    let config = object(&rendered, "ConfigMap", "tcb-trino-coordinator");
    let properties = config["data"]["config.properties"].as_str().expect("text");
    assert!(properties.starts_with("coordinator=true\n"), "{properties}");
    assert!(properties.contains("query.max-total-memory-per-node=2GB"));
    let jvm = config["data"]["jvm.config"].as_str().expect("text");
    assert!(jvm.contains("-XX:-UseBiasedLocking"));
    assert!(jvm.contains("-Xmx8G"));
}

#[test]
fn chart_0_3_0_notes_give_the_episodes_port_forward_recipe() {
    let notes = render("0.3.0", &[]).notes;
    assert_eq!(
        notes,
        "Get the application URL by running these commands:\n  \
         export POD_NAME=$(kubectl get pods --namespace default -l \"app=trino,release=tcb,component=coordinator\" -o jsonpath=\"{.items[0].metadata.name}\")\n  \
         echo \"Visit http://127.0.0.1:8080 to use your application\"\n  \
         kubectl port-forward $POD_NAME 8080:8080\n"
    );
}

#[test]
fn chart_1_42_2_renders_current_objects() {
    let rendered = render("1.42.2", &[]);
    assert_eq!(
        kinds_and_names(&rendered),
        pairs(&[
            ("ConfigMap", "tcb-trino-catalog"),
            ("ConfigMap", "tcb-trino-coordinator"),
            ("ConfigMap", "tcb-trino-schemas-volume-coordinator"),
            ("ConfigMap", "tcb-trino-schemas-volume-worker"),
            ("ConfigMap", "tcb-trino-worker"),
            ("Deployment", "tcb-trino-coordinator"),
            ("Deployment", "tcb-trino-worker"),
            ("Service", "tcb-trino"),
            ("Service", "tcb-trino-worker"),
        ])
    );
    let worker = object(&rendered, "Deployment", "tcb-trino-worker");
    assert_eq!(worker["spec"]["replicas"], 2);
    assert_eq!(
        worker["spec"]["selector"]["matchLabels"],
        json!({"app.kubernetes.io/name": "trino", "app.kubernetes.io/instance": "tcb", "app.kubernetes.io/component": "worker"})
    );
    let labels = &worker["metadata"]["labels"];
    assert_eq!(labels["helm.sh/chart"], "trino-1.42.2");
    assert_eq!(labels["app.kubernetes.io/version"], "480");
    let coordinator = object(&rendered, "Deployment", "tcb-trino-coordinator");
    assert!(coordinator["spec"].get("replicas").is_none());
    let container = &coordinator["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], "trinodb/trino:480");
    assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/v1/info");
    assert_eq!(container["livenessProbe"]["initialDelaySeconds"], 30);
    assert_eq!(container["livenessProbe"]["failureThreshold"], 6);
    assert_eq!(
        container["readinessProbe"]["exec"]["command"],
        json!(["/usr/lib/trino/bin/health-check"])
    );
    assert!(container["startupProbe"].is_object());
    let headless = object(&rendered, "Service", "tcb-trino-worker");
    assert_eq!(headless["spec"]["clusterIP"], "None");
    let service = object(&rendered, "Service", "tcb-trino");
    assert_eq!(service["spec"]["type"], "ClusterIP");
    assert_eq!(
        service["spec"]["selector"]["app.kubernetes.io/component"],
        "coordinator"
    );
    let properties =
        object(&rendered, "ConfigMap", "tcb-trino-coordinator")["data"]["config.properties"]
            .as_str()
            .expect("text")
            .to_string();
    assert!(!properties.contains("max-total-memory-per-node"));
    let catalog = object(&rendered, "ConfigMap", "tcb-trino-catalog");
    assert_eq!(
        catalog["data"]["tpch.properties"],
        "connector.name=tpch\ntpch.splits-per-node=4\n"
    );
}

#[test]
fn chart_1_42_2_notes_forward_the_service() {
    let notes = render("1.42.2", &[]).notes;
    assert!(
        notes.contains("kubectl port-forward svc/tcb-trino 8080:8080\n"),
        "{notes}"
    );
}

#[test]
fn set_workers_changes_replicas_and_zero_drops_the_worker_deployment() {
    let rendered = render("0.3.0", &["server.workers=3"]);
    assert_eq!(
        object(&rendered, "Deployment", "tcb-trino-worker")["spec"]["replicas"],
        3
    );
    let rendered = render("0.3.0", &["server.workers=0"]);
    assert!(rendered.find("Deployment", "tcb-trino-worker").is_none());
    let properties =
        object(&rendered, "ConfigMap", "tcb-trino-coordinator")["data"]["config.properties"]
            .as_str()
            .expect("text")
            .to_string();
    assert!(properties.contains("node-scheduler.include-coordinator=true"));
    let rendered = render("1.42.2", &["server.workers=0"]);
    assert!(rendered.find("Deployment", "tcb-trino-worker").is_none());
    assert!(rendered.find("Service", "tcb-trino-worker").is_none());
}

#[test]
fn set_image_tag_pins_every_container() {
    let rendered = render("0.3.0", &["image.tag=355"]);
    for name in ["tcb-trino-coordinator", "tcb-trino-worker"] {
        assert_eq!(
            object(&rendered, "Deployment", name)["spec"]["template"]["spec"]["containers"][0]["image"],
            "trinodb/trino:355"
        );
    }
}

#[test]
fn set_service_type_node_port_changes_the_service_and_the_notes() {
    let rendered = render("0.3.0", &["service.type=NodePort"]);
    assert_eq!(
        object(&rendered, "Service", "tcb-trino")["spec"]["type"],
        "NodePort"
    );
    assert!(
        rendered.notes.contains("export NODE_PORT="),
        "{}",
        rendered.notes
    );
    let rendered = render(
        "1.42.2",
        &["service.type=NodePort", "service.nodePort=30080"],
    );
    let service = object(&rendered, "Service", "tcb-trino");
    assert_eq!(service["spec"]["type"], "NodePort");
    assert_eq!(service["spec"]["ports"][0]["nodePort"], 30080);
}

#[test]
fn set_service_port_moves_container_and_service_ports() {
    let rendered = render("0.3.0", &["service.port=9090"]);
    assert_eq!(
        object(&rendered, "Service", "tcb-trino")["spec"]["ports"][0]["port"],
        9090
    );
    let container = &object(&rendered, "Deployment", "tcb-trino-worker")["spec"]["template"]["spec"]
        ["containers"][0];
    assert_eq!(container["ports"][0]["containerPort"], 9090);
}

#[test]
fn values_files_merge_under_set() {
    let mut user = UserValues::new();
    user.add_file(
        "values.yaml",
        "server:\n  workers: 5\nresources:\n  limits:\n    memory: 4Gi\nadditionalConfigProperties:\n  - query.max-run-time=1h\n",
    )
    .expect("valid file");
    user.add_set("server.workers=4", false).expect("valid set");
    let rendered = render_with("0.3.0", &user);
    let worker = object(&rendered, "Deployment", "tcb-trino-worker");
    assert_eq!(worker["spec"]["replicas"], 4);
    assert_eq!(
        worker["spec"]["template"]["spec"]["containers"][0]["resources"],
        json!({"limits": {"memory": "4Gi"}})
    );
    let properties =
        object(&rendered, "ConfigMap", "tcb-trino-worker")["data"]["config.properties"]
            .as_str()
            .expect("text")
            .to_string();
    assert!(
        properties.contains("\nquery.max-run-time=1h\n"),
        "{properties}"
    );
    assert_eq!(rendered.values["server"]["jvm"]["maxHeapSize"], "8G");
}

#[test]
fn a_release_named_after_trino_keeps_its_name() {
    let target = ReleaseTarget {
        name: "my-trino".to_string(),
        namespace: "default".to_string(),
        revision: 1,
    };
    let rendered = trino_chart(Some("0.3.0"))
        .expect("chart")
        .render(&target, &UserValues::new())
        .expect("renders");
    assert!(rendered.find("Service", "my-trino").is_some());
    assert!(rendered.find("Deployment", "my-trino-worker").is_some());
}

#[test]
fn newest_chart_is_the_default_and_unknown_versions_fail() {
    assert_eq!(trino_chart(None).expect("newest").meta.version, "1.42.2");
    let err = trino_chart(Some("9.9.9")).expect_err("no such version");
    assert!(
        err.to_string()
            .starts_with("chart \"trino\" matching 9.9.9 not found in trino index"),
        "{err}"
    );
}
