//! The decision procedure for one literal secret value: password, token (which format, how sure),
//! or placeholder (DOMAIN.md §6, §7).
//!
//! This module owns the order of the steps and the password-versus-token judgement on shape; the
//! steps themselves live beside it: `tokens` (known formats and checksums), `placeholder`
//! (placeholder words and shapes), `shape` (entropy and alphabets), `words` (the word list),
//! `names` (name priors). It never sees files, spans or targets. Callers: `check` and `analyze`.
//!
//! The steps, in order:
//! 1. Empty or whitespace: placeholder.
//! 2. Wrappers are unwrapped and their content classified: `Bearer x`, `token x`, `Basic <b64>`,
//!    `${NAME:-default}` (the default is a hardcoded value, DOMAIN.md §7), Spring's `{noop}x`.
//! 3. A checksummed format whose checksum verifies is a token: nothing else can make it pass.
//! 4. Placeholders.
//! 5. A checksummed format whose checksum fails is a documentation example: placeholder.
//! 6. Formats with a prefix or a decodable layout (ATBB, BBDC-, DC PAT, GitLab, Slack, JWT…); a
//!    known prefix on an example body (`xoxb-your-token`) is a placeholder.
//! 7. A base64 `user:secret` blob stored as the secret (a "token" that is really
//!    `base64(email:password)`, DOMAIN.md §6.7): its secret half is classified.
//! 8. The shape: long random single-alphabet values are generated tokens, anything else a human
//!    password, and the name prior decides the ambiguous middle (20–32 random characters).

use std::sync::LazyLock;

use regex::Regex;

use super::shape::{self, Classes};
use super::tokens::{self, FormatMatch};
use super::{Classification, Confidence, NamePrior, SecretClass, TokenFormat, placeholder, words};
use crate::codec;

pub use super::names::name_prior;
pub use super::shape::shannon_entropy;

/// Wrappers nest (`Basic` of a `user:${T:-token}`), but only so far: a hostile value must not
/// make classification recurse without end.
const MAX_DEPTH: u8 = 3;

/// Classifies the secret half of a credential. `prior` is what its name suggests ([`name_prior`]);
/// the value beats the name, which only decides values that could be either.
///
/// Never panics, whatever the input; the reason never contains the value.
#[must_use]
pub fn classify_literal(value: &str, prior: NamePrior) -> Classification {
    classify_at(value, prior, 0)
}

/// Decodes an HTTP Basic credential blob (`Authorization: Basic …`, docker `auth`, npm `_auth`)
/// into `(user, secret)`. A leading `Basic ` is tolerated. Returns `None` unless the text is
/// canonical base64 of UTF-8 containing a `:`; the user or the secret may be empty.
#[must_use]
pub fn decode_basic_blob(b64: &str) -> Option<(String, String)> {
    let mut text = b64.trim();
    if let Some(rest) = strip_prefix_ignore_case(text, "basic ") {
        text = rest.trim_start();
    }
    let decoded = String::from_utf8(codec::base64_decode(text)?).ok()?;
    let (user, secret) = decoded.split_once(':')?;
    Some((user.to_owned(), secret.to_owned()))
}

fn classify_at(value: &str, prior: NamePrior, depth: u8) -> Classification {
    let v = value.trim();
    if v.is_empty() {
        return verdict(SecretClass::Placeholder, Confidence::High, "empty or whitespace");
    }
    if depth < MAX_DEPTH
        && let Some(c) = open_wrapper(v, prior, depth)
    {
        return c;
    }

    // The catalogue names a token's provider and kind and knows where to revoke it, so it is asked
    // first. A format whose checksum holds is a token whatever else the value looks like; one
    // without (or with only a structural check) is taken after the placeholder tests below.
    let catalogued = crate::formats::whole(v);
    if let Some(entry) = catalogued.filter(|e| e.is_checked()) {
        return catalogue_verdict(entry, Confidence::High);
    }
    let checked = tokens::checksummed(v);
    if let Some(FormatMatch::Token { format, confidence, reason }) = checked {
        return verdict(SecretClass::Token { format }, confidence, reason);
    }
    if let Some((reason, confidence)) = placeholder::placeholder(v) {
        return verdict(SecretClass::Placeholder, confidence, reason);
    }
    if let Some(FormatMatch::Example { reason }) = checked {
        return verdict(SecretClass::Placeholder, Confidence::High, reason);
    }
    // A structural check (a JWT's JSON, a base32 key id) proves the format, not that the value
    // is no documentation example: high confidence, after the placeholder tests.
    if let Some(entry) = catalogued {
        return self::catalogued(entry);
    }
    match tokens::unverified(v) {
        Some(FormatMatch::Token { format, confidence, reason }) => {
            return verdict(SecretClass::Token { format }, confidence, reason);
        }
        Some(FormatMatch::Example { reason }) => {
            return verdict(SecretClass::Placeholder, Confidence::High, reason);
        }
        None => {}
    }
    if depth < MAX_DEPTH
        && let Some(c) = user_secret_blob(v, prior, depth)
    {
        return c;
    }
    judge_shape(v, prior)
}

