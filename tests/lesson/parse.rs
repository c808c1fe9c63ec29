//! Parsing a lesson into the model: reading order, steps and their settings,
//! checks, speaker notes, hidden comments, diagrams and source positions.

use std::path::Path;
use std::time::Duration;

use trinetes::lesson::checks;
use trinetes::lesson::{BackendKind, Block, CheckKind, Lesson, Profile, Span, parse};

const LESSON: &str = r#"---
id: sample
title: "Sample: all the parts"
summary: One of everything.
minutes: 7
backends: [dry-run, live]
order: 3
---

# Sample

Intro prose with a {{cluster_name}}.

![Nesting](../assets/diagrams/nest.txt)

<!-- notes: Say hello.
     Then point at the picture. -->

<!-- a plain comment, hidden -->

```sh step id=make
eksctl create cluster --name {{cluster_name}}
```

```toml step-config
title = "Make {{cluster_name}}"
timeout = "1h30m"
billable = true
runs-on = ["live"]
skip-reason = "Only real AWS."
episode = "eksctl create cluster --version 1.21"
episode-why = "1.21 is gone."
hints = ["first", "second"]

[[check]]
kind = "eks-cluster"
name = "{{cluster_name}}"
region = "{{region}}"
status = "ACTIVE"
timeout = "20m"
hint = "Look in CloudFormation."

[[check]]
kind = "service"
name = "web"
type = "NodePort"
ports = [80, 443]
node-port-range = [30000, 32767]
timeout = "30s"
hint = "svc"

[[check]]
kind = "configmap-key"
name = "cm"
namespace = "kube-system"
key = "config.properties"
contains = "coordinator=true"
timeout = "5s"
hint = "cm"
```

Between the steps.

```bash step id=watch
kubectl get pods -w
```

```toml step-config
title = "Watch"
timeout = "90s"
interactive = true
```
"#;

fn sample() -> Lesson {
    let diagrams =
        |dest: &str| (dest == "../assets/diagrams/nest.txt").then(|| "[box]".to_string());
    parse(Path::new("lessons/sample.md"), LESSON, &diagrams).unwrap_or_else(|errors| {
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("{}", text.join("\n"))
    })
}

#[test]
fn front_matter_is_read() {
    let l = sample();
    assert_eq!(l.front.id, "sample");
    assert_eq!(l.front.title, "Sample: all the parts");
    assert_eq!(l.front.minutes, 7);
    assert_eq!(l.front.order, 3);
    assert_eq!(l.front.backends, [BackendKind::DryRun, BackendKind::Live]);
}

#[test]
fn blocks_keep_reading_order_and_leave_comments_out() {
    let l = sample();
    assert_eq!(l.blocks.len(), 4, "{:#?}", l.blocks);
    let Block::Markdown { source, span } = &l.blocks[0] else {
        panic!("prose first")
    };
    assert!(source.starts_with("# Sample"));
    assert!(source.contains("![Nesting](../assets/diagrams/nest.txt)"));
    assert!(!source.contains("<!--"), "comments are not prose: {source}");
    assert_eq!(
        *span,
        Span {
            line: 10,
            column: 1
        }
    );
    assert_eq!(l.blocks[1], Block::Step(0));
    assert!(
        matches!(&l.blocks[2], Block::Markdown { source, .. } if source == "Between the steps.")
    );
    assert_eq!(l.blocks[3], Block::Step(1));
}

#[test]
fn notes_come_from_notes_comments_only() {
    let l = sample();
    assert_eq!(l.notes.len(), 1);
    assert_eq!(l.notes[0].text, "Say hello.\nThen point at the picture.");
    assert_eq!(
        l.notes[0].span,
        Span {
            line: 16,
            column: 1
        }
    );
}

#[test]
fn diagrams_are_keyed_by_the_image_url_as_written() {
    let l = sample();
    assert_eq!(l.diagrams.len(), 1);
    assert_eq!(l.diagrams["../assets/diagrams/nest.txt"], "[box]");
}

#[test]
fn step_settings_are_read() {
    let l = sample();
    let make = &l.steps[0];
    assert_eq!(make.id, "make");
    assert_eq!(make.title, "Make {{cluster_name}}");
    assert_eq!(
        make.command,
        "eksctl create cluster --name {{cluster_name}}"
    );
    assert_eq!(make.timeout, Duration::from_secs(5400));
    assert!(make.billable && !make.interactive && !make.background);
    assert_eq!(make.backends, [BackendKind::Live]);
    assert_eq!(make.skip_reason.as_deref(), Some("Only real AWS."));
    assert_eq!(
        make.episode_command.as_deref(),
        Some("eksctl create cluster --version 1.21")
    );
    assert_eq!(make.episode_why.as_deref(), Some("1.21 is gone."));
    assert_eq!(
        make.hints,
        [
            trinetes::lesson::StepHint::always("first"),
            trinetes::lesson::StepHint::always("second")
        ]
    );
    assert_eq!(
        make.span,
        Span {
            line: 21,
            column: 1
        }
    );

    let watch = &l.steps[1];
    assert!(watch.interactive);
    assert!(watch.backends.is_empty(), "no runs-on means every backend");
    assert!(watch.checks.is_empty());
}

