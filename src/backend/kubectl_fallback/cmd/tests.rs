use super::*;

fn words(line: &str) -> Vec<String> {
    shell_words::split(line).expect("valid words")
}

fn ok(line: &str) -> Invocation {
    parse(&words(line)).unwrap_or_else(|e| panic!("{line}: {e}"))
}

fn err(line: &str) -> String {
    match parse(&words(line)) {
        Ok(i) => panic!("{line} parsed as {i:?}"),
        Err(e) => e.to_string(),
    }
}

fn get(line: &str) -> GetArgs {
    match ok(line) {
        Invocation::Get(g) => g,
        other => panic!("{line}: {other:?}"),
    }
}

#[test]
fn get_takes_kind_names_namespace_selector_and_output() {
    let g = get("kubectl get pods -l app=web -o wide");
    assert_eq!(
        g.target,
        Target {
            kind: "pods".into(),
            names: vec![]
        }
    );
    assert_eq!(g.selector.as_deref(), Some("app=web"));
    assert_eq!(g.output, OutputFormat::Wide);
    assert_eq!(g.scope, Scope::Namespace("default".into()));

    let g = get("kubectl get deploy a b --namespace=prod --show-labels");
    assert_eq!(g.target.names, ["a", "b"]);
    assert_eq!(g.scope, Scope::Namespace("prod".into()));
    assert!(g.show_labels);

    let g = get("kubectl get po -A --selector app=x,tier!=db -oname");
    assert_eq!(g.scope, Scope::All);
    assert_eq!(g.selector.as_deref(), Some("app=x,tier!=db"));
    assert_eq!(g.output, OutputFormat::Name);

    assert_eq!(
        get("kubectl get pods -lapp=web").selector.as_deref(),
        Some("app=web")
    );
    assert_eq!(
        get("kubectl get pods -n=kube-system").scope,
        Scope::Namespace("kube-system".into())
    );
    assert_eq!(
        get("kubectl get svc --output yaml").output,
        OutputFormat::Yaml
    );
    assert_eq!(get("kubectl get svc -o json").output, OutputFormat::Json);
}

#[test]
fn slash_form_groups_names_by_kind() {
    let g = get("kubectl get deploy/a deploy/b");
    assert_eq!(
        g.target,
        Target {
            kind: "deploy".into(),
            names: vec!["a".into(), "b".into()]
        }
    );
    assert!(err("kubectl get deploy/a pod/b").contains("one resource type at a time"));
    assert!(err("kubectl get deploy a/b").contains("resource/name form"));
}

#[test]
fn scale_delete_logs_create_and_expose_parse() {
    assert_eq!(
        ok("kubectl scale deployment hello --replicas=5"),
        Invocation::Scale {
            target: Target {
                kind: "deployment".into(),
                names: vec!["hello".into()]
            },
            namespace: "default".into(),
            replicas: 5,
        }
    );
    assert!(matches!(
        ok("kubectl scale rs/x --replicas 0"),
        Invocation::Scale { replicas: 0, .. }
    ));
    assert!(err("kubectl scale deployment hello").contains("\"replicas\" not set"));
    assert!(err("kubectl scale deployment hello --replicas=many").contains("invalid argument"));

    let Invocation::Delete(d) = ok("kubectl delete pods -l app=hello --wait=false") else {
        panic!("not a delete")
    };
    assert_eq!(d.selector.as_deref(), Some("app=hello"));
    assert!(!d.all);
    let Invocation::Delete(d) = ok("kubectl delete service --all") else {
        panic!("not a delete")
    };
    assert!(d.all && d.target.names.is_empty());
    assert!(err("kubectl delete deployment").contains("no name was specified"));
    assert!(err("kubectl delete deployment x --all").contains("cannot be provided"));
    assert!(
        err("kubectl delete pods -l app=x --wait=maybe")
            .contains("invalid argument \"maybe\" for \"--wait\" flag: strconv.ParseBool")
    );

    assert_eq!(
        ok("kubectl logs deploy/tcb-trino-coordinator -c trino --previous --tail=20"),
        Invocation::Logs(LogsArgs {
            target: "deploy/tcb-trino-coordinator".into(),
            namespace: "default".into(),
            container: Some("trino".into()),
            previous: true,
            tail: Some(20),
        })
    );
    let Invocation::Logs(l) = ok("kubectl logs web-1 nginx --tail -1") else {
        panic!("not logs")
    };
    assert_eq!((l.container.as_deref(), l.tail), (Some("nginx"), None));

    assert_eq!(
        ok("kubectl create deployment hello --image=nginx --replicas=3"),
        Invocation::CreateDeployment(CreateDeploymentArgs {
            name: "hello".into(),
            namespace: "default".into(),
            image: "nginx".into(),
            replicas: 3,
            port: None,
        })
    );
    assert!(err("kubectl create deployment hello").contains("\"image\" not set"));
    assert!(err("kubectl create configmap x").contains("not covered"));

    let Invocation::Expose(e) = ok("kubectl expose deployment web --type=NodePort --port=80")
    else {
        panic!("not expose")
    };
    assert_eq!(
        (e.port, e.service_type.as_deref(), e.protocol.as_str()),
        (Some(80), Some("NodePort"), "TCP")
    );
}

