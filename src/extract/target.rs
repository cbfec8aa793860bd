//! Finding the connection a credential serves: the URL of the call or command it is used in.
//!
//! Code: the enclosing call's `url=`/`server=`-style keyword argument, else its first argument.
//! Shell: the first URL on the same command (following `\` line continuations).

use std::sync::LazyLock;

use regex::Regex;

use super::bindings::Bindings;
use super::expr::{Captured, interpret};
use crate::fact::{Target, Value};
use crate::rules::Syntax;
use crate::span::{Span, clamp_to_char_boundary};

/// The lowercased host of a URL (or of a bare `host[:port]`), without userinfo or port.
pub fn host_of(url: &str) -> Option<String> {
    let rest = match url.find("://") {
        Some(at) => &url[at + 3..],
        None => url.strip_prefix("//").unwrap_or(url),
    };
    // The user information ends where reports say it does (a password may hold `@` or `/`).
    let rest = crate::redact::url::userinfo_end(rest).map_or(rest, |at| &rest[at + 1..]);
    let host_port = rest.split(['/', '?', '#']).next()?;
    let host = if host_port.starts_with('[') {
        host_port.split(']').next()?.trim_start_matches('[')
    } else {
        host_port.split(':').next()?
    };
    let valid = !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
        && host.contains(|c: char| c.is_ascii_alphabetic() || c == '.' || c == ':');
    valid.then(|| host.to_ascii_lowercase())
}

fn target_from_value(value: &Value, fallback: Captured<'_>) -> Option<Target> {
    match value {
        Value::Literal { text, span, .. } => {
            let urlish = text.contains("://") || looks_like_host(text);
            urlish.then(|| Target { text: text.clone(), host: host_of(text), span: *span })
        }
        Value::Reference { name, span, .. } if looks_like_url_name(name) => {
            Some(Target { text: fallback.text.to_owned(), host: None, span: *span })
        }
        Value::Unknown { expr, span } => {
            // Only a URL or a name: an arbitrary expression (which may hold a literal secret) never
            // becomes a connection label.
            static NAME: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(r"^[$@]?[A-Za-z_][\w$]*(?:(?:\.|::|->)[A-Za-z_][\w$]*)*$").expect("valid regex")
            });
            let host = host_of(expr.trim_start_matches(|c| "fFrRbB\"'`".contains(c)));
            let urlish = expr.contains("://") || (NAME.is_match(expr) && looks_like_url_name(expr));
            urlish.then(|| Target { text: expr.clone(), host: host.filter(|_| expr.contains("://")), span: *span })
        }
        _ => None,
    }
}

fn looks_like_url_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["url", "uri", "host", "server", "base", "endpoint", "site", "domain", "api"].iter().any(|w| lower.contains(w))
}

/// A bare host name: dotted, no user part, no spaces (`jira.example.com`, `jira.corp:8443`).
fn looks_like_host(text: &str) -> bool {
    !text.contains('@')
        && text.contains('.')
        && !text.ends_with('.')
        && host_of(text).is_some_and(|h| h.len() == text.split(':').next().unwrap_or("").len())
}

/// How many enclosing calls are searched for a target (`get(url, auth=HTTPBasicAuth(u, p))`).
const MAX_CALL_LEVELS: usize = 3;

/// The target of the calls enclosing `at`, innermost first: a URL-named keyword argument, else
/// the first argument when it looks like a URL.
pub fn target_of_enclosing_call(text: &str, at: usize, bindings: &Bindings) -> Option<Target> {
    let mut at = at;
    for _ in 0..MAX_CALL_LEVELS {
        let open = enclosing_open_paren(text, at)?;
        if let Some(target) = target_of_call(text, open, bindings) {
            return Some(target);
        }
        at = open;
    }
    None
}

fn target_of_call(text: &str, open: usize, bindings: &Bindings) -> Option<Target> {
    let args = call_arguments(text, open)?;
    static URL_KEYWORD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"^["']?(?:url|uri|server|base_url|baseURL|baseUrl|base_uri|host|site|endpoint|jira_url|rootUri)["']?\s*(?:=>?|:)\s*"#)
            .expect("valid regex")
    });
    let keyword = args.iter().find_map(|arg| {
        let m = URL_KEYWORD.find(arg.text)?;
        Some(Captured::new(&arg.text[m.end()..], arg.offset + m.end()))
    });
    static KEYWORD_ARGUMENT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[A-Za-z_]\w*\s*(?:=[^=]|:[^:])").expect("valid regex"));
    let candidate = keyword.or_else(|| args.first().copied().filter(|arg| !KEYWORD_ARGUMENT.is_match(arg.text)))?;
    let resolved = interpret(candidate, Syntax::Code, bindings);
    let mut target = target_from_value(&resolved.value, candidate)?;
    if target.host.is_none() {
        target.host = interpolated_base_host(&target.text, candidate.offset, bindings);
    }
    Some(target)
}

