//! Text layout every simulated tool shares: Go's tabwriter columns and
//! kubectl's human-readable durations. Pure.

mod duration;
mod table;

pub use duration::human_duration;
pub use table::TabWriter;
