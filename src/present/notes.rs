//! `trinetes notes`: the speaker's window. It follows a running trinetes
//! over the notes socket and shows the notes of the section on screen, what
//! comes next, the clock, the time spent against the plan, and the running
//! step; its keys drive the presentation. When the presentation is not
//! there (not started yet, or quit), it says so and waits for it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixStream;

use super::protocol::{self, Command, Snapshot};

/// What the window knows.
#[derive(Debug, Clone, Default)]
pub struct NotesState {
    pub snapshot: Option<Snapshot>,
    pub connected: bool,
    /// Was connected at some point (so "quit", not "not started").
    pub was_connected: bool,
    pub socket: PathBuf,
    /// What the window says about the last key (e.g. that there is no
    /// next step), until the next key.
    pub said: Option<String>,
}

/// The key a window sends, if it is one of the driving keys.
pub fn command_for(key: crossterm::event::KeyCode) -> Option<Command> {
    use crossterm::event::KeyCode;
    match key {
        KeyCode::Char('n') | KeyCode::Right | KeyCode::Char(' ') => Some(Command::Next),
        KeyCode::Char('p') | KeyCode::Left => Some(Command::Previous),
        KeyCode::Char('r') | KeyCode::Enter => Some(Command::Run),
        KeyCode::Char('f') => Some(Command::FastForward),
        KeyCode::Char('y') => Some(Command::Yes),
        _ => None,
    }
}

/// What the window says when `command` is sent while `snapshot` is on: at
/// the lesson's end `n` has nowhere to go in the reader, and opens the
/// next lesson in the presentation.
pub fn remark(command: Command, snapshot: Option<&Snapshot>) -> Option<String> {
    let snapshot = snapshot?;
    match (command, &snapshot.question) {
        (Command::Yes, Some(q)) if !q.yes_here => {
            return Some(format!("{} — answer it on the presentation.", q.text));
        }
        (Command::Yes, None) => {
            return Some("y answers the presentation's question; there is none now.".to_string());
        }
        (Command::Yes, Some(_)) => return None,
        (_, Some(_)) => {
            return Some(
                "The presentation is asking a question: y answers it, or answer it there."
                    .to_string(),
            );
        }
        (_, None) => {}
    }
    let lesson = snapshot.lesson.as_ref()?;
    match command {
        Command::Next if lesson.next_step.is_none() && lesson.next_section.is_none() => {
            Some(if snapshot.presenting {
                match &lesson.next_lesson {
                    Some(next) => format!("Last screen of this lesson: n again opens {next}."),
                    None => "This is the last screen of the last lesson.".to_string(),
                }
            } else {
                "That is the last step of this lesson.".to_string()
            })
        }
        Command::Next if lesson.next_step.is_none() && !snapshot.presenting => {
            Some("That is the last step of this lesson.".to_string())
        }
        Command::FastForward if !snapshot.simulated => {
            Some("Fast-forward works on dry-run only.".to_string())
        }
        _ => None,
    }
}

/// What the window said stays only while the presentation is where it was
/// said: a remark about the lesson's last screen is wrong in the next one.
fn said_still(said: Option<String>, before: Option<&Snapshot>, now: &Snapshot) -> Option<String> {
    let place = |s: &Snapshot| s.lesson.as_ref().map(|l| (l.id.clone(), l.section));
    said.filter(|_| before.map(place) == Some(place(now)))
}

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

/// Draws the window. Pure: `now` is given.
pub fn render(frame: &mut Frame<'_>, state: &NotesState, now: Timestamp) {
    let area = frame.area();
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
    let rows = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(3),
        Constraint::Length(3),
        Constraint::Length(6),
        Constraint::Length(1),
    ])
    .split(inner);
    render_header(frame, rows[0], snapshot, now);
    render_notes(frame, rows[1], snapshot);
    render_next(frame, rows[2], snapshot);
    render_step(frame, rows[3], snapshot);
    let mut keys = vec![Span::raw(
        "n/→ next  p/← previous  r run  f fast-forward  q quit",
    )];
    if let Some(said) = &state.said {
        keys = vec![Span::styled(
            said.clone(),
            Style::default().add_modifier(Modifier::BOLD),
        )];
    }
    if snapshot.fast_forward {
        keys.push(Span::styled(
            "   ⏩ FAST-FORWARD",
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
            "y here answers"
        } else {
            "answer it on the presentation"
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
            "   SIMULATED (dry-run)",
            Style::default()
                .fg(Color::Magenta)
                .add_modifier(Modifier::BOLD),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(keys)), rows[4]);
}

