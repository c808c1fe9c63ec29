//! A small POSIX-like `sh`: quoting (`'…'`, `"…"`, `\`), `$VAR`, `${VAR}`,
//! `$?`, wildcards, pipes, `&&`, `||`, `;`, redirections to `/dev/null`
//! and between stdout and stderr, and the builtins `cd`, `exit`, `export`
//! and `unset`. The filesystem is read-only, so writing a file fails.

use super::commands::{Invocation, Programs, Resolved, resolve};
use super::env::Environment;
use super::fs::{NodeKind, absolute};
use super::pattern::{has_wildcards, wildcard_match};
use super::process::Process;
use super::view::View;

/// One piece of a word and how it was quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Unquoted: expands variables and wildcards.
    Bare(String),
    /// Double-quoted: expands variables only.
    Double(String),
    /// Single-quoted or escaped: literal.
    Literal(String),
    /// `$(…)` or `` `…` ``: the output of a script; split into words when
    /// unquoted.
    Command { script: String, quoted: bool },
}

type Word = Vec<Part>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Redirect {
    /// `>file`, `2>file`, `>>file`: fd, target.
    Out(u32, Word),
    /// `<file`.
    In(Word),
    /// `2>&1`, `>&2`: fd becomes a copy of the other.
    Dup(u32, u32),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Simple {
    assignments: Vec<(String, Word)>,
    words: Vec<Word>,
    redirects: Vec<Redirect>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Connector {
    Then,
    And,
    Or,
}

/// Pipelines and what joins each to the next.
type Script = Vec<(Vec<Simple>, Connector)>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(Word),
    Pipe,
    And,
    Or,
    Semi,
    Redirect(Redirect),
}

/// A syntax error, worded as the shell reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError(pub String);

fn lex(input: &str) -> Result<Vec<Token>, SyntaxError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut word: Word = Vec::new();
    let mut bare = String::new();
    let mut in_word = false;
    let mut i = 0;
    let flush_bare = |word: &mut Word, bare: &mut String| {
        if !bare.is_empty() {
            word.push(Part::Bare(std::mem::take(bare)));
        }
    };
    macro_rules! end_word {
        () => {
            flush_bare(&mut word, &mut bare);
            if in_word {
                tokens.push(Token::Word(std::mem::take(&mut word)));
                in_word = false;
            }
        };
    }
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => {
                end_word!();
                i += 1;
            }
            '\n' | ';' | '&' if !(c == '&' && chars.get(i + 1) == Some(&'&')) => {
                end_word!();
                tokens.push(Token::Semi);
                i += 1;
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '&' => {
                end_word!();
                tokens.push(Token::And);
                i += 2;
            }
            '|' => {
                end_word!();
                if chars.get(i + 1) == Some(&'|') {
                    tokens.push(Token::Or);
                    i += 2;
                } else {
                    tokens.push(Token::Pipe);
                    i += 1;
                }
            }
            '>' | '<' => {
                // A lone digit before it is the fd: `2>`.
                let fd = if in_word
                    && word.is_empty()
                    && bare.len() == 1
                    && bare.chars().all(|d| d.is_ascii_digit())
                {
                    let fd = bare.parse().unwrap_or(1);
                    bare.clear();
                    in_word = false;
                    Some(fd)
                } else {
                    end_word!();
                    None
                };
                if c == '<' {
                    i += 1;
                    tokens.push(Token::Redirect(Redirect::In(Vec::new())));
                    continue;
                }
                let fd = fd.unwrap_or(1);
                i += 1;
                if chars.get(i) == Some(&'>') {
                    i += 1;
                }
                if chars.get(i) == Some(&'&') {
                    let digits: String = chars[i + 1..]
                        .iter()
                        .take_while(|d| d.is_ascii_digit())
                        .collect();
                    if digits.is_empty() {
                        return Err(SyntaxError("syntax error: bad fd number".into()));
                    }
                    i += 1 + digits.len();
                    tokens.push(Token::Redirect(Redirect::Dup(
                        fd,
                        digits.parse().unwrap_or(1),
                    )));
                } else {
                    tokens.push(Token::Redirect(Redirect::Out(fd, Vec::new())));
                }
            }
            '\'' => {
                flush_bare(&mut word, &mut bare);
                let end = chars[i + 1..]
                    .iter()
                    .position(|q| *q == '\'')
                    .ok_or_else(|| {
                        SyntaxError("syntax error: unterminated quoted string".into())
                    })?;
                word.push(Part::Literal(chars[i + 1..i + 1 + end].iter().collect()));
                in_word = true;
                i += end + 2;
            }
            '"' => {
                flush_bare(&mut word, &mut bare);
                let mut text = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => {
                            return Err(SyntaxError(
                                "syntax error: unterminated quoted string".into(),
                            ));
                        }
                        Some('"') => break,
                        Some('\\') if matches!(chars.get(j + 1), Some('"' | '\\' | '$' | '`')) => {
                            // Keep an escaped `$` from expanding.
                            if chars[j + 1] == '$' {
                                word.push(Part::Double(std::mem::take(&mut text)));
                                word.push(Part::Literal("$".into()));
                            } else {
                                text.push(chars[j + 1]);
                            }
                            j += 2;
                        }
                        Some('$') if chars.get(j + 1) == Some(&'(') => {
                            word.push(Part::Double(std::mem::take(&mut text)));
                            let (script, next) = substitution(&chars, j + 2, ')')?;
                            word.push(Part::Command {
                                script,
                                quoted: true,
                            });
                            j = next;
                        }
                        Some('`') => {
                            word.push(Part::Double(std::mem::take(&mut text)));
                            let (script, next) = substitution(&chars, j + 1, '`')?;
                            word.push(Part::Command {
                                script,
                                quoted: true,
                            });
                            j = next;
                        }
                        Some(ch) => {
                            text.push(*ch);
                            j += 1;
                        }
                    }
                }
                word.push(Part::Double(text));
                in_word = true;
                i = j + 1;
            }
            '\\' => {
                flush_bare(&mut word, &mut bare);
                if let Some(next) = chars.get(i + 1)
                    && *next != '\n'
                {
                    word.push(Part::Literal(next.to_string()));
                    in_word = true;
                }
                i += 2;
            }
            '$' if chars.get(i + 1) == Some(&'(') && chars.get(i + 2) != Some(&'(') => {
                flush_bare(&mut word, &mut bare);
                let (script, next) = substitution(&chars, i + 2, ')')?;
                word.push(Part::Command {
                    script,
                    quoted: false,
                });
                in_word = true;
                i = next;
            }
            '`' => {
                flush_bare(&mut word, &mut bare);
                let (script, next) = substitution(&chars, i + 1, '`')?;
                word.push(Part::Command {
                    script,
                    quoted: false,
                });
                in_word = true;
                i = next;
            }
            c => {
                bare.push(c);
                in_word = true;
                i += 1;
            }
        }
    }
    flush_bare(&mut word, &mut bare);
    if in_word {
        tokens.push(Token::Word(word));
    }
    Ok(tokens)
}

