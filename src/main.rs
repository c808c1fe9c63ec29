use clap::Parser;

use trinetes::cli::Cli;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match trinetes::app::dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("trinetes: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
