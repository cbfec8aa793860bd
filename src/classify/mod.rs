//! Classification: is a secret value a password, a token, or a placeholder?
//!
//! The value beats the name; the name (and later the target) are priors (DOMAIN.md §6, §7).
//! This module owns the decision procedure and nothing else: it never sees files or spans.
//! Callers: `check` (per-file rules) and `analyze` (whole repository).

use serde::Serialize;

/// What the name a secret travels under suggests (`password=`, `JIRA_API_TOKEN`, `basic_auth[1]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NamePrior {
    Password,
    Token,
    Neutral,
}

/// Known token formats (DOMAIN.md §5). Serialized as [`TokenFormat::id`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenFormat {
    /// `ATATT3…`: Atlassian Cloud API token (CRC32 tail).
    AtlassianApiToken,
    /// `ATCTT3…`: Bitbucket Cloud repository/project/workspace access token (CRC32 tail).
    AtlassianAccessToken,
    /// `ATBB…`: Bitbucket Cloud app password.
    BitbucketAppPassword,
    /// `BBDC-…`: Bitbucket Data Center HTTP access token.
    BitbucketDcToken,
    /// 44 base64 chars decoding to `<12 digits>:<20 bytes>`: Jira/Confluence/Bitbucket DC PAT.
    AtlassianDcPat,
    /// `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`.
    Github,
    /// `glpat-` and the other GitLab prefixes.
    Gitlab,
    /// `xoxb-`, `xoxp-`, `xapp-`…
    Slack,
    /// `npm_…`
    Npm,
    /// `eyJ…` JSON Web Token.
    Jwt,
    /// No known prefix, but the shape of a machine-generated token (long, one alphabet, high entropy).
    Generic,
    /// An entry of the token catalogue (`rules/tokens/`), by its index there.
    Catalogue(u16),
}

impl Serialize for TokenFormat {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl TokenFormat {
    pub fn describe(self) -> &'static str {
        match self {
            TokenFormat::AtlassianApiToken => "an Atlassian API token",
            TokenFormat::AtlassianAccessToken => "a Bitbucket Cloud access token",
            TokenFormat::BitbucketAppPassword => "a Bitbucket app password",
            TokenFormat::BitbucketDcToken => "a Bitbucket Data Center access token",
            TokenFormat::AtlassianDcPat => "an Atlassian Data Center personal access token",
            TokenFormat::Github => "a GitHub token",
            TokenFormat::Gitlab => "a GitLab token",
            TokenFormat::Slack => "a Slack token",
            TokenFormat::Npm => "an npm token",
            TokenFormat::Jwt => "a JSON Web Token",
            TokenFormat::Generic => "a generated token",
            TokenFormat::Catalogue(index) => &crate::formats::formats().entries[usize::from(index)].described,
        }
    }

    /// A stable name for reports: kebab-case, the catalogue entry's id for a catalogued format.
    pub fn id(self) -> &'static str {
        match self {
            TokenFormat::AtlassianApiToken => "atlassian-api-token",
            TokenFormat::AtlassianAccessToken => "atlassian-access-token",
            TokenFormat::BitbucketAppPassword => "bitbucket-app-password",
            TokenFormat::BitbucketDcToken => "bitbucket-dc-token",
            TokenFormat::AtlassianDcPat => "atlassian-dc-pat",
            TokenFormat::Github => "github",
            TokenFormat::Gitlab => "gitlab",
            TokenFormat::Slack => "slack",
            TokenFormat::Npm => "npm",
            TokenFormat::Jwt => "jwt",
            TokenFormat::Generic => "generic",
            TokenFormat::Catalogue(index) => &crate::formats::formats().entries[usize::from(index)].id,
        }
    }

    /// The provider family a format belongs to (`github`, `atlassian`…): a built-in format and
    /// the catalogue's entries of the same provider share it (the first word of their ids).
    pub fn family(self) -> &'static str {
        match self {
            TokenFormat::AtlassianApiToken | TokenFormat::AtlassianDcPat => "atlassian",
            TokenFormat::AtlassianAccessToken | TokenFormat::BitbucketAppPassword | TokenFormat::BitbucketDcToken => {
                "bitbucket"
            }
            _ => self.id().split('-').next().unwrap_or_default(),
        }
    }

    /// The catalogue entry of this format, when it has one: for a finding's revocation help.
    pub fn entry(self) -> Option<&'static crate::formats::TokenEntry> {
        match self {
            TokenFormat::Catalogue(index) => crate::formats::formats().entries.get(usize::from(index)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "class", rename_all = "kebab-case")]
pub enum SecretClass {
    /// A human password (or something that can only be one).
    Password,
    /// A machine-issued token of the given format.
    Token { format: TokenFormat },
    /// Not a real secret: a placeholder word, a template, a masked or truncated value, or a
    /// known-format token whose checksum fails (a documentation example).
    Placeholder,
}

/// The verdict on one literal value, with the reason a report can show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    pub class: SecretClass,
    pub confidence: Confidence,
    /// Lowercase, no trailing period: "matches the Atlassian API token format and its CRC32".
    pub reason: String,
}

/// Whether `value` says in its letters that it stands for a value (`changeme`, `…EXAMPLE…`,
/// `<token>`, `${VAR}`, `xxxx`), whatever format it has.
pub fn is_placeholder(value: &str) -> bool {
    placeholder::says_placeholder(value.trim())
}

pub use self::classifier::{catalogued, classify_literal, decode_basic_blob, name_prior, shannon_entropy};
pub(crate) use self::shape::{looks_random, not_token_shaped};

mod classifier;
mod names;
pub(crate) use self::names::{
    credential_is_head, is_credential_name, secret_of_some_kind, split_words, value_is_own_name,
};
mod placeholder;
pub(crate) use self::placeholder::guessable_password;
pub(crate) mod shape;
mod tokens;
pub(crate) mod words;
