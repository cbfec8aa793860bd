//! The "read it from the environment" quick fix: the text edits that replace a hardcoded secret
//! literal with a read of an environment variable in the file's language, plus the import that the
//! read needs, and the variable's name derived from the credential's name in code.
//!
//! It owns the judgement of *where* a read may go, made from the text (the document is being typed
//! and may not parse), except in Rust, whose syntax tree the project already reads
//! (`extract::rust_constants`: a Rust file that doesn't parse gets no fix). The literal must be
//! one whole string literal —
//! matching quotes, no prefix that changes its meaning (`f"…"`, `b"…"`, `r#"…"#`), no
//! interpolation — and its slot must take a run-time expression: not a Rust, Go, C# or PHP
//! constant, an annotation or attribute argument, a `case` label or a match pattern. Whatever it
//! can't judge it refuses (`None`): a quick fix that breaks the build is worse than none. Pure
//! functions over the document's text; the server turns the byte ranges into protocol ranges.

use crate::source::FileKind;

/// One edit: replace the bytes `start..end` of the document with `text` (an insertion has start == end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The edits that replace the string literal whose *content* is `text[content.0..content.1]` (byte offsets, the
/// quotes are NOT included in that range; they sit just outside it, if any) with a read of environment variable
/// `var` in `kind`'s language, plus any import the read needs. `None` when the slot does not allow it, when the
/// offsets are out of range or not on character boundaries, or when `var` is not a valid variable name.
///
/// The edits are in document order and never overlap; an import inserted at the literal's own start comes first.
pub fn replace_with_env_read(kind: FileKind, text: &str, content: (usize, usize), var: &str) -> Option<Vec<Edit>> {
    let (start, end) = content;
    // `get` refuses reversed, out-of-range and mid-character offsets alike.
    text.get(start..end)?;
    if !is_variable(var) {
        return None;
    }
    let mut edits = if kind == FileKind::Shell {
        shell(text, start, end, var)?
    } else {
        let literal = Literal::around(kind, text, start, end)?;
        match kind {
            FileKind::Python => python(text, &literal, var)?,
            FileKind::JavaScript => javascript(text, &literal, var)?,
            FileKind::Java | FileKind::Groovy => jvm(kind, text, &literal, var)?,
            FileKind::Go => go(text, &literal, var)?,
            FileKind::Rust => rust(text, &literal, var)?,
            FileKind::Ruby => ruby(text, &literal, var)?,
            FileKind::Php => php(text, &literal, var)?,
            FileKind::CSharp => csharp(text, &literal, var)?,
            FileKind::PowerShell => vec![literal.replaced_by(format!("$env:{var}"))],
            _ => return None,
        }
    };
    edits.sort_by_key(|edit| (edit.start, edit.end));
    // An import landing inside the replaced literal would garble both: refuse rather than guess.
    edits.windows(2).all(|pair| pair[0].end <= pair[1].start).then_some(edits)
}

/// An environment variable name from a credential's name in code (`jiraPassword`, `jira-password`,
/// `self.api_token`, `JIRA_PASSWORD`) -> `JIRA_PASSWORD`, `API_TOKEN`; only ASCII `[A-Z0-9_]`, not starting with
/// a digit, never empty (fallback given by the caller via `fallback`), at most 64 chars.
pub fn variable_name(name: Option<&str>, fallback: &str) -> String {
    name.and_then(screaming_snake).or_else(|| screaming_snake(fallback)).unwrap_or_else(|| "SECRET".to_owned())
}

// ---------------------------------------------------------------------------------------------
// Variable names

/// `self.jiraPassword` -> `JIRA_PASSWORD`, or `None` when nothing usable is left.
fn screaming_snake(name: &str) -> Option<String> {
    // Only the last segment names the credential: `self.`, `Config::`, `$this->` only say where it lives.
    let name = name.replace("->", ".");
    let segment = name
        .split(['.', ':', '$', '@', '[', ']', '(', ')', '\'', '"', '/', '\\'])
        .rfind(|segment| segment.bytes().any(|b| b.is_ascii_alphanumeric()))?;
    let mut joined = words_of(segment).join("_").to_ascii_uppercase();
    joined.truncate(64); // ASCII only, so any index is a character boundary
    let joined = joined.trim_end_matches('_');
    (!joined.is_empty() && !joined.starts_with(|c: char| c.is_ascii_digit())).then(|| joined.to_owned())
}

/// The words of an identifier: split at `_`, `-`, spaces and other ASCII punctuation and at camelCase humps
/// (`APIToken` -> `API`, `Token`; `oauth2Token` -> `oauth2`, `Token`). Non-ASCII characters are dropped.
fn words_of(segment: &str) -> Vec<String> {
    let chars: Vec<char> = segment.chars().filter(char::is_ascii).collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let hump = c.is_ascii_uppercase() && starts_hump(previous, chars.get(i + 1).copied());
        if !c.is_ascii_alphanumeric() || hump {
            words.extend((!word.is_empty()).then(|| std::mem::take(&mut word)));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c);
        }
    }
    words.extend((!word.is_empty()).then_some(word));
    words
}

/// Whether an upper-case letter between `previous` and `next` starts a word: after a lower-case letter or a
/// digit, or as the last capital of an acronym followed by a lower-case letter.
fn starts_hump(previous: Option<char>, next: Option<char>) -> bool {
    match previous {
        Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
        Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
        _ => false,
    }
}

/// Whether `var` can be pasted into every language's read as is: `[A-Za-z_][A-Za-z0-9_]*`.
fn is_variable(var: &str) -> bool {
    var.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_') && var.bytes().all(is_ident_byte)
}

// ---------------------------------------------------------------------------------------------
// The literal

/// A whole quoted string literal around the caller's content range.
#[derive(Debug, Clone, Copy)]
struct Literal {
    /// First byte of the literal: its prefix (`u`, `r`, `@`, `$`) if any, else the opening quote.
    from: usize,
    /// One past the closing quote.
    to: usize,
}

impl Literal {
    /// The literal whose content is `start..end`, when it is one whole plain string literal of `kind`.
    fn around(kind: FileKind, text: &str, start: usize, end: usize) -> Option<Literal> {
        let bytes = text.as_bytes();
        let open = start.checked_sub(1)?;
        let quote = *bytes.get(open)?;
        if !quotes(kind).contains(&quote) || bytes.get(end) != Some(&quote) {
            return None;
        }
        // A doubled quote on either side is a triple-quoted string, a text block or two adjacent literals.
        let doubled =
            open.checked_sub(1).and_then(|i| bytes.get(i)) == Some(&quote) || bytes.get(end + 1) == Some(&quote);
        let from = prefix_start(kind, text, open)?;
        let literal = Literal { from, to: end + 1 };
        let plain = plain_content(kind, quote, text.get(from..open)?, text.get(start..end)?);
        let whole = !doubled && plain && !joins_before(text, from) && !joins_after(kind, text, literal.to);
        let alone = !adjacent_literal(kind, text, &literal) && !inside_string_or_comment(kind, text, from);
        (whole && alone).then_some(literal)
    }

    /// The edit that puts `read` where the whole literal (prefix and quotes included) was.
    fn replaced_by(&self, read: String) -> Edit {
        Edit { start: self.from, end: self.to, text: read }
    }
}

/// The quotes that open a string literal in `kind` (none: the kind gets no fix). A `'` is a character in
/// Java, Go, Rust and C#, and Go's backtick string is raw, hence whole.
fn quotes(kind: FileKind) -> &'static [u8] {
    match kind {
        FileKind::Python | FileKind::Ruby | FileKind::Php | FileKind::PowerShell | FileKind::Groovy => b"\"'",
        FileKind::JavaScript => b"\"'`",
        FileKind::Go => b"\"`",
        FileKind::Java | FileKind::Rust | FileKind::CSharp => b"\"",
        _ => b"",
    }
}

/// Where the literal opening at `open` starts, its prefix included; `None` for a prefix that changes what the
/// literal is (Python `f`, `b`, `rb`; anything but `@` and `$` in C#).
fn prefix_start(kind: FileKind, text: &str, open: usize) -> Option<usize> {
    let before = text.as_bytes().get(..open)?;
    let (allowed, in_prefix): (&[&str], fn(&u8) -> bool) = match kind {
        // A raw string's value is its text too; `u` is Python 2's unicode marker.
        FileKind::Python => (&["", "u", "U", "r", "R"], |b| is_ident_byte(*b)),
        FileKind::CSharp => (&["", "@", "$", "@$", "$@"], |b| *b == b'@' || *b == b'$'),
        _ => return Some(open),
    };
    let from = open - before.iter().rev().take_while(|b| in_prefix(b)).count();
    allowed.contains(&text.get(from..open)?).then_some(from)
}

/// Whether the byte before the literal glues it to something else: a name (`sql\`…\``, `b"…"`, `r"…"`), an
/// escape (`\"…\"` inside another string), `$'…'`, `@"…"`, `r#"…"#`.
fn joins_before(text: &str, from: usize) -> bool {
    let before = from.checked_sub(1).and_then(|i| text.as_bytes().get(i)).copied();
    before.is_some_and(|b| is_ident_byte(b) || matches!(b, b'$' | b'@' | b'#' | b'\\'))
}

