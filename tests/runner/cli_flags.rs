//! Global flags through the real binary: `--pace` and `--pace-total` work for
//! the TUI and for `trinetes run`, in either position, and a bad value is a
//! clear error before anything starts.

use std::process::{Command, Output};

use crate::support::bin::text;

fn trinetes(args: &[&str]) -> Output {
    let state = tempfile::tempdir().expect("temp dir");
    Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(args)
        .env("XDG_STATE_HOME", state.path())
        .env_remove("TRINETES_LESSONS")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the trinetes binary runs")
}

#[test]
fn pace_is_a_global_flag_explained_in_the_help() {
    for args in [&["--help"][..], &["run", "--help"][..]] {
        let out = trinetes(args);
        let help = text(&out);
        assert!(out.status.success(), "{help}");
        assert!(
            help.contains("--pace <PACE>") && help.contains("--pace-total <DURATION>"),
            "{args:?}:\n{help}"
        );
    }
}

#[test]
fn a_bad_pace_total_is_refused_before_anything_starts() {
    for args in [
        &["--pace-total", "soon"][..],
        &["run", "--all", "--pace-total", "soon"][..],
        &["--pace-total", "soon", "run", "--all"][..],
    ] {
        let out = trinetes(args);
        let all = text(&out);
        assert!(!out.status.success(), "{args:?}: {all}");
        assert!(
            all.contains("--pace-total \"soon\" is not a duration like 60s or 2m"),
            "{args:?}: {all}"
        );
        assert!(
            !all.contains("starting the dry-run backend"),
            "{args:?} started a backend before refusing: {all}"
        );
    }
}
