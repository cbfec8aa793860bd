//! Baselines: today's findings, written once, so a CI gate reports only new ones.
//!
//! A finding's key is its content, not its line: the rule, the file, the credential (a reference's
//! name, or a digest of a literal) and the connection. Moving code keeps a finding known; changing
//! the secret on a known line makes it new. The file holds no secret, is sorted and has no
//! timestamps, and keeps its salt when rewritten, so regenerating it causes no merge churn.
//!
//! The file is public (it is committed), so it must not be an oracle for the secrets it stands
//! for. A literal's digest is PBKDF2-HMAC-SHA-256 of the value under the file's salt, stretched
//! over [`ROUNDS`] rounds and cut to [`DIGEST_BITS`] bits. The cut is what protects a human
//! password: whatever an attacker spends, one in 65,536 wrong guesses matches too, so a dictionary
//! of 10^7 candidates leaves about 150 per entry and confirms none; the stretching makes each
//! guess cost about as much as a millisecond of a core. A literal has one digest whatever rule,
//! file or connection it appears with, so two entries for one secret give no more than one. The
//! price is that a changed secret keeps its old digest once in 65,536 changes.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// PBKDF2 rounds for a literal's digest.
pub const ROUNDS: u32 = 10_000;
/// The bits of a literal's digest kept in the file (four hex digits).
pub const DIGEST_BITS: u32 = 16;

use crate::finding::{CredentialKey, Finding};

pub const DEFAULT_BASELINE_FILE: &str = ".credlint-baseline.json";
/// Version 2: stretched 16-bit literal digests. Version 1 (8 hex digits of a salted SHA-256) is
/// still read, so a gate keeps working until the baseline is regenerated.
const VERSION: u32 = 2;
const LEGACY_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    /// `ref:NAME`, `lit:<4 hex digits of PBKDF2(value, salt)>`, or `msg:<message>`.
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
        if baseline.version != VERSION && baseline.version != LEGACY_VERSION {
            bail!("{}: baseline version {} is not supported (expected {VERSION})", path.display(), baseline.version);
        }
        Ok(baseline)
    }

    /// A baseline of `findings`, reusing `salt` when an earlier baseline had one.
    pub fn of(findings: &[Finding], salt: Option<String>) -> Baseline {
        let salt = salt.unwrap_or_else(fresh_salt);
        let mut digests = Digests::new(&salt, VERSION);
        let mut counts: BTreeMap<(String, String, String, String), usize> = BTreeMap::new();
        for finding in findings {
            *counts.entry(key(finding, &mut digests)).or_default() += 1;
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
        let mut digests = Digests::new(&self.salt, self.version);
        findings.retain(|finding| match remaining.get_mut(&key(finding, &mut digests)) {
            Some(count) if *count > 0 => {
                *count -= 1;
                false
            }
            _ => true,
        });
        before - findings.len()
    }
}

/// Literal digests under one salt, each computed once per distinct value (stretching is slow on
/// purpose).
struct Digests<'a> {
    salt: &'a str,
    version: u32,
    known: HashMap<std::sync::Arc<str>, String>,
}

impl<'a> Digests<'a> {
    fn new(salt: &'a str, version: u32) -> Self {
        Digests { salt, version, known: HashMap::new() }
    }

    fn of(&mut self, value: &std::sync::Arc<str>) -> String {
        if let Some(digest) = self.known.get(value) {
            return digest.clone();
        }
        let digest = if self.version == LEGACY_VERSION {
            legacy_digest(self.salt, value)
        } else {
            literal_digest(self.salt, value)
        };
        self.known.insert(value.clone(), digest.clone());
        digest
    }
}

/// The digest a version-2 baseline keeps of a literal: [`DIGEST_BITS`] bits of
/// PBKDF2-HMAC-SHA-256 over [`ROUNDS`] rounds, as hex.
pub fn literal_digest(salt: &str, value: &str) -> String {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(value.as_bytes(), salt.as_bytes(), ROUNDS, &mut out);
    let kept = (DIGEST_BITS / 8) as usize;
    out.iter().take(kept).map(|b| format!("{b:02x}")).collect()
}

/// Version 1's digest: eight hex digits of SHA-256(salt, 0, value). Read only, never written.
fn legacy_digest(salt: &str, value: &str) -> String {
    let digest =
        Sha256::new().chain_update(salt.as_bytes()).chain_update([0]).chain_update(value.as_bytes()).finalize();
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

fn key(finding: &Finding, digests: &mut Digests<'_>) -> (String, String, String, String) {
    let credential = match &finding.credential {
        CredentialKey::Name(name) => format!("ref:{name}"),
        CredentialKey::Literal(value) => format!("lit:{}", digests.of(value)),
        CredentialKey::None => format!("msg:{}", crate::history::message_without_removal(&finding.message)),
    };
    (
        finding.rule.to_string(),
        // The repository path, never a commit: a history rewrite must not make findings new.
        crate::report::sarif::uri(finding.reported_path()),
        credential,
        finding.connection.as_deref().unwrap_or_default().to_owned(),
    )
}

/// 128 bits from the operating system's random source. If it fails (it does not on the systems
/// credlint runs on), the time and the process id make a salt that still differs per baseline.
fn fresh_salt() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let digest =
            Sha256::new().chain_update(now.to_le_bytes()).chain_update(std::process::id().to_le_bytes()).finalize();
        bytes.copy_from_slice(&digest[..16]);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_digest_is_four_hex_digits_that_depend_on_salt_and_value() {
        let a = literal_digest("salt-a", "Summer2024!");
        assert_eq!(a.len(), 4);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a, literal_digest("salt-a", "Summer2024!"));
        // Over 64 salts, a 16-bit digest of one value takes many values: it is keyed by the salt.
        let distinct: std::collections::BTreeSet<_> = (0..32).map(|i| literal_digest(&format!("s{i}"), "x")).collect();
        assert!(distinct.len() >= 31, "{}", distinct.len());
    }

    #[test]
    fn digests_spread_over_their_sixteen_bits() {
        // A guess matches an entry one time in 65,536, right or wrong, only if digests spread
        // evenly: 100 values under one salt give (almost) 100 distinct digests.
        let salt = "0123456789abcdef0123456789abcdef";
        let distinct: std::collections::BTreeSet<_> =
            (0..100).map(|i| literal_digest(salt, &format!("guess{i}"))).collect();
        assert!(distinct.len() >= 98, "{}", distinct.len());
    }

    #[test]
    fn version_one_baselines_are_still_read() {
        let salt = "00112233445566778899aabbccddeeff";
        let mut digests = Digests::new(salt, LEGACY_VERSION);
        let value: std::sync::Arc<str> = "Summer2024!".into();
        assert_eq!(digests.of(&value), legacy_digest(salt, "Summer2024!"));
        assert_eq!(digests.of(&value).len(), 8);
    }
}
