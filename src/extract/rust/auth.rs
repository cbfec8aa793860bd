//! HTTP credentials in Rust calls, and the connection each one serves.
//!
//! - reqwest (and awc, attohttpc…) `.basic_auth(user, Some(pw))`: basic; a `None` password is a
//!   username alone, no credential. `.bearer_auth(t)`: bearer.
//! - Headers: `.header(AUTHORIZATION | "Authorization", v)` (reqwest, ureq 3, `http`), ureq 2's
//!   `.set(…)`, `HeaderMap::insert/append`, and standalone `HeaderValue::from_str/from_static`,
//!   whose value is `format!("Basic {}", …)`, `format!("Bearer {t}")`, `"Basic " + …`, or a
//!   literal `"Basic <base64>"` (decoded with `decode_basic_blob`, marked by `via`). Token headers
//!   (`PRIVATE-TOKEN`, `X-Api-Key`…) are `header` uses named after the header.
//! - base64 of `user:secret`: `STANDARD.encode(format!("{u}:{p}"))`, `base64::encode("u:p")`.
//! - URLs: `Url::parse("https://u:p@host")` and `url.set_password(Some("…"))`: URL userinfo.
//! - Typed headers and git: `Authorization::basic(u, p)`, `Authorization::bearer(t)`,
//!   `git2::Cred::userpass_plaintext(u, p)`.
//!
//! The target is the URL given to `.get/.post/.put/.patch/.delete/.head/.request` (or `ureq::get`)
//! on the receiver chain of the call, following `let` bindings of the builder; a literal URL gives
//! its host, a `format!("{site}/…")` URL its format string and the host of `site` when bound to a
//! literal.

use syn::{BinOp, Expr, ExprCall, ExprMethodCall};

use super::fmt::{ArgRef, Piece};
use super::lit::Lit;
use super::scope::Bound;
use super::value::{
    FormatCall, MAX_VALUE_DEPTH, PASS_THROUGH, Resolved, callee, is_none, lit_part, lit_value, path_name, strip,
};
use super::{EXTRACTOR, Extractor};
use crate::classify::decode_basic_blob;
use crate::extract::target::host_of;
use crate::fact::{CredentialUse, Scheme, Target, Value};
use crate::span::Span;

/// Request-builder methods (and free functions) that take the request's URL.
const HTTP_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "head"];

/// Headers that carry a token on their own (lower case).
const TOKEN_HEADERS: &[&str] = &[
    "private-token",
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-api-token",
    "x-access-token",
    "x-gitlab-token",
    "x-vault-token",
    "x-jfrog-art-api",
];

/// A credential read from an `Authorization` value.
struct AuthValue {
    scheme: Scheme,
    user: Option<Value>,
    secret: Resolved,
}

/// Which header a name expression names.
enum HeaderKind {
    Authorization,
    Token(String),
}

impl<'ast> Extractor<'ast> {
    pub(super) fn method_call(&mut self, call: &'ast ExprMethodCall) {
        let before = self.scopes.now();
        let args: Vec<&'ast Expr> = call.args.iter().collect();
        let span = self.src.span(call.method.span()).cover(self.src.span(call.paren_token.span.close()));
        match (call.method.to_string().as_str(), args.as_slice()) {
            ("basic_auth", [user, password]) => {
                let target = self.chain_target(&call.receiver, before).map(|(target, _)| target);
                self.basic_pair(user, password, target, span, before);
            }
            ("bearer_auth", [token]) => {
                let target = self.chain_target(&call.receiver, before).map(|(target, _)| target);
                let secret = self.value_of(token, before, 0);
                self.emit(Scheme::Bearer, None, secret, target, span);
            }
            ("header" | "set" | "insert" | "append", [name, value]) => {
                if let Some(kind) = self.header_kind(name, before) {
                    let target = self.chain_target(&call.receiver, before).map(|(target, _)| target);
                    self.header_use(kind, value, target, span, before);
                }
            }
            ("set_password", [password]) => {
                let password = strip(password);
                if is_none(password) {
                    return;
                }
                let secret = self.value_of(password, before, 0);
                let target = self.target_of(&call.receiver, before, 0);
                let secret = Resolved { name: secret.name.or_else(|| Some("password".to_owned())), ..secret };
                self.emit(Scheme::UrlUserinfo, None, secret, target, span);
            }
            ("encode", [data]) if is_base64_engine(self.src.text_of(self.src.node_span(&*call.receiver))) => {
                self.encoded_userpass(data, span, before);
            }
            ("json" | "send_json" | "body" | "send_string", [body]) => self.claim_body(call, body, before),
            _ => {}
        }
    }

