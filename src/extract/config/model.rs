//! The shared model every config parser flattens a file into, so that the rules in `rules` are
//! written once, over key paths, whatever the format.
//!
//! A [`Document`] is a forest of container [`Node`]s (YAML/JSON mappings and sequences, TOML tables,
//! INI sections, dotted `.properties` prefixes, XML elements, `.npmrc` scopes) and scalar
//! [`Entry`]s hanging from them. Every entry has the span of its key and the span of its value's
//! *content* (inside the quotes); `value` is the decoded scalar. When the value was written without
//! escapes, `&text[value_span] == value`.
//!
//! This module owns the tree and the lookups the rules need (children by name, ancestors, paths).
//! It knows nothing about credentials; the parsers (`yaml`, `json`, …) build it, `rules` reads it.

use std::collections::HashMap;

use crate::span::Span;

pub(crate) type NodeId = usize;

/// Where a node or entry sits in its parent: under a key, or at an index of a sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

impl Segment {
    pub(crate) fn key(&self) -> Option<&str> {
        match self {
            Segment::Key(key) => Some(key),
            Segment::Index(_) => None,
        }
    }
}

/// What a scalar is, for formats that type their scalars (YAML, JSON, TOML). Untyped formats
/// (INI, properties, XML, npmrc) produce `Str` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScalarKind {
    Str,
    Bool,
    Number,
    Null,
    /// A value that is not plain data: a YAML alias, a custom tag (`!Ref`, `!vault`), a date.
    Other,
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub parent: Option<NodeId>,
    /// `None` for a document root.
    pub segment: Option<Segment>,
    pub key_span: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub parent: NodeId,
    pub segment: Segment,
    pub key_span: Span,
    pub value: String,
    /// The value's content in the file, inside any quotes.
    pub value_span: Span,
    pub kind: ScalarKind,
}

impl Entry {
    pub(crate) fn key(&self) -> Option<&str> {
        self.segment.key()
    }

    /// Whether the value has text worth looking at: a non-empty string.
    pub(crate) fn is_text(&self) -> bool {
        self.kind == ScalarKind::Str && !self.value.trim().is_empty()
    }
}

/// One parsed file: the nodes and entries of all its documents (YAML streams have several).
#[derive(Debug, Default)]
pub(crate) struct Document {
    pub nodes: Vec<Node>,
    pub entries: Vec<Entry>,
    entries_by_node: Vec<Vec<usize>>,
    nodes_by_node: Vec<Vec<NodeId>>,
    roots: Vec<NodeId>,
    /// The first entry under each node for each normalized key: lookups stay O(1) in a node
    /// with thousands of entries.
    by_key: HashMap<(NodeId, String), usize>,
    /// The first child node under each node for each normalized key: an INI file with 40,000
    /// sections or a `.properties` file with 20,000 dotted prefixes stays linear to read.
    child_by_key: HashMap<(NodeId, String), NodeId>,
}

/// Names compared the way config keys are spelt in practice: case, `-`, `_`, `.` and spaces
/// dropped (`base_url`, `base-url`, `baseUrl` and `BASE_URL` are one name).
pub(crate) fn normalize(name: &str) -> String {
    name.chars().filter(|c| !matches!(c, '-' | '_' | '.' | ' ')).flat_map(char::to_lowercase).collect()
}

impl Document {
    /// Starts a new document (a YAML `---` section, a JSON value): its root node.
    pub(crate) fn root(&mut self) -> NodeId {
        let id = self.push_node(Node { parent: None, segment: None, key_span: Span::default() });
        self.roots.push(id);
        id
    }

    pub(crate) fn node(&mut self, parent: NodeId, segment: Segment, key_span: Span) -> NodeId {
        let key = segment.key().map(normalize);
        let id = self.push_node(Node { parent: Some(parent), segment: Some(segment), key_span });
        self.nodes_by_node[parent].push(id);
        if let Some(key) = key {
            self.child_by_key.entry((parent, key)).or_insert(id);
        }
        id
    }

