//! Known token formats (DOMAIN.md §5): prefixes, shapes and checksums.
//!
//! This module owns recognition of a whole value as one known format; it does not look at names,
//! placeholders or passwords. `classifier` asks it twice: first for the checksummed formats (a
//! valid checksum beats every placeholder heuristic, since it cannot pass by accident), then, after
//! the placeholder checks, for the formats that only have a shape.
//!
//! Checksums:
//! - `ATATT3…` / `ATCTT3…`: the last 8 characters are the hex CRC-32 (IEEE) of everything before
//!   them, the `=` included. Any case of hex digits is accepted; real tokens use upper case.
//! - `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` + 36: the last 6 characters are the base62 (`0-9A-Za-z`)
//!   CRC-32 of the 30 random characters (the prefix excluded), left-padded with `0`. This was
//!   checked against GitHub's published description and the expired real tokens published in
//!   therootcompany/base62-token.js.
//! - `npm_` + 36: npm adopted the GitHub scheme. A failing npm checksum is *not* treated as a
//!   documentation example (the scheme is documented but was not checked against real tokens):
//!   the value stays a token, at medium confidence.

use crate::codec;

use super::{Confidence, TokenFormat, shape};

/// What a known format says about a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormatMatch {
    /// A token of this format.
    Token { format: TokenFormat, confidence: Confidence, reason: &'static str },
    /// The prefix of a known format on a value that cannot be a real one (failed checksum,
    /// example body): a documentation example.
    Example { reason: &'static str },
}

/// The formats that carry a checksum: a valid one proves a real (or carefully faked) token.
pub(crate) fn checksummed(v: &str) -> Option<FormatMatch> {
    atlassian_cloud(v).or_else(|| github_classic(v)).or_else(|| npm(v))
}

/// The formats that only have a prefix and a shape, and the Data Center PAT.
pub(crate) fn unverified(v: &str) -> Option<FormatMatch> {
    bitbucket_app_password(v)
        .or_else(|| bitbucket_dc(v))
        .or_else(|| github_fine_grained(v))
        .or_else(|| gitlab(v))
        .or_else(|| slack(v))
        .or_else(|| jwt(v))
        .or_else(|| dc_pat(v))
}

fn token(format: TokenFormat, confidence: Confidence, reason: &'static str) -> Option<FormatMatch> {
    Some(FormatMatch::Token { format, confidence, reason })
}

fn example(reason: &'static str) -> Option<FormatMatch> {
    Some(FormatMatch::Example { reason })
}

/// `ATATT3…` and `ATCTT3…`: the CRC-32 tail.
fn atlassian_cloud(v: &str) -> Option<FormatMatch> {
    let format = if v.starts_with("ATATT3") {
        TokenFormat::AtlassianApiToken
    } else if v.starts_with("ATCTT3") {
        TokenFormat::AtlassianAccessToken
    } else {
        return None;
    };
    let bytes = v.as_bytes();
    let alphabet_ok = bytes.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'=');
    // The alphabet check makes every byte ASCII, so the byte offsets below are char boundaries.
    if alphabet_ok && bytes.len() >= 6 + 9 && bytes[bytes.len() - 9] == b'=' && codec::crc32_hex_tail_holds(v) {
        return match format {
            TokenFormat::AtlassianApiToken => {
                token(format, Confidence::High, "matches the atlassian api token format and its crc32 checksum")
            }
            _ => token(
                format,
                Confidence::High,
                "matches the bitbucket cloud access token format and its crc32 checksum",
            ),
        };
    }
    match format {
        TokenFormat::AtlassianApiToken => {
            example("documentation example: atlassian api token whose crc32 checksum fails")
        }
        _ => example("documentation example: bitbucket cloud access token whose crc32 checksum fails"),
    }
}

/// The base62 CRC-32 checksum GitHub and npm append to 30 random characters.
fn base62_checksum_ok(random: &str, checksum: &str) -> bool {
    codec::base62_crc32(random) == checksum
}

