//! Draws the player for a projector: light text on black, wide margins,
//! the step's name on top, its terminal text below, and one thin progress
//! line with the keys at the bottom. Reads the state only.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{Mode, Replay, transcript};

// What the screen says.
const KEYS: &str = "→/Space next   ← back   PgUp/PgDn scroll   p pause   q quit";
const OPENING: &str = "before the first step";
const PLAYING: &str = "▶ playing";
const PAUSED: &str = "⏸ paused";
const WAITING: &str = "→ or Space: next step";
const END: &str = "■ end of the recording";
const CUT_OFF: &str = "(the recording stops early: its last line was cut off)";
const EMPTY: &str = "this recording has no steps";

fn base() -> Style {
    Style::default().fg(Color::White).bg(Color::Black)
}

/// The screen without its margins.
fn inner(area: Rect) -> Rect {
    let x = (area.width / 10).clamp(2, 12);
    let y = (area.height / 10).clamp(1, 4);
    Rect {
        x: area.x + x,
        y: area.y + y,
        width: area.width.saturating_sub(2 * x),
        height: area.height.saturating_sub(2 * y),
    }
}

/// The heading, the text, and the progress line with the status under it.
fn areas(area: Rect) -> [Rect; 3] {
    inner(area).layout(&Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(2),
    ]))
}

/// How many lines of text the screen shows at this size (a page, for
/// PgUp/PgDn).
pub fn page(area: Rect) -> usize {
    usize::from(areas(area)[1].height)
}

/// How far up the section on screen can scroll at this size.
pub fn scroll_limit(replay: &Replay, area: Rect) -> usize {
    let body = areas(area)[1];
    let lines = transcript::lines(&replay.text(), base());
    transcript::wrap(&lines, usize::from(body.width))
        .len()
        .saturating_sub(usize::from(body.height))
}

impl Widget for &Replay {
    fn render(self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, base());
        let [heading, body, footer] = areas(area);
        self.render_heading(heading, buf);
        self.render_body(body, buf);
        self.render_footer(footer, buf);
    }
}

impl Replay {
    fn render_heading(&self, area: Rect, buf: &mut Buffer) {
        let name = match &self.section().label {
            Some(label) => format!("step {}/{} · {label}", self.step_number(), self.steps()),
            None => OPENING.to_string(),
        };
        Line::from(Span::styled(
            name,
            Style::default()
                .fg(Color::LightCyan)
                .add_modifier(Modifier::BOLD),
        ))
        .render(area, buf);
        Line::from(Span::styled(&self.title, Style::default().fg(Color::Gray)))
            .alignment(Alignment::Right)
            .render(area, buf);
    }

    fn render_body(&self, area: Rect, buf: &mut Buffer) {
        let mut lines = transcript::lines(&self.text(), base());
        if self.section().label.is_none() {
            if lines.is_empty() {
                self.render_title_card(area, buf);
                return;
            }
            // What came before the first step, under the card.
            let mut card = self.title_card();
            card.push(Line::default());
            card.append(&mut lines);
            lines = card;
        }
        let wrapped = transcript::wrap(&lines, usize::from(area.width));
        let height = usize::from(area.height);
        let bottom = wrapped
            .len()
            .saturating_sub(self.scroll)
            .max(height.min(wrapped.len()));
        let top = bottom.saturating_sub(height);
        Paragraph::new(wrapped[top..bottom].to_vec()).render(area, buf);
    }

