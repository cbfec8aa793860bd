//! JSON (docker `config.json`, `auth.json`, `package.json`-like files) into the shared model,
//! with a small recursive-descent parser that keeps byte spans.
//!
//! Lenient where real files are: `//` and `/* */` comments, trailing commas, single-quoted
//! strings and bare keys (JSONC, JSON5-ish), several top-level values one after another. Nesting
//! deeper than [`MAX_DEPTH`] is an error, so hostile input can't exhaust the stack. On an error
//! the entries read so far are kept.

use super::ParseError;
use super::model::{Document, Entry, NodeId, ScalarKind, Segment};
use crate::span::Span;

const MAX_DEPTH: usize = 128;

struct Parser<'t, 'd> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    doc: &'d mut Document,
}

/// Where a value goes: under a key or at an index of its parent, or a new document root.
enum Slot {
    Root,
    In { parent: NodeId, segment: Segment, key_span: Span },
}

pub(crate) fn parse(text: &str, doc: &mut Document) -> Result<(), ParseError> {
    let mut parser = Parser { text, bytes: text.as_bytes(), pos: 0, doc };
    loop {
        parser.skip_trivia()?;
        if parser.pos >= parser.bytes.len() {
            return Ok(());
        }
        parser.value(Slot::Root, 0)?;
    }
}