/// Splits `prefix` + 30 random + 6 checksum characters, all base62, or returns `None`.
fn split_checksummed<'a>(v: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    let body = v.strip_prefix(prefix)?;
    if body.len() != 36 || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    // The body is 36 ASCII bytes, so byte 30 is a char boundary.
    Some(body.split_at(30))
}

/// `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` classic tokens.
fn github_classic(v: &str) -> Option<FormatMatch> {
    let prefix = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].into_iter().find(|p| v.starts_with(p))?;
    if let Some((random, checksum)) = split_checksummed(v, prefix) {
        return if base62_checksum_ok(random, checksum) {
            token(TokenFormat::Github, Confidence::High, "matches the github token format and its crc32 checksum")
        } else {
            example("documentation example: github token whose crc32 checksum fails")
        };
    }
    // Other lengths exist (refresh tokens are longer); without the 36-character layout there is no
    // checksum to check, so a random body is a token of medium confidence.
    let body = &v[prefix.len()..];
    if body.len() >= 30 && body.bytes().all(|b| b.is_ascii_alphanumeric()) && shape::looks_random(body) {
        token(TokenFormat::Github, Confidence::Medium, "has a github token prefix and a random body")
    } else {
        example("documentation example: github token prefix with an example body")
    }
}

/// `npm_` + 36: the GitHub checksum scheme; see the module header for why a failure is tolerated.
fn npm(v: &str) -> Option<FormatMatch> {
    let body = v.strip_prefix("npm_")?;
    if let Some((random, checksum)) = split_checksummed(v, "npm_") {
        return if base62_checksum_ok(random, checksum) {
            token(TokenFormat::Npm, Confidence::High, "matches the npm token format and its crc32 checksum")
        } else if shape::looks_random(body) {
            token(
                TokenFormat::Npm,
                Confidence::Medium,
                "matches the npm token shape but its crc32 checksum does not verify",
            )
        } else {
            example("documentation example: npm token prefix with an example body")
        };
    }
    if body.len() >= 20 && shape::looks_random(body) {
        token(TokenFormat::Npm, Confidence::Medium, "has an npm token prefix and a random body")
    } else {
        example("documentation example: npm token prefix with an example body")
    }
}

/// True when every byte of `body` is ASCII alphanumeric or one of `extra`.
fn body_in(body: &str, extra: &[u8]) -> bool {
    body.bytes().all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}

/// `ATBB…`: Bitbucket Cloud app passwords. The tail is probably a CRC-32 too, but that is
/// unverified (DOMAIN.md §5), so it is not checked.
fn bitbucket_app_password(v: &str) -> Option<FormatMatch> {
    let body = v.strip_prefix("ATBB")?;
    if body.len() >= 20 && body_in(body, b"_=.-") && shape::looks_random(body) {
        let confidence = if body.len() == 32 && body_in(body, b"") { Confidence::High } else { Confidence::Medium };
        token(TokenFormat::BitbucketAppPassword, confidence, "matches the bitbucket app password format")
    } else {
        example("documentation example: bitbucket app password prefix with an example body")
    }
}

/// `BBDC-…`: Bitbucket Data Center HTTP access tokens (8.x and later).
fn bitbucket_dc(v: &str) -> Option<FormatMatch> {
    let body = v.strip_prefix("BBDC-")?;
    if body.len() >= 20 && body_in(body, b"+/@_-") && shape::looks_random(body) {
        let confidence = if (40..=50).contains(&body.len()) { Confidence::High } else { Confidence::Medium };
        token(TokenFormat::BitbucketDcToken, confidence, "matches the bitbucket data center access token format")
    } else {
        example("documentation example: bitbucket data center token prefix with an example body")
    }
}

