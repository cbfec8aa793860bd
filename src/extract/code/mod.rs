//! Code read through syntax trees (issue #17): every language with a tree-sitter grammar here
//! (`lang`), lowered to one small language-neutral model (`lower`), where credential-named slots
//! (`slots`), sinks from the catalogue (`sinks`) and the flow of literals to both (`flow`) are
//! found once for all languages.

pub mod flow;
pub mod lang;
pub mod lower;
pub mod sinks;
mod slots;

use std::path::Path;

use crate::fact::{CredentialUse, Scheme, Target, Value};
use crate::rules::Sink;
use crate::source::SourceFile;
use crate::span::Span;
use flow::{Lit, Open, Resolver};
use lang::Lang;
use lower::{Expr, Model};
use sinks::SinkKind;

/// What the tree of one file says.
#[derive(Debug, Default)]
pub struct CodeFacts {
    pub uses: Vec<CredentialUse>,
    /// The tree has syntax errors: the text patterns the tree replaces run too.
    pub has_errors: bool,
    /// A tree was built (not a minified file skipped unread).
    pub parsed: bool,
    pub test_regions: Vec<Span>,
    /// Literals whose flow leaves the file, and sinks whose value comes from outside it: the
    /// whole-repository stage joins them by name (`flow::Open`).
    pub summary: FlowSummary,
}

/// The ends of a file's flows that another file may close.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FlowSummary {
    /// A literal that leaves through `Open` (an argument to a function defined elsewhere, the
    /// return of a function called elsewhere, a static field read elsewhere).
    pub exits: Vec<(Open, Exit)>,
    /// A sink whose secret comes through `Open` (a parameter other files may fill, a function
    /// defined elsewhere, a constant defined elsewhere).
    pub entries: Vec<(Open, Entry)>,
    /// A parameter of a function here passed on to a function elsewhere: (the parameter, where
    /// it goes). A chain of calls across files (`a` → `b.send(x)` → `c.send(x)` → sink) is
    /// joined through these.
    pub forwards: Vec<(Open, Open)>,
}

impl FlowSummary {
    /// Every span moved `offset` bytes right (a Markdown code block placed back in its file).
    pub fn shifted(self, offset: usize) -> FlowSummary {
        self.mapped(&|span: Span| span.shifted(offset))
    }

    /// Every span moved by `f`.
    pub fn mapped(self, f: &dyn Fn(Span) -> Span) -> FlowSummary {
        FlowSummary {
            exits: self
                .exits
                .into_iter()
                .map(|(open, exit)| {
                    let literal = Lit { span: f(exit.literal.span), ..exit.literal };
                    (open, Exit { literal, span: f(exit.span) })
                })
                .collect(),
            entries: self.entries,
            forwards: self.forwards,
        }
    }

    pub fn extend(&mut self, other: FlowSummary) {
        self.exits.extend(other.exits);
        self.entries.extend(other.entries);
        self.forwards.extend(other.forwards);
    }
}

/// A literal leaving the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit {
    pub literal: Lit,
    /// The statement holding it.
    pub span: Span,
}

/// A sink reached from outside the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub sink: String,
    pub kind: SinkKind,
    pub callee: String,
}

/// Reads `file` through its syntax tree, if a grammar here reads it.
pub fn extract(file: &SourceFile, sinks: &[Sink], sink_named: bool) -> Option<CodeFacts> {
    let lang = Lang::of(&file.path, file.kind)?;
    if has_long_lines(&file.text) {
        // A bundle's one-letter names and inlined dependencies are no one's credential slots,
        // and its size makes the flow costly: nothing is read from it (the text patterns
        // written for any file, such as URL credentials and known token formats, still run).
        return Some(CodeFacts::default());
    }
    if file.text.len() > GENERATED_SIZE {
        // No tree: the text patterns, their fallbacks for code included, read it.
        return None;
    }
    if !sink_named && !worth_parsing(&file.text) {
        return None;
    }
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&lang.grammar()).ok()?;
    let tree = parser.parse(&*file.text, None)?;
    let model = lower::lower(tree.root_node(), &file.text);
    let resolver = Resolver::new(&model);
    let has_errors = tree.root_node().has_error();
    let mut facts =
        CodeFacts { test_regions: model.test_regions.clone(), has_errors, parsed: true, ..CodeFacts::default() };
    slots::slot_uses(&model, &resolver, lang, &mut facts.uses);
    sink_uses(&model, &resolver, lang, sinks, &mut facts);
    exits(&model, &resolver, &mut facts.summary);
    Some(facts)
}

