//! The rule catalogue: rule metadata and extraction patterns, loaded from TOML and compiled.
//!
//! Two layers (STYLE.md): [`def`] holds the serde structs exactly as written; this module
//! validates them into [`Rule`] and [`Pattern`] (compiled regexes, known kinds and schemes) and
//! builds the keyword prefilter. Every error names the file and the TOML line. The embedded rules
//! (`rules/` at build time) load first; `--rules DIR` adds files after them.

pub mod def;
pub mod docs;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};
use toml::Spanned;

use self::def::{ExampleDef, PatternDef, RuleDef, RuleFileDef, SinkDef, TokenApiDef};
use crate::fact::{Scheme, TokenApi};
use crate::finding::Severity;
use crate::source::FileKind;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The rules that `check` and `analyze` implement; a rule file may describe only these.
pub const IMPLEMENTED_RULES: &[&str] = &[
    "basic-auth-password",
    "cleartext-credential",
    "credential-expired",
    "credential-expiring-soon",
    "credential-in-url",
    "credential-without-owner",
    "database-without-password",
    "hardcoded-credential",
    "invalid-suppression",
    "shared-credential",
    "token-lifetime-too-long",
    "token-without-expiry",
    "unregistered-credential",
    "unused-suppression",
];

/// A compiled pattern can't grow beyond this (a user's rule file must not exhaust memory).
const REGEX_SIZE_LIMIT: usize = 4 << 20;

/// The longest a pattern's regex may be, macros expanded (the longest embedded one is under 2 KB).
const MAX_PATTERN_BYTES: usize = 8 << 10;

/// A rule-loading error, pointing at the rule file and line.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{file}:{line}: {message}")]
    Invalid { file: String, line: usize, message: String },
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// A token format file of a rules directory that can't be used; the message names the file.
    #[error("{0}")]
    TokenFormats(String),
}

/// One rule's metadata and examples.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: Arc<str>,
    pub name: String,
    pub severity: Severity,
    pub summary: String,
    pub description: String,
    pub remediation: String,
    pub references: Vec<String>,
    pub cwe: Vec<u32>,
    pub security_severity: f64,
    pub precision: String,
    pub examples: Vec<ExampleDef>,
    pub negative_examples: Vec<ExampleDef>,
    /// Where the rule was defined (`rules/basic-auth-password.toml:1`).
    pub origin: String,
}

/// How a pattern's captured values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// The language of the file: quotes, identifiers, environment reads.
    Code,
    /// Shell words: bare words are literals, `$X` is a reference.
    Shell,
    /// Verbatim text (URLs, headers): only template references are recognised.
    Raw,
    /// The id of a secret in a credentials store (Jenkins `credentialsId`): always a reference.
    Store,
}

/// A compiled extraction pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub id: Arc<str>,
    pub description: String,
    /// `None` means every kind.
    pub kinds: Option<Vec<FileKind>>,
    pub keywords: Vec<String>,
    pub regex: PatternRegex,
    pub scheme: Scheme,
    pub syntax: Syntax,
    pub secret_name: Option<String>,
    pub connection: Option<String>,
    /// Runs only on files no syntax tree reads.
    pub fallback: bool,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
    pub origin: String,
}

/// A pattern's regex. User rule files compile theirs at load, so that an error points at its
/// line; the embedded catalogue's compile on first use, on the worker thread that needs one, so a
/// scan pays only for the patterns whose keywords occur and start-up stays short. (The tests
/// load the embedded files the eager way, so every embedded regex is known to compile.)
#[derive(Debug, Clone)]
pub struct PatternRegex {
    source: String,
    compiled: std::sync::OnceLock<Regex>,
}

impl PatternRegex {
    pub fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            build_pattern_regex(&self.source)
                .expect("embedded patterns compile (checked by rules::load_tests::the_embedded_catalogue_compiles)")
        })
    }
}

