//! `credlint lsp`: a Language Server Protocol server over stdio, so an editor shows findings while
//! the file is being written.
//!
//! It owns the protocol side only: each open document's in-memory text goes through the same
//! per-file pipeline as a scan (`scan_source`, the file's `credlint:ignore` comments, the merge of
//! one place's rules), and the findings become diagnostics with UTF-16 ranges, as the protocol
//! counts columns. Messages are read until none is waiting, then every document that changed is
//! diagnosed once: a burst of keystrokes costs one scan (the debounce). `lsp-server` (rust-
//! analyzer's transport) is synchronous and small, which fits a per-file pipeline that needs no
//! async runtime; `lsp-types` gives the message types. Diagnostics carry messages, rule ids and
//! labels, never a secret: findings never hold one in clear.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability, Diagnostic,
    DiagnosticRelatedInformation, DiagnosticSeverity, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeParams, Location, MarkupContent, MarkupKind, NumberOrString, Position, PublishDiagnosticsParams, Range,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri, WorkspaceEdit,
};

use crate::finding::{Finding, Severity};
use crate::rules::Catalogue;
use crate::source::{FileKind, SourceFile};
use crate::span::Span;

/// The reason a new suppression comment carries until its author writes one.
pub const REASON_PLACEHOLDER: &str = "TODO: say why this is safe";

/// Serves one editor session on stdin and stdout until it exits.
pub fn run(catalogue: &Catalogue) -> anyhow::Result<()> {
    let (connection, io_threads) = Connection::stdio();
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    };
    let params = connection.initialize(serde_json::to_value(capabilities)?).context("initializing the session")?;
    let params: InitializeParams = serde_json::from_value(params).context("the initialize request")?;
    #[allow(deprecated)] // `root_uri` is what older clients send instead of workspace folders.
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|folder| folder.uri.clone())
        .or(params.root_uri)
        .and_then(|uri| path_of(&uri));
    let mut server = Server { catalogue, root, documents: BTreeMap::new(), changed: BTreeSet::new() };
    'session: while let Ok(message) = connection.receiver.recv() {
        let mut next = Some(message);
        while let Some(message) = next.take() {
            if let Message::Request(request) = &message
                && connection.handle_shutdown(request)?
            {
                break 'session;
            }
            if let Some(reply) = server.handle(message) {
                connection.sender.send(reply)?;
            }
            next = connection.receiver.try_recv().ok();
        }
        for notification in server.diagnose_changed() {
            connection.sender.send(notification)?;
        }
    }
    drop(connection);
    io_threads.join()?;
    Ok(())
}

struct Server<'c> {
    catalogue: &'c Catalogue,
    /// The workspace root: paths below it decide a document's context (`tests/…`).
    root: Option<PathBuf>,
    documents: BTreeMap<String, Document>,
    /// Documents whose text changed since they were last diagnosed.
    changed: BTreeSet<String>,
}

struct Document {
    uri: Uri,
    text: String,
}

