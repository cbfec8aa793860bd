//! Human output: rustc-style diagnostics through `codespan-reporting`, then a summary line.
//!
//! The primary label sits on the secret (already masked in the source the report receives), a
//! secondary label on the connection target, and a `help:` note carries the remediation.
//!
//! A snippet shows only the lines a label starts or ends on. codespan-reporting would also print
//! the line between two labelled lines and the inside of a multi-line label; those lines were
//! never looked at by anything that masks secrets (an AWS key two lines below a flagged one), so
//! [`Excerpt`] shows them as `…`.
//!
//! Everything reaches the terminal through [`escape`]: the file names, messages, labels and
//! notes of a diagnostic in [`escaped`], the source text of the snippets in one
//! byte-for-byte [`escape::neutralise_controls`] where the files are made into [`ShownFile`]s.

use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic, Label, Severity as CodespanSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use codespan_reporting::term::{self, Config};

use super::{Summary, escape, first_sentence};

use crate::ScanOutcome;
use crate::finding::Severity;
use crate::rules::Catalogue;
use crate::source::{SourceFile, display_path};

/// What stands for a line that a snippet does not show.
const ELIDED: &str = "…";

/// One file as snippets show it: its masked text with control characters neutralised, then
/// [`ELIDED`], which hidden lines point at.
struct ShownFile<'a> {
    name: String,
    text: String,
    source: &'a SourceFile,
}

/// Lines longer than this (in bytes) are shown as a window around their labels: a 1 MB minified
/// line with 200 findings would otherwise print 200 MB.
const LONG_LINE: usize = 400;

/// How much of a long line a window keeps on each side of its labels, in bytes.
const WINDOW_MARGIN: usize = 60;

/// The files of one diagnostic, showing only its labelled lines.
struct Excerpt<'a> {
    files: &'a [ShownFile<'a>],
    /// `(file id, 0-based line)` of every line a label starts or ends on.
    shown: std::collections::BTreeSet<(usize, usize)>,
    /// The part shown of each long line whose labels all start and end on it.
    windows: std::collections::BTreeMap<(usize, usize), std::ops::Range<usize>>,
    /// The last column counted on each line, as (byte, 0-based column), shared by the whole
    /// report: findings come in order, so a line with 400 of them is counted once, not 400 times.
    columns: &'a ColumnCache,
}

/// `(file id, line)` → the last `(byte, 0-based column)` counted on that line.
type ColumnCache = std::cell::RefCell<std::collections::HashMap<(usize, usize), (usize, usize)>>;

impl Excerpt<'_> {
    fn file(&self, id: usize) -> Result<&ShownFile<'_>, FilesError> {
        self.files.get(id).ok_or(FilesError::FileMissing)
    }
}

impl<'a> Files<'a> for Excerpt<'a> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(&self.file(id)?.name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(&self.file(id)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.file(id)?.source.lines.line_of(byte_index))
    }

    /// Columns count from the start of the line, also where a window shows only part of it.
    fn column_number(&'a self, id: usize, line_index: usize, byte_index: usize) -> Result<usize, FilesError> {
        let file = self.file(id)?;
        let line_start = file.source.lines.line_starts().get(line_index).copied().unwrap_or(0);
        let mut columns = self.columns.borrow_mut();
        let (from, counted) = match columns.get(&(id, line_index)) {
            Some(&(byte, column)) if byte <= byte_index => (byte, column),
            _ => (line_start, 0),
        };
        let column = counted + codespan_reporting::files::column_index(&file.text, from..file.text.len(), byte_index);
        columns.insert((id, line_index), (byte_index, column));
        Ok(column + 1)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<std::ops::Range<usize>, FilesError> {
        if let Some(window) = self.windows.get(&(id, line_index)) {
            return Ok(window.clone());
        }
        let file = self.file(id)?;
        let starts = file.source.lines.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge { given: line_index, max: starts.len() })?;
        let end = starts.get(line_index + 1).copied().unwrap_or(file.text.len() - ELIDED.len());
        // A blank line can hold no secret: it is shown as it is.
        let blank = file.text[start..end].trim().is_empty();
        if !blank && !self.shown.contains(&(id, line_index)) {
            return Ok(file.text.len() - ELIDED.len()..file.text.len());
        }
        Ok(start..end)
    }
}