fn build_pattern_regex(source: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(&ascii_word_boundaries(source))
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// `\b` made ASCII (`(?-u:\b)`): the identifiers the patterns delimit are ASCII, and a
/// Unicode word boundary stops the regex engine's lazy DFA at the first non-ASCII byte of a file,
/// leaving its slowest engine to scan the rest (a third of the scan time on a tree of Python
/// packages with non-ASCII docstrings).
pub(crate) fn ascii_word_boundaries(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 16);
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // `\B` stays: an ASCII one could match inside a UTF-8 sequence, which `Regex` refuses.
            Some('b') => out.push_str("(?-u:\\b)"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

impl Pattern {
    pub fn applies_to(&self, kind: FileKind) -> bool {
        self.kinds.as_ref().is_none_or(|kinds| kinds.contains(&kind))
    }
}

/// How a token API's expiry field reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryUnit {
    Days,
    Months,
    /// A calendar date (`2026-03-31`, an ISO timestamp).
    Date,
    /// Milliseconds since the epoch.
    EpochMs,
    /// A flag whose `true` means the token never expires.
    Forever,
    /// A rotation policy (Terraform `rotation_configuration`): the token is renewed.
    Rotation,
}

/// A compiled token API.
#[derive(Debug, Clone)]
pub struct TokenApiSpec {
    pub api: TokenApi,
    pub description: String,
    pub endpoint: Regex,
    pub keywords: Vec<String>,
    /// Upper-case methods; empty when any match is a creation.
    pub create_methods: Vec<String>,
    /// Each expiry field: its key, how its value reads, and the regex that finds it in a body.
    pub expiry: Vec<(String, ExpiryUnit, Regex)>,
    pub default_expiry_days: Option<u64>,
}

/// A call that takes a credential (`[[sink]]`), compiled.
#[derive(Debug)]
pub struct Sink {
    pub id: Arc<str>,
    pub description: String,
    pub kind: crate::extract::code::sinks::SinkKind,
    pub languages: Vec<String>,
    pub patterns: Vec<crate::extract::code::sinks::SinkPattern>,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
    /// `file:line` of the definition.
    pub origin: String,
}

/// What the prefilter found in one file.
#[derive(Debug, Default)]
pub struct Candidates<'c> {
    pub patterns: Vec<&'c Pattern>,
    pub token_apis: Vec<&'c TokenApiSpec>,
    /// The `PARSE_GATE` parsers whose words occur (`GATE_RUST`, `GATE_CONFIG` bits).
    pub parsers: u8,
}

/// Every rule, pattern and token API, with the prefilter over all their keywords.
#[derive(Debug)]
pub struct Catalogue {
    rules: BTreeMap<Arc<str>, Rule>,
    patterns: Vec<Pattern>,
    token_apis: Vec<TokenApiSpec>,
    sinks: Vec<Sink>,
    prefilter: AhoCorasick,
    /// For each prefilter keyword, what it gates: a pattern index, or `patterns.len() + api index`.
    keyword_patterns: Vec<Vec<usize>>,
    /// Keywords from this index on are parser-gate words (`PARSE_GATE`, then sink callees).
    parse_gate: usize,
    /// For each parser-gate word, what it opens and where.
    gates: Vec<Gate>,
    /// The prefilter's keywords, lowercased, in automaton order (pattern and API keywords, then
    /// `PARSE_GATE` words).
    prefilter_keywords: Vec<String>,
}

/// Which parser a `PARSE_GATE` word opens.
pub const GATE_RUST: u8 = 1;
pub const GATE_CONFIG: u8 = 2;
/// The syntax-tree reader of other languages (`extract::code`), opened by a credential word; the
/// reader still looks for a slot-like use of one before it parses (`code::worth_parsing`).
pub const GATE_CODE: u8 = 4;
/// The syntax-tree reader, opened by a sink's callee name: the file is parsed.
pub const GATE_SINK: u8 = 8;

/// Words without which the Rust extractor (or a config reader) can find nothing: a file holding
/// none of its words is not parsed. Case-insensitive; they share the prefilter's single pass.
/// Rust's words are specific (`token` alone is in every parser crate); config keys are short.
pub const PARSE_GATE: &[(&str, u8)] = &[
    ("basic_auth", GATE_RUST | GATE_CONFIG | GATE_CODE),
    ("bearer_auth", GATE_RUST),
    ("authorization", GATE_RUST | GATE_CONFIG | GATE_CODE),
    ("set_password", GATE_RUST),
    ("password", GATE_RUST | GATE_CONFIG | GATE_CODE),
    ("passwd", GATE_RUST | GATE_CONFIG | GATE_CODE),
    ("secret", GATE_RUST | GATE_CONFIG | GATE_CODE),
    ("api_key", GATE_RUST | GATE_CONFIG | GATE_CODE),
    ("apikey", GATE_RUST | GATE_CONFIG | GATE_CODE),
    ("api_token", GATE_RUST | GATE_CONFIG | GATE_CODE),
    ("access_token", GATE_RUST | GATE_CONFIG | GATE_CODE),
    ("auth_token", GATE_RUST | GATE_CONFIG | GATE_CODE),
    ("private_token", GATE_RUST | GATE_CONFIG | GATE_CODE),
    ("credentials", GATE_RUST | GATE_CONFIG | GATE_CODE),
    ("token: \"", GATE_RUST),
    ("token = \"", GATE_RUST),
    ("\"token\"", GATE_RUST | GATE_CONFIG),
    ("rest/pat", GATE_RUST),
    ("access-token", GATE_RUST),
    ("access_tokens", GATE_RUST),
    ("apitokenauth", GATE_RUST),
    ("ksso", GATE_RUST),
    ("pass", GATE_CONFIG | GATE_CODE),
    ("pwd", GATE_CONFIG | GATE_CODE),
    ("token", GATE_CONFIG | GATE_CODE),
    ("credential", GATE_CONFIG | GATE_CODE),
    ("api-key", GATE_CONFIG | GATE_CODE),
    ("private_key", GATE_CONFIG),
    ("privatekey", GATE_CONFIG),
    ("_pat", GATE_CONFIG),
    ("pat_", GATE_CONFIG),
    ("dockerconfig", GATE_CONFIG),
    ("_auth", GATE_CONFIG),
    ("auth\"", GATE_CONFIG),
    ("auth'", GATE_CONFIG),
    ("auth:", GATE_CONFIG),
    ("auth =", GATE_CONFIG),
    ("auth=", GATE_CONFIG),
    ("auths", GATE_CONFIG),
    ("authtoken", GATE_CONFIG),
    ("bearer", GATE_CONFIG | GATE_CODE),
];

