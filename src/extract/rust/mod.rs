//! Rust through `syn`: credential uses and token creations read from the syntax tree.
//!
//! This module owns the Rust extractor: deciding whether a file is worth parsing (a keyword
//! prefilter), parsing it safely, and walking it with the names in scope. What each construct
//! means lives beside it: `value` (what an expression is: literal, env read, binding), `auth`
//! (reqwest/ureq/http calls, headers, base64 `user:secret`, URLs, and the connection each serves),
//! `fields` (credential-named fields of struct literals and `json!` objects), `creation` (token
//! creation requests in `json!` bodies), `macros` (macro bodies, parsed before the walk), `scope`,
//! `lit` (exact spans inside literals), `fmt` (format strings), `nesting` (the stack guard);
//! `constants` (where only a constant may stand, for the language server's quick fix).
//! Called by `extract` for `FileKind::Rust`; the text patterns run on the file afterwards and
//! `extract` keeps one use per secret span, the one found here first.
//!
//! Safety on hostile input: the parse runs on its own thread with a large stack, after a token
//! pre-scan has refused files that nest deeper than the parse could take ([`nesting`]); the walk
//! stops descending past [`MAX_EXPR_DEPTH`]; a file `syn` rejects is a [`ProblemKind::Unparsable`]
//! note and is left to the text patterns.

mod auth;
pub mod constants;
mod creation;
mod fields;
mod fmt;
mod lit;
mod macros;
mod nesting;
mod prefilter;
mod scope;
mod value;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::str::FromStr;

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Block, Expr, ExprClosure, ExprForLoop, ExprIf, ExprLet, ExprWhile, ImplItemFn, Item, ItemFn, Local, Stmt};

use self::lit::Lit;
use self::macros::MacroStore;
use self::scope::{Bound, Scopes};
use crate::fact::{CredentialUse, Facts, Problem, ProblemKind};
use crate::source::SourceFile;
use crate::span::Span;

/// How deep the walk descends into nested expressions before it stops looking.
pub(super) const MAX_EXPR_DEPTH: usize = 256;

/// The nesting score (see [`nesting`]) above which a file is not parsed.
const MAX_NESTING_SCORE: usize = 512;

/// The parser thread's stack: the deepest parse the nesting guard lets through needs a few MiB in
/// a debug build; the rest is headroom. Only the pages used are committed.
const PARSER_STACK_BYTES: usize = 64 << 20;

/// The name facts carry in `extractor`.
const EXTRACTOR: &str = "rust-syn";

pub fn extract(file: &SourceFile) -> Facts {
    let text: &str = &file.text;
    if !prefilter::worth_parsing(text) {
        return Facts::default();
    }
    on_parsed(text, walk_file).unwrap_or_else(|message| problem(&message))
}

fn problem(message: &str) -> Facts {
    Facts { problems: vec![Problem { kind: ProblemKind::Unparsable, message: message.to_owned() }], ..Facts::default() }
}

/// Parses `text` safely and gives its syntax tree to `walk`, on a parser thread of its own: the
/// extractor's way in, and any other reader of Rust syntax (`constants`). `Err` says why the file
/// was not parsed, in a file problem's words.
fn on_parsed<T: Send>(text: &str, walk: impl FnOnce(Source<'_>, &syn::File) -> T + Send) -> Result<T, String> {
    // `proc-macro2` keeps every lexed file in a thread-local source map (spans index into it), so
    // a fresh thread also means nothing accumulates on the caller's thread.
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("credlint-syn".to_owned())
            .stack_size(PARSER_STACK_BYTES)
            .spawn_scoped(scope, || parse_text(text).map(|(src, file)| walk(src, &file)));
        match spawned {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Err("rust: the parser failed; scanned with text patterns only".to_owned())),
            Err(error) => Err(format!("rust: could not start the parser ({error}); scanned with text patterns only")),
        }
    })
}

/// Lexes, guards and parses one file, on the parser thread.
fn parse_text(text: &str) -> Result<(Source<'_>, syn::File), String> {
    // `syn::parse_file` strips a byte order mark and a `#!` line before lexing; so does this, to
    // lex once and keep the offset of what was lexed.
    let mut base = 0;
    let mut content = text;
    if let Some(rest) = content.strip_prefix('\u{feff}') {
        base += 3;
        content = rest;
    }
    if content.starts_with("#!") && !content[2..].trim_start().starts_with('[') {
        let line_end = content.find('\n').unwrap_or(content.len());
        base += line_end;
        content = &content[line_end..];
    }
    let unparsable = |error: &dyn std::fmt::Display, line: usize| {
        format!("rust: {error} at line {line}; scanned with text patterns only")
    };
    let tokens = TokenStream::from_str(content).map_err(|error| unparsable(&error, error.span().start().line))?;
    let nesting = nesting::measure(tokens.clone(), MAX_NESTING_SCORE);
    if nesting.score > MAX_NESTING_SCORE {
        return Err(format!(
            "rust: code nested too deeply to parse safely at line {}; scanned with text patterns only",
            nesting.line
        ));
    }
    let file = syn::parse2::<syn::File>(tokens).map_err(|error| unparsable(&error, error.span().start().line))?;
    Ok((Source { text, base }, file))
}

