//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other review tools.
//!
//! One run; every rule with full metadata (sorted, no duplicates; `helpUri` is the rule's page in
//! `docs/rules/`, see [`crate::rules::docs`], and its external references are in `help.markdown`);
//! one location per result with the other places of the problem as `relatedLocations` linked
//! from the message (GitHub shows a related location only when the message links it); UTF-16
//! columns; URIs relative to
//! `%SRCROOT%`; a versioned `credlint/v1` partial fingerprint that hashes the rule, the path and
//! the finding's *masked* line, never a secret; per-file problems as tool execution notifications.
//! Every `message.text` holds text from scanned files (keys, hosts, paths): it goes through
//! [`escape::sarif_text`] (no `[`/`]` that GitHub would read as a link, no control character) in
//! [`message`], and only credlint's own links to related locations stay unescaped.

use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value as Json, json};

use super::escape;
use crate::ScanOutcome;
use crate::finding::{Finding, Location, Severity};
use crate::rules::{Catalogue, Rule};
use crate::source::display_path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/credlint/credlint";
const FINGERPRINT_KEY: &str = "credlint/v1";

/// The results, built one at a time as the writer reaches them: a scan with 300,000 findings
/// never holds more than one result's JSON tree.
struct Results<'a> {
    outcome: &'a ScanOutcome,
    rules: &'a [&'a Rule],
}

impl serde::Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.outcome.findings.iter().map(|finding| {
            let index = self.rules.iter().position(|rule| rule.id == finding.rule).unwrap_or_default();
            result(self.outcome, finding, index)
        }))
    }
}

/// One run: the fields serialised in this order, `results` last and streamed.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Json,
    automation_details: Json,
    original_uri_base_ids: Json,
    column_kind: &'static str,
    invocations: Json,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_control_provenance: Option<Json>,
    results: Results<'a>,
}

#[derive(serde::Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

pub fn write(outcome: &ScanOutcome, catalogue: &Catalogue, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<&Rule> = catalogue.rules().collect();
    let notifications: Vec<Json> = outcome
        .problems
        .iter()
        .map(|problem| {
            json!({
                "level": if problem.problem.kind.is_error() { "error" } else { "note" },
                "message": message(&problem.problem.message, &[]),
                "locations": [{ "physicalLocation": { "artifactLocation": artifact(&problem.path) } }],
            })
        })
        .collect();
    let run = Run {
        tool: json!({ "driver": {
            "name": "credlint",
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": INFORMATION_URI,
            "rules": rules.iter().map(|rule| descriptor(rule)).collect::<Vec<_>>(),
        }}),
        automation_details: json!({ "id": "credlint/" }),
        original_uri_base_ids: json!({
            "%SRCROOT%": { "description": { "text": "The directory credlint was run from." } }
        }),
        column_kind: "utf16CodeUnits",
        invocations: json!([{
            "executionSuccessful": !outcome.has_errors(),
            "toolExecutionNotifications": notifications,
        }]),
        version_control_provenance: version_control(outcome).map(|details| json!([details])),
        results: Results { outcome, rules: &rules },
    };
    let log = Log { schema: SCHEMA, version: "2.1.0", runs: [run] };
    // Buffered: the results are written as they are made, in many small writes.
    let mut buffered = io::BufWriter::new(&mut *out);
    serde_json::to_writer_pretty(&mut buffered, &log)?;
    writeln!(buffered)?;
    buffered.flush()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn descriptor(rule: &Rule) -> Json {
    let mut tags = vec!["security".to_owned()];
    tags.extend(rule.cwe.iter().map(|cwe| format!("external/cwe/cwe-{cwe}")));
    tags.truncate(10);
    // credlint's own page of the rule; the external references stay in `help.markdown`.
    let help_uri = crate::rules::docs::url(&rule.id);
    let mut markdown = format!("{}\n\n**What to do:** {}\n", rule.description, rule.remediation);
    if !rule.references.is_empty() {
        markdown.push_str("\n**References:**\n");
        for reference in &rule.references {
            markdown.push_str(&format!("- <{reference}>\n"));
        }
    }
    json!({
        "id": &*rule.id,
        "name": rule.name,
        "shortDescription": { "text": limit(&rule.summary) },
        "fullDescription": { "text": limit(&rule.description) },
        "help": { "text": format!("{}\n\nWhat to do: {}", rule.description, rule.remediation), "markdown": markdown },
        "helpUri": help_uri,
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": tags,
            "precision": rule.precision,
            "security-severity": format!("{:.1}", rule.security_severity),
        },
    })
}

/// SARIF descriptions must stay within 1024 characters.
fn limit(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 1024 {
        return flat;
    }
    let cut: String = flat.chars().take(1021).collect();
    format!("{cut}...")
}

