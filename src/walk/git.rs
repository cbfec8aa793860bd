//! Git as a source of files: what is staged (`--staged`, read from the index, not the working
//! tree) and what changed since a revision (`--since REV`), as changed lines per file: a line
//! diff of the file's two sides, not patch text (which `.gitattributes`, encodings and the
//! user's diff settings change).
//!
//! Everything goes through the git CLI's plumbing (`ls-files`, `cat-file --batch`, `diff-index --raw -z`),
//! so the user's git, its config and its index format are what decide, and every git command
//! credlint runs (here and in `walk::history`) is built by [`command`], which turns off each
//! setting a repository could use to make git run a program.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use super::{Walked, decode_text};
use crate::fact::{Problem, ProblemKind};
use crate::source::{FileKind, SourceFile};

/// Lines changed per file (0-based), or the whole file when it is new.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub files: BTreeMap<PathBuf, Changed>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    Whole,
    Lines(BTreeSet<usize>),
}

impl Changes {
    /// Whether the 0-based `line` of `path` changed.
    pub fn touches(&self, path: &Path, line: usize) -> bool {
        match self.files.get(path) {
            Some(Changed::Whole) => true,
            Some(Changed::Lines(lines)) => lines.contains(&line),
            None => false,
        }
    }
}

/// Settings that keep a repository's config from running a program (or reaching the network)
/// when credlint asks git to read it: the file-system monitor hook, hooks, the pager, signature
/// checks, lazy fetches of a partial clone (and so any transport or `core.sshCommand`).
/// Diffs also pass `--no-ext-diff --no-textconv`, and [`command`] empties every filter driver.
const SAFE_SETTINGS: &[&str] = &[
    "core.quotePath=false",
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "log.showSignature=false",
    "protocol.allow=never",
];

/// Environment variables through which git could run a program or read another config.
const UNSAFE_ENV: &[&str] = &["GIT_EXTERNAL_DIFF", "GIT_PAGER", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS"];

/// A git command in `root` that no setting of the repository can make run a program: the
/// [`SAFE_SETTINGS`], and every `filter.<driver>` the config defines emptied (an empty clean,
/// smudge or process command is no filter), so reading the working tree runs no clean filter.
pub fn command(root: &Path) -> Command {
    let mut command = bare(root);
    for driver in filter_drivers(root) {
        for key in ["clean", "smudge", "process"] {
            command.arg("-c").arg(format!("filter.{driver}.{key}="));
        }
        command.arg("-c").arg(format!("filter.{driver}.required=false"));
    }
    command
}

/// `git -C root` with the [`SAFE_SETTINGS`] and without the [`UNSAFE_ENV`].
fn bare(root: &Path) -> Command {
    let mut command = Command::new("git");
    command.arg("--no-pager").arg("-C").arg(root);
    for setting in SAFE_SETTINGS {
        command.args(["-c", setting]);
    }
    for name in UNSAFE_ENV {
        command.env_remove(name);
    }
    // Git 2.44+: never fetch a missing object from a promisor remote.
    command.env("GIT_NO_LAZY_FETCH", "1");
    // `git replace` must not hide what is stored: read the objects themselves (the replacements
    // are reachable from `refs/replace/` and read too).
    command.env("GIT_NO_REPLACE_OBJECTS", "1");
    command
}

/// The filter drivers (`filter.<driver>.clean` …) the repository's config defines.
fn filter_drivers(root: &Path) -> BTreeSet<String> {
    let Ok(output) = bare(root).args(["config", "--name-only", "--get-regexp", r"^filter\."]).output() else {
        return BTreeSet::new();
    };
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|name| name.strip_prefix("filter.")?.rsplit_once('.').map(|(driver, _)| driver.to_owned()))
        .collect()
}

fn run(root: &Path, args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let output = command(root).args(args).output().context("cannot run git (is it installed?)")?;
    if !output.status.success() {
        bail!("git {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(output.stdout)
}

/// The top of the repository holding `path`, or a clear error outside one.
pub fn repository_root(path: &Path) -> anyhow::Result<PathBuf> {
    let dir = if path.is_dir() { path } else { path.parent().unwrap_or(Path::new(".")) };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let output =
        command(dir).args(["rev-parse", "--show-toplevel"]).output().context("cannot run git (is it installed?)")?;
    if !output.status.success() {
        bail!("{} is not inside a git repository (--staged, --since and --history need one)", dir.display());
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&output.stdout).trim_end_matches(['\n', '\r'])))
}

