//! Lowering: a tree-sitter tree of any language to one small model of what credlint needs —
//! functions with their parameters, bindings (`name = value` in every syntactic form: assignment,
//! declaration, dict or hash entry, struct or object field, keyword argument, default parameter,
//! annotation attribute), calls with their arguments, comparisons and returns.
//!
//! Node kinds are recognised by the roles grammars share (a node with `left`/`right` or
//! `name`/`value` or `key`/`value` fields, a node holding an argument list), with a short list of
//! kinds per role; nothing here is written for one language unless a grammar has no other way to
//! say it (Go's paired expression lists, PowerShell's single-child expression chains).

use std::collections::HashMap;

use tree_sitter::Node;

use crate::span::Span;

/// An expression as far as credentials care.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A string literal without interpolation: `text` is what the file holds between the quotes.
    Str {
        text: String,
        span: Span,
    },
    /// A name: a variable, a field (`this.`/`self.`/`$this->`/`@` dropped), a constant, an element
    /// (`obj['password']` is `obj.password`; a numeric index is dropped).
    Name {
        path: String,
        span: Span,
    },
    /// A call (index into [`Model::calls`]).
    Call(usize),
    /// Either value: `a || b`, `a ?? b`, `a ?: b`, `c ? a : b`.
    Alt(Vec<Expr>),
    Other {
        span: Span,
    },
}

impl Expr {
    pub fn span(&self, model: &Model) -> Span {
        match self {
            Expr::Str { span, .. } | Expr::Name { span, .. } | Expr::Other { span } => *span,
            Expr::Call(index) => model.calls[*index].span,
            Expr::Alt(items) => items.iter().map(|e| e.span(model)).reduce(|a, b| a.cover(b)).unwrap_or_default(),
        }
    }
}

/// A function, method, class or the file itself (index 0): the scopes names resolve in.
#[derive(Debug, Clone)]
pub struct Scope {
    pub name: String,
    pub params: Vec<String>,
    pub parent: usize,
    pub span: Span,
    pub is_class: bool,
}

#[derive(Debug, Clone)]
pub struct Arg {
    /// A keyword or named argument's name.
    pub name: Option<String>,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct Call {
    /// The callee as written, normalised: `new`, whitespace and generic arguments dropped, `->`,
    /// `::` and `?.` read as `.`: `DriverManager.getConnection`, `OpenSSL.PKey.RSA.new`.
    pub callee: String,
    /// Its last segment: the function or method name.
    pub method: String,
    pub receiver: Option<Box<Expr>>,
    pub args: Vec<Arg>,
    pub span: Span,
    pub scope: usize,
}

/// What kind of slot a binding fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindKind {
    /// An assignment, declaration, field, entry or default.
    Direct,
    /// A value put into a container or object (`x.add(v)`, `x.f = v` as seen from `x`).
    Into,
}

#[derive(Debug, Clone)]
pub struct Bind {
    pub name: String,
    pub value: Expr,
    pub span: Span,
    pub scope: usize,
    pub kind: BindKind,
}

/// `name == "literal"` (either order, any equality operator, or `.equals`).
#[derive(Debug, Clone)]
pub struct Compare {
    pub name: String,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Default)]
pub struct Model {
    pub scopes: Vec<Scope>,
    pub binds: Vec<Bind>,
    pub calls: Vec<Call>,
    pub compares: Vec<Compare>,
    /// (scope, returned expression).
    pub returns: Vec<(usize, Expr)>,
    /// Test functions, classes and blocks (`def test_…`, `@Test`, `func TestX`, `describe`/`it`).
    pub test_regions: Vec<Span>,
    pub binds_by_name: HashMap<String, Vec<usize>>,
    pub scopes_by_name: HashMap<String, Vec<usize>>,
    pub calls_by_method: HashMap<String, Vec<usize>>,
}

impl Model {
    /// Whether `inner` is `outer` or nested in it.
    pub fn within(&self, mut inner: usize, outer: usize) -> bool {
        loop {
            if inner == outer {
                return true;
            }
            if inner == 0 {
                return false;
            }
            inner = self.scopes[inner].parent;
        }
    }

