//! What a step command will create, read from its words before it runs, so
//! that the ledger knows about a resource even if trinetes is killed while
//! the command is still creating it.
//!
//! Only the commands the lessons use are recognised: `eksctl create
//! cluster`, `helm install` / `helm upgrade --install`, `kubectl create
//! namespace` and `kubectl port-forward`. A command line may chain several
//! with `&&`, `||`, `;` or `|`.

use super::Resource;

/// What the command's environment decides when a flag is absent.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    /// The region eksctl uses without `--region` (the profile's, or AWS_REGION).
    pub region: String,
    /// The namespace unqualified commands land in.
    pub namespace: String,
    /// The kube context unqualified commands use, when trinetes chose one.
    pub context: Option<String>,
}

/// The resources `command` will create, in order.
pub fn created_by(command: &str, defaults: &Defaults) -> Vec<Resource> {
    simple_commands(command)
        .iter()
        .filter_map(|words| created_by_one(words, defaults))
        .collect()
}

fn created_by_one(words: &[String], d: &Defaults) -> Option<Resource> {
    let (tool, rest) = words.split_first()?;
    let tool = tool.rsplit('/').next().unwrap_or(tool);
    let args = Args(rest);
    match (tool, args.positional().as_slice()) {
        ("eksctl", ["create", "cluster", rest @ ..]) => Some(Resource::EksCluster {
            name: args
                .flag(&["--name", "-n"])
                .or_else(|| rest.first().map(|n| n.to_string()))?,
            region: args
                .flag(&["--region", "-r"])
                .unwrap_or_else(|| d.region.clone()),
        }),
        ("helm", ["install", name, ..]) => Some(release(name, &args, d)),
        ("helm", ["upgrade", name, ..]) if args.has(&["--install", "-i"]) => {
            Some(release(name, &args, d))
        }
        ("kubectl", ["create", "namespace" | "ns", name, ..]) => Some(Resource::Namespace {
            name: name.to_string(),
            context: args.flag(&["--context"]).or_else(|| d.context.clone()),
        }),
        ("kubectl", ["port-forward", target, ports, ..]) => {
            let local = ports.split(':').next()?.parse().ok()?;
            Some(Resource::PortForward {
                local_port: local,
                target: target.to_string(),
            })
        }
        _ => None,
    }
}

/// Whether `command` runs an `eksctl create cluster` that names no cluster
/// on its command line (no `--name`, no name argument): eksctl then makes a
/// name up, or reads it from a `--config-file`, so the ledger cannot know
/// it before the command starts.
pub fn creates_unnamed_cluster(command: &str) -> bool {
    simple_commands(command).iter().any(|words| {
        let Some((tool, rest)) = words.split_first() else {
            return false;
        };
        let tool = tool.rsplit('/').next().unwrap_or(tool);
        let args = Args(rest);
        tool == "eksctl"
            && args.positional().starts_with(&["create", "cluster"])
            && created_by_one(words, &Defaults::default()).is_none()
    })
}

/// The ledger's resources `command` removes (`helm uninstall NAME...`,
/// `kubectl delete namespace NAME...`), so that after it ran a look can
/// confirm them gone. Port-forwards and clusters have checks of their own.
pub fn removed_by(command: &str, defaults: &Defaults) -> Vec<Resource> {
    let mut out = Vec::new();
    for words in simple_commands(command) {
        let Some((tool, rest)) = words.split_first() else {
            continue;
        };
        let tool = tool.rsplit('/').next().unwrap_or(tool);
        let args = Args(rest);
        match (tool, args.positional().as_slice()) {
            ("helm", [verb, names @ ..])
                if matches!(*verb, "uninstall" | "delete" | "del" | "un") =>
            {
                out.extend(names.iter().map(|name| release(name, &args, defaults)));
            }
            ("kubectl", ["delete", "namespace" | "namespaces" | "ns", names @ ..]) => {
                out.extend(names.iter().map(|name| {
                    Resource::Namespace {
                        name: name.to_string(),
                        context: args
                            .flag(&["--context"])
                            .or_else(|| defaults.context.clone()),
                    }
                }));
            }
            _ => {}
        }
    }
    out
}

