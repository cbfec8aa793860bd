//! The catalogue file syntax (`[[token]]` tables, documented in `rules/tokens/README.md`) and its
//! validation: every error names the file and the entry.

use regex::Regex;
use serde::Deserialize;

use super::{Check, TokenEntry};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    #[serde(default)]
    token: Vec<TokenDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenDef {
    id: String,
    provider: String,
    kind: String,
    #[serde(default)]
    prefixes: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    pattern: String,
    check: String,
    revoke: String,
    docs: String,
    examples: Vec<String>,
    negative_examples: Vec<String>,
    #[serde(default)]
    min_entropy: Option<f64>,
    #[serde(default)]
    marker: Option<String>,
}

/// The entropy an unchecked format's body must reach unless its entry says otherwise.
const DEFAULT_MIN_ENTROPY: f64 = 3.0;

/// Bounds a catalogue pattern's compiled size: each runs at every prefix hit.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// Compiles a catalogue pattern, bounded in size.
pub(super) fn compile_pattern(source: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(source).size_limit(PATTERN_SIZE_LIMIT).build()
}

/// The entries of one file; `validate` also compiles each pattern (the embedded catalogue's are
/// compiled by the tests, and on first use in a scan).
pub(super) fn parse_file(file: &str, text: &str, validate: bool) -> Result<Vec<TokenEntry>, String> {
    let parsed: CatalogueFile = toml::from_str(text).map_err(|error| format!("{file}: {error}"))?;
    let entries: Vec<TokenEntry> =
        parsed.token.into_iter().map(|def| compile(file, def, validate)).collect::<Result<_, _>>()?;
    for (at, entry) in entries.iter().enumerate() {
        if entries[..at].iter().any(|earlier| earlier.id == entry.id) {
            return Err(format!("{file}: token `{}` is defined twice", entry.id));
        }
    }
    Ok(entries)
}

fn compile(file: &str, def: TokenDef, validate: bool) -> Result<TokenEntry, String> {
    let fail = |message: String| format!("{file}: token `{}`: {message}", def.id);
    let kebab = !def.id.is_empty()
        && def
            .id
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    if !kebab {
        return Err(fail("the id must be kebab-case".to_owned()));
    }
    if def.prefixes.is_empty() == def.keywords.is_empty() {
        return Err(fail("give `prefixes` or `keywords`, not both or neither".to_owned()));
    }
    if let Some(prefix) = def.prefixes.iter().find(|p| p.len() < 3) {
        return Err(fail(format!("prefix `{prefix}` is shorter than 3 characters")));
    }
    if let Some(keyword) = def.keywords.iter().find(|k| k.len() < 4 || k.to_lowercase() != **k) {
        return Err(fail(format!("keyword `{keyword}` must be lowercase and at least 4 characters")));
    }
    let check = Check::parse(&def.check).ok_or_else(|| fail(format!("unknown check `{}`", def.check)))?;
    // Validation compiles the pattern once; a scan compiles it again only where it is needed.
    if validate {
        compile_pattern(&format!(r"\A(?:{})", def.pattern)).map_err(|error| fail(format!("pattern: {error}")))?;
    }
    for url in [&def.revoke, &def.docs] {
        if !url.starts_with("https://") {
            return Err(fail(format!("`{url}` is not an https URL")));
        }
    }
    if def.examples.len() < 2 || def.negative_examples.len() < 2 {
        return Err(fail("needs at least two examples and two negative examples".to_owned()));
    }
    let described = format!("{} {} {}", article(&def.provider), def.provider, def.kind);
    Ok(TokenEntry {
        index: 0,
        described,
        anchored: std::sync::OnceLock::new(),
        anywhere: std::sync::OnceLock::new(),
        check,
        min_entropy: def.min_entropy.unwrap_or(DEFAULT_MIN_ENTROPY),
        id: def.id,
        provider: def.provider,
        kind: def.kind,
        prefixes: def.prefixes,
        keywords: def.keywords,
        pattern_source: def.pattern,
        marker: def.marker,
        revoke: def.revoke,
        docs: def.docs,
        examples: def.examples,
        negative_examples: def.negative_examples,
        file: file.to_owned(),
    })
}

/// "a" or "an" before a provider's name, by how it is read aloud: "an OpenAI", "an npm", "an
/// SMS…", "a HubSpot".
fn article(provider: &str) -> &'static str {
    let first = provider.chars().next().unwrap_or('x');
    let vowel = "AEIOUaeiou".contains(first);
    // A short name read letter by letter (`npm`, `SNS`): letters whose name starts with a vowel.
    let spelled = provider.len() <= 4
        && (provider.bytes().all(|b| b.is_ascii_uppercase()) || provider.bytes().all(|b| b.is_ascii_lowercase()))
        && "FHLMNRSXfhlmnrsx".contains(first)
        && !provider.eq_ignore_ascii_case("fly");
    if vowel || spelled { "an" } else { "a" }
}
