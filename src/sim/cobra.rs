//! The command-line conventions of the Go tools trinetes simulates (helm,
//! eksctl and kubectl are cobra commands with pflag flags). clap parses their
//! command lines; this module makes clap behave and answer as they do: pflag
//! booleans (`--wait`, `--wait=false`), help that says it is the simulation's,
//! and clap's errors turned into pflag's and cobra's words.

use clap::builder::ValueParser;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, ArgMatches, ColorChoice, Command};

/// Why a command line was not run, in pflag's and cobra's terms. `Display`
/// gives the text after the tool's `Error: ` prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CliError {
    /// `-h`/`--help`: the tool prints this on stdout and exits 0.
    #[error("{0}")]
    Help(String),
    /// `--name` as typed, without any `=value`.
    #[error("unknown flag: {0}")]
    UnknownFlag(String),
    #[error("unknown shorthand flag: '{letter}' in {word}")]
    UnknownShorthand { letter: char, word: String },
    /// `--name`, or `'n' in -n` for a short flag.
    #[error("flag needs an argument: {0}")]
    FlagNeedsArgument(String),
    #[error("invalid argument \"{value}\" for \"{flag}\" flag: {reason}")]
    InvalidArgument {
        value: String,
        flag: String,
        reason: String,
    },
    /// A word where a subcommand of `parent` (e.g. `helm repo`) belongs.
    #[error(
        "unknown command \"{command}\" for \"{parent}\"{}",
        did_you_mean(suggestions)
    )]
    UnknownCommand {
        command: String,
        parent: String,
        suggestions: Vec<String>,
    },
    /// Anything clap refuses that pflag has no words for.
    #[error("{0}")]
    Other(String),
}

/// cobra's suggestions, which end with a newline of their own.
fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    let lines: String = suggestions.iter().map(|s| format!("\t{s}\n")).collect();
    format!("\n\nDid you mean this?\n{lines}")
}

/// Prepares a simulated tool's clap command: every (sub)command's help says
/// it is trinetes' simulation, help never depends on the terminal, and
/// boolean flags take pflag's optional `=true|false`.
pub fn simulated(cmd: Command, path: &str) -> Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = cmd
        .before_help(format!(
            "{path} (simulated by trinetes): the flags below are the ones the simulation supports."
        ))
        .color(ColorChoice::Never)
        .term_width(100)
        .disable_version_flag(true)
        .mut_args(pflag_bool);
    for name in names {
        let sub_path = format!("{path} {name}");
        cmd = cmd.mut_subcommand(&name, |sub| simulated(sub, &sub_path));
    }
    cmd
}

/// A clap switch becomes a pflag boolean: `--flag` sets it, `--flag=false`
/// clears it, and `--flag false` leaves `false` as an argument.
fn pflag_bool(arg: clap::Arg) -> clap::Arg {
    if !matches!(arg.get_action(), ArgAction::SetTrue) {
        return arg;
    }
    let arg = if arg.get_default_values().is_empty() {
        arg.default_value("false")
    } else {
        arg
    };
    arg.action(ArgAction::Set)
        .num_args(0..=1)
        .require_equals(true)
        .default_missing_value("true")
        .hide_default_value(true)
        .value_name("true|false")
        .value_parser(ValueParser::new(go_bool))
}

/// Go's `strconv.ParseBool`, as pflag parses booleans.
pub fn go_bool(text: &str) -> Result<bool, String> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(format!(
            "strconv.ParseBool: parsing {text:?}: invalid syntax"
        )),
    }
}

/// Parses `words` (the tool's name first) with `cmd`, mapping clap's errors
/// to pflag's and cobra's.
pub fn parse(cmd: Command, words: &[&str]) -> Result<ArgMatches, CliError> {
    let tree = cmd.clone();
    cmd.try_get_matches_from(words)
        .map_err(|e| from_clap(&e, &tree, words))
}

