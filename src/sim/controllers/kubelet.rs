//! The kubelet of every simulated node: takes a bound pod through
//! ContainerCreating, Running and Ready, restarts containers that exit or
//! fail liveness (with CrashLoopBackOff back-off), and reports status.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStatus,
    Node, Pod, PodIP, PodStatus,
};
use rand::Rng;

use super::change::{Change, EventRecord, object_ref, time, to_wire};
use super::kubelet_status::{
    backoff, image_id, normalise_image, random_hex, summarise, terminated_at, waiting,
};
use super::pods;
use crate::sim::runtime::{ContainerBehaviour, ContainerContext, RuntimeRegistry};

const COMPONENT: &str = "kubelet";

#[derive(Debug, Clone)]
pub struct KubeletSettings {
    /// Pulling and creating a container: from bound to running.
    pub start_delay: Duration,
    /// From running to Ready, unless the runtime says otherwise.
    pub readiness_delay: Duration,
}

impl Default for KubeletSettings {
    fn default() -> Self {
        KubeletSettings {
            start_delay: Duration::from_secs(2),
            readiness_delay: Duration::from_secs(3),
        }
    }
}

/// Pod IPs in use, so that new ones are unique. EKS's VPC CNI gives pods
/// addresses from the node subnets, 192.168.0.0/16 with eksctl.
#[derive(Debug, Default)]
pub struct PodIps {
    used: BTreeSet<Ipv4Addr>,
}

impl PodIps {
    pub fn from_pods<'a>(
        pods: impl IntoIterator<Item = &'a Pod>,
        reserved: impl IntoIterator<Item = Ipv4Addr>,
    ) -> PodIps {
        let mut used: BTreeSet<Ipv4Addr> = reserved.into_iter().collect();
        used.extend(
            pods.into_iter()
                .filter_map(|p| p.status.as_ref()?.pod_ip.as_ref()?.parse::<Ipv4Addr>().ok()),
        );
        PodIps { used }
    }

    fn allocate(&mut self) -> Ipv4Addr {
        let mut rng = rand::rng();
        loop {
            let ip = Ipv4Addr::new(192, 168, rng.random_range(0..96), rng.random_range(2..255));
            if self.used.insert(ip) {
                return ip;
            }
        }
    }
}

/// One kubelet pass over one pod bound to `node`: the writes, and when the
/// pod next needs a look.
pub fn reconcile_pod(
    pod: &Pod,
    node: &Node,
    runtimes: &RuntimeRegistry,
    settings: &KubeletSettings,
    ips: &mut PodIps,
    now: Timestamp,
) -> (Vec<Change>, Option<Timestamp>) {
    let mut pass = Pass {
        pod,
        node_name: node.metadata.name.clone().unwrap_or_default(),
        runtimes,
        settings,
        now,
        changes: Vec::new(),
        wake: None,
    };
    if pod.metadata.deletion_timestamp.is_some() || pods::node_name(pod).is_none() {
        return (Vec::new(), None);
    }
    let mut status = pod.status.clone().unwrap_or_default();
    if status.container_statuses.is_none() || comes_back(&status) {
        pass.accept(&mut status, node, ips);
    } else {
        pass.advance(&mut status);
    }
    summarise(&mut status, now);
    let mut changes = pass.changes;
    if pod.status.as_ref() != Some(&status) {
        let mut updated = pod.clone();
        updated.status = Some(status);
        changes.insert(
            0,
            Change::UpdateStatus {
                kind: "Pod",
                object: to_wire(&updated),
            },
        );
    }
    (changes, pass.wake)
}

/// A pod whose node restarted (a restored world): no address, and every
/// container waits to be created again, with the restart count it had.
fn comes_back(status: &PodStatus) -> bool {
    status.pod_ip.is_none()
        && status.container_statuses.iter().flatten().all(|c| {
            c.state
                .as_ref()
                .and_then(|s| s.waiting.as_ref())
                .is_some_and(|w| w.reason.as_deref() == Some("ContainerCreating"))
        })
}

