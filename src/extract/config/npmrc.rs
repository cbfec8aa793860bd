//! `.npmrc` into the shared model, with a hand-written line reader.
//!
//! npm scopes credentials to a registry with a `//host/path/:` prefix
//! (`//registry.example.com/:_authToken=…`): the prefix becomes a node keyed by it, so `_password`
//! and `username` of one registry are siblings, and the rules take the target from the node's key.
//! Unscoped keys (legacy `_auth`, `registry`) sit at the root. `;` and `#` start comments.

use super::model::{Document, Entry, ScalarKind, Segment};
use crate::span::Span;

pub(crate) fn parse(text: &str, doc: &mut Document) {
    let root = doc.root();
    let mut offset = 0;
    for raw_line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let content = line.trim_start();
        if content.is_empty() || content.starts_with(';') || content.starts_with('#') || content.starts_with('[') {
            continue;
        }
        let Some(eq) = content.find('=') else { continue };
        let at = line_start + (line.len() - content.len());
        let full_key = content[..eq].trim_end();
        let raw_value = &content[eq + 1..];
        let lead = raw_value.len() - raw_value.trim_start().len();
        let mut value = raw_value.trim();
        let mut value_start = at + eq + 1 + lead;
        for quote in ['"', '\''] {
            if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
                value = &value[1..value.len() - 1];
                value_start += 1;
                break;
            }
        }
        let (parent, key, key_at) = match full_key.rfind("/:").filter(|_| full_key.starts_with("//")) {
            Some(colon) => {
                let scope = &full_key[..=colon];
                let node = doc.node_for_key(root, scope, Span::new(at, at + scope.len()));
                (node, &full_key[colon + 2..], at + colon + 2)
            }
            None => (root, full_key, at),
        };
        if key.is_empty() {
            continue;
        }
        doc.entry(Entry {
            parent,
            segment: Segment::Key(key.to_owned()),
            key_span: Span::new(key_at, key_at + key.len()),
            value: value.to_owned(),
            value_span: Span::new(value_start, value_start + value.len()),
            kind: ScalarKind::Str,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_become_nodes() {
        let text = "registry=https://registry.npmjs.org/\n//npm.example.com/repo/:_authToken=\"${NPM_TOKEN}\"\r\n//npm.example.com/repo/:username=svc\n; c\n_auth = dXNlcjpwYXNz\n";
        let mut doc = Document::default();
        parse(text, &mut doc);
        let token = doc.entries.iter().find(|e| e.key() == Some("_authToken")).unwrap();
        assert_eq!(&text[token.value_span.range()], "${NPM_TOKEN}");
        assert_eq!(&text[token.key_span.range()], "_authToken");
        assert_eq!(doc.key(token.parent), Some("//npm.example.com/repo/"));
        assert_eq!(doc.text(token.parent, "username"), Some("svc"));
        let auth = doc.entries.iter().find(|e| e.key() == Some("_auth")).unwrap();
        assert_eq!(&text[auth.value_span.range()], "dXNlcjpwYXNz");
        assert_eq!(auth.parent, doc.roots()[0]);
    }
}
