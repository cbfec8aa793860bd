//! Shared helpers: the embedded catalogue, fixture discovery, the built binary.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use credlint::rules::Catalogue;

pub static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| Catalogue::embedded().expect("embedded rules load"));

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `fixtures/` except multi-file scenarios and annotation sidecars.
pub fn fixture_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    collect(&repo_root().join("fixtures"), &mut files);
    files.retain(|path| path.extension().is_none_or(|ext| ext != "expect"));
    files.sort();
    files
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name == "repos") {
                continue;
            }
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

pub fn credlint() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_credlint"));
    command.env_remove("NO_COLOR").env("RUST_BACKTRACE", "0");
    command
}

/// Runs git in `dir` with a fixed identity and no signing; panics with git's stderr on failure.
/// Returns stdout, trimmed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A new repository with a `main` branch, in a temporary directory.
pub fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}

/// Writes `text` to `dir/name`, creating parent directories.
pub fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The distinct paths with findings in a `--format json` report, sorted.
pub fn finding_paths(json: &serde_json::Value) -> Vec<String> {
    let mut paths: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap().to_owned())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}
