//! The config rules, written once over the shared model: which entries are credentials, what
//! their secret is (literal, reference, decoded wrapper), and which scheme carries it.
//!
//! - Format rules first, each marking the entries it reports: docker `auths.<registry>.auth`
//!   (base64 `user:secret`), `identitytoken`, `registrytoken`; `.npmrc` `_authToken`, `_password`
//!   (base64 password), `_auth` (base64 `user:secret`); Kubernetes `kind: Secret` `data:` (base64,
//!   `.dockerconfigjson` included); `.yarnrc.yml` `npmAuthIdent` (`user:secret`); `Authorization`
//!   header values; NuGet `apikeys` (keyed by source URL); NuGet's encrypted `Password` (not a
//!   plain secret: skipped).
//! - Then the generic credential-key rule: a string entry whose key names a password or token
//!   (`name_prior`), minus look-alikes (`*_file`, `*_env`, `token_url`…: DOMAIN.md §7), is a
//!   credential; a user sibling makes it basic auth, unless it belongs to infrastructure (a
//!   database password is not sent with HTTP basic auth); a header map makes it a header.
//!
//! Extractors never decide severity: placeholders are left to `classify`, which sees every value.

use std::collections::HashSet;

use super::context::{Context, Flavor, words};
use super::json;
use super::model::{Document, Entry, normalize};
use crate::classify::{NamePrior, decode_basic_blob, name_prior};
use crate::codec::base64_decode;
use crate::extract::expr::{TemplateRef, template_reference};
use crate::extract::target::host_of;
use crate::fact::{CredentialUse, RefKind, Scheme, Target, Value};
use crate::span::Span;

/// Last words that make a credential-looking key name something else: where the value comes
/// from or how it is shown, not the value (`password_env`, `token_command`, `passwordPrompt`).
#[rustfmt::skip]
const NOT_A_VALUE_WORDS: &[&str] = &[
    "env", "var", "vars", "variable", "variables", "cmd", "command", "ref", "reference", "source",
    "src", "location", "description", "desc", "help", "title", "message", "msg", "example", "mask",
    "masked", "protected", "question", "generator", "encoder", "encoding", "algorithm", "algo",
    "option", "options", "flag", "param", "parameter", "arg", "argument", "text", "error", "errors",
    "visible", "visibility", "characters", "chars", "charset", "complexity", "history", "changed",
    "change", "request", "requests", "check", "authentication", "status", "state", "version", "code",
    "level", "hint", "rule", "rules", "strategy",
];

/// Words before a final `token` that make it something other than a credential: pagination
/// cursors (`output_token`, `NextPageToken`), idempotency keys (`ClientRequestToken`,
/// `CreationToken`), change markers, domain verification tokens.
#[rustfmt::skip]
const NOT_CREDENTIAL_TOKEN_WORDS: &[&str] = &[
    "input", "output", "next", "page", "pagination", "continuation", "cursor", "start", "starting",
    "end", "last", "resume", "sync", "state", "client", "request", "creation", "idempotency",
    "idempotent", "change", "lifecycle", "action", "notification", "task", "cancellation", "cancel",
    "verification", "csrf", "xsrf", "form", "anti", "antiforgery", "lexer", "parser", "syntax",
];

pub(crate) struct Rules<'a> {
    ctx: Context<'a>,
    text: &'a str,
    /// Shared by every use the file's rules find.
    extractor: std::sync::Arc<str>,
    reported: HashSet<usize>,
    pub uses: Vec<CredentialUse>,
}

impl<'a> Rules<'a> {
    pub(crate) fn new(doc: &'a Document, text: &'a str, file_name: &str, extractor: &'a str) -> Self {
        Rules {
            ctx: Context::new(doc, file_name),
            text,
            extractor: extractor.into(),
            reported: HashSet::new(),
            uses: Vec::new(),
        }
    }

