//! Stub tools on PATH for the live backend's tests: shell scripts that
//! record their argv and answer as the real tools would.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A folder of stub executables, put first on PATH.
pub struct Stubs {
    pub dir: PathBuf,
}

impl Stubs {
    pub fn new(root: &Path) -> Stubs {
        let dir = root.join("stub-bin");
        std::fs::create_dir_all(&dir).expect("stub dir");
        Stubs { dir }
    }

    /// Writes an executable `name` with this shell body; every call first
    /// appends `name ARGS` to `calls.log` in the stub folder. A stub
    /// `eksctl` answers the doctor's `eksctl version` probe (which a live
    /// run makes before anything runs) as eksctl 0.230.0 does, without
    /// running the body or logging it: it is a question, not an action.
    pub fn add(&self, name: &str, body: &str) {
        self.write(name, body, name == "eksctl");
    }

    /// `add` without the version answer: the body answers `version` too.
    pub fn add_plain(&self, name: &str, body: &str) {
        self.write(name, body, false);
    }

    fn write(&self, name: &str, body: &str, answer_version: bool) {
        let path = self.dir.join(name);
        let probe = if answer_version {
            "if [ \"$*\" = version ]; then echo 0.230.0; exit 0; fi\n"
        } else {
            ""
        };
        let script = format!(
            "#!/bin/sh\n{probe}echo \"{name} $*\" >> \"{log}\"\n{body}\n",
            log = self.dir.join("calls.log").display()
        );
        std::fs::write(&path, script).expect("write stub");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }

    /// Every recorded call, one `tool args` a line.
    pub fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("calls.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// PATH with the stubs first, then the machine's own.
    pub fn path(&self) -> String {
        format!(
            "{}:{}",
            self.dir.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }
}

/// Test AWS settings against a local endpoint: fixed test credentials, no
/// user configuration, the endpoint for every service.
pub fn aws_env(state: &Path, endpoint: &str) -> Vec<(String, String)> {
    let empty = state.join("empty-aws-config");
    std::fs::write(&empty, "").expect("write an empty AWS config file");
    let e = |k: &str, v: &str| (k.to_string(), v.to_string());
    vec![
        e("AWS_ENDPOINT_URL", endpoint),
        e("AWS_ACCESS_KEY_ID", "testing"),
        e("AWS_SECRET_ACCESS_KEY", "testing"),
        e("AWS_REGION", "us-east-1"),
        e("AWS_DEFAULT_REGION", "us-east-1"),
        e("AWS_CONFIG_FILE", &empty.to_string_lossy()),
        e("AWS_SHARED_CREDENTIALS_FILE", &empty.to_string_lossy()),
        e("AWS_EC2_METADATA_DISABLED", "true"),
        e("AWS_PAGER", ""),
    ]
}

/// `trinetes ARGS` with its own state, the given environment and PATH, no
/// stdin, no colour and none of the machine's AWS or kube settings.
pub fn trinetes(state: &Path, path: &str, env: &[(String, String)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trinetes"));
    cmd.args(args)
        .env("XDG_STATE_HOME", state)
        .env("HOME", state)
        .env("NO_COLOR", "1")
        .env("PATH", path)
        .env_remove("KUBECONFIG")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL_EKS")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // Nothing reaches AWS from a test: without moto, every AWS call
        // goes to a closed loopback port (moto tests override this).
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("trinetes runs")
}
