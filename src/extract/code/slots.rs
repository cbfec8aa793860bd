//! Credential-named slots, found generically in the lowered model: a binding of any form
//! (`password = …`, `'PASSWORD': …`, `Password: …`, `password=…` as an argument, a default
//! parameter, an annotation attribute), a keyed call (`put("password", …)`, `os.getenv("PASSWORD",
//! …)`), a setter or builder (`setPassword(…)`, `.password(…)`), and a comparison (`password ==
//! …`, `"…".equals(password)`), each holding a literal directly or through the file's flow.

use super::flow::Resolver;
use super::lang::Lang;
use super::lower::{BindKind, Expr, Model};
use crate::classify::{NamePrior, name_prior};
use crate::fact::{CredentialUse, Scheme, Value};
use crate::span::Span;

fn credential_named(name: &str) -> bool {
    name_prior(name) != NamePrior::Neutral
}

/// A value that is itself the name of a credential — a key, property or parameter name such as
/// `refresh_token`, `javax.net.ssl.keyStorePassword` or `Jira:Password` — is not a secret.
fn names_a_credential(value: &str) -> bool {
    let identifier =
        !value.is_empty() && value.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'));
    let compound = value.contains(['_', '.', ':', '-'])
        || value.as_bytes().windows(2).any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
    identifier && compound && credential_named(value)
}

/// `setPassword` / `withPassword` / `set_password` → `password`; a builder's `password`.
fn setter_slot(method: &str) -> Option<&str> {
    let rest = ["set_", "with_", "set", "with"].iter().find_map(|p| {
        method.strip_prefix(p).filter(|r| p.ends_with('_') || r.chars().next().is_some_and(char::is_uppercase))
    });
    let name = rest.unwrap_or(method);
    credential_named(name).then_some(name)
}

pub fn slot_uses(model: &Model, resolver: &Resolver<'_>, lang: Lang, uses: &mut Vec<CredentialUse>) {
    let extractor = format!("code:{}", lang.name());
    let push = |name: &str, value: &Expr, scope: usize, span: Span, uses: &mut Vec<CredentialUse>| {
        let (literals, _) = resolver.literals(value, scope);
        for literal in literals.into_iter().filter(|l| !names_a_credential(&l.text)) {
            uses.push(CredentialUse {
                scheme: Scheme::ConfigField,
                user: None,
                secret: Value::Literal { text: literal.text, span: literal.span, via: literal.via },
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
            [value] if call.receiver.is_some() || call.method.starts_with("set") => {
                if let Some(name) = setter_slot(&call.method) {
                    push(name, value, call.scope, call.span, uses);
                }
            }
            _ => {}
        }
    }
    for compare in &model.compares {
        if credential_named(&compare.name) {
            push(&compare.name, &compare.value, 0, compare.span, uses);
        }
    }
}
