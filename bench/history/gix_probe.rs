//! The gitoxide side of the history-backend comparison (`bench/history.sh` builds it in a
//! temporary crate; credlint itself does not depend on `gix`).
//!
//! Does what `credlint scan --history` does before scanning, with gix instead of the git CLI:
//! every commit reachable from the refs (and HEAD), parents before children; every distinct blob
//! with the first commit and path that introduced it (a tree already seen holds only blobs
//! already seen, so it is skipped); then every distinct blob read in full, its bytes counted.
//! Prints one line of `key=value` pairs for the script to parse.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Instant;

use gix::ObjectId;
use gix::objs::tree::EntryKind;

type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Error> {
    let path = std::env::args().nth(1).unwrap_or_else(|| ".".to_owned());
    let mut repo = gix::open(&path)?;
    repo.object_cache_size_if_unset(64 * 1024 * 1024);
    let started = Instant::now();

    // Tips: every ref peeled to a commit, and HEAD.
    let mut tips = Vec::new();
    for reference in repo.references()?.all()? {
        let mut reference = reference?;
        let Ok(id) = reference.peel_to_id_in_place() else { continue };
        if repo.find_object(id)?.kind == gix::object::Kind::Commit {
            tips.push(id.detach());
        }
    }
    if let Ok(head) = repo.head_id() {
        tips.push(head.detach());
    }

    // Every reachable commit with its parents and tree.
    let mut commits: HashMap<ObjectId, (ObjectId, Vec<ObjectId>)> = HashMap::new();
    let mut queue: VecDeque<ObjectId> = tips.into_iter().collect();
    while let Some(id) = queue.pop_front() {
        if commits.contains_key(&id) {
            continue;
        }
        let commit = repo.find_commit(id)?;
        let tree = commit.tree_id()?.detach();
        let parents: Vec<ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
        queue.extend(parents.iter().copied().filter(|p| !commits.contains_key(p)));
        commits.insert(id, (tree, parents));
    }

    // Parents before children (Kahn's algorithm), ties in id order for reproducibility.
    let mut waiting: HashMap<ObjectId, usize> = HashMap::new();
    let mut children: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
    for (id, (_, parents)) in &commits {
        waiting.insert(*id, parents.len());
        for parent in parents {
            children.entry(*parent).or_default().push(*id);
        }
    }
    let mut ready: Vec<ObjectId> = waiting.iter().filter(|(_, n)| **n == 0).map(|(id, _)| *id).collect();
    ready.sort();
    let mut order = Vec::with_capacity(commits.len());
    while let Some(id) = ready.pop() {
        order.push(id);
        for child in children.get(&id).into_iter().flatten() {
            let count = waiting.get_mut(child).ok_or("unknown child")?;
            *count -= 1;
            if *count == 0 {
                ready.push(*child);
            }
        }
    }

    // First commit and path of every distinct blob.
    let mut seen_trees: HashSet<ObjectId> = HashSet::new();
    let mut blobs: Vec<(ObjectId, ObjectId, String)> = Vec::new();
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    for commit in &order {
        let (root, _) = &commits[commit];
        let mut stack = vec![(*root, String::new())];
        while let Some((tree_id, prefix)) = stack.pop() {
            if !seen_trees.insert(tree_id) {
                continue;
            }
            let tree = repo.find_tree(tree_id)?;
            let decoded = tree.decode()?;
            for entry in &decoded.entries {
                let name = format!("{prefix}{}", entry.filename);
                match entry.mode.kind() {
                    EntryKind::Tree => stack.push((entry.oid.to_owned(), format!("{name}/"))),
                    EntryKind::Blob | EntryKind::BlobExecutable => {
                        if seen_blobs.insert(entry.oid.to_owned()) {
                            blobs.push((entry.oid.to_owned(), *commit, name));
                        }
                    }
                    EntryKind::Link | EntryKind::Commit => {}
                }
            }
        }
    }
    let enumerated = started.elapsed().as_secs_f64();

    let mut bytes: u64 = 0;
    for (blob, _, _) in &blobs {
        bytes += repo.find_object(*blob)?.data.len() as u64;
    }
    let total = started.elapsed().as_secs_f64();
    println!(
        "commits={} blobs={} bytes={bytes} enumerate_s={enumerated:.3} read_s={:.3} total_s={total:.3}",
        order.len(),
        blobs.len(),
        total - enumerated
    );
    Ok(())
}