    /// The nearest enclosing class of a scope (the file when there is none).
    pub fn class_of(&self, mut scope: usize) -> usize {
        while scope != 0 && !self.scopes[scope].is_class {
            scope = self.scopes[scope].parent;
        }
        scope
    }
}

const FUNCTION_KINDS: &[&str] = &[
    "function_definition",
    "function_declaration",
    "method_declaration",
    "constructor_declaration",
    "method_definition",
    "method",
    "singleton_method",
    "function_expression",
    "local_function_statement",
    "function_statement",
    "function_item",
];

const CLASS_KINDS: &[&str] = &[
    "class_declaration",
    "class_definition",
    "class",
    "object_declaration",
    "module",
    "interface_declaration",
    "struct_declaration",
    "record_declaration",
    "enum_declaration",
    "companion_object",
    "class_specifier",
];

const CALL_KINDS: &[&str] = &[
    "call",
    "call_expression",
    "new_expression",
    "method_invocation",
    "object_creation_expression",
    "invocation_expression",
    "function_call_expression",
    "member_call_expression",
    "nullsafe_member_call_expression",
    "scoped_call_expression",
    "function_call",
];

const BIND_KINDS: &[&str] = &[
    "assignment",
    "assignment_expression",
    "assignment_statement",
    "short_var_declaration",
    "variable_assignment",
    "assignment_pattern",
    "variable_declarator",
    "keyword_argument",
    "default_parameter",
    "typed_default_parameter",
    "script_parameter",
    "var_spec",
    "const_spec",
    "optional_parameter",
    "keyword_parameter",
    "required_parameter",
    "optional_parameter",
    "public_field_definition",
    "field_definition",
    "simple_parameter",
    "property_element",
    "const_element",
    "parameter",
    "pair",
    "element_value_pair",
    "keyed_element",
    "object_elem",
    "array_element_initializer",
    "hash_entry",
    "attribute",
    "property_declaration",
    "class_parameter",
    "jsx_attribute",
    "let_declaration",
    "lexical_binding",
];

const STRING_KINDS: &[&str] = &[
    "string",
    "string_literal",
    "interpreted_string_literal",
    "raw_string_literal",
    "encapsed_string",
    "verbatim_string_literal",
    "raw_string",
    "string_lit",
    "template_string",
    "expandable_string_literal",
    "verbatim_string_characters",
    "text_block",
    "nowdoc",
    "heredoc",
    "word",
];

/// Children of a string node that say it is built at run time.
const INTERPOLATION_KINDS: &[&str] = &[
    "interpolation",
    "template_substitution",
    "string_interpolation",
    "expansion",
    "simple_expansion",
    "command_substitution",
    "sub_expression",
    "template_interpolation",
    "interpolated_string_expression",
    "variable_name",
    "variable",
    "dynamic_variable_name",
];

const NAME_KINDS: &[&str] = &[
    "identifier",
    "constant",
    "instance_variable",
    "class_variable",
    "global_variable",
    "variable_name",
    "variable",
    "simple_name",
    "field_identifier",
    "property_identifier",
    "shorthand_property_identifier",
    "member_expression",
    "attribute",
    "field_access",
    "selector_expression",
    "navigation_expression",
    "member_access_expression",
    "nullsafe_member_access_expression",
    "scoped_property_access_expression",
    "class_constant_access_expression",
    "scoped_identifier",
    "scope_resolution",
    "subscript",
    "subscript_expression",
    "element_reference",
    "index_expression",
    "array_access",
    "element_access_expression",
    "variable_expr",
    "qualified_name",
    "name",
    "simple_identifier",
    "variable_declaration",
    "hash_key_symbol",
    "simple_symbol",
    "key_expression",
    "generic_token",
    "this",
    "self",
];