/// The script of a substitution that starts at `start` (after `$(` or
/// `` ` ``) and the index after its closing `)` or `` ` ``; parentheses
/// nest and quotes hide them.
fn substitution(chars: &[char], start: usize, close: char) -> Result<(String, usize), SyntaxError> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    let mut i = start;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\\' => i += 1,
            None if (c == '\'' || c == '"') && close == ')' => quote = Some(c),
            None if c == '(' && close == ')' => depth += 1,
            None if c == close && depth == 0 => {
                return Ok((chars[start..i].iter().collect(), i + 1));
            }
            None if c == ')' && close == ')' => depth -= 1,
            None => {}
        }
        i += 1;
    }
    let what = if close == ')' { "\")\"" } else { "\"`\"" };
    Err(SyntaxError(format!("syntax error: unterminated {what}")))
}

fn parse(input: &str) -> Result<Script, SyntaxError> {
    let tokens = lex(input)?;
    let mut script: Script = Vec::new();
    let mut pipeline: Vec<Simple> = Vec::new();
    let mut simple = Simple::default();
    let mut pending_redirect: Option<Redirect> = None;
    let unexpected = |t: &str| SyntaxError(format!("syntax error: unexpected \"{t}\""));
    for token in tokens {
        if let Some(r) = pending_redirect.take() {
            let Token::Word(w) = token else {
                return Err(unexpected("newline"));
            };
            simple.redirects.push(match r {
                Redirect::Out(fd, _) => Redirect::Out(fd, w),
                Redirect::In(_) => Redirect::In(w),
                dup => dup,
            });
            continue;
        }
        match token {
            Token::Word(w) => {
                let assignment = match w.first() {
                    Some(Part::Bare(b)) if simple.words.is_empty() => b
                        .split_once('=')
                        .filter(|(n, _)| is_name(n))
                        .map(|(n, v)| (n.to_string(), v.to_string())),
                    _ => None,
                };
                match assignment {
                    Some((name, first)) => {
                        let mut value = vec![Part::Bare(first)];
                        value.extend(w[1..].iter().cloned());
                        simple.assignments.push((name, value));
                    }
                    None => simple.words.push(w),
                }
            }
            Token::Redirect(r @ Redirect::Dup(..)) => simple.redirects.push(r),
            Token::Redirect(r) => pending_redirect = Some(r),
            Token::Pipe => {
                if simple == Simple::default() {
                    return Err(unexpected("|"));
                }
                pipeline.push(std::mem::take(&mut simple));
            }
            Token::And | Token::Or | Token::Semi => {
                let connector = match token {
                    Token::And => Connector::And,
                    Token::Or => Connector::Or,
                    _ => Connector::Then,
                };
                if simple == Simple::default() {
                    if pipeline.is_empty() && connector == Connector::Then && script.is_empty() {
                        return Err(unexpected(";"));
                    }
                    if !pipeline.is_empty() || connector != Connector::Then {
                        return Err(unexpected(if connector == Connector::And {
                            "&&"
                        } else if connector == Connector::Or {
                            "||"
                        } else {
                            ";"
                        }));
                    }
                    continue;
                }
                pipeline.push(std::mem::take(&mut simple));
                script.push((std::mem::take(&mut pipeline), connector));
            }
        }
    }
    if pending_redirect.is_some() {
        return Err(unexpected("newline"));
    }
    if simple != Simple::default() {
        pipeline.push(simple);
    } else if !pipeline.is_empty() {
        return Err(unexpected("end of file"));
    }
    if !pipeline.is_empty() {
        script.push((pipeline, Connector::Then));
    } else if let Some(last) = script.last()
        && last.1 != Connector::Then
    {
        return Err(unexpected("end of file"));
    }
    Ok(script)
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

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

/// Everything about one program run but the machine.
pub struct ProgramRun<'a> {
    pub env: &'a Environment,
    pub cwd: &'a str,
    pub argv: &'a [String],
    pub stdin: &'a [u8],
    pub tty: bool,
    /// The shell that runs it, if any (it shows in `ps`).
    pub parent: Option<&'a Process>,
    pub pid: u32,
}

