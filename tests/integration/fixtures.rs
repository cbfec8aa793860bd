//! The fixture harness: every flagged line must be annotated and every annotation flagged.
//!
//! An annotation is a comment on the line above the flagged line, in the file's own comment
//! syntax: `# expect: basic-auth-password, hardcoded-credential`. `# ok: rule` marks a line that must
//! stay silent (the exact comparison already enforces it; the marker is for the reader and is
//! counted). A rule may name the severity it must have: `# expect: hardcoded-credential (note)`.
//! Files without comments (JSON) use a sidecar `<file>.expect` with `LINE: rule, rule`.
//!
//! Every fixture lies under `fixtures/`, a test directory, so its findings are notes. The files
//! under `fixtures/context/<scenario>/` are judged by their path below the scenario instead, as
//! in a repository of that layout: there a production file's finding is an error, and the
//! severities the annotations name check the context model.
//! All mismatches of all files are printed together.
//!
//! A file is a repository of its own, except under `across-files/<scenario>/` and
//! `context/<scenario>/`: a scenario's files are scanned together, as one repository, so that value flow between them (a literal in one
//! file, the sink it reaches in another) is checked by the same per-file annotations.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use credlint::analyze::AnalyzeSettings;
use credlint::source::{FileKind, SourceFile};

use super::support::{CATALOGUE, fixture_files, repo_root};

/// Expected (1-based line, rule) pairs, and how many lines were marked `ok:`.
struct Expectations {
    flagged: BTreeSet<(usize, String)>,
    /// The severities some expectations name.
    severities: BTreeMap<(usize, String), String>,
    ok_lines: usize,
}

fn annotation<'l>(line: &'l str, leaders: &[&str], marker: &str) -> Option<&'l str> {
    let trimmed = line.trim_start();
    let leader = leaders.iter().find(|leader| trimmed.starts_with(**leader))?;
    let rest = trimmed[leader.len()..].trim_start();
    let rest = rest.strip_prefix(marker)?;
    Some(rest.trim().trim_end_matches("-->").trim())
}

fn expectations(path: &Path, file: &SourceFile) -> Result<Expectations, String> {
    let mut flagged = BTreeSet::new();
    let mut severities = BTreeMap::new();
    let mut ok_lines = 0;
    let sidecar = path.with_file_name(format!("{}.expect", path.file_name().unwrap().to_string_lossy()));
    if sidecar.exists() {
        let text = std::fs::read_to_string(&sidecar).map_err(|e| e.to_string())?;
        for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
            let (number, rules) = line.split_once(':').ok_or(format!("{}: bad line `{line}`", sidecar.display()))?;
            let number: usize = number.trim().parse().map_err(|_| format!("{}: bad line number", sidecar.display()))?;
            for rule in rules.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                if rule == "ok" {
                    ok_lines += 1;
                } else {
                    flagged.insert((number, rule.to_owned()));
                }
            }
        }
        return Ok(Expectations { flagged, severities: BTreeMap::new(), ok_lines });
    }
    let leaders = file.kind.line_comment_leaders();
    let lines: Vec<&str> = file.text.lines().collect();
    let is_annotation =
        |line: &str| annotation(line, leaders, "expect:").is_some() || annotation(line, leaders, "ok:").is_some();
    for (index, line) in lines.iter().enumerate() {
        let target = || {
            (index + 1..lines.len()).find(|&i| !is_annotation(lines[i])).map(|i| i + 1).ok_or(format!(
                "{}:{}: annotation with no line after it",
                path.display(),
                index + 1
            ))
        };
        if let Some(rules) = annotation(line, leaders, "expect:") {
            let target = target()?;
            for rule in rules.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                let (rule, severity) = match rule.split_once('(') {
                    Some((rule, severity)) => (rule.trim(), Some(severity.trim_end_matches(')').trim())),
                    None => (rule, None),
                };
                flagged.insert((target, rule.to_owned()));
                if let Some(severity) = severity {
                    severities.insert((target, rule.to_owned()), severity.to_owned());
                }
            }
        } else if annotation(line, leaders, "ok:").is_some() {
            target()?;
            ok_lines += 1;
        }
    }
    Ok(Expectations { flagged, severities, ok_lines })
}

