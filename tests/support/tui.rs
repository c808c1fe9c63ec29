//! Fixture lessons and an app builder shared by the TUI tests. Lessons are
//! built in code, not parsed, so the TUI's snapshots do not move when the
//! lesson format or the shipped lessons change.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use trinetes::lesson::checks;
use trinetes::lesson::{
    BackendKind, Block, Check, CheckKind, FrontMatter, Lesson, Span, SpeakerNote, Step,
};
use trinetes::progress::Progress;
use trinetes::tui::action::Action;
use trinetes::tui::screens::draw;
use trinetes::tui::state::{App, Settings};
use trinetes::tui::theme::Theme;
use trinetes::tui::update::update;

pub struct LessonBuilder {
    lesson: Lesson,
}

pub fn lesson(id: &str, title: &str) -> LessonBuilder {
    LessonBuilder {
        lesson: Lesson {
            path: PathBuf::from(format!("lessons/{id}.md")),
            front: FrontMatter {
                id: id.to_string(),
                title: title.to_string(),
                summary: format!("What {title} teaches, in one sentence."),
                minutes: 10,
                backends: Vec::new(),
                order: 0,
                cluster: None,
                needs: Vec::new(),
                provides: Vec::new(),
            },
            blocks: Vec::new(),
            steps: Vec::new(),
            notes: Vec::new(),
            pauses: Vec::new(),
            diagrams: BTreeMap::new(),
            variables: Vec::new(),
        },
    }
}

pub fn step(id: &str, title: &str, command: &str) -> Step {
    Step {
        id: id.to_string(),
        title: title.to_string(),
        command: command.to_string(),
        episode_command: None,
        episode_why: None,
        timeout: Duration::from_secs(30),
        billable: false,
        interactive: false,
        background: false,
        backends: Vec::new(),
        profiles: Vec::new(),
        skip_reason: None,
        skipped_on_profile: None,
        checks: Vec::new(),
        hints: Vec::new(),
        span: Span::default(),
        cluster: None,
    }
}

pub fn pods_check(selector: &str, count: u32) -> Check {
    Check {
        kind: CheckKind::Pods(checks::Pods {
            selector: selector.to_string(),
            namespace: None,
            count: Some(count),
            phase: Some("Running".to_string()),
            reason: None,
            min_restarts: None,
        }),
        timeout: Duration::from_secs(60),
        hint: "look at the pods".to_string(),
        span: Span::default(),
    }
}

impl LessonBuilder {
    pub fn order(mut self, order: i32) -> Self {
        self.lesson.front.order = order;
        self
    }

    pub fn markdown(mut self, source: &str) -> Self {
        self.lesson.blocks.push(Block::Markdown {
            source: source.to_string(),
            span: Span::default(),
        });
        self
    }

    pub fn step(mut self, step: Step) -> Self {
        self.lesson
            .blocks
            .push(Block::Step(self.lesson.steps.len()));
        self.lesson.steps.push(step);
        self
    }

    pub fn note(mut self, text: &str) -> Self {
        self.lesson.notes.push(SpeakerNote {
            text: text.to_string(),
            span: Span::default(),
        });
        self
    }

    pub fn diagram(mut self, destination: &str, text: &str) -> Self {
        self.lesson
            .diagrams
            .insert(destination.to_string(), text.to_string());
        self
    }

    pub fn build(self) -> Lesson {
        self.lesson
    }
}

/// Filler prose, so a lesson is long enough to scroll.
pub fn paragraphs(n: usize) -> String {
    (1..=n)
        .map(|i| {
            format!(
                "Paragraph {i}. A ReplicaSet keeps a fixed number of pods alive; \
                 when one goes away it makes another from the template."
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Three lessons: a long one with four steps, a short one, and one with a
/// billable, interactive step that is skipped on dry-run.
pub fn fixture_lessons() -> Vec<Lesson> {
    let mut create = step(
        "create-deployment",
        "Create a Deployment with 3 replicas",
        "kubectl create deployment hello --image=nginx --replicas=3",
    );
    create.checks.push(pods_check("app=hello", 3));
    let mut scale = step(
        "scale",
        "Scale to five",
        "kubectl scale deployment hello --replicas=5",
    );
    scale.episode_command = Some("kubectl scale rs hello --replicas=5".to_string());
    scale.checks.push(pods_check("app=hello", 5));
    let replicasets = lesson("replicasets", "ReplicaSets keep your pods alive")
        .order(10)
        .markdown(&format!(
            "# ReplicaSets\n\nA **ReplicaSet** keeps *replicas* alive. See \
             [the docs](https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/).\n\n\
             ![nesting](../assets/diagrams/nesting.txt)\n\n{}",
            paragraphs(3)
        ))
        .diagram(
            "../assets/diagrams/nesting.txt",
            "+--------+\n| Pod    |\n+--------+",
        )
        .step(create)
        .markdown(&paragraphs(4))
        .step(step(
            "list-pods",
            "List the pods",
            "kubectl get pods -l app=hello",
        ))
        .markdown(&format!(
            "## Delete a pod\n\n- one\n- two\n  1. nested\n\n> A quote.\n\n{}",
            paragraphs(3)
        ))
        .step(step(
            "delete-pod",
            "Delete one pod",
            "kubectl delete pod -l app=hello --wait=false",
        ))
        .markdown(&paragraphs(2))
        .step(scale)
        .markdown("| kind | owns |\n|---|---|\n| Deployment | ReplicaSet |\n| ReplicaSet | Pod |")
        .note("Start from the picture.")
        .build();
    let labels = lesson("labels", "Labels and selectors")
        .order(20)
        .markdown("# Labels\n\nLabels are key=value pairs.")
        .step(step(
            "label",
            "Add a label",
            "kubectl label pod web tier=front",
        ))
        .build();
    let mut create_cluster = step(
        "create-cluster",
        "Create the EKS cluster",
        "eksctl create cluster --name {{cluster}} --region us-east-1",
    );
    create_cluster.billable = true;
    create_cluster.interactive = true;
    create_cluster.backends = vec![BackendKind::Live];
    create_cluster.skip_reason = Some("needs a real AWS account".to_string());
    let eks = lesson("eks-demo", "Demo: Trino on Amazon EKS")
        .order(90)
        .markdown("# The demo\n\n```yaml\nserver:\n  workers: 2\n```")
        .step(create_cluster)
        .build();
    vec![replicasets, labels, eks]
}

pub fn settings() -> Settings {
    Settings {
        theme: Theme::dark(),
        backend: BackendKind::DryRun,
        backend_label: "dry-run".to_string(),
        profile: "current".to_string(),
        hyperlinks: false,
        custom_lessons: None,
    }
}

pub fn app(width: u16, height: u16) -> App {
    App::new(
        fixture_lessons(),
        Progress::default(),
        settings(),
        (width, height),
    )
}

pub fn apply(app: &mut App, actions: impl IntoIterator<Item = Action>) {
    for action in actions {
        update(app, action);
    }
}

/// The frame as text, one row per line, as the TestBackend shows it.
pub fn frame(app: &App) -> String {
    let backend = TestBackend::new(app.size.0, app.size.1);
    let mut terminal = Terminal::new(backend).expect("a test terminal");
    terminal.draw(|f| draw(app, f)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut row = String::new();
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            row.push_str(symbol);
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

pub fn buffer(app: &App) -> ratatui::buffer::Buffer {
    let backend = TestBackend::new(app.size.0, app.size.1);
    let mut terminal = Terminal::new(backend).expect("a test terminal");
    terminal.draw(|f| draw(app, f)).expect("draw");
    terminal.backend().buffer().clone()
}
