//! `--format gitlab`: GitLab's secret-detection report (`gl-secret-detection-report.json`, security
//! report schema 15.0.x), for the merge request widget and the vulnerability report.
//!
//! Owns the wire structs of that schema (separate from the internal types, as in `json`), the
//! severity mapping and the vulnerability ids. Every vulnerability carries:
//! - `id`: a UUID-shaped 128-bit FNV-1a hash of the rule, the file's URI and the finding's line
//!   *with secrets masked* (the idea of SARIF's `credlint/v1` fingerprint), plus an occurrence
//!   number when one line holds the same rule twice. Stable across runs and line moves elsewhere in
//!   the file; never derived from a bare secret.
//! - `severity` from the rule's `security_severity` (GitHub's bands: > 9 Critical, ≥ 7 High, ≥ 4
//!   Medium, else Low), moved one band per step the finding's severity differs from the rule's
//!   default (test and documentation paths are downgraded; config overrides move it either way).
//! - `identifiers`: `credlint_rule_id` first (GitLab's primary identifier), then the rule's CWEs.
//! - `location` with `commit.sha`: the commit that introduced the blob for `scan --history`, else
//!   `"0000000"` (the working tree has no commit).
//!
//! Schema 15 removed `vulnerabilities[].category` (and `message`, `cve`, `confidence`,
//! `scanner`); GitLab refuses a report that does not validate, so none is written: `scan.type`
//! says `secret_detection`. No `raw_source_code_extract`: only the redacted secret appears, in the
//! description. The description is Markdown: what came from a scanned file goes into it through
//! [`escape::markdown_code`] (locations, the redacted secret) or [`escape::markdown_text`]
//! (messages, labels, reasons), all in [`vulnerability`]; only the rule's own documentation is
//! Markdown on purpose. Per-file problems become `scan.messages`; an unreadable file makes the status
//! `failure`. `start_time` and `end_time` are when the report is written (`SOURCE_DATE_EPOCH`, if
//! set, for reproducible output), in the schema's `YYYY-MM-DDTHH:MM:SS` UTC form.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use super::sarif::uri;
use super::{escape, repo_path};
use crate::ScanOutcome;
use crate::finding::{Finding, Severity};
use crate::rules::{Catalogue, Rule};

/// The schema version written; every field used exists unchanged since 15.0.0.
pub const SCHEMA_VERSION: &str = "15.0.7";
const SCHEMA_URL: &str = "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v15.0.7/dist/secret-detection-report-format.json";
const INFORMATION_URI: &str = "https://github.com/credlint/credlint";
/// The environment variable holding the checkout's root in a GitLab job.
const PROJECT_DIR_VAR: &str = "CI_PROJECT_DIR";
/// Seeds the vulnerability ids; bump it to re-key every vulnerability on purpose.
const ID_DOMAIN: &str = "credlint/gitlab/v1";

#[derive(Serialize)]
struct Report<'a> {
    version: &'static str,
    schema: &'static str,
    scan: Scan,
    vulnerabilities: Vec<Vulnerability<'a>>,
}

#[derive(Serialize)]
struct Scan {
    analyzer: Component,
    scanner: Component,
    #[serde(rename = "type")]
    kind: &'static str,
    start_time: String,
    end_time: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    messages: Vec<Message>,
}

#[derive(Serialize)]
struct Component {
    id: &'static str,
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'static str>,
    version: &'static str,
    vendor: Vendor,
}

#[derive(Serialize)]
struct Vendor {
    name: &'static str,
}

#[derive(Serialize)]
struct Message {
    level: &'static str,
    value: String,
}

#[derive(Serialize)]
struct Vulnerability<'a> {
    id: String,
    name: String,
    description: String,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    solution: Option<String>,
    identifiers: Vec<Identifier>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    links: Vec<Link<'a>>,
    location: SecretLocation,
}

#[derive(Serialize)]
struct Identifier {
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Link<'a> {
    url: &'a str,
}

#[derive(Serialize)]
struct SecretLocation {
    file: String,
    start_line: usize,
    end_line: usize,
    commit: Commit,
}

#[derive(Serialize)]
struct Commit {
    sha: String,
}