    pub(crate) fn run(mut self, npmrc: bool) -> Vec<CredentialUse> {
        let doc = self.ctx.doc;
        for (index, entry) in doc.entries.iter().enumerate() {
            let Some(key) = entry.key() else { continue };
            let handled = match normalize(key).as_str() {
                "auth" | "identitytoken" | "registrytoken" if self.under_docker_auths(entry) => {
                    self.docker_auth(entry, key, |span| span);
                    true
                }
                "authtoken" | "password" | "auth" if npmrc && key.starts_with('_') => {
                    self.npm(entry, key);
                    true
                }
                "npmauthident" => {
                    self.yarn_ident(entry, key);
                    true
                }
                "authorization" | "proxyauthorization" => {
                    self.authorization(entry, key);
                    true
                }
                "password" if self.under(entry, "packagesourcecredentials") => true,
                _ if self.ctx.doc.key(entry.parent).is_some_and(|k| normalize(k) == "apikeys") => {
                    self.nuget_api_key(entry, key);
                    true
                }
                _ if self.in_secret_data(entry) => {
                    self.kubernetes_data(entry, key);
                    true
                }
                _ => false,
            };
            if handled {
                self.reported.insert(index);
            }
        }
        for (index, entry) in doc.entries.iter().enumerate() {
            if !self.reported.contains(&index) {
                self.generic(entry);
            }
        }
        self.uses
    }

    fn under(&self, entry: &Entry, key: &str) -> bool {
        self.ctx.doc.ancestors(entry.parent).any(|n| self.ctx.doc.key(n).is_some_and(|k| normalize(k) == key))
    }

    /// Whether the entry names a package in a dependency list (`"minipass": "^7.0.2"` in
    /// `package.json`, `[dependencies]` in `Cargo.toml`): its key is a package name.
    fn in_dependencies(&self, entry: &Entry) -> bool {
        const SECTIONS: &[&str] = &[
            "dependencies",
            "devdependencies",
            "peerdependencies",
            "optionaldependencies",
            "bundleddependencies",
            "bundledependencies",
            "builddependencies",
            "overrides",
            "resolutions",
            "engines",
            "require",
            "requiredev",
        ];
        self.ctx
            .doc
            .ancestors(entry.parent)
            .any(|n| self.ctx.doc.key(n).is_some_and(|k| SECTIONS.contains(&normalize(k).as_str())))
    }

    fn under_docker_auths(&self, entry: &Entry) -> bool {
        let doc = self.ctx.doc;
        doc.nodes[entry.parent].parent.and_then(|p| doc.key(p)).is_some_and(|k| normalize(k) == "auths")
    }

    fn in_secret_data(&self, entry: &Entry) -> bool {
        let doc = self.ctx.doc;
        matches!(self.ctx.flavor(entry.parent), Flavor::Kubernetes { kind, .. } if kind == "Secret")
            && doc.key(entry.parent) == Some("data")
            && doc.nodes[entry.parent].parent.is_some_and(|p| doc.nodes[p].parent.is_none())
    }

    /// Whether the entry's value is verbatim in the file, so sub-spans of it can be computed.
    fn exact(&self, entry: &Entry) -> bool {
        self.text.get(entry.value_span.range()) == Some(entry.value.as_str())
    }

    /// The value as written: a reference (`${{ secrets.X }}`, `${env.X}`, `$X`), the literal
    /// default of one (`${X:default}`), or a literal.
    fn written_value(&self, entry: &Entry) -> Value {
        let raw = entry.value.as_str();
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        let exact = self.exact(entry);
        let sub = |range: std::ops::Range<usize>| {
            if exact {
                let start = entry.value_span.start + lead + range.start;
                Span::new(start, start + range.len())
            } else {
                entry.value_span
            }
        };
        match template_reference(trimmed) {
            Some(TemplateRef::Reference(kind, name)) => {
                // `${{ steps.mint.outputs.token }}`: computed by an earlier step of the same job.
                let step_output =
                    kind == RefKind::Template && (name.starts_with("steps.") || name.starts_with("needs."));
                let kind = if step_output { RefKind::Command } else { kind };
                Value::Reference { kind, name: name.to_owned(), span: sub(0..trimmed.len()) }
            }
            Some(TemplateRef::Default { kind, name, default }) => Value::Literal {
                text: trimmed[default.clone()].to_owned(),
                span: sub(default),
                via: Some(format!("the default of {} `{name}`", kind.as_str())),
            },
            None => Value::literal(trimmed, sub(0..trimmed.len())),
        }
    }