fn release(name: &str, args: &Args<'_>, d: &Defaults) -> Resource {
    Resource::HelmRelease {
        name: name.to_string(),
        namespace: args
            .flag(&["--namespace", "-n"])
            .unwrap_or_else(|| d.namespace.clone()),
        context: args.flag(&["--kube-context"]).or_else(|| d.context.clone()),
    }
}

/// The words of each simple command in a command line, split at the shell's
/// list and pipe operators. A line that does not parse as shell words
/// yields nothing: the command will fail in the shell too.
fn simple_commands(line: &str) -> Vec<Vec<String>> {
    let Ok(words) = shell_words::split(line) else {
        return Vec::new();
    };
    let mut out = vec![Vec::new()];
    for word in words {
        match word.as_str() {
            "&&" | "||" | ";" | "|" => out.push(Vec::new()),
            _ => {
                // `a;` or `a&&` glued to a word.
                let trimmed = word.trim_end_matches([';']);
                if let Some(last) = out.last_mut()
                    && !trimmed.is_empty()
                {
                    last.push(trimmed.to_string());
                }
                if trimmed.len() != word.len() {
                    out.push(Vec::new());
                }
            }
        }
    }
    out.retain(|c| !c.is_empty());
    out
}

/// A command's arguments after the tool name.
struct Args<'a>(&'a [String]);

/// Flags of these tools that take a value, so that the value is not taken
/// for a positional argument.
const VALUE_FLAGS: &[&str] = &[
    "--name",
    "-n",
    "--region",
    "-r",
    "--namespace",
    "--kube-context",
    "--context",
    "--version",
    "--set",
    "--set-string",
    "-f",
    "--values",
    "--node-type",
    "--nodes",
    "--nodes-min",
    "--nodes-max",
    "--nodegroup-name",
    "--config-file",
    "--zones",
    "--node-volume-size",
    "--tags",
    "--instance-types",
    "--profile",
    "--kubeconfig",
    "--address",
    "--timeout",
    "--repo",
    "-o",
    "--output",
];

