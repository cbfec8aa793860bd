//! credlint: a static linter for how code and configuration use API credentials.
//!
//! The pipeline (see `ARCHITECTURE.md`): [`walk`] reads files, [`extract`] turns each into
//! [`fact::Facts`], [`check`] turns facts into [`finding::Finding`]s using [`classify`], and
//! [`report`] writes them. [`scan`] wires the stages together; [`scan_source`] runs the pure
//! per-file part on one in-memory file (tests, rule examples).

/// A line on stderr that never panics: a full or closed stderr (`2>/dev/full`, a CI log that
/// went away) loses the line, not the run or its exit code, which `eprintln!` would turn into a
/// panic (exit 101).
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod analyze;
pub mod baseline;
pub mod check;
pub mod classify;
pub mod cli;
pub mod codec;
pub mod config;
pub mod context;
pub mod date;
pub mod demand;
pub mod extract;
pub mod fact;
pub mod finding;
pub mod formats;
#[doc(hidden)]
pub mod fuzzing;
pub mod history;
pub mod inventory;
pub mod lsp;
pub mod progress;
pub mod redact;
pub mod report;
pub mod revocation;
pub mod rules;
pub mod site;
pub mod source;
pub mod span;
pub mod suppress;
pub mod text;
pub mod walk;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::analyze::{AnalyzeSettings, FileSites, Sites};
use crate::config::RuleSetting;
use crate::fact::{CredentialUse, Facts, Problem, Value};
use crate::finding::Finding;
use crate::rules::Catalogue;
use crate::source::SourceFile;
use crate::walk::{WalkOptions, Walked};

/// Where the files come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Source {
    /// The working tree below `walk.paths`.
    #[default]
    Tree,
    /// The git index of the repository at `root` (`--staged`).
    Index { root: PathBuf },
    /// Every blob reachable from the refs of the repository at `root` (`--history`), or only
    /// from the commits not reachable from `since` (`--history --since REV`).
    History { root: PathBuf, since: Option<String> },
    /// Standard input as one file (`credlint scan -`), named `name` (`--stdin-filename`).
    Stdin { name: Option<PathBuf> },
}

/// What a scan needs beyond the catalogue.
#[derive(Debug, Clone)]
pub struct ScanSettings {
    pub walk: WalkOptions,
    pub source: Source,
    pub rule_settings: BTreeMap<String, RuleSetting>,
    pub analyze: AnalyzeSettings,
    /// Fold each place's findings into one as its file is checked, rather than after the whole
    /// scan (`finding::merge_places`): a file of 300,000 places then never holds two findings for
    /// each. Only for a caller that merges places after the scan and judges no rule apart from
    /// another at a place in between: `credlint scan` sets it when no baseline and no
    /// `--staged`/`--since` line filter follow. The scan itself still folds late for history, for
    /// a place rule the configuration turns off or re-rates, and for a file with `credlint:ignore`
    /// comments, with literals the flow join may report again (or the demand pass may parse), or
    /// with two uses at one place (`check::check_and_place`): each of those judges one rule, or
    /// folds in an order of its own. The result is the same findings either way.
    pub merge_places_early: bool,
}

/// A file that could not be scanned (or only partly), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub path: PathBuf,
    pub problem: Problem,
}

