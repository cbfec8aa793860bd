//! Findings: what `check` and `analyze` conclude, ready for `suppress` and `report`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::span::Span;
pub use crate::text::Text;

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
    /// Shared by every location in one file: a path each was two allocations per finding.
    pub path: Arc<Path>,
    pub span: Span,
    pub label: Text,
}

/// One problem credlint reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Arc<str>,
    pub severity: Severity,
    /// The message: lowercase, no trailing period, never the secret.
    pub message: Text,
    /// Where the problem is: the secret, or the call when the secret is a reference.
    pub primary: Location,
    /// Other places of the same problem: the connection target, other uses of a shared credential.
    pub secondary: Vec<Location>,
    /// The secret, redacted (`ATAT…9A3F`, `********`), when there is one to show.
    pub redacted: Option<Text>,
    /// The connection the credential serves, as a reader would name it.
    pub connection: Option<Text>,
    /// Why classification decided what it did ("leetspeak and trailing digits").
    pub reason: Option<Text>,
    /// What credential the finding is about, for content-keyed baselines. In memory only.
    pub credential: CredentialKey,
    /// Where in git history the finding is (`scan --history`); `None` for the working tree and
    /// the index.
    /// Boxed: set on history findings only, it would otherwise widen every finding.
    pub provenance: Option<Box<Provenance>>,
    /// The context of the primary location and why (`context`), for the findings of one place.
    pub context: Option<FindingContext>,
    /// The other rules that matched the same place, folded into this finding by [`merge_places`].
    pub also: Vec<AlsoMatched>,
    /// Where the token's owner revokes it, when the token catalogue knows its format.
    pub revoke: Option<&'static str>,
}

/// A rule that matched the same place as a finding's own and was folded into it: what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlsoMatched {
    pub rule: Arc<str>,
    pub severity: Severity,
    pub message: Text,
    /// Its label at the place (`a literal can't be revoked without a code change`).
    pub label: Text,
    pub reason: Option<Text>,
}

/// The context a finding's place is in, and the convention or fact that decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingContext {
    pub context: crate::context::Context,
    pub reason: Text,
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
    /// A finding of `rule` at `primary` with nothing else known yet: no related locations,
    /// secret, connection, reason, credential, provenance or context. Constructors set what they
    /// know with `Finding { …, ..Finding::new(…) }`.
    pub fn new(rule: Arc<str>, severity: Severity, message: impl Into<Text>, primary: Location) -> Finding {
        Finding {
            rule,
            severity,
            message: message.into(),
            primary,
            secondary: Vec::new(),
            redacted: None,
            connection: None,
            reason: None,
            credential: CredentialKey::None,
            provenance: None,
            context: None,
            also: Vec::new(),
            revoke: None,
        }
    }

    /// What a finding folded into another leaves behind until [`merge_places`] drops it.
    fn emptied() -> Finding {
        let nowhere = Location { path: Path::new("").into(), span: Span::default(), label: Text::default() };
        Finding::new(Arc::from(""), Severity::Note, String::new(), nowhere)
    }

    /// The file's path as reports name it: the repository path for a finding in history (whose
    /// `primary.path` is the `<commit>:<path>` of one blob), else the primary location's path.
    pub fn reported_path(&self) -> &std::path::Path {
        self.provenance.as_ref().map_or(&*self.primary.path, |p| &p.path)
    }

    /// The order every report uses: path (the repository path first, for history), span, rule.
    pub fn sort_key(&self) -> (&std::path::Path, &std::path::Path, Span, &str) {
        (self.reported_path(), &*self.primary.path, self.primary.span, &self.rule)
    }
}