pub fn write(outcome: &ScanOutcome, catalogue: &Catalogue, out: &mut dyn Write) -> io::Result<()> {
    let now = timestamp(report_time());
    let tool = |url| Component {
        id: "credlint",
        name: "credlint",
        url,
        version: env!("CARGO_PKG_VERSION"),
        vendor: Vendor { name: "credlint" },
    };
    let mut occurrences: HashMap<u128, u32> = HashMap::new();
    let vulnerabilities = outcome
        .findings
        .iter()
        .map(|finding| {
            let key = fingerprint(outcome, finding);
            let occurrence = occurrences.entry(key).or_default();
            *occurrence += 1;
            vulnerability(outcome, catalogue.rule(&finding.rule), finding, id(key, *occurrence))
        })
        .collect();
    let messages = outcome
        .problems
        .iter()
        .map(|problem| Message {
            level: if problem.problem.kind.is_error() { "warn" } else { "info" },
            value: escape::terminal(&format!(
                "{}: {}",
                repo_path(&problem.path, Some(PROJECT_DIR_VAR)),
                problem.problem.message
            ))
            .into_owned(),
        })
        .collect();
    let report = Report {
        version: SCHEMA_VERSION,
        schema: SCHEMA_URL,
        scan: Scan {
            analyzer: tool(None),
            scanner: tool(Some(INFORMATION_URI)),
            kind: "secret_detection",
            start_time: now.clone(),
            end_time: now,
            status: if outcome.has_errors() { "failure" } else { "success" },
            messages,
        },
        vulnerabilities,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

fn vulnerability<'a>(
    outcome: &ScanOutcome,
    rule: Option<&'a Rule>,
    finding: &Finding,
    id: String,
) -> Vulnerability<'a> {
    let file = repo_path(finding.reported_path(), Some(PROJECT_DIR_VAR));
    let (start, end) = super::line_cols(outcome, &finding.primary.path, finding.primary.span);
    let (code, text) = (escape::markdown_code, escape::markdown_text);
    let mut description =
        format!("{} ({}", text(&finding.message), code(&format!("{file}:{}:{}", start.line, start.column)));
    if !finding.primary.label.is_empty() {
        description.push_str(&format!(", {}", text(&finding.primary.label)));
    }
    description.push_str(").");
    if let Some(provenance) = &finding.provenance {
        description.push_str(&format!("\n\nIntroduced in commit {}.", code(&provenance.commit)));
        if let Some(removed) = &provenance.removed_in {
            description.push_str(&format!(
                " Removed from the tree in commit {}, but still valid until revoked: revoke it, deleting is not enough.",
                code(removed)
            ));
        }
    }
    if let Some(secret) = &finding.redacted {
        description.push_str(&format!("\n\nSecret (redacted): {}", code(secret)));
    }
    if let Some(reason) = &finding.reason {
        description.push_str(&format!("\n\nWhy: {}", text(reason)));
    }
    if !finding.secondary.is_empty() {
        description.push_str("\n\nRelated locations:");
        for location in &finding.secondary {
            let (at, _) = super::line_cols(outcome, &location.path, location.span);
            let mut path = repo_path(super::file_path(outcome, &location.path), Some(PROJECT_DIR_VAR));
            if let Some(commit) = super::commit_of(outcome, &location.path) {
                path = format!("{}:{path}", super::short(commit));
            }
            let place = code(&format!("{path}:{}:{}", at.line, at.column));
            description.push_str(&format!("\n- {place} {}", text(&location.label)));
        }
    }
    if let Some(rule) = rule {
        description.push_str(&format!("\n\n{}", rule.description.trim()));
    }
    let mut identifiers = vec![Identifier {
        kind: "credlint_rule_id",
        name: format!("credlint rule {}", finding.rule),
        value: finding.rule.to_string(),
        url: None,
    }];
    identifiers.extend(rule.into_iter().flat_map(|rule| &rule.cwe).map(|cwe| Identifier {
        kind: "cwe",
        name: format!("CWE-{cwe}"),
        value: cwe.to_string(),
        url: Some(format!("https://cwe.mitre.org/data/definitions/{cwe}.html")),
    }));
    Vulnerability {
        id,
        name: limit(rule.map_or(&*finding.rule, |rule| rule.summary.as_str()), 255),
        description: limit(&description, 1 << 20),
        severity: severity(rule, finding.severity),
        solution: rule.map(|rule| limit(rule.remediation.trim(), 7000)),
        identifiers,
        links: rule.into_iter().flat_map(|rule| &rule.references).map(|url| Link { url }).collect(),
        location: SecretLocation {
            file,
            start_line: start.line,
            end_line: end.line.max(start.line),
            // The working tree has no commit: GitLab's placeholder. History names the blob's.
            commit: Commit {
                sha: finding.provenance.as_ref().map_or_else(|| "0000000".to_owned(), |p| p.commit.clone()),
            },
        },
    }
}