    /// The value decoded from base64 (`via` says so), or as written when it is a reference or
    /// not base64 text.
    fn decoded_value(&self, entry: &Entry, via: &str) -> Value {
        match self.written_value(entry) {
            Value::Literal { text, span, via: None } => {
                let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                match base64_decode(&compact).and_then(|bytes| String::from_utf8(bytes).ok()) {
                    Some(decoded) if !decoded.is_empty() => {
                        Value::Literal { text: decoded, span, via: Some(via.to_owned()) }
                    }
                    _ => Value::Literal { text, span, via: None },
                }
            }
            other => other,
        }
    }

    fn push(
        &mut self,
        entry: &Entry,
        scheme: Scheme,
        user: Option<Value>,
        secret: Value,
        name: &str,
        target: Option<Target>,
    ) {
        let connection = self.ctx.connection(entry.parent);
        self.uses.push(CredentialUse {
            scheme,
            user,
            secret,
            secret_name: Some(name.to_owned()),
            target,
            connection,
            span: entry.key_span.cover(entry.value_span),
            extractor: std::sync::Arc::clone(&self.extractor),
        });
    }

    /// docker `config.json`: `auth` is base64 `user:secret`; the tokens are bearer tokens.
    /// `remap` moves spans when the JSON was itself decoded from a Kubernetes secret.
    fn docker_auth(&mut self, entry: &Entry, key: &str, remap: impl Fn(Span) -> Span) {
        if !entry.is_text() {
            return;
        }
        let target = self.ctx.target(entry).map(|t| Target { span: remap(t.span), ..t });
        let span = remap(entry.value_span);
        if normalize(key) == "auth" {
            let Some((user, secret)) = basic_blob_values(entry.value.trim(), span, "decoded from a docker auth entry")
            else {
                return;
            };
            if secret.as_literal().is_some_and(str::is_empty) {
                return;
            }
            self.push_remapped(entry, Scheme::Basic, Some(user), secret, key, target, &remap);
        } else {
            let secret = match self.written_value(entry) {
                Value::Literal { text, via, .. } => Value::Literal { text, span, via },
                Value::Reference { kind, name, .. } => Value::Reference { kind, name, span },
                Value::Unknown { expr, .. } => Value::Unknown { expr, span },
            };
            self.push_remapped(entry, Scheme::Bearer, None, secret, key, target, &remap);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_remapped(
        &mut self,
        entry: &Entry,
        scheme: Scheme,
        user: Option<Value>,
        secret: Value,
        name: &str,
        target: Option<Target>,
        remap: &impl Fn(Span) -> Span,
    ) {
        self.push(entry, scheme, user, secret, name, target);
        if let Some(last) = self.uses.last_mut() {
            last.span = remap(last.span);
        }
    }

    /// `.npmrc`: `_authToken` (bearer), `_password` (base64 password, with `username`), `_auth`
    /// (base64 `user:secret`).
    fn npm(&mut self, entry: &Entry, key: &str) {
        if !entry.is_text() {
            return;
        }
        let target = self.ctx.target(entry);
        match normalize(key).as_str() {
            "authtoken" => {
                let secret = self.written_value(entry);
                self.push(entry, Scheme::Bearer, None, secret, key, target);
            }
            "password" => {
                let secret = self.decoded_value(entry, "decoded from base64 (npm `_password`)");
                let user = self.ctx.user(entry).map(|u| self.written_value(u));
                self.push(entry, Scheme::Basic, user, secret, key, target);
            }
            _ => match self.written_value(entry) {
                Value::Literal { text, span, via: None } => {
                    match basic_blob_values(&text, span, "decoded from base64 (npm `_auth`)") {
                        Some((user, secret)) => self.push(entry, Scheme::Basic, Some(user), secret, key, target),
                        None => self.push(entry, Scheme::Basic, None, Value::literal(text, span), key, target),
                    }
                }
                other => self.push(entry, Scheme::Basic, None, other, key, target),
            },
        }
    }

    /// `.yarnrc.yml` `npmAuthIdent: "user:secret"` (or its base64).
    fn yarn_ident(&mut self, entry: &Entry, key: &str) {
        if !entry.is_text() {
            return;
        }
        let target = self.ctx.target(entry);
        let (user, secret) = match self.written_value(entry) {
            Value::Literal { text, span, via: None } => match text.split_once(':') {
                Some((user, secret)) if self.exact(entry) && span.len() == text.len() => {
                    let user_span = Span::new(span.start, span.start + user.len());
                    let secret_span = Span::new(user_span.end + 1, span.end);
                    (Some(Value::literal(user, user_span)), Value::literal(secret, secret_span))
                }
                Some((user, secret)) => (Some(Value::literal(user, span)), Value::literal(secret, span)),
                None => match basic_blob_values(&text, span, "decoded from base64 user:secret") {
                    Some((user, secret)) => (Some(user), secret),
                    None => return,
                },
            },
            other => (None, other),
        };
        self.push(entry, Scheme::Basic, user, secret, key, target);
    }

    /// An `Authorization` header value: `Basic <base64>` or `Bearer <token>`, with the same
    /// secret span the text patterns give it (so the two are one use).
    fn authorization(&mut self, entry: &Entry, key: &str) {
        if !entry.is_text() || !self.exact(entry) {
            return;
        }
        let value = entry.value.trim();
        let start = entry.value_span.start + (entry.value.len() - entry.value.trim_start().len());
        let Some((scheme_word, rest)) = value.split_once(' ') else { return };
        let credential = rest.trim_start();
        let at = start + (value.len() - credential.len());
        let span = Span::new(at, at + credential.len());
        let target = self.ctx.target(entry);
        let written = Entry { value: credential.to_owned(), value_span: span, ..entry.clone() };
        match scheme_word.to_ascii_lowercase().as_str() {
            "basic" => match self.written_value(&written) {
                Value::Literal { text, span, via: None } => {
                    let Some((user, secret)) = basic_blob_values(&text, span, "decoded from base64 basic credentials")
                    else {
                        return;
                    };
                    self.push(entry, Scheme::Basic, Some(user), secret, key, target);
                }
                other => self.push(entry, Scheme::Basic, None, other, key, target),
            },
            "bearer" | "token" => {
                let secret = self.written_value(&written);
                self.push(entry, Scheme::Bearer, None, secret, key, target);
            }
            _ => {}
        }
    }

    /// NuGet `<apikeys><add key="SOURCE URL" value="KEY"/>`: the key is the source, the value an
    /// API key (sent as the `X-NuGet-ApiKey` header).
    fn nuget_api_key(&mut self, entry: &Entry, source: &str) {
        if !entry.is_text() {
            return;
        }
        let target = Target { text: source.to_owned(), host: host_of(source), span: entry.key_span };
        let secret = self.written_value(entry);
        self.push(entry, Scheme::Header, None, secret, "apikey", Some(target));
    }

    /// Kubernetes `kind: Secret` `data:`: every value is base64; credential-named keys are
    /// reported with their decoded text, and a `.dockerconfigjson` is read as a docker config.
    fn kubernetes_data(&mut self, entry: &Entry, key: &str) {
        if !entry.is_text() {
            return;
        }
        const VIA: &str = "decoded from Kubernetes Secret data";
        if matches!(key, ".dockerconfigjson" | ".dockercfg") {
            self.embedded_docker_config(entry, key);
            return;
        }
        if !is_credential_key(key) {
            return;
        }
        let secret = self.decoded_value(entry, VIA);
        let user = self.ctx.user(entry).map(|u| self.decoded_value(u, VIA));
        let basic = user.is_some() && !self.ctx.is_infrastructure(entry, None);
        let scheme = if basic { Scheme::Basic } else { Scheme::ConfigField };
        self.push(entry, scheme, user.filter(|_| basic), secret, key, None);
    }

    /// A Kubernetes `.dockerconfigjson`: the decoded JSON is a docker config whose `auths` are
    /// reported with the span of the whole base64 value (the only place they are in the file).
    fn embedded_docker_config(&mut self, entry: &Entry, key: &str) {
        const VIA: &str = "decoded from Kubernetes Secret data, then from a docker auth entry";
        let Value::Literal { text: json_text, span, via: Some(_) } = self.decoded_value(entry, VIA) else { return };
        let mut inner = Document::default();
        // A broken embedded document still gives the entries read before the error.
        let _ = json::parse(&json_text, &mut inner);
        let mut nested = Rules::new(&inner, &json_text, "", &self.extractor);
        for inner_entry in &inner.entries {
            let Some(inner_key) = inner_entry.key() else { continue };
            if matches!(normalize(inner_key).as_str(), "auth" | "identitytoken" | "registrytoken")
                && nested.under_docker_auths(inner_entry)
            {
                nested.docker_auth(inner_entry, inner_key, |_| span);
            }
        }
        let connection = self.ctx.connection(entry.parent);
        for mut found in nested.uses {
            found.connection = connection.clone();
            found.secret_name = Some(format!("{key} {}", found.secret_name.unwrap_or_default()));
            for value in found.user.iter_mut().chain(std::iter::once(&mut found.secret)) {
                if let Value::Literal { via, .. } = value {
                    *via = Some(VIA.to_owned());
                }
            }
            self.uses.push(found);
        }
    }

    /// Whether the entry is in the `secrets:` a workflow job passes to the reusable workflow it
    /// calls (`jobs.deploy.uses: ./.github/workflows/deploy.yml`).
    fn passed_to_reusable_workflow(&self, entry: &Entry) -> bool {
        let doc = self.ctx.doc;
        if *self.ctx.flavor(entry.parent) != Flavor::GithubWorkflow {
            return false;
        }
        let ["jobs", _, "secrets"] = doc.key_path(entry.parent).as_slice() else { return false };
        doc.nodes[entry.parent].parent.is_some_and(|job| doc.text(job, "uses").is_some())
    }

    /// The generic credential-key rule (see the module header).
    fn generic(&mut self, entry: &Entry) {
        let Some(key) = entry.key() else { return };
        if !entry.is_text() || entry.value.trim().contains('\n') || !is_credential_key(key) {
            return;
        }
        if is_prose_or_identifier(entry.value.trim()) || is_version(entry.value.trim()) || self.in_dependencies(entry) {
            return;
        }
        // A workflow's `permissions: {id-token: write}` grants a scope; it holds no token.
        if *self.ctx.flavor(entry.parent) == Flavor::GithubWorkflow && self.under(entry, "permissions") {
            return;
        }
        let secret = self.written_value(entry);
        if self.passed_to_reusable_workflow(entry) {
            // `jobs.<id>.secrets` of a job that calls a reusable workflow hands the secret on
            // under the callee's name: a hop, which joins the two names (a definition), not a
            // connection. The called workflow's own use is reported where it is.
            self.uses.push(CredentialUse {
                scheme: Scheme::ConfigField,
                user: None,
                secret,
                secret_name: Some(key.to_owned()),
                target: None,
                connection: None,
                span: entry.key_span.cover(entry.value_span),
                extractor: std::sync::Arc::clone(&self.extractor),
            });
            return;
        }
        let target = self.ctx.target(entry);
        let forced = self.ctx.doc.find(entry.parent, &["forcebasicauth"]).is_some_and(|e| is_truthy(&e.value));
        let user = self.ctx.user(entry);
        let scheme = if self.ctx.in_headers(entry) {
            Scheme::Header
        } else if forced || (user.is_some() && !self.ctx.is_infrastructure(entry, target.as_ref())) {
            Scheme::Basic
        } else {
            Scheme::ConfigField
        };
        let user = user.filter(|_| scheme == Scheme::Basic).map(|u| self.written_value(u));
        self.push(entry, scheme, user, secret, key, target);
    }
}

/// Values under a credential key that are not a credential: a sentence (API documentation
/// strings: `"The grant token."`), a resource name (`arn:aws:iam::aws:policy/…`) or a URL
/// without userinfo (the URL patterns report userinfo).
fn is_prose_or_identifier(value: &str) -> bool {
    let words = value.split_whitespace().count();
    let sentence = (words >= 3 && value.ends_with(['.', ':', '?', '!'])) || words >= 5;
    let arn = value.starts_with("arn:");
    let url = value.split_once("://").is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
            && crate::redact::url::userinfo_end(rest).is_none()
    });
    sentence || arn || url
}

