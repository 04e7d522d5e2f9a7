//! `schemaguard server`: a language server over standard input and output.
//!
//! It keeps the text of every open document, lints it with the same engine as `check` on open,
//! change and save, and publishes the findings: the rule code, a link to its docs, the
//! severity, the help, and the secondary labels as related information. Quick fixes: a rule's
//! own fix when it has one, and a suppression comment (`-- schemaguard: ignore[CODE] <reason>`)
//! on the line above the finding. The config is the one `check` would use for the file
//! (the nearest schemaguard.toml), reloaded when a config file is saved.
//!
//! Positions are in UTF-16 code units as the protocol says by default; a client that offers
//! UTF-8 (or UTF-32) in `general.positionEncodings` gets that instead.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeDescription, Diagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, InitializeParams, Location,
    NumberOrString, Position, PositionEncodingKind, PublishDiagnosticsParams, Range, SaveOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};

use crate::baseline;
use crate::config::{self, CONFIG_NAMES};
use crate::discover::{self, FileKind};
use crate::lint::{self, FileReport};
use crate::settings::{Overrides, Settings};
use crate::source::{LineIndex, SourceFile, Span};

/// How positions count characters on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The client's preferred encoding among those we speak (UTF-16 when it offers none).
    fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        for kind in offered.unwrap_or_default() {
            match kind.as_str() {
                "utf-8" => return Encoding::Utf8,
                "utf-16" => return Encoding::Utf16,
                "utf-32" => return Encoding::Utf32,
                _ => {}
            }
        }
        Encoding::Utf16
    }

    fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// The position of a byte offset.
    pub fn position(self, text: &str, lines: &LineIndex, offset: usize) -> Position {
        let offset = crate::source::floor_char_boundary(text, offset.min(text.len()));
        let line = lines.line_of(offset);
        let start = lines.line_start(line);
        let col = match self {
            Encoding::Utf8 => offset - start,
            Encoding::Utf16 => text[start..offset].encode_utf16().count(),
            Encoding::Utf32 => text[start..offset].chars().count(),
        };
        Position::new(line as u32, col as u32)
    }

    fn range(self, text: &str, lines: &LineIndex, span: Span) -> Range {
        Range::new(
            self.position(text, lines, span.start),
            self.position(text, lines, span.end.max(span.start)),
        )
    }
}

/// One published finding, with what its quick fixes need.
struct Published {
    diagnostic: Diagnostic,
    /// The rule's own fix: its description and edits.
    fix: Option<(String, Vec<TextEdit>)>,
    /// The suppression comment to insert, when the finding can be suppressed inline.
    suppression: Option<TextEdit>,
}

struct Document {
    text: String,
    version: Option<i32>,
    published: Vec<Published>,
}

/// Settings (and their baseline) for one config file, or for none.
struct Loaded {
    settings: Arc<Settings>,
    baseline: Option<Arc<baseline::Loaded>>,
}

struct Server {
    conn: Connection,
    encoding: Encoding,
    docs: HashMap<String, Document>,
    /// Keyed by the config file (None: no config, the defaults).
    settings: HashMap<Option<PathBuf>, Loaded>,
}

/// Runs the server on standard input and output until the client says `exit`.
pub fn run() -> Result<(), String> {
    let (conn, io_threads) = Connection::stdio();
    serve(conn)?;
    io_threads.join().map_err(|e| e.to_string())
}

/// Runs the server on a connection (the protocol loop, for any transport).
pub fn serve(conn: Connection) -> Result<(), String> {
    let (id, params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_deref());
    let encoding = Encoding::negotiate(offered);
    if let Some(root) = workspace_root(&params) {
        // Relative paths (display, config globs) are relative to the workspace, as for `check`
        // run at its root.
        let _ = std::env::set_current_dir(root);
    }
    let capabilities = ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    };
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": ServerInfo {
            name: "schemaguard".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    });
    conn.initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let mut server = Server {
        conn,
        encoding,
        docs: HashMap::new(),
        settings: HashMap::new(),
    };
    server.main_loop()
}

fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    #[allow(deprecated)]
    let from_root = params
        .root_uri
        .as_ref()
        .and_then(|u| uri_to_path(u.as_str()));
    params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| uri_to_path(f.uri.as_str()))
        .or(from_root)
        .filter(|p| p.is_dir())
}

