//! Byte spans into a file's text, and the line index that turns them into lines and columns.
//!
//! Every fact and finding holds a [`Span`]; line and column are computed only when a report is
//! written ([`LineIndex`]). Columns come in two flavours: Unicode scalar values (human and JSON
//! output) and UTF-16 code units (SARIF).

use serde::Serialize;

/// A half-open byte range `start..end` into a file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The span shifted right by `offset` bytes (a span relative to a capture made absolute).
    pub const fn shifted(self, offset: usize) -> Self {
        Span { start: self.start + offset, end: self.end + offset }
    }

    pub const fn len(self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// The smallest span of whole characters of `text` that covers this one (clamped to it).
    pub fn widened_to_chars(self, text: &str) -> Span {
        let mut end = self.end.min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        Span::new(clamp_to_char_boundary(text, self.start.min(end)), end)
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Line start offsets of one text. Lines end at `\n`, `\r\n` or a lone `\r`.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    /// The starts of every line, in byte offsets (what codespan's `Files::line_range` needs).
    pub fn line_starts(&self) -> &[usize] {
        &self.starts
    }

    /// The 0-based line that holds `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// The 1-based line and column (in Unicode scalar values) of `offset`.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = clamp_to_char_boundary(text, offset);
        let line = self.line_of(offset);
        let start = self.starts[line];
        LineCol { line: line + 1, column: text[start..offset].chars().count() + 1 }
    }

    /// The 1-based line and column in UTF-16 code units (SARIF's `utf16CodeUnits`).
    pub fn line_col_utf16(&self, text: &str, offset: usize) -> LineCol {
        let offset = clamp_to_char_boundary(text, offset);
        let line = self.line_of(offset);
        let start = self.starts[line];
        LineCol { line: line + 1, column: text[start..offset].encode_utf16().count() + 1 }
    }

    /// The byte range of 0-based `line`, without its line terminator.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.starts[line];
        let mut end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        Span::new(start, end)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// The largest char boundary not after `offset` (spans from extractors are always on boundaries;
/// this keeps a report from panicking if one ever is not).
pub fn clamp_to_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let text = "a\nbb\r\nccc\rd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_starts(), &[0, 2, 6, 10]);
        assert_eq!(index.line_col(text, 7), LineCol { line: 3, column: 2 });
        assert_eq!(index.line_col(text, 10), LineCol { line: 4, column: 1 });
        assert_eq!(index.line_span(text, 1), Span::new(2, 4));
    }

    #[test]
    fn columns_count_chars_and_utf16_units() {
        let text = "é😀x";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.line_col(text, x).column, 3);
        assert_eq!(index.line_col_utf16(text, x).column, 4);
    }

    #[test]
    fn offsets_inside_a_char_are_clamped() {
        let text = "é";
        assert_eq!(clamp_to_char_boundary(text, 1), 0);
    }
}
