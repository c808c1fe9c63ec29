//! `deployment`: a Deployment reports these ready, up-to-date and available
//! replica counts.

use serde::{Deserialize, Serialize};

use super::{CheckReader, CheckSpec, in_namespace};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    pub name: String,
    pub namespace: Option<String>,
    pub ready: Option<u32>,
    pub up_to_date: Option<u32>,
    pub available: Option<u32>,
}

impl CheckSpec for Deployment {
    const KEYS: &'static [&'static str] = &["name", "namespace", "ready", "up-to-date", "available"];

    fn read(r: &mut CheckReader<'_, '_>) -> Option<Self> {
        let name = r.string("name");
        let namespace = r.optional_string("namespace");
        let ready = r.optional_integer("ready");
        let up_to_date = r.optional_integer("up-to-date");
        let available = r.optional_integer("available");
        if !["ready", "up-to-date", "available"]
            .iter()
            .any(|k| r.has(k))
        {
            r.error(
                "check `deployment` needs at least one of `ready`, `up-to-date` or `available`",
            );
        }
        Some(Deployment {
            name: name?,
            namespace,
            ready,
            up_to_date,
            available,
        })
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = self.ready {
            parts.push(format!("{r}/{r} ready"));
        }
        if let Some(u) = self.up_to_date {
            parts.push(format!("{u} up-to-date"));
        }
        if let Some(a) = self.available {
            parts.push(format!("{a} available"));
        }
        format!(
            "deployment {}{}: {}",
            self.name,
            in_namespace(&self.namespace),
            parts.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Deployment;
    use crate::lesson::checks::tests::sentence;

    #[test]
    fn reads_like_the_ready_column() {
        let worker = Deployment {
            name: "tcb-trino-worker".into(),
            namespace: None,
            ready: Some(2),
            up_to_date: None,
            available: None,
        };
        assert_eq!(sentence(worker), "deployment tcb-trino-worker: 2/2 ready");
    }
}
