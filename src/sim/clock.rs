//! Simulated time: a real clock that may run faster than the wall, or a manual
//! clock that tests advance by hand so that nothing depends on timing.
//!
//! A fast clock runs ahead of the wall, and the learner's own kubectl
//! measures ages against the wall: an object stamped in the wall's future
//! shows `AGE <invalid>`. So a fast stretch ends with a rebase
//! ([`Clock::rebase`], done by the store with its timestamps, see
//! `Store::rebase`): simulated now is set back to the wall and every stored
//! timestamp moves by the same amount, so ages stay what they were. Time
//! measured outside the store (how long a Trino server has been up) uses
//! [`Clock::steady_now`], which a rebase does not move.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};

/// A source of "now" shared by the store, the controllers and the API server.
#[derive(Clone)]
pub struct Clock {
    inner: Arc<ClockInner>,
}

enum ClockInner {
    Real {
        base: Mutex<RealBase>,
        // Bumped whenever the speed changes, so that sleeps under way
        // measure what is left of them at the new speed.
        speed_changes: tokio::sync::watch::Sender<u64>,
    },
    Manual {
        state: Mutex<ManualState>,
        // Sleepers wait on this channel; it carries the steady manual time,
        // which rebases do not move.
        ticks: tokio::sync::watch::Sender<Timestamp>,
    },
}

/// A real clock's time base: steady simulated time `started_ts` at wall
/// time `started_at`, running `speed` times faster from there; `now` is
/// that plus the shift of the rebases so far.
struct RealBase {
    speed: f64,
    started_at: Instant,
    started_ts: Timestamp,
    shift: SignedDuration,
}

impl RealBase {
    fn steady_now(&self) -> Timestamp {
        let elapsed = self.started_at.elapsed().as_secs_f64() * self.speed;
        let scaled = SignedDuration::try_from_secs_f64(elapsed).unwrap_or(SignedDuration::ZERO);
        self.started_ts
            .checked_add(scaled)
            .unwrap_or(self.started_ts)
    }

    fn now(&self) -> Timestamp {
        shifted(self.steady_now(), self.shift)
    }
}

/// A manual clock: the steady time the tests advanced it to, and the shift
/// of the rebases so far.
struct ManualState {
    steady: Timestamp,
    shift: SignedDuration,
}

fn shifted(t: Timestamp, by: SignedDuration) -> Timestamp {
    t.checked_add(by).unwrap_or(t)
}

/// A non-positive or non-finite speed is treated as 1.0.
fn valid_speed(speed: f64) -> f64 {
    if speed.is_finite() && speed > 0.0 {
        speed
    } else {
        1.0
    }
}

impl Clock {
    /// Wall time scaled by `speed` (2.0 means simulated time runs twice as fast).
    /// A non-positive or non-finite speed is treated as 1.0.
    pub fn real(speed: f64) -> Clock {
        let (speed_changes, _) = tokio::sync::watch::channel(0);
        Clock {
            inner: Arc::new(ClockInner::Real {
                base: Mutex::new(RealBase {
                    speed: valid_speed(speed),
                    started_at: Instant::now(),
                    started_ts: Timestamp::now(),
                    shift: SignedDuration::ZERO,
                }),
                speed_changes,
            }),
        }
    }

    /// How much faster than the wall a real clock runs; 1.0 for a manual one.
    pub fn speed(&self) -> f64 {
        match &*self.inner {
            ClockInner::Real { base, .. } => base.lock().unwrap_or_else(|e| e.into_inner()).speed,
            ClockInner::Manual { .. } => 1.0,
        }
    }

