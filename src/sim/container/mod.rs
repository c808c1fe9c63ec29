//! The view of a running container that `kubectl exec` reaches: a read-only
//! filesystem built from the pod spec, the environment the kubelet gives the
//! process, a process list, and a small set of commands with a POSIX-like `sh`.
//! Pure: no I/O, no async; the API layer moves the bytes.

pub mod fs;

use serde_json::Value;

use crate::sim::store::Store;

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
/// kubelet would deliver them.
#[derive(Clone)]
pub struct Container {
    store: Store,
    namespace: String,
    pod: String,
    name: String,
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
            pod: pod.into(),
            name,
        })
    }

    /// The container's name (the one chosen when none was given).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `argv` as `kubectl exec POD -- argv...` does, with `stdin` as the
    /// process's whole input (empty when kubectl sends none).
    pub fn exec(&self, argv: &[String], stdin: &[u8]) -> Output {
        let _ = (&self.store, &self.namespace, &self.pod, stdin);
        let name = argv.first().map(String::as_str).unwrap_or_default();
        Output {
            stdout: Vec::new(),
            stderr: Vec::new(),
            exit: Exit::StartFailed(format!(
                "exec: \"{name}\": executable file not found in $PATH"
            )),
        }
    }

    /// Whether `argv` starts an interactive shell (`sh`, `/bin/sh`, … without
    /// `-c`), which with a TTY is driven line by line through [`Shell`].
    pub fn is_shell(&self, argv: &[String]) -> bool {
        matches!(argv, [sh] if sh == "sh" || sh == "/bin/sh")
    }

    /// An interactive shell in the container.
    pub fn shell(&self) -> Shell {
        Shell {
            container: self.clone(),
            cwd: "/".into(),
        }
    }
}

/// An interactive `sh` session: the caller does the line discipline and feeds
/// whole lines; the shell keeps its working directory between lines.
pub struct Shell {
    container: Container,
    cwd: String,
}

impl Shell {
    /// The prompt to show before the next line.
    pub fn prompt(&self) -> String {
        format!("{} $ ", self.cwd)
    }

    /// Runs one line; `true` means the shell has left (`exit`), and the
    /// output's exit is then the shell's exit status.
    pub fn run_line(&mut self, line: &str) -> (Output, bool) {
        let argv: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        if argv.is_empty() {
            return (
                Output {
                    stdout: Vec::new(),
                    stderr: Vec::new(),
                    exit: Exit::Code(0),
                },
                false,
            );
        }
        (self.container.exec(&argv, &[]), false)
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
