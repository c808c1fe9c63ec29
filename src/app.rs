//! Top-level dispatch from the parsed command line to the subsystems.

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{Cli, Command, GlobalArgs, ThemeName};

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => start_tui(&cli.global),
        Some(Command::Lessons(args)) => crate::commands::lessons::run(&cli.global, &args),
        Some(Command::Sim(args)) => crate::sim_command::run(&args),
        Some(Command::Run(args)) => crate::commands::run::run(&cli.global, &args),
    }
}

/// The TUI on the chosen lessons, profile, backend and theme.
fn start_tui(global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    use crate::lesson::{self, BackendKind, Profile};
    use crate::tui::theme::{Theme, ThemeKind};

    let profile = Profile::builtin(&global.profile)?;
    let lessons = match &global.lessons {
        None => lesson::builtin(),
        Some(dir) => lesson::load_dir(dir).map_err(|errors| {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            anyhow::anyhow!(
                "{}\n{} error(s) in {}",
                list.join("\n"),
                errors.len(),
                dir.display()
            )
        })?,
    };
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
    let settings = crate::tui::state::Settings {
        theme: Theme::from_env(kind, std::env::var_os("NO_COLOR").as_deref()),
        backend,
        backend_label: global.backend.clone(),
        profile: global.profile.clone(),
        hyperlinks: crate::tui::hyperlinks_supported(|k| std::env::var(k).ok()),
    };
    let store = crate::progress::ProgressStore::in_state_dir()?;
    let backend_impl = build_backend(backend, &global.backend);
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(crate::tui::run(crate::tui::TuiConfig {
        lessons,
        settings,
        store,
        backend: backend_impl,
    }))?;
    Ok(ExitCode::SUCCESS)
}

/// The one place the TUI's backend is built. `live` and `context[=NAME]` run
/// real commands; dry-run gets the simulated world once it is wired in here.
fn build_backend(
    kind: crate::lesson::BackendKind,
    spec: &str,
) -> std::sync::Arc<dyn crate::backend::Backend> {
    use crate::backend::live::ShellBackend;
    use crate::check::CheckContext;
    use crate::lesson::BackendKind;
    match kind {
        BackendKind::Live => std::sync::Arc::new(ShellBackend::live(CheckContext::default())),
        BackendKind::Context => {
            let name = spec.split_once('=').map(|(_, n)| n.to_string());
            std::sync::Arc::new(ShellBackend::context(name, CheckContext::default()))
        }
        BackendKind::DryRun => std::sync::Arc::new(DryRunPending),
    }
}

/// Stands in for the simulated world until it is wired into `build_backend`:
/// it refuses to run anything rather than run real commands on dry-run.
struct DryRunPending;

impl crate::backend::Backend for DryRunPending {
    fn kind(&self) -> crate::lesson::BackendKind {
        crate::lesson::BackendKind::DryRun
    }

    fn label(&self) -> String {
        "dry-run".to_string()
    }

    fn run_command<'a>(
        &'a self,
        _command: &'a str,
        _events: &'a tokio::sync::mpsc::Sender<crate::backend::StepEvent>,
        _cancel: &'a tokio_util::sync::CancellationToken,
    ) -> futures::future::BoxFuture<
        'a,
        Result<crate::backend::CommandExit, crate::backend::BackendError>,
    > {
        Box::pin(async {
            Err(crate::backend::BackendError::Other(
                "the dry-run world is not available in this build; use --backend live".to_string(),
            ))
        })
    }

    fn check_context(&self) -> crate::check::CheckContext {
        crate::check::CheckContext::default()
    }

    fn interactive_command(&self, _command: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg("echo 'the dry-run world is not available in this build'; exit 1");
        cmd
    }
}