/// The host of `f"{base}/rest/…"` / `` `${base}/rest` `` when `base` is bound to a URL literal.
fn interpolated_base_host(text: &str, at: usize, bindings: &Bindings) -> Option<String> {
    static LEADING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"^[fF]?["'`]?\$?\{\s*([A-Za-z_][\w.]*)\s*\}"#).expect("valid regex"));
    let name = LEADING.captures(text)?.get(1)?.as_str();
    let binding = bindings.lookup(name, at)?;
    let value = interpret(binding.value, binding.syntax, bindings).value;
    host_of(value.as_literal()?).filter(|_| value.as_literal().is_some_and(|v| v.contains("://")))
}

/// The byte offset of the `(` of the innermost call that contains `at`, within 2 KiB.
pub(crate) fn enclosing_open_paren(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let floor = at.saturating_sub(2048);
    let mut depth = 0usize;
    let mut i = at.min(bytes.len());
    while i > floor {
        i -= 1;
        match bytes[i] {
            b')' | b']' | b'}' => depth += 1,
            b'(' if depth == 0 => {
                // A call's paren follows its callee; a tuple's (`auth=(u, p)`) does not, nor does a
                // Go `var (`/`const (`/`import (` block or a control statement's condition.
                let before = text[..i].trim_end();
                let callee = before.rsplit(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("");
                let keyword = matches!(
                    callee,
                    "var"
                        | "const"
                        | "import"
                        | "if"
                        | "for"
                        | "while"
                        | "switch"
                        | "match"
                        | "return"
                        | "elif"
                        | "and"
                        | "or"
                        | "not"
                        | "in"
                );
                let last = before.as_bytes().last().copied();
                if !keyword
                    && last.is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b')' | b']' | b'>' | b'$'))
                {
                    return Some(i);
                }
            }
            b'(' | b'[' | b'{' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The top-level arguments of the call whose `(` is at `open`.
fn call_arguments(text: &str, open: usize) -> Option<Vec<Captured<'_>>> {
    let bytes = text.as_bytes();
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut start = open + 1;
    let mut quote: Option<u8> = None;
    let mut i = open + 1;
    // On a character boundary: argument text up to it is sliced.
    let limit = crate::span::clamp_to_char_boundary(text, open + 4096);
    while i < limit {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == b'\\' {
                i += 1;
            } else if b == q {
                quote = None;
            }
        } else {
            match b {
                // A line comment between arguments holds no argument (nor its commas).
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    while i < limit && bytes[i] != b'\n' {
                        i += 1;
                    }
                    if start == i || text[start..i].trim().starts_with("//") {
                        start = i;
                    }
                    continue;
                }
                b'"' | b'\'' | b'`' => quote = Some(b),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth > 0 => depth -= 1,
                b')' => {
                    push_arg(text, start, i, &mut args);
                    return Some(args);
                }
                b',' if depth == 0 => {
                    push_arg(text, start, i, &mut args);
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    None
}

fn push_arg<'t>(text: &'t str, start: usize, end: usize, args: &mut Vec<Captured<'t>>) {
    let (Some(raw), true) = (text.get(start..end), start <= end) else { return };
    let trimmed = raw.trim();
    if !trimmed.is_empty() {
        let lead = raw.len() - raw.trim_start().len();
        args.push(Captured::new(trimmed, start + lead));
    }
}

/// How far from a secret its shell command is looked for, each way, in bytes.
const COMMAND_REACH: usize = 8192;

/// The first URL on the shell command around `span`, following `\` continuations.
pub fn target_of_command(text: &str, span: Span) -> Option<Target> {
    static URL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?:[A-Za-z][A-Za-z0-9+.\-]*://|\$\{?[A-Za-z_]*(?:URL|URI|HOST|SERVER|BASE)[A-Za-z_]*\}?)[^\s'"<>`;|]*"#,
        )
        .expect("valid regex")
    });
    // A command is searched within `COMMAND_REACH` bytes of the secret: on a minified line with
    // hundreds of findings, reading to the line's ends for each one would be quadratic.
    let floor = clamp_to_char_boundary(text, span.start.saturating_sub(COMMAND_REACH));
    let start = text[floor..span.start.min(text.len())].rfind('\n').map_or(floor, |i| floor + i + 1);
    let mut end = span.end.min(text.len());
    loop {
        let ceiling = clamp_to_char_boundary(text, end + COMMAND_REACH);
        match text[end..ceiling].find('\n') {
            Some(newline) => {
                let line_end = end + newline;
                let continued = text[..line_end].trim_end_matches('\r').ends_with('\\');
                end = line_end + 1;
                if !continued || end - start > 8192 {
                    end = line_end;
                    break;
                }
            }
            None => {
                end = ceiling;
                break;
            }
        }
    }
    // Several commands on one line (`curl …; curl …`, `a && b`): the secret's own command is
    // searched first, then the whole line (`URL=…; curl -u … "$URL"` names its target before).
    let (own_start, own_end) = own_command(text, start, end, span);
    let within_secret = |at: usize, m: &regex::Match<'_>| at + m.start() < span.end && at + m.end() > span.start;
    let (start, found) = URL
        .find_iter(&text[own_start..own_end])
        .find(|m| !within_secret(own_start, m))
        .map(|m| (own_start, m))
        .or_else(|| URL.find_iter(&text[start..end]).find(|m| !within_secret(start, m)).map(|m| (start, m)))?;
    let url = found.as_str().trim_end_matches([',', ')', '.']);
    Some(Target {
        text: url.to_owned(),
        host: host_of(url),
        span: Span::new(start + found.start(), start + found.start() + url.len()),
    })
}

