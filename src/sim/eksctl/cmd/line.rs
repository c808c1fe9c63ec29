//! An eksctl command line as the shell splits it into words.

use super::{EksctlCommand, parse_args};
use crate::sim::eksctl::EksctlError;

/// Splits a shell-like command line into words: joins `\`-newline
/// continuations, honours single and double quotes, and drops a leading
/// `eksctl` so both `eksctl create cluster ...` and `create cluster ...` work.
pub fn split_command_line(line: &str) -> Result<Vec<String>, EksctlError> {
    let joined = line.replace("\\\r\n", " ").replace("\\\n", " ");
    let mut words = shell_words::split(&joined).map_err(|_| EksctlError::UnterminatedQuote)?;
    if words.first().map(String::as_str) == Some("eksctl") {
        words.remove(0);
    }
    Ok(words)
}

/// Parses a whole command line (see [`split_command_line`]).
pub fn parse_command_line(line: &str) -> Result<EksctlCommand, EksctlError> {
    let words = split_command_line(line)?;
    parse_args(&words)
}