fn sink_uses(model: &Model, resolver: &Resolver<'_>, lang: Lang, sinks: &[Sink], facts: &mut CodeFacts) {
    for call in &model.calls {
        for sink in sinks.iter().filter(|s| s.languages.iter().any(|l| lang.matches(l))) {
            let Some(bound) = sink.patterns.iter().find_map(|p| p.matches(call)) else { continue };
            let Some(secret) = bound.secret else { continue };
            let (literals, open) = resolver.literals(secret, call.scope);
            let env_reads = resolver.env_reads();
            for entry in open {
                facts
                    .summary
                    .entries
                    .push((entry, Entry { sink: sink.id.to_string(), kind: sink.kind, callee: call.callee.clone() }));
            }
            let user = bound.user.and_then(|user| single_value(resolver, user, call.scope));
            let target = bound.url.and_then(|url| {
                let (urls, _) = resolver.literals(url, call.scope);
                let url = urls.into_iter().next()?;
                Some(Target { host: crate::extract::target::host_of(&url.text), text: url.text, span: url.span })
            });
            for literal in literals {
                let secret = literal.into_value();
                facts.uses.push(sink_use(sink, call.callee.clone(), secret, user.clone(), target.clone(), call.span));
            }
            // An environment variable given to the sink: a reference (no finding of its own, but
            // a node of the credential graph, and a password by its name at a basic-auth sink).
            let secret_span = secret.span(model);
            for (variable, span) in env_reads {
                let span = if span == Span::default() { secret_span } else { span };
                let secret = Value::Reference { kind: crate::fact::RefKind::Env, name: variable, span };
                let credential = sink_use(sink, call.callee.clone(), secret, user.clone(), target.clone(), call.span);
                facts.uses.push(credential);
            }
        }
    }
}

/// The use a literal reaching a sink makes.
pub fn sink_use(
    sink: &Sink,
    callee: String,
    secret: Value,
    user: Option<Value>,
    target: Option<Target>,
    span: Span,
) -> CredentialUse {
    let scheme = match sink.kind {
        SinkKind::HttpBasic => Scheme::Basic,
        SinkKind::HttpBearer => Scheme::Bearer,
        SinkKind::Header => Scheme::Header,
        _ => Scheme::ConfigField,
    };
    let connection = (target.is_none()).then_some(callee);
    CredentialUse {
        scheme,
        user,
        secret,
        secret_name: sink.kind.secret_name().map(str::to_owned),
        target,
        connection,
        span,
        extractor: format!("sink:{}", sink.id).into(),
    }
}

/// A user or other value that is one literal, else nothing.
fn single_value(resolver: &Resolver<'_>, expr: &Expr, scope: usize) -> Option<Value> {
    let (literals, _) = resolver.literals(expr, scope);
    match literals.as_slice() {
        [one] => Some(Value::literal(one.text.clone(), one.span)),
        _ => None,
    }
}

