//! INI-style files (`pip.conf`, `.pypirc`, `my.cnf`, `*.cfg`, git config) into the shared model,
//! with a hand-written line reader: sections are nodes, `key = value` / `key: value` are entries.
//!
//! It never rejects a file: `*.conf` covers many formats that are not INI at all (nginx, apache),
//! and lines that don't look like `key = value` are skipped. Indented lines after an entry continue
//! its value (Python's configparser); in git config a trailing `\` does, `:` is not a separator,
//! and `#`/`;` start inline comments outside quotes. Subsections (`[remote "origin"]`) are child
//! nodes of their section.

use super::model::{Document, Entry, NodeId, ScalarKind, Segment};
use crate::span::Span;

/// Whether the dialect is git config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Ini,
    Git,
}

pub(crate) fn parse(text: &str, doc: &mut Document, dialect: Dialect) {
    let root = doc.root();
    let mut section = root;
    let mut last: Option<usize> = None;
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(raw_line) = lines.next() {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let content = line.trim_start();
        let indent = line.len() - content.len();
        if content.is_empty() || content.starts_with('#') || content.starts_with(';') {
            if content.is_empty() {
                last = None;
            }
            continue;
        }
        // configparser: an indented line continues the previous value.
        if dialect == Dialect::Ini
            && indent > 0
            && let Some(index) = last
        {
            let entry = &mut doc.entries[index];
            entry.value.push('\n');
            entry.value.push_str(content.trim_end());
            entry.value_span =
                entry.value_span.cover(Span::new(line_start + indent, line_start + indent + content.trim_end().len()));
            continue;
        }
        if content.starts_with('[') {
            last = None;
            if let Some(close) = content.find(']') {
                section = open_section(doc, root, &content[1..close], line_start + indent + 1);
            }
            continue;
        }
        // `key: value` only inside a section: configparser wants one anyway, and files without
        // sections that use `:` are other formats (`nsswitch.conf`: `passwd: files`).
        let separator = match dialect {
            Dialect::Ini if section != root => content.find(['=', ':']),
            Dialect::Ini | Dialect::Git => content.find('='),
        };
        let key_start = line_start + indent;
        let (key, value_region) = match separator {
            Some(at) => (content[..at].trim_end(), Some((key_start + at + 1, &content[at + 1..]))),
            None => (content, None),
        };
        // Keys with spaces are prose far more often than configuration (`For the password: see…`).
        if key.is_empty() || key.contains(char::is_whitespace) {
            last = None;
            continue;
        }
        let Some((value_offset, mut raw_value)) = value_region else {
            last = None;
            continue;
        };
        // git config: a trailing backslash joins the next line.
        let mut joined = String::new();
        let mut value_end = value_offset + raw_value.len();
        if dialect == Dialect::Git {
            while raw_value.ends_with('\\') {
                joined.push_str(&raw_value[..raw_value.len() - 1]);
                let Some(next) = lines.next() else { break };
                let next_start = offset;
                offset += next.len();
                raw_value = next.trim_end_matches(['\n', '\r']);
                value_end = next_start + raw_value.len();
            }
        }
        let (value, value_span) = if joined.is_empty() {
            value_of(raw_value, value_offset, dialect)
        } else {
            joined.push_str(raw_value);
            let (value, _) = value_of(&joined, 0, dialect);
            (value, Span::new(value_offset, value_end))
        };
        let index = doc.entry(Entry {
            parent: section,
            segment: Segment::Key(key.to_owned()),
            key_span: Span::new(key_start, key_start + key.len()),
            value,
            value_span,
            kind: ScalarKind::Str,
        });
        last = Some(index);
    }
}

/// `[name]`, `[name "sub"]` or `[name.sub]`: the node for the section (and its subsection).
fn open_section(doc: &mut Document, root: NodeId, inner: &str, at: usize) -> NodeId {
    let lead = inner.len() - inner.trim_start().len();
    let inner = inner.trim();
    match inner.find(char::is_whitespace) {
        Some(space) => {
            let name = &inner[..space];
            let node = doc.node_for_key(root, name, Span::new(at + lead, at + lead + name.len()));
            let rest = inner[space..].trim_start();
            let sub_at = at + lead + (inner.len() - rest.len());
            let sub = rest.trim_matches('"');
            let sub_at = sub_at + usize::from(rest.starts_with('"'));
            doc.node_for_key(node, sub, Span::new(sub_at, sub_at + sub.len()))
        }
        None => doc.node_for_key(root, inner, Span::new(at + lead, at + lead + inner.len())),
    }
}

