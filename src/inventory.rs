//! The credential inventory: `[[credential]]` entries in `.credlint.toml` that say who owns each
//! credential, when it expires and how to revoke it — checked against the credentials the
//! repository actually uses.
//!
//! Rules: `credential-expired` (its `expires` date is past), `credential-expiring-soon` (within
//! `expiring-soon-days`), `credential-without-owner`, and, when `[revocation] require-inventory`
//! is set, `unregistered-credential` for every credential reference used for authentication that
//! no entry covers. `credlint inventory` writes a skeleton from what a scan found.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analyze::{Graph, normalise_name};
use crate::date::Date;
use crate::fact::RefKind;
use crate::finding::{CredentialKey, Finding, Location};
use crate::rules::Catalogue;
use crate::source::SourceFile;
use crate::span::Span;

pub const CREDENTIAL_EXPIRED: &str = "credential-expired";
pub const CREDENTIAL_EXPIRING_SOON: &str = "credential-expiring-soon";
pub const CREDENTIAL_WITHOUT_OWNER: &str = "credential-without-owner";
pub const UNREGISTERED_CREDENTIAL: &str = "unregistered-credential";
pub const DEFAULT_EXPIRING_SOON_DAYS: u64 = 30;

#[derive(Debug, Clone)]
pub struct Entry {
    pub name: Option<String>,
    pub references: Vec<String>,
    pub owner: Option<String>,
    pub owner_span: Option<Span>,
    pub expires: Option<Result<Date, String>>,
    pub expires_span: Option<Span>,
    pub revoke: Option<String>,
    /// The whole `[[credential]]` table.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Inventory {
    /// The config file, as reports show it.
    pub source: SourceFile,
    pub entries: Vec<Entry>,
    pub required: bool,
    pub expiring_soon_days: u64,
}

impl Inventory {
    pub fn from_config(
        path: &Path,
        text: &str,
        entries: Vec<toml::Spanned<crate::config::CredentialDef>>,
        required: bool,
        expiring_soon_days: Option<u64>,
    ) -> Inventory {
        let entries = entries
            .into_iter()
            .map(|entry| {
                let range = entry.span();
                let def = entry.into_inner();
                // An empty string is a field left to fill in (the `credlint inventory` skeleton).
                let expires = def.expires.as_ref().and_then(|value| match value.get_ref() {
                    toml::Value::Datetime(datetime) => Some(datetime.to_string().parse::<Date>()),
                    toml::Value::String(text) if text.trim().is_empty() => None,
                    toml::Value::String(text) => Some(text.parse::<Date>()),
                    other => Some(Err(format!("`expires` must be a date, not `{other}`"))),
                });
                Entry {
                    name: def.name,
                    references: def.references,
                    owner_span: def.owner.as_ref().map(|o| Span::new(o.span().start, o.span().end)),
                    owner: def.owner.map(toml::Spanned::into_inner).filter(|o| !o.trim().is_empty()),
                    expires_span: def.expires.as_ref().map(|e| Span::new(e.span().start, e.span().end)),
                    expires,
                    revoke: def.revoke,
                    span: Span::new(range.start, range.end),
                }
            })
            .collect();
        Inventory {
            source: SourceFile::from_name(PathBuf::from(crate::report::repo_path(path, None)), text),
            entries,
            required,
            expiring_soon_days: expiring_soon_days.unwrap_or(DEFAULT_EXPIRING_SOON_DAYS),
        }
    }

    /// Whether an entry covers a normalised credential name from the graph.
    fn covers(entry: &Entry, name: &str) -> bool {
        entry.references.iter().any(|reference| {
            [RefKind::Env, RefKind::Store, RefKind::Template]
                .iter()
                .filter_map(|kind| normalise_name(*kind, reference))
                .any(|normalised| normalised == name)
        })
    }
}

