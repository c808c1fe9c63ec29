//! The command line: global flags and subcommands, parsed with clap.

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

pub use crate::backend::fallback::FallbackMode;

/// An interactive terminal tutorial: Trino on Kubernetes and AWS EKS, from
/// Trino Community Broadcast 31 ("Trinetes II").
///
/// With no subcommand it opens the tutorial in the terminal, on the dry-run
/// backend (a simulated EKS, Helm and Kubernetes; no AWS account needed) and
/// the built-in lessons.
#[derive(Debug, Parser)]
#[command(name = "trinetes", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Read lessons from this folder instead of the built-in ones.
    #[arg(long, global = true, value_name = "DIR", env = "TRINETES_LESSONS")]
    pub lessons: Option<PathBuf>,
    /// Where steps run: dry-run (simulated, the default), live (real AWS), or
    /// context[=NAME] (an existing kubeconfig context).
    #[arg(long, global = true, value_name = "BACKEND", default_value = "dry-run")]
    pub backend: String,
    /// With --backend context: run every step and check in this namespace
    /// (created if missing), through a private kubeconfig whose context
    /// points there. Gives each learner of a class their own namespace on
    /// one shared cluster.
    #[arg(long, global = true, value_name = "NS")]
    pub namespace: Option<String>,
    /// Which values the lessons use: "current" (what works today) or
    /// "episode-2021" (what the episode typed).
    #[arg(long, global = true, value_name = "PROFILE", default_value = "current")]
    pub profile: String,
    /// Colour theme.
    #[arg(long, global = true, value_enum, default_value_t = ThemeName::Dark)]
    pub theme: ThemeName,
    /// On dry-run, how fast simulated long steps play: realistic (a real
    /// ~15-minute eksctl run squeezed into --pace-total) or fast (about a
    /// second, and pods start in a blink).
    #[arg(long, global = true, value_enum, default_value_t = PaceName::Realistic)]
    pub pace: PaceName,
    /// The length of a realistic eksctl run, e.g. 60s, or 20s for a talk.
    #[arg(long, global = true, value_name = "DURATION", default_value = "60s")]
    pub pace_total: String,
    /// Record the steps run (in the tutorial or `trinetes run`) into this
    /// asciicast v2 file: each step's command, output and checks with their
    /// timing, and a marker at each step. Secrets are redacted. Play it with
    /// `trinetes replay FILE` or asciinema.
    #[arg(long, global = true, value_name = "FILE.cast")]
    pub record: Option<PathBuf>,
    /// Open the tutorial as a presentation for a room: big headings, one
    /// section per screen, commands typed out before they run.
    #[arg(long, global = true)]
    pub present: bool,
    /// With --present: how many characters a second a command is typed
    /// at (0 shows it whole).
    #[arg(long, global = true, value_name = "CPS", default_value_t = 30)]
    pub type_speed: u32,
    /// When a live step fails for a network or AWS reason (DNS, a timeout,
    /// throttling, expired credentials): ask whether to go on with the
    /// lesson on dry-run from that step (ask), go on without asking (auto),
    /// or let the failure stand (never). A headless run goes on only with
    /// auto.
    #[arg(long, global = true, value_enum, default_value_t = FallbackMode::Ask)]
    pub fallback: FallbackMode,
}

/// The global flags each subcommand has a use for; the others are still
/// accepted there (so `trinetes sim --theme light` keeps working), but its
/// `--help` does not list them. A new global flag is hidden everywhere but
/// where it is named here.
const USED_GLOBALS: &[(&str, &[&str])] = &[
    ("lessons", &["lessons", "profile"]),
    ("sim", &["profile"]),
    ("reset-world", &[]),
    ("notes", &[]),
    (
        "run",
        &[
            "lessons",
            "backend",
            "namespace",
            "profile",
            "pace",
            "pace_total",
            "record",
            "fallback",
        ],
    ),
    ("doctor", &["backend", "namespace", "profile"]),
    ("cleanup", &["profile"]),
    ("replay", &["lessons", "type_speed"]),
];

