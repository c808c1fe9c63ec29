//! `absent`: no object of a kind, by name or label selector, exists. The kind
//! is one of the object kinds table's names, or `eks-cluster`, which is looked
//! for through the EKS API and needs `region`.

use serde::{Deserialize, Serialize};

use super::{CheckReader, CheckSpec, in_namespace};
use crate::lesson::object_kinds::{OBJECT_KINDS, ObjectKind};

/// The `resource` that names an EKS cluster rather than a Kubernetes object.
pub const EKS_CLUSTER: &str = "eks-cluster";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absent {
    /// An object kind's name (`deployment`, `pod`, ...) or `eks-cluster`.
    pub resource: String,
    pub name: Option<String>,
    pub selector: Option<String>,
    pub namespace: Option<String>,
    pub region: Option<String>,
}

impl Absent {
    /// The Kubernetes object kind looked for; `None` for an EKS cluster (or a
    /// resource no table knows, which validation rejects).
    pub fn object_kind(&self) -> Option<&'static ObjectKind> {
        ObjectKind::named(&self.resource)
    }

    pub fn is_eks_cluster(&self) -> bool {
        self.resource == EKS_CLUSTER
    }
}

impl CheckSpec for Absent {
    const KEYS: &'static [&'static str] = &["resource", "name", "selector", "namespace", "region"];

    fn read(r: &mut CheckReader<'_, '_>) -> Option<Self> {
        let resources: Vec<&str> = OBJECT_KINDS
            .iter()
            .map(|k| k.name)
            .chain([EKS_CLUSTER])
            .collect();
        let resource = r.string("resource");
        let resource = r.one_of("resource", resource, &resources);
        let name = r.optional_string("name");
        let selector = r.optional_string("selector");
        let namespace = r.optional_string("namespace");
        let region = r.optional_string("region");
        if name.is_none() && selector.is_none() {
            r.error("check `absent` needs `name` or `selector`");
        }
        if resource.as_deref() == Some(EKS_CLUSTER) {
            if region.is_none() {
                r.error("check `absent` of an `eks-cluster` needs `region`");
            }
            if name.is_none() && selector.is_some() {
                r.error("check `absent` of an `eks-cluster` needs `name`: EKS clusters have no labels to select by");
            }
        }
        Some(Absent {
            resource: resource?,
            name,
            selector,
            namespace,
            region,
        })
    }

    fn explain(&self) -> String {
        let resource = if self.is_eks_cluster() {
            "EKS cluster"
        } else {
            self.resource.as_str()
        };
        let what = match (&self.name, &self.selector) {
            (Some(n), _) => format!("no {resource} named {n} is left"),
            (None, Some(s)) => format!("no {resource} matching {s} is left"),
            (None, None) => format!("no {resource} is left"),
        };
        match &self.region {
            Some(r) => format!("{what} in {r}"),
            None => format!("{what}{}", in_namespace(&self.namespace)),
        }
    }

    fn describe(&self) -> String {
        let resource = if self.is_eks_cluster() {
            "EKS cluster"
        } else {
            self.resource.as_str()
        };
        let what = match (&self.name, &self.selector) {
            (Some(n), _) => format!("{resource} {n}"),
            (None, Some(s)) => format!("{resource} matching {s}"),
            (None, None) => resource.to_string(),
        };
        let place = match &self.region {
            Some(r) => format!(" in {r}"),
            None => in_namespace(&self.namespace),
        };
        format!("no {what}{place}")
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Absent;
    use crate::lesson::checks::CheckKind;
    use crate::lesson::checks::tests::sentence;
    use crate::lesson::{LessonError, OBJECT_KINDS, parse};

    fn lesson_with_absent(resource: &str) -> Result<crate::lesson::Lesson, Vec<LessonError>> {
        let source = format!(
            "---\nid: demo\ntitle: A demo\nsummary: Something short.\nminutes: 5\norder: 1\n---\n\n\
             ```sh step id=clean\nkubectl delete {resource} x\n```\n\n\
             ```toml step-config\ntitle = \"Clean up\"\ntimeout = \"10s\"\n\n\
             [[check]]\nkind = \"absent\"\nresource = \"{resource}\"\nname = \"x\"\n\
             timeout = \"1m\"\nhint = \"h\"\n```\n"
        );
        parse(Path::new("t.md"), &source, &|_| None)
    }

    #[test]
    fn a_lesson_may_name_every_object_kind_of_the_table() {
        assert!(OBJECT_KINDS.iter().any(|k| k.name == "secret"));
        for kind in OBJECT_KINDS {
            let lesson = lesson_with_absent(kind.name).unwrap_or_else(|e| panic!("{e:?}"));
            let CheckKind::Absent(check) = &lesson.steps[0].checks[0].kind else {
                panic!("an absent check");
            };
            assert_eq!(check.object_kind(), Some(kind));
        }
    }

    #[test]
    fn a_kind_outside_the_table_is_refused_with_a_suggestion() {
        let errors = lesson_with_absent("secrets").expect_err("not a name of the table");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0]
                .message
                .contains("`resource` = `secrets` is not valid (did you mean `secret`?)"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn names_what_must_be_gone_and_where() {
        let gone = Absent {
            resource: "eks-cluster".into(),
            name: Some("tcb-cluster".into()),
            selector: None,
            namespace: None,
            region: Some("us-east-1".into()),
        };
        assert_eq!(sentence(gone), "no EKS cluster tcb-cluster in us-east-1");
        let pods = Absent {
            resource: "pod".into(),
            name: None,
            selector: Some("app=hello".into()),
            namespace: Some("demo".into()),
            region: None,
        };
        assert_eq!(sentence(pods), "no pod matching app=hello in namespace demo");
    }
}
