//! The binary end to end, as a process: exit codes, formats, errors, and that no secret leaks.

use std::io::Read;
use std::process::Stdio;

use credlint::fact::Value;
use credlint::source::{FileKind, SourceFile};

use super::support::{CATALOGUE, credlint, fixture_files, repo_root};

fn write(dir: &std::path::Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn findings_exit_1_and_a_clean_tree_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.sh", "curl -u \"$JIRA_EMAIL:$JIRA_API_TOKEN\" https://example.atlassian.net/\n");
    let clean = credlint().args(["scan", "--no-config"]).arg(dir.path()).output().unwrap();
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stdout));

    write(dir.path(), "bad.sh", "curl -u svc:Summer2024! https://jira.example.com/\n");
    let dirty = credlint().args(["scan", "--no-config"]).arg(dir.path()).output().unwrap();
    assert_eq!(dirty.status.code(), Some(1));
    let stdout = String::from_utf8(dirty.stdout).unwrap();
    assert!(stdout.contains("error[basic-auth-password]"), "{stdout}");
    assert!(stdout.contains("bad.sh:1:13"), "{stdout}");

    let never = credlint().args(["scan", "--no-config", "--fail-on", "never"]).arg(dir.path()).output().unwrap();
    assert_eq!(never.status.code(), Some(0));
}

#[test]
fn output_file_does_not_change_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.sh", "curl -u svc:Summer2024! https://jira.example.com/\n");
    let report = dir.path().join("out/report.json");
    std::fs::create_dir_all(report.parent().unwrap()).unwrap();
    let output = credlint()
        .args(["scan", "--no-config", "--format", "json", "--output"])
        .arg(&report)
        .arg(dir.path().join("bad.sh"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["findings"][0]["rule"], "basic-auth-password");
    assert_eq!(json["findings"][0]["location"]["start"]["line"], 1);
    assert_eq!(json["findings"][0]["location"]["start"]["column"], 13);
    assert_eq!(json["findings"][0]["secret"], "********");
    assert!(String::from_utf8_lossy(&output.stderr).contains("credlint: 1 file scanned"));
}

#[test]
fn json_on_the_fixtures_is_valid_and_sorted() {
    let output = credlint().args(["scan", "--format", "json", "fixtures"]).current_dir(repo_root()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.len() >= 40);
    let keys: Vec<(String, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap().to_owned(),
                f["location"]["byte_range"][0].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn a_bad_config_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".credlint.toml", "exclude = []\nmax-file-sise = 3\n");
    let output = credlint().arg("scan").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(".credlint.toml:2"), "{stderr}");
}

#[test]
fn a_bad_rule_file_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "rules/mine.toml",
        "[[pattern]]\nid = \"mine\"\ndescription = \"x\"\nkinds = [\"*\"]\nkeywords = [\"mine\"]\nregex = '(?P<secret>['\nscheme = \"basic\"\nexamples = [\"mine\"]\n",
    );
    let output = credlint()
        .args(["scan", "--no-config", "--rules"])
        .arg(dir.path().join("rules"))
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("mine.toml:6") && stderr.contains("invalid regex"), "{stderr}");
}

