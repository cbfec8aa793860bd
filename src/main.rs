//! The `credlint` binary: parse arguments, run, map the outcome to an exit code.
//! A closed pipe (`credlint scan | head`) ends the program quietly. A panic prints where it
//! happened, never its message: a message can quote a scanned file (a slice of its text).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        credlint::say!(
            "credlint: internal error{at} (a bug: please report it; its message is withheld because it may quote a scanned file)"
        );
    }));
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
            credlint::say!("error: {}", credlint::report::escape::terminal_lines(&format!("{error:#}")));
            ExitCode::from(2)
        }
    }
}
