//! The fuzz harnesses: one function per input entry point, shared by the `cargo fuzz` targets in
//! `fuzz/` and by the test that replays the inputs kept in `fuzz/regressions/`.
//!
//! Each takes arbitrary bytes, drives one entry point the way a scan would, and then checks the
//! invariants reports rely on (spans inside the text and on character boundaries, redacted values
//! that are not the secret). A broken invariant panics: that is how a fuzzer reports it. Not part
//! of the supported API.

use std::sync::OnceLock;

use crate::classify::{self, NamePrior};
use crate::fact::Facts;
use crate::finding::Finding;
use crate::rules::Catalogue;
use crate::source::{FileKind, SourceFile};
use crate::span::Span;

/// The kinds read by the catalogue's text patterns and the small readers (in `FileKind::ALL`
/// order, which `fuzz/seed.py` mirrors).
fn text_kinds() -> Vec<FileKind> {
    FileKind::ALL.into_iter().filter(|kind| !kind.is_structured_config() && *kind != FileKind::Rust).collect()
}

/// The kinds read by a structured-config parser (in `FileKind::ALL` order).
fn config_kinds() -> Vec<FileKind> {
    FileKind::ALL.into_iter().filter(|kind| kind.is_structured_config()).collect()
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    // The embedded catalogue is checked by every test run; failing here is a build defect.
    CATALOGUE.get_or_init(|| Catalogue::embedded().expect("the embedded rules load"))
}

/// The first byte picks one of `kinds`; the rest is the file's text.
fn file_of(data: &[u8], kinds: &[FileKind]) -> Option<SourceFile> {
    let (&selector, rest) = data.split_first()?;
    let kind = kinds[usize::from(selector) % kinds.len()];
    let text = String::from_utf8_lossy(rest).into_owned();
    Some(SourceFile::new(kind.example_file_name(), kind, text))
}

/// The text patterns and small readers of every non-structured kind.
pub fn text_patterns(data: &[u8]) {
    if let Some(file) = file_of(data, &text_kinds()) {
        scan_and_check(&file);
    }
}

/// The structured-config parsers (YAML, JSON, TOML, INI, properties, XML, git config, npmrc).
pub fn config_parsers(data: &[u8]) {
    if let Some(file) = file_of(data, &config_kinds()) {
        scan_and_check(&file);
    }
}

/// The syn-based Rust extractor (behind its nesting pre-scan and keyword gate).
pub fn rust_extractor(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    scan_and_check(&SourceFile::new("src/lib.rs", FileKind::Rust, text));
}

/// Base64 and `Basic` blob decoding.
pub fn decoding(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Some(bytes) = crate::codec::base64_decode(&text) {
        assert!(bytes.len() <= text.len(), "base64 decodes to fewer bytes than it has characters");
    }
    if let Some((user, password)) = classify::decode_basic_blob(&text) {
        assert!(user.len() + password.len() <= text.len(), "a basic blob decodes to less than its text");
    }
}

/// The reading of git's raw diff output (`--staged`, `--since`): the first half of the input as
/// the output, the rest split at its first NUL into two sides of a file to diff by lines.
pub fn git_changes(data: &[u8]) {
    let half = data.len() / 2;
    let paths = crate::walk::git::parse_raw_for_fuzzing(&data[..half]);
    assert!(paths.len() <= data[..half].iter().filter(|&&b| b == b':').count(), "more records than records");
    let rest = String::from_utf8_lossy(&data[half..]);
    let (old, new) = rest.split_once('\0').unwrap_or((&rest, ""));
    let lines = crate::walk::git::changed_lines(old, new);
    let new_lines = new.replace("\r\n", "\n").split_inclusive('\n').count();
    assert!(lines.iter().all(|&line| line < new_lines.max(1)), "a changed line past the new side's end");
}

/// The literal classifier under each name prior, and the name-prior reader.
pub fn classifier(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for prior in [NamePrior::Password, NamePrior::Token, NamePrior::Neutral] {
        let classification = classify::classify_literal(&text, prior);
        // Deterministic: a finding's severity must not depend on when the literal was seen.
        assert_eq!(classify::classify_literal(&text, prior).class, classification.class);
    }
    let _ = classify::name_prior(&text);
    let _ = classify::shannon_entropy(&text);
}

/// `credlint:ignore` comment parsing, in a file of any kind.
pub fn suppression_comments(data: &[u8]) {
    let Some(file) = file_of(data, &FileKind::ALL) else { return };
    for suppression in crate::suppress::parse(&file) {
        check_span(&file, suppression.span, "suppression");
        let last = file.lines.line_of(file.text.len());
        assert!(suppression.lines.iter().all(|&line| line <= last), "a suppression covers a line past the end");
    }
}

