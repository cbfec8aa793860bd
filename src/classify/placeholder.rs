//! Placeholders (DOMAIN.md §7): values that are not real secrets — placeholder words, template and
//! variable references, masked or truncated values, encrypted values and secret-store references,
//! password hashes, file paths.
//!
//! This module owns the shapes and word lists; checksum-failing tokens are recognised by `tokens`.
//! `classifier` calls [`placeholder`] after the checksummed formats and before everything else.
//!
//! The guiding rule is that a real password must never become a placeholder: words are matched
//! against the *whole* value (after dropping case and `- _ . space`), so `test` is a placeholder and
//! `testpass123` is not; shapes are anchored at both ends unless they cannot occur in a real secret
//! (`${…}`, `***`, `xxxx`, `...`).

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use super::{Confidence, shape};

/// Whole values (normalised: lower case, `- _ . space` removed) that are placeholders. The list
/// merges gitleaks' allowlist with the examples DOMAIN.md §7 found in real documentation.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "changeme", "changeit", "changethis", "password", "passwd", "pass", "pwd", "pw", "passphrase",
    "secret", "secrets", "token", "test", "tests", "testing", "example", "examples", "sample",
    "placeholder", "dummy", "fake", "mock", "none", "null", "nil", "undefined", "empty", "blank",
    "true", "false", "yes", "no", "on", "off", "xxx", "xx", "yyy", "zzz", "foo", "bar", "baz",
    "qux", "foobar", "value", "string", "text", "redacted", "hidden", "masked", "removed",
    "omitted", "censored", "todo", "tbd", "fixme", "notset", "unset", "notused", "unused",
    "default", "username", "user", "login", "nocheck", "n/a",
    // Documentation examples quoted in DOMAIN.md §7.
    "apitokenobtainedfromjiraui", "seutokenatlassian", "seutoken", "suasenha", "tutoken",
    "tucontrasena", "idoillusions", "pass1234", "gobbluthe",
    // RFC 7617's basic-auth example, copied into countless tests and docs.
    "aladdin", "opensesame",
];

/// A value made only of credential nouns and their qualifiers (`myApiToken`, `PAT_TOKEN`,
/// `jira_password`): a name written where a value belongs, or a documentation example.
///
/// A run-together lower-case password composition (`adminpassword`, `mysecretpassword`) may be a
/// real, weak password, so password nouns only count when the value is written like an identifier
/// (separators or inner capitals: `jira_password`, `myPassword`); token nouns always count, since
/// nobody's real token is `mytoken`.
static NAME_AS_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(my|the|your|some|new|old|real|actual|dummy|fake|test|sample|example)?(api|access|personal|auth|jira|atlassian|confluence|bitbucket|github|gitlab|gh|bearer|app|application|secret|user|admin|db|database|ldap|service|bot|private|super|strong|root|master|cloud|server|svc|ci|pat)*(?<noun>token|apitoken|apikey|key|pat|password|passwd|pass|pwd|secret|credential|credentials)s?$",
    )
    .expect("static regex")
});

/// `YOUR_PASSWORD`, `your-api-token`, `YOUR@EMAIL.ORG`, `your_personal_access_token_here`.
static YOUR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^your[a-z]*(token|password|pass|pwd|secret|key|pat|credential|username|user|email)")
        .expect("static regex")
});

/// `replace_with_…`, `insert-your-token`, `enter_password`, `GENERATE-TOKEN-HERE`.
static INSTRUCTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(replace|insert|enter|put|paste|add|fill|set|provide|generate|type|use)(me|with|your|yours|the|here|this|token|password|pass|key|secret|api|pat|value|real|actual|own)",
    )
    .expect("static regex")
});

