//! Jupyter notebooks: the Python of their code cells, decoded from the JSON strings it is stored
//! in, with a map from each decoded byte back to the file, so that findings point into the
//! notebook as it is written (inside the escaped JSON string).

use super::mapped::MappedText;
use crate::span::Span;

/// The code cells of the notebook `text`, each cell's source strings decoded and joined, cells
/// separated by a blank line; `None` when it is not a notebook or has no code.
pub fn python_code(text: &str) -> Option<MappedText> {
    let cells = super::config::notebook_code_strings(text)?;
    let mut code = MappedText::default();
    for spans in cells.iter().filter(|spans| !spans.is_empty()) {
        for span in spans {
            decode_json_string(text, *span, &mut code);
        }
        // A cell ends its last line; the separator belongs to the cell's last string.
        let at = spans.last().map_or(0, |s| s.end);
        if !code.text.ends_with('\n') {
            code.push('\n', at, at);
        }
        code.push('\n', at, at);
    }
    (!code.text.trim().is_empty()).then_some(code)
}

/// Appends the decoded content of the JSON string at `span` (inside its quotes).
fn decode_json_string(text: &str, span: Span, code: &mut MappedText) {
    let raw = &text[span.range()];
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let from = span.start + i;
        if c != '\\' {
            code.push(c, from, from + c.len_utf8());
            continue;
        }
        let Some((_, escape)) = chars.next() else { break };
        let decoded = match escape {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'u' => {
                let hex: String = (0..4).filter_map(|_| chars.next().map(|(_, h)| h)).collect();
                let unit = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                let mut end = from + 6;
                // What follows the escape (empty when a malformed one runs past the string).
                let after = raw.get(end - span.start..).unwrap_or("");
                let value = if (0xD800..0xDC00).contains(&unit) && after.starts_with("\\u") {
                    // A surrogate pair: `\ud83d\ude00`.
                    let low: String = after[2..].chars().take(4).collect();
                    let low = u32::from_str_radix(&low, 16).unwrap_or(0);
                    for _ in 0..6 {
                        chars.next();
                    }
                    end += 6;
                    0x10000 + ((unit - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF)
                } else {
                    unit
                };
                let c = char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER);
                code.push(c, from, end.min(span.end));
                continue;
            }
            other => other,
        };
        code.push(decoded, from, from + 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTEBOOK: &str = r##"{
 "cells": [
  {"cell_type": "markdown", "source": ["# password = \"not code\"\n"]},
  {"cell_type": "code", "metadata": {}, "source": [
    "import requests\n",
    "auth = (\"svc\", \"Summer2024!\")\n"
  ]},
  {"cell_type": "code", "source": "print(\"caf\u00e9\")"}
 ],
 "nbformat": 4
}"##;

    #[test]
    fn code_cells_are_decoded_and_map_back_to_the_file() {
        let code = python_code(NOTEBOOK).unwrap();
        assert_eq!(code.text, "import requests\nauth = (\"svc\", \"Summer2024!\")\n\nprint(\"café\")\n\n");
        let at = code.text.find("Summer2024!").unwrap();
        let span = code.map(Span::new(at, at + "Summer2024!".len()));
        assert_eq!(&NOTEBOOK[span.range()], "Summer2024!");
        // An escaped quote is two bytes of the file.
        let quote = code.text.find("\"svc").unwrap();
        assert_eq!(&NOTEBOOK[code.map(Span::new(quote, quote + 1)).range()], "\\\"");
        let e = code.text.find('é').unwrap();
        assert_eq!(&NOTEBOOK[code.map(Span::new(e, e + 'é'.len_utf8())).range()], "\\u00e9");
        assert!(!code.text.contains("not code"), "markdown cells are not code");
    }

    #[test]
    fn other_json_is_no_notebook() {
        assert!(python_code(r#"{"password": "x"}"#).is_none());
        assert!(python_code("not json").is_none());
    }
}
