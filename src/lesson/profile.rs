//! Profiles: the values lessons refer to as `{{variables}}` ("the episode as aired"
//! versus "what works today"). They are data, under `assets/profiles/`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::embedded;
use super::error::did_you_mean;
use super::prices::Prices;
use super::vars;

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("unknown profile `{name}`; expected one of: {}", valid.join(", "))]
    Unknown { name: String, valid: Vec<String> },
    #[error("profile `{name}` is not valid TOML for a profile: {source}")]
    Malformed {
        name: String,
        #[source]
        source: toml::de::Error,
    },
    #[error("profile `{profile}` does not define the variable `{variable}`{suggestion}")]
    UnknownVariable {
        profile: String,
        variable: String,
        suggestion: String,
    },
}

/// The environment variable that replaces the profiles' `chart_repo_url`:
/// where `helm repo add trino` fetches the Trino chart from on the live and
/// context backends (a classroom's mirror, or a repository a test serves on
/// 127.0.0.1). The dry-run's simulated helm serves only the official one.
pub const CHART_REPO_ENV: &str = "TRINETES_CHART_REPO";

/// A named set of values for lesson variables, plus what the simulated eksctl
/// accepts and what is known not to work today with these values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    pub summary: String,
    /// EKS versions that `eksctl create cluster --version` accepts with this profile.
    pub supported_eks_versions: Vec<String>,
    /// What is known not to work today with these values, one sentence each.
    #[serde(default)]
    pub known_issues: Vec<String>,
    vars: BTreeMap<String, VarValue>,
    #[serde(skip)]
    expanded_vars: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum VarValue {
    Text(String),
    Number(i64),
}

impl Profile {
    /// Parses a profile from its TOML text.
    pub fn from_toml(name: &str, text: &str) -> Result<Profile, ProfileError> {
        let mut profile: Profile =
            toml::from_str(text).map_err(|source| ProfileError::Malformed {
                name: name.to_string(),
                source,
            })?;
        profile.expanded_vars = profile
            .vars
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    VarValue::Text(s) => s.clone(),
                    VarValue::Number(n) => n.to_string(),
                };
                (k.clone(), text)
            })
            .collect();
        profile.add_price_vars();
        Ok(profile)
    }

    /// The price variables, from the one price list (`assets/prices.toml`)
    /// and this profile's `node_type` and `node_count`: `eks_price_per_hour`,
    /// `eks_extended_price_per_hour`, `node_price_per_hour`,
    /// `cluster_price_per_hour` (control plane plus the nodes, rounded to
    /// cents) and `prices_as_of`. A variable the profile sets itself wins.
    fn add_price_vars(&mut self) {
        let Ok(prices) = Prices::builtin() else {
            // A test keeps the price list valid; lessons then report the
            // variables as unknown rather than showing a wrong figure.
            return;
        };
        let node_type = self.expanded_vars.get("node_type").cloned();
        let nodes = self
            .expanded_vars
            .get("node_count")
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0);
        let mut derived = vec![
            (
                "eks_price_per_hour",
                dollars(prices.eks_control_plane_per_hour),
            ),
            (
                "eks_extended_price_per_hour",
                dollars(prices.eks_extended_support_per_hour),
            ),
            ("prices_as_of", prices.as_of.clone()),
        ];
        if let Some(node_type) = node_type
            && let Some(node) = prices.instance_per_hour.get(&node_type)
            && let Some(cluster) = prices.cluster_per_hour(&node_type, nodes)
        {
            derived.push(("node_price_per_hour", exact(*node)));
            derived.push(("cluster_price_per_hour", dollars(cluster)));
        }
        for (name, value) in derived {
            self.expanded_vars.entry(name.to_string()).or_insert(value);
        }
    }

    /// A profile shipped with trinetes (`current` or `episode-2021`), with
    /// the chart repository from [`CHART_REPO_ENV`] when that is set.
    pub fn builtin(name: &str) -> Result<Profile, ProfileError> {
        match embedded::PROFILES.iter().find(|(n, _)| *n == name) {
            Some((n, text)) => {
                let mut profile = Profile::from_toml(n, text)?;
                profile.with_chart_repo(std::env::var(CHART_REPO_ENV).ok().as_deref());
                Ok(profile)
            }
            None => Err(ProfileError::Unknown {
                name: name.to_string(),
                valid: Profile::names().iter().map(|n| n.to_string()).collect(),
            }),
        }
    }

    /// Replaces `chart_repo_url` with `url` when one is given (and not
    /// blank); a trailing `/` is dropped, as helm does.
    pub fn with_chart_repo(&mut self, url: Option<&str>) {
        if let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) {
            self.expanded_vars.insert(
                "chart_repo_url".to_string(),
                url.trim_end_matches('/').to_string(),
            );
        }
    }

    /// Names of the built-in profiles.
    pub fn names() -> Vec<&'static str> {
        embedded::PROFILES.iter().map(|(n, _)| *n).collect()
    }

    /// Variable name -> value, values as text.
    pub fn vars(&self) -> &BTreeMap<String, String> {
        &self.expanded_vars
    }

    /// Substitutes every `{{variable}}`; an unknown variable is an error.
    pub fn expand(&self, text: &str) -> Result<String, ProfileError> {
        let (out, unknown) = self.expand_lenient(text);
        match unknown.into_iter().next() {
            None => Ok(out),
            Some(variable) => Err(ProfileError::UnknownVariable {
                profile: self.name.clone(),
                suggestion: did_you_mean(&variable, self.vars().keys().map(String::as_str)),
                variable,
            }),
        }
    }

    /// Substitutes the variables this profile knows and leaves the others as written.
    pub fn expand_lenient(&self, text: &str) -> (String, Vec<String>) {
        vars::substitute(text, |name| self.vars().get(name).map(String::as_str))
    }
}