pub fn run_program(
    machine: &Machine<'_>,
    program: super::commands::Program,
    run: &ProgramRun<'_>,
) -> (Vec<u8>, Vec<u8>, i32) {
    let mut processes = machine.view.processes.clone();
    if let Some(parent) = run.parent {
        processes.push(parent.clone());
    }
    processes.push(Process {
        pid: run.pid,
        ppid: run.parent.map_or(0, |p| p.pid),
        uid: machine.view.user.0,
        tty: run.tty.then(|| "pts/0".to_string()),
        started: machine.view.now,
        cpu_permille: 0,
        argv: run.argv.to_vec(),
    });
    let mut inv = Invocation {
        view: machine.view,
        env: run.env,
        cwd: run.cwd,
        argv: run.argv,
        stdin: run.stdin,
        stdout: Vec::new(),
        stderr: Vec::new(),
        tty: run.tty,
        processes: &processes,
        pid: run.pid,
        programs: machine.programs,
    };
    let status = program(&mut inv);
    (inv.stdout, inv.stderr, status)
}

/// The `sh` program: `sh -c SCRIPT`, or a script on its input.
pub fn sh(inv: &mut Invocation<'_>) -> i32 {
    let args = inv.argv.get(1..).unwrap_or_default();
    let script = match args.first().map(String::as_str) {
        Some("-c") => match args.get(1) {
            Some(s) => s.clone(),
            None => {
                inv.stderr
                    .extend_from_slice(b"sh: -c requires an argument\n");
                return 2;
            }
        },
        Some(flag) if flag.starts_with('-') && flag != "-" => {
            inv.stderr
                .extend_from_slice(format!("sh: {flag}: invalid option\n").as_bytes());
            return 2;
        }
        Some(file) => match inv.view.fs.read(inv.cwd, file) {
            Ok(b) => String::from_utf8_lossy(b).into_owned(),
            Err(e) => {
                inv.stderr
                    .extend_from_slice(format!("sh: can't open '{file}': {e}\n").as_bytes());
                return 2;
            }
        },
        None => String::from_utf8_lossy(inv.stdin).into_owned(),
    };
    let me = inv
        .processes
        .iter()
        .find(|p| p.pid == inv.pid)
        .cloned()
        .unwrap_or_else(|| inv.processes[0].clone());
    let mut state = ShellState {
        env: inv.env.clone(),
        cwd: inv.cwd.to_string(),
        last_status: 0,
        process: me,
        next_pid: inv.pid + 1,
        tty: inv.tty,
        substitution_stderr: Vec::new(),
    };
    let stdin = if args.first().is_some_and(|a| a == "-c") {
        inv.stdin.to_vec()
    } else {
        Vec::new()
    };
    let machine = Machine {
        view: inv.view,
        programs: inv.programs,
    };
    let out = state.run(&machine, &script, &stdin);
    inv.stdout.extend(out.stdout);
    inv.stderr.extend(out.stderr);
    out.exit.unwrap_or(out.status)
}

