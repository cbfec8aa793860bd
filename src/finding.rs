//! Findings: what `check` and `analyze` conclude, ready for `suppress` and `report`.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::span::Span;

/// How bad a finding is. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// One step less severe (evidence from names only, test and documentation paths).
    pub fn downgraded(self) -> Severity {
        match self {
            Severity::Error => Severity::Warning,
            Severity::Warning | Severity::Note => Severity::Note,
        }
    }
}

/// A place in a file, with a short label saying what is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub span: Span,
    pub label: String,
}

/// One problem credlint reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Arc<str>,
    pub severity: Severity,
    /// The message: lowercase, no trailing period, never the secret.
    pub message: String,
    /// Where the problem is: the secret, or the call when the secret is a reference.
    pub primary: Location,
    /// Other places of the same problem: the connection target, other uses of a shared credential.
    pub secondary: Vec<Location>,
    /// The secret, redacted (`ATAT…9A3F`, `********`), when there is one to show.
    pub redacted: Option<String>,
    /// The connection the credential serves, as a reader would name it.
    pub connection: Option<String>,
    /// Why classification decided what it did ("leetspeak and trailing digits").
    pub reason: Option<String>,
    /// What credential the finding is about, for content-keyed baselines. In memory only.
    pub credential: CredentialKey,
    /// Where in git history the finding is (`scan --history`); `None` for the working tree and
    /// the index.
    pub provenance: Option<Provenance>,
    /// The context of the primary location and why (`context`), for the findings of one place.
    pub context: Option<FindingContext>,
}

/// The context a finding's place is in, and the convention or fact that decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingContext {
    pub context: crate::context::Context,
    pub reason: String,
}

/// The commit a history finding's blob came from, and whether its credential is gone from HEAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The full id of the commit that introduced the blob.
    pub commit: String,
    /// The file's path in that commit, as reports show paths (relative to the working directory).
    pub path: PathBuf,
    /// The full id of the commit that replaced or deleted the last version holding the
    /// credential, when the credential appears nowhere in HEAD's tree.
    pub removed_in: Option<String>,
}

/// The identity of a finding's credential: its value (never printed: `Debug` redacts it, and it
/// has no `Serialize`), or the name of the reference it is read from.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum CredentialKey {
    Literal(Arc<str>),
    Name(String),
    #[default]
    None,
}

impl std::fmt::Debug for CredentialKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CredentialKey::Literal(_) => f.write_str("Literal(<redacted>)"),
            CredentialKey::Name(name) => write!(f, "Name({name:?})"),
            CredentialKey::None => f.write_str("None"),
        }
    }
}

impl CredentialKey {
    pub fn of(value: &crate::fact::Value) -> CredentialKey {
        match value {
            crate::fact::Value::Literal { text, .. } => CredentialKey::Literal(Arc::from(text.as_str())),
            crate::fact::Value::Reference { name, .. } => CredentialKey::Name(name.clone()),
            crate::fact::Value::Unknown { .. } => CredentialKey::None,
        }
    }
}

impl Finding {
    /// The file's path as reports name it: the repository path for a finding in history (whose
    /// `primary.path` is the `<commit>:<path>` of one blob), else the primary location's path.
    pub fn reported_path(&self) -> &std::path::Path {
        self.provenance.as_ref().map_or(&self.primary.path, |p| &p.path)
    }

    /// The order every report uses: path (the repository path first, for history), span, rule.
    pub fn sort_key(&self) -> (&std::path::Path, &PathBuf, Span, &str) {
        (self.reported_path(), &self.primary.path, self.primary.span, &self.rule)
    }
}
