//! Facts: the vocabulary the extractors speak and every later stage reads.
//!
//! An extractor says *what is there* — a credential use, a token creation — with exact spans; it
//! never decides severity. [`Value`] is what a secret (or user) expression turned out to be: a
//! literal with its text, a reference to a secret held elsewhere, or something unknown.

use serde::Serialize;

use crate::span::Span;

/// How a credential travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// HTTP basic auth: `user:secret`, from a client API, a CLI flag or a decoded header.
    Basic,
    /// `Authorization: Bearer <token>` or a library's bearer option.
    Bearer,
    /// A credential in some other header (`PRIVATE-TOKEN`, `X-Api-Key`…).
    Header,
    /// Userinfo in a URL: `https://user:secret@host`.
    UrlUserinfo,
    /// A credential-named parameter of a URL's query: `https://host/x?access_token=secret`.
    UrlQuery,
    /// A `.netrc` entry, read implicitly by curl, git, pip and requests.
    Netrc,
    /// A credential-named field in configuration whose use is not visible.
    ConfigField,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Basic => "basic",
            Scheme::Bearer => "bearer",
            Scheme::Header => "header",
            Scheme::UrlUserinfo => "url-userinfo",
            Scheme::UrlQuery => "url-query",
            Scheme::Netrc => "netrc",
            Scheme::ConfigField => "config-field",
        }
    }

    /// Whether the secret is written into a URL (its userinfo or its query), where logs keep it.
    pub fn is_in_url(self) -> bool {
        matches!(self, Scheme::UrlUserinfo | Scheme::UrlQuery)
    }

    /// Whether the secret is sent as the password half of HTTP basic auth.
    pub fn is_basic(self) -> bool {
        matches!(self, Scheme::Basic | Scheme::UrlUserinfo | Scheme::Netrc)
    }
}

/// Where a reference points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefKind {
    /// An environment variable (`os.environ["X"]`, `$X`, `process.env.X`…).
    Env,
    /// A CI secret (`${{ secrets.X }}`, a masked GitLab variable…).
    CiSecret,
    /// A template or interpolation variable (`{{ x }}`, `${x}` in config, `@X@`…).
    Template,
    /// A credentials store id (Jenkins `credentialsId`, Kubernetes `secretKeyRef`, vault path).
    Store,
    /// The output of a command or prompt (`$(cat file)`, `getpass()`).
    Command,
}

impl RefKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Env => "env",
            RefKind::CiSecret => "ci-secret",
            RefKind::Template => "template",
            RefKind::Store => "store",
            RefKind::Command => "command",
        }
    }
}

