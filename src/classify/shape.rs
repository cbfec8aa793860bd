//! Shape measurements of a value: Shannon entropy, the token alphabet it fits, character classes,
//! runs and sequences, and the "does this look machine-generated" test built from them.
//!
//! This module owns measurements only; `classifier` and `tokens` decide what they mean. Everything
//! here counts `char`s, not bytes, and never slices, so any input (non-ASCII included) is safe.

use super::words;

/// Shannon entropy of the characters of `s`, in bits per character (0 for an empty string).
///
/// Observed values (DOMAIN.md §5): real tokens 4.2–5.6, human passwords 2.7–3.9. The maximum for
/// a string of `n` characters is `log2(n)`, so thresholds must depend on the length.
#[must_use]
pub fn shannon_entropy(s: &str) -> f64 {
    // Sorting and counting runs keeps this O(n log n) even for hostile strings with many distinct
    // characters.
    let mut chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return 0.0;
    }
    chars.sort_unstable();
    let total = chars.len() as f64;
    chars
        .chunk_by(|a, b| a == b)
        .map(|run| {
            let p = run.len() as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// The encodings machine-generated secrets are written in, smallest alphabet first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenAlphabet {
    Hex,
    Base32,
    Base62,
    Base64,
    Base64Url,
}

impl TokenAlphabet {
    fn size(self) -> f64 {
        match self {
            TokenAlphabet::Hex => 16.0,
            TokenAlphabet::Base32 => 32.0,
            TokenAlphabet::Base62 => 62.0,
            TokenAlphabet::Base64 | TokenAlphabet::Base64Url => 64.0,
        }
    }

    /// The fraction of `log2(min(length, alphabet size))` that a random string of this alphabet
    /// reaches in at least 99.9% of draws, for lengths 20–192. Measured by simulation: small
    /// alphabets fall further below their maximum at short lengths.
    fn entropy_factor(self) -> f64 {
        match self {
            TokenAlphabet::Hex => 0.68,
            TokenAlphabet::Base32 => 0.72,
            TokenAlphabet::Base62 | TokenAlphabet::Base64 | TokenAlphabet::Base64Url => 0.78,
        }
    }
}

/// The smallest standard alphabet that holds every character of `s` (trailing `=` padding
/// allowed), or `None` when `s` has characters no encoding uses (punctuation, spaces, non-ASCII).
pub(crate) fn token_alphabet(s: &str) -> Option<TokenAlphabet> {
    let body = s.trim_end_matches('=');
    if body.is_empty() || s.len() - body.len() > 6 {
        return None;
    }
    let all = |f: fn(char) -> bool| body.chars().all(f);
    if all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        || all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))
    {
        Some(TokenAlphabet::Hex)
    } else if all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        || all(|c| c.is_ascii_lowercase() || ('2'..='7').contains(&c))
    {
        Some(TokenAlphabet::Base32)
    } else if all(|c| c.is_ascii_alphanumeric()) {
        Some(TokenAlphabet::Base62)
    } else if all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/') {
        Some(TokenAlphabet::Base64)
    } else if all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        Some(TokenAlphabet::Base64Url)
    } else {
        None
    }
}

/// Which kinds of characters a value mixes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Classes {
    pub lower: bool,
    pub upper: bool,
    pub digit: bool,
    pub symbol: bool,
    pub space: bool,
}

impl Classes {
    pub(crate) fn of(s: &str) -> Classes {
        let mut c = Classes::default();
        for ch in s.chars() {
            if ch.is_lowercase() {
                c.lower = true;
            } else if ch.is_uppercase() {
                c.upper = true;
            } else if ch.is_ascii_digit() {
                c.digit = true;
            } else if ch.is_whitespace() {
                c.space = true;
            } else {
                c.symbol = true;
            }
        }
        c
    }

    /// How many of lower case, upper case and digits appear.
    pub(crate) fn alnum_kinds(self) -> usize {
        usize::from(self.lower) + usize::from(self.upper) + usize::from(self.digit)
    }
}

