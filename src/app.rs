//! Top-level dispatch from the parsed command line to the subsystems.

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{Cli, Command, GlobalArgs, ThemeName};

pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    if cli.global.record.is_some() && !matches!(cli.command, None | Some(Command::Run(_))) {
        anyhow::bail!("--record records the tutorial or `trinetes run`, not this command");
    }
    match cli.command {
        None => start_tui(&cli.global),
        Some(Command::Lessons(args)) => crate::commands::lessons::run(&cli.global, &args),
        Some(Command::Sim(args)) => {
            let profile = crate::lesson::Profile::builtin(&cli.global.profile)?;
            crate::sim_command::run(&args, &profile)
        }
        Some(Command::Run(args)) => crate::commands::run::run(&cli.global, &args),
        Some(Command::ResetWorld) => crate::sim_command::reset_world_command(&cli.global),
        Some(Command::Notes) => notes_window(),
        Some(Command::Doctor) => crate::commands::doctor::run(&cli.global),
        Some(Command::Cleanup(args)) => crate::commands::cleanup::run(&args),
        Some(Command::Replay(args)) => crate::commands::replay::run(&cli.global, &args),
    }
}

/// The TUI on the chosen lessons, profile, backend and theme.
fn start_tui(global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    use crate::lesson::{BackendKind, Profile};
    use crate::tui::theme::{Theme, ThemeKind};

    let profile = Profile::builtin(&global.profile)?;
    let lessons = crate::commands::lessons::load(global.lessons.as_deref())?;
    let lessons = lessons.iter().map(|l| l.expanded(&profile)).collect();
    let backend_name = global.backend.split('=').next().unwrap_or_default();
    let backend = BackendKind::parse(backend_name).with_context(|| {
        format!(
            "unknown backend {:?} (dry-run, live, context[=NAME])",
            global.backend
        )
    })?;
    let kind = match global.theme {
        ThemeName::Dark => ThemeKind::Dark,
        ThemeName::Light => ThemeKind::Light,
        ThemeName::HighContrast => ThemeKind::HighContrast,
    };
    // A projector washes out colours: the presentation is high contrast.
    let kind = if global.present {
        ThemeKind::HighContrast
    } else {
        kind
    };
    let settings = crate::tui::state::Settings {
        theme: Theme::from_env(kind, std::env::var_os("NO_COLOR").as_deref()),
        backend,
        backend_label: global.backend.clone(),
        profile: global.profile.clone(),
        hyperlinks: crate::tui::hyperlinks_supported(|k| std::env::var(k).ok()),
        custom_lessons: global.lessons.clone(),
    };
    let pace = crate::commands::run::pace_of(global)?;
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "the tutorial needs a terminal; to run lessons without one, use `trinetes run` (see `trinetes run --help`)"
        );
    }
    let state_dir = crate::progress::state_dir()?;
    let store = crate::progress::ProgressStore::new(state_dir.clone());
    let recording = match &global.record {
        Some(path) => Some(crate::record::start(
            path,
            &format!(
                "trinetes on {} (profile {})",
                global.backend, global.profile
            ),
            &global.profile,
            &global.backend,
        )?),
        None => None,
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let active: crate::backend::setup::ActiveBackend = crate::backend::setup::start(
            &global.backend,
            &profile,
            pace,
            &state_dir,
            &crate::backend::setup::RealOptions {
                namespace: global.namespace.as_deref(),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let result = crate::tui::start(crate::tui::TuiConfig {
            lessons,
            settings,
            store,
            backend: active.backend(),
            world_exports: active.exports(),
            world_warning: active.world_warning(),
            world_origin: active.world_origin(),
            present: global
                .present
                .then_some(crate::tui::present::PresentConfig {
                    type_speed: global.type_speed,
                }),
            fallback: crate::tui::execution::fallback::Setup {
                mode: global.fallback,
                profile: profile.clone(),
                pace,
                state_dir: state_dir.clone(),
            },
            replay: None,
        })
        .await;
        active.shutdown().await;
        result.map_err(anyhow::Error::from)
    })?;
    if let Some(recording) = recording {
        let path = recording.finish()?;
        eprintln!("recording written to {}", path.display());
    }
    if backend != BackendKind::DryRun {
        remind_cleanup(&state_dir);
    }
    Ok(ExitCode::SUCCESS)
}

/// `trinetes notes`: the speaker's window for the trinetes of this state
/// directory.
fn notes_window() -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "the notes window needs a terminal: run `trinetes notes` in a second terminal window"
        );
    }
    let socket = crate::present::socket_path(&crate::progress::state_dir()?);
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(crate::present::notes::run(&socket))?;
    Ok(ExitCode::SUCCESS)
}

/// After a live or context session: what trinetes created that is still
/// billed, and how to remove it.
fn remind_cleanup(state_dir: &std::path::Path) {
    let open = crate::ledger::Ledger::in_dir(state_dir)
        .open()
        .unwrap_or_default();
    let billed: Vec<String> = open
        .iter()
        .filter(|e| e.resource.billable())
        .map(|e| e.resource.to_string())
        .collect();
    if !billed.is_empty() {
        eprintln!(
            "trinetes: still billed on AWS: {}. Run `trinetes cleanup` to remove what trinetes created.",
            billed.join(", ")
        );
    }
    let others: Vec<String> = open
        .iter()
        .filter(|e| !e.resource.billable())
        .map(|e| e.resource.to_string())
        .collect();
    if !others.is_empty() {
        eprintln!(
            "trinetes: left in place: {}. `trinetes cleanup` removes them.",
            others.join(", ")
        );
    }
}

/// An error and its causes, each said once, joined with ": ". Many error
/// messages already end with their cause, which anyhow's `{:#}` would
/// repeat.
pub fn error_text(err: &anyhow::Error) -> String {
    let mut said: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if !text.is_empty() && !said.iter().any(|s| s.contains(&text)) {
            said.push(text);
        }
    }
    said.join(": ")
}

#[cfg(test)]
mod error_text_tests {
    use super::error_text;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot read the recording x.cast: {source}")]
    struct Outer {
        source: std::io::Error,
    }

    #[test]
    fn a_cause_already_in_the_message_is_said_once() {
        let err = anyhow::Error::new(Outer {
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        });
        assert_eq!(
            error_text(&err),
            "cannot read the recording x.cast: no such file"
        );
        let err = anyhow::anyhow!("inner").context("outer");
        assert_eq!(error_text(&err), "outer: inner");
    }
}
