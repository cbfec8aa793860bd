//! Baselines: today's findings, written once, so a CI gate reports only new ones.
//!
//! A finding's key is its content, not its line: the rule, the file, the credential (a reference's
//! name, or a salted and truncated SHA-256 of a literal) and the connection. Moving code keeps a
//! finding known; changing the secret on a known line makes it new. The file holds no secret and
//! no unsalted hash, is sorted and has no timestamps, and keeps its salt when rewritten, so
//! regenerating it causes no merge churn.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::finding::{CredentialKey, Finding};

pub const DEFAULT_BASELINE_FILE: &str = ".credlint-baseline.json";
const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    /// `ref:NAME`, `lit:<8 hex digits of SHA-256(salt, value)>`, or `msg:<message>`.
    pub credential: String,
    pub connection: String,
    /// How many findings share this key (the same credential used twice in one file).
    pub count: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// Per-baseline salt for literal hashes.
    pub salt: String,
    pub findings: Vec<Entry>,
}

impl Baseline {
    pub fn load(path: &Path) -> anyhow::Result<Baseline> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read baseline {}", path.display()))?;
        let baseline: Baseline =
            serde_json::from_str(&text).with_context(|| format!("{}: not a credlint baseline", path.display()))?;
        if baseline.version != VERSION {
            bail!("{}: baseline version {} is not supported (expected {VERSION})", path.display(), baseline.version);
        }
        Ok(baseline)
    }

    /// A baseline of `findings`, reusing `salt` when an earlier baseline had one.
    pub fn of(findings: &[Finding], salt: Option<String>) -> Baseline {
        let salt = salt.unwrap_or_else(fresh_salt);
        let mut counts: BTreeMap<(String, String, String, String), usize> = BTreeMap::new();
        for finding in findings {
            *counts.entry(key(finding, &salt)).or_default() += 1;
        }
        let findings = counts
            .into_iter()
            .map(|((rule, path, credential, connection), count)| Entry { rule, path, credential, connection, count })
            .collect();
        Baseline { version: VERSION, salt, findings }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Removes the findings the baseline knows; returns how many.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> usize {
        let mut remaining: BTreeMap<(String, String, String, String), usize> = self
            .findings
            .iter()
            .map(|e| ((e.rule.clone(), e.path.clone(), e.credential.clone(), e.connection.clone()), e.count))
            .collect();
        let before = findings.len();
        findings.retain(|finding| match remaining.get_mut(&key(finding, &self.salt)) {
            Some(count) if *count > 0 => {
                *count -= 1;
                false
            }
            _ => true,
        });
        before - findings.len()
    }
}

fn key(finding: &Finding, salt: &str) -> (String, String, String, String) {
    let credential = match &finding.credential {
        CredentialKey::Name(name) => format!("ref:{name}"),
        CredentialKey::Literal(value) => {
            let digest =
                Sha256::new().chain_update(salt.as_bytes()).chain_update([0]).chain_update(value.as_bytes()).finalize();
            // Eight hex digits: enough to tell a changed secret from a known one, too few to
            // confirm a guess of a short password against the file.
            let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
            format!("lit:{hex}")
        }
        CredentialKey::None => format!("msg:{}", crate::history::message_without_removal(&finding.message)),
    };
    (
        finding.rule.to_string(),
        // The repository path, never a commit: a history rewrite must not make findings new.
        crate::report::sarif::uri(finding.reported_path()),
        credential,
        finding.connection.clone().unwrap_or_default(),
    )
}

fn fresh_salt() -> String {
    use std::hash::{BuildHasher, RandomState};
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let a = RandomState::new().hash_one(now);
    let b = RandomState::new().hash_one(a);
    format!("{a:016x}{b:016x}")
}
