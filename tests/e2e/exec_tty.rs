//! `kubectl exec -it POD -- sh` typed into a real terminal (tmux) against the
//! simulated API server: the prompt, echo, Backspace, Ctrl-U, Ctrl-C, a
//! window resize, `exit N` and Ctrl-D, and kubectl's exit code afterwards;
//! over the WebSocket kubectl 1.32 uses, and over SPDY.

use crate::support::apiserver::{Sim, pod, seed};
use crate::support::tmux::{TmuxServer, require_tmux};

const SHELL_PROMPT: &str = "e2e$ ";

struct Terminal {
    tmux: TmuxServer,
    // Dropped after tmux: kubectl's server outlives the terminal.
    _sim: Sim,
    _runtime: tokio::runtime::Runtime,
}

fn start() -> Terminal {
    require_tmux();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let sim = runtime.block_on(async {
        let sim = Sim::start().await;
        seed(&sim.store, "Pod", pod("web-1", "web", "node-a", "10.0.1.5"));
        sim
    });
    let dir = sim.dir.path();
    let tmux = TmuxServer::start(
        &dir.join("tmux.sock"),
        100,
        30,
        &[
            format!("KUBECONFIG={}", dir.join("kubeconfig").display()),
            format!("KUBECACHEDIR={}", dir.join("cache").display()),
            format!("HOME={}", dir.display()),
        ],
    );
    tmux.wait_for("the shell to start", |s| !s.trim().is_empty());
    // Some shells ignore PS1 from the environment; set it in the shell.
    tmux.type_text(&format!("PS1='{SHELL_PROMPT}'"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the outer shell's prompt", |s| {
        s.lines()
            .any(|l| l.trim_end().ends_with(SHELL_PROMPT.trim_end()))
    });
    Terminal {
        tmux,
        _sim: sim,
        _runtime: runtime,
    }
}

impl Terminal {
    fn exec_sh(&self) {
        self.exec_sh_with("");
    }

    /// `kubectl exec -it web-1 -- sh` with `env` (assignments) before it.
    fn exec_sh_with(&self, env: &str) {
        self.tmux
            .type_text(format!("{env} kubectl exec -it web-1 -- sh").trim_start());
        self.tmux.keys(&["Enter"]);
        self.tmux.wait_for("the container's prompt", |s| {
            s.lines().any(|l| matches!(l.trim_end(), "/ #" | "/ $"))
        });
    }

    /// The lines of the screen, trailing blanks dropped.
    fn lines(&self) -> Vec<String> {
        self.tmux
            .screen()
            .lines()
            .map(|l| l.trim_end().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    }

    fn last_line(&self) -> String {
        self.lines().last().cloned().unwrap_or_default()
    }

    /// Waits until the screen shows `expected` as its last lines.
    fn wait_tail(&self, expected: &[&str]) {
        self.tmux
            .wait_for(&format!("{expected:?} at the bottom"), |screen| {
                let lines: Vec<&str> = screen
                    .lines()
                    .map(str::trim_end)
                    .filter(|l| !l.is_empty())
                    .collect();
                lines.ends_with(expected)
            });
    }
}

#[test]
fn an_interactive_shell_edits_lines_and_leaves_with_ctrl_d() {
    let term = start();
    term.exec_sh();
    // "/ #" or "/ $", as the image's shell says it (trailing blank trimmed).
    let prompt = term.last_line();
    let tmux = &term.tmux;

    // Backspace erases what was typed; the line runs as corrected.
    tmux.type_text("hostnamx");
    tmux.keys(&["BSpace"]);
    tmux.type_text("e");
    tmux.keys(&["Enter"]);
    term.wait_tail(&[&format!("{prompt} hostname"), "web-1", &prompt]);

    // Ctrl-U wipes the line before Enter.
    tmux.type_text("cat /etc/nope");
    tmux.keys(&["C-u"]);
    tmux.type_text("echo kept");
    tmux.keys(&["Enter"]);
    term.wait_tail(&[&format!("{prompt} echo kept"), "kept", &prompt]);

    // Ctrl-C drops a half-typed line; the terminal may be resized meanwhile.
    tmux.type_text("rm -rf /");
    tmux.keys(&["C-c"]);
    let resized = tmux.tmux(&["resize-window", "-t", "e2e", "-x", "120", "-y", "40"]);
    assert!(resized.status.success(), "resize: {resized:?}");
    tmux.type_text("pwd");
    tmux.keys(&["Enter"]);
    term.wait_tail(&[
        &format!("{prompt} rm -rf /^C"),
        &format!("{prompt} pwd"),
        "/",
        &prompt,
    ]);

    // A failing command, then Ctrl-D on an empty line: kubectl leaves with
    // the shell's last status.
    tmux.type_text("cat /nope");
    tmux.keys(&["Enter"]);
    term.wait_tail(&["cat: /nope: No such file or directory", &prompt]);
    tmux.keys(&["C-d"]);
    term.wait_tail(&[
        "command terminated with exit code 1",
        SHELL_PROMPT.trim_end(),
    ]);
    tmux.type_text("echo rc=$?");
    tmux.keys(&["Enter"]);
    tmux.wait_text("rc=1");
}

#[test]
fn exit_with_a_code_is_kubectls_exit_code() {
    let term = start();
    term.exec_sh();
    term.tmux.type_text("exit 7");
    term.tmux.keys(&["Enter"]);
    term.wait_tail(&[
        "command terminated with exit code 7",
        SHELL_PROMPT.trim_end(),
    ]);
    term.tmux.type_text("echo rc=$?");
    term.tmux.keys(&["Enter"]);
    term.tmux.wait_text("rc=7");
}

#[test]
fn the_shell_works_the_same_over_spdy() {
    let term = start();
    // kubectl's own switch back to the SPDY upgrade it falls back to.
    term.exec_sh_with("KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false");
    let prompt = term.last_line();
    let tmux = &term.tmux;
    tmux.type_text("echo spdx");
    tmux.keys(&["BSpace"]);
    tmux.type_text("y");
    tmux.keys(&["Enter"]);
    term.wait_tail(&[&format!("{prompt} echo spdy"), "spdy", &prompt]);
    let resized = tmux.tmux(&["resize-window", "-t", "e2e", "-x", "90", "-y", "25"]);
    assert!(resized.status.success(), "resize: {resized:?}");
    tmux.type_text("exit 3");
    tmux.keys(&["Enter"]);
    term.wait_tail(&[
        "command terminated with exit code 3",
        SHELL_PROMPT.trim_end(),
    ]);
}
