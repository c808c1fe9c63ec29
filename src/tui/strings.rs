//! Every user-facing string of the TUI, in one place so it can be translated;
//! the keys' help texts are in `keymap/table.rs`, each next to its key.

pub const APP_NAME: &str = "trinetes";
pub const LIST_TITLE: &str = "Lessons";
pub const LIST_EMPTY: &str = "No lessons found.";
pub const STEP: &str = "step";
pub const STEP_EPISODE_TYPED: &str = "The episode typed:";
pub const STEP_EPISODE_SAME: &str = "This is the command the episode typed. What changed since:";
pub const STEP_CHECKS: &str = "Then checks that:";
pub const BADGE_BILLABLE: &str = "billable";
pub const BADGE_INTERACTIVE: &str = "interactive";
pub const BADGE_BACKGROUND: &str = "runs in background";
pub const BADGE_SKIPPED_ON: &str = "skipped on";
pub const MARK_NOT_STARTED: &str = "○";
pub const MARK_OPENED: &str = "◐";
pub const MARK_COMPLETED: &str = "●";
pub const STATUS_NOT_STARTED: &str = "not started";
pub const STATUS_OPENED: &str = "opened";
pub const STATUS_COMPLETED: &str = "completed";
pub const MINUTES: &str = "min";
pub const NO_STEP: &str = "no step";
pub const BACKEND: &str = "backend";
pub const PROFILE: &str = "profile";
pub const HELP_HINT: &str = "? help";
/// The progress bar's done and to-do parts.
pub const GAUGE_FILLED: &str = "━";
pub const GAUGE_UNFILLED: &str = "─";
/// The open port-forwards in the status bar, and the key that stops them.
pub fn forwards(open: &[String]) -> String {
    format!("⇄ {} (f stops)", open.join(", "))
}
pub const HELP_TITLE: &str = " Keys ";
pub const HELP_CLOSE: &str = "Esc or ? closes this window";
pub const NOTES_TITLE: &str = " Speaker notes ";
pub const NOTES_NONE: &str = "This lesson has no speaker notes.";
pub const SEARCH_PROMPT: &str = "/";
pub const SEARCH_NO_MATCH: &str = "no match for";
pub const SEARCH_MATCH: &str = "match";
pub const WARNING_DISMISS: &str = "(x dismisses)";
pub const CONFIRM_TITLE: &str = " Confirm ";
pub const WORLD_TITLE: &str = " Use this world from your own shell ";
pub const WORLD_INTRO: &str = "The simulated cluster and EKS endpoint run as long as trinetes does. Paste these lines into another terminal:";
pub const WORLD_TRY: &str = "Then try `kubectl get nodes`, `kubectl get deployments` or `aws eks list-clusters --region us-east-1` (the aws CLI wants credentials; any will do, e.g. AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing).";
pub const WORLD_NOTICE: &str = "dry-run: a simulated cluster and EKS endpoint are up. Press w for the lines that point your own kubectl at them.";
pub const WORLD_CLOSE: &str = "Esc or w closes this window";

pub fn world_none(backend: &str) -> String {
    format!(
        "The {backend} backend uses your own kubeconfig and AWS account: your shell already talks to the same cluster, nothing to export."
    )
}
pub const CONFIRM_KEYS: &str = "y: yes    n / Esc: no";
pub const CONFIRM_QUIT_BUSY: &str = "A step is still running. Quit anyway?";
pub const CONFIRM_QUIT_BILLED: &str = "Quit and leave it running?";

pub const QUIT_CLEANUP_TITLE: &str = " Before quitting: what trinetes created ";
pub const QUIT_CLEANUP_LEFT: &str = "trinetes created these and has not seen them removed:";
pub const QUIT_CLEANUP_QUESTION: &str =
    "Clean them up now (as `trinetes cleanup` does), then quit?";
