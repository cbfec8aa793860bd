//! Credential-named slots, found generically in the lowered model: a binding of any form
//! (`password = …`, `'PASSWORD': …`, `Password: …`, `password=…` as an argument, a default
//! parameter, an annotation attribute), a keyed call (`put("password", …)`, `os.getenv("PASSWORD",
//! …)`), a setter or builder (`setPassword(…)`, `.password(…)`), and a comparison (`password ==
//! …`, `"…".equals(password)`), each holding a literal directly or through the file's flow.

use super::flow::Resolver;
use super::lang::Lang;
use super::lower::{BindKind, Call, Expr, Model};
use crate::classify::{NamePrior, name_prior};
use crate::fact::{CredentialUse, Scheme, Value};
use crate::span::Span;

/// A slot's name says it holds a credential: a password or token name, or a secret that is one
/// (`client_secret`, `api_secret`, `secret_key`, `aws_secret_access_key`; a bare `secret` too,
/// since a variable so named in code holds one — not `secret_name` or `secret_path`).
fn credential_named(name: &str) -> bool {
    // A lower-case `pat` alone is a pattern in code (`pat[1] == 'end'`); a personal access
    // token is written `PAT`, or qualified (`jira_pat`, `githubPat`).
    if name.rsplit(['.', ':']).next() == Some("pat") {
        return false;
    }
    crate::classify::is_credential_name(name)
}

/// `password=…` inside a string: a query string, a form body, an ODBC or ADO.NET connection
/// string (`Server=db;Password=…;`), a JDBC URL's parameters.
static KEYED_IN_STRING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)(?:^|[?&;\s])(password|passwd|pwd|pass|passphrase)\s*=\s*([^&;\s'\x22{}%$]+)")
        .expect("static regex")
});

/// A value that is itself the name of a credential — a key, property or parameter name such as
/// `refresh_token`, `javax.net.ssl.keyStorePassword` or `Jira:Password` — is not a secret.
/// A value that can't be a secret whatever its slot: a sentence (a message, a label), several
/// lines (a script or a template), a URL without user information (a location), or one of the
/// name's own words (`AuthTypeBearer = "bearer"`, an enum value).
fn not_a_secret(name: &str, value: &str) -> bool {
    // An empty password is kept: `check` decides whether it is a database connection's whole
    // credential (a settings dict's `'PASSWORD': ''`) or nothing.
    if value.is_empty() {
        return name_prior(name) != NamePrior::Password;
    }
    let words = value.split_whitespace().count();
    let url = (value.starts_with("http://") || value.starts_with("https://")) && !value.contains('@');
    let own_word = crate::classify::value_is_own_name(name, value);
    // Escapes and punctuation only (`"\0"`, `"::"`): a delimiter.
    let unescaped: String = value
        .split('\\')
        .enumerate()
        .map(|(i, part)| if i == 0 { part } else { part.get(1..).unwrap_or("") })
        .collect();
    let delimiter = !unescaped.chars().any(char::is_alphanumeric);
    // `getpass("Password: ")`, `input("Enter your token")`: the prompt that asks for one.
    let prompt = value.trim_end().ends_with(':')
        || value.contains(char::is_whitespace) && crate::classify::is_credential_name(value);
    let symbol = name_prior(name) == NamePrior::Token && crate::classify::not_token_shaped(value);
    // A name whose head is another word (`TOKEN_BLOCK_BEGIN`, `password_last_used`) is about
    // something else, unless the value itself is long and random enough to be a secret.
    let random = value.chars().count() >= 16 && crate::classify::shannon_entropy(value) >= 3.5;
    let not_the_head = !crate::classify::credential_is_head(name) && !random;
    words >= 3
        || value.contains('\n')
        || url
        || own_word
        || delimiter
        || prompt
        || symbol
        || not_the_head
        || names_a_credential(value)
}

/// `passwords`, `tokens`, `credentials`: a collection or a configuration section, not one secret.
fn plural_name(name: &str) -> bool {
    crate::classify::split_words(name)
        .last()
        .is_some_and(|w| matches!(w.as_str(), "passwords" | "tokens" | "secrets" | "credentials" | "keys"))
}

fn names_a_credential(value: &str) -> bool {
    let identifier =
        !value.is_empty() && value.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'));
    let compound = value.contains(['_', '.', ':', '-'])
        || value.as_bytes().windows(2).any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
    identifier
        && compound
        && (secret_key_name(value)
            || crate::classify::split_words(value).iter().any(|w| name_prior(w) != NamePrior::Neutral))
}

/// `AWSSecretKey`, `aws_secret_access_key`: the name of a secret key, written as a value.
fn secret_key_name(value: &str) -> bool {
    let words = crate::classify::split_words(value);
    words.windows(2).any(|pair| pair[0] == "secret" && matches!(pair[1].as_str(), "key" | "access"))
}

