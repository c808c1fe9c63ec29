//! The shipped lessons, profiles and diagrams: they validate, the embedded copies
//! match the files on disk, and they teach what the episode teaches.

use std::collections::BTreeSet;
use std::path::Path;

use trinetes::lesson::checks;
use trinetes::lesson::{
    BackendKind, Block, CheckKind, Lesson, Profile, builtin, builtin_checked, builtin_files,
    builtin_variable_names, load_dir, vars::find_vars,
};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn lesson<'a>(lessons: &'a [Lesson], id: &str) -> &'a Lesson {
    lessons
        .iter()
        .find(|l| l.front.id == id)
        .unwrap_or_else(|| panic!("no built-in lesson {id}"))
}

#[test]
fn every_builtin_lesson_validates() {
    let lessons = builtin_checked().unwrap_or_else(|errors| {
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("built-in lessons are invalid:\n{}", text.join("\n"))
    });
    assert!(lessons.len() >= 2);
    assert_eq!(builtin(), lessons);
    let orders: Vec<i32> = lessons.iter().map(|l| l.front.order).collect();
    let mut sorted = orders.clone();
    sorted.sort();
    assert_eq!(orders, sorted, "built-in lessons come sorted by order");
}

#[test]
fn embedded_tables_list_every_file_on_disk() {
    let (lessons, diagrams) = builtin_files();
    let on_disk = |dir: &str, ext: &str| -> BTreeSet<String> {
        std::fs::read_dir(manifest_dir().join(dir))
            .expect("folder exists")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(ext) && n != "README.md")
            .collect()
    };
    let embedded: BTreeSet<String> = lessons.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        embedded,
        on_disk("lessons", ".md"),
        "src/lesson/embedded.rs LESSONS"
    );
    let embedded: BTreeSet<String> = diagrams.iter().map(|s| s.to_string()).collect();
    assert_eq!(embedded, on_disk("assets/diagrams", ".txt"), "DIAGRAMS");
    let profiles: BTreeSet<String> = Profile::names()
        .iter()
        .map(|s| format!("{s}.toml"))
        .collect();
    assert_eq!(profiles, on_disk("assets/profiles", ".toml"), "PROFILES");
}

#[test]
fn the_lessons_folder_loads_like_the_builtin_set() {
    let from_disk = load_dir(&manifest_dir().join("lessons")).unwrap_or_else(|errors| {
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("{}", text.join("\n"))
    });
    let ids = |ls: &[Lesson]| ls.iter().map(|l| l.front.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&from_disk), ids(&builtin()));
    // Diagrams were read relative to the lesson files and match the embedded ones.
    for (a, b) in from_disk.iter().zip(builtin()) {
        assert_eq!(a.diagrams, b.diagrams);
        assert_eq!(a.steps, b.steps);
    }
}

#[test]
fn each_profile_defines_every_variable_a_lesson_uses() {
    let known = builtin_variable_names();
    for l in builtin() {
        for name in Profile::names() {
            let profile = Profile::builtin(name).expect("profile");
            for var in &l.variables {
                assert!(
                    profile.vars().contains_key(var),
                    "profile {name} lacks `{var}` used by {}",
                    l.front.id
                );
                assert!(known.contains(var));
            }
        }
    }
}