pub const QUIT_CLEANUP_KEYS: &str =
    "y: clean up, then quit    l: leave them, quit    n / Esc: stay";
pub const QUIT_CLEANUP_RUNNING: &str = "Cleaning up; trinetes quits when everything is gone.";
pub const QUIT_CLEANUP_RUNNING_KEYS: &str = "cleaning up …";
pub const QUIT_CLEANUP_AFTER_KEYS: &str = "l: quit    n / Esc: stay";

/// What the cleanup on quitting could not remove, and how to finish it.
pub fn quit_cleanup_survivors(n: usize) -> String {
    let what = if n == 1 {
        "1 resource is still there".to_string()
    } else {
        format!("{n} resources are still there")
    };
    format!("{what} (said above); it stays in the ledger. Run `trinetes cleanup` again later.")
}

pub const DOCTOR_TITLE: &str = " Before the first real step: what this backend needs ";
pub const DOCTOR_CHECKING: &str =
    "Checking the tools, credentials, cluster and port (as `trinetes doctor` does)…";
pub const DOCTOR_READY: &str = "Everything this lesson's commands need is there.";
pub const DOCTOR_NOT_READY: &str =
    "Something required is missing: fix the rows marked ✘, then press Enter on the step again.";
pub const DOCTOR_KEYS_READY: &str = "Enter: go on    Esc: back";
pub const DOCTOR_KEYS_WAIT: &str = "Esc: back";

/// Before the first real step of lessons from `--lessons DIR`.
pub fn trust_lessons(dir: &str) -> String {
    format!(
        "These lessons come from {dir}, not from trinetes: their commands run for real, with your credentials. Read them first; Enter trusts them for this session."
    )
}

/// `$0.29`, or `$1.20`.
pub fn dollars(v: f64) -> String {
    format!("${v:.2}")
}

/// What is billed while it exists, its age and spend so far, and how to
/// remove it; None when nothing is.
pub fn still_billed(spending: &[crate::backend::Spending], now: jiff::Timestamp) -> Option<String> {
    if spending.is_empty() {
        return None;
    }
    let parts: Vec<String> = spending.iter().map(|s| spending_text(s, now)).collect();
    Some(format!(
        "Still billed on AWS: {}. It keeps costing after trinetes quits; run the Clean up lesson, or `trinetes cleanup`, to remove it.",
        parts.join("; ")
    ))
}

/// `EKS tcb-cluster, up 1h02m, about $0.30 so far`.
pub fn spending_text(s: &crate::backend::Spending, now: jiff::Timestamp) -> String {
    let up = now.duration_since(s.since).as_secs().max(0);
    let age = if up >= 3600 {
        format!("{}h{:02}m", up / 3600, up / 60 % 60)
    } else {
        format!("{}m", up / 60)
    };
    match s.so_far(now) {
        Some(spent) => format!("{}, up {age}, about {} so far", s.what, dollars(spent)),
        None => format!("{}, up {age}", s.what),
    }
}
pub const CONFIRM_RESET_ALL: &str = "Forget the progress of every lesson?";
pub const COMPLETED_NOTICE: &str = "Marked as completed:";

pub fn confirm_reset_lesson(title: &str) -> String {
    format!("Forget the progress of \"{title}\"?")
}

pub fn too_small(need_w: u16, need_h: u16, have_w: u16, have_h: u16) -> String {
    format!("too small (need {need_w}×{need_h}, have {have_w}×{have_h})")
}
/// The keys that still act on the too-small screen.
pub const TOO_SMALL_KEYS: &str =
    "q quits (asks first while a step runs), Ctrl-C stops a running step or quits";
pub const TOO_SMALL_QUIT_KEYS: &str = "y: quit    n: stay";

pub fn needs_backends(current: &str, needed: &str) -> String {
    format!("Written for {needed}; on {current} its steps may be skipped.")
}

pub fn step_count(n: usize) -> String {
    if n == 1 {
        "1 step".to_string()
    } else {
        format!("{n} steps")
    }
}

