//! What a Rust expression is, as a [`Value`]: a literal (with the exact span of its content), a
//! reference (an environment read, `env!`, a template string), or unknown (a parameter, a call).
//!
//! Names resolve through the scopes: `let`, `const` and `static` bound to literals, through `&`,
//! `.to_string()`, `String::from(…)`, `.into()`, `Some(…)`. An environment read's literal default
//! (`.unwrap_or("…")`, `.unwrap_or_else(|_| "…".into())`) is a literal with a `via` saying whose
//! default it is. `concat!` of literals is one literal whose span runs from the first piece to the
//! last (it can't be one contiguous content), with a `via` saying so.

use syn::{Expr, ExprCall, ExprMethodCall, Lit as SynLit, Macro};

use super::fmt::{self, ArgRef, Piece};
use super::lit::Lit;
use super::scope::Bound;
use super::{Extractor, macros};
use crate::extract::expr::{TemplateRef, template_reference};
use crate::fact::{RefKind, Value};
use crate::span::Span;

/// How many bindings and wrappers are followed to reach a value.
pub(super) const MAX_VALUE_DEPTH: usize = 16;

/// The longest expression text kept in a [`Value::Unknown`].
const MAX_EXPR_TEXT: usize = 120;

/// Methods whose result carries their receiver's value.
pub(super) const PASS_THROUGH: &[&str] = &[
    "to_string",
    "to_owned",
    "into",
    "as_str",
    "as_ref",
    "clone",
    "as_bytes",
    "to_vec",
    "into_bytes",
    "as_deref",
    "into_owned",
    "borrow",
    "unwrap",
    "expect",
    "ok",
    "context",
    "with_context",
    "map_err",
    "expose_secret",
    "trim",
    "into_string",
    "parse",
    "try_into",
];

/// Functions whose result carries their (first) argument's value.
/// (`HeaderValue::from_static` keeps its text: the header value is read by `auth`.)
const WRAPPERS: &[&str] = &[
    "Some",
    "from",
    "new",
    "String",
    "Cow",
    "Secret",
    "SecretString",
    "Zeroizing",
    "Box",
    "from_static",
    "from_str",
    "try_from",
    "from_maybe_shared",
    "from_bytes",
];

/// A value and the name it was bound to (the innermost binding), a prior for classification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Resolved {
    pub value: Value,
    pub name: Option<String>,
}

impl Resolved {
    fn plain(value: Value) -> Self {
        Resolved { value, name: None }
    }
}

/// An expression after its wrappers and bindings: the node that decides what it is.
#[derive(Clone, Copy)]
pub(super) struct Peeled<'ast> {
    pub expr: &'ast Expr,
    /// The scope point the expression is read at (older bindings only).
    pub before: u32,
}

/// A `format!` call: its format string and arguments.
pub(super) struct FormatCall<'ast> {
    pub lit: Lit,
    pub pieces: Vec<Piece>,
    positional: Vec<&'ast Expr>,
    named: Vec<(String, &'ast Expr)>,
}

/// `&x`, `(x)` and invisible groups are `x`.
pub(super) fn strip(mut expr: &Expr) -> &Expr {
    loop {
        expr = match expr {
            Expr::Reference(reference) => &reference.expr,
            Expr::Paren(paren) => &paren.expr,
            Expr::Group(group) => &group.expr,
            _ => return expr,
        };
    }
}

/// The last segment of a call's function path, and the whole path as text (`base64::encode`).
pub(super) fn callee(call: &ExprCall) -> Option<(String, String)> {
    let Expr::Path(path) = strip(&call.func) else { return None };
    let segments: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
    Some((segments.last()?.clone(), segments.join("::")))
}

