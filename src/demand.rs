//! The demand-driven second pass of a directory scan: code files that the first pass did not
//! parse (they name no credential slot and no sink) are parsed after all, when they call a
//! function whose parameter reaches a sink in another file (`extract::code::demanded_functions`).
//! `new Helper().send("7e5tc4s3")` names no password; `Helper.send` passes its parameter to
//! `DriverManager.getConnection`. A file is parsed when it names both a demanded function and its
//! class or module. Only the flow ends of such files are kept: their literals are
//! reported through the whole-repository join, like any literal that leaves its file.
//!
//! The first pass skips most files cheaply (a keyword test), so the parse cost follows the
//! number of files that call into a sink, not the size of the tree. Files are read again through
//! the caller's reader (from disk for a directory scan, so `--staged`, whose text is the
//! index's, and history scans don't run this pass; from memory for `scan_sources`).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::extract::{
    self,
    code::{DemandMatcher, FlowSummary},
};
use crate::rules::Catalogue;
use crate::source::SourceFile;
use crate::span::Span;

/// Rounds of demand: a file parsed in one round may pass a parameter on (`a` → `b` → sink) and
/// so demand more; each round reads the unparsed files again. Chains of more files than this
/// are not followed.
const MAX_ROUNDS: usize = 6;

/// One file's flow ends: (shown path, summary, test and documentation regions).
pub type Flow = (PathBuf, FlowSummary, Vec<Span>);

/// What the pass adds to the scan.
#[derive(Debug, Default)]
pub struct Demanded {
    pub flows: Vec<Flow>,
    /// Files a literal leaves from, kept (masked) so a finding can point into them.
    pub sources: BTreeMap<PathBuf, SourceFile>,
    pub trees_parsed: usize,
    /// Files the tree reader failed on (as in the first pass, the scan goes on without them).
    pub problems: Vec<crate::FileProblem>,
}

/// A code file the first pass did not parse: its shown path, and its path below the scanned root
/// (which the context rules read, `SourceFile::scope`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deferred {
    pub path: PathBuf,
    pub scope: PathBuf,
}

/// What became of a file that names a demanded function.
enum Caller {
    /// Parsed: its file and flow ends, when its tree has any.
    Parsed(Option<(SourceFile, Flow)>),
    /// The tree reader panicked on it.
    ReaderFailed,
}

/// Parses the `deferred` files that call a demanded function, in rounds, on `threads` threads;
/// `read` gives a deferred file's text, named and scoped as in the first pass.
/// `flows` are the first pass's.
pub fn second_pass(
    deferred: &[Deferred],
    flows: &[Flow],
    read: &(dyn Fn(&Deferred) -> Option<SourceFile> + Sync),
    threads: usize,
    catalogue: &Catalogue,
) -> Demanded {
    let mut demanded = Demanded::default();
    let mut parsed: HashSet<&Path> = HashSet::new();
    let mut asked = std::collections::BTreeSet::new();
    for _ in 0..MAX_ROUNDS {
        let names = {
            let summaries: Vec<(&Path, &FlowSummary)> =
                flows.iter().chain(&demanded.flows).map(|(path, summary, _)| (path.as_path(), summary)).collect();
            extract::code::demanded_functions(&summaries)
        };
        // A file that names an earlier round's demand was parsed then: only new demands are asked.
        let new: Vec<_> = names.into_iter().filter(|demand| asked.insert(demand.clone())).collect();
        if new.is_empty() {
            break;
        }
        let Some(matcher) = DemandMatcher::new(&new) else { break };
        let todo: Vec<&Deferred> = deferred.iter().filter(|file| !parsed.contains(file.path.as_path())).collect();
        let found = parse_callers(&todo, &matcher, read, threads, catalogue);
        for (path, caller) in found {
            parsed.insert(path);
            let read = match caller {
                Caller::Parsed(read) => read,
                Caller::ReaderFailed => {
                    let problem = crate::fact::Problem {
                        kind: crate::fact::ProblemKind::Unparsable,
                        message: extract::TREE_READER_FAILED.to_owned(),
                    };
                    demanded.problems.push(crate::FileProblem { path: path.to_path_buf(), problem });
                    continue;
                }
            };
            demanded.trees_parsed += 1;
            let Some((file, flow)) = read else { continue };
            if !flow.1.exits.is_empty() {
                demanded.sources.insert(file.path.clone(), crate::redacted_source(&file, &[]));
            }
            demanded.flows.push(flow);
        }
    }
    demanded
}

/// Each of `paths` that calls a name `matcher` finds, and what parsing it gave. Files that call
/// none are left out, to be asked again when a later round demands other names.
#[allow(clippy::type_complexity)]
fn parse_callers<'p>(
    paths: &[&'p Deferred],
    matcher: &DemandMatcher,
    read: &(dyn Fn(&Deferred) -> Option<SourceFile> + Sync),
    threads: usize,
    catalogue: &Catalogue,
) -> Vec<(&'p Path, Caller)> {
    let next = AtomicUsize::new(0);
    let out = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, paths.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(index) else { break };
                    let Some(result) = parse_caller(path, matcher, read, catalogue) else {
                        continue;
                    };
                    out.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((path.path.as_path(), result));
                }
            });
        }
    });
    let mut out = out.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    // Threads finish in any order; the join and the reports must not depend on it.
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

/// `None` when the file calls no demanded name (or can no longer be read, or yields no tree).
fn parse_caller(
    deferred: &Deferred,
    matcher: &DemandMatcher,
    read: &(dyn Fn(&Deferred) -> Option<SourceFile> + Sync),
    catalogue: &Catalogue,
) -> Option<Caller> {
    let file = read(deferred)?;
    if !matcher.is_match(&file.text) {
        return None;
    }
    // As in the first pass, a bug in the tree reader costs this file its tree, not the scan.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        extract::code::extract(&file, catalogue.sinks(), true)
    }));
    let Ok(code) = read else { return Some(Caller::ReaderFailed) };
    let code = code.filter(|code| code.parsed)?;
    let summary = code.summary;
    if summary.exits.is_empty() && summary.entries.is_empty() && summary.forwards.is_empty() {
        return Some(Caller::Parsed(None));
    }
    let mut regions = extract::context::test_or_doc_regions(&file);
    regions.extend(code.test_regions);
    let flow = (file.path.clone(), summary, regions);
    Some(Caller::Parsed(Some((file, flow))))
}

#[cfg(test)]
mod tests {
    use crate::extract::code::{Demand, DemandMatcher};

    fn demand(owner: &str, function: &str) -> Demand {
        Demand { owner: owner.to_owned(), function: function.to_owned() }
    }

    #[test]
    fn a_file_is_demanded_only_when_it_names_the_function_and_its_owner_as_words() {
        let matcher = DemandMatcher::new(&[demand("Database", "open"), demand("db", "open_db")]).unwrap();
        assert!(matcher.is_match(r#"Database.open("jdbc:x", "app", data);"#));
        assert!(matcher.is_match("from db import open_db\nopen_db(host, 'x')"));
        // The function without its owner, the owner without the function, or either inside a word.
        assert!(!matcher.is_match(r#"file.open("notes.txt")"#));
        assert!(!matcher.is_match("Database.close()"));
        assert!(!matcher.is_match("MyDatabase.reopen(x)"));
        assert!(!matcher.is_match("dbx.open_dbs()"));
    }
}