#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_file_is_reported_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.sh", "curl -u svc:Summer2024! https://jira.example.com/\n");
    // Reading this process's own memory file at offset 0 fails, even as root.
    let output = credlint().args(["scan", "--no-config", "/proc/self/mem"]).arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("error: /proc/self/mem:"), "{stdout}");
    assert!(stdout.contains("error[basic-auth-password]"), "{stdout}");
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let output = credlint().args(["scan", "--no-config", "does/not/exist"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("does/not/exist"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = credlint()
        .args(["scan", "fixtures"])
        .current_dir(repo_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(status.code().is_some_and(|code| code <= 1), "{status:?} {stderr}");
}

#[test]
fn rules_and_explain_document_the_catalogue() {
    let rules = credlint().arg("rules").output().unwrap();
    assert!(rules.status.success());
    let listing = String::from_utf8(rules.stdout).unwrap();
    for rule in CATALOGUE.rules() {
        assert!(listing.contains(&*rule.id), "{listing}");
    }
    let explain = credlint().args(["explain", "basic-auth-password"]).output().unwrap();
    assert!(explain.status.success());
    assert!(String::from_utf8(explain.stdout).unwrap().contains("Why it matters"));
    let unknown = credlint().args(["explain", "no-such-rule"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

/// The literal secrets the fixtures hold (what a finding's primary span covers in the original).
pub(crate) fn fixture_secrets() -> Vec<String> {
    let mut secrets = Vec::new();
    for path in fixture_files() {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let kind = FileKind::detect(&path).unwrap_or(FileKind::Text);
        let file = SourceFile::new(path.clone(), kind, text);
        let (facts, findings) = credlint::scan_source(&file, &CATALOGUE);
        for finding in findings {
            let literal = facts
                .uses
                .iter()
                .find(|u| u.secret.span() == finding.primary.span && matches!(u.secret, Value::Literal { .. }));
            if let Some(credential) = literal {
                secrets.push(file.text[credential.secret.span().range()].to_owned());
                if let Some(text) = credential.secret.as_literal() {
                    secrets.push(text.to_owned());
                }
            }
        }
    }
    secrets.retain(|s| s.chars().count() >= 5);
    secrets.sort();
    secrets.dedup();
    secrets
}

#[test]
fn no_output_format_prints_a_fixture_secret() {
    let secrets = fixture_secrets();
    assert!(secrets.len() >= 30, "only {} secrets found in the fixtures", secrets.len());
    for format in ["human", "json"] {
        let output = credlint()
            .args(["scan", "--color", "always", "--format", format, "fixtures"])
            .current_dir(repo_root())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        for secret in &secrets {
            assert!(!stdout.contains(secret.as_str()), "{format} output shows a secret of {} chars", secret.len());
            assert!(!stderr.contains(secret.as_str()), "{format} stderr shows a secret");
        }
    }
}

#[test]
fn the_graph_prints_in_every_format_without_a_secret() {
    let secrets = fixture_secrets();
    for (format, start) in [("json", "{"), ("dot", "digraph credentials {"), ("mermaid", "flowchart LR")] {
        let output =
            credlint().args(["graph", "--format", format, "fixtures/repos"]).current_dir(repo_root()).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.starts_with(start), "{format}: {stdout}");
        assert!(stdout.contains("ATLASSIAN_API_TOKEN"), "{format}: {stdout}");
        for secret in &secrets {
            assert!(!stdout.contains(secret.as_str()), "{format} graph shows a secret");
        }
        // The scenario's literal token never appears whole either.
        assert!(!stdout.contains("pTyGJMuHbEL31IeL2HPc"), "{format} graph shows a scenario token");
    }
    let json = credlint().args(["graph", "fixtures/repos/dc-pat-two-hosts"]).current_dir(repo_root()).output().unwrap();
    let graph: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let credential = &graph["credentials"][0];
    assert_eq!(credential["shared"], true);
    assert_eq!(credential["connections"].as_array().unwrap().len(), 2);
    assert_eq!(credential["connections"][0]["uses"][0]["path"], "fixtures/repos/dc-pat-two-hosts/confluence/export.sh");
}

/// The progress line appears on a terminal (a pseudo-terminal from util-linux `script`), is
/// erased before the summary, and never reaches a pipe or a machine-readable report.
#[test]
fn progress_shows_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.sh", "echo hi\n");
    let binary = env!("CARGO_BIN_EXE_credlint");
    let on_terminal = |format: &str| {
        let command = format!("{binary} scan --no-config --format {format} {}", dir.path().display());
        let output = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env("CREDLINT_PROGRESS_DELAY_MS", "0")
            .env_remove("CI")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITLAB_CI")
            .env("TERM", "xterm")
            .output();
        output.ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let Some(human) = on_terminal("human") else {
        eprintln!("skipped: util-linux `script` is not available");
        return;
    };
    let drawn = human.find("scanning: ").unwrap_or_else(|| panic!("no progress line: {human:?}"));
    let summary = human.find("credlint: 1 file scanned").unwrap();
    assert!(drawn < summary && human[drawn..summary].contains("\r\x1b[2K"), "{human:?}");
    assert!(!on_terminal("json").unwrap().contains("scanning: "));
    let piped = credlint()
        .args(["scan", "--no-config"])
        .arg(dir.path())
        .env("CREDLINT_PROGRESS_DELAY_MS", "0")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("scanning: "));
}