/// Whether a rules directory's file holds token formats (`[[token]]` tables) rather than rules:
/// decided by its top-level keys, so that a file mixing both is refused by the token syntax.
fn is_token_file(text: &str) -> bool {
    text.parse::<toml::Table>().is_ok_and(|table| table.contains_key("token"))
}

impl Catalogue {
    /// The embedded catalogue.
    pub fn embedded() -> Result<Catalogue, RuleError> {
        Catalogue::load_files(Catalogue::embedded_files())
    }

    fn embedded_files() -> Vec<(String, String, Load)> {
        EMBEDDED_RULE_FILES
            .iter()
            .filter(|(path, _)| !crate::formats::is_catalogue_file(path))
            .map(|(path, text)| (path.to_string(), text.to_string(), Load::Deferred))
            .collect()
    }

    /// The embedded catalogue plus every `*.toml` in `dirs`: rule files, and token format files
    /// (`[[token]]` tables, as in `rules/tokens/`), which extend the token catalogue.
    pub fn with_dirs(dirs: &[impl AsRef<Path>]) -> Result<Catalogue, RuleError> {
        let mut files = Catalogue::embedded_files();
        let mut token_files = Vec::new();
        for dir in dirs {
            let dir = dir.as_ref();
            let entries =
                std::fs::read_dir(dir).map_err(|source| RuleError::Io { file: dir.display().to_string(), source })?;
            let mut paths: Vec<_> = entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| RuleError::Io { file: path.display().to_string(), source })?;
                if is_token_file(&text) {
                    token_files.push((path.display().to_string(), text));
                } else {
                    files.push((path.display().to_string(), text, Load::Eager));
                }
            }
        }
        // Before the rules, whose examples are scanned (and so fix the token catalogue).
        crate::formats::add_user_files(token_files).map_err(RuleError::TokenFormats)?;
        Catalogue::load_files(files)
    }

    /// Parses and compiles rule files given as (name, text), checking every regex and example.
    /// (Token format files are given to [`crate::formats::add_user_files`] instead.)
    pub fn load(files: impl IntoIterator<Item = (String, String)>) -> Result<Catalogue, RuleError> {
        Catalogue::load_files(files.into_iter().map(|(file, text)| (file, text, Load::Eager)).collect())
    }

    fn load_files(files: Vec<(String, String, Load)>) -> Result<Catalogue, RuleError> {
        let compiled = files.iter().map(|(file, text, load)| compile_file(file, text, *load));
        let mut rules = BTreeMap::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut token_apis: Vec<TokenApiSpec> = Vec::new();
        let mut sinks: Vec<Sink> = Vec::new();
        for ((file, text, _), compiled) in files.iter().zip(compiled) {
            let compiled = compiled?;
            let at = |span: std::ops::Range<usize>, message: String| RuleError::Invalid {
                file: file.clone(),
                line: line_of(text, span.start),
                message,
            };
            for (span, rule) in compiled.rules {
                if rules.contains_key(&rule.id) {
                    return Err(at(span, format!("duplicate rule id `{}`", rule.id)));
                }
                rules.insert(rule.id.clone(), rule);
            }
            for (span, pattern) in compiled.patterns {
                if patterns.iter().any(|known| known.id == pattern.id) {
                    return Err(at(span, format!("duplicate pattern id `{}`", pattern.id)));
                }
                patterns.push(pattern);
            }
            token_apis.extend(compiled.token_apis);
            for (span, sink) in compiled.sinks {
                if sinks.iter().any(|known| known.id == sink.id) {
                    return Err(at(span, format!("duplicate sink id `{}`", sink.id)));
                }
                sinks.push(sink);
            }
        }
        for id in IMPLEMENTED_RULES {
            if !rules.contains_key(*id) {
                return Err(RuleError::Invalid {
                    file: "rules/".to_owned(),
                    line: 1,
                    message: format!("rule `{id}` is implemented but no rule file documents it"),
                });
            }
        }
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_patterns: Vec<Vec<usize>> = Vec::new();
        let gated = patterns.iter().map(|p| &p.keywords).chain(token_apis.iter().map(|a| &a.keywords));
        for (index, gated_keywords) in gated.enumerate() {
            for keyword in gated_keywords {
                let keyword = keyword.to_ascii_lowercase();
                match keywords.iter().position(|known| *known == keyword) {
                    Some(at) => keyword_patterns[at].push(index),
                    None => {
                        keywords.push(keyword);
                        keyword_patterns.push(vec![index]);
                    }
                }
            }
        }
        // Keywords that gate the Rust and config parsers share the pass (see `PARSE_GATE`).
        let parse_gate = keywords.len();
        let mut gates = Vec::new();
        for (keyword, bits) in PARSE_GATE {
            keywords.push(keyword.to_string());
            keyword_patterns.push(Vec::new());
            gates.push(Gate { bits: *bits, kinds: None });
        }
        // A sink's callee opens the syntax-tree reader in the sink's languages: `getConnection`
        // in a Java file is enough.
        for sink in &sinks {
            let kinds: Vec<FileKind> =
                sink.languages.iter().filter_map(|l| crate::extract::code::lang::file_kind_of(l)).collect();
            for pattern in &sink.patterns {
                let keyword = pattern.keyword().to_ascii_lowercase();
                if keyword.is_empty() {
                    continue;
                }
                match keywords[parse_gate..].iter().position(|k| *k == keyword) {
                    Some(at) => {
                        // A `PARSE_GATE` word opens its parsers in every kind already.
                        if let Some(known) = &mut gates[at].kinds {
                            for kind in &kinds {
                                if !known.contains(kind) {
                                    known.push(*kind);
                                }
                            }
                        }
                    }
                    None => {
                        keywords.push(keyword);
                        keyword_patterns.push(Vec::new());
                        gates.push(Gate { bits: GATE_SINK, kinds: Some(kinds.clone()) });
                    }
                }
            }
        }
        // A DFA: the prefilter runs over every byte of every file, and a DFA's step is the cheapest.
        // Overlapping, so that a keyword starting inside another's match is seen (a non-overlapping
        // search with in-place checks of what a match can hide measured no faster).
        let prefilter = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&keywords)
            .map_err(|error| RuleError::Invalid {
                file: "rules/".to_owned(),
                line: 1,
                message: format!("cannot build the keyword prefilter: {error}"),
            })?;
        Ok(Catalogue {
            rules,
            patterns,
            token_apis,
            sinks,
            prefilter,
            keyword_patterns,
            parse_gate,
            gates,
            prefilter_keywords: keywords,
        })
    }

    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.values()
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.get(id)
    }

    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    pub fn token_apis(&self) -> &[TokenApiSpec] {
        &self.token_apis
    }

    pub fn sinks(&self) -> &[Sink] {
        &self.sinks
    }

    /// The patterns (for this kind) and token APIs whose keywords occur in `text`, in catalogue
    /// order: one pass of the keyword automaton over the text.
    pub fn candidates(&self, text: &str, kind: FileKind) -> Candidates<'_> {
        let remaining = self.patterns.iter().filter(|p| p.applies_to(kind)).count() + self.token_apis.len();
        let mut marks = Marks {
            hit: vec![false; self.patterns.len() + self.token_apis.len()],
            seen: vec![false; self.prefilter_keywords.len()],
            parsers: 0,
            remaining,
        };
        for found in self.prefilter.find_overlapping_iter(text) {
            let keyword = found.pattern().as_usize();
            // A sink's callee counts as a whole word only: `redis` is in every license's
            // "Redistribution and use", which would have the file parsed.
            if keyword >= self.parse_gate
                && self.gates[keyword - self.parse_gate].bits == GATE_SINK
                && !is_whole_word(text.as_bytes(), found.start(), found.end())
            {
                continue;
            }
            marks.mark(self, keyword, kind);
            if marks.remaining == 0 && marks.parsers == GATE_RUST | GATE_CONFIG | GATE_CODE | GATE_SINK {
                break;
            }
        }
        let Marks { hit, parsers, .. } = marks;
        let (pattern_hits, api_hits) = hit.split_at(self.patterns.len());
        Candidates {
            patterns: self.patterns.iter().zip(pattern_hits).filter_map(|(p, hit)| hit.then_some(p)).collect(),
            token_apis: self.token_apis.iter().zip(api_hits).filter_map(|(a, hit)| hit.then_some(a)).collect(),
            parsers,
        }
    }

    /// Every keyword the prefilter searches for (patterns, token APIs and the parser gate), for
    /// the benchmark's ripgrep comparison.
    pub fn keywords(&self) -> Vec<String> {
        let mut all = self.prefilter_keywords.clone();
        all.sort();
        all.dedup();
        all
    }
}

