//! Fast-forward: a presenter hurries a long simulated wait (an eksctl run
//! that plays for minutes). While a [`FastForward`] is held, the clusters'
//! clocks run fast (a [`FastStretch`]) and eksctl's paced plans move
//! [`FORWARD_FACTOR`] times faster through their remaining waits. Log lines
//! keep their order and stages their share of the run; only the wall time
//! between them shrinks.

use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::pace::{FastStretch, PaceControl};

/// How much faster a plan's waits pass while fast-forwarded.
pub const FORWARD_FACTOR: f64 = 20.0;
/// The longest a plan sleeps before it looks at the factor again.
const LOOK_EVERY: Duration = Duration::from_millis(100);

/// The factors of the fast-forwards held (shared by the world's plans):
/// a presenter's `f` and a build-up may overlap, and the fastest wins.
#[derive(Debug, Clone, Default)]
pub(super) struct Forwards(Arc<Mutex<Vec<f64>>>);

impl Forwards {
    /// How much faster than the wall plans move now.
    pub fn factor(&self) -> f64 {
        self.held().iter().copied().fold(1.0, f64::max)
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Vec<f64>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn hold(&self, factor: f64) {
        self.held().push(factor);
    }

    fn release(&self, factor: f64) {
        let mut held = self.held();
        if let Some(i) = held.iter().position(|f| *f == factor) {
            held.swap_remove(i);
        }
    }
}

/// While held, the world runs fast; dropped, it goes back to its pace.
#[must_use = "the fast-forward ends when this is dropped"]
pub struct FastForward {
    forwards: Forwards,
    factor: f64,
    _stretch: FastStretch,
}

impl FastForward {
    pub(super) fn start(control: &PaceControl, speed: f64, factor: f64) -> FastForward {
        let factor = if factor.is_finite() && factor >= 1.0 {
            factor
        } else {
            1.0
        };
        control.forwards.hold(factor);
        FastForward {
            forwards: control.forwards.clone(),
            factor,
            _stretch: FastStretch::start_at(control, speed),
        }
    }
}

impl Drop for FastForward {
    fn drop(&mut self) {
        self.forwards.release(self.factor);
    }
}

/// A plan's own time: it passes with the wall, faster while fast-forwarded.
pub(super) struct Timeline {
    forwards: Forwards,
    last: Instant,
    elapsed: Duration,
}

impl Timeline {
    pub fn start(forwards: &Forwards) -> Timeline {
        Timeline {
            forwards: forwards.clone(),
            last: Instant::now(),
            elapsed: Duration::ZERO,
        }
    }

    /// The plan's time since it started.
    pub fn elapsed(&mut self) -> Duration {
        self.advance(Instant::now())
    }

    /// The plan's time at `now`: the wall time since the last look, at
    /// the factor of now.
    fn advance(&mut self, now: Instant) -> Duration {
        let wall = now.saturating_duration_since(self.last);
        self.last = self.last.max(now);
        self.elapsed += wall.mul_f64(self.forwards.factor());
        self.elapsed
    }

    /// Waits until the plan's time reaches `at`.
    pub async fn wait_until(&mut self, at: Duration) {
        loop {
            let now = self.elapsed();
            if now >= at {
                return;
            }
            let left = (at - now).div_f64(self.forwards.factor());
            tokio::time::sleep(left.min(LOOK_EVERY)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeline_moves_faster_while_forwarded_and_never_back() {
        let forwards = Forwards::default();
        let mut timeline = Timeline::start(&forwards);
        let start = timeline.last;
        let second = Duration::from_secs(1);
        assert_eq!(timeline.advance(start + second), second);
        let held = FastForwardCount::hold(&forwards);
        assert_eq!(forwards.factor(), FORWARD_FACTOR);
        assert_eq!(
            timeline.advance(start + 2 * second),
            second + second.mul_f64(FORWARD_FACTOR)
        );
        drop(held);
        assert_eq!(forwards.factor(), 1.0);
        let before = timeline.advance(start + 3 * second);
        assert_eq!(before, 2 * second + second.mul_f64(FORWARD_FACTOR));
        // A look at an earlier instant adds nothing, and takes nothing back.
        assert_eq!(timeline.advance(start), before);
        assert_eq!(timeline.advance(start + 4 * second), before + second);
    }

    /// Holds a fast-forward's factor without a world's clocks.
    struct FastForwardCount(Forwards, f64);

    impl FastForwardCount {
        fn hold(forwards: &Forwards) -> Self {
            Self::hold_at(forwards, FORWARD_FACTOR)
        }

        fn hold_at(forwards: &Forwards, factor: f64) -> Self {
            forwards.hold(factor);
            FastForwardCount(forwards.clone(), factor)
        }
    }

    impl Drop for FastForwardCount {
        fn drop(&mut self) {
            self.0.release(self.1);
        }
    }

    #[test]
    fn the_fastest_forward_held_wins_and_each_ends_alone() {
        let forwards = Forwards::default();
        let presenter = FastForwardCount::hold(&forwards);
        let build_up = FastForwardCount::hold_at(&forwards, 200.0);
        assert_eq!(forwards.factor(), 200.0);
        drop(build_up);
        assert_eq!(forwards.factor(), FORWARD_FACTOR);
        drop(presenter);
        assert_eq!(forwards.factor(), 1.0);
    }
}
