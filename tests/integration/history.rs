//! `scan --history` end to end, in repositories the tests build with `git`: provenance in JSON,
//! SARIF (validated against the official schema) and human output; each distinct blob scanned
//! once; the credential graph across commits; suppressions, baselines, `--since` and excludes.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value as Json;

use super::support::{credlint, git, repo_root, repository, write};

/// Writes the files, commits everything, returns the commit id.
fn commit(dir: &Path, files: &[(&str, &str)], message: &str) -> String {
    for (name, text) in files {
        write(dir, name, text);
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", message]);
    git(dir, &["rev-parse", "HEAD"])
}

fn run(dir: &Path, args: &[&str]) -> Output {
    credlint().args(["scan", "--no-config"]).args(args).current_dir(dir).output().unwrap()
}

fn json(dir: &Path, args: &[&str]) -> Json {
    let output = run(dir, &[&["--history", "--format", "json"], args].concat());
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr)))
}

fn rules(report: &Json) -> Vec<&str> {
    report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect()
}

const PASSWORD: &str = "curl -u svc:Summer2024! https://jira.example.com/rest/api/2/myself\n";

#[test]
fn a_deleted_password_is_reported_with_the_commits_that_added_and_removed_it() {
    let repo = repository();
    let d = repo.path();
    commit(d, &[("README.txt", "hello\n")], "init");
    let added = commit(d, &[("deploy/sync.sh", &format!("#!/bin/sh\n{PASSWORD}"))], "add sync");
    let removed =
        commit(d, &[("deploy/sync.sh", "#!/bin/sh\ncurl -u \"svc:$JIRA_TOKEN\" https://jira.example.com/\n")], "fix");

    // The working tree is clean of the password; history is not.
    let tree = run(d, &["--format", "json", "."]);
    assert!(!String::from_utf8_lossy(&tree.stdout).contains("basic-auth-password"));

    let report = json(d, &[]);
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "basic-auth-password")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(finding["location"]["path"], "deploy/sync.sh");
    assert_eq!(finding["location"]["commit"], added.as_str());
    assert_eq!(finding["location"]["start"]["line"], 2);
    assert_eq!(finding["removed_in"], removed.as_str());
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains(&format!("removed from the tree in {}", &removed[..12])), "{message}");
    assert!(message.contains("still valid until revoked"), "{message}");
    assert_eq!(report["summary"]["commits_scanned"], 3);

    // Human output names the blob as git does (`<commit>:<path>`) and both commits.
    let human = run(d, &["--history", "--color", "never"]);
    assert_eq!(human.status.code(), Some(1));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains(&format!("{}:deploy/sync.sh:2:", &added[..12])), "{text}");
    assert!(text.contains(&format!("introduced in commit {added}")), "{text}");
    assert!(!text.contains("Summer2024"), "{text}");
    let stderr = String::from_utf8_lossy(&human.stderr);
    assert!(stderr.contains("blobs in 3 commits scanned"), "{stderr}");
}

#[test]
fn history_sarif_validates_and_names_the_commits() {
    let repo = repository();
    let d = repo.path();
    git(d, &["remote", "add", "origin", "https://deploy:hunter2secret@git.example.com/acme/tools.git"]);
    let added = commit(d, &[("sync.sh", PASSWORD)], "add");
    let removed = commit(d, &[("sync.sh", "echo clean\n")], "remove");
    let out = d.join("history.sarif");
    let output = credlint()
        .args(["scan", "--no-config", "--history", "--format", "sarif", "--output"])
        .arg(&out)
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("hunter2secret") && !text.contains("Summer2024"), "no secret, not even the remote's");
    super::sarif::validate(&out);
    let sarif: Json = serde_json::from_str(&text).unwrap();
    let run = &sarif["runs"][0];
    let provenance = &run["versionControlProvenance"][0];
    assert_eq!(provenance["repositoryUri"], "https://git.example.com/acme/tools.git");
    assert_eq!(provenance["revisionId"], removed.as_str());
    assert_eq!(provenance["mappedTo"]["uriBaseId"], "%SRCROOT%");
    let result = run["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "basic-auth-password").unwrap();
    let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "sync.sh");
    assert_eq!(artifact["properties"]["revisionId"], added.as_str());
    assert_eq!(result["properties"]["introducedIn"], added.as_str());
    assert_eq!(result["properties"]["removedIn"], removed.as_str());
}

