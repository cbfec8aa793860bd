//! Macro bodies, parsed once before the extractor walks the file.
//!
//! `syn` keeps a macro's body as tokens. Expression-like macros (`format!`, `vec!`, `assert_eq!`,
//! `println!`…) are parsed here as comma-separated expressions, and `json!` bodies with a small
//! token walker (`{ "key": value, … }` is not Rust syntax). The parsed bodies are owned by the
//! [`MacroStore`], which outlives the extractor's walk, so the walk can hold references into them
//! as it does into the file's own AST. Bodies that are not expressions (`macro_rules!`, `quote!`,
//! DSLs) are skipped silently; a `json!` body, or the body of a standard expression macro, that
//! does not parse is recorded as a problem.

use std::collections::HashMap;

use proc_macro2::{Delimiter, Group, Spacing, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Expr, ItemMacro, Macro, Token};

use super::{MAX_EXPR_DEPTH, Source};
use crate::span::Span;

/// How deeply macros nest inside macro bodies before the walker stops looking.
const MAX_MACRO_DEPTH: usize = 16;

/// How deeply `json!` objects and arrays nest before the walker stops.
const MAX_JSON_DEPTH: usize = 128;

/// Standard macros whose bodies are expressions: one that does not parse is worth a note.
const EXPRESSION_MACROS: &[&str] = &[
    "format",
    "format_args",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "panic",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "concat",
    "env",
    "option_env",
    "dbg",
    "todo",
    "unimplemented",
    "unreachable",
];

/// Macros whose bodies are code templates or foreign syntax, never parsed.
const OPAQUE_MACROS: &[&str] = &["quote", "quote_spanned", "parse_quote", "parse_quote_spanned", "macro_rules"];

/// A `json!` value.
pub enum Json {
    Object(Vec<(JsonKey, Json)>),
    Array(Vec<Json>),
    /// A scalar or any Rust expression (`null` and `true` are paths and literals to `syn`).
    Value(Box<Expr>),
    /// Tokens that did not parse.
    Unparsed,
}

#[derive(Debug)]
pub struct JsonKey {
    /// The key's text, when it is a literal or a bare identifier.
    pub name: Option<String>,
    pub span: Span,
}

impl Json {
    /// The value under `key` in an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => {
                entries.iter().find(|(k, _)| k.name.as_deref() == Some(key)).map(|(_, value)| value)
            }
            _ => None,
        }
    }

    /// Every expression in the value, depth first.
    pub fn exprs<'a>(&'a self, out: &mut Vec<&'a Expr>) {
        let mut stack = vec![self];
        while let Some(json) = stack.pop() {
            match json {
                Json::Object(entries) => stack.extend(entries.iter().rev().map(|(_, v)| v)),
                Json::Array(items) => stack.extend(items.iter().rev()),
                Json::Value(expr) => out.push(expr),
                Json::Unparsed => {}
            }
        }
    }
}

/// A parsed macro body.
pub enum Body {
    Exprs(Vec<Expr>),
    Json(Json),
}

#[derive(Default)]
pub struct MacroStore {
    bodies: HashMap<usize, Body>,
    /// Bodies that should have parsed and did not: (line, macro name, error).
    pub failures: Vec<(usize, String, String)>,
}

/// A macro is known by where its body opens: unique in a file.
pub fn key(src: Source<'_>, mac: &Macro) -> usize {
    src.span(mac.delimiter.span().open()).start
}

/// The macro's name: the last segment of its path.
pub fn name(mac: &Macro) -> String {
    mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default()
}

impl MacroStore {
    /// Parses every macro body in the file (and in the bodies, recursively).
    pub fn collect(src: Source<'_>, file: &syn::File) -> MacroStore {
        let mut collector = Collector { src, store: MacroStore::default(), depth: 0, macro_depth: 0 };
        collector.visit_file(file);
        collector.store
    }

    pub fn body(&self, src: Source<'_>, mac: &Macro) -> Option<&Body> {
        self.bodies.get(&key(src, mac))
    }

    pub fn exprs(&self, src: Source<'_>, mac: &Macro) -> Option<&[Expr]> {
        match self.body(src, mac)? {
            Body::Exprs(exprs) => Some(exprs),
            Body::Json(_) => None,
        }
    }
}

struct Collector<'t> {
    src: Source<'t>,
    store: MacroStore,
    depth: usize,
    macro_depth: usize,
}

