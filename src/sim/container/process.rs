//! The container's processes: its main process (PID 1) as the runtime
//! started it, and the ones `kubectl exec` adds.

use std::time::Duration;

use jiff::Timestamp;
use serde_json::Value;

use super::image::{ImageKind, ImageProfile};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub pid: u32,
    /// 0 for processes the runtime started (PID 1 and each exec).
    pub ppid: u32,
    pub uid: u32,
    /// `pts/0` for a process on the exec's terminal; None prints `?`.
    pub tty: Option<String>,
    pub started: Timestamp,
    /// The share of wall time it spends on the CPU, in thousandths.
    pub cpu_permille: u32,
    pub argv: Vec<String>,
}

impl Process {
    /// The CPU time `ps` shows, as `HH:MM:SS`.
    pub fn cpu_time(&self, now: Timestamp) -> String {
        let alive = Duration::try_from(now.duration_since(self.started)).unwrap_or_default();
        let secs = alive.as_secs() * u64::from(self.cpu_permille) / 1000;
        format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    }

    /// The short name `ps` prints without `-f`.
    pub fn comm(&self) -> String {
        let first = self.argv.first().map(String::as_str).unwrap_or_default();
        let base = first.rsplit('/').next().unwrap_or(first);
        base.split(':')
            .next()
            .unwrap_or(base)
            .chars()
            .take(15)
            .collect()
    }
}

/// The user a container's processes run as: the container's, else the pod's
/// `securityContext`, else the image's `USER`.
pub fn user_of(pod: &Value, container: &Value, image: &ImageProfile) -> (u32, u32) {
    let pick = |field: &str| {
        container["securityContext"][field]
            .as_u64()
            .or_else(|| pod["spec"]["securityContext"][field].as_u64())
            .and_then(|v| u32::try_from(v).ok())
    };
    let uid = pick("runAsUser").unwrap_or(image.uid);
    let gid = pick("runAsGroup").unwrap_or(if uid == image.uid { image.gid } else { 0 });
    (uid, gid)
}

/// PID 1: for Trino the JVM the launcher starts from the config the
/// container started with, else the container's command and args over the
/// image's entrypoint.
pub fn main_process(
    image: &ImageProfile,
    container: &Value,
    pod: &Value,
    started: Timestamp,
    trino_config: &(String, String),
) -> Process {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    let command = strings(&container["command"]);
    let args = strings(&container["args"]);
    let (uid, _) = user_of(pod, container, image);
    let mut process = Process {
        pid: 1,
        ppid: 0,
        uid,
        tty: None,
        started,
        cpu_permille: 0,
        argv: Vec::new(),
    };
    if let (ImageKind::Trino(_), true) = (image.kind, command.is_empty()) {
        let pod_name = pod["metadata"]["name"].as_str().unwrap_or_default();
        process.argv = trino_java_command(&image.env, pod_name, trino_config);
        process.cpu_permille = 40;
        return process;
    }
    let mut argv = if command.is_empty() {
        let mut argv = image.entrypoint.clone();
        if !args.is_empty() {
            // Args replace the image's CMD, which follows its ENTRYPOINT.
            argv.truncate(1);
            argv.extend(args);
        }
        argv
    } else {
        command.into_iter().chain(args).collect()
    };
    if argv.first().is_some_and(|a| a == "/docker-entrypoint.sh") {
        argv.remove(0);
    }
    if argv.first().is_some_and(|a| a == "nginx") {
        // nginx renames its master process.
        argv = vec![format!("nginx: master process {}", argv.join(" "))];
    }
    process.argv = argv;
    process
}

/// What Trino's launcher execs: java with the image's classpath, every line
/// of jvm.config, the node properties as system properties, and the server
/// class.
fn trino_java_command(
    image_env: &[(String, String)],
    pod_name: &str,
    (jvm_config, node_properties): &(String, String),
) -> Vec<String> {
    let java = image_env
        .iter()
        .find(|(n, _)| n == "JAVA_HOME")
        .map_or("java".to_string(), |(_, home)| format!("{home}/bin/java"));
    let mut argv = vec![java, "-cp".into(), "/usr/lib/trino/lib/*".into()];
    let jvm: Vec<&str> = jvm_config
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    if jvm.is_empty() {
        argv.extend(["-server", "-Xmx1G", "-XX:+UseG1GC"].map(str::to_string));
    } else {
        argv.extend(jvm.iter().map(|l| l.to_string()));
    }
    let props: Vec<(&str, &str)> = node_properties
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect();
    if !props.iter().any(|(k, _)| *k == "node.id") {
        argv.push(format!("-Dnode.id={pod_name}"));
    }
    argv.extend(props.iter().map(|(k, v)| format!("-D{k}={v}")));
    argv.push("-Dlog.levels-file=/etc/trino/log.properties".into());
    argv.push("-Dconfig=/etc/trino/config.properties".into());
    argv.push("io.trino.server.TrinoServer".into());
    argv
}
