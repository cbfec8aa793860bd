//! Structured configuration, parsed as data: YAML, JSON, TOML, INI (and git config), Java
//! properties, XML and `.npmrc` become one model of key paths with exact spans (`model`), and the
//! credential rules (`rules`, with `context` for connections) are written once over that model.
//!
//! One small module per format: `yaml` (saphyr-parser events), `json` (hand-written), `toml` (the
//! `toml` crate's spanned parser), `ini`, `properties` and `npmrc` (hand-written line readers),
//! `xml` (quick-xml). None of them expands YAML aliases or XML entities, and all bound nesting.
//!
//! Called by `extract` for the config kinds; the catalogue's text patterns run on the same file
//! afterwards (URL userinfo and `Authorization` headers inside values are theirs), and `extract`
//! de-duplicates uses with the same secret span. When a parser rejects a file, the facts read
//! before the error are kept and the error is a [`ProblemKind::Unparsable`] note.

mod context;
mod ini;
mod json;
mod model;
mod npmrc;
mod properties;
mod rules;
mod toml;
mod xml;
mod yaml;

use crate::fact::{Facts, Problem, ProblemKind};
use crate::source::{FileKind, SourceFile};

/// A parser's complaint: what and where (a byte offset into the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub message: String,
    pub offset: usize,
}

/// Larger config files are read by the text patterns only. The model costs tens of bytes per byte
/// of a file dense with keys (500,000 `.properties` lines take 200 MB), and a config file this
/// big is generated data (a lockfile, a dump), not where credentials are written by hand.
const MAX_PARSED_BYTES: usize = 4 << 20;

pub fn extract(file: &SourceFile) -> Facts {
    let text: &str = &file.text;
    if text.len() > MAX_PARSED_BYTES && file.kind.is_structured_config() {
        let message = format!(
            "{}: {} bytes is over the {} bytes parsed as data; scanned with text patterns only",
            file.kind.name(),
            text.len(),
            MAX_PARSED_BYTES
        );
        return Facts { problems: vec![Problem { kind: ProblemKind::Unparsable, message }], ..Facts::default() };
    }
    let mut doc = model::Document::default();
    // The line formats never reject a file: whatever is not `key = value` is skipped.
    let (format, result) = match file.kind {
        FileKind::Yaml => ("yaml", yaml::parse(text, &mut doc)),
        FileKind::Json => ("json", json::parse(text, &mut doc)),
        FileKind::Toml => ("toml", toml::parse(text, &mut doc)),
        FileKind::Xml => ("xml", xml::parse(text, &mut doc)),
        FileKind::Ini => {
            ini::parse(text, &mut doc, ini::Dialect::Ini);
            ("ini", Ok(()))
        }
        FileKind::GitConfig => {
            ini::parse(text, &mut doc, ini::Dialect::Git);
            ("git-config", Ok(()))
        }
        FileKind::Properties => {
            properties::parse(text, &mut doc);
            ("properties", Ok(()))
        }
        FileKind::Npmrc => {
            npmrc::parse(text, &mut doc);
            ("npmrc", Ok(()))
        }
        _ => return Facts::default(),
    };
    doc.add_named_values(text);
    let file_name = file.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let extractor = format!("config-{format}");
    let uses = rules::Rules::new(&doc, text, &file_name, &extractor).run(file.kind == FileKind::Npmrc);
    let mut context_regions = context::service_job_regions(&doc, &file_name);
    context_regions.extend(context::compose_default_regions(&doc, &file_name));
    let mut facts = Facts { uses, context_regions, ..Facts::default() };
    if let Err(error) = result {
        let line = file.lines.line_of(error.offset.min(text.len())) + 1;
        let message = error.message.lines().next().unwrap_or("syntax error").trim().trim_end_matches('.');
        facts.problems.push(Problem {
            kind: ProblemKind::Unparsable,
            message: format!("{format}: {message} at line {line}; scanned with text patterns only"),
        });
    }
    facts
}

#[cfg(test)]
mod tests;