    pub(super) fn call(&mut self, call: &'ast ExprCall) {
        let Some((last, path)) = callee(call) else { return };
        let before = self.scopes.now();
        let args: Vec<&'ast Expr> = call.args.iter().collect();
        let span = self.src.node_span(call);
        match (last.as_str(), args.as_slice()) {
            ("from_str" | "from_static" | "try_from" | "from_maybe_shared" | "from_bytes", [value])
                if path.contains("HeaderValue") =>
            {
                // A header value built on its own (inserted into a `HeaderMap` later): it is an
                // authorization value only if it says so (`Basic …`, `Bearer …`).
                if let Some(auth) = self.auth_value(value, before)
                    && auth.scheme != Scheme::Header
                {
                    self.emit(auth.scheme, auth.user, auth.secret, None, span);
                }
            }
            ("encode" | "encode_config" | "base64_encode", [data, ..])
                if is_base64_engine(&path) || last == "base64_encode" =>
            {
                self.encoded_userpass(data, span, before);
            }
            ("parse" | "from_str", [url]) if path.contains("Url") => self.url_userinfo(url, before),
            ("basic", [user, password]) if path.contains("Authorization") => {
                self.basic_pair(user, password, None, span, before);
            }
            ("bearer", [token]) if path.contains("Authorization") => {
                let secret = self.value_of(token, before, 0);
                self.emit(Scheme::Bearer, None, secret, None, span);
            }
            ("userpass_plaintext", [user, password]) => self.basic_pair(user, password, None, span, before),
            _ => {}
        }
    }

    /// Emits one use found by the Rust extractor.
    pub(super) fn emit(
        &mut self,
        scheme: Scheme,
        user: Option<Value>,
        secret: Resolved,
        target: Option<Target>,
        span: Span,
    ) {
        if matches!(scheme, Scheme::Bearer | Scheme::Header)
            && let Value::Literal { text, .. } = &secret.value
            && text.trim().contains(char::is_whitespace)
        {
            // Tokens have no spaces: `bearer_auth("Hold my bear")` is a test string.
            return;
        }
        let secret_name = secret.name.or_else(|| {
            secret.value.name().filter(|_| matches!(secret.value, Value::Reference { .. })).map(str::to_owned)
        });
        self.push_use(CredentialUse {
            scheme,
            user,
            secret: secret.value,
            secret_name,
            target,
            connection: None,
            span,
            extractor: EXTRACTOR.into(),
        });
    }

    /// `(user, Some(password))` of a basic-auth call; a `None` password is a username alone.
    fn basic_pair(&mut self, user: &'ast Expr, password: &'ast Expr, target: Option<Target>, span: Span, before: u32) {
        if is_none(password) || is_none(self.peel(password, before).expr) {
            return;
        }
        let secret = self.value_of(password, before, 0);
        let user = self.value_of(user, before, 0).value;
        self.emit(Scheme::Basic, Some(user), secret, target, span);
    }

