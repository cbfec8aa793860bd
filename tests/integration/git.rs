//! Git-aware scanning end to end, in repositories the tests build with `git`: `--staged` reads
//! the index, `--since` the changes since a revision, both with the whole repository as context;
//! and the real pre-commit framework running the README's config with the hook from this checkout.

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
    assert_eq!(paths, vec!["staged.sh"], "{found:?}");
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
    assert_eq!(places, vec![("a.sh", 3), ("b.sh", 1)], "{found:?}");
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

/// The README's `.pre-commit-config.yaml`, as written, run by the real pre-commit framework. It
/// must validate and pin a commit (there are no release tags yet). To run it, the repository URL
/// becomes a snapshot of this checkout (uncommitted changes included: a commit in a repository
/// under `target/tmp`, as `pre-commit try-repo` makes one) and the rev that snapshot's commit.
/// Both hooks run: `credlint`, which pre-commit builds with cargo, and the commented-out
/// `credlint-system` with this build's binary on PATH.
///
/// The hook is built at most once. The snapshot's commit depends only on the checkout's content
/// (fixed dates, no parent) and pre-commit's store is kept in `target/tmp`, so an unchanged
/// checkout reuses the hook built by an earlier run; after a change, the hook's cargo target
/// directory (also kept there) rebuilds only credlint itself.
#[test]
fn the_readme_pre_commit_config_runs_the_hook_from_this_checkout() {
    let Ok(version) = Command::new("pre-commit").arg("--version").output() else {
        panic!("pre-commit is not installed (`bash scripts/test` installs it)");
    };
    assert!(version.status.success());
    let snippet = super::readme::block("pre-commit", "yaml", "repos:");
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let home = tmp.join("pre-commit-home");
    let pre_commit = |dir: &Path, args: &[&str], path: Option<&std::ffi::OsStr>| {
        let mut command = Command::new("pre-commit");
        command
            .args(args)
            .current_dir(dir)
            .env("PRE_COMMIT_HOME", &home)
            // The hook's build: `cargo install --path .` in pre-commit's clone.
            .env("CARGO_TARGET_DIR", tmp.join("pre-commit-hook-target"));
        if let Some(path) = path {
            command.env("PATH", path);
        }
        let output = command.output().unwrap();
        let log = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        (output.status.success(), log)
    };

    // As written: valid, no warning (a tag-like or branch rev draws one), a full commit id.
    let written = tempfile::tempdir().unwrap();
    std::fs::write(written.path().join("config.yaml"), &snippet).unwrap();
    let (ok, log) = pre_commit(written.path(), &["validate-config", "config.yaml"], None);
    assert!(ok && !log.contains("WARNING"), "{log}\n{snippet}");
    let field = |name: &str| {
        let value = snippet.lines().find_map(|l| l.trim().trim_start_matches("- ").strip_prefix(name)).unwrap();
        value.split(" #").next().unwrap().trim().to_owned()
    };
    let (rev, url) = (field("rev: "), field("repo: "));
    let (rev, url) = (rev.as_str(), url.as_str());
    assert!(rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit()), "rev is a full commit id: {rev}");
    // In a full clone, the pinned commit is in history and has the hooks the snippet names.
    let root = repo_root();
    let shallow =
        Command::new("git").args(["rev-parse", "--is-shallow-repository"]).current_dir(root).output().unwrap();
    if shallow.status.success() && String::from_utf8_lossy(&shallow.stdout).trim() == "false" {
        let hooks = git(root, &["show", &format!("{rev}:.pre-commit-hooks.yaml")]);
        assert!(hooks.contains("- id: credlint\n") && hooks.contains("- id: credlint-system\n"), "{hooks}");
    }

    // This checkout, as it is, committed with fixed dates and no parent, and made a branch.
    let snapshot = tmp.join("pre-commit-snapshot");
    if !snapshot.join(".git/HEAD").exists() {
        git(tmp, &["init", "-q", snapshot.to_str().unwrap()]);
    }
    let git_dir = format!("--git-dir={}", snapshot.join(".git").display());
    git(root, &[&git_dir, "add", "-A"]);
    let tree = git(root, &[&git_dir, "write-tree"]);
    let output = Command::new("git")
        .args([&git_dir, "commit-tree", &tree, "-m", "credlint as checked out"])
        .envs([("GIT_AUTHOR_NAME", "Test"), ("GIT_AUTHOR_EMAIL", "test@example.com")])
        .envs([("GIT_COMMITTER_NAME", "Test"), ("GIT_COMMITTER_EMAIL", "test@example.com")])
        .envs([("GIT_AUTHOR_DATE", "2000-01-01T00:00:00Z"), ("GIT_COMMITTER_DATE", "2000-01-01T00:00:00Z")])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let commit = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    git(root, &[&git_dir, "update-ref", "refs/heads/main", &commit]);
    let config = snippet
        .replace(url, snapshot.to_str().unwrap())
        .replace(rev, &commit)
        .replace("# - id: credlint-system", "- id: credlint-system");
    assert_ne!(config, snippet);

    let repo = repository();
    let d = repo.path();
    write(d, "README.txt", "hello\n");
    write(d, ".pre-commit-config.yaml", &config);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "init"]);
    write(d, "sync.sh", PASSWORD);
    git(d, &["add", "sync.sh"]);
    let (ok, failed) = pre_commit(d, &["run", "credlint"], None);
    assert!(!ok, "a staged basic-auth password must fail the hook:\n{failed}");
    assert!(failed.contains("basic-auth-password"), "{failed}");
    assert!(!failed.contains("Summer2024"), "the hook's output shows no secret:\n{failed}");

    let bin = Path::new(env!("CARGO_BIN_EXE_credlint")).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let (ok, system) = pre_commit(d, &["run", "credlint-system"], Some(&path));
    assert!(!ok && system.contains("basic-auth-password"), "{system}");
    assert!(!system.contains("Summer2024"), "{system}");

    write(d, "sync.sh", "curl -u \"bot:$JIRA_API_TOKEN\" https://acme.atlassian.net/rest/api/3/myself\n");
    git(d, &["add", "sync.sh"]);
    let (ok, passed) = pre_commit(d, &["run", "credlint"], None);
    assert!(ok, "a clean change must pass:\n{passed}");
    let builds =
        [&failed, &system, &passed].iter().map(|log| log.matches("Installing environment").count()).sum::<usize>();
    assert!(builds <= 1, "the hook is built at most once:\n{failed}\n{system}\n{passed}");
}

