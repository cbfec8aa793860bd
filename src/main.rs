//! The `credlint` binary: parse arguments, run, map the outcome to an exit code.
//! A closed pipe (`credlint scan | head`) ends the program quietly.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = credlint::cli::Cli::parse();
    match credlint::cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            let broken_pipe = error
                .chain()
                .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
                .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe);
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            // An error can quote what a repository holds (a key in its `.credlint.toml`, a path):
            // no control character of it reaches the terminal.
            eprintln!("error: {}", credlint::report::escape::terminal_lines(&format!("{error:#}")));
            ExitCode::from(2)
        }
    }
}