/// Walks one parsed file for its facts, on the parser thread.
fn walk_file(src: Source<'_>, file: &syn::File) -> Facts {
    let store = MacroStore::collect(src, file);
    let mut extractor = Extractor::new(src, &store);
    extractor.visit_file(file);
    let mut facts = extractor.finish();
    for (line, name, error) in &store.failures {
        facts.problems.push(Problem {
            kind: ProblemKind::Unparsable,
            message: format!(
                "rust: the body of `{name}!` does not parse ({error}) at line {line}; scanned with text patterns only"
            ),
        });
    }
    facts
}

/// The file's text and where the lexed part starts in it: turns `proc-macro2` spans into byte
/// spans of the file.
#[derive(Debug, Clone, Copy)]
pub(super) struct Source<'t> {
    pub text: &'t str,
    pub base: usize,
}

impl<'t> Source<'t> {
    pub fn span(self, span: proc_macro2::Span) -> Span {
        let range = span.byte_range();
        Span::new(self.base + range.start, self.base + range.end)
    }

    /// The span of any syntax node, from its first token to its last.
    pub fn node_span(self, node: &impl Spanned) -> Span {
        self.span(node.span())
    }

    pub fn text_of(self, span: Span) -> &'t str {
        self.text.get(span.range()).unwrap_or_default()
    }

    pub fn lit_str(self, lit: &syn::LitStr) -> Option<Lit> {
        let span = self.span(lit.span());
        Lit::read(self.text_of(span), span.start, lit.value(), lit.suffix().len())
    }

    pub fn lit_byte_str(self, lit: &syn::LitByteStr) -> Option<Lit> {
        let span = self.span(lit.span());
        let value = String::from_utf8(lit.value()).ok()?;
        Lit::read(self.text_of(span), span.start, value, lit.suffix().len())
    }
}

/// Per-function state for token creations: request bodies, and what the function's strings say
/// about the endpoint they go to.
#[derive(Default)]
struct FnContext<'ast> {
    bodies: Vec<creation::BodyAt<'ast>>,
    /// Token endpoints named by string literals in the function: (offset, API).
    mentions: Vec<(usize, crate::fact::TokenApi)>,
    /// Bodies passed to a request whose URL is known: body key → the API, or `None` when the URL
    /// is not a token endpoint.
    claims: HashMap<usize, Option<crate::fact::TokenApi>>,
}

/// The walk: names in scope, the macro bodies, and the facts found so far.
pub(super) struct Extractor<'ast> {
    src: Source<'ast>,
    store: &'ast MacroStore,
    scopes: Scopes<'ast>,
    depth: usize,
    functions: Vec<FnContext<'ast>>,
    facts: Facts,
}

impl<'ast> Extractor<'ast> {
    fn new(src: Source<'ast>, store: &'ast MacroStore) -> Self {
        Extractor {
            src,
            store,
            scopes: Scopes::default(),
            depth: 0,
            functions: vec![FnContext::default()],
            facts: Facts::default(),
        }
    }

    fn finish(mut self) -> Facts {
        while let Some(context) = self.functions.pop() {
            self.close_function(context);
        }
        self.facts
    }

    fn enter_function(&mut self) {
        self.functions.push(FnContext::default());
    }

    fn leave_function(&mut self) {
        if self.functions.len() > 1
            && let Some(context) = self.functions.pop()
        {
            self.close_function(context);
        }
    }

    /// Keeps one use per secret span and scheme family; a later sighting of the same secret (the
    /// `encode` inside a header already read) only fills in what the first one lacked.
    fn push_use(&mut self, found: CredentialUse) {
        let key = (found.secret.span(), found.scheme.is_basic());
        if let Some(existing) = self.facts.uses.iter_mut().find(|u| (u.secret.span(), u.scheme.is_basic()) == key) {
            if existing.target.is_none() {
                existing.target = found.target;
            }
            if existing.user.is_none() {
                existing.user = found.user;
            }
            return;
        }
        self.facts.uses.push(found);
    }

    /// Binds the constants and statics among `items`: visible in the whole module or block.
    fn bind_items(&mut self, items: impl Iterator<Item = &'ast Item>) {
        let id = self.scopes.reserve();
        for item in items {
            match item {
                Item::Const(item) => self.scopes.bind_with_id(item.ident.to_string(), Bound::Expr(&item.expr), id),
                Item::Static(item) => self.scopes.bind_with_id(item.ident.to_string(), Bound::Expr(&item.expr), id),
                _ => {}
            }
        }
    }

