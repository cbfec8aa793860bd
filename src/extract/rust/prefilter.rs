//! Which Rust files are worth parsing: `syn` costs far more than the text patterns (a real tree of
//! crates parses at about 13 MB/s), so only files that name something the extractor reads are
//! parsed (DESIGN.md: parsing happens only where a keyword hit).
//!
//! One pass of a multi-keyword search; each hit is then checked where it stands, so that the
//! thousands of `TOKEN_…` constants and `…Credential` interfaces of generated bindings do not
//! count: a call that always matters (`.basic_auth(`), an `Authorization` header (quoted, or the
//! `AUTHORIZATION` constant), a scheme word starting a header value (`"Basic {}"`, `"Bearer ey…"`),
//! a token endpoint, a URL with userinfo, a base64 encoding of `user:secret`, or a credential-named
//! field, key or variable given a literal, an environment read or a macro.
//!
//! What this misses: a credential field given a variable whose own name says nothing
//! (`Login { password: p }`) in a file with no other hit.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

use super::fields::is_credential_field;

/// Hits that always make a file worth parsing: token endpoints (in URL strings).
const ALWAYS: &[&str] = &[
    "/rest/pat/",
    "/rest/access-tokens",
    "/access-token",
    "/access_tokens",
    "/personal_access_tokens",
    "apitokenauth",
    "ksso/api/apitokens",
];
/// Credential words: the identifier around them must be credential-named and given a value.
/// Lower, upper and title case: Rust names are snake_case or SCREAMING_CASE, JSON keys and header
/// names camelCase or Title-Case. (A case-insensitive search costs three times as much.)
const NAMES: &[&str] = &[
    "pass",
    "Pass",
    "PASS",
    "pwd",
    "Pwd",
    "PWD",
    "secret",
    "Secret",
    "SECRET",
    "token",
    "Token",
    "TOKEN",
    "api_key",
    "API_KEY",
    "apikey",
    "apiKey",
    "ApiKey",
    "APIKEY",
    "api-key",
    "Api-Key",
    "API-KEY",
    "credential",
    "Credential",
    "CREDENTIAL",
];
/// Calls: a method call or a path, not a definition.
const CALLS: &[&str] = &["basic_auth", "bearer_auth", "set_password", "userpass_plaintext"];
/// Header scheme words at the start of a string.
const SCHEMES: &[&str] = &["\"Basic ", "\"basic ", "\"BASIC ", "\"Bearer ", "\"bearer ", "\"Token ", "\"token "];
/// The header, quoted or as the `http` constant.
const AUTHORIZATION: &[&str] = &["authorization", "Authorization", "AUTHORIZATION"];
/// Each checked on its own.
const URL: &str = "://";
const ENCODE: &str = "encode";
const PAIR: &str = "}:{";

/// What a keyword hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Always,
    Name,
    Call,
    Scheme,
    Authorization,
    Url,
    Encode,
    Pair,
}

pub fn worth_parsing(text: &str) -> bool {
    first_hit(text).is_some()
}

