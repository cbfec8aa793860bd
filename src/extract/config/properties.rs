//! Java `.properties` (Spring `application.properties`, `gradle.properties`) into the shared
//! model, with a hand-written reader of logical lines.
//!
//! A key ends at the first unescaped `=`, `:` or whitespace; a line ending in an odd number of
//! backslashes continues on the next; `\uXXXX` and the other escapes are decoded. Dotted keys are
//! split into a path (`jira.password` is entry `password` under node `jira`) so that `jira.url`
//! and `jira.username` are its siblings, as in the YAML form of the same Spring configuration.

use super::model::{Document, Entry, ScalarKind, Segment};
use crate::span::Span;

pub(crate) fn parse(text: &str, doc: &mut Document) {
    let root = doc.root();
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n');
    while let Some(raw_line) = lines.next() {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let content = line.trim_start_matches([' ', '\t', '\u{c}']);
        if content.is_empty() || content.starts_with('#') || content.starts_with('!') {
            continue;
        }
        let content_start = line_start + (line.len() - content.len());
        // The logical line: physical lines joined while one ends in an odd number of backslashes.
        let mut logical = content.to_owned();
        let mut end = content_start + content.len();
        let mut continued = false;
        while ends_with_odd_backslashes(&logical) {
            logical.pop();
            let Some(next) = lines.next() else { break };
            let next_start = offset;
            offset += next.len();
            let next = next.trim_end_matches(['\n', '\r']);
            logical.push_str(next.trim_start_matches([' ', '\t', '\u{c}']));
            end = next_start + next.len();
            continued = true;
        }
        let Some((raw_key, key_len, value_at)) = split_key(&logical) else { continue };
        let key = unescape(raw_key);
        let raw_value = &logical[value_at..];
        let value = unescape(raw_value);
        let value_start = content_start + value_at;
        let value_span = if continued || raw_value.contains('\\') {
            // Not verbatim: the span covers the value as written.
            Span::new(value_start.min(end), end)
        } else {
            Span::new(value_start, value_start + raw_value.len())
        };
        let key_span = Span::new(content_start, content_start + key_len);
        // `jira.password` → node `jira`, entry `password`. Empty segments (`a..b`) stay in the key.
        let parts: Vec<&str> = key.split('.').collect();
        let (parents, leaf) = if parts.iter().all(|p| !p.is_empty()) && parts.len() > 1 {
            (&parts[..parts.len() - 1], parts[parts.len() - 1])
        } else {
            (&[][..], key.as_str())
        };
        let mut node = root;
        for part in parents {
            node = doc.node_for_key(node, part, key_span);
        }
        doc.entry(Entry {
            parent: node,
            segment: Segment::Key(leaf.to_owned()),
            key_span,
            value,
            value_span,
            kind: ScalarKind::Str,
        });
    }
}

fn ends_with_odd_backslashes(line: &str) -> bool {
    line.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// The raw key, its length, and where the value starts, in a logical line.
fn split_key(line: &str) -> Option<(&str, usize, usize)> {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'=' | b':' | b' ' | b'\t' | b'\x0c' => break,
            _ => i += 1,
        }
    }
    let key_end = i.min(bytes.len());
    if key_end == 0 {
        return None;
    }
    let mut j = key_end;
    while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\x0c') {
        j += 1;
    }
    if j < bytes.len() && matches!(bytes[j], b'=' | b':') {
        j += 1;
        while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\x0c') {
            j += 1;
        }
    }
    Some((&line[..key_end], key_end, j))
}

fn unescape(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = std::iter::from_fn(|| chars.next_if(char::is_ascii_hexdigit)).take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded) if hex.len() == 4 => out.push(decoded),
                    _ => out.push(char::REPLACEMENT_CHARACTER),
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Document {
        let mut doc = Document::default();
        parse(text, &mut doc);
        doc
    }

    fn entry<'d>(doc: &'d Document, key: &str) -> &'d Entry {
        doc.entries.iter().find(|e| e.key() == Some(key)).unwrap_or_else(|| panic!("no entry {key}"))
    }

    #[test]
    fn separators_paths_and_spans() {
        let text = "# c\n! c\njira.url = https://jira.example.com\njira.username: svc\r\njira.password ${JIRA_PASSWORD:S3cret}\nmavenPassword=hunter2\n";
        let doc = parsed(text);
        let password = entry(&doc, "password");
        assert_eq!(password.value, "${JIRA_PASSWORD:S3cret}");
        assert_eq!(&text[password.value_span.range()], password.value);
        assert_eq!(&text[password.key_span.range()], "jira.password");
        assert_eq!(doc.key_path(password.parent), ["jira"]);
        assert_eq!(doc.text(password.parent, "url"), Some("https://jira.example.com"));
        assert_eq!(entry(&doc, "username").value, "svc");
        assert_eq!(&text[entry(&doc, "mavenPassword").value_span.range()], "hunter2");
    }

    #[test]
    fn escapes_and_continuations() {
        let text = "key\\:with\\ colon = a\\u00e9\\\n    b\nx=\\\n";
        let doc = parsed(text);
        let e = entry(&doc, "key:with colon");
        assert_eq!(e.value, "aéb");
        assert!(text[e.value_span.range()].starts_with("a\\u00e9"));
        assert_eq!(entry(&doc, "x").value, "");
    }
}
