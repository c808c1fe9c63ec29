//! The line discipline of the terminal `kubectl exec -it` opens. kubectl
//! puts the learner's terminal in raw mode and sends every key as it is
//! typed, so echo and line editing happen here, on the container's side, as
//! a pty in canonical mode with a shell's line editor would do them.

use unicode_width::UnicodeWidthChar;

const CTRL_C: u8 = 0x03;
const CTRL_D: u8 = 0x04;
const BACKSPACE: u8 = 0x08;
const CTRL_U: u8 = 0x15;
const CTRL_W: u8 = 0x17;
const ESC: u8 = 0x1b;
const DEL: u8 = 0x7f;

/// What a key (or several) typed into the terminal leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Bytes the terminal shows: the echo of what was typed or erased.
    Echo(Vec<u8>),
    /// Enter: the whole line, without its end.
    Line(String),
    /// Ctrl-C: the line is dropped.
    Interrupt,
    /// Ctrl-D on an empty line: end of input.
    Eof,
}

/// Where an escape sequence (an arrow key, Home, …) is while it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escape {
    None,
    Started,
    /// `ESC [` or `ESC O`: bytes up to the final one (0x40..=0x7e).
    Sequence,
}

/// The line being typed.
#[derive(Debug)]
pub struct LineEditor {
    line: String,
    /// The start of a UTF-8 character split across two reads.
    partial: Vec<u8>,
    escape: Escape,
    /// The last key was CR: a LF right after it ends the same line.
    after_cr: bool,
}

impl Default for LineEditor {
    fn default() -> Self {
        LineEditor::new()
    }
}

impl LineEditor {
    pub fn new() -> LineEditor {
        LineEditor {
            line: String::new(),
            partial: Vec::new(),
            escape: Escape::None,
            after_cr: false,
        }
    }

    /// Takes the bytes kubectl sent on stdin and says what they do, in order.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        let mut echo = Vec::new();
        for &b in bytes {
            let after_cr = std::mem::replace(&mut self.after_cr, false);
            if self.escape != Escape::None {
                self.escape = match (self.escape, b) {
                    (Escape::Started, b'[' | b'O') => Escape::Sequence,
                    (Escape::Sequence, 0x40..=0x7e) => Escape::None,
                    (Escape::Sequence, _) => Escape::Sequence,
                    _ => Escape::None,
                };
                continue;
            }
            if !self.partial.is_empty() || b >= 0x80 {
                self.partial.push(b);
                self.take_char(&mut echo);
                continue;
            }
            match b {
                b'\r' | b'\n' => {
                    if b == b'\n' && after_cr {
                        continue;
                    }
                    self.after_cr = b == b'\r';
                    echo.extend_from_slice(b"\r\n");
                    flush(&mut events, &mut echo);
                    events.push(Event::Line(std::mem::take(&mut self.line)));
                }
                CTRL_C => {
                    echo.extend_from_slice(b"^C\r\n");
                    flush(&mut events, &mut echo);
                    self.line.clear();
                    events.push(Event::Interrupt);
                }
                CTRL_D if self.line.is_empty() => {
                    flush(&mut events, &mut echo);
                    events.push(Event::Eof);
                }
                DEL | BACKSPACE => {
                    if let Some(c) = self.line.pop() {
                        erase(&mut echo, width(c));
                    }
                }
                CTRL_U => {
                    let columns: usize = self.line.chars().map(width).sum();
                    erase(&mut echo, columns);
                    self.line.clear();
                }
                CTRL_W => {
                    let columns = self.erase_word();
                    erase(&mut echo, columns);
                }
                ESC => self.escape = Escape::Started,
                b'\t' | 0x20..=0x7e => {
                    let c = if b == b'\t' { ' ' } else { char::from(b) };
                    self.line.push(c);
                    echo.push(c as u8);
                }
                // Other control keys do nothing on the line.
                _ => {}
            }
        }
        flush(&mut events, &mut echo);
        events
    }

    /// Completes a multi-byte character once all its bytes are there.
    fn take_char(&mut self, echo: &mut Vec<u8>) {
        match std::str::from_utf8(&self.partial) {
            Ok(s) => {
                self.line.push_str(s);
                echo.extend_from_slice(&self.partial);
                self.partial.clear();
            }
            // Incomplete so far: wait for the rest.
            Err(e) if e.error_len().is_none() && self.partial.len() < 4 => {}
            // Not UTF-8: dropped, as a line editor would refuse it.
            Err(_) => self.partial.clear(),
        }
    }

    /// Ctrl-W: the blanks before the cursor and the word before them.
    fn erase_word(&mut self) -> usize {
        let mut columns = 0;
        while self.line.ends_with(' ') {
            self.line.pop();
            columns += 1;
        }
        while let Some(c) = self.line.chars().next_back().filter(|c| *c != ' ') {
            self.line.pop();
            columns += width(c);
        }
        columns
    }
}