/// What a parser-gate keyword opens: its parsers (`GATE_*` bits), in the file kinds it names
/// (`None`: every kind). A sink's callee opens the tree reader in its own languages only: Ruby's
/// `key.export(…)` must not have every Python file that says `export` parsed.
#[derive(Debug)]
struct Gate {
    bits: u8,
    kinds: Option<Vec<FileKind>>,
}

impl Gate {
    fn opens_in(&self, kind: FileKind) -> bool {
        self.kinds.as_ref().is_none_or(|kinds| kinds.contains(&kind))
    }
}

/// Whether `text[start..end]` is not part of a longer identifier.
fn is_whole_word(text: &[u8], start: usize, end: usize) -> bool {
    let identifier = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    !start.checked_sub(1).and_then(|i| text.get(i)).is_some_and(identifier) && !text.get(end).is_some_and(identifier)
}

/// One rule file, compiled, with the TOML span of each item (for duplicate-id errors).
struct CompiledFile {
    rules: Vec<(std::ops::Range<usize>, Rule)>,
    patterns: Vec<(std::ops::Range<usize>, Pattern)>,
    token_apis: Vec<TokenApiSpec>,
    sinks: Vec<(std::ops::Range<usize>, Sink)>,
}

/// When a pattern's regex is compiled: at load (with every check that needs it), or on first use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Load {
    Eager,
    Deferred,
}

