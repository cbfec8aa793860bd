//! Walking: the only stage that reads the filesystem.
//!
//! Finds files in parallel with the `ignore` crate (`.gitignore`, excludes), reads each one, and
//! hands a [`SourceFile`] to the caller's function on the walker's own thread, so a file's text
//! lives only while it is scanned. Hidden directories are skipped (`.git`, `.venv`…) except the
//! ones that hold CI and credential configuration; hidden *files* (`.netrc`, `.env`) are read.
//! Symlinks are not followed, so a link loop can't trap the walk. Paths given explicitly are
//! scanned even when ignored; excludes apply to what is found below them.
//!
//! Nothing a committer adds can hide a file: `.ignore` files are not read at all, and in a git
//! work tree every tracked file is scanned, whether `.gitignore` matches it (force-added) or it
//! sits in a hidden directory; `.gitignore` only keeps *untracked* files out. The reviewed ways to
//! exclude (`.credlint.toml` excludes and `--exclude`) still apply, and what they excluded is
//! counted ([`WalkStats::excluded`]).
//!
//! Files are handed over under the path reports show ([`PathDisplay`]: relative to the repository
//! root, the working directory or `--root`, normalised), not the path they were read from.
//! [`stdin`] reads standard input as one file (`credlint scan -`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use ignore::gitignore::Gitignore;
use ignore::{DirEntry, WalkBuilder, WalkState};

use crate::fact::{Problem, ProblemKind};
use crate::source::{FileKind, SourceFile};

pub mod git;
pub mod history;

/// Hidden directories that hold configuration worth scanning.
const HIDDEN_DIRS_SCANNED: &[&str] = &[
    ".github",
    ".gitea",
    ".forgejo",
    ".gitlab",
    ".husky",
    ".githooks",
    ".circleci",
    ".buildkite",
    ".devcontainer",
    ".docker",
    ".m2",
    ".mvn",
    ".azure",
    ".azure-pipelines",
    ".tekton",
    ".drone",
    ".woodpecker",
    ".vscode",
    ".config",
    ".aws",
    ".kube",
];

/// Extensions that never hold text worth reading: skipped without opening the file.
const BINARY_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "ico", "bmp", "webp", "tiff", "psd", "pdf", "zip", "gz", "tgz", "xz", "bz2", "zst",
    "7z", "rar", "jar", "war", "ear", "class", "so", "dylib", "dll", "exe", "o", "a", "rlib", "rmeta", "wasm", "woff",
    "woff2", "ttf", "otf", "eot", "mp3", "mp4", "mov", "avi", "webm", "ogg", "flac", "wav", "pyc", "pyo", "whl", "egg",
    "sqlite", "db", "bin", "dat", "pack", "idx", "crate",
];

/// How many leading bytes are inspected for a NUL byte (the binary test git and ripgrep use).
const BINARY_SNIFF_LEN: usize = 8192;

#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub paths: Vec<PathBuf>,
    /// Files larger than this are skipped and reported.
    pub max_file_size: u64,
    pub threads: usize,
    /// Also descend into every hidden directory.
    pub hidden: bool,
    /// Compiled excludes (config file and command line).
    pub excludes: Vec<Gitignore>,
    /// `--include`: when set, only files it matches (or whose directory it matches) are scanned
    /// below the paths; files named on the command line are scanned regardless.
    pub includes: Option<Gitignore>,
    /// How reports name the files the walk hands over.
    pub display: PathDisplay,
}

/// How reports name files: relative to one root (the repository root, the working directory, or
/// `--root`), normalised (no `.` or `..` components, no symlinked prefix), so a scan of
/// `../other/deploy` reports `deploy/.env`, never `../other/deploy/.env`. A file outside the root
/// is named by its absolute path. The walk reads files by the path it found them under and hands
/// them over under the shown one; the default shows paths as found.
#[derive(Debug, Clone, Default)]
pub struct PathDisplay {
    /// The root, canonical; `None` shows paths as found.
    root: Option<PathBuf>,
    /// Each scanned path as given, as a normalised absolute path, and as a canonical one.
    prefixes: Vec<(PathBuf, PathBuf, PathBuf)>,
}