    /// Runs a real clock at `speed` from now on, without a jump in simulated
    /// time. Sleeps under way run what is left of them at the new speed: a
    /// timer set while the world ran at the wall's pace (a pod's readiness
    /// due in 3 s) is 30 ms of wall time away once a 100× stretch begins.
    /// Does nothing on a manual clock.
    pub fn set_speed(&self, speed: f64) {
        if let ClockInner::Real {
            base,
            speed_changes,
        } = &*self.inner
        {
            let mut base = base.lock().unwrap_or_else(|e| e.into_inner());
            let steady = base.steady_now();
            base.speed = valid_speed(speed);
            base.started_at = Instant::now();
            base.started_ts = steady;
            drop(base);
            speed_changes.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// Sets simulated now to `to` (for a real clock, usually the wall's
    /// now), keeping the speed; returns how far now moved (`to` minus the
    /// old now). Steady time and sleeps under way are not affected. The
    /// store's timestamps must move with it: see `Store::rebase`.
    pub fn rebase(&self, to: Timestamp) -> SignedDuration {
        match &*self.inner {
            ClockInner::Real { base, .. } => {
                let mut base = base.lock().unwrap_or_else(|e| e.into_inner());
                let by = to.duration_since(base.now());
                base.shift = to.duration_since(base.steady_now());
                by
            }
            ClockInner::Manual { state, .. } => {
                let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
                let by = to.duration_since(shifted(state.steady, state.shift));
                state.shift = to.duration_since(state.steady);
                by
            }
        }
    }

    /// A deterministic clock that only moves when [`Clock::advance`] is called.
    pub fn manual(start: Timestamp) -> Clock {
        let (ticks, _) = tokio::sync::watch::channel(start);
        Clock {
            inner: Arc::new(ClockInner::Manual {
                state: Mutex::new(ManualState {
                    steady: start,
                    shift: SignedDuration::ZERO,
                }),
                ticks,
            }),
        }
    }

    /// True for a manual clock.
    pub fn is_manual(&self) -> bool {
        matches!(*self.inner, ClockInner::Manual { .. })
    }

    /// Simulated now: what the store stamps objects with.
    pub fn now(&self) -> Timestamp {
        match &*self.inner {
            ClockInner::Real { base, .. } => base.lock().unwrap_or_else(|e| e.into_inner()).now(),
            ClockInner::Manual { state, .. } => {
                let state = state.lock().unwrap_or_else(|e| e.into_inner());
                shifted(state.steady, state.shift)
            }
        }
    }

    /// Simulated now without the rebases: it only ever moves forward, with
    /// the clock's speed. For durations measured outside the store (a
    /// server's uptime); never for a timestamp the learner's tools see.
    pub fn steady_now(&self) -> Timestamp {
        match &*self.inner {
            ClockInner::Real { base, .. } => {
                base.lock().unwrap_or_else(|e| e.into_inner()).steady_now()
            }
            ClockInner::Manual { state, .. } => {
                state.lock().unwrap_or_else(|e| e.into_inner()).steady
            }
        }
    }

    /// Moves a manual clock forward and wakes sleepers whose time has come.
    /// Does nothing on a real clock.
    pub fn advance(&self, d: Duration) {
        if let ClockInner::Manual { state, ticks } = &*self.inner {
            let mut guard = state.lock().unwrap_or_else(|e| e.into_inner());
            let step = SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX);
            guard.steady = guard.steady.checked_add(step).unwrap_or(Timestamp::MAX);
            ticks.send_replace(guard.steady);
        }
    }

    /// Sleeps for `d` of simulated time: on a real clock `d / speed` of
    /// wall time, following any change of speed meanwhile; on a manual
    /// clock, until the clock has been advanced past it. A rebase during
    /// the sleep does not change when it ends.
    pub async fn sleep(&self, d: Duration) {
        match &*self.inner {
            ClockInner::Real {
                base,
                speed_changes,
            } => {
                let mut changes = speed_changes.subscribe();
                let step = SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX);
                let start = self.steady_now();
                let target = start.checked_add(step).unwrap_or(Timestamp::MAX);
                loop {
                    let wall = {
                        let base = base.lock().unwrap_or_else(|e| e.into_inner());
                        let left = target.duration_since(base.steady_now());
                        if left <= SignedDuration::ZERO {
                            return;
                        }
                        left.unsigned_abs().div_f64(base.speed)
                    };
                    tokio::select! {
                        () = tokio::time::sleep(wall) => {}
                        // The sender lives as long as `self`: this only
                        // ends when the speed changed.
                        _ = changes.changed() => {}
                    }
                }
            }
            ClockInner::Manual { ticks, .. } => {
                let start = self.steady_now();
                let step = SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX);
                let target = start.checked_add(step).unwrap_or(Timestamp::MAX);
                let mut rx = ticks.subscribe();
                // The sender lives as long as `self`, so wait_for only ends on success.
                let _ = rx.wait_for(|now| *now >= target).await;
            }
        }
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.is_manual() { "manual" } else { "real" };
        write!(f, "Clock({kind}, {})", self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> Timestamp {
        "2026-01-01T00:00:00Z".parse().expect("valid timestamp")
    }

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let clock = Clock::manual(start());
        assert_eq!(clock.now(), start());
        clock.advance(Duration::from_secs(90));
        assert_eq!(clock.now().to_string(), "2026-01-01T00:01:30Z");
        let copy = clock.clone();
        copy.advance(Duration::from_secs(30));
        assert_eq!(clock.now().to_string(), "2026-01-01T00:02:00Z");
    }