    /// The child node of `parent` under `key`, created when missing (INI sections seen twice,
    /// dotted `.properties` prefixes).
    pub(crate) fn node_for_key(&mut self, parent: NodeId, key: &str, key_span: Span) -> NodeId {
        match self.child(parent, key) {
            Some(id) => id,
            None => self.node(parent, Segment::Key(key.to_owned()), key_span),
        }
    }

    fn push_node(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.entries_by_node.push(Vec::new());
        self.nodes_by_node.push(Vec::new());
        self.nodes.len() - 1
    }

    pub(crate) fn entry(&mut self, entry: Entry) -> usize {
        let parent = entry.parent;
        let key = entry.key().map(normalize);
        self.entries.push(entry);
        let id = self.entries.len() - 1;
        self.entries_by_node[parent].push(id);
        if let Some(key) = key {
            self.by_key.entry((parent, key)).or_insert(id);
        }
        id
    }

    pub(crate) fn roots(&self) -> &[NodeId] {
        &self.roots
    }

    /// Adds the entries that a file writes as named pairs, so that rules see them under their
    /// name: `{name: JIRA_TOKEN, value: …}` (Kubernetes `env`), `<add key="ClearTextPassword"
    /// value="…"/>` (NuGet), `<property><name>Private-Token</name><value>…` (Maven), and
    /// `KEY=value` items of a sequence (docker-compose `environment`). The new entry sits beside
    /// the pair, under the pair's parent; its key span is the name's span.
    pub(crate) fn add_named_values(&mut self, text: &str) {
        let mut named = Vec::new();
        for node in 0..self.nodes.len() {
            let Some(parent) = self.nodes[node].parent else { continue };
            if self.entries_of(node).len() > 4 {
                continue;
            }
            let name = self.find(node, &["name", "key"]).filter(|e| {
                e.kind == ScalarKind::Str
                    && !e.value.trim().is_empty()
                    && !e.value.contains('\n')
                    && e.value.len() <= 128
            });
            let value = self.find(node, &["value"]).filter(|e| e.kind == ScalarKind::Str);
            // `{name: X, value: …}`, or a value under its own key (`X: {value: …, description: …}`,
            // GitLab's expanded variables).
            let named_by = match (name, &self.nodes[node].segment) {
                (Some(name), _) => Some((name.value.trim().to_owned(), name.value_span)),
                (None, Some(Segment::Key(key))) => Some((key.clone(), self.nodes[node].key_span)),
                (None, _) => None,
            };
            if let (Some((name, key_span)), Some(value)) = (named_by, value) {
                named.push(Entry {
                    parent,
                    segment: Segment::Key(name),
                    key_span,
                    value: value.value.clone(),
                    value_span: value.value_span,
                    kind: value.kind,
                });
            }
        }
        for entry in &self.entries {
            let Segment::Index(_) = entry.segment else { continue };
            if entry.kind != ScalarKind::Str
                || entry.value.contains('\n')
                || text.get(entry.value_span.range()) != Some(entry.value.as_str())
            {
                continue;
            }
            let Some((key, value)) = entry.value.split_once('=') else { continue };
            let bare = key.trim_start_matches('-');
            let valid = bare.len() + 2 >= key.len()
                && bare.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && bare.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
            if !valid {
                continue;
            }
            let start = entry.value_span.start;
            named.push(Entry {
                parent: entry.parent,
                segment: Segment::Key(bare.to_owned()),
                key_span: Span::new(start + key.len() - bare.len(), start + key.len()),
                value: value.to_owned(),
                value_span: Span::new(start + key.len() + 1, entry.value_span.end),
                kind: ScalarKind::Str,
            });
        }
        for entry in named {
            self.entry(entry);
        }
    }

