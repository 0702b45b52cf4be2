//! The loop: notifications update the documents, requests are answered
//! from the latest analysis, and diagnostics are published once the
//! editor pauses (every message already queued is handled first, so a
//! burst of keystrokes costs one analysis).

use super::corpus::{Options, Workspace};
use super::{actions, completion, diagnostics, formatting, hover, navigation, text, At};
use crate::source::FileId;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification as note, request as req};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, HoverProviderCapability, InitializeParams,
    OneOf, Position, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), "[".into(), ",".into(), ".".into()]),
            ..CompletionOptions::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_range_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// Settings from `initializationOptions`: `{"today": "YYYY-MM-DD"}` fixes
/// the date reviews are judged against (tests need it); `{"denyUnverified":
/// true}` reports unverified rules, as `check --deny unverified` does.
fn options(init: &InitializeParams) -> Options {
    let o = init.initialization_options.as_ref();
    let today = o
        .and_then(|o| o.get("today"))
        .and_then(|t| t.as_str())
        .and_then(crate::check::parse_date);
    let deny = o
        .and_then(|o| o.get("denyUnverified"))
        .and_then(|d| d.as_bool())
        .unwrap_or(false);
    let mut lint = crate::lint::Options::default();
    if let Some(t) = today {
        lint.today = t;
    }
    lint.deny_unverified = deny;
    Options { lint: Some(lint) }
}

/// Serve one client on `conn` until it says `exit`.
pub fn run(conn: Connection) -> Result<(), Error> {
    let (id, params) = conn.initialize_start()?;
    let init: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "mandate", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result)?;
    let mut server = Server {
        conn: &conn,
        ws: Workspace::new(options(&init)),
    };
    server.main_loop()
}

struct Server<'c> {
    conn: &'c Connection,
    ws: Workspace,
}