/// A catalogued token found by its format (a checked format is high confidence).
pub fn catalogued(entry: &crate::formats::TokenEntry) -> Classification {
    let confidence = if entry.check == crate::formats::Check::None { Confidence::Medium } else { Confidence::High };
    catalogue_verdict(entry, confidence)
}

/// A catalogued token: its format, and what its match proves.
fn catalogue_verdict(entry: &crate::formats::TokenEntry, confidence: Confidence) -> Classification {
    let format = TokenFormat::Catalogue(entry.index);
    let reason =
        format!("matches the {} {} format: {}", entry.provider.to_lowercase(), entry.kind, entry.check.proves());
    verdict(SecretClass::Token { format }, confidence, reason)
}

fn verdict(class: SecretClass, confidence: Confidence, reason: impl Into<String>) -> Classification {
    Classification { class, confidence, reason: reason.into() }
}

/// Classifies `inner` and says which wrapper it came out of.
fn wrapped(inner: &str, prior: NamePrior, depth: u8, wrapper: &str) -> Classification {
    let c = classify_at(inner, prior, depth + 1);
    Classification { reason: format!("{wrapper}: {}", c.reason), ..c }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// `${NAME:-default}`, `${NAME:=default}`, `${NAME:default}` (Spring), `${NAME-default}`. The
/// shell's `${NAME:?message}` and `${NAME:+alternate}` are excluded: a message is not a value, and
/// an alternate is only used when the variable is already set.
static DEFAULTED_VARIABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\$\{[A-Za-z_][A-Za-z0-9_.]*(?<sep>:-|:=|:|-|=)(?<default>.*)\}$").expect("static regex")
});

/// Step 2: values that carry the secret inside a wrapper.
fn open_wrapper(v: &str, prior: NamePrior, depth: u8) -> Option<Classification> {
    for scheme in ["bearer ", "token "] {
        if let Some(rest) = strip_prefix_ignore_case(v, scheme) {
            let rest = rest.trim_start();
            if !rest.is_empty() && !rest.contains(char::is_whitespace) {
                return Some(wrapped(rest, prior, depth, "an authorization header value"));
            }
        }
    }
    if strip_prefix_ignore_case(v, "basic ").is_some()
        && let Some((_, secret)) = decode_basic_blob(v)
    {
        return Some(wrapped(&secret, prior, depth, "a basic auth blob"));
    }
    if let Some(caps) = DEFAULTED_VARIABLE.captures(v)
        && let (Some(sep), Some(default)) = (caps.name("sep"), caps.name("default"))
    {
        let default = default.as_str();
        let shell_message_or_alternate = sep.as_str() == ":" && default.starts_with(['?', '+']);
        if !shell_message_or_alternate {
            return Some(wrapped(default, prior, depth, "the default of a variable reference"));
        }
    }
    if let Some(rest) = v.strip_prefix("{noop}") {
        return Some(wrapped(rest, prior, depth, "a spring {noop} plaintext password"));
    }
    None
}

/// Step 7: a base64 blob that decodes to printable `user:secret` text.
fn user_secret_blob(v: &str, prior: NamePrior, depth: u8) -> Option<Classification> {
    if v.len() < 8 {
        return None;
    }
    let (user, secret) = decode_basic_blob(v)?;
    let printable = |s: &str| s.chars().all(|c| !c.is_control());
    let plausible_user = !user.is_empty() && !user.contains(char::is_whitespace);
    if plausible_user && !secret.is_empty() && printable(&user) && printable(&secret) {
        Some(wrapped(&secret, prior, depth, "base64 of user:secret"))
    } else {
        None
    }
}

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$").expect("static regex")
});