/// Whether the byte after the closing quote glues the literal to a suffix (C# `"…"u8`, Rust `"…"#`).
fn joins_after(kind: FileKind, text: &str, to: usize) -> bool {
    let after = text.as_bytes().get(to).copied();
    after.is_some_and(|b| is_ident_byte(b) || (kind == FileKind::Rust && b == b'#'))
}

/// Whether another literal sits right next to this one (`"a" "b"` concatenates in Python and Ruby): the
/// content is then only part of a value. PowerShell is left out: there two strings are two arguments.
fn adjacent_literal(kind: FileKind, text: &str, literal: &Literal) -> bool {
    let is_quote = |b: u8| quotes(kind).contains(&b);
    kind != FileKind::PowerShell
        && (prev_non_space(text, literal.from).is_some_and(is_quote)
            || next_non_space(text, literal.to).is_some_and(is_quote))
}

/// Whether `content` is all of one literal's plain text: no unescaped quote inside and no escape of the
/// closing quote (either means the range is not what the quotes enclose), no line break where the literal
/// can't hold one, and no interpolation (the read would drop it).
fn plain_content(kind: FileKind, quote: u8, prefix: &str, content: &str) -> bool {
    let multiline = match kind {
        FileKind::Rust | FileKind::Ruby | FileKind::Php | FileKind::PowerShell => true,
        FileKind::JavaScript | FileKind::Go => quote == b'`',
        FileKind::CSharp => prefix.contains('@'),
        _ => false,
    };
    !stray_quote(content, quote, escape_byte(kind, quote, prefix))
        && (multiline || !content.contains('\n'))
        && !interpolates(kind, quote, prefix, content)
}

/// The byte that escapes a quote inside the literal, if any: a backslash mostly, PowerShell's backtick, and
/// none in raw kinds (Go backticks, PowerShell single quotes, C# verbatim strings).
fn escape_byte(kind: FileKind, quote: u8, prefix: &str) -> Option<u8> {
    match (kind, quote) {
        (FileKind::Go, b'`') | (FileKind::PowerShell, b'\'') => None,
        (FileKind::PowerShell, _) => Some(b'`'),
        (FileKind::CSharp, _) if prefix.contains('@') => None,
        _ => Some(b'\\'),
    }
}

/// Whether `content` holds an unescaped `quote`, or ends in an escape (which would escape the closing quote).
fn stray_quote(content: &str, quote: u8, escape: Option<u8>) -> bool {
    let mut bytes = content.bytes();
    while let Some(b) = bytes.next() {
        if Some(b) == escape {
            if bytes.next().is_none() {
                return true;
            }
        } else if b == quote {
            return true;
        }
    }
    false
}

/// Whether the literal interpolates code, so that it is not one constant value.
fn interpolates(kind: FileKind, quote: u8, prefix: &str, content: &str) -> bool {
    match (kind, quote) {
        (FileKind::JavaScript, b'`') => content.contains("${"),
        (FileKind::Ruby, b'"') => content.contains("#{") || content.contains("#@") || content.contains("#$"),
        (FileKind::Php | FileKind::Groovy | FileKind::PowerShell, b'"') => content.contains('$'),
        (FileKind::CSharp, _) => prefix.contains('$') && content.contains('{'),
        _ => false,
    }
}

/// Whether `at` is inside a string or a comment opened earlier on its line (`'{"k": "…"}'`, a struct tag,
/// `# token = "…"`), as far as the line alone tells: a literal inside another one is only part of a value, and a
/// commented-out one needs no fix. Strings and comments spanning lines are not followed.
fn inside_string_or_comment(kind: FileKind, text: &str, at: usize) -> bool {
    let line = line_prefix(text, at);
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let rest = bytes.get(i..).unwrap_or_default();
        let next = if rest.starts_with(b"/*") && !matches!(kind, FileKind::Python | FileKind::Ruby) {
            line.get(i + 2..).and_then(|r| r.find("*/")).map(|n| i + 2 + n + 2)
        } else if line_comment_starts(kind, rest) {
            None
        } else if b == b'"' || b == b'\'' || (b == b'`' && quotes(kind).contains(&b)) {
            skip_literal(kind, line, i)
        } else if b == b'`' && kind == FileKind::PowerShell {
            Some(i + 2) // an escape outside strings too
        } else if is_ident_byte(b) && kind == FileKind::Rust {
            skip_word_or_raw_string(line, i)
        } else {
            Some(i + 1)
        };
        match next {
            Some(next) => i = next,
            None => return true,
        }
    }
    false
}

/// Whether a line comment opens at `rest`, in the kind's own comment syntax.
fn line_comment_starts(kind: FileKind, rest: &[u8]) -> bool {
    // `#[…]` opens a PHP attribute, not a comment.
    !(kind == FileKind::Php && rest.starts_with(b"#["))
        && kind.line_comment_leaders().iter().any(|leader| rest.starts_with(leader.as_bytes()))
}

