//! `deployment`: a Deployment reports these ready, up-to-date and available
//! replica counts, runs these images in its pod template, and is at this
//! revision.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CheckReader, CheckSpec, and_list, in_namespace};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    pub name: String,
    pub namespace: Option<String>,
    pub ready: Option<u32>,
    pub up_to_date: Option<u32>,
    pub available: Option<u32>,
    /// Container name to image, as in the pod template
    /// (`images = { nginx = "nginx:1.21" }`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub images: BTreeMap<String, String>,
    /// The `deployment.kubernetes.io/revision` the Deployment is at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u64>,
}

const WANTS: [&str; 5] = ["ready", "up-to-date", "available", "images", "revision"];

impl CheckSpec for Deployment {
    const KEYS: &'static [&'static str] = &[
        "name",
        "namespace",
        "ready",
        "up-to-date",
        "available",
        "images",
        "revision",
    ];

    fn read(r: &mut CheckReader<'_, '_>) -> Option<Self> {
        let name = r.string("name");
        let namespace = r.optional_string("namespace");
        let ready = r.optional_integer("ready");
        let up_to_date = r.optional_integer("up-to-date");
        let available = r.optional_integer("available");
        let revision = r.optional_integer("revision");
        let images = read_images(r);
        if !WANTS.iter().any(|k| r.has(k)) {
            r.error(
                "check `deployment` needs at least one of `ready`, `up-to-date`, `available`, `images` or `revision`",
            );
        }
        Some(Deployment {
            name: name?,
            namespace,
            ready,
            up_to_date,
            available,
            images: images?,
            revision,
        })
    }

    fn explain(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = self.ready {
            parts.push(format!("{r} of {r} pods ready"));
        }
        if let Some(u) = self.up_to_date {
            parts.push(format!("{u} up to date"));
        }
        if let Some(a) = self.available {
            parts.push(format!("{a} available"));
        }
        let mut sentence = format!("the Deployment {}{}", self.name, in_namespace(&self.namespace));
        if !parts.is_empty() {
            sentence.push_str(&format!(" has {}", and_list(&parts)));
        }
        let mut more = Vec::new();
        for (container, image) in &self.images {
            more.push(format!("runs the image {image} in its container {container}"));
        }
        if let Some(revision) = self.revision {
            more.push(format!("is at revision {revision}"));
        }
        if !more.is_empty() {
            let joiner = if parts.is_empty() { " " } else { " and " };
            sentence.push_str(joiner);
            sentence.push_str(&and_list(&more));
        }
        sentence
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
        for (container, image) in &self.images {
            parts.push(format!("{container} runs {image}"));
        }
        if let Some(revision) = self.revision {
            parts.push(format!("revision {revision}"));
        }
        format!(
            "deployment {}{}: {}",
            self.name,
            in_namespace(&self.namespace),
            parts.join(", ")
        )
    }
}

/// `images`: an inline table of container names to non-empty image names.
fn read_images(r: &mut CheckReader<'_, '_>) -> Option<BTreeMap<String, String>> {
    if !r.has("images") {
        return Some(BTreeMap::new());
    }
    let wrong = "`images` must be a table of container names to images, e.g. `images = { nginx = \"nginx:1.21\" }`";
    let Some(serde_json::Value::Object(map)) = r.json("images") else {
        r.error_at_value("images", wrong);
        return None;
    };
    let mut images = BTreeMap::new();
    for (container, image) in map {
        match image {
            serde_json::Value::String(i) if !i.is_empty() => {
                images.insert(container, i);
            }
            _ => {
                r.error_at_value("images", wrong);
                return None;
            }
        }
    }
    if images.is_empty() {
        r.error_at_value("images", wrong);
        return None;
    }
    Some(images)
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
            images: Default::default(),
            revision: None,
        };
        assert_eq!(sentence(worker), "deployment tcb-trino-worker: 2/2 ready");
    }

    #[test]
    fn names_the_image_and_the_revision() {
        let web = Deployment {
            name: "web".into(),
            namespace: None,
            ready: Some(3),
            up_to_date: None,
            available: None,
            images: [("nginx".to_string(), "nginx:1.21".to_string())].into(),
            revision: Some(2),
        };
        assert_eq!(
            sentence(web),
            "deployment web: 3/3 ready, nginx runs nginx:1.21, revision 2"
        );
    }
}
