//! An eksctl command line as the shell splits it into words.

use super::{EksctlCommand, parse_args};
use crate::sim::eksctl::EksctlError;

/// Splits a shell-like command line into words: joins `\`-newline
/// continuations, honours single and double quotes, and drops a leading
/// `eksctl` so both `eksctl create cluster ...` and `create cluster ...` work.
pub fn split_command_line(line: &str) -> Result<Vec<String>, EksctlError> {
    let joined = line.replace("\\\r\n", " ").replace("\\\n", " ");
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = joined.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(other) => current.push(other),
                        None => return Err(EksctlError::UnterminatedQuote),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(escaped) => current.push(escaped),
                            None => return Err(EksctlError::UnterminatedQuote),
                        },
                        Some(other) => current.push(other),
                        None => return Err(EksctlError::UnterminatedQuote),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(escaped) = chars.next() {
                    current.push(escaped);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        words.push(current);
    }
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
