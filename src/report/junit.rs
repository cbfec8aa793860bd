//! `--format junit`: JUnit XML, for CI systems that show test reports (Jenkins, GitLab, Azure
//! Pipelines, CircleCI).
//!
//! Layout: `<testsuites name="credlint">` holding one `<testsuite name="credlint/RULE">` per rule
//! of the catalogue (sorted by id), then `credlint/files` when some files had problems.
//! - Each finding is a `<testcase classname="PATH" name="RULE at PATH:LINE:COL">` with a
//!   `<failure message="…" type="RULE">` whose body holds the message, the location, the related
//!   locations, the redacted secret and the help line.
//! - A rule without findings is one passing `<testcase classname="credlint" name="RULE">`. A clean
//!   scan therefore has `failures="0"` and one passing test per rule, which every CI system shows
//!   green (Jenkins' `junit` step fails a build whose reports hold no test at all), and each rule
//!   keeps one test history across runs: red while it has findings, green once they are fixed.
//! - A per-file problem is a testcase in `credlint/files`: `<error>` when the file could not be
//!   read (the scan exits 2), `<skipped>` for the notes (unparsable, skipped on purpose).
//!
//! Suites per rule rather than one overall: GitLab and Azure flatten suites anyway, while Jenkins
//! and CircleCI show per-suite counts, which then read as "which rule fails and how often".
//! Text is escaped in [`attr`] and [`text`] only: for XML 1.0 (`& < > " '`) by [`escape`], after
//! every control character is shown as on a terminal (which also keeps out what XML 1.0 forbids).
//! An attribute is one line; a failure's body is lines credlint writes, each shown on one line,
//! so a line break in a file's name or a key can't forge a line. Output is deterministic: no
//! timestamps, `time="0"`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::{escape, first_sentence, repo_path};
use crate::finding::Finding;
use crate::rules::Catalogue;
use crate::{FileProblem, ScanOutcome};

pub fn write(outcome: &ScanOutcome, catalogue: &Catalogue, out: &mut dyn Write) -> io::Result<()> {
    // Every rule of the catalogue gets a suite, even without findings; a finding of a rule the
    // catalogue does not know (none today) still gets one.
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = catalogue.rules().map(|rule| (&*rule.id, Vec::new())).collect();
    for finding in &outcome.findings {
        by_rule.entry(&finding.rule).or_default().push(finding);
    }
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    for (rule, findings) in &by_rule {
        let cases: Vec<String> = if findings.is_empty() {
            vec![format!("    <testcase classname=\"credlint\" name=\"{}\" time=\"0\"/>\n", attr(rule))]
        } else {
            findings.iter().map(|finding| failure_case(outcome, catalogue, finding)).collect()
        };
        tests += cases.len();
        failures += findings.len();
        suites.push_str(&suite(&format!("credlint/{rule}"), cases.len(), findings.len(), 0, 0, &cases));
    }
    if !outcome.problems.is_empty() {
        let cases: Vec<String> = outcome.problems.iter().map(problem_case).collect();
        let suite_errors = outcome.problems.iter().filter(|p| p.problem.kind.is_error()).count();
        let suite_skipped = outcome.problems.len() - suite_errors;
        tests += cases.len();
        errors += suite_errors;
        skipped += suite_skipped;
        suites.push_str(&suite("credlint/files", cases.len(), 0, suite_errors, suite_skipped, &cases));
    }
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"credlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" \
         skipped=\"{skipped}\" time=\"0\">"
    )?;
    out.write_all(suites.as_bytes())?;
    writeln!(out, "</testsuites>")
}

fn suite(name: &str, tests: usize, failures: usize, errors: usize, skipped: usize, cases: &[String]) -> String {
    let mut text = format!(
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" \
         skipped=\"{skipped}\" time=\"0\">\n",
        attr(name)
    );
    cases.iter().for_each(|case| text.push_str(case));
    text.push_str("  </testsuite>\n");
    text
}

