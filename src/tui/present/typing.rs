//! A command typed out before it runs, as a presenter would type it: how
//! much of it shows after a time at a speed.

use std::time::{Duration, Instant};

/// A command being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typing {
    /// Characters of the command.
    pub total: usize,
    /// Characters shown so far.
    pub shown: usize,
    /// Characters a second; 0 shows the command whole.
    pub speed: u32,
    /// When the typing started (the last tick's clock, not the wall's).
    pub started: Option<Instant>,
}

impl Typing {
    pub fn new(command: &str, speed: u32) -> Typing {
        let total = command.chars().count();
        Typing {
            total,
            shown: if speed == 0 { total } else { 0 },
            speed,
            started: None,
        }
    }

    pub fn done(&self) -> bool {
        self.shown >= self.total
    }

    /// A key finishes the typing at once.
    pub fn finish(&mut self) {
        self.shown = self.total;
    }

    /// Moves the typing on to `now`; the first tick starts it.
    pub fn tick(&mut self, now: Instant) {
        let started = *self.started.get_or_insert(now);
        let typed = shown_after(now.saturating_duration_since(started), self.speed);
        self.shown = self.shown.max(typed).min(self.total);
    }

    /// The part of `command` shown now.
    pub fn visible<'a>(&self, command: &'a str) -> &'a str {
        match command.char_indices().nth(self.shown) {
            Some((at, _)) => &command[..at],
            None => command,
        }
    }
}

/// How many characters are typed after `elapsed` at `speed` a second.
pub fn shown_after(elapsed: Duration, speed: u32) -> usize {
    if speed == 0 {
        return usize::MAX;
    }
    let typed = elapsed.as_secs_f64() * f64::from(speed);
    // Saturates: a long wait shows everything.
    typed.floor().min(usize::MAX as f64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_shows_characters_at_the_speed_and_a_key_finishes_it() {
        let command = "kubectl get pods";
        let mut typing = Typing::new(command, 10);
        let start = Instant::now();
        typing.tick(start);
        assert_eq!(typing.visible(command), "");
        typing.tick(start + Duration::from_millis(500));
        assert_eq!(typing.visible(command), "kubec");
        assert!(!typing.done());
        typing.finish();
        assert!(typing.done());
        assert_eq!(typing.visible(command), command);
    }

    #[test]
    fn speed_zero_shows_the_command_whole_and_typing_never_goes_back() {
        let typing = Typing::new("helm list", 0);
        assert!(typing.done());
        assert_eq!(typing.visible("helm list"), "helm list");

        let mut slow = Typing::new("héllo wörld", 4);
        let start = Instant::now();
        slow.tick(start);
        slow.tick(start + Duration::from_secs(1));
        assert_eq!(slow.visible("héllo wörld"), "héll");
        // A tick that arrives late (an earlier instant) keeps what is shown.
        slow.tick(start);
        assert_eq!(slow.shown, 4);
        slow.tick(start + Duration::from_secs(60));
        assert!(slow.done());
        assert_eq!(slow.visible("héllo wörld"), "héllo wörld");
    }

    #[test]
    fn shown_after_counts_whole_characters() {
        assert_eq!(shown_after(Duration::from_millis(99), 30), 2);
        assert_eq!(shown_after(Duration::from_secs(2), 30), 60);
        assert_eq!(shown_after(Duration::ZERO, 30), 0);
    }
}
