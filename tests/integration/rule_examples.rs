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
            let alone = credlint::extract::extract_patterns_only(&file, &CATALOGUE);
            let own = |u: &credlint::fact::CredentialUse| *u.extractor == *pattern.id;
            let matched = if pattern.fallback {
                alone.iter().any(own)
            } else {
                // In a scan, a sink reaching the same secret is kept in the pattern's stead (it
                // knows the connection): the secret must still be reported, by one or the other.
                let uses = credlint::extract::extract(&file, &CATALOGUE).uses;
                uses.iter().any(own)
                    || alone.iter().filter(|p| own(p)).any(|p| {
                        uses.iter().any(|u| u.extractor.starts_with("sink:") && u.secret.span() == p.secret.span())
                    })
            };
            if matched != should_match {
                let verb = if should_match { "extracts nothing from" } else { "extracts from" };
                problems.push(format!("{} ({}): {verb} `{example}`", pattern.id, pattern.origin));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A file name in a sink's first language, so that the right grammar reads the example.
fn sink_example_name(language: &str) -> &'static str {
    match language {
        "python" => "example.py",
        "javascript" => "example.js",
        "typescript" => "example.ts",
        "tsx" => "example.tsx",
        "java" => "Example.java",
        "kotlin" => "Example.kt",
        "go" => "example.go",
        "ruby" => "example.rb",
        "php" => "example.php",
        "csharp" => "Example.cs",
        "bash" | "shell" => "example.sh",
        "powershell" => "example.ps1",
        "hcl" => "example.tf",
        other => panic!("no example file name for language `{other}`"),
    }
}

#[test]
fn every_sink_finds_its_examples_and_not_its_negative_examples() {
    let mut problems = Vec::new();
    assert!(!CATALOGUE.sinks().is_empty());
    for sink in CATALOGUE.sinks() {
        let name = sink_example_name(&sink.languages[0]);
        for (example, should_find) in
            sink.examples.iter().map(|e| (e, true)).chain(sink.negative_examples.iter().map(|e| (e, false)))
        {
            let file = SourceFile::from_name(name, example.as_str());
            let facts = credlint::extract::extract(&file, &CATALOGUE);
            let prefix = format!("sink:{}", sink.id);
            let found = facts.uses.iter().any(|u| {
                (*u.extractor == *prefix || u.extractor.starts_with(&format!("{prefix}:")))
                    // An environment read at a sink is a reference, not a finding.
                    && matches!(u.secret, credlint::fact::Value::Literal { .. })
            });
            // An example is a literal reaching the sink: the scan must report it, too.
            let reported = !credlint::scan_sources(&[file], &CATALOGUE, &AnalyzeSettings::default()).is_empty();
            if found != should_find || should_find && !reported {
                let verb = if should_find { "does not find" } else { "finds" };
                problems.push(format!("sink {} ({}): {verb}:\n{example}", sink.id, sink.origin));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
