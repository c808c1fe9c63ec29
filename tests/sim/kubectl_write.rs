//! The machine's real kubectl writing to the simulated API server: create,
//! apply (client- and server-side), replace, edit, scale and delete, checked
//! both by their printed output (a snapshot) and by what the store then holds.

use crate::support::apiserver::*;
use crate::support::snapshot::assert_filtered;
use serde_json::json;

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
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
        ports:
        - containerPort: 80
        env:
        - name: MODE
          value: blue
";

fn config(data: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n    tier: web\ndata:\n  mode: {data}\n"
    )
}

struct Transcript<'a> {
    sim: &'a Sim,
    text: String,
}

impl<'a> Transcript<'a> {
    async fn run(&mut self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let out = self.sim.kubectl_env(args, env).await;
        self.text
            .push_str(&format!("$ kubectl {}\n{}", args.join(" "), out.stdout));
        if !out.stderr.is_empty() {
            self.text.push_str(&format!("[stderr] {}", out.stderr));
        }
        if out.status != 0 {
            self.text.push_str(&format!("[exit {}]\n", out.status));
        }
        out
    }

    async fn ok(&mut self, args: &[&str]) -> String {
        let out = self.run(args, &[]).await;
        assert_eq!(out.status, 0, "kubectl {args:?}: {}", out.stderr);
        out.stdout
    }