    /// Whether nothing was read into the document yet.
    pub(crate) fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.entries.is_empty()
    }

    /// Moves every span with `f` (a parser that read an edited copy of the text maps its spans
    /// back to the original).
    pub(crate) fn map_spans(&mut self, f: impl Fn(Span) -> Span) {
        for node in &mut self.nodes {
            node.key_span = f(node.key_span);
        }
        for entry in &mut self.entries {
            entry.key_span = f(entry.key_span);
            entry.value_span = f(entry.value_span);
        }
    }

    /// The entries directly under `node`, by index into `entries`.
    pub(crate) fn entries_of(&self, node: NodeId) -> &[usize] {
        &self.entries_by_node[node]
    }

    pub(crate) fn children_of(&self, node: NodeId) -> &[NodeId] {
        &self.nodes_by_node[node]
    }

    /// The key of `node` in its parent, if it has one.
    pub(crate) fn key(&self, node: NodeId) -> Option<&str> {
        self.nodes[node].segment.as_ref().and_then(Segment::key)
    }

    /// The first entry under `node` whose key is one of `names` (compared with [`normalize`]),
    /// in the order of `names`.
    pub(crate) fn find(&self, node: NodeId, names: &[&str]) -> Option<&Entry> {
        names.iter().find_map(|name| self.by_key.get(&(node, normalize(name))).map(|&i| &self.entries[i]))
    }

    /// The text of the entry under `node` named `name`, when it is a non-empty string.
    pub(crate) fn text(&self, node: NodeId, name: &str) -> Option<&str> {
        self.find(node, &[name]).filter(|e| e.is_text()).map(|e| e.value.trim())
    }

    /// The child node of `node` whose key normalizes to `normalize(name)`.
    pub(crate) fn child(&self, node: NodeId, name: &str) -> Option<NodeId> {
        self.child_by_key.get(&(node, normalize(name))).copied()
    }

    /// `node` and its ancestors, innermost first.
    pub(crate) fn ancestors(&self, node: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::successors(Some(node), |&n| self.nodes[n].parent)
    }

    pub(crate) fn root_of(&self, node: NodeId) -> NodeId {
        self.ancestors(node).last().unwrap_or(node)
    }

    /// The keys from the root to `node` (sequence indices skipped), outermost first.
    pub(crate) fn key_path(&self, node: NodeId) -> Vec<&str> {
        let mut keys: Vec<&str> = self.ancestors(node).filter_map(|n| self.key(n)).collect();
        keys.reverse();
        keys
    }

    /// The segments from the root to `node`, outermost first.
    #[cfg(test)]
    pub(crate) fn segments(&self, node: NodeId) -> Vec<&Segment> {
        let mut segments: Vec<&Segment> = self.ancestors(node).filter_map(|n| self.nodes[n].segment.as_ref()).collect();
        segments.reverse();
        segments
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_by_normalized_name_and_ancestry() {
        let mut doc = Document::default();
        let root = doc.root();
        let jira = doc.node(root, Segment::Key("jira".into()), Span::new(0, 4));
        let entry = |parent, key: &str, value: &str| Entry {
            parent,
            segment: Segment::Key(key.into()),
            key_span: Span::default(),
            value: value.into(),
            value_span: Span::default(),
            kind: ScalarKind::Str,
        };
        doc.entry(entry(jira, "base-url", "https://jira.example.com"));
        doc.entry(entry(jira, "password", "x"));
        assert_eq!(doc.find(jira, &["baseurl"]).map(|e| e.value.as_str()), Some("https://jira.example.com"));
        assert_eq!(doc.text(jira, "BASE_URL"), Some("https://jira.example.com"));
        assert_eq!(doc.child(root, "JIRA"), Some(jira));
        assert_eq!(doc.key_path(jira), ["jira"]);
        assert_eq!(doc.root_of(jira), root);
        assert_eq!(doc.node_for_key(root, "jira", Span::default()), jira);
    }
}