fn compile_file(file: &str, text: &str, load: Load) -> Result<CompiledFile, RuleError> {
    let def: RuleFileDef = toml::from_str(text).map_err(|error| RuleError::Invalid {
        line: error.span().map_or(1, |span| line_of(text, span.start)),
        message: error.message().to_owned(),
        file: file.to_owned(),
    })?;
    let at = |span: std::ops::Range<usize>, message: String| RuleError::Invalid {
        file: file.to_owned(),
        line: line_of(text, span.start),
        message,
    };
    let mut compiled =
        CompiledFile { rules: Vec::new(), patterns: Vec::new(), token_apis: Vec::new(), sinks: Vec::new() };
    for rule in def.rule {
        let span = rule.span();
        compiled.rules.push((span, compile_rule(rule.into_inner(), file, text, &at)?));
    }
    for pattern in def.pattern {
        let span = pattern.span();
        compiled.patterns.push((span, compile_pattern(pattern.into_inner(), file, text, load, &at)?));
    }
    for api in def.token_api {
        compiled.token_apis.push(compile_token_api(api.into_inner(), &at)?);
    }
    for sink in def.sink {
        let span = sink.span();
        compiled.sinks.push((span, compile_sink(sink.into_inner(), file, text, &at)?));
    }
    Ok(compiled)
}

/// What one file's keyword pass has found so far.
struct Marks {
    /// Per pattern (then per token API): one of its keywords occurs.
    hit: Vec<bool>,
    /// Per keyword: already counted.
    seen: Vec<bool>,
    parsers: u8,
    /// Patterns and APIs applying to the file's kind that no keyword has opened yet.
    remaining: usize,
}

impl Marks {
    fn mark(&mut self, catalogue: &Catalogue, keyword: usize, kind: FileKind) {
        if std::mem::replace(&mut self.seen[keyword], true) {
            return;
        }
        if keyword >= catalogue.parse_gate {
            let gate = &catalogue.gates[keyword - catalogue.parse_gate];
            if gate.opens_in(kind) {
                self.parsers |= gate.bits;
            }
            return;
        }
        for &index in &catalogue.keyword_patterns[keyword] {
            let applies = catalogue.patterns.get(index).is_none_or(|p| p.applies_to(kind));
            if !self.hit[index] && applies {
                self.hit[index] = true;
                self.remaining -= 1;
            }
        }
    }
}

