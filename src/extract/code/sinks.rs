//! Sinks: calls that take a credential, written in `rules/` as code patterns with metavariables
//! (`DriverManager.getConnection($URL, $USER, $SECRET)`) and matched against the calls of the
//! language-neutral model, in every language the sink names.
//!
//! Pattern syntax: a callee path, then arguments in parentheses.
//! - The callee matches the end of the call's callee, segment by segment (`getConnection` matches
//!   `java.sql.DriverManager.getConnection` and `DriverManager.getConnection`); `*` is any one
//!   segment; `new` is optional (`PasswordAuthentication($USER, $SECRET)` matches `new …`).
//! - Arguments: `$SECRET` (the credential: required), `$USER`, `$URL` (the connection), `$_`
//!   (any one argument), `...` (any number of arguments), `name=$X` (a keyword or named argument
//!   `name`, wherever it is; `name:` in Ruby, Kotlin, C# and PHP reads the same).

use super::lower::{Arg, Call, Expr};

/// What a secret at a sink means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SinkKind {
    HttpBasic,
    HttpBearer,
    Header,
    Database,
    Smtp,
    Ldap,
    Kerberos,
    Ssh,
    Broker,
    Cloud,
    Login,
    CliFlag,
    /// A passphrase that encrypts or unlocks a private key or key store.
    KeyPassphrase,
}

impl SinkKind {
    pub fn parse(text: &str) -> Option<SinkKind> {
        Some(match text {
            "http-basic" => SinkKind::HttpBasic,
            "http-bearer" => SinkKind::HttpBearer,
            "header" => SinkKind::Header,
            "database" => SinkKind::Database,
            "smtp" => SinkKind::Smtp,
            "ldap" => SinkKind::Ldap,
            "kerberos" => SinkKind::Kerberos,
            "ssh" => SinkKind::Ssh,
            "broker" => SinkKind::Broker,
            "cloud" => SinkKind::Cloud,
            "login" => SinkKind::Login,
            "cli-flag" => SinkKind::CliFlag,
            "key-passphrase" => SinkKind::KeyPassphrase,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            SinkKind::HttpBasic => "http-basic",
            SinkKind::HttpBearer => "http-bearer",
            SinkKind::Header => "header",
            SinkKind::Database => "database",
            SinkKind::Smtp => "smtp",
            SinkKind::Ldap => "ldap",
            SinkKind::Kerberos => "kerberos",
            SinkKind::Ssh => "ssh",
            SinkKind::Broker => "broker",
            SinkKind::Cloud => "cloud",
            SinkKind::Login => "login",
            SinkKind::CliFlag => "cli-flag",
            SinkKind::KeyPassphrase => "key-passphrase",
        }
    }

    pub const NAMES: &str = "http-basic, http-bearer, header, database, smtp, ldap, kerberos, ssh, broker, cloud, login, cli-flag, key-passphrase";

    /// The name prior a secret here gets: a login sink takes a password, a bearer sink a token,
    /// a basic-auth or cloud sink either (the value decides).
    pub fn secret_name(self) -> Option<&'static str> {
        match self {
            SinkKind::Database
            | SinkKind::Smtp
            | SinkKind::Ldap
            | SinkKind::Kerberos
            | SinkKind::Ssh
            | SinkKind::Broker
            | SinkKind::Login
            | SinkKind::CliFlag
            | SinkKind::KeyPassphrase => Some("password"),
            SinkKind::HttpBearer => Some("token"),
            SinkKind::HttpBasic | SinkKind::Header | SinkKind::Cloud => None,
        }
    }
}

/// One argument position of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ArgPattern {
    /// `$NAME`: binds the argument (`$_` binds nothing).
    Meta(String),
    /// `...`
    Rest,
    /// `name=$X`
    Named { name: String, meta: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkPattern {
    callee: Vec<String>,
    args: Vec<ArgPattern>,
    /// The pattern as written.
    source: String,
}

/// Callee names too common to open the syntax-tree reader on their own.
const COMMON_CALLEES: &[&str] = &[
    "connect",
    "connection",
    "connections",
    "connector",
    "login",
    "start",
    "create",
    "client",
    "resource",
    "basic",
    "session",
    "credentials",
    "auth",
    "bind",
    "send",
    "open",
    "read",
    "call",
    "init",
    "from",
    "with",
    "build",
    "new",
];

/// What a match binds.
#[derive(Debug, Clone, Default)]
pub struct Bound<'m> {
    pub secret: Option<&'m Expr>,
    pub user: Option<&'m Expr>,
    pub url: Option<&'m Expr>,
}