#[test]
fn each_distinct_blob_is_scanned_once() {
    let repo = repository();
    let d = repo.path();
    commit(d, &[("a.sh", PASSWORD), ("counter.txt", "0\n")], "c0");
    // The same content in five more places, over five more commits: one blob.
    for i in 1..=5 {
        let copy = format!("copies/b{i}.sh");
        commit(d, &[(copy.as_str(), PASSWORD), ("counter.txt", &format!("{i}\n"))], &format!("c{i}"));
    }
    let report = json(d, &[]);
    let summary = &report["summary"];
    assert_eq!(summary["commits_scanned"], 6);
    // The password's blob once, and six versions of counter.txt.
    assert_eq!(summary["blobs_scanned"], 7, "{summary}");
    let found = rules(&report);
    assert_eq!(found.iter().filter(|r| **r == "basic-auth-password").count(), 1, "{found:?}");
}

#[test]
fn a_token_used_for_one_host_at_head_and_another_in_history_is_shared() {
    let repo = repository();
    let d = repo.path();
    let use_for = |host: &str| format!("curl -u \"bot:$JIRA_API_TOKEN\" https://{host}/rest/api/1.0/projects\n");
    commit(d, &[("sync.sh", &use_for("bitbucket.acme.example"))], "old host");
    commit(d, &[("sync.sh", &use_for("acme.atlassian.net"))], "new host");
    let tree = run(d, &["--format", "json", "."]);
    assert!(!String::from_utf8_lossy(&tree.stdout).contains("shared-credential"), "one connection at HEAD");
    let report = json(d, &[]);
    let shared: Vec<&Json> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "shared-credential").collect();
    assert_eq!(shared.len(), 1, "{report:#}");
    // Still used at HEAD: not removed.
    assert!(shared[0].get("removed_in").is_none(), "{:#}", shared[0]);
    let related = shared[0]["related"].as_array().unwrap();
    assert!(related.iter().all(|r| r["commit"].is_string()), "{:#}", shared[0]);
}

#[test]
fn many_versions_of_one_connection_are_not_shared() {
    let repo = repository();
    let d = repo.path();
    // A script with no target host is its own connection: keyed on the file, not the version.
    for i in 0..4 {
        let text = format!(
            "# version {i}\nimport os, requests\nsession = requests.Session()\nsession.auth = (\"bot\", os.environ[\"JIRA_TOKEN\"])\n"
        );
        commit(d, &[("sync.py", &text)], &format!("v{i}"));
    }
    let graph = credlint().args(["graph", "--no-config", "--history"]).current_dir(d).output().unwrap();
    let graph: Json = serde_json::from_slice(&graph.stdout).unwrap();
    let connections = graph["credentials"][0]["connections"].as_array().unwrap();
    assert_eq!(connections.len(), 1, "{graph:#}");
    assert_eq!(connections[0]["uses"].as_array().unwrap().len(), 4, "every version is a use");
    let report = json(d, &["--min-severity", "note"]);
    assert!(!rules(&report).contains(&"shared-credential"), "{report:#}");
}