/// Literals that leave the file: an argument to a function not defined here, the return of a
/// function, a static field assigned here.
fn exits(model: &Model, resolver: &Resolver<'_>, summary: &mut FlowSummary) {
    // Only what could be a secret leaves: the join is by name, and every `print("…")` would
    // otherwise be kept for it.
    let secret_like = |literal: &Lit| {
        literal.text.chars().count() >= 4
            && !literal.text.contains(char::is_whitespace)
            && crate::classify::classify_literal(&literal.text, crate::classify::NamePrior::Password).class
                != crate::classify::SecretClass::Placeholder
    };
    let classes_here: std::collections::HashSet<&str> =
        model.scopes.iter().filter(|s| s.is_class).map(|s| s.name.as_str()).collect();
    for (call_index, call) in model.calls.iter().enumerate() {
        if call.method.is_empty() {
            continue;
        }
        let Some(owner) = resolver.receiver_owner(call_index) else { continue };
        // A call to a function of this file was followed here already.
        let here = model.scopes_by_name.contains_key(&call.method)
            && (owner.is_empty() || classes_here.contains(owner.as_str()));
        if here {
            continue;
        }
        for (index, arg) in call.args.iter().filter(|a| a.name.is_none()).enumerate() {
            if !matches!(arg.value, Expr::Name { .. } | Expr::Str { .. }) {
                continue;
            }
            let (literals, opens) = resolver.literals_nearby(&arg.value, call.scope);
            let to = Open::Param { owner: owner.clone(), function: call.method.clone(), index };
            for literal in literals.into_iter().filter(secret_like) {
                summary.exits.push((to.clone(), Exit { literal, span: call.span }));
            }
            for from in opens.into_iter().filter(|o| matches!(o, Open::Param { .. })) {
                summary.forwards.push((from, to.clone()));
            }
        }
    }
    for (scope, value) in &model.returns {
        let function = &model.scopes[*scope];
        if function.name.is_empty() || function.is_class {
            continue;
        }
        let (literals, _) = resolver.literals(value, *scope);
        for literal in literals.into_iter().filter(secret_like) {
            let span = literal.span;
            let class = model.class_of(*scope);
            let owner = if class == 0 { String::new() } else { model.scopes[class].name.clone() };
            let open = Open::Returns { owner, function: function.name.clone() };
            summary.exits.push((open, Exit { literal, span }));
        }
    }
    for bind in &model.binds {
        // `Config.PASSWORD = "…"` and `static String PASSWORD = "…"` in class `Config`.
        let qualified = if bind.name.contains('.') {
            bind.name.clone()
        } else if model.scopes[bind.scope].is_class {
            format!("{}.{}", model.scopes[bind.scope].name, bind.name)
        } else {
            continue;
        };
        if let Expr::Str { text, span } = &bind.value {
            let literal = Lit { text: text.clone(), span: *span, via: None };
            if !secret_like(&literal) {
                continue;
            }
            summary.exits.push((Open::Member { path: qualified }, Exit { literal, span: bind.span }));
        }
    }
}

/// A credential word used like a slot: followed by an assignment, key, comparison or call
/// (`password =`, `'PASSWORD':`, `db_pass !=`, `setPassword(`, `"PASSWORD",`), the long words
/// also with a qualifier after them (`my_password_secure =`). The short `pass` and `pwd` must
/// start a word or follow `_` or a lower-case letter (`db_pass =`, `dbPass =`, not `bypass =`),
/// and take no call or list (`pass(`, `'pass',`). `token` and `api_key` are every lexer's and
/// parser's words: for them a quoted literal must follow, past a type
/// annotation (`token = "…"`, `API_TOKEN: Final = "…"`, `"API_TOKEN", "…"`), or be compared
/// (`"…" == token`). Parsing costs far more than this pass, and most files that merely mention
/// a token (a tokenizer, a Python `pass` statement) have none.
static SLOT_HINT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r#"(?i)(?:password|passwd|passphrase|secret|credentials?)\w*['"\]]?[ \t]*(?:[:=!,(]|=>|-eq)|(?:(?:(?-u:\b)|_)(?-i:pass|pwd|PASS|PWD|Pass|Pwd)|[a-z0-9](?-i:PASS|PWD|Pass|Pwd))['"\]]?[ \t]*(?:[:=!]|=>|-eq)|(?:token|api_?key|apikey|authorization)\w*['"\]]?(?:[ \t]*:[ \t]*[\w.\[\]<>?]+)?[ \t]*(?:[:=,]|=>|==|!=|-eq)[ \t]*[@$rbufRBUF]{0,2}['"]|['"][ \t]*(?:==|!=)[ \t]*\w*token|(?:==|!=)[ \t]*\w*(?:pass|pwd|secret)"#,
    )
    .expect("static regex")
});

/// What may follow a slot hint's `:` when it is only a type annotation: a string type, then the
/// end of the parameter or line, or a null default (`password: str,`, `password: Optional[str] =
/// None`, `token: string | undefined`). A name after the `:` may be a variable holding a literal
/// (`{password: pw}`), so only type names count.
static ANNOTATION_ONLY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"^[ \t]*(?:(?:typing\.)?(?:Optional\[[^\]\n]*\]|str|string|String|bytes|SecretStr|Any|any|char\[\])(?:[ \t]*\|[ \t]*(?:None|null|undefined))?)[ \t]*(?:[,);]|=[ \t]*(?:None|null|nil|undefined)(?-u:\b)|\r?$)",
    )
    .expect("static regex")
});