/// A value's text and span: trimmed, quotes removed, git's inline comments dropped.
fn value_of(raw: &str, offset: usize, dialect: Dialect) -> (String, Span) {
    let mut body = raw;
    if dialect == Dialect::Git {
        let mut quoted = false;
        let mut escaped = false;
        for (i, c) in raw.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => quoted = !quoted,
                '#' | ';' if !quoted => {
                    body = &raw[..i];
                    break;
                }
                _ => {}
            }
        }
    }
    let lead = body.len() - body.trim_start().len();
    let trimmed = body.trim();
    let mut start = offset + lead;
    let mut text = trimmed;
    for quote in ['"', '\''] {
        if text.len() >= 2 && text.starts_with(quote) && text.ends_with(quote) {
            text = &text[1..text.len() - 1];
            start += 1;
            break;
        }
    }
    let span = Span::new(start, start + text.len());
    let value = if dialect == Dialect::Git && text.contains('\\') { unescape_git(text) } else { text.to_owned() };
    (value, span)
}

fn unescape_git(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            },
            (c, false) if c != '"' => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str, dialect: Dialect) -> Document {
        let mut doc = Document::default();
        parse(text, &mut doc, dialect);
        doc
    }

    fn entry<'d>(doc: &'d Document, key: &str) -> &'d Entry {
        doc.entries.iter().find(|e| e.key() == Some(key)).unwrap_or_else(|| panic!("no entry {key}"))
    }

    #[test]
    fn sections_keys_and_spans() {
        let text = "; comment\n[distutils]\nindex-servers =\n    pypi\n    corp\n\n[corp]\nrepository: https://pypi.example.com\nusername = svc\npassword = \"S3cret!\"\r\nempty =\n";
        let doc = parsed(text, Dialect::Ini);
        let password = entry(&doc, "password");
        assert_eq!(&text[password.value_span.range()], "S3cret!");
        assert_eq!(password.value, "S3cret!");
        assert_eq!(&text[password.key_span.range()], "password");
        assert_eq!(doc.key_path(password.parent), ["corp"]);
        assert_eq!(entry(&doc, "index-servers").value, "\npypi\ncorp");
        assert_eq!(entry(&doc, "repository").value, "https://pypi.example.com");
        assert_eq!(entry(&doc, "empty").value, "");
    }

    #[test]
    fn git_config_subsections_comments_and_continuations() {
        let text = "[remote \"origin\"]\n\turl = https://git.example.com/a.git ; note\n[http]\n\textraheader = \"Authorization: Basic abc\" # x\n\tlong = a\\\nb\n";
        let doc = parsed(text, Dialect::Git);
        let url = entry(&doc, "url");
        assert_eq!(url.value, "https://git.example.com/a.git");
        assert_eq!(&text[url.value_span.range()], url.value);
        assert_eq!(doc.key_path(url.parent), ["remote", "origin"]);
        let header = entry(&doc, "extraheader");
        assert_eq!(&text[header.value_span.range()], "Authorization: Basic abc");
        assert_eq!(entry(&doc, "long").value, "ab");
    }

    #[test]
    fn colons_separate_only_inside_sections() {
        let doc = parsed("passwd:         files\ntoken = abc\n[s]\npassword: x\n", Dialect::Ini);
        assert!(doc.entries.iter().all(|e| e.key() != Some("passwd")));
        assert_eq!(entry(&doc, "password").value, "x");
        assert_eq!(entry(&doc, "token").value, "abc");
    }

    #[test]
    fn never_rejects_other_formats() {
        let text = "server {\n  listen 80;\n  auth_basic_user_file /etc/nginx/htpasswd;\n}\n\u{0}\u{feff}[\n=\n";
        let doc = parsed(text, Dialect::Ini);
        assert!(doc.entries.len() <= 1);
    }
}