#[test]
fn anything_else_is_refused_with_what_is_covered() {
    for line in [
        "kubectl apply -f x.yaml",
        "kubectl edit rs x",
        "kubectl",
        "kubectl rollout pause deploy/x",
    ] {
        let e = err(line);
        assert!(
            e.contains("not covered") && e.contains(COVERED) && e.contains("install kubectl"),
            "{line}: {e}"
        );
    }
    let e = err("kubectl get pods -w");
    assert!(
        e.contains("does not support the flag -w") && e.contains("install kubectl"),
        "{e}"
    );
    assert!(err("kubectl get pods -o jsonpath={.items}").contains("-o wide, name, json or yaml"));
    assert!(err("kubectl get pods -n").contains("needs an argument"));
}

#[test]
fn the_episode_profiles_crash_loop_steps_parse() {
    // Steps another lesson branch adds for the episode-2021 profile.
    let g = get(
        "kubectl get pods -l app.kubernetes.io/name=trino,app.kubernetes.io/instance=tcb,app.kubernetes.io/component=coordinator",
    );
    assert_eq!(
        g.selector.as_deref(),
        Some(
            "app.kubernetes.io/name=trino,app.kubernetes.io/instance=tcb,app.kubernetes.io/component=coordinator"
        )
    );
    let g = get("kubectl get pods -l app=trino,release=tcb,component=coordinator");
    assert_eq!(
        g.selector.as_deref(),
        Some("app=trino,release=tcb,component=coordinator")
    );
    let Invocation::Logs(l) = ok("kubectl logs deploy/tcb-trino-coordinator") else {
        panic!("not logs")
    };
    assert_eq!(l.target, "deploy/tcb-trino-coordinator");
}

#[test]
fn unknown_flags_name_the_flag_and_the_command() {
    assert_eq!(
        err("kubectl get pods --watch=true"),
        "error: the built-in kubectl fallback does not support the flag --watch for `kubectl get`; install kubectl for the full command"
    );
    assert!(
        err("kubectl create deployment web --image=nginx --dry-run=client")
            .contains("--dry-run for `kubectl create deployment`")
    );
    assert_eq!(
        err("kubectl scale deploy/web --replicas"),
        "error: flag needs an argument: --replicas"
    );
}

#[test]
fn every_command_answers_help_as_the_simulation() {
    for command in [
        "",
        "get",
        "describe",
        "scale",
        "delete",
        "logs",
        "create",
        "create deployment",
        "expose",
        "version",
        "cluster-info",
    ] {
        let line = format!("kubectl {command} --help");
        let Invocation::Help(text) = ok(&line) else {
            panic!("{line}: no help");
        };
        let path = format!("kubectl {command}");
        assert!(
            text.starts_with(&format!("{} (simulated by trinetes)", path.trim_end())),
            "{line}: {text}"
        );
    }
}

#[test]
fn set_image_takes_a_deployment_and_container_image_pairs() {
    let Invocation::SetImage(args) = ok("kubectl set image deployment/web nginx=nginx:1.21") else {
        panic!("not set image")
    };
    assert_eq!(
        args.target,
        Target {
            kind: "deployment".into(),
            names: vec!["web".into()]
        }
    );
    assert_eq!(args.namespace, "default");
    assert_eq!(
        args.images,
        [("nginx".to_string(), "nginx:1.21".to_string())]
    );
    let Invocation::SetImage(args) = ok("kubectl set image deploy web '*=nginx:1.22' -n prod")
    else {
        panic!("not set image")
    };
    assert_eq!(args.target.names, ["web"]);
    assert_eq!(args.namespace, "prod");
    assert_eq!(args.images, [("*".to_string(), "nginx:1.22".to_string())]);
    assert!(
        err("kubectl set image deployment/web").contains("at least one image update is required")
    );
    assert!(err("kubectl set env deployment/web A=b").contains("not covered"));
}

#[test]
fn rollout_status_history_and_undo_take_one_deployment() {
    let Invocation::Rollout(RolloutArgs::Status {
        target, timeout, ..
    }) = ok("kubectl rollout status deployment/web --timeout=2m")
    else {
        panic!("not rollout status")
    };
    assert_eq!(target.names, ["web"]);
    assert_eq!(timeout, Some(std::time::Duration::from_secs(120)));
    assert!(matches!(
        ok("kubectl rollout history deployment/web"),
        Invocation::Rollout(RolloutArgs::History { .. })
    ));
    assert!(matches!(
        ok("kubectl rollout undo deployment/web --to-revision=1"),
        Invocation::Rollout(RolloutArgs::Undo { to_revision: 1, .. })
    ));
    assert!(matches!(
        ok("kubectl rollout undo deploy web"),
        Invocation::Rollout(RolloutArgs::Undo { to_revision: 0, .. })
    ));
    assert!(matches!(
        ok("kubectl rollout restart deployment/tcb-trino-coordinator"),
        Invocation::Rollout(RolloutArgs::Restart { .. })
    ));
    assert!(err("kubectl rollout status deployment").contains("required resource not specified"));
    assert!(err("kubectl rollout pause deployment/web").contains("not covered"));
}
