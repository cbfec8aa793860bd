//! Reading a captured expression as a [`Value`]: literal, reference or unknown.
//!
//! Patterns capture the *text* of an argument (`"S3cret"`, `os.environ["PW"]`, `$PASSWORD`,
//! `password`); this module decides what it is, resolving names through the file's [`Bindings`]
//! and keeping exact spans: a literal's span covers its content inside the quotes.

use std::sync::LazyLock;

use regex::Regex;

use super::bindings::Bindings;
use crate::fact::{RefKind, Value};
use crate::rules::Syntax;
use crate::span::Span;

/// How deep a chain of names (`a = b; b = c; c = "x"`) is followed.
const MAX_RESOLVE_DEPTH: usize = 4;

/// A captured expression: its text and where it starts in the file.
#[derive(Debug, Clone, Copy)]
pub struct Captured<'t> {
    pub text: &'t str,
    pub offset: usize,
}

impl<'t> Captured<'t> {
    pub fn new(text: &'t str, offset: usize) -> Self {
        Captured { text, offset }
    }

    fn trimmed(self) -> Captured<'t> {
        let start = self.text.len() - self.text.trim_start().len();
        Captured { text: self.text.trim(), offset: self.offset + start }
    }

    fn span(self) -> Span {
        Span::new(self.offset, self.offset + self.text.len())
    }

    fn sub(self, range: std::ops::Range<usize>) -> Captured<'t> {
        Captured { text: &self.text[range.clone()], offset: self.offset + range.start }
    }
}

/// A resolved value, and the name it was bound to when it came through a binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub value: Value,
    pub name: Option<String>,
}

pub fn interpret(captured: Captured<'_>, syntax: Syntax, bindings: &Bindings) -> Resolved {
    interpret_at_depth(captured.trimmed(), syntax, bindings, 0)
}

fn interpret_at_depth(captured: Captured<'_>, syntax: Syntax, bindings: &Bindings, depth: usize) -> Resolved {
    let plain = |value| Resolved { value, name: None };
    match syntax {
        Syntax::Raw => plain(interpret_raw(captured)),
        Syntax::Store => {
            let id = captured.text.trim_matches(|c| c == '"' || c == '\'');
            plain(Value::Reference { kind: RefKind::Store, name: id.to_owned(), span: captured.span() })
        }
        Syntax::Shell => resolve_shell_variable(interpret_shell(captured), bindings, depth),
        Syntax::Code => interpret_code(captured, bindings, depth),
    }
}

/// `$NAME` where the same script assigned `NAME=…` before: the assigned value, named `NAME`.
/// An environment variable nobody in the file assigns stays a reference.
pub fn resolve_shell_variable(value: Value, bindings: &Bindings, depth: usize) -> Resolved {
    if let Value::Reference { kind: RefKind::Env, ref name, span } = value
        && depth < MAX_RESOLVE_DEPTH
        && let Some(binding) = bindings.lookup(name, span.start).filter(|b| b.at < span.start)
    {
        let bound = interpret_at_depth(binding.value, binding.syntax, bindings, depth + 1);
        return Resolved { value: bound.value, name: Some(bound.name.unwrap_or_else(|| name.clone())) };
    }
    Resolved { value, name: None }
}

