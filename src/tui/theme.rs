//! Every colour and text style the TUI uses, in one struct per theme.

use ratatui::style::{Color, Modifier, Style};

/// The user-facing theme names, independent of clap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeKind {
    Dark,
    Light,
    HighContrast,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub text: Style,
    pub dim: Style,
    pub heading1: Style,
    pub heading2: Style,
    pub heading3: Style,
    pub emphasis: Style,
    pub strong: Style,
    pub strikethrough: Style,
    pub inline_code: Style,
    pub link: Style,
    pub link_url: Style,
    pub quote_bar: Style,
    pub rule: Style,
    pub bullet: Style,
    pub table_border: Style,
    pub table_header: Style,
    pub code: Style,
    pub code_label: Style,
    pub code_keyword: Style,
    pub code_string: Style,
    pub code_number: Style,
    pub code_comment: Style,
    pub code_variable: Style,
    pub code_punct: Style,
    pub image: Style,
    pub diagram: Style,
    pub step_border: Style,
    pub step_border_selected: Style,
    pub step_title: Style,
    pub step_prompt: Style,
    pub check: Style,
    pub badge_billable: Style,
    pub badge_interactive: Style,
    pub badge_skipped: Style,
    pub list_selected: Style,
    pub mark_not_started: Style,
    pub mark_opened: Style,
    pub mark_completed: Style,
    pub status_bar: Style,
    pub status_key: Style,
    pub search_match: Style,
    pub search_current: Style,
    pub prompt: Style,
    pub warning: Style,
    pub popup_border: Style,
    pub popup_title: Style,
    pub notes: Style,
}

const fn fg(c: Color) -> Style {
    Style::new().fg(c)
}

impl Theme {
    pub fn new(kind: ThemeKind) -> Self {
        match kind {
            ThemeKind::Dark => Self::dark(),
            ThemeKind::Light => Self::light(),
            ThemeKind::HighContrast => Self::high_contrast(),
        }
    }

    /// `NO_COLOR` (https://no-color.org): any non-empty value turns colour off.
    pub fn from_env(kind: ThemeKind, no_color: Option<&std::ffi::OsStr>) -> Self {
        let theme = Self::new(kind);
        match no_color {
            Some(v) if !v.is_empty() => theme.without_color(),
            _ => theme,
        }
    }

    pub fn dark() -> Self {
        let bold = Modifier::BOLD;
        Theme {
            text: Style::new(),
            dim: fg(Color::DarkGray),
            heading1: fg(Color::LightCyan).add_modifier(bold),
            heading2: fg(Color::Cyan).add_modifier(bold),
            heading3: Style::new().add_modifier(bold),
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            strong: Style::new().add_modifier(bold),
            strikethrough: Style::new().add_modifier(Modifier::CROSSED_OUT),
            inline_code: fg(Color::LightYellow),
            link: fg(Color::LightBlue).add_modifier(Modifier::UNDERLINED),
            link_url: fg(Color::DarkGray),
            quote_bar: fg(Color::Magenta),
            rule: fg(Color::DarkGray),
            bullet: fg(Color::Cyan),
            table_border: fg(Color::DarkGray),
            table_header: Style::new().add_modifier(bold),
            code: fg(Color::Gray),
            code_label: fg(Color::DarkGray).add_modifier(Modifier::ITALIC),
            code_keyword: fg(Color::LightMagenta),
            code_string: fg(Color::LightGreen),
            code_number: fg(Color::LightYellow),
            code_comment: fg(Color::DarkGray).add_modifier(Modifier::ITALIC),
            code_variable: fg(Color::LightCyan),
            code_punct: fg(Color::Gray),
            image: fg(Color::Magenta).add_modifier(Modifier::ITALIC),
            diagram: fg(Color::Cyan),
            step_border: fg(Color::Blue),
            step_border_selected: fg(Color::LightYellow).add_modifier(bold),
            step_title: Style::new().add_modifier(bold),
            step_prompt: fg(Color::Green).add_modifier(bold),
            check: fg(Color::Green),
            badge_billable: fg(Color::Black).bg(Color::LightRed).add_modifier(bold),
            badge_interactive: fg(Color::Black).bg(Color::LightBlue).add_modifier(bold),
            badge_skipped: fg(Color::Black).bg(Color::Gray),
            list_selected: fg(Color::Black).bg(Color::Cyan),
            mark_not_started: fg(Color::DarkGray),
            mark_opened: fg(Color::Yellow),
            mark_completed: fg(Color::Green).add_modifier(bold),
            status_bar: fg(Color::White).bg(Color::DarkGray),
            status_key: fg(Color::LightYellow)
                .bg(Color::DarkGray)
                .add_modifier(bold),
            search_match: fg(Color::Black).bg(Color::Yellow),
            search_current: fg(Color::Black).bg(Color::LightRed).add_modifier(bold),
            prompt: fg(Color::LightYellow),
            warning: fg(Color::Black).bg(Color::Yellow).add_modifier(bold),
            popup_border: fg(Color::Cyan),
            popup_title: fg(Color::LightCyan).add_modifier(bold),
            notes: fg(Color::LightYellow),
        }
    }

