//! `nodes-ready`: at least `count` nodes are Ready.

use serde::{Deserialize, Serialize};

use super::{CheckReader, CheckSpec, plural};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodesReady {
    pub count: u32,
}

impl CheckSpec for NodesReady {
    const KEYS: &'static [&'static str] = &["count"];

    fn read(r: &mut CheckReader<'_, '_>) -> Option<Self> {
        Some(NodesReady {
            count: r.integer("count")?,
        })
    }

    fn explain(&self) -> String {
        let verb = if self.count == 1 { "is" } else { "are" };
        format!("{} {verb} Ready", plural(self.count, "node", "nodes"))
    }

    fn describe(&self) -> String {
        format!("{} Ready", plural(self.count, "node", "nodes"))
    }
}

#[cfg(test)]
mod tests {
    use super::NodesReady;
    use crate::lesson::checks::tests::sentence;

    #[test]
    fn reads_like_kubectl_get_nodes() {
        assert_eq!(sentence(NodesReady { count: 2 }), "2 nodes Ready");
        assert_eq!(sentence(NodesReady { count: 1 }), "1 node Ready");
    }
}
