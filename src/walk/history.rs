//! Git history as a source of files (`scan --history`): every blob reachable from the refs (or
//! from the commits not reachable from `--since REV`), each distinct blob once, with the commit
//! and path that introduced it and the commit that later replaced or deleted it there.
//!
//! One `git log --all --reverse --topo-order --raw -z` pass enumerates the changes, parents before
//! children, so the first commit that shows a blob is the one that introduced it; merges are
//! diffed against their first parent, so a blob a merge brings from a branch was already seen
//! on that branch and only a conflict resolution introduces new content there. Each new blob is
//! handed to the caller as soon as the log shows it, so reading and scanning (`git::scan_blobs`,
//! shared with `--staged`) overlap the enumeration. The git CLI was measured against gitoxide
//! (`bench/history.sh`) and kept: it adds no dependency and enumerated four times faster on the
//! benchmark repository, where gitoxide only read blobs faster (README, History).
//!
//! Owns enumeration and its `--raw` parser; not scanning, grouping or reporting (`crate::history`).

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// One distinct blob, where it first appeared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryBlob {
    pub object: String,
    /// Its path, relative to the repository root, in the commit that introduced it.
    pub path: PathBuf,
    /// The introducing commit, as an index into [`History::commits`].
    pub commit: usize,
}

/// What the log says about the blobs worth scanning.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Full commit ids, parents before children.
    pub commits: Vec<String>,
    /// Distinct blobs in the order they appeared.
    pub blobs: Vec<HistoryBlob>,
    /// (blob, path) → the last commit (index) that replaced or deleted that blob at that path.
    pub removals: HashMap<(String, PathBuf), usize>,
}

impl History {
    /// The commit that last replaced or deleted `blob` at its introducing path, if any.
    pub fn removal_of(&self, blob: &HistoryBlob) -> Option<usize> {
        self.removals.get(&(blob.object.clone(), blob.path.clone())).copied()
    }
}

const NULL_OBJECT: &str = "0000000000000000000000000000000000000000";
/// Starts each commit in the log (`--format=%x01%H`): a byte no raw record starts with.
const COMMIT_MARK: u8 = 0x01;

/// The log command: every change of every commit reachable from the refs (and not from `since`).
fn log_command(root: &Path, since: Option<&str>) -> Command {
    let mut command = super::git::command(root);
    command.args([
        "log",
        "--all",
        "--reverse",
        "--topo-order",
        "--format=%x01%H",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--root",
        "--diff-merges=first-parent",
        "-z",
        "--no-color",
    ]);
    if let Some(rev) = since {
        command.arg(format!("^{rev}"));
    }
    command.arg("--");
    command
}

