//! Extraction: one file in, [`Facts`] out. Pure: no I/O, no severity.
//!
//! Structured formats with a dedicated reader (`.netrc`) go through it; every file also goes
//! through the catalogue's text patterns, gated by the keyword prefilter, so that a file a parser
//! rejects is still scanned.

mod bindings;
pub mod catalogued;
pub mod code;
mod config;
pub mod context;
pub mod creation;
pub mod enclosing;
pub mod expr;
mod mapped;
mod markdown;
mod netrc;
mod notebook;
mod pattern;
mod rust;
/// Where a Rust file takes only constants (the language server's environment-read fix).
pub use rust::constants as rust_constants;
pub mod target;

use self::mapped::MappedText;
use crate::fact::{CredentialUse, Facts, Scheme, Value};
use crate::rules::{Catalogue, GATE_CODE, GATE_CONFIG, GATE_RUST, GATE_SINK};
use crate::source::{FileKind, SourceFile};
use crate::span::Span;

pub fn extract(file: &SourceFile, catalogue: &Catalogue) -> Facts {
    // One pass of the keyword automaton: which patterns and token APIs can match, and whether a
    // parser can find anything at all.
    let candidates = catalogue.candidates(&file.text, file.kind);
    let parsers = candidates.parsers;
    let mut facts = match file.kind {
        FileKind::Netrc => netrc::extract(file),
        FileKind::Rust if parsers & GATE_RUST != 0 => rust::extract(file),
        FileKind::Yaml
        | FileKind::Json
        | FileKind::Toml
        | FileKind::Ini
        | FileKind::Properties
        | FileKind::Xml
        | FileKind::Npmrc
        | FileKind::GitConfig
            if parsers & GATE_CONFIG != 0 =>
        {
            let (mut facts, embedded) = config::extract(file);
            // A file written in a value (`config.ini: |` in a Secret) is read with its own readers.
            for (kind, span) in embedded {
                // Dedented: to an INI reader an indented line continues the previous value.
                facts.extend(extract_mapped(file, kind, &dedented(&file.text, span), catalogue));
            }
            facts
        }
        _ => Facts::default(),
    };
    if file.kind == FileKind::Json
        && file.path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ipynb"))
        && let Some(code) = notebook::python_code(&file.text)
    {
        facts.extend(extract_mapped(file, FileKind::Python, &code, catalogue));
    }
    if file.kind == FileKind::Markdown {
        for block in markdown::code_blocks(&file.text) {
            let snippet = SourceFile::new(file.path.clone(), block.kind, &file.text[block.span.range()]);
            let mut found = extract(&snippet, catalogue).shifted(block.span.start);
            found.problems.clear();
            facts.extend(found);
        }
    }
    // Languages with a syntax tree: slots, sinks and flow (the text patterns below still run, so a
    // file the grammar recovers from badly loses nothing).
    let mut code_regions = Vec::new();
    let mut patterns = candidates.patterns;
    // A bug in the tree reader must cost this file its tree, not the scan: the text patterns
    // still run and the file is reported as partly read.
    let read_tree = || code::extract(file, catalogue.sinks(), parsers & GATE_SINK != 0);
    let tree = if parsers & (GATE_CODE | GATE_SINK) != 0 {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(read_tree)).unwrap_or_else(|_| {
            facts.problems.push(crate::fact::Problem {
                kind: crate::fact::ProblemKind::Unparsable,
                message: TREE_READER_FAILED.to_owned(),
            });
            None
        })
    } else {
        None
    };
    if let Some(code) = tree {
        facts.tree_parsed = code.parsed;
        facts.uses.extend(code.uses);
        code_regions = code.test_regions;
        facts.flow = code.summary;
        if !code.has_errors {
            patterns.retain(|p| !p.fallback);
        }
    }
    pattern::extract_with_patterns(file, &patterns, &mut facts.uses, &mut facts.problems);
    catalogued::extract(file, &mut facts.uses);
    creation::extract_creations(file, &candidates.token_apis, &mut facts.creations);
    if !facts.uses.is_empty() || !facts.flow.exits.is_empty() {
        facts.test_or_doc_regions = context::test_or_doc_regions(file);
        facts.test_or_doc_regions.extend(code_regions);
    }
    if file.is_message_bundle() {
        keep_only_proven_tokens(&mut facts.uses);
    }
    widen_to_chars(&mut facts, &file.text);
    dedup_uses(&mut facts, catalogue);
    keep_secrets_out_of_connections(&mut facts);
    facts
}

/// The facts of `text`, read as a file of `kind` inside `file`, with spans back in `file`. Its
/// problems are dropped: the file's own readers report on the file.
fn extract_mapped(file: &SourceFile, kind: FileKind, text: &MappedText, catalogue: &Catalogue) -> Facts {
    let inner = SourceFile::new(file.path.clone(), kind, text.text.as_str());
    let mut found = extract(&inner, catalogue).mapped(&|span| text.map(span));
    found.problems.clear();
    found
}

/// The lines of `text[span]` without the indentation of their first non-blank line.
fn dedented(text: &str, span: Span) -> MappedText {
    let block = &text[span.range()];
    let indent = block
        .lines()
        .find(|line| !line.trim().is_empty())
        .map_or(0, |line| line.len() - line.trim_start_matches([' ', '\t']).len());
    let mut out = MappedText::default();
    let mut at = span.start;
    for line in block.split_inclusive('\n') {
        let cut = (line.len() - line.trim_start_matches([' ', '\t']).len()).min(indent);
        out.push_verbatim(&line[cut..], at + cut);
        at += line.len();
    }
    out
}

