//! Writing kubeconfig files that point kubectl at the simulated API server.

use std::io;
use std::path::Path;

use serde_norway::{Mapping, Value};

fn named(name: &str, key: &str, body: Value) -> Value {
    let mut m = Mapping::new();
    m.insert("name".into(), name.into());
    m.insert(key.into(), body);
    Value::Mapping(m)
}

fn upsert(list: &mut Vec<Value>, entry: Value) {
    let name = entry.get("name").cloned();
    list.retain(|e| e.get("name") != name.as_ref());
    list.push(entry);
}

/// Writes (or merges into an existing file) one cluster, one user and one
/// context named `context_name`, and makes it the current context. The user
/// has no credentials: the simulator does not authenticate.
pub fn write_kubeconfig(
    path: &Path,
    cluster_name: &str,
    context_name: &str,
    server_url: &str,
) -> io::Result<()> {
    let mut doc: Value = match std::fs::read_to_string(path) {
        Ok(text) if !text.trim().is_empty() => serde_norway::from_str(&text)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?,
        Ok(_) => Value::Null,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Value::Null,
        Err(e) => return Err(e),
    };
    if !doc.is_mapping() {
        doc = Value::Mapping(Mapping::new());
    }
    let root = doc.as_mapping_mut().expect("made a mapping above");
    root.insert("apiVersion".into(), "v1".into());
    root.insert("kind".into(), "Config".into());
    let user_name = format!("{context_name}-user");
    let mut cluster = Mapping::new();
    cluster.insert("server".into(), server_url.into());
    let mut context = Mapping::new();
    context.insert("cluster".into(), cluster_name.into());
    context.insert("user".into(), user_name.as_str().into());
    let entries = [
        (
            "clusters",
            named(cluster_name, "cluster", Value::Mapping(cluster)),
        ),
        (
            "users",
            named(&user_name, "user", Value::Mapping(Mapping::new())),
        ),
        (
            "contexts",
            named(context_name, "context", Value::Mapping(context)),
        ),
    ];
    for (key, entry) in entries {
        let mut list = match root.remove(key) {
            Some(Value::Sequence(s)) => s,
            _ => Vec::new(),
        };
        upsert(&mut list, entry);
        root.insert(key.into(), Value::Sequence(list));
    }
    root.insert("current-context".into(), context_name.into());
    root.entry("preferences".into())
        .or_insert(Value::Mapping(Mapping::new()));
    let text =
        serde_norway::to_string(&doc).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

fn read_doc(path: &Path) -> io::Result<Value> {
    match std::fs::read_to_string(path) {
        Ok(text) if !text.trim().is_empty() => {
            serde_norway::from_str(&text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
        }
        Ok(_) => Ok(Value::Null),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Value::Null),
        Err(e) => Err(e),
    }
}

/// The `current-context` of a kubeconfig file, if it names one.
pub fn current_context(path: &Path) -> io::Result<Option<String>> {
    Ok(read_doc(path)?
        .get("current-context")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string))
}

/// Removes a context, its cluster entry and its user, as `eksctl delete cluster`
/// does; clears `current-context` when it named the removed context.
pub fn remove_context(path: &Path, context_name: &str, cluster_name: &str) -> io::Result<()> {
    let mut doc = read_doc(path)?;
    let Some(root) = doc.as_mapping_mut() else {
        return Ok(());
    };
    let user_name = format!("{context_name}-user");
    for (key, name) in [
        ("contexts", context_name),
        ("clusters", cluster_name),
        ("users", user_name.as_str()),
    ] {
        if let Some(Value::Sequence(list)) = root.get_mut(key) {
            list.retain(|e| e.get("name").and_then(Value::as_str) != Some(name));
        }
    }
    if root.get("current-context").and_then(Value::as_str) == Some(context_name) {
        root.insert("current-context".into(), "".into());
    }
    let text =
        serde_norway::to_string(&doc).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    std::fs::write(path, text)
}

/// Sets (or, for None, clears) the `current-context` of a kubeconfig file.
pub fn set_current_context(path: &Path, context: Option<&str>) -> io::Result<()> {
    let mut doc = read_doc(path)?;
    let Some(root) = doc.as_mapping_mut() else {
        return Ok(());
    };
    root.insert("current-context".into(), context.unwrap_or("").into());
    let text =
        serde_norway::to_string(&doc).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    std::fs::write(path, text)
}

/// A kubeconfig holding only `current-context`. Listed first in KUBECONFIG,
/// before the world's own file, it makes kubectl use that context without
/// changing the world's file: kubectl takes `current-context` from the first
/// file that sets it, and contexts, clusters and users from all of them.
pub fn write_context_overlay(path: &Path, context: &str) -> io::Result<()> {
    let mut root = Mapping::new();
    root.insert("apiVersion".into(), "v1".into());
    root.insert("kind".into(), "Config".into());
    root.insert("current-context".into(), context.into());
    let text = serde_norway::to_string(&Value::Mapping(root))
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_merges_contexts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("kube/config");
        write_kubeconfig(&path, "one", "ctx-one", "http://127.0.0.1:1").expect("write");
        write_kubeconfig(&path, "two", "ctx-two", "http://127.0.0.1:2").expect("merge");
        write_kubeconfig(&path, "two", "ctx-two", "http://127.0.0.1:3").expect("replace");
        let doc: Value =
            serde_norway::from_str(&std::fs::read_to_string(&path).expect("read")).expect("yaml");
        assert_eq!(doc["current-context"], "ctx-two");
        assert_eq!(doc["contexts"].as_sequence().map(Vec::len), Some(2));
        assert_eq!(
            doc["clusters"][1]["cluster"]["server"],
            "http://127.0.0.1:3"
        );
        assert_eq!(
            doc["clusters"][0]["cluster"]["server"],
            "http://127.0.0.1:1"
        );
    }
}
