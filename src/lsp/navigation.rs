//! Go to definition, find references, and the symbols of a document or
//! of every open corpus.

use super::corpus::{Corpus, State, Workspace};
use super::diagnostics::range;
use super::index::{Index, Sym};
use super::At;
use crate::source::{FileId, Span};
use crate::syntax::ast;
use lsp_types::{DocumentSymbol, Location, OneOf, SymbolKind, WorkspaceSymbol};

fn location(ws: &Workspace, corpus: &Corpus, state: &State, span: Span) -> Option<Location> {
    let member = *state.members.get(span.file.0 as usize)?;
    let uri = ws.uri_of(corpus, member)?;
    Some(Location::new(uri, range(&state.analysis.sources, span)))
}

pub fn definition(at: &At<'_>) -> Option<Location> {
    let ix = Index::build(at.state);
    let occ = *ix.at(at.file, at.offset).last()?;
    // On a rule that replaces an inherited one, the inherited rule; on
    // any other name, its declaration.
    let span = if occ.def {
        ix.at(at.file, at.offset)
            .into_iter()
            .find(|o| !o.def)
            .and_then(|o| ix.defs.get(&o.sym))
            .copied()
            .unwrap_or(occ.span)
    } else {
        *ix.defs.get(&occ.sym)?
    };
    location(at.ws, at.corpus, at.state, span)
}

pub fn references(at: &At<'_>, include_declaration: bool) -> Vec<Location> {
    let ix = Index::build(at.state);
    let Some(occ) = ix.at(at.file, at.offset).into_iter().next() else {
        return Vec::new();
    };
    ix.references(&occ.sym)
        .into_iter()
        .filter(|o| include_declaration || !o.def)
        .filter_map(|o| location(at.ws, at.corpus, at.state, o.span))
        .collect()
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` is a required field
fn symbol(
    state: &State,
    name: &str,
    detail: Option<String>,
    kind: SymbolKind,
    span: Span,
    name_span: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    let sources = &state.analysis.sources;
    DocumentSymbol {
        name: name.to_string(),
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: range(sources, span.to(name_span)),
        selection_range: range(sources, name_span),
        children: (!children.is_empty()).then_some(children),
    }
}

pub fn document_symbols(state: &State, file: FileId) -> Vec<DocumentSymbol> {
    let Some(Some(tree)) = state.analysis.asts.get(file.0 as usize) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in &tree.items {
        match item {
            ast::Item::Schema(s) => {
                let mut kids = Vec::new();
                for e in &s.enums {
                    let vars = e
                        .variants
                        .iter()
                        .map(|v| {
                            let doc = v.doc.as_ref().map(|d| d.value.clone());
                            symbol(
                                state,
                                &v.name.name,
                                doc,
                                SymbolKind::ENUM_MEMBER,
                                v.name.span,
                                v.name.span,
                                Vec::new(),
                            )
                        })
                        .collect();
                    kids.push(symbol(
                        state,
                        &e.name.name,
                        None,
                        SymbolKind::ENUM,
                        e.span,
                        e.name.span,
                        vars,
                    ));
                }
                for f in &s.facts {
                    let doc = f.doc.as_ref().map(|d| d.value.clone());
                    kids.push(symbol(
                        state,
                        &f.name.name,
                        doc,
                        SymbolKind::FIELD,
                        f.span,
                        f.name.span,
                        Vec::new(),
                    ));
                }
                out.push(symbol(
                    state,
                    "schema",
                    None,
                    SymbolKind::NAMESPACE,
                    s.span,
                    s.span,
                    kids,
                ));
            }
            ast::Item::Jurisdiction(j) => {
                let mut kids = Vec::new();
                for r in &j.rules {
                    let then = r.then.action.action.to_string();
                    kids.push(symbol(
                        state,
                        &r.name.name,
                        Some(then),
                        SymbolKind::FUNCTION,
                        r.span,
                        r.name.span,
                        Vec::new(),
                    ));
                }
                for t in &j.tests {
                    kids.push(symbol(
                        state,
                        &t.name.value,
                        None,
                        SymbolKind::METHOD,
                        t.span,
                        t.name.span,
                        Vec::new(),
                    ));
                }
                out.push(symbol(
                    state,
                    &j.code.name,
                    Some(j.name.value.clone()),
                    SymbolKind::MODULE,
                    j.span,
                    j.code.span,
                    kids,
                ));
            }
            ast::Item::Expected(e) => out.push(symbol(
                state,
                "expect jurisdictions",
                None,
                SymbolKind::ARRAY,
                e.span,
                e.span,
                Vec::new(),
            )),
        }
    }
    out
}

/// Names matching `query` (case-insensitive, in order, not necessarily
/// adjacent: `ca_ch` finds `CA.child_abuse`) across every corpus.
pub fn workspace_symbols(ws: &Workspace, query: &str) -> Vec<WorkspaceSymbol> {
    let query = query.to_lowercase();
    let fits = |name: &str| {
        let mut rest = query.chars().peekable();
        for c in name.to_lowercase().chars() {
            if rest.peek() == Some(&c) {
                rest.next();
            }
        }
        rest.peek().is_none()
    };
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for corpus in &ws.corpora {
        let Some(state) = &corpus.state else { continue };
        let ix = Index::build(state);
        let mut defs: Vec<(&Sym, &Span)> = ix.defs.iter().collect();
        defs.sort_by(|a, b| a.0.cmp(b.0));
        for (sym, span) in defs {
            let (name, container, kind) = match sym {
                Sym::Fact(n) => (n.clone(), None, SymbolKind::FIELD),
                Sym::Enum(n) => (n.clone(), None, SymbolKind::ENUM),
                Sym::Variant(e, v) => (v.clone(), Some(e.clone()), SymbolKind::ENUM_MEMBER),
                Sym::Jur(c) => (c.clone(), None, SymbolKind::MODULE),
                Sym::Rule(j, r) => (format!("{j}.{r}"), Some(j.clone()), SymbolKind::FUNCTION),
                Sym::Code(_) => continue,
            };
            if !fits(&name) {
                continue;
            }
            let Some(location) = location(ws, corpus, state, *span) else {
                continue;
            };
            if !seen.insert((location.uri.as_str().to_string(), name.clone())) {
                continue;
            }
            out.push(WorkspaceSymbol {
                name,
                kind,
                tags: None,
                container_name: container,
                location: OneOf::Left(location),
                data: None,
            });
        }
    }
    out
}
