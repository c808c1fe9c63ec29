//! `trinetes sim`: runs the dry-run world in the foreground (the practice
//! cluster and the simulated EKS endpoint) until Ctrl-C or SIGTERM, and tells
//! the user how to point kubectl and the aws CLI at it. Its world is kept in
//! the state directory like the TUI's: the same kubeconfig and, where the
//! ports are free, the same endpoints after a restart. Also
//! `trinetes reset-world`, which forgets both kept worlds.

use std::process::ExitCode;

use anyhow::Context;

use crate::backend::setup::{
    KEPT_WORLD_DIR, WorldLock, WorldReset, kept_world_dirs, reset_world_in, world_options,
};
use crate::cli::{GlobalArgs, SimArgs};
use crate::lesson::Profile;
use crate::sim::cluster::default_kubeconfig_path;
use crate::sim::eksctl::Pace;
use crate::sim::world::{PRACTICE_CONTEXT, World};

pub fn run(args: &SimArgs, profile: &Profile) -> anyhow::Result<ExitCode> {
    if !(args.speed.is_finite() && args.speed > 0.0) {
        anyhow::bail!("--speed must be a positive number, got {}", args.speed);
    }
    let kubeconfig = match &args.kubeconfig {
        Some(path) => path.clone(),
        None => default_kubeconfig_path()
            .context("cannot tell where to write the kubeconfig: set XDG_STATE_HOME or HOME, or pass --kubeconfig")?,
    };
    // The world is kept next to the default kubeconfig even when the
    // kubeconfig goes elsewhere, so as not to write into the user's folder.
    let dir = default_kubeconfig_path()
        .as_deref()
        .or(Some(kubeconfig.as_path()))
        .and_then(std::path::Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(
            || std::path::PathBuf::from("."),
            std::path::Path::to_path_buf,
        );
    let lock = WorldLock::claim(&dir)
        .with_context(|| format!("cannot use the world's folder {}", dir.display()))?;
    let mut opts = world_options(profile, Pace::default(), dir);
    opts.persist = lock.is_ok();
    opts.kubeconfig = Some(kubeconfig.clone());
    opts.practice_nodes = args.nodes;
    opts.practice_node_type = args.node_type.clone();
    opts.practice_port = args.port;
    opts.speed = args.speed;
    crate::tls::install_crypto_provider();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let world = World::start(opts).await?;
        if let Err(holder) = &lock {
            let who = holder.map_or_else(|| "another trinetes".to_string(), |pid| format!("process {pid}"));
            println!("The saved simulated world is in use by {who}: this one is new and is not kept.");
        }
        if let Some(warning) = world.origin().warning() {
            println!("{warning}");
        }
        println!(
            "Simulated cluster \"{PRACTICE_CONTEXT}\" is running: {} {} node(s).",
            args.nodes, args.node_type
        );
        println!(
            "API server: {}",
            world.practice_url().unwrap_or_else(|| "(stopped)".into())
        );
        println!("Simulated EKS endpoint: {} (region {})", world.eks_url(), world.region());
        println!("Kubeconfig: {}", kubeconfig.display());
        println!();
        println!("Paste these into another terminal to use it with kubectl and the aws CLI:");
        for line in world.exports() {
            println!("{line}");
        }
        println!("(The aws CLI still wants credentials: the simulator accepts any, e.g. AWS_ACCESS_KEY_ID=testing.)");
        println!();
        println!("Press Ctrl-C to stop.");
        wait_for_stop_signal().await?;
        world.shutdown().await;
        println!("Stopped the simulated cluster and the EKS endpoint.");
        Ok(ExitCode::SUCCESS)
    })
}

/// `trinetes reset-world`: forget the kept dry-run worlds (the TUI's and
/// `trinetes run`'s, and `trinetes sim`'s), so the next start is new.
pub fn reset_world_command(_global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let state_dir = crate::progress::state_dir()?;
    let mut kept = kept_world_dirs(&state_dir);
    if kept.is_empty() {
        kept.push(state_dir.join(KEPT_WORLD_DIR));
    }
    let sim = default_kubeconfig_path().and_then(|p| p.parent().map(std::path::Path::to_path_buf));
    let mut removed = false;
    for dir in kept.into_iter().chain(sim) {
        match reset_world_in(&dir).map_err(|e| anyhow::anyhow!("{e}"))? {
            WorldReset::Removed => removed = true,
            WorldReset::NothingSaved => {}
        }
    }
    if removed {
        println!(
            "The dry-run world was reset: the next start begins with a new practice cluster and no EKS clusters."
        );
    } else {
        println!("There was no saved dry-run world: the next start begins with a new one.");
    }
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_stop_signal() -> anyhow::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.context("cannot listen for Ctrl-C")?,
        _ = term.recv() => {}
    }
    Ok(())
}
