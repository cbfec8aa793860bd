//! Git as a source of files: what is staged (`--staged`, read from the index, not the working
//! tree) and what changed since a revision (`--since REV`), as changed line ranges per file.
//!
//! Everything goes through the git CLI's plumbing (`ls-files`, `cat-file --batch`, `diff -U0`),
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

/// Lines added or changed by a unified diff with zero context, per new-side path.
pub fn parse_diff(diff: &str) -> Changes {
    let mut changes = Changes::default();
    let mut current: Option<PathBuf> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            current = if path == "/dev/null" {
                None
            } else {
                let path = unquote(path);
                Some(PathBuf::from(path.strip_prefix("b/").unwrap_or(&path)))
            };
        } else if let (Some(hunk), Some(path)) = (line.strip_prefix("@@ "), &current) {
            // `@@ -a,b +c,d @@`: the new side starts at line c (1-based) and has d lines.
            let Some(new_side) = hunk.split(' ').find(|part| part.starts_with('+')) else { continue };
            let mut parts = new_side[1..].splitn(2, ',');
            let start: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let count: usize = parts.next().map_or(Some(1), |s| s.parse().ok()).unwrap_or(1);
            let entry = changes.files.entry(path.clone()).or_insert_with(|| Changed::Lines(BTreeSet::new()));
            if let Changed::Lines(lines) = entry {
                lines.extend((start.saturating_sub(1)..start.saturating_sub(1) + count).filter(|_| start > 0));
            }
        } else if line.starts_with("new file mode") {
            // The next `+++` names it; a new file counts as changed throughout.
            current = None;
        }
    }
    changes
}

/// Git's C-style quoting of unusual paths (`"a\tb"`, octal escapes for non-UTF-8 bytes).
fn unquote(text: &str) -> String {
    let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else { return text.to_owned() };
    let mut bytes = Vec::new();
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'"') => bytes.push(b'"'),
            Some(b'\\') => bytes.push(b'\\'),
            Some(d @ b'0'..=b'7') => {
                let mut value = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(&next @ b'0'..=b'7') = chars.peek() {
                        value = value * 8 + u32::from(next - b'0');
                        chars.next();
                    }
                }
                bytes.push(value as u8);
            }
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// What is staged: changed lines (new files whole), relative to the repository root.
pub fn staged_changes(root: &Path) -> anyhow::Result<Changes> {
    let diff = run(
        root,
        &["diff", "--cached", "--unified=0", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames"],
    )?;
    let mut changes = parse_diff(&String::from_utf8_lossy(&diff));
    let added = run(root, &["diff", "--cached", "--name-only", "--diff-filter=A", "-z", "--no-renames"])?;
    for path in added.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        changes.files.insert(PathBuf::from(String::from_utf8_lossy(path).into_owned()), Changed::Whole);
    }
    Ok(changes)
}

/// What changed between `rev` and the working tree, plus untracked files (whole).
pub fn changes_since(root: &Path, rev: &str) -> anyhow::Result<Changes> {
    run(root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
        .with_context(|| format!("--since {rev}: not a revision of this repository"))?;
    let diff =
        run(root, &["diff", rev, "--unified=0", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--"])?;
    let mut changes = parse_diff(&String::from_utf8_lossy(&diff));
    let added = run(root, &["diff", rev, "--name-only", "--diff-filter=A", "-z", "--no-renames", "--"])?;
    let untracked = run(root, &["ls-files", "--others", "--exclude-standard", "-z"])?;
    for path in added.split(|&b| b == 0).chain(untracked.split(|&b| b == 0)).filter(|p| !p.is_empty()) {
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
    fn zero_context_diffs_give_new_side_lines() {
        let diff = "diff --git a/x.sh b/x.sh\n--- a/x.sh\n+++ b/x.sh\n@@ -3 +3,2 @@\n-a\n+b\n+c\n@@ -10,2 +11,0 @@\n-d\n-e\ndiff --git a/\"t\\tb.sh\" b/\"t\\tb.sh\"\n+++ \"b/t\\tb.sh\"\n@@ -0,0 +1 @@\n+x\n";
        let changes = parse_diff(diff);
        assert_eq!(changes.files[Path::new("x.sh")], Changed::Lines([2, 3].into()));
        assert!(changes.touches(Path::new("t\tb.sh"), 0));
        assert!(!changes.touches(Path::new("x.sh"), 10));
    }
}