pub fn step_position(current: usize, total: usize) -> String {
    format!("{STEP} {current}/{total}")
}

pub fn panic_message(log_path: &str) -> String {
    format!("trinetes crashed; the terminal was restored. The log is at {log_path}")
}

pub const RECORDED_PASSED: &str = "✔ passed";
pub const RECORDED_FAILED: &str = "✘ failed";
pub const RECORDED_SKIPPED: &str = "skipped";
pub const RECORDED_SIMULATED_PASS: &str = "✔ passed SIMULATED";
pub const BADGE_RUNNING: &str = "… running";
pub const BADGE_CANCELLED: &str = "■ stopped";
/// A port-forward step that passed, whose forward is gone or failing.
pub const BADGE_FORWARD_CLOSED: &str = "⇄ forward closed";
pub const BADGE_FORWARD_FAILING: &str = "⇄ forward failing";
pub const FORWARD_CLOSED: &str = "The forward is closed (the lesson was left or completed, f stopped it, or trinetes restarted): press Enter to run this step again and reopen it.";

pub fn forward_failing(problem: &str) -> String {
    format!(
        "The forward is open but its connections fail ({problem}): press Enter to run this step again."
    )
}
/// Before a check that has not run: neither a pass nor a failure.
pub const CHECK_NOT_RUN: &str = "• ";
pub const RESULT_STILL_WAITING: &str = "still waiting, nothing is changing:";
pub const LIST_LEGEND: &str = "○ not started  ◐ opened  ● completed";
pub const CONFIRM_STOP_KEYS: &str = "y / Ctrl-C: stop    n / Esc: keep it running";

/// The output shows another state than the checks saw: what they saw, and
/// when (a wait under a second reads "a moment later").
pub fn checks_waited(waited: std::time::Duration, seen: &[&str]) -> String {
    let seen = seen.join(" and ");
    if waited < std::time::Duration::from_secs(1) {
        format!("the output is from before the checks: a moment later they saw {seen}")
    } else {
        let took = crate::tui::execution::format_duration(waited);
        format!("the checks waited {took} until {seen}")
    }
}

pub const CONFIRM_STOP: &str = "Stop this command?";

/// What stopping a billable command does not stop, and how to undo it:
/// `cleanup` is the step (id, command) that removes what it creates.
pub fn stop_goes_on(backend: crate::lesson::BackendKind, cleanup: Option<(&str, &str)>) -> String {
    let who = match backend {
        crate::lesson::BackendKind::DryRun => "AWS (and here the simulation)",
        _ => "AWS",
    };
    let undo = match cleanup {
        Some((id, command)) => format!("run step {id} (`{command}`) to remove it"),
        None => "remove it with the matching delete command".to_string(),
    };
    format!(
        "Stopping only stops this command: {who} goes on creating what it asked for. To stop paying for it, {undo}."
    )
}
pub const RESULT_EXECUTING: &str = "… running the command";
pub const RESULT_CHECKING: &str = "checking";
pub const RESULT_LAST_SEEN: &str = "last seen:";
pub const RESULT_HINT: &str = "hint:";
pub const RESULT_CANCELLED: &str = "cancelled";
pub const NEXT: &str = "Next:";
pub const NEXT_LESSON_DONE: &str = "that was the last step of this lesson (Esc: back to the list)";
pub const NEXT_AFTER_CANCEL: &str = "press Enter to run the step again";
pub const NEXT_AFTER_CHECK_FAILED: &str =
    "fix what the hint says, then press v to retry the checks (Enter runs the whole step again)";
pub const NEXT_AFTER_COMMAND_FAILED: &str =
    "read the output (o), fix the cause, then press Enter to run the step again";
pub const NOTICE_NO_STEP: &str =
    "Every step here has passed. Select one (Tab / n), then press Enter to run it again.";

