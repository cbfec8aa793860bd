//! What the walk reads and skips, observed through the binary's JSON output.

use std::path::Path;

use super::support::credlint;

const PASSWORD_LINE: &str = "curl -u svc:Summer2024! https://jira.example.com/\n";

fn write(dir: &Path, name: &str, text: &[u8]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// (paths with findings, problems as (path, kind)) of a JSON scan run in `dir`.
fn scan(dir: &Path, args: &[&str]) -> (Vec<String>, Vec<(String, String)>, i32) {
    let output = credlint().args(["scan", "--format", "json"]).args(args).current_dir(dir).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let paths = super::support::finding_paths(&json);
    let problems = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["path"].as_str().unwrap().to_owned(), p["kind"].as_str().unwrap().to_owned()))
        .collect();
    (paths, problems, output.status.code().unwrap())
}

#[test]
fn hidden_files_are_read_but_hidden_directories_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".netrc", b"machine jira.example.com login svc password Summer2024!\n");
    write(d, ".github/workflows/sync.yml", format!("jobs:\n  s:\n    steps:\n      - run: {PASSWORD_LINE}").as_bytes());
    write(d, ".venv/lib/site.sh", PASSWORD_LINE.as_bytes());
    write(d, ".git/hooks/x.sh", PASSWORD_LINE.as_bytes());
    let (paths, _, code) = scan(d, &["."]);
    assert_eq!(paths, vec![".github/workflows/sync.yml", ".netrc"]);
    assert_eq!(code, 1);
    let (paths, _, _) = scan(d, &["--hidden", "."]);
    assert!(paths.contains(&".venv/lib/site.sh".to_owned()), "{paths:?}");
    assert!(!paths.iter().any(|p| p.starts_with(".git/")), "{paths:?}");
}

#[test]
fn ignored_files_are_skipped_unless_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".gitignore", b"secret.sh\n");
    write(d, "secret.sh", PASSWORD_LINE.as_bytes());
    let (paths, _, code) = scan(d, &["."]);
    assert!(paths.is_empty(), "{paths:?}");
    assert_eq!(code, 0);
    let (paths, _, _) = scan(d, &["secret.sh"]);
    assert_eq!(paths, vec!["secret.sh"]);
}

#[test]
fn config_and_command_line_excludes_prune_below_the_roots() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".credlint.toml", b"exclude = [\"vendor/\"]\n");
    write(d, "vendor/a.sh", PASSWORD_LINE.as_bytes());
    write(d, "tools/b.sh", PASSWORD_LINE.as_bytes());
    write(d, "src/c.sh", PASSWORD_LINE.as_bytes());
    let (paths, _, _) = scan(d, &["--exclude", "tools/", "."]);
    assert_eq!(paths, vec!["src/c.sh"]);
    // A root named explicitly is scanned even though the config excludes it.
    let (paths, _, _) = scan(d, &["vendor"]);
    assert_eq!(paths, vec!["vendor/a.sh"]);
}

#[test]
fn big_files_are_skipped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut big = PASSWORD_LINE.repeat(200).into_bytes();
    big.extend_from_slice(b"\n");
    write(d, "big.sh", &big);
    let (paths, problems, code) = scan(d, &["--max-file-size", "1000", "."]);
    assert!(paths.is_empty());
    assert_eq!(problems, vec![("big.sh".to_owned(), "skipped".to_owned())]);
    assert_eq!(code, 0, "a skipped file is reported, not an error");
}

#[test]
fn invalid_utf8_and_utf16_files_are_scanned_and_binaries_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut latin1 = b"# caf\xe9\n".to_vec();
    latin1.extend_from_slice(PASSWORD_LINE.as_bytes());
    write(d, "latin1.sh", &latin1);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(PASSWORD_LINE.encode_utf16().flat_map(u16::to_le_bytes));
    write(d, "utf16.sh", &utf16);
    let mut binary = b"\x7fELF\0\0\0".to_vec();
    binary.extend_from_slice(PASSWORD_LINE.as_bytes());
    write(d, "tool.sh", &binary);
    let (paths, problems, _) = scan(d, &["."]);
    assert_eq!(paths, vec!["latin1.sh", "utf16.sh"]);
    assert!(problems.is_empty(), "binary files are counted, not listed: {problems:?}");
    let output = credlint().args(["scan", "--format", "json", "."]).current_dir(d).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["binary_files"], 1);
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_trap_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a/run.sh", PASSWORD_LINE.as_bytes());
    std::os::unix::fs::symlink("..", d.join("a/loop")).unwrap();
    let (paths, _, code) = scan(d, &["."]);
    assert_eq!(paths, vec!["a/run.sh"]);
    assert_eq!(code, 1);
}

#[test]
fn forges_and_hook_folders_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let workflow = format!("on: push\njobs:\n  s:\n    runs-on: x\n    steps:\n      - run: {PASSWORD_LINE}");
    write(d, ".gitea/workflows/sync.yml", workflow.as_bytes());
    write(d, ".forgejo/workflows/sync.yaml", workflow.as_bytes());
    write(d, ".husky/pre-push", format!("#!/bin/sh\n{PASSWORD_LINE}").as_bytes());
    let (paths, _, code) = scan(d, &["."]);
    assert_eq!(paths, vec![".forgejo/workflows/sync.yaml", ".gitea/workflows/sync.yml", ".husky/pre-push"]);
    assert_eq!(code, 1);
}

#[test]
fn a_file_given_twice_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a/sync.sh", PASSWORD_LINE.as_bytes());
    let output = credlint()
        .args(["scan", "--format", "json", "a", "./a", "a/sync.sh", "a/../a"])
        .current_dir(d)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["files_scanned"], 1, "{json}");
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn jobs_are_bounded() {
    let output = credlint().args(["scan", "-j", "2000", "."]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("1..=256"), "{}", String::from_utf8_lossy(&output.stderr));
}
