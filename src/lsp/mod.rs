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
//!
//! The workspace's `.credlint.toml` and baseline apply as in a scan, and the whole-repository
//! rules come from a background scan of the workspace (`workspace`). Quick fixes: an ignore
//! comment, an environment read in place of a literal (`env_read`), and the rule's explanation.

mod env_read;
mod workspace;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability, Command,
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams, ExecuteCommandOptions,
    ExecuteCommandParams, Hover, HoverContents, HoverParams, HoverProviderCapability, InitializeParams, Location,
    MarkupContent, MarkupKind, MessageType, NumberOrString, Position, PublishDiagnosticsParams, Range,
    ServerCapabilities, ShowDocumentParams, ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextEdit, Uri, WorkspaceEdit,
};

use crate::fact::{Facts, Value};
use crate::finding::{Finding, Severity};
use crate::rules::Catalogue;
use crate::source::{FileKind, SourceFile};
use crate::span::Span;
use workspace::{Workspace, WorkspaceDiagnostics};

/// The reason a new suppression comment carries until its author writes one.
pub const REASON_PLACEHOLDER: &str = "TODO: say why this is safe";

/// The command that opens a rule's explanation (`workspace/executeCommand`, argument: the rule id).
pub const EXPLAIN_COMMAND: &str = "credlint.explain";

/// Serves one editor session on stdin and stdout until it exits. `embedded` are the rules used
/// when the workspace has no config, or one that can't be read (the editor is told why).
pub fn run(embedded: Catalogue) -> anyhow::Result<()> {
    let (connection, io_threads) = Connection::stdio();
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![EXPLAIN_COMMAND.to_owned()],
            ..ExecuteCommandOptions::default()
        }),
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
    let show_document =
        params.capabilities.window.as_ref().and_then(|w| w.show_document.as_ref()).is_some_and(|s| s.support);
    let mut server = Server::new(root, embedded, show_document);
    let (scanned_tx, scanned_rx) = crossbeam_channel::unbounded::<WorkspaceDiagnostics>();
    let mut shut_down = false;
    'session: loop {
        if let Some(job) = server.scan_to_start() {
            let scanned_tx = scanned_tx.clone();
            std::thread::spawn(move || {
                let _ = scanned_tx.send(job.run());
            });
        }
        // A send fails once the client has closed the stream (an editor quitting): the session
        // is over, and nothing is left to say to it.
        for message in server.outgoing.drain(..) {
            if connection.sender.send(message).is_err() {
                break 'session;
            }
        }
        crossbeam_channel::select! {
            recv(connection.receiver) -> message => {
                let Ok(message) = message else { break 'session };
                let mut next = Some(message);
                while let Some(message) = next.take() {
                    if let Message::Request(request) = &message {
                        match connection.handle_shutdown(request) {
                            Ok(false) => {}
                            // Shut down and exited, or shut down and the stream closed before `exit`
                            // (an editor quitting at once): the session ended as asked.
                            Ok(true) | Err(_) => {
                                shut_down = true;
                                break 'session;
                            }
                        }
                    }
                    if let Some(reply) = server.handle(message)
                        && connection.sender.send(reply).is_err()
                    {
                        break 'session;
                    }
                    next = connection.receiver.try_recv().ok();
                }
            }
            recv(scanned_rx) -> scanned => {
                if let Ok(scanned) = scanned {
                    server.workspace_scanned(scanned);
                }
            }
        }
        for notification in server.publish_changed() {
            if connection.sender.send(notification).is_err() {
                break 'session;
            }
        }
    }
    drop(connection);
    match io_threads.join() {
        // After a shutdown, what the transport threads met (a message after `exit` with nobody
        // left to take it, a closed pipe) is the client leaving: the session ended as asked.
        Err(_) if shut_down => Ok(()),
        // The client closed its end first: nothing is left to say to it.
        Err(error) if matches!(error.kind(), std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::UnexpectedEof) => {
            Ok(())
        }
        joined => Ok(joined?),
    }
}

