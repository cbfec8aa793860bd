//! String literals as they sit in the file: the span of their content (inside the quotes, after
//! `r#"`) and the file offset of every decoded byte, so that part of a literal (the secret half of
//! `"user:secret"`, a URL's userinfo, the blob after `"Basic "`) gets an exact span too.
//!
//! The decoded value is always syn's own (`LitStr::value`); this module only maps it back onto the
//! file. When its own decoding of the escapes disagrees with syn's, it gives up on the mapping and
//! a part's span falls back to the whole content: never a wrong span, at worst a wider one.

use std::ops::Range;

use crate::span::Span;

/// A string literal: its decoded value and where that value sits in the file.
#[derive(Debug, Clone)]
pub struct Lit {
    pub value: String,
    /// The content between the quotes, in the file.
    pub content: Span,
    /// File offset of each decoded byte, plus one entry for the end; `None` when the value is the
    /// content verbatim (no escapes) or when the escapes could not be mapped.
    offsets: Option<Vec<usize>>,
    /// Whether sub-spans are exact (verbatim content or a verified escape map).
    exact: bool,
}

impl Lit {
    /// Reads the literal token `token` (its full text, prefix and quotes included), found at file
    /// offset `at`, whose decoded value is `value`.
    pub fn read(token: &str, at: usize, value: String, suffix_len: usize) -> Option<Lit> {
        let token = token.get(..token.len().checked_sub(suffix_len)?)?;
        let quote = token.find('"')?;
        let prefix = &token[..quote];
        if !prefix.chars().all(|c| matches!(c, 'b' | 'c' | 'r' | '#')) {
            return None;
        }
        let hashes = prefix.bytes().filter(|&b| b == b'#').count();
        let raw = prefix.contains('r');
        let start = quote + 1;
        let end = token.len().checked_sub(1 + hashes)?;
        if end < start || token.as_bytes().get(end) != Some(&b'"') {
            return None;
        }
        let body = &token[start..end];
        let content = Span::new(at + start, at + end);
        if body == value {
            return Some(Lit { value, content, offsets: None, exact: true });
        }
        if !raw && let Some(offsets) = escape_offsets(body, &value, content.start) {
            return Some(Lit { value, content, offsets: Some(offsets), exact: true });
        }
        Some(Lit { value, content, offsets: None, exact: false })
    }

    /// The part of the literal at `range` (a byte range of the decoded value), still mapped.
    pub fn sub(&self, range: Range<usize>) -> Lit {
        let value = self.value.get(range.clone()).unwrap_or_default().to_owned();
        let content = self.span_of(range.clone());
        let offsets = match &self.offsets {
            Some(offsets) => offsets.get(range.start..=range.end).map(<[usize]>::to_vec),
            None => None,
        };
        let exact = self.exact && (self.offsets.is_none() || offsets.is_some());
        Lit { value, content, offsets, exact }
    }

    /// The file span of `range` (a byte range of the decoded value).
    pub fn span_of(&self, range: Range<usize>) -> Span {
        if !self.exact || range.start > range.end || range.end > self.value.len() {
            return self.content;
        }
        match &self.offsets {
            None => Span::new(self.content.start + range.start, self.content.start + range.end),
            Some(offsets) => match (offsets.get(range.start), offsets.get(range.end)) {
                (Some(&start), Some(&end)) => Span::new(start, end),
                _ => self.content,
            },
        }
    }
}

/// Decodes the escapes of a (non-raw) string body, recording the file offset of each output byte;
/// `None` unless the result is exactly `expected`.
fn escape_offsets(body: &str, expected: &str, origin: usize) -> Option<Vec<usize>> {
    let mut out = String::with_capacity(expected.len());
    let mut offsets = Vec::with_capacity(expected.len() + 1);
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let decoded = if c == '\\' {
            let (_, kind) = chars.next()?;
            match kind {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '0' => '\0',
                '\\' | '\'' | '"' => kind,
                'x' => {
                    let hi = chars.next()?.1.to_digit(16)?;
                    let lo = chars.next()?.1.to_digit(16)?;
                    char::from_u32(hi * 16 + lo)?
                }
                'u' => {
                    if chars.next()?.1 != '{' {
                        return None;
                    }
                    let mut code = 0u32;
                    loop {
                        let (_, d) = chars.next()?;
                        match d {
                            '}' => break,
                            '_' => {}
                            _ => code = code.checked_mul(16)?.checked_add(d.to_digit(16)?)?,
                        }
                    }
                    char::from_u32(code)?
                }
                '\n' | '\r' => {
                    // A line continuation: the newline and the next line's leading whitespace go.
                    while chars.next_if(|&(_, w)| w.is_whitespace()).is_some() {}
                    continue;
                }
                _ => return None,
            }
        } else if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
            // The lexer reads CRLF inside a literal as LF.
            continue;
        } else {
            c
        };
        offsets.extend(std::iter::repeat_n(origin + i, decoded.len_utf8()));
        out.push(decoded);
    }
    offsets.push(origin + body.len());
    (out == expected).then_some(offsets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_and_raw_content_map_directly() {
        let lit = Lit::read(r##"r#"a"b"#"##, 10, "a\"b".to_owned(), 0).unwrap();
        assert_eq!(lit.content, Span::new(13, 16));
        assert_eq!(lit.span_of(2..3), Span::new(15, 16));
    }

    #[test]
    fn escapes_map_each_decoded_byte_to_its_source() {
        let token = r#""a\tb\u{e9}c""#;
        let lit = Lit::read(token, 0, "a\tbéc".to_owned(), 0).unwrap();
        assert_eq!(lit.content, Span::new(1, token.len() - 1));
        // `c` is the last byte of the value and the last character of the body.
        let c = lit.value.len() - 1;
        assert_eq!(&token[lit.span_of(c..c + 1).range()], "c");
        assert_eq!(&token[lit.span_of(0..1).range()], "a");
        assert_eq!(&token[lit.span_of(1..2).range()], "\\t");
    }

    #[test]
    fn a_disagreeing_decoding_falls_back_to_the_whole_content() {
        let lit = Lit::read(r#""a\qb""#, 0, "weird".to_owned(), 0).unwrap();
        assert_eq!(lit.span_of(1..2), lit.content);
    }
}
