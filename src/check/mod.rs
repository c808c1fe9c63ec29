//! Runs a lesson's declarative checks against a cluster, an EKS endpoint or an
//! HTTP URL. The same code serves every backend; only the endpoints differ.
//!
//! Each check kind is evaluated in its own file under `kinds/`. Kubernetes
//! checks are watch-driven: they resolve as soon as the condition holds, and
//! at the timeout they report the last state they saw.

mod eks;
mod error;
mod kinds;
mod watch;

use std::time::Duration;

use crate::lesson::Check;

pub use eks::EksTarget;
pub use error::CheckError;

/// Where checks look. A check whose endpoint is missing fails with a clear reason.
#[derive(Clone, Default)]
pub struct CheckContext {
    pub kube: Option<kube::Client>,
    pub eks: Option<EksTarget>,
    pub http: reqwest::Client,
    /// Local ports a port-forward asked for but found taken, with the port it
    /// used instead: an `http` check on 127.0.0.1 or localhost follows it.
    pub moved_ports: std::collections::BTreeMap<u16, u16>,
    /// How much faster than the wall the backend's clock runs (the dry-run
    /// world with `--pace fast`); `None` is real time. Check timeouts are
    /// simulated time, so they shrink by it.
    pub clock_speed: Option<f64>,
    /// The kubeconfig whose current context `kubeconfig-context` checks
    /// read; `None` is the user's own (`KUBECONFIG`, else `~/.kube/config`).
    pub kubeconfig: Option<std::path::PathBuf>,
}

impl CheckContext {
    /// Wall time for `simulated` time on this backend's clock.
    pub fn wall(&self, simulated: Duration) -> Duration {
        match self.clock_speed {
            Some(speed) if speed.is_finite() && speed > 0.0 => simulated.div_f64(speed),
            _ => simulated,
        }
    }

    /// How long a check may wait in wall time: its timeout on the backend's
    /// clock, but never less than `MIN_CHECK_WALL` (or the timeout itself,
    /// when that is shorter). At the fast pace a 20 s check would otherwise
    /// get 0.2 s, and on a busy machine the simulated controllers may not get
    /// the processor within that; a check that holds returns at once, so the
    /// floor costs only a check that fails.
    pub fn check_wall(&self, timeout: Duration) -> Duration {
        self.wall(timeout).max(timeout.min(MIN_CHECK_WALL))
    }

    /// How long a check may see the same thing, with nothing changing,
    /// before it counts as stalled: `STALL_GRACE` of simulated time, and
    /// never more than a third of the check's own timeout.
    pub fn stall_grace(&self, check: &Check) -> Duration {
        self.wall(STALL_GRACE.min(check.timeout / 3))
    }
}

/// See `CheckContext::check_wall`.
pub const MIN_CHECK_WALL: Duration = Duration::from_secs(3);

/// See `CheckContext::stall_grace`.
pub const STALL_GRACE: Duration = Duration::from_secs(15);

/// What a running check sees at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observation {
    pub seen: String,
    /// Whether anything it looks for exists (a pod with the label, the
    /// named object); false too for checks that look at no objects.
    pub matched: bool,
}

impl Observation {
    /// Whether a check that saw this for its grace period, with nothing
    /// changing, is clearly not getting anywhere.
    pub fn stalled(&self) -> bool {
        !self.matched && !self.seen.is_empty()
    }
}

tokio::task_local! {
    /// What the running check saw last, for whoever watches it (`run_observed`).
    static SEEN: tokio::sync::watch::Sender<Observation>;
}

/// Tells the observer of the running check (if any) what it sees now; the
/// watch channel only wakes it when that changed.
pub(crate) fn observe(seen: &str, matched: bool) {
    let _ = SEEN.try_with(|tx| {
        tx.send_if_modified(|old| {
            if old.seen == seen && old.matched == matched {
                false
            } else {
                seen.clone_into(&mut old.seen);
                old.matched = matched;
                true
            }
        })
    });
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    Passed {
        /// What was seen when the condition held.
        seen: String,
        elapsed: Duration,
    },
    Failed {
        /// Why it did not pass; a timeout carries the last state seen.
        error: CheckError,
        hint: String,
        elapsed: Duration,
    },
}

impl CheckOutcome {
    pub fn passed(&self) -> bool {
        matches!(self, CheckOutcome::Passed { .. })
    }
}

/// Whether a condition holds, and a one-line description of what was seen,
/// so that a failed check can say how close it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub holds: bool,
    pub seen: String,
    /// What was seen means it cannot come to hold without the learner
    /// doing something (a nodegroup nothing is creating): stop waiting.
    pub hopeless: bool,
}

impl Evaluation {
    pub(crate) fn new(holds: bool, seen: impl Into<String>) -> Self {
        Evaluation {
            holds,
            seen: seen.into(),
            hopeless: false,
        }
    }

    /// Does not hold, and will not while nothing changes: no use waiting.
    pub(crate) fn hopeless(seen: impl Into<String>) -> Self {
        Evaluation {
            holds: false,
            seen: seen.into(),
            hopeless: true,
        }
    }
}

/// Run one check (with profile variables already expanded) until it passes or
/// its timeout ends.
pub async fn run(ctx: &CheckContext, check: &Check) -> CheckOutcome {
    let started = tokio::time::Instant::now();
    let result = kinds::until_holds(&check.kind, ctx, ctx.check_wall(check.timeout))
        .await
        // The timeout the learner reads is the lesson's, in simulated time.
        .map_err(|error| match error {
            CheckError::TimedOut { last_seen, .. } => CheckError::TimedOut {
                after: check.timeout,
                last_seen,
            },
            other => other,
        });
    let elapsed = started.elapsed();
    match result {
        Ok(seen) => CheckOutcome::Passed { seen, elapsed },
        Err(error) => CheckOutcome::Failed {
            error,
            hint: check.hint.clone(),
            elapsed,
        },
    }
}

