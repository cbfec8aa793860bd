//! `.netrc` / `_netrc`: `machine HOST login USER password SECRET`, on one line or many.
//!
//! Read by curl `-n`, git, pip, requests and httpx for every request to that host, so each entry
//! is a basic-auth credential use whose connection is the machine.

use crate::fact::{CredentialUse, Facts, Scheme, Target, Value};
use crate::source::SourceFile;
use crate::span::Span;

pub fn extract(file: &SourceFile) -> Facts {
    let text: &str = &file.text;
    let mut facts = Facts::default();
    let tokens = tokenize(text);
    let mut i = 0;
    let mut entry: Option<Entry> = None;
    while i < tokens.len() {
        let (word, span) = tokens[i];
        match word {
            "machine" | "default" => {
                finish(entry.take(), &mut facts);
                let mut fresh = Entry { start: span.start, ..Entry::default() };
                if word == "machine"
                    && let Some(&(host, host_span)) = tokens.get(i + 1)
                {
                    fresh.machine = Some((host.to_owned(), host_span));
                    i += 1;
                }
                fresh.end = tokens.get(i).map_or(span.end, |t| t.1.end);
                entry = Some(fresh);
            }
            "login" | "password" | "account" => {
                if let (Some(current), Some(&(value, value_span))) = (entry.as_mut(), tokens.get(i + 1)) {
                    match word {
                        "login" => current.login = Some((value.to_owned(), value_span)),
                        "password" => current.password = Some((value.to_owned(), value_span)),
                        _ => {}
                    }
                    current.end = value_span.end;
                    i += 1;
                }
            }
            "macdef" => {
                // A macro body runs to the next empty line; its words are not netrc tokens.
                finish(entry.take(), &mut facts);
                let body_end = text[span.end..].find("\n\n").map_or(text.len(), |at| span.end + at);
                while i + 1 < tokens.len() && tokens[i + 1].1.start < body_end {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    finish(entry, &mut facts);
    facts
}

#[derive(Debug, Default)]
struct Entry {
    start: usize,
    end: usize,
    machine: Option<(String, Span)>,
    login: Option<(String, Span)>,
    password: Option<(String, Span)>,
}

fn finish(entry: Option<Entry>, facts: &mut Facts) {
    let Some(entry) = entry else { return };
    let Some((password, password_span)) = entry.password else { return };
    // `login anonymous` is the anonymous-FTP convention: the "password" is an e-mail address.
    if entry.login.as_ref().is_some_and(|(login, _)| login.eq_ignore_ascii_case("anonymous")) {
        return;
    }
    let target = entry.machine.map(|(host, span)| Target { host: Some(host.to_ascii_lowercase()), text: host, span });
    facts.uses.push(CredentialUse {
        scheme: Scheme::Netrc,
        user: entry.login.map(|(login, span)| Value::literal(login, span)),
        secret: Value::literal(password, password_span),
        secret_name: Some("password".to_owned()),
        connection: target.is_none().then(|| "netrc default".to_owned()),
        target,
        span: Span::new(entry.start, entry.end),
        extractor: "netrc".into(),
    });
}

/// Whitespace-separated words (with `"…"` quoting, which curl accepts), skipping `#` comments.
fn tokenize(text: &str) -> Vec<(&str, Span)> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
        } else if b == b'#' && (i == 0 || bytes[i - 1] == b'\n' || bytes[i - 1].is_ascii_whitespace()) {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if b == b'"' {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end] != b'"' && bytes[end] != b'\n' {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            let end = end.min(bytes.len());
            tokens.push((&text[start..end], Span::new(start, end)));
            i = end + 1;
        } else {
            let start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            tokens.push((&text[start..i], Span::new(start, i)));
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_on_one_line_and_many() {
        let text = "machine jira.corp login svc password S3cret!\n\nmachine\n  git.corp\n  login me\n  password \"two words\"\n";
        let facts = extract(&SourceFile::from_name(".netrc", text));
        assert_eq!(facts.uses.len(), 2);
        let first = &facts.uses[0];
        assert_eq!(first.secret, Value::literal("S3cret!", Span::new(37, 44)));
        assert_eq!(first.target.as_ref().and_then(|t| t.host.as_deref()), Some("jira.corp"));
        assert_eq!(facts.uses[1].secret.as_literal(), Some("two words"));
    }

    #[test]
    fn macro_bodies_are_not_entries() {
        let text = "macdef init\nmachine x password y\n\nmachine a login b password c\n";
        let facts = extract(&SourceFile::from_name(".netrc", text));
        assert_eq!(facts.uses.len(), 1);
        assert_eq!(facts.uses[0].secret.as_literal(), Some("c"));
    }
}