const SEVERITIES: [&str; 5] = ["Info", "Low", "Medium", "High", "Critical"];

/// The rule's band, moved one step per level the finding's severity differs from the rule's
/// default; a rule the catalogue does not know maps the finding's severity alone.
fn severity(rule: Option<&Rule>, severity: Severity) -> &'static str {
    let rank = |severity: Severity| match severity {
        Severity::Note => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    };
    let band: i32 = match rule {
        Some(rule) if rule.security_severity > 9.0 => 4,
        Some(rule) if rule.security_severity >= 7.0 => 3,
        Some(rule) if rule.security_severity >= 4.0 => 2,
        Some(_) => 1,
        None => 3,
    };
    let default = rule.map_or(Severity::Error, |rule| rule.severity);
    let index = (band + rank(severity) - rank(default)).clamp(0, 4);
    SEVERITIES[index as usize]
}

/// The rule, the file's URI and the finding's line with secrets masked and white space folded
/// (what SARIF's fingerprint hashes), as a 128-bit FNV-1a hash.
fn fingerprint(outcome: &ScanOutcome, finding: &Finding) -> u128 {
    let context = super::masked_line(outcome, finding);
    let mut hash: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for part in [ID_DOMAIN, &finding.rule, &uri(finding.reported_path()), &context] {
        for byte in part.bytes().chain([0]) {
            hash ^= u128::from(byte);
            hash = hash.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
        }
    }
    hash
}

/// The fingerprint (mixed with the occurrence number after the first) as an RFC 9562 version 8
/// UUID: custom data, with the version and variant bits set.
fn id(fingerprint: u128, occurrence: u32) -> String {
    let mut hash = fingerprint;
    if occurrence > 1 {
        for byte in occurrence.to_le_bytes() {
            hash ^= u128::from(byte);
            hash = hash.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
        }
    }
    // Deterministic on purpose (not v4): the same finding keeps its id across runs.
    uuid::Builder::from_custom_bytes(hash.to_be_bytes()).into_uuid().hyphenated().to_string()
}

/// At most `max` characters (the schema's limits on `name`, `description` and `solution`).
fn limit(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}

/// When the report is written: `SOURCE_DATE_EPOCH` (seconds since the Unix epoch, reproducible
/// builds' convention) when set and in range, else the system clock.
fn report_time() -> jiff::Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|value| value.trim().parse().ok())
        .and_then(|seconds| jiff::Timestamp::from_second(seconds).ok())
        .unwrap_or_else(jiff::Timestamp::now)
}

/// `YYYY-MM-DDTHH:MM:SS` in UTC: the only form the schema's `start_time` pattern accepts.
fn timestamp(time: jiff::Timestamp) -> String {
    jiff::tz::Offset::UTC.to_datetime(time).strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_the_schema_form() {
        let at = |seconds| timestamp(jiff::Timestamp::from_second(seconds).unwrap());
        assert_eq!(at(0), "1970-01-01T00:00:00");
        assert_eq!(at(951_827_696), "2000-02-29T12:34:56");
        assert_eq!(at(1_767_225_599), "2025-12-31T23:59:59");
        assert_eq!(timestamp(jiff::Timestamp::constant(1_767_225_599, 999_999_999)), "2025-12-31T23:59:59");
    }

    #[test]
    fn ids_are_version_8_uuids_and_occurrences_differ() {
        let first = id(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef, 1);
        assert_eq!(first, "01234567-89ab-8def-8123-456789abcdef");
        let second = id(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef, 2);
        assert_ne!(first, second);
        assert_eq!(&second[14..15], "8");
    }

    #[test]
    fn severities_follow_the_band_and_the_finding() {
        let catalogue = Catalogue::embedded().unwrap();
        let basic = catalogue.rule("basic-auth-password").unwrap();
        assert_eq!(severity(Some(basic), Severity::Error), "High");
        assert_eq!(severity(Some(basic), Severity::Warning), "Medium");
        assert_eq!(severity(Some(basic), Severity::Note), "Low");
        let shared = catalogue.rule("shared-credential").unwrap();
        assert_eq!(severity(Some(shared), Severity::Warning), "Medium");
        assert_eq!(severity(Some(shared), Severity::Error), "High");
        assert_eq!(severity(None, Severity::Note), "Low");
    }

    #[test]
    fn limits_count_characters() {
        assert_eq!(limit("ééé", 2), "éé");
        assert_eq!(limit("ab", 5), "ab");
    }
}
