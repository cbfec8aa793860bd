//! Secrets that no extractor flagged but a snippet could still show: found by shape, to be masked.
//!
//! Reports mask the secret of every credential use. A line also holds what nobody flagged: a second
//! `password: "…"` beside the flagged one, a JDBC `?password=` in the connection, an
//! `access_token=` query value, a `#token=` fragment, a token used as a URL's user name, a
//! `Pwd=…;` in a connection string, an AWS secret key. [`secret_shapes`] finds them by shape, so
//! the human report's snippets and every kept source are masked by default, not by rule coverage.
//!
//! The shapes err towards masking: a variable name after `password =` is masked too, which costs a
//! little readability in a snippet and nothing else (extraction never sees this masking).

use std::sync::LazyLock;

use regex::Regex;

use crate::classify::{NamePrior, name_prior};
use crate::span::Span;

/// Every span of `text` that holds, or may hold, a secret by its shape.
pub fn secret_shapes(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    url_secrets(text, &mut spans);
    keyed_values(text, &mut spans);
    auth_header_values(text, &mut spans);
    random_words(text, &mut spans);
    spans
}

/// A key that names a credential (`password`, `dbPassword`, `access_token`, `Pwd`, `api-key`).
fn names_credential(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    name_prior(key) != NamePrior::Neutral
        || matches!(lower.as_str(), "pwd" | "pass" | "passwd" | "sig" | "signature" | "apikey" | "key" | "auth")
        || lower.ends_with("pwd")
        || lower.ends_with("passwd")
}

/// A value that is machine-generated enough to be a token, or long and mixed enough to be a
/// password nobody named.
fn secretish(value: &str) -> bool {
    let n = value.chars().count();
    if n < 8 {
        return false;
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    crate::classify::looks_random(value) || n > 24 || (digits > 4 && value.chars().any(|c| c.is_alphabetic()))
}

/// A value that names where a secret comes from instead of being one: `${VAR}`, `${{ secrets.X }}`,
/// `{{ var }}`, `$VAR`, `%(name)s`, `<password>`.
fn is_reference(value: &str) -> bool {
    static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:\$\{\{[^\n]*\}\}|\{\{[^\n]*\}\}|\$\{[^{}\n]*\}|\$\([^()\n]*\)|\$[A-Za-z_][A-Za-z0-9_]*|%\([A-Za-z_]\w*\)s|<[^<>\n]*>|#\{[^{}\n]*\})$")
            .expect("valid regex")
    });
    REFERENCE.is_match(value)
}

/// User information, query values and fragment values of every `scheme://` URL.
fn url_secrets(text: &str, spans: &mut Vec<Span>) {
    static URL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'"<>`]*"#).expect("valid regex"));
    for found in URL.find_iter(text) {
        let url = found.as_str();
        let rest_at = url.find("://").map_or(0, |i| i + 3);
        let rest = &url[rest_at..];
        let base = found.start() + rest_at;
        let mut query_from = 0;
        if let Some(at) = super::url::userinfo_end(rest) {
            let userinfo = &rest[..at];
            match userinfo.split_once(':') {
                Some((user, _)) => {
                    let user_shown = !secretish(user) || is_reference(user);
                    let from = if user_shown { user.len() + 1 } else { 0 };
                    spans.push(Span::new(base + from, base + at));
                }
                None if secretish(userinfo) && !is_reference(userinfo) => spans.push(Span::new(base, base + at)),
                None => {}
            }
            query_from = at + 1;
        }
        // Query and fragment parameters: `?a=1&password=x;token=y#access_token=z`.
        let Some(params_at) = rest[query_from..].find(['?', '#', ';']).map(|i| i + query_from) else { continue };
        let mut offset = params_at;
        for param in rest[params_at..].split_inclusive(['?', '#', '&', ';']) {
            let body = param.trim_start_matches(['?', '#', '&', ';']).trim_end_matches(['?', '#', '&', ';']);
            let lead = param.len() - param.trim_start_matches(['?', '#', '&', ';']).len();
            if let Some((key, value)) = body.split_once('=')
                && !value.is_empty()
                && (names_credential(key) || secretish(value))
                && !is_reference(value)
            {
                let start = base + offset + lead + key.len() + 1;
                spans.push(Span::new(start, start + value.len()));
            }
            offset += param.len();
        }
    }
}

