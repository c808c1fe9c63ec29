//! What the process can ask about itself and its machine: echo, env,
//! printenv, hostname, pwd, id, whoami and ps.

use super::{Invocation, name_of};
use crate::sim::container::view::View;

pub(super) fn echo(inv: &mut Invocation<'_>) -> i32 {
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

pub(super) fn env(inv: &mut Invocation<'_>) -> i32 {
    let text = inv.env.render();
    inv.out(&text);
    0
}

pub(super) fn printenv(inv: &mut Invocation<'_>) -> i32 {
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

pub(super) fn hostname(inv: &mut Invocation<'_>) -> i32 {
    let host = format!("{}\n", inv.view.hostname);
    inv.out(&host);
    0
}

pub(super) fn pwd(inv: &mut Invocation<'_>) -> i32 {
    let cwd = format!("{}\n", inv.cwd);
    inv.out(&cwd);
    0
}

fn with_name(view: &View, file: &str, id: u32) -> String {
    match name_of(view, file, id) {
        Some(n) => format!("{id}({n})"),
        None => id.to_string(),
    }
}

pub(super) fn id(inv: &mut Invocation<'_>) -> i32 {
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

pub(super) fn whoami(inv: &mut Invocation<'_>) -> i32 {
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

pub(super) fn ps(inv: &mut Invocation<'_>) -> i32 {
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