fn compile_sink(
    def: SinkDef,
    file: &str,
    text: &str,
    at: &impl Fn(std::ops::Range<usize>, String) -> RuleError,
) -> Result<Sink, RuleError> {
    use crate::extract::code::lang::Lang;
    use crate::extract::code::sinks::{SinkKind, SinkPattern};
    let id = def.id.get_ref().clone();
    if !is_kebab_id(&id) {
        return Err(at(def.id.span(), format!("sink id `{id}` must be lowercase kebab-case")));
    }
    let kind = SinkKind::parse(def.kind.get_ref()).ok_or_else(|| {
        at(def.kind.span(), format!("unknown sink kind `{}`: one of {}", def.kind.get_ref(), SinkKind::NAMES))
    })?;
    for language in def.languages.get_ref() {
        if !Lang::ALL.iter().any(|lang| lang.matches(language)) {
            let known: Vec<&str> = Lang::ALL.iter().map(|l| l.name()).collect();
            return Err(at(
                def.languages.span(),
                format!("unknown language `{language}`: one of {}", known.join(", ")),
            ));
        }
    }
    if def.languages.get_ref().is_empty() || def.patterns.get_ref().is_empty() || def.examples.get_ref().is_empty() {
        return Err(at(def.id.span(), format!("sink `{id}` needs languages, patterns and examples")));
    }
    let patterns = def
        .patterns
        .get_ref()
        .iter()
        .map(|p| SinkPattern::parse(p).map_err(|message| at(def.patterns.span(), format!("sink `{id}`: {message}"))))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Sink {
        origin: format!("{file}:{}", line_of(text, def.id.span().start)),
        id: id.into(),
        description: def.description,
        kind,
        languages: def.languages.into_inner(),
        patterns,
        examples: def.examples.into_inner(),
        negative_examples: def.negative_examples,
    })
}

fn compile_rule(
    def: RuleDef,
    file: &str,
    text: &str,
    at: &impl Fn(std::ops::Range<usize>, String) -> RuleError,
) -> Result<Rule, RuleError> {
    let id = def.id.get_ref().clone();
    if !is_kebab_id(&id) {
        return Err(at(def.id.span(), format!("rule id `{id}` must be lowercase kebab-case")));
    }
    if !IMPLEMENTED_RULES.contains(&id.as_str()) {
        return Err(at(def.id.span(), format!("no check implements rule `{id}`")));
    }
    let severity = parse_severity(&def.severity).map_err(|message| at(def.severity.span(), message))?;
    for (field, value) in [
        ("summary", &def.summary),
        ("description", &def.description),
        ("remediation", &def.remediation),
        ("name", &def.name),
    ] {
        if value.trim().is_empty() {
            return Err(at(def.id.span(), format!("rule `{id}` has an empty `{field}`")));
        }
    }
    if def.name.contains('-') || !def.name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Err(at(def.id.span(), format!("rule `{id}`: `name` must be PascalCase")));
    }
    if !(def.security_severity > 0.0 && def.security_severity <= 10.0) {
        return Err(at(def.id.span(), format!("rule `{id}`: `security_severity` must be in (0, 10]")));
    }
    let precision = def.precision.get_ref().clone();
    if !["very-high", "high", "medium", "low"].contains(&precision.as_str()) {
        return Err(at(def.precision.span(), format!("unknown precision `{precision}`")));
    }
    if def.examples.is_empty() || def.negative_examples.is_empty() {
        return Err(at(def.id.span(), format!("rule `{id}` needs examples and negative_examples")));
    }
    let examples = check_examples(def.examples, at)?;
    let negative_examples = check_examples(def.negative_examples, at)?;
    Ok(Rule {
        origin: format!("{file}:{}", line_of(text, def.id.span().start)),
        id: id.into(),
        name: def.name,
        severity,
        summary: def.summary,
        description: def.description.trim().to_owned(),
        remediation: def.remediation.trim().to_owned(),
        references: def.references,
        cwe: def.cwe,
        security_severity: def.security_severity,
        precision,
        examples,
        negative_examples,
    })
}

fn check_examples(
    examples: Vec<Spanned<ExampleDef>>,
    at: &impl Fn(std::ops::Range<usize>, String) -> RuleError,
) -> Result<Vec<ExampleDef>, RuleError> {
    examples
        .into_iter()
        .map(|example| {
            let span = example.span();
            let example = example.into_inner();
            if FileKind::detect(Path::new(&example.file)).is_none() {
                return Err(at(span, format!("example file `{}` has no known kind", example.file)));
            }
            Ok(example)
        })
        .collect()
}

