//! Building what a lesson needs: the lessons that provide its `needs`
//! (`crate::lesson::needs`), those whose state is not there now, run quickly
//! so that the lesson can start on its own. `trinetes run` and the TUI both
//! use it.

use std::time::Duration;

use crate::backend::Backend;
use crate::check;
use crate::lesson::{Lesson, Step, needs};
use crate::sim::world::FastForward;

/// How long a probe waits for a check of a provider's state: the state is
/// either there or not, so this only covers the first answer of a watch.
pub const PROBE_WAIT: Duration = Duration::from_secs(5);

/// How much faster than the wall the dry-run world's clock runs while a
/// build-up runs (the `--pace fast` speed).
pub const BUILD_UP_SPEED: f64 = 40.0;

/// The lessons to run before `lesson`, in order: those that provide what it
/// needs (and what they need), less those whose state the backend has now.
/// `all` holds every lesson, expanded for the profile.
pub async fn missing<'a>(
    backend: &dyn Backend,
    all: &'a [Lesson],
    lesson: &Lesson,
) -> Vec<&'a Lesson> {
    let all: Vec<&Lesson> = all.iter().collect();
    let mut missing = Vec::new();
    for provider in needs::build_order(&all, lesson) {
        if !present(backend, provider).await {
            missing.push(provider);
        }
    }
    missing
}

/// Whether what `provider` makes is there now: the checks of its last step
/// that runs here (and builds something, see [`needs::build_steps`]) hold.
/// A provider with no such step cannot be probed, so it counts as missing.
pub async fn present(backend: &dyn Backend, provider: &Lesson) -> bool {
    let Some(proof) = proof_step(backend, provider) else {
        return false;
    };
    let mut ctx = backend.step_check_context(proof);
    // The probe's wait is wall time, whatever the world's pace; the world
    // runs fast meanwhile, so that a world just restored (its pods starting
    // again, as after a node restart) settles within it.
    ctx.clock_speed = None;
    let _fast = backend.fast_stretch_at(BUILD_UP_SPEED);
    for c in &proof.checks {
        let mut probe = c.clone();
        probe.timeout = PROBE_WAIT;
        if !check::run(&ctx, &probe).await.passed() {
            return false;
        }
    }
    true
}

/// The step whose checks prove a provider's state on this backend.
pub fn proof_step<'a>(backend: &dyn Backend, provider: &'a Lesson) -> Option<&'a Step> {
    needs::build_steps(provider)
        .filter(|s| !s.checks.is_empty())
        .filter(|s| s.profile_skip_reason().is_none() && backend.skip_reason(s).is_none())
        .last()
}

/// How much faster than the session's pace simulated eksctl plays while a
/// build-up runs: the 60 s of `--pace-total 60s` take 0.3 s, a realistic
/// create's 15 minutes 4.5 s.
pub const BUILD_UP_FACTOR: f64 = 200.0;

/// Runs the backend's clock at [`BUILD_UP_SPEED`] or faster, and its
/// simulated eksctl [`BUILD_UP_FACTOR`] times faster, until the answer is
/// given to [`unhurry`].
pub fn hurry(backend: &dyn Backend) -> Option<FastForward> {
    backend.fast_forward_by(BUILD_UP_SPEED, BUILD_UP_FACTOR)
}

/// Ends what [`hurry`] started; true when it had changed the clock.
pub fn unhurry(backend: &dyn Backend, before: Option<FastForward>) -> bool {
    let _ = backend;
    before.is_some()
}

/// One line naming what a lesson needs and which lessons build it, e.g.
/// "helm-trino needs eks-cluster: running lesson eks first".
pub fn summary(lesson: &Lesson, builders: &[&Lesson]) -> String {
    let ids: Vec<&str> = builders.iter().map(|l| l.front.id.as_str()).collect();
    format!(
        "{} needs {}, which is not there: running lesson{} {} first, at a fast pace",
        lesson.front.id,
        lesson.front.needs.join(" and "),
        if ids.len() == 1 { "" } else { "s" },
        ids.join(", then ")
    )
}