/// Where the first hit that makes the file worth parsing is.
fn first_hit(text: &str) -> Option<std::ops::Range<usize>> {
    static KEYWORDS: LazyLock<(AhoCorasick, Vec<Kind>)> = LazyLock::new(|| {
        let groups: [(&[&str], Kind); 8] = [
            (ALWAYS, Kind::Always),
            (NAMES, Kind::Name),
            (CALLS, Kind::Call),
            (SCHEMES, Kind::Scheme),
            (AUTHORIZATION, Kind::Authorization),
            (&[URL], Kind::Url),
            (&[ENCODE], Kind::Encode),
            (&[PAIR], Kind::Pair),
        ];
        let keywords: Vec<&str> = groups.iter().flat_map(|(words, _)| words.iter().copied()).collect();
        let kinds = groups.iter().flat_map(|(words, kind)| std::iter::repeat_n(*kind, words.len())).collect();
        let searcher =
            AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostFirst).build(keywords).expect("static keywords");
        (searcher, kinds)
    });
    static USERINFO: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"^[^\s/"'@:]*:[^\s/"'@{}]+@"#).expect("static regex"));
    static ENCODED_PAIR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"^(?:_config)?\(\s*&?\s*(?:b?"[^"\n]*:|format!\(\s*"[^"\n]*:)"#).expect("static regex")
    });
    static HEADER_VALUE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"^(?:\{|[A-Za-z0-9+/=_.~-]{8,}")"#).expect("static regex"));
    let bytes = text.as_bytes();
    let (searcher, kinds) = &*KEYWORDS;
    let worth = |hit: &aho_corasick::Match| {
        let before = &text[..hit.start()];
        let after = &text[hit.end()..];
        let window = after.get(..after.len().min(256)).unwrap_or(after);
        match kinds.get(hit.pattern().as_usize()).copied() {
            Some(Kind::Always) => true,
            Some(Kind::Name) => named_value_at(bytes, hit.start(), hit.end()),
            Some(Kind::Call) => before.ends_with('.') || before.ends_with(':'),
            Some(Kind::Scheme) => HEADER_VALUE.is_match(window),
            Some(Kind::Url) => USERINFO.is_match(window),
            Some(Kind::Encode) => ENCODED_PAIR.is_match(window),
            // `"{user}:{}"`, a `user:secret` format string, in a file that base64-encodes.
            Some(Kind::Pair) => {
                let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
                before.trim_end_matches(word).ends_with("\"{")
                    && after.trim_start_matches(word).starts_with("}\"")
                    && text.contains("encode")
            }
            Some(Kind::Authorization) => {
                // The header's name quoted, or the `http` constant as an argument or a path
                // (`.header(AUTHORIZATION,`, `header::PROXY_AUTHORIZATION`), not a longer name.
                let quoted = before.ends_with('"') && after.starts_with('"');
                let name_start = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
                let name = &text[name_start.len()..hit.end()];
                let constant = matches!(name, "AUTHORIZATION" | "PROXY_AUTHORIZATION")
                    && !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                    && (name_start.trim_end().ends_with('(') || name_start.ends_with("::"));
                quoted || constant
            }
            None => false,
        }
    };
    searcher.find_iter(text).find(worth).map(|hit| hit.range())
}

/// Whether the identifier around `start..end` (a credential word inside it) is credential-named
/// and given a value worth parsing for: `name: "…"`, `name = String::from(…)`,
/// `"name": env::var(…)`, `.header("PRIVATE-TOKEN", …)`. (Field init shorthand,
/// `Credentials { username, password }`, needs no hit of its own: a binding worth reading,
/// `let password = "…"`, is one.)
fn named_value_at(bytes: &[u8], start: usize, end: usize) -> bool {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut first = start;
    while first > 0 && bytes.get(first - 1).is_some_and(|&b| is_ident(b)) {
        first -= 1;
    }
    let mut last = end;
    while bytes.get(last).is_some_and(|&b| is_ident(b)) {
        last += 1;
    }
    let quoted = bytes.get(last) == Some(&b'"');
    let name = std::str::from_utf8(bytes.get(first..last).unwrap_or_default()).unwrap_or_default();
    // Rust names are snake_case or SCREAMING_CASE; a mixed-case name is a type (`IMFNetCredential`)
    // unless quoted (a JSON key, `"apiToken"`).
    let one_case = !name.bytes().any(|b| b.is_ascii_lowercase()) || !name.bytes().any(|b| b.is_ascii_uppercase());
    if !(quoted || one_case) {
        return false;
    }
    let previous = bytes[..first].iter().rev().find(|b| !b.is_ascii_whitespace()).copied();
    let skip_space = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let mut i = skip_space(if quoted { last + 1 } else { last });
    match bytes.get(i) {
        // A token header's name (`.header("PRIVATE-TOKEN", …)`).
        Some(b',') if quoted => {
            // The string's opening quote, then what calls it.
            let open = bytes[..first].iter().rposition(|&b| b == b'"').unwrap_or(0);
            let call = bytes[..open].trim_ascii_end();
            let header_call = [&b".header("[..], b".set(", b".insert(", b".append("].iter().any(|c| call.ends_with(c));
            return header_call && (previous == Some(b'-') || is_credential_field(name));
        }
        Some(b':') if bytes.get(i + 1) != Some(&b':') => {
            i = skip_space(i + 1);
            if !value_start(bytes.get(i..).unwrap_or_default()) {
                // `let password: &str = "…"`: look past the type for the `=`.
                let window = bytes.get(i..bytes.len().min(i + 60)).unwrap_or_default();
                let Some(eq) = window.iter().position(|&b| matches!(b, b'=' | b';' | b'\n' | b'{' | b')')) else {
                    return false;
                };
                if window.get(eq) != Some(&b'=') || matches!(window.get(eq + 1), Some(b'=' | b'>')) {
                    return false;
                }
                i = skip_space(i + eq + 1);
            }
        }
        Some(b'=') if !matches!(bytes.get(i + 1), Some(b'=' | b'>')) => i = skip_space(i + 1),
        _ => return false,
    }
    // The name last: it is the costly check.
    value_start(bytes.get(i..).unwrap_or_default()) && is_credential_field(name)
}

