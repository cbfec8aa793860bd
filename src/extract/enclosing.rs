//! The structures a value sits in, read from the text: for `'PASSWORD': ''` inside
//! `DATABASES = {'default': {…}}`, the keys `default` and `DATABASES` and the extent of each
//! structure. Used where a slot's meaning depends on where it is (a settings dict that
//! describes a database connection), in any language whose literals nest with brackets.
//!
//! It reads brackets backwards and skips quoted strings on the way, so a bracket inside a string
//! does not count; it is a reading of the text, not a parse, and gives up (returns what it has)
//! on anything it can't follow.

use std::ops::Range;

/// One enclosing structure: the name it is bound to (a key, a variable, possibly empty) and the
/// byte range from its opening bracket to its closing one (or the end of the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enclosing {
    pub name: String,
    pub range: Range<usize>,
}

/// Up to `levels` structures around byte `at` of `text`, innermost first.
pub fn enclosing(text: &str, at: usize, levels: usize) -> Vec<Enclosing> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut i = at.min(bytes.len());
    while i > 0 && found.len() < levels {
        i -= 1;
        match bytes[i] {
            b'"' | b'\'' => match skip_string_backwards(bytes, i) {
                Some(start) => i = start,
                None => break,
            },
            b'}' | b']' | b')' => depth += 1,
            b'{' | b'[' | b'(' if depth > 0 => depth -= 1,
            open @ (b'{' | b'[' | b'(') => {
                let end = matching_close(bytes, i, open).unwrap_or(bytes.len());
                found.push(Enclosing { name: name_before(text, i), range: i..end });
            }
            _ => {}
        }
    }
    found
}

/// The start of the string literal whose closing quote is at `end`, on the same line.
fn skip_string_backwards(bytes: &[u8], end: usize) -> Option<usize> {
    let quote = bytes[end];
    let mut i = end;
    while i > 0 {
        i -= 1;
        match bytes[i] {
            b'\n' => return None,
            b if b == quote && (i == 0 || bytes[i - 1] != b'\\') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The closing bracket of the one opened at `open_at`, skipping strings.
fn matching_close(bytes: &[u8], open_at: usize, open: u8) -> Option<usize> {
    let close = match open {
        b'{' => b'}',
        b'[' => b']',
        _ => b')',
    };
    let mut depth = 0usize;
    let mut i = open_at;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == open => depth += 1,
            None if b == close => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            None => {}
        }
        i += 1;
    }
    None
}

/// The key or variable a structure opened at `open_at` is bound to: the last name or quoted key
/// before `=`, `:`, `=>` or `(` on its line (`DATABASES = {`, `'default': {`, `'mysql' => [`,
/// `dict(`), lower-cased.
fn name_before(text: &str, open_at: usize) -> String {
    let line_start = text[..open_at].rfind('\n').map_or(0, |n| n + 1);
    let before = text[line_start..open_at].trim_end();
    let before = before
        .strip_suffix("=>")
        .or_else(|| before.strip_suffix(':'))
        .or_else(|| before.strip_suffix('='))
        .unwrap_or(before)
        .trim_end();
    let before = before.trim_end_matches(['"', '\'']);
    let name_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']')))
        .map_or(0, |(at, c)| at + c.len_utf8());
    before[name_start..].to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_settings_name_each_level_innermost_first() {
        let text = "DATABASES = {\n    'default': {\n        'ENGINE': 'x',\n        'PASSWORD': '',\n    },\n}\n";
        let at = text.find("'PASSWORD'").unwrap();
        let levels = enclosing(text, at, 4);
        let names: Vec<&str> = levels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["default", "databases"]);
        assert!(text[levels[0].range.clone()].contains("ENGINE"));
        assert!(text[levels[0].range.clone()].ends_with('}'));
    }

    #[test]
    fn brackets_inside_strings_and_closed_siblings_do_not_count() {
        let text = "$config = ['connections' => ['mysql' => ['host' => '{[(', 'opts' => [1, 2], 'password' => '']]];";
        let at = text.find("'password'").unwrap();
        let names: Vec<String> = enclosing(text, at, 4).into_iter().map(|l| l.name).collect();
        assert_eq!(names, ["mysql", "connections", "$config"].map(|n| n.trim_start_matches('$').to_owned()));
    }
}