/// Past the string or character literal whose quote is at `i` of `line`; `None` if it runs past the line's end.
fn skip_literal(kind: FileKind, line: &str, i: usize) -> Option<usize> {
    let bytes = line.as_bytes();
    let quote = *bytes.get(i)?;
    if kind == FileKind::Rust && quote == b'\'' {
        return Some(skip_char_literal(line, i)); // or a lifetime
    }
    let verbatim = kind == FileKind::CSharp && line.get(..i).is_some_and(|b| b.ends_with('@') || b.ends_with("@$"));
    let escape = if verbatim { None } else { escape_byte(kind, quote, "") };
    let mut j = i + 1;
    while let Some(&b) = bytes.get(j) {
        if Some(b) == escape {
            j += 2;
        } else if b == quote {
            return Some(j + 1);
        } else {
            j += 1;
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Python

fn python(text: &str, literal: &Literal, var: &str) -> Option<Vec<Edit>> {
    // `case "…":` is a match pattern, which takes literals, not expressions.
    if line_prefix(text, literal.from).trim_start().starts_with("case ") {
        return None;
    }
    let imports = python_imports(text);
    if !imports.os && imports.environ {
        return Some(vec![literal.replaced_by(format!("environ[\"{var}\"]"))]);
    }
    let read = literal.replaced_by(format!("os.environ[\"{var}\"]"));
    if imports.os {
        return Some(vec![read]);
    }
    let at = python_import_offset(text, literal.from);
    let nl = newline(text);
    let lead = if at == text.len() && !text.is_empty() && !text.ends_with('\n') { nl } else { "" };
    Some(vec![insert(at, &format!("{lead}import os{nl}")), read])
}

/// What a module's top-level imports bind that an environment read can use.
#[derive(Debug, Default)]
struct PythonImports {
    /// `import os`, `import os.path`, `import sys, os`.
    os: bool,
    /// `from os import environ` (not `… as env`).
    environ: bool,
}

fn python_imports(text: &str) -> PythonImports {
    let mut found = PythonImports::default();
    // Only top-level lines: an `import os` inside a function binds `os` there alone.
    for (_, line) in lines(text).filter(|(_, line)| !line.starts_with(char::is_whitespace)) {
        let code = line.split('#').next().unwrap_or_default();
        for statement in code.split(';').map(str::trim) {
            if let Some(names) = statement.strip_prefix("import ") {
                found.os |= imported_names(names).any(|(_, bound)| bound == "os");
            } else if let Some((module, names)) = statement.strip_prefix("from ").and_then(|r| r.split_once(" import "))
                && module.trim() == "os"
            {
                found.environ |= imported_names(names).any(|(name, bound)| name == "environ" && bound == "environ");
            }
        }
    }
    found
}

/// The `(name, bound name)` pairs of an import list: `os.path` binds `os`, `environ as env` binds `env`.
fn imported_names(names: &str) -> impl Iterator<Item = (&str, &str)> {
    names.trim().trim_start_matches('(').trim_end_matches(')').split(',').filter_map(|item| {
        let mut words = item.split_whitespace();
        let name = words.next()?;
        let bound = match (words.next(), words.next()) {
            (Some("as"), Some(alias)) => alias,
            _ => name.split('.').next().unwrap_or(name),
        };
        Some((name, bound))
    })
}

/// Where `import os` goes: with the module's other imports (after any `from __future__` import, which must come
/// first), else after its leading comments and docstring; in every case before the literal, so module-level
/// code that reads the variable runs after the import.
fn python_import_offset(text: &str, literal: usize) -> usize {
    let after_comments = python_comments_end(text);
    let after_docstring = python_docstring_end(text, after_comments).unwrap_or(after_comments);
    let (first_import, after_future) = python_import_lines(text, after_docstring);
    [first_import, after_future, Some(after_docstring), Some(after_comments)]
        .into_iter()
        .flatten()
        .find(|&at| at <= literal)
        .unwrap_or(0)
}

/// The end of the module's leading comment lines (shebang, encoding, licence).
fn python_comments_end(text: &str) -> usize {
    lines(text).take_while(|(_, line)| line.starts_with('#')).last().map_or(0, |(at, _)| line_end(text, at))
}

/// The end of the line that closes a module docstring starting (after blank lines) at `from`.
fn python_docstring_end(text: &str, from: usize) -> Option<usize> {
    let rest = text.get(from..)?;
    let start = from + (rest.len() - rest.trim_start().len());
    if line_start(text, start) != start {
        return None; // indented: not a module docstring
    }
    let body = text.get(start..)?;
    let unprefixed = body.strip_prefix(['r', 'R', 'u', 'U']).unwrap_or(body);
    for delimiter in ["\"\"\"", "'''"] {
        if let Some(inner) = unprefixed.strip_prefix(delimiter) {
            let close = start + (body.len() - inner.len()) + inner.find(delimiter)?;
            return Some(line_end(text, close));
        }
    }
    let quote = unprefixed.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let line = text.get(start..line_end(text, start))?.trim_end();
    (line.len() > body.len() - unprefixed.len() + 1 && line.ends_with(quote)).then(|| line_end(text, start))
}

/// The first top-level import at or after `from` that is not a `from __future__` import, and the end of the
/// last `from __future__` import before it.
fn python_import_lines(text: &str, from: usize) -> (Option<usize>, Option<usize>) {
    let mut after_future = None;
    for (at, line) in lines(text).filter(|&(at, _)| at >= from) {
        if line.starts_with("from __future__ ") {
            after_future = Some(python_statement_end(text, at));
        } else if line.starts_with("import ") || line.starts_with("from ") {
            return (Some(at), after_future);
        }
    }
    (None, after_future)
}

/// The end of the statement starting on the line at `at`: that line, or the line closing its parenthesis.
fn python_statement_end(text: &str, at: usize) -> usize {
    let end = line_end(text, at);
    let line = text.get(at..end).unwrap_or("");
    match text.get(end..).and_then(|rest| rest.find(')')) {
        Some(close) if line.contains('(') && !line.contains(')') => line_end(text, end + close),
        _ => end,
    }
}

// ---------------------------------------------------------------------------------------------
// JavaScript and TypeScript

fn javascript(text: &str, literal: &Literal, var: &str) -> Option<Vec<Edit>> {
    // A module specifier (`import … from "x"`, `import "x"`, `declare module "x"`) must stay a literal.
    if matches!(word_before(text, literal.from), "from" | "import" | "module") {
        return None;
    }
    // `{ "key": value }`: a property name, which would need `[…]`, and is not where a secret sits.
    let key = matches!(prev_non_space(text, literal.from), Some(b'{' | b','))
        && next_non_space(text, literal.to) == Some(b':');
    if key {
        return None;
    }
    let read = format!("process.env.{var}");
    let read = if is_jsx_attribute(text, literal.from) { format!("{{{read}}}") } else { read };
    Some(vec![literal.replaced_by(read)])
}

/// Whether the literal is a JSX attribute value (`<Client token="…"`), which takes an expression only in braces:
/// it follows `name=` directly and the last angle bracket before it opens a tag.
fn is_jsx_attribute(text: &str, from: usize) -> bool {
    let Some(before) = text.as_bytes().get(..from) else { return false };
    let after_name = matches!(before, [.., name, b'='] if is_ident_byte(*name) || *name == b'-');
    let tag = before
        .iter()
        .rposition(|&b| b == b'<' || b == b'>')
        .is_some_and(|at| before[at] == b'<' && before.get(at + 1).is_some_and(u8::is_ascii_alphabetic));
    after_name && tag
}

// ---------------------------------------------------------------------------------------------
// Java and Groovy

fn jvm(kind: FileKind, text: &str, literal: &Literal, var: &str) -> Option<Vec<Edit>> {
    // Annotation arguments, annotation element defaults (`String value() default "…";`) and Java `case` labels
    // must be compile-time constants.
    let constant = in_annotation(since_last(text, literal.from, b";"))
        || word_before(text, literal.from) == "default"
        || (kind == FileKind::Java && in_case_label(line_prefix(text, literal.from)));
    (!constant).then(|| vec![literal.replaced_by(format!("System.getenv(\"{var}\")"))])
}

/// Whether `code` (up to the literal) leaves an annotation's argument list open: `@Value("`, `@Named(value = "`.
fn in_annotation(code: &str) -> bool {
    let bytes = code.as_bytes();
    let mut open = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' => open.push(follows_annotation_name(&bytes[..i])),
            b')' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.contains(&true)
}

/// Whether `before` ends in `@Name` (or `@pkg.Name`).
fn follows_annotation_name(before: &[u8]) -> bool {
    let name = before.iter().rev().take_while(|&&b| is_ident_byte(b) || b == b'.').count();
    name > 0 && before.len() > name && before[before.len() - name - 1] == b'@'
}

/// Whether the end of a line is inside a `case` label (`case "a", "` but not `case "a" -> f("`).
fn in_case_label(prefix: &str) -> bool {
    last_word_at(prefix, "case").is_some_and(|at| {
        let label = prefix.get(at..).unwrap_or("");
        !label.contains("->") && !label.contains(':')
    })
}

// ---------------------------------------------------------------------------------------------
// Go

fn go(text: &str, literal: &Literal, var: &str) -> Option<Vec<Edit>> {
    if go_in_const(text, literal.from) {
        return None;
    }
    let read = literal.replaced_by(format!("os.Getenv(\"{var}\")"));
    Some(go_os_import(text).into_iter().chain([read]).collect())
}

/// Whether the literal at `at` is in a `const` declaration (a call is not a constant): on a `const` line or in a
/// `const ( … )` group not closed yet.
fn go_in_const(text: &str, at: usize) -> bool {
    if strip_word(line_prefix(text, at).trim_start(), "const").is_some() {
        return true;
    }
    let mut group: Option<(bool, usize)> = None; // (a const group?, its indentation)
    for (_, line) in lines(text.get(..line_start(text, at)).unwrap_or("")) {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(keyword) = ["const", "var", "import", "type"].into_iter().find(|&k| opens_group(trimmed, k)) {
            group = Some((keyword == "const", indent));
        } else if trimmed.starts_with(')') && group.is_some_and(|(_, at)| at == indent) {
            group = None;
        }
    }
    group.is_some_and(|(is_const, _)| is_const)
}

/// Whether a (trimmed) Go line opens a `keyword ( … )` group.
fn opens_group(line: &str, keyword: &str) -> bool {
    strip_word(line, keyword).is_some_and(|rest| rest.trim_start().starts_with('('))
}

/// The edit that imports `"os"`: into the `import ( … )` block, else before the first single import, else after
/// the `package` clause. `None` when the file already imports it without an alias.
fn go_os_import(text: &str) -> Option<Edit> {
    let (mut block, mut single, mut package, mut in_block) = (None, None, None, false);
    for (at, line) in lines(text) {
        let code = line.split("//").next().unwrap_or_default().trim();
        if in_block {
            if code.starts_with(')') {
                in_block = false;
            } else if code == "\"os\"" {
                return None;
            }
        } else if line.starts_with(char::is_whitespace) {
            continue; // only top-level lines declare imports
        } else if let Some(spec) = strip_word(code, "import").map(str::trim_start) {
            if spec.starts_with('(') {
                in_block = true;
                block = block.or(Some(line_end(text, at)));
            } else if spec == "\"os\"" {
                return None;
            } else {
                single = single.or(Some(at));
            }
        } else if strip_word(code, "package").is_some() {
            package = package.or(Some(line_end(text, at)));
        } else if ["func", "type", "var", "const"].into_iter().any(|k| strip_word(code, k).is_some()) {
            break; // imports come before every other declaration
        }
    }
    let nl = newline(text);
    Some(match (block, single, package) {
        (Some(at), _, _) => insert(at, &format!("\t\"os\"{nl}")),
        (None, Some(at), _) => insert(at, &format!("import \"os\"{nl}")),
        (None, None, Some(at)) if at == text.len() && !text.ends_with('\n') => {
            insert(at, &format!("{nl}{nl}import \"os\"{nl}"))
        }
        (None, None, Some(at)) => insert(at, &format!("{nl}import \"os\"{nl}")),
        (None, None, None) => insert(0, &format!("import \"os\"{nl}")),
    })
}

// ---------------------------------------------------------------------------------------------
// Rust

fn rust(text: &str, literal: &Literal, var: &str) -> Option<Vec<Edit>> {
    // A constant, a `const fn`, an attribute or a pattern takes no run-time value; a file that doesn't
    // parse can't say where the literal is.
    let regions = crate::extract::rust_constants::regions(text)?;
    if regions.iter().any(|region| region.start <= literal.from && literal.to <= region.end) {
        return None;
    }
    // The read is a `String` where a `&str` was; borrowed, it fits the slot, but a method called on the literal
    // (`"…".to_string()`) would bind tighter than `&`, and takes the `String` as well.
    let borrow = if text.as_bytes().get(literal.to) == Some(&b'.') { "" } else { "&" };
    Some(vec![literal.replaced_by(format!("{borrow}std::env::var(\"{var}\").expect(\"{var} is set\")"))])
}

/// Past a character literal at `at` (`'a'`, `'\''`, `'é'`), or past the quote of a lifetime or label.
fn skip_char_literal(code: &str, at: usize) -> usize {
    let Some(rest) = code.get(at + 1..) else { return code.len() };
    match rest.chars().next() {
        Some('\\') => rest.get(2..).and_then(|r| r.find('\'')).map_or(code.len(), |n| at + 1 + 2 + n + 1),
        Some(c) if rest.get(c.len_utf8()..).is_some_and(|r| r.starts_with('\'')) => at + 1 + c.len_utf8() + 1,
        _ => at + 1,
    }
}

/// Past the identifier, keyword or number at `at`, or past the raw string it prefixes (`r#"…"#`, `br"…"`);
/// `None` for a raw string that doesn't close in `code`.
fn skip_word_or_raw_string(code: &str, at: usize) -> Option<usize> {
    let bytes = code.as_bytes();
    let end = at + bytes.get(at..).unwrap_or_default().iter().take_while(|&&b| is_ident_byte(b)).count();
    if matches!(code.get(at..end), Some("r" | "br" | "cr")) {
        let hashes = bytes.get(end..).unwrap_or_default().iter().take_while(|&&b| b == b'#').count();
        if bytes.get(end + hashes) == Some(&b'"') {
            let closing = format!("\"{}", "#".repeat(hashes));
            let body = end + hashes + 1;
            return code.get(body..).and_then(|r| r.find(&closing)).map(|n| body + n + closing.len());
        }
    }
    Some(end)
}

// ---------------------------------------------------------------------------------------------
// Ruby, PHP, C#

fn ruby(text: &str, literal: &Literal, var: &str) -> Option<Vec<Edit>> {
    // `"key": value` is a symbol key, not an expression.
    let bytes = text.as_bytes();
    if bytes.get(literal.to) == Some(&b':') && bytes.get(literal.to + 1) != Some(&b':') {
        return None;
    }
    Some(vec![literal.replaced_by(format!("ENV.fetch(\"{var}\")"))])
}

/// PHP's property modifiers: a property's default value must be a constant expression.
const PHP_MODIFIERS: [&str; 6] = ["public", "protected", "private", "var", "static", "readonly"];

fn php(text: &str, literal: &Literal, var: &str) -> Option<Vec<Edit>> {
    let statement = since_last(text, literal.from, b";{}");
    let head = statement.trim_start();
    let first = &head[..head.bytes().take_while(|&b| is_ident_byte(b)).count()];
    let in_function = has_word(statement, "function") || has_word(statement, "fn");
    // `private $token = '…';`, but not `static::connect('…')`
    let property = PHP_MODIFIERS.contains(&first)
        && !head.get(first.len()..).unwrap_or("").trim_start().starts_with("::")
        && !in_function;
    let constant = has_word(statement, "const")
        || property
        || head.starts_with("#[") // an attribute
        || (first == "case" && statement.contains('=')) // a backed enum's case
        || ["function", "fn"].into_iter().any(|w| parenthesis_open_after(statement, w)); // a parameter's default
    (!constant).then(|| vec![literal.replaced_by(format!("getenv('{var}')"))])
}

fn csharp(text: &str, literal: &Literal, var: &str) -> Option<Vec<Edit>> {
    let constant = has_word(since_last(text, literal.from, b";{}"), "const")
        // patterns: `case "…"`, `is "…"`, `is not "…"`, `"…" or "…"`, switch-expression arms `"…" =>`
        || matches!(word_before(text, literal.from), "case" | "is" | "not" | "and" | "or")
        || rest_after(text, literal.to).starts_with("=>")
        || in_csharp_attribute(since_last(text, literal.from, b";"));
    (!constant).then(|| vec![literal.replaced_by(format!("Environment.GetEnvironmentVariable(\"{var}\")"))])
}

/// Whether `code` (up to the literal) leaves an attribute open: a `[` after a statement, a block, another
/// attribute or a parameter list's start, not an indexer's or a collection's.
fn in_csharp_attribute(code: &str) -> bool {
    let mut open = Vec::new();
    for (i, b) in code.bytes().enumerate() {
        match b {
            b'[' => open.push(prev_non_space(code, i).is_none_or(|p| matches!(p, b';' | b'{' | b'}' | b']' | b'('))),
            b']' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.contains(&true)
}

// ---------------------------------------------------------------------------------------------
// Shell

fn shell(text: &str, start: usize, end: usize, var: &str) -> Option<Vec<Edit>> {
    let bytes = text.as_bytes();
    let content = text.get(start..end)?;
    let before = start.checked_sub(1).and_then(|i| bytes.get(i)).copied();
    let after = bytes.get(end).copied();
    let braced = format!("${{{var}}}");
    match (before, after) {
        // Double quotes stay: `"${VAR}"` keeps the value one word. `$` or a backquote inside means the value
        // is built, not written.
        (Some(b'"'), Some(b'"')) => {
            let plain = !content.contains(['$', '`']) && !stray_quote(content, b'"', Some(b'\\'));
            (plain && shell_opens(text, start - 1)).then(|| vec![Edit { start, end, text: braced }])
        }
        // Nothing expands in single quotes, so the read needs double ones.
        (Some(b'\''), Some(b'\'')) => {
            let plain = !content.contains('\'');
            (plain && shell_opens(text, start - 1))
                .then(|| vec![Edit { start: start - 1, end: end + 1, text: format!("\"{braced}\"") }])
        }
        (before, after) if !is_shell_quote(before) && !is_shell_quote(after) => shell_word(text, start, end, &braced),
        _ => None,
    }
}

/// An unquoted word (`TOKEN=abc`, `--password abc`): replaced, quoted, when it is the whole word.
fn shell_word(text: &str, start: usize, end: usize, braced: &str) -> Option<Vec<Edit>> {
    let bytes = text.as_bytes();
    let content = text.get(start..end)?;
    let plain = !content.is_empty()
        && !content.starts_with('#')
        && !content.bytes().any(|b| b.is_ascii_whitespace() || b"'\"`$\\;&|<>()".contains(&b));
    let before = start.checked_sub(1).and_then(|i| bytes.get(i)).copied();
    let bounded = before.is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'='))
        && bytes.get(end).is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b';'));
    let unquoted = shell_quoting(line_prefix(text, start)) == Quoting::Unquoted;
    (plain && bounded && unquoted).then(|| vec![Edit { start, end, text: format!("\"{braced}\"") }])
}

/// Whether the quote at `open` opens a string: not `$"…"` or `$'…'` (translated, ANSI-C), not escaped, not
/// closing an earlier string, not in a comment.
fn shell_opens(text: &str, open: usize) -> bool {
    let before = open.checked_sub(1).and_then(|i| text.as_bytes().get(i)).copied();
    !matches!(before, Some(b'$' | b'\\')) && shell_quoting(line_prefix(text, open)) == Quoting::Unquoted
}

fn is_shell_quote(b: Option<u8>) -> bool {
    matches!(b, Some(b'"' | b'\'' | b'`'))
}

/// Shell quoting state at some point of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    Unquoted,
    Single,
    Double,
    Comment,
}