/// Sorts findings by [`Finding::sort_key`], stably, through a permutation of their indices: a
/// scan with 600,000 findings sorts with 2.4 MB of scratch rather than the half copy of the
/// findings (90 MB) that a stable sort of the findings themselves allocates.
pub fn sort(findings: &mut [Finding]) {
    let Ok(len) = u32::try_from(findings.len()) else {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        return;
    };
    let mut order: Vec<u32> = (0..len).collect();
    order.sort_by(|&a, &b| findings[a as usize].sort_key().cmp(&findings[b as usize].sort_key()));
    // `order[i]` is the index of the finding that belongs at `i`: each cycle of the permutation is
    // walked once, and a placed position points at itself.
    for start in 0..findings.len() {
        let mut current = start;
        while order[current] as usize != start {
            let next = order[current] as usize;
            findings.swap(current, next);
            order[current] = current as u32;
            current = next;
        }
        order[current] = current as u32;
    }
}

/// How long a headline should be, in characters: the rest belongs in labels and notes, where the
/// reader looks once the headline has told them what is wrong.
pub const HEADLINE_CHARS: usize = 100;

/// How far past [`HEADLINE_CHARS`] a headline may run rather than lose what tells its parts
/// apart; [`capped_headline`] cuts anything longer.
pub const HEADLINE_SLACK: usize = 20;

/// The shortest a quoted name (`` `host` ``) is cut to, ellipsis included.
const SHORTEST_QUOTED: usize = 16;

/// `message` cut to [`HEADLINE_CHARS`] when it runs past the slack, or `None` when it fits. Quoted names give way first,
/// the longest first, keeping their start and end (`jira.exa…ple.com`); only a message still too
/// long is cut at its end. Backticks stay paired.
pub fn capped_headline(message: &str) -> Option<String> {
    let total = message.chars().count();
    if total <= HEADLINE_CHARS + HEADLINE_SLACK {
        return None;
    }
    // Odd pieces are the quoted names.
    let mut pieces: Vec<String> = message.split('`').map(str::to_owned).collect();
    let mut excess = total - HEADLINE_CHARS;
    while excess > 0 {
        let longest = (1..pieces.len())
            .step_by(2)
            .filter(|&i| i + 1 < pieces.len() && pieces[i].chars().count() > SHORTEST_QUOTED)
            .max_by_key(|&i| pieces[i].chars().count());
        let Some(i) = longest else { break };
        let length = pieces[i].chars().count();
        let removed = excess.min(length - SHORTEST_QUOTED);
        pieces[i] = shortened_middle(&pieces[i], length - removed);
        excess -= removed;
    }
    let joined = pieces.join("`");
    if excess == 0 {
        return Some(joined);
    }
    let mut cut: String = joined.chars().take(HEADLINE_CHARS - 2).collect();
    let ticks = cut.matches('`').count();
    cut.push('…');
    if ticks % 2 == 1 {
        cut.push('`');
    }
    Some(cut)
}

/// `text` in at most `max` characters (at least 3), its middle given up for an ellipsis: a host's
/// start and a path's end say the most.
pub fn shortened_middle(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max {
        return text.to_owned();
    }
    let keep = max.max(3) - 1;
    let head = keep.div_ceil(2);
    let tail = keep - head;
    chars[..head].iter().chain(std::iter::once(&'…')).chain(&chars[chars.len() - tail..]).collect()
}

/// The rules that judge a literal where it is written, most specific first: when several match
/// one place, the first names the problem best (`basic auth sends a password to X` says more than
/// `hardcoded password`).
pub(crate) const PLACE_RULES: &[&str] = &["basic-auth-password", "credential-in-url", "hardcoded-credential"];

