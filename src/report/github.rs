//! `--format github`: GitHub Actions workflow commands, one line per finding, so that a workflow
//! gets annotations on the pull request without uploading SARIF.
//!
//! Owns the command grammar (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`);
//! [`command_line`] is the one place text is escaped (the runner's escaping, `%`, CR and LF, plus
//! `:` and `,` in properties, and no control character: see [`escape`]). The message is lines
//! credlint writes, each shown on one line, so a line break in a file's name or a key can't
//! start a line of its own, let alone a command.
//! A finding's related locations and the rule's help go into the (multi-line, escaped) message; a
//! per-file problem becomes an `error` annotation when it fails the scan (exit code 2) and a
//! `notice` otherwise, so that it never takes one of the ten `warning` annotations GitHub shows per
//! step away from a finding. Columns are characters, 1-based, `endColumn` exclusive as in SARIF,
//! and given only for a single-line span (GitHub ignores them across lines).

use std::io::{self, Write};

use crate::ScanOutcome;
use crate::finding::{Finding, Location, Severity};
use crate::rules::Catalogue;

use super::{escape, first_sentence, repo_path};

/// The environment variable holding the checkout's root on a GitHub runner.
const WORKSPACE_VAR: &str = "GITHUB_WORKSPACE";
/// Related locations listed in an annotation; the rest are counted (an annotation is a few lines
/// in a pull request, not the whole credential graph: `--format sarif` or `json` has every one).
const MAX_RELATED: usize = 10;

pub fn write(outcome: &ScanOutcome, catalogue: &Catalogue, out: &mut dyn Write) -> io::Result<()> {
    for finding in &outcome.findings {
        writeln!(out, "{}", finding_command(outcome, catalogue, finding))?;
    }
    for problem in &outcome.problems {
        let command = if problem.problem.kind.is_error() { "error" } else { "notice" };
        let properties = [("file", repo_path(&problem.path, Some(WORKSPACE_VAR))), ("title", "credlint".to_owned())];
        writeln!(out, "{}", command_line(command, &properties, std::slice::from_ref(&problem.problem.message)))?;
    }
    Ok(())
}

fn finding_command(outcome: &ScanOutcome, catalogue: &Catalogue, finding: &Finding) -> String {
    let command = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut properties = vec![("file", repo_path(finding.reported_path(), Some(WORKSPACE_VAR)))];
    // A line of an old commit is not that line of the checkout: history findings annotate the
    // file and name the commit and line in the message.
    if outcome.sources.contains_key(&*finding.primary.path) && finding.provenance.is_none() {
        let (start, end) = super::line_cols(outcome, &finding.primary.path, finding.primary.span);
        properties.push(("line", start.line.to_string()));
        if start.line == end.line {
            properties.push(("col", start.column.to_string()));
        }
        properties.push(("endLine", end.line.to_string()));
        if start.line == end.line {
            properties.push(("endColumn", end.column.to_string()));
        }
    }
    properties.push(("title", format!("credlint {}", finding.rule)));
    let mut message = vec![finding.message.to_string()];
    if let Some(provenance) = &finding.provenance {
        message.push(format!("in history: {}", place(outcome, &finding.primary)));
        message.push(format!("introduced in commit {}", provenance.commit));
    }
    if !finding.secondary.is_empty() {
        let mut related: Vec<String> =
            finding.secondary.iter().take(MAX_RELATED).map(|location| place(outcome, location)).collect();
        if finding.secondary.len() > MAX_RELATED {
            related.push(format!("and {} more", finding.secondary.len() - MAX_RELATED));
        }
        message.push(format!("related: {}", related.join("; ")));
    }
    if let Some(rule) = catalogue.rule(&finding.rule) {
        message.push(format!("help: {}", first_sentence(&rule.remediation)));
    }
    command_line(command, &properties, &message)
}

/// `path:line:col (label)` for a related location.
fn place(outcome: &ScanOutcome, location: &Location) -> String {
    let mut path = repo_path(super::file_path(outcome, &location.path), Some(WORKSPACE_VAR));
    if let Some(commit) = super::commit_of(outcome, &location.path) {
        path = format!("{}:{path}", super::short(commit));
    }
    let at = if outcome.sources.contains_key(&*location.path) {
        let (start, _) = super::line_cols(outcome, &location.path, location.span);
        format!("{path}:{}:{}", start.line, start.column)
    } else {
        path
    };
    if location.label.is_empty() { at } else { format!("{at} ({})", location.label) }
}

/// One workflow command: `::command key=value,key=value::message`, every part escaped. The
/// message's lines are joined with an escaped line break, each shown on one line first.
fn command_line(command: &str, properties: &[(&str, String)], message: &[String]) -> String {
    let properties: Vec<String> =
        properties.iter().map(|(key, value)| format!("{key}={}", escape::github_property(value))).collect();
    let lines: Vec<String> = message.iter().map(|line| escape::github_data(&escape::terminal(line))).collect();
    format!("::{command} {}::{}", properties.join(","), lines.join("%0A"))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn a_command_line_has_the_workflow_grammar() {
        let properties = [("file", "a,b.sh".to_owned()), ("line", "3".to_owned()), ("title", "credlint x".to_owned())];
        let message = ["used by: jira, confluence".to_owned(), "50% done".to_owned()];
        let line = command_line("warning", &properties, &message);
        assert_eq!(line, "::warning file=a%2Cb.sh,line=3,title=credlint x::used by: jira, confluence%0A50%25 done");
        assert_eq!(line.lines().count(), 1);
        // A line break inside one of credlint's lines is shown, not encoded: no forged line.
        let forged = command_line("error", &[("file", "a\n::b".to_owned())], &["x\n::error ::y\u{1b}]0;t".to_owned()]);
        assert_eq!(forged, "::error file=a%0A%3A%3Ab::x\\n::error ::y\\u{1b}]0;t");
    }

    #[test]
    fn paths_are_relative_to_the_working_directory() {
        assert_eq!(repo_path(Path::new("./src/my file.sh"), None), "src/my file.sh");
        let inside = std::env::current_dir().unwrap().join("a/b.sh");
        assert_eq!(repo_path(&inside, None), "a/b.sh");
        assert_eq!(repo_path(&inside, Some("CREDLINT_TEST_UNSET_VARIABLE")), "a/b.sh");
    }

    #[test]
    fn the_first_sentence_is_one_line() {
        assert_eq!(first_sentence("Use a token.\nStore it  well. Then rest."), "Use a token");
        assert_eq!(first_sentence("Use a token."), "Use a token");
    }
}
