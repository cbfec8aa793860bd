//! The token catalogue (`rules/tokens/*.toml`): every API token format credlint knows by its
//! provider, with the check its format carries and where its owner revokes it.
//!
//! This module owns loading the catalogue and recognising its formats: [`whole`] says whether a
//! value is a catalogued token (the classifier asks), [`find_all`] finds catalogued tokens
//! anywhere in a text (extraction asks, so that a token is found without a credential's name
//! beside it). One Aho-Corasick automaton over every prefix finds the candidates; each entry's
//! own regex, boundaries, check and randomness floor decide.
//!
//! The catalogue is embedded and fixed for the life of the process, so it is loaded once, on
//! first use, into a static: its entries' names are `&'static str` for every report.

mod checks;
mod def;
#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

pub use self::checks::Check;
use crate::span::Span;

/// One catalogued token format.
#[derive(Debug)]
pub struct TokenEntry {
    /// Its place in [`Formats::entries`].
    pub index: u16,
    pub id: String,
    pub provider: String,
    pub kind: String,
    /// "a Stripe live secret key": how a message names a token of this format.
    pub described: String,
    pub prefixes: Vec<String>,
    pub keywords: Vec<String>,
    /// The whole token, as written in the catalogue.
    pub pattern_source: String,
    /// `pattern_source` anchored at the start of the searched text, compiled on first use: most
    /// of the catalogue's regexes never meet a prefix in a scan, and compiling them all cost every
    /// run 80 ms.
    anchored: OnceLock<Option<Regex>>,
    /// `pattern_source` anywhere, for keyword entries; compiled on first use.
    anywhere: OnceLock<Option<Regex>>,
    pub check: Check,
    pub min_entropy: f64,
    pub marker: Option<String>,
    pub revoke: String,
    pub docs: String,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
    /// The catalogue file it came from (`rules/tokens/cloud.toml`).
    pub file: String,
}

impl TokenEntry {
    /// The pattern anchored at the start of a text (`None` only for a pattern that does not
    /// compile, which loading with validation rules out).
    fn anchored(&self) -> Option<&Regex> {
        self.anchored.get_or_init(|| def::compile_pattern(&format!(r"\A(?:{})", self.pattern_source)).ok()).as_ref()
    }

    /// The pattern anywhere in a text.
    fn anywhere(&self) -> Option<&Regex> {
        self.anywhere.get_or_init(|| def::compile_pattern(&format!("(?:{})", self.pattern_source)).ok()).as_ref()
    }

    /// Whether the pattern covers all of `value`.
    fn covers(&self, value: &str) -> bool {
        self.anchored().and_then(|regex| regex.find(value)).is_some_and(|m| m.end() == value.len())
    }

    /// Whether `token` (the whole of it, already matched by the pattern) is one of this entry's:
    /// its marker, check and, without a check, a random-looking body.
    fn accepts(&self, token: &str) -> bool {
        if self.marker.as_deref().is_some_and(|marker| !token.contains(marker)) {
            return false;
        }
        let prefix = self.prefixes.iter().find(|p| token.starts_with(p.as_str()));
        if !self.prefixes.is_empty() && prefix.is_none() {
            return false;
        }
        let body = &token[prefix.map_or(0, String::len)..];
        match self.check {
            Check::None => random_enough(body, self.min_entropy),
            check => check.holds(token, body),
        }
    }

    /// Whether a match proves the token (a checksum holds) rather than only its format.
    pub fn is_checked(&self) -> bool {
        self.check.is_checksum()
    }
}

/// The body of an unchecked format must look generated: enough entropy per character, no run
/// of four equal characters (`xxxx`), and not a sequence.
/// Separators (`-`, `.`, `_`, `:`) are the format's structure, not its randomness: the floor
/// judges the characters between them, which must not be mostly dictionary words either
/// (`hellOworld380_testin`).
fn random_enough(body: &str, min_entropy: f64) -> bool {
    use crate::classify::shape;
    let random: String = body.chars().filter(char::is_ascii_alphanumeric).collect();
    let n = random.len();
    n >= 8
        && shape::shannon_entropy(&random) >= min_entropy
        && shape::longest_run(&random) < 4
        && !shape::is_sequential(&random)
        && crate::classify::words::cover(&random).covered * 4 < n.max(16)
        && !reads_as_words(body)
        && !is_camel_case_words(&random)
}

