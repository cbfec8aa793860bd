//! Name priors: what the name a secret travels under (`JIRA_PASSWORD`, `apiToken`,
//! `basic_auth[1]`) suggests it holds.
//!
//! This module owns the splitting of names into words and the word lists; it never looks at a
//! value. A prior only breaks ties in `classifier`: the value beats the name (DOMAIN.md §6.7 lists
//! the common ways names lie, such as tokens stored under `password`).
//!
//! Decisions where DOMAIN.md leaves room:
//! - Words are matched whole, after splitting on `_ - . [ ] / : space` and on camelCase and
//!   letter/digit boundaries, so `passport`, `compass`, `path`, `patch` and `pattern` are not
//!   credential words. A single lower-case compound (`jirapassword`, `accesstoken`) is matched by
//!   its suffix, with the few English words that end in `pass` excluded.
//! - `app_password` and `application_password` are tokens (Bitbucket app passwords and WordPress
//!   application passwords are machine-issued), and they count as token words only.
//! - When both a password word and a token word remain (`token_or_password`), the prior is
//!   `Neutral`: a wrong prior is worse than none.
//! - A credential word followed by a metadata word (`token_url`, `password_hash`,
//!   `password_min_length`) names something *about* the credential, not the credential: `Neutral`.
//!   So does a token word after a non-credential qualifier (`csrf_token`, `next_page_token`,
//!   `CancellationToken`).
//! - The second element of an auth tuple (`auth[1]`, `basic_auth[1]`, `credentials[1]`) is a
//!   password; PowerShell's `-Credential` parameter (a `PSCredential`) is a password; `credential`,
//!   `secret`, `key` and `auth` alone are neutral.

use super::NamePrior;

/// Words that mean "password" on their own.
#[rustfmt::skip]
const PASSWORD_WORDS: &[&str] = &[
    "password", "passwords", "passwd", "pwd", "pass", "pw", "passphrase", "passcode", "pword",
    "pswd", "passwort", "kennwort", "senha", "contrasena", "contraseña", "motdepasse",
    // Jenkins `credentials()` bindings expose `<NAME>_USR` and `<NAME>_PSW`.
    "psw",
];

/// Compound suffixes that mean "password" at the end of one lower-case word (`jirapassword`).
const PASSWORD_SUFFIXES: &[&str] = &["password", "passwd", "passphrase", "pwd", "pass"];

/// English words ending in `pass` that are not passwords.
#[rustfmt::skip]
const NOT_PASSWORD_PASS: &[&str] = &[
    "compass", "encompass", "bypass", "overpass", "underpass", "surpass", "trespass", "impass",
    // The password prompt of C and Python (`getpass.getpass("Password: ")`), and the program
    // that asks for one (`GIT_ASKPASS`, `SSH_ASKPASS`, `SUDO_ASKPASS`): not passwords.
    "getpass", "askpass",
];

/// Words that mean "token" on their own.
#[rustfmt::skip]
const TOKEN_WORDS: &[&str] = &[
    "token", "pat", "bearer", "apikey", "apitoken", "accesstoken", "authtoken", "privatetoken",
];

/// Words naming something about a credential rather than the credential itself.
#[rustfmt::skip]
const METADATA_WORDS: &[&str] = &[
    "url", "uri", "endpoint", "type", "expiry", "expires", "expiration", "expire", "expired", "ttl",
    "lifetime", "name", "id", "ids", "file", "path", "dir", "length", "len", "min", "max", "count",
    "policy", "regex", "pattern", "hint", "reset", "field", "label", "prompt", "placeholder",
    "hash", "hashed", "digest", "salt", "enabled", "enable", "disabled", "required", "strength",
    "validator", "validation", "rules", "format", "prefix", "scope", "scopes", "header", "helper",
    "manager", "store", "storage", "provider", "mode", "kind", "created", "updated", "age",
    "description", "desc", "note", "title", "message", "msg", "error", "key", "setting", "settings",
    "param", "parameter", "property", "column", "attribute", "attr", "option", "link", "table",
    "broker", "event", "route", "button", "input", "text", "timeout", "signature", "sig",
    "expression", "expr", "selection", "ref", "reference", "placement",
];

/// Verbs that make a following password word an option about passwords, not one (Ansible's
/// `update_password: always`, `generate_password: true`, `expire_password`, `ask_password`).
#[rustfmt::skip]
const OPTION_VERBS: &[&str] = &[
    "update", "generate", "reset", "expire", "lock", "require", "random", "show", "hide", "remember",
    "validate", "verify", "check", "encrypt", "hash", "force", "allow", "enable", "disable", "use",
    "ask", "prompt", "rotate",
];

