//! `helm upgrade`, `helm history` and `helm get values` against the Store.

use crate::support::helm::{helm_with_repo, names, run, store};

#[test]
fn upgrade_pins_the_image_and_records_a_new_revision() {
    let store = store();
    let mut helm = helm_with_repo();
    assert_eq!(
        run(&mut helm, &store, "install tcb trino/trino --version 0.3.0").exit_code,
        0
    );
    let service_ip = store
        .get("Service", Some("default"), "tcb-trino")
        .expect("service")["spec"]["clusterIP"]
        .clone();
    let out = run(
        &mut helm,
        &store,
        "upgrade tcb trino/trino --version 0.3.0 --set image.tag=355",
    );
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("Release \"tcb\" has been upgraded. Happy Helming!\nNAME: tcb\n")
    );
    assert!(out.stdout.contains("REVISION: 2\n"));
    let worker = store
        .get("Deployment", Some("default"), "tcb-trino-worker")
        .expect("worker");
    assert_eq!(
        worker["spec"]["template"]["spec"]["containers"][0]["image"],
        "trinodb/trino:355"
    );
    assert_eq!(worker["metadata"]["generation"], 2);
    let service = store
        .get("Service", Some("default"), "tcb-trino")
        .expect("service");
    assert_eq!(
        service["spec"]["clusterIP"], service_ip,
        "the Service keeps its address"
    );
    assert_eq!(
        names(&store, "Secret"),
        ["sh.helm.release.v1.tcb.v1", "sh.helm.release.v1.tcb.v2"]
    );
    let v1 = store
        .get("Secret", Some("default"), "sh.helm.release.v1.tcb.v1")
        .expect("first revision");
    assert_eq!(v1["metadata"]["labels"]["status"], "superseded");
    let list = run(&mut helm, &store, "list");
    assert!(list.stdout.contains("\t2       \t"), "{}", list.stdout);

    // No values on the command line: helm reuses the last ones.
    let again = run(&mut helm, &store, "upgrade tcb trino/trino --version 0.3.0");
    assert!(again.stdout.contains("REVISION: 3\n"), "{}", again.stderr);
    let worker = store
        .get("Deployment", Some("default"), "tcb-trino-worker")
        .expect("worker");
    assert_eq!(
        worker["spec"]["template"]["spec"]["containers"][0]["image"],
        "trinodb/trino:355"
    );

    // Zero workers: the upgrade deletes what the chart no longer renders.
    let out = run(
        &mut helm,
        &store,
        "upgrade tcb trino/trino --version 0.3.0 --reuse-values --set server.workers=0",
    );
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert_eq!(names(&store, "Deployment"), ["tcb-trino-coordinator"]);
    let coordinator = store
        .get("Deployment", Some("default"), "tcb-trino-coordinator")
        .expect("coordinator");
    assert_eq!(
        coordinator["spec"]["template"]["spec"]["containers"][0]["image"], "trinodb/trino:355",
        "--reuse-values kept the pinned tag"
    );
    assert_eq!(run(&mut helm, &store, "uninstall tcb").exit_code, 0);
    assert!(names(&store, "Secret").is_empty());
    assert!(names(&store, "Deployment").is_empty());
}

#[test]
fn upgrade_of_a_missing_release_needs_install() {
    let store = store();
    let mut helm = helm_with_repo();
    let out = run(&mut helm, &store, "upgrade tcb trino/trino");
    assert_eq!(
        out.stderr,
        "Error: UPGRADE FAILED: \"tcb\" has no deployed releases\n"
    );
    let out = run(&mut helm, &store, "upgrade --install tcb trino/trino");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("Release \"tcb\" does not exist. Installing it now.\nNAME: tcb\n")
    );
    assert!(out.stdout.contains("REVISION: 1\n"));
}

#[test]
fn history_and_get_values_follow_the_revisions() {
    let store = store();
    let mut helm = helm_with_repo();
    run(&mut helm, &store, "install tcb trino/trino --version 0.3.0");
    let values = run(&mut helm, &store, "get values tcb");
    assert_eq!(values.stdout, "USER-SUPPLIED VALUES:\nnull\n");
    run(
        &mut helm,
        &store,
        "upgrade tcb trino/trino --version 0.3.0 --set image.tag=355",
    );
    let values = run(&mut helm, &store, "get values tcb");
    assert_eq!(values.stdout, "USER-SUPPLIED VALUES:\nimage:\n  tag: 355\n");
    let all = run(&mut helm, &store, "get values tcb --all");
    assert!(all.stdout.starts_with("COMPUTED VALUES:\n"));
    assert!(all.stdout.contains("  workers: 2\n"), "{}", all.stdout);
    let history = run(&mut helm, &store, "history tcb");
    let lines: Vec<&str> = history.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", history.stdout);
    assert!(lines[0].starts_with("REVISION\tUPDATED"));
    assert!(lines[1].starts_with("1       \tThu Dec 16 18:05:03 2021\tsuperseded\ttrino-0.3.0\t355        \tInstall complete"), "{}", lines[1]);
    assert!(
        lines[2].contains("\tdeployed  \t") && lines[2].ends_with("Upgrade complete"),
        "{}",
        lines[2]
    );
    assert_eq!(
        run(&mut helm, &store, "history nope").stderr,
        "Error: release: not found\n"
    );
}
