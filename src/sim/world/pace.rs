//! The world's pace: a fast pace runs the clusters' clocks faster than the
//! wall only during a fast stretch (a step and its checks); when the last
//! stretch ends they drop to the wall's pace and are rebased to the wall.
//!
//! Why: the learner's kubectl measures ages against the wall, so a
//! timestamp in the wall's future shows `AGE <invalid>`. A fast clock must
//! therefore run behind the wall while it is fast, and be at the wall when
//! the learner is on their own. A stretch starts by moving the clocks (and
//! every stored timestamp, so ages within the world stay) [`HEADROOM`]
//! behind the wall; at 100 times the wall's pace (`FAST_SPEED`) that lasts
//! 6 s of wall time, several times what a fast step takes. It ends by
//! moving them to the wall.
//! The price: during a stretch, kubectl's ages are too old by what is left
//! of the headroom (10 minutes at most), never `<invalid>`. A stretch that
//! outlasts its headroom still stores no time after the wall: the store
//! brings any later one back to the wall (see `Store::rebase`), so that
//! holds also for a write that read the time before a move and landed
//! after it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use jiff::{SignedDuration, Timestamp};

use super::ClusterEntry;
use crate::sim::Clock;

/// How far behind the wall the clocks go at the start of a fast stretch.
pub const HEADROOM: SignedDuration = SignedDuration::from_mins(10);

/// The speeds of a world: the pace's, the one the clocks run at now, and
/// how many fast stretches are held.
#[derive(Debug)]
pub(super) struct Speeds {
    pub pace: f64,
    pub now: f64,
    pub stretches: usize,
}

/// What a stretch needs to change the world's clocks.
#[derive(Clone)]
pub(super) struct PaceControl {
    pub speeds: Arc<Mutex<Speeds>>,
    pub clusters: Arc<Mutex<BTreeMap<String, ClusterEntry>>>,
    /// The fast-forwards held (see `forward.rs`).
    pub forwards: super::forward::Forwards,
}

impl PaceControl {
    pub fn speeds(&self) -> MutexGuard<'_, Speeds> {
        self.speeds.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs every cluster's clock at `speed`. Going to the wall's pace
    /// rebases them to the wall; going faster first moves them
    /// [`HEADROOM`] behind it.
    pub fn set(&self, speed: f64) {
        let mut speeds = self.speeds();
        self.apply(&mut speeds, speed);
    }

    /// [`PaceControl::set`] with the speeds already locked, so that a
    /// stretch that starts or ends meanwhile waits its turn.
    fn apply(&self, speeds: &mut Speeds, speed: f64) {
        speeds.now = speed;
        let clusters = self.clusters.lock().unwrap_or_else(|e| e.into_inner());
        for entry in clusters.values() {
            let store = entry.cluster.store();
            store.rebase(base_for(speed));
            store.clock().set_speed(speed);
        }
    }

    /// A clock for a cluster started now, at the speed and base the others have.
    pub fn new_clock(&self) -> Clock {
        let clock = Clock::real(self.speeds().now);
        clock.rebase(self.base());
        clock
    }

    /// A clock for a restored cluster: at the wall, where a restored store
    /// puts its timestamps; [`PaceControl::settle`] then moves both to
    /// where the other clusters are.
    pub fn restored_clock(&self) -> Clock {
        Clock::real(self.speeds().now)
    }

    /// Moves a restored store (clock and timestamps) to the others' base.
    pub fn settle(&self, store: &crate::sim::store::Store) {
        store.rebase(self.base());
    }

    /// Where the clocks stand now: at the wall, or behind it when fast.
    fn base(&self) -> Timestamp {
        base_for(self.speeds().now)
    }
}

/// Where a clock running at `speed` starts: at the wall, or behind it when fast.
fn base_for(speed: f64) -> Timestamp {
    let wall = Timestamp::now();
    if speed > 1.0 {
        wall.checked_sub(HEADROOM).unwrap_or(wall)
    } else {
        wall
    }
}

/// While held, the world's clocks run at the pace's speed. Dropping the
/// last one brings them to the wall's pace and the wall's time.
#[must_use = "the stretch ends when this is dropped"]
pub struct FastStretch {
    control: Option<PaceControl>,
}

impl FastStretch {
    /// A stretch at `speed` (at least), whatever the pace: the first
    /// stretch sets the speed, a faster one raises it; the last one to end
    /// brings the clocks back to the wall.
    pub(super) fn start_at(control: &PaceControl, speed: f64) -> FastStretch {
        if speed.is_nan() || speed <= 1.0 {
            return FastStretch { control: None };
        }
        let mut speeds = control.speeds();
        speeds.stretches += 1;
        if speeds.stretches == 1 || speed > speeds.now {
            control.apply(&mut speeds, speed);
        }
        drop(speeds);
        FastStretch {
            control: Some(control.clone()),
        }
    }

    pub(super) fn start(control: &PaceControl) -> FastStretch {
        let mut speeds = control.speeds();
        if speeds.pace == 1.0 {
            return FastStretch { control: None };
        }
        speeds.stretches += 1;
        if speeds.stretches == 1 {
            let pace = speeds.pace;
            control.apply(&mut speeds, pace);
        }
        drop(speeds);
        FastStretch {
            control: Some(control.clone()),
        }
    }
}

impl Drop for FastStretch {
    fn drop(&mut self) {
        let Some(control) = self.control.take() else {
            return;
        };
        let mut speeds = control.speeds();
        speeds.stretches = speeds.stretches.saturating_sub(1);
        if speeds.stretches == 0 {
            control.apply(&mut speeds, 1.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fast_clock_starts_behind_the_wall_and_a_real_one_at_it() {
        let behind = |t: Timestamp| t.checked_sub(HEADROOM).expect("in range");
        let before = Timestamp::now();
        let fast = base_for(40.0);
        assert!(behind(before) <= fast && fast <= behind(Timestamp::now()));
        assert!(base_for(1.0) >= before);
    }
}