fn compile_pattern(
    def: PatternDef,
    file: &str,
    text: &str,
    load: Load,
    at: &impl Fn(std::ops::Range<usize>, String) -> RuleError,
) -> Result<Pattern, RuleError> {
    let id = def.id.get_ref().clone();
    if !is_kebab_id(&id) {
        return Err(at(def.id.span(), format!("pattern id `{id}` must be lowercase kebab-case")));
    }
    let kinds = if def.kinds.get_ref().iter().any(|k| k == "*") {
        None
    } else {
        let mut kinds = Vec::new();
        for name in def.kinds.get_ref() {
            let kind =
                FileKind::from_name(name).ok_or_else(|| at(def.kinds.span(), format!("unknown file kind `{name}`")))?;
            kinds.push(kind);
        }
        Some(kinds)
    };
    if def.keywords.get_ref().is_empty() || def.keywords.get_ref().iter().any(|k| k.trim().len() < 2) {
        return Err(at(def.keywords.span(), format!("pattern `{id}` needs keywords of 2 or more characters")));
    }
    let source = expand_macros(def.regex.get_ref()).map_err(|message| at(def.regex.span(), message))?;
    if source.len() > MAX_PATTERN_BYTES {
        // A regex this long is a word list, and the engine's time per byte grows with it: one of
        // 80 KB took seconds per file. Keywords and several patterns do that job.
        return Err(at(
            def.regex.span(),
            format!(
                "pattern `{id}`: the regex is {} bytes (macros expanded), over the limit of {MAX_PATTERN_BYTES}; split it into several patterns",
                source.len()
            ),
        ));
    }
    let compiled = std::sync::OnceLock::new();
    if load == Load::Eager {
        let regex = build_pattern_regex(&source)
            .map_err(|error| at(def.regex.span(), format!("pattern `{id}`: invalid regex: {error}")))?;
        check_pattern_regex(&id, &regex, &def, at)?;
        let _ = compiled.set(regex);
    }
    let scheme = match def.scheme.get_ref().as_str() {
        "basic" => Scheme::Basic,
        "bearer" => Scheme::Bearer,
        "header" => Scheme::Header,
        "url-userinfo" => Scheme::UrlUserinfo,
        "url-query" => Scheme::UrlQuery,
        "config-field" => Scheme::ConfigField,
        other => return Err(at(def.scheme.span(), format!("unknown scheme `{other}`"))),
    };
    let syntax = match def.syntax.as_ref().map(|s| s.get_ref().as_str()) {
        None | Some("code") => Syntax::Code,
        Some("shell") => Syntax::Shell,
        Some("raw") => Syntax::Raw,
        Some("store") => Syntax::Store,
        Some(other) => {
            let span = def.syntax.as_ref().map_or(def.id.span(), Spanned::span);
            return Err(at(span, format!("unknown syntax `{other}` (code, shell, raw, store)")));
        }
    };
    if def.examples.is_empty() {
        return Err(at(def.id.span(), format!("pattern `{id}` needs at least one example")));
    }
    Ok(Pattern {
        origin: format!("{file}:{}", line_of(text, def.id.span().start)),
        id: id.into(),
        description: def.description,
        kinds,
        keywords: def.keywords.into_inner(),
        regex: PatternRegex { source, compiled },
        scheme,
        syntax,
        secret_name: def.secret_name,
        fallback: def.fallback,
        connection: def.connection,
        examples: def.examples.into_iter().map(Spanned::into_inner).collect(),
        negative_examples: def.negative_examples,
    })
}

/// What only a compiled regex can tell: its groups, and whether its examples match.
fn check_pattern_regex(
    id: &str,
    regex: &Regex,
    def: &PatternDef,
    at: &impl Fn(std::ops::Range<usize>, String) -> RuleError,
) -> Result<(), RuleError> {
    let groups: Vec<&str> = regex.capture_names().flatten().collect();
    const KNOWN_GROUPS: [&str; 7] = ["user", "secret", "userpass", "blob", "target", "name", "url"];
    if let Some(unknown) = groups.iter().find(|g| !KNOWN_GROUPS.contains(g)) {
        return Err(at(def.regex.span(), format!("pattern `{id}`: unknown group `{unknown}`")));
    }
    if !groups.iter().any(|g| ["secret", "userpass", "blob"].contains(g)) {
        return Err(at(def.regex.span(), format!("pattern `{id}` needs a `secret`, `userpass` or `blob` group")));
    }
    // A user's pattern whose examples don't match would silently find nothing: say so at load,
    // pointing at the example. A keyword must match too, or the prefilter never runs the regex.
    for (number, example) in def.examples.iter().enumerate() {
        let text = example.get_ref();
        if !regex.is_match(text) {
            return Err(at(example.span(), format!("pattern `{id}`: example {} does not match the regex", number + 1)));
        }
        let lowered = text.to_ascii_lowercase();
        if !def.keywords.get_ref().iter().any(|keyword| lowered.contains(&keyword.to_ascii_lowercase())) {
            let message = format!("pattern `{id}`: example {} holds none of the keywords", number + 1);
            return Err(at(example.span(), message));
        }
    }
    Ok(())
}