struct Pass<'a> {
    pod: &'a Pod,
    node_name: String,
    runtimes: &'a RuntimeRegistry,
    settings: &'a KubeletSettings,
    now: Timestamp,
    changes: Vec<Change>,
    wake: Option<Timestamp>,
}

impl Pass<'_> {
    fn containers(&self) -> Vec<Container> {
        self.pod
            .spec
            .as_ref()
            .map(|s| s.containers.clone())
            .unwrap_or_default()
    }

    fn wake_at(&mut self, at: Timestamp) {
        if at > self.now {
            self.wake = Some(self.wake.map_or(at, |w| w.min(at)));
        }
    }

    fn event(&mut self, reason: &str, message: String, warning: bool, field_path: Option<String>) {
        let mut involved = object_ref("v1", "Pod", &self.pod.metadata);
        involved.field_path = field_path;
        let record = if warning {
            EventRecord::warning(involved, COMPONENT, reason, message)
        } else {
            EventRecord::normal(involved, COMPONENT, reason, message)
        };
        self.changes
            .push(Change::Event(record.on_host(&self.node_name)));
    }

    fn context(
        &self,
        container: &Container,
        status: &PodStatus,
        restart_count: i32,
    ) -> ContainerContext {
        ContainerContext {
            namespace: self.pod.metadata.namespace.clone().unwrap_or_default(),
            pod: self.pod.metadata.name.clone().unwrap_or_default(),
            container: container.name.clone(),
            image: container.image.clone().unwrap_or_default(),
            command: container.command.clone().unwrap_or_default(),
            args: container.args.clone().unwrap_or_default(),
            env: container
                .env
                .iter()
                .flatten()
                .filter_map(|e| Some((e.name.clone(), e.value.clone()?)))
                .collect(),
            ports: container
                .ports
                .iter()
                .flatten()
                .filter_map(|p| u16::try_from(p.container_port).ok())
                .collect(),
            pod_ip: status.pod_ip.clone().unwrap_or_default(),
            node: self.node_name.clone(),
            restart_count,
        }
    }

    fn behaviour(&self, ctx: &ContainerContext) -> ContainerBehaviour {
        self.runtimes.for_image(&ctx.image).behaviour(ctx)
    }

    /// First sight of a bound pod: addresses, start time, ContainerCreating.
    fn accept(&mut self, status: &mut PodStatus, node: &Node, ips: &mut PodIps) {
        let host_ip = node
            .status
            .as_ref()
            .and_then(|s| s.addresses.as_ref())
            .and_then(|a| a.iter().find(|a| a.type_ == "InternalIP"))
            .map(|a| a.address.clone());
        let pod_ip = ips.allocate().to_string();
        status.host_ip = host_ip.clone();
        status.host_ips = host_ip.map(|ip| vec![k8s_openapi::api::core::v1::HostIP { ip }]);
        status.pod_ip = Some(pod_ip.clone());
        status.pod_ips = Some(vec![PodIP { ip: pod_ip }]);
        status.start_time = Some(time(self.now));
        status.phase = Some("Pending".to_string());
        let before = status.container_statuses.take().unwrap_or_default();
        let mut statuses = Vec::new();
        for c in self.containers() {
            let earlier = before.iter().find(|b| b.name == c.name);
            let image = c.image.clone().unwrap_or_default();
            self.event(
                "Pulling",
                format!("Pulling image \"{image}\""),
                false,
                Some(format!("spec.containers{{{}}}", c.name)),
            );
            statuses.push(ContainerStatus {
                name: c.name.clone(),
                image: normalise_image(&image),
                image_id: String::new(),
                ready: false,
                restart_count: earlier.map_or(0, |b| b.restart_count),
                last_state: earlier.and_then(|b| b.last_state.clone()),
                started: Some(false),
                state: Some(waiting("ContainerCreating", None)),
                ..ContainerStatus::default()
            });
        }
        status.container_statuses = Some(statuses);
        self.wake_at(self.now + self.settings.start_delay);
    }

    fn advance(&mut self, status: &mut PodStatus) {
        let started_at = status.start_time.as_ref().map_or(self.now, |t| t.0);
        let containers = self.containers();
        let mut statuses = status.container_statuses.clone().unwrap_or_default();
        for (c, cs) in containers.iter().zip(statuses.iter_mut()) {
            let ctx = self.context(c, status, cs.restart_count);
            let behaviour = self.behaviour(&ctx);
            let field = Some(format!("spec.containers{{{}}}", c.name));
            let state = cs.state.clone().unwrap_or_default();
            if let Some(w) = state.waiting.as_ref() {
                match w.reason.as_deref() {
                    Some("ContainerCreating") => {
                        let due = started_at + self.settings.start_delay;
                        if self.now >= due {
                            let image = c.image.clone().unwrap_or_default();
                            let secs = self.settings.start_delay.as_secs_f64();
                            self.event("Pulled", format!("Successfully pulled image \"{image}\" in {secs:.3}s ({secs:.3}s including waiting). Image size: {} bytes.", behaviour.image_size_bytes), false, field.clone());
                            self.start(cs, &ctx, &behaviour, field);
                        } else {
                            self.wake_at(due);
                        }
                    }
                    Some("CrashLoopBackOff") => {
                        let finished = terminated_at(cs).unwrap_or(self.now);
                        let due = finished + backoff(cs.restart_count);
                        if self.now >= due {
                            cs.restart_count += 1;
                            let ctx = self.context(c, status, cs.restart_count);
                            let behaviour = self.behaviour(&ctx);
                            let image = c.image.clone().unwrap_or_default();
                            self.event(
                                "Pulled",
                                format!("Container image \"{image}\" already present on machine"),
                                false,
                                field.clone(),
                            );
                            self.start(cs, &ctx, &behaviour, field);
                        } else {
                            self.wake_at(due);
                        }
                    }
                    _ => {}
                }
            } else if let Some(running) = state.running.as_ref() {
                let since = running.started_at.as_ref().map_or(self.now, |t| t.0);
                self.check_running(cs, &ctx, &behaviour, since, field);
            }
        }
        status.container_statuses = Some(statuses);
    }

    fn start(
        &mut self,
        cs: &mut ContainerStatus,
        ctx: &ContainerContext,
        behaviour: &ContainerBehaviour,
        field: Option<String>,
    ) {
        self.event(
            "Created",
            format!("Created container: {}", ctx.container),
            false,
            field.clone(),
        );
        self.event(
            "Started",
            format!("Started container {}", ctx.container),
            false,
            field,
        );
        cs.state = Some(ContainerState {
            running: Some(ContainerStateRunning {
                started_at: Some(time(self.now)),
            }),
            ..ContainerState::default()
        });
        cs.started = Some(true);
        cs.ready = false;
        cs.container_id = Some(format!("containerd://{}", random_hex(64)));
        cs.image_id = image_id(&cs.image);
        self.changes.push(Change::StartContainer(ctx.clone()));
        self.run_log(ctx, behaviour, self.now, false);
        let readiness = behaviour
            .readiness_delay
            .unwrap_or(self.settings.readiness_delay);
        self.wake_at(self.now + readiness);
        if let Some(exit) = &behaviour.exit {
            self.wake_at(self.now + exit.after);
        }
        if let Some(after) = behaviour.liveness_fails_after {
            self.wake_at(self.now + after);
        }
    }

    fn check_running(
        &mut self,
        cs: &mut ContainerStatus,
        ctx: &ContainerContext,
        behaviour: &ContainerBehaviour,
        since: Timestamp,
        field: Option<String>,
    ) {
        let exit = behaviour
            .exit
            .as_ref()
            .map(|e| (since + e.after, e.code, e.logs.clone()));
        let liveness = behaviour.liveness_fails_after.map(|after| since + after);
        let stop = match (exit, liveness) {
            (Some((at, code, logs)), live) if live.is_none_or(|l| at <= l) => {
                Some((at, code, logs, false))
            }
            (_, Some(at)) => Some((at, 137, Vec::new(), true)),
            _ => None,
        };
        self.run_log(ctx, behaviour, since, false);
        if let Some((at, code, logs, killed)) = stop {
            if self.now >= at {
                // Whatever the process had still to say before it ended.
                self.run_log(ctx, behaviour, since, true);
                if killed {
                    self.event(
                        "Unhealthy",
                        "Liveness probe failed: HTTP probe failed with statuscode: 500".to_string(),
                        true,
                        field.clone(),
                    );
                    self.event(
                        "Killing",
                        format!(
                            "Container {} failed liveness probe, will be restarted",
                            ctx.container
                        ),
                        false,
                        field.clone(),
                    );
                }
                if !logs.is_empty() {
                    self.changes.push(self.log(ctx, logs));
                }
                self.stop(cs, ctx, since, code, field);
                return;
            }
            self.wake_at(at);
        }
        let ready_at = since
            + behaviour
                .readiness_delay
                .unwrap_or(self.settings.readiness_delay);
        if self.now >= ready_at {
            cs.ready = true;
        } else {
            self.wake_at(ready_at);
        }
    }

    /// A container ended: restart it after the back-off, or leave it
    /// terminated when the pod does not restart containers.
    fn stop(
        &mut self,
        cs: &mut ContainerStatus,
        ctx: &ContainerContext,
        since: Timestamp,
        code: i32,
        field: Option<String>,
    ) {
        let terminated = ContainerStateTerminated {
            exit_code: code,
            reason: Some(if code == 0 { "Completed" } else { "Error" }.to_string()),
            started_at: Some(time(since)),
            finished_at: Some(time(self.now)),
            container_id: cs.container_id.clone(),
            ..ContainerStateTerminated::default()
        };
        cs.ready = false;
        cs.started = Some(false);
        self.changes.push(Change::StopPod {
            namespace: ctx.namespace.clone(),
            pod: ctx.pod.clone(),
        });
        let policy = self
            .pod
            .spec
            .as_ref()
            .and_then(|s| s.restart_policy.as_deref())
            .unwrap_or("Always");
        let restarts = policy == "Always" || (policy == "OnFailure" && code != 0);
        if !restarts {
            cs.state = Some(ContainerState {
                terminated: Some(terminated),
                ..ContainerState::default()
            });
            return;
        }
        let delay = backoff(cs.restart_count);
        let uid = self.pod.metadata.uid.clone().unwrap_or_default();
        let message = format!(
            "back-off {}s restarting failed container={} pod={}_{}({uid})",
            delay.as_secs(),
            ctx.container,
            ctx.pod,
            ctx.namespace
        );
        cs.last_state = Some(ContainerState {
            terminated: Some(terminated),
            ..ContainerState::default()
        });
        cs.state = Some(waiting("CrashLoopBackOff", Some(message)));
        self.event(
            "BackOff",
            format!(
                "Back-off restarting failed container {} in pod {}_{}({uid})",
                ctx.container, ctx.pod, ctx.namespace
            ),
            true,
            field,
        );
        self.wake_at(self.now + delay);
    }

    /// The start-up lines of the run that began at `since` which are due
    /// now (all of them when `all`), each at its own time: a line is not in
    /// the log before the process wrote it.
    fn run_log(
        &mut self,
        ctx: &ContainerContext,
        behaviour: &ContainerBehaviour,
        since: Timestamp,
        all: bool,
    ) {
        let due: Vec<String> = behaviour
            .startup_logs
            .iter()
            .take_while(|l| all || since + l.after <= self.now)
            .map(|l| l.text.clone())
            .collect();
        if let Some(next) = behaviour.startup_logs.get(due.len()) {
            self.wake_at(since + next.after);
        }
        if !due.is_empty() {
            self.changes.push(Change::RunLog {
                namespace: ctx.namespace.clone(),
                pod: ctx.pod.clone(),
                container: ctx.container.clone(),
                lines: due,
            });
        }
    }

    fn log(&self, ctx: &ContainerContext, lines: Vec<String>) -> Change {
        Change::Log {
            namespace: ctx.namespace.clone(),
            pod: ctx.pod.clone(),
            container: ctx.container.clone(),
            lines,
        }
    }
}

#[cfg(test)]
#[path = "kubelet_tests.rs"]
mod tests;