/// Whole-value shapes of references and templates, checked on the raw (trimmed) value.
static REFERENCE: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        // Bracketed: `<password>`, `[PASSWORD]`, `{token}`, `{{ var }}`, Maven's `{…=}`, `(none)`.
        r"^<.*>$",
        r"^\[.*\]$",
        r"^\{.*\}$",
        r"^\(.*\)$",
        // Upper-case shell and CI variables, positional parameters, PowerShell's `$env:X`.
        r"^\$[A-Z_][A-Z0-9_]*$",
        r"^\$\d+$",
        r"(?i)^\$env:[a-z_][a-z0-9_]*$",
        // Windows `%VAR%`, Ant/Maven `@VAR@`, printf and Python format slots, Ruby symbols.
        r"^%[A-Za-z_][A-Za-z0-9_]*%$",
        r"^@[A-Za-z_][A-Za-z0-9_.\-]*@$",
        r"^%[-+ #0]*\d*(\.\d+)?[sdvqxrf]$",
        r"^%\([A-Za-z_][A-Za-z0-9_]*\)[sdr]$",
        r"^:[a-z_][a-z0-9_]*$",
        // Command substitution with backticks.
        r"^`.*`$",
        // Terraform and CI expression references: `var.x`, `data.x.y`, `secrets.X`, `env.X`.
        r"^(var|local|data|module|secrets|vars|env|inputs|steps|needs|matrix|params)\.[A-Za-z_][A-Za-z0-9_.\-\[\]]*$",
    ])
    .expect("static regex set")
});

/// A lower-case `$name` is a variable when its name says what it holds; `$ecret` is a password.
static LOWER_VARIABLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\$[a-z_][A-Za-z0-9_]*$").expect("static regex"));

/// Template expressions anywhere in the value: the value is computed, not written.
/// A template expression inside a value: `${NAME}` (with a shell default), `{{ expr }}`, `$(cmd)`,
/// `<%= expr %>`, `#{expr}`. Each must be well formed (a name, an expression without braces): a
/// random password holding `${` and `}` (`m{{h}o)p${e]nob(ody…}}`) is not a template.
static TEMPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\$\{[A-Za-z_][\w.\-]*(?:(?::?[-=?+]|:)[^{}]*)?\}|\{\{-?\s*[\w.\-|()'"\[\] ]+?\s*-?\}\}|\$\([^()]*\)|<%.*%>|#\{[A-Za-z_@$][^{}]*\}"#,
    )
    .expect("static regex")
});

/// Password hashes: storable, not usable as a credential.
static HASH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\$2[abxy]?\$\d\d\$|\$argon2(id|i|d)\$|\$(1|5|6|apr1|y|7|gy)\$|pbkdf2_sha\d+\$|\{(SHA|SSHA|SHA256|SSHA256|SHA512|SSHA512|MD5|SMD5|CRYPT|bcrypt|pbkdf2|scrypt|argon2|sha256)\})",
    )
    .expect("static regex")
});

/// File paths: `/run/secrets/jira_token`, `~/.netrc`, `C:\secrets\token.txt`.
static PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((~|\.{1,2})/[\w.\-]+(/[\w.\-]+)*/?|/[\w.\-]+(/[\w.\-]+)+/?|[A-Za-z]:\\[\w.\-\\ ]+)$")
        .expect("static regex")
});

/// A regular expression: a quantified class escape (`\w*`, `\d{4}`) or a character range (`[A-Z]`, `[0-9a-f]`),
/// which no one types into a password.
static REGEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\\[wdsWDS][*+?{]|\[\^?[^\]\s]*[A-Za-z0-9]-[A-Za-z0-9][^\]\s]*\]").expect("static regex")
});

/// A dependency version or range (`npm:^7.0.3`, `~2.1`, `>=1.4.0`, `v3.2.1-rc.1`,
/// `workspace:*`): what a lock file or manifest gives a package whose name ends like a credential
/// word (`minipass`, `keypass`).
static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:npm|workspace|file|link|portal|patch):)?(?:@?[\w.\-/]+@)?(?:[\^~*]|[<>]=?|=)?\s*v?\d+(?:\.(?:\d+|x|\*))+(?:[-+][\w.\-]+)?$|^workspace:[\^~*]?$")
        .expect("static regex")
});

/// Prefixes of encrypted values and of references into secret stores.
#[rustfmt::skip]
const ENCRYPTED_OR_STORED: &[&str] = &[
    "ENC[", "ENC(", "{cipher}", "$ANSIBLE_VAULT", "!vault", "vault:", "secretref:", "keyvaultref:",
    "op://", "arn:aws:secretsmanager:", "arn:aws:ssm:", "@Microsoft.KeyVault(",
];