impl Server {
    fn main_loop(&mut self) -> Result<(), String> {
        while let Ok(msg) = self.conn.receiver.recv() {
            match msg {
                Message::Request(req) => {
                    if self.conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                        return Ok(());
                    }
                    self.on_request(req);
                }
                Message::Notification(n) => self.on_notification(n),
                Message::Response(_) => {}
            }
        }
        Ok(())
    }

    fn send(&self, msg: Message) {
        // The client went away: the loop ends when the receiver closes.
        let _ = self.conn.sender.send(msg);
    }

    fn on_request(&mut self, req: Request) {
        let response = match req.method.as_str() {
            "textDocument/codeAction" => {
                match serde_json::from_value::<CodeActionParams>(req.params) {
                    Ok(params) => Response::new_ok(req.id, self.code_actions(&params)),
                    Err(e) => invalid_params(req.id, e),
                }
            }
            _ => Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!("schemaguard does not handle `{}`", req.method),
            ),
        };
        self.send(Message::Response(response));
    }

    fn on_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    let doc = p.text_document;
                    self.update(&doc.uri, doc.text, Some(doc.version));
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    // Full sync: the last change holds the whole text.
                    if let Some(change) = p.content_changes.into_iter().last() {
                        let uri = p.text_document.uri;
                        self.update(&uri, change.text, Some(p.text_document.version));
                    }
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    let key = uri.as_str().to_string();
                    let text = p
                        .text
                        .or_else(|| self.docs.get(&key).map(|d| d.text.clone()));
                    if is_config(uri.as_str()) {
                        self.reload();
                    } else if let Some(text) = text {
                        let version = self.docs.get(&key).and_then(|d| d.version);
                        self.update(&uri, text, version);
                    }
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    self.docs.remove(uri.as_str());
                    self.publish(&uri, Vec::new(), None);
                }
            }
            "workspace/didChangeWatchedFiles" => self.reload(),
            _ => {}
        }
    }

    /// Forgets every loaded config and relints the open documents.
    fn reload(&mut self) {
        self.settings.clear();
        let open: Vec<(String, String, Option<i32>)> = self
            .docs
            .iter()
            .map(|(k, d)| (k.clone(), d.text.clone(), d.version))
            .collect();
        for (key, text, version) in open {
            if let Ok(uri) = key.parse::<Uri>() {
                self.update(&uri, text, version);
            }
        }
    }

    /// Stores a document's new text, lints it and publishes the findings.
    fn update(&mut self, uri: &Uri, text: String, version: Option<i32>) {
        let Some(path) = uri_to_path(uri.as_str()) else {
            return;
        };
        let published = self.lint(uri, &path, &text);
        let diagnostics = published.iter().map(|p| p.diagnostic.clone()).collect();
        self.docs.insert(
            uri.as_str().to_string(),
            Document {
                text,
                version,
                published,
            },
        );
        self.publish(uri, diagnostics, version);
    }

    fn publish(&self, uri: &Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version,
        };
        self.send(Message::Notification(Notification::new(
            "textDocument/publishDiagnostics".into(),
            params,
        )));
    }

    fn show_error(&self, message: String) {
        eprintln!("schemaguard: {message}");
        self.send(Message::Notification(Notification::new(
            "window/showMessage".into(),
            serde_json::json!({ "type": 1, "message": message }),
        )));
    }

    /// The settings for a file: from the nearest config, like `check`.
    fn settings_for(&mut self, path: &Path) -> (Arc<Settings>, Option<Arc<baseline::Loaded>>) {
        let config_path = path.parent().and_then(config::discover);
        if !self.settings.contains_key(&config_path) {
            let loaded = self.load_settings(config_path.as_deref());
            self.settings.insert(config_path.clone(), loaded);
        }
        let loaded = &self.settings[&config_path];
        (loaded.settings.clone(), loaded.baseline.clone())
    }

    fn load_settings(&self, config_path: Option<&Path>) -> Loaded {
        let resolved = match config_path {
            Some(p) => {
                config::load(p).and_then(|c| Settings::resolve(Some(&c), &Overrides::default()))
            }
            None => Settings::resolve(None, &Overrides::default()),
        };
        let settings = match resolved {
            Ok(s) => s,
            Err(e) => {
                self.show_error(format!("invalid configuration, using the defaults: {e}"));
                Settings::default()
            }
        };
        let baseline = settings
            .baseline
            .as_ref()
            .and_then(|b| match baseline::load(b) {
                Ok(l) => Some(Arc::new(l)),
                Err(e) => {
                    self.show_error(e);
                    None
                }
            });
        Loaded {
            settings: Arc::new(settings),
            baseline,
        }
    }

    fn lint(&mut self, uri: &Uri, path: &Path, text: &str) -> Vec<Published> {
        let Some(kind) = discover::classify(path) else {
            return Vec::new();
        };
        if !kind.is_linted() {
            return Vec::new();
        }
        let (settings, baseline) = self.settings_for(path);
        if settings.is_excluded(path) {
            return Vec::new();
        }
        let source = SourceFile::new(path, discover::display_path(path), text);
        // The rest of the document's migration folder, read from disk, so the editor sees what
        // `check` sees (the set's order, pairing and catalog; a Terraform module's variables),
        // with the document itself as the editor has it.
        let me = discover::Candidate {
            display: discover::display_path(path),
            path: path.to_path_buf(),
            kind,
        };
        // `context_for` leaves out the file asked about: the editor's text stands for it.
        let context = discover::context_for(std::slice::from_ref(&me), &settings)
            .into_iter()
            .map(lint::Input::Path)
            .collect();
        let request = lint::Request {
            files: vec![lint::Input::Text(source, kind)],
            context,
            base: None,
            module_siblings: true,
        };
        let mut reports = lint::lint(request, &settings);
        if let Some(b) = &baseline {
            // Stale entries are about the whole repository, not this document: `check` reports them.
            let _ = baseline::apply(b, &mut reports, &settings);
        }
        let report = reports.pop().expect("one report");
        self.to_lsp(uri, &report, kind)
    }

    fn to_lsp(&self, uri: &Uri, report: &FileReport, kind: FileKind) -> Vec<Published> {
        let text: &str = &report.source.text;
        let lines = &report.source.lines();
        let enc = self.encoding;
        let mut out = Vec::new();
        for d in report.active() {
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let related: Vec<DiagnosticRelatedInformation> = d
                .labels
                .iter()
                .map(|l| DiagnosticRelatedInformation {
                    location: Location::new(uri.clone(), enc.range(text, lines, l.span)),
                    message: l.message.clone(),
                })
                .collect();
            let diagnostic = Diagnostic {
                range: enc.range(text, lines, d.span),
                severity: Some(match d.severity {
                    crate::diagnostic::Severity::Error => DiagnosticSeverity::ERROR,
                    crate::diagnostic::Severity::Warning => DiagnosticSeverity::WARNING,
                    crate::diagnostic::Severity::Info => DiagnosticSeverity::INFORMATION,
                }),
                code: Some(NumberOrString::String(d.rule.code.to_string())),
                code_description: d
                    .rule
                    .url()
                    .parse::<Uri>()
                    .ok()
                    .map(|href| CodeDescription { href }),
                source: Some("schemaguard".into()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                tags: None,
                data: Some(serde_json::json!({ "name": d.rule.name })),
            };
            let fix = d.fix.as_ref().map(|f| {
                let edits = f
                    .edits
                    .iter()
                    .map(|e| TextEdit::new(enc.range(text, lines, e.span), e.content.clone()))
                    .collect();
                (f.description.clone(), edits)
            });
            let suppressible = d.rule.category != crate::registry::Category::Tool
                || d.rule.code == crate::rules::tool::ParseError::META.code;
            let suppression = suppressible
                .then(|| suppression_edit(text, lines, d.span.start, kind, d.rule.code))
                .flatten();
            out.push(Published {
                diagnostic,
                fix,
                suppression,
            });
        }
        out
    }

    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let Some(doc) = self.docs.get(uri.as_str()) else {
            return Vec::new();
        };
        let wanted = |p: &Published| {
            let d = &p.diagnostic;
            intersects(d.range, params.range)
                || params
                    .context
                    .diagnostics
                    .iter()
                    .any(|c| c.range == d.range && c.code == d.code)
        };
        let mut actions = Vec::new();
        for p in doc.published.iter().filter(|p| wanted(p)) {
            let code = match &p.diagnostic.code {
                Some(NumberOrString::String(s)) => s.clone(),
                _ => continue,
            };
            let edit = |edits: Vec<TextEdit>| WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..Default::default()
            };
            if let Some((description, edits)) = &p.fix {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Fix {code}: {description}"),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![p.diagnostic.clone()]),
                    edit: Some(edit(edits.clone())),
                    is_preferred: Some(true),
                    ..Default::default()
                }));
            }
            if let Some(insert) = &p.suppression {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Suppress {code} with a comment (give the reason)"),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![p.diagnostic.clone()]),
                    edit: Some(edit(vec![insert.clone()])),
                    ..Default::default()
                }));
            }
        }
        actions
    }
}