/// The value after a credential-named key: `password = "…"`, `"apiToken": "…"`, `Pwd=…;`,
/// `:password => '…'`, `DB_PASS: …` and a YAML block scalar's lines under `password: |`.
fn keyed_values(text: &str, spans: &mut Vec<Span>) {
    static KEY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?i)([A-Za-z0-9_.\-]*(?:pass|pwd|secret|token|key|auth|cred|sig)[A-Za-z0-9_.\-]*)["']?\]?\s*(?:=>|:=|=|:)[ \t]*"#,
        )
        .expect("valid regex")
    });
    let bytes = text.as_bytes();
    for caps in KEY.captures_iter(text) {
        let (Some(whole), Some(key)) = (caps.get(0), caps.get(1)) else { continue };
        // `==` is a comparison, `=>` after a non-credential key is a hash arrow: keep both checks
        // to the key's name.
        if !names_credential(key.as_str().trim_start_matches(['-', '.'])) {
            continue;
        }
        let at = whole.end();
        if let Some(span) = value_at(text, at) {
            spans.push(span);
        } else if let Some(block) = block_scalar_at(text, bytes, key.start(), at) {
            spans.push(block);
        }
    }
}

/// The literal value starting at `at`: a quoted string's content, an ODBC `{…}` value, or an
/// unquoted word; `None` for references, expressions and empty values.
fn value_at(text: &str, at: usize) -> Option<Span> {
    let rest = &text[at..];
    let first = rest.chars().next()?;
    let (start, value) = match first {
        '"' | '\'' | '`' => {
            let body = &rest[1..];
            let mut end = None;
            let mut escaped = false;
            for (i, c) in body.char_indices() {
                match c {
                    '\n' => break,
                    '\\' if !escaped => escaped = true,
                    c if c == first && !escaped => {
                        end = Some(i);
                        break;
                    }
                    _ => escaped = false,
                }
            }
            // An unterminated string runs to the end of the line.
            let end = end.unwrap_or_else(|| body.find('\n').unwrap_or(body.len()));
            (at + 1, &body[..end])
        }
        '{' if !rest.starts_with("{{") => {
            let end = rest.find(['}', '\n']).map_or(rest.len(), |i| i + usize::from(rest[i..].starts_with('}')));
            (at, &rest[..end])
        }
        // A template or substitution (`${{ secrets.X }}`, `${VAR:-…}`, `$(cmd)`) names where the
        // value comes from; a literal default inside one is a use's own secret, masked there.
        _ if rest.starts_with("${") || rest.starts_with("$(") => return None,
        _ => {
            let end = rest.find(|c: char| c.is_whitespace() || ";&,)]}\"'<>".contains(c)).unwrap_or(rest.len());
            let word = &rest[..end];
            // An expression (`get_pw()`, `config.password`, `os.environ[...]`) or a YAML block
            // indicator is not a literal.
            let identifier_path = word.contains('.') && word.split('.').all(is_wordy_identifier);
            if word.contains(['(', '[']) || identifier_path || matches!(word.chars().next(), Some('|' | '>')) {
                return None;
            }
            (at, word)
        }
    };
    (!value.is_empty() && !is_reference(value.trim())).then(|| Span::new(start, start + value.len()))
}

/// A segment of an expression such as `config.password` or `settings.JIRA_TOKEN`: an identifier
/// made of words (mostly lower-case letters, or upper-case snake case), with at most one digit.
/// A random value split by dots (`E_Wc_CZ_37.Qf`) is not one.
fn is_wordy_identifier(segment: &str) -> bool {
    let Some(first) = segment.chars().next() else { return false };
    let digits = segment.chars().filter(char::is_ascii_digit).count();
    let lower = segment.chars().filter(char::is_ascii_lowercase).count();
    let upper_snake = segment.chars().all(|c| c.is_ascii_uppercase() || c == '_');
    (first.is_ascii_alphabetic() || first == '_')
        && segment.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && digits <= 1
        && (lower * 2 >= segment.len() || upper_snake)
}

/// The lines of a YAML block scalar (`password: |`) under the key at `key_start`.
fn block_scalar_at(text: &str, bytes: &[u8], key_start: usize, at: usize) -> Option<Span> {
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let indicator = text[at..line_end].trim();
    let is_block = indicator.starts_with(['|', '>'])
        && indicator[1..].chars().all(|c| c.is_ascii_digit() || c == '+' || c == '-' || c.is_whitespace());
    if !is_block {
        return None;
    }
    let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
    let indent = bytes[line_start..key_start].iter().take_while(|b| **b == b' ').count();
    let mut end = line_end;
    let mut cursor = line_end;
    while cursor < text.len() {
        let next_start = cursor + 1;
        let next_end = text[next_start..].find('\n').map_or(text.len(), |i| next_start + i);
        let line = &text[next_start..next_end];
        let line_indent = line.bytes().take_while(|b| *b == b' ').count();
        if !line.trim().is_empty() && line_indent <= indent {
            break;
        }
        end = next_end;
        cursor = next_end;
    }
    (end > line_end).then(|| Span::new(line_end, end))
}