    pub fn light() -> Self {
        let bold = Modifier::BOLD;
        Theme {
            text: Style::new(),
            dim: fg(Color::Gray),
            heading1: fg(Color::Blue).add_modifier(bold),
            heading2: fg(Color::Magenta).add_modifier(bold),
            heading3: Style::new().add_modifier(bold),
            inline_code: fg(Color::Red),
            link: fg(Color::Blue).add_modifier(Modifier::UNDERLINED),
            link_url: fg(Color::Gray),
            quote_bar: fg(Color::Magenta),
            rule: fg(Color::Gray),
            bullet: fg(Color::Blue),
            table_border: fg(Color::Gray),
            code: fg(Color::Black),
            code_label: fg(Color::Gray).add_modifier(Modifier::ITALIC),
            code_keyword: fg(Color::Magenta),
            code_string: fg(Color::Green),
            code_number: fg(Color::Red),
            code_comment: fg(Color::Gray).add_modifier(Modifier::ITALIC),
            code_variable: fg(Color::Blue),
            code_punct: fg(Color::Black),
            image: fg(Color::Magenta).add_modifier(Modifier::ITALIC),
            diagram: fg(Color::Blue),
            step_border: fg(Color::Blue),
            step_border_selected: fg(Color::Red).add_modifier(bold),
            step_prompt: fg(Color::Green).add_modifier(bold),
            check: fg(Color::Green),
            list_selected: fg(Color::White).bg(Color::Blue),
            mark_not_started: fg(Color::Gray),
            mark_opened: fg(Color::Yellow),
            mark_completed: fg(Color::Green).add_modifier(bold),
            status_bar: fg(Color::Black).bg(Color::Gray),
            status_key: fg(Color::Blue).bg(Color::Gray).add_modifier(bold),
            prompt: fg(Color::Blue),
            popup_border: fg(Color::Blue),
            popup_title: fg(Color::Blue).add_modifier(bold),
            notes: fg(Color::Magenta),
            ..Self::dark()
        }
    }