fn invalid_params(id: RequestId, e: serde_json::Error) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string())
}

fn intersects(a: Range, b: Range) -> bool {
    let before = |x: Position, y: Position| (x.line, x.character) < (y.line, y.character);
    !(before(a.end, b.start) || before(b.end, a.start))
}

/// The comment that suppresses `code` at `offset`: on its own line above the finding's line,
/// indented like it, in the file's comment syntax. An own-line comment covers the next
/// statement, block or key, which holds the finding.
pub fn suppression_edit(
    text: &str,
    lines: &LineIndex,
    offset: usize,
    kind: FileKind,
    code: &str,
) -> Option<TextEdit> {
    let (open, close) = match kind {
        FileKind::Sql => ("--", ""),
        FileKind::Terraform | FileKind::Yaml | FileKind::Python | FileKind::KeyValue => ("#", ""),
        FileKind::Xml => ("<!--", " -->"),
        FileKind::Json | FileKind::TerraformPlan => return None,
    };
    let line = lines.line_of(offset);
    let line_text = lines.line_span(text, line).text(text);
    let indent: String = line_text
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let eol = crate::source::line_ending(text);
    Some(TextEdit::new(
        Range::new(Position::new(line as u32, 0), Position::new(line as u32, 0)),
        format!("{indent}{open} schemaguard: ignore[{code}] <reason>{close}{eol}"),
    ))
}