struct Server {
    catalogue: Arc<Catalogue>,
    /// The workspace root: paths below it decide a document's context (`tests/…`).
    root: Option<PathBuf>,
    /// The root's config and baseline, when it has a root whose config could be read.
    workspace: Option<Workspace>,
    /// Open documents, by the path their URI names.
    documents: BTreeMap<PathBuf, Document>,
    /// Files whose diagnostics must be published again: a document's text changed, or the
    /// workspace scan's findings in it.
    changed: BTreeSet<PathBuf>,
    /// The last workspace scan's whole-repository diagnostics.
    workspace_diagnostics: WorkspaceDiagnostics,
    /// A workspace scan is running; another is wanted (the session started, or a file was saved).
    scanning: bool,
    scan_wanted: bool,
    /// The client opens URLs for the server (`window/showDocument`).
    show_document: bool,
    /// Messages to the client that no request answers (a warning, a document to show).
    outgoing: Vec<Message>,
    next_request: i32,
}

struct Document {
    uri: Uri,
    text: String,
}

impl Server {
    fn new(root: Option<PathBuf>, embedded: Catalogue, show_document: bool) -> Server {
        let mut outgoing = Vec::new();
        let (workspace, catalogue) = match root.clone().map(Workspace::load) {
            Some(Ok((workspace, catalogue))) => (Some(workspace), catalogue),
            Some(Err(error)) => {
                outgoing.push(show_message(
                    MessageType::WARNING,
                    format!("credlint: the workspace's settings can't be used ({error:#}); using the default rules"),
                ));
                (None, embedded)
            }
            None => (None, embedded),
        };
        Server {
            catalogue: Arc::new(catalogue),
            scan_wanted: workspace.is_some(),
            root,
            workspace,
            documents: BTreeMap::new(),
            changed: BTreeSet::new(),
            workspace_diagnostics: WorkspaceDiagnostics::new(),
            scanning: false,
            show_document,
            outgoing,
            next_request: 0,
        }
    }

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
                    let key = key_of(&uri);
                    self.changed.insert(key.clone());
                    self.documents.insert(key, Document { uri, text: params.text_document.text });
                }
            }
            "textDocument/didChange" => {
                if let Ok(params) = serde_json::from_value::<DidChangeTextDocumentParams>(notification.params)
                    && let Some(change) = params.content_changes.into_iter().last()
                {
                    let key = key_of(&params.text_document.uri);
                    if let Some(document) = self.documents.get_mut(&key) {
                        // Full synchronisation: each change is the whole text.
                        document.text = change.text;
                        self.changed.insert(key);
                    }
                }
            }
            "textDocument/didSave" => {
                if let Ok(params) = serde_json::from_value::<DidSaveTextDocumentParams>(notification.params) {
                    self.changed.insert(key_of(&params.text_document.uri));
                    // What the file now shares with the rest of the workspace is known after a scan.
                    self.scan_wanted = self.workspace.is_some();
                }
            }
            "textDocument/didClose" => {
                if let Ok(params) = serde_json::from_value::<DidCloseTextDocumentParams>(notification.params) {
                    let key = key_of(&params.text_document.uri);
                    self.documents.remove(&key);
                    // Its own diagnostics go; the workspace's stay, as for any file not open.
                    self.changed.insert(key);
                }
            }
            _ => {}
        }
    }

    fn answer(&mut self, request: Request) -> Response {
        if request.method == "workspace/executeCommand" {
            let done = serde_json::from_value::<ExecuteCommandParams>(request.params)
                .map_err(|error| error.to_string())
                .and_then(|params| self.execute(&params));
            return match done {
                Ok(()) => Response::new_ok(request.id, serde_json::Value::Null),
                Err(error) => Response::new_err(request.id, lsp_server::ErrorCode::InvalidParams as i32, error),
            };
        }
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

    /// The workspace scan to start now, if one is wanted and none is running.
    fn scan_to_start(&mut self) -> Option<workspace::ScanJob> {
        if !self.scan_wanted || self.scanning {
            return None;
        }
        let job = self.workspace.as_ref()?.scan_job(&self.catalogue);
        self.scan_wanted = false;
        self.scanning = true;
        Some(job)
    }

    /// A workspace scan finished: the files whose whole-repository diagnostics were or are now
    /// non-empty are published again.
    fn workspace_scanned(&mut self, scanned: WorkspaceDiagnostics) {
        self.scanning = false;
        let old = std::mem::replace(&mut self.workspace_diagnostics, scanned);
        self.changed.extend(old.into_keys());
        self.changed.extend(self.workspace_diagnostics.keys().cloned());
    }

    /// One `publishDiagnostics` per file whose diagnostics changed: an open document's own, and
    /// the workspace scan's in it.
    fn publish_changed(&mut self) -> Vec<Message> {
        let changed = std::mem::take(&mut self.changed);
        changed
            .iter()
            .filter_map(|key| {
                let document = self.documents.get(key);
                let uri = document.map(|d| d.uri.clone()).or_else(|| uri_of(key))?;
                let mut diagnostics = document.map(|d| self.diagnostics(d)).unwrap_or_default();
                diagnostics.extend(self.workspace_diagnostics.get(key).into_iter().flatten().cloned());
                let params = PublishDiagnosticsParams { uri, diagnostics, version: None };
                Some(Message::Notification(Notification::new(
                    "textDocument/publishDiagnostics".to_owned(),
                    serde_json::to_value(params).unwrap_or_default(),
                )))
            })
            .collect()
    }

    /// The document as the pipeline reads it: its path decides its kind, and its path below the
    /// workspace root its context; in a workspace it is named as a scan of the root names it, so
    /// that the baseline and the config's rule settings apply.
    fn source(&self, document: &Document) -> SourceFile {
        let absolute = key_of(&document.uri);
        let kind = FileKind::detect(&absolute).unwrap_or(FileKind::Text);
        if let Some(workspace) = &self.workspace {
            let shown = workspace.shown(&absolute);
            let scope =
                if shown.is_absolute() { PathBuf::from(shown.file_name().unwrap_or_default()) } else { shown.clone() };
            return SourceFile::new(shown, kind, document.text.as_str()).with_scope(scope);
        }
        let scope = self.root.as_deref().and_then(|root| absolute.strip_prefix(root).ok()).map(Path::to_path_buf);
        let file = SourceFile::new(absolute.clone(), kind, document.text.as_str());
        match scope {
            Some(scope) => file.with_scope(scope),
            None => file,
        }
    }

    /// The document's findings as a scan would report them: the per-file rules, its suppression
    /// comments, the config's rule settings, the baseline, one finding per place. None when the
    /// config excludes the file.
    fn findings(&self, document: &Document, file: &SourceFile) -> Vec<Finding> {
        self.scanned(document, file).1
    }

    /// [`Server::findings`], with the facts they were checked on (what the quick fixes read).
    fn scanned(&self, document: &Document, file: &SourceFile) -> (Facts, Vec<Finding>) {
        if self.workspace.as_ref().is_some_and(|w| w.excludes(&key_of(&document.uri))) {
            return (Facts::default(), Vec::new());
        }
        let (facts, mut findings) = crate::scan_source(file, &self.catalogue);
        let suppressions = crate::suppress::parse(file);
        let today = crate::date::Date::today();
        let line_of = |path: &Path, offset: usize| (path == file.path).then(|| file.lines.line_of(offset));
        let applied = crate::suppress::apply(&mut findings, &suppressions, &self.catalogue, today, false, line_of);
        findings.extend(applied.findings);
        workspace::as_a_scan_would(&mut findings, self.workspace.as_ref());
        crate::finding::merge_places(&mut findings);
        (facts, findings)
    }

    fn diagnostics(&self, document: &Document) -> Vec<Diagnostic> {
        let file = self.source(document);
        let findings = self.findings(document, &file);
        let file = &file;
        findings
            .iter()
            .filter_map(|finding| {
                diagnostic(finding, &|path| (path == file.path).then_some(file), &|path| {
                    (path == file.path).then(|| document.uri.clone())
                })
            })
            .collect()
    }

    /// For each credlint diagnostic in the request: a `credlint:ignore` comment on the line above,
    /// in the file's comment syntax, with a reason to fill in; an environment read in place of a
    /// hardcoded literal, where the language and the slot allow one; the rule's explanation.
    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let Some(document) = self.documents.get(&key_of(&params.text_document.uri)) else { return Vec::new() };
        let file = self.source(document);
        // Scanned once for the request, and only if an environment read may be offered.
        let scanned = std::cell::OnceCell::new();
        let mut actions = Vec::new();
        for diagnostic in params.context.diagnostics.iter().filter(|d| d.source.as_deref() == Some("credlint")) {
            let Some(NumberOrString::String(lead)) = &diagnostic.code else { continue };
            if self.catalogue.rule(lead).is_none() {
                continue;
            }
            // The rules of the place (from the diagnostic's data), else its own.
            let rules: Vec<String> = diagnostic
                .data
                .as_ref()
                .and_then(|data| serde_json::from_value(data["rules"].clone()).ok())
                .filter(|rules: &Vec<String>| rules.iter().all(|r| self.catalogue.rule(r).is_some()))
                .unwrap_or_else(|| vec![lead.clone()]);
            if let Some(action) = ignore_action(document, &file, diagnostic, lead, &rules) {
                actions.push(action);
            }
            let scanned = || scanned.get_or_init(|| self.scanned(document, &file));
            if let Some(action) = env_read_action(document, &file, scanned, diagnostic, &rules) {
                actions.push(action);
            }
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("credlint: explain {lead}"),
                kind: Some(CodeActionKind::EMPTY),
                diagnostics: Some(vec![diagnostic.clone()]),
                command: Some(Command {
                    title: format!("Explain {lead}"),
                    command: EXPLAIN_COMMAND.to_owned(),
                    arguments: Some(vec![serde_json::json!(lead)]),
                }),
                ..CodeAction::default()
            }));
        }
        actions
    }

    /// `credlint.explain RULE`: the client opens the rule's page (`window/showDocument`), or,
    /// when it can't, shows the rule's summary and the page's address.
    fn execute(&mut self, params: &ExecuteCommandParams) -> Result<(), String> {
        if params.command != EXPLAIN_COMMAND {
            return Err(format!("credlint has no command {}", params.command));
        }
        let rule = params
            .arguments
            .first()
            .and_then(|argument| argument.as_str())
            .and_then(|id| self.catalogue.rule(id))
            .ok_or_else(|| format!("{EXPLAIN_COMMAND} takes the id of a credlint rule"))?;
        let url = crate::rules::docs::url(&rule.id);
        match url.parse::<Uri>() {
            Ok(uri) if self.show_document => {
                self.next_request += 1;
                let params = ShowDocumentParams { uri, external: Some(true), take_focus: None, selection: None };
                self.outgoing.push(Message::Request(Request::new(
                    RequestId::from(format!("credlint-{}", self.next_request)),
                    "window/showDocument".to_owned(),
                    params,
                )));
            }
            _ => self.outgoing.push(show_message(MessageType::INFO, format!("{}: {} ({url})", rule.id, rule.summary))),
        }
        Ok(())
    }

    /// Over a finding: what its rule explains and what to do.
    fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let position = &params.text_document_position_params;
        let key = key_of(&position.text_document.uri);
        let document = self.documents.get(&key)?;
        let file = self.source(document);
        let over = |range: &Range| range.start <= position.position && position.position <= range.end;
        let findings = self.findings(document, &file);
        let (message, rule_id, revoke, range) =
            match findings.iter().find(|finding| over(&range_of(&file, finding.primary.span))) {
                Some(finding) => (
                    finding.message.to_string(),
                    finding.rule.to_string(),
                    finding.revoke,
                    range_of(&file, finding.primary.span),
                ),
                None => {
                    let diagnostic = self.workspace_diagnostics.get(&key)?.iter().find(|d| over(&d.range))?;
                    let Some(NumberOrString::String(rule)) = &diagnostic.code else { return None };
                    (diagnostic.message.clone(), rule.clone(), None, diagnostic.range)
                }
            };
        let rule = self.catalogue.rule(&rule_id)?;
        let mut text = format!(
            "**{}** ({}): {}\n\n{}\n\n**What to do:** {}",
            message, rule.id, rule.summary, rule.description, rule.remediation
        );
        if let Some(revoke) = revoke {
            text.push_str(&format!("\n\nRevoke it at {revoke}."));
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: text }),
            range: Some(range),
        })
    }
}