pub fn write(outcome: &ScanOutcome, catalogue: &Catalogue, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let mut shown_files = Vec::new();
    let mut ids = std::collections::BTreeMap::new();
    for (path, file) in &outcome.sources {
        ids.insert(path.clone(), shown_files.len());
        // Spans are byte ranges into the text: neutralising keeps every byte offset.
        let mut text = escape::neutralise_controls(&file.text).into_owned();
        text.push_str(ELIDED);
        let name = escape::terminal(&display_path(path)).into_owned();
        shown_files.push(ShownFile { name, text, source: file });
    }
    // Inside a multi-line label only its first and last lines are shown: the others were never
    // checked for secrets.
    let config = Config { start_context_lines: 0, end_context_lines: 0, ..Config::default() };
    let mut writer: Box<dyn WriteColor + '_> =
        if color { Box::new(Ansi::new(&mut *out)) } else { Box::new(NoColor::new(&mut *out)) };
    let columns = ColumnCache::default();
    for finding in &outcome.findings {
        let Some(&file_id) = ids.get(&*finding.primary.path) else { continue };
        let mut labels =
            vec![Label::primary(file_id, finding.primary.span.range()).with_message(finding.primary.label.clone())];
        for location in &finding.secondary {
            if let Some(&id) = ids.get(&*location.path) {
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
        if let Some(context) = finding.context.as_ref().filter(|c| c.context != crate::context::Context::Production) {
            notes.push(format!("{} context: {}", context.context.as_str(), context.reason));
        }
        for also in &finding.also {
            let mut note = format!("also {}: {}", also.rule, also.message);
            if !also.label.is_empty() && also.label != finding.primary.label {
                note.push_str(&format!(" ({})", also.label));
            }
            notes.push(note);
        }
        if let Some(revoke) = finding.revoke {
            notes.push(format!("help: revoke it at {revoke}, then read its replacement at run time"));
        } else if let Some(rule) = catalogue.rule(&finding.rule) {
            notes.push(format!("help: {}", first_sentence(&rule.remediation)));
        }
        notes.push(format!("run `credlint explain {}` for more", finding.rule));
        let shown = labels
            .iter()
            .flat_map(|label| {
                let lines = &shown_files[label.file_id].source.lines;
                [(label.file_id, lines.line_of(label.range.start)), (label.file_id, lines.line_of(label.range.end))]
            })
            .collect();
        let windows = windows(&shown_files, &labels);
        let excerpt = Excerpt { files: &shown_files, shown, windows, columns: &columns };
        let diagnostic = Diagnostic::new(codespan_severity(finding.severity))
            .with_code(finding.rule.to_string())
            .with_message(finding.message.clone())
            .with_labels(labels)
            .with_notes(notes);
        term::emit(&mut *writer, &config, &excerpt, &escaped(diagnostic)).map_err(to_io)?;
    }
    for problem in &outcome.problems {
        writeln!(
            writer,
            "{}: {}: {}",
            problem_level(problem.problem.kind),
            escape::terminal(&display_path(&problem.path)),
            escape::terminal(&problem.problem.message)
        )?;
    }
    Ok(())
}

/// The window shown of each long line of a diagnostic: from a margin before its first label to a
/// margin after its last, at character boundaries. A line a multi-line label starts or ends on is
/// shown whole (the label runs to its end).
fn windows(
    files: &[ShownFile<'_>],
    labels: &[Label<usize>],
) -> std::collections::BTreeMap<(usize, usize), std::ops::Range<usize>> {
    let mut spans: std::collections::BTreeMap<(usize, usize), Option<std::ops::Range<usize>>> = Default::default();
    for label in labels {
        let file = &files[label.file_id];
        let lines = &file.source.lines;
        let (first, last) = (lines.line_of(label.range.start), lines.line_of(label.range.end));
        if first != last {
            spans.insert((label.file_id, first), None);
            spans.insert((label.file_id, last), None);
            continue;
        }
        let entry = spans.entry((label.file_id, first)).or_insert_with(|| Some(label.range.clone()));
        if let Some(range) = entry {
            range.start = range.start.min(label.range.start);
            range.end = range.end.max(label.range.end);
        }
    }
    let mut windows = std::collections::BTreeMap::new();
    for ((id, line), range) in spans {
        let Some(range) = range else { continue };
        let file = &files[id];
        let starts = file.source.lines.line_starts();
        let Some(&line_start) = starts.get(line) else { continue };
        let line_end = starts.get(line + 1).copied().unwrap_or(file.text.len() - ELIDED.len());
        if line_end - line_start <= LONG_LINE {
            continue;
        }
        let window = crate::span::Span::new(
            range.start.saturating_sub(WINDOW_MARGIN).max(line_start),
            (range.end + WINDOW_MARGIN).min(line_end),
        );
        windows.insert((id, line), window.widened_to_chars(&file.text).range());
    }
    windows
}

/// The diagnostic with every string it prints shown as on a terminal: its message, code, labels
/// and notes (a file's name, a key or a host can be in any of them).
fn escaped(mut diagnostic: Diagnostic<usize>) -> Diagnostic<usize> {
    let shown = |text: &mut String| {
        if let std::borrow::Cow::Owned(escaped) = escape::terminal(text) {
            *text = escaped;
        }
    };
    shown(&mut diagnostic.message);
    diagnostic.code.iter_mut().for_each(shown);
    diagnostic.labels.iter_mut().for_each(|label| shown(&mut label.message));
    diagnostic.notes.iter_mut().for_each(shown);
    diagnostic
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