fn worth_parsing(text: &str) -> bool {
    SLOT_HINT.find_iter(text).any(|hint| {
        if !hint.as_str().ends_with(':') {
            return true;
        }
        let rest = &text[hint.end()..];
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        !ANNOTATION_ONLY.is_match(line)
    })
}

/// Minified or generated code: long lines on average (a bundle is a few lines of thousands of
/// characters), or over [`GENERATED_SIZE`] (a data table, a generated parser, a policy dump).
fn is_minified(text: &str) -> bool {
    text.len() > GENERATED_SIZE || has_long_lines(text)
}

/// Long lines on average: a bundle.
fn has_long_lines(text: &str) -> bool {
    // The length first: counting lines is a pass over the text, and most files are short.
    text.len() > 4096 && text.len() / text.lines().count().max(1) > 300
}

/// A code file larger than this is generated, not written, and is read by the text patterns
/// only (the fallbacks for code included): a syntax tree and its model take about 100 times the file's size in memory (a 20 MB
/// script of two million short lines took 1.9 GB and 12 s; the text patterns read it in 0.1 s).
const GENERATED_SIZE: usize = 1 << 20;

/// The modules a file's top-level functions belong to: its stem (`db.py`) and its directory (a Go
/// package).
fn module_names(path: &Path) -> Vec<String> {
    [path.file_stem(), path.parent().and_then(Path::file_name)]
        .into_iter()
        .flatten()
        .map(|name| name.to_string_lossy().into_owned())
        .collect()
}

/// The keys an open end of a file is known under: itself, and for a top-level function (no
/// owner) the same end owned by each of the file's modules.
fn owner_keys(open: &Open, modules: &[String]) -> Vec<Open> {
    let mut keys = vec![open.clone()];
    match open {
        Open::Param { owner, function, index } if owner.is_empty() => {
            keys.extend(modules.iter().map(|m| Open::Param {
                owner: m.clone(),
                function: function.clone(),
                index: *index,
            }))
        }
        Open::Returns { owner, function } if owner.is_empty() => {
            keys.extend(modules.iter().map(|m| Open::Returns { owner: m.clone(), function: function.clone() }))
        }
        _ => {}
    }
    keys
}

/// Every open end some sink is reached through, with the sinks it reaches: each file's entries
/// under their owner keys, then parameters passed on (`forwards`) reach every sink their
/// destination reaches, to a fixed point (each round adds at least one entry or stops).
fn reached_entries<'a>(summaries: &[(&Path, &'a FlowSummary)]) -> std::collections::HashMap<Open, Vec<&'a Entry>> {
    // A top-level function's owner is its module: the file's stem (`db.py`) or, for Go, its
    // package directory; a bare call (owner empty) reaches any top-level function.
    let mut entries: std::collections::HashMap<Open, Vec<&Entry>> = std::collections::HashMap::new();
    for (path, summary) in summaries {
        let modules = module_names(path);
        for (open, entry) in &summary.entries {
            for key in owner_keys(open, &modules) {
                entries.entry(key).or_default().push(entry);
            }
        }
    }
    let forwards: Vec<(Open, Vec<Open>)> = summaries
        .iter()
        .flat_map(|(path, summary)| {
            let modules = module_names(path);
            summary.forwards.iter().map(move |(from, to)| (from.clone(), owner_keys(to, &modules)))
        })
        .collect();
    loop {
        let mut added = false;
        for (from, tos) in &forwards {
            let reached: Vec<&Entry> = tos.iter().filter_map(|to| entries.get(to)).flatten().copied().collect();
            let known = entries.entry(from.clone()).or_default();
            for entry in reached {
                if !known.iter().any(|k| std::ptr::eq(*k, entry)) {
                    known.push(entry);
                    added = true;
                }
            }
        }
        if !added {
            break;
        }
    }
    entries.retain(|_, reached| !reached.is_empty());
    entries
}

/// A function whose parameter reaches a sink, and the class or module it belongs to: a file
/// that names both may pass a literal to the sink while naming no credential, so the scan parses
/// such files in a second pass (`demand`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Demand {
    pub owner: String,
    pub function: String,
}

