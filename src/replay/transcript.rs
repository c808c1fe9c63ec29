//! A recording's terminal text as styled lines: SGR colours and weights
//! become styles, in colours that read on a projector; other escape
//! sequences are dropped, a lone carriage return starts its line over
//! (a progress line shows its latest state), and lines wrap to the width.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// The lines of `text`, unwrapped. `base` is the style of plain text.
pub fn lines(text: &str, base: Style) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut style = base;
    let mut chars = text.chars().peekable();
    let flush = |run: &mut String, spans: &mut Vec<Span<'static>>, style: Style| {
        if !run.is_empty() {
            spans.push(Span::styled(std::mem::take(run), style));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                flush(&mut run, &mut spans, style);
                match chars.next() {
                    Some('[') => {
                        let mut params = String::new();
                        let mut last = None;
                        for p in chars.by_ref() {
                            if ('\x40'..='\x7e').contains(&p) {
                                last = Some(p);
                                break;
                            }
                            params.push(p);
                        }
                        if last == Some('m') {
                            style = sgr(style, base, &params);
                        }
                    }
                    Some(']') => {
                        // An OSC (a title, a hyperlink) ends at BEL or ESC \.
                        while let Some(p) = chars.next() {
                            if p == '\x07' || (p == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                                break;
                            }
                        }
                    }
                    _ => {}
                }
            }
            '\n' => {
                flush(&mut run, &mut spans, style);
                out.push(Line::from(std::mem::take(&mut spans)));
            }
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    run.clear();
                    spans.clear();
                }
            }
            '\x08' => {
                run.pop();
            }
            '\t' => {
                let used: usize =
                    spans.iter().map(Span::width).sum::<usize>() + run.chars().count();
                run.push_str(&" ".repeat(8 - used % 8));
            }
            c if c.is_control() => {}
            c => run.push(c),
        }
    }
    flush(&mut run, &mut spans, style);
    if !spans.is_empty() {
        out.push(Line::from(spans));
    }
    out
}

/// The lines broken so that none is wider than `width` cells.
pub fn wrap(lines: &[Line<'static>], width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut out = Vec::new();
    for line in lines {
        let mut current: Vec<Span<'static>> = Vec::new();
        let mut used = 0;
        for span in &line.spans {
            let mut piece = String::new();
            for c in span.content.chars() {
                let w = c.width().unwrap_or(0);
                if used + w > width {
                    if !piece.is_empty() {
                        current.push(Span::styled(std::mem::take(&mut piece), span.style));
                    }
                    out.push(Line::from(std::mem::take(&mut current)));
                    used = 0;
                }
                piece.push(c);
                used += w;
            }
            if !piece.is_empty() {
                current.push(Span::styled(piece, span.style));
            }
        }
        out.push(Line::from(current));
    }
    out
}

/// The style after an SGR sequence (`ESC [ params m`).
fn sgr(mut style: Style, base: Style, params: &str) -> Style {
    let codes: Vec<u16> = params.split(';').map(|p| p.parse().unwrap_or(0)).collect();
    let mut i = 0;
    while i < codes.len() {
        match codes[i] {
            0 => style = base,
            1 => style = style.add_modifier(Modifier::BOLD),
            // Faint text does not survive a projector: a light grey instead.
            2 => style = style.fg(Color::Gray),
            3 => style = style.add_modifier(Modifier::ITALIC),
            4 => style = style.add_modifier(Modifier::UNDERLINED),
            7 => style = style.add_modifier(Modifier::REVERSED),
            22 => {
                style = style
                    .remove_modifier(Modifier::BOLD)
                    .fg(base.fg.unwrap_or(Color::White))
            }
            23 => style = style.remove_modifier(Modifier::ITALIC),
            24 => style = style.remove_modifier(Modifier::UNDERLINED),
            27 => style = style.remove_modifier(Modifier::REVERSED),
            n @ (30..=37 | 90..=97) => style = style.fg(bright(n % 10)),
            39 => style = style.fg(base.fg.unwrap_or(Color::White)),
            38 => {
                let (color, used) = extended(&codes[i + 1..]);
                if let Some(color) = color {
                    style = style.fg(color);
                }
                i += used;
            }
            // Backgrounds are left to the screen's own, which stays dark.
            48 => i += extended(&codes[i + 1..]).1,
            _ => {}
        }
        i += 1;
    }
    style
}

/// The colours of a dark projector screen: the bright variant of each, and
/// grey for black.
fn bright(index: u16) -> Color {
    match index {
        1 => Color::LightRed,
        2 => Color::LightGreen,
        3 => Color::LightYellow,
        4 => Color::LightBlue,
        5 => Color::LightMagenta,
        6 => Color::LightCyan,
        0 => Color::Gray,
        _ => Color::White,
    }
}

/// `5;N` or `2;R;G;B` after a 38 or 48, and how many codes it took.
fn extended(rest: &[u16]) -> (Option<Color>, usize) {
    let byte = |i: usize| rest.get(i).and_then(|&n| u8::try_from(n).ok());
    match rest.first() {
        Some(5) => (byte(1).map(Color::Indexed), 2),
        Some(2) => match (byte(1), byte(2), byte(3)) {
            (Some(r), Some(g), Some(b)) => (Some(Color::Rgb(r, g, b)), 4),
            _ => (None, rest.len()),
        },
        _ => (None, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn colours_become_styles_and_other_escapes_go() {
        let base = Style::default().fg(Color::White);
        let lines = lines(
            "\x1b[1;32m$\x1b[0m kubectl\r\n\x1b]0;title\x07\x1b[2Kplain\n\x1b[31m✘ no\x1b[0m\n",
            base,
        );
        assert_eq!(plain(&lines), ["$ kubectl", "plain", "✘ no"]);
        assert_eq!(
            lines[0].spans[0].style,
            base.fg(Color::LightGreen).add_modifier(Modifier::BOLD)
        );
        assert_eq!(lines[0].spans[1].style, base);
        assert_eq!(lines[2].spans[0].style.fg, Some(Color::LightRed));
    }

    #[test]
    fn a_carriage_return_starts_the_line_over_and_a_tab_aligns() {
        let lines = lines("10%\r50%\r100%\r\nab\tc\n", Style::default());
        assert_eq!(plain(&lines), ["100%", "ab      c"]);
    }

    #[test]
    fn long_lines_wrap_to_the_width_keeping_styles() {
        let red = Style::default().fg(Color::Red);
        let line = Line::from(vec![Span::raw("abcd"), Span::styled("efgh", red)]);
        let wrapped = wrap(&[line, Line::default()], 3);
        assert_eq!(plain(&wrapped), ["abc", "def", "gh", ""]);
        assert_eq!(wrapped[1].spans[1].style, red);
    }
}
