//! Issue #14: nothing a repository holds can redirect or destroy what credlint writes, hide files
//! from the scan, configure it from above the repository, or make git run a program.

use std::path::Path;
use std::process::Output;

use super::support::{credlint, git, repository, write};

const PASSWORD: &str = "curl -u svc:Summer2024! https://jira.example.com/rest/api/2/myself\n";
const BASELINE: &str = ".credlint-baseline.json";

fn run(dir: &Path, args: &[&str]) -> Output {
    credlint().args(args).current_dir(dir).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The paths with findings in a JSON scan's output, sorted and distinct.
fn paths(output: &Output) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", String::from_utf8_lossy(&output.stdout), stderr(output)));
    super::support::finding_paths(&json)
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_is_refused_unless_allowed() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "keep").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "sync.sh", PASSWORD);
    std::os::unix::fs::symlink(&victim, d.join("report.sarif")).unwrap();
    std::os::unix::fs::symlink(&victim, d.join(BASELINE)).unwrap();
    std::os::unix::fs::symlink(outside.path(), d.join("reports")).unwrap();

    for args in [
        &["scan", "--no-config", "--format", "sarif", "--output", "report.sarif", "."][..],
        &["scan", "--no-config", "--output", "reports/victim.txt", "."],
        &["graph", "--no-config", "--output", "report.sarif", "."],
        &["inventory", "--no-config", "--output", "report.sarif", "."],
        &["baseline", "--no-config", "."],
    ] {
        let output = run(d, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("is a symlink"), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("--allow-symlinked-output"), "{}", stderr(&output));
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep", "{args:?} wrote through the link");
    }

    let output =
        run(d, &["scan", "--no-config", "--format", "sarif", "--allow-symlinked-output", "-o", "report.sarif", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(std::fs::read_to_string(&victim).unwrap().contains("\"version\": \"2.1.0\""));
    assert!(std::fs::symlink_metadata(d.join("report.sarif")).unwrap().file_type().is_symlink());
}

/// A rewrite goes through a new file renamed over the old one: the inode changes, no temporary
/// file is left, and a reader polling the file throughout never sees it empty or cut short.
#[cfg(unix)]
#[test]
fn a_baseline_is_replaced_atomically() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    write(&d, "sync.sh", PASSWORD);
    write(&d, "b.sh", "curl -u \"$U:$JIRA_PASSWORD\" https://jira.example.com/\n");
    assert!(run(&d, &["baseline", "--no-config", "."]).status.success());
    let first = std::fs::metadata(d.join(BASELINE)).unwrap().ino();
    // Held open, the first file keeps its inode allocated after it is replaced, so the file
    // system can't hand the same number to a later one (which made an in-place check pass and a
    // rename look like one).
    let _first_held_open = std::fs::File::open(d.join(BASELINE)).unwrap();

    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (d, done) = (d.clone(), std::sync::Arc::clone(&done));
        std::thread::spawn(move || {
            let mut bad = Vec::new();
            let mut reads = 0;
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let text = std::fs::read_to_string(d.join(BASELINE)).unwrap_or_default();
                reads += 1;
                if serde_json::from_str::<serde_json::Value>(&text).is_err() {
                    bad.push(text);
                }
            }
            (reads, bad)
        })
    };
    for _ in 0..20 {
        let output = run(&d, &["baseline", "--no-config", "."]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let (reads, bad) = reader.join().unwrap();
    assert!(bad.is_empty(), "{} of {reads} reads saw a partial baseline: {:?}", bad.len(), &bad[..1]);

    assert_ne!(std::fs::metadata(d.join(BASELINE)).unwrap().ino(), first, "written in place, not renamed");
    let mut names: Vec<String> =
        std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, vec![BASELINE, "b.sh", "sync.sh"], "a temporary file was left behind");
}