/// `run`, sending each new thing the check sees to `seen`, so the caller can
/// tell a check that is getting somewhere from one where nothing changes.
pub async fn run_observed(
    ctx: &CheckContext,
    check: &Check,
    seen: tokio::sync::watch::Sender<Observation>,
) -> CheckOutcome {
    SEEN.scope(seen, run(ctx, check)).await
}

/// Try `attempt` every `every` until what it sees holds or `timeout` ends; on
/// timeout, report the last thing an attempt saw.
pub(crate) async fn poll_until<F, Fut>(
    timeout: Duration,
    every: Duration,
    first_seen: String,
    mut attempt: F,
) -> Result<String, CheckError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Evaluation>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last_seen = first_seen;
    loop {
        match tokio::time::timeout_at(deadline, attempt()).await {
            Ok(evaluation) if evaluation.holds => return Ok(evaluation.seen),
            Ok(evaluation) if evaluation.hopeless => {
                return Err(CheckError::WillNotHold {
                    seen: evaluation.seen,
                });
            }
            Ok(evaluation) => {
                observe(&evaluation.seen, false);
                last_seen = evaluation.seen;
            }
            Err(_) => break,
        }
        if tokio::time::Instant::now() + every >= deadline {
            break;
        }
        tokio::time::sleep(every).await;
    }
    Err(CheckError::TimedOut {
        after: timeout,
        last_seen,
    })
}

/// A kube client for a plain-http API server such as the simulator's.
pub fn client_for_url(url: &str) -> Result<kube::Client, CheckError> {
    let uri: http::Uri =
        url.parse()
            .map_err(|e: http::uri::InvalidUri| CheckError::InvalidUrl {
                url: url.to_string(),
                reason: e.to_string(),
            })?;
    kube::Client::try_from(kube::Config::new(uri)).map_err(|e| CheckError::Client {
        url: url.to_string(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::{CheckKind, checks};

    fn check(timeout: Duration) -> Check {
        Check {
            kind: CheckKind::Pods(checks::Pods {
                selector: "app=web".to_string(),
                namespace: None,
                count: Some(1),
                phase: None,
                reason: None,
                min_restarts: None,
            }),
            timeout,
            hint: "look at the pods".to_string(),
            span: Default::default(),
        }
    }

    #[test]
    fn timeouts_follow_the_backends_clock() {
        let real = CheckContext::default();
        assert_eq!(
            real.wall(Duration::from_secs(300)),
            Duration::from_secs(300)
        );
        let fast = CheckContext {
            clock_speed: Some(40.0),
            ..CheckContext::default()
        };
        assert_eq!(
            fast.wall(Duration::from_secs(300)),
            Duration::from_millis(7500)
        );
        let broken = CheckContext {
            clock_speed: Some(0.0),
            ..CheckContext::default()
        };
        assert_eq!(broken.wall(Duration::from_secs(3)), Duration::from_secs(3));
    }

    #[test]
    fn a_fast_clock_leaves_a_check_some_wall_time() {
        let fast = CheckContext {
            clock_speed: Some(100.0),
            ..CheckContext::default()
        };
        // 20 s at 100x would be 0.2 s of wall time: the floor applies.
        assert_eq!(fast.check_wall(Duration::from_secs(20)), MIN_CHECK_WALL);
        // A long timeout is still shortened by the clock.
        assert_eq!(
            fast.check_wall(Duration::from_secs(600)),
            Duration::from_secs(6)
        );
        // A timeout shorter than the floor is kept whole, never lengthened.
        assert_eq!(
            fast.check_wall(Duration::from_secs(1)),
            Duration::from_secs(1)
        );
        let real = CheckContext::default();
        assert_eq!(
            real.check_wall(Duration::from_secs(20)),
            Duration::from_secs(20)
        );
    }

    #[test]
    fn the_grace_is_short_and_never_most_of_the_timeout() {
        let real = CheckContext::default();
        assert_eq!(
            real.stall_grace(&check(Duration::from_secs(120))),
            STALL_GRACE
        );
        assert_eq!(
            real.stall_grace(&check(Duration::from_secs(3))),
            Duration::from_secs(1)
        );
        let fast = CheckContext {
            clock_speed: Some(40.0),
            ..CheckContext::default()
        };
        assert_eq!(
            fast.stall_grace(&check(Duration::from_secs(120))),
            Duration::from_millis(375)
        );
    }

    #[test]
    fn only_a_check_that_matches_nothing_is_stalled() {
        let nothing = Observation {
            seen: "0 pod(s) match \"app=web\"".to_string(),
            matched: false,
        };
        assert!(nothing.stalled());
        let some = Observation {
            matched: true,
            ..nothing.clone()
        };
        assert!(!some.stalled());
        assert!(!Observation::default().stalled(), "nothing seen yet");
    }

    #[tokio::test]
    async fn observe_reports_what_the_check_sees_to_its_observer() {
        let (tx, mut rx) = tokio::sync::watch::channel(Observation::default());
        let reported = SEEN.scope(tx, async {
            observe("0 pod(s) match", false);
            observe("0 pod(s) match", false);
            observe("1 pod(s) match", true);
        });
        reported.await;
        let last = rx.borrow_and_update().clone();
        assert_eq!(
            last,
            Observation {
                seen: "1 pod(s) match".to_string(),
                matched: true
            }
        );
    }
}
