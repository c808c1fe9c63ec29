//! Whether a Trino container starts, given its image and rendered config, and
//! what it logs on the way. This is where chart 0.3.0 with `trinodb/trino:latest`
//! fails the way FACTS.md §1 describes.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::sim::runtime::LogLine;

/// The Trino version that `latest` stands for: the newest chart's appVersion.
pub const LATEST_TRINO_VERSION: u32 = 480;

/// First Trino release that needs Java 17; the JVM then warns about biased locking.
const JAVA_17_FROM: u32 = 390;
/// First Trino release that needs Java 21, whose JVM no longer knows `UseBiasedLocking`.
const JAVA_21_FROM: u32 = 436;
/// First Trino release that fails on the unused `query.max-total-memory-per-node`.
/// These three thresholds are approximations of Trino's release history; the
/// simulation needs only their order (355 starts, current releases do not).
const TOTAL_MEMORY_PROPERTY_REMOVED_IN: u32 = 369;

/// The rendered files a Trino container reads from `/etc/trino`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrinoConfig {
    pub jvm_config: String,
    pub config_properties: String,
    pub node_properties: String,
}

impl TrinoConfig {
    /// `key=value` from `config.properties`.
    pub fn property(&self, key: &str) -> Option<&str> {
        properties_value(&self.config_properties, key)
    }

    pub fn is_coordinator(&self) -> bool {
        // The image's default config (no ConfigMap mounted) is a single coordinator.
        self.property("coordinator")
            .is_none_or(|v| v.trim() == "true")
    }

    pub fn environment(&self) -> String {
        properties_value(&self.node_properties, "node.environment")
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "production".to_string())
    }
}

fn properties_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v)
}

/// The version a `trinodb/trino[:tag]` image runs: the tag's number, or the
/// newest release for `latest`, no tag, or a tag that is not a version.
pub fn trino_version_of_image(image: &str) -> u32 {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let tag = last.split_once(':').map_or("latest", |(_, t)| t);
    let digits: String = tag.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(LATEST_TRINO_VERSION)
}

/// What happens when the container starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartupOutcome {
    /// The server comes up: HTTP answers after `http_up`, `starting` turns false
    /// after `started`.
    Starts {
        version: u32,
        logs: Vec<LogLine>,
        http_up: Duration,
        started: Duration,
    },
    /// The process exits with `exit_code` after `after`, logging `exit_logs`.
    Crashes {
        version: u32,
        startup_logs: Vec<LogLine>,
        exit_logs: Vec<String>,
        exit_code: i32,
        after: Duration,
    },
}

/// How long a healthy start takes, and when the HTTP server begins answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartupTiming {
    pub http_up: Duration,
    pub started: Duration,
}

impl Default for StartupTiming {
    fn default() -> Self {
        StartupTiming {
            http_up: Duration::from_secs(4),
            started: Duration::from_secs(15),
        }
    }
}

