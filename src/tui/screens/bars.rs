//! The one-line bars: title, warning, search prompt, status.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::markdown::wrap::text_width;
use crate::tui::state::App;
use crate::tui::strings;

pub fn draw_title(app: &App, frame: &mut Frame, area: Rect, title: &str) {
    let theme = &app.settings.theme;
    let line = Line::from(vec![
        Span::styled(format!(" {} ", strings::APP_NAME), theme.status_key),
        Span::styled(format!(" {title}"), theme.heading2),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

pub fn draw_warning(app: &App, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let theme = &app.settings.theme;
    let Some(text) = app.banner() else {
        return;
    };
    let style = if app.warning.is_some() {
        theme.warning
    } else {
        theme.prompt
    };
    let lines: Vec<Line> = crate::tui::layout::banner_lines(&text, area.width)
        .into_iter()
        .map(|segs| {
            Line::from(
                segs.into_iter()
                    .map(|s| Span::raw(s.text))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).style(style), area);
}

pub fn draw_prompt(app: &App, frame: &mut Frame, area: Rect) {
    let Some(text) = &app.prompt else {
        return;
    };
    let theme = &app.settings.theme;
    let line = Line::from(vec![
        Span::styled(strings::SEARCH_PROMPT, theme.prompt),
        Span::raw(text.clone()),
        Span::styled("█", theme.prompt),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// One part of the status bar: its text, a shorter form, and how much it
/// matters when the bar is short of room (higher stays whole longer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub short: Option<String>,
    pub priority: u8,
}

impl Segment {
    pub fn new(text: impl Into<String>, priority: u8) -> Self {
        Segment {
            text: text.into(),
            short: None,
            priority,
        }
    }

    pub fn or_short(mut self, short: impl Into<String>) -> Self {
        self.short = Some(short.into());
        self
    }
}

/// Priorities of the status bar's segments.
pub mod priority {
    /// Never elided: where the learner is.
    pub const POSITION: u8 = 5;
    /// What runs until stopped, and the profile the lesson reads with.
    pub const FORWARDS: u8 = 4;
    pub const PROFILE: u8 = 4;
    pub const LESSON: u8 = 3;
    pub const SEARCH: u8 = 3;
    pub const BACKEND: u8 = 2;
    /// The longest (an EKS context name), and the step box names it too.
    pub const CLUSTER: u8 = 1;
}

/// A segment is never elided below this many columns (its ellipsis included).
const ELIDED_MIN: usize = 8;
const SEPARATOR: &str = " │ ";

/// The texts of `segments` laid out in `room` columns, separators
/// included. Least important first, segments take their short forms;
/// then, least important first, they are elided (`…`, never below
/// `ELIDED_MIN`; the position never); only when even that does not fit (a
/// terminal near the smallest size) are they dropped, and what that frees
/// goes back to the elided ones.
pub fn fit(segments: &[Segment], room: usize) -> Vec<String> {
    let mut texts: Vec<String> = segments.iter().map(|s| s.text.clone()).collect();
    let mut kept: Vec<bool> = vec![true; segments.len()];
    let width = |texts: &[String], kept: &[bool]| -> usize {
        let shown: Vec<usize> = texts
            .iter()
            .zip(kept)
            .filter(|(_, k)| **k)
            .map(|(t, _)| text_width(t))
            .collect();
        shown.iter().sum::<usize>()
            + SEPARATOR.len().saturating_sub(2) * shown.len().saturating_sub(1)
    };
    // Least important first; among equals, the rightmost.
    let mut order: Vec<usize> = (0..segments.len()).collect();
    order.sort_by_key(|&i| (segments[i].priority, std::cmp::Reverse(i)));
    for &i in &order {
        if width(&texts, &kept) <= room {
            break;
        }
        if let Some(short) = &segments[i].short {
            texts[i] = short.clone();
        }
    }
    // The whole text each segment may show from now on.
    let whole = texts.clone();
    for &i in &order {
        let used = width(&texts, &kept);
        if used <= room {
            break;
        }
        let have = text_width(&texts[i]);
        let target = have.saturating_sub(used - room).max(ELIDED_MIN);
        if target < have && segments[i].priority < priority::POSITION {
            texts[i] = elide(&texts[i], target);
        }
    }
    for &i in &order {
        if width(&texts, &kept) <= room || kept.iter().filter(|k| **k).count() <= 1 {
            break;
        }
        kept[i] = false;
    }
    // What dropping freed goes back to the elided, most important first.
    for &i in order.iter().rev() {
        let spare = room.saturating_sub(width(&texts, &kept));
        if !kept[i] || texts[i] == whole[i] || spare == 0 {
            continue;
        }
        let grown = text_width(&texts[i]) + spare;
        texts[i] = if grown >= text_width(&whole[i]) {
            whole[i].clone()
        } else {
            elide(&whole[i], grown)
        };
    }
    texts
        .into_iter()
        .zip(kept)
        .filter_map(|(t, k)| k.then_some(t))
        .collect()
}

/// `text` cut to `width` columns, ending in `…`.
fn elide(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = crate::tui::markdown::wrap::char_width(c);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// The status bar: the open forwards first (they run until stopped), then
/// `segments`, laid out by `fit`, and the help key on the right.
pub fn draw_status(app: &App, frame: &mut Frame, area: Rect, segments: &[Segment]) {
    let theme = &app.settings.theme;
    let hint = format!("{} ", strings::HELP_HINT);
    let forwards = (!app.forwards.is_empty()).then(|| {
        let open: Vec<String> = app.forwards.iter().map(|f| f.label()).collect();
        // Short, a forward keeps its port and its problem, not its target.
        let ports: Vec<String> = app
            .forwards
            .iter()
            .map(|f| match &f.problem {
                Some(problem) => format!("{} ({problem})", f.local),
                None => f.local.to_string(),
            })
            .collect();
        Segment::new(strings::forwards(&open), priority::FORWARDS)
            .or_short(strings::forwards(&ports))
    });
    let segments: Vec<Segment> = forwards
        .into_iter()
        .chain(segments.iter().cloned())
        .collect();
    // A leading space, and a space before the help key.
    let room = usize::from(area.width).saturating_sub(text_width(&hint) + 2);
    let texts = fit(&segments, room);
    let mut spans = Vec::new();
    for (i, text) in texts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(SEPARATOR, theme.status_bar));
        }
        spans.push(Span::styled(text, theme.status_bar));
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let room = usize::from(area.width).saturating_sub(used + text_width(&hint) + 1);
    spans.insert(0, Span::styled(" ", theme.status_bar));
    spans.push(Span::styled(" ".repeat(room), theme.status_bar));
    spans.push(Span::styled(hint, theme.status_key));
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.status_bar),
        area,
    );
}

/// The backend and profile segments; short, they lose their labels.
pub fn backend_and_profile(app: &App) -> Vec<Segment> {
    let (backend, profile) = (&app.settings.backend_label, &app.settings.profile);
    let now = jiff::Timestamp::now();
    let spending = app.spending.iter().map(|s| {
        let short = match s.so_far(now) {
            Some(spent) => format!("{} {}", s.what, strings::dollars(spent)),
            None => s.what.clone(),
        };
        Segment::new(strings::spending_text(s, now), priority::FORWARDS).or_short(short)
    });
    spending
        .chain([
            Segment::new(
                format!("{}: {backend}", strings::BACKEND),
                priority::BACKEND,
            )
            .or_short(backend.clone()),
            Segment::new(
                format!("{}: {profile}", strings::PROFILE),
                priority::PROFILE,
            )
            .or_short(profile.clone()),
        ])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(texts: &[String]) -> String {
        texts.join(SEPARATOR)
    }

    fn reader() -> Vec<Segment> {
        vec![
            Segment::new("90-eks-demo", priority::LESSON),
            Segment::new("step 7/12", priority::POSITION),
            Segment::new("cluster: tcb-cluster (not running)", priority::CLUSTER)
                .or_short("tcb-cluster (not running)"),
            Segment::new("backend: dry-run", priority::BACKEND).or_short("dry-run"),
            Segment::new("profile: episode-2021", priority::PROFILE).or_short("episode-2021"),
        ]
    }

    #[test]
    fn with_room_every_segment_is_whole() {
        let texts = fit(&reader(), 200);
        assert_eq!(
            texts,
            reader().into_iter().map(|s| s.text).collect::<Vec<_>>()
        );
    }

    #[test]
    fn short_of_room_the_least_important_shorten_first_and_the_profile_stays() {
        let full = text_width(&bar(&fit(&reader(), 200)));
        let texts = fit(&reader(), full - 5);
        assert_eq!(texts.len(), 5, "{texts:?}");
        assert_eq!(
            texts[2], "tcb-cluster (not running)",
            "the cluster gave way first"
        );
        assert_eq!(texts[0], "90-eks-demo");
        assert_eq!(texts[3], "backend: dry-run");
        assert_eq!(texts[4], "profile: episode-2021");
        assert!(text_width(&bar(&texts)) <= full - 5);
    }

    #[test]
    fn narrower_still_segments_are_elided_not_dropped() {
        let texts = fit(&reader(), 62);
        assert_eq!(texts.len(), 5, "{texts:?}");
        assert!(text_width(&bar(&texts)) <= 62, "{texts:?}");
        assert!(texts.iter().any(|t| t.ends_with('…')), "{texts:?}");
        assert!(texts.contains(&"step 7/12".to_string()), "{texts:?}");
        assert!(
            texts.iter().any(|t| t.contains("episode-2021")),
            "{texts:?}"
        );
    }

    #[test]
    fn only_a_tiny_bar_drops_segments_least_important_first() {
        let texts = fit(&reader(), 20);
        assert!(text_width(&bar(&texts)) <= 20, "{texts:?}");
        assert!(texts.contains(&"step 7/12".to_string()), "{texts:?}");
    }

    #[test]
    fn elide_ends_in_an_ellipsis_within_the_width() {
        assert_eq!(elide("cluster: tcb-cluster", 10), "cluster: …");
        assert_eq!(text_width(&elide("cluster: tcb-cluster", 10)), 10);
    }
}