/// What an expression in the source turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Value {
    /// A literal: `text` is the decoded value, `span` covers it in the file (inside the quotes).
    Literal {
        text: String,
        span: Span,
        /// How the literal got there when it is not written directly at the use: the reference
        /// whose default it is (`os.getenv("T", "literal")`), or a decoded wrapper (`Basic …`).
        #[serde(skip_serializing_if = "Option::is_none")]
        via: Option<String>,
    },
    /// A reference to a secret held elsewhere.
    Reference { kind: RefKind, name: String, span: Span },
    /// An expression the extractor could not resolve (a call, an unbound name).
    Unknown { expr: String, span: Span },
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Literal { span, .. } | Value::Reference { span, .. } | Value::Unknown { span, .. } => *span,
        }
    }

    /// The same value with its span moved `offset` bytes right.
    pub fn shifted(self, offset: usize) -> Self {
        self.mapped(&|span: Span| span.shifted(offset))
    }

    /// The same value with its span moved by `f`.
    pub fn mapped(self, f: &dyn Fn(Span) -> Span) -> Self {
        match self {
            Value::Literal { text, span, via } => Value::Literal { text, span: f(span), via },
            Value::Reference { kind, name, span } => Value::Reference { kind, name, span: f(span) },
            Value::Unknown { expr, span } => Value::Unknown { expr, span: f(span) },
        }
    }

    /// The same value with its span widened to whole characters of `text`.
    pub fn widened_to_chars(self, text: &str) -> Self {
        match self {
            Value::Literal { text: value, span, via } => {
                Value::Literal { text: value, span: span.widened_to_chars(text), via }
            }
            Value::Reference { kind, name, span } => Value::Reference { kind, name, span: span.widened_to_chars(text) },
            Value::Unknown { expr, span } => Value::Unknown { expr, span: span.widened_to_chars(text) },
        }
    }

    pub fn literal(text: impl Into<String>, span: Span) -> Self {
        Value::Literal { text: text.into(), span, via: None }
    }

    pub fn as_literal(&self) -> Option<&str> {
        match self {
            Value::Literal { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The name a reader sees for this value: the variable, reference or expression name.
    pub fn name(&self) -> Option<&str> {
        match self {
            Value::Reference { name, .. } => Some(name),
            Value::Unknown { expr, .. } => Some(expr),
            Value::Literal { .. } => None,
        }
    }
}

/// Where a credential goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// The URL or host as written (may hold template variables).
    pub text: String,
    /// The host, lowercased, when the text names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub span: Span,
}

/// One place where a credential is used to authenticate (or stored for that purpose).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialUse {
    pub scheme: Scheme,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<Value>,
    pub secret: Value,
    /// The name the secret travels under (keyword, key, variable), a prior for classification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// The named connection when no target is visible (config section, CI job, script).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    /// The whole use: the call, the flag, the config entry.
    pub span: Span,
    /// The extractor (pattern id or parser) that found it, for `--explain`-style debugging.
    /// Shared: every use one extractor finds in a file names it with one allocation.
    pub extractor: std::sync::Arc<str>,
}

impl CredentialUse {
    /// The same use with every span moved `offset` bytes right (facts found in an embedded
    /// snippet, such as a Markdown code block, placed back into the enclosing file).
    pub fn shifted(self, offset: usize) -> Self {
        self.mapped(&|span: Span| span.shifted(offset))
    }

    /// The same use with every span moved by `f` (a notebook cell's code placed back into the
    /// JSON strings it was decoded from).
    pub fn mapped(self, f: &dyn Fn(Span) -> Span) -> Self {
        CredentialUse {
            user: self.user.map(|user| user.mapped(f)),
            secret: self.secret.mapped(f),
            target: self.target.map(|target| Target { span: f(target.span), ..target }),
            span: f(self.span),
            ..self
        }
    }
}

/// Token APIs that mint credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenApi {
    AtlassianDcPat,
    BitbucketDcAccessToken,
    BambooPat,
    ResolutionApiToken,
    KantegaApiToken,
    GitlabAccessToken,
}

impl TokenApi {
    pub const ALL: [TokenApi; 6] = [
        TokenApi::AtlassianDcPat,
        TokenApi::BitbucketDcAccessToken,
        TokenApi::BambooPat,
        TokenApi::ResolutionApiToken,
        TokenApi::KantegaApiToken,
        TokenApi::GitlabAccessToken,
    ];

    /// The kebab-case name used in rule files and JSON.
    pub fn name(self) -> &'static str {
        match self {
            TokenApi::AtlassianDcPat => "atlassian-dc-pat",
            TokenApi::BitbucketDcAccessToken => "bitbucket-dc-access-token",
            TokenApi::BambooPat => "bamboo-pat",
            TokenApi::ResolutionApiToken => "resolution-api-token",
            TokenApi::KantegaApiToken => "kantega-api-token",
            TokenApi::GitlabAccessToken => "gitlab-access-token",
        }
    }

    pub fn from_name(name: &str) -> Option<TokenApi> {
        TokenApi::ALL.into_iter().find(|api| api.name() == name)
    }

    /// How a report names what is minted.
    pub fn describe(self) -> &'static str {
        match self {
            TokenApi::AtlassianDcPat => "a Jira/Confluence Data Center personal access token",
            TokenApi::BitbucketDcAccessToken => "a Bitbucket Data Center access token",
            TokenApi::BambooPat => "a Bamboo personal access token",
            TokenApi::ResolutionApiToken => "an API Token Authentication token",
            TokenApi::KantegaApiToken => "a Kantega SSO API token",
            TokenApi::GitlabAccessToken => "a GitLab access token",
        }
    }
}