/// Whether letters alone make up `random` as three or more words in camel case
/// (`SharePagerDutyAction`, `INAddTasksTemplateResult`, `shareAction…`): an identifier, not a key.
/// Every word is a capital run followed by at least two lower-case letters (an acronym may end it,
/// a lower-case word may start it), which generated letters almost never are.
fn is_camel_case_words(random: &str) -> bool {
    let bytes = random.as_bytes();
    if !bytes.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let run = |from: usize, upper: bool| bytes[from..].iter().take_while(|b| b.is_ascii_uppercase() == upper).count();
    let mut at = run(0, false);
    if at != 0 && at < 3 {
        return false;
    }
    let mut words = usize::from(at != 0);
    while at < bytes.len() {
        let capitals = run(at, true);
        let lower = run(at + capitals, false);
        match (capitals, lower) {
            (1.., 2..) => words += 1,
            (2.., 0) if at + capitals == bytes.len() => {}
            _ => return false,
        }
        at += capitals + lower;
    }
    words >= 3
}

/// Whether the body's `-`/`_`-separated segments read as words (`checking_Length-Is-_exactly_64`,
/// `my-tokens_are-correct`): at least three segments of plain lower-case or capitalised letters
/// with a vowel, making up at least 40% of its letters and digits. In a random body a separator
/// is rare and a segment of plain lower-case letters rarer still.
fn reads_as_words(body: &str) -> bool {
    let wordlike = |segment: &&str| {
        let mut chars = segment.chars();
        let first = chars.next();
        segment.len() >= 2
            && first.is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_lowercase())
            && segment.chars().any(|c| "aeiouyAEIOUY".contains(c))
    };
    let words: Vec<&str> = body.split(['-', '_']).filter(wordlike).collect();
    let letters: usize = words.iter().map(|w| w.len()).sum();
    let total = body.chars().filter(char::is_ascii_alphanumeric).count();
    words.len() >= 3 && letters * 10 >= total * 4
}

/// The whole catalogue, with its prefilter.
#[derive(Debug)]
pub struct Formats {
    pub entries: Vec<TokenEntry>,
    /// Every prefix (case-sensitive), then every keyword (ASCII case-insensitive).
    prefixes: AhoCorasick,
    keywords: AhoCorasick,
    /// Automaton pattern → the entries that start with that prefix or use that keyword.
    prefix_entries: Vec<Vec<usize>>,
    keyword_entries: Vec<Vec<usize>>,
}

/// A catalogued token found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenMatch {
    pub entry: usize,
    pub span: Span,
}

/// The embedded catalogue. The tests load every embedded file without error; should one still
/// fail (a build from an edited checkout), it is left out with a message, not the scan.
pub fn formats() -> &'static Formats {
    FORMATS.get_or_init(|| {
        let (formats, errors) = Formats::load_valid(embedded_files());
        for error in errors {
            crate::say!("credlint: the token catalogue leaves out {error}");
        }
        formats
    })
}

/// The catalogue of this process: the embedded files, and those of rules directories that
/// [`add_user_files`] gave before the first scan.
static FORMATS: OnceLock<Formats> = OnceLock::new();