/// A finding as a diagnostic: its range, severity, rule and link, and its related locations in the
/// files `source` knows (the spans are UTF-16 ranges of those files' text). `None` when the
/// primary location's file is unknown.
fn diagnostic<'s>(
    finding: &Finding,
    source: &dyn Fn(&Path) -> Option<&'s SourceFile>,
    uri: &dyn Fn(&Path) -> Option<Uri>,
) -> Option<Diagnostic> {
    let file = source(&finding.primary.path)?;
    let related = finding
        .secondary
        .iter()
        .filter_map(|location| {
            let file = source(&location.path)?;
            Some(DiagnosticRelatedInformation {
                location: Location { uri: uri(&location.path)?, range: range_of(file, location.span) },
                message: location.label.to_string(),
            })
        })
        .collect();
    Some(Diagnostic {
        range: range_of(file, finding.primary.span),
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
        related_information: Some(related),
        tags: None,
        // Every rule folded into this finding, so that the quick fix ignores them all.
        data: Some(serde_json::json!({
            "rules": std::iter::once(&*finding.rule).chain(finding.also.iter().map(|a| &*a.rule)).collect::<Vec<_>>(),
        })),
    })
}

/// Replaces the literal a storage finding points at with a read of an environment variable
/// named after the credential (`jira_password` reads `JIRA_PASSWORD`).
fn env_read_action<'s>(
    document: &Document,
    file: &SourceFile,
    scanned: impl FnOnce() -> &'s (Facts, Vec<Finding>),
    diagnostic: &Diagnostic,
    rules: &[String],
) -> Option<CodeActionOrCommand> {
    const LITERAL_RULES: &[&str] =
        &[crate::check::HARDCODED_CREDENTIAL, crate::check::BASIC_AUTH_PASSWORD, crate::check::CREDENTIAL_IN_URL];
    if !rules.iter().any(|rule| LITERAL_RULES.contains(&rule.as_str())) {
        return None;
    }
    let (facts, findings) = scanned();
    let finding = findings.iter().find(|finding| {
        range_of(file, finding.primary.span) == diagnostic.range && LITERAL_RULES.contains(&&*finding.rule)
    })?;
    let span = finding.primary.span;
    let name = facts.uses.iter().find_map(|credential| match &credential.secret {
        Value::Literal { span: at, .. } if *at == span => credential.secret_name.clone(),
        _ => None,
    });
    let fallback = if &*finding.rule == crate::check::BASIC_AUTH_PASSWORD { "PASSWORD" } else { "SECRET" };
    let variable = env_read::variable_name(name.as_deref(), fallback);
    let edits = env_read::replace_with_env_read(file.kind, &file.text, (span.start, span.end), &variable)?;
    let edits = edits
        .into_iter()
        .map(|edit| TextEdit { range: range_of(file, Span::new(edit.start, edit.end)), new_text: edit.text })
        .collect();
    #[allow(clippy::mutable_key_type)] // see `ignore_action`
    let changes = [(document.uri.clone(), edits)].into_iter().collect();
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("credlint: read the secret from the environment variable {variable}"),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
        is_preferred: Some(true),
        ..CodeAction::default()
    }))
}