/// Code or configuration that creates a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenCreation {
    pub api: TokenApi,
    /// The requested lifetime in days, when the request states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_days: Option<u64>,
    /// The request explicitly asks for a token that never expires.
    pub never_expires: bool,
    /// The expiry the request states when it is not a day count that can be read: a date
    /// (`tokenExpirationDateTime`, GitLab's `expires_at`) or an expression, as written. With
    /// `expiry_days` and `never_expires` unset, `None` here means the request states no expiry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_text: Option<String>,
    pub span: Span,
    pub extractor: String,
}

/// A per-file problem: something that could not be read or parsed. Not a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// The file could not be read: the exit code becomes 2.
    Unreadable,
    /// A parser rejected the file; the text patterns still ran, so this is a note: the exit code
    /// does not change.
    Unparsable,
    /// The file was skipped on purpose (size cap, binary): reported, exit code unchanged.
    Skipped,
    /// A text pattern took too long on the file (a user rule's regex): its findings are kept,
    /// the rule is named so that it can be fixed; exit code unchanged.
    Slow,
}

impl ProblemKind {
    pub fn is_error(self) -> bool {
        matches!(self, ProblemKind::Unreadable)
    }
}

/// A region of a file in a context other than the file's, and why (`context`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextRegion {
    pub span: Span,
    pub context: crate::context::Context,
    pub reason: String,
}

/// Everything one extractor run found in one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub uses: Vec<CredentialUse>,
    pub creations: Vec<TokenCreation>,
    /// Parse notes: the file was still scanned by the text patterns.
    pub problems: Vec<Problem>,
    /// Test and documentation regions inside the file (test modules, doc comments).
    pub test_or_doc_regions: Vec<Span>,
    /// Other regions outside production, with their context and reason (a CI job's service
    /// containers).
    pub context_regions: Vec<ContextRegion>,
    /// Where literals leave the file and sinks are reached from outside it, for the
    /// whole-repository join (`extract::code::flow`).
    /// The file was read through a syntax tree (`extract::code`); counted for `--verbose`.
    #[serde(skip)]
    pub tree_parsed: bool,
    #[serde(skip)]
    pub flow: crate::extract::code::FlowSummary,
}

impl Facts {
    /// Every span moved `offset` bytes right.
    pub fn shifted(self, offset: usize) -> Facts {
        self.mapped(&|span: Span| span.shifted(offset))
    }

    /// Every span moved by `f`.
    pub fn mapped(self, f: &dyn Fn(Span) -> Span) -> Facts {
        Facts {
            uses: self.uses.into_iter().map(|u| u.mapped(f)).collect(),
            creations: self.creations.into_iter().map(|c| TokenCreation { span: f(c.span), ..c }).collect(),
            problems: self.problems,
            test_or_doc_regions: self.test_or_doc_regions.into_iter().map(f).collect(),
            context_regions: self.context_regions.into_iter().map(|r| ContextRegion { span: f(r.span), ..r }).collect(),
            flow: self.flow.mapped(f),
            tree_parsed: self.tree_parsed,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.uses.is_empty() && self.creations.is_empty() && self.problems.is_empty()
    }

    pub fn extend(&mut self, other: Facts) {
        self.uses.extend(other.uses);
        self.creations.extend(other.creations);
        self.problems.extend(other.problems);
        self.test_or_doc_regions.extend(other.test_or_doc_regions);
        self.context_regions.extend(other.context_regions);
        self.flow.extend(other.flow);
        self.tree_parsed |= other.tree_parsed;
    }
}
