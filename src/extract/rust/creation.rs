//! Token creation requests: `json!` bodies sent to a token-minting endpoint, and the expiry they
//! ask for (DOMAIN.md §3, §3.7).
//!
//! The endpoint comes from the request the body is passed to (`.json(&json!(…))`,
//! `.send_json(…)`, `.body(…)`, also through a `let` of the body), whose builder chain gives the
//! URL, or, when the body is not visibly passed to a request, from the nearest string in the same
//! function naming a token endpoint, provided the body has a key that API uses. A body passed to a
//! request for some other URL is not a creation. The fact's span is the `json!` call.
//!
//! Expiry: a day count (`expirationDuration`, `expiryDays`, `daysUntilExpiry`, `validForDays`,
//! months × 30 for `tokenValidityTimeInMonths`); `null`, `0` or `"isValidForever": true` is a
//! request for a token that never expires; a date or an expression is kept as written. Without
//! an expiry field, the API's default lifetime from the catalogue, if it has one.

use std::sync::LazyLock;

use syn::{Expr, ExprMethodCall, Lit as SynLit, Macro};

use super::macros::{self, Json};
use super::value::{callee, strip};
use super::{EXTRACTOR, Extractor, FnContext};
use crate::fact::{TokenApi, TokenCreation, Value};
use crate::span::Span;

/// A `json!` body seen in a function.
pub(super) struct BodyAt<'ast> {
    key: usize,
    span: Span,
    json: &'ast Json,
    /// The expiry fields present, read where the body is (its bindings are in scope there).
    expiries: Vec<(&'static str, Expiry)>,
}

/// Every expiry field of every API, and the factor that turns its count into days.
const EXPIRY_FIELDS: &[(&str, u64)] = &[
    ("expirationDuration", 1),
    ("expiryDays", 1),
    ("daysUntilExpiry", 1),
    ("tokenValidityTimeInMonths", 30),
    ("tokenExpirationDateTime", 1),
    ("tokenExpirationDateTimeMillis", 1),
    ("validForDays", 1),
    ("isValidForever", 1),
    ("expires_at", 1),
];

/// The expiry fields each API reads.
fn api_expiry_fields(api: TokenApi) -> &'static [&'static str] {
    match api {
        TokenApi::AtlassianDcPat => &["expirationDuration"],
        TokenApi::BitbucketDcAccessToken => &["expiryDays"],
        TokenApi::BambooPat => &["daysUntilExpiry"],
        TokenApi::ResolutionApiToken => {
            &["tokenValidityTimeInMonths", "tokenExpirationDateTime", "tokenExpirationDateTimeMillis"]
        }
        TokenApi::KantegaApiToken => &["validForDays", "isValidForever"],
        TokenApi::GitlabAccessToken => &["expires_at"],
    }
}

/// Fields that hold a date or a timestamp: an expiry, but not a day count.
const DATE_FIELDS: &[&str] = &["tokenExpirationDateTime", "tokenExpirationDateTimeMillis", "expires_at"];

/// The token API a URL (or any string naming one) creates tokens with.
pub(super) fn api_of(url: &str) -> Option<TokenApi> {
    if !url.contains("token") {
        return None;
    }
    if url.contains("/rest/pat/latest/tokens") || url.contains("/rest/pat/1.0/tokens") {
        Some(TokenApi::AtlassianDcPat)
    } else if url.contains("/rest/access-tokens/") {
        Some(TokenApi::BitbucketDcAccessToken)
    } else if url.contains("/rest/api/latest/access-token") || url.contains("/rest/api/1.0/access-token") {
        Some(TokenApi::BambooPat)
    } else if url.contains("/rest/de.resolution.apitokenauth/") {
        Some(TokenApi::ResolutionApiToken)
    } else if url.contains("rest/ksso/api/apitokens") {
        Some(TokenApi::KantegaApiToken)
    } else if url.contains("/personal_access_tokens")
        || (url.contains("/access_tokens") && !url.contains("installations"))
    {
        // GitHub's `/app/installations/{id}/access_tokens` mints one-hour installation tokens.
        Some(TokenApi::GitlabAccessToken)
    } else {
        None
    }
}

