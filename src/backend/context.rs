//! The context backend's set-up: an existing kubeconfig context (kind,
//! minikube, k3d, Docker Desktop, an existing EKS cluster), optionally
//! narrowed to one namespace per learner.
//!
//! trinetes never edits the learner's kubeconfig. It writes a private one
//! for the run, holding only the chosen context, its cluster and its user,
//! with the context's namespace set to `--namespace`. Every step gets
//! `KUBECONFIG` pointing there, so unqualified `kubectl` and `helm` commands
//! land in the learner's namespace, and the checks use the same file.

use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::Namespace;
use kube::config::{KubeConfigOptions, Kubeconfig, NamedContext};

use super::BackendError;
use crate::ledger::{Ledger, Resource};

/// The label trinetes puts on namespaces it creates.
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "trinetes");

/// A context made ready for a run.
pub struct Prepared {
    /// The context's name in the learner's kubeconfig.
    pub context: String,
    /// The namespace steps and checks use (`default` unless narrowed).
    pub namespace: String,
    /// The private kubeconfig every step and check uses.
    pub kubeconfig: PathBuf,
    pub client: kube::Client,
}

fn other(message: impl Into<String>) -> BackendError {
    BackendError::Other(message.into())
}

/// Why the learner's kubeconfig could not be read, naming its path once
/// (kube's own message quotes it twice, as '"/path"').
fn unreadable_kubeconfig(e: &kube::config::KubeconfigError) -> String {
    let (which, why) = match e {
        kube::config::KubeconfigError::ReadConfig(io, path) => {
            (format!(" {}", path.display()), io.to_string())
        }
        other => (String::new(), other.to_string()),
    };
    format!(
        "cannot read your kubeconfig{which} for the context backend: {why}. \
         Set KUBECONFIG, or create a cluster first (kind create cluster, minikube start)"
    )
}

/// Picks the context (the named one, else the current one) from the
/// learner's kubeconfig, writes the private kubeconfig under `state_dir`,
/// and creates the namespace when it is missing (writing it to the ledger
/// first).
pub async fn prepare(
    context: Option<&str>,
    namespace: Option<&str>,
    state_dir: &Path,
    ledger: &Ledger,
) -> Result<Prepared, BackendError> {
    let config = Kubeconfig::read().map_err(|e| other(unreadable_kubeconfig(&e)))?;
    let private = private_kubeconfig(&config, context, namespace)?;
    let name = private
        .current_context
        .clone()
        .expect("private_kubeconfig sets the current context");
    let path = write_private(&private, state_dir, &name, namespace)?;

    let client_config =
        kube::Config::from_custom_kubeconfig(private, &KubeConfigOptions::default())
            .await
            .map_err(|e| other(format!("the context {name:?} cannot be used: {e}")))?;
    let client = kube::Client::try_from(client_config)
        .map_err(|e| other(format!("the context {name:?} cannot be used: {e}")))?;
    match tokio::time::timeout(
        std::time::Duration::from_secs(10),
        client.apiserver_version(),
    )
    .await
    {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            return Err(other(format!(
                "the cluster of context {name:?} cannot be reached: {e}. \
                 Start it, or pick another with --backend context=NAME; `trinetes doctor --backend context` shows more"
            )));
        }
        Err(_) => {
            return Err(other(format!(
                "the cluster of context {name:?} did not answer in 10 s. \
                 Start it, or pick another with --backend context=NAME"
            )));
        }
    }
    let namespace = match namespace {
        Some(ns) => {
            ensure_namespace(&client, ns, &name, ledger).await?;
            ns.to_string()
        }
        None => client.default_namespace().to_string(),
    };
    Ok(Prepared {
        context: name,
        namespace,
        kubeconfig: path,
        client,
    })
}

/// The learner's kubeconfig cut down to one context, its cluster and its
/// user, with the namespace set when one is given.
pub fn private_kubeconfig(
    config: &Kubeconfig,
    context: Option<&str>,
    namespace: Option<&str>,
) -> Result<Kubeconfig, BackendError> {
    let names: Vec<&str> = config.contexts.iter().map(|c| c.name.as_str()).collect();
    let wanted = match context.or(config.current_context.as_deref()) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => {
            return Err(other(format!(
                "your kubeconfig has no current context; name one with --backend context=NAME ({})",
                list_or_none(&names)
            )));
        }
    };
    let Some(named) = config.contexts.iter().find(|c| c.name == wanted) else {
        return Err(other(format!(
            "your kubeconfig has no context {wanted:?} ({})",
            list_or_none(&names)
        )));
    };
    let mut ctx = named.context.clone().ok_or_else(|| {
        other(format!(
            "the context {wanted:?} is empty in your kubeconfig"
        ))
    })?;
    if let Some(ns) = namespace {
        ctx.namespace = Some(ns.to_string());
    }
    let cluster = config
        .clusters
        .iter()
        .find(|c| c.name == ctx.cluster)
        .cloned()
        .ok_or_else(|| {
            other(format!(
                "the context {wanted:?} names the cluster {:?}, which your kubeconfig lacks",
                ctx.cluster
            ))
        })?;
    let users = match &ctx.user {
        Some(user) => config
            .auth_infos
            .iter()
            .filter(|u| &u.name == user)
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    Ok(Kubeconfig {
        clusters: vec![cluster],
        auth_infos: users,
        contexts: vec![NamedContext {
            name: wanted.clone(),
            context: Some(ctx),
            other: Default::default(),
        }],
        current_context: Some(wanted),
        kind: Some("Config".to_string()),
        api_version: Some("v1".to_string()),
        ..Kubeconfig::default()
    })
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "it has no contexts at all".to_string()
    } else {
        format!("its contexts: {}", names.join(", "))
    }
}