impl Server<'_> {
    fn main_loop(&mut self) -> Result<(), Error> {
        while let Ok(msg) = self.conn.receiver.recv() {
            match msg {
                Message::Request(r) => {
                    if self.conn.handle_shutdown(&r)? {
                        return Ok(());
                    }
                    self.flush()?;
                    let id = r.id.clone();
                    let resp =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.request(r)))
                            .unwrap_or_else(|_| {
                                Response::new_err(
                                    id,
                                    ErrorCode::InternalError as i32,
                                    "the request failed".into(),
                                )
                            });
                    self.conn.sender.send(resp.into())?;
                }
                Message::Notification(n) => {
                    if n.method == note::Exit::METHOD {
                        return Ok(());
                    }
                    self.notification(n);
                }
                Message::Response(_) => {}
            }
            if self.conn.receiver.is_empty() {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Analyse what changed and send the diagnostics that differ.
    fn flush(&mut self) -> Result<(), Error> {
        if !self.ws.corpora.iter().any(|c| c.dirty) {
            return Ok(());
        }
        self.ws.refresh();
        for corpus in self.ws.corpora.iter_mut().filter(|c| !c.announced) {
            corpus.announced = true;
            let params = lsp_types::LogMessageParams {
                typ: lsp_types::MessageType::INFO,
                message: corpus.describe(),
            };
            let n = Notification::new(note::LogMessage::METHOD.into(), params);
            self.conn.sender.send(n.into())?;
        }
        for params in diagnostics::publish(&mut self.ws) {
            let n = Notification::new(note::PublishDiagnostics::METHOD.into(), params);
            self.conn.sender.send(n.into())?;
        }
        Ok(())
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidOpenTextDocumentParams>(
                    note::DidOpenTextDocument::METHOD,
                ) {
                    let d = p.text_document;
                    self.ws.open(d.uri, d.version, d.text);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                    note::DidChangeTextDocument::METHOD,
                ) {
                    self.ws.change(
                        &p.text_document.uri,
                        p.text_document.version,
                        p.content_changes,
                    );
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidCloseTextDocumentParams>(
                    note::DidCloseTextDocument::METHOD,
                ) {
                    for uri in self.ws.close(&p.text_document.uri) {
                        if let Ok(uri) = uri.parse::<Uri>() {
                            let params =
                                lsp_types::PublishDiagnosticsParams::new(uri, Vec::new(), None);
                            let n =
                                Notification::new(note::PublishDiagnostics::METHOD.into(), params);
                            let _ = self.conn.sender.send(n.into());
                        }
                    }
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidSaveTextDocumentParams>(
                    note::DidSaveTextDocument::METHOD,
                ) {
                    self.ws.disk_changed(&p.text_document.uri, false);
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidChangeWatchedFilesParams>(
                    note::DidChangeWatchedFiles::METHOD,
                ) {
                    for c in p.changes {
                        let moved = c.typ != lsp_types::FileChangeType::CHANGED;
                        self.ws.disk_changed(&c.uri, moved);
                    }
                }
            }
            _ => {}
        }
    }

    /// The corpus, file and offset of a position in a document.
    fn at(&self, uri: &Uri, pos: Position) -> Option<At<'_>> {
        let (c, member) = self.ws.corpus_of(uri)?;
        let corpus = &self.ws.corpora[c];
        let state = corpus.state.as_ref()?;
        let file: FileId = state.file_of(member)?;
        let f = state.analysis.sources.get(file);
        let offset = text::offset(&f.text, f.line_starts(), pos);
        Some(At {
            ws: &self.ws,
            corpus,
            state,
            file,
            offset,
        })
    }

    fn request(&self, r: Request) -> Response {
        match r.method.as_str() {
            req::HoverRequest::METHOD => reply(r, |p: lsp_types::HoverParams| {
                let t = p.text_document_position_params;
                self.at(&t.text_document.uri, t.position)
                    .and_then(|at| hover::hover(&at))
            }),
            req::GotoDefinition::METHOD => reply(r, |p: lsp_types::GotoDefinitionParams| {
                let t = p.text_document_position_params;
                self.at(&t.text_document.uri, t.position)
                    .and_then(|at| navigation::definition(&at))
                    .map(lsp_types::GotoDefinitionResponse::Scalar)
            }),
            req::References::METHOD => reply(r, |p: lsp_types::ReferenceParams| {
                let t = p.text_document_position;
                self.at(&t.text_document.uri, t.position)
                    .map(|at| navigation::references(&at, p.context.include_declaration))
            }),
            req::DocumentSymbolRequest::METHOD => reply(r, |p: lsp_types::DocumentSymbolParams| {
                let (c, member) = self.ws.corpus_of(&p.text_document.uri)?;
                let state = self.ws.corpora[c].state.as_ref()?;
                let file = state.file_of(member)?;
                Some(lsp_types::DocumentSymbolResponse::Nested(
                    navigation::document_symbols(state, file),
                ))
            }),
            req::WorkspaceSymbolRequest::METHOD => {
                reply(r, |p: lsp_types::WorkspaceSymbolParams| {
                    lsp_types::WorkspaceSymbolResponse::Nested(navigation::workspace_symbols(
                        &self.ws, &p.query,
                    ))
                })
            }
            req::Completion::METHOD => reply(r, |p: lsp_types::CompletionParams| {
                let t = p.text_document_position;
                let at = self.at(&t.text_document.uri, t.position)?;
                let f = at.state.analysis.sources.get(at.file);
                let items = completion::completion(&at, &f.text, at.offset);
                Some(lsp_types::CompletionResponse::Array(items))
            }),
            req::Formatting::METHOD => reply(r, |p: lsp_types::DocumentFormattingParams| {
                self.at(&p.text_document.uri, Position::new(0, 0))
                    .and_then(|at| formatting::document(&at))
            }),
            req::RangeFormatting::METHOD => {
                reply(r, |p: lsp_types::DocumentRangeFormattingParams| {
                    self.at(&p.text_document.uri, Position::new(0, 0))
                        .and_then(|at| formatting::range(&at, p.range))
                })
            }
            req::CodeActionRequest::METHOD => reply(r, |p: lsp_types::CodeActionParams| {
                self.at(&p.text_document.uri, p.range.start).map(|at| {
                    actions::code_actions(&at, p.range)
                        .into_iter()
                        .map(lsp_types::CodeActionOrCommand::CodeAction)
                        .collect::<Vec<_>>()
                })
            }),
            _ => Response::new_err(
                r.id,
                ErrorCode::MethodNotFound as i32,
                format!("unknown method `{}`", r.method),
            ),
        }
    }
}

/// Parse a request's parameters and answer with the handler's result.
fn reply<P: DeserializeOwned, R: Serialize>(r: Request, handle: impl FnOnce(P) -> R) -> Response {
    match serde_json::from_value::<P>(r.params) {
        Ok(p) => Response::new_ok(r.id, handle(p)),
        Err(e) => Response::new_err(r.id, ErrorCode::InvalidParams as i32, e.to_string()),
    }
}
