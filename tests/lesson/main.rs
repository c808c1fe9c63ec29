//! Lesson files: parsing, validation errors, the built-in lessons and `trinetes lessons`.

#[path = "../support/mod.rs"]
mod support;

mod builtin;
mod cli;
mod errors;
mod export;
mod export_chromium;
mod needs;
mod parse;
