//! Value flow within a file: which literals an expression can hold.
//!
//! Flow-insensitive and path-merging on purpose: a value that is a literal on any path counts
//! (`data = "7e5tc4s3"` in one branch, read from the console in another). A name resolves
//! through the bindings of its scope and the scopes around it (method, class, file), through
//! fields (`this.x`), containers (`list.add(v)` then `list.get(0)`), simple conversions
//! (`.toCharArray()`, `bytes(x)`, `String.valueOf(x)`), functions that return a literal, and
//! parameters, from the arguments of every call to the function in the file. What stays open
//! (a parameter, which calls in other files may fill as well; a function defined elsewhere) is
//! returned as an [`Open`] end for the whole-repository join.

use std::collections::HashSet;

use super::lower::{BindKind, Expr, Model};
use crate::span::Span;

/// A literal an expression can hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lit {
    pub text: String,
    pub span: Span,
    /// The environment variable whose default it is (`os.getenv("X", "literal")`).
    pub via: Option<String>,
}

impl Lit {
    /// The literal as the value of a credential use.
    pub fn into_value(self) -> crate::fact::Value {
        crate::fact::Value::Literal { text: self.text, span: self.span, via: self.via }
    }
}

/// A place where the flow leaves the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Open {
    /// Parameter `index` of a function named `function` defined here: calls in other files fill
    /// it, whether or not calls here do. `owner` is the class that defines or receives it (`new
    /// Helper().send(x)`, `Config.get()`, a variable bound to `new Helper()`), a module alias
    /// (`db.connect(x)`), or empty for a top-level function or a bare call; the join
    /// (`code::join`) matches owners.
    Param { owner: String, function: String, index: usize },
    /// The result of calling a function not defined here.
    Returns { owner: String, function: String },
    /// A qualified constant or static field not bound here (`Config.PASSWORD`).
    Member { path: String },
}

/// Conversions that keep the value: receiver or first argument to result.
const CONVERSIONS: &[&str] = &[
    "toCharArray",
    "getBytes",
    "encode",
    "bytes",
    "str",
    "valueOf",
    "toString",
    "trim",
    "strip",
    "String",
    "to_s",
    "to_str",
    "ToCharArray",
    "ToString",
    "Trim",
    "from",
    "copyValueOf",
    "intern",
    "toByteArray",
    "decode",
    "text",
    "utf8",
    "b",
    "to_string",
    "as_bytes",
    "into",
    "String.valueOf",
    "getPassword",
];

/// Reads from a container: receiver to result.
const GETTERS: &[&str] = &[
    "get",
    "remove",
    "elementAt",
    "poll",
    "pop",
    "peek",
    "getFirst",
    "getLast",
    "first",
    "last",
    "removeFirst",
    "removeLast",
    "shift",
    "fetch",
    "Get",
    "ElementAt",
    "Dequeue",
    "Pop",
    "Peek",
    "dig",
    "readObject",
    "next",
    "iterator",
    "values",
    "toArray",
    "clone",
    "getProperty",
];

/// Environment reads: their first argument names the variable, the second is a default.
const ENV_READS: &[&str] = &["getenv", "os.getenv", "os.environ.get", "environ.get", "ENV.fetch", "env", "Getenv"];

#[derive(Debug)]
pub struct Resolver<'m> {
    pub model: &'m Model,
    /// Whether queries follow functions' returns: sinks do; credential-named slots don't (a
    /// method that returns `"no-seed"` on one path and feeds `expectedTokenSignature` is not a
    /// hardcoded token).
    follow_returns: std::cell::Cell<bool>,
    /// The environment variables the last query read (`System.getenv("X")`, `os.environ["X"]`,
    /// `process.env.X`): a sink given one uses a reference, which the credential graph joins.
    env_reads: std::cell::RefCell<Vec<(String, Span)>>,
    /// Each function's returned expressions, by scope.
    returns: std::collections::HashMap<usize, Vec<&'m Expr>>,
    /// Steps taken by the current query: a query stops after [`MAX_STEPS`], so that generated
    /// code with thousands of mutually calling methods can't make one file take minutes.
    steps: std::cell::Cell<usize>,
    /// The step budget of the current query ([`MAX_STEPS`], or less for cheap queries).
    budget: std::cell::Cell<usize>,
}