/// Keys a creation body for each API has: a body without any of them is not for that API.
fn api_keys(api: TokenApi) -> &'static [&'static str] {
    match api {
        TokenApi::AtlassianDcPat => &["name", "expirationDuration"],
        TokenApi::BitbucketDcAccessToken => &["name", "permissions", "expiryDays"],
        TokenApi::BambooPat => &["name", "permissions", "daysUntilExpiry"],
        TokenApi::ResolutionApiToken => &[
            "tokenDescription",
            "tokenValidityTimeInMonths",
            "tokenExpirationDateTime",
            "tokenExpirationDateTimeMillis",
            "tokenForUserKey",
        ],
        TokenApi::KantegaApiToken => &["tokenName", "description", "validForDays", "isValidForever"],
        TokenApi::GitlabAccessToken => &["name", "scopes", "expires_at"],
    }
}

/// What an expiry value says.
#[derive(Debug, Clone)]
enum Expiry {
    Days(u64),
    Never,
    Text(String),
}

impl<'ast> Extractor<'ast> {
    /// A `json!` macro reached while walking: remembered for the end of its function.
    pub(super) fn json_body(&mut self, mac: &'ast Macro, json: &'ast Json) {
        self.json_fields(json);
        let key = macros::key(self.src, mac);
        let span = self.src.node_span(mac);
        let expiries = EXPIRY_FIELDS
            .iter()
            .filter_map(|&(field, factor)| {
                let value = json.get(field)?;
                let expiry = if field == "isValidForever" {
                    let forever = matches!(value, Json::Value(expr) if matches!(&**expr, Expr::Lit(lit) if matches!(&lit.lit, SynLit::Bool(b) if b.value)));
                    forever.then_some(Expiry::Never)?
                } else if DATE_FIELDS.contains(&field) {
                    as_text(self.expiry_of(value, 1))
                } else {
                    self.expiry_of(value, factor)
                };
                Some((field, expiry))
            })
            .collect();
        if let Some(context) = self.functions.last_mut() {
            context.bodies.push(BodyAt { key, span, json, expiries });
        }
    }

    /// `.json(body)`: if `body` is a `json!` value, the request's URL says what it creates.
    pub(super) fn claim_body(&mut self, call: &'ast ExprMethodCall, body: &'ast Expr, before: u32) {
        let Some(key) = self.json_macro_key(body, before) else { return };
        let Some((target, method)) = self.chain_target(&call.receiver, before) else { return };
        let claim = match api_of(&target.text) {
            Some(api) if creates_with(api, &method) => Some(api),
            // Listing, updating (Bitbucket's `POST` with a token id) or revoking mints nothing.
            Some(_) => None,
            None if target.text.contains('/') => None,
            // An opaque URL (`url` parameter): the function's strings may still say.
            None => return,
        };
        if let Some(context) = self.functions.last_mut() {
            context.claims.insert(key, claim);
        }
    }

    /// The key of the `json!` macro an expression is (through `&`, `.to_string()`,
    /// `serde_json::to_string(&…)` and `let` bindings).
    fn json_macro_key(&self, body: &'ast Expr, before: u32) -> Option<usize> {
        let mut peeled = self.peel(body, before);
        if let Expr::Call(call) = peeled.expr
            && callee(call).is_some_and(|(last, _)| matches!(last.as_str(), "to_string" | "to_vec" | "to_value"))
            && let Some(arg) = call.args.first()
        {
            peeled = self.peel(arg, peeled.before);
        }
        let Expr::Macro(mac) = strip(peeled.expr) else { return None };
        (macros::name(&mac.mac) == "json").then(|| macros::key(self.src, &mac.mac))
    }