/// Verbs that make a method an action on a credential (`generateNewToken("label")`,
/// `validatePassword(input)`), not a builder or setter that takes one.
const ACTION_VERBS: &[&str] = &[
    "generate",
    "create",
    "new",
    "get",
    "is",
    "has",
    "validate",
    "check",
    "revoke",
    "delete",
    "remove",
    "reset",
    "update",
    "find",
    "load",
    "read",
    "parse",
    "make",
    "build",
    "encode",
    "decode",
    "hash",
    "verify",
    "refresh",
    "rotate",
    "issue",
    "request",
    "fetch",
    "save",
    "store",
    "log",
    "print",
    "mask",
    "compute",
    "change",
    "clear",
    "send",
    "forgot",
    "confirm",
    "require",
    "expire",
    "invalidate",
    "lookup",
    "to",
    "from",
    "assert",
    "expect",
    // A lexer's or a collection's verbs (`state.add_token("del")`, `emit_token(kind)`).
    "add",
    "append",
    "push",
    "insert",
    "emit",
    "consume",
    "skip",
    "match",
    "peek",
    "next",
    "put",
    "write",
    "pop",
    "advance",
];

/// A bare call named for a password with one argument: the command form of Ruby, Groovy and
/// Kotlin DSLs (Gradle's `credentials { password "…" }`, FactoryBot's `password "…"`). Token and
/// secret nouns are left out: a bare `secret("db")` or `token("ident")` looks one up or makes one.
fn password_command(call: &Call) -> bool {
    call.receiver.is_none()
        && !call.callee.contains('.')
        && crate::classify::split_words(&call.method)
            .last()
            .is_some_and(|w| matches!(w.as_str(), "password" | "passwd" | "passphrase"))
}

/// `setPassword` / `withPassword` / `set_password` → `password`; a builder's `password`.
fn setter_slot(method: &str) -> Option<&str> {
    let rest = ["set_", "with_", "set", "with"].iter().find_map(|p| {
        method.strip_prefix(p).filter(|r| p.ends_with('_') || r.chars().next().is_some_and(char::is_uppercase))
    });
    let name = rest.unwrap_or(method);
    let words = crate::classify::split_words(name);
    let action = words.first().is_some_and(|w| ACTION_VERBS.contains(&w.as_str()));
    (credential_named(name) && !action && words.len() <= 3).then_some(name)
}

pub fn slot_uses(model: &Model, resolver: &Resolver<'_>, lang: Lang, uses: &mut Vec<CredentialUse>) {
    let extractor: std::sync::Arc<str> = format!("code:{}", lang.name()).into();
    let push = |name: &str, value: &Expr, scope: usize, span: Span, uses: &mut Vec<CredentialUse>| {
        let literals = resolver.literals_without_returns(value, scope);
        if plural_name(name) {
            return;
        }
        for literal in literals.into_iter().filter(|l| !not_a_secret(name, &l.text)) {
            uses.push(CredentialUse {
                scheme: Scheme::ConfigField,
                user: None,
                secret: literal.into_value(),
                secret_name: Some(name.to_owned()),
                target: None,
                connection: None,
                span,
                extractor: extractor.clone(),
            });
        }
    };
    for bind in &model.binds {
        if bind.kind == BindKind::Direct && credential_named(&bind.name) {
            push(&bind.name, &bind.value, bind.scope, bind.span, uses);
        }
    }
    for call in &model.calls {
        for arg in &call.args {
            if let Some(name) = &arg.name
                && credential_named(name)
            {
                push(name, &arg.value, call.scope, call.span, uses);
            }
        }
        let positional: Vec<&Expr> = call.args.iter().filter(|a| a.name.is_none()).map(|a| &a.value).collect();
        match positional.as_slice() {
            // `put("password", v)`, `setProperty("db.password", v)`, `os.getenv("PASSWORD", v)`.
            [Expr::Str { text: key, .. }, value, ..] if credential_named(key) && !key.contains(' ') => {
                push(key, value, call.scope, call.span, uses);
            }
            // `"literal".equals(password)` and `password.equals("literal")`.
            [argument] if matches!(call.method.as_str(), "equals" | "equalsIgnoreCase" | "Equals" | "eql?") => {
                match (call.receiver.as_deref(), *argument) {
                    (Some(Expr::Name { path, .. }), value @ Expr::Str { .. })
                    | (Some(value @ Expr::Str { .. }), Expr::Name { path, .. })
                        if credential_named(path) =>
                    {
                        push(path, value, call.scope, call.span, uses);
                    }
                    _ => {}
                }
            }
            [value] if call.receiver.is_some() || call.method.starts_with("set") || password_command(call) => {
                if let Some(name) = setter_slot(&call.method) {
                    push(name, value, call.scope, call.span, uses);
                }
            }
            _ => {}
        }
    }
    // Keyed credentials inside string literals bound or passed anywhere.
    let strings =
        model.binds.iter().map(|b| &b.value).chain(model.calls.iter().flat_map(|c| c.args.iter().map(|a| &a.value)));
    let mut seen = std::collections::HashSet::new();
    for value in strings {
        let Expr::Str { text, span } = value else { continue };
        // Most strings hold no `=`: skip them before the capturing search, the costly one.
        if !seen.insert(span.start) || !text.contains('=') {
            continue;
        }
        for found in KEYED_IN_STRING.captures_iter(text) {
            let (Some(name), Some(secret)) = (found.get(1), found.get(2)) else { continue };
            let start = span.start + secret.start();
            uses.push(CredentialUse {
                scheme: Scheme::ConfigField,
                user: None,
                secret: Value::literal(secret.as_str(), Span::new(start, start + secret.len())),
                secret_name: Some(name.as_str().to_owned()),
                target: None,
                connection: None,
                span: *span,
                extractor: extractor.clone(),
            });
        }
    }
    for compare in &model.compares {
        if credential_named(&compare.name) {
            push(&compare.name, &compare.value, 0, compare.span, uses);
        }
    }
}