/// A price in dollars and cents: `0.10`, `0.29`.
fn dollars(amount: f64) -> String {
    format!("{amount:.2}")
}

/// A price as listed, to at most four decimals and at least two: `0.0928`.
fn exact(amount: f64) -> String {
    let text = format!("{amount:.4}");
    let trimmed = text.trim_end_matches('0');
    let decimals = trimmed.split('.').nth(1).map_or(0, str::len);
    if decimals < 2 {
        dollars(amount)
    } else {
        trimmed.to_string()
    }
}

/// Every variable that some built-in profile defines. Lessons are validated
/// against this set; a test makes sure each profile defines all of them.
pub fn builtin_variable_names() -> BTreeSet<String> {
    embedded::PROFILES
        .iter()
        .filter_map(|(name, text)| Profile::from_toml(name, text).ok())
        .flat_map(|p| p.vars().keys().cloned().collect::<Vec<_>>())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_builtin_profiles_load_with_the_episode_values() {
        let episode = Profile::builtin("episode-2021").expect("episode profile");
        let current = Profile::builtin("current").expect("current profile");
        assert_eq!(episode.vars()["eks_version"], "1.21");
        assert_eq!(episode.vars()["chart_version"], "0.3.0");
        assert_eq!(episode.vars()["image_tag"], "latest");
        assert_eq!(current.vars()["chart_version"], "1.42.2");
        for p in [&episode, &current] {
            assert_eq!(p.vars()["cluster_name"], "tcb-cluster");
            assert_eq!(p.vars()["region"], "us-east-1");
            assert_eq!(p.vars()["node_type"], "t2.large");
            assert_eq!(p.vars()["node_count"], "2");
            assert_eq!(p.vars()["release_name"], "tcb");
            assert!(
                p.supported_eks_versions.contains(&p.vars()["eks_version"]),
                "{}: its own EKS version must be in its supported list",
                p.name
            );
        }
        assert!(!current.supported_eks_versions.contains(&"1.21".to_string()));
        assert!(!episode.known_issues.is_empty());
    }

    #[test]
    fn profiles_carry_the_price_list_for_their_nodes() {
        for name in Profile::names() {
            let p = Profile::builtin(name).expect("builtin profile");
            let vars = p.vars();
            assert_eq!(vars["eks_price_per_hour"], "0.10", "{name}");
            assert_eq!(vars["eks_extended_price_per_hour"], "0.60", "{name}");
            assert_eq!(vars["node_price_per_hour"], "0.0928", "{name}");
            // 0.10 + 2 x 0.0928 = 0.2856, as FACTS gives it: about $0.29.
            assert_eq!(vars["cluster_price_per_hour"], "0.29", "{name}");
            assert_eq!(vars["prices_as_of"], "2026-11", "{name}");
        }
        assert_eq!(exact(0.1), "0.10");
        assert_eq!(exact(0.0928), "0.0928");
        assert_eq!(exact(1.5), "1.50");
    }

    #[test]
    fn every_builtin_profile_defines_every_variable() {
        let all = builtin_variable_names();
        for name in Profile::names() {
            let profile = Profile::builtin(name).expect("builtin profile");
            let defined: BTreeSet<String> = profile.vars().keys().cloned().collect();
            let missing: Vec<_> = all.difference(&defined).collect();
            assert!(missing.is_empty(), "profile {name} lacks {missing:?}");
        }
    }

    #[test]
    fn unknown_profile_lists_the_valid_names() {
        let err = Profile::builtin("episode-2022").expect_err("no such profile");
        let text = err.to_string();
        assert!(text.contains("episode-2022"), "{text}");
        assert!(
            text.contains("current") && text.contains("episode-2021"),
            "{text}"
        );
    }

    #[test]
    fn expand_substitutes_and_rejects_unknown() {
        let p = Profile::builtin("episode-2021").expect("profile");
        assert_eq!(
            p.expand("eksctl create cluster --name {{cluster_name}} --version {{ eks_version }}")
                .expect("known variables"),
            "eksctl create cluster --name tcb-cluster --version 1.21"
        );
        let err = p.expand("{{cluster_nam}}").expect_err("unknown variable");
        assert!(
            err.to_string().contains("did you mean `cluster_name`"),
            "{err}"
        );
    }

    #[test]
    fn the_chart_repository_is_data_and_can_be_pointed_elsewhere() {
        for name in Profile::names() {
            let (_, text) = embedded::PROFILES
                .iter()
                .find(|(n, _)| *n == name)
                .expect("listed profile");
            let mut p = Profile::from_toml(name, text).expect("builtin profile");
            assert_eq!(
                p.vars()["chart_repo_url"],
                "https://trinodb.github.io/charts",
                "{name}"
            );
            p.with_chart_repo(None);
            p.with_chart_repo(Some("  "));
            assert_eq!(
                p.vars()["chart_repo_url"],
                "https://trinodb.github.io/charts"
            );
            p.with_chart_repo(Some("http://127.0.0.1:8879/"));
            assert_eq!(
                p.expand("helm repo add trino {{chart_repo_url}}")
                    .expect("known variable"),
                "helm repo add trino http://127.0.0.1:8879"
            );
        }
    }
}