/// One path of `git diff-index --raw -z`: its status letter, its old blob (the tree's side) and
/// its new blob (the index's; all zeros when it is the working tree, whose blob git leaves
/// uncomputed).
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawChange {
    status: u8,
    old: String,
    new: String,
    path: PathBuf,
}

/// Parses git's raw diff output with `-z`: `:<mode> <mode> <old> <new> <status>\0<path>\0`, one
/// path per record since renames and copies are off. Paths are bytes, never quoted.
fn parse_raw(output: &[u8]) -> Vec<RawChange> {
    let mut fields = output.split(|&b| b == 0);
    let mut changes = Vec::new();
    while let Some(meta) = fields.next() {
        let Some(meta) = meta.strip_prefix(b":") else { continue };
        let Some(path) = fields.next() else { break };
        let meta = String::from_utf8_lossy(meta);
        let parts: Vec<&str> = meta.split(' ').collect();
        let [_, _, old, new, status] = parts.as_slice() else { continue };
        changes.push(RawChange {
            status: status.bytes().next().unwrap_or(b'M'),
            old: (*old).to_owned(),
            new: (*new).to_owned(),
            path: PathBuf::from(String::from_utf8_lossy(path).into_owned()),
        });
    }
    changes
}

/// The paths [`parse_raw`] reads from git's raw output (for `fuzzing::git_changes`).
#[doc(hidden)]
pub fn parse_raw_for_fuzzing(output: &[u8]) -> Vec<PathBuf> {
    parse_raw(output).into_iter().map(|change| change.path).collect()
}