/// A whole-value template or variable reference: `${{ secrets.X }}`, `${X}`, `$X`, `{{ x }}`,
/// `%X%`, `$(cmd)`. Returns the literal default for `${X:-default}` / `${X:default}`.
pub fn template_reference(text: &str) -> Option<TemplateRef<'_>> {
    static GITHUB: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\$\{\{\s*([A-Za-z_][\w.\-]*)\s*\}\}$").expect("valid regex"));
    static SHELL_DEFAULT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\$\{([A-Za-z_][\w.\-]*)(?::-|:=|-|:)(.*)\}$").expect("valid regex"));
    static SHELL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\$(?:\{([A-Za-z_][\w.\-]*)\}|([A-Za-z_]\w*))$").expect("valid regex"));
    static JINJA: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\{\{-?\s*([^{}]*?)\s*-?\}\}$").expect("valid regex"));
    static PERCENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^%([A-Za-z_]\w*)%$").expect("valid regex"));
    static AT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^@([A-Za-z_][\w.]*)@$").expect("valid regex"));
    static PS_ENV: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\$env:([A-Za-z_]\w*)$").expect("valid regex"));

    if let Some(caps) = GITHUB.captures(text) {
        let path = caps.get(1)?.as_str();
        let (kind, name) = match path.split_once('.') {
            Some(("secrets", name)) => (RefKind::CiSecret, name),
            Some(("env" | "vars", name)) => (RefKind::Env, name),
            Some(("github", "token")) => (RefKind::CiSecret, "GITHUB_TOKEN"),
            _ => (RefKind::Template, path),
        };
        return Some(TemplateRef::Reference(kind, name));
    }
    if text.starts_with("$(") && text.ends_with(')') {
        return Some(TemplateRef::Reference(RefKind::Command, text));
    }
    if let Some(caps) = SHELL.captures(text) {
        let name = caps.get(1).or(caps.get(2))?.as_str();
        let (kind, name) = match name.strip_prefix("env.") {
            Some(name) => (RefKind::Env, name),
            None if name.contains('.') => (RefKind::Template, name),
            None => (RefKind::Env, name),
        };
        return Some(TemplateRef::Reference(kind, name));
    }
    if let Some(caps) = SHELL_DEFAULT.captures(text) {
        let name = caps.get(1)?;
        let default = caps.get(2)?;
        let kind = if name.as_str().contains('.') { RefKind::Template } else { RefKind::Env };
        // `${X:?message}` fails when X is unset and `${X:+alt}` substitutes only when it is set:
        // neither is a default value.
        let not_a_default = |text: &str| text.is_empty() || text.starts_with(['$', '?', '+']);
        if not_a_default(default.as_str()) || caps.get(0).is_some_and(|m| m.as_str()[name.end()..].starts_with("?")) {
            return Some(TemplateRef::Reference(kind, name.as_str()));
        }
        return Some(TemplateRef::Default { kind, name: name.as_str(), default: default.range() });
    }
    if let Some(caps) = JINJA.captures(text) {
        let inner = caps.get(1)?.as_str();
        let name = inner.split('|').next().unwrap_or(inner).trim();
        let name = name.strip_prefix(".Values.").or_else(|| name.strip_prefix("$.Values.")).unwrap_or(name);
        return Some(TemplateRef::Reference(RefKind::Template, name));
    }
    for (regex, kind) in [(&PERCENT, RefKind::Env), (&AT, RefKind::Template), (&PS_ENV, RefKind::Env)] {
        if let Some(caps) = regex.captures(text) {
            return Some(TemplateRef::Reference(kind, caps.get(1)?.as_str()));
        }
    }
    None
}

/// What [`template_reference`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateRef<'t> {
    Reference(RefKind, &'t str),
    /// A reference with a literal default: the range of the default within the text.
    Default {
        kind: RefKind,
        name: &'t str,
        default: std::ops::Range<usize>,
    },
}

fn from_template(captured: Captured<'_>, template: TemplateRef<'_>) -> Value {
    match template {
        TemplateRef::Reference(kind, name) => Value::Reference { kind, name: name.to_owned(), span: captured.span() },
        TemplateRef::Default { kind, name, default } => {
            let default = captured.sub(default);
            Value::Literal {
                text: default.text.to_owned(),
                span: default.span(),
                via: Some(format!("the default of {} `{name}`", kind.as_str())),
            }
        }
    }
}

/// Verbatim text: URLs, header values. Percent-escapes are decoded for classification.
fn interpret_raw(captured: Captured<'_>) -> Value {
    if let Some(template) = template_reference(captured.text) {
        return from_template(captured, template);
    }
    if captured.text.contains('$') && (has_interpolation(captured.text) || captured.text.starts_with('$')) {
        return Value::Unknown { expr: captured.text.to_owned(), span: captured.span() };
    }
    Value::literal(percent_decode(captured.text), captured.span())
}

