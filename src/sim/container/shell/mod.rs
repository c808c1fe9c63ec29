//! A small POSIX-like `sh`: quoting (`'…'`, `"…"`, `\`), `$VAR`, `${VAR}`,
//! `$?`, wildcards, pipes, `&&`, `||`, `;`, redirections to `/dev/null`
//! and between stdout and stderr, and the builtins `cd`, `exit`, `export`
//! and `unset`. The filesystem is read-only, so writing a file fails.

mod glob;
mod program;
mod syntax;

pub use program::{ProgramRun, run_program, sh};

use super::commands::{Programs, Resolved, resolve};
use super::env::Environment;
use super::fs::absolute;
use super::pattern::has_wildcards;
use super::process::Process;
use super::view::View;
use glob::{escape_wildcards, expand_glob};
use syntax::{Connector, Part, Redirect, Simple, SyntaxError, Word, is_name, parse};

/// The state a shell keeps between commands.
#[derive(Debug, Clone)]
pub struct ShellState {
    pub env: Environment,
    pub cwd: String,
    pub last_status: i32,
    /// The shell's own process.
    pub process: Process,
    pub next_pid: u32,
    pub tty: bool,
    /// What command substitutions wrote to stderr, not yet passed on.
    pub substitution_stderr: Vec<u8>,
}

/// What a run of a script produced; `exit` is set when the script ran `exit`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptOutput {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub status: i32,
    pub exit: Option<i32>,
}

/// What every command of a script can reach.
pub struct Machine<'a> {
    pub view: &'a View,
    pub programs: &'a Programs,
}

impl ShellState {
    pub fn run(&mut self, machine: &Machine<'_>, script: &str, stdin: &[u8]) -> ScriptOutput {
        let mut out = ScriptOutput::default();
        let parsed = match parse(script) {
            Ok(p) => p,
            Err(SyntaxError(e)) => {
                out.stderr = format!("sh: {e}\n").into_bytes();
                out.status = 2;
                self.last_status = 2;
                return out;
            }
        };
        let mut previous = Connector::Then;
        let mut input = Some(stdin.to_vec());
        for (pipeline, connector) in parsed {
            let run = match previous {
                Connector::Then => true,
                Connector::And => self.last_status == 0,
                Connector::Or => self.last_status != 0,
            };
            previous = connector;
            if !run {
                // `a && b || c` still runs c when b was skipped because a failed.
                continue;
            }
            let status = self.run_pipeline(
                machine,
                &pipeline,
                input.take().unwrap_or_default(),
                &mut out,
            );
            self.last_status = status;
            if out.exit.is_some() {
                break;
            }
        }
        out.status = self.last_status;
        out
    }

    fn run_pipeline(
        &mut self,
        machine: &Machine<'_>,
        pipeline: &[Simple],
        stdin: Vec<u8>,
        out: &mut ScriptOutput,
    ) -> i32 {
        let mut data = stdin;
        let mut status = 0;
        let last = pipeline.len().saturating_sub(1);
        for (i, simple) in pipeline.iter().enumerate() {
            let (stdout, stderr, s, exit) =
                self.run_simple(machine, simple, &data, pipeline.len() > 1);
            out.stderr.append(&mut self.substitution_stderr);
            out.stderr.extend(stderr);
            status = s;
            if i == last {
                out.stdout.extend(stdout);
                if pipeline.len() == 1 && exit.is_some() {
                    out.exit = exit;
                }
            } else {
                data = stdout;
            }
        }
        status
    }

    fn expand_word(&mut self, machine: &Machine<'_>, word: &Word) -> Vec<String> {
        if let [
            Part::Command {
                script,
                quoted: false,
            },
        ] = word.as_slice()
        {
            // An unquoted substitution alone splits into words.
            let out = self.substitute(machine, script);
            return out.split_whitespace().map(str::to_string).collect();
        }
        let mut text = String::new();
        let mut pattern = String::new();
        let mut glob = false;
        for part in word {
            match part {
                Part::Bare(s) => {
                    let e = self.expand_vars(s);
                    glob |= has_wildcards(&e);
                    pattern.push_str(&e);
                    text.push_str(&e);
                }
                Part::Double(s) => {
                    let e = self.expand_vars(s);
                    pattern.push_str(&escape_wildcards(&e));
                    text.push_str(&e);
                }
                Part::Literal(s) => {
                    pattern.push_str(&escape_wildcards(s));
                    text.push_str(s);
                }
                Part::Command { script, .. } => {
                    let e = self.substitute(machine, script);
                    pattern.push_str(&escape_wildcards(&e));
                    text.push_str(&e);
                }
            }
        }
        if glob {
            let matches = expand_glob(machine.view, &self.cwd, &pattern);
            if !matches.is_empty() {
                return matches;
            }
        }
        vec![text]
    }