/// Writes the private kubeconfig, readable by the learner only (it holds
/// the same credentials as theirs).
fn write_private(
    config: &Kubeconfig,
    state_dir: &Path,
    context: &str,
    namespace: Option<&str>,
) -> Result<PathBuf, BackendError> {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let folder = match namespace {
        Some(ns) => format!("{}--{}", safe(context), safe(ns)),
        None => safe(context),
    };
    let dir = state_dir.join("context").join(folder);
    std::fs::create_dir_all(&dir)?;
    let yaml = serde_norway::to_string(config)
        .map_err(|e| other(format!("cannot write the private kubeconfig: {e}")))?;
    // Written through a temporary file, which is made readable by its
    // owner only and keeps that mode when renamed.
    let path = dir.join("kubeconfig");
    crate::files::write_atomically(&path, yaml.as_bytes())?;
    Ok(path)
}

/// Creates the learner's namespace when it is missing, labelled as
/// trinetes', after writing it to the ledger.
async fn ensure_namespace(
    client: &kube::Client,
    name: &str,
    context: &str,
    ledger: &Ledger,
) -> Result<(), BackendError> {
    let api: kube::Api<Namespace> = kube::Api::all(client.clone());
    match api.get_opt(name).await {
        Ok(Some(_)) => return Ok(()),
        Ok(None) => {}
        Err(e) => {
            return Err(other(format!(
                "cannot look up the namespace {name:?} in context {context:?}: {e}"
            )));
        }
    }
    ledger
        .record(
            Resource::Namespace {
                name: name.to_string(),
                context: Some(context.to_string()),
            },
            &format!("context {context}"),
        )
        .map_err(|e| other(e.to_string()))?;
    let ns: Namespace = serde_json::from_value(serde_json::json!({
        "metadata": {"name": name, "labels": {MANAGED_BY.0: MANAGED_BY.1}}
    }))
    .map_err(|e| other(format!("namespace {name:?}: {e}")))?;
    api.create(&kube::api::PostParams::default(), &ns)
        .await
        .map_err(|e| {
            other(format!(
                "cannot create the namespace {name:?} in context {context:?}: {e}. \
                 Ask the cluster's admin to create it for you, then run again"
            ))
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_kubeconfig_is_named_once_without_quotes() {
        let missing = kube::config::KubeconfigError::ReadConfig(
            std::io::Error::from(std::io::ErrorKind::NotFound),
            PathBuf::from("/nowhere/kc"),
        );
        let message = unreadable_kubeconfig(&missing);
        assert!(
            message
                .starts_with("cannot read your kubeconfig /nowhere/kc for the context backend: "),
            "{message}"
        );
        assert!(
            !message.contains('"') && !message.contains('\''),
            "{message}"
        );
    }

    const TWO_CONTEXTS: &str = r#"
apiVersion: v1
kind: Config
current-context: kind-a
clusters:
- name: kind-a
  cluster: {server: "https://127.0.0.1:6443"}
- name: kind-b
  cluster: {server: "https://127.0.0.1:7443"}
users:
- name: kind-a
  user: {token: "secret-a"}
- name: kind-b
  user: {token: "secret-b"}
contexts:
- name: kind-a
  context: {cluster: kind-a, user: kind-a}
- name: kind-b
  context: {cluster: kind-b, user: kind-b, namespace: team}
"#;

    fn config() -> Kubeconfig {
        Kubeconfig::from_yaml(TWO_CONTEXTS).unwrap()
    }

    #[test]
    fn the_current_context_is_kept_alone_with_the_namespace_set() {
        let private = private_kubeconfig(&config(), None, Some("learner-1")).unwrap();
        assert_eq!(private.current_context.as_deref(), Some("kind-a"));
        assert_eq!(private.contexts.len(), 1);
        assert_eq!(
            private.contexts[0]
                .context
                .as_ref()
                .unwrap()
                .namespace
                .as_deref(),
            Some("learner-1")
        );
        assert_eq!(private.clusters.len(), 1);
        assert_eq!(private.clusters[0].name, "kind-a");
        assert_eq!(private.auth_infos.len(), 1);
        assert_eq!(private.auth_infos[0].name, "kind-a");
    }

    #[test]
    fn a_named_context_keeps_its_own_namespace_without_one_given() {
        let private = private_kubeconfig(&config(), Some("kind-b"), None).unwrap();
        assert_eq!(private.current_context.as_deref(), Some("kind-b"));
        assert_eq!(
            private.contexts[0]
                .context
                .as_ref()
                .unwrap()
                .namespace
                .as_deref(),
            Some("team")
        );
    }

    #[test]
    fn an_unknown_context_lists_the_ones_there_are() {
        let err = private_kubeconfig(&config(), Some("minikube"), None)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("no context \"minikube\""), "{err}");
        assert!(err.contains("kind-a, kind-b"), "{err}");
    }

    #[test]
    fn no_current_context_says_how_to_name_one() {
        let mut c = config();
        c.current_context = None;
        let err = private_kubeconfig(&c, None, None)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("--backend context=NAME"), "{err}");
    }
}
