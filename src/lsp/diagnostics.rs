//! The corpus's findings as LSP diagnostics, one list per file: labels
//! become ranges (UTF-16 columns), the other labels related locations,
//! and the help follows the message.

use super::corpus::{Corpus, Workspace};
use super::text;
use crate::diag::{Code, Diagnostic, Severity};
use crate::source::{Sources, Span};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString,
    Position, PublishDiagnosticsParams, Range, Uri,
};
use std::collections::BTreeMap;

/// The range of a span in its file.
pub fn range(sources: &Sources, span: Span) -> Range {
    let f = sources.get(span.file);
    text::range(
        &f.text,
        f.line_starts(),
        span.start as usize,
        span.end as usize,
    )
}

/// One finding for the editor, its primary location given.
pub fn convert(
    ws: &Workspace,
    corpus: &Corpus,
    d: &Diagnostic,
    range: Range,
) -> lsp_types::Diagnostic {
    let state = corpus.state.as_ref();
    let mut related = Vec::new();
    for label in d.labels.iter().skip(1) {
        let Some(s) = state else { break };
        let member = s.members[label.span.file.0 as usize];
        if let Some(uri) = ws.uri_of(corpus, member) {
            related.push(DiagnosticRelatedInformation {
                location: Location::new(uri, self::range(&s.analysis.sources, label.span)),
                message: label.text.clone(),
            });
        }
    }
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let tags = matches!(
        d.code,
        Code::DeadRule | Code::Redundant | Code::UnusedVariant | Code::UnusedFact
    )
    .then(|| vec![DiagnosticTag::UNNECESSARY]);
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().into())),
        source: Some("mandate".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags,
        ..Default::default()
    }
}

/// Every file's diagnostics, by URI, including the files that have none.
pub fn of_corpus(
    ws: &Workspace,
    corpus: &Corpus,
) -> BTreeMap<String, (Uri, Vec<lsp_types::Diagnostic>)> {
    let mut out: BTreeMap<String, (Uri, Vec<lsp_types::Diagnostic>)> = BTreeMap::new();
    let Some(state) = &corpus.state else {
        return out;
    };
    let uris: Vec<Option<Uri>> = (0..corpus.members.len())
        .map(|m| ws.uri_of(corpus, m))
        .collect();
    for uri in uris.iter().flatten() {
        out.insert(uri.as_str().to_string(), (uri.clone(), Vec::new()));
    }
    let start = Range::new(Position::new(0, 0), Position::new(0, 0));
    let mut push = |member: usize, d: lsp_types::Diagnostic| {
        if let Some(uri) = &uris[member] {
            if let Some(list) = out.get_mut(uri.as_str()) {
                list.1.push(d);
            }
        }
    };
    for (member, d) in &state.unreadable {
        push(*member, convert(ws, corpus, d, start));
    }
    let sources = &state.analysis.sources;
    for d in &state.analysis.diags {
        let (member, r) = match d.primary() {
            Some(span) => (state.members[span.file.0 as usize], range(sources, span)),
            // A finding about a whole file (one that defines nothing)
            // names it; others about the corpus go to its first file.
            None => {
                let named = state.members.iter().enumerate().find(|(i, _)| {
                    d.message.contains(&format!(
                        "`{}`",
                        sources.get(crate::source::FileId(*i as u32)).name
                    ))
                });
                let first = || state.members.iter().copied().find(|&m| uris[m].is_some());
                match named.map(|(_, &m)| m).or_else(first) {
                    Some(m) => (m, start),
                    None => continue,
                }
            }
        };
        push(member, convert(ws, corpus, d, r));
    }
    out
}

/// How far the last analysis went. Beside errors the pipeline lints only
/// the jurisdictions it can trust, and it checks nothing when a file
/// could not be read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reached {
    /// A file was unreadable or over a limit: nothing was checked.
    Parse,
    /// Checked with errors: some lints did not run.
    Check,
    Everything,
}

/// What to send after an analysis: files whose list changed, and the
/// documents just opened or edited. Updates what was published.
///
/// An edit must not lose the other files' findings: when the analysis
/// stopped early, a file not edited since the last full analysis keeps
/// the findings of the stages that did not run this time.
pub fn publish(ws: &mut Workspace) -> Vec<PublishDiagnosticsParams> {
    let mut out = Vec::new();
    for c in 0..ws.corpora.len() {
        let lists = of_corpus(ws, &ws.corpora[c]);
        let corpus = &ws.corpora[c];
        let reached = match &corpus.state {
            Some(s) if s.analysis.tables.is_some() => Reached::Everything,
            Some(s) if s.analysis.resolved().is_some() => Reached::Check,
            _ => Reached::Parse,
        };
        let mut sent = Vec::new();
        for (key, (uri, mut list)) in lists {
            let before = corpus.published.get(&key);
            if reached != Reached::Everything && !corpus.edited.contains(&key) {
                for old in before.into_iter().flatten() {
                    let stale = match reached {
                        Reached::Parse => {
                            old.code != Some(NumberOrString::String(Code::Syntax.as_str().into()))
                        }
                        _ => old.severity == Some(DiagnosticSeverity::WARNING),
                    };
                    if stale && !list.contains(old) {
                        list.push(old.clone());
                    }
                }
            }
            let changed = before != Some(&list) && !(before.is_none() && list.is_empty());
            if changed || corpus.touched.contains(&key) {
                let version = ws.docs.get(&key).map(|d| d.version);
                out.push(PublishDiagnosticsParams::new(uri, list.clone(), version));
                sent.push((key, list));
            }
        }
        let corpus = &mut ws.corpora[c];
        corpus.touched.clear();
        if reached == Reached::Everything {
            corpus.edited.clear();
        }
        for (key, list) in sent {
            corpus.published.insert(key, list);
        }
    }
    out
}
