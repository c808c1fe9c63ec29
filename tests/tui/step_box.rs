//! Step boxes: id, title, highlighted command, checks and badges.

use crate::support::tui::{pods_check, step};
use trinetes::lesson::BackendKind;
use trinetes::progress::RecordedOutcome;
use trinetes::tui::execution::ForwardState;
use trinetes::tui::markdown::line_text;
use trinetes::tui::screens::reader::step_box::{StepBoxContext, render};
use trinetes::tui::strings;
use trinetes::tui::theme::Theme;
use unicode_width::UnicodeWidthStr;

/// A step box on dry-run, not selected, with no recorded outcome or run.
fn plain(theme: &Theme) -> StepBoxContext<'_> {
    StepBoxContext {
        theme,
        backend: BackendKind::DryRun,
        selected: false,
        recorded: None,
        execution: None,
        next: None,
        cleanup: None,
        cluster: None,
        forward: None,
    }
}

#[test]
fn box_shows_number_id_title_command_and_checks() {
    let t = Theme::dark();
    let mut s = step("create", "Create the pods", "kubectl apply -f web.yaml");
    s.checks.push(pods_check("app=web", 2));
    let ctx = plain(&t);
    let lines = render(&s, 2, 7, 40, &ctx);
    let texts: Vec<String> = lines.iter().map(line_text).collect();
    assert_eq!(
        texts,
        [
            "╭─ step 2/7 · create ──────────────────╮",
            "│ Create the pods                      │",
            "│                                      │",
            "│ $ kubectl apply -f web.yaml          │",
            "│                                      │",
            "│ Then checks that:                    │",
            "│ • 2 pods Running matching app=web    │",
            "╰──────────────────────────────────────╯",
        ]
    );
    for line in &lines {
        let w: usize = line.spans.iter().map(|s| s.content.width()).sum();
        assert_eq!(w, 40, "{line:?}");
    }
    assert_eq!(lines[0].spans[0].style, t.step_border);
    let kubectl = lines[3]
        .spans
        .iter()
        .find(|s| s.content == "kubectl")
        .expect("program span");
    assert_eq!(kubectl.style, t.code_keyword);
}

#[test]
fn selected_box_uses_the_selected_border() {
    let t = Theme::dark();
    let s = step("a", "A", "ls");
    let ctx = StepBoxContext {
        selected: true,
        ..plain(&t)
    };
    let lines = render(&s, 1, 1, 30, &ctx);
    assert_eq!(lines[0].spans[0].style, t.step_border_selected);
    assert_eq!(lines.last().unwrap().spans[0].style, t.step_border_selected);
}

#[test]
fn badges_for_billable_interactive_and_skipped() {
    let t = Theme::dark();
    let mut s = step("eks", "Create the cluster", "eksctl create cluster");
    s.billable = true;
    s.interactive = true;
    s.backends = vec![BackendKind::Live];
    s.skip_reason = Some("needs AWS".to_string());
    s.episode_command = Some("eksctl create cluster --version 1.21".to_string());
    s.episode_why = Some("EKS 1.21 is retired.".to_string());
    let ctx = plain(&t);
    let lines = render(&s, 1, 1, 80, &ctx);
    let texts: Vec<String> = lines.iter().map(line_text).collect();
    assert!(
        texts[2].contains(" billable   interactive   skipped on dry-run  needs AWS"),
        "{texts:#?}"
    );
    let billable = lines[2]
        .spans
        .iter()
        .find(|s| s.content.contains("billable"))
        .unwrap();
    assert_eq!(billable.style, t.badge_billable);
    assert!(texts.iter().any(|l| l.contains("The episode typed:")));
    assert!(
        texts
            .iter()
            .any(|l| l.contains("eksctl create cluster --version 1.21"))
    );
    assert!(texts.iter().any(|l| l.contains("EKS 1.21 is retired.")));

    let live = StepBoxContext {
        backend: BackendKind::Live,
        ..ctx
    };
    let texts: Vec<String> = render(&s, 1, 1, 80, &live).iter().map(line_text).collect();
    assert!(
        !texts.iter().any(|l| l.contains("skipped on")),
        "runs on live"
    );
}

#[test]
fn a_step_for_another_profile_shows_the_profile_and_the_reason() {
    let t = Theme::dark();
    let mut s = step("pin", "Pin the image", "helm upgrade tcb trino/trino");
    s.profiles = vec!["episode-2021".to_string()];
    s.skip_reason = Some("nothing to pin".to_string());
    s.skipped_on_profile = Some("current".to_string());
    let ctx = plain(&t);
    let lines = render(&s, 1, 1, 80, &ctx);
    let texts: Vec<String> = lines.iter().map(line_text).collect();
    assert!(
        texts[2].contains(" skipped on profile current  nothing to pin"),
        "{texts:#?}"
    );
    let badge = lines[2]
        .spans
        .iter()
        .find(|s| s.content.contains("skipped on"))
        .expect("the badge");
    assert_eq!(badge.style, t.badge_skipped);

    s.skipped_on_profile = None;
    let texts: Vec<String> = render(&s, 1, 1, 80, &ctx).iter().map(line_text).collect();
    assert!(
        !texts.iter().any(|l| l.contains("skipped on")),
        "runs on its own profile: {texts:#?}"
    );
}

