//! Word wrapping of styled text to a display width, keeping each piece's style
//! and link across line breaks. One wrapper serves every place that wraps:
//! prose (runs of spaces collapse), program output (spaces kept as written),
//! shell commands (broken only at spaces outside quotes, each broken line
//! ending with ` \` so the lines still paste as one command), each with an
//! optional hanging indent for the lines after the first.

use ratatui::style::Style;
use unicode_width::UnicodeWidthChar;

/// A space that never breaks a line; it is drawn as a plain space. Use it to
/// keep a few words together, e.g. "(x dismisses)".
pub const NO_BREAK: char = '\u{a0}';

/// What a shell continuation adds at the end of a broken line.
pub const CONTINUATION: &str = " \\";

/// A run of text with one style, optionally part of a link (an index into the
/// document's link targets).
#[derive(Debug, Clone, PartialEq)]
pub struct Seg {
    pub text: String,
    pub style: Style,
    pub link: Option<usize>,
}

impl Seg {
    pub fn new(text: impl Into<String>, style: Style) -> Self {
        Seg {
            text: text.into(),
            style,
            link: None,
        }
    }

    pub fn width(&self) -> usize {
        text_width(&self.text)
    }
}

pub fn char_width(c: char) -> usize {
    // Control characters have no width of their own; treating them as one
    // column keeps the layout honest if one slips through.
    c.width().unwrap_or(1)
}

pub fn text_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

pub fn segs_width(segs: &[Seg]) -> usize {
    segs.iter().map(Seg::width).sum()
}

/// How text is wrapped; the default is prose.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WrapStyle {
    /// Columns of space before every line after the first.
    pub indent: usize,
    /// Keeps runs of whitespace, and the whitespace a line starts with, as
    /// written (program output, where columns line up); otherwise a run
    /// collapses to one space and leading whitespace is dropped.
    pub keep_spaces: bool,
    /// Wraps a shell command: spaces inside quotes or after a backslash do
    /// not break, and a line broken at a space ends with `CONTINUATION` in
    /// this style. A word wider than a whole line is still cut, without the
    /// mark: no width can show it on one line.
    pub shell: Option<Style>,
}

impl WrapStyle {
    /// Prose with a hanging indent.
    pub fn hanging(indent: usize) -> Self {
        WrapStyle {
            indent,
            ..WrapStyle::default()
        }
    }

    /// Program output: spaces as written, continuation lines indented.
    pub fn output(indent: usize) -> Self {
        WrapStyle {
            indent,
            keep_spaces: true,
            shell: None,
        }
    }

    /// A shell command whose continuation lines are indented and marked.
    pub fn command(indent: usize, mark: Style) -> Self {
        WrapStyle {
            indent,
            keep_spaces: true,
            shell: Some(mark),
        }
    }
}

enum Token {
    Word(Vec<Seg>),
    /// A run of whitespace as written.
    Space(Vec<Seg>),
    Newline,
}

fn push_char(run: &mut Vec<Seg>, c: char, seg: &Seg) {
    let c = if c == NO_BREAK { ' ' } else { c };
    match run.last_mut() {
        Some(last) if last.style == seg.style && last.link == seg.link => last.text.push(c),
        _ => run.push(Seg {
            text: c.to_string(),
            style: seg.style,
            link: seg.link,
        }),
    }
}

/// Where a shell word is: inside quotes, a space is part of the word.
#[derive(Clone, Copy, PartialEq)]
enum Quoting {
    None,
    Single,
    Double,
    /// The character after a backslash.
    Escaped(bool),
}

impl Quoting {
    /// The state after `c`; whether `c` may break here is asked before.
    fn after(self, c: char) -> Self {
        match (self, c) {
            (Quoting::Escaped(in_double), _) => {
                if in_double {
                    Quoting::Double
                } else {
                    Quoting::None
                }
            }
            (Quoting::None, '\'') => Quoting::Single,
            (Quoting::None, '"') => Quoting::Double,
            (Quoting::None, '\\') => Quoting::Escaped(false),
            (Quoting::Single, '\'') | (Quoting::Double, '"') => Quoting::None,
            (Quoting::Double, '\\') => Quoting::Escaped(true),
            (state, _) => state,
        }
    }
}

fn tokenize(segs: &[Seg], shell: bool) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word: Vec<Seg> = Vec::new();
    let mut space: Vec<Seg> = Vec::new();
    let mut quoting = Quoting::None;
    for seg in segs {
        for c in seg.text.chars() {
            let breaks = c.is_whitespace() && c != NO_BREAK;
            let quoted = shell && quoting != Quoting::None;
            if shell {
                quoting = quoting.after(c);
            }
            if c == '\n' && !quoted {
                if !word.is_empty() {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                }
                space.clear();
                tokens.push(Token::Newline);
            } else if breaks && !quoted {
                if !word.is_empty() {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                }
                push_char(&mut space, c, seg);
            } else {
                if !space.is_empty() {
                    tokens.push(Token::Space(std::mem::take(&mut space)));
                }
                push_char(&mut word, c, seg);
            }
        }
    }
    if !word.is_empty() {
        tokens.push(Token::Word(word));
    }
    if !space.is_empty() {
        tokens.push(Token::Space(space));
    }
    tokens
}

struct LineBuilder {
    /// Columns for text on every line (the mark's room is kept out).
    width: usize,
    indent: usize,
    mark: Option<Style>,
    lines: Vec<Vec<Seg>>,
    current: Vec<Seg>,
    current_width: usize,
    /// Columns of indent at the start of `current`.
    start: usize,
}

