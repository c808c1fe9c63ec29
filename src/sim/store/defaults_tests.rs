use super::*;
use crate::sim::kinds;

fn create(kind: &str, mut obj: Value) -> Value {
    let rk = kinds::by_kind(kind).expect("a served kind");
    apply_on_create(rk, &mut obj, &mut 0, &mut 0);
    obj
}

fn web_container() -> Value {
    json!({
        "name": "web",
        "image": "trinodb/trino:476",
        "ports": [{"name": "http", "containerPort": 8080}],
        "readinessProbe": {"httpGet": {"path": "/v1/info", "port": "http"}},
        "livenessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 5},
    })
}

#[test]
fn probes_get_timeouts_thresholds_and_scheme() {
    let pod = create(
        "Pod",
        json!({"metadata": {"name": "p"}, "spec": {"containers": [web_container()]}}),
    );
    let c = &pod["spec"]["containers"][0];
    assert_eq!(
        c["readinessProbe"],
        json!({
            "httpGet": {"path": "/v1/info", "port": "http", "scheme": "HTTP"},
            "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3,
        })
    );
    assert_eq!(
        c["livenessProbe"]["periodSeconds"], 5,
        "a given value stays"
    );
    assert_eq!(c["ports"][0]["protocol"], "TCP");
    assert_eq!(c["imagePullPolicy"], "IfNotPresent");
    assert_eq!(c["terminationMessagePath"], "/dev/termination-log");
    assert_eq!(c["terminationMessagePolicy"], "File");
    let spec = &pod["spec"];
    assert_eq!(spec["restartPolicy"], "Always");
    assert_eq!(spec["dnsPolicy"], "ClusterFirst");
    assert_eq!(spec["schedulerName"], "default-scheduler");
    assert_eq!(spec["terminationGracePeriodSeconds"], 30);
    assert_eq!(spec["enableServiceLinks"], true);
    assert_eq!(pod["status"]["phase"], "Pending");
}

#[test]
fn pull_policy_follows_the_tag() {
    assert_eq!(image_pull_policy("nginx"), "Always");
    assert_eq!(image_pull_policy("nginx:latest"), "Always");
    assert_eq!(image_pull_policy("nginx:1.27"), "IfNotPresent");
    assert_eq!(image_pull_policy("registry:5000/app"), "Always");
    assert_eq!(image_pull_policy("registry:5000/app:v2"), "IfNotPresent");
    assert_eq!(image_pull_policy("app@sha256:abc"), "IfNotPresent");
}

#[test]
fn deployment_gets_strategy_limits_and_a_defaulted_template() {
    let d = create(
        "Deployment",
        json!({"metadata": {"name": "d"}, "spec": {"template": {"spec": {"containers": [web_container()]}}}}),
    );
    let spec = &d["spec"];
    assert_eq!(
        spec["strategy"],
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}})
    );
    assert_eq!(spec["revisionHistoryLimit"], 10);
    assert_eq!(spec["progressDeadlineSeconds"], 600);
    assert_eq!(spec["replicas"], 1);
    let template = &spec["template"]["spec"];
    assert_eq!(template["restartPolicy"], "Always");
    assert_eq!(
        template["containers"][0]["readinessProbe"]["timeoutSeconds"],
        1
    );
    assert!(
        template.get("enableServiceLinks").is_none(),
        "defaulted on pods, not on templates"
    );
}

#[test]
fn a_given_surge_keeps_the_other_default() {
    let d = create(
        "Deployment",
        json!({"metadata": {"name": "d"}, "spec": {"strategy": {"rollingUpdate": {"maxSurge": 1}}}}),
    );
    assert_eq!(
        d["spec"]["strategy"],
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 1}})
    );
    let recreate = create(
        "Deployment",
        json!({"metadata": {"name": "d"}, "spec": {"strategy": {"type": "Recreate"}}}),
    );
    assert_eq!(recreate["spec"]["strategy"], json!({"type": "Recreate"}));
}

#[test]
fn updates_are_defaulted_too() {
    let rk = kinds::by_kind("Deployment").expect("served");
    let existing = create("Deployment", json!({"metadata": {"name": "d"}, "spec": {}}));
    let mut replaced = json!({"metadata": {"name": "d"}, "spec": {"template": {"spec": {"containers": [web_container()]}}}});
    apply_on_update(rk, &mut replaced, &existing);
    assert_eq!(replaced["spec"]["revisionHistoryLimit"], 10);
    assert_eq!(
        replaced["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["scheme"],
        "HTTP"
    );
}

#[test]
fn services_get_affinity_families_and_traffic_policy() {
    let svc = create(
        "Service",
        json!({"metadata": {"name": "s"}, "spec": {"ports": [{"port": 8080}]}}),
    );
    let spec = &svc["spec"];
    assert_eq!(spec["sessionAffinity"], "None");
    assert_eq!(spec["ipFamilies"], json!(["IPv4"]));
    assert_eq!(spec["internalTrafficPolicy"], "Cluster");
    assert_eq!(
        spec["ports"][0],
        json!({"port": 8080, "protocol": "TCP", "targetPort": 8080})
    );
    assert_eq!(spec["clusterIP"], "10.100.0.2");
}

#[test]
fn volumes_get_a_mode_and_limits_become_requests() {
    let pod = create(
        "Pod",
        json!({"metadata": {"name": "p"}, "spec": {
            "volumes": [{"name": "cfg", "configMap": {"name": "c"}}],
            "containers": [{"name": "c", "image": "x:1", "resources": {"limits": {"cpu": "1"}, "requests": {"memory": "1Gi"}}}],
        }}),
    );
    assert_eq!(pod["spec"]["volumes"][0]["configMap"]["defaultMode"], 420);
    assert_eq!(
        pod["spec"]["containers"][0]["resources"]["requests"],
        json!({"cpu": "1", "memory": "1Gi"})
    );
}

#[test]
fn absent_lists_stay_absent() {
    let pod = create(
        "Pod",
        json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "x:1"}]}}),
    );
    for field in ["initContainers", "volumes"] {
        assert!(pod["spec"].get(field).is_none(), "{field}: {pod}");
    }
    for field in ["env", "ports", "livenessProbe"] {
        assert!(
            pod["spec"]["containers"][0].get(field).is_none(),
            "{field}: {pod}"
        );
    }
}
