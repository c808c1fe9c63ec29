//! `trinetes sim`: runs the simulated cluster in the foreground until
//! Ctrl-C or SIGTERM, and tells the user how to point kubectl at it.

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::SimArgs;
use crate::sim::Clock;
use crate::sim::cluster::{SimCluster, SimOptions, default_kubeconfig_path};

pub fn run(args: &SimArgs) -> anyhow::Result<ExitCode> {
    if !(args.speed.is_finite() && args.speed > 0.0) {
        anyhow::bail!("--speed must be a positive number, got {}", args.speed);
    }
    let kubeconfig = match &args.kubeconfig {
        Some(path) => path.clone(),
        None => default_kubeconfig_path()
            .context("cannot tell where to write the kubeconfig: set XDG_STATE_HOME or HOME, or pass --kubeconfig")?,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let opts = SimOptions {
            nodes: args.nodes,
            node_type: args.node_type.clone(),
            port: args.port,
            kubeconfig: Some(kubeconfig.clone()),
            clock: Clock::real(args.speed),
            ..SimOptions::default()
        };
        let cluster = SimCluster::start(opts).await?;
        println!(
            "Simulated cluster \"trinetes-sim\" is running: {} {} node(s).",
            args.nodes, args.node_type
        );
        println!("API server: {}", cluster.url());
        println!("Kubeconfig: {}", kubeconfig.display());
        println!();
        println!(
            "export KUBECONFIG={}",
            shell_quote(&kubeconfig.to_string_lossy())
        );
        println!();
        println!("Press Ctrl-C to stop.");
        wait_for_stop_signal().await?;
        cluster.stop().await;
        println!("Stopped the simulated cluster.");
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

/// Quotes a path for a POSIX shell only when it needs quoting.
fn shell_quote(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,=".contains(c));
    if plain && !text.is_empty() {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn paths_are_quoted_only_when_needed() {
        assert_eq!(
            shell_quote("/home/a/.local/state/trinetes/sim/kubeconfig"),
            "/home/a/.local/state/trinetes/sim/kubeconfig"
        );
        assert_eq!(shell_quote("/tmp/my dir/k"), "'/tmp/my dir/k'");
        assert_eq!(shell_quote("/tmp/it's"), "'/tmp/it'\\''s'");
    }
}
