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
//! quick-xml's `Writer` writes the document (indented by two spaces) and escapes the markup
//! characters (`& < > " '`). Before text reaches it, every control character is shown as on a
//! terminal by [`escape`] (quick-xml passes control characters through, and XML 1.0 forbids most):
//! character data in [`text_element`], attributes in [`attr`], which also writes the tab as a
//! character reference. An attribute is one line; a failure's body is lines credlint writes, each
//! shown on one line, so a line break in a file's name or a key can't forge a line. Output is
//! deterministic: no timestamps, `time="0"`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;

use super::{escape, first_sentence, repo_path};
use crate::finding::Finding;
use crate::rules::Catalogue;
use crate::{FileProblem, ScanOutcome};

type Xml<'a> = Writer<&'a mut dyn Write>;

pub fn write(outcome: &ScanOutcome, catalogue: &Catalogue, out: &mut dyn Write) -> io::Result<()> {
    // Every rule of the catalogue gets a suite, even without findings; a finding of a rule the
    // catalogue does not know (none today) still gets one.
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = catalogue.rules().map(|rule| (&*rule.id, Vec::new())).collect();
    for finding in &outcome.findings {
        by_rule.entry(&finding.rule).or_default().push(finding);
    }
    let file_errors = outcome.problems.iter().filter(|p| p.problem.kind.is_error()).count();
    let file_skipped = outcome.problems.len() - file_errors;
    let tests = by_rule.values().map(|findings| findings.len().max(1)).sum::<usize>() + outcome.problems.len();
    let failures = outcome.findings.len();

    let mut xml = Writer::new_with_indent(out, b' ', 2);
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    xml.write_event(Event::Start(element(
        "testsuites",
        &[("name", "credlint")],
        (tests, failures, file_errors, file_skipped),
    )))?;
    for (rule, findings) in &by_rule {
        let name = format!("credlint/{rule}");
        let cases = findings.len().max(1);
        xml.write_event(Event::Start(element("testsuite", &[("name", &name)], (cases, findings.len(), 0, 0))))?;
        if findings.is_empty() {
            let case = with_attrs("testcase", &[("classname", "credlint"), ("name", rule), ("time", "0")]);
            xml.write_event(Event::Empty(case))?;
        }
        for finding in findings {
            failure_case(&mut xml, outcome, catalogue, finding)?;
        }
        xml.write_event(Event::End(BytesEnd::new("testsuite")))?;
    }
    if !outcome.problems.is_empty() {
        let counts = (outcome.problems.len(), 0, file_errors, file_skipped);
        xml.write_event(Event::Start(element("testsuite", &[("name", "credlint/files")], counts)))?;
        for problem in &outcome.problems {
            problem_case(&mut xml, problem)?;
        }
        xml.write_event(Event::End(BytesEnd::new("testsuite")))?;
    }
    xml.write_event(Event::End(BytesEnd::new("testsuites")))?;
    writeln!(xml.get_mut())
}

/// `<testsuites>` or `<testsuite>`: its attributes, then the counts `(tests, failures, errors,
/// skipped)` and `time="0"`.
fn element<'a>(name: &'a str, attrs: &[(&str, &str)], counts: (usize, usize, usize, usize)) -> BytesStart<'a> {
    let (tests, failures, errors, skipped) = counts;
    let counts = [tests, failures, errors, skipped].map(|n| n.to_string());
    let mut start = with_attrs(name, attrs);
    for (key, value) in ["tests", "failures", "errors", "skipped"].iter().zip(&counts) {
        start.push_attribute(attr(key, value));
    }
    start.push_attribute(attr("time", "0"));
    start
}

fn with_attrs<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
    let mut start = BytesStart::new(name);
    for (key, value) in attrs {
        start.push_attribute(attr(key, value));
    }
    start
}

/// `<NAME attrs…>TEXT</NAME>`, the text escaped by quick-xml after [`visible`].
fn text_element(xml: &mut Xml<'_>, start: BytesStart<'_>, body: &str) -> io::Result<()> {
    let end = start.to_end().into_owned();
    xml.write_event(Event::Start(start))?;
    xml.write_event(Event::Text(BytesText::new(&visible(body))))?;
    xml.write_event(Event::End(end))
}

