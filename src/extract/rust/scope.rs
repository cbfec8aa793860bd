//! Names in scope while the extractor walks a file: what each name is bound to at a point.
//!
//! Module-level `const`/`static` items (and items declared in a block) are visible in their whole
//! module or block, whatever their order; a `let` is visible after its statement, to the end of its
//! block; parameters and pattern bindings shadow what they name and resolve to nothing. Every
//! binding gets an increasing id, and a bound expression is resolved seeing only the bindings older
//! than itself, so `let pw = pw.trim();` reads the *outer* `pw`, as Rust does.

use std::collections::HashMap;

use syn::{Expr, Pat};

/// What a name is bound to.
#[derive(Clone, Copy)]
pub enum Bound<'ast> {
    /// `let x = <expr>;`, `const X: T = <expr>;`
    Expr(&'ast Expr),
    /// A parameter, a `match` arm, a destructuring pattern: something not visible statically.
    Opaque,
}

#[derive(Clone, Copy)]
struct Entry<'ast> {
    id: u32,
    bound: Bound<'ast>,
}

#[derive(Default)]
pub struct Scopes<'ast> {
    by_name: HashMap<String, Vec<Entry<'ast>>>,
    frames: Vec<Vec<String>>,
    next_id: u32,
}

impl<'ast> Scopes<'ast> {
    pub fn push(&mut self) {
        self.frames.push(Vec::new());
    }

    pub fn pop(&mut self) {
        for name in self.frames.pop().unwrap_or_default() {
            if let Some(entries) = self.by_name.get_mut(&name) {
                entries.pop();
            }
        }
    }

    /// The id the next binding will get: every binding visible now is older.
    pub fn now(&self) -> u32 {
        self.next_id
    }

    /// Reserves one id for a group of items that see each other (a module's constants).
    pub fn reserve(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        id
    }

    /// Binds `name` in the innermost frame with the given id (from [`Scopes::reserve`]).
    pub fn bind_with_id(&mut self, name: String, bound: Bound<'ast>, id: u32) {
        self.by_name.entry(name.clone()).or_default().push(Entry { id, bound });
        if let Some(frame) = self.frames.last_mut() {
            frame.push(name);
        }
    }

    pub fn bind(&mut self, name: String, bound: Bound<'ast>) {
        let id = self.reserve();
        self.bind_with_id(name, bound, id);
    }

    /// The innermost binding of `name` older than `before`, with its id.
    pub fn lookup(&self, name: &str, before: u32) -> Option<(u32, Bound<'ast>)> {
        let entries = self.by_name.get(name)?;
        entries.iter().rev().find(|e| e.id < before).map(|e| (e.id, e.bound))
    }

    /// Binds every name a pattern introduces. A plain `name` (or `name: T`, `mut name`) with an
    /// initialiser is bound to it; anything destructured is opaque.
    pub fn bind_pattern(&mut self, pat: &'ast Pat, init: Option<&'ast Expr>) {
        match pat {
            Pat::Ident(ident) if ident.subpat.is_none() => {
                let bound = init.map_or(Bound::Opaque, Bound::Expr);
                self.bind(ident.ident.to_string(), bound);
            }
            Pat::Type(typed) => self.bind_pattern(&typed.pat, init),
            _ => {
                let mut names = Vec::new();
                pattern_names(pat, &mut names, 0);
                for name in names {
                    self.bind(name, Bound::Opaque);
                }
            }
        }
    }
}

/// How deep a pattern is searched for names: patterns nest little in real code.
const MAX_PATTERN_DEPTH: usize = 32;

/// Every identifier a pattern binds.
fn pattern_names(pat: &Pat, names: &mut Vec<String>, depth: usize) {
    if depth > MAX_PATTERN_DEPTH {
        return;
    }
    let mut recurse = |p: &Pat| pattern_names(p, names, depth + 1);
    match pat {
        Pat::Ident(ident) => {
            names.push(ident.ident.to_string());
            if let Some((_, sub)) = &ident.subpat {
                pattern_names(sub, names, depth + 1);
            }
        }
        Pat::Type(typed) => recurse(&typed.pat),
        Pat::Guard(guarded) => recurse(&guarded.pat),
        Pat::Reference(reference) => recurse(&reference.pat),
        Pat::Paren(paren) => recurse(&paren.pat),
        Pat::Tuple(tuple) => tuple.elems.iter().for_each(recurse),
        Pat::TupleStruct(tuple) => tuple.elems.iter().for_each(recurse),
        Pat::Slice(slice) => slice.elems.iter().for_each(recurse),
        Pat::Or(or) => or.cases.iter().for_each(recurse),
        Pat::Struct(strukt) => strukt.fields.iter().for_each(|field| recurse(&field.pat)),
        _ => {}
    }
}
