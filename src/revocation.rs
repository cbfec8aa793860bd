//! Revocation paths for minted tokens: `token-without-expiry` and `token-lifetime-too-long`.
//!
//! Runs at the whole-repository stage (it needs the date and the policy maximum). A creation whose
//! request is authenticated with a password carries that use as a secondary location: the
//! "bootstrap" smell, where the password path survives the token it was meant to replace.

use std::path::PathBuf;
use std::sync::Arc;

use crate::classify::{NamePrior, SecretClass, classify_literal, name_prior};
use crate::date::Date;
use crate::fact::{CredentialUse, Facts, RefKind, TokenCreation, Value};
use crate::finding::{CredentialKey, Finding, Location, Severity};
use crate::rules::Catalogue;
use crate::source::SourceFile;
use crate::span::Span;

pub const TOKEN_WITHOUT_EXPIRY: &str = "token-without-expiry";
pub const TOKEN_LIFETIME_TOO_LONG: &str = "token-lifetime-too-long";
pub const DEFAULT_MAX_TOKEN_LIFETIME_DAYS: u64 = 365;

/// A token creation with where it is.
#[derive(Debug, Clone)]
pub struct CreationSite {
    pub path: PathBuf,
    pub creation: TokenCreation,
    pub test_or_doc: bool,
    /// The request's basic-auth password use, when it has one.
    pub bootstrap: Option<Span>,
}

/// The creations of one file, with their bootstrap uses found (per-file stage).
pub fn creation_sites(file: &SourceFile, facts: &Facts) -> Vec<CreationSite> {
    facts
        .creations
        .iter()
        .map(|creation| {
            // Only a password sent by this very request: its command or statement.
            let request = crate::extract::creation::request_region(&file.text, creation.span);
            let bootstrap = facts
                .uses
                .iter()
                .filter(|u| u.scheme.is_basic() && sends_password(u))
                .find(|u| request.start <= u.span.start && u.span.end <= request.end)
                .map(|u| u.secret.span());
            let test_or_doc = file.is_test_or_doc()
                || facts
                    .test_or_doc_regions
                    .iter()
                    .any(|r| r.start <= creation.span.start && creation.span.end <= r.end);
            CreationSite { path: file.path.clone(), creation: creation.clone(), test_or_doc, bootstrap }
        })
        .collect()
}

fn sends_password(credential: &CredentialUse) -> bool {
    let prior = credential.secret_name.as_deref().map_or(NamePrior::Neutral, name_prior);
    match &credential.secret {
        Value::Literal { text, .. } => classify_literal(text, prior).class == SecretClass::Password,
        Value::Reference { kind, name, .. } => *kind != RefKind::Command && name_prior(name) == NamePrior::Password,
        Value::Unknown { expr, .. } => name_prior(expr) == NamePrior::Password,
    }
}

/// The lifetime a creation asks for, in days, when it can be told: a day count, or a date.
fn lifetime_days(creation: &TokenCreation, today: Date) -> Option<i64> {
    if let Some(days) = creation.expiry_days {
        return Some(i64::try_from(days).unwrap_or(i64::MAX));
    }
    let text = creation.expiry_text.as_deref()?;
    // Milliseconds since the epoch (`tokenExpirationDateTimeMillis`), or a date.
    if let Ok(millis) = text.parse::<i64>()
        && millis > 100_000_000_000
    {
        return Some(millis / 86_400_000 - today.to_days());
    }
    let date: Date = text.parse().ok()?;
    Some(today.days_until(date))
}

pub fn token_findings(sites: &[CreationSite], catalogue: &Catalogue, today: Date, max_days: u64) -> Vec<Finding> {
    let mut findings = Vec::new();
    for site in sites {
        let creation = &site.creation;
        let what = creation.api.describe();
        let (rule, message, label) = if creation.never_expires {
            (TOKEN_WITHOUT_EXPIRY, format!("creates {what} that never expires"), "asks for no expiry".to_owned())
        } else if creation.expiry_days.is_none() && creation.expiry_text.is_none() {
            (TOKEN_WITHOUT_EXPIRY, format!("creates {what} without an expiry"), "no expiry in this request".to_owned())
        } else {
            match lifetime_days(creation, today) {
                Some(days) if days > i64::try_from(max_days).unwrap_or(i64::MAX) => {
                    let years = if days >= 730 { format!(" (about {} years)", days / 365) } else { String::new() };
                    (
                        TOKEN_LIFETIME_TOO_LONG,
                        format!("creates {what} valid for {days} days{years}; the policy maximum is {max_days}"),
                        format!("{days} days"),
                    )
                }
                _ => continue,
            }
        };
        let Some(meta) = catalogue.rule(rule) else { continue };
        let mut secondary = Vec::new();
        if let Some(bootstrap) = site.bootstrap {
            secondary.push(Location {
                path: site.path.as_path().into(),
                span: bootstrap,
                label: "the request authenticates with a password, which outlives the token".into(),
            });
        }
        let severity = if site.test_or_doc { Severity::Note } else { meta.severity };
        let primary = Location { path: site.path.as_path().into(), span: creation.span, label: label.into() };
        findings.push(Finding {
            secondary,
            credential: CredentialKey::Name(format!("{}:{}", creation.api.name(), creation.span.start)),
            ..Finding::new(Arc::clone(&meta.id), severity, message, primary)
        });
    }
    findings
}
