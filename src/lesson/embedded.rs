//! The lessons, diagrams, profiles and prices compiled into the binary, so that
//! `trinetes` works from any directory. A test keeps these tables in step with
//! the files on disk.

/// (file name, text) of every lesson under `lessons/` (README.md is not a lesson).
pub const LESSONS: &[(&str, &str)] = &[
    ("00-welcome.md", include_str!("../../lessons/00-welcome.md")),
    ("00-news.md", include_str!("../../lessons/00-news.md")),
    (
        "01-replicasets.md",
        include_str!("../../lessons/01-replicasets.md"),
    ),
    (
        "02-labels-selectors.md",
        include_str!("../../lessons/02-labels-selectors.md"),
    ),
    (
        "03-deployments.md",
        include_str!("../../lessons/03-deployments.md"),
    ),
    (
        "04-configmaps.md",
        include_str!("../../lessons/04-configmaps.md"),
    ),
    (
        "05-networking.md",
        include_str!("../../lessons/05-networking.md"),
    ),
    (
        "90-eks-demo.md",
        include_str!("../../lessons/90-eks-demo.md"),
    ),
    (
        "91-helm-trino.md",
        include_str!("../../lessons/91-helm-trino.md"),
    ),
    ("92-cleanup.md", include_str!("../../lessons/92-cleanup.md")),
    (
        "95-pr-of-the-month.md",
        include_str!("../../lessons/95-pr-of-the-month.md"),
    ),
    (
        "96-question-of-the-month.md",
        include_str!("../../lessons/96-question-of-the-month.md"),
    ),
];

/// (file name, text) of every diagram under `assets/diagrams/`.
pub const DIAGRAMS: &[(&str, &str)] = &[
    (
        "deployment-replicaset-pod.txt",
        include_str!("../../assets/diagrams/deployment-replicaset-pod.txt"),
    ),
    (
        "clusterip.txt",
        include_str!("../../assets/diagrams/clusterip.txt"),
    ),
    (
        "nodeport.txt",
        include_str!("../../assets/diagrams/nodeport.txt"),
    ),
    (
        "deployment-worker-parts.txt",
        include_str!("../../assets/diagrams/deployment-worker-parts.txt"),
    ),
    (
        "kubeconfig-eksctl.txt",
        include_str!("../../assets/diagrams/kubeconfig-eksctl.txt"),
    ),
    (
        "configmap-volume-etc-trino.txt",
        include_str!("../../assets/diagrams/configmap-volume-etc-trino.txt"),
    ),
];

/// (profile name, TOML) of every profile under `assets/profiles/`.
pub const PROFILES: &[(&str, &str)] = &[
    (
        "current",
        include_str!("../../assets/profiles/current.toml"),
    ),
    (
        "episode-2021",
        include_str!("../../assets/profiles/episode-2021.toml"),
    ),
];

pub const PRICES: &str = include_str!("../../assets/prices.toml");

/// A built-in diagram by the file name at the end of an image destination
/// (`../assets/diagrams/NAME.txt` -> `NAME.txt`).
pub fn diagram(dest: &str) -> Option<&'static str> {
    let name = dest.rsplit('/').next()?;
    DIAGRAMS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}
