//! `format!`-style strings: which parts are text and which are arguments.
//!
//! `"Basic {}"`, `"{user}:{}"`, `"{site}/rest/pat/latest/tokens"` are split into text pieces (with
//! their range in the decoded string, for exact spans) and argument references (positional,
//! explicitly numbered, or named, which may be an inline capture of a variable in scope).

use std::ops::Range;

/// Which argument a placeholder takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgRef {
    Index(usize),
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text (`{{` read as `{`), and its range in the format string.
    Text { text: String, range: Range<usize> },
    /// A placeholder and its range (braces included) in the format string.
    Arg { arg: ArgRef, range: Range<usize> },
}

/// Splits a format string into pieces; `None` when it is malformed.
pub fn pieces(format: &str) -> Option<Vec<Piece>> {
    let bytes = format.as_bytes();
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut text_start = 0;
    let mut next_positional = 0usize;
    let mut i = 0;
    let flush = |text: &mut String, start: usize, end: usize, pieces: &mut Vec<Piece>| {
        if !text.is_empty() {
            pieces.push(Piece::Text { text: std::mem::take(text), range: start..end });
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                text.push('{');
                i += 2;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => {
                text.push('}');
                i += 2;
            }
            b'{' => {
                let close = i + format.get(i..)?.find('}')?;
                flush(&mut text, text_start, i, &mut pieces);
                let inner = format.get(i + 1..close)?;
                let (name, spec) = inner.split_once(':').unwrap_or((inner, ""));
                let name = name.trim();
                if spec.contains(".*") {
                    // `{:.*}` takes the precision from the next positional argument first.
                    next_positional += 1;
                }
                let arg = if name.is_empty() {
                    next_positional += 1;
                    ArgRef::Index(next_positional - 1)
                } else if let Ok(index) = name.parse::<usize>() {
                    ArgRef::Index(index)
                } else {
                    ArgRef::Name(name.to_owned())
                };
                pieces.push(Piece::Arg { arg, range: i..close + 1 });
                i = close + 1;
                text_start = i;
            }
            b'}' => return None,
            _ => {
                let c = format.get(i..)?.chars().next()?;
                text.push(c);
                i += c.len_utf8();
            }
        }
    }
    flush(&mut text, text_start, bytes.len(), &mut pieces);
    Some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_text_and_arguments() {
        let p = pieces("Basic {}").unwrap();
        assert_eq!(p[0], Piece::Text { text: "Basic ".into(), range: 0..6 });
        assert_eq!(p[1], Piece::Arg { arg: ArgRef::Index(0), range: 6..8 });
        let p = pieces("{user}:{1}{{x}}").unwrap();
        assert_eq!(p[0], Piece::Arg { arg: ArgRef::Name("user".into()), range: 0..6 });
        assert_eq!(p[1], Piece::Text { text: ":".into(), range: 6..7 });
        assert_eq!(p[2], Piece::Arg { arg: ArgRef::Index(1), range: 7..10 });
        assert_eq!(p[3], Piece::Text { text: "{x}".into(), range: 10..15 });
        assert!(pieces("a } b").is_none());
        assert!(pieces("a { b").is_none());
    }
}