#[test]
fn expanded_lessons_have_no_variables_left() {
    for name in Profile::names() {
        let profile = Profile::builtin(name).expect("profile");
        for l in builtin() {
            let x = l.expanded(&profile);
            let json = serde_json::to_string(&x).expect("serialize");
            assert!(
                find_vars(&json).is_empty(),
                "{} under {name} still has {:?}",
                l.front.id,
                find_vars(&json).iter().map(|v| v.name).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn replicasets_lesson_runs_locally_and_shows_the_nesting_diagram() {
    let lessons = builtin();
    let l = lesson(&lessons, "replicasets");
    assert_eq!(
        l.front.backends,
        [BackendKind::DryRun, BackendKind::Context]
    );
    let ids: Vec<&str> = l.steps.iter().map(|s| s.id.as_str()).collect();
    assert!(
        ids.contains(&"delete-pods") && ids.contains(&"scale-up"),
        "{ids:?}"
    );
    let url = "../assets/diagrams/deployment-replicaset-pod.txt";
    assert!(l.diagrams[url].contains("ReplicaSet"));
    // The image stays in the prose so the TUI can draw the diagram in place.
    let prose_with_image = l
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Markdown { source, .. } if source.contains(url)));
    assert!(prose_with_image);
    assert!(!l.notes.is_empty());
    for step in &l.steps {
        assert!(!step.checks.is_empty(), "step {} has no check", step.id);
    }
}

/// The EKS lessons in their order, with their steps.
const EKS_LESSONS: [(&str, &[&str]); 3] = [
    ("eks", &["create-cluster", "current-context", "get-nodes"]),
    (
        "helm-trino",
        &[
            "helm-repo",
            "helm-template",
            "helm-install",
            "see-crash-loop",
            "read-crash-log",
            "pin-image",
            "get-deployments",
            "get-pods",
            "port-forward",
        ],
    ),
    (
        "cleanup",
        &[
            "delete-services",
            "delete-deployments",
            "delete-configmaps",
            "helm-list",
            "helm-uninstall",
            "delete-cluster",
            "nothing-left",
            "use-practice",
        ],
    ),
];

#[test]
fn the_eks_lessons_follow_the_episode_and_explain_each_change() {
    let lessons = builtin();
    let eks: Vec<&Lesson> = EKS_LESSONS
        .iter()
        .map(|(id, _)| lesson(&lessons, id))
        .collect();
    for (l, (id, steps)) in eks.iter().zip(EKS_LESSONS) {
        let ids: Vec<&str> = l.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, steps, "{id}");
        assert_eq!(l.front.cluster.as_deref(), Some("eks"), "{id}");
    }
    // Each can be started alone: Helm needs the cluster, Clean up needs Trino.
    assert_eq!(eks[0].front.provides, ["eks-cluster"]);
    assert_eq!(eks[1].front.needs, ["eks-cluster"]);
    assert_eq!(eks[1].front.provides, ["trino"]);
    assert_eq!(eks[2].front.needs, ["trino"]);
    let step = |id: &str| {
        eks.iter()
            .flat_map(|l| &l.steps)
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("no step {id}"))
    };
    let ids: Vec<&str> = EKS_LESSONS
        .iter()
        .flat_map(|(_, s)| s.iter().copied())
        .collect();

    // The crash loop, its log and the fix run only where the episode's chart is.
    for id in ["see-crash-loop", "read-crash-log", "pin-image"] {
        assert_eq!(step(id).profiles, ["episode-2021"], "{id}");
        assert!(step(id).skip_reason.is_some(), "{id}");
    }
    for other in ids
        .iter()
        .filter(|id| !["see-crash-loop", "read-crash-log", "pin-image"].contains(id))
    {
        assert!(
            step(other).profiles.is_empty(),
            "{other} runs on every profile"
        );
    }
    assert!(matches!(
        &step("see-crash-loop").checks[0].kind,
        CheckKind::Pods(checks::Pods { selector, count: Some(1), reason: Some(reason), min_restarts: Some(1), .. })
            if selector == "{{coordinator_selector}}" && reason == "CrashLoopBackOff"
    ));
    assert_eq!(
        step("read-crash-log").command,
        "kubectl logs deploy/{{release_name}}-trino-coordinator"
    );
    // Episode-only: it names the episode's chart and image outright, so the
    // box a `current` learner sees skipped does not show current's values.
    assert_eq!(
        step("pin-image").command,
        "helm upgrade {{release_name}} trino/trino --version 0.3.0 --set image.tag=355"
    );

    let create = step("create-cluster");
    assert!(create.billable);
    assert!(
        create.timeout.as_secs() >= 15 * 60,
        "eksctl takes up to 15 minutes"
    );
    assert!(
        create
            .episode_command
            .as_deref()
            .is_some_and(|c| c.contains("--version 1.21"))
    );
    assert!(
        create
            .episode_why
            .as_deref()
            .is_some_and(|w| w.contains("no longer supported"))
    );
    assert_eq!(create.backends, [BackendKind::DryRun, BackendKind::Live]);
    assert!(create.skip_reason.is_some());

    assert!(matches!(
        step("get-nodes").checks[0].kind,
        CheckKind::NodesReady(checks::NodesReady { count: 2 })
    ));
    assert!(
        step("helm-install")
            .command
            .contains("--version {{chart_version}}")
    );

    let deployments: Vec<(String, Option<u32>)> = step("get-deployments")
        .checks
        .iter()
        .filter_map(|c| match &c.kind {
            CheckKind::Deployment(checks::Deployment { name, ready, .. }) => {
                Some((name.clone(), *ready))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        deployments,
        [
            ("{{release_name}}-trino-coordinator".to_string(), Some(1)),
            ("{{release_name}}-trino-worker".to_string(), Some(2))
        ]
    );

    let forward = step("port-forward");
    assert!(forward.background && !forward.interactive);
    let http: Vec<(String, serde_json::Value)> = forward
        .checks
        .iter()
        .filter_map(|c| match &c.kind {
            CheckKind::Http(checks::Http {
                url,
                json_field: Some(f),
                equals: Some(v),
                ..
            }) => {
                assert_eq!(url, "http://127.0.0.1:8080/v1/info");
                Some((f.clone(), v.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        http,
        [
            ("coordinator".to_string(), serde_json::Value::Bool(true)),
            ("starting".to_string(), serde_json::Value::Bool(false))
        ]
    );

    // eksctl moved the current context; Clean up moves it back.
    assert!(matches!(
        &step("current-context").checks[0].kind,
        CheckKind::KubeconfigContext(checks::KubeconfigContext { contains })
            if contains == "{{cluster_name}}.{{region}}.eksctl.io"
    ));
    assert!(matches!(
        &step("use-practice").checks[0].kind,
        CheckKind::KubeconfigContext(checks::KubeconfigContext { contains })
            if contains == "kind-trinetes"
    ));

    // The episode's `--all` removal runs, with its caveat, then helm uninstall.
    for kind in ["service", "deployment", "configmap"] {
        let id = format!("delete-{kind}s");
        assert_eq!(step(&id).command, format!("kubectl delete {kind} --all"));
        assert!(
            step(&id).skip_reason.is_some(),
            "{id} is not for clusters of your own"
        );
    }
    assert!(step("delete-services").checks.iter().any(
        |c| matches!(&c.kind, CheckKind::Service(checks::Service { name, .. }) if name == "kubernetes")
    ), "the kubernetes Service comes back");
    let prose = |l: &Lesson| -> String {
        l.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Markdown { source, .. } => Some(source.as_str()),
                Block::Step(_) => None,
            })
            .collect()
    };
    assert!(prose(eks[2]).contains("kube-root-ca.crt"));
    let uninstall = step("helm-uninstall");
    assert_eq!(uninstall.command, "helm uninstall {{release_name}}");
    assert!(uninstall.checks.iter().any(
        |c| matches!(&c.kind, CheckKind::Absent(checks::Absent { resource, selector: Some(s), .. })
            if resource == "secret" && s == "owner=helm,name={{release_name}}")
    ), "Helm's record of the release goes");

    let delete = step("delete-cluster");
    assert!(
        delete
            .episode_command
            .as_deref()
            .is_some_and(|c| c.contains("test-cluster"))
    );
    assert!(delete.checks.iter().any(
        |c| matches!(&c.kind, CheckKind::Absent(checks::Absent { resource, .. }) if resource == "eks-cluster")
    ));
}

#[test]
fn profiles_change_what_the_demo_runs() {
    let lessons = builtin();
    let l = lesson(&lessons, "eks");
    let episode = l.expanded(&Profile::builtin("episode-2021").expect("profile"));
    let current = l.expanded(&Profile::builtin("current").expect("profile"));
    let l = lesson(&lessons, "helm-trino");
    let helm_episode = l.expanded(&Profile::builtin("episode-2021").expect("profile"));
    let helm_current = l.expanded(&Profile::builtin("current").expect("profile"));
    let create_ep = &episode.steps[0].command;
    assert_eq!(
        create_ep,
        "eksctl create cluster --name tcb-cluster --version 1.21 --region us-east-1 --nodegroup-name k8s-tcb-cluster --node-type t2.large --nodes 2"
    );
    assert_eq!(Some(create_ep), episode.steps[0].episode_command.as_ref());
    assert!(!current.steps[0].command.contains("1.21"));
    let install = |x: &Lesson| {
        x.steps
            .iter()
            .find(|s| s.id == "helm-install")
            .expect("step")
            .command
            .clone()
    };
    assert_eq!(
        install(&helm_episode),
        "helm install tcb trino/trino --version 0.3.0 --set image.tag=latest"
    );
    assert!(install(&helm_current).contains("--version 1.42.2"));
    let pods_selector = |x: &Lesson| {
        x.steps
            .iter()
            .flat_map(|s| &s.checks)
            .find_map(|c| match &c.kind {
                CheckKind::Pods(checks::Pods { selector, .. }) => Some(selector.clone()),
                _ => None,
            })
            .expect("a pods check")
    };
    assert_eq!(
        pods_selector(&helm_episode),
        "app=trino,release=tcb,component=coordinator"
    );
    assert!(pods_selector(&helm_current).starts_with("app.kubernetes.io/name=trino"));

    let pin = |x: &Lesson| {
        x.steps
            .iter()
            .find(|s| s.id == "pin-image")
            .expect("step")
            .clone()
    };
    assert_eq!(
        pin(&helm_episode).command,
        "helm upgrade tcb trino/trino --version 0.3.0 --set image.tag=355"
    );
    assert_eq!(pin(&helm_episode).skipped_on_profile, None);
    assert_eq!(
        pin(&helm_current).skipped_on_profile.as_deref(),
        Some("current")
    );
    assert!(
        pin(&helm_current)
            .profile_skip_reason()
            .is_some_and(|r| r.starts_with("not on profile current (only episode-2021): ")),
        "{:?}",
        pin(&helm_current).profile_skip_reason()
    );
}

#[test]
fn the_complete_example_in_the_authors_guide_validates() {
    let guide = std::fs::read_to_string(manifest_dir().join("lessons/README.md")).expect("guide");
    let start = guide
        .find("````markdown\n---\n")
        .expect("the complete example")
        + "````markdown\n".len();
    let end = start + guide[start..].find("\n````\n").expect("end of the example") + 1;
    let example = &guide[start..end];
    let base = manifest_dir().join("lessons");
    let lesson = trinetes::lesson::parse(Path::new("example.md"), example, &|dest| {
        std::fs::read_to_string(base.join(dest)).ok()
    })
    .unwrap_or_else(|errors| {
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("{}", text.join("\n"))
    });
    assert_eq!(lesson.front.id, "hello-pods");
    assert_eq!(lesson.steps.len(), 2);
    assert_eq!(lesson.notes.len(), 1);
    assert_eq!(lesson.diagrams.len(), 1);
    assert_eq!(lesson.variables, ["cluster_name"]);
}
