//! The environment the kubelet gives a container's process: the image's
//! `ENV`, `HOSTNAME`, `envFrom` and `env` (values read when the container
//! started; they never follow a later change), the service links of the
//! namespace, and `HOME`.

use serde_json::Value;

use super::image::ImageProfile;
use crate::sim::store::SourceData;

/// Names and values in the order `env` prints them; a later setting of a
/// name replaces the value in place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    vars: Vec<(String, String)>,
}

impl Environment {
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self.vars.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.vars.push((name.to_string(), value)),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn unset(&mut self, name: &str) {
        self.vars.retain(|(n, _)| n != name);
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// `NAME=value` lines, as `env` prints them.
    pub fn render(&self) -> String {
        self.iter().map(|(n, v)| format!("{n}={v}\n")).collect()
    }
}

/// What the environment is computed from.
pub struct EnvInputs<'a> {
    pub pod: &'a Value,
    pub container: &'a Value,
    pub image: &'a ImageProfile,
    /// Services in the pod's namespace, and the `kubernetes` Service.
    pub services: &'a [Value],
    /// A key of a ConfigMap (`ConfigMap`) or Secret as the container started.
    pub source: &'a dyn Fn(&str, &str) -> SourceData,
}

pub fn environment(inputs: &EnvInputs<'_>) -> Environment {
    let mut env = Environment::default();
    let pod = inputs.pod;
    for (n, v) in &inputs.image.env {
        if n == "PATH" {
            env.set(n, v.clone());
        }
    }
    env.set("HOSTNAME", hostname(pod));
    for (n, v) in &inputs.image.env {
        env.set(n, v.clone());
    }
    for from in inputs.container["envFrom"].as_array().into_iter().flatten() {
        let prefix = from["prefix"].as_str().unwrap_or_default();
        let (kind, r) = if from["configMapRef"].is_object() {
            ("ConfigMap", &from["configMapRef"])
        } else {
            ("Secret", &from["secretRef"])
        };
        let Some(data) = r["name"].as_str().and_then(|n| (inputs.source)(kind, n)) else {
            continue;
        };
        for (k, v) in data {
            if is_env_name(&k) {
                env.set(&format!("{prefix}{k}"), String::from_utf8_lossy(&v));
            }
        }
    }
    for e in inputs.container["env"].as_array().into_iter().flatten() {
        let Some(var) = e["name"].as_str() else {
            continue;
        };
        let value = if let Some(v) = e["value"].as_str() {
            Some(expand_references(v, &env))
        } else if e["value"].is_null() && e["valueFrom"].is_null() {
            Some(String::new())
        } else {
            value_from(&e["valueFrom"], pod, inputs)
        };
        if let Some(v) = value {
            env.set(var, v);
        }
    }
    let links = pod["spec"]["enableServiceLinks"].as_bool().unwrap_or(true);
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("default");
    for svc in inputs.services {
        let svc_ns = svc["metadata"]["namespace"].as_str().unwrap_or("default");
        let svc_name = svc["metadata"]["name"].as_str().unwrap_or_default();
        let master = svc_ns == "default" && svc_name == "kubernetes";
        if !master && (!links || svc_ns != ns) {
            continue;
        }
        for (n, v) in service_variables(svc) {
            if env.get(&n).is_none() {
                env.set(&n, v);
            }
        }
    }
    if env.get("HOME").is_none() {
        env.set("HOME", inputs.image.home.clone());
    }
    env
}

/// The pod's hostname: `spec.hostname` or the pod name, cut to 63 characters.
pub fn hostname(pod: &Value) -> String {
    let name = pod["spec"]["hostname"]
        .as_str()
        .or_else(|| pod["metadata"]["name"].as_str())
        .unwrap_or_default();
    name.chars().take(63).collect()
}

fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
}