/// Everything a scan produced, sorted, ready for `report`.
#[derive(Debug, Default)]
pub struct ScanOutcome {
    /// Sorted by (path, span, rule).
    pub findings: Vec<Finding>,
    /// The files that hold credential uses (findings point into them), secrets masked.
    pub sources: BTreeMap<PathBuf, SourceFile>,
    /// The credential graph over every use, for `credlint graph`.
    pub graph: analyze::Graph,
    /// Sorted by path.
    pub problems: Vec<FileProblem>,
    pub files_scanned: usize,
    /// Files read through a syntax tree (the rest cost the keyword pass and the text patterns).
    pub trees_parsed: usize,
    pub bytes_scanned: u64,
    /// Files skipped because they hold binary data.
    pub binary_files: usize,
    /// Findings below `--min-severity`, counted but not reported.
    pub hidden_findings: usize,
    /// Findings removed by `credlint:ignore` comments.
    pub suppressed: usize,
    /// Findings the baseline already knew.
    pub baselined: usize,
    /// Paths the excludes (`.credlint.toml` and `--exclude`) kept out of the scan: a directory
    /// the walk pruned counts once; from the index each file counts, from history each version.
    pub excluded: usize,
    /// What a history scan read (`None` for the tree and the index).
    pub history: Option<history::HistoryStats>,
    /// For each source that is one blob of history (`<short commit>:<path>`), the commit that
    /// introduced it and its path there: reports show related locations with it.
    pub origins: BTreeMap<PathBuf, finding::Provenance>,
}

impl ScanOutcome {
    /// The provenance of a location's file, when it is a blob of history.
    pub fn origin(&self, path: &std::path::Path) -> Option<&finding::Provenance> {
        self.origins.get(path)
    }

    /// Whether any file could not be read or parsed (exit code 2).
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.problem.kind.is_error())
    }
}

/// The per-file pipeline on one in-memory file: extract, then check.
pub fn scan_source(file: &SourceFile, catalogue: &Catalogue) -> (Facts, Vec<Finding>) {
    let mut facts = extract::extract(file, catalogue);
    facts.uses.shrink_to_fit();
    let findings = check::check(file, &facts, catalogue);
    (facts, findings)
}

/// The per-file pipeline and the whole-repository analysis over in-memory files (tests, rule
/// examples): what `scan` would find in a tree holding exactly these files.
pub fn scan_sources(files: &[SourceFile], catalogue: &Catalogue, settings: &AnalyzeSettings) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut sites = Vec::new();
    let mut creations = Vec::new();
    let mut flows = Vec::new();
    let mut sources = BTreeMap::new();
    let mut deferred = Vec::new();
    for file in files {
        let mut facts = extract::extract(file, catalogue);
        creations.extend(revocation::creation_sites(file, &facts));
        // As `scan` checks a file, without its early fold (nothing merges places here).
        let (file_findings, file_sites) = check::check_and_place(file, &mut facts, catalogue, false);
        sites.extend(file_sites);
        findings.extend(file_findings);
        if !facts.tree_parsed && extract::code::has_grammar(file) {
            deferred.push(demand::Deferred { path: file.path.clone(), scope: file.scope.clone() });
        }
        flows.push((file.path.clone(), facts.flow, facts.test_or_doc_regions));
        sources.insert(file.path.clone(), file.clone());
    }
    let read = |deferred: &demand::Deferred| files.iter().find(|f| f.path == deferred.path).cloned();
    flows.extend(demand::second_pass(&deferred, &flows, &read, 1, catalogue).flows);
    flows.sort_by(|a, b| a.0.cmp(&b.0));
    let joined = flow_findings(&flows, &mut sources, catalogue);
    merge_joined(&mut findings, joined);
    let graph = analyze::build_graph(Sites::new(sites), settings.whole_graph);
    findings.extend(analyze::shared_credentials(&graph, catalogue, settings));
    let today = settings.today.unwrap_or_else(date::Date::today);
    findings.extend(revocation::token_findings(&creations, catalogue, today, settings.max_token_lifetime_days));
    if let Some(inventory) = &settings.inventory {
        findings.extend(inventory::findings(inventory, &graph, catalogue, today));
    }
    let suppressions: Vec<_> = files.iter().flat_map(suppress::parse).collect();
    let line_of =
        |path: &std::path::Path, offset: usize| files.iter().find(|f| f.path == path).map(|f| f.lines.line_of(offset));
    let applied =
        suppress::apply(&mut findings, &suppressions, catalogue, today, settings.report_unused_ignores, line_of);
    findings.extend(applied.findings);
    cap_headlines(&mut findings);
    finding::sort(&mut findings);
    findings
}

