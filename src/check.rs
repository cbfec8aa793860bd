//! Per-file rules: facts of one file in, findings out. Pure.
//!
//! - `basic-auth-password`: basic auth whose secret is a password (classified from the literal
//!   value), or a reference whose name says password (one step less severe: names are priors).
//! - `hardcoded-credential`: a literal password or token in source or config.
//! - `credential-in-url`: a literal secret in a URL's userinfo (it replaces `hardcoded-credential`
//!   there, so one literal gives one storage finding).
//!
//! - `cleartext-credential`: a credential sent to an `http://` URL on a host that is not loopback.
//!
//! A token sent as basic auth is *not* a `basic-auth-password` finding: Atlassian Cloud requires it.
//! In test, example and documentation files every finding is a note, unless the value is a
//! known-format token whose checksum holds (a real token is real wherever it sits).

use std::sync::Arc;

use crate::classify::{Classification, Confidence, NamePrior, SecretClass, classify_literal, name_prior};
use crate::context::Context;
use crate::extract::code::sinks::SinkKind;
use crate::fact::{CredentialUse, Facts, RefKind, Scheme, Value};
use crate::finding::{CredentialKey, Finding, FindingContext, Location, Severity};
use crate::redact::redact;
use crate::rules::Catalogue;
use crate::site::{FileSites, SiteUse};
use crate::source::SourceFile;
use crate::span::Span;

pub const BASIC_AUTH_PASSWORD: &str = "basic-auth-password";
pub const HARDCODED_CREDENTIAL: &str = "hardcoded-credential";
pub const CREDENTIAL_IN_URL: &str = "credential-in-url";
pub const CLEARTEXT_CREDENTIAL: &str = "cleartext-credential";
pub const DATABASE_WITHOUT_PASSWORD: &str = "database-without-password";

pub fn check(file: &SourceFile, facts: &Facts, catalogue: &Catalogue) -> Vec<Finding> {
    let by_path = crate::context::of_path(&file.scope, file.kind);
    let mut checker = Checker::new(file, facts.uses.len(), false, false);
    for credential in &facts.uses {
        checker.check(credential, context_at(by_path.as_ref(), facts, credential.span), catalogue);
    }
    checker.finish()
}

/// [`check`] over a file's uses, which it takes, and the sites they become (`None` when none has
/// an identity). With `fold`, each use's findings of one place (`basic-auth-password` and
/// `hardcoded-credential` at one password) are folded into one as they are made, as
/// [`crate::finding::merge_places`] would fold them after the scan. Uses are taken from the last,
/// and their list gives its memory back as it empties: a file of 300,000 uses never holds its
/// uses, its findings and its sites at once, nor two findings for each place.
pub fn check_and_place(
    file: &SourceFile,
    facts: &mut Facts,
    catalogue: &Catalogue,
    fold: bool,
) -> (Vec<Finding>, Option<FileSites>) {
    let mut uses = std::mem::take(&mut facts.uses);
    // A use's early fold is the late one only where its place holds its findings alone: where two
    // uses' places overlap (two readers found one secret), the late merge folds them together,
    // in an order of its own.
    let fold = fold && !places_overlap(&uses);
    let by_path = crate::context::of_path(&file.scope, file.kind);
    let mut checker = Checker::new(file, uses.len(), fold, true);
    let mut sites = FileSites { path: file.path.clone(), ..FileSites::default() };
    while let Some(credential) = uses.pop() {
        let context = context_at(by_path.as_ref(), facts, credential.span);
        let key = checker.check(&credential, context, catalogue);
        if let Some(site) = SiteUse::sharing(credential, key, &mut checker.texts) {
            sites.uses.push(site);
            sites.test_or_doc.push(context.0 != Context::Production);
        }
        if uses.len() < uses.capacity() / 8 * 7 {
            uses.shrink_to_fit();
        }
    }
    // Taken from the last: put back in the order the readers found them.
    checker.findings.reverse();
    sites.uses.reverse();
    sites.test_or_doc.reverse();
    sites.uses.shrink_to_fit();
    sites.test_or_doc.shrink_to_fit();
    (checker.finish(), (!sites.uses.is_empty()).then_some(sites))
}

/// Where a use's findings are: its secret, or the whole use when the secret is empty.
fn place_of(credential: &CredentialUse) -> Span {
    let secret = credential.secret.span();
    if secret.start == secret.end { credential.span } else { secret }
}

