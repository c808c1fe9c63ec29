//! The context backend against the dry-run world standing in for an
//! existing cluster (`trinetes sim`), with the machine's kubectl: two
//! learners run the same lesson side by side, each in their own namespace.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::bin::{Running, text};
use crate::support::eks::require_tool;

fn kubectl(kubeconfig: &str, args: &[&str]) -> Output {
    Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .stdin(Stdio::null())
        .output()
        .expect("kubectl runs")
}

/// `trinetes run` on the context backend, as one learner: their own state
/// folder and working folder, the shared cluster's kubeconfig.
fn learner(
    root: &Path,
    kubeconfig: &str,
    namespace: &str,
    lesson: &str,
) -> std::thread::JoinHandle<Output> {
    let state = root.join(namespace);
    std::fs::create_dir_all(&state).unwrap();
    let kubeconfig = kubeconfig.to_string();
    let namespace = namespace.to_string();
    let lesson = lesson.to_string();
    std::thread::spawn(move || {
        Command::new(env!("CARGO_BIN_EXE_trinetes"))
            .args([
                "run",
                "--backend",
                "context=kind-trinetes",
                "--namespace",
                &namespace,
                "--lesson",
                &lesson,
            ])
            .current_dir(&state)
            .env("XDG_STATE_HOME", &state)
            .env("KUBECONFIG", &kubeconfig)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("trinetes runs")
    })
}

#[test]
fn two_learners_in_two_namespaces_run_the_same_lesson_without_touching_each_other() {
    require_tool("kubectl", "install kubectl 1.32");
    let root = tempfile::tempdir().unwrap();
    let mut sim = Running::start(&root.path().join("cluster"), &["sim", "--speed", "20"]);
    let kubeconfig = sim
        .wait_for("export KUBECONFIG=", 60)
        .trim_start_matches("export KUBECONFIG=")
        .to_string();

    let a = learner(root.path(), &kubeconfig, "learner-a", "replicasets");
    let b = learner(root.path(), &kubeconfig, "learner-b", "replicasets");
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    assert!(a.status.success(), "learner-a's run failed:\n{}", text(&a));
    assert!(b.status.success(), "learner-b's run failed:\n{}", text(&b));

    for ns in ["learner-a", "learner-b"] {
        // Each namespace was made by trinetes and labelled so.
        let label = kubectl(
            &kubeconfig,
            &[
                "get",
                "namespace",
                ns,
                "-o",
                "jsonpath={.metadata.labels.app\\.kubernetes\\.io/managed-by}",
            ],
        );
        assert_eq!(
            String::from_utf8_lossy(&label.stdout),
            "trinetes",
            "{}",
            text(&label)
        );
        // The lesson's pods came and went in it: their events stay.
        let events = kubectl(
            &kubeconfig,
            &[
                "get",
                "events",
                "-n",
                ns,
                "-o",
                "jsonpath={.items[*].involvedObject.kind}",
            ],
        );
        let kinds = String::from_utf8_lossy(&events.stdout).to_string();
        assert!(
            kinds.contains("Pod"),
            "no pod events in {ns}: {}",
            text(&events)
        );
    }
    // ... and nothing of theirs happened in default.
    let default = kubectl(
        &kubeconfig,
        &[
            "get",
            "events",
            "-n",
            "default",
            "-o",
            "jsonpath={.items[*].involvedObject.kind}",
        ],
    );
    let kinds = String::from_utf8_lossy(&default.stdout).to_string();
    for kind in ["Pod", "ReplicaSet", "Deployment"] {
        assert!(!kinds.contains(kind), "{kind} events in default: {kinds}");
    }

    // Each learner's ledger holds their namespace, and nothing billable.
    for ns in ["learner-a", "learner-b"] {
        let ledger = trinetes::ledger::Ledger::in_dir(&root.path().join(ns).join("trinetes"));
        let open = ledger.open().unwrap();
        assert!(
            open.iter().any(|e| matches!(&e.resource, trinetes::ledger::Resource::Namespace { name, .. } if name == ns)),
            "{open:?}"
        );
        assert!(open.iter().all(|e| !e.resource.billable()), "{open:?}");
    }
    // The doctor sees the same cluster through the context: reachable, and
    // the learner may create Deployments (the simulated cluster allows all,
    // and says why).
    let stubs = super::stubs::Stubs::new(root.path());
    stubs.add("helm", "echo v3.17.2+gcc0bbbd");
    let doctor = Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["doctor", "--backend", "context=kind-trinetes"])
        .env("PATH", stubs.path())
        .env("XDG_STATE_HOME", root.path().join("learner-a"))
        .env("KUBECONFIG", &kubeconfig)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let said = text(&doctor);
    assert!(doctor.status.success(), "{said}");
    assert!(
        said.contains("✔ kube context") && said.contains("kind-trinetes (http://127.0.0.1:"),
        "{said}"
    );
    assert!(
        said.contains("✔ cluster reachable") && said.contains("server v1.32"),
        "{said}"
    );
    assert!(
        said.contains("✔ may create Deployments") && said.contains("yes, in default"),
        "{said}"
    );
    // With --namespace, the question is asked for the learner's namespace.
    let doctor = Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args([
            "doctor",
            "--backend",
            "context=kind-trinetes",
            "--namespace",
            "learner-a",
        ])
        .env("PATH", stubs.path())
        .env("XDG_STATE_HOME", root.path().join("learner-a"))
        .env("KUBECONFIG", &kubeconfig)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let said = text(&doctor);
    assert!(
        said.contains("✔ may create Deployments") && said.contains("yes, in learner-a"),
        "{said}"
    );
    let can_i = kubectl(
        &kubeconfig,
        &["auth", "can-i", "create", "deployments", "-n", "learner-a"],
    );
    assert_eq!(
        String::from_utf8_lossy(&can_i.stdout).trim(),
        "yes",
        "{}",
        text(&can_i)
    );
    // `--list` asks for the rules: everything, on every resource.
    let list = kubectl(&kubeconfig, &["auth", "can-i", "--list", "-n", "learner-a"]);
    let listed = String::from_utf8_lossy(&list.stdout).to_string();
    assert!(list.status.success(), "{}", text(&list));
    assert!(
        listed
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["*.*", "[]", "[]", "[*]"]),
        "{listed}"
    );

    sim.signal(libc::SIGTERM);
    sim.finish(30);
}

#[test]
fn an_unknown_context_is_refused_with_the_contexts_there_are() {
    let root = tempfile::tempdir().unwrap();
    let kubeconfig = root.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\ncurrent-context: kind-a\nclusters:\n- name: a\n  cluster: {server: 'http://127.0.0.1:9'}\nusers: []\ncontexts:\n- name: kind-a\n  context: {cluster: a}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args([
            "run",
            "--backend",
            "context=minikube",
            "--lesson",
            "replicasets",
        ])
        .env("XDG_STATE_HOME", root.path())
        .env("KUBECONFIG", &kubeconfig)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("no context \"minikube\"") && said.contains("kind-a"),
        "{said}"
    );

    // The current context, whose cluster does not answer.
    let out = Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["run", "--backend", "context", "--lesson", "replicasets"])
        .env("XDG_STATE_HOME", root.path())
        .env("KUBECONFIG", &kubeconfig)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("cannot be reached") || said.contains("did not answer"),
        "{said}"
    );
}

#[test]
fn namespace_is_refused_outside_the_context_backend() {
    let root = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["run", "--namespace", "x", "--lesson", "replicasets"])
        .env("XDG_STATE_HOME", root.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("--namespace works with --backend context only"),
        "{said}"
    );
}