fn result(outcome: &ScanOutcome, finding: &Finding, rule_index: usize) -> Json {
    let related: Vec<Json> = finding
        .secondary
        .iter()
        .enumerate()
        .map(|(i, location)| {
            json!({
                "id": i + 1,
                "physicalLocation": physical(outcome, location),
                "message": message(&location.label, &[]),
            })
        })
        .collect();
    let labels: Vec<&str> = finding.secondary.iter().map(|location| location.label.as_str()).collect();
    let mut result = json!({
        "ruleId": &*finding.rule,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": message(&finding.message, &labels),
        "locations": [{ "physicalLocation": physical(outcome, &finding.primary) }],
        "relatedLocations": related,
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint(outcome, finding) },
    });
    let mut properties = serde_json::Map::new();
    if let Some(provenance) = &finding.provenance {
        properties.insert("introducedIn".to_owned(), json!(provenance.commit));
        if let Some(removed) = &provenance.removed_in {
            properties.insert("removedIn".to_owned(), json!(removed));
        }
    }
    if let Some(revoke) = finding.revoke {
        properties.insert("revoke".to_owned(), json!(revoke));
    }
    if !finding.also.is_empty() {
        // The other rules that matched this place: SARIF gives a result one rule, so they ride in
        // its property bag, their messages escaped like the result's own.
        let also: Vec<Json> = finding
            .also
            .iter()
            .map(|a| json!({ "ruleId": &*a.rule, "level": level(a.severity), "message": escape::sarif_text(&a.message) }))
            .collect();
        properties.insert("alsoMatched".to_owned(), Json::Array(also));
    }
    if let (false, Some(object)) = (properties.is_empty(), result.as_object_mut()) {
        object.insert("properties".to_owned(), Json::Object(properties));
    }
    result
}

/// The repository and revision `%SRCROOT%` holds, for a history scan whose repository has an
/// `origin` remote (SARIF requires `repositoryUri`): `run.versionControlProvenance`. Each
/// location in an older commit names that commit in its artifact location's `revisionId`
/// property, which is where SARIF lets a location carry what the run-level object cannot.
fn version_control(outcome: &ScanOutcome) -> Option<Json> {
    let history = outcome.history.as_ref()?;
    let repository = history.repository_uri.as_ref()?;
    let mut details = json!({ "repositoryUri": repository, "mappedTo": { "uriBaseId": "%SRCROOT%" } });
    if let (Some(head), Some(object)) = (&history.head, details.as_object_mut()) {
        object.insert("revisionId".to_owned(), json!(head));
    }
    Some(details)
}

/// A `message` object: `text` escaped, then a link to related location `i + 1` for each label.
fn message(text: &str, links: &[&str]) -> Json {
    let mut message = escape::sarif_text(text);
    if !links.is_empty() {
        let links: Vec<String> =
            links.iter().enumerate().map(|(i, label)| format!("[{}]({})", escape::sarif_text(label), i + 1)).collect();
        message.push_str(&format!("; see {}", links.join(", ")));
    }
    json!({ "text": message })
}

fn physical(outcome: &ScanOutcome, location: &Location) -> Json {
    let region = match outcome.sources.get(&*location.path) {
        Some(file) => {
            let start = file.lines.line_col_utf16(&file.text, location.span.start);
            let end = file.lines.line_col_utf16(&file.text, location.span.end);
            json!({ "startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": end.column })
        }
        None => json!({ "startLine": 1 }),
    };
    let mut artifact = artifact(super::file_path(outcome, &location.path));
    if let (Some(commit), Some(object)) = (super::commit_of(outcome, &location.path), artifact.as_object_mut()) {
        object.insert("properties".to_owned(), json!({ "revisionId": commit }));
    }
    json!({ "artifactLocation": artifact, "region": region })
}

fn artifact(path: &Path) -> Json {
    let uri = uri(path);
    if uri.starts_with("file:") {
        return json!({ "uri": uri });
    }
    json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
}

/// A relative, forward-slash, percent-encoded URI. Scanned files are named relative to the
/// repository root (`walk::PathDisplay`), which `%SRCROOT%` stands for; an absolute path (a file
/// outside that root) is made relative to the working directory when it lies below it, else it
/// is an absolute `file://` URI, never a relative one with `..`.
pub fn uri(path: &Path) -> String {
    let (prefix, relative) = if path.is_absolute() {
        let cwd = crate::walk::absolute(Path::new("."));
        match path.strip_prefix(&cwd) {
            Ok(relative) => ("", relative.to_path_buf()),
            Err(_) => ("file://", path.to_path_buf()),
        }
    } else {
        ("", path.to_path_buf())
    };
    let text = display_path(&relative);
    format!("{prefix}{}", percent_encoding::utf8_percent_encode(&text, URI_KEPT))
}

/// Everything but RFC 3986's unreserved characters and `/` is encoded, with upper-case hex: the
/// baselines key on these URIs, so this set must not change.
const URI_KEPT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

/// A stable fingerprint: the rule, the path and the finding's line with secrets masked and white
/// space folded, hashed with FNV-1a (stable across platforms and versions, unlike `std`'s hasher).
fn fingerprint(outcome: &ScanOutcome, finding: &Finding) -> String {
    let context = super::masked_line(outcome, finding);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    // The repository path, never the commit: a finding keeps its fingerprint across history.
    for part in [&*finding.rule, &uri(finding.reported_path()), &context] {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_percent_encoded() {
        assert_eq!(uri(Path::new("src/my file#1.py")), "src/my%20file%231.py");
        assert_eq!(uri(Path::new("./a/b.sh")), "a/b.sh");
        assert_eq!(uri(Path::new("a-b_c.d~e/%+é:?[@]")), "a-b_c.d~e/%25%2B%C3%A9%3A%3F%5B%40%5D");
    }

    #[test]
    fn only_links_to_related_locations_are_links() {
        let message = message("shared by [x](javascript:y)", &["job [deploy]"]);
        assert_eq!(message["text"], "shared by \\[x\\](javascript:y); see [job \\[deploy\\]](1)");
    }
}