/// `Basic <blob>`, `Bearer <token>` and `token <token>` header values.
fn auth_header_values(text: &str, spans: &mut Vec<Span>) {
    static HEADER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:basic|bearer|token|digest)[ \t]+([A-Za-z0-9+/=._~\-]{8,})").expect("valid regex")
    });
    for caps in HEADER.captures_iter(text) {
        if let Some(value) = caps.get(1)
            && !is_reference(value.as_str())
            && value.as_str().chars().any(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        {
            spans.push(Span::new(value.start(), value.end()));
        }
    }
}

/// Long words that look machine-generated (an AWS secret key, a token nobody named).
fn random_words(text: &str, spans: &mut Vec<Span>) {
    static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[A-Za-z0-9+/=_\-.~]{16,}").expect("valid regex"));
    for found in WORD.find_iter(text) {
        let word = found.as_str().trim_end_matches(['.', '-']);
        // Host names and paths (`jira.acme.io/rest/api/2/myself`, `JIRA_URL/rest/api/2/search`)
        // are not secrets: a dotted word never is here, and a slashed one is a path when it has
        // fewer than three kinds of alphanumeric or every segment is a word or a short number.
        let kinds = [char::is_ascii_lowercase, char::is_ascii_uppercase, char::is_ascii_digit]
            .iter()
            .filter(|kind| word.chars().any(|c| kind(&c)))
            .count();
        let path_segment = |segment: &str| {
            (segment.len() >= 3 && is_wordy_identifier(segment))
                || (!segment.is_empty() && segment.len() <= 4 && segment.bytes().all(|b| b.is_ascii_digit()))
        };
        let pathlike = word.contains('.') || (word.contains('/') && (kinds < 3 || word.split('/').all(path_segment)));
        if !pathlike && (kinds >= 3 || word.len() >= 32) && crate::classify::looks_random(word) {
            spans.push(Span::new(found.start(), found.start() + word.len()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        let spans = secret_shapes(text);
        let masks: Vec<_> = spans.into_iter().map(super::super::Mask::hidden).collect();
        super::super::mask_spans(text, &masks)
    }

    #[test]
    fn url_userinfo_query_and_fragment_values_are_masked() {
        let out = masked("u = 'https://bot:Pa@ssW0rd!2024x@jira.acme.io/x?access_token=Qw9Er8Ty7&id=1#token=AbCdEf'");
        assert!(!out.contains("ssW0rd") && !out.contains("Qw9Er8") && !out.contains("AbCdEf"), "{out}");
        assert!(out.contains("https://bot:") && out.contains("@jira.acme.io/x?access_token=") && out.contains("id=1"));
        let out = masked("jdbc:postgresql://db.acme.io:5432/app?user=app&password=Jd8cQw3Zp0");
        assert!(!out.contains("Jd8cQw"), "{out}");
        let out = masked("git clone https://ghp_abcdefABCDEF1234567890abcdefABCDEF12@github.com/o/r");
        assert!(!out.contains("abcdefABCDEF"), "{out}");
    }

    #[test]
    fn keyed_values_are_masked_in_every_syntax() {
        for line in [
            r#"  other_password: "Zz8$nR4wKq1@""#,
            "DB_PASS=Zz8$nR4wKq1@",
            r#"{"apiToken": "Zz8$nR4wKq1@"}"#,
            "Server=db;User Id=sa;Password=Zz8$nR4wKq1@;",
            "Driver={x};PWD={Zz8$nR4wKq1@;more};",
            ":password => 'Zz8$nR4wKq1@'",
            "X-Api-Key: Zz8$nR_37.Qf.",
            "conn.setPassword(\"x\"); dbPassword = 'Zz8$nR4wKq1@'",
        ] {
            let out = masked(line);
            assert!(!out.contains("Zz8$nR"), "{line} -> {out}");
        }
    }

    #[test]
    fn references_and_expressions_stay_readable() {
        for line in [
            "password: ${{ secrets.DB_PASSWORD }}",
            "password = os.environ[\"DB_PASSWORD\"]",
            "token: \"${JIRA_TOKEN}\"",
            "password = config.database.password",
            "token: settings.JIRA_API_TOKEN",
            "auth=(\"bot@acme.example\", os.environ[\"JIRA_API_TOKEN\"])",
        ] {
            assert_eq!(masked(line), line);
        }
    }

    #[test]
    fn block_scalars_and_random_words_are_masked() {
        let out = masked("db:\n  password: |\n    Zz8$nR4wKq1@\n  host: x\n");
        assert!(!out.contains("Zz8$nR") && out.contains("host: x"), "{out}");
        let out = masked("aws = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzKEYzz\n");
        assert!(!out.contains("XUtnFEMI"), "{out}");
        let out = masked("Authorization: Basic c3ZjOlN1bW1lcjIwMjQh");
        assert!(!out.contains("c3ZjOlN1"), "{out}");
        for line in
            ["curl https://jira.acme.io/rest/api/2/myself", "let header_value = build_authorization_header2(x);"]
        {
            assert_eq!(masked(line), line);
        }
    }
}
