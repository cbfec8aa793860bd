//! TOML (`pyproject.toml`, Cargo `credentials.toml`, tool configs) into the shared model, through
//! the `toml` crate's spanned document parser (`DeTable::parse_recoverable`).
//!
//! The parser recovers from errors, so the entries of a broken file are kept beside its first
//! error; it also bounds nesting itself. String spans are narrowed to the content inside the
//! quotes (`"…"`, `'…'`, `"""…"""`, `'''…'''`).

use ::toml::Spanned;
use ::toml::de::{DeTable, DeValue};

use super::ParseError;
use super::model::{Document, Entry, NodeId, ScalarKind, Segment};
use crate::span::Span;

/// The crate bounds nesting itself; this is a second guard for the walk below.
const MAX_DEPTH: usize = 128;

pub(crate) fn parse(text: &str, doc: &mut Document) -> Result<(), ParseError> {
    let (table, errors) = DeTable::parse_recoverable(text);
    let root = doc.root();
    table_entries(text, doc, root, table.get_ref(), 0);
    match errors.first() {
        Some(error) => Err(ParseError {
            message: error.message().trim().to_owned(),
            offset: error.span().map_or(0, |span| span.start.min(text.len())),
        }),
        None => Ok(()),
    }
}

fn table_entries(text: &str, doc: &mut Document, node: NodeId, table: &DeTable<'_>, depth: usize) {
    for (key, value) in table {
        let key_span = to_span(key.span(), text);
        value_entry(text, doc, node, Segment::Key(key.get_ref().to_string()), key_span, value, depth);
    }
}

fn value_entry(
    text: &str,
    doc: &mut Document,
    parent: NodeId,
    segment: Segment,
    key_span: Span,
    value: &Spanned<DeValue<'_>>,
    depth: usize,
) {
    if depth >= MAX_DEPTH {
        return;
    }
    let span = to_span(value.span(), text);
    let (kind, decoded) = match value.get_ref() {
        DeValue::Table(table) => {
            let node = doc.node(parent, segment, key_span);
            table_entries(text, doc, node, table, depth + 1);
            return;
        }
        DeValue::Array(array) => {
            let node = doc.node(parent, segment, key_span);
            for (index, item) in array.iter().enumerate() {
                let at = to_span(item.span(), text);
                value_entry(text, doc, node, Segment::Index(index), Span::new(at.start, at.start), item, depth + 1);
            }
            return;
        }
        DeValue::String(s) => (ScalarKind::Str, s.to_string()),
        DeValue::Integer(_) | DeValue::Float(_) => (ScalarKind::Number, text[span.range()].to_owned()),
        DeValue::Boolean(b) => (ScalarKind::Bool, b.to_string()),
        DeValue::Datetime(_) => (ScalarKind::Other, text[span.range()].to_owned()),
    };
    let value_span = if kind == ScalarKind::Str { string_content(text, span, &decoded) } else { span };
    doc.entry(Entry { parent, segment, key_span, value: decoded, value_span, kind });
}

fn to_span(range: std::ops::Range<usize>, text: &str) -> Span {
    let end = range.end.min(text.len());
    Span::new(range.start.min(end), end)
}

/// The content of a TOML string inside its quotes; exactly the value when it appears verbatim.
fn string_content(text: &str, span: Span, value: &str) -> Span {
    let Some(raw) = text.get(span.range()) else { return span };
    let quote = ["\"\"\"", "'''", "\"", "'"].into_iter().find(|q| raw.starts_with(q) && raw.len() >= 2 * q.len());
    let (from, to) = match quote {
        Some(q) if raw.ends_with(q) => (q.len(), raw.len() - q.len()),
        _ => (0, raw.len()),
    };
    let region = &raw[from..to];
    match region.find(value).filter(|_| !value.is_empty()) {
        Some(at) => Span::new(span.start + from + at, span.start + from + at + value.len()),
        None => Span::new(span.start + from, span.start + to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'d>(doc: &'d Document, key: &str) -> &'d Entry {
        doc.entries.iter().find(|e| e.key() == Some(key)).unwrap_or_else(|| panic!("no entry {key}"))
    }

    #[test]
    fn tables_dotted_keys_and_string_spans() {
        let text = "[registries.corp]\nindex = \"https://corp.example.com/index\"\ntoken = 'Bearer abc'\n\n[tool.jira]\nurl.base = \"x\"\npassword = \"\"\"S3cret!\"\"\"\nport = 8080\n";
        let mut doc = Document::default();
        parse(text, &mut doc).unwrap();
        let token = entry(&doc, "token");
        assert_eq!(&text[token.value_span.range()], "Bearer abc");
        assert_eq!(&text[token.key_span.range()], "token");
        assert_eq!(doc.key_path(token.parent), ["registries", "corp"]);
        let password = entry(&doc, "password");
        assert_eq!(&text[password.value_span.range()], "S3cret!");
        assert_eq!(entry(&doc, "port").kind, ScalarKind::Number);
        assert_eq!(doc.key_path(entry(&doc, "base").parent), ["tool", "jira", "url"]);
    }

    #[test]
    fn escapes_and_non_ascii() {
        let text = "\"pässword\" = \"a\\tb\"\nname = \"Grüße\"\r\n";
        let mut doc = Document::default();
        parse(text, &mut doc).unwrap();
        assert_eq!(&text[entry(&doc, "pässword").value_span.range()], "a\\tb");
        assert_eq!(&text[entry(&doc, "name").value_span.range()], "Grüße");
    }

    #[test]
    fn errors_keep_what_was_read_and_deep_nesting_is_bounded() {
        let text = "password = \"S3cret!\"\nbroken = \n";
        let mut doc = Document::default();
        let error = parse(text, &mut doc).unwrap_err();
        assert!(error.offset <= text.len());
        assert_eq!(entry(&doc, "password").value, "S3cret!");
        let deep = format!("a = {}1{}\n", "[".repeat(50_000), "]".repeat(50_000));
        let mut doc = Document::default();
        let _ = parse(&deep, &mut doc);
        let deep = format!("a = {}\n", "{ b = ".repeat(10_000));
        let mut doc = Document::default();
        assert!(parse(&deep, &mut doc).is_err());
    }
}
