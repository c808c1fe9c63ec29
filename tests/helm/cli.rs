//! The simulated helm command line: repositories, install, template, list,
//! status and uninstall, against the simulated cluster's Store.

use crate::support::helm::{helm_with_repo, names, now, run, store};
use trinetes::sim::helm::{HelmEnv, HelmSim};

#[test]
fn repo_add_update_and_search() {
    let mut helm = HelmSim::new();
    let env = HelmEnv::new(now());
    let out = helm.run(&["search", "repo", "trino"], &env);
    assert_eq!(
        (out.exit_code, out.stderr.as_str()),
        (1, "Error: no repositories configured\n")
    );
    let out = helm.run(&["repo", "update"], &env);
    assert_eq!(out.exit_code, 1);
    helm.run(
        &["repo", "add", "trino", "https://trinodb.github.io/charts/"],
        &env,
    );
    let again = helm.run(
        &["repo", "add", "trino", "https://trinodb.github.io/charts"],
        &env,
    );
    assert_eq!(
        again.stdout,
        "\"trino\" already exists with the same configuration, skipping\n"
    );
    let out = helm.run(&["repo", "update"], &env);
    assert_eq!(
        out.stdout,
        "Hang tight while we grab the latest from your chart repositories...\n\
         ...Successfully got an update from the \"trino\" chart repository\n\
         Update Complete. ⎈Happy Helming!⎈\n"
    );
    let out = helm.run(&["search", "repo", "trino"], &env);
    assert_eq!(
        out.stdout,
        "NAME       \tCHART VERSION\tAPP VERSION\tDESCRIPTION\n\
         trino/trino\t1.42.2       \t480        \tFast distributed SQL query engine for big data ...\n"
    );
    let out = helm.run(&["search", "repo", "trino", "--versions"], &env);
    assert!(
        out.stdout.contains("\t0.3.0  ") && out.stdout.contains("\t355 "),
        "{}",
        out.stdout
    );
    let out = helm.run(&["search", "repo", "postgres"], &env);
    assert_eq!(out.stdout, "No results found\n");
    let other = helm.run(
        &[
            "repo",
            "add",
            "bitnami",
            "https://charts.bitnami.com/bitnami",
        ],
        &env,
    );
    assert_eq!(other.exit_code, 1);
    assert!(
        other
            .stderr
            .contains("is not a valid chart repository or cannot be reached")
    );
}

#[test]
fn install_needs_the_repo_and_a_known_version() {
    let store = store();
    let mut helm = HelmSim::new();
    let out = run(&mut helm, &store, "install tcb trino/trino --version 0.3.0");
    assert_eq!(
        out.stderr,
        "Error: INSTALLATION FAILED: repo trino not found\n"
    );
    assert_eq!(out.exit_code, 1);
    let out = helm.run(&["template", "tcb", "trino/trino"], &HelmEnv::new(now()));
    assert_eq!(out.stderr, "Error: repo trino not found\n");
    let mut helm = helm_with_repo();
    let out = run(&mut helm, &store, "install tcb trino/trino --version 9.9.9");
    assert!(
        out.stderr.starts_with(
            "Error: INSTALLATION FAILED: chart \"trino\" matching 9.9.9 not found in trino index"
        ),
        "{}",
        out.stderr
    );
    assert!(
        names(&store, "ConfigMap")
            .iter()
            .all(|n| !n.starts_with("tcb"))
    );
}

#[test]
fn install_without_a_cluster_is_unreachable() {
    let mut helm = helm_with_repo();
    let out = helm.run(
        &["install", "tcb", "trino/trino", "--version", "0.3.0"],
        &HelmEnv::new(now()),
    );
    assert_eq!(out.exit_code, 1);
    assert!(
        out.stderr
            .starts_with("Error: INSTALLATION FAILED: Kubernetes cluster unreachable: "),
        "{}",
        out.stderr
    );
    let list = helm.run(&["list"], &HelmEnv::new(now()));
    assert!(
        list.stderr
            .starts_with("Error: Kubernetes cluster unreachable")
    );
}

