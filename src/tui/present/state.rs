//! The presentation's state: the open lesson split into sections (one per
//! screen), the section on screen, how many of its steps are shown, the
//! command being typed, and what the screen keeps rendered.

use ratatui::text::Line;

use crate::lesson::Section;
use crate::tui::present::typing::Typing;

/// What `--present` was started with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresentConfig {
    /// Characters a second a command is typed at; 0 shows it whole.
    pub type_speed: u32,
}

impl Default for PresentConfig {
    fn default() -> Self {
        PresentConfig { type_speed: 30 }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Present {
    pub config: PresentConfig,
    /// The lesson the sections are of.
    pub lesson: Option<usize>,
    pub sections: Vec<Section>,
    /// The section on screen.
    pub section: usize,
    /// How many of the section's steps are shown.
    pub revealed: usize,
    /// The page of the section's prose on screen, when it takes more than
    /// one (`pages`; past the last means the last).
    pub page: usize,
    /// The last shown step's command, as it is typed.
    pub typing: Option<Typing>,
    /// The section's prose rendered, and the (lesson, section, width) it
    /// was rendered for.
    pub body: Vec<Line<'static>>,
    pub body_for: Option<(usize, usize, u16)>,
    /// The wall clock as the last tick read it (`HH:MM`).
    pub clock: String,
    /// The recording played in place of running steps (`trinetes replay`).
    pub replay: Option<crate::tui::present::replay::Replay>,
}

/// Where Space / → goes from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forward {
    /// The command being typed shows whole.
    FinishTyping,
    /// The section's next step shows (index into `Lesson::steps`).
    Reveal(usize),
    /// The next section.
    Section(usize),
    /// The lesson's last screen is on: the next lesson.
    NextLesson,
}

/// Where ← goes from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backward {
    /// The last shown step goes again.
    Hide,
    /// The previous section, with all its steps shown.
    Section(usize),
    /// The first screen of the lesson is on.
    Start,
}

impl Present {
    pub fn new(config: PresentConfig) -> Present {
        Present {
            config,
            ..Present::default()
        }
    }

    /// The section on screen.
    pub fn current(&self) -> Option<&Section> {
        self.sections.get(self.section)
    }

    /// The steps of the section shown so far (indexes into `Lesson::steps`).
    pub fn shown_steps(&self) -> &[usize] {
        self.current()
            .map_or(&[], |s| &s.steps[..self.revealed.min(s.steps.len())])
    }

    /// The last shown step: the one Enter runs.
    pub fn selected(&self) -> Option<usize> {
        self.shown_steps().last().copied()
    }

    pub fn is_typing(&self) -> bool {
        self.typing.as_ref().is_some_and(|t| !t.done())
    }

    pub fn forward(&self) -> Forward {
        if self.is_typing() {
            return Forward::FinishTyping;
        }
        if let Some(next) = self
            .current()
            .and_then(|s| s.steps.get(self.revealed))
            .copied()
        {
            return Forward::Reveal(next);
        }
        if self.section + 1 < self.sections.len() {
            Forward::Section(self.section + 1)
        } else {
            Forward::NextLesson
        }
    }

    pub fn backward(&self) -> Backward {
        if self.revealed > 0 {
            Backward::Hide
        } else if self.section > 0 {
            Backward::Section(self.section - 1)
        } else {
            Backward::Start
        }
    }

    /// Opens the sections of a lesson at the screen of step `step` (with
    /// it shown), or at the first screen.
    pub fn open(&mut self, lesson: usize, sections: Vec<Section>, step: Option<usize>) {
        self.lesson = Some(lesson);
        self.sections = sections;
        self.typing = None;
        self.body_for = None;
        let at = step.and_then(|s| {
            let section = crate::lesson::Lesson::section_of_step(&self.sections, s)?;
            let shown = self.sections[section].steps.iter().position(|&x| x == s)? + 1;
            Some((section, shown))
        });
        (self.section, self.revealed) = at.unwrap_or((0, 0));
        self.page = 0;
    }

