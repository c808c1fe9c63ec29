//! `ls`: names, `-a`/`-A`, `-l` with owners from /etc/passwd, `-d`, and
//! columns on a terminal.

use super::{Invocation, name_of};
use crate::sim::container::fs::{Node, NodeKind};

pub(super) fn ls(inv: &mut Invocation<'_>) -> i32 {
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
