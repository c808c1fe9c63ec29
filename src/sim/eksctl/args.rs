//! Parsing of the eksctl command lines the episode types, with eksctl's own
//! (cobra/pflag) error wording for unknown flags and missing values.

use super::EksctlError;

/// One parsed eksctl invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EksctlCommand {
    CreateCluster(CreateClusterArgs),
    GetCluster(GetClusterArgs),
    DeleteCluster(DeleteClusterArgs),
}

/// `eksctl create cluster`. Unset fields take eksctl's defaults when the plan
/// is built (see [`super::EksctlEnv`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateClusterArgs {
    pub name: Option<String>,
    pub version: Option<String>,
    pub region: Option<String>,
    pub nodegroup_name: Option<String>,
    pub node_type: Option<String>,
    pub nodes: Option<u32>,
    pub nodes_min: Option<u32>,
    pub nodes_max: Option<u32>,
    pub node_volume_size: Option<u32>,
    pub without_nodegroup: bool,
}

/// `eksctl get cluster` (also `clusters`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetClusterArgs {
    pub name: Option<String>,
    pub region: Option<String>,
}

/// `eksctl delete cluster`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteClusterArgs {
    pub name: Option<String>,
    pub region: Option<String>,
    pub wait: bool,
}

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

/// Parses the words after `eksctl`.
pub fn parse_args<S: AsRef<str>>(words: &[S]) -> Result<EksctlCommand, EksctlError> {
    let words: Vec<&str> = words.iter().map(AsRef::as_ref).collect();
    let (verb, rest) = match words.split_first() {
        Some((verb, rest)) => (*verb, rest),
        None => return Err(EksctlError::MissingCommand),
    };
    let (noun, rest) = match rest.split_first() {
        Some((noun, rest)) if !noun.starts_with('-') => (*noun, rest),
        _ => return Err(EksctlError::MissingResource { verb: verb.into() }),
    };
    match (verb, noun) {
        ("create", "cluster") => parse_create(rest).map(EksctlCommand::CreateCluster),
        ("get", "cluster" | "clusters" | "cl") => parse_get(rest).map(EksctlCommand::GetCluster),
        ("delete", "cluster") => parse_delete(rest).map(EksctlCommand::DeleteCluster),
        ("create" | "get" | "delete", other) => Err(EksctlError::UnknownResource {
            verb: verb.into(),
            resource: other.into(),
        }),
        (other, _) => Err(EksctlError::UnknownCommand(other.into())),
    }
}

/// How a flag takes its value.
#[derive(Clone, Copy)]
enum FlagKind {
    Text,
    Number,
    Switch,
}

struct FlagSpec {
    long: &'static str,
    short: Option<char>,
    kind: FlagKind,
}

const fn flag(long: &'static str, short: Option<char>, kind: FlagKind) -> FlagSpec {
    FlagSpec { long, short, kind }
}

const CREATE_FLAGS: &[FlagSpec] = &[
    flag("name", Some('n'), FlagKind::Text),
    flag("version", None, FlagKind::Text),
    flag("region", Some('r'), FlagKind::Text),
    flag("nodegroup-name", None, FlagKind::Text),
    flag("node-type", Some('t'), FlagKind::Text),
    flag("nodes", Some('N'), FlagKind::Number),
    flag("nodes-min", Some('m'), FlagKind::Number),
    flag("nodes-max", Some('M'), FlagKind::Number),
    flag("node-volume-size", None, FlagKind::Number),
    flag("without-nodegroup", None, FlagKind::Switch),
    flag("managed", None, FlagKind::Switch),
];

const GET_FLAGS: &[FlagSpec] = &[
    flag("name", Some('n'), FlagKind::Text),
    flag("region", Some('r'), FlagKind::Text),
];

const DELETE_FLAGS: &[FlagSpec] = &[
    flag("name", Some('n'), FlagKind::Text),
    flag("region", Some('r'), FlagKind::Text),
    flag("wait", Some('w'), FlagKind::Switch),
];

/// A flag as found on the command line, with its value.
struct FoundFlag {
    long: &'static str,
    value: FlagValue,
}

enum FlagValue {
    Text(String),
    Number(u32),
    Switch(bool),
}