/// Whether two uses' places overlap, so that [`crate::finding::merge_places`] would fold their
/// findings into one.
fn places_overlap(uses: &[CredentialUse]) -> bool {
    let mut places: Vec<(usize, usize)> = uses.iter().map(place_of).map(|span| (span.start, span.end)).collect();
    places.sort_unstable();
    // Sorted by start, a place overlaps a later one only if it overlaps the next.
    places.windows(2).any(|pair| pair[1].0 < pair[0].1)
}

/// One file's checking: its findings so far and what they share.
struct Checker<'f> {
    file: &'f SourceFile,
    fold: bool,
    /// Uses come from the last: `findings` is reversed whole at the end.
    from_last: bool,
    /// A file's findings repeat their texts (one message per host, the same labels): each is
    /// held once, as it is made, so that a file of many findings never holds a copy per finding.
    texts: crate::text::Interner,
    /// Every location in the file shares one path.
    path: Arc<std::path::Path>,
    findings: Vec<Finding>,
    /// One use's findings, made here and folded before they join the file's.
    made: Vec<Finding>,
}

impl<'f> Checker<'f> {
    fn new(file: &'f SourceFile, uses: usize, fold: bool, from_last: bool) -> Checker<'f> {
        Checker {
            file,
            fold,
            from_last,
            texts: crate::text::Interner::default(),
            path: Arc::from(file.path.as_path()),
            // Most uses give one finding, or one place once folded: sized for that, the list does
            // not double past a large file's findings while it grows.
            findings: Vec::with_capacity(uses),
            made: Vec::new(),
        }
    }

    /// Checks one use; with `fold`, folds its findings of one place.
    /// Returns the credential's key, which its findings share (and its site, when it has one).
    fn check(&mut self, credential: &CredentialUse, context: (Context, &str), catalogue: &Catalogue) -> CredentialKey {
        let key = CredentialKey::of(&credential.secret);
        // Its texts are made through `texts`: one copy of each in the file.
        check_use(self, credential, &key, context, catalogue);
        if self.fold && self.made.len() > 1 {
            crate::finding::sort(&mut self.made);
            crate::finding::merge_places(&mut self.made);
        }
        if self.from_last {
            // Reversed again with the whole list at the end.
            self.made.reverse();
        }
        self.findings.append(&mut self.made);
        key
    }

    fn finish(mut self) -> Vec<Finding> {
        for finding in self.findings.iter_mut().filter(|f| &*f.rule == CLEARTEXT_CREDENTIAL) {
            point_at_the_url(finding);
        }
        // Kept until the whole scan is reported: a file of many findings holds no growth slack,
        // in the list or in a finding's related locations.
        for finding in &mut self.findings {
            finding.secondary.shrink_to_fit();
        }
        self.findings.shrink_to_fit();
        self.findings
    }
}

/// A cleartext finding's fix is the URL (`http://` to `https://`): the URL written elsewhere than
/// the credential becomes the primary location, and the credential a related one.
fn point_at_the_url(finding: &mut Finding) {
    let Some(at) = finding.secondary.iter().position(|l| l.label == CONNECTION_LABEL && l.span.start < l.span.end)
    else {
        return;
    };
    let url = finding.secondary.remove(at);
    let credential_at = std::mem::replace(&mut finding.primary.span, url.span);
    finding.secondary.insert(0, Location { path: url.path, span: credential_at, label: "the credential sent".into() });
}

/// The label of a credential's connection among a finding's related locations.
const CONNECTION_LABEL: &str = "the connection";

/// The context a span of a file is in, and why: the file's own (`by_path`, from
/// [`crate::context::of_path`], computed once per file), else a region the readers found (a CI
/// job's service containers, a test function, a doc comment), else production.
pub fn context_at<'a>(by_path: Option<&'a (Context, String)>, facts: &'a Facts, span: Span) -> (Context, &'a str) {
    if let Some((context, reason)) = by_path {
        return (*context, reason);
    }
    let inside = |r: &Span| r.start <= span.start && span.end <= r.end;
    if let Some(region) = facts.context_regions.iter().find(|r| inside(&r.span)) {
        return (region.context, &region.reason);
    }
    if facts.test_or_doc_regions.iter().any(inside) {
        return (Context::Test, crate::context::TEST_REGION_REASON);
    }
    (Context::Production, crate::context::PRODUCTION_REASON)
}

