//! `--format concise`: one line per finding, for editors, `grep` and quick looks at a terminal.
//!
//! Owns the line grammar, rustc's `--error-format=short` with the rule as the code:
//!
//! ```text
//! PATH:LINE:COLUMN: SEVERITY[RULE]: MESSAGE
//! PATH: error: MESSAGE                        (a file that could not be read; `note` when the
//!                                              problem does not fail the scan)
//! ```
//!
//! `SEVERITY` is `error`, `warning` or `note`; lines and columns are 1-based, columns count
//! characters (as in `--format json`). A finding in git history (`--history`) names the file's
//! repository path, as `--format json` does, and ends its message with `(in commit <short id>)`:
//! the line is the line of that commit's version. Findings come first, in the report order every
//! format uses, then per-file problems; the summary line goes to stderr as for every format.
//!
//! The path and the message hold text from scanned files: both reach the terminal through
//! [`escape::terminal`] in [`shown`], the one place this format escapes, so each finding stays
//! one line and no file can send the terminal an escape sequence. With colour, only the
//! severity and rule are coloured (credlint's own SGR sequences), as rustc colours its level.

use std::io::{self, Write};
use std::path::Path;

use super::escape;
use crate::ScanOutcome;
use crate::fact::ProblemKind;
use crate::finding::Severity;
use crate::source::display_path;

const RESET: &str = "\u{1b}[0m";

pub fn write(outcome: &ScanOutcome, out: &mut dyn Write, color: bool) -> io::Result<()> {
    for finding in &outcome.findings {
        let (start, _) = super::line_cols(outcome, &finding.primary.path, finding.primary.span);
        let level = finding.severity.as_str();
        let code = paint(&format!("{level}[{}]", finding.rule), colour(finding.severity), color);
        let mut message = finding.message.to_string();
        if let Some(commit) = super::commit_of(outcome, &finding.primary.path) {
            message.push_str(&format!(" (in commit {})", super::short(commit)));
        }
        let (path, message) = shown(super::file_path(outcome, &finding.primary.path), &message);
        writeln!(out, "{path}:{}:{}: {code}: {message}", start.line, start.column)?;
    }
    for problem in &outcome.problems {
        let (path, message) = shown(&problem.path, &problem.problem.message);
        let level = problem_level(problem.problem.kind);
        let severity = if problem.problem.kind.is_error() { Severity::Error } else { Severity::Note };
        writeln!(out, "{path}: {}: {message}", paint(level, colour(severity), color))?;
    }
    Ok(())
}

/// A path and a message as the terminal shows them: every hazard an escape (`\n`, `\u{1b}`).
fn shown(path: &Path, message: &str) -> (String, String) {
    (escape::terminal(&display_path(path)).into_owned(), escape::terminal(message).into_owned())
}

fn problem_level(kind: ProblemKind) -> &'static str {
    if kind.is_error() { "error" } else { "note" }
}

/// Bold and the colour rustc gives the level: red errors, yellow warnings, cyan notes.
fn colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "\u{1b}[1;31m",
        Severity::Warning => "\u{1b}[1;33m",
        Severity::Note => "\u{1b}[1;36m",
    }
}

fn paint(text: &str, sgr: &str, color: bool) -> String {
    if color { format!("{sgr}{text}{RESET}") } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_level_is_painted() {
        assert_eq!(paint("error[x]", colour(Severity::Error), true), "\u{1b}[1;31merror[x]\u{1b}[0m");
        assert_eq!(paint("note[x]", colour(Severity::Note), false), "note[x]");
    }

    #[test]
    fn paths_and_messages_stay_on_one_line() {
        let (path, message) = shown(Path::new("a\n::b\u{1b}]0;t\u{7}.sh"), "x\r\ny\u{202e}");
        assert_eq!(path, "a\\n::b\\u{1b}]0;t\\u{7}.sh");
        assert_eq!(message, "x\\r\\ny\\u{202e}");
    }
}
