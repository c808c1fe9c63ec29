fn main() -> std::process::ExitCode {
    let cli = trinetes::cli::parse();
    match trinetes::app::dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("trinetes: {}", trinetes::app::error_text(&err));
            std::process::ExitCode::FAILURE
        }
    }
}