/// The connection as a reader names it: the host, the target text, or the named connection.
pub fn connection_label(credential: &CredentialUse) -> Option<String> {
    // An unresolved template (`{{ jira_url }}/rest/api/2/issue`) is no name a reader can find:
    // the named consumer is.
    credential
        .target
        .as_ref()
        .and_then(|target| {
            target
                .host
                .clone()
                .or_else(|| (!crate::extract::expr::is_unresolved_template(&target.text)).then(|| target.text.clone()))
        })
        .or_else(|| credential.connection.clone())
}

/// The rules of one use: its findings go to `checker.made`, their texts through `checker.texts`.
fn check_use(
    checker: &mut Checker<'_>,
    credential: &CredentialUse,
    credential_key: &CredentialKey,
    (context, context_reason): (Context, &str),
    catalogue: &Catalogue,
) {
    let Checker { file, path, texts, made: findings, .. } = checker;
    let (file, path): (&SourceFile, &Arc<std::path::Path>) = (file, path);
    let in_test_or_doc = context != Context::Production;
    let prior = credential.secret_name.as_deref().map_or(NamePrior::Neutral, name_prior);
    let connection = connection_label(credential);
    // The name written again as its value (`[sym_generic_token] = "generic_token"`) is no secret,
    // whichever reader found it.
    if let (Some(name), Some(text)) = (credential.secret_name.as_deref(), credential.secret.as_literal())
        && crate::classify::value_is_own_name(name, text)
    {
        return;
    }
    // A code reader's name that names no credential (a text pattern's lazy match took
    // `msgVerifyPeerBypass` for a `pass`), or a sentence under one: no secret.
    if credential.scheme == Scheme::ConfigField
        && (credential.extractor.starts_with("code-") || credential.extractor.starts_with("text-"))
        && let Some(name) = credential.secret_name.as_deref()
        && (!crate::classify::is_credential_name(name)
            || credential.secret.as_literal().is_some_and(|text| text.split_whitespace().count() >= 5))
    {
        return;
    }
    // Under a token's name, a value no token has (`token == "lambda"`, `"input_token":
    // "next_marker"`) is a symbol or a label, whichever reader found it.
    if prior == NamePrior::Token
        && credential.scheme == Scheme::ConfigField
        && credential.secret.as_literal().is_some_and(crate::classify::not_token_shaped)
    {
        return;
    }
    let mut classification = credential.secret.as_literal().map(|text| classify_literal(text, prior));
    // A token the catalogue found by its format is that format's: keyword formats have no prefix
    // for the classifier to see. Under a name that holds a keyword format's keyword
    // (`DD_API_KEY`), a value of that format is that token.
    // A placeholder stays one (`AKIAIOSFODNN7EXAMPLE`, `…YOUR_KEY_HERE`) unless a checksum holds.
    let placeholder = classification.as_ref().is_some_and(|c| c.class == SecretClass::Placeholder);
    if let Some(entry) =
        credential.extractor.strip_prefix(crate::extract::catalogued::EXTRACTOR_PREFIX).and_then(crate::formats::by_id)
    {
        // The catalogue's own floor judged the body; only the placeholder tests (words such as
        // EXAMPLE, a template) overrule it, not an older reader's narrower idea of the format.
        let example = credential.secret.as_literal().is_some_and(crate::classify::is_placeholder);
        if !example || entry.is_checked() {
            classification = Some(crate::classify::catalogued(entry));
        }
    } else if let (Some(name), Some(text)) = (credential.secret_name.as_deref(), credential.secret.as_literal())
        && !placeholder
        && classification
            .as_ref()
            .is_some_and(|c| !matches!(c.class, SecretClass::Token { format } if format.entry().is_some()))
        && let Some(entry) = crate::formats::whole_with_keyword(text.trim(), name)
    {
        classification = Some(crate::classify::catalogued(entry));
    }
    let secret_span = credential.secret.span();
    let written_at_call = credential.span.start <= secret_span.start && secret_span.end <= credential.span.end;
    // A placeholder word that a call sends as its password (`auth=("user", "pass")`) is no
    // placeholder: the code logs in with it, and anyone can guess it.
    let guessable = written_at_call
        && is_whole_string_literal(&file.text, secret_span)
        && classification.as_ref().is_some_and(|c| c.class == SecretClass::Placeholder)
        && takes_password_at_call(file, credential, catalogue)
        && credential.secret.as_literal().is_some_and(crate::classify::guessable_password);
    if guessable {
        classification = Some(Classification {
            class: SecretClass::Password,
            confidence: Confidence::Medium,
            reason: "a guessable word, sent as the password".to_owned(),
        });
    }
    // An empty password is no placeholder where a database is connected with it: it is the
    // connection's whole credential.
    // Only an empty string written at the connection counts: `data = ""` is how a variable is
    // initialised before the real value is read into it, on a path the flow can't tell apart.
    let empty_database_password = credential.secret.as_literal().is_some_and(|text| text.trim().is_empty())
        && written_at_call
        && connects_to_database(file, credential, catalogue);
    if classification.as_ref().is_some_and(|c| c.class == SecretClass::Placeholder) && !empty_database_password {
        return;
    }
    // Only a checksum proves a catalogued token real: a structural check (a JWT, an AWS key id)
    // proves its format, which a documentation example has too.
    let verified_token = classification.as_ref().is_some_and(|c| match c.class {
        SecretClass::Token { format } => {
            c.confidence == Confidence::High && format.entry().is_none_or(crate::formats::TokenEntry::is_checked)
        }
        _ => false,
    });

    // A documentation host or loopback in a URL's userinfo is an example or a local service.
    let example_url = credential.scheme.is_in_url()
        && credential.target.as_ref().and_then(|t| t.host.as_deref()).is_some_and(is_example_or_loopback_host);
    // A database on this machine with no password is a developer's local setup.
    let local_database = empty_database_password
        && credential.target.as_ref().and_then(|t| t.host.as_deref()).is_some_and(is_loopback_host);
    let context_note = (in_test_or_doc || example_url || local_database) && !verified_token;
    let revoke = classification.as_ref().and_then(|c| match c.class {
        SecretClass::Token { format } => format.entry().map(|entry| entry.revoke.as_str()),
        _ => None,
    });
    let to = connection.as_deref().map(|c| format!(" to `{c}`")).unwrap_or_default();
    let for_connection = connection.as_deref().map(|c| format!(" for `{c}`")).unwrap_or_default();
    // One copy of the credential's identity and context reason, shared by its findings.
    let context_reason = texts.text(context_reason);
    let mut emit = |rule: &str, severity: Option<Severity>, message: String, label: String, reason: Option<String>| {
        let Some(meta) = catalogue.rule(rule) else { return };
        let target = credential.target.as_ref().filter(|target| target.span != credential.secret.span());
        // The secret was bound elsewhere: show where it is used too.
        let bound_elsewhere = secret_span.end <= credential.span.start || secret_span.start >= credential.span.end;
        // Sized exactly: a push would reserve four locations for each of a file's findings.
        let mut secondary = Vec::with_capacity(usize::from(target.is_some()) + usize::from(bound_elsewhere));
        if let Some(target) = target {
            secondary.push(Location { path: Arc::clone(path), span: target.span, label: texts.text(CONNECTION_LABEL) });
        }
        if bound_elsewhere {
            secondary.push(Location { path: Arc::clone(path), span: credential.span, label: texts.text("used here") });
        }
        let severity = if context_note {
            Severity::Note
        } else if guessable {
            // Weak rather than leaked: a warning, whatever the rule's own severity.
            severity.unwrap_or(meta.severity).min(Severity::Warning)
        } else {
            severity.unwrap_or(meta.severity)
        };
        findings.push(Finding {
            rule: Arc::clone(&meta.id),
            severity,
            message: texts.text(&message),
            // An empty secret has no extent of its own: the whole use is shown.
            primary: Location { path: Arc::clone(path), span: place_of(credential), label: texts.text(&label) },
            secondary,
            redacted: credential.secret.as_literal().map(|text| texts.text(&redact(text))),
            connection: connection.as_deref().map(|c| texts.text(c)),
            reason: reason.as_deref().map(|r| texts.text(r)),
            credential: credential_key.clone(),
            provenance: None,
            context: Some(FindingContext { context, reason: context_reason.clone() }),
            also: Vec::new(),
            revoke,
        });
    };
    if let Some(url) = cleartext_url(file, credential) {
        emit(
            CLEARTEXT_CREDENTIAL,
            None,
            format!("credential sent over cleartext HTTP{to}"),
            format!("`{url}` is not HTTPS: anyone on the path can read the credential"),
            None,
        );
    }
    if empty_database_password {
        emit(
            DATABASE_WITHOUT_PASSWORD,
            None,
            format!("database connection with an empty password{to}"),
            "an empty password: whoever reaches the server connects".to_owned(),
            None,
        );
        return;
    }
    match &credential.secret {
        Value::Literal { via, .. } => {
            let Some(Classification { class, reason, .. }) = classification else { return };
            let via = via.as_deref().map(|via| format!(" ({via})")).unwrap_or_default();
            let what = match class {
                SecretClass::Placeholder => return,
                // A weak value under a token's name is still the token it stands for: the reason
                // says that it looks like a password.
                SecretClass::Password if prior == NamePrior::Token => "token".to_owned(),
                SecretClass::Password => "password".to_owned(),
                SecretClass::Token { format } => {
                    format.describe().trim_start_matches("an ").trim_start_matches("a ").to_owned()
                }
            };
            // A database's, broker's or mail server's URL carries that service's own login, not
            // HTTP basic auth (the credential-in-url finding below still reports it).
            let infrastructure_url = credential.scheme == Scheme::UrlUserinfo
                && url_scheme_before(file, secret_span.start)
                    .is_some_and(|scheme| crate::extract::target::is_infrastructure_url(&format!("{scheme}://")));
            if credential.scheme.is_basic() && class == SecretClass::Password && !infrastructure_url {
                emit(
                    BASIC_AUTH_PASSWORD,
                    None,
                    format!("basic auth sends a password{to}"),
                    format!("{reason}{via}"),
                    Some(reason.clone()),
                );
            }
            if credential.scheme.is_in_url() {
                emit(
                    CREDENTIAL_IN_URL,
                    None,
                    format!("{what} embedded in a URL{for_connection}"),
                    "URLs end up in logs, shell history and error messages".to_owned(),
                    Some(reason),
                );
            } else {
                emit(
                    HARDCODED_CREDENTIAL,
                    None,
                    format!("hardcoded {what}{for_connection}"),
                    format!("a literal can't be revoked without a code change{via}"),
                    Some(reason),
                );
            }
        }
        Value::Reference { kind, name, .. } => {
            // A command's output (`$(security find-generic-password …)`) is named by nothing.
            let named_password = *kind != RefKind::Command && name_prior(name) == NamePrior::Password;
            if credential.scheme.is_basic() && named_password {
                let severity = catalogue.rule(BASIC_AUTH_PASSWORD).map(|rule| rule.severity.downgraded());
                emit(
                    BASIC_AUTH_PASSWORD,
                    severity,
                    format!("basic auth sends `{name}`{to}, which by its name holds a password"),
                    "named as a password".to_owned(),
                    Some("the reference's name says password; its value is not visible".to_owned()),
                );
            }
        }
        Value::Unknown { .. } => {}
    }
}