/// Whether a document URI names a config file.
fn is_config(uri: &str) -> bool {
    CONFIG_NAMES
        .iter()
        .any(|name| uri.rsplit('/').next() == Some(*name))
}

/// The local path of a `file:` URI.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // An authority before the path: empty or `localhost`.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if rest[..i].eq_ignore_ascii_case("localhost") => &rest[i..],
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path);
    let decoded = String::from_utf8(bytes).ok()?;
    if cfg!(windows) {
        // file:///C:/dir -> C:/dir
        let trimmed = decoded.strip_prefix('/').unwrap_or(&decoded);
        if trimmed.as_bytes().get(1) == Some(&b':') {
            return Some(PathBuf::from(trimmed));
        }
    }
    Some(PathBuf::from(decoded))
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(
            uri_to_path("file:///home/me/db/001%20init.sql"),
            Some(PathBuf::from("/home/me/db/001 init.sql"))
        );
        assert_eq!(
            uri_to_path("file://localhost/tmp/a.sql"),
            Some(PathBuf::from("/tmp/a.sql"))
        );
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
        assert_eq!(uri_to_path("file:///a%2"), Some(PathBuf::from("/a%2")));
    }

    #[test]
    fn positions_in_each_encoding() {
        let text = "x\n/* é😀 */ DROP\n";
        let lines = LineIndex::new(text);
        let at = text.find("DROP").unwrap();
        assert_eq!(
            Encoding::Utf8.position(text, &lines, at),
            Position::new(1, 13)
        );
        assert_eq!(
            Encoding::Utf16.position(text, &lines, at),
            Position::new(1, 10)
        );
        assert_eq!(
            Encoding::Utf32.position(text, &lines, at),
            Position::new(1, 9)
        );
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[
                PositionEncodingKind::UTF8,
                PositionEncodingKind::UTF16
            ])),
            Encoding::Utf8
        );
    }

    #[test]
    fn suppression_comment_follows_the_language_and_indent() {
        let text = "BEGIN;\n  ALTER TABLE t DROP COLUMN c;\n";
        let lines = LineIndex::new(text);
        let at = text.find("ALTER").unwrap();
        let edit = suppression_edit(text, &lines, at, FileKind::Sql, "BC001").unwrap();
        assert_eq!(edit.range.start, Position::new(1, 0));
        assert_eq!(edit.new_text, "  -- schemaguard: ignore[BC001] <reason>\n");
        let edit = suppression_edit(text, &lines, at, FileKind::Yaml, "IS001").unwrap();
        assert_eq!(edit.new_text, "  # schemaguard: ignore[IS001] <reason>\n");
    }
}
