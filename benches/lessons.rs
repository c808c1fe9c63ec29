//! Parsing and validating every built-in lesson, and drawing one reader frame
//! of the longest lesson at 120×40.

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use trinetes::lesson::{self, BackendKind, Profile};
use trinetes::progress::Progress;
use trinetes::tui::action::Action;
use trinetes::tui::screens::draw;
use trinetes::tui::state::{App, Settings};
use trinetes::tui::theme::Theme;
use trinetes::tui::update::update;

fn parse_and_validate(c: &mut Criterion) {
    c.bench_function("parse and validate all built-in lessons", |b| {
        b.iter(|| {
            let lessons = lesson::builtin_checked().expect("the built-in lessons are valid");
            assert!(!lessons.is_empty());
            lessons
        })
    });
}

fn reader_frame(c: &mut Criterion) {
    let profile = Profile::builtin("current").expect("built-in profile");
    let lessons: Vec<_> = lesson::builtin()
        .iter()
        .map(|l| l.expanded(&profile))
        .collect();
    let longest = lessons
        .iter()
        .enumerate()
        .max_by_key(|(_, l)| l.blocks.len() + l.steps.len())
        .map(|(i, _)| i)
        .expect("at least one lesson");
    let settings = Settings {
        theme: Theme::dark(),
        backend: BackendKind::DryRun,
        backend_label: "dry-run".to_string(),
        profile: "current".to_string(),
        hyperlinks: false,
        custom_lessons: None,
    };
    let mut app = App::new(lessons, Progress::default(), settings, (120, 40));
    app.list_selected = longest;
    update(&mut app, Action::Open);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    c.bench_function(
        "draw one reader frame of the longest lesson at 120x40",
        |b| {
            b.iter(|| {
                terminal.draw(|f| draw(&app, f)).expect("draw");
            })
        },
    );
}

criterion_group!(benches, parse_and_validate, reader_frame);
criterion_main!(benches);
