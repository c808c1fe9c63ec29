//! A simulated cluster with controllers on a manual clock that a ticker
//! moves one simulated second every few milliseconds (so kubectl's waits
//! finish), a private kubeconfig and cache, the machine's kubectl, and
//! golden-file comparison with masking.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::task::JoinHandle;
use trinetes::sim::Clock;
use trinetes::sim::cluster::{SimCluster, SimOptions};

pub struct Cluster {
    pub cluster: SimCluster,
    pub dir: tempfile::TempDir,
    ticker: JoinHandle<()>,
}

impl Cluster {
    pub async fn start() -> Cluster {
        let dir = tempfile::tempdir().expect("tempdir");
        let clock = Clock::manual("2026-03-01T10:00:00Z".parse().expect("valid time"));
        let cluster = SimCluster::start(SimOptions {
            kubeconfig: Some(dir.path().join("kubeconfig")),
            clock: clock.clone(),
            system_pods: false,
            ..SimOptions::default()
        })
        .await
        .expect("the simulated cluster starts");
        std::fs::create_dir_all(dir.path().join("cache")).expect("cache dir");
        let ticker = tokio::spawn(async move {
            // Bounded: at most an hour of simulated time, far beyond any test.
            for _ in 0..3600 {
                tokio::time::sleep(Duration::from_millis(20)).await;
                clock.advance(Duration::from_secs(1));
            }
        });
        Cluster {
            cluster,
            dir,
            ticker,
        }
    }

    pub fn kubeconfig(&self) -> PathBuf {
        self.dir.path().join("kubeconfig")
    }

    /// Runs kubectl (bounded to 90 s); fails the test on a non-zero exit.
    pub async fn kubectl(&self, args: &[&str]) -> String {
        let (code, stdout, stderr) = self.kubectl_status(args).await;
        assert_eq!(code, 0, "kubectl {args:?} failed: {stderr}");
        stdout
    }

    pub async fn kubectl_status(&self, args: &[&str]) -> (i32, String, String) {
        let mut cmd = tokio::process::Command::new("kubectl");
        cmd.args(args)
            .env("KUBECONFIG", self.kubeconfig())
            .env("KUBECACHEDIR", self.dir.path().join("cache"))
            .env("HOME", self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("kubectl could not be run ({e}): install kubectl 1.32"));
        let out = tokio::time::timeout(Duration::from_secs(90), child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("kubectl {args:?} did not finish within 90 s"))
            .expect("kubectl output");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub async fn stop(self) {
        self.ticker.abort();
        self.cluster.stop().await;
    }
}

/// Replaces what differs from run to run: ages, times, hashes, pod name
/// suffixes, addresses, uids.
pub fn mask(text: &str) -> String {
    let rules: &[(&str, &str)] = &[
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "<TIME>"),
        (
            r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}",
            "<DATE>",
        ),
        (
            r"(web-)[bcdfghjklmnpqrstvwxz2456789]{6,10}(-[bcdfghjklmnpqrstvwxz2456789]{5})?",
            "${1}<HASH>${2}",
        ),
        (r"(<HASH>-)[bcdfghjklmnpqrstvwxz2456789]{5}", "${1}<SUFFIX>"),
        (r"\b\d+\.\d+\.\d+\.\d+\b", "<IP>"),
        (r"\b\d+(\.\d+)?(s|m|h|d)(\d+s|\d+m)?\b", "<AGE>"),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "<UID>",
        ),
    ];
    let mut out = text.to_string();
    for (pattern, replacement) in rules {
        out = regex::Regex::new(pattern)
            .expect("valid regex")
            .replace_all(&out, *replacement)
            .into_owned();
    }
    // Column widths follow the masked values' lengths; compare words.
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Compares masked output with tests/golden/NAME.txt; with
/// TRINETES_UPDATE_GOLDEN=1 it writes the file instead.
pub fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.txt"));
    let masked = mask(actual);
    if std::env::var_os("TRINETES_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &masked).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "missing golden file {} ({e}); run with TRINETES_UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    assert_eq!(
        masked,
        expected,
        "output differs from {} (raw output:\n{actual})",
        path.display()
    );
}