/// Qualifiers that make a following `token` something other than a credential.
#[rustfmt::skip]
const NOT_CREDENTIAL_TOKEN_QUALIFIERS: &[&str] = &[
    "csrf", "xsrf", "anticsrf", "antiforgery", "page", "next", "nextpage", "cancellation", "cancel",
    "sync", "continuation", "pagination", "max", "num", "lexer", "parser",
    // Cloud APIs' paging and idempotency tokens (`input_token`, `ClientToken`).
    "input", "output", "idempotency",
];

/// Splits a name into lower-case words: on separators, camelCase humps (`HTTPPassword` is `http`,
/// `password`) and letter/digit boundaries.
pub(crate) fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        // A non-empty current word means the previous character was alphanumeric and is in it.
        if let (false, Some(&prev)) = (current.is_empty(), i.checked_sub(1).and_then(|p| chars.get(p))) {
            let next = chars.get(i + 1).copied();
            let hump = prev.is_lowercase() && c.is_uppercase();
            // The last capital of an acronym starts the next word: `HTTPPassword`.
            let acronym_end = prev.is_uppercase() && c.is_uppercase() && next.is_some_and(|n| n.is_lowercase());
            let digit_edge = prev.is_ascii_digit() != c.is_ascii_digit();
            if hump || acronym_end || digit_edge {
                words.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn is_password_word(word: &str) -> bool {
    if PASSWORD_WORDS.contains(&word) {
        return true;
    }
    PASSWORD_SUFFIXES.iter().any(|suffix| {
        word.len() > suffix.len() + 1
            && word.ends_with(suffix)
            && !NOT_PASSWORD_PASS.iter().any(|not| word.ends_with(not))
    })
}

fn is_token_word(word: &str) -> bool {
    if TOKEN_WORDS.contains(&word) {
        return true;
    }
    // A lower-case compound ending in "token" (`jiratoken`, `bearertoken`), unless its qualifier
    // makes it something else (`csrftoken`).
    word.len() > "token".len() + 1
        && word.ends_with("token")
        && !NOT_CREDENTIAL_TOKEN_QUALIFIERS.iter().any(|q| word.len() == q.len() + "token".len() && word.starts_with(q))
}

/// Words that may follow a credential word in a name that still names the credential itself:
/// what form it is in (`password_str`, `token_b64`), which of several it is (`password2`,
/// `PASSWORD_PROD`, `old_password`'s twin `password_old`), or the rest of a key's kind
/// (`secret_access_key`).
#[rustfmt::skip]
const HEAD_QUALIFIERS: &[&str] = &[
    "key", "value", "val", "str", "string", "bytes", "raw", "plain", "plaintext", "cleartext",
    "clear", "b64", "base64", "encoded", "enc", "secret", "access", "env", "prod", "production",
    "staging", "stage", "dev", "development", "test", "qa", "uat", "local", "default", "old", "new",
    "current", "confirm", "confirmation", "again", "repeat", "var", "variable", "usr", "psw",
    "auth", "token", "credential", "credentials", "admin", "root", "user", "db", "database",
];

/// Whether a code name's last credential word is its head: followed by nothing, digits or
/// [`HEAD_QUALIFIERS`]. In code a name's head noun comes last, so `TOKEN_BLOCK_BEGIN`,
/// `password_last_used`, `TokenIsInUse`, `HTTPPasswordMgr` and `request_token_arn` name
/// something else (a lexer state, a timestamp, an error code, a class, a resource name).
pub(crate) fn credential_is_head(name: &str) -> bool {
    let words = split_words(name);
    let credential = |w: &str| {
        is_password_word(w)
            || is_token_word(w)
            || matches!(w, "secret" | "secrets" | "key" | "credential" | "credentials" | "creds" | "auth")
    };
    let Some(at) = words.iter().rposition(|w| credential(w)) else { return true };
    let rest = &words[at + 1..];
    // `password_for_email`, `tokenFromVault`, `fieldNameWithPasswordInIt`: a preposition and
    // its object say whose or where, and the credential stays the head.
    let whose = rest
        .first()
        .is_some_and(|w| matches!(w.as_str(), "for" | "in" | "of" | "from" | "with" | "to" | "on" | "at" | "by"));
    whose || rest.iter().all(|w| w.chars().all(|c| c.is_ascii_digit()) || HEAD_QUALIFIERS.contains(&w.as_str()))
}

/// What a name suggests about the secret stored under it. See the module header for the rules.
#[must_use]
/// A value that is its name's own word or the name's tail (`AuthTypeBearer = "bearer"`, an enum
/// value; `[sym_generic_token] = "generic_token"`, a parser's symbol table): the name written
/// again, not a secret.
pub(crate) fn value_is_own_name(name: &str, value: &str) -> bool {
    let squashed = |text: &str| text.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
    let value_squashed = squashed(value);
    let words = split_words(name);
    // `token=token_1234`: a token word numbered is a test's label for a token, which no issuer
    // mints. Not a password word: `password123` is a weak password someone may really use.
    let stem = value.trim_end_matches(|c: char| c.is_ascii_digit());
    let numbered = stem.len() < value.len() && stem.ends_with(['_', '-']) && {
        let word = stem.trim_end_matches(['_', '-']);
        !is_password_word(&word.to_ascii_lowercase()) && words.iter().any(|w| w.eq_ignore_ascii_case(word))
    };
    words.iter().any(|w| w.eq_ignore_ascii_case(value))
        || value_squashed.len() >= 4 && squashed(name).ends_with(&value_squashed)
        || numbered
}

/// `client_secret`, `secret_access_key`, `secret_value`: a name whose last `nouns` word (`secret`,
/// and for code slots `secrets`) is followed by nothing but what kind of key it is. `secret_name`
/// and `secret_path` are about a secret, not one.
pub(crate) fn secret_of_some_kind(words: &[String], nouns: &[&str]) -> bool {
    let Some(at) = words.iter().rposition(|w| nouns.contains(&w.as_str())) else { return false };
    words[at + 1..].iter().all(|w| matches!(w.as_str(), "key" | "access" | "value"))
}

pub fn name_prior(name: &str) -> NamePrior {
    match credential_words(name) {
        (true, false) => NamePrior::Password,
        (false, true) => NamePrior::Token,
        _ => NamePrior::Neutral,
    }
}

/// Whether `name` names a credential of either kind: `planetScalePassword_api_token` has a
/// neutral prior (password and token words both) but is a credential's name all the same.
pub(crate) fn names_some_credential(name: &str) -> bool {
    let (password, token) = credential_words(name);
    password || token
}

/// Whether `name` names a credential: a password or token name, or a secret that is one
/// (`client_secret`, `aws_secret_access_key`, a bare `secret`; not `secret_name`).
pub(crate) fn is_credential_name(name: &str) -> bool {
    names_some_credential(name) || secret_of_some_kind(&split_words(name), &["secret", "secrets"])
}

/// Whether `name` holds a password word and whether it holds a token word (each not followed by
/// a word that makes it metadata: `password_length`, `token_url`).
fn credential_words(name: &str) -> (bool, bool) {
    let words = split_words(name);
    let mut password = false;
    let mut token = false;
    let mut i = 0;
    while i < words.len() {
        let word = words[i].as_str();
        let next = words.get(i + 1).map(String::as_str);
        let prev = i.checked_sub(1).and_then(|p| words.get(p)).map(String::as_str);
        let rest = &words[i + 1..];
        let about_it = rest.iter().any(|w| METADATA_WORDS.contains(&w.as_str()));

        // Two-word phrases first, so that `app_password` is not also read as a password.
        if matches!(word, "app" | "application") && next.is_some_and(|n| n.starts_with("password")) {
            token |= !words[i + 2..].iter().any(|w| METADATA_WORDS.contains(&w.as_str()));
            i += 2;
            continue;
        }
        if word == "api" && next == Some("key") {
            token |= !words[i + 2..].iter().any(|w| METADATA_WORDS.contains(&w.as_str()));
            i += 2;
            continue;
        }
        if matches!(word, "auth" | "credentials" | "creds" | "credential") && next == Some("1") {
            password = true;
            i += 2;
            continue;
        }
        if is_password_word(word) && !about_it && !prev.is_some_and(|p| OPTION_VERBS.contains(&p)) {
            password = true;
        } else if is_token_word(word) && !about_it {
            let qualified_away = word == "token" && prev.is_some_and(|p| NOT_CREDENTIAL_TOKEN_QUALIFIERS.contains(&p));
            token |= !qualified_away;
        }
        i += 1;
    }
    // PowerShell's `-Credential` parameter takes a PSCredential: a user name and a password.
    if name.trim_start().starts_with('-') && words.len() == 1 && words[0] == "credential" {
        password = true;
    }
    (password, token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use NamePrior::{Neutral, Password, Token};

    #[test]
    fn splits_separators_camel_case_acronyms_and_digits() {
        assert_eq!(split_words("JIRA_API_TOKEN"), ["jira", "api", "token"]);
        assert_eq!(split_words("plainTextToken"), ["plain", "text", "token"]);
        assert_eq!(split_words("HTTPPassword"), ["http", "password"]);
        assert_eq!(split_words("basic_auth[1]"), ["basic", "auth", "1"]);
        assert_eq!(split_words("--password"), ["password"]);
        assert_eq!(split_words("pass1"), ["pass", "1"]);
        assert_eq!(split_words(""), Vec::<String>::new());
        assert_eq!(split_words("ÜberPasswort"), ["über", "passwort"]);
    }

    #[test]
    fn a_credential_word_is_the_head_unless_other_words_follow_it() {
        for name in [
            "password",
            "db_password",
            "PASSWORD_PROD",
            "password2",
            "aws_secret_access_key",
            "apiKey",
            "auth[1]",
            "password_for_email",
        ] {
            assert!(credential_is_head(name), "{name}");
        }
        for name in ["TOKEN_BLOCK_BEGIN", "password_last_used", "TokenIsInUse", "HTTPPasswordMgr", "request_token_arn"]
        {
            assert!(!credential_is_head(name), "{name}");
        }
    }

    #[test]
    fn a_name_with_password_and_token_words_is_neutral_but_names_a_credential() {
        assert_eq!(name_prior("planetScalePassword_api_token"), Neutral);
        assert!(names_some_credential("planetScalePassword_api_token"));
        assert!(names_some_credential("JIRA_API_TOKEN"));
        assert!(!names_some_credential("password_length"));
        assert!(!names_some_credential("username"));
    }

    #[test]
    fn name_priors_table() {
        let table: &[(&str, NamePrior)] = &[
            // Password-ish names from DOMAIN.md §6.7.
            ("password", Password),
            ("passwd", Password),
            ("pwd", Password),
            ("pass", Password),
            ("pw", Password),
            ("db_pw", Password),
            ("passphrase", Password),
            ("userPassword", Password),
            ("jira_pass", Password),
            ("JIRA_PASSWORD", Password),
            ("ldap_password", Password),
            ("basic_auth[1]", Password),
            ("auth[1]", Password),
            ("passwordVariable", Password),
            ("--password", Password),
            ("url_password", Password),
            ("-Credential", Password),
            ("jirapassword", Password),
            ("dbpass", Password),
            ("HTTPPassword", Password),
            ("confirmPassword", Password),
            // Token-ish names.
            ("token", Token),
            ("api_token", Token),
            ("apiToken", Token),
            ("access_token", Token),
            ("pat", Token),
            ("personal_token", Token),
            ("personal_access_token", Token),
            ("JIRA_PERSONAL_TOKEN", Token),
            ("CONFLUENCE_PAT", Token),
            ("bearer", Token),
            ("auth_token", Token),
            ("token_auth", Token),
            ("apikey", Token),
            ("api_key", Token),
            ("x-api-key", Token),
            ("app_password", Token),
            ("BITBUCKET_APP_PASSWORD", Token),
            ("appPassword", Token),
            ("BITBUCKET_TOKEN", Token),
            ("ATLASSIAN_API_TOKEN", Token),
            ("rawToken", Token),
            ("plainTextToken", Token),
            ("PRIVATE-TOKEN", Token),
            ("accesstoken", Token),
            // Look-alikes and neutral names.
            ("passport", Neutral),
            ("passportNumber", Neutral),
            ("compass", Neutral),
            ("bypass", Neutral),
            ("path", Neutral),
            ("patch", Neutral),
            ("pattern", Neutral),
            ("passenger", Neutral),
            ("secret", Neutral),
            ("key", Neutral),
            ("credential", Neutral),
            ("credentials", Neutral),
            ("auth", Neutral),
            ("basic_auth[0]", Neutral),
            ("secret_key", Neutral),
            ("user", Neutral),
            ("", Neutral),
            ("csrf_token", Neutral),
            ("csrftoken", Neutral),
            ("next_page_token", Neutral),
            ("CancellationToken", Neutral),
            ("token_url", Neutral),
            ("tokenEndpoint", Neutral),
            ("password_hash", Neutral),
            ("password_min_length", Neutral),
            ("api_key_id", Neutral),
            ("tokenizer", Neutral),
            ("passwordless", Neutral),
            ("getpass", Neutral),
            ("GIT_ASKPASS", Neutral),
            ("update_password", Neutral),
            ("generate_password", Neutral),
            ("input_token", Neutral),
            ("token_or_password", Neutral),
        ];
        for &(name, expected) in table {
            assert_eq!(name_prior(name), expected, "name_prior({name:?})");
        }
    }

    #[test]
    fn a_numbered_token_word_is_the_name_again() {
        assert!(value_is_own_name("token", "token_1234"));
        assert!(value_is_own_name("api_key", "key-01"));
        // A password word numbered may be a real, weak password; a token that only starts
        // with the word is not the name again.
        assert!(!value_is_own_name("password", "password_123"));
        assert!(!value_is_own_name("token", "tokenx_1234"));
    }
}