/// `$(VAR)` becomes the value of a variable defined before; `$$` is `$`;
/// an unknown reference stays as written, as the kubelet does.
fn expand_references(value: &str, env: &Environment) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('(')
            && let Some(end) = inner.find(')')
        {
            let name = &inner[..end];
            match env.get(name) {
                Some(v) => out.push_str(v),
                None => out.push_str(&format!("$({name})")),
            }
            rest = &inner[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn value_from(from: &Value, pod: &Value, inputs: &EnvInputs<'_>) -> Option<String> {
    for (field, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
        let r = &from[field];
        if r.is_object() {
            let data = (inputs.source)(kind, r["name"].as_str()?)?;
            return data
                .get(r["key"].as_str()?)
                .map(|v| String::from_utf8_lossy(v).into_owned());
        }
    }
    let path = from["fieldRef"]["fieldPath"].as_str()?;
    let text = |v: &Value| v.as_str().map(str::to_string);
    match path {
        "metadata.name" => text(&pod["metadata"]["name"]),
        "metadata.namespace" => text(&pod["metadata"]["namespace"]),
        "metadata.uid" => text(&pod["metadata"]["uid"]),
        "spec.nodeName" => text(&pod["spec"]["nodeName"]),
        "spec.serviceAccountName" => text(&pod["spec"]["serviceAccountName"]),
        "status.podIP" => text(&pod["status"]["podIP"]),
        "status.hostIP" => text(&pod["status"]["hostIP"]),
        p => {
            let (map, key) = p
                .strip_prefix("metadata.labels['")
                .map(|k| ("labels", k))
                .or_else(|| {
                    p.strip_prefix("metadata.annotations['")
                        .map(|k| ("annotations", k))
                })?;
            text(&pod["metadata"][map][key.strip_suffix("']")?])
        }
    }
}

/// The Docker-link style variables of one Service: `NAME_SERVICE_HOST`,
/// `NAME_SERVICE_PORT`, `NAME_PORT`, `NAME_PORT_<port>_<PROTO>`… Headless
/// Services have none.
pub fn service_variables(svc: &Value) -> Vec<(String, String)> {
    let ip = svc["spec"]["clusterIP"].as_str().unwrap_or_default();
    if ip.is_empty() || ip == "None" {
        return Vec::new();
    }
    let prefix = svc["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_uppercase()
        .replace('-', "_");
    let ports: Vec<&Value> = svc["spec"]["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let Some(first) = ports.first() else {
        return Vec::new();
    };
    let mut vars = vec![(format!("{prefix}_SERVICE_HOST"), ip.to_string())];
    let port_of = |p: &Value| p["port"].as_i64().unwrap_or_default();
    let proto_of = |p: &Value| p["protocol"].as_str().unwrap_or("TCP").to_lowercase();
    vars.push((format!("{prefix}_SERVICE_PORT"), port_of(first).to_string()));
    for p in &ports {
        if let Some(name) = p["name"].as_str().filter(|n| !n.is_empty()) {
            vars.push((
                format!(
                    "{prefix}_SERVICE_PORT_{}",
                    name.to_uppercase().replace('-', "_")
                ),
                port_of(p).to_string(),
            ));
        }
    }
    vars.push((
        format!("{prefix}_PORT"),
        format!("{}://{ip}:{}", proto_of(first), port_of(first)),
    ));
    for p in &ports {
        let (port, proto) = (port_of(p), proto_of(p));
        let base = format!("{prefix}_PORT_{port}_{}", proto.to_uppercase());
        vars.push((base.clone(), format!("{proto}://{ip}:{port}")));
        vars.push((format!("{base}_PROTO"), proto.clone()));
        vars.push((format!("{base}_PORT"), port.to_string()));
        vars.push((format!("{base}_ADDR"), ip.to_string()));
    }
    vars
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn service_links_follow_the_docker_names() {
        let svc = json!({"metadata": {"name": "tcb-trino", "namespace": "default"},
            "spec": {"clusterIP": "10.100.7.9", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}});
        let vars = service_variables(&svc);
        let get = |n: &str| vars.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        assert_eq!(get("TCB_TRINO_SERVICE_HOST"), Some("10.100.7.9"));
        assert_eq!(get("TCB_TRINO_SERVICE_PORT"), Some("8080"));
        assert_eq!(get("TCB_TRINO_SERVICE_PORT_HTTP"), Some("8080"));
        assert_eq!(get("TCB_TRINO_PORT"), Some("tcp://10.100.7.9:8080"));
        assert_eq!(get("TCB_TRINO_PORT_8080_TCP_ADDR"), Some("10.100.7.9"));
        let headless = json!({"metadata": {"name": "w"}, "spec": {"clusterIP": "None", "ports": [{"port": 8080}]}});
        assert!(service_variables(&headless).is_empty());
    }

    #[test]
    fn references_expand_to_earlier_variables() {
        let mut env = Environment::default();
        env.set("A", "x");
        assert_eq!(expand_references("$(A)-$(B)-$$(A)", &env), "x-$(B)-$(A)");
    }
}
