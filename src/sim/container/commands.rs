//! The programs on the container's PATH, each a function over its arguments,
//! input and the container view, and the registry that says which exist in
//! which image.

use std::collections::BTreeMap;

use super::env::Environment;
use super::fs::{Node, NodeKind, absolute};
use super::image::ImageKind;
use super::pattern::Regex;
use super::process::Process;
use super::view::View;

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

fn cat(inv: &mut Invocation<'_>) -> i32 {
    let mut files: Vec<String> = inv
        .args()
        .iter()
        .filter(|a| !a.starts_with('-') || a.as_str() == "-")
        .cloned()
        .collect();
    if files.is_empty() {
        files.push("-".into());
    }
    let mut status = 0;
    for f in files {
        match inv.input(&f) {
            Some(bytes) => inv.stdout.extend(bytes),
            None => status = 1,
        }
    }
    status
}

fn echo(inv: &mut Invocation<'_>) -> i32 {
    let mut args = inv.args().to_vec();
    let newline = args.first().is_none_or(|a| a != "-n");
    if !newline {
        args.remove(0);
    }
    let text = args.join(" ");
    inv.out(&text);
    if newline {
        inv.out("\n");
    }
    0
}

fn env(inv: &mut Invocation<'_>) -> i32 {
    let text = inv.env.render();
    inv.out(&text);
    0
}

fn printenv(inv: &mut Invocation<'_>) -> i32 {
    let names = inv.args().to_vec();
    if names.is_empty() {
        return env(inv);
    }
    let mut status = 0;
    for n in names {
        match inv.env.get(&n) {
            Some(v) => {
                let line = format!("{v}\n");
                inv.out(&line);
            }
            None => status = 1,
        }
    }
    status
}

fn hostname(inv: &mut Invocation<'_>) -> i32 {
    let host = format!("{}\n", inv.view.hostname);
    inv.out(&host);
    0
}

fn pwd(inv: &mut Invocation<'_>) -> i32 {
    let cwd = format!("{}\n", inv.cwd);
    inv.out(&cwd);
    0
}

/// A user's or group's name from /etc/passwd or /etc/group.
fn name_of(view: &View, file: &str, id: u32) -> Option<String> {
    let text = view.fs.read("/", file).ok()?;
    String::from_utf8_lossy(text).lines().find_map(|l| {
        let fields: Vec<&str> = l.split(':').collect();
        (fields.get(2)?.parse::<u32>().ok()? == id).then(|| fields[0].to_string())
    })
}

fn with_name(view: &View, file: &str, id: u32) -> String {
    match name_of(view, file, id) {
        Some(n) => format!("{id}({n})"),
        None => id.to_string(),
    }
}

fn id(inv: &mut Invocation<'_>) -> i32 {
    let (uid, gid) = inv.view.user;
    let args = inv.args().join(" ");
    let names = args.contains('n');
    let text = if args.contains('u') {
        if names {
            name_of(inv.view, "/etc/passwd", uid).unwrap_or_else(|| uid.to_string())
        } else {
            uid.to_string()
        }
    } else if args.contains('g') {
        if names {
            name_of(inv.view, "/etc/group", gid).unwrap_or_else(|| gid.to_string())
        } else {
            gid.to_string()
        }
    } else {
        format!(
            "uid={} gid={} groups={}",
            with_name(inv.view, "/etc/passwd", uid),
            with_name(inv.view, "/etc/group", gid),
            with_name(inv.view, "/etc/group", gid)
        )
    };
    inv.out(&format!("{text}\n"));
    0
}

fn whoami(inv: &mut Invocation<'_>) -> i32 {
    let uid = inv.view.user.0;
    match name_of(inv.view, "/etc/passwd", uid) {
        Some(n) => {
            inv.out(&format!("{n}\n"));
            0
        }
        None => {
            inv.err(&format!("whoami: cannot find name for user ID {uid}\n"));
            1
        }
    }
}