/// The quoting in force at the end of `prefix` (a line up to some byte). Strings spanning lines and here-documents
/// are not followed: a line is the unit an editor fix looks at.
fn shell_quoting(prefix: &str) -> Quoting {
    let mut state = Quoting::Unquoted;
    let mut previous = b' ';
    let mut bytes = prefix.bytes();
    while let Some(b) = bytes.next() {
        state = match (state, b) {
            (Quoting::Unquoted | Quoting::Double, b'\\') => {
                bytes.next();
                state
            }
            (Quoting::Unquoted, b'\'') => Quoting::Single,
            (Quoting::Unquoted, b'"') => Quoting::Double,
            (Quoting::Unquoted, b'#') if previous.is_ascii_whitespace() => return Quoting::Comment,
            (Quoting::Single, b'\'') | (Quoting::Double, b'"') => Quoting::Unquoted,
            _ => state,
        };
        previous = b;
    }
    state
}

// ---------------------------------------------------------------------------------------------
// Text helpers (byte offsets; every slice goes through `get`, so no input can make them panic)

fn insert(at: usize, text: &str) -> Edit {
    Edit { start: at, end: at, text: text.to_owned() }
}

/// The document's line break, so an inserted import matches the lines around it.
fn newline(text: &str) -> &'static str {
    match text.find('\n') {
        Some(at) if at > 0 && text.as_bytes().get(at - 1) == Some(&b'\r') => "\r\n",
        _ => "\n",
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Each line's start offset and text, without its line break.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |next, line| {
        let at = *next;
        *next += line.len();
        Some((at, line.trim_end_matches(['\n', '\r'])))
    })
}

/// The start of the line holding `at`.
fn line_start(text: &str, at: usize) -> usize {
    text.get(..at).and_then(|before| before.rfind('\n')).map_or(0, |n| n + 1)
}

/// One past the line break ending the line holding `at` (the text's end on the last line).
fn line_end(text: &str, at: usize) -> usize {
    text.get(at..).and_then(|rest| rest.find('\n')).map_or(text.len(), |n| at + n + 1)
}

/// The line holding `at`, up to `at`.
fn line_prefix(text: &str, at: usize) -> &str {
    text.get(line_start(text, at)..at).unwrap_or("")
}

