//! The live backend's cost guard in the TUI: a billable step that creates
//! an EKS cluster shows its estimate, and runs only after the learner has
//! typed the cluster's name. (On dry-run it costs nothing, and y / Enter
//! answer as before.)

use crate::cost::Estimate;
use crate::ledger::plan::Defaults;
use crate::lesson::{BackendKind, Prices};
use crate::tui::screens::overlay::{Confirm, Overlay};
use crate::tui::state::App;

/// The estimate of the billable step the open question is about, when the
/// answer must be the cluster's name typed out.
pub fn typed_confirmation(app: &App) -> Option<Estimate> {
    if app.settings.backend != BackendKind::Live {
        return None;
    }
    let command = match app.overlay {
        Some(Overlay::Confirm(Confirm::ExecuteStep(lesson, step))) => {
            app.lessons.get(lesson)?.steps.get(step)?.command.clone()
        }
        // Building a lesson's needs can create the cluster too: the same
        // typed name, for the first billable step it would run.
        Some(Overlay::Confirm(Confirm::BuildUp(_))) => crate::tui::buildup::first_billable(app)?,
        _ => return None,
    };
    let prices = Prices::builtin().ok()?;
    let defaults = Defaults {
        region: std::env::var("AWS_REGION").unwrap_or_else(|_| prices.region.clone()),
        namespace: "default".to_string(),
        context: None,
    };
    Estimate::for_command(&command, &defaults, &prices, "t2.large")
}

/// Whether what was typed confirms the open question.
pub fn typed_matches(app: &App) -> bool {
    match typed_confirmation(app) {
        Some(estimate) => crate::cost::confirmed(&estimate, Some(&app.typed)),
        None => true,
    }
}