impl SinkPattern {
    pub fn parse(text: &str) -> Result<SinkPattern, String> {
        let text = text.trim();
        let open = text.find('(').ok_or("a sink pattern is `callee(arguments)`: no `(`")?;
        if !text.ends_with(')') {
            return Err("a sink pattern ends with `)`".to_owned());
        }
        let callee_text = text[..open].trim().trim_start_matches("new ").trim();
        let callee: Vec<String> = callee_text.split(['.', ':']).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        if callee.is_empty()
            || callee.iter().any(|s| s != "*" && !s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$'))
        {
            return Err(format!("`{callee_text}` is not a callee path (names separated by `.`)"));
        }
        let inner = text[open + 1..text.len() - 1].trim();
        let mut args = Vec::new();
        if !inner.is_empty() {
            for part in inner.split(',') {
                let part = part.trim();
                args.push(if part == "..." {
                    ArgPattern::Rest
                } else if let Some(meta) = part.strip_prefix('$') {
                    ArgPattern::Meta(check_meta(meta)?)
                } else if let Some((name, value)) = part.split_once(['=', ':']) {
                    let meta = value.trim().strip_prefix('$').ok_or_else(|| {
                        format!("`{part}`: a named argument's value is a metavariable such as `$SECRET`")
                    })?;
                    ArgPattern::Named { name: name.trim().to_owned(), meta: check_meta(meta)? }
                } else {
                    return Err(format!("`{part}` is not `$NAME`, `name=$NAME` or `...`"));
                });
            }
        }
        let metas = || {
            args.iter().filter_map(|a| match a {
                ArgPattern::Meta(m) | ArgPattern::Named { meta: m, .. } => Some(m.as_str()),
                ArgPattern::Rest => None,
            })
        };
        if !metas().any(|m| m == "SECRET") {
            return Err("a sink pattern binds `$SECRET`".to_owned());
        }
        Ok(SinkPattern { callee, args, source: text.to_owned() })
    }

    /// The pattern as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// A word a file must hold for this pattern to match: every named segment of the callee and
    /// every argument name is in the call's text, so the longest of them, the likeliest to be
    /// rare (`Transport` for `Transport.send`, `boto3` for `boto3.client(…,
    /// aws_secret_access_key=$SECRET)`), gates the tree reader. Credential words are left to the
    /// slot hint, which opens a file where one is used like a slot (`password=`).
    pub fn keyword(&self) -> &str {
        let names = self.args.iter().filter_map(|a| match a {
            ArgPattern::Named { name, .. } => Some(name.as_str()),
            _ => None,
        });
        // Of equals, the later (`max_by_key` keeps the last): the method name over its qualifier.
        // A common word (`auth` is in `author`, `connect` in every network library) would open
        // the parser on most files: the longest name that is not one, or none (then a credential
        // word must open the file).
        self.callee
            .iter()
            .map(String::as_str)
            .filter(|s| *s != "*")
            .chain(names)
            .filter(|s| s.len() >= 4 && !COMMON_CALLEES.contains(&s.to_ascii_lowercase().as_str()))
            // A credential word (`password=$SECRET`) is in every file that handles passwords:
            // the slot hint opens the file when the word is used like a slot, as it is here.
            .filter(|s| !crate::classify::is_credential_name(s))
            .max_by_key(|s| s.len())
            .unwrap_or("")
    }

    pub fn matches<'m>(&self, call: &'m Call) -> Option<Bound<'m>> {
        let segments: Vec<&str> = call.callee.split('.').filter(|s| !s.is_empty()).collect();
        // Ruby's `RSA.new(…)` is Java's `new RSA(…)`: a trailing `new` is the constructor.
        let segments = match segments.split_last() {
            Some((&"new", rest)) if !rest.is_empty() && self.callee.last().is_none_or(|c| c != "new") => rest,
            _ => &segments[..],
        };
        if segments.len() < self.callee.len() {
            return None;
        }
        let tail = &segments[segments.len() - self.callee.len()..];
        if !tail.iter().zip(&self.callee).all(|(have, want)| want == "*" || have == want) {
            return None;
        }
        let mut bound = Bound::default();
        let positional: Vec<&Arg> = call.args.iter().filter(|a| a.name.is_none()).collect();
        let pattern_positional: Vec<&ArgPattern> =
            self.args.iter().filter(|a| !matches!(a, ArgPattern::Named { .. })).collect();
        let rest_at = pattern_positional.iter().position(|a| **a == ArgPattern::Rest);
        let fixed = pattern_positional.len() - usize::from(rest_at.is_some());
        match rest_at {
            None if positional.len() != fixed => return None,
            Some(_) if positional.len() < fixed => return None,
            _ => {}
        }
        for (index, pattern) in pattern_positional.iter().enumerate() {
            let arg = match rest_at {
                Some(rest) if index > rest => positional[positional.len() - (pattern_positional.len() - index)],
                Some(rest) if index == rest => continue,
                _ => positional[index],
            };
            if let ArgPattern::Meta(meta) = pattern {
                bind(&mut bound, meta, &arg.value);
            }
        }
        for pattern in &self.args {
            if let ArgPattern::Named { name, meta } = pattern {
                match call.args.iter().find(|a| a.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name))) {
                    Some(arg) => bind(&mut bound, meta, &arg.value),
                    None if meta == "SECRET" => return None,
                    None => {}
                }
            }
        }
        bound.secret.is_some().then_some(bound)
    }
}