impl PathDisplay {
    /// Names files below `paths` (the scanned paths, as given) relative to `root`.
    pub fn new(root: &Path, paths: &[PathBuf]) -> Self {
        let mut prefixes: Vec<_> = paths.iter().map(|path| (path.clone(), normalised(path), canonical(path))).collect();
        // The longest given prefix wins when scanned paths nest.
        prefixes.sort_by_key(|(given, _, _)| std::cmp::Reverse(given.components().count()));
        PathDisplay { root: Some(canonical(root)), prefixes }
    }

    /// The canonical root, if paths are shown relative to one.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The path reports show for a file the walk found at `path`.
    pub fn show(&self, path: &Path) -> PathBuf {
        let Some(root) = &self.root else { return path.to_path_buf() };
        if let Ok(relative) = path.strip_prefix(root)
            && !relative.as_os_str().is_empty()
            && !relative.components().any(|c| matches!(c, std::path::Component::ParentDir))
        {
            return relative.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect();
        }
        let (normal, full) = self
            .prefixes
            .iter()
            .find_map(|(given, normal, canonical)| {
                let rest = path.strip_prefix(given).ok()?;
                // Joining an empty rest would add a trailing slash.
                Some(if rest.as_os_str().is_empty() {
                    (normal.clone(), canonical.clone())
                } else {
                    (normal.join(rest), canonical.join(rest))
                })
            })
            .unwrap_or_else(|| (normalised(path), canonical(path)));
        match full.strip_prefix(root) {
            Ok(relative) if !relative.as_os_str().is_empty() => relative.to_path_buf(),
            // Outside the root: the path as named, made absolute, not where its links lead.
            _ => normal,
        }
    }
}