/// The 0-based lines of `new` that are not in `old` (inserted or replaced), by a line diff of
/// the decoded texts: what a reviewer sees as added, whatever the file's `.gitattributes`
/// (`-diff`), encoding (UTF-16) or line endings.
pub fn changed_lines(old: &str, new: &str) -> BTreeSet<usize> {
    // Lines split at `\n` only, as reports count them (a diff that also split at a lone `\r`
    // would number lines differently: fuzzing found it), with `\r\n` the same as `\n`.
    let split = |text: &str| -> Vec<String> { text.replace("\r\n", "\n").split('\n').map(str::to_owned).collect() };
    let (mut old, mut new) = (split(old), split(new));
    for side in [&mut old, &mut new] {
        if side.last().is_some_and(String::is_empty) {
            // A final newline ends the last line; it starts none.
            side.pop();
        }
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let ops = similar::capture_diff_slices_deadline(similar::Algorithm::Myers, &old, &new, Some(deadline));
    let mut lines = BTreeSet::new();
    for op in &ops {
        match *op {
            similar::DiffOp::Insert { new_index, new_len, .. }
            | similar::DiffOp::Replace { new_index, new_len, .. } => {
                lines.extend(new_index..new_index + new_len);
            }
            similar::DiffOp::Equal { .. } | similar::DiffOp::Delete { .. } => {}
        }
    }
    lines
}

/// Where the new side of a change is read from.
enum NewSide<'a> {
    /// The index: the raw record's new blob (`--staged`).
    Index,
    /// The working tree under this root (`--since`).
    WorkingTree(&'a Path),
}

/// The changed lines of each path of a raw diff: added files whole, modified ones by a line diff
/// of their two sides (a side that is not text makes the file changed throughout).
fn changes_of(root: &Path, raw: &[RawChange], new_side: &NewSide<'_>) -> anyhow::Result<Changes> {
    let zero = |object: &str| object.bytes().all(|b| b == b'0');
    let mut wanted: Vec<&str> =
        raw.iter().filter(|c| c.status != b'A' && !zero(&c.old)).map(|c| c.old.as_str()).collect();
    if matches!(new_side, NewSide::Index) {
        wanted.extend(raw.iter().filter(|c| !zero(&c.new)).map(|c| c.new.as_str()));
    }
    wanted.sort_unstable();
    wanted.dedup();
    // Read and decoded as a scan reads blobs, each named by its object id; no size cap, since a
    // side left unread would make the whole file changed.
    let blobs =
        wanted.iter().map(|&object| Blob { object: object.to_owned(), path: object.into(), shown: object.into() });
    let text_of = |walked: Walked| match walked {
        Walked::File(file) => Some((file.path.to_string_lossy().into_owned(), file.text)),
        _ => None,
    };
    let texts: BTreeMap<String, std::sync::Arc<str>> =
        scan_blobs(root, blobs, u64::MAX, 1, text_of)?.into_iter().flatten().collect();
    let mut changes = Changes::default();
    for change in raw {
        let changed = match change.status {
            b'D' => continue,
            b'A' => Changed::Whole,
            _ => {
                let old = texts.get(&change.old).cloned();
                let new = match new_side {
                    NewSide::Index => texts.get(&change.new).cloned(),
                    NewSide::WorkingTree(tree) => match super::read_file(tree.join(&change.path), u64::MAX) {
                        Walked::File(file) => Some(file.text),
                        _ => None,
                    },
                };
                match (old, new) {
                    (Some(old), Some(new)) => Changed::Lines(changed_lines(&old, &new)),
                    _ => Changed::Whole,
                }
            }
        };
        changes.files.insert(change.path.clone(), changed);
    }
    Ok(changes)
}

/// The tree `--staged` compares the index with: HEAD's, or the empty tree before the first commit.
fn head_or_empty_tree(root: &Path) -> anyhow::Result<String> {
    if run(root, &["rev-parse", "--verify", "--quiet", "HEAD^{tree}"]).is_ok() {
        return Ok("HEAD".to_owned());
    }
    let empty = run(root, &["hash-object", "-t", "tree", "--stdin"])?;
    Ok(String::from_utf8_lossy(&empty).trim().to_owned())
}

/// What is staged: changed lines (new files whole), relative to the repository root.
pub fn staged_changes(root: &Path) -> anyhow::Result<Changes> {
    let base = head_or_empty_tree(root)?;
    let raw = run(root, &["diff-index", "--cached", "--raw", "-z", "--no-renames", "--full-index", &base, "--"])?;
    changes_of(root, &parse_raw(&raw), &NewSide::Index)
}

/// What changed between `rev` and the working tree, plus untracked files (whole).
pub fn changes_since(root: &Path, rev: &str) -> anyhow::Result<Changes> {
    run(root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
        .with_context(|| format!("--since {rev}: not a revision of this repository"))?;
    let raw = run(root, &["diff-index", "--raw", "-z", "--no-renames", "--full-index", rev, "--"])?;
    let mut changes = changes_of(root, &parse_raw(&raw), &NewSide::WorkingTree(root))?;
    let untracked = run(root, &["ls-files", "--others", "--exclude-standard", "-z"])?;
    for path in untracked.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        changes.files.insert(PathBuf::from(String::from_utf8_lossy(path).into_owned()), Changed::Whole);
    }
    Ok(changes)
}

/// Every file in the index, read from the index (not the working tree), scanned by `threads`
/// workers; `display` turns a repository-relative path into the path reports show.
pub fn walk_index<R: Send>(
    root: &Path,
    max_file_size: u64,
    threads: usize,
    keep: impl Fn(&Path) -> bool,
    display: impl Fn(&Path) -> PathBuf + Sync,
    scan: impl Fn(Walked) -> R + Sync,
) -> anyhow::Result<Vec<R>> {
    let listing = run(root, &["ls-files", "--stage", "-z"])?;
    let mut entries = Vec::new();
    for record in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        // `<mode> <object> <stage>\t<path>`
        let text = String::from_utf8_lossy(record);
        let Some((meta, path)) = text.split_once('\t') else { continue };
        let mut meta = meta.split(' ');
        let (Some(mode), Some(object)) = (meta.next(), meta.next()) else { continue };
        // Regular files only: not symlinks (120000) or submodules (160000).
        if !mode.starts_with("100") || !keep(Path::new(path)) {
            continue;
        }
        let path = PathBuf::from(path);
        entries.push(Blob { object: object.to_owned(), shown: display(&path), path });
    }
    scan_blobs(root, entries, max_file_size, threads, scan)
}

/// One blob to scan: its object id, its path in the repository (which decides the file kind and
/// whether it is test or documentation material) and the path reports show.
#[derive(Debug, Clone)]
pub struct Blob {
    pub object: String,
    pub path: PathBuf,
    pub shown: PathBuf,
}

