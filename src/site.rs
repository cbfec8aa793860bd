//! Sites: the credential uses of a scan as the whole-repository graph reads them.
//!
//! A site keeps what `analyze`, `history`, `inventory` and the graph report read of a use (its
//! scheme, secret, name, target, connection and span) and nothing of what only `check` reads
//! (the user, the extractor, how a literal got there). Its strings are a file's shared [`Text`]s,
//! its literal a shared `Arc<str>`: a file of 300,000 uses of one host holds the host once.
//! `check::check_and_place` makes a file's sites from its uses as it checks them, so the uses
//! and the sites are not both held.

use std::path::PathBuf;
use std::sync::Arc;

use crate::fact::{CredentialUse, RefKind, Scheme, Value};
use crate::finding::CredentialKey;
use crate::span::Span;
use crate::text::{Interner, Text};

/// A credential use as the graph reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteUse {
    pub scheme: Scheme,
    pub secret: SiteSecret,
    /// The name the secret travels under (keyword, key, variable).
    pub secret_name: Option<Text>,
    pub target: Option<SiteTarget>,
    /// The named connection when no target is visible (config section, CI job, script).
    pub connection: Option<Text>,
    /// The whole use: the call, the flag, the config entry.
    pub span: Span,
}

/// A site's secret: a literal or a reference (an unresolved expression has no identity, and no
/// site).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteSecret {
    /// `text` is the decoded value; never printed.
    Literal {
        text: Arc<str>,
        span: Span,
    },
    Reference {
        kind: RefKind,
        name: Text,
        span: Span,
    },
}

/// Where a site's credential goes: the URL or host as written, and the host when it names one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteTarget {
    pub text: Text,
    pub host: Option<Text>,
}

impl SiteSecret {
    pub fn span(&self) -> Span {
        match self {
            SiteSecret::Literal { span, .. } | SiteSecret::Reference { span, .. } => *span,
        }
    }

    pub fn as_literal(&self) -> Option<&str> {
        match self {
            SiteSecret::Literal { text, .. } => Some(text),
            SiteSecret::Reference { .. } => None,
        }
    }

    /// The finding key of a credential with this secret (its value, or its reference's name).
    pub fn key(&self) -> CredentialKey {
        match self {
            SiteSecret::Literal { text, .. } => CredentialKey::Literal(Arc::clone(text)),
            SiteSecret::Reference { name, .. } => CredentialKey::Name(name.to_string()),
        }
    }
}

impl SiteUse {
    /// The site of a use, its strings shared through `texts` with the file's other sites; `None`
    /// for an unresolved expression, which has no identity to share.
    pub fn of(credential: CredentialUse, texts: &mut Interner) -> Option<SiteUse> {
        SiteUse::sharing(credential, CredentialKey::None, texts)
    }

    /// [`SiteUse::of`], holding a literal in the `Arc` its findings' key holds.
    pub fn sharing(credential: CredentialUse, key: CredentialKey, texts: &mut Interner) -> Option<SiteUse> {
        let mut text = |text: String| texts.text(&text);
        let secret = match credential.secret {
            Value::Literal { text, span, .. } => {
                let text = match key {
                    CredentialKey::Literal(shared) if *shared == *text => shared,
                    _ => Arc::from(text),
                };
                SiteSecret::Literal { text, span }
            }
            Value::Reference { kind, name, span } => SiteSecret::Reference { kind, name: text(name), span },
            Value::Unknown { .. } => return None,
        };
        Some(SiteUse {
            scheme: credential.scheme,
            secret,
            secret_name: credential.secret_name.map(&mut text),
            target: credential
                .target
                .map(|target| SiteTarget { host: target.host.map(&mut text), text: text(target.text) }),
            connection: credential.connection.map(&mut text),
            span: credential.span,
        })
    }
}

/// One file's sites.
#[derive(Debug, Clone, Default)]
pub struct FileSites {
    pub path: PathBuf,
    /// The file's path in the tree when `path` names one version of it (`<commit>:<path>` in a
    /// history scan): connections and projects are keyed on it, so that many versions of one
    /// file are one file, not many connections.
    pub tree_path: Option<PathBuf>,
    pub uses: Vec<SiteUse>,
    /// For each use: in a test, example or documentation file or region (left out of the graph).
    pub test_or_doc: Vec<bool>,
}

/// Every file's sites, numbered in (path, span) order whatever order the files came in: the
/// graph and its findings name a site by that number.
#[derive(Debug, Clone, Default)]
pub struct Sites {
    files: Vec<FileSites>,
    /// (file, use) of each site, in order.
    order: Vec<(u32, u32)>,
}

impl Sites {
    pub fn new(mut files: Vec<FileSites>) -> Sites {
        files.retain(|file| !file.uses.is_empty());
        let mut order: Vec<(u32, u32)> = Vec::with_capacity(files.iter().map(|f| f.uses.len()).sum());
        for (file, sites) in files.iter().enumerate() {
            order.extend((0..sites.uses.len() as u32).map(|index| (file as u32, index)));
        }
        // Stable: uses of one file at one span keep the order their readers found them in.
        let key = |&(file, index): &(u32, u32)| {
            let file = &files[file as usize];
            (&file.path, file.uses[index as usize].span)
        };
        order.sort_by(|a, b| key(a).cmp(&key(b)));
        Sites { files, order }
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The site numbered `index`.
    pub fn get(&self, index: usize) -> Site<'_> {
        let (file, at) = self.order[index];
        let file = &self.files[file as usize];
        Site {
            path: &file.path,
            tree_path: file.tree_path.as_deref(),
            credential: &file.uses[at as usize],
            test_or_doc: file.test_or_doc.get(at as usize).copied().unwrap_or(false),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Site<'_>> {
        (0..self.len()).map(|index| self.get(index))
    }
}

/// One credential use, with where it is.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    pub path: &'a std::path::Path,
    pub credential: &'a SiteUse,
    /// In a test, example or documentation file or region: left out of the graph.
    pub test_or_doc: bool,
    /// See [`FileSites::tree_path`].
    pub tree_path: Option<&'a std::path::Path>,
}

impl<'a> Site<'a> {
    /// The path connections and projects are keyed on.
    pub fn file_path(&self) -> &'a std::path::Path {
        self.tree_path.unwrap_or(self.path)
    }
}