impl Server<'_> {
    fn handle(&mut self, message: Message) -> Option<Message> {
        match message {
            Message::Request(request) => Some(Message::Response(self.answer(request))),
            Message::Notification(notification) => {
                self.notice(notification);
                None
            }
            Message::Response(_) => None,
        }
    }

    fn notice(&mut self, notification: Notification) {
        match notification.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(params) = serde_json::from_value::<DidOpenTextDocumentParams>(notification.params) {
                    let uri = params.text_document.uri;
                    self.changed.insert(uri.as_str().to_owned());
                    self.documents.insert(uri.as_str().to_owned(), Document { uri, text: params.text_document.text });
                }
            }
            "textDocument/didChange" => {
                if let Ok(params) = serde_json::from_value::<DidChangeTextDocumentParams>(notification.params)
                    && let Some(change) = params.content_changes.into_iter().last()
                    && let Some(document) = self.documents.get_mut(params.text_document.uri.as_str())
                {
                    // Full synchronisation: each change is the whole text.
                    document.text = change.text;
                    self.changed.insert(params.text_document.uri.as_str().to_owned());
                }
            }
            "textDocument/didSave" => {
                if let Ok(params) = serde_json::from_value::<DidSaveTextDocumentParams>(notification.params) {
                    self.changed.insert(params.text_document.uri.as_str().to_owned());
                }
            }
            "textDocument/didClose" => {
                if let Ok(params) = serde_json::from_value::<DidCloseTextDocumentParams>(notification.params) {
                    self.documents.remove(params.text_document.uri.as_str());
                    self.changed.remove(params.text_document.uri.as_str());
                }
            }
            _ => {}
        }
    }

    fn answer(&self, request: Request) -> Response {
        let result = match request.method.as_str() {
            "textDocument/codeAction" => serde_json::from_value::<CodeActionParams>(request.params)
                .map(|params| serde_json::to_value(self.code_actions(&params)).unwrap_or_default()),
            "textDocument/hover" => serde_json::from_value::<HoverParams>(request.params)
                .map(|params| serde_json::to_value(self.hover(&params)).unwrap_or_default()),
            _ => {
                return Response::new_err(
                    request.id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("credlint does not serve {}", request.method),
                );
            }
        };
        match result {
            Ok(value) => Response::new_ok(request.id, value),
            Err(error) => Response::new_err(request.id, lsp_server::ErrorCode::InvalidParams as i32, error.to_string()),
        }
    }

    /// One `publishDiagnostics` per document that changed.
    fn diagnose_changed(&mut self) -> Vec<Message> {
        let changed = std::mem::take(&mut self.changed);
        changed
            .iter()
            .filter_map(|key| self.documents.get(key))
            .map(|document| {
                let params = PublishDiagnosticsParams {
                    uri: document.uri.clone(),
                    diagnostics: self.diagnostics(document),
                    version: None,
                };
                Message::Notification(Notification::new(
                    "textDocument/publishDiagnostics".to_owned(),
                    serde_json::to_value(params).unwrap_or_default(),
                ))
            })
            .collect()
    }

    /// The document as the pipeline reads it: its path decides its kind, and its path below the
    /// workspace root its context.
    fn source(&self, document: &Document) -> SourceFile {
        let path = path_of(&document.uri).unwrap_or_else(|| PathBuf::from(document.uri.path().as_str()));
        let kind = FileKind::detect(&path).unwrap_or(FileKind::Text);
        let scope = self.root.as_deref().and_then(|root| path.strip_prefix(root).ok()).map(Path::to_path_buf);
        let file = SourceFile::new(path.clone(), kind, document.text.as_str());
        match scope {
            Some(scope) => file.with_scope(scope),
            None => file,
        }
    }

    /// The document's findings: the per-file rules, its suppression comments, one finding per place.
    fn findings(&self, file: &SourceFile) -> Vec<Finding> {
        let (_, mut findings) = crate::scan_source(file, self.catalogue);
        let suppressions = crate::suppress::parse(file);
        let today = crate::date::Date::today();
        let line_of = |path: &Path, offset: usize| (path == file.path).then(|| file.lines.line_of(offset));
        let applied = crate::suppress::apply(&mut findings, &suppressions, self.catalogue, today, false, line_of);
        findings.extend(applied.findings);
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        crate::finding::merge_places(&mut findings);
        findings
    }

    fn diagnostics(&self, document: &Document) -> Vec<Diagnostic> {
        let file = self.source(document);
        let range = |span: Span| range_of(&file, span);
        self.findings(&file)
            .iter()
            .map(|finding| Diagnostic {
                range: range(finding.primary.span),
                severity: Some(match finding.severity {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                    Severity::Note => DiagnosticSeverity::INFORMATION,
                }),
                code: Some(NumberOrString::String(finding.rule.to_string())),
                code_description: crate::rules::docs::url(&finding.rule)
                    .parse()
                    .ok()
                    .map(|href| lsp_types::CodeDescription { href }),
                source: Some("credlint".to_owned()),
                message: diagnostic_message(finding),
                related_information: Some(
                    finding
                        .secondary
                        .iter()
                        .filter(|location| location.path == file.path)
                        .map(|location| DiagnosticRelatedInformation {
                            location: Location { uri: document.uri.clone(), range: range(location.span) },
                            message: location.label.clone(),
                        })
                        .collect(),
                ),
                tags: None,
                // Every rule folded into this finding, so that the quick fix ignores them all.
                data: Some(serde_json::json!({
                    "rules": std::iter::once(&*finding.rule).chain(finding.also.iter().map(|a| &*a.rule)).collect::<Vec<_>>(),
                })),
            })
            .collect()
    }

    /// For each credlint diagnostic in the request: a `credlint:ignore` comment on the line above,
    /// in the file's comment syntax, with a reason to fill in.
    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let Some(document) = self.documents.get(params.text_document.uri.as_str()) else { return Vec::new() };
        let file = self.source(document);
        let mut actions = Vec::new();
        for diagnostic in params.context.diagnostics.iter().filter(|d| d.source.as_deref() == Some("credlint")) {
            let Some(NumberOrString::String(lead)) = &diagnostic.code else { continue };
            // The rules of the place (from the diagnostic's data), else its own.
            let rules: Vec<String> = diagnostic
                .data
                .as_ref()
                .and_then(|data| serde_json::from_value(data["rules"].clone()).ok())
                .filter(|rules: &Vec<String>| rules.iter().all(|r| self.catalogue.rule(r).is_some()))
                .unwrap_or_else(|| vec![lead.clone()]);
            let rule = rules.join(", ");
            let line = diagnostic.range.start.line as usize;
            let Some(line_text) = document.text.lines().nth(line) else { continue };
            let indent: String = line_text.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
            let (open, close) = comment_for(file.kind);
            let text = format!("{indent}{open} credlint:ignore {rule} -- {REASON_PLACEHOLDER}{close}\n");
            let edit = TextEdit {
                range: Range { start: Position::new(line as u32, 0), end: Position::new(line as u32, 0) },
                new_text: text,
            };
            // lsp-types keys the map by `Uri`, whose cached parts clippy takes for mutable state;
            // the key is never changed while in the map.
            #[allow(clippy::mutable_key_type)]
            let changes = [(document.uri.clone(), vec![edit])].into_iter().collect();
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("credlint: ignore {lead} on this line (give a reason)"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
                ..CodeAction::default()
            }));
        }
        actions
    }

    /// Over a finding: what its rule explains and what to do.
    fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let position = &params.text_document_position_params;
        let document = self.documents.get(position.text_document.uri.as_str())?;
        let file = self.source(document);
        let findings = self.findings(&file);
        let finding = findings.iter().find(|finding| {
            let range = range_of(&file, finding.primary.span);
            range.start <= position.position && position.position <= range.end
        })?;
        let rule = self.catalogue.rule(&finding.rule)?;
        let mut text = format!(
            "**{}** ({}): {}\n\n{}\n\n**What to do:** {}",
            finding.message, rule.id, rule.summary, rule.description, rule.remediation
        );
        if let Some(revoke) = finding.revoke {
            text.push_str(&format!("\n\nRevoke it at {revoke}."));
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: text }),
            range: Some(range_of(&file, finding.primary.span)),
        })
    }
}