impl<'x> Visit<'x> for Collector<'_> {
    fn visit_expr(&mut self, expr: &'x Expr) {
        if self.depth >= MAX_EXPR_DEPTH {
            return;
        }
        self.depth += 1;
        visit::visit_expr(self, expr);
        self.depth -= 1;
    }

    fn visit_item_macro(&mut self, item: &'x ItemMacro) {
        // `macro_rules! name { … }` defines a macro: its body is a template, not code.
        if item.ident.is_none() {
            self.visit_macro(&item.mac);
        }
    }

    fn visit_macro(&mut self, mac: &'x Macro) {
        if self.macro_depth >= MAX_MACRO_DEPTH {
            return;
        }
        let name = name(mac);
        if OPAQUE_MACROS.contains(&name.as_str()) {
            return;
        }
        let body = if name == "json" {
            let mut failure = None;
            let json = json_value(self.src, mac.tokens.clone(), 0, &mut failure);
            if let Some(error) = failure {
                self.fail(mac, &name, error);
            }
            Body::Json(json)
        } else if name == "vec" {
            // `vec![a, b]` and `vec![x; n]` read as an array expression.
            let group = Group::new(Delimiter::Bracket, mac.tokens.clone());
            match syn::parse2::<Expr>(TokenStream::from(TokenTree::Group(group))) {
                Ok(expr) => Body::Exprs(vec![expr]),
                Err(error) => return self.fail(mac, &name, error.to_string()),
            }
        } else {
            match mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
                Ok(exprs) => Body::Exprs(exprs.into_iter().collect()),
                Err(error) if EXPRESSION_MACROS.contains(&name.as_str()) => {
                    return self.fail(mac, &name, error.to_string());
                }
                Err(_) => return,
            }
        };
        self.macro_depth += 1;
        match &body {
            Body::Exprs(exprs) => exprs.iter().for_each(|e| self.visit_expr(e)),
            Body::Json(json) => {
                let mut exprs = Vec::new();
                json.exprs(&mut exprs);
                exprs.into_iter().for_each(|e| self.visit_expr(e));
            }
        }
        self.macro_depth -= 1;
        self.store.bodies.insert(key(self.src, mac), body);
    }
}

impl Collector<'_> {
    fn fail(&mut self, mac: &Macro, name: &str, error: String) {
        let line = mac.delimiter.span().open().start().line;
        self.store.failures.push((line, name.to_owned(), error));
    }
}

/// Reads one `json!` value from its tokens.
fn json_value(src: Source<'_>, tokens: TokenStream, depth: usize, failure: &mut Option<String>) -> Json {
    if depth > MAX_JSON_DEPTH {
        failure.get_or_insert_with(|| "nested too deep".to_owned());
        return Json::Unparsed;
    }
    let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
    if let [TokenTree::Group(group)] = trees.as_slice() {
        match group.delimiter() {
            Delimiter::Brace => return json_object(src, group.stream(), depth + 1, failure),
            Delimiter::Bracket => {
                let items = split_top_level(group.stream().into_iter().collect(), ',');
                return Json::Array(
                    items
                        .into_iter()
                        .filter(|item| !item.is_empty())
                        .map(|item| json_value(src, item.into_iter().collect(), depth + 1, failure))
                        .collect(),
                );
            }
            _ => {}
        }
    }
    if trees.is_empty() {
        return Json::Unparsed;
    }
    match syn::parse2::<Expr>(trees.drain(..).collect()) {
        Ok(expr) => Json::Value(Box::new(expr)),
        Err(error) => {
            failure.get_or_insert_with(|| error.to_string());
            Json::Unparsed
        }
    }
}

fn json_object(src: Source<'_>, tokens: TokenStream, depth: usize, failure: &mut Option<String>) -> Json {
    let mut entries = Vec::new();
    for entry in split_top_level(tokens.into_iter().collect(), ',') {
        if entry.is_empty() {
            continue;
        }
        let Some(colon) = key_colon(&entry) else {
            failure.get_or_insert_with(|| "an object entry without `:`".to_owned());
            continue;
        };
        let (key_tokens, rest) = entry.split_at(colon);
        let value_tokens: TokenStream = rest.iter().skip(1).cloned().collect();
        let key = json_key(src, key_tokens);
        entries.push((key, json_value(src, value_tokens, depth, failure)));
    }
    Json::Object(entries)
}

fn json_key(src: Source<'_>, tokens: &[TokenTree]) -> JsonKey {
    let span = match (tokens.first(), tokens.last()) {
        (Some(first), Some(last)) => src.span(first.span()).cover(src.span(last.span())),
        _ => Span::default(),
    };
    let name = match tokens {
        [TokenTree::Literal(literal)] => {
            syn::parse2::<syn::LitStr>(TokenTree::Literal(literal.clone()).into()).ok().map(|lit| lit.value())
        }
        [TokenTree::Ident(ident)] => Some(ident.to_string()),
        _ => None,
    };
    JsonKey { name, span }
}

/// The index of the `:` that ends an object key: a lone colon, not half of `::`.
fn key_colon(tokens: &[TokenTree]) -> Option<usize> {
    let mut previous_joint_colon = false;
    for (i, tree) in tokens.iter().enumerate() {
        if let TokenTree::Punct(punct) = tree
            && punct.as_char() == ':'
        {
            if punct.spacing() == Spacing::Alone && !previous_joint_colon {
                return Some(i);
            }
            previous_joint_colon = punct.spacing() == Spacing::Joint;
            continue;
        }
        previous_joint_colon = false;
    }
    None
}

/// Splits a token list at top-level `separator` puncts.
fn split_top_level(tokens: Vec<TokenTree>, separator: char) -> Vec<Vec<TokenTree>> {
    let mut parts = vec![Vec::new()];
    for tree in tokens {
        match &tree {
            TokenTree::Punct(punct) if punct.as_char() == separator => parts.push(Vec::new()),
            _ => {
                if let Some(part) = parts.last_mut() {
                    part.push(tree);
                }
            }
        }
    }
    parts
}