/// The command line with each subcommand's help cut down to its own flags:
/// a subcommand gets a hidden copy of each global flag it has no use for,
/// which clap then does not copy in again.
pub fn command() -> clap::Command {
    let mut command = Cli::command();
    for (name, used) in USED_GLOBALS {
        let hidden: Vec<clap::Arg> = command
            .get_arguments()
            .filter(|a| a.is_global_set() && !used.contains(&a.get_id().as_str()))
            .map(|a| a.clone().hide(true))
            .collect();
        command = command.mut_subcommand(name, |sub| sub.args(hidden));
    }
    command
}

/// Parses the process's arguments (exits with clap's message on an error
/// or after `--help`).
pub fn parse() -> Cli {
    if let Some(word) = std::env::args().find(|a| a == "--context" || a.starts_with("--context=")) {
        eprintln!(
            "trinetes: there is no {word:?} flag: an existing kubeconfig context is a backend, \
             `--backend context=NAME` (`kubectl config get-contexts` lists the names)"
        );
        std::process::exit(2);
    }
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ThemeName {
    Dark,
    Light,
    HighContrast,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List lessons with their progress, or validate lesson files.
    Lessons(LessonsArgs),
    /// Start the dry-run world alone: the practice cluster (Ready EKS-like
    /// nodes, context kind-trinetes) and the simulated EKS endpoint. Prints
    /// `export KUBECONFIG=...` and `export AWS_ENDPOINT_URL_EKS=...` for
    /// kubectl and the aws CLI in another terminal. Stops on Ctrl-C or SIGTERM.
    Sim(SimArgs),
    /// Run lessons headless: every step and its checks, with progress lines.
    /// Exits non-zero on the first failed step (unless --keep-going).
    ///
    /// Example: trinetes run --all --pace fast --report report.xml
    Run(RunArgs),
    /// Start the dry-run world over. The world (its clusters, the EKS
    /// clusters eksctl made, Helm releases and kubeconfig) is kept across
    /// restarts; this forgets it, so the next start begins with a new
    /// practice cluster. Refused while a trinetes runs that world.
    ResetWorld,
    /// Check what the chosen backend needs: the tools and their versions,
    /// AWS credentials and identity, existing EKS clusters, the kube
    /// context and whether it may be used, and port 8080. Exits non-zero
    /// when something required is missing.
    ///
    /// Example: trinetes doctor --backend live
    Doctor,
    /// The speaker's notes window, for a second terminal: it follows the
    /// trinetes running with the same state directory (over a local Unix
    /// socket, nothing on the network) and shows the notes of the section
    /// on screen, the next step and section, the clock, the time spent
    /// against each lesson's minutes, and the running step.
    ///
    /// Keys: n/→ next step (or screen), p/← previous, r runs the step the
    /// window names ("r runs: …"; in --present, one not shown yet is shown
    /// and run at once), f fast-forwards the running step on dry-run, y
    /// answers the question the tutorial asks (run a billable step, build a
    /// lesson's needs, go on on dry-run) and n, while it asks, says no;
    /// q or Ctrl-C quits (Esc does not, so a stray Esc keeps the window).
    ///
    /// Several may follow one trinetes; one started first waits for it. It
    /// needs a terminal of 48×18 at least.
    Notes,
    /// Remove every real resource trinetes created on the live and context
    /// backends, as its ledger records them: port-forwards, then Helm
    /// releases, then namespaces, then EKS clusters (`eksctl delete
    /// cluster`), each checked gone afterwards. Safe to run again; exits
    /// non-zero while anything survives.
    Cleanup(CleanupArgs),
    /// Play a recording made with --record inside the presentation view
    /// (as --present shows the lessons it holds): each step plays its
    /// recorded output instead of running, and nothing runs on any backend.
    /// With --step a step plays when the presenter runs it (Enter, or r in
    /// `trinetes notes`); without, the presentation moves on by itself.
    /// Space/→ and ← move as in --present, PgUp/PgDn page the output, f
    /// plays the rest of a step 20 times faster, q quits.
    ///
    /// Example: trinetes replay demo.cast --step
    Replay(ReplayArgs),
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The recording, made with --record.
    #[arg(value_name = "FILE.cast")]
    pub file: PathBuf,
    /// How much faster than recorded to play (2 = twice as fast).
    #[arg(long, default_value_t = 1.0, value_parser = positive_speed)]
    pub speed: f64,
    /// Play each step when the presenter runs it (Enter, or r in the notes
    /// window); otherwise the presentation moves on and plays by itself.
    #[arg(long)]
    pub step: bool,
}

fn positive_speed(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(speed) if speed.is_finite() && speed > 0.0 => Ok(speed),
        _ => Err(format!(
            "{text:?} is not a speed above 0, such as 0.5, 1 or 4"
        )),
    }
}

