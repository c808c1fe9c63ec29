//! The talk's clocks: when the talk began (its first lesson opened) and
//! when each lesson was opened, kept in `STATE/talk-started` so that a
//! restart of trinetes mid-talk goes on with both; and the talk's plan,
//! the minutes of the lessons given and of those still to come.

use std::path::Path;

use jiff::Timestamp;

/// A talk that trinetes left less than this long ago goes on with its
/// clocks when trinetes starts again (a crash or a restart mid-talk).
const TALK_RESUMES_WITHIN: jiff::SignedDuration = jiff::SignedDuration::from_hours(2);

/// The talk's file in the state directory.
pub const TALK_FILE: &str = "talk-started";

/// The talk so far: when its first lesson was opened, and each lesson
/// opened since, with when. Kept in `STATE/talk-started` as plain text
/// (the start on the first line, then `lesson-id time` a line), written
/// by the trinetes that holds the notes socket whenever a lesson opens.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Talk {
    pub started: Option<Timestamp>,
    pub opened: Vec<(String, Timestamp)>,
}

impl Talk {
    /// The talk in `state_dir` if it was written less than
    /// [`TALK_RESUMES_WITHIN`] before `now`; else a talk not started yet
    /// (its clock waits for the first lesson).
    pub fn resumed(state_dir: &Path, now: Timestamp) -> Talk {
        let file = state_dir.join(TALK_FILE);
        let touched = std::fs::metadata(&file)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| Timestamp::try_from(t).ok());
        let fresh = touched.is_some_and(|t| now.duration_since(t) < TALK_RESUMES_WITHIN);
        let talk = std::fs::read_to_string(&file)
            .ok()
            .filter(|_| fresh)
            .map(|text| Talk::parse(&text))
            .unwrap_or_default();
        match talk.started {
            Some(started) if started <= now => talk,
            _ => Talk::default(),
        }
    }

    fn parse(text: &str) -> Talk {
        let mut lines = text.lines();
        let started = lines.next().and_then(|l| l.trim().parse().ok());
        let opened = lines
            .filter_map(|l| {
                let (id, time) = l.trim().split_once(' ')?;
                Some((id.to_string(), time.trim().parse().ok()?))
            })
            .collect();
        Talk { started, opened }
    }

    fn text(&self) -> String {
        let mut text = self.started.map(|t| t.to_string()).unwrap_or_default();
        for (id, time) in &self.opened {
            text.push_str(&format!("\n{id} {time}"));
        }
        text.push('\n');
        text
    }

    pub fn save(&self, file: &Path) -> std::io::Result<()> {
        crate::files::write_atomically(file, self.text().as_bytes())
    }

    /// Lesson `id` opens at `now`: the talk starts with the first one. A
    /// lesson opened again right after itself (trinetes restarted, or a
    /// look at the lesson list) keeps its time. Returns when it opened.
    pub fn open(&mut self, id: &str, now: Timestamp) -> Timestamp {
        self.started.get_or_insert(now);
        match self.opened.last() {
            Some((last, when)) if last == id => *when,
            _ => {
                self.opened.push((id.to_string(), now));
                now
            }
        }
    }

    /// The talk's planned minutes: every lesson opened so far, and every
    /// one after `current` (the lesson on screen, else the last opened).
    pub fn minutes(&self, lessons: &[crate::lesson::Lesson], current: Option<usize>) -> u32 {
        let current = current.or_else(|| {
            let (last, _) = self.opened.last()?;
            lessons.iter().position(|l| &l.front.id == last)
        });
        lessons
            .iter()
            .enumerate()
            .filter(|(i, l)| {
                current.is_none_or(|c| *i > c)
                    || self.opened.iter().any(|(id, _)| *id == l.front.id)
            })
            .map(|(_, l)| l.front.minutes)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t: &str) -> Timestamp {
        t.parse().expect("a time")
    }

    #[test]
    fn the_talk_starts_with_the_first_lesson_and_a_restart_soon_after_keeps_both_clocks() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join(TALK_FILE);
        let now = Timestamp::now();
        // Nothing opened yet: the talk's clock waits.
        let mut talk = Talk::resumed(dir.path(), now);
        assert_eq!(talk.started, None);
        let first = at("2026-11-30T10:00:00Z");
        assert_eq!(talk.open("welcome", first), first);
        let eks = at("2026-11-30T10:12:00Z");
        assert_eq!(talk.open("eks", eks), eks);
        talk.save(&file).expect("saved");

        // trinetes starts again (the file was just written): both go on.
        let mut again = Talk::resumed(dir.path(), now);
        assert_eq!(again.started, Some(first));
        assert_eq!(again.open("eks", now), eks, "the lesson's clock goes on");
        assert_eq!(
            again.open("helm-trino", now),
            now,
            "a new lesson starts its own"
        );
        // Back to a lesson after another one: its clock starts again.
        assert_eq!(again.open("eks", now), now);

        // An old file of one line (the talk's start only) still reads.
        std::fs::write(&file, format!("{first}\n")).expect("written");
        assert_eq!(Talk::resumed(dir.path(), now).started, Some(first));

        // Written more than two hours ago: a new talk, not started yet.
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3 * 3600);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .expect("the file")
            .set_modified(old)
            .expect("set its time");
        assert_eq!(Talk::resumed(dir.path(), now), Talk::default());
    }

    #[test]
    fn the_talks_minutes_are_the_lessons_given_and_the_ones_still_to_come() {
        let lessons: Vec<crate::lesson::Lesson> = crate::lesson::builtin();
        let minutes = |i: usize| lessons[i].front.minutes;
        let all: u32 = lessons.iter().map(|l| l.front.minutes).sum();
        let mut talk = Talk::default();
        assert_eq!(
            talk.minutes(&lessons, None),
            all,
            "before it starts: the plan"
        );
        // Started at the third lesson, then skipped the fifth.
        let now = at("2026-11-30T10:00:00Z");
        talk.open(&lessons[2].front.id, now);
        let from_third: u32 = (2..lessons.len()).map(minutes).sum();
        assert_eq!(talk.minutes(&lessons, Some(2)), from_third);
        talk.open(&lessons[3].front.id, now);
        talk.open(&lessons[5].front.id, now);
        assert_eq!(
            talk.minutes(&lessons, Some(5)),
            from_third - minutes(4),
            "the skipped lesson is not planned any more"
        );
        // On the lesson list, the last lesson opened counts as the current.
        assert_eq!(talk.minutes(&lessons, None), from_third - minutes(4));
    }
}