static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(19[5-9][0-9]|20[0-4][0-9])").expect("static regex"));

/// Step 8: password or generated token, from the value's shape and the name prior.
fn judge_shape(v: &str, prior: NamePrior) -> Classification {
    use Confidence::{High, Low, Medium};
    let generic = SecretClass::Token { format: TokenFormat::Generic };
    let password = SecretClass::Password;

    if UUID.is_match(v) {
        let distinct: std::collections::BTreeSet<char> =
            v.chars().filter(|&c| c != '-').map(|c| c.to_ascii_lowercase()).collect();
        return if distinct.len() <= 2 {
            verdict(SecretClass::Placeholder, High, "an example uuid")
        } else {
            verdict(generic, Medium, "a uuid: machine-generated, not a human password")
        };
    }

    let n = v.chars().count();
    if n >= 20 && shape::looks_random(v) {
        let single_alphabet = shape::token_alphabet(v).is_some();
        let (class, confidence, reason) = match (single_alphabet, n, prior) {
            (true, 33.., _) => (generic, Medium, "long, single-alphabet, high-entropy value: a generated token"),
            (true, 24.., NamePrior::Token) => (generic, Medium, "random single-alphabet value under a token name"),
            (true, 24.., NamePrior::Neutral) => {
                (generic, Low, "random single-alphabet value of ambiguous length, more likely a generated token")
            }
            (true, _, NamePrior::Token) => (generic, Low, "short random value; the token name decides"),
            (true, _, NamePrior::Neutral) => (password, Low, "short random value, more likely a generated password"),
            (false, 24.., NamePrior::Token) => (generic, Low, "random value with symbols; the token name decides"),
            (false, 24.., NamePrior::Neutral) => {
                (password, Low, "random value with symbols, more likely a generated password")
            }
            (_, _, NamePrior::Password) => (password, Medium, "random-looking value; the password name decides"),
            (false, _, _) => (password, Medium, "random value with symbols: a generated password"),
        };
        return verdict(class, confidence, reason);
    }

    let hallmarks = password_hallmarks(v, n);
    if hallmarks.is_empty() {
        verdict(password, Medium, "not a known token format and not random enough for a generated token")
    } else {
        verdict(password, High, format!("looks like a human password: {}", hallmarks.join(", ")))
    }
}

