//! Running one program of the container, and `sh` as a program
//! (`sh -c SCRIPT`, or a script on its input).

use super::{Machine, ShellState};
use crate::sim::container::commands::{Invocation, Program};
use crate::sim::container::env::Environment;
use crate::sim::container::process::Process;

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
    program: Program,
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
