//! `http`: polls a URL until it answers with the wanted status and, when
//! asked, a JSON field with the wanted value.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use super::Evaluate;
use crate::check::{CheckContext, CheckError, Evaluation, poll_until};
use crate::lesson::checks::Http;

const POLL_EVERY: Duration = Duration::from_millis(250);

impl Evaluate for Http {
    async fn until_holds(
        &self,
        ctx: &CheckContext,
        timeout: Duration,
    ) -> Result<String, CheckError> {
        let url = follow_moved_port(&self.url, &ctx.moved_ports);
        poll_until(timeout, POLL_EVERY, format!("no answer from {url} yet"), || {
            once(&ctx.http, &url, self)
        })
        .await
    }
}

async fn once(client: &reqwest::Client, url: &str, want: &Http) -> Evaluation {
    let response = match client
        .get(url)
        .timeout(Duration::from_secs(5))
        .send()
        .await
    {
        Ok(response) => response,
        Err(e) => {
            return Evaluation::new(false, format!("GET {url} failed: {}", root_cause(&e)));
        }
    };
    let status = response.status().as_u16();
    if status != want.status {
        return Evaluation::new(
            false,
            format!("GET {url} answered {status}, want {}", want.status),
        );
    }
    let Some(field) = want.json_field.as_deref() else {
        return Evaluation::new(true, format!("GET {url} answered {status}"));
    };
    let body: Value = match response.json().await {
        Ok(body) => body,
        Err(e) => return Evaluation::new(false, format!("GET {url} did not answer JSON: {e}")),
    };
    match (json_path(&body, field), &want.equals) {
        (None, _) => Evaluation::new(false, format!("GET {url}: the answer has no field {field}")),
        (Some(v), Some(expected)) if v != expected => {
            Evaluation::new(false, format!("GET {url}: {field} is {v}, want {expected}"))
        }
        (Some(v), _) => Evaluation::new(true, format!("GET {url}: {field} is {v}")),
    }
}

/// The URL with its port replaced when it points at this machine on a port
/// that a port-forward had to move (8080 was taken, 8081 was used).
fn follow_moved_port(url: &str, moved: &BTreeMap<u16, u16>) -> String {
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

/// Follow a dotted path (`nodeVersion.version`, `items.0.name`) into JSON.
fn json_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
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