/// Credential nouns that make a lower-case `$name` a variable.
const VARIABLE_NOUNS: &[&str] = &["token", "pass", "pwd", "pw", "secret", "key", "auth", "user", "cred", "api", "pat"];

/// Placeholder words that are also passwords people really use: written where a call takes the
/// password (`auth=("user", "pass")`, `http_basic_authenticate_with password: "secret"`), the code
/// sends them, and anyone can guess them. Words that ask to be replaced (`changeme`) and
/// documentation's own examples (`pass1234`, RFC 7617's `open sesame`) stay placeholders.
#[rustfmt::skip]
const GUESSABLE: &[&str] = &[
    "password", "passwd", "pass", "pwd", "passphrase", "secret", "secrets", "test", "testing",
    "default", "login", "foo", "bar", "foobar",
];

/// Whether placeholder `v` is a guessable password rather than a template or a mask: a word of
/// [`GUESSABLE`], or credential nouns run together (`supersecret`, `super secret`, `mypassword`).
pub(crate) fn guessable_password(v: &str) -> bool {
    let lower = v.trim().to_lowercase();
    let normalized = without_separators(&lower);
    if GUESSABLE.contains(&normalized.as_str()) {
        return true;
    }
    // Letters and at most single spaces or separators: `super secret`, not `{{ secret }}`.
    let plain =
        lower.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' ')) && !lower.contains("  ");
    plain
        && NAME_AS_VALUE
            .captures(&normalized)
            .and_then(|caps| caps.name("noun"))
            .is_some_and(|noun| matches!(noun.as_str(), "password" | "passwd" | "pass" | "pwd" | "secret"))
}

/// How the word lists compare values: `- _ . space` dropped (`change-me`, `change me`).
/// What separates the words of a value (`jira_password`, `a-fake-key`, `my.token`).
const SEPARATORS: [char; 4] = ['-', '_', '.', ' '];

fn without_separators(lower: &str) -> String {
    lower.chars().filter(|c| !SEPARATORS.contains(c)).collect()
}

/// Whether `v` ends in an upper-case marker word, as documentation keys derived from a provider's
/// example do (`…bPxRfiCYESAMPLEKEY`, `…FAKEKEY`, `…TESTTOKEN`): a generated value ends in one by
/// chance about once in 10^11.
fn ends_with_marker(v: &str) -> bool {
    let v = ["KEY", "TOKEN", "SECRET"].iter().find_map(|tail| v.strip_suffix(tail)).unwrap_or(v);
    ["SAMPLE", "FAKE", "DUMMY", "TEST"].iter().any(|marker| v.ends_with(marker))
}

/// Whether `v` says in its own letters that it stands for a value: [`spelled_placeholder`], a
/// template, a mask or an ellipsis. Unlike [`placeholder`] it makes no guess from shape (a module
/// path `a.b:c`, an upper-snake name), so a token whose format is already known
/// (`appId.keyId:secret`) is judged by its letters only.
pub(crate) fn says_placeholder(v: &str) -> bool {
    let lower = v.to_lowercase();
    spelled_placeholder(v, &lower).is_some()
        || TEMPLATE.is_match(v)
        || is_filter_token(v)
        || is_masked(v, &lower)
        || is_truncated(v)
}

