//! Shared by the tests/eks_*.rs tests: the simulated EKS endpoint on a
//! manual clock, moto_server as a child process, and finding tools on PATH.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use trinetes::sim::Clock;
use trinetes::sim::eks::{EksConfig, EksServer, EksState};

pub const REGION: &str = "us-east-1";

/// The episode's start time, for manual clocks.
pub fn episode_start() -> jiff::Timestamp {
    "2021-12-16T01:25:17Z".parse().expect("a valid timestamp")
}

/// A simulated EKS endpoint on a manual clock.
pub async fn start_sim() -> (EksServer, Clock) {
    let clock = Clock::manual(episode_start());
    let state = EksState::new(clock.clone(), EksConfig::default());
    let server = EksServer::start(state, None)
        .await
        .expect("the simulated EKS endpoint starts on 127.0.0.1");
    (server, clock)
}

/// The full path of `tool` on PATH, or a failure that says what to install.
pub fn require_tool(tool: &str, install_hint: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("`{tool}` is not on PATH: {install_hint}"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("the OS hands out a free port on 127.0.0.1")
        .port()
}

/// moto_server on 127.0.0.1, killed when dropped.
pub struct MotoServer {
    child: Child,
    pub port: u16,
}

impl MotoServer {
    /// Starts moto_server and waits (at most 60 s) until it accepts
    /// connections.
    pub fn start() -> MotoServer {
        let program = require_tool(
            "moto_server",
            "install moto[server] (pip install 'moto[server]')",
        );
        let port = free_port();
        let child = Command::new(program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server can be started");
        let mut server = MotoServer { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("moto_server exited before it listened: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen on 127.0.0.1:{port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
