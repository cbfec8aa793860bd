//! The CI gate: baselines keyed on content, suppressions, and the summary a CI log shows.

use std::path::Path;

use super::support::credlint;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// (every rule that matched a reported finding, exit code, stderr) of a JSON scan of `dir`.
fn scan(dir: &Path, extra: &[&str]) -> (Vec<String>, i32, String) {
    let output = credlint()
        .args(["scan", "--no-config", "--format", "json"])
        .args(extra)
        .arg(".")
        .current_dir(dir)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["rules"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()))
        .collect();
    (rules, output.status.code().unwrap(), String::from_utf8(output.stderr).unwrap())
}

fn baseline(dir: &Path) -> String {
    let status = credlint().args(["baseline", "--no-config", "."]).current_dir(dir).status().unwrap();
    assert!(status.success());
    std::fs::read_to_string(dir.join(".credlint-baseline.json")).unwrap()
}

const SCRIPT: &str = "#!/bin/sh\ncurl -u svc:Summer2024! https://jira.example.com/rest/api/2/myself\n";

#[test]
fn a_baseline_survives_moved_lines_but_not_a_changed_secret() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "sync.sh", SCRIPT);
    let first = baseline(d);
    assert!(!first.contains("Summer2024"), "the baseline holds no secret");
    let (rules, code, stderr) = scan(d, &["--baseline", ".credlint-baseline.json"]);
    assert!(rules.is_empty(), "{rules:?}");
    assert_eq!(code, 0);
    assert!(stderr.contains("2 in the baseline"), "{stderr}");

    // Lines inserted above the known finding: still known.
    write(d, "sync.sh", &format!("#!/bin/sh\nset -eu\n# Nightly sync.\n{}", &SCRIPT["#!/bin/sh\n".len()..]));
    let (rules, code, _) = scan(d, &["--baseline", ".credlint-baseline.json"]);
    assert!(rules.is_empty(), "moving the line must not make it new: {rules:?}");
    assert_eq!(code, 0);

    // The secret on the known line changed: new.
    write(d, "sync.sh", &SCRIPT.replace("Summer2024!", "Autumn2025!"));
    let (rules, code, _) = scan(d, &["--baseline", ".credlint-baseline.json"]);
    assert_eq!(rules, vec!["basic-auth-password", "hardcoded-credential"]);
    assert_eq!(code, 1);

    // A second use of a known credential in the same file is new too.
    write(d, "sync.sh", &format!("{SCRIPT}curl -u svc:Summer2024! https://jira.example.com/rest/api/2/search\n"));
    let (rules, _, _) = scan(d, &["--baseline", ".credlint-baseline.json"]);
    assert_eq!(rules.len(), 2, "{rules:?}");
}

#[test]
fn rewriting_a_baseline_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "sync.sh", SCRIPT);
    write(d, "b.sh", "curl -u \"$U:$JIRA_PASSWORD\" https://jira.example.com/\n");
    let first = baseline(d);
    let second = baseline(d);
    assert_eq!(first, second, "same findings, same file: no churn");
    assert!(first.contains("ref:JIRA_PASSWORD"));
}

#[test]
fn a_broken_baseline_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "x.json", "{\"version\": 7}");
    let (_, _, _) = (0, 0, 0);
    let output =
        credlint().args(["scan", "--no-config", "--baseline", "x.json", "."]).current_dir(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn suppressions_are_counted_and_unused_ones_reported_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "sync.sh",
        "# credlint:ignore basic-auth-password, hardcoded-credential -- vendor sandbox (OPS-1)\ncurl -u svc:Summer2024! https://sandbox.example.com/\n# credlint:ignore hardcoded-credential -- stale\ncurl -H \"Authorization: Bearer $TOKEN\" https://sandbox.example.com/\n",
    );
    let (rules, code, stderr) = scan(d, &[]);
    assert!(rules.is_empty(), "{rules:?}");
    assert_eq!(code, 0);
    assert!(stderr.contains("2 suppressed"), "{stderr}");
    let (rules, code, _) = scan(d, &["--report-unused-ignores", "--fail-on", "warning"]);
    assert_eq!(rules, vec!["unused-suppression"]);
    assert_eq!(code, 1);
}

#[test]
fn today_can_be_fixed_for_reproducible_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "sync.sh",
        "# credlint:ignore basic-auth-password, hardcoded-credential until=2030-01-01 -- sandbox\ncurl -u svc:Summer2024! https://sandbox.example.com/\n",
    );
    let (rules, _, _) = scan(d, &["--today", "2029-12-31"]);
    assert!(rules.is_empty());
    let (rules, _, _) = scan(d, &["--today", "2030-01-02"]);
    assert!(rules.contains(&"invalid-suppression".to_owned()), "{rules:?}");
    let bad = credlint().args(["scan", "--today", "soon", "."]).current_dir(d).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn one_place_is_one_finding_and_an_ignore_for_one_rule_leaves_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "sync.sh", SCRIPT);
    let output = credlint().args(["scan", "--no-config", "--format", "json", "."]).current_dir(d).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "one literal, one place: {findings:?}");
    assert_eq!(findings[0]["rule"], "basic-auth-password", "the most specific rule leads");
    assert_eq!(findings[0]["also"][0]["rule"], "hardcoded-credential");
    assert_eq!(json["summary"]["errors"], 1);

    write(d, "sync.sh", &format!("# credlint:ignore hardcoded-credential -- checked by OPS-7\n{}", &SCRIPT[10..]));
    let (rules, code, _) = scan(d, &[]);
    assert_eq!(rules, vec!["basic-auth-password"], "the other rule still stands");
    assert_eq!(code, 1);
}

/// A scan folds the findings of one place as each file is checked, unless a baseline follows
/// (which judges each rule of a place on its own): with an empty baseline, the fold comes after
/// the scan. Both must write the same report of every fixture, related locations and folded
/// rules included.
#[test]
fn places_folded_as_files_are_checked_are_what_a_late_fold_reports() {
    let empty = tempfile::tempdir().unwrap();
    let baseline = empty.path().join("baseline.json");
    let made = credlint()
        .args(["baseline", "--no-config", "--output"])
        .arg(&baseline)
        .arg(".")
        .current_dir(empty.path())
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let report = |extra: &[&std::ffi::OsStr]| {
        let output = credlint()
            .args(["scan", "--no-config", "--format", "sarif", "--min-severity", "note", "--fail-on", "never"])
            .args(extra)
            .arg("fixtures")
            .current_dir(super::support::repo_root())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        sarif["runs"][0]["results"].clone()
    };
    let early = report(&[]);
    let late = report(&["--baseline".as_ref(), baseline.as_os_str()]);
    let results = early.as_array().expect("results");
    let folded = results.iter().filter(|r| r["properties"]["alsoMatched"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(folded.count() >= 10, "the fixtures fold places: {early:#}");
    assert_eq!(early, late);
}
