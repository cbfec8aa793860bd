//! Credential-named fields given a value: struct literals (`Credentials { username, password }`,
//! go-jira-style `BasicAuthTransport { username: …, password: … }`) and `json!` objects.
//!
//! A field is credential-named when its name prior is not neutral (`password`, `api_token`,
//! `app_password`…); `secret` is read as a token word here (`client_secret`), since a struct field
//! named so holds one. Only values that say something are facts: literals (not empty) and
//! references; a parameter passed through is not. A struct that also has a `username`/`user`/
//! `login` field, and whose name says it is an HTTP client's credentials (`…Auth…`, `Credentials`,
//! `…Client…`, `Jira…`) and not a database's or another protocol's, holds a basic credential; any
//! other is a config field, as is every key of a `json!` request body.

use syn::{Expr, ExprStruct, Member};

use super::macros::Json;
use super::{EXTRACTOR, Extractor};
use crate::classify::{NamePrior, name_prior};
use crate::fact::{CredentialUse, Scheme, Value};

/// Field names that hold the user of a credential pair.
const USER_FIELDS: &[&str] = &["username", "user", "login", "user_name", "userName"];

/// Field names that hold the connection's URL.
const URL_FIELDS: &[&str] =
    &["url", "base_url", "baseUrl", "host", "server", "endpoint", "site", "uri", "base_uri", "api_url", "server_url"];

/// Words in a struct's name that say it holds an HTTP client's credential pair.
const HTTP_CLIENT: &[&str] = &[
    "basic",
    "auth",
    "credential",
    "creds",
    "login",
    "jira",
    "confluence",
    "bitbucket",
    "atlassian",
    "transport",
    "http",
    "client",
    "api",
];

/// Words in a struct's name that say its credential is not sent with HTTP basic auth.
const NOT_HTTP: &[&str] = &[
    "db", "database", "sql", "postgres", "mysql", "mongo", "redis", "smtp", "mail", "ftp", "ssh", "ldap", "amqp",
    "rabbit", "kafka", "imap", "pop3",
];

/// Last words that name a credential: a field's last word is what it holds (`api_token` holds a
/// token, `tokenDescription` a description).
const CREDENTIAL_HEADS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "pw",
    "passphrase",
    "passcode",
    "token",
    "secret",
    "key",
    "pat",
    "credential",
    "credentials",
    "apikey",
];

/// Words before a final `key` that make it a credential (`api_key`, `secret_access_key`), unlike
/// `user_key`, `issue_key` or `primary_key`.
const KEY_QUALIFIERS: &[&str] =
    &["api", "access", "secret", "private", "auth", "signing", "client", "master", "encryption", "app", "service"];

/// Whether a field of this name holds a credential: its last word names one, and its name prior
/// agrees (`password_hash` and `csrf_token` do not hold credentials).
pub(super) fn is_credential_field(name: &str) -> bool {
    let words = words(name);
    let Some(last) = words.last() else { return false };
    if !CREDENTIAL_HEADS.iter().any(|head| last.ends_with(head)) {
        return false;
    }
    if last == "key" && !words.iter().rev().nth(1).is_some_and(|w| KEY_QUALIFIERS.contains(&w.as_str())) {
        return false;
    }
    if name_prior(name) != NamePrior::Neutral {
        return true;
    }
    crate::classify::secret_of_some_kind(&words, &["secret"])
}

/// The words of a snake_case, kebab-case or camelCase name, lower-cased.
fn words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            previous_lower = false;
            words.push(String::new());
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower {
            words.push(String::new());
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        match words.last_mut() {
            Some(word) => word.push(c.to_ascii_lowercase()),
            None => words.push(c.to_ascii_lowercase().to_string()),
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

impl<'ast> Extractor<'ast> {
    pub(super) fn struct_literal(&mut self, strukt: &'ast ExprStruct) {
        let named: Vec<(String, &'ast syn::FieldValue)> = strukt
            .fields
            .iter()
            .filter_map(|field| match &field.member {
                Member::Named(ident) => Some((ident.to_string(), field)),
                Member::Unnamed(_) => None,
            })
            .collect();
        if !named.iter().any(|(name, _)| is_credential_field(name)) {
            return;
        }
        let before = self.scopes.now();
        let struct_name =
            strukt.path.segments.last().map(|s| s.ident.to_string().to_ascii_lowercase()).unwrap_or_default();
        let user = named.iter().find(|(name, _)| USER_FIELDS.contains(&name.as_str())).map(|(_, f)| &f.expr);
        let target = named
            .iter()
            .find(|(name, _)| URL_FIELDS.contains(&name.as_str()))
            .and_then(|(_, field)| self.target_of(&field.expr, before, 0));
        let http = HTTP_CLIENT.iter().any(|word| struct_name.contains(word))
            && !NOT_HTTP.iter().any(|word| struct_name.contains(word));
        let scheme = if user.is_some() && http { Scheme::Basic } else { Scheme::ConfigField };
        let user = user.map(|expr| self.value_of(expr, before, 0).value);
        for (name, field) in &named {
            if !is_credential_field(name) {
                continue;
            }
            let secret = self.value_of(&field.expr, before, 0).value;
            if !says_something(&secret) {
                continue;
            }
            let span = self.src.node_span(*field);
            self.push_use(CredentialUse {
                scheme,
                user: user.clone(),
                secret,
                secret_name: Some(name.clone()),
                target: target.clone(),
                connection: None,
                span,
                extractor: EXTRACTOR.into(),
            });
        }
    }

    /// Credential-named keys of a `json!` object (at any depth) given a literal or a reference.
    pub(super) fn json_fields(&mut self, json: &'ast Json) {
        let before = self.scopes.now();
        let mut stack = vec![json];
        while let Some(json) = stack.pop() {
            match json {
                Json::Object(entries) => {
                    for (key, value) in entries {
                        match (value, key.name.as_deref()) {
                            (Json::Value(expr), Some(name)) if is_credential_field(name) => {
                                self.json_field(name, key.span, expr, before);
                            }
                            (Json::Object(_) | Json::Array(_), _) => stack.push(value),
                            _ => {}
                        }
                    }
                }
                Json::Array(items) => stack.extend(items.iter()),
                Json::Value(_) | Json::Unparsed => {}
            }
        }
    }

    fn json_field(&mut self, name: &str, key_span: crate::span::Span, expr: &'ast Expr, before: u32) {
        let secret = self.value_of(expr, before, 0).value;
        if !says_something(&secret) {
            return;
        }
        let span = key_span.cover(self.src.node_span(expr));
        self.push_use(CredentialUse {
            scheme: Scheme::ConfigField,
            user: None,
            secret,
            secret_name: Some(name.to_owned()),
            target: None,
            connection: None,
            span,
            extractor: EXTRACTOR.into(),
        });
    }
}

/// A literal that is not empty, or a reference: what a field's value must be to be a fact.
fn says_something(value: &Value) -> bool {
    match value {
        Value::Literal { text, .. } => !text.is_empty(),
        Value::Reference { .. } => true,
        Value::Unknown { .. } => false,
    }
}
