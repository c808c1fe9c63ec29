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

    use super::json_path;

    #[test]
    fn json_path_follows_objects_and_arrays() {
        let v = json!({"nodeVersion": {"version": "480"}, "items": [{"name": "a"}]});
        assert_eq!(json_path(&v, "nodeVersion.version"), Some(&json!("480")));
        assert_eq!(json_path(&v, "items.0.name"), Some(&json!("a")));
        assert_eq!(json_path(&v, "items.1.name"), None);
        assert_eq!(json_path(&v, "nodeVersion.missing"), None);
    }
}