/// Enumerates the history of the repository at `root`. `keep` decides, from a repository-relative
/// path, whether a blob there is worth reading (excludes, binary extensions); a blob skipped at
/// one path is still read if it also appears at a kept one. `found` hears of each new blob, with
/// its commit's id, as soon as the log shows it, so that reading can start before the log ends.
pub fn enumerate(
    root: &Path,
    since: Option<&str>,
    keep: impl Fn(&Path) -> bool,
    mut found: impl FnMut(&HistoryBlob, &str),
) -> anyhow::Result<History> {
    if let Some(rev) = since {
        let verified = super::git::command(root)
            .args(["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
            .output()
            .context("cannot run git (is it installed?)")?;
        if !verified.status.success() {
            bail!("--since {rev}: not a revision of this repository");
        }
    }
    let mut child = log_command(root, since)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run git log (is git installed?)")?;
    let stdout = child.stdout.take().context("git log has no stdout")?;
    let mut stderr = child.stderr.take().context("git log has no stderr")?;
    // Drained on its own thread, so that a chatty stderr can't stall the log on a full pipe.
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let history = parse_log(BufReader::with_capacity(1 << 16, stdout), &keep, &mut found);
    let status = child.wait().context("git log did not finish")?;
    let errors = errors.join().unwrap_or_default();
    // An empty repository logs nothing and succeeds: nothing to scan, not an error.
    if !status.success() {
        bail!("git log: {}", errors.trim());
    }
    let mut history = history?;
    if since.is_none() {
        add_referenced_blobs(root, &mut history, &mut found)?;
    }
    Ok(history)
}

/// Blobs a ref points at directly (`git tag leak <blob>`, or an annotated tag of a blob): no
/// commit holds them, so the log never shows them, yet anyone who fetches the tag has them.
/// Each is named by its ref, which stands in for its commit and its path.
fn add_referenced_blobs(
    root: &Path,
    history: &mut History,
    found: &mut impl FnMut(&HistoryBlob, &str),
) -> anyhow::Result<()> {
    let output = super::git::command(root)
        .args(["for-each-ref", "--format=%(objecttype) %(objectname) %(*objecttype) %(*objectname) %(refname)"])
        .output()
        .context("cannot run git (is it installed?)")?;
    if !output.status.success() {
        return Ok(());
    }
    let mut seen: HashSet<String> = history.blobs.iter().map(|b| b.object.clone()).collect();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let mut fields = line.splitn(5, ' ');
        let (Some(kind), Some(id), Some(peeled_kind), Some(peeled_id), Some(name)) =
            (fields.next(), fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let blob = match (kind, peeled_kind) {
            ("blob", _) => id,
            ("tag", "blob") => peeled_id,
            _ => continue,
        };
        if !seen.insert(blob.to_owned()) {
            continue;
        }
        history.commits.push(name.to_owned());
        let blob =
            HistoryBlob { object: blob.to_owned(), path: PathBuf::from(name), commit: history.commits.len() - 1 };
        found(&blob, name);
        history.blobs.push(blob);
    }
    Ok(())
}

/// Parses `git log -z --raw --format=%x01%H` output: per commit `\x01<id>\0`, then per change
/// `[\n]:<old mode> <new mode> <old id> <new id> <status>\0<path>\0`.
pub fn parse_log(
    mut input: impl BufRead,
    keep: impl Fn(&Path) -> bool,
    mut found: impl FnMut(&HistoryBlob, &str),
) -> anyhow::Result<History> {
    let mut history = History::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut token = Vec::new();
    loop {
        token.clear();
        if input.read_until(0, &mut token)? == 0 {
            break;
        }
        if token.last() == Some(&0) {
            token.pop();
        }
        let record = token.strip_prefix(b"\n").unwrap_or(&token);
        if let Some(id) = record.strip_prefix(&[COMMIT_MARK]) {
            history.commits.push(String::from_utf8_lossy(id).trim().to_owned());
            continue;
        }
        let Some(meta) = record.strip_prefix(b":") else {
            if record.is_empty() {
                continue;
            }
            bail!("git log: unexpected record {:?}", String::from_utf8_lossy(record));
        };
        let meta = String::from_utf8_lossy(meta).into_owned();
        // The path is the next record, whatever bytes it starts with.
        token.clear();
        input.read_until(0, &mut token)?;
        if token.last() == Some(&0) {
            token.pop();
        }
        let path = PathBuf::from(String::from_utf8_lossy(&token).into_owned());
        let Some(commit) = history.commits.len().checked_sub(1) else { bail!("git log: a change before any commit") };
        let fields: Vec<&str> = meta.split(' ').collect();
        let [old_mode, new_mode, old_id, new_id, _status] = fields[..] else {
            bail!("git log: unexpected change {meta:?}");
        };
        // Regular files only: not symlinks (120000), submodules (160000) or absences (000000).
        let regular = |mode: &str| mode.starts_with("100");
        if regular(old_mode) && old_id != NULL_OBJECT && old_id != new_id && seen.contains(old_id) {
            history.removals.insert((old_id.to_owned(), path.clone()), commit);
        }
        if regular(new_mode) && new_id != NULL_OBJECT && !seen.contains(new_id) && keep(&path) {
            seen.insert(new_id.to_owned());
            let blob = HistoryBlob { object: new_id.to_owned(), path, commit };
            found(&blob, &history.commits[commit]);
            history.blobs.push(blob);
        }
    }
    Ok(history)
}

/// The blobs of HEAD's tree, as (path, blob id); empty when there is no HEAD yet.
pub fn head_tree(root: &Path) -> anyhow::Result<HashSet<(PathBuf, String)>> {
    let output = super::git::command(root)
        .args(["ls-tree", "-r", "-z", "--full-tree", "HEAD"])
        .output()
        .context("cannot run git (is it installed?)")?;
    if !output.status.success() {
        return Ok(HashSet::new());
    }
    Ok(output
        .stdout
        .split(|&b| b == 0)
        .filter_map(|record| {
            // `<mode> blob <id>\t<path>`
            let text = String::from_utf8_lossy(record);
            let (meta, path) = text.split_once('\t')?;
            let mut meta = meta.split(' ');
            let (mode, kind, id) = (meta.next()?, meta.next()?, meta.next()?);
            (kind == "blob" && mode.starts_with("100")).then(|| (PathBuf::from(path), id.to_owned()))
        })
        .collect())
}

/// HEAD's commit id, if there is one.
pub fn head_commit(root: &Path) -> Option<String> {
    let output = super::git::command(root).args(["rev-parse", "--verify", "--quiet", "HEAD"]).output();
    let output = output.ok().filter(|o| o.status.success())?;
    Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The `origin` remote's URL with any user information removed (a URL can hold a token), for
/// SARIF's `versionControlProvenance`; `None` when there is no such remote or it is not a URL.
pub fn repository_uri(root: &Path) -> Option<String> {
    let output = super::git::command(root).args(["remote", "get-url", "origin"]).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let url = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let (scheme, _) = url.split_once("://")?;
    if !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
        return None;
    }
    // No user information, query or fragment: a remote URL can hold a token in each, and a
    // malformed one (a `/` in the password) must not keep it either.
    Some(crate::redact::display_url(&url))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const B: &str = "2222222222222222222222222222222222222222";
    const C: &str = "3333333333333333333333333333333333333333";

    fn change(old_mode: &str, new_mode: &str, old: &str, new: &str, status: char, path: &str) -> String {
        format!("\n:{old_mode} {new_mode} {old} {new} {status}\0{path}\0")
    }

    fn log(commits: &[(&str, Vec<String>)]) -> Vec<u8> {
        let mut out = String::new();
        for (id, changes) in commits {
            out.push_str(&format!("\x01{id}\0"));
            for change in changes {
                out.push_str(change);
            }
        }
        out.into_bytes()
    }

    #[test]
    fn first_appearance_introduces_and_a_later_change_removes() {
        let input = log(&[
            ("c0", vec![change("000000", "100644", NULL_OBJECT, A, 'A', "deploy/run.sh")]),
            ("c1", vec![change("100644", "100644", A, B, 'M', "deploy/run.sh")]),
            ("c2", vec![change("100644", "000000", B, NULL_OBJECT, 'D', "deploy/run.sh")]),
        ]);
        let history = parse_log(&input[..], |_| true, |_, _| {}).unwrap();
        assert_eq!(history.commits, vec!["c0", "c1", "c2"]);
        assert_eq!(
            history.blobs,
            vec![
                HistoryBlob { object: A.into(), path: "deploy/run.sh".into(), commit: 0 },
                HistoryBlob { object: B.into(), path: "deploy/run.sh".into(), commit: 1 },
            ]
        );
        assert_eq!(history.removal_of(&history.blobs[0]), Some(1));
        assert_eq!(history.removal_of(&history.blobs[1]), Some(2));
    }

    #[test]
    fn a_blob_seen_again_is_not_new_and_the_latest_removal_counts() {
        let input = log(&[
            ("c0", vec![change("000000", "100644", NULL_OBJECT, A, 'A', "a.env")]),
            // The same content copied elsewhere and reverted to: still one blob.
            ("c1", vec![change("000000", "100755", NULL_OBJECT, A, 'A', "copy/a.env")]),
            ("c2", vec![change("100644", "100644", A, B, 'M', "a.env")]),
            ("c3", vec![change("100644", "100644", B, A, 'M', "a.env")]),
            ("c4", vec![change("100644", "100644", A, C, 'M', "a.env")]),
        ]);
        let history = parse_log(&input[..], |_| true, |_, _| {}).unwrap();
        let objects: Vec<&str> = history.blobs.iter().map(|b| b.object.as_str()).collect();
        assert_eq!(objects, vec![A, B, C]);
        assert_eq!(history.removal_of(&history.blobs[0]), Some(4));
    }

    #[test]
    fn links_submodules_and_excluded_paths_are_not_blobs() {
        let input = log(&[(
            "c0",
            vec![
                change("000000", "120000", NULL_OBJECT, A, 'A', "link"),
                change("000000", "160000", NULL_OBJECT, B, 'A', "vendor/lib"),
                change("000000", "100644", NULL_OBJECT, C, 'A', "skip/me.sh"),
            ],
        )]);
        let history = parse_log(&input[..], |path| !path.starts_with("skip"), |_, _| {}).unwrap();
        assert!(history.blobs.is_empty(), "{:?}", history.blobs);
    }

    #[test]
    fn odd_paths_and_empty_commits_parse() {
        let input = log(&[
            ("c0", vec![]),
            ("c1", vec![change("000000", "100644", NULL_OBJECT, A, 'A', ":colon\nnew\u{1}line \"q\".sh")]),
        ]);
        let history = parse_log(&input[..], |_| true, |_, _| {}).unwrap();
        assert_eq!(history.commits.len(), 2);
        assert_eq!(history.blobs[0].path, PathBuf::from(":colon\nnew\u{1}line \"q\".sh"));
        assert_eq!(history.blobs[0].commit, 1);
    }

    #[test]
    fn remote_urls_lose_their_credentials() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        let git = |args: &[&str]| Command::new("git").arg("-C").arg(dir).args(args).output().unwrap();
        git(&["init", "-q"]);
        assert_eq!(repository_uri(dir), None, "no origin");
        git(&["remote", "add", "origin", "https://bot:s3cr3t@git.example.com/a/b.git?private_token=s3cr3t#x"]);
        assert_eq!(repository_uri(dir).as_deref(), Some("https://git.example.com/a/b.git"));
        git(&["remote", "set-url", "origin", "https://bot:s3/cr3t@git.example.com/a/b.git"]);
        assert_eq!(repository_uri(dir).as_deref(), Some("https://git.example.com/a/b.git"), "a `/` in the password");
        git(&["remote", "set-url", "origin", "git@git.example.com:a/b.git"]);
        assert_eq!(repository_uri(dir), None, "scp-like addresses are not URIs");
    }

    #[test]
    fn a_change_before_any_commit_is_an_error() {
        let input = change("000000", "100644", NULL_OBJECT, A, 'A', "a");
        assert!(parse_log(input.as_bytes(), |_| true, |_, _| {}).is_err());
    }
}