    fn finish(self, name: &str) {
        let dir = self.sim.dir.path().display().to_string();
        let mut masks = vec![(regex::escape(&dir), "DIR".to_string())];
        masks.extend(filters(self.sim));
        assert_filtered(name, &self.text, &masks);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_apply_replace() {
    let sim = Sim::start().await;
    let mut t = Transcript {
        sim: &sim,
        text: String::new(),
    };
    let deploy = sim.write("deploy.yaml", DEPLOYMENT);
    let deploy = deploy.to_str().expect("utf-8 path");
    t.ok(&["create", "-f", deploy]).await;
    let created = sim
        .store
        .get("Deployment", Some("default"), "web")
        .expect("created");
    assert_eq!(created["spec"]["replicas"], 2);
    let again = t.run(&["create", "-f", deploy], &[]).await;
    assert_ne!(again.status, 0);
    assert!(
        again.stderr.contains("Error from server (AlreadyExists)"),
        "{}",
        again.stderr
    );

    let cm = sim.write("cm.yaml", &config("blue"));
    let cm = cm.to_str().expect("utf-8 path");
    t.ok(&["apply", "-f", cm]).await;
    let applied = sim
        .store
        .get("ConfigMap", Some("default"), "settings")
        .expect("applied");
    assert!(
        applied["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
            .is_string()
    );
    sim.write("cm.yaml", &config("green"));
    t.ok(&["apply", "-f", cm]).await;
    assert_eq!(
        sim.store
            .get("ConfigMap", Some("default"), "settings")
            .expect("cm")["data"]["mode"],
        "green"
    );
    t.ok(&["apply", "-f", cm]).await;

    // Server-side apply creates, then updates.
    let ssa = sim.write(
        "ssa.yaml",
        &config("red").replace("settings", "ssa-settings"),
    );
    t.ok(&[
        "apply",
        "--server-side",
        "-f",
        ssa.to_str().expect("utf-8 path"),
    ])
    .await;
    sim.write(
        "ssa.yaml",
        &config("yellow").replace("settings", "ssa-settings"),
    );
    t.ok(&[
        "apply",
        "--server-side",
        "-f",
        ssa.to_str().expect("utf-8 path"),
    ])
    .await;
    assert_eq!(
        sim.store
            .get("ConfigMap", Some("default"), "ssa-settings")
            .expect("ssa")["data"]["mode"],
        "yellow"
    );

    // apply on the deployment: a strategic merge patch that changes the env list.
    sim.write(
        "deploy.yaml",
        &DEPLOYMENT
            .replace("blue", "green")
            .replace("replicas: 2", "replicas: 4"),
    );
    t.ok(&["apply", "-f", deploy]).await;
    let d = sim
        .store
        .get("Deployment", Some("default"), "web")
        .expect("deployment");
    assert_eq!(d["spec"]["replicas"], 4);
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["env"],
        json!([{"name": "MODE", "value": "green"}])
    );
    assert_eq!(d["metadata"]["generation"], 2);

    let replacement = sim.write("replace.yaml", &config("purple"));
    t.ok(&["replace", "-f", replacement.to_str().expect("utf-8 path")])
        .await;
    assert_eq!(
        sim.store
            .get("ConfigMap", Some("default"), "settings")
            .expect("cm")["data"]["mode"],
        "purple"
    );
    t.ok(&[
        "get",
        "configmap",
        "settings",
        "-o",
        "jsonpath={.data.mode}",
    ])
    .await;
    t.finish("write_create_apply_replace");
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_with_stale_version_conflicts() {
    let sim = Sim::start().await;
    seed(
        &sim.store,
        "ConfigMap",
        configmap("settings", &[("mode", "blue")]),
    );
    let stale = sim
        .kubectl_ok(&["get", "cm", "settings", "-o", "yaml"])
        .await;
    let mut current = sim
        .store
        .get("ConfigMap", Some("default"), "settings")
        .expect("cm");
    current["data"]["mode"] = json!("changed");
    sim.store
        .update("ConfigMap", current)
        .expect("concurrent update");
    let path = sim.write("stale.yaml", &stale.replace("blue", "green"));
    let out = sim
        .kubectl(&["replace", "-f", path.to_str().expect("utf-8 path")])
        .await;
    assert_ne!(out.status, 0);
    assert!(
        out.stderr.contains("Error from server (Conflict)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("the object has been modified"),
        "{}",
        out.stderr
    );
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_scale_delete() {
    let sim = Sim::start().await;
    let mut t = Transcript {
        sim: &sim,
        text: String::new(),
    };
    seed(&sim.store, "Deployment", deployment("web", 2));
    seed(&sim.store, "Deployment", deployment("api", 1));
    for (name, tier) in [("a", "web"), ("b", "web"), ("c", "db")] {
        let mut cm = configmap(name, &[("k", "v")]);
        cm["metadata"]["labels"] = json!({"tier": tier});
        seed(&sim.store, "ConfigMap", cm);
    }

    // The editor rewrites the image and the replica count in place.
    let editor = sim.write(
        "editor.sh",
        "#!/bin/sh\nsed -i -e 's/nginx:1.27/nginx:1.28/' -e 's/replicas: 2/replicas: 5/' \"$1\"\n",
    );
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let editor = editor.to_str().expect("utf-8 path");
    let out = t
        .run(
            &["edit", "deployment", "web"],
            &[("KUBE_EDITOR", editor), ("EDITOR", editor)],
        )
        .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let d = sim
        .store
        .get("Deployment", Some("default"), "web")
        .expect("web");
    assert_eq!(d["spec"]["replicas"], 5);
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.28"
    );

    t.ok(&["scale", "deployment", "web", "--replicas=3"]).await;
    assert_eq!(
        sim.store
            .get("Deployment", Some("default"), "web")
            .expect("web")["spec"]["replicas"],
        3
    );
    t.ok(&["scale", "deploy/api", "--replicas=0"]).await;
    assert_eq!(
        sim.store
            .get("Deployment", Some("default"), "api")
            .expect("api")["spec"]["replicas"],
        0
    );

    t.ok(&["delete", "configmap", "c"]).await;
    assert!(sim.store.get("ConfigMap", Some("default"), "c").is_none());
    let missing = t.run(&["delete", "configmap", "c"], &[]).await;
    assert!(
        missing.stderr.contains("Error from server (NotFound)"),
        "{}",
        missing.stderr
    );
    t.ok(&["delete", "configmap", "-l", "tier=web"]).await;
    assert!(sim.store.list("ConfigMap", Some("default")).0.is_empty());
    t.ok(&["delete", "deployments", "--all"]).await;
    assert!(sim.store.list("Deployment", Some("default")).0.is_empty());
    t.ok(&["get", "deployments"]).await;
    t.finish("write_edit_scale_delete");
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs() {
    let sim = Sim::start().await;
    seed(&sim.store, "Pod", pod("web-1", "web", "n1", "10.1.0.1"));
    for i in 1..=3 {
        sim.store
            .append_log("default", "web-1", "web", format!("request {i} served"));
    }
    let mut t = Transcript {
        sim: &sim,
        text: String::new(),
    };
    assert_eq!(
        t.ok(&["logs", "web-1"]).await,
        "request 1 served\nrequest 2 served\nrequest 3 served\n"
    );
    assert_eq!(
        t.ok(&["logs", "web-1", "--tail=1"]).await,
        "request 3 served\n"
    );
    assert_eq!(
        t.ok(&["logs", "pod/web-1", "-c", "web", "--tail=2"]).await,
        "request 2 served\nrequest 3 served\n"
    );
    let missing = t.run(&["logs", "nope"], &[]).await;
    assert!(
        missing
            .stderr
            .contains("error from server (NotFound): pods \"nope\" not found"),
        "{}",
        missing.stderr
    );
    t.finish("write_logs");
    sim.stop().await;
}

/// kubectl's typed commands send protobuf bodies; the server decodes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imperative_create_commands() {
    let sim = Sim::start().await;
    let mut t = Transcript {
        sim: &sim,
        text: String::new(),
    };
    t.ok(&["create", "namespace", "trino"]).await;
    assert!(sim.store.get("Namespace", None, "trino").is_some());
    t.ok(&[
        "create",
        "deployment",
        "web",
        "--image=nginx:1.27",
        "--replicas=2",
        "--port=8080",
    ])
    .await;
    let d = sim
        .store
        .get("Deployment", Some("default"), "web")
        .expect("deployment");
    assert_eq!(d["spec"]["replicas"], 2);
    assert_eq!(
        d["spec"]["selector"],
        json!({"matchLabels": {"app": "web"}})
    );
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.27"
    );
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"],
        8080
    );
    assert_eq!(d["spec"]["strategy"]["type"], "RollingUpdate");
    assert!(
        d["spec"]["template"]["metadata"].get("name").is_none(),
        "empty protobuf strings are dropped"
    );
    t.ok(&[
        "expose",
        "deployment",
        "web",
        "--port=80",
        "--target-port=8080",
        "--type=NodePort",
    ])
    .await;
    let svc = sim
        .store
        .get("Service", Some("default"), "web")
        .expect("service");
    assert_eq!(svc["spec"]["ports"][0]["targetPort"], 8080);
    t.ok(&["create", "configmap", "cfg", "--from-literal=a=b"])
        .await;
    assert_eq!(
        sim.store
            .get("ConfigMap", Some("default"), "cfg")
            .expect("cm")["data"],
        json!({"a": "b"})
    );
    t.ok(&[
        "create",
        "secret",
        "generic",
        "creds",
        "--from-literal=user=admin",
    ])
    .await;
    assert_eq!(
        sim.store
            .get("Secret", Some("default"), "creds")
            .expect("secret")["data"],
        json!({"user": "YWRtaW4="})
    );
    t.ok(&["create", "service", "clusterip", "api", "--tcp=5678:8080"])
        .await;
    let api = sim
        .store
        .get("Service", Some("default"), "api")
        .expect("service");
    assert_eq!(api["spec"]["ports"][0]["port"], 5678);
    t.ok(&["label", "deployment", "web", "tier=front"]).await;
    t.ok(&["annotate", "deployment", "web", "note=hi"]).await;
    let d = sim
        .store
        .get("Deployment", Some("default"), "web")
        .expect("deployment");
    assert_eq!(d["metadata"]["labels"]["tier"], "front");
    assert_eq!(d["metadata"]["annotations"]["note"], "hi");
    t.ok(&["get", "svc"]).await;
    t.ok(&["delete", "namespace", "trino"]).await;
    assert!(sim.store.get("Namespace", None, "trino").is_none());
    t.finish("write_imperative");
    sim.stop().await;
}