#[test]
fn install_creates_the_objects_and_records_the_release() {
    let store = store();
    let mut helm = helm_with_repo();
    let out = run(&mut helm, &store, "install tcb trino/trino --version 0.3.0");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "NAME: tcb\nLAST DEPLOYED: Thu Dec 16 18:05:03 2021\nNAMESPACE: default\nSTATUS: deployed\n\
         REVISION: 1\nTEST SUITE: None\nNOTES:\nGet the application URL by running these commands:\n  \
         export POD_NAME=$(kubectl get pods --namespace default -l \"app=trino,release=tcb,component=coordinator\" -o jsonpath=\"{.items[0].metadata.name}\")\n  \
         echo \"Visit http://127.0.0.1:8080 to use your application\"\n  \
         kubectl port-forward $POD_NAME 8080:8080\n"
    );
    assert_eq!(
        names(&store, "ConfigMap")
            .into_iter()
            .filter(|n| n.starts_with("tcb"))
            .collect::<Vec<_>>(),
        [
            "tcb-trino-catalog",
            "tcb-trino-coordinator",
            "tcb-trino-worker"
        ]
    );
    assert_eq!(
        names(&store, "Deployment"),
        ["tcb-trino-coordinator", "tcb-trino-worker"]
    );
    assert!(names(&store, "Service").contains(&"tcb-trino".to_string()));
    assert_eq!(names(&store, "Secret"), ["sh.helm.release.v1.tcb.v1"]);

    let worker = store
        .get("Deployment", Some("default"), "tcb-trino-worker")
        .expect("worker deployment");
    assert_eq!(worker["spec"]["replicas"], 2);
    assert_eq!(
        worker["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "tcb"
    );
    assert_eq!(
        worker["metadata"]["annotations"]["meta.helm.sh/release-namespace"],
        "default"
    );
    assert_eq!(
        worker["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "Helm"
    );
    assert_eq!(worker["metadata"]["labels"]["release"], "tcb");

    let list = run(&mut helm, &store, "list");
    assert_eq!(
        list.stdout,
        "NAME\tNAMESPACE\tREVISION\tUPDATED                      \tSTATUS  \tCHART      \tAPP VERSION\n\
         tcb \tdefault  \t1       \t2021-12-16 18:05:03 +0000 UTC\tdeployed\ttrino-0.3.0\t355\n"
    );
    let status = run(&mut helm, &store, "status tcb");
    assert!(
        status
            .stdout
            .starts_with("NAME: tcb\nLAST DEPLOYED: Thu Dec 16 18:05:03 2021\n")
    );
    assert!(status.stdout.contains("STATUS: deployed\nREVISION: 1\n"));

    let again = run(&mut helm, &store, "install tcb trino/trino --version 0.3.0");
    assert_eq!(
        again.stderr,
        "Error: INSTALLATION FAILED: cannot re-use a name that is still in use\n"
    );
}

#[test]
fn install_with_set_and_values_file() {
    let store = store();
    let mut helm = helm_with_repo();
    let files =
        |path: &str| (path == "my-values.yaml").then(|| "server:\n  workers: 1\n".to_string());
    let env = HelmEnv::new(now()).with_cluster(&store).with_files(&files);
    let out = helm.run(
        &[
            "install",
            "tcb",
            "trino/trino",
            "--version",
            "0.3.0",
            "-f",
            "my-values.yaml",
            "--set",
            "image.tag=355",
        ],
        &env,
    );
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    let worker = store
        .get("Deployment", Some("default"), "tcb-trino-worker")
        .expect("worker");
    assert_eq!(worker["spec"]["replicas"], 1);
    assert_eq!(
        worker["spec"]["template"]["spec"]["containers"][0]["image"],
        "trinodb/trino:355"
    );
    let missing = helm.run(
        &["install", "other", "trino/trino", "-f", "nope.yaml"],
        &env,
    );
    assert_eq!(
        missing.stderr,
        "Error: INSTALLATION FAILED: open nope.yaml: no such file or directory\n"
    );
    let bad_set = helm.run(
        &["install", "other", "trino/trino", "--set", "server.workers"],
        &env,
    );
    assert_eq!(
        bad_set.stderr,
        "Error: INSTALLATION FAILED: failed parsing --set data: key \"server.workers\" has no value\n"
    );
}

#[test]
fn install_into_a_missing_namespace_needs_create_namespace() {
    let store = store();
    let mut helm = helm_with_repo();
    let out = run(&mut helm, &store, "install tcb trino/trino -n analytics");
    assert_eq!(
        out.stderr,
        "Error: INSTALLATION FAILED: create: failed to create: namespaces \"analytics\" not found\n"
    );
    let out = run(
        &mut helm,
        &store,
        "install tcb trino/trino -n analytics --create-namespace",
    );
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("NAMESPACE: analytics\n"));
    assert!(
        store
            .get("Service", Some("analytics"), "tcb-trino-worker")
            .is_some()
    );
    assert!(run(&mut helm, &store, "list").stdout.lines().count() == 1);
    let all = run(&mut helm, &store, "list -A");
    assert!(all.stdout.contains("trino-1.42.2"), "{}", all.stdout);
    assert!(
        run(&mut helm, &store, "status tcb")
            .stderr
            .contains("release: not found")
    );
    assert_eq!(
        run(&mut helm, &store, "status tcb -n analytics").exit_code,
        0
    );
}