#[derive(Debug, Args)]
pub struct CleanupArgs {
    /// Do not ask; needed without a terminal.
    #[arg(long)]
    pub yes: bool,
    /// How long to wait for an EKS cluster that is DELETING, e.g. 20m.
    #[arg(long, value_name = "DURATION", default_value = "20m")]
    pub wait: String,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Run this lesson (repeat for several); see `trinetes lessons` for ids.
    #[arg(long = "lesson", id = "lesson", value_name = "ID")]
    pub lessons: Vec<String>,
    /// Run every lesson, in order.
    #[arg(long, conflicts_with = "lesson")]
    pub all: bool,
    /// Stop after this step: its id, or LESSON/STEP when several of the
    /// chosen lessons have a step of that id (e.g. eks/get-nodes).
    #[arg(long, value_name = "STEP_ID")]
    pub until: Option<String>,
    /// Write a report: JUnit XML when the name ends in .xml, JSON otherwise.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Go on after a failed step, and fail at the end.
    #[arg(long)]
    pub keep_going: bool,
    /// Run commands from a --lessons folder on the live or context backend
    /// without asking: they run for real, with your credentials, so read
    /// the lessons first.
    #[arg(long)]
    pub trust_lessons: bool,
    /// On the live backend, allow the billable step that creates this EKS
    /// cluster (its name, as the lesson shows it). Without it, a headless
    /// run shows the step's cost estimate and refuses to create anything.
    #[arg(long, value_name = "CLUSTER")]
    pub confirm_billable: Option<String>,
    /// After the last step, keep the simulated world and any port-forward
    /// running until Ctrl-C or SIGTERM, and print how to reach them.
    #[arg(long)]
    pub hold: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaceName {
    Fast,
    Realistic,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// How many worker nodes.
    #[arg(long, default_value_t = 2)]
    pub nodes: usize,
    /// EC2 instance type of the nodes (t2.large, t3.medium, t3.large, m5.large, ...).
    #[arg(long, value_name = "TYPE", default_value = "t2.large")]
    pub node_type: String,
    /// Port of the API server on 127.0.0.1 (default: a free one).
    #[arg(long)]
    pub port: Option<u16>,
    /// Where to write the kubeconfig (default:
    /// $XDG_STATE_HOME/trinetes/sim/kubeconfig).
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// How much faster than the wall clock simulated time runs.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
}

#[derive(Debug, Args)]
pub struct LessonsArgs {
    /// Print every lesson with its steps (id, title, command, checks) as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<LessonsCommand>,
}

#[derive(Debug, Subcommand)]
pub enum LessonsCommand {
    /// Validate lesson files and report every error as file:line:column.
    /// Exits non-zero when anything is wrong.
    Check {
        /// The folder to check (default: --lessons, or the built-in lessons).
        dir: Option<PathBuf>,
    },
    /// Write the lessons as static HTML handouts: one page per lesson and an
    /// index, with the commands of --profile, the checks in words, the hints
    /// and the diagrams. DIR must be new, empty, or an earlier export.
    Export {
        /// The folder to write into.
        #[arg(long, value_name = "DIR", required = true)]
        html: PathBuf,
        /// Include the speaker notes.
        #[arg(long)]
        with_notes: bool,
    },
}
