//! The text tools: cat, head, tail, grep and wc.

use super::Invocation;
use crate::sim::container::pattern::Regex;

pub(super) fn cat(inv: &mut Invocation<'_>) -> i32 {
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

pub(super) fn head(inv: &mut Invocation<'_>) -> i32 {
    head_or_tail(inv, true)
}

pub(super) fn tail(inv: &mut Invocation<'_>) -> i32 {
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

pub(super) fn grep(inv: &mut Invocation<'_>) -> i32 {
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

pub(super) fn wc(inv: &mut Invocation<'_>) -> i32 {
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
