//! Shared set-up for the helm command-line tests: a Store on a manual clock
//! and a helm with the Trino repository added.
#![allow(dead_code)] // each test binary uses a different part

use jiff::Timestamp;
use trinetes::sim::helm::{HelmEnv, HelmOutput, HelmSim};
use trinetes::sim::{Clock, Store};

pub fn now() -> Timestamp {
    "2021-12-16T18:05:03Z".parse().expect("valid timestamp")
}

pub fn store() -> Store {
    Store::new(Clock::manual(now()))
}

pub fn helm_with_repo() -> HelmSim {
    let mut helm = HelmSim::new();
    let out = helm.run(
        &[
            "helm",
            "repo",
            "add",
            "trino",
            "https://trinodb.github.io/charts/",
        ],
        &HelmEnv::new(now()),
    );
    assert_eq!(
        out.stdout,
        "\"trino\" has been added to your repositories\n"
    );
    helm
}

pub fn run(helm: &mut HelmSim, store: &Store, args: &str) -> HelmOutput {
    let args: Vec<&str> = args.split_whitespace().collect();
    helm.run(&args, &HelmEnv::new(now()).with_cluster(store))
}

pub fn names(store: &Store, kind: &str) -> Vec<String> {
    let mut names: Vec<String> = store
        .list(kind, Some("default"))
        .0
        .iter()
        .map(|o| o["metadata"]["name"].as_str().expect("name").to_string())
        .collect();
    names.sort();
    names
}