/// `path` made absolute, `.` and `..` resolved lexically (as a shell's `cd` does).
fn normalised(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in absolute(path).components() {
        match component {
            std::path::Component::ParentDir => {
                normal.pop();
            }
            std::path::Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// `path` made absolute, `.` and `..` resolved lexically (as a shell's `cd` does), then its
/// directory resolved through symlinks when it exists (the last component is kept as named, so
/// a symlinked file keeps its own name).
pub fn canonical(path: &Path) -> PathBuf {
    let normal = normalised(path);
    match (normal.parent(), normal.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent).map_or(normal.clone(), |dir| dir.join(name)),
        _ => normal,
    }
}

/// Reads standard input as one file (`credlint scan -`), named `name` (`--stdin-filename`, which
/// also decides its kind and whether it is test or documentation material; `<stdin>`, plain text,
/// when not named), with the same size cap and decoding as a file on disk.
pub fn stdin(name: Option<&Path>, max_file_size: u64) -> Walked {
    use std::io::Read;
    let path = name.map_or_else(|| PathBuf::from("<stdin>"), Path::to_path_buf);
    let mut bytes = Vec::new();
    if let Err(error) = std::io::stdin().lock().take(max_file_size.saturating_add(1)).read_to_end(&mut bytes) {
        return Walked::Problem { path, problem: problem(ProblemKind::Unreadable, format!("cannot read: {error}")) };
    }
    if bytes.len() as u64 > max_file_size {
        let message = format!("skipped: standard input is over the size limit of {max_file_size} bytes");
        return Walked::Problem { path, problem: problem(ProblemKind::Skipped, message) };
    }
    match decode_text(bytes) {
        Some(text) => {
            let kind = name.and_then(FileKind::detect).unwrap_or(FileKind::Text);
            let scope = PathBuf::from(display_name(&path));
            Walked::File(SourceFile::new(path, kind, text).with_scope(scope))
        }
        None => Walked::Binary { path },
    }
}

/// A path without leading `./` or `/` components, for context rules.
fn display_name(path: &Path) -> String {
    let components: Vec<_> = path
        .components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    components.join("/")
}

/// Whether `--include` lets a file found below the scanned paths through.
pub fn is_included(path: &Path, includes: Option<&Gitignore>) -> bool {
    let Some(includes) = includes else { return true };
    let absolute = absolute(path);
    let Ok(relative) = absolute.strip_prefix(includes.path()) else { return false };
    includes.matched_path_or_any_parents(relative, false).is_ignore()
}

/// The walked item under the path reports show.
fn shown(walked: Walked, display: &PathDisplay) -> Walked {
    match walked {
        Walked::File(mut file) => {
            file.path = display.show(&file.path);
            Walked::File(file)
        }
        Walked::Problem { path, problem } => Walked::Problem { path: display.show(&path), problem },
        Walked::Binary { path } => Walked::Binary { path: display.show(&path) },
    }
}

/// What the walk hands to the scanner.
#[derive(Debug)]
pub enum Walked {
    File(SourceFile),
    /// A file that was not scanned, and why.
    Problem {
        path: PathBuf,
        problem: Problem,
    },
    /// A binary file: counted, not scanned, not reported one by one.
    Binary {
        path: PathBuf,
    },
}

/// What the walk counted besides the files it handed over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WalkStats {
    /// Paths the excludes (config and command line) removed: a directory counts once.
    pub excluded: usize,
}

/// Walks `options.paths`, calling `scan` on every file from the walker's threads; returns the
/// results in no particular order (callers sort).
pub fn walk<R: Send>(options: &WalkOptions, scan: impl Fn(Walked) -> R + Sync) -> (Vec<R>, WalkStats) {
    let results = Mutex::new(Vec::new());
    let Some((first, rest)) = options.paths.split_first() else { return (Vec::new(), WalkStats::default()) };
    // Tracked files the walk may not reach (gitignored, in a hidden directory): each one the
    // walk meets is struck off, the rest are read afterwards.
    let unvisited = Mutex::new(tracked_files(&options.paths));
    let mut builder = WalkBuilder::new(first);
    for path in rest {
        builder.add(path);
    }
    let hidden = options.hidden;
    let excludes = options.excludes.clone();
    let includes = options.includes.clone();
    let excluded = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&excluded);
    builder
        .hidden(false)
        .parents(true)
        // `.ignore` (and `.rgignore`) files are not git's: a committed one must not hide files.
        .ignore(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .threads(options.threads)
        .filter_entry(move |entry| keep_entry(entry, hidden, &excludes, includes.as_ref(), &counter));
    // Paths given twice, or one inside another (`scan a a/b.sh`), would read a file twice: with
    // more than one path, each file is read once, by its canonical name.
    let read_once = (options.paths.len() > 1).then(|| Mutex::new(HashSet::new()));
    let scan_walked = |walked: Walked| {
        if let (Some(read), Walked::File(file)) = (&read_once, &walked) {
            let identity = std::fs::canonicalize(&file.path).unwrap_or_else(|_| file.path.clone());
            if !read.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(identity) {
                return;
            }
        }
        let result = scan(shown(walked, &options.display));
        results.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(result);
    };
    let any_tracked = !unvisited.lock().unwrap_or_else(std::sync::PoisonError::into_inner).is_empty();
    builder.build_parallel().run(|| {
        let scan_walked = &scan_walked;
        let unvisited = &unvisited;
        Box::new(move |entry| {
            let walked = match entry {
                Ok(entry) => {
                    if any_tracked && entry.file_type().is_some_and(|t| t.is_file()) {
                        unvisited.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(entry.path());
                    }
                    match read_entry(&entry, options.max_file_size) {
                        Some(Walked::File(file)) => {
                            let scope = scope_of(&file.path, &options.paths);
                            Walked::File(file.with_scope(scope))
                        }
                        Some(walked) => walked,
                        None => return WalkState::Continue,
                    }
                }
                Err(error) => {
                    let path = error_path(&error).unwrap_or_default();
                    let message = format!("cannot read: {}", innermost(&error));
                    Walked::Problem { path, problem: problem(ProblemKind::Unreadable, message) }
                }
            };
            scan_walked(walked);
            WalkState::Continue
        })
    });
    let mut unvisited: Vec<PathBuf> =
        unvisited.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).into_iter().collect();
    // A tracked file deleted (or replaced by a directory or a link) in the working tree is not a
    // file to read; binary names and excluded paths are skipped as in the walk.
    unvisited.retain(|path| {
        std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
            && !has_binary_extension(path)
            && !is_excluded_with_parents(path, &options.excludes)
            && (options.paths.contains(path) || is_included(path, options.includes.as_ref()))
    });
    unvisited.sort();
    let chunk = unvisited.len().div_ceil(options.threads.max(1)).max(1);
    std::thread::scope(|scope| {
        for paths in unvisited.chunks(chunk) {
            let scan_walked = &scan_walked;
            scope.spawn(move || {
                for path in paths {
                    let walked = match read_file(path.clone(), options.max_file_size) {
                        Walked::File(file) => {
                            let scope = scope_of(&file.path, &options.paths);
                            Walked::File(file.with_scope(scope))
                        }
                        walked => walked,
                    };
                    scan_walked(walked);
                }
            });
        }
    });
    let stats = WalkStats { excluded: excluded.load(Ordering::Relaxed) };
    (results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner), stats)
}