/// Enter with no step selected chose this one but did not run it yet.
pub fn notice_step_selected(id: &str, title: &str) -> String {
    format!("Selected the next step, {id} — {title}: press Enter to run it.")
}
pub const NOTICE_BUSY: &str = "A step is already running; Ctrl-C or K stops it.";
pub const NOTICE_NO_CHECKS: &str = "This step has no checks to retry.";
pub const OUTPUT_TITLE: &str = " Output ";
pub const OUTPUT_EMPTY: &str = "No output yet. Select a step and press Enter to run it.";
/// The output pane while the lesson's needs are built (its steps' output
/// is not shown; the status line names each step as it runs).
pub const OUTPUT_BUILDING: &str = "Building what this lesson needs: the status line names each step as it runs. Its own steps wait until that is done.";
pub const OUTPUT_FOCUSED: &str = "↑↓ scroll  / search  o back to the lesson";
pub const OUTPUT_UNFOCUSED: &str = "o: focus";
pub const PROGRESS_ELAPSED: &str = "elapsed";
pub const PROGRESS_ETA: &str = "left";
pub const PROGRESS_EXECUTING: &str = "running";
pub const PROGRESS_CHECKING: &str = "checking";
pub const PROGRESS_INTERACTIVE: &str =
    "The terminal belongs to the step; trinetes comes back when it ends.";
pub const CONFIRM_EXECUTE_KEYS: &str = "Enter / y: run    Esc / n: cancel";
/// A live billable step: the answer is the cluster's name, typed.
pub const CONFIRM_TYPED_KEYS: &str = "type the name, Enter: create it    Esc: cancel";

pub fn type_to_confirm(cluster: &str) -> String {
    format!("To create it, type the cluster's name, {cluster}, and press Enter.")
}
pub const CONFIRM_BILLABLE: &str = "This creates billable cloud resources.";
pub const CONFIRM_BILLABLE_SIMULATED: &str =
    "On AWS this creates billable resources; here it is simulated and costs nothing.";

/// The cost warning for a billable step on this backend.
pub fn confirm_billable(backend: crate::lesson::BackendKind) -> &'static str {
    match backend {
        crate::lesson::BackendKind::DryRun => CONFIRM_BILLABLE_SIMULATED,
        _ => CONFIRM_BILLABLE,
    }
}

pub const CONFIRM_EXECUTE: &str = "Run this command?";

pub fn result_passed(took: &str) -> String {
    format!("passed in {took}")
}

pub fn result_failed(reason: &str) -> String {
    format!("failed: {reason}")
}

pub fn result_timed_out(took: &str) -> String {
    format!("timed out after {took}")
}

pub fn result_skipped(reason: &str) -> String {
    format!("skipped: {reason}")
}

pub fn next_step(id: &str, title: &str) -> String {
    format!("Tab to step {id} — {title}, then Enter")
}

/// One line: a command of several lines (a here-document that writes a
/// manifest) shows its first line, and the step box shows the rest.
pub fn command_header(command: &str) -> String {
    let several = command.trim_end().replace("\\\n", " ").contains('\n');
    match command.split_once('\n') {
        Some((first, _)) if several => format!(" $ {first} … "),
        _ => format!(" $ {command} "),
    }
}

pub fn interactive_ended(status: &str) -> String {
    format!("[the interactive command ended: {status}]")
}

/// What the step box and the status bar both say of a cluster whose
/// context exists but whose API server does not answer.
const CLUSTER_NOT_RUNNING: &str = "not running";

/// The step box's line naming the cluster a step runs against.
pub fn step_cluster(cluster: &crate::backend::StepCluster) -> String {
    let name = &cluster.name;
    match (name.is_empty(), cluster.running, &cluster.eks_status) {
        (true, _, _) => "cluster: none (no current context)".to_string(),
        (false, true, _) => format!("cluster: {name}"),
        (false, false, Some(status)) => {
            format!("cluster: {name} (EKS says {status}; no kubeconfig context for it yet)")
        }
        (false, false, None) => format!("cluster: {name} ({CLUSTER_NOT_RUNNING})"),
    }
}

