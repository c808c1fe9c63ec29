//! The live runner with stub eksctl on PATH: the cost guard of a headless
//! run, the ledger written before the command starts, and a run killed in
//! the middle of `eksctl create cluster` that cleanup then finishes.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use trinetes::aws::EksClient;
use trinetes::ledger::{Ledger, Resource};

use super::cleanup::DELETING_EKSCTL;
use super::stubs::{Stubs, aws_env, trinetes};
use crate::support::bin::text;
use crate::support::eks::MotoServer;

const LESSON: &str = r#"---
id: make-cluster
title: Make a cluster
summary: One billable step.
minutes: 1
backends: [live]
order: 1
---

# Make a cluster

## Create it

```sh step id=create
eksctl create cluster --name tcb-test --region us-east-1 --nodes 2 --node-type t2.large
```

```toml step-config
title = "Create the EKS cluster"
timeout = "2m"
billable = true
```
"#;

fn lessons(root: &std::path::Path) -> String {
    let dir = root.join("lessons");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("make-cluster.md"), LESSON).unwrap();
    dir.to_string_lossy().to_string()
}

#[test]
fn a_headless_billable_step_shows_its_cost_and_needs_the_cluster_name() {
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    stubs.add("eksctl", "echo created");
    let dir = lessons(state.path());
    let ledger = Ledger::in_dir(&state.path().join("trinetes"));

    let refused = trinetes(
        state.path(),
        &stubs.path(),
        &aws_env(state.path(), "http://127.0.0.1:9"),
        &[
            "run",
            "--backend",
            "live",
            "--trust-lessons",
            "--lessons",
            &dir,
            "--lesson",
            "make-cluster",
        ],
    );
    let said = text(&refused);
    assert!(!refused.status.success(), "{said}");
    assert!(
        said.contains("This creates the EKS cluster tcb-test in us-east-1 with 2 × t2.large nodes"),
        "{said}"
    );
    assert!(said.contains("about $0.29 per hour"), "{said}");
    assert!(said.contains("pass --confirm-billable tcb-test"), "{said}");
    assert!(
        stubs.calls().is_empty(),
        "eksctl ran without confirmation: {:?}",
        stubs.calls()
    );
    assert!(ledger.open().unwrap().is_empty());

    let wrong = trinetes(
        state.path(),
        &stubs.path(),
        &aws_env(state.path(), "http://127.0.0.1:9"),
        &[
            "run",
            "--backend",
            "live",
            "--trust-lessons",
            "--lessons",
            &dir,
            "--lesson",
            "make-cluster",
            "--confirm-billable",
            "yes",
        ],
    );
    assert!(!wrong.status.success());
    assert!(
        text(&wrong).contains("does not name the cluster this step creates"),
        "{}",
        text(&wrong)
    );
    assert!(stubs.calls().is_empty());

    let allowed = trinetes(
        state.path(),
        &stubs.path(),
        &aws_env(state.path(), "http://127.0.0.1:9"),
        &[
            "run",
            "--backend",
            "live",
            "--trust-lessons",
            "--lessons",
            &dir,
            "--lesson",
            "make-cluster",
            "--confirm-billable",
            "tcb-test",
        ],
    );
    assert!(allowed.status.success(), "{}", text(&allowed));
    assert_eq!(
        stubs.calls(),
        vec![
            "eksctl create cluster --name tcb-test --region us-east-1 --nodes 2 --node-type t2.large"
        ]
    );
    let open: Vec<Resource> = ledger
        .open()
        .unwrap()
        .into_iter()
        .map(|e| e.resource)
        .collect();
    assert_eq!(
        open,
        vec![Resource::EksCluster {
            name: "tcb-test".into(),
            region: "us-east-1".into()
        }]
    );
    // Its estimated cost per hour is kept with it, for the status bar.
    let per_hour = ledger.open().unwrap()[0].per_hour.expect("an estimate");
    assert!((per_hour - 0.2856).abs() < 1e-9, "{per_hour}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_killed_mid_create_leaves_the_ledger_right_and_cleanup_finishes() {
    let moto = MotoServer::start();
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    let pid_file = state.path().join("eksctl.pid");
    // eksctl that creates the cluster in moto, then hangs while "waiting for
    // the nodegroup" (bounded: it ends by itself after 30 s).
    stubs.add(
        "eksctl",
        &format!(
            "echo $$ > {pid}\n\
             aws eks create-cluster --endpoint-url \"$AWS_ENDPOINT_URL\" --region us-east-1 --name tcb-test \
               --role-arn arn:aws:iam::123456789012:role/eks --resources-vpc-config subnetIds=subnet-0a >/dev/null\n\
             aws eks create-nodegroup --endpoint-url \"$AWS_ENDPOINT_URL\" --region us-east-1 --cluster-name tcb-test \
               --nodegroup-name ng-1 --node-role arn:aws:iam::123456789012:role/eks --subnets subnet-0a >/dev/null\n\
             echo 'waiting for the nodegroup'\n\
             sleep 30",
            pid = pid_file.display()
        ),
    );
    let dir = lessons(state.path());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trinetes"));
    cmd.args([
        "run",
        "--backend",
        "live",
        "--trust-lessons",
        "--lessons",
        &dir,
        "--lesson",
        "make-cluster",
        "--confirm-billable",
        "tcb-test",
    ])
    .env("XDG_STATE_HOME", state.path())
    .env("HOME", state.path())
    .env("PATH", stubs.path())
    .env("NO_COLOR", "1")
    .env_remove("KUBECONFIG")
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    for (k, v) in aws_env(state.path(), &moto.url()) {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let client = EksClient::for_endpoint(&moto.url(), "us-east-1");
    let deadline = Instant::now() + Duration::from_secs(60);
    while client.describe_cluster("tcb-test").await.unwrap().is_none()
        || client.list_nodegroups("tcb-test").await.unwrap().is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "the stub eksctl never created the cluster"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The worst case: no chance to clean up.
    child.kill().unwrap();
    child.wait().unwrap();
    if let Ok(pid) = std::fs::read_to_string(&pid_file) {
        let _ = Command::new("kill").arg(pid.trim()).status();
    }

    let ledger = Ledger::in_dir(&state.path().join("trinetes"));
    let open: Vec<Resource> = ledger
        .open()
        .unwrap()
        .into_iter()
        .map(|e| e.resource)
        .collect();
    assert_eq!(
        open,
        vec![Resource::EksCluster {
            name: "tcb-test".into(),
            region: "us-east-1".into()
        }],
        "the ledger knew the cluster before eksctl started"
    );

    // The next start says what was left, and how to remove it.
    let env = aws_env(state.path(), &moto.url());
    let st = state.path().to_path_buf();
    let path = stubs.path();
    let dir2 = dir.clone();
    let next = tokio::task::spawn_blocking(move || {
        trinetes(
            &st,
            &path,
            &env,
            &[
                "run",
                "--backend",
                "live",
                "--trust-lessons",
                "--lessons",
                &dir2,
                "--lesson",
                "make-cluster",
            ],
        )
    })
    .await
    .unwrap();
    let said = text(&next);
    assert!(
        said.contains("left from an earlier session, and possibly still billed"),
        "{said}"
    );
    assert!(
        said.contains("EKS cluster tcb-test (us-east-1) (since"),
        "{said}"
    );
    assert!(said.contains("`trinetes cleanup` removes"), "{said}");

    let cleaner = Stubs::new(&state.path().join("cleanup"));
    cleaner.add("eksctl", DELETING_EKSCTL);
    let env = aws_env(state.path(), &moto.url());
    let st = state.path().to_path_buf();
    let path = cleaner.path();
    let out = tokio::task::spawn_blocking(move || {
        trinetes(&st, &path, &env, &["cleanup", "--yes", "--wait", "5s"])
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(client.describe_cluster("tcb-test").await.unwrap(), None);
    assert!(ledger.open().unwrap().is_empty());
}

#[test]
fn lessons_from_a_folder_do_not_run_for_real_without_trust() {
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    stubs.add("eksctl", "echo created");
    let dir = lessons(state.path());
    let out = trinetes(
        state.path(),
        &stubs.path(),
        &aws_env(state.path(), "http://127.0.0.1:9"),
        &[
            "run",
            "--backend",
            "live",
            "--lessons",
            &dir,
            "--lesson",
            "make-cluster",
            "--confirm-billable",
            "tcb-test",
        ],
    );
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("would run their commands for real on the live backend"),
        "{said}"
    );
    assert!(said.contains("--trust-lessons"), "{said}");
    assert!(stubs.calls().is_empty(), "{:?}", stubs.calls());
}

const HANGING_LESSON: &str = r#"---
id: hang
title: A step that hangs
summary: helm install that never ends.
minutes: 1
backends: [live]
order: 1
---

# Hang

```sh step id=install
helm install tcb trino/trino --version 1.42.2
```

```toml step-config
title = "Install, which hangs"
timeout = "3s"
```
"#;

#[test]
fn a_hanging_step_ends_at_its_timeout_its_process_group_is_gone_and_the_ledger_is_right() {
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    let releases = state.path().join("releases");
    std::fs::create_dir_all(&releases).unwrap();
    let pid_file = state.path().join("helm-sleep.pid");
    // helm that creates the release, then hangs in a child process (bounded:
    // the sleep ends by itself after 60 s).
    stubs.add(
        "helm",
        &format!(
            "case \"$1\" in\n\
             install) touch {releases}/$2; echo \"installing $2\"; sleep 60 & echo $! > {pid}; wait ;;\n\
             *) {file_helm} ;;\n\
             esac",
            releases = releases.display(),
            pid = pid_file.display(),
            file_helm = "exec \"$(dirname \"$0\")/file-helm\" \"$@\"",
        ),
    );
    stubs.add("file-helm", &super::cleanup::file_helm(&releases));
    let dir = state.path().join("lessons");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hang.md"), HANGING_LESSON).unwrap();
    let dir = dir.to_string_lossy().to_string();

    let out = trinetes(
        state.path(),
        &stubs.path(),
        &aws_env(state.path(), "http://127.0.0.1:9"),
        &[
            "run",
            "--backend",
            "live",
            "--trust-lessons",
            "--lessons",
            &dir,
            "--lesson",
            "hang",
        ],
    );
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("installing tcb"), "{said}");
    assert!(said.contains("ran past its timeout"), "{said}");

    // The whole process group went with the step: the hung child too.
    let pid = std::fs::read_to_string(&pid_file).expect("the stub wrote its child's pid");
    let alive = std::path::Path::new(&format!("/proc/{}", pid.trim())).exists()
        && !std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
            .unwrap_or_default()
            .contains(") Z ");
    assert!(!alive, "the hung child {} outlived its step", pid.trim());

    // The ledger knew the release before helm started, and it stays open:
    // nothing saw it gone.
    let ledger = Ledger::in_dir(&state.path().join("trinetes"));
    let open: Vec<Resource> = ledger
        .open()
        .unwrap()
        .into_iter()
        .map(|e| e.resource)
        .collect();
    assert_eq!(
        open,
        vec![Resource::HelmRelease {
            name: "tcb".into(),
            namespace: "default".into(),
            context: None
        }]
    );
    // Cleanup finishes the job.
    let out = trinetes(state.path(), &stubs.path(), &[], &["cleanup", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!releases.join("tcb").exists());
    assert!(ledger.open().unwrap().is_empty());
}

/// A create that fails before EKS made anything leaves no cluster in the
/// ledger once EKS answers that none exists; one that cannot be checked
/// (AWS out of reach) stays, since it may exist.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_create_that_made_nothing_leaves_the_ledger_once_eks_says_so() {
    let moto = MotoServer::start();
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    stubs.add("eksctl", "echo 'Error: AccessDenied' >&2; exit 1");
    let dir = lessons(state.path());
    let ledger = Ledger::in_dir(&state.path().join("trinetes"));
    let run = |endpoint: String| {
        let st = state.path().to_path_buf();
        let path = stubs.path();
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            let env = aws_env(&st, &endpoint);
            trinetes(
                &st,
                &path,
                &env,
                &[
                    "run",
                    "--backend",
                    "live",
                    "--trust-lessons",
                    "--lessons",
                    &dir,
                    "--lesson",
                    "make-cluster",
                    "--confirm-billable",
                    "tcb-test",
                ],
            )
        })
    };

    let out = run(moto.url()).await.unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        ledger.open().unwrap().is_empty(),
        "EKS says there is no tcb-test: {:?}",
        ledger.open().unwrap()
    );

    let out = run("http://127.0.0.1:9".to_string()).await.unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    let open: Vec<Resource> = ledger
        .open()
        .unwrap()
        .into_iter()
        .map(|e| e.resource)
        .collect();
    assert_eq!(
        open,
        vec![Resource::EksCluster {
            name: "tcb-test".into(),
            region: "us-east-1".into()
        }],
        "unchecked, so kept"
    );
}

