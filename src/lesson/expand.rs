//! Substituting a profile's values into a whole lesson.

use super::model::{Block, Check, CheckKind, Lesson, Step};
use super::profile::Profile;

impl Lesson {
    /// A copy with every `{{variable}}` the profile defines replaced: prose,
    /// commands, episode commands, titles, hints, notes and check fields.
    /// Variables the profile lacks stay as written (validation reports them).
    pub fn expanded(&self, profile: &Profile) -> Lesson {
        let x = |s: &str| profile.expand_lenient(s).0;
        let xo = |s: &Option<String>| s.as_deref().map(x);
        Lesson {
            path: self.path.clone(),
            front: {
                let mut front = self.front.clone();
                front.title = x(&front.title);
                front.summary = x(&front.summary);
                front
            },
            blocks: self
                .blocks
                .iter()
                .map(|b| match b {
                    Block::Markdown { source, span } => Block::Markdown {
                        source: x(source),
                        span: *span,
                    },
                    Block::Step(i) => Block::Step(*i),
                })
                .collect(),
            steps: self
                .steps
                .iter()
                .map(|s| Step {
                    title: x(&s.title),
                    command: x(&s.command),
                    episode_command: xo(&s.episode_command),
                    episode_why: xo(&s.episode_why),
                    skip_reason: xo(&s.skip_reason),
                    hints: s.hints.iter().map(|h| x(h)).collect(),
                    checks: s.checks.iter().map(|c| expand_check(c, &x)).collect(),
                    skipped_on_profile: (!s.profiles.is_empty()
                        && !s.profiles.contains(&profile.name))
                    .then(|| profile.name.clone()),
                    ..s.clone()
                })
                .collect(),
            notes: self
                .notes
                .iter()
                .map(|n| {
                    let mut n = n.clone();
                    n.text = x(&n.text);
                    n
                })
                .collect(),
            diagrams: self.diagrams.clone(),
            variables: self.variables.clone(),
        }
    }
}

fn expand_check(check: &Check, x: &dyn Fn(&str) -> String) -> Check {
    let xo = |s: &Option<String>| s.as_deref().map(x);
    let kind = match &check.kind {
        CheckKind::NodesReady { count } => CheckKind::NodesReady { count: *count },
        CheckKind::Deployment {
            name,
            namespace,
            ready,
            up_to_date,
            available,
        } => CheckKind::Deployment {
            name: x(name),
            namespace: xo(namespace),
            ready: *ready,
            up_to_date: *up_to_date,
            available: *available,
        },
        CheckKind::Pods {
            selector,
            namespace,
            count,
            phase,
            reason,
            min_restarts,
        } => CheckKind::Pods {
            selector: x(selector),
            namespace: xo(namespace),
            count: *count,
            phase: phase.clone(),
            reason: xo(reason),
            min_restarts: *min_restarts,
        },
        CheckKind::Service {
            name,
            namespace,
            service_type,
            ports,
            node_port_range,
        } => CheckKind::Service {
            name: x(name),
            namespace: xo(namespace),
            service_type: service_type.clone(),
            ports: ports.clone(),
            node_port_range: *node_port_range,
        },
        CheckKind::ConfigMapKey {
            name,
            namespace,
            key,
            contains,
        } => CheckKind::ConfigMapKey {
            name: x(name),
            namespace: xo(namespace),
            key: x(key),
            contains: x(contains),
        },
        CheckKind::EksCluster {
            name,
            region,
            status,
        } => CheckKind::EksCluster {
            name: x(name),
            region: x(region),
            status: status.clone(),
        },
        CheckKind::EksNodegroup {
            cluster,
            nodegroup,
            region,
            status,
        } => CheckKind::EksNodegroup {
            cluster: x(cluster),
            nodegroup: x(nodegroup),
            region: x(region),
            status: status.clone(),
        },
        CheckKind::Http {
            url,
            status,
            json_field,
            equals,
        } => CheckKind::Http {
            url: x(url),
            status: *status,
            json_field: xo(json_field),
            equals: match equals {
                Some(serde_json::Value::String(s)) => Some(serde_json::Value::String(x(s))),
                other => other.clone(),
            },
        },
        CheckKind::Absent {
            resource,
            name,
            selector,
            namespace,
            region,
        } => CheckKind::Absent {
            resource: resource.clone(),
            name: xo(name),
            selector: xo(selector),
            namespace: xo(namespace),
            region: xo(region),
        },
    };
    Check {
        kind,
        timeout: check.timeout,
        hint: x(&check.hint),
        span: check.span,
    }
}
