//! The view of a running container that `kubectl exec` reaches: a read-only
//! filesystem built from the pod spec, the environment the kubelet gives the
//! process, a process list, and a small set of commands with a POSIX-like `sh`.
//! Pure: no I/O, no async; the API layer moves the bytes.

pub mod commands;
pub mod env;
pub mod fs;
pub mod image;
pub mod pattern;
pub mod process;
pub mod shell;
pub mod view;

use serde_json::Value;

use crate::sim::store::Store;
use commands::{Resolved, resolve};
use image::ImageKind;
use shell::{Machine, ProgramRun, ShellState};
use view::{PodState, View};

/// The PID `kubectl exec` processes get: the runtime has started a few
/// short-lived ones (pause, probes) before.
const FIRST_EXEC_PID: u32 = 7;

/// Why a container cannot be opened, in the words the API server uses.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ContainerError {
    /// 404 NotFound.
    #[error("pods \"{pod}\" not found")]
    PodNotFound { pod: String },
    /// 400 BadRequest: a pod with several containers and no `container=`.
    #[error("a container name must be specified for pod {pod}, choose one of: [{}]", choices.join(" "))]
    ContainerNameRequired { pod: String, choices: Vec<String> },
    /// 400 BadRequest.
    #[error("container {container} is not valid for pod {pod}")]
    ContainerNotFound { pod: String, container: String },
    /// 400 BadRequest: the pod is not scheduled yet.
    #[error("pod {pod} does not have a host assigned")]
    NoHost { pod: String },
    /// 400 BadRequest: the pod ran to completion (kubectl says this itself
    /// before it connects; the server refuses too).
    #[error("cannot exec into a container in a completed pod; current phase is {phase}")]
    PodCompleted { phase: String },
    /// The container is not running (waiting, crash-looping or terminated);
    /// the kubelet answers with this message.
    #[error("container not found (\"{container}\")")]
    ContainerNotRunning { container: String },
}

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// The process ran and exited with this code.
    Code(i32),
    /// The runtime could not start the process, e.g.
    /// `exec: "x": executable file not found in $PATH`.
    StartFailed(String),
}

impl Exit {
    /// The code a shell would report for this end (127 for a start failure).
    pub fn code(&self) -> i32 {
        match self {
            Exit::Code(c) => *c,
            Exit::StartFailed(_) => 127,
        }
    }
}

/// What a command wrote and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub exit: Exit,
}

impl Output {
    pub fn success(&self) -> bool {
        self.exit == Exit::Code(0)
    }
}

/// One running container of a pod, as found in the store when opened. Every
/// command reads the store again, so a shell sees ConfigMap changes as the
/// kubelet delivers them.
#[derive(Clone)]
pub struct Container {
    store: Store,
    namespace: String,
    pod_name: String,
    name: String,
    /// The pod when opened; used if it is gone by the time a command runs.
    pod: Value,
}

impl Container {
    /// Opens `container` (or the pod's only container) of a running pod.
    pub fn from_store(
        store: &Store,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
    ) -> Result<Container, ContainerError> {
        let obj = store
            .get("Pod", Some(namespace), pod)
            .ok_or_else(|| ContainerError::PodNotFound { pod: pod.into() })?;
        let name = choose_container(&obj, pod, container)?;
        check_running(&obj, pod, &name)?;
        Ok(Container {
            store: store.clone(),
            namespace: namespace.into(),
            pod_name: pod.into(),
            name,
            pod: obj,
        })
    }