/// The rule-file loader on an arbitrary rule file (on its own, so every item in it is compiled).
pub fn rule_loader(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    if let Err(error) = Catalogue::load([("fuzz.toml".to_owned(), text)]) {
        // Every error names its file and line, and is one line long.
        let message = error.to_string();
        assert!(message.starts_with("fuzz.toml") || message.starts_with("rules/"), "{message}");
    }
}

/// Extract and check one file, then the invariants reports rely on.
fn scan_and_check(file: &SourceFile) {
    let (facts, findings) = crate::scan_source(file, catalogue());
    check_facts(file, &facts);
    check_findings(file, &findings);
    // The scan's own path takes the uses as it checks them and folds each place as it is made:
    // after the merge it must report what checking and a late merge report, with a site for
    // each use that has an identity, in the readers' order.
    let mut taken = facts.clone();
    let (early, sites) = crate::check::check_and_place(file, &mut taken, catalogue(), true);
    let merged = |mut findings: Vec<Finding>| {
        crate::finding::sort(&mut findings);
        crate::finding::merge_places(&mut findings);
        findings
    };
    assert!(merged(early) == merged(findings.clone()), "folding as uses are checked changes the findings");
    let placed: Vec<Span> =
        facts.uses.iter().filter(|u| !matches!(u.secret, crate::fact::Value::Unknown { .. })).map(|u| u.span).collect();
    let sited: Vec<Span> = sites.map(|s| s.uses.iter().map(|u| u.span).collect()).unwrap_or_default();
    assert!(placed == sited, "the sites are not the uses with an identity, in order");
    // The masked copy reports see keeps the text's length and line structure.
    let masked = crate::redacted_source(file, &facts.uses);
    assert_eq!(masked.text.len(), file.text.len(), "masking changes the length");
    assert_eq!(masked.lines.line_count(), file.lines.line_count(), "masking changes the lines");
}

fn check_span(file: &SourceFile, span: Span, what: &str) {
    assert!(span.start <= span.end && span.end <= file.text.len(), "{what} span {span:?} outside the text");
    assert!(
        file.text.is_char_boundary(span.start) && file.text.is_char_boundary(span.end),
        "{what} span {span:?} splits a character"
    );
}

fn check_facts(file: &SourceFile, facts: &Facts) {
    for credential in &facts.uses {
        let what = format!("use (from {})", credential.extractor);
        check_span(file, credential.span, &what);
        check_span(file, credential.secret.span(), &format!("secret of {what}"));
        if let Some(user) = &credential.user {
            check_span(file, user.span(), "user");
        }
        if let Some(target) = &credential.target {
            check_span(file, target.span, "target");
        }
    }
    for creation in &facts.creations {
        check_span(file, creation.span, "creation");
    }
    for region in &facts.test_or_doc_regions {
        check_span(file, *region, "test region");
    }
}

fn check_findings(file: &SourceFile, findings: &[Finding]) {
    for finding in findings {
        check_span(file, finding.primary.span, "finding");
        for location in &finding.secondary {
            if *location.path == *file.path {
                check_span(file, location.span, "secondary location");
            }
        }
        // A redacted value is `********` or four characters, an ellipsis and four characters.
        if let Some(redacted) = &finding.redacted {
            let shown = redacted.chars().count();
            assert!(redacted == "********" || (shown == 9 && redacted.contains('…')), "redacted as {shown} chars");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every input a fuzzer once crashed on, kept in `fuzz/regressions/<target>/`, replayed.
    #[test]
    fn fuzz_regressions_stay_fixed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
        let mut replayed = 0;
        for target in std::fs::read_dir(&root).unwrap() {
            let target = target.unwrap().path();
            let harness: fn(&[u8]) = match target.file_name().unwrap().to_str().unwrap() {
                "text_patterns" => super::text_patterns,
                "config_parsers" => super::config_parsers,
                "rust_extractor" => super::rust_extractor,
                "decoding" => super::decoding,
                "git_changes" => super::git_changes,
                "classifier" => super::classifier,
                "suppression_comments" => super::suppression_comments,
                "rule_loader" => super::rule_loader,
                other => panic!("fuzz/regressions/{other}: no such fuzz target"),
            };
            for input in std::fs::read_dir(&target).unwrap() {
                harness(&std::fs::read(input.unwrap().path()).unwrap());
                replayed += 1;
            }
        }
        assert!(replayed >= 2, "the regression inputs are there");
    }

    /// The harnesses' invariants hold on every fixture, as the kind its name gives it.
    #[test]
    fn fixtures_keep_the_harness_invariants() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut stack = vec![root];
        let mut checked = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Some(kind) = crate::source::FileKind::detect(&path) {
                    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                    super::scan_and_check(&crate::source::SourceFile::new(path, kind, text));
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "{checked} fixtures");
    }
}
