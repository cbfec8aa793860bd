//! History findings (`scan --history`): which commit each finding came from, one finding for the
//! many versions of a file that hold the same credential, and whether the credential is gone from
//! HEAD but still valid.
//!
//! `walk::history` lists the distinct blobs; `scan` reads and checks each like any other file
//! (its source is keyed `<short commit>:<path>`, git's own `rev:path` notation), builds one
//! credential graph over every version, so that a token used at HEAD for one host and in an old
//! commit for another is shared, and applies suppressions per blob. [`attribute`] then groups the
//! findings by (rule, path, credential, connection, message), keeps the versions of the earliest
//! commit, and says when a credential that no longer appears at HEAD left the tree: deleting a
//! credential does not revoke it.
//!
//! Pure: the log, HEAD's blobs, the sites and the findings in; findings with provenance out.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::path::{Path, PathBuf};

use crate::analyze::{FileSites, Sites, normalise_name};
use crate::fact::RefKind;
use crate::finding::{CredentialKey, Finding, Provenance};
use crate::source::display_path;
use crate::walk::history::History;

/// How many hex digits of a commit id name a blob's version (`git show <id>:<path>` accepts any
/// unique prefix; twelve stay unique in very large repositories).
pub const SHORT_COMMIT: usize = 12;

/// Counts and identities a history scan reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryStats {
    /// Commits listed (reachable from the refs, and not from `--since REV`).
    pub commits: usize,
    /// Distinct blobs read and scanned, each once.
    pub blobs: usize,
    /// HEAD's commit id, when there is one.
    pub head: Option<String>,
    /// The `origin` remote without user information, for SARIF's version control provenance.
    pub repository_uri: Option<String>,
}

/// Everything `attribute` needs about the history scanned.
#[derive(Debug, Default)]
pub struct HistoryContext {
    pub history: History,
    /// Source key (`<short commit>:<path>`) → index into `history.blobs`.
    pub by_source: HashMap<PathBuf, usize>,
    /// The blob ids of HEAD's tree.
    pub head_blobs: HashSet<String>,
    /// Repository-relative path → the path reports show (relative to the working directory).
    pub report_paths: HashMap<PathBuf, PathBuf>,
}

impl HistoryContext {
    pub fn new(history: History, head_blobs: HashSet<String>, report_path: impl Fn(&Path) -> PathBuf) -> Self {
        let mut by_source = HashMap::with_capacity(history.blobs.len());
        let mut report_paths = HashMap::new();
        for (index, blob) in history.blobs.iter().enumerate() {
            by_source.insert(source_key(&history.commits[blob.commit], &blob.path), index);
            report_paths.entry(blob.path.clone()).or_insert_with(|| report_path(&blob.path));
        }
        HistoryContext { history, by_source, head_blobs, report_paths }
    }

    /// The path reports show for a blob's repository path.
    fn report_path(&self, path: &Path) -> PathBuf {
        self.report_paths.get(path).cloned().unwrap_or_else(|| path.to_path_buf())
    }

    /// The provenance of the blob a source key names (no removal: that is per finding).
    pub fn origin(&self, source: &Path) -> Option<Provenance> {
        let blob = &self.history.blobs[*self.by_source.get(source)?];
        Some(Provenance {
            commit: self.history.commits[blob.commit].clone(),
            path: self.report_path(&blob.path),
            removed_in: None,
        })
    }

    /// Marks every site with its file's path in the tree, so that the graph keys connections on
    /// the file rather than on one version of it.
    pub fn mark_sites(&self, files: &mut [FileSites]) {
        for file in files {
            if let Some(&index) = self.by_source.get(&file.path) {
                file.tree_path = Some(self.report_path(&self.history.blobs[index].path));
            }
        }
    }
}

/// What a finding's message gains when its credential left the tree (before the commit).
pub const REMOVED_NOTE: &str = "; removed from the tree in ";

/// A message without the removal note history adds: what baselines key on, so that the commit id
/// in the note can't make an accepted finding new after a history rewrite.
pub fn message_without_removal(message: &str) -> &str {
    message.find(REMOVED_NOTE).map_or(message, |at| &message[..at])
}

/// The key of one blob's source: `<short commit>:<path>`.
pub fn source_key(commit: &str, path: &Path) -> PathBuf {
    PathBuf::from(format!("{}:{}", short_commit(commit), display_path(path)))
}