/// Changed lines come from the two sides of each file, not from patch text: a `-diff` attribute
/// (git prints "Binary files differ"), a name with a space, a UTF-16 file and diff settings that
/// rename the patch's prefixes all lost their findings when the patch was parsed.
#[test]
fn changed_lines_survive_attributes_names_encodings_and_diff_settings() {
    let repo = repository();
    let d = repo.path();
    git(d, &["config", "diff.mnemonicPrefix", "true"]);
    git(d, &["config", "diff.dstPrefix", "new/"]);
    git(d, &["config", "diff.noprefix", "true"]);
    write(d, ".gitattributes", "opaque.sh -diff\n");
    let utf16 = |text: &str| -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    };
    let base = "#!/bin/sh\necho start\n";
    for name in ["opaque.sh", "my script.sh"] {
        write(d, name, base);
    }
    std::fs::write(d.join("win.sh"), utf16(base)).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["branch", "base"]);
    let changed = format!("#!/bin/sh\n{PASSWORD}echo start\n");
    for name in ["opaque.sh", "my script.sh"] {
        write(d, name, &changed);
    }
    std::fs::write(d.join("win.sh"), utf16(&changed)).unwrap();
    let expected = vec![("my script.sh", 2), ("opaque.sh", 2), ("win.sh", 2)];
    let (found, code) = findings(d, &["--since", "base"]);
    let places: Vec<(&str, u64)> = found.iter().map(|(_, p, l)| (p.as_str(), *l)).collect();
    assert_eq!(places, expected, "--since: {found:?}");
    assert_eq!(code, 1);
    git(d, &["add", "."]);
    let (found, _) = findings(d, &["--staged"]);
    let places: Vec<(&str, u64)> = found.iter().map(|(_, p, l)| (p.as_str(), *l)).collect();
    assert_eq!(places, expected, "--staged: {found:?}");
}

/// Before the first commit everything staged is new.
#[test]
fn staged_works_before_the_first_commit() {
    let repo = repository();
    let d = repo.path();
    write(d, "a.sh", PASSWORD);
    git(d, &["add", "a.sh"]);
    let (found, code) = findings(d, &["--staged"]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(code, 1);
}