/// A dictionary or hash entry whose key is an expression, not a name: Python's `{Token: "#fff"}`
/// and `{String.Affix: "sa"}`, Ruby's `{token => v}` (JavaScript's bare keys are
/// `property_identifier`s, names, and stay). The key is a value computed at run time, so the
/// entry is not a slot named for a credential.
fn is_expression_key(entry: Node<'_>, key: Node<'_>) -> bool {
    entry.kind() == "pair"
        && matches!(
            key.kind(),
            "identifier"
                | "attribute"
                | "constant"
                | "scope_resolution"
                | "call"
                | "subscript"
                | "computed_property_name"
        )
}

/// Wrappers whose value is their one child.
const WRAPPER_KINDS: &[&str] = &[
    "parenthesized_expression",
    "cast_expression",
    "argument",
    "value_argument",
    "expression",
    "literal_value",
    "literal_element",
    "expression_statement",
    "await_expression",
    "non_null_expression",
    "as_expression",
    "type_assertion",
    "satisfies_expression",
    "expression_list",
    "equals_value_clause",
    "property_initializer",
    "parenthesized_expression_list",
];

pub fn lower(root: Node<'_>, text: &str) -> Model {
    let mut model = Model::default();
    model.scopes.push(Scope {
        name: String::new(),
        params: Vec::new(),
        parent: 0,
        span: Span::new(0, text.len()),
        is_class: false,
    });
    let mut lowering = Lowering { text, model, call_at: HashMap::new() };
    lowering.visit(root, 0, 0);
    let mut model = lowering.model;
    for (index, bind) in model.binds.iter().enumerate() {
        model.binds_by_name.entry(bind.name.clone()).or_default().push(index);
    }
    for (index, scope) in model.scopes.iter().enumerate().skip(1) {
        if !scope.name.is_empty() {
            model.scopes_by_name.entry(scope.name.clone()).or_default().push(index);
        }
    }
    for (index, call) in model.calls.iter().enumerate() {
        model.calls_by_method.entry(call.method.clone()).or_default().push(index);
    }
    model
}

struct Lowering<'t> {
    text: &'t str,
    model: Model,
    /// Calls already lowered, by node id: a call is lowered once, whether it is first met as a
    /// value (`x = f()`) or as a node.
    call_at: HashMap<usize, usize>,
}

/// Deep trees (generated code, minified bundles) must not exhaust the stack: below this depth
/// nodes are not visited (the text patterns still read the file).
const MAX_DEPTH: usize = 400;

fn span_of(node: Node<'_>) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

fn named_children<'a>(node: Node<'a>) -> Vec<Node<'a>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).filter(|c| !c.kind().contains("comment")).collect()
}

fn field<'a>(node: Node<'a>, names: &[&str]) -> Option<Node<'a>> {
    names.iter().find_map(|name| node.child_by_field_name(name))
}

impl<'t> Lowering<'t> {
    fn text_of(&self, node: Node<'_>) -> &'t str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    fn visit(&mut self, node: Node<'_>, scope: usize, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let kind = node.kind();
        let mut scope = scope;
        if FUNCTION_KINDS.contains(&kind) || CLASS_KINDS.contains(&kind) {
            scope = self.open_scope(node, scope);
        } else if CALL_KINDS.contains(&kind) {
            if !self.call_at.contains_key(&node.id()) {
                self.lower_call(node, scope);
            }
        } else if BIND_KINDS.contains(&kind)
            // Python's `attribute` is a name (`self.pwd`); HCL's holds an expression.
            && (kind != "attribute" || named_children(node).iter().any(|c| c.kind() == "expression"))
        {
            self.lower_bind(node, scope);
        } else if matches!(
            kind,
            "binary_expression" | "comparison_operator" | "binary" | "equality_expression" | "comparison_expression"
        ) {
            self.lower_compare(node);
        } else if matches!(kind, "return_statement" | "return" | "return_expression")
            && let Some(value) = named_children(node).into_iter().next()
        {
            let value = self.expr(value, scope);
            self.model.returns.push((scope, value));
        }
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            self.visit(child, scope, depth + 1);
        }
    }