fn context(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// pflag names a flag with a shorthand `-w, --wait`, one without `--version`.
fn pflag_name(cmd: &Command, flag: &str) -> Option<String> {
    let long = flag.strip_prefix("--")?;
    let found = cmd
        .get_arguments()
        .find(|a| a.get_long() == Some(long))
        .map(|a| match a.get_short() {
            Some(short) => format!("-{short}, --{long}"),
            None => format!("--{long}"),
        });
    found.or_else(|| cmd.get_subcommands().find_map(|sub| pflag_name(sub, flag)))
}

fn from_clap(err: &clap::Error, tree: &Command, words: &[&str]) -> CliError {
    let root = tree.get_name();
    let invalid_arg = context(err, ContextKind::InvalidArg).unwrap_or_default();
    // clap names a flag as `--name <NAME>` or `--wait[=<BOOL>]`.
    let flag_name = invalid_arg
        .split([' ', '[', '='])
        .next()
        .unwrap_or_default()
        .to_string();
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            CliError::Help(err.render().to_string())
        }
        ErrorKind::UnknownArgument => unknown_flag(&invalid_arg, words),
        ErrorKind::InvalidValue
            if context(err, ContextKind::InvalidValue).is_some_and(|v| v.is_empty()) =>
        {
            // The value is missing: the flag was the last word.
            let typed = words.last().copied().unwrap_or_default();
            match typed.strip_prefix('-') {
                Some(short) if !short.starts_with('-') => {
                    let letter = short.chars().next().unwrap_or('?');
                    CliError::FlagNeedsArgument(format!("'{letter}' in {typed}"))
                }
                _ => CliError::FlagNeedsArgument(flag_name),
            }
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => CliError::InvalidArgument {
            value: context(err, ContextKind::InvalidValue).unwrap_or_default(),
            flag: pflag_name(tree, &flag_name).unwrap_or(flag_name),
            reason: std::error::Error::source(err)
                .map(ToString::to_string)
                .unwrap_or_else(|| "invalid value".to_string()),
        },
        ErrorKind::InvalidSubcommand => {
            let command = context(err, ContextKind::InvalidSubcommand).unwrap_or_default();
            let suggestions = match err.get(ContextKind::SuggestedSubcommand) {
                Some(ContextValue::Strings(s)) => s.clone(),
                _ => Vec::new(),
            };
            // The parent is the tool and the words before the unknown one.
            let mut parent = vec![root.to_string()];
            parent.extend(
                words
                    .iter()
                    .skip(1)
                    .take_while(|w| **w != command)
                    .filter(|w| !w.starts_with('-'))
                    .map(|w| w.to_string()),
            );
            CliError::UnknownCommand {
                command,
                parent: parent.join(" "),
                suggestions,
            }
        }
        _ => CliError::Other(
            err.render()
                .to_string()
                .trim_start_matches("error: ")
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
        ),
    }
}

/// pflag's words for a flag it does not know: `--name`, or the letter and the
/// whole word for a short one (`'x' in -xyz`).
fn unknown_flag(invalid: &str, words: &[&str]) -> CliError {
    if invalid.starts_with("--") {
        let name = invalid.split('=').next().unwrap_or(invalid);
        return CliError::UnknownFlag(name.to_string());
    }
    let letter = invalid.chars().nth(1).unwrap_or('?');
    let prefix = format!("-{letter}");
    let word = words
        .iter()
        .skip(1)
        .find(|w| w.starts_with(&prefix) && !w.starts_with("--"))
        .map_or_else(|| invalid.to_string(), |w| w.to_string());
    CliError::UnknownShorthand { letter, word }
}

