//! The programs on the container's PATH, each a function over its arguments,
//! input and the container view, and the registry that says which exist in
//! which image.

use std::collections::BTreeMap;

mod ls;
mod system;
mod text;

use super::env::Environment;
use super::fs::absolute;
use super::image::ImageKind;
use super::process::Process;
use super::view::View;
use ls::ls;
use system::{echo, env, hostname, id, printenv, ps, pwd, whoami};
use text::{cat, grep, head, tail, wc};

/// One run of a program.
pub struct Invocation<'a> {
    pub view: &'a View,
    /// The environment of the calling shell (after `export`).
    pub env: &'a Environment,
    pub cwd: &'a str,
    /// `argv[0]` first.
    pub argv: &'a [String],
    pub stdin: &'a [u8],
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The output goes to a terminal (`kubectl exec -t`).
    pub tty: bool,
    /// Every process at this moment, this one included.
    pub processes: &'a [Process],
    /// The PID this run has.
    pub pid: u32,
    /// What else is installed (for `sh`).
    pub programs: &'a Programs,
}

impl Invocation<'_> {
    fn out(&mut self, text: &str) {
        self.stdout.extend_from_slice(text.as_bytes());
    }

    fn err(&mut self, text: &str) {
        self.stderr.extend_from_slice(text.as_bytes());
    }

    fn name(&self) -> String {
        let first = self.argv.first().map(String::as_str).unwrap_or_default();
        first.rsplit('/').next().unwrap_or(first).to_string()
    }

    fn args(&self) -> &[String] {
        self.argv.get(1..).unwrap_or_default()
    }

    /// The bytes of a file argument, or stdin for `-`; an error is printed
    /// as `prog: path: reason`.
    fn input(&mut self, path: &str) -> Option<Vec<u8>> {
        if path == "-" {
            return Some(self.stdin.to_vec());
        }
        match self.view.fs.read(self.cwd, path) {
            Ok(bytes) => Some(bytes.to_vec()),
            Err(e) => {
                let name = self.name();
                self.err(&format!("{name}: {path}: {e}\n"));
                None
            }
        }
    }
}

/// A program: runs and returns its exit status.
pub type Program = fn(&mut Invocation<'_>) -> i32;

/// The programs of one image, by their path in the container.
#[derive(Clone)]
pub struct Programs {
    by_path: BTreeMap<String, Program>,
}

/// Every image's tools: (name, program), installed in /usr/bin.
const BASE: &[(&str, Program)] = &[
    ("cat", cat),
    ("echo", echo),
    ("env", env),
    ("false", |_| 1),
    ("grep", grep),
    ("head", head),
    ("hostname", hostname),
    ("id", id),
    ("ls", ls),
    ("printenv", printenv),
    ("ps", ps),
    ("pwd", pwd),
    ("sh", super::shell::sh),
    ("tail", tail),
    ("true", |_| 0),
    ("wc", wc),
    ("whoami", whoami),
];

/// The programs an image adds beyond the base tools. The Trino image's
/// shell is bash. It also ships the `trino` CLI at /usr/bin/trino; that is
/// not simulated yet, so until a program is added here it is "not found",
/// and the filesystem (which lists exactly the registered programs) agrees.
fn image_programs(kind: ImageKind) -> Vec<(&'static str, Program)> {
    match kind {
        ImageKind::Trino(_) => vec![("bash", super::shell::sh)],
        ImageKind::Nginx | ImageKind::Generic => Vec::new(),
    }
}

impl Programs {
    pub fn for_image(kind: ImageKind) -> Programs {
        let by_path = BASE
            .iter()
            .copied()
            .chain(image_programs(kind))
            .map(|(name, p)| (format!("/usr/bin/{name}"), p))
            .collect();
        Programs { by_path }
    }

    /// The names installed in /usr/bin.
    pub fn names(&self) -> Vec<&str> {
        self.by_path
            .keys()
            .filter_map(|p| p.strip_prefix("/usr/bin/"))
            .collect()
    }

    pub fn at(&self, canonical_path: &str) -> Option<Program> {
        self.by_path.get(canonical_path).copied()
    }
}

/// Where a command name leads: a program, a file the simulation cannot run,
/// or nothing.
pub enum Resolved {
    Program(Program, String),
    NotRunnable(String),
    NotFound,
}

/// Finds `name` as the kernel would: a path when it has a `/`, else the
/// first match in `$PATH`.
pub fn resolve(
    view: &View,
    programs: &Programs,
    env: &Environment,
    cwd: &str,
    name: &str,
) -> Resolved {
    let candidates: Vec<String> = if name.contains('/') {
        vec![absolute(cwd, name)]
    } else {
        env.get("PATH")
            .unwrap_or_default()
            .split(':')
            .filter(|d| !d.is_empty())
            .map(|d| format!("{}/{name}", d.trim_end_matches('/')))
            .collect()
    };
    for path in candidates {
        if let Ok((canonical, node)) = view.fs.lookup("/", &path, true) {
            if node.is_dir() {
                continue;
            }
            return match programs.at(&canonical) {
                Some(p) => Resolved::Program(p, canonical),
                None => Resolved::NotRunnable(path),
            };
        }
    }
    Resolved::NotFound
}

/// A user's or group's name from /etc/passwd or /etc/group.
fn name_of(view: &View, file: &str, id: u32) -> Option<String> {
    let text = view.fs.read("/", file).ok()?;
    String::from_utf8_lossy(text).lines().find_map(|l| {
        let fields: Vec<&str> = l.split(':').collect();
        (fields.get(2)?.parse::<u32>().ok()? == id).then(|| fields[0].to_string())
    })
}