/// `text` with `%XX` escapes decoded (URL userinfo); the text itself when that isn't UTF-8.
pub(crate) fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_or_else(|_| text.to_owned(), |decoded| decoded.into_owned())
}

/// A shell word, unquoted, with the file offset of every output byte.
#[derive(Debug, Clone)]
pub struct ShellWord {
    pub text: String,
    offsets: Vec<usize>,
    /// Any part of the word was quoted with single quotes (no expansion inside).
    all_single_quoted: bool,
}

impl ShellWord {
    pub fn parse(captured: Captured<'_>) -> ShellWord {
        let mut text = String::new();
        let mut offsets = Vec::new();
        let mut push = |text: &mut String, c: char, at: usize| {
            text.push(c);
            offsets.extend(std::iter::repeat_n(at, c.len_utf8()));
        };
        let mut chars = captured.text.char_indices().peekable();
        let mut quote: Option<char> = None;
        let mut saw_unquoted = false;
        let mut saw_single = false;
        while let Some((i, c)) = chars.next() {
            let at = captured.offset + i;
            match (quote, c) {
                (None, '\'' | '"') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (Some('\''), c) => {
                    saw_single = true;
                    push(&mut text, c, at);
                }
                (Some('"'), '\\') | (None, '\\') => {
                    if let Some(&(j, next)) = chars.peek() {
                        let escapable = quote.is_none() || matches!(next, '"' | '\\' | '$' | '`');
                        if escapable {
                            chars.next();
                            push(&mut text, next, captured.offset + j);
                        } else {
                            push(&mut text, c, at);
                        }
                    }
                }
                (_, c) => {
                    if quote.is_none() {
                        saw_unquoted = true;
                    }
                    push(&mut text, c, at);
                }
            }
        }
        ShellWord { text, offsets, all_single_quoted: saw_single && !saw_unquoted }
    }

    fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        if range.is_empty() || range.end > self.offsets.len() {
            let at = self.offsets.get(range.start).copied().unwrap_or_default();
            return Span::new(at, at);
        }
        let start = self.offsets[range.start];
        let last = self.offsets[range.end - 1];
        let last_len = self.text[..range.end].chars().next_back().map_or(1, char::len_utf8);
        Span::new(start, last + last_len)
    }

    /// Splits `user:secret` at the first colon outside `${…}` and `$(…)`.
    pub fn split_userpass(&self) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
        let mut depth = 0usize;
        let bytes = self.text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'{' | b'(' => depth += 1,
                b'}' | b')' => depth = depth.saturating_sub(1),
                b':' if depth == 0 => return Some((0..i, i + 1..bytes.len())),
                _ => {}
            }
        }
        None
    }

    /// The value of part of the word.
    pub fn value(&self, range: std::ops::Range<usize>) -> Value {
        let text = &self.text[range.clone()];
        let span = self.span_of(range);
        if !self.all_single_quoted {
            if let Some(template) = template_reference(text) {
                let value = from_template(Captured::new(text, 0), template);
                return match value {
                    Value::Literal { text, via, span: inner } => {
                        // The default's span inside the word, mapped back to the file.
                        let start = span.start + inner.start;
                        Value::Literal { text, span: Span::new(start, start + inner.len()), via }
                    }
                    Value::Reference { kind, name, .. } => Value::Reference { kind, name, span },
                    other => other,
                };
            }
            if text.contains('$') || text.contains('`') {
                return Value::Unknown { expr: text.to_owned(), span };
            }
        } else if let Some(template) = template_reference(text)
            && matches!(template, TemplateRef::Reference(RefKind::CiSecret | RefKind::Template, _))
        {
            // `'${{ secrets.X }}'` is expanded by the CI before the shell sees it.
            return from_template(Captured::new(text, span.start), template);
        }
        Value::literal(text, span)
    }
}