impl Parser<'_, '_> {
    fn error<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError { message: message.into(), offset: self.pos.min(self.text.len()) })
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Whitespace and comments.
    fn skip_trivia(&mut self) -> Result<(), ParseError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    while self.peek().is_some_and(|b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    match self.text[self.pos + 2..].find("*/") {
                        Some(at) => self.pos += 2 + at + 2,
                        None => return self.error("unterminated comment"),
                    }
                }
                // A byte order mark left in the text.
                Some(0xEF) if self.text[self.pos..].starts_with('\u{feff}') => self.pos += 3,
                _ => return Ok(()),
            }
        }
    }

    fn container(&mut self, slot: Slot) -> NodeId {
        match slot {
            Slot::Root => self.doc.root(),
            Slot::In { parent, segment, key_span } => self.doc.node(parent, segment, key_span),
        }
    }

    fn value(&mut self, slot: Slot, depth: usize) -> Result<(), ParseError> {
        if depth >= MAX_DEPTH {
            return self.error(format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                let node = self.container(slot);
                self.object(node, depth)
            }
            Some(b'[') => {
                self.pos += 1;
                let node = self.container(slot);
                self.array(node, depth)
            }
            Some(b'"' | b'\'') => {
                let (value, span) = self.string()?;
                self.scalar(slot, value, span, ScalarKind::Str);
                Ok(())
            }
            Some(_) => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b':' | b' ' | b'\t' | b'\n' | b'\r' | b'/'))
                {
                    self.pos += 1;
                }
                let word = &self.text[start..self.pos];
                let kind = match word {
                    "true" | "false" => ScalarKind::Bool,
                    "null" => ScalarKind::Null,
                    _ if word.parse::<f64>().is_ok() => ScalarKind::Number,
                    _ if word.is_empty() => return self.error("expected a value"),
                    _ => return self.error(format!("unexpected `{}`", word.chars().take(20).collect::<String>())),
                };
                self.scalar(slot, word.to_owned(), Span::new(start, self.pos), kind);
                Ok(())
            }
            None => self.error("unexpected end of input"),
        }
    }

    fn scalar(&mut self, slot: Slot, value: String, value_span: Span, kind: ScalarKind) {
        if let Slot::In { parent, segment, key_span } = slot {
            self.doc.entry(Entry { parent, segment, key_span, value, value_span, kind });
        }
    }

    fn object(&mut self, node: NodeId, depth: usize) -> Result<(), ParseError> {
        loop {
            self.skip_trivia()?;
            match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'"' | b'\'') => {}
                Some(b) if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' => {}
                Some(_) => return self.error("expected a key or `}`"),
                None => return self.error("unterminated object"),
            }
            let (key, key_span) = if matches!(self.peek(), Some(b'"' | b'\'')) {
                self.string()?
            } else {
                let start = self.pos;
                while self.peek().is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'-')) {
                    self.pos += 1;
                }
                (self.text[start..self.pos].to_owned(), Span::new(start, self.pos))
            };
            self.skip_trivia()?;
            if self.peek() != Some(b':') {
                return self.error("expected `:`");
            }
            self.pos += 1;
            self.skip_trivia()?;
            self.value(Slot::In { parent: node, segment: Segment::Key(key), key_span }, depth + 1)?;
            self.skip_trivia()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                Some(_) => return self.error("expected `,` or `}`"),
                None => return self.error("unterminated object"),
            }
        }
    }

    fn array(&mut self, node: NodeId, depth: usize) -> Result<(), ParseError> {
        let mut index = 0;
        loop {
            self.skip_trivia()?;
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                None => return self.error("unterminated array"),
                Some(_) => {}
            }
            let at = Span::new(self.pos, self.pos);
            self.value(Slot::In { parent: node, segment: Segment::Index(index), key_span: at }, depth + 1)?;
            index += 1;
            self.skip_trivia()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {}
                Some(_) => return self.error("expected `,` or `]`"),
                None => return self.error("unterminated array"),
            }
        }
    }

    /// A quoted string at `pos`: its decoded text and the span of its content.
    fn string(&mut self) -> Result<(String, Span), ParseError> {
        let quote = self.bytes[self.pos];
        self.pos += 1;
        let start = self.pos;
        let mut out = String::new();
        loop {
            let Some(b) = self.peek() else {
                return self.error("unterminated string");
            };
            if b == quote {
                let span = Span::new(start, self.pos);
                self.pos += 1;
                return Ok((out, span));
            }
            if b == b'\n' {
                return self.error("newline in string");
            }
            if b != b'\\' {
                // Copy the run of plain characters at once (and whole UTF-8 sequences).
                let run_end = self.text[self.pos..]
                    .find(|c: char| c == char::from(quote) || c == '\\' || c == '\n')
                    .map_or(self.text.len(), |n| self.pos + n);
                out.push_str(&self.text[self.pos..run_end]);
                self.pos = run_end;
                continue;
            }
            self.pos += 1;
            let Some(escape) = self.peek() else {
                return self.error("unterminated string");
            };
            self.pos += 1;
            match escape {
                b'n' => out.push('\n'),
                b't' => out.push('\t'),
                b'r' => out.push('\r'),
                b'b' => out.push('\u{8}'),
                b'f' => out.push('\u{c}'),
                b'u' => {
                    let high = self.hex4()?;
                    let code = if (0xD800..0xDC00).contains(&high) && self.text[self.pos..].starts_with("\\u") {
                        self.pos += 2;
                        let low = self.hex4()?;
                        0x10000 + ((high - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF)
                    } else {
                        high
                    };
                    out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                }
                _ => {
                    // `\"`, `\\`, `\/` and JSON5's other escapes stand for themselves.
                    let c = self.text[self.pos - 1..].chars().next().unwrap_or('\\');
                    self.pos += c.len_utf8() - 1;
                    out.push(c);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let Some(digits) = self.text.get(self.pos..self.pos + 4) else {
            return self.error("bad \\u escape");
        };
        let code = u32::from_str_radix(digits, 16).or_else(|_| self.error("bad \\u escape"))?;
        self.pos += 4;
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Document {
        let mut doc = Document::default();
        parse(text, &mut doc).unwrap_or_else(|e| panic!("{}: {}", e.offset, e.message));
        doc
    }

    fn entry<'d>(doc: &'d Document, key: &str) -> &'d Entry {
        doc.entries.iter().find(|e| e.key() == Some(key)).unwrap_or_else(|| panic!("no entry {key}"))
    }

    #[test]
    fn spans_are_exact_for_plain_strings() {
        let text = r#"{"auths": {"registry.example.com": {"auth": "dXNlcjpwYXNz", "n": 3}}, "é": "ü😀x"}"#;
        let doc = parse_ok(text);
        let auth = entry(&doc, "auth");
        assert_eq!(&text[auth.value_span.range()], "dXNlcjpwYXNz");
        assert_eq!(&text[auth.key_span.range()], "auth");
        assert_eq!(doc.key_path(auth.parent), ["auths", "registry.example.com"]);
        assert_eq!(entry(&doc, "n").kind, ScalarKind::Number);
        assert_eq!(&text[entry(&doc, "é").value_span.range()], "ü😀x");
    }

    #[test]
    fn escapes_are_decoded() {
        let text = r#"{"password": "a\"b\\c\u00e9\ud83d\ude00"}"#;
        let doc = parse_ok(text);
        let e = entry(&doc, "password");
        assert_eq!(e.value, "a\"b\\cé😀");
        assert_eq!(&text[e.value_span.range()], r#"a\"b\\c\u00e9\ud83d\ude00"#);
    }

    #[test]
    fn comments_trailing_commas_and_bare_keys() {
        let doc = parse_ok("// c\n{ /* x */ token: 'abc', \"list\": [1, 2,],\r\n }\n{\"second\": null}");
        assert_eq!(entry(&doc, "token").value, "abc");
        assert_eq!(doc.roots().len(), 2);
    }

    #[test]
    fn hostile_input_fails_cleanly() {
        let deep = "[".repeat(100_000);
        let mut doc = Document::default();
        assert!(parse(&deep, &mut doc).unwrap_err().message.contains("nesting"));
        for text in ["{\"a\": \"\\u12\"}", "{\"a\"", "{\"a\": tru}", "\"\\", "{\"a\": \"x\ny\"}", "[1 2]", "{'a': 'é"]
        {
            let mut doc = Document::default();
            assert!(parse(text, &mut doc).is_err(), "{text}");
        }
        let mut doc = Document::default();
        let error = parse("{\"password\": \"S3cret!\", \"x\": }", &mut doc).unwrap_err();
        assert_eq!(error.offset, 29);
        assert_eq!(entry(&doc, "password").value, "S3cret!");
    }
}