/// Whether `span` is a whole string literal (quotes on both sides): a password argument of its
/// own, not the tail of `"user:pass"` or a decoded `Basic …` header, which tests build to compare
/// against more often than they send them.
fn is_whole_string_literal(text: &str, span: crate::span::Span) -> bool {
    let before = text.get(..span.start).and_then(|t| t.chars().next_back());
    let after = text.get(span.end..).and_then(|t| t.chars().next());
    matches!((before, after), (Some(b), Some(a)) if b == a && matches!(b, '"' | '\'' | '`'))
}

/// Whether `credential` is a call that takes a password: a sink of a login kind or of basic auth,
/// a basic-auth call a code pattern read (not a config file's field, which documents as often
/// as it configures), or a Terraform resource's password argument (the resource is the API call
/// that creates the database or cluster with it).
fn takes_password_at_call(file: &SourceFile, credential: &CredentialUse, catalogue: &Catalogue) -> bool {
    if file.kind == crate::source::FileKind::Terraform {
        return credential.secret_name.as_deref().is_some_and(|name| name_prior(name) == NamePrior::Password);
    }
    if credential.extractor.starts_with("sink:") {
        return sink_of(credential, catalogue)
            .is_some_and(|sink| sink.kind == SinkKind::HttpBasic || sink.kind.secret_name() == Some("password"));
    }
    credential.scheme == Scheme::Basic && file.kind.is_program()
}