    fn open_scope(&mut self, node: Node<'_>, parent: usize) -> usize {
        let is_class = CLASS_KINDS.contains(&node.kind());
        let name =
            field(node, &["name"]).map(|n| self.text_of(n).trim_start_matches('$').to_owned()).unwrap_or_default();
        let mut params = Vec::new();
        if let Some(list) = field(node, &["parameters"])
            .or_else(|| named_children(node).into_iter().find(|c| c.kind().contains("parameters")))
        {
            for param in named_children(list) {
                if let Some(name) = self.param_name(param) {
                    params.push(name);
                }
            }
        }
        let index = self.model.scopes.len();
        let span = span_of(node);
        if self.is_test(node, &name, is_class) {
            self.model.test_regions.push(span);
        }
        self.model.scopes.push(Scope { name, params, parent, span, is_class });
        index
    }

    fn param_name(&self, param: Node<'_>) -> Option<String> {
        let target = field(param, &["name", "pattern", "left"]).unwrap_or_else(|| {
            named_children(param).into_iter().find(|c| NAME_KINDS.contains(&c.kind())).unwrap_or(param)
        });
        let name = self.text_of(target).trim_start_matches(['$', '*', '&', '@']).trim();
        (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then(|| name.to_owned())
    }

    /// Test code by what it is: `test_…`/`Test…` functions, `@Test` methods, `…Test`/`…Spec`
    /// classes, and `describe`/`it`/`test`/`context` blocks (handled in `lower_call`).
    fn is_test(&self, node: Node<'_>, name: &str, is_class: bool) -> bool {
        if is_class {
            return name.ends_with("Test")
                || name.ends_with("Tests")
                || name.ends_with("Spec")
                || name.starts_with("Test") && name.chars().nth(4).is_some_and(char::is_uppercase);
        }
        if name.starts_with("test_") || name.starts_with("Test") && name.chars().nth(4).is_none_or(char::is_uppercase) {
            return true;
        }
        // JUnit and TestNG annotations, NUnit/xUnit/MSTest attributes.
        let mut end = node.end_byte().min(node.start_byte() + 400);
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let head = self.text.get(node.start_byte()..end).unwrap_or("");
        let head = head.split('{').next().unwrap_or("");
        ["@Test", "[Test", "[Fact", "[Theory", "[TestMethod", "@ParameterizedTest"].iter().any(|a| head.contains(a))
    }

    fn lower_call(&mut self, node: Node<'_>, scope: usize) -> usize {
        let args_node = field(node, &["arguments"]).or_else(|| {
            named_children(node)
                .into_iter()
                .find(|c| matches!(c.kind(), "argument_list" | "arguments" | "value_arguments" | "call_suffix"))
        });
        let callee_end = args_node.map_or(node.end_byte(), |a| a.start_byte());
        let initializer = field(node, &["initializer"]);
        let callee_end = initializer.map_or(callee_end, |i| callee_end.min(i.start_byte()));
        let callee = normalise_callee(self.text.get(node.start_byte()..callee_end).unwrap_or(""));
        let method = callee.rsplit('.').next().unwrap_or("").to_owned();
        let receiver_node = field(node, &["object", "receiver", "scope"]).or_else(|| {
            let function = field(node, &["function"]).or_else(|| named_children(node).into_iter().next())?;
            if matches!(function.kind(), "identifier" | "simple_identifier" | "name") {
                return None;
            }
            field(function, &["object", "operand", "value", "expression"]).or_else(|| {
                (function.kind() == "navigation_expression").then(|| named_children(function).into_iter().next())?
            })
        });
        let receiver = receiver_node.map(|r| Box::new(self.expr(r, scope)));
        let mut args = Vec::new();
        if let Some(list) = args_node {
            for arg in named_children(list) {
                args.push(self.arg(arg, scope));
            }
        }
        let index = self.model.calls.len();
        self.call_at.insert(node.id(), index);
        let span = span_of(node);
        if matches!(method.as_str(), "describe" | "it" | "test" | "context" | "specify" | "scenario")
            && args.first().is_some_and(|a| matches!(a.value, Expr::Str { .. }))
        {
            self.model.test_regions.push(span);
        }
        // A value put into a container flows into the container: `list.add(v)`, `map.put(k, v)`.
        if let (Some(Expr::Name { path, .. }), Some(last)) = (receiver.as_deref(), args.last())
            && PUTTERS.contains(&method.as_str())
        {
            self.model.binds.push(Bind {
                name: path.clone(),
                value: last.value.clone(),
                span,
                scope,
                kind: BindKind::Into,
            });
        }
        self.model.calls.push(Call { callee, method, receiver, args, span, scope });
        index
    }

    fn arg(&mut self, node: Node<'_>, scope: usize) -> Arg {
        let kind = node.kind();
        if matches!(kind, "keyword_argument" | "pair" | "named_argument") {
            let name = field(node, &["name", "key"])
                .filter(|n| !is_expression_key(node, *n))
                .map(|n| self.name_path(n))
                .unwrap_or_default();
            let value = field(node, &["value"]).map_or(Expr::Other { span: span_of(node) }, |v| self.expr(v, scope));
            return Arg { name: (!name.is_empty()).then_some(name), value };
        }
        if matches!(kind, "argument" | "value_argument") {
            let children = named_children(node);
            let named = field(node, &["name"]).or_else(|| {
                (children.len() >= 2 && matches!(children[0].kind(), "identifier" | "simple_identifier"))
                    .then(|| children[0])
            });
            if let Some(name_node) = named {
                let name = self.name_path(name_node);
                let value = children
                    .iter()
                    .rev()
                    .find(|c| c.id() != name_node.id() && c.kind() != "name_colon")
                    .map_or(Expr::Other { span: span_of(node) }, |v| self.expr(*v, scope));
                return Arg { name: Some(name), value };
            }
        }
        Arg { name: None, value: self.expr(node, scope) }
    }

    fn lower_bind(&mut self, node: Node<'_>, scope: usize) {
        let children = named_children(node);
        // Without a name field the name is the first child after any modifiers or attributes
        // (Kotlin's `private const val X = …`, PowerShell's `[string]$X = …` parameter).
        let name_node = field(node, &["left", "name", "key", "pattern", "property"])
            .or_else(|| children.iter().find(|c| !is_decoration(c.kind())).copied());
        let value_node = field(node, &["right", "value", "default_value", "val"])
            .or_else(|| (children.len() >= 2).then(|| *children.last().expect("two children")));
        let (Some(name_node), Some(value_node)) = (name_node, value_node) else { return };
        if name_node.id() == value_node.id() || is_expression_key(node, name_node) {
            return;
        }
        // Go pairs names and values: `a, b := "x", "y"`.
        if name_node.kind() == "expression_list" && value_node.kind() == "expression_list" {
            let names = named_children(name_node);
            let values = named_children(value_node);
            if names.len() == values.len() {
                for (name, value) in names.into_iter().zip(values) {
                    self.push_bind(name, value, span_of(node), scope);
                }
            }
            return;
        }
        self.push_bind(name_node, value_node, span_of(node), scope);
    }

    fn push_bind(&mut self, name_node: Node<'_>, value_node: Node<'_>, span: Span, scope: usize) {
        let name = self.name_path(name_node);
        if name.is_empty() {
            return;
        }
        let value = self.expr(value_node, scope);
        let raw = self.text_of(name_node);
        // `this.x = v` binds the class's field, wherever the method is.
        let field_of_self =
            ["this.", "self.", "$this->", "@"].iter().any(|p| raw.starts_with(p)) && !raw.starts_with("@@");
        let bind_scope = if field_of_self { self.model.class_of(scope) } else { scope };
        // `x.f = v` and `x[2] = v` also put `v` into `x`.
        if let Some((base, _)) = name.split_once('.')
            && !field_of_self
        {
            self.model.binds.push(Bind {
                name: base.to_owned(),
                value: value.clone(),
                span,
                scope,
                kind: BindKind::Into,
            });
        }
        if raw.trim_end().ends_with(']') && !raw.trim_start().starts_with('[') && !name.contains('.') && !field_of_self
        {
            self.model.binds.push(Bind { name, value, span, scope, kind: BindKind::Into });
            return;
        }
        self.model.binds.push(Bind { name, value, span, scope: bind_scope, kind: BindKind::Direct });
    }

    fn lower_compare(&mut self, node: Node<'_>) {
        let children = named_children(node);
        let (left, right) = match (field(node, &["left"]), field(node, &["right"])) {
            (Some(l), Some(r)) => (l, r),
            _ if children.len() == 2 => (children[0], children[1]),
            // An operator that is a named node of its own (PowerShell's `comparison_operator`).
            _ if children.len() == 3 && children[1].kind().contains("operator") => (children[0], children[2]),
            _ => return,
        };
        let operator = self.text.get(left.end_byte()..right.start_byte()).unwrap_or("").trim();
        if !matches!(operator, "==" | "!=" | "===" | "!==" | "-eq" | "-ne" | "eq" | "ne" | "is" | "<>") {
            return;
        }
        for (name_side, value_side) in [(left, right), (right, left)] {
            let value_side = unwrap(value_side);
            if STRING_KINDS.contains(&value_side.kind())
                && let Some((text, span)) = self.string(value_side)
            {
                let name = self.name_path(name_side);
                if !name.is_empty() {
                    self.model.compares.push(Compare { name, value: Expr::Str { text, span }, span: span_of(node) });
                }
            }
        }
    }

    /// A name as a dotted path, or empty when the node is not a name.
    fn name_path(&self, node: Node<'_>) -> String {
        let mut node = node;
        loop {
            let children = named_children(node);
            let next = if STRING_KINDS.contains(&node.kind()) && self.string(node).is_some() {
                // A quoted key is read whole, not through its one content child.
                None
            } else if node.kind() == "cast_expression" {
                // `(String) x`, PowerShell's `[string]$x`: the value is the last child.
                field(node, &["value"]).or_else(|| children.last().copied())
            } else if WRAPPER_KINDS.contains(&node.kind()) || children.len() == 1 && !NAME_KINDS.contains(&node.kind())
            {
                children.first().copied()
            } else {
                None
            };
            match next {
                Some(child) => node = child,
                None => break,
            }
        }
        if STRING_KINDS.contains(&node.kind()) {
            // A quoted key: `'password': …`, `"password" => …`.
            return match self.string(node) {
                Some((text, _)) if is_name(&text) => text,
                _ => String::new(),
            };
        }
        // Ruby's `config.password = …`: a call without arguments is an attribute.
        if CALL_KINDS.contains(&node.kind())
            && field(node, &["receiver"]).is_some()
            && field(node, &["arguments"]).is_none()
        {
            return normalise_name(self.text_of(node));
        }
        if !NAME_KINDS.contains(&node.kind()) {
            return String::new();
        }
        // Kotlin's `val password: String` declares the name with its type.
        if node.kind() == "variable_declaration"
            && let Some(first) = named_children(node).first()
        {
            return normalise_name(self.text_of(*first));
        }
        normalise_name(self.text_of(node))
    }

    fn expr(&mut self, node: Node<'_>, scope: usize) -> Expr {
        let kind = node.kind();
        let span = span_of(node);
        if STRING_KINDS.contains(&kind) {
            return match self.string(node) {
                Some((text, span)) => Expr::Str { text, span },
                None => Expr::Other { span },
            };
        }
        if CALL_KINDS.contains(&kind) {
            // Calls are lowered when visited; find the one already lowered for this node, or
            // lower it now (a value lowered before its node is visited).
            if let Some(index) = self.call_at.get(&node.id()) {
                return Expr::Call(*index);
            }
            let index = self.lower_call(node, scope);
            return Expr::Call(index);
        }
        if matches!(
            kind,
            "binary_expression" | "boolean_operator" | "binary" | "elvis_expression" | "logical_expression"
        ) {
            let children = named_children(node);
            if let (Some(left), Some(right)) = (
                field(node, &["left"]).or(children.first().copied()),
                field(node, &["right"]).or(children.last().copied()),
            ) && left.id() != right.id()
            {
                let operator = self.text.get(left.end_byte()..right.start_byte()).unwrap_or("").trim();
                if matches!(operator, "||" | "or" | "??" | "?:" | "-or") {
                    return Expr::Alt(vec![self.expr(left, scope), self.expr(right, scope)]);
                }
            }
            if children.len() != 1 {
                return Expr::Other { span };
            }
        }
        if matches!(kind, "conditional_expression" | "ternary_expression" | "conditional" | "if_expression") {
            let children = named_children(node);
            if children.len() == 3 {
                return Expr::Alt(vec![self.expr(children[1], scope), self.expr(children[2], scope)]);
            }
            // PHP's short ternary `a ?: b`.
            if let [left, right] = children.as_slice()
                && self.text.get(left.end_byte()..right.start_byte()).is_some_and(|op| op.trim() == "?:")
            {
                return Expr::Alt(vec![self.expr(*left, scope), self.expr(*right, scope)]);
            }
        }
        // `x as string`, `x satisfies T`: the value is the first child; Go's `[]byte(x)` its operand.
        if matches!(kind, "as_expression" | "satisfies_expression")
            && let Some(value) = named_children(node).first()
        {
            return self.expr(*value, scope);
        }
        if kind == "type_conversion_expression"
            && let Some(value) = field(node, &["operand"])
        {
            return self.expr(value, scope);
        }
        if kind == "cast_expression"
            && let Some(value) = field(node, &["value"])
        {
            return self.expr(value, scope);
        }
        if NAME_KINDS.contains(&kind) && kind != "variable_declaration" {
            let path = normalise_name(self.text_of(node));
            if !path.is_empty() {
                return Expr::Name { path, span };
            }
        }
        let children = named_children(node);
        if children.len() == 1 && (WRAPPER_KINDS.contains(&kind) || !COLLECTION_KINDS.contains(&kind)) {
            return self.expr(children[0], scope);
        }
        Expr::Other { span }
    }

    /// A string literal's content and its span, or `None` when it interpolates.
    fn string(&self, node: Node<'_>) -> Option<(String, Span)> {
        if node.kind() == "word" {
            // A shell word is a literal unless it expands something.
            let text = self.text_of(node);
            return (!text.contains(['$', '`', '*', '?']) && node.named_child_count() == 0)
                .then(|| (text.to_owned(), span_of(node)));
        }
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        if children.iter().any(|c| INTERPOLATION_KINDS.contains(&c.kind())) {
            return None;
        }
        let content: Vec<&Node<'_>> = children
            .iter()
            .filter(|c| {
                let k = c.kind();
                k.contains("content")
                    || k.contains("fragment")
                    || k == "template_literal"
                    || k.contains("escape")
                    || k == "verbatim_string_characters"
                    || k == "expandable_string_literal"
            })
            .collect();
        if let (Some(first), Some(last)) = (content.first(), content.last())
            && !STRING_KINDS.contains(&first.kind())
        {
            let span = Span::new(first.start_byte(), last.end_byte());
            return Some((self.text.get(span.range())?.to_owned(), span));
        }
        if let [only] = children.as_slice()
            && STRING_KINDS.contains(&only.kind())
        {
            return self.string(*only);
        }
        // No content node: strip the quotes from the text (`''`, `'raw'`, `@"verbatim"`).
        let raw = self.text_of(node);
        let prefix = raw.len() - raw.trim_start_matches(['r', 'R', 'b', 'B', 'u', 'U', 'f', 'F', '@', '$']).len();
        let body = &raw[prefix..];
        let quote = ["\"\"\"", "'''", "\"", "'", "`"]
            .iter()
            .find(|q| body.starts_with(**q) && body.len() >= 2 * q.len() && body.ends_with(**q))?;
        let start = node.start_byte() + prefix + quote.len();
        let end = node.end_byte() - quote.len();
        // Python's `''` has its delimiters as named children (`string_start`, `string_end`).
        let inner = |c: &Node<'_>| !matches!(c.kind(), "escape_sequence" | "string_start" | "string_end");
        if start > end || children.iter().any(inner) {
            return None;
        }
        Some((self.text.get(start..end)?.to_owned(), Span::new(start, end)))
    }
}

/// Collections: a list holding one string is not that string.
const COLLECTION_KINDS: &[&str] = &[
    "list",
    "array",
    "tuple",
    "array_creation_expression",
    "dictionary",
    "object",
    "hash",
    "set",
    "collection_value",
    "array_creation_expression",
    "composite_literal",
    "literal_value",
    "initializer_expression",
    "array_initializer",
    "collection_literal",
    "hash_literal_expression",
];

/// Modifiers, annotations and attribute lists before a declared name.
fn is_decoration(kind: &str) -> bool {
    kind.contains("modifier") || matches!(kind, "attribute_list" | "annotation" | "marker_annotation" | "decorator")
}

/// The node inside parentheses and other one-child wrappers, and inside the one-child chains of
/// precedence levels some grammars build around every operand (PowerShell's).
fn unwrap(mut node: Node<'_>) -> Node<'_> {
    while WRAPPER_KINDS.contains(&node.kind())
        || !STRING_KINDS.contains(&node.kind()) && !NAME_KINDS.contains(&node.kind()) && named_children(node).len() == 1
    {
        match named_children(node).as_slice() {
            [only] => node = *only,
            _ => break,
        }
    }
    node
}

/// Methods that put their last argument into their receiver.
const PUTTERS: &[&str] = &[
    "add",
    "put",
    "push",
    "append",
    "set",
    "offer",
    "insert",
    "addElement",
    "setItem",
    "addLast",
    "addFirst",
    "unshift",
    "Add",
    "Push",
    "Enqueue",
    "setProperty",
    "store",
];

fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 80
        && text.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && text.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// A name's text as a dotted path: receivers that mean "this object" dropped, string and
/// symbol keys kept, numeric and computed indexes dropped. Empty when it is not a plain name.
pub fn normalise_name(raw: &str) -> String {
    let mut text = raw.trim().to_owned();
    for prefix in ["$this->", "this.", "self.", "@@", "@", "$", ":"] {
        if let Some(rest) = text.strip_prefix(prefix) {
            text = rest.to_owned();
        }
    }
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' => {
                let mut inner = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    inner.push(d);
                }
                let key = inner.trim().trim_matches(['"', '\'', ':']);
                if is_name(key) {
                    out.push('.');
                    out.push_str(key);
                }
            }
            c if member_separator(c, &mut chars) => out.push('.'),
            '?' if chars.peek() == Some(&'.') => {}
            '!' => {}
            c if c.is_alphanumeric() || c == '_' || c == '.' || c == '$' => {
                if c != '$' {
                    out.push(c);
                }
            }
            c if c.is_whitespace() => {}
            _ => return String::new(),
        }
    }
    let out = out.trim_matches('.').to_owned();
    if out.is_empty() || out.split('.').any(str::is_empty) || out.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return String::new();
    }
    out
}

