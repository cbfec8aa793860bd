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
use crate::span::Span;

/// A parser's complaint: what and where (a byte offset into the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub message: String,
    pub offset: usize,
}

/// The most of a config file parsed as one model. The model costs tens of bytes per byte of a
/// file dense with keys (500,000 `.properties` lines take 200 MB), so a larger file is parsed in
/// pieces of at most this size, each its own model: line formats at line boundaries (INI and git
/// config at section headers where they can), a YAML stream at its `---` documents. A single
/// JSON value or YAML document over this size is read by the text patterns only, and says so.
const MAX_PARSED_BYTES: usize = 4 << 20;

/// A file written inside a config value: a multi-line string under a key that names a file
/// (`config.ini: |` in a Kubernetes Secret or ConfigMap) or beside a `dest`/`path` naming one
/// (Ansible's `copy: {dest: …/app.properties, content: |}`): its kind and its lines' span.
pub type Embedded = (FileKind, Span);

/// The facts of a config file, and the files written inside its values (read by the caller with
/// their own kind's readers).
pub fn extract(file: &SourceFile) -> (Facts, Vec<Embedded>) {
    let text: &str = &file.text;
    if text.len() <= MAX_PARSED_BYTES {
        return extract_piece(file, 0..text.len());
    }
    if !file.kind.is_structured_config() {
        return (Facts::default(), Vec::new());
    }
    let Some(pieces) = pieces(text, file.kind, MAX_PARSED_BYTES) else {
        let message = format!(
            "{}: one {} document of {} bytes is over the {} bytes parsed as data; scanned with text patterns only",
            file.kind.name(),
            file.kind.name(),
            text.len(),
            MAX_PARSED_BYTES
        );
        let facts = Facts { problems: vec![Problem { kind: ProblemKind::Unparsable, message }], ..Facts::default() };
        return (facts, Vec::new());
    };
    let mut facts = Facts::default();
    let mut embedded = Vec::new();
    for piece in pieces {
        let (found, inside) = extract_piece(file, piece);
        facts.uses.extend(found.uses);
        facts.context_regions.extend(found.context_regions);
        facts.problems.extend(found.problems);
        embedded.extend(inside);
    }
    (facts, embedded)
}

/// The raw spans (inside the quotes) of the source strings of each code cell of a Jupyter
/// notebook, cell by cell, in order; `None` when the text is no JSON notebook.
pub(crate) fn notebook_code_strings(text: &str) -> Option<Vec<Vec<Span>>> {
    let mut doc = model::Document::default();
    json::parse(text, &mut doc).ok()?;
    let root = *doc.roots().first()?;
    let cells = doc.child(root, "cells")?;
    let mut code = Vec::new();
    for &cell in doc.children_of(cells) {
        if doc.text(cell, "cell_type") != Some("code") {
            continue;
        }
        let spans = match doc.child(cell, "source") {
            // `"source": ["line\n", …]`
            Some(lines) => doc.entries_of(lines).iter().map(|&e| doc.entries[e].value_span).collect(),
            // `"source": "the whole cell"`
            None => doc.find(cell, &["source"]).map(|e| vec![e.value_span]).unwrap_or_default(),
        };
        code.push(spans);
    }
    Some(code)
}

/// Where a config file too big for one model can be cut into pieces of at most `max` bytes
/// (a piece holding one line or document longer than that is longer); `None` for a file whose
/// format has no such place (JSON, TOML, XML, one YAML document).
fn pieces(text: &str, kind: FileKind, max: usize) -> Option<Vec<std::ops::Range<usize>>> {
    // The offsets a piece may start at, ascending.
    let starts: Vec<usize> = match kind {
        FileKind::Properties | FileKind::Npmrc => line_starts(text).collect(),
        FileKind::Ini | FileKind::GitConfig => {
            let sections: Vec<usize> = line_starts(text).filter(|&i| text[i..].starts_with('[')).collect();
            // A section bigger than a piece is cut at its lines (its later keys lose the header).
            let bounds: Vec<usize> = std::iter::once(0).chain(sections.iter().copied()).chain([text.len()]).collect();
            if bounds.windows(2).all(|w| w[1] - w[0] <= max) { sections } else { line_starts(text).collect() }
        }
        FileKind::Yaml => line_starts(text)
            .filter(|&i| {
                let line = text[i..].split('\n').next().unwrap_or("");
                line.trim_end() == "---" || line.starts_with("--- ")
            })
            .collect(),
        _ => return None,
    };
    let mut pieces = Vec::new();
    let mut begin = 0;
    let mut last_cut = 0;
    for &at in starts.iter().filter(|&&at| at > 0) {
        if at - begin > max && last_cut > begin {
            pieces.push(begin..last_cut);
            begin = last_cut;
        }
        last_cut = at;
    }
    if text.len() - begin > max && last_cut > begin {
        pieces.push(begin..last_cut);
        begin = last_cut;
    }
    pieces.push(begin..text.len());
    // A YAML file with one document too big is not cut.
    (pieces.len() > 1 || kind != FileKind::Yaml).then_some(pieces)
}