/// A scan that could not read a file never replaces the baseline (its findings would come back
/// later as new), and a broken baseline does not block its own regeneration.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_scan_leaves_the_baseline_alone_and_a_broken_one_is_regenerated() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.sh", PASSWORD);
    write(d, "b.sh", &PASSWORD.replace("Summer2024!", "Autumn2025!"));
    assert!(run(d, &["baseline", "--no-config", "."]).status.success());
    let before = std::fs::read(d.join(BASELINE)).unwrap();

    // Reading this process's own memory file at offset 0 fails, even as root.
    let output = run(d, &["baseline", "--no-config", "a.sh", "/proc/self/mem"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("left unchanged"), "{}", stderr(&output));
    assert_eq!(std::fs::read(d.join(BASELINE)).unwrap(), before, "the baseline was rewritten");

    // Cut short (as an interrupted non-atomic write left it): regenerated, with a warning.
    std::fs::write(d.join(BASELINE), &before[..before.len() / 2]).unwrap();
    let output = run(d, &["baseline", "--no-config", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("warning") && stderr(&output).contains("new salt"), "{}", stderr(&output));
    let scan = run(d, &["scan", "--no-config", "--format", "json", "--baseline", BASELINE, "."]);
    assert_eq!(scan.status.code(), Some(0), "{}", stderr(&scan));
    assert!(paths(&scan).is_empty());
}

/// In a git work tree every tracked file is scanned: a committed `.ignore` of `*`, a force-added
/// file `.gitignore` matches and a file in a hidden directory hide nothing. Untracked files that
/// `.gitignore` matches stay out; `.ignore` hides no untracked file either.
#[test]
fn committed_ignore_files_hide_no_tracked_file() {
    let repo = repository();
    let d = repo.path();
    write(d, ".ignore", "*\n");
    write(d, ".gitignore", "secret.sh\nbuild/\n");
    write(d, "a.sh", PASSWORD);
    write(d, "secret.sh", PASSWORD);
    write(d, ".hidden/c.sh", PASSWORD);
    git(d, &["add", "."]);
    git(d, &["add", "-f", "secret.sh", ".hidden/c.sh"]);
    git(d, &["commit", "-qm", "init"]);
    write(d, "build/out.sh", PASSWORD);
    write(d, "untracked.sh", PASSWORD);
    let output = run(d, &["scan", "--no-config", "--format", "json", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(paths(&output), vec![".hidden/c.sh", "a.sh", "secret.sh", "untracked.sh"]);
    // A tracked file deleted from the working tree is not a problem.
    std::fs::remove_file(d.join("secret.sh")).unwrap();
    let output = run(d, &["scan", "--no-config", "--format", "json", "."]);
    assert_eq!(paths(&output), vec![".hidden/c.sh", "a.sh", "untracked.sh"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["problems"], serde_json::json!([]));
}

/// The reviewed exclusions still apply, to tracked files too, and the summary counts them.
#[test]
fn config_excludes_apply_and_are_counted() {
    let repo = repository();
    let d = repo.path();
    write(d, ".credlint.toml", "exclude = [\"vendor/\", \"old.sh\"]\n");
    write(d, "vendor/lib/x.sh", PASSWORD);
    write(d, "old.sh", PASSWORD);
    write(d, "new.sh", PASSWORD);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "init"]);
    let output = run(d, &["scan", "--format", "json", "."]);
    assert_eq!(paths(&output), vec!["new.sh"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["excluded"], serde_json::json!({ "paths": 2 }));
    assert!(stderr(&output).contains(", 2 paths excluded;"), "{}", stderr(&output));
    let output = run(d, &["scan", "--format", "json", "--staged"]);
    assert_eq!(paths(&output), Vec::<String>::new(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["excluded"], serde_json::json!({ "paths": 2 }));
}

/// A `.credlint.toml` above the repository root is not the repository's configuration.
#[test]
fn a_config_above_the_repository_root_is_not_used() {
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), ".credlint.toml", "exclude = [\"*\"]\n");
    let repo = outer.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    write(&repo, "src/sync.sh", PASSWORD);
    for dir in [repo.clone(), repo.join("src")] {
        let output = run(&dir, &["scan", "--format", "json", "."]);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert_eq!(paths(&output).len(), 1, "{}", stderr(&output));
    }
}

/// A `.credlint.toml` owned by another user (not root) is ignored, with a warning naming it. The
/// tests run as root, which may give a file away.
#[cfg(unix)]
#[test]
fn a_config_owned_by_another_user_is_ignored() {
    let repo = repository();
    let d = repo.path();
    write(d, ".credlint.toml", "exclude = [\"*\"]\n");
    write(d, "sync.sh", PASSWORD);
    let is_root = std::process::Command::new("id").arg("-u").output().unwrap().stdout.starts_with(b"0\n");
    if !is_root {
        eprintln!("skipped: only root can give a file to another user");
        return;
    }
    std::os::unix::fs::chown(d.join(".credlint.toml"), Some(65534), Some(65534)).unwrap();
    let output = run(d, &["scan", "--format", "json", "."]);
    assert_eq!(paths(&output), vec!["sync.sh"], "{}", stderr(&output));
    assert!(stderr(&output).contains("ignoring") && stderr(&output).contains(".credlint.toml"), "{}", stderr(&output));
    // Named explicitly, it is the user's choice.
    let output = run(d, &["scan", "--format", "json", "--config", ".credlint.toml", "."]);
    assert_eq!(paths(&output), Vec::<String>::new(), "{}", stderr(&output));
}

/// A repository whose git config would run a program (fsmonitor hook, textconv, external diff,
/// clean filter) through every git command credlint runs: none runs.
#[cfg(unix)]
#[test]
fn git_settings_that_run_programs_never_run() {
    use std::os::unix::fs::PermissionsExt;
    let repo = repository();
    let d = repo.path();
    write(d, "sync.sh", "echo one\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "one"]);
    write(d, "sync.sh", &format!("echo one\n{PASSWORD}"));
    write(d, ".gitattributes", "*.sh diff=conv filter=clean\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "two"]);
    write(d, "new.sh", PASSWORD);
    git(d, &["add", "new.sh"]);

    let markers = tempfile::tempdir().unwrap();
    let program = markers.path().join("program");
    std::fs::write(
        &program,
        format!("#!/bin/sh\nname=$1\nshift\ntouch '{}/ran-'\"$name\"\nexec cat \"$@\"\n", markers.path().display()),
    )
    .unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    let program = program.display().to_string();
    for (key, value) in [
        ("core.fsmonitor", format!("{program} fsmonitor")),
        ("diff.external", format!("{program} external")),
        ("diff.conv.textconv", format!("{program} textconv")),
        ("diff.conv.command", format!("{program} command")),
        ("filter.clean.clean", format!("{program} clean")),
        ("filter.clean.process", format!("{program} process")),
        ("filter.clean.required", "true".to_owned()),
        ("core.pager", format!("{program} pager")),
    ] {
        git(d, &["config", key, &value]);
    }
    // A change in the working tree, so that git must read (and would filter) the file.
    write(d, "sync.sh", &format!("echo two\n{PASSWORD}"));

    for args in [
        &["scan", "--no-config", "--format", "json", "."][..],
        &["scan", "--no-config", "--format", "json", "--staged"],
        &["scan", "--no-config", "--format", "json", "--since", "HEAD~1"],
        &["scan", "--no-config", "--format", "json", "--history"],
        &["scan", "--no-config", "--format", "sarif", "--history", "--since", "HEAD~1"],
    ] {
        let output =
            credlint().args(args).current_dir(d).env("GIT_EXTERNAL_DIFF", format!("{program} env")).output().unwrap();
        let ran: Vec<_> = std::fs::read_dir(markers.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("ran-"))
            .collect();
        assert!(ran.is_empty(), "{args:?} ran {ran:?}: {}", stderr(&output));
        assert_eq!(output.status.code(), Some(1), "{args:?}: {}", stderr(&output));
    }
}
