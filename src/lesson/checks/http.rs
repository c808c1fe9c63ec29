//! `http`: a GET answers a status and, optionally, JSON whose field (a
//! dotted path) equals a value.

use serde::{Deserialize, Serialize};

use super::{CheckReader, CheckSpec};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Http {
    pub url: String,
    pub status: u16,
    pub json_field: Option<String>,
    pub equals: Option<serde_json::Value>,
}

impl CheckSpec for Http {
    const KEYS: &'static [&'static str] = &["url", "status", "json-field", "equals"];

    fn read(r: &mut CheckReader<'_, '_>) -> Option<Self> {
        let url = r.string("url");
        if let Some(u) = &url
            && !u.starts_with("http://")
        {
            r.error_at_value(
                "url",
                format!("`url` = `{u}`: expected a plain http:// address"),
            );
        }
        let status = r.optional_integer("status").unwrap_or(200);
        let json_field = r.optional_string("json-field");
        let equals = r.json("equals");
        if json_field.is_some() != equals.is_some() {
            r.error("check `http` needs `json-field` and `equals` together");
        }
        Some(Http {
            url: url?,
            status,
            json_field,
            equals,
        })
    }

    fn explain(&self) -> String {
        let mut sentence = format!("a GET of {} answers with status {}", self.url, self.status);
        if let (Some(field), Some(value)) = (&self.json_field, &self.equals) {
            sentence.push_str(&format!(" and JSON whose {field} is {value}"));
        }
        sentence
    }

    fn describe(&self) -> String {
        match (&self.json_field, &self.equals) {
            (Some(field), Some(value)) => {
                format!(
                    "GET {} answers {} with {field} = {value}",
                    self.url, self.status
                )
            }
            _ => format!("GET {} answers {}", self.url, self.status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Http;
    use crate::lesson::checks::tests::sentence;

    #[test]
    fn names_the_url_status_and_field() {
        let info = Http {
            url: "http://127.0.0.1:8080/v1/info".into(),
            status: 200,
            json_field: Some("starting".into()),
            equals: Some(serde_json::Value::Bool(false)),
        };
        assert_eq!(
            sentence(info),
            "GET http://127.0.0.1:8080/v1/info answers 200 with starting = false"
        );
    }
}
