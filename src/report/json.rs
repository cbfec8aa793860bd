//! `--format json`: a versioned wire schema, separate from the internal types so that refactoring
//! never changes the output. Bump [`SCHEMA_VERSION`] on any incompatible change.

use std::io::{self, Write};

use serde::Serialize;

use super::{Summary, line_cols};
use crate::ScanOutcome;
use crate::source::display_path;
use crate::span::LineCol;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    problems: Vec<JsonProblem<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    path: String,
    /// History scans: the commit that introduced the blob this location is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
    start: LineCol,
    end: LineCol,
    byte_range: [usize; 2],
    label: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    /// Every rule that matched this place: `rule` first, then those folded into it.
    rules: Vec<&'a str>,
    severity: &'a str,
    message: &'a str,
    location: JsonLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    connection: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    /// History scans: the commit after which the credential appears nowhere in HEAD's tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    removed_in: Option<&'a str>,
    /// The context of the finding's place (production, test, development, example, template) and
    /// the convention or fact that decided it.
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'a crate::finding::FindingContext>,
    /// The other rules that matched this place, with what each said (`rules` lists their ids).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    also: Vec<JsonAlso<'a>>,
    /// Where the token's owner revokes it (the token catalogue's page for its format).
    #[serde(skip_serializing_if = "Option::is_none")]
    revoke: Option<&'static str>,
    related: Vec<JsonLocation<'a>>,
}

#[derive(Serialize)]
struct JsonAlso<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    path: String,
    kind: crate::fact::ProblemKind,
    message: &'a str,
}

pub fn write<'a>(outcome: &'a ScanOutcome, out: &mut dyn Write) -> io::Result<()> {
    let location = |loc: &'a crate::finding::Location| {
        let (start, end) = line_cols(outcome, &loc.path, loc.span);
        JsonLocation {
            path: display_path(super::file_path(outcome, &loc.path)),
            commit: super::commit_of(outcome, &loc.path),
            start,
            end,
            byte_range: [loc.span.start, loc.span.end],
            label: "",
        }
    };
    let findings = outcome
        .findings
        .iter()
        .map(|finding| JsonFinding {
            rule: &finding.rule,
            rules: std::iter::once(&*finding.rule).chain(finding.also.iter().map(|a| &*a.rule)).collect(),
            severity: finding.severity.as_str(),
            message: &finding.message,
            location: JsonLocation { label: &finding.primary.label, ..location(&finding.primary) },
            secret: finding.redacted.as_deref(),
            connection: finding.connection.as_deref(),
            reason: finding.reason.as_deref(),
            removed_in: finding.provenance.as_ref().and_then(|p| p.removed_in.as_deref()),
            context: finding.context.as_ref(),
            also: finding
                .also
                .iter()
                .map(|a| JsonAlso {
                    rule: &a.rule,
                    severity: a.severity.as_str(),
                    message: &a.message,
                    reason: a.reason.as_deref(),
                })
                .collect(),
            revoke: finding.revoke,
            related: finding.secondary.iter().map(|loc| JsonLocation { label: &loc.label, ..location(loc) }).collect(),
        })
        .collect();
    let problems = outcome
        .problems
        .iter()
        .map(|p| JsonProblem { path: display_path(&p.path), kind: p.problem.kind, message: &p.problem.message })
        .collect();
    let report = Report {
        version: SCHEMA_VERSION,
        tool: Tool { name: "credlint", version: env!("CARGO_PKG_VERSION") },
        findings,
        problems,
        summary: Summary::of(outcome),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
