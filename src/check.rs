//! Per-file rules: facts of one file in, findings out. Pure.
//!
//! - `basic-auth-password`: basic auth whose secret is a password (classified from the literal
//!   value), or a reference whose name says password (one step less severe: names are priors).
//! - `hardcoded-credential`: a literal password or token in source or config.
//! - `credential-in-url`: a literal secret in a URL's userinfo (it replaces `hardcoded-credential`
//!   there, so one literal gives one storage finding).
//!
//! A token sent as basic auth is *not* a `basic-auth-password` finding: Atlassian Cloud requires it.

use std::sync::Arc;

use crate::classify::{Classification, NamePrior, SecretClass, classify_literal, name_prior};
use crate::fact::{CredentialUse, Facts, Scheme, Value};
use crate::finding::{Finding, Location, Severity};
use crate::redact::redact;
use crate::rules::Catalogue;
use crate::source::SourceFile;

pub const BASIC_AUTH_PASSWORD: &str = "basic-auth-password";
pub const HARDCODED_CREDENTIAL: &str = "hardcoded-credential";
pub const CREDENTIAL_IN_URL: &str = "credential-in-url";

pub fn check(file: &SourceFile, facts: &Facts, catalogue: &Catalogue) -> Vec<Finding> {
    let mut findings = Vec::new();
    for credential in &facts.uses {
        check_use(file, credential, catalogue, &mut findings);
    }
    findings
}

/// The connection as a reader names it: the host, the target text, or the named connection.
pub fn connection_label(credential: &CredentialUse) -> Option<String> {
    credential
        .target
        .as_ref()
        .map(|target| target.host.clone().unwrap_or_else(|| target.text.clone()))
        .or_else(|| credential.connection.clone())
}

fn check_use(file: &SourceFile, credential: &CredentialUse, catalogue: &Catalogue, findings: &mut Vec<Finding>) {
    let prior = credential.secret_name.as_deref().map_or(NamePrior::Neutral, name_prior);
    let connection = connection_label(credential);
    let to = connection.as_deref().map(|c| format!(" to `{c}`")).unwrap_or_default();
    let mut emit = |rule: &str, severity: Option<Severity>, message: String, label: String, reason: Option<String>| {
        let Some(meta) = catalogue.rule(rule) else { return };
        let mut secondary = Vec::new();
        if let Some(target) = &credential.target
            && target.span != credential.secret.span()
        {
            secondary.push(Location { path: file.path.clone(), span: target.span, label: "the connection".to_owned() });
        }
        let secret_span = credential.secret.span();
        if secret_span.end <= credential.span.start || secret_span.start >= credential.span.end {
            // The secret was bound elsewhere: show where it is used too.
            secondary.push(Location { path: file.path.clone(), span: credential.span, label: "used here".to_owned() });
        }
        findings.push(Finding {
            rule: Arc::clone(&meta.id),
            severity: severity.unwrap_or(meta.severity),
            message,
            primary: Location { path: file.path.clone(), span: credential.secret.span(), label },
            secondary,
            redacted: credential.secret.as_literal().map(redact),
            connection: connection.clone(),
            reason,
        });
    };
    match &credential.secret {
        Value::Literal { text, via, .. } => {
            let Classification { class, reason, .. } = classify_literal(text, prior);
            let via = via.as_deref().map(|via| format!(" ({via})")).unwrap_or_default();
            let what = match class {
                SecretClass::Placeholder => return,
                SecretClass::Password => "password".to_owned(),
                SecretClass::Token { format } => format.describe().trim_start_matches("an ").trim_start_matches("a ").to_owned(),
            };
            if credential.scheme.is_basic() && class == SecretClass::Password {
                emit(
                    BASIC_AUTH_PASSWORD,
                    None,
                    format!("basic auth sends a password{to}"),
                    format!("{reason}{via}"),
                    Some(reason.clone()),
                );
            }
            if credential.scheme == Scheme::UrlUserinfo {
                emit(
                    CREDENTIAL_IN_URL,
                    None,
                    format!("{what} embedded in a URL{to}"),
                    "URLs end up in logs, shell history and error messages".to_owned(),
                    Some(reason),
                );
            } else {
                emit(
                    HARDCODED_CREDENTIAL,
                    None,
                    format!("hardcoded {what}{to}"),
                    format!("a literal can't be revoked without a code change{via}"),
                    Some(reason),
                );
            }
        }
        Value::Reference { name, .. } => {
            if credential.scheme.is_basic() && name_prior(name) == NamePrior::Password {
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