const MAX_DEPTH: u8 = 8;
const MAX_STEPS: usize = 2_000;

impl<'m> Resolver<'m> {
    pub fn new(model: &'m Model) -> Self {
        let mut returns: std::collections::HashMap<usize, Vec<&'m Expr>> = std::collections::HashMap::new();
        for (scope, value) in &model.returns {
            returns.entry(*scope).or_default().push(value);
        }
        Resolver {
            model,
            returns,
            steps: std::cell::Cell::new(0),
            budget: std::cell::Cell::new(MAX_STEPS),
            follow_returns: std::cell::Cell::new(true),
            env_reads: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// [`Resolver::literals`] with a small budget: for the arguments of every call of a file
    /// (the literals that may leave it), where a long search is rarely worth its cost.
    pub fn literals_nearby(&self, expr: &Expr, scope: usize) -> (Vec<Lit>, Vec<Open>) {
        self.budget.set(64);
        let found = self.literals(expr, scope);
        self.budget.set(MAX_STEPS);
        found
    }

    /// The environment variables the last [`Resolver::literals`] query read.
    pub fn env_reads(&self) -> Vec<(String, Span)> {
        self.env_reads.borrow().clone()
    }

    /// [`Resolver::literals`] without following functions' returns (for slots).
    pub fn literals_without_returns(&self, expr: &Expr, scope: usize) -> Vec<Lit> {
        self.follow_returns.set(false);
        let (literals, _) = self.literals(expr, scope);
        self.follow_returns.set(true);
        literals
    }

    /// The literals `expr` (in `scope`) can hold, and where its flow leaves the file.
    pub fn literals(&self, expr: &Expr, scope: usize) -> (Vec<Lit>, Vec<Open>) {
        let mut out = Vec::new();
        let mut open = Vec::new();
        let mut seen = HashSet::new();
        self.steps.set(0);
        self.env_reads.borrow_mut().clear();
        self.resolve(expr, scope, 0, &mut out, &mut open, &mut seen);
        out.sort_by_key(|l| l.span);
        out.dedup_by_key(|l| l.span);
        open.sort();
        open.dedup();
        (out, open)
    }

    fn resolve(
        &self,
        expr: &Expr,
        scope: usize,
        depth: u8,
        out: &mut Vec<Lit>,
        open: &mut Vec<Open>,
        seen: &mut HashSet<(String, usize)>,
    ) {
        self.steps.set(self.steps.get() + 1);
        if self.steps.get() > self.budget.get() {
            return;
        }
        if depth > MAX_DEPTH {
            return;
        }
        match expr {
            Expr::Str { text, span } => out.push(Lit { text: text.clone(), span: *span, via: None }),
            Expr::Alt(items) => {
                for item in items {
                    self.resolve(item, scope, depth + 1, out, open, seen);
                }
            }
            Expr::Other { .. } => {}
            Expr::Name { path, .. } => self.resolve_name(path, scope, depth, out, open, seen),
            Expr::Call(index) => self.resolve_call(*index, depth, out, open, seen),
        }
    }

    fn resolve_name(
        &self,
        path: &str,
        scope: usize,
        depth: u8,
        out: &mut Vec<Lit>,
        open: &mut Vec<Open>,
        seen: &mut HashSet<(String, usize)>,
    ) {
        // `os.environ["X"]`, `process.env.X`, `ENV["X"]`, `$env:X`: a reference.
        for prefix in ["os.environ.", "environ.", "process.env.", "ENV.", "env:", "Env."] {
            if let Some(variable) = path.strip_prefix(prefix)
                && !variable.is_empty()
                && !variable.contains('.')
            {
                self.env_reads.borrow_mut().push((variable.to_owned(), Span::default()));
                return;
            }
        }
        if !seen.insert((path.to_owned(), scope)) {
            return;
        }
        let model = self.model;
        let mut found = false;
        // Bindings of this name in this scope or a scope around it, or (for a field) in the class.
        let candidates = model.binds_by_name.get(path).map(Vec::as_slice).unwrap_or_default();
        for &index in candidates {
            let bind = &model.binds[index];
            if model.within(scope, bind.scope) || bind.kind == BindKind::Direct && model.class_of(scope) == bind.scope {
                found = true;
                self.resolve(&bind.value, bind.scope, depth + 1, out, open, seen);
            }
        }
        // A parameter: every call to the function, with the argument in its place.
        let base = path.split('.').next().unwrap_or(path);
        let mut at = scope;
        loop {
            let function = &model.scopes[at];
            if let Some(index) = function.params.iter().position(|p| p == base) {
                found = true;
                for &call_index in model.calls_by_method.get(&function.name).map(Vec::as_slice).unwrap_or_default() {
                    let call = &model.calls[call_index];
                    let arg = call
                        .args
                        .iter()
                        .find(|a| a.name.as_deref() == Some(base))
                        .or_else(|| call.args.iter().filter(|a| a.name.is_none()).nth(index));
                    if let Some(arg) = arg {
                        self.resolve(&arg.value, call.scope, depth + 1, out, open, seen);
                    }
                }
                // Calls in other files fill it too, whether or not a call here does.
                if !function.name.is_empty() {
                    let class = model.class_of(at);
                    let owner = if class == 0 { String::new() } else { model.scopes[class].name.clone() };
                    open.push(Open::Param { owner, function: function.name.clone(), index });
                }
                break;
            }
            if at == 0 {
                break;
            }
            at = function.parent;
        }
        if found {
            return;
        }
        // A field assigned in one method and read in another (`dataBad = data;` then
        // `String data = dataBad;`): the bindings of the name anywhere in the same class.
        if !path.contains('.') {
            let class = model.class_of(scope);
            for &index in candidates {
                let bind = &model.binds[index];
                if class != 0 && model.class_of(bind.scope) == class {
                    found = true;
                    self.resolve(&bind.value, bind.scope, depth + 1, out, open, seen);
                }
            }
            if found {
                return;
            }
        }
        // `Config.PASSWORD`: the field of a class of this file, or of another file. A class named
        // as the owner is that class only: `ApiKey.resource_type` is not `Function.resource_type`.
        if let Some((qualifier, last)) = path.rsplit_once('.') {
            let owner = qualifier.rsplit('.').next().unwrap_or(qualifier);
            let owner_classes: Vec<usize> = model
                .scopes_by_name
                .get(owner)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&s| model.scopes[s].is_class)
                .collect();
            let class_named = owner.chars().next().is_some_and(char::is_uppercase);
            let fields = model.binds_by_name.get(last).map(Vec::as_slice).unwrap_or_default();
            let mut here = false;
            for &index in fields {
                let bind = &model.binds[index];
                let owned = if owner_classes.is_empty() {
                    !class_named && (bind.scope == 0 || model.scopes[bind.scope].is_class)
                } else {
                    owner_classes.contains(&bind.scope)
                };
                if bind.kind == BindKind::Direct && owned {
                    here = true;
                    self.resolve(&bind.value, bind.scope, depth + 1, out, open, seen);
                }
            }
            if !here && path.chars().next().is_some_and(char::is_uppercase) {
                open.push(Open::Member { path: path.to_owned() });
            }
        }
    }

    fn resolve_call(
        &self,
        index: usize,
        depth: u8,
        out: &mut Vec<Lit>,
        open: &mut Vec<Open>,
        seen: &mut HashSet<(String, usize)>,
    ) {
        let model = self.model;
        let call = &model.calls[index];
        let method = call.method.as_str();
        if ENV_READS.contains(&call.callee.as_str()) || ENV_READS.contains(&method) && call.receiver.is_some() {
            // An environment read is a reference; its literal default is a hardcoded value.
            if let Some(Expr::Str { text: variable, .. }) = call.args.first().map(|a| &a.value) {
                self.env_reads.borrow_mut().push((variable.clone(), call.span));
            }
            if let (Some(name), Some(default)) = (call.args.first(), call.args.get(1))
                && let Expr::Str { text: variable, .. } = &name.value
            {
                let mut defaults = Vec::new();
                self.resolve(&default.value, call.scope, depth + 1, &mut defaults, open, seen);
                out.extend(
                    defaults.into_iter().map(|l| Lit { via: Some(format!("the default of `{variable}`")), ..l }),
                );
            }
            return;
        }
        if CONVERSIONS.contains(&method) {
            match (&call.receiver, call.args.first()) {
                (Some(receiver), _) if !is_type_name(receiver) => {
                    self.resolve(receiver, call.scope, depth + 1, out, open, seen)
                }
                (_, Some(arg)) => self.resolve(&arg.value, call.scope, depth + 1, out, open, seen),
                _ => {}
            }
            return;
        }
        if GETTERS.contains(&method)
            && let Some(receiver) = &call.receiver
        {
            self.resolve(receiver, call.scope, depth + 1, out, open, seen);
            return;
        }
        if !self.follow_returns.get() {
            return;
        }
        // A function of this file: what it returns.
        let functions = model.scopes_by_name.get(method).map(Vec::as_slice).unwrap_or_default();
        let mut defined = false;
        for &function in functions {
            if model.scopes[function].is_class {
                continue;
            }
            defined = true;
            // Each function's returns are read once per query.
            if !seen.insert((format!("{method}()"), function)) {
                continue;
            }
            for value in self.returns.get(&function).map(Vec::as_slice).unwrap_or_default() {
                self.resolve(value, function, depth + 1, out, open, seen);
            }
        }
        if !defined
            && !method.is_empty()
            && let Some(owner) = self.receiver_owner(index)
        {
            open.push(Open::Returns { owner, function: method.to_owned() });
        }
    }
}

impl Resolver<'_> {
    /// Who a call goes to, for the whole-repository join: empty for a bare call, the class of a
    /// constructed or static receiver, the class a variable receiver was constructed as, or a
    /// module alias; `None` when the receiver is something else (then nothing is joined: a join
    /// on a method name alone, such as every `getId()`, would join unrelated code).
    pub fn receiver_owner(&self, call_index: usize) -> Option<String> {
        let model = self.model;
        let call = &model.calls[call_index];
        match call.receiver.as_deref() {
            None => Some(String::new()),
            Some(Expr::Call(index)) => constructed_class(&model.calls[*index].callee),
            Some(Expr::Name { path, .. }) => {
                if path.chars().next().is_some_and(char::is_uppercase) {
                    return path.rsplit('.').next().map(str::to_owned);
                }
                for &index in model.binds_by_name.get(path).map(Vec::as_slice).unwrap_or_default() {
                    let bind = &model.binds[index];
                    if model.within(call.scope, bind.scope) || model.class_of(call.scope) == model.class_of(bind.scope)
                    {
                        if let Expr::Call(constructor) = &bind.value {
                            return constructed_class(&model.calls[*constructor].callee);
                        }
                        return None;
                    }
                }
                Some(path.clone())
            }
            _ => None,
        }
    }
}

/// The class a constructor call builds: `X` for `new X()` and Python's `X()`, `Foo` for Ruby's
/// `Foo.new`.
fn constructed_class(callee: &str) -> Option<String> {
    let mut segments = callee.rsplit('.');
    let last = segments.next()?;
    let class = if last == "new" { segments.next()? } else { last };
    class.chars().next().is_some_and(char::is_uppercase).then(|| class.to_owned())
}

/// `String.valueOf(x)`: the receiver is a type, the value is the argument.
fn is_type_name(expr: &Expr) -> bool {
    matches!(expr, Expr::Name { path, .. } if path.chars().next().is_some_and(char::is_uppercase) && !path.contains('.') && path.chars().any(char::is_lowercase))
}