#[derive(Default)]
struct FileResult {
    scanned: bool,
    binary: bool,
    file: Option<SourceFile>,
    sites: Option<FileSites>,
    creations: Vec<revocation::CreationSite>,
    suppressions: Vec<suppress::Suppression>,
    findings: Vec<Finding>,
    problems: Vec<FileProblem>,
    bytes: u64,
    tree_parsed: bool,
    /// The file's open flow ends and test regions, when literals leave it or sinks are reached
    /// from outside (`extract::code::join`).
    flow: Option<(PathBuf, extract::code::FlowSummary, Vec<span::Span>)>,
    /// A code file with a grammar that this pass did not parse: the demand pass may (`demand`).
    deferred: Option<demand::Deferred>,
}

/// Extracts and checks one walked file (on the walker's thread).
fn scan_walked(walked: Walked, catalogue: &Catalogue, merge_places_early: bool) -> FileResult {
    match walked {
        Walked::File(file) => {
            let suppressions = suppress::parse(&file);
            let mut facts = extract::extract(&file, catalogue);
            facts.uses.shrink_to_fit();
            // Nothing later judges one rule of a place apart from another here: no ignore comment
            // names one, and no literal leaves the file for the join to report again (nor may,
            // once the demand pass parses a file this pass did not).
            let deferred_parse = !facts.tree_parsed && extract::code::has_grammar(&file);
            let fold = merge_places_early && suppressions.is_empty() && facts.flow.exits.is_empty() && !deferred_parse;
            let creations = revocation::creation_sites(&file, &facts);
            // The text is kept (masked) only where a report may point: a finding, a suppression, a
            // token creation, or a use with a credential identity (a literal or a reference, which
            // the whole-repository stage may report as shared). A use of an unresolved
            // expression can't be, so a tree dense with `Bearer ${token}` isn't held in memory.
            let has_identity = facts.uses.iter().any(|u| !matches!(u.secret, Value::Unknown { .. }));
            let leaves = !facts.flow.exits.is_empty();
            // Masked before the findings are made where it is known to be kept, so that masking a
            // large file (its list of masks) is not at the findings' peak.
            let mut kept = (has_identity || !suppressions.is_empty() || !creations.is_empty() || leaves)
                .then(|| redacted_source(&file, &facts.uses));
            // The last reader of the uses, which it takes: each becomes a site once checked.
            let (findings, sites) = check::check_and_place(&file, &mut facts, catalogue, fold);
            // Only a file of unresolved expressions can come here: none has a literal to mask.
            if kept.is_none() && !findings.is_empty() {
                kept = Some(redacted_source(&file, &[]));
            }
            let problems = facts
                .problems
                .iter()
                .cloned()
                .map(|problem| FileProblem { path: file.path.clone(), problem })
                .collect();
            let bytes = file.text.len() as u64;
            let path = file.path.clone();
            let deferred = deferred_parse.then(|| demand::Deferred { path: path.clone(), scope: file.scope.clone() });
            let flow = (leaves || !facts.flow.entries.is_empty() || !facts.flow.forwards.is_empty()).then_some((
                path,
                facts.flow,
                facts.test_or_doc_regions,
            ));
            FileResult {
                scanned: true,
                binary: false,
                file: kept,
                sites,
                creations,
                suppressions,
                findings,
                problems,
                bytes,
                tree_parsed: facts.tree_parsed,
                flow,
                deferred,
            }
        }
        Walked::Binary { .. } => FileResult { binary: true, ..FileResult::default() },
        Walked::Problem { path, problem } => {
            FileResult { problems: vec![FileProblem { path, problem }], ..FileResult::default() }
        }
    }
}

/// Walks (or reads the index), extracts and checks every file, analyses the whole repository and
/// applies suppressions; never fails as a whole.
pub fn scan(settings: &ScanSettings, catalogue: &Catalogue) -> ScanOutcome {
    scan_with_progress(settings, catalogue, &progress::Progress::default())
}

