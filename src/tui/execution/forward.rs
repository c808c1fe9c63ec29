//! Where a port-forward step's forward stands after the step passed: open,
//! failing, or closed (the lesson was left, `f`, a restart), so that its
//! box never says "passed" for a forward that is gone.

use crate::lesson::Step;

/// Where a port-forward step's forward stands, once the step passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardState {
    Open,
    /// Open, but connections fail: why.
    Failing(String),
    /// Gone: the lesson was left or completed, `f` closed it, or trinetes
    /// started again.
    Closed,
}

/// Where step `step`'s forward stands among the `open` ones, for a
/// `kubectl port-forward` step on the backend that holds forwards itself
/// (dry-run); `None` for any other step. A forward is the step's when it
/// names the same target or the same local port.
pub fn forward_state(
    step: &Step,
    backend: crate::lesson::BackendKind,
    open: &[crate::backend::portforward::ForwardStatus],
) -> Option<ForwardState> {
    let words: Vec<&str> = step.command.split_whitespace().collect();
    let forwards = backend == crate::lesson::BackendKind::DryRun
        && words.windows(2).any(|w| w == ["kubectl", "port-forward"]);
    if !forwards {
        return None;
    }
    let local_ports: Vec<u16> = words
        .iter()
        .filter_map(|w| w.split(':').next()?.parse().ok())
        .collect();
    let mine = open.iter().find(|f| {
        words.contains(&f.target.as_str())
            || local_ports.contains(&f.local.port())
            || f.wanted_port_taken
                .is_some_and(|p| local_ports.contains(&p))
    });
    Some(match mine {
        None => ForwardState::Closed,
        Some(f) => match &f.problem {
            Some(problem) => ForwardState::Failing(problem.clone()),
            None => ForwardState::Open,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::portforward::ForwardStatus;
    use crate::lesson::BackendKind;

    fn forward_step(command: &str) -> Step {
        Step {
            id: "forward".into(),
            command: command.into(),
            background: true,
            ..Step::default()
        }
    }

    fn open(local: u16, wanted: Option<u16>, target: &str, problem: Option<&str>) -> ForwardStatus {
        ForwardStatus {
            local: std::net::SocketAddr::from(([127, 0, 0, 1], local)),
            wanted_port_taken: wanted,
            target: target.into(),
            problem: problem.map(str::to_string),
        }
    }

    #[test]
    fn a_forward_belongs_to_the_step_naming_its_target_or_local_port() {
        let step = forward_step("kubectl port-forward svc/tcb-trino 8080:8080");
        let dry = BackendKind::DryRun;
        assert_eq!(forward_state(&step, dry, &[]), Some(ForwardState::Closed));
        let by_target = [open(8081, Some(8080), "svc/tcb-trino", None)];
        assert_eq!(
            forward_state(&step, dry, &by_target),
            Some(ForwardState::Open)
        );
        // The episode's command names the pod through a variable.
        let episode = forward_step("kubectl port-forward $POD_NAME 8080:8080");
        let by_port = [open(
            8080,
            None,
            "pod/tcb-trino-coordinator-1",
            Some("pod gone"),
        )];
        assert_eq!(
            forward_state(&episode, dry, &by_port),
            Some(ForwardState::Failing("pod gone".into()))
        );
        let other = [open(9090, None, "svc/other", None)];
        assert_eq!(
            forward_state(&step, dry, &other),
            Some(ForwardState::Closed)
        );
    }

    #[test]
    fn only_port_forward_steps_on_the_backend_that_holds_forwards_have_one() {
        let step = forward_step("kubectl port-forward svc/tcb-trino 8080:8080");
        assert_eq!(forward_state(&step, BackendKind::Live, &[]), None);
        let get = forward_step("kubectl get pods");
        assert_eq!(forward_state(&get, BackendKind::DryRun, &[]), None);
    }
}