/// The placeholders spelled out in a value's letters, with why: a repeated character, a
/// placeholder word, `your…`, `…here`, a documentation marker (`EXAMPLE`), an instruction.
/// `lower` is `v` in lower case.
fn spelled_placeholder(v: &str, lower: &str) -> Option<&'static str> {
    let mut chars = v.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Some("a repeated single character");
    }
    let normalized = without_separators(lower);
    if WORDS.contains(&normalized.as_str()) || WORDS.contains(&lower) {
        return Some("a placeholder word");
    }
    if ["your-", "your_", "your ", "your@", "your."].iter().any(|p| lower.starts_with(p)) || YOUR.is_match(&normalized)
    {
        return Some("a 'your …' placeholder");
    }
    if ["-here", "_here", " here", ".here"].iter().any(|s| lower.ends_with(s))
        || ["goeshere", "tokenhere", "passwordhere", "keyhere", "secrethere", "valuehere"]
            .iter()
            .any(|s| normalized.ends_with(s))
    {
        return Some("a '… here' placeholder");
    }
    // AWS and others mark documentation keys with an upper-case EXAMPLE (`AKIAIOSFODNN7EXAMPLE`,
    // `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`).
    if v.contains("EXAMPLE") || ends_with_marker(v) {
        return Some("a documentation example value");
    }
    if INSTRUCTION.is_match(&normalized) {
        return Some("an instruction to replace the value");
    }
    // `a-fake-tooshort-key`, `my_example_pw1`: a marker word standing apart in the value.
    if lower.split(SEPARATORS).any(|word| MARKER_WORDS.contains(&word)) {
        return Some("a placeholder word in the value");
    }
    None
}

/// Words that mark a value as a stand-in wherever they stand apart in it (between separators).
/// Not `test`: `Test-2024!` is a weak password someone may really use.
const MARKER_WORDS: &[&str] = &["fake", "dummy", "placeholder", "example", "sample", "changeme", "redacted", "mock"];

/// A masked value (`***`, `•••`, `xxxx`); `lower` is `v` in lower case.
fn is_masked(v: &str, lower: &str) -> bool {
    v.contains("***") || v.contains("•••") || v.contains("●●●") || lower.contains("xxxx")
}

/// A truncated value (`…`, `...`).
fn is_truncated(v: &str) -> bool {
    v.contains("...") || v.contains('…')
}

/// Why `v` (trimmed, non-empty) is a placeholder, or `None` when it may be a real secret.
pub(crate) fn placeholder(v: &str) -> Option<(&'static str, Confidence)> {
    let high = |reason| Some((reason, Confidence::High));
    let lower = v.to_lowercase();
    if let Some(reason) = spelled_placeholder(v, &lower) {
        return high(reason);
    }
    let normalized = without_separators(&lower);
    if is_name_as_value(v, &normalized) {
        return high("a credential name used as a value");
    }
    if is_upper_snake_variable(v) {
        return high("looks like a variable name");
    }
    if ENCRYPTED_OR_STORED.iter().any(|p| v.starts_with(p)) {
        return high("an encrypted value or a secret-store reference");
    }
    if HASH.is_match(v) {
        return high("a password hash, not a usable secret");
    }
    if TEMPLATE.is_match(v) || is_filter_token(v) {
        return high("a template expression");
    }
    if is_module_path(v) {
        return high("a module path or entry point, not a secret");
    }
    if REFERENCE.is_match(v) || is_named_lower_variable(v) {
        return high("a variable or template reference");
    }
    if is_masked(v, &lower) {
        return Some(("a masked value", Confidence::Medium));
    }
    if is_truncated(v) {
        return Some(("a truncated value", Confidence::Medium));
    }
    if REGEX.is_match(v) {
        return Some(("a regular expression", Confidence::Medium));
    }
    if PATH.is_match(v) {
        return Some(("a file path, not a secret", Confidence::Medium));
    }
    if VERSION.is_match(v) {
        return high("a dependency version, not a secret");
    }
    if v.chars().count() >= 12 && shape::is_sequential(v) {
        return high("a sequential example value");
    }
    None
}