/// The offset of every line's start but the first.
fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.match_indices('\n').map(|(i, _)| i + 1).filter(move |&i| i < text.len())
}

/// The facts of `text[piece]`, parsed as its own document, with spans into the whole file.
fn extract_piece(file: &SourceFile, piece: std::ops::Range<usize>) -> (Facts, Vec<Embedded>) {
    let whole: &str = &file.text;
    let offset = piece.start;
    let text = &whole[piece];
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
        _ => return (Facts::default(), Vec::new()),
    };
    if offset > 0 {
        doc.map_spans(|span| Span::new(span.start + offset, span.end + offset));
    }
    doc.add_named_values(whole);
    let file_name = file.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let extractor = format!("config-{format}");
    let uses = rules::Rules::new(&doc, whole, &file_name, &extractor).run(file.kind == FileKind::Npmrc);
    let mut context_regions = context::service_job_regions(&doc, &file_name);
    context_regions.extend(context::compose_default_regions(&doc, &file_name));
    let mut facts = Facts { uses, context_regions, ..Facts::default() };
    if let Err(error) = result {
        let line = file.lines.line_of((error.offset + offset).min(whole.len())) + 1;
        let message = error.message.lines().next().unwrap_or("syntax error").trim().trim_end_matches('.');
        facts.problems.push(Problem {
            kind: ProblemKind::Unparsable,
            message: format!("{format}: {message} at line {line}; scanned with text patterns only"),
        });
    }
    let embedded = embedded_files(&doc, whole);
    (facts, embedded)
}

/// The files written inside `doc`'s multi-line string values (see [`Embedded`]).
fn embedded_files(doc: &model::Document, text: &str) -> Vec<Embedded> {
    let kind_of = |name: &str| {
        let name = name.trim();
        (!name.is_empty() && !name.contains('\n'))
            .then(|| FileKind::detect(std::path::Path::new(name)))
            .flatten()
            .filter(|kind| !matches!(kind, FileKind::Text | FileKind::Markdown))
    };
    let mut found = Vec::new();
    for entry in &doc.entries {
        if entry.kind != model::ScalarKind::Str || !entry.value.trim_end().contains('\n') {
            continue;
        }
        let kind = entry.key().and_then(kind_of).or_else(|| {
            let named = doc.find(entry.parent, &["dest", "path", "filename", "file"])?;
            kind_of(&named.value)
        });
        let Some(kind) = kind else { continue };
        // Whole lines, so that each reader sees its lines from their start.
        let start = text[..entry.value_span.start].rfind('\n').map_or(0, |i| i + 1);
        found.push((kind, Span::new(start, entry.value_span.end)));
    }
    found
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod piece_tests {
    use super::*;

    fn cut(text: &str, kind: FileKind, max: usize) -> Option<Vec<&str>> {
        pieces(text, kind, max).map(|p| p.into_iter().map(|r| &text[r]).collect())
    }

    #[test]
    fn line_formats_are_cut_at_lines_and_ini_at_sections() {
        let text = "a=1\nb=2\nc=3\nd=4\n";
        assert_eq!(cut(text, FileKind::Properties, 8).unwrap(), ["a=1\nb=2\n", "c=3\nd=4\n"]);
        let ini = "[a]\nk=1\nk=2\n[b]\nk=3\n[c]\nk=4\n";
        assert_eq!(cut(ini, FileKind::Ini, 16).unwrap(), ["[a]\nk=1\nk=2\n", "[b]\nk=3\n[c]\nk=4\n"]);
        // A section bigger than a piece is cut at its lines.
        let big = "[a]\nk=1\nk=2\nk=3\nk=4\n";
        assert!(cut(big, FileKind::Ini, 8).unwrap().len() > 1);
    }

    #[test]
    fn a_yaml_stream_is_cut_at_documents_and_one_document_is_not() {
        let stream = "a: 1\n---\nb: 2\n---\nc: 3\n";
        assert_eq!(cut(stream, FileKind::Yaml, 10).unwrap(), ["a: 1\n", "---\nb: 2\n", "---\nc: 3\n"]);
        assert_eq!(cut("a:\n  b: 1\n  c: 2\n", FileKind::Yaml, 4), None);
        assert_eq!(cut("{\"a\": 1}", FileKind::Json, 2), None);
    }
}
