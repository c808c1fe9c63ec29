//! The dry-run safety net, headless: a stub `eksctl` on PATH that fails as
//! the real one does when DNS is gone, or with a bad flag.

use trinetes::ledger::{Ledger, Resource};

use super::stubs::{Stubs, aws_env, trinetes};
use crate::support::bin::{leftover_worlds, text};

/// What eksctl 0.230 prints when the machine cannot resolve AWS names: its
/// STS check fails in aws-sdk-go-v2, whose error ends in Go's DNS error.
const DNS_FAILURE: &str = "echo '2026-11-30 20:00:01 [ℹ]  eksctl version 0.230.0'\n\
     echo '2026-11-30 20:00:01 [ℹ]  using region us-east-1'\n\
     echo 'Error: checking AWS STS access – cannot get role ARN for current session: operation \
     error STS: GetCallerIdentity, exceeded maximum number of attempts, 3, https response error \
     StatusCode: 0, RequestID: , request send failed, Post \"https://sts.us-east-1.amazonaws.com/\": \
     dial tcp: lookup sts.us-east-1.amazonaws.com: no such host' >&2\n\
     exit 1";

fn run_eks(state: &std::path::Path, stubs: &Stubs, extra: &[&str]) -> std::process::Output {
    let report = state.join("report.json");
    let report = report.to_string_lossy();
    let mut args = vec![
        "run",
        "--backend",
        "live",
        "--lesson",
        "eks",
        "--pace",
        "fast",
        "--confirm-billable",
        "tcb-cluster",
        "--report",
        &report,
    ];
    args.extend_from_slice(extra);
    // Credentials are there (the doctor's checks pass); the network is not.
    let env = aws_env(state, "http://127.0.0.1:9");
    trinetes(state, &stubs.path(), &env, &args)
}

fn report(state: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(state.join("report.json")).expect("the report");
    serde_json::from_str(&text).expect("JSON")
}

#[test]
fn a_live_step_failing_on_dns_goes_on_on_dry_run_with_fallback_auto() {
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    stubs.add("eksctl", DNS_FAILURE);

    let cast = state.path().join("run.cast");
    let cast_arg = cast.to_string_lossy().to_string();
    let out = run_eks(
        state.path(),
        &stubs,
        &["--fallback", "auto", "--record", &cast_arg],
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("eks/create-cluster failed on live because of a DNS failure"),
        "{said}"
    );
    // A recording of the run says where it went on on dry-run.
    let recorded = std::fs::read_to_string(&cast).expect("the recording");
    assert!(
        recorded.contains("SIMULATED from eks/create-cluster on"),
        "{recorded}"
    );
    assert!(
        said.contains("SIMULATED from eks/create-cluster on"),
        "{said}"
    );
    // Replayed, the step plays its failure with the note, then its run on
    // dry-run.
    let script = trinetes::replay::open_script(&cast).expect("a recording replay reads");
    assert_eq!(script.count("eks", "create-cluster"), 2, "{script:?}");
    let outcome = |nth| {
        let step = script.find("eks", "create-cluster", nth).expect("recorded");
        step.events
            .iter()
            .find_map(|(_, e)| match e {
                trinetes::execute::ExecutionEvent::StepFinished { outcome, .. } => {
                    Some(outcome.clone())
                }
                _ => None,
            })
            .expect("the step's end")
    };
    assert!(
        matches!(outcome(0), trinetes::execute::StepOutcome::Failed { .. }),
        "{:?}",
        outcome(0)
    );
    assert_eq!(outcome(1), trinetes::execute::StepOutcome::Passed);
    let failed = script.find("eks", "create-cluster", 0).expect("recorded");
    assert!(
        failed.events.iter().any(|(_, e)| matches!(
            e,
            trinetes::execute::ExecutionEvent::Output { line, .. }
                if line.contains("SIMULATED from eks/create-cluster on")
        )),
        "{failed:?}"
    );
    // The real (stub) eksctl ran once; the rest ran on the simulated world.
    assert_eq!(stubs.calls().len(), 1, "{:?}", stubs.calls());
    assert!(said.contains("✔ get-nodes passed"), "{said}");

    let report = report(state.path());
    assert_eq!(report["failed"], 0, "{report}");
    assert_eq!(report["passed"], 3, "{report}");
    let net = &report["fallback"];
    assert_eq!(net["failed_step"], "eks/create-cluster", "{report}");
    assert_eq!(net["cause"], "a DNS failure");
    assert_eq!(net["matched"], "no such host");
    assert_eq!(
        net["simulated"],
        serde_json::json!(["eks/create-cluster", "eks/current-context", "eks/get-nodes"])
    );
    let steps = report["lessons"][0]["steps"].as_array().expect("steps");
    assert!(
        steps.iter().all(|s| s["simulated"] == true),
        "every step of the lesson ran simulated: {report}"
    );

    // The live ledger keeps what live recorded before its command ran
    // (it may exist), and nothing simulated was added.
    let open: Vec<Resource> = Ledger::in_dir(&state.path().join("trinetes"))
        .open()
        .unwrap()
        .into_iter()
        .map(|e| e.resource)
        .collect();
    assert_eq!(
        open,
        vec![Resource::EksCluster {
            name: "tcb-cluster".into(),
            region: "us-east-1".into()
        }]
    );
    // The simulated world was temporary: nothing of it is left, and the
    // lesson is not marked done, since it was not done for real.
    assert_eq!(
        leftover_worlds(&state.path().join("trinetes")),
        Vec::<String>::new()
    );
    let progress = trinetes::progress::ProgressStore::new(state.path().join("trinetes"))
        .load()
        .expect("progress loads")
        .progress;
    for step in ["create-cluster", "current-context", "get-nodes"] {
        assert_eq!(progress.step_outcome("eks", step), None, "{step}");
    }
}