    /// Goes to section `index` with `revealed` of its steps shown.
    pub fn go_to(&mut self, index: usize, revealed: usize) {
        self.section = index.min(self.sections.len().saturating_sub(1));
        let steps = self.current().map_or(0, |s| s.steps.len());
        self.revealed = revealed.min(steps);
        // Coming back to a section shows all of it: its last page.
        self.page = if revealed == usize::MAX {
            usize::MAX
        } else {
            0
        };
        self.typing = None;
    }

    /// Shows the section's next step, its command typed from the start.
    pub fn reveal(&mut self, command: &str) {
        self.revealed += 1;
        self.typing = Some(Typing::new(command, self.config.type_speed));
    }

    pub fn hide_last(&mut self) {
        self.revealed = self.revealed.saturating_sub(1);
        self.typing = None;
    }

    /// How far through the lesson the screen is, 0–1 (sections and the
    /// steps shown within them).
    pub fn fraction(&self) -> f64 {
        let sections = self.sections.len().max(1) as f64;
        let steps = self.current().map_or(0, |s| s.steps.len());
        let within = if steps == 0 {
            1.0
        } else {
            self.revealed as f64 / steps as f64
        };
        ((self.section as f64 + within) / sections).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(title: &str, steps: &[usize]) -> Section {
        Section {
            title: title.into(),
            line: 0,
            continued: false,
            text: String::new(),
            notes: Vec::new(),
            steps: steps.to_vec(),
        }
    }

    fn present() -> Present {
        let mut p = Present::new(PresentConfig { type_speed: 0 });
        p.open(
            0,
            vec![
                section("intro", &[]),
                section("one", &[0, 1]),
                section("two", &[2]),
            ],
            None,
        );
        p
    }

    #[test]
    fn space_reveals_each_step_of_a_section_then_moves_to_the_next() {
        let mut p = present();
        assert_eq!(p.forward(), Forward::Section(1));
        p.go_to(1, 0);
        assert_eq!(p.forward(), Forward::Reveal(0));
        p.reveal("echo a");
        assert_eq!(p.selected(), Some(0));
        assert_eq!(p.forward(), Forward::Reveal(1));
        p.reveal("echo b");
        assert_eq!(p.shown_steps(), [0, 1]);
        assert_eq!(p.forward(), Forward::Section(2));
        p.go_to(2, 0);
        p.reveal("echo c");
        assert_eq!(p.forward(), Forward::NextLesson);
        assert!((p.fraction() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn back_hides_steps_then_goes_to_the_previous_section_whole() {
        let mut p = present();
        p.go_to(2, 1);
        assert_eq!(p.backward(), Backward::Hide);
        p.hide_last();
        assert_eq!(p.backward(), Backward::Section(1));
        p.go_to(1, usize::MAX);
        assert_eq!(p.revealed, 2, "all of its steps shown");
        p.go_to(0, 0);
        assert_eq!(p.backward(), Backward::Start);
    }

    #[test]
    fn typing_holds_the_next_move_until_it_is_finished() {
        let mut p = Present::new(PresentConfig { type_speed: 30 });
        p.open(0, vec![section("one", &[0, 1])], None);
        p.reveal("kubectl get pods");
        assert!(p.is_typing());
        assert_eq!(p.forward(), Forward::FinishTyping);
        if let Some(t) = &mut p.typing {
            t.finish();
        }
        assert_eq!(p.forward(), Forward::Reveal(1));
    }

    #[test]
    fn opening_at_a_step_shows_its_section_up_to_it() {
        let mut p = present();
        p.open(
            0,
            vec![
                section("intro", &[]),
                section("one", &[0, 1]),
                section("two", &[2]),
            ],
            Some(1),
        );
        assert_eq!((p.section, p.revealed), (1, 2));
        assert_eq!(p.selected(), Some(1));
    }
}
