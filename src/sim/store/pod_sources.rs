//! What the kubelet read for each pod from its ConfigMaps and Secrets: the
//! copies its containers started with (env, subPath mounts) and what it last
//! wrote into the pod's volumes. Kept beside the objects like logs, not as
//! an object: a real cluster keeps this on the node, not in the API.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::Store;

/// The data of one ConfigMap or Secret (Secret values decoded); None when
/// the object did not exist.
pub type SourceData = Option<BTreeMap<String, Vec<u8>>>;

/// The kubelet's record of one pod's sources, keyed by `ConfigMap/NAME` or
/// `Secret/NAME`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodSources {
    /// The pod these copies belong to; a new pod with the same name starts over.
    pub pod_uid: String,
    /// Which container runs `at_start` was taken for (container → startedAt).
    pub runs: BTreeMap<String, String>,
    /// Every source as the containers' current runs started with it.
    pub at_start: BTreeMap<String, SourceData>,
    /// What the kubelet last wrote into the pod's volumes, and when.
    pub projected: BTreeMap<String, (SourceData, Timestamp)>,
    /// When the kubelet first saw a source differ from what it projected.
    pub changed_since: BTreeMap<String, Timestamp>,
}

impl Store {
    pub fn pod_sources(&self, ns: &str, pod: &str) -> Option<PodSources> {
        self.lock()
            .pod_sources
            .get(&(ns.to_string(), pod.to_string()))
            .cloned()
    }

    pub fn set_pod_sources(&self, ns: &str, pod: &str, sources: PodSources) {
        self.lock()
            .pod_sources
            .insert((ns.to_string(), pod.to_string()), sources);
    }

    /// Drops the records of pods for which `keep(namespace, pod, uid)` is false.
    pub fn retain_pod_sources(&self, keep: impl Fn(&str, &str, &str) -> bool) {
        self.lock()
            .pod_sources
            .retain(|(ns, pod), s| keep(ns, pod, &s.pod_uid));
    }
}