    /// The container's name (the one chosen when none was given).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The container as it is now.
    pub fn view(&self) -> View {
        let pod = self
            .store
            .get("Pod", Some(&self.namespace), &self.pod_name)
            .filter(|p| p["metadata"]["uid"] == self.pod["metadata"]["uid"])
            .unwrap_or_else(|| self.pod.clone());
        let container = pod["spec"]["containers"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["name"] == self.name.as_str()))
            .cloned()
            .unwrap_or(Value::Null);
        let sources = self
            .store
            .pod_sources(&self.namespace, &self.pod_name)
            .filter(|s| pod["metadata"]["uid"] == s.pod_uid.as_str());
        view::build(
            &PodState {
                pod: &pod,
                container: &container,
                sources,
                store: &self.store,
            },
            self.store.clock().now(),
        )
    }

    /// Runs `argv` as `kubectl exec POD -- argv...` does, with `stdin` as the
    /// process's whole input (empty when kubectl sends none).
    pub fn exec(&self, argv: &[String], stdin: &[u8]) -> Output {
        self.exec_on(argv, stdin, false)
    }

    /// [`Container::exec`], saying whether the output goes to a terminal
    /// (`kubectl exec -t`), which changes how some tools print.
    pub fn exec_on(&self, argv: &[String], stdin: &[u8], tty: bool) -> Output {
        let view = self.view();
        let Some(name) = argv.first() else {
            return start_failed("exec: \"\": executable file not found in $PATH".into());
        };
        let cwd = self.working_dir(&view);
        match resolve(&view, &view.programs, &view.env, &cwd, name) {
            Resolved::NotFound if name.contains('/') => start_failed(format!(
                "exec: \"{name}\": stat {name}: no such file or directory"
            )),
            Resolved::NotFound => start_failed(format!(
                "exec: \"{name}\": executable file not found in $PATH"
            )),
            Resolved::NotRunnable(path) => Output {
                stdout: Vec::new(),
                stderr: format!(
                    "{path}: cannot run it here: the simulated container runs only its own tools\n"
                )
                .into_bytes(),
                exit: Exit::Code(126),
            },
            Resolved::Program(program, _) => {
                let machine = Machine {
                    view: &view,
                    programs: &view.programs,
                };
                let (stdout, stderr, code) = shell::run_program(
                    &machine,
                    program,
                    &ProgramRun {
                        env: &view.env,
                        cwd: &cwd,
                        argv,
                        stdin,
                        tty,
                        parent: None,
                        pid: FIRST_EXEC_PID,
                    },
                );
                Output {
                    stdout,
                    stderr,
                    exit: Exit::Code(code),
                }
            }
        }
    }

    fn working_dir(&self, view: &View) -> String {
        self.pod["spec"]["containers"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["name"] == self.name.as_str()))
            .and_then(|c| c["workingDir"].as_str())
            .filter(|d| !d.is_empty())
            .map_or_else(|| view.image.workdir.clone(), str::to_string)
    }

    /// Whether `argv` starts an interactive shell that this image has
    /// (`sh`, `/bin/sh`, `sh -i`, and `bash` where the image ships it),
    /// which with a TTY is driven line by line through [`Shell`].
    pub fn is_shell(&self, argv: &[String]) -> bool {
        let name = match argv {
            [sh] => sh,
            [sh, flag] if flag == "-i" => sh,
            _ => return false,
        };
        let base = name.rsplit('/').next().unwrap_or(name);
        if base != "sh" && base != "bash" {
            return false;
        }
        let view = self.view();
        let cwd = self.working_dir(&view);
        matches!(
            resolve(&view, &view.programs, &view.env, &cwd, name),
            Resolved::Program(..)
        )
    }

    /// An interactive `sh` in the container, on a terminal.
    pub fn shell(&self) -> Shell {
        self.shell_for(&["sh".to_string()])
    }

    /// The interactive shell `argv` names (see [`Container::is_shell`]); its
    /// name shows in the prompt and in `ps`.
    pub fn shell_for(&self, argv: &[String]) -> Shell {
        let view = self.view();
        let cwd = self.working_dir(&view);
        let mut env = view.env.clone();
        env.set("PWD", cwd.clone());
        let argv = if argv.is_empty() {
            vec!["sh".to_string()]
        } else {
            argv.to_vec()
        };
        let process = process::Process {
            pid: FIRST_EXEC_PID,
            ppid: 0,
            uid: view.user.0,
            tty: Some("pts/0".into()),
            started: view.now,
            cpu_permille: 0,
            argv,
        };
        Shell {
            container: self.clone(),
            state: ShellState {
                env,
                cwd,
                last_status: 0,
                process,
                next_pid: FIRST_EXEC_PID + 1,
                tty: true,
                substitution_stderr: Vec::new(),
            },
        }
    }
}