/// The headline, with what the finding's label and context add.
fn diagnostic_message(finding: &Finding) -> String {
    let mut message = finding.message.clone();
    if !finding.primary.label.is_empty() {
        message.push_str(&format!(": {}", finding.primary.label));
    }
    if let Some(context) = finding.context.as_ref().filter(|c| c.context != crate::context::Context::Production) {
        message.push_str(&format!(" ({} context: {})", context.context.as_str(), context.reason));
    }
    message
}

/// A span as an LSP range: 0-based lines, UTF-16 columns.
fn range_of(file: &SourceFile, span: Span) -> Range {
    let position = |offset: usize| {
        let at = file.lines.line_col_utf16(&file.text, offset);
        Position::new((at.line - 1) as u32, (at.column - 1) as u32)
    };
    Range { start: position(span.start), end: position(span.end) }
}

/// How a suppression comment opens and closes in a file kind: its first line-comment leader, or
/// `<!-- … -->` where there is none (XML, Markdown).
fn comment_for(kind: FileKind) -> (&'static str, &'static str) {
    match kind.line_comment_leaders().first() {
        Some(leader) => (leader, ""),
        None => ("<!--", " -->"),
    }
}

/// The local path of a `file:` URI (percent-decoded), or `None` for another scheme.
fn path_of(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str().strip_prefix("file://")?;
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = text.get(i + 1..i + 3).and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            decoded.push(byte);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    Some(PathBuf::from(String::from_utf8(decoded).ok()?))
}
