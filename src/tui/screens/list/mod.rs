//! The lesson list: each lesson with its progress mark, and the chosen
//! lesson's summary. Its state is `App::list_selected`.

pub mod update;
pub mod view;