fn width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Moves back over `columns`, blanks them and moves back again.
fn erase(echo: &mut Vec<u8>, columns: usize) {
    for _ in 0..columns {
        echo.extend_from_slice(b"\x08 \x08");
    }
}

fn flush(events: &mut Vec<Event>, echo: &mut Vec<u8>) {
    if !echo.is_empty() {
        events.push(Event::Echo(std::mem::take(echo)));
    }
}

/// A terminal's output processing (ONLCR): each LF goes out as CR LF.
pub fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 16);
    let mut previous = 0u8;
    for &b in bytes {
        if b == b'\n' && previous != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        previous = b;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo(s: &str) -> Event {
        Event::Echo(s.as_bytes().to_vec())
    }

    fn line(s: &str) -> Event {
        Event::Line(s.to_string())
    }

    #[test]
    fn echoes_and_ends_lines_on_cr() {
        let mut ed = LineEditor::new();
        assert_eq!(ed.feed(b"ls"), vec![echo("ls")]);
        assert_eq!(ed.feed(b" /\r"), vec![echo(" /\r\n"), line("ls /")]);
    }

    #[test]
    fn crlf_is_one_line_end_but_two_lfs_are_two() {
        let mut ed = LineEditor::new();
        assert_eq!(
            ed.feed(b"a\r\nb\n\n"),
            vec![
                echo("a\r\n"),
                line("a"),
                echo("b\r\n"),
                line("b"),
                echo("\r\n"),
                line("")
            ]
        );
    }

    #[test]
    fn backspace_and_delete_erase_one_character() {
        let mut ed = LineEditor::new();
        ed.feed(b"cax");
        assert_eq!(ed.feed(b"\x7f"), vec![echo("\x08 \x08")]);
        assert_eq!(
            ed.feed(b"\x08t\r"),
            vec![echo("\x08 \x08t\r\n"), line("ct")]
        );
        assert_eq!(
            ed.feed(b"\x7f"),
            vec![],
            "nothing to erase on an empty line"
        );
    }

    #[test]
    fn ctrl_u_erases_the_line_and_ctrl_w_a_word() {
        let mut ed = LineEditor::new();
        ed.feed(b"cat /etc/x");
        assert_eq!(ed.feed(b"\x17"), vec![echo(&"\x08 \x08".repeat(6))]);
        assert_eq!(ed.feed(b"\x15"), vec![echo(&"\x08 \x08".repeat(4))]);
        assert_eq!(ed.feed(b"pwd\r"), vec![echo("pwd\r\n"), line("pwd")]);
    }

    #[test]
    fn ctrl_c_drops_the_line() {
        let mut ed = LineEditor::new();
        assert_eq!(
            ed.feed(b"rm x\x03ls\r"),
            vec![
                echo("rm x^C\r\n"),
                Event::Interrupt,
                echo("ls\r\n"),
                line("ls")
            ]
        );
    }

    #[test]
    fn ctrl_d_leaves_only_on_an_empty_line() {
        let mut ed = LineEditor::new();
        assert_eq!(ed.feed(b"ab\x04"), vec![echo("ab")]);
        ed.feed(b"\x15");
        assert_eq!(ed.feed(b"\x04"), vec![Event::Eof]);
    }

    #[test]
    fn arrow_keys_are_not_typed() {
        let mut ed = LineEditor::new();
        assert_eq!(ed.feed(b"a\x1b[A\x1b[1;5Cb\x1bOHc\r")[1], line("abc"));
        // A sequence split across reads.
        let mut ed = LineEditor::new();
        ed.feed(b"x\x1b");
        ed.feed(b"[");
        assert_eq!(ed.feed(b"Dy\r")[1], line("xy"));
    }

    #[test]
    fn multibyte_characters_may_arrive_in_pieces() {
        let mut ed = LineEditor::new();
        let bytes = "é€".as_bytes();
        assert_eq!(ed.feed(&bytes[..1]), vec![]);
        assert_eq!(ed.feed(&bytes[1..3]), vec![echo("é")]);
        assert_eq!(ed.feed(&bytes[3..]), vec![echo("€")]);
        assert_eq!(ed.feed(b"\x7f\r"), vec![echo("\x08 \x08\r\n"), line("é")]);
    }

    #[test]
    fn output_lines_end_in_crlf() {
        assert_eq!(crlf(b"a\nb\r\nc\n"), b"a\r\nb\r\nc\r\n");
    }
}