impl LineBuilder {
    fn new(width: usize, style: &WrapStyle) -> Self {
        let mark = style.shell;
        let room = width
            .saturating_sub(if mark.is_some() {
                text_width(CONTINUATION)
            } else {
                0
            })
            .max(1);
        // An indent that leaves less than half the line is dropped: a
        // narrow column of text is worse than no indent.
        let indent = if style.indent * 2 <= room {
            style.indent
        } else {
            0
        };
        LineBuilder {
            width: room,
            indent,
            mark,
            lines: Vec::new(),
            current: Vec::new(),
            current_width: 0,
            start: 0,
        }
    }

    fn at_start(&self) -> bool {
        self.current_width == self.start
    }

    /// Ends the line at a newline: the next one starts a new paragraph.
    fn end_paragraph(&mut self) {
        self.lines.push(std::mem::take(&mut self.current));
        self.current_width = 0;
        self.start = 0;
    }

    /// Ends the line where the text goes on: marked (for a command broken
    /// at a space) and the next one indented.
    fn continue_line(&mut self, marked: bool) {
        if let (true, Some(style)) = (marked, self.mark) {
            self.push(Seg::new(CONTINUATION, style));
        }
        self.lines.push(std::mem::take(&mut self.current));
        self.current_width = 0;
        if self.indent > 0 {
            self.push(Seg::new(" ".repeat(self.indent), Style::default()));
        }
        self.start = self.indent;
    }

    fn push(&mut self, seg: Seg) {
        self.current_width += seg.width();
        match self.current.last_mut() {
            Some(last) if last.style == seg.style && last.link == seg.link => {
                last.text.push_str(&seg.text)
            }
            _ => self.current.push(seg),
        }
    }

    /// A word longer than the line is cut at character boundaries.
    fn push_split(&mut self, word: Vec<Seg>) {
        for seg in word {
            for c in seg.text.chars() {
                let w = char_width(c);
                if self.current_width + w > self.width && !self.at_start() {
                    self.continue_line(false);
                }
                self.push(Seg {
                    text: c.to_string(),
                    style: seg.style,
                    link: seg.link,
                });
            }
        }
    }
}

/// Greedy prose wrap. Runs of whitespace collapse to one space; spaces at
/// the start of a line are dropped; `\n` forces a break.
pub fn wrap(segs: &[Seg], width: usize) -> Vec<Vec<Seg>> {
    wrap_with(segs, width, &WrapStyle::default())
}

/// Greedy wrap to `width` columns, as `style` says. Every line, indent and
/// mark included, is at most `width` columns wide; spaces where a line
/// breaks are dropped; `\n` forces a break and starts without indent.
pub fn wrap_with(segs: &[Seg], width: usize, style: &WrapStyle) -> Vec<Vec<Seg>> {
    let mut b = LineBuilder::new(width, style);
    let mut pending: Option<Vec<Seg>> = None;
    for token in tokenize(segs, style.shell.is_some()) {
        match token {
            Token::Newline => {
                b.end_paragraph();
                pending = None;
            }
            Token::Space(run) if style.keep_spaces && b.current_width == 0 => {
                // The text's own indentation, at the start of a paragraph.
                if segs_width(&run) < b.width {
                    run.into_iter().for_each(|s| b.push(s));
                }
            }
            Token::Space(run) => pending = Some(run),
            Token::Word(word) => {
                let w = segs_width(&word);
                let space = match pending.take() {
                    Some(_) if b.at_start() => None,
                    Some(run) if style.keep_spaces => Some(run),
                    Some(run) => Some(vec![Seg {
                        text: " ".to_string(),
                        ..run[0].clone()
                    }]),
                    None => None,
                };
                let space_width = space.as_deref().map_or(0, segs_width);
                if space.is_some() && b.current_width + space_width + w > b.width {
                    b.continue_line(true);
                } else if let Some(run) = space {
                    run.into_iter().for_each(|s| b.push(s));
                }
                if b.current_width + w > b.width {
                    b.push_split(word);
                } else {
                    word.into_iter().for_each(|s| b.push(s));
                }
            }
        }
    }
    if !b.current.is_empty() || b.lines.is_empty() {
        b.end_paragraph();
    }
    b.lines
}

/// The lines of a wrapped command read back as the command: each
/// continuation mark and the indent after it removed.
pub fn join_continued(lines: &[String], indent: usize) -> String {
    let mut out = String::new();
    let mut continued = false;
    for line in lines {
        let line = if continued {
            let spaces = line.len() - line.trim_start_matches(' ').len();
            &line[spaces.min(indent)..]
        } else {
            if !out.is_empty() {
                out.push('\n');
            }
            line.as_str()
        };
        match line.strip_suffix(CONTINUATION) {
            Some(head) => {
                out.push_str(head);
                out.push(' ');
                continued = true;
            }
            None => {
                out.push_str(line);
                continued = false;
            }
        }
    }
    out
}

/// Cuts text with no word wrapping (code, diagrams): each piece is at most
/// `width` columns.
pub fn hard_wrap(segs: &[Seg], width: usize) -> Vec<Vec<Seg>> {
    let mut b = LineBuilder::new(width, &WrapStyle::default());
    b.push_split(segs.to_vec());
    b.end_paragraph();
    b.lines
}
#[cfg(test)]
mod tests;