    /// The recording's title and how many steps it has.
    fn title_card(&self) -> Vec<Line<'static>> {
        let steps = self.steps();
        let what = match (steps, self.mode) {
            (0, _) => EMPTY.to_string(),
            (n, Mode::Step) => format!("{n} steps recorded · {WAITING}"),
            (n, Mode::Continuous) => format!("{n} steps recorded"),
        };
        vec![
            Line::from(Span::styled(
                self.title.clone(),
                Style::default().add_modifier(Modifier::BOLD),
            )),
            Line::default(),
            Line::from(Span::styled(what, Style::default().fg(Color::Gray))),
        ]
    }

    fn render_title_card(&self, area: Rect, buf: &mut Buffer) {
        let [_, middle, _] = area.layout(&Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(3),
            Constraint::Fill(1),
        ]));
        Paragraph::new(self.title_card())
            .alignment(Alignment::Center)
            .render(middle, buf);
    }

    fn render_footer(&self, area: Rect, buf: &mut Buffer) {
        let [bar, status] = area.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
        ]));
        let width = usize::from(bar.width);
        let done = (width * self.step_number())
            .checked_div(self.steps())
            .unwrap_or(width);
        Line::from(vec![
            Span::styled("━".repeat(done), Style::default().fg(Color::LightCyan)),
            Span::styled(
                "─".repeat(width - done),
                Style::default().fg(Color::DarkGray),
            ),
        ])
        .render(bar, buf);
        let state = if self.at_end() {
            END.to_string()
        } else if self.playing {
            format!("{PLAYING} ×{}", self.speed)
        } else if self.mode == Mode::Step {
            WAITING.to_string()
        } else {
            PAUSED.to_string()
        };
        let mut spans = vec![Span::styled(
            state,
            Style::default().add_modifier(Modifier::BOLD),
        )];
        if self.cut_off && self.at_end() {
            spans.push(Span::raw(format!("  {CUT_OFF}")));
        }
        let left = Line::from(spans);
        let keys = Line::from(Span::styled(KEYS, Style::default().fg(Color::Gray)));
        // The keys only where they fit beside the state.
        if left.width() + 3 + keys.width() <= usize::from(status.width) {
            keys.alignment(Alignment::Right).render(status, buf);
        }
        left.render(status, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::asciicast::Cast;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn screen(replay: &Replay) -> Vec<String> {
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        terminal
            .draw(|frame| frame.render_widget(replay, frame.area()))
            .unwrap();
        let buffer = terminal.backend().buffer();
        (0..30)
            .map(|y| {
                (0..100)
                    .map(|x| buffer[(x, y)].symbol().to_string())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect()
    }

    fn cast() -> Cast {
        let mut text = String::from(
            "{\"version\":2,\"width\":80,\"height\":24,\"title\":\"trinetes run: replicasets\"}\n\
             [1.0,\"m\",\"create-rs\"]\n[1.1,\"o\",\"\\u001b[1;32m$\\u001b[0m kubectl create -f rs.yaml\\r\\n\"]\n",
        );
        for n in 0..40 {
            text += &format!("[1.2,\"o\",\"line {n}\\r\\n\"]\n");
        }
        text += "[2.0,\"m\",\"get-rs\"]\n[2.1,\"o\",\"$ kubectl get rs\\r\\n\"]\n";
        Cast::parse(&text).unwrap()
    }

    #[test]
    fn the_title_card_then_a_step_with_margins_and_its_tail() {
        let mut replay = Replay::new(&cast(), 1.0, Mode::Step);
        let card = screen(&replay);
        assert!(
            card.iter().any(|l| l.trim() == "trinetes run: replicasets"),
            "{card:#?}"
        );
        assert!(
            card.iter().any(|l| l.contains("2 steps recorded")),
            "{card:#?}"
        );

        replay.next();
        replay.next();
        let shown = screen(&replay);
        // Margins: nothing on the first rows or in the first columns.
        assert!(shown[..3].iter().all(String::is_empty), "{shown:#?}");
        assert!(shown.iter().all(|l| l.chars().take(10).all(|c| c == ' ')));
        assert!(shown[3].contains("step 1/2 · create-rs"), "{shown:#?}");
        // The text follows its end: the last line shows, the first has scrolled away.
        assert!(shown.iter().any(|l| l.trim() == "line 39"), "{shown:#?}");
        assert!(!shown.iter().any(|l| l.contains("kubectl create")));
        assert!(shown.iter().any(|l| l.contains(WAITING)), "{shown:#?}");

        let area = Rect::new(0, 0, 100, 30);
        assert_eq!(page(area), 20);
        assert_eq!(scroll_limit(&replay, area), 41 - 20);
        replay.scroll_up(scroll_limit(&replay, area));
        let scrolled = screen(&replay);
        assert!(
            scrolled
                .iter()
                .any(|l| l.contains("$ kubectl create -f rs.yaml")),
            "{scrolled:#?}"
        );

        replay.next();
        replay.next();
        let last = screen(&replay);
        assert!(last[3].contains("step 2/2 · get-rs"), "{last:#?}");
        assert!(last.iter().any(|l| l.contains(END)), "{last:#?}");
    }
}
