//! The rule-file syntax: plain serde structs, exactly as written in `rules/*.toml`.
//!
//! Nothing here is validated beyond what serde checks (`deny_unknown_fields` catches typos);
//! [`super::compile`] turns these into the compiled catalogue and reports errors with TOML lines.

use serde::Deserialize;
use toml::Spanned;

/// One rule file: rule metadata, extraction patterns, or both.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RuleFileDef {
    #[serde(default)]
    pub rule: Vec<Spanned<RuleDef>>,
    #[serde(default)]
    pub pattern: Vec<Spanned<PatternDef>>,
    #[serde(default)]
    pub token_api: Vec<Spanned<TokenApiDef>>,
    #[serde(default)]
    pub sink: Vec<Spanned<SinkDef>>,
}

/// A call that takes a credential, as code patterns (`extract::code::sinks` has the syntax).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinkDef {
    pub id: Spanned<String>,
    pub description: String,
    /// What a secret there means: http-basic, http-bearer, header, database, smtp, ldap,
    /// kerberos, ssh, broker, cloud, login, cli-flag, key-passphrase.
    pub kind: Spanned<String>,
    /// Languages with a syntax tree (`python`, `javascript` (with TypeScript), `java`, `kotlin`,
    /// `go`, `ruby`, `php`, `csharp`, `bash`, `powershell`, `hcl`).
    pub languages: Spanned<Vec<String>>,
    pub patterns: Spanned<Vec<String>>,
    /// Code in the first language where a literal reaches the sink: each must be found.
    pub examples: Spanned<Vec<String>>,
    /// Near misses: each must not be found by this sink.
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// An API that mints tokens: its endpoint and the request fields that set an expiry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenApiDef {
    /// One of the `TokenApi` names (`atlassian-dc-pat`…); several definitions may share one.
    pub id: Spanned<String>,
    pub description: String,
    /// A regex for the endpoint (or resource) that creates tokens.
    pub endpoint: Spanned<String>,
    pub keywords: Spanned<Vec<String>>,
    /// HTTP methods that create; empty when the match itself is a creation (a Terraform resource).
    pub create_methods: Vec<String>,
    pub expiry: Vec<ExpiryFieldDef>,
    /// The lifetime the API gives a token when the request states none.
    #[serde(default)]
    pub default_expiry_days: Option<u64>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ExpiryFieldDef {
    pub key: String,
    /// days, months, date, epoch-ms, forever, rotation
    pub unit: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: Spanned<String>,
    /// PascalCase name, distinct from the id (SARIF `name`).
    pub name: String,
    pub severity: Spanned<String>,
    /// One line: what is found.
    pub summary: String,
    /// Why it matters.
    pub description: String,
    /// What to do instead.
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
    /// CWE ids, e.g. `798`.
    #[serde(default)]
    pub cwe: Vec<u32>,
    /// SARIF `security-severity`, in (0, 10].
    pub security_severity: f64,
    /// SARIF `precision`: very-high, high, medium, low.
    pub precision: Spanned<String>,
    #[serde(default)]
    pub examples: Vec<Spanned<ExampleDef>>,
    #[serde(default)]
    pub negative_examples: Vec<Spanned<ExampleDef>>,
}

/// A snippet with the file name that gives it a kind.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ExampleDef {
    pub file: String,
    pub code: String,
    /// A `.credlint.toml` the example runs with (inventory examples).
    #[serde(default)]
    pub config: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternDef {
    pub id: Spanned<String>,
    pub description: String,
    /// File kinds the pattern applies to (`FileKind::name`), or `["*"]`.
    pub kinds: Spanned<Vec<String>>,
    /// Case-insensitive literal keywords; the regex runs only on files holding one.
    pub keywords: Spanned<Vec<String>>,
    /// The regex, with named groups and `{{macro}}` fragments (see `rules/README.md`).
    pub regex: Spanned<String>,
    /// What the match is: `basic`, `bearer`, `header`, `url-userinfo`, `config-field`.
    pub scheme: Spanned<String>,
    /// How captured values are read: `code` (the file's language), `shell`, or `raw`.
    #[serde(default)]
    pub syntax: Option<Spanned<String>>,
    /// A fixed name prior for the secret (`password` for `basic_auth=`), when the match has none.
    #[serde(default)]
    pub secret_name: Option<String>,
    /// The named connection a match serves when no target is visible (`pipeline`): unique per file.
    #[serde(default)]
    pub connection: Option<String>,
    /// Runs only on files no syntax tree reads (Groovy, Makefiles, Vue templates…): the tree
    /// finds the same shape, with flow, everywhere else (issue #17: one way to do each thing).
    #[serde(default)]
    pub fallback: bool,
    /// Snippets that must produce a fact through this pattern (checked at load: the regex and a
    /// keyword must match each; the tests run them through the whole pipeline).
    #[serde(default)]
    pub examples: Vec<Spanned<String>>,
    /// Snippets that must not.
    #[serde(default)]
    pub negative_examples: Vec<String>,
}