fn interpret_shell(captured: Captured<'_>) -> Value {
    let word = ShellWord::parse(captured);
    word.value(0..word.text.len())
}

fn interpret_code(captured: Captured<'_>, bindings: &Bindings, depth: usize) -> Resolved {
    let plain = |value| Resolved { value, name: None };
    let text = captured.text;
    if let Some(value) = string_literal(captured) {
        return plain(value);
    }
    if let Some(value) = environment_read(captured, bindings, depth) {
        return plain(value);
    }
    // In code, `$name` is a variable of the language (PHP, PowerShell, Perl), resolved through the
    // file's bindings below, not a shell environment reference.
    let code_variable = text.starts_with('$') && text[1..].chars().all(|c| c.is_alphanumeric() || c == '_');
    if !code_variable && let Some(template) = template_reference(text) {
        return plain(from_template(captured, template));
    }
    // Terraform and HCL: `var.jira_password`, `local.token`, `data.vault_generic_secret.x.data["p"]`.
    static HCL_REFERENCE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?:var|local|data)\.[A-Za-z_][\w.\[\]\x22-]*$").expect("valid regex"));
    if HCL_REFERENCE.is_match(text) {
        let name = text.split_once('.').map_or(text, |(_, rest)| rest);
        return plain(Value::Reference { kind: RefKind::Template, name: name.to_owned(), span: captured.span() });
    }
    static INTERACTIVE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:getpass\.getpass|getpass|input|raw_input|Read-Host|Get-Credential|prompt|readline|term\.ReadPassword|console\.readPassword|System\.console\(\)\.readPassword)\b")
            .expect("valid regex")
    });
    if INTERACTIVE.is_match(text) {
        return plain(Value::Reference { kind: RefKind::Command, name: text.to_owned(), span: captured.span() });
    }
    static NAME: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[$@]?[A-Za-z_][\w$]*(?:(?:\.|::|->)[A-Za-z_][\w$]*)*$").expect("valid regex"));
    if NAME.is_match(text) {
        if depth < MAX_RESOLVE_DEPTH
            && let Some(binding) = bindings.lookup(text, captured.offset)
        {
            let bound = interpret_at_depth(binding.value, binding.syntax, bindings, depth + 1);
            return Resolved { value: bound.value, name: Some(bound.name.unwrap_or_else(|| text.to_owned())) };
        }
        return Resolved {
            value: Value::Unknown { expr: text.to_owned(), span: captured.span() },
            name: Some(text.to_owned()),
        };
    }
    plain(Value::Unknown { expr: text.to_owned(), span: captured.span() })
}

/// A quoted string literal in most languages. Interpolated strings are literal only when they
/// interpolate nothing; a string that is one interpolation (`f"{token}"`) is left unknown.
fn string_literal(captured: Captured<'_>) -> Option<Value> {
    let text = captured.text;
    let prefix_len = text.find(['"', '\'', '`'])?;
    let prefix = &text[..prefix_len];
    if prefix.len() > 2 || !prefix.chars().all(|c| "rRbBfFuU@$".contains(c)) {
        return None;
    }
    let quote = text[prefix_len..].chars().next()?;
    let body = text.get(prefix_len + 1..text.len().checked_sub(1)?)?;
    if !text.ends_with(quote) || text.len() < prefix_len + 2 {
        return None;
    }
    let inner = captured.sub(prefix_len + 1..text.len() - 1);
    let raw = prefix.contains(['r', 'R', '@']);
    let interpolated = prefix.contains(['f', 'F', '$'])
        || (quote == '`' && has_interpolation(body))
        || (quote == '"' && has_interpolation(body) && !raw);
    if interpolated && (body.contains('{')) {
        return Some(Value::Unknown { expr: text.to_owned(), span: captured.span() });
    }
    let decoded = if raw { body.to_owned() } else { unescape(body) };
    if let Some(template) = template_reference(&decoded) {
        return Some(from_template(inner, template));
    }
    Some(Value::literal(decoded, inner.span()))
}