#[test]
fn long_commands_and_tiny_widths_stay_inside_the_box() {
    let t = Theme::dark();
    let s = step(
        "very-long-step-identifier-that-goes-on",
        "A title long enough to need wrapping inside the box",
        "helm install tcb trino/trino --version 0.30.0 --values values.yaml --namespace default",
    );
    let ctx = plain(&t);
    for width in [0u16, 5, 12, 20, 33] {
        for line in render(&s, 10, 12, width, &ctx) {
            let w: usize = line.spans.iter().map(|s| s.content.width()).sum();
            assert_eq!(w, usize::from(width.max(12)), "{width}: {line:?}");
        }
    }
}

#[test]
fn backticks_in_titles_and_reasons_become_code() {
    let t = Theme::dark();
    let mut s = step("x", "Run `helm`", "helm list");
    s.episode_command = Some("helm ls".to_string());
    s.episode_why = Some("`ls` is an alias".to_string());
    let ctx = plain(&t);
    let lines = render(&s, 1, 1, 40, &ctx);
    assert_eq!(
        line_text(&lines[1]),
        "│ Run helm                             │"
    );
    let helm = lines[1].spans.iter().find(|s| s.content == "helm").unwrap();
    assert_eq!(helm.style, t.step_title.patch(t.inline_code));
    let why = lines
        .iter()
        .find(|l| line_text(l).contains("is an alias"))
        .unwrap();
    let ls = why.spans.iter().find(|s| s.content == "ls").unwrap();
    assert_eq!(ls.style, t.dim.patch(t.inline_code));
}

#[test]
fn on_the_episode_profile_the_episode_command_is_not_repeated() {
    let t = Theme::dark();
    let ctx = plain(&t);
    let mut s = step(
        "eks",
        "Create the cluster",
        "eksctl create cluster --version 1.21",
    );
    s.episode_command = Some("eksctl create cluster \\\n  --version 1.21".to_string());
    s.episode_why = Some("EKS 1.21 is retired.".to_string());
    let texts: Vec<String> = render(&s, 1, 1, 80, &ctx).iter().map(line_text).collect();
    assert!(
        texts
            .iter()
            .any(|l| l.contains("This is the command the episode typed.")),
        "{texts:#?}"
    );
    assert!(!texts.iter().any(|l| l.contains("The episode typed:")));
    assert_eq!(
        texts
            .iter()
            .filter(|l| l.contains("--version 1.21"))
            .count(),
        1,
        "the command is shown once: {texts:#?}"
    );
    assert!(texts.iter().any(|l| l.contains("EKS 1.21 is retired.")));

    // Without a why there is nothing to add to the command itself.
    s.episode_why = None;
    let texts: Vec<String> = render(&s, 1, 1, 80, &ctx).iter().map(line_text).collect();
    assert!(!texts.iter().any(|l| l.contains("episode")), "{texts:#?}");
}

/// The lines of a passed port-forward step's box whose forward is `forward`.
fn forward_box(forward: Option<ForwardState>) -> String {
    let t = Theme::dark();
    let s = step(
        "forward",
        "Forward port 8080",
        "kubectl port-forward svc/tcb-trino 8080:8080",
    );
    let ctx = StepBoxContext {
        recorded: Some(RecordedOutcome::Passed),
        forward,
        ..plain(&t)
    };
    render(&s, 1, 1, 80, &ctx)
        .iter()
        .map(line_text)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_passed_forward_step_whose_forward_closed_says_so_and_how_to_reopen_it() {
    let closed = forward_box(Some(ForwardState::Closed));
    assert!(!closed.contains(strings::RECORDED_PASSED), "{closed}");
    assert!(closed.contains(strings::BADGE_FORWARD_CLOSED), "{closed}");
    assert!(closed.contains("The forward is closed"), "{closed}");
    assert!(closed.contains("run this step again"), "{closed}");

    let failing = forward_box(Some(ForwardState::Failing("pod web-1 is gone".into())));
    assert!(!failing.contains(strings::RECORDED_PASSED), "{failing}");
    assert!(
        failing.contains(strings::BADGE_FORWARD_FAILING),
        "{failing}"
    );
    assert!(failing.contains("pod web-1 is gone"), "{failing}");

    let open = forward_box(Some(ForwardState::Open));
    assert!(open.contains(strings::RECORDED_PASSED), "{open}");
    assert!(!open.contains("forward is"), "{open}");
}