    /// Runs a substitution in a subshell: its output without the trailing
    /// newlines; what it writes to stderr goes to the shell's.
    fn substitute(&mut self, machine: &Machine<'_>, script: &str) -> String {
        let mut sub = self.clone();
        let out = sub.run(machine, script, &[]);
        self.next_pid = sub.next_pid;
        self.substitution_stderr.extend(out.stderr);
        String::from_utf8_lossy(&out.stdout)
            .trim_end_matches('\n')
            .to_string()
    }

    fn expand_vars(&self, s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] != '$' || i + 1 >= chars.len() {
                out.push(chars[i]);
                i += 1;
                continue;
            }
            let next = chars[i + 1];
            if next == '?' {
                out.push_str(&self.last_status.to_string());
                i += 2;
            } else if next == '$' {
                out.push_str(&self.process.pid.to_string());
                i += 2;
            } else if next == '{' {
                match chars[i + 2..].iter().position(|c| *c == '}') {
                    Some(end) => {
                        let name: String = chars[i + 2..i + 2 + end].iter().collect();
                        out.push_str(self.env.get(&name).unwrap_or_default());
                        i += end + 3;
                    }
                    None => {
                        out.push('$');
                        i += 1;
                    }
                }
            } else if next.is_ascii_alphabetic() || next == '_' {
                let name: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                    .collect();
                out.push_str(self.env.get(&name).unwrap_or_default());
                i += 1 + name.chars().count();
            } else {
                out.push('$');
                i += 1;
            }
        }
        out
    }

    /// Runs one command: (stdout, stderr, status, Some(code) for `exit`).
    fn run_simple(
        &mut self,
        machine: &Machine<'_>,
        simple: &Simple,
        stdin: &[u8],
        in_pipeline: bool,
    ) -> (Vec<u8>, Vec<u8>, i32, Option<i32>) {
        let view = machine.view;
        let words: Vec<String> = simple
            .words
            .iter()
            .flat_map(|w| self.expand_word(machine, w))
            .collect();
        let assignments: Vec<(String, String)> = simple
            .assignments
            .iter()
            .map(|(n, w)| (n.clone(), self.expand_word(machine, w).join(" ")))
            .collect();
        let mut input = stdin.to_vec();
        let mut discard = [false, false];
        let mut swap: Option<(u32, u32)> = None;
        for r in &simple.redirects {
            match r {
                Redirect::In(w) => {
                    let path = self.expand_word(machine, w).join(" ");
                    match view.fs.read(&self.cwd, &path) {
                        Ok(b) => input = b.to_vec(),
                        Err(_) if path == "/dev/null" => input.clear(),
                        Err(e) => {
                            return (
                                Vec::new(),
                                format!("sh: can't open '{path}': {e}\n").into_bytes(),
                                1,
                                None,
                            );
                        }
                    }
                }
                Redirect::Out(fd, w) => {
                    let path = self.expand_word(machine, w).join(" ");
                    if absolute(&self.cwd, &path) == "/dev/null" {
                        if let Some(d) = discard.get_mut((*fd as usize).saturating_sub(1)) {
                            *d = true;
                        }
                    } else {
                        return (
                            Vec::new(),
                            format!("sh: can't create {path}: Read-only file system\n")
                                .into_bytes(),
                            1,
                            None,
                        );
                    }
                }
                Redirect::Dup(from, to) => swap = Some((*from, *to)),
            }
        }
        let (mut stdout, mut stderr, status, exit) = if words.is_empty() {
            for (n, v) in assignments {
                self.env.set(&n, v);
            }
            (Vec::new(), Vec::new(), 0, None)
        } else {
            self.run_command(machine, &words, &assignments, &input, in_pipeline)
        };
        match swap {
            Some((2, 1)) => {
                stdout.append(&mut stderr);
            }
            Some((1, 2)) => {
                stderr.append(&mut stdout);
            }
            _ => {}
        }
        if discard[0] {
            stdout.clear();
        }
        if discard[1] {
            stderr.clear();
        }
        (stdout, stderr, status, exit)
    }

    fn run_command(
        &mut self,
        machine: &Machine<'_>,
        words: &[String],
        assignments: &[(String, String)],
        stdin: &[u8],
        in_pipeline: bool,
    ) -> (Vec<u8>, Vec<u8>, i32, Option<i32>) {
        let name = words[0].as_str();
        let args = &words[1..];
        match name {
            "exit" => {
                let code = match args.first() {
                    None => self.last_status,
                    Some(a) => match a.parse::<i64>() {
                        Ok(n) => (n & 0xff) as i32,
                        Err(_) => {
                            return (
                                Vec::new(),
                                format!("sh: exit: Illegal number: {a}\n").into_bytes(),
                                2,
                                Some(2),
                            );
                        }
                    },
                };
                return (Vec::new(), Vec::new(), code, (!in_pipeline).then_some(code));
            }
            "cd" => {
                let target = match args.first().map(String::as_str) {
                    None | Some("~") => self.env.get("HOME").unwrap_or("/").to_string(),
                    Some("-") => self.env.get("OLDPWD").unwrap_or("/").to_string(),
                    Some(p) => p.to_string(),
                };
                return match machine.view.fs.lookup(&self.cwd, &target, true) {
                    Ok((_, node)) if node.is_dir() => {
                        if !in_pipeline {
                            let new = absolute(&self.cwd, &target);
                            let old = std::mem::replace(&mut self.cwd, new);
                            self.env.set("OLDPWD", old);
                            self.env.set("PWD", self.cwd.clone());
                        }
                        (Vec::new(), Vec::new(), 0, None)
                    }
                    Ok(_) => (
                        Vec::new(),
                        format!("sh: cd: can't cd to {target}: Not a directory\n").into_bytes(),
                        2,
                        None,
                    ),
                    Err(e) => (
                        Vec::new(),
                        format!("sh: cd: can't cd to {target}: {e}\n").into_bytes(),
                        2,
                        None,
                    ),
                };
            }
            "export" => {
                for a in args {
                    match a.split_once('=') {
                        Some((n, v)) if is_name(n) => self.env.set(n, v.to_string()),
                        Some(_) | None if is_name(a) => {}
                        _ => {
                            return (
                                Vec::new(),
                                format!("sh: export: {a}: bad variable name\n").into_bytes(),
                                2,
                                None,
                            );
                        }
                    }
                }
                if args.is_empty() {
                    let text: String = self
                        .env
                        .iter()
                        .map(|(n, v)| format!("export {n}='{v}'\n"))
                        .collect();
                    return (text.into_bytes(), Vec::new(), 0, None);
                }
                return (Vec::new(), Vec::new(), 0, None);
            }
            "unset" => {
                for a in args {
                    self.env.unset(a);
                }
                return (Vec::new(), Vec::new(), 0, None);
            }
            ":" => return (Vec::new(), Vec::new(), 0, None),
            _ => {}
        }
        let mut env = self.env.clone();
        for (n, v) in assignments {
            env.set(n, v.clone());
        }
        match resolve(machine.view, machine.programs, &env, &self.cwd, name) {
            Resolved::NotFound => (Vec::new(), format!("sh: {name}: not found\n").into_bytes(), 127, None),
            Resolved::NotRunnable(path) => (
                Vec::new(),
                format!("sh: {path}: cannot run it here: the simulated container runs only its own tools\n")
                    .into_bytes(),
                126,
                None,
            ),
            Resolved::Program(program, _) => {
                let pid = self.next_pid;
                self.next_pid += 1;
                let (stdout, stderr, status) = run_program(
                    machine,
                    program,
                    &ProgramRun {
                        env: &env,
                        cwd: &self.cwd,
                        argv: words,
                        stdin,
                        tty: self.tty,
                        parent: Some(&self.process),
                        pid,
                    },
                );
                (stdout, stderr, status, None)
            }
        }
    }
}