fn compile_token_api(
    def: TokenApiDef,
    at: &impl Fn(std::ops::Range<usize>, String) -> RuleError,
) -> Result<TokenApiSpec, RuleError> {
    let name = def.id.get_ref().as_str();
    let api = TokenApi::from_name(name).ok_or_else(|| at(def.id.span(), format!("unknown token API `{name}`")))?;
    let endpoint = RegexBuilder::new(def.endpoint.get_ref())
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|error| at(def.endpoint.span(), format!("token API `{name}`: invalid regex: {error}")))?;
    if def.keywords.get_ref().is_empty() || def.keywords.get_ref().iter().any(|k| k.trim().len() < 2) {
        return Err(at(def.keywords.span(), format!("token API `{name}` needs keywords of 2 or more characters")));
    }
    let mut expiry = Vec::new();
    for field in def.expiry {
        let unit = match field.unit.as_str() {
            "days" => ExpiryUnit::Days,
            "months" => ExpiryUnit::Months,
            "date" => ExpiryUnit::Date,
            "epoch-ms" => ExpiryUnit::EpochMs,
            "forever" => ExpiryUnit::Forever,
            "rotation" => ExpiryUnit::Rotation,
            other => return Err(at(def.id.span(), format!("token API `{name}`: unknown expiry unit `{other}`"))),
        };
        let regex = crate::extract::creation::field_regex(&field.key);
        expiry.push((field.key, unit, regex));
    }
    Ok(TokenApiSpec {
        api,
        description: def.description,
        endpoint,
        keywords: def.keywords.into_inner(),
        create_methods: def.create_methods.iter().map(|m| m.to_ascii_uppercase()).collect(),
        expiry,
        default_expiry_days: def.default_expiry_days,
    })
}

/// Regex fragments rule files share, written `{{name}}`.
const MACROS: &[(&str, &str)] = &[
    // A quoted string in most languages, with Python's prefixes.
    ("str", r#"(?:[rRbBfFuU]{0,2}"(?:[^"\\\n]|\\.)*"|[rRbBfFuU]{0,2}'(?:[^'\\\n]|\\.)*'|`[^`]*`)"#),
    // A value expression: a string, or a name with member access, subscripts and one call level.
    (
        "expr",
        r#"(?:[rRbBfFuU]{0,2}"(?:[^"\\\n]|\\.)*"|[rRbBfFuU]{0,2}'(?:[^'\\\n]|\\.)*'|`[^`]*`|[$@]?[A-Za-z_][\w$]*(?:(?:\.|::|->)[A-Za-z_][\w$]*|\[\s*(?:"[^"\n]*"|'[^'\n]*'|\w+)\s*\]|\((?:[^()\n]|\([^()\n]*\))*\))*)"#,
    ),
    // One shell word, possibly built from quoted and unquoted parts.
    ("shellword", r#"(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|\\.|[^\s'"\\;|&<>()`])+"#),
    // A URL.
    ("url", r#"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'"<>`]+"#),
];

fn expand_macros(source: &str) -> Result<String, String> {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or("unclosed `{{` in regex")?;
        let name = &after[..end];
        let (_, body) = MACROS
            .iter()
            .find(|(macro_name, _)| *macro_name == name)
            .ok_or_else(|| format!("unknown regex macro `{{{{{name}}}}}`"))?;
        out.push_str(body);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn parse_severity(value: &Spanned<String>) -> Result<Severity, String> {
    match value.get_ref().as_str() {
        "error" => Ok(Severity::Error),
        "warning" => Ok(Severity::Warning),
        "note" => Ok(Severity::Note),
        other => Err(format!("unknown severity `{other}` (error, warning, note)")),
    }
}

fn is_kebab_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| !part.is_empty())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.id, self.severity.as_str())
    }
}

#[cfg(test)]
mod load_tests;