/// `-n N`, `-nN`, `-N` and `-n +N` (tail); the rest are file names.
fn count_and_files(args: &[String]) -> Result<(usize, bool, Vec<String>), String> {
    let mut count = 10;
    let mut from_start = false;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = if a == "-n" {
            Some(
                it.next()
                    .cloned()
                    .ok_or("option requires an argument -- 'n'")?,
            )
        } else if let Some(v) = a.strip_prefix("-n") {
            Some(v.to_string())
        } else if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()) {
            Some(a[1..].to_string())
        } else {
            files.push(a.clone());
            None
        };
        if let Some(v) = value {
            from_start = v.starts_with('+');
            count = v
                .trim_start_matches(['+', '-'])
                .parse()
                .map_err(|_| format!("invalid number of lines: '{v}'"))?;
        }
    }
    Ok((count, from_start, files))
}

fn head(inv: &mut Invocation<'_>) -> i32 {
    head_or_tail(inv, true)
}

fn tail(inv: &mut Invocation<'_>) -> i32 {
    head_or_tail(inv, false)
}

fn head_or_tail(inv: &mut Invocation<'_>, head: bool) -> i32 {
    let name = inv.name();
    let (count, from_start, mut files) = match count_and_files(inv.args()) {
        Ok(v) => v,
        Err(e) => {
            inv.err(&format!("{name}: {e}\n"));
            return 1;
        }
    };
    if files.is_empty() {
        files.push("-".into());
    }
    let many = files.len() > 1;
    let mut status = 0;
    for (i, f) in files.iter().enumerate() {
        let Some(bytes) = inv.input(f) else {
            status = 1;
            continue;
        };
        if many {
            let sep = if i > 0 { "\n" } else { "" };
            let shown = if f == "-" { "standard input" } else { f };
            inv.out(&format!("{sep}==> {shown} <==\n"));
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let chosen: &[&str] = if head {
            &lines[..count.min(lines.len())]
        } else if from_start {
            &lines[count.saturating_sub(1).min(lines.len())..]
        } else {
            &lines[lines.len().saturating_sub(count)..]
        };
        let chosen = chosen.concat();
        inv.out(&chosen);
    }
    status
}

fn grep(inv: &mut Invocation<'_>) -> i32 {
    let (mut ignore_case, mut invert, mut numbers, mut count, mut extended, mut quiet) =
        (false, false, false, false, false, false);
    let mut pattern = None;
    let mut files = Vec::new();
    for a in inv.args() {
        if pattern.is_none() && a.len() > 1 && a.starts_with('-') {
            for flag in a[1..].chars() {
                match flag {
                    'i' => ignore_case = true,
                    'v' => invert = true,
                    'n' => numbers = true,
                    'c' => count = true,
                    'E' => extended = true,
                    'q' => quiet = true,
                    'F' | 'G' | 'h' | 's' => {}
                    other => {
                        inv.err(&format!(
                            "grep: invalid option -- '{other}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\n"
                        ));
                        return 2;
                    }
                }
            }
        } else if pattern.is_none() {
            pattern = Some(a.clone());
        } else {
            files.push(a.clone());
        }
    }
    let Some(pattern) = pattern else {
        inv.err("Usage: grep [OPTION]... PATTERNS [FILE]...\n");
        return 2;
    };
    let re = Regex::new(&pattern, extended, ignore_case);
    if files.is_empty() {
        files.push("-".into());
    }
    let many = files.len() > 1;
    let mut matched = false;
    let mut error = false;
    for f in &files {
        let bytes = match inv.view.fs.read(inv.cwd, f) {
            _ if f == "-" => inv.stdin.to_vec(),
            Ok(b) => b.to_vec(),
            Err(e) => {
                inv.err(&format!("grep: {f}: {e}\n"));
                error = true;
                continue;
            }
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut hits = 0;
        for (n, line) in text.lines().enumerate() {
            if re.is_match(line) == invert {
                continue;
            }
            hits += 1;
            matched = true;
            if count || quiet {
                continue;
            }
            let mut out = String::new();
            if many {
                let shown = if f == "-" { "(standard input)" } else { f };
                out.push_str(&format!("{shown}:"));
            }
            if numbers {
                out.push_str(&format!("{}:", n + 1));
            }
            out.push_str(line);
            out.push('\n');
            inv.out(&out);
        }
        if count && !quiet {
            let prefix = if many { format!("{f}:") } else { String::new() };
            inv.out(&format!("{prefix}{hits}\n"));
        }
    }
    if error && !(quiet && matched) {
        2
    } else if matched {
        0
    } else {
        1
    }
}

fn wc(inv: &mut Invocation<'_>) -> i32 {
    let mut flags = String::new();
    let mut files = Vec::new();
    for a in inv.args() {
        match a.strip_prefix('-') {
            Some(f) if !f.is_empty() => flags.push_str(f),
            _ => files.push(a.clone()),
        }
    }
    if flags.is_empty() {
        flags.push_str("lwc");
    }
    let named = !files.is_empty();
    if files.is_empty() {
        files.push("-".into());
    }
    let mut status = 0;
    for f in files {
        let Some(bytes) = inv.input(&f) else {
            status = 1;
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let mut cols = Vec::new();
        if flags.contains('l') {
            cols.push(bytes.iter().filter(|b| **b == b'\n').count());
        }
        if flags.contains('w') {
            cols.push(text.split_whitespace().count());
        }
        if flags.contains('c') {
            cols.push(bytes.len());
        }
        let mut line: Vec<String> = cols.iter().map(usize::to_string).collect();
        if named {
            line.push(f.clone());
        }
        inv.out(&format!("{}\n", line.join(" ")));
    }
    status
}

fn ls(inv: &mut Invocation<'_>) -> i32 {
    let (mut long, mut all, mut almost, mut one, mut dir_only) =
        (false, false, false, false, false);
    let mut paths = Vec::new();
    for a in inv.args() {
        match a.strip_prefix('-') {
            Some(flags) if !flags.is_empty() => {
                for f in flags.chars() {
                    match f {
                        'l' => long = true,
                        'a' => all = true,
                        'A' => almost = true,
                        '1' => one = true,
                        'd' => dir_only = true,
                        'h' | 'F' | 'n' | 'r' | 't' | 'S' | 'L' => {}
                        other => {
                            inv.err(&format!(
                                "ls: invalid option -- '{other}'\nTry 'ls --help' for more information.\n"
                            ));
                            return 2;
                        }
                    }
                }
            }
            _ => paths.push(a.clone()),
        }
    }
    if paths.is_empty() {
        paths.push(".".into());
    }
    let opts = LsOptions {
        long,
        all,
        almost: almost && !all,
        columns: inv.tty && !one && !long,
    };
    let mut status = 0;
    let mut files: Vec<(String, Node)> = Vec::new();
    let mut dirs: Vec<(String, Vec<(String, Node)>)> = Vec::new();
    for p in &paths {
        // A link named on the command line is listed as itself with -l or
        // -d, and followed otherwise (GNU ls).
        let follow = !(long || dir_only) || p.ends_with('/');
        let found = inv
            .view
            .fs
            .lookup(inv.cwd, p, follow)
            .map(|(_, n)| n.clone());
        match found {
            Err(e) => {
                inv.err(&format!("ls: cannot access '{p}': {e}\n"));
                status = 2;
            }
            Ok(node) if node.is_dir() && !dir_only => {
                let mut entries: Vec<(String, Node)> = Vec::new();
                if opts.all {
                    entries.push((".".into(), node.clone()));
                    let parent = inv
                        .view
                        .fs
                        .lookup(inv.cwd, &format!("{p}/.."), true)
                        .map(|(_, n)| n.clone())
                        .unwrap_or_else(|_| node.clone());
                    entries.push(("..".into(), parent));
                }
                if let NodeKind::Dir(children) = &node.kind {
                    entries.extend(
                        children
                            .iter()
                            .filter(|(n, _)| opts.all || opts.almost || !n.starts_with('.'))
                            .map(|(n, c)| (n.clone(), c.clone())),
                    );
                }
                dirs.push((p.clone(), entries));
            }
            Ok(node) => files.push((p.clone(), node)),
        }
    }
    let mut out = String::new();
    let headers = paths.len() > 1;
    if !files.is_empty() {
        out.push_str(&render_entries(inv, &files, &opts, false));
    }
    for (i, (p, entries)) in dirs.iter().enumerate() {
        if !files.is_empty() || i > 0 {
            out.push('\n');
        }
        if headers {
            out.push_str(&format!("{p}:\n"));
        }
        out.push_str(&render_entries(inv, entries, &opts, true));
    }
    inv.out(&out);
    status
}

struct LsOptions {
    long: bool,
    all: bool,
    almost: bool,
    columns: bool,
}

fn render_entries(
    inv: &Invocation<'_>,
    entries: &[(String, Node)],
    opts: &LsOptions,
    total: bool,
) -> String {
    if !opts.long {
        if opts.columns {
            let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
            return if names.is_empty() {
                String::new()
            } else {
                format!("{}\n", names.join("  "))
            };
        }
        return entries.iter().map(|(n, _)| format!("{n}\n")).collect();
    }
    let now = inv.view.now;
    let rows: Vec<[String; 7]> = entries
        .iter()
        .map(|(name, node)| {
            let links = match &node.kind {
                NodeKind::Dir(children) => 2 + children.values().filter(|c| c.is_dir()).count(),
                _ => 1,
            };
            let shown = match &node.kind {
                NodeKind::Symlink(t) => format!("{name} -> {t}"),
                _ => name.clone(),
            };
            [
                node.mode_string(),
                links.to_string(),
                name_of(inv.view, "/etc/passwd", node.meta.uid)
                    .unwrap_or_else(|| node.meta.uid.to_string()),
                name_of(inv.view, "/etc/group", node.meta.gid)
                    .unwrap_or_else(|| node.meta.gid.to_string()),
                node.size().to_string(),
                ls_time(node.meta.mtime, now),
                shown,
            ]
        })
        .collect();
    let width = |i: usize| rows.iter().map(|r| r[i].len()).max().unwrap_or(0);
    let (w1, w2, w3, w4) = (width(1), width(2), width(3), width(4));
    let mut out = String::new();
    if total {
        let blocks: u64 = entries
            .iter()
            .map(|(_, n)| match n.kind {
                NodeKind::Dir(_) => 4,
                NodeKind::File(_) => n.size().div_ceil(4096) * 4,
                NodeKind::Symlink(_) => 0,
            })
            .sum();
        out.push_str(&format!("total {blocks}\n"));
    }
    for r in rows {
        out.push_str(&format!(
            "{} {:>w1$} {:<w2$} {:<w3$} {:>w4$} {} {}\n",
            r[0], r[1], r[2], r[3], r[4], r[5], r[6]
        ));
    }
    out
}

/// `Nov 30 17:05` within half a year of now, else `Nov 30  2025`.
fn ls_time(t: jiff::Timestamp, now: jiff::Timestamp) -> String {
    let recent = now.duration_since(t).as_secs().abs() < 183 * 24 * 3600;
    let zoned = t.to_zoned(jiff::tz::TimeZone::UTC);
    if recent {
        zoned.strftime("%b %e %H:%M").to_string()
    } else {
        zoned.strftime("%b %e  %Y").to_string()
    }
}

fn ps(inv: &mut Invocation<'_>) -> i32 {
    let args = inv.args().join(" ");
    let full = args.contains('f') || args.contains('u');
    let now = inv.view.now;
    let mut out = String::new();
    if full {
        out.push_str("UID          PID    PPID  C STIME TTY          TIME CMD\n");
        for p in inv.processes {
            let user: String = name_of(inv.view, "/etc/passwd", p.uid)
                .unwrap_or_else(|| p.uid.to_string())
                .chars()
                .take(8)
                .collect();
            out.push_str(&format!(
                "{user:<8} {:>7} {:>7} {:>2} {} {:<8} {} {}\n",
                p.pid,
                p.ppid,
                p.cpu_permille / 10,
                p.started
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .strftime("%H:%M"),
                p.tty.as_deref().unwrap_or("?"),
                p.cpu_time(now),
                p.argv.join(" ")
            ));
        }
    } else {
        out.push_str("    PID TTY          TIME CMD\n");
        for p in inv.processes {
            out.push_str(&format!(
                "{:>7} {:<8} {} {}\n",
                p.pid,
                p.tty.as_deref().unwrap_or("?"),
                p.cpu_time(now),
                p.comm()
            ));
        }
    }
    inv.out(&out);
    0
}