/// A translation bundle's `Password=Passwort` or `User name=Brugernavn` is a label in another
/// language: no slot, pair or shared value there is a credential. Only a token whose format and
/// check prove it is one stays (a live token pasted into a bundle is still live).
fn keep_only_proven_tokens(uses: &mut Vec<CredentialUse>) {
    uses.retain(|credential| {
        credential.secret.as_literal().is_some_and(|text| {
            let class = crate::classify::classify_literal(text, crate::classify::NamePrior::Neutral);
            matches!(class.class, crate::classify::SecretClass::Token { .. })
                && class.confidence == crate::classify::Confidence::High
        })
    });
}

/// The problem a file gets when the syntax-tree reader panics on it.
pub const TREE_READER_FAILED: &str =
    "the syntax-tree reader failed on this file; it was read by the text patterns only";

/// The catalogue's text patterns alone on one file (the rule-example tests check each pattern by
/// itself, including the fallbacks a syntax tree replaces in a scan).
#[doc(hidden)]
pub fn extract_patterns_only(file: &SourceFile, catalogue: &Catalogue) -> Vec<CredentialUse> {
    let candidates = catalogue.candidates(&file.text, file.kind);
    let mut uses = Vec::new();
    pattern::extract_with_patterns(file, &candidates.patterns, &mut uses, &mut Vec::new());
    uses
}

/// A connection is where a credential goes, never the credential. A reader that takes the first
/// argument of a call as its URL sees the secret in `setBearerAuth("Sup3r.Secr3t.Value")`, and a
/// URL's user information or query can hold it: every target's text loses user information,
/// query and fragment, and a target or named connection that still shares a piece of the secret
/// is dropped, so no label, connection name, graph node or baseline entry can carry it.
fn keep_secrets_out_of_connections(facts: &mut Facts) {
    for credential in &mut facts.uses {
        let Some(secret) = credential.secret.as_literal().map(str::to_owned) else {
            if let Some(target) = &mut credential.target {
                target.text = crate::redact::display_url(&target.text);
            }
            continue;
        };
        if let Some(target) = &mut credential.target {
            target.text = crate::redact::display_url(&target.text);
            target.host = target.host.take().filter(|host| !shares_secret(host, &secret));
        }
        if credential.target.as_ref().is_some_and(|t| shares_secret(&t.text, &secret)) {
            credential.target = None;
        }
        if credential.connection.as_deref().is_some_and(|c| shares_secret(c, &secret)) {
            credential.connection = None;
        }
    }
}

/// Whether `text` holds any six consecutive characters of `secret` (all of it, if shorter).
pub(crate) fn shares_secret(text: &str, secret: &str) -> bool {
    const WINDOW: usize = 6;
    let chars: Vec<(usize, char)> = secret.char_indices().collect();
    if secret.is_empty() {
        return false;
    }
    if chars.len() <= WINDOW {
        return text.contains(secret);
    }
    let lower = text.to_lowercase();
    chars.windows(WINDOW).any(|w| {
        let start = w[0].0;
        let end = w[WINDOW - 1].0 + w[WINDOW - 1].1.len_utf8();
        let piece = &secret[start..end];
        // Hosts are lowercased: compare both ways.
        text.contains(piece) || lower.contains(&piece.to_lowercase())
    })
}

/// A reader's offsets into decoded text (a joined or unescaped config value) can land inside a
/// multi-byte character; reports slice the file at spans, so each is widened to whole characters.
/// (Found by the `config_parsers` fuzz target: a git-config value continued over lines.)
fn widen_to_chars(facts: &mut Facts, text: &str) {
    for credential in &mut facts.uses {
        credential.span = credential.span.widened_to_chars(text);
        credential.secret =
            std::mem::replace(&mut credential.secret, Value::literal("", Span::default())).widened_to_chars(text);
        credential.user = credential.user.take().map(|user| user.widened_to_chars(text));
        if let Some(target) = &mut credential.target {
            target.span = target.span.widened_to_chars(text);
        }
    }
    for creation in &mut facts.creations {
        creation.span = creation.span.widened_to_chars(text);
    }
}

/// Several readers may describe one secret (a `Basic` header inside a curl command, a config
/// reader and a pattern, a generic header pattern and a language's own): keep one use per secret
/// span — the most specific scheme (basic auth over a bare config field), then a reader that
/// knows the language over a pattern for every file kind, then catalogue order.
fn dedup_uses(facts: &mut Facts, catalogue: &Catalogue) {
    let scheme_rank = |u: &CredentialUse| match u.scheme {
        Scheme::Basic | Scheme::UrlUserinfo | Scheme::Netrc => 0,
        Scheme::Bearer | Scheme::Header | Scheme::UrlQuery => 1,
        Scheme::ConfigField => 2,
    };
    let generic = |u: &CredentialUse| {
        catalogue.patterns().iter().find(|p| *p.id == *u.extractor).is_some_and(|p| p.kinds.is_none())
    };
    // A sink knows the connection; a credential-named slot only the name.
    let reader_rank = |u: &CredentialUse| {
        if u.extractor.starts_with("sink:") {
            0
        } else if u.extractor.starts_with("code:") {
            2
        } else {
            1
        }
    };
    // A stable sort keeps catalogue order among equals.
    facts.uses.sort_by_key(|u| (u.secret.span(), scheme_rank(u), reader_rank(u), generic(u)));
    facts.uses.dedup_by_key(|u| u.secret.span());
    facts.uses.sort_by_key(|u| (u.span.start, u.secret.span()));
}
