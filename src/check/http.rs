//! HTTP checks: poll a URL until it answers with the wanted status and, when
//! asked, a JSON field with the wanted value.

use std::time::Duration;

use serde_json::Value;

pub struct HttpWant<'a> {
    pub status: u16,
    pub json_field: Option<&'a str>,
    pub equals: Option<&'a Value>,
}

const POLL_EVERY: Duration = Duration::from_millis(250);

pub async fn poll(
    client: &reqwest::Client,
    url: &str,
    want: &HttpWant<'_>,
    timeout: Duration,
) -> Result<String, String> {
    super::poll_until(
        timeout,
        POLL_EVERY,
        format!("no answer from {url} yet"),
        || once(client, url, want),
    )
    .await
}

async fn once(client: &reqwest::Client, url: &str, want: &HttpWant<'_>) -> Result<String, String> {
    let response = client
        .get(url)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .map_err(|e| format!("GET {url} failed: {}", root_cause(&e)))?;
    let status = response.status().as_u16();
    if status != want.status {
        return Err(format!("GET {url} answered {status}, want {}", want.status));
    }
    let Some(field) = want.json_field else {
        return Ok(format!("GET {url} answered {status}"));
    };
    let body: Value = response
        .json()
        .await
        .map_err(|e| format!("GET {url} did not answer JSON: {e}"))?;
    let found = json_path(&body, field);
    match (found, want.equals) {
        (None, _) => Err(format!("GET {url}: the answer has no field {field}")),
        (Some(v), Some(expected)) if v != expected => {
            Err(format!("GET {url}: {field} is {v}, want {expected}"))
        }
        (Some(v), _) => Ok(format!("GET {url}: {field} is {v}")),
    }
}

/// Follow a dotted path (`nodeVersion.version`, `items.0.name`) into JSON.
/// The URL with its port replaced when it points at this machine on a port
/// that a port-forward had to move (8080 was taken, 8081 was used).
pub fn follow_moved_port(url: &str, moved: &std::collections::BTreeMap<u16, u16>) -> String {
    let Ok(mut parsed) = reqwest::Url::parse(url) else {
        return url.to_string();
    };
    let local = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost"));
    let moved_to = parsed
        .port_or_known_default()
        .and_then(|port| moved.get(&port));
    match moved_to {
        Some(&port) if local && parsed.set_port(Some(port)).is_ok() => parsed.to_string(),
        _ => url.to_string(),
    }
}

pub fn json_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, part| match v {
        Value::Object(map) => map.get(part),
        Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{follow_moved_port, json_path};

    #[test]
    fn a_check_on_a_moved_local_port_follows_it() {
        let moved = [(8080, 8083)].into_iter().collect();
        assert_eq!(
            follow_moved_port("http://127.0.0.1:8080/v1/info", &moved),
            "http://127.0.0.1:8083/v1/info"
        );
        assert_eq!(
            follow_moved_port("http://localhost:8080/ui/?x=1", &moved),
            "http://localhost:8083/ui/?x=1"
        );
        // Other hosts and other ports are left alone.
        assert_eq!(
            follow_moved_port("http://192.0.2.7:8080/v1/info", &moved),
            "http://192.0.2.7:8080/v1/info"
        );
        assert_eq!(
            follow_moved_port("http://127.0.0.1:9090/v1/info", &moved),
            "http://127.0.0.1:9090/v1/info"
        );
        assert_eq!(follow_moved_port("not a url", &moved), "not a url");
    }

    #[test]
    fn json_path_follows_objects_and_arrays() {
        let v = json!({"nodeVersion": {"version": "480"}, "items": [{"name": "a"}]});
        assert_eq!(json_path(&v, "nodeVersion.version"), Some(&json!("480")));
        assert_eq!(json_path(&v, "items.0.name"), Some(&json!("a")));
        assert_eq!(json_path(&v, "items.1.name"), None);
        assert_eq!(json_path(&v, "nodeVersion.missing"), None);
    }
}