fn check_meta(meta: &str) -> Result<String, String> {
    match meta {
        "SECRET" | "USER" | "URL" | "_" => Ok(meta.to_owned()),
        other => Err(format!("unknown metavariable `${other}`: use $SECRET, $USER, $URL or $_")),
    }
}

fn bind<'m>(bound: &mut Bound<'m>, meta: &str, expr: &'m Expr) {
    match meta {
        "SECRET" => bound.secret = Some(expr),
        "USER" => bound.user = Some(expr),
        "URL" => bound.url = Some(expr),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse_and_reject_what_they_should() {
        assert!(SinkPattern::parse("DriverManager.getConnection($URL, $USER, $SECRET)").is_ok());
        assert!(SinkPattern::parse("psycopg2.connect(..., password=$SECRET)").is_ok());
        assert!(SinkPattern::parse("connect($URL)").unwrap_err().contains("$SECRET"));
        assert!(SinkPattern::parse("connect($PASSWORD)").unwrap_err().contains("unknown metavariable"));
        assert!(SinkPattern::parse("connect").unwrap_err().contains("no `(`"));
        assert!(SinkPattern::parse("a b($SECRET)").unwrap_err().contains("callee"));
    }

    #[test]
    fn the_gate_word_is_the_longest_name_the_call_must_spell() {
        let keyword = |text: &str| SinkPattern::parse(text).unwrap().keyword().to_owned();
        assert_eq!(keyword("KerberosKey($USER, $SECRET, $_)"), "KerberosKey");
        assert_eq!(keyword("pymysql.connections.Connection($URL, $USER, $SECRET, ...)"), "pymysql");
        // A credential word opens the parser through the slot hint, where it is used like a slot.
        assert_eq!(keyword("boto3.client(..., aws_secret_access_key=$SECRET)"), "boto3");
        assert_eq!(keyword("*.connect(..., password=$SECRET)"), "");
        // Too short or too common to open the parser alone: a credential word must.
        assert_eq!(keyword("*.auth($SECRET)"), "");
        assert_eq!(keyword("pymysql.connect($URL, $USER, $SECRET)"), "pymysql");
        assert_eq!(keyword("smtp.PlainAuth($_, $USER, $SECRET, $URL)"), "PlainAuth");
    }
}