/// A commit id cut to [`SHORT_COMMIT`] characters; a ref that stands in for a commit (a tag
/// pointing straight at a blob: `refs/tags/leak`) is shown whole.
pub fn short_commit(commit: &str) -> &str {
    if commit.bytes().all(|b| b.is_ascii_hexdigit()) { &commit[..commit.len().min(SHORT_COMMIT)] } else { commit }
}

/// What a credential is, across files and versions: a literal's value (as a keyed hash that never
/// leaves memory) or a reference's normalised name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Identity {
    Literal(u64),
    Name(String),
}

fn identity(key: &CredentialKey, hasher: &RandomState) -> Option<Identity> {
    match key {
        CredentialKey::Literal(text) => Some(Identity::Literal(hasher.hash_one(&**text))),
        CredentialKey::Name(name) => normalise_name(RefKind::Env, name).map(Identity::Name),
        CredentialKey::None => None,
    }
}

/// Groups the findings of many versions into one per (rule, path, credential, connection,
/// message), keeping those of the earliest commit, and gives each its provenance; a finding whose
/// credential appears nowhere in HEAD's tree, and whose every version was replaced or deleted,
/// says in which commit it left the tree. Findings outside history pass through unchanged.
pub fn attribute(findings: Vec<Finding>, sites: &Sites, context: &HistoryContext) -> Vec<Finding> {
    let hasher = RandomState::new();
    let history = &context.history;
    let blob_of = |path: &Path| context.by_source.get(path).copied();
    let at_head = |blob: usize| context.head_blobs.contains(&history.blobs[blob].object);
    // Every credential some blob of HEAD's tree uses.
    let head_identities: HashSet<Identity> = sites
        .iter()
        .filter(|site| blob_of(site.path).is_some_and(at_head))
        .filter_map(|site| identity(&site.credential.secret.key(), &hasher))
        .collect();

    type GroupKey = (String, PathBuf, Option<Identity>, String, String);
    let mut groups: BTreeMap<GroupKey, Vec<(usize, Finding)>> = BTreeMap::new();
    let mut outside = Vec::new();
    for finding in findings {
        let Some(blob) = blob_of(&finding.primary.path) else {
            outside.push(finding);
            continue;
        };
        // Synthetic keys carry a byte offset (`jira-dc-pat:120`), which moves between versions.
        let grouped = match &finding.credential {
            CredentialKey::Name(name) => {
                let trimmed = name.trim_end_matches(|c: char| c.is_ascii_digit());
                identity(&CredentialKey::Name(trimmed.trim_end_matches(':').to_owned()), &hasher)
            }
            key => identity(key, &hasher),
        };
        let key = (
            finding.rule.to_string(),
            context.report_path(&history.blobs[blob].path),
            grouped,
            finding.connection.as_deref().unwrap_or_default().to_owned(),
            finding.message.to_string(),
        );
        groups.entry(key).or_default().push((blob, finding));
    }

    let mut out = outside;
    for members in groups.into_values() {
        let Some(earliest) = members.iter().map(|(blob, _)| history.blobs[*blob].commit).min() else { continue };
        let credential = identity(&members[0].1.credential, &hasher);
        let present = members.iter().any(|(blob, _)| at_head(*blob))
            || credential.as_ref().is_some_and(|c| head_identities.contains(c));
        let removals: Option<Vec<usize>> =
            members.iter().map(|(blob, _)| history.removal_of(&history.blobs[*blob])).collect();
        let removed_in = if present { None } else { removals.and_then(|r| r.into_iter().max()) };
        for (blob, mut finding) in members {
            if history.blobs[blob].commit != earliest {
                continue;
            }
            let mut provenance = context.origin(&finding.primary.path).unwrap_or_else(|| Provenance {
                commit: history.commits[earliest].clone(),
                path: history.blobs[blob].path.clone(),
                removed_in: None,
            });
            if let Some(removal) = removed_in {
                let commit = &history.commits[removal];
                let short = short_commit(commit);
                // A literal in history is exposed until revoked; a reference there exposes nothing.
                finding.message = match finding.credential {
                    CredentialKey::Literal(_) => {
                        format!("{}{REMOVED_NOTE}{short}, but still valid until revoked", finding.message)
                    }
                    _ => format!("{}{REMOVED_NOTE}{short}", finding.message),
                }
                .into();
                provenance.removed_in = Some(commit.clone());
            }
            finding.provenance = Some(Box::new(provenance));
            out.push(finding);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::fact::Scheme;
    use crate::finding::{Location, Severity};
    use crate::site::{SiteSecret, SiteUse};
    use crate::span::Span;
    use crate::walk::history::HistoryBlob;

    const C0: &str = "a000000000000000000000000000000000000000";
    const C1: &str = "b111111111111111111111111111111111111111";
    const C2: &str = "c222222222222222222222222222222222222222";

    fn finding(source: &Path, secret: &str) -> Finding {
        Finding {
            rule: Arc::from("basic-auth-password"),
            severity: Severity::Error,
            message: "basic auth sends a password to `jira.example.com`".into(),
            primary: Location { path: source.into(), span: Span::new(0, 4), label: Default::default() },
            secondary: Vec::new(),
            redacted: None,
            connection: Some("jira.example.com".into()),
            reason: None,
            credential: CredentialKey::Literal(Arc::from(secret)),
            provenance: None,
            context: None,
            also: Vec::new(),
            revoke: None,
        }
    }

    /// A file with one use of `secret`.
    fn site(source: &Path, secret: &str) -> FileSites {
        FileSites {
            path: source.to_path_buf(),
            test_or_doc: vec![false],
            tree_path: None,
            uses: vec![SiteUse {
                scheme: Scheme::Basic,
                secret: SiteSecret::Literal { text: secret.into(), span: Span::new(0, 4) },
                secret_name: None,
                target: None,
                connection: None,
                span: Span::new(0, 4),
            }],
        }
    }

    /// run.sh: blob 1 in C0, blob 2 (same password, another line changed) in C1, deleted in C2;
    /// now.sh: blob 3 in C1, still at HEAD.
    fn context() -> HistoryContext {
        let blob = |object: &str, path: &str, commit| HistoryBlob { object: object.into(), path: path.into(), commit };
        let history = History {
            commits: vec![C0.into(), C1.into(), C2.into()],
            blobs: vec![blob("b1", "run.sh", 0), blob("b2", "run.sh", 1), blob("b3", "now.sh", 1)],
            removals: [(("b1".into(), "run.sh".into()), 1), (("b2".into(), "run.sh".into()), 2)].into(),
        };
        HistoryContext::new(history, ["b3".to_owned()].into(), Path::to_path_buf)
    }

    #[test]
    fn many_versions_are_one_finding_from_the_first_commit_removed_by_the_last() {
        let context = context();
        let (v1, v2) = (source_key(C0, Path::new("run.sh")), source_key(C1, Path::new("run.sh")));
        let findings = vec![finding(&v1, "Summer2024!"), finding(&v2, "Summer2024!")];
        let sites = Sites::new(vec![site(&v1, "Summer2024!"), site(&v2, "Summer2024!")]);
        let out = attribute(findings, &sites, &context);
        assert_eq!(out.len(), 1, "{out:?}");
        let provenance = out[0].provenance.as_ref().unwrap();
        assert_eq!(provenance.commit, C0);
        assert_eq!(provenance.path, PathBuf::from("run.sh"));
        assert_eq!(provenance.removed_in.as_deref(), Some(C2));
        assert!(out[0].message.ends_with("removed from the tree in c22222222222, but still valid until revoked"));
        assert_eq!(message_without_removal(&out[0].message), "basic auth sends a password to `jira.example.com`");
    }

    #[test]
    fn a_credential_still_at_head_has_no_removal() {
        let context = context();
        let (old, now) = (source_key(C0, Path::new("run.sh")), source_key(C1, Path::new("now.sh")));
        let findings = vec![finding(&old, "Summer2024!")];
        // The same password lives on in another file at HEAD.
        let sites = Sites::new(vec![site(&old, "Summer2024!"), site(&now, "Summer2024!")]);
        let out = attribute(findings, &sites, &context);
        assert_eq!(out[0].provenance.as_ref().unwrap().removed_in, None);
        assert!(!out[0].message.contains("removed"));
    }

    #[test]
    fn sites_are_marked_with_their_tree_path() {
        let context = context();
        let mut sites = vec![site(&source_key(C1, Path::new("run.sh")), "x"), site(Path::new("other.sh"), "x")];
        context.mark_sites(&mut sites);
        assert_eq!(sites[0].tree_path, Some(PathBuf::from("run.sh")));
        assert_eq!(sites[1].tree_path, None);
    }
}