/// `body` holds a well-formed `${…}` or `#{…}` interpolation: an expression that starts like one
/// (a name, `$`, `@`, `(`) and whose brackets balance before the closing brace. A random password
/// that happens to hold `${` (`p${e]nob(ody…}`) interpolates nothing in any language that would
/// accept it, so it stays a literal.
fn has_interpolation(body: &str) -> bool {
    let bytes = body.as_bytes();
    (0..bytes.len().saturating_sub(1))
        .any(|i| matches!(bytes[i], b'$' | b'#') && bytes[i + 1] == b'{' && balanced_expression(&body[i + 2..]))
}

/// `rest` (what follows an opening `{`) starts with an expression whose brackets balance up to
/// its closing `}`.
fn balanced_expression(rest: &str) -> bool {
    let starts_like_code = rest.starts_with(|c: char| c.is_alphabetic() || matches!(c, '_' | '$' | '@' | '(' | ' '));
    if !starts_like_code {
        return false;
    }
    let mut open = Vec::new();
    for c in rest.chars() {
        match c {
            '{' | '(' | '[' => open.push(c),
            '}' if open.is_empty() => return true,
            '}' | ')' | ']' => {
                let expected = match c {
                    '}' => '{',
                    ')' => '(',
                    _ => '[',
                };
                if open.pop() != Some(expected) {
                    return false;
                }
            }
            '\n' => return false,
            _ => {}
        }
    }
    false
}

fn unescape(body: &str) -> String {
    if !body.contains('\\') {
        return body.to_owned();
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Environment reads across languages, with their literal defaults.
fn environment_read(captured: Captured<'_>, bindings: &Bindings, depth: usize) -> Option<Value> {
    const NAME: &str = r#"(?:"(?P<n1>[^"\n]+)"|'(?P<n2>[^'\n]+)'|:(?P<n3>\w+))"#;
    static CALL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r#"^(?:os\.environ\.get|os\.getenv|getenv|os\.Getenv|os\.LookupEnv|System\.getenv|System\.GetEnvironmentVariable|Environment\.GetEnvironmentVariable|std::env::var|env::var|std::env::var_os|ENV\.fetch|ENV\.get|env|Deno\.env\.get)\(\s*{NAME}(?:\s*,\s*(?P<default>.+?))?\s*\)(?:\.unwrap_or\((?P<default2>.+)\))?$"#
        ))
        .expect("valid regex")
    });
    static SUBSCRIPT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r#"^(?:os\.environ|ENV|\$_ENV|\$_SERVER|process\.env)\[\s*{NAME}\s*\]$"#))
            .expect("valid regex")
    });
    static DOTTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:process\.env|import\.meta\.env|Deno\.env)\.([A-Za-z_]\w*)$|^\$env:([A-Za-z_]\w*)$")
            .expect("valid regex")
    });
    let text = captured.text;
    if let Some(caps) = DOTTED.captures(text) {
        let name = caps.get(1).or(caps.get(2))?.as_str();
        return Some(Value::Reference { kind: RefKind::Env, name: name.to_owned(), span: captured.span() });
    }
    let caps = CALL.captures(text).or_else(|| SUBSCRIPT.captures(text))?;
    let name = caps.name("n1").or(caps.name("n2")).or(caps.name("n3"))?.as_str();
    if let Some(default) = caps.name("default").or(caps.name("default2")) {
        let resolved = interpret_at_depth(captured.sub(default.range()).trimmed(), Syntax::Code, bindings, depth + 1);
        if let Value::Literal { text, span, .. } = resolved.value {
            return Some(Value::Literal { text, span, via: Some(format!("the default of env `{name}`")) });
        }
    }
    Some(Value::Reference { kind: RefKind::Env, name: name.to_owned(), span: captured.span() })
}