#[test]
fn without_fallback_auto_a_headless_network_failure_stands() {
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    stubs.add("eksctl", DNS_FAILURE);
    for extra in [&[][..], &["--fallback", "ask"], &["--fallback", "never"]] {
        let out = run_eks(state.path(), &stubs, extra);
        let said = text(&out);
        assert!(!out.status.success(), "{extra:?}: {said}");
        assert!(!said.contains("SIMULATED"), "{extra:?}: {said}");
        let report = report(state.path());
        assert_eq!(report["failed"], 1, "{report}");
        assert!(report.get("fallback").is_none(), "{report}");
    }
}

#[test]
fn a_failure_that_is_not_the_networks_is_not_simulated_away() {
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    // cobra's answer to a flag eksctl does not know.
    stubs.add(
        "eksctl",
        "echo 'Error: unknown flag: --nodegroup-name' >&2\nexit 1",
    );
    let out = run_eks(state.path(), &stubs, &["--fallback", "auto"]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(!said.contains("SIMULATED"), "{said}");
    assert!(said.contains("unknown flag"), "{said}");
    let report = report(state.path());
    assert_eq!(report["failed"], 1, "{report}");
    assert!(report.get("fallback").is_none(), "{report}");
}

#[test]
fn a_build_up_failing_on_dns_goes_on_and_the_asked_lesson_runs_on_what_it_built() {
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    stubs.add("eksctl", DNS_FAILURE);
    let report = state.path().join("report.json");
    let out = trinetes(
        state.path(),
        &stubs.path(),
        &aws_env(state.path(), "http://127.0.0.1:9"),
        &[
            "run",
            "--backend",
            "live",
            "--lesson",
            "helm-trino",
            // Short of the port-forward, which would take 127.0.0.1:8080.
            "--until",
            "get-pods",
            "--pace",
            "fast",
            "--confirm-billable",
            "tcb-cluster",
            "--fallback",
            "auto",
            "--report",
            &report.to_string_lossy(),
        ],
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    // helm-trino needs the EKS cluster: building it (lesson eks) failed on
    // live, went on on dry-run, and helm-trino found it there.
    assert!(
        said.contains("eks/create-cluster failed on live because of a DNS failure"),
        "{said}"
    );
    let report = self::report(state.path());
    let simulated = report["fallback"]["simulated"].as_array().expect("a list");
    assert!(
        simulated.iter().any(|s| s == "helm-trino/helm-install"),
        "{report}"
    );
    assert_eq!(report["failed"], 0, "{report}");
    assert_eq!(stubs.calls().len(), 1, "{:?}", stubs.calls());
}

/// The simulated world is brought to where live stood: what the lesson
/// needs is built, then its own steps before the failed one run, so the
/// failed step (here `helm install trino/trino`, which needs the repo that
/// `helm repo add` added) passes there.
#[tokio::test(flavor = "multi_thread")]
async fn the_simulated_world_gets_what_the_earlier_steps_made() {
    use tokio_util::sync::CancellationToken;
    use trinetes::backend::fallback::start_world;
    use trinetes::execute::{StepOutcome, execute_step, rebuild};
    use trinetes::lesson::Profile;

    let state = tempfile::tempdir().unwrap();
    let profile = Profile::builtin("current").unwrap();
    let lessons: Vec<_> = trinetes::lesson::builtin()
        .iter()
        .map(|l| l.expanded(&profile))
        .collect();
    let helm = lessons.iter().find(|l| l.front.id == "helm-trino").unwrap();
    let failed = helm
        .steps
        .iter()
        .position(|s| s.id == "helm-install")
        .unwrap();

    let world = start_world(&profile, trinetes::sim::eksctl::Pace::Fast, state.path())
        .await
        .expect("a simulated world");
    let backend = world.backend();
    let plan = rebuild::plan(backend.as_ref(), &lessons, helm, failed).await;
    let names: Vec<String> = plan.iter().map(|r| r.name()).collect();
    assert_eq!(
        names,
        [
            "eks/create-cluster",
            "eks/current-context",
            "eks/get-nodes",
            "helm-trino/helm-repo",
            "helm-trino/helm-template",
        ],
        "the needs first, then the lesson's steps before the failed one"
    );
    let mut ran = Vec::new();
    rebuild::run(
        backend.as_ref(),
        &plan,
        &CancellationToken::new(),
        |r, o| ran.push((r.name(), o.clone())),
    )
    .await
    .expect("the earlier steps pass on the simulated world");
    assert_eq!(ran.len(), plan.len());

    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    let outcome = execute_step(
        backend.as_ref(),
        &helm.steps[failed],
        &tx,
        &CancellationToken::new(),
    )
    .await;
    drop(tx);
    drain.await.unwrap();
    assert_eq!(outcome, StepOutcome::Passed);

    // Without the earlier steps, the same step fails on a new world: the
    // rebuild is what made it pass.
    let bare = start_world(
        &profile,
        trinetes::sim::eksctl::Pace::Fast,
        &state.path().join("bare"),
    )
    .await
    .expect("a simulated world");
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    let mut step = helm.steps[failed].clone();
    step.timeout = std::time::Duration::from_secs(20);
    for c in &mut step.checks {
        c.timeout = std::time::Duration::from_secs(2);
    }
    let outcome = execute_step(
        bare.backend().as_ref(),
        &step,
        &tx,
        &CancellationToken::new(),
    )
    .await;
    drop(tx);
    drain.await.unwrap();
    assert_ne!(outcome, StepOutcome::Passed);

    drop(backend);
    world.shutdown().await;
    bare.shutdown().await;
}