/// The status bar's segment naming the selected step's cluster.
pub fn status_cluster(cluster: &crate::backend::StepCluster) -> String {
    let name = &cluster.name;
    match (name.is_empty(), cluster.running, &cluster.eks_status) {
        (true, _, _) => "cluster: none".to_string(),
        (false, true, _) => format!("cluster: {name}"),
        // EKS may say ACTIVE well before eksctl writes the context (the
        // nodegroup comes next): say both, so "ACTIVE" does not read as done.
        (false, false, Some(status)) => format!("cluster: {name} (EKS {status}, no context yet)"),
        (false, false, None) => format!("cluster: {name} ({CLUSTER_NOT_RUNNING})"),
    }
}

/// The cluster segment without its label, when the bar is short of room.
pub fn status_cluster_short(cluster: &crate::backend::StepCluster) -> String {
    let name = &cluster.name;
    match (name.is_empty(), cluster.running, &cluster.eks_status) {
        (true, _, _) => "no cluster".to_string(),
        (false, true, _) => name.to_string(),
        (false, false, Some(status)) => format!("{name} (EKS {status}, no context)"),
        (false, false, None) => format!("{name} ({CLUSTER_NOT_RUNNING})"),
    }
}

/// The badge of a step whose EKS cluster is there but not finished.
pub const BADGE_INTERRUPTED: &str = "interrupted";

/// Under a step whose `eksctl create cluster` did not finish: what is there,
/// and the two ways on.
pub fn unfinished_create(u: &crate::sim::world::UnfinishedCreate) -> String {
    let state = match u.status.as_str() {
        "CREATING" => "is still being created (CREATING)".to_string(),
        other => format!("exists ({other})"),
    };
    let lacks = match (u.nodegroup_missing, u.context_missing) {
        (true, true) => "it has no nodegroup (so no nodes) and no kubeconfig context",
        (true, false) => "it has no nodegroup, so no nodes",
        (false, _) => "eksctl did not write its kubeconfig context",
    };
    format!(
        "The create did not finish: the EKS cluster {} {state}, and it goes on costing on AWS, but {lacks}. Two ways on: delete it with `eksctl delete cluster --name {} --region {}` (the Clean up lesson's delete step runs it), or run this step again: eksctl stops with AlreadyExists and says what to do.",
        u.cluster, u.cluster, u.region
    )
}

/// `Next:` after a stop that left an unfinished EKS cluster.
pub const NEXT_AFTER_UNFINISHED: &str = "delete the cluster (the Clean up lesson's delete step), or press Enter to run this step again (eksctl will say the cluster exists)";

/// Enter on a step that passed.
pub fn confirm_run_again(id: &str) -> String {
    format!(
        "Step {id} passed already. Run it again? A step that creates something usually fails the second time (AlreadyExists), and is then marked failed. To look again without running it, press v (checks only)."
    )
}
pub const CONFIRM_RESET_WORLD: &str = "Start the dry-run world over? Every cluster, EKS cluster and Helm release in it goes, a new practice cluster starts, and the dry-run steps are marked not done (with the lessons completed by running them).";
pub const RESET_WORLD_BUSY: &str = "A step is running: stop it (K) before resetting the world.";
pub const RESET_WORLD_NOT_DRY_RUN: &str = "Only the dry-run backend has a world to reset.";
pub const RESET_WORLD_STARTED: &str = "Resetting the dry-run world…";
pub const RESET_WORLD_DONE: &str = "The dry-run world started over; steps run in it, and lessons completed by running them, are marked not done.";

pub const RESET_WORLD_DONE_NOT_KEPT: &str = "This temporary dry-run world started over; the step marks, which are your saved world's, stay.";