    /// Emits the creations among a finished function's bodies.
    pub(super) fn close_function(&mut self, context: FnContext<'ast>) {
        for body in &context.bodies {
            let api = match context.claims.get(&body.key) {
                Some(claim) => *claim,
                None => context
                    .mentions
                    .iter()
                    .filter(|(_, api)| api_keys(*api).iter().any(|key| body.json.get(key).is_some()))
                    .min_by_key(|(at, _)| at.abs_diff(body.span.start))
                    .map(|(_, api)| *api),
            };
            let Some(api) = api else { continue };
            if !matches!(body.json, Json::Object(_)) {
                continue;
            }
            let mut creation = TokenCreation {
                api,
                expiry_days: None,
                never_expires: false,
                expiry_text: None,
                span: body.span,
                extractor: EXTRACTOR.to_owned(),
            };
            // Without an expiry field the API's own default applies (Kantega: 30 days; GitLab: the
            // instance maximum), as the catalogue says.
            if !body.expiries.iter().any(|(field, _)| api_expiry_fields(api).contains(field)) {
                creation.expiry_days = default_expiry_days(api);
            }
            for (field, expiry) in &body.expiries {
                if !api_expiry_fields(api).contains(field) {
                    continue;
                }
                match expiry {
                    Expiry::Days(days) => creation.expiry_days = Some(*days),
                    Expiry::Never => creation.never_expires = true,
                    Expiry::Text(text) => creation.expiry_text = Some(text.clone()),
                }
            }
            self.facts.creations.push(creation);
        }
    }

    /// A day count (times `factor`), `null`/`0` (never), or the value as written.
    fn expiry_of(&self, json: &Json, factor: u64) -> Expiry {
        let Json::Value(expr) = json else { return Expiry::Text("a JSON object or array".to_owned()) };
        let expr = strip(expr);
        if let Expr::Path(path) = expr
            && path.path.is_ident("null")
        {
            return Expiry::Never;
        }
        let before = self.scopes.now();
        let count = match self.peel(expr, before).expr {
            Expr::Lit(syn::ExprLit { lit: SynLit::Int(int), .. }) => int.base10_parse::<u64>().ok(),
            Expr::Lit(syn::ExprLit { lit: SynLit::Str(s), .. }) => s.value().trim().parse::<u64>().ok(),
            _ => None,
        };
        match count {
            Some(0) => Expiry::Never,
            Some(n) => Expiry::Days(n.saturating_mul(factor)),
            None => Expiry::Text(match self.value_of(expr, before, 0).value {
                Value::Literal { text, .. } => text,
                Value::Reference { name, .. } => name,
                Value::Unknown { expr, .. } => expr,
            }),
        }
    }
}

/// What the embedded catalogue (`rules/token-apis.toml`) says about each API: the HTTP methods
/// that create (lower case) and the lifetime a token gets when the request states none. The rules
/// are data; this extractor only reads them.
static CATALOGUE_APIS: LazyLock<Vec<ApiSpec>> = LazyLock::new(|| {
    crate::rules::Catalogue::embedded()
        .map(|catalogue| {
            catalogue
                .token_apis()
                .iter()
                .map(|spec| ApiSpec {
                    api: spec.api,
                    create_methods: spec.create_methods.iter().map(|m| m.to_ascii_lowercase()).collect(),
                    default_expiry_days: spec.default_expiry_days,
                })
                .collect()
        })
        .unwrap_or_default()
});

/// One catalogue entry, as this extractor reads it.
struct ApiSpec {
    api: TokenApi,
    create_methods: Vec<String>,
    default_expiry_days: Option<u64>,
}

fn default_expiry_days(api: TokenApi) -> Option<u64> {
    CATALOGUE_APIS.iter().filter(|spec| spec.api == api).find_map(|spec| spec.default_expiry_days)
}

/// Whether a request with this method (`request` when not visible) creates a token of `api`.
fn creates_with(api: TokenApi, method: &str) -> bool {
    let mut methods =
        CATALOGUE_APIS.iter().filter(|spec| spec.api == api).flat_map(|spec| &spec.create_methods).peekable();
    method == "request" || methods.peek().is_none() || methods.any(|m| m == method)
}

/// A date or timestamp field states an expiry, but not as a day count.
fn as_text(expiry: Expiry) -> Expiry {
    match expiry {
        Expiry::Days(n) => Expiry::Text(n.to_string()),
        other => other,
    }
}
