//! `trinetes replay FILE.cast`: the presentation (`--present`) of the
//! lessons a recording holds, whose steps play their recorded output
//! instead of running: step by step as the presenter runs them (`--step`),
//! or moving on by itself at the chosen speed. Nothing runs on any backend:
//! the TUI gets [`Recorded`], a backend that refuses every command.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::backend::{Backend, BackendError, CommandExit, StepEvent};
use crate::cli::{GlobalArgs, ReplayArgs};
use crate::lesson::{BackendKind, Lesson, Profile};
use crate::tui::present::replay::Replay;

pub fn run(global: &GlobalArgs, args: &ReplayArgs) -> anyhow::Result<ExitCode> {
    let script = crate::replay::open_script(&args.file)?;
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "replay needs a terminal; to print the recording instead, use `asciinema cat {}`",
            args.file.display()
        );
    }
    let profile = Profile::builtin(&script.origin.profile).with_context(|| {
        format!(
            "the recording was made with the profile {:?}",
            script.origin.profile
        )
    })?;
    let all = crate::commands::lessons::load(global.lessons.as_deref())?;
    let lessons = recorded_lessons(&all, &script.lessons())
        .map_err(|missing| anyhow::anyhow!(
            "the recording holds the lessons {}, which are not among the lessons here; pass the folder it was recorded from with --lessons DIR",
            missing.join(", ")
        ))?;
    let lessons: Vec<Lesson> = lessons.iter().map(|l| l.expanded(&profile)).collect();
    let backend_name = script.origin.backend.split('=').next().unwrap_or_default();
    let kind = BackendKind::parse(backend_name).unwrap_or(BackendKind::DryRun);
    let settings = crate::tui::state::Settings {
        theme: crate::tui::theme::Theme::from_env(
            crate::tui::theme::ThemeKind::HighContrast,
            std::env::var_os("NO_COLOR").as_deref(),
        ),
        backend: kind,
        backend_label: format!("recording of {}", script.origin.backend),
        profile: profile.name.clone(),
        hyperlinks: crate::tui::hyperlinks_supported(|k| std::env::var(k).ok()),
        custom_lessons: global.lessons.clone(),
    };
    let file = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let state_dir = crate::progress::state_dir()?;
    let store = crate::progress::ProgressStore::new(state_dir.clone());
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(crate::tui::start(crate::tui::TuiConfig {
        lessons,
        settings,
        store,
        backend: Arc::new(Recorded {
            label: format!("recording {file}"),
        }),
        world_exports: Vec::new(),
        world_warning: None,
        world_origin: None,
        present: Some(crate::tui::present::PresentConfig {
            type_speed: typing_speed(global.type_speed, args.speed),
        }),
        fallback: crate::tui::execution::fallback::Setup {
            mode: crate::backend::fallback::FallbackMode::Never,
            profile,
            pace: crate::sim::eksctl::Pace::Fast,
            state_dir,
        },
        replay: Some(Replay::new(script, file, args.speed, !args.step)),
    }))?;
    Ok(ExitCode::SUCCESS)
}

/// Commands are typed faster as the recording plays faster (0 stays
/// "shown whole").
fn typing_speed(type_speed: u32, speed: f64) -> u32 {
    let scaled = (f64::from(type_speed) * speed).round();
    if type_speed == 0 {
        0
    } else {
        // At least a character a second; as many as a u32 holds.
        scaled.clamp(1.0, f64::from(u32::MAX)) as u32
    }
}

/// The lessons of `all` with the ids `ids`, in that order; the ids not
/// found, when none is.
fn recorded_lessons<'a>(all: &'a [Lesson], ids: &[&str]) -> Result<Vec<&'a Lesson>, Vec<String>> {
    let found: Vec<&Lesson> = ids
        .iter()
        .filter_map(|id| all.iter().find(|l| l.front.id == *id))
        .collect();
    if found.is_empty() {
        return Err(ids.iter().map(|s| s.to_string()).collect());
    }
    Ok(found)
}

/// The backend of a replay: steps play from the recording, so anything
/// asked of it is refused.
struct Recorded {
    label: String,
}

impl Backend for Recorded {
    fn kind(&self) -> BackendKind {
        // Nothing it shows is billed or left behind.
        BackendKind::DryRun
    }

    fn label(&self) -> String {
        self.label.clone()
    }

    fn run_command<'a>(
        &'a self,
        _command: &'a str,
        _events: &'a mpsc::Sender<StepEvent>,
        _cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<CommandExit, BackendError>> {
        Box::pin(async {
            Err(BackendError::Other(
                "a replay runs no commands: the steps play from the recording".to_string(),
            ))
        })
    }

    fn check_context(&self) -> crate::check::CheckContext {
        crate::check::CheckContext::default()
    }

    fn interactive_command(&self, _command: &str) -> std::process::Command {
        // Never handed the terminal (steps play from the recording), and
        // harmless if it were.
        std::process::Command::new("true")
    }
}
