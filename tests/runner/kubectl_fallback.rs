//! The dry-run backend's built-in kubectl fallback: with no kubectl on the
//! step's PATH, `kubectl ...` steps are answered by trinetes against the
//! simulated cluster; their output matches the real kubectl's layout, and
//! every kubectl step of the built-in lessons is one the fallback accepts
//! (and the lessons pass headless with no kubectl on PATH).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::Api;
use kube::api::{ListParams, LogParams};
use tempfile::TempDir;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use trinetes::backend::dryrun::DryRunBackend;
use trinetes::backend::kubectl_fallback;
use trinetes::backend::{Backend, StepEvent};
use trinetes::lesson::{Profile, builtin};
use trinetes::sim::eksctl::Pace;
use trinetes::sim::world::{World, WorldOptions};

struct Fixture {
    dir: TempDir,
    backend: DryRunBackend,
}

impl Fixture {
    /// A world whose steps run with `path` as their PATH. Its clock runs at
    /// real speed so that ages (and so column widths) stay put between two
    /// commands.
    async fn start(path: Option<&Path>) -> Fixture {
        Fixture::start_at(path, 1.0).await
    }

    async fn start_at(path: Option<&Path>, speed: f64) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let opts = WorldOptions {
            speed,
            ..WorldOptions::new(dir.path().join("world"), Pace::Fast)
        };
        let world = Arc::new(World::start(opts).await.expect("world starts"));
        let empty = dir.path().join("empty-bin");
        std::fs::create_dir_all(&empty).expect("empty bin dir");
        let path = path.map(Path::to_path_buf).unwrap_or(empty);
        Fixture {
            backend: DryRunBackend::with_path(world, path.into_os_string()),
            dir,
        }
    }

    fn client(&self) -> kube::Client {
        let url = self
            .backend
            .world()
            .current_cluster_url()
            .expect("a current cluster");
        trinetes::check::client_for_url(&url).expect("client")
    }

    /// Run a step command through the backend: exit code and output lines.
    async fn run(&self, command: &str) -> (Option<i32>, Vec<String>) {
        let (tx, mut rx) = mpsc::channel(4096);
        let cancel = CancellationToken::new();
        let exit = tokio::time::timeout(
            Duration::from_secs(60),
            self.backend.run_command(command, &tx, &cancel),
        )
        .await
        .unwrap_or_else(|_| panic!("`{command}` did not finish within 60 s"))
        .unwrap_or_else(|e| panic!("`{command}` failed to run: {e}"));
        drop(tx);
        let mut lines = Vec::new();
        while let Some(event) = rx.recv().await {
            if let StepEvent::Output(line) = event {
                lines.push(line);
            }
        }
        (exit.code, lines)
    }

    /// A fallback command that must succeed: its lines after the notice.
    async fn ok(&self, command: &str) -> Vec<String> {
        let (code, lines) = self.run(command).await;
        assert_eq!(code, Some(0), "`{command}`:\n{}", lines.join("\n"));
        assert_eq!(
            lines.first(),
            Some(&kubectl_fallback::notice()),
            "`{command}` starts with the notice"
        );
        lines[1..].to_vec()
    }

    /// A fallback command that must fail with exit code 1: its lines after the notice.
    async fn fails(&self, command: &str) -> Vec<String> {
        let (code, lines) = self.run(command).await;
        assert_eq!(code, Some(1), "`{command}`:\n{}", lines.join("\n"));
        assert_eq!(lines.first(), Some(&kubectl_fallback::notice()));
        lines[1..].to_vec()
    }

    /// The machine's real kubectl against the same world: its stdout lines.
    async fn real_kubectl(&self, args: &[&str]) -> Vec<String> {
        let mut cmd = tokio::process::Command::new("kubectl");
        cmd.args(args)
            .env("KUBECONFIG", self.backend.world().kubeconfig_path())
            .env("KUBECACHEDIR", self.dir.path().join("kube-cache"))
            .env("HOME", self.dir.path())
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        let out = tokio::time::timeout(Duration::from_secs(60), cmd.output())
            .await
            .unwrap_or_else(|_| panic!("kubectl {args:?} did not finish within 60 s"))
            .unwrap_or_else(|e| {
                panic!("kubectl could not be run ({e}): install kubectl 1.32 for this test")
            });
        assert!(
            out.status.success(),
            "kubectl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Wait (bounded) until the deployment reports `want` ready replicas.
    async fn wait_ready(&self, name: &str, want: i32) {
        let api: Api<Deployment> = Api::default_namespaced(self.client());
        let mut last = None;
        for _ in 0..300 {
            let d = api.get(name).await.expect("deployment exists");
            last = d.status.as_ref().and_then(|s| s.ready_replicas);
            if last == Some(want) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("deployment {name} did not get {want} ready replicas (last: {last:?})");
    }
}

fn first_column(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.split_whitespace().next().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_kubectl_the_lesson_commands_run_on_the_fallback() {
    let fx = Fixture::start(None).await;
    assert_eq!(fx.backend.kubectl_path(), None);

    let out = fx
        .ok("kubectl create deployment hello --image=nginx --replicas=3")
        .await;
    assert_eq!(out, ["deployment.apps/hello created"]);
    let deployments: Api<Deployment> = Api::default_namespaced(fx.client());
    let created = deployments.get("hello").await.expect("created for real");
    let template = created.spec.template.clone();
    let container = &template.spec.expect("pod spec").containers[0];
    assert_eq!(
        (container.name.as_str(), container.image.as_deref()),
        ("nginx", Some("nginx"))
    );
    fx.wait_ready("hello", 3).await;

    let out = fx.ok("kubectl get deployments").await;
    assert_eq!(out[0], "NAME    READY   UP-TO-DATE   AVAILABLE   AGE");
    assert!(
        out[1].starts_with("hello   3/3     3            3           "),
        "{out:#?}"
    );
    assert_eq!(out.len(), 2);

    let out = fx.ok("kubectl get pods -l app=hello").await;
    assert_eq!(
        out[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    );
    assert_eq!(out.len(), 4, "{out:#?}");
    assert!(
        out[1..]
            .iter()
            .all(|l| l.starts_with("hello-") && l.contains("Running")),
        "{out:#?}"
    );
    let pod_name = first_column(&out)[1].clone();

    let out = fx.ok("kubectl get pods -o wide --show-labels").await;
    for column in ["IP", "NODE", "NOMINATED NODE", "READINESS GATES", "LABELS"] {
        assert!(out[0].contains(column), "{column} in {}", out[0]);
    }
    assert!(out[1].contains("app=hello,pod-template-hash="), "{out:#?}");

    let out = fx.ok("kubectl get nodes").await;
    assert_eq!(out.len(), 3, "two practice nodes: {out:#?}");
    assert!(out[1..].iter().all(|l| l.contains(" Ready ")), "{out:#?}");

    let out = fx.ok("kubectl get po -A").await;
    assert_eq!(
        out[0].split_whitespace().take(2).collect::<Vec<_>>(),
        ["NAMESPACE", "NAME"]
    );
    assert!(
        out.iter().any(|l| l.starts_with("kube-system ")),
        "{out:#?}"
    );

    let out = fx.ok("kubectl get deploy hello -o name").await;
    assert_eq!(out, ["deployment.apps/hello"]);
    let out = fx.ok("kubectl get deploy hello -o json").await;
    let json: serde_json::Value = serde_json::from_str(&out.join("\n")).expect("json");
    assert_eq!(json["kind"], "Deployment");
    assert_eq!(json["spec"]["replicas"], 3);

    let out = fx.ok("kubectl describe deployment hello").await;
    let text = out.join("\n");
    for want in [
        "Name:                   hello",
        "Namespace:              default",
        "Selector:               app=hello",
        "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable",
        "StrategyType:           RollingUpdate",
        "    Image:",
        "NewReplicaSet:   hello-",
    ] {
        assert!(text.contains(want), "{want:?} in\n{text}");
    }

    let out = fx.ok(&format!("kubectl describe po {pod_name}")).await;
    let text = out.join("\n");
    for want in [
        format!("Name:         {pod_name}"),
        "Status:       Running".to_string(),
        "Controlled By:  ReplicaSet/hello-".to_string(),
        "  nginx:".to_string(),
        "    Ready:          True".to_string(),
        "Events:".to_string(),
        "Scheduled".to_string(),
    ] {
        assert!(text.contains(&want), "{want:?} in\n{text}");
    }

    let out = fx.ok("kubectl scale deployment hello --replicas=5").await;
    assert_eq!(out, ["deployment.apps/hello scaled"]);
    let scaled = deployments.get("hello").await.expect("still there");
    assert_eq!(scaled.spec.replicas, Some(5));
    fx.wait_ready("hello", 5).await;

    let out = fx.ok("kubectl logs deploy/hello --tail=3").await;
    let (picked, logs) = match out.first() {
        Some(l) if l.starts_with("Found 5 pods, using pod/") => (
            l.trim_start_matches("Found 5 pods, using pod/").to_string(),
            &out[1..],
        ),
        _ => panic!("kubectl logs deploy/ says which pod it picked: {out:#?}"),
    };
    let pods: Api<Pod> = Api::default_namespaced(fx.client());
    let direct = pods
        .logs(
            &picked,
            &LogParams {
                tail_lines: Some(3),
                ..LogParams::default()
            },
        )
        .await
        .expect("logs through kube-rs");
    assert!(!logs.is_empty(), "nginx pods log their start-up");
    assert_eq!(logs.join("\n"), direct.trim_end());

    let out = fx
        .ok("kubectl expose deployment hello --type=NodePort --port=80")
        .await;
    assert_eq!(out, ["service/hello exposed"]);
    let services: Api<Service> = Api::default_namespaced(fx.client());
    let svc = services.get("hello").await.expect("service created");
    let spec = svc.spec.expect("spec");
    assert_eq!(spec.type_.as_deref(), Some("NodePort"));
    assert_eq!(spec.ports.expect("ports")[0].port, 80);
    assert_eq!(
        spec.selector
            .expect("selector")
            .get("app")
            .map(String::as_str),
        Some("hello")
    );

    let out = fx.ok("kubectl delete service hello").await;
    assert_eq!(out, ["service \"hello\" deleted"]);
    let out = fx.ok("kubectl delete deployment hello").await;
    assert_eq!(out, ["deployment.apps \"hello\" deleted"]);
    assert!(deployments.get_opt("hello").await.expect("get").is_none());

    let out = fx.fails("kubectl delete deployment hello").await;
    assert_eq!(
        out,
        ["Error from server (NotFound): deployments.apps \"hello\" not found"]
    );

    // The ReplicaSet's pods go with it; then nothing is left to list.
    let mut left = usize::MAX;
    for _ in 0..300 {
        left = pods
            .list(&ListParams::default().labels("app=hello"))
            .await
            .expect("list")
            .items
            .len();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(left, 0, "the deleted deployment's pods are gone");
    let out = fx.ok("kubectl get deployments").await;
    assert_eq!(out, ["No resources found in default namespace."]);
    let out = fx.ok("kubectl delete pods -l app=hello --wait=false").await;
    assert_eq!(out, ["No resources found"]);

    Arc::into_inner(fx.backend.into_world())
        .expect("one owner")
        .shutdown()
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_show_the_episode_charts_crash_loop() {
    // A fast clock, so that the crash-looping container restarts soon.
    let fx = Fixture::start_at(None, 10.0).await;
    let (code, lines) = fx
        .run("helm repo add trino https://trinodb.github.io/charts")
        .await;
    assert_eq!(code, Some(0), "{lines:#?}");
    let (code, lines) = fx
        .run("helm install tcb trino/trino --version 0.3.0 --set image.tag=latest")
        .await;
    assert_eq!(code, Some(0), "{lines:#?}");
    let pods: Api<Pod> = Api::default_namespaced(fx.client());
    let coordinator = ListParams::default().labels("app=trino,release=tcb,component=coordinator");
    let mut restarts = 0;
    for _ in 0..300 {
        let list = pods.list(&coordinator).await.expect("list");
        restarts = list
            .items
            .iter()
            .flat_map(|p| {
                p.status
                    .iter()
                    .flat_map(|s| s.container_statuses.iter().flatten())
            })
            .map(|c| c.restart_count)
            .max()
            .unwrap_or(0);
        if restarts >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        restarts >= 1,
        "the 0.3.0 chart's coordinator never restarted"
    );

    let out = fx
        .ok("kubectl get pods -l app=trino,release=tcb,component=coordinator")
        .await;
    assert_eq!(out.len(), 2, "{out:#?}");
    assert!(out[1].starts_with("tcb-trino-coordinator-"), "{out:#?}");

    // Every run of the container logs the same JVM failure.
    let previous = fx
        .ok("kubectl logs deploy/tcb-trino-coordinator --previous")
        .await;
    assert!(
        previous.contains(&"Unrecognized VM option 'UseBiasedLocking'".to_string()),
        "{previous:#?}"
    );
    let tail = fx
        .ok("kubectl logs deploy/tcb-trino-coordinator --previous --tail 3")
        .await;
    assert_eq!(tail.len(), 3, "{tail:#?}");
    assert!(
        tail.iter().all(|l| previous.contains(l)),
        "{tail:#?} in {previous:#?}"
    );

    let out = fx.ok("kubectl logs deploy/tcb-trino-coordinator").await;
    assert!(
        out.iter().any(|l| l.contains("UseBiasedLocking")),
        "{out:#?}"
    );

    Arc::into_inner(fx.backend.into_world())
        .expect("one owner")
        .shutdown()
        .await;
}

#[tokio::test]
async fn errors_read_like_kubectls_and_exit_1() {
    let fx = Fixture::start(None).await;
    let out = fx.fails("kubectl get pods nosuch").await;
    assert_eq!(
        out,
        ["Error from server (NotFound): pods \"nosuch\" not found"]
    );

    let out = fx.fails("kubectl describe deployment nosuch").await;
    assert_eq!(
        out,
        ["Error from server (NotFound): deployments.apps \"nosuch\" not found"]
    );

    let out = fx.fails("kubectl get widgets").await;
    assert_eq!(
        out,
        ["error: the server doesn't have a resource type \"widgets\""]
    );

    let out = fx.fails("kubectl apply -f app.yaml").await;
    assert_eq!(out.len(), 1);
    assert!(
        out[0].contains("`kubectl apply` is not covered")
            && out[0].contains(kubectl_fallback::COVERED)
            && out[0].contains("install kubectl"),
        "{}",
        out[0]
    );

    let out = fx.fails("kubectl get pods --watch").await;
    assert!(
        out[0].contains("--watch") && out[0].contains("install kubectl"),
        "{}",
        out[0]
    );

    let out = fx.fails("kubectl describe service kubernetes").await;
    assert!(
        out[0].contains("describes deployments and pods"),
        "{}",
        out[0]
    );

    // Every fallback run says what it is first.
    let (_, lines) = fx.run("kubectl version").await;
    assert!(lines[0].contains("kubectl is not installed") && lines[0].contains("built-in"));
    assert!(
        lines.iter().any(|l| l.starts_with("Server Version: v1.")),
        "{lines:#?}"
    );

    Arc::into_inner(fx.backend.into_world())
        .expect("one owner")
        .shutdown()
        .await;
}

#[tokio::test]
async fn scripts_and_an_installed_kubectl_go_to_the_shell() {
    use std::os::unix::fs::PermissionsExt;
    let bin = tempfile::tempdir().expect("temp dir");
    let fake = bin.path().join("kubectl");
    std::fs::write(&fake, "#!/bin/sh\necho \"installed kubectl: $*\"\n").expect("write");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = std::env::join_paths([bin.path(), Path::new("/usr/bin"), Path::new("/bin")])
        .expect("joins");
    let fx = Fixture::start(Some(Path::new(&path))).await;
    assert_eq!(fx.backend.kubectl_path(), Some(fake));
    let (code, lines) = fx.run("kubectl get nodes").await;
    assert_eq!(
        (code, lines),
        (Some(0), vec!["installed kubectl: get nodes".to_string()])
    );
    Arc::into_inner(fx.backend.into_world())
        .expect("one owner")
        .shutdown()
        .await;

    // Without kubectl, a script is still the shell's: `sh` reports the missing tool.
    let shell_only = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink("/bin/sh", shell_only.path().join("sh")).expect("symlink sh");
    let fx = Fixture::start(Some(shell_only.path())).await;
    assert_eq!(fx.backend.kubectl_path(), None);
    let (code, lines) = fx.run("kubectl get nodes; echo done").await;
    assert_eq!(code, Some(0), "{lines:#?}");
    assert!(!lines.contains(&kubectl_fallback::notice()), "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("kubectl") && l.contains("not found")),
        "{lines:#?}"
    );
    assert_eq!(lines.last().map(String::as_str), Some("done"));
    Arc::into_inner(fx.backend.into_world())
        .expect("one owner")
        .shutdown()
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_match_the_real_kubectls_header_and_names() {
    let fx = Fixture::start(None).await;
    fx.ok("kubectl create deployment web --image=nginx --replicas=2")
        .await;
    fx.wait_ready("web", 2).await;
    for args in [
        vec!["get", "nodes"],
        vec!["get", "deployments"],
        vec!["get", "pods", "-o", "wide"],
    ] {
        let command = format!("kubectl {}", args.join(" "));
        let ours = fx.ok(&command).await;
        let real = fx.real_kubectl(&args).await;
        assert_eq!(ours[0], real[0], "header row of `{command}`");
        assert_eq!(
            first_column(&ours),
            first_column(&real),
            "first column of `{command}`"
        );
    }
    // describe, up to the events (whose ages tick between the two calls).
    let pod = fx.real_kubectl(&["get", "pods", "-o", "name"]).await[0]
        .trim_start_matches("pod/")
        .to_string();
    for args in [
        vec!["describe", "deployment", "web"],
        vec!["describe", "pod", &pod],
    ] {
        let command = format!("kubectl {}", args.join(" "));
        let before_events = |lines: Vec<String>| -> Vec<String> {
            lines
                .into_iter()
                .take_while(|l| !l.starts_with("Events:"))
                .collect()
        };
        let ours = before_events(fx.ok(&command).await);
        let real = before_events(fx.real_kubectl(&args).await);
        assert!(ours.len() > 10, "{ours:#?}");
        assert_eq!(ours, real, "`{command}`");
    }
    Arc::into_inner(fx.backend.into_world())
        .expect("one owner")
        .shutdown()
        .await;
}

/// Every line of a step command that is a kubectl call, continuations joined.
fn kubectl_lines(command: &str) -> Vec<String> {
    command
        .replace("\\\n", " ")
        .lines()
        .map(str::trim)
        // trinetes carries out port-forward and config itself.
        .filter(|l| {
            l.starts_with("kubectl ")
                && !l.starts_with("kubectl port-forward")
                && !l.starts_with("kubectl config ")
        })
        .map(str::to_string)
        .collect()
}

/// kubectl verbs that a built-in lesson uses and the fallback does not cover
/// yet, with the lesson: the labels lesson starts bare pods (`run`) and
/// relabels one (`label`). Without kubectl those steps fail and say to
/// install it (so do the steps that write a manifest and pass it to
/// kubectl, which are shell scripts). Each entry must still be refused by
/// the fallback and still be used by its lesson, so the list cannot go stale.
const NOT_COVERED_YET: [(&str, &str); 3] = [
    ("labels-selectors", "run"),
    ("labels-selectors", "label"),
    ("configmaps", "patch"),
];

#[test]
fn every_kubectl_step_of_the_builtin_lessons_is_covered() {
    let mut seen = std::collections::BTreeSet::new();
    let mut uncovered_seen = std::collections::BTreeSet::new();
    for profile_name in ["current", "episode-2021"] {
        let profile = Profile::builtin(profile_name).expect("built-in profile");
        for lesson in builtin() {
            let lesson = lesson.expanded(&profile);
            for step in &lesson.steps {
                // Episode commands are only shown, never run.
                for line in kubectl_lines(&step.command) {
                    let words = shell_words::split(&line)
                        .unwrap_or_else(|e| panic!("{}: {line}: {e}", step.id));
                    let verb = words.get(1).map(String::as_str).unwrap_or_default();
                    let id = lesson.front.id.as_str();
                    if NOT_COVERED_YET.contains(&(id, verb)) {
                        assert!(
                            kubectl_fallback::parse(&words).is_err(),
                            "the fallback covers `kubectl {verb}` now: take ({id}, {verb}) out of NOT_COVERED_YET"
                        );
                        uncovered_seen.insert((id.to_string(), verb.to_string()));
                        continue;
                    }
                    if let Err(e) = kubectl_fallback::parse(&words) {
                        panic!(
                            "lesson {} step {} ({profile_name}): `{line}` is not covered by the fallback: {e}",
                            lesson.front.id, step.id
                        );
                    }
                    seen.insert(line);
                }
            }
        }
    }
    for (id, verb) in NOT_COVERED_YET {
        assert!(
            uncovered_seen.contains(&(id.to_string(), verb.to_string())),
            "lesson {id} no longer uses `kubectl {verb}`: take it out of NOT_COVERED_YET"
        );
    }
    // The lessons teach get, create, scale, delete and expose at least.
    for verb in ["get", "create", "scale", "delete", "expose"] {
        assert!(
            seen.iter()
                .any(|l| l.starts_with(&format!("kubectl {verb} "))),
            "no `kubectl {verb}` step found in {seen:#?}"
        );
    }
}

#[test]
fn the_lessons_run_headless_with_no_kubectl_installed() {
    let state = tempfile::tempdir().expect("temp dir");
    // A PATH with a shell and nothing else: no kubectl anywhere.
    let bin = state.path().join("bin");
    std::fs::create_dir_all(&bin).expect("bin dir");
    std::os::unix::fs::symlink("/bin/sh", bin.join("sh")).expect("symlink sh");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args([
            "run",
            "--lesson",
            "deployments",
            "--lesson",
            "networking",
            "--lesson",
            "eks",
            "--lesson",
            "helm-trino",
            "--until",
            "get-deployments",
            "--pace",
            "fast",
        ])
        .env("PATH", &bin)
        .env("XDG_STATE_HOME", state.path())
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .output()
        .expect("trinetes runs");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{all}");
    assert!(all.contains(", 0 failed"), "{all}");
    // `kubectl config` is answered without the fallback, and says nothing.
    let kubectl_steps = all
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("$ kubectl ") && !l.starts_with("$ kubectl config "))
        .count();
    let notices = all.matches("kubectl is not installed").count();
    assert!(kubectl_steps >= 10, "{all}");
    assert_eq!(
        notices, kubectl_steps,
        "every kubectl step ran on the fallback:\n{all}"
    );
    assert!(all.contains("deployment.apps/web image updated"), "{all}");
    assert!(all.contains("successfully rolled out"), "{all}");
    assert!(all.contains("deployment.apps/web rolled back"), "{all}");
    assert!(all.contains("service/shop exposed"), "{all}");
    assert!(all.contains("service/shop-nodeport exposed"), "{all}");
}

/// `-o yaml` prints what kubectl prints, in kubectl's block style: the same
/// lines (indentation, `- ` items, `|` for multi-line text), up to the order
/// of keys within a mapping, which kubectl sorts, and up to quoting: kubectl
/// (go-yaml) double-quotes timestamps and YAML 1.1 booleans such as `yes`,
/// the fallback (libyaml) single-quotes only what YAML 1.2 needs. Both read
/// back as the same values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yaml_output_has_kubectls_block_style() {
    use k8s_openapi::api::core::v1::ConfigMap;
    let fx = Fixture::start(None).await;
    fx.ok("kubectl create deployment web --image=nginx --replicas=1")
        .await;
    let config: ConfigMap = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "coordinator", "labels": {"app": "trino"}},
        "data": {
            "config.properties": "coordinator=true\nhttp-server.http.port=8080\n",
            "log.properties": "io.trino=INFO",
            "yes": "true"
        }
    }))
    .expect("a config map");
    Api::<ConfigMap>::default_namespaced(fx.client())
        .create(&Default::default(), &config)
        .await
        .expect("config map created");
    for args in [
        vec!["get", "configmap", "coordinator", "-o", "yaml"],
        vec!["get", "deployment", "web", "-o", "yaml"],
    ] {
        let command = format!("kubectl {}", args.join(" "));
        let mut ours = fx.ok(&command).await;
        let mut real = fx.real_kubectl(&args).await;
        let parsed = |lines: &[String]| -> serde_json::Value {
            serde_norway::from_str(&lines.join("\n")).expect("YAML that parses")
        };
        let (ours_value, real_value) = (parsed(&ours), parsed(&real));
        assert_eq!(
            ours_value["metadata"]["name"], real_value["metadata"]["name"],
            "`{command}`"
        );
        assert_eq!(ours_value["data"], real_value["data"], "`{command}`");
        assert_eq!(ours_value["spec"], real_value["spec"], "`{command}`");
        assert!(
            ours.iter()
                .any(|l| l.starts_with("  ") && l.trim_start().starts_with("- ")
                    || l.contains(": |")),
            "`{command}` has block items or block text:\n{}",
            ours.join("\n")
        );
        // Status and resourceVersion may move between the two calls.
        let settled = |lines: &mut Vec<String>| {
            lines.retain(|l| !l.contains("resourceVersion:"));
            for l in lines.iter_mut() {
                *l = l.replace(['\'', '"'], "");
            }
            if let Some(at) = lines.iter().position(|l| l == "status:") {
                lines.truncate(at);
            }
            lines.sort();
        };
        settled(&mut ours);
        settled(&mut real);
        assert_eq!(ours, real, "`{command}`, lines sorted");
    }
    Arc::into_inner(fx.backend.into_world())
        .expect("one owner")
        .shutdown()
        .await;
}
