//! Human output: rustc-style diagnostics through `codespan-reporting`, then a summary line.
//!
//! The primary label sits on the secret (already masked in the source the report receives), a
//! secondary label on the connection target, and a `help:` note carries the remediation.

use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic, Label, Severity as CodespanSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use codespan_reporting::term::{self, Config};

use super::{Summary, first_sentence};

use crate::ScanOutcome;
use crate::finding::Severity;
use crate::rules::Catalogue;
use crate::source::display_path;

pub fn write(outcome: &ScanOutcome, catalogue: &Catalogue, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let mut files = SimpleFiles::new();
    let mut ids = std::collections::BTreeMap::new();
    for (path, file) in &outcome.sources {
        ids.insert(path.clone(), files.add(display_path(path), file.text.clone()));
    }
    let config = Config::default();
    let mut writer: Box<dyn WriteColor + '_> =
        if color { Box::new(Ansi::new(&mut *out)) } else { Box::new(NoColor::new(&mut *out)) };
    for finding in &outcome.findings {
        let Some(&file_id) = ids.get(&finding.primary.path) else { continue };
        let mut labels =
            vec![Label::primary(file_id, finding.primary.span.range()).with_message(finding.primary.label.clone())];
        for location in &finding.secondary {
            if let Some(&id) = ids.get(&location.path) {
                labels.push(Label::secondary(id, location.span.range()).with_message(location.label.clone()));
            }
        }
        let mut notes = Vec::new();
        if let Some(provenance) = &finding.provenance {
            let mut note = format!("introduced in commit {} ({})", provenance.commit, display_path(&provenance.path));
            if let Some(removed) = &provenance.removed_in {
                note.push_str(&format!(
                    "; gone from the tree since commit {removed}: revoke it, deleting is not enough"
                ));
            }
            notes.push(note);
        }
        if let Some(rule) = catalogue.rule(&finding.rule) {
            notes.push(format!("help: {}", first_sentence(&rule.remediation)));
        }
        notes.push(format!("run `credlint explain {}` for more", finding.rule));
        let diagnostic = Diagnostic::new(codespan_severity(finding.severity))
            .with_code(finding.rule.to_string())
            .with_message(finding.message.clone())
            .with_labels(labels)
            .with_notes(notes);
        term::emit(&mut *writer, &config, &files, &diagnostic).map_err(to_io)?;
    }
    for problem in &outcome.problems {
        writeln!(
            writer,
            "{}: {}: {}",
            problem_level(problem.problem.kind),
            display_path(&problem.path),
            problem.problem.message
        )?;
    }
    Ok(())
}

fn problem_level(kind: crate::fact::ProblemKind) -> &'static str {
    if kind.is_error() { "error" } else { "note" }
}

pub fn summary_line(summary: &Summary) -> String {
    let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    let hidden =
        if summary.hidden > 0 { format!(", {} more below --min-severity", summary.hidden) } else { String::new() };
    let mut suppressed = String::new();
    if summary.suppressed > 0 {
        suppressed.push_str(&format!(", {} suppressed", summary.suppressed));
    }
    if summary.baselined > 0 {
        suppressed.push_str(&format!(", {} in the baseline", summary.baselined));
    }
    if summary.excluded.paths > 0 {
        let paths = summary.excluded.paths;
        suppressed.push_str(&format!(", {paths} path{} excluded", if paths == 1 { "" } else { "s" }));
    }
    let scanned = match (summary.blobs_scanned, summary.commits_scanned) {
        (Some(blobs), Some(commits)) => format!("{} in {}", plural(blobs, "blob"), plural(commits, "commit")),
        _ => plural(summary.files_scanned, "file"),
    };
    format!(
        "credlint: {scanned} scanned, {}, {}, {}{hidden}{suppressed}; {}",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.notes, "note"),
        plural(summary.problems, "file problem"),
    )
}

fn codespan_severity(severity: Severity) -> CodespanSeverity {
    match severity {
        Severity::Error => CodespanSeverity::Error,
        Severity::Warning => CodespanSeverity::Warning,
        Severity::Note => CodespanSeverity::Note,
    }
}

fn to_io(error: codespan_reporting::files::Error) -> io::Error {
    match error {
        codespan_reporting::files::Error::Io(error) => error,
        other => io::Error::other(other.to_string()),
    }
}