pub fn findings(inventory: &Inventory, graph: &Graph, catalogue: &Catalogue, today: Date) -> Vec<Finding> {
    let mut findings = Vec::new();
    let path = &inventory.source.path;
    let mut emit = |rule: &str, span: Span, label: &str, message: String, uses: Vec<Location>| {
        let Some(meta) = catalogue.rule(rule) else { return };
        let primary = Location { path: path.as_path().into(), span, label: label.into() };
        findings.push(Finding {
            secondary: uses,
            credential: CredentialKey::Name(format!("inventory:{}", span.start)),
            ..Finding::new(Arc::clone(&meta.id), meta.severity, message, primary)
        });
    };
    for entry in &inventory.entries {
        let title = entry
            .name
            .clone()
            .or_else(|| entry.references.first().map(|r| format!("`{r}`")))
            .unwrap_or_else(|| "a credential".to_owned());
        let uses = uses_of(entry, graph);
        match &entry.expires {
            Some(Ok(expires)) => {
                let days = today.days_until(*expires);
                let span = entry.expires_span.unwrap_or(entry.span);
                let revoke = entry
                    .revoke
                    .as_deref()
                    .map(|r| format!("; revoke and replace it: {}", revoke_shown(r)))
                    .unwrap_or_default();
                if days < 0 {
                    emit(
                        CREDENTIAL_EXPIRED,
                        span,
                        "past",
                        format!("{title} expired on {expires}{revoke}"),
                        uses.clone(),
                    );
                } else if days <= i64::try_from(inventory.expiring_soon_days).unwrap_or(i64::MAX) {
                    let when = if days == 0 { "today".to_owned() } else { format!("in {days} days") };
                    emit(
                        CREDENTIAL_EXPIRING_SOON,
                        span,
                        "soon",
                        format!("{title} expires {when} ({expires})"),
                        uses.clone(),
                    );
                }
            }
            Some(Err(error)) => {
                let span = entry.expires_span.unwrap_or(entry.span);
                emit(
                    CREDENTIAL_EXPIRED,
                    span,
                    "not a date",
                    format!("{title}: {error}, so nobody knows when it expires"),
                    uses.clone(),
                );
            }
            None => {}
        }
        if entry.owner.is_none() {
            let span = entry.owner_span.unwrap_or(entry.span);
            emit(
                CREDENTIAL_WITHOUT_OWNER,
                span,
                "no owner",
                format!("{title} has no owner to rotate or revoke it"),
                uses,
            );
        }
    }
    if inventory.required {
        for credential in graph.credentials.iter().filter(|c| !c.names.is_empty() && !c.connections.is_empty()) {
            let covered = credential
                .names
                .iter()
                .any(|name| inventory.entries.iter().any(|entry| Inventory::covers(entry, name)));
            if covered {
                continue;
            }
            let mut sites: Vec<usize> = credential.connections.iter().flat_map(|c| c.sites.iter().copied()).collect();
            sites.sort_by(|a, b| {
                let (sa, sb) = (graph.sites.get(*a), graph.sites.get(*b));
                (sa.path, sa.credential.span).cmp(&(sb.path, sb.credential.span))
            });
            let Some(&first) = sites.first() else { continue };
            let Some(meta) = catalogue.rule(UNREGISTERED_CREDENTIAL) else { continue };
            let site = graph.sites.get(first);
            let message = format!(
                "{} is not in the credential inventory: nobody is on record to rotate or revoke it",
                credential.label
            );
            let primary =
                Location { path: site.path.into(), span: site.credential.secret.span(), label: "used here".into() };
            findings.push(Finding {
                secondary: sites[1..]
                    .iter()
                    .map(|&s| (s, "also used here"))
                    .chain(
                        credential
                            .definitions
                            .iter()
                            .map(|&s| (s, crate::analyze::definition_label(graph.sites.get(s)))),
                    )
                    .map(|(s, label)| Location {
                        path: graph.sites.get(s).path.into(),
                        span: graph.sites.get(s).credential.secret.span(),
                        label: label.into(),
                    })
                    .collect(),
                credential: CredentialKey::Name(credential.names.iter().next().cloned().unwrap_or_default()),
                ..Finding::new(Arc::clone(&meta.id), meta.severity, message, primary)
            });
        }
    }
    findings
}

/// The uses of the credential an entry describes, as related locations.
fn uses_of(entry: &Entry, graph: &Graph) -> Vec<Location> {
    graph
        .credentials
        .iter()
        .filter(|credential| credential.names.iter().any(|name| Inventory::covers(entry, name)))
        .flat_map(|credential| credential.connections.iter().flat_map(|c| c.sites.iter().copied()))
        .take(20)
        .map(|s| Location {
            path: graph.sites.get(s).path.into(),
            span: graph.sites.get(s).credential.secret.span(),
            label: "used here".into(),
        })
        .collect()
}

/// A `[[credential]]` skeleton for every credential reference the scan found.
pub fn skeleton(graph: &Graph) -> String {
    let mut out = String::from(
        "# The credential inventory: paste into .credlint.toml and fill in owner, expires and revoke.\n\
         # Set `[revocation] require-inventory = true` to report credentials missing from it.\n",
    );
    for credential in graph.credentials.iter().filter(|c| !c.names.is_empty() && !c.connections.is_empty()) {
        let references: Vec<String> = credential
            .names
            .iter()
            .map(|name| {
                let bare = name.strip_prefix("store:").or_else(|| name.strip_prefix("template:")).unwrap_or(name);
                toml_string(bare)
            })
            .collect();
        let connections: Vec<String> = credential.connections.iter().map(|c| toml_string(&c.label)).collect();
        let _ = write!(
            out,
            "\n[[credential]]\nreferences = [{}]\nowner = \"\"    # who rotates and revokes it\nexpires = \"\"  # YYYY-MM-DD\nrevoke = \"\"   # a URL or runbook\nconnections = [{}]\n",
            references.join(", "),
            connections.join(", "),
        );
    }
    out
}

/// `text` as a TOML string, escaped as TOML escapes (Rust's `{:?}` writes `\u{1b}`, which TOML
/// rejects): a name or a connection label comes from a scanned file and can hold anything.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// An inventory's `revoke` as reports show it: a URL without user information, query or fragment
/// (someone may paste a URL with a token in it), other text (a runbook name) as written.
fn revoke_shown(revoke: &str) -> String {
    if revoke.contains("://") { crate::redact::display_url(revoke) } else { revoke.to_owned() }
}