/// One finding per credential per place: findings of [`PLACE_RULES`] whose primary spans overlap
/// in one file become one, under the most specific rule, at the highest severity of them all, with
/// the others' messages and reasons in [`Finding::also`] and their related locations kept. Runs
/// after suppression and the baseline, which judge each rule on its own, so that an ignore comment
/// or a baseline entry for one rule keeps working. `findings` must be sorted by
/// [`Finding::sort_key`]; they stay so. In place: a scan with 300,000 findings holds no second
/// copy of them.
pub fn merge_places(findings: &mut Vec<Finding>) {
    let specificity = |rule: &str| PLACE_RULES.iter().position(|r| *r == rule);
    // `findings[..kept]` are the findings kept so far; `findings[kept..read]` are emptied.
    let mut kept = 0;
    // Indices below `kept` of the place findings that later ones may still overlap, in one file.
    let mut open: Vec<usize> = Vec::new();
    for read in 0..findings.len() {
        let finding = &findings[read];
        let same_place = specificity(&finding.rule).and_then(|rank| {
            open.retain(|&i| {
                let earlier = &findings[i];
                earlier.primary.path == finding.primary.path
                    && earlier.provenance == finding.provenance
                    && earlier.primary.span.end > finding.primary.span.start
            });
            let i = open.iter().copied().find(|&i| findings[i].primary.span.start < finding.primary.span.end)?;
            Some((i, rank))
        });
        match same_place {
            Some((i, rank)) => {
                let folded = std::mem::replace(&mut findings[read], Finding::emptied());
                fold(&mut findings[i], folded, rank, specificity);
            }
            None => {
                if specificity(&findings[read].rule).is_some() {
                    open.push(kept);
                }
                findings.swap(kept, read);
                kept += 1;
            }
        }
    }
    findings.truncate(kept);
    // A fold may move a finding to its more specific twin's span.
    sort(findings);
}