#[test]
fn checks_are_typed_with_timeouts_hints_and_positions() {
    let l = sample();
    let checks = &l.steps[0].checks;
    assert_eq!(checks.len(), 3);
    assert_eq!(
        checks[0].kind,
        CheckKind::EksCluster(checks::EksCluster {
            name: "{{cluster_name}}".into(),
            region: "{{region}}".into(),
            status: "ACTIVE".into()
        })
    );
    assert_eq!(checks[0].timeout, Duration::from_secs(1200));
    assert_eq!(checks[0].hint, "Look in CloudFormation.");
    assert_eq!(
        checks[0].span,
        Span {
            line: 35,
            column: 1
        }
    );
    assert_eq!(
        checks[1].kind,
        CheckKind::Service(checks::Service {
            name: "web".into(),
            namespace: None,
            service_type: Some("NodePort".into()),
            ports: vec![80, 443],
            node_port_range: Some((30000, 32767))
        })
    );
    assert_eq!(
        checks[2].kind,
        CheckKind::ConfigMapKey(checks::ConfigMapKey {
            name: "cm".into(),
            namespace: Some("kube-system".into()),
            key: "config.properties".into(),
            contains: "coordinator=true".into()
        })
    );
    assert_eq!(
        checks[2].describe(),
        "configmap cm in namespace kube-system: config.properties contains \"coordinator=true\""
    );
}

#[test]
fn variables_are_listed_and_expanded() {
    let l = sample();
    assert_eq!(l.variables, ["cluster_name", "region"]);
    let profile = Profile::builtin("current").expect("profile");
    let x = l.expanded(&profile);
    assert_eq!(
        x.steps[0].command,
        "eksctl create cluster --name tcb-cluster"
    );
    assert_eq!(x.steps[0].title, "Make tcb-cluster");
    assert!(
        matches!(&x.steps[0].checks[0].kind, CheckKind::EksCluster(checks::EksCluster { region, .. }) if region == "us-east-1")
    );
    assert!(
        matches!(&x.blocks[0], Block::Markdown { source, .. } if source.contains("with a tcb-cluster."))
    );
    // The original is untouched.
    assert_eq!(
        l.steps[0].command,
        "eksctl create cluster --name {{cluster_name}}"
    );
}

#[test]
fn steps_inside_lists_are_rejected() {
    let src = LESSON.replace(
        "Between the steps.",
        "- a list item\n\n  ```sh step id=nested\n  kubectl get pods\n  ```",
    );
    let diagrams = |_: &str| Some(String::new());
    let errors = parse(Path::new("x.md"), &src, &diagrams).expect_err("nested step");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].message.contains("top-level code block"),
        "{}",
        errors[0]
    );
    assert_eq!((errors[0].line, errors[0].column), (64, 3));
}

const PROFILE_ONLY: &str = r#"---
id: fix
title: Fix
summary: A step for one profile.
minutes: 1
order: 1
---

# Fix

```sh step id=see
kubectl get pods -l {{coordinator_selector}}
```

```toml step-config
title = "See it loop"
timeout = "30s"
profiles = ["episode-2021"]
skip-reason = "Chart {{chart_version}} starts cleanly."

[[check]]
kind = "pods"
selector = "{{coordinator_selector}}"
count = 1
reason = "CrashLoopBackOff"
min-restarts = 2
timeout = "3m"
hint = "wait"
```

```sh step id=everywhere
kubectl get deployments
```

```toml step-config
title = "Everywhere"
timeout = "30s"
```
"#;

#[test]
fn a_step_for_some_profiles_is_skipped_on_the_others() {
    let lesson = parse(Path::new("fix.md"), PROFILE_ONLY, &|_| None).unwrap_or_else(|errors| {
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("{}", text.join("\n"))
    });
    assert_eq!(lesson.steps[0].profiles, ["episode-2021"]);
    assert!(lesson.steps[1].profiles.is_empty());
    assert_eq!(
        lesson.steps[0].checks[0].kind,
        CheckKind::Pods(checks::Pods {
            selector: "{{coordinator_selector}}".into(),
            namespace: None,
            count: Some(1),
            phase: None,
            reason: Some("CrashLoopBackOff".into()),
            min_restarts: Some(2),
        })
    );

    let episode = lesson.expanded(&Profile::builtin("episode-2021").expect("profile"));
    assert_eq!(episode.steps[0].skipped_on_profile, None);
    assert_eq!(episode.steps[0].profile_skip_reason(), None);

    let current = lesson.expanded(&Profile::builtin("current").expect("profile"));
    assert_eq!(
        current.steps[0].skipped_on_profile.as_deref(),
        Some("current")
    );
    assert_eq!(
        current.steps[0].profile_skip_reason().as_deref(),
        Some("not on profile current (only episode-2021): Chart 1.42.2 starts cleanly.")
    );
    assert_eq!(current.steps[1].skipped_on_profile, None);
    assert_eq!(
        current.steps[0].checks[0].describe(),
        "1 pod matching app.kubernetes.io/name=trino,app.kubernetes.io/instance=tcb,app.kubernetes.io/component=coordinator with status CrashLoopBackOff, restarted at least 2 times"
    );
}