/// A single-identifier path (`pw`), or `Self::NAME`.
pub(super) fn path_name(expr: &Expr) -> Option<String> {
    let Expr::Path(path) = expr else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segments = &path.path.segments;
    match segments.len() {
        1 => segments.first().map(|s| s.ident.to_string()),
        2 if segments.first().is_some_and(|s| s.ident == "Self") => {
            segments.last().map(|s| format!("Self::{}", s.ident))
        }
        // `consts::JIRA_TOKEN`: a constant from another module, found by its name if it is here.
        _ => segments
            .last()
            .map(|s| s.ident.to_string())
            .filter(|name| name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')),
    }
}

pub(super) fn is_none(expr: &Expr) -> bool {
    let Expr::Path(path) = strip(expr) else { return false };
    path.path.segments.last().is_some_and(|s| s.ident == "None")
}

impl<'ast> Extractor<'ast> {
    /// Follows wrappers that keep a value (`&`, `.to_string()`, `String::from`, `?`, `.unwrap()`)
    /// and names bound to expressions, to the node that decides.
    pub(super) fn peel(&self, expr: &'ast Expr, before: u32) -> Peeled<'ast> {
        let mut current = Peeled { expr, before };
        for _ in 0..MAX_VALUE_DEPTH {
            let expr = strip(current.expr);
            let next = match expr {
                Expr::Try(try_expr) => &*try_expr.expr,
                Expr::Await(await_expr) => &*await_expr.base,
                Expr::MethodCall(call) if PASS_THROUGH.contains(&call.method.to_string().as_str()) => &*call.receiver,
                Expr::Call(call)
                    if call.args.len() == 1
                        && callee(call).is_some_and(|(last, _)| WRAPPERS.contains(&last.as_str())) =>
                {
                    match call.args.first() {
                        Some(arg) => arg,
                        None => break,
                    }
                }
                Expr::Path(_) => match path_name(expr).and_then(|name| self.scopes.lookup(&name, current.before)) {
                    Some((id, Bound::Expr(bound))) => {
                        current = Peeled { expr: bound, before: id };
                        continue;
                    }
                    _ => break,
                },
                _ => break,
            };
            current.expr = next;
        }
        current.expr = strip(current.expr);
        current
    }

    /// What `expr` is, read at scope point `before`.
    pub(super) fn value_of(&self, expr: &'ast Expr, before: u32, depth: usize) -> Resolved {
        let expr = strip(expr);
        if depth > MAX_VALUE_DEPTH {
            return Resolved::plain(self.unknown(expr));
        }
        match expr {
            Expr::Lit(lit) => match &lit.lit {
                SynLit::Str(s) => self
                    .src
                    .lit_str(s)
                    .map_or_else(|| Resolved::plain(self.unknown(expr)), |l| Resolved::plain(lit_value(&l))),
                SynLit::ByteStr(s) => self
                    .src
                    .lit_byte_str(s)
                    .map_or_else(|| Resolved::plain(self.unknown(expr)), |l| Resolved::plain(lit_value(&l))),
                _ => Resolved::plain(self.unknown(expr)),
            },
            Expr::Try(try_expr) => self.value_of(&try_expr.expr, before, depth + 1),
            Expr::Await(await_expr) => self.value_of(&await_expr.base, before, depth + 1),
            Expr::MethodCall(call) => self.method_value(call, before, depth),
            Expr::Call(call) => self.call_value(call, before, depth),
            Expr::Macro(mac) => self.macro_value(&mac.mac, before, depth),
            Expr::Path(_) => match path_name(expr) {
                Some(name) => self.resolve_name(&name, self.src.node_span(expr), before, depth),
                None => Resolved::plain(self.unknown(expr)),
            },
            Expr::Field(field) => {
                let name = match &field.member {
                    syn::Member::Named(ident) => Some(ident.to_string()),
                    syn::Member::Unnamed(_) => None,
                };
                Resolved { value: self.unknown(expr), name }
            }
            _ => Resolved::plain(self.unknown(expr)),
        }
    }

    /// What the name `name` (used at `span`) is bound to.
    pub(super) fn resolve_name(&self, name: &str, span: Span, before: u32, depth: usize) -> Resolved {
        match self.scopes.lookup(name, before) {
            Some((id, Bound::Expr(bound))) => {
                let inner = self.value_of(bound, id, depth + 1);
                let name = inner.name.or_else(|| Some(name.to_owned()));
                Resolved { value: inner.value, name }
            }
            _ => Resolved { value: Value::Unknown { expr: name.to_owned(), span }, name: Some(name.to_owned()) },
        }
    }

    fn method_value(&self, call: &'ast ExprMethodCall, before: u32, depth: usize) -> Resolved {
        let method = call.method.to_string();
        if PASS_THROUGH.contains(&method.as_str()) {
            return self.value_of(&call.receiver, before, depth + 1);
        }
        let default = match method.as_str() {
            "unwrap_or" | "unwrap_or_else" | "or" | "or_else" => call.args.first(),
            "unwrap_or_default" => None,
            _ => return Resolved::plain(self.unknown_at(self.src.node_span(call))),
        };
        let receiver = self.value_of(&call.receiver, before, depth + 1);
        let default = default.map(|d| match strip(d) {
            Expr::Closure(closure) => self.value_of(&closure.body, before, depth + 1),
            other => self.value_of(other, before, depth + 1),
        });
        match (receiver.value, default) {
            (
                Value::Reference { kind, name, span },
                Some(Resolved { value: Value::Literal { text, span: at, .. }, .. }),
            ) => {
                let via = Some(format!("the default of {} `{name}`", kind.as_str()));
                let _ = span;
                Resolved { value: Value::Literal { text, span: at, via }, name: Some(name) }
            }
            (Value::Unknown { expr, .. }, Some(Resolved { value: Value::Literal { text, span: at, .. }, .. })) => {
                let via = Some(format!("the fallback of `{expr}`"));
                Resolved { value: Value::Literal { text, span: at, via }, name: receiver.name }
            }
            (value, _) => Resolved { value, name: receiver.name },
        }
    }

    fn call_value(&self, call: &'ast ExprCall, before: u32, depth: usize) -> Resolved {
        let Some((last, _)) = callee(call) else {
            return Resolved::plain(self.unknown_at(self.src.node_span(call)));
        };
        if let Some(name) = self.env_read(call, before) {
            let span = self.src.node_span(call);
            return Resolved {
                value: Value::Reference { kind: RefKind::Env, name: name.clone(), span },
                name: Some(name),
            };
        }
        if WRAPPERS.contains(&last.as_str())
            && call.args.len() == 1
            && let Some(arg) = call.args.first()
        {
            return self.value_of(arg, before, depth + 1);
        }
        Resolved::plain(self.unknown_at(self.src.node_span(call)))
    }

    /// `std::env::var("X")`, `env::var_os("X")`, `dotenv::var("X")`: the variable's name.
    pub(super) fn env_read(&self, call: &'ast ExprCall, before: u32) -> Option<String> {
        let (last, path) = callee(call)?;
        let reader = matches!(last.as_str(), "var" | "var_os")
            && (path.ends_with("env::var") || path.ends_with("env::var_os") || path.starts_with("dotenv"));
        if !reader || call.args.len() != 1 {
            return None;
        }
        let arg = call.args.first()?;
        match self.value_of(arg, before, MAX_VALUE_DEPTH - 2).value {
            Value::Literal { text, .. } => Some(text),
            _ => None,
        }
    }

    fn macro_value(&self, mac: &'ast Macro, before: u32, depth: usize) -> Resolved {
        let name = macros::name(mac);
        let span = self.src.node_span(mac);
        let exprs = self.store.exprs(self.src, mac).unwrap_or_default();
        match name.as_str() {
            "env" | "option_env" => {
                let var = exprs
                    .first()
                    .and_then(|e| self.value_of(e, before, depth + 1).value.as_literal().map(str::to_owned));
                match var {
                    Some(var) => Resolved {
                        value: Value::Reference { kind: RefKind::Env, name: var.clone(), span },
                        name: Some(var),
                    },
                    None => Resolved::plain(Value::Unknown { expr: self.src.text_of(span).to_owned(), span }),
                }
            }
            "include_str" => match exprs
                .first()
                .and_then(|e| self.value_of(e, before, depth + 1).value.as_literal().map(str::to_owned))
            {
                Some(path) => Resolved::plain(Value::Reference { kind: RefKind::Store, name: path, span }),
                None => Resolved::plain(Value::Unknown { expr: self.src.text_of(span).to_owned(), span }),
            },
            "concat" => Resolved::plain(self.concat_value(exprs, span, before, depth)),
            "format" => match self.format_call(mac) {
                Some(call) => match call.pieces.as_slice() {
                    [] => Resolved::plain(Value::literal("", call.lit.content)),
                    [Piece::Text { text, range }] => {
                        Resolved::plain(Value::literal(text.clone(), call.lit.span_of(range.clone())))
                    }
                    [Piece::Arg { arg, range }] => self.arg_value(&call, arg, range.clone(), before, depth + 1),
                    _ => Resolved::plain(Value::Unknown { expr: call.lit.value.clone(), span: call.lit.content }),
                },
                None => Resolved::plain(Value::Unknown { expr: self.src.text_of(span).to_owned(), span }),
            },
            _ => Resolved::plain(Value::Unknown { expr: truncate(self.src.text_of(span)), span }),
        }
    }

    /// `concat!` of literals only: one literal; anything else in it makes it unknown.
    fn concat_value(&self, exprs: &'ast [Expr], span: Span, before: u32, depth: usize) -> Value {
        let mut text = String::new();
        let mut covered: Option<Span> = None;
        for expr in exprs {
            match strip(expr) {
                Expr::Lit(lit) => {
                    let (piece, at) = match &lit.lit {
                        SynLit::Str(_) | SynLit::ByteStr(_) => match self.value_of(expr, before, depth + 1).value {
                            Value::Literal { text, span, .. } => (text, span),
                            _ => return Value::Unknown { expr: truncate(self.src.text_of(span)), span },
                        },
                        SynLit::Int(_) | SynLit::Float(_) | SynLit::Bool(_) => {
                            let at = self.src.node_span(lit);
                            (self.src.text_of(at).to_owned(), at)
                        }
                        SynLit::Char(c) => (c.value().to_string(), self.src.node_span(lit)),
                        _ => return Value::Unknown { expr: truncate(self.src.text_of(span)), span },
                    };
                    text.push_str(&piece);
                    covered = Some(covered.map_or(at, |c| c.cover(at)));
                }
                _ => return Value::Unknown { expr: truncate(self.src.text_of(span)), span },
            }
        }
        match covered {
            Some(at) => Value::Literal { text, span: at, via: Some("joined by `concat!`".to_owned()) },
            None => Value::Unknown { expr: truncate(self.src.text_of(span)), span },
        }
    }

    /// A `format!` (or `format_args!`) call's format string and arguments.
    pub(super) fn format_call(&self, mac: &'ast Macro) -> Option<FormatCall<'ast>> {
        if !matches!(macros::name(mac).as_str(), "format" | "format_args") {
            return None;
        }
        let exprs = self.store.exprs(self.src, mac)?;
        let (first, rest) = exprs.split_first()?;
        let Expr::Lit(syn::ExprLit { lit: SynLit::Str(format), .. }) = strip(first) else { return None };
        let lit = self.src.lit_str(format)?;
        let pieces = fmt::pieces(&lit.value)?;
        let mut positional = Vec::new();
        let mut named = Vec::new();
        for arg in rest {
            match arg {
                Expr::Assign(assign) if path_name(&assign.left).is_some() => {
                    named.push((path_name(&assign.left).unwrap_or_default(), &*assign.right));
                }
                _ => positional.push(arg),
            }
        }
        Some(FormatCall { lit, pieces, positional, named })
    }

    /// The expression a placeholder takes, if it is an argument (not an inline capture).
    pub(super) fn arg_expr(&self, call: &FormatCall<'ast>, arg: &ArgRef) -> Option<&'ast Expr> {
        match arg {
            ArgRef::Index(i) => call.positional.get(*i).copied(),
            ArgRef::Name(name) => call.named.iter().find(|(n, _)| n == name).map(|(_, e)| *e),
        }
    }

    /// The value a placeholder takes: its argument, or the variable it captures.
    pub(super) fn arg_value(
        &self,
        call: &FormatCall<'ast>,
        arg: &ArgRef,
        range: std::ops::Range<usize>,
        before: u32,
        depth: usize,
    ) -> Resolved {
        match (self.arg_expr(call, arg), arg) {
            (Some(expr), _) => self.value_of(expr, before, depth + 1),
            (None, ArgRef::Name(name)) => self.resolve_name(name, call.lit.span_of(range), before, depth + 1),
            (None, ArgRef::Index(_)) => {
                Resolved::plain(Value::Unknown { expr: call.lit.value.clone(), span: call.lit.span_of(range) })
            }
        }
    }

    /// The string literal an expression comes down to, through wrappers and bindings, with the
    /// name it was bound to.
    pub(super) fn literal_of(&self, expr: &'ast Expr, before: u32) -> Option<(Lit, Option<String>)> {
        let name = path_name(strip(expr));
        let peeled = self.peel(expr, before);
        let Expr::Lit(lit) = peeled.expr else { return None };
        let lit = match &lit.lit {
            SynLit::Str(s) => self.src.lit_str(s)?,
            SynLit::ByteStr(s) => self.src.lit_byte_str(s)?,
            _ => return None,
        };
        Some((lit, name))
    }

    pub(super) fn unknown(&self, expr: &Expr) -> Value {
        self.unknown_at(self.src.node_span(expr))
    }

    pub(super) fn unknown_at(&self, span: Span) -> Value {
        Value::Unknown { expr: truncate(self.src.text_of(span)), span }
    }
}

/// A literal as a value: template strings (`"${JIRA_TOKEN}"`, `"{{ vault_pw }}"`) are references.
pub(super) fn lit_value(lit: &Lit) -> Value {
    match template_reference(&lit.value) {
        Some(TemplateRef::Reference(kind, name)) => Value::Reference { kind, name: name.to_owned(), span: lit.content },
        Some(TemplateRef::Default { kind, name, default }) => Value::Literal {
            text: lit.value.get(default.clone()).unwrap_or_default().to_owned(),
            span: lit.span_of(default),
            via: Some(format!("the default of {} `{name}`", kind.as_str())),
        },
        None => Value::literal(lit.value.clone(), lit.content),
    }
}

/// Part of a literal as a value, with its exact span.
pub(super) fn lit_part(lit: &Lit, range: std::ops::Range<usize>) -> Value {
    let text = lit.value.get(range.clone()).unwrap_or_default();
    match template_reference(text) {
        Some(TemplateRef::Reference(kind, name)) => {
            Value::Reference { kind, name: name.to_owned(), span: lit.span_of(range) }
        }
        _ => Value::literal(text, lit.span_of(range)),
    }
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_EXPR_TEXT) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