impl Args<'_> {
    /// The value of the first of these flags (`--f v` or `--f=v`).
    fn flag(&self, names: &[&str]) -> Option<String> {
        let mut it = self.0.iter();
        while let Some(word) = it.next() {
            for name in names {
                if word == name {
                    return it.next().cloned();
                }
                if let Some(v) = word.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                    return Some(v.to_string());
                }
            }
        }
        None
    }

    fn has(&self, names: &[&str]) -> bool {
        self.0.iter().any(|w| names.contains(&w.as_str()))
    }

    /// The words that are neither flags nor flag values.
    fn positional(&self) -> Vec<&str> {
        let mut out = Vec::new();
        let mut it = self.0.iter();
        while let Some(word) = it.next() {
            if word.starts_with('-') {
                if VALUE_FLAGS.contains(&word.as_str()) {
                    it.next();
                }
                continue;
            }
            out.push(word.as_str());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Defaults {
        Defaults {
            region: "us-east-2".into(),
            namespace: "default".into(),
            context: None,
        }
    }

    #[test]
    fn eksctl_create_cluster_records_its_name_and_region() {
        let got = created_by(
            "eksctl create cluster --name tcb-cluster --region us-west-2 --nodes 2 --node-type t3.large",
            &defaults(),
        );
        assert_eq!(
            got,
            vec![Resource::EksCluster {
                name: "tcb-cluster".into(),
                region: "us-west-2".into()
            }]
        );
        let got = created_by("eksctl create cluster --name=tcb", &defaults());
        assert_eq!(
            got,
            vec![Resource::EksCluster {
                name: "tcb".into(),
                region: "us-east-2".into()
            }]
        );
    }

    #[test]
    fn helm_install_and_upgrade_install_record_the_release_and_namespace() {
        let d = Defaults {
            namespace: "learner-7".into(),
            context: Some("trinetes-learner-7".into()),
            ..defaults()
        };
        assert_eq!(
            created_by("helm install tcb trino/trino --version 0.3.0", &d),
            vec![Resource::HelmRelease {
                name: "tcb".into(),
                namespace: "learner-7".into(),
                context: Some("trinetes-learner-7".into()),
            }]
        );
        assert_eq!(
            created_by(
                "helm upgrade --install tcb trino/trino -n other --set image.tag=355",
                &d
            ),
            vec![Resource::HelmRelease {
                name: "tcb".into(),
                namespace: "other".into(),
                context: Some("trinetes-learner-7".into()),
            }]
        );
        // A plain upgrade creates nothing new.
        assert!(created_by("helm upgrade tcb trino/trino", &d).is_empty());
    }

    #[test]
    fn chained_commands_are_each_read() {
        let got = created_by(
            "helm repo add trino https://trinodb.github.io/charts && helm install tcb trino/trino; kubectl port-forward svc/tcb-trino 8080:8080",
            &defaults(),
        );
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(matches!(got[0], Resource::HelmRelease { .. }));
        assert_eq!(
            got[1],
            Resource::PortForward {
                local_port: 8080,
                target: "svc/tcb-trino".into()
            }
        );
    }

    #[test]
    fn eksctl_takes_the_name_as_an_argument_too() {
        let got = created_by("eksctl create cluster tcb --region eu-west-1", &defaults());
        assert_eq!(
            got,
            vec![Resource::EksCluster {
                name: "tcb".into(),
                region: "eu-west-1".into()
            }]
        );
        assert!(!creates_unnamed_cluster("eksctl create cluster tcb"));
    }

    #[test]
    fn a_create_without_a_name_on_its_command_line_is_told_apart() {
        for cmd in [
            "eksctl create cluster",
            "eksctl create cluster --nodes 2 --region us-east-1",
            "eksctl create cluster -f cluster.yaml",
            "true && eksctl create cluster --version 1.32",
        ] {
            assert!(creates_unnamed_cluster(cmd), "{cmd}");
        }
        for cmd in [
            "eksctl create cluster --name tcb",
            "eksctl create cluster -n=tcb",
            "eksctl get cluster",
            "kubectl get nodes",
        ] {
            assert!(!creates_unnamed_cluster(cmd), "{cmd}");
        }
    }

    #[test]
    fn commands_that_create_nothing_record_nothing() {
        for cmd in [
            "kubectl get nodes",
            "eksctl get cluster --region us-east-2",
            "eksctl create cluster",
            "eksctl create cluster -f cluster.yaml",
            "helm list",
            "echo 'helm install x y'",
            "unbalanced 'quote",
        ] {
            assert!(created_by(cmd, &defaults()).is_empty(), "{cmd}");
        }
    }

    #[test]
    fn kubectl_create_namespace_is_recorded() {
        assert_eq!(
            created_by(
                "kubectl create namespace learner-1 --context kind-x",
                &defaults()
            ),
            vec![Resource::Namespace {
                name: "learner-1".into(),
                context: Some("kind-x".into())
            }]
        );
    }

    #[test]
    fn uninstalls_and_namespace_deletes_name_what_they_remove() {
        let d = Defaults {
            namespace: "learner-a".into(),
            context: Some("kind-trinetes".into()),
            ..defaults()
        };
        assert_eq!(
            removed_by("helm uninstall tcb", &d),
            vec![Resource::HelmRelease {
                name: "tcb".into(),
                namespace: "learner-a".into(),
                context: Some("kind-trinetes".into()),
            }]
        );
        assert_eq!(
            removed_by("helm uninstall -n other tcb extra --wait", &d)
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>(),
            vec![
                "Helm release tcb (namespace other)".to_string(),
                "Helm release extra (namespace other)".to_string()
            ]
        );
        assert_eq!(
            removed_by("kubectl delete ns learner-b", &d),
            vec![Resource::Namespace {
                name: "learner-b".into(),
                context: Some("kind-trinetes".into()),
            }]
        );
        assert!(removed_by("helm install tcb trino/trino", &d).is_empty());
        assert!(removed_by("kubectl delete deployment tcb", &d).is_empty());
    }
}
