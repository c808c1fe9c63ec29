//! Moving a store's time: its clock's now and every timestamp in its
//! objects by the same amount, so that ages stay what they were. A fast
//! stretch ends with a rebase to the wall's now (the learner's kubectl
//! measures ages against the wall), and a restored store is moved by the
//! lead its clock had over the wall when it was saved.

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::Store;

/// Maps whose keys and values are the user's own data, never the server's
/// timestamps, even where a key ends like one (`restartedAt`).
const USER_DATA: [&str; 5] = ["data", "binaryData", "stringData", "annotations", "labels"];

impl Store {
    /// Sets the clock's now to `to` and moves every timestamp in the stored
    /// objects by as much; returns how far they moved. Under the store's
    /// lock, so no write lands between the two. Watchers are not told: a
    /// rebase changes no object's meaning, only where its times sit.
    pub fn rebase(&self, to: Timestamp) -> SignedDuration {
        let _alone = self.time_readers.write().unwrap_or_else(|e| e.into_inner());
        let mut inner = self.lock();
        let by = self.clock.rebase(to);
        if !by.is_zero() {
            inner.rebases += 1;
            for objects in inner.objects.values_mut() {
                for object in objects.values_mut() {
                    shift_timestamps(object, by);
                }
            }
            // The kubelet's record of each pod's sources keeps its times
            // (and the containers' startedAt it was taken for) in step.
            for sources in inner.pod_sources.values_mut() {
                for started in sources.runs.values_mut() {
                    if let Some(moved) = shift_text(started, by) {
                        *started = moved;
                    }
                }
                for (_, at) in sources.projected.values_mut() {
                    *at = at.checked_add(by).unwrap_or(*at);
                }
                for at in sources.changed_since.values_mut() {
                    *at = at.checked_add(by).unwrap_or(*at);
                }
            }
            // Log lines that start with their time (Trino's) move too, so a
            // log never goes back in time after a rebase.
            for logs in inner.logs.values_mut() {
                let runs = std::iter::once(&mut logs.current).chain(logs.previous.as_mut());
                for line in runs.flat_map(|run| run.iter_mut()) {
                    if let Some(moved) = shift_line_time(line, by) {
                        *line = moved;
                    }
                }
            }
        }
        by
    }

    /// On a real clock, no time in `object` is after now, nor after the
    /// wall's now when a fast clock has run past it (see
    /// [`clamp_timestamps`]). Call with the store's lock held, so that no
    /// rebase comes between. A manual clock's tests set times as they like.
    pub(super) fn not_after_now(&self, object: &mut Value) {
        if !self.clock.is_manual() {
            clamp_timestamps(object, self.clock.now().min(Timestamp::now()));
        }
    }
}

/// Brings every server-set timestamp in `value` that is after `latest`
/// back to it. The store does this on every write with its clock's now: a
/// controller pass that read the time before a rebase and wrote after it
/// would otherwise store a time the rebase did not move.
pub(crate) fn clamp_timestamps(value: &mut Value, latest: Timestamp) {
    visit_times(value, &mut |text| {
        let at: Timestamp = text.parse().ok()?;
        (at > latest).then(|| shift_text(text, latest.duration_since(at)))?
    });
}

/// Moves every server-set timestamp in `value` by `by`: the strings under
/// keys that name a time (`creationTimestamp`, `lastTransitionTime`,
/// `startedAt`, `time`, …) that parse as one, written back with the same
/// precision. User data (ConfigMap data, annotations, labels) is left alone.
pub(crate) fn shift_timestamps(value: &mut Value, by: SignedDuration) {
    visit_times(value, &mut |text| shift_text(text, by));
}

/// Replaces each server-set time string in `value` with what `change`
/// makes of it (None keeps it).
fn visit_times(value: &mut Value, change: &mut impl FnMut(&str) -> Option<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                // No key of USER_DATA names a time, so a string needs only
                // the one test.
                match child {
                    Value::String(text) => {
                        if names_a_time(key)
                            && let Some(changed) = change(text)
                        {
                            *text = changed;
                        }
                    }
                    Value::Object(_) | Value::Array(_) if !USER_DATA.contains(&key.as_str()) => {
                        visit_times(child, change);
                    }
                    _ => {}
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                visit_times(item, change);
            }
        }
        _ => {}
    }
}