/// The text before `at` since the last of `stops` (the whole text before it if none): a statement, roughly.
fn since_last<'t>(text: &'t str, at: usize, stops: &[u8]) -> &'t str {
    let before = text.get(..at).unwrap_or("");
    let start = before.bytes().rposition(|b| stops.contains(&b)).map_or(0, |n| n + 1);
    before.get(start..).unwrap_or("")
}

fn prev_non_space(text: &str, at: usize) -> Option<u8> {
    text.get(..at)?.trim_end().bytes().next_back()
}

fn next_non_space(text: &str, at: usize) -> Option<u8> {
    text.get(at..)?.trim_start().bytes().next()
}

/// The text after `at`, from its first non-space character.
fn rest_after(text: &str, at: usize) -> &str {
    text.get(at..).unwrap_or("").trim_start()
}

/// The identifier or keyword right before `at`, spaces skipped (`""` if something else is there).
fn word_before(text: &str, at: usize) -> &str {
    let before = text.get(..at).unwrap_or("").trim_end();
    let len = before.bytes().rev().take_while(|&b| is_ident_byte(b)).count();
    before.get(before.len() - len..).unwrap_or("")
}

/// `text` after a leading whole `word` (`const x` -> ` x`; `constant` -> `None`).
fn strip_word<'t>(text: &'t str, word: &str) -> Option<&'t str> {
    text.strip_prefix(word).filter(|rest| !rest.bytes().next().is_some_and(is_ident_byte))
}

/// The offset of the last whole-word `word` in `text`.
fn last_word_at(text: &str, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    text.rmatch_indices(word).map(|(at, _)| at).find(|&at| {
        let before = at.checked_sub(1).and_then(|i| bytes.get(i)).copied();
        !before.is_some_and(is_ident_byte) && !bytes.get(at + word.len()).copied().is_some_and(is_ident_byte)
    })
}

fn has_word(text: &str, word: &str) -> bool {
    last_word_at(text, word).is_some()
}