/// `github_pat_` fine-grained tokens: 82 word characters after the prefix.
fn github_fine_grained(v: &str) -> Option<FormatMatch> {
    let body = v.strip_prefix("github_pat_")?;
    if body.len() >= 40 && body_in(body, b"_") && shape::looks_random(body) {
        let confidence = if body.len() == 82 { Confidence::High } else { Confidence::Medium };
        token(TokenFormat::Github, confidence, "matches the github fine-grained token format")
    } else {
        example("documentation example: github fine-grained token prefix with an example body")
    }
}

/// GitLab's prefixed tokens (personal, deploy, runner, trigger, CI job, feed, SCIM, OAuth, agent,
/// incoming mail, feature flags client, runner registration).
fn gitlab(v: &str) -> Option<FormatMatch> {
    const PREFIXES: &[&str] = &[
        "glpat-",
        "gldt-",
        "glrt-",
        "glptt-",
        "glcbt-",
        "glft-",
        "glsoat-",
        "gloas-",
        "glagent-",
        "glimt-",
        "glffct-",
        "GR1348941",
    ];
    let prefix = PREFIXES.iter().find(|p| v.starts_with(*p))?;
    let body = &v[prefix.len()..];
    if body.len() >= 20 && body_in(body, b"_.-") && shape::looks_random(body) {
        token(TokenFormat::Gitlab, Confidence::High, "matches a gitlab token format")
    } else {
        example("documentation example: gitlab token prefix with an example body")
    }
}

/// Slack bot, user, app, workspace, refresh and configuration tokens.
fn slack(v: &str) -> Option<FormatMatch> {
    const PREFIXES: &[&str] =
        &["xoxe.xoxp-", "xoxe.xoxb-", "xoxa-", "xoxb-", "xoxo-", "xoxp-", "xoxr-", "xoxs-", "xoxe-", "xapp-"];
    let prefix = PREFIXES.iter().find(|p| v.starts_with(*p))?;
    let body = &v[prefix.len()..];
    if body.len() >= 10 && body_in(body, b"-") && shape::looks_random(body) {
        token(TokenFormat::Slack, Confidence::High, "matches a slack token format")
    } else {
        example("documentation example: slack token prefix with an example body")
    }
}

/// `eyJ…` JSON Web Tokens: three base64url segments whose first two decode to JSON objects.
fn jwt(v: &str) -> Option<FormatMatch> {
    if !v.starts_with("eyJ") {
        return None;
    }
    let mut parts = v.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !payload.starts_with("eyJ") || !body_in(signature, b"-_") {
        return None;
    }
    decode_json_object(header)?;
    let payload = decode_json_object(payload)?;
    // The jwt.io debugger's sample token, copied into countless READMEs and tests.
    if payload.contains("\"John Doe\"") {
        return example("documentation example: the jwt.io sample token");
    }
    token(TokenFormat::Jwt, Confidence::High, "matches the json web token format")
}

/// Decodes one base64url JWT segment and returns it when it is a JSON object's text.
fn decode_json_object(segment: &str) -> Option<String> {
    let bytes = codec::base64_decode(segment)?;
    let text = String::from_utf8(bytes).ok()?;
    let trimmed = text.trim();
    (trimmed.starts_with('{') && trimmed.ends_with('}')).then_some(text)
}

/// Jira/Confluence/Bitbucket Data Center personal access tokens: 44 base64 characters that decode
/// to 12 ASCII digits, a colon and 20 random bytes (so the first character is M, N or O).
fn dc_pat(v: &str) -> Option<FormatMatch> {
    if v.len() != 44 || !v.starts_with(['M', 'N', 'O']) || !body_in(v, b"+/") {
        return None;
    }
    let decoded = codec::base64_decode(v)?;
    let (id, rest) = decoded.split_at_checked(12)?;
    if decoded.len() == 33 && id.iter().all(u8::is_ascii_digit) && rest.first() == Some(&b':') {
        token(
            TokenFormat::AtlassianDcPat,
            Confidence::High,
            "decodes to the atlassian data center personal access token layout",
        )
    } else {
        None
    }
}
