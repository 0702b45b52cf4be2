//! Quick fixes: apply a "did you mean" suggestion; for a conflict, pin
//! the answer with the ready-made test or make one rule override the
//! other.

use super::diagnostics::{convert, range};
use super::index::Index;
use super::At;
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast;
use lsp_types::{CodeAction, CodeActionKind, Range, TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;

pub fn code_actions(at: &At<'_>, want: Range) -> Vec<CodeAction> {
    let sources = &at.state.analysis.sources;
    let ix = Index::build(at.state);
    let mut out = Vec::new();
    for d in &at.state.analysis.diags {
        let hits = d.labels.iter().any(|l| {
            let r = range(sources, l.span);
            l.span.file == at.file && r.start <= want.end && want.start <= r.end
        });
        if !hits {
            continue;
        }
        let shown = |span: Span| convert(at.ws, at.corpus, d, range(sources, span));
        if let (Some(name), Some(span)) = (
            d.help.as_deref().and_then(crate::diag::suggestion),
            d.primary(),
        ) {
            if let Some(edit) = edit(at, span, name.to_string()) {
                out.push(CodeAction {
                    title: format!("Replace `{}` with `{name}`", sources.slice(span)),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![shown(span)]),
                    edit: Some(edit),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                });
            }
        }
        if d.code == Code::Conflict {
            conflict(at, &ix, d, &mut out);
        }
    }
    out
}

/// A workspace edit replacing a span of the corpus.
fn edit(at: &At<'_>, span: Span, new_text: String) -> Option<WorkspaceEdit> {
    let member = *at.state.members.get(span.file.0 as usize)?;
    let uri: Uri = at.ws.uri_of(at.corpus, member)?;
    let edit = TextEdit {
        range: range(&at.state.analysis.sources, span),
        new_text,
    };
    Some(WorkspaceEdit {
        changes: Some(HashMap::from([(uri, vec![edit])])),
        ..WorkspaceEdit::default()
    })
}

/// The whitespace that starts the line holding `offset`, and where that
/// line starts.
fn line_of(text: &str, offset: usize) -> (usize, &str) {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let indent_len = text[start..]
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count();
    (start, &text[start..start + indent_len])
}

/// An insertion before a block's closing brace: on a line of its own
/// when the brace starts its line.
fn before_close(text: &str, block: Span, lines: &str) -> (usize, String) {
    let close = (block.end as usize).saturating_sub(1);
    let (start, indent) = line_of(text, close);
    if start + indent.len() == close {
        let inner = format!("{indent}  ");
        let body: String = lines
            .lines()
            .map(|l| {
                if l.is_empty() {
                    "\n".to_string()
                } else {
                    format!("{inner}{l}\n")
                }
            })
            .collect();
        (start, body)
    } else {
        (close, format!(" {} ", lines.trim()))
    }
}

fn conflict(at: &At<'_>, ix: &Index<'_>, d: &Diagnostic, out: &mut Vec<CodeAction>) {
    let sources = &at.state.analysis.sources;
    let [a, b] = [d.labels.first(), d.labels.get(1)];
    let (Some(a), Some(b)) = (a, b) else { return };
    let (Some((ja, ra)), Some((jb, rb))) = (ix.rule_named_at(a.span), ix.rule_named_at(b.span))
    else {
        return;
    };
    let shown = convert(at.ws, at.corpus, d, range(sources, a.span));
    // The ready-made test goes into the jurisdiction the conflict is in.
    let test = d
        .help
        .as_deref()
        .and_then(|h| h.split_once("\n\ntest "))
        .map(|(_, t)| format!("test {t}"));
    if let (Some(test), Some(j)) = (test, ix.jurs.get(ja)) {
        let text = &sources.get(a.span.file).text;
        let (at_offset, body) = before_close(text, j.ast.span, &format!("\n{test}"));
        let span = Span::new(a.span.file, at_offset, at_offset);
        if let Some(edit) = edit(at, span, body) {
            out.push(CodeAction {
                title: format!(
                    "Add a test pinning `{}` vs `{}`",
                    ra.name.name, rb.name.name
                ),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![shown.clone()]),
                edit: Some(edit),
                ..CodeAction::default()
            });
        }
    }
    for ((jw, winner), (jl, loser)) in [((ja, ra), (jb, rb)), ((jb, rb), (ja, ra))] {
        // `overrides` names rules of the winner's own chain.
        if !ix.chain(jw).contains(&jl) {
            continue;
        }
        if let Some(edit) = add_override(at, winner, &loser.name.name) {
            out.push(CodeAction {
                title: format!("Make `{}` override `{}`", winner.name.name, loser.name.name),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![shown.clone()]),
                edit: Some(edit),
                ..CodeAction::default()
            });
        }
    }
}

fn add_override(at: &At<'_>, rule: &ast::Rule, target: &str) -> Option<WorkspaceEdit> {
    let file = rule.name.span.file;
    let text = &at.state.analysis.sources.get(file).text;
    let (offset, insert) = match rule.overrides.last() {
        Some(last) => (last.span.end as usize, format!(", {target}")),
        None => before_close(text, rule.span, &format!("overrides {target}")),
    };
    edit(at, Span::new(file, offset, offset), insert)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertions_go_on_their_own_line_before_the_brace() {
        let text = "jurisdiction X \"x\" {\n  rule r {\n    when a\n  }\n}\n";
        let close = text.rfind('}').unwrap();
        let block = Span::new(crate::source::FileId(0), 0, close + 1);
        let (at, body) = before_close(text, block, "\ntest \"t\" {\n  expect x\n}");
        assert_eq!(at, close);
        assert_eq!(body, "\n  test \"t\" {\n    expect x\n  }\n");
        let (at, body) = before_close(
            "rule r { when a }",
            Span::new(crate::source::FileId(0), 0, 17),
            "overrides b",
        );
        assert_eq!((at, body.as_str()), (16, " overrides b "));
    }
}
