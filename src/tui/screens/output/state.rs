//! The output pane's state: a bounded scrollback of the executing step's
//! lines, where the view is, whether it follows new lines, and its search.

use std::collections::VecDeque;

/// Lines kept; older ones are dropped first.
pub const SCROLLBACK: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSearch {
    pub query: String,
    /// Indexes into `OutputPane::lines`.
    pub matches: Vec<usize>,
    pub current: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputPane {
    pub lines: VecDeque<String>,
    /// First visible line, when not following.
    pub scroll: usize,
    /// Stays at the bottom as lines arrive, until the learner scrolls up.
    pub follow: bool,
    pub visible: bool,
    /// Keys go to the pane instead of the reader.
    pub focused: bool,
    pub search: Option<OutputSearch>,
    /// Lines dropped off the top so far (to keep search hits aligned).
    pub dropped: usize,
    /// The lesson whose step wrote these lines.
    pub lesson: Option<usize>,
}

impl Default for OutputPane {
    fn default() -> Self {
        OutputPane {
            lines: VecDeque::new(),
            scroll: 0,
            follow: true,
            visible: false,
            focused: false,
            search: None,
            dropped: 0,
            lesson: None,
        }
    }
}

impl OutputPane {
    pub fn clear(&mut self) {
        self.lines.clear();
        self.scroll = 0;
        self.follow = true;
        self.search = None;
        self.dropped = 0;
    }

    pub fn push(&mut self, line: String) {
        // Control characters (colour codes, carriage returns) would corrupt the frame.
        let clean: String = line
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .filter(|c| !c.is_control())
            .collect();
        self.lines.push_back(clean);
        if self.lines.len() > SCROLLBACK {
            self.lines.pop_front();
            self.dropped += 1;
            self.scroll = self.scroll.saturating_sub(1);
            if let Some(s) = &mut self.search {
                let before = s.matches.len();
                s.matches.retain(|&m| m > 0);
                s.matches.iter_mut().for_each(|m| *m -= 1);
                if s.matches.len() < before {
                    s.current = s.current.saturating_sub(1);
                }
            }
        }
        if let Some(s) = &mut self.search
            && contains_ci(self.lines.back().map_or("", String::as_str), &s.query)
        {
            s.matches.push(self.lines.len() - 1);
        }
    }

    /// The first line to show in a pane `height` lines tall.
    pub fn top(&self, height: usize) -> usize {
        let max = self.lines.len().saturating_sub(height);
        if self.follow {
            max
        } else {
            self.scroll.min(max)
        }
    }

    pub fn scroll_by(&mut self, delta: i64, height: usize) {
        let max = self.lines.len().saturating_sub(height);
        let from = i64::try_from(self.top(height)).unwrap_or(i64::MAX);
        let to = usize::try_from((from + delta).max(0)).unwrap_or(0).min(max);
        self.scroll = to;
        self.follow = to >= max;
    }

    pub fn search(&mut self, query: String, height: usize) {
        if query.is_empty() {
            self.search = None;
            return;
        }
        let matches: Vec<usize> = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| contains_ci(l, &query))
            .map(|(i, _)| i)
            .collect();
        // Start from the last hit: the newest output is usually what matters.
        let current = matches.len().saturating_sub(1);
        self.search = Some(OutputSearch {
            query,
            matches,
            current,
        });
        self.reveal(height);
    }

    pub fn jump(&mut self, forward: bool, height: usize) {
        let Some(s) = &mut self.search else {
            return;
        };
        let n = s.matches.len();
        if n == 0 {
            return;
        }
        s.current = if forward {
            (s.current + 1) % n
        } else {
            (s.current + n - 1) % n
        };
        self.reveal(height);
    }

    /// Scrolls so the current match is on screen.
    fn reveal(&mut self, height: usize) {
        let Some(line) = self
            .search
            .as_ref()
            .and_then(|s| s.matches.get(s.current))
            .copied()
        else {
            return;
        };
        let top = self.top(height);
        if line < top || line >= top + height {
            let max = self.lines.len().saturating_sub(height);
            self.scroll = line.saturating_sub(height / 3).min(max);
            self.follow = self.scroll >= max;
        }
    }

    /// The current match's line, for highlighting.
    pub fn current_match(&self) -> Option<usize> {
        self.search
            .as_ref()
            .and_then(|s| s.matches.get(s.current))
            .copied()
    }
}

fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.to_lowercase())
}