#[test]
fn fixtures_flag_exactly_their_annotated_lines() {
    let mut problems = Vec::new();
    let (mut flagged_total, mut ok_total, mut files) = (0, 0, 0);
    let mut groups: BTreeMap<PathBuf, Vec<(PathBuf, SourceFile)>> = BTreeMap::new();
    for path in fixture_files() {
        let relative = path.strip_prefix(repo_root()).unwrap().to_path_buf();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let kind = FileKind::detect(&path).unwrap_or(FileKind::Text);
        let file = SourceFile::new(relative.clone(), kind, text);
        let file = match relative.strip_prefix("fixtures/context") {
            Ok(below) => {
                let scope: PathBuf = below.components().skip(1).collect();
                file.with_scope(scope)
            }
            Err(_) => file,
        };
        let group = relative
            .ancestors()
            .find(|dir| {
                dir.parent().and_then(Path::file_name).is_some_and(|name| name == "across-files" || name == "context")
            })
            .unwrap_or(&relative)
            .to_path_buf();
        groups.entry(group).or_default().push((path, file));
    }
    for members in groups.values() {
        // One file, or one `across-files/<scenario>/` directory, is a repository of its own:
        // per-file rules, the analysis and suppressions.
        let sources: Vec<SourceFile> = members.iter().map(|(_, file)| file.clone()).collect();
        let settings = AnalyzeSettings { report_unused_ignores: true, ..AnalyzeSettings::default() };
        let all_findings = credlint::scan_sources(&sources, &CATALOGUE, &settings);
        for (path, file) in members {
            let relative = &file.path;
            let expected = match expectations(path, file) {
                Ok(expected) => expected,
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            };
            for (_, rule) in &expected.flagged {
                if CATALOGUE.rule(rule).is_none() {
                    problems.push(format!("{}: names unknown rule `{rule}`", relative.display()));
                }
            }
            files += 1;
            flagged_total += expected.flagged.len();
            ok_total += expected.ok_lines;
            let findings: Vec<_> = all_findings.iter().filter(|f| *f.primary.path == **relative).collect();
            let actual: BTreeSet<(usize, String)> =
                findings.iter().map(|f| (file.lines.line_of(f.primary.span.start) + 1, f.rule.to_string())).collect();
            for (line, rule) in expected.flagged.difference(&actual) {
                problems.push(format!("{}:{line}: expected {rule}, not flagged", relative.display()));
            }
            for ((line, rule), severity) in &expected.severities {
                let found = findings
                    .iter()
                    .find(|f| file.lines.line_of(f.primary.span.start) + 1 == *line && &*f.rule == rule.as_str());
                if let Some(found) = found.filter(|f| f.severity.as_str() != severity) {
                    problems.push(format!(
                        "{}:{line}: expected {rule} as {severity}, reported as {}",
                        relative.display(),
                        found.severity.as_str()
                    ));
                }
            }
            for (line, rule) in actual.difference(&expected.flagged) {
                let message = findings
                    .iter()
                    .find(|f| file.lines.line_of(f.primary.span.start) + 1 == *line && &*f.rule == rule)
                    .map(|f| f.message.clone())
                    .unwrap_or_default();
                problems.push(format!("{}:{line}: unexpected {rule}: {message}", relative.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{} fixture mismatches:\n{}", problems.len(), problems.join("\n"));
    // The fixtures are the specification: keep their coverage from shrinking unnoticed.
    assert!(files >= 10, "only {files} fixture files");
    assert!(flagged_total >= 40, "only {flagged_total} flagged expectations");
    assert!(ok_total >= 40, "only {ok_total} `ok:` lines");
}