#[test]
fn install_refuses_to_take_over_existing_objects() {
    let store = store();
    store
        .create(
            "ConfigMap",
            serde_json::json!({"metadata": {"name": "tcb-trino-catalog", "namespace": "default"}, "data": {}}),
        )
        .expect("created");
    let mut helm = helm_with_repo();
    let out = run(&mut helm, &store, "install tcb trino/trino --version 0.3.0");
    assert!(
        out.stderr
            .contains("ConfigMap \"tcb-trino-catalog\" in namespace \"default\" exists"),
        "{}",
        out.stderr
    );
    assert!(names(&store, "Deployment").is_empty());
    assert!(names(&store, "Secret").is_empty());
}

#[test]
fn uninstall_deletes_exactly_what_the_release_created() {
    let store = store();
    store
        .create(
            "ConfigMap",
            serde_json::json!({"metadata": {"name": "unrelated", "namespace": "default"}, "data": {}}),
        )
        .expect("created");
    let mut helm = helm_with_repo();
    assert_eq!(
        run(&mut helm, &store, "install tcb trino/trino").exit_code,
        0
    );
    assert_eq!(names(&store, "Deployment").len(), 2);
    // The learner may already have deleted some objects by hand, as the episode does.
    store
        .delete("Service", Some("default"), "tcb-trino")
        .expect("deleted");
    let out = run(&mut helm, &store, "uninstall tcb");
    assert_eq!(
        (out.exit_code, out.stdout.as_str()),
        (0, "release \"tcb\" uninstalled\n")
    );
    assert!(names(&store, "Deployment").is_empty());
    assert!(
        !names(&store, "Service")
            .iter()
            .any(|n| n.starts_with("tcb"))
    );
    assert!(names(&store, "ConfigMap").contains(&"unrelated".to_string()));
    assert!(
        !names(&store, "ConfigMap")
            .iter()
            .any(|n| n.starts_with("tcb"))
    );
    assert!(names(&store, "Secret").is_empty());
    assert_eq!(run(&mut helm, &store, "list").stdout.lines().count(), 1);
    let again = run(&mut helm, &store, "uninstall tcb");
    assert_eq!(
        again.stderr,
        "Error: uninstall: Release not loaded: tcb: release: not found\n"
    );
    assert_eq!(
        run(&mut helm, &store, "install tcb trino/trino").exit_code,
        0
    );
}

#[test]
fn template_prints_sources_without_a_cluster() {
    let mut helm = helm_with_repo();
    let out = helm.run(
        &[
            "template",
            "tcb",
            "trino/trino",
            "--version",
            "0.3.0",
            "--set",
            "server.workers=3",
        ],
        &HelmEnv::new(now()),
    );
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("---\n# Source: trino/templates/configmap-catalog.yaml\n")
    );
    assert!(
        out.stdout
            .contains("# Source: trino/templates/deployment-worker.yaml\n")
    );
    assert!(out.stdout.contains("  replicas: 3\n"));
    let documents: Vec<serde_norway::Value> = serde_norway::Deserializer::from_str(&out.stdout)
        .map(|d| serde::Deserialize::deserialize(d).expect("valid YAML"))
        .collect();
    assert_eq!(documents.len(), 6);
}