#[test]
fn a_suppression_in_the_old_blob_suppresses() {
    let repo = repository();
    let d = repo.path();
    let suppressed =
        format!("# credlint:ignore basic-auth-password, hardcoded-credential -- vendor sandbox (OPS-1)\n{PASSWORD}");
    commit(d, &[("sandbox.sh", &suppressed)], "sandbox");
    commit(d, &[("sandbox.sh", "echo gone\n")], "remove");
    let report = json(d, &[]);
    assert!(rules(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["suppressed"], 2);
}

#[test]
fn a_history_baseline_accepts_every_history_finding() {
    let repo = repository();
    let d = repo.path();
    commit(d, &[("a.sh", PASSWORD)], "a");
    commit(d, &[("a.sh", "echo clean\n"), ("b.sh", PASSWORD.replace("Summer2024!", "Winter2023?").as_str())], "b");
    let written = credlint()
        .args(["baseline", "--no-config", "--history", "--output", "baseline.json"])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    let baseline = std::fs::read_to_string(d.join("baseline.json")).unwrap();
    let first = git(d, &["rev-list", "--max-parents=0", "HEAD"]);
    assert!(!baseline.contains(&first[..7]), "baseline keys hold no commit ids:\n{baseline}");
    let again = json(d, &["--baseline", "baseline.json"]);
    assert!(rules(&again).is_empty(), "{again:#}");
    assert!(again["summary"]["baselined"].as_u64().unwrap() >= 2);
    // A new password in a new commit is new.
    commit(d, &[("c.sh", PASSWORD.replace("Summer2024!", "Autumn2022#").as_str())], "c");
    let after = json(d, &["--baseline", "baseline.json"]);
    assert!(rules(&after).contains(&"basic-auth-password"), "{after:#}");
}

#[test]
fn since_scans_only_later_commits() {
    let repo = repository();
    let d = repo.path();
    commit(d, &[("old.sh", PASSWORD)], "old");
    git(d, &["tag", "base"]);
    commit(d, &[("new.sh", PASSWORD.replace("Summer2024!", "Winter2023?").as_str())], "new");
    let report = json(d, &["--since", "base"]);
    let paths: Vec<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["location"]["path"].as_str().unwrap()).collect();
    assert!(!paths.is_empty() && paths.iter().all(|p| *p == "new.sh"), "{paths:?}");
    assert_eq!(report["summary"]["commits_scanned"], 1);
    let bad = run(d, &["--history", "--since", "no-such-rev"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn excluded_paths_are_not_read() {
    let repo = repository();
    let d = repo.path();
    commit(d, &[("vendor/lib/run.sh", PASSWORD), ("src/ok.sh", "echo ok\n")], "vendored");
    commit(d, &[("vendor/lib/run.sh", "echo later\n")], "vendored update");
    let report = json(d, &["--exclude", "vendor/"]);
    assert!(rules(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["blobs_scanned"], 1);
}

#[test]
fn history_needs_a_repository_and_excludes_staged() {
    let dir = tempfile::tempdir().unwrap();
    let outside = credlint().args(["scan", "--history"]).current_dir(dir.path()).output().unwrap();
    assert_eq!(outside.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&outside.stderr).contains("not inside a git repository"));
    let both = credlint().args(["scan", "--history", "--staged"]).current_dir(repo_root()).output().unwrap();
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("cannot be used with"));
}

#[test]
fn branches_and_merges_are_history_too() {
    let repo = repository();
    let d = repo.path();
    commit(d, &[("sync.sh", "echo base\n")], "base");
    // A password only on an unmerged branch: reachable from a ref, never removed, not at HEAD.
    git(d, &["checkout", "-q", "-b", "feature"]);
    let on_branch = commit(d, &[("branch.sh", PASSWORD)], "branch only");
    git(d, &["checkout", "-q", "main"]);
    // A conflict whose resolution brings a password that neither side had: the merge introduces it.
    git(d, &["checkout", "-q", "-b", "left"]);
    commit(d, &[("sync.sh", "echo left\n")], "left");
    git(d, &["checkout", "-q", "main"]);
    commit(d, &[("sync.sh", "echo right\n")], "right");
    let merge = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com", "merge", "-q", "left"])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(!merge.status.success(), "the test needs a conflict");
    let resolved = PASSWORD.replace("Summer2024!", "Merge2021?x");
    let merged = commit(d, &[("sync.sh", resolved.as_str())], "merge left");
    assert_eq!(git(d, &["rev-list", "--parents", "-n1", "HEAD"]).split(' ').count(), 3, "a merge commit");

    let report = json(d, &[]);
    let findings = report["findings"].as_array().unwrap();
    let basic = |path: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == "basic-auth-password" && f["location"]["path"] == path)
            .unwrap_or_else(|| panic!("{path}: {report:#}"))
    };
    assert_eq!(basic("branch.sh")["location"]["commit"], on_branch.as_str());
    assert!(basic("branch.sh").get("removed_in").is_none(), "still on the feature branch");
    assert_eq!(basic("sync.sh")["location"]["commit"], merged.as_str());
}

/// A tag pointing straight at a blob is in no commit, and `git replace` can show a harmless
/// commit in place of the one that added a password: history reads both as they are stored.
#[test]
fn a_blob_tag_and_a_replaced_commit_hide_nothing() {
    let repo = repository();
    let d = repo.path();
    commit(d, &[("a.sh", "echo clean\n")], "a");
    let blob = {
        let mut child = Command::new("git")
            .args(["hash-object", "-w", "--stdin"])
            .current_dir(d)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), PASSWORD.as_bytes()).unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap().trim().to_owned()
    };
    git(d, &["tag", "leak", &blob]);
    let secret = commit(d, &[("b.sh", "curl -u svc:Autumn2022! https://jira.example.com/\n")], "secret");
    git(d, &["rm", "-q", "b.sh"]);
    git(d, &["commit", "-qm", "gone"]);
    let tree = git(d, &["rev-parse", &format!("{secret}~1^{{tree}}")]);
    let fake = git(d, &["commit-tree", "-p", &format!("{secret}~1"), "-m", "nothing here", &tree]);
    git(d, &["replace", &secret, &fake]);
    let report = json(d, &[]);
    let mut places: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["location"]["path"].as_str().unwrap(), f["location"]["commit"].as_str().unwrap()))
        .collect();
    places.sort_unstable();
    assert_eq!(places, vec![("b.sh", secret.as_str()), ("refs/tags/leak", "refs/tags/leak")], "{report}");
}