/// A version or version range (`^7.0.2`, `~1.2`, `>=1.0,<2`, `1.2.3`, `v2`): a dependency
/// requirement or a setting, never a credential.
fn is_version(value: &str) -> bool {
    let body = value.trim_start_matches(['^', '~', '>', '<', '=', ' ', 'v']);
    let dotted = body
        .split(['.', ',', ' ', '<', '>', '=', '|', '-'])
        .filter(|p| !p.is_empty())
        .all(|p| p.chars().all(|c| c.is_ascii_digit() || matches!(c, 'x' | '*')));
    !body.is_empty() && body.starts_with(|c: char| c.is_ascii_digit()) && body.contains('.') && dotted
}

fn is_truthy(value: &str) -> bool {
    matches!(value.trim().to_ascii_lowercase().as_str(), "yes" | "true" | "on" | "1")
}

/// Whether a key names a password or token (DOMAIN.md §6.7), and not something about one
/// (DOMAIN.md §7: `token_url`, `password_file`, `csrf_token`, `password_env`).
/// The user and secret of a base64 `user:secret` blob, as literals spanned on the blob (the
/// decoded text has no place of its own in the file) that say how they were read.
fn basic_blob_values(blob: &str, span: Span, via: &str) -> Option<(Value, Value)> {
    let (user, secret) = decode_basic_blob(blob)?;
    let via = Some(via.to_owned());
    Some((Value::Literal { text: user, span, via: via.clone() }, Value::Literal { text: secret, span, via }))
}