fn start_failed(message: String) -> Output {
    Output {
        stdout: Vec::new(),
        stderr: Vec::new(),
        exit: Exit::StartFailed(message),
    }
}

/// An interactive `sh` session: the caller does the line discipline and feeds
/// whole lines; the shell keeps its directory, variables and `$?` between them.
pub struct Shell {
    container: Container,
    state: ShellState,
}

impl Shell {
    /// The prompt to show before the next line: bash's `sh-5.1$` (or
    /// `bash-5.1$`) in the Trino image, whose `sh` is bash; busybox's
    /// `~ $` / `/ #` elsewhere.
    pub fn prompt(&self) -> String {
        let root = self.state.process.uid == 0;
        let sign = if root { '#' } else { '$' };
        let kind = ImageKind::of_image(
            self.container.pod["spec"]["containers"]
                .as_array()
                .and_then(|cs| {
                    cs.iter()
                        .find(|c| c["name"] == self.container.name.as_str())
                })
                .and_then(|c| c["image"].as_str())
                .unwrap_or_default(),
        );
        if let ImageKind::Trino(_) = kind {
            let name = self.state.process.comm();
            return format!("{name}-5.1{sign} ");
        }
        let home = self.state.env.get("HOME").unwrap_or_default();
        let shown = if !home.is_empty() && self.state.cwd == home {
            "~".to_string()
        } else {
            self.state.cwd.clone()
        };
        format!("{shown} {sign} ")
    }

    /// Runs one line; `true` means the shell has left (`exit`), and the
    /// output's exit is then the shell's exit status.
    pub fn run_line(&mut self, line: &str) -> (Output, bool) {
        let view = self.container.view();
        let machine = Machine {
            view: &view,
            programs: &view.programs,
        };
        let out = self.state.run(&machine, line, &[]);
        let leave = out.exit.is_some();
        (
            Output {
                stdout: out.stdout,
                stderr: out.stderr,
                exit: Exit::Code(out.exit.unwrap_or(out.status)),
            },
            leave,
        )
    }

    /// The status `exit` without a number, or end of input, leaves with.
    pub fn last_status(&self) -> i32 {
        self.state.last_status
    }
}

fn container_names(pod: &Value) -> Vec<String> {
    pod["spec"]["containers"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn choose_container(
    pod: &Value,
    pod_name: &str,
    wanted: Option<&str>,
) -> Result<String, ContainerError> {
    let names = container_names(pod);
    match wanted.filter(|c| !c.is_empty()) {
        Some(c) if names.iter().any(|n| n == c) => Ok(c.to_string()),
        Some(c) => Err(ContainerError::ContainerNotFound {
            pod: pod_name.into(),
            container: c.into(),
        }),
        None if names.len() == 1 => Ok(names[0].clone()),
        None => Err(ContainerError::ContainerNameRequired {
            pod: pod_name.into(),
            choices: names,
        }),
    }
}

fn check_running(pod: &Value, pod_name: &str, container: &str) -> Result<(), ContainerError> {
    let phase = pod["status"]["phase"].as_str().unwrap_or("Pending");
    if phase == "Succeeded" || phase == "Failed" {
        return Err(ContainerError::PodCompleted {
            phase: phase.into(),
        });
    }
    if pod["spec"]["nodeName"]
        .as_str()
        .unwrap_or_default()
        .is_empty()
    {
        return Err(ContainerError::NoHost {
            pod: pod_name.into(),
        });
    }
    let running = pod["status"]["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|s| s["name"] == container && s["state"].get("running").is_some());
    if running {
        Ok(())
    } else {
        Err(ContainerError::ContainerNotRunning {
            container: container.into(),
        })
    }
}