/// The regular files git tracks below each directory in `roots` that is in a git work tree, as
/// the walk names them (`root` joined with the path below it); empty outside git.
fn tracked_files(roots: &[PathBuf]) -> HashSet<PathBuf> {
    let mut tracked = HashSet::new();
    for root in roots.iter().filter(|root| root.is_dir()) {
        let Ok(listing) = git::command(root).args(["ls-files", "--stage", "-z"]).output() else { continue };
        if !listing.status.success() {
            continue;
        }
        for record in listing.stdout.split(|&b| b == 0).filter(|r| !r.is_empty()) {
            // `<mode> <object> <stage>\t<path>`, the path relative to `root`; regular files only
            // (not symlinks, 120000, or submodules, 160000).
            let text = String::from_utf8_lossy(record);
            if let Some((meta, path)) = text.split_once('\t')
                && meta.starts_with("100")
            {
                tracked.insert(root.join(path));
            }
        }
    }
    tracked
}

/// The path below the longest scanned root that holds it (a root that is a file keeps its name).
fn scope_of(path: &Path, roots: &[PathBuf]) -> PathBuf {
    roots
        .iter()
        .filter_map(|root| path.strip_prefix(root).ok())
        .filter(|rest| !rest.as_os_str().is_empty())
        .min_by_key(|rest| rest.components().count())
        .map_or_else(|| PathBuf::from(path.file_name().unwrap_or_default()), Path::to_path_buf)
}

fn keep_entry(
    entry: &DirEntry,
    hidden: bool,
    excludes: &[Gitignore],
    includes: Option<&Gitignore>,
    excluded: &AtomicUsize,
) -> bool {
    if entry.depth() == 0 {
        return true;
    }
    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
    if !is_dir && !is_included(entry.path(), includes) {
        return false;
    }
    let name = entry.file_name().to_string_lossy();
    if is_dir && name.starts_with('.') && !hidden && !HIDDEN_DIRS_SCANNED.contains(&name.as_ref()) {
        return false;
    }
    if is_dir && (name == ".git" || name == ".hg" || name == ".svn") {
        return false;
    }
    if is_excluded(entry.path(), is_dir, excludes) {
        excluded.fetch_add(1, Ordering::Relaxed);
        return false;
    }
    true
}

/// Whether an exclude matches the path itself (parents were already pruned by the walk).
pub fn is_excluded(path: &Path, is_dir: bool, excludes: &[Gitignore]) -> bool {
    let absolute = absolute(path);
    excludes.iter().any(|gitignore| {
        let Ok(relative) = absolute.strip_prefix(gitignore.path()) else { return false };
        gitignore.matched(relative, is_dir).is_ignore()
    })
}

/// Whether an exclude matches the path or any of its parents (files read from the index, whose
/// directories were never walked).
pub fn is_excluded_with_parents(path: &Path, excludes: &[Gitignore]) -> bool {
    let absolute = absolute(path);
    excludes.iter().any(|gitignore| {
        absolute.starts_with(gitignore.path())
            && gitignore
                .matched_path_or_any_parents(absolute.strip_prefix(gitignore.path()).unwrap_or(&absolute), false)
                .is_ignore()
    })
}

/// `path` made absolute against the working directory, with `.` components removed.
pub fn absolute(path: &Path) -> PathBuf {
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    joined.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect()
}

fn read_entry(entry: &DirEntry, max_file_size: u64) -> Option<Walked> {
    let file_type = entry.file_type()?;
    if !file_type.is_file() {
        return None;
    }
    let path = entry.path().to_path_buf();
    if has_binary_extension(&path) {
        return None;
    }
    Some(read_file(path, max_file_size))
}

/// Whether the name says the file never holds text worth reading (images, archives, objects).
pub fn has_binary_extension(path: &Path) -> bool {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    extension.as_deref().is_some_and(|e| BINARY_EXTENSIONS.contains(&e))
}

