//! Word wrapping of styled text to a display width, keeping each piece's style
//! and link across line breaks.

use ratatui::style::Style;
use unicode_width::UnicodeWidthChar;

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

enum Token {
    Word(Vec<Seg>),
    Space(Style, Option<usize>),
    Newline,
}

fn push_char(word: &mut Vec<Seg>, c: char, seg: &Seg) {
    match word.last_mut() {
        Some(last) if last.style == seg.style && last.link == seg.link => last.text.push(c),
        _ => word.push(Seg {
            text: c.to_string(),
            style: seg.style,
            link: seg.link,
        }),
    }
}

fn tokenize(segs: &[Seg]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word: Vec<Seg> = Vec::new();
    for seg in segs {
        for c in seg.text.chars() {
            if c == '\n' {
                if !word.is_empty() {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                }
                tokens.push(Token::Newline);
            } else if c.is_whitespace() {
                if !word.is_empty() {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                }
                if !matches!(tokens.last(), Some(Token::Space(..))) {
                    tokens.push(Token::Space(seg.style, seg.link));
                }
            } else {
                push_char(&mut word, c, seg);
            }
        }
    }
    if !word.is_empty() {
        tokens.push(Token::Word(word));
    }
    tokens
}

struct LineBuilder {
    width: usize,
    lines: Vec<Vec<Seg>>,
    current: Vec<Seg>,
    current_width: usize,
}

impl LineBuilder {
    fn break_line(&mut self) {
        self.lines.push(std::mem::take(&mut self.current));
        self.current_width = 0;
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
                if self.current_width + w > self.width && self.current_width > 0 {
                    self.break_line();
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

/// Greedy wrap. Runs of whitespace collapse to one space; spaces at the
/// start of a wrapped line are dropped; `\n` forces a break.
pub fn wrap(segs: &[Seg], width: usize) -> Vec<Vec<Seg>> {
    let mut b = LineBuilder {
        width: width.max(1),
        lines: Vec::new(),
        current: Vec::new(),
        current_width: 0,
    };
    let mut pending_space: Option<(Style, Option<usize>)> = None;
    for token in tokenize(segs) {
        match token {
            Token::Newline => {
                b.break_line();
                pending_space = None;
            }
            Token::Space(style, link) => pending_space = Some((style, link)),
            Token::Word(word) => {
                let w = segs_width(&word);
                let space = usize::from(pending_space.is_some() && b.current_width > 0);
                if b.current_width > 0 && b.current_width + space + w > b.width {
                    b.break_line();
                } else if let (Some((style, link)), 1) = (pending_space, space) {
                    b.push(Seg {
                        text: " ".to_string(),
                        style,
                        link,
                    });
                }
                pending_space = None;
                if w > b.width {
                    b.push_split(word);
                } else {
                    for seg in word {
                        b.push(seg);
                    }
                }
            }
        }
    }
    if !b.current.is_empty() || b.lines.is_empty() {
        b.break_line();
    }
    b.lines
}

/// Cuts text with no word wrapping (code, diagrams): each piece is at most
/// `width` columns.
pub fn hard_wrap(segs: &[Seg], width: usize) -> Vec<Vec<Seg>> {
    let mut b = LineBuilder {
        width: width.max(1),
        lines: Vec::new(),
        current: Vec::new(),
        current_width: 0,
    };
    b.push_split(segs.to_vec());
    b.break_line();
    b.lines
}

#[cfg(test)]
mod tests {
    use ratatui::style::Modifier;

    use super::*;

    fn texts(lines: &[Vec<Seg>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|s| s.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn wraps_at_word_boundaries() {
        let segs = [Seg::new("the quick brown fox jumps", Style::new())];
        assert_eq!(texts(&wrap(&segs, 10)), ["the quick", "brown fox", "jumps"]);
    }

    #[test]
    fn styles_survive_a_wrap() {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let segs = [
            Seg::new("plain ", Style::new()),
            Seg::new("bold words here", bold),
        ];
        let lines = wrap(&segs, 11);
        assert_eq!(texts(&lines), ["plain bold", "words here"]);
        assert_eq!(lines[1][0].style, bold);
    }

    #[test]
    fn long_words_are_cut() {
        let segs = [Seg::new("abcdefghij", Style::new())];
        assert_eq!(texts(&wrap(&segs, 4)), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn wide_characters_count_two_columns() {
        let segs = [Seg::new("日本語 日本語", Style::new())];
        assert_eq!(texts(&wrap(&segs, 6)), ["日本語", "日本語"]);
        let cut = hard_wrap(&[Seg::new("日本語", Style::new())], 5);
        assert_eq!(texts(&cut), ["日本", "語"]);
    }

    #[test]
    fn newline_forces_a_break() {
        let segs = [Seg::new("a\nb", Style::new())];
        assert_eq!(texts(&wrap(&segs, 10)), ["a", "b"]);
    }
}