/// Decides the start-up of one Trino container. `node_id` is the pod name;
/// `start` stamps the log lines.
pub fn decide_startup(
    image: &str,
    config: &TrinoConfig,
    node_id: &str,
    start: Timestamp,
    timing: StartupTiming,
) -> StartupOutcome {
    let version = trino_version_of_image(image);
    let log = TrinoLog {
        start,
        coordinator: config.is_coordinator(),
    };
    let launcher =
        format!("+ exec /usr/lib/trino/bin/launcher run --etc-dir /etc/trino -Dnode.id={node_id}");
    let mut startup_logs = vec![LogLine::at_start(launcher)];
    let biased_locking = config
        .jvm_config
        .lines()
        .any(|l| l.trim().ends_with("UseBiasedLocking"));
    if biased_locking && version >= JAVA_21_FROM {
        // The JVM refuses the option before anything else runs, so the lines
        // are there as soon as the container starts.
        startup_logs.extend(
            [
                "Unrecognized VM option 'UseBiasedLocking'",
                "Error: Could not create the Java Virtual Machine.",
                "Error: A fatal exception has occurred. Program will exit.",
            ]
            .map(LogLine::at_start),
        );
        return StartupOutcome::Crashes {
            version,
            startup_logs,
            exit_logs: Vec::new(),
            exit_code: 1,
            after: Duration::from_secs(1),
        };
    }
    if biased_locking && version >= JAVA_17_FROM {
        startup_logs.push(LogLine::at_start(
            "OpenJDK 64-Bit Server VM warning: Option UseBiasedLocking was deprecated in version \
             15.0 and will likely be removed in a future release.",
        ));
    }
    startup_logs.extend([
        log.line(
            0,
            "INFO",
            "main",
            "io.airlift.log.Logging",
            "Logging to stderr",
        ),
        log.line(50, "INFO", "main", "Bootstrap", "Loading configuration"),
    ]);
    if config.property("query.max-total-memory-per-node").is_some()
        && version >= TOTAL_MEMORY_PROPERTY_REMOVED_IN
    {
        let mut exit_logs = vec![
            log.line(
                1500,
                "ERROR",
                "main",
                "io.trino.server.Server",
                "Configuration is invalid",
            )
            .text,
        ];
        exit_logs.extend(
            [
                "==========",
                "",
                "Errors:",
                "",
                "1) Error: Configuration property 'query.max-total-memory-per-node' was not used",
                "",
                "1 error",
                "==========",
            ]
            .map(str::to_string),
        );
        return StartupOutcome::Crashes {
            version,
            startup_logs,
            exit_logs,
            exit_code: 100,
            after: Duration::from_secs(3),
        };
    }
    let started_ms = u64::try_from(timing.started.as_millis()).unwrap_or(u64::MAX);
    let http_ms = u64::try_from(timing.http_up.as_millis()).unwrap_or(u64::MAX);
    startup_logs.extend([
        log.line(
            300,
            "INFO",
            "main",
            "io.trino.server.Server",
            &format!("Java version: {}", java_version(version)),
        ),
        log.line(
            400,
            "INFO",
            "main",
            "io.trino.server.PluginManager",
            "-- Loading plugin /usr/lib/trino/plugin/tpch --",
        ),
        log.line(
            600,
            "INFO",
            "main",
            "io.trino.server.PluginManager",
            "-- Finished loading plugin /usr/lib/trino/plugin/tpch --",
        ),
        log.line(
            700,
            "INFO",
            "main",
            "io.trino.server.PluginManager",
            "-- Loading plugin /usr/lib/trino/plugin/tpcds --",
        ),
        log.line(
            900,
            "INFO",
            "main",
            "io.trino.server.PluginManager",
            "-- Finished loading plugin /usr/lib/trino/plugin/tpcds --",
        ),
        log.line(
            http_ms,
            "INFO",
            "main",
            "org.eclipse.jetty.server.Server",
            "Started HTTP server on port 8080",
        ),
    ]);
    if log.coordinator {
        startup_logs.extend([
            log.line(
                started_ms.saturating_sub(800),
                "INFO",
                "main",
                "io.trino.metadata.StaticCatalogManager",
                "-- Added catalog tpch using connector tpch --",
            ),
            log.line(
                started_ms.saturating_sub(600),
                "INFO",
                "main",
                "io.trino.metadata.StaticCatalogManager",
                "-- Added catalog tpcds using connector tpcds --",
            ),
        ]);
    }
    startup_logs.push(log.line(
        started_ms,
        "INFO",
        "main",
        "io.trino.server.Server",
        "======== SERVER STARTED ========",
    ));
    StartupOutcome::Starts {
        version,
        logs: startup_logs,
        http_up: timing.http_up,
        started: timing.started,
    }
}

/// The Java release the image of a Trino version ships.
pub fn java_version(trino: u32) -> &'static str {
    if trino >= JAVA_21_FROM {
        "24.0.1"
    } else if trino >= JAVA_17_FROM {
        "17.0.4"
    } else {
        "11.0.11"
    }
}

struct TrinoLog {
    start: Timestamp,
    coordinator: bool,
}

impl TrinoLog {
    /// One line in Trino's log format (time, level, thread, logger,
    /// message), written `after_ms` after the start, the time it names.
    fn line(
        &self,
        after_ms: u64,
        level: &str,
        thread: &str,
        logger: &str,
        message: &str,
    ) -> LogLine {
        let offset = SignedDuration::from_millis(i64::try_from(after_ms).unwrap_or(i64::MAX));
        let at = self.start.checked_add(offset).unwrap_or(self.start);
        LogLine::new(
            Duration::from_millis(after_ms),
            format!(
                "{}\t{level}\t{thread}\t{logger}\t{message}",
                at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags_name_versions() {
        assert_eq!(trino_version_of_image("trinodb/trino:355"), 355);
        assert_eq!(
            trino_version_of_image("trinodb/trino:latest"),
            LATEST_TRINO_VERSION
        );
        assert_eq!(
            trino_version_of_image("trinodb/trino"),
            LATEST_TRINO_VERSION
        );
        assert_eq!(
            trino_version_of_image("docker.io/trinodb/trino:476-arm64"),
            476
        );
        assert_eq!(
            trino_version_of_image("localhost:5000/trinodb/trino:400"),
            400
        );
    }

    #[test]
    fn config_properties_are_read() {
        let config = TrinoConfig {
            config_properties: "coordinator=false\n# x=y\nhttp-server.http.port=8080\n".into(),
            node_properties: "node.environment=staging\n".into(),
            ..Default::default()
        };
        assert!(!config.is_coordinator());
        assert_eq!(config.property("http-server.http.port"), Some("8080"));
        assert_eq!(config.property("x"), None);
        assert_eq!(config.environment(), "staging");
        assert_eq!(TrinoConfig::default().environment(), "production");
        assert!(TrinoConfig::default().is_coordinator());
    }
}
