//! `--format gitlab-codequality`: GitLab's Code Quality report (`gl-code-quality-report.json`),
//! which every GitLab tier shows in the merge request widget (the secret-detection report of
//! `--format gitlab` needs Ultimate).
//!
//! Owns the wire structs, the severity mapping and the fingerprints. GitLab reads a JSON array of
//! Code Climate issues and uses `description`, `check_name`, `fingerprint`, `severity`,
//! `location.path` and `location.lines.begin`, ignoring the rest of the Code Climate spec; each
//! issue also carries what that spec requires (`type: "issue"`, `categories`), so the file is a
//! valid Code Climate report too. No byte order mark (GitLab's parser refuses one).
//!
//! - `check_name`: the rule id.
//! - `severity`: `error` → `critical`, `warning` → `major`, `note` → `info`. `blocker` and `minor`
//!   are not used: the exit code is the gate, and `minor` reads as style.
//! - `fingerprint`: 32 hex digits (128 bits of SHA-256) of the rule, the file's URI and the
//!   finding's content key, plus an occurrence number among findings with the same key. The key
//!   is the baseline's idea, without the secret: a reference's name, the message for a finding
//!   with no credential, and for a literal the finding's line with every secret masked (never the
//!   value, nor a digest of it: the report is public), each with the connection. So a line
//!   inserted above a finding keeps its fingerprint, and two findings never share one.
//! - `description`: the message (already redacted) on one line: GitLab shows it as text, so the
//!   only escaping is [`escape::terminal`] for control characters, in [`issue`].
//! - `location.path`: relative to `CI_PROJECT_DIR` (else the working directory), forward slashes.
//!
//! Per-file problems have no place in the format: they make the exit code 2 and are counted in
//! the summary on stderr.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::sarif::uri;
use super::{escape, repo_path};
use crate::ScanOutcome;
use crate::finding::{CredentialKey, Finding, Severity};

/// The environment variable holding the checkout's root in a GitLab job.
const PROJECT_DIR_VAR: &str = "CI_PROJECT_DIR";
/// Seeds the fingerprints; bump it to re-key every issue on purpose.
const FINGERPRINT_DOMAIN: &str = "credlint/codequality/v1";

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'a str,
    description: String,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: String,
    engine_name: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn write(outcome: &ScanOutcome, out: &mut dyn Write) -> io::Result<()> {
    let mut occurrences: HashMap<[u8; 32], u32> = HashMap::new();
    let issues: Vec<Issue<'_>> = outcome
        .findings
        .iter()
        .map(|finding| {
            let key = content_key(outcome, finding);
            let occurrence = occurrences.entry(key).or_default();
            *occurrence += 1;
            issue(outcome, finding, fingerprint(&key, *occurrence))
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

fn issue<'a>(outcome: &ScanOutcome, finding: &'a Finding, fingerprint: String) -> Issue<'a> {
    let (start, end) = super::line_cols(outcome, &finding.primary.path, finding.primary.span);
    Issue {
        kind: "issue",
        check_name: &finding.rule,
        description: escape::terminal(&finding.message).into_owned(),
        categories: ["Security"],
        severity: severity(finding.severity),
        fingerprint,
        engine_name: "credlint",
        location: Location {
            path: repo_path(finding.reported_path(), Some(PROJECT_DIR_VAR)),
            lines: Lines { begin: start.line, end: end.line.max(start.line) },
        },
    }
}

pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Note => "info",
    }
}

/// SHA-256 of the rule, the file's URI, the credential as the baseline keys it but with no
/// secret in it, and the connection.
fn content_key(outcome: &ScanOutcome, finding: &Finding) -> [u8; 32] {
    let credential = match &finding.credential {
        CredentialKey::Name(name) => format!("ref:{name}"),
        // Not the value: the line it is on, masked (what SARIF's fingerprint hashes).
        CredentialKey::Literal(_) => format!("line:{}", super::masked_line(outcome, finding)),
        CredentialKey::None => format!("msg:{}", crate::history::message_without_removal(&finding.message)),
    };
    let connection = finding.connection.as_deref().unwrap_or_default();
    let mut hash = Sha256::new();
    // The repository path, never a commit: a history finding keeps its fingerprint.
    for part in [FINGERPRINT_DOMAIN, &finding.rule, &uri(finding.reported_path()), &credential, connection] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.finalize().into()
}

/// The key and the occurrence number, as 32 hex digits.
fn fingerprint(key: &[u8; 32], occurrence: u32) -> String {
    let digest = Sha256::new().chain_update(key).chain_update(occurrence.to_le_bytes()).finalize();
    digest.iter().take(16).map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_32_hex_digits_and_occurrences_differ() {
        let key = [7u8; 32];
        let first = fingerprint(&key, 1);
        assert_eq!(first.len(), 32);
        assert!(first.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(first, fingerprint(&key, 1));
        assert_ne!(first, fingerprint(&key, 2));
    }

    #[test]
    fn severities_are_code_climates() {
        assert_eq!(severity(Severity::Error), "critical");
        assert_eq!(severity(Severity::Warning), "major");
        assert_eq!(severity(Severity::Note), "info");
    }
}