/// Adds token formats written in rules directories (`[[token]]` files, given as (path, text)) to
/// the embedded catalogue: an organisation's own token formats are found, checked and reported as
/// the embedded ones are. Each is validated as the embedded files are by their tests: its pattern
/// compiles, every example is found whole as this format and no negative example is. The
/// catalogue is set once per process, before its first scan.
pub fn add_user_files(files: Vec<(String, String)>) -> Result<(), String> {
    if files.is_empty() {
        return Ok(());
    }
    // Their patterns compile now, so that a bad one is named as such; the embedded ones compile on
    // first use, as in any scan.
    for (file, text) in &files {
        def::parse_file(file, text, true)?;
    }
    let user_files: Vec<String> = files.iter().map(|(path, _)| path.clone()).collect();
    let (all, errors) = Formats::load_valid(embedded_files().chain(files));
    if let Some(error) = errors.into_iter().next() {
        return Err(error);
    }
    // Judged in the catalogue they join: an example that an embedded format takes over is not
    // found as its own.
    for entry in all.entries.iter().filter(|entry| user_files.contains(&entry.file)) {
        let line = |token: &str| match entry.keywords.first() {
            Some(keyword) => format!("{keyword}: {token}"),
            None => format!("see {token} here"),
        };
        let found_whole = |token: &str| {
            let line = line(token);
            let at = line.find(token).unwrap_or(0);
            all.find_all(&line)
                .iter()
                .any(|m| m.entry == entry.index as usize && m.span.start == at && m.span.end == at + token.len())
        };
        let at = |what: &str, index: usize| format!("{}: token `{}`: {what} {}", entry.file, entry.id, index + 1);
        if let Some(index) = entry.examples.iter().position(|example| !found_whole(example)) {
            let problem = at("example", index);
            return Err(format!("{problem} is not found whole as this format (its pattern, check or randomness)"));
        }
        let found_as_this =
            |negative: &str| all.find_all(&line(negative)).iter().any(|m| m.entry == entry.index as usize);
        if let Some(index) = entry.negative_examples.iter().position(|negative| found_as_this(negative)) {
            return Err(format!("{} is found as this format", at("negative example", index)));
        }
    }
    FORMATS
        .set(all)
        .map_err(|_| "token formats from a rules directory are added before the first scan of a process".to_owned())
}

/// The embedded catalogue files, as (path, text).
pub fn embedded_files() -> impl Iterator<Item = (String, String)> {
    crate::rules::EMBEDDED_RULE_FILES
        .iter()
        .filter(|(path, _)| is_catalogue_file(path))
        .map(|(path, text)| (path.to_string(), text.to_string()))
}

/// Whether a rule file's path is in the token catalogue rather than the rule catalogue.
pub fn is_catalogue_file(path: &str) -> bool {
    path.starts_with("rules/tokens/")
}

/// The entry with this id.
pub fn by_id(id: &str) -> Option<&'static TokenEntry> {
    formats().entries.iter().find(|entry| entry.id == id)
}

/// The entry a value is, whole: the first whose pattern covers all of it and whose check holds.
pub fn whole(value: &str) -> Option<&'static TokenEntry> {
    let formats = formats();
    let mut found = None;
    for hit in formats.prefixes.find_overlapping_iter(value) {
        if hit.start() != 0 {
            continue;
        }
        for &entry in &formats.prefix_entries[hit.pattern().as_usize()] {
            let entry = &formats.entries[entry];
            if entry.covers(value) && entry.accepts(value) {
                // A checked format beats a shape-only one that also covers the value.
                if entry.is_checked() {
                    return Some(entry);
                }
                found = found.or(Some(entry));
            }
        }
    }
    found
}

/// The entry of a keyword format that `value` is, whole, when `context` (its name or line) holds
/// one of the entry's keywords.
pub fn whole_with_keyword(value: &str, context: &str) -> Option<&'static TokenEntry> {
    let formats = formats();
    for hit in formats.keywords.find_overlapping_iter(context) {
        for &entry in &formats.keyword_entries[hit.pattern().as_usize()] {
            let entry = &formats.entries[entry];
            if entry.covers(value) && entry.accepts(value) {
                return Some(entry);
            }
        }
    }
    None
}

/// Every catalogued token in `text`, in order, none overlapping another (the longest wins where
/// two formats take the same place).
pub fn find_all(text: &str) -> Vec<TokenMatch> {
    formats().find_all(text)
}

/// Letters, digits and `_` continue a token: a match must not start or end inside a longer word.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// What may not follow a match: a token byte, or base64 padding (`AIza…==` is the tail of an
/// encoded blob, not a key).
fn continues_match(b: u8) -> bool {
    is_token_byte(b) || b == b'='
}

/// The line of `text` holding byte `at`, without its newline.
fn line_around(text: &str, at: usize) -> Span {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    Span::new(start, end)
}

