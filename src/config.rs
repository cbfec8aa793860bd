//! `.credlint.toml`: the project's settings, found upward from the first scanned path.
//!
//! In each directory, discovery looks for `.credlint.toml`, then `credlint.toml`, then a
//! `pyproject.toml` with a `[tool.credlint]` table (one without it is passed over); when two are
//! in one directory the first wins and a warning names both.
//!
//! Discovery stops at the repository root (the directory holding `.git`), so a file above the
//! repository can't configure its scan, and skips, with a warning, a file owned by neither the
//! current user nor root (on Unix), so another user's file in a shared directory can't either.
//! Outside a repository the search goes up to the file-system root. `--config FILE` is taken as
//! given.
//!
//! Two layers: [`ConfigFile`] is the TOML as written (`deny_unknown_fields`); [`Config`] is
//! validated (compiled excludes, known rule ids). Errors name the file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::Deserialize;

use crate::finding::Severity;
use crate::rules::Catalogue;

pub const CONFIG_FILE_NAME: &str = ".credlint.toml";
/// The files discovery looks for in each directory, in order of precedence.
pub const CONFIG_FILE_NAMES: [&str; 3] = [CONFIG_FILE_NAME, "credlint.toml", PYPROJECT];
/// Python's project file: its `[tool.credlint]` table is a config.
pub const PYPROJECT: &str = "pyproject.toml";
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Gitignore-style globs, relative to the config file's directory.
    #[serde(default)]
    pub exclude: Vec<String>,
    pub max_file_size: Option<u64>,
    /// Extra rule directories, relative to the config file.
    #[serde(default)]
    pub rules_dirs: Vec<PathBuf>,
    /// Per-rule severity: `"error"`, `"warning"`, `"note"` or `"off"`.
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    #[serde(default)]
    pub shared_credential: SharedCredentialFile,
    #[serde(default)]
    pub revocation: RevocationFile,
    /// The credential inventory: `[[credential]]` entries.
    #[serde(default)]
    pub credential: Vec<toml::Spanned<CredentialDef>>,
}

/// `[revocation]`: the revocation-path policy.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RevocationFile {
    /// Token lifetimes above this are `token-lifetime-too-long` (default 365).
    pub max_token_lifetime_days: Option<u64>,
    /// Inventory entries expiring within this many days are `credential-expiring-soon` (default 30).
    pub expiring_soon_days: Option<u64>,
    /// Every credential reference used for authentication must have an inventory entry.
    #[serde(default)]
    pub require_inventory: bool,
}

/// One `[[credential]]` of the inventory, as written.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CredentialDef {
    /// What the credential is, for people (`"Jira sync bot token"`).
    pub name: Option<String>,
    /// The names it is used under: env vars, CI secrets, credentials ids (`JIRA_API_TOKEN`,
    /// `secrets.JIRA_API_TOKEN`, `jira-api-token`).
    pub references: Vec<String>,
    /// Who answers for it: a person or team address.
    pub owner: Option<toml::Spanned<String>>,
    /// When it expires: a TOML date (`2026-09-30`) or a string in that form.
    pub expires: Option<toml::Spanned<toml::Value>>,
    /// How to revoke it: a URL or a runbook.
    pub revoke: Option<String>,
    /// The connections it is meant for.
    #[serde(default)]
    pub connections: Vec<String>,
}

/// `[shared-credential]`: credentials whose sharing is deliberate.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SharedCredentialFile {
    /// Reference names (`JIRA_TOKEN`, `secrets.DEPLOY_KEY`) allowed to serve several connections.
    #[serde(default)]
    pub allow: Vec<String>,
}

/// A per-rule override.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    Severity(Severity),
}

#[derive(Debug, Default)]
pub struct Config {
    /// Where the config came from, if a file was found.
    pub path: Option<PathBuf>,
    pub excludes: Option<Gitignore>,
    pub max_file_size: Option<u64>,
    pub rules_dirs: Vec<PathBuf>,
    pub rule_settings: BTreeMap<String, RuleSetting>,
    pub allow_shared: Vec<String>,
    pub max_token_lifetime_days: Option<u64>,
    /// The credential inventory, with the config's text for reports that point into it.
    pub inventory: Option<crate::inventory::Inventory>,
}