/// A `credlint:ignore` comment for `rules` on the line above the diagnostic, in the file's
/// comment syntax and indented as the line is.
fn ignore_action(
    document: &Document,
    file: &SourceFile,
    diagnostic: &Diagnostic,
    lead: &str,
    rules: &[String],
) -> Option<CodeActionOrCommand> {
    let rule = rules.join(", ");
    let line = diagnostic.range.start.line as usize;
    let line_text = document.text.lines().nth(line)?;
    let indent: String = line_text.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let (open, close) = comment_for(file.kind);
    let text = format!("{indent}{open} credlint:ignore {rule} -- {REASON_PLACEHOLDER}{close}\n");
    let edit = TextEdit {
        range: Range { start: Position::new(line as u32, 0), end: Position::new(line as u32, 0) },
        new_text: text,
    };
    // lsp-types keys the map by `Uri`, whose cached parts clippy takes for mutable state; the key is
    // never changed while in the map.
    #[allow(clippy::mutable_key_type)]
    let changes = [(document.uri.clone(), vec![edit])].into_iter().collect();
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("credlint: ignore {lead} on this line (give a reason)"),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
        ..CodeAction::default()
    }))
}

fn show_message(typ: MessageType, message: String) -> Message {
    Message::Notification(Notification::new(
        "window/showMessage".to_owned(),
        serde_json::to_value(ShowMessageParams { typ, message }).unwrap_or_default(),
    ))
}

/// The headline, with what the finding's label and context add.
fn diagnostic_message(finding: &Finding) -> String {
    let mut message = finding.message.to_string();
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

/// The key a document is kept under: the local path its URI names, or the URI itself for another
/// scheme (an unsaved buffer).
fn key_of(uri: &Uri) -> PathBuf {
    path_of(uri).unwrap_or_else(|| PathBuf::from(uri.as_str()))
}

/// The characters a `file:` URI's path percent-encodes: controls and what URIs reserve, not `/`.
const URI_PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The `file:` URI of an absolute local path (`None` for a path that is not one, or not UTF-8).
fn uri_of(path: &Path) -> Option<Uri> {
    if !path.is_absolute() {
        return None;
    }
    let text = path.to_str()?;
    format!("file://{}", percent_encoding::utf8_percent_encode(text, URI_PATH)).parse().ok()
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