#[test]
fn wait_asks_the_caller_to_wait_for_the_deployments() {
    let store = store();
    let mut helm = helm_with_repo();
    let out = run(
        &mut helm,
        &store,
        "install tcb trino/trino --wait --timeout 10m",
    );
    let wait = out.wait.expect("a wait request");
    assert_eq!(wait.timeout, std::time::Duration::from_secs(600));
    assert_eq!(
        wait.deployments,
        ["tcb-trino-coordinator", "tcb-trino-worker"]
    );
}

#[test]
fn unknown_commands_and_flags_fail_like_helm() {
    let mut helm = helm_with_repo();
    let env = HelmEnv::new(now());
    let out = helm.run(&["upgrad", "tcb"], &env);
    assert!(
        out.stderr
            .starts_with("Error: unknown command \"upgrad\" for \"helm\"")
    );
    let out = helm.run(&["install", "tcb", "trino/trino", "--sett", "a=1"], &env);
    assert_eq!(out.stderr, "Error: unknown flag: --sett\n");
    let out = helm.run(&["version", "--short"], &env);
    assert!(out.stdout.starts_with("v3."));
}

#[test]
fn help_succeeds_and_usage_errors_exit_1_with_helms_words() {
    let mut helm = HelmSim::new();
    let env = HelmEnv::new(now());
    for args in [
        &["--help"][..],
        &["install", "--help"],
        &["repo", "add", "-h"],
    ] {
        let out = helm.run(args, &env);
        assert_eq!((out.exit_code, out.stderr.as_str()), (0, ""), "{args:?}");
        assert!(
            out.stdout.contains("(simulated by trinetes)"),
            "{args:?}: {}",
            out.stdout
        );
    }
    let out = helm.run(&["install"], &env);
    assert_eq!(
        (out.exit_code, out.stderr.as_str()),
        (
            1,
            "Error: \"helm install\" requires at least 1 argument\n\nUsage:  helm install [NAME] [CHART] [flags]\n"
        )
    );
    let out = helm.run(&["list", "--x"], &env);
    assert_eq!(
        (out.exit_code, out.stderr.as_str()),
        (1, "Error: unknown flag: --x\n")
    );
}

#[test]
fn version_reports_the_given_version_as_helm_does() {
    let mut helm = HelmSim::new();
    let env = HelmEnv::new(now()).with_version("v3.7.2");
    let out = helm.run(&["version"], &env);
    assert_eq!(
        out.stdout,
        "version.BuildInfo{Version:\"v3.7.2\", GitCommit:\"0000000000000000000000000000000000000000\", GitTreeState:\"clean\", GoVersion:\"go1.22.7\"}\n"
    );
    let out = helm.run(&["version", "--short"], &env);
    assert_eq!(out.stdout, "v3.7.2+g0000000\n");
    let out = helm.run(&["version", "extra"], &env);
    assert_eq!(out.exit_code, 1);
}

#[test]
fn every_helm_step_of_the_builtin_lessons_and_the_episode_parses() {
    let mut seen = 0;
    for profile in ["current", "episode-2021"] {
        let profile = trinetes::lesson::Profile::builtin(profile).expect("built-in profile");
        for lesson in trinetes::lesson::builtin() {
            let lesson = lesson.expanded(&profile);
            for step in &lesson.steps {
                // What the episode typed must parse too: the lessons show it.
                let typed = std::iter::once(&step.command).chain(&step.episode_command);
                let command = typed
                    .map(|c| c.replace("\\\n", " "))
                    .collect::<Vec<_>>()
                    .join("\n");
                for line in command
                    .lines()
                    .map(str::trim)
                    .filter(|l| l.starts_with("helm "))
                {
                    let words = shell_words::split(line).expect("shell words");
                    if let Err(e) = trinetes::sim::helm::cmd::parse_helm_args(&words) {
                        panic!("{} {}: `{line}`: {e}", lesson.front.id, step.id);
                    }
                    seen += 1;
                }
            }
        }
    }
    assert!(seen > 5, "only {seen} helm steps found");
}
