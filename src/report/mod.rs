//! Reports: one small module per output format, all fed the same sorted [`ScanOutcome`].
//!
//! Reports see only redacted sources (`scan` masks every secret span before a file reaches
//! here) and redacted values, so no format can print a secret.

pub mod codequality;
pub mod concise;
pub mod escape;
pub mod github;
pub mod gitlab;
pub mod graph;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use std::io::{self, Write};
use std::path::Path;

use crate::ScanOutcome;
use crate::finding::Severity;
use crate::rules::Catalogue;
use crate::source::display_path;
use crate::span::{LineCol, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with source snippets.
    Human,
    /// One line per finding: `path:line:col: severity[rule]: message`.
    Concise,
    /// One JSON document (schema version 1, see README).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other code review tools.
    Sarif,
    /// JUnit XML: one test case per finding, for CI systems that show test reports.
    Junit,
    /// GitHub Actions workflow commands (`::error file=…,line=…::`): annotations without SARIF.
    Github,
    /// GitLab's secret-detection report (`gl-secret-detection-report.json`).
    Gitlab,
    /// GitLab's Code Quality report (`gl-code-quality-report.json`), shown in every GitLab tier.
    GitlabCodequality,
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Summary {
    pub files_scanned: usize,
    pub bytes_scanned: u64,
    pub binary_files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Findings below `--min-severity`: counted, not listed.
    pub hidden: usize,
    /// Findings removed by `credlint:ignore` comments.
    pub suppressed: usize,
    /// Findings the baseline already knew.
    pub baselined: usize,
    /// What the excludes kept out of the scan (`.credlint.toml` and `--exclude`); only when some.
    #[serde(skip_serializing_if = "Excluded::is_empty")]
    pub excluded: Excluded,
    pub problems: usize,
    /// History scans: the commits listed and the distinct blobs scanned (each once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commits_scanned: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blobs_scanned: Option<usize>,
}

/// What each sanctioned exclusion kept out of a scan (suppressions and the baseline have their own
/// counts): `"excluded": {"paths": N}` in JSON.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Excluded {
    /// Paths matched by an exclude: a directory the walk pruned counts once.
    pub paths: usize,
}

impl Excluded {
    fn is_empty(&self) -> bool {
        self.paths == 0
    }
}

impl Summary {
    pub fn of(outcome: &ScanOutcome) -> Summary {
        let count = |severity| outcome.findings.iter().filter(|f| f.severity == severity).count();
        Summary {
            files_scanned: outcome.files_scanned,
            bytes_scanned: outcome.bytes_scanned,
            binary_files: outcome.binary_files,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
            hidden: outcome.hidden_findings,
            suppressed: outcome.suppressed,
            baselined: outcome.baselined,
            excluded: Excluded { paths: outcome.excluded },
            problems: outcome.problems.len(),
            commits_scanned: outcome.history.as_ref().map(|h| h.commits),
            blobs_scanned: outcome.history.as_ref().map(|h| h.blobs),
        }
    }
}

pub fn write(
    format: Format,
    outcome: &ScanOutcome,
    catalogue: &Catalogue,
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(outcome, catalogue, out, color),
        Format::Json => json::write(outcome, out),
        Format::Sarif => sarif::write(outcome, catalogue, out),
        Format::Junit => junit::write(outcome, catalogue, out),
        Format::Github => github::write(outcome, catalogue, out),
        Format::Gitlab => gitlab::write(outcome, catalogue, out),
        Format::Concise => concise::write(outcome, out, color),
        Format::GitlabCodequality => codequality::write(outcome, out),
    }
}

/// The path a report names for a location's file: the repository path for a blob of history
/// (whose source is keyed `<short commit>:<path>`), else the path itself.
pub fn file_path<'a>(outcome: &'a ScanOutcome, path: &'a Path) -> &'a Path {
    outcome.origin(path).map_or(path, |origin| origin.path.as_path())
}

/// The full id of the commit that introduced a location's blob, for a location in history.
pub fn commit_of<'a>(outcome: &'a ScanOutcome, path: &Path) -> Option<&'a str> {
    outcome.origin(path).map(|origin| origin.commit.as_str())
}

/// A commit id shortened as history sources show it.
pub fn short(commit: &str) -> &str {
    crate::history::short_commit(commit)
}

/// Start and end line/column of a span in a reported file (1-based, columns in chars).
pub fn line_cols(outcome: &ScanOutcome, path: &std::path::Path, span: Span) -> (LineCol, LineCol) {
    match outcome.sources.get(path) {
        Some(file) => (file.lines.line_col(&file.text, span.start), file.lines.line_col(&file.text, span.end)),
        None => (LineCol { line: 1, column: 1 }, LineCol { line: 1, column: 1 }),
    }
}

/// A path as the CI system shows it, with forward slashes and no percent-encoding (CI systems take
/// these paths literally). Scanned files are already named relative to the repository root (the
/// checkout); a file outside it, named by an absolute path, is made relative to the checkout root
/// named by `root_var` (a CI variable such as `GITHUB_WORKSPACE`) when the variable is set and the
/// file lies below it, else to the working directory when the file lies below that.
pub fn repo_path(path: &Path, root_var: Option<&str>) -> String {
    if path.is_relative() {
        return display_path(path);
    }
    let absolute = crate::walk::absolute(path);
    let root = root_var.and_then(std::env::var_os).filter(|root| !root.is_empty());
    let roots = root.map(|root| crate::walk::absolute(Path::new(&root))).into_iter();
    for root in roots.chain([crate::walk::absolute(Path::new("."))]) {
        if let Ok(relative) = absolute.strip_prefix(&root) {
            return display_path(relative);
        }
    }
    display_path(path)
}

/// The remediation's first sentence, on one line (what the human output shows after `help:`).
pub fn first_sentence(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut from = 0;
    while let Some(at) = flat[from..].find(". ") {
        let end = from + at;
        // "e.g. " and "i.e. " don't end a sentence.
        if flat[..end].ends_with("e.g") || flat[..end].ends_with("i.e") {
            from = end + 2;
            continue;
        }
        return flat[..end].to_owned();
    }
    flat.trim_end_matches('.').to_owned()
}

/// The finding's line in its (masked) source with white space folded: the context fingerprints
/// hash, so that they survive moved lines and never see a secret.
pub fn masked_line(outcome: &ScanOutcome, finding: &crate::finding::Finding) -> String {
    outcome
        .sources
        .get(&*finding.primary.path)
        .map(|file| {
            let line = file.lines.line_of(finding.primary.span.start.min(file.text.len()));
            let span = file.lines.line_span(&file.text, line);
            file.text[span.range()].split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .unwrap_or_default()
}