fn names_a_time(key: &str) -> bool {
    key == "time" || key.ends_with("Timestamp") || key.ends_with("Time") || key.ends_with("At")
}

/// `text` moved by `by`, in the same form: whole seconds (`metav1.Time`)
/// or with as many fractional digits as it had (`MicroTime`).
/// `line` with its leading time (`2026-11-30T22:48:31.123Z  INFO …`)
/// moved by `by`; None when it does not start with one.
fn shift_line_time(line: &str, by: SignedDuration) -> Option<String> {
    let end = line.find(char::is_whitespace).unwrap_or(line.len());
    let (time, rest) = line.split_at(end);
    if !time.ends_with('Z') || !time.contains('T') {
        return None;
    }
    Some(format!("{}{rest}", shift_text(time, by)?))
}

fn shift_text(text: &str, by: SignedDuration) -> Option<String> {
    let at: Timestamp = text.parse().ok()?;
    let moved = at.checked_add(by).ok()?;
    let digits = text
        .split_once('.')
        .map_or(0, |(_, frac)| frac.trim_end_matches('Z').len());
    let whole = moved.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    Some(if digits == 0 {
        format!("{whole}Z")
    } else {
        let nanos = format!("{:09}", moved.subsec_nanosecond());
        format!("{whole}.{}Z", &nanos[..digits.min(9)])
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sim::clock::Clock;

    #[test]
    fn a_log_lines_leading_time_moves_and_other_lines_stay() {
        let back = SignedDuration::from_mins(-10);
        assert_eq!(
            shift_line_time("2026-11-30T22:48:31.123Z\tINFO\tmain\tstarted", back).as_deref(),
            Some("2026-11-30T22:38:31.123Z\tINFO\tmain\tstarted")
        );
        assert_eq!(shift_line_time("Starting nginx 1.27", back), None);
        assert_eq!(shift_line_time("", back), None);
        assert_eq!(shift_line_time("Tomorrow Z", back), None);
    }

    #[test]
    fn no_user_data_key_names_a_time() {
        // `visit_times` tests a string's key only for naming a time.
        assert!(USER_DATA.iter().all(|key| !names_a_time(key)));
    }

    #[test]
    fn server_times_move_and_user_data_does_not() {
        let mut pod = json!({
            "metadata": {"creationTimestamp": "2026-01-01T00:10:00Z",
                         "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-01-01T00:10:00Z"},
                         "managedFields": [{"time": "2026-01-01T00:10:00Z"}]},
            "data": {"startedAt": "2026-01-01T00:10:00Z"},
            "status": {"conditions": [{"type": "Ready", "lastTransitionTime": "2026-01-01T00:10:05Z",
                                       "lastProbeTime": null}],
                       "containerStatuses": [{"state": {"running": {"startedAt": "2026-01-01T00:10:02Z"}}}]},
            "eventTime": "2026-01-01T00:10:00.123456Z",
            "reason": "Started"
        });
        shift_timestamps(&mut pod, SignedDuration::from_secs(-600));
        assert_eq!(pod["metadata"]["creationTimestamp"], "2026-01-01T00:00:00Z");
        assert_eq!(
            pod["metadata"]["managedFields"][0]["time"],
            "2026-01-01T00:00:00Z"
        );
        assert_eq!(
            pod["status"]["conditions"][0]["lastTransitionTime"],
            "2026-01-01T00:00:05Z"
        );
        assert_eq!(pod["status"]["conditions"][0]["lastProbeTime"], Value::Null);
        assert_eq!(
            pod["status"]["containerStatuses"][0]["state"]["running"]["startedAt"],
            "2026-01-01T00:00:02Z"
        );
        assert_eq!(pod["eventTime"], "2026-01-01T00:00:00.123456Z");
        assert_eq!(
            pod["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"],
            "2026-01-01T00:10:00Z",
            "annotations are the user's"
        );
        assert_eq!(pod["data"]["startedAt"], "2026-01-01T00:10:00Z");
        assert_eq!(pod["reason"], "Started");
    }

    #[test]
    fn a_rebase_waits_while_a_writer_holds_the_time() {
        let start: Timestamp = "2026-01-01T00:10:00Z".parse().expect("valid");
        let wall: Timestamp = "2026-01-01T00:20:00Z".parse().expect("valid");
        let store = Store::new(Clock::manual(start));
        let held = store.hold_time();
        let (done_tx, done) = std::sync::mpsc::channel();
        let other = store.clone();
        let rebasing = std::thread::spawn(move || {
            other.rebase(wall);
            let _ = done_tx.send(());
        });
        assert!(
            done.recv_timeout(std::time::Duration::from_millis(100))
                .is_err(),
            "rebased while a writer held the time"
        );
        assert_eq!(store.clock().now(), start);
        drop(held);
        done.recv_timeout(std::time::Duration::from_secs(30))
            .expect("rebases once the time is let go");
        rebasing.join().expect("the rebasing thread ends");
        assert_eq!(store.clock().now(), wall);
    }

    #[test]
    fn a_rebase_keeps_ages_and_puts_now_where_asked() {
        let start: Timestamp = "2026-01-01T00:00:00Z".parse().expect("valid");
        let clock = Clock::manual(start);
        let store = Store::new(clock.clone());
        clock.advance(std::time::Duration::from_secs(60));
        store
            .create(
                "ConfigMap",
                json!({"metadata": {"name": "a", "namespace": "default"}}),
            )
            .expect("create");
        clock.advance(std::time::Duration::from_secs(540));
        let age = |store: &Store| {
            let cm = store.get("ConfigMap", Some("default"), "a").expect("a");
            let created: Timestamp = cm["metadata"]["creationTimestamp"]
                .as_str()
                .expect("stamped")
                .parse()
                .expect("a timestamp");
            store.clock().now().duration_since(created)
        };
        assert_eq!(age(&store), SignedDuration::from_secs(540));
        let wall: Timestamp = "2026-01-01T00:03:00Z".parse().expect("valid");
        assert_eq!(store.rebase(wall), SignedDuration::from_secs(-420));
        assert_eq!(store.clock().now(), wall);
        assert_eq!(age(&store), SignedDuration::from_secs(540), "ages stay");
        let cm = store.get("ConfigMap", Some("default"), "a").expect("a");
        assert_eq!(cm["metadata"]["creationTimestamp"], "2025-12-31T23:54:00Z");
    }

    #[test]
    fn a_rebase_moves_the_times_a_log_already_holds() {
        let start: Timestamp = "2026-01-01T00:10:00Z".parse().expect("valid");
        let store = Store::new(Clock::manual(start));
        store.append_log(
            "default",
            "p",
            "c",
            "2026-01-01T00:10:00.000Z\tINFO\tfirst".into(),
        );
        store.append_log("default", "p", "c", "no time here".into());
        store.rebase("2026-01-01T00:00:00Z".parse().expect("valid"));
        assert_eq!(
            store.logs("default", "p", "c"),
            ["2026-01-01T00:00:00.000Z\tINFO\tfirst", "no time here"]
        );
    }

    #[test]
    fn times_after_the_latest_are_brought_back_to_it() {
        let latest: Timestamp = "2026-01-01T00:00:00Z".parse().expect("valid");
        let mut pod = json!({"status": {"conditions": [
            {"lastTransitionTime": "2026-01-01T01:00:00Z"},
            {"lastTransitionTime": "2025-12-31T23:00:00Z"}
        ]}, "metadata": {"annotations": {"startedAt": "2026-01-01T01:00:00Z"}}});
        clamp_timestamps(&mut pod, latest);
        assert_eq!(
            pod["status"]["conditions"][0]["lastTransitionTime"],
            "2026-01-01T00:00:00Z"
        );
        assert_eq!(
            pod["status"]["conditions"][1]["lastTransitionTime"],
            "2025-12-31T23:00:00Z"
        );
        assert_eq!(
            pod["metadata"]["annotations"]["startedAt"],
            "2026-01-01T01:00:00Z"
        );
    }
}
