//! The language server's workspace: its `.credlint.toml` and baseline, and the background scan
//! that gives the whole-repository rules (`shared-credential`, the inventory's) to the editor.
//!
//! A document's own findings come from its in-memory text; these rules need every file, so the
//! server scans the workspace as `credlint scan` would (same settings, same suppressions, same
//! baseline) on a thread, when the session starts and after each save, and publishes the findings
//! of these rules only: the rest would repeat, from the saved text, what the open documents show.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::Diagnostic;

use crate::ScanSettings;
use crate::baseline::Baseline;
use crate::finding::Finding;
use crate::rules::Catalogue;

/// The rules only a scan of the whole workspace can judge.
pub const WORKSPACE_RULES: &[&str] = &[
    crate::analyze::SHARED_CREDENTIAL,
    crate::inventory::UNREGISTERED_CREDENTIAL,
    crate::inventory::CREDENTIAL_EXPIRED,
    crate::inventory::CREDENTIAL_EXPIRING_SOON,
    crate::inventory::CREDENTIAL_WITHOUT_OWNER,
];

/// A workspace folder with what a scan of it would use.
pub struct Workspace {
    pub root: PathBuf,
    pub settings: Arc<ScanSettings>,
    /// `.credlint-baseline.json` at the root, when there is one.
    pub baseline: Option<Arc<Baseline>>,
}

impl Workspace {
    /// The workspace at `root` with its config and rules, or why they can't be used (the server
    /// then runs with the embedded rules and says so).
    pub fn load(root: PathBuf) -> anyhow::Result<(Workspace, Catalogue)> {
        let (settings, catalogue) = crate::cli::workspace_settings(&root)?;
        let baseline_path = root.join(crate::baseline::DEFAULT_BASELINE_FILE);
        let baseline = if baseline_path.is_file() { Some(Arc::new(Baseline::load(&baseline_path)?)) } else { None };
        Ok((Workspace { root, settings: Arc::new(settings), baseline }, catalogue))
    }

    /// The path reports give a file of the workspace (relative to its root), as a scan shows it.
    pub fn shown(&self, absolute: &Path) -> PathBuf {
        self.settings.walk.display.show(absolute)
    }

    /// Whether the config's excludes keep `absolute` out of a scan.
    pub fn excludes(&self, absolute: &Path) -> bool {
        crate::walk::is_excluded_with_parents(absolute, &self.settings.walk.excludes)
    }

    /// What the background scan needs on its thread.
    pub fn scan_job(&self, catalogue: &Arc<Catalogue>) -> ScanJob {
        ScanJob {
            root: self.root.clone(),
            settings: Arc::clone(&self.settings),
            baseline: self.baseline.clone(),
            catalogue: Arc::clone(catalogue),
        }
    }
}

/// One scan of the workspace, run off the protocol thread.
pub struct ScanJob {
    root: PathBuf,
    settings: Arc<ScanSettings>,
    baseline: Option<Arc<Baseline>>,
    catalogue: Arc<Catalogue>,
}

/// The whole-repository diagnostics of a scan, by the absolute path of the file they are in.
pub type WorkspaceDiagnostics = BTreeMap<PathBuf, Vec<Diagnostic>>;

impl ScanJob {
    /// Scans the workspace as `credlint scan` would and keeps the findings of [`WORKSPACE_RULES`],
    /// as diagnostics whose related locations may be in other files.
    pub fn run(self) -> WorkspaceDiagnostics {
        let progress = crate::progress::Progress::default();
        let mut outcome = crate::scan_with_progress(&self.settings, &self.catalogue, &progress);
        if let Some(baseline) = &self.baseline {
            baseline.filter(&mut outcome.findings);
        }
        crate::finding::merge_places(&mut outcome.findings);
        let absolute = |shown: &Path| if shown.is_absolute() { shown.to_path_buf() } else { self.root.join(shown) };
        let mut by_file = WorkspaceDiagnostics::new();
        let findings = outcome.findings.iter().filter(|f| WORKSPACE_RULES.contains(&&*f.rule));
        let sources = &outcome.sources;
        for finding in findings {
            let Some(diagnostic) =
                super::diagnostic(finding, &|path| sources.get(path), &|path| super::uri_of(&absolute(path)))
            else {
                continue;
            };
            by_file.entry(absolute(&finding.primary.path)).or_default().push(diagnostic);
        }
        by_file
    }
}

/// Keeps `findings` of one document to what a scan would report: the config's rule settings and
/// headline bound, then the baseline (which, like a scan's, judges each rule before the merge).
pub fn as_a_scan_would(findings: &mut Vec<Finding>, workspace: Option<&Workspace>) {
    if let Some(workspace) = workspace {
        crate::apply_rule_settings(findings, &workspace.settings.rule_settings);
    }
    crate::cap_headlines(findings);
    crate::finding::sort(findings);
    if let Some(baseline) = workspace.and_then(|w| w.baseline.as_deref()) {
        baseline.filter(findings);
    }
}