/// Reads one file into a [`SourceFile`], or says why it wasn't.
///
/// The size is checked on the open handle and the read is bounded by the limit, so a file that
/// grows (or is swapped) between listing and reading still can't make the scan hold more than
/// `max_file_size` bytes; a file that vanished or lost its permissions since it was listed is a
/// problem like any other unreadable file.
pub fn read_file(path: PathBuf, max_file_size: u64) -> Walked {
    use std::io::Read;
    let unreadable = |path: PathBuf, error: std::io::Error| Walked::Problem {
        problem: problem(ProblemKind::Unreadable, format!("cannot read: {error}")),
        path,
    };
    let skipped = |path: PathBuf, size: u64| {
        let message = format!("skipped: {size} bytes is over the size limit of {max_file_size} bytes");
        Walked::Problem { path, problem: problem(ProblemKind::Skipped, message) }
    };
    let file = match open_without_blocking(&path) {
        Ok(file) => file,
        Err(error) => return unreadable(path, error),
    };
    // The type is checked on the open handle: a file swapped for a FIFO or a device after the
    // walk listed it is not read (a FIFO would block the read forever).
    let size = match file.metadata() {
        Ok(metadata) if metadata.is_file() => metadata.len(),
        Ok(_) => {
            let message = "skipped: not a regular file (replaced during the scan?)".to_owned();
            return Walked::Problem { path, problem: problem(ProblemKind::Skipped, message) };
        }
        Err(error) => return unreadable(path, error),
    };
    if size > max_file_size {
        return skipped(path, size);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    if let Err(error) = file.take(max_file_size.saturating_add(1)).read_to_end(&mut bytes) {
        return unreadable(path, error);
    }
    if bytes.len() as u64 > max_file_size {
        return skipped(path, bytes.len() as u64);
    }
    match decode_text(bytes) {
        Some(text) => {
            let kind = FileKind::detect(&path).unwrap_or(FileKind::Text);
            Walked::File(SourceFile::new(path, kind, text))
        }
        None => Walked::Binary { path },
    }
}

/// Opens `path` for reading without blocking in `open` (a FIFO without a writer blocks there).
/// Reads of a regular file are unaffected by `O_NONBLOCK`.
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits().cast_signed());
    }
    options.open(path)
}

/// A reader for the demand pass (`demand::second_pass`) over a directory scan: the file on disk
/// under its shown path (relative to the display root), named by the shown path again and given
/// the scope (path below the scanned root) the walk gave it.
pub fn reader(display: &PathDisplay, max_file_size: u64) -> impl Fn(&Path, &Path) -> Option<SourceFile> + Sync + '_ {
    move |shown, scope| {
        let on_disk = match display.root() {
            Some(root) if shown.is_relative() => root.join(shown),
            _ => shown.to_path_buf(),
        };
        let Walked::File(mut file) = read_file(on_disk, max_file_size) else { return None };
        file.path = shown.to_path_buf();
        Some(file.with_scope(scope))
    }
}

/// The text of a file: UTF-16 with a BOM is decoded, invalid UTF-8 is replaced, and a file with a
/// NUL byte near its start is binary (`None`).
pub fn decode_text(bytes: Vec<u8>) -> Option<String> {
    if let Some(text) = decode_utf16_with_bom(&bytes) {
        return Some(text);
    }
    let sniffed = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    // A script is text to its interpreter when its first line is: bash runs a file whose NUL
    // bytes come after the `#!` line, so a credential below them is live.
    let first_line = if sniffed.starts_with(b"#!") {
        sniffed.iter().position(|&b| b == b'\n').map_or(sniffed, |end| &sniffed[..end])
    } else {
        sniffed
    };
    if first_line.contains(&0) {
        return None;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").map(<[u8]>::to_vec).unwrap_or(bytes);
    Some(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    })
}

fn decode_utf16_with_bom(bytes: &[u8]) -> Option<String> {
    let (body, little) = match bytes {
        [0xFF, 0xFE, body @ ..] => (body, true),
        [0xFE, 0xFF, body @ ..] => (body, false),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|pair| {
        if little { u16::from_le_bytes([pair[0], pair[1]]) } else { u16::from_be_bytes([pair[0], pair[1]]) }
    });
    Some(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect())
}