    fn header_kind(&self, name: &'ast Expr, before: u32) -> Option<HeaderKind> {
        if let Expr::Path(path) = strip(name)
            && let Some(last) = path.path.segments.last()
            && matches!(last.ident.to_string().as_str(), "AUTHORIZATION" | "PROXY_AUTHORIZATION")
        {
            return Some(HeaderKind::Authorization);
        }
        let (lit, _) = self.literal_of(name, before)?;
        let lower = lit.value.to_ascii_lowercase();
        if lower == "authorization" || lower == "proxy-authorization" {
            Some(HeaderKind::Authorization)
        } else if TOKEN_HEADERS.contains(&lower.as_str()) {
            Some(HeaderKind::Token(lit.value))
        } else {
            None
        }
    }

    fn header_use(&mut self, kind: HeaderKind, value: &'ast Expr, target: Option<Target>, span: Span, before: u32) {
        match kind {
            HeaderKind::Authorization => {
                if let Some(auth) = self.auth_value(value, before) {
                    self.emit(auth.scheme, auth.user, auth.secret, target, span);
                }
            }
            HeaderKind::Token(header) => {
                let secret = self.value_of(value, before, 0);
                let secret = Resolved { name: secret.name.or(Some(header)), ..secret };
                self.emit(Scheme::Header, None, secret, target, span);
            }
        }
    }

    /// An `Authorization` header value: `Basic …`, `Bearer …`, or a whole value from elsewhere.
    fn auth_value(&self, value: &'ast Expr, before: u32) -> Option<AuthValue> {
        let peeled = self.peel(value, before);
        match peeled.expr {
            Expr::Macro(mac) => {
                let call = self.format_call(&mac.mac)?;
                self.auth_from_format(&call, peeled.before)
            }
            Expr::Lit(_) => {
                let (lit, _) = self.literal_of(peeled.expr, peeled.before)?;
                auth_from_literal(&lit)
            }
            Expr::Binary(binary) if matches!(binary.op, BinOp::Add(_)) => {
                let parts = flatten_add(peeled.expr);
                let (first, rest) = parts.split_first()?;
                let (lit, _) = self.literal_of(first, peeled.before)?;
                let (scheme, after) = scheme_prefix(&lit.value)?;
                match rest {
                    [only] if after.trim().is_empty() => self.auth_from_arg(scheme, only, peeled.before),
                    _ => None,
                }
            }
            _ => {
                let secret = self.value_of(value, before, 0);
                matches!(secret.value, Value::Reference { .. }).then_some(AuthValue {
                    scheme: Scheme::Header,
                    user: None,
                    secret,
                })
            }
        }
    }

    fn auth_from_format(&self, call: &FormatCall<'ast>, before: u32) -> Option<AuthValue> {
        let (first, rest) = call.pieces.split_first()?;
        let Piece::Text { text, .. } = first else { return None };
        let (scheme, after) = scheme_prefix(text)?;
        if !after.trim().is_empty() {
            return None;
        }
        let [Piece::Arg { arg, range }] = rest else { return None };
        match self.arg_expr(call, arg) {
            Some(expr) => self.auth_from_arg(scheme, expr, before),
            None => {
                // An inline capture: `format!("Basic {creds}")`.
                let ArgRef::Name(name) = arg else { return None };
                match self.scopes.lookup(name, before) {
                    Some((id, Bound::Expr(bound))) => self.auth_from_arg(scheme, bound, id),
                    _ => {
                        let secret = self.arg_value(call, arg, range.clone(), before, 0);
                        Some(AuthValue { scheme, user: None, secret })
                    }
                }
            }
        }
    }

    /// The credential after `Basic ` or `Bearer `.
    fn auth_from_arg(&self, scheme: Scheme, expr: &'ast Expr, before: u32) -> Option<AuthValue> {
        if scheme != Scheme::Basic {
            return Some(AuthValue { scheme, user: None, secret: self.value_of(expr, before, 0) });
        }
        let peeled = self.peel(expr, before);
        if let Some(data) = self.base64_argument(peeled.expr)
            && let Some((user, secret)) = self.userpass(data, peeled.before)
        {
            return Some(AuthValue { scheme, user: Some(user), secret });
        }
        if let Some((lit, name)) = self.literal_of(expr, before) {
            let (user, secret) = basic_blob(&lit)?;
            return Some(AuthValue { scheme, user, secret: Resolved { value: secret, name } });
        }
        Some(AuthValue { scheme, user: None, secret: self.value_of(expr, before, 0) })
    }