    #[tokio::test]
    async fn manual_sleep_resolves_after_advance() {
        let clock = Clock::manual(start());
        let sleeper = clock.clone();
        let task = tokio::spawn(async move { sleeper.sleep(Duration::from_secs(10)).await });
        tokio::task::yield_now().await;
        clock.advance(Duration::from_secs(5));
        tokio::task::yield_now().await;
        assert!(!task.is_finished(), "slept only half way");
        clock.advance(Duration::from_secs(5));
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("sleep ends once advanced")
            .expect("task ok");
    }

    #[test]
    fn set_speed_keeps_the_time_and_changes_the_rate() {
        let clock = Clock::real(1000.0);
        std::thread::sleep(Duration::from_millis(20));
        let before = clock.now();
        clock.set_speed(1.0);
        assert_eq!(clock.speed(), 1.0);
        let after = clock.now();
        // No jump: the simulated time carries on from where it was.
        assert!(after >= before, "{before} then {after}");
        assert!(
            after.duration_since(before) < SignedDuration::from_secs(5),
            "{before} then {after}"
        );
        let manual = Clock::manual(start());
        manual.set_speed(40.0);
        assert_eq!(manual.speed(), 1.0, "a manual clock has no speed");
        assert_eq!(manual.now(), start());
    }

    #[tokio::test]
    async fn real_clock_runs_faster_with_speed() {
        let clock = Clock::real(1000.0);
        let before = clock.now();
        clock.sleep(Duration::from_secs(10)).await; // 10 ms of wall time
        let elapsed = clock.now().duration_since(before);
        assert!(elapsed >= SignedDuration::from_secs(9), "{elapsed:?}");
    }

    #[tokio::test]
    async fn a_sleep_under_way_follows_a_change_of_speed() {
        let clock = Clock::real(1.0);
        let sleeper = clock.clone();
        let task = tokio::spawn(async move { sleeper.sleep(Duration::from_secs(3600)).await });
        // Let the sleep begin at the wall's pace, where it would last an hour.
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!task.is_finished(), "an hour has not passed");
        clock.set_speed(1_000_000.0);
        tokio::time::timeout(Duration::from_secs(30), task)
            .await
            .expect("what is left of the hour runs at the new speed")
            .expect("task ok");
    }

    #[test]
    fn a_rebase_moves_now_but_not_steady_time() {
        let clock = Clock::manual(start());
        clock.advance(Duration::from_secs(600));
        let wall: Timestamp = "2026-01-01T00:02:00Z".parse().expect("valid timestamp");
        let moved = clock.rebase(wall);
        assert_eq!(moved, SignedDuration::from_secs(-480));
        assert_eq!(clock.now(), wall);
        assert_eq!(clock.steady_now().to_string(), "2026-01-01T00:10:00Z");
        clock.advance(Duration::from_secs(30));
        assert_eq!(clock.now().to_string(), "2026-01-01T00:02:30Z");
        // A second rebase says how far it moved from the rebased now.
        assert_eq!(clock.rebase(wall), SignedDuration::from_secs(-30));
    }

    #[tokio::test]
    async fn a_sleep_under_way_is_not_moved_by_a_rebase() {
        let clock = Clock::manual(start());
        let sleeper = clock.clone();
        let task = tokio::spawn(async move { sleeper.sleep(Duration::from_secs(10)).await });
        tokio::task::yield_now().await;
        clock.rebase(
            start()
                .checked_add(SignedDuration::from_hours(1))
                .expect("in range"),
        );
        tokio::task::yield_now().await;
        assert!(!task.is_finished(), "a rebase forward is no time passing");
        clock.advance(Duration::from_secs(10));
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("sleep ends once advanced")
            .expect("task ok");
    }

    #[test]
    fn a_real_clock_rebased_to_the_wall_is_not_ahead_of_it() {
        let clock = Clock::real(1000.0);
        std::thread::sleep(Duration::from_millis(20));
        assert!(clock.now() > Timestamp::now(), "a fast clock runs ahead");
        clock.set_speed(1.0);
        let moved = clock.rebase(Timestamp::now());
        assert!(moved < SignedDuration::ZERO, "{moved:?}");
        // At the wall's pace from the wall's now: at most the clocks' grain apart.
        let gap = clock.now().duration_since(Timestamp::now());
        assert!(gap < SignedDuration::from_secs(1), "{gap:?}");
        assert!(
            clock.steady_now() > clock.now(),
            "steady time keeps its lead"
        );
    }
}