fn render_header(frame: &mut Frame<'_>, area: Rect, s: &Snapshot, now: Timestamp) {
    let talk = since(&s.talk_started, now);
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
            lines.push(Line::from(vec![
                Span::raw("lesson "),
                Span::styled(
                    format!("{} / {}", clock(spent), clock(i64::from(l.minutes) * 60)),
                    pace_style(spent, l.minutes),
                ),
                Span::raw("   talk "),
                Span::styled(
                    format!(
                        "{} / {}",
                        clock(talk),
                        clock(i64::from(s.talk_minutes) * 60)
                    ),
                    pace_style(talk, s.talk_minutes),
                ),
            ]));
        }
        None => {
            lines.push(Line::from("The lesson list is on screen."));
            lines.push(Line::from(vec![
                Span::raw("talk "),
                Span::styled(
                    format!(
                        "{} / {}",
                        clock(talk),
                        clock(i64::from(s.talk_minutes) * 60)
                    ),
                    pace_style(talk, s.talk_minutes),
                ),
            ]));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
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

fn render_next(frame: &mut Frame<'_>, area: Rect, s: &Snapshot) {
    let (step, section) = match &s.lesson {
        Some(l) => (l.next_step.clone(), l.next_section.clone()),
        None => (None, None),
    };
    let lines = vec![
        Line::from(format!("step: {}", step.unwrap_or_else(|| "—".to_string()))),
        Line::from(format!(
            "section: {}",
            section.unwrap_or_else(|| "—".to_string())
        )),
    ];
    let block = Block::default().borders(Borders::TOP).title(" next ");
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_step(frame: &mut Frame<'_>, area: Rect, s: &Snapshot) {
    let block = Block::default().borders(Borders::TOP).title(" step ");
    let Some(step) = s.lesson.as_ref().and_then(|l| l.step.as_ref()) else {
        frame.render_widget(Paragraph::new("no step run yet").block(block), area);
        return;
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("{}  ", step.status),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(
            "{}  {}",
            step.title,
            clock(step.elapsed_secs as i64)
        )),
    ])];
    if let Some(stage) = &step.stage {
        let progress = step
            .progress
            .map(|p| format!(" ({:.0}%)", p * 100.0))
            .unwrap_or_default();
        lines.push(Line::from(format!("stage: {stage}{progress}")));
    }
    lines.extend(step.checks.iter().map(|c| Line::from(c.clone())));
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

/// Runs the window until q, Esc or Ctrl-C.
pub async fn run(socket: &Path) -> std::io::Result<()> {
    let mut terminal = ratatui::try_init()?;
    let result = serve(&mut terminal, socket).await;
    ratatui::restore();
    result
}