/// Whether a `(` after the last whole-word `word` in `text` is still open (a parameter list, for `function`).
fn parenthesis_open_after(text: &str, word: &str) -> bool {
    last_word_at(text, word).and_then(|at| text.get(at..)).is_some_and(|after| {
        let opened = after.bytes().filter(|&b| b == b'(').count();
        opened > after.bytes().filter(|&b| b == b')').count()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies `edits` the way an editor does: each range refers to the original text.
    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut edits = edits.to_vec();
        edits.sort_by_key(|edit| std::cmp::Reverse((edit.start, edit.end)));
        let mut out = text.to_owned();
        for edit in edits {
            out.replace_range(edit.start..edit.end, &edit.text);
        }
        out
    }

    /// The content range of the first occurrence of `secret` in `text`.
    fn range_of(text: &str, secret: &str) -> (usize, usize) {
        let start = text.find(secret).expect("the secret is in the text");
        (start, start + secret.len())
    }

    /// The document after the fix for the literal whose content is `secret`, or `None` if refused.
    fn fix(kind: FileKind, text: &str, secret: &str, var: &str) -> Option<String> {
        replace_with_env_read(kind, text, range_of(text, secret), var).map(|edits| apply(text, &edits))
    }

    #[track_caller]
    fn fixed(kind: FileKind, text: &str, secret: &str, var: &str, expected: &str) {
        assert_eq!(fix(kind, text, secret, var).as_deref(), Some(expected), "fixing {secret} in {text:?}");
    }

    #[track_caller]
    fn refused(kind: FileKind, text: &str, secret: &str) {
        assert_eq!(fix(kind, text, secret, "TOKEN"), None, "fixing {secret} in {text:?}");
    }

    // Python

    #[test]
    fn python_without_imports_gets_import_os_first() {
        fixed(
            FileKind::Python,
            "TOKEN = \"s3cr3t\"\n",
            "s3cr3t",
            "TOKEN",
            "import os\nTOKEN = os.environ[\"TOKEN\"]\n",
        );
        fixed(FileKind::Python, "x = 's3cr3t'", "s3cr3t", "X", "import os\nx = os.environ[\"X\"]");
    }

    #[test]
    fn python_import_goes_with_the_other_imports_after_header_and_docstring() {
        let text = "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\"\"\"Client.\n\nMore.\n\"\"\"\nimport sys\nfrom a import b\n\nTOKEN = \"s3cr3t\"\n";
        let expected = "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\"\"\"Client.\n\nMore.\n\"\"\"\nimport os\nimport sys\nfrom a import b\n\nTOKEN = os.environ[\"JIRA_TOKEN\"]\n";
        fixed(FileKind::Python, text, "s3cr3t", "JIRA_TOKEN", expected);
    }

    #[test]
    fn python_without_imports_inserts_after_comments_and_docstring() {
        fixed(
            FileKind::Python,
            "#!/usr/bin/env python\n\"\"\"Module.\"\"\"\n\nTOKEN = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "#!/usr/bin/env python\n\"\"\"Module.\"\"\"\nimport os\n\nTOKEN = os.environ[\"T\"]\n",
        );
        fixed(
            FileKind::Python,
            "'''Module.'''\nTOKEN = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "'''Module.'''\nimport os\nTOKEN = os.environ[\"T\"]\n",
        );
        fixed(
            FileKind::Python,
            "# licence\n\"Module.\"\nTOKEN = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "# licence\n\"Module.\"\nimport os\nTOKEN = os.environ[\"T\"]\n",
        );
    }

    #[test]
    fn python_import_stays_after_future_imports_and_before_the_literal() {
        fixed(
            FileKind::Python,
            "from __future__ import annotations\nimport sys\nT = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "from __future__ import annotations\nimport os\nimport sys\nT = os.environ[\"T\"]\n",
        );
        fixed(
            FileKind::Python,
            "from __future__ import (\n    annotations,\n)\n\nT = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "from __future__ import (\n    annotations,\n)\nimport os\n\nT = os.environ[\"T\"]\n",
        );
        // Module-level code before the first import would run before a late `import os`.
        fixed(
            FileKind::Python,
            "T = \"s3cr3t\"\nimport sys\n",
            "s3cr3t",
            "T",
            "import os\nT = os.environ[\"T\"]\nimport sys\n",
        );
    }

    #[test]
    fn imports_follow_the_document_line_breaks() {
        fixed(
            FileKind::Python,
            "import sys\r\nT = \"s3cr3t\"\r\n",
            "s3cr3t",
            "T",
            "import os\r\nimport sys\r\nT = os.environ[\"T\"]\r\n",
        );
        fixed(
            FileKind::Go,
            "package main\r\n\r\nimport (\r\n\t\"fmt\"\r\n)\r\n\r\nvar t = \"s3cr3t\"\r\n",
            "s3cr3t",
            "T",
            "package main\r\n\r\nimport (\r\n\t\"os\"\r\n\t\"fmt\"\r\n)\r\n\r\nvar t = os.Getenv(\"T\")\r\n",
        );
    }

    #[test]
    fn python_existing_os_import_is_used() {
        for header in ["import os\n", "import os.path\n", "import sys, os\n", "import json; import os  # env\n"] {
            let text = format!("{header}def f():\n    return \"s3cr3t\"\n");
            let expected = format!("{header}def f():\n    return os.environ[\"T\"]\n");
            fixed(FileKind::Python, &text, "s3cr3t", "T", &expected);
        }
    }

    #[test]
    fn python_import_under_an_alias_or_indented_does_not_count() {
        fixed(
            FileKind::Python,
            "import os as o\nT = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "import os\nimport os as o\nT = os.environ[\"T\"]\n",
        );
        fixed(
            FileKind::Python,
            "import sys\ndef f():\n    import os\n    return \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "import os\nimport sys\ndef f():\n    import os\n    return os.environ[\"T\"]\n",
        );
    }

    #[test]
    fn python_from_os_import_environ_reads_environ() {
        fixed(
            FileKind::Python,
            "from os import environ\nT = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "from os import environ\nT = environ[\"T\"]\n",
        );
        fixed(
            FileKind::Python,
            "from os import (path, environ)\nT = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "from os import (path, environ)\nT = environ[\"T\"]\n",
        );
        // `environ as env` binds `env`, so `os` is imported instead.
        fixed(
            FileKind::Python,
            "from os import environ as env\nT = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "import os\nfrom os import environ as env\nT = os.environ[\"T\"]\n",
        );
        // With both, `os.` is the more explicit read.
        fixed(
            FileKind::Python,
            "import os\nfrom os import environ\nT = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "import os\nfrom os import environ\nT = os.environ[\"T\"]\n",
        );
    }

    #[test]
    fn python_prefixes_u_and_r_are_replaced_f_and_b_refused() {
        fixed(FileKind::Python, "import os\nT = u\"s3cr3t\"\n", "s3cr3t", "T", "import os\nT = os.environ[\"T\"]\n");
        fixed(FileKind::Python, "import os\nT = r's3cr3t'\n", "s3cr3t", "T", "import os\nT = os.environ[\"T\"]\n");
        for literal in
            ["f\"s3cr3t\"", "F's3cr3t'", "b\"s3cr3t\"", "rb\"s3cr3t\"", "Br's3cr3t'", "fr\"s3cr3t\"", "t\"s3cr3t\""]
        {
            refused(FileKind::Python, &format!("T = {literal}\n"), "s3cr3t");
        }
    }

    #[test]
    fn python_triple_quoted_adjacent_and_pattern_literals_are_refused() {
        refused(FileKind::Python, "T = \"\"\"s3cr3t\"\"\"\n", "s3cr3t");
        refused(FileKind::Python, "T = '''s3cr3t'''\n", "s3cr3t");
        refused(FileKind::Python, "T = (\"abc\"\n     \"s3cr3t\")\n", "s3cr3t");
        refused(FileKind::Python, "match x:\n    case \"s3cr3t\":\n        pass\n", "s3cr3t");
    }

    // JavaScript and TypeScript

    #[test]
    fn javascript_reads_process_env() {
        fixed(FileKind::JavaScript, "const t = 's3cr3t';", "s3cr3t", "JIRA_TOKEN", "const t = process.env.JIRA_TOKEN;");
        fixed(FileKind::JavaScript, "login(\"me\", \"s3cr3t\")", "s3cr3t", "T", "login(\"me\", process.env.T)");
        fixed(FileKind::JavaScript, "const t = `s3cr3t`;", "s3cr3t", "T", "const t = process.env.T;");
        fixed(
            FileKind::JavaScript,
            "const o = { token: \"s3cr3t\" };",
            "s3cr3t",
            "T",
            "const o = { token: process.env.T };",
        );
    }

    #[test]
    fn javascript_templates_modules_and_keys_are_refused() {
        refused(FileKind::JavaScript, "const t = `s3cr3t${x}`;", "s3cr3t");
        refused(FileKind::JavaScript, "const t = sql`s3cr3t`;", "s3cr3t");
        refused(FileKind::JavaScript, "import x from \"s3cr3t\";", "s3cr3t");
        refused(FileKind::JavaScript, "import \"s3cr3t\";", "s3cr3t");
        refused(FileKind::JavaScript, "const o = { \"s3cr3t\": 1 };", "s3cr3t");
    }

    #[test]
    fn jsx_attribute_value_is_wrapped_in_braces() {
        fixed(
            FileKind::JavaScript,
            "return <Client token=\"s3cr3t\" />;",
            "s3cr3t",
            "T",
            "return <Client token={process.env.T} />;",
        );
    }

    // Java and Groovy

    #[test]
    fn java_and_groovy_read_system_getenv() {
        fixed(FileKind::Java, "String t = \"s3cr3t\";", "s3cr3t", "T", "String t = System.getenv(\"T\");");
        fixed(
            FileKind::Java,
            "static final String T = \"s3cr3t\";",
            "s3cr3t",
            "T",
            "static final String T = System.getenv(\"T\");",
        );
        fixed(FileKind::Groovy, "def t = 's3cr3t'", "s3cr3t", "T", "def t = System.getenv(\"T\")");
        fixed(FileKind::Groovy, "def t = \"s3cr3t\"", "s3cr3t", "T", "def t = System.getenv(\"T\")");
    }

    #[test]
    fn java_constants_annotations_and_text_blocks_are_refused() {
        refused(FileKind::Java, "@Value(\"s3cr3t\") String t;", "s3cr3t");
        refused(FileKind::Java, "@Auth(\n    user = \"me\",\n    password = \"s3cr3t\")\nvoid f() {}", "s3cr3t");
        refused(FileKind::Java, "switch (s) { case \"s3cr3t\" -> f(); }", "s3cr3t");
        refused(FileKind::Java, "String password() default \"s3cr3t\";", "s3cr3t");
        refused(FileKind::Java, "String t = \"\"\"\ns3cr3t\"\"\";", "s3cr3t");
        refused(FileKind::Java, "char c = 's3cr3t';", "s3cr3t");
        refused(FileKind::Groovy, "def t = \"${a}s3cr3t\"", "s3cr3t");
        // After the annotation closed, a field initialiser is fine.
        fixed(
            FileKind::Java,
            "@Inject String t = \"s3cr3t\";",
            "s3cr3t",
            "T",
            "@Inject String t = System.getenv(\"T\");",
        );
        fixed(
            FileKind::Java,
            "case \"a\" -> login(\"s3cr3t\");",
            "s3cr3t",
            "T",
            "case \"a\" -> login(System.getenv(\"T\"));",
        );
    }

    // Go

    #[test]
    fn go_adds_os_to_an_import_block() {
        fixed(
            FileKind::Go,
            "package main\n\nimport (\n\t\"fmt\"\n)\n\nvar t = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "package main\n\nimport (\n\t\"os\"\n\t\"fmt\"\n)\n\nvar t = os.Getenv(\"T\")\n",
        );
    }

    #[test]
    fn go_adds_os_before_a_single_import() {
        fixed(
            FileKind::Go,
            "package main\n\nimport \"fmt\"\n\nfunc f() string { return \"s3cr3t\" }\n",
            "s3cr3t",
            "T",
            "package main\n\nimport \"os\"\nimport \"fmt\"\n\nfunc f() string { return os.Getenv(\"T\") }\n",
        );
    }

    #[test]
    fn go_adds_an_import_after_the_package_clause() {
        fixed(
            FileKind::Go,
            "// Package main.\npackage main\n\nvar t = `s3cr3t`\n",
            "s3cr3t",
            "T",
            "// Package main.\npackage main\n\nimport \"os\"\n\nvar t = os.Getenv(\"T\")\n",
        );
    }

    #[test]
    fn go_already_importing_os_gets_no_import() {
        for imports in ["import \"os\"\n", "import (\n\t\"fmt\"\n\t\"os\" // env\n)\n"] {
            let text = format!("package main\n\n{imports}\nvar t = \"s3cr3t\"\n");
            let expected = format!("package main\n\n{imports}\nvar t = os.Getenv(\"T\")\n");
            fixed(FileKind::Go, &text, "s3cr3t", "T", &expected);
        }
        // An aliased import doesn't bind `os`.
        fixed(
            FileKind::Go,
            "package main\n\nimport (\n\tgoos \"os\"\n)\n\nvar t = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "package main\n\nimport (\n\t\"os\"\n\tgoos \"os\"\n)\n\nvar t = os.Getenv(\"T\")\n",
        );
    }

    #[test]
    fn go_constants_runes_and_struct_tags_are_refused() {
        refused(FileKind::Go, "package main\n\nconst t = \"s3cr3t\"\n", "s3cr3t");
        refused(FileKind::Go, "package main\n\nconst (\n\ta = 1\n\tt = \"s3cr3t\"\n)\n", "s3cr3t");
        refused(FileKind::Go, "package main\n\nfunc f() {\n\tconst t = \"s3cr3t\"\n}\n", "s3cr3t");
        refused(FileKind::Go, "package main\n\ntype C struct {\n\tT string `json:\"s3cr3t\"`\n}\n", "s3cr3t");
        refused(FileKind::Go, "package main\n\nvar r = 's3cr3t'\n", "s3cr3t");
        // After a closed const group, a var is fine.
        fixed(
            FileKind::Go,
            "package main\n\nimport \"os\"\n\nconst (\n\ta = 1\n)\n\nvar t = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "package main\n\nimport \"os\"\n\nconst (\n\ta = 1\n)\n\nvar t = os.Getenv(\"T\")\n",
        );
    }

    // Rust

    #[test]
    fn rust_reads_std_env_var() {
        fixed(
            FileKind::Rust,
            "fn main() {\n    let t = \"s3cr3t\";\n}\n",
            "s3cr3t",
            "JIRA_TOKEN",
            "fn main() {\n    let t = &std::env::var(\"JIRA_TOKEN\").expect(\"JIRA_TOKEN is set\");\n}\n",
        );
        // A constant item before the function is over at its `;`, a `const fn` at its `}`.
        fixed(
            FileKind::Rust,
            "const N: usize = 1;\nconst fn n() -> usize { 1 }\nfn f() { login(\"me\", \"s3cr3t\"); }\n",
            "s3cr3t",
            "T",
            "const N: usize = 1;\nconst fn n() -> usize { 1 }\nfn f() { login(\"me\", &std::env::var(\"T\").expect(\"T is set\")); }\n",
        );
    }

    #[test]
    fn rust_method_on_the_literal_takes_the_string() {
        fixed(
            FileKind::Rust,
            "fn f() -> String {\n    \"s3cr3t\".to_string()\n}\n",
            "s3cr3t",
            "T",
            "fn f() -> String {\n    std::env::var(\"T\").expect(\"T is set\").to_string()\n}\n",
        );
    }

    #[test]
    fn rust_constants_are_refused() {
        refused(FileKind::Rust, "const TOKEN: &str = \"s3cr3t\";\n", "s3cr3t");
        refused(FileKind::Rust, "pub(crate) static TOKEN: &str = \"s3cr3t\";\n", "s3cr3t");
        refused(FileKind::Rust, "#[doc = \"x\"]\npub const TOKEN: &str =\n    \"s3cr3t\";\n", "s3cr3t");
        refused(
            FileKind::Rust,
            "const C: Config = Config {\n    user: \"me\",\n    token: \"s3cr3t\",\n};\n",
            "s3cr3t",
        );
        refused(FileKind::Rust, "impl C {\n    const T: &'static str = \"s3cr3t\";\n}\n", "s3cr3t");
        refused(FileKind::Rust, "const fn t() -> &'static str {\n    let x = '{';\n    \"s3cr3t\"\n}\n", "s3cr3t");
        refused(FileKind::Rust, "#[cfg(feature = \"s3cr3t\")]\nfn f() {}\n", "s3cr3t");
        refused(
            FileKind::Rust,
            "fn f(s: &str) {\n    match s {\n        \"s3cr3t\" => {}\n        _ => {}\n    }\n}\n",
            "s3cr3t",
        );
    }

    #[test]
    fn rust_byte_and_raw_strings_are_refused() {
        refused(FileKind::Rust, "fn f() { let t = b\"s3cr3t\"; }", "s3cr3t");
        refused(FileKind::Rust, "fn f() { let t = r\"s3cr3t\"; }", "s3cr3t");
        refused(FileKind::Rust, "fn f() { let t = r#\"s3cr3t\"#; }", "s3cr3t");
        refused(FileKind::Rust, "fn f() { let t = c\"s3cr3t\"; }", "s3cr3t");
        // A file that doesn't parse: where the literal stands can't be told.
        refused(FileKind::Rust, "fn f() { let t = \"s3cr3t\";\n", "s3cr3t");
    }

    #[test]
    fn rust_braces_in_strings_comments_and_chars_do_not_end_a_block() {
        // Braces in a string, a comment and a char must not close the function's block early.
        fixed(
            FileKind::Rust,
            "const A: &str = \"}\";\nfn f() {\n    // }\n    let b = '}';\n    let r = r#\"}\"#;\n    let t = \"s3cr3t\";\n}\n",
            "s3cr3t",
            "T",
            "const A: &str = \"}\";\nfn f() {\n    // }\n    let b = '}';\n    let r = r#\"}\"#;\n    let t = &std::env::var(\"T\").expect(\"T is set\");\n}\n",
        );
    }

    // Ruby, PHP, C#, PowerShell

    #[test]
    fn ruby_reads_env_fetch() {
        fixed(FileKind::Ruby, "token = 's3cr3t'\n", "s3cr3t", "T", "token = ENV.fetch(\"T\")\n");
        fixed(FileKind::Ruby, "client(token: \"s3cr3t\")\n", "s3cr3t", "T", "client(token: ENV.fetch(\"T\"))\n");
        refused(FileKind::Ruby, "token = \"s3cr3t#{x}\"\n", "s3cr3t#{x}");
        refused(FileKind::Ruby, "h = { \"s3cr3t\": 1 }\n", "s3cr3t");
    }

    #[test]
    fn php_reads_getenv() {
        fixed(FileKind::Php, "<?php\n$p = 's3cr3t';\n", "s3cr3t", "T", "<?php\n$p = getenv('T');\n");
        fixed(
            FileKind::Php,
            "<?php\nclass C {\n    public function f() {\n        $this->p = \"s3cr3t\";\n    }\n}\n",
            "s3cr3t",
            "T",
            "<?php\nclass C {\n    public function f() {\n        $this->p = getenv('T');\n    }\n}\n",
        );
    }

    #[test]
    fn php_constants_properties_defaults_and_interpolation_are_refused() {
        refused(FileKind::Php, "<?php\nconst T = 's3cr3t';\n", "s3cr3t");
        refused(FileKind::Php, "<?php\nclass C {\n    const T = 's3cr3t';\n}\n", "s3cr3t");
        refused(FileKind::Php, "<?php\nclass C {\n    private $t = 's3cr3t';\n}\n", "s3cr3t");
        refused(FileKind::Php, "<?php\nfunction f($t = 's3cr3t') {}\n", "s3cr3t");
        refused(FileKind::Php, "<?php\n$t = \"s3cr3t$x\";\n", "s3cr3t$x");
    }

    #[test]
    fn csharp_reads_environment_variable() {
        let read = "Environment.GetEnvironmentVariable(\"T\")";
        fixed(FileKind::CSharp, "var t = \"s3cr3t\";", "s3cr3t", "T", &format!("var t = {read};"));
        fixed(FileKind::CSharp, "var t = @\"s3cr3t\";", "s3cr3t", "T", &format!("var t = {read};"));
        fixed(FileKind::CSharp, "var t = $\"s3cr3t\";", "s3cr3t", "T", &format!("var t = {read};"));
        fixed(
            FileKind::CSharp,
            "static readonly string T = \"s3cr3t\";",
            "s3cr3t",
            "T",
            &format!("static readonly string T = {read};"),
        );
    }

    #[test]
    fn csharp_constants_attributes_patterns_and_spans_are_refused() {
        refused(FileKind::CSharp, "const string T = \"s3cr3t\";", "s3cr3t");
        refused(FileKind::CSharp, "class C {\n    [Secret(\"s3cr3t\")]\n    string t;\n}", "s3cr3t");
        refused(FileKind::CSharp, "switch (s) { case \"s3cr3t\": break; }", "s3cr3t");
        refused(FileKind::CSharp, "if (s is \"s3cr3t\") {}", "s3cr3t");
        refused(FileKind::CSharp, "var r = s switch { \"s3cr3t\" => 1, _ => 0 };", "s3cr3t");
        refused(FileKind::CSharp, "var t = $\"s3cr3t{x}\";", "s3cr3t{x}");
        refused(FileKind::CSharp, "var t = \"s3cr3t\"u8;", "s3cr3t");
        // An indexer's bracket is not an attribute's.
        fixed(
            FileKind::CSharp,
            "cfg[\"k\"] = \"s3cr3t\";",
            "s3cr3t",
            "T",
            "cfg[\"k\"] = Environment.GetEnvironmentVariable(\"T\");",
        );
    }

    #[test]
    fn powershell_reads_env_drive() {
        fixed(FileKind::PowerShell, "$p = 's3cr3t'\n", "s3cr3t", "T", "$p = $env:T\n");
        fixed(FileKind::PowerShell, "Connect -Password \"s3cr3t\"\n", "s3cr3t", "T", "Connect -Password $env:T\n");
        refused(FileKind::PowerShell, "$p = \"s3cr3t$x\"\n", "s3cr3t$x");
        refused(FileKind::PowerShell, "$p = @\"\ns3cr3t\n\"@\n", "\ns3cr3t\n");
    }

    // Shell

    #[test]
    fn shell_double_quotes_keep_their_quotes() {
        fixed(FileKind::Shell, "TOKEN=\"s3cr3t\"\n", "s3cr3t", "TOKEN", "TOKEN=\"${TOKEN}\"\n");
        fixed(FileKind::Shell, "curl -u \"me:x\" -H \"s3cr3t\"\n", "s3cr3t", "T", "curl -u \"me:x\" -H \"${T}\"\n");
    }

    #[test]
    fn shell_single_quotes_become_double() {
        fixed(FileKind::Shell, "export TOKEN='s3cr3t'\n", "s3cr3t", "TOKEN", "export TOKEN=\"${TOKEN}\"\n");
    }

    #[test]
    fn shell_unquoted_word_is_quoted() {
        fixed(FileKind::Shell, "TOKEN=s3cr3t\n", "s3cr3t", "TOKEN", "TOKEN=\"${TOKEN}\"\n");
        fixed(FileKind::Shell, "tool --password s3cr3t --verbose", "s3cr3t", "T", "tool --password \"${T}\" --verbose");
        fixed(FileKind::Shell, "TOKEN=s3cr3t; run\n", "s3cr3t", "T", "TOKEN=\"${T}\"; run\n");
    }

    #[test]
    fn shell_partial_words_expansions_and_comments_are_refused() {
        refused(FileKind::Shell, "TOKEN=abcs3cr3t\n", "s3cr3t");
        refused(FileKind::Shell, "TOKEN=s3cr3t-x\n", "s3cr3t");
        refused(FileKind::Shell, "TOKEN=\"s3cr3t$X\"\n", "s3cr3t$X");
        refused(FileKind::Shell, "TOKEN=$'s3cr3t'\n", "s3cr3t");
        refused(FileKind::Shell, "# TOKEN=s3cr3t\n", "s3cr3t");
        // The closing quote of "a" and the opening one of "b" around an unquoted word.
        refused(FileKind::Shell, "echo \"a\"s3cr3t\"b\"\n", "s3cr3t");
        refused(FileKind::Shell, "TOKEN=\"s3cr3t'\n", "s3cr3t");
    }

    // Every kind, every input

    #[test]
    fn config_and_text_kinds_get_no_fix() {
        let fixable = [
            FileKind::Python,
            FileKind::JavaScript,
            FileKind::Java,
            FileKind::Go,
            FileKind::Ruby,
            FileKind::Php,
            FileKind::CSharp,
            FileKind::PowerShell,
            FileKind::Shell,
            FileKind::Rust,
            FileKind::Groovy,
        ];
        for kind in FileKind::ALL.into_iter().filter(|kind| !fixable.contains(kind)) {
            for text in ["token = \"s3cr3t\"\n", "token: 's3cr3t'\n", "TOKEN=s3cr3t\n"] {
                assert_eq!(replace_with_env_read(kind, text, range_of(text, "s3cr3t"), "T"), None, "{kind:?}");
            }
        }
    }

    #[test]
    fn mismatched_quotes_are_refused() {
        refused(FileKind::Python, "t = \"s3cr3t'\n", "s3cr3t");
        refused(FileKind::JavaScript, "t = `s3cr3t\"\n", "s3cr3t");
        refused(FileKind::Ruby, "t = 's3cr3t\"\n", "s3cr3t");
        refused(FileKind::Python, "t = s3cr3t\n", "s3cr3t");
    }

    #[test]
    fn part_of_a_literal_is_refused() {
        // The password inside a URL, and a quoted value inside an escaped JSON string.
        refused(FileKind::Python, "u = \"https://me:s3cr3t@host\"\n", "s3cr3t");
        refused(FileKind::Python, "j = \"{\\\"k\\\": \\\"s3cr3t\\\"}\"\n", "s3cr3t");
        refused(FileKind::JavaScript, "j = '{\"k\": \"s3cr3t\"}'\n", "s3cr3t");
        refused(FileKind::Java, "s = \"a\" + \"s3cr3t\" + \"b\";", "a\" + \"s3cr3t\" + \"b");
        // An escaped backslash before the closing quote is content, not an escape of it.
        fixed(FileKind::JavaScript, "t = \"s3cr3t\\\\\";", "s3cr3t\\\\", "T", "t = process.env.T;");
        refused(FileKind::JavaScript, "t = \"s3cr3t\\\" + \"x\";", "s3cr3t\\");
    }

    #[test]
    fn commented_out_literals_are_refused() {
        refused(FileKind::Python, "x = 1  # t = \"s3cr3t\"\n", "s3cr3t");
        refused(FileKind::JavaScript, "f(); // t = 's3cr3t'\n", "s3cr3t");
        refused(FileKind::Rust, "fn f() { /* \"s3cr3t\" */ }\n", "s3cr3t");
        refused(FileKind::Php, "<?php # $t = 's3cr3t';\n", "s3cr3t");
        // A comment closed before it, and a `#` inside a string, don't hide the literal.
        fixed(FileKind::Java, "/* a */ t = \"s3cr3t\";", "s3cr3t", "T", "/* a */ t = System.getenv(\"T\");");
        fixed(FileKind::Ruby, "a = '#'; t = 's3cr3t'\n", "s3cr3t", "T", "a = '#'; t = ENV.fetch(\"T\")\n");
    }

    #[test]
    fn multi_byte_characters_before_and_inside_the_literal() {
        fixed(
            FileKind::Python,
            "import os\nname = \"héllo wörld ✓\"; t = \"s3cr3t\"\n",
            "s3cr3t",
            "T",
            "import os\nname = \"héllo wörld ✓\"; t = os.environ[\"T\"]\n",
        );
        fixed(
            FileKind::Go,
            "package main\n\nimport \"os\"\n\n// ünïcode ✓\nvar t = \"pässwörd✓\"\n",
            "pässwörd✓",
            "T",
            "package main\n\nimport \"os\"\n\n// ünïcode ✓\nvar t = os.Getenv(\"T\")\n",
        );
        fixed(FileKind::Shell, "# ✓\nT=\"é\"\n", "é", "T", "# ✓\nT=\"${T}\"\n");
    }

    #[test]
    fn bad_offsets_and_names_are_refused() {
        let text = "t = \"é\"\n";
        let e = text.find('é').unwrap();
        assert_eq!(replace_with_env_read(FileKind::Python, text, (e, e + 1), "T"), None); // mid-character
        assert_eq!(replace_with_env_read(FileKind::Python, text, (e + 1, e + 2), "T"), None);
        assert_eq!(replace_with_env_read(FileKind::Python, text, (e + 2, e), "T"), None); // reversed
        assert_eq!(replace_with_env_read(FileKind::Python, text, (e, 1000), "T"), None); // past the end
        assert_eq!(replace_with_env_read(FileKind::Python, text, (usize::MAX, usize::MAX), "T"), None);
        assert_eq!(replace_with_env_read(FileKind::Python, "\"x\"", (0, 1), "T"), None); // nothing before
        assert_eq!(replace_with_env_read(FileKind::Python, "", (0, 0), "T"), None);
        for var in ["", "1TOKEN", "TO KEN", "T\"); evil(\"", "TÖKEN"] {
            assert_eq!(replace_with_env_read(FileKind::Python, text, (e, e + 2), var), None, "{var:?}");
        }
        assert!(replace_with_env_read(FileKind::Python, text, (e, e + 2), "_T1").is_some());
    }

    #[test]
    fn no_input_makes_it_panic() {
        let texts = [
            "t = \"é✓\" + 'x' # `r#\"\n\tconst (\n)",
            "package main\nimport (\n\"os\"\nfn f() { let x = r#\"a\"#; '\\'' /* /* */ */ }",
            "#!x\n\"\"\"\nimport os\n'$\"\\",
        ];
        for text in texts {
            for kind in FileKind::ALL {
                for start in 0..=text.len() + 1 {
                    for end in 0..=text.len() + 1 {
                        let _ = replace_with_env_read(kind, text, (start, end), "T");
                    }
                }
            }
        }
    }

    #[test]
    fn the_replacement_never_holds_the_secret() {
        let secret = "Xk9-s3cr3t-VALUE";
        let cases = [
            (FileKind::Python, format!("t = '{secret}'\n")),
            (FileKind::JavaScript, format!("t = `{secret}`;")),
            (FileKind::Java, format!("String t = \"{secret}\";")),
            (FileKind::Groovy, format!("def t = '{secret}'")),
            (FileKind::Go, format!("package main\n\nvar t = \"{secret}\"\n")),
            (FileKind::Rust, format!("fn f() {{ let t = \"{secret}\"; }}")),
            (FileKind::Ruby, format!("t = \"{secret}\"")),
            (FileKind::Php, format!("<?php $t = '{secret}';")),
            (FileKind::CSharp, format!("var t = @\"{secret}\";")),
            (FileKind::PowerShell, format!("$t = '{secret}'")),
            (FileKind::Shell, format!("T=\"{secret}\"")),
            (FileKind::Shell, format!("T='{secret}'")),
            (FileKind::Shell, format!("T={secret}")),
        ];
        for (kind, text) in cases {
            let edits = replace_with_env_read(kind, &text, range_of(&text, secret), "T").expect("fixable");
            assert!(edits.iter().all(|edit| !edit.text.contains(secret)), "{kind:?}: {edits:?}");
            assert!(!apply(&text, &edits).contains(secret), "{kind:?}");
        }
    }

    #[test]
    fn edits_come_in_document_order() {
        let text = "import sys\nT = \"s3cr3t\"\n";
        let edits = replace_with_env_read(FileKind::Python, text, range_of(text, "s3cr3t"), "T").unwrap();
        assert_eq!(
            edits,
            vec![
                Edit { start: 0, end: 0, text: "import os\n".to_owned() },
                Edit { start: 15, end: 23, text: "os.environ[\"T\"]".to_owned() },
            ]
        );
    }

    // Variable names

    #[test]
    fn variable_names_from_credential_names() {
        let cases = [
            ("jiraPassword", "JIRA_PASSWORD"),
            ("jira-password", "JIRA_PASSWORD"),
            ("jira password", "JIRA_PASSWORD"),
            ("self.api_token", "API_TOKEN"),
            ("JIRA_PASSWORD", "JIRA_PASSWORD"),
            ("$this->apiToken", "API_TOKEN"),
            ("Config::TOKEN", "TOKEN"),
            ("$password", "PASSWORD"),
            ("@api_key", "API_KEY"),
            ("APIToken", "API_TOKEN"),
            ("oauth2Token", "OAUTH2_TOKEN"),
            ("__private__token__", "PRIVATE_TOKEN"),
            ("config[\"db_pass\"]", "DB_PASS"),
            ("pässwörd", "PSSWRD"),
            ("self.token.", "TOKEN"),
        ];
        for (name, expected) in cases {
            assert_eq!(variable_name(Some(name), "SECRET"), expected, "{name:?}");
        }
    }

    #[test]
    fn variable_name_falls_back() {
        assert_eq!(variable_name(None, "PASSWORD"), "PASSWORD");
        assert_eq!(variable_name(Some("2fa"), "password"), "PASSWORD");
        assert_eq!(variable_name(Some("—✓—"), "secret"), "SECRET");
        assert_eq!(variable_name(Some(""), "api-key"), "API_KEY");
        assert_eq!(variable_name(None, ""), "SECRET");
        assert_eq!(variable_name(None, "9lives"), "SECRET");
    }

    #[test]
    fn variable_name_is_at_most_64_ascii_characters() {
        let name = variable_name(Some(&"VeryLong".repeat(20)), "SECRET");
        assert!(name.len() <= 64, "{name}");
        assert!(name.starts_with("VERY_LONG_VERY_LONG"));
        assert!(!name.ends_with('_'));
        assert!(name.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'));
    }
}