    fn bind_params(&mut self, inputs: impl Iterator<Item = &'ast syn::FnArg>) {
        for input in inputs {
            if let syn::FnArg::Typed(typed) = input {
                self.scopes.bind_pattern(&typed.pat, None);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Extractor<'ast> {
    fn visit_file(&mut self, file: &'ast syn::File) {
        self.scopes.push();
        self.bind_items(file.items.iter());
        visit::visit_file(self, file);
        self.scopes.pop();
    }

    fn visit_item_mod(&mut self, module: &'ast syn::ItemMod) {
        self.scopes.push();
        if let Some((_, items)) = &module.content {
            self.bind_items(items.iter());
        }
        visit::visit_item_mod(self, module);
        self.scopes.pop();
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        self.scopes.push();
        let id = self.scopes.reserve();
        for impl_item in &item.items {
            if let syn::ImplItem::Const(constant) = impl_item {
                self.scopes.bind_with_id(format!("Self::{}", constant.ident), Bound::Expr(&constant.expr), id);
            }
        }
        visit::visit_item_impl(self, item);
        self.scopes.pop();
    }

    fn visit_item_fn(&mut self, item: &'ast ItemFn) {
        self.enter_function();
        self.scopes.push();
        self.bind_params(item.sig.inputs.iter());
        visit::visit_item_fn(self, item);
        self.scopes.pop();
        self.leave_function();
    }

    fn visit_impl_item_fn(&mut self, item: &'ast ImplItemFn) {
        self.enter_function();
        self.scopes.push();
        self.bind_params(item.sig.inputs.iter());
        visit::visit_impl_item_fn(self, item);
        self.scopes.pop();
        self.leave_function();
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        self.enter_function();
        self.scopes.push();
        self.bind_params(item.sig.inputs.iter());
        visit::visit_trait_item_fn(self, item);
        self.scopes.pop();
        self.leave_function();
    }

    fn visit_block(&mut self, block: &'ast Block) {
        self.scopes.push();
        self.bind_items(block.stmts.iter().filter_map(|stmt| match stmt {
            Stmt::Item(item) => Some(item),
            _ => None,
        }));
        for stmt in &block.stmts {
            self.visit_stmt(stmt);
        }
        self.scopes.pop();
    }

    fn visit_local(&mut self, local: &'ast Local) {
        // The initialiser is read before the name exists: `let pw = pw.trim();` reads the outer `pw`.
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        self.scopes.bind_pattern(&local.pat, local.init.as_ref().map(|init| &*init.expr));
    }

    fn visit_expr_closure(&mut self, closure: &'ast ExprClosure) {
        self.scopes.push();
        for input in &closure.inputs {
            self.scopes.bind_pattern(input, None);
        }
        self.visit_expr(&closure.body);
        self.scopes.pop();
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        self.scopes.push();
        self.scopes.bind_pattern(&arm.pat, None);
        // syn 3 keeps an arm's guard in its pattern (`Pat::Guard`); its names are bound above.
        if let syn::Pat::Guard(guarded) = &arm.pat {
            self.visit_expr(&guarded.guard);
        }
        self.visit_expr(&arm.body);
        self.scopes.pop();
    }

    fn visit_expr_for_loop(&mut self, for_loop: &'ast ExprForLoop) {
        self.visit_expr(&for_loop.expr);
        self.scopes.push();
        self.scopes.bind_pattern(&for_loop.pat, None);
        self.visit_block(&for_loop.body);
        self.scopes.pop();
    }

    fn visit_expr_if(&mut self, expr_if: &'ast ExprIf) {
        // `if let` bindings are visible in the `then` branch only.
        self.scopes.push();
        self.visit_expr(&expr_if.cond);
        self.visit_block(&expr_if.then_branch);
        self.scopes.pop();
        if let Some((_, otherwise)) = &expr_if.else_branch {
            self.visit_expr(otherwise);
        }
    }

    fn visit_expr_while(&mut self, expr_while: &'ast ExprWhile) {
        self.scopes.push();
        self.visit_expr(&expr_while.cond);
        self.visit_block(&expr_while.body);
        self.scopes.pop();
    }

    fn visit_expr_let(&mut self, expr_let: &'ast ExprLet) {
        self.visit_expr(&expr_let.expr);
        self.scopes.bind_pattern(&expr_let.pat, None);
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        if self.depth >= MAX_EXPR_DEPTH {
            return;
        }
        self.depth += 1;
        match expr {
            Expr::MethodCall(call) => self.method_call(call),
            Expr::Call(call) => self.call(call),
            Expr::Struct(strukt) => self.struct_literal(strukt),
            _ => {}
        }
        visit::visit_expr(self, expr);
        self.depth -= 1;
    }

    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        if let Some(api) = creation::api_of(&lit.value()) {
            let at = self.src.span(lit.span()).start;
            if let Some(context) = self.functions.last_mut() {
                context.mentions.push((at, api));
            }
        }
    }

    fn visit_item_macro(&mut self, item: &'ast syn::ItemMacro) {
        if item.ident.is_none() {
            self.visit_macro(&item.mac);
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        match self.store.body(self.src, mac) {
            Some(macros::Body::Exprs(exprs)) => {
                for expr in exprs {
                    self.visit_expr(expr);
                }
            }
            Some(macros::Body::Json(json)) => {
                self.json_body(mac, json);
                let mut exprs = Vec::new();
                json.exprs(&mut exprs);
                for expr in exprs {
                    self.visit_expr(expr);
                }
            }
            None => {}
        }
    }
}
