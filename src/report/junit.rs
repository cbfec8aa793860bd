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
//! Text is escaped for XML 1.0 (`& < > " '`, line breaks kept in attributes as character
//! references) and characters XML 1.0 forbids are dropped. Output is deterministic: no timestamps,
//! `time="0"`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::{first_sentence, repo_path};
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
    let mut body = format!("{}[{}]: {}\n  --> {at}", finding.severity.as_str(), finding.rule, finding.message);
    if !finding.primary.label.is_empty() {
        let _ = write!(body, " ({})", finding.primary.label);
    }
    if let Some(provenance) = &finding.provenance {
        let _ = write!(body, "\n  commit: {}", provenance.commit);
        if let Some(removed) = &provenance.removed_in {
            let _ = write!(body, "\n  removed in: {removed} (still valid until revoked)");
        }
    }
    for location in &finding.secondary {
        let (start, _) = super::line_cols(outcome, &location.path, location.span);
        let shown = repo_path(super::file_path(outcome, &location.path), None);
        let revision = revision(outcome, &location.path);
        let _ = write!(body, "\n  related: {revision}{shown}:{}:{}", start.line, start.column);
        if !location.label.is_empty() {
            let _ = write!(body, " ({})", location.label);
        }
    }
    if let Some(secret) = &finding.redacted {
        let _ = write!(body, "\n  secret: {secret}");
    }
    if let Some(rule) = catalogue.rule(&finding.rule) {
        let _ = write!(body, "\n  help: {}", first_sentence(&rule.remediation));
    }
    let _ = write!(body, "\n  run `credlint explain {}` for more", finding.rule);
    format!(
        "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\" time=\"0\">\n      \
         <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
        attr(&path),
        attr(&format!("{} at {at}", finding.rule)),
        attr(&path),
        start.line,
        attr(&finding.message),
        attr(&finding.rule),
        text(&body),
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

/// Escapes character data: markup characters become entities, characters XML 1.0 forbids go.
fn text(value: &str) -> String {
    escape(value, false)
}

/// Escapes an attribute value; line breaks and tabs become character references, which survive
/// attribute-value normalisation (a literal one would be read back as a space).
fn attr(value: &str) -> String {
    escape(value, true)
}

fn escape(value: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            c if allowed_in_xml(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// XML 1.0's `Char` production: tab, LF, CR, and everything from U+0020 except U+FFFE and U+FFFF
/// (Rust's `char` already excludes the surrogates).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(text(r#"a & b < c > d "e" 'f'"#), "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;");
    }

    #[test]
    fn forbidden_characters_are_dropped_and_line_breaks_survive_attributes() {
        assert_eq!(text("a\u{0}b\u{1b}[31mc\u{FFFE}\u{FFFF}d\u{7f}"), "ab[31mcd\u{7f}");
        assert_eq!(text("line\nnext\tcol\r"), "line\nnext\tcol&#13;");
        assert_eq!(attr("line\nnext\tcol\r"), "line&#10;next&#9;col&#13;");
        assert_eq!(text("é😀"), "é😀");
    }
}