impl Formats {
    /// Every catalogued token in `text`, in order, none overlapping another (the longest wins where
    /// two formats take the same place).
    pub fn find_all(&self, text: &str) -> Vec<TokenMatch> {
        let bytes = text.as_bytes();
        let mut found: Vec<TokenMatch> = Vec::new();
        for hit in self.prefixes.find_overlapping_iter(text) {
            let start = hit.start();
            if start > 0 && is_token_byte(bytes[start - 1]) {
                continue;
            }
            for &entry in &self.prefix_entries[hit.pattern().as_usize()] {
                let token_entry = &self.entries[entry];
                let Some(m) = token_entry.anchored().and_then(|regex| regex.find(&text[start..])) else { continue };
                let end = start + m.end();
                if bytes.get(end).copied().is_some_and(continues_match) || !token_entry.accepts(&text[start..end]) {
                    continue;
                }
                found.push(TokenMatch { entry, span: Span::new(start, end) });
            }
        }
        // Each line is searched once per keyword entry, however often its keywords occur on it
        // (a minified line can name a provider thousands of times).
        let mut keyword_hits: Vec<(Span, usize, Span)> = Vec::new();
        // The line of the last hit: the next hit is usually on it, and finding a line's ends
        // again for each hit would read a long line once per hit.
        let mut line = Span::new(0, 0);
        for hit in self.keywords.find_overlapping_iter(text) {
            // A keyword inside a longer word (`cohere` in `NSCoherentStore`) names nothing.
            if bytes.get(hit.end()).is_some_and(u8::is_ascii_lowercase) {
                continue;
            }
            if !(line.start <= hit.start() && hit.start() < line.end) {
                line = line_around(text, hit.start());
            }
            for &entry in &self.keyword_entries[hit.pattern().as_usize()] {
                keyword_hits.push((line, entry, Span::new(hit.start(), hit.end())));
            }
        }
        keyword_hits.sort_by_key(|&(line, entry, keyword)| (line.start, entry, keyword));
        for group in keyword_hits.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            let (line, entry, _) = group[0];
            let token_entry = &self.entries[entry];
            let Some(anywhere) = token_entry.anywhere() else { continue };
            for m in anywhere.find_iter(&text[line.range()]) {
                let (start, end) = (line.start + m.start(), line.start + m.end());
                let starts_inside = start > 0 && is_token_byte(bytes[start - 1]);
                let runs_on = bytes.get(end).copied().is_some_and(continues_match);
                // A keyword names the token from outside it: a match that holds every mention of
                // its keyword on the line (`SharePagerDutyAction`) is named by none.
                let holds_keyword = group.iter().all(|&(_, _, keyword)| start < keyword.end && keyword.start < end);
                if !starts_inside && !runs_on && !holds_keyword && token_entry.accepts(m.as_str()) {
                    found.push(TokenMatch { entry, span: Span::new(start, end) });
                }
            }
        }
        // In order; where two overlap, the longer (then the checked, then the earlier entry) stays.
        found.sort_by_key(|m| {
            (m.span.start, std::cmp::Reverse(m.span.end), !self.entries[m.entry].is_checked(), m.entry)
        });
        let mut kept: Vec<TokenMatch> = Vec::with_capacity(found.len());
        for m in found {
            if kept.last().is_none_or(|last| m.span.start >= last.span.end) {
                kept.push(m);
            }
        }
        kept
    }

    /// Parses catalogue files given as (path, text) and compiles every pattern; the first error
    /// fails it.
    pub fn load(files: impl IntoIterator<Item = (String, String)>) -> Result<Formats, String> {
        let (formats, errors) = Formats::load_checked(files, true);
        match errors.into_iter().next() {
            Some(error) => Err(error),
            None => Ok(formats),
        }
    }

    /// The catalogue of the files that parse, and an error for each that doesn't (or whose ids
    /// another file took). Patterns compile on first use: the tests load the embedded files with
    /// [`Formats::load`], which compiles them all.
    pub fn load_valid(files: impl IntoIterator<Item = (String, String)>) -> (Formats, Vec<String>) {
        Formats::load_checked(files, false)
    }

    fn load_checked(files: impl IntoIterator<Item = (String, String)>, compile: bool) -> (Formats, Vec<String>) {
        let mut entries: Vec<TokenEntry> = Vec::new();
        let mut errors = Vec::new();
        for (file, text) in files {
            match def::parse_file(&file, &text, compile) {
                Ok(parsed) => match parsed.iter().find(|e| entries.iter().any(|known| known.id == e.id)) {
                    Some(twice) => errors.push(format!("{file}: token `{}` is defined twice", twice.id)),
                    None => entries.extend(parsed),
                },
                Err(error) => errors.push(error),
            }
        }
        entries.truncate(usize::from(u16::MAX));
        match Formats::index(entries) {
            Ok(formats) => (formats, errors),
            Err(error) => {
                errors.push(error);
                (Formats::index(Vec::new()).expect("an empty catalogue builds"), errors)
            }
        }
    }

    fn index(mut entries: Vec<TokenEntry>) -> Result<Formats, String> {
        for (index, entry) in entries.iter_mut().enumerate() {
            entry.index = u16::try_from(index).unwrap_or(u16::MAX);
        }
        let mut prefix_list: Vec<String> = Vec::new();
        let mut prefix_entries: Vec<Vec<usize>> = Vec::new();
        let mut keyword_list: Vec<String> = Vec::new();
        let mut keyword_entries: Vec<Vec<usize>> = Vec::new();
        let add = |list: &mut Vec<String>, owners: &mut Vec<Vec<usize>>, word: &str, entry: usize| match list
            .iter()
            .position(|w| w == word)
        {
            Some(at) => owners[at].push(entry),
            None => {
                list.push(word.to_owned());
                owners.push(vec![entry]);
            }
        };
        for (index, entry) in entries.iter().enumerate() {
            for prefix in &entry.prefixes {
                add(&mut prefix_list, &mut prefix_entries, prefix, index);
            }
            for keyword in &entry.keywords {
                add(&mut keyword_list, &mut keyword_entries, keyword, index);
            }
        }
        let build = |words: &[String], case_insensitive: bool| {
            // A DFA: every file is searched, with overlapping matches (`sk-` and `sk-proj-` start
            // at one place), which the NFA made most of a scan's time.
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .ascii_case_insensitive(case_insensitive)
                .build(words)
                .map_err(|error| format!("token catalogue prefilter: {error}"))
        };
        Ok(Formats {
            prefixes: build(&prefix_list, false)?,
            keywords: build(&keyword_list, true)?,
            entries,
            prefix_entries,
            keyword_entries,
        })
    }

    /// Every prefix and keyword the prefilter searches for.
    pub fn keywords(&self) -> Vec<String> {
        self.entries.iter().flat_map(|e| e.prefixes.iter().chain(&e.keywords).cloned()).collect()
    }

    /// How many distinct providers the catalogue covers.
    pub fn providers(&self) -> usize {
        let providers: std::collections::BTreeSet<&str> = self.entries.iter().map(|e| e.provider.as_str()).collect();
        providers.len()
    }
}

