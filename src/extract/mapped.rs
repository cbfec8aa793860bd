//! Text an extractor reads that is not the file's own bytes — a notebook cell decoded from its
//! JSON strings, a file written inside a YAML value and dedented — with, for each of its bytes,
//! the file range it came from, so that facts found in it point back into the file.

use crate::span::Span;

/// A derived text and the file range behind each of its bytes.
#[derive(Debug, Default)]
pub struct MappedText {
    pub text: String,
    /// For each byte of `text`: the file range of the character it belongs to (an escape such as
    /// `\"` or `\u00e9` is several bytes of the file for one character).
    origin: Vec<(usize, usize)>,
}

impl MappedText {
    /// `span` of `text` as a span of the file.
    pub fn map(&self, span: Span) -> Span {
        let Some(&(last_start, last_end)) = self.origin.last() else { return span };
        let start = self.origin.get(span.start).map_or(last_end, |o| o.0);
        let end = match span.end.checked_sub(1) {
            Some(i) if span.end > span.start => self.origin.get(i).map_or(last_end, |o| o.1),
            _ => start,
        };
        Span::new(start.min(end).min(last_start.max(last_end)), end.max(start))
    }

    /// Appends `c`, which stands for the file's bytes `from..to`.
    pub fn push(&mut self, c: char, from: usize, to: usize) {
        self.text.push(c);
        self.origin.extend(std::iter::repeat_n((from, to), c.len_utf8()));
    }

    /// Appends `text`, copied verbatim from the file at offset `at`.
    pub fn push_verbatim(&mut self, text: &str, at: usize) {
        for (i, c) in text.char_indices() {
            self.push(c, at + i, at + i + c.len_utf8());
        }
    }
}