pub(crate) fn is_credential_key(key: &str) -> bool {
    let words = words(key);
    let Some(last) = words.last() else { return false };
    // An OAuth client secret is a credential, though `secret` alone is too vague to be one.
    let oauth_secret = last == "secret"
        && words.len() >= 2
        && matches!(words[words.len() - 2].as_str(), "client" | "consumer" | "app" | "application");
    // The credential word must end the name (`jira_api_token`, `JIRA_PAT_FALLBACK`), not sit
    // inside a longer phrase (`needless_pass_by_value`, `rest_pat_in_fully_bound_structs`).
    let tail = words[words.len().saturating_sub(2)..].join("_");
    let credential = name_prior(key) != NamePrior::Neutral && name_prior(&tail) != NamePrior::Neutral;
    if !credential && !oauth_secret {
        return false;
    }
    let before_token = words.len().checked_sub(2).filter(|_| last == "token").map(|i| words[i].as_str());
    if before_token.is_some_and(|w| NOT_CREDENTIAL_TOKEN_WORDS.contains(&w)) {
        return false;
    }
    !NOT_A_VALUE_WORDS.contains(&last.as_str()) && !matches!(last.as_str(), "less" | "id" | "file" | "path")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_resource_names_and_urls_are_not_credentials() {
        for value in [
            "The grant token.",
            "The password for the kmsuser CU account in the specified cluster.",
            "arn:aws:iam::aws:policy/IAMUserChangePassword",
            "https://auth.example.com/token",
        ] {
            assert!(is_prose_or_identifier(value), "{value}");
        }
        for value in ["correct horse battery staple", "S3cret!", "https://u:p@host/", "Summer 2024!"] {
            assert!(!is_prose_or_identifier(value), "{value}");
        }
        for value in ["^7.0.2", "~1.2", ">=1.0, <2.0", "1.2.3", "v2.0", "1.x"] {
            assert!(is_version(value), "{value}");
        }
        for value in ["S3cret!1.0", "1234", "2024.Summer!", "pass1.2"] {
            assert!(!is_version(value), "{value}");
        }
    }

    #[test]
    fn credential_keys_and_look_alikes() {
        for key in [
            "password",
            "jira_api_token",
            "apiToken",
            "url_password",
            "PRIVATE-TOKEN",
            "_authToken",
            "passphrase",
            "ClearTextPassword",
            "npmAuthToken",
            "client-secret",
            "clientSecret",
        ] {
            assert!(is_credential_key(key), "{key}");
        }
        for key in [
            "password_policy",
            "token_url",
            "token_type",
            "passwordless",
            "csrf_token",
            "password_file",
            "token_path",
            "password_env",
            "token_id",
            "username",
            "secret",
            "auth",
            "password_prompt",
            "tokenCommand",
            "api_key_id",
        ] {
            assert!(!is_credential_key(key), "{key}");
        }
    }
}