/// Whether text holds an unresolved Jinja, Liquid, Handlebars or GitHub Actions expression
/// (`{{ jira_url }}/rest`, `${{ vars.URL }}`, `{% if %}`, a cookiecutter folder's name): a template
/// to be filled in, never a name a reader could look up.
pub fn is_unresolved_template(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Value {
        interpret(Captured::new(text, 10), Syntax::Code, &Bindings::default()).value
    }

    fn shell(text: &str) -> Value {
        interpret(Captured::new(text, 10), Syntax::Shell, &Bindings::default()).value
    }

    #[test]
    fn code_string_literals_span_their_content() {
        assert_eq!(code(r#""S3cret!""#), Value::literal("S3cret!", Span::new(11, 18)));
        assert_eq!(code(r#"r'a\b'"#), Value::literal(r"a\b", Span::new(12, 15)));
        assert_eq!(code(r#""a\"b""#), Value::literal("a\"b", Span::new(11, 15)));
    }

    #[test]
    fn environment_reads_are_references_and_defaults_literals() {
        for text in [
            r#"os.environ["JIRA_PW"]"#,
            r#"os.getenv('JIRA_PW')"#,
            "process.env.JIRA_PW",
            r#"System.getenv("JIRA_PW")"#,
            r#"ENV['JIRA_PW']"#,
            "$env:JIRA_PW",
            r#"std::env::var("JIRA_PW")"#,
        ] {
            assert!(
                matches!(code(text), Value::Reference { kind: RefKind::Env, ref name, .. } if name == "JIRA_PW"),
                "{text}"
            );
        }
        let value = code(r#"os.getenv("JIRA_PW", "hunter22")"#);
        assert!(matches!(value, Value::Literal { ref text, via: Some(_), .. } if text == "hunter22"), "{value:?}");
    }

    #[test]
    fn only_well_formed_interpolations_make_a_string_computed() {
        for text in [r#""${host}:${port}""#, r#""Bearer #{token}""#, r#""${cfg[\"pw\"]}""#] {
            assert!(matches!(code(text), Value::Unknown { .. }), "{text}");
        }
        // Brackets that don't balance, or no expression: nothing is interpolated.
        for text in [r#""m{{h}o)p${e]nob(ody[finds>-_$#thisone}}""#, r#""pa${}ss""#, r#""x#{9""#] {
            assert!(matches!(code(text), Value::Literal { .. }), "{text}");
        }
    }

    #[test]
    fn templates_are_references() {
        assert!(matches!(shell("${{ secrets.JIRA_TOKEN }}"), Value::Reference { kind: RefKind::CiSecret, .. }));
        assert!(matches!(shell("\"$PASSWORD\""), Value::Reference { kind: RefKind::Env, .. }));
        assert!(matches!(code("\"{{ vault_jira_pw }}\""), Value::Reference { kind: RefKind::Template, .. }));
        let value = shell("${JIRA_PW:-hunter22}");
        assert!(
            matches!(value, Value::Literal { ref text, span, .. } if text == "hunter22" && span == Span::new(21, 29)),
            "{value:?}"
        );
    }

    #[test]
    fn shell_words_split_and_keep_offsets() {
        let word = ShellWord::parse(Captured::new("'admin:S3cret!'", 100));
        let (user, secret) = word.split_userpass().unwrap();
        assert_eq!(word.value(user), Value::literal("admin", Span::new(101, 106)));
        assert_eq!(word.value(secret), Value::literal("S3cret!", Span::new(107, 114)));
        let word = ShellWord::parse(Captured::new("\"$USER:$PASS\"", 0));
        let (_, secret) = word.split_userpass().unwrap();
        assert!(matches!(word.value(secret), Value::Reference { ref name, .. } if name == "PASS"));
    }

    #[test]
    fn names_resolve_through_bindings() {
        let text = "password = \"S3cret!\"\n";
        let bindings = Bindings::collect(text, crate::source::FileKind::Python);
        let resolved = interpret(Captured::new("password", text.len()), Syntax::Code, &bindings);
        assert_eq!(resolved.value, Value::literal("S3cret!", Span::new(12, 19)));
        assert_eq!(resolved.name.as_deref(), Some("password"));
    }
}
