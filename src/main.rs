//! The `fengqiao` binary: one program, several subcommands.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    fengqiao::telemetry::init();
    let cli = fengqiao::cli::Cli::parse();
    match fengqiao::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fengqiao: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