/// Flags and positional arguments, in pflag's style: `--flag value`,
/// `--flag=value`, `-f value`, `-fvalue`, `-f=value`.
fn scan(specs: &[FlagSpec], words: &[&str]) -> Result<(Vec<FoundFlag>, Vec<String>), EksctlError> {
    let mut found = Vec::new();
    let mut positional = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        i += 1;
        let (spec, shown, inline) = if let Some(long) = word.strip_prefix("--") {
            if long.is_empty() {
                positional.extend(words[i..].iter().map(|w| w.to_string()));
                break;
            }
            let (key, inline) = match long.split_once('=') {
                Some((key, value)) => (key, Some(value.to_string())),
                None => (long, None),
            };
            let spec = specs
                .iter()
                .find(|s| s.long == key)
                .ok_or_else(|| EksctlError::UnknownFlag(format!("--{key}")))?;
            (spec, format!("--{key}"), inline)
        } else if let Some(short) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            let mut chars = short.chars();
            let letter = chars.next().expect("a non-empty string has a first char");
            let tail: String = chars.collect();
            let spec = specs
                .iter()
                .find(|s| s.short == Some(letter))
                .ok_or_else(|| EksctlError::UnknownShorthand {
                    letter,
                    word: word.to_string(),
                })?;
            let inline = match tail.strip_prefix('=') {
                Some(value) => Some(value.to_string()),
                None if tail.is_empty() => None,
                None => Some(tail),
            };
            // pflag names a short flag in errors as `'n' in -n`.
            (spec, format!("'{letter}' in -{letter}"), inline)
        } else {
            positional.push(word.to_string());
            continue;
        };
        let value = match spec.kind {
            FlagKind::Switch => {
                let on = match inline.as_deref() {
                    None | Some("true") => true,
                    Some("false") => false,
                    Some(other) => {
                        return Err(EksctlError::InvalidArgument {
                            value: other.to_string(),
                            flag: describe_flag(spec),
                            reason: format!("strconv.ParseBool: parsing {other:?}: invalid syntax"),
                        });
                    }
                };
                FlagValue::Switch(on)
            }
            FlagKind::Text | FlagKind::Number => {
                let raw = match inline {
                    Some(value) => value,
                    None => match words.get(i) {
                        Some(next) => {
                            i += 1;
                            next.to_string()
                        }
                        None => return Err(EksctlError::FlagNeedsArgument(shown)),
                    },
                };
                if matches!(spec.kind, FlagKind::Number) {
                    let number = raw
                        .parse::<u32>()
                        .map_err(|_| EksctlError::InvalidArgument {
                            value: raw.clone(),
                            flag: describe_flag(spec),
                            reason: format!("strconv.ParseInt: parsing {raw:?}: invalid syntax"),
                        })?;
                    FlagValue::Number(number)
                } else {
                    FlagValue::Text(raw)
                }
            }
        };
        found.push(FoundFlag {
            long: spec.long,
            value,
        });
    }
    Ok((found, positional))
}

/// pflag names a flag in errors as `-N, --nodes` or `--version`.
fn describe_flag(spec: &FlagSpec) -> String {
    match spec.short {
        Some(letter) => format!("-{letter}, --{}", spec.long),
        None => format!("--{}", spec.long),
    }
}

fn text(value: FlagValue) -> Option<String> {
    match value {
        FlagValue::Text(s) => Some(s),
        _ => None,
    }
}

fn number(value: FlagValue) -> Option<u32> {
    match value {
        FlagValue::Number(n) => Some(n),
        _ => None,
    }
}

fn switch(value: FlagValue) -> bool {
    matches!(value, FlagValue::Switch(true))
}

/// eksctl takes the cluster name either from `--name` or as the one
/// positional argument, never both.
fn name_from(
    flag_name: Option<String>,
    positional: Vec<String>,
    command: &str,
) -> Result<Option<String>, EksctlError> {
    match (flag_name, positional.as_slice()) {
        (name, []) => Ok(name),
        (None, [one]) => Ok(Some(one.clone())),
        (Some(flag), [arg, ..]) => Err(EksctlError::NameTwice {
            flag,
            arg: arg.clone(),
        }),
        (None, [_, second, ..]) => Err(EksctlError::UnexpectedArgument {
            command: command.into(),
            arg: second.clone(),
        }),
    }
}

fn parse_create(words: &[&str]) -> Result<CreateClusterArgs, EksctlError> {
    let (found, positional) = scan(CREATE_FLAGS, words)?;
    let mut args = CreateClusterArgs::default();
    let mut flag_name = None;
    for FoundFlag { long, value } in found {
        match long {
            "name" => flag_name = text(value),
            "version" => args.version = text(value),
            "region" => args.region = text(value),
            "nodegroup-name" => args.nodegroup_name = text(value),
            "node-type" => args.node_type = text(value),
            "nodes" => args.nodes = number(value),
            "nodes-min" => args.nodes_min = number(value),
            "nodes-max" => args.nodes_max = number(value),
            "node-volume-size" => args.node_volume_size = number(value),
            "without-nodegroup" => args.without_nodegroup = switch(value),
            // Managed nodegroups are the default; the flag only confirms it.
            _ => {}
        }
    }
    args.name = name_from(flag_name, positional, "create cluster")?;
    Ok(args)
}

fn parse_get(words: &[&str]) -> Result<GetClusterArgs, EksctlError> {
    let (found, positional) = scan(GET_FLAGS, words)?;
    let mut args = GetClusterArgs::default();
    let mut flag_name = None;
    for FoundFlag { long, value } in found {
        match long {
            "name" => flag_name = text(value),
            _ => args.region = text(value),
        }
    }
    args.name = name_from(flag_name, positional, "get cluster")?;
    Ok(args)
}

fn parse_delete(words: &[&str]) -> Result<DeleteClusterArgs, EksctlError> {
    let (found, positional) = scan(DELETE_FLAGS, words)?;
    let mut args = DeleteClusterArgs::default();
    let mut flag_name = None;
    for FoundFlag { long, value } in found {
        match long {
            "name" => flag_name = text(value),
            "region" => args.region = text(value),
            _ => args.wait = switch(value),
        }
    }
    args.name = name_from(flag_name, positional, "delete cluster")?;
    Ok(args)
}
