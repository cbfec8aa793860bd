//! Where in a file the code is test or documentation material, so that `check` can report what
//! is found there as notes: Rust `#[cfg(test)]`/`#[test]` items and doc comments (`///`, `//!`).
//!
//! Whole test and documentation *files* are recognised by path (`source::is_test_or_doc_path`);
//! this module finds the regions inside ordinary source files.

use std::sync::LazyLock;

use regex::Regex;

use crate::source::{FileKind, SourceFile};
use crate::span::Span;

pub fn test_or_doc_regions(file: &SourceFile) -> Vec<Span> {
    let name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if name.ends_with(".gradle") || name.ends_with(".gradle.kts") {
        return gradle_test_tasks(&file.text);
    }
    match file.kind {
        FileKind::Rust => rust_regions(&file.text),
        FileKind::Python => python_docstrings(&file.text),
        _ => Vec::new(),
    }
}

/// The configuration blocks of a Gradle build's test tasks (`test { … }`, `tasks.test { … }`,
/// `tasks.named("test") { … }`, `tasks.withType(Test) { … }`, `integrationTest { … }`): the
/// environment and system properties they set are the tests' own.
fn gradle_test_tasks(text: &str) -> Vec<Span> {
    static TEST_TASK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?m)^[ 	]*(?:tasks\.)?(?:test|\w+Test|named\(\s*["']\w*[tT]est["'][^)]*\)|withType\(\s*Test(?:::class(?:\.java)?)?\s*\)|register\(\s*["']\w*[tT]est["'][^)]*\))(?:\.configure)?[ 	]*\{"#,
        )
        .expect("valid regex")
    });
    TEST_TASK.find_iter(text).filter_map(|m| item_end(text, m.end() - 1).map(|end| Span::new(m.start(), end))).collect()
}

/// Python docstrings: triple-quoted strings that stand as statements (the opening quotes begin
/// their line), where examples like `https://user:pass@host` are documentation.
fn python_docstrings(text: &str) -> Vec<Span> {
    static OPENING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*[rRuUbB]?("""|''')"#).expect("valid regex"));
    let mut regions = Vec::new();
    let mut from = 0;
    while let Some(caps) = OPENING.captures_at(text, from) {
        let (Some(whole), Some(quotes)) = (caps.get(0), caps.get(1)) else { break };
        let Some(close) = text[quotes.end()..].find(quotes.as_str()) else { break };
        let end = quotes.end() + close + 3;
        regions.push(Span::new(whole.start(), end));
        from = end;
    }
    regions
}

fn rust_regions(text: &str) -> Vec<Span> {
    static TEST_ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"#\[\s*(?:cfg\s*\(\s*(?:all\s*\(\s*)?test\b[^\]]*|test|[\w:]+::test(?:\([^\]]*\))?)\s*\]")
            .expect("valid regex")
    });
    static DOC_COMMENT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?m)^[ \t]*//[/!][^\n]*").expect("valid regex"));
    let mut regions: Vec<Span> = DOC_COMMENT.find_iter(text).map(|m| Span::new(m.start(), m.end())).collect();
    for attribute in TEST_ATTRIBUTE.find_iter(text) {
        if let Some(end) = item_end(text, attribute.end()) {
            regions.push(Span::new(attribute.start(), end));
        }
    }
    regions.sort();
    regions
}

/// The end of the item after an attribute: its matching `}` (strings, raw strings, char literals
/// and comments skipped), or its `;` for a body-less item.
fn item_end(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            // Raw strings: `r"…"`, `r#"…"#`, `br##"…"##`.
            b'r' if (i == 0 || !is_ident_byte(bytes[i - 1])) && matches!(bytes.get(i + 1), Some(b'"' | b'#')) => {
                let hashes = bytes[i + 1..].iter().take_while(|&&b| b == b'#').count();
                if bytes.get(i + 1 + hashes) == Some(&b'"') {
                    let closing: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
                    let body = i + 2 + hashes;
                    let end = bytes.get(body..)?.windows(closing.len()).position(|w| w == closing.as_slice())?;
                    i = body + end + closing.len();
                    continue;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            // Char literals (`'{'`, `'\''`); a lifetime (`'a`) has no closing quote.
            b'\'' => {
                if bytes.get(i + 1) == Some(&b'\\') && bytes.get(i + 3) == Some(&b'\'') {
                    i += 3;
                } else if bytes.get(i + 2) == Some(&b'\'') {
                    i += 2;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2 + bytes.get(i + 2..)?.windows(2).position(|w| w == b"*/")? + 1;
            }
            b'{' => depth += 1,
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b';' if depth == 0 => return Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_docstrings_are_regions() {
        let text = "def f():\n    \"\"\"Example:\n\n    https://a:b@x\n    \"\"\"\n    s = \"\"\"not a docstring\"\"\" + real\n";
        let file = SourceFile::from_name("m.py", text);
        let regions = test_or_doc_regions(&file);
        assert_eq!(regions.len(), 1);
        let url = text.find("https").unwrap();
        assert!(regions[0].start <= url && url < regions[0].end);
        assert!(regions[0].end <= text.find("s = ").unwrap());
    }

    #[test]
    fn rust_test_modules_and_doc_comments_are_regions() {
        let text = "/// let u = \"https://a:b@x\";\nfn real() {}\n#[cfg(test)]\nmod tests {\n    fn t() { let s = \"}\"; let r = r#\"{ \"k\": \"}\" \"#; let c = '}'; }\n}\nfn after() {}\n";
        let file = SourceFile::from_name("lib.rs", text);
        let regions = test_or_doc_regions(&file);
        let covered = |needle: &str| {
            let at = text.find(needle).unwrap();
            regions.iter().any(|r| r.start <= at && at < r.end)
        };
        assert!(covered("https://a:b@x"));
        assert!(covered("fn t()"));
        assert!(!covered("fn real"));
        assert!(!covered("fn after"));
    }
}