/// The longest run of one repeated character.
pub(crate) fn longest_run(s: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    let mut prev = None;
    for c in s.chars() {
        run = if Some(c) == prev { run + 1 } else { 1 };
        longest = longest.max(run);
        prev = Some(c);
    }
    longest
}

/// True for keyboard-alphabet sequences made up to look like a value (`abcdefghijklmnop`,
/// `1234567890abcdef`): at least 70% of neighbouring characters are consecutive code points.
pub(crate) fn is_sequential(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 8 {
        return false;
    }
    let steps = chars.windows(2).filter(|w| u32::from(w[1]) == u32::from(w[0]) + 1).count();
    steps * 10 >= (chars.len() - 1) * 7
}

/// True when `s` has the entropy that a random string of its length over `alphabet` would have.
pub(crate) fn has_random_entropy(s: &str, alphabet: Option<TokenAlphabet>) -> bool {
    let body = s.trim_end_matches('=');
    let n = body.chars().count() as f64;
    if n < 2.0 {
        return false;
    }
    let (size, factor) = match alphabet {
        Some(a) => (a.size(), a.entropy_factor()),
        // Printable ASCII: 94 symbols. Mixed-symbol strings behave like base62 at these lengths.
        None => (94.0, 0.78),
    };
    shannon_entropy(body) >= factor * n.min(size).log2()
}

/// True when a value (or the body after a known prefix) looks machine-generated: long enough,
/// entropy as high as random text of its alphabet, more than one kind of character, no long runs or
/// sequences, and not made of dictionary words.
pub(crate) fn looks_random(s: &str) -> bool {
    let n = s.chars().count();
    if n < 10 {
        return false;
    }
    let classes = Classes::of(s);
    let alphabet = token_alphabet(s);
    let mixed = match alphabet {
        // Hex and base32 have one letter case by construction: letters and digits must both appear.
        Some(TokenAlphabet::Hex | TokenAlphabet::Base32) => classes.alnum_kinds() >= 2,
        _ => classes.alnum_kinds() >= 2 || classes.symbol,
    };
    let cover = words::cover(s);
    mixed
        && !classes.space
        && longest_run(s) < 4
        && !is_sequential(s)
        && cover.covered * 4 < n.max(16)
        && has_random_entropy(s, alphabet)
}

