//! Multi-file scenarios: `fixtures/repos/<scenario>/` holds a small repository and
//! `expected.toml` the whole-repository findings it must produce — exactly those, with the
//! primary location and every related location.
//!
//! ```toml
//! [[finding]]
//! rule = "shared-credential"
//! at = "scripts/sync.py:5"
//! related = ["ci/publish.yml:12"]
//! ```

use std::collections::BTreeSet;
use std::path::Path;

use credlint::analyze::AnalyzeSettings;
use credlint::config::Config;
use credlint::walk::WalkOptions;
use credlint::{ScanSettings, scan};
use serde::Deserialize;

use super::support::{CATALOGUE, repo_root};

/// The rules whose findings need the whole repository; per-file rules are pinned by annotations.
const WHOLE_REPOSITORY_RULES: &[&str] = &["shared-credential"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    #[serde(default)]
    finding: Vec<ExpectedFinding>,
}

#[derive(Deserialize, PartialEq, Eq, PartialOrd, Ord, Debug, Clone)]
#[serde(deny_unknown_fields)]
struct ExpectedFinding {
    rule: String,
    at: String,
    #[serde(default)]
    related: Vec<String>,
}

fn actual_findings(dir: &Path) -> BTreeSet<ExpectedFinding> {
    let config = match Config::discover(dir).filter(|path| path.starts_with(dir)) {
        Some(path) => Config::load(&path).unwrap(),
        None => Config::default(),
    };
    let settings = ScanSettings {
        source: credlint::Source::Tree,
        walk: WalkOptions {
            paths: vec![dir.to_path_buf()],
            max_file_size: 1 << 20,
            threads: 2,
            hidden: false,
            excludes: config.excludes.clone().into_iter().collect(),
        },
        rule_settings: config.rule_settings.clone(),
        analyze: AnalyzeSettings { allow_shared: config.allow_shared.clone(), ..AnalyzeSettings::default() },
    };
    let outcome = scan(&settings, &CATALOGUE);
    let place = |path: &Path, offset: usize| {
        let file = &outcome.sources[path];
        let relative = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
        format!("{relative}:{}", file.lines.line_of(offset) + 1)
    };
    outcome
        .findings
        .iter()
        .filter(|f| WHOLE_REPOSITORY_RULES.contains(&&*f.rule))
        .map(|f| {
            let mut related: Vec<String> = f.secondary.iter().map(|l| place(&l.path, l.span.start)).collect();
            related.sort();
            ExpectedFinding { rule: f.rule.to_string(), at: place(&f.primary.path, f.primary.span.start), related }
        })
        .collect()
}

#[test]
fn scenario_repositories_produce_exactly_their_expected_findings() {
    let root = repo_root().join("fixtures/repos");
    let mut scenarios: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().map(|e| e.path()).collect();
    scenarios.sort();
    let mut problems = Vec::new();
    let mut count = 0;
    for dir in scenarios.iter().filter(|p| p.is_dir()) {
        count += 1;
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(dir.join("expected.toml"))
            .unwrap_or_else(|_| panic!("{name}: missing expected.toml"));
        let expected: Expected = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}/expected.toml: {e}"));
        let expected: BTreeSet<ExpectedFinding> = expected
            .finding
            .into_iter()
            .map(|mut f| {
                f.related.sort();
                f
            })
            .collect();
        let actual = actual_findings(dir);
        for missing in expected.difference(&actual) {
            problems.push(format!("{name}: expected {missing:?}"));
        }
        for extra in actual.difference(&expected) {
            problems.push(format!("{name}: unexpected {extra:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(count >= 8, "only {count} scenarios");
}
