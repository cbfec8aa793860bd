//! The text-pattern extractor: the catalogue's regexes, run only where the keyword prefilter hit.
//!
//! Each match becomes a [`CredentialUse`]: the named groups (`user`, `secret`, `userpass`, `blob`,
//! `target`, `name`) are read with the pattern's syntax, names resolve through the file's bindings,
//! and the connection target comes from the group, the enclosing call or the shell command.

use super::bindings::Bindings;
use super::expr::{Captured, ShellWord, interpret, resolve_shell_variable};
use super::target::{host_of, target_of_command, target_of_enclosing_call};
use crate::classify::decode_basic_blob;
use crate::fact::{CredentialUse, Target, Value};
use crate::rules::{Pattern, Syntax};
use crate::source::{FileKind, SourceFile};
use crate::span::Span;

/// How long one pattern may take on one file before the file's problems name it: an embedded
/// pattern takes milliseconds on a megabyte, a user's regex that needs seconds wants fixing.
/// `CREDLINT_SLOW_PATTERN_MS` changes it (the tests set 0).
static SLOW_PATTERN: std::sync::LazyLock<std::time::Duration> = std::sync::LazyLock::new(|| {
    let millis = std::env::var("CREDLINT_SLOW_PATTERN_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    std::time::Duration::from_millis(millis)
});

/// Every use the given patterns find in `file`; a pattern that took longer than [`SLOW_PATTERN`]
/// is named in `problems`.
pub fn extract_with_patterns(
    file: &SourceFile,
    patterns: &[&Pattern],
    uses: &mut Vec<CredentialUse>,
    problems: &mut Vec<crate::fact::Problem>,
) {
    if patterns.is_empty() {
        return;
    }
    let text: &str = &file.text;
    // Most files a keyword lets through hold no match: collect bindings only once one does.
    let mut bindings = None;
    for pattern in patterns {
        let started = std::time::Instant::now();
        for caps in pattern.regex.get().captures_iter(text) {
            let bindings = bindings.get_or_insert_with(|| Bindings::collect(text, file.kind));
            if let Some(found) = use_from_match(text, file.kind, pattern, &caps, bindings) {
                uses.push(found);
            }
        }
        let took = started.elapsed();
        if took >= *SLOW_PATTERN {
            problems.push(crate::fact::Problem {
                kind: crate::fact::ProblemKind::Slow,
                message: format!(
                    "pattern `{}` took {:.1}s on this file: simplify its regex (nested or bounded repetition, a long alternation)",
                    pattern.id,
                    took.as_secs_f64()
                ),
            });
        }
    }
}

fn use_from_match(
    text: &str,
    kind: FileKind,
    pattern: &Pattern,
    caps: &regex::Captures<'_>,
    bindings: &Bindings<'_>,
) -> Option<CredentialUse> {
    let whole = caps.get(0)?;
    let captured = |name: &str| caps.name(name).map(|m| Captured::new(m.as_str(), m.start()));
    let mut secret_name: Option<String> = None;
    // Where the secret is used in this match (the resolved literal may be bound elsewhere).
    let use_at = ["secret", "userpass", "blob"].iter().find_map(|g| caps.name(g)).map_or(whole.start(), |m| m.start());
    let (user, secret) = if let Some(userpass) = captured("userpass") {
        let word = match pattern.syntax {
            Syntax::Code => ShellWord::parse(unquote_code(userpass)),
            Syntax::Shell | Syntax::Raw | Syntax::Store => ShellWord::parse(userpass),
        };
        let (user, secret) = word.split_userpass()?;
        if secret.is_empty() {
            // `curl -u "user:"`: an empty password is no credential.
            return None;
        }
        let resolved = resolve_shell_variable(word.value(secret), bindings, 0);
        secret_name = resolved.name;
        (Some(word.value(user)), resolved.value)
    } else if let Some(blob) = captured("blob") {
        let blob_value = interpret(blob, Syntax::Raw, bindings).value;
        match blob_value {
            Value::Literal { ref text, span, .. } => {
                let (user, secret) = decode_basic_blob(text)?;
                let via = Some("decoded from base64 basic credentials".to_owned());
                (
                    Some(Value::Literal { text: user, span, via: via.clone() }),
                    Value::Literal { text: secret, span, via },
                )
            }
            other => (None, other),
        }
    } else {
        let secret = captured("secret")?;
        let resolved = interpret(secret, pattern.syntax, bindings);
        secret_name = resolved.name;
        let user = captured("user").map(|user| interpret(user, pattern.syntax, bindings).value);
        (user, resolved.value)
    };
    let secret = program_variable_as_unknown(secret, text, kind);
    if let Value::Unknown { expr, .. } = &secret
        && matches!(expr.as_str(), "None" | "null" | "nil" | "undefined" | "Nothing" | "\"\"" | "''")
    {
        return None;
    }
    if let Some(Value::Literal { text, .. }) = &user
        && text.is_empty()
        && matches!(secret, Value::Literal { ref text, .. } if text.is_empty())
    {
        return None;
    }
    if pattern.syntax == Syntax::Store {
        // A store binding names the variable it fills: `string(credentialsId: 'x', variable: 'T')`.
        secret_name = caps.name("name").map(|m| m.as_str().to_owned());
    }
    if secret_name.is_none() {
        secret_name = match &secret {
            Value::Reference { name, .. } => Some(name.clone()),
            _ => None,
        };
    }
    let secret_name = secret_name
        .or_else(|| caps.name("name").map(|m| m.as_str().trim_matches(|c| "\"'".contains(c)).to_owned()))
        .or_else(|| pattern.secret_name.clone());
    let span = Span::new(whole.start(), whole.end());
    let target = match captured("target") {
        Some(target) => {
            let value = interpret(target, pattern.syntax, bindings).value;
            let text = match &value {
                Value::Literal { text, .. } => text.clone(),
                _ => target.text.to_owned(),
            };
            // A host only from a literal or a URL: `URI(jiraUrl)` names no host `jiraurl`.
            let host =
                if matches!(value, Value::Literal { .. }) || text.contains("://") { host_of(&text) } else { None };
            Some(Target { host, text, span: value.span() })
        }
        None => match pattern.syntax {
            Syntax::Shell => target_of_command(text, Span::new(use_at, whole.end())),
            Syntax::Code => target_of_enclosing_call(text, use_at, bindings),
            // Headers and URLs appear in code and in commands alike.
            Syntax::Raw => target_of_enclosing_call(text, use_at, bindings)
                .or_else(|| target_of_command(text, Span::new(use_at, whole.end())).filter(|t| t.host.is_some())),
            Syntax::Store => None,
        },
    };
    let connection = if target.is_none() { pattern.connection.clone() } else { None };
    Some(CredentialUse {
        scheme: pattern.scheme,
        user,
        secret,
        secret_name,
        target,
        connection,
        span,
        extractor: std::sync::Arc::clone(&pattern.id),
    })
}

/// A `userpass` captured in code is a string literal; its content is read as one shell word.
fn unquote_code(captured: Captured<'_>) -> Captured<'_> {
    let text = captured.text;
    let prefix = text.find(['"', '\'', '`']).unwrap_or(0);
    let inner = text.get(prefix + 1..text.len().saturating_sub(1)).filter(|_| text.len() >= prefix + 2);
    match inner {
        Some(inner) if prefix <= 2 => Captured::new(inner, captured.offset + prefix + 1),
        _ => captured,
    }
}

/// `${token}` in a JavaScript template literal (or `"${token}"` in Groovy or Kotlin, `$token` in
/// PowerShell or PHP) is the program's variable, not the environment's: left unresolved by the
/// file's bindings, it names nothing another script could share, so it is an unknown value. An
/// upper-case name (`${JIRA_TOKEN}`) keeps reading as the environment variable it usually is.
fn program_variable_as_unknown(secret: Value, text: &str, kind: FileKind) -> Value {
    let is_program = kind.is_program();
    match secret {
        Value::Reference { kind: crate::fact::RefKind::Env, ref name, span }
            if is_program && name.bytes().any(|b| b.is_ascii_lowercase()) =>
        {
            let written = text.get(span.range()).unwrap_or_default();
            if written.starts_with('$') && !written.to_ascii_lowercase().starts_with("$env:") {
                Value::Unknown { expr: written.to_owned(), span }
            } else {
                secret
            }
        }
        other => other,
    }
}