/// `credlint rules --tokens`: one line per format (provider, kind, id, how it is recognised, its
/// check, where to revoke it), or the same as JSON.
pub fn listing(formats: &Formats, json: bool) -> String {
    if json {
        let entries: Vec<serde_json::Value> = formats
            .entries
            .iter()
            .map(|e| {
                serde_json::json!({
                    "id": e.id, "provider": e.provider, "kind": e.kind, "prefixes": e.prefixes,
                    "keywords": e.keywords, "pattern": e.pattern_source, "check": e.check.name(),
                    "revoke": e.revoke, "docs": e.docs,
                })
            })
            .collect();
        let doc = serde_json::json!({ "providers": formats.providers(), "tokens": entries });
        return serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
    }
    let mut out = String::new();
    for e in &formats.entries {
        let found_by =
            if e.prefixes.is_empty() { format!("near {}", e.keywords.join(", ")) } else { e.prefixes.join(", ") };
        out.push_str(&format!(
            "{:<40} {} {} [{}; check: {}]\n{:<40} revoke: {}\n",
            e.id,
            e.provider,
            e.kind,
            found_by,
            e.check.name(),
            "",
            e.revoke
        ));
    }
    out.push_str(&format!("{} token formats of {} providers\n", formats.entries.len(), formats.providers()));
    out
}