/// Without eksctl and without AWS credentials, a headless live run stops
/// before anything runs, with the doctor's table and its fixes, and writes
/// nothing to the ledger (before, it ran the step into `eksctl: not found`
/// and kept a cluster that never started in the ledger).
#[test]
fn a_live_run_missing_a_tool_or_credentials_stops_before_anything_runs() {
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    let dir = lessons(state.path());
    let ledger = Ledger::in_dir(&state.path().join("trinetes"));
    let which = Command::new("sh")
        .args(["-c", "command -v eksctl"])
        .env("PATH", stubs.path())
        .output()
        .unwrap();
    assert!(
        !which.status.success(),
        "this test needs a PATH without eksctl"
    );
    let out = trinetes(
        state.path(),
        &stubs.path(),
        &[],
        &[
            "run",
            "--backend",
            "live",
            "--trust-lessons",
            "--lessons",
            &dir,
            "--lesson",
            "make-cluster",
            "--confirm-billable",
            "tcb-test",
        ],
    );
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("not run: the live backend is missing"),
        "{said}"
    );
    assert!(said.contains("✘ eksctl"), "{said}");
    assert!(said.contains("✘ AWS credentials"), "{said}");
    assert!(said.contains("Nothing was run or created"), "{said}");
    assert!(
        !said.contains("eksctl: not found"),
        "the step never ran: {said}"
    );
    assert!(ledger.open().unwrap().is_empty());
}
