//! Multi-file scenarios: `fixtures/repos/<scenario>/` holds a small repository (with its own
//! `.credlint.toml` where the scenario needs one) and `expected.toml` the whole-repository
//! findings it must produce — exactly those, with the primary location and every related one.
//! The binary runs in the scenario directory, as a user would run it.
//!
//! ```toml
//! today = "2026-01-15"          # optional: the date expiries are compared with
//! [[finding]]
//! rule = "shared-credential"
//! at = "scripts/sync.py:5"
//! related = ["ci/publish.yml:12"]
//! ```

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use super::support::{credlint, repo_root};

/// The rules whose findings need the whole repository; per-file rules are pinned by annotations.
const WHOLE_REPOSITORY_RULES: &[&str] = &[
    "shared-credential",
    "credential-expired",
    "credential-expiring-soon",
    "credential-without-owner",
    "unregistered-credential",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    today: Option<String>,
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

fn place(location: &serde_json::Value) -> String {
    format!("{}:{}", location["path"].as_str().unwrap(), location["start"]["line"])
}

fn actual_findings(dir: &Path, today: Option<&str>) -> BTreeSet<ExpectedFinding> {
    let mut command = credlint();
    command.args(["scan", "--format", "json", "--min-severity", "note", "--fail-on", "never"]);
    if let Some(today) = today {
        command.args(["--today", today]);
    }
    // Each scenario is a repository of its own, inside credlint's: paths relative to it.
    let output = command.args(["--root", "."]).arg(".").current_dir(dir).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| WHOLE_REPOSITORY_RULES.contains(&f["rule"].as_str().unwrap()))
        .map(|f| {
            let mut related: Vec<String> = f["related"].as_array().unwrap().iter().map(place).collect();
            related.sort();
            ExpectedFinding { rule: f["rule"].as_str().unwrap().to_owned(), at: place(&f["location"]), related }
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
        let today = expected.today.clone();
        let expected: BTreeSet<ExpectedFinding> = expected
            .finding
            .into_iter()
            .map(|mut f| {
                f.related.sort();
                f
            })
            .collect();
        let actual = actual_findings(dir, today.as_deref());
        for missing in expected.difference(&actual) {
            problems.push(format!("{name}: expected {missing:?}"));
        }
        for extra in actual.difference(&expected) {
            problems.push(format!("{name}: unexpected {extra:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(count >= 12, "only {count} scenarios");
}

/// `credlint inventory` writes entries that, used as the inventory, cover every credential.
#[test]
fn the_inventory_skeleton_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for scenario in ["one-secret-two-workflows", "jenkins-credentials-id", "env-definition-and-uses"] {
        copy_dir(&repo_root().join("fixtures/repos").join(scenario), &d.join(scenario));
    }
    std::fs::write(d.join(".credlint.toml"), "[revocation]\nrequire-inventory = true\n").unwrap();
    let before = credlint().args(["scan", "--format", "json", "."]).current_dir(d).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&before.stdout).unwrap();
    let unregistered = |json: &serde_json::Value| {
        json["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "unregistered-credential").count()
    };
    assert!(unregistered(&json) >= 3, "{json}");
    let skeleton = credlint().args(["inventory", "."]).current_dir(d).output().unwrap();
    assert!(skeleton.status.success());
    let skeleton = String::from_utf8(skeleton.stdout).unwrap();
    assert!(skeleton.contains("[[credential]]") && skeleton.contains("ATLASSIAN_API_TOKEN"), "{skeleton}");
    std::fs::write(d.join(".credlint.toml"), format!("[revocation]\nrequire-inventory = true\n{skeleton}")).unwrap();
    let after = credlint().args(["scan", "--format", "json", "."]).current_dir(d).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    assert_eq!(unregistered(&json), 0, "{json}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "expected.toml" {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