fn escape_wildcards(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Paths matching a wildcard pattern, sorted; none when nothing matches
/// (the word then stays as written).
fn expand_glob(view: &View, cwd: &str, pattern: &str) -> Vec<String> {
    let absolute_pattern = pattern.starts_with('/');
    let parts: Vec<&str> = pattern.split('/').filter(|p| !p.is_empty()).collect();
    let mut found: Vec<String> = vec![if absolute_pattern {
        "/".into()
    } else {
        String::new()
    }];
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let mut next = Vec::new();
        for base in &found {
            let dir = if base.is_empty() { "." } else { base.as_str() };
            if has_wildcards(part) && !part.contains('\\') || has_unescaped_wildcards(part) {
                let Ok(children) = view.fs.list(cwd, dir) else {
                    continue;
                };
                for (name, node) in children {
                    if wildcard_match(part, name)
                        && (last || node.is_dir() || matches!(node.kind, NodeKind::Symlink(_)))
                    {
                        next.push(join(base, name));
                    }
                }
            } else {
                let literal = unescape(part);
                let candidate = join(base, &literal);
                if view.fs.lookup(cwd, &candidate, true).is_ok() {
                    next.push(candidate);
                }
            }
        }
        found = next;
    }
    found.sort();
    found
}

fn has_unescaped_wildcards(part: &str) -> bool {
    let mut escaped = false;
    for c in part.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if matches!(c, '*' | '?' | '[') {
            return true;
        }
    }
    false
}

fn unescape(part: &str) -> String {
    let mut out = String::new();
    let mut escaped = false;
    for c in part.chars() {
        if c == '\\' && !escaped {
            escaped = true;
            continue;
        }
        escaped = false;
        out.push(c);
    }
    out
}

fn join(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_string()
    } else if base.ends_with('/') {
        format!("{base}{name}")
    } else {
        format!("{base}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_parse_into_pipelines() {
        let script = parse("cat /etc/hosts | grep -i local && echo 'a b' || exit 3; cd /").unwrap();
        assert_eq!(script.len(), 4);
        assert_eq!(script[0].0.len(), 2);
        assert_eq!(script[0].1, Connector::And);
        assert_eq!(script[1].1, Connector::Or);
        assert_eq!(script[2].1, Connector::Then);
        assert!(parse("| x").is_err());
        assert!(parse("echo 'open").is_err());
        assert!(parse("a &&").is_err());
        let nested = lex("echo $(echo \"$(hostname)\" ')') x").unwrap();
        assert_eq!(
            nested[1],
            Token::Word(vec![Part::Command {
                script: "echo \"$(hostname)\" ')'".into(),
                quoted: false
            }])
        );
        assert_eq!(nested.len(), 3);
        assert!(parse("echo $(hostname").is_err());
        let redirected = parse("ls /x 2>&1 >/dev/null").unwrap();
        assert_eq!(redirected[0].0[0].redirects.len(), 2);
    }
}