/// [`scan`], counting each file scanned in `progress` (which `cli` may draw on a terminal).
/// One file's context and why, with the regions in it that the readers place in another
/// (`scan --explain-context`). Lines are 1-based and inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextExplanation {
    pub path: std::path::PathBuf,
    pub context: context::Context,
    pub reason: String,
    pub regions: Vec<(usize, usize, context::Context, String)>,
}

/// The context of every file the walk of `settings` reaches, in path order: the file's own by
/// its path, and the regions its readers found (a CI job's service containers, a compose stack's
/// default password, a test function or class, a doc comment).
pub fn explain_contexts(settings: &ScanSettings, catalogue: &Catalogue) -> Vec<ContextExplanation> {
    let explain = |walked| {
        let Walked::File(file) = walked else { return None };
        let (context, reason) = context::of_path(&file.scope, file.kind)
            .unwrap_or((context::Context::Production, context::PRODUCTION_REASON.to_owned()));
        let facts = extract::extract(&file, catalogue);
        let lines = |span: span::Span| {
            (file.lines.line_of(span.start) + 1, file.lines.line_of(span.end.max(span.start + 1) - 1) + 1)
        };
        let mut regions: Vec<_> = facts
            .context_regions
            .iter()
            .map(|r| {
                let (from, to) = lines(r.span);
                (from, to, r.context, r.reason.clone())
            })
            .chain(facts.test_or_doc_regions.iter().map(|&span| {
                let (from, to) = lines(span);
                (from, to, context::Context::Test, context::TEST_REGION_REASON.to_owned())
            }))
            .collect();
        regions.sort();
        regions.dedup();
        Some(ContextExplanation { path: file.path.clone(), context, reason, regions })
    };
    let (found, _) = walk::walk(&settings.walk, explain);
    let mut found: Vec<ContextExplanation> = found.into_iter().flatten().collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

pub fn scan_with_progress(
    settings: &ScanSettings,
    catalogue: &Catalogue,
    progress: &progress::Progress,
) -> ScanOutcome {
    let merge_places_early = settings.merge_places_early
        && !matches!(settings.source, Source::History { .. })
        && !finding::PLACE_RULES.iter().any(|rule| settings.rule_settings.contains_key(*rule));
    let scan_walked = |walked| {
        let result = scan_walked(walked, catalogue, merge_places_early);
        progress.record(result.bytes);
        result
    };
    let mut failure = None;
    let mut history_context = None;
    let mut history_stats = None;
    let excluded = std::sync::atomic::AtomicUsize::new(0);
    let results = match &settings.source {
        Source::Tree => {
            let (results, stats) = walk::walk(&settings.walk, scan_walked);
            excluded.fetch_add(stats.excluded, std::sync::atomic::Ordering::Relaxed);
            results
        }
        Source::Index { root } => {
            let excludes = &settings.walk.excludes;
            let keep = |path: &std::path::Path| {
                let out = walk::is_excluded_with_parents(&root.join(path), excludes);
                excluded.fetch_add(usize::from(out), std::sync::atomic::Ordering::Relaxed);
                !out && walk::is_included(&root.join(path), settings.walk.includes.as_ref())
            };
            let display = |path: &std::path::Path| settings.walk.display.show(&root.join(path));
            let walked = walk::git::walk_index(
                root,
                settings.walk.max_file_size,
                settings.walk.threads,
                keep,
                display,
                scan_walked,
            );
            walked.unwrap_or_else(|error| {
                failure = Some(FileProblem {
                    path: root.clone(),
                    problem: Problem { kind: fact::ProblemKind::Unreadable, message: format!("{error:#}") },
                });
                Vec::new()
            })
        }
        Source::Stdin { name } => vec![scan_walked(walk::stdin(name.as_deref(), settings.walk.max_file_size))],
        Source::History { root, since } => match scan_history(settings, root, since.as_deref(), &excluded, scan_walked)
        {
            Ok((results, context, stats)) => {
                history_context = Some(context);
                history_stats = Some(stats);
                results
            }
            Err(error) => {
                failure = Some(FileProblem {
                    path: root.clone(),
                    problem: Problem { kind: fact::ProblemKind::Unreadable, message: format!("{error:#}") },
                });
                Vec::new()
            }
        },
    };
    let mut outcome = ScanOutcome { excluded: excluded.into_inner(), ..ScanOutcome::default() };
    outcome.problems.extend(failure);
    let mut suppressions = Vec::new();
    let mut creations = Vec::new();
    let mut flows = Vec::new();
    let mut deferred = Vec::new();
    let mut finding_parts = Vec::with_capacity(results.len());
    let mut site_files = Vec::new();
    for mut result in results {
        finding_parts.push(std::mem::take(&mut result.findings));
        site_files.extend(result.sites.take());
        deferred.extend(result.deferred);
        suppressions.extend(result.suppressions);
        creations.extend(result.creations);
        outcome.files_scanned += usize::from(result.scanned);
        outcome.trees_parsed += usize::from(result.tree_parsed);
        outcome.binary_files += usize::from(result.binary);
        outcome.bytes_scanned += result.bytes;
        outcome.problems.extend(result.problems);
        // A file only reached (a sink behind a parameter) is not kept, but its flow ends are.
        if let Some((path, flow, regions)) = result.flow {
            flows.push((path, flow, regions));
        }
        if let Some(file) = result.file {
            outcome.sources.insert(file.path.clone(), file);
        }
    }
    outcome.findings = concat_parts(finding_parts);
    // Files that call into a sink elsewhere, parsed on demand (only a directory scan reads files
    // again from disk).
    if matches!(settings.source, Source::Tree) && !flows.is_empty() && !deferred.is_empty() {
        deferred.sort();
        let walk = &settings.walk;
        let disk = walk::reader(&walk.display, walk.max_file_size);
        let read = |deferred: &demand::Deferred| disk(&deferred.path, &deferred.scope);
        let demanded = demand::second_pass(&deferred, &flows, &read, walk.threads, catalogue);
        outcome.trees_parsed += demanded.trees_parsed;
        outcome.problems.extend(demanded.problems);
        flows.extend(demanded.flows);
        for (path, file) in demanded.sources {
            outcome.sources.entry(path).or_insert(file);
        }
    }
    // Literals that reach a sink in another file: checked in the literal's file.
    flows.sort_by(|a, b| a.0.cmp(&b.0));
    let joined = flow_findings(&flows, &mut outcome.sources, catalogue);
    merge_joined(&mut outcome.findings, joined);
    if let Some(context) = &history_context {
        context.mark_sites(&mut site_files);
    }
    // Walk order depends on threads: the sites are numbered in path order, so that the graph and
    // its findings do not.
    outcome.graph = analyze::build_graph(Sites::new(site_files), settings.analyze.whole_graph);
    outcome.findings.extend(analyze::shared_credentials(&outcome.graph, catalogue, &settings.analyze));
    let today = settings.analyze.today.unwrap_or_else(date::Date::today);
    outcome.findings.extend(revocation::token_findings(
        &creations,
        catalogue,
        today,
        settings.analyze.max_token_lifetime_days,
    ));
    if let Some(inventory) = &settings.analyze.inventory {
        let found = inventory::findings(inventory, &outcome.graph, catalogue, today);
        if found.iter().any(|f| *f.primary.path == *inventory.source.path) {
            outcome.sources.insert(inventory.source.path.clone(), redacted_source(&inventory.source, &[]));
        }
        outcome.findings.extend(found);
    }
    suppressions.sort_by(|a, b| (&a.path, a.span).cmp(&(&b.path, b.span)));
    let sources = &outcome.sources;
    let line_of = |path: &std::path::Path, offset: usize| sources.get(path).map(|f| f.lines.line_of(offset));
    let report_unused = settings.analyze.report_unused_ignores;
    let applied = suppress::apply(&mut outcome.findings, &suppressions, catalogue, today, report_unused, line_of);
    outcome.suppressed = applied.suppressed;
    outcome.findings.extend(applied.findings);
    apply_rule_settings(&mut outcome.findings, &settings.rule_settings);
    if let Some(context) = &history_context {
        outcome.findings = history::attribute(std::mem::take(&mut outcome.findings), &outcome.graph.sites, context);
        outcome.origins =
            outcome.sources.keys().filter_map(|path| Some((path.clone(), context.origin(path)?))).collect();
    }
    outcome.history = history_stats;
    cap_headlines(&mut outcome.findings);
    finding::sort(&mut outcome.findings);
    outcome.problems.sort_by(|a, b| (&a.path, a.problem.kind).cmp(&(&b.path, b.problem.kind)));
    outcome
}

/// The parts in one vector, built on the largest so that a file of many findings or uses is
/// not copied (nor held twice at the scan's peak).
fn concat_parts<T>(mut parts: Vec<Vec<T>>) -> Vec<T> {
    let Some(largest) = (0..parts.len()).max_by_key(|&i| parts[i].len()) else { return Vec::new() };
    let total = parts.iter().map(Vec::len).sum::<usize>();
    let mut all = std::mem::take(&mut parts[largest]);
    all.reserve_exact(total - all.len());
    for part in parts {
        all.extend(part);
    }
    all
}

/// Every headline within [`finding::HEADLINE_CHARS`]: the full connection stays in the finding's
/// `connection` and labels.
pub(crate) fn cap_headlines(findings: &mut [Finding]) {
    for finding in findings {
        if let Some(capped) = finding::capped_headline(&finding.message) {
            finding.message = capped.into();
        }
    }
}

/// The findings of the whole-repository flow join (`extract::code::join`), each checked in the
/// file that holds the literal, with that file's test regions.
fn flow_findings(
    flows: &[(PathBuf, extract::code::FlowSummary, Vec<span::Span>)],
    sources: &mut BTreeMap<PathBuf, SourceFile>,
    catalogue: &Catalogue,
) -> Vec<Finding> {
    let summaries: Vec<(&std::path::Path, &extract::code::FlowSummary)> =
        flows.iter().map(|(path, summary, _)| (path.as_path(), summary)).collect();
    let mut by_file: BTreeMap<usize, Vec<CredentialUse>> = BTreeMap::new();
    for (index, credential) in extract::code::join(&summaries, catalogue.sinks()) {
        by_file.entry(index).or_default().push(credential);
    }
    let mut findings = Vec::new();
    for (index, uses) in by_file {
        let (path, _, regions) = &flows[index];
        let Some(file) = sources.get_mut(path) else { continue };
        // The kept source is masked again, now at the literals the join made uses of.
        *file = redacted_source(file, &uses);
        let facts = Facts { uses, test_or_doc_regions: regions.clone(), ..Facts::default() };
        findings.extend(check::check(file, &facts, catalogue));
    }
    findings
}

/// Adds the join's findings to a file's own. A literal the file already reported by its name
/// (`PASSWORD = "…"` in `Config.java`) that the join also finds at a sink elsewhere is one
/// problem: the joined finding, which names the sink, takes the place of the first. A literal
/// that reaches two sinks keeps a finding for each.
fn merge_joined(findings: &mut Vec<Finding>, joined: Vec<Finding>) {
    let first = findings.len();
    let mut replaced = std::collections::HashSet::new();
    for finding in joined {
        let same = (0..first).find(|&i| {
            let f = &findings[i];
            !replaced.contains(&i)
                && f.rule == finding.rule
                && f.primary.path == finding.primary.path
                && f.primary.span == finding.primary.span
        });
        match same {
            Some(i) => {
                replaced.insert(i);
                findings[i] = finding;
            }
            None => findings.push(finding),
        }
    }
}

/// Lists the history of the repository at `root` and scans each distinct blob once, on the
/// configured number of threads, with the walk's excludes applied to the blob's path; `scan` is
/// the per-file stage, as for the tree. Reading and scanning start while `git log` is still
/// listing: each blob goes to `cat-file` as soon as the log shows it.
fn scan_history(
    settings: &ScanSettings,
    root: &std::path::Path,
    since: Option<&str>,
    excluded: &std::sync::atomic::AtomicUsize,
    scan: impl Fn(Walked) -> FileResult + Sync,
) -> anyhow::Result<(Vec<FileResult>, history::HistoryContext, history::HistoryStats)> {
    let excludes = &settings.walk.excludes;
    let keep = |path: &std::path::Path| {
        if walk::has_binary_extension(path) {
            return false;
        }
        let out = walk::is_excluded_with_parents(&root.join(path), excludes);
        excluded.fetch_add(usize::from(out), std::sync::atomic::Ordering::Relaxed);
        !out && walk::is_included(&root.join(path), settings.walk.includes.as_ref())
    };
    let (found, blobs) = std::sync::mpsc::sync_channel::<walk::git::Blob>(4096);
    let (listed, results) = std::thread::scope(|scope| {
        let listing = scope.spawn(move || {
            walk::history::enumerate(root, since, keep, |blob, commit| {
                // A closed channel means reading failed; that error is reported, the log ends.
                let _ = found.send(walk::git::Blob {
                    object: blob.object.clone(),
                    path: blob.path.clone(),
                    shown: history::source_key(commit, &blob.path),
                });
            })
        });
        let results = walk::git::scan_blobs(root, blobs, settings.walk.max_file_size, settings.walk.threads, &scan);
        let listed = listing.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the git log reader panicked")));
        (listed, results)
    });
    let (listed, results) = (listed?, results?);
    let head_blobs = walk::history::head_tree(root)?.into_iter().map(|(_, blob)| blob).collect();
    let stats = history::HistoryStats {
        commits: listed.commits.len(),
        blobs: listed.blobs.len(),
        head: walk::history::head_commit(root),
        repository_uri: walk::history::repository_uri(root),
    };
    let report_path = |path: &std::path::Path| settings.walk.display.show(&root.join(path));
    Ok((results, history::HistoryContext::new(listed, head_blobs, report_path), stats))
}

/// Drops findings of rules turned off and applies severity overrides.
pub fn apply_rule_settings(findings: &mut Vec<Finding>, settings: &BTreeMap<String, RuleSetting>) {
    findings.retain_mut(|finding| match settings.get(&*finding.rule) {
        Some(RuleSetting::Off) => false,
        Some(RuleSetting::Severity(severity)) => {
            finding.severity = *severity;
            true
        }
        None => true,
    });
}

/// The file as reports may see it: every literal secret masked, and every secret by shape
/// (`redact::secret_shapes`): a second password on a flagged line, a URL's query values, a JDBC
/// password in the connection are masked though no finding is about them.
pub fn redacted_source(file: &SourceFile, uses: &[CredentialUse]) -> SourceFile {
    use redact::Mask;
    let text = &*file.text;
    let mut masks: Vec<_> = uses
        .iter()
        .filter_map(|u| match &u.secret {
            // A secret decoded from what the file holds (a base64 `user:password` blob) is masked
            // whole: the ends of the blob decode to the ends of the password.
            Value::Literal { text: secret, span, .. } => Some(if text.get(span.range()) == Some(secret.as_str()) {
                Mask::literal(*span)
            } else {
                Mask::hidden(*span)
            }),
            _ => None,
        })
        .collect();
    // A user equal to its password (`esback:esback`) would show the password: mask it too.
    masks.extend(uses.iter().filter_map(|u| match (&u.user, &u.secret) {
        (Some(Value::Literal { text: user, span, .. }), Value::Literal { text: secret, .. }) if user == secret => {
            Some(Mask::hidden(*span))
        }
        _ => None,
    }));
    masks.extend(redact::secret_shapes(text).into_iter().map(Mask::hidden));
    SourceFile::new(file.path.clone(), file.kind, redact::mask_spans(text, &masks)).with_scope(file.scope.clone())
}