/// Every [`Demand`] of `summaries`. A top-level function is demanded under its module names (a
/// caller imports the module, or writes `pkg.Func`); a bare call from within the same package
/// is not followed. Names shorter than four characters are in every file and are left out.
pub fn demanded_functions(summaries: &[(&Path, &FlowSummary)]) -> Vec<Demand> {
    let mut demands: Vec<Demand> = reached_entries(summaries)
        .into_keys()
        .filter_map(|open| match open {
            Open::Param { owner, function, .. } if !owner.is_empty() && function.chars().count() >= 4 => {
                // `self.client`, `db`: the last segment is the name a caller writes.
                let owner = owner.rsplit(['.', ':']).next().unwrap_or_default().to_owned();
                (owner.chars().count() >= 2).then_some(Demand { owner, function })
            }
            _ => None,
        })
        .collect();
    demands.sort();
    demands.dedup();
    demands
}

/// Finds, in a file's text, the [`Demand`]s it names: both the function and its owner, each as a
/// whole word.
#[derive(Debug)]
pub struct DemandMatcher {
    words: aho_corasick::AhoCorasick,
    /// Each demand as (owner, function) indexes into the matcher's words.
    pairs: Vec<(usize, usize)>,
    count: usize,
}

impl DemandMatcher {
    pub fn new(demands: &[Demand]) -> Option<DemandMatcher> {
        let mut words: Vec<&str> = demands.iter().flat_map(|d| [d.owner.as_str(), d.function.as_str()]).collect();
        words.sort_unstable();
        words.dedup();
        let index = |word: &str| words.binary_search(&word).ok();
        let pairs = demands.iter().filter_map(|d| Some((index(&d.owner)?, index(&d.function)?))).collect();
        let matcher = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&words)
            .ok()?;
        Some(DemandMatcher { words: matcher, pairs, count: words.len() })
    }

    /// Whether `text` names some demanded function together with its owner.
    pub fn is_match(&self, text: &str) -> bool {
        let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let bytes = text.as_bytes();
        let mut seen = vec![false; self.count];
        for m in self.words.find_iter(text) {
            let before = m.start().checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(m.end()).copied();
            if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
                seen[m.pattern().as_usize()] = true;
            }
        }
        self.pairs.iter().any(|&(owner, function)| seen[owner] && seen[function])
    }
}

/// Whether `file` is code in a language with a grammar here, so a second pass could parse it.
pub fn has_grammar(file: &SourceFile) -> bool {
    Lang::of(&file.path, file.kind).is_some() && !is_minified(&file.text)
}

/// The whole-repository join: each literal leaving a file through an [`Open`] end that a sink
/// in some file is reached through becomes a use of that sink, in the literal's file. Files are
/// (path, summary); the uses come back with the index of their file.
pub fn join(summaries: &[(&Path, &FlowSummary)], sinks: &[Sink]) -> Vec<(usize, CredentialUse)> {
    let entries = reached_entries(summaries);
    let mut uses = Vec::new();
    for (index, (_, summary)) in summaries.iter().enumerate() {
        for (open, exit) in &summary.exits {
            let Some(reached) = entries.get(open) else { continue };
            let mut seen = std::collections::HashSet::new();
            for entry in reached {
                if !seen.insert((&entry.sink, &entry.callee)) {
                    continue;
                }
                let Some(sink) = sinks.iter().find(|s| *s.id == *entry.sink) else { continue };
                let mut credential =
                    sink_use(sink, entry.callee.clone(), exit.literal.clone().into_value(), None, None, exit.span);
                credential.extractor = format!("sink:{}:across-files", sink.id).into();
                uses.push((index, credential));
            }
        }
    }
    uses
}

/// The sink pattern syntax and every sink of `catalogue`, for `credlint explain sinks`.
pub fn explain_sinks(catalogue: &crate::rules::Catalogue) -> String {
    let mut out = String::from(SINK_SYNTAX);
    out.push_str("\nSinks in the catalogue (id, kind, languages, patterns):\n");
    for sink in catalogue.sinks() {
        out.push_str(&format!(
            "\n  {} ({}; {})\n    {}\n",
            sink.id,
            sink.kind.name(),
            sink.languages.join(", "),
            sink.description
        ));
        for pattern in &sink.patterns {
            out.push_str(&format!("    {}\n", pattern.source()));
        }
    }
    out
}

