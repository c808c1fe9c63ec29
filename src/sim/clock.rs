//! Simulated time: a real clock that may run faster than the wall, or a manual
//! clock that tests advance by hand so that nothing depends on timing.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};

/// A source of "now" shared by the store, the controllers and the API server.
#[derive(Clone)]
pub struct Clock {
    inner: Arc<ClockInner>,
}

enum ClockInner {
    Real(Mutex<RealBase>),
    Manual {
        now: Mutex<Timestamp>,
        // Sleepers wait on this channel; it carries the current manual time.
        ticks: tokio::sync::watch::Sender<Timestamp>,
    },
}

/// A real clock's time base: simulated time `started_ts` at wall time
/// `started_at`, running `speed` times faster from there.
struct RealBase {
    speed: f64,
    started_at: Instant,
    started_ts: Timestamp,
}

impl RealBase {
    fn now(&self) -> Timestamp {
        let elapsed = self.started_at.elapsed().as_secs_f64() * self.speed;
        let scaled = SignedDuration::try_from_secs_f64(elapsed).unwrap_or(SignedDuration::ZERO);
        self.started_ts
            .checked_add(scaled)
            .unwrap_or(self.started_ts)
    }
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
        Clock {
            inner: Arc::new(ClockInner::Real(Mutex::new(RealBase {
                speed: valid_speed(speed),
                started_at: Instant::now(),
                started_ts: Timestamp::now(),
            }))),
        }
    }

    /// How much faster than the wall a real clock runs; 1.0 for a manual one.
    pub fn speed(&self) -> f64 {
        match &*self.inner {
            ClockInner::Real(base) => base.lock().unwrap_or_else(|e| e.into_inner()).speed,
            ClockInner::Manual { .. } => 1.0,
        }
    }

    /// Runs a real clock at `speed` from now on, without a jump in simulated
    /// time. Sleeps already under way keep the wall time they were given.
    /// Does nothing on a manual clock.
    pub fn set_speed(&self, speed: f64) {
        if let ClockInner::Real(base) = &*self.inner {
            let mut base = base.lock().unwrap_or_else(|e| e.into_inner());
            let now = base.now();
            *base = RealBase {
                speed: valid_speed(speed),
                started_at: Instant::now(),
                started_ts: now,
            };
        }
    }

    /// A deterministic clock that only moves when [`Clock::advance`] is called.
    pub fn manual(start: Timestamp) -> Clock {
        let (ticks, _) = tokio::sync::watch::channel(start);
        Clock {
            inner: Arc::new(ClockInner::Manual {
                now: Mutex::new(start),
                ticks,
            }),
        }
    }

    /// True for a manual clock.
    pub fn is_manual(&self) -> bool {
        matches!(*self.inner, ClockInner::Manual { .. })
    }

    pub fn now(&self) -> Timestamp {
        match &*self.inner {
            ClockInner::Real(base) => base.lock().unwrap_or_else(|e| e.into_inner()).now(),
            ClockInner::Manual { now, .. } => *now.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a manual clock forward and wakes sleepers whose time has come.
    /// Does nothing on a real clock.
    pub fn advance(&self, d: Duration) {
        if let ClockInner::Manual { now, ticks } = &*self.inner {
            let mut guard = now.lock().unwrap_or_else(|e| e.into_inner());
            let step = SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX);
            *guard = guard.checked_add(step).unwrap_or(Timestamp::MAX);
            ticks.send_replace(*guard);
        }
    }

    /// Sleeps for `d` of simulated time: `d / speed` of wall time on a real
    /// clock; on a manual clock, until the clock has been advanced past it.
    pub async fn sleep(&self, d: Duration) {
        match &*self.inner {
            ClockInner::Real(_) => {
                tokio::time::sleep(d.div_f64(self.speed())).await;
            }
            ClockInner::Manual { ticks, .. } => {
                let start = self.now();
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
}