/// The bounds, within `start..end`, of the shell command holding `span`: from the last `;`, `&&`
/// or `||` before it to the first after it.
fn own_command(text: &str, start: usize, end: usize, span: Span) -> (usize, usize) {
    const SEPARATORS: [&str; 3] = [";", "&&", "||"];
    let before = &text[start..span.start.clamp(start, end)];
    let own_start =
        SEPARATORS.iter().filter_map(|s| before.rfind(s).map(|i| start + i + s.len())).max().unwrap_or(start);
    let after_from = span.end.clamp(start, end);
    let after = &text[after_from..end];
    let own_end = SEPARATORS.iter().filter_map(|s| after.find(s).map(|i| after_from + i)).min().unwrap_or(end);
    (own_start, own_end)
}

/// URL schemes of infrastructure connections.
const INFRA_SCHEMES: &[&str] = &[
    "jdbc:",
    "postgres",
    "mysql",
    "mariadb",
    "mongodb",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "ldap",
    "ldaps",
    "smtp",
    "smtps",
    "imap",
    "ftp",
    "sftp",
    "ssh",
    "kafka",
    "nats",
    "mssql",
    "sqlserver",
    "oracle",
];

/// Whether a URL reaches infrastructure (a database, a broker, mail, LDAP, a file server) rather
/// than an HTTP API: its user information is the service's own login, not basic auth.
pub fn is_infrastructure_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    INFRA_SCHEMES.iter().any(|scheme| lower.starts_with(scheme))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_drop_userinfo_ports_and_case() {
        assert_eq!(host_of("https://u:p@Jira.Example.com:8443/rest").as_deref(), Some("jira.example.com"));
        assert_eq!(host_of("jira.corp").as_deref(), Some("jira.corp"));
        assert_eq!(host_of("https://${HOST}/x"), None);
        assert_eq!(host_of("https://bot:Pa@ss@jira.example.com/x").as_deref(), Some("jira.example.com"));
        assert_eq!(host_of("https://bot:pa/ss@jira.example.com/x").as_deref(), Some("jira.example.com"));
    }

    #[test]
    fn a_command_takes_the_url_of_its_own_command_on_a_shared_line() {
        let text = "curl -u a:one https://a.example.com/; curl -u b:two https://b.example.com/ && curl -u c:three https://c.example.com/\n";
        for (secret, host) in [("one", "a.example.com"), ("two", "b.example.com"), ("three", "c.example.com")] {
            let at = text.find(secret).unwrap();
            let target = target_of_command(text, Span::new(at, at + secret.len())).unwrap();
            assert_eq!(target.host.as_deref(), Some(host), "{secret}");
        }
        // A URL set earlier on the line is still the target when the command has none.
        let text = "URL=https://jira.example.com/; curl -u a:pw \"$URL\"\n";
        let at = text.find("pw").unwrap();
        let target = target_of_command(text, Span::new(at, at + 2)).unwrap();
        assert_eq!(target.text, "$URL");
    }

    #[test]
    fn enclosing_call_gives_its_url() {
        let text = r#"requests.get("https://jira.example.com/rest/api/2/myself", auth=(user, pw))"#;
        let at = text.find("auth").unwrap();
        let target = target_of_enclosing_call(text, at, &Bindings::default()).unwrap();
        assert_eq!(target.host.as_deref(), Some("jira.example.com"));
        let text = r#"Jira(url="https://jira.corp", username="u", password=pw)"#;
        let target = target_of_enclosing_call(text, text.find("password").unwrap(), &Bindings::default()).unwrap();
        assert_eq!(target.host.as_deref(), Some("jira.corp"));
    }

    #[test]
    fn command_target_follows_continuations() {
        let text = "curl -u admin:pw \\\n  https://jira.corp/rest/api/2/myself\n";
        let target = target_of_command(text, Span::new(5, 16)).unwrap();
        assert_eq!(target.host.as_deref(), Some("jira.corp"));
    }
}
