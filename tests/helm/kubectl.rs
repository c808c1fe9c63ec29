//! The episode's demo steps with the machine's real kubectl: `helm install`
//! into the simulated cluster, then `kubectl get deployments`, the NOTES'
//! pod lookup, the release Secret, and `helm uninstall`.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use trinetes::sim::Clock;
use trinetes::sim::cluster::{SimCluster, SimOptions};
use trinetes::sim::helm::{HelmEnv, HelmOutput, HelmSim};
use trinetes::sim::trino::{StartupTiming, register_trino_runtime};

async fn kubectl(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut cmd = tokio::process::Command::new("kubectl");
    cmd.args(args)
        .env("KUBECONFIG", dir.join("kubeconfig"))
        .env("KUBECACHEDIR", dir.join("cache"))
        .env("HOME", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => panic!("kubectl could not be run ({e}): install kubectl 1.32"),
    };
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("kubectl finishes within 60 s")
        .expect("kubectl output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn helm(helm: &mut HelmSim, sim: &SimCluster, args: &[&str]) -> HelmOutput {
    let env = HelmEnv::new(sim.store().clock().now()).with_cluster(sim.store());
    helm.run(args, &env)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm_install_then_kubectl_sees_the_episodes_deployments() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("cache")).expect("cache dir");
    let sim = SimCluster::start(SimOptions {
        kubeconfig: Some(dir.path().join("kubeconfig")),
        // Fast simulated time, so start-up and readiness pass in well under a second.
        clock: Clock::real(30.0),
        system_pods: false,
        ..SimOptions::default()
    })
    .await
    .expect("simulated cluster starts");
    register_trino_runtime(
        sim.runtimes(),
        sim.store().clone(),
        StartupTiming::default(),
    );

    let mut h = HelmSim::new();
    assert_eq!(
        helm(
            &mut h,
            &sim,
            &["repo", "add", "trino", "https://trinodb.github.io/charts/"]
        )
        .exit_code,
        0
    );
    let out = helm(
        &mut h,
        &sim,
        &[
            "install",
            "tcb",
            "trino/trino",
            "--version",
            "0.3.0",
            "--set",
            "image.tag=355",
        ],
    );
    assert_eq!(out.exit_code, 0, "{}", out.stderr);

    let mut deployments = String::new();
    for _ in 0..100 {
        let (status, stdout, stderr) = kubectl(dir.path(), &["get", "deployments"]).await;
        assert_eq!(status, 0, "{stderr}");
        deployments = stdout;
        if deployments.contains("tcb-trino-coordinator   1/1")
            && deployments.contains("tcb-trino-worker        2/2")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let lines: Vec<&str> = deployments.lines().collect();
    assert!(
        lines[0].starts_with("NAME                    READY   UP-TO-DATE   AVAILABLE   AGE"),
        "{deployments}"
    );
    assert!(
        lines[1].starts_with("tcb-trino-coordinator   1/1     1            1"),
        "{deployments}"
    );
    assert!(
        lines[2].starts_with("tcb-trino-worker        2/2     2            2"),
        "{deployments}"
    );

    // The NOTES recipe's pod lookup.
    let (status, pod, stderr) = kubectl(
        dir.path(),
        &[
            "get",
            "pods",
            "--namespace",
            "default",
            "-l",
            "app=trino,release=tcb,component=coordinator",
            "-o",
            "jsonpath={.items[0].metadata.name}",
        ],
    )
    .await;
    assert_eq!(status, 0, "{stderr}");
    assert!(pod.starts_with("tcb-trino-coordinator-"), "{pod}");
    assert!(
        sim.store()
            .pod_network()
            .connect("default", &pod, 8080)
            .is_some(),
        "the coordinator listens on 8080"
    );

    let (_, secrets, _) = kubectl(dir.path(), &["get", "secrets"]).await;
    assert!(
        secrets.lines().any(|l| l.starts_with("sh.helm.release.v1.tcb.v1") && l.contains("helm.sh/release.v1")),
        "{secrets}"
    );

    // The learner's own helm reads the simulated helm's release Secret.
    let real_helm = crate::support::eks::require_tool(
        "helm",
        "install helm 3 as ../shared/charts/README.md shows (`bash .ci/run` does)",
    );
    let listed = std::process::Command::new(real_helm)
        .args(["list", "--all-namespaces"])
        .env("KUBECONFIG", dir.path().join("kubeconfig"))
        .env("HOME", dir.path())
        .env("HELM_CONFIG_HOME", dir.path().join("helm-config"))
        .env("HELM_CACHE_HOME", dir.path().join("helm-cache"))
        .env("HELM_DATA_HOME", dir.path().join("helm-data"))
        .stdin(Stdio::null())
        .output()
        .expect("helm runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&listed.stdout),
        String::from_utf8_lossy(&listed.stderr)
    );
    assert!(listed.status.success(), "{said}");
    let row = said
        .lines()
        .find(|l| l.starts_with("tcb"))
        .unwrap_or_else(|| panic!("helm list shows no tcb: {said}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[1], "default", "{said}");
    assert_eq!(cells[2], "1", "{said}");
    assert!(
        row.contains("deployed") && row.contains("trino-0.3.0"),
        "{said}"
    );

    let out = helm(&mut h, &sim, &["uninstall", "tcb"]);
    assert_eq!(out.stdout, "release \"tcb\" uninstalled\n");
    let mut remaining = String::new();
    for _ in 0..100 {
        let (_, stdout, stderr) = kubectl(
            dir.path(),
            &["get", "deployments,configmaps", "-l", "release=tcb"],
        )
        .await;
        remaining = format!("{stdout}{stderr}");
        if remaining.contains("No resources found") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        remaining.contains("No resources found in default namespace."),
        "{remaining}"
    );
    sim.stop().await;
}