    /// Pure colours and bold everywhere, for projectors and low vision.
    pub fn high_contrast() -> Self {
        let bold = Modifier::BOLD;
        let white = fg(Color::White);
        Theme {
            text: white,
            dim: white,
            heading1: fg(Color::Yellow).add_modifier(bold | Modifier::UNDERLINED),
            heading2: fg(Color::Yellow).add_modifier(bold),
            heading3: white.add_modifier(bold),
            inline_code: fg(Color::Yellow),
            link: fg(Color::Cyan).add_modifier(Modifier::UNDERLINED | bold),
            link_url: fg(Color::Cyan),
            quote_bar: white.add_modifier(bold),
            rule: white,
            bullet: fg(Color::Yellow).add_modifier(bold),
            table_border: white,
            table_header: fg(Color::Yellow).add_modifier(bold),
            code: white,
            code_label: white.add_modifier(bold),
            code_keyword: fg(Color::Yellow).add_modifier(bold),
            code_string: fg(Color::Green).add_modifier(bold),
            code_number: fg(Color::Cyan),
            code_comment: white.add_modifier(Modifier::ITALIC),
            code_variable: fg(Color::Cyan).add_modifier(bold),
            code_punct: white,
            image: fg(Color::Yellow),
            diagram: white,
            step_border: white.add_modifier(bold),
            step_border_selected: fg(Color::Yellow).add_modifier(bold),
            step_title: fg(Color::Yellow).add_modifier(bold),
            step_prompt: fg(Color::Green).add_modifier(bold),
            check: fg(Color::Green).add_modifier(bold),
            list_selected: fg(Color::Black).bg(Color::Yellow).add_modifier(bold),
            mark_not_started: white,
            mark_opened: fg(Color::Yellow).add_modifier(bold),
            mark_completed: fg(Color::Green).add_modifier(bold),
            status_bar: fg(Color::Black).bg(Color::White),
            status_key: fg(Color::Black).bg(Color::White).add_modifier(bold),
            search_match: fg(Color::Black).bg(Color::Yellow).add_modifier(bold),
            search_current: fg(Color::Black).bg(Color::White).add_modifier(bold),
            prompt: fg(Color::Yellow).add_modifier(bold),
            popup_border: fg(Color::Yellow).add_modifier(bold),
            popup_title: fg(Color::Yellow).add_modifier(bold),
            notes: white.add_modifier(bold),
            ..Self::dark()
        }
    }

    /// Drops every colour and keeps modifiers. A style that relied on a
    /// background to stand out (selection, matches, badges) becomes reversed.
    pub fn without_color(&self) -> Self {
        let strip = |s: Style| {
            let mut out = Style::new()
                .add_modifier(s.add_modifier)
                .remove_modifier(s.sub_modifier);
            if s.bg.is_some() {
                out = out.add_modifier(Modifier::REVERSED);
            }
            out
        };
        let mut t = self.clone();
        for style in t.styles_mut() {
            *style = strip(*style);
        }
        t
    }

    fn styles_mut(&mut self) -> [&mut Style; 47] {
        [
            &mut self.text,
            &mut self.dim,
            &mut self.heading1,
            &mut self.heading2,
            &mut self.heading3,
            &mut self.emphasis,
            &mut self.strong,
            &mut self.strikethrough,
            &mut self.inline_code,
            &mut self.link,
            &mut self.link_url,
            &mut self.quote_bar,
            &mut self.rule,
            &mut self.bullet,
            &mut self.table_border,
            &mut self.table_header,
            &mut self.code,
            &mut self.code_label,
            &mut self.code_keyword,
            &mut self.code_string,
            &mut self.code_number,
            &mut self.code_comment,
            &mut self.code_variable,
            &mut self.code_punct,
            &mut self.image,
            &mut self.diagram,
            &mut self.step_border,
            &mut self.step_border_selected,
            &mut self.step_title,
            &mut self.step_prompt,
            &mut self.check,
            &mut self.badge_billable,
            &mut self.badge_interactive,
            &mut self.badge_skipped,
            &mut self.list_selected,
            &mut self.mark_not_started,
            &mut self.mark_opened,
            &mut self.mark_completed,
            &mut self.status_bar,
            &mut self.status_key,
            &mut self.search_match,
            &mut self.search_current,
            &mut self.prompt,
            &mut self.warning,
            &mut self.popup_border,
            &mut self.popup_title,
            &mut self.notes,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_strips_colours_but_keeps_emphasis() {
        let t = Theme::from_env(ThemeKind::Dark, Some(std::ffi::OsStr::new("1")));
        for style in t.clone().styles_mut() {
            assert_eq!(style.fg, None);
            assert_eq!(style.bg, None);
        }
        assert!(t.heading1.add_modifier.contains(Modifier::BOLD));
        assert!(t.list_selected.add_modifier.contains(Modifier::REVERSED));
        assert!(t.search_match.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn empty_no_color_keeps_colours() {
        let t = Theme::from_env(ThemeKind::Dark, Some(std::ffi::OsStr::new("")));
        assert_eq!(t, Theme::dark());
    }

    #[test]
    fn themes_differ() {
        assert_ne!(Theme::dark(), Theme::light());
        assert_ne!(Theme::dark(), Theme::high_contrast());
    }
}
