//! Writing a file (`--output`, `credlint baseline`): the one place credlint writes outside
//! standard output.
//!
//! A write never goes through a symlink unless the user says so (a committed symlink named like
//! the report must not redirect it outside the tree), and never leaves a partial file: the bytes
//! go to a new temporary file in the target's directory, are synced, and the temporary file is
//! renamed over the target, so a concurrent reader sees the old file or the new one, never a
//! truncated one. A target that is not a regular file (`/dev/null`, a named pipe, a terminal) is
//! written in place: renaming over it would replace the device or pipe with a plain file.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail};

/// How many symlinks a followed output path may go through.
const MAX_LINKS: usize = 40;

/// Checks that `path` may be written: with `allow_symlinks` false, neither the file nor a
/// directory between the working directory and it may be a symlink. Called before a scan, so a
/// refusal costs nothing, and again by [`write`].
pub fn check(path: &Path, allow_symlinks: bool) -> anyhow::Result<()> {
    if allow_symlinks {
        return Ok(());
    }
    if let Some(link) = symlink_on_the_way(path) {
        bail!(
            "refusing to write {}: {} is a symlink (pass --allow-symlinked-output to write through it)",
            path.display(),
            link.display()
        );
    }
    Ok(())
}

/// The first symlink among `path` and the directories it names below the working directory (an
/// absolute path outside the working directory: only the file itself).
fn symlink_on_the_way(path: &Path) -> Option<PathBuf> {
    let is_link = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    let cwd = std::env::current_dir().unwrap_or_default();
    let (mut prefix, rest) = if path.is_absolute() {
        match path.strip_prefix(&cwd) {
            Ok(rest) => (cwd.clone(), rest.to_path_buf()),
            Err(_) => return is_link(path).then(|| path.to_path_buf()),
        }
    } else {
        (PathBuf::new(), path.to_path_buf())
    };
    for component in rest.components() {
        prefix.push(component);
        if matches!(component, Component::Normal(_)) && is_link(&prefix) {
            return Some(prefix);
        }
    }
    None
}

/// Where a symlink at `path` finally points (`path` itself when it is not one).
fn resolve(path: &Path) -> anyhow::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link =
                    std::fs::read_link(&current).with_context(|| format!("cannot read {}", current.display()))?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    bail!("{}: too many levels of symbolic links", path.display())
}

/// Replaces the file at `path` with `bytes`, atomically (temporary file, sync, rename), after
/// [`check`]. A new file gets the usual mode (0666 less the umask); a replaced one keeps its mode.
/// A device, pipe or socket at `path` is opened and written instead, and a directory refused.
pub fn write(path: &Path, bytes: &[u8], allow_symlinks: bool) -> anyhow::Result<()> {
    write_with(path, allow_symlinks, |out| out.write_all(bytes))
}

/// [`write`] of what `produce` writes, streamed (buffered) to the temporary file or the device
/// rather than held whole: the SARIF of 200,000 findings is 300 MB. If `produce` fails, the
/// temporary file is removed and the target left as it was.
pub fn write_with(
    path: &Path,
    allow_symlinks: bool,
    produce: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    check(path, allow_symlinks)?;
    let target = if allow_symlinks { resolve(path)? } else { path.to_path_buf() };
    let cannot = || format!("cannot write {}", path.display());
    match std::fs::metadata(&target) {
        Ok(metadata) if metadata.is_dir() => bail!("cannot write {}: it is a directory", path.display()),
        Ok(metadata) if !metadata.is_file() => {
            let special = std::fs::OpenOptions::new().write(true).open(&target).with_context(cannot)?;
            let mut out = std::io::BufWriter::new(special);
            return produce(&mut out).and_then(|()| out.flush()).with_context(cannot);
        }
        _ => {}
    }
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".credlint-").suffix(".tmp");
    let existing = std::fs::metadata(&target).ok().filter(std::fs::Metadata::is_file);
    #[cfg(unix)]
    let permissions = {
        use std::os::unix::fs::PermissionsExt;
        existing.as_ref().map_or_else(|| std::fs::Permissions::from_mode(0o666), std::fs::Metadata::permissions)
    };
    #[cfg(not(unix))]
    let permissions = existing.map(|m| m.permissions());
    #[cfg(unix)]
    builder.permissions(permissions.clone());
    let mut file = builder.tempfile_in(dir).with_context(cannot)?;
    {
        let mut out = std::io::BufWriter::new(file.as_file_mut());
        produce(&mut out).and_then(|()| out.flush()).with_context(cannot)?;
    }
    // The mode asked at creation is masked by the umask; a replaced file's mode is restored.
    #[cfg(unix)]
    if existing.is_some() {
        file.as_file().set_permissions(permissions).with_context(cannot)?;
    }
    #[cfg(not(unix))]
    if let Some(permissions) = permissions {
        file.as_file().set_permissions(permissions).with_context(cannot)?;
    }
    file.as_file().sync_all().with_context(cannot)?;
    file.persist(&target).map_err(|error| error.error).with_context(cannot)?;
    // The rename itself is durable once the directory is synced (best effort: not every
    // platform can open a directory).
    if let Ok(directory) = std::fs::File::open(dir) {
        let _ = directory.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_replaces_the_file_through_a_rename_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        write(&path, b"first", false).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        write(&path, b"second", false).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("report.json")], "no temporary file is left");
    }

    #[test]
    fn a_streamed_write_that_fails_leaves_the_old_file_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.sarif");
        write(&path, b"old report", false).unwrap();
        // More than the writer's buffer, so that part of it reached the temporary file.
        let failed = write_with(&path, false, |out| {
            out.write_all(&[b'x'; 100_000])?;
            Err(std::io::Error::other("the reporter failed"))
        });
        assert!(format!("{:#}", failed.unwrap_err()).contains("the reporter failed"));
        assert_eq!(std::fs::read(&path).unwrap(), b"old report");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("report.sarif")], "no temporary file is left");
        write_with(&path, false, |out| out.write_all(&[b'y'; 100_000])).unwrap();
        assert_eq!(std::fs::read(&path).unwrap().len(), 100_000);
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&path, b"new", false).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_refused_unless_allowed_and_then_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "keep").unwrap();
        let link = dir.path().join("report.sarif");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let error = write(&link, b"report", false).unwrap_err();
        assert!(format!("{error:#}").contains("is a symlink"), "{error:#}");
        assert_eq!(std::fs::read(&outside).unwrap(), b"keep");
        write(&link, b"report", true).unwrap();
        assert_eq!(std::fs::read(&outside).unwrap(), b"report");
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_written_in_place_not_replaced_by_a_plain_file() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("report.pipe");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status().expect("mkfifo runs");
        assert!(made.success());
        // The reader reports through a channel with a deadline: were the pipe replaced, its open
        // would wait forever for a writer, and the test must fail rather than hang.
        let (sender, received) = std::sync::mpsc::channel();
        let reading = pipe.clone();
        std::thread::spawn(move || sender.send(std::fs::read(reading).unwrap()));
        write(&pipe, b"report", false).unwrap();
        let read = received.recv_timeout(std::time::Duration::from_secs(10)).expect("the pipe's reader got the report");
        assert_eq!(read, b"report");
        assert!(std::fs::symlink_metadata(&pipe).unwrap().file_type().is_fifo(), "the pipe stays a pipe");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let error = write(dir.path(), b"report", false).unwrap_err();
        assert!(format!("{error:#}").contains("is a directory"), "{error:#}");
    }
}
