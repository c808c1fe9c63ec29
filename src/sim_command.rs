//! `trinetes sim`: runs the dry-run world in the foreground (the practice
//! cluster and the simulated EKS endpoint) until Ctrl-C or SIGTERM, and tells
//! the user how to point kubectl and the aws CLI at it.

use std::process::ExitCode;

use anyhow::Context;

use crate::backend::setup::world_options;
use crate::cli::SimArgs;
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
    let dir = kubeconfig
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(
            || std::path::PathBuf::from("."),
            std::path::Path::to_path_buf,
        );
    let mut opts = world_options(profile, Pace::default(), dir);
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

async fn wait_for_stop_signal() -> anyhow::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.context("cannot listen for Ctrl-C")?,
        _ = term.recv() => {}
    }
    Ok(())
}