/// A dotted module path with an attribute (`bandit.plugins.try_except_pass:try_except_pass`, a
/// Python entry point or a `module:function` reference): every part an identifier.
fn is_module_path(v: &str) -> bool {
    let identifier = |part: &str| {
        part.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let Some((module, attribute)) = v.split_once(':') else { return false };
    module.contains('.') && module.split('.').all(identifier) && attribute.split('.').all(identifier)
}

/// A build tool's filter token, replaced when the file is copied: Maven and Ant `@db.password@`,
/// autoconf `@TOKEN@`, `@@SECRET@@`.
fn is_filter_token(v: &str) -> bool {
    let inner = v.trim_start_matches('@');
    let lead = v.len() - inner.len();
    let inner = inner.trim_end_matches('@');
    let trail = v.len() - lead - inner.len();
    (1..=2).contains(&lead)
        && lead == trail
        && !inner.is_empty()
        && inner.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && inner.chars().any(|c| c.is_ascii_alphabetic())
}

/// `JIRA_API_TOKEN`, `DB_PASSWORD`: an upper-case identifier naming a credential, written where
/// its value belongs (an environment variable name, a Jenkins `passwordVariable`).
fn is_upper_snake_variable(v: &str) -> bool {
    const NOUNS: &[&str] = &[
        "TOKEN",
        "PASSWORD",
        "PASS",
        "PASSWD",
        "PWD",
        "SECRET",
        "KEY",
        "PAT",
        "APIKEY",
        "CREDENTIAL",
        "CREDENTIALS",
        "AUTH",
    ];
    let identifier = v.contains('_')
        && v.starts_with(|c: char| c.is_ascii_uppercase())
        && v.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    identifier && v.split('_').any(|w| NOUNS.contains(&w))
}

fn is_name_as_value(v: &str, normalized: &str) -> bool {
    let Some(caps) = NAME_AS_VALUE.captures(normalized) else {
        return false;
    };
    let token_noun =
        caps.name("noun").is_some_and(|n| matches!(n.as_str(), "token" | "apitoken" | "apikey" | "key" | "pat"));
    // A capital first letter alone is how people write passwords (`Adminpassword`), not names.
    let identifier_like = v.contains(['-', '_', '.', ' ']) || v.chars().skip(1).any(char::is_uppercase);
    token_noun || identifier_like
}

fn is_named_lower_variable(v: &str) -> bool {
    LOWER_VARIABLE.is_match(v) && {
        let lower = v.to_ascii_lowercase();
        VARIABLE_NOUNS.iter().any(|n| lower.contains(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_filter_tokens_are_templates() {
        for value in ["@db.password@", "@TOKEN@", "@@JIRA_SECRET@@"] {
            assert_eq!(placeholder(value).map(|(reason, _)| reason), Some("a template expression"), "{value}");
        }
        for value in ["p@ss@", "@@", "S3cr3t@2024@", "@123@"] {
            assert!(!is_filter_token(value), "{value}");
        }
    }

    #[test]
    fn entry_points_are_module_paths() {
        assert!(is_module_path("bandit.plugins.try_except_pass:try_except_pass"));
        assert!(is_module_path("app.cli:main"));
        for value in ["Tr0ub4dor:3", "user:pass", "a.b", "db.example.com:5432", "p4ss.w0rd:x!"] {
            assert!(!is_module_path(value), "{value}");
        }
    }

    #[test]
    fn keys_derived_from_a_documentation_key_are_examples() {
        for value in [
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYESAMPLEKEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYESAFAKEKEY",
            "q8W2eR4tY6TESTTOKEN",
        ] {
            assert!(says_placeholder(value) && placeholder(value).is_some(), "{value}");
        }
        for value in ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Kx2Vb", "Tr0ub4dor&3", "CONTESTANT"] {
            assert!(!ends_with_marker(value), "{value}");
        }
    }

    #[test]
    fn a_marker_word_standing_apart_is_a_placeholder() {
        for value in ["a-fake-tooshort-key", "my_example_pw1", "Dummy.Password.2024", "sample key"] {
            assert!(says_placeholder(value), "{value}");
        }
        // Inside a word, or a word a real password may hold, it is not.
        for value in ["notfakeable-Pw1", "Exampled9!x", "Test-2024!", "Sampler#77", "mockingbird-42"] {
            assert!(!says_placeholder(value), "{value}");
        }
    }

    #[test]
    fn dependency_versions_are_not_secrets() {
        for value in
            ["npm:^7.0.3", "^1.2.3", "~2.1", ">=1.4.0", "v3.2.1-rc.1", "npm:minipass@^7.0.4", "1.x", "workspace:*"]
        {
            assert!(placeholder(value).is_some(), "{value}");
        }
        for value in ["Summer2024!", "Tr0ub4dor&3", "2.4.6.8-Pw!x", "npm:Xk93!ab"] {
            assert!(placeholder(value).is_none(), "{value}");
        }
    }
}
