//! `trinetes notes`: the speaker's window. It follows a running trinetes
//! over the notes socket and shows the notes of the section on screen, what
//! comes next, the clock, the time spent against the plan, and the running
//! step; its keys drive the presentation. When the presentation is not
//! there (not started yet, or quit), it says so and waits for it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use jiff::Timestamp;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixStream;

use super::notes_view::render;
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
        (Command::Yes | Command::Next, Some(_)) => return None,
        (_, Some(_)) => {
            return Some(
                "The presentation is asking a question: y says yes, n says no (or answer it there)."
                    .to_string(),
            );
        }
        (_, None) => {}
    }
    let lesson = snapshot.lesson.as_ref()?;
    let running = lesson.step.as_ref().filter(|s| s.status == "running");
    if let (Command::Run, Some(step)) = (command, running) {
        return Some(format!(
            "{} is still running: it ends by itself, or Ctrl-C on the presentation stops it.",
            step.title
        ));
    }
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
                    // Esc does not quit: a stray one would close the
                    // presenter's window in the middle of a talk.
                    if key.code == KeyCode::Char('q') || ctrl_c {
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
    use crate::present::notes_view::tests::screen;
    use crate::present::protocol::LessonView;

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
    fn r_while_a_step_runs_says_so_and_how_it_stops() {
        let snapshot = Snapshot {
            simulated: true,
            lesson: Some(LessonView {
                step: Some(crate::present::protocol::StepState {
                    title: "Create the EKS cluster".into(),
                    status: "running".into(),
                    ..Default::default()
                }),
                ..LessonView::default()
            }),
            ..Snapshot::default()
        };
        let said = remark(Command::Run, Some(&snapshot)).unwrap_or_default();
        assert!(
            said.starts_with("Create the EKS cluster is still running"),
            "{said}"
        );
        assert!(said.contains("Ctrl-C on the presentation"), "{said}");
        assert_eq!(remark(Command::FastForward, Some(&snapshot)), None);
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
}