/// The sink a credential was found at (its extractor is `sink:<id>`).
fn sink_of<'c>(credential: &CredentialUse, catalogue: &'c Catalogue) -> Option<&'c crate::rules::Sink> {
    let id = credential.extractor.strip_prefix("sink:")?.split(':').next().unwrap_or_default();
    catalogue.sinks().iter().find(|sink| *sink.id == *id)
}

/// Whether `credential` connects to a database: a sink of the database kind, or a URL whose
/// scheme names a database.
fn connects_to_database(file: &SourceFile, credential: &CredentialUse, catalogue: &Catalogue) -> bool {
    // An embedded or in-memory database (`jdbc:h2:mem:test`, SQLite) has no server to reach.
    let embedded = credential.target.as_ref().is_some_and(|t| {
        let url = t.text.to_ascii_lowercase();
        EMBEDDED_DATABASES.iter().any(|marker| url.contains(marker))
    });
    if embedded {
        return false;
    }
    if credential.extractor.starts_with("sink:") {
        return sink_of(credential, catalogue).is_some_and(|sink| sink.kind == SinkKind::Database);
    }
    // A settings structure for a database (Django's `DATABASES = {'default': {'PASSWORD': ''}}`, a
    // `'connections' => ['mysql' => […]]` array), the empty literal the slot's own value.
    if credential.extractor.starts_with("code:")
        && credential.secret_name.as_deref().is_some_and(|name| name_prior(name) == NamePrior::Password)
    {
        return is_slot_value(&file.text, credential.secret.span().start)
            && in_database_settings(&file.text, credential.span.start);
    }
    credential.scheme == Scheme::UrlUserinfo
        && file.text.get(credential.span.range()).and_then(|url| url.split_once("://")).is_some_and(|(scheme, _)| {
            let base = scheme.split('+').next().unwrap_or_default().to_ascii_lowercase();
            DATABASE_URL_SCHEMES.contains(&base.as_str())
        })
}

