//! `kubeconfig-context`: the kubeconfig's current context, the cluster plain
//! `kubectl` talks to (eksctl moves it to the cluster it creates).

use serde::{Deserialize, Serialize};

use super::{CheckReader, CheckSpec};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KubeconfigContext {
    /// Text the current context's name must contain.
    pub contains: String,
}

impl CheckSpec for KubeconfigContext {
    const KEYS: &'static [&'static str] = &["contains"];

    fn read(r: &mut CheckReader<'_, '_>) -> Option<Self> {
        Some(KubeconfigContext {
            contains: r.string("contains")?,
        })
    }

    fn explain(&self) -> String {
        format!(
            "the name of kubectl's current context contains \"{}\"",
            self.contains
        )
    }

    fn describe(&self) -> String {
        format!("the current kubectl context contains \"{}\"", self.contains)
    }
}

#[cfg(test)]
mod tests {
    use super::KubeconfigContext;
    use crate::lesson::checks::tests::sentence;

    #[test]
    fn names_the_text() {
        let check = KubeconfigContext {
            contains: "tcb-cluster.us-east-1.eksctl.io".into(),
        };
        assert_eq!(
            sentence(check),
            "the current kubectl context contains \"tcb-cluster.us-east-1.eksctl.io\""
        );
    }
}