/// Reads `blobs` through one `git cat-file --batch` and scans them on `threads` workers; results
/// come back in no particular order. `blobs` may be a stream still being produced (history
/// enumeration): each request is sent as soon as its blob arrives. A blob over `max_file_size`
/// is skipped without being held in memory, a binary one is counted, a missing one is a problem.
pub fn scan_blobs<R: Send>(
    root: &Path,
    blobs: impl IntoIterator<Item = Blob, IntoIter: Send>,
    max_file_size: u64,
    threads: usize,
    scan: impl Fn(Walked) -> R + Sync,
) -> anyhow::Result<Vec<R>> {
    let mut child = command(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot run git cat-file")?;
    let mut stdin = child.stdin.take().context("git cat-file has no stdin")?;
    let stdout = child.stdout.take().context("git cat-file has no stdout")?;
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Walked>(threads.max(1) * 4);
    let receiver = std::sync::Mutex::new(receiver);
    let results = std::sync::Mutex::new(Vec::new());
    // The reader learns which blob each answer belongs to, in request order.
    let (requested, answers) = std::sync::mpsc::channel::<Blob>();
    let blobs = blobs.into_iter();
    let read: anyhow::Result<()> = std::thread::scope(|scope| {
        // Requests are written from their own thread so that a full pipe can't deadlock; each is
        // flushed at once, since the next blob may be a while coming from a stream.
        scope.spawn(move || {
            for blob in blobs {
                if writeln!(stdin, "{}", blob.object).and_then(|()| stdin.flush()).is_err() {
                    break;
                }
                if requested.send(blob).is_err() {
                    break;
                }
            }
        });
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let next = receiver.lock().unwrap_or_else(std::sync::PoisonError::into_inner).recv();
                    let Ok(walked) = next else { break };
                    let result = scan(walked);
                    results.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(result);
                }
            });
        }
        let mut reader = BufReader::with_capacity(1 << 16, stdout);
        for blob in answers {
            let walked = read_blob(&mut reader, &blob, max_file_size)?;
            if sender.send(walked).is_err() {
                break;
            }
        }
        drop(sender);
        Ok(())
    });
    let _ = child.wait();
    read?;
    Ok(results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner))
}

/// Reads one `cat-file --batch` answer: `<object> <type> <size>\n<content>\n`, or
/// `<object> missing\n`.
fn read_blob(reader: &mut impl BufRead, blob: &Blob, max_file_size: u64) -> anyhow::Result<Walked> {
    let mut header = String::new();
    reader.read_line(&mut header)?;
    let shown = blob.shown.clone();
    let mut fields = header.trim_end().split(' ');
    let (Some(_), Some(kind), Some(size)) = (fields.next(), fields.next(), fields.next()) else {
        let message = format!("git has no object {}", blob.object);
        return Ok(Walked::Problem { path: shown, problem: Problem { kind: ProblemKind::Unreadable, message } });
    };
    let size: u64 = size.parse().with_context(|| format!("git cat-file: bad header {header:?}"))?;
    if kind != "blob" || size > max_file_size {
        // Skip the content without holding it in memory.
        std::io::copy(&mut reader.take(size + 1), &mut std::io::sink())?;
        let message = if kind == "blob" {
            format!("skipped: {size} bytes is over the size limit of {max_file_size} bytes")
        } else {
            format!("skipped: object {} is a {kind}, not a file", blob.object)
        };
        return Ok(Walked::Problem { path: shown, problem: Problem { kind: ProblemKind::Skipped, message } });
    }
    let mut content = vec![0; usize::try_from(size).unwrap_or(0)];
    reader.read_exact(&mut content)?;
    let mut newline = [0u8; 1];
    reader.read_exact(&mut newline)?;
    Ok(match decode_text(content) {
        Some(text) => {
            let kind = FileKind::detect(&blob.path).unwrap_or(FileKind::Text);
            Walked::File(SourceFile::new(shown, kind, text).with_scope(blob.path.clone()))
        }
        None => Walked::Binary { path: shown },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_records_give_status_blobs_and_unquoted_paths() {
        let old = "a".repeat(40);
        let raw = format!(
            ":100644 100644 {old} {} M\0a b.sh\0:000000 100644 {} {old} A\0t\tc.sh\0",
            "0".repeat(40),
            "0".repeat(40)
        );
        let changes = parse_raw(raw.as_bytes());
        assert_eq!(changes.len(), 2);
        assert_eq!((changes[0].status, changes[0].path.as_path()), (b'M', Path::new("a b.sh")));
        assert_eq!(changes[0].old, old);
        assert_eq!((changes[1].status, changes[1].path.as_path()), (b'A', Path::new("t\tc.sh")));
    }

    #[test]
    fn changed_lines_are_the_new_sides_inserted_and_replaced_lines() {
        assert_eq!(changed_lines("a\nb\nc\n", "a\nB\nc\nd\n"), [1, 3].into());
        assert_eq!(changed_lines("a\nb\n", "b\n"), BTreeSet::new(), "a deletion adds no line");
        assert_eq!(changed_lines("a\r\nb\r\n", "a\nb\nc\n"), [2].into(), "line endings are not changes");
        assert_eq!(changed_lines("a\n", "a\rb\nc\n"), [0, 1].into(), "a lone \\r ends no line");
    }
}