pub fn reset_world_failed(error: &str) -> String {
    format!("Resetting the dry-run world failed: {error}")
}

/// Said once at start when the dry-run world of earlier sessions is gone.
pub const WORLD_NOT_RESTORED_CLEARED: &str = "The dry-run world is new this session, so the steps run in an earlier one, and lessons completed by running them, are marked not done.";

pub const BUILD_UP_TITLE: &str = " Start from what this lesson needs ";
/// Enter does not answer it: building runs commands (on live, billable ones).
pub const BUILD_UP_KEYS: &str = "y: build it    n / Esc: read without it";
pub const BUILD_UP_RUNS: &str =
    "These lessons' steps run now, at a fast pace, and are marked as run:";

pub fn build_up_question(title: &str, needs: &str) -> String {
    format!("{title} starts from what {needs} builds, which is not there yet.")
}

pub fn build_up_started(title: &str) -> String {
    format!("Building what {title} needs…")
}

pub fn build_up_step(title: &str, from: &str, step: &str) -> String {
    format!("Building what {title} needs, at a fast pace: {from}, step {step}…")
}

/// The steps a build-up ran, e.g. "EKS and eksctl: ✔ create-cluster, ✔ get-nodes".
pub fn build_up_ran(ran: &[(String, String, crate::execute::StepOutcome)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&str> = None;
    for (lesson, step, outcome) in ran {
        let mark = match outcome {
            crate::execute::StepOutcome::Passed => "✔",
            crate::execute::StepOutcome::Skipped { .. } => "○",
            _ => "✘",
        };
        if current != Some(lesson.as_str()) {
            current = Some(lesson.as_str());
            parts.push(format!("{lesson}: {mark} {step}"));
        } else if let Some(last) = parts.last_mut() {
            last.push_str(&format!(", {mark} {step}"));
        }
    }
    parts.join("; ")
}

pub fn build_up_done(title: &str, ran: &str) -> String {
    format!("Built what {title} needs. Ran {ran}.")
}

pub fn build_up_failed(title: &str, ran: &str) -> String {
    format!(
        "Building what {title} needs stopped at a step that did not pass: {ran}. Open that lesson to run it and read why."
    )
}

/// Tab or `n` on the lesson's last step.
pub const NOTICE_LAST_STEP: &str = "That is the lesson's last step.";

// The presentation (`--present`) and fast-forward.
pub const PRESENT_RUNNING: &str = "running";
pub const PRESENT_PASSED: &str = "passed";
pub const PRESENT_TIMED_OUT: &str = "timed out";
pub const PRESENT_STOPPED: &str = "stopped";
pub const PRESENT_HINT: &str = "hint:";
pub const PRESENT_OUTPUT: &str = " output ";
pub const PRESENT_OUTPUT_KEYS: &str = " PgUp PgDn ";
pub const PRESENT_LAST_SCREEN: &str = "This is the last screen of the last lesson.";
pub const PRESENT_FIRST_SCREEN: &str = "This is the lesson's first screen (Esc: the lesson list).";
pub const PRESENT_NO_STEP: &str = "No step on this screen: Space goes on.";
pub const FAST_FORWARD_ON: &str = "  ⏩ fast-forward: the simulated clock runs faster";
pub const FAST_FORWARD_IDLE: &str = "Fast-forward works while a step runs.";
pub const FAST_FORWARD_REAL: &str =
    "Fast-forward works on dry-run only: a real cluster takes the time it takes.";
pub const FAST_FORWARD_NO_CLOCK: &str = "Fast-forward: this backend has no simulated clock.";

/// Under a page of a section's prose that goes on (page `n` of `of`).
pub fn present_more_pages(n: usize, of: usize) -> String {
    format!("more ▸ Space  ({n}/{of})")
}

/// Under a long command whose lines are not all on screen.
pub fn present_more_lines(n: usize) -> String {
    format!("… {n} more line{}", if n == 1 { "" } else { "s" })
}

// The dry-run safety net (`backend::fallback`).

/// Said when a live step failed on the network and the lesson goes on on
/// a simulated world.
pub fn fallback_starting(lesson: &str, step: &str, cause: &str) -> String {
    format!(
        "{lesson}/{step} failed on live because of {cause}: going on with the lesson on dry-run \
         from that step; the earlier steps run again quickly on a simulated world first"
    )
}

/// Said once the simulated world stands where the live run stood.
pub fn fallback_started(lesson: &str, step: &str) -> String {
    let at = if lesson.is_empty() {
        step.to_string()
    } else {
        format!("{lesson}/{step}")
    };
    format!(
        "SIMULATED from {at} on: the steps run on dry-run, not on AWS. What live \
         created before stays in the ledger (`trinetes cleanup` removes it); nothing simulated \
         is added."
    )
}

/// The offer in the step box after a live step failed on the network.
pub fn fallback_offer(cause: &str) -> String {
    format!(
        "This failed because of {cause}, not because of the lesson. Go on with the lesson on \
         dry-run from this step? The earlier steps run again quickly on a simulated world first."
    )
}
/// The offer after building what a lesson needs failed on the network.
pub fn fallback_offer_build_up(cause: &str) -> String {
    format!(
        "Building what this lesson needs failed because of {cause}, not because of the lesson. \
         Build it on dry-run instead and go on with the lesson there?"
    )
}
// `trinetes replay`: a recording in the presentation.
/// The presentation's quiet mark that it plays a recording.
pub const REPLAY_BADGE: &str = "RECORDING";
/// A played step's mark in its box.
pub const REPLAY_STEP_BADGE: &str = "RECORDED";
/// Said on the last screen of a replay.
pub const REPLAY_END: &str = "end of the recording";
/// The notes window's banner during a replay.
pub fn replay_banner(file: &str) -> String {
    format!("REPLAYING THE RECORDING {file} — NOTHING RUNS, THE OUTPUT IS RECORDED")
}

/// The status bar's segment once the TUI went on on dry-run.
pub const FALLBACK_STATUS: &str = "SIMULATED (live fell back)";
pub const FALLBACK_REBUILDING: &str = "bringing the simulated world to where live stood…";
pub fn fallback_failed(why: &str) -> String {
    format!("cannot go on on dry-run: {why}")
}
pub fn fallback_rebuilt(step: &str, outcome: &str) -> String {
    format!("bringing the simulated world to where live stood: {step} {outcome}")
}
/// The notes window's loud line once steps are simulated.
pub fn fallback_banner(step: &str, cause: &str) -> String {
    format!("LIVE FAILED at {step} ({cause}) — NOW SIMULATED ON DRY-RUN")
}
/// The notes window's line while the offer waits for an answer.
pub fn fallback_offered(step: &str, cause: &str) -> String {
    format!("LIVE FAILED at {step} ({cause}): y here or on the slides goes on on dry-run")
}
/// The notes window's line while the simulated world is built.
pub fn fallback_building(step: &str, cause: &str) -> String {
    format!("LIVE FAILED at {step} ({cause}): building the simulated world…")
}
/// The step box's badge on a step that ran on the simulated world.
pub const BADGE_SIMULATED: &str = "SIMULATED";

#[cfg(test)]
mod tests {
    use super::command_header;

    #[test]
    fn a_command_header_is_one_line() {
        assert_eq!(command_header("kubectl get pods"), " $ kubectl get pods ");
        assert_eq!(
            command_header("cat > rs.yml <<'EOF'\nkind: ReplicaSet\nEOF"),
            " $ cat > rs.yml <<'EOF' … "
        );
        // Continued lines are one command and stay as they are.
        assert_eq!(
            command_header("eksctl create cluster \\\n  --name x"),
            " $ eksctl create cluster \\\n  --name x "
        );
    }
}