async fn serve(terminal: &mut ratatui::DefaultTerminal, socket: &Path) -> std::io::Result<()> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
    let mut state = NotesState {
        socket: socket.to_path_buf(),
        ..NotesState::default()
    };
    let mut keys = crossterm::event::EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        // (Re)connect, then follow until the presentation goes away.
        let stream = UnixStream::connect(socket).await.ok();
        state.connected = stream.is_some();
        state.was_connected |= state.connected;
        let (mut lines, mut write) = match stream {
            Some(s) => {
                let (r, w) = s.into_split();
                (Some(BufReader::new(r).lines()), Some(w))
            }
            None => (None, None),
        };
        loop {
            terminal.draw(|f| render(f, &state, Timestamp::now()))?;
            let line = async {
                match lines.as_mut() {
                    Some(l) => l.next_line().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = tick.tick() => {
                    if !state.connected {
                        break;
                    }
                }
                got = line => match got {
                    Ok(Some(text)) => {
                        if let Some(s) = protocol::decode::<Snapshot>(&text) {
                            state.said = said_still(state.said.take(), state.snapshot.as_ref(), &s);
                            state.snapshot = Some(s);
                        }
                    }
                    _ => {
                        state.connected = false;
                        break;
                    }
                },
                event = keys.next() => {
                    let Some(Ok(Event::Key(key))) = event else { continue };
                    if key.kind != KeyEventKind::Press {
                        continue;
                    }
                    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
                    if matches!(key.code, KeyCode::Char('q') | KeyCode::Esc) || ctrl_c {
                        return Ok(());
                    }
                    let command = command_for(key.code);
                    state.said = command.and_then(|c| remark(c, state.snapshot.as_ref()));
                    if let (Some(command), Some(w)) = (command, write.as_mut()) {
                        let line = format!("{}\n", protocol::encode(&command));
                        if w.write_all(line.as_bytes()).await.is_err() {
                            state.connected = false;
                            break;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::present::protocol::{LessonView, StepState};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn screen(state: &NotesState, now: Timestamp, w: u16, h: u16) -> String {
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
                    next_section: Some("What eksctl wrote".into()),
                    next_lesson: Some("Deploy Trino with Helm".into()),
                    step: Some(StepState {
                        title: "Create the EKS cluster".into(),
                        status: "running".into(),
                        stage: Some("waiting for CloudFormation".into()),
                        progress: Some(0.45),
                        elapsed_secs: 151,
                        checks: vec!["· the cluster is ACTIVE".into()],
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
        assert!(text.contains("talk 20:00 / 1:30:00"), "{text}");
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
    }

    #[test]
    fn n_at_the_last_step_says_so_and_f_on_a_real_backend_says_why_not() {
        let mut snapshot = Snapshot {
            simulated: true,
            lesson: Some(LessonView {
                next_step: None,
                next_section: None,
                next_lesson: Some("Deploy Trino with Helm".into()),
                ..LessonView::default()
            }),
            ..Snapshot::default()
        };
        let said = remark(Command::Next, Some(&snapshot));
        assert_eq!(
            said.as_deref(),
            Some("That is the last step of this lesson.")
        );
        snapshot.presenting = true;
        let said = remark(Command::Next, Some(&snapshot)).unwrap_or_default();
        assert_eq!(
            said,
            "Last screen of this lesson: n again opens Deploy Trino with Helm."
        );
        if let Some(l) = &mut snapshot.lesson {
            l.next_lesson = None;
        }
        let said = remark(Command::Next, Some(&snapshot)).unwrap_or_default();
        assert_eq!(said, "This is the last screen of the last lesson.");
        if let Some(l) = &mut snapshot.lesson {
            l.next_lesson = Some("Deploy Trino with Helm".into());
        }
        assert_eq!(remark(Command::FastForward, Some(&snapshot)), None);
        snapshot.simulated = false;
        assert!(remark(Command::FastForward, Some(&snapshot)).is_some());
        if let Some(l) = &mut snapshot.lesson {
            l.next_step = Some("Get the nodes".into());
        }
        assert_eq!(remark(Command::Next, Some(&snapshot)), None);
        assert_eq!(
            command_for(crossterm::event::KeyCode::Char('f')),
            Some(Command::FastForward)
        );
        assert_eq!(
            command_for(crossterm::event::KeyCode::Char('y')),
            Some(Command::Yes)
        );
        assert!(remark(Command::Yes, Some(&snapshot)).is_some());

        // Shown in the window's key line, until the next key.
        let state = NotesState {
            connected: true,
            snapshot: Some(snapshot),
            said: Some("That is the last step of this lesson.".into()),
            ..NotesState::default()
        };
        let text = screen(&state, Timestamp::now(), 80, 24);
        assert!(
            text.contains("That is the last step of this lesson."),
            "{text}"
        );
    }

    #[test]
    fn a_remark_goes_when_the_presentation_moves_on() {
        let at = |id: &str, section| Snapshot {
            lesson: Some(LessonView {
                id: id.into(),
                section,
                ..LessonView::default()
            }),
            ..Snapshot::default()
        };
        let said = Some("Last screen of this lesson: n again opens Clean up.".to_string());
        let here = at("helm-trino", 9);
        assert_eq!(
            said_still(said.clone(), Some(&here), &at("helm-trino", 9)),
            said
        );
        assert_eq!(
            said_still(said.clone(), Some(&here), &at("cleanup", 0)),
            None
        );
        assert_eq!(said_still(said, Some(&here), &at("helm-trino", 8)), None);
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
        let text = screen(&state(&snapshot), now, 100, 12);
        assert!(
            text.contains("? run this command?: y here answers"),
            "{text}"
        );
        assert_eq!(remark(Command::Yes, Some(&snapshot)), None);
        snapshot.question = Some(crate::present::protocol::Question {
            text: "type the cluster's name to create it".into(),
            yes_here: false,
        });
        let text = screen(&state(&snapshot), now, 100, 12);
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
        let mut t = Terminal::new(TestBackend::new(100, 12)).unwrap();
        t.draw(|f| render(f, &state, now)).unwrap();
        let buf = t.backend().buffer().clone();
        let row = (0..12)
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
        assert!(screen(&state, now, 100, 12).contains(&banner), "{banner}");
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
        assert!(screen(&state, now, 70, 10).contains("Waiting for the presentation"));
        state.was_connected = true;
        assert!(screen(&state, now, 70, 10).contains("The presentation quit"));
    }
}