/// Adds flags the real tool has but the simulation does not support, hidden,
/// so that [`unsupported_given`] can refuse them with words that say so
/// (rather than calling a real flag unknown). Each takes an optional value.
pub fn unsupported(cmd: Command, longs: &[&'static str]) -> Command {
    longs.iter().fold(cmd, |cmd, long| {
        cmd.arg(
            clap::Arg::new(*long)
                .long(*long)
                .hide(true)
                .num_args(0..=1)
                .action(ArgAction::Append),
        )
    })
}

/// The first of `longs` (added with [`unsupported`]) given on the command
/// line, as `--name`. They have no defaults, so being matched means given.
pub fn unsupported_given(matches: &ArgMatches, longs: &[&str]) -> Option<String> {
    longs
        .iter()
        .find(|long| matches.ids().any(|id| id.as_str() == **long))
        .map(|long| format!("--{long}"))
}

/// Positional arguments past the flags, as a leaf command collects them.
pub fn positionals(matches: &ArgMatches, id: &str) -> Vec<String> {
    matches
        .get_many::<String>(id)
        .map(|values| values.cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use clap::{Arg, ArgAction, Command};

    use super::*;

    fn tool() -> Command {
        simulated(
            Command::new("tool").subcommand(
                Command::new("make")
                    .about("make a thing")
                    .arg(Arg::new("name").short('n').long("name"))
                    .arg(Arg::new("wait").long("wait").action(ArgAction::SetTrue))
                    .arg(Arg::new("args").num_args(0..)),
            ),
            "tool",
        )
    }

    fn err(words: &[&str]) -> String {
        parse(tool(), words).expect_err("refused").to_string()
    }

    #[test]
    fn unknown_flags_read_like_pflag() {
        assert_eq!(err(&["tool", "make", "--bogus"]), "unknown flag: --bogus");
        assert_eq!(err(&["tool", "make", "--bogus=1"]), "unknown flag: --bogus");
        assert_eq!(
            err(&["tool", "make", "-xyz"]),
            "unknown shorthand flag: 'x' in -xyz"
        );
    }

    #[test]
    fn missing_values_name_the_flag_as_typed() {
        assert_eq!(
            err(&["tool", "make", "--name"]),
            "flag needs an argument: --name"
        );
        assert_eq!(
            err(&["tool", "make", "-n"]),
            "flag needs an argument: 'n' in -n"
        );
    }

    #[test]
    fn booleans_take_an_optional_go_bool() {
        let m = parse(tool(), &["tool", "make", "--wait"]).expect("parses");
        let (_, sub) = m.subcommand().expect("make");
        assert!(sub.get_flag("wait"));
        let m = parse(tool(), &["tool", "make", "--wait=false", "x"]).expect("parses");
        let (_, sub) = m.subcommand().expect("make");
        assert!(!sub.get_flag("wait"));
        assert_eq!(positionals(sub, "args"), ["x"]);
        // `--wait false` leaves `false` as an argument, as pflag does.
        let m = parse(tool(), &["tool", "make", "--wait", "false"]).expect("parses");
        let (_, sub) = m.subcommand().expect("make");
        assert!(sub.get_flag("wait"));
        assert_eq!(positionals(sub, "args"), ["false"]);
        assert_eq!(
            err(&["tool", "make", "--wait=maybe"]),
            "invalid argument \"maybe\" for \"--wait\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax"
        );
    }

    #[test]
    fn unknown_commands_name_their_parent() {
        assert_eq!(
            err(&["tool", "mak"]),
            "unknown command \"mak\" for \"tool\"\n\nDid you mean this?\n\tmake\n"
        );
    }

    #[test]
    fn help_says_it_is_the_simulation() {
        for words in [&["tool", "--help"][..], &["tool", "make", "-h"]] {
            let Err(CliError::Help(text)) = parse(tool(), words) else {
                panic!("{words:?} gave no help");
            };
            assert!(text.contains("(simulated by trinetes)"), "{text}");
        }
        let Err(CliError::Help(text)) = parse(tool(), &["tool", "make", "--help"]) else {
            panic!("no help");
        };
        assert!(
            text.starts_with("tool make (simulated by trinetes)"),
            "{text}"
        );
        assert!(text.contains("--name"), "{text}");
    }
}