impl Config {
    /// The nearest config file ([`CONFIG_FILE_NAMES`]) at or above `start`, not above the
    /// repository root; `None` when there is none or the nearest is owned by another user (a
    /// warning names it).
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = crate::walk::absolute(start);
        let mut dir = if start.is_dir() { Some(start.as_path()) } else { start.parent() };
        while let Some(current) = dir {
            let mut found = CONFIG_FILE_NAMES.iter().map(|name| current.join(name)).filter(|candidate| {
                candidate.is_file() && (!is_pyproject(candidate) || pyproject_has_table(candidate))
            });
            if let Some(candidate) = found.next() {
                let shown = |path: &Path| crate::report::escape::terminal(&path.display().to_string()).into_owned();
                let others: Vec<_> = found.map(|other| shown(&other)).collect();
                if !others.is_empty() {
                    crate::say!(
                        "credlint: warning: using {} and ignoring {} in the same directory",
                        shown(&candidate),
                        others.join(" and ")
                    );
                }
                if let Some(owner) = foreign_owner(&candidate) {
                    crate::say!(
                        "credlint: warning: ignoring {}: it is owned by user id {owner}, not by you or root",
                        shown(&candidate)
                    );
                    return None;
                }
                return Some(candidate);
            }
            // `.git` is a directory, or a file in a linked worktree or a submodule.
            if current.join(".git").exists() {
                return None;
            }
            dir = current.parent();
        }
        None
    }

    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        Config::parse(path, &text)
    }

    /// Parses a config file; a `pyproject.toml` is read for its `[tool.credlint]` table, and
    /// errors point at lines of the whole file.
    pub fn parse(path: &Path, text: &str) -> anyhow::Result<Config> {
        let located = |error: toml::de::Error| {
            let line = error.span().map_or(1, |span| text[..span.start].matches('\n').count() + 1);
            anyhow::anyhow!("{}:{line}: {}", path.display(), error.message())
        };
        let file: ConfigFile = if is_pyproject(path) {
            let pyproject: Pyproject = toml::from_str(text).map_err(located)?;
            pyproject.tool.and_then(|tool| tool.credlint).unwrap_or_default()
        } else {
            toml::from_str(text).map_err(located)?
        };
        let root = crate::walk::absolute(path.parent().unwrap_or(Path::new(".")));
        let excludes = compile_excludes(&root, &file.exclude).with_context(|| format!("in {}", path.display()))?;
        let mut rule_settings = BTreeMap::new();
        for (rule, value) in file.rules {
            let setting = parse_rule_setting(&value).with_context(|| format!("{}: rule `{rule}`", path.display()))?;
            rule_settings.insert(rule, setting);
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            excludes: Some(excludes),
            max_file_size: file.max_file_size,
            rules_dirs: file.rules_dirs.into_iter().map(|dir| root.join(dir)).collect(),
            rule_settings,
            allow_shared: file.shared_credential.allow,
            max_token_lifetime_days: file.revocation.max_token_lifetime_days,
            inventory: Some(crate::inventory::Inventory::from_config(
                path,
                text,
                file.credential,
                file.revocation.require_inventory,
                file.revocation.expiring_soon_days,
            )),
        })
    }

    /// Checks that every rule the config names exists.
    pub fn validate(&self, catalogue: &Catalogue) -> anyhow::Result<()> {
        for rule in self.rule_settings.keys() {
            if catalogue.rule(rule).is_none() {
                let path = self.path.as_deref().unwrap_or(Path::new(CONFIG_FILE_NAME));
                bail!("{}: unknown rule `{rule}` (see `credlint rules`)", path.display());
            }
        }
        Ok(())
    }
}

/// `pyproject.toml` as far as credlint reads it: other tools' tables are theirs.
#[derive(Debug, Deserialize)]
struct Pyproject {
    tool: Option<PyprojectTool>,
}

#[derive(Debug, Deserialize)]
struct PyprojectTool {
    credlint: Option<ConfigFile>,
}

fn is_pyproject(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == PYPROJECT)
}

/// Whether a `pyproject.toml` has a `[tool.credlint]` table (one that can't be parsed counts, so
/// its error is reported rather than the file silently passed over).
fn pyproject_has_table(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else { return true };
    match text.parse::<toml::Table>() {
        Ok(table) => table.get("tool").and_then(|tool| tool.get("credlint")).is_some(),
        Err(_) => text.contains("[tool.credlint"),
    }
}

