//! The notes window's draw: the lesson and section, the lesson's and the
//! talk's clocks against their plan, the speaker notes reflowed, what `r`
//! runs and what comes next, the running step with its checks and hints,
//! and the keys. Every line wraps to the window; below [`MIN_SIZE`] it says
//! the window is too small. Pure: the time is given.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::notes::NotesState;
use super::protocol::Snapshot;
use crate::tui::markdown::wrap::NO_BREAK;

/// `mm:ss`, or `h:mm:ss` from an hour on.
pub fn clock(secs: i64) -> String {
    let secs = secs.max(0);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// `spent / planned`, both in the same form: `h:mm:ss` for both when
/// either reaches an hour, so `01:28 / 1:15:00` does not read as overrun.
pub fn against(spent: i64, planned: i64) -> String {
    if spent.max(planned) >= 3600 {
        let long = |secs: i64| {
            let secs = secs.max(0);
            format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
        };
        format!("{} / {}", long(spent), long(planned))
    } else {
        format!("{} / {}", clock(spent), clock(planned))
    }
}

/// Green while on plan, yellow past 90 % of it, red past it.
pub fn pace_style(spent_secs: i64, planned_minutes: u32) -> Style {
    let planned = i64::from(planned_minutes) * 60;
    let colour = if planned == 0 || spent_secs * 10 < planned * 9 {
        Color::Green
    } else if spent_secs <= planned {
        Color::Yellow
    } else {
        Color::Red
    };
    Style::default().fg(colour).add_modifier(Modifier::BOLD)
}

fn since(rfc3339: &str, now: Timestamp) -> i64 {
    rfc3339
        .parse::<Timestamp>()
        .map(|t| now.as_second() - t.as_second())
        .unwrap_or(0)
}

/// Joins each paragraph's lines, so the text reflows to the window.
pub fn reflow(note: &str) -> Vec<String> {
    note.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The least size the window draws in (columns, rows); below it, it says
/// so, as the presentation does, rather than drop parts of it.
pub const MIN_SIZE: (u16, u16) = (48, 18);

/// The window's keys, as its key line and `trinetes notes --help` name them.
pub const KEYS: &str = "n/→ next  p/← previous  r run  f fast-forward  y yes  q quit";

/// `line` wrapped at words to `width` columns, the lines after the first
/// indented by `indent`; spaces and styles kept.
fn wrapped(line: Line<'static>, width: u16, indent: usize) -> Vec<Line<'static>> {
    use crate::tui::markdown::wrap::{Seg, WrapStyle, wrap_with};
    let width = usize::from(width).max(1);
    if line.width() <= width {
        return vec![line];
    }
    let segs: Vec<Seg> = line
        .spans
        .iter()
        .map(|s| Seg::new(s.content.to_string(), line.style.patch(s.style)))
        .collect();
    wrap_with(&segs, width, &WrapStyle::output(indent.min(width / 2)))
        .into_iter()
        .map(|row| {
            Line::from(
                row.into_iter()
                    .map(|s| Span::styled(s.text, s.style))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

fn wrapped_all(lines: Vec<Line<'static>>, width: u16, indent: usize) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .flat_map(|l| wrapped(l, width, indent))
        .collect()
}

fn rows(lines: &[Line]) -> u16 {
    u16::try_from(lines.len()).unwrap_or(u16::MAX)
}

/// Draws the window. Pure: `now` is given.
pub fn render(frame: &mut Frame<'_>, state: &NotesState, now: Timestamp) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = vec![
            Line::from(crate::tui::strings::too_small(
                MIN_SIZE.0,
                MIN_SIZE.1,
                area.width,
                area.height,
            )),
            Line::from("q quits"),
        ];
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let local = now.to_zoned(jiff::tz::TimeZone::system());
    let title = format!(" trinetes notes  {} ", local.strftime("%H:%M:%S"));
    let outer = Block::default().borders(Borders::ALL).title(title);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let Some(snapshot) = state.snapshot.as_ref().filter(|_| state.connected) else {
        let why = if state.was_connected {
            "The presentation quit. Waiting for it to come back…"
        } else {
            "Waiting for the presentation: start trinetes in another terminal."
        };
        let text = vec![
            Line::from(Span::styled(
                why,
                Style::default().add_modifier(Modifier::BOLD),
            )),
            Line::from(""),
            Line::from(format!("(listening for {})", state.socket.display())),
            Line::from(""),
            Line::from("q quits"),
        ];
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
        return;
    };
    let width = inner.width;
    let header = wrapped_all(header_lines(snapshot, now), width, 2);
    let keys = wrapped(key_line(state, snapshot), width, 2);
    let next = wrapped_all(next_lines(snapshot), width, 4);
    let step = wrapped_all(step_lines(snapshot), width, 4);
    // The notes keep three rows at least; the step box gives way first.
    let room = inner.height.saturating_sub(rows(&header) + rows(&keys));
    let next_rows = (rows(&next) + 1).min(room.saturating_sub(5));
    let step_rows = (rows(&step) + 1).min(room.saturating_sub(next_rows + 3).max(2));
    let [head, notes, next_area, step_area, keys_area] = inner.layout(&Layout::vertical([
        Constraint::Length(rows(&header)),
        Constraint::Fill(1),
        Constraint::Length(next_rows),
        Constraint::Length(step_rows),
        Constraint::Length(rows(&keys)),
    ]));
    frame.render_widget(Paragraph::new(header), head);
    render_notes(frame, notes, snapshot);
    let block = |title: &'static str| Block::default().borders(Borders::TOP).title(title);
    frame.render_widget(Paragraph::new(next).block(block(" next ")), next_area);
    frame.render_widget(Paragraph::new(step).block(block(" step ")), step_area);
    frame.render_widget(Paragraph::new(keys), keys_area);
}

/// The key line: what the window said about the last key, or the keys;
/// with the presentation's question or its fall-back to dry-run first.
fn key_line(state: &NotesState, snapshot: &Snapshot) -> Line<'static> {
    // A key and what it does stay on one line.
    let unbroken = |s: &str| s.replace(' ', &NO_BREAK.to_string());
    let hints: Vec<String> = KEYS.split("  ").map(unbroken).collect();
    let mut keys = vec![Span::raw(hints.join("  "))];
    if let Some(said) = &state.said {
        keys = vec![Span::styled(
            said.clone(),
            Style::default().add_modifier(Modifier::BOLD),
        )];
    }
    if snapshot.fast_forward {
        keys.push(Span::styled(
            format!("   {}", unbroken("⏩ FAST-FORWARD")),
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(q) = snapshot
        .question
        .as_ref()
        .filter(|_| snapshot.fallback.is_none())
    {
        let how = if q.yes_here {
            "y yes · n no"
        } else {
            "answer it on the presentation (n says no)"
        };
        keys.insert(
            0,
            Span::styled(
                format!(" ? {}: {how} ", q.text),
                Style::default()
                    .fg(Color::Black)
                    .bg(Color::Yellow)
                    .add_modifier(Modifier::BOLD),
            ),
        );
        keys.insert(1, Span::raw("  "));
    }
    if let Some(banner) = &snapshot.fallback {
        keys.insert(
            0,
            Span::styled(
                format!(" {banner} "),
                Style::default()
                    .fg(Color::White)
                    .bg(Color::Red)
                    .add_modifier(Modifier::BOLD),
            ),
        );
        keys.insert(1, Span::raw("  "));
    } else if snapshot.simulated {
        keys.push(Span::styled(
            format!("   {}", unbroken("SIMULATED (dry-run)")),
            Style::default()
                .fg(Color::Magenta)
                .add_modifier(Modifier::BOLD),
        ));
    }
    Line::from(keys)
}

fn talk_spans(s: &Snapshot, now: Timestamp) -> Vec<Span<'static>> {
    if s.talk_started.is_empty() {
        return vec![Span::styled(
            "talk not started: its clock starts with the first lesson",
            Style::default().add_modifier(Modifier::DIM),
        )];
    }
    let talk = since(&s.talk_started, now);
    vec![
        Span::raw("talk "),
        Span::styled(
            against(talk, i64::from(s.talk_minutes) * 60),
            pace_style(talk, s.talk_minutes),
        ),
    ]
}

fn header_lines(s: &Snapshot, now: Timestamp) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    match &s.lesson {
        Some(l) => {
            let spent = since(&l.opened, now);
            lines.push(Line::from(Span::styled(
                format!(
                    "{}  ·  section {}/{}: {}",
                    l.title,
                    l.section + 1,
                    l.sections,
                    l.section_title
                ),
                Style::default().add_modifier(Modifier::BOLD),
            )));
            let mut timers = vec![
                Span::raw("lesson "),
                Span::styled(
                    against(spent, i64::from(l.minutes) * 60),
                    pace_style(spent, l.minutes),
                ),
                Span::raw("   "),
            ];
            timers.extend(talk_spans(s, now));
            lines.push(Line::from(timers));
        }
        None => {
            lines.push(Line::from("The lesson list is on screen."));
            lines.push(Line::from(talk_spans(s, now)));
        }
    }
    lines
}

fn render_notes(frame: &mut Frame<'_>, area: Rect, s: &Snapshot) {
    let notes: Vec<String> = s
        .lesson
        .as_ref()
        .map(|l| l.notes.iter().flat_map(|n| reflow(n)).collect())
        .unwrap_or_default();
    let mut lines: Vec<Line> = Vec::new();
    if notes.is_empty() {
        lines.push(Line::from(Span::styled(
            "(no speaker notes in this section)",
            Style::default().add_modifier(Modifier::DIM),
        )));
    }
    for (i, p) in notes.into_iter().enumerate() {
        if i > 0 {
            lines.push(Line::from(""));
        }
        lines.push(Line::from(p));
    }
    let block = Block::default().borders(Borders::TOP).title(" notes ");
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

/// `text` as spans, its `code` in a colour of its own and without the
/// backticks, as the slides draw it.
fn with_code(text: &str, style: Style) -> Vec<Span<'static>> {
    text.split('`')
        .enumerate()
        .filter(|(_, piece)| !piece.is_empty())
        .map(|(i, piece)| {
            let style = if i % 2 == 1 {
                style.fg(Color::Cyan)
            } else {
                style
            };
            Span::styled(piece.to_string(), style)
        })
        .collect()
}

fn next_lines(s: &Snapshot) -> Vec<Line<'static>> {
    let Some(l) = &s.lesson else {
        return vec![Line::from("open a lesson: n or r opens the selected one")];
    };
    let dash = || "—".to_string();
    let run = match &l.run_step {
        Some(title) => {
            let mut spans = vec![Span::styled(
                "r runs: ",
                Style::default().add_modifier(Modifier::BOLD),
            )];
            spans.extend(with_code(title, Style::default()));
            Line::from(spans)
        }
        None => Line::styled(
            if s.presenting {
                "r: no step on this screen"
            } else {
                "r: selects the first step not done"
            },
            Style::default().add_modifier(Modifier::DIM),
        ),
    };
    let mut next = vec![Span::raw("next step: ")];
    next.extend(with_code(
        &l.next_step.clone().unwrap_or_else(dash),
        Style::default(),
    ));
    let section = match (&l.next_section, &l.next_lesson) {
        (Some(title), _) => format!("section: {title}"),
        // The lesson's last screen: n opens the next lesson.
        (None, Some(lesson)) if s.presenting => format!("then the lesson: {lesson}"),
        (None, _) => format!("section: {}", dash()),
    };
    vec![run, Line::from(next), Line::from(section)]
}

fn step_lines(s: &Snapshot) -> Vec<Line<'static>> {
    let Some(step) = s.lesson.as_ref().and_then(|l| l.step.as_ref()) else {
        return vec![Line::from("no step run yet")];
    };
    let mut first = vec![Span::styled(
        format!("{}  ", step.status),
        Style::default().add_modifier(Modifier::BOLD),
    )];
    first.extend(with_code(&step.title, Style::default()));
    first.push(Span::raw(format!("  {}", clock(step.elapsed_secs as i64))));
    let mut lines = vec![Line::from(first)];
    if let Some(stage) = &step.stage {
        let progress = step
            .progress
            .map(|p| format!(" ({:.0}%)", p * 100.0))
            .unwrap_or_default();
        lines.push(Line::from(format!("stage: {stage}{progress}")));
    }
    lines.extend(step.checks.iter().map(|c| Line::from(c.clone())));
    lines.extend(step.hints.iter().map(|h| {
        let mut spans = vec![Span::styled(
            "hint: ",
            Style::default().add_modifier(Modifier::BOLD),
        )];
        spans.extend(with_code(h, Style::default().fg(Color::Yellow)));
        Line::from(spans)
    }));
    lines
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::present::notes::remark;
    use crate::present::protocol::{Command, LessonView, StepState};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    pub(crate) fn screen(state: &NotesState, now: Timestamp, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| render(f, state, now)).unwrap();
        let buf = t.backend().buffer().clone();
        (0..h)
            .map(|y| {
                (0..w)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_window_shows_notes_next_timers_and_the_step() {
        let now: Timestamp = "2026-11-30T10:20:00Z".parse().unwrap();
        let state = NotesState {
            connected: true,
            was_connected: true,
            socket: "/tmp/x.sock".into(),
            said: None,
            snapshot: Some(Snapshot {
                talk_started: "2026-11-30T10:00:00Z".into(),
                talk_minutes: 90,
                backend: "dry-run".into(),
                simulated: true,
                presenting: false,
                fast_forward: false,
                fallback: None,
                question: None,
                lesson: Some(LessonView {
                    id: "eks".into(),
                    title: "EKS and eksctl".into(),
                    minutes: 10,
                    opened: "2026-11-30T10:08:30Z".into(),
                    section: 1,
                    sections: 4,
                    section_title: "Create the cluster".into(),
                    notes: vec![
                        "Say that it takes\n     fifteen minutes.\n\nThen fast-forward.".into(),
                    ],
                    next_step: Some("Get the nodes".into()),
                    run_step: Some("Create the EKS cluster".into()),
                    next_section: Some("What eksctl wrote".into()),
                    next_lesson: Some("Deploy Trino with Helm".into()),
                    step: Some(StepState {
                        title: "Create the EKS cluster".into(),
                        status: "running".into(),
                        stage: Some("waiting for CloudFormation".into()),
                        progress: Some(0.45),
                        elapsed_secs: 151,
                        checks: vec!["· the cluster is ACTIVE".into()],
                        hints: vec![],
                    }),
                }),
            }),
        };
        let text = screen(&state, now, 80, 24);
        assert!(
            text.contains("EKS and eksctl  ·  section 2/4: Create the cluster"),
            "{text}"
        );
        assert!(text.contains("lesson 11:30 / 10:00"), "{text}");
        assert!(text.contains("talk 0:20:00 / 1:30:00"), "{text}");
        assert!(
            text.contains("Say that it takes fifteen minutes."),
            "{text}"
        );
        assert!(text.contains("Then fast-forward."), "{text}");
        assert!(text.contains("step: Get the nodes"), "{text}");
        assert!(text.contains("section: What eksctl wrote"), "{text}");
        assert!(
            text.contains("running  Create the EKS cluster  02:31"),
            "{text}"
        );
        assert!(
            text.contains("stage: waiting for CloudFormation (45%)"),
            "{text}"
        );
        assert!(text.contains("SIMULATED (dry-run)"), "{text}");
        assert!(text.contains("f fast-forward"), "{text}");
        assert!(text.contains("r runs: Create the EKS cluster"), "{text}");

        // On a presented lesson's last screen, it names the lesson n opens.
        let mut last = state.clone();
        if let Some(snap) = last.snapshot.as_mut() {
            snap.presenting = true;
            if let Some(l) = snap.lesson.as_mut() {
                l.next_section = None;
            }
        }
        let text = screen(&last, now, 80, 24);
        assert!(
            text.contains("then the lesson: Deploy Trino with Helm"),
            "{text}"
        );
    }

    /// Every row of the screen, each trimmed, joined with spaces: what a
    /// reader sees once the line breaks are undone.
    fn read(state: &NotesState, now: Timestamp, w: u16, h: u16) -> String {
        screen(state, now, w, h)
            .lines()
            .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn long_lines() -> NotesState {
        NotesState {
            connected: true,
            snapshot: Some(Snapshot {
                talk_started: "2026-11-30T10:00:00Z".into(),
                talk_minutes: 154,
                backend: "live".into(),
                simulated: true,
                fallback: Some(crate::tui::strings::fallback_banner(
                    "create-cluster",
                    "a DNS failure",
                )),
                lesson: Some(LessonView {
                    title: "News: Trino 365 and 366".into(),
                    minutes: 10,
                    opened: "2026-11-30T10:08:30Z".into(),
                    section: 0,
                    sections: 6,
                    section_title: "News: Trino 365 and 366, and Log4Shell".into(),
                    run_step: Some("Install the chart with `helm install`".into()),
                    step: Some(StepState {
                        title: "Install the chart".into(),
                        status: "failed".into(),
                        checks: vec!["✘ the release tcb is deployed".into()],
                        hints: vec![
                            "if `create cluster` stopped early, `eksctl utils write-kubeconfig --cluster tcb-cluster` writes the context".into(),
                        ],
                        ..StepState::default()
                    }),
                    ..LessonView::default()
                }),
                ..Snapshot::default()
            }),
            ..NotesState::default()
        }
    }

    #[test]
    fn long_lines_wrap_instead_of_being_cut_and_a_failed_checks_hint_shows() {
        let now: Timestamp = "2026-11-30T10:20:00Z".parse().unwrap();
        let state = long_lines();
        let text = read(&state, now, 50, 30);
        assert!(
            text.contains("section 1/6: News: Trino 365 and 366, and Log4Shell"),
            "{text}"
        );
        let banner = crate::tui::strings::fallback_banner("create-cluster", "a DNS failure");
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words(&text).contains(&words(&banner)), "{text}");
        assert!(text.contains("q quit"), "the key line's end: {text}");
        assert!(
            words(&text).contains(
                "hint: if create cluster stopped early, eksctl utils write-kubeconfig --cluster tcb-cluster writes the context"
            ),
            "{text}"
        );
        assert!(
            words(&text).contains("r runs: Install the chart with helm install"),
            "{text}"
        );
        assert!(text.contains("y yes"), "{text}");
        assert!(
            !text.contains('`'),
            "inline code is drawn, not quoted: {text}"
        );
    }

    #[test]
    fn too_small_a_window_says_so_instead_of_losing_parts() {
        let state = long_lines();
        let text = screen(&state, Timestamp::now(), 40, 10);
        assert!(text.contains("too small (need 48×18"), "{text}");
        assert!(!text.contains("next"), "{text}");
        // At the least size every part is there.
        let text = screen(&state, Timestamp::now(), MIN_SIZE.0, MIN_SIZE.1);
        for part in [" notes ", " next ", " step ", "r runs:", "section 1/6"] {
            assert!(text.contains(part), "{part}: {text}");
        }
    }

    #[test]
    fn before_the_first_lesson_the_talks_clock_waits() {
        let state = NotesState {
            connected: true,
            snapshot: Some(Snapshot::default()),
            ..NotesState::default()
        };
        let text = screen(&state, Timestamp::now(), 80, 24);
        assert!(text.contains("The lesson list is on screen."), "{text}");
        assert!(text.contains("talk not started"), "{text}");
    }

    #[test]
    fn the_presentations_question_is_shown_with_who_answers_it() {
        let now: Timestamp = "2026-11-30T10:20:00Z".parse().unwrap();
        let mut snapshot = Snapshot {
            talk_started: "2026-11-30T10:00:00Z".into(),
            question: Some(crate::present::protocol::Question {
                text: "run this command?".into(),
                yes_here: true,
            }),
            ..Snapshot::default()
        };
        let state = |snapshot: &Snapshot| NotesState {
            connected: true,
            snapshot: Some(snapshot.clone()),
            ..NotesState::default()
        };
        let text = screen(&state(&snapshot), now, 100, 24);
        assert!(text.contains("? run this command?: y yes · n no"), "{text}");
        assert_eq!(remark(Command::Yes, Some(&snapshot)), None);
        snapshot.question = Some(crate::present::protocol::Question {
            text: "type the cluster's name to create it".into(),
            yes_here: false,
        });
        let text = screen(&state(&snapshot), now, 100, 24);
        assert!(text.contains("answer it on the presentation"), "{text}");
        assert!(remark(Command::Yes, Some(&snapshot)).is_some());
    }

    #[test]
    fn a_live_run_that_fell_back_says_so_loudly() {
        let now: Timestamp = "2026-11-30T10:20:00Z".parse().unwrap();
        let banner = crate::tui::strings::fallback_banner("create-cluster", "a DNS failure");
        let state = NotesState {
            connected: true,
            was_connected: true,
            socket: "/tmp/x.sock".into(),
            said: None,
            snapshot: Some(Snapshot {
                talk_started: "2026-11-30T10:00:00Z".into(),
                backend: "live".into(),
                simulated: true,
                fallback: Some(banner.clone()),
                ..Snapshot::default()
            }),
        };
        let mut t = Terminal::new(TestBackend::new(100, 24)).unwrap();
        t.draw(|f| render(f, &state, now)).unwrap();
        let buf = t.backend().buffer().clone();
        let row = (0..24)
            .find(|&y| {
                (0..100)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
                    .contains("NOW SIMULATED")
            })
            .expect("the banner is on screen");
        let cell = (0..100)
            .map(|x| &buf[(x, row)])
            .find(|c| c.symbol() == "L")
            .expect("the banner's first letter");
        assert_eq!(cell.bg, Color::Red, "loud: white on red");
        assert!(cell.modifier.contains(Modifier::BOLD));
        assert!(screen(&state, now, 100, 24).contains(&banner), "{banner}");
    }

    #[test]
    fn behind_plan_is_red_near_it_yellow() {
        assert_eq!(pace_style(11 * 60, 10).fg, Some(Color::Red));
        assert_eq!(pace_style(9 * 60 + 30, 10).fg, Some(Color::Yellow));
        assert_eq!(pace_style(60, 10).fg, Some(Color::Green));
    }

    #[test]
    fn without_a_presentation_the_window_says_it_waits() {
        let now = Timestamp::now();
        let mut state = NotesState {
            socket: "/tmp/p.sock".into(),
            ..NotesState::default()
        };
        assert!(screen(&state, now, 70, 20).contains("Waiting for the presentation"));
        state.was_connected = true;
        assert!(screen(&state, now, 70, 20).contains("The presentation quit"));
    }
}
