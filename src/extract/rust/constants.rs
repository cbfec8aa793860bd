//! Where in a Rust file only a constant may stand: `const` and `static` items (in modules, impls
//! and traits), `const fn` bodies, `const` blocks, attributes and patterns. Read from the syntax
//! tree, for the language server's quick fix that replaces a literal with an environment read,
//! which such a place can't take.

use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use super::Source;
use crate::span::Span;

/// The spans of `text` where only a constant may stand, or `None` when the file does not parse
/// (nothing can then be said of a place in it).
pub fn regions(text: &str) -> Option<Vec<Span>> {
    super::on_parsed(text, |src, file| {
        let mut found = Regions { src, spans: Vec::new() };
        found.visit_file(file);
        found.spans
    })
    .ok()
}

struct Regions<'t> {
    src: Source<'t>,
    spans: Vec<Span>,
}

impl Regions<'_> {
    fn add(&mut self, node: &impl Spanned) {
        self.spans.push(self.src.node_span(node));
    }
}

impl<'ast> Visit<'ast> for Regions<'_> {
    fn visit_item_const(&mut self, node: &'ast syn::ItemConst) {
        self.add(node);
    }

    fn visit_item_static(&mut self, node: &'ast syn::ItemStatic) {
        self.add(node);
    }

    fn visit_impl_item_const(&mut self, node: &'ast syn::ImplItemConst) {
        self.add(node);
    }

    fn visit_trait_item_const(&mut self, node: &'ast syn::TraitItemConst) {
        self.add(node);
    }

    fn visit_expr_const(&mut self, node: &'ast syn::ExprConst) {
        self.add(node);
    }

    fn visit_attribute(&mut self, node: &'ast syn::Attribute) {
        self.add(node);
    }

    /// A match arm's or a `let`'s pattern takes literals, not expressions.
    fn visit_pat(&mut self, node: &'ast syn::Pat) {
        self.add(node);
    }

    fn visit_item_fn(&mut self, node: &'ast syn::ItemFn) {
        if node.sig.constness.is_some() {
            self.add(node);
        } else {
            visit::visit_item_fn(self, node);
        }
    }

    fn visit_impl_item_fn(&mut self, node: &'ast syn::ImplItemFn) {
        if node.sig.constness.is_some() {
            self.add(node);
        } else {
            visit::visit_impl_item_fn(self, node);
        }
    }

    fn visit_trait_item_fn(&mut self, node: &'ast syn::TraitItemFn) {
        if node.sig.constness.is_some() {
            self.add(node);
        } else {
            visit::visit_trait_item_fn(self, node);
        }
    }
}