/// Whether an expression starting here can be a literal, an environment read or a macro the
/// extractor reads.
fn value_start(rest: &[u8]) -> bool {
    const STARTS: &[&[u8]] = &[
        b"\"",
        b"r\"",
        b"r#",
        b"b\"",
        b"br",
        b"&\"",
        b"String::from",
        b"Some(",
        b"env::",
        b"env!",
        b"std::env",
        b"dotenv",
        b"option_env!",
        b"concat!",
        b"format!",
        b"Secret",
    ];
    STARTS.iter().any(|start| rest.starts_with(start))
}

#[cfg(test)]
mod tests {
    use super::{first_hit, worth_parsing};

    #[test]
    fn credential_shapes_are_worth_parsing() {
        for text in [
            "c.get(u).basic_auth(user, Some(pw))",
            "git2::Cred::userpass_plaintext(u, p)",
            "h.insert(AUTHORIZATION, v)",
            "h.insert(PROXY_AUTHORIZATION, v)",
            r#".set("Authorization", v)"#,
            r#"format!("Basic {}", b)"#,
            r#""Bearer eyJhbGciOiJIUzI1NiJ9""#,
            r#"Credentials { username: "u", password: "p" }"#,
            r#"let api_token: &str = "x";"#,
            r#"const JIRA_PASSWORD: &str = "x";"#,
            r#"Config { token: std::env::var("T") }"#,
            r#"json!({"apiToken": "x"})"#,
            r#".header("PRIVATE-TOKEN", t)"#,
            r#"Url::parse("https://u:p@h")"#,
            r#"STANDARD.encode(format!("{}:{}", u, p))"#,
            r#"let c = format!("{user}:{}", p); STANDARD.encode(c)"#,
            r#"base64::encode("user:pass")"#,
            r#"format!("{site}/rest/pat/latest/tokens")"#,
        ] {
            assert!(worth_parsing(text), "{text}");
        }
    }

    #[test]
    fn generated_bindings_are_not() {
        for text in [
            "pub struct PROCESS_ACCESS_TOKEN { pub Token: HANDLE }",
            "define_interface!(IMFNetCredential, IMFNetCredential_Vtbl, 0x5b87ef6a);",
            "f(a, filetokensize, b)",
            "use syn::{token, Token};",
            "Expr::Binary { left, eq_token, right }",
            r#"write!(f, "{}:{}", host, port)"#,
            "(windows_core::Interface::as_raw(self), phwnd, pszusername, pszpassword, pauthinfo).ok()",
            r#"pub const LN_id_pkix_OCSP_basic: &[u8; 20] = b"Basic OCSP Response\0";"#,
            "pub const CERT_AUTHORIZATION_X: u32 = 1;",
            "pub const HTTP_QUERY_PROXY_AUTHORIZATION: u32 = 61u32;",
            r#"const WORDS: &str = "AT,AUTHORIZATION,AVG";"#,
            r#"formatter.field("colon2_token", &Present);"#,
            "fn basic_auth<U>(self, username: U) -> Self",
            "let token = next_token(&mut lexer);",
            "https://docs.rs/x",
        ] {
            assert!(!worth_parsing(text), "{text}");
        }
    }

    #[test]
    #[ignore = "a tool: prints why files listed in $PREFILTER_FILES are parsed"]
    fn explain_hits() {
        let list = std::env::var("PREFILTER_FILES").unwrap_or_default();
        for path in std::fs::read_to_string(list).unwrap_or_default().lines() {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            if let Some(hit) = first_hit(&text) {
                let context =
                    text.get(hit.start.saturating_sub(60)..(hit.end + 60).min(text.len())).unwrap_or_default();
                eprintln!("{path}: {context:?}");
            }
        }
    }
}