fn problem(kind: ProblemKind, message: String) -> Problem {
    Problem { kind, message }
}

/// The walker's error without the path it wraps (reports print the path already).
fn innermost(error: &ignore::Error) -> &ignore::Error {
    match error {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => innermost(err),
        other => other,
    }
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_with_nul_bytes_after_its_first_line_is_text() {
        let script = b"#!/bin/sh\n\0\0\ncurl -u svc:x https://jira.example.com/\n".to_vec();
        assert!(decode_text(script).is_some_and(|text| text.contains("curl -u")));
        assert_eq!(decode_text(b"#!/bin/sh\0\ncurl\n".to_vec()), None, "a NUL in the #! line is binary");
        assert_eq!(decode_text(b"ELF\0\0\ncurl\n".to_vec()), None);
    }

    /// What the walk listed as a file and is a FIFO by the time it is read (the race of a tree
    /// changing under the scan): reading it neither blocks in `open` nor in `read`.
    #[cfg(unix)]
    #[test]
    fn a_file_swapped_for_a_fifo_is_skipped_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("swapped.sh");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(read_file(fifo, 1 << 20)).unwrap());
        let walked = finished.recv_timeout(std::time::Duration::from_secs(10)).expect("read_file blocked on a FIFO");
        let Walked::Problem { problem, .. } = walked else { panic!("a FIFO was read as a file") };
        assert_eq!(problem.kind, ProblemKind::Skipped);
    }

    #[test]
    fn a_file_that_vanished_after_listing_is_an_unreadable_problem() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone.sh");
        assert!(matches!(
            read_file(path, 1024),
            Walked::Problem { problem: Problem { kind: ProblemKind::Unreadable, .. }, .. }
        ));
    }

    /// Files deleted by another process while the walk is under way: the walker listed them, the
    /// read fails, and each is reported while the rest of the tree is scanned.
    #[test]
    fn files_deleted_during_the_walk_are_reported_and_the_walk_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..20 {
            std::fs::write(dir.path().join(format!("f{i:02}.sh")), "echo hi\n").unwrap();
        }
        let options = WalkOptions {
            paths: vec![dir.path().to_path_buf()],
            max_file_size: 1024,
            threads: 1,
            hidden: false,
            excludes: Vec::new(),
            includes: None,
            display: PathDisplay::default(),
        };
        let deleted = std::sync::atomic::AtomicBool::new(false);
        let (results, _) = walk(&options, |walked| {
            // The first file read deletes all the others, which the walker has already listed.
            if let Walked::File(file) = &walked
                && !deleted.swap(true, std::sync::atomic::Ordering::SeqCst)
            {
                for entry in std::fs::read_dir(dir.path()).unwrap() {
                    let path = entry.unwrap().path();
                    if path != file.path {
                        std::fs::remove_file(path).unwrap();
                    }
                }
            }
            match walked {
                Walked::File(_) => "scanned".to_owned(),
                Walked::Problem { problem, .. } => format!("{:?}: {}", problem.kind, problem.message),
                Walked::Binary { .. } => "binary".to_owned(),
            }
        });
        assert_eq!(results.len(), 20, "{results:?}");
        assert_eq!(results.iter().filter(|r| *r == "scanned").count(), 1, "{results:?}");
        assert!(
            results.iter().filter(|r| *r != "scanned").all(|r| r.starts_with("Unreadable: cannot read:")),
            "{results:?}"
        );
    }

    #[test]
    fn the_size_limit_holds_on_the_open_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        std::fs::write(&path, vec![b'a'; 2048]).unwrap();
        assert!(matches!(
            read_file(path.clone(), 1024),
            Walked::Problem { problem: Problem { kind: ProblemKind::Skipped, .. }, .. }
        ));
        assert!(matches!(read_file(path, 2048), Walked::File(_)));
    }

    #[test]
    fn text_decoding() {
        assert_eq!(decode_text(b"a\xffb".to_vec()).unwrap(), "a\u{fffd}b");
        assert_eq!(decode_text(b"\xEF\xBB\xBFabc".to_vec()).unwrap(), "abc");
        assert_eq!(decode_text(vec![0xFF, 0xFE, b'h', 0, b'i', 0]).unwrap(), "hi");
        assert!(decode_text(b"PK\x03\x04\0\0".to_vec()).is_none());
    }
}