fn failure_case(xml: &mut Xml<'_>, outcome: &ScanOutcome, catalogue: &Catalogue, finding: &Finding) -> io::Result<()> {
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
    let line = start.line.to_string();
    let name = format!("{} at {at}", finding.rule);
    let case = with_attrs(
        "testcase",
        &[("classname", &path), ("name", &name), ("file", &path), ("line", &line), ("time", "0")],
    );
    xml.write_event(Event::Start(case))?;
    let failure = with_attrs("failure", &[("message", &finding.message), ("type", &finding.rule)]);
    text_element(xml, failure, &lines(&body))?;
    xml.write_event(Event::End(BytesEnd::new("testcase")))
}

/// `<short commit>:` before a path in history (git's `rev:path`), else nothing.
fn revision(outcome: &ScanOutcome, path: &std::path::Path) -> String {
    super::commit_of(outcome, path).map(|commit| format!("{}:", super::short(commit))).unwrap_or_default()
}

fn problem_case(xml: &mut Xml<'_>, problem: &FileProblem) -> io::Result<()> {
    let path = repo_path(&problem.path, None);
    let kind = serde_json::to_value(problem.problem.kind).ok();
    let kind = kind.as_ref().and_then(|kind| kind.as_str()).unwrap_or("problem");
    let name = format!("scan {path}");
    xml.write_event(Event::Start(with_attrs(
        "testcase",
        &[("classname", &path), ("name", &name), ("file", &path), ("time", "0")],
    )))?;
    let message = &problem.problem.message;
    if problem.problem.kind.is_error() {
        let error = with_attrs("error", &[("message", message), ("type", kind)]);
        // Two strings from outside on one line, each shown on it.
        text_element(xml, error, &format!("{}: {}", escape::terminal(&path), escape::terminal(message)))?;
    } else {
        xml.write_event(Event::Empty(with_attrs("skipped", &[("message", &format!("{kind}: {message}"))])))?;
    }
    xml.write_event(Event::End(BytesEnd::new("testcase")))
}

/// Character data as quick-xml is handed it: what XML 1.0 forbids (and every other hazard) shown
/// as escapes by [`escape::xml_visible`], since quick-xml escapes markup but passes control
/// characters through. Line breaks stay: [`lines`] has shown those of each line already.
fn visible(value: &str) -> Cow<'_, str> {
    escape::xml_visible(value)
}

/// Lines credlint writes, each shown on one line (control characters, line breaks included, as
/// escapes), joined by line breaks: a line break in a file's name or a key can't forge a line.
fn lines(lines: &[String]) -> String {
    lines.iter().map(|line| escape::terminal(line)).collect::<Vec<_>>().join("\n")
}

/// An attribute: one line, control characters shown, escaped by [`escape::xml_attr`] (quick-xml's
/// escaping, plus a character reference for the tab, which attribute-value normalisation would
/// otherwise read back as a space; quick-xml's own attribute escaping keeps it raw).
fn attr<'a>(key: &'a str, value: &str) -> Attribute<'a> {
    let escaped = escape::xml_attr(&escape::terminal(value));
    Attribute { key: QName(key.as_bytes()), value: Cow::Owned(escaped.into_bytes()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text and attributes as this writer makes them, through quick-xml.
    fn written(body: &str, attribute: &str) -> String {
        let mut out = Vec::new();
        let mut xml: Xml<'_> = Writer::new(&mut out);
        text_element(&mut xml, with_attrs("e", &[("a", attribute)]), body).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            written(r#"a & b < c > d "e" 'f'"#, "<&>"),
            r#"<e a="&lt;&amp;&gt;">a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;</e>"#
        );
    }

    #[test]
    fn control_characters_are_shown_and_lines_stay_credlints() {
        assert_eq!(
            written("a\u{0}b\u{1b}[31mc\u{FFFE}d\u{7f}", "line\nnext\tcol\r"),
            r#"<e a="line\nnext&#9;col\r">a\u{0}b\u{1b}[31mc\u{fffe}d\u{7f}</e>"#
        );
        assert_eq!(lines(&["a\nb".to_owned(), "c".to_owned()]), "a\\nb\nc");
        assert_eq!(written("é😀", "é😀"), r#"<e a="é😀">é😀</e>"#);
    }
}