/// A value that no token has, so that under a token's name it is a symbol, a code or a label
/// rather than the credential: short words (`"RFC 2518"`; a header value such as `"Bearer
/// <40 characters>"` has a long word and is kept), a short number (an error code, `"93503"`), or
/// letters and separators without a digit, short or made of whole words (`"next_marker"`,
/// `"HEADER"`, `"lambda"`, `"#bygroup"`, `"CreateMultiRegionAccessPoint"`). Only a token name is
/// judged so: `"letmein"` is a password, and `SECRET_KEY = "devkey"` a weak but real secret. A
/// generated token of 25 or more random letters with no digit at all is rare enough (under 3 %
/// at 25 base62 characters) to be left to names.
pub(crate) fn not_token_shaped(value: &str) -> bool {
    let value = value.trim();
    if value.contains(char::is_whitespace) {
        return value.split_whitespace().all(|word| word.chars().count() < 16);
    }
    if value.len() < 8 && value.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    // A colour: `"#ddd0c0"`.
    if let Some(hex) = value.strip_prefix('#')
        && matches!(hex.len(), 3 | 4 | 6 | 8)
        && hex.chars().all(|c| c.is_ascii_hexdigit())
    {
        return true;
    }
    // A file: `"models/users/token.md"` (a documentation site's navigation).
    let file_extensions =
        ["md", "html", "htm", "rst", "txt", "json", "yaml", "yml", "png", "svg", "js", "ts", "py", "rb"];
    if let Some((path, extension)) = value.rsplit_once('.')
        && (path.contains('/') || path.is_empty())
        && file_extensions.contains(&extension.to_ascii_lowercase().as_str())
    {
        return true;
    }
    // One sigil may lead: `"#bygroup"`, `"@name"`, `"$ref"`.
    let word = value.strip_prefix(['#', '@', '$', '%', '!']).unwrap_or(value);
    let letters_only =
        !word.is_empty() && word.chars().all(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '-' | '.' | ':'));
    // A phrase with a credential word in it (`"this-is-a-secret"`, `"my-api-token"`) is a
    // dummy credential, not a symbol: it stays, for the placeholder rules to judge.
    let words = super::names::split_words(word);
    let dummy = words.iter().any(|w| matches!(w.as_str(), "secret" | "password" | "token" | "key" | "apikey"));
    letters_only && !dummy && (value.len() < 25 || words.iter().all(|w| w.len() >= 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_codes_and_labels_are_not_token_shaped() {
        for value in [
            "lambda",
            "next_marker",
            "HEADER",
            "#bygroup",
            "-i",
            "RFC 2518",
            "93503",
            "CreateMultiRegionAccessPoint",
            "#ddd0c0",
        ] {
            assert!(not_token_shaped(value), "{value}");
        }
        let bearer = format!("Bearer {}", "a1B2c3D4e5F6g7H8i9J0".repeat(2));
        for value in [
            "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
            "ABC12345",
            "s3cr3tT0k3n",
            bearer.as_str(),
            "qWeRtYuIoPaSdFgHjKlZxCvBnM",
        ] {
            assert!(!not_token_shaped(value), "{value}");
        }
    }

    #[test]
    fn entropy_matches_domain_table() {
        // DOMAIN.md §5 lists these observed values, to two decimals.
        let table = [("69WalpurgisNacht69", 3.84), ("P@ssw0rd$1", 3.12), ("changeme", 2.75)];
        for (value, expected) in table {
            let h = shannon_entropy(value);
            assert!((h - expected).abs() < 0.01, "{value}: {h}");
        }
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("ab") - 1.0).abs() < 1e-12);
    }

    #[test]
    fn alphabets_pick_the_smallest_fit() {
        assert_eq!(token_alphabet("deadbeef0123"), Some(TokenAlphabet::Hex));
        assert_eq!(token_alphabet("DEADBEEF0123"), Some(TokenAlphabet::Hex));
        assert_eq!(token_alphabet("MFRGGZDFMZTWQ2LK"), Some(TokenAlphabet::Base32));
        assert_eq!(token_alphabet("aZ09"), Some(TokenAlphabet::Base62));
        assert_eq!(token_alphabet("aZ+/09=="), Some(TokenAlphabet::Base64));
        assert_eq!(token_alphabet("aZ-_09"), Some(TokenAlphabet::Base64Url));
        assert_eq!(token_alphabet("a+b-c"), None);
        assert_eq!(token_alphabet("pass word"), None);
        assert_eq!(token_alphabet("===="), None);
        assert_eq!(token_alphabet(""), None);
    }

    #[test]
    fn runs_and_sequences() {
        assert_eq!(longest_run("abbbcc"), 3);
        assert_eq!(longest_run(""), 0);
        assert!(is_sequential("abcdefghijklmnopqrstuvwxyz"));
        assert!(is_sequential("0123456789abcdef"));
        assert!(!is_sequential("kQ9vZr2XwB7m"));
        assert!(!is_sequential("abc"));
    }

    #[test]
    fn random_looking_values() {
        assert!(looks_random("kQ9vZr2XwB7mT4pL8sD1fG6h"));
        assert!(looks_random("3f9a1c7e5b2d8f4a6c0e9b1d7f3a5c2e"));
        assert!(!looks_random("correcthorsebatterystaple"));
        assert!(!looks_random("MyCompanyJiraPassword2024"));
        assert!(!looks_random("abcdefghijklmnopqrstuvwxyz123456"));
        assert!(!looks_random("aaaaaaaaaaaaaaaaaaaaaaaa"));
        assert!(!looks_random("short1A"));
    }
}
