//! `trinetes cleanup`: removes what the ledger says trinetes created.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;

use crate::cleanup::{self, Options, Outcome};
use crate::cli::CleanupArgs;
use crate::ledger::Ledger;
use crate::lesson;
use crate::progress;

pub fn run(args: &CleanupArgs) -> anyhow::Result<ExitCode> {
    let wait = lesson::parse_duration(&args.wait)
        .with_context(|| format!("--wait {:?} is not a duration like 20m or 90s", args.wait))?;
    let ledger = Ledger::in_dir(&progress::state_dir()?);
    let open = ledger.open()?;
    if open.is_empty() {
        println!(
            "Nothing to clean up: the ledger ({}) lists nothing that trinetes created and did not remove.",
            ledger.path().display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("trinetes created these and has not seen them removed:");
    for entry in &open {
        let cost = if entry.resource.billable() {
            "  (billed while it exists)"
        } else {
            ""
        };
        println!(
            "  - {} [{}, since {}]{cost}",
            entry.resource,
            entry.backend,
            entry.created_at.strftime("%Y-%m-%d %H:%M UTC")
        );
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            anyhow::bail!(
                "cleanup removes real resources and asks first; without a terminal, pass --yes"
            );
        }
        print!("Remove them all? Type yes to go on: ");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if answer.trim() != "yes" {
            println!("Nothing was removed.");
            return Ok(ExitCode::FAILURE);
        }
    }
    let opts = Options {
        wait,
        ..Options::default()
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let reports = runtime.block_on(cleanup::run(&ledger, &opts, |line| println!("{line}")))?;
    let survivors: Vec<_> = reports
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Survived { .. }))
        .collect();
    if survivors.is_empty() {
        println!("Everything trinetes created is gone.");
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} still there; they stay in the ledger. Fix what is said above and run `trinetes cleanup` again.",
            match survivors.len() {
                1 => "1 resource is".to_string(),
                n => format!("{n} resources are"),
            }
        );
        Ok(ExitCode::FAILURE)
    }
}
