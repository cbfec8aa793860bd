//! Git-aware scanning end to end, in repositories the tests build with `git`: `--staged` reads
//! the index, `--since` the changes since a revision, both with the whole repository as context;
//! and the real pre-commit framework running the hook from this checkout.

use std::path::Path;
use std::process::Command;

use super::support::{credlint, git, repo_root, repository, write};

/// (rule, path, line) of every finding, and the exit code.
fn findings(dir: &Path, args: &[&str]) -> (Vec<(String, String, u64)>, i32) {
    let output =
        credlint().args(["scan", "--no-config", "--format", "json"]).args(args).current_dir(dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|_| panic!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr)));
    let list = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["location"]["path"].as_str().unwrap().to_owned(),
                f["location"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (list, output.status.code().unwrap())
}

const PASSWORD: &str = "curl -u svc:Summer2024! https://jira.example.com/rest/api/2/myself\n";

#[test]
fn staged_reads_the_index_not_the_working_tree() {
    let repo = repository();
    let d = repo.path();
    write(d, "README.txt", "hello\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "init"]);
    // Only in the index: staged, then removed from the working tree.
    write(d, "staged.sh", PASSWORD);
    git(d, &["add", "staged.sh"]);
    write(d, "staged.sh", "echo clean\n");
    // Only in the working tree: never staged.
    write(d, "unstaged.sh", PASSWORD);
    let (found, code) = findings(d, &["--staged"]);
    let paths: Vec<&str> = found.iter().map(|(_, p, _)| p.as_str()).collect();
    assert_eq!(paths, vec!["staged.sh", "staged.sh"], "{found:?}");
    assert_eq!(code, 1);
}

#[test]
fn staged_reports_only_what_it_touches_but_analyses_the_whole_repository() {
    let repo = repository();
    let d = repo.path();
    write(
        d,
        "old.sh",
        &format!("{PASSWORD}curl -u \"bot:$JIRA_API_TOKEN\" https://acme.atlassian.net/rest/api/3/search\n"),
    );
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "init"]);
    write(d, "new.sh", "curl -u \"bot:$JIRA_API_TOKEN\" https://bitbucket.acme.example/rest/api/1.0/projects\n");
    git(d, &["add", "new.sh"]);
    let (found, _) = findings(d, &["--staged"]);
    // The committed password in old.sh is not reported; the new use of a token that old.sh also
    // uses is reported as shared, with the whole repository as context.
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "shared-credential");
    // Nothing staged: nothing reported, exit 0.
    git(d, &["commit", "-qm", "more"]);
    let (found, code) = findings(d, &["--staged"]);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(code, 0);
}

#[test]
fn since_reports_changed_lines_and_untracked_files() {
    let repo = repository();
    let d = repo.path();
    write(d, "a.sh", &format!("#!/bin/sh\n{PASSWORD}"));
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["branch", "base"]);
    write(
        d,
        "a.sh",
        &format!("#!/bin/sh\n{PASSWORD}curl -u svc:Autumn2022! https://jira.example.com/rest/api/2/search\n"),
    );
    git(d, &["commit", "-qam", "change"]);
    write(d, "b.sh", PASSWORD);
    let (found, _) = findings(d, &["--since", "base"]);
    let places: Vec<(&str, u64)> = found.iter().map(|(_, p, l)| (p.as_str(), *l)).collect();
    assert_eq!(places, vec![("a.sh", 3), ("a.sh", 3), ("b.sh", 1), ("b.sh", 1)], "{found:?}");
    let bad = credlint().args(["scan", "--since", "no-such-rev"]).current_dir(d).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no-such-rev"));
}

#[test]
fn outside_a_repository_git_modes_are_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = credlint().args(["scan", "--staged"]).current_dir(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not inside a git repository"));
}

/// The real pre-commit framework, building the hook from this checkout (`language: rust`).
#[test]
fn pre_commit_runs_the_hook_from_this_checkout() {
    let Ok(version) = Command::new("pre-commit").arg("--version").output() else {
        panic!("pre-commit is not installed (.ci/run installs it with pip)");
    };
    assert!(version.status.success());
    let repo = repository();
    let d = repo.path();
    write(d, "README.txt", "hello\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "init"]);
    let home = tempfile::tempdir().unwrap();
    let try_repo = |d: &Path| {
        Command::new("pre-commit")
            .args(["try-repo", repo_root().to_str().unwrap(), "credlint", "--verbose"])
            .current_dir(d)
            .env("PRE_COMMIT_HOME", home.path())
            .output()
            .unwrap()
    };
    write(d, "sync.sh", PASSWORD);
    git(d, &["add", "sync.sh"]);
    let failed = try_repo(d);
    let log = format!("{}{}", String::from_utf8_lossy(&failed.stdout), String::from_utf8_lossy(&failed.stderr));
    assert!(!failed.status.success(), "a staged basic-auth password must fail the hook:\n{log}");
    assert!(log.contains("basic-auth-password"), "{log}");
    assert!(!log.contains("Summer2024"), "the hook's output shows no secret:\n{log}");
    write(d, "sync.sh", "curl -u \"bot:$JIRA_API_TOKEN\" https://acme.atlassian.net/rest/api/3/myself\n");
    git(d, &["add", "sync.sh"]);
    let passed = try_repo(d);
    let log = format!("{}{}", String::from_utf8_lossy(&passed.stdout), String::from_utf8_lossy(&passed.stderr));
    assert!(passed.status.success(), "a clean change must pass:\n{log}");
}