const SINK_SYNTAX: &str = r#"Sinks: calls that take a credential, in every language with a syntax tree (Python, JavaScript,
TypeScript, Java, Kotlin, Go, Ruby, PHP, C#, bash, PowerShell, HCL). A literal that reaches a
sink's $SECRET (directly, or through variables, fields, constants, containers, conversions, a
function's return or a parameter, in this file or another) is reported at the literal.

Add your own in a TOML file and pass its folder with --rules DIR:

  [[sink]]
  id = "my-db-client"
  description = "MyDb.open(host, user, password)"
  kind = "database"
  languages = ["java", "kotlin"]
  patterns = ["MyDb.open($URL, $USER, $SECRET)", "MyDb.open(..., password=$SECRET)"]
  examples = ['String pw = "Tr0ub4dor&3"; MyDb.open("db", "app", pw);']
  negative_examples = ['MyDb.open("db", "app", System.getenv("DB_PASSWORD"));']

kind: http-basic, http-bearer, header, database, smtp, ldap, kerberos, ssh, broker, cloud, login,
cli-flag, key-passphrase (what encrypts or unlocks a private key or key store).
A login kind (database, smtp, ldap, kerberos, ssh, broker, login, cli-flag, key-passphrase) takes a
password; http-basic reports a password as basic-auth-password; a token is a token wherever it
goes. A guessable word (`pass`, `secret`) written at a password-taking call is reported as a
warning; elsewhere it is a placeholder.

Pattern syntax: a callee path, then arguments in parentheses.
  callee     matches the end of the call's callee, segment by segment: `getConnection` matches
             `java.sql.DriverManager.getConnection`; `*` is any one segment; `new` is optional
             (`KerberosKey(...)` matches `new KerberosKey(...)` and Ruby's `KerberosKey.new(...)`).
  $SECRET    the credential (required)      $USER  the user      $URL  the connection
  $_         any one argument               ...    any number of arguments
  name=$X    a keyword or named argument `name` wherever it is (`name:` reads the same)
A file is read as a tree only if it holds a credential word or a sink's callee name. Loading
checks each pattern; the test suite runs every example through the pipeline.
"#;

#[cfg(test)]
mod tests {
    use super::worth_parsing;

    /// A generated-size code file gets no tree (its model would take about 100 times its size)
    /// but loses nothing: the text patterns, the code fallbacks included, read it.
    #[test]
    fn a_generated_size_file_is_read_by_the_text_patterns() {
        let catalogue = crate::rules::Catalogue::embedded().unwrap();
        let mut text = "x = 1\n".repeat((super::GENERATED_SIZE / 6) + 1);
        text.push_str("DB_PASSWORD = \"Tr0ub4dor&3\"\n");
        let file = crate::source::SourceFile::new(
            std::path::PathBuf::from("app/settings.py"),
            crate::source::FileKind::Python,
            text,
        );
        assert!(super::extract(&file, catalogue.sinks(), true).is_none());
        let (facts, findings) = crate::scan_source(&file, &catalogue);
        assert!(!facts.tree_parsed);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(&*findings[0].rule, "hardcoded-credential");
    }

    /// The gate opens a file on a credential word used like a slot, and not on the words that
    /// only look like one.
    #[test]
    fn the_slot_hint_opens_slots_and_skips_look_alikes() {
        for opens in [
            "password = x",
            "db_pass = x",
            "dbPass = x",
            "DB_PWD: x",
            "login(password=x)",
            "opts = {password: pw}",
            "def f(password: str = \"Tr0ub4dor&3\"):",
            "credentials = Credentials.basic(user, pw)",
            "token = 'x'",
        ] {
            assert!(worth_parsing(opens), "{opens}");
        }
        for skips in [
            "if bypass(x): pass",
            "words = ('pass', 'fail')",
            "def f(password: str, user: str):",
            "def f(password: Optional[str] = None):",
            "password: string | undefined;",
            "token = next(tokens)",
            "# Redistribution and use",
        ] {
            assert!(!worth_parsing(skips), "{skips}");
        }
    }
}