    /// The data of a base64 encoding call: `STANDARD.encode(x)`, `base64::encode(x)`.
    fn base64_argument(&self, expr: &'ast Expr) -> Option<&'ast Expr> {
        match expr {
            Expr::MethodCall(call)
                if call.method == "encode"
                    && is_base64_engine(self.src.text_of(self.src.node_span(&*call.receiver))) =>
            {
                call.args.first()
            }
            Expr::Call(call) => {
                let (last, path) = callee(call)?;
                let encoder = matches!(last.as_str(), "encode" | "encode_config") && is_base64_engine(&path);
                (encoder || last == "base64_encode").then(|| call.args.first()).flatten()
            }
            _ => None,
        }
    }

    /// A base64-encoded `user:secret` anywhere: a basic credential, target unknown.
    fn encoded_userpass(&mut self, data: &'ast Expr, span: Span, before: u32) {
        if let Some((user, secret)) = self.userpass(data, before) {
            self.emit(Scheme::Basic, Some(user), secret, None, span);
        }
    }

    /// `"user:secret"`, `format!("{u}:{p}")`, `user + ":" + pw`: split at the first colon.
    fn userpass(&self, data: &'ast Expr, before: u32) -> Option<(Value, Resolved)> {
        let peeled = self.peel(data, before);
        match peeled.expr {
            Expr::Lit(_) => {
                let (lit, _) = self.literal_of(peeled.expr, peeled.before)?;
                let colon = lit.value.find(':')?;
                let user = lit_part(&lit, 0..colon);
                let secret = lit_part(&lit, colon + 1..lit.value.len());
                Some((user, Resolved { value: secret, name: None }))
            }
            Expr::Macro(mac) => {
                let call = self.format_call(&mac.mac)?;
                self.userpass_from_format(&call, peeled.before)
            }
            Expr::Binary(binary) if matches!(binary.op, BinOp::Add(_)) => {
                self.userpass_from_sum(&flatten_add(peeled.expr), peeled.before)
            }
            _ => None,
        }
    }

    fn userpass_from_format(&self, call: &FormatCall<'ast>, before: u32) -> Option<(Value, Resolved)> {
        let (at, colon) = call.pieces.iter().enumerate().find_map(|(i, piece)| match piece {
            Piece::Text { text, range } if text.contains(':') && !text.contains("{{") && !text.contains("}}") => {
                text.find(':').map(|c| (i, range.start + c))
            }
            _ => None,
        })?;
        let mut left: Vec<Piece> = call.pieces.get(..at)?.to_vec();
        let mut right: Vec<Piece> = Vec::new();
        if let Some(Piece::Text { range, .. }) = call.pieces.get(at) {
            let value = &call.lit.value;
            if colon > range.start {
                left.push(Piece::Text { text: value.get(range.start..colon)?.to_owned(), range: range.start..colon });
            }
            if colon + 1 < range.end {
                right.push(Piece::Text {
                    text: value.get(colon + 1..range.end)?.to_owned(),
                    range: colon + 1..range.end,
                });
            }
        }
        right.extend(call.pieces.get(at + 1..)?.iter().cloned());
        let user = self.side_value(call, &left, colon..colon, before).value;
        let secret = self.side_value(call, &right, colon + 1..colon + 1, before);
        Some((user, secret))
    }

    /// One side of a `user:secret` format string.
    fn side_value(
        &self,
        call: &FormatCall<'ast>,
        pieces: &[Piece],
        empty_at: std::ops::Range<usize>,
        before: u32,
    ) -> Resolved {
        match pieces {
            [] => Resolved { value: Value::literal("", call.lit.span_of(empty_at)), name: None },
            [Piece::Text { range, .. }] => Resolved { value: lit_part(&call.lit, range.clone()), name: None },
            [Piece::Arg { arg, range }] => self.arg_value(call, arg, range.clone(), before, 0),
            [first, .., last] => {
                let start = piece_range(first).start;
                let end = piece_range(last).end;
                let text = call.lit.value.get(start..end).unwrap_or_default().to_owned();
                Resolved { value: Value::Unknown { expr: text, span: call.lit.span_of(start..end) }, name: None }
            }
        }
    }

    fn userpass_from_sum(&self, parts: &[&'ast Expr], before: u32) -> Option<(Value, Resolved)> {
        let (at, lit, colon) = parts.iter().enumerate().find_map(|(i, part)| {
            let (lit, _) = self.literal_of(part, before)?;
            let colon = lit.value.find(':')?;
            Some((i, lit, colon))
        })?;
        let side = |exprs: &[&'ast Expr], text: std::ops::Range<usize>| -> Resolved {
            match (exprs, text.is_empty()) {
                ([], _) => Resolved { value: lit_part(&lit, text), name: None },
                ([only], true) => self.value_of(only, before, 0),
                _ => Resolved { value: Value::Unknown { expr: lit.value.clone(), span: lit.content }, name: None },
            }
        };
        let user = side(parts.get(..at)?, 0..colon).value;
        let secret = side(parts.get(at + 1..)?, colon + 1..lit.value.len());
        Some((user, secret))
    }

    /// `Url::parse("https://user:secret@host/…")`: the userinfo, and the URL as the target.
    fn url_userinfo(&mut self, url: &'ast Expr, before: u32) {
        let Some((lit, _)) = self.literal_of(url, before) else { return };
        let Some((user_range, secret_range)) = userinfo(&lit.value) else { return };
        let decode = |value: Value| match value {
            Value::Literal { text, span, via } => {
                Value::Literal { text: crate::extract::expr::percent_decode(&text), span, via }
            }
            other => other,
        };
        let user = decode(lit_part(&lit, user_range));
        let secret = decode(lit_part(&lit, secret_range));
        let target = Target { text: without_userinfo(&lit.value), host: host_of(&lit.value), span: lit.content };
        // The use is the URL itself, as the text patterns have it (`check` reads its scheme there).
        self.emit(Scheme::UrlUserinfo, Some(user), Resolved { value: secret, name: None }, Some(target), lit.content);
    }

    /// The URL of the request a builder chain makes, and the HTTP method (`get`, `post`…).
    pub(super) fn chain_target(&self, receiver: &'ast Expr, before: u32) -> Option<(Target, String)> {
        let mut expr = receiver;
        let mut before = before;
        for _ in 0..MAX_VALUE_DEPTH * 4 {
            expr = strip(expr);
            match expr {
                Expr::Try(inner) => expr = &inner.expr,
                Expr::Await(inner) => expr = &inner.base,
                Expr::MethodCall(call) => {
                    let method = call.method.to_string();
                    let args: Vec<&'ast Expr> = call.args.iter().collect();
                    match (method.as_str(), args.as_slice()) {
                        (m, [url]) if HTTP_METHODS.contains(&m) => {
                            return self.target_of(url, before, 0).map(|t| (t, method));
                        }
                        ("request", [verb, url]) => {
                            return self.target_of(url, before, 0).map(|t| (t, self.verb(verb, before)));
                        }
                        ("uri" | "url", [url]) => {
                            return self.target_of(url, before, 0).map(|t| (t, "request".to_owned()));
                        }
                        _ => expr = &call.receiver,
                    }
                }
                Expr::Call(call) => {
                    let (last, _) = callee(call)?;
                    let args: Vec<&'ast Expr> = call.args.iter().collect();
                    return match (last.as_str(), args.as_slice()) {
                        (m, [url]) if HTTP_METHODS.contains(&m) => {
                            self.target_of(url, before, 0).map(|t| (t, last.clone()))
                        }
                        ("request", [verb, url]) => {
                            self.target_of(url, before, 0).map(|t| (t, self.verb(verb, before)))
                        }
                        _ => None,
                    };
                }
                Expr::Path(_) => match path_name(expr).and_then(|name| self.scopes.lookup(&name, before)) {
                    Some((id, Bound::Expr(bound))) => {
                        expr = bound;
                        before = id;
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
        None
    }

    /// The HTTP method of `.request(Method::POST, url)` or `ureq::request("POST", url)`.
    fn verb(&self, verb: &'ast Expr, before: u32) -> String {
        if let Expr::Path(path) = strip(verb)
            && let Some(last) = path.path.segments.last()
        {
            return last.ident.to_string().to_ascii_lowercase();
        }
        self.literal_of(verb, before)
            .map(|(lit, _)| lit.value.to_ascii_lowercase())
            .unwrap_or_else(|| "request".to_owned())
    }

    /// The connection a URL expression names.
    pub(super) fn target_of(&self, url: &'ast Expr, before: u32, depth: usize) -> Option<Target> {
        if depth > MAX_VALUE_DEPTH {
            return None;
        }
        let expr = strip(url);
        match expr {
            Expr::Try(inner) => return self.target_of(&inner.expr, before, depth + 1),
            Expr::MethodCall(call)
                if call.method == "join" || PASS_THROUGH.contains(&call.method.to_string().as_str()) =>
            {
                return self.target_of(&call.receiver, before, depth + 1);
            }
            Expr::Call(call) => {
                if let Some((last, path)) = callee(call)
                    && matches!(last.as_str(), "parse" | "from_str")
                    && path.contains("Url")
                    && let Some(arg) = call.args.first()
                {
                    return self.target_of(arg, before, depth + 1);
                }
            }
            Expr::Macro(mac) => {
                if let Some(call) = self.format_call(&mac.mac) {
                    return Some(self.format_target(&call, before));
                }
            }
            Expr::Path(_) => {
                if let Some(name) = path_name(expr)
                    && let Some((id, Bound::Expr(bound))) = self.scopes.lookup(&name, before)
                {
                    return self.target_of(bound, id, depth + 1);
                }
            }
            _ => {}
        }
        match self.value_of(expr, before, depth).value {
            Value::Literal { text, span, .. } => {
                let host = host_of(&text);
                let text = without_userinfo(&text);
                (host.is_some() || text.contains("://") || text.starts_with('/')).then_some(Target { text, host, span })
            }
            Value::Reference { name, span, .. } => Some(Target { text: name, host: None, span }),
            Value::Unknown { expr, span } => {
                let host = host_of(&expr).filter(|_| expr.contains("://"));
                looks_like_url(&expr).then_some(Target { text: expr, host, span })
            }
        }
    }

    /// `format!("{site}/rest/…")`: the format string, and the host of its first part.
    fn format_target(&self, call: &FormatCall<'ast>, before: u32) -> Target {
        let host = match call.pieces.first() {
            Some(Piece::Text { text, .. }) if text.contains("://") => host_of(text),
            Some(Piece::Arg { arg, range }) => match self.arg_value(call, arg, range.clone(), before, 0).value {
                Value::Literal { text, .. } => host_of(&text),
                _ => None,
            },
            _ => None,
        };
        Target { text: without_userinfo(&call.lit.value), host, span: call.lit.content }
    }
}

/// A literal `Authorization` value: `Basic <base64>`, `Bearer <token>`, or a bare value.
fn auth_from_literal(lit: &Lit) -> Option<AuthValue> {
    let Some((scheme, _)) = scheme_prefix(&lit.value) else {
        // A value with a space and no known scheme is some other scheme (`AWS4-HMAC-SHA256 …`).
        return (!lit.value.trim().contains(char::is_whitespace)).then(|| AuthValue {
            scheme: Scheme::Header,
            user: None,
            secret: Resolved { value: lit_value(lit), name: None },
        });
    };
    let start = lit
        .value
        .find(' ')
        .map_or(lit.value.len(), |space| space + lit.value[space..].len() - lit.value[space..].trim_start().len());
    let end = lit.value.trim_end().len().max(start);
    if scheme == Scheme::Basic {
        let (user, secret) = basic_blob(&lit.sub(start..end))?;
        return Some(AuthValue { scheme, user, secret: Resolved { value: secret, name: None } });
    }
    Some(AuthValue { scheme, user: None, secret: Resolved { value: lit_part(lit, start..end), name: None } })
}

/// A base64 basic credential blob: `(user, secret)` decoded, both spanning the blob; a template
/// reference (`"Basic ${CREDS}"`) as itself; anything else is not a basic credential.
fn basic_blob(lit: &Lit) -> Option<(Option<Value>, Value)> {
    match decode_basic_blob(&lit.value) {
        Some((user, secret)) => {
            let via = Some("decoded from base64 basic credentials".to_owned());
            Some((
                Some(Value::Literal { text: user, span: lit.content, via: via.clone() }),
                Value::Literal { text: secret, span: lit.content, via },
            ))
        }
        None => match lit_value(lit) {
            reference @ Value::Reference { .. } => Some((None, reference)),
            _ => None,
        },
    }
}

/// `Basic …`, `Bearer …`, `Token …` (case-insensitive): the scheme and what follows the word.
fn scheme_prefix(text: &str) -> Option<(Scheme, &str)> {
    let trimmed = text.trim_start();
    let (word, after) = trimmed.split_once(' ')?;
    let scheme = match word.to_ascii_lowercase().as_str() {
        "basic" => Scheme::Basic,
        "bearer" | "token" => Scheme::Bearer,
        _ => return None,
    };
    Some((scheme, after))
}

fn piece_range(piece: &Piece) -> std::ops::Range<usize> {
    match piece {
        Piece::Text { range, .. } | Piece::Arg { range, .. } => range.clone(),
    }
}

/// `a + b + c` as `[a, b, c]`.
fn flatten_add(expr: &Expr) -> Vec<&Expr> {
    let mut parts = Vec::new();
    let mut current = expr;
    for _ in 0..MAX_VALUE_DEPTH {
        match strip(current) {
            Expr::Binary(binary) if matches!(binary.op, BinOp::Add(_)) => {
                parts.push(&*binary.right);
                current = &binary.left;
            }
            other => {
                parts.push(other);
                break;
            }
        }
    }
    parts.reverse();
    parts
}

/// Whether the receiver or path of an `encode` is a base64 engine (`STANDARD`,
/// `general_purpose::URL_SAFE`, `BASE64_STANDARD`, `base64::encode`, `data_encoding::BASE64`).
fn is_base64_engine(text: &str) -> bool {
    ["base64", "BASE64", "STANDARD", "URL_SAFE", "general_purpose", "engine", "Base64"].iter().any(|w| text.contains(w))
}

/// The user and secret byte ranges of a URL's userinfo (`scheme://user:secret@host`).
fn userinfo(url: &str) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let start = url.find("://")? + 3;
    let authority_end = url[start..].find(['/', '?', '#']).map_or(url.len(), |end| start + end);
    let at = start + url[start..authority_end].rfind('@')?;
    let colon = start + url[start..at].find(':')?;
    (colon + 1 < at).then_some((start..colon, colon + 1..at))
}

/// A URL without its userinfo: a target's text is shown in reports, a secret never is.
fn without_userinfo(url: &str) -> String {
    let Some(start) = url.find("://").map(|at| at + 3) else { return url.to_owned() };
    let authority_end = url[start..].find(['/', '?', '#']).map_or(url.len(), |end| start + end);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &url[..start], &url[start + at + 1..]),
        None => url.to_owned(),
    }
}

fn looks_like_url(expr: &str) -> bool {
    let lower = expr.to_ascii_lowercase();
    lower.contains("://")
        || ["url", "uri", "host", "server", "base", "endpoint", "site", "domain", "api"]
            .iter()
            .any(|w| lower.contains(w))
}