pub fn parse_rule_setting(value: &str) -> anyhow::Result<RuleSetting> {
    Ok(match value {
        "off" => RuleSetting::Off,
        "error" => RuleSetting::Severity(Severity::Error),
        "warning" => RuleSetting::Severity(Severity::Warning),
        "note" => RuleSetting::Severity(Severity::Note),
        other => bail!("unknown setting `{other}` (error, warning, note, off)"),
    })
}

/// The owner of `path` when it is neither the current user nor root.
#[cfg(unix)]
fn foreign_owner(path: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let owner = std::fs::metadata(path).ok()?.uid();
    let me = rustix::process::getuid().as_raw();
    (owner != me && owner != 0).then_some(owner)
}

#[cfg(not(unix))]
fn foreign_owner(_path: &Path) -> Option<u32> {
    None
}

/// Compiles gitignore-style globs relative to `root`.
pub fn compile_excludes(root: &Path, globs: &[String]) -> anyhow::Result<Gitignore> {
    let mut builder = GitignoreBuilder::new(root);
    for glob in globs {
        builder.add_line(None, glob).with_context(|| format!("invalid exclude `{glob}`"))?;
    }
    Ok(builder.build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_lines() {
        let error = Config::parse(Path::new("x/.credlint.toml"), "exclude = []\nexlcude = 1\n").unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains(".credlint.toml:2"), "{message}");
    }

    #[test]
    fn discovery_stops_at_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE_NAME), "exclude = [\"*\"]\n").unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("src")).unwrap();
        assert_eq!(Config::discover(&repo.join("src")), None);
        std::fs::write(repo.join(CONFIG_FILE_NAME), "").unwrap();
        assert_eq!(Config::discover(&repo.join("src")), Some(repo.join(CONFIG_FILE_NAME)));
        // Outside a repository, the search goes on upward.
        std::fs::create_dir_all(dir.path().join("plain/sub")).unwrap();
        assert_eq!(Config::discover(&dir.path().join("plain/sub")), Some(dir.path().join(CONFIG_FILE_NAME)));
    }

    #[test]
    fn discovery_reads_credlint_toml_and_pyproject_tables_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::write(repo.join(PYPROJECT), "[project]\nname = \"x\"\n").unwrap();
        assert_eq!(Config::discover(&repo), None, "a pyproject without [tool.credlint] is passed over");
        std::fs::write(repo.join(PYPROJECT), "[project]\nname = \"x\"\n\n[tool.credlint]\nexclude = [\"a\"]\n")
            .unwrap();
        assert_eq!(Config::discover(&repo), Some(repo.join(PYPROJECT)));
        std::fs::write(repo.join("credlint.toml"), "").unwrap();
        assert_eq!(Config::discover(&repo), Some(repo.join("credlint.toml")));
        std::fs::write(repo.join(CONFIG_FILE_NAME), "").unwrap();
        assert_eq!(Config::discover(&repo), Some(repo.join(CONFIG_FILE_NAME)));
    }

    #[test]
    fn a_pyproject_table_is_a_config_with_errors_at_pyproject_lines() {
        let text = "[project]\nname = \"x\"\n\n[tool.ruff]\nline-length = 100\n\n[tool.credlint]\nexclude = [\"vendor/\"]\n\n[tool.credlint.rules]\nhardcoded-credential = \"off\"\n";
        let config = Config::parse(Path::new("pyproject.toml"), text).unwrap();
        assert_eq!(config.rule_settings["hardcoded-credential"], RuleSetting::Off);
        let bad = "[project]\nname = \"x\"\n\n[tool.credlint]\nexlcude = []\n";
        let message = format!("{:#}", Config::parse(Path::new("pyproject.toml"), bad).unwrap_err());
        assert!(message.contains("pyproject.toml:5"), "{message}");
    }

    #[test]
    fn rule_settings_parse() {
        let config = Config::parse(Path::new(".credlint.toml"), "[rules]\nhardcoded-credential = \"off\"\n").unwrap();
        assert_eq!(config.rule_settings["hardcoded-credential"], RuleSetting::Off);
        assert!(Config::parse(Path::new(".credlint.toml"), "[rules]\nx = \"loud\"\n").is_err());
    }
}