fn failure_case(outcome: &ScanOutcome, catalogue: &Catalogue, finding: &Finding) -> String {
    let path = repo_path(finding.reported_path(), None);
    let (start, _) = super::line_cols(outcome, &finding.primary.path, finding.primary.span);
    let at = format!("{}{path}:{}:{}", revision(outcome, &finding.primary.path), start.line, start.column);
    let mut body = vec![format!("{}[{}]: {}", finding.severity.as_str(), finding.rule, finding.message)];
    let mut primary = format!("  --> {at}");
    if !finding.primary.label.is_empty() {
        let _ = write!(primary, " ({})", finding.primary.label);
    }
    body.push(primary);
    if let Some(provenance) = &finding.provenance {
        body.push(format!("  commit: {}", provenance.commit));
        if let Some(removed) = &provenance.removed_in {
            body.push(format!("  removed in: {removed} (still valid until revoked)"));
        }
    }
    for location in &finding.secondary {
        let (start, _) = super::line_cols(outcome, &location.path, location.span);
        let shown = repo_path(super::file_path(outcome, &location.path), None);
        let revision = revision(outcome, &location.path);
        let mut related = format!("  related: {revision}{shown}:{}:{}", start.line, start.column);
        if !location.label.is_empty() {
            let _ = write!(related, " ({})", location.label);
        }
        body.push(related);
    }
    if let Some(secret) = &finding.redacted {
        body.push(format!("  secret: {secret}"));
    }
    if let Some(rule) = catalogue.rule(&finding.rule) {
        body.push(format!("  help: {}", first_sentence(&rule.remediation)));
    }
    body.push(format!("  run `credlint explain {}` for more", finding.rule));
    format!(
        "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\" time=\"0\">\n      \
         <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
        attr(&path),
        attr(&format!("{} at {at}", finding.rule)),
        attr(&path),
        start.line,
        attr(&finding.message),
        attr(&finding.rule),
        lines(&body),
    )
}

/// `<short commit>:` before a path in history (git's `rev:path`), else nothing.
fn revision(outcome: &ScanOutcome, path: &std::path::Path) -> String {
    super::commit_of(outcome, path).map(|commit| format!("{}:", super::short(commit))).unwrap_or_default()
}

fn problem_case(problem: &FileProblem) -> String {
    let path = repo_path(&problem.path, None);
    let kind = serde_json::to_value(problem.problem.kind).ok();
    let kind = kind.as_ref().and_then(|kind| kind.as_str()).unwrap_or("problem");
    let element = if problem.problem.kind.is_error() {
        format!(
            "<error message=\"{}\" type=\"{}\">{}: {}</error>",
            attr(&problem.problem.message),
            attr(kind),
            text(&path),
            text(&problem.problem.message)
        )
    } else {
        format!("<skipped message=\"{}\"/>", attr(&format!("{kind}: {}", problem.problem.message)))
    };
    format!(
        "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" time=\"0\">\n      {element}\n    </testcase>\n",
        attr(&path),
        attr(&format!("scan {path}")),
        attr(&path),
    )
}

/// Escapes character data of one line: control characters shown, markup characters as entities.
fn text(value: &str) -> String {
    escape::xml_text(&escape::terminal(value))
}

/// Escapes lines credlint writes, each as [`text`], joined by line breaks.
fn lines(lines: &[String]) -> String {
    lines.iter().map(|line| text(line)).collect::<Vec<_>>().join("\n")
}

/// Escapes an attribute value: one line, control characters shown, markup characters as entities.
fn attr(value: &str) -> String {
    escape::xml_attr(&escape::terminal(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(text(r#"a & b < c > d "e" 'f'"#), "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;");
    }

    #[test]
    fn control_characters_are_shown_and_lines_stay_credlints() {
        assert_eq!(text("a\u{0}b\u{1b}[31mc\u{FFFE}d\u{7f}"), "a\\u{0}b\\u{1b}[31mc\\u{fffe}d\\u{7f}");
        assert_eq!(attr("line\nnext\tcol\r"), "line\\nnext&#9;col\\r");
        assert_eq!(lines(&["a\nb".to_owned(), "c".to_owned()]), "a\\nb\nc");
        assert_eq!(text("é😀"), "é😀");
    }
}
