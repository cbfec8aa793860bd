//! Every rule's examples and negative examples, and every pattern's, through the real pipeline.

use credlint::analyze::AnalyzeSettings;
use credlint::config::Config;
use credlint::source::{FileKind, SourceFile};

use super::support::CATALOGUE;

#[test]
fn every_rule_fires_on_its_examples_and_not_on_its_negative_examples() {
    let mut problems = Vec::new();
    for rule in CATALOGUE.rules() {
        for (example, should_fire) in
            rule.examples.iter().map(|e| (e, true)).chain(rule.negative_examples.iter().map(|e| (e, false)))
        {
            let file = SourceFile::from_name(&example.file, example.code.as_str());
            // Examples see everything a scan can report, unused suppressions included, on a fixed
            // date (inventory examples are written for 2026-01-15).
            let mut settings = AnalyzeSettings {
                report_unused_ignores: true,
                today: Some("2026-01-15".parse().unwrap()),
                ..AnalyzeSettings::default()
            };
            if let Some(config) = &example.config {
                let config = Config::parse(std::path::Path::new(".credlint.toml"), config).unwrap();
                settings.inventory = config.inventory;
            }
            let findings = credlint::scan_sources(&[file], &CATALOGUE, &settings);
            let fired = findings.iter().any(|f| f.rule == rule.id);
            if fired != should_fire {
                let verb = if should_fire { "does not fire" } else { "fires" };
                problems.push(format!("{}: {verb} on example in {}:\n{}", rule.id, example.file, example.code));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn every_rule_is_documented() {
    for rule in CATALOGUE.rules() {
        assert!(!rule.description.is_empty() && !rule.remediation.is_empty(), "{}", rule.id);
        assert!(!rule.examples.is_empty() && !rule.negative_examples.is_empty(), "{}", rule.id);
        let explained = credlint::cli::explain(rule);
        assert!(explained.contains(&rule.remediation), "{}", rule.id);
    }
}

#[test]
fn every_pattern_extracts_from_its_examples_only() {
    let mut problems = Vec::new();
    for pattern in CATALOGUE.patterns() {
        let kind = pattern.kinds.as_ref().and_then(|kinds| kinds.first().copied()).unwrap_or(FileKind::Shell);
        for (example, should_match) in
            pattern.examples.iter().map(|e| (e, true)).chain(pattern.negative_examples.iter().map(|e| (e, false)))
        {
            let file = SourceFile::new(kind.example_file_name(), kind, example.as_str());
            let uses = if pattern.fallback {
                credlint::extract::extract_patterns_only(&file, &CATALOGUE)
            } else {
                credlint::extract::extract(&file, &CATALOGUE).uses
            };
            let matched = uses.iter().any(|u| *u.extractor == *pattern.id);
            if matched != should_match {
                let verb = if should_match { "extracts nothing from" } else { "extracts from" };
                problems.push(format!("{} ({}): {verb} `{example}`", pattern.id, pattern.origin));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