/// Folds `other` into `kept`: the more specific of the two leads, the other becomes an `also`.
fn fold(kept: &mut Finding, mut other: Finding, other_rank: usize, specificity: impl Fn(&str) -> Option<usize>) {
    let severity = kept.severity.max(other.severity);
    if specificity(&kept.rule).is_some_and(|rank| other_rank < rank) {
        std::mem::swap(kept, &mut other);
        kept.also.append(&mut other.also);
    }
    for location in other.secondary {
        if !kept.secondary.iter().any(|l| l.path == location.path && l.span == location.span) {
            kept.secondary.push(location);
        }
    }
    // Sized for what is folded: a push would reserve four, and a file of 300,000 places would
    // hold three empty slots for each.
    kept.also.reserve_exact(1 + other.also.len());
    kept.also.push(AlsoMatched {
        rule: other.rule,
        severity: other.severity,
        message: other.message,
        label: other.primary.label,
        reason: other.reason,
    });
    kept.also.extend(other.also);
    kept.also.sort_by_key(|a| specificity(&a.rule));
    kept.severity = severity;
    kept.redacted = kept.redacted.take().or(other.redacted);
    kept.connection = kept.connection.take().or(other.connection);
    kept.revoke = kept.revoke.or(other.revoke);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_is_the_stable_sort_by_key() {
        // Ties (same place and rule) keep their order, told apart by their messages; a small
        // generator walks cycles of every length.
        let mut findings: Vec<Finding> = (0..200u32)
            .map(|i| {
                let rule = ["basic-auth-password", "hardcoded-credential"][(i % 2) as usize];
                let mut finding = finding(rule, Severity::Error, (((i * 37) % 23) as usize, 30));
                finding.message = format!("{i}").into();
                finding
            })
            .collect();
        let mut expected = findings.clone();
        expected.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        sort(&mut findings);
        let messages = |f: &[Finding]| f.iter().map(|f| f.message.clone()).collect::<Vec<_>>();
        assert_eq!(messages(&findings), messages(&expected));
        sort(&mut findings);
        assert_eq!(messages(&findings), messages(&expected), "sorted input stays as it is");
    }

    fn finding(rule: &str, severity: Severity, span: (usize, usize)) -> Finding {
        Finding {
            rule: Arc::from(rule),
            severity,
            message: format!("{rule} says so").into(),
            primary: Location {
                path: PathBuf::from("a.py").into(),
                span: Span::new(span.0, span.1),
                label: Text::default(),
            },
            secondary: Vec::new(),
            redacted: None,
            connection: None,
            reason: Some(format!("{rule} reason").into()),
            credential: CredentialKey::None,
            provenance: None,
            context: None,
            also: Vec::new(),
            revoke: None,
        }
    }

    fn merged(mut findings: Vec<Finding>) -> Vec<Finding> {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        merge_places(&mut findings);
        findings
    }

    #[test]
    fn a_long_headline_shortens_its_quoted_names_first() {
        let host = format!("jira.{}.example.com", "x".repeat(120));
        let fits = format!("basic auth sends a password to `{}`", "x".repeat(80));
        assert_eq!(capped_headline(&fits), None, "within the slack");
        let message = format!("basic auth sends a password to `{host}`");
        let capped = capped_headline(&message).expect("too long");
        assert!(capped.chars().count() <= HEADLINE_CHARS, "{capped}");
        assert!(capped.starts_with("basic auth sends a password to `jira."), "{capped}");
        assert!(capped.ends_with(".example.com`"), "{capped}");
        assert_eq!(capped.matches('`').count(), 2);
        assert_eq!(capped_headline("hardcoded password for `db`"), None);
    }

    #[test]
    fn a_headline_of_many_short_names_is_cut_at_its_end() {
        let names: Vec<String> = (0..40).map(|i| format!("`h{i}`")).collect();
        let message = format!("shared by {}", names.join(", "));
        let capped = capped_headline(&message).expect("too long");
        assert!(capped.chars().count() <= HEADLINE_CHARS, "{capped}");
        assert_eq!(capped.matches('`').count() % 2, 0, "{capped}");
        assert!(capped.contains('…'));
    }

    #[test]
    fn the_most_specific_rule_leads_at_the_highest_severity() {
        let out = merged(vec![
            finding("hardcoded-credential", Severity::Error, (10, 14)),
            finding("basic-auth-password", Severity::Warning, (10, 14)),
            finding("credential-in-url", Severity::Note, (8, 14)),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(&*out[0].rule, "basic-auth-password");
        assert_eq!(out[0].severity, Severity::Error);
        let also: Vec<&str> = out[0].also.iter().map(|a| &*a.rule).collect();
        assert_eq!(also, ["credential-in-url", "hardcoded-credential"]);
        assert_eq!(out[0].also[1].severity, Severity::Error);
        assert_eq!(out[0].also[1].reason.as_deref(), Some("hardcoded-credential reason"));
    }

    #[test]
    fn other_places_and_other_rules_stay_apart() {
        let out = merged(vec![
            finding("hardcoded-credential", Severity::Error, (10, 14)),
            // Adjacent, not overlapping: the next literal on the line.
            finding("hardcoded-credential", Severity::Error, (14, 20)),
            // A whole-repository rule on the same span keeps its own finding and related uses.
            finding("shared-credential", Severity::Warning, (10, 14)),
            finding("cleartext-credential", Severity::Warning, (10, 14)),
        ]);
        let rules: Vec<&str> = out.iter().map(|f| &*f.rule).collect();
        assert_eq!(
            rules,
            ["cleartext-credential", "hardcoded-credential", "shared-credential", "hardcoded-credential"]
        );
        assert!(out.iter().all(|f| f.also.is_empty()));
    }

    #[test]
    fn another_file_or_commit_is_another_place() {
        let mut other_file = finding("basic-auth-password", Severity::Error, (10, 14));
        other_file.primary.path = PathBuf::from("b.py").into();
        let mut other_commit = finding("basic-auth-password", Severity::Error, (10, 14));
        other_commit.provenance =
            Some(Box::new(Provenance { commit: "abc".to_owned(), path: PathBuf::from("a.py"), removed_in: None }));
        let out = merged(vec![finding("hardcoded-credential", Severity::Error, (10, 14)), other_file, other_commit]);
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn related_locations_are_kept_once() {
        let target = Location { path: PathBuf::from("a.py").into(), span: Span::new(30, 40), label: "to here".into() };
        let mut basic = finding("basic-auth-password", Severity::Error, (10, 14));
        basic.secondary.push(target.clone());
        let mut hardcoded = finding("hardcoded-credential", Severity::Error, (10, 14));
        hardcoded.secondary.push(target);
        hardcoded.secondary.push(Location {
            path: PathBuf::from("b.py").into(),
            span: Span::new(1, 2),
            label: "x".into(),
        });
        let out = merged(vec![basic, hardcoded]);
        assert_eq!(out[0].secondary.len(), 2);
    }
}