/// Whether the literal starting at `at` directly follows an assignment or key operator (`= ''`,
/// `: ''`, `=> ''`): the slot's value itself, not a fallback inside a call (`env('X', '')`).
fn is_slot_value(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or_default();
    // The span may start inside the quotes; a string prefix (`b''`, `r''`, `@""`) belongs to
    // the literal.
    let before = before.strip_suffix(['"', '\'', '`']).unwrap_or(before);
    let before = before.trim_end_matches(['b', 'r', 'u', 'f', '@']).trim_end();
    before.ends_with(['=', ':', '>'])
}

/// Whether byte `at` sits in a structure bound to a database's name (`DATABASES`, `db`,
/// `default_db`) within four levels, and the innermost one names no embedded database.
fn in_database_settings(text: &str, at: usize) -> bool {
    let levels = crate::extract::enclosing::enclosing(text, at, 4);
    let Some(innermost) = levels.first() else { return false };
    let own = text.get(innermost.range.clone()).unwrap_or_default().to_ascii_lowercase();
    if EMBEDDED_DATABASES.iter().any(|marker| own.contains(marker)) {
        return false;
    }
    levels.iter().any(|level| {
        crate::classify::split_words(&level.name).iter().any(|w| matches!(w.as_str(), "database" | "databases" | "db"))
    })
}

/// Markers of databases that live in the process or a local file.
const EMBEDDED_DATABASES: &[&str] = &[":mem:", ":memory", "sqlite", "jdbc:h2:", "jdbc:derby:", "jdbc:hsqldb:"];

/// URL schemes of databases, caches and brokers (SQLAlchemy's `dialect+driver` is cut at `+`).
const DATABASE_URL_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "oracle",
    "mssql",
    "sqlserver",
    "mongodb",
    "redis",
    "rediss",
    "amqp",
    "amqps",
];