/// The signs of a password a human chose (DOMAIN.md §6.6).
fn password_hallmarks(v: &str, n: usize) -> Vec<&'static str> {
    let mut found = Vec::new();
    if n <= 20 {
        found.push("short");
    }
    if words::has_leetspeak_word(v) {
        found.push("leetspeak");
    } else if words::cover(v).any() {
        found.push("dictionary words");
    }
    if YEAR.is_match(v) {
        found.push("a year");
    }
    let classes = Classes::of(v);
    let ends_plain = v.chars().last().is_some_and(|c| c.is_ascii_digit() || !c.is_alphanumeric());
    if ends_plain && (classes.lower || classes.upper) {
        found.push("trailing digits or symbols");
    }
    let h = shannon_entropy(v);
    let low = if n >= 16 { h < 3.5 } else { h < 0.8 * (n as f64).log2() };
    if low {
        found.push("low entropy");
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{base62_encode_u32_padded, base64_encode};
    use NamePrior::{Neutral, Password, Token};
    use TokenFormat as F;
    use crc32fast::hash as crc32;

    /// A deterministic generator, so fake tokens are the same on every run and no real secret is
    /// ever written into the repository.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn string(&mut self, alphabet: &[u8], len: usize) -> String {
            (0..len).map(|_| char::from(alphabet[(self.next() % alphabet.len() as u64) as usize])).collect()
        }

        fn bytes(&mut self, len: usize) -> Vec<u8> {
            (0..len).map(|_| (self.next() >> 24) as u8).collect()
        }
    }

    const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const HEX: &[u8] = b"0123456789abcdef";
    const DIGITS: &[u8] = b"0123456789";

    /// A 192-character Atlassian Cloud token with a valid CRC-32 tail.
    fn atlassian(header: &str, seed: u64) -> String {
        let mut rng = Rng(seed);
        let mut s = header.to_owned();
        s.push_str(&rng.string(B64URL, 192 - header.len() - 9));
        s.push('=');
        let crc = crc32(s.as_bytes());
        s.push_str(&format!("{crc:08X}"));
        s
    }

    /// The same token with its checksum broken (one hex digit changed).
    fn broken_tail(token: &str) -> String {
        let (head, last) = token.split_at(token.len() - 1);
        format!("{head}{}", if last == "0" { "1" } else { "0" })
    }

    /// `prefix` + 30 random base62 + the base62 CRC-32: GitHub's and npm's layout.
    fn checksummed(prefix: &str, seed: u64) -> String {
        let random = Rng(seed).string(B62, 30);
        format!("{prefix}{random}{}", base62_encode_u32_padded(crc32(random.as_bytes()), 6))
    }

    /// A Data Center PAT: base64 of 12 digits, ':' and 20 random bytes.
    fn dc_pat(seed: u64) -> String {
        let mut raw = b"123456789012:".to_vec();
        raw.extend(Rng(seed).bytes(20));
        base64_encode(&raw, false, true)
    }

    fn jwt(payload: &str, seed: u64) -> String {
        let header = base64_encode(br#"{"alg":"HS256","typ":"JWT"}"#, true, false);
        let payload = base64_encode(payload.as_bytes(), true, false);
        format!("{header}.{payload}.{}", Rng(seed).string(B64URL, 43))
    }

    fn basic(user_secret: &str) -> String {
        base64_encode(user_secret.as_bytes(), false, true)
    }

    /// What a row expects.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Want {
        Password,
        Token(TokenFormat),
        Placeholder,
    }

    /// Equal classes, where a token of a built-in format may come back as the token catalogue's
    /// entry of the same provider (the catalogue names it more precisely).
    fn same_class(got: SecretClass, want: SecretClass) -> bool {
        match (got, want) {
            (SecretClass::Token { format: got }, SecretClass::Token { format: want }) => got.family() == want.family(),
            _ => got == want,
        }
    }

    impl Want {
        fn class(self) -> SecretClass {
            match self {
                Want::Password => SecretClass::Password,
                Want::Token(format) => SecretClass::Token { format },
                Want::Placeholder => SecretClass::Placeholder,
            }
        }
    }

    use Want::Placeholder as Ph;
    use Want::Token as Tk;
    const PW: Want = Want::Password;

    /// The table: (value, prior, expected class, minimum confidence when it matters).
    #[rustfmt::skip]
    fn table() -> Vec<(String, NamePrior, Want, Option<Confidence>)> {
        use Confidence::{High, Low, Medium};
        let s = |v: &str| v.to_owned();
        let ata = atlassian("ATATT3xFfGF0", 1);
        let atc = atlassian("ATCTT3xFfGN0", 2);
        let ghp = checksummed("ghp_", 3);
        let gho = checksummed("gho_", 4);
        let npm = checksummed("npm_", 5);
        let mut r = Rng(99);
        let github_pat = format!("github_pat_{}_{}", r.string(B62, 22), r.string(B62, 59));
        let atbb = format!("ATBB{}{}", r.string(B62, 24), r.string(b"0123456789ABCDEF", 8));
        let xoxb = format!(
            "xoxb-{}-{}-{}",
            r.string(DIGITS, 12),
            r.string(DIGITS, 13),
            r.string(B62, 24)
        );
        vec![
            // Atlassian Cloud tokens: valid CRC-32, broken CRC-32, truncated, with any prior.
            (ata.clone(), Neutral, Tk(F::AtlassianApiToken), Some(High)),
            (ata.clone(), Password, Tk(F::AtlassianApiToken), Some(High)),
            (broken_tail(&ata), Token, Ph, Some(High)),
            (ata[..60].to_owned(), Neutral, Ph, None),
            (s("ATATT3xFfGF0..."), Token, Ph, None),
            (atc.clone(), Neutral, Tk(F::AtlassianAccessToken), Some(High)),
            (broken_tail(&atc), Neutral, Ph, Some(High)),
            (s("ATCTT3xFfGN..."), Neutral, Ph, None),
            // GitHub classic tokens and npm.
            (ghp.clone(), Neutral, Tk(F::Github), Some(High)),
            (gho.clone(), Password, Tk(F::Github), Some(High)),
            (broken_tail(&ghp), Token, Ph, Some(High)),
            (s("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), Token, Ph, None),
            (s("ghp_your_token_here"), Token, Ph, None),
            (npm.clone(), Neutral, Tk(F::Npm), Some(High)),
            (broken_tail(&npm), Token, Tk(F::Npm), Some(Medium)),
            // A format without a checksum is medium confidence (the token catalogue's rule): in a
            // test or an example it is a note; only a checksum makes it an error everywhere.
            (github_pat, Neutral, Tk(F::Github), Some(Medium)),
            // Bitbucket app passwords and Data Center tokens.
            (atbb, Password, Tk(F::BitbucketAppPassword), Some(Medium)),
            (s("ATBBxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), Neutral, Ph, None),
            (format!("BBDC-{}", r.string(B62, 44)), Neutral, Tk(F::BitbucketDcToken), Some(Medium)),
            (s("BBDC-..."), Neutral, Ph, None),
            (s("BBDC-your-token"), Neutral, Ph, None),
            // Data Center PATs: the decoded layout, and a look-alike that does not decode to it.
            (dc_pat(6), Neutral, Tk(F::AtlassianDcPat), Some(High)),
            (dc_pat(7), Password, Tk(F::AtlassianDcPat), Some(High)),
            (format!("M{}", r.string(B62, 43)), Neutral, Tk(F::Generic), Some(Medium)),
            (s("MDM0MjM5NDc2MDxxxxxxxx…"), Neutral, Ph, None),
            // GitLab, Slack, JWT.
            (format!("glpat-{}", r.string(B62, 20)), Neutral, Tk(F::Gitlab), Some(Medium)),
            (s("glpat-XXXXXXXXXXXXXXXXXXXX"), Token, Ph, None),
            (format!("glrt-{}", r.string(B62, 20)), Neutral, Tk(F::Gitlab), Some(Medium)),
            (xoxb, Neutral, Tk(F::Slack), Some(Medium)),
            (s("xoxb-your-bot-token"), Token, Ph, None),
            (jwt(r#"{"sub":"svc-ci","iat":1700000000}"#, 8), Neutral, Tk(F::Jwt), Some(High)),
            (jwt(r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#, 9), Token, Ph, None),
            // Generic tokens and the ambiguous middle, where the name prior decides.
            (r.string(B62, 40), Password, Tk(F::Generic), Some(Medium)),
            (r.string(HEX, 40), Neutral, Tk(F::Generic), Some(Medium)),
            (Rng(10).string(B62, 28), Token, Tk(F::Generic), Some(Medium)),
            (Rng(10).string(B62, 28), Neutral, Tk(F::Generic), Some(Low)),
            (Rng(10).string(B62, 28), Password, PW, Some(Medium)),
            (Rng(11).string(B62, 22), Token, Tk(F::Generic), Some(Low)),
            (Rng(11).string(B62, 22), Password, PW, Some(Medium)),
            (Rng(11).string(B62, 22), Neutral, PW, Some(Low)),
            (s("6f1c0d3e-9b2a-4c5d-8e7f-a1b2c3d4e5f6"), Neutral, Tk(F::Generic), Some(Medium)),
            (s("00000000-0000-0000-0000-000000000000"), Neutral, Ph, None),
            // Real-looking passwords: the value beats a token name.
            (s("P@ssw0rd$1"), Neutral, PW, Some(High)),
            (s("h0pk1ns~21s"), Token, PW, Some(High)),
            (s("69WalpurgisNacht69"), Neutral, PW, Some(High)),
            (s("S3cret!"), Token, PW, Some(High)),
            (s("Summer2024!"), Token, PW, Some(High)),
            (s("hunter2"), Neutral, PW, Some(High)),
            (s("testpass123"), Neutral, PW, Some(High)),
            (s("admin"), Password, PW, Some(High)),
            (s("correct horse battery staple"), Neutral, PW, Some(High)),
            (s("MyCompanyJiraPassword2024!"), Token, PW, Some(High)),
            (s("$ecret2024"), Neutral, PW, Some(High)),
            (s("Tr0ub4dor&3"), Neutral, PW, Some(High)),
            (s("Password123!"), Password, PW, Some(High)),
            (s("adminpassword"), Password, PW, Some(High)),
            (s("mysecretpassword"), Password, PW, Some(High)),
            (s("Adminpassword"), Password, PW, Some(High)),
            // Placeholders from DOMAIN.md §7.
            (s(""), Password, Ph, Some(High)),
            (s(" "), Password, Ph, Some(High)),
            (s("changeme"), Password, Ph, Some(High)),
            (s("ChangeIt"), Password, Ph, Some(High)),
            (s("password"), Password, Ph, Some(High)),
            (s("pass"), Password, Ph, Some(High)),
            (s("secret"), Neutral, Ph, Some(High)),
            (s("TOKEN"), Token, Ph, Some(High)),
            (s("example"), Neutral, Ph, Some(High)),
            (s("dummy"), Neutral, Ph, Some(High)),
            (s("test"), Neutral, Ph, Some(High)),
            (s("none"), Neutral, Ph, Some(High)),
            (s("null"), Neutral, Ph, Some(High)),
            (s("false"), Neutral, Ph, Some(High)),
            (s("xxx"), Neutral, Ph, Some(High)),
            (s("your_api_token"), Token, Ph, Some(High)),
            (s("YOUR_PASSWORD"), Password, Ph, Some(High)),
            (s("your-pat-token"), Token, Ph, Some(High)),
            (s("YOUR@EMAIL.ORG"), Neutral, Ph, Some(High)),
            (s("your_personal_access_token_here"), Token, Ph, Some(High)),
            (s("my-api-token"), Token, Ph, Some(High)),
            (s("myApiToken"), Token, Ph, Some(High)),
            (s("PAT_TOKEN"), Token, Ph, Some(High)),
            (s("JIRA_API_TOKEN"), Token, Ph, Some(High)),
            (s("API_TOKEN_OBTAINED_FROM_JIRA_UI"), Token, Ph, Some(High)),
            (s("GENERATE-TOKEN-HERE"), Token, Ph, Some(High)),
            (s("REPLACE_WITH_YOUR_PERSONAL_ACCESS_TOKEN"), Token, Ph, Some(High)),
            (s("replace-me"), Neutral, Ph, Some(High)),
            (s("insert_token"), Neutral, Ph, Some(High)),
            (s("seu_token_atlassian"), Token, Ph, Some(High)),
            (s("idoillusions"), Password, Ph, Some(High)),
            (s("pass1234"), Password, Ph, Some(High)),
            (s("GobBluthe"), Password, Ph, Some(High)),
            (s("<password>"), Password, Ph, Some(High)),
            (s("<user:password>"), Password, Ph, Some(High)),
            (s("[PASSWORD]"), Password, Ph, Some(High)),
            (s("{token}"), Token, Ph, Some(High)),
            (s("{{ jira_token }}"), Token, Ph, Some(High)),
            (s("${{ secrets.JIRA_TOKEN }}"), Token, Ph, Some(High)),
            (s("${JIRA_TOKEN}"), Token, Ph, Some(High)),
            (s("jdbc:${db.password}@x"), Password, Ph, Some(High)),
            (s("pw-#{ENV['PW']}"), Password, Ph, Some(High)),
            // `${` and `}` in a random password do not make a template: the braces hold no name.
            (s("m{{h}o)p${e]nob(ody[finds>-_$#thisone}}"), Password, PW, Some(Medium)),
            (s("$JIRA_TOKEN"), Token, Ph, Some(High)),
            (s("$password"), Password, Ph, Some(High)),
            (s("$1"), Password, Ph, Some(High)),
            (s("%JIRA_TOKEN%"), Token, Ph, Some(High)),
            (s("@jira.password@"), Password, Ph, Some(High)),
            (s("$(cat /run/secrets/token)"), Token, Ph, Some(High)),
            (s("%s"), Password, Ph, Some(High)),
            (s("var.jira_token"), Token, Ph, Some(High)),
            (s("***"), Password, Ph, None),
            (s("**********"), Password, Ph, None),
            (s("xxxx"), Password, Ph, None),
            (s("XXXXXXXXXXXX"), Password, Ph, None),
            (s("..."), Password, Ph, None),
            (s("…"), Password, Ph, None),
            (s("Basic ..."), Neutral, Ph, None),
            (s("aaaaaaaa"), Password, Ph, None),
            (s("****1234"), Password, Ph, None),
            (s("ATAT…9A3F"), Token, Ph, None),
            (s("jira_password"), Password, Ph, Some(High)),
            (s("jiraPassword"), Password, Ph, Some(High)),
            (s("no-check"), Neutral, Ph, Some(High)),
            (s("~/.netrc"), Neutral, Ph, None),
            (s("ENC[AES256_GCM,data:Tr0ub4dor,iv:abc,tag:def,type:str]"), Password, Ph, None),
            (s("{aGVsbG8gd29ybGQgdGhpcyBpcyBtYXZlbg==}"), Password, Ph, None),
            (s("$ANSIBLE_VAULT;1.1;AES256"), Password, Ph, None),
            (s("ENC(bG9uZ2VuY3J5cHRlZA==)"), Password, Ph, None),
            (s("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"), Password, Ph, None),
            (s("/run/secrets/jira_token"), Token, Ph, None),
            (s("abcdefghijklmnopqrstuvwxyz123456"), Token, Ph, None),
            // Wrappers: the content is classified.
            (format!("Bearer {ata}"), Neutral, Tk(F::AtlassianApiToken), Some(High)),
            (format!("Basic {}", basic("me@example.com:Summer2024!")), Neutral, PW, Some(High)),
            (format!("Basic {}", basic("me@example.com:your_api_token")), Neutral, Ph, None),
            (basic(&format!("me@example.com:{ata}")), Token, Tk(F::AtlassianApiToken), Some(High)),
            (s("${JIRA_PASSWORD:-Summer2024!}"), Password, PW, Some(High)),
            (format!("${{JIRA_TOKEN:{ghp}}}"), Token, Tk(F::Github), Some(High)),
            (s("${JIRA_TOKEN:}"), Token, Ph, None),
            (s("${JIRA_PASSWORD:?JIRA_PASSWORD is not set}"), Password, Ph, Some(High)),
            (s("${JIRA_PASSWORD:+Summer2024!}"), Password, Ph, Some(High)),
            (s("${jira.password:Summer2024!}"), Password, PW, Some(High)),
            (s("{noop}hunter2"), Password, PW, Some(High)),
        ]
    }

    #[test]
    fn classification_table() {
        let mut failures = Vec::new();
        let rows = table();
        assert!(rows.len() >= 60, "the table has {} rows", rows.len());
        for (value, prior, want, min_confidence) in &rows {
            let got = classify_literal(value, *prior);
            let confidence_ok = min_confidence.is_none_or(|c| got.confidence >= c);
            if !same_class(got.class, want.class()) || !confidence_ok {
                failures.push(format!(
                    "{value:?} ({prior:?}): want {want:?} >= {min_confidence:?}, got {:?} {:?} ({})",
                    got.class, got.confidence, got.reason
                ));
            }
        }
        assert!(failures.is_empty(), "{} rows failed:\n{}", failures.len(), failures.join("\n"));
    }

    #[test]
    fn exact_confidence_in_the_ambiguous_middle() {
        // The table checks minimum confidence; the middle band must not claim more than it knows.
        let v = Rng(10).string(B62, 28);
        assert_eq!(classify_literal(&v, Neutral).confidence, Confidence::Low);
        let v = Rng(11).string(B62, 22);
        assert_eq!(classify_literal(&v, Token).confidence, Confidence::Low);
        assert_eq!(classify_literal(&v, Neutral).confidence, Confidence::Low);
    }

    #[test]
    fn reasons_are_lowercase_without_period_and_never_contain_the_value() {
        for (value, prior, _, _) in table() {
            let reason = classify_literal(&value, prior).reason;
            assert!(!reason.is_empty(), "{value:?}: empty reason");
            assert_eq!(reason, reason.to_lowercase(), "{value:?}: {reason}");
            assert!(!reason.ends_with('.'), "{value:?}: {reason}");
            let trimmed = value.trim();
            if trimmed.chars().count() >= 4 {
                assert!(
                    !reason.to_lowercase().contains(&trimmed.to_lowercase()),
                    "{value:?}: the reason repeats the value: {reason}"
                );
            }
        }
    }

    #[test]
    fn checksum_failures_are_called_documentation_examples() {
        let ata = broken_tail(&atlassian("ATATT3xFfGF0", 12));
        let ghp = broken_tail(&checksummed("ghp_", 13));
        for value in [ata, ghp] {
            let c = classify_literal(&value, Token);
            assert_eq!(c.class, SecretClass::Placeholder);
            assert!(c.reason.starts_with("documentation example"), "{}", c.reason);
            assert!(c.reason.contains("checksum fails"), "{}", c.reason);
        }
    }

    #[test]
    fn regular_expressions_are_not_passwords() {
        for value in [r"[A-Z]\w*", r"^\d{4}-\d{2}$", "[0-9a-f]{40}", r"[^a-z]+", r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,}"] {
            let c = classify_literal(value, Password);
            assert_eq!(c.class, SecretClass::Placeholder, "{value}");
            assert_eq!(c.reason, "a regular expression", "{value}");
        }
        for value in ["Tr0ub4dor&3", r"p@ss\word9", "[Summer]2024!"] {
            assert_eq!(classify_literal(value, Password).class, SecretClass::Password, "{value}");
        }
    }

    #[test]
    fn decodes_basic_blobs() {
        assert_eq!(decode_basic_blob("dXNlcjpwYXNz"), Some(("user".to_owned(), "pass".to_owned())));
        assert_eq!(decode_basic_blob("Basic dXNlcjpwYXNz"), Some(("user".to_owned(), "pass".to_owned())));
        // Only the first colon separates: secrets may contain colons.
        assert_eq!(decode_basic_blob(&basic("u:a:b")), Some(("u".to_owned(), "a:b".to_owned())));
        assert_eq!(decode_basic_blob(&basic(":")), Some((String::new(), String::new())));
        assert_eq!(decode_basic_blob(&basic("no colon")), None);
        assert_eq!(decode_basic_blob("not base64!"), None);
        assert_eq!(decode_basic_blob(&base64_encode(&[0xFF, b':', 0xFE], false, true)), None);
    }

    #[test]
    fn never_panics_on_hostile_input() {
        let mut rng = Rng(0x5EED);
        let mut inputs: Vec<String> = vec![
            "ATATT3é".into(),
            "ATATT3xFfGF0ééééééééé=ABCDEF01".into(),
            "ghp_ééééééééééééééééééééééééééééééééééé".into(),
            "npm_€".into(),
            "BBDC-\u{10FFFF}".into(),
            "eyJ.eyJ.".into(),
            "eyJé.eyJ.x".into(),
            "Basic ".into(),
            "Bearer ".into(),
            "${".into(),
            "${A:-${B:-${C:-${D:-x}}}}".into(),
            "MNO".repeat(15),
            "\u{0}\u{1}\u{7f}".into(),
            "🔑".repeat(40),
            "a".repeat(100_000),
        ];
        for _ in 0..500 {
            let len = (rng.next() % 64) as usize;
            let bytes = rng.bytes(len);
            inputs.push(String::from_utf8_lossy(&bytes).into_owned());
            inputs.push(rng.string(B64URL, len));
        }
        for input in &inputs {
            for prior in [Password, Token, Neutral] {
                let c = classify_literal(input, prior);
                assert!(!c.reason.is_empty());
            }
            let _ = decode_basic_blob(input);
            let _ = name_prior(input);
        }
    }

    #[test]
    fn priors_only_break_ties() {
        // A known format ignores the prior; a human password ignores it too.
        let ata = atlassian("ATATT3xFfGF0", 14);
        for prior in [Password, Token, Neutral] {
            let got = classify_literal(&ata, prior).class;
            assert!(same_class(got, SecretClass::Token { format: F::AtlassianApiToken }), "{got:?}");
            assert_eq!(classify_literal("Summer2024!", prior).class, SecretClass::Password);
        }
    }
}