/// `->` (PHP) and `::` (Ruby, PHP, C++, Rust) separate members as `.` does; on one, its second
/// character is consumed.
fn member_separator(c: char, chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> bool {
    let second = match c {
        '-' => '>',
        ':' => ':',
        _ => return false,
    };
    chars.next_if_eq(&second).is_some()
}

fn normalise_callee(raw: &str) -> String {
    let mut text = raw.trim();
    if let Some(rest) = text.strip_prefix("new ") {
        text = rest.trim_start();
    }
    let mut out = String::new();
    let mut depth = 0usize;
    // Argument lists and subscripts of calls in the chain are dropped, their names kept:
    // `OpenSSL::PKey::RSA.new(1024).to_pem` is `OpenSSL.PKey.RSA.new.to_pem`, so `*.to_pem` matches.
    let mut groups = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' | '[' => groups += 1,
            ')' | ']' if groups > 0 => groups -= 1,
            _ if groups > 0 => {}
            '<' => depth += 1,
            '>' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            c if member_separator(c, &mut chars) => out.push('.'),
            '?' => {}
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    // `(new B()).badSink` → `badSink`: keep only the last dotted run of names.
    let tail = out.rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '$')).next().unwrap_or("");
    tail.trim_start_matches('.').trim_start_matches('$').to_owned()
}