/// The scheme of the URL whose user information holds the byte at `at` (`postgres` in
/// `postgres://app:…@db`): the last `://` before it on its line.
fn url_scheme_before(file: &SourceFile, at: usize) -> Option<&str> {
    // From the line index, not a search back through a possibly megabyte-long line.
    let line_start = file.lines.line_starts().get(file.lines.line_of(at)).copied().unwrap_or(0);
    let before = &file.text[line_start..at];
    let separator = before.rfind("://")?;
    let head = &before[..separator];
    // The scheme starts after the last character that can't be in one; that character may be
    // several bytes long (fuzzing found `h\u{fffd}tps://`).
    let start = head
        .char_indices()
        .rfind(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-' | ':')))
        .map_or(0, |(i, c)| i + c.len_utf8());
    Some(&head[start..]).filter(|scheme| !scheme.is_empty())
}

/// The `http://` URL a credential is sent to, when its host is not loopback.
fn cleartext_url(file: &SourceFile, credential: &CredentialUse) -> Option<String> {
    if credential.scheme == Scheme::ConfigField {
        return None;
    }
    let url = match credential.scheme {
        Scheme::UrlUserinfo => file.text.get(credential.span.range())?,
        _ => credential.target.as_ref()?.text.as_str(),
    };
    let scheme_end = url.find("://")?;
    if !url[..scheme_end].eq_ignore_ascii_case("http") {
        return None;
    }
    let host = crate::extract::target::host_of(url)?;
    if is_loopback_host(&host) {
        return None;
    }
    // Show the scheme and host only: the rest of a URL may carry the credential itself.
    Some(format!("http://{host}"))
}

fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "::1"
        || host == "0.0.0.0"
}

/// Loopback, or a name reserved for documentation (RFC 2606, RFC 6761).
fn is_example_or_loopback_host(host: &str) -> bool {
    let example_domain = ["example.com", "example.net", "example.org"]
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")));
    let reserved_tld = [".example", ".test", ".invalid", ".local"].iter().any(|tld| host.ends_with(tld));
    is_loopback_host(host) || example_domain || reserved_tld
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::SiteSecret;
    use crate::source::FileKind;

    /// A script of three connections: two literal passwords (two rules each, one place each) and
    /// an unresolved token (no site).
    fn script() -> SourceFile {
        SourceFile::new(
            "deploy.sh",
            FileKind::Shell,
            "curl -u svc:Summer2024! https://jira.example.com/rest/api/2/myself\n\
             curl -H \"Authorization: Bearer $(vault read token)\" https://api.example.com/\n\
             curl -u ops:Winter2023! https://bitbucket.example.com/rest/api/1.0/projects\n",
        )
    }

    #[test]
    fn checking_and_placing_finds_what_checking_finds_and_keeps_the_readers_order() {
        let catalogue = Catalogue::embedded().unwrap();
        let file = script();
        let mut facts = crate::extract::extract(&file, &catalogue);
        let expected = check(&file, &facts, &catalogue);
        let uses: Vec<CredentialUse> = facts.uses.clone();
        let (findings, sites) = check_and_place(&file, &mut facts, &catalogue, false);
        assert!(facts.uses.is_empty(), "the uses are taken");
        assert!(expected.len() >= 4, "{expected:#?}");
        assert_eq!(findings, expected);
        let sites = sites.expect("two literal uses");
        let placed: Vec<&CredentialUse> = uses.iter().filter(|u| !matches!(u.secret, Value::Unknown { .. })).collect();
        assert_eq!(sites.uses.len(), placed.len());
        for (site, used) in sites.uses.iter().zip(placed) {
            assert_eq!(site.span, used.span);
            assert_eq!(site.secret.as_literal(), used.secret.as_literal());
        }
        assert!(matches!(sites.uses[0].secret, SiteSecret::Literal { .. }));
        assert_eq!(sites.test_or_doc, vec![false; sites.uses.len()]);
    }

    #[test]
    fn a_place_two_uses_share_is_left_to_the_late_merge() {
        let catalogue = Catalogue::embedded().unwrap();
        let file = script();
        let mut facts = crate::extract::extract(&file, &catalogue);
        // A second reader finding the first password again, for another connection.
        let mut again = facts.uses[0].clone();
        again.target = None;
        facts.uses.push(again);
        let unfolded = check(&file, &facts, &catalogue);
        let (findings, _) = check_and_place(&file, &mut facts, &catalogue, true);
        assert_eq!(findings, unfolded, "no use is folded early in a file where two share a place");
    }

    #[test]
    fn folding_as_uses_are_checked_leaves_one_finding_per_place() {
        let catalogue = Catalogue::embedded().unwrap();
        let file = script();
        let mut facts = crate::extract::extract(&file, &catalogue);
        let mut late = check(&file, &facts, &catalogue);
        crate::finding::sort(&mut late);
        crate::finding::merge_places(&mut late);
        let (mut early, _) = check_and_place(&file, &mut facts, &catalogue, true);
        assert!(early.iter().any(|f| !f.also.is_empty()), "{early:#?}");
        crate::finding::sort(&mut early);
        crate::finding::merge_places(&mut early);
        assert_eq!(early, late);
    }
}
